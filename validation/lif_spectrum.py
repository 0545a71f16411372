r"""The population-activity spectrum of a ``lif-network`` in the asynchronous-irregular (AI) state:
linear-response prediction against the simulated spectrum, band by band (issue 15, item 4).

**Prediction.**  Each neuron of population a fires a renewal train whose spectrum, unperturbed,
is the LIF spike-train spectrum S_0,a(omega) (``numerics.lif_spiketrain``; with exponential
synapses at the Fourcaud-Brunel shifted threshold and reset, the same approximation as the rate).
The network filters the population averages of these trains linearly (Lindner, Doiron & Longtin
2005, Phys Rev E 72:061919; Trousdale et al. 2012, PLoS Comput Biol 8:e1002408)::

    C(omega) = (1 - M)^-1 diag(S_0,a / N_a) (1 - M)^-dagger,    S_A = sum_ab w_a w_b C_ab

with M the effective connectivity with delays (delta synapses: ``numerics.lif_stability``, mean and
variance channels; exp synapses: ``numerics.lif_spectra``, Schuecker shift form) and S_A the
spectrum of the summed activity A = sum_a w_a A_a, w_a = N_a / N.  Bos et al. (2016) take the
noise white, S_0 = nu; the renewal S_0 differs from nu below a few times the rate
(S_0(0) = nu CV^2).  The simulated activity is counted in bins of width b and sampled at
f_s = 1/b: its one-sided Welch spectrum estimates 2 sum_k S_A(f + k f_s) sinc^2((f + k f_s) b)
(binning filter and aliasing, exact for any stationary point process); the sum is taken over
|k| <= ``N_ALIAS`` and the rest (sum of the omitted sinc^2 weights) at the high-frequency level
sum_a w_a^2 nu_a / N_a, to which S_A tends when M decays.

**Simulation.**  ``lif_oscillation.activity_spectrum``: K non-overlapping Hann segments; a band's
power is the mean over its bins of each segment's periodogram, the estimate is the mean over
segments, its standard error the segments' spread / sqrt(K), Student-t with K - 1 dof (segments
many correlation times long are nearly independent).

**Systematic: finite-PSP error of the ingredients, measured with the loop cut** (the analogue of
``lif_network.open_loop_bias`` for rates).  A second simulation keeps every neuron, in-degree,
weight, delay and drive of the network but replaces each population's recurrent output by an
independent Poisson population of the same size firing at the predicted rate (recorded).  In it,
band by band, the measured cross-spectral transfer M_meas = S_XY S_YY^-1 (X the output population
activities, Y the source activities) and the single-neuron spectra S_0,meas (mean periodogram of
the neurons minus the part driven by their inputs, sum_b |M_ab|^2 nu_b / K_ab) are the network's
true ingredients at the predicted working point, without the diffusion approximation.  Their
difference from the theory's band averages, dM and dS_0, added to the theory's M(f) and S_0(f)
at every frequency of the band, changes the predicted band power by::

    dS_A = S_A(M + dM, S_0 + dS_0) - S_A(M, S_0)

(evaluated on the base band with the binning weight sinc^2(f b), averaged over the band; exact in
dM, not a first-order expansion, which diverges near a weakly damped resonance where |(1 - M)^-1 dM|
approaches 1): |dS_A| is the row's systematic and its jackknife error over the cut-loop segments
joins the stderr.  Near such a resonance a 10 % error in M moves the band power by a factor of order
one: the rows then carry a large allowance, and their minimal detectable error says so.  The
single-neuron spectra average N K (bins per band) periodograms and are taken as exact (their spread
is far below the population's); the jackknife covers M.  By construction the systematic absorbs an
error of the ingredients (the transfer function, S_0) at the predicted working point; what the rows
test is the network's closure (1 - M)^-1 and that the simulated network is the predicted one
(``tests/test_lif_spectrum.py``: a prediction for the same network with doubled inhibition is caught).

**Domain** (``lif_network._ai_spectrum``): the rows run where the theory predicts a stable
asynchronous state and the simulated synchrony chi is below ``brunel.SYNCHRONY_LIMIT`` (the CV rows'
domain).  Measured on Brunel's point C (``brunel2000-a``, full size, chi = 7.6, damped 124 Hz mode at
-135/s): band powers / renewal prediction 0.89 (10-40 Hz), 1.18, 0.60, 0.48 (110-140 Hz), 1.11, 2.30,
2.92, 2.03, 0.62, 2.54 (800-990 Hz); the white-noise prediction gives 0.51 in the lowest band, the
others alike.  With the loop cut, M differs from the diffusion theory by 9-22 % of |M| below 300 Hz and
31-77 % above (finite PSPs of 0.1 / -0.5 mV), the neurons fire 36.1 Hz against Siegert's 37.95 Hz, and
near the weakly damped mode these errors move the band power by a factor of order one: no linear-
response band there.  On ``ei-exp-ai`` and ``ei-delta-ai`` (95 % of the input variance from the
background) the ratios are 0.84-1.12 and 0.87-1.03 (numba, 10 s).
"""
from __future__ import annotations

import numpy as np

__all__ = ["BANDS_HZ", "predicted_activity_spectrum", "effective_connectivity", "renewal_spectra",
           "cut_loop_network", "cut_loop_ingredients", "spectrum_rows"]

# frequency bands (Hz) of the comparison: low band, the range of the fast oscillations (80-200 Hz,
# Brunel 2000), the delay's high-frequency family (around 1/D); the upper edge is cut at 0.95 Nyquist
BANDS_HZ = ((10, 40), (40, 80), (80, 140), (140, 200), (200, 300), (300, 400), (400, 600), (600, 800), (800, 1000))
N_ALIAS = 4


def _delays(model):
    P = len(model.names)
    D = np.zeros((P, P))
    for pr in model.projections:
        D[model.index(pr.post), model.index(pr.pre)] = pr.delay
    return D


def _state_arrays(state):
    return (np.asarray(state[k], float) for k in ("rate_hz", "mu_mv", "sigma_mv"))


def effective_connectivity(model, state, freqs_hz):
    """M_ab(2 pi i f) (n, P, P) of ``model`` at the stationary ``state`` (delta or exp synapses)."""
    import warnings

    from recnet.numerics.lif_meanfield import synaptic_time_constants
    a = model.to_arrays()
    nu, mu, sg = _state_arrays(state)
    f = np.asarray(freqs_hz, float)
    neuron = {k: a[k] for k in ("tau_m", "tau_refrac", "v_thresh", "v_reset", "v_rest")}
    if model.synapse == "delta":
        from recnet.numerics.lif_stability import effective_connectivity as m_delta
        return m_delta(2j * np.pi * f * 1e-3, a["indegree"], a["weight"], _delays(model), rate_hz=nu, mu_mv=mu,
                       sigma_mv=sg, **neuron)
    from recnet.numerics.lif_spectra import delay_factor, transfer_function_exp
    from recnet.numerics.lif_spectra import effective_connectivity as m_exp
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)   # the shift's range warning is the prediction's
        h = transfer_function_exp(f, mu, sg, tau_s=synaptic_time_constants(a, model.names), **neuron)
    return m_exp(h, a["indegree"], a["weight"], a["tau_m"], delay_factor(f, _delays(model)))


def renewal_spectra(model, state, freqs_hz):
    """S_0,a(f) (P, n), Hz: the LIF spike-train spectrum of each population's neurons (module doc)."""
    import warnings

    from recnet.numerics.lif_meanfield import fourcaud_brunel_shift, synaptic_time_constants
    from recnet.numerics.lif_spiketrain import spike_train_spectrum
    a = model.to_arrays()
    nu, mu, sg = _state_arrays(state)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        k = fourcaud_brunel_shift(a["tau_m"], synaptic_time_constants(a, model.names), len(nu))
    return spike_train_spectrum(freqs_hz, nu, mu, sg, tau_m=a["tau_m"], tau_refrac=a["tau_refrac"],
                                v_thresh=a["v_thresh"] + k * sg, v_reset=a["v_reset"] + k * sg, v_rest=a["v_rest"])


def _summed(M, S0, sizes, w):
    """S_A(f) (n,) = sum_ab w_a w_b [Q diag(S0/N) Q^dagger]_ab, two-sided."""
    P = M.shape[1]
    q = np.linalg.solve(np.eye(P)[None] - np.transpose(M, (0, 2, 1)), np.broadcast_to(w, (M.shape[0], P))[..., None])
    qw = q[..., 0]                                          # (n, P) = Q^T w
    return np.sum(np.abs(qw) ** 2 * (S0 / sizes[:, None]).T, axis=1)


def predicted_activity_spectrum(model, state, freqs_hz, sizes, *, bin_ms=0.5, noise="renewal"):
    r"""One-sided spectrum (Hz^2/Hz) of the summed population activity counted in ``bin_ms`` bins.

    ``sizes`` (P,) the simulated population sizes; ``noise``: "renewal" (S_0 of
    ``numerics.lif_spiketrain``) or "white" (S_0 = nu, Bos et al. 2016).  Binning and aliasing as
    the module doc.  Returns (n,) at ``freqs_hz`` (0 < f <= f_s / 2).
    """
    f = np.asarray(freqs_hz, float)
    sizes = np.asarray(sizes, float)
    w = sizes / sizes.sum()
    nu = np.asarray(state["rate_hz"], float)
    fs = 1e3 / bin_ms
    total = np.zeros_like(f)
    weight = np.zeros_like(f)
    for k in range(-N_ALIAS, N_ALIAS + 1):
        ff = np.abs(f + k * fs)
        s0 = renewal_spectra(model, state, ff) if noise == "renewal" else np.repeat(nu[:, None], ff.size, 1)
        sinc2 = np.sinc(ff * bin_ms * 1e-3) ** 2
        total += _summed(effective_connectivity(model, state, ff), s0, sizes, w) * sinc2
        weight += sinc2
    total += (1.0 - weight) * float(np.sum(w ** 2 * nu / sizes))
    return 2.0 * total


def cut_loop_network(model, state, *, dt=0.1, seed=12345, scale=1.0):
    """The network with its loop cut (module doc): the populations of ``model.to_network`` with their
    drives, each projection's presynaptic population replaced by a recorded Poisson population
    ``src_NAME`` of the same size at the predicted rate.  Returns a ``Network``."""
    from recnet.validation.simulators.network import Network, SpikeSourcePoisson
    full = model.to_network(dt=dt, seed=seed, scale=scale)
    nu = np.asarray(state["rate_hz"], float)
    net = Network()
    pops = {}
    for p in full.populations:
        if p.label in model.names:
            pops[p.label] = net.population(p.size, p.celltype, p.label, initial_values=p.initial_values,
                                           record=("spikes",))
            pops["src_" + p.label] = net.population(p.size, SpikeSourcePoisson(rate=float(nu[model.index(p.label)])),
                                                    "src_" + p.label, record=("spikes",))
        else:
            pops[p.label] = net.population(p.size, p.celltype, p.label, record=())
    for pr in full.projections:
        pre = pr.pre.label
        pre = "src_" + pre if pre in model.names else pre
        net.projection(pops[pre], pops[pr.post.label], pr.connector, pr.synapse, pr.receptor_type, label=pr.label)
    return net


def _segment_ffts(times, n, t0, t1, bin_ms, seg_ms):
    """Hann-windowed FFTs (K, n_f) of the activity (Hz) of ``n`` neurons with spikes ``times`` (ms),
    scaled so that mean |X|^2 is the two-sided spectral density (Hz^2/Hz)."""
    edges = np.arange(t0, t1 + 0.5 * bin_ms, bin_ms)
    x = np.histogram(times, edges)[0] / (max(n, 1) * bin_ms * 1e-3)
    m = int(round(seg_ms / bin_ms))
    k = len(x) // m
    x = x[: k * m].reshape(k, m)
    x = x - x.mean(axis=1, keepdims=True)
    w = np.hanning(m)
    return np.fft.rfft(x * w, axis=1) / np.sqrt(1e3 / bin_ms * np.sum(w ** 2))


def _neuron_spectrum(res, label, t0, t1, bin_ms, seg_ms):
    """Mean single-neuron periodogram (two-sided, Hz) of population ``label`` (Hann segments)."""
    t, i = res[label].window(t0, t1)
    n = res[label].size
    edges = np.arange(t0, t1 + 0.5 * bin_ms, bin_ms)
    m = int(round(seg_ms / bin_ms))
    k = (len(edges) - 1) // m
    w = np.hanning(m)
    acc = np.zeros(m // 2 + 1)
    for lo in range(0, n, 500):                       # blocks of neurons: bounded memory
        sel = (i >= lo) & (i < lo + 500)
        nb = min(500, n - lo)
        h = np.zeros((nb, len(edges) - 1))
        col = np.clip(np.searchsorted(edges, t[sel], side="right") - 1, 0, len(edges) - 2)
        np.add.at(h, (i[sel] - lo, col), 1.0 / (bin_ms * 1e-3))
        h = h[:, : k * m].reshape(nb, k, m)
        h = h - h.mean(axis=2, keepdims=True)
        acc += np.sum(np.abs(np.fft.rfft(h * w, axis=2)) ** 2, axis=(0, 1))
    return acc / (n * k * 1e3 / bin_ms * np.sum(w ** 2))


def cut_loop_ingredients(model, state, res, t0, t1, *, bin_ms=0.5, seg_ms=200.0, bands=BANDS_HZ):
    """Band-averaged M_meas, S_0,meas of the cut-loop run ``res`` (module doc), with jackknife samples.

    Returns dict: ``freqs_hz`` (base-band bins), ``bands`` (those inside the Nyquist band), per band
    ``m`` (P, P), ``s0`` (P,), and ``m_jack`` (K, P, P), ``s0_jack`` (K, P) leave-one-segment-out values.
    """
    names = list(model.names)
    a = model.to_arrays()
    nu = np.asarray(state["rate_hz"], float)
    X = np.stack([_segment_ffts(res[n].window(t0, t1)[0], res[n].size, t0, t1, bin_ms, seg_ms) for n in names])
    Y = np.stack([_segment_ffts(res["src_" + n].window(t0, t1)[0], res["src_" + n].size, t0, t1, bin_ms, seg_ms)
                  for n in names])
    f = np.fft.rfftfreq(int(round(seg_ms / bin_ms)), bin_ms * 1e-3)
    single = np.stack([_neuron_spectrum(res, n, t0, t1, bin_ms, seg_ms) for n in names])   # (P, n_f)
    K = X.shape[1]
    P = len(names)
    k_in = np.where(a["indegree"] > 0, a["indegree"], np.inf)
    out = []
    for lo, hi in _bands_inside(bands, bin_ms, seg_ms):
        b = (f >= lo) & (f < hi)

        def band(sel):
            sxy = np.einsum("akn,bkn->ab", X[:, sel][:, :, b], np.conj(Y[:, sel][:, :, b]))
            syy = np.einsum("akn,bkn->ab", Y[:, sel][:, :, b], np.conj(Y[:, sel][:, :, b]))
            return sxy @ np.linalg.inv(syy)
        m = band(np.ones(K, bool))
        jack = np.stack([band(np.arange(K) != j) for j in range(K)])
        drive = (np.abs(m) ** 2 / k_in) @ nu           # the neuron's own input-driven part
        out.append({"band_hz": (lo, hi), "m": m, "m_jack": jack, "s0": single[:, b].mean(axis=1) - drive})
    return {"freqs_hz": f, "bands": out, "segments": K, "populations": P}


def _bands_inside(bands, bin_ms, seg_ms):
    """The bands above 3 / T_seg (the mean removed from each Hann segment takes the power of the bins
    within the window's main lobe, 2 / T_seg wide, around 0) and below 0.95 f_s / 2."""
    nyq = 0.5e3 / bin_ms
    return [(lo, min(hi, 0.95 * nyq)) for lo, hi in bands if 3e3 / seg_ms <= lo < 0.95 * nyq]


def _replaced(Mth, S0th, sizes, w, dm, ds0):
    """S_A(M + dm, S_0 + ds0) - S_A(M, S_0) (n,), two-sided, at every frequency of the band (module doc)."""
    return _summed(Mth + dm[None], S0th + ds0[:, None], sizes, w) - _summed(Mth, S0th, sizes, w)


def spectrum_rows(model, state, res, cut, t0, t1, *, bin_ms=0.5, seg_ms=None, bands=BANDS_HZ):
    """Comparison rows (family "spectrum") of the predicted AI-state activity spectrum with the
    simulated one, and info for the report.

    ``res``: the network's simulation; ``cut``: the cut-loop simulation (:func:`cut_loop_network`)
    over the same window [t0, t1) ms.  Returns ``(rows, info)``.
    """
    from scipy import stats

    from recnet.validation.compare import compare
    from recnet.validation.lif_network import welch_satterthwaite
    from recnet.validation.lif_oscillation import activity_spectrum

    names = list(model.names)
    if seg_ms is None:
        seg_ms = max(100.0, (t1 - t0) / 10.0)
    f, spec = activity_spectrum(res, names, t0, t1, bin_ms=bin_ms, seg_ms=seg_ms)
    K = spec.shape[0]
    sizes = np.array([res[n].size for n in names], float)
    w = sizes / sizes.sum()
    fp = f[1:]
    pred = predicted_activity_spectrum(model, state, fp, sizes, bin_ms=bin_ms)
    white = predicted_activity_spectrum(model, state, fp, sizes, bin_ms=bin_ms, noise="white")
    ing = cut_loop_ingredients(model, state, cut, t0, t1, bin_ms=bin_ms, seg_ms=seg_ms, bands=bands)
    m_th = effective_connectivity(model, state, fp)
    s0_th = renewal_spectra(model, state, fp)
    sinc2 = np.sinc(fp * bin_ms * 1e-3) ** 2
    rows, table = [], []
    for bd in ing["bands"]:
        lo, hi = bd["band_hz"]
        b = (fp >= lo) & (fp < hi)
        per_seg = spec[:, 1:][:, b].mean(axis=1)
        sim, se = float(per_seg.mean()), float(per_seg.std(ddof=1) / np.sqrt(K))
        p_band = float(pred[b].mean())
        dm = bd["m"] - m_th[b].mean(axis=0)
        ds0 = bd["s0"] - s0_th[:, b].mean(axis=1)

        def shift(dmj):
            return float(np.mean(2.0 * sinc2[b] * _replaced(m_th[b], s0_th[:, b], sizes, w, dmj, ds0)))
        sys_v = shift(dm)
        jack = np.array([shift(mj - m_th[b].mean(axis=0)) for mj in bd["m_jack"]])
        kc = len(jack)
        se_sys = float(np.sqrt((kc - 1) / kc * np.sum((jack - jack.mean()) ** 2)))
        rel_dm = float(np.max(np.abs(dm)) / max(np.max(np.abs(m_th[b].mean(axis=0))), 1e-300))
        rows.append(compare(
            f"spectrum_{lo:g}_{hi:g}_hz", p_band, sim, float(np.hypot(se, se_sys)),
            dof=welch_satterthwaite((se, K - 1), (se_sys, kc - 1)),
            stderr_parts={"simulation": se, "cut_loop": se_sys}, systematic=abs(sys_v), family="spectrum",
            why=(f"finite-PSP error of the linear response measured with the loop cut: band-averaged M differs "
                 f"from theory by up to {100 * rel_dm:.3g} % of |M|, S_0 by "
                 + ", ".join(f"{100 * x / max(y, 1e-300):+.3g} %" for x, y in zip(ds0, s0_th[:, b].mean(axis=1)))
                 + f"; the predicted band power with the measured ingredients moves by {sys_v:+.3g} Hz^2/Hz"),
            note=(f"mean one-sided power {lo:g}-{hi:g} Hz of the summed activity ({bin_ms:g} ms bins, {K} Hann segments "
                  f"of {seg_ms:g} ms) vs (1 - M)^-1 diag(S_0/N) (1 - M)^-dagger with the renewal S_0, binning and "
                  f"aliasing; white-noise (Bos et al. 2016) prediction {white[b].mean():.4g}")))
        table.append({"band_hz": [lo, hi], "predicted": p_band, "predicted_white_noise": float(white[b].mean()),
                      "simulated": sim, "stderr": se, "systematic": sys_v, "systematic_stderr": se_sys,
                      "max_rel_dm": rel_dm})
    info = {"bands": table, "segments": K, "segment_ms": seg_ms, "bin_ms": bin_ms,
            "student_t_dof": K - 1, "t_quantile_99_73": float(stats.t.ppf(0.99865, K - 1))}
    return rows, info, (fp, pred)
