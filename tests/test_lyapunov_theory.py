"""Closed forms of recnet.theory.lyapunov against sympy identities, Monte Carlo and the numerics."""
import numpy as np
import pytest
import sympy as sp

from recnet.numerics.lyapunov import pulse as P
from recnet.numerics.lyapunov import rate as R
from recnet.numerics.lyapunov import theta as TH
from recnet.theory import lyapunov as L


def test_circular_law_density_and_cdf():
    rho = L.circular_law_real_part_density()
    gp = sp.Symbol("g", positive=True)
    assert sp.simplify(sp.integrate(rho.subs(L.g, gp), (L.x, -gp, gp))) == 1
    F = L.circular_law_real_part_cdf()
    resid = (sp.diff(F, L.y) - rho.subs(L.x, L.y)).subs(L.g, gp)
    for gv, yv in [(1, sp.Rational(1, 3)), (sp.Rational(7, 10), sp.Rational(-1, 2)), (2, sp.Rational(3, 2))]:
        assert abs(sp.N(resid.subs({gp: gv, L.y: yv}), 30)) < 1e-25
    assert sp.simplify(F.subs(L.y, L.g).subs(L.g, gp)) == 1
    # numerics' closed form equals the sympy CDF
    f = sp.lambdify((L.y, L.g), F, "numpy")
    ys = np.linspace(-0.69, 0.69, 11)
    assert np.allclose(R.subcritical_cdf(ys - 1.0, 0.7), f(ys, 0.7), atol=1e-14)


def test_subcritical_density_of_exponents_normalised():
    p = L.subcritical_exponent_density()
    import mpmath
    f = sp.lambdify((L.lam, L.g, L.tau), p, "mpmath")
    # support: tau*lambda + 1 in [-g, g]; tau = 2 ms-free units, g = 1/2
    val = mpmath.quad(lambda v: f(v, 0.5, 2.0), [-0.75, -0.5, -0.25])
    assert abs(val - 1) < 1e-12


def test_map_cdf_against_monte_carlo_and_flow_limit():
    # mu uniform on the disc (exact sampler), exponents ln|a + b mu|/dt; binomial error per point
    rng = np.random.default_rng(0)
    g, dt, n = 0.8, 0.3, 400_000
    r = g * np.sqrt(rng.uniform(size=n))
    mu = r * np.exp(1j * rng.uniform(0, 2 * np.pi, n))
    lam = np.log(np.abs(1 - dt + dt * mu)) / dt
    pts = np.quantile(lam, [0.05, 0.3, 0.5, 0.7, 0.95])
    F = R.subcritical_cdf(pts, g, dt)
    emp = np.array([(lam <= q).mean() for q in pts])
    assert np.all(np.abs(F - emp) <= 5 * np.sqrt(emp * (1 - emp) / n))
    # dt -> 0: the map's CDF tends to the flow's.  ln|a + b mu|/dt = Re(mu) - 1 + O(dt |mu - 1|^2/2),
    # a shift <= dt (1 + g)^2/2 of the exponents, times the largest density 2/(pi g): 1.3e-3 at dt=1e-3
    ys = np.linspace(-1.7, -0.3, 9)
    dt0 = 1e-3
    tol = dt0 * (1 + g) ** 2 / 2 * 2 / (np.pi * g)
    assert np.allclose(R.subcritical_cdf(ys, g, dt0), R.subcritical_cdf(ys, g), atol=tol)


def test_lens_area_sympy_equals_numpy():
    for R1, R2, d in [(1.0, 0.5, 0.8), (1.0, 2.0, 2.5), (1.0, 0.2, 0.1), (1.0, 1.0, 3.0)]:
        ref = float(L.lens_area(R1, R2, d))
        assert R._lens(R1, R2, d)[()] == pytest.approx(ref, abs=1e-14)


def test_sum_rule_map_symbolic_equals_numeric():
    expr = L.sum_rule_map("euler")
    assert float(expr.subs({L.N: 200, L.dt: 0.1})) == pytest.approx(R.sum_rule(200, 0.1), rel=1e-14)
    assert sp.simplify(L.sum_rule_map("exp_euler") + L.N) == 0


def test_theta_ptc_is_the_qif_pulse():
    # V = sqrt(I) tan(psi/2); the pulse V -> V + J must land on sqrt(I) tan(g(psi)/2)
    I, J = 0.1, -0.1
    c = J / np.sqrt(I)
    par = np.array([c])
    for psi in np.linspace(-3.0, 3.0, 13):
        gval, dg = P.ptc(0, par, psi)
        assert np.sqrt(I) * np.tan(gval / 2) == pytest.approx(np.sqrt(I) * np.tan(psi / 2) + J, rel=1e-12, abs=1e-12)
        h = 1e-6
        fd = (P.ptc(0, par, psi + h)[0] - P.ptc(0, par, psi - h)[0]) / (2 * h)
        assert dg == pytest.approx(fd, rel=1e-7)
    gp, dgp, _ = L.theta_phase_transition_curve()
    f = sp.lambdify((L.psi, L.c), dgp)
    assert f(0.7, c) == pytest.approx(P.ptc(0, par, 0.7)[1], rel=1e-13)
    # slope range closed form vs a dense grid
    t = np.tan(np.linspace(-np.pi / 2 + 1e-6, np.pi / 2 - 1e-6, 200001))
    s = (1 + t * t) / (1 + (t + c) ** 2)
    lo, hi = TH.ptc_slope_range(c)
    assert s.min() == pytest.approx(lo, rel=1e-6) and s.max() == pytest.approx(hi, rel=1e-6)


def test_lif_ptc_is_the_voltage_jump():
    from recnet.numerics.lyapunov import lif as LIF
    p = LIF.parameters(k=25, rate=10.0, j0=1.0, tau_m=10.0)
    par = np.array([p["i_ext"], p["j"], p["w"]])
    # U(pi) = 1: the free period is the time from reset to threshold
    assert LIF.phase_to_voltage(np.pi, p) == pytest.approx(1.0, rel=1e-14)
    for psi in np.linspace(-3.0, 3.0, 7):
        gval, dg = P.ptc(1, par, psi)
        assert LIF.phase_to_voltage(gval, p) == pytest.approx(LIF.phase_to_voltage(psi, p) + p["j"], abs=1e-12)
        assert 0 < dg < 1
    gp, dgp, om = L.lif_phase_transition_curve()
    f = sp.lambdify((L.psi, L.I, L.J, sp.Symbol("omega", positive=True), L.tau), dgp)
    assert f(0.3, p["i_ext"], p["j"], p["omega_per_ms"], 10.0) == pytest.approx(P.ptc(1, par, 0.3)[1], rel=1e-12)
    assert float(om.subs({L.I: p["i_ext"], L.tau: 10.0})) == pytest.approx(p["omega_per_ms"], rel=1e-13)


def test_equations_print():
    for model in ("rate", "theta", "lif"):
        eqs = L.equations(model)
        assert eqs and all(sp.latex(v) for v in eqs.values())
    with pytest.raises(ValueError, match="model"):
        L.equations("hh")
