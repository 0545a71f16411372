"""Naive twins of :mod:`recnet.numerics.ssn` (test oracles; not part of recnet).

Slow, plain-Python/numpy versions of the compiled code, which the tests (and benchmarks) compare
with it; moved here from the public module (issue 12, item 6), unchanged.
"""
from __future__ import annotations

import numpy as np

from recnet.numerics.ssn import fixed_points_2pop, rates


def simulate_naive(W, h, k, n, tau, r0, t_sim, dt):
    """Plain numpy twin of ``simulate`` (final rates only)."""
    r = np.array(r0, float)
    for _ in range(int(round(t_sim / dt))):
        r = r + dt / np.asarray(tau) * (-r + rates(W @ r + h, k, n))
    return r


def regime_map_naive(W, h_e, h_i, k=0.04, n=2, tau=(20.0, 10.0)):
    """Python-loop twin of ``regime_map`` built on ``fixed_points_2pop`` (for tests)."""
    shp = (len(h_e), len(h_i))
    out = dict(n_fixed=np.zeros(shp, int), n_stable=np.zeros(shp, int), rate_e_hz=np.full(shp, np.nan),
               rate_i_hz=np.full(shp, np.nan), isn=-np.ones(shp, int), paradoxical=-np.ones(shp, int))
    for i, a in enumerate(h_e):
        for j, b in enumerate(h_i):
            fps = fixed_points_2pop(W, [a, b], k, n, tau)
            st = [f for f in fps if f["stable"]]
            out["n_fixed"][i, j] = len(fps)
            out["n_stable"][i, j] = len(st)
            if st:
                f = st[0]
                out["rate_e_hz"][i, j], out["rate_i_hz"][i, j] = f["rates_hz"]
                out["isn"][i, j] = int(f["isn"])
                out["paradoxical"][i, j] = int(f["paradoxical"])
    return out
