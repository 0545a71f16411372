"""The ``lyapunov`` subject through the command line."""
import json

import pytest

from recnet.cli import main


@pytest.mark.parametrize("model", ["rate", "theta", "lif", "all"])
def test_predict_json_has_headline_keys(model, capsys):
    assert main(["predict", "lyapunov", "--model", model, "--json"]) == 0
    obj = json.loads(capsys.readouterr().out)
    unit = "per_s" if model in ("theta", "lif") else "per_tau"
    for key in (f"exponents_{unit}", f"entropy_rate_{unit}", "ky_dimension"):
        # a number, or absent with the reason in words (the chaotic rate and the theta spectra have no closed form)
        assert (key in obj) != (key in obj.get("not_computed", {}))
        if key not in obj:
            assert "validate lyapunov" in obj["not_computed"][key]


def _nones(obj, path=""):
    if isinstance(obj, dict):
        return [p for k, v in obj.items() for p in _nones(v, f"{path}.{k}")]
    if isinstance(obj, list):
        return [p for i, v in enumerate(obj) for p in _nones(v, f"{path}[{i}]")]
    return [path] if obj is None else []


@pytest.mark.parametrize("model", ["rate", "theta", "lif", "all"])
def test_predict_says_what_it_did_not_compute(model, capsys):
    # issue 13: `predict lyapunov` (no options) printed exponents, entropy rate and dimension as None
    assert main(["predict", "lyapunov", "--model", model, "--json"]) == 0
    obj = json.loads(capsys.readouterr().out)
    values = {k: v for k, v in obj.items() if k != "config"}
    assert _nones(values) == []
    if model in ("rate", "all"):
        rate = obj if model == "rate" else obj["rate"]
        # g = 2 > 1: the chaotic branch, lambda_max only with --dmft
        assert "--dmft" in rate["not_computed"]["lambda_max_per_tau"]


def test_predict_subcritical_spectrum(capsys):
    assert main(["predict", "lyapunov", "--model", "rate", "--g", "0.5", "--n", "100", "--json"]) == 0
    obj = json.loads(capsys.readouterr().out)
    lam = obj["exponents_per_tau"]
    assert len(lam) == 100 and lam == sorted(lam, reverse=True)
    # quantiles of the closed-form law: the flow's largest exponent tends to g - 1 = -0.5
    assert obj["lambda_max_flow_per_tau"] == -0.5 and obj["exponents_flow_per_tau"][0] < -0.5
    assert obj["entropy_rate_per_tau"] == 0 and obj["ky_dimension"] == 0


def test_lif_prediction_is_stable(capsys):
    assert main(["predict", "lyapunov", "--model", "lif", "--json"]) == 0
    obj = json.loads(capsys.readouterr().out)
    assert obj["entropy_rate_per_s"] == 0.0 and obj["lambda_max_per_s"] == 0.0


@pytest.mark.parametrize("argv,needle", [
    (["--model", "rate", "--n", "10", "--m", "11"], "m = 11"),
    (["--model", "rate", "--dt", "1.5"], "dt = 1.5"),
    (["--model", "theta", "--n", "10", "--k", "10"], "k = 10"),
    (["--tau-m", "-1"], "tau_m"),
    (["--model", "theta", "--rate", "1e308"], "rate"),
    (["--model", "rate", "--k", "30"], "k = 30"),
    (["--t-sim", "nan"], "t_sim"),
])
def test_bad_input(argv, needle, capsys):
    assert main(["predict", "lyapunov", *argv]) == 2
    err = capsys.readouterr().err
    assert needle in err and "Traceback" not in err


@pytest.mark.slow
@pytest.mark.parametrize("model", ["theta", "lif"])
def test_validate_quick_spiking(model, capsys):
    assert main(["validate", "lyapunov", "--model", model, "--quick", "--json"]) == 0
    obj = json.loads(capsys.readouterr().out)
    assert obj["agree"] and len(obj["comparisons"]) >= 3
