"""Bos et al. (2016) Fig. 1E: population-rate power spectra of the eight populations of the cortical
microcircuit (Potjans & Diesmann 2014 with exponential current synapses), from linear-response
theory, with the low-gamma peak near 63 Hz.

Network: recnet's shipped model ``bos2016-exp`` (NNMT 1.3's Bos2016 parameters: N, K, K_ext,
nu_ext = 8 Hz, C = 250 pF, tau_m = 10 ms, tau_ref = 2 ms, tau_s = 0.5 ms, theta - V_r = 15 mV,
w = 87.8 pA, g = 4, L4E -> L23E doubled, no thalamic input, and Bos et al.'s K(L4I -> L4E) = 675
and K_ext(L4E) = 1780; with Potjans & Diesmann's 794.6 and 2100 (``potjans2014-exp``) the peak sits
near 71 Hz) with Bos et al.'s delay distribution: truncated Gaussian, mean 1.5 ms (E) / 0.75 ms (I), standard deviation equal to the
mean.  Working point: recnet's stationary rates with the Fourcaud-Brunel shift
(``numerics.lif_meanfield.network_states``), which equal NNMT's ``lif.exp`` "shift" working point
to 1e-8 on ``potjans2014-exp`` (``tests/test_lif_network_exp.py::test_potjans2014_exp_equals_nnmt``;
``tests/test_paper_bos2016.py`` checks it on this network).  Spectra
(``numerics.lif_spectra.spectra``, Bos et al. 2016 eqs. 12-18): C(omega) = (1 - M)^-1 diag(nu/N)
(1 - M)^-dagger with the Schuecker et al. (2015) shift-form transfer function; solid lines use
recnet's exact reset flux (refractory phase exp(-i omega tau_ref)), dashed grey lines NNMT 1.3's
form without it (what Bos et al. computed; equal to NNMT's spectra to 1e-6 in
``tests/test_lif_spectra.py``).  Frequency grid: NNMT's (0.1 to 500 Hz in steps of 1/(2 pi) Hz,
3141 frequencies); quick mode: steps of 0.5 Hz.

No simulation: the full microcircuit (77,169 neurons, about 3e8 synapses) does not fit a run of a
few minutes on the numba simulator, and its spectra at a downscaled size would need the van Albada
et al. (2015) in-degree-preserving scaling, not implemented here.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from recnet.papers._script import run, save

TITLE = "Bos et al. 2016 Fig. 1E: microcircuit population power spectra, theory (low-gamma peak near 63 Hz)"
REFERENCE = "Bos H, Diesmann M, Helias M (2016) PLoS Comput Biol 12:e1005132, Fig. 1E"
PUBLISHED_PEAK_HZ = 63.0     # Bos et al. 2016, Results and Fig. 1E: the low-gamma peak of all populations


def compute(quick=False):
    """Working point, spectra with both reset-flux forms and the low-gamma peak of each population.

    Returns
    -------
    dict
        ``names``, ``freqs_hz`` (n,), ``rate_hz``, ``mu_mv``, ``sigma_mv`` (8,), ``power`` and
        ``power_nnmt_form`` (8, n; Hz), ``peak_hz`` and ``peak_nnmt_form_hz`` (8,): the frequency of
        the maximum of each spectrum between 30 and 120 Hz.
    """
    from recnet.models import load
    from recnet.numerics.lif_meanfield import network_states, synaptic_time_constants
    from recnet.numerics.lif_spectra import spectra

    model = load("bos2016-exp")
    a = model.to_arrays()
    st = [s for s in network_states(model, cv=False)["states"] if s["stable"]]
    if len(st) != 1:
        raise RuntimeError(f"expected one stable stationary state of the microcircuit, found {len(st)}")
    s = st[0]
    P = len(model.names)
    delay = np.zeros((P, P))
    for pr in model.projections:
        delay[model.index(pr.post), model.index(pr.pre)] = pr.delay
    # absent projections (K = 0) take their presynaptic population's delay: Bos et al. set the delay by
    # the presynaptic type, and the truncated Gaussian needs sd > 0 everywhere (its K = 0 term is 0)
    delay = np.where(delay > 0, delay, np.max(delay, axis=0, keepdims=True))
    tau_s = synaptic_time_constants(a, model.names)
    sizes = np.array([p.size for p in model.populations], float)
    if quick:
        f = np.arange(0.5, 500.0, 0.5)
    else:
        f = np.arange(2 * np.pi * 0.1, 2 * np.pi * 500.0, 1.0) / (2 * np.pi)   # NNMT's grid
    common = dict(tau_m=a["tau_m"], tau_s=tau_s, tau_refrac=a["tau_refrac"], v_thresh=a["v_thresh"],
                  v_reset=a["v_reset"], v_rest=a["v_rest"], delay=delay, delay_sd=delay.copy(),
                  delay_kind="truncated_gaussian", method="shift")
    args = (f, s["mu_mv"], s["sigma_mv"], s["rate_hz"], a["indegree"], a["weight"], sizes)
    exact = spectra(*args, refractory_phase=True, **common)["power_spectra"].real
    nnmt_form = spectra(*args, refractory_phase=False, **common)["power_spectra"].real
    band = (f >= 30.0) & (f <= 120.0)
    return {"names": list(model.names), "freqs_hz": f, "rate_hz": s["rate_hz"], "mu_mv": s["mu_mv"],
            "sigma_mv": s["sigma_mv"], "power": exact, "power_nnmt_form": nnmt_form,
            "peak_hz": f[band][np.argmax(exact[:, band], axis=1)],
            "peak_nnmt_form_hz": f[band][np.argmax(nnmt_form[:, band], axis=1)],
            "resolution_hz": float(f[1] - f[0])}


def table(r):
    """The printed table: rate and low-gamma peak of each population."""
    lines = [f"{'population':>10} {'rate (Hz)':>10} {'peak (Hz)':>10} {'peak, NNMT form (Hz)':>21}"]
    for i, n in enumerate(r["names"]):
        lines.append(f"{n:>10} {r['rate_hz'][i]:10.3f} {r['peak_hz'][i]:10.2f} {r['peak_nnmt_form_hz'][i]:21.2f}")
    lines.append(f"published (Bos et al. 2016, Fig. 1E): low-gamma peak near {PUBLISHED_PEAK_HZ:g} Hz; "
                 f"grid step {r['resolution_hz']:.3g} Hz")
    return "\n".join(lines)


def make(out=None, quick=False):
    """Draw the eight spectra; save to ``out`` (default ``bos2016_spectra.png``) and return the path."""
    import matplotlib
    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    out = Path(out or "bos2016_spectra.png")
    r = compute(quick=quick)
    print(table(r))
    f = r["freqs_hz"]
    fig, axes = plt.subplots(2, 4, figsize=(11, 5.2), sharex=True)
    order = [0, 2, 4, 6, 1, 3, 5, 7]          # E populations on the top row, I below
    for ax, i in zip(axes.ravel(), order):
        ax.semilogy(f, r["power_nnmt_form"][i], color="0.55", ls="--", lw=1.0, label="NNMT 1.3 form")
        ax.semilogy(f, r["power"][i], color="C0" if i % 2 == 0 else "C3", lw=1.2, label="theory (exact reset)")
        ax.axvline(PUBLISHED_PEAK_HZ, color="k", ls=":", lw=0.8, label="63 Hz (Bos et al.)")
        ax.set_title(f"{r['names'][i]}: {r['rate_hz'][i]:.2f} Hz, peak {r['peak_hz'][i]:.1f} Hz", fontsize=9)
        ax.set_xlim(0, 200)
    for ax in axes[1]:
        ax.set_xlabel("frequency (Hz)")
    for ax in axes[:, 0]:
        ax.set_ylabel("power (Hz$^2$/Hz)")
    axes[0, 0].legend(fontsize=7, loc="lower left")
    return save(fig, out, suptitle=f"{REFERENCE}: population-rate spectra, linear-response theory (no simulation)",
                dpi=120)


if __name__ == "__main__":
    run(make, TITLE)
