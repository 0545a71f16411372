"""Stationary DMFT with self-checking quadrature (issue 19, item 1): g over decades against an
adaptive-quad oracle written here from the papers' equations, and a too-coarse rule detected.

Oracle (independent of recnet's kernels: scipy ``quad`` on the primitive Phi, ``brentq``):
- chaotic state of an odd phi without input (Sompolinsky, Crisanti, Sommers 1988, PRL 61:259): the
  particle starts at rest on V(Delta0) and ends on the hilltop Delta = 0, V(Delta) = -Delta^2/2 +
  g^2 C_Phi(Delta; Delta0), C_Phi(0) = <Phi>^2, C_Phi(Delta0) = <Phi^2>, so
  Delta0^2 / 2 = g^2 (<Phi(sqrt(Delta0) z)^2> - <Phi(sqrt(Delta0) z)>^2)  -- one-dimensional averages;
- heterogeneous fixed point with input i0 (J0 = 0): Delta0 = g^2 <phi(i0 + sqrt(Delta0) z)^2>, its
  exponent lambda = -1 + g sqrt(<phi'(i0 + sqrt(Delta0) z)^2>) (bulk radius; SCS 1988).
The averages are adaptive Gauss-Kronrod integrals over z in [-12, 12] split at the points where the
argument crosses phi's feature (tolerance 1e-14), so the oracle is good to ~1e-12 relative.
"""
import math

import numpy as np
import pytest
from scipy.integrate import quad
from scipy.optimize import brentq

from recnet.numerics.dmft import stationary as D

A_ERF = math.sqrt(math.pi) / 2.0  # recnet's erf is erf(sqrt(pi) x / 2) (phi'(0) = 1)
USER = "0.5*tanh(x) + 0.5*x/sqrt(1 + x**2)"  # analytic in a strip, not a built-in: the user-phi path

PHIS = {
    "tanh": (math.tanh, lambda x: 1.0 - math.tanh(x) ** 2,
             lambda x: abs(x) + math.log1p(math.exp(-2.0 * abs(x))) - math.log(2.0)),
    "erf": (lambda x: math.erf(A_ERF * x), lambda x: math.exp(-(A_ERF * x) ** 2),
            lambda x: x * math.erf(A_ERF * x) + math.expm1(-(A_ERF * x) ** 2) / (A_ERF * math.sqrt(math.pi))),
    USER: (lambda x: 0.5 * math.tanh(x) + 0.5 * x / math.sqrt(1 + x * x),
           lambda x: 0.5 * (1.0 - math.tanh(x) ** 2) + 0.5 / (1 + x * x) ** 1.5,
           lambda x: 0.5 * (abs(x) + math.log1p(math.exp(-2.0 * abs(x))) - math.log(2.0))
           + 0.5 * (math.sqrt(1 + x * x) - 1.0)),
}


def _avg(f, m, s):
    """<f(m + s z)>, z standard normal, as the integral over x = m + s z of f(x) N(x; m, s^2):
    adaptive quadrature on pieces with edges at phi's features x = 0, +-1 and at +-30, where
    tanh-like functions have settled (each piece smooth, the narrow ones resolved at any s)."""
    lo, hi = m - 12.0 * s, m + 12.0 * s
    edges = [lo] + [e for e in (-30.0, -1.0, 0.0, 1.0, 30.0) if lo < e < hi] + [hi]
    c = 1.0 / (s * math.sqrt(2.0 * math.pi))
    tot = 0.0
    for a, b in zip(edges[:-1], edges[1:]):
        tot += quad(lambda x: f(x) * math.exp(-0.5 * ((x - m) / s) ** 2), a, b, epsabs=0.0, epsrel=2e-14,
                    limit=500)[0]
    return c * tot


def _chaotic_delta0(phi, g):
    """Root Delta0 > 0 of Delta0^2/2 = g^2 (<Phi^2> - <Phi>^2) (odd phi, no input)."""
    _, _, P = PHIS[phi]

    def F(d):
        s = math.sqrt(d)
        m = _avg(P, 0.0, s)
        return 0.5 * d * d - g * g * (_avg(lambda x: P(x) ** 2, 0.0, s) - m * m)

    # F < 0 just above 0 for g > g_c = 1, F > 0 for Delta0 above g^2 (sup phi = 1)
    return brentq(F, 1e-3, 2.0 * g * g + 10.0, xtol=1e-15, rtol=1e-14)


def _fixed_point(phi, g, i0):
    """(Delta0, lambda) of the heterogeneous fixed point Delta0 = g^2 <phi(i0 + sqrt(Delta0) z)^2>."""
    f, df, _ = PHIS[phi]
    d0 = brentq(lambda d: g * g * _avg(lambda x: f(x) ** 2, i0, math.sqrt(d)) - d, 1e-12, 2.0 * g * g + 10.0,
                xtol=1e-15, rtol=1e-14)
    return d0, -1.0 + g * math.sqrt(_avg(lambda x: df(x) ** 2, i0, math.sqrt(d0)))


def _bound(sol_err, ref):
    """The solver's own tolerance (relative 1e-9, scale max(1, Delta0)) plus the oracle's 1e-12."""
    return D.QUAD_TOL * max(1.0, ref) + 1e-12 * max(1.0, ref)


@pytest.mark.parametrize("phi", ["tanh", "erf", USER])
@pytest.mark.parametrize("g", [1.5, 10.0, 100.0, 1000.0])
def test_chaotic_delta0_over_decades_against_adaptive_quad(phi, g):
    ref = _chaotic_delta0(phi, g)
    s = D.solve_stationary(g, phi=phi)
    ch = [b for b in s["branches"] if b["chaotic"]]
    assert len(ch) == 1 and s["warnings"] == []
    b = ch[0]
    err = abs(b["delta0"] - ref)
    # within the solver's tolerance, and within ~its own estimate (the change with twice the nodes;
    # the part of the error it cannot see is that of the finer rule, ~ the square of it)
    assert err <= _bound(b, ref)
    assert err <= 2.0 * b["quadrature_error"]["delta0"] + 1e-12 * ref
    # Delta_inf = g^2 <phi>^2 = 0 for odd phi; a rule centred off 0 (the user phi's feature is at its
    # curvature peak x = -0.565) leaves <phi> at rounding level: within the solver's tolerance
    assert 0.0 <= b["delta_inf"] <= D.QUAD_TOL * max(1.0, ref) and b["mu"] == 0.0


@pytest.mark.parametrize("phi", ["tanh", "erf", USER])
@pytest.mark.parametrize("g", [0.5, 5.0, 50.0, 1000.0])
def test_fixed_point_over_decades_against_adaptive_quad(phi, g):
    i0 = 0.7
    d_ref, lam_ref = _fixed_point(phi, g, i0)
    s = D.solve_stationary(g, phi=phi, i0=i0)
    fp = [b for b in s["branches"] if b["branch"] == "fixed_point" and b["delta0"] > 0]
    assert len(fp) == 1
    b = fp[0]
    assert abs(b["delta0"] - d_ref) <= _bound(b, d_ref)
    assert abs(b["lambda_max"] - lam_ref) <= D.QUAD_TOL * max(1.0, abs(lam_ref)) + 1e-11
    assert b["mu"] == i0


@pytest.mark.parametrize("phi,g", [("tanh", 100.0), (USER, 10.0), ("tanh", 1000.0)])
def test_too_coarse_rule_is_detected_and_refined(phi, g):
    ref = _chaotic_delta0(phi, g)
    # hq = 2 (half the default nodes) with the check switched off: the estimate must bound the true error
    coarse = D.solve_stationary(g, phi=phi, hq=2.0, quad_tol=1.0)
    b = [x for x in coarse["branches"] if x["chaotic"]][0]
    err = abs(b["delta0"] - ref)
    assert err > 1e-3 * D.QUAD_TOL * ref, "the coarse rule is not coarse enough to test the estimate"
    # estimate = |x(2) - x(1)| >= |x(2) - x*| - |x(1) - x*|, with |x(1) - x*| <= 1e-9 relative (the test above)
    assert err <= b["quadrature_error"]["delta0"] + 2e-9 * ref
    assert b["hq"] == 2.0
    # with the default tolerance the same start is refined until the estimate meets it
    fine = D.solve_stationary(g, phi=phi, hq=2.0)
    f = [x for x in fine["branches"] if x["chaotic"]][0]
    assert f["hq"] < 2.0
    assert abs(f["delta0"] - ref) <= _bound(f, ref)


def test_unmet_tolerance_is_said(monkeypatch):
    # a tolerance no rule can meet (below rounding): refined to the finest rule, then a warning (the
    # finest rule is set coarser here: the refinement path is the same, at a fraction of the cost)
    monkeypatch.setattr(D, "HQ_MIN", 0.25)
    s = D.solve_stationary(3.0, quad_tol=1e-17)
    assert s["warnings"] and all("exceeds the tolerance" in w or "not estimated" in w for w in s["warnings"])
    assert all(b["hq"] == D.HQ_MIN for b in s["branches"] if b["delta0"] > 0)


def test_quadrature_error_in_predict_json():
    from recnet.subjects.dmft import _predict
    v = _predict(g=2.0).values
    assert set(v["quadrature_error"]) >= {"delta0", "delta_inf", "mu", "lambda_max_per_tau", "tau_corr_tau"}
    assert v["quadrature_error"]["delta0"] <= D.QUAD_TOL * v["delta0"]
    assert all("quadrature_error" in b for b in v["branches"])
