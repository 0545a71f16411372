"""Enumeration of all fixed-point supports of a threshold-linear network (numba, parallel).

For dx/dt = -x + [W x + b]_+ every candidate support sigma (all 2^N subsets, encoded as bitmasks)
is decided by the Cramer sign conditions of Curto, Geneson, Morrison 2019 (Neural Comput 31:94,
eq. (3) of ``recnet.theory.tln.fixed_points``): one LU factorisation of I - W_sigma (partial pivoting) gives
det(I - W_sigma) and the Cramer numerators s_i = det * x_i; the off-support numerators follow from
the Schur complement s_k^{sigma+k} = det * (b_k + W_{k,sigma} x_sigma).  sigma is a support iff all
s_i share the sign of det (x_sigma > 0) and every s_k^{sigma+k} has the opposite sign (input <= 0).

Round-off guard: a support whose decision rests on a quantity within ``eta`` of zero (relative to
the scale of the terms that formed it, with eta growing with the pivot ratio of the LU, a cheap
condition estimate) is *flagged* and re-decided in exact rational arithmetic
(``recnet.theory.tln.fixed_points.support_fixed_point_exact``) on the exact binary values of W and b.

Graph-rule pruning (CTLNs in the legal range only): supports ruled out by graphical domination
(inside: j, k in sigma; outside: j in sigma, k not) are skipped before any factorisation.

Stability of each support found: eigenvalues of -I + W_sigma (all real parts < 0); a real part
within 1e-9 of zero is re-decided exactly by Routh-Hurwitz.  The index is sgn det(I - W_sigma).

The plain numpy twin the tests and the benchmark compare with (batched ``np.linalg.solve`` by
support size, then the inequalities) is ``enumerate_supports_numpy`` in
``tests/twins/tln_enumerate.py``.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from recnet import checks
from recnet.numerics._jit import njit, prange

__all__ = ["FixedPoint", "TLNFixedPoints", "enumerate_supports", "continuum_on_support", "on_continuum", "enumerate_ctln",
           "in_neighbour_masks", "domination_tables", "digraphs", "STATUS"]

NOT_FP, FP, FLAGGED, PRUNED = 0, 1, 2, 3
STATUS = {"not_fixed_point": NOT_FP, "fixed_point": FP, "flagged": FLAGGED, "pruned": PRUNED}
MAX_N = 26  # 2^26 status bytes = 64 MB


@dataclass
class FixedPoint:
    """One fixed point: support (0-based), state x (length N), index, stability."""

    support: tuple
    x: np.ndarray
    index: int
    stable: bool
    max_real_eigenvalue: float
    exact: bool = False       # decided in rational arithmetic after a round-off flag
    degenerate: bool = False  # an off-support input is exactly 0 (exact path only)


@dataclass
class TLNFixedPoints:
    """All fixed points of a TLN and facts about the enumeration."""

    fixed_points: list
    n: int
    n_candidates: int
    n_pruned: int = 0
    n_flagged: int = 0
    wall_time_s: float = 0.0
    status: np.ndarray | None = field(default=None, repr=False)
    continua: list = field(default_factory=list)   # singular supports carrying a segment of fixed points

    @property
    def supports(self):
        return [fp.support for fp in self.fixed_points]

    @property
    def stable_supports(self):
        return [fp.support for fp in self.fixed_points if fp.stable]

    @property
    def index_sum(self):
        return int(sum(fp.index for fp in self.fixed_points))


@njit
def _decide_one(W, b, ncand, candk, bad, insideok, use_rules, mask, A, idx, x):
    """Decide one support; returns (status, sgn det)."""
    n = W.shape[0]
    s = 0
    for i in range(n):
        if (mask >> i) & 1:
            idx[s] = i
            s += 1
    if s == 0:
        for k in range(n):
            if b[k] > 0.0:
                return NOT_FP, 1
        return FP, 1
    if use_rules:
        # k dominates j w.r.t. sigma (j in sigma) iff j -> k, (k in sigma => k -/-> j) and no i in
        # sigma \ {j, k} has i -> j without i -> k: the last is (bad[j, c] & mask) == 0, with
        # bad[j, c] = inn[j] & ~inn[k] minus {j, k} precomputed for the c-th out-neighbour k of j.
        for a in range(s):
            j = idx[a]
            for c in range(ncand[j]):
                k = candk[j, c]
                if (mask >> k) & 1 and not insideok[j, c]:
                    continue
                if bad[j, c] & mask == 0:
                    return PRUNED, 0
    # A = [I - W_sigma | b_sigma]
    for r in range(s):
        ir = idx[r]
        for c in range(s):
            A[r, c] = (1.0 if r == c else 0.0) - W[ir, idx[c]]
        A[r, s] = b[ir]
    sign = 1
    pmax = 0.0
    pmin = np.inf
    for c in range(s):
        p = c
        best = abs(A[c, c])
        for r in range(c + 1, s):
            v = abs(A[r, c])
            if v > best:
                best = v
                p = r
        if best == 0.0:
            return FLAGGED, 0
        if p != c:
            sign = -sign
            for k in range(c, s + 1):
                tmp = A[c, k]
                A[c, k] = A[p, k]
                A[p, k] = tmp
        piv = A[c, c]
        if piv < 0.0:
            sign = -sign
        if best > pmax:
            pmax = best
        if best < pmin:
            pmin = best
        for r in range(c + 1, s):
            f = A[r, c] / piv
            if f != 0.0:
                for k in range(c + 1, s + 1):
                    A[r, k] -= f * A[c, k]
    kappa = pmax / pmin
    if kappa > 1e12:
        return FLAGGED, sign
    for r in range(s - 1, -1, -1):
        acc = A[r, s]
        for k in range(r + 1, s):
            acc -= A[r, k] * x[k]
        x[r] = acc / A[r, r]
    eta = 1e-14 * s * kappa
    if eta < 1e-11:
        eta = 1e-11
    xmax = 0.0
    for r in range(s):
        if abs(x[r]) > xmax:
            xmax = abs(x[r])
    if xmax == 0.0:
        return FLAGGED, sign
    near = False
    for r in range(s):
        if x[r] < -eta * xmax:
            return NOT_FP, sign
        if x[r] <= eta * xmax:
            near = True
    for k in range(n):
        if (mask >> k) & 1:
            continue
        v = b[k]
        scale = abs(b[k])
        for r in range(s):
            t = W[k, idx[r]] * x[r]
            v += t
            scale += abs(t)
        if v > eta * scale:
            return NOT_FP, sign
        if v >= -eta * scale:
            near = True
    if near:
        return FLAGGED, sign
    return FP, sign


@njit
def _enumerate_range(W, b, ncand, candk, bad, insideok, use_rules, lo, hi, status, detsign):
    n = W.shape[0]
    A = np.empty((n, n + 1))
    idx = np.empty(n, dtype=np.int64)
    x = np.empty(n)
    for mask in range(lo, hi):
        st, sg = _decide_one(W, b, ncand, candk, bad, insideok, use_rules, np.int64(mask), A, idx, x)
        status[mask] = st
        detsign[mask] = sg


@njit(parallel=True)
def _enumerate_kernel(W, b, ncand, candk, bad, insideok, use_rules, status, detsign):
    """All 2^N supports, split into chunks over threads (each writes its own slice)."""
    total = np.int64(1) << W.shape[0]
    n_chunks = 512 if total > 512 else total
    for c in prange(n_chunks):
        _enumerate_range(W, b, ncand, candk, bad, insideok, use_rules, c * total // n_chunks,
                         (c + 1) * total // n_chunks,
                         status, detsign)


_SERIAL_BELOW = 12  # for N < 12 the thread launch costs more than the work


def in_neighbour_masks(adj):
    """Bitmask of in-neighbours of every node: bit i of ``inn[j]`` set iff i -> j."""
    adj = np.asarray(adj, bool)
    w = (np.int64(1) << np.arange(adj.shape[0], dtype=np.int64))
    return (adj.astype(np.int64) * w[:, None]).sum(axis=0).astype(np.int64)


def domination_tables(adj):
    """Per node j: its out-neighbours k (candidates to dominate j), the mask of nodes i with
    i -> j but not i -> k (other than j, k), and whether k -/-> j (needed when k is in sigma)."""
    adj = np.asarray(adj, bool)
    n = adj.shape[0]
    inn = in_neighbour_masks(adj)
    ncand = np.zeros(n, np.int64)
    candk = np.zeros((n, max(n, 1)), np.int64)
    bad = np.zeros((n, max(n, 1)), np.int64)
    insideok = np.zeros((n, max(n, 1)), np.bool_)
    for j in range(n):
        for k in range(n):
            if k != j and adj[j, k]:
                c = ncand[j]
                candk[j, c] = k
                bad[j, c] = int(inn[j]) & ~int(inn[k]) & ~(1 << j) & ~(1 << k)
                insideok[j, c] = not adj[k, j]
                ncand[j] += 1
    return ncand, candk, bad, insideok


def _check(W, b):
    W = checks.square_matrix("W", W)
    n = W.shape[0]
    if n > MAX_N:
        raise checks.ParameterError("W", f"N = {n}", f"N <= {MAX_N}",
                                    f"N = {n} neurons is too many for the exhaustive enumeration: must be <= {MAX_N}")
    b = checks.array("b", b, ndim=1, shape=(n,))
    return W, b


def _mask_support(mask, n):
    return tuple(i for i in range(n) if (mask >> i) & 1)


def _stability(W, sigma):
    if not sigma:
        return True, -1.0
    J = -np.eye(len(sigma)) + W[np.ix_(sigma, sigma)]
    lam = np.linalg.eigvals(J).real.max()
    if abs(lam) < 1e-9:
        from recnet.theory.tln import fixed_points as ttln
        Jf = ttln.to_fraction_matrix(J)
        return bool(ttln.hurwitz_stable_exact(Jf)), float(lam)
    return bool(lam < 0), float(lam)


def enumerate_supports(W, b, *, adjacency=None, prune=True, stability=True, max_fixed_points=None):
    """All fixed points of dx/dt = -x + [W x + b]_+ by exhaustive, parallel support enumeration.

    Parameters
    ----------
    W : array (N, N)
        weights (``W[i, j]`` from j onto i), dimensionless; N <= 26.
    b : array (N,)
        external inputs (rate units).
    adjacency : bool array (N, N) or None
        the graph (``adj[i, j]`` = i -> j) when W is the CTLN of that graph in the legal range;
        enables graph-rule pruning.  The caller vouches for W = ctln_weights(adjacency, ...) with
        b = theta 1; ``recnet.numerics.tln.enumerate.enumerate_ctln`` does this for you.
    prune : bool
        use domination pruning when ``adjacency`` is given.
    stability : bool
        compute the stability of every fixed point found.
    max_fixed_points : int, optional
        raise ``ParameterError`` (naming ``max_fixed_points``, with the count) when there are more
        fixed points, before their states and stability are computed.

    Returns
    -------
    TLNFixedPoints
        fixed points sorted by support size then lexicographically, with their index
        sgn det(I - W_sigma) and stability (eigenvalues of -I + W_sigma), and the numbers of
        candidates, pruned and round-off-flagged supports.
    """
    W, b = _check(W, b)
    n = W.shape[0]
    t0 = time.perf_counter()
    use_rules = adjacency is not None and prune
    rules = domination_tables(adjacency if adjacency is not None else np.zeros((n, n), bool))
    total = 1 << n
    status = np.empty(total, dtype=np.uint8)
    detsign = np.empty(total, dtype=np.int8)
    if n < _SERIAL_BELOW:
        _enumerate_range(W, b, *rules, use_rules, 0, total, status, detsign)
    else:
        _enumerate_kernel(W, b, *rules, use_rules, status, detsign)
    fps = []
    flagged = np.flatnonzero(status == FLAGGED)
    exact_masks = {}
    if flagged.size:
        from recnet.theory.tln import fixed_points as ttln
        Wf = ttln.to_fraction_matrix(W)
        bf = ttln.to_fraction_vector(b, n)
        continua = []
        for m in flagged:
            sig = _mask_support(int(m), n)
            r = ttln.support_fixed_point_exact(Wf, bf, sig)
            if r["is_fixed_point"]:
                exact_masks[int(m)] = r
            elif sig and r["det"] == 0:
                seg = continuum_on_support(W, b, sig)
                if seg is not None:
                    continua.append(seg)
    n_found = int(np.count_nonzero(status == FP)) + len(exact_masks)
    if max_fixed_points is not None and n_found > max_fixed_points:
        # refused before the per-fixed-point work (states, stability), which dominates for many
        from recnet.checks import ParameterError
        raise ParameterError("max_fixed_points", max_fixed_points,
                             f"the network has {n_found} fixed points: listing them writes ~"
                             f"{n_found * (40 * n + 80) / 1024:.0f} kB of output and checks the stability of "
                             f"each; raise --max-fixed-points to {n_found} to list them all")
    masks = sorted(set(np.flatnonzero(status == FP).tolist()) | set(exact_masks),
                   key=lambda m: (bin(m).count("1"), _mask_support(m, n)))
    for m in masks:
        sig = _mask_support(m, n)
        x = np.zeros(n)
        if m in exact_masks:
            r = exact_masks[m]
            x[list(sig)] = [float(v) for v in r["x"]]
            index, exact, degen = int(r["index"]), True, bool(r["degenerate"])
        else:
            if sig:
                x[list(sig)] = np.linalg.solve(np.eye(len(sig)) - W[np.ix_(sig, sig)], b[list(sig)])
            index, exact, degen = int(detsign[m]), False, False
        st, lam = _stability(W, list(sig)) if stability else (None, float("nan"))
        fps.append(FixedPoint(sig, x, index, st, lam, exact, degen))
    out = TLNFixedPoints(fps, n, total, int((status == PRUNED).sum()), int(flagged.size),
                         time.perf_counter() - t0, status)
    if flagged.size:
        # keep the largest supports only: a segment on sigma contains the ones found on its subsets
        continua.sort(key=lambda c: -len(c["support"]))
        for c in continua:
            if not any(set(c["support"]) < set(d["support"]) for d in out.continua):
                out.continua.append(c)
        out.continua.sort(key=lambda c: (len(c["support"]), c["support"]))
    return out


def continuum_on_support(W, b, sigma, tol=1e-9):
    r"""The fixed points on a support sigma where I - W_sigma is singular, if they form a continuum.

    Fixed points with activity only on sigma satisfy (I - W_sigma) x_sigma = b_sigma, x_sigma >= 0
    and W_{k sigma} x_sigma + b_k <= 0 for k outside sigma (a polyhedron).  When I - W_sigma is
    singular and this set contains more than one point, the fixed points are not isolated: a whole
    segment (or face) of them, every one neutrally stable along it, and the index theory of
    nondegenerate TLNs (Curto, Geneson, Morrison 2019) does not apply.  Decided by two linear
    programs (HiGHS through scipy) that minimise and maximise the coordinate along the null vector.

    Returns None (no point or a single point) or a dict ``support`` (0-based), ``x_from``, ``x_to``
    (two extreme fixed points, length N), ``dimension`` (of the null space).
    """
    from scipy.optimize import linprog

    W = np.asarray(W, float)
    b = np.asarray(b, float)
    n = W.shape[0]
    sig = list(sigma)
    out_ = [k for k in range(n) if k not in sigma]
    A = np.eye(len(sig)) - W[np.ix_(sig, sig)]
    _, sv, Vt = np.linalg.svd(A)
    null = Vt[sv <= 1e-10 * max(1.0, sv.max(initial=0.0))]
    if null.shape[0] == 0:
        return None
    v = null[0]
    A_ub = W[np.ix_(out_, sig)] if out_ else None
    b_ub = -b[out_] if out_ else None
    ends = []
    for sgn in (1.0, -1.0):
        r = linprog(sgn * v, A_ub=A_ub, b_ub=b_ub, A_eq=A, b_eq=b[sig], bounds=[(0, None)] * len(sig),
                    method="highs")
        if r.status != 0:
            return None   # infeasible (no fixed point on sigma) or unbounded (handled as runaway elsewhere)
        ends.append(r.x)
    if abs(float(v @ ends[0]) - float(v @ ends[1])) <= tol * (1.0 + np.max(np.abs(ends))):
        return None
    xs = []
    for e in ends:
        x = np.zeros(n)
        x[sig] = np.where(np.abs(e) < 1e-12, 0.0, e)
        xs.append(x)
    return {"support": tuple(sig), "x_from": xs[0], "x_to": xs[1], "dimension": int(null.shape[0])}


def enumerate_ctln(adj, epsilon=0.25, delta=0.5, theta=1.0, *, prune=True, stability=True):
    """All fixed points of the CTLN of graph ``adj`` (legal range checked), with rule pruning."""
    from recnet.theory.tln import ctln as ctln
    epsilon, delta, theta = ctln.check_parameters(epsilon, delta, theta)
    adj = ctln.adjacency(adj)
    W = ctln.ctln_weights(adj, epsilon, delta)
    return enumerate_supports(W, np.full(adj.shape[0], theta), adjacency=adj, prune=prune, stability=stability)


# ------------------------------------------------------------------ all small directed graphs
@njit
def _canonical_digraphs(n, perms, pos):
    """Bitmask codes of all simple digraphs on n nodes that are the minimum of their isomorphism class.

    Edge (i, j), i != j, is bit pos[i, j].  perms: (n!, n) permutations.
    """
    n_bits = n * (n - 1)
    total = np.int64(1) << n_bits
    keep = np.zeros(total, dtype=np.bool_)
    for g in range(total):
        best = g
        for p in range(perms.shape[0]):
            h = np.int64(0)
            for i in range(n):
                for j in range(n):
                    if i != j and (g >> pos[i, j]) & 1:
                        h |= np.int64(1) << pos[perms[p, i], perms[p, j]]
            if h < best:
                best = h
                break
        keep[g] = best == g
    return np.flatnonzero(keep)


def digraphs(n, up_to_isomorphism=True):
    """All simple directed graphs on ``n`` nodes (n <= 5) as boolean adjacency matrices.

    With ``up_to_isomorphism`` one representative per isomorphism class (the class member with the
    smallest edge bitmask): 1, 3, 16, 218, 9608 graphs for n = 1..5 (OEIS A000273).
    """
    from itertools import permutations
    n = checks.integer("n", n, minimum=1, maximum=5)
    pos = -np.ones((n, n), dtype=np.int64)
    k = 0
    for i in range(n):
        for j in range(n):
            if i != j:
                pos[i, j] = k
                k += 1
    if up_to_isomorphism:
        perms = np.array(list(permutations(range(n))), dtype=np.int64)
        codes = _canonical_digraphs(n, perms, pos)
    else:
        codes = np.arange(1 << (n * (n - 1)), dtype=np.int64)
    bits = (codes[:, None] >> np.maximum(pos, 0).ravel()[None, :]) & 1
    adj = bits.reshape(-1, n, n).astype(bool)
    adj[:, np.arange(n), np.arange(n)] = False
    return adj


def on_continuum(x, W, b, continua, atol=1e-9):
    """True if the state x is a fixed point lying on one of ``continua`` (``TLNFixedPoints.continua``):
    zero off the continuum's support, x = W x + b on it (x >= 0) and inputs <= 0 off it, within ``atol``."""
    x = np.asarray(x, float)
    for c in continua:
        sig = list(c["support"])
        rest = [k for k in range(W.shape[0]) if k not in sig]
        if rest and np.any(np.abs(x[rest]) > atol):
            continue
        u = W @ x + b
        if np.all(np.abs(u[sig] - x[sig]) <= 10 * atol) and np.all(x[sig] >= -atol) and \
                (not rest or np.all(u[rest] <= 10 * atol)):
            return True
    return False
