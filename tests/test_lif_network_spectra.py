"""`recnet predict lif-network --spectra` (issue 15, item 4): the transfer functions and population
power spectra of the stable state, for delta and exponential synapses, as the numerics compute
them (the numerics are tested against mpmath and NNMT in test_lif_response / test_lif_spectra)."""
import json

import numpy as np
import pytest

import recnet
from recnet.cli import main


def test_delta_spectra_block_equals_the_numerics_and_peaks_at_the_damped_mode(capsys):
    assert main(["predict", "lif-network", "--model", "brunel2000-a", "--spectra", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    s = d["spectra"]
    f = np.array(s["freqs_hz"])
    assert f[0] == 1.0 and f[-1] == 1000.0 and d["config"]["spectra"] is True
    from recnet.models import load
    from recnet.numerics.lif_stability import power_spectra
    m = load("brunel2000-a")
    a = m.to_arrays()
    st = d["states"][0]
    C = power_spectra(f, a["indegree"], a["weight"], np.full((2, 2), 1.5), m.sizes,
                      rate_hz=[st["rate_hz"][n] for n in m.names], mu_mv=[st["mu_mv"][n] for n in m.names],
                      sigma_mv=[st["sigma_mv"][n] for n in m.names],
                      **{k: a[k] for k in ("tau_m", "tau_refrac", "v_thresh", "v_reset", "v_rest")})
    np.testing.assert_allclose(s["power_spectrum_hz"]["E"], np.real(C[:, 0, 0]), rtol=1e-12)
    # the spectrum's resonance is the damped main mode of the stability analysis (within the 1 Hz grid)
    assert abs(s["peak_hz"]["E"] - d["stability"]["frequency_hz"]) <= 1.0 + 1e-9
    assert d["stability"]["stable"] is True


@pytest.mark.slow
def test_exp_spectra_block_equals_lif_spectra():
    res = recnet.subject("lif-network").predict(model="ei-exp-ai", spectra=True)
    s = res["spectra"]
    assert "Schuecker" in s["method"]
    h = np.array(s["transfer_function_hz_per_mv"]["E"])
    assert h.shape == (1000, 2) and np.all(np.isfinite(h))
    p = np.array(s["power_spectrum_hz"]["E"])
    assert np.all(p > 0)
    from recnet.models import load
    from recnet.numerics.lif_spectra import spectra
    m = load("ei-exp-ai")
    a = m.to_arrays()
    st = res["states"][0]
    D = np.zeros((2, 2))
    for pr in m.projections:
        D[m.index(pr.post), m.index(pr.pre)] = pr.delay
    ref = spectra(s["freqs_hz"], [st["mu_mv"][n] for n in m.names], [st["sigma_mv"][n] for n in m.names],
                  [st["rate_hz"][n] for n in m.names], a["indegree"], a["weight"], m.sizes,
                  tau_s=[res["colored_noise"]["tau_s_ms"][n] for n in m.names], delay=D,
                  **{k: a[k] for k in ("tau_m", "tau_refrac", "v_thresh", "v_reset", "v_rest")})
    np.testing.assert_allclose(p, ref["power_spectra"][0], rtol=1e-12)


def test_spectra_refused_without_a_unique_stable_state(tmp_path):
    from recnet.checks import ParameterError
    from tests.test_lif_network import TWO_POP, _write
    path = _write(tmp_path, TWO_POP)
    with pytest.raises(ParameterError) as e:
        recnet.subject("lif-network").predict(model=str(path), spectra=True)
    assert e.value.name == "spectra"
