"""The a-posteriori fixed-point bound (``recnet.validation.fixed_point_error``) against zeros known
exactly: sqrt(2), a linear system solved in exact rationals, and an SSN fixed point refined in
mpmath at 50 digits."""
from fractions import Fraction

import mpmath
import numpy as np

from recnet.validation.fixed_point_error import gamma, newton_distance, ssn_residual


def test_scalar_sqrt2_bound_covers_and_is_tight():
    F = lambda x: x ** 2 - 2.0
    J = lambda x: np.array([[2 * x[0]]])
    for off in (1e-3, 1e-6, -1e-9):
        x = np.array([np.sqrt(2.0) + off])
        b = newton_distance(F, J, x, lambda x: np.abs(x) ** 2 + 2.0, 3)
        true = abs(off)
        assert b["bound"] >= true
        # eta = |x^2 - 2|/(2x) = true (1 + O(off)): the bound is 2 eta + floor, within 2x of the truth
        assert b["bound"] <= 2 * true * (1 + 2 * abs(off)) + b["floor"]


def test_linear_system_exact_rational():
    rng = np.random.default_rng(1)
    A = rng.integers(-5, 6, (4, 4)).astype(float) + 8 * np.eye(4)
    bvec = rng.integers(-9, 10, 4).astype(float)
    # exact solution in rationals (Gaussian elimination)
    M = [[Fraction(int(A[i, j])) for j in range(4)] + [Fraction(int(bvec[i]))] for i in range(4)]
    for c in range(4):
        p = max(range(c, 4), key=lambda r: abs(M[r][c]))
        M[c], M[p] = M[p], M[c]
        for r in range(4):
            if r != c:
                f = M[r][c] / M[c][c]
                M[r] = [a - f * b for a, b in zip(M[r], M[c])]
    xs = np.array([float(M[i][4] / M[i][i]) for i in range(4)])
    x = xs + 1e-7 * rng.standard_normal(4)
    b = newton_distance(lambda x: A @ x - bvec, lambda x: A, x, lambda x: np.abs(A) @ np.abs(x) + np.abs(bvec), 9)
    assert b["bound"] >= np.max(np.abs(x - xs))
    assert b["h_est"] < 1e-3       # linear: the second Newton step is round-off only


def test_ssn_fixed_point_against_mpmath():
    W = np.array([[1.25, -0.65], [1.2, -0.5]])
    h = np.array([2.0, 2.0])
    k, n = 0.04, 2
    F, J, terms, ops = ssn_residual(W, h, k, n)
    # the fixed point to 50 digits (mpmath Newton from a float estimate)
    mpmath.mp.dps = 50
    x = np.array([1.0, 1.0])
    for _ in range(100):
        x = x - np.linalg.solve(J(x), F(x))
    f = lambda a, b: [-a + k * max(W[0, 0] * a + W[0, 1] * b + h[0], 0) ** n,
                      -b + k * max(W[1, 0] * a + W[1, 1] * b + h[1], 0) ** n]
    xs = mpmath.findroot(f, (mpmath.mpf(x[0]), mpmath.mpf(x[1])))
    xs = np.array([float(xs[0]), float(xs[1])])
    for off in (1e-4, 1e-8, 0.0):
        y = xs + off * np.array([1.0, -0.5])
        b = newton_distance(F, J, y, terms, ops)
        assert b["bound"] is not None and b["bound"] >= np.max(np.abs(y - xs))
    # floor: a few ulps of the rates times the conditioning, not more
    assert b["floor"] <= 1e3 * gamma(ops) * max(1.0, np.max(xs))


def test_not_converged_is_said():
    F = lambda x: np.array([np.tanh(x[0]) - 0.5])   # far from its zero atanh(0.5): Newton overshoots
    J = lambda x: np.array([[1 - np.tanh(x[0]) ** 2]])
    b = newton_distance(F, J, np.array([3.0]), lambda x: np.array([1.5]), 3)
    assert b["bound"] is None and "not converged" in b["why"]


def test_ssn_rate_rows_use_derived_allowances():
    # the rate-SSN rows that compare a simulated equilibrium (or its finite-difference response)
    # with the solver: each allowance is computed (why text), none stated, and all agree
    from recnet.validation.ssn import validate_rate

    comps, _ = validate_rate(quick=True)
    rows = [c for c in comps if c.quantity.startswith(("rate_", "dr_i_dh_i", "ring_"))]
    assert len(rows) >= 10
    for c in rows:
        assert "stated" not in c.systematic_why and c.systematic_why
        assert c.agree, (c.quantity, c.predicted, c.simulated, c.systematic, c.systematic_why)
    # the Richardson-extrapolated response is much closer than its allowance needs (remainder O(dh^4))
    r = [c for c in rows if c.quantity == "dr_i_dh_i_hz_per_mv_above_isn"][0]
    assert abs(r.simulated - r.predicted) < 0.1 * r.systematic


def test_tln_allowance_covers_a_slow_mode():
    # 2 active units, J = -I + W with eigenvalues -0.02 and -1.5 (a slow mode, as in the geometry
    # seed that stopped short of its fixed point at t = 400 tau); the fixed point solves (I - W) r = h
    from recnet.validation.geometry import _tln_fixed_point_allowance

    V = np.array([[1.0, 0.3], [0.2, 1.0]])
    W = np.eye(2) + V @ np.diag([-0.02, -1.5]) @ np.linalg.inv(V)
    r = np.array([0.5, 0.25])
    h = r - W @ r
    assert np.all(W @ r + h > 0)
    for d in (1e-9, 1e-6):
        x = r + d * V[:, 0]
        a = _tln_fixed_point_allowance(W, h, x, r)
        assert np.max(np.abs(x - r)) <= a <= 2.5 * np.max(np.abs(x - r)) + 1e-12


def test_geometry_symmetric_member_fixed_points_within_their_bound():
    from recnet.validation import geometry as G

    spk, (Ws, Us), gts = G.spiking_check(n_neurons=3, n_patterns=2, seed=1, spikes_per_unit=20.0)
    for m, res in spk:
        a = G._tln_fixed_point_allowance(Ws, Us @ gts["X"][m], res.x_tln, gts["R"][m])
        assert np.max(np.abs(res.x_tln - gts["R"][m])) <= a < 1e-9
