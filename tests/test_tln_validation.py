"""Theory vs simulation for TLNs (quick runs): rate simulation finds exactly the predicted stable
fixed points; spiking realisations show the predicted active sets."""
import numpy as np
import pytest

from recnet.theory.tln import ctln as ctln
from recnet.validation.tln import validate as vtln


def _run(graph, n=None, seed=1, spiking=True):
    adj = ctln.parse_graph(graph, n)
    W = ctln.ctln_weights(adj)
    return vtln.validate(W, np.ones(adj.shape[0]), adjacency=adj, quick=True, seed=seed, spiking=spiking)


@pytest.mark.slow
def test_two_target_free_cliques_both_found_and_ei_spiking_agrees():
    r = _run("1<>2,3<>4,1>3")
    assert "E-I LIF" in r.info["spiking_model"]
    assert r.agree, [c for c in r.comparisons if not c.agree]
    by = {c.quantity: c for c in r.comparisons}
    assert by["stable_supports"].predicted == [[1, 2], [3, 4]]


@pytest.mark.slow
def test_three_cycle_limit_cycle_no_convergence():
    r = _run("1>2,2>3,3>1")
    assert r.agree, [c for c in r.comparisons if not c.agree]
    assert r.info["attractor_neurons"] == [[1, 2, 3]]
    by = {c.quantity: c for c in r.comparisons}
    assert by["spiking_no_steady_state"].simulated and by["spiking_sequence_along_edges"].simulated
    assert "tln_spiking" in r.figures


def test_k3_uses_the_spike_coding_bridge():
    r = _run("1<>2,2<>3,1<>3")
    assert r.agree, [c for c in r.comparisons if not c.agree]
    assert "spike-coding" in r.info["spiking_model"]


def test_a_wrong_prediction_would_be_caught():
    """Feed the validation a network whose enumeration we sabotage: the comparison must disagree."""
    from recnet.numerics.tln import enumerate as te
    adj = ctln.parse_graph("1<>2,3<>4,1>3")
    W = ctln.ctln_weights(adj)
    orig = te.enumerate_supports

    def drop_one(*a, **k):
        res = orig(*a, **k)
        res.fixed_points = [fp for fp in res.fixed_points if fp.support != (2, 3)]
        return res

    te.enumerate_supports = drop_one
    try:
        r = vtln.validate(W, np.ones(4), quick=True, seed=2, spiking=False)
    finally:
        te.enumerate_supports = orig
    assert not r.agree

