"""Model family ``scn``: a spike-coding network given by its decoder and the signal it represents.

Boerlin, Machens, Deneve 2013 (PLoS Comput Biol 9:e1003258) and Barrett, Deneve, Machens 2013
(NIPS 26): a network of N neurons represents a K-dimensional latent signal x(t) by the readout
x_hat = D r, dr/dt = -r/tau + s(t).  Everything else (thresholds (|D_i|^2 + mu + nu)/2, fast and
slow weights) follows from

* ``decoder`` D, K x N (latent units per spike): inline nested lists (K rows of N numbers), or a
  ``.npy`` / ``.csv`` / ``.npz`` file relative to the model file (``decoder = "D.npy"`` or
  ``decoder = {file = "net.npz", key = "D"}``);
* ``signal``: a table with ``kind``:
    - ``"constant"``: ``x`` (K numbers) -- the autoencoder tracks a constant signal;
    - ``"sinusoid"``: x(t) = offset + amplitude sin(2 pi frequency t + phase) per dimension
      (``offset``, ``amplitude``, ``phase`` in radians: K numbers or one; ``frequency`` in Hz);
    - ``"linear"``: the network implements dx/dt = A x + c(t) (``A``: K x K in 1/ms, ``x0`` the
      initial state) with a command c(t) = offset + amplitude sin(2 pi frequency t + phase)
      (per ms; ``amplitude = 0``, the default, gives a constant command);
* ``tau`` (ms): membrane and readout time constant; ``mu``, ``nu`` >= 0: quadratic and linear rate
  costs (latent units squared);
* ``thresholds`` (optional, N numbers or a file): per-neuron thresholds replacing
  (|D_i|^2 + mu + nu)/2.

A model can also be built in Python: ``SCNModel(decoder=np.array(...), signal=Signal("constant",
x=[...]))`` or ``recnet.models.load({"model": "scn", "decoder": D, "signal": {...}})``.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import numpy as np

from recnet.checks import ParameterError
from recnet.models import DATA, model_path, register_family, to_unit

__all__ = ["SCNModel", "Signal", "from_dict", "SIGNAL_KINDS"]

SIGNAL_KINDS = ("constant", "sinusoid", "linear")
_TOP = ("model", "name", "summary", "reference", "decoder", "signal", "tau", "mu", "nu", "thresholds")
_SIGNAL_FIELDS = {"constant": ("kind", "x"),
                  "sinusoid": ("kind", "offset", "amplitude", "frequency", "phase"),
                  "linear": ("kind", "A", "x0", "offset", "amplitude", "frequency", "phase")}


# ------------------------------------------------------------------------------------ helpers
def _base_dir(source):
    """Folder that relative data files of a model loaded from ``source`` are resolved against."""
    if isinstance(source, str) and source not in ("<dict>", ""):
        p = model_path(source)
        if p is not None:
            return DATA
        if Path(source).is_file():
            return Path(source).resolve().parent
    return Path.cwd()


def _read_array(field_name, ref, base):
    """Array from a file reference: ``"x.npy"``, ``"x.csv"``, ``"x.npz"`` or ``{file=..., key=...}``."""
    key = None
    if isinstance(ref, dict):
        unknown = set(ref) - {"file", "key"}
        if unknown or "file" not in ref:
            raise ParameterError(field_name, ref, "a file reference is {file = \"NAME.npy|.npz|.csv\", key = \"ARRAY\"}")
        key, ref = ref.get("key"), ref["file"]
    path = Path(ref)
    if not path.is_absolute():
        path = base / path
    if not path.is_file():
        raise ParameterError(field_name, str(ref), f"file not found (looked for {path})")
    ext = path.suffix.lower()
    try:
        if ext == ".npy":
            return np.load(path, allow_pickle=False)
        if ext == ".csv":
            return np.loadtxt(path, delimiter=",", ndmin=2)
        if ext == ".npz":
            with np.load(path, allow_pickle=False) as z:
                names = list(z.files)
                if key is None:
                    if len(names) != 1:
                        raise ParameterError(field_name, str(ref), f"the .npz holds {names}: name one with "
                                             "{file = ..., key = ...}")
                    key = names[0]
                if key not in names:
                    raise ParameterError(field_name, str(ref), f"has no array {key!r} (it holds {names})")
                return np.array(z[key])
    except ParameterError:
        raise
    except Exception as exc:  # unreadable user file: a user error
        raise ParameterError(field_name, str(ref), f"could not be read: {exc}") from None
    raise ParameterError(field_name, str(ref), "a data file must end in .npy, .npz or .csv")


def _array(field_name, value, base, *, ndim, unit="", shape=None):
    """A float array (numbers, strings with units, numpy arrays or a file reference)."""
    if isinstance(value, (str, dict)) and not (isinstance(value, str) and ndim == 0):
        value = _read_array(field_name, value, base)
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in "biuf":
            raise ParameterError(field_name, f"<array of dtype {value.dtype}>", "must hold numbers")
        a = value.astype(float)
    else:
        try:
            raw = np.array(value, dtype=object)
        except Exception:  # ragged nesting
            raise ParameterError(field_name, value, f"must be a {ndim}-D array of numbers") from None
        if raw.dtype == object and raw.ndim == 0 and isinstance(value, (list, tuple)):
            raise ParameterError(field_name, value, f"must be a {ndim}-D array of numbers")
        flat = [to_unit(field_name, v, unit) for v in raw.ravel()]
        a = np.array(flat, dtype=float).reshape(raw.shape)
    if a.ndim == 0 and ndim == 1 and shape is not None:
        a = np.full(shape, float(a))          # one number for every dimension
    if a.ndim != ndim:
        raise ParameterError(field_name, f"<array of shape {a.shape}>", f"must be {ndim}-D"
                             + (f" with shape {shape}" if shape else ""))
    if shape is not None and a.shape != tuple(shape):
        raise ParameterError(field_name, f"<array of shape {a.shape}>", f"must have shape {tuple(shape)}")
    if not np.all(np.isfinite(a)):
        raise ParameterError(field_name, "<array>", "must be finite (no NaN or infinity)")
    return np.ascontiguousarray(a)


def _number(field_name, value, unit="", minimum=None, strict=False):
    v = to_unit(field_name, value, unit)
    if minimum is not None and (v <= minimum if strict else v < minimum):
        raise ParameterError(field_name, value, f"must be {'>' if strict else '>='} {minimum:g}"
                             + (f" {unit}" if unit else ""))
    return v


# ------------------------------------------------------------------------------------ classes
@dataclass
class Signal:
    """The latent signal: constant ``x``, a sinusoid x(t), or linear dynamics dx/dt = A x + c(t).

    Times in ms, frequencies in Hz, phases in radians, A in 1/ms, c per ms, x in latent units.
    """

    kind: str
    x: np.ndarray | None = None            # constant
    offset: np.ndarray | None = None       # sinusoid: of x; linear: of c
    amplitude: np.ndarray | None = None
    frequency: np.ndarray | None = None    # Hz
    phase: np.ndarray | None = None        # rad
    A: np.ndarray | None = None            # linear, 1/ms
    x0: np.ndarray | None = None           # linear

    @property
    def time_varying(self):
        """True when the simulation needs x(t) or c(t) per time step."""
        if self.kind == "constant":
            return False
        return bool(np.any(self.amplitude != 0) and np.any(self.frequency != 0))

    def wave(self, t_ms):
        """offset + amplitude sin(2 pi f t + phase) at times ``t_ms`` (ms), shape (len(t), K)."""
        t = np.asarray(t_ms, float)[:, None]
        return self.offset + self.amplitude * np.sin(2 * np.pi * self.frequency * 1e-3 * t + self.phase)

    def to_dict(self):
        names = _SIGNAL_FIELDS[self.kind]
        return {n: (self.kind if n == "kind" else np.asarray(getattr(self, n), float).tolist()) for n in names}


@dataclass
class SCNModel:
    """A spike-coding network: decoder (K x N), signal, tau (ms), mu, nu, optional thresholds.

    See the module docstring for the fields and their units; build one with ``from_dict`` (checks
    every field) or ``recnet.models.load``.
    """

    family: ClassVar[str] = "scn"
    decoder: np.ndarray
    signal: Signal
    tau: float = 20.0
    mu: float = 0.0
    nu: float = 0.0
    thresholds: np.ndarray | None = None
    name: str = "scn-model"
    summary: str = ""
    reference: str = ""

    def __post_init__(self):
        # a model built directly in Python is checked like a file
        if not getattr(self, "_checked", False):
            m = from_dict(self.to_dict(), "<python>")
            self.__dict__.update(m.__dict__)

    @property
    def k(self):
        return int(self.decoder.shape[0])

    @property
    def n(self):
        return int(self.decoder.shape[1])

    def to_dict(self):
        sig = self.signal.to_dict() if isinstance(self.signal, Signal) else self.signal
        d = {"model": "scn", "name": self.name, "decoder": np.asarray(self.decoder).tolist(), "signal": sig,
             "tau": float(self.tau), "mu": float(self.mu), "nu": float(self.nu)}
        if self.thresholds is not None:
            d["thresholds"] = np.asarray(self.thresholds).tolist()
        for key in ("summary", "reference"):
            if getattr(self, key):
                d[key] = getattr(self, key)
        return d

    def replace(self, **fields):
        """A copy with top-level fields replaced (checked again)."""
        data = self.to_dict()
        for k, v in fields.items():
            data[k] = v.to_dict() if isinstance(v, Signal) else v
        return from_dict(data, self.name)


def _signal(data, k, base):
    if isinstance(data, Signal):
        data = data.to_dict()
    if not isinstance(data, dict):
        raise ParameterError("signal", data, "must be a table with kind = " + " | ".join(SIGNAL_KINDS))
    kind = data.get("kind")
    if kind not in SIGNAL_KINDS:
        raise ParameterError("signal.kind", kind, f"choose one of {', '.join(SIGNAL_KINDS)}")
    unknown = sorted(set(data) - set(_SIGNAL_FIELDS[kind]))
    if unknown:
        raise ParameterError(f"signal.{unknown[0]}", data[unknown[0]],
                             f"not a field of a {kind!r} signal (its fields: {', '.join(_SIGNAL_FIELDS[kind][1:])})")
    s = Signal(kind)
    if kind == "constant":
        if "x" not in data:
            raise ParameterError("signal.x", None, f"a constant signal needs x ({k} numbers)")
        s.x = _array("signal.x", data["x"], base, ndim=1, shape=(k,))
        return s
    c_unit = "" if kind == "sinusoid" else "1/ms"       # c of the linear system is per ms
    s.offset = _array("signal.offset", data.get("offset", 0.0), base, ndim=1, shape=(k,), unit=c_unit)
    s.amplitude = _array("signal.amplitude", data.get("amplitude", 0.0), base, ndim=1, shape=(k,), unit=c_unit)
    s.frequency = _array("signal.frequency", data.get("frequency", 0.0), base, ndim=1, shape=(k,), unit="Hz")
    s.phase = _array("signal.phase", data.get("phase", 0.0), base, ndim=1, shape=(k,), unit="rad")
    if np.any(s.frequency < 0):
        raise ParameterError("signal.frequency", s.frequency.tolist(), "must be >= 0 Hz")
    if kind == "linear":
        if "A" not in data:
            raise ParameterError("signal.A", None, f"linear dynamics need A ({k} x {k}, in 1/ms)")
        s.A = _array("signal.A", data["A"], base, ndim=2, shape=(k, k), unit="1/ms")
        s.x0 = _array("signal.x0", data.get("x0", 0.0), base, ndim=1, shape=(k,))
    return s


def from_dict(data, source="<dict>"):
    """Check every field of an ``scn`` model and build an ``SCNModel`` (see the module docstring)."""
    if not isinstance(data, dict):
        raise ParameterError("model", data, "an scn model is a table of fields")
    unknown = sorted(set(data) - set(_TOP))
    if unknown:
        raise ParameterError(unknown[0], data[unknown[0]], f"not a field of an scn model (its fields: "
                             f"{', '.join(_TOP[1:])})")
    base = _base_dir(source)
    if "decoder" not in data:
        raise ParameterError("decoder", None, "an scn model needs its decoder D (K x N)")
    D = _array("decoder", data["decoder"], base, ndim=2)
    k, n = D.shape
    if k < 1 or n < 1:
        raise ParameterError("decoder", f"<array of shape {D.shape}>", "needs K >= 1 rows and N >= 1 columns")
    tau = _number("tau", data.get("tau", 20.0), "ms", 0.0, strict=True)
    mu = _number("mu", data.get("mu", 0.0), "", 0.0)
    nu = _number("nu", data.get("nu", 0.0), "", 0.0)
    zero = np.flatnonzero(np.sum(D * D, axis=0) == 0)
    if len(zero) and mu == 0:
        raise ParameterError(f"decoder[:, {int(zero[0])}]", 0.0, "a zero decoder column needs mu > 0 "
                             "(the neuron would have no reset)")
    T = None
    if data.get("thresholds") is not None:
        T = _array("thresholds", data["thresholds"], base, ndim=1, shape=(n,))
        if np.any(T <= 0):
            i = int(np.argmin(T))
            raise ParameterError(f"thresholds[{i}]", float(T[i]), "must be > 0 (the zero error must lie "
                                 "inside the bounding box)")
    if "signal" not in data:
        raise ParameterError("signal", None, "an scn model needs a signal table (kind = constant | sinusoid | linear)")
    sig = _signal(data["signal"], k, base)
    name = data.get("name") or (Path(source).stem if source not in ("<dict>", "<python>") else "scn-model")
    m = object.__new__(SCNModel)
    m.__dict__.update(dict(decoder=D, signal=sig, tau=tau, mu=mu, nu=nu, thresholds=T, name=str(name),
                           summary=str(data.get("summary", "")), reference=str(data.get("reference", "")),
                           _checked=True))
    return m


register_family("scn", from_dict)
