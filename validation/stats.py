"""Standard errors for simulation estimates (the finite-size statistics behind every tolerance)."""
from __future__ import annotations

import numpy as np

from recnet import checks

__all__ = ["mean_sem", "batch_means_sem"]


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
    """
    x = np.asarray(series, dtype=float).ravel()
    n = x.size // n_batches
    if n < 1:
        raise checks.ParameterError("n_batches", n_batches, f"<= the series length {x.size}",
                                    f"series of length {x.size} is too short for n_batches = {n_batches}")
    means = x[: n * n_batches].reshape(n_batches, n).mean(axis=1)
    return float(x.mean()), float(means.std(ddof=1) / np.sqrt(n_batches))
