"""The same network description on numba, NEST (pyNN.nest) and the SpiNNaker virtual board."""
import numpy as np
import pytest

from conftest import requires_nest, requires_spinnaker
from recnet.cli import main
from recnet.validation.brunel import brunel_network
from recnet.validation.simulators.network import (AllToAllConnector, FromListConnector, IF_curr_delta, Network, SpikeSourceArray,
                                       SpikeSourcePoisson, StaticSynapse, WeightMatrixConnector, OneToOneConnector)
from recnet.validation.simulators.simulate import simulate


def deterministic_network():
    """Six neurons with per-neuron parameters, DC input, a mixed-sign explicit weight list with
    delays of 1 to 23 steps, and two spike-array sources. Weights are exactly representable in
    binary, so the order in which simultaneous inputs are summed cannot change a spike."""
    net = Network()
    a = net.population(6, IF_curr_delta(tau_m=np.array([10.0, 20, 15, 20, 30, 12]), cm=0.25, v_rest=-65.0,
                                        v_reset=np.array([-70.0, -65, -68, -66, -70, -69]),
                                        v_thresh=np.array([-50.0, -52, -51, -50, -55, -50]),
                                        tau_refrac=np.array([2.0, 0.5, 1.0, 0.1, 3.0, 2.0]),
                                        i_offset=np.array([0.2, 0.19, 0.25, 0.1, 0.3, 0.22])),
                       "A", initial_values={"v": np.array([-65.0, -60, -55, -65, -70, -52])}, record=("spikes", "v"))
    s = net.population(2, SpikeSourceArray([[5.0, 7.5, 30.0, 31.0], [2.0, 12.3, 50.0]]), "S")
    rng = np.random.default_rng(3)
    conns = [(i, j, float(rng.choice([-4.0, -2.0, 2.0, 4.0, 1.5])), float(rng.choice([0.1, 0.5, 1.0, 2.3])))
             for i in range(6) for j in range(6) if rng.random() < 0.5]
    net.projection(a, a, FromListConnector(conns), receptor_type=None)
    net.projection(s, a, AllToAllConnector(), StaticSynapse(3.0, 1.0))
    return net


@requires_nest
@pytest.mark.nest
@pytest.mark.parametrize("dt", [0.1, 0.05])
def test_numba_and_nest_give_identical_spike_times(dt):
    net = deterministic_network()
    r1 = simulate(net, 200.0, backend="numba", dt=dt, seed=1)
    r2 = simulate(net, 200.0, backend="nest", dt=dt, seed=1)
    for label in ("A", "S"):
        assert r1[label].times.size == r2[label].times.size
        np.testing.assert_array_equal(np.round(r1[label].times / dt), np.round(r2[label].times / dt))
        np.testing.assert_array_equal(r1[label].ids, r2[label].ids)
    assert r1["A"].times.size > 20
    (t1, v1), (t2, v2) = r1.v["A"], r2.v["A"]
    n = min(len(t1), len(t2))
    np.testing.assert_allclose(t1[:n], t2[:n])
    np.testing.assert_allclose(v1[:n], v2[:n], atol=1e-9)  # exact propagators: rounding only


def _small_brunel():
    # C_E = 400, C_I = 100: a balanced network small enough for CI on both simulators
    return brunel_network(n_e=1000, epsilon=0.4, g=5.0, eta=2.0, seed=4)


@requires_nest
@pytest.mark.nest
@pytest.mark.slow
def test_numba_and_nest_agree_statistically_on_the_same_network():
    """Same connectivity, independent Poisson drive: rates and ISI CV differ by less than
    3 combined standard errors (batch means for rates, across neurons for CV)."""
    net = _small_brunel()
    conns = net.connectivity(4)
    t_w, t_end = 200.0, 1200.0
    res = {b: simulate(net, t_end, backend=b, seed=4, connections=conns) for b in ("numba", "nest")}
    for label in ("E", "I"):
        r1, s1 = res["numba"].rate(label, t_w, t_end)
        r2, s2 = res["nest"].rate(label, t_w, t_end)
        assert r1 > 1.0
        assert abs(r1 - r2) <= 3 * np.hypot(s1, s2), (label, r1, s1, r2, s2)
        c1, e1, _ = res["numba"].cv_isi(label, t_w, t_end)
        c2, e2, _ = res["nest"].cv_isi(label, t_w, t_end)
        assert abs(c1 - c2) <= 3 * np.hypot(e1, e2), (label, c1, e1, c2, e2)


@requires_nest
@pytest.mark.nest
def test_nest_native_connectivity_runs():
    net = Network()
    a = net.population(50, IF_curr_delta(v_rest=0.0, v_reset=0.0, v_thresh=20.0, tau_refrac=2.0), "A")
    x = net.population(50, SpikeSourcePoisson(rate=15000.0), "x", record=())
    from recnet.validation.simulators.network import FixedNumberPreConnector
    net.projection(a, a, FixedNumberPreConnector(10), StaticSynapse(-0.5, 1.5), receptor_type="inhibitory")
    net.projection(x, a, OneToOneConnector(), StaticSynapse(0.1, 1.5))
    res = simulate(net, 200.0, backend="nest", seed=3, connectivity="native")
    assert res.info["n_synapses"] >= 50 * 10 + 50
    assert res["A"].times.size > 0


# --------------------------------------------------------------------------------- SpiNNaker
@requires_spinnaker
@pytest.mark.spinnaker
def test_spinnaker_maps_explicit_mixed_sign_network():
    net = Network()
    a = net.population(20, IF_curr_delta(v_rest=0.0, v_reset=np.linspace(0, 5, 20), v_thresh=20.0,
                                        i_offset=np.linspace(0.1, 2.0, 20)), "A")
    W = np.random.default_rng(1).normal(0, 1, (20, 20)) * (np.random.default_rng(2).random((20, 20)) < 0.3)
    net.projection(a, a, WeightMatrixConnector(W), StaticSynapse(delay=0.1), receptor_type=None)
    res = simulate(net, 50.0, backend="spinnaker", dt=0.1, seed=1)
    assert res.info["virtual"] is True
    assert res.info["cores"] >= 2 and res.info["chips"] >= 1
    assert res.info["n_projections_mapped"] == 2  # split by sign
    assert res.populations == {}


@requires_spinnaker
@pytest.mark.spinnaker
def test_spinnaker_limits_are_checked_up_front():
    from recnet.validation.simulators.backend_spinnaker import check_limits

    net = _small_brunel()
    with pytest.raises(ValueError, match="dt = 0.5"):
        simulate(net, 10.0, backend="spinnaker", dt=0.5)
    big = brunel_network(n_e=400000, epsilon=0.001, seed=1)
    with pytest.raises(ValueError, match="500000 neurons"):
        simulate(big, 10.0, backend="spinnaker")
    far = brunel_network(n_e=100, delay=20.0, seed=1)
    with pytest.raises(ValueError, match="144 time steps"):
        simulate(far, 50.0, backend="spinnaker")
    tiny = Network()
    a = tiny.population(3, IF_curr_delta(), "A")
    tiny.projection(a, a, FromListConnector([(0, 1, 2.0, 1.0), (1, 2, 1e-6, 1.0)]))
    with pytest.raises(ValueError, match="16-bit"):
        check_limits(tiny, 0.1, tiny.connectivity(0))


# --------------------------------------------------------------------------------- bad input
@pytest.mark.parametrize("args,name", [
    (["--delay", "0.05"], "delay"), (["--v-reset", "20"], "v_reset"), (["--tau-m", "-1"], "tau_m"),
    (["--epsilon", "1.5"], "epsilon"), (["--delay", "0.15"], "delay"),
])
def test_validate_bad_input_is_a_clear_cli_error(args, name, capsys):
    assert main(["validate", "brunel", "--quick"] + args) == 2
    err = capsys.readouterr().err
    assert name in err and "Traceback" not in err and "numba" not in err.lower()


# ------------------------------------------------------------ SpiNNaker: fixed-point range, work folder
@requires_spinnaker
@pytest.mark.spinnaker
def test_spinnaker_refuses_weights_outside_s16_15_before_mapping(monkeypatch):
    """J = 1e6 mV cannot be an s16.15 accum (range [-65536, 65536)): refused, naming the weight and
    the range, before sPyNNaker is imported for mapping (its setup is never called)."""
    from recnet.checks import ParameterError
    from recnet.validation.simulators import backend_spinnaker as bs

    calls = []
    monkeypatch.setattr(bs, "_workspace", lambda *a, **k: calls.append(a) or (_ for _ in ()).throw(AssertionError))
    net = brunel_network(n_e=200, epsilon=0.1, j=1e6, seed=1)
    with pytest.raises(ParameterError, match=r"weight of projection .* = 1e\+06 mV .*s16\.15.*65536") as exc:
        simulate(net, 10.0, backend="spinnaker")
    assert "weight" in exc.value.name and exc.value.value == 1e6
    assert calls == []
    # just inside the range: the weight passes; the membrane's reach v_thresh + max|w| does not
    near = brunel_network(n_e=200, epsilon=0.1, j=65530.0, g=0.5, seed=1)
    with pytest.raises(ParameterError, match="membrane reach v_thresh"):
        bs.check_limits(near, 0.1, near.connectivity(0))
    ok = brunel_network(n_e=200, epsilon=0.1, j=1000.0, g=5.0, seed=1)
    facts = bs.check_limits(ok, 0.1, ok.connectivity(0))
    assert facts["max_delay_steps"] == bs.MAX_DELAY_STEPS == 144
    assert facts["largest_delay_steps"] == 15  # 1.5 ms at 0.1 ms
    thr = Network()
    thr.population(2, IF_curr_delta(v_thresh=1e5, v_reset=0.0, v_rest=0.0), "A")
    with pytest.raises(ParameterError, match="v_thresh of population A = 100000 mV"):
        bs.check_limits(thr, 0.1, [])


@requires_spinnaker
@pytest.mark.spinnaker
def test_spinnaker_work_folder_is_per_run_and_removed(tmp_path):
    """Each run gets its own folder under the temp dir, removed afterwards unless asked to keep it."""
    import os
    import tempfile

    from recnet.validation.simulators import backend_spinnaker as bs

    seen = []
    with bs._workspace(None, None) as a, bs._workspace(None, None) as b:
        seen += [a, b]
        assert a != b and os.path.isdir(a) and os.path.isdir(b)
        assert os.path.dirname(a) == tempfile.gettempdir()
    assert not any(os.path.exists(p) for p in seen)
    with bs._workspace(None, None, keep=True) as k:
        pass
    assert os.path.isdir(k)
    import shutil
    shutil.rmtree(k)
    named = tmp_path / "work"
    with bs._workspace(named, None) as n:
        pass
    assert os.path.isdir(n)


@requires_spinnaker
@pytest.mark.spinnaker
def test_spinnaker_result_says_it_is_a_mapping_check():
    net = _small_brunel()
    res = simulate(net, 10.0, backend="spinnaker", dt=0.1, seed=1)
    assert "no spikes were run" in res.info["note"]
    assert "placement" in res.info["checked"] and "routing" in res.info["checked"]
    assert res.info["max_delay_steps"] == 144 and res.info["largest_delay_steps"] == 15
    assert res.info["workdir"] is None


@requires_spinnaker
@pytest.mark.spinnaker
def test_cli_brunel_spinnaker_refuses_huge_j():
    """CLI acceptance: refused naming the weight and SpiNNaker's range (exit 2), not mapped."""
    import contextlib
    import io

    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main(["validate", "brunel", "--backend", "spinnaker", "--quick", "--j", "1e6"])
    assert code == 2, err.getvalue()
    assert "weight of projection" in err.getvalue() and "s16.15" in err.getvalue()
