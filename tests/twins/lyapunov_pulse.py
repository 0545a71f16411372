"""Naive twins of :mod:`recnet.numerics.lyapunov.pulse` (test oracles; not part of recnet).

Slow, plain-Python/numpy versions of the compiled code, which the tests (and benchmarks) compare
with it; moved here from the public module (issue 12, item 6), unchanged.
"""
from __future__ import annotations

import numpy as np


def run_events_numpy(model, par, key, shift, ptr, post, Q, n_events):
    """Naive twin of :func:`run_events`: argmax instead of a heap, numpy PTC (for tests)."""
    key = key.copy()
    Q = Q.copy()
    spikes = []
    for _ in range(n_events):
        j = int(np.argmax(key))
        shift = np.pi - key[j]
        tgt = post[ptr[j]:ptr[j + 1]]
        psi = key[tgt] + shift
        if model == 0:
            t = np.tan(psi / 2)
            gi = 2 * np.arctan(t + par[0])
            dg = (1 + t * t) / (1 + (t + par[0]) ** 2)
        else:
            I, J, w = par
            rem = I * np.exp(-(psi + np.pi) / w)
            gi = -np.pi - w * np.log((rem - J) / I)
            dg = rem / (rem - J)
        Q[tgt] = dg[:, None] * Q[tgt] + (1 - dg)[:, None] * Q[j][None, :]
        key[tgt] = gi - shift
        key[j] = -np.pi - shift
        spikes.append((j, shift))
    return key, shift, Q, spikes
