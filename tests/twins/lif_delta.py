"""Naive twins of :mod:`recnet.numerics.lif_delta` (test oracles; not part of recnet).

Slow, plain-Python/numpy versions of the compiled code, which the tests (and benchmarks) compare
with it; moved here from the public module (issue 12, item 6), unchanged.
"""
from __future__ import annotations

import numpy as np


def simulate_naive(n_steps, npar, refr, y0, counts_src, pre, post, weight, delay):
    """Slow, obviously correct twin of :func:`advance` (numpy, step by step, no blocks or threads).

    Parameters
    ----------
    n_steps : int
    npar, refr : as in :func:`advance`
    y0 : float64[N]
        initial V - v_rest (mV).
    counts_src : int[n_steps, S + A]
        spike counts of the source nodes N.. per step (e.g. recorded from a numba run).
    pre, post, weight, delay : arrays
        one entry per synapse (node indices, mV, steps).

    Returns
    -------
    spikes : int[n_steps, N]  (1 where neuron i spiked in step n, stamp n+1)
    v : float[n_steps, N]     (V after each step, mV)
    """
    N = y0.size
    y = np.array(y0, dtype=float)
    r = np.zeros(N, dtype=np.int64)
    counts = np.zeros((n_steps, N + counts_src.shape[1]), dtype=np.int64)
    counts[:, N:] = counts_src
    v = np.zeros((n_steps, N))
    for n in range(n_steps):
        # input arriving in step n: spikes of step m = n - d
        inp = np.zeros(N)
        m = n - delay
        ok = m >= 0
        np.add.at(inp, post[ok], weight[ok] * counts[m[ok], pre[ok]])
        free = r == 0
        y[free] = npar[1, free] + npar[0, free] * y[free] + inp[free]
        r[~free] -= 1
        fire = y >= npar[2]
        y[fire] = npar[3, fire]
        r[fire] = refr[fire]
        counts[n, :N] = fire
        v[n] = y + npar[4]
    return counts[:, :N], v
