"""Fixed points of rate networks (issue 17): known answers and simulation.

Oracles: the linear network's x* = (I - W)^{-1} c and eig(W) - 1 (closed forms); a Hopfield network
with orthogonal (Hadamard) patterns, where a = beta tanh(a) gives the pattern states and their
eigenvalues in closed form, and a brute-force root search of the reduced 3-dimensional fixed-point
equation gives every fixed point; a ring attractor whose radius and spectrum follow from one-
dimensional averages over the ring; the trained 3-bit flip-flop network checked by simulation.
"""
from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from scipy.linalg import hadamard
from scipy.optimize import brentq, fsolve

from recnet.checks import ParameterError
from recnet.numerics.trained import fixed_points as FP
from recnet.numerics.trained.flipflop import _loss_and_grad, flipflop_batch


# ------------------------------------------------------------------------------ linear network
def test_linear_network_single_fixed_point_exact():
    rng = np.random.default_rng(3)
    n = 30
    W = 0.6 * rng.standard_normal((n, n)) / math.sqrt(n)
    c = rng.standard_normal(n)
    r = FP.find_fixed_points(W, c, "linear", n_init=16, seed=1)
    assert len(r["fixed_points"]) == 1 and r["slow_points"] == []
    p = r["fixed_points"][0]
    xs = np.linalg.solve(np.eye(n) - W, c)
    assert np.max(np.abs(p["x"] - xs)) <= 1e-12 * max(1.0, np.max(np.abs(xs))) * np.linalg.cond(np.eye(n) - W)
    lam = np.linalg.eigvals(W) - 1.0
    assert np.allclose(np.sort_complex(p["eigenvalues"]), np.sort_complex(lam), atol=1e-12)
    assert p["stability"] == "stable" and p["count"] == 16


def test_linear_network_saddle_when_an_eigenvalue_of_W_exceeds_one():
    rng = np.random.default_rng(4)
    n = 12
    Q, _ = np.linalg.qr(rng.standard_normal((n, n)))
    d = np.r_[1.5, np.linspace(-0.5, 0.5, n - 1)]     # one eigenvalue of J = d - 1 is +0.5
    W = Q @ np.diag(d) @ Q.T
    c = rng.standard_normal(n)
    p, = FP.find_fixed_points(W, c, "linear", n_init=8, seed=0)["fixed_points"]
    assert np.allclose(p["x"], np.linalg.solve(np.eye(n) - W, c), atol=1e-11)
    assert p["stability"] == "saddle" and p["n_unstable"] == 1
    assert abs(p["eigenvalues"][0].real - 0.5) < 1e-12


# ---------------------------------------------------------------------------------- Hopfield
BETA = 2.0


def _hopfield():
    xi = hadamard(64)[[1, 2, 4]].astype(float)     # orthogonal patterns; columns take all 8 sign triples
    return xi, BETA / 64 * xi.T @ xi


def _brute_force_hopfield(xi):
    """Every fixed point: x = xi^T y with y = (beta/8) sum_s s tanh(s . y) over the 8 sign triples s
    (the fixed-point equation reduced to the pattern space), roots from a 21^3 grid of starts."""
    S = np.array(list(itertools.product((-1.0, 1.0), repeat=3)))

    def g(y):
        return y - BETA / 8 * S.T @ np.tanh(S @ y)

    roots = []
    for y0 in itertools.product(np.linspace(-2.5, 2.5, 21), repeat=3):
        y, info, ok, _ = fsolve(g, np.array(y0), full_output=True, xtol=1e-13)
        if ok == 1 and np.linalg.norm(g(y)) < 1e-12 and not any(np.linalg.norm(y - z) < 1e-6 for z in roots):
            roots.append(y)
    return [xi.T @ y for y in roots]


def test_hopfield_pattern_states_closed_form_and_brute_force():
    xi, W = _hopfield()
    r = FP.find_fixed_points(W, 0.0, "tanh", n_init=256, seed=2)
    fps = r["fixed_points"]
    # closed form: x = a xi^mu with a = beta tanh(a); J eigenvalues -1 + beta sech^2 a (3x), -1 (61x)
    a = brentq(lambda v: v - BETA * math.tanh(v), 0.5, 5.0)
    expected = [s * a * xi[m] for m in range(3) for s in (1, -1)]
    stable = [p for p in fps if p["stability"] == "stable"]
    assert len(stable) == 6
    for e in expected:
        match = [p for p in stable if np.max(np.abs(p["x"] - e)) < 1e-12]
        assert len(match) == 1
        lam = np.sort(match[0]["eigenvalues"].real)
        lam_top = -1.0 + BETA * (1.0 - math.tanh(a) ** 2)
        assert np.allclose(lam[-3:], lam_top, atol=1e-12) and np.allclose(lam[:-3], -1.0, atol=1e-12)
    # every point found is one of the brute-force roots, classified as its own Jacobian says
    brute = _brute_force_hopfield(xi)
    for p in fps:
        d = [np.max(np.abs(p["x"] - b)) for b in brute]
        assert min(d) < 1e-9
        lam = np.linalg.eigvals(-np.eye(64) + W * (1 - np.tanh(p["x"]) ** 2)[None, :])
        assert p["n_unstable"] == int(np.sum(lam.real > 1e-6))
    # the stable roots of the brute force are exactly the six pattern states
    brute_stable = [b for b in brute if np.all(np.linalg.eigvals(
        -np.eye(64) + W * (1 - np.tanh(b) ** 2)[None, :]).real < -1e-6)]
    assert len(brute_stable) == 6


# ------------------------------------------------------------------------------- ring attractor
def _ring(n=100, j=2.0):
    th = 2 * np.pi * np.arange(n) / n
    return th, (2 * j / n) * np.cos(th[:, None] - th[None, :])


def test_ring_attractor_one_zero_eigenvalue_along_the_ring():
    """x = r cos(theta - psi) for every psi, r = 2J <cos f tanh(r cos f)>; J has the eigenvalue 0
    along d x/d psi, -1 + 2J <cos^2 f sech^2(r cos f)> across the ring and -1 (N - 2 fold).  The
    grid of N = 100 angles breaks the rotation symmetry only through the harmonic 99 of
    tanh(r cos f), of order e^{-99 asinh(pi / 2r)} < 1e-25: zero is exact to rounding (tolerance
    1e-9 x ||W||)."""
    n, j = 100, 2.0
    th, W = _ring(n, j)
    f = np.linspace(0, 2 * np.pi, 4096, endpoint=False)   # periodic trapezoid: spectrally accurate
    r = brentq(lambda v: v - 2 * j * np.mean(np.cos(f) * np.tanh(v * np.cos(f))), 0.1, 10.0)
    lam2 = -1 + 2 * j * np.mean(np.cos(f) ** 2 / np.cosh(r * np.cos(f)) ** 2)
    res = FP.find_fixed_points(W, 0.0, "tanh", n_init=64, seed=0, eigenvectors=True)
    ring = [p for p in res["fixed_points"] if np.linalg.norm(p["x"]) > 1.0]
    assert len(ring) >= 10
    psis = []
    for p in ring:
        assert abs(np.linalg.norm(p["x"]) - r * math.sqrt(n / 2)) < 1e-9
        assert p["stability"] == "marginal" and p["n_zero"] == 1
        lam = p["eigenvalues"]
        assert abs(lam[0]) < 1e-9 * np.linalg.norm(W, 2)
        assert abs(lam[1] - lam2) < 1e-9 and np.allclose(lam[2:], -1.0, atol=1e-9)
        psi = math.atan2(p["x"] @ np.sin(th), p["x"] @ np.cos(th))
        tangent = np.sin(th - psi)
        v = p["eigenvectors"][:, 0].real
        assert abs(abs(v @ tangent) / (np.linalg.norm(v) * np.linalg.norm(tangent)) - 1) < 1e-9
        psis.append(psi)
    assert np.ptp(np.unwrap(np.sort(psis))) > 1.0   # points spread along the ring
    origin = [p for p in res["fixed_points"] if np.linalg.norm(p["x"]) < 1e-12]
    assert len(origin) == 1 and origin[0]["n_unstable"] == 2   # eigenvalue -1 + J = 1, twice


# --------------------------------------------------------------------------------- the kernels
def test_residual_and_jacobian_against_finite_differences():
    rng = np.random.default_rng(5)
    n = 9
    W = rng.standard_normal((n, n))
    c = rng.standard_normal(n)
    x = rng.standard_normal(n)
    for phi in ("tanh", "erf"):
        J = FP.jacobian(W, phi, x)
        h = 1e-6
        Jfd = np.column_stack([(FP.residual(W, c, phi, x + h * e) - FP.residual(W, c, phi, x - h * e)) / (2 * h)
                               for e in np.eye(n)])
        assert np.allclose(J, Jfd, atol=1e-8)


def test_slow_point_of_a_ghost():
    """x' = F = -x + w tanh(x) + c in one dimension, w = 1.2: F has a local maximum at x_sn
    (w sech^2 x_sn = 1), zero for c = c_sn = x_sn - w tanh(x_sn).  Just past the saddle-node,
    c = c_sn - 1e-3, no fixed point is left near x_sn, but a slow point (the ghost) with
    q = (c - c_sn)^2/2 exactly (F(x_sn) = c - c_sn and F'(x_sn) = 0); the one fixed point lies below -x_sn."""
    w = 1.2
    xsn = math.acosh(math.sqrt(w))
    csn = xsn - w * math.tanh(xsn)
    c = csn - 1e-3
    r = FP.find_fixed_points(np.array([[w]]), c, "tanh", X0=np.array([[xsn], [xsn + 0.1]]), slow_q_max=1e-2)
    sp = r["slow_points"]
    assert len(sp) == 1
    assert abs(sp[0]["q"] - 0.5e-6) < 1e-12 * 0.5e-6 + 1e-20
    assert abs(sp[0]["x"][0] - xsn) < 1e-6
    assert all(p["x"][0] < -xsn for p in r["fixed_points"])


def test_bad_input_is_refused():
    with pytest.raises(ParameterError) as e:
        FP.find_fixed_points(np.ones((3, 2)))
    assert e.value.name == "W"
    with pytest.raises(ParameterError) as e:
        FP.find_fixed_points(np.eye(3), c=np.ones(4))
    assert e.value.name == "c"
    with pytest.raises(ParameterError) as e:
        FP.find_fixed_points(np.eye(3), marginal_tol=-1.0)
    assert e.value.name == "marginal_tol"


def test_same_seed_same_points():
    xi, W = _hopfield()
    a = FP.find_fixed_points(W, 0.0, "tanh", n_init=32, seed=9)
    b = FP.find_fixed_points(W, 0.0, "tanh", n_init=32, seed=9)
    assert len(a["fixed_points"]) == len(b["fixed_points"])
    for p, q in zip(a["fixed_points"], b["fixed_points"]):
        assert np.array_equal(p["x"], q["x"])


def test_bptt_gradient_against_finite_differences():
    rng = np.random.default_rng(1)
    n = 8
    p = {"W": rng.standard_normal((n, n)) / 3, "B": rng.standard_normal((n, 3)), "b": 0.1 * rng.standard_normal(n),
         "C": rng.standard_normal((3, n)), "d": 0.1 * rng.standard_normal(3)}
    u, y = flipflop_batch(4, 20, seed=2)
    _, g = _loss_and_grad(p, u, y, 0.2)
    h = 1e-6
    for k in p:
        for idx in [tuple(0 for _ in p[k].shape), tuple(s - 1 for s in p[k].shape)]:
            q = {kk: vv.copy() for kk, vv in p.items()}
            q[k][idx] += h
            lp, _ = _loss_and_grad(q, u, y, 0.2)
            q[k][idx] -= 2 * h
            lm, _ = _loss_and_grad(q, u, y, 0.2)
            assert abs((lp - lm) / (2 * h) - g[k][idx]) < 1e-7 * max(1.0, abs(g[k][idx]))


# ----------------------------------------------------------------------- trained 3-bit flip-flop
@pytest.mark.slow
def test_flipflop_eight_stable_points_and_saddles_verified_by_simulation():
    """Acceptance (issue 17): exactly 8 stable fixed points, one per memory state (the readout's
    signs are the 8 corners of the cube), plus saddles; each stable point is returned to and each
    saddle left from a small perturbation, as the linearisation says (validation.trained).

    Three independent bistable switches have 3^3 = 27 fixed points: per channel, one of the two
    memories or the unstable point between them; a point with k channels "between" (readout
    |y_k| < 0.5, against |y| ~ 1 at a memory) has k unstable directions, so C(3, k) 2^(3-k) points
    of index k: 8, 12, 6, 1.  The trained network has exactly this structure."""
    from importlib.resources import files

    from recnet.validation.trained import perturbation_check
    with np.load(files("recnet.models") / "data" / "flipflop3-tanh64.npz") as z:
        W, b, C, d = z["W"], z["b"], z["C"], z["d"]
    r = FP.find_fixed_points(W, b, "tanh", n_init=1024, seed=0)
    fps = r["fixed_points"]
    stable = [p for p in fps if p["stability"] == "stable"]
    assert len(stable) == 8
    corners = {tuple(np.sign(C @ np.tanh(p["x"]) + d).astype(int)) for p in stable}
    assert corners == set(itertools.product((-1, 1), repeat=3))
    assert {p["stability"] for p in fps} == {"stable", "saddle"}
    index = [p["n_unstable"] for p in fps]
    assert [index.count(k) for k in range(4)] == [8, 12, 6, 1] and len(fps) == 27
    for p in fps:
        y = C @ np.tanh(p["x"]) + d
        assert int(np.sum(np.abs(y) < 0.5)) == p["n_unstable"]
    for k, p in enumerate(fps):
        v = perturbation_check(W, b, "tanh", p, seed=k)
        assert v["simulated"] == ("returns" if p["stability"] == "stable" else "leaves")
        assert v["agree"], v


def test_degenerate_networks_give_words_not_garbage():
    """Singular Jacobians (no exception, every run accounted for).  W = I, phi = relu, c = 1e-4:
    F_i = c for x_i >= 0 and c - x_i for x_i < 0, so no fixed point and min q = N c^2 / 2 at x >= 0.
    W = I, phi = linear, c = 0: F = 0 everywhere, a continuum of dimension N (n_zero = N)."""
    n, c = 4, 1e-4
    r = FP.find_fixed_points(np.eye(n), c, "relu", n_init=8, seed=0)
    assert sum(r["runs"].values()) == 8 and r["fixed_points"] == []
    assert r["slow_points"] and all(abs(p["q"] - n * c * c / 2) <= 1e-9 * n * c * c for p in r["slow_points"])
    assert all(np.all(p["x"] >= 0) for p in r["slow_points"])
    r = FP.find_fixed_points(np.eye(n), 0.0, "linear", n_init=8, seed=0)
    assert sum(r["runs"].values()) == 8 and len(r["fixed_points"]) == 8
    assert all(p["stability"] == "marginal" and p["n_zero"] == n for p in r["fixed_points"])
