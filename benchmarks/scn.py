"""Benchmark: spike-coding network, N = 1000 neurons on a 10-dimensional latent space.

Spikes per second of wall time of recnet's numba kernel (``numerics.scn.simulate``), of its plain
numpy twin (``simulate_numpy`` in ``tests/twins/scn_network.py``, same algorithm) and of NEST 3
(through PyNN, the exported network of ``validation.scn_export``: IF_curr_delta, 10^6 all-to-all
synapses).  All three run the same mode (what PyNN can express): synchronous spiking rule, recurrent delay of one
step dt = 0.1 ms, absolute reset.  Checks: the numpy twin emits exactly the numba kernel's spikes
over its (shorter) window; NEST's spike count agrees with the kernel's within 2% (floating-point
order differs, the deterministic trajectories can part).  NEST's spikes per second use its
``Simulate`` wall time only (network construction reported separately).  Timings on a shared
machine are inflated by other load.

    python benchmarks/scn.py [--quick]
"""
from __future__ import annotations

import argparse
import time

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repo root, for the test twins
from tests.twins import scn_network as twin


def main(quick=False):
    from recnet.numerics.scn import network as scn
    from recnet.validation.scn import export as scn_export
    from recnet.validation.scn.validate import random_decoder

    K, N = (10, 1000) if not quick else (10, 200)
    tau, dt, mu = 100.0, 0.1, 2e-4
    t_sim = 1000.0 if not quick else 200.0
    g = np.random.default_rng(1)
    D = random_decoder(K, N, decoder_norm=0.01, seed=g)
    x = g.standard_normal(K)
    x /= np.linalg.norm(x)
    net = scn.build(D, mu=mu, tau=tau)
    V0 = np.minimum(net.F @ x, net.T * (1 - 1e-9))
    kw = dict(dt=dt, spikes_per_step=0, delay=dt, reset="absolute", V0=V0, t_warm=0.0)
    scn.simulate(net, x, t_sim=10 * dt, **kw)                          # compile / load the cache
    t0 = time.perf_counter()
    a = scn.simulate(net, x, t_sim=t_sim, **kw)
    t_numba = time.perf_counter() - t0
    t_np_sim = t_sim / (10 if not quick else 4)
    t0 = time.perf_counter()
    b = twin.simulate_numpy(net, x, t_sim=t_np_sim, **kw)
    t_numpy = time.perf_counter() - t0
    same = np.array_equal(a.spike_ids[a.spike_steps < b.spike_steps.max() + 1][:b.n_spikes], b.spike_ids)
    rows = [("recnet numba", a.n_spikes, t_numba), ("numpy loop", b.n_spikes, t_numpy)]
    nest_build = None
    try:
        out = scn_export.run(net, x, backend="nest", dt=dt, t_sim=t_sim, t_warm=0.0, n_batches=10)
        inf = out["info"]
        rows.append(("NEST (PyNN)", out["n_spikes"], float(inf["wall_simulate_s"])))
        nest_build = float(inf.get("wall_build_s", 0.0)) + float(inf.get("wall_connect_s", 0.0))
    except ImportError as exc:
        print(f"NEST not available: {exc}")
    print(f"SCN benchmark: N = {N}, K = {K}, dt = {dt} ms, t_sim = {t_sim} ms (numpy: {t_np_sim} ms)")
    print(f"{'simulator':<14} {'spikes':>9} {'wall s':>8} {'spikes/s':>12} {'rate Hz':>8}")
    sps = {}
    for name, n, t in rows:
        sps[name] = n / t
        T = t_np_sim if name == "numpy loop" else t_sim
        print(f"{name:<14} {n:>9d} {t:>8.3f} {n / t:>12.4g} {1000 * n / (N * T):>8.3f}")
    print(f"numpy twin emits the kernel's spikes exactly: {same}")
    if "NEST (PyNN)" in sps:
        n_nest = rows[-1][1]
        print(f"NEST spike count vs kernel: {n_nest} vs {a.n_spikes} "
              f"({'agree' if abs(n_nest - a.n_spikes) <= 0.02 * a.n_spikes else 'DISAGREE'} within 2%); "
              f"NEST network construction {nest_build:.2f} s")
    print(f"ratio numba / numpy: {sps['recnet numba'] / sps['numpy loop']:.1f}x")
    if "NEST (PyNN)" in sps:
        print(f"ratio numba / NEST : {sps['recnet numba'] / sps['NEST (PyNN)']:.2f}x")
    return sps


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="N = 200, 200 ms")
    main(p.parse_args().quick)
