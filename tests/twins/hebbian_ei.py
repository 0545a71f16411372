"""Naive twins of :mod:`recnet.numerics.hebbian_ei` (test oracles; not part of recnet).

Slow, plain-Python/numpy versions of the compiled code, which the tests (and benchmarks) compare
with it; moved here from the public module (issue 12, item 6), unchanged.
"""
from __future__ import annotations

import numpy as np

from recnet.numerics.hebbian_ei import _TYPES, _prepare, hebbian_drive


def averaged_naive(c, Q, eta, n_steps, plastic=("ex",), totals=None, norm="l2"):
    """Numpy twin of ``averaged`` (final Circuit only)."""
    c = c.copy()
    pl, tot, l1 = _prepare(c, plastic, totals, norm)
    for _ in range(n_steps):
        G = hebbian_drive(c, Q)
        for k, (t, W) in enumerate(zip(_TYPES, (c.W_ex, c.W_ix, c.W_ei))):
            if pl[k] and W.size:
                W += eta * G[k]
                np.maximum(W, 0, out=W)
                s = W.sum(1) if l1[k] else np.sqrt((W ** 2).sum(1))
                W *= (tot[k] / np.where(s > 0, s, 1.0))[:, None]
    return c
