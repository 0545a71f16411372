"""Combinatorial threshold-linear networks (CTLNs): the TLN of a directed graph.

Given a simple directed graph G on N nodes and parameters (epsilon, delta, theta), the CTLN is the
TLN dx/dt = -x + [W x + theta 1]_+ with

    W_ij = 0               if i = j,
    W_ij = -1 + epsilon    if j -> i in G,                                         (1)
    W_ij = -1 - delta      if j -/-> i,

(Morrison, Degeratu, Itskov, Curto 2016, "Diversity of emergent dynamics in competitive
threshold-linear networks", arXiv:1605.04463; Curto, Geneson, Morrison 2019, Neural Comput 31:94).
The *legal range* is

    delta > 0,   theta > 0,   0 < epsilon < delta / (delta + 1),                   (2)

under which the network is competitive (W <= 0 off the diagonal), every edge is weakly inhibitory
(-1 < W_ij < 0) and every non-edge strongly inhibitory (W_ij < -1), and the graph rules of
``recnet.theory.tln.graph_rules`` hold.  The standard parameters are (0.25, 0.5, 1).

Graphs are boolean adjacency matrices with ``adj[i, j] = True`` iff i -> j (row = source), nodes
numbered from 0 inside Python; the command line and the JSON number them from 1, as the papers.
"""
from __future__ import annotations

import os
from fractions import Fraction

import numpy as np
import sympy as sp

from recnet import checks

__all__ = ["check_parameters", "ctln_weights", "ctln_weights_exact", "parse_graph", "graph_to_string",
           "adjacency", "equations", "uniform_in_degree_fixed_point", "to_networkx", "from_networkx"]


def check_parameters(epsilon, delta, theta=1.0):
    """Check the legal range (2): delta > 0, theta > 0, 0 < epsilon < delta/(delta+1).

    Returns the three values as floats; raises ``ValueError`` naming the parameter otherwise.
    """
    delta = checks.positive("delta", delta)
    theta = checks.positive("theta", theta)
    epsilon = checks.in_range("epsilon", epsilon, 0.0, delta / (delta + 1.0),
                              low_inclusive=False, high_inclusive=False)
    return epsilon, delta, theta


def _is_networkx(g):
    return type(g).__module__.startswith("networkx")


def from_networkx(g):
    """Adjacency matrix of a networkx (Di)Graph.

    Nodes are taken in sorted order when they are sortable (numerically for digit-string labels
    read from files; else in insertion order) and numbered from 0; an undirected ``Graph`` gives both directions of every edge.  Self-loops are refused
    (a CTLN graph is simple).
    """
    import networkx as nx

    if not isinstance(g, (nx.Graph, nx.DiGraph)) or g.is_multigraph():
        raise checks.ParameterTypeError("graph", type(g).__name__, "a networkx Graph or DiGraph (not a multigraph)",
                                        f"graph must be a networkx Graph or DiGraph (not a multigraph), got {type(g).__name__}")
    nodes = list(g.nodes)
    try:
        if all(isinstance(v, str) and v.strip().lstrip("-").isdigit() for v in nodes):
            nodes = sorted(nodes, key=int)  # labels read from files ('1', '2', ..., '10')
        else:
            nodes = sorted(nodes)
    except TypeError:
        pass
    loops = list(nx.nodes_with_selfloops(g))
    if loops:
        raise checks.ParameterError("graph", loops, "a simple graph (no self-loops)",
                                    f"graph has self-loops at nodes {loops}: a CTLN graph is simple")
    return nx.to_numpy_array(g, nodelist=nodes, weight=None, dtype=float).astype(bool)


def to_networkx(adj):
    """The graph as a ``networkx.DiGraph`` on nodes 0..N-1 (edge i -> j iff ``adj[i, j]``)."""
    import networkx as nx

    a = adjacency(adj)
    g = nx.DiGraph()
    g.add_nodes_from(range(a.shape[0]))
    g.add_edges_from(zip(*(v.tolist() for v in np.nonzero(a))))
    return g


def adjacency(adj, n=None):
    """Validate an adjacency matrix (square, 0/1, zero diagonal) and return it as bool.

    ``adj`` may also be a networkx ``DiGraph`` (or ``Graph``: both directions), see :func:`from_networkx`.
    """
    if _is_networkx(adj):
        adj = from_networkx(adj)
    a = np.asarray(adj)
    if a.ndim != 2 or a.shape[0] != a.shape[1]:
        raise checks.ParameterError("adjacency", a.shape, "a square matrix",
                                    f"adjacency has shape {a.shape}: must be a square matrix")
    if n is not None and a.shape[0] != n:
        raise checks.ParameterError("adjacency", a.shape, f"shape ({n}, {n})",
                                    f"adjacency has shape {a.shape}: must be ({n}, {n})")
    if a.dtype != bool and not ((a == 0) | (a == 1)).all():
        raise checks.ParameterError("adjacency", np.unique(a).tolist()[:8], "entries 0/1 (or booleans)",
                                    "adjacency must hold only 0/1 (or booleans)")
    a = a.astype(bool)
    if a.diagonal().any():
        raise checks.ParameterError("adjacency", list(np.flatnonzero(a.diagonal()) + 1), "no self-loops (a CTLN graph is simple)",
                                    f"adjacency has self-loops at nodes {list(np.flatnonzero(a.diagonal()) + 1)} "
                                    "(numbered from 1): a CTLN graph is simple")
    return a


def ctln_weights(adj, epsilon=0.25, delta=0.5):
    """The CTLN weight matrix (1) of a graph; ``adj[i, j]`` = i -> j.  Parameters checked (2)."""
    epsilon, delta, _ = check_parameters(epsilon, delta, 1.0)
    a = adjacency(adj)
    W = np.where(a.T, -1.0 + epsilon, -1.0 - delta)
    np.fill_diagonal(W, 0.0)
    return W


def ctln_weights_exact(adj, epsilon="1/4", delta="1/2"):
    """The CTLN matrix (1) in exact rationals; epsilon, delta as strings ('0.25', '1/4') or Fractions."""
    e, d = Fraction(str(epsilon)), Fraction(str(delta))
    check_parameters(float(e), float(d), 1.0)
    a = adjacency(adj)
    n = a.shape[0]
    return [[Fraction(0) if i == j else (-1 + e if a[j, i] else -1 - d) for j in range(n)] for i in range(n)]


def parse_graph(spec, n=None, max_nodes=None):
    """Parse a graph: an edge list ``"1>2,2>3,3>1"`` (nodes from 1; ``1<>2`` for both directions),
    or a file holding such a list (commas or new lines) or a 0/1 adjacency matrix (rows = sources),
    or a GraphML / GML file (``.graphml``, ``.gml``, read with networkx; nodes in sorted order),
    or a networkx (Di)Graph.

    ``n`` fixes the number of nodes (default: the largest node named).  ``max_nodes`` refuses
    larger graphs before the adjacency matrix is allocated.  Returns a bool matrix.
    """
    if _is_networkx(spec):
        return adjacency(spec, n)
    if not isinstance(spec, str):
        raise checks.ParameterTypeError("graph", type(spec).__name__, "a string or a networkx DiGraph",
                                        f"graph must be a string or a networkx DiGraph, got {type(spec).__name__}")
    text = spec
    if os.path.isfile(spec) and spec.lower().endswith((".graphml", ".gml")):
        import networkx as nx

        reader = nx.read_graphml if spec.lower().endswith(".graphml") else nx.read_gml
        try:
            g = reader(spec)
        except Exception as exc:  # networkx raises several parser-specific errors
            raise checks.ParameterError("graph", spec, "a readable graph file",
                                        f"graph file {spec!r} cannot be read: {exc}") from None
        return adjacency(g, n)
    if os.path.isfile(spec):
        with open(spec) as fh:
            text = fh.read()
        rows = [r.split() if "," not in r else r.split(",") for r in text.strip().splitlines() if r.strip()]
        if rows and all(all(t.strip() in ("0", "1") for t in r) for r in rows) and len(rows) == len(rows[0]) \
                and all(len(r) == len(rows) for r in rows):
            return adjacency(np.array([[int(t) for t in r] for r in rows]), n)
    edges = []
    for tok in text.replace("\n", ",").replace(";", ",").split(","):
        tok = tok.strip()
        if not tok:
            continue
        both = "<>" in tok
        parts = tok.split("<>") if both else tok.split(">")
        if len(parts) != 2:
            raise checks.ParameterError("graph", tok, "edges i>j or i<>j with nodes from 1",
                                        f"graph edge {tok!r} is invalid: write edges as 'i>j' or 'i<>j' with nodes from 1")
        try:
            i, j = int(parts[0]), int(parts[1])
        except ValueError:
            raise checks.ParameterError("graph", tok, "edges i>j or i<>j with integer nodes from 1",
                                        f"graph edge {tok!r} is invalid: nodes must be integers from 1") from None
        if i < 1 or j < 1:
            raise checks.ParameterError("graph", tok, "nodes numbered from 1",
                                        f"graph edge {tok!r} is invalid: nodes are numbered from 1")
        if i == j:
            raise checks.ParameterError("graph", tok, "no self-loops",
                                        f"graph edge {tok!r} is invalid: self-loops are not allowed")
        edges.append((i - 1, j - 1))
        if both:
            edges.append((j - 1, i - 1))
    m = max((max(e) for e in edges), default=-1) + 1
    if max_nodes is not None and max(m, n or 0) > max_nodes:
        raise checks.ParameterError("graph", max(m, n or 0), f"at most {max_nodes} nodes",
                                    f"graph names node {max(m, n or 0)}: at most {max_nodes} nodes (every one of the 2^N "
                                    "supports is enumerated)")
    if n is None:
        n = m
    n = checks.integer("n", n, minimum=1)
    if m > n:
        raise checks.ParameterError("n", n, f">= {m}, the largest node the graph names",
                                    f"graph names node {m} but n = {n}")
    a = np.zeros((n, n), bool)
    for i, j in edges:
        a[i, j] = True
    return a


def graph_to_string(adj):
    """Edge list with nodes from 1, e.g. '1>2,2>3,3>1'."""
    a = adjacency(adj)
    return ",".join(f"{i + 1}>{j + 1}" for i, j in zip(*np.nonzero(a)))


def uniform_in_degree_fixed_point(size, in_degree, epsilon, delta, theta):
    """Closed form of the fixed point of a support of uniform in-degree d (all entries equal):

        x_i = theta / (|sigma| + delta (|sigma| - d - 1) - epsilon d)

    (each row of I - W_sigma sums to |sigma| - epsilon d + delta (|sigma| - 1 - d)).  Works on
    floats, Fractions or sympy symbols.
    """
    s, d = size, in_degree
    return theta / (s + delta * (s - d - 1) - epsilon * d)


def equations():
    """The CTLN definition (1), legal range (2) and the uniform in-degree closed form, in sympy."""
    eps, dlt, th = sp.symbols("epsilon delta theta", positive=True)
    s, d, dk = sp.symbols("|sigma| d d_k", integer=True, nonnegative=True)
    edge = sp.Symbol("j->i")
    W_ij = sp.Piecewise((0, sp.Symbol("i=j")), (-1 + eps, edge), (-1 - dlt, True))
    x = uniform_in_degree_fixed_point(s, d, eps, dlt, th)
    # off-support input to k with d_k in-edges from sigma, divided by theta and the row sum: < 0 iff d_k <= d
    off = sp.simplify(th - x * (dk * (1 - eps) + (s - dk) * (1 + dlt)))
    return {
        "ctln_weight_W_ij": sp.Eq(sp.Symbol("W_ij"), W_ij),
        "legal_range": sp.And(dlt > 0, th > 0, eps > 0, eps < dlt / (dlt + 1)),
        "uniform_in_degree_fixed_point": sp.Eq(sp.Symbol("x_i"), x),
        "uniform_in_degree_off_support_input": sp.Eq(sp.Symbol("u_k"), off),
    }
