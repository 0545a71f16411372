"""Linear stability with delays of exponential-synapse LIF networks (numerics.lif_stability._ExpNet).

Oracle: on the frequency axis the effective connectivity is NNMT's (``numerics.lif_spectra``, tested
against NNMT 1.3 to 1e-13); the roots are zeros of det(1 - M) in the right half plane, counted by the
argument principle; the predicted oscillation is checked against a simulation in
``test_validate_exp_oscillation_frequency`` (slow)."""
import numpy as np
import pytest

from recnet.models import load
from recnet.numerics import lif_stability as LS
from recnet.numerics.lif_meanfield import network_states, synaptic_time_constants

BRUNEL_EXP_B = """
model = "lif-network"
name = "brunel-exp-B"
synapse = "exp"
[[population]]
name = "E"
size = 10000
tau_m = 20.0
v_thresh = 20.0
v_reset = 10.0
v_rest = 0.0
tau_refrac = 2.0
cm = 0.25
tau_syn_E = 0.5
tau_syn_I = 0.5
[[population]]
name = "I"
size = 2500
tau_m = 20.0
v_thresh = 20.0
v_reset = 10.0
v_rest = 0.0
tau_refrac = 2.0
cm = 0.25
tau_syn_E = 0.5
tau_syn_I = 0.5
[[projection]]
pre = "E"
post = "E"
indegree = 1000
weight = 0.05
delay = 1.5
[[projection]]
pre = "I"
post = "E"
indegree = 250
weight = -0.3
delay = 1.5
[[projection]]
pre = "E"
post = "I"
indegree = 1000
weight = 0.05
delay = 1.5
[[projection]]
pre = "I"
post = "I"
indegree = 250
weight = -0.3
delay = 1.5
[[drive]]
post = "E"
rate = 40.0
indegree = 1000
weight = 0.05
delay = 1.5
[[drive]]
post = "I"
rate = 40.0
indegree = 1000
weight = 0.05
delay = 1.5
"""


def _model(tmp_path):
    p = tmp_path / "brunel-exp-B.toml"
    p.write_text(BRUNEL_EXP_B)
    return load(str(p))


def test_exp_effective_connectivity_on_the_axis_is_lif_spectra(tmp_path):
    from recnet.numerics.lif_spectra import spectra
    m = _model(tmp_path)
    st = [s for s in network_states(m)["states"] if s["stable"]][0]
    a = m.to_arrays()
    tau_s = synaptic_time_constants(a, m.names)
    D = np.full((2, 2), 1.5)
    neuron = {k: a[k] for k in ("tau_m", "tau_refrac", "v_thresh", "v_reset", "v_rest")}
    net = LS._ExpNet(a["indegree"], a["weight"], D, neuron["tau_m"], neuron["tau_refrac"], neuron["v_thresh"],
                     neuron["v_reset"], neuron["v_rest"], st["rate_hz"], st["mu_mv"], st["sigma_mv"], 60.0,
                     tau_s=tau_s)
    f = np.array([3.0, 50.0, 190.0, 700.0])
    ref = spectra(f, st["mu_mv"], st["sigma_mv"], st["rate_hz"], a["indegree"], a["weight"], m.sizes, tau_s=tau_s,
                  delay=D, delay_kind="none", **neuron)["effective_connectivity"]
    np.testing.assert_allclose(net.m(2j * np.pi * f * 1e-3), ref, rtol=1e-10)


def test_exp_unstable_mode_is_a_root_and_counted(tmp_path):
    m = _model(tmp_path)
    st = [s for s in network_states(m)["states"] if s["stable"]][0]
    out = LS.model_stability(m, st)
    assert out["stable"] is False and out["n_unstable"] >= 1 and out["state"] == "SI fast"
    lam = (out["growth_rate_per_s"] + 2j * np.pi * out["frequency_hz"]) * 1e-3
    a = m.to_arrays()
    net = LS._ExpNet(a["indegree"], a["weight"], np.full((2, 2), 1.5), a["tau_m"], a["tau_refrac"], a["v_thresh"],
                     a["v_reset"], a["v_rest"], st["rate_hz"], st["mu_mv"], st["sigma_mv"], 60.0,
                     tau_s=synaptic_time_constants(a, m.names))
    # a simple zero of det(1 - M): |det| at the root is below 1e-8 of its size on a circle around it
    ring = lam + 0.01 * np.exp(2j * np.pi * np.arange(16) / 16)
    assert abs(net.det([lam])[0]) < 1e-8 * np.min(np.abs(net.det(ring)))
    # the winding number of det around that circle is one (argument principle)
    ring = lam + 0.01 * np.exp(2j * np.pi * np.arange(257) / 256)
    F = net.det(ring)
    assert round(np.sum(np.angle(F[1:] / F[:-1])) / (2 * np.pi)) == 1


@pytest.mark.slow
@pytest.mark.xfail(strict=True, reason="open (issue 15): with the fifth session's simulator (a new connectivity draw for "
                   "seed 12345) the full-size network just past onset peaks at 174.5 +- 4.4 Hz against the predicted "
                   "196.1 Hz (the old draw gave 183 +- 4.1, NEST 187 +- 5.4): the rule's stderr (Welch segments of "
                   "one network) misses the network-to-network spread of the near-onset frequency")
def test_validate_exp_oscillation_frequency():
    """Issue 15 acceptance (numba): the exp-synapse network just past onset oscillates at the
    predicted main-mode frequency (full size; the rule's allowance is derived in
    validation.lif_oscillation), and its rates agree with the stationary theory."""
    import recnet
    res = recnet.subject("lif-network").validate(model="brunel2000-a-exp-onset", seed=12345)
    rows = {c.quantity: c for c in res.comparisons}
    osc = rows["oscillation_frequency_hz"]
    assert res.info["oscillation"]["predicted_stable"] is False
    assert osc.agree, osc.to_dict()
    assert rows["rate_e_hz"].agree and rows["rate_i_hz"].agree
    # onset: predicted unstable, and the simulated activity is synchronous (chi >= SYNCHRONY_LIMIT)
    assert rows["oscillation_onset"].agree, rows["oscillation_onset"].to_dict()
