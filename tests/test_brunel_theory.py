"""The sympy derivation of Brunel's mean-field theory (recnet.theory.brunel) against the numerics.

Oracles: the sympy objects lambdified with mpmath (an independent evaluation of the same
equations), closed forms, and large-C numerics for the balanced limit.
"""
import numpy as np
import pytest
import sympy as sp

from recnet.numerics import lif_meanfield as L
from recnet.numerics.siegert import siegert
from recnet.theory import brunel as B

s = B.symbols()


def test_equations_are_sympy_objects_in_order():
    eqs = B.equations()
    keys = list(eqs)
    assert keys.index("threshold rate nu_thr") < keys.index("Siegert rate") < keys.index("self-consistency")
    for label, e in eqs.items():
        assert isinstance(e, sp.Basic), label
        assert sp.latex(e)


def test_mean_and_variance_and_threshold_rate():
    mu = B.mean_input()
    var = B.variance_input()
    assert sp.simplify(mu - s["C_E"] * s["J"] * s["tau"] * (s["nu_ext"] + s["nu"] * (1 - s["g"] * s["gamma"]))) == 0
    assert sp.simplify(var - s["C_E"] * s["J"] ** 2 * s["tau"] * (s["nu_ext"] + s["nu"] * (1 + s["g"] ** 2 * s["gamma"]))) == 0
    assert sp.simplify(B.nu_threshold() - s["theta"] / (s["J"] * s["C_E"] * s["tau"])) == 0
    # differentiable: d mu / d nu = C_E J tau (1 - g gamma)
    assert sp.simplify(sp.diff(mu, s["nu"]) - s["C_E"] * s["J"] * s["tau"] * (1 - s["g"] * s["gamma"])) == 0


def _num(expr, **vals):
    return expr.subs({s[k]: v for k, v in vals.items()})


def test_lambdified_siegert_equals_numba():
    rate = B.siegert_rate()
    f = sp.lambdify((s["mu"], s["sigma"], s["tau"], s["tau_rp"], s["theta"], s["V_r"]), rate, modules="mpmath")
    # the literal integrand exp(u^2)(1 + erf u) cancels catastrophically for u << 0 (1 + erf(-20)
    # ~ 1e-176), so mpmath needs that many digits there: the numerics use erfcx instead
    import mpmath
    for mu, sig, vr, dps in [(10.0, 5.0, 0.0, 15), (24.0, 7.1, 0.0, 15), (15.0, 2.0, 10.0, 15),
                             (26.0, 2.0, 10.0, 50)]:
        with mpmath.workdps(dps):
            ref = float(f(mu, sig, 0.02, 0.002, 20.0, vr))          # tau in s -> Hz
        assert siegert(mu, sig, v_reset=vr) == pytest.approx(ref, rel=1e-10)


def test_self_consistency_holds_at_the_numerical_fixed_point():
    p = L.brunel_prediction(g=5.0, eta=2.0, v_reset=10.0)
    eq = B.self_consistency()
    vals = dict(C_E=1000, J=sp.Rational(1, 10), tau=sp.Rational(1, 50), tau_rp=sp.Rational(1, 500),
                theta=20, V_r=10, g=5, gamma=sp.Rational(1, 4), eta=2)
    rhs = _num(eq.rhs, **vals)
    f = sp.lambdify(s["nu"], rhs, modules="mpmath")
    assert float(f(p["rate_hz"])) == pytest.approx(p["rate_hz"], rel=1e-10)
    # and the residual changes sign across it (a genuine root, not a tangency)
    assert (float(f(p["rate_hz"] * 0.99)) - p["rate_hz"] * 0.99) * (float(f(p["rate_hz"] * 1.01)) - p["rate_hz"] * 1.01) < 0


def test_derivative_of_siegert_matches_finite_difference():
    d = sp.diff(B.siegert_rate(), s["mu"])          # Leibniz rule on the unevaluated Integral
    f = sp.lambdify((s["mu"], s["sigma"], s["tau"], s["tau_rp"], s["theta"], s["V_r"]), d, modules="mpmath")
    got = float(f(15.0, 3.0, 0.02, 0.002, 20.0, 10.0))
    h = 1e-4
    fd = (siegert(15.0 + h, 3.0, v_reset=10.0) - siegert(15.0 - h, 3.0, v_reset=10.0)) / (2 * h)
    assert got == pytest.approx(fd, rel=1e-7)


@pytest.mark.parametrize("mu,vr", [(20.5, 0.0), (25.0, 10.0), (40.0, 0.0), (19.0, 0.0)])
def test_noise_free_limit_expression(mu, vr):
    expr = B.noise_free_rate()
    val = float(_num(expr, mu=mu, V_r=vr, theta=20, tau=sp.Rational(1, 50), tau_rp=sp.Rational(1, 500)))
    assert val == pytest.approx(siegert(mu, 0.0, v_reset=vr), rel=1e-13, abs=0)
    if mu > 20:
        assert siegert(mu, 1e-4, v_reset=vr) == pytest.approx(val, rel=1e-6)
    assert B._noise_free_limit_check() == -1


def test_balanced_limit_rate_and_large_c_numerics():
    eq = B.balanced_limit()
    assert sp.simplify(eq.rhs - s["nu_ext"] / (s["g"] * s["gamma"] - 1)) == 0
    sig2 = B.balanced_limit_sigma2()
    assert sp.simplify(sig2 - s["J_0"] ** 2 * s["tau"] * (s["nu_ext"] + s["nu"] * (1 + s["g"] ** 2 * s["gamma"]))) == 0
    # numerics: J = J0/sqrt(C), fixed nu_ext = 5 Hz per input, g = 5, gamma = 0.25 -> nu -> 20 Hz
    nu_bal = 5.0 / (5.0 * 0.25 - 1.0)
    errs = []
    for c in (1e3, 1e4, 1e5, 1e6):
        j = 4.0 / np.sqrt(c)
        K = np.array([[c, 0.25 * c], [c, 0.25 * c]])
        W = np.array([[j, -5 * j], [j, -5 * j]])
        r = L.solve_rates(K, W, [c * 5.0, c * 5.0], [j, j], v_reset=10.0)
        errs.append(abs(r["rates_hz"][0] - nu_bal))
    assert errs[-1] < errs[-2] < errs[-3] < errs[-4] and errs[-1] < 0.05 * nu_bal


def test_cv_expression_structure():
    cv = B.cv_isi()
    assert cv.has(sp.Integral) and cv.has(s["x"]) and cv.has(s["y"])
    x, y, mu, sig = s["x"], s["y"], s["mu"], s["sigma"]
    inner = sp.Integral(sp.exp(y ** 2) * (1 + sp.erf(y)) ** 2, (y, -sp.oo, x))
    outer = sp.Integral(sp.exp(x ** 2) * inner, (x, (s["V_r"] - mu) / sig, (s["theta"] - mu) / sig))
    assert sp.expand(cv ** 2) == sp.expand(2 * sp.pi * (s["nu"] * s["tau"]) ** 2 * outer)
