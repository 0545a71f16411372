"""Graph rules: combinatorial predicates that decide CTLN fixed-point supports from the graph alone.

For a CTLN in the legal range (``recnet.theory.tln.ctln``) the following hold for every choice of
(epsilon, delta, theta) (Curto, Geneson, Morrison 2019, Neural Comput 31:94, "Fixed points of
competitive threshold-linear networks", below CGM19; Morrison, Degeratu, Itskov, Curto 2016):

* **Uniform in-degree.**  If every node of sigma receives exactly d edges from the other nodes of
  sigma, the fixed point on sigma has all entries x_i = theta / (|sigma| + delta(|sigma| - d - 1)
  - epsilon d), and sigma is a fixed-point support iff every k outside sigma receives at most d
  edges from sigma.  (Derivation: the input to k is theta - x (d_k (1 - epsilon) + (|sigma| - d_k)
  (1 + delta)), negative iff d_k < d + delta/(epsilon + delta); the last term lies in (0, 1).)
* **Independent sets and sinks** (d = 0): an independent set is a support iff each of its nodes is
  a sink of G; in particular {i} is a support iff i is a sink.
* **Cliques** (d = |sigma| - 1): a clique is a support iff it is target-free (no k outside sigma
  receives an edge from every node of sigma); such fixed points are stable.
* **Cycles** (d = 1): a sigma whose induced subgraph is a directed cycle is a support iff no k
  outside receives two or more edges from sigma.
* **Graphical domination.**  k dominates j with respect to sigma (j != k) if
  (i) every i in sigma \\ {j, k} with i -> j also has i -> k, (ii) j -> k when j is in sigma, and
  (iii) k -/-> j when k is in sigma.  Then (a) if j, k are both in sigma, sigma is not a support;
  (b) if j is in sigma and k is not, sigma is not a support; (c) if k is in sigma and j is not,
  adding j does not destroy sigma: sigma in FP(G|sigma) implies sigma in FP(G|sigma+j).
  (CGM19, Theorem on graphical domination.)

Every predicate takes a boolean adjacency matrix ``adj`` (``adj[i, j]`` = i -> j) or its bitmask
form ``graph(adj)`` (faster when many supports of one graph are tested) and a support as an
iterable of 0-based nodes, and is tested against the exhaustive enumeration on every directed
graph with up to 5 nodes (tests/test_tln_graph_rules.py).
"""
from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

import numpy as np

from recnet.theory.tln.fixed_points import mask_to_support
from recnet import checks

__all__ = ["Graph", "graph", "in_degrees_within", "is_independent", "sinks", "is_clique", "is_target_free",
           "uniform_in_degree", "is_cycle", "dominations", "rule_independent_set", "rule_clique",
           "rule_cycle", "rule_uniform_in_degree", "rule_domination", "domination_survives",
           "decide", "RULES", "bidirectional_graph", "target_free_cliques", "induced_cycles"]


class Graph(NamedTuple):
    """A directed graph as bitmasks: ``out[i]`` has bit j set iff i -> j, ``inn[j]`` bit i iff i -> j."""

    n: int
    out: tuple
    inn: tuple


def graph(adj):
    """Bitmask form of a boolean adjacency matrix (``adj[i, j]`` = i -> j) or a networkx DiGraph
    (nodes in sorted order, numbered from 0); a Graph passes through."""
    if isinstance(adj, Graph):
        return adj
    if type(adj).__module__.startswith("networkx"):
        from recnet.theory.tln.ctln import from_networkx
        adj = from_networkx(adj)
    a = np.asarray(adj, bool)
    if a.ndim != 2 or a.shape[0] != a.shape[1]:
        raise checks.ParameterError("adjacency", a.shape, "a square matrix",
                                    f"adjacency has shape {a.shape}: must be a square matrix")
    n = a.shape[0]
    w = [1 << i for i in range(n)]
    out = tuple(sum(w[j] for j in range(n) if a[i, j] and i != j) for i in range(n))
    inn = tuple(sum(w[i] for i in range(n) if a[i, j] and i != j) for j in range(n))
    return Graph(n, out, inn)


def _mask(sigma):
    m = 0
    for i in sigma:
        m |= 1 << int(i)
    return m


# the neurons of a bitmask, cached: graph rules ask for the same few supports many times
_members = lru_cache(maxsize=1 << 16)(mask_to_support)


def _pop(m):
    return bin(m).count("1")


def in_degrees_within(adj, sigma):
    """For each node of sigma (sorted), the number of edges it receives from the other nodes of sigma."""
    g, m = graph(adj), _mask(sigma)
    return [_pop(g.inn[j] & m) for j in _members(m)]


def is_independent(adj, sigma):
    """No edge between any two nodes of sigma."""
    g, m = graph(adj), _mask(sigma)
    return all(not (g.out[i] & m) for i in _members(m))


def sinks(adj):
    """Nodes with no outgoing edge (0-based)."""
    g = graph(adj)
    return tuple(i for i in range(g.n) if not g.out[i])


def is_clique(adj, sigma):
    """Every ordered pair of distinct nodes in sigma is an edge (bidirectional clique)."""
    g, m = graph(adj), _mask(sigma)
    return all((g.out[i] | (1 << i)) & m == m for i in _members(m))


def _receivers(g, m):
    """For every node k outside m, the number of edges it receives from m."""
    return [(k, _pop(g.inn[k] & m)) for k in range(g.n) if not (m >> k) & 1]


def is_target_free(adj, sigma):
    """No node outside sigma receives an edge from every node of sigma."""
    g, m = graph(adj), _mask(sigma)
    if not m:
        return True
    return all(g.inn[k] & m != m for k in range(g.n) if not (m >> k) & 1)


def uniform_in_degree(adj, sigma):
    """The common in-degree d within sigma if all nodes of sigma have the same one, else None."""
    d = in_degrees_within(adj, sigma)
    if not d:
        return None
    return d[0] if all(v == d[0] for v in d) else None


def is_cycle(adj, sigma):
    """The subgraph induced by sigma (|sigma| >= 3) is a single directed cycle through all its nodes."""
    g, m = graph(adj), _mask(sigma)
    nodes = _members(m)
    if len(nodes) < 3:
        return False
    if any(_pop(g.out[i] & m) != 1 or _pop(g.inn[i] & m) != 1 for i in nodes):
        return False
    seen, v = {nodes[0]}, (g.out[nodes[0]] & m).bit_length() - 1
    while v not in seen:
        seen.add(v)
        v = (g.out[v] & m).bit_length() - 1
    return len(seen) == len(nodes)


def dominations(adj, sigma):
    """All pairs (k, j) such that k graphically dominates j with respect to sigma (0-based)."""
    g, m = graph(adj), _mask(sigma)
    return [(k, j) for j in range(g.n) for k in range(g.n)
            if j != k and ((m >> j) & 1 or (m >> k) & 1) and _dominates(g, m, k, j)]


# -------------------------------------------------------------- rules: True / False / None
def rule_independent_set(adj, sigma):
    """Independent nonempty sigma: support iff every node is a sink; None if sigma is not independent."""
    g, m = graph(adj), _mask(sigma)
    if not m or not is_independent(g, sigma):
        return None
    return all(not g.out[i] for i in _members(m))


def rule_clique(adj, sigma):
    """Clique sigma: support iff target-free; None if sigma is not a clique."""
    g, m = graph(adj), _mask(sigma)
    if not m or not is_clique(g, sigma):
        return None
    return is_target_free(g, sigma)


def rule_cycle(adj, sigma):
    """Induced cycle sigma: support iff no outside node receives >= 2 edges from sigma; else None."""
    g, m = graph(adj), _mask(sigma)
    if not is_cycle(g, sigma):
        return None
    return all(c <= 1 for _, c in _receivers(g, m))


def rule_uniform_in_degree(adj, sigma):
    """Uniform in-degree d: support iff every outside node receives <= d edges from sigma; else None."""
    g, m = graph(adj), _mask(sigma)
    d = uniform_in_degree(g, sigma)
    if d is None:
        return None
    return all(c <= d for _, c in _receivers(g, m))


def rule_domination(adj, sigma):
    """False if some k dominates some j in sigma w.r.t. sigma (cases a and b), else None."""
    g, m = graph(adj), _mask(sigma)
    for j in _members(m):
        for k in range(g.n):
            if k != j and _dominates(g, m, k, j):
                return False
    return None


def _dominates(g, m, k, j):
    """k dominates j with respect to the support bitmask m (definition in the module docstring)."""
    if g.inn[j] & m & ~(1 << j) & ~(1 << k) & ~g.inn[k]:
        return False
    if (m >> j) & 1 and not (g.out[j] >> k) & 1:
        return False
    if (m >> k) & 1 and (g.out[k] >> j) & 1:
        return False
    return True


def domination_survives(adj, sigma, j):
    """Case (c): True if some k in sigma dominates j (outside sigma) w.r.t. sigma, so that
    sigma in FP(G|sigma) implies sigma in FP(G|sigma + j); None otherwise."""
    g, m = graph(adj), _mask(sigma)
    if (m >> j) & 1:
        raise checks.ParameterError("j", j, "a neuron outside sigma",
                                    f"j = {j} must lie outside sigma = {sorted(_members(m))}")
    return True if any(_dominates(g, m, k, j) for k in _members(m)) else None


RULES = {
    "independent_set": rule_independent_set,
    "clique": rule_clique,
    "cycle": rule_cycle,
    "uniform_in_degree": rule_uniform_in_degree,
    "domination": rule_domination,
}


def decide(adj, sigma):
    """Apply every rule; return (verdict, rule name) for the first rule that decides, or (None, None).

    The empty set is never a CTLN support (theta > 0).
    """
    g = graph(adj)
    if not _mask(sigma):
        return False, "empty"
    for name, rule in RULES.items():
        v = rule(g, sigma)
        if v is not None:
            return bool(v), name
    return None, None


# -------------------------------------------------------------- whole-graph queries (networkx)
def _adj(adj):
    from recnet.theory.tln.ctln import adjacency
    if isinstance(adj, Graph):
        return np.array([[(adj.out[i] >> j) & 1 for j in range(adj.n)] for i in range(adj.n)], bool)
    return adjacency(adj)


def bidirectional_graph(adj):
    """The undirected networkx Graph whose edges are the bidirectional edges i <-> j of G."""
    import networkx as nx

    a = _adj(adj)
    g = nx.Graph()
    g.add_nodes_from(range(a.shape[0]))
    g.add_edges_from((int(i), int(j)) for i, j in zip(*np.nonzero(a & a.T)) if i < j)
    return g


def target_free_cliques(adj):
    """All target-free cliques of G (sorted by size, then nodes; 0-based tuples).

    Cliques of the directed graph are the cliques of its bidirectional graph; they are listed with
    networkx ``enumerate_all_cliques`` and kept when no outside node receives an edge from every
    member.  By CGM19 each is a stable fixed-point support of the CTLN, and for graphs of up to
    4 nodes (Curto, Geneson, Morrison, 'Stable fixed points of CTLNs') these are all of them.
    """
    import networkx as nx

    g = graph(adj)
    cl = [tuple(sorted(c)) for c in nx.enumerate_all_cliques(bidirectional_graph(adj))]
    return sorted((c for c in cl if is_target_free(g, c)), key=lambda c: (len(c), c))


def induced_cycles(adj):
    """Node sets (sorted 0-based tuples, |sigma| >= 3) whose induced subgraph is a directed cycle
    (networkx ``simple_cycles``, kept when :func:`is_cycle` holds for the induced subgraph)."""
    import networkx as nx

    from recnet.theory.tln.ctln import to_networkx

    g = graph(adj)
    out = {tuple(sorted(c)) for c in nx.simple_cycles(to_networkx(_adj(adj))) if len(c) >= 3}
    return sorted((c for c in out if is_cycle(g, c)), key=lambda c: (len(c), c))
