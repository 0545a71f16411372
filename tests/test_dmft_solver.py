"""Stationary DMFT solver against independent oracles (scipy quadrature of the energy condition,
closed-form kernels, the zero-energy eigenfunction, exact fixed-point exponents)."""
import math

import numpy as np
import pytest
from scipy.integrate import quad
from scipy.optimize import brentq

from recnet.numerics.dmft import stationary as D


def _logcosh(x):
    a = abs(x)
    return a + math.log1p(math.exp(-2 * a)) - math.log(2)


def _delta0_scipy(g):
    """Energy condition Delta0^2/2 = g^2 (<Phi^2> - <Phi>^2), Phi = log cosh, by scipy.quad."""
    def E(d0):
        f = lambda z, k: _logcosh(math.sqrt(d0) * z) ** k * math.exp(-z * z / 2) / math.sqrt(2 * math.pi)
        m1 = quad(f, -np.inf, np.inf, args=(1,), epsabs=1e-14)[0]
        m2 = quad(f, -np.inf, np.inf, args=(2,), epsabs=1e-14)[0]
        return g * g * (m2 - m1 * m1) - d0 * d0 / 2
    return brentq(E, 0.01, 50, xtol=1e-14)


def test_onset_is_one_for_tanh():
    assert D.critical_gain("tanh") == pytest.approx(1.0, abs=1e-14)
    assert D.critical_gain("relu") == pytest.approx(math.sqrt(2), abs=1e-12)
    assert D.critical_gain("tanh(x) + x/10") == pytest.approx(1 / 1.1, abs=1e-12)


def test_delta0_tanh_against_scipy_energy_condition():
    gs = np.array([1.5, 2.0, 3.0])
    sol = D.solve_stationary(gs)
    for g, d0 in zip(gs, sol["delta0"]):
        assert d0 == pytest.approx(_delta0_scipy(g), rel=1e-7)
    assert np.all(sol["chaotic"])
    assert np.all(np.diff(sol["lambda_max"]) > 0) and np.all(sol["lambda_max"] > 0)


def test_erf_against_closed_form_potential():
    import sympy as sp
    from recnet.theory.dmft import gaussian_kernels as gk
    Dl, Dz, _ = gk.symbols()
    cP = sp.lambdify((Dl, Dz), gk.erf_kernels()["Phi"], "math")
    g = 2.0
    E = lambda d0: -d0 ** 2 / 2 + g * g * cP(d0, d0) - g * g * cP(0.0, d0)  # V(D0) - V(0)
    ref = brentq(E, 0.05, 50, xtol=1e-14)
    assert D.solve_stationary(g, phi="erf")["delta0"] == pytest.approx(ref, rel=1e-9)


def test_zero_energy_eigenfunction_and_discretisation():
    # psi = dDelta/dtau is the odd eigenfunction with E = -1 (lambda = 0): checks Delta(tau),
    # the potential and the finite-difference Schroedinger operator together
    from recnet.numerics import gaussian as G
    tr = G.transfer("tanh")
    Q = D._rules(tr)
    g = 2.0
    d0 = D.solve_stationary(g)["delta0"]
    h = 0.01
    dl, pot, end = D._profile(tr.f, tr.code, g, d0, 0.0, 0.0, Q, h, 400.0, True)
    n = int((end * h + 30) / h)
    p = np.concatenate([pot[: min(n, pot.size)], np.full(max(0, n - pot.size), pot[-1])])
    assert D._ground_state(p, h, 1) == pytest.approx(-1.0, abs=1e-5)


def test_fixed_point_exponent_below_onset():
    for g in (0.5, 0.9):
        s = D.solve_stationary(g)
        assert not s["chaotic"] and s["delta0"] == 0.0
        assert s["lambda_max"] == pytest.approx(g - 1, abs=1e-12)


def test_all_branches_reported_with_mean_coupling():
    s = D.solve_stationary(2.0, j0=3.0)
    kinds = {(b["branch"], round(b["mu"], 6) == 0) for b in s["branches"]}
    assert ("chaotic", True) in kinds          # symmetric chaotic solution
    assert any(b["branch"] == "fixed_point" and abs(b["mu"]) > 0.1 for b in s["branches"])  # ordered


def test_user_phi_matches_builtin():
    a = D.solve_stationary(2.0, phi="tanh(x)")
    b = D.solve_stationary(2.0)
    assert a["delta0"] == pytest.approx(b["delta0"], rel=1e-9)
    assert a["lambda_max"] == pytest.approx(b["lambda_max"], rel=1e-7)


def test_map_solution_tanh():
    s = D.map_solution(2.0)
    f = lambda z, d: math.tanh(math.sqrt(d) * z) ** 2 * math.exp(-z * z / 2) / math.sqrt(2 * math.pi)
    assert s["delta0"] == pytest.approx(4 * quad(f, -np.inf, np.inf, args=(s["delta0"],))[0], rel=1e-9)


def test_bad_input():
    with pytest.raises(ValueError, match="g"):
        D.solve_stationary(-1.0)
    with pytest.raises(ValueError, match="phi"):
        D.solve_stationary(2.0, phi="sin(y)")


# ----------------------------------------------------------- non-odd phi: Delta_inf > 0 (static variance)
_H = 0.04
_ZT = np.arange(-8.5, 8.5 + _H / 2, _H)
_WT = _H * np.exp(-_ZT ** 2 / 2) / math.sqrt(2 * math.pi)


def _c_trap(fun, d, d0):
    """C_f(d; d0) = <fbar(sqrt(d) z)^2>, fbar = inner average, by the trapezoid rule on a uniform grid
    (spectrally accurate for analytic integrands: error ~ exp(-2 pi w / h) for a strip of half-width w,
    w = pi / (2 sqrt(d0)) for tanh; < 1e-25 here): an oracle independent of the Gauss-Hermite code."""
    s, r = math.sqrt(d), math.sqrt(max(d0 - d, 0.0))
    fb = (fun(s * _ZT[:, None] + r * _ZT[None, :]) * _WT[None, :]).sum(axis=1)
    return float((fb * fb * _WT).sum())


def _static_oracle(g, a_guess, s_guess, fun=lambda v: 1.0 + np.tanh(v)):
    """(Delta0, Delta_inf) from the two conditions in (Delta_inf = s, a), by brentq + trapezoid."""
    gx, gw = np.polynomial.legendre.leggauss(24)

    def s_of(a):
        G = lambda s: g * g * _c_trap(fun, s, s + a) - s
        return brentq(G, 0.97 * s_guess, 1.03 * s_guess, xtol=1e-12)

    def energy(a):
        s = s_of(a)
        d = s + a / 2 * (gx + 1)
        return a / 2 * sum(w * (g * g * _c_trap(fun, v, s + a) - v) for w, v in zip(gw, d))

    a = brentq(energy, 0.9 * a_guess, 1.1 * a_guess, xtol=1e-9)
    s = s_of(a)
    return s + a, s


def test_non_odd_phi_has_chaotic_branch_with_static_variance():
    # 1 + tanh, J0 = 0: the chaotic state sits ~1e-3 (relative) below the unstable heterogeneous
    # fixed point in Delta0, with a = Delta0 - Delta_inf = O(1); both branches are reported
    s = D.solve_stationary(3.0, phi="1+tanh(x)")
    kinds = {b["branch"]: b for b in s["branches"]}
    assert set(kinds) == {"chaotic", "fixed_point"}
    ch, fp = kinds["chaotic"], kinds["fixed_point"]
    assert s["branch"] == "chaotic" and ch["stable"] and not fp["stable"]
    assert 0 < ch["delta_inf"] < ch["delta0"] < fp["delta0"]
    d0, dinf = _static_oracle(3.0, ch["delta0"] - ch["delta_inf"], ch["delta_inf"])
    # the solver's Gauss-Hermite kernels are accurate to ~1e-8 here (80 sqrt(Delta0) nodes); the
    # a-root amplifies this by ~|d a / d E| ~ 1e2
    assert ch["delta0"] == pytest.approx(d0, rel=1e-6)
    assert ch["delta_inf"] == pytest.approx(dinf, rel=1e-5)
    # fixed point: Delta0 = g^2 <phi^2>, lambda = -1 + g sqrt<phi'^2> > 0 (unstable)
    assert fp["delta0"] == pytest.approx(9.0 * _c_trap(lambda v: 1.0 + np.tanh(v), fp["delta0"], fp["delta0"]),
                                         rel=1e-8)
    q = _c_trap(lambda v: 1.0 - np.tanh(v) ** 2, fp["delta0"], fp["delta0"])
    assert fp["lambda_max"] == pytest.approx(-1 + 3.0 * math.sqrt(q), rel=1e-6)


def test_critical_gain_non_odd_phi_against_scipy():
    # g_c: heterogeneous fixed point Delta0 = g^2 <phi^2> with g^2 <phi'^2> = 1 (scipy quad + brentq)
    def avg(fun, d0):
        return quad(lambda z: fun(math.sqrt(d0) * z) * math.exp(-z * z / 2) / math.sqrt(2 * math.pi),
                    -12, 12, epsabs=1e-15, epsrel=1e-13, limit=200)[0]
    phi2 = lambda v: (1 + math.tanh(v)) ** 2
    dphi2 = lambda v: (1 - math.tanh(v) ** 2) ** 2

    def onset(d0):  # g^2 from the fixed point, then the stability margin
        return (d0 / avg(phi2, d0)) * avg(dphi2, d0) - 1
    d0c = brentq(onset, 1.0, 50.0, xtol=1e-13)
    gc = math.sqrt(d0c / avg(phi2, d0c))
    assert D.critical_gain("1+tanh(x)") == pytest.approx(gc, rel=1e-8)


def test_zero_mode_with_static_variance():
    # psi = dDelta/dtau is the odd E = -1 eigenfunction also when Delta_inf > 0: checks Delta(tau),
    # the Schroedinger potential with its continuum at -g^2 C_phi'(Delta_inf), and the exponent's input
    from recnet.numerics import gaussian as G
    tr = G.transfer("1+tanh(x)")
    s = D.solve_stationary(4.0, phi=tr)
    assert s["chaotic"] and s["delta_inf"] > 0
    Q = D._rules(tr)
    h = 0.01
    dl, pot, end = D._profile(tr.f, tr.code, 4.0, s["delta0"], 0.0, s["delta_inf"], Q, h, 400.0, True)
    n = int((end * h + 30) / h)
    p = np.concatenate([pot[: min(n, pot.size)], np.full(max(0, n - pot.size), pot[-1])])
    assert pot[-1] > -1.0  # continuum above -1: the exponent is set by a bound state
    assert D._ground_state(p, h, 1) == pytest.approx(-1.0, abs=1e-4)
    assert s["lambda_max"] > 0


@pytest.mark.slow
def test_non_odd_phi_against_rate_simulation():
    # direct simulation of dx/dt = -x + J (1 + tanh x), J_ij ~ N(0, g^2/N), g = 4 (DMFT: Delta0 = 29.52,
    # Delta_inf = 27.91, lambda = 0.147).  Tolerances: the total variance over N units of n_net
    # networks has sampling error ~ Delta0 sqrt(2 / (N n_net)) (units' static fields are nearly
    # independent Gaussians); 3 of those.  The temporal variance a and lambda carry O(1/N) finite-size
    # biases that are not small at N = 1000 (in 4 networks: a = 1.20 +- 0.25 vs 1.60 and lambda =
    # 0.104 +- 0.006 vs 0.147; cf. tanh at g = 2, lambda(N = 1000) = 0.089 vs 0.1125): only their
    # sign / order of magnitude is asserted here.
    from recnet.numerics import rate_network as rn
    g, n, n_net = 4.0, 1000, 2
    th = D.solve_stationary(g, phi="1+tanh(x)")
    d0s, amps, lams = [], [], []
    for k in range(n_net):
        J = rn.gaussian_coupling(n, g, seed=1000 + k)
        out = rn.simulate(J, phi="1+tanh(x)", t_sim=150.0, dt=0.1, record_dt=0.5, lyapunov=True,
                          t_lyap_start=50.0, seed=2000 + k)
        x = out["x"][100:]
        d0s.append(((x - x.mean()) ** 2).mean())
        amps.append(x.var(axis=0).mean())
        lams.append(out["lambda1"])
    d0 = float(np.mean(d0s))
    assert abs(d0 - th["delta0"]) < 3 * th["delta0"] * math.sqrt(2.0 / (n * n_net))
    assert 0.25 * (th["delta0"] - th["delta_inf"]) < np.mean(amps) < 2.0 * (th["delta0"] - th["delta_inf"])
    assert np.mean(lams) > 0.3 * th["lambda_max"]


def test_near_onset_expansion_tanh():
    # small-Delta0 expansion of the energy condition for tanh (tanh x = x - x^3/3 + ...):
    # g^2 C_phi - D = D [(g^2 - 1) - 2 g^2 Delta0] + (2/3) g^2 D^3 + O(D Delta0^2), whose integral over
    # [0, Delta0] vanishes at Delta0 = (g^2 - 1)/2 + O((g - 1)^2).  Richardson extrapolation of the
    # ratio Delta0 / ((g^2 - 1)/2) from eps = g - 1 = 0.01, 0.02 removes the O(eps) term.
    gs = np.array([1.01, 1.02])
    s = D.solve_stationary(gs)
    r = s["delta0"] / ((gs ** 2 - 1) / 2)
    assert 2 * r[0] - r[1] == pytest.approx(1.0, abs=2e-3)


def test_near_onset_lyapunov_exponent_tanh():
    # Closed form near onset (derived here, delta = g^2 - 1 -> 0, tanh x = x - x^3/3 + 2x^5/15):
    # C_phi = Delta (1 - 2 D0 + 5 D0^2) + (2/3) Delta^3, so Delta'' = q^2 Delta - (2/3) Delta^3 with
    # Delta(tau) = D0 sech(q tau), D0^2 = 3 q^2, q^2 = delta^2 / 12.  The Schroedinger potential
    # 1 - g^2 C_phi'(Delta(tau)) = q^2 (1 - 6 sech^2(q tau)) is Poeschl-Teller with l = 2: bound states
    # E = -3 q^2 and 0 (the zero mode Delta'), so lambda = -1 + sqrt(1 - E0) = delta^2 / 8 + O(delta^3).
    # The ratio lambda / (delta^2/8) = 1 + a delta + b delta^2: two Richardson steps over delta, 2 delta,
    # 4 delta leave O(delta^3); the tolerance is the size of the last step (its error estimate).
    # delta >= 0.02: the solver's tau window (400) holds the profile only while 1/q = 2 sqrt(3)/delta < ~200.
    d = np.array([0.02, 0.04, 0.08])
    s = D.solve_stationary(np.sqrt(1.0 + d))
    r = s["lambda_max"] / (d ** 2 / 8.0)
    r1, r2 = 2 * r[0] - r[1], 2 * r[1] - r[2]
    assert (4 * r1 - r2) / 3 == pytest.approx(1.0, abs=abs(r1 - r2) / 3)


def test_arclength_follows_a_fold():
    # x^2 + p^2 = 1 from (x, p) = (-1, 0) with p increasing: the curve turns at p = 1 (x = 0) and
    # comes back with x > 0; every point must lie on the circle
    from recnet.numerics.continuation import arclength
    r = arclength(lambda x, p: np.array([x[0] ** 2 + p ** 2 - 1]), [-1.0], 0.0, ds=0.05, n_steps=200,
                  direction=1, p_range=(-0.5, 2.0))
    assert len(r["folds"]) == 1
    pf, xf = r["folds"][0]
    assert pf == pytest.approx(1.0, abs=1e-10) and abs(xf[0]) < 1e-4  # x ~ sqrt(1 - p) at the fold
    assert np.allclose(r["x"][:, 0] ** 2 + r["p"] ** 2, 1.0, atol=1e-9)
    assert r["x"][-1, 0] > 0 and r["p"][-1] < -0.5 + 0.3


def test_continuation_through_the_fold_of_a_discontinuous_transition():
    # odd saturating phi with phi'''(0) = -2 + 2.4 > 0: chaos appears below g = 1 through a fold
    # (Pazo 2024, arXiv:2405.14607).  Continuation from g = 1.02 downwards must turn at g_f < 1;
    # per-g bracketing (solve_stationary) must find the same upper-branch state and none below g_f.
    phi = "tanh(x) + 0.4*x**3*exp(-x**2)"
    res = D.continue_chaotic(phi, 1.02, ds=0.003, ds_max=0.006, n_steps=60, direction=-1,
                             g_range=(0.9, 1.1), lyapunov=False)
    assert len(res["folds"]) == 1
    gf = res["folds"][0]["g"]
    assert 0.99 < gf < 1.0
    k = int(np.argmin(np.abs(res["g"] - (gf + 0.5 * (1.0 - gf)))[: int(np.argmin(res["g"]))]))
    s = D.solve_stationary(float(res["g"][k]), phi=phi)
    ch = [b for b in s["branches"] if b["chaotic"]]
    assert any(b["delta0"] == pytest.approx(res["delta0"][k], rel=1e-6) for b in ch)
    assert not any(b["chaotic"] for b in D.solve_stationary(gf - 2e-3, phi=phi)["branches"])


@pytest.mark.slow
def test_sharp_user_phi_is_resolved():
    # Rajan et al.'s rectified tanh has a feature of width 0.1 on its negative branch: the sinh rules
    # cluster there (numerics.dmft.sinhquad.feature) so the frozen branch equals the adaptive-quad
    # oracle (scipy quad split at the kink, tests/test_dmft_driven.py), Delta0 = 0.30836, lambda = 0.04027
    from test_dmft_driven import RECT, _rect_fixed_point_by_quad
    d_q, lam_q = _rect_fixed_point_by_quad(1.5)
    s = D.solve_stationary(1.5, phi=RECT)
    fp = [b for b in s["branches"] if b["branch"] == "fixed_point" and b["delta0"] > 0]
    assert len(fp) == 1
    assert fp[0]["delta0"] == pytest.approx(d_q, rel=1e-8)
    assert fp[0]["lambda_max"] == pytest.approx(lam_q, abs=1e-8)
    assert any(b["chaotic"] for b in s["branches"])
