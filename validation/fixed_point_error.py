r"""How far an approximate fixed point can be from the true one: an a-posteriori bound.

A simulation run to equilibrium, or a root solver, ends at x with a small residual F(x) (F = 0 at
the fixed point).  By the Newton-Kantorovich theorem (Kantorovich & Akilov 1982, ch. XVIII;
Ortega & Rheinboldt 1970, 12.6.2), if the Newton step eta = ||J(x)^{-1} F(x)|| and
h = ||J(x)^{-1}|| L eta <= 1/2 (L a Lipschitz constant of J near x), a zero x* exists with

.. math:: \|x - x^*\| \le \frac{1 - \sqrt{1 - 2h}}{h}\,\eta \le 2\eta .

h is estimated from the second Newton step: ||d_2|| <= h eta / (2 (1 - h)), so
h_est = 2 r / (1 + 2 r), r = ||d_2|| / eta.  Floating point adds a floor: F is evaluated with an
error of at most gamma_m sum_j |terms_ij| per component (Higham 2002, eq. 3.4: gamma_m = m u /
(1 - m u), u = 2^-53, m the operations per component), which moves the computed zero by at most
||J^{-1}||_inf times that.  The bound returned is 2 eta + floor (valid whenever h <= 1/2; None
with the reason when the estimate says h > 1/2, i.e. x has not converged).

Used for the deterministic rows that compare a simulated equilibrium with a predicted one
(``ssn``), in place of stated relative tolerances.
"""
from __future__ import annotations

import numpy as np

__all__ = ["newton_distance", "gamma", "ssn_residual", "tln_residual", "equilibrium_distance"]

U = 2.0 ** -53


def gamma(m):
    """Higham's gamma_m = m u / (1 - m u): the relative error bound of m floating-point operations."""
    return m * U / (1 - m * U)


def newton_distance(F, J, x, abs_terms, ops):
    """A-posteriori bound on max_i |x_i - x*_i| for an approximate zero x of F (see the module notes).

    Parameters
    ----------
    F, J : callable
        residual (n,) and its Jacobian (n, n) at a point.
    x : array (n,)
    abs_terms : callable
        componentwise sum of the absolute values of the terms of F at x (for the round-off floor).
    ops : int
        floating-point operations per component of F.

    Returns
    -------
    dict: ``bound`` (max-norm, None if not converged), ``eta``, ``h_est``, ``floor``, ``why``.
    """
    x = np.asarray(x, float)
    Jx = np.asarray(J(x), float)
    Jinv = np.linalg.inv(Jx)
    d1 = -Jinv @ np.asarray(F(x), float)
    eta = float(np.max(np.abs(d1)))
    floor = float(np.max(np.sum(np.abs(Jinv), axis=1)) * gamma(ops) * np.max(abs_terms(x)))
    x1 = x + d1
    try:
        d2 = -np.linalg.solve(np.asarray(J(x1), float), np.asarray(F(x1), float))
        r = float(np.max(np.abs(d2))) / eta if eta > 0 else 0.0
    except np.linalg.LinAlgError:   # the first step left the region where J is invertible
        r = float("inf")
    r = r if np.isfinite(r) else float("inf")
    h_est = 1.0 if r == float("inf") else 2 * r / (1 + 2 * r)
    # below the floor the second step is round-off itself and says nothing about h
    converged = h_est <= 0.5 or eta <= 2 * floor
    bound = 2 * eta + floor if converged else None
    why = (f"Newton-Kantorovich: 2 x Newton step {eta:.2g} + round-off floor {floor:.2g} "
           f"(||J^-1|| gamma_{ops} sum|terms|; h estimated {h_est:.2g} <= 1/2)" if converged else
           f"not converged: Newton step {eta:.2g}, second step / first = {r:.2g} (h > 1/2)")
    return {"bound": bound, "eta": eta, "h_est": h_est, "floor": floor, "why": why}


def ssn_residual(W, h, k, n):
    """(F, J, abs_terms, ops) of the SSN fixed-point equation F(r) = -r + k [W r + h]_+^n (Hz)."""
    W = np.asarray(W, float)
    h = np.asarray(h, float)
    Wa = np.abs(W)

    def F(r):
        return -r + k * np.maximum(W @ r + h, 0.0) ** n

    def J(r):
        u = np.maximum(W @ r + h, 0.0)
        return -np.eye(len(r)) + (k * n * u ** (n - 1))[:, None] * W

    def abs_terms(r):
        # |r| + k u^n and the input's own rounding (sum |W r| + |h|) through the slope k n u^(n-1)
        u = np.maximum(W @ r + h, 0.0)
        return np.abs(r) + k * u ** n + k * n * u ** (n - 1) * (Wa @ np.abs(r) + np.abs(h))

    return F, J, abs_terms, W.shape[0] + 4 + int(np.ceil(n))


def tln_residual(W, b):
    """(F, J, abs_terms, ops) of the threshold-linear fixed-point equation F(x) = -x + [W x + b]_+."""
    W = np.asarray(W, float)
    b = np.asarray(b, float)
    Wa = np.abs(W)

    def F(x):
        return -x + np.maximum(W @ x + b, 0.0)

    def J(x):
        return -np.eye(len(x)) + ((W @ x + b) > 0)[:, None] * W

    def abs_terms(x):
        return 2 * np.abs(x) + Wa @ np.abs(x) + np.abs(b)

    return F, J, abs_terms, W.shape[0] + 3


def equilibrium_distance(residual, x_end, x_pred):
    """Allowed max |x_end - x_pred| for two approximations of one fixed point: the sum of their
    bounds (:func:`newton_distance`); inf if either has not converged.  ``residual`` is a
    (F, J, abs_terms, ops) tuple (:func:`ssn_residual`, :func:`tln_residual`)."""
    F, J, terms, ops = residual
    tot = 0.0
    for x in (np.asarray(x_end, float), np.asarray(x_pred, float)):
        bnd = newton_distance(F, J, x, terms, ops)["bound"]
        if bnd is None:
            return float("inf")
        tot += bnd
    return tot
