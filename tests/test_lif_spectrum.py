"""AI-state activity spectrum (issue 15, item 4; ``validation.lif_spectrum``).

Oracles: the explicit matrix product Q diag(S_0/N) Q^dagger (numpy, per frequency); the exact
identity sum_k sinc^2(x + k) = 1 (binning of a white spectrum loses nothing); the renewal spectrum
of ``numerics.lif_spiketrain`` (tested against mpmath there) for unconnected neurons, where the
summed activity is exactly the average of independent trains; and simulations of unconnected and
weakly coupled networks with the Student-t rules of ``validation.compare``.
"""
from __future__ import annotations

import tomllib

import numpy as np
import pytest

from recnet.models import load
from recnet.numerics.lif_meanfield import network_states
from recnet.validation import lif_spectrum as ls

UNCONNECTED = """
model = "lif-network"
name = "unconnected"
synapse = "delta"

[[population]]
name = "E"
size = 1000
tau_m = 20.0
v_thresh = 20.0
v_reset = 10.0
v_rest = 0.0
tau_refrac = 2.0

[[population]]
name = "I"
size = 250
tau_m = 10.0
v_thresh = 20.0
v_reset = 0.0
v_rest = 0.0
tau_refrac = 1.0

[[drive]]
post = "E"
rate = 10.0
indegree = 3000
weight = 0.1

[[drive]]
post = "E"
rate = 10.0
indegree = 800
weight = -0.2

[[drive]]
post = "I"
rate = 10.0
indegree = 4000
weight = 0.1

[[drive]]
post = "I"
rate = 10.0
indegree = 1000
weight = -0.2
"""


def _state(m):
    return [s for s in network_states(m)["states"] if s["stable"]][0]


def test_summed_spectrum_is_the_matrix_product():
    rng = np.random.default_rng(1)
    n, P = 7, 3
    M = 0.3 * (rng.normal(size=(n, P, P)) + 1j * rng.normal(size=(n, P, P)))
    S0 = rng.uniform(1, 5, size=(P, n))
    sizes = np.array([100.0, 40.0, 10.0])
    w = sizes / sizes.sum()
    out = ls._summed(M, S0, sizes, w)
    for j in range(n):
        Q = np.linalg.inv(np.eye(P) - M[j])
        C = Q @ np.diag(S0[:, j] / sizes) @ Q.conj().T
        assert abs(out[j] - np.real(w @ C @ w)) <= 1e-12 * abs(out[j])


def test_unconnected_white_noise_prediction_is_flat_after_binning():
    m = load(tomllib.loads(UNCONNECTED))
    st = _state(m)
    f = np.linspace(5.0, 1000.0, 40)
    p = ls.predicted_activity_spectrum(m, st, f, m.sizes, bin_ms=0.5, noise="white")
    w = m.sizes / m.sizes.sum()
    level = 2.0 * np.sum(w ** 2 * np.asarray(st["rate_hz"]) / m.sizes)
    np.testing.assert_allclose(p, level, rtol=1e-12)


def test_unconnected_renewal_prediction_is_the_averaged_spike_train_spectrum():
    from recnet.numerics.lif_spiketrain import spike_train_spectrum
    m = load(tomllib.loads(UNCONNECTED))
    st = _state(m)
    f = np.array([20.0, 150.0])
    p = ls.predicted_activity_spectrum(m, st, f, m.sizes, bin_ms=0.5)
    a = m.to_arrays()
    w = m.sizes / m.sizes.sum()
    ref = np.zeros(2)
    wsum = np.zeros(2)
    for k in range(-ls.N_ALIAS, ls.N_ALIAS + 1):
        ff = np.abs(f + k * 2000.0)
        s0 = spike_train_spectrum(ff, st["rate_hz"], st["mu_mv"], st["sigma_mv"], tau_m=a["tau_m"],
                                  tau_refrac=a["tau_refrac"], v_thresh=a["v_thresh"], v_reset=a["v_reset"])
        s2 = np.sinc(ff * 5e-4) ** 2
        ref += np.sum((w ** 2 / m.sizes)[:, None] * s0, axis=0) * s2
        wsum += s2
    ref += (1 - wsum) * np.sum(w ** 2 * np.asarray(st["rate_hz"]) / m.sizes)
    np.testing.assert_allclose(p, 2 * ref, rtol=1e-12)


@pytest.mark.slow
@pytest.mark.xfail(strict=True, reason="open (issue 15): with the fifth session's simulator (a new connectivity draw for "
                   "the same seed) the right network's bands agree but the doubled-inhibition prediction is no longer "
                   "caught (its band z: 0.75, 1.75, 1.80, ..., 2.57, 4.10 under the family quantile): the family's "
                   "power against this error is marginal at 2 s")
def test_ei_delta_ai_spectrum_rows_agree_and_a_wrong_network_is_caught():
    """ei-delta-ai at full size (2000 + 500 neurons, 2 s after 0.3 s): every band agrees.  The systematic is the
    measured error of the prediction's ingredients (M, S_0) at the predicted working point, so it
    absorbs ingredient errors by design; what the rows test is the network's closure (1 - M)^-1 and
    that the predicted network is the simulated one: a prediction for the same network with the
    inhibitory recurrent weights doubled (its own cut loop, its own ingredients) is caught."""
    from recnet.validation.lif_network import validate_model
    from recnet.validation.simulators.simulate import simulate
    m = load("ei-delta-ai")
    res, sim, state = validate_model(m, seed=5, t_sim=2000.0, t_warmup=300.0, figure=False)
    rows = [c for c in res.comparisons if c.family == "spectrum"]
    assert len(rows) == 8 and res.info["spectrum"]["segments"] == 10     # 200 ms segments: bands from 15 Hz
    assert all(c.agree for c in rows), [(c.quantity, c.z) for c in rows]
    d = m.to_dict()
    for pr in d["projection"]:
        if pr["weight"] < 0:
            pr["weight"] *= 2.0
    wrong = load(d)
    w_state = _state(wrong)
    cut = simulate(ls.cut_loop_network(wrong, w_state, seed=9), 2300.0, seed=9)
    rows_w, _, _ = ls.spectrum_rows(wrong, w_state, sim, cut, 300.0, 2300.0)
    from recnet.validation.compare import ValidationResult
    verdict = ValidationResult("lif-network", "numba")
    verdict.comparisons.extend(rows_w)
    assert not verdict.agree, [(c.quantity, c.z) for c in rows_w]     # the family's verdict
