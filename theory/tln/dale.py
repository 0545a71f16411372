"""Dale networks: TLNs whose neurons are excitatory or inhibitory, and their combinatorial codes.

A TLN dx/dt = -x + [W x + b]_+ obeys Dale's law when every column of W (the outgoing weights of a
neuron j, ``W[:, j]``) has one sign: excitatory E (>= 0) or inhibitory I (<= 0).  Its graph has an
edge j -> i of type E or I when W_ij != 0 (i != j).

Milicevic & Itskov 2024 (SIAM J Appl Math 84:2522; arXiv:2211.08618, "The combinatorial code and
the graph rules of Dale networks", below MI24).  What we could read of the paper (abstract and one
proof; the definitions section was not available to us) states: the combinatorial code of a Dale
network is characterised by (i) a condition on the connectivity graph and (ii) a spectral condition
on W; in the weak coupling regime the code depends only on the graph and is a sublattice (closed
under unions and intersections), and a learning rule encodes a sublattice in a weakly coupled
excitatory network; in the strong coupling regime the code of a generic Dale network is
intersection-complete, hence convex.  The proofs work under a genericity "Ground Assumption"
(nonsingular matrices), with excitatory neurons partitioned into *inhibited* ones (receiving an
inhibitory edge) and *uninhibited* ones, and a graph rule: adding an inhibitory neuron whose
excitatory targets are all already inhibited leaves the code unchanged.

Our reading (an inference from those statements, stated so it can be checked): inputs are
nonnegative, b >= 0 (with b > 0 an excitatory network would have the single codeword "all on",
leaving no sublattice to learn), and the code lives on the excitatory neurons, the inhibitory
ones acting as interneurons:

    code_E(W) = { supp(x) & E : x a fixed point of (W, b) for some b >= 0 }.

For it we prove and test (``excitatory_code`` against the linear-programming oracle
``recnet.numerics.tln.dale_networks.excitatory_code_lp``) the characterisation

    alpha in code_E(W)  <=>  (G) no excitatory edge from alpha to an uninhibited excitatory
                                 neuron outside alpha, and
                             (S) rho(W[U, U]) < 1 for U = alpha & uninhibited excitatory neurons

(generic W: rho(W[U, U]) != 1).  Proof sketch: switch on every inhibitory neuron at a large rate t;
this silences every inhibited outsider and gives every inhibited member any input it needs;
uninhibited members need x_U > 0 with (I - W_UU) x_U >= (excitation from the rest of alpha) >= 0,
which by Collatz-Wielandt / M-matrix theory exists iff rho(W_UU) < 1; an uninhibited outsider
with an excitatory edge from alpha can never be silenced under b >= 0.  Consequences: both
conditions are closed under intersections (rho is monotone on principal submatrices of a
nonnegative matrix), so code_E is always intersection-complete and hence convex; (G) is also
closed under unions, so under weak coupling rho(W_EE) < 1 (then (S) always holds) the code depends
only on the graph and is a sublattice; and the inhibitory-neuron graph rule holds.  Stable fixed
points (``stable=True`` in the oracle, "steady states") additionally need -I + W_sigma Hurwitz on
the whole active set sigma; under ||W||_inf < 1 every such matrix is Hurwitz (Gershgorin) and the
stable code equals code_E; beyond that it is computed by the oracle only.

The older full-support functions (``graph_code`` here, ``code_over_inputs`` in numerics: codewords include the
inhibitory neurons, inputs b > 0 or b >= 0) are recnet's own definitions, not MI24's.
"""
from __future__ import annotations

from itertools import combinations

import numpy as np

from recnet import checks

__all__ = ["neuron_types", "is_dale", "random_dale", "weak_coupling", "graph_code",
           "is_union_closed", "is_intersection_closed",
           # MI24 (our reading, module docstring): the excitatory code under b >= 0
           "inhibited_excitatory", "excitatory_spectral_radius", "weakly_coupled", "codeword_conditions",
           "excitatory_code", "is_sublattice", "add_inhibitory_neuron", "encode_sublattice"]


def neuron_types(W, tol=0.0):
    """'E' or 'I' for each column of W (outgoing weights, diagonal ignored); ValueError if a column
    has both signs (Dale's law violated).  A column of zeros counts as 'E'."""
    W = checks.square_matrix("W", W)
    off = W - np.diag(np.diag(W))
    types = []
    for j in range(W.shape[0]):
        col = off[:, j]
        if (col > tol).any() and (col < -tol).any():
            raise checks.ParameterError("W", f"column {j + 1}", "each neuron's outgoing weights of one sign (Dale's law)",
                                        f"W violates Dale's law: column {j + 1} (outgoing weights of neuron {j + 1}, "
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
    """True if ||W||_inf = max_i sum_j |W_ij| < 1: every -I + W_sigma is Hurwitz (Gershgorin) and
    rho(W_EE) < 1, so it implies ``weakly_coupled`` and makes stable and all fixed points give the same
    code."""
    W = checks.square_matrix("W", W)
    return bool(np.abs(W).sum(axis=1).max() < 1.0)


def _check_inputs(inputs):
    if inputs not in ("positive", "nonnegative"):
        raise checks.ParameterError("inputs", inputs, "'positive' or 'nonnegative'",
                                    f"inputs = {inputs!r} is invalid: choose 'positive' or 'nonnegative'")


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


def is_union_closed(code):
    """Closed under pairwise unions."""
    cs = {frozenset(c) for c in code}
    return all((a | b) in cs for a in cs for b in cs)


def is_intersection_closed(code, include_empty=False):
    """Closed under pairwise intersections (the empty intersection allowed if ``include_empty``)."""
    cs = {frozenset(c) for c in code}
    return all((a & b) in cs or (include_empty and not (a & b)) for a in cs for b in cs)


# ----------------------------------------------------------------------------------------------
# Milicevic & Itskov 2024, our reading: the code on the excitatory neurons under inputs b >= 0
# ----------------------------------------------------------------------------------------------

def _types(W, types):
    n = W.shape[0]
    if types is None:
        return neuron_types(W)
    types = [str(t).upper() for t in types]
    if len(types) != n or any(t not in ("E", "I") for t in types):
        raise checks.ParameterError("types", types, f"one 'E'/'I' per neuron ({n} neurons)",
                                    f"types = {types!r} is invalid: give one of 'E'/'I' per neuron ({n} neurons)")
    off = W - np.diag(np.diag(W))
    for j, t in enumerate(types):
        col = off[:, j]
        if (t == "E" and (col < 0).any()) or (t == "I" and (col > 0).any()):
            raise checks.ParameterError("types", types, "each type matching the sign of the neuron's outgoing weights",
                                        f"neuron {j + 1} is declared {t} but its column (outgoing weights) has the other sign")
    return types


def _check_dale(W, types=None):
    W = checks.square_matrix("W", W)
    t = _types(W, types)
    for i, ti in enumerate(t):
        if ti == "E" and W[i, i] < 0:
            raise checks.ParameterError("W", float(W[i, i]), "an excitatory neuron's self-weight >= 0",
                                        f"W[{i + 1},{i + 1}] = {W[i, i]} < 0: an excitatory neuron's self-weight must be >= 0")
        if ti == "I" and W[i, i] > 0:
            raise checks.ParameterError("W", float(W[i, i]), "an inhibitory neuron's self-weight <= 0",
                                        f"W[{i + 1},{i + 1}] = {W[i, i]} > 0: an inhibitory neuron's self-weight must be <= 0")
    E = tuple(i for i in range(W.shape[0]) if t[i] == "E")
    I = tuple(i for i in range(W.shape[0]) if t[i] == "I")
    return W, E, I


def inhibited_excitatory(W, types=None):
    """(inhibited, uninhibited): excitatory neurons (0-based) that do / do not receive an inhibitory
    edge (W_ki < 0 for some inhibitory i != k).  MI24's partition of the excitatory neurons."""
    W, E, I = _check_dale(W, types)
    inh = tuple(k for k in E if any(W[k, i] < 0 for i in I if i != k))
    return inh, tuple(k for k in E if k not in inh)


def excitatory_spectral_radius(W, types=None):
    """rho(W_EE), the Perron root of the excitatory-to-excitatory block (0 without E neurons)."""
    W, E, _ = _check_dale(W, types)
    if not E:
        return 0.0
    return float(np.abs(np.linalg.eigvals(W[np.ix_(E, E)])).max())


def weakly_coupled(W, types=None):
    """Weak coupling as used here: rho(W_EE) < 1.  Then condition (S) holds for every alpha (Perron
    roots of principal submatrices of a nonnegative matrix are <= rho(W_EE)), so the code depends only
    on the graph.  (MI24's own definition was not available to us; this is the condition under which
    the graph-only statement holds for ``excitatory_code``.)"""
    return excitatory_spectral_radius(W, types) < 1.0


def _m_matrix_exact(A):
    """I - A for a nonnegative rational A: sign of 'is a nonsingular M-matrix' (rho(A) < 1) decided by
    the leading principal minors of the Z-matrix I - A (all > 0 iff nonsingular M-matrix); returns
    (rho < 1, degenerate) with degenerate when a minor is exactly 0 (rho(A) could be exactly 1)."""
    from recnet.theory.tln.fixed_points import det_exact
    n = len(A)
    M = [[(1 if i == j else 0) - A[i][j] for j in range(n)] for i in range(n)]
    for m in range(1, n + 1):
        d = det_exact([row[:m] for row in M[:m]])
        if d == 0:
            return False, True
        if d < 0:
            return False, False
    return True, False


def codeword_conditions(W, alpha, types=None, exact=False):
    """MI24 conditions (our reading) for a set ``alpha`` of excitatory neurons (0-based).

    Returns a dict: ``graph`` (G: no excitatory edge from alpha to an uninhibited excitatory neuron
    outside alpha), ``spectral`` (S: rho(W[U, U]) < 1, U = uninhibited excitatory neurons of alpha),
    ``rho`` (float), ``degenerate`` (rho(W_UU) = 1 within round-off, re-decided exactly; exactly 1 is
    the non-generic case the characterisation excludes), ``codeword`` (G and S).  ``exact`` decides S
    in rational arithmetic (the exact binary values of W) through the leading principal minors of
    I - W_UU."""
    W, E, I = _check_dale(W, types)
    alpha = tuple(sorted(int(a) for a in alpha))
    if any(a not in E for a in alpha):
        raise checks.ParameterError("alpha", [a + 1 for a in alpha], "excitatory neurons only",
                                    f"alpha = {[a + 1 for a in alpha]} is invalid: it must contain excitatory neurons only "
                                    f"(excitatory: {[e + 1 for e in E]})")
    _, unin = inhibited_excitatory(W, ["E" if i in E else "I" for i in range(W.shape[0])])
    g = not any(W[k, a] > 0 for k in unin if k not in alpha for a in alpha)
    U = [a for a in alpha if a in unin]
    rho, degenerate = 0.0, False
    if U:
        A = W[np.ix_(U, U)]
        rho = float(np.abs(np.linalg.eigvals(A)).max())
        if exact or abs(rho - 1.0) < 1e-9:
            from recnet.theory.tln.fixed_points import to_fraction_matrix
            s, degenerate = _m_matrix_exact(to_fraction_matrix(A))
        else:
            s = rho < 1.0
    else:
        s = True
    return {"graph": bool(g), "spectral": bool(s), "rho": rho, "degenerate": bool(degenerate),
            "codeword": bool(g and s)}


def excitatory_code(W, types=None, exact=False):
    """code_E(W) by MI24's two conditions (module docstring): sorted list of tuples of excitatory
    neurons (0-based), the empty codeword included.  Cost: 2^|E| Perron roots."""
    W, E, I = _check_dale(W, types)
    t = ["E" if i in E else "I" for i in range(W.shape[0])]
    out = []
    for s in range(len(E) + 1):
        for alpha in combinations(E, s):
            if codeword_conditions(W, alpha, t, exact)["codeword"]:
                out.append(alpha)
    return out


def is_sublattice(code):
    """Closed under pairwise unions and intersections (the empty set counted as a codeword)."""
    return is_union_closed(code) and is_intersection_closed(code, include_empty=True)


def add_inhibitory_neuron(W, to, frm=None):
    """W' with one more (inhibitory) neuron n: ``to`` (length n, <= 0) its outgoing weights W'[:n, n],
    ``frm`` (length n, Dale-consistent signs) its incoming weights W'[n, :n] (default 0).  MI24's graph
    rule: if every excitatory target of the new neuron is already inhibited, code_E(W') = code_E(W)."""
    W = checks.square_matrix("W", W)
    n = W.shape[0]
    to = checks.array("to", to, ndim=1, shape=(n,))
    if (to > 0).any():
        raise checks.ParameterError("to", to.tolist(), "<= 0 (the new neuron is inhibitory)",
                                    "to must be <= 0: the new neuron is inhibitory")
    frm = np.zeros(n) if frm is None else checks.array("frm", frm, ndim=1, shape=(n,))
    Wp = np.zeros((n + 1, n + 1))
    Wp[:n, :n] = W
    Wp[:n, n] = to
    Wp[n, :n] = frm
    return Wp


def encode_sublattice(code, n=None, weight=0.9):
    """A weakly coupled excitatory network whose excitatory code (b >= 0) is the given sublattice.

    Our rule (MI24 give a learning rule for the same task; theirs was not available to us): an edge
    i -> j, W_ji = weight / n, whenever every codeword containing i also contains j.  The code of the
    result is the family of sets closed under these edges, which equals ``code`` exactly when ``code``
    is a sublattice of 2^[n] containing the empty set and [n] (Birkhoff: such sublattices are the
    down-set lattices of preorders).  ``code``: iterable of iterables of 0-based neurons.
    """
    cs = {frozenset(int(i) for i in c) for c in code}
    if n is None:
        n = max((max(c) + 1 for c in cs if c), default=0)
    n = checks.integer("n", n, minimum=1)
    weight = checks.in_range("weight", weight, 0.0, 1.0, low_inclusive=False, high_inclusive=False)
    full = frozenset(range(n))
    cs |= {frozenset()}
    if full not in cs or not is_sublattice(cs):
        raise checks.ParameterError("code", sorted(sorted(c) for c in cs)[:8], "closed under unions and intersections, containing all neurons",
                                    "code must be closed under unions and intersections and contain the set of all "
                                    f"{n} neurons (a sublattice of 2^[n] with the empty set and [n])")
    W = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            if i != j and all(j in c for c in cs if i in c):
                W[j, i] = weight / n
    return W
