"""Fixed points of threshold-linear networks: supports, Cramer sign conditions, index, stability.

The threshold-linear network (TLN) with N neurons is

    dx/dt = -x + [W x + b]_+ ,    [u]_+ = max(u, 0),                        (1)

(time in units of the rate time constant; Hahnloser, Seung, Slotine 2003; Curto, Geneson,
Morrison 2019, Neural Comput 31:94, "Fixed points of competitive threshold-linear networks",
below CGM19).  A fixed point x* has a *support* sigma = {i : x*_i > 0}.  On sigma the network is
linear, so

    x*_sigma = (I - W_sigma)^{-1} b_sigma ,                                   (2)

and sigma is the support of a fixed point iff (on-support) every entry of (2) is > 0 and
(off-support) every k outside sigma gets a non-positive input, b_k + sum_{i in sigma} W_ki x*_i <= 0.

Cramer's rule writes (2) with determinants.  Let s_i^sigma = det((I - W_sigma)_i ; b_sigma), the
determinant of I - W_sigma with its column i replaced by b_sigma.  CGM19 state the support test as
sign conditions on these determinants: sigma is a fixed-point support iff

    sgn s_i^sigma = sgn s_j^sigma            for all i, j in sigma,            (3)
    sgn s_k^{sigma+k} = -sgn s_j^sigma       for all j in sigma, k not in sigma,

(with s_k^{sigma+k} the Cramer numerator of k in the system on sigma + {k}).  By a Schur
complement, s_k^{sigma+k} = det(I - W_sigma) * (b_k + W_{k,sigma} x*_sigma), so (3) is (2)'s
sign test written without solving.  The *index* of a fixed point is

    idx(sigma) = sgn det(I - W_sigma)                                         (4)

and for a non-degenerate competitive TLN (W_ij <= 0, b > 0; CGM19) the indices of all fixed points
sum to +1, so the number of fixed points is odd (the parity theorem).  Without such a condition it
can fail: N = 1, W = 2, b = 1 has no fixed point at all (activity diverges).  A fixed point is asymptotically stable iff every
eigenvalue of -I + W_sigma has negative real part (off-support neurons relax at rate -1 when the
off-support inequalities are strict).

Every function here has an exact version: the network's entries are turned into exact rationals
(``fractions.Fraction`` of the float, or of a decimal string) and decided without round-off;
stability is decided exactly by the Routh-Hurwitz criterion on the characteristic polynomial.
This module never imports recnet.numerics; the floating-point enumeration lives in
``recnet.numerics.tln.enumerate`` and is checked against these functions.
"""
from __future__ import annotations

from fractions import Fraction
from itertools import combinations

import numpy as np
import sympy as sp

from recnet import checks

__all__ = [
    "equations", "to_fraction_matrix", "to_fraction_vector", "det_exact", "solve_exact",
    "cramer_numerators", "support_fixed_point_exact", "fixed_point_supports_exact",
    "hurwitz_stable_exact", "index_sum", "mask_to_support", "support_to_mask", "all_supports",
    "permitted_sets",
]


# ----------------------------------------------------------------------------- symbolic layer
def equations(n=2):
    """The TLN fixed-point equations as sympy objects.

    Returns a dict label -> sympy object: the ODE (1) for ``n`` neurons with symbols W_ij, b_i;
    the fixed point (2) on a support sigma in matrix form; the on/off-support conditions; the
    Cramer numerator s_1 and the index (4) of the full support of the ``n``-neuron network.
    """
    n = checks.integer("n", n, minimum=1, maximum=4)
    t = sp.Symbol("t")
    W = sp.Matrix(n, n, lambda i, j: sp.Symbol(f"W_{i + 1}{j + 1}"))
    b = sp.Matrix(n, 1, lambda i, j: sp.Symbol(f"b_{i + 1}"))
    x = sp.Matrix(n, 1, lambda i, j: sp.Function(f"x_{i + 1}")(t))
    rhs = sp.Matrix(n, 1, lambda i, j: -x[i] + sp.Max(0, (W * x + b)[i]))
    m = sp.Symbol("m", integer=True, positive=True)
    Ws = sp.MatrixSymbol("W_sigma", m, m)
    bs = sp.MatrixSymbol("b_sigma", m, 1)
    xs = sp.MatrixSymbol("x_sigma", m, 1)
    A = sp.eye(n) - W
    A1 = A.copy()
    A1[:, 0] = b
    return {
        "tln_ode": sp.Eq(sp.Derivative(x, t), rhs, evaluate=False),
        "fixed_point_on_support": sp.Eq(xs, sp.MatMul(sp.Inverse(sp.Identity(m) - Ws), bs), evaluate=False),
        "on_support_condition": sp.StrictGreaterThan(sp.Symbol("x_i"), 0),
        "off_support_condition": sp.LessThan(sp.Symbol("b_k") + sp.Sum(sp.Symbol("W_ki") * sp.Symbol("x_i"),
                                                                          (sp.Symbol("i"), 1, m)), 0),
        "cramer_numerator_s_1": sp.Eq(sp.Symbol("s_1"), A1.det()),
        "index_full_support": sp.Eq(sp.Symbol("idx"), sp.sign(A.det())),
        "stability_jacobian_on_support": sp.Eq(sp.Symbol("J_sigma"), sp.MatAdd(-sp.Identity(m), Ws), evaluate=False),
    }


# ------------------------------------------------------------------------------ exact helpers
def _frac(v, name="W"):
    if isinstance(v, Fraction):
        return v
    if isinstance(v, (int, np.integer)):
        return Fraction(int(v))
    if isinstance(v, str):
        return Fraction(v)
    if isinstance(v, sp.Rational):
        return Fraction(int(v.p), int(v.q))
    f = float(v)
    if not np.isfinite(f):
        raise checks.ParameterError(name, v, "finite entries", f"{name} contains a non-finite value {v!r}")
    return Fraction(f)  # exact binary value of the float


def to_fraction_matrix(W, name="W"):
    """Square matrix -> list of lists of ``Fraction`` (exact value of each float entry)."""
    if isinstance(W, np.ndarray) and W.dtype != object:
        W = checks.square_matrix(name, W)
    rows = [list(r) for r in W]
    n = len(rows)
    if any(len(r) != n for r in rows):
        raise checks.ParameterError(name, [len(r) for r in rows], "a square matrix",
                                    f"{name} must be a square matrix")
    return [[_frac(v, name) for v in r] for r in rows]


def to_fraction_vector(b, n=None, name="b"):
    """Vector -> list of ``Fraction``."""
    vals = list(b)
    if n is not None and len(vals) != n:
        raise checks.ParameterError(name, len(vals), f"length {n}",
                                    f"{name} has length {len(vals)}: must have length {n}")
    return [_frac(v, name) for v in vals]


def det_exact(A):
    """Determinant of a square list-of-lists of Fractions (exact Gaussian elimination)."""
    n = len(A)
    M = [row[:] for row in A]
    det = Fraction(1)
    for c in range(n):
        p = next((r for r in range(c, n) if M[r][c] != 0), None)
        if p is None:
            return Fraction(0)
        if p != c:
            M[c], M[p] = M[p], M[c]
            det = -det
        det *= M[c][c]
        inv = 1 / M[c][c]
        for r in range(c + 1, n):
            f = M[r][c] * inv
            if f:
                for k in range(c, n):
                    M[r][k] -= f * M[c][k]
    return det


def solve_exact(A, b):
    """Solve A x = b exactly (Fractions); None if A is singular."""
    n = len(A)
    M = [A[i][:] + [b[i]] for i in range(n)]
    for c in range(n):
        p = next((r for r in range(c, n) if M[r][c] != 0), None)
        if p is None:
            return None
        M[c], M[p] = M[p], M[c]
        inv = 1 / M[c][c]
        for r in range(n):
            if r != c and M[r][c] != 0:
                f = M[r][c] * inv
                for k in range(c, n + 1):
                    M[r][k] -= f * M[c][k]
    return [M[i][n] / M[i][i] for i in range(n)]


def _sub(Wf, sigma):
    """I - W_sigma as Fractions."""
    return [[(1 if i == j else 0) - Wf[i][j] for j in sigma] for i in sigma]


def cramer_numerators(Wf, bf, sigma):
    """s_i^sigma = det(I - W_sigma with column i replaced by b_sigma), i in sigma (CGM19 eq. 2.x).

    ``Wf``, ``bf`` are exact (Fractions); ``sigma`` a sorted tuple of 0-based neurons.
    Returns (det(I - W_sigma), [s_i for i in sigma]) computed literally from determinants.
    """
    A = _sub(Wf, sigma)
    d = det_exact(A)
    s = []
    for c in range(len(sigma)):
        Ac = [row[:] for row in A]
        for r in range(len(sigma)):
            Ac[r][c] = bf[sigma[r]]
        s.append(det_exact(Ac))
    return d, s


def _sgn(v):
    return (v > 0) - (v < 0)


def support_fixed_point_exact(W, b, sigma):
    """Decide exactly whether ``sigma`` is a fixed-point support of (W, b), by the Cramer signs (3).

    Parameters
    ----------
    W : (N, N) array or list of Fractions
        weights (``W[i, j]`` from j onto i), taken at their exact (binary or rational) values.
    b : (N,) array
        inputs.
    sigma : iterable of int
        the candidate support, 0-based.

    Returns
    -------
    dict with ``is_fixed_point`` (bool), ``degenerate`` (a Cramer numerator or det is exactly 0),
    ``x`` (list of Fractions on sigma, or None if I - W_sigma is singular), ``det`` (Fraction),
    ``index`` (sgn det, eq. 4).
    """
    Wf = W if _is_frac_matrix(W) else to_fraction_matrix(W)
    n = len(Wf)
    bf = b if (isinstance(b, list) and all(isinstance(v, Fraction) for v in b)) else to_fraction_vector(b, n)
    sigma = tuple(sorted(int(i) for i in sigma))
    if any(i < 0 or i >= n for i in sigma):
        raise checks.ParameterError("sigma", sigma, f"neurons in [0, {n - 1}]",
                                    f"sigma = {sigma} is invalid: neurons must lie in [0, {n - 1}]")
    if not sigma:
        ok = all(v <= 0 for v in bf)
        return {"is_fixed_point": ok, "degenerate": any(v == 0 for v in bf), "x": [], "det": Fraction(1),
                "index": 1}
    d, s = cramer_numerators(Wf, bf, sigma)
    degenerate = d == 0 or any(v == 0 for v in s)
    # Cramer condition 1: all s_i^sigma share one nonzero sign (then x_i = s_i / det > 0 needs sgn det too).
    signs = {_sgn(v) for v in s}
    ok = d != 0 and len(signs) == 1 and 0 not in signs and _sgn(d) == signs.pop()
    if ok:
        # Cramer condition 2: for k outside, sgn s_k^{sigma+k} = -sgn s_j^sigma, or s_k^{sigma+k} = 0
        # (a zero input to k is allowed: x_k = 0 with u_k = 0, a degenerate fixed point).
        sj = _sgn(s[0])
        for k in range(n):
            if k in sigma:
                continue
            tau = tuple(sorted(sigma + (k,)))
            _, sk = cramer_numerators(Wf, bf, tau)
            v = sk[tau.index(k)]
            if v == 0:
                degenerate = True
            elif _sgn(v) != -sj:
                ok = False
                break
    x = [v / d for v in s] if d != 0 else None
    return {"is_fixed_point": bool(ok), "degenerate": bool(degenerate), "x": x, "det": d, "index": _sgn(d)}


def _is_frac_matrix(W):
    return isinstance(W, list) and W and isinstance(W[0], list) and all(isinstance(v, Fraction) for v in W[0])


def hurwitz_stable_exact(M):
    """Exactly decide whether every eigenvalue of the rational matrix ``M`` has negative real part.

    Uses the Routh-Hurwitz criterion: for the monic characteristic polynomial
    p(z) = z^n + a_1 z^{n-1} + ... + a_n, all roots lie in Re z < 0 iff all n Hurwitz
    determinants are > 0.  ``M`` is a list of lists of Fractions (or numbers).
    """
    n = len(M)
    if n == 0:
        return True
    Ms = sp.Matrix([[sp.Rational(v.numerator, v.denominator) if isinstance(v, Fraction) else sp.nsimplify(v)
                     for v in row] for row in M])
    z = sp.Symbol("z")
    coeffs = Ms.charpoly(z).all_coeffs()  # [1, a1, ..., an]
    a = [Fraction(int(c.p), int(c.q)) for c in (sp.Rational(c) for c in coeffs)]
    H = [[Fraction(0)] * n for _ in range(n)]
    for i in range(n):
        for j in range(n):
            k = 2 * j - i + 1  # H_ij = a_{2j - i + 1} (1-based i, j -> 0-based shift)
            if 0 <= k <= n:
                H[i][j] = a[k]
    for m in range(1, n + 1):
        if det_exact([row[:m] for row in H[:m]]) <= 0:
            return False
    return True


def fixed_point_supports_exact(W, b, stability=True):
    """All fixed-point supports of a small TLN, decided exactly (rational arithmetic).

    Brute force over all 2^N subsets with the Cramer sign conditions (3); N <= 10.
    Returns a list of dicts (``support`` as a tuple of 0-based neurons, ``x`` Fractions,
    ``index``, ``stable`` (Routh-Hurwitz on -I + W_sigma, exact), ``degenerate``), sorted by
    size then lexicographically.
    """
    Wf = to_fraction_matrix(W)
    n = len(Wf)
    if n > 10:
        raise checks.ParameterError("W", f"N = {n}", "N <= 10 for the exact enumeration",
                                    f"N = {n} is too large for the exact enumeration: must be <= 10")
    bf = to_fraction_vector(b, n)
    out = []
    for size in range(n + 1):
        for sigma in combinations(range(n), size):
            r = support_fixed_point_exact(Wf, bf, sigma)
            if r["is_fixed_point"]:
                rec = {"support": sigma, "x": r["x"], "index": r["index"], "degenerate": r["degenerate"]}
                if stability:
                    J = [[(-1 if i == j else 0) + Wf[i][j] for j in sigma] for i in sigma]
                    rec["stable"] = hurwitz_stable_exact(J)
                out.append(rec)
    return out


def index_sum(supports):
    """Sum of idx over a list of fixed points (dicts with ``index``): +1 for non-degenerate TLNs."""
    return int(sum(r["index"] for r in supports))


# ------------------------------------------------------------------------------ support codes
def support_to_mask(sigma):
    """Tuple of 0-based neurons -> integer bitmask (bit i set for neuron i)."""
    m = 0
    for i in sigma:
        m |= 1 << int(i)
    return m


def mask_to_support(mask, n=None):
    """Integer bitmask -> sorted tuple of 0-based neurons."""
    mask = int(mask)
    out = []
    i = 0
    while mask:
        if mask & 1:
            out.append(i)
        mask >>= 1
        i += 1
    return tuple(out)


def all_supports(n):
    """Every subset of range(n) as a tuple, by size then lexicographically."""
    return [s for k in range(n + 1) for s in combinations(range(n), k)]


# ------------------------------------------------------------------ symmetric networks
def permitted_sets(W, exact=False):
    """Permitted sets of a symmetric TLN (Hahnloser, Seung, Slotine 2003, Neural Comput 15:621).

    For symmetric W a set sigma is *permitted* if some input b makes sigma the support of a stable
    fixed point, which holds iff I - W_sigma is positive definite (all eigenvalues of W_sigma
    below 1); otherwise sigma is *forbidden*.  By eigenvalue interlacing every subset of a
    permitted set is permitted and every superset of a forbidden set forbidden, so the permitted
    sets form a simplicial complex.  ``exact`` decides positive definiteness by Sylvester's
    criterion (all leading principal minors > 0) in rationals.  Returns the nonempty permitted
    sets as 0-based tuples (N <= 16).
    """
    W = checks.square_matrix("W", W)
    n = W.shape[0]
    if n > 16:
        raise checks.ParameterError("W", f"N = {n}", "N <= 16 for the permitted-set enumeration",
                                    f"N = {n} is too large for the permitted-set enumeration: must be <= 16")
    if not np.array_equal(W, W.T):
        raise checks.ParameterError("W", "not symmetric", "symmetric (Hahnloser et al. 2003)",
                                    "W must be symmetric for permitted and forbidden sets (Hahnloser et al. 2003)")
    Wf = to_fraction_matrix(W) if exact else None
    out = []
    for sigma in all_supports(n)[1:]:
        if exact:
            A = _sub(Wf, sigma)
            ok = all(det_exact([row[:m] for row in A[:m]]) > 0 for m in range(1, len(sigma) + 1))
        else:
            s = list(sigma)
            ok = bool(np.linalg.eigvalsh(np.eye(len(s)) - W[np.ix_(s, s)]).min() > 0)
        if ok:
            out.append(sigma)
    return out
