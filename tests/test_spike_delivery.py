"""Synapse tables and spike delivery of the LIF kernels: brute-force tables, private sources drawn in
place equal to sources delivered through the table, thread-count independence with non-exact weights."""
import numpy as np
import pytest

from recnet.numerics import spike_delivery as sd
from recnet.validation.simulators.network import (FixedNumberPreConnector, IF_curr_delta,
                                                  IF_curr_exp, Network, OneToOneConnector, SpikeSourcePoisson,
                                                  StaticSynapse)
from recnet.validation.simulators.simulate import simulate


@pytest.mark.parametrize("T", [1, 2, 3])
def test_tables_hold_every_synapse_sorted_with_uniform_rows(T):
    """Every (pre, post, w, d) is in the owner's table once (multiset equality with the input);
    rows are sorted by target; a row is flagged uniform exactly when its synapses share w and d."""
    rng = np.random.default_rng(5)
    N, n_nodes = 30, 45
    parts = []
    # projection 1: one weight and delay for all (a length-1 array), unsorted posts
    pre1 = rng.integers(0, 30, 400)
    post1 = rng.integers(0, N, 400)
    parts.append((pre1, post1, np.array([0.1]), np.array([3]), 0, 0))
    # projection 2: per-synapse weights on some presynaptic nodes only
    pre2 = rng.integers(0, 15, 200)
    post2 = rng.integers(0, N, 200)
    w2 = np.where(pre2 < 5, rng.normal(0, 1, 200), -0.5)
    d2 = np.where(pre2 < 3, rng.integers(1, 6, 200), 2)
    parts.append((pre2, post2, w2, d2, 30, 0))
    ulo = np.linspace(0, N, T + 1).round().astype(int)
    own = np.repeat(np.arange(T), np.diff(ulo))
    skip = np.zeros(n_nodes, dtype=bool)
    tb = sd.synapse_table(parts, own, T, n_nodes, skip)
    expect = sorted([(int(p), int(q), 0.1, 3) for p, q in zip(pre1, post1)]
                    + [(int(p) + 30, int(q), float(w), int(d)) for p, q, w, d in zip(pre2, post2, w2, d2)])
    got = []
    for c in range(T):
        pre, tgt, w, d = sd.expand(tb, c)
        assert np.all((tgt >= ulo[c]) & (tgt < ulo[c + 1]))
        got += [(int(a), int(b), float(x), int(y)) for a, b, x, y in zip(pre, tgt, w, d)]
        ip = tb["indptr"][c]
        for row in range(n_nodes):
            seg = tb["target"][ip[row]:ip[row + 1]]
            assert np.all(np.diff(seg) >= 0)
            ws = w[ip[row] - ip[0]:ip[row + 1] - ip[0]]
            ds = d[ip[row] - ip[0]:ip[row + 1] - ip[0]]
            if seg.size:
                assert (tb["row_d"][c, row] >= 0) == (np.all(ws == ws[0]) and np.all(ds == ds[0]))
    assert sorted(got) == expect


def test_uniform_network_stores_four_bytes_per_synapse():
    """Fixed weights and delays per projection: no per-synapse weight/delay arrays."""
    from recnet.validation.brunel import brunel_network

    net = brunel_network(n_e=400, epsilon=0.2, seed=3)
    res = simulate(net, 10.0, seed=3, threads=2, progress=False)
    n_rec = res.info["n_synapses"] - net.n_neurons          # the external sources are drawn in place
    assert res.info["private_poisson_sources"] == net.n_neurons
    overhead = 2 * (8 + 8 + 4) * (net.n_neurons * 2) + 2 * 8  # indptr, row_w, row_d per (thread, node)
    assert res.info["synapse_table_bytes"] == 4 * n_rec + overhead


def _driven(cell, record_sources, w_ext, w_e=0.1, w_i=-0.7, windows=False):
    net = Network()
    a = net.population(150, cell, "A", initial_values={"v": np.linspace(0.0, 19.0, 150)})
    win = dict(start=np.linspace(0.0, 60.0, 150), duration=np.linspace(200.0, 50.0, 150)) if windows else {}
    x = net.population(150, SpikeSourcePoisson(rate=np.linspace(15000.0, 30000.0, 150), **win), "x",
                       record=("spikes",) if record_sources else ())
    net.projection(a, a, FixedNumberPreConnector(20), StaticSynapse(w_e, 1.5))
    net.projection(a, a, FixedNumberPreConnector(5), StaticSynapse(w_i, 0.8), receptor_type="inhibitory")
    net.projection(x, a, OneToOneConnector(), StaticSynapse(w_ext, 0.4))
    return net


def _cell(kind):
    if kind == "delta":
        return IF_curr_delta(tau_m=20.0, v_rest=0.0, v_reset=10.0, v_thresh=20.0, tau_refrac=2.0)
    return IF_curr_exp(tau_m=10.0, cm=0.25, v_rest=0.0, v_reset=0.0, v_thresh=15.0, tau_refrac=2.0,
                       tau_syn_E=0.5, tau_syn_I=2.0)


@pytest.mark.parametrize("kind,windows", [("delta", False), ("exp", False), ("delta", True)])
def test_private_sources_equal_sources_through_the_table(kind, windows):
    """Recording the sources keeps them out of the in-place path: the same counts (same streams) and
    the same arrivals give the same neuron spikes.  Weights exact in binary (0.125, -0.75, 0.25),
    since the two paths add the external input to the ring at different moments."""
    runs = {}
    for rec in (False, True):
        r = simulate(_driven(_cell(kind), rec, 0.25, 0.125, -0.75, windows), 150.0, seed=8, threads=2,
                     progress=False)
        assert r.info["private_poisson_sources"] == (0 if rec else 150)
        runs[rec] = r
    ref = runs[False]["A"]
    assert ref.times.size > 200
    np.testing.assert_array_equal(runs[True]["A"].times, ref.times)
    np.testing.assert_array_equal(runs[True]["A"].ids, ref.ids)
    # the recorded sources emitted what their rates say: sum of rate x active time, Poisson
    active = 150.0 if not windows else np.clip(np.minimum(np.linspace(0.0, 60.0, 150) + np.linspace(200.0, 50.0, 150),
                                                          150.0) - np.linspace(0.0, 60.0, 150), 0, None)
    n_exp = np.sum(np.linspace(15000.0, 30000.0, 150) * active * 1e-3)
    assert abs(runs[True]["x"].times.size - n_exp) < 5 * np.sqrt(n_exp)


@pytest.mark.parametrize("kind", ["delta", "exp"])
@pytest.mark.parametrize("record_sources", [False, True])
def test_thread_count_does_not_change_inexact_sums(kind, record_sources):
    """1 and 2 threads give the same spikes although the weights (0.1, -0.7) are not exact in
    binary: every ring entry receives its terms in one order whatever the thread count."""
    runs = [simulate(_driven(_cell(kind), record_sources, 0.1), 150.0, seed=8, threads=T, progress=False)
            for T in (1, 2)]
    ref = runs[0]["A"]
    assert ref.times.size > 200
    for r in runs[1:]:
        np.testing.assert_array_equal(r["A"].times, ref.times)
        np.testing.assert_array_equal(r["A"].ids, ref.ids)


def test_record_buffer_grows_and_chunks_keep_spikes():
    """A run whose spikes overflow the first record buffer gives the same spikes as one that fits
    (the kernel stops at a block boundary and resumes)."""
    net = _driven(IF_curr_delta(tau_m=20.0, v_rest=0.0, v_reset=10.0, v_thresh=20.0, tau_refrac=2.0), True, 0.125)
    r1 = simulate(net, 200.0, seed=2, threads=1, progress=False)
    r2 = simulate(net, 200.0, seed=2, threads=2, progress=False, chunk_steps=30)
    assert r1["x"].times.size > 65536   # more than the initial record buffer
    for lab in ("A", "x"):
        np.testing.assert_array_equal(r1[lab].times, r2[lab].times)
        np.testing.assert_array_equal(r1[lab].ids, r2[lab].ids)


def test_mixed_sign_row_of_exp_synapses_equals_closed_form():
    """One spike source with two synapses of opposite sign and different delays onto one
    IF_curr_exp neuron: a per-synapse row whose weights are routed by sign (E current, tau 0.5 ms;
    I current, tau 3 ms).  V equals the sum of the two closed-form PSPs (lif_exp.psc_voltage) to
    1e-9 mV at every step."""
    from recnet.numerics.lif_exp import psc_voltage
    from recnet.validation.simulators.network import FromListConnector, SpikeSourceArray

    tau_m, cm, tau_e, tau_i, t_s = 10.0, 0.25, 0.5, 3.0, 2.0
    net = Network()
    n = net.population(1, IF_curr_exp(tau_m=tau_m, cm=cm, v_rest=-65.0, v_reset=-70.0, v_thresh=0.0,
                                       tau_syn_E=tau_e, tau_syn_I=tau_i), "n", record=("spikes", "v"))
    s = net.population(1, SpikeSourceArray([t_s]), "s", record=())
    net.projection(s, n, FromListConnector([(0, 0, 0.5, 1.0), (0, 0, -0.3, 2.5)]), receptor_type=None)
    res = simulate(net, 20.0, dt=0.1, seed=1, threads=1, progress=False)
    t, v = res.v["n"]
    exp_v = -65.0 + sum(np.where(t >= t_s + d - 1e-9, psc_voltage(np.maximum(t - t_s - d, 0.0), w, tau_m, tau, cm), 0.0)
                        for w, d, tau in ((0.5, 1.0, tau_e), (-0.3, 2.5, tau_i)))
    np.testing.assert_allclose(v[:, 0], exp_v, rtol=0, atol=1e-9)
    assert v[:, 0].max() > -64.9 and v[:, 0].min() < -65.1   # both currents were felt
