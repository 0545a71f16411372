"""The sum rule's remainder (``recnet.validation.lyapunov.sum_rule_remainder``): the sum of all QR
exponents equals <ln|det D_t|>/dt exactly, so the leading term plus the remainder measured on an
independent stretch of the attractor must match the QR sum within their statistical errors; and
at small dt the remainder follows its second-order closed form -(b/a)^2 <tr (J Phi')^2>/(2 dt)."""
import math

import numpy as np
import pytest
from scipy import stats

from recnet.numerics.lyapunov import rate as R
from recnet.validation.lyapunov import sum_rule_remainder


def test_remainder_closes_the_sum_rule():
    n, g, dt, t = 40, 2.0, 0.05, 200.0
    J = R.random_coupling(n, g, seed=1)
    sp = R.spectrum(J, None, dt=dt, t_sim=t, t_warm=20.0, t_warm_q=5.0, integrator="exp_euler", seed=2)
    lead = R.sum_rule(n, dt, integrator="exp_euler")
    rem, se, nb = sum_rule_remainder(J, sp.state, dt, t)
    # the QR sum is another time average of the same length: difference ~ t(nb - 1) with sqrt 2 se
    z = (sp.exponents.sum() - lead - rem) / (math.sqrt(2) * se)
    assert abs(z) <= stats.t.ppf(1 - 0.0027 / 2, nb - 1)
    # the remainder is resolved (not zero within its error) and O(dt g^2), independent of N
    assert abs(rem) > 3 * se


def test_second_order_closed_form():
    # at dt = 0.01 the third order is dt times smaller: compare with -(b/a)^2 <phi'^T (J o J^T) phi'>/(2 dt)
    n, g, dt = 30, 1.5, 0.01
    J = R.random_coupling(n, g, seed=3)
    rng = np.random.default_rng(4)
    x = rng.standard_normal(n)
    a, b = math.exp(-dt), -math.expm1(-dt)
    for _ in range(2000):
        x = a * x + b * (J @ np.tanh(x))
    rem, se, _ = sum_rule_remainder(J, x, dt, 100.0, sample_every=0.5)
    y = x.copy()
    K = J * J.T
    vals = []
    for _ in range(200):
        for _ in range(50):
            y = a * y + b * (J @ np.tanh(y))
        p = 1 - np.tanh(y) ** 2
        vals.append(-(b / a) ** 2 * p @ K @ p / (2 * dt))
    second, se2 = np.mean(vals), np.std(vals, ddof=1) / math.sqrt(len(vals))
    # third order ~ (b/a)^3 |tr M^3| / (3 dt): a fraction ~ dt g of the second order
    third = dt * g * abs(second)
    assert rem == pytest.approx(second, abs=4 * math.hypot(se, 2 * se2) + third)
