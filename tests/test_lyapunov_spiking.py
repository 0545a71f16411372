"""Event-based theta and LIF networks: kernel vs naive twin, single-spike Jacobian, spectra, NEST."""
import numpy as np
import pytest

from conftest import requires_nest
from recnet.numerics.lyapunov import lif as LIF
from recnet.numerics.lyapunov import pulse as P
from recnet.numerics.lyapunov import theta as TH
from tests.twins import lyapunov_pulse as twin


def _par(model, k):
    if model == 0:
        p = TH.parameters(k)
        return np.array([p["c"]])
    p = LIF.parameters(k)
    return np.array([p["i_ext"], p["j"], p["w"]])


@pytest.mark.parametrize("model", [0, 1])
def test_heap_kernel_equals_argmax_twin(model):
    n, k, m, n_ev = 60, 6, 4, 400
    rng = np.random.default_rng(model)
    ptr, post = P.fixed_indegree_graph(n, k, seed=1)
    assert np.all(np.bincount(post, minlength=n) == k)            # fixed in-degree
    par = _par(model, k)
    key = rng.uniform(-np.pi, np.pi, n)
    Q = rng.standard_normal((n, m))
    key_ref, shift_ref, Q_ref, spikes = twin.run_events_numpy(model, tuple(par), key, 0.0, ptr, post, Q, n_ev)
    heap, pos = P.heap_build(key.copy())
    k2, Q2 = key.copy(), Q.copy()
    heap, pos = P.heap_build(k2)
    idx, ph = np.zeros(n_ev, np.int64), np.zeros(n_ev)
    shift = P.run_events(model, par, k2, heap, pos, 0.0, ptr, post, Q2, n_ev, True, idx, ph, np.zeros(1))
    assert [s[0] for s in spikes] == list(idx)
    assert shift == pytest.approx(shift_ref, abs=1e-9)
    assert np.allclose(k2, key_ref, atol=1e-9) and np.allclose(Q2, Q_ref, atol=1e-9)


@pytest.mark.parametrize("model", [0, 1])
def test_single_spike_jacobian_by_finite_differences(model):
    # in the co-moving frame one event is a map of the phases; its Jacobian, by central
    # differences (error O(h^2) ~ 1e-10), must equal the single-spike Jacobian the kernel applies
    n, k = 12, 4
    rng = np.random.default_rng(3)
    ptr, post = P.fixed_indegree_graph(n, k, seed=2)
    par = tuple(_par(model, k))
    key = rng.uniform(-np.pi, np.pi, n)
    D = twin.run_events_numpy(model, par, key, 0.0, ptr, post, np.eye(n), 1)[2]
    h = 1e-6
    fd = np.empty((n, n))
    for c in range(n):
        e = np.zeros(n); e[c] = h
        kp = twin.run_events_numpy(model, par, key + e, 0.0, ptr, post, np.eye(n), 1)[0]
        km = twin.run_events_numpy(model, par, key - e, 0.0, ptr, post, np.eye(n), 1)[0]
        fd[:, c] = (kp - km) / (2 * h)
    assert np.allclose(D, fd, atol=1e-7)
    assert np.allclose(D.sum(axis=1), 1.0)          # time-shift invariance: one zero exponent


def test_theta_spectrum_small_network():
    n, k = 100, 10
    res = TH.spectrum(n, k, t_sim=4000.0, t_warm=300.0, t_warm_q=300.0, seed=4, n_boot=100)
    lam = res.exponents
    assert np.all(np.isfinite(lam))
    # exact identity: sum of all N exponents = time-averaged ln|det| of the single-spike Jacobians
    assert lam.sum() == pytest.approx(res.logdet_rate, rel=1e-9)
    # the time-shift exponent: the exponent closest to 0 is 0 within 4 bootstrap stderr
    i0 = np.argmin(np.abs(lam))
    assert abs(lam[i0]) <= 4 * res.stderr[i0]
    assert lam[0] > 4 * res.stderr[0]                      # chaotic (Monteforte & Wolf 2010)
    assert res.entropy_per_spike_bits > 0 and np.isfinite(res.entropy_per_spike_bits_stderr)
    assert 0 < res.ky_dimension < n


def test_lif_spectrum_is_negative_except_time_shift():
    n, k = 100, 10
    res = LIF.spectrum(n, k, t_sim=1000.0, t_warm=200.0, t_warm_q=200.0, seed=5, n_boot=50)
    lam = res.exponents
    # g' in (0, 1) for inhibition: the top exponent is the time shift, zero up to the decaying
    # transient of Q's first column (bootstrap stderr) and QR round-off (~cond_max * eps per
    # interval, cond_max = 1e4); all others < 0
    tol = 3 * res.stderr[0] + res.n_intervals * 1e4 * np.finfo(float).eps / res.t_total
    assert abs(lam[0]) < tol < 1e-3 * abs(lam[1])
    assert np.all(lam[1:] < 0)
    assert res.entropy_rate <= tol and res.ky_dimension <= 1.0 + 1e-6


def test_lif_event_simulation_equals_tangent_kernel_without_delay():
    # the delay/refractoriness simulator and the spectrum kernel agree when both are zero
    n, k, n_ev = 50, 5, 300
    p = LIF.parameters(k)
    ptr, post = LIF.network(n, k, seed=6)
    rng = np.random.default_rng(7)
    psi = rng.uniform(-np.pi, np.pi, n)
    v0 = LIF.phase_to_voltage(psi, p)
    sim = LIF.simulate(n, k, delay=0.0, t_ref=0.0, t_stop=200.0, graph=(ptr, post), v0=v0)
    n_ev = min(n_ev, sim["senders"].size)
    _, _, _, spikes = twin.run_events_numpy(1, (p["i_ext"], p["j"], p["w"]), psi, 0.0, ptr, post,
                                         np.zeros((n, 0)), n_ev)
    assert [s[0] for s in spikes] == list(sim["senders"][:n_ev])
    t_ref = np.array([s[1] for s in spikes]) / p["omega_per_ms"]
    assert np.allclose(t_ref, sim["times_ms"][:n_ev], atol=1e-9)


def test_bad_input_spiking():
    with pytest.raises(ValueError, match="m = 20"):
        TH.spectrum(10, 3, m=20)
    with pytest.raises(ValueError, match="k = 10"):
        TH.spectrum(10, 10)
    with pytest.raises(ValueError, match="tau_m"):
        TH.spectrum(10, 3, tau_m=-1.0)
    with pytest.raises(ValueError, match="v0"):
        LIF.simulate(10, 3, v0=np.full(10, np.nan))
    with pytest.raises(ValueError, match="i_ext"):
        LIF.parameters(10, i_ext=0.5)


@requires_nest
@pytest.mark.nest
def test_lif_spike_trains_match_nest_precise_model():
    from recnet.validation.lyapunov import compare_lif_with_nest
    out = compare_lif_with_nest(n=60, k=6, t_stop=300.0, seed=8)
    # NEST's iaf_psc_delta_ps finds threshold crossings analytically: spike times agree to round-off
    assert out["n_spikes_nest"] == out["n_spikes_recnet"] > 100
    assert out["same_order"]
    assert out["max_abs_time_diff_ms"] < 1e-9
