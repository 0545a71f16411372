"""Benchmark: Brunel's network on recnet's numba simulator against NEST's iaf_psc_delta.

Same model (Brunel 2000 model A: N_E = 10,000, N_I = 2,500, C_E = 1000, C_I = 250, J = 0.1 mV,
g = 5, eta = 2, D = 1.5 ms, v_reset = 0), same machine, same time step (0.1 ms), same simulated
time (0.5 s warm-up + 2 s counted). NEST is driven natively (``nest`` module, the way NEST's
own ``brunel_delta_nest.py`` example builds it: ``fixed_indegree`` connections, one
``poisson_generator`` per population connected ``all_to_all`` so every neuron gets an
independent train, a ``spike_recorder``) with ``local_num_threads = 2`` = the machine's cores;
recnet's numba simulator uses 2 numba threads. Each network is drawn by its own simulator (same
statistics, different realisations). Both are compared with the mean-field rate
(``brunel_prediction``): |sim - theory| <= 3 stderr + 3 %.

Prints wall times (network construction and simulation separately) and the ratio NEST / recnet.
Run: ``python benchmarks/brunel_vs_nest.py [--quick]`` (quick: N_E = 2000, epsilon = 0.2 so
C_E = 400, 0.2 s + 0.5 s). Timings are wall-clock on a possibly shared machine.
"""
from __future__ import annotations

import argparse
import os
import time

import numpy as np


def theory(**p):
    from recnet.numerics.lif_meanfield import brunel_prediction

    return brunel_prediction(**p)


def run_recnet(p, t_warm, t_sim, dt, seed):
    from recnet.validation.brunel import brunel_network
    from recnet.validation.simulators.simulate import simulate

    # warm numba's on-disk cache so compile time is not counted (a second run of a user's script)
    simulate(brunel_network(n_e=40, epsilon=0.5, seed=1), 5.0, seed=1, progress=False)
    t0 = time.perf_counter()
    net = brunel_network(**p, seed=seed)
    res = simulate(net, t_warm + t_sim, dt=dt, seed=seed, progress=False, threads=2)
    total = time.perf_counter() - t0
    build = res.info["wall_connect_s"] + res.info["wall_build_s"]
    out = {k: res.rate(k, t_warm, t_warm + t_sim) for k in ("E", "I")}
    return dict(build=build, sim=res.info["wall_simulate_s"], total=total, rates=out)


def run_nest(p, t_warm, t_sim, dt, seed, threads=2):
    os.environ.setdefault("PYNEST_QUIET", "1")
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import nest
    from recnet.validation.brunel import brunel_sizes
    from recnet.validation.simulators.spikes import PopulationSpikes, SimulationResult

    n_e, n_i, c_e, c_i = brunel_sizes(p["n_e"], p["gamma"], p["epsilon"])
    nu_thr = (p["v_thresh"] - p["v_rest"]) / (p["j"] * c_e * p["tau_m"]) * 1000.0
    nest.ResetKernel()
    nest.set(resolution=dt, local_num_threads=threads, rng_seed=seed, print_time=False)
    nest.set_verbosity("M_ERROR")
    t0 = time.perf_counter()
    params = {"C_m": 1000.0, "tau_m": p["tau_m"], "t_ref": p["tau_refrac"], "E_L": p["v_rest"],
              "V_th": p["v_thresh"], "V_reset": p["v_reset"], "V_m": p["v_rest"]}
    ex = nest.Create("iaf_psc_delta", n_e, params=params)
    inh = nest.Create("iaf_psc_delta", n_i, params=params)
    rng = np.random.default_rng(seed)
    for pop, n in ((ex, n_e), (inh, n_i)):
        pop.V_m = rng.uniform(p["v_rest"], p["v_thresh"], n).tolist()
    noise = nest.Create("poisson_generator", params={"rate": c_e * p["eta"] * nu_thr})
    rec = nest.Create("spike_recorder", 2)
    d = p["delay"]
    nest.Connect(noise, ex + inh, "all_to_all", {"weight": p["j"], "delay": d})
    nest.Connect(ex, ex + inh, {"rule": "fixed_indegree", "indegree": c_e}, {"weight": p["j"], "delay": d})
    nest.Connect(inh, ex + inh, {"rule": "fixed_indegree", "indegree": c_i}, {"weight": -p["g"] * p["j"], "delay": d})
    nest.Connect(ex, rec[0])
    nest.Connect(inh, rec[1])
    build = time.perf_counter() - t0
    t0 = time.perf_counter()
    nest.Simulate(t_warm + t_sim)
    sim = time.perf_counter() - t0
    res = SimulationResult("nest", dt, t_warm + t_sim)
    for label, pop, r in (("E", ex, rec[0]), ("I", inh, rec[1])):
        ev = r.events
        first = pop[0].global_id
        res.populations[label] = PopulationSpikes(label, len(pop), np.asarray(ev["times"], float),
                                                  np.asarray(ev["senders"]) - first)
    out = {k: res.rate(k, t_warm, t_warm + t_sim) for k in ("E", "I")}
    return dict(build=build, sim=sim, total=build + sim, rates=out, version=nest.__version__)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small smoke-size run")
    ap.add_argument("--g", type=float, default=5.0)
    ap.add_argument("--seed", type=int, default=12345)
    a = ap.parse_args(argv)
    import recnet.numerics._jit  # noqa: F401  numba threading layer set before NEST starts
    p = dict(tau_m=20.0, v_thresh=20.0, v_reset=0.0, v_rest=0.0, tau_refrac=2.0, g=a.g, eta=2.0, epsilon=0.1,
             j=0.1, n_e=10000, gamma=0.25, delay=1.5)
    t_warm, t_sim, dt = 500.0, 2000.0, 0.1
    if a.quick:
        p.update(n_e=2000, epsilon=0.2)
        t_warm, t_sim = 200.0, 500.0
    pred = theory(**p)["rate_hz"]
    print(f"Brunel network N_E={p['n_e']} epsilon={p['epsilon']} g={p['g']} eta={p['eta']}, dt={dt} ms, "
          f"{t_warm:g} ms warm-up + {t_sim:g} ms; theory {pred:.3f} Hz")
    r = run_recnet(p, t_warm, t_sim, dt, a.seed)
    n = run_nest(p, t_warm, t_sim, dt, a.seed)
    agree = {}
    for name, x in (("recnet", r), ("nest", n)):
        for k, (rate, se) in x["rates"].items():
            ok = abs(rate - pred) <= 3 * se + 0.03 * pred
            agree[(name, k)] = ok
            print(f"  {name:6s} rate_{k.lower()}_hz = {rate:8.3f} +- {se:.3f}  (theory {pred:.3f}, "
                  f"{100 * (rate - pred) / pred:+.2f} %)  agree: {ok}")
    print(f"  recnet (numba, 2 threads): build {r['build']:7.2f} s  simulate {r['sim']:7.2f} s  total {r['total']:7.2f} s")
    print(f"  NEST {n['version']} (2 threads):  build {n['build']:7.2f} s  simulate {n['sim']:7.2f} s  "
          f"total {n['total']:7.2f} s")
    print(f"ratio NEST / recnet: simulate {n['sim'] / r['sim']:.2f}x, total {n['total'] / r['total']:.2f}x; "
          f"both agree with theory: {all(agree.values())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
