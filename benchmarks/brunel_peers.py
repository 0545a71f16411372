"""Benchmark: Brunel's network on recnet's numba simulator, NEST (native API) and Brian2 cpp_standalone.

One network, three simulators, one machine, run one after the other: Brunel 2000 model A
(N_E = 10,000, N_I = 2,500, fixed in-degrees C_E = 1000, C_I = 250, J = 0.1 mV, g = 5, eta = 2,
D = 1.5 ms, V_reset = 10 mV... as ``benchmarks/brunel_vs_nest.py``: V_reset 0 mV, tau_ref 2 ms),
dt 0.1 ms, 0.5 s warm-up + 2 s counted, ``--threads`` threads each (default 2 = this machine's
cores).  Each simulator draws its own realisation (same statistics):

* recnet: ``validation.simulators`` numba backend (build = drawing + tables; simulate = kernel);
* NEST 3: the ``nest`` module as in NEST's own ``brunel_delta_nest.py`` (``iaf_psc_delta``,
  ``fixed_indegree``, one ``poisson_generator`` connected ``all_to_all``), ``local_num_threads``;
* Brian2 (2.9, the version the registry serves) ``cpp_standalone`` with
  ``openmp_threads``, in its own virtual environment (``--brian2-venv``, created on first use with
  ``pip install brian2 "numpy<2.3"``: Brian2 2.9 does not import with numpy >= 2.3).  Delta
  synapses ``v += J`` discarded while refractory (``not_refractory``, as NEST), fixed in-degree by
  ``connect(i='k for k in sample(N_pre, size=C)')``, external drive a ``PoissonInput`` of C_E
  sources at nu_ext (the same Poisson drive).  Its build is code generation + compilation; its
  simulate time is the C++ run, which includes building the synapses in C++ (the C++ loop alone is
  printed too).

Printed per simulator: build and simulate wall times, synaptic events per second (recurrent spikes x
mean out-degree + external spikes), E and I rates with their batch-means standard errors against
the mean-field rate (Siegert, ``recnet.numerics.lif_meanfield.brunel_prediction``) and the ratios
NEST/recnet and Brian2/recnet.  Agreement rule (that of ``brunel_vs_nest.py``):
|rate - theory| <= 3 standard errors + 3 % of theory, the 3 % being the diffusion approximation's
bias at J = 0.1 mV, theta = 20 mV (Brunel 2000 reports agreement within a few per cent).

Options: ``--scale 4`` = 4x the neurons (N = 50,000) with in-degrees kept (epsilon / 4, the same
theory); ``--model potjans2014-exp`` = the Potjans-Diesmann microcircuit with exponential synapses
(``recnet models``), run on recnet (and on NEST through recnet's PyNN backend with
``--pd-nest``) with per-population rates against theory and the memory per synapse of recnet's
tables; ``--pd-scale S`` divides its sizes by S, in-degrees kept (S <= 2.1: L5I, 1065 neurons, receives
496 synapses from L5I at full size).  ``--quick``: N_E = 2000,
epsilon 0.2 (C_E = 400), 0.2 + 0.5 s.

Run: ``python benchmarks/brunel_peers.py [--quick] [--scale 4] [--skip nest,brian2]``.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

VENV = os.path.join(os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache")), "recnet", "brian2-venv")

_BRIAN2 = r'''
import json, sys, time
import numpy as np
from brian2 import *
p = json.loads(sys.argv[1])
set_device("cpp_standalone", directory=p["dir"], build_on_run=False)
prefs.devices.cpp_standalone.openmp_threads = p["threads"]
seed(p["seed"])
defaultclock.dt = p["dt"] * ms
n_e, n_i, c_e, c_i = p["n_e"], p["n_i"], p["c_e"], p["c_i"]
tau, theta, vr, tref = p["tau_m"] * ms, p["theta"] * mV, p["v_reset"] * mV, p["tau_refrac"] * ms
J, g, D = p["j"] * mV, p["g"], p["delay"] * ms
G = NeuronGroup(n_e + n_i, "dv/dt = -v/tau : volt (unless refractory)", threshold="v >= theta", reset="v = vr",
                refractory=tref, method="exact")
G.v = "rand() * theta"
E, I = G[:n_e], G[n_e:]
se = Synapses(E, G, on_pre="v_post += J * int(not_refractory_post)", delay=D)
se.connect(i="k for k in sample(n_e, size=c_e)")
si = Synapses(I, G, on_pre="v_post += -g * J * int(not_refractory_post)", delay=D)
si.connect(i="k for k in sample(n_i, size=c_i)")
ext = PoissonInput(G, "v", c_e, p["nu_ext"] * Hz, weight="J * int(not_refractory)")
mon = SpikeMonitor(G)
run((p["t_warm"] + p["t_sim"]) * ms)
t0 = time.perf_counter()
device.build(directory=p["dir"], compile=True, run=False)
t_build = time.perf_counter() - t0
t0 = time.perf_counter()
device.run(directory=p["dir"])
t_run = time.perf_counter() - t0
np.savez(p["out"], t=np.asarray(mon.t / ms), i=np.asarray(mon.i))
print(json.dumps(dict(build=t_build, sim=t_run, loop=float(device._last_run_time))))
'''


def brian2_python(venv, log=print):
    """Python of a virtual environment with Brian2 and numpy < 2.3 (created on first use)."""
    py = os.path.join(venv, "bin", "python")
    ok = os.path.exists(py) and subprocess.run([py, "-c", "import brian2"], capture_output=True).returncode == 0
    if not ok:
        log(f"creating {venv} (brian2, numpy<2.3) ...")
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
        subprocess.run([py, "-m", "pip", "install", "-q", "brian2", "numpy<2.3"], check=True)
    ver = subprocess.run([py, "-c", "import brian2, numpy; print(brian2.__version__, numpy.__version__)"],
                         capture_output=True, text=True, check=True).stdout.split()
    return py, ver


def run_brian2(p, t_warm, t_sim, dt, seed, threads, venv):
    from recnet.validation.brunel import brunel_sizes
    from recnet.validation.simulators.spikes import PopulationSpikes, SimulationResult

    py, ver = brian2_python(venv)
    n_e, n_i, c_e, c_i = brunel_sizes(p["n_e"], p["gamma"], p["epsilon"])
    nu_thr = (p["v_thresh"] - p["v_rest"]) / (p["j"] * c_e * p["tau_m"]) * 1000.0
    with tempfile.TemporaryDirectory() as work:
        args = dict(dir=os.path.join(work, "standalone"), out=os.path.join(work, "spikes.npz"), threads=threads,
                    seed=seed, dt=dt, n_e=n_e, n_i=n_i, c_e=c_e, c_i=c_i, tau_m=p["tau_m"],
                    theta=p["v_thresh"] - p["v_rest"], v_reset=p["v_reset"] - p["v_rest"],
                    tau_refrac=p["tau_refrac"], j=p["j"], g=p["g"], delay=p["delay"], nu_ext=p["eta"] * nu_thr,
                    t_warm=t_warm, t_sim=t_sim)
        script = os.path.join(work, "brunel_brian2.py")
        with open(script, "w") as f:
            f.write(_BRIAN2)
        t0 = time.perf_counter()
        out = subprocess.run([py, script, json.dumps(args)], capture_output=True, text=True, cwd=work)
        total = time.perf_counter() - t0
        if out.returncode != 0:
            raise RuntimeError(f"Brian2 failed:\n{out.stderr[-3000:]}")
        tm = json.loads(out.stdout.strip().splitlines()[-1])
        sp = np.load(args["out"])
        t, i = sp["t"], sp["i"]
    res = SimulationResult("brian2", dt, t_warm + t_sim)
    for lab, lo, n in (("E", 0, n_e), ("I", n_e, n_i)):
        m = (i >= lo) & (i < lo + n)
        res.populations[lab] = PopulationSpikes(lab, n, t[m], i[m] - lo)
    rates = {k: res.rate(k, t_warm, t_warm + t_sim) for k in ("E", "I")}
    return dict(build=tm["build"], sim=tm["sim"], loop=tm["loop"], total=tm["build"] + tm["sim"], wall=total,
                rates=rates, version=f"Brian2 {ver[0]} (numpy {ver[1]})")


def run_recnet(p, t_warm, t_sim, dt, seed, threads):
    from recnet.validation.brunel import brunel_network
    from recnet.validation.simulators.simulate import simulate

    simulate(brunel_network(n_e=40, epsilon=0.5, seed=1), 5.0, seed=1, progress=False, threads=threads)
    t0 = time.perf_counter()
    net = brunel_network(**p, seed=seed)
    res = simulate(net, t_warm + t_sim, dt=dt, seed=seed, progress=False, threads=threads)
    total = time.perf_counter() - t0
    build = res.info["wall_connect_s"] + res.info["wall_build_s"]
    rates = {k: res.rate(k, t_warm, t_warm + t_sim) for k in ("E", "I")}
    return dict(build=build, sim=res.info["wall_simulate_s"], total=total, rates=rates, version="recnet numba",
                bytes_per_synapse=res.info["synapse_table_bytes"] / max(res.info["n_synapses"], 1))


def run_nest(p, t_warm, t_sim, dt, seed, threads):
    from brunel_vs_nest import run_nest as _nest

    out = _nest(p, t_warm, t_sim, dt, seed, threads=threads)
    out["version"] = f"NEST {out['version']}"
    return out


def events(p, rates, t_sim):
    """Synaptic events per simulated ``t_sim`` ms: recurrent spikes (rate x N_X x t) x mean
    out-degree (fixed in-degree: N C_X / N_X) + external spikes (N C_E nu_ext t)."""
    from recnet.validation.brunel import brunel_sizes

    n_e, n_i, c_e, c_i = brunel_sizes(p["n_e"], p["gamma"], p["epsilon"])
    n = n_e + n_i
    spikes = {"E": rates["E"][0] * n_e * t_sim * 1e-3, "I": rates["I"][0] * n_i * t_sim * 1e-3}
    nu_thr = (p["v_thresh"] - p["v_rest"]) / (p["j"] * c_e * p["tau_m"]) * 1000.0
    ext = n * c_e * p["eta"] * nu_thr * t_sim * 1e-3
    return spikes["E"] * n * c_e / n_e + spikes["I"] * n * c_i / n_i + ext


def potjans(args, dt, seed):
    """The Potjans-Diesmann microcircuit (exp synapses) on recnet (and NEST through PyNN)."""
    from recnet.models import load as load_model
    from recnet.numerics.lif_meanfield import network_states
    from recnet.validation.simulators.simulate import simulate

    model = load_model(args.model)
    scale = args.pd_scale
    net = model.to_network(dt=dt, seed=seed, scale=scale)
    pred = network_states(model)
    stable = [s for s in pred["states"] if s["stable"]]
    state = stable[0] if len(stable) == 1 else None
    t_warm, t_sim = (200.0, 500.0) if args.quick else (500.0, 2000.0)
    backends = ["numba"] + (["nest"] if args.pd_nest else [])
    print(f"{model.name}: {net.n_neurons} neurons (sizes / {scale:g}, in-degrees kept), dt {dt} ms, "
          f"{t_warm:g} + {t_sim:g} ms, {args.threads} threads")
    for b in backends:
        opts = dict(threads=args.threads) if b == "numba" else dict(threads=args.threads, connectivity="native")
        rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        t0 = time.perf_counter()
        res = simulate(net, t_warm + t_sim, backend=b, dt=dt, seed=seed, progress=False, **opts)
        total = time.perf_counter() - t0
        info = res.info
        line = f"  {b}: total {total:.2f} s"
        if "wall_simulate_s" in info:
            line += f" (simulate {info['wall_simulate_s']:.2f} s)"
        if "synapse_table_bytes" in info:
            line += (f"; {info['n_synapses']:.3g} synapses, tables {info['synapse_table_bytes'] / 1e6:.1f} MB = "
                     f"{info['synapse_table_bytes'] / info['n_synapses']:.2f} B/synapse; peak RSS grew "
                     f"{(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss0) / 1e6:.2f} GB")
        print(line)
        for k, pop in enumerate(model.populations):
            r, se = res.rate(pop.name, t_warm, t_warm + t_sim)
            th = f"{state['rate_hz'][k]:8.3f} Hz" if state is not None else "no unique stable state"
            print(f"    {pop.name:5s} {r:8.3f} +- {se:.3f} Hz   theory {th}")
    return 0


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small smoke-size run")
    ap.add_argument("--scale", type=float, default=1.0, help="neurons x scale, in-degrees kept")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=12345)
    ap.add_argument("--skip", default="", help="comma-separated peers to leave out: nest, brian2")
    ap.add_argument("--brian2-venv", default=VENV)
    ap.add_argument("--model", default=None, help="potjans2014-exp: the microcircuit instead of Brunel's network")
    ap.add_argument("--pd-scale", type=float, default=1.0)
    ap.add_argument("--pd-nest", action="store_true", help="also run the microcircuit on NEST (PyNN)")
    ap.add_argument("--pd-dt", type=float, default=0.05, help="time step (ms) of the microcircuit: its 0.75 ms "
                    "inhibitory delay needs a divisor of 0.75 and 1.5")
    a = ap.parse_args(argv)
    import recnet.numerics._jit  # noqa: F401  numba threading layer set before NEST starts
    from recnet.numerics.lif_meanfield import brunel_prediction

    dt = 0.1
    if a.model:
        return potjans(a, a.pd_dt, a.seed)
    p = dict(tau_m=20.0, v_thresh=20.0, v_reset=0.0, v_rest=0.0, tau_refrac=2.0, g=5.0, eta=2.0, epsilon=0.1,
             j=0.1, n_e=10000, gamma=0.25, delay=1.5)
    t_warm, t_sim = 500.0, 2000.0
    if a.quick:
        p.update(n_e=2000, epsilon=0.2)
        t_warm, t_sim = 200.0, 500.0
    if a.scale != 1.0:
        p.update(n_e=int(round(p["n_e"] * a.scale)), epsilon=p["epsilon"] / a.scale)
    pred = brunel_prediction(**p)["rate_hz"]
    skip = {s.strip() for s in a.skip.split(",") if s.strip()}
    print(f"Brunel model A: N_E={p['n_e']} epsilon={p['epsilon']:g} g={p['g']} eta={p['eta']}, dt={dt} ms, "
          f"{t_warm:g} ms warm-up + {t_sim:g} ms, {a.threads} threads each; theory {pred:.3f} Hz")
    runs = {"recnet": run_recnet(p, t_warm, t_sim, dt, a.seed, a.threads)}
    if "nest" not in skip:
        runs["nest"] = run_nest(p, t_warm, t_sim, dt, a.seed, a.threads)
    if "brian2" not in skip:
        runs["brian2"] = run_brian2(p, t_warm, t_sim, dt, a.seed, a.threads, a.brian2_venv)
    agree = True
    for name, x in runs.items():
        ev = events(p, x["rates"], t_warm + t_sim)
        extra = f" (C++ loop alone {x['loop']:.2f} s)" if "loop" in x else ""
        mem = f", tables {x['bytes_per_synapse']:.2f} B/synapse" if "bytes_per_synapse" in x else ""
        print(f"{x['version']}: build {x['build']:7.2f} s  simulate {x['sim']:7.2f} s{extra}  total "
              f"{x['build'] + x['sim']:7.2f} s  {ev / x['sim']:.3g} events/s{mem}")
        for k, (rate, se) in x["rates"].items():
            ok = abs(rate - pred) <= 3 * se + 0.03 * pred
            agree &= ok
            print(f"    rate_{k.lower()} = {rate:8.3f} +- {se:.3f} Hz  theory {pred:.3f} Hz  "
                  f"{100 * (rate - pred) / pred:+.2f} %  agree: {ok}")
    r = runs["recnet"]
    for name, x in runs.items():
        if name != "recnet":
            print(f"ratio {name}/recnet: simulate {x['sim'] / r['sim']:.2f}x, total "
                  f"{(x['build'] + x['sim']) / (r['build'] + r['sim']):.2f}x")
    print(f"all within their errors of theory: {agree}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
