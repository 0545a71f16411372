"""Benchmark: recnet's numba LIF simulator against its own earlier version, phase by phase.

The earlier kernel (``numerics/lif_delta.py``, ``numerics/lif_exp.py`` and
``validation/simulators/backend_numba.py`` at git revision ``--baseline``, by default the last
commit before issue 18's kernel rewrite) is loaded under other module names next to the current
one, and both run the same drawn network, interleaved (old, new, new, old, ...), ``--reps``
times.  Printed: the median ratio old/new per phase, with the spread over repetitions, and the
synaptic events per second.  On a machine shared with other work absolute times are meaningless,
ratios measured this way are not; ``--clock cpu`` times process CPU seconds instead of wall time.

Phases (Brunel 2000 model A, N_E = ``--n-e``, dt 0.1 ms, ``--t-sim`` ms per run), by difference
of four networks: ``update`` = neurons only; ``poisson`` = + one external Poisson source per
neuron (weight 0: drawn and delivered, no spikes); ``recurrent`` = full network, nothing
recorded, minus ``poisson``; ``recording`` = full network recording spikes, minus unrecorded.
``construction`` = turning the drawn connections into the kernel's tables (``compile_network``);
``fixed in-degree draw E`` = drawing the E -> all connections (``fixed_indegree``, numba threads
in the new code); the whole connectivity draw is printed for the current code only.

Machine references, measured in the same run and with the same clock (CPU seconds add up over
threads, so with ``--clock cpu`` rates are per CPU second): STREAM-like copy and triad bandwidth (numpy and
numba with ``--threads`` threads), random gathers from a 256 MB array (DRAM random-access rate),
and random scatter-adds into one ring-buffer row of N float64 (the access of spike delivery,
cache resident).  The events/s are printed as fractions of these.

Run: ``python benchmarks/lif_kernel_speed.py [--quick] [--reps 5] [--threads 2] [--clock cpu]``.
"""
from __future__ import annotations

import argparse
import importlib.util
import os
import subprocess
import sys
import tempfile
import time
import types

import numpy as np

BASELINE = "974806e"
_FILES = {"_baseline_lif_delta": "numerics/lif_delta.py", "_baseline_lif_exp": "numerics/lif_exp.py",
          "_baseline_backend_numba": "validation/simulators/backend_numba.py",
          "_baseline_spike_delivery": "numerics/spike_delivery.py",       # since issue 18
          "_baseline_poisson_streams": "numerics/poisson_streams.py"}
_SUBST = [(f"from recnet.numerics.{m} import", f"from _baseline_{m} import")
          for m in ("lif_delta", "lif_exp", "spike_delivery", "poisson_streams")]


def load_baseline(rev, workdir):
    """Import the kernel modules of git revision ``rev`` as ``_baseline_*`` (written to ``workdir``)."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    for name, path in _FILES.items():
        got = subprocess.run(["git", "-C", root, "show", f"{rev}:{path}"], capture_output=True, text=True)
        if got.returncode != 0:
            continue   # a module the revision did not have
        src = got.stdout
        for a, b in _SUBST:
            src = src.replace(a, b)
        with open(os.path.join(workdir, name + ".py"), "w") as f:
            f.write(src)
    sys.path.insert(0, workdir)
    return importlib.import_module("_baseline_backend_numba")


def _clocked(module, clock):
    if clock == "cpu":
        module.time = types.SimpleNamespace(perf_counter=time.process_time)
    return module


def networks(n_e, seed):
    """The four phase networks and their drawn connections (shared by both kernels)."""
    from recnet.validation.brunel import brunel_network
    from recnet.validation.simulators.network import (IF_curr_delta, Network, OneToOneConnector, SpikeSourcePoisson,
                                                      StaticSynapse)

    full = brunel_network(n_e=n_e, seed=seed, record=())
    conns = full.connectivity(seed)
    rec = brunel_network(n_e=n_e, seed=seed)
    n = full.n_neurons
    cell = full["E"].celltype.parameters
    v0 = np.concatenate([full["E"].initial_v(), full["I"].initial_v()])

    def bare(with_sources):
        net = Network()
        a = net.population(n, IF_curr_delta(**cell), "A", initial_values={"v": v0}, record=())
        if with_sources:
            x = net.population(n, SpikeSourcePoisson(rate=full["ext_E"].celltype.parameters["rate"]), "x", record=())
            net.projection(x, a, OneToOneConnector(), StaticSynapse(0.0, full.brunel["delay_ms"]))
        return net

    a, b = bare(False), bare(True)
    return dict(update=(a, a.connectivity(seed)), poisson=(b, b.connectivity(seed)), full=(full, conns),
                recorded=(rec, rec.connectivity(seed)))


def events(res, conns, n_neurons, t_sim):
    """Synaptic events of a recorded run: recurrent spikes x out-degree, plus external spikes
    (expected count rate x time per source; its relative error is below 1e-3)."""
    outdeg = np.zeros(n_neurons, dtype=np.int64)
    offs = {"E": 0, "I": res["E"].size}
    ext = 0.0
    for c in conns:
        pre = c.projection.pre
        if pre.label in offs:
            outdeg[offs[pre.label]:offs[pre.label] + pre.size] += np.bincount(c.pre, minlength=pre.size)
        else:
            ext += pre.size * pre.celltype.parameters["rate"] * t_sim * 1e-3
    rec = 0
    for lab in ("E", "I"):
        cnt = np.bincount(res[lab].ids, minlength=res[lab].size)
        rec += int(np.dot(cnt, outdeg[offs[lab]:offs[lab] + res[lab].size]))
    return rec, ext


def machine(threads, n_ring, clock=time.perf_counter):
    """STREAM-like bandwidths (bytes/s), DRAM random gathers/s and ring scatter-adds/s."""
    from recnet.numerics._jit import njit, prange

    @njit(parallel=True, cache=False)
    def triad(a, b, c, s):
        for i in prange(a.size):
            a[i] = b[i] + s * c[i]

    @njit(parallel=True, cache=False)
    def gather(x, idx, T):
        tot = np.zeros(T)
        n = idx.size
        for t in prange(T):
            acc = 0.0
            for i in range(t * n // T, (t + 1) * n // T):
                acc += x[idx[i]]
            tot[t] = acc
        return tot.sum()

    @njit(parallel=True, cache=False)
    def scatter(ring, tgt, rows, T):
        # each thread adds into its own half of one ring row, rows of 1250 sorted targets
        n = ring.shape[1]
        for t in prange(T):
            lo = t * n // T
            hi = (t + 1) * n // T
            row = ring[t]
            for r in range(rows):
                for q in range(r * 1250, (r + 1) * 1250):
                    row[lo + tgt[q] % (hi - lo)] += 0.1

    out = {}
    n = 32 * 1024 * 1024   # 256 MB per float64 array
    a, b, c = np.ones(n), np.ones(n), np.ones(n)
    best = np.inf
    for _ in range(3):
        t0 = clock()
        np.copyto(a, b)
        best = min(best, clock() - t0)
    out["copy_numpy"] = 2 * a.nbytes / best
    triad(a, b, c, 2.0)
    best = np.inf
    for _ in range(3):
        t0 = clock()
        triad(a, b, c, 2.0)
        best = min(best, clock() - t0)
    out["triad_numba"] = 3 * a.nbytes / best
    rng = np.random.default_rng(0)
    idx = rng.integers(0, n, 8 * 1024 * 1024)
    gather(b, idx[:1000], threads)
    best = np.inf
    for _ in range(3):
        t0 = clock()
        gather(b, idx, threads)
        best = min(best, clock() - t0)
    out["gather_dram"] = idx.size / best
    del a, b, c, idx
    rows = 4000
    tgt = np.sort(rng.integers(0, n_ring, (rows, 1250)), axis=1).ravel().astype(np.int32)
    ring = np.zeros((threads, n_ring))
    scatter(ring, tgt, 1, threads)
    best = np.inf
    for _ in range(3):
        t0 = clock()
        scatter(ring, tgt, rows, threads)
        best = min(best, clock() - t0)
    out["scatter_ring"] = threads * rows * 1250 / best
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--baseline", default=BASELINE, help="git revision of the earlier kernel")
    ap.add_argument("--n-e", type=int, default=10000)
    ap.add_argument("--t-sim", type=float, default=500.0, help="simulated ms per run")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--clock", choices=("wall", "cpu"), default="wall")
    ap.add_argument("--seed", type=int, default=12345)
    ap.add_argument("--quick", action="store_true", help="N_E = 2000, 200 ms, 2 repetitions")
    a = ap.parse_args(argv)
    if a.quick:
        a.n_e, a.t_sim, a.reps = 2000, 200.0, 2
    import recnet.numerics._jit  # noqa: F401  (threading layer)
    from recnet.validation.brunel import brunel_network
    from recnet.validation.simulators import backend_numba as new

    with tempfile.TemporaryDirectory() as work:
        old = load_baseline(a.baseline, work)
        kernels = {"old": _clocked(old, a.clock), "new": _clocked(new, a.clock)}
        clock = time.process_time if a.clock == "cpu" else time.perf_counter
        small = brunel_network(n_e=40, epsilon=0.5, seed=1)
        for k in kernels.values():   # compile (numba caches) outside the timed runs
            k.run(small, 5.0, seed=1, progress=False, threads=a.threads)
        t0 = time.perf_counter()
        nets = networks(a.n_e, a.seed)
        t_conn = time.perf_counter() - t0
        times = {(k, ph): [] for k in kernels for ph in ("update", "poisson", "full", "recorded", "build")}
        ev = {}
        for rep in range(a.reps):
            order = ("old", "new") if rep % 2 == 0 else ("new", "old")
            for ph in ("update", "poisson", "full", "recorded"):
                net, conns = nets[ph]
                for k in order:
                    r = kernels[k].run(net, a.t_sim, seed=a.seed, connections=conns, threads=a.threads,
                                       progress=False)
                    times[(k, ph)].append(r.info["wall_simulate_s"])
                    if ph == "full":
                        times[(k, "build")].append(r.info["wall_build_s"])
                    if ph == "recorded":
                        ev[k] = events(r, conns, net.n_neurons, a.t_sim)
                        rate = r.rate("E", 0.2 * a.t_sim, a.t_sim)[0]
                        print(f"  rep {rep} {k}: E rate {rate:.2f} Hz, simulate {r.info['wall_simulate_s']:.2f} s",
                              flush=True)
        fi = {"old": sys.modules["_baseline_lif_delta"].fixed_indegree, "new": None}
        from recnet.numerics.lif_delta import fixed_indegree as fi_new
        fi["new"] = fi_new
        nf = nets["full"][0].brunel
        for k in ("old", "new"):
            fi[k](50, 50, 5, False, True, 1)
        for rep in range(a.reps):
            for k in (("old", "new") if rep % 2 == 0 else ("new", "old")):
                t0 = clock()
                fi[k](nf["n_e"], nf["n_e"] + nf["n_i"], nf["c_e"], False, False, a.seed + rep)
                times[(k, "fixed_indegree")] = times.get((k, "fixed_indegree"), []) + [clock() - t0]
        ref = machine(a.threads, nets["full"][0].n_neurons,
                      time.process_time if a.clock == "cpu" else time.perf_counter)

    tt = {k: np.array(v) for k, v in times.items()}
    phases = {"update": lambda k: tt[(k, "update")],
              "poisson": lambda k: tt[(k, "poisson")] - tt[(k, "update")],
              "recurrent": lambda k: tt[(k, "full")] - tt[(k, "poisson")],
              "recording": lambda k: tt[(k, "recorded")] - tt[(k, "full")],
              "simulate (recorded)": lambda k: tt[(k, "recorded")],
              "construction": lambda k: tt[(k, "build")],
              "fixed in-degree draw E": lambda k: tt[(k, "fixed_indegree")]}
    n = nets["full"][0].n_neurons
    print(f"Brunel model A, N = {n}, {a.t_sim:g} ms per run, dt 0.1 ms, {a.threads} threads, clock {a.clock}, "
          f"{a.reps} interleaved repetitions; baseline {a.baseline}")
    print(f"  {'phase':22s} {'old s':>8s} {'new s':>8s} {'old/new median':>15s} {'(min..max)':>14s}")
    for name, f in phases.items():
        o, w = f("old"), f("new")
        # a phase is a difference of two runs: under load it can come out <= 0, then no ratio
        ratio = np.where((o > 0) & (w > 0), o / np.where(w > 0, w, 1.0), np.nan)
        if np.all(np.isnan(ratio)):
            print(f"  {name:22s} {np.median(o):8.3f} {np.median(w):8.3f} {'(too small to time)':>15s}")
            continue
        print(f"  {name:22s} {np.median(o):8.3f} {np.median(w):8.3f} {np.nanmedian(ratio):15.2f} "
              f"({np.nanmin(ratio):.2f}..{np.nanmax(ratio):.2f})")
    print(f"  connectivity draw (shared code): {t_conn:.2f} s for all four networks")
    rec_ev, ext_ev = ev["new"]
    for k in kernels:
        t = np.median(tt[(k, "recorded")])
        print(f"  {k}: {rec_ev / t:.3g} recurrent events/s + {ext_ev / t:.3g} external spikes/s "
              f"= {(rec_ev + ext_ev) / t:.3g} events/s")
    t = np.median(tt[("new", "recorded")])
    t_rec = np.median(phases["recurrent"]("new"))
    print(f"machine ({a.threads} threads): copy {ref['copy_numpy'] / 1e9:.2f} GB/s (numpy), triad "
          f"{ref['triad_numba'] / 1e9:.2f} GB/s (numba), DRAM gathers {ref['gather_dram'] / 1e6:.1f} M/s, "
          f"ring scatter-adds {ref['scatter_ring'] / 1e6:.1f} M/s")
    if t_rec > 0:
        r_rate = rec_ev / t_rec
        # per recurrent event: 4 bytes of target streamed plus 16 bytes of ring read-modify-write
        print(f"  recurrent delivery alone: {r_rate / 1e6:.1f} M events/s = {r_rate / ref['scatter_ring']:.2f} of the "
              f"ring scatter-add rate, {r_rate / ref['gather_dram']:.2f} of the DRAM random-access rate; "
              f"target stream {4 * r_rate / 1e9:.2f} GB/s = {4 * r_rate / ref['triad_numba']:.3f} of the triad "
              f"bandwidth")
    print(f"  whole simulation: {(rec_ev + ext_ev) / t / 1e6:.1f} M events/s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
