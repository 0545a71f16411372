r"""The ``lif-network`` model family: P populations of LIF neurons with delta or exponential
current synapses (issues 12 and 15).

A model file (TOML shown; YAML has the same keys)::

    model = "lif-network"
    name = "my-net"                      # optional
    summary = "..."                      # optional, shown by `recnet models`
    reference = "..."                    # optional
    synapse = "delta"                    # "delta" (IF_curr_delta) or "exp" (IF_curr_exp, see below)

    [[population]]
    name = "E"
    size = 800
    tau_m = "20 ms"                      # numbers are in PyNN's units (ms, mV); strings carry units
    v_thresh = 20.0
    v_reset = 10.0
    v_rest = 0.0
    tau_refrac = 2.0

    [[projection]]                       # one per (pre, post) pair
    pre = "E"
    post = "E"
    indegree = 80                        # fixed in-degree, or `probability = 0.1` (not both)
    weight = 0.1                         # mV: the PSP jump of a delta synapse (< 0: inhibitory)
    delay = 1.5                          # ms

    [[drive]]                            # external Poisson input; several per population allowed
    post = "E"
    rate = 10.0                          # Hz, per source
    indegree = 800                       # number of sources per neuron
    weight = 0.1                         # mV (< 0: inhibitory)
    # delay = 1.5                        # ms, optional (simulation only; default one time step)

Instead of ``[[projection]]`` tables, a ``[connectivity]`` table may give the P x P matrices in
population order: ``indegree`` (or ``probability``), ``weight`` (mV; nA with exp synapses) and ``delay`` (ms, a matrix
or one number), each inline or as a file name (``.npy``, ``.npz`` with one array, ``.csv``) relative
to the model file; entry ``[a, b]`` is the projection from population b to population a, and a
projection exists wherever the in-degree (probability) is > 0.

Exponential synapses (``synapse = "exp"``, PyNN's ``IF_curr_exp``, NEST's ``iaf_psc_exp``): every
population also needs ``cm`` (nF), ``tau_syn_E`` and ``tau_syn_I`` (ms), and every projection and
drive ``weight`` is the amplitude of the postsynaptic current in **nA** (PyNN's unit; < 0:
inhibitory, decaying with ``tau_syn_I`` of the postsynaptic population, >= 0 with ``tau_syn_E``).
A spike of weight w moves the charge w tau_syn onto the membrane, i.e. the PSP integral of a delta
synapse of jump ``J = w tau_syn / cm`` [mV]; the mean field uses this J (``to_arrays``).  A delta
model refuses ``cm``/``tau_syn_*``; an exp model refuses a population without them.

Mean-field reading (``recnet.numerics.lif_meanfield.solve_rates``): a projection b -> a
contributes K[a, b] inputs of weight J[a, b] (K = the in-degree, or probability x size of b: the
expected in-degree); a drive contributes ``indegree`` Poisson sources of ``rate``, i.e. a Poisson
input of rate ``indegree * rate`` with weight ``weight``.  In-degrees may be non-integer (the
published microcircuit's are); a simulation rounds them to the nearest integer and says so.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from recnet.checks import ParameterError
from recnet.models import DATA, register_family, to_unit

__all__ = ["LIFPopulation", "LIFProjection", "LIFDrive", "LIFNetwork", "from_dict", "brunel_sizes",
           "brunel_model", "NEURON_FIELDS"]

FAMILY = "lif-network"
# cell parameters, PyNN names and units
NEURON_FIELDS = {"tau_m": "ms", "v_thresh": "mV", "v_reset": "mV", "v_rest": "mV", "tau_refrac": "ms"}
EXP_ONLY_FIELDS = {"cm": "nF", "tau_syn_E": "ms", "tau_syn_I": "ms"}
SYNAPSES = ("delta", "exp")
WEIGHT_UNIT = {"delta": "mV", "exp": "nA"}
_TOP = {"model", "name", "summary", "reference", "synapse", "population", "projection", "drive",
        "connectivity"}


@dataclass(frozen=True)
class LIFPopulation:
    """A population of ``size`` identical LIF neurons (PyNN ``IF_curr_delta`` parameters; with exp
    synapses also ``cm`` nF, ``tau_syn_E`` and ``tau_syn_I`` ms of ``IF_curr_exp``, else None)."""

    name: str
    size: int
    tau_m: float = 20.0       # ms
    v_thresh: float = 20.0    # mV
    v_reset: float = 10.0     # mV
    v_rest: float = 0.0       # mV
    tau_refrac: float = 2.0   # ms
    cm: float | None = None          # nF (exp synapses only)
    tau_syn_E: float | None = None   # ms (exp synapses only)
    tau_syn_I: float | None = None   # ms (exp synapses only)

    def to_dict(self):
        d = {"name": self.name, "size": self.size, **{k: getattr(self, k) for k in NEURON_FIELDS}}
        d.update({k: getattr(self, k) for k in EXP_ONLY_FIELDS if getattr(self, k) is not None})
        return d

    def tau_syn(self, weight):
        """The synaptic time constant (ms) a current of this sign decays with: tau_syn_E for
        weight >= 0, tau_syn_I for weight < 0 (NEST's ``iaf_psc_exp`` routes by sign)."""
        return self.tau_syn_E if weight >= 0 else self.tau_syn_I


@dataclass(frozen=True)
class LIFProjection:
    """Connections pre -> post: fixed ``indegree`` or ``probability`` (exactly one), weight (mV for
    delta synapses, nA for exp synapses), delay ms."""

    pre: str
    post: str
    weight: float
    delay: float
    indegree: float | None = None
    probability: float | None = None

    def to_dict(self):
        d = {"pre": self.pre, "post": self.post}
        d.update({"indegree": self.indegree} if self.indegree is not None else {"probability": self.probability})
        d.update(weight=self.weight, delay=self.delay)
        return d


@dataclass(frozen=True)
class LIFDrive:
    """External Poisson input to ``post``: ``indegree`` sources of ``rate`` Hz each, weight mV
    (delta) or nA (exp)."""

    post: str
    rate: float
    indegree: float
    weight: float
    delay: float | None = None   # ms; None: one simulation time step

    def to_dict(self):
        d = {"post": self.post, "rate": self.rate, "indegree": self.indegree, "weight": self.weight}
        if self.delay is not None:
            d["delay"] = self.delay
        return d


@dataclass(frozen=True)
class LIFNetwork:
    """A network of P LIF populations with delta or exp synapses, projections and Poisson drives.

    Build it from a file or dict (:func:`recnet.models.load`), from arrays
    (:meth:`from_arrays`), or directly.  Consumers: :meth:`to_arrays` (the mean-field solver's
    inputs) and :meth:`to_network` (the PyNN-vocabulary description every simulator runs).
    """

    populations: tuple
    projections: tuple = ()
    drives: tuple = ()
    synapse: str = "delta"
    name: str = "lif-network"
    summary: str = ""
    reference: str = ""
    family: str = field(default=FAMILY, init=False)

    # -- views ------------------------------------------------------------------------------
    @property
    def names(self):
        return [p.name for p in self.populations]

    @property
    def sizes(self):
        return np.array([p.size for p in self.populations], dtype=np.int64)

    def index(self, name):
        return self.names.index(name)

    def to_dict(self):
        """JSON-friendly, PyNN units; ``from_dict(model.to_dict())`` rebuilds the same model."""
        return {"model": FAMILY, "name": self.name, "summary": self.summary, "reference": self.reference,
                "synapse": self.synapse, "population": [p.to_dict() for p in self.populations],
                "projection": [p.to_dict() for p in self.projections],
                "drive": [d.to_dict() for d in self.drives]}

    def replace(self, **fields):
        """A copy with top-level fields replaced; a neuron field (``tau_m`` ...) sets it in every
        population."""
        neuron = {k: fields.pop(k) for k in list(fields) if k in NEURON_FIELDS}
        if neuron:
            d = self.to_dict()
            for p in d["population"]:
                p.update(neuron)
            d.update(fields)
            return from_dict(d, self.name)
        if fields:
            d = self.to_dict()
            d.update(fields)
            return from_dict(d, self.name)
        return self

    # -- mean field -------------------------------------------------------------------------
    def to_arrays(self):
        """The plain arrays ``recnet.numerics.lif_meanfield.solve_rates`` takes.

        Returns a dict with ``indegree`` K (P, P) (probability x pre size for random
        connectivity: the expected in-degree), ``weight`` J (P, P) mV, ``nu_ext`` (P, n_ext) Hz
        (per drive: indegree x rate, zero-padded), ``j_ext`` (P, n_ext) mV, per-population
        ``tau_m``, ``v_thresh``, ``v_reset``, ``v_rest``, ``tau_refrac`` (P,), ``synapse`` and
        ``tau_syn`` (P, P), ``tau_syn_ext`` (P, n_ext): the synaptic time constant (ms) of each
        input (0 for delta synapses).

        With exp synapses the weights are converted to the delta-equivalent PSP jump
        ``J = w tau_syn / cm`` (nA ms / nF = mV; Fourcaud & Brunel 2002, Neural Comput 14:2057,
        eq. 3.4 and NNMT's ``J = tau_s W / C``): the integral of the PSC over the capacitance, which
        sets the mean input mu = tau_m sum K J nu and, in the white-noise limit tau_syn -> 0, the
        noise sigma^2 = tau_m sum K J^2 nu that the Fourcaud-Brunel shift is expanded around.
        """
        P = len(self.populations)
        exp = self.synapse == "exp"
        K = np.zeros((P, P))
        J = np.zeros((P, P))
        TS = np.zeros((P, P))
        for pr in self.projections:
            a, b = self.index(pr.post), self.index(pr.pre)
            K[a, b] = pr.indegree if pr.indegree is not None else pr.probability * self.populations[b].size
            J[a, b], TS[a, b] = self._psp(a, pr.weight) if exp else (pr.weight, 0.0)
        per = [[d for d in self.drives if d.post == p.name] for p in self.populations]
        n_ext = max(1, max(len(x) for x in per))
        nu_ext = np.zeros((P, n_ext))
        j_ext = np.zeros((P, n_ext))
        ts_ext = np.zeros((P, n_ext))
        for a, ds in enumerate(per):
            for k, d in enumerate(ds):
                nu_ext[a, k] = d.indegree * d.rate
                j_ext[a, k], ts_ext[a, k] = self._psp(a, d.weight) if exp else (d.weight, 0.0)
        out = {"indegree": K, "weight": J, "nu_ext": nu_ext, "j_ext": j_ext, "synapse": self.synapse,
               "tau_syn": TS, "tau_syn_ext": ts_ext}
        for f in NEURON_FIELDS:
            out[f] = np.array([getattr(p, f) for p in self.populations], dtype=float)
        return out

    def _psp(self, a, w):
        """(J mV, tau_syn ms) of a PSC of amplitude ``w`` nA onto population ``a`` (exp synapses)."""
        p = self.populations[a]
        ts = p.tau_syn(w)
        return w * ts / p.cm, ts

    # -- simulation -------------------------------------------------------------------------
    def to_network(self, *, dt=0.1, seed=12345, scale=1.0, v_init="uniform", record=("spikes",)):
        """This model as a :class:`recnet.validation.simulators.network.Network` (PyNN vocabulary).

        Populations ``IF_curr_delta`` (``IF_curr_exp`` with exp synapses; labels = population names, initial V uniform in
        [v_rest, v_thresh) from ``seed``, or v_rest); projections ``FixedNumberPreConnector``
        (in-degree rounded to an integer) or ``FixedProbabilityConnector``, receptor
        "excitatory" for weights >= 0, "inhibitory" otherwise; each drive becomes one
        ``SpikeSourcePoisson`` per target neuron of rate indegree x rate (the superposition of
        independent Poisson sources), connected one-to-one (delay: the drive's, else ``dt``).

        ``scale`` > 1 divides every population size by ``scale`` (rounded, >= 1) and multiplies
        every connection probability by it, keeping in-degrees and hence the mean-field state
        (the caller states it); a fixed in-degree larger than the scaled presynaptic population is
        refused with a ParameterError.
        """
        from recnet import checks
        from recnet.validation.simulators.network import (FixedNumberPreConnector, FixedProbabilityConnector, IF_curr_delta,
                                               IF_curr_exp, Network, OneToOneConnector, SpikeSourcePoisson, StaticSynapse)
        if v_init not in ("uniform", "rest"):
            raise ParameterError("v_init", v_init, "must be 'uniform' or 'rest'")
        rng = checks.rng(seed)
        net = Network()
        pops = {}
        for p in self.populations:
            n = max(1, int(round(p.size / scale)))
            v0 = rng.uniform(p.v_rest, p.v_thresh, n) if v_init == "uniform" else p.v_rest
            if self.synapse == "exp":
                cell = IF_curr_exp(tau_m=p.tau_m, cm=p.cm, v_rest=p.v_rest, v_reset=p.v_reset, v_thresh=p.v_thresh,
                                   tau_refrac=p.tau_refrac, tau_syn_E=p.tau_syn_E, tau_syn_I=p.tau_syn_I,
                                   i_offset=0.0)
            else:
                cell = IF_curr_delta(tau_m=p.tau_m, cm=1.0, v_rest=p.v_rest, v_reset=p.v_reset, v_thresh=p.v_thresh,
                                     tau_refrac=p.tau_refrac, i_offset=0.0)
            pops[p.name] = net.population(n, cell, p.name, initial_values={"v": v0}, record=record)
        for k, pr in enumerate(self.projections):
            pre, post = pops[pr.pre], pops[pr.post]
            if pr.indegree is not None:
                kk = int(round(pr.indegree))
                if kk > pre.size:
                    raise ParameterError(f"projection[{k}].indegree", pr.indegree,
                                         f"must be <= the size of {pr.pre!r} ({pre.size}"
                                         + (f" after scaling by 1/{scale:g})" if scale != 1 else ")"))
                conn = FixedNumberPreConnector(kk)
            else:
                conn = FixedProbabilityConnector(min(1.0, pr.probability * scale))
            net.projection(pre, post, conn, StaticSynapse(pr.weight, pr.delay),
                           "excitatory" if pr.weight >= 0 else "inhibitory", label=f"{pr.pre}->{pr.post}")
        for k, d in enumerate(self.drives):
            post = pops[d.post]
            src = net.population(post.size, SpikeSourcePoisson(rate=d.indegree * d.rate), f"drive{k}_{d.post}",
                                 record=())
            net.projection(src, post, OneToOneConnector(), StaticSynapse(d.weight, dt if d.delay is None else d.delay),
                           "excitatory" if d.weight >= 0 else "inhibitory", label=f"drive{k}->{d.post}")
        return net

    # -- construction from arrays -----------------------------------------------------------
    @classmethod
    def from_arrays(cls, names, sizes, indegree, weight, delay=1.5, *, drive_rate=None, drive_indegree=None,
                    drive_weight=None, probability=None, tau_m=20.0, v_thresh=20.0, v_reset=10.0, v_rest=0.0,
                    tau_refrac=2.0, synapse="delta", cm=None, tau_syn_E=None, tau_syn_I=None, name="lif-network",
                    summary="", reference=""):
        """Build a model from matrices (entry [a, b]: from population b to population a).

        ``indegree`` (P, P) or ``probability`` (P, P) (the other None), ``weight`` (P, P) mV,
        ``delay`` scalar or (P, P) ms; drives as (P, n_ext) arrays ``drive_rate`` Hz,
        ``drive_indegree``, ``drive_weight`` mV (a zero rate or in-degree means no drive); neuron
        fields scalar or (P,).  ``synapse="exp"``: weights in nA and ``cm`` nF, ``tau_syn_E``,
        ``tau_syn_I`` ms (scalar or (P,)) required.  Every value is checked as in a model file.
        """
        d = {"model": FAMILY, "name": name, "summary": summary, "reference": reference, "synapse": synapse}
        P = len(names)
        pops = []
        for a in range(P):
            p = {"name": names[a], "size": _item(sizes, a)}
            for f, v in (("tau_m", tau_m), ("v_thresh", v_thresh), ("v_reset", v_reset), ("v_rest", v_rest),
                         ("tau_refrac", tau_refrac)):
                p[f] = _item(v, a)
            for f, v in (("cm", cm), ("tau_syn_E", tau_syn_E), ("tau_syn_I", tau_syn_I)):
                if v is not None:
                    p[f] = _item(v, a)
            pops.append(p)
        d["population"] = pops
        conn = {"weight": np.asarray(weight, float).tolist(), "delay": np.asarray(delay, float).tolist()}
        if indegree is not None:
            conn["indegree"] = np.asarray(indegree, float).tolist()
        if probability is not None:
            conn["probability"] = np.asarray(probability, float).tolist()
        d["connectivity"] = conn
        drives = []
        if drive_rate is not None:
            r = np.atleast_2d(np.asarray(drive_rate, float).reshape(P, -1))
            kk = np.broadcast_to(np.asarray(drive_indegree, float).reshape(P, -1) if np.ndim(drive_indegree)
                                 else float(drive_indegree), r.shape)
            w = np.broadcast_to(np.asarray(drive_weight, float).reshape(P, -1) if np.ndim(drive_weight)
                                else float(drive_weight), r.shape)
            for a in range(P):
                for k in range(r.shape[1]):
                    if r[a, k] > 0 and kk[a, k] > 0:
                        drives.append({"post": names[a], "rate": float(r[a, k]), "indegree": float(kk[a, k]),
                                       "weight": float(w[a, k])})
        d["drive"] = drives
        return from_dict(d, name)


def _item(v, a):
    if np.ndim(v) == 0:
        return v.item() if isinstance(v, np.generic) else v
    return np.asarray(v).ravel()[a].item()


# ------------------------------------------------------------------------------------- parsing
def _float(field_, value, unit):
    return to_unit(field_, value, unit)


def _array(field_, value, base, shape=None):
    """A numeric array inline (nested lists) or from a file (.npy, .npz, .csv) relative to ``base``."""
    if isinstance(value, str) and Path(value).suffix.lower() in (".npy", ".npz", ".csv"):
        path = Path(value)
        if not path.is_absolute():
            path = base / path
        if not path.is_file():
            raise ParameterError(field_, value, f"must be an existing .npy/.npz/.csv file (looked for {path})")
        try:
            if path.suffix.lower() == ".npy":
                arr = np.load(path, allow_pickle=False)
            elif path.suffix.lower() == ".npz":
                with np.load(path, allow_pickle=False) as z:
                    if len(z.files) != 1:
                        raise ParameterError(field_, value, f"a .npz file must hold exactly one array, has {z.files}")
                    arr = z[z.files[0]]
            else:
                arr = np.loadtxt(path, delimiter=",", ndmin=2)
        except ParameterError:
            raise
        except Exception as exc:
            raise ParameterError(field_, value, f"could not be read: {exc}") from None
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        arr = np.asarray(float(value))
    else:
        try:
            arr = np.asarray(value, dtype=float)
        except (TypeError, ValueError):
            raise ParameterError(field_, value, "must be a number, a nested list of numbers or a .npy/.npz/.csv file") \
                from None
    if not np.all(np.isfinite(arr)):
        raise ParameterError(field_, value, "must contain finite numbers only")
    if shape is not None and arr.ndim != 0 and arr.shape != shape:
        raise ParameterError(field_, f"array of shape {arr.shape}", f"must have shape {shape} (or be one number)")
    return arr


def _name(field_, value):
    if not isinstance(value, str) or not value.strip():
        raise ParameterError(field_, value, "must be a non-empty string")
    return value


def _table_list(data, key):
    v = data.get(key, [])
    if isinstance(v, dict):
        v = [v]
    if not isinstance(v, (list, tuple)) or not all(isinstance(x, dict) for x in v):
        raise ParameterError(key, v, f"must be a list of tables ([[{key}]] in TOML)")
    return list(v)


def _unknown(path, d, allowed):
    extra = sorted(set(d) - set(allowed))
    if extra:
        raise ParameterError(f"{path}.{extra[0]}" if path else extra[0], d[extra[0]],
                             f"unknown field: valid fields are {', '.join(sorted(allowed))}")


def _base_dir(source):
    p = Path(str(source))
    if p.is_file():
        return p.parent
    return DATA


def from_dict(data, source="<dict>"):
    """Check every field of a ``lif-network`` mapping and build the :class:`LIFNetwork`.

    A ``ParameterError`` names the field by its path (``population[2].tau_m``,
    ``projection[0].weight``, ``connectivity.indegree``), its value and the valid range.
    """
    if not isinstance(data, dict):
        raise ParameterError("model", data, "must be a mapping")
    _unknown("", data, _TOP)
    if data.get("model", FAMILY) != FAMILY:
        raise ParameterError("model", data.get("model"), f"must be {FAMILY!r}")
    synapse = data.get("synapse", "delta")
    if synapse not in SYNAPSES:
        raise ParameterError("synapse", synapse, "must be 'delta' (IF_curr_delta, weights in mV) or 'exp' "
                             "(IF_curr_exp, weights in nA)")
    wunit = WEIGHT_UNIT[synapse]
    base = _base_dir(source)
    name = data.get("name") or (Path(str(source)).stem if source not in ("<dict>", None) else FAMILY)
    for k in ("name", "summary", "reference"):
        if k in data and not isinstance(data[k], str):
            raise ParameterError(k, data[k], "must be a string")

    raw_pops = _table_list(data, "population")
    if not raw_pops:
        raise ParameterError("population", [], "needs at least one [[population]] table")
    pops = []
    for a, p in enumerate(raw_pops):
        path = f"population[{a}]"
        extra = set(p) & set(EXP_ONLY_FIELDS)
        if synapse == "delta" and extra:
            k = sorted(extra)[0]
            raise ParameterError(f"{path}.{k}", p[k], "only with synapse = 'exp' (IF_curr_exp); this model has "
                                 "synapse = 'delta'")
        _unknown(path, p, {"name", "size"} | set(NEURON_FIELDS) | (set(EXP_ONLY_FIELDS) if synapse == "exp" else set()))
        for k in ("name", "size"):
            if k not in p:
                raise ParameterError(f"{path}.{k}", None, "is required")
        nm = _name(f"{path}.name", p["name"])
        if any(q.name == nm for q in pops):
            raise ParameterError(f"{path}.name", nm, "must be unique: this name is used twice")
        size = p["size"]
        if isinstance(size, float) and size.is_integer():
            size = int(size)
        if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 1:
            raise ParameterError(f"{path}.size", size, "must be an integer >= 1")
        vals = {}
        for f, unit in NEURON_FIELDS.items():
            default = LIFPopulation.__dataclass_fields__[f].default
            vals[f] = _float(f"{path}.{f}", p.get(f, default), unit)
        if vals["tau_m"] <= 0:
            raise ParameterError(f"{path}.tau_m", vals["tau_m"], "must be > 0 ms")
        if vals["tau_refrac"] < 0:
            raise ParameterError(f"{path}.tau_refrac", vals["tau_refrac"], "must be >= 0 ms")
        if not vals["v_reset"] < vals["v_thresh"]:
            raise ParameterError(f"{path}.v_reset", vals["v_reset"],
                                 f"must be below v_thresh = {vals['v_thresh']:g} mV")
        if synapse == "exp":
            for f, unit in EXP_ONLY_FIELDS.items():
                if f not in p:
                    raise ParameterError(f"{path}.{f}", None, f"is required with synapse = 'exp' ({unit})")
                vals[f] = _float(f"{path}.{f}", p[f], unit)
                if not vals[f] > 0:
                    raise ParameterError(f"{path}.{f}", vals[f], f"must be > 0 {unit}")
        pops.append(LIFPopulation(nm, int(size), **vals))
    names = [p.name for p in pops]

    def _pop_ref(field_, value):
        if value not in names:
            raise ParameterError(field_, value, f"must name a population: one of {', '.join(names)}")
        return value

    raw_proj = _table_list(data, "projection")
    if "connectivity" in data:
        if raw_proj:
            raise ParameterError("connectivity", "...", "give either [[projection]] tables or a [connectivity] "
                                 "table, not both")
        raw_proj = _expand_connectivity(data["connectivity"], names, base)
    projs, seen = [], set()
    for k, pr in enumerate(raw_proj):
        path = f"projection[{k}]"
        _unknown(path, pr, {"pre", "post", "indegree", "probability", "weight", "delay"})
        for f in ("pre", "post", "weight", "delay"):
            if f not in pr:
                raise ParameterError(f"{path}.{f}", None, "is required")
        pre = _pop_ref(f"{path}.pre", pr["pre"])
        post = _pop_ref(f"{path}.post", pr["post"])
        if (pre, post) in seen:
            raise ParameterError(f"{path}.post", post, f"one projection per (pre, post) pair: {pre}->{post} is "
                                 "given twice")
        seen.add((pre, post))
        has_k, has_p = "indegree" in pr, "probability" in pr
        if has_k == has_p:
            raise ParameterError(f"{path}.indegree", pr.get("indegree"), "give exactly one of indegree and probability")
        indeg = prob = None
        if has_k:
            indeg = _float(f"{path}.indegree", pr["indegree"], "")
            if indeg < 0:
                raise ParameterError(f"{path}.indegree", indeg, "must be >= 0")
        else:
            prob = _float(f"{path}.probability", pr["probability"], "")
            if not 0 <= prob <= 1:
                raise ParameterError(f"{path}.probability", prob, "must be in [0, 1]")
        w = _float(f"{path}.weight", pr["weight"], wunit)
        dl = _float(f"{path}.delay", pr["delay"], "ms")
        if dl <= 0:
            raise ParameterError(f"{path}.delay", dl, "must be > 0 ms")
        projs.append(LIFProjection(pre, post, w, dl, indeg, prob))

    drives = []
    for k, d in enumerate(_table_list(data, "drive")):
        path = f"drive[{k}]"
        _unknown(path, d, {"post", "rate", "indegree", "weight", "delay"})
        for f in ("post", "rate", "indegree", "weight"):
            if f not in d:
                raise ParameterError(f"{path}.{f}", None, "is required")
        post = _pop_ref(f"{path}.post", d["post"])
        rate = _float(f"{path}.rate", d["rate"], "Hz")
        if rate < 0:
            raise ParameterError(f"{path}.rate", rate, "must be >= 0 Hz")
        kk = _float(f"{path}.indegree", d["indegree"], "")
        if kk < 0:
            raise ParameterError(f"{path}.indegree", kk, "must be >= 0")
        w = _float(f"{path}.weight", d["weight"], wunit)
        dl = None
        if "delay" in d:
            dl = _float(f"{path}.delay", d["delay"], "ms")
            if dl <= 0:
                raise ParameterError(f"{path}.delay", dl, "must be > 0 ms")
        drives.append(LIFDrive(post, rate, kk, w, dl))
    return LIFNetwork(tuple(pops), tuple(projs), tuple(drives), synapse, str(name), data.get("summary", ""),
                      data.get("reference", ""))


def _expand_connectivity(conn, names, base):
    if not isinstance(conn, dict):
        raise ParameterError("connectivity", conn, "must be a table with indegree (or probability), weight, delay")
    _unknown("connectivity", conn, {"indegree", "probability", "weight", "delay"})
    P = len(names)
    if ("indegree" in conn) == ("probability" in conn):
        raise ParameterError("connectivity.indegree", conn.get("indegree"),
                             "give exactly one of indegree and probability")
    key = "indegree" if "indegree" in conn else "probability"
    for f in (key, "weight", "delay"):
        if f not in conn:
            raise ParameterError(f"connectivity.{f}", None, "is required")
    M = _array(f"connectivity.{key}", conn[key], base, (P, P))
    W = _array("connectivity.weight", conn["weight"], base, (P, P))
    D = _array("connectivity.delay", conn["delay"], base, (P, P))
    M, W, D = (np.broadcast_to(x, (P, P)) for x in (M, W, D))
    out = []
    for a in range(P):
        for b in range(P):
            if M[a, b] < 0:
                raise ParameterError(f"connectivity.{key}[{a}][{b}]", float(M[a, b]), "must be >= 0")
            if M[a, b] > 0:
                out.append({"pre": names[b], "post": names[a], key: float(M[a, b]), "weight": float(W[a, b]),
                            "delay": float(D[a, b])})
    return out


register_family(FAMILY, from_dict)


# ------------------------------------------------------------------------------ Brunel (2000)
def brunel_sizes(n_e=10000, gamma=0.25, epsilon=0.1):
    """(N_E, N_I, C_E, C_I) of Brunel's network: N_I = round(gamma n_e), C_E = round(epsilon n_e),
    C_I = round(epsilon gamma n_e).  The one definition used by theory and simulation."""
    from recnet import checks
    n_e = checks.integer("n_e", n_e, minimum=1)
    return n_e, int(round(gamma * n_e)), int(round(epsilon * n_e)), int(round(epsilon * gamma * n_e))


def brunel_model(tau_m=20.0, v_thresh=20.0, v_reset=0.0, v_rest=0.0, tau_refrac=2.0, g=5.0, eta=2.0,
                 epsilon=0.1, j=0.1, n_e=10000, gamma=0.25, delay=1.5, name="brunel"):
    """Brunel's (2000, J Comput Neurosci 8:183) model A as an :class:`LIFNetwork`.

    Populations E (N_E) and I (N_I) of identical neurons; fixed in-degrees C_E from E (weight J)
    and C_I from I (weight -g J) into both, delay D; a drive of C_E Poisson sources at
    nu_ext = eta nu_thr, nu_thr = theta / (J C_E tau_m), theta = v_thresh - v_rest, weight J, into
    both.  Parameter checks: ``recnet.numerics.lif_meanfield.check_brunel``.
    """
    n_e, n_i, c_e, c_i = brunel_sizes(n_e, gamma, epsilon)
    if n_i < 1:
        raise ParameterError("gamma", gamma, f"gamma * n_e = {gamma * n_e:g}: the network needs N_I >= 1")
    nu_thr = (v_thresh - v_rest) / (j * c_e * tau_m * 1e-3)
    if not math.isfinite(nu_thr * eta):
        raise ParameterError("eta", eta, "eta * nu_thr must be finite")
    pops = [{"name": "E", "size": n_e}, {"name": "I", "size": n_i}]
    for p in pops:
        p.update(tau_m=tau_m, v_thresh=v_thresh, v_reset=v_reset, v_rest=v_rest, tau_refrac=tau_refrac)
    projs, drives = [], []
    for post in ("E", "I"):
        projs.append({"pre": "E", "post": post, "indegree": c_e, "weight": j, "delay": delay})
        if c_i > 0 and g > 0:
            projs.append({"pre": "I", "post": post, "indegree": c_i, "weight": -g * j, "delay": delay})
        drives.append({"post": post, "rate": eta * nu_thr, "indegree": c_e, "weight": j, "delay": delay})
    return from_dict({"model": FAMILY, "name": name, "synapse": "delta", "population": pops, "projection": projs,
                      "drive": drives,
                      "summary": f"Brunel 2000 model A, g = {g:g}, eta = {eta:g}",
                      "reference": "Brunel 2000, J Comput Neurosci 8:183"})
