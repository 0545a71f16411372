"""Naive twins of :mod:`recnet.numerics.ssn_homotopy` (test oracles; not part of recnet).

Slow, plain-Python/numpy versions of the compiled code, which the tests (and benchmarks) compare
with it; moved here from the public module (issue 12, item 6), unchanged.
"""
from __future__ import annotations

import numpy as np

from recnet.numerics.ssn_homotopy import _track_one, homotopy_setup


def track_paths_naive(A, b, k, n, seed=0, dt_max=0.05):
    """Pure-Python twin of ``track_paths`` (the uncompiled tracker, one path after another)."""
    A, b, gamma, c, starts = homotopy_setup(A, b, n, seed)
    ends = np.zeros_like(starts)
    status = np.zeros(starts.shape[0], np.int64)
    for p in range(starts.shape[0]):
        status[p] = _track_one.py_func(starts[p], A, b, float(k), int(n), gamma, c, float(dt_max), ends[p])
    return ends, status, gamma
