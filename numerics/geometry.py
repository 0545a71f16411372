"""Connectivity solution spaces of rectified-linear networks (Biswas & Fitzgerald 2022).

Given steady states ``r^mu = [W r^mu + U x^mu + b]_+`` for patterns mu = 1..P, the rows of the
connectivity decouple.  For neuron i with unknown incoming weights w (its row of W, and of U when
the input weights are unknown) and presynaptic vectors z^mu:

* active patterns (r_i^mu > 0):  z^mu . w + c^mu = r_i^mu          (affine equalities)
* silent patterns (r_i^mu = 0):  z^mu . w + c^mu <= 0               (half-spaces)
* a bound on the weights:        ||w||_2 <= B  (``norm="l2"``)  or  |w_j| <= B  (``norm="linf"``)

where c^mu = b_i (+ U_i x^mu when U is known).  With a tolerance eps the equalities become
|z . w + c - r| <= eps and the half-spaces z . w + c <= eps.

Writing w = w0 + N u with w0 the minimum-norm solution of the equalities and N an orthonormal
basis of their null space, ||w||^2 = ||w0||^2 + ||u||^2, so the L2 problem becomes the ball
||u|| <= rho = sqrt(B^2 - ||w0||^2) cut by half-spaces F u <= f in d = M - rank(Z_active)
dimensions.  The minimum and maximum of every synapse over that set are second-order-cone programs
(solved with Clarabel, whose dual objective gives a certified lower bound); for ``linf`` they are
linear programs (HiGHS, re-solved from the previous basis as only the objective changes).  Where
the ball alone decides the extreme (its extreme point satisfies every half-space) the closed form
``w0_j -+ rho ||N_j||`` is used directly.  A synapse is *certain* when its range excludes zero by
more than ``margin``; its sign is then that of the range.

Reference: T. Biswas and J. E. Fitzgerald, Geometric framework to predict structure from function
in neural networks, Phys. Rev. Research 4, 023255 (2022).

Units: responses and biases in Hz (any rate unit works as long as it is the same), inputs in the
caller's unit, weights dimensionless (Hz per Hz, or rate per input unit).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from recnet import checks
from recnet.numerics._jit import njit, prange

__all__ = ["NeuronSpace", "SolutionSpace", "neuron_space", "solution_space", "sample_solutions",
           "synapse_labels", "symmetric_solution"]

_NORMS = ("l2", "linf")
_FAST_PATH_MIN = 16   # directions per neuron from which the numba active-set path is used


@dataclass
class NeuronSpace:
    """The solution set of one neuron's incoming weights.

    Attributes
    ----------
    feasible : bool
    dimension : int
        dimension of the solution set (-1 when infeasible).
    w_min, w_max : ndarray (M,)
        range of every unknown weight over the set (NaN when infeasible).
    certain : ndarray of bool (M,)
        True where the range excludes zero (by more than ``margin``).
    sign : ndarray of int (M,)
        +1 / -1 for certain synapses, 0 otherwise.
    violated : tuple of int
        when infeasible: an irreducible set of patterns (0-based) that cannot hold together.
    """

    neuron: int
    feasible: bool
    dimension: int
    w_min: np.ndarray
    w_max: np.ndarray
    certain: np.ndarray
    sign: np.ndarray
    violated: tuple = ()
    reason: str = ""
    # the reduced representation w = w0 + N u, u in {||u|| <= rho, F u <= f}, used for sampling
    w0: np.ndarray | None = field(default=None, repr=False)
    basis: np.ndarray | None = field(default=None, repr=False)
    F: np.ndarray | None = field(default=None, repr=False)
    f: np.ndarray | None = field(default=None, repr=False)
    rho: float = np.inf
    interior: np.ndarray | None = field(default=None, repr=False)


@dataclass
class SolutionSpace:
    """Per-neuron solution sets assembled into matrices.

    ``W_min``, ``W_max`` (N, N) and ``U_min``, ``U_max`` (N, K) hold the ranges of the recurrent and
    input weights (NaN for weights that are not unknowns, e.g. the diagonal without autapses, or
    rows of infeasible neurons); ``certain`` and ``sign`` likewise for W, ``certain_u``/``sign_u``
    for U.
    """

    neurons: list
    W_min: np.ndarray
    W_max: np.ndarray
    U_min: np.ndarray | None
    U_max: np.ndarray | None
    certain: np.ndarray
    sign: np.ndarray
    certain_u: np.ndarray | None
    sign_u: np.ndarray | None
    bound: float
    norm: str
    tolerance: float
    self_connections: bool = False

    @property
    def feasible(self):
        return all(n.feasible for n in self.neurons)

    @property
    def dimension(self):
        """Dimension of the whole solution space (sum over neurons; -1 if any is infeasible)."""
        return -1 if not self.feasible else int(sum(n.dimension for n in self.neurons))


# ----------------------------------------------------------------------------------- set-up
def _check_problem(responses, inputs, bound, norm, tolerance, bias, input_weights):
    R = checks.array("responses", responses, ndim=2)
    if np.any(R < 0):
        p, i = np.argwhere(R < 0)[0]
        raise checks.ParameterError("responses", float(R[p, i]), "rates >= 0 Hz",
                                    f"responses[{p}, {i}] = {R[p, i]:g} Hz is invalid: steady-state rates of a "
                                    "rectified-linear network must be >= 0")
    P, N = R.shape
    X = None
    if inputs is not None:
        X = checks.array("inputs", inputs, ndim=2)
        if X.shape[0] != P:
            raise checks.ParameterError("inputs", X.shape, f"{P} rows, one per pattern like responses",
                                        f"inputs has shape {X.shape}: must have one row per pattern ({P} rows, "
                                        "like responses)")
    bound = checks.positive("bound", bound)
    if norm not in _NORMS:
        raise checks.ParameterError("norm", norm, f"one of {', '.join(_NORMS)}",
                                    f"norm = {norm!r} is invalid: choose one of {', '.join(_NORMS)}")
    tolerance = checks.nonnegative("tolerance", tolerance, "Hz")
    b = np.zeros(N) if bias is None else checks.array("bias", bias, shape=(N,))
    U = None
    if input_weights is not None:
        if X is None:
            raise checks.ParameterError("input_weights", "given", "only together with inputs (P, K)",
                                        "input_weights given without inputs: give inputs (P, K) as well")
        U = checks.array("input_weights", input_weights, shape=(N, X.shape[1]))
    return R, X, bound, tolerance, b, U


def synapse_labels(n_neurons, i, n_inputs=0, self_connections=False, learn_inputs=True):
    """Labels of neuron i's unknown synapses: ``("W", j)`` recurrent, ``("U", k)`` input."""
    labels = [("W", j) for j in range(n_neurons) if self_connections or j != i]
    if learn_inputs:
        labels += [("U", k) for k in range(n_inputs)]
    return labels


def _neuron_rows(R, X, U, b, i, self_connections):
    """Presynaptic matrix Z (P, M), offsets c (P,) and targets y (P,) of neuron i."""
    P, N = R.shape
    cols = [R[:, j] for j in range(N) if self_connections or j != i]
    c = np.full(P, b[i])
    if X is not None:
        if U is None:
            cols += [X[:, k] for k in range(X.shape[1])]
        else:
            c = c + X @ U[i]
    Z = np.column_stack(cols) if cols else np.zeros((P, 0))
    return Z, c, R[:, i].copy()


def _reduce(Z, c, y, bound, norm, eps, patterns):
    """Reduced representation over the given patterns: w = w0 + N u, ||u|| <= rho, F u <= f.

    Returns (w0, N, rho, F, f, reason); reason is non-empty when infeasible already here.
    """
    M = Z.shape[1]
    Zp, cp, yp = Z[patterns], c[patterns], y[patterns]
    act = yp > 0
    if eps == 0:
        ZA, tA = Zp[act], yp[act] - cp[act]
        if ZA.shape[0]:
            Uu, s, Vt = np.linalg.svd(ZA, full_matrices=True)
            tol = max(ZA.shape) * np.finfo(float).eps * (s[0] if s.size else 0.0)
            r = int(np.sum(s > tol))
            w0 = Vt[:r].T @ ((Uu[:, :r].T @ tA) / s[:r])
            N = Vt[r:].T.copy()
            resid = np.abs(ZA @ w0 - tA)
            if np.max(resid) > 1e-9 * (1.0 + np.max(np.abs(tA))):
                return w0, N, np.nan, None, None, "the active patterns' equalities are inconsistent"
        else:
            w0, N = np.zeros(M), np.eye(M)
        ZS = Zp[~act]
        F, f = ZS @ N, -cp[~act] - ZS @ w0
    else:
        w0, N = np.zeros(M), np.eye(M)
        ZA, tA = Zp[act], yp[act] - cp[act]
        ZS = Zp[~act]
        F = np.vstack([ZA, -ZA, ZS])
        f = np.concatenate([tA + eps, -tA + eps, -cp[~act] + eps])
    if norm == "l2":
        rho2 = bound ** 2 - float(w0 @ w0)
        if rho2 < -1e-12 * bound ** 2:
            return w0, N, np.nan, F, f, (f"the minimum-norm weights that produce the active patterns have "
                                         f"norm {np.sqrt(w0 @ w0):.6g} > bound {bound:g}")
        # rho^2 carries round-off of order 1e-16 B^2, so rho itself is only known to ~1e-8 B:
        # below 1e-7 B the affine space is taken to touch the ball (a single point)
        rho = float(np.sqrt(rho2)) if rho2 > 1e-14 * bound ** 2 else 0.0
    else:
        rho = np.inf
        if np.any(np.abs(w0) > bound * (1 + 1e-12)) and N.shape[1] == 0:
            return w0, N, np.nan, F, f, "the weights fixed by the active patterns exceed the bound"
        F = np.vstack([F, N, -N])
        f = np.concatenate([f, bound - w0, bound + w0])
    # drop all-zero rows: they are either always satisfied or say the set is empty
    if F is not None and F.shape[0]:
        rownorm = np.linalg.norm(F, axis=1)
        zero = rownorm <= 1e-14 * (1 + np.max(rownorm))
        if np.any(zero & (f < -1e-9 * (1 + np.abs(f)))):
            return w0, N, rho, F, f, "a silent pattern or the bound is violated whatever the weights"
        F, f = F[~zero], f[~zero]
    return w0, N, rho, F, f, ""


# --------------------------------------------------------------------------- convex programs
def _l2_cone_data(F, f, rho, extra_col=None):
    """Clarabel data for {F u <= f (+ extra_col * t)} and ||u|| <= rho (- t): dense, then CSC once."""
    import clarabel

    m, d = F.shape
    k = d + (extra_col is not None)
    A = np.zeros((m + 1 + d, k))
    A[:m, :d] = F
    A[m + 1:, :d] = -np.eye(d)
    if extra_col is not None:
        A[:m, d] = extra_col
        A[m, d] = 1.0
    b = np.zeros(m + 1 + d)
    b[:m] = f
    b[m] = rho
    cones = ([clarabel.NonnegativeConeT(m)] if m else []) + [clarabel.SecondOrderConeT(d + 1)]
    return sp.csc_matrix(A), b, cones


def _clarabel_settings(tight=True):
    import clarabel

    st = clarabel.DefaultSettings()
    st.verbose = False
    if tight:
        st.tol_gap_abs = st.tol_gap_rel = 1e-10
        st.tol_feas = 1e-10
    return st


class _L2Solver:
    """min q.u over {||u|| <= rho, F u <= f} with Clarabel, re-using the factorisation set-up."""

    def __init__(self, F, f, rho):
        import clarabel

        m, d = F.shape
        self.d = d
        A, b, cones = _l2_cone_data(F, f, rho)
        self._solver = clarabel.DefaultSolver(sp.csc_matrix((d, d)), np.zeros(d), A, b, cones,
                                              _clarabel_settings())

    def minimize(self, q):
        """Return (primal value, certified lower bound, status)."""
        self._solver.update(q=np.asarray(q, dtype=float))
        r = self._solver.solve()
        status = str(r.status)
        return r.obj_val, min(r.obj_val, r.obj_val_dual), status


def _quiet_highs():
    """A ``highspy.Highs`` without its banner: HiGHS prints it to the C-level stdout on construction,
    before ``output_flag`` can be set, which would corrupt ``recnet ... --json`` output."""
    import os
    import sys

    import highspy

    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):   # no real file descriptor (captured stdout)
        return highspy.Highs()
    sys.stdout.flush()
    saved = os.dup(fd)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), fd)
            h = highspy.Highs()
            h.setOptionValue("output_flag", False)
    finally:
        os.dup2(saved, fd)
        os.close(saved)
    return h


class _LPSolver:
    """min q.u over {F u <= f} with HiGHS; only the objective changes between calls (warm start)."""

    def __init__(self, F, f):
        import highspy

        self.h = h = _quiet_highs()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("primal_feasibility_tolerance", 1e-10)
        h.setOptionValue("dual_feasibility_tolerance", 1e-10)
        m, d = F.shape
        self.d = d
        inf = highspy.kHighsInf
        h.addVars(d, np.full(d, -inf), np.full(d, inf))
        A = sp.csr_matrix(F)
        h.addRows(m, np.full(m, -inf), f, A.nnz, A.indptr[:-1].astype(np.int32),
                  A.indices.astype(np.int32), A.data)
        self._idx = np.arange(d, dtype=np.int32)

    def minimize(self, q):
        h = self.h
        h.changeColsCost(self.d, self._idx, np.asarray(q, dtype=float))
        h.run()
        status = h.modelStatusToString(h.getModelStatus())
        val = h.getInfo().objective_function_value
        return val, val, status


@njit(parallel=True)
def _l2_support(A, F, f, rho, max_iter):
    """Certified maxima of a_k . u over {||u|| <= rho, F u <= f} by a primal active-set method.

    For a working set S of half-spaces held as equalities, the maximiser on the ball is
    u = u_S + sqrt(rho^2 - |u_S|^2) P_S a / |P_S a| (u_S the minimum-norm point of F_S u = f_S,
    P_S the projector onto the null space of F_S) with multipliers
    lambda_S = (F_S F_S^T)^-1 F_S (a - mu u), mu = |P_S a| / sqrt(rho^2 - |u_S|^2).  The most
    violated half-space joins S, a negative multiplier leaves it.  A result is returned only with a
    certificate: u feasible, lambda >= 0 and the dual value rho |a - F^T lambda| + f . lambda
    (an upper bound on the maximum for any lambda >= 0) equal to a . u within 1e-9 (relative).

    Returns (values, dual upper bounds, certified flags, iterations), one per row of A.
    """
    K, d = A.shape
    m = F.shape[0]
    vals = np.full(K, np.nan)
    upper = np.full(K, np.nan)
    ok = np.zeros(K, np.bool_)
    iters = np.zeros(K, np.int64)
    fscale = 1.0
    for r in range(m):
        if abs(f[r]) > fscale:
            fscale = abs(f[r])
    tol = 1e-11 * fscale
    for k in prange(K):
        a = A[k]
        S = np.empty(min(m, d), np.int64)
        ns = 0
        u = np.zeros(d)
        lam = np.zeros(m)
        for it in range(max_iter):
            iters[k] = it + 1
            FS = np.empty((ns, d))
            for i in range(ns):
                FS[i] = F[S[i]]
            if ns > 0:
                G = FS @ FS.T
                fs = np.empty(ns)
                for i in range(ns):
                    fs[i] = f[S[i]]
                y0 = np.linalg.solve(G, fs)
                u0 = FS.T @ y0
                ya = np.linalg.solve(G, FS @ a)
                pa = a - FS.T @ ya
            else:
                u0 = np.zeros(d)
                pa = a.copy()
            q = rho * rho - u0 @ u0
            npa = np.sqrt(pa @ pa)
            if q <= 0.0 or npa <= 1e-12 * (1.0 + np.sqrt(a @ a)):
                break                      # degenerate working set: leave it to the cone solver
            sq = np.sqrt(q)
            u = u0 + (sq / npa) * pa
            mu = npa / sq
            if ns > 0:
                lamS = np.linalg.solve(G, FS @ (a - mu * u))
                worst = 0
                for i in range(1, ns):
                    if lamS[i] < lamS[worst]:
                        worst = i
                if lamS[worst] < -1e-12 * (1.0 + np.sqrt(a @ a)):
                    S[worst] = S[ns - 1]
                    ns -= 1
                    continue
            viol = F @ u - f
            j = -1
            vmax = tol
            for r in range(m):
                if viol[r] > vmax:
                    inS = False
                    for i in range(ns):
                        if S[i] == r:
                            inS = True
                    if not inS:
                        vmax = viol[r]
                        j = r
            if j >= 0:
                if ns >= S.size:
                    break
                # a row (nearly) in the span of the working set would make F_S F_S^T singular
                fj = F[j]
                if ns > 0:
                    rj = fj - FS.T @ np.linalg.solve(G, FS @ fj)
                else:
                    rj = fj
                if np.sqrt(rj @ rj) <= 1e-8 * np.sqrt(fj @ fj):
                    break
                S[ns] = j
                ns += 1
                continue
            # candidate optimum: certify with the dual bound
            for r in range(m):
                lam[r] = 0.0
            for i in range(ns):
                lam[S[i]] = max(lamS[i], 0.0)
            resid = a - F.T @ lam
            dual = rho * np.sqrt(resid @ resid) + f @ lam
            primal = a @ u
            vals[k] = primal
            upper[k] = dual
            if dual - primal <= 1e-9 * (1.0 + abs(primal)):
                ok[k] = True
            break
    return vals, upper, ok, iters


def _interior(F, f, rho, norm):
    """Largest t with a ball of radius t inside the set (Chebyshev centre); returns (t, u)."""
    m, d = F.shape
    if d == 0:
        ok = m == 0 or np.all(f >= -1e-9 * (1 + np.abs(f)))
        return (0.0 if ok else -np.inf), np.zeros(0)
    norms = np.linalg.norm(F, axis=1) if m else np.zeros(0)
    if norm == "l2":
        import clarabel

        # variables (u, t): max t s.t. F u + t |F_k| <= f, ||u|| <= rho - t
        A, b, cones = _l2_cone_data(F, f, rho, extra_col=norms)
        q = np.zeros(d + 1)
        q[-1] = -1.0
        s = clarabel.DefaultSolver(sp.csc_matrix((d + 1, d + 1)), q, A, b, cones, _clarabel_settings(False))
        x = np.asarray(s.solve().x)
        return float(x[-1]), x[:-1]
    from scipy.optimize import linprog

    c = np.zeros(d + 1)
    c[-1] = -1.0
    A = np.hstack([F, norms[:, None]])
    res = linprog(c, A_ub=A, b_ub=f, bounds=[(None, None)] * d + [(None, None)], method="highs")
    if res.status != 0:
        return -np.inf, np.zeros(d)
    return float(res.x[-1]), res.x[:-1]


def _feasible(Z, c, y, bound, norm, eps, patterns):
    w0, N, rho, F, f, reason = _reduce(Z, c, y, bound, norm, eps, patterns)
    if reason:
        return False
    t, _ = _interior(F, f, rho, norm)
    return t >= -1e-9 * (1.0 + bound)


def _reason(Z, c, y, bound, norm, eps, patterns):
    """Why the given patterns cannot hold together (for the report)."""
    *_, reason = _reduce(Z, c, y, bound, norm, eps, patterns)
    if reason:
        return reason
    return "the half-spaces of the silent patterns and the bound do not intersect"


def _irreducible_infeasible(Z, c, y, bound, norm, eps):
    """Deletion filter: a set of patterns that cannot hold together, irreducible (Chinneck 2008)."""
    keep = list(range(Z.shape[0]))
    for p in list(keep):
        trial = [q for q in keep if q != p]
        if not _feasible(Z, c, y, bound, norm, eps, np.array(trial, dtype=int)):
            keep = trial
    return tuple(keep)


# ------------------------------------------------------------------------------ one neuron
def neuron_space(Z, c, y, bound, *, norm="l2", tolerance=0.0, margin=None, active_threshold=0.0,
                 neuron=0):
    """Solution set of one neuron's incoming weights: ranges, certainty, dimension.

    Parameters
    ----------
    Z : ndarray (P, M)
        presynaptic activity (rates in Hz, or inputs) for each pattern and unknown synapse.
    c : ndarray (P,)
        known part of the input of each pattern (bias, known input weights times inputs), Hz.
    y : ndarray (P,)
        the neuron's specified steady-state rate in each pattern, Hz (>= 0).
    bound : float
        weight bound B: ``||w||_2 <= B`` (``norm="l2"``) or ``|w_j| <= B`` (``norm="linf"``).
    tolerance : float
        eps >= 0 (Hz): responses need only be matched within eps.
    margin : float, optional
        a synapse is certain when its range excludes 0 by more than this (default ``1e-7 * bound``,
        above the solvers' accuracy).
    active_threshold : float
        responses at or below this (Hz) count as silent (default 0: only exact zeros are silent).
    """
    Z = checks.array("Z", Z, ndim=2)
    P, M = Z.shape
    c = checks.array("c", c, shape=(P,))
    y = checks.array("y", y, shape=(P,))
    active_threshold = checks.nonnegative("active_threshold", active_threshold, "Hz")
    y = np.where(y > active_threshold, y, 0.0)
    margin = 1e-7 * bound if margin is None else checks.nonnegative("margin", margin)
    nan = np.full(M, np.nan)
    w0, N, rho, F, f, reason = _reduce(Z, c, y, bound, norm, tolerance, np.arange(P))
    t = -np.inf
    if not reason:
        t, u_int = _interior(F, f, rho, norm)
        if t < -1e-9 * (1.0 + bound):
            reason = "the half-spaces of the silent patterns and the bound do not intersect"
    if reason:
        viol = _irreducible_infeasible(Z, c, y, bound, norm, tolerance)
        reason = _reason(Z, c, y, bound, norm, tolerance, np.array(viol, dtype=int)) or reason
        return NeuronSpace(neuron, False, -1, nan, nan.copy(), np.zeros(M, bool), np.zeros(M, np.int8),
                           viol, reason)
    d = N.shape[1]
    A = N  # w_j = w0_j + N[j] . u
    wmin, wmax = np.empty(M), np.empty(M)
    lo_cert, hi_cert = np.empty(M), np.empty(M)
    anorm = np.linalg.norm(A, axis=1)
    todo = np.ones(M, bool)
    fixed = anorm <= 1e-13
    wmin[fixed] = wmax[fixed] = lo_cert[fixed] = hi_cert[fixed] = w0[fixed]
    todo &= ~fixed
    if norm == "l2":
        # closed form where the ball's extreme point satisfies every half-space
        idx = np.flatnonzero(todo)
        if idx.size:
            ext = rho * A[idx] / anorm[idx, None]          # maximiser of w_j over the ball
            if F is None or F.shape[0] == 0:
                ok_hi = ok_lo = np.ones(idx.size, bool)
            else:
                slack = 1e-12 * (1 + np.abs(f))[:, None]
                ok_hi = np.all(F @ ext.T <= f[:, None] + slack, axis=0)
                ok_lo = np.all(-F @ ext.T <= f[:, None] + slack, axis=0)
            wmax[idx[ok_hi]] = hi_cert[idx[ok_hi]] = w0[idx[ok_hi]] + rho * anorm[idx[ok_hi]]
            wmin[idx[ok_lo]] = lo_cert[idx[ok_lo]] = w0[idx[ok_lo]] - rho * anorm[idx[ok_lo]]
            need_lo = np.zeros(M, bool)
            need_hi = np.zeros(M, bool)
            need_lo[idx[~ok_lo]] = True
            need_hi[idx[~ok_hi]] = True
        else:
            need_lo = need_hi = np.zeros(M, bool)
        if need_lo.any() or need_hi.any():
            # certified active-set fast path; what it cannot certify goes to Clarabel
            for need, sgn in ((need_hi, 1.0), (need_lo, -1.0)):
                ids = np.flatnonzero(need)
                # a handful of directions is cheaper in Clarabel than the kernel's one-off compile
                if ids.size >= _FAST_PATH_MIN:
                    v, ub, good, _ = _l2_support(np.ascontiguousarray(sgn * A[ids]), np.ascontiguousarray(F),
                                              np.ascontiguousarray(f), float(rho), 4 * F.shape[0] + 20)
                    done = ids[good]
                    if sgn > 0:
                        wmax[done], hi_cert[done] = w0[done] + v[good], w0[done] + ub[good]
                    else:
                        wmin[done], lo_cert[done] = w0[done] - v[good], w0[done] - ub[good]
                    need[done] = False
        if need_lo.any() or need_hi.any():
            solver = _L2Solver(F, f, rho)
            for j in np.flatnonzero(need_lo | need_hi):
                if need_lo[j]:
                    v, lb, st = solver.minimize(A[j])
                    wmin[j], lo_cert[j] = w0[j] + v, w0[j] + lb
                if need_hi[j]:
                    v, lb, st = solver.minimize(-A[j])
                    wmax[j], hi_cert[j] = w0[j] - v, w0[j] - lb
    else:
        solver = _LPSolver(F, f)
        for j in np.flatnonzero(todo):
            v, _, _ = solver.minimize(A[j])
            wmin[j] = lo_cert[j] = w0[j] + v
            v, _, _ = solver.minimize(-A[j])
            wmax[j] = hi_cert[j] = w0[j] - v
    certain_pos = lo_cert > margin
    certain_neg = hi_cert < -margin
    sign = np.where(certain_pos, 1, np.where(certain_neg, -1, 0)).astype(np.int8)
    dim = d if t > 1e-9 * (1.0 + bound) else _degenerate_dimension(F, f, rho, norm, d)
    return NeuronSpace(neuron, True, dim, wmin, wmax, certain_pos | certain_neg, sign, (), "",
                       w0, N, F, f, rho, u_int)


def _degenerate_dimension(F, f, rho, norm, d):
    """Dimension of a solution set with empty interior (Chebyshev radius 0).

    A half-space whose slack is zero over the whole set is an implicit equality; the set then lies
    in {F_T u = f_T}.  For the L2 bound, if that affine set only touches the ball, the solution
    set is a single point.
    """
    if d == 0:
        return 0
    m = F.shape[0]
    tight = []
    if m:
        solver = _L2Solver(F, f, rho) if norm == "l2" else _LPSolver(F, f)
        for k in range(m):
            v, _, _ = solver.minimize(F[k])          # the largest slack f_k - F_k u is at the minimum
            if f[k] - v <= 1e-8 * (1 + abs(f[k])):
                tight.append(k)
    if norm == "l2":
        if not tight:
            return 0                                   # the ball touches the polytope in one point
        uT = np.linalg.lstsq(F[tight], f[tight], rcond=None)[0]
        if uT @ uT >= rho ** 2 * (1 - 1e-9):
            return 0
    if not tight:
        return d
    return d - int(np.linalg.matrix_rank(F[tight], tol=1e-9))


# --------------------------------------------------------------------------------- network
def solution_space(responses, inputs=None, *, bound, norm="l2", tolerance=0.0, bias=None,
                   input_weights=None, self_connections=False, neurons=None, margin=None,
                   active_threshold=0.0, progress=True):
    """All connectivity matrices that produce the given steady states, neuron by neuron.

    Parameters
    ----------
    responses : array (P, N)
        steady-state rates r^mu (Hz, >= 0), one row per pattern.
    inputs : array (P, K), optional
        feedforward inputs x^mu.  Their weights U are unknowns unless ``input_weights`` is given.
    bound : float
        weight bound B (per neuron: ``||w_i||_2 <= B`` or ``max_j |w_ij| <= B``).
    norm : {"l2", "linf"}
    tolerance : float
        eps (Hz): responses matched within eps.
    bias : array (N,), optional
        known biases b (Hz); default 0.
    input_weights : array (N, K), optional
        known input weights U (then only W is unknown).
    self_connections : bool
        whether W_ii is an unknown (default False: no autapses, W_ii = 0).
    neurons : iterable of int, optional
        restrict to these neurons (0-based).
    margin : float, optional
        certainty margin (default ``1e-7 * bound``).
    active_threshold : float
        responses at or below this (Hz) count as silent (default 0).

    Returns
    -------
    SolutionSpace
    """
    R, X, bound, tol, b, U = _check_problem(responses, inputs, bound, norm, tolerance, bias, input_weights)
    P, N = R.shape
    K = 0 if X is None else X.shape[1]
    learn_u = X is not None and U is None
    idx = range(N) if neurons is None else [checks.integer("neurons[]", i, 0, N - 1) for i in neurons]
    from threadpoolctl import threadpool_limits

    # hundreds of small factorisations: BLAS threads only add synchronisation (and on a busy
    # machine make a 50 x 200 SVD hundreds of times slower)
    with threadpool_limits(limits=1, user_api="blas"):
        return _solution_space_rows(R, X, U, b, idx, bound, norm, tol, margin, active_threshold,
                                    self_connections, learn_u, K, progress)


def _solution_space_rows(R, X, U, b, idx, bound, norm, tol, margin, active_threshold, self_connections,
                         learn_u, K, progress):
    from tqdm import tqdm

    N = R.shape[1]
    out = []
    Wmin, Wmax = np.full((N, N), np.nan), np.full((N, N), np.nan)
    cert, sign = np.zeros((N, N), bool), np.zeros((N, N), np.int8)
    Umin = Umax = cert_u = sign_u = None
    if learn_u:
        Umin, Umax = np.full((N, K), np.nan), np.full((N, K), np.nan)
        cert_u, sign_u = np.zeros((N, K), bool), np.zeros((N, K), np.int8)
    for i in tqdm(list(idx), desc="neurons", disable=None if progress else True, leave=False):
        Z, c, y = _neuron_rows(R, X, U, b, i, self_connections)
        ns = neuron_space(Z, c, y, bound, norm=norm, tolerance=tol, margin=margin,
                          active_threshold=active_threshold, neuron=i)
        out.append(ns)
        labels = synapse_labels(N, i, K, self_connections, learn_u)
        for m, (kind, j) in enumerate(labels):
            if kind == "W":
                Wmin[i, j], Wmax[i, j], cert[i, j], sign[i, j] = ns.w_min[m], ns.w_max[m], ns.certain[m], ns.sign[m]
            else:
                Umin[i, j], Umax[i, j], cert_u[i, j], sign_u[i, j] = ns.w_min[m], ns.w_max[m], ns.certain[m], ns.sign[m]
    return SolutionSpace(out, Wmin, Wmax, Umin, Umax, cert, sign, cert_u, sign_u, bound, norm, tol,
                         bool(self_connections))


# -------------------------------------------------------------------------------- sampling
@njit
def _hit_and_run(u0, F, f, rho, dirs, unif, thin):
    """Hit-and-run in {||u|| <= rho, F u <= f}; dirs (n*thin, d) unit vectors, unif (n*thin,)."""
    n_steps, d = dirs.shape
    m = F.shape[0]
    out = np.empty((n_steps // thin, d))
    u = u0.copy()
    for s in range(n_steps):
        v = dirs[s]
        lo, hi = -np.inf, np.inf
        if np.isfinite(rho):
            # ||u + t v||^2 <= rho^2, |v| = 1:  t^2 + 2 t (u.v) + |u|^2 - rho^2 <= 0
            uv = 0.0
            uu = 0.0
            for k in range(d):
                uv += u[k] * v[k]
                uu += u[k] * u[k]
            disc = uv * uv - (uu - rho * rho)
            if disc < 0.0:
                disc = 0.0
            sq = np.sqrt(disc)
            lo, hi = -uv - sq, -uv + sq
        for r in range(m):
            fv = 0.0
            fu = 0.0
            for k in range(d):
                fv += F[r, k] * v[k]
                fu += F[r, k] * u[k]
            room = f[r] - fu
            if room < 0.0:
                room = 0.0
            if fv > 1e-300:
                t = room / fv
                if t < hi:
                    hi = t
            elif fv < -1e-300:
                t = room / fv
                if t > lo:
                    lo = t
        if not (np.isfinite(lo) and np.isfinite(hi)) or hi < lo:
            lo = hi = 0.0
        t = lo + (hi - lo) * unif[s]
        for k in range(d):
            u[k] += t * v[k]
        if (s + 1) % thin == 0:
            out[(s + 1) // thin - 1] = u
    return out


def sample_solutions(space, n_samples, *, seed=None, thin=None, burn_in=None):
    """Draw weight matrices from the solution space by hit-and-run (Smith 1984).

    The chain of every neuron starts at the Chebyshev centre of its set (the interior point found
    when the space was computed), runs ``burn_in`` steps, then keeps one state every ``thin`` steps
    (defaults: 10 d each), which approaches uniform sampling of the set.

    Returns
    -------
    W : ndarray (n_samples, N, N)
    U : ndarray (n_samples, N, K) or None (when the input weights were not unknowns)
    """
    n_samples = checks.integer("n_samples", n_samples, 1)
    if not space.feasible:
        bad = [n.neuron for n in space.neurons if not n.feasible]
        raise checks.ParameterError("space", bad, "a feasible solution space (infeasible neurons have nothing to sample)",
                                    f"the solution space is empty (infeasible neurons {bad}): nothing to sample")
    gen = checks.rng(seed)
    N = space.W_min.shape[0]
    K = 0 if space.U_min is None else space.U_min.shape[1]
    W = np.zeros((n_samples, N, N))
    U = np.zeros((n_samples, N, K)) if K else None
    for ns in space.neurons:
        d = ns.basis.shape[1]
        if d == 0:
            samples = np.tile(ns.w0, (n_samples, 1))
        else:
            th = thin or 10 * d
            bi = burn_in if burn_in is not None else 10 * d
            steps = bi + n_samples * th
            dirs = gen.standard_normal((steps, d))
            dirs /= np.linalg.norm(dirs, axis=1)[:, None]
            unif = gen.random(steps)
            chain = _hit_and_run(ns.interior.astype(float), np.ascontiguousarray(ns.F), np.ascontiguousarray(ns.f),
                                 float(ns.rho), dirs, unif, 1)
            us = chain[bi::th][:n_samples] if th > 1 else chain[bi:][:n_samples]
            samples = ns.w0[None, :] + us @ ns.basis.T
        labels = synapse_labels(N, ns.neuron, K, space.self_connections, K > 0)
        for m, (kind, j) in enumerate(labels):
            if kind == "W":
                W[:, ns.neuron, j] = samples[:, m]
            else:
                U[:, ns.neuron, j] = samples[:, m]
    return W, U


# ------------------------------------------------------------------------- symmetric member
def symmetric_solution(responses, inputs=None, *, bound, bias=None, input_weights=None):
    """The minimum-Frobenius-norm *symmetric* W (zero diagonal) in the L2 solution space.

    Symmetry couples the rows, so this is one joint cone program (Clarabel): minimise
    ``sum_ij W_ij^2 + sum_ik U_ik^2`` subject to every neuron's active equalities and silent
    half-spaces and ``||(W_i, U_i)||_2 <= B`` per row.  A symmetric W with I - W positive definite
    has a unique fixed point that a spike-coding network realises exactly
    (``recnet.validation.scn.bridge``); the caller checks that condition.

    Returns
    -------
    (W, U) or None when no symmetric solution exists.  U is None unless the input weights are
    unknowns (inputs given, input_weights not).
    """
    import clarabel

    R, X, bound, _, b, Uk = _check_problem(responses, inputs, bound, "l2", 0.0, bias, input_weights)
    P, N = R.shape
    K = 0 if X is None or Uk is not None else X.shape[1]
    pairs = [(i, j) for i in range(N) for j in range(i + 1, N)]
    n_s, n_v = len(pairs), len(pairs) + N * K

    def col_w(i, j):
        a, c = (i, j) if i < j else (j, i)
        return pairs.index((a, c))

    eq_rows, eq_rhs, le_rows, le_rhs = [], [], [], []
    for i in range(N):
        off = b[i] + (X @ Uk[i] if Uk is not None else 0.0)
        for p in range(P):
            row = np.zeros(n_v)
            for j in range(N):
                if j != i:
                    row[col_w(i, j)] += R[p, j]
            for k in range(K):
                row[n_s + i * K + k] = X[p, k]
            c = off[p] if np.ndim(off) else off
            if R[p, i] > 0:
                eq_rows.append(row)
                eq_rhs.append(R[p, i] - c)
            else:
                le_rows.append(row)
                le_rhs.append(-c)
    blocks, rhs, cones = [], [], []
    if eq_rows:
        blocks.append(np.array(eq_rows))
        rhs.append(np.array(eq_rhs))
        cones.append(clarabel.ZeroConeT(len(eq_rows)))
    if le_rows:
        blocks.append(np.array(le_rows))
        rhs.append(np.array(le_rhs))
        cones.append(clarabel.NonnegativeConeT(len(le_rows)))
    for i in range(N):
        soc = np.zeros((N - 1 + K + 1, n_v))
        r = 1
        for j in range(N):
            if j != i:
                soc[r, col_w(i, j)] = -1.0
                r += 1
        for k in range(K):
            soc[r, n_s + i * K + k] = -1.0
            r += 1
        blocks.append(soc)
        h = np.zeros(soc.shape[0])
        h[0] = bound
        rhs.append(h)
        cones.append(clarabel.SecondOrderConeT(soc.shape[0]))
    Pm = np.diag(np.concatenate([np.full(n_s, 4.0), np.full(N * K, 2.0)]))
    s = clarabel.DefaultSolver(sp.csc_matrix(np.triu(Pm)), np.zeros(n_v), sp.csc_matrix(np.vstack(blocks)),
                               np.concatenate(rhs), cones, _clarabel_settings())
    res = s.solve()
    if str(res.status) != "Solved":
        return None
    v = np.asarray(res.x)
    W = np.zeros((N, N))
    for (i, j), val in zip(pairs, v[:n_s]):
        W[i, j] = W[j, i] = val
    U = v[n_s:].reshape(N, K) if K else None
    return W, U
