"""Issue 12: `lowrank` and `dmft-driven` take the user's rate-network model (`--model`).

The model's ensemble fields must reach the theory exactly as the equivalent options do (same
numbers), the resolved model must be recorded in ``config["model"]``, and a model the theory
cannot describe must be refused naming ``model`` with the reason.
"""
import json

import pytest

import recnet
from recnet.checks import ParameterError

LOWRANK_TOML = """
model = "rate-network"
name = "my-rank-one"
phi = "tanh"
tau = "20 ms"
n = 800
g = 0.8
[lowrank]
m_mean = 1.5
n_mean = 1.8
m_std = 1.0
n_std = 1.0
mn_corr = 0.0
"""


def _write(tmp_path, text, name="net.toml"):
    p = tmp_path / name
    p.write_text(text)
    return p


def test_lowrank_model_file_equals_the_same_options(tmp_path):
    s = recnet.subject("lowrank")
    path = _write(tmp_path, LOWRANK_TOML)
    a = s.predict(model=str(path))
    b = s.predict(g=0.8, m_mean=1.5, n_mean=1.8)
    assert a["kappa"] == b["kappa"] and a["delta0"] == b["delta0"]
    assert a.config["g"] == 0.8 and a.config["m_mean"] == 1.5 and a.config["n_mean"] == 1.8
    assert a.config["model"]["name"] == "my-rank-one" and a.config["model"]["source"] == str(path)
    assert any("N -> infinity" in w for w in a.warnings)
    # an option set away from its default overrides the model's field, with a warning
    c = s.predict(model=str(path), g=0.6)
    assert c.config["g"] == 0.6 and c["kappa"] == s.predict(g=0.6, m_mean=1.5, n_mean=1.8)["kappa"]
    assert any("overrides the model's g" in w for w in c.warnings)


def test_driven_model_equals_the_same_options():
    s = recnet.subject("dmft-driven")
    a = s.predict(model="rajan2010-tanh", critical=False)
    b = s.predict(g=1.5, tau=10.0, critical=False)
    assert a["lambda_max_per_tau"] == b["lambda_max_per_tau"]
    assert a.config["g"] == 1.5 and a.config["model"]["name"] == "rajan2010-tanh"
    c = s.predict(model="rajan2010-tanh", tau=20.0, critical=False)     # tau of the model overridden
    assert c["lambda_max_per_s"] == pytest.approx(c["lambda_max_per_tau"] / 20.0 * 1e3)


@pytest.mark.parametrize("subject,text,why", [
    ("lowrank", 'model = "rate-network"\nn = 50\ng = 1.0\n', "no [lowrank] part"),
    ("lowrank", 'model = "rate-network"\nn = 50\ng = 1.0\nj0 = 2.0\n[lowrank]\nm_mean = 1.0\nn_mean = 1.0\n',
     "j0 = 2"),
    ("dmft-driven", 'model = "rate-network"\nn = 50\ng = 1.0\n[lowrank]\nm_mean = 1.0\nn_mean = 1.0\n',
     "low-rank part"),
    ("dmft-driven", 'model = "rate-network"\nW = [[0.0, 1.0], [1.0, 0.0]]\n', "explicit matrix"),
    ("dmft-driven", 'model = "rate-network"\nn = 50\ng = 1.0\ni0 = 0.5\n', "i0"),
])
def test_models_the_theory_cannot_describe_are_refused(tmp_path, subject, text, why):
    path = _write(tmp_path, text)
    with pytest.raises(ParameterError) as e:
        recnet.subject(subject).predict(model=str(path))
    assert e.value.name == "model" and why in str(e.value)


def test_cli_lowrank_model_json(tmp_path, capsys):
    from recnet.cli import main
    path = _write(tmp_path, LOWRANK_TOML)
    assert main(["predict", "lowrank", "--model", str(path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["config"]["model"]["lowrank"]["n_mean"] == 1.8 and out["config"]["n_mean"] == 1.8
    assert main(["predict", "dmft-driven", "--model", "scs1988_g3", "--no-critical", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["config"]["g"] == 3.0 and out["config"]["model"]["source"] == "scs1988_g3"
