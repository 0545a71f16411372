r"""Estimators of collective activity from recorded data: dimension, covariance dispersion, branching ratio.

All functions take plain arrays: ``X`` of shape (T, N) holds T time bins of N units (rates averaged
in a bin, or spike counts in a bin); ``A`` holds a population count series.

Participation ratio (dimension)
-------------------------------
.. math:: \mathrm{PR} = \frac{(\operatorname{tr} C)^2}{\operatorname{tr} C^2}
          = \frac{(\sum_i C_{ii})^2}{\sum_{ij} C_{ij}^2}

of the covariance C of the binned activity (Clark, Abbott & Litwin-Kumar 2023, PRL 131:118401).

Covariance dispersion and distance to criticality
-------------------------------------------------
With :math:`\bar a = \frac1N\sum_i C_{ii}` the mean auto-covariance and :math:`\delta c^2` the
variance of the cross-covariances over the ordered pairs i != j,

.. math:: \Delta = \frac{N\,\delta c^2}{\bar a^2} = \frac{1}{(1 - R^2)^2} - 1,
          \qquad R = \sqrt{1 - (1 + \Delta)^{-1/2}},

the second equality from linear response theory for the *zero-frequency* covariances (spike counts
or integrated rates in windows much longer than the network's slowest time constant) of a network
whose effective connectivity has spectral radius R (Dahmen, Gruen, Diesmann & Helias 2019, PNAS
116:13051, eq. 2 and SI).  Equal-time covariances of a rate network (bins shorter than the
correlation time) do **not** obey this relation: the bin must be long.

Finite-sample bias (all three covariance statistics)
----------------------------------------------------
With :math:`y_t = x_t - \bar x` and :math:`\hat C = \frac1n\sum_t y_t y_t^T` (n bins), the plug-in
statistics :math:`A = (\operatorname{tr}\hat C)^2`, :math:`B = \sum_{ij}\hat C_{ij}^2`,
:math:`D = \sum_i \hat C_{ii}^2` and :math:`O = \sum_{i\neq j}\hat C_{ij}` are biased at order 1/n by
the sampling variance of :math:`\hat C` (B counts the noise of all N^2 entries: the dominant bias
when n is not much larger than N x PR).  For a stationary series (no Gaussian assumption),

.. math:: E[B] = b + \frac1n\sum_{|k|<L}\Big(1-\frac{|k|}{n}\Big)
          \big(E[(y_t\cdot y_{t+k})^2] - b\big) - \frac2n\operatorname{tr}(C S_0),

with :math:`S_0 = \sum_k \Gamma(k)` the lag-summed covariance (the second term is the mean
subtraction), and likewise for A (with :math:`|y_t|^2|y_{t+k}|^2`), D (with
:math:`\sum_i y_{ti}^2 y_{t+k,i}^2`) and O (with the series :math:`v_t = (\sum_i y_{ti})^2 - |y_t|^2`).
The lag sums run over the initial positive sequence of their terms (at most ``max_lag`` lags).  The
estimators subtract these biases, estimated from the same data; what remains is O(1/n^2) and the
O(1/n) bias of a ratio of unbiased estimates (smaller than the standard error when n >> 1).

Standard errors are delete-one-block jackknife errors over ``n_blocks`` contiguous blocks (blocks
much longer than the correlation time are nearly independent), with ``n_blocks - 1`` degrees of
freedom (Student t).

Branching ratio
---------------
Multistep regression (Wilting & Priesemann 2018, Nat Commun 9:2325): the regression slopes
:math:`r_k = \mathrm{Cov}(A_t, A_{t+k}) / \mathrm{Var}(A_t)` (front and back windows with their own
means, pooled over trials) decay as :math:`r_k = b\,m^k` for a (possibly subsampled) branching
process; m is fitted by least squares over k = 1..kmax and is unbiased under subsampling (b absorbs
it).  Same definition as ``mrestimator.coefficients(method='stationarymean')`` with the
``f_exponential`` fit, written independently.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from recnet.checks import ParameterError, array, integer, positive

__all__ = ["Estimate", "participation_ratio", "participation_ratio_of", "covariance_dispersion",
           "dispersion_of", "spectral_radius_from_dispersion", "dispersion_from_spectral_radius",
           "regression_slopes", "branching_ratio", "bin_spike_counts", "bin_traces"]


@dataclass
class Estimate:
    """An estimate with its standard error.

    Attributes
    ----------
    value : float
        bias-corrected estimate.
    stderr : float
        delete-one-block jackknife standard error (NaN if fewer than 2 blocks).
    dof : int
        degrees of freedom of ``stderr`` (n_blocks - 1).
    naive : float
        the plug-in estimate without bias correction.
    details : dict
        intermediate numbers (n bins, lags summed, ...).
    """

    value: float
    stderr: float
    dof: int
    naive: float = float("nan")
    details: dict = field(default_factory=dict)

    def to_dict(self):
        return {"value": self.value, "stderr": self.stderr, "dof": self.dof, "naive": self.naive, **self.details}


# ------------------------------------------------------------------------------ input checks
def _activity(X, name="activity", min_bins=8):
    a = array(name, X, ndim=2)
    T, N = a.shape
    if N < 2:
        raise ParameterError(name, f"<array of shape {a.shape}>", "needs at least 2 units (columns)")
    if T < min_bins:
        raise ParameterError(name, f"<array of shape {a.shape}>", f"needs at least {min_bins} time bins (rows)")
    if np.any(a.var(axis=0) == 0):
        k = int(np.flatnonzero(a.var(axis=0) == 0)[0])
        raise ParameterError(name, f"<array of shape {a.shape}>", "every unit must vary over time",
                             f"{name}: unit {k} is constant over all {T} bins (silent?): drop silent units "
                             "before estimating covariances")
    return a


def _blocks_check(n_blocks, T, name="n_blocks"):
    nb = integer(name, n_blocks, minimum=2)
    if T // nb < 4:
        raise ParameterError(name, nb, f"at most {T // 4} for {T} bins (each block needs >= 4 bins)")
    return nb


# ------------------------------------------------------------------------ covariance statistics
def _lag_sum(series_fn, n, max_lag):
    """sum_{|k|<L} (1 - |k|/n) s(k) over the initial positive sequence of s(k), k >= 1."""
    total = series_fn(0)
    lags = 0
    for k in range(1, max_lag + 1):
        s = series_fn(k)
        if not s > 0:
            break
        total += 2.0 * (1.0 - k / n) * s
        lags = k
    return total, lags


def _cov_stats(X, max_lag, correct=True):
    """Plug-in (A, B, D, O, trace) of the covariance of X and their bias-corrected versions."""
    n, N = X.shape
    Y = X - X.mean(axis=0)
    C = Y.T @ Y / n
    diag = np.diag(C).copy()
    tr = diag.sum()
    A, B, D = tr * tr, float(np.sum(C * C)), float(np.sum(diag * diag))
    u = Y.sum(axis=1)
    sq = np.einsum("ti,ti->t", Y, Y)          # |y_t|^2
    v = u * u - sq                           # sum_{i != j} y_ti y_tj
    O = float(v.mean())
    plug = dict(A=A, B=B, D=D, O=O, tr=tr)
    if not correct:
        return plug, plug, {}
    L = int(min(max_lag, n // 4))
    Z = Y @ C                                # for tr(C Gamma(k))
    Y2 = Y * Y

    def mean_lag(f, g, k):
        return float(np.mean(f[: n - k] * g[k:])) if k else float(np.mean(f * g))

    def lagged(fn):
        # symmetric lag sum with the same truncation rule for every statistic
        return _lag_sum(fn, n, L)

    # fluctuation terms: (1/n) sum_k (1-|k|/n) Cov(stat_t, stat_{t+k}) of the per-bin summands
    def dot2(k):
        d = np.einsum("ti,ti->t", Y[: n - k], Y[k:]) if k else sq
        return float(np.mean(d * d)) - B

    var_B, lB = lagged(dot2)
    var_A, lA = lagged(lambda k: mean_lag(sq, sq, k) - A)
    var_D, lD = lagged(lambda k: float(np.mean(np.einsum("ti,ti->t", Y2[: n - k], Y2[k:]))) - D)
    var_O, lO = lagged(lambda k: mean_lag(v, v, k) - O * O)
    # mean subtraction: E[C_hat] = C - S0/n with S0 = sum_k Gamma(k)
    trS0, _ = lagged(lambda k: float(np.mean(np.einsum("ti,ti->t", Y[: n - k], Y[k:]))) if k else tr)
    trCS0, _ = lagged(lambda k: float(np.mean(np.einsum("ti,ti->t", Z[: n - k], Y[k:]))) if k else B)
    S0ii = np.zeros(N)
    Ls = 0
    for k in range(0, L + 1):
        g = (Y[: n - k] * Y[k:]).mean(axis=0) if k else diag
        if k and not g.sum() > 0:
            break
        S0ii += g if k == 0 else 2.0 * (1.0 - k / n) * g
        Ls = k
    sumS0, _ = lagged(lambda k: mean_lag(u, u, k))
    corr = dict(
        A=A - var_A / n + 2.0 * tr * trS0 / n,
        B=B - var_B / n + 2.0 * trCS0 / n,
        D=D - var_D / n + 2.0 * float(np.sum(diag * S0ii)) / n,
        O=O + (sumS0 - trS0) / n,
        tr=tr + trS0 / n,
    )
    # O^2 appears in delta c^2: its own variance bias Var(O_hat) = var_O / n
    corr["O2"] = corr["O"] ** 2 - var_O / n
    plug["O2"] = O * O
    info = {"lags_summed": int(max(lA, lB, lD, lO, Ls)), "max_lag": L}
    return plug, corr, info


def _pr(s):
    return s["A"] / s["B"]


def _delta(s, N):
    a2 = s["A"] / N ** 2                                   # mean auto-covariance, squared
    npairs = N * (N - 1)
    mean_c2 = (s["B"] - s["D"]) / npairs                   # mean over pairs of c_ij^2
    cbar2 = s["O2"] / npairs ** 2                          # (mean over pairs of c_ij)^2
    return N * (mean_c2 - cbar2) / a2


def _jackknife(X, n_blocks, fn):
    n = X.shape[0]
    edges = np.linspace(0, n, n_blocks + 1).astype(int)
    vals = []
    for b in range(n_blocks):
        keep = np.concatenate([X[: edges[b]], X[edges[b + 1]:]])
        vals.append(fn(keep))
    vals = np.asarray(vals, dtype=float)
    if not np.all(np.isfinite(vals)):
        return float("nan")
    return float(np.sqrt((n_blocks - 1) / n_blocks * np.sum((vals - vals.mean()) ** 2)))


def participation_ratio_of(C):
    r"""Participation ratio of a given covariance matrix: :math:`(\operatorname{tr}C)^2/\operatorname{tr}C^2`."""
    C = array("C", C, ndim=2)
    if C.shape[0] != C.shape[1]:
        raise ParameterError("C", f"<array of shape {C.shape}>", "must be a square matrix")
    return float(np.trace(C) ** 2 / np.sum(C * C))


def dispersion_of(C):
    r"""Covariance dispersion :math:`\Delta = N\,\delta c^2/\bar a^2` of a given covariance matrix.

    :math:`\bar a` is the mean of the diagonal, :math:`\delta c^2` the variance (ddof 0) of the
    off-diagonal entries (Dahmen et al. 2019, PNAS 116:13051).
    """
    C = array("C", C, ndim=2)
    N = C.shape[0]
    if C.shape[1] != N or N < 2:
        raise ParameterError("C", f"<array of shape {C.shape}>", "must be a square matrix with N >= 2")
    off = C[~np.eye(N, dtype=bool)]
    return float(N * off.var() / np.mean(np.diag(C)) ** 2)


def spectral_radius_from_dispersion(delta):
    r"""Inferred spectral radius :math:`R = \sqrt{1 - (1+\Delta)^{-1/2}}` (Dahmen et al. 2019).

    Inverse of :func:`dispersion_from_spectral_radius`; Delta < 0 (possible for a bias-corrected
    estimate of a nearly uncoupled network) gives R = 0.
    """
    d = float(delta)
    if not np.isfinite(d) or d <= -1:
        raise ParameterError("delta", delta, "must be finite and > -1")
    return float(np.sqrt(max(0.0, 1.0 - 1.0 / np.sqrt(1.0 + d))))


def dispersion_from_spectral_radius(R):
    r""":math:`\Delta = 1/(1 - R^2)^2 - 1` (Dahmen et al. 2019, linear response, large N)."""
    r = float(R)
    if not 0 <= r < 1:
        raise ParameterError("R", R, "must lie in [0, 1) (a stable linear network)")
    return float(1.0 / (1.0 - r * r) ** 2 - 1.0)


def participation_ratio(X, *, n_blocks=20, max_lag=200, correct_bias=True):
    r"""Participation ratio of the covariance of binned activity, bias-corrected, with jackknife error.

    Parameters
    ----------
    X : array (T, N)
        T time bins of N units (binned rates or spike counts).
    n_blocks : int
        blocks of the delete-one-block jackknife (Student t with n_blocks - 1 dof).
    max_lag : int
        longest lag (in bins) in the autocorrelation sums of the bias correction.
    correct_bias : bool
        subtract the O(1/T) sampling bias (module docstring); False gives the plug-in estimate.

    Returns
    -------
    Estimate
        ``value`` = PR (between 1 and N), ``details["per_n"]`` = PR/N and its stderr.

    Notes
    -----
    :math:`\mathrm{PR} = (\operatorname{tr}C)^2/\operatorname{tr}C^2` (Clark, Abbott & Litwin-Kumar
    2023, PRL 131:118401).  The plug-in estimate is biased low by about N/(T/2 tau) relative when T is
    not much larger than N x PR.
    """
    X = _activity(X)
    nb = _blocks_check(n_blocks, X.shape[0])
    ml = integer("max_lag", max_lag, minimum=0)
    N = X.shape[1]

    def est(Z):
        plug, corr, info = _cov_stats(Z, ml, correct_bias)
        s = corr if correct_bias else plug
        if not (s["A"] > 0 and s["B"] > 0):
            return float("nan"), _pr(plug), info
        return _pr(s), _pr(plug), info

    value, naive, info = est(X)
    if not np.isfinite(value):
        raise ParameterError("activity", f"<array of shape {X.shape}>",
                             "too few time bins for a bias-corrected participation ratio",
                             f"activity: {X.shape[0]} bins are too few for {N} units (the bias-corrected "
                             "trace of C^2 is not positive): record longer or use fewer units")
    se = _jackknife(X, nb, lambda Z: est(Z)[0])
    return Estimate(value, se, nb - 1, naive, {"per_n": value / N, "per_n_stderr": se / N, "n_bins": X.shape[0],
                                               "n_units": N, **info})


def covariance_dispersion(X, *, n_blocks=20, max_lag=200, correct_bias=True):
    r"""Covariance dispersion :math:`\Delta` and inferred spectral radius R from binned activity.

    Parameters
    ----------
    X : array (T, N)
        T bins of N units; bins must be much longer than the network's slowest time constant for
        the relation to R (zero-frequency covariances, Dahmen et al. 2019).
    n_blocks, max_lag, correct_bias :
        as in :func:`participation_ratio`.

    Returns
    -------
    (Estimate, Estimate)
        Delta and R; R's error is the jackknife error of the inferred R.

    Notes
    -----
    :math:`\Delta = N\,\delta c^2/\bar a^2` with :math:`\bar a` the mean auto-covariance and
    :math:`\delta c^2` the variance of the cross-covariances over pairs i != j; the sampling noise of
    each estimated :math:`\hat c_{ij}` (variance ~ :math:`\bar a^2/T`) inflates the plug-in
    :math:`\delta c^2` and is subtracted (module docstring).  R from :func:`spectral_radius_from_dispersion`.
    """
    X = _activity(X)
    nb = _blocks_check(n_blocks, X.shape[0])
    ml = integer("max_lag", max_lag, minimum=0)
    N = X.shape[1]

    def est(Z):
        plug, corr, info = _cov_stats(Z, ml, correct_bias)
        return _delta(corr if correct_bias else plug, N), _delta(plug, N), info

    def r_of(d):
        return spectral_radius_from_dispersion(max(d, 0.0))

    delta, naive, info = est(X)
    se_d = _jackknife(X, nb, lambda Z: est(Z)[0])
    se_r = _jackknife(X, nb, lambda Z: r_of(est(Z)[0]))
    details = {"n_bins": X.shape[0], "n_units": N, **info}
    return (Estimate(delta, se_d, nb - 1, naive, details),
            Estimate(r_of(delta), se_r, nb - 1, r_of(naive), details))


# ------------------------------------------------------------------------------ branching ratio
def _counts(A):
    a = array("activity", A, dtype=float)
    if a.ndim == 1:
        a = a[None, :]
    if a.ndim != 2:
        raise ParameterError("activity", f"<array of shape {a.shape}>", "must be (T,) or (trials, T)")
    return a


def regression_slopes(A, kmax):
    r"""Multistep regression slopes :math:`r_k`, k = 1..kmax (Wilting & Priesemann 2018, eq. 3).

    :math:`r_k = \widehat{\mathrm{Cov}}(A_t, A_{t+k})/\widehat{\mathrm{Var}}(A_t)`, the least-squares slope
    of :math:`A_{t+k}` on :math:`A_t`, with front (t < T - k) and back (t >= k) windows pooled over
    trials, each with its own mean.
    """
    a = _counts(A)
    T = a.shape[1]
    km = integer("kmax", kmax, minimum=1, maximum=max(1, T // 2))
    r = np.empty(km)
    for k in range(1, km + 1):
        f, b = a[:, : T - k], a[:, k:]
        fc, bc = f - f.mean(), b - b.mean()
        var = np.mean(fc * fc)
        if var == 0:
            raise ParameterError("activity", "<array>", "the population activity must vary over time")
        r[k - 1] = np.mean(fc * bc) / var
    return r


def _fit_exponential(r):
    """Least-squares fit r_k = b m^k (k = 1..kmax): returns (m, b)."""
    from scipy.optimize import curve_fit

    k = np.arange(1, r.size + 1, dtype=float)
    m0 = float(np.clip(r[1] / r[0] if r.size > 1 and r[0] > 0 else r[0], 1e-3, 0.9999))
    b0 = float(max(r[0] / m0, 1e-6))

    def f(k, m, b):
        return b * m ** k

    try:
        p, _ = curve_fit(f, k, r, p0=(m0, b0), bounds=([1e-9, 0.0], [1.5, np.inf]), maxfev=10000)
    except RuntimeError:
        return float("nan"), float("nan")
    return float(p[0]), float(p[1])


def branching_ratio(A, *, kmax=None, n_blocks=20):
    r"""Branching ratio m by multistep regression (Wilting & Priesemann 2018, Nat Commun 9:2325).

    Parameters
    ----------
    A : array (T,) or (trials, T)
        population activity (counts per bin).
    kmax : int, optional
        longest regression step; default ``ceil(10 / (1 - r_1))`` bins (ten times the
        autocorrelation time estimated from r_1, at least 10, at most T/10).
    n_blocks : int
        jackknife blocks (over trials when there are >= n_blocks trials, else contiguous blocks of
        time, each treated as a trial).

    Returns
    -------
    Estimate
        m, with ``naive`` = r_1 (the conventional estimator, biased by subsampling) and
        ``details`` holding ``kmax``, ``b`` and the slopes ``r_k``.
    """
    a = _counts(A)
    trials, T = a.shape
    if T < 20:
        raise ParameterError("activity", f"<array of shape {a.shape}>", "needs at least 20 time bins")
    nb = integer("n_blocks", n_blocks, minimum=2)
    if kmax is None:
        r1 = regression_slopes(a, 1)[0]
        tau = 1.0 / max(1.0 - min(r1, 0.999), 1e-3)
        km = int(min(max(10, np.ceil(10 * tau)), T // 10))
    else:
        km = integer("kmax", kmax, minimum=2, maximum=T // 2)
    r = regression_slopes(a, km)
    m, b = _fit_exponential(r)
    if not np.isfinite(m):
        raise ParameterError("activity", "<array>", "an exponential decay of the regression slopes",
                             "activity: the regression slopes r_k do not decay exponentially (fit failed); "
                             "the data do not look like a branching process")
    # jackknife
    if trials >= nb:
        groups = np.array_split(np.arange(trials), nb)
        pieces = [a[g] for g in groups]
    else:
        blen = T // nb
        if blen < 2 * km + 2:
            nb = max(2, T // (2 * km + 2))
            blen = T // nb
        pieces = [a[:, i * blen:(i + 1) * blen] for i in range(nb)]
    vals = []
    for i in range(len(pieces)):
        rest = [p for j, p in enumerate(pieces) if j != i]
        if trials >= n_blocks:
            data = np.concatenate(rest, axis=0)
        else:
            data = np.concatenate([p for p in rest], axis=0)   # blocks as trials
        vals.append(_fit_exponential(regression_slopes(data, km))[0])
    vals = np.asarray(vals)
    K = len(pieces)
    se = float(np.sqrt((K - 1) / K * np.sum((vals - vals.mean()) ** 2))) if np.all(np.isfinite(vals)) else float("nan")
    return Estimate(m, se, K - 1, float(r[0]), {"kmax": km, "b": b, "r_k": r, "n_bins": T, "n_trials": trials})


# ---------------------------------------------------------------------------------------- binning
def bin_spike_counts(times_ms, ids, n_units, bin_ms, t_start_ms=None, t_stop_ms=None):
    """Spike counts (T, N) in bins of ``bin_ms`` ms from spike times (ms) and unit ids 0..n_units-1."""
    t = array("times_ms", times_ms, ndim=1)
    i = array("ids", ids, ndim=1, dtype=np.int64)
    if t.size != i.size:
        raise ParameterError("ids", f"<{i.size} ids>", f"one id per spike time ({t.size} times)")
    n = integer("n_units", n_units, minimum=1)
    if i.size and (i.min() < 0 or i.max() >= n):
        raise ParameterError("ids", f"<ids in [{i.min()}, {i.max()}]>", f"must lie in [0, {n - 1}]")
    b = positive("bin_ms", bin_ms, "ms")
    t0 = float(t.min()) if t_start_ms is None and t.size else float(t_start_ms or 0.0)
    t1 = float(t.max()) if t_stop_ms is None and t.size else float(t_stop_ms or 0.0)
    nbins = int(np.floor((t1 - t0) / b + 1e-9))
    if t_stop_ms is None:
        nbins = max(nbins, 1)
    if nbins < 1:
        raise ParameterError("bin_ms", b, f"shorter than the recording ({t1 - t0:g} ms)")
    k = np.floor((t - t0) / b).astype(np.int64)
    m = (k >= 0) & (k < nbins)
    out = np.zeros((nbins, n))
    np.add.at(out, (k[m], i[m]), 1.0)
    return out


def bin_traces(X, dt_ms, bin_ms):
    """Average rate traces (T, N) sampled every ``dt_ms`` over bins of ``bin_ms`` (a multiple of dt)."""
    X = array("rates", X, ndim=2)
    dt = positive("dt_ms", dt_ms, "ms")
    b = positive("bin_ms", bin_ms, "ms")
    steps = b / dt
    if abs(steps - round(steps)) > 1e-6 * steps or round(steps) < 1:
        raise ParameterError("bin_ms", bin_ms, f"must be a positive multiple of the sampling step {dt:g} ms")
    s = int(round(steps))
    nb = X.shape[0] // s
    if nb < 1:
        raise ParameterError("bin_ms", bin_ms, f"at most the recording length {X.shape[0] * dt:g} ms")
    return X[: nb * s].reshape(nb, s, X.shape[1]).mean(axis=1)
