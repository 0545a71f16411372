"""Standard errors for simulation estimates (the finite-size statistics behind every tolerance)."""
from __future__ import annotations

import numpy as np

from recnet import checks

__all__ = ["mean_sem", "batch_means_sem", "spectral_sem", "spectral_dof", "step_extrapolation"]


def mean_sem(samples):
    """Mean and standard error of the mean of independent samples (ddof=1)."""
    x = np.asarray(samples, dtype=float).ravel()
    x = x[np.isfinite(x)]
    if x.size == 0:
        return np.nan, np.nan
    if x.size == 1:
        return float(x[0]), np.nan
    return float(x.mean()), float(x.std(ddof=1) / np.sqrt(x.size))


def batch_means_sem(series, n_batches=20):
    """Mean of a correlated stationary time series and its standard error by batch means.

    The series is cut into ``n_batches`` contiguous blocks; if the blocks are longer than the
    correlation time their means are nearly independent and their spread gives the error.
    Biased high when the series carries much more power at high frequencies than at zero (an
    oscillating network): a block mean's variance picks up that power through the sidelobes of
    the block's sinc response, ~ 2 gamma(0) |lobe| / b^2 per block, which :func:`spectral_sem`
    avoids.
    """
    x = np.asarray(series, dtype=float).ravel()
    n = x.size // n_batches
    if n < 1:
        raise checks.ParameterError("n_batches", n_batches, f"<= the series length {x.size}",
                                    f"series of length {x.size} is too short for n_batches = {n_batches}")
    means = x[: n * n_batches].reshape(n_batches, n).mean(axis=1)
    return float(x.mean()), float(means.std(ddof=1) / np.sqrt(n_batches))


# correlations of Hann-tapered periodogram ordinates at neighbouring Fourier frequencies for a
# spectrum flat over the band: the Hann DFT is H_k = X_k/2 - (X_{k-1} + X_{k+1})/4 in terms of the
# (independent, variance S) untapered DFT X, so Var H_k = 3S/8, Cov(H_k, H_k+1) = -S/4,
# Cov(H_k, H_k+2) = S/16: correlations -2/3 and 1/6, and the periodogram ordinates |H|^2 of a
# complex Gaussian are correlated by their squares, 4/9 and 1/36.
_HANN_RHO2 = (4.0 / 9.0, 1.0 / 36.0)


def spectral_dof(k):
    r"""Equivalent degrees of freedom of the average of ``k`` neighbouring Hann-tapered periodogram
    ordinates (flat spectrum, Gaussian series).

    Each ordinate is S chi^2_2 / 2; with the correlations of neighbours (squared 4/9, next 1/36)

    .. math:: \nu = 2 (E\hat S)^2 / \mathrm{Var}\,\hat S
              = \frac{2K^2}{K + 2 (K-1) \tfrac49 + 2 (K-2) \tfrac1{36}}

    (Priestley 1981, Spectral analysis and time series, sec. 6.2.4).  The standardised error
    (mean - mu)/sem is then approximately Student-t with nu degrees of freedom.
    """
    k = int(k)
    if k < 1:
        raise ValueError(f"k = {k} is invalid: at least one ordinate")
    return 2.0 * k * k / (k + 2 * max(k - 1, 0) * _HANN_RHO2[0] + 2 * max(k - 2, 0) * _HANN_RHO2[1])


def spectral_sem(series, band, min_ordinates=3):
    r"""Mean of a stationary series and its standard error from the spectrum at zero frequency.

    Var(mean) = S(0)/n + O(n^-2) for a series of n samples with spectral density S (per sample,
    S(0) = sum_k gamma(k)).  S(0) is estimated by the Hann-tapered periodogram

    .. math:: I(f_k) = |\sum_t h_t x_t e^{-2\pi i k t/n}|^2 / \sum_t h_t^2,\quad h_t = \sin^2(\pi t/n),

    averaged over the Fourier frequencies f_k = k/n, k = 2 ... K + 1, that lie below ``band``
    (cycles per sample; k = 0, 1 are skipped: under the Hann taper they carry the sample mean).
    The taper's sidelobes fall as f^-6 (the untapered periodogram's and batch means' as f^-2), so
    a strong oscillation far above the band does not leak into the estimate; that leakage is what
    inflates batch-means errors in an oscillating network.  The band must lie where S is flat: the
    bias is the mean of S(f_k) - S(0) over the band, second order in the band's width for a smooth
    spectrum.  Returns ``(mean, sem, dof)``, dof from :func:`spectral_dof` (use Student-t).

    Parameters
    ----------
    series : array_like
        equally spaced samples of a stationary process.
    band : float
        upper edge of the band, cycles per sample (frequency in Hz times the sample spacing in s).
    min_ordinates : int
        K is at least this (the band is widened to it when the series is too short).
    """
    x = np.asarray(series, dtype=float).ravel()
    n = x.size
    k_top = max(int(np.floor(float(band) * n)), int(min_ordinates) + 1)
    if k_top + 1 > n // 2:
        raise ValueError(f"series of length {n} is too short for {min_ordinates} ordinates below band = {band:g}")
    h = np.sin(np.pi * np.arange(n) / n) ** 2
    X = np.fft.rfft(h * (x - x.mean()))[2:k_top + 1]
    s0 = float(np.mean(np.abs(X) ** 2)) / float(np.sum(h * h))
    k = X.size
    return float(x.mean()), float(np.sqrt(s0 / n)), spectral_dof(k)


def step_extrapolation(steps, means, sems, exponents):
    r"""Extrapolate an estimate to step size 0 from runs at several step sizes (Richardson).

    With a bias expansion :math:`m(h) = m_0 + \sum_j c_j h^{p_j}` whose exponents :math:`p_j` are
    known (e.g. 1/2 for a rectification floor of a constant-step stochastic approximation, 1 for
    its O(step) bias, the order of an integrator), the weights :math:`a_k` with
    :math:`\sum_k a_k = 1`, :math:`\sum_k a_k h_k^{p_j} = 0` cancel every listed term exactly, so
    :math:`\hat m_0 = \sum_k a_k m(h_k)` is left with the next term of the expansion only.  The
    runs are independent, so its standard error is :math:`(\sum_k a_k^2 s_k^2)^{1/2}`
    (Richardson 1911; Hairer, Norsett & Wanner, Solving ODEs I, sec. II.9).

    Parameters
    ----------
    steps : sequence of float
        the step sizes h_k (distinct, > 0), one more than ``exponents``.
    means, sems : sequence of float
        the estimate and its standard error at each step size.
    exponents : sequence of float
        the exponents p_j cancelled.

    Returns
    -------
    (m0, stderr, weights)
    """
    h = np.asarray(steps, float)
    p = np.asarray(exponents, float)
    if h.size != p.size + 1 or np.any(h <= 0) or np.unique(h).size != h.size:
        raise ValueError(f"{h.size} distinct positive step sizes are needed for {p.size} exponents")
    A = np.vstack([np.ones_like(h)] + [h ** q for q in p])
    rhs = np.zeros(h.size)
    rhs[0] = 1.0
    a = np.linalg.solve(A, rhs)
    m = float(a @ np.asarray(means, float))
    se = float(np.sqrt(np.sum((a * np.asarray(sems, float)) ** 2)))
    return m, se, a
