"""Naive twins of :mod:`recnet.numerics.lyapunov.rate` (test oracles; not part of recnet).

Slow, plain-Python/numpy versions of the compiled code, which the tests (and benchmarks) compare
with it; moved here from the public module (issue 12, item 6), unchanged.
"""
from __future__ import annotations

import numpy as np


def spectrum_numpy(J, x0, q0, *, dt, n_steps, n_ons, a=None, b=None):
    """Plain-numpy twin of the engine (no drive, no twin trajectory): the same algorithm, written
    directly, for tests and the benchmark.

    Returns the exponents (unsorted, in QR order) in 1/tau and the final Q and x.
    """
    a = 1.0 - dt if a is None else a
    b = dt if b is None else b
    x = np.array(x0, dtype=float)
    Q = np.array(q0, dtype=float)
    m = Q.shape[1]
    acc = np.zeros(m)
    n_int = n_steps // n_ons
    for _ in range(n_int):
        for _ in range(n_ons):
            dphi = 1.0 - np.tanh(x) ** 2
            Q = a * Q + b * (J @ (dphi[:, None] * Q))
            x = a * x + b * (J @ np.tanh(x))
        Q, R = np.linalg.qr(Q)
        d = np.diag(R)
        Q = Q * np.sign(d)[None, :]
        acc += np.log(np.abs(d))
    return acc / (n_int * n_ons * dt), Q, x
