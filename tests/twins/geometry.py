"""Naive twins of :mod:`recnet.numerics.geometry` (test oracles; not part of recnet).

Slow, plain-Python/numpy versions of the compiled code, which the tests (and benchmarks) compare
with it; moved here from the public module (issue 12, item 6), unchanged.
"""
from __future__ import annotations

import numpy as np


def _hit_and_run_numpy(u0, F, f, rho, dirs, unif, thin):
    """Naive twin of ``_hit_and_run`` (tests compare the two)."""
    u = u0.copy()
    out = []
    for s, v in enumerate(dirs):
        lo, hi = -np.inf, np.inf
        if np.isfinite(rho):
            uv = u @ v
            sq = np.sqrt(max(uv ** 2 - (u @ u - rho ** 2), 0.0))
            lo, hi = -uv - sq, -uv + sq
        fv = F @ v
        room = np.maximum(f - F @ u, 0.0)
        pos, neg = fv > 1e-300, fv < -1e-300
        if pos.any():
            hi = min(hi, np.min(room[pos] / fv[pos]))
        if neg.any():
            lo = max(lo, np.max(room[neg] / fv[neg]))
        if not (np.isfinite(lo) and np.isfinite(hi)) or hi < lo:
            lo = hi = 0.0
        u = u + (lo + (hi - lo) * unif[s]) * v
        if (s + 1) % thin == 0:
            out.append(u.copy())
    return np.array(out).reshape(-1, u.size)
