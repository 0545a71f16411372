r"""Model family ``tln``: a threshold-linear network :math:`\dot x = -x + [W x + b]_+`.

Either explicit weights, or a combinatorial TLN (CTLN) built from a directed graph:

``W`` and ``b``
    (N, N) weights (``W[i][j]`` from j onto i; inline rows or a ``.csv``/``.npy``/``.npz`` file
    relative to the model file) and the inputs b (one number or N numbers).
``graph``, ``epsilon``, ``delta``, ``theta``
    a simple directed graph (an edge list string "1>2,2>3,3>1" with nodes from 1, a 0/1 adjacency
    matrix with rows = sources, a GraphML/GML or edge-list file, or a networkx (Di)Graph) and the
    CTLN parameters: W_ij = -1 + epsilon for an edge j -> i, -1 - delta otherwise, W_ii = 0, b = theta
    (Curto, Geneson, Morrison 2019, Neural Comput 31:94); legal range delta > 0, theta > 0,
    0 < epsilon < delta / (delta + 1).  ``n`` fixes the number of nodes (isolated nodes included).
    ``b`` may replace theta (then the graph rules, which assume b = theta 1, are not applied unless
    b is uniform).

Dimensionless weights, inputs in rate units.  At most ``MAX_N`` = 26 neurons (every one of the
2^N supports is enumerated).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from recnet.checks import ParameterError
from recnet.models import default_name, register_family, to_unit
from recnet.models._array_files import base_dir, read_array

__all__ = ["TLNModel", "from_dict", "MAX_N"]

FIELDS = ("W", "b", "graph", "n", "epsilon", "delta", "theta")
META = ("model", "name", "summary", "reference")
MAX_N = 26


@dataclass(frozen=True)
class TLNModel:
    W: np.ndarray
    b: np.ndarray
    adjacency: np.ndarray | None      # the CTLN graph (bool, adj[i, j] = i -> j) or None
    epsilon: float | None
    delta: float | None
    theta: float | None
    name: str = "user"
    summary: str = ""
    reference: str = ""
    family: str = field(default="tln", init=False)

    @property
    def N(self):
        return self.W.shape[0]

    @property
    def is_ctln(self):
        return self.adjacency is not None

    def to_dict(self):
        d = {"model": "tln", "name": self.name, "n": self.N}
        if self.is_ctln:
            from recnet.theory.tln import ctln as ctln
            d.update(graph=ctln.graph_to_string(self.adjacency) or "empty", epsilon=self.epsilon,
                     delta=self.delta, theta=self.theta)
        d.update(W=self.W.tolist(), b=self.b.tolist())
        return d

    def replace(self, **fields):
        d = {"name": self.name, "summary": self.summary, "reference": self.reference}
        if self.is_ctln and not ({"W"} & set(fields)):
            d.update(graph=self.adjacency, epsilon=self.epsilon, delta=self.delta, theta=self.theta)
            if not np.allclose(self.b, self.theta):
                d["b"] = self.b
        else:
            d.update(W=self.W, b=self.b)
        d.update(fields)
        return from_dict(d, "<replace>")


def _graph(value, n):
    from recnet.theory.tln import ctln as ctln
    try:
        if isinstance(value, str) and value.strip().lower() == "empty":
            if not n:
                raise ParameterError("n", n, "must be >= 1 with graph = 'empty' (the number of nodes)")
            return np.zeros((n, n), bool)
        if isinstance(value, (list, tuple, np.ndarray)):
            return ctln.adjacency(np.asarray(value), n or None)
        return ctln.parse_graph(value, n or None, max_nodes=MAX_N)
    except ParameterError:
        raise
    except (ValueError, TypeError) as exc:
        raise ParameterError("graph", value if isinstance(value, str) else "<graph>", str(exc)) from None


def from_dict(data, source="<dict>"):
    """Check every field of a ``tln`` model (ParameterError naming the field) and build it."""
    from recnet.theory.tln import ctln as ctln
    data = dict(data)
    unknown = sorted(set(data) - set(FIELDS) - set(META))
    if unknown:
        raise ParameterError(unknown[0], "<value>", f"is not a field of a tln model: fields are {', '.join(FIELDS)}")
    base = base_dir(source)
    has_w, has_g = data.get("W") is not None, data.get("graph") is not None
    if has_w == has_g:
        raise ParameterError("W" if has_w else "graph", "<both>" if has_w else None,
                             "give either W (with b) or graph (with epsilon, delta, theta)")
    n = data.get("n") or 0
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not 0 <= n <= MAX_N:
        raise ParameterError("n", n, f"must be an integer in 0..{MAX_N} (0: from the graph)")
    name = str(data.get("name") or default_name(source))
    meta = (name, str(data.get("summary", "")), str(data.get("reference", "")))
    if has_w:
        for f in ("epsilon", "delta", "theta"):
            if data.get(f) is not None:
                raise ParameterError(f, data[f], "is a CTLN parameter: it needs graph, not W")
        W = read_array("W", data["W"], base, ndim=2)
        if W.shape[0] != W.shape[1]:
            raise ParameterError("W", f"<array of shape {W.shape}>", "must be square (N, N)")
        N = W.shape[0]
        if N > MAX_N:
            raise ParameterError("W", f"<{N} x {N}>",
                                 f"must have at most {MAX_N} neurons (2^N supports are enumerated)")
        if n and n != N:
            raise ParameterError("n", n, f"must equal the size of W ({N})")
        if data.get("b") is None:
            raise ParameterError("b", None, "is required with W: one number or N numbers")
        b = _b(data["b"], N, base)
        return TLNModel(W, b, None, None, None, None, *meta)
    try:
        eps, dlt, th = ctln.check_parameters(to_unit("epsilon", data.get("epsilon", 0.25), ""),
                                             to_unit("delta", data.get("delta", 0.5), ""),
                                             to_unit("theta", data.get("theta", 1.0), ""))
    except ParameterError:
        raise
    adj = _graph(data["graph"], n)
    N = adj.shape[0]
    W = ctln.ctln_weights(adj, eps, dlt)
    b = np.full(N, th) if data.get("b") is None else _b(data["b"], N, base)
    return TLNModel(W, b, adj, eps, dlt, th, *meta)


def _b(value, N, base):
    if isinstance(value, str) and not value.lower().endswith((".npy", ".npz", ".csv", ".txt")):
        try:
            vals = [float(v) for v in value.replace(" ", "").split(",") if v != ""]
        except ValueError:
            raise ParameterError("b", value, "must be a number or N comma-separated numbers") from None
        b = np.array(vals, float)
    else:
        b = read_array("b", value, base, ndim=1)
    if b.size == 1:
        b = np.full(N, float(b[0]))
    if b.shape != (N,):
        raise ParameterError("b", f"<{b.size} values>", f"must be one number or N = {N} numbers")
    if not np.all(np.isfinite(b)):
        raise ParameterError("b", "<array>", "must be finite")
    return b


register_family("tln", from_dict)
