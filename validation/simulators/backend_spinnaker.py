"""SpiNNaker backend: a recnet network description run through ``pyNN.spiNNaker`` (sPyNNaker 7).

Without a reachable board (the default, ``machine_name=None``) the network is mapped on
sPyNNaker's *virtual* SpiNN-5 board (48 chips x 18 cores): it is really partitioned, placed and
routed, but not run ("Data from a virtual run will be empty"), so the result has no spikes and
reports the resources in ``info``: ``chips`` (chips holding application cores), ``cores``
(application cores: neuron, synapse, Poisson and delay-extension cores), ``cores_total``
(including sPyNNaker's monitor and data-gatherer cores), ``placements`` by vertex type.

A SpiNNaker "validation" without a board is a **mapping check**: the network is partitioned,
placed and routed, its resources counted and its weights' 16-bit rounding and fixed-point range
checked; no spikes are run, so nothing about the dynamics is compared (``info["checked"]`` and
``info["note"]`` say so).

Configuration never touches the user's home: recnet writes ``.spynnaker.cfg`` (``virtual_board =
True``, ``version = 5``, reports under the working folder) into a working folder of its own run (a
fresh ``recnet-spinnaker-*`` folder under the system temp directory, removed after the run unless
``keep_workdir=True``; or a folder the caller names with ``workdir=...``, which is kept), and
points ``HOME``/``XDG_CONFIG_HOME`` there and ``chdir``s into it only while sPyNNaker sets up,
maps and ends (sPyNNaker reads its user config from the home folder and writes one there if it
finds none).  Two concurrent runs never share a working folder.

Limits checked up front (ValueError naming the quantity)
--------------------------------------------------------
* time step: 1.0 or 0.1 ms;
* delays: whole time steps (``Network.check``), at most 144 time steps (16 ring-buffer slots on
  the neuron core times 1 + 8 delay-extension stages, sPyNNaker's documented maximum);
  ``info["max_delay_steps"]`` is that limit, ``info["largest_delay_steps"]`` the network's;
* fixed-point range: SpiNNaker's neuron state and parameters are ``accum`` numbers (s16.15: 16
  integer bits with the sign, 15 fractional bits), so every weight, v_rest, v_reset, v_thresh,
  initial v, i_offset, the membrane's reach v_thresh + max|w| and the steady-state potential
  v_rest + i_offset tau_m / cm must lie in [-65536, 65536) (mV, nA): ParameterError naming the
  quantity and the range;
* neurons per core: 256 for IF_curr_delta (``POP_TABLE_MAX_ROW_LENGTH``), 500 Poisson sources per
  core; each neuron core comes with at least one synapse core;
* weights: one sign per projection (mixed-sign projections are split by sign into an excitatory
  and an inhibitory projection; sPyNNaker stores |w|, the receptor carries the sign); weights are
  16-bit integers with one power-of-two scale per post population and receptor, so a weight
  below max|w| * 2^-16 would be lost: ValueError. The worst relative rounding error of the weights
  (an upper bound, with the scale 2^ceil(log2 max|w|) / 2^16) is reported in ``info``;
* size: a lower bound on the application cores (sum over populations of the cores above) must fit
  the board's application cores (808 placeable cores of a SpiNN-5 board minus 48 extra monitors
  and one data gatherer = 759): otherwise ValueError naming the number of neurons and cores.

Connectivity: random connectors (FixedNumberPre, FixedProbability, OneToOne, AllToAll) use
sPyNNaker's own connectors, seeded through the populations' ``seed`` (derived from ``seed``) (``connectivity="native"``, default: the
connections are generated on the machine, as sPyNNaker intends); explicit ones (FromList,
Array, WeightMatrix), or all with ``connectivity="recnet"``, go as ``FromListConnector`` lists of
recnet's draw (slow in sPyNNaker's Python for millions of synapses).
"""
from __future__ import annotations

import contextlib
import logging
import math
import os
import shutil
import tempfile
import time
import warnings

import numpy as np

from recnet import checks
from recnet.checks import ParameterError
from recnet.validation.simulators import network as nw
from recnet.validation.simulators.spikes import SimulationResult

__all__ = ["run", "check_limits", "available", "BOARD"]

# SpiNN-5 board as sPyNNaker's virtual machine sees it (version = 5).
BOARD = dict(version=5, chips=48, cores_per_chip=18, placeable_cores=808, monitor_cores=48 + 1)
NEURONS_PER_CORE = 256
POISSON_PER_CORE = 500
MAX_DELAY_STEPS = 144
WEIGHT_BITS = 16
TIMESTEPS = (1.0, 0.1)
# s16.15 fixed point ("accum"): the range of SpiNNaker's neuron state, parameters and weights
ACCUM_MIN = -65536.0
ACCUM_MAX = 65536.0 - 2.0 ** -15
# What a run on the virtual board checks (said in info["checked"] and in the verdict)
CHECKED = ("fixed-point range of weights, thresholds and membrane (s16.15)", "16-bit weight rounding",
           "delays <= 144 time steps", "placement", "routing", "resources (chips, cores)")
WORKDIR_PREFIX = "recnet-spinnaker-"


def available():
    """True when sPyNNaker imports."""
    import importlib.util

    return importlib.util.find_spec("spynnaker") is not None


def _app_cores():
    return BOARD["placeable_cores"] - BOARD["monitor_cores"]


def check_limits(network, dt, connections=None):
    """Check SpiNNaker's limits before anything is mapped; return facts for ``info``.

    Raises ValueError naming the time step, the delay, the weight or the network size.
    """
    dt = checks.positive("dt", dt, "ms")
    if not any(abs(dt - t) < 1e-12 for t in TIMESTEPS):
        raise ValueError(f"dt = {dt:g} ms is invalid on SpiNNaker: must be 1.0 or 0.1 ms")
    network.check(dt)
    # delays
    max_steps = 0
    for proj in network.projections:
        d = np.atleast_1d(np.asarray(proj.synapse.delay, float))
        if isinstance(proj.connector, nw.FromListConnector):
            a = np.asarray(proj.connector.conn_list, float)
            if a.ndim == 2 and a.shape[1] == 4:
                d = a[:, 3]
        if d.size:
            steps = nw.delay_steps(proj.name, d, dt)
            max_steps = max(max_steps, int(steps.max()))
            if steps.max() > MAX_DELAY_STEPS:
                raise ParameterError(
                    f"delay of projection {proj.name}", float(d.max()),
                    f"must be <= {MAX_DELAY_STEPS} time steps = {MAX_DELAY_STEPS * dt:g} ms at dt = {dt:g} ms",
                    f"delay of projection {proj.name} = {d.max():g} ms is invalid on SpiNNaker: must be <= "
                    f"{MAX_DELAY_STEPS} time steps = {MAX_DELAY_STEPS * dt:g} ms at dt = {dt:g} ms")
    # size
    n_neuron_cores = sum(math.ceil(p.size / NEURONS_PER_CORE) for p in network.neurons)
    cores = 2 * n_neuron_cores  # neuron core + at least one synapse core
    for p in network.sources:
        per = POISSON_PER_CORE if p.celltype.name == "SpikeSourcePoisson" else NEURONS_PER_CORE
        cores += math.ceil(p.size / per)
    if cores > _app_cores():
        raise ValueError(f"network of {network.n_neurons} neurons ({sum(p.size for p in network.sources)} sources) is "
                         f"too large for the SpiNN-5 board: needs at least {cores} application cores "
                         f"({NEURONS_PER_CORE} neurons per core plus synapse and source cores), the board has "
                         f"{_app_cores()}")
    # weights: per (post population, sign) the 16-bit representation
    worst = 0.0
    if connections is not None:
        groups = {}
        for c in connections:
            for sign in (1, -1):
                w = np.abs(c.weight[np.sign(c.weight) == sign])
                if w.size:
                    groups.setdefault((c.projection.post.label, sign), []).append((c.projection.name, w))
        unit = {c.projection.post.label: c.projection.post.celltype.weight_unit for c in connections}
        for (post, sign), items in groups.items():
            for name, w in items:
                _in_accum(f"weight of projection {name}", sign * float(w.max()), unit[post])
        for (post, sign), items in groups.items():
            wmax = max(w.max() for _, w in items)
            step = 2.0 ** math.ceil(math.log2(wmax)) / 2**WEIGHT_BITS
            for name, w in items:
                wmin = w.min()
                if wmin < step / 2:
                    u = unit[post]
                    raise ValueError(f"weight of projection {name} = {sign * wmin:g} {u} is invalid on SpiNNaker: below "
                                     f"the 16-bit resolution {step:g} {u} of the weights onto population {post!r} "
                                     f"(max |w| = {wmax:g} {u}); it would be rounded to 0")
                worst = max(worst, float(np.max(np.abs(np.round(w / step) * step - w) / w)))
    _check_membrane_range(network, connections)
    return dict(estimated_min_app_cores=cores, board_app_cores=_app_cores(), max_delay_steps=MAX_DELAY_STEPS,
                largest_delay_steps=max_steps, weight_max_relative_rounding=worst,
                accum_range=[ACCUM_MIN, ACCUM_MAX])


def _in_accum(name, value, unit):
    """ParameterError unless ``value`` fits SpiNNaker's s16.15 fixed-point range."""
    if not (ACCUM_MIN <= value <= ACCUM_MAX):
        raise ParameterError(name, value, f"must lie in SpiNNaker's s16.15 fixed-point range [{ACCUM_MIN:g}, "
                                          f"{ACCUM_MAX:.5f}] {unit}",
                             f"{name} = {value:g} {unit} is invalid on SpiNNaker: outside its s16.15 fixed-point "
                             f"range [{ACCUM_MIN:g}, {ACCUM_MAX:.5f}] {unit}")


def _check_membrane_range(network, connections):
    """Parameters and the membrane's reach of every IF_curr_delta / IF_curr_exp population within
    s16.15 (for IF_curr_exp the reach of one spike is its PSP integral |w| max(tau_syn) / cm, mV)."""
    wmax = {}
    for c in connections or ():
        if c.weight.size:
            post = c.projection.post
            lab = post.label
            w = float(np.max(np.abs(c.weight)))
            if post.celltype.name == "IF_curr_exp":
                w *= float(np.max(np.maximum(post.parameter_array("tau_syn_E"), post.parameter_array("tau_syn_I"))
                                  / post.parameter_array("cm")))
            wmax[lab] = max(wmax.get(lab, 0.0), w)
    for p in network.neurons:
        if p.celltype.name not in nw.NEURON_TYPES:
            continue
        vals = {}
        for k, unit in (("v_rest", "mV"), ("v_reset", "mV"), ("v_thresh", "mV"), ("i_offset", "nA")):
            if k in p.celltype.parameters:
                a = p.parameter_array(k)
                vals[k] = a
                big = a[np.argmax(np.abs(a))]
                _in_accum(f"{k} of population {p.label}", float(big), unit)
        v0 = p.initial_v()
        _in_accum(f"initial v of population {p.label}", float(v0[np.argmax(np.abs(v0))]), "mV")
        if "v_thresh" in vals:
            reach = float(np.max(vals["v_thresh"])) + wmax.get(p.label, 0.0)
            _in_accum(f"membrane reach v_thresh + max|w| of population {p.label}", reach, "mV")
            low = float(np.min(vals.get("v_reset", vals["v_thresh"]))) - wmax.get(p.label, 0.0)
            _in_accum(f"membrane reach v_reset - max|w| of population {p.label}", low, "mV")
        if {"v_rest", "i_offset", "tau_m", "cm"} <= set(p.celltype.parameters):
            vinf = vals["v_rest"] + vals["i_offset"] * p.parameter_array("tau_m") / p.parameter_array("cm")
            _in_accum(f"steady-state potential v_rest + i_offset tau_m / cm of population {p.label}",
                      float(vinf[np.argmax(np.abs(vinf))]), "mV")


@contextlib.contextmanager
def _workspace(workdir, machine_name, keep=False):
    """A working folder with .spynnaker.cfg; HOME/XDG/cwd point there while sPyNNaker runs.

    ``workdir=None``: a fresh folder of this run under the system temp directory (never shared by
    concurrent runs), removed on exit unless ``keep``; a named ``workdir`` is created and kept."""
    own = workdir is None
    wd = tempfile.mkdtemp(prefix=WORKDIR_PREFIX) if own else os.path.abspath(os.fspath(workdir))
    os.makedirs(wd, exist_ok=True)
    reports = wd  # sPyNNaker adds its own "reports" sub-folder
    machine = ("virtual_board = True\nversion = 5\n" if machine_name is None
               else f"machine_name = {machine_name}\nversion = 5\n")
    cfg = (f"[Machine]\n{machine}\n[Reports]\ndefault_report_file_path = {reports}\n"
           "write_energy_report = False\n")
    for name in (".spynnaker.cfg", "spynnaker.cfg"):
        with open(os.path.join(wd, name), "w", encoding="utf-8") as f:
            f.write(cfg)
    old_env = {k: os.environ.get(k) for k in ("HOME", "XDG_CONFIG_HOME")}
    old_cwd = os.getcwd()
    os.environ["HOME"] = wd
    os.environ["XDG_CONFIG_HOME"] = os.path.join(wd, "xdg")
    os.chdir(wd)
    try:
        yield wd
    finally:
        os.chdir(old_cwd)
        for k, v in old_env.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        if own and not keep:
            _forget_exit_marker()
            shutil.rmtree(wd, ignore_errors=True)


def _forget_exit_marker():
    """sPyNNaker registers an atexit hook that writes an "errored" marker into its report folder
    when the process ends; the folder is removed now, so the hook (a no-op for a removed run) goes."""
    import atexit
    import sys

    mod = sys.modules.get("spinn_utilities.data.utils_data_writer")
    if mod is not None:
        atexit.unregister(mod.UtilsDataWriter.write_errored_file)


@contextlib.contextmanager
def _quiet(logfile):
    """Send sPyNNaker's progress bars and INFO logs to a file (exceptions pass through)."""
    names = ["spynnaker", "spinn_front_end_common", "pacman", "spinnman", "spinn_machine", "spinn_utilities",
             "data_specification", "spalloc_client"]
    saved = {n: logging.getLogger(n).level for n in names}
    for n in names:
        logging.getLogger(n).setLevel(logging.WARNING)
    with open(logfile, "a", encoding="utf-8") as f, contextlib.redirect_stdout(f), contextlib.redirect_stderr(f), \
            warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=DeprecationWarning)
        try:
            yield
        finally:
            for n, lv in saved.items():
                logging.getLogger(n).setLevel(lv)


def _cell(sim, pop):
    ct = pop.celltype
    if ct.name == "SpikeSourceArray":
        return sim.SpikeSourceArray(spike_times=[list(map(float, t)) for t in pop.spike_times()])
    params = {k: (float(v) if np.isscalar(v) else pop.parameter_array(k)) for k, v in ct.parameters.items()}
    if ct.name == "SpikeSourcePoisson" and np.all(np.asarray(params["duration"]) >= 1e9):
        del params["duration"]  # "forever": sPyNNaker's default (1e10 ms overflows its tick counter)
    if ct.name in nw.NEURON_TYPES:
        return getattr(sim, ct.name)(**params)
    if ct.name == "SpikeSourcePoisson":
        return sim.SpikeSourcePoisson(**params)
    return sim.SpikeSourceArray(spike_times=[list(map(float, t)) for t in pop.spike_times()])


def run(network, t_sim, *, dt=0.1, seed=12345, connections=None, progress=None, workdir=None, machine_name=None,
        connectivity="native", keep_workdir=False):
    """Map (and on a real board run) ``network`` on SpiNNaker through pyNN.spiNNaker.

    Parameters
    ----------
    network : recnet.validation.simulators.network.Network
    t_sim, dt : float
        simulated time and time step (ms); dt must be 1.0 or 0.1 ms.
    seed : int
        seeds the connectors' ``NumpyRNG`` (native) or recnet's draw (recnet).
    workdir : path, optional
        working folder for the config, reports and log, kept after the run (default: a fresh
        ``recnet-spinnaker-*`` folder under the system temp dir, removed after the run).
    keep_workdir : bool
        keep the default per-run folder (its path is in ``info["workdir"]``).
    machine_name : str, optional
        host name of a real board; None maps on the virtual SpiNN-5 board.
    connectivity : {"native", "recnet"}

    Returns
    -------
    SimulationResult
        with ``info``: ``virtual``, ``chips``, ``cores``, ``cores_total``, ``placements``, the limit
        checks' facts, wall times. On the virtual board ``populations`` is empty (no data).
    """
    if not available():
        raise ImportError("the SpiNNaker backend needs sPyNNaker: pip install 'recnet[spinnaker]'")
    t_sim = checks.positive("t_sim", t_sim, "ms")
    if connectivity not in ("native", "recnet"):
        raise ValueError(f"connectivity = {connectivity!r} is invalid: must be 'native' or 'recnet'")
    seed = 12345 if seed is None else checks.integer("seed", seed, minimum=0)
    explicit = (nw.FromListConnector, nw.ArrayConnector, nw.WeightMatrixConnector)
    if connections is None:
        if connectivity == "recnet":
            connections = network.connectivity(seed)
        else:  # draw only what goes to sPyNNaker as lists
            listed = [p for p in network.projections if isinstance(p.connector, explicit)
                      or not (np.isscalar(p.synapse.weight) and np.isscalar(p.synapse.delay))]
            connections = network.connectivity(seed, only=listed)
    drawn = {id(c.projection) for c in connections}
    facts = check_limits(network, dt, connections + _scalar_conns([p for p in network.projections
                                                                    if id(p) not in drawn]))
    t0 = time.perf_counter()
    with _workspace(workdir, machine_name, keep_workdir) as wd:
        import pyNN.spiNNaker as sim
        from spynnaker.pyNN.data import SpynnakerDataView

        with _quiet(os.path.join(wd, "spinnaker.log")):
            sim.setup(timestep=dt)
            try:
                pops = {}
                for p in network.populations:
                    # sPyNNaker seeds connectors and sources from the target Population's seed
                    kw = {} if p.celltype.name == "SpikeSourceArray" else {"seed": int(seed + 7919 * (1 + len(pops)))}
                    if not p.celltype.is_source:
                        kw["initial_values"] = {"v": p.initial_v()}
                    pops[p.label] = sim.Population(p.size, _cell(sim, p), label=p.label, **kw)
                    if "spikes" in p.record:
                        pops[p.label].record("spikes")
                conn_by_proj = {id(c.projection): c for c in connections}
                n_proj = 0
                for k, proj in enumerate(network.projections):
                    c = conn_by_proj.get(id(proj))
                    n_proj += _project(sim, proj, pops, c, explicit, seed + k, connectivity, dt)
                sim.run(t_sim)
                placements = list(SpynnakerDataView.iterate_placemements())
                machine = SpynnakerDataView.get_machine()
            finally:
                sim.end()
    t_map = time.perf_counter() - t0
    kinds = {}
    for pl in placements:
        kinds[type(pl.vertex).__name__] = kinds.get(type(pl.vertex).__name__, 0) + 1
    system = ("ExtraMonitorSupportMachineVertex", "DataSpeedUpPacketGatherMachineVertex", "ChipPowerMonitorMachineVertex")
    app = [pl for pl in placements if type(pl.vertex).__name__ not in system]
    result = SimulationResult("spinnaker", dt, t_sim)
    result.info.update(facts)
    result.info.update(dict(
        virtual=machine_name is None, board_version=BOARD["version"], machine_chips=machine.n_chips,
        chips=len({(pl.x, pl.y) for pl in app}), cores=len(app), cores_total=len(placements),
        placements=kinds, n_neurons=network.n_neurons, n_projections_mapped=n_proj, connectivity=connectivity,
        wall_map_s=t_map, checked=list(CHECKED),
        workdir=wd if (workdir is not None or keep_workdir) else None,
        note=("mapping check on the virtual board: " + ", ".join(CHECKED) + " checked; no spikes were run, "
              "so the dynamics are not validated") if machine_name is None else "",
    ))
    return result


def _scalar_conns(projections):
    """One representative connection per projection with scalar weight (for the 16-bit check)."""
    return [nw.Connections(p, np.zeros(1, np.int64), np.zeros(1, np.int64), np.array([float(p.synapse.weight)]),
                           np.array([float(p.synapse.delay)])) for p in projections]


def _project(sim, proj, pops, c, explicit, seed, connectivity, dt):
    """Create the sPyNNaker projection(s) of one recnet projection; returns how many were made."""
    pre, post = pops[proj.pre.label], pops[proj.post.label]
    native = connectivity == "native" and not isinstance(proj.connector, explicit) and np.isscalar(proj.synapse.weight) \
        and np.isscalar(proj.synapse.delay)
    if native:
        con = proj.connector
        if isinstance(con, nw.FixedNumberPreConnector):
            sc = sim.FixedNumberPreConnector(con.n, allow_self_connections=con.allow_self_connections,
                                             with_replacement=con.with_replacement)
        elif isinstance(con, nw.FixedProbabilityConnector):
            sc = sim.FixedProbabilityConnector(con.p_connect, allow_self_connections=con.allow_self_connections)
        elif isinstance(con, nw.OneToOneConnector):
            sc = sim.OneToOneConnector()
        else:
            sc = sim.AllToAllConnector(allow_self_connections=con.allow_self_connections)
        w = float(proj.synapse.weight)
        receptor = "inhibitory" if w < 0 else "excitatory"
        sim.Projection(pre, post, sc, sim.StaticSynapse(weight=w, delay=float(proj.synapse.delay)),
                       receptor_type=receptor, label=proj.name)
        return 1
    made = 0
    for sign, receptor in ((1, "excitatory"), (-1, "inhibitory")):
        m = np.sign(c.weight) == sign
        if not np.any(m):
            continue
        lst = np.column_stack([c.pre[m], c.post[m], c.weight[m], np.round(c.delay[m] / dt) * dt])
        sim.Projection(pre, post, sim.FromListConnector(lst, column_names=["weight", "delay"]),
                       sim.StaticSynapse(), receptor_type=receptor, label=f"{proj.name}:{receptor}")
        made += 1
    return made
