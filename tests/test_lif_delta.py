"""The numba LIF-delta simulator against closed forms (swept over time steps) and its naive twin."""
import math

import numpy as np
import pytest

from recnet.numerics import lif_delta
from recnet.validation.simulators.network import (FixedNumberPreConnector, FromListConnector, IF_curr_delta,
                                       Network, OneToOneConnector, SpikeSourceArray, SpikeSourcePoisson,
                                       StaticSynapse)
from recnet.validation.simulators.simulate import simulate
from tests.twins import lif_delta as twin

DTS = [0.01, 0.05, 0.1, 0.25, 0.5, 1.0]


def _dc_net(tau_m, cm, i_offset, v_rest, v_reset, v_thresh, tau_refrac, v0=None):
    net = Network()
    net.population(1, IF_curr_delta(tau_m=tau_m, cm=cm, i_offset=i_offset, v_rest=v_rest, v_reset=v_reset,
                                    v_thresh=v_thresh, tau_refrac=tau_refrac), "n",
                   initial_values={"v": v_rest if v0 is None else v0}, record=("spikes", "v"))
    return net


@pytest.mark.parametrize("dt", DTS)
@pytest.mark.parametrize("tau_m,i_offset", [(20.0, 0.5), (10.0, 0.55), (33.0, 0.8)])
def test_dc_firing_times_closed_form(dt, tau_m, i_offset):
    """Constant current: V(t) = v_rest + R I (1 - exp(-t/tau_m)) from rest, R = tau_m/cm.

    On the grid a spike is stamped at the first step k with V(k dt) >= v_thresh, i.e.
    k1 = ceil(t1/dt) with t1 = tau_m ln(RI / (RI - theta)); after a spike V is clamped for
    R_ref = tau_refrac/dt steps and then rises from v_reset, so every later ISI is
    tau_refrac + dt * ceil(t2/dt) with t2 = tau_m ln((RI - y_reset) / (RI - theta)).
    """
    cm, v_rest, v_reset, v_thresh, tau_refrac = 0.25, -65.0, -70.0, -50.0, 2.0
    RI = tau_m / cm * i_offset
    theta, y_reset = v_thresh - v_rest, v_reset - v_rest
    t1 = tau_m * math.log(RI / (RI - theta))
    t2 = tau_m * math.log((RI - y_reset) / (RI - theta))
    # guard: the crossing must not fall on a grid point (then the fp rounding decides)
    for t in (t1, t2):
        assert abs(t / dt - round(t / dt)) > 1e-6
    k1, k2 = math.ceil(t1 / dt), math.ceil(t2 / dt)
    t_sim = 200.0
    res = simulate(_dc_net(tau_m, cm, i_offset, v_rest, v_reset, v_thresh, tau_refrac), t_sim, dt=dt, seed=1)
    times = res["n"].times
    expected = dt * (k1 + np.arange(times.size) * (round(tau_refrac / dt) + k2))
    assert times.size >= 3
    assert times.size == np.sum(expected <= t_sim + 1e-9)
    np.testing.assert_allclose(times, expected, rtol=0, atol=1e-9)
    # continuous-time period is approached within one step
    period = np.diff(times).mean()
    assert abs(period - (tau_refrac + t2)) <= dt + 1e-9


@pytest.mark.parametrize("dt", DTS)
def test_single_psp_jump_closed_form(dt):
    """One input spike at t_s with delay d: V = v_rest + w exp(-(t - t_s - d)/tau_m) for t >= t_s + d."""
    tau_m, w, d, t_s, v_rest = 15.0, 1.7, 2.0, 3.0, -60.0
    net = Network()
    n = net.population(1, IF_curr_delta(tau_m=tau_m, v_rest=v_rest, v_reset=-70.0, v_thresh=-50.0), "n",
                       record=("spikes", "v"))
    s = net.population(1, SpikeSourceArray([t_s]), "s")
    net.projection(s, n, OneToOneConnector(), StaticSynapse(w, d))
    res = simulate(net, 30.0, dt=dt, seed=1)
    t, v = res.v["n"]
    expected = np.where(t >= t_s + d - 1e-9, v_rest + w * np.exp(-(t - t_s - d) / tau_m), v_rest)
    np.testing.assert_allclose(v[:, 0], expected, rtol=0, atol=1e-12)
    assert res["n"].times.size == 0
    np.testing.assert_allclose(res["s"].times, [t_s])


@pytest.mark.parametrize("dt", [0.1, 0.5, 1.0])
def test_refractory_clamp_discards_input(dt):
    """A suprathreshold kick at t_a makes a spike; a kick during refractoriness is lost: V stays at
    v_reset for tau_refrac, then decays as v_rest + (v_reset - v_rest) exp(-(t - t_a - tau_refrac)/tau_m)."""
    tau_m, v_rest, v_reset, v_th, t_ref, d = 20.0, 0.0, 10.0, 20.0, 3.0, 1.0
    net = Network()
    n = net.population(1, IF_curr_delta(tau_m=tau_m, v_rest=v_rest, v_reset=v_reset, v_thresh=v_th,
                                        tau_refrac=t_ref), "n", record=("spikes", "v"))
    s = net.population(1, SpikeSourceArray([4.0, 6.0]), "s")  # arrive at 5.0 (spike) and 7.0 (refractory)
    net.projection(s, n, OneToOneConnector(), StaticSynapse(25.0, d))
    res = simulate(net, 20.0, dt=dt, seed=1)
    np.testing.assert_allclose(res["n"].times, [5.0], atol=1e-9)
    t, v = res.v["n"]
    t_a = 5.0
    expected = np.where(t < t_a - 1e-9, 0.0,
                        np.where(t <= t_a + t_ref + 1e-9, v_reset,
                                 v_rest + (v_reset - v_rest) * np.exp(-(t - t_a - t_ref) / tau_m)))
    np.testing.assert_allclose(v[:, 0], expected, atol=1e-12)


def _random_net(seed=3, n=40):
    rng = np.random.default_rng(seed)
    net = Network()
    a = net.population(n, IF_curr_delta(tau_m=rng.uniform(10, 30, n), cm=0.5, v_rest=0.0, v_reset=rng.uniform(0, 10, n),
                                        v_thresh=20.0, tau_refrac=rng.choice([0.0, 0.5, 2.0], n),
                                        i_offset=rng.uniform(0.0, 0.4, n)), "A",
                       initial_values={"v": rng.uniform(0, 19, n)}, record=("spikes", "v"))
    x = net.population(n, SpikeSourcePoisson(rate=rng.uniform(2000, 8000, n)), "x")
    lst = [(i, j, rng.normal(0.0, 1.5), rng.choice([0.1, 0.3, 1.5])) for i in range(n) for j in range(n) if rng.random() < 0.2]
    net.projection(a, a, FromListConnector(lst), receptor_type=None)
    net.projection(x, a, OneToOneConnector(), StaticSynapse(0.4, 0.1))
    return net


def test_numba_equals_naive_twin():
    """The blocked, multi-threaded kernel and the step-by-step numpy twin give the same spikes and V."""
    net = _random_net()
    dt, t_sim = 0.1, 300.0
    res = simulate(net, t_sim, dt=dt, seed=7)
    n_steps = int(round(t_sim / dt))
    # the sources' counts, recorded by the numba run, drive the twin
    counts = np.zeros((n_steps, 40), dtype=np.int64)
    np.add.at(counts, (np.round(res["x"].times / dt).astype(int) - 1, res["x"].ids), 1)
    from recnet.validation.simulators.backend_numba import compile_network

    from recnet.numerics.spike_delivery import expand

    c = compile_network(net, dt, net.connectivity(7), 1)
    assert c["n_private"] == 0   # x is recorded, so its spikes go through the synapse table
    pre, target, weight, delay = expand(c["tables"])
    assert c["tables"]["syn_w"].size == pre.size   # mixed rows: the per-synapse path is the one tested
    spikes, v = twin.simulate_naive(n_steps, c["npar"], c["refr"], c["y0"], counts, pre, target, weight, delay)
    k, i = np.nonzero(spikes)
    order = np.lexsort((i, k))
    np.testing.assert_array_equal(np.round(res["A"].times / dt).astype(int) - 1, k[order])
    np.testing.assert_array_equal(res["A"].ids, i[order])
    assert k.size > 100
    np.testing.assert_allclose(res.v["A"][1], v, atol=1e-9)


def test_threads_and_chunks_do_not_change_result():
    """Exactly representable weights: 1 or 2 delivery threads and any chunking give identical spikes."""
    net = Network()
    a = net.population(200, IF_curr_delta(tau_m=20.0, v_rest=0.0, v_reset=10.0, v_thresh=20.0, tau_refrac=2.0), "A")
    x = net.population(200, SpikeSourcePoisson(rate=25000.0), "x", record=())
    net.projection(a, a, FixedNumberPreConnector(20), StaticSynapse(0.25, 1.5))
    net.projection(a, a, FixedNumberPreConnector(5), StaticSynapse(-1.0, 1.0), receptor_type="inhibitory")
    net.projection(x, a, OneToOneConnector(), StaticSynapse(0.125, 1.5))
    r1 = simulate(net, 200.0, seed=11, threads=1)
    r2 = simulate(net, 200.0, seed=11, threads=2, chunk_steps=10)
    assert r1["A"].times.size > 100
    np.testing.assert_array_equal(r1["A"].times, r2["A"].times)
    np.testing.assert_array_equal(r1["A"].ids, r2["A"].ids)


def test_poisson_counts_mean_and_variance():
    """Counts per step are Poisson(lam): sample mean and variance within 5 standard errors.

    For n iid Poisson(lam) counts, se(mean) = sqrt(lam/n) and se(var) ~ sqrt((lam + 2 lam^2)/n).
    """
    lams = np.array([0.02, 0.5, 2.0, 13.7, 45.0])
    n = 40000
    c = lif_delta.poisson_counts(lams, lif_delta.splitmix64_seeds(lams.size, 5), n)
    for k, lam in enumerate(lams):
        m, v = c[:, k].mean(), c[:, k].var(ddof=1)
        assert abs(m - lam) < 5 * math.sqrt(lam / n)
        assert abs(v - lam) < 5 * math.sqrt((lam + 2 * lam**2) / n)


def test_poisson_source_rate_and_window():
    """SpikeSourcePoisson emits rate*duration spikes only inside (start, start+duration]."""
    net = Network()
    net.population(1, IF_curr_delta(), "n")
    x = net.population(50, SpikeSourcePoisson(rate=200.0, start=100.0, duration=300.0), "x")
    res = simulate(net, 500.0, seed=2)
    t = res["x"].times
    assert t.min() > 100.0 and t.max() <= 400.0 + 1e-9
    expected = 50 * 200.0 * 0.3
    assert abs(t.size - expected) < 5 * math.sqrt(expected)  # Poisson count
    assert x.size == 50


def test_fixed_indegree_draws():
    """Each row: k distinct indices in range, no self; column counts uniform (chi-square p > 1e-6)."""
    from scipy import stats

    n_pre, n_post, k = 300, 400, 30
    pre = lif_delta.fixed_indegree(n_pre, n_post, k, False, True, 123).reshape(n_post, k)
    assert pre.min() >= 0 and pre.max() < n_pre
    for j in range(n_post):
        assert np.unique(pre[j]).size == k
        assert j not in pre[j] or j >= n_pre
    counts = np.bincount(pre.ravel(), minlength=n_pre)
    # expected in-range count of pre i: sum over posts j != i of k/(n_pre-1)
    expected = np.full(n_pre, (n_post - 1) * k / (n_pre - 1))
    chi2 = ((counts - expected) ** 2 / expected).sum()
    assert stats.chi2.sf(chi2, n_pre - 1) > 1e-6
    again = lif_delta.fixed_indegree(n_pre, n_post, k, False, True, 123).reshape(n_post, k)
    np.testing.assert_array_equal(pre, again)


def test_propagators_match_definition():
    P33, P30 = lif_delta.propagators(np.array([20.0]), np.array([0.25]), 0.1)
    assert P33[0] == pytest.approx(math.exp(-0.1 / 20.0), rel=1e-15)
    assert P30[0] * 1000.0 == pytest.approx(20.0 / 0.25 * (1 - math.exp(-0.1 / 20.0)), rel=1e-13)
