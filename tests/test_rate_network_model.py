"""The ``rate-network`` model family: loading from TOML/YAML/dict/arrays and named field errors."""
import numpy as np
import pytest

from recnet.checks import ParameterError
from recnet.models.rate_network import RateNetwork, from_matrix, load_rate_network


def _write(path, text):
    path.write_text(text)
    return path


def test_toml_with_npy_weights_relative_to_the_file(tmp_path):
    W = np.random.default_rng(0).standard_normal((5, 5))
    sub = tmp_path / "net"
    sub.mkdir()
    np.save(sub / "w.npy", W)
    f = _write(sub / "m.toml", 'model = "rate-network"\nW = "w.npy"\ntau = "20 ms"\ni0 = [0.1, 0.2, 0.3, 0.4, 0.5]\n')
    m = load_rate_network(str(f))
    assert isinstance(m, RateNetwork) and m.explicit and m.size == 5
    assert np.array_equal(m.coupling(), W) and m.tau == 20.0
    assert np.array_equal(m.inputs(), [0.1, 0.2, 0.3, 0.4, 0.5])
    assert m.to_dict()["W_source"] == "w.npy"


@pytest.mark.parametrize("ext", ["npz", "csv"])
def test_npz_and_csv_weights(tmp_path, ext):
    W = np.arange(9.0).reshape(3, 3) / 10
    if ext == "npz":
        np.savez(tmp_path / "w.npz", W=W, other=np.zeros(2))
    else:
        np.savetxt(tmp_path / "w.csv", W, delimiter=",")
    f = _write(tmp_path / "m.yaml", f"model: rate-network\nW: w.{ext}\nphi: tanh\n")
    assert np.allclose(load_rate_network(str(f)).coupling(), W)


def test_ensemble_draw_statistics_and_lowrank():
    # W = J0/N + g z/sqrt(N) + m n^T / N: sample mean and variance of the draw against the ensemble
    # (N^2 = 640000 entries: the sample mean's sd is g/N = 2.5e-3, the variance's relative sd 0.2 %)
    m = load_rate_network({"model": "rate-network", "n": 800, "g": 2.0, "j0": 4.0, "seed": 3})
    W = m.coupling()
    n = 800
    assert abs(W.mean() * n - 4.0) < 4 * 2.0 / n * n
    assert W.var() * n == pytest.approx(4.0, rel=4 * np.sqrt(2.0 / n ** 2))
    assert np.array_equal(W, m.coupling())                       # the model's seed fixes the draw
    lr = load_rate_network({"model": "rate-network", "n": 400, "g": 0.0,
                            "lowrank": {"m_mean": 1.0, "n_mean": 2.0, "m_std": 0.5, "n_std": 1.0, "mn_corr": 0.6}})
    mv, nv = lr.lowrank_vectors(1)
    Wl = lr.coupling(1)
    sv = np.linalg.svd(Wl, compute_uv=False)
    assert sv[1] < 1e-12 * sv[0]                                 # g = 0: the rank-one part only
    # m.n/N -> M_m M_n + Sigma_mn = 2 + 0.3; sd of the mean of m_i n_i over 400 units ~ 0.12 (0.4: 3.4 sd)
    assert np.trace(Wl) == pytest.approx(2.3, abs=0.4)
    assert np.corrcoef(mv, nv)[0, 1] == pytest.approx(0.6, abs=4 * (1 - 0.36) / np.sqrt(400))


def test_populations_block_gains():
    m = load_rate_network({"model": "rate-network", "n": 300, "populations": [{"name": "E", "size": 200},
                                                                              {"name": "I", "size": 100}],
                           "g": [[1.0, 0.0], [0.0, 3.0]], "j0": 0.0, "seed": 0})
    W = m.coupling()
    assert np.all(W[:200, 200:] == 0) and np.all(W[200:, :200] == 0)
    assert W[200:, 200:].std() * np.sqrt(300) == pytest.approx(3.0, rel=0.02)   # 10^4 entries: sd 0.7 %


def test_python_objects():
    W = np.eye(3) * 0.5
    m = load_rate_network(W)
    assert m.explicit and np.array_equal(m.coupling(), W)
    assert from_matrix(W, phi="erf", i0=0.2).phi == "erf"
    assert load_rate_network(m) is m
    assert m.replace(tau=5.0).tau == 5.0


@pytest.mark.parametrize("data,field", [
    ({"W": [[1.0, 2.0], [3.0, float("nan")]]}, "W[1,1]"),
    ({"W": [[1.0, 2.0, 3.0]]}, "W"),
    ({"n": 10, "phi": "not a function("}, "phi"),
    ({"n": 10, "tau": "3 mV"}, "tau"),
    ({"n": 10, "tau": -1.0}, "tau"),
    ({"n": 10, "bogus": 1}, "bogus"),
    ({"g": 2.0}, "n"),
    ({"n": 10, "g": -1.0}, "g"),
    ({"n": 10, "populations": [{"name": "E", "size": 4}, {"name": "I", "size": 4}]}, "populations"),
    ({"n": 10, "populations": [{"size": 0}]}, "populations[0].size"),
    ({"n": 10, "lowrank": {"m_mean": 1.0, "mn_corr": 2.0}}, "lowrank.mn_corr"),
    ({"n": 4, "lowrank": {"m": [1, 2, 3, 4]}}, "lowrank.n"),
    ({"n": 4, "i0": [1.0, 2.0]}, "i0"),
    ({"W": [[0.0]], "g": 1.0}, "g"),
    ({"W": "missing.npy"}, "W"),
])
def test_field_errors_name_the_field(data, field):
    with pytest.raises(ParameterError) as e:
        load_rate_network(dict(model="rate-network", **data))
    assert e.value.name == field
