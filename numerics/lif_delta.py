"""Numba kernels for networks of leaky integrate-and-fire neurons with delta synapses.

The model is NEST's ``iaf_psc_delta`` (PyNN ``IF_curr_delta``) on a time grid of step h (ms).
With y = V - v_rest, between inputs

    tau_m dy/dt = -y + tau_m/cm * I,

which is integrated exactly over one step (Rotter & Diesmann 1999, Biol Cybern 81:381):

    y(t + h) = P30 * I + P33 * y(t) + sum_k w_k,
    P33 = exp(-h/tau_m),   P30 = -(tau_m/cm) * expm1(-h/tau_m)   (mV per nA with ms, nF),

where the sum runs over the delta inputs (weights w in mV) whose delay ends in this step. After
the update, y >= v_thresh - v_rest emits a spike stamped at the end of the step, y is set to
v_reset - v_rest and the neuron is refractory for round(tau_refrac/h) steps: y stays clamped and
inputs arriving then are discarded (NEST's default ``refractory_input = False``). A spike emitted
in step n with delay d steps is added in step n + d, so it moves V at (n + 1 + d) h: the spike time
plus the delay. This is the update order of ``iaf_psc_delta::update`` in NEST 3.

Layout of the kernel data ("nodes" = neurons first, then spike sources):

* neurons 0..N-1 carry ``P33, P30I, theta, y_reset, v_rest`` (rows of ``npar``), refractory counts
  ``refr``, state ``y`` (mV relative to v_rest) and ``r`` (remaining refractory steps);
* Poisson sources N..N+S-1 carry ``lam = rate*h`` and an active window of step stamps
  (first, last]; their counts come from a per-source splitmix64 stream (``rng_state``), so results
  do not depend on the number of threads;
* outgoing synapses in CSR by presynaptic node (``indptr, target, weight, delay``);
* a ring buffer ``ring[slot, neuron]`` of L = max_delay + 1 slots.

Time advances in blocks of B <= min_delay steps (as NEST communicates every min_delay). Thread c
owns a range of neurons and sources and the synapses onto its neurons (its own CSR part); in one
parallel region per block it delivers the previous block's spikes to its neurons (no spike emitted
in a block can arrive within it) and then updates its neurons and sources for B steps. Threads
never write the same memory, so results do not depend on the number of threads.
"""
from __future__ import annotations


import numpy as np

from recnet.numerics._jit import njit, prange

__all__ = ["propagators", "fixed_indegree", "advance", "poisson_counts", "poisson_table",
           "splitmix64_seeds", "csr_by_pre", "advance_serial"]

_GAMMA = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30 = np.uint64(30)
_S27 = np.uint64(27)
_S31 = np.uint64(31)
_S11 = np.uint64(11)
_INV53 = 1.0 / 9007199254740992.0  # 2**-53


def propagators(tau_m, cm, dt):
    """Exact one-step propagators of iaf_psc_delta, computed as NEST does.

    Parameters
    ----------
    tau_m : array_like, ms
    cm : array_like, nF
    dt : float, ms

    Returns
    -------
    P33 : ndarray
        exp(-dt/tau_m), the decay of y = V - v_rest over one step.
    P30 : ndarray
        -(tau_m/C) expm1(-dt/tau_m) with C in pF, in mV per pA (multiply by the current in pA =
        1000 * i_offset in nA, as PyNN hands it to NEST).
    """
    tau_m = np.asarray(tau_m, dtype=float)
    cm_pf = np.asarray(cm, dtype=float) * 1000.0
    return np.exp(-dt / tau_m), -tau_m / cm_pf * np.expm1(-dt / tau_m)


@njit
def _u01(state, i):
    """Next uniform in [0, 1) of the splitmix64 stream ``state[i]`` (Steele, Lea, Flood 2014)."""
    s = state[i] + _GAMMA
    state[i] = s
    z = s
    z = (z ^ (z >> _S30)) * _M1
    z = (z ^ (z >> _S27)) * _M2
    z = z ^ (z >> _S31)
    return float(z >> _S11) * _INV53


def poisson_counts(lam, rng_state, n_steps):
    """Counts of ``n_steps`` steps for sources of mean ``lam`` per step (testing helper, the
    generator :func:`advance` uses, same streams)."""
    return _poisson_counts(poisson_table(lam), rng_state, n_steps)


@njit
def _poisson_counts(pois, rng_state, n_steps):
    S = pois.shape[0]
    out = np.zeros((n_steps, S), dtype=np.int64)
    for k in range(n_steps):
        for s in range(S):
            out[k, s] = _poisson_draw(pois, rng_state, s)
    return out


def splitmix64_seeds(n, seed):
    """``n`` independent splitmix64 starting states (uint64) derived from ``seed`` by SeedSequence."""
    if n == 0:
        return np.zeros(0, dtype=np.uint64)
    return np.random.SeedSequence(seed).generate_state(n, dtype=np.uint64)


@njit
def fixed_indegree(n_pre, n_post, k, with_replacement, exclude_self, seed):
    """Presynaptic indices for a fixed in-degree ``k`` (numba; reproducible from ``seed``).

    For each postsynaptic neuron j (in order) ``k`` presynaptic indices in [0, n_pre), sorted;
    distinct (Floyd's algorithm, uniform over k-subsets) unless ``with_replacement``; never j
    itself when ``exclude_self``. Returns an int64 array of length n_post*k, post-major.
    """
    np.random.seed(seed)
    out = np.empty(n_post * k, dtype=np.int64)
    m = n_pre - 1 if exclude_self else n_pre
    mark = np.zeros(max(m, 1), dtype=np.bool_)
    buf = np.empty(k, dtype=np.int64)
    for j in range(n_post):
        if with_replacement:
            for q in range(k):
                buf[q] = np.random.randint(0, m)
        else:
            q = 0
            for t in range(m - k, m):
                x = np.random.randint(0, t + 1)
                if mark[x]:
                    x = t
                mark[x] = True
                buf[q] = x
                q += 1
            for q in range(k):
                mark[buf[q]] = False
        buf.sort()
        for q in range(k):
            x = buf[q]
            if exclude_self and x >= j:
                x += 1
            out[j * k + q] = x
    return out


def _advance(step0, n_steps, block, npar, refr, y, r, pois, win, rng_state,
            ev_stamp, ev_node, ev_ptr, indptr, target, weight, delay, ring,
            ulo, slo, spk, spk_prev, rec_col, rec_out, v_col, v_out):
    """Advance the network ``n_steps`` steps from global step ``step0`` (state arrays updated in place).

    Thread c owns neurons ulo[c]:ulo[c+1] and Poisson sources slo[c]:slo[c+1]. One parallel
    region per block of B steps: thread c first delivers the previous block's spikes (all
    presynaptic nodes) to *its own* neurons, through its own CSR part, then updates its neurons
    and sources for the B steps of this block. No two threads write the same memory, and one
    synchronisation per block (every min_delay, as NEST) suffices.

    Parameters
    ----------
    step0, n_steps, block : int
        first global step, number of steps, block length B (<= every delay, in steps).
    npar : float64[5, N]
        rows P33, P30*I (mV), theta = v_thresh - v_rest, y_reset = v_reset - v_rest, v_rest.
    refr : int64[N]
        refractory period in steps.
    y, r : float64[N], int64[N]
        state: V - v_rest (mV) and remaining refractory steps.
    pois : float64[S, W]
        Poisson sources (node N + s), one row each (see :func:`poisson_table`).
    win, rng_state : int64[S, 2], uint64[S]
        active stamps (win[s,0], win[s,1]] and splitmix64 states.
    ev_stamp, ev_node, ev_ptr : int64[E], int64[E], int64[1]
        spike-array events sorted by stamp (spike time / h), node index, next event to emit.
    indptr : int64[T, n_nodes + 1]
        CSR by presynaptic node of the synapses whose target thread c owns (row c), indexing
        ``target, weight, delay`` (int32, float64 mV, int64 steps).
    ring : float64[L, N]
        ring buffer of arriving input (mV), L = max_delay + 1.
    ulo, slo : int64[T+1]
        neuron and Poisson-source ranges of the T threads.
    spk, spk_prev : int32[B, n_nodes]
        spike counts per step of the current and of the previous block (state between calls).
    rec_col, rec_out : int64[n_nodes] (-1 = not recorded), uint16[n_steps, R]
        spike-count record.
    v_col, v_out : int64[N] (-1 = not recorded), float64[n_steps, Rv]
        membrane potential record (mV, after each step).
    """
    N = y.size
    T = ulo.size - 1
    L = ring.shape[0]
    n_nodes = spk.shape[1]
    n_src = N + win.shape[0]
    done = 0
    cur = spk  # swapped at the top of the loop, so the first block delivers `spk` (last call's)
    prev = spk_prev
    flips = 0
    while done < n_steps:
        nb = min(block, n_steps - done)
        s0 = step0 + done
        tmp = cur
        cur = prev
        prev = tmp
        flips += 1
        # every entry of `cur` is rewritten below except spike-array nodes and rows >= nb
        for k in range(block):
            for a in range(n_src, n_nodes):
                cur[k, a] = 0
        for k in range(nb, block):
            for a in range(n_src):
                cur[k, a] = 0
        # spike-array events of this block (stamp = step + 1)
        p = ev_ptr[0]
        while p < ev_stamp.size and ev_stamp[p] <= s0 + nb:
            cur[ev_stamp[p] - 1 - s0, ev_node[p]] += 1
            p += 1
        ev_ptr[0] = p
        for c in prange(T):
            lo = ulo[c]
            hi = ulo[c + 1]
            # 1. deliver the previous block's spikes to this thread's neurons
            for k in range(block):
                n = s0 - block + k
                for pre in range(n_nodes):
                    cnt = prev[k, pre]
                    if cnt != 0:
                        for q in range(indptr[c, pre], indptr[c, pre + 1]):
                            ring[(n + delay[q]) % L, target[q]] += weight[q] * cnt
            # 2. update neurons and Poisson sources for nb steps
            for k in range(nb):
                slot = (s0 + k) % L
                for i in range(lo, hi):
                    inp = ring[slot, i]
                    ring[slot, i] = 0.0
                    if r[i] == 0:
                        y[i] = npar[1, i] + npar[0, i] * y[i] + inp
                    else:
                        r[i] -= 1
                    if y[i] >= npar[2, i]:
                        r[i] = refr[i]
                        y[i] = npar[3, i]
                        cur[k, i] = 1
                    else:
                        cur[k, i] = 0
                    if v_col[i] >= 0:
                        v_out[done + k, v_col[i]] = y[i] + npar[4, i]
                    if rec_col[i] >= 0:
                        rec_out[done + k, rec_col[i]] = cur[k, i]
                draw_sources(cur, k, s0 + k + 1, slo[c], slo[c + 1], N, win, pois, rng_state, rec_col,
                             rec_out, done)
        record_array_nodes(cur, nb, n_src, n_nodes, rec_col, rec_out, done)
        done += nb
    if flips % 2 == 1:   # the last block's spikes must be in `spk` for the next call
        spk[:, :] = cur
    return done


advance = njit(parallel=True)(_advance)
advance.__doc__ = _advance.__doc__
advance_serial = njit(_advance)
"""The same kernel compiled without threads (``prange`` runs as ``range``): used for one thread,
where an OpenMP pool would only add barrier and spin-wait costs."""


@njit
def _poisson_part(state, i, part, e):  # noqa: D401
    """Poisson(part) by sequential inversion with e = exp(-part) precomputed (part <= 10)."""
    u = _u01(state, i)
    p = e
    c = p
    k = 0
    while u > c and k < 1000:
        k += 1
        p *= part / k
        c += p
    return k


def poisson_table(lam):
    """Per-source generator rows for Poisson(lam) counts (lam = rate * dt), float64[S, W].

    lam <= 10: inversion with a precomputed CDF: row = [K, 0, 0, F(0), ..., F(K-1)] with
    K = lam + 10 sqrt(lam) + 15 terms and F(K-1) set to 1 (the tail beyond, < 1e-20, is folded
    into the last count). lam > 10: m = ceil(lam/10) independent Poisson(lam/m) by sequential
    inversion (exp(-lam/m) never underflows): row = [-m, lam/m, exp(-lam/m), ...].
    """
    from scipy import stats

    lam = np.asarray(lam, dtype=float)
    if lam.size == 0:
        return np.zeros((0, 3))
    small = lam <= 10.0
    K = np.where(small, np.ceil(lam + 10.0 * np.sqrt(lam) + 15.0), 0).astype(int)
    W = 3 + int(K.max())
    out = np.zeros((lam.size, W))
    cache = {}
    for s_, (l, k) in enumerate(zip(lam, K)):
        if k:
            if l not in cache:
                c = stats.poisson.cdf(np.arange(k), l)
                c[-1] = 1.0
                cache[l] = c
            out[s_, 0] = k
            out[s_, 3:3 + k] = cache[l]
        else:
            m = np.ceil(l / 10.0)
            out[s_, 0:3] = (-m, l / m, np.exp(-l / m))
    return out


@njit
def _poisson_draw(pois, state, s):
    """One Poisson count for source s (row of :func:`poisson_table`)."""
    K = pois[s, 0]
    if K > 0:
        u = _u01(state, s)
        k = 0
        while u >= pois[s, 3 + k] and k < K - 1:
            k += 1
        return k
    total = 0
    for _ in range(int(-K)):
        total += _poisson_part(state, s, pois[s, 1], pois[s, 2])
    return total


@njit
def draw_sources(cur, k, stamp, s_lo, s_hi, N, win, pois, rng_state, rec_col, rec_out, done):
    """Counts of Poisson sources s_lo..s_hi-1 (nodes N + s) in row k of the block at step ``stamp``
    (zero outside each source's active window), recorded where asked; shared by both LIF kernels."""
    for s in range(s_lo, s_hi):
        if win[s, 0] < stamp and stamp <= win[s, 1]:
            cnt = _poisson_draw(pois, rng_state, s)
        else:
            cnt = 0
        cur[k, N + s] = cnt
        if rec_col[N + s] >= 0:
            rec_out[done + k, rec_col[N + s]] = min(cnt, 65535)


@njit
def record_array_nodes(cur, nb, n_src, n_nodes, rec_col, rec_out, done):
    """Record the spike-array nodes' counts of the block's first ``nb`` rows (both LIF kernels)."""
    for k in range(nb):
        for a in range(n_src, n_nodes):
            if rec_col[a] >= 0:
                rec_out[done + k, rec_col[a]] = min(cur[k, a], 65535)


@njit
def csr_by_pre(n_nodes, pre, post, weight, delay):
    """Counting sort of synapses by presynaptic node (stable): ``indptr, target, weight, delay``.

    Returns int64[n_nodes+1], int32[nnz], float64[nnz], int64[nnz]; within one presynaptic node the
    synapses keep their input order.
    """
    nnz = pre.size
    indptr = np.zeros(n_nodes + 1, dtype=np.int64)
    for q in range(nnz):
        indptr[pre[q] + 1] += 1
    for i in range(n_nodes):
        indptr[i + 1] += indptr[i]
    fill = indptr[:-1].copy()
    tgt = np.empty(nnz, dtype=np.int32)
    w = np.empty(nnz, dtype=np.float64)
    d = np.empty(nnz, dtype=np.int64)
    for q in range(nnz):
        k = fill[pre[q]]
        fill[pre[q]] += 1
        tgt[k] = post[q]
        w[k] = weight[q]
        d[k] = delay[q]
    return indptr, tgt, w, d
