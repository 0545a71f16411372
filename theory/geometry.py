"""Geometry of connectivity solution spaces, symbolically and in exact arithmetic.

For a rectified-linear network at steady state, ``r_i^mu = [sum_j w_ij z_j^mu + c_i^mu]_+`` for every
pattern mu, the unknown incoming weights w of each neuron satisfy (Biswas & Fitzgerald 2022):

* active patterns (r^mu > 0): ``z^mu . w + c^mu = r^mu``  -- an affine subspace;
* silent patterns (r^mu = 0): ``z^mu . w + c^mu <= 0``    -- half-spaces;
* the bound ``||w||_2 <= B`` (or ``|w_j| <= B``) closes the unconstrained directions.

With no silent patterns the L2 solution set is a ball of the affine space: its centre is the
minimum-norm solution ``w0 = Z_A^+ (r_A - c_A)``, its radius ``rho = sqrt(B^2 - |w0|^2)``, and the
range of synapse j is ``w0_j -+ rho sqrt(P_jj)`` with ``P = I - Z_A^+ Z_A`` the projector onto the null
space.  Synapse j is certain iff the hyperplane w_j = 0 misses that ball:
``w0_j^2 > (B^2 - |w0|^2) P_jj``, with the sign of w0_j.  Everything here but ``rho`` is rational when
the data are, so these conditions are decided exactly.

With silent patterns, the extremes of w_j lie either on the sphere of a face ``E_T`` (T the silent
constraints active there), at ``w0_T -+ sqrt(q_T / P_T,jj) P_T e_j`` with ``q_T = B^2 - |w0_T|^2``, or,
where ``P_T e_j = 0``, anywhere on a non-empty face (KKT conditions of the cone program).
``exact_ranges`` enumerates these candidates in exact arithmetic: a brute-force oracle for small
problems (it is exponential in the number of silent patterns).

Reference: T. Biswas and J. E. Fitzgerald, Phys. Rev. Research 4, 023255 (2022).
"""
from __future__ import annotations

import itertools
from fractions import Fraction

import sympy as sp

from recnet import checks

__all__ = ["equations", "to_rational_matrix", "exact_affine_ball", "exact_ranges"]


def equations():
    """The framework's equations for one neuron with M synapses, as sympy objects."""
    mu, j, M = sp.symbols("mu j M", integer=True, positive=True)
    w = sp.IndexedBase("w")
    z = sp.IndexedBase("z")
    r = sp.IndexedBase("r")
    c = sp.IndexedBase("c")
    w0 = sp.IndexedBase("w0")
    P = sp.IndexedBase("P")
    B, eps = sp.symbols("B epsilon", positive=True)
    norm_w0 = sp.Symbol(r"\|w_0\|", nonnegative=True)
    h = sp.Sum(w[j] * z[mu, j], (j, 1, M)) + c[mu]
    rho = sp.sqrt(B**2 - norm_w0**2)
    return {
        "steady state of a rectified-linear neuron": sp.Eq(r[mu], sp.Max(0, h)),
        "active pattern (r^mu > 0): affine equality": sp.Eq(h, r[mu]),
        "silent pattern (r^mu = 0): half-space": sp.Le(h, 0),
        "weight bound (L2)": sp.Le(sp.sqrt(sp.Sum(w[j] ** 2, (j, 1, M))), B),
        "radius of the solution ball in the affine space": sp.Eq(sp.Symbol("rho"), rho),
        "range of w_j without silent patterns": sp.Eq(sp.Symbol("w_j^{min,max}"),
                                                      w0[j] + sp.Symbol("s") * rho * sp.sqrt(P[j, j])),
        "certainty condition without silent patterns": sp.StrictGreaterThan(w0[j] ** 2, rho**2 * P[j, j]),
        "error-tolerant active pattern": sp.Le(sp.Abs(h - r[mu]), eps),
        "error-tolerant silent pattern": sp.Le(h, eps),
    }


def _q(x):
    """Exact rational from int, Fraction, str, sympy Rational or float (its exact binary value)."""
    if isinstance(x, sp.Basic):
        v = sp.nsimplify(x) if not x.is_Rational else x
        if not v.is_Rational:
            raise TypeError(f"{x!r} is not rational")
        return v
    if isinstance(x, float):
        f = Fraction(x)
        return sp.Rational(f.numerator, f.denominator)
    return sp.Rational(x)


def to_rational_matrix(A):
    """A sympy Matrix of exact rationals from a nested list / numpy array."""
    rows = [list(row) for row in A]
    return sp.Matrix([[_q(v) for v in row] for row in rows]) if rows else sp.zeros(0, 0)


def _pinv_solve(G, rhs):
    """Minimum-norm solution of G w = rhs and the null-space projector, exactly; None if inconsistent."""
    M = G.shape[1]
    if G.shape[0] == 0:
        return sp.zeros(M, 1), sp.eye(M)
    Gp = G.pinv()
    w0 = Gp * rhs
    if G * w0 != rhs:
        return None, None
    return w0, sp.eye(M) - Gp * G


def exact_affine_ball(Z, c, y, bound_sq):
    """Exact solution space of one neuron with no silent patterns (every y > 0), L2 bound.

    Parameters
    ----------
    Z : (P, M) rationals; c, y : (P,) rationals; bound_sq : rational B^2.

    Returns
    -------
    dict with ``w0`` (Matrix), ``projector`` (Matrix), ``dimension`` (int), ``rho_sq`` (rational),
    ``ranges`` (list of (min, max) exact expressions), ``certain`` (list of bool), ``sign`` (list of
    -1/0/+1), ``feasible`` (bool).
    """
    Z = to_rational_matrix(Z)
    c = sp.Matrix([_q(v) for v in c])
    y = sp.Matrix([_q(v) for v in y])
    B2 = _q(bound_sq)
    if any(v <= 0 for v in y):
        raise checks.ParameterError("y", [v for v in y if v <= 0][:5], "every y > 0 (active patterns only)",
                                    "exact_affine_ball handles active patterns only (every y > 0); use exact_ranges")
    w0, Pn = _pinv_solve(Z, y - c)
    M = Z.shape[1]
    if w0 is None or (w0.T * w0)[0] > B2:
        return {"feasible": False, "w0": w0, "projector": Pn, "dimension": -1, "rho_sq": None,
                "ranges": [(sp.nan, sp.nan)] * M, "certain": [False] * M, "sign": [0] * M}
    rho2 = B2 - (w0.T * w0)[0]
    ranges, certain, sign = [], [], []
    for j in range(M):
        half = sp.sqrt(rho2 * Pn[j, j])
        ranges.append((sp.simplify(w0[j] - half), sp.simplify(w0[j] + half)))
        cert = w0[j] ** 2 > rho2 * Pn[j, j]
        certain.append(bool(cert))
        sign.append(int(sp.sign(w0[j])) if cert else 0)
    dim = M - Z.rank() if rho2 > 0 else 0
    return {"feasible": True, "w0": w0, "projector": Pn, "dimension": dim, "rho_sq": rho2,
            "ranges": ranges, "certain": certain, "sign": sign}


def _sign_surd(a, b, g):
    """Exact sign of a + b sqrt(g) for rationals a, b and g >= 0."""
    if g == 0 or b == 0:
        return int(sp.sign(a))
    sb = int(sp.sign(b))
    if a == 0:
        return sb
    sa = int(sp.sign(a))
    if sa == sb:
        return sa
    # opposite signs: compare a^2 with b^2 g
    d = a * a - b * b * g
    return sa if d > 0 else (-sa if d < 0 else 0)


def _constraints(Z, c, y, eps):
    """Rows (g, h) meaning g . w <= h, and equality rows (G, t) meaning G w = t."""
    P, M = Z.shape
    eq_rows, eq_rhs, le_rows, le_rhs = [], [], [], []
    for p in range(P):
        g = Z[p, :]
        if y[p] > 0:
            if eps == 0:
                eq_rows.append(g)
                eq_rhs.append(y[p] - c[p])
            else:
                le_rows += [g, -g]
                le_rhs += [y[p] - c[p] + eps, -(y[p] - c[p]) + eps]
        else:
            le_rows.append(g)
            le_rhs.append(-c[p] + eps)
    G = sp.Matrix.vstack(*eq_rows) if eq_rows else sp.zeros(0, M)
    return G, sp.Matrix(eq_rhs), le_rows, le_rhs


def exact_ranges(Z, c, y, bound, *, norm="l2", tolerance=0):
    """Exact range of every synapse of one neuron over its solution set (small problems).

    Parameters
    ----------
    Z : (P, M) presynaptic activity; c : (P,) known input; y : (P,) responses (>= 0).
    bound : rational B (the L2 radius, or the L-infinity box half-width).
    norm : "l2" or "linf".
    tolerance : rational eps >= 0.

    Returns
    -------
    dict with ``feasible``, ``ranges`` (list of (min, max) exact sympy numbers), ``certain``,
    ``sign`` (decided exactly).

    Notes
    -----
    L2: candidates are the KKT points described in the module docstring, enumerated over all
    subsets T of the inequality constraints (2^m of them).  L-infinity: the extremes of a linear
    function over the bounded polytope are attained at vertices, enumerated over all choices of
    active constraints.  Both are brute force: for problems with a handful of constraints.
    """
    Z = to_rational_matrix(Z)
    P, M = Z.shape
    c = [_q(v) for v in c]
    y = [_q(v) for v in y]
    B = _q(bound)
    eps = _q(tolerance)
    G, t, le_rows, le_rhs = _constraints(Z, c, y, eps)
    if norm == "l2":
        return _exact_l2(G, t, le_rows, le_rhs, B, M)
    if norm == "linf":
        return _exact_linf(G, t, le_rows, le_rhs, B, M)
    raise checks.ParameterError("norm", norm, "l2 or linf", f"norm = {norm!r} is invalid: choose l2 or linf")


def _verdict(cands, M):
    ranges, certain, sign = [], [], []
    feasible = all(cands[j] for j in range(M)) if M else True
    for j in range(M):
        vals = cands[j]
        if not vals:
            ranges.append((sp.nan, sp.nan))
            certain.append(False)
            sign.append(0)
            continue
        key = [sp.N(v, 50) for v in vals]
        lo = vals[min(range(len(vals)), key=lambda i: key[i])]
        hi = vals[max(range(len(vals)), key=lambda i: key[i])]
        s_lo, s_hi = _exact_sign(lo), _exact_sign(hi)
        cert = s_lo > 0 or s_hi < 0
        ranges.append((sp.nsimplify(lo) if lo.is_Rational else lo, hi))
        certain.append(bool(cert))
        sign.append(1 if s_lo > 0 else (-1 if s_hi < 0 else 0))
    return {"feasible": bool(feasible), "ranges": ranges, "certain": certain, "sign": sign}


def _exact_sign(v):
    """Sign of a candidate a + b sqrt(g).

    sympy reduces sqrt of a rational square to a rational, so such a number is zero only if it
    simplifies to 0; a non-zero one is separated from 0 by far more than 60 digits' precision.
    """
    v = sp.nsimplify(v)
    if v == 0:
        return 0
    return int(sp.sign(sp.N(v, 60)))


def _exact_l2(G, t, le_rows, le_rhs, B, M):
    m = len(le_rows)
    B2 = B * B
    faces = {}
    for k in range(m + 1):
        for T in itertools.combinations(range(m), k):
            rows = [G] + [le_rows[i] for i in T]
            GT = sp.Matrix.vstack(*rows) if rows else sp.zeros(0, M)
            rhs = sp.Matrix(list(t) + [le_rhs[i] for i in T])
            w0, Pn = _pinv_solve(GT, rhs)
            if w0 is None:
                continue
            q = B2 - (w0.T * w0)[0]
            feas = q >= 0 and all((le_rows[i] * w0)[0] <= le_rhs[i] for i in range(m))
            faces[T] = (w0, Pn, q, feas)
    nonempty = {T: any(faces[U][3] for U in faces if set(T) <= set(U)) for T in faces}
    cands = [[] for _ in range(M)]
    for T, (w0, Pn, q, feas) in faces.items():
        if q < 0:
            continue
        for j in range(M):
            pjj = Pn[j, j]
            if pjj == 0:
                if nonempty[T]:
                    cands[j].append(w0[j])
                continue
            ratio = q / pjj                      # the extreme point is w0 +- sqrt(ratio) P e_j
            Pe = Pn[:, j]
            for s in (1, -1):
                ok = True
                for i in range(m):
                    a = (le_rows[i] * w0)[0] - le_rhs[i]
                    b = s * (le_rows[i] * Pe)[0]
                    if _sign_surd(a, b, ratio) > 0:
                        ok = False
                        break
                if ok:
                    cands[j].append(w0[j] + s * sp.sqrt(q * pjj))
    return _verdict(cands, M)


def _exact_linf(G, t, le_rows, le_rhs, B, M):
    rows = list(le_rows)
    rhs = list(le_rhs)
    for j in range(M):
        e = sp.zeros(1, M)
        e[j] = 1
        rows += [e, -e]
        rhs += [B, B]
    m = len(rows)
    r_eq = G.rank() if G.shape[0] else 0
    need = M - r_eq
    cands = [[] for _ in range(M)]
    seen = set()
    for T in itertools.combinations(range(m), need):
        GT = sp.Matrix.vstack(G, *[rows[i] for i in T]) if (G.shape[0] or T) else sp.zeros(0, M)
        if GT.rank() < M:
            continue
        vec = sp.Matrix(list(t) + [rhs[i] for i in T])
        w0, _ = _pinv_solve(GT, vec)
        if w0 is None:
            continue
        key = tuple(w0)
        if key in seen:
            continue
        seen.add(key)
        if all((rows[i] * w0)[0] <= rhs[i] for i in range(m)):
            for j in range(M):
                cands[j].append(w0[j])
    return _verdict(cands, M)
