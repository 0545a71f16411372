r"""Participation ratio of the zero-frequency covariance of a linear(ised) random network.

Closed form at N -> infinity (derivation in :mod:`recnet.theory.dimension_linear`; Hu &
Sompolinsky 2022, PLoS Comput Biol 18:e1010327; Clark, Abbott & Litwin-Kumar 2023, PRL
131:118401): with :math:`S_{ab} = g_{ab}^2\phi_b'^2` and A = diag(alpha),

.. math::

    u = (1 - S^TA)^{-1}\mathbf 1,\quad v = (1 - SA)^{-1}\mathbf 1,\quad
    u' = (1 - S^TA)^{-1}(u^2 v),\qquad
    \frac{\mathrm{PR}}{N} = \frac{(\alpha\cdot u)^2}{\alpha\cdot u'}

(one population: :math:`(1 - g^2\phi'^2)^2`), for the covariance
:math:`S_0 = \sigma^2(1 - X)^{-1}(1 - X)^{-T}` of activity integrated over windows much longer than
the correlation time.  Exact finite-N covariances of one sampled matrix (the oracles):
:func:`zero_frequency_covariance` and :func:`equal_time_covariance` (Lyapunov equation).
"""
from __future__ import annotations

import numpy as np

from recnet.checks import ParameterError

__all__ = ["participation_ratio_linear", "zero_frequency_covariance", "equal_time_covariance",
           "participation_ratio_of"]


def participation_ratio_linear(alpha, s):
    r"""Large-N moments and participation ratio of the zero-frequency covariance.

    Parameters
    ----------
    alpha : (P,) array
        population fractions (sum 1).
    s : (P, P) array or float
        :math:`S_{ab} = g_{ab}^2\phi_b'^2` (row a receives), the variance profile of the linear
        connectivity times N.

    Returns
    -------
    dict with ``participation_ratio_per_n`` (:math:`m_1^2/m_2`), ``mean_variance`` (:math:`m_1`,
    tr S_0 / N per unit noise intensity), ``second_moment`` (:math:`m_2`, tr S_0^2 / N) and
    ``bulk_radius_squared`` (:math:`\rho(S\,\mathrm{diag}\,\alpha)`).

    Raises
    ------
    ParameterError
        when :math:`\rho(S\,\mathrm{diag}\,\alpha) \ge 1` (no stationary fluctuations).
    """
    a = np.atleast_1d(np.asarray(alpha, float))
    P = a.size
    S = np.asarray(s, float)
    if S.ndim == 0:
        S = np.full((P, P), float(S))
    if S.shape != (P, P) or np.any(S < 0) or not np.all(np.isfinite(S)):
        raise ParameterError("s", s, f"a {P} x {P} matrix of non-negative numbers")
    SA = S * a[None, :]
    rho = float(np.max(np.abs(np.linalg.eigvals(SA))))
    if not rho < 1.0:
        raise ParameterError("g", np.sqrt(S).tolist(), "a bulk of squared radius < 1 (the linear network is unstable "
                             f"at rho = {rho:.4g})")
    one = np.ones(P)
    StA = S.T * a[None, :]  # (S^T A)_ab = S_ba alpha_b
    u = np.linalg.solve(np.eye(P) - StA, one)
    v = np.linalg.solve(np.eye(P) - SA, one)
    du = np.linalg.solve(np.eye(P) - StA, u * u * v)
    m1, m2 = float(a @ u), float(a @ du)
    return {"participation_ratio_per_n": m1 * m1 / m2, "mean_variance": m1, "second_moment": m2,
            "bulk_radius_squared": rho}


def zero_frequency_covariance(W, noise=1.0):
    r"""Exact :math:`S_0 = \sigma^2(1 - W)^{-1}(1 - W)^{-T}` of :math:`\dot x = -x + Wx + \sigma\xi` for one W."""
    W = np.asarray(W, float)
    B = np.linalg.inv(np.eye(W.shape[0]) - W)
    return noise * (B @ B.T)


def equal_time_covariance(W, noise=1.0):
    r"""Exact equal-time covariance C of :math:`\dot x = -x + Wx + \sigma\xi`: the solution of the
    Lyapunov equation :math:`(W - 1)C + C(W - 1)^T + \sigma^2 = 0` (scipy's Bartels-Stewart solver)."""
    from scipy.linalg import solve_continuous_lyapunov
    W = np.asarray(W, float)
    A = W - np.eye(W.shape[0])
    C = solve_continuous_lyapunov(A, -noise * np.eye(W.shape[0]))
    return 0.5 * (C + C.T)


def participation_ratio_of(C):
    """(tr C)^2 / tr(C^2) of a symmetric matrix."""
    C = np.asarray(C, float)
    return float(np.trace(C) ** 2 / np.sum(C * C))
