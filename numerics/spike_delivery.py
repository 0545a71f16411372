r"""Synapse tables and spike delivery shared by the LIF kernels (numba).

Synapses are stored per owning thread c (the thread that updates the target neuron) in CSR by
presynaptic node: row (c, pre) is ``target[indptr[c, pre]:indptr[c, pre + 1]]`` (int32, sorted by
target, so a spike walks its targets in increasing address order through the ring buffer).
A row whose synapses all share one weight and one delay (every row of a fixed-weight network such
as Brunel's) keeps them once, in ``row_w[c, pre]`` and ``row_d[c, pre]``: delivering it streams
4 bytes per synapse.  Other rows have ``row_d = -1`` and read per-synapse ``syn_w`` (float64) and
``syn_d`` (int32), which are only allocated when such a row exists.

A spike of multiplicity ``cnt`` emitted in step n adds ``w * cnt`` to ``ring[(n + d) % L, target]``
(the input that arrives in step n + d), exactly as before the tables were compressed: the same
product, added once per synapse.

Spike lists: each thread writes the spikes of its neurons, then of its node-drawn Poisson sources,
step by step into its own list (``node``, ``cnt``; ``ptr[c, 2k + 1]`` ends step k's neuron part,
``ptr[c, 2k + 2]`` its source part).  Delivery walks the lists in the order (step, part, thread,
entry), which is (step, neurons in index order, sources in index order) whatever the number of
threads, so every ring entry receives its terms in the same order and results do not depend on
the thread count.
"""
from __future__ import annotations

import numpy as np

from recnet.numerics._jit import njit
from recnet.numerics.poisson_streams import draw_small, poisson_draw

__all__ = ["synapse_table", "deliver_row", "deliver_lists", "record_lists", "record_events", "private_input", "draw_nodes",
           "block_events", "memory_bytes", "expand"]


@njit
def _count(counts, pre, post, pre_off, post_off, own, n_nodes, skip):
    for q in range(pre.size):
        pg = pre[q] + pre_off
        if not skip[pg]:
            counts[own[post[q] + post_off] * n_nodes + pg + 1] += 1


@njit
def _fill_rows(fill, target, row_w, row_d, pre, post, weight, delay, pre_off, post_off, own, n_nodes, skip):
    """Targets in row order; a row keeps (w, d) while all its synapses share them, else d = -1."""
    one_w = weight.size == 1
    one_d = delay.size == 1
    for q in range(pre.size):
        pg = pre[q] + pre_off
        if skip[pg]:
            continue
        tg = post[q] + post_off
        key = own[tg] * n_nodes + pg
        target[fill[key]] = tg
        fill[key] += 1
        w = weight[0] if one_w else weight[q]
        d = delay[0] if one_d else delay[q]
        if row_d[key] == -2:
            row_w[key] = w
            row_d[key] = d
        elif row_d[key] >= 0 and (row_w[key] != w or row_d[key] != d):
            row_d[key] = -1


@njit
def _fill_syn(fill, syn_w, syn_d, pre, post, weight, delay, pre_off, post_off, own, n_nodes, skip):
    one_w = weight.size == 1
    one_d = delay.size == 1
    for q in range(pre.size):
        pg = pre[q] + pre_off
        if skip[pg]:
            continue
        key = own[post[q] + post_off] * n_nodes + pg
        syn_w[fill[key]] = weight[0] if one_w else weight[q]
        syn_d[fill[key]] = delay[0] if one_d else delay[q]
        fill[key] += 1


@njit
def _sort_rows(indptr, target, syn_w, syn_d, mixed):
    """Sort each row by target (stable), carrying per-synapse weights and delays along."""
    for row in range(indptr.size - 1):
        a, b = indptr[row], indptr[row + 1]
        ok = True
        for q in range(a + 1, b):
            if target[q] < target[q - 1]:
                ok = False
                break
        if ok:
            continue
        o = np.argsort(target[a:b], kind="mergesort") + a
        target[a:b] = target[o]
        if mixed:
            syn_w[a:b] = syn_w[o]
            syn_d[a:b] = syn_d[o]


def synapse_table(parts, own, T, n_nodes, skip):
    """CSR tables of the synapses (see the module doc), built projection by projection.

    Parameters
    ----------
    parts : list of tuples
        ``(pre, post, weight, delay, pre_off, post_off)`` per projection: local indices (int64),
        weights float64 and delays int64 (whole steps, 1 <= d < 2**31), each either one per synapse
        or a single value for all, and the node offsets of the two populations.
    own : int64[N]
        thread owning each neuron.
    T, n_nodes : int
        threads and nodes.
    skip : bool[n_nodes]
        presynaptic nodes left out (private sources, drawn in place).

    Returns
    -------
    dict with ``indptr`` int64[T, n_nodes + 1], ``target`` int32[nnz], ``row_w`` float64[T, n_nodes],
    ``row_d`` int32[T, n_nodes] (-1: per-synapse), ``syn_w`` float64[nnz or 0], ``syn_d`` int32[nnz or 0].
    Within a row the synapses are sorted by target (stable: equal targets keep their input order).
    """
    counts = np.zeros(T * n_nodes + 1, dtype=np.int64)
    for pre, post, w, d, po, qo in parts:
        _count(counts, pre, post, po, qo, own, n_nodes, skip)
    flat = np.cumsum(counts)
    nnz = int(flat[-1])
    target = np.empty(nnz, dtype=np.int32)
    row_w = np.zeros(T * n_nodes)
    row_d = np.full(T * n_nodes, -2, dtype=np.int32)
    fill = flat[:-1].copy()
    for pre, post, w, d, po, qo in parts:
        _fill_rows(fill, target, row_w, row_d, pre, post, w, d, po, qo, own, n_nodes, skip)
    mixed = bool(np.any(row_d == -1))
    syn_w = np.zeros(nnz if mixed else 0)
    syn_d = np.zeros(nnz if mixed else 0, dtype=np.int32)
    if mixed:
        fill = flat[:-1].copy()
        for pre, post, w, d, po, qo in parts:
            _fill_syn(fill, syn_w, syn_d, pre, post, w, d, po, qo, own, n_nodes, skip)
    _sort_rows(flat, target, syn_w, syn_d, mixed)
    row_d[row_d == -2] = 0
    indptr = np.empty((T, n_nodes + 1), dtype=np.int64)
    for c in range(T):
        indptr[c] = flat[c * n_nodes:(c + 1) * n_nodes + 1]
    return dict(indptr=indptr, target=target, row_w=row_w.reshape(T, n_nodes), row_d=row_d.reshape(T, n_nodes),
                syn_w=syn_w, syn_d=syn_d)


def memory_bytes(tables):
    """Bytes held by the synapse tables (``synapse_table``'s arrays)."""
    return int(sum(tables[k].nbytes for k in ("indptr", "target", "row_w", "row_d", "syn_w", "syn_d")))


@njit
def deliver_row(ring_e, ring_i, c, pre, cnt, base, indptr, target, row_w, row_d, syn_w, syn_d):
    """Add spike (``pre``, multiplicity ``cnt``) emitted in a step with slot ``base`` = n % L to
    thread ``c``'s targets: weights >= 0 into ``ring_e``, < 0 into ``ring_i`` (the delta kernel
    passes its one ring twice)."""
    a = indptr[c, pre]
    b = indptr[c, pre + 1]
    if a == b:
        return
    L = ring_e.shape[0]
    d = row_d[c, pre]
    if d >= 0:
        w = row_w[c, pre] * cnt
        slot = base + d
        if slot >= L:
            slot -= L
        row = ring_e[slot] if row_w[c, pre] >= 0.0 else ring_i[slot]
        for q in range(a, b):
            row[target[q]] += w
    else:
        for q in range(a, b):
            slot = base + syn_d[q]
            if slot >= L:
                slot -= L
            w = syn_w[q]
            if w >= 0.0:
                ring_e[slot, target[q]] += w * cnt
            else:
                ring_i[slot, target[q]] += w * cnt


@njit
def record_lists(sp_node, sp_cnt, sp_ptr, nb, done, rec_col, rec_step, rec_node, rec_cnt, rec_n):
    """Append the recorded spikes of one block's lists (buffer already selected) to the record."""
    n = rec_n[0]
    T = sp_ptr.shape[0]
    for k in range(nb):
        for part in range(2):
            for c in range(T):
                for e in range(sp_ptr[c, 2 * k + part], sp_ptr[c, 2 * k + part + 1]):
                    col = rec_col[sp_node[c, e]]
                    if col >= 0:
                        rec_step[n] = done + k
                        rec_node[n] = col
                        rec_cnt[n] = sp_cnt[c, e]
                        n += 1
    rec_n[0] = n


@njit
def deliver_lists(ring_e, ring_i, c, sp_node, sp_cnt, sp_ptr, pnb, n0, ev_stamp, ev_node, ev_lo, ev_hi,
                  indptr, target, row_w, row_d, syn_w, syn_d):
    """Deliver the previous block (``pnb`` steps from global step ``n0``) to thread ``c``'s targets:
    per step, neuron spikes, then node-drawn source counts (threads in order), then spike-array
    events (stamp = step + 1)."""
    L = ring_e.shape[0]
    T = sp_ptr.shape[0]
    e_ev = ev_lo
    for k in range(pnb):
        base = (n0 + k) % L
        for part in range(2):
            for c2 in range(T):
                for e in range(sp_ptr[c2, 2 * k + part], sp_ptr[c2, 2 * k + part + 1]):
                    deliver_row(ring_e, ring_i, c, sp_node[c2, e], sp_cnt[c2, e], base, indptr, target, row_w, row_d,
                                syn_w, syn_d)
        while e_ev < ev_hi and ev_stamp[e_ev] == n0 + k + 1:
            deliver_row(ring_e, ring_i, c, ev_node[e_ev], 1, base, indptr, target, row_w, row_d, syn_w, syn_d)
            e_ev += 1


@njit
def private_input(i, stamp, src):
    """Input (excitatory, inhibitory sums of w * count) that neuron ``i``'s private Poisson sources
    deliver in the step with ``stamp`` = n + 1 (sources with one synapse, onto ``i``, not recorded,
    lam <= 10).  A source with delay d delivers in step n the count it emitted in step n - d; that
    count is drawn now, at arrival, from the source's own stream, which yields the counts in
    emission order exactly as drawing them at emission would.  So the result is that of a source
    node delivered through the synapse table and ring buffer, without either: no table, no ring
    traffic.  A source emits inside its window (first, last] of stamps only, so it delivers for
    arrival stamps in (first + d, last + d] (``fz_arr``), and nothing for emissions before the run.
    The private sources' streams are copied into target order f (``fz_state``), so the loop reads
    them in order; their table rows ``fz_tab``, arrival windows ``fz_arr`` and weights ``fz_w`` are
    one entry per source, or a single entry shared by all (then nothing else is streamed)."""
    (tab, win, rng_state, cdf, guide, big, fz_ptr, fz_tab, fz_arr, fz_state, fz_w, nf_src, nf_lo) = src
    pe = 0.0
    pi = 0.0
    for f in range(fz_ptr[i], fz_ptr[i + 1]):
        fa = f if fz_arr.shape[0] > 1 else 0
        if fz_arr[fa, 0] < stamp and stamp <= fz_arr[fa, 1]:
            fw = fz_w[f] if fz_w.shape[0] > 1 else fz_w[0]
            ft = fz_tab[f] if fz_tab.shape[0] > 1 else fz_tab[0]
            w = fw * draw_small(cdf, guide, ft, fz_state, f)
            if fw >= 0.0:
                pe += w
            else:
                pi += w
    return pe, pi


@njit
def draw_nodes(c, stamp, N, src, sp_node, sp_cnt, e):
    """Append this step's nonzero counts of thread ``c``'s node-drawn Poisson sources (node N + s) to
    its spike list from position ``e``; returns the new end."""
    (tab, win, rng_state, cdf, guide, big, fz_ptr, fz_tab, fz_arr, fz_state, fz_w, nf_src, nf_lo) = src
    for j in range(nf_lo[c], nf_lo[c + 1]):
        s = nf_src[j]
        if win[s, 0] < stamp and stamp <= win[s, 1]:
            cnt = poisson_draw(cdf, guide, big, tab[s], rng_state, s)
            if cnt > 0:
                sp_node[e] = N + s
                sp_cnt[e] = cnt
                e += 1
    return e


@njit
def block_events(ev_stamp, p, last_stamp):
    """End of the spike-array events with stamp <= ``last_stamp`` from position ``p``."""
    while p < ev_stamp.size and ev_stamp[p] <= last_stamp:
        p += 1
    return p


@njit
def record_events(ev_stamp, ev_node, lo, hi, s0, done, rec_col, rec_step, rec_node, rec_cnt, rec_n):
    """Append the recorded spike-array events [lo, hi) of the block starting at step ``s0``."""
    n = rec_n[0]
    for e in range(lo, hi):
        col = rec_col[ev_node[e]]
        if col >= 0:
            rec_step[n] = done + ev_stamp[e] - 1 - s0
            rec_node[n] = col
            rec_cnt[n] = 1
            n += 1
    rec_n[0] = n


def expand(tables, c=0):
    """Thread ``c``'s synapses as flat arrays ``pre, target, weight, delay`` in table order (for
    tests and twins)."""
    indptr = tables["indptr"][c]
    n_nodes = indptr.size - 1
    a, b = indptr[0], indptr[-1]
    pre = np.repeat(np.arange(n_nodes), np.diff(indptr))
    d_row, w_row = tables["row_d"][c][pre], tables["row_w"][c][pre]
    mixed = d_row < 0
    w = np.where(mixed, tables["syn_w"][a:b] if tables["syn_w"].size else 0.0, w_row)
    d = np.where(mixed, tables["syn_d"][a:b] if tables["syn_d"].size else 0, d_row)
    return pre, tables["target"][a:b].astype(np.int64), w, d.astype(np.int64)
