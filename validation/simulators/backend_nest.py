"""NEST backend: a recnet network description run by NEST 3 through ``pyNN.nest``.

Populations, cell parameters (PyNN names and units, translated by PyNN to ``iaf_psc_delta`` or
``iaf_psc_exp``),
initial values, Poisson and spike-array sources and recording go through PyNN. Connections:

``connectivity="recnet"`` (default)
    recnet draws the connections from the seed (``Network.connectivity``), exactly as the numba
    backend does, and hands them to NEST in one ``nest.Connect(pre_ids, post_ids, "one_to_one",
    syn_spec={"weight": w, "delay": d})`` call per projection (NEST's array interface, on PyNN's
    node collections; PyNN's own Python-side FixedNumberPre/FromList connectors would take
    minutes for the 15.6 million synapses of the Brunel network). Same seed -> the very same
    network on numba and NEST.
``connectivity="native"``
    random connectors are drawn by NEST's own rules (``fixed_indegree``, ``pairwise_bernoulli``,
    ``one_to_one``, ``all_to_all``; FromList/Array/WeightMatrix still go as arrays) with NEST's
    RNG seeded from ``seed``: a statistically equivalent but different network.

Weights of IF_curr_exp are in nA and go to NEST in pA (x 1000, as PyNN does).
Weights of IF_curr_delta are in mV and go to NEST unscaled (PyNN's ``receptor_scale = 1e-3``
cancels its nA->pA factor, and recnet bypasses that scaling by connecting directly). NEST's
deprecation warnings raised through PyNN are filtered; errors are never hidden. Spikes are
the ``spike_recorder`` events, stamped at the end of the step, in (0, t_sim].
"""
from __future__ import annotations

import contextlib
import os
import time
import warnings

import numpy as np

from recnet import checks
from recnet.validation.simulators.network import delay_steps
from recnet.validation.simulators.spikes import PopulationSpikes, SimulationResult

__all__ = ["run", "available"]


def available():
    """True when PyNN and nest-simulator import."""
    try:
        _import()
        return True
    except ImportError:
        return False


@contextlib.contextmanager
def _quiet():
    """Filter NEST's and PyNN's deprecation chatter (warnings only; exceptions pass through)."""
    import logging

    log = logging.getLogger("PyNN")
    level = log.level
    log.setLevel(logging.ERROR)  # PyNN logs "NEST does not allow setting an initial value for v"
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", category=DeprecationWarning)
            warnings.filterwarnings("ignore", category=FutureWarning, module=r"pyNN.*")
            warnings.filterwarnings("ignore", message=r"(?s).*(SetStatus|GetStatus|deprecated|backward compatibility).*")
            warnings.filterwarnings("ignore", message=r"(?s).*nest-config.*")
            # PyNN runs one min_delay past t_stop; recnet drops those spikes itself
            warnings.filterwarnings("ignore", message=r"(?s).*spike after t_stop.*")
            yield
    finally:
        log.setLevel(level)


def _import():
    import recnet.numerics._jit  # noqa: F401  numba threading layer set before NEST starts
    os.environ.setdefault("PYNEST_QUIET", "1")
    try:
        with _quiet():
            import nest  # noqa: F401
            import pyNN.nest as sim
    except ImportError as exc:
        raise ImportError("the NEST backend needs PyNN and nest-simulator: pip install 'recnet[nest]' "
                          f"({exc})") from exc
    return sim


def _cell(sim, pop):
    ct = pop.celltype
    if ct.name in ("IF_curr_delta", "IF_curr_exp"):
        params = {k: pop.parameter_array(k) if not np.isscalar(v) else float(v) for k, v in ct.parameters.items()}
        return getattr(sim, ct.name)(**params)
    if ct.name == "SpikeSourcePoisson":
        params = {k: pop.parameter_array(k) if not np.isscalar(v) else float(v) for k, v in ct.parameters.items()}
        return sim.SpikeSourcePoisson(**params)
    from pyNN.parameters import Sequence
    return sim.SpikeSourceArray(spike_times=[Sequence(np.asarray(t, float)) for t in pop.spike_times()])


def _weight_factor(proj):
    """recnet weight unit -> NEST's: IF_curr_delta mV -> iaf_psc_delta mV (1), IF_curr_exp nA ->
    iaf_psc_exp pA (1000; NEST routes a weight >= 0 to the excitatory current, < 0 to the inhibitory)."""
    return 1000.0 if proj.post.celltype.name == "IF_curr_exp" else 1.0


def run(network, t_sim, *, dt=0.1, seed=12345, connections=None, progress=None, threads=2,
        connectivity="recnet"):
    """Simulate ``network`` for ``t_sim`` ms on NEST (``iaf_psc_delta``) through pyNN.nest.

    Parameters
    ----------
    network : recnet.validation.simulators.network.Network
    t_sim, dt : float
        simulated time and time step (ms); delays must be whole multiples of dt.
    seed : int
        seeds recnet's connectivity draw and NEST's RNG (``rng_seed``).
    connections : list of Connections, optional
        already drawn connectivity (``connectivity="recnet"`` only).
    threads : int
        NEST threads (``local_num_threads``).
    connectivity : {"recnet", "native"}
        who draws random connectors (see module docstring).

    Returns
    -------
    recnet.validation.simulators.spikes.SimulationResult
        ``info`` has wall times (s) and the number of synapses NEST made.
    """
    dt = network.check(dt)
    t_sim = checks.positive("t_sim", t_sim, "ms")
    threads = checks.integer("threads", threads, minimum=1)
    if connectivity not in ("recnet", "native"):
        raise ValueError(f"connectivity = {connectivity!r} is invalid: must be 'recnet' or 'native'")
    seed = 12345 if seed is None else checks.integer("seed", seed, minimum=0)
    n_steps = int(round(t_sim / dt))
    if abs(n_steps * dt - t_sim) > 1e-6 * dt:
        raise ValueError(f"t_sim = {t_sim:g} ms is invalid: must be a whole number of time steps dt = {dt:g} ms")

    # Draw and check everything recnet can check before NEST sees it.
    t0 = time.perf_counter()
    if connectivity == "recnet" and connections is None:
        connections = network.connectivity(seed)
    t_conn = time.perf_counter() - t0
    if connections is not None:
        dsteps = [delay_steps(c.projection.name, c.delay, dt) for c in connections]
        dall = np.concatenate([d for d in dsteps if d.size]) if any(d.size for d in dsteps) else np.ones(1, int)
    else:
        dall = np.concatenate([np.atleast_1d(delay_steps(p.name, np.asarray(p.synapse.delay, float), dt))
                               for p in network.projections]) if network.projections else np.ones(1, int)
    min_delay = float(dall.min()) * dt
    max_delay = float(dall.max()) * dt
    for pop in network.sources:
        if pop.celltype.name == "SpikeSourceArray":
            for i, tr in enumerate(pop.spike_times()):
                if tr.size and tr.min() <= min_delay + 1e-9:
                    raise ValueError(f"spike_times of population {pop.label!r}[{i}] = {tr.min():g} ms is invalid on "
                                     f"NEST: must be > min_delay = {min_delay:g} ms (PyNN's parrot neurons need it)")

    sim = _import()
    import nest

    t0 = time.perf_counter()
    with _quiet():
        sim.setup(timestep=dt, min_delay=min_delay, max_delay=max(max_delay, min_delay), threads=threads,
                  rng_seed=int(seed % (2**31 - 1)) + 1, spike_precision="on_grid", verbosity="error")
        nest.set_verbosity("M_ERROR")
        pops, meters = {}, {}
        for p in network.populations:
            pops[p.label] = sim.Population(p.size, _cell(sim, p), label=p.label)
            if not p.celltype.is_source:
                # PyNN 0.13 cannot set IF_curr_delta's initial v on NEST ("NEST does not allow
                # setting an initial value for v"): set V_m (mV) on the nodes directly (both cell types alike).
                pops[p.label].node_collection.set(V_m=p.initial_v().tolist())
            if "spikes" in p.record:
                pops[p.label].record("spikes")
            if "v" in p.record:
                # PyNN 0.13's IF_curr_delta has no 'v' -> 'V_m' map for NEST: use a multimeter directly.
                mm = nest.Create("multimeter", params={"record_from": ["V_m"], "interval": dt})
                nest.Connect(mm, pops[p.label].node_collection)
                meters[p.label] = mm
        n_syn = 0
        if connectivity == "recnet":
            for c in connections:
                if len(c) == 0:
                    continue
                pre_ids = np.asarray(pops[c.projection.pre.label].node_collection.tolist(), dtype=np.int64)
                post_ids = np.asarray(pops[c.projection.post.label].node_collection.tolist(), dtype=np.int64)
                nest.Connect(pre_ids[c.pre], post_ids[c.post], "one_to_one",
                             syn_spec={"synapse_model": "static_synapse",
                                       "weight": np.asarray(c.weight, float) * _weight_factor(c.projection),
                                       "delay": np.round(np.asarray(c.delay, float) / dt) * dt})
                n_syn += len(c)
        else:
            _native_connect(network, pops, seed, dt, nest)
            n_syn = int(nest.GetKernelStatus("num_connections"))
    t_build = time.perf_counter() - t0
    t0 = time.perf_counter()
    with _quiet():
        sim.run(t_sim)
    t_run = time.perf_counter() - t0

    result = SimulationResult("nest", dt, n_steps * dt)
    with _quiet():
        for p in network.populations:
            if p.label in meters:
                ev = meters[p.label].get("events")
                ids0 = np.asarray(pops[p.label].node_collection.tolist())
                col = np.searchsorted(ids0, np.asarray(ev["senders"]))
                tt = np.asarray(ev["times"], float)
                tv = np.unique(tt[tt <= t_sim + 1e-9])
                row = np.searchsorted(tv, tt)
                ok = tt <= t_sim + 1e-9
                vals = np.full((tv.size, p.size), np.nan)
                vals[row[ok], col[ok]] = np.asarray(ev["V_m"], float)[ok]
                result.v[p.label] = (tv, vals)
            if "spikes" not in p.record:
                continue
            block = pops[p.label].get_data(clear=True)
            seg = block.segments[0]
            if "spikes" in p.record:
                times, ids = [], []
                for st in seg.spiketrains:
                    k = int(st.annotations["source_index"])
                    t = np.asarray(st.rescale("ms").magnitude, float)
                    t = t[(t > 0) & (t <= t_sim + 1e-9)]
                    times.append(t)
                    ids.append(np.full(t.size, k, dtype=np.int64))
                result.populations[p.label] = PopulationSpikes(
                    p.label, p.size, np.concatenate(times) if times else np.zeros(0),
                    np.concatenate(ids) if ids else np.zeros(0, np.int64))
        sim.end()
    result.info.update(dict(n_neurons=network.n_neurons, n_synapses=int(n_syn), threads=threads,
                            connectivity=connectivity, wall_connect_s=t_conn, wall_build_s=t_build,
                            wall_simulate_s=t_run, nest_version=nest.__version__))
    return result


def _native_connect(network, pops, seed, dt, nest):
    """Connect with NEST's own rules (``connectivity="native"``)."""
    from recnet.validation.simulators import network as nw

    for proj in network.projections:
        pre = pops[proj.pre.label].node_collection
        post = pops[proj.post.label].node_collection
        con = proj.connector
        w, d = proj.synapse.weight, proj.synapse.delay
        if not (np.isscalar(w) and np.isscalar(d)):
            raise ValueError(f"projection {proj.name}: connectivity='native' needs scalar weight and delay; "
                             "use connectivity='recnet'")
        syn = {"synapse_model": "static_synapse", "weight": float(w) * _weight_factor(proj),
               "delay": float(np.round(d / dt) * dt)}
        self_ok = True
        if isinstance(con, nw.FixedNumberPreConnector):
            self_ok = con.allow_self_connections
            rule = {"rule": "fixed_indegree", "indegree": con.n, "allow_multapses": con.with_replacement}
        elif isinstance(con, nw.FixedProbabilityConnector):
            self_ok = con.allow_self_connections
            rule = {"rule": "pairwise_bernoulli", "p": con.p_connect}
        elif isinstance(con, nw.OneToOneConnector):
            rule = {"rule": "one_to_one"}
        elif isinstance(con, nw.AllToAllConnector):
            self_ok = con.allow_self_connections
            rule = {"rule": "all_to_all"}
        else:
            raise ValueError(f"projection {proj.name}: {type(con).__name__} has no native NEST rule; "
                             "use connectivity='recnet'")
        if proj.pre is proj.post and rule["rule"] != "one_to_one":
            rule["allow_autapses"] = bool(self_ok)
        nest.Connect(pre, post, rule, syn)
