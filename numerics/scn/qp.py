"""The quadratic program whose solution is the firing rates of a spike-coding network.

In the limit of small spikes the time-averaged filtered spike trains r of a spike-coding network
with decoder D, costs mu, nu and thresholds T solve (Barrett, Deneve, Machens 2013, NIPS;
Mancoo, Keemink, Machens 2020, NeurIPS)

    r* = argmin_{r >= 0}  1/2 ||x - D r||^2 + mu/2 ||r||^2 + t^T r,
    t_i = T_i - (||D_i||^2 + mu)/2       (effective threshold: mid-point of the voltage range),

with Boerlin thresholds T_i = (||D_i||^2 + mu + nu)/2 this is t_i = nu/2, i.e. the loss
||x - D r||^2 + mu ||r||^2 + nu ||r||_1 of Boerlin et al. (2013).  KKT conditions (G = D^T D + mu I):

    V_i := D_i^T (x - D r) - mu r_i <= t_i,    r_i >= 0,    r_i (t_i - V_i) = 0,

i.e. active neurons sit on their (effective) threshold, silent ones below it: the coding error
lies in the bounding box {e : D_i^T e - mu r_i <= t_i}.

Solvers: ``active_set_qp`` (Lawson-Hanson active set on the normal equations, exact for PSD G,
numpy); ``nnls_rates`` (scipy.optimize.nnls after a Cholesky factorisation, for positive definite
G); ``generic_qp`` (scipy.optimize.minimize L-BFGS-B with bounds: the independent cross-check).
"""
from __future__ import annotations

import numpy as np
from scipy import linalg, optimize

from recnet import checks

__all__ = ["active_set_qp", "nnls_rates", "generic_qp", "rates", "kkt_residual", "lcp_lemke", "dynamics_rates", "lcp_residual",
           "effective_thresholds", "finite_spike_bias_bound"]


def _check_qp(G, h):
    G = checks.square_matrix("G", G)
    h = checks.array("h", h, ndim=1, shape=(G.shape[0],))
    if not np.allclose(G, G.T, rtol=1e-10, atol=1e-12 * max(1.0, np.abs(G).max())):
        raise checks.ParameterError("G", "not symmetric", "symmetric (G = D^T D + mu I)",
                                    "G is not symmetric: the rate QP needs G = D^T D + mu I")
    return G, h


def active_set_qp(G, h, *, tol=1e-12, max_iter=None):
    """Solve ``min_{r >= 0} 1/2 r^T G r - h^T r`` for symmetric positive semi-definite G.

    Lawson-Hanson active-set iteration (the NNLS algorithm written on the normal equations):
    add the coordinate with the largest positive gradient component ``w = h - G r``, solve the
    equality-constrained problem on the passive set (least squares if singular), step back to the
    feasible boundary when a coordinate would turn negative.  Terminates in finitely many steps.

    Returns
    -------
    r : (N,) array, the minimiser (unique if G is positive definite).
    """
    G, h = _check_qp(G, h)
    N = G.shape[0]
    scale = max(1.0, np.abs(G).max(), np.abs(h).max())
    eps = tol * scale * N
    r = np.zeros(N)
    P = np.zeros(N, bool)
    max_iter = 10 * N + 50 if max_iter is None else max_iter
    for _ in range(max_iter):
        w = h - G @ r
        cand = np.where(~P, w, -np.inf)
        j = int(np.argmax(cand))
        if not cand[j] > eps:
            return r
        P[j] = True
        while True:
            idx = np.flatnonzero(P)
            z = np.zeros(N)
            z[idx] = linalg.lstsq(G[np.ix_(idx, idx)], h[idx], cond=None)[0]
            if np.all(z[idx] > eps * 1e-3):
                r = z
                break
            neg = idx[z[idx] <= eps * 1e-3]
            alpha = np.min(r[neg] / (r[neg] - z[neg]))
            r = r + alpha * (z - r)
            P &= ~(r <= eps * 1e-3)
            r[~P] = 0.0
            if not P.any():
                break
    raise RuntimeError(f"active-set QP did not converge in {max_iter} iterations")


def nnls_rates(G, h):
    """Solve the same QP with ``scipy.optimize.nnls`` (G must be positive definite).

    With G = L L^T: 1/2 r^T G r - h^T r = 1/2 ||L^T r - L^{-1} h||^2 + const.
    """
    G, h = _check_qp(G, h)
    try:
        L = linalg.cholesky(G, lower=True)
    except linalg.LinAlgError:
        raise checks.ParameterError("G", "not positive definite", "positive definite (or use active_set_qp)",
                                    "G is not positive definite: use active_set_qp (or mu > 0)") from None
    y = linalg.solve_triangular(L, h, lower=True)
    r, _ = optimize.nnls(L.T, y, maxiter=50 * G.shape[0])
    return r


def generic_qp(G, h, r0=None):
    """Solve the same QP with a generic bound-constrained solver (L-BFGS-B); cross-check only."""
    G, h = _check_qp(G, h)
    N = G.shape[0]
    x0 = np.zeros(N) if r0 is None else np.asarray(r0, float)
    res = optimize.minimize(lambda r: 0.5 * r @ G @ r - h @ r, x0, jac=lambda r: G @ r - h,
                            method="L-BFGS-B", bounds=[(0, None)] * N,
                            options=dict(ftol=1e-15, gtol=1e-12, maxiter=100000))
    return res.x


def effective_thresholds(D, T, mu=0.0):
    """``t_i = T_i - (||D_i||^2 + mu)/2``: the mid-point of neuron i's voltage range (latent units)."""
    D = checks.array("D", D, ndim=2)
    T = checks.array("T", T, ndim=1, shape=(D.shape[1],))
    return T - 0.5 * (np.sum(D * D, axis=0) + mu)


def rates(D, x, *, T=None, mu=0.0, nu=0.0, method="active-set"):
    """Predicted time-averaged filtered spike trains r* of an SCN (see module docstring).

    Parameters
    ----------
    D : (K, N) decoder; x : (K,) latent signal (latent units); T : (N,) thresholds (default
    Boerlin's (||D_i||^2 + mu + nu)/2); mu, nu >= 0: rate costs.
    method : "active-set" | "nnls" | "generic".

    Returns
    -------
    r : (N,) array, dimensionless (firing rate = 1000 r / tau Hz for tau in ms).
    """
    D = checks.array("D", D, ndim=2)
    x = checks.array("x", x, ndim=1, shape=(D.shape[0],))
    mu = checks.nonnegative("mu", mu)
    nu = checks.nonnegative("nu", nu)
    if T is None:
        t = np.full(D.shape[1], 0.5 * nu)
    else:
        t = effective_thresholds(D, T, mu)
    G = D.T @ D + mu * np.eye(D.shape[1])
    h = D.T @ x - t
    if method == "active-set":
        return active_set_qp(G, h)
    if method == "nnls":
        return nnls_rates(G, h)
    if method == "generic":
        return generic_qp(G, h)
    raise checks.ParameterError("method", method, "active-set, nnls or generic",
                                f"method = {method!r} is invalid: choose active-set, nnls or generic")


def kkt_residual(G, h, r):
    """Largest violation of the KKT conditions of ``min_{r>=0} 1/2 r^T G r - h^T r``.

    max over i of: -r_i (primal), -(G r - h)_i (dual), |r_i (G r - h)_i| (complementarity).
    """
    g = G @ r - h
    return float(max(np.max(-r, initial=0.0), np.max(-g, initial=0.0), np.max(np.abs(r * g), initial=0.0)))


def finite_spike_bias_bound(G, r, resets):
    """Bound on the error of the QP prediction from the finite size of spikes.

    An active neuron's voltage moves in [T_i - reset_i, T_i] (reset_i = ||D_i||^2 + mu), so its
    time average differs from the mid-point t_i by at most reset_i/2.  The active rates solve
    G_AA r_A = h_A - eps_A exactly (the voltage is linear in r), so

        |delta r_i| <= sum_j |(G_AA^{-1})_ij| reset_j / 2   (i, j active).

    Returns the bound per neuron (0 for silent ones).  This ignores kicks by other neurons'
    spikes that push a voltage below T_i - reset_i (small when spikes are small); it is the
    systematic part of the tolerance, statistical errors come on top.
    """
    G = np.asarray(G, float)
    r = np.asarray(r, float)
    resets = np.asarray(resets, float)
    A = np.flatnonzero(r > 0)
    out = np.zeros(len(r))
    if A.size:
        inv = np.linalg.inv(G[np.ix_(A, A)])
        out[A] = np.abs(inv) @ (0.5 * resets[A])
    return out


def dynamic_inversion(W, B, delta, alpha=0.0, tau_r=1.0, tau_u=1.0):
    """Fixed point and stability of dynamic inversion (Podlaski & Machens 2020, NeurIPS).

    tau_r dr/dt = -r + B u,  tau_u du/dt = W r - alpha u - delta  (``theory.scn.dynamic_inversion``).

    Parameters
    ----------
    W : (m, n) forward weights; B : (n, m) feedback; delta : (m,) error; alpha >= 0 controller leak;
    tau_r, tau_u : time constants (ms).

    Returns
    -------
    dict: r_x = B (W B - alpha I)^{-1} delta, u, ``stable_fast_rates`` (max Re eig(W B) < alpha),
    ``stable`` (all eigenvalues of the full Jacobian have negative real part), ``max_real_eig``
    (per ms) and the residual |W r_x - delta| (0 for alpha = 0).
    """
    W = checks.array("W", W, ndim=2)
    m, n = W.shape
    B = checks.array("B", B, ndim=2, shape=(n, m))
    delta = checks.array("delta", delta, ndim=1, shape=(m,))
    alpha = checks.nonnegative("alpha", alpha)
    tau_r = checks.positive("tau_r", tau_r, "ms")
    tau_u = checks.positive("tau_u", tau_u, "ms")
    M = W @ B - alpha * np.eye(m)
    try:
        u = np.linalg.solve(M, delta)
    except np.linalg.LinAlgError:
        raise ValueError("W B - alpha I is singular: no dynamic-inversion fixed point "
                         "(alpha = 0 with an expanding layer, n < m, or unlucky B)") from None
    r = B @ u
    J = np.block([[-np.eye(n) / tau_r, B / tau_r], [W / tau_u, -alpha * np.eye(m) / tau_u]])
    ev = np.linalg.eigvals(J)
    return dict(r_x=r, u=u, stable_fast_rates=bool(np.max(np.linalg.eigvals(W @ B).real) < alpha),
                stable=bool(np.max(ev.real) < 0), max_real_eig=float(np.max(ev.real)),
                residual=float(np.linalg.norm(W @ r - delta)))


# ------------------------------------------------------------------ networks with linear dynamics
def lcp_lemke(M, q, *, tol=1e-12, max_iter=None):
    """Solve the linear complementarity problem w = M z + q, z >= 0, w >= 0, z^T w = 0.

    Lemke's complementary pivoting with covering vector e = 1 (Lemke 1965; Cottle, Pang, Stone
    1992, The Linear Complementarity Problem, sect. 4.4).  It terminates with the solution when M
    is a P-matrix (for instance when M + M^T is positive definite) and returns None on ray
    termination (no solution found: M is not such a matrix).
    """
    M = checks.square_matrix("M", M)
    q = checks.array("q", q, ndim=1, shape=(M.shape[0],))
    n = len(q)
    if np.all(q >= 0):
        return np.zeros(n)
    # tableau rows: w - M z - e z0 = q; columns: w (n), z (n), z0 (1), rhs (1)
    T = np.hstack([np.eye(n), -M, -np.ones((n, 1)), q[:, None]])
    basis = list(range(n))
    max_iter = 50 * (n + 1) if max_iter is None else max_iter

    def pivot(row, col):
        T[row] /= T[row, col]
        for i in range(n):
            if i != row and T[i, col] != 0.0:
                T[i] -= T[i, col] * T[row]

    row = int(np.argmin(q))
    entering = 2 * n
    pivot(row, entering)
    leaving, basis[row] = basis[row], entering
    for _ in range(max_iter):
        entering = leaving + n if leaving < n else leaving - n
        col = T[:, entering]
        rows = np.flatnonzero(col > tol)
        if rows.size == 0:
            return None                                    # ray termination
        ratios = T[rows, -1] / col[rows]
        best = rows[np.flatnonzero(ratios <= ratios.min() + tol)]
        # among ties let the artificial variable leave (then z0 = 0 and we are done)
        z0_rows = [i for i in best if basis[i] == 2 * n]
        row = int(z0_rows[0] if z0_rows else best[0])
        pivot(row, entering)
        leaving, basis[row] = basis[row], entering
        if leaving == 2 * n:
            z = np.zeros(n)
            for i, b in enumerate(basis):
                if n <= b < 2 * n:
                    z[b - n] = max(T[i, -1], 0.0)
            return z
    return None


def dynamics_rates(D, A, c, *, tau, T=None, mu=0.0, nu=0.0):
    """Stationary rates of the SCN that implements dx/dt = A x + c (constant command c, per ms).

    Averaging the network's voltage equation (``numerics.scn``: Omega_s = D^T (A + I/tau) D,
    Omega_f = D^T D + mu I, <s> = <r>/tau) at stationarity gives

        <V> = tau D^T (A D r + c) - mu r,

    and active neurons sit at their effective threshold t_i = T_i - (|D_i|^2 + mu)/2 (silent ones
    below), i.e. the linear complementarity problem

        w = M r + q >= 0,  r >= 0,  r^T w = 0,    M = mu I - tau D^T A D,   q = t - tau D^T c.

    For the autoencoder (A = -I/tau, c = x/tau) this is the QP of ``rates``.  Solved with
    ``lcp_lemke``; returns (r, M, q) with r None when no solution is found (M not a P-matrix).
    """
    D = checks.array("D", D, ndim=2)
    K, N = D.shape
    A = checks.square_matrix("A", A, n=K)
    c = checks.array("c", c, ndim=1, shape=(K,))
    tau = checks.positive("tau", tau, "ms")
    mu = checks.nonnegative("mu", mu)
    nu = checks.nonnegative("nu", nu)
    t = np.full(N, 0.5 * nu) if T is None else effective_thresholds(D, T, mu)
    M = mu * np.eye(N) - tau * (D.T @ A @ D)
    q = t - tau * (D.T @ c)
    return lcp_lemke(M, q), M, q


def lcp_residual(M, q, r):
    """Largest violation of the LCP conditions r >= 0, w = M r + q >= 0, r_i w_i = 0."""
    w = M @ r + q
    return float(max(np.max(-r, initial=0.0), np.max(-w, initial=0.0), np.max(np.abs(r * w), initial=0.0)))
