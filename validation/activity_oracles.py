r"""Processes with known answers for the activity estimators (``recnet.numerics.activity_stats``).

* Linear rate network (Ornstein-Uhlenbeck) :math:`\tau\dot x = -x + Wx + \sqrt{2\tau\sigma^2}\,\xi`
  (time in units of tau), simulated *exactly* at step dt: :math:`x_{s+1} = \Phi x_s + \eta_s` with
  :math:`\Phi = e^{(W-1)dt}` and :math:`\eta_s \sim N(0, P - \Phi P \Phi^T)`, P the stationary
  covariance from the Lyapunov equation :math:`(W-1)P + P(W-1)^T + 2\sigma^2 = 0`
  (``scipy.linalg.solve_continuous_lyapunov``), started in the stationary state.
  The exact covariance of bin means of B steps is
  :math:`\frac1B\big[P + \sum_{k=1}^{B-1}(1-\tfrac kB)(\Phi^k P + P\Phi^{kT})\big]`; for
  B dt -> infinity, times B dt, it tends to the zero-frequency covariance
  :math:`2\sigma^2 (1-W)^{-1}(1-W)^{-T}` of linear response theory (Dahmen et al. 2019).
* Branching process with immigration: :math:`A_{t+1} \sim \mathrm{Poisson}(m A_t + h)`, so
  :math:`E[A_{t+k}|A_t] - \bar A = m^k (A_t - \bar A)` and the regression slopes are exactly
  :math:`r_k = m^k` (Wilting & Priesemann 2018).
"""
from __future__ import annotations

import numpy as np

from recnet.checks import ParameterError, in_range, integer, positive, rng, square_matrix

__all__ = ["random_connectivity", "linear_network_covariances", "simulate_linear_network",
           "simulate_branching"]


def random_connectivity(n, radius, *, seed, normalise="bulk"):
    """Gaussian random matrix (N, N) with known radius.

    ``normalise="bulk"``: rescaled so that sqrt(N mean(W_ij^2)) = ``radius`` exactly, the radius of
    the eigenvalue bulk (circular law) and the R of Dahmen et al. 2019 (their relation holds for it
    up to O(N^-1/2) fluctuations); ``"spectral"``: rescaled so that the largest |eigenvalue| is
    ``radius`` exactly (at finite N the largest eigenvalue lies outside the bulk, so this network's
    Delta belongs to a smaller bulk radius).
    """
    n = integer("n", n, minimum=2)
    r = in_range("radius", radius, 0.0, 1.0, high_inclusive=False)
    if normalise not in ("bulk", "spectral"):
        raise ParameterError("normalise", normalise, "one of 'bulk', 'spectral'")
    g = rng(seed)
    G = g.standard_normal((n, n))
    if normalise == "bulk":
        return G * (r / np.sqrt(n * np.mean(G * G)))
    rho = float(np.max(np.abs(np.linalg.eigvals(G))))
    return G * (r / rho)


def _propagator(W, dt):
    from scipy.linalg import expm, solve_continuous_lyapunov

    W = square_matrix("W", W)
    n = W.shape[0]
    if np.max(np.linalg.eigvals(W).real) >= 1:
        raise ParameterError("W", "<matrix>", "eigenvalues with real part < 1 (a stable linear network)")
    A = W - np.eye(n)
    P = solve_continuous_lyapunov(A, -2.0 * np.eye(n))   # sigma^2 = 1
    Phi = expm(A * positive("dt", dt))
    return P, Phi


def linear_network_covariances(W, dt, bin_steps):
    """Exact covariances of the linear network with unit noise (sigma^2 = 1).

    Returns
    -------
    dict
        ``equal_time`` (P), ``bin_mean`` (covariance of means over bins of ``bin_steps`` samples
        at spacing ``dt``), ``zero_frequency`` (2 (1-W)^{-1} (1-W)^{-T}).
    """
    P, Phi = _propagator(W, dt)
    B = integer("bin_steps", bin_steps, minimum=1)
    n = P.shape[0]
    S = P.copy()
    Pk = np.eye(n)
    for k in range(1, B):
        Pk = Pk @ Phi
        G = Pk @ P
        S += (1.0 - k / B) * (G + G.T)
    Minv = np.linalg.inv(np.eye(n) - square_matrix("W", W))
    return {"equal_time": P, "bin_mean": S / B, "zero_frequency": 2.0 * Minv @ Minv.T}


def simulate_linear_network(W, *, dt, n_bins, bin_steps=1, seed):
    """Exact simulation of the linear rate network; returns bin means, shape (n_bins, N).

    Parameters
    ----------
    W : (N, N) connectivity (stable: Re eigenvalues < 1).
    dt : float
        sampling step in units of the time constant tau.
    n_bins, bin_steps : int
        number of bins returned and samples averaged per bin.
    seed : int or Generator
    """
    P, Phi = _propagator(W, dt)
    nbins = integer("n_bins", n_bins, minimum=1)
    B = integer("bin_steps", bin_steps, minimum=1)
    g = rng(seed)
    n = P.shape[0]
    Lq = np.linalg.cholesky(P - Phi @ P @ Phi.T + 1e-14 * np.eye(n))
    x = np.linalg.cholesky(P) @ g.standard_normal(n)
    out = np.empty((nbins, n))
    PhiT, LqT = Phi.T.copy(), Lq.T.copy()
    chunk = max(1, 20000 // B)
    for c0 in range(0, nbins, chunk):
        c1 = min(nbins, c0 + chunk)
        Z = g.standard_normal(((c1 - c0) * B, n)) @ LqT
        acc = np.zeros((c1 - c0, n))
        for s in range((c1 - c0) * B):
            acc[s // B] += x
            x = x @ PhiT + Z[s]
        out[c0:c1] = acc / B
    return out


def simulate_branching(m, h, *, n_steps, n_trials=1, seed):
    """Branching process with immigration A_{t+1} ~ Poisson(m A_t + h), started at its mean h/(1-m).

    Returns an int array (n_trials, n_steps); a burn-in of 20/(1-m) steps is discarded.
    """
    mm = in_range("m", m, 0.0, 1.0, high_inclusive=False)
    hh = positive("h", h)
    T = integer("n_steps", n_steps, minimum=2)
    K = integer("n_trials", n_trials, minimum=1)
    g = rng(seed)
    burn = int(np.ceil(20.0 / (1.0 - mm)))
    A = np.empty((K, T + burn), dtype=np.int64)
    A[:, 0] = int(round(hh / (1.0 - mm)))
    for t in range(1, T + burn):
        A[:, t] = g.poisson(mm * A[:, t - 1] + hh)
    return A[:, burn:]
