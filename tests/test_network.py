"""Network description: PyNN vocabulary, up-front errors naming the parameter, reproducible draws."""
import numpy as np
import pytest

from recnet.validation.simulators.network import (AllToAllConnector, ArrayConnector, CellType, FixedNumberPreConnector,
                                       FixedProbabilityConnector, FromListConnector, IF_curr_delta, Network,
                                       OneToOneConnector, SpikeSourceArray, SpikeSourcePoisson, StaticSynapse,
                                       WeightMatrixConnector)
from recnet.validation.simulators.simulate import simulate

P = dict(tau_m=20.0, v_rest=0.0, v_reset=10.0, v_thresh=20.0, tau_refrac=2.0)


def _net(**kw):
    net = Network()
    a = net.population(10, IF_curr_delta(**{**P, **kw}), "A")
    return net, a


@pytest.mark.parametrize("kw,name", [
    (dict(tau_m=-1.0), "tau_m"), (dict(tau_m=0.0), "tau_m"), (dict(cm=-0.1), "cm"),
    (dict(tau_refrac=-0.5), "tau_refrac"), (dict(v_reset=20.0), "v_reset"), (dict(v_reset=25.0), "v_reset"),
    (dict(v_thresh=np.r_[np.full(9, 20.0), 5.0]), "v_reset"), (dict(tau_m=np.ones(3)), "tau_m"),
    (dict(tau_m=float("nan")), "tau_m"),
])
def test_bad_cell_parameters(kw, name):
    with pytest.raises(ValueError, match=name):
        _net(**kw)


def test_unknown_cell_type_and_parameter():
    with pytest.raises(ValueError, match="IF_cond_exp"):
        CellType("IF_cond_exp", {})
    with pytest.raises(ValueError, match="tau_syn_E"):
        IF_curr_delta(tau_syn_E=5.0)
    with pytest.raises(ValueError, match="rate"):
        Network().population(3, SpikeSourcePoisson(rate=-1.0))
    with pytest.raises(ValueError, match="spike_times"):
        Network().population(1, SpikeSourceArray([0.0, 1.0]))


@pytest.mark.parametrize("delay,msg", [(0.05, "must be >= the time step"), (0.15, "whole multiple"),
                                       (-1.0, "delay")])
def test_bad_delay_raises_before_simulation(delay, msg):
    net, a = _net()
    with pytest.raises(ValueError, match=msg if delay > 0 else "delay"):
        net.projection(a, a, FixedNumberPreConnector(2), StaticSynapse(0.1, delay))
        simulate(net, 10.0, dt=0.1)


def test_bad_delay_in_list_and_errors_name_parameter_without_numba_traceback():
    net, a = _net()
    net.projection(a, a, FromListConnector([(0, 1, 0.5, 0.03)]))
    with pytest.raises(ValueError) as e:
        simulate(net, 10.0, dt=0.1)
    assert "delay" in str(e.value) and "0.03" in str(e.value)
    assert "numba" not in "".join(str(t) for t in e.traceback[-1:]).lower()


def test_sign_conventions():
    net, a = _net()
    net.projection(a, a, AllToAllConnector(), StaticSynapse(-0.1, 1.0))  # excitatory by default
    with pytest.raises(ValueError, match="excitatory"):
        net.connectivity(1)
    net2, b = _net()
    net2.projection(b, b, AllToAllConnector(), StaticSynapse(0.1, 1.0), receptor_type="inhibitory")
    with pytest.raises(ValueError, match="inhibitory"):
        net2.connectivity(1)
    net3, c = _net()
    W = np.where(np.eye(10, k=1) > 0, -0.5, 0.0) + np.eye(10, k=-1) * 0.7
    net3.projection(c, c, WeightMatrixConnector(W), StaticSynapse(delay=1.0), receptor_type=None)
    conn = net3.connectivity(1)[0]
    assert len(conn) == 18
    np.testing.assert_allclose(conn.weight, W[conn.pre, conn.post])


def test_connector_errors():
    net = Network()
    a = net.population(10, IF_curr_delta(**P), "A")
    b = net.population(5, IF_curr_delta(**P), "B")
    net.projection(a, b, OneToOneConnector())
    with pytest.raises(ValueError, match="OneToOneConnector"):
        net.connectivity(0)
    with pytest.raises(ValueError, match="FromListConnector"):
        n2 = Network([a, b])
        n2.projection(a, b, FromListConnector([(0, 7)]))
        n2.connectivity(0)
    with pytest.raises(ValueError, match="FixedNumberPreConnector.n"):
        n3 = Network([a, b])
        n3.projection(b, a, FixedNumberPreConnector(6))
        n3.connectivity(0)
    with pytest.raises(ValueError, match="p_connect"):
        FixedProbabilityConnector(1.5)
    with pytest.raises(ValueError, match="cannot receive"):
        src = Network().population(3, SpikeSourcePoisson(rate=5.0))
        Network([a, src]).projection(a, src, OneToOneConnector())


def test_connectivity_reproducible_and_fixed_indegree():
    net = Network()
    a = net.population(50, IF_curr_delta(**P), "A")
    b = net.population(30, IF_curr_delta(**P), "B")
    net.projection(a, b, FixedNumberPreConnector(7), StaticSynapse(0.2, 1.0))
    net.projection(b, b, FixedNumberPreConnector(4, allow_self_connections=False), StaticSynapse(-0.4, 1.0),
                   receptor_type="inhibitory")
    net.projection(a, a, FixedProbabilityConnector(0.1), StaticSynapse(0.1, 2.0))
    net.projection(b, a, ArrayConnector(np.eye(30, 50, dtype=bool)), StaticSynapse(0.3, 1.0))
    c1, c2, c3 = net.connectivity(5), net.connectivity(5), net.connectivity(6)
    for x, y in zip(c1, c2):
        np.testing.assert_array_equal(x.pre, y.pre)
        np.testing.assert_array_equal(x.post, y.post)
    assert not np.array_equal(c1[0].pre, c3[0].pre)
    np.testing.assert_array_equal(np.bincount(c1[0].post, minlength=30), 7)
    np.testing.assert_array_equal(np.bincount(c1[1].post, minlength=30), 4)
    assert np.all(c1[1].pre != c1[1].post)
    for j in range(30):
        assert np.unique(c1[0].pre[c1[0].post == j]).size == 7
    assert len(c1[3]) == 30
    # expected number of FixedProbability connections: 2500 * 0.1 = 250, sd 15
    assert abs(len(c1[2]) - 250) < 5 * 15


def test_to_neo_and_statistics():
    net = Network()
    a = net.population(20, IF_curr_delta(**P, i_offset=3.0), "A", record=("spikes", "v"))
    res = simulate(net, 100.0, seed=1)
    blk = res.to_neo()
    seg = blk.segments[0]
    assert len(seg.spiketrains) == 20 and len(seg.analogsignals) == 1
    assert sum(len(s) for s in seg.spiketrains) == res["A"].times.size
    rate, sem = res.rate("A", t_start=20.0)
    assert rate > 0 and sem >= 0
    cv, cv_sem, n = res.cv_isi("A")
    assert n == 20 and cv < 0.05  # regular DC firing
    assert a.size == 20
