"""Spiking E-I network in the supralinear (noise-driven) regime vs its Siegert mean field.

Oracles: the Siegert rate at 30 digits (mpmath) for the self-consistency of the mean field; direct
spiking simulation (numba and NEST) with batch-means standard errors; the stated 10% systematic
error of the diffusion approximation for finite PSPs.
"""
import numpy as np
import pytest

from recnet.validation import ssn_spiking as sp
from recnet.validation.ssn import SPIKING_DELTA_I, SPIKING_DRIVES, validate_rate


def test_meanfield_is_self_consistent_at_high_precision():
    from recnet.numerics.siegert import siegert_mpmath
    p = dict(sp.DEFAULTS)
    for mu in SPIKING_DRIVES:
        ext = [mu, 0.9 * mu]
        mf = sp.meanfield(mu_ext=ext)
        m, s = sp._mu_sigma(mf["rates_hz"], p, ext)
        for a, tm in enumerate((p["tau_m_e"], p["tau_m_i"])):
            nu = float(siegert_mpmath(m[a], s[a], tm, p["tau_refrac"], p["v_thresh"], p["v_reset"], 0.0))
            np.testing.assert_allclose(mf["rates_hz"][a], nu, rtol=1e-8)


def test_meanfield_isn_boundary_and_paradoxical_sign():
    """Weak drive: not ISN, dnu_I/dmu_I > 0; strong drive: ISN and paradoxical (ISN <=> paradoxical)."""
    weak = sp.meanfield(mu_ext=[SPIKING_DRIVES[0], 0.9 * SPIKING_DRIVES[0]])
    strong = sp.meanfield(mu_ext=[SPIKING_DRIVES[1], 0.9 * SPIKING_DRIVES[1]])
    assert weak["stable"] and strong["stable"]
    assert not weak["isn"] and not weak["paradoxical"] and weak["dnu_i_dmu_ext_i"] > 0
    assert strong["isn"] and strong["paradoxical"] and strong["dnu_i_dmu_ext_i"] < 0
    # scan: the sign of dnu_I/dmu_I flips exactly where w_EE crosses 1
    for mu in np.linspace(12, 17, 6):
        m = sp.meanfield(mu_ext=[mu, 0.9 * mu])
        assert m["isn"] == m["paradoxical"], mu


def test_spiking_network_description():
    net = sp.build_network(n_exc=800)
    assert [p.label for p in net.neurons] == ["E", "I"]
    assert net["E"].size == 800 and net["I"].size == 200
    with pytest.raises(ValueError, match="Dale"):
        sp.meanfield(dict(J_ei=0.1))
    with pytest.raises(ValueError, match="n_exc"):
        sp.build_network(n_exc=300)


def test_rate_validation_agrees():
    comps, _ = validate_rate()
    bad = [c.quantity for c in comps if not c.agree]
    assert not bad, bad


@pytest.mark.slow
def test_spiking_rates_and_paradoxical_response(spiking_backend):
    """Strong drive (ISN): rates and the paradoxical sign; the weak (non-ISN) side is checked by
    ``recnet validate ssn`` on both backends (kept out of the test budget)."""
    mu = SPIKING_DRIVES[1]
    base = np.array([mu, 0.9 * mu])
    pert = base + [0.0, SPIKING_DELTA_I]
    mf0, mf1 = sp.meanfield(mu_ext=base), sp.meanfield(mu_ext=pert)
    (e0, se0), (i0, si0), _ = sp.run(None, base, 800, 500.0, 200.0, spiking_backend, 11)
    (e1, se1), (i1, si1), _ = sp.run(None, pert, 800, 500.0, 200.0, spiking_backend, 12)
    # 10%: diffusion approximation for finite PSPs and the 0.1 ms grid (stated systematic error)
    assert abs(e0 - mf0["rates_hz"][0]) <= 3 * se0 + 0.1 * mf0["rates_hz"][0]
    assert abs(i0 - mf0["rates_hz"][1]) <= 3 * si0 + 0.1 * mf0["rates_hz"][1]
    d, dse = i1 - i0, np.hypot(si0, si1)
    assert abs(d) > 3 * dse                               # resolved
    assert np.sign(d) == np.sign(mf1["rates_hz"][1] - mf0["rates_hz"][1])
    assert (d < 0) == mf0["paradoxical"] == mf0["isn"]


def test_meanfield_matches_multi_population_siegert_solver():
    """Cross-check with recnet.numerics.lif_meanfield.solve_rates (an independent implementation)."""
    from recnet.numerics.lif_meanfield import solve_rates
    p = dict(sp.DEFAULTS)
    K = np.array([[p["K_ee"], p["K_ei"]], [p["K_ie"], p["K_ii"]]], float)
    J = np.array([[p["J_ee"], p["J_ei"]], [p["J_ie"], p["J_ii"]]], float)
    for mu in SPIKING_DRIVES:
        ext = np.array([mu, 0.9 * mu])
        rp, rm = sp.external_rates(ext, p)
        out = solve_rates(K, J, np.column_stack([rp, rm]), np.array([[p["J_ext"], -p["J_ext"]]] * 2),
                          tau_m=np.array([p["tau_m_e"], p["tau_m_i"]]), v_thresh=p["v_thresh"],
                          v_reset=p["v_reset"], tau_refrac=p["tau_refrac"])
        np.testing.assert_allclose(out["rates_hz"], sp.meanfield(mu_ext=ext)["rates_hz"], rtol=1e-7)
