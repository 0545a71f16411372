r"""The oscillation of a ``lif-network`` that its linear stability analysis predicts, against the
simulated population activity (issue 15, item 4).

When the asynchronous state is linearly unstable (a root lambda of det(1 - M(lambda)) = 0 with
Re lambda > 0; ``recnet.numerics.lif_stability``), the network oscillates at about the main mode's
frequency f = Im lambda / 2 pi (Brunel & Hakim 1999; Brunel 2000, sec. 4, where the frequency at
onset matches simulations).  The simulated counterpart is the peak of the power spectrum of the
network's summed population activity A(t) (spike counts in bins of ``bin_ms``, in Hz):

* the recorded window is cut into K non-overlapping segments of length T_seg (Welch, Hann window,
  mean removed); each segment's periodogram gives one peak frequency f_k, searched above
  2 / T_seg (below it the segment holds fewer than two cycles);
* the simulated frequency is the mean of the f_k, its standard error std(f_k) / sqrt(K) with K - 1
  degrees of freedom (segments of a stationary oscillation are close to independent once T_seg
  is many periods long);
* systematic: the periodogram's grid, 1 / T_seg apart, places a peak at most 1 / (2 T_seg) from
  the true frequency: that half spacing is the rule's allowance (derived, written in the row).

The linear theory gives the growing mode's frequency at the asynchronous state; far beyond onset
the finite-amplitude oscillation's frequency shifts (the growth rate, also reported, says how far
from onset the point is), which the verdict then shows as a disagreement: the theory is tested
where it claims to hold, near onset, and its limits are visible elsewhere.
"""
from __future__ import annotations

import numpy as np

__all__ = ["activity_spectrum", "peak_frequencies", "oscillation_rows"]


def activity_spectrum(res, names, t0, t1, *, bin_ms=0.5, seg_ms=200.0):
    """Welch spectrum of the summed activity of populations ``names`` in [t0, t1) (ms).

    Returns ``(f_hz, per_segment_psd)``: frequencies (Hz) and the (K, n_f) one-sided periodograms
    of the population rate (Hz^2/Hz), one row per non-overlapping Hann-windowed segment.
    """
    edges = np.arange(t0, t1 + 0.5 * bin_ms, bin_ms)
    counts = np.zeros(len(edges) - 1)
    n = 0
    for name in names:
        t, _ = res[name].window(t0, t1)
        counts += np.histogram(t, edges)[0]
        n += res[name].size
    rate = counts / (max(n, 1) * bin_ms * 1e-3)                    # population rate, Hz
    m = int(round(seg_ms / bin_ms))
    k = len(rate) // m
    if k < 2:
        raise ValueError(f"the window {t1 - t0:g} ms holds fewer than two {seg_ms:g} ms segments")
    segs = rate[: k * m].reshape(k, m)
    segs = segs - segs.mean(axis=1, keepdims=True)
    w = np.hanning(m)
    fs = 1e3 / bin_ms                                              # samples per second
    spec = np.abs(np.fft.rfft(segs * w, axis=1)) ** 2 / (fs * np.sum(w ** 2))
    spec[:, 1:-1] *= 2.0                                           # one-sided
    return np.fft.rfftfreq(m, 1.0 / fs), spec


def peak_frequencies(f, spec, seg_ms):
    """Peak frequency (Hz) of each segment's periodogram above 2 / T_seg."""
    band = f >= 2e3 / seg_ms
    return f[band][np.argmax(spec[:, band], axis=1)]


def oscillation_rows(model, stability, res, t0, t1, *, bin_ms=0.5, seg_ms=None):
    """Comparisons of the predicted oscillation with the simulation, and info for the report.

    ``stability``: the ``stability`` block of the predicted state (``stable``, ``frequency_hz``,
    ``growth_rate_per_s``, ``state``).  Returns ``(rows, info, spectrum)``; rows are empty when the
    theory predicts a stable asynchronous state (the rates and CVs are compared then), and
    ``spectrum`` = (f, mean psd) for the figure.
    """
    from recnet.validation.compare import compare

    names = list(model.names)
    if seg_ms is None:   # about 10 segments, each at least 100 ms (>= 10 periods above 100 Hz)
        seg_ms = max(100.0, (t1 - t0) / 10.0)
    f, spec = activity_spectrum(res, names, t0, t1, bin_ms=bin_ms, seg_ms=seg_ms)
    peaks = peak_frequencies(f, spec, seg_ms)
    k = len(peaks)
    f_sim = float(peaks.mean())
    se = float(peaks.std(ddof=1) / np.sqrt(k))
    half = 0.5e3 / seg_ms
    info = {"activity_peak_hz": f_sim, "activity_peak_stderr_hz": se, "spectrum_segments": k,
            "spectrum_segment_ms": seg_ms, "spectrum_bin_ms": bin_ms}
    rows = []
    if stability.get("stable") is False and stability.get("frequency_hz"):
        f_pred = float(stability["frequency_hz"])
        rows.append(compare(
            "oscillation_frequency_hz", f_pred, f_sim, se, dof=k - 1, systematic=half,
            why=f"periodogram grid: peaks sit on multiples of 1/T_seg = {2 * half:.3g} Hz, so at most half a "
                f"spacing ({half:.3g} Hz) from the true frequency",
            family="oscillation",
            note=f"main mode of det(1 - M(lambda)) = 0 (growth {stability.get('growth_rate_per_s', float('nan')):.3g}"
                 f"/s, predicted state {stability.get('state')}) vs the mean peak of {k} Welch segments of the "
                 f"summed population activity ({seg_ms:g} ms, {bin_ms:g} ms bins)"))
    return rows, info, (f, spec.mean(axis=0))
