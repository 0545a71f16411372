"""Naive twins of :mod:`recnet.numerics.scn.network` (test oracles; not part of recnet).

Slow, plain-Python/numpy versions of the compiled code, which the tests (and benchmarks) compare
with it; moved here from the public module (issue 12, item 6), unchanged.
"""
from __future__ import annotations

import numpy as np

from recnet import checks
from recnet.numerics.scn.network import SimResult, _prepare


def simulate_numpy(net, x=None, *, c=None, dxdt=None, dt=0.05, t_sim=1000.0, t_warm=0.0,
                   spikes_per_step=1, delay=0.0, t_ref=0.0, sigma_v=0.0, seed=None, V0=None,
                   r0=None, record_every=0, n_batches=20, reset="subtractive"):
    """Plain numpy twin of ``simulate`` (same algorithm, same noise stream, step by step).

    For tests and the benchmark; returns a ``SimResult`` without the spike list truncation.
    """
    p = _prepare(net, x, dxdt, c, dt, t_sim, t_warm, spikes_per_step, delay, t_ref, sigma_v,
                 V0, r0, record_every, n_batches, reset)
    gen = checks.rng(seed)
    N = net.n
    n_steps, n_warm = p["n_steps"], p["n_warm"]
    V, r, ys = p["V"], p["r"], p["ys"]
    L = p["delay_steps"] + 1
    dsteps = p["delay_steps"]
    buf = np.zeros((L, N))
    ref = np.zeros(N, np.int64)
    counts = np.zeros(N, np.int64)
    rec_every = p["rec_every"]
    n_rec = n_steps // rec_every if rec_every else 0
    rec_r = np.zeros((n_rec, N))
    nb = p["n_batches"]
    n_meas = n_steps - n_warm
    edges = n_warm + (np.arange(nb + 1) * n_meas) // nb
    batch = np.zeros((nb, N))
    steps, ids = [], []
    pos = 0
    W = net.W_fast
    k_max = p["k_max"]
    prio = np.zeros(N, np.int64) if net.priority is None else np.asarray(net.priority, np.int64)
    # the numba driver draws noise per chunk with the same generator: chunk boundaries as there
    chunk = 20000
    bounds = sorted(set([0, n_steps, n_warm] + list(edges) + list(range(0, n_steps, chunk))))
    noise_rows = {}
    if p["noise_scale"] > 0:
        for a, b in zip(bounds[:-1], bounds[1:]):
            if b > a:
                noise_rows[a] = gen.standard_normal((b - a, N))
    starts = [a for a, b in zip(bounds[:-1], bounds[1:]) if b > a]

    def spike(j):
        if p["absolute"]:
            V[j] = net.T[j]
        r[j] += 1.0
        counts[j] += 1
        ys[:] += net.V_slow[:, j]
        if dsteps == 0:
            V[:] += W[:, j]
        else:
            V[j] += W[j, j]
            col = W[:, j].copy()
            col[j] = 0.0
            buf[(pos + dsteps) % L] += col
        if p["ref_steps"] > 0:
            ref[j] = p["ref_steps"] + 1

    counts_warm = None
    for t in range(n_steps):
        row = 0 if p["I_ff"].shape[0] == 1 else t
        slow = net.U_slow @ ys
        V[:] = p["decay"] * V + p["gain"] * (p["I_ff"][row] + slow)
        r *= p["decay"]
        ys *= p["decay"]
        if p["noise_scale"] > 0:
            a = max(s for s in starts if s <= t)
            V[:] += p["noise_scale"] * noise_rows[a][t - a]
        if L > 1:
            V[:] += buf[pos]
            buf[pos] = 0.0
        ref[ref > 0] -= 1
        if k_max == 0:
            fire = np.flatnonzero((ref == 0) & (V > net.T))
            for j in fire:
                spike(j)
                steps.append(t)
                ids.append(j)
        else:
            for _ in range(k_max):
                d = np.where(ref == 0, V - net.T, -np.inf)
                if not np.any(d > 0):
                    break
                top = prio[d > 0].max()
                d = np.where((d > 0) & (prio == top), d, -np.inf)
                j = int(np.argmax(d))
                spike(j)
                steps.append(t)
                ids.append(j)
        if t == n_warm - 1:
            counts_warm = counts.copy()
        if t >= n_warm:
            k = np.searchsorted(edges, t, side="right") - 1
            batch[min(k, nb - 1)] += r
        if rec_every and (t + 1) % rec_every == 0:
            rec_r[(t + 1) // rec_every - 1] = r
        if L > 1:
            pos = (pos + 1) % L
    lens = np.diff(edges).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        batch_means = batch / lens[:, None]
    if counts_warm is None:
        counts_warm = np.zeros(N, np.int64)
    t_rec = (np.arange(1, n_rec + 1) * rec_every) * p["dt"]
    return SimResult(counts=counts - counts_warm, r_mean=batch.sum(axis=0) / max(n_meas, 1),
                     r_trace=rec_r, t_rec=t_rec, spike_steps=np.array(steps, np.int64),
                     spike_ids=np.array(ids, np.int64), n_spikes=len(steps), truncated=False,
                     dt=p["dt"], t_sim=p["t_sim"], t_warm=p["t_warm"], batch_r_means=batch_means)
