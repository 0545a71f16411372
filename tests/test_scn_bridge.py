"""The spiking check of threshold-linear networks (validation.scn_bridge)."""
import numpy as np
import pytest

from recnet.validation.scn.bridge import scn_for_tln, spiking_check, tln_fixed_point


def _random_tln(n, seed):
    g = np.random.default_rng(seed)
    A = g.standard_normal((n, n)) / np.sqrt(n)
    W = -0.6 * (A @ A.T)
    np.fill_diagonal(W, 0.0)
    W *= 0.9 / max(1.0, np.max(np.linalg.eigvalsh(W)) + 0.1)
    b = g.standard_normal(n) + 0.5
    return W, b


def test_fixed_point_is_a_tln_fixed_point():
    W, b = _random_tln(8, 1)
    x = tln_fixed_point(W, b)
    np.testing.assert_allclose(x, np.maximum(W @ x + b, 0.0), atol=1e-10)


@pytest.mark.parametrize("n,seed", [(2, 0), (6, 1), (12, 2)])
def test_spiking_rates_match_tln(n, seed):
    W, b = _random_tln(n, seed)
    res = spiking_check(W, b, spikes_per_unit=40.0, tau=20.0, t_sim=2000.0)
    assert res.all_agree, (res.x_tln, res.x_sim, res.stderr, res.bias_bound)
    # the check is not vacuous: a 10% wrong prediction on the largest unit is rejected
    i = int(np.argmax(res.x_tln))
    assert abs(res.x_sim[i] - 1.1 * res.x_tln[i]) > 3 * res.stderr[i] + res.bias_bound[i]
    # rate mapping: Hz = 1000 s x / tau
    np.testing.assert_allclose(res.rates_pred_hz, 1000 * 40.0 * res.x_tln / 20.0)
    np.testing.assert_allclose(res.rates_hz / (1000 * 40.0 / 20.0), res.x_sim, atol=3 / 40.0 + 1e-9)


def test_bias_bound_shrinks_with_spike_size():
    W, b = _random_tln(4, 5)
    e = []
    for s in (10.0, 80.0):
        res = spiking_check(W, b, spikes_per_unit=s, tau=20.0, t_sim=1500.0)
        assert res.all_agree
        e.append(res.bias_bound.max())
    assert e[1] == pytest.approx(e[0] / 8.0)


def test_bad_tln_raises_naming_w():
    with pytest.raises(ValueError, match="W"):
        spiking_check(np.array([[0.0, 2.0], [2.0, 0.0]]), np.ones(2))      # I - W indefinite
    with pytest.raises(ValueError, match="W is not symmetric"):
        spiking_check(np.array([[0.0, 0.2], [-0.2, 0.0]]), np.ones(2))
    with pytest.raises(ValueError, match="b"):
        spiking_check(np.zeros((2, 2)), np.ones(3))
    with pytest.raises(ValueError, match="spikes_per_unit"):
        scn_for_tln(np.zeros((2, 2)), np.ones(2), spikes_per_unit=0)
