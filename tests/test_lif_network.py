"""The lif-network model family and subject (issue 12): model files -> every self-consistent state.

Oracles: ``solve_rates`` on arrays written out by hand in the test (not by the model's
conversion), a brute-force scan of the rate map with Brent refinement (explicit I rate), NNMT's
``lif.delta.firing_rates`` on the microcircuit, and pint-free unit arithmetic done by hand.
"""
from __future__ import annotations

import json
import warnings

import numpy as np
import pytest

from conftest import requires_nest, requires_spinnaker
from recnet.checks import ParameterError
from recnet.cli import main
from recnet.models import load
from recnet.models.lif_network import LIFNetwork, brunel_model
from recnet.numerics.lif_meanfield import solve_rates
from recnet.numerics.siegert import siegert

THREE_POP = """
model = "lif-network"
name = "three-pop"
synapse = "delta"

[[population]]
name = "E"
size = 400
tau_m = "20 ms"
v_thresh = 20.0
v_reset = 10.0
v_rest = 0.0
tau_refrac = 2.0

[[population]]
name = "I"
size = 100
tau_m = "0.01 s"
v_thresh = "18 mV"
v_reset = 8.0
v_rest = -1.0
tau_refrac = 1.0

[[population]]
name = "S"
size = 150
tau_m = 15.0
v_thresh = 22.0
v_reset = 5.0
v_rest = 2.0
tau_refrac = 3.0

[[projection]]
pre = "E"
post = "E"
indegree = 100
weight = 0.2
delay = 1.5

[[projection]]
pre = "I"
post = "E"
indegree = 25
weight = -1.0
delay = 1.0

[[projection]]
pre = "E"
post = "I"
probability = 0.2
weight = 0.3
delay = "1.5 ms"

[[projection]]
pre = "I"
post = "I"
indegree = 20
weight = -0.8
delay = 1.0

[[projection]]
pre = "S"
post = "E"
indegree = 30
weight = 0.15
delay = 2.0

[[projection]]
pre = "E"
post = "S"
indegree = 50
weight = 0.1
delay = 2.0

[[projection]]
pre = "I"
post = "S"
indegree = 10
weight = -0.5
delay = 2.0

[[drive]]
post = "E"
rate = 10.0
indegree = 800
weight = 0.2

[[drive]]
post = "E"
rate = "5 Hz"
indegree = 200
weight = -0.3

[[drive]]
post = "I"
rate = 12.0
indegree = 600
weight = 0.25

[[drive]]
post = "I"
rate = 4.0
indegree = 100
weight = -0.2

[[drive]]
post = "S"
rate = 8.0
indegree = 900
weight = 0.22

[[drive]]
post = "S"
rate = 20.0
indegree = 50
weight = 0.1
"""


def three_pop_arrays():
    """The THREE_POP network written out by hand (entry [a, b]: from b to a; E, I, S)."""
    K = np.array([[100.0, 25.0, 30.0], [0.2 * 400, 20.0, 0.0], [50.0, 10.0, 0.0]])
    J = np.array([[0.2, -1.0, 0.15], [0.3, -0.8, 0.0], [0.1, -0.5, 0.0]])
    nu_ext = np.array([[800 * 10.0, 200 * 5.0], [600 * 12.0, 100 * 4.0], [900 * 8.0, 50 * 20.0]])
    j_ext = np.array([[0.2, -0.3], [0.25, -0.2], [0.22, 0.1]])
    kw = dict(tau_m=[20.0, 10.0, 15.0], v_thresh=[20.0, 18.0, 22.0], v_reset=[10.0, 8.0, 5.0],
              v_rest=[0.0, -1.0, 2.0], tau_refrac=[2.0, 1.0, 3.0])
    return K, J, nu_ext, j_ext, kw


# A 2-population network with strong E-E recurrence and no I-I coupling: the I rate is an
# explicit function of the E rate, so the states are the roots of a 1-D function of nu_E.  The I
# neurons are fast (tau_m = 2 ms) so that the high state is not destabilised by the E-I loop of
# the rate dynamics (with tau_m,I = 10 ms it is: trace of the Jacobian > 0).
TWO_POP = """
model = "lif-network"
name = "bistable"

[[population]]
name = "E"
size = 2000
tau_m = 20.0
v_thresh = 20.0
v_reset = 10.0
v_rest = 0.0
tau_refrac = 2.0

[[population]]
name = "I"
size = 500
tau_m = 2.0
v_thresh = 20.0
v_reset = 10.0
v_rest = 0.0
tau_refrac = 1.0

[[projection]]
pre = "E"
post = "E"
indegree = 400
weight = 0.2
delay = 1.5

[[projection]]
pre = "I"
post = "E"
indegree = 200
weight = -0.4
delay = 1.5

[[projection]]
pre = "E"
post = "I"
indegree = 400
weight = 0.1
delay = 1.5

[[drive]]
post = "E"
rate = 10.0
indegree = 800
weight = 0.1

[[drive]]
post = "I"
rate = 10.0
indegree = 500
weight = 0.1
"""


def _two_pop_phi(nu_e, nu_i):
    """(phi_E, phi_I) of TWO_POP at rates (nu_E, nu_I), written out by hand (tau_m in s)."""
    mu_i = 2e-3 * (400 * 0.1 * nu_e + 5000 * 0.1)
    s_i = np.sqrt(2e-3 * (400 * 0.01 * nu_e + 5000 * 0.01))
    mu_e = 20e-3 * (400 * 0.2 * nu_e - 200 * 0.4 * nu_i + 8000 * 0.1)
    s_e = np.sqrt(20e-3 * (400 * 0.04 * nu_e + 200 * 0.16 * nu_i + 8000 * 0.01))
    return (siegert(mu_e, s_e, tau_m=20.0, v_thresh=20.0, v_reset=10.0, tau_refrac=2.0),
            siegert(mu_i, s_i, tau_m=2.0, v_thresh=20.0, v_reset=10.0, tau_refrac=1.0))


def _two_pop_gap(nu_e):
    """phi_E(nu_E, phi_I(nu_E)) - nu_E (no I-I coupling: nu_I = phi_I(nu_E) explicitly)."""
    nu_i = _two_pop_phi(nu_e, 0.0)[1]
    return _two_pop_phi(nu_e, nu_i)[0] - nu_e, nu_i


def _two_pop_stable(nu_e, nu_i):
    """Linear stability of tau dnu/dt = -nu + phi(nu) at a state, Jacobian by central differences."""
    x = np.array([nu_e, nu_i])
    jac = np.empty((2, 2))
    for b in range(2):
        h = 1e-6 * max(1.0, x[b])
        up, dn = x.copy(), x.copy()
        up[b] += h
        dn[b] = max(dn[b] - h, 0.0)
        jac[:, b] = (np.array(_two_pop_phi(*up)) - np.array(_two_pop_phi(*dn))) / (up[b] - dn[b])
    ev = np.linalg.eigvals((jac - np.eye(2)) / np.array([[20.0], [2.0]]))
    return bool(np.max(ev.real) < 0)


def _write(tmp_path, text, name="net.toml"):
    p = tmp_path / name
    p.write_text(text)
    return p


def _cli_json(capsys, *args):
    assert main(["predict", "lif-network", *args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_three_population_file_equals_solve_rates_by_hand(tmp_path, capsys):
    path = _write(tmp_path, THREE_POP)
    out = _cli_json(capsys, "--model", str(path))
    K, J, nu_ext, j_ext, kw = three_pop_arrays()
    ref = solve_rates(K, J, nu_ext, j_ext, search="full", **kw)
    assert out["n_states"] == ref["n_solutions"] >= 1
    for st, rs in zip(out["states"], ref["solutions"]):
        got = np.array([st["rate_hz"][n] for n in ("E", "I", "S")])
        np.testing.assert_allclose(got, rs["rates_hz"], rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose([st["mu_mv"][n] for n in "EIS"], rs["mu_mv"], rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose([st["sigma_mv"][n] for n in "EIS"], rs["sigma_mv"], rtol=1e-10)
        assert st["stable"] == rs["stable"]
    if ref["rates_hz"] is not None:
        assert out["stable_state"] == "unique"
        np.testing.assert_allclose([out["rate_hz"][n] for n in "EIS"], ref["rates_hz"], rtol=1e-10)
    assert out["config"]["model"]["population"][1]["tau_m"] == 10.0    # "0.01 s"
    assert out["config"]["model"]["source"] == str(path)


def test_two_population_file_has_three_states_middle_unstable(tmp_path, capsys):
    from scipy.optimize import brentq

    # brute-force oracle: sign changes of the 1-D gap on a fine grid, refined by Brent
    grid = np.concatenate([[0.0], np.geomspace(1e-6, 499.0, 20000)])
    g, _ = _two_pop_gap(grid)
    idx = np.nonzero(np.sign(g[:-1]) != np.sign(g[1:]))[0]
    roots = [brentq(lambda x: float(_two_pop_gap(x)[0]), grid[i], grid[i + 1], xtol=1e-15, rtol=1e-14)
             for i in idx]
    assert len(roots) == 3
    path = _write(tmp_path, TWO_POP)
    out = _cli_json(capsys, "--model", str(path))
    assert out["n_states"] == 3 and out["n_stable"] == 2
    assert [s["stable"] for s in out["states"]] == [True, False, True]
    assert "rate_hz" not in out and out["stable_state"].startswith("several stable states")
    assert out["not_computed"]["rate_hz"].startswith("no unique stable state")
    assert any("stable" in w for w in out["warnings"])
    for st, r in zip(out["states"], roots):
        assert st["rate_hz"]["E"] == pytest.approx(r, rel=1e-9, abs=1e-12)
        assert st["rate_hz"]["I"] == pytest.approx(float(_two_pop_gap(r)[1]), rel=1e-8, abs=1e-12)
        assert st["stable"] == _two_pop_stable(r, float(_two_pop_gap(r)[1]))
    # the same states through solve_rates on arrays written by hand
    ref = solve_rates([[400, 200], [400, 0]], [[0.2, -0.4], [0.1, 0.0]], [[8000.0], [5000.0]], [[0.1], [0.1]],
                      tau_m=[20.0, 2.0], v_thresh=20.0, v_reset=10.0, tau_refrac=[2.0, 1.0], search="full")
    assert ref["n_solutions"] == 3
    for st, rs in zip(out["states"], ref["solutions"]):
        np.testing.assert_allclose([st["rate_hz"]["E"], st["rate_hz"]["I"]], rs["rates_hz"], rtol=1e-10, atol=1e-12)
        assert st["stable"] == rs["stable"]


def test_potjans2014_delta_equals_nnmt(capsys):
    nnmt = pytest.importorskip("nnmt")
    out = _cli_json(capsys, "--model", "potjans2014-delta")
    m = load("potjans2014-delta")
    a = m.to_arrays()
    # NNMT's delta-synapse rate solver (relaxation dynamics) on the same parameters, SI units
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = nnmt.lif.delta._firing_rates(
            J=a["weight"] * 1e-3, K=a["indegree"], V_0_rel=0.0, V_th_rel=15e-3, tau_m=10e-3, tau_r=2e-3,
            J_ext=a["j_ext"][:, 0] * 1e-3, K_ext=np.array([d.indegree for d in m.drives]), nu_ext=8.0,
            eps_tol=1e-13)   # tightened from 1e-7 so that the comparison can reach 1e-8
    got = np.array([out["rate_hz"][n] for n in m.names])
    np.testing.assert_allclose(got, ref, rtol=1e-8)
    assert out["n_states"] >= 1 and out["stable_state"] == "unique"


def test_units_strings_and_wrong_dimension(tmp_path):
    m = load(_write(tmp_path, THREE_POP))
    assert m.populations[1].tau_m == pytest.approx(10.0) and m.populations[1].v_thresh == 18.0
    bad = THREE_POP.replace('tau_m = "0.01 s"', 'tau_m = "10 mV"')
    with pytest.raises(ParameterError) as e:
        load(_write(tmp_path, bad, "bad.toml"))
    assert e.value.name == "population[1].tau_m"
    d = brunel_model().to_dict()
    d["population"][0]["v_thresh"] = "0.02 V"
    assert load(d).populations[0].v_thresh == pytest.approx(20.0)
    d["projection"][1]["weight"] = "-0.5 ms"
    with pytest.raises(ParameterError) as e:
        load(d)
    assert e.value.name == "projection[1].weight"


@pytest.mark.parametrize("edit,name", [
    (lambda d: d["population"][1].update(tau_m=-1.0), "population[1].tau_m"),
    (lambda d: d["population"][0].update(v_reset=25.0), "population[0].v_reset"),
    (lambda d: d["population"][0].update(cm=0.25), "population[0].cm"),
    (lambda d: d["population"][0].update(colour="red"), "population[0].colour"),
    (lambda d: d["projection"][0].update(pre="X"), "projection[0].pre"),
    (lambda d: d["projection"][0].update(probability=0.1), "projection[0].indegree"),
    (lambda d: d["projection"][2].update(delay=0.0), "projection[2].delay"),
    (lambda d: d["drive"][1].update(rate=-1.0), "drive[1].rate"),
    (lambda d: d.update(synapse="exp"), "population[0].cm"),     # exp needs cm, tau_syn_E, tau_syn_I
    (lambda d: d.update(synapse="alpha"), "synapse"),
    (lambda d: d.update(neurons=3), "neurons"),
])
def test_bad_fields_are_named_by_path(edit, name):
    d = brunel_model().to_dict()
    edit(d)
    with pytest.raises(ParameterError) as e:
        load(d)
    assert e.value.name == name
    if name == "synapse":
        assert "'delta'" in str(e.value) and "'exp'" in str(e.value)


def test_yaml_equals_toml(tmp_path):
    import tomllib

    import yaml

    data = tomllib.loads(THREE_POP)
    (tmp_path / "net.yaml").write_text(yaml.safe_dump(data))
    a = load(_write(tmp_path, THREE_POP))
    b = load(tmp_path / "net.yaml")
    assert a.to_dict() == b.to_dict()


def test_connectivity_table_and_from_arrays_equal_projection_tables(tmp_path):
    m = brunel_model()
    K = np.array([[1000, 250], [1000, 250]])
    W = np.array([[0.1, -0.5], [0.1, -0.5]])
    np.save(tmp_path / "K.npy", K)
    text = (tmp_path / "x.toml")
    toml = open(__import__("recnet.models", fromlist=["DATA"]).DATA / "brunel2000-a-vr0.toml").read()
    head, _, _ = toml.partition("[[projection]]")
    drives = "[[drive]]" + toml.split("[[drive]]", 1)[1]
    text.write_text(head + '[connectivity]\nindegree = "K.npy"\nweight = [[0.1, -0.5], [0.1, -0.5]]\ndelay = 1.5\n\n'
                    + drives)
    a = load(text)
    b = load("brunel2000-a-vr0")
    assert a.to_arrays()["indegree"].tolist() == b.to_arrays()["indegree"].tolist() == m.to_arrays()["indegree"].tolist()
    c = LIFNetwork.from_arrays(["E", "I"], [10000, 2500], K, W, 1.5, drive_rate=[[20.0], [20.0]],
                               drive_indegree=1000, drive_weight=0.1, v_reset=0.0)
    for k, v in b.to_arrays().items():
        np.testing.assert_array_equal(c.to_arrays()[k], v)


def test_overrides_change_the_result_and_are_refused_when_invalid(capsys):
    base = _cli_json(capsys)
    assert base["rate_hz"]["E"] == pytest.approx(32.0331145, rel=1e-7)    # = `recnet predict brunel`
    fast = _cli_json(capsys, "--tau-m", "15")
    assert fast["config"]["model"]["population"][1]["tau_m"] == 15.0
    assert fast["rate_hz"]["E"] != base["rate_hz"]["E"]
    assert main(["predict", "lif-network", "--v-reset", "25"]) == 2
    assert "v_reset" in capsys.readouterr().err


def test_brunel_is_the_lif_network_shortcut(capsys):
    assert main(["predict", "brunel", "--g", "5", "--eta", "2", "--v-reset", "10", "--json"]) == 0
    b = json.loads(capsys.readouterr().out)
    n = _cli_json(capsys, "--model", "brunel2000-a")
    assert b["rate_hz"] == n["rate_hz"]["E"] == n["rate_hz"]["I"]
    assert b["config"]["model"]["population"] == n["config"]["model"]["population"]


def test_brunel_bad_inputs_from_issue_13(capsys):
    for args, name in ((["--gamma", "1e308"], "gamma"), (["--g", "1e308"], "g")):
        assert main(["predict", "brunel", *args]) == 2
        err = capsys.readouterr().err
        assert f"{name} = " in err or name in err
        assert "Traceback" not in err
    assert main(["predict", "brunel", "--tau-refrac", "0", "--g", "3", "--eta", "4", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["solutions"] == [] and "run away" in out["stable_state"]
    assert any("run away" in w for w in out["warnings"])


def test_models_command_lists_shipped_models(capsys):
    assert main(["models", "--json"]) == 0
    rows = {r["name"]: r for r in json.loads(capsys.readouterr().out)}
    assert {"brunel2000-a", "brunel2000-a-vr0", "potjans2014-delta"} <= set(rows)
    assert all(r["reference"] and r["summary"] for r in rows.values())
    assert all(rows[n]["family"] == "lif-network" for n in ("brunel2000-a", "brunel2000-a-vr0", "potjans2014-delta"))
    assert load("brunel2000-a").populations[0].v_reset == 10.0
    assert load("brunel2000-a-vr0").populations[0].v_reset == 0.0


TINY = """
model = "lif-network"
[[population]]
name = "E"
size = 200
tau_m = 20.0
v_thresh = 20.0
v_reset = 10.0
tau_refrac = 2.0
[[population]]
name = "I"
size = 50
tau_m = 20.0
v_thresh = 20.0
v_reset = 10.0
tau_refrac = 2.0
[[projection]]
pre = "E"
post = "E"
indegree = 40
weight = 0.2
delay = 1.5
[[projection]]
pre = "I"
post = "E"
indegree = 10
weight = -1.0
delay = 1.5
[[projection]]
pre = "E"
post = "I"
indegree = 40
weight = 0.2
delay = 1.5
[[projection]]
pre = "I"
post = "I"
indegree = 10
weight = -1.0
delay = 1.5
[[drive]]
post = "E"
rate = 20.0
indegree = 500
weight = 0.2
[[drive]]
post = "I"
rate = 20.0
indegree = 500
weight = 0.2
"""


@pytest.mark.slow
def test_quick_validate_numba_records_config_and_spikes(tmp_path):
    from recnet.registry import get_subject

    path = _write(tmp_path, TINY)
    res = get_subject("lif-network").validate(backend="numba", quick=True, seed=3, model=str(path), t_sim=400.0,
                                              t_warmup=100.0)
    assert res.config["model"]["source"] == str(path) and res.config["t_sim"] == 400.0
    # quick: f = min(4, 200/40, 50/10) = 4 -> sizes 50 and 12 (rounded), in-degrees kept
    assert res.config["quick_scaling"]["factor"] == 4.0
    assert res.config["simulated_sizes"] == {"E": 50, "I": 12}
    assert set(res.data["spikes"]) == {"E", "I"} and len(res.data["spikes"]["E"]) == 50
    assert {c.quantity for c in res.comparisons} >= {"rate_e_hz", "rate_i_hz"}
    res2 = get_subject("lif-network").validate(backend="numba", quick=True, seed=3, model=str(path), t_sim=400.0,
                                               t_warmup=100.0)
    a, b = res.to_dict(), res2.to_dict()
    a.pop("timing"), b.pop("timing")
    assert a == b


@requires_nest
@pytest.mark.nest
@pytest.mark.slow
def test_quick_validate_nest_smoke(tmp_path):
    from recnet.registry import get_subject

    res = get_subject("lif-network").validate(backend="nest", quick=True, seed=3, model=str(_write(tmp_path, TINY)),
                                              t_sim=300.0, t_warmup=100.0)
    assert res.backend == "nest" and len(res.data["spikes"]["E"]) == 50
    assert sum(len(t) for t in res.data["spikes"]["E"]) > 0
    assert res.config["simulated_sizes"] == {"E": 50, "I": 12}


@requires_spinnaker
@pytest.mark.spinnaker
@pytest.mark.slow
def test_quick_validate_spinnaker_maps_the_model(tmp_path):
    from recnet.registry import get_subject

    res = get_subject("lif-network").validate(backend="spinnaker", quick=True, seed=3,
                                              model=str(_write(tmp_path, TINY)), t_sim=100.0, t_warmup=0.0)
    assert res.backend == "spinnaker"
    assert [c.quantity for c in res.comparisons] == ["mapped"] and res.agree


def test_quick_refuses_a_model_it_cannot_shrink(capsys):
    # the microcircuit's in-degrees (up to 496 from L5I, 1065 neurons) allow sizes / 2.15 only,
    # which leaves 1.4e8 synapses: quick says so instead of running a huge network
    assert main(["validate", "lif-network", "--model", "potjans2014-delta", "--quick"]) == 2
    err = capsys.readouterr().err
    assert "quick" in err and "synapses" in err and "Traceback" not in err


DRIVES_ONLY = """
model = "lif-network"
[[population]]
name = "A"
size = 300
tau_m = 20.0
v_thresh = 20.0
v_reset = 10.0
tau_refrac = 2.0
[[population]]
name = "B"
size = 300
tau_m = 10.0
v_thresh = 15.0
v_reset = 0.0
v_rest = -2.0
tau_refrac = 1.0
[[drive]]
post = "A"
rate = 10.0
indegree = 1200
weight = 0.1
[[drive]]
post = "A"
rate = 5.0
indegree = 400
weight = -0.1
[[drive]]
post = "B"
rate = 30.0
indegree = 800
weight = 0.1
[[drive]]
post = "B"
rate = 10.0
indegree = 300
weight = -0.2
"""


@pytest.mark.slow
def test_drives_only_network_fires_at_the_siegert_rate(tmp_path):
    """No recurrence: every neuron is an independent LIF driven by two Poisson inputs (one
    inhibitory).  Checks the model -> simulation wiring (rates, signs, heterogeneous neurons):
    rates within 3 batch-means stderr + 3 % (the stated shot-noise error at J = 0.1 mV) of the
    Siegert rate computed here by hand."""
    from recnet.registry import get_subject

    mu_a, var_a = 20e-3 * (12000 * 0.1 - 2000 * 0.1), 20e-3 * (12000 * 0.01 + 2000 * 0.01)
    mu_b, var_b = 10e-3 * (24000 * 0.1 - 3000 * 0.2), 10e-3 * (24000 * 0.01 + 3000 * 0.04)
    want = {"a": siegert(mu_a, np.sqrt(var_a), tau_m=20.0, v_thresh=20.0, v_reset=10.0, tau_refrac=2.0),
            "b": siegert(mu_b, np.sqrt(var_b), tau_m=10.0, v_thresh=15.0, v_reset=0.0, v_rest=-2.0, tau_refrac=1.0)}
    res = get_subject("lif-network").validate(backend="numba", seed=5, model=str(_write(tmp_path, DRIVES_ONLY)),
                                              t_sim=1000.0, t_warmup=100.0)
    by = {c.quantity: c for c in res.comparisons}
    for k in ("a", "b"):
        assert by[f"rate_{k}_hz"].predicted == pytest.approx(float(want[k]), rel=1e-10)
        assert by[f"rate_{k}_hz"].agree, by[f"rate_{k}_hz"]
