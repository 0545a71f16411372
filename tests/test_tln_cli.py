"""The ``tln`` subject on the command line: acceptance graphs through ``predict --json``."""
import json

import numpy as np
import pytest

from recnet.cli import main


def _predict(capsys, *args):
    assert main(["predict", "tln", "--json", *args]) == 0
    return json.loads(capsys.readouterr().out)


def test_three_cycle(capsys):
    out = _predict(capsys, "--graph", "1>2,2>3,3>1")
    assert [s["neurons"] for s in out["supports"]] == [[1, 2, 3]]
    assert out["supports"][0]["stable"] is False and out["supports"][0]["index"] == 1
    assert out["index_sum"] == 1 and out["code"]["convex"] == "convex"


def test_k3_and_exact_cross_check(capsys):
    out = _predict(capsys, "--graph", "1<>2,2<>3,1<>3", "--exact")
    assert [s["neurons"] for s in out["supports"]] == [[1, 2, 3]]
    assert out["supports"][0]["stable"] is True
    assert out["supports"][0]["x"] == pytest.approx([0.4, 0.4, 0.4], rel=1e-14)
    assert out["exact_supports_agree"] is True


def test_empty_graph_all_seven(capsys):
    out = _predict(capsys, "--graph", "empty", "--n", "3")
    assert len(out["supports"]) == 7 and out["n_stable"] == 3


def test_weights_file_and_inputs(capsys, tmp_path):
    W = np.array([[0.0, -2.0], [-2.0, 0.0]])
    f = tmp_path / "w.csv"
    np.savetxt(f, W, delimiter=",")
    out = _predict(capsys, "--weights", str(f), "--b", "1,1")
    assert [s["neurons"] for s in out["supports"]] == [[1], [2], [1, 2]]
    np.save(tmp_path / "w.npy", W)
    out2 = _predict(capsys, "--weights", str(tmp_path / "w.npy"), "--b", "1")
    assert out2["supports"] == out["supports"]


@pytest.mark.parametrize("args,word", [
    (["--epsilon", "0.4"], "epsilon"),
    (["--delta", "-1"], "delta"),
    (["--graph", "1>1"], "self-loops"),
    (["--graph", "1-2"], "graph edge"),
    (["--weights", "/no/such/file.csv", "--b", "1"], "weights"),
])
def test_bad_input_is_named(capsys, args, word):
    assert main(["predict", "tln", *args]) == 2
    err = capsys.readouterr().err
    assert word in err and "Traceback" not in err


def test_graph_from_graphml_gml_and_networkx(tmp_path):
    import networkx as nx

    from recnet.theory.tln import ctln as ctln
    g = nx.DiGraph([(i, i % 11 + 1) for i in range(1, 12)])  # 11-cycle: labels '10', '11' sort numerically
    nx.write_graphml(g, tmp_path / "g.graphml")
    nx.write_gml(g, tmp_path / "g.gml")
    want = ctln.parse_graph(",".join(f"{i}>{i % 11 + 1}" for i in range(1, 12)))
    for spec in (str(tmp_path / "g.graphml"), str(tmp_path / "g.gml"), g):
        assert (ctln.parse_graph(spec) == want).all()
    (tmp_path / "bad.graphml").write_text("<not graphml")
    import pytest
    with pytest.raises(ValueError, match="cannot be read"):
        ctln.parse_graph(str(tmp_path / "bad.graphml"))
    with pytest.raises(ValueError, match="self-loops"):
        ctln.adjacency(nx.DiGraph([(1, 1)]))


def test_dale_block_matches_linear_programming_oracle(capsys, tmp_path):
    """--weights with a Dale matrix reports its excitatory code; the oracle decides every support by an LP."""
    from recnet.numerics.tln import dale_networks as dale_networks

    rng = np.random.default_rng(7)
    for trial in range(5):
        types = ["E", "E", "E", "I", "I"]
        mag = rng.uniform(0.1, 2.0, (5, 5)) * (rng.random((5, 5)) < 0.6)
        np.fill_diagonal(mag, 0.0)
        for j in range(5):               # an all-zero column would read as excitatory
            if not mag[:, j].any():
                mag[(j + 1) % 5, j] = 1.0
        W = mag * np.array([1.0 if t == "E" else -1.0 for t in types])[None, :]
        f = tmp_path / f"w{trial}.txt"
        np.savetxt(f, W)                      # whitespace-separated
        out = _predict(capsys, "--weights", str(f), "--b", "1")
        lp = dale_networks.excitatory_code_lp(W, types)
        assert out["dale"]["neuron_types"] == types
        assert out["dale"]["excitatory_code"] == [[i + 1 for i in c] for c in lp]
    f = tmp_path / "mixed.txt"
    W = np.array([[0.0, 0.4, -0.2], [0.3, 0.0, 0.1], [0.2, -0.5, 0.0]])  # column 2: +0.4 and -0.5
    np.savetxt(f, W, delimiter=",")
    d = _predict(capsys, "--weights", str(f), "--b", "1")["dale"]   # said in words, never None
    assert d["dale_network"] is False and "both signs" in d["reason"]
