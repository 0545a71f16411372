"""Network descriptions in PyNN's vocabulary, checked up front and drawn reproducibly from a seed.

A :class:`Network` holds populations and projections, named and measured as in PyNN 0.13
(``pyNN.standardmodels``), so the same description runs on recnet's numba simulator, on NEST
through ``pyNN.nest`` and on SpiNNaker through ``pyNN.spiNNaker``::

    from recnet.validation.simulators.network import (Network, IF_curr_delta, SpikeSourcePoisson,
                                           FixedNumberPreConnector, OneToOneConnector, StaticSynapse)
    net = Network()
    exc = net.population(800, IF_curr_delta(tau_m=20.0, v_rest=0.0, v_reset=10.0, v_thresh=20.0,
                                             tau_refrac=2.0), label="E", initial_values={"v": 0.0})
    ext = net.population(800, SpikeSourcePoisson(rate=20000.0), label="ext", record=())
    net.projection(exc, exc, FixedNumberPreConnector(80), StaticSynapse(weight=0.1, delay=1.5))
    net.projection(ext, exc, OneToOneConnector(), StaticSynapse(weight=0.1, delay=1.5))

Units (PyNN's)
--------------
=============  ====  ===========================================================================
parameter      unit  meaning
=============  ====  ===========================================================================
tau_m          ms    membrane time constant (> 0)
cm             nF    membrane capacitance (> 0); only enters through ``i_offset`` (R = tau_m/cm)
v_rest         mV    resting potential (PyNN default -65 mV)
v_reset        mV    reset potential, must be < v_thresh
v_thresh       mV    threshold
tau_refrac     ms    absolute refractory period (>= 0), rounded to whole time steps as NEST does
i_offset       nA    constant current; R*i_offset = tau_m/cm*i_offset is in mV
rate           Hz    SpikeSourcePoisson rate (>= 0)
start          ms    SpikeSourcePoisson start (>= 0)
duration       ms    SpikeSourcePoisson duration (> 0, default 1e10 ms = "forever")
spike_times    ms    SpikeSourceArray spike times (> 0, on the time grid)
weight         mV    **IF_curr_delta weights are voltage jumps in mV** (PyNN's nest backend passes
                     them to ``iaf_psc_delta`` unscaled: ``receptor_scale = 1e-3`` undoes its usual
                     nA -> pA factor). Positive = depolarising.
weight         nA    IF_curr_exp weights are postsynaptic current amplitudes in nA (NEST gets pA)
tau_syn_E/I    ms    IF_curr_exp synaptic time constants (> 0)
delay          ms    synaptic delay, a whole multiple of the time step and >= one time step
=============  ====  ===========================================================================

Receptor types: ``"excitatory"`` (weights must be >= 0), ``"inhibitory"`` (weights must be <= 0,
PyNN's convention for current-based synapses) or ``None`` (mixed signs allowed; the NEST and
SpiNNaker backends split such a projection by sign). For delta synapses both receptors add the
weight to the membrane potential; the label only fixes the sign convention.

Each population parameter is a scalar or an array of one value per neuron. The initial membrane
potential defaults to ``v_rest`` (PyNN's own default is the fixed -65 mV; recnet passes the value
explicitly to every backend so they start alike).

Connectors
----------
``FixedNumberPreConnector(n)`` (fixed in-degree: each post neuron draws ``n`` distinct
presynaptic partners, or with replacement), ``FixedProbabilityConnector(p)``, ``OneToOneConnector()``,
``AllToAllConnector()``, ``FromListConnector([(i, j[, w, d]), ...])``, ``ArrayConnector(mask)`` and
``WeightMatrixConnector(W)`` (an explicit (n_pre, n_post) matrix of weights in mV: a connection
wherever ``W != 0``). Random connectors are drawn by recnet from the seed given to
:meth:`Network.connectivity` (one independent stream per projection, from
``numpy.random.SeedSequence(seed).spawn``), so every backend can be given the very same network.

Errors
------
Bad input raises ``ValueError``/``TypeError`` naming the parameter, its value and the valid range,
before anything is simulated: negative ``tau_m``, ``v_reset >= v_thresh``, unknown cell types or
parameters, delays shorter than the time step or not multiples of it (:meth:`Network.check`).
"""
from __future__ import annotations

import numbers
from dataclasses import dataclass, field

import numpy as np

from recnet import checks

__all__ = [
    "CellType", "IF_curr_delta", "IF_curr_exp", "SpikeSourcePoisson", "SpikeSourceArray", "Population",
    "Projection", "StaticSynapse", "Connector", "FixedNumberPreConnector",
    "FixedProbabilityConnector", "OneToOneConnector", "AllToAllConnector", "FromListConnector",
    "ArrayConnector", "WeightMatrixConnector", "Network", "Connections", "delay_steps",
]

# PyNN 0.13 defaults and units (pyNN.standardmodels.cells).
_CELL_TYPES = {
    "IF_curr_delta": {
        "defaults": {"v_rest": -65.0, "cm": 1.0, "tau_m": 20.0, "tau_refrac": 0.1, "i_offset": 0.0,
                     "v_reset": -65.0, "v_thresh": -50.0},
        "units": {"v_rest": "mV", "cm": "nF", "tau_m": "ms", "tau_refrac": "ms", "i_offset": "nA",
                  "v_reset": "mV", "v_thresh": "mV"},
        "initial": ("v",),
    },
    "IF_curr_exp": {
        "defaults": {"v_rest": -65.0, "cm": 1.0, "tau_m": 20.0, "tau_refrac": 0.1, "tau_syn_E": 5.0,
                     "tau_syn_I": 5.0, "i_offset": 0.0, "v_reset": -65.0, "v_thresh": -50.0},
        "units": {"v_rest": "mV", "cm": "nF", "tau_m": "ms", "tau_refrac": "ms", "tau_syn_E": "ms",
                  "tau_syn_I": "ms", "i_offset": "nA", "v_reset": "mV", "v_thresh": "mV"},
        "initial": ("v",),
    },
    "SpikeSourcePoisson": {
        "defaults": {"rate": 1.0, "start": 0.0, "duration": 1e10},
        "units": {"rate": "Hz", "start": "ms", "duration": "ms"},
        "initial": (),
    },
    "SpikeSourceArray": {
        "defaults": {"spike_times": ()},
        "units": {"spike_times": "ms"},
        "initial": (),
    },
}
NEURON_TYPES = ("IF_curr_delta", "IF_curr_exp")
_TIME_TOL = 1e-9  # relative tolerance for "a whole number of time steps"


def _is_scalar(x):
    return isinstance(x, numbers.Real) and not isinstance(x, (bool, np.bool_))


@dataclass
class CellType:
    """A PyNN standard cell type with its parameters (scalars or per-neuron arrays).

    Use the factories :func:`IF_curr_delta`, :func:`SpikeSourcePoisson`, :func:`SpikeSourceArray`.
    """

    name: str
    parameters: dict

    def __post_init__(self):
        if self.name not in _CELL_TYPES:
            raise ValueError(f"cell type {self.name!r} is unknown: recnet supports "
                             f"{', '.join(sorted(_CELL_TYPES))}")
        spec = _CELL_TYPES[self.name]
        unknown = set(self.parameters) - set(spec["defaults"])
        if unknown:
            raise ValueError(f"{self.name} has no parameter(s) {', '.join(sorted(unknown))}: "
                             f"valid are {', '.join(sorted(spec['defaults']))}")
        full = dict(spec["defaults"])
        full.update(self.parameters)
        self.parameters = full

    @property
    def is_source(self):
        return self.name not in NEURON_TYPES

    @property
    def weight_unit(self):
        """Unit of the weights onto this cell type: mV (IF_curr_delta, a voltage jump) or nA
        (IF_curr_exp, the amplitude of the postsynaptic current)."""
        return "nA" if self.name == "IF_curr_exp" else "mV"

    @property
    def units(self):
        return dict(_CELL_TYPES[self.name]["units"])


def IF_curr_delta(**parameters):
    """Leaky integrate-and-fire neuron with delta synapses (PyNN ``IF_curr_delta``; NEST ``iaf_psc_delta``).

    tau_m dV/dt = -(V - v_rest) + tau_m/cm * i_offset between inputs; a spike of weight w (mV)
    makes V jump by w; V >= v_thresh emits a spike, V is clamped at v_reset for tau_refrac ms and
    input arriving then is discarded. Parameters (PyNN defaults in brackets): tau_m ms [20],
    cm nF [1], v_rest mV [-65], v_reset mV [-65], v_thresh mV [-50], tau_refrac ms [0.1],
    i_offset nA [0]; each a scalar or one value per neuron.
    """
    return CellType("IF_curr_delta", parameters)


def IF_curr_exp(**parameters):
    r"""Leaky integrate-and-fire neuron with exponential current synapses (PyNN ``IF_curr_exp``;
    NEST ``iaf_psc_exp``).

    Between threshold crossings::

        tau_m dV/dt = -(V - v_rest) + tau_m/cm (I_E + I_I + i_offset),
        tau_syn_E dI_E/dt = -I_E,   tau_syn_I dI_I/dt = -I_I,

    a spike of weight w (nA) makes I_E jump by w if w >= 0, I_I if w < 0 (NEST routes by sign);
    V >= v_thresh emits a spike, V is clamped at v_reset for tau_refrac ms while the currents go
    on decaying and receiving input.  Parameters (PyNN defaults in brackets): tau_m ms [20], cm nF
    [1], v_rest mV [-65], v_reset mV [-65], v_thresh mV [-50], tau_refrac ms [0.1], tau_syn_E ms
    [5], tau_syn_I ms [5], i_offset nA [0]; each a scalar or one value per neuron.
    """
    return CellType("IF_curr_exp", parameters)


def SpikeSourcePoisson(**parameters):
    """Poisson spike source (PyNN ``SpikeSourcePoisson``): rate Hz [1], start ms [0], duration ms [1e10].

    Each source is an independent Poisson process of the given rate, active for
    start < t <= start + duration; on a grid of step dt it emits Poisson(rate*dt) spikes per step
    (several spikes in one step are delivered as one event of that multiplicity, as NEST does).
    """
    return CellType("SpikeSourcePoisson", parameters)


def SpikeSourceArray(spike_times=()):
    """Spike source emitting given times (PyNN ``SpikeSourceArray``), spike_times in ms.

    ``spike_times`` is one sequence for every cell of the population, or a list with one sequence
    per cell. Times must be > 0 and on the time grid (whole multiples of dt).
    """
    return CellType("SpikeSourceArray", {"spike_times": spike_times})


@dataclass
class StaticSynapse:
    """Static synapse: weight in mV for IF_curr_delta (scalar, per-connection array, or an
    (n_pre, n_post) matrix for AllToAll/Array connectors), delay in ms (scalar or array)."""

    weight: object = 0.0
    delay: object = 1.0


class Connector:
    """Base class of connectors (PyNN names). Subclasses implement ``connect(n_pre, n_post, rng, same)``.

    ``connect`` returns ``(pre, post, weight, delay)`` where weight/delay are None when they come
    from the synapse rather than from the connector (FromList with weights, WeightMatrix).
    """

    random = False

    def connect(self, n_pre, n_post, rng, same_population):  # pragma: no cover - abstract
        raise NotImplementedError


@dataclass
class FixedNumberPreConnector(Connector):
    """Fixed in-degree: each postsynaptic neuron receives from ``n`` presynaptic neurons.

    ``with_replacement=False`` (PyNN's default) draws ``n`` distinct partners;
    ``allow_self_connections`` only matters when pre and post are the same population.
    """

    n: int
    allow_self_connections: bool = True
    with_replacement: bool = False
    random = True

    def __post_init__(self):
        self.n = checks.integer("FixedNumberPreConnector.n", self.n, minimum=0)

    def connect(self, n_pre, n_post, rng, same_population):
        from recnet.numerics.lif_delta import fixed_indegree

        avail = n_pre - (1 if (same_population and not self.allow_self_connections) else 0)
        if not self.with_replacement and self.n > avail:
            raise ValueError(f"FixedNumberPreConnector.n = {self.n} is invalid: must be <= {avail} "
                             f"(presynaptic neurons available without replacement)")
        if self.n > 0 and avail < 1:
            raise ValueError("FixedNumberPreConnector: no presynaptic neuron available")
        seed = int(rng.integers(0, 2**63 - 1))
        pre = fixed_indegree(n_pre, n_post, self.n, bool(self.with_replacement),
                             bool(same_population and not self.allow_self_connections), seed)
        post = np.repeat(np.arange(n_post, dtype=np.int64), self.n)
        return pre.astype(np.int64, copy=False), post, None, None


@dataclass
class FixedProbabilityConnector(Connector):
    """Each pair (i, j) is connected independently with probability ``p_connect``."""

    p_connect: float
    allow_self_connections: bool = True
    random = True

    def __post_init__(self):
        self.p_connect = checks.in_range("FixedProbabilityConnector.p_connect", self.p_connect, 0.0, 1.0)

    def connect(self, n_pre, n_post, rng, same_population):
        # Per postsynaptic neuron: a binomial count, then that many distinct partners.
        counts = rng.binomial(n_pre, self.p_connect, size=n_post)
        pres, posts = [], []
        for j in range(n_post):
            c = int(counts[j])
            if c == 0:
                continue
            p = np.sort(rng.choice(n_pre, size=c, replace=False))
            if same_population and not self.allow_self_connections:
                p = p[p != j]
            pres.append(p)
            posts.append(np.full(p.size, j, dtype=np.int64))
        if not pres:
            return np.zeros(0, np.int64), np.zeros(0, np.int64), None, None
        return np.concatenate(pres).astype(np.int64), np.concatenate(posts), None, None


@dataclass
class OneToOneConnector(Connector):
    """Neuron i of pre to neuron i of post (sizes must be equal)."""

    def connect(self, n_pre, n_post, rng, same_population):
        if n_pre != n_post:
            raise ValueError(f"OneToOneConnector needs equal sizes: pre has {n_pre}, post has {n_post}")
        i = np.arange(n_pre, dtype=np.int64)
        return i, i.copy(), None, None


@dataclass
class AllToAllConnector(Connector):
    """Every pre neuron to every post neuron (self connections optional, pre-major order)."""

    allow_self_connections: bool = True

    def connect(self, n_pre, n_post, rng, same_population):
        pre, post = np.meshgrid(np.arange(n_pre), np.arange(n_post), indexing="ij")
        pre, post = pre.ravel().astype(np.int64), post.ravel().astype(np.int64)
        if same_population and not self.allow_self_connections:
            keep = pre != post
            return pre[keep], post[keep], None, None
        return pre, post, None, None


@dataclass
class ArrayConnector(Connector):
    """Connections where the boolean (n_pre, n_post) ``array`` is True (PyNN ``ArrayConnector``)."""

    array: object

    def connect(self, n_pre, n_post, rng, same_population):
        a = checks.array("ArrayConnector.array", self.array, ndim=2, dtype=bool)
        if a.shape != (n_pre, n_post):
            raise ValueError(f"ArrayConnector.array has shape {a.shape}: must be ({n_pre}, {n_post})")
        pre, post = np.nonzero(a)
        return pre.astype(np.int64), post.astype(np.int64), None, None


@dataclass
class FromListConnector(Connector):
    """Explicit connections ``[(i, j), ...]`` or ``[(i, j, weight_mV, delay_ms), ...]``.

    Weights/delays given in the list override the synapse's.
    """

    conn_list: object

    def connect(self, n_pre, n_post, rng, same_population):
        a = np.asarray(self.conn_list, dtype=float)
        if a.size == 0:
            return np.zeros(0, np.int64), np.zeros(0, np.int64), None, None
        if a.ndim != 2 or a.shape[1] not in (2, 3, 4):
            raise ValueError(f"FromListConnector.conn_list has shape {a.shape}: must be (n, 2), (n, 3) "
                             "(i, j, weight) or (n, 4) (i, j, weight, delay)")
        if not np.all(np.isfinite(a)):
            raise ValueError("FromListConnector.conn_list contains NaN or infinite values")
        pre, post = a[:, 0], a[:, 1]
        for nm, idx, n in (("presynaptic index", pre, n_pre), ("postsynaptic index", post, n_post)):
            if np.any(idx != np.round(idx)) or idx.min() < 0 or idx.max() >= n:
                raise ValueError(f"FromListConnector: {nm} out of range: must be integers in [0, {n - 1}]")
        w = a[:, 2].copy() if a.shape[1] >= 3 else None
        d = a[:, 3].copy() if a.shape[1] == 4 else None
        return pre.astype(np.int64), post.astype(np.int64), w, d


@dataclass
class WeightMatrixConnector(Connector):
    """An explicit (n_pre, n_post) weight matrix in mV: a connection wherever ``W[i, j] != 0``.

    Mixed signs are allowed with ``receptor_type=None``. Delays come from the synapse.
    """

    W: object

    def connect(self, n_pre, n_post, rng, same_population):
        W = checks.array("WeightMatrixConnector.W", self.W, ndim=2)
        if W.shape != (n_pre, n_post):
            raise ValueError(f"WeightMatrixConnector.W has shape {W.shape}: must be ({n_pre}, {n_post})")
        pre, post = np.nonzero(W)
        return pre.astype(np.int64), post.astype(np.int64), W[pre, post].copy(), None


@dataclass(eq=False)
class Population:
    """A population of ``size`` cells of one cell type.

    Attributes
    ----------
    size : int
    celltype : CellType
    label : str
    initial_values : dict
        ``{"v": mV}`` (scalar or per-neuron array) for IF_curr_delta; default v_rest.
    record : tuple
        any of ``"spikes"``, ``"v"``.
    """

    size: int
    celltype: CellType
    label: str = ""
    initial_values: dict = field(default_factory=dict)
    record: tuple = ("spikes",)

    def __post_init__(self):
        self.size = checks.integer(f"size of population {self.label!r}", self.size, minimum=1)
        if not isinstance(self.celltype, CellType):
            raise TypeError(f"celltype of population {self.label!r} must be a CellType "
                            f"(IF_curr_delta(...), SpikeSourcePoisson(...)), got {type(self.celltype).__name__}")
        if isinstance(self.record, str):
            self.record = (self.record,)
        self.record = tuple(self.record)
        for r in self.record:
            if r not in ("spikes", "v"):
                raise ValueError(f"record = {r!r} for population {self.label!r} is invalid: must be 'spikes' or 'v'")
            if r == "v" and self.celltype.is_source:
                raise ValueError(f"population {self.label!r} ({self.celltype.name}) has no membrane potential to record")
        self._check_parameters()

    # -- parameters -------------------------------------------------------------------------
    def _param(self, name, value):
        unit = self.celltype.units[name]
        pname = f"{name} of population {self.label!r}"
        if _is_scalar(value):
            v = checks.finite(pname, value, unit)
            return v
        a = checks.array(pname, value, ndim=1)
        if a.shape[0] != self.size:
            raise ValueError(f"{pname} has {a.shape[0]} values: must be a scalar or {self.size} values (one per neuron)")
        return a

    def _check_parameters(self):
        ct, p = self.celltype, self.celltype.parameters
        lab = f" of population {self.label!r}"
        if ct.name == "SpikeSourceArray":
            self._spike_times = self._check_spike_times(p["spike_times"])
            return
        vals = {k: self._param(k, v) for k, v in p.items()}
        for k, v in vals.items():
            p[k] = v

        def _all(name, cond, text):
            a = np.atleast_1d(vals[name])
            bad = ~cond(a)
            if np.any(bad):
                raise ValueError(f"{name}{lab} = {a[bad][0]!r} {ct.units[name]} is invalid: {text}")

        if ct.name in NEURON_TYPES:
            if ct.name == "IF_curr_exp":
                _all("tau_syn_E", lambda a: a > 0, "must be > 0 ms")
                _all("tau_syn_I", lambda a: a > 0, "must be > 0 ms")
            _all("tau_m", lambda a: a > 0, "must be > 0 ms")
            _all("cm", lambda a: a > 0, "must be > 0 nF")
            _all("tau_refrac", lambda a: a >= 0, "must be >= 0 ms")
            vr, vt = np.broadcast_arrays(np.atleast_1d(vals["v_reset"]), np.atleast_1d(vals["v_thresh"]))
            bad = ~(vr < vt)
            if np.any(bad):
                k = int(np.argmax(bad))
                raise ValueError(f"v_reset{lab} = {vr[k]:g} mV is invalid: must be below v_thresh = {vt[k]:g} mV"
                                 + (f" (neuron {k})" if vr.size > 1 else ""))
            iv = dict(self.initial_values)
            unknown = set(iv) - {"v"}
            if unknown:
                raise ValueError(f"initial_values{lab}: unknown variable(s) {sorted(unknown)}: only 'v' (mV)")
            v0 = iv.get("v", vals["v_rest"])
            if _is_scalar(v0):
                v0 = checks.finite(f"initial v{lab}", v0, "mV")
            else:
                v0 = checks.array(f"initial v{lab}", v0, ndim=1)
                if v0.shape[0] != self.size:
                    raise ValueError(f"initial v{lab} has {v0.shape[0]} values: must be a scalar or {self.size}")
            self.initial_values = {"v": v0}
        elif ct.name == "SpikeSourcePoisson":
            _all("rate", lambda a: a >= 0, "must be >= 0 Hz")
            _all("start", lambda a: a >= 0, "must be >= 0 ms")
            _all("duration", lambda a: a > 0, "must be > 0 ms")
            if self.initial_values:
                raise ValueError(f"initial_values{lab}: a SpikeSourcePoisson has no state variables")

    def _check_spike_times(self, st):
        lab = f"spike_times of population {self.label!r}"
        if len(st) == 0 or all(_is_scalar(x) for x in st):
            one = checks.array(lab, list(st), ndim=1)
            trains = [one] * self.size
        else:
            if len(st) != self.size:
                raise ValueError(f"{lab}: {len(st)} sequences given: must be one for all cells or {self.size} (one per cell)")
            trains = [checks.array(f"{lab}[{i}]", list(s), ndim=1) for i, s in enumerate(st)]
        for i, t in enumerate(trains):
            if t.size and t.min() <= 0:
                raise ValueError(f"{lab}[{i}] has a time {t.min():g} ms: spike times must be > 0 ms")
            if np.any(np.diff(t) < 0):
                raise ValueError(f"{lab}[{i}] is not sorted in increasing time")
        return trains

    def parameter_array(self, name):
        """The parameter ``name`` as one float per cell (broadcast from a scalar)."""
        v = self.celltype.parameters[name]
        return np.full(self.size, float(v)) if _is_scalar(v) else np.asarray(v, dtype=float).copy()

    def initial_v(self):
        """Initial membrane potential per neuron (mV)."""
        v = self.initial_values["v"]
        return np.full(self.size, float(v)) if _is_scalar(v) else np.asarray(v, dtype=float).copy()

    def spike_times(self):
        """SpikeSourceArray only: one array of spike times (ms) per cell."""
        return self._spike_times

    def __repr__(self):
        return f"Population({self.size}, {self.celltype.name}, label={self.label!r})"


@dataclass(eq=False)
class Projection:
    """Connections from ``pre`` to ``post`` with a connector and a synapse (PyNN ``Projection``)."""

    pre: Population
    post: Population
    connector: Connector
    synapse: StaticSynapse = field(default_factory=StaticSynapse)
    receptor_type: str | None = "excitatory"
    label: str = ""

    def __post_init__(self):
        for nm, p in (("pre", self.pre), ("post", self.post)):
            if not isinstance(p, Population):
                raise TypeError(f"Projection.{nm} must be a Population, got {type(p).__name__}")
        if self.post.celltype.is_source:
            raise ValueError(f"Projection to population {self.post.label!r}: a {self.post.celltype.name} "
                             "cannot receive connections")
        if not isinstance(self.connector, Connector):
            raise TypeError(f"Projection.connector must be a Connector, got {type(self.connector).__name__}")
        if not isinstance(self.synapse, StaticSynapse):
            raise TypeError(f"Projection.synapse must be a StaticSynapse, got {type(self.synapse).__name__}")
        if self.receptor_type not in ("excitatory", "inhibitory", None):
            raise ValueError(f"receptor_type = {self.receptor_type!r} is invalid: must be 'excitatory', "
                             "'inhibitory' or None (weights of either sign)")
        w, d = self.synapse.weight, self.synapse.delay
        if _is_scalar(w):
            checks.finite("weight", w, "mV")
        if _is_scalar(d):
            checks.positive(f"delay of projection {self.name}", d, "ms")
        if not self.label:
            self.label = f"{self.pre.label}->{self.post.label}"

    @property
    def name(self):
        return self.label or f"{self.pre.label}->{self.post.label}"


@dataclass
class Connections:
    """Drawn connectivity of one projection: local indices, weights (mV), delays (ms).  A weight or
    delay given as one value for the projection is a read-only broadcast view (no memory per
    synapse)."""

    projection: Projection
    pre: np.ndarray
    post: np.ndarray
    weight: np.ndarray
    delay: np.ndarray

    def __len__(self):
        return int(self.pre.size)


def delay_steps(name, delay, dt):
    """Delays (ms) as whole numbers of time steps; ValueError if < dt or not a multiple of dt."""
    d = np.atleast_1d(np.asarray(delay, dtype=float))
    if d.size == 0:
        return np.zeros(0, np.int64)
    steps = np.round(d / dt)
    if d.min() < dt * (1 - _TIME_TOL):
        raise checks.ParameterError("delay", float(d.min()), f"must be >= the time step dt = {dt:g} ms",
                                    f"delay of projection {name} = {d.min():g} ms is invalid: must be >= the time "
                                    f"step dt = {dt:g} ms")
    off = np.abs(d / dt - steps)
    if off.max() > 1e-6:
        k = int(np.argmax(off))
        raise checks.ParameterError("delay", float(d[k]), f"must be a whole multiple of the time step dt = {dt:g} ms",
                                    f"delay of projection {name} = {d[k]:g} ms is invalid: must be a whole multiple "
                                    f"of the time step dt = {dt:g} ms")
    return steps.astype(np.int64)


class Network:
    """A network description: populations and projections (PyNN vocabulary, PyNN units).

    Build with :meth:`population` and :meth:`projection` (or pass lists). Nothing is drawn or
    simulated until :meth:`connectivity` / ``recnet.validation.simulators.simulate.simulate``.
    """

    def __init__(self, populations=(), projections=()):
        self.populations: list[Population] = []
        self.projections: list[Projection] = []
        for p in populations:
            self.add_population(p)
        for p in projections:
            self.add_projection(p)

    # -- building ---------------------------------------------------------------------------
    def add_population(self, pop):
        if not isinstance(pop, Population):
            raise TypeError(f"expected a Population, got {type(pop).__name__}")
        if not pop.label:
            pop.label = f"population{len(self.populations)}"
        if any(p.label == pop.label for p in self.populations):
            raise ValueError(f"population label {pop.label!r} is used twice")
        self.populations.append(pop)
        return pop

    def population(self, size, celltype, label="", initial_values=None, record=("spikes",)):
        """Create and add a :class:`Population` (``record``: ``("spikes",)``, ``("spikes", "v")`` or ``()``)."""
        return self.add_population(Population(size, celltype, label or f"population{len(self.populations)}",
                                              dict(initial_values or {}), record))

    def add_projection(self, proj):
        if not isinstance(proj, Projection):
            raise TypeError(f"expected a Projection, got {type(proj).__name__}")
        for p in (proj.pre, proj.post):
            if not any(p is q for q in self.populations):
                raise ValueError(f"projection {proj.name}: population {p.label!r} is not in this network")
        self.projections.append(proj)
        return proj

    def projection(self, pre, post, connector, synapse=None, receptor_type="excitatory", label=""):
        """Create and add a :class:`Projection` (weights in mV, delays in ms)."""
        return self.add_projection(Projection(pre, post, connector, synapse or StaticSynapse(),
                                              receptor_type, label))

    # -- queries ----------------------------------------------------------------------------
    def __getitem__(self, label):
        for p in self.populations:
            if p.label == label:
                return p
        raise KeyError(f"no population labelled {label!r}: have {[p.label for p in self.populations]}")

    @property
    def neurons(self):
        return [p for p in self.populations if not p.celltype.is_source]

    @property
    def sources(self):
        return [p for p in self.populations if p.celltype.is_source]

    @property
    def n_neurons(self):
        return sum(p.size for p in self.neurons)

    def __repr__(self):
        return (f"Network({len(self.populations)} populations, {self.n_neurons} neurons, "
                f"{len(self.projections)} projections)")

    # -- checks -----------------------------------------------------------------------------
    def check(self, dt):
        """Check everything that depends on the time step ``dt`` (ms); raise ValueError naming it.

        Delays (>= dt, whole multiples of dt), SpikeSourceArray times (on the grid),
        SpikeSourcePoisson start/duration.
        """
        dt = checks.positive("dt", dt, "ms")
        if not self.neurons:
            raise ValueError("the network has no IF_curr_delta or IF_curr_exp population to simulate")
        for proj in self.projections:
            d = proj.synapse.delay
            if _is_scalar(d):
                delay_steps(proj.name, d, dt)
            elif isinstance(proj.connector, FromListConnector):
                pass  # checked when drawn
            else:
                delay_steps(proj.name, checks.array(f"delay of projection {proj.name}", d), dt)
        for pop in self.sources:
            if pop.celltype.name == "SpikeSourceArray":
                for i, t in enumerate(pop.spike_times()):
                    if t.size and np.max(np.abs(t / dt - np.round(t / dt))) > 1e-6:
                        raise ValueError(f"spike_times of population {pop.label!r}[{i}] are not on the time grid "
                                         f"dt = {dt:g} ms")
        return dt

    # -- drawing ----------------------------------------------------------------------------
    def connectivity(self, seed=None, only=None):
        """Draw every projection's connections reproducibly from ``seed``.

        ``only``: optional collection of projections to draw (the others are skipped; each
        projection's stream does not depend on which others are drawn).

        Returns a list of :class:`Connections` (local indices, weights mV, delays ms), one per
        projection in order. Projection k draws from the k-th child of
        ``numpy.random.SeedSequence(seed)``, so adding a projection leaves the others unchanged.
        Sign conventions of the receptor type are checked here (ValueError naming the projection).
        """
        if isinstance(seed, np.random.Generator):
            seed = int(seed.integers(0, 2**63 - 1))
        if seed is not None:
            checks.integer("seed", seed, minimum=0)
        children = np.random.SeedSequence(seed).spawn(max(1, len(self.projections)))
        out = []
        for k, proj in enumerate(self.projections):
            if only is not None and not any(proj is q for q in only):
                continue
            rng = np.random.default_rng(children[k])
            pre, post, w, d = proj.connector.connect(proj.pre.size, proj.post.size, rng, proj.pre is proj.post)
            n = pre.size
            w = self._values(proj, "weight", proj.synapse.weight, pre, post, n) if w is None else w
            d = self._values(proj, "delay", proj.synapse.delay, pre, post, n) if d is None else d
            if n and not np.all(np.isfinite(w)):
                raise ValueError(f"weights of projection {proj.name} contain NaN or infinite values")
            wu = proj.post.celltype.weight_unit
            if proj.receptor_type == "excitatory" and n and w.min() < 0:
                raise ValueError(f"weight of projection {proj.name} = {w.min():g} {wu} is invalid: an 'excitatory' "
                                 "projection needs weights >= 0 (use receptor_type='inhibitory' with weights <= 0, "
                                 "or None for mixed signs)")
            if proj.receptor_type == "inhibitory" and n and w.max() > 0:
                raise ValueError(f"weight of projection {proj.name} = {w.max():g} {wu} is invalid: an 'inhibitory' "
                                 f"projection needs weights <= 0 {wu} (PyNN's sign convention for current-based "
                                 "synapses)")
            if n and (not np.all(np.isfinite(d)) or d.min() <= 0):
                raise checks.ParameterError("delay", float(d.min()), "must be > 0 ms",
                                            f"delay of projection {proj.name} = {d.min():g} ms is invalid: must be > 0 ms")
            out.append(Connections(proj, pre, post, np.asarray(w, float), np.asarray(d, float)))
        return out

    @staticmethod
    def _values(proj, what, value, pre, post, n):
        unit = "mV" if what == "weight" else "ms"
        if _is_scalar(value):   # one value for all: a read-only view, no memory per synapse
            return np.broadcast_to(np.float64(value), (n,))
        a = np.asarray(value, dtype=float)
        if a.ndim == 2:
            if a.shape != (proj.pre.size, proj.post.size):
                raise ValueError(f"{what} matrix of projection {proj.name} has shape {a.shape}: must be "
                                 f"({proj.pre.size}, {proj.post.size})")
            return a[pre, post].copy()
        if a.ndim == 1 and a.size == n:
            return a.copy()
        raise ValueError(f"{what} of projection {proj.name} has shape {a.shape}: must be a scalar ({unit}), one "
                         f"value per connection ({n}) or a ({proj.pre.size}, {proj.post.size}) matrix")
