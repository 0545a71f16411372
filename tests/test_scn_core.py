"""Spike-coding networks: kernel vs numpy twin, closed forms, rate QP solvers, theory, TLN bridge."""
import math

import numpy as np
import pytest
import sympy as sp
from scipy.integrate import solve_ivp

from recnet.numerics.scn import network as scn
from recnet.numerics.scn import qp as scn_qp
from recnet.theory.scn import network as tscn
from tests.twins import scn_network as twin


def _decoder(k, n, norm=0.1, seed=0):
    g = np.random.default_rng(seed)
    D = g.standard_normal((k, n))
    return norm * D / np.linalg.norm(D, axis=0)


# ------------------------------------------------------------------ kernel == naive twin
@pytest.mark.parametrize("kw", [dict(spikes_per_step=1), dict(spikes_per_step=3), dict(spikes_per_step=0),
                                dict(spikes_per_step=1, delay=0.2), dict(spikes_per_step=0, delay=0.1, t_ref=0.5),
                                dict(spikes_per_step=1, sigma_v=0.002, seed=7),
                                dict(spikes_per_step=0, delay=0.1, reset="absolute")],
                         ids=["greedy1", "greedy3", "sync", "delay", "sync-delay-ref", "noise", "pynn-mode"])
def test_kernel_equals_numpy_twin(kw):
    D = _decoder(2, 12, 0.1, 1)
    net = scn.build(D, mu=0.01, tau=20.0)
    x = np.array([0.8, -0.3])
    a = scn.simulate(net, x, dt=0.05, t_sim=150.0, t_warm=20.0, record_every=10, **kw)
    b = twin.simulate_numpy(net, x, dt=0.05, t_sim=150.0, t_warm=20.0, record_every=10, **kw)
    assert a.n_spikes == b.n_spikes > 0
    np.testing.assert_array_equal(a.spike_ids, b.spike_ids)
    np.testing.assert_array_equal(a.spike_steps, b.spike_steps)
    np.testing.assert_allclose(a.r_mean, b.r_mean, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(a.r_trace, b.r_trace, rtol=1e-12, atol=1e-12)


def test_linear_dynamics_kernel_equals_twin_and_chunks():
    D = _decoder(2, 16, 0.1, 2)
    A = np.array([[-0.01, -0.05], [0.05, -0.01]])            # per ms
    net = scn.build(D, A=A, mu=0.005, tau=20.0)
    c = np.array([0.01, 0.0])
    a = scn.simulate(net, c=c, dt=0.05, t_sim=100.0, record_every=5)
    b = twin.simulate_numpy(net, c=c, dt=0.05, t_sim=100.0, record_every=5)
    np.testing.assert_array_equal(a.spike_ids, b.spike_ids)
    ch = scn.simulate(net, c=c, dt=0.05, t_sim=100.0, record_every=5, chunk=333)   # chunked == whole
    np.testing.assert_array_equal(a.spike_ids, ch.spike_ids)
    np.testing.assert_allclose(a.r_trace, ch.r_trace, rtol=0, atol=1e-12)


def test_single_neuron_mean_rate_closed_form():
    """One neuron, 1-D: r oscillates between a - 1/2 and a + 1/2 (a = x/d), so
    mean r = 1 / ln((a + 1/2)/(a - 1/2)) exactly in continuous time.  Tolerance: the spike is
    late by < 1 step, shifting the lower turning point by < a lam dt; plus one period out of the
    ~n_periods averaged."""
    d, x, tau, dt = 0.2, 1.0, 20.0, 0.005
    a = x / d
    net = scn.build(np.array([[d]]), tau=tau)
    res = scn.simulate(net, np.array([x]), dt=dt, t_sim=4000.0, t_warm=200.0)
    exact = 1.0 / math.log((a + 0.5) / (a - 0.5))
    n_periods = res.counts[0]
    tol = a * dt / tau + exact / n_periods
    assert abs(res.r_mean[0] - exact) <= tol
    # the QP (mid-point) prediction a is within the finite-spike bound 1/2 of the exact value
    assert abs(scn_qp.rates(np.array([[d]]), np.array([x]))[0] - a) < 1e-12
    assert abs(exact - a) <= 0.5 * 1.0


def test_error_stays_in_bounding_box():
    """V = D^T (x - D r) - mu r (exact for constant x) never exceeds T_i by more than one step of
    drive plus the largest excitatory cross-kick max_{i != j} (-D_i^T D_j) (greedy rule: one
    spike per step, the others wait)."""
    D = _decoder(3, 10, 0.1, 3)
    mu, tau, dt = 0.01, 10.0, 0.1
    net = scn.build(D, mu=mu, tau=tau)
    x = np.array([0.5, 0.2, -0.4])
    res = scn.simulate(net, x, dt=dt, t_sim=200.0, t_warm=50.0, record_every=1)
    r = res.r_trace[int(50.0 / dt):]
    V = (x - r @ D.T) @ D - mu * r
    G = D.T @ D
    kick = max(0.0, np.max(-(G - np.diag(np.diag(G)))))
    drive = (1 - math.exp(-dt / tau)) * np.max(np.abs(D.T @ x))
    assert np.max(V - net.T[None, :]) <= drive + 2 * kick + 1e-12
    assert np.max(V - net.T[None, :]) > -np.max(net.T)        # the box is touched: the check can fail


# ------------------------------------------------------------------------------ QP solvers
@pytest.mark.parametrize("k,n,mu", [(2, 5, 0.01), (3, 30, 0.001), (6, 40, 0.05)])
def test_qp_solvers_agree_and_kkt(k, n, mu):
    D = _decoder(k, n, 0.2, k + n)
    x = np.random.default_rng(k).standard_normal(k)
    r1 = scn_qp.rates(D, x, mu=mu)
    r2 = scn_qp.rates(D, x, mu=mu, method="nnls")
    r3 = scn_qp.rates(D, x, mu=mu, method="generic")
    np.testing.assert_allclose(r1, r2, atol=1e-9)
    np.testing.assert_allclose(r1, r3, atol=1e-5)
    G = D.T @ D + mu * np.eye(n)
    assert scn_qp.kkt_residual(G, D.T @ x, r1) < 1e-10


def test_qp_exact_rationals():
    """2 neurons, 1-D, D = [1, 2], mu = 1, x = 3: solved by hand with sympy rationals."""
    r1, r2 = sp.symbols("r1 r2")
    f = sp.Rational(1, 2) * (3 - r1 - 2 * r2) ** 2 + sp.Rational(1, 2) * (r1 ** 2 + r2 ** 2)
    sol = sp.solve([sp.diff(f, r1), sp.diff(f, r2)], [r1, r2])      # interior: both positive
    assert sol[r1] > 0 and sol[r2] > 0
    r = scn_qp.rates(np.array([[1.0, 2.0]]), np.array([3.0]), mu=1.0)
    np.testing.assert_allclose(r, [float(sol[r1]), float(sol[r2])], rtol=1e-12)


def test_qp_degenerate_psd_active_set():
    """Overcomplete decoder, mu = 0: G singular; the active set still returns a KKT point."""
    D = _decoder(2, 8, 0.3, 4)
    x = np.array([0.7, 0.1])
    r = scn_qp.rates(D, x)
    assert scn_qp.kkt_residual(D.T @ D, D.T @ x, r) < 1e-9
    with pytest.raises(ValueError, match="positive definite"):
        scn_qp.rates(D, x, method="nnls")


# ---------------------------------------------------------------------------------- theory
def test_derived_threshold_matches_builder():
    eq = tscn.greedy_spike_rule(K=2)
    s = tscn.symbols(2)
    D = np.array([[0.3], [-0.4]])
    sub = {s["Di"][0]: 0.3, s["Di"][1]: -0.4, s["mu"]: 0.02, s["nu"]: 0.01}
    T = float(eq["threshold"].rhs.subs(sub))
    assert abs(T - scn.boerlin_thresholds(D, 0.02, 0.01)[0]) < 1e-15
    reset = float(-eq["reset"].rhs.subs(sub))
    assert abs(reset - scn.build(D, mu=0.02).reset[0]) < 1e-15


def test_dynamic_inversion_fixed_point_and_stability():
    """r_x = B (W B - alpha I)^-1 delta from the ODE integrated numerically (Podlaski & Machens 2020)."""
    g = np.random.default_rng(1)
    m, n = 3, 5
    W = g.standard_normal((m, n))
    B = -W.T + 0.1 * g.standard_normal((n, m))               # near-transpose feedback: stable
    alpha, delta = 0.1, g.standard_normal(m)
    assert np.max(np.linalg.eigvals(W @ B).real) < alpha
    r_pred = B @ np.linalg.solve(W @ B - alpha * np.eye(m), delta)

    def f(t, y):
        r, u = y[:n], y[n:]
        return np.concatenate([(-r + B @ u) / 1.0, (W @ r - alpha * u - delta) / 5.0])

    sol = solve_ivp(f, (0, 2000), np.zeros(n + m), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(sol.y[:n, -1], r_pred, atol=1e-6)
    di = scn_qp.dynamic_inversion(W, B, delta, alpha, tau_r=1.0, tau_u=5.0)
    np.testing.assert_allclose(di["r_x"], r_pred, rtol=1e-12)
    assert di["stable"] and di["stable_fast_rates"]
    # alpha = 0: exact inversion W r_x = delta; positive feedback B = +W^T: unstable
    assert scn_qp.dynamic_inversion(W, B, delta, 0.0)["residual"] < 1e-10
    assert not scn_qp.dynamic_inversion(W, W.T, delta, 0.1)["stable"]
    eq = tscn.dynamic_inversion()
    w, b, al, de = sp.symbols("w b alpha delta", real=True)
    assert sp.simplify(eq["fixed_point_scalar"].rhs - b * de / (w * b - al)) == 0


def test_equations_print():
    eqs = tscn.equations()
    assert "threshold" in eqs and "fast_weights" in eqs and "stationarity_1" in eqs
    for v in eqs.values():
        sp.latex(v)


# ---------------------------------------------------------------------------- bad input
def test_bad_input_is_named():
    D = _decoder(2, 4)
    with pytest.raises(ValueError, match="tau"):
        scn.build(D, tau=-1.0)
    with pytest.raises(ValueError, match="mu"):
        scn.build(D, mu=-0.1)
    net = scn.build(D)
    with pytest.raises(ValueError, match="x"):
        scn.simulate(net, np.zeros(3))
    with pytest.raises(ValueError, match="delay"):
        scn.simulate(net, np.zeros(2), dt=0.1, delay=0.15)
    with pytest.raises(ValueError, match="t_warm"):
        scn.simulate(net, np.zeros(2), t_sim=10.0, t_warm=20.0)
    with pytest.raises(ValueError, match="spikes_per_step"):
        scn.simulate(net, np.zeros(2), spikes_per_step=-1)
