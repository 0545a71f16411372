"""Each former hand-set allowance of validation/ is now a derived systematic; these tests check the
derivations on cases with a known answer (issue 14: "each former allowance has a test of its
derivation")."""
from __future__ import annotations

import math

import numpy as np
import pytest

from recnet.validation.stats import step_extrapolation


# --------------------------------------------------------------- Richardson in the learning rate
def _ar1_abs_mean(eta, kappa=1.0, sigma=1.0):
    """E|w| of the stationary AR(1) w' = (1 - eta kappa) w + eta sigma xi (closed form)."""
    var = eta * sigma ** 2 / (kappa * (2 - eta * kappa))
    return math.sqrt(2 / math.pi) * math.sqrt(var)


def test_step_extrapolation_cancels_sqrt_and_linear_terms_exactly():
    h = [1e-3, 4e-3, 16e-3]
    m0, se, a = step_extrapolation(h, [2.0 + 3 * x ** 0.5 - 5 * x for x in h], [0.1] * 3, (0.5, 1.0))
    assert m0 == pytest.approx(2.0, abs=1e-12)
    assert a == pytest.approx([8 / 3, -2, 1 / 3], rel=1e-12)
    assert se == pytest.approx(0.1 * math.sqrt(64 / 9 + 4 + 1 / 9), rel=1e-12)


def test_step_extrapolation_removes_the_rectification_floor_of_a_reflected_weight():
    # the empty-channel weight of the hebbian-ei fixed point is a reflected OU process: its floor
    # E|w| ~ sqrt(eta) (closed form above); the eta, 4 eta, 16 eta ladder leaves O(eta^1.5)
    eta = 1e-3
    vals = [_ar1_abs_mean(r * eta) for r in (1, 4, 16)]
    m0, _, _ = step_extrapolation([eta, 4 * eta, 16 * eta], vals, [0, 0, 0], (0.5, 1.0))
    assert vals[0] > 0.015                    # the floor the old "1 - floor" allowance covered
    assert abs(m0) < 30 * eta ** 1.5          # next term only
    # and on simulated reflected walks (statistics: Student-t over independent seeds)
    rng = np.random.default_rng(5)
    means, sems = [], []
    for r in (1, 4, 16):
        e = r * eta
        n = int(60 / e)
        ests = []
        for _ in range(8):
            w, acc = 0.0, 0.0
            xi = rng.standard_normal(n)
            for t in range(n):
                w = abs(w - e * w + e * xi[t])
                acc += w
            ests.append(acc / n)
        means.append(np.mean(ests))
        sems.append(np.std(ests, ddof=1) / math.sqrt(8))
    m0, se, _ = step_extrapolation([eta, 4 * eta, 16 * eta], means, sems, (0.5, 1.0))
    assert abs(m0) < 5 * se                   # consistent with 0 ...
    assert means[0] > 10 * sems[0]            # ... where the eta run alone is far off


# --------------------------------------------------------------- paired perturbation amplitudes
def test_paired_amplitude_bias_bounds_the_growth_error_of_a_nonlinear_map():
    from recnet.validation.hebbian_ei import growth_with_bias
    rho, c = 1.0025, 3.0                       # d' = rho d + c d^2: linear growth ln(rho) exactly

    def run(eps):
        d = np.empty(201)
        d[0] = eps
        for t in range(200):
            d[t + 1] = rho * d[t] + c * d[t] ** 2
        w = d[20:200]
        return float(np.mean(np.diff(np.log(w)))), float(w.min()), w.size - 1, 200, 4 * np.finfo(float).eps

    for eps in (1e-7, 1e-5):
        g, sysv, why = growth_with_bias(run, eps)
        err = abs(g - math.log(rho))
        assert err <= sysv                     # the stated bound bounds the error
        assert sysv < 3 * err + 1e-9           # and is not vacuous: it is the error to first order
        assert "2 eps" in why


def test_uniform_weight_roundoff_bound_holds_in_online_learning():
    from recnet.numerics import hebbian_network as hn
    from recnet.validation.hebbian_ei import NETWORK, network_setup, uniform_roundoff_bound
    net = {k: NETWORK[k] for k in ("n_e", "n_i", "n_f", "w_ee", "w_ie", "w_ii", "lam1", "lam2")}
    W, norms, Q, g, th = network_setup(0.8, **net)
    n = 20000
    avg = hn.stochastic_network(W, Q, 2e-4, n, norms=norms, seed=3, average_last=0.5)[1]
    kappa = float(np.linalg.cond(np.linalg.inv(hn.response_matrix(W))))
    for key in ("EI", "II"):
        err = float(np.max(np.abs(avg[key] - W[key][0, 0])))
        assert err <= uniform_roundoff_bound(W[key][0, 0], n, net["n_i"], net["n_e"] + net["n_i"], kappa)


# --------------------------------------------------------------- Lyapunov sum rules (round-off)
def test_rate_sum_rule_roundoff_bound_holds_against_mpmath_for_a_linear_network():
    # phi linear: D = a + b J is constant, so sum_t ln|det D_t| = n_steps ln|det D| exactly (mpmath)
    import mpmath as mp
    from recnet.numerics.lyapunov import rate as R
    n, dt = 40, 0.05
    J = R.random_coupling(n, 0.8, seed=1)
    r = R.spectrum(J, None, dt=dt, t_sim=10.0, t_warm=2.0, t_warm_q=1.0, integrator="exp_euler", seed=2,
                   phi="linear", logdet=True, twin=False, n_boot=20)
    a, b = math.exp(-dt), 1 - math.exp(-dt)
    with mp.workdps(40):
        exact = float(mp.log(abs(mp.det(mp.matrix((a * np.eye(n) + b * J).tolist()))))) / dt
    assert abs(r.exponents.sum() - exact) <= r.logdet_roundoff_bound
    assert abs(r.logdet_rate - exact) <= r.logdet_roundoff_bound
    assert r.logdet_roundoff_bound < 1e-6 * n          # far below the former 1e-3 |sum| allowance


def test_rate_sum_rule_same_trajectory_in_chaos_and_bound_scales_with_condition():
    from recnet.numerics.lyapunov import rate as R
    J = R.random_coupling(50, 2.0, seed=3)
    r = R.spectrum(J, None, dt=0.05, t_sim=10.0, t_warm=5.0, t_warm_q=2.0, integrator="exp_euler", seed=4,
                   logdet=True, twin=False, n_boot=20)
    assert abs(r.exponents.sum() - r.logdet_rate) <= r.logdet_roundoff_bound
    # the bound is linear in the measured frame condition numbers
    inc = np.zeros((3, 50))
    b1 = R.sum_rule_roundoff_bound(J, 0.95, 0.05, 4, [10.0] * 3, inc, 0.0, 1.0)
    b2 = R.sum_rule_roundoff_bound(J, 0.95, 0.05, 4, [20.0] * 3, inc, 0.0, 1.0)
    assert b2 / b1 == pytest.approx(2.0, rel=0.05)


def test_theta_sum_rule_roundoff_bound_holds():
    from recnet.numerics.lyapunov import theta as TH
    r = TH.spectrum(40, 8, None, rate=1.0, j0=1.0, tau_m=10.0, t_sim=500.0, t_warm=100.0, t_warm_q=50.0,
                    seed=1, n_boot=20)
    assert abs(r.exponents.sum() - r.logdet_rate) <= r.logdet_roundoff_bound
    assert r.logdet_roundoff_bound < 1e-3 * abs(r.logdet_rate)    # small enough to catch a kernel error


# --------------------------------------------------------------- geometry: solver tolerance -> ranges
@pytest.mark.parametrize("norm", ["l2", "linf"])
def test_solver_range_bound_bounds_the_error_against_rational_arithmetic(norm):
    from recnet.numerics import geometry as geo
    from recnet.validation.geometry import solver_range_bound
    from recnet.theory.geometry import exact_ranges
    rng = np.random.default_rng(21 if norm == "l2" else 22)
    worst_ratio = 0.0
    for _ in range(12):
        M, P = int(rng.integers(2, 4)), int(rng.integers(1, 5))
        Z = rng.integers(0, 4, (P, M)).astype(float)
        c = rng.integers(-2, 2, P).astype(float)
        w = rng.integers(-3, 4, M) / 2.0
        y = np.maximum(Z @ w + c, 0.0)
        B = float(np.ceil(4 * (1.2 * np.linalg.norm(w) + 0.5)) / 4) if norm == "l2" else float(np.abs(w).max() + 0.5)
        ex = exact_ranges(Z, c, y, B, norm=norm)
        ns = geo.neuron_space(Z, c, y, B, norm=norm)
        exr = np.array([[float(a), float(b)] for a, b in ex["ranges"]])
        err = float(np.max(np.abs(exr - np.column_stack([ns.w_min, ns.w_max]))))
        bound = solver_range_bound(ns)
        assert err <= bound
        worst_ratio = max(worst_ratio, err / bound)
    assert solver_range_bound(ns) < 1e-6          # tighter than the former stated 1e-6
