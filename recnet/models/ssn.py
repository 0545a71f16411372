r"""Model family ``ssn``: a stabilized supralinear network of N populations.

.. math::  \tau_a \dot r_a = -r_a + k [u_a]_+^n,\qquad u = W r + h

(Ahmadian, Rubin, Miller 2013, Neural Comput 25:1994).  Fields (PyNN-style units):

``W``
    (N, N) signed weights in mV s (= mV/Hz), ``W[a, b]`` from population b onto a; inline rows or
    a file (``.npy``, ``.npz``, ``.csv``) relative to the model file.
``h``
    (N,) external input in mV (one number: the same for every population).
``k``
    gain in Hz/mV^n (> 0).   ``n``: power (>= 1).
``tau``
    (N,) rate time constants in ms (one number: the same for all).
``cell_types``
    N entries "E" or "I" (default ("E", "I") for N = 2); Dale's law is checked against it.
``populations``
    optional names, N strings.

A file::

    model = "ssn"
    summary = "..."
    reference = "..."
    W = [[3.512, -1.836], [3.352, -1.437]]
    h = [20.0, 20.0]
    k = 0.04
    n = 2
    tau = ["20 ms", "10 ms"]
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from recnet.checks import ParameterError
from recnet.models import default_name, register_family, to_unit
from recnet.models._array_files import base_dir, read_array

__all__ = ["SSNModel", "from_dict", "from_arrays"]

FIELDS = ("W", "h", "k", "n", "tau", "cell_types", "populations")
META = ("model", "name", "summary", "reference")


@dataclass(frozen=True)
class SSNModel:
    """An N-population SSN (plain floats and arrays in mV s, mV, Hz/mV^n, ms)."""

    W: np.ndarray
    h: np.ndarray
    k: float
    n: float
    tau: np.ndarray
    cell_types: tuple
    populations: tuple
    name: str = "user"
    summary: str = ""
    reference: str = ""
    family: str = field(default="ssn", init=False)

    @property
    def N(self):
        return self.W.shape[0]

    def to_dict(self):
        return {"model": "ssn", "name": self.name, "W_mv_s": self.W.tolist(), "h_mv": self.h.tolist(),
                "k": self.k, "n": self.n, "tau_ms": self.tau.tolist(), "cell_types": list(self.cell_types),
                "populations": list(self.populations), "reference": self.reference}

    def replace(self, **fields):
        d = {"W": self.W, "h": self.h, "k": self.k, "n": self.n, "tau": self.tau,
             "cell_types": list(self.cell_types), "populations": list(self.populations),
             "name": self.name, "summary": self.summary, "reference": self.reference}
        d.update(fields)
        return from_dict(d, "<replace>")


def _scalar_or_vector(fname, value, N, unit, base):
    if isinstance(value, (list, tuple)) and any(isinstance(v, str) for v in value):
        vals = [to_unit(f"{fname}[{i}]", v, unit) for i, v in enumerate(value)]
        a = np.array(vals, float)
    elif isinstance(value, str) and not value.strip().lower().endswith((".npy", ".npz", ".csv", ".txt")) \
            and ":" not in value:
        a = np.array([to_unit(fname, value, unit)])
    else:
        a = read_array(fname, value, base, ndim=1)
    if a.size == 1:
        a = np.full(N, float(a[0]))
    if a.shape != (N,):
        raise ParameterError(fname, f"<{a.size} values>", f"must hold 1 or N = {N} values (one per population)")
    return a


def from_dict(data, source="<dict>"):
    """Check every field of an ``ssn`` model (ParameterError naming the field) and build it."""
    data = dict(data)
    unknown = sorted(set(data) - set(FIELDS) - set(META))
    if unknown:
        raise ParameterError(unknown[0], data[unknown[0]] if not hasattr(data[unknown[0]], "shape") else "<array>",
                             f"is not a field of an ssn model: fields are {', '.join(FIELDS)}")
    if "W" not in data:
        raise ParameterError("W", None, "is required: the (N, N) signed weights in mV s")
    base = base_dir(source)
    W = read_array("W", data["W"], base, ndim=2)
    if W.shape[0] != W.shape[1]:
        raise ParameterError("W", f"<array of shape {W.shape}>", "must be square (N, N)")
    N = W.shape[0]
    if N > 400:
        raise ParameterError("W", f"<{N} populations>", "must have at most 400 populations")
    h = _scalar_or_vector("h", data.get("h", 0.0), N, "mV", base)
    k = to_unit("k", data.get("k", 0.04), "")
    if not k > 0:
        raise ParameterError("k", k, "must be > 0 Hz/mV^n")
    n = to_unit("n", data.get("n", 2.0), "")
    if not 1.0 <= n <= 12.0:
        raise ParameterError("n", n, "must lie in [1, 12]")
    tau = _scalar_or_vector("tau", data.get("tau", [20.0] + [10.0] * (N - 1) if N == 2 else 10.0), N, "ms", base)
    for i, t in enumerate(tau):
        if not t > 0:
            raise ParameterError(f"tau[{i}]", float(t), "must be > 0 ms")
    ct = data.get("cell_types")
    if ct is None:
        if N == 2:
            ct = ("E", "I")
        else:  # read off the column signs (Dale's law): a column with a negative entry is inhibitory
            ct = tuple("I" if np.any(W[:, b] < 0) else "E" for b in range(N))
    if isinstance(ct, str):
        ct = [c for c in ct.replace(",", " ").split()] if ("," in ct or " " in ct) else list(ct)
    ct = tuple(str(c).strip().upper() for c in ct)
    if len(ct) != N or any(c not in ("E", "I") for c in ct):
        raise ParameterError("cell_types", list(ct), f"must be N = {N} entries 'E' or 'I'")
    for b, c in enumerate(ct):
        col = W[:, b]
        if c == "E" and np.any(col < 0):
            a = int(np.argmin(col))
            raise ParameterError(f"W[{a}][{b}]", float(col[a]), f"must be >= 0: population {b + 1} is "
                                 "excitatory (Dale's law: E columns >= 0)")
        if c == "I" and np.any(col > 0):
            a = int(np.argmax(col))
            raise ParameterError(f"W[{a}][{b}]", float(col[a]), f"must be <= 0: population {b + 1} is "
                                 "inhibitory (Dale's law: I columns <= 0)")
    pops = data.get("populations")
    if pops is None:
        pops = tuple(f"{c}{sum(1 for x in ct[:i + 1] if x == c)}" for i, c in enumerate(ct)) if N != 2 else ("E", "I")
    pops = tuple(str(p) for p in pops)
    if len(pops) != N:
        raise ParameterError("populations", list(pops), f"must be N = {N} names")
    name = str(data.get("name") or default_name(source))
    return SSNModel(W, h, float(k), float(n), tau, ct, pops, name, str(data.get("summary", "")),
                    str(data.get("reference", "")))


def from_arrays(W, h=0.0, k=0.04, n=2.0, tau=None, cell_types=None, name="user"):
    """An ``ssn`` model from numpy arrays (Python input)."""
    d = {"W": W, "h": h, "k": k, "n": n, "name": name}
    if tau is not None:
        d["tau"] = tau
    if cell_types is not None:
        d["cell_types"] = cell_types
    return from_dict(d)


register_family("ssn", from_dict)
