"""Multi-population stationary DMFT (numerics.dmft.populations, subject rate-network) against
independent oracles: the one-population solver, an independent scipy quad + fsolve solver of the
fixed-point equations, and the zero mode of the Lyapunov problem."""
import math

import numpy as np
import pytest
from scipy import integrate, optimize, special

from recnet.numerics.dmft import populations as PP
from recnet.numerics.dmft.stationary import solve_stationary

#: solve_bvp stops when the relative collocation residual is < 1e-6 (PP.chaotic_state tol); the
#: one-population solver converges its energy condition to ~1e-11.  Delta0 of the two then differ by
#: at most ~ tol * Delta0 / (slope of the residual), measured below at < 1e-7 relative; the allowance
#: 1e-5 relative is the collocation tolerance times the condition number 10 of the BVP's Jacobian at
#: the largest measured value (g = 2: dDelta0/d(residual) ~ 3).
REL_BVP = 1e-5


@pytest.mark.parametrize("phi,g,i0", [("tanh", 2.0, 0.0), ("erf", 1.8, 0.0), ("tanh", 2.0, 0.3)])
def test_one_population_reduces_to_solve_stationary(phi, g, i0):
    r = PP.solve_populations([1.0], g, 0.0, phi, i0)
    s = solve_stationary(g, phi=phi, i0=i0)
    b = r["branches"][0]
    assert b["chaotic"] and s["chaotic"] and b["stable"]
    assert b["delta0"][0] == pytest.approx(s["delta0"], rel=REL_BVP)
    assert b["delta_inf"][0] == pytest.approx(s["delta_inf"], rel=REL_BVP, abs=REL_BVP * s["delta0"])
    # lambda_max: finite differences O(dtau^2); the error estimate is the Richardson difference of
    # dtau and dtau/2 (4/3 of it), and both solvers carry one -> allowance 3 x (ours + theirs)
    st = b["state"]
    l1 = PP.lyapunov_chaotic(st, [1.0], g, phi, dtau=0.05)["lambda_max"]
    l2 = PP.lyapunov_chaotic(st, [1.0], g, phi, dtau=0.025)["lambda_max"]
    err = 4.0 / 3.0 * abs(l1 - l2)
    s2 = solve_stationary(g, phi=phi, i0=i0, dtau=0.005)
    err_ref = 4.0 / 3.0 * abs(s["lambda_max"] - s2["lambda_max"])
    assert abs(l2 - s2["lambda_max"]) <= 3 * (err / 4 + err_ref / 4) + 1e-9 + REL_BVP * abs(s2["lambda_max"])
    # the fixed points too, and rho(M) at the zero fixed point of tanh is g^2 (onset g = 1)
    fps = [x for x in r["branches"] if x["branch"] == "fixed_point"]
    fps_ref = [x for x in s["branches"] if x["branch"] == "fixed_point"]
    assert len(fps) == len(fps_ref)
    for x, y in zip(sorted(fps, key=lambda v: v["delta0"][0]), sorted(fps_ref, key=lambda v: v["delta0"])):
        # the one-population code evaluates <phi'^2> by Gauss-Hermite, ~1e-7 relative for tanh'
        # (numerics.dmft.uniform_mode's note); ours by closed forms or a spectral trapezoid rule
        assert x["delta0"][0] == pytest.approx(y["delta0"], rel=1e-7, abs=1e-12)
        assert x["lambda_max"] == pytest.approx(y["lambda_max"], rel=1e-7)


def test_decoupled_populations_are_one_population_each():
    """g_12 = g_21 = 0: population a is a one-population network with gain g_aa sqrt(alpha_a)."""
    r = PP.solve_populations([0.6, 0.4], [[2.5, 0.0], [0.0, 3.0]], 0.0, ["tanh", "erf"], 0.0)
    b = r["branches"][0]
    assert b["chaotic"] and b["stable"]
    ref = [solve_stationary(2.5 * math.sqrt(0.6))["delta0"], solve_stationary(3.0 * math.sqrt(0.4), phi="erf")["delta0"]]
    np.testing.assert_allclose(b["delta0"], ref, rtol=REL_BVP)


# ------------------------------------------------------------------ independent scipy quad + fsolve
def _q(f, mu, d0):
    return integrate.quad(lambda z: f(mu + math.sqrt(d0) * z) * math.exp(-z * z / 2) / math.sqrt(2 * math.pi),
                          -12, 12, epsabs=1e-13, epsrel=1e-13, limit=200)[0]


PHI = {"tanh": (np.tanh, lambda x: 1 - np.tanh(x) ** 2),
       "erf": (lambda x: special.erf(math.sqrt(math.pi) / 2 * x), lambda x: math.exp(-math.pi * x * x / 4))}


def _independent_fixed_point(alpha, G, J0, phis, I, start):
    a = np.asarray(alpha)
    P = a.size

    def res(v):
        mu, d = v[:P], np.abs(v[P:])
        m1 = np.array([_q(PHI[phis[b]][0], mu[b], d[b]) for b in range(P)])
        m2 = np.array([_q(lambda x: PHI[phis[b]][0](x) ** 2, mu[b], d[b]) for b in range(P)])
        return np.concatenate([mu - I - (J0 * a) @ m1, v[P:] - (G ** 2 * a) @ m2])
    v = optimize.fsolve(res, start, xtol=1e-13)
    assert np.max(np.abs(res(v))) < 1e-10
    mu, d = v[:P], v[P:]
    q2 = np.array([_q(lambda x: PHI[phis[b]][1](x) ** 2, mu[b], d[b]) for b in range(P)])
    q1 = np.array([_q(PHI[phis[b]][1], mu[b], d[b]) for b in range(P)])
    M = G ** 2 * a * q2
    U = -np.eye(P) + J0 * a * q1
    return mu, d, float(np.max(np.abs(np.linalg.eigvals(M)))), np.sort(np.linalg.eigvals(U).real)


@pytest.mark.parametrize("case", [
    dict(alpha=[0.7, 0.3], G=[[0.6, 0.8], [0.5, 0.4]], J0=[[0.5, -1.0], [1.2, -0.3]], phis=["tanh", "erf"], I=[0.4, -0.2]),
    dict(alpha=[0.5, 0.5], G=[[1.2, 1.5], [0.3, 0.9]], J0=[[2.0, 0.0], [0.0, 0.0]], phis=["tanh", "tanh"], I=[0.1, 0.5]),
])
def test_two_population_fixed_points_against_independent_quad_fsolve(case):
    """Every fixed point the solver reports solves the independent scipy quad + fsolve system (started
    from a perturbed copy of it), with the same rho(M) and uniform-mode eigenvalues.  Quadrature of
    both to ~1e-12, so the allowance is 1e-8 (the fsolve tolerance 1e-13 times the Jacobian's
    condition number, < 1e4 here)."""
    a, G, J0, I = (np.asarray(case[k], float) for k in ("alpha", "G", "J0", "I"))
    r = PP.solve_populations(a, G, J0, case["phis"], I, chaos=False)
    assert r["branches"]
    for b in r["branches"]:
        start = np.concatenate([b["mu"], b["delta0"]]) * 1.02 + 1e-3
        mu, d, rho, ue = _independent_fixed_point(a, G, J0, case["phis"], I, start)
        np.testing.assert_allclose(b["mu"], mu, rtol=1e-8, atol=1e-10)
        np.testing.assert_allclose(b["delta0"], d, rtol=1e-8, atol=1e-10)
        assert b["chaos_radius"] == pytest.approx(rho, rel=1e-8)
        np.testing.assert_allclose(np.sort(b["uniform_mode_eigenvalues"].real), ue, rtol=1e-8, atol=1e-10)
        assert b["stable"] == (rho < 1 and ue.max() < 0)


def test_ferromagnetic_branches_and_their_stability():
    """One population, tanh, J0 = 2, g = 0.5: mu = 0 is unstable in the uniform mode
    (-1 + J0 <phi'> > 0), the two symmetric mu != 0 branches are stable (SCS 1988 / K&S 2015)."""
    r = PP.solve_populations([1.0], 0.5, 2.0, "tanh", 0.0, chaos=False)
    mus = sorted(float(b["mu"][0]) for b in r["branches"])
    assert len(mus) == 3 and mus[0] == pytest.approx(-mus[2], rel=1e-8) and abs(mus[1]) < 1e-10
    for b in r["branches"]:
        assert b["uniform_mode_stable"] == (abs(b["mu"][0]) > 1e-6)


def test_coupled_chaotic_state_zero_mode_and_self_consistency():
    """Two coupled populations (tanh, erf) with inputs: psi = Delta' is an odd eigenfunction with
    E = -1 (error O(dtau^2) = 2.5e-3 * |V''| ~ 1e-3 at dtau = 0.05); the hilltop solves its equation."""
    a, G = [0.7, 0.3], [[1.6, 2.0], [1.0, 1.2]]
    r = PP.solve_populations(a, G, 0.0, ["tanh", "erf"], [0.2, -0.1])
    b = r["branches"][0]
    assert b["chaotic"] and b["stable"] and b["lambda_max"] > 0
    chk = PP.lyapunov_chaotic(b["state"], a, G, ["tanh", "erf"], with_check=True)
    assert abs(chk["E_odd_nearest_minus1"] + 1.0) < 1e-3
    assert np.all(b["delta_inf"] < b["delta0"])
