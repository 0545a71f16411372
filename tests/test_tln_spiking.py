"""E-I LIF realisation of CTLNs (validation.tln_spiking): active sets of the predicted stable fixed points.

Criterion for "active": time-averaged rate / nu0 minus 3 batch-means standard errors > X_OFF = 0.05
(2.5 Hz); nodes predicted off receive net negative input and fire at well below that.
"""
import numpy as np
import pytest

from recnet.theory.tln import ctln as ctln
from recnet.validation.tln import spiking as ts


def test_weights_follow_the_ctln_decomposition():
    w = ts.weights(0.25, 0.5, 1.0)
    p = ts.DEFAULTS
    tau = p["tau_m"] * 1e-3
    kappa = w["kappa_mV"]
    assert np.isclose(kappa, p["nu0"] / w["gain_Hz_per_mV"])
    # the E -> E edge drive per unit x equals kappa (epsilon + delta) mV
    assert np.isclose(tau * p["K_ee"] * w["J_edge_mV"] * p["nu0"], kappa * 0.75)
    # E -> I -> E per unit x: kappa (1 + delta) mV of inhibition
    loop = tau * p["K_ie"] * w["J_ie_mV"] * w["gain_i_Hz_per_mV"] * tau * p["K_ei"] * -w["J_ei_mV"] * p["nu0"]
    assert np.isclose(loop, kappa * 1.5)
    with pytest.raises(ValueError, match="epsilon"):
        ts.weights(0.5, 0.5)
    with pytest.raises(ValueError, match="inhibition"):
        ts.build_network(np.zeros((2, 2), bool), inhibition="global")
    with pytest.raises(ValueError, match="unknown parameter"):
        ts.weights(params={"tau": 1.0})


def test_transfer_fit_is_close_to_threshold_linear():
    g, mu_star, dev = ts.transfer_fit(5.0)
    assert 3.0 < g < 5.0 and 10.0 < mu_star < 16.0
    assert dev < 2.0  # Hz, over 10-60 Hz: the linearisation error of the realisation


def test_meanfield_of_the_spiking_network_is_the_ctln():
    """Siegert mean field of the designed network vs the CTLN fixed points (exact enumeration).

    Tolerance 5%: the systematic error of the threshold-linear fit of the LIF transfer (<= 2 Hz of
    20-50 Hz) and of the activity-dependent noise, which the design fixes at one operating point.
    """
    from recnet.numerics.tln.enumerate import enumerate_ctln
    for g, n in (("1<>2,2<>3,1<>3", 3), ("", 3), ("1<>2,3<>4,1>3", 4)):
        adj = ctln.parse_graph(g, n) if g else np.zeros((n, n), bool)
        for fp in (f for f in enumerate_ctln(adj).fixed_points if f.stable):
            nu_init = np.r_[ts.DEFAULTS["nu0"] * fp.x, np.full(n, ts.DEFAULTS["nu_i0"])]
            x, _ = ts.meanfield(adj, nu_init=nu_init)
            on = list(fp.support)
            np.testing.assert_allclose(x[on], fp.x[on], rtol=0.05)
            assert (np.delete(x, on) < ts.X_OFF).all()


def test_network_description_uses_pynn_vocabulary():
    net = ts.build_network(ctln.parse_graph("1>2,2>3,3>1"))
    labels = [p.label for p in net.neurons]
    assert labels == ["E1", "E2", "E3", "I1", "I2", "I3"]
    assert all(p.celltype.name == "IF_curr_delta" for p in net.neurons)
    inh = [pr for pr in net.projections if pr.pre.label.startswith("I")]
    assert inh and all(pr.receptor_type == "inhibitory" for pr in inh)
    assert ts.build_network(ctln.parse_graph("1>2"), inhibition="shared")["I"].size == ts.DEFAULTS["n_i"]


@pytest.mark.slow
def test_k3_all_active_with_equal_rates():
    # NEST agrees as well (run by hand on the nest backend; over this file's time budget)
    c, info, fig = ts.spiking_check(ctln.parse_graph("1<>2,2<>3,1<>3"), quick=True, seed=5)
    assert all(x.agree for x in c), [x for x in c if not x.agree]
    assert [x.simulated for x in c if x.quantity.startswith("spiking_active_set")] == [[1, 2, 3]]


@pytest.mark.slow
def test_empty_graph_the_stimulated_node_wins():
    c, info, fig = ts.spiking_check(np.zeros((3, 3), bool), quick=True, seed=5, max_supports=1)
    assert {x.quantity: x.simulated for x in c} == {"spiking_active_set_fp_1": [1]}
