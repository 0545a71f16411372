"""Each former hand-set allowance of validation/ is now derived; these tests check the derivations.

- spiking DMFT: the kernel counts every spike (no one-spike-per-step rate bias); its step bias
  table is what ``step_bias`` computes;
- brunel: the open-loop error is fed back through 1/(1 - F'), checked against a root solve;
- lyapunov: the paired-run Euler step bias against the closed form of a linear (subcritical) network;
- lowrank-ei: the next-order bound contains the exact hard-boundary error.
"""
import math

import numpy as np
import pytest


def test_poisson_units_rate_unbiased():
    """Uncoupled units at constant input i0 fire at phi(i0) exactly (Poisson counts per step); a
    kernel with at most one spike per step would count (1 - exp(-r dt))/dt instead."""
    from recnet.validation.dmft.poisson_rate_units import simulate

    n, t, dt, i0 = 200, 500.0, 0.1, 1.0
    r = 1.0 + math.tanh(i0)  # phi(i0) per tau_s
    out = simulate(np.zeros((n, n)), "1+tanh(x)", t_sim=t, dt=dt, i0=i0, h0=np.full(n, i0), seed=7)
    se = math.sqrt(r / (n * t))  # Poisson count: var = mean
    assert abs(out["rate"] - r) <= 4 * se, (out["rate"], r, se)
    one_spike = (1 - math.exp(-r * dt)) / dt  # 8.5 % low at r dt = 0.176
    assert abs(out["rate"] - one_spike) > 20 * se


@pytest.mark.slow
def test_step_bias_table_is_reproduced():
    """STEP_BIAS[3.5] is what step_bias computes with the documented arguments."""
    from recnet.validation.dmft import poisson_rate_units as pru

    got = pru.step_bias(3.5, n=300, n_networks=16, t_meas=100.0, dts=(0.04, 0.01), seed=2024)
    for key, (b, se) in pru.STEP_BIAS[3.5].items():
        # the table keeps 4 significant digits
        assert got[key][0] == pytest.approx(b, abs=5e-4 * max(1, abs(b))), key
        assert got[key][1] == pytest.approx(se, rel=5e-3, abs=5e-6), key


def test_brunel_feedback_of_the_open_loop_error_matches_a_root_solve():
    """A transfer function off by eps moves the self-consistent rate by eps / (1 - F') to first
    order; the exact shift (brentq on nu = F(nu) + eps) differs by the second-order term
    F'' eps^2 / (2 (1 - F')^3), bounded here by twice its value."""
    from scipy.optimize import brentq

    from recnet.numerics.lif_meanfield import brunel_prediction
    from recnet.validation.brunel import siegert_of_rate

    params = dict(tau_m=20.0, v_thresh=20.0, v_reset=0.0, v_rest=0.0, tau_refrac=2.0, g=5.0, eta=2.0,
                  epsilon=0.1, j=0.1, n_e=10000, gamma=0.25, delay=1.5)
    nu = brunel_prediction(**params)["rate_hz"]
    F = siegert_of_rate(params)
    assert F(nu) == pytest.approx(nu, rel=1e-9)  # the prediction is F's fixed point
    h = 1e-3 * nu
    d1 = (F(nu + h) - F(nu - h)) / (2 * h)
    d2 = (F(nu + h) - 2 * F(nu) + F(nu - h)) / h ** 2
    assert d1 < 0  # inhibition-dominated: the loop divides the error
    for eps in (-0.73, 0.5):  # the open-loop error measured at these parameters is ~ -0.73 Hz
        root = brentq(lambda v: v - F(v) - eps, 0.5 * nu, 1.5 * nu, xtol=1e-12)
        first = nu + eps / (1 - d1)
        second = abs(d2) * eps ** 2 / (2 * (1 - d1) ** 3)
        assert abs(root - first) <= 2 * second + 1e-9


def test_lyapunov_step_bias_matches_the_euler_closed_form():
    """Subcritical network (g = 0.5): the state goes to 0 and lambda_1 of the Euler map is
    max ln|1 + dt(-1 + lambda_J)| / dt over the eigenvalues of J; the paired-run estimate
    2 (lambda(dt) - lambda(dt/2)) must equal that closed form's difference for the same J.
    Tolerance: the finite-time QR estimate converges to the exponent as c/T (tangent-vector
    alignment); at T = 100 the two pairs here differ from the closed form by 2.1e-3 and 1.8e-4,
    at T = 400 by 2.2e-4 and 4.6e-5, so c <= 0.22 per pair and at T = 400 the error of a
    difference of two runs is below 2 x 0.22 / 400 = 1.1e-3; the bias itself is ~0.03.
    """
    from recnet.numerics.lyapunov import rate as R
    from recnet.validation.lyapunov import lambda1_step_bias

    n, g, dt, seed = 60, 0.5, 0.2, 11
    m, se, vals = lambda1_step_bias(n, g=g, dt=dt, t_sim=400.0, t_warm=60.0, n_pairs=2, seed=seed)
    rng = np.random.default_rng(seed)
    for v in vals:
        J = R.random_coupling(n, g, seed=rng)
        rng.integers(0, 2 ** 31 - 1)
        ev = np.linalg.eigvals(J)

        def lam(h):
            return float(np.max(np.log(np.abs(1 + h * (-1 + ev))) / h))

        exact = 2 * (lam(dt) - lam(dt / 2))
        assert abs(exact) > 0.02  # a bias well above the tolerance
        assert v == pytest.approx(exact, abs=1.1e-3)


@pytest.mark.parametrize("name", ["bump", "quadratic"])
@pytest.mark.parametrize("n", [8, 12, 20, 40])
def test_lowrank_next_order_bound_contains_the_exact_error(name, n):
    from recnet.validation.scn.validate import lowrank_prediction

    p = lowrank_prediction(name, n=n)
    # + round-off: the error is a difference of values of size max|f| (64 ulps of it)
    assert abs(p["fixed_point_error"] - p["predicted_error"]) <= p["next_order_bound"] + 64 * np.finfo(float).eps * \
        p["f_scale"]
    if name == "quadratic":
        assert p["next_order_bound"] == 0.0
