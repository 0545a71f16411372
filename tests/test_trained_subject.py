"""Subject ``trained-rnn`` (issue 17): CLI and Python, weights files, input conditions, refusals."""
from __future__ import annotations

import json

import numpy as np
import pytest

from recnet import registry
from recnet.checks import ParameterError
from recnet.cli import main

S = registry.get_subject("trained-rnn")


@pytest.fixture
def linear_npz(tmp_path):
    rng = np.random.default_rng(11)
    n, k = 20, 2
    W = 0.5 * rng.standard_normal((n, n)) / np.sqrt(n)
    B = rng.standard_normal((n, k))
    b = rng.standard_normal(n)
    p = tmp_path / "lin.npz"
    np.savez(p, W=W, B=B, b=b)
    return p, W, B, b


def test_weights_file_linear_network_input_condition_exact(linear_npz, capsys):
    """phi = linear: the one fixed point is x* = (I - W)^{-1} (B u + b), eigenvalues eig(W) - 1."""
    p, W, B, b = linear_npz
    u = np.array([0.5, -1.25])
    assert main(["predict", "trained-rnn", "--weights", str(p), "--phi", "linear", "--input", "0.5,-1.25",
                 "--n-init", "8", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["counts"]["stable"] == 1 and len(d["fixed_points"]) == 1
    fp = d["fixed_points"][0]
    xs = np.linalg.solve(np.eye(20) - W, B @ u + b)
    assert np.allclose(fp["x"], xs, atol=1e-12)
    lam = np.array([complex(a, c) for a, c in fp["eigenvalues"]])
    assert np.allclose(np.sort_complex(lam), np.sort_complex(np.linalg.eigvals(W) - 1), atol=1e-12)
    assert fp["stability"] == "stable" and d["input_condition"] == [0.5, -1.25]
    assert d["config"]["network"]["B"]["shape"] == [20, 2]


def test_default_is_the_flipflop_network_with_eight_stable_points():
    r = S.predict(n_init=128)
    assert r["counts"]["stable"] == 8
    assert "8 stable" in r["state"]
    assert r["lowrank"]["singular_values"][0] == pytest.approx(np.linalg.svd(np.load(
        registry.__file__.replace("registry.py", "models/data/flipflop3-tanh64.npz"))["W"], compute_uv=False)[0])


def test_hopfield_model_six_stable_states():
    r = S.predict(model="hopfield3-hadamard64", n_init=128)
    assert r["counts"]["stable"] == 6
    assert r.config["model"]["name"] == "hopfield3-hadamard64"


def test_ring_model_is_marginal_with_one_zero_eigenvalue():
    r = S.predict(model="ring100-tanh", n_init=32)
    ring = [p for p in r["fixed_points"] if p["stability"] == "marginal"]
    assert ring and all(p["n_zero"] == 1 for p in ring)
    assert "continuous attractor of dimension 1" in r["state"]


def test_same_seed_same_json_outside_timing():
    a = S.predict(n_init=32, seed=5).to_dict()
    b = S.predict(n_init=32, seed=5).to_dict()
    a.pop("timing"), b.pop("timing")
    assert json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


@pytest.mark.parametrize("opts,name", [
    (dict(model="hopfield3-hadamard64", weights="x.npz"), "weights"),
    (dict(model="hopfield3-hadamard64", input="1"), "input"),
    (dict(model="rajan2010-tanh"), "model"),
    (dict(weights="nope.npz"), "weights"),
    (dict(weights="w.npy"), "weights"),
    (dict(input="1,2"), "input"),
    (dict(input="a,b,c"), "input"),
    (dict(n_init=0), "n_init"),
    (dict(marginal_tol=0.0), "marginal_tol"),
    (dict(phi="y"), "phi"),
])
def test_bad_options_are_refused_by_name(opts, name):
    with pytest.raises(ParameterError) as e:
        S.predict(**opts)
    assert e.value.name == name


def test_npz_without_W_and_with_bad_B_are_refused(tmp_path):
    p = tmp_path / "a.npz"
    np.savez(p, A=np.eye(3))
    with pytest.raises(ParameterError) as e:
        S.predict(weights=str(p))
    assert e.value.name == "weights" and "W" in e.value.valid
    np.savez(p, W=np.eye(3), B=np.ones((4, 2)))
    with pytest.raises(ParameterError) as e:
        S.predict(weights=str(p))
    assert e.value.name == "weights" and "B" in e.value.valid
    np.savez(p, W=np.array([[np.nan]]))
    with pytest.raises(ParameterError) as e:
        S.predict(weights=str(p))
    assert e.value.name == "weights"


@pytest.mark.slow
def test_validate_hopfield_every_point_reached_or_left_as_linearised():
    res = S.validate(model="hopfield3-hadamard64", quick=True, seed=3)
    assert res.agree
    verdicts = [c for c in res.comparisons if c.kind == "exact"]
    assert len(verdicts) >= 6
    assert sum(c.simulated == "returns" for c in verdicts) == 6
