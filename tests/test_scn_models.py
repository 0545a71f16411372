"""Model family ``scn`` (issue 12): loading from TOML, YAML, dicts, Python objects and data files,
and the subject's use of it (predict and validate take the user's network or refuse)."""
import json

import numpy as np
import pytest

from recnet import models, registry
from recnet.checks import ParameterError
from recnet.models.scn import SCNModel, Signal
from recnet.numerics.scn import qp as scn_qp

D3 = np.array([[0.1, 0.0, -0.1, 0.05], [0.0, 0.1, -0.1, 0.08]])


def _toml(path, decoder_line, extra=""):
    path.write_text(f'model = "scn"\nname = "mine"\ntau = "10 ms"\nmu = 0.002\n{decoder_line}\n{extra}'
                    '[signal]\nkind = "constant"\nx = [0.4, -0.2]\n')
    return path


def test_shipped_tracker_loads_with_summary_and_reference():
    listed = dict(models.list_models())
    assert "boerlin2013-tracker" in listed
    assert "Boerlin" in listed["boerlin2013-tracker"]["reference"] and listed["boerlin2013-tracker"]["summary"]
    m = models.load("boerlin2013-tracker", family="scn")
    assert (m.k, m.n, m.tau, m.mu) == (2, 20, 20.0, 0.001)
    assert m.signal.kind == "sinusoid" and m.signal.time_varying
    np.testing.assert_allclose(m.signal.frequency, [4.0, 2.5])      # "4 Hz" strings converted by pint
    np.testing.assert_allclose(np.linalg.norm(m.decoder, axis=0), 0.1, atol=1e-4)


@pytest.mark.parametrize("kind", ["inline", "npy", "npz", "csv"])
def test_decoder_inline_or_from_a_file_next_to_the_model(tmp_path, kind):
    if kind == "inline":
        line = f"decoder = {json.dumps(D3.tolist())}"
    elif kind == "npy":
        np.save(tmp_path / "D.npy", D3)
        line = 'decoder = "D.npy"'
    elif kind == "npz":
        np.savez(tmp_path / "net.npz", D=D3, other=np.zeros(3))
        line = 'decoder = {file = "net.npz", key = "D"}'
    else:
        np.savetxt(tmp_path / "D.csv", D3, delimiter=",")
        line = 'decoder = "D.csv"'
    m = models.load(str(_toml(tmp_path / "m.toml", line)))
    np.testing.assert_array_equal(m.decoder, D3)
    assert m.tau == 10.0 and m.name == "mine"


def test_yaml_dict_and_python_object_give_the_same_model(tmp_path):
    (tmp_path / "m.yaml").write_text("model: scn\nname: mine\ntau: 10 ms\nmu: 0.002\ndecoder: "
                                     + json.dumps(D3.tolist()) + "\nsignal: {kind: constant, x: [0.4, -0.2]}\n")
    a = models.load(str(tmp_path / "m.yaml"))
    b = models.load({"model": "scn", "name": "mine", "tau": 10.0, "mu": 0.002, "decoder": D3,
                     "signal": {"kind": "constant", "x": np.array([0.4, -0.2])}})
    c = SCNModel(decoder=D3, signal=Signal("constant", x=[0.4, -0.2]), tau=10.0, mu=0.002, name="mine")
    assert a.to_dict() == b.to_dict() == c.to_dict()


@pytest.mark.parametrize("field,value,named", [
    ("tau", "10 mV", "tau"), ("mu", -1.0, "mu"), ("thresholds", [0.1, 0.1], "thresholds"),
    ("colour", "red", "colour"), ("decoder", [[0.1, float("nan")]], "decoder"),
    ("signal", {"kind": "constant", "x": [1.0]}, "signal.x"), ("signal", {"kind": "spiral"}, "signal.kind"),
    ("signal", {"kind": "sinusoid", "frequency": "3 ms"}, "signal.frequency"),
    ("signal", {"kind": "constant", "x": [1.0, 2.0], "A": [[0.0]]}, "signal.A"),
    ("signal", {"kind": "linear", "x0": [0, 0]}, "signal.A"),
])
def test_bad_fields_are_refused_by_name(field, value, named):
    data = {"model": "scn", "decoder": D3.tolist(), "signal": {"kind": "constant", "x": [0.4, -0.2]}}
    data[field] = value
    with pytest.raises(ParameterError) as e:
        models.load(data)
    assert e.value.name == named


def test_missing_data_file_is_named(tmp_path):
    with pytest.raises(ParameterError) as e:
        models.load(str(_toml(tmp_path / "m.toml", 'decoder = "nowhere.npy"')))
    assert e.value.name == "decoder"


# ------------------------------------------------------------------------------- the subject
SCN = registry.get_subject("scn")
CONST = {"model": "scn", "name": "const", "decoder": D3.tolist(), "tau": 10.0, "mu": 0.002,
         "signal": {"kind": "constant", "x": [0.4, -0.2]}}


def test_predict_uses_the_model_and_matches_an_independent_qp_solver():
    res = SCN.predict(model=CONST)
    assert res.config["model"]["name"] == "const" and res.config["n"] == 4 and res.config["tau"] == 10.0
    G = D3.T @ D3 + 0.002 * np.eye(4)
    r = scn_qp.generic_qp(G, D3.T @ np.array([0.4, -0.2]))      # L-BFGS-B, not the active-set solver
    np.testing.assert_allclose(res["rates_hz"], 1000 * r / 10.0, rtol=1e-5, atol=1e-6)


def test_custom_thresholds_and_nu_enter_the_rate_problem():
    """Thresholds T replace (|D_i|^2 + mu + nu)/2: the QP's linear term is the mid-point
    t = T - (|D_i|^2 + mu)/2 (independent L-BFGS-B solve); nu alone gives t = nu/2."""
    T = np.array([0.01, 0.02, 0.015, 0.012])
    x = np.array([0.4, -0.2])
    G = D3.T @ D3 + 0.002 * np.eye(4)
    res = SCN.predict(model=dict(CONST, thresholds=T.tolist()))
    np.testing.assert_allclose(res["thresholds"], T)
    t = T - 0.5 * (np.sum(D3 ** 2, axis=0) + 0.002)
    np.testing.assert_allclose(res["rates_hz"], 100 * scn_qp.generic_qp(G, D3.T @ x - t), rtol=1e-5, atol=1e-6)
    res = SCN.predict(model=CONST, nu=0.004)
    np.testing.assert_allclose(res["rates_hz"], 100 * scn_qp.generic_qp(G, D3.T @ x - 0.002), rtol=1e-5, atol=1e-6)


def test_options_override_the_model_or_are_refused():
    res = SCN.predict(model=CONST, mu=0.01, tau=20.0)
    assert res.config["mu"] == 0.01 and res.config["tau"] == 20.0
    assert res.config["model"]["mu"] == 0.01
    for opt, val in (("n", 7), ("k", 3), ("decoder_seed", 3), ("x_norm", 2.0), ("decoder_norm", 0.1)):
        with pytest.raises(ParameterError) as e:
            SCN.predict(model=CONST, **{opt: val})
        assert e.value.name == opt
    assert SCN.predict(model=CONST, n=4, k=2).config["n"] == 4     # agreeing values are fine


def test_random_network_follows_k_and_n():
    res = SCN.predict(n=7, k=3)
    assert (res["k"], res["n"], len(res["rates_hz"]), len(res["x"])) == (3, 7, 7, 3)


def test_huge_network_is_refused_with_the_estimate():
    for opt in ("n", "k"):
        with pytest.raises(ParameterError) as e:
            SCN.predict(**{opt: 10 ** 9})
        assert e.value.name == opt and "GB" in str(e.value)


def test_linear_dynamics_stationary_state_closed_form():
    """x* = -A^{-1} c for diagonal A (closed form), rates from the complementarity problem, which
    for a symmetric M = mu I - tau D^T A D is the QP min 1/2 r^T M r + q^T r (independent solver)."""
    A = np.diag([-0.02, -0.05])
    c = np.array([0.01, -0.02])
    model = dict(CONST, signal={"kind": "linear", "A": A.tolist(), "offset": c.tolist(), "x0": [0.0, 0.0]})
    res = SCN.predict(model=model)
    np.testing.assert_allclose(res["x"], [0.5, -0.4], rtol=1e-12)
    M = 0.002 * np.eye(4) - 10.0 * D3.T @ A @ D3
    q = -10.0 * D3.T @ c
    r = scn_qp.generic_qp(M, -q)
    np.testing.assert_allclose(res["rates_hz"], 1000 * r / 10.0, rtol=1e-5, atol=1e-6)
    assert res["kkt_residual"] < 1e-10


def test_unstable_linear_dynamics_say_so_in_words():
    model = dict(CONST, signal={"kind": "linear", "A": [[0.01, 0.0], [0.0, -0.05]], "offset": [0.01, 0.0]})
    res = SCN.predict(model=model)
    assert "no stationary state" in res["stationary_state"] and "rates_hz" not in res
    assert any("no stationary state" in w for w in res.warnings)


def test_linear_periodic_steady_state_against_an_ode_solver():
    """The sinusoidally driven linear system's steady state (closed form in scn_model) vs solve_ivp."""
    from scipy.integrate import solve_ivp

    from recnet.validation.scn import model as scn_model

    A = np.array([[-0.02, 0.05], [-0.05, -0.02]])
    sig = {"kind": "linear", "A": A.tolist(), "offset": [0.01, 0.0], "amplitude": [0.02, 0.01],
           "frequency": [5.0, 2.0], "phase": [0.3, 0.0]}
    m = models.load(dict(CONST, signal=sig))
    s = m.signal
    t_end = 2000.0                                           # 40 decay times of A: transients gone
    sol = solve_ivp(lambda t, x: A @ x + s.wave([t])[0], (0, t_end + 500.0), [0.0, 0.0], rtol=1e-10,
                    atol=1e-12, dense_output=True)
    t = np.linspace(t_end, t_end + 500.0, 50)
    np.testing.assert_allclose(scn_model.signal_samples(m, t), sol.sol(t).T, atol=1e-7)


def test_time_varying_signal_predicts_quasi_static_rates():
    res = SCN.predict(model="boerlin2013-tracker")
    assert res["window_ms"] == pytest.approx(400.0) and any("quasi-static" in w for w in res.warnings)
    m = models.load("boerlin2013-tracker")
    t = np.arange(64) * 400.0 / 64
    X = m.signal.wave(t)
    G = m.decoder.T @ m.decoder + m.mu * np.eye(m.n)
    R = np.array([scn_qp.generic_qp(G, m.decoder.T @ x) for x in X])
    np.testing.assert_allclose(res["rates_hz"], 1000 * R.mean(axis=0) / m.tau, atol=1e-3)


def test_validate_refuses_a_time_varying_signal_before_simulating():
    with pytest.raises(ParameterError) as e:
        SCN.validate(model="boerlin2013-tracker", quick=True)
    assert e.value.name == "model" and "not implemented yet" in str(e.value)


@pytest.mark.slow
def test_validate_n7_k3_validates_that_network(capsys):
    """Issue 12 acceptance: `recnet validate scn --quick --n 7 --k 3 --json`."""
    from recnet.cli import main

    assert main(["validate", "scn", "--quick", "--n", "7", "--k", "3", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    res = out[0] if isinstance(out, list) else out
    assert res["config"]["n"] == 7 and res["config"]["k"] == 3
    rates = [c for c in res["comparisons"] if c["quantity"].startswith("rate_")]
    assert rates and all(c["quantity"].startswith("rate_k3_n7_") for c in rates)
    # the same network as `predict scn --n 7 --k 3`: its predicted rates appear in the comparisons
    pred = SCN.predict(n=7, k=3)["rates_hz"]
    for c in rates:
        i = int(c["quantity"].split("neuron")[1].split("_")[0])
        assert c["predicted"] == pytest.approx(pred[i], rel=1e-9)
    assert res["agree"]


@pytest.mark.slow
def test_validate_model_records_config_and_spikes():
    res = SCN.validate(model=CONST, quick=True, t_sim=1000.0)
    assert res.config["model"]["name"] == "const" and res.config["t_sim"] == 1000.0
    trains = res.data["spikes"]["scn"]
    assert len(trains) == 4 and all(np.all((t > 0) & (t <= 1000.0)) for t in trains)
    block = res.to_neo()
    assert len(block.segments[0].spiketrains) == 4
    assert res.agree, [c.quantity for c in res.comparisons if not c.agree]


@pytest.mark.slow
def test_validate_linear_dynamics_against_the_complementarity_rates():
    """The SCN implementing dx/dt = A x + c settles at the LCP rates (3 stderr + finite-spike bound)."""
    from recnet.validation.scn.validate import random_decoder

    D = random_decoder(2, 20, decoder_norm=0.05, seed=1)
    model = {"model": "scn", "name": "lin", "decoder": D, "tau": 20.0, "mu": 0.002,
             "signal": {"kind": "linear", "A": [[-0.02, 0.0], [0.0, -0.05]], "x0": [0.0, 0.0],
                        "offset": [0.01, -0.02]}}
    res = SCN.validate(model=model, quick=True)
    assert res.agree, [(c.quantity, c.predicted, c.simulated) for c in res.comparisons if not c.agree]
