"""Rate-network simulator: numpy twin, exact linear solutions, input, errors."""
import math

import numpy as np
import pytest

from recnet.numerics import rate_network as rn
from tests.twins import rate_network as twin


def test_matches_numpy_twin():
    J = rn.gaussian_coupling(60, 2.0, seed=1)
    a = rn.simulate(J, t_sim=5.0, lyapunov=True, seed=3)
    b = twin.simulate_numpy(J, t_sim=5.0, lyapunov=True, seed=3)
    assert np.max(np.abs(a["x_final"] - b["x_final"])) < 1e-10
    assert abs(a["lambda1"] - b["lambda1"]) < 1e-10


def test_linear_network_exact_solution_and_exponent():
    # J = a I, phi linear: x(t) = x0 exp((a - 1) t), lambda_1 = a - 1 exactly
    n, a = 5, 1.3
    J = a * np.eye(n)
    x0 = np.linspace(-1, 1, n)
    out = rn.simulate(J, phi="linear", t_sim=4.0, dt=0.01, x0=x0, lyapunov=True, seed=0)
    assert np.allclose(out["x_final"], x0 * math.exp((a - 1) * 4.0), rtol=1e-9)
    assert abs(out["lambda1"] - (a - 1)) < 1e-9


def test_sinusoidal_input_exact_solution():
    # J = 0: dx/dt = -x + I0 + A cos(w t + th)
    n = 3
    J = np.zeros((n, n))
    i0, A, w, th = 0.5, np.array([1.0, 0.3, 2.0]), 2.0, np.array([0.0, 1.0, -0.5])
    T = 3.0
    out = rn.simulate(J, t_sim=T, dt=0.01, x0=np.zeros(n), i0=i0, amp=A, omega=w, theta=th, seed=0)

    def exact(t):
        # particular + homogeneous solution with x(0) = 0
        p = A / (1 + w * w) * (np.cos(w * t + th) + w * np.sin(w * t + th))
        p0 = A / (1 + w * w) * (np.cos(th) + w * np.sin(th))
        return i0 * (1 - math.exp(-t)) + p - p0 * math.exp(-t)
    assert np.allclose(out["x_final"], exact(T), atol=1e-9)


def test_euler_converges_first_order():
    J = rn.gaussian_coupling(20, 1.5, seed=2)
    ref = rn.simulate(J, t_sim=2.0, dt=0.005, seed=4)["x_final"]
    e1 = np.abs(rn.simulate(J, t_sim=2.0, dt=0.01, method="euler", seed=4)["x_final"] - ref).max()
    e2 = np.abs(rn.simulate(J, t_sim=2.0, dt=0.005, method="euler", seed=4)["x_final"] - ref).max()
    assert 1.6 < e1 / e2 < 2.4


def test_coupling_statistics():
    J = rn.gaussian_coupling(400, 2.0, j0=1.5, seed=0)
    assert abs(J.mean() * 400 - 1.5) < 0.05 * 400 * 2.0 / 400 * 3
    assert abs(J.std() * math.sqrt(400) - 2.0) < 0.02
    Jb = rn.gaussian_coupling(400, 1.0, j0=2.0, balanced=True, self_coupling=False, seed=0)
    assert np.all(np.diag(Jb) == 0)
    assert abs(Jb[~np.eye(400, dtype=bool)].mean() * 20 + 2.0) < 0.05


def test_bad_input_is_named():
    J = np.zeros((3, 3))
    with pytest.raises(ValueError, match="dt"):
        rn.simulate(J, dt=-0.1)
    with pytest.raises(ValueError, match="method"):
        rn.simulate(J, method="rk2")
    with pytest.raises(ValueError, match="i0"):
        rn.simulate(J, i0=np.ones(4))
    with pytest.raises(ValueError, match="J"):
        rn.simulate(np.zeros((3, 4)))
