"""Export of spike-coding networks to PyNN's vocabulary, NEST and the SpiNNaker virtual board."""
import numpy as np
import pytest

from conftest import requires_nest, requires_spinnaker
from recnet.numerics.scn import network as scn
from recnet.numerics.scn import qp as scn_qp
from recnet.validation.scn import export as ex
from recnet.validation.scn.validate import random_decoder


def _net(seed=1, k=2, n=20, mu=0.0002, tau=100.0):
    g = np.random.default_rng(seed)
    D = random_decoder(k, n, decoder_norm=0.01, seed=g)
    x = g.standard_normal(k)
    return scn.build(D, mu=mu, tau=tau), x / np.linalg.norm(x), D, mu


def test_mapping_to_if_curr_delta():
    net, x, D, mu = _net()
    nw, meta = ex.to_network(net, x, dt=0.1)
    s = meta["v_scale_mv"]
    p = nw.populations[0].celltype.parameters
    np.testing.assert_allclose(p["v_thresh"], s * net.T)
    np.testing.assert_allclose(p["v_thresh"] - p["v_reset"], s * (np.sum(D * D, 0) + mu))
    # R i_offset = tau_m / cm * i_offset must equal s D^T x
    np.testing.assert_allclose(p["tau_m"] / p["cm"] * p["i_offset"], s * D.T @ x)
    W = nw.projections[0].connector.W
    np.testing.assert_allclose(W, -s * (D.T @ D - np.diag(np.diag(D.T @ D))))
    assert nw.projections[0].synapse.delay == pytest.approx(0.1)


def test_export_rejects_what_pynn_cannot_express():
    D = random_decoder(2, 6, seed=0)
    lin = scn.build(D, A=-0.01 * np.eye(2))
    with pytest.raises(ValueError, match="slow"):
        ex.to_network(lin, np.ones(2))
    with pytest.raises(ValueError, match="delay"):
        ex.to_network(scn.build(D), np.ones(2), dt=0.1, delay=0.15)


def test_same_mode_reference_matches_qp():
    """recnet's kernel in PyNN's mode (synchronous, delay = dt, absolute reset): rates still
    within the finite-spike bias bound of the QP (delays of one step cost little here)."""
    net, x, D, mu = _net()
    r, sem = ex.equivalent_reference(net, x, dt=0.1, t_sim=2000.0, t_warm=300.0)
    rq = scn_qp.rates(D, x, mu=mu)
    b = scn_qp.finite_spike_bias_bound(D.T @ D + mu * np.eye(net.n), rq, net.reset)
    assert np.all(np.abs(r - rq) <= 3 * sem + b + 1e-12)


@requires_nest
@pytest.mark.nest
def test_nest_rates_match_qp():
    net, x, D, mu = _net()
    out = ex.run(net, x, backend="nest", dt=0.1, t_sim=2000.0, t_warm=300.0)
    rq = scn_qp.rates(D, x, mu=mu)
    b = scn_qp.finite_spike_bias_bound(D.T @ D + mu * np.eye(net.n), rq, net.reset)
    assert out["n_spikes"] > 500
    assert np.all(np.abs(out["r_mean"] - rq) <= 3 * out["r_sem"] + b + 1e-12)


@requires_spinnaker
@pytest.mark.spinnaker
def test_spinnaker_virtual_board_maps(tmp_path):
    net, x, D, mu = _net(n=30)
    nw, meta = ex.to_network(net, x, dt=0.1)
    from recnet.validation.simulators.simulate import simulate

    res = simulate(nw, 50.0, backend="spinnaker", dt=0.1, workdir=str(tmp_path))
    assert res.info["virtual"] and res.info["cores"] >= 1 and res.info["n_neurons"] == 30
