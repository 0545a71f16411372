r"""Model family ``geometry``: a connectivity solution-space problem (Biswas & Fitzgerald 2022).

Find every weight matrix with :math:`r^\mu = [W r^\mu + U x^\mu]_+` for the given patterns, under
a bound on each neuron's incoming weights.  Fields:

``responses``
    (P, N) steady-state rates in Hz, one pattern per row (inline rows or a ``.csv``/``.npy``/``.npz``
    file relative to the model file); at least one pattern, all >= 0.
``inputs``
    optional (P, K) feedforward inputs; their weights U are unknowns.
``bound``
    B > 0: ``||w_i||_2 <= B`` (norm "l2") or ``|w_ij| <= B`` (norm "linf"); at most ``MAX_BOUND``.
``norm``
    "l2" or "linf".   ``tolerance``: responses matched within this (Hz, >= 0).
``self_connections``
    whether W_ii is an unknown (default false).   ``active_threshold``: rates at or below it
    (Hz) count as silent.
``neurons``
    optional list of neurons (numbered from 1) whose incoming weights are asked for (default all).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from recnet.checks import ParameterError
from recnet.models import default_name, register_family, to_unit
from recnet.models._array_files import base_dir, read_array

__all__ = ["GeometryModel", "from_dict", "MAX_BOUND"]

FIELDS = ("responses", "inputs", "bound", "norm", "tolerance", "self_connections", "active_threshold", "neurons")
META = ("model", "name", "summary", "reference")
#: the cone and linear programs work to ~1e-10 absolute; far larger bounds leave no significant digits
#: in the ranges (and B^2 overflows near 1e154)
MAX_BOUND = 1e9


@dataclass(frozen=True)
class GeometryModel:
    responses: np.ndarray
    inputs: np.ndarray | None
    bound: float
    norm: str
    tolerance: float
    self_connections: bool
    active_threshold: float
    neurons: tuple | None
    name: str = "user"
    summary: str = ""
    reference: str = ""
    family: str = field(default="geometry", init=False)

    def to_dict(self):
        return {"model": "geometry", "name": self.name, "responses_hz": self.responses.tolist(),
                "inputs": None if self.inputs is None else self.inputs.tolist(), "bound": self.bound,
                "norm": self.norm, "tolerance_hz": self.tolerance, "self_connections": self.self_connections,
                "active_threshold_hz": self.active_threshold,
                "neurons": None if self.neurons is None else list(self.neurons)}

    def replace(self, **fields):
        d = {"responses": self.responses, "inputs": self.inputs, "bound": self.bound, "norm": self.norm,
             "tolerance": self.tolerance, "self_connections": self.self_connections,
             "active_threshold": self.active_threshold, "neurons": self.neurons, "name": self.name,
             "summary": self.summary, "reference": self.reference}
        d.update(fields)
        return from_dict(d, "<replace>")


def from_dict(data, source="<dict>"):
    """Check every field of a ``geometry`` problem (ParameterError naming the field) and build it."""
    data = dict(data)
    unknown = sorted(set(data) - set(FIELDS) - set(META))
    if unknown:
        raise ParameterError(unknown[0], "<value>",
                             f"is not a field of a geometry model: fields are {', '.join(FIELDS)}")
    if data.get("responses") is None:
        raise ParameterError("responses", None, "is required: steady-state rates, one pattern per row (Hz)")
    base = base_dir(source)
    R = read_array("responses", data["responses"], base, ndim=2)
    if R.shape[0] < 1 or R.shape[1] < 1:
        raise ParameterError("responses", f"<array of shape {R.shape}>", "must hold at least one pattern of one neuron")
    if np.any(R < 0):
        p, i = np.argwhere(R < 0)[0]
        raise ParameterError(f"responses[{p + 1}][{i + 1}]", float(R[p, i]), "must be >= 0 Hz: steady-state "
                             "rates of a rectified-linear network")
    X = data.get("inputs")
    if X is not None and not (isinstance(X, str) and X == ""):
        X = read_array("inputs", X, base, ndim=2)
        if X.shape[0] != R.shape[0]:
            raise ParameterError("inputs", f"<array of shape {X.shape}>",
                                 f"must have one row per pattern ({R.shape[0]} rows, like responses)")
    else:
        X = None
    bound = to_unit("bound", data.get("bound", 2.0), "")
    if not 0 < bound <= MAX_BOUND:
        raise ParameterError("bound", bound, f"must lie in (0, {MAX_BOUND:g}]: the solvers work to ~1e-10 "
                             "absolute, so a larger bound leaves no significant digits (rescale the rates)")
    norm = str(data.get("norm", "l2"))
    if norm not in ("l2", "linf"):
        raise ParameterError("norm", norm, "choose l2 or linf")
    tol = to_unit("tolerance", data.get("tolerance", 0.0), "Hz")
    if tol < 0:
        raise ParameterError("tolerance", tol, "must be >= 0 Hz")
    sc = data.get("self_connections", False)
    if not isinstance(sc, (bool, np.bool_)):
        raise ParameterError("self_connections", sc, "must be true or false")
    at = to_unit("active_threshold", data.get("active_threshold", 0.0), "Hz")
    if at < 0:
        raise ParameterError("active_threshold", at, "must be >= 0 Hz")
    nr = data.get("neurons")
    if nr is not None:
        try:
            nr = tuple(int(v) for v in (nr if not isinstance(nr, (int, np.integer)) else [nr]))
        except (TypeError, ValueError):
            raise ParameterError("neurons", nr, "must be a list of neuron numbers (from 1)") from None
        N = R.shape[1]
        if not nr or any(not 1 <= v <= N for v in nr) or len(set(nr)) != len(nr):
            raise ParameterError("neurons", list(nr), f"must be distinct neuron numbers in 1..{N}")
    name = str(data.get("name") or default_name(source))
    return GeometryModel(R, X, float(bound), norm, float(tol), bool(sc), float(at), nr, name,
                         str(data.get("summary", "")), str(data.get("reference", "")))


register_family("geometry", from_dict)
