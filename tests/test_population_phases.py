"""Two-population phase diagram (numerics.dmft.population_phases, papers/kadmon2015_phase_diagram)
against an independent scipy quad + fsolve computation of every fixed-point branch and its
stability, the closed-form boundaries of the zero state, and simulations."""
import math

import numpy as np
import pytest
from scipy import integrate, optimize, special

from recnet.numerics.dmft import population_phases as PH
from recnet.papers import kadmon2015_phase_diagram as FIG

A = np.asarray(FIG.ALPHA)
GS = np.asarray(FIG.G_SHAPE)
JS = np.asarray(FIG.J_SHAPE)
_F = {"tanh": (np.tanh, lambda x: 1 - np.tanh(x) ** 2),
      "erf": (lambda x: special.erf(math.sqrt(math.pi) / 2 * x), lambda x: math.exp(-math.pi * x * x / 4))}


def _avg(f, mu, d0):
    if d0 <= 0:
        return float(f(mu))
    return integrate.quad(lambda z: f(mu + math.sqrt(d0) * z) * math.exp(-z * z / 2) / math.sqrt(2 * math.pi),
                          -12, 12, epsabs=1e-13, epsrel=1e-13, limit=200)[0]


def _independent(g, j0, start):
    """Fixed point (mu, Delta0) from ``start`` by fsolve on quad averages; rho(M) and the uniform-mode
    eigenvalues there."""
    G, J = g * GS, j0 * JS
    phis = [_F[p] for p in FIG.PHIS]

    def res(v):
        mu, d = v[:2], np.abs(v[2:])
        m1 = np.array([_avg(phis[b][0], mu[b], d[b]) for b in range(2)])
        m2 = np.array([_avg(lambda x, b=b: phis[b][0](x) ** 2, mu[b], d[b]) for b in range(2)])
        return np.concatenate([mu - (J * A) @ m1, v[2:] - (G ** 2 * A) @ m2])
    v = optimize.fsolve(res, start, xtol=1e-13)
    assert np.max(np.abs(res(v))) < 1e-10
    return v[:2], v[2:], _stability(g, j0, v[:2], v[2:])


def _stability(g, j0, mu, d):
    G, J = g * GS, j0 * JS
    phis = [_F[p] for p in FIG.PHIS]
    q2 = np.array([_avg(lambda x, b=b: phis[b][1](x) ** 2, mu[b], d[b]) for b in range(2)])
    q1 = np.array([_avg(phis[b][1], mu[b], d[b]) for b in range(2)])
    rho = float(np.max(np.abs(np.linalg.eigvals(G ** 2 * A * q2))))
    ue = np.linalg.eigvals(-np.eye(2) + J * A * q1)
    return rho, ue


def test_zero_state_boundaries_closed_form():
    """g_c and J0_c of the zero state: the solver's zero branch changes stability across them
    (+-0.5 %), and g_c equals the bisection root of rho(M(g)) = 1 on the solver's own M."""
    gc, jc = PH.zero_state_boundaries(A, GS, JS)
    # by hand: rho([[0.6, 0.9], [0.384, 0.4]]) = 0.5 + sqrt(0.25 + 0.1056);
    # max eig([[0.6, .2], [.3, .4]]) = 0.5 + sqrt(0.07)
    assert gc == pytest.approx(1 / math.sqrt(0.5 + math.sqrt(0.3556)), rel=1e-12)
    assert jc == pytest.approx(1 / (0.5 + math.sqrt(0.07)), rel=1e-12)
    from recnet.numerics.dmft.populations import solve_populations

    def zero(g, j):
        s = solve_populations(A, g * GS, j * JS, list(FIG.PHIS), 0.0, chaos=False)
        return [b for b in s["branches"] if np.max(np.abs(b["mu"])) < 1e-9 and np.max(b["delta0"]) < 1e-9][0]
    assert zero(0.995 * gc, 0.2)["bulk_stable"] and not zero(1.005 * gc, 0.2)["bulk_stable"]
    assert zero(0.5, 0.995 * jc)["uniform_mode_stable"] and not zero(0.5, 1.005 * jc)["uniform_mode_stable"]


@pytest.mark.parametrize("g,j0", [(0.6, 2.5), (1.4, 2.6), (0.5, 0.5)])
def test_every_fixed_point_branch_and_its_stability_against_independent_solver(g, j0):
    """Each fixed point the solver reports solves the independent system (from a perturbed copy),
    with the same rho(M), uniform-mode eigenvalues and stability; quadrature of both ~1e-12, so the
    allowance is 1e-8 (fsolve's 1e-13 times a Jacobian condition number < 1e4).  The independent
    solver started from a grid finds no fixed point the solver missed."""
    lab, sol = PH.classify(A, GS, JS, g, j0, list(FIG.PHIS))
    fps = [b for b in sol["branches"] if b["branch"] == "fixed_point"]
    for b in fps:
        mu, d, (rho, ue) = _independent(g, j0, np.concatenate([b["mu"], b["delta0"]]) * 1.02 + 1e-3)
        np.testing.assert_allclose(b["mu"], mu, rtol=1e-8, atol=1e-10)
        np.testing.assert_allclose(b["delta0"], d, rtol=1e-8, atol=1e-10)
        assert b["chaos_radius"] == pytest.approx(rho, rel=1e-8)
        np.testing.assert_allclose(np.sort(b["uniform_mode_eigenvalues"].real), np.sort(ue.real), rtol=1e-8, atol=1e-10)
        assert b["stable"] == (rho < 1 and ue.real.max() < 0)
    found = []
    for m0 in (-1.5, -0.5, 0.0, 0.5, 1.5):
        for d0 in (0.0, 1.0):
            try:
                mu, d, _ = _independent(g, j0, np.array([m0, m0, d0, d0]))
            except AssertionError:
                continue
            if not any(np.allclose(np.concatenate([mu, d]), f, atol=1e-7) for f in found):
                found.append(np.concatenate([mu, d]))
    assert len(found) == len(fps)


@pytest.mark.parametrize("g,j0,label", [(1.6, 0.4, "chaos"), (1.8, 2.6, "ferromagnetic chaos")])
def test_chaotic_branches_independent(g, j0, label):
    """In the chaos regions every fixed point is bulk-unstable (independent rho(M) > 1) and each
    chaotic branch's mean equation mu_a = sum_b J0_ab alpha_b <phi_b> and uniform modes
    (-1 + J0 alpha <phi'> at its mu, Delta0) agree with independent quadrature.  At (1.8, 2.6) the
    mu = 0 chaotic state is uniform-unstable and no ferromagnetic fixed point exists: the state is
    ferromagnetic chaos, found from the unstable uniform mode (solve_populations alone finds no stable
    branch there).  Allowances: the BVP's collocation tolerance 1e-6 (numerics.dmft.populations)
    times 10 for the mean equation, 1e-7 for the eigenvalues at the same (mu, Delta0)."""
    lab, sol = PH.classify(A, GS, JS, g, j0, list(FIG.PHIS))
    assert lab == label
    phis = [_F[p] for p in FIG.PHIS]
    for b in sol["branches"]:
        rho, ue = _stability(g, j0, b["mu"], b["delta0"])
        np.testing.assert_allclose(np.sort(b["uniform_mode_eigenvalues"].real), np.sort(ue.real), rtol=1e-7, atol=1e-9)
        if b["branch"] == "fixed_point":
            assert rho > 1 and not b["stable"]
        else:
            assert b["stable"] == (ue.real.max() < 0)
            m1 = np.array([_avg(phis[k][0], b["mu"][k], b["delta0"][k]) for k in range(2)])
            np.testing.assert_allclose(b["mu"], (j0 * JS * A) @ m1, atol=1e-5)


@pytest.mark.slow
def test_simulated_points_match_predicted_phases():
    """One network at each of the figure's simulated points: the predicted phase against the
    simulated one (exact rows; chaotic: sign of lambda_1, ferromagnetic: a population mean beyond
    6 sqrt(Delta0_a/N_a), the snapshot standard error of a mean over units, an upper bound for the
    time average's).  N = 400, except 1500 at the ferromagnetic-chaos point, where Delta0 ~ 5 makes
    the conservative bound 0.7 at N = 600 against mu ~ 0.9."""
    from recnet.validation.compare import ValidationResult, compare_exact
    res = ValidationResult("rate-network", "numba")
    for k, (g, j0) in enumerate(FIG.SIM_POINTS):
        lab, _ = PH.classify(A, GS, JS, g, j0, list(FIG.PHIS))
        ch, fe, r = FIG.simulated_phase(g, j0, 1500 if lab == "ferromagnetic chaos" else 400, seed=200 + k,
                                          t_trans=30.0, t_meas=20.0)
        res.comparisons.append(compare_exact(f"phase_g{g:g}_j0{j0:g}", lab, FIG.phase_label(ch, fe),
                                             note=f"lambda_1 = {r['lambda1']:.3g}, mu = {r['mu'].tolist()}"))
    assert all(c.agree for c in res.comparisons), [(c.quantity, c.predicted, c.simulated, c.note)
                                                 for c in res.comparisons]
