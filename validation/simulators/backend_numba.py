"""recnet's built-in simulator: a network description run by the numba kernels of
``recnet.numerics.lif_delta`` (NEST ``iaf_psc_delta`` semantics on the same time grid) or, for
``IF_curr_exp`` populations, ``recnet.numerics.lif_exp`` (NEST ``iaf_psc_exp``).  All neuron
populations of one network must have the same cell type.

Use through ``recnet.validation.simulators.simulate.simulate(network, t_sim, backend="numba")``.
"""
from __future__ import annotations

import time

import numpy as np

import recnet.numerics._jit  # noqa: F401  (fixes numba's threading layer before any parallel run)

from recnet import checks
from recnet.validation.simulators.network import delay_steps
from recnet.validation.simulators.spikes import PopulationSpikes, SimulationResult

__all__ = ["run", "compile_network"]

_MAX_BLOCK = 32


def _split(weights, T):
    """Split range(len(weights)) into T contiguous parts of nearly equal total weight."""
    n = len(weights)
    if n == 0:
        return np.zeros(T + 1, dtype=np.int64)
    cum = np.concatenate([[0.0], np.cumsum(np.asarray(weights, float))])
    if cum[-1] <= 0:
        return np.linspace(0, n, T + 1).round().astype(np.int64)
    b = np.searchsorted(cum, np.linspace(0, cum[-1], T + 1), side="left")
    b[0], b[-1] = 0, n
    return np.maximum.accumulate(np.clip(b, 0, n)).astype(np.int64)


def _recorded_nodes(network, offset, n_nodes):
    rec = np.zeros(n_nodes, dtype=bool)
    for p in network.populations:
        if "spikes" in p.record:
            rec[offset[p.label]:offset[p.label] + p.size] = True
    return rec


def _shared_or_each(x):
    """``x`` (rows per private source), or its first row alone when every row is the same."""
    x = np.ascontiguousarray(x)
    return np.ascontiguousarray(x[:1]) if x.shape[0] > 1 and np.all(x == x[:1]) else x


def _one_or_all(x):
    """A per-synapse array, or its single value when all are equal (one array of length 1)."""
    if x.size > 1 and (x.strides[0] == 0 or x.min() == x.max()):
        return x[:1].copy()
    return x


def _projection_parts(connections, offset, dt):
    """Per projection: (pre, post, weight mV/nA, delay steps, pre offset, post offset)."""
    parts = []
    for c in connections:
        proj = c.projection
        w = np.ascontiguousarray(_one_or_all(np.asarray(c.weight, dtype=float)))
        d = _one_or_all(np.asarray(c.delay, dtype=float))
        parts.append((np.ascontiguousarray(c.pre, dtype=np.int64), np.ascontiguousarray(c.post, dtype=np.int64), w,
                      delay_steps(proj.name, d, dt), offset[proj.pre.label], offset[proj.post.label]))
    return parts


def _private_sources(parts, N, S, recorded, lam):
    """Poisson sources with exactly one synapse, onto a neuron, no recording and at most 10 spikes
    per step on average (one table inversion per draw): drawn in place.  Returns the bool mask
    over sources and their table (sorted by target neuron): fz_ptr, fz_src, fz_tgt, fz_w, fz_d."""
    from recnet.numerics.poisson_streams import small

    outdeg = np.zeros(S, dtype=np.int64)
    src_parts = [p for p in parts if N <= p[4] < N + S]
    for pre, post, w, d, po, qo in src_parts:
        outdeg[po - N:po - N + (pre.max() + 1 if pre.size else 0)] += np.bincount(pre)
    private = (outdeg == 1) & ~recorded[N:N + S] & small(lam)
    srcs, tgts, ws, ds = [], [], [], []
    for pre, post, w, d, po, qo in src_parts:
        m = private[pre + po - N]
        srcs.append(pre[m] + po - N)
        tgts.append(post[m] + qo)
        ws.append(np.broadcast_to(w, pre.shape)[m])
        ds.append(np.broadcast_to(d, pre.shape)[m])
    cat = lambda x, t: np.concatenate(x).astype(t) if x else np.zeros(0, t)  # noqa: E731
    src, tgt, w, d = cat(srcs, np.int64), cat(tgts, np.int64), cat(ws, float), cat(ds, np.int64)
    o = np.argsort(tgt, kind="stable")
    fz_ptr = np.zeros(N + 1, dtype=np.int64)
    np.cumsum(np.bincount(tgt, minlength=N), out=fz_ptr[1:])
    return private, (fz_ptr, np.ascontiguousarray(src[o]), np.ascontiguousarray(tgt[o]), np.ascontiguousarray(w[o]),
                     np.ascontiguousarray(d[o]))


def compile_network(network, dt, connections, threads, recorded=None):
    """Turn a description plus drawn connections into the kernel's arrays (see ``numerics.lif_delta``).

    ``recorded``: bool per node (default: the populations recording spikes); recorded Poisson
    sources are never drawn in place (their spikes are kept).
    """
    from recnet.numerics.lif_delta import propagators
    from recnet.numerics.poisson_streams import poisson_tables
    from recnet.numerics.spike_delivery import synapse_table

    neurons = network.neurons
    poisson = [p for p in network.sources if p.celltype.name == "SpikeSourcePoisson"]
    arrays = [p for p in network.sources if p.celltype.name == "SpikeSourceArray"]
    offset, pos = {}, 0
    for p in neurons + poisson + arrays:
        offset[p.label] = pos
        pos += p.size
    N = sum(p.size for p in neurons)
    S = sum(p.size for p in poisson)
    n_nodes = pos

    kinds = sorted({p.celltype.name for p in neurons})
    if len(kinds) > 1:
        raise ValueError(f"the numba backend runs one neuron cell type per network: this one mixes {', '.join(kinds)} "
                         f"(populations {', '.join(p.label + ': ' + p.celltype.name for p in neurons)})")
    kind = kinds[0]
    cat = lambda name: np.concatenate([p.parameter_array(name) for p in neurons])  # noqa: E731
    tau_m, cm, v_rest = cat("tau_m"), cat("cm"), cat("v_rest")
    if kind == "IF_curr_exp":
        from recnet.numerics.lif_exp import propagators_exp
        p22, p21e, p11e, p20 = propagators_exp(tau_m, cat("tau_syn_E"), cm, dt)
        _, p21i, p11i, _ = propagators_exp(tau_m, cat("tau_syn_I"), cm, dt)
        npar = np.ascontiguousarray(np.stack([p22, p21e, p21i, p11e, p11i, p20 * cat("i_offset"),
                                              cat("v_thresh") - v_rest, cat("v_reset") - v_rest, v_rest]))
    else:
        P33, P30 = propagators(tau_m, cm, dt)
        i_pa = cat("i_offset") * 1000.0
        npar = np.ascontiguousarray(np.stack([P33, P30 * i_pa, cat("v_thresh") - v_rest, cat("v_reset") - v_rest,
                                              v_rest]))
    refr = np.round(cat("tau_refrac") / dt).astype(np.int64)
    y0 = np.concatenate([p.initial_v() for p in neurons]) - v_rest

    lam = np.concatenate([p.parameter_array("rate") for p in poisson]) * dt * 1e-3 if S else np.zeros(0)
    tab, cdf, guide, big = poisson_tables(lam)
    if S:
        start = np.concatenate([p.parameter_array("start") for p in poisson])
        stop = start + np.concatenate([p.parameter_array("duration") for p in poisson])
        win = np.stack([np.round(start / dt), np.minimum(np.round(stop / dt), 2.0**62)], axis=1).astype(np.int64)
    else:
        win = np.zeros((0, 2), dtype=np.int64)

    ev_stamp, ev_node = [], []
    for p in arrays:
        for k, tr in enumerate(p.spike_times()):
            ev_stamp.append(np.round(np.asarray(tr) / dt).astype(np.int64))
            ev_node.append(np.full(len(tr), offset[p.label] + k, dtype=np.int64))
    ev_stamp = np.concatenate(ev_stamp) if ev_stamp else np.zeros(0, np.int64)
    ev_node = np.concatenate(ev_node) if ev_node else np.zeros(0, np.int64)
    o = np.lexsort((ev_node, ev_stamp))
    ev_stamp, ev_node = np.ascontiguousarray(ev_stamp[o]), np.ascontiguousarray(ev_node[o])

    parts = _projection_parts(connections, offset, dt)
    if recorded is None:
        recorded = _recorded_nodes(network, offset, n_nodes)
    private, fused = _private_sources(parts, N, S, recorded, lam)
    skip = np.zeros(n_nodes, dtype=bool)
    skip[N:N + S] = private
    # synapses grouped by the thread owning the target neuron, then by presynaptic node
    ulo = _split(np.ones(N), threads)
    own = np.repeat(np.arange(threads, dtype=np.int64), np.diff(ulo))
    tables = synapse_table(parts, own, threads, n_nodes, skip)
    tabled = [p[3] for p in parts if p[0].size and not np.all(skip[p[4]:p[4] + p[0].max() + 1])]
    dmax = max((int(d.max()) for d in tabled), default=0)   # private sources need no ring slot
    dmin = min((int(d.min()) for d in tabled), default=_MAX_BLOCK)
    block = max(1, min(dmin, _MAX_BLOCK))
    nf_src = np.flatnonzero(~private).astype(np.int64)
    n_syn = sum(p[0].size for p in parts)

    return dict(
        kind=kind, N=N, S=S, n_nodes=n_nodes, offset=offset, neurons=neurons, poisson=poisson, arrays=arrays,
        npar=npar, refr=refr, y0=y0, lam=np.ascontiguousarray(lam), tab=tab, cdf=cdf, guide=guide, big=big,
        win=np.ascontiguousarray(win), fused=fused, nf_src=nf_src, nf_lo=_split(np.ones(nf_src.size), threads),
        n_private=int(private.sum()), ev_stamp=ev_stamp, ev_node=ev_node, tables=tables,
        n_synapses=int(n_syn), block=block, L=dmax + 1, ulo=ulo,
    )


def run(network, t_sim, *, dt=0.1, seed=None, connections=None, progress=None, chunk_steps=2000,
        threads=None):
    """Simulate ``network`` for ``t_sim`` ms with time step ``dt`` ms on recnet's numba simulator.

    Parameters
    ----------
    network : recnet.validation.simulators.network.Network
    t_sim : float
        simulated time (ms), a whole number of steps.
    dt : float
        time step (ms).
    seed : int, optional
        draws the connectivity (``network.connectivity(seed)``, unless ``connections`` is given)
        and the Poisson streams (``SeedSequence([seed, 1])``).
    connections : list of Connections, optional
        already drawn connectivity (to give several backends the same network).
    progress : bool or None
        tqdm progress bar; None shows it only on a terminal.
    chunk_steps : int
        steps per kernel call (progress granularity and membrane-potential record size); spikes are
        recorded as (step, column, count) events, the buffer growing when a block does not fit.
    threads : int, optional
        numba threads (default: numba's, i.e. the machine's cores).

    Returns
    -------
    recnet.validation.simulators.spikes.SimulationResult
        ``info`` also holds ``private_poisson_sources`` (sources drawn in place, see
        ``recnet.numerics.spike_delivery.private_input``) and ``synapse_table_bytes``.
    """
    import numba
    from tqdm.auto import tqdm

    from recnet.numerics.lif_delta import advance, advance_serial, splitmix64_seeds
    from recnet.numerics.spike_delivery import memory_bytes

    dt = network.check(dt)
    t_sim = checks.positive("t_sim", t_sim, "ms")
    n_steps = int(round(t_sim / dt))
    if abs(n_steps * dt - t_sim) > 1e-6 * dt:
        raise ValueError(f"t_sim = {t_sim:g} ms is invalid: must be a whole number of time steps dt = {dt:g} ms")
    if threads is not None:
        threads = checks.integer("threads", threads, minimum=1, maximum=numba.config.NUMBA_NUM_THREADS)
    T = threads or numba.get_num_threads()
    seed_int = None
    if seed is not None and not isinstance(seed, np.random.Generator):
        seed_int = checks.integer("seed", seed, minimum=0)
    elif isinstance(seed, np.random.Generator):
        seed_int = int(seed.integers(0, 2**63 - 1))
    t0 = time.perf_counter()
    if connections is None:
        connections = network.connectivity(seed_int)
    t_conn = time.perf_counter() - t0
    t0 = time.perf_counter()
    net = compile_network(network, dt, connections, T)
    N, S = net["N"], net["S"]
    y = net["y0"].copy()
    r = np.zeros(N, dtype=np.int64)
    rng_state = splitmix64_seeds(S, [0 if seed_int is None else seed_int, 1]) if seed_int is not None \
        else splitmix64_seeds(S, None)
    exp = net["kind"] == "IF_curr_exp"
    ring = np.zeros((net["L"], N))
    fz_ptr, fz_src, fz_tgt, fz_w, fz_d = net["fused"]
    # the private sources' streams, tables and windows in their (target) order: read in sequence
    fz_arr = net["win"][fz_src] + fz_d[:, None]   # arrival stamps (first + d, last + d]
    src = (net["tab"], net["win"], rng_state, net["cdf"], net["guide"], net["big"], fz_ptr,
           _shared_or_each(net["tab"][fz_src]), _shared_or_each(fz_arr), rng_state[fz_src], _shared_or_each(fz_w),
           net["nf_src"], net["nf_lo"])
    tb = net["tables"]
    syn = (tb["indptr"], tb["target"], tb["row_w"], tb["row_d"], tb["syn_w"], tb["syn_d"])
    B = net["block"]
    cap = B * (int(np.diff(net["ulo"]).max(initial=0)) + int(np.diff(net["nf_lo"]).max(initial=0)))
    lists = (np.zeros((2, T, max(cap, 1)), dtype=np.int32), np.zeros((2, T, max(cap, 1)), dtype=np.int32),
             np.zeros((2, T, 2 * B + 1), dtype=np.int64), np.zeros(4, dtype=np.int64))
    ev = (net["ev_stamp"], net["ev_node"])

    rec_pops = [p for p in network.populations if "spikes" in p.record]
    rec_node = np.concatenate([net["offset"][p.label] + np.arange(p.size) for p in rec_pops]) if rec_pops \
        else np.zeros(0, np.int64)
    rec_col = -np.ones(net["n_nodes"], dtype=np.int64)
    rec_col[rec_node] = np.arange(rec_node.size)
    rec_max = int(np.count_nonzero(rec_col[:N + S] >= 0))   # entries one step can add (array events aside)
    v_pops = [p for p in network.neurons if "v" in p.record]
    v_col = -np.ones(N, dtype=np.int64)
    col = 0
    for p in v_pops:
        o = net["offset"][p.label]
        v_col[o:o + p.size] = np.arange(col, col + p.size)
        col += p.size
    if exp:
        from recnet.numerics.lif_exp import advance_exp, advance_exp_serial
        kernel = advance_exp if T > 1 else advance_exp_serial
        neu = (net["npar"], net["refr"], y, np.zeros(N), np.zeros(N), r)
        rings = (ring, np.zeros((net["L"], N)))
    else:
        kernel = advance if T > 1 else advance_serial
        neu = (net["npar"], net["refr"], y, r)
        rings = (ring,)
    chunk = max(B, (int(chunk_steps) // B) * B)
    n_ev = net["ev_stamp"].size
    rec_cap = max(4 * B * rec_max + n_ev, 1 << 16)
    steps_all, nodes_all, vals = [], [], []
    v_chunks = []
    t_build = time.perf_counter() - t0
    t0 = time.perf_counter()
    step = 0
    rec_n = np.zeros(1, dtype=np.int64)
    rec_buf = [np.zeros(rec_cap, dtype=np.int32) for _ in range(3)]
    with tqdm(total=n_steps, disable=(None if progress is None else not progress), unit="step",
              desc="recnet numba", leave=False) as bar:
        with np.errstate(all="ignore"):
            while step < n_steps:
                n = min(chunk, n_steps - step)
                v_out = np.zeros((n, col))
                got = 0
                while got < n:
                    rec = (rec_col, *rec_buf, rec_n, rec_max, v_col, v_out[got:])
                    k = kernel(step + got, n - got, B, neu, src, syn, *rings, net["ulo"], lists, ev, rec)
                    m = int(rec_n[0])
                    steps_all.append(rec_buf[0][:m].astype(np.int64) + step + got)
                    nodes_all.append(rec_buf[1][:m].copy())
                    vals.append(rec_buf[2][:m].copy())
                    rec_n[0] = 0
                    if k == 0:   # one block did not fit: a larger record buffer
                        rec_buf = [np.zeros(2 * b.size, dtype=np.int32) for b in rec_buf]
                    got += k
                if col:
                    v_chunks.append(v_out)
                step += n
                bar.update(n)
    t_run = time.perf_counter() - t0
    k = np.concatenate(steps_all) if steps_all else np.zeros(0, np.int64)
    j = np.concatenate(nodes_all).astype(np.int64) if nodes_all else np.zeros(0, np.int64)
    mult = np.concatenate(vals).astype(np.int64) if vals else np.zeros(0, np.int64)
    # multiplicity > 1 (Poisson sources) -> repeated spike times
    k, j = np.repeat(k, mult), np.repeat(j, mult)
    times = (k + 1) * dt
    result = SimulationResult("numba", dt, n_steps * dt)
    col0 = 0
    for p in rec_pops:
        m = (j >= col0) & (j < col0 + p.size)
        result.populations[p.label] = PopulationSpikes(p.label, p.size, times[m], j[m] - col0)
        col0 += p.size
    if col:
        vv = np.concatenate(v_chunks)
        tv = (np.arange(n_steps) + 1) * dt
        c0 = 0
        for p in v_pops:
            result.v[p.label] = (tv, vv[:, c0:c0 + p.size])
            c0 += p.size
    result.info.update(dict(n_neurons=N, n_poisson_sources=S, n_synapses=net["n_synapses"], threads=T,
                            block_steps=net["block"], private_poisson_sources=net["n_private"],
                            synapse_table_bytes=memory_bytes(net["tables"]), wall_connect_s=t_conn, wall_build_s=t_build,
                            wall_simulate_s=t_run))
    return result
