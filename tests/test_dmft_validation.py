"""DMFT against direct simulation (small networks; the full check is `recnet validate dmft`)."""
import numpy as np
import pytest

from recnet.numerics import dmft as D


@pytest.mark.slow
def test_rate_network_matches_dmft_small():
    from recnet.validation.dmft import validate
    res = validate(gains=(2.0,), n=300, n_networks=4, quick=True, spiking=False, t_meas=30.0)
    assert res.agree, [c.to_dict() for c in res.comparisons]


@pytest.mark.slow
def test_user_phi_end_to_end():
    # a sympy expression through predict and validate (tanh(x) + x/10: g_c = 1/1.1)
    from recnet.validation.dmft import validate
    pred = D.solve_stationary(1.8, phi="tanh(x) + x/10")
    assert pred["chaotic"] and pred["g_c"] == pytest.approx(1 / 1.1)
    res = validate(gains=(1.8,), phi="tanh(x) + x/10", n=300, n_networks=4, quick=True, spiking=False,
                   t_meas=30.0)
    assert res.agree, [c.to_dict() for c in res.comparisons]


@pytest.mark.slow
def test_spiking_counterpart_below_and_above_onset():
    from recnet.validation.poisson_rate_units import validate
    res = validate(quick=True, n=300, n_networks=4)
    assert res.info["g_c"] == pytest.approx(2.5387, abs=1e-3)
    assert res.agree, [c.to_dict() for c in res.comparisons]


def test_spiking_dmft_reduces_to_shot_noise_for_weak_coupling():
    # g -> 0: Delta(tau) -> g^2 <phi> e^{-|tau|}/2 around Delta_inf ~ g^2 <phi>^2 (filtered shot noise)
    g = 0.2
    s = D.solve_spiking(g, tau_max=3.0)
    fluct = s["delta"] - s["delta_inf"]
    expected = g * g * s["rate"] / 2 * np.exp(-s["tau"])
    assert np.max(np.abs(fluct - expected)) < 0.05 * expected[0]
