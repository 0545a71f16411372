"""Driven random networks: theory identities, the spectral Schroedinger solver against Mathieu
characteristic values, the periodic DMFT against its numpy twin and the static limits, the
non-monotonic critical amplitude."""
import numpy as np
import pytest
import scipy.special as ss
import sympy as sp

from recnet.numerics.dmft import driven as D
from recnet.theory.dmft import driven as T
from tests.twins import dmft_driven as twin


def test_filtered_input_and_recursion_identities():
    u, eq = T.filtered_input()
    assert sp.simplify(eq.lhs - eq.rhs) == 0
    assert all(r == 0 for r in T.recursion_check(3, 3))
    eqs = T.equations("tanh")
    assert "critical amplitude" in eqs and isinstance(eqs["two-time recursion"], sp.Eq)


def test_ground_energy_against_mathieu():
    # -psi'' - (G0 + G1 cos(2 pi tau / T)) psi = E psi  ->  E0 = (pi/T)^2 a_0(q) - G0,
    # q = -(T/pi)^2 G1 / 2 (Mathieu equation y'' + (a - 2 q cos 2v) y = 0, v = pi tau / T)
    T_, G0, G1 = 7.0, 0.8, 0.5
    tau = np.arange(128) * T_ / 128
    E = D.ground_energy(G0 + G1 * np.cos(2 * np.pi * tau / T_), T_)
    q = (T_ / np.pi) ** 2 * G1 / 2
    ref = (np.pi / T_) ** 2 * ss.mathieu_a(0, q) - G0
    assert E == pytest.approx(ref, abs=1e-9)
    assert D.ground_energy(np.full(16, 0.3), 5.0) == pytest.approx(-0.3, abs=1e-13)


def test_periodic_solution_matches_numpy_twin():
    kw = dict(n_tau=12, n_theta=6, n_gh=10, tol=1e-12)
    a = D.periodic_solution(1.5, "tanh", 0.9, 0.8, **kw)
    b = twin.periodic_solution_numpy(1.5, "tanh", 0.9, 0.8, **kw)
    assert np.max(np.abs(a["delta_h"] - b["delta_h"])) < 1e-9
    assert np.max(np.abs(a["g_kernel"] - b["g_kernel"])) < 1e-9


def test_zero_amplitude_is_the_frozen_state():
    # A = 0: Delta_h constant = g^2 <phi^2>, lambda = -1 + g sqrt<phi'^2> (static limit, independent code)
    lam, sol = D.lambda_max(1.5, "tanh", 0.0, 1.0, n_theta=4, n_gh=32)
    lam_s, d_s = D.static_limit(1.5, "tanh", 0.0, n_theta=4, n_gh=32)
    assert np.allclose(sol["delta_h"], d_s, rtol=1e-7)
    assert lam == pytest.approx(lam_s, abs=1e-7)


@pytest.mark.slow
def test_low_frequency_approaches_static_limit():
    lam0, _ = D.static_limit(1.5, "tanh", 0.7)
    lam, _ = D.lambda_max(1.5, "tanh", 0.7, 0.02, n_theta=16, n_gh=20)
    assert lam == pytest.approx(lam0, abs=0.02)  # O(omega^(1/2)) kinetic correction at omega = 0.02


def test_bad_input_named():
    with pytest.raises(ValueError, match="omega"):
        D.periodic_solution(1.5, "tanh", 1.0, 0.0)
    with pytest.raises(ValueError, match="amplitude"):
        D.lambda_max(1.5, "tanh", -1.0, 1.0)
    with pytest.raises(ValueError, match="frequency"):
        D.omega_from_hz(-5, 10)


@pytest.mark.slow
def test_critical_amplitude_is_non_monotonic():
    """Rajan et al. 2010: A_c(omega) has a minimum at an intermediate ('resonant') frequency."""
    kw = dict(n_theta=16, n_gh=20, tol=1e-3)
    a0 = D.critical_amplitude_static(1.5, "tanh")
    a_mid = D.critical_amplitude(1.5, "tanh", 0.15, **kw)["critical_amplitude"]
    a_hi = D.critical_amplitude(1.5, "tanh", 1.0, **kw)["critical_amplitude"]
    assert a_mid < a0 and a_mid < a_hi


# ------------------------------------------------------------- rectified tanh (Rajan et al. 2010)
RECT = "Piecewise((0.1*tanh(x/0.1), x <= 0), (1.9*tanh(x/1.9), True))"


def _rect_fixed_point_by_quad(g):
    """Independent oracle: frozen state Delta = g^2 <phi^2>, lambda = -1 + g sqrt<phi'^2>, by adaptive
    scipy quad split at the kink x = 0 (relative error ~1e-12)."""
    import math
    import scipy.integrate as si
    import scipy.optimize as so

    def phi(x):
        return 0.1 * math.tanh(x / 0.1) if x <= 0 else 1.9 * math.tanh(x / 1.9)

    def dphi(x):
        return 1 - math.tanh(x / 0.1) ** 2 if x <= 0 else 1 - math.tanh(x / 1.9) ** 2

    def gav(f, d):
        s = math.sqrt(d)
        return si.quad(lambda z: f(s * z) * math.exp(-z * z / 2) / math.sqrt(2 * math.pi), -12, 12,
                       points=[0.0], epsabs=1e-14, epsrel=1e-13, limit=200)[0]

    d = so.brentq(lambda v: g * g * gav(lambda x: phi(x) ** 2, v) - v, 0.05, 5.0, xtol=1e-14)
    return d, -1 + g * math.sqrt(gav(lambda x: dphi(x) ** 2, d))


def test_quadrature_choice():
    z, w, kind = D.quadrature_nodes(RECT)
    assert kind == "trapezoid" and z.size == D.TRAPEZOID_N
    assert w.sum() == pytest.approx(1.0, abs=1e-14) and np.allclose(z, -z[::-1])
    assert D.quadrature_nodes("tanh")[2] == "gauss-hermite"
    assert D.quadrature_nodes("tanh", nodes="trapezoid", n_nodes=51)[0].size == 51
    # trapezoid moments of N(0, 1): <z^2> = 1, <z^4> = 3 (exponentially accurate)
    z, w, _ = D.quadrature_nodes("tanh", nodes="trapezoid", n_nodes=101)
    assert np.sum(w * z ** 2) == pytest.approx(1.0, abs=1e-12)
    assert np.sum(w * z ** 4) == pytest.approx(3.0, abs=1e-11)
    with pytest.raises(ValueError, match="nodes"):
        D.quadrature_nodes(RECT, nodes="simpson")
    with pytest.raises(ValueError, match="n_nodes"):
        D.periodic_solution(1.5, RECT, 0.5, 1.0, n_nodes=3)


def test_rectified_tanh_frozen_state_against_quad():
    # A = 0: the driven solver's locked state is the heterogeneous fixed point; trapezoid nodes
    # (n = 241: measured error 4e-9 in lambda) reproduce the adaptive-quad oracle, Gauss-Hermite
    # (48 nodes) does not resolve the sharp negative branch (error > 0.01 in lambda).
    d_q, lam_q = _rect_fixed_point_by_quad(1.5)
    lam, sol = D.lambda_max(1.5, RECT, 0.0, 1.0, n_theta=4)
    # the default (sinh-mapped rules clustered at phi's sharpest feature) meets its own tolerances:
    # Delta_h to QUAD_TOL, lambda within its estimated error (<= LAMBDA_TOL)
    assert sol["nodes"] == "sinh"
    assert sol["delta_h"][0] == pytest.approx(d_q, abs=1e-7)
    assert sol["lambda_error"] <= D.LAMBDA_TOL
    assert abs(lam - lam_q) <= sol["lambda_error"] + 1e-9
    lam_t, sol_t = D.lambda_max(1.5, RECT, 0.0, 1.0, n_theta=4, nodes="trapezoid")
    assert sol_t["nodes"] == "trapezoid" and lam_t == pytest.approx(lam_q, abs=1e-7)
    lam_s, d_s = D.static_limit(1.5, RECT, 0.0, n_theta=4)
    assert lam_s == pytest.approx(lam_q, abs=1e-7) and d_s == pytest.approx(d_q, abs=1e-7)
    lam_gh, _ = D.static_limit(1.5, RECT, 0.0, n_theta=4, nodes="gauss-hermite", n_gh=48)
    assert abs(lam_gh - lam_q) > 0.01


def test_rectified_tanh_matches_numpy_twin():
    kw = dict(n_tau=8, n_theta=6, n_nodes=25, tol=1e-12)
    a = D.periodic_solution(1.5, RECT, 0.9, 0.8, **kw)
    b = twin.periodic_solution_numpy(1.5, RECT, 0.9, 0.8, **kw)
    assert np.max(np.abs(a["delta_h"] - b["delta_h"])) < 1e-9
    assert np.max(np.abs(a["g_kernel"] - b["g_kernel"])) < 1e-9


def test_rectified_tanh_small_amplitude_approaches_fixed_point():
    # A -> 0: Delta_h0 and lambda tend to the frozen state's values with O(A^2) corrections
    # (the input enters the averages through a^2 = A^2 / (1 + omega^2) at leading order)
    d_q, lam_q = _rect_fixed_point_by_quad(1.5)
    kw = dict(n_theta=8, n_nodes=161, tol=1e-10)
    dev = []
    for A in (0.03, 0.06):
        lam, sol = D.lambda_max(1.5, RECT, A, 1.0, **kw)
        dev.append((sol["delta_h"][0] - d_q, lam - lam_q))
    (dd1, dl1), (dd2, dl2) = dev
    assert abs(dd1) < 1e-3 and abs(dl1) < 3e-3
    # doubling A multiplies the deviation by ~4 (A^2); allow the O(A^4) term: between 3 and 5
    assert 3.0 < dd2 / dd1 < 5.0 and 3.0 < dl2 / dl1 < 5.0


def test_rectified_tanh_resonance():
    """Rajan et al. 2010 non-monotonic A_c(omega), checked through signs at one amplitude: A = 0.15
    suppresses chaos at omega = 0.3 (lambda < 0) but neither in the omega -> 0 limit nor at omega = 3
    (lambda > 0).  Measured |lambda| >= 0.016, 500 times the change from n_nodes = 121 to 161 (3e-5)."""
    lam_static, _ = D.static_limit(1.5, RECT, 0.15)
    lam_mid, _ = D.lambda_max(1.5, RECT, 0.15, 0.3, n_theta=8, n_nodes=121)
    lam_hi, _ = D.lambda_max(1.5, RECT, 0.15, 3.0, n_theta=8, n_nodes=121)
    assert lam_static > 0 and lam_mid < 0 and lam_hi > 0


# ------------------------------------------------------ issue 19: quadrature that checks itself
def _quad_theta_avg(fun, sd, us):
    """Oracle: <fun(sd z + u)> by adaptive scipy quad in x (split at phi's feature 0 and at u)."""
    import math

    from scipy.integrate import quad

    out = []
    for u in us:
        pdf = lambda x: math.exp(-0.5 * ((x - u) / sd) ** 2) / (sd * math.sqrt(2 * math.pi))  # noqa: E731
        lo, hi = u - 10 * sd, u + 10 * sd
        pts = sorted({lo, hi} | {p for p in (0.0, u, -10.0, -1.0, 1.0, 10.0) if lo < p < hi})
        out.append(sum(quad(lambda x: fun(x) * pdf(x), a, b, epsabs=1e-15, epsrel=1e-12, limit=400)[0]
                       for a, b in zip(pts[:-1], pts[1:])))
    return np.array(out)


@pytest.mark.parametrize("g", [0.5, 2.0, 20.0, 1e3])
def test_driven_kernel_over_decades_of_g_against_quad(g):
    """The driven two-point averages C_phi' at lag 0 (fully correlated) and at a lag with zero
    correlation (a product of one-point averages), with the field's spread ~ g, 0.5 <= g <= 1e3,
    against adaptive quad: the rule at a quarter of the panel length to 1e-8, and the difference between
    the two rules (the solvers' error estimate) bounds the coarse rule's error.  (The old 24-node Gauss-Hermite rule gave C_phi' ~ 0 at g = 20, hence
    lambda = -1.)"""
    from recnet.numerics import gaussian as ga
    from recnet.numerics.dmft import sinhquad as sq

    tr = ga.transfer("tanh")
    v = 0.8 * g * g
    dh = np.array([v, 0.0, 0.0, 0.0])  # lag 1 (and 3): uncorrelated
    a, om, dtau = 0.9, 1.3, 0.7
    theta = D._theta_nodes(tr, 8, "sinh")
    lev = [D._driven_corr_sinh(tr.f, tr.code, 1, dh, a, om, dtau, theta, 0.0, 1.0, h * sq.SINH_HQ)
           for h in (1.0, 0.5, 0.25)]
    out = lev[2]
    dphi = lambda x: 1.0 - np.tanh(x) ** 2  # noqa: E731
    th_all = 2 * np.pi * np.arange(8) / 8
    sd = np.sqrt(v)
    ref0 = np.mean(_quad_theta_avg(lambda x: dphi(x) ** 2, sd, a * np.cos(th_all)))
    m1 = _quad_theta_avg(dphi, sd, a * np.cos(th_all))
    m2 = _quad_theta_avg(dphi, sd, a * np.cos(om * dtau + th_all))
    ref1 = np.mean(m1 * m2)
    # the checked rule (half panel length) is right; the coarse rule's error is what the check says
    assert out[0] == pytest.approx(ref0, rel=1e-8, abs=1e-14)
    assert out[1] == pytest.approx(ref1, rel=1e-8, abs=1e-14)
    for k, ref in ((0, ref0), (1, ref1)):
        for coarse, fine in zip(lev[:2], lev[1:]):
            assert abs(coarse[k] - ref) <= 1.5 * abs(coarse[k] - fine[k]) + 1e-12


def test_periodic_solution_reports_and_meets_its_quadrature_tolerance():
    """g = 1.5, 20 Hz (tau = 10 ms): the sinh-rule solution carries its error estimate, meets its
    tolerance, and agrees with 96-node Gauss-Hermite (accurate at this small spread) to 1e-7."""
    om = D.omega_from_hz(20.0, 10.0)
    lam, sol = D.lambda_max(1.5, "tanh", 1.0, om, n_theta=16)
    assert sol["nodes"] == "sinh" and sol["warnings"] == []
    assert sol["quadrature_error"] <= D.QUAD_TOL * max(1.0, sol["delta_h"][0])
    assert sol["lambda_error"] <= D.LAMBDA_TOL
    lam_gh, sol_gh = D.lambda_max(1.5, "tanh", 1.0, om, n_theta=16, n_gh=96, n_tau=sol["delta_h"].size)
    assert lam == pytest.approx(lam_gh, abs=1e-6)
    assert np.max(np.abs(sol["delta_h"] - sol_gh["delta_h"])) < 1e-6


@pytest.mark.slow
def test_critical_amplitude_at_g_1p5_against_independent_solver():
    """Issue 19's independent periodic-DMFT solver (own quadrature): A_c = 1.4796 at g = 1.5,
    20 Hz, tau = 10 ms (and 0.5121 at 5 Hz; agreement to 1e-4 reported there)."""
    om = D.omega_from_hz(20.0, 10.0)
    r = D.critical_amplitude(1.5, "tanh", om, tol=1e-5, n_theta=16)
    assert r["critical_amplitude"] == pytest.approx(1.4796, abs=2e-4)
    assert r["critical_amplitude_error"] < 2e-4


def test_critical_amplitude_says_when_chaotic_up_to_a_max():
    """A tiny a_max at g = 3: chaotic there, said in words (no exception, no silent None)."""
    om = D.omega_from_hz(20.0, 10.0)
    r = D.critical_amplitude(3.0, "tanh", om, a_max=0.05, n_theta=8)
    assert np.isnan(r["critical_amplitude"])
    assert "chaotic at every amplitude up to a_max" in r["verdict"]


@pytest.mark.slow
def test_g20_is_chaotic_and_lambda_matches_direct_simulation():
    """Issue 19: g = 20, A = 1, 5 Hz, tau = 10 ms is chaotic (the old solver said lambda = -1).
    The DMFT exponent is compared with direct simulations (N = 500, 4 realisations, Euler dt =
    0.01 tau, recnet.validation.dmft.driven.simulate_lambda) at the Student-t 99.73 % level of the
    realisation spread (df = 3: t = 9.22).  Measured here: DMFT 1.188 /tau; simulation
    1.088 +- 0.054 (std, N = 500, 3 seeds), 1.065 +- 0.059 (N = 1000)."""
    from scipy.stats import t as student

    from recnet.validation.dmft.driven import simulate_lambda

    om = D.omega_from_hz(5.0, 10.0)
    lam, sol = D.lambda_max(20.0, "tanh", 1.0, om, n_theta=16)
    assert lam > 0.5 and sol["lambda_error"] < D.LAMBDA_TOL
    sims = np.array([simulate_lambda(500, 20.0, 1.0, om, t_sim=60.0, t_start=20.0, dt=0.01, seed=s)
                     for s in range(4)])
    se = sims.std(ddof=1) / np.sqrt(sims.size)
    q = student.ppf(0.99865, sims.size - 1)
    assert abs(lam - sims.mean()) <= q * se


def test_predict_refuses_a_period_the_grid_cannot_afford_naming_the_parameter():
    """G(tau) narrows like 1/g, so the tau grid over one period grows like g * period: beyond 320 points
    `predict dmft-driven` refuses, naming g (g > 5) or the frequency (a long period), instead of running
    for minutes (issue 19: g = 100 at 5 Hz took ~4 min); a short period admits large g."""
    from recnet import registry
    from recnet.checks import ParameterError
    sub = registry.get_subject("dmft-driven")
    with pytest.raises(ParameterError) as e:
        sub.predict(g=100.0, critical=False)
    assert e.value.name == "g" and "1600 tau points" in str(e.value)
    with pytest.raises(ParameterError) as e:
        sub.predict(g=2.0, frequency=0.05, critical=False)
    assert e.value.name == "frequency"
    assert D.default_n_tau(D.omega_from_hz(200.0, 10.0), 100.0) <= D.N_TAU_PREDICT


@pytest.mark.slow
def test_g100_short_period_is_chaotic_and_checked():
    """g = 100 with a 200 Hz input (period 0.5 tau, 40 grid points): lambda carries its error estimate
    within LAMBDA_TOL and is positive (the field's spread ~g dwarfs the input: chaotic, as the undriven
    network; issue 19: the fixed 24-node rule gave lambda = -1 exactly at g = 100)."""
    om = D.omega_from_hz(200.0, 10.0)
    lam, sol = D.lambda_max(100.0, "tanh", 1.0, om, n_theta=8)
    assert sol["lambda_error"] <= D.LAMBDA_TOL and sol["warnings"] == []
    assert lam > 1.0
