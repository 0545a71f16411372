r"""All fixed points of an N-population SSN with integer power n, by homotopy continuation.

Fixed points of :math:`\tau\dot r = -r + k[u]_+^n`, :math:`u = W r + h` (u in mV, r in Hz, W in
mV/Hz, k in Hz/mV^n).  On a support S (the populations with u_a > 0) the active net inputs
:math:`x = u_S` solve the polynomial system

.. math::  f(x) = -x + k\,W_{SS}\,x^{\circ n} + h_S = 0 ,

and a solution is a fixed point iff x > 0 and the silent populations have
:math:`u_a = h_a + k\sum_{b\in S} W_{ab} x_b^n \le 0`.  Enumerating the 2^N supports and *all*
complex roots of each system gives every fixed point.

The roots are found by total-degree homotopy continuation with the gamma trick (Sommese &
Wampler 2005, The Numerical Solution of Systems of Polynomials, World Scientific, ch. 8;
Bates, Hauenstein, Sommese, Wampler 2013, Numerically Solving Polynomial Systems with Bertini):
the start system :math:`g_i = x_i^n - 1` has the n^m roots of unity tuples; the homotopy
:math:`H(x, t) = (1-t)\,\gamma\, g(x) + t\, f(x)` with a random complex gamma has, with
probability one, no singular point for t in [0, 1), so the n^m paths lead from the start roots to
all isolated roots of f (Bezout count n^m, attained when det W_SS != 0: then f has no root at
infinity, because the leading forms k W_SS x^n vanish only at x = 0).  Paths are tracked in
projective coordinates (x = X / X_0 on a random affine patch c . X = 1), so that paths going to
infinity (singular W_SS) stay finite; RK4 predictor, Newton corrector, adaptive step.

Completeness is checked, not assumed: when det W_SS != 0 every path must converge and the n^m
endpoints must be distinct; otherwise the support is re-tracked with a new gamma and smaller
steps, and a failure after that is reported (``complete`` False in the result) rather than hidden.

No maintained Python homotopy library installs here from PyPI (phcpy needs PHCpack's Ada build;
Bertini and HomotopyContinuation.jl are not Python), so the tracker is written in numba.  The path
loop is serial: a support has at most n^N paths (27 for N = 3, n = 3), each ~1e-3 s, and the
serial kernel compiles in a third of the time of a ``parallel=True`` one and loads from the cache
in 0.1 s instead of ~3 s (the threading layer), which matters for ``recnet predict``.
"""
from __future__ import annotations

import itertools

import numpy as np

from recnet import checks
from recnet.numerics._jit import njit

__all__ = ["all_fixed_points", "support_roots", "track_paths"]


# ------------------------------------------------------------------------------------- kernels
@njit
def _eval(Z, t, A, b, k, n, gamma, c, H, JH, Ht):
    """Homotopy H(Z, t), its Jacobian in Z and dH/dt, projective coordinates Z = (X0, X1..Xm)."""
    m = A.shape[0]
    X0 = Z[0]
    X0n1 = X0 ** (n - 1) if n >= 1 else 1.0 + 0j
    X0n = X0n1 * X0
    X0n2 = X0 ** (n - 2) if n >= 2 else 0j
    omt = (1.0 - t) * gamma
    for i in range(m):
        Xi = Z[i + 1]
        F = -Xi * X0n1 + b[i] * X0n
        dF0 = -(n - 1) * Xi * X0n2 + n * b[i] * X0n1
        for j in range(m):
            Xj = Z[j + 1]
            F += k * A[i, j] * Xj ** n
            JH[i, j + 1] = t * k * n * A[i, j] * Xj ** (n - 1)
        JH[i, i + 1] += -t * X0n1
        G = Xi ** n - X0n
        H[i] = omt * G + t * F
        Ht[i] = F - gamma * G
        JH[i, 0] = omt * (-n * X0n1) + t * dF0
        JH[i, i + 1] += omt * n * Xi ** (n - 1)
    s = -1.0 + 0j
    for j in range(m + 1):
        s += c[j] * Z[j]
        JH[m, j] = c[j]
    H[m] = s
    Ht[m] = 0j


@njit
def _solve(M, rhs, out):
    """Gaussian elimination with partial pivoting (complex); returns False if singular."""
    n = rhs.size
    A = M.copy()
    x = rhs.copy()
    for col in range(n):
        p = col
        best = abs(A[col, col])
        for r in range(col + 1, n):
            if abs(A[r, col]) > best:
                best = abs(A[r, col])
                p = r
        if best == 0.0 or not np.isfinite(best):
            return False
        if p != col:
            for j in range(n):
                tmp = A[col, j]
                A[col, j] = A[p, j]
                A[p, j] = tmp
            tmp = x[col]
            x[col] = x[p]
            x[p] = tmp
        for r in range(col + 1, n):
            f = A[r, col] / A[col, col]
            if f != 0:
                for j in range(col, n):
                    A[r, j] -= f * A[col, j]
                x[r] -= f * x[col]
    for r in range(n - 1, -1, -1):
        s = x[r]
        for j in range(r + 1, n):
            s -= A[r, j] * out[j]
        out[r] = s / A[r, r]
    return True


@njit
def _norm(z):
    s = 0.0
    for v in z:
        s += v.real * v.real + v.imag * v.imag
    return np.sqrt(s)


@njit
def _velocity(Z, t, A, b, k, n, gamma, c, H, JH, Ht, out):
    _eval(Z, t, A, b, k, n, gamma, c, H, JH, Ht)
    return _solve(JH, -Ht, out)


@njit
def _track_one(Z0, A, b, k, n, gamma, c, dt_max, Zout):
    """Track one path from t = 0 to 1; returns 1 on success, 0 on failure (Zout = endpoint)."""
    m1 = Z0.size
    H = np.empty(m1, np.complex128)
    Ht = np.empty(m1, np.complex128)
    JH = np.zeros((m1, m1), np.complex128)
    k1 = np.empty(m1, np.complex128)
    k2 = np.empty(m1, np.complex128)
    k3 = np.empty(m1, np.complex128)
    k4 = np.empty(m1, np.complex128)
    d = np.empty(m1, np.complex128)
    Z = Z0.copy()
    Zp = Z0.copy()
    t = 0.0
    dt = 0.25 * dt_max
    nsucc = 0
    n_steps = 0
    while t < 1.0:
        n_steps += 1
        if n_steps > 200000:
            return 0
        h = min(dt, 1.0 - t)
        ok = _velocity(Z, t, A, b, k, n, gamma, c, H, JH, Ht, k1)
        ok = ok and _velocity(Z + 0.5 * h * k1, t + 0.5 * h, A, b, k, n, gamma, c, H, JH, Ht, k2)
        ok = ok and _velocity(Z + 0.5 * h * k2, t + 0.5 * h, A, b, k, n, gamma, c, H, JH, Ht, k3)
        ok = ok and _velocity(Z + h * k3, t + h, A, b, k, n, gamma, c, H, JH, Ht, k4)
        conv = False
        if ok:
            Zp = Z + h / 6.0 * (k1 + 2.0 * k2 + 2.0 * k3 + k4)
            step = _norm(Zp - Z)
            prev = np.inf
            for it in range(4):
                _eval(Zp, t + h, A, b, k, n, gamma, c, H, JH, Ht)
                if not _solve(JH, -H, d):
                    break
                nd = _norm(d)
                # contraction, and the corrector may only refine the predictor (no path jumping)
                if nd > 0.5 * prev or nd > 0.1 * step + 1e-9 * (1.0 + _norm(Zp)):
                    break
                prev = nd
                Zp = Zp + d
                if nd <= 1e-11 * (1.0 + _norm(Zp)):
                    conv = True
                    break
        if conv:
            Z = Zp
            t += h
            nsucc += 1
            if nsucc >= 3:
                dt = min(2.0 * dt, dt_max)
                nsucc = 0
        else:
            dt *= 0.5
            nsucc = 0
            if dt < 1e-14:
                Zout[:] = Z
                return 0
    # polish at t = 1
    for it in range(6):
        _eval(Z, 1.0, A, b, k, n, gamma, c, H, JH, Ht)
        if not _solve(JH, -H, d):
            break
        Z = Z + d
        if _norm(d) <= 1e-15 * (1.0 + _norm(Z)):
            break
    Zout[:] = Z
    return 1


@njit
def _track_kernel(starts, A, b, k, n, gamma, c, dt_max, ends, status):
    for p in range(starts.shape[0]):
        status[p] = _track_one(starts[p], A, b, k, n, gamma, c, dt_max, ends[p])


def _start_points(m, n, c):
    """The n^m roots-of-unity tuples (X0 = 1), scaled onto the patch c . Z = 1."""
    w = np.exp(2j * np.pi * np.arange(n) / n)
    out = np.empty((n ** m, m + 1), np.complex128)
    for p, idx in enumerate(itertools.product(range(n), repeat=m)):
        z = np.r_[1.0 + 0j, w[list(idx)]]
        out[p] = z / (c @ z)
    return out


def homotopy_setup(A, b, n, seed=0):
    """The random parts of the homotopy from ``seed``: (A, b as contiguous floats, gamma, c, start
    points); shared by ``track_paths`` and its test twin so both track the same paths."""
    gen = checks.rng(seed)
    A = np.ascontiguousarray(A, float)
    b = np.ascontiguousarray(b, float)
    m = A.shape[0]
    gamma = np.exp(2j * np.pi * gen.uniform())
    c = gen.normal(size=m + 1) + 1j * gen.normal(size=m + 1)
    return A, b, gamma, c, _start_points(m, int(n), c)


def track_paths(A, b, k, n, seed=0, dt_max=0.05):
    """Endpoints of all n^m total-degree homotopy paths for -x + k A x^n + b = 0 (numba).

    Returns (ends, status, gamma): ``ends`` (n^m, m+1) projective endpoints (X0, X), ``status`` 1
    for a converged path.
    """
    A, b, gamma, c, starts = homotopy_setup(A, b, n, seed)
    ends = np.zeros_like(starts)
    status = np.zeros(starts.shape[0], np.int64)
    _track_kernel(starts, A, b, float(k), int(n), gamma, c, float(dt_max), ends, status)
    return ends, status, gamma


# ------------------------------------------------------------------------------------- drivers
def _real_newton(x, A, b, k, n, iters=8):
    """Polish a real root of f(x) = -x + k A x^n + b in float64."""
    m = x.size
    for _ in range(iters):
        f = -x + k * A @ x ** n + b
        J = -np.eye(m) + k * n * A * (x ** (n - 1))[None, :]
        try:
            d = np.linalg.solve(J, -f)
        except np.linalg.LinAlgError:
            break
        x = x + d
        if np.max(np.abs(d)) <= 1e-15 * (1 + np.max(np.abs(x))):
            break
    return x


def support_roots(A, b, k, n, seed=0, max_tries=3):
    """All complex roots of -x + k A x^n + b = 0 (x in C^m), by homotopy, with a completeness check.

    Returns (roots, complete): ``roots`` an array (r, m) complex of the distinct finite endpoints,
    ``complete`` True when every path converged and, for det A != 0, the n^m endpoints are distinct
    (then they are all the roots).  Tries up to ``max_tries`` gammas with halved maximum steps.
    """
    A = np.asarray(A, float)
    m = A.shape[0]
    nonsingular = abs(np.linalg.det(A)) > 1e-12 * max(1.0, np.max(np.abs(A))) ** m
    dt_max = 0.05
    gen = checks.rng(seed)
    for attempt in range(max_tries):
        ends, status, _ = track_paths(A, b, k, n, seed=gen, dt_max=dt_max)
        good = status == 1
        X0 = ends[:, 0]
        scale = np.max(np.abs(ends), axis=1)
        finite = good & (np.abs(X0) > 1e-8 * scale)
        roots = ends[finite, 1:] / X0[finite, None]
        uniq = []
        for r in roots:
            if all(np.max(np.abs(r - u)) > 1e-7 * (1 + np.max(np.abs(u))) for u in uniq):
                uniq.append(r)
        complete = bool(good.all()) and (not nonsingular or len(uniq) == n ** m)
        if complete:
            break
        dt_max *= 0.5
    return np.array(uniq, complex).reshape(-1, m), complete


def all_fixed_points(W, h, k, n, seed=0):
    """Every fixed point u (mV) of the N-population SSN with integer power n, by support enumeration
    and homotopy continuation on each support.

    Parameters
    ----------
    W : (N, N) signed weights, mV/Hz.  h : (N,) inputs, mV.  k : Hz/mV^n.  n : integer >= 1.
    seed : int or Generator, for the random gamma and patch.

    Returns
    -------
    (us, info): ``us`` a list of net-input vectors (mV) of all fixed points, ``info`` a dict with
    ``complete`` (every support passed the completeness check), ``n_paths`` and ``supports``.
    """
    W = checks.square_matrix("W", W)
    N = W.shape[0]
    h = checks.array("h", h, ndim=1, shape=(N,))
    k = checks.positive("k", k, "Hz/mV^n")
    n = checks.integer("n", n, minimum=1, maximum=12)
    gen = checks.rng(seed)
    found = []
    complete = True
    n_paths = 0
    scale = 1.0 + np.max(np.abs(h))
    for m in range(N + 1):
        for S in itertools.combinations(range(N), m):
            S = list(S)
            Z = [a for a in range(N) if a not in S]
            if m == 0:
                if np.all(h <= 0):
                    found.append(h.copy())
                continue
            A = W[np.ix_(S, S)]
            roots, ok = support_roots(A, h[S], k, n, seed=gen)
            complete &= ok
            n_paths += n ** m
            for r in roots:
                if np.max(np.abs(r.imag)) > 1e-6 * (1 + np.max(np.abs(r.real))):
                    continue
                x = _real_newton(r.real.copy(), A, h[S], k, n)
                if not np.all(np.isfinite(x)) or np.any(x <= 0):
                    continue
                u = np.empty(N)
                u[S] = x
                u[Z] = h[Z] + k * W[np.ix_(Z, S)] @ x ** n
                if np.any(u[Z] > 0):
                    continue
                res = -u + W @ (k * np.maximum(u, 0) ** n) + h
                if np.max(np.abs(res)) > 1e-8 * (scale + np.max(np.abs(u))):
                    continue
                if all(np.max(np.abs(u - v)) > 1e-9 * (scale + np.max(np.abs(v))) for v in found):
                    found.append(u)
    return found, {"complete": complete, "n_paths": n_paths, "supports": 2 ** N}
