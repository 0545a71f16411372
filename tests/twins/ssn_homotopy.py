"""Naive twins of :mod:`recnet.numerics.ssn_homotopy` (test oracles; not part of recnet).

Slow, plain-Python/numpy versions of the compiled code, which the tests (and benchmarks) compare
with it; moved here from the public module (issue 12, item 6), unchanged.
"""
from __future__ import annotations

import numpy as np

from recnet import checks
from recnet.numerics.ssn_homotopy import _start_points, _track_one


def track_paths_naive(A, b, k, n, seed=0, dt_max=0.05):
    """Pure-Python twin of ``track_paths`` (the uncompiled tracker, one path after another)."""
    gen = checks.rng(seed)
    A = np.asarray(A, float)
    b = np.asarray(b, float)
    m = A.shape[0]
    gamma = np.exp(2j * np.pi * gen.uniform())
    c = gen.normal(size=m + 1) + 1j * gen.normal(size=m + 1)
    starts = _start_points(m, int(n), c)
    ends = np.zeros_like(starts)
    status = np.zeros(starts.shape[0], np.int64)
    for p in range(starts.shape[0]):
        status[p] = _track_one.py_func(starts[p], A, b, float(k), int(n), gamma, c, float(dt_max), ends[p])
    return ends, status, gamma
