"""Graph rules: combinatorial predicates that decide CTLN fixed-point supports from the graph alone.

For a CTLN in the legal range (``recnet.theory.ctln``) the following hold for every choice of
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

Every predicate takes a boolean adjacency matrix ``adj`` (``adj[i, j]`` = i -> j) and a support as
an iterable of 0-based nodes, and is tested against the exhaustive enumeration on every directed
graph with up to 5 nodes (tests/test_tln_graph_rules.py).
"""
from __future__ import annotations

import numpy as np

__all__ = ["in_degrees_within", "is_independent", "sinks", "is_clique", "is_target_free",
           "uniform_in_degree", "is_cycle", "dominations", "rule_independent_set", "rule_clique",
           "rule_cycle", "rule_uniform_in_degree", "rule_domination", "domination_survives",
           "decide", "RULES"]


def _sig(sigma):
    return tuple(sorted(int(i) for i in sigma))


def in_degrees_within(adj, sigma):
    """For each node of sigma, the number of edges it receives from the other nodes of sigma."""
    s = list(_sig(sigma))
    return adj[np.ix_(s, s)].sum(axis=0)


def is_independent(adj, sigma):
    """No edge between any two nodes of sigma."""
    s = list(_sig(sigma))
    return not adj[np.ix_(s, s)].any()


def sinks(adj):
    """Nodes with no outgoing edge (0-based)."""
    return tuple(int(i) for i in np.flatnonzero(~adj.any(axis=1)))


def is_clique(adj, sigma):
    """Every ordered pair of distinct nodes in sigma is an edge (bidirectional clique)."""
    s = list(_sig(sigma))
    sub = adj[np.ix_(s, s)]
    return bool((sub | np.eye(len(s), dtype=bool)).all())


def is_target_free(adj, sigma):
    """No node outside sigma receives an edge from every node of sigma."""
    s = _sig(sigma)
    out = [k for k in range(adj.shape[0]) if k not in s]
    return not any(adj[list(s), k].all() for k in out) if s else True


def uniform_in_degree(adj, sigma):
    """The common in-degree d within sigma if all nodes of sigma have the same one, else None."""
    s = _sig(sigma)
    if not s:
        return None
    d = in_degrees_within(adj, s)
    return int(d[0]) if (d == d[0]).all() else None


def is_cycle(adj, sigma):
    """The subgraph induced by sigma (|sigma| >= 3) is a single directed cycle through all its nodes."""
    s = list(_sig(sigma))
    if len(s) < 3:
        return False
    sub = adj[np.ix_(s, s)]
    if not ((sub.sum(axis=0) == 1).all() and (sub.sum(axis=1) == 1).all()):
        return False
    # one cycle: follow successors from node 0
    seen, v = {0}, int(np.flatnonzero(sub[0])[0])
    while v not in seen:
        seen.add(v)
        v = int(np.flatnonzero(sub[v])[0])
    return len(seen) == len(s)


def dominations(adj, sigma):
    """All pairs (k, j) such that k graphically dominates j with respect to sigma (0-based)."""
    s = set(_sig(sigma))
    n = adj.shape[0]
    out = []
    for j in range(n):
        for k in range(n):
            if j == k or (j not in s and k not in s):
                continue
            if any(adj[i, j] and not adj[i, k] for i in s if i != j and i != k):
                continue
            if j in s and not adj[j, k]:
                continue
            if k in s and adj[k, j]:
                continue
            out.append((k, j))
    return out


# -------------------------------------------------------------- rules: True / False / None
def rule_independent_set(adj, sigma):
    """Independent nonempty sigma: support iff every node is a sink; None if sigma is not independent."""
    s = _sig(sigma)
    if not s or not is_independent(adj, s):
        return None
    return all(not adj[i].any() for i in s)


def rule_clique(adj, sigma):
    """Clique sigma: support iff target-free; None if sigma is not a clique."""
    s = _sig(sigma)
    if not s or not is_clique(adj, s):
        return None
    return is_target_free(adj, s)


def rule_cycle(adj, sigma):
    """Induced cycle sigma: support iff no outside node receives >= 2 edges from sigma; else None."""
    s = _sig(sigma)
    if not is_cycle(adj, s):
        return None
    out = [k for k in range(adj.shape[0]) if k not in s]
    return all(adj[list(s), k].sum() <= 1 for k in out)


def rule_uniform_in_degree(adj, sigma):
    """Uniform in-degree d: support iff every outside node receives <= d edges from sigma; else None."""
    s = _sig(sigma)
    d = uniform_in_degree(adj, s)
    if d is None:
        return None
    out = [k for k in range(adj.shape[0]) if k not in s]
    return all(adj[list(s), k].sum() <= d for k in out)


def rule_domination(adj, sigma):
    """False if some k dominates some j in sigma w.r.t. sigma (cases a and b), else None."""
    s = set(_sig(sigma))
    for k, j in dominations(adj, s):
        if j in s:
            return False
    return None


def domination_survives(adj, sigma, j):
    """Case (c): True if some k in sigma dominates j (outside sigma) w.r.t. sigma, so that
    sigma in FP(G|sigma) implies sigma in FP(G|sigma + j); None otherwise."""
    s = set(_sig(sigma))
    if j in s:
        raise ValueError(f"j = {j} must lie outside sigma = {sorted(s)}")
    return True if any(jj == j and k in s for k, jj in dominations(adj, s)) else None


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
    s = _sig(sigma)
    if not s:
        return False, "empty"
    for name, rule in RULES.items():
        v = rule(adj, s)
        if v is not None:
            return bool(v), name
    return None, None
