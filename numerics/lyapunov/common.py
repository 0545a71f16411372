"""Shared pieces of the Lyapunov-spectrum engines: QR step, entropy, dimension, localisation, CIs.

The Benettin / Shimada-Nagashima algorithm propagates an orthonormal set of ``m`` tangent vectors
``Q`` (an ``N x m`` matrix) with the Jacobians of the dynamics and re-orthonormalises it every
``n_ons`` steps by a QR decomposition ``Q~ = Q R`` with a positive diagonal of ``R``.  The
logarithms of ``R``'s diagonal, summed over the run and divided by its duration, converge to the
``m`` largest Lyapunov exponents:

.. math:: \\lambda_i = \\lim_{T\\to\\infty} \\frac{1}{T} \\sum_{k} \\ln R^{(k)}_{ii}.

From the exponents follow the Kolmogorov-Sinai entropy rate (Pesin's identity, an upper bound in
general) :math:`H = \\sum_{\\lambda_i > 0} \\lambda_i` and the Kaplan-Yorke dimension
:math:`D_{KY} = k + \\sum_{i\\le k} \\lambda_i / |\\lambda_{k+1}|` with ``k`` the largest index whose
partial sum is non-negative.

References
----------
Benettin, Galgani, Giorgilli, Strelcyn 1980, Meccanica 15:9; Shimada & Nagashima 1979,
Prog. Theor. Phys. 61:1605; Kaplan & Yorke 1979, Lecture Notes in Math. 730:204;
Engelken, Wolf, Abbott 2023, Phys. Rev. Research 5:043044.
"""
from __future__ import annotations

import math

import numpy as np
import scipy.linalg

from recnet import checks

__all__ = [
    "qr_positive", "ky_dimension", "entropy_rate", "participation_ratio", "block_bootstrap",
    "SpectrumResult", "check_m", "LN2", "blas_limit", "summarise",
]

LN2 = float(np.log(2.0))


def qr_positive(A, overwrite=False):
    """Thin QR decomposition with a non-negative diagonal of R.

    Parameters
    ----------
    A : ndarray, shape (N, m), m <= N
        the propagated tangent vectors.
    overwrite : bool
        let LAPACK overwrite ``A`` (saves a copy).

    Returns
    -------
    Q : ndarray (N, m)
        orthonormal columns spanning the same nested subspaces as ``A``.
    log_r : ndarray (m,)
        :math:`\\ln |R_{ii}|`, the log growth of the i-th volume increment.
    """
    Q, R = scipy.linalg.qr(A, mode="economic", overwrite_a=overwrite, check_finite=False)
    d = np.diagonal(R).copy()
    s = np.where(d < 0, -1.0, 1.0)
    Q *= s[None, :]
    with np.errstate(divide="ignore"):
        log_r = np.log(np.abs(d))
    return Q, log_r


def entropy_rate(exponents):
    """Kolmogorov-Sinai entropy rate bound :math:`H = \\sum_{\\lambda_i>0} \\lambda_i` (Pesin).

    Same unit as the exponents (nats per time unit); divide by ``LN2`` for bits.
    """
    lam = np.asarray(exponents, dtype=float)
    return float(lam[lam > 0].sum())


def ky_dimension(exponents):
    """Kaplan-Yorke (Lyapunov) dimension of the attractor.

    .. math:: D_{KY} = k + \\frac{\\sum_{i=1}^k \\lambda_i}{|\\lambda_{k+1}|},

    with the exponents sorted in decreasing order and ``k`` the largest index with
    :math:`\\sum_{i\\le k}\\lambda_i \\ge 0`.  Returns 0 when :math:`\\lambda_1 < 0` and ``m`` (the
    number of exponents given) when every partial sum is non-negative: then only a lower bound,
    because more exponents are needed.
    """
    lam = np.sort(np.asarray(exponents, dtype=float))[::-1]
    if lam.size == 0 or lam[0] < 0:
        return 0.0
    cs = np.cumsum(lam)
    k = int(np.nonzero(cs >= 0)[0].max()) + 1 if np.any(cs >= 0) else 0
    if k >= lam.size:
        return float(lam.size)
    return float(k + cs[k - 1] / abs(lam[k]))


def participation_ratio(Q):
    """Participation ratio of each column of ``Q``: :math:`(\\sum_i q_i^2)^2 / \\sum_i q_i^4`.

    Between 1 (a vector on one neuron) and N (spread evenly); a vector with Gaussian entries gives
    about N/3.
    """
    Q = np.asarray(Q, dtype=float)
    q2 = Q * Q
    return (q2.sum(axis=0) ** 2) / (q2 * q2).sum(axis=0)


def integrated_autocorrelation(x, max_lag=None):
    """Integrated autocorrelation time of a series, in samples: 1/2 + sum of the autocorrelation
    over lags until it first drops below zero (initial positive sequence, Geyer 1992)."""
    x = np.asarray(x, dtype=float)
    x = x - x.mean()
    n = x.size
    v = float(x @ x)
    if n < 4 or v == 0:
        return 0.5
    max_lag = max_lag or n // 4
    tau = 0.5
    for lag in range(1, max_lag):
        r = float(x[:-lag] @ x[lag:]) / v
        if r <= 0:
            break
        tau += r
    return tau


def block_bootstrap(increments, durations, n_boot=200, n_blocks=20, seed=0, alpha=0.05):
    """Exponents and bootstrap confidence intervals from per-interval log growths.

    The run is cut into contiguous blocks, each at least four integrated autocorrelation times of
    the local growth rate of the summed exponents long (so block means are nearly independent), and
    at most ``n_blocks`` of them; blocks are resampled with replacement and the exponent recomputed
    as (sum of log growths) / (sum of durations) in each resample.  If the run holds fewer than 4
    such blocks, 4 shorter ones are used and ``blocks_short`` is set: the errors are then likely
    underestimated (run longer).

    Parameters
    ----------
    increments : ndarray (n_intervals, m)
        :math:`\\ln R_{ii}` of each re-orthonormalisation interval.
    durations : ndarray (n_intervals,)
        length of each interval (time units, or 1 per step for maps).
    n_boot : int
        number of bootstrap resamples.
    n_blocks : int
        number of blocks (fewer when there are fewer intervals).
    seed : int or Generator
    alpha : float
        1 - confidence level (0.05 for 95% intervals).

    Returns
    -------
    dict with ``exponents`` (m,), ``ci_low``, ``ci_high`` (m,), ``stderr`` (m,) (bootstrap standard
    deviation of the estimate).
    """
    inc = np.atleast_2d(np.asarray(increments, dtype=float))
    dur = np.asarray(durations, dtype=float).ravel()
    if inc.shape[0] != dur.size:
        raise checks.ParameterError("durations", dur.size, f"{inc.shape[0]} entries, one per row of increments",
                                    f"increments has {inc.shape[0]} rows but durations has {dur.size} entries")
    if dur.size == 0:
        raise ValueError("no intervals recorded: t_sim is shorter than one re-orthonormalisation interval")
    rng = checks.rng(seed)
    lam = inc.sum(axis=0) / dur.sum()
    # block length from the slowest of: the top exponent's and the positive exponents' local rates
    series = [inc[:, 0] / dur, inc.sum(axis=1) / dur]
    pos = lam > 0
    if np.any(pos):
        series.append(inc[:, pos].sum(axis=1) / dur)
    tau_int = max(integrated_autocorrelation(s_) for s_ in series)
    min_len = max(1, int(math.ceil(4 * tau_int)))
    nb = int(min(n_blocks, dur.size // min_len))
    short = nb < 4
    if short:      # the run is short for its correlation time: 4 blocks anyway, flagged
        nb = min(4, dur.size)
    if nb < 2:
        nan = np.full(lam.shape, np.nan)
        return {"exponents": lam, "ci_low": nan, "ci_high": nan, "stderr": nan, "samples": None,
                "n_blocks": nb, "tau_int": tau_int, "blocks_short": True}
    edges = np.linspace(0, dur.size, nb + 1).astype(int)
    bsum = np.add.reduceat(inc, edges[:-1], axis=0)           # (nb, m)
    bdur = np.add.reduceat(dur, edges[:-1])                   # (nb,)
    idx = rng.integers(0, nb, size=(n_boot, nb))
    boots = bsum[idx].sum(axis=1) / bdur[idx].sum(axis=1)[:, None]
    lo, hi = np.quantile(boots, [alpha / 2, 1 - alpha / 2], axis=0)
    return {"exponents": lam, "ci_low": lo, "ci_high": hi, "stderr": boots.std(axis=0, ddof=1),
            "samples": boots, "n_blocks": nb, "tau_int": tau_int, "blocks_short": short}


def check_m(m, n):
    """Number of exponents: an int in [1, n] (None means all n)."""
    if m is None:
        return int(n)
    m = checks.integer("m", m, minimum=1)
    if m > n:
        raise checks.ParameterError("m", m, f"cannot compute more exponents than the phase-space dimension "
                                    f"N = {n} (choose 1 <= m <= {n})")
    return m


def blas_limit(threads="auto", n=0, m=None):
    """Context manager limiting BLAS threads (threadpoolctl when installed; no-op otherwise).

    ``threads="auto"``: 1 thread unless both the state dimension ``n`` and the number of tangent
    vectors ``m`` reach 600 (on small or thin matrices multi-threaded BLAS loses more to
    synchronisation than it gains, and on a loaded machine spinning threads made steps 10-70x
    slower); None leaves the setting alone; an int sets it.
    """
    import contextlib
    if threads == "auto":
        threads = 1 if min(n, n if m is None else m) < 600 else None
    if threads is None:
        return contextlib.nullcontext()
    threads = checks.integer("blas_threads", threads, minimum=1)
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover
        return contextlib.nullcontext()
    return threadpool_limits(limits=threads, user_api="blas")


class SpectrumResult(dict):
    """A dict of spectrum results with attribute access (``res.exponents``).

    Keys always present: ``exponents`` (sorted decreasing), ``ci_low``, ``ci_high``, ``stderr``,
    ``entropy_rate``, ``ky_dimension``, ``participation_ratio``, ``convergence_t``,
    ``convergence`` (running estimates of the exponents), ``t_ons``.
    """

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


def summarise(increments, durations, Q, *, n_boot=200, n_blocks=20, seed=0, n_conv=200, extra=None):
    """Collect exponents, CIs, H, D_KY, participation ratios and a convergence series."""
    boot = block_bootstrap(increments, durations, n_boot=n_boot, n_blocks=n_blocks, seed=seed)
    inc = np.atleast_2d(np.asarray(increments, dtype=float))
    dur = np.asarray(durations, dtype=float)
    t = np.cumsum(dur)
    stride = max(1, t.size // n_conv)
    sel = np.arange(stride - 1, t.size, stride)
    conv = np.cumsum(inc, axis=0)[sel] / t[sel, None]
    lam = boot["exponents"]
    # QR with positive diagonal keeps the exponents nearly ordered; sort for the reported spectrum
    order = np.argsort(-lam, kind="stable")
    res = SpectrumResult(
        exponents=lam[order], ci_low=boot["ci_low"][order], ci_high=boot["ci_high"][order],
        stderr=boot["stderr"][order], entropy_rate=entropy_rate(lam), ky_dimension=ky_dimension(lam),
        participation_ratio=participation_ratio(Q)[order] if Q is not None else None,
        convergence_t=t[sel], convergence=conv[:, order], t_total=float(t[-1]) if t.size else 0.0,
        n_intervals=int(dur.size), n_blocks=boot["n_blocks"], tau_int_intervals=boot["tau_int"],
        blocks_short=bool(boot["blocks_short"]),
    )
    # H and D_KY from the same bootstrap resamples (their spread is their standard error)
    smp = boot["samples"]
    if smp is not None:
        hs = np.array([entropy_rate(r) for r in smp])
        ds = np.array([ky_dimension(r) for r in smp])
        res["entropy_rate_stderr"] = float(hs.std(ddof=1))
        res["ky_dimension_stderr"] = float(ds.std(ddof=1))
    else:
        res["entropy_rate_stderr"] = res["ky_dimension_stderr"] = float("nan")
    if extra:
        res.update(extra)
    return res
