"""``predict ssn`` without a stable fixed point says what the rates do (issue 13: ``--w-ee 1e6`` gave
rates_hz, isn, paradoxical as None).  Oracles: a brute-force scan of the fixed-point equation, the
Jacobian by finite differences, and scipy's implicit integrators (Radau/LSODA) from rest, independent
of the adaptive Heun scheme in ``recnet.numerics.ssn.fate``."""
import json

import numpy as np
import pytest
from scipy import integrate, optimize

from recnet import models
from recnet.cli import main
from recnet.numerics import ssn

RUBIN = models.load("rubin2015-ssn", family="ssn")
# fate's Heun scheme (second order) steps FATE_STEP = 5 % of the fastest local time scale: its escape
# time and cycle extremes carry relative errors of order FATE_STEP^2; allowed twice that (0.5 %)
HEUN_REL = 2 * ssn.FATE_STEP ** 2


def _predict(argv, capsys):
    assert main(["predict", "ssn", *argv, "--json", "--quiet"]) == 0
    obj = json.loads(capsys.readouterr().out)
    nones = [k for k, v in obj.items() if v is None and k != "config"]
    assert nones == []
    return obj


def _rhs(W, h, k, n, tau):
    def f(t, r):
        u = W @ r + h
        return (-r + k * np.maximum(u, 0.0) ** n) / tau
    return f


def _escape_time(W, h, k, n, tau, r_escape, t_end):
    ev = lambda t, r: np.max(r) - r_escape   # noqa: E731
    ev.terminal = True
    sol = integrate.solve_ivp(_rhs(W, h, k, n, tau), (0, t_end), np.zeros(len(h)), method="Radau", events=ev,
                              rtol=1e-8, atol=1e-10)
    return sol.t_events[0][0] if sol.t_events[0].size else None


def _rates_i(W, h, k, n, r_e):
    """The I equation's unique root r_I at given r_E (its right side decreases in r_I)."""
    g = lambda r_i: k * max(W[1, 0] * r_e + W[1, 1] * r_i + h[1], 0.0) ** n - r_i   # noqa: E731
    hi = max(1.0, g(0.0)) * 2
    return optimize.brentq(g, 0.0, hi, xtol=1e-14) if g(0.0) > 0 else 0.0


def test_huge_w_ee_runs_away(capsys):
    obj = _predict(["--w-ee", "1e6"], capsys)
    assert not obj["stable"] and obj["dynamics"] == "runaway" and "run away" in obj["state"]
    assert set(obj["not_computed"]) == {"rates_hz", "isn", "paradoxical"}
    assert obj["n_fixed_points"] == 0 and obj["warnings"] == [obj["state"]]
    W = RUBIN.W.copy()
    W[0, 0] = 1e6
    h, k, n, tau = RUBIN.h, RUBIN.k, RUBIN.n, RUBIN.tau
    # brute force: the E residual k[W_EE r_E + W_EI r_I(r_E) + h_E]^2 - r_E > 0 on a grid of r_E up to
    # 1e4 Hz (no fixed point there; beyond, W_EE r_E alone makes it positive)
    for r_e in np.concatenate([[0.0], np.logspace(-12, 4, 400)]):
        r_i = _rates_i(W, h, k, n, r_e)
        assert k * max(W[0, 0] * r_e + W[0, 1] * r_i + h[0], 0.0) ** n - r_e > 0
    t = _escape_time(W, h, k, n, tau, 1e6 * max(1.0, k * 20.0 ** 2), 1.0)   # fate's threshold: 1e6 x k h^n
    assert t is not None and obj["escape_time_ms"] == pytest.approx(t, rel=HEUN_REL)


def test_slow_inhibition_unstable_fixed_point_runs_away(capsys):
    obj = _predict(["--tau-i", "60"], capsys)
    assert obj["n_fixed_points"] == 1 and not obj["stable"] and obj["dynamics"] == "runaway"
    assert "the only fixed point is unstable" in obj["state"]
    fp = obj["fixed_points"][0]
    # Jacobian by central differences at the reported rates: an eigenvalue with positive real part
    tau = np.array([20.0, 60.0])
    f = _rhs(RUBIN.W, RUBIN.h, RUBIN.k, RUBIN.n, tau)
    r = np.array(fp["rates_hz"])
    assert np.max(np.abs(f(0, r))) < 1e-9
    eps = 1e-6
    J = np.column_stack([(f(0, r + eps * e) - f(0, r - eps * e)) / (2 * eps) for e in np.eye(2)])
    assert np.max(np.linalg.eigvals(J).real) == pytest.approx(fp["max_real_eigenvalue_per_ms"], rel=1e-5)
    assert np.max(np.linalg.eigvals(J).real) > 0
    r_esc = 1e6 * max(r)
    t = _escape_time(RUBIN.W, RUBIN.h, RUBIN.k, RUBIN.n, tau, r_esc, 6000.0)
    assert t is not None and obj["escape_time_ms"] == pytest.approx(t, rel=HEUN_REL)


def test_oscillation_is_bounded_and_says_its_range(capsys):
    # tau_I = 25 ms: past the Hopf point of the Rubin weights, a stable limit cycle from rest
    obj = _predict(["--tau-i", "25"], capsys)
    assert obj["dynamics"] == "oscillation" and "oscillation" in obj["state"] and not obj["stable"]
    rng = np.array(obj["rate_range_hz"])
    tau = np.array([20.0, 25.0])
    t_end = 100 * 25.0
    sol = integrate.solve_ivp(_rhs(RUBIN.W, RUBIN.h, RUBIN.k, RUBIN.n, tau), (0, t_end), np.zeros(2),
                              method="LSODA", rtol=1e-9, atol=1e-9, dense_output=True)
    assert sol.success
    x = sol.sol(np.linspace(t_end / 2, t_end, 20001))
    lo, hi = x.min(axis=1), x.max(axis=1)
    assert np.all(hi - lo > 0.1 * hi)          # a real oscillation, not a slow approach
    np.testing.assert_allclose(rng[:, 1], hi, rtol=HEUN_REL)
    for a in range(2):   # the troughs are near 0: absolute error relative to the cycle's top
        assert rng[a, 0] == pytest.approx(lo[a], rel=HEUN_REL, abs=HEUN_REL * hi[a])


def test_stable_case_says_so(capsys):
    obj = _predict([], capsys)
    assert obj["stable"] and obj["state"] == "stable fixed point" and "not_computed" not in obj


def test_threshold_linear_has_no_transition_input(capsys):
    obj = _predict(["--n", "1"], capsys)
    assert "transition_input_mv" in obj["not_computed"]
