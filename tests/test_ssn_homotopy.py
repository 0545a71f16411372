"""All fixed points of N-population SSNs (integer n) by support enumeration + homotopy continuation.

Oracles:
* exact rational elimination: for every support, sympy's lex Groebner basis of the polynomial
  system with a separating linear form z = x_1 + 2 x_2 + 3 x_3 appended (shape position: every
  x_i = p_i(z), one univariate q(z)), real roots of q isolated exactly; small-integer examples with
  k = 1.  (sympy's ``solve_poly_system`` is *not* used: it misses the all-active root of the first
  example below.)
* brute force: scipy ``fsolve`` on the rectified system from a dense grid of starts, for random
  Dale-respecting 3-population networks at k = 0.04;
* the exact two-population polynomial elimination (``fixed_points_2pop``);
* the numba tracker against its uncompiled twin.
"""
import itertools

import numpy as np
import pytest
import scipy.optimize as so
import sympy as sp

from recnet.numerics import ssn
from recnet.numerics import ssn_homotopy as sh
from tests.twins import ssn_homotopy as twin


def _sympy_fixed_points(W, h, n=2, digits=30):
    """All fixed points of u = W [u]_+^n + h (k = 1), exact rational Groebner elimination per support."""
    N = len(h)
    W = sp.Matrix(W)
    h = sp.Matrix(h)
    out = []
    for m in range(N + 1):
        for S in itertools.combinations(range(N), m):
            Z = [a for a in range(N) if a not in S]
            if m == 0:
                if all(v <= 0 for v in h):
                    out.append([float(v) for v in h])
                continue
            xs = sp.symbols(f"x0:{m}")
            z = sp.Symbol("z")
            polys = [-xs[i] + sum(W[S[i], S[j]] * xs[j] ** n for j in range(m)) + h[S[i]] for i in range(m)]
            polys.append(z - sum((j + 1) * xs[j] for j in range(m)))
            G = list(sp.groebner(polys, *xs, z, order="lex").exprs)
            shape = len(G) == m + 1 and all(
                set(sp.Poly(g, *xs).monoms()) <= {tuple(int(j == i) for j in range(m)), (0,) * m}
                and sp.Poly(g, *xs).degree(xs[i]) == 1 for i, g in enumerate(G[:-1]))
            assert shape, f"Groebner basis not in shape position for support {S}: {G}"
            p = [sp.solve(g, xs[i])[0] for i, g in enumerate(G[:-1])]
            for r in sp.real_roots(sp.Poly(G[-1], z)):
                x = [sp.N(pi.subs(z, r), digits) for pi in p]
                if any(v <= 0 for v in x):
                    continue
                u = [None] * N
                for i, a in enumerate(S):
                    u[a] = x[i]
                inactive = [h[a] + sum(W[a, S[j]] * x[j] ** n for j in range(m)) for a in Z]
                if any(v > 0 for v in inactive):
                    continue
                for a, v in zip(Z, inactive):
                    u[a] = v
                out.append([float(v) for v in u])
    return sorted(map(tuple, out))


# small-integer examples (k = 1, n = 2): 7, 6, 5 and 4 fixed points, several supports each; the
# first has W_33 = 0 (the I-only support is linear: paths go to infinity); the second is not Dale
EXACT_CASES = [
    ([[3, 1, -3], [1, 3, -3], [1, 2, 0]], [-3, -2, -3]),
    ([[1, -3, 0], [-3, 1, 0], [-2, 0, 3]], [-1, -1, -3]),
    ([[2, 0, -3], [0, 2, -3], [3, 2, -3]], [-1, -1, -3]),
]


@pytest.mark.parametrize("W,h", EXACT_CASES)
def test_homotopy_matches_exact_groebner_elimination(W, h):
    want = _sympy_fixed_points(W, h)
    us, info = sh.all_fixed_points(np.array(W, float), np.array(h, float), 1.0, 2, seed=0)
    got = sorted(map(tuple, us))
    assert info["complete"]
    assert len(got) == len(want) >= 5, (got, want)
    np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)


def _brute_force(W, h, k, n, grid):
    def F(u):
        return -u + W @ (k * np.maximum(u, 0) ** n) + h
    found = []
    for u0 in itertools.product(grid, repeat=W.shape[0]):
        u, _, ier, _ = so.fsolve(F, u0, full_output=True, xtol=1e-13)
        if ier == 1 and np.max(np.abs(F(u))) < 1e-8 and all(np.max(np.abs(u - v)) > 1e-5 for v in found):
            found.append(u)
    return sorted(map(tuple, found))


def test_homotopy_matches_dense_brute_force_random_dale_networks():
    """Random 3-population networks (2 E, 1 I), k = 0.04, n = 2, inputs with a negative I drive
    (multistable region): fsolve from an 11^3 grid of starts finds the same fixed points."""
    rng = np.random.default_rng(2024)
    grid = np.r_[np.linspace(-20, 60, 9), 150.0, 300.0]
    n_multi = 0
    for _ in range(3):
        mag = rng.uniform(0.2, 1.6, (3, 3))
        W = mag * np.array([1.0, 1.0, -1.0])[None, :]
        h = np.r_[rng.uniform(0.5, 4.0, 2), rng.uniform(-8.0, -1.0)]
        want = _brute_force(W, h, 0.04, 2, grid)
        fps = ssn.fixed_points(W, h, 0.04, 2, [20.0, 20.0, 10.0], ("E", "E", "I"), method="homotopy")
        got = sorted(tuple(f["u_mv"]) for f in fps)
        assert all(f["complete"] for f in fps)
        assert len(got) == len(want), (W, h, got, want)
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-8)
        n_multi += len(got) > 1
    assert n_multi >= 1


@pytest.mark.parametrize("h", [(1.0, -3.0), (20.0, 20.0), (-1.0, 4.0), (-1.0, -2.0), (0.5, -2.0)])
def test_homotopy_equals_two_population_elimination(h):
    P = ssn.default_parameters()
    a = ssn.fixed_points_2pop(P["W"], h, P["k"], 2, P["tau"])
    b = ssn.fixed_points(P["W"], h, P["k"], 2, P["tau"], method="homotopy")
    assert [f["support"] for f in a] == [f["support"] for f in b]
    assert [f["stable"] for f in a] == [f["stable"] for f in b]
    np.testing.assert_allclose([f["u_mv"] for f in a], [f["u_mv"] for f in b], rtol=1e-10, atol=1e-12)


def test_homotopy_n3_three_populations_brute_force():
    """n = 3 (27 paths on the full support)."""
    W = np.array([[1.2, 0.3, -0.9], [0.3, 1.2, -0.9], [1.0, 1.0, -0.6]])
    h = np.array([2.0, 1.0, -3.0])
    k = 0.004
    want = _brute_force(W, h, k, 3, np.r_[np.linspace(-10, 40, 9), 100.0])
    us, info = sh.all_fixed_points(W, h, k, 3)
    assert info["complete"] and info["n_paths"] == 3 * 3 + 3 * 9 + 27
    got = sorted(map(tuple, us))
    assert len(got) == len(want) >= 2
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-8)


def test_tracker_matches_uncompiled_twin():
    W = np.array([[3.0, 1.0, -3.0], [1.0, 3.0, -3.0], [1.0, 2.0, 0.0]])
    h = np.array([-3.0, -2.0, -3.0])
    e1, s1, g1 = sh.track_paths(W, h, 1.0, 2, seed=4)
    e2, s2, g2 = twin.track_paths_naive(W, h, 1.0, 2, seed=4)
    assert g1 == g2
    np.testing.assert_array_equal(s1, s2)
    np.testing.assert_allclose(e1, e2, rtol=1e-9, atol=1e-12)


def test_homotopy_bad_input():
    with pytest.raises(ValueError, match="n = 2.5"):
        ssn.fixed_points(np.eye(3), np.ones(3), 0.04, 2.5, method="homotopy")
    with pytest.raises(ValueError, match="method"):
        ssn.fixed_points(np.eye(3), np.ones(3), 0.04, 2, method="groebner")
    with pytest.raises(ValueError, match="h has shape"):
        sh.all_fixed_points(np.eye(3), np.ones(2), 0.04, 2)
