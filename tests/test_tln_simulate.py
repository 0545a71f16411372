"""TLN simulator: numba kernel vs numpy twin, closed-form fixed points, input checks, Poisson pools."""
import numpy as np
import pytest

from recnet.numerics.tln import simulate as ts
from recnet.theory.tln import ctln as ctln
from tests.twins import tln_simulate as twin


def _k3():
    return ctln.ctln_weights(ctln.parse_graph("1<>2,2<>3,1<>3")), np.ones(3)


def test_kernel_matches_numpy_twin():
    rng = np.random.default_rng(0)
    W = -rng.uniform(0, 1.5, (4, 4))
    np.fill_diagonal(W, 0)
    b = rng.uniform(0.2, 1, 4)
    X0 = rng.uniform(0, 1, (30, 4))
    for method in ("rk4", "euler"):
        a = ts.simulate_tln(W, b, X0, t_max=50, dt=0.05, method=method)
        c = twin.simulate_tln_numpy(W, b, X0, t_max=50, dt=0.05, method=method)
        np.testing.assert_allclose(a.x_final, c.x_final, rtol=0, atol=1e-12)
        assert (a.converged == c.converged).all() and (a.t_end == c.t_end).all()


def test_k3_converges_to_closed_form():
    W, b = _k3()
    X0 = np.random.default_rng(1).uniform(0, 1.5, (20, 3))
    r = ts.simulate_tln(W, b, X0, t_max=200)
    assert r.converged.all()
    # x* = theta / (1 + 2 (1 - epsilon)) = 0.4; |x - x*| <= |(I - W)^-1| * tol with tol = 1e-9
    np.testing.assert_allclose(r.x_final, 0.4, atol=1e-8)


def test_three_cycle_never_converges_and_stays_bounded():
    W = ctln.ctln_weights(ctln.parse_graph("1>2,2>3,3>1"))
    X0 = np.random.default_rng(2).uniform(0, 1.5, (10, 3))
    r = ts.simulate_tln(W, np.ones(3), X0, t_max=100, record_every=100)
    assert not r.converged.any() and not r.diverged.any()
    assert r.trajectories.shape == (10, 101, 3) and r.times[-1] == pytest.approx(100.0)
    # all weights <= 0, so the input is <= theta and x(t) <= theta + (x0 - theta) e^{-t}
    assert r.trajectories[:, 20:].max() <= 1.0 + 1.5 * np.exp(-20.0)


def test_divergence_is_reported():
    r = ts.simulate_tln(np.array([[2.0]]), np.array([1.0]), np.array([0.1]), t_max=100)
    assert r.diverged[0] and not r.converged[0]


def test_input_checks_name_the_parameter():
    W, b = _k3()
    with pytest.raises(ValueError, match="x0"):
        ts.simulate_tln(W, b, np.zeros(4))
    with pytest.raises(ValueError, match="dt"):
        ts.simulate_tln(W, b, np.zeros(3), t_max=1, dt=2)
    with pytest.raises(ValueError, match="t_max"):
        ts.simulate_tln(W, b, np.zeros(3), t_max=-1)
    with pytest.raises(ValueError, match="method"):
        ts.simulate_tln(W, b, np.zeros(3), method="rk45")
    with pytest.raises(ValueError, match="b has shape"):
        ts.simulate_tln(W, np.ones(2), np.zeros(3))


def test_velocity_is_zero_at_fixed_point():
    W, b = _k3()
    assert np.abs(ts.tln_velocity(W, b, np.full(3, 0.4))).max() < 1e-15


@pytest.mark.slow
def test_poisson_pools_mean_is_the_fixed_point():
    """Stationary mean of the Poisson realisation = x* (no systematic error while inputs keep their
    sign); tolerance 3 batch-means standard errors, a 0.3% per-unit false-alarm rate."""
    W = ctln.ctln_weights(ctln.parse_graph("1<>2", 3))
    x_star = np.array([1 / 1.75, 1 / 1.75, 0.0])  # clique {1,2}: theta / (1 + (1 - eps))
    r = ts.simulate_poisson_tln(W, np.ones(3), x_star * 1.05, t_sim=3000, seed=3)
    assert (r["input_sign_changes"] == 0).all()
    assert (np.abs(r["x_mean"] - x_star) <= 3 * r["stderr"] + 1e-12).all(), (r["x_mean"], r["stderr"])
    assert r["x_mean"][2] == 0.0
