r"""Finite-size extrapolation of simulated network statistics to N -> infinity.

A quantity q measured in networks of N units (mean over independent network realisations, with its
standard error) approaches its mean-field value with a power series in a small parameter x(N):

.. math::

    q(N) = q_\infty + a\,x(N) + b\,x(N)^2 + \dots,\qquad x = 1/N \text{ (default)}.

For disorder-averaged quantities of random rate networks the path-integral treatment of the DMFT
expands in 1/N (Crisanti & Sompolinsky 2018, PRE 98:062120, who note that the same formalism gives
the systematic finite-size corrections), so the leading correction is a/N; :func:`fit` also offers
``1/N + 1/N^2`` and ``1/sqrt(N)`` so the data can speak when 1/N does not fit.

The fit is weighted least squares (weights 1/sem^2).  Its quality is the chi-square per degree of
freedom; when chi2/dof > 1 the parameter errors are inflated by sqrt(chi2/dof) (the Birge ratio:
the scatter about the model is larger than the stated errors, so the errors are scaled up to match
it; never scaled down).  The comparison with theory then uses q_inf +- its (inflated) standard
error and a Student-t quantile for the number of realisations behind the errors.

With few realisations per size the per-size standard errors are themselves noisy (2 samples give
an error estimate with one degree of freedom); :func:`fit_samples` therefore can pool the
realisation-to-realisation variance across sizes under the self-averaging law
var(N) = c / N^p (p = 1 by default: sample-to-sample fluctuations of a self-averaging mean over N
units), estimate c from all sizes together and derive each size's error from it.  The pooled
estimate has sum_k (n_k - 1) degrees of freedom.
"""
from __future__ import annotations

import math

import numpy as np

from recnet import checks

__all__ = ["MODELS", "fit", "fit_samples", "pooled_variance", "n_sigma_for", "exponent_interval"]

MODELS = {
    "1/N": (lambda n: np.vstack([np.ones_like(n), 1.0 / n]).T, ("q_inf", "a")),
    "1/N+1/N^2": (lambda n: np.vstack([np.ones_like(n), 1.0 / n, 1.0 / n ** 2]).T, ("q_inf", "a", "b")),
    "1/sqrt(N)": (lambda n: np.vstack([np.ones_like(n), 1.0 / np.sqrt(n)]).T, ("q_inf", "a")),
}


def fit(sizes, means, sems, model="1/N"):
    r"""Weighted least-squares fit of q(N) = q_inf + a x(N) (+ b x(N)^2) and its quality.

    Parameters
    ----------
    sizes : sequence of int
        network sizes N (at least as many distinct sizes as the model has parameters).
    means : sequence of float
        the mean of q over realisations at each size.
    sems : sequence of float > 0
        the standard error of each mean.
    model : {"1/N", "1/N+1/N^2", "1/sqrt(N)"}

    Returns
    -------
    dict with
        ``q_inf``, ``q_inf_stderr`` (inflated by sqrt(chi2/dof) when that exceeds 1),
        ``q_inf_stderr_raw`` (from the stated errors alone), ``coef`` (all parameters), ``cov``
        (their covariance, inflated), ``chi2``, ``dof``, ``chi2_dof`` (NaN when dof = 0),
        ``p_value`` (probability of a chi2 at least as large if the model and errors are right),
        ``inflation`` (the factor applied), ``model``, ``residuals`` (in units of sem).
    """
    from scipy.stats import chi2 as chi2_dist
    if model not in MODELS:
        raise checks.ParameterError("model", model, f"one of {sorted(MODELS)}")
    n = np.asarray(sizes, dtype=float).ravel()
    y = np.asarray(means, dtype=float).ravel()
    s = np.asarray(sems, dtype=float).ravel()
    if not (n.size == y.size == s.size):
        raise checks.ParameterError("means", means, f"sizes, means and sems of equal lengths (got {n.size}, {y.size}, {s.size})")
    basis, names = MODELS[model]
    k = len(names)
    if np.unique(n).size < k:
        raise checks.ParameterError("sizes", n.tolist(), f"at least {k} distinct sizes for model {model!r}")
    if np.any(n <= 0) or not np.all(np.isfinite(n)):
        raise checks.ParameterError("sizes", n.tolist(), "positive")
    if not np.all(np.isfinite(y)):
        raise checks.ParameterError("means", y.tolist(), "finite")
    if np.any(~np.isfinite(s)) or np.any(s <= 0):
        raise checks.ParameterError("sems", s.tolist(), "finite and > 0")
    A = basis(n)
    w = 1.0 / s ** 2
    cov = np.linalg.inv(A.T @ (A * w[:, None]))
    coef = cov @ (A.T @ (w * y))
    r = (y - A @ coef) / s
    chi2 = float(r @ r)
    dof = int(n.size - k)
    chi2_dof = chi2 / dof if dof > 0 else float("nan")
    p_value = float(chi2_dist.sf(chi2, dof)) if dof > 0 else float("nan")
    infl = math.sqrt(chi2_dof) if dof > 0 and chi2_dof > 1.0 else 1.0
    return {"model": model, "params": names, "coef": coef, "cov": cov * infl ** 2,
            "q_inf": float(coef[0]), "q_inf_stderr": float(math.sqrt(cov[0, 0]) * infl),
            "q_inf_stderr_raw": float(math.sqrt(cov[0, 0])), "a": float(coef[1]),
            "a_stderr": float(math.sqrt(cov[1, 1]) * infl), "chi2": chi2, "dof": dof,
            "chi2_dof": chi2_dof, "p_value": p_value, "inflation": infl, "residuals": r,
            "sizes": n, "means": y, "sems": s}


def pooled_variance(sizes, samples, power=1.0):
    r"""Pooled estimate of the variance law var(N) = c / N^p from per-size samples.

    Each size's unbiased sample variance s_k^2 (n_k realisations, nu_k = n_k - 1 degrees of
    freedom) is a scaled chi-square variable, nu_k s_k^2 / var(N_k) ~ chi2(nu_k).  For a given p the
    maximum-likelihood c is the pooled estimate c = sum_k nu_k s_k^2 N_k^p / sum_k nu_k; with
    ``power="fit"`` p is the maximum-likelihood exponent as well (profile likelihood
    sum_k nu_k ln c(p) - p sum_k nu_k ln N_k, minimised over 0 <= p <= 2).

    Parameters
    ----------
    sizes : sequence of int
    samples : sequence of sequences (one per size)
    power : float or "fit"

    Returns
    -------
    (c, p, dof) : the law's constant and exponent and the degrees of freedom left for the errors
    (sum of nu_k, minus one when p was fitted).
    """
    Ns, nus, s2 = [], [], []
    for N, x in zip(sizes, samples):
        x = np.asarray(x, dtype=float).ravel()
        x = x[np.isfinite(x)]
        if x.size >= 2:
            Ns.append(float(N)); nus.append(x.size - 1); s2.append(float(x.var(ddof=1)))
    Ns, nus, s2 = np.array(Ns), np.array(nus, float), np.array(s2)
    dof = int(nus.sum())
    if dof == 0:
        raise ValueError("pooled_variance needs at least one size with two or more samples")

    def c_of(p):
        return float(np.sum(nus * s2 * Ns ** p) / nus.sum())

    if isinstance(power, str):
        if power != "fit":
            raise ValueError(f"power = {power!r} is invalid: a number or 'fit'")
        if np.unique(Ns).size < 2 or dof < 3:
            raise ValueError("power = 'fit' needs sample variances at two or more sizes (>= 3 degrees of freedom)")
        from scipy.optimize import minimize_scalar
        lnN = float(np.sum(nus * np.log(Ns)))
        res = minimize_scalar(lambda p: nus.sum() * math.log(max(c_of(p), 1e-300)) - p * lnN,
                              bounds=(0.0, 2.0), method="bounded", options={"xatol": 1e-6})
        p = float(res.x)
        return c_of(p), p, dof - 1
    p = checks.finite("power", power)
    return c_of(p), float(p), dof


def fit_samples(sizes, samples, model="1/N", pool=True, var_power=1.0):
    """Extrapolate per-realisation samples at several sizes (see :func:`fit`).

    Parameters
    ----------
    sizes : sequence of int
        network sizes N.
    samples : sequence of sequences
        the per-realisation values of q at each size (independent realisations; >= 1 each, and
        >= 2 somewhere when ``pool``, >= 2 everywhere otherwise).
    model : str
        see :func:`fit`.
    pool : bool
        derive each size's standard error from the pooled variance law var = c / N^var_power
        (True) or from that size's own sample variance (False).
    var_power : float or "fit"
        exponent p of the pooled variance law var = c / N^p (1: self-averaging over units; 0: an
        N-independent spread, e.g. temporal fluctuations of a finite-time Lyapunov exponent;
        "fit": maximum likelihood, see :func:`pooled_variance`, with the exponent's uncertainty
        propagated into ``q_inf_stderr`` through its profile-likelihood interval).

    Returns
    -------
    the dict of :func:`fit`, plus ``counts`` (realisations per size), ``sample_sems`` (each size's
    own error, NaN for one sample), ``error_dof`` (degrees of freedom of the errors: the pooled
    total or the smallest per-size value) and ``pooled_c``.
    """
    sizes = [checks.integer("N", v, minimum=1) for v in sizes]
    if len(sizes) != len(samples):
        raise ValueError(f"sizes and samples must have equal lengths (got {len(sizes)}, {len(samples)})")
    arrs = []
    for v in samples:
        x = np.asarray(v, dtype=float).ravel()
        arrs.append(x[np.isfinite(x)])
    counts = np.array([a.size for a in arrs])
    if np.any(counts < 1):
        raise ValueError("every size needs at least one finite sample")
    means = np.array([a.mean() for a in arrs])
    own = np.array([a.std(ddof=1) / math.sqrt(a.size) if a.size >= 2 else np.nan for a in arrs])
    p_interval = None
    if pool:
        c, p, dof = pooled_variance(sizes, arrs, var_power)
        sems = np.sqrt(c / np.asarray(sizes, float) ** p / counts)
    else:
        if np.any(counts < 2):
            raise ValueError("pool = False needs at least two samples at every size")
        c, p, dof = float("nan"), float("nan"), int(counts.min() - 1)
        sems = own
    out = fit(sizes, means, sems, model)
    if pool and isinstance(var_power, str):
        # propagate the fitted exponent's uncertainty: refit at the ends of its profile-likelihood
        # 68 % interval (-2 ln L up by 1, searched beyond the fit's bounds [0, 2]); the error of q_inf is
        # at p_hat combined (delta method) with half the spread of q_inf between the interval's ends
        p_interval = exponent_interval(sizes, arrs, p)
        alt = []
        for pe in p_interval:
            ce = float(np.sum([(a.size - 1) * a.var(ddof=1) * n ** pe for n, a in zip(sizes, arrs) if a.size >= 2])
                       / sum(a.size - 1 for a in arrs if a.size >= 2))
            alt.append(fit(sizes, means, np.sqrt(ce / np.asarray(sizes, float) ** pe / counts), model))
        se = out["q_inf_stderr"]
        spread = 0.5 * abs(alt[1]["q_inf"] - alt[0]["q_inf"])
        out["q_inf_stderr_fixed_p"] = out["q_inf_stderr"]
        out["q_inf_stderr"] = float(math.hypot(se, spread))
    out.update(counts=counts, sample_sems=own, error_dof=int(dof), pooled_c=c, pooled=bool(pool),
               var_power=p, var_power_interval=p_interval)
    return out


def exponent_interval(sizes, samples, p_hat):
    r"""68 % profile-likelihood interval of the variance-law exponent p (var = c N^-p).

    With nu_k s_k^2 / var_k ~ chi2(nu_k), -2 ln L(p) = nu ln c(p) - p sum_k nu_k ln N_k + const,
    c(p) = sum_k nu_k s_k^2 N_k^p / nu; the interval is where it lies within 1 of its minimum
    (searched over p_hat +- 4, beyond the fit's bounds so a fit on a bound still gets its width).
    """
    from scipy.optimize import brentq

    Ns, nus, s2 = [], [], []
    for N, x in zip(sizes, samples):
        x = np.asarray(x, float)
        if x.size >= 2:
            Ns.append(float(N)); nus.append(x.size - 1.0); s2.append(float(x.var(ddof=1)))
    Ns, nus, s2 = np.array(Ns), np.array(nus), np.array(s2)
    nu, lnN = nus.sum(), float(np.sum(nus * np.log(Ns)))

    def m2ll(p):
        return nu * math.log(float(np.sum(nus * s2 * Ns ** p)) / nu) - p * lnN

    grid = np.linspace(p_hat - 4, p_hat + 4, 161)
    vals = np.array([m2ll(v) for v in grid])
    k = int(np.argmin(vals))
    p_min, f_min = grid[k], vals[k]
    lo = brentq(lambda v: m2ll(v) - f_min - 1.0, grid[0], p_min) if m2ll(grid[0]) > f_min + 1 else grid[0]
    hi = brentq(lambda v: m2ll(v) - f_min - 1.0, p_min, grid[-1]) if m2ll(grid[-1]) > f_min + 1 else grid[-1]
    return (float(lo), float(hi))


def n_sigma_for(dof, level=0.9973):
    """Two-sided Student-t quantile for ``dof`` degrees of freedom at ``level`` (3 sigma: 0.9973)."""
    from scipy.stats import t as student_t
    return float(student_t.ppf(0.5 + level / 2.0, max(int(dof), 1)))
