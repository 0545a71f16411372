"""Dale networks: TLNs whose neurons are excitatory or inhibitory, and their combinatorial codes.

A TLN dx/dt = -x + [W x + b]_+ obeys Dale's law when every column of W (the outgoing weights of a
neuron j, ``W[:, j]``) has one sign: excitatory (>= 0) or inhibitory (<= 0).  Its signed graph has
an edge j -> i of type E or I when W_ij != 0.

Milicevic & Itskov 2024 (SIAM J Appl Math 84:2522, "The combinatorial code and the graph rules of
Dale networks") characterise the *combinatorial code* of a Dale network, the supports of its
steady states over all inputs, by (i) a condition on the connectivity graph and (ii) a spectral
condition on W; in weak coupling the code depends on the graph only (and is a sublattice for
excitatory networks), in strong coupling a generic network's code is intersection-complete.

What this module computes (stated in our own terms; the paper's text was not available to us, so
the two conditions below are our derivation of the same kind of characterisation, and the tests
check them against a direct computation rather than against the paper):

* ``code_over_inputs(W, inputs, stable)``: sigma is a codeword iff some input b of the class
  (``"positive"``: b > 0; ``"nonnegative"``: b >= 0) gives a fixed point with support sigma,
  decided *exactly as a linear feasibility problem*: exists x_sigma >= 1, b in the class with
  b_sigma = (I - W_sigma) x_sigma and b_k + W_{k,sigma} x_sigma <= 0 for k outside (the set is a
  cone, so x_sigma >= 1 is x_sigma > 0 up to scale); with ``stable=True`` the fixed point must also
  be stable: every eigenvalue of -I + W_sigma has negative real part (the spectral condition).
* ``graph_code(W, inputs)``, the graph condition: for positive inputs, every k outside sigma
  receives an inhibitory edge from sigma; for nonnegative inputs, every k outside sigma receives
  an inhibitory edge from sigma or no excitatory edge from sigma.
* Weak coupling, ``||W||_inf = max_i sum_j |W_ij| < 1``: then every principal submatrix of W has
  spectral radius < 1 (stability holds) and every excitatory row sum is < 1, and the code over
  inputs *equals* the graph code (proof sketch: give the inhibitory neurons of sigma a large
  activity M and the excitatory ones 1; b_sigma = (I - W_sigma) x_sigma > 0 since excitatory row
  sums are < 1, and any outside neuron with an inhibitory edge from sigma is silenced for large M;
  conversely an outside neuron with excitatory but no inhibitory input from sigma cannot be silent
  under b_k >= 0, nor any neuron without inhibitory input under b_k > 0).  The graph code is
  closed under unions; for purely excitatory networks with nonnegative inputs it is the lattice
  of forward-closed sets (closed under unions and intersections, a sublattice).
"""
from __future__ import annotations

from itertools import combinations

import numpy as np

from recnet import checks

__all__ = ["neuron_types", "is_dale", "random_dale", "weak_coupling", "graph_code", "code_over_inputs",
           "is_union_closed", "is_intersection_closed"]


def neuron_types(W, tol=0.0):
    """'E' or 'I' for each column of W (outgoing weights, diagonal ignored); ValueError if a column
    has both signs (Dale's law violated).  A column of zeros counts as 'E'."""
    W = checks.square_matrix("W", W)
    off = W - np.diag(np.diag(W))
    types = []
    for j in range(W.shape[0]):
        col = off[:, j]
        if (col > tol).any() and (col < -tol).any():
            raise ValueError(f"W violates Dale's law: column {j + 1} (outgoing weights of neuron {j + 1}, "
                             "numbered from 1) has both signs")
        types.append("I" if (col < -tol).any() else "E")
    return types


def is_dale(W):
    """True if every column of W (off the diagonal) has a single sign."""
    try:
        neuron_types(W)
        return True
    except ValueError:
        return False


def random_dale(n, n_inh, *, density=0.5, scale=0.3, seed=None):
    """A random Dale matrix: the last ``n_inh`` neurons inhibitory, weights |N(0, 1)| * scale on a
    random graph of the given density, zero diagonal."""
    n = checks.integer("n", n, minimum=1)
    n_inh = checks.integer("n_inh", n_inh, minimum=0, maximum=n)
    density = checks.in_range("density", density, 0.0, 1.0)
    scale = checks.positive("scale", scale)
    rng = checks.rng(seed)
    mask = rng.random((n, n)) < density
    np.fill_diagonal(mask, False)
    W = np.abs(rng.normal(0.0, 1.0, (n, n))) * scale * mask
    W[:, n - n_inh:] *= -1.0
    return W


def weak_coupling(W):
    """True if ||W||_inf = max_i sum_j |W_ij| < 1 (the weak-coupling regime used here)."""
    W = checks.square_matrix("W", W)
    return bool(np.abs(W).sum(axis=1).max() < 1.0)


def _check_inputs(inputs):
    if inputs not in ("positive", "nonnegative"):
        raise ValueError(f"inputs = {inputs!r} is invalid: choose 'positive' or 'nonnegative'")


def graph_code(W, inputs="positive"):
    """The graph condition's code (module docstring): list of supports (0-based tuples), nonempty."""
    W = checks.square_matrix("W", W)
    _check_inputs(inputs)
    neuron_types(W)  # raises if Dale's law is violated
    n = W.shape[0]
    inh_edge = (W < 0) & ~np.eye(n, dtype=bool)   # inh_edge[k, j]: j -> k inhibitory
    exc_edge = (W > 0) & ~np.eye(n, dtype=bool)
    out = []
    for s in range(1, n + 1):
        for sig in combinations(range(n), s):
            sl = list(sig)
            ok = True
            for k in range(n):
                if k in sig:
                    continue
                has_i = inh_edge[k, sl].any()
                has_e = exc_edge[k, sl].any()
                if not (has_i or (inputs == "nonnegative" and not has_e)):
                    ok = False
                    break
            if ok:
                out.append(sig)
    return out


def code_over_inputs(W, inputs="positive", stable=True, return_inputs=False):
    """Supports sigma (nonempty, 0-based) of fixed points of (W, b) for some b in the input class,
    decided by linear feasibility (scipy HiGHS); with ``stable`` only stable ones (spectral
    condition Re eig(-I + W_sigma) < 0).  N <= 12.  With ``return_inputs`` also a dict
    sigma -> one witness input b (a network (W, b) that has the fixed point on sigma)."""
    from scipy.optimize import linprog

    W = checks.square_matrix("W", W)
    _check_inputs(inputs)
    n = W.shape[0]
    if n > 12:
        raise ValueError(f"N = {n} is too large for the input-space code: must be <= 12")
    lb_b = 1.0 if inputs == "positive" else 0.0
    out, witness = [], {}
    for s in range(1, n + 1):
        for sig in combinations(range(n), s):
            sl = list(sig)
            if stable and np.linalg.eigvals(-np.eye(s) + W[np.ix_(sl, sl)]).real.max() >= 0:
                continue
            rest = [k for k in range(n) if k not in sig]
            # variables: x_sigma (s), b_rest (n - s); b_sigma = (I - W_sigma) x_sigma >= lb_b
            A_ub, b_ub = [], []
            M = np.eye(s) - W[np.ix_(sl, sl)]
            for r in range(s):  # -(M x)_r <= -lb_b
                A_ub.append(np.concatenate([-M[r], np.zeros(n - s)]))
                b_ub.append(-lb_b)
            for t, k in enumerate(rest):  # b_k + W_k,sigma x <= 0
                row = np.zeros(n)
                row[:s] = W[k, sl]
                row[s + t] = 1.0
                A_ub.append(row)
                # positive inputs: the strict problem (b > 0, input < 0) is a cone, so <= -1 is
                # equivalent to < 0 and keeps the witness off the boundary; b >= 0 allows input 0
                b_ub.append(-1.0 if inputs == "positive" else 0.0)
            bounds = [(1.0, None)] * s + [(lb_b, None)] * (n - s)
            r = linprog(np.zeros(n), A_ub=np.array(A_ub), b_ub=np.array(b_ub), bounds=bounds, method="highs")
            if r.status == 0:
                out.append(sig)
                b = np.zeros(n)
                b[sl] = M @ r.x[:s]
                b[rest] = r.x[s:]
                witness[sig] = b
            elif r.status not in (2,):  # 2 = infeasible
                raise RuntimeError(f"linear program for sigma = {sig} ended with status {r.status}: {r.message}")
    return (out, witness) if return_inputs else out


def is_union_closed(code):
    """Closed under pairwise unions."""
    cs = {frozenset(c) for c in code}
    return all((a | b) in cs for a in cs for b in cs)


def is_intersection_closed(code, include_empty=False):
    """Closed under pairwise intersections (the empty intersection allowed if ``include_empty``)."""
    cs = {frozenset(c) for c in code}
    return all((a & b) in cs or (include_empty and not (a & b)) for a in cs for b in cs)
