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

Layout of the kernel data ("nodes" = neurons first, then Poisson sources, then spike arrays):

* neurons 0..N-1 carry ``P33, P30I, theta, y_reset, v_rest`` (rows of ``npar``), refractory counts
  ``refr``, state ``y`` (mV relative to v_rest) and ``r`` (remaining refractory steps);
* Poisson sources N..N+S-1 draw Poisson(rate*h) counts from per-source splitmix64 streams through
  shared inversion tables (``recnet.numerics.poisson_streams``), inside their active window of
  step stamps (first, last], so results do not depend on the number of threads.  A source with
  one synapse onto a neuron and no recording ("private", as every external source of Brunel's
  network) is drawn by the thread that updates its target, when its count arrives, and added to
  the input of that step without a synapse table or ring buffer
  (``spike_delivery.private_input``); other sources emit spikes like neurons;
* the other synapses in CSR by presynaptic node per owning thread, with targets sorted and
  weight/delay stored once per row when the row shares them (``recnet.numerics.spike_delivery``);
* a ring buffer ``ring[slot, neuron]`` of L = max_delay + 1 slots.

Time advances in blocks of B <= min_delay steps (as NEST communicates every min_delay). Thread c
owns a range of neurons (and the private sources onto them) and a range of the other sources,
and the synapses onto its neurons; in one parallel region per block it delivers the previous
block's spike lists to its neurons (no spike emitted in a block can arrive within it) and then
updates its neurons and sources for B steps, appending spikes to its own list. Threads never
write the same memory, and every ring entry receives its terms in an order that does not depend
on the number of threads, so results do not depend on it.
"""
from __future__ import annotations


import numpy as np

from recnet.numerics._jit import njit, prange
from recnet.numerics.poisson_streams import poisson_counts, splitmix64_seeds  # noqa: F401  (re-exported)
from recnet.numerics.spike_delivery import (block_events, deliver_lists, private_input, draw_nodes, record_events,
                                            record_lists)

__all__ = ["propagators", "fixed_indegree", "advance", "advance_serial", "poisson_counts", "splitmix64_seeds"]


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


_GAMMA = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)


@njit
def _mix64(z):
    """splitmix64's output function (Steele, Lea, Flood 2014): a bijection of uint64."""
    z = (z ^ (z >> np.uint64(30))) * _M1
    z = (z ^ (z >> np.uint64(27))) * _M2
    return z ^ (z >> np.uint64(31))


@njit
def _below(state, n):
    """Uniform integer in [0, n) (n >= 1) from the splitmix64 stream ``state[0]``: bitmask rejection,
    exactly uniform (each try succeeds with probability > 1/2)."""
    un = np.uint64(n)
    mask = un - np.uint64(1)
    for sh in (1, 2, 4, 8, 16, 32):
        mask |= mask >> np.uint64(sh)
    while True:
        state[0] += _GAMMA
        x = _mix64(state[0]) & mask
        if x < un:
            return np.int64(x)


_CHUNKS = 256


@njit(parallel=True)
def fixed_indegree(n_pre, n_post, k, with_replacement, exclude_self, seed):
    """Presynaptic indices for a fixed in-degree ``k`` (numba, parallel; reproducible from ``seed``).

    For each postsynaptic neuron j ``k`` presynaptic indices in [0, n_pre), sorted; distinct
    (Floyd's algorithm, uniform over k-subsets) unless ``with_replacement``; never j itself when
    ``exclude_self``. Neuron j draws from its own splitmix64 stream started at
    mix64(seed + (j + 1) * gamma), so the result depends on neither the number of threads nor the
    order in which neurons are drawn.  Returns an int64 array of length n_post*k, post-major.
    """
    out = np.empty(n_post * k, dtype=np.int64)
    m = n_pre - 1 if exclude_self else n_pre
    nch = min(n_post, _CHUNKS)
    base = np.uint64(seed)
    for ch in prange(nch):
        mark = np.zeros(max(m, 1), dtype=np.bool_)
        buf = np.empty(k, dtype=np.int64)
        st = np.zeros(1, dtype=np.uint64)
        for j in range(ch * n_post // nch, (ch + 1) * n_post // nch):
            st[0] = _mix64(base + np.uint64(j + 1) * _GAMMA)
            if with_replacement:
                for q in range(k):
                    buf[q] = _below(st, m)
            else:
                q = 0
                for t in range(m - k, m):
                    x = _below(st, t + 1)
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


@njit
def _update_block(c, nb, s0, done, ulo, npar, refr, y, r, ring, src, sp_node, sp_cnt, sp_ptr, v_col, v_out):
    """Thread ``c``: ``nb`` steps of its neurons (with their private sources) and node sources."""
    lo, hi = ulo[c], ulo[c + 1]
    N = y.size
    L = ring.shape[0]
    has_v = v_out.shape[1] > 0
    e = 0
    sp_ptr[0] = 0
    for k in range(nb):
        n = s0 + k
        slot = n % L
        for i in range(lo, hi):
            pe, pi = private_input(i, n + 1, src)
            inp = ring[slot, i] + (pe + pi)
            ring[slot, i] = 0.0
            if r[i] == 0:
                y[i] = npar[1, i] + npar[0, i] * y[i] + inp
            else:
                r[i] -= 1
            if y[i] >= npar[2, i]:
                r[i] = refr[i]
                y[i] = npar[3, i]
                sp_node[e] = i
                sp_cnt[e] = 1
                e += 1
            if has_v and v_col[i] >= 0:
                v_out[done + k, v_col[i]] = y[i] + npar[4, i]
        sp_ptr[2 * k + 1] = e
        e = draw_nodes(c, n + 1, N, src, sp_node, sp_cnt, e)
        sp_ptr[2 * k + 2] = e


def _advance(step0, n_steps, block, neu, src, syn, ring, ulo, lists, ev, rec):
    """Advance the network ``n_steps`` steps from global step ``step0`` (state updated in place).

    Parameters
    ----------
    step0, n_steps, block : int
        first global step, number of steps, block length B (<= every tabled delay, in steps).
    neu : tuple
        ``npar`` float64[5, N] (rows P33, P30*I (mV), theta = v_thresh - v_rest, y_reset = v_reset -
        v_rest, v_rest), ``refr`` int64[N] (refractory steps), state ``y`` float64[N] (V - v_rest, mV)
        and ``r`` int64[N] (refractory steps left).
    src : tuple
        Poisson sources: ``tab`` int32[S], ``win`` int64[S, 2] (active stamps (first, last]),
        ``rng_state`` uint64[S], ``cdf, guide, big`` (``poisson_streams.poisson_tables``), private
        sources sorted by target ``fz_ptr`` int64[N+1] (those onto neuron i: fz_ptr[i]:fz_ptr[i+1]),
        their streams ``fz_state`` uint64[F], table rows ``fz_tab`` int32[F or 1], arrival windows
        ``fz_arr`` int64[F or 1, 2] (stamps (first + d, last + d]) and weights ``fz_w`` float64[F or 1]
        (mV) (one entry: shared by all);
        node-drawn sources ``nf_src`` int64[S'] split over threads by ``nf_lo`` int64[T+1].
    syn : tuple
        ``indptr, target, row_w, row_d, syn_w, syn_d`` (``spike_delivery.synapse_table``).
    ring : float64[L, N]
        arriving input (mV), L = max_delay + 1.
    ulo : int64[T+1]
        neuron ranges of the T threads.
    lists : tuple
        spike lists ``sp_node, sp_cnt`` int32[2, T, cap], ``sp_ptr`` int64[2, T, 2B+1] and ``st``
        int64[4] (buffer of the previous block, its length, next spike-array event, first event of
        the previous block): state between calls.
    ev : tuple
        spike-array events ``ev_stamp, ev_node`` int64[E] sorted by stamp (spike time / h).
    rec : tuple
        ``rec_col`` int64[n_nodes] (-1 = not recorded), output ``rec_step, rec_node, rec_cnt``
        int32[cap] with fill ``rec_n`` int64[1] and ``rec_max`` (entries one step can add),
        ``v_col`` int64[N] (-1 = not recorded), ``v_out`` float64[n_steps, Rv] (mV after each step).

    Returns
    -------
    int
        steps done: ``n_steps``, or fewer when the spike record is full (drain it and call again).
    """
    npar, refr, y, r = neu
    ev_stamp, ev_node = ev
    sp_node, sp_cnt, sp_ptr, st = lists
    rec_col, rec_step, rec_node, rec_cnt, rec_n, rec_max, v_col, v_out = rec
    indptr, target, row_w, row_d, syn_w, syn_d = syn
    T = ulo.size - 1
    done = 0
    while done < n_steps:
        nb = min(block, n_steps - done)
        s0 = step0 + done
        p_lo = st[2]
        p_hi = block_events(ev_stamp, p_lo, s0 + nb)
        if rec_step.size - rec_n[0] < nb * rec_max + (p_hi - p_lo):
            break
        pb = st[0]
        cb = 1 - pb
        pnb = st[1]
        for c in prange(T):
            deliver_lists(ring, ring, c, sp_node[pb], sp_cnt[pb], sp_ptr[pb], pnb, s0 - pnb, ev_stamp, ev_node,
                          st[3], p_lo, indptr, target, row_w, row_d, syn_w, syn_d)
            _update_block(c, nb, s0, done, ulo, npar, refr, y, r, ring, src, sp_node[cb, c], sp_cnt[cb, c],
                          sp_ptr[cb, c], v_col, v_out)
        record_lists(sp_node[cb], sp_cnt[cb], sp_ptr[cb], nb, done, rec_col, rec_step, rec_node, rec_cnt, rec_n)
        record_events(ev_stamp, ev_node, p_lo, p_hi, s0, done, rec_col, rec_step, rec_node, rec_cnt, rec_n)
        st[0], st[1], st[2], st[3] = cb, nb, p_hi, p_lo
        done += nb
    return done


advance = njit(parallel=True)(_advance)
advance.__doc__ = _advance.__doc__
advance_serial = njit(_advance)
"""The same kernel compiled without threads (``prange`` runs as ``range``): used for one thread,
where a thread pool would only add barrier and spin-wait costs."""
