r"""Low-rank rate networks with populations: direct simulation of the full network.

Network (Beiran et al. 2021, Neural Comput 33:1572; time in units of tau):
:math:`\dot x = -x + M(N^T\phi(x))/N + I u` with the loadings of each unit drawn from the
Gaussian mixture of a :class:`recnet.numerics.dmft.lowrank_populations.LowRankMixture`
(population sizes round(alpha_p N), the last one taking the remainder).  The latent variables are
read out as :math:`\kappa_r = n_r\cdot\phi(x)/N`.  The rank-R product is never formed as an
N x N matrix (cost O(N R) per step).

Finite-size statistics: at fixed latent state the readout is an average over N units of i.i.d.
terms, so its realisation-to-realisation standard deviation is O(1/sqrt(N)); tests estimate it
from independent seeds (or from the N-dependence) rather than assuming a constant.
"""
from __future__ import annotations

import math

import numpy as np

from recnet.checks import ParameterError
from recnet.numerics.dmft.lowrank_populations import LowRankMixture

__all__ = ["sample_loadings", "simulate_lowrank", "network_jacobian_reduced"]


def sample_loadings(mix, n, seed=None):
    """Draw the loadings of an N-unit network: returns (m (N, R), n (N, R), I (N, Q), pop (N,))."""
    if not isinstance(mix, LowRankMixture):
        raise ParameterError("mix", type(mix).__name__, "must be a LowRankMixture")
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < mix.P:
        raise ParameterError("n", n, f"must be an integer >= the number of populations ({mix.P})")
    rng = np.random.default_rng(seed)
    sizes = np.floor(mix.alpha * n + 0.5).astype(int)
    sizes[-1] = n - sizes[:-1].sum()
    if np.any(sizes < 1):
        raise ParameterError("n", n, f"too small: population sizes {sizes.tolist()}")
    K = mix.cov.shape[1]
    Y = np.empty((n, K))
    pop = np.repeat(np.arange(mix.P), sizes)
    start = 0
    for p, s in enumerate(sizes):
        w, V = np.linalg.eigh(mix.cov[p])
        L = V * np.sqrt(np.maximum(w, 0.0))[None, :]
        Y[start:start + s] = mix.mean[p] + rng.standard_normal((s, K)) @ L.T
        start += s
    R = mix.rank
    return Y[:, :R].copy(), Y[:, R:2 * R].copy(), Y[:, 2 * R:].copy(), pop


def simulate_lowrank(mix, n, kappa0, t_max=60.0, dt=0.05, u=None, seed=None, record_every=None,
                     loadings=None, g=0.0):
    r"""Simulate one network (RK4) from :math:`x(0) = M\kappa_0 + Iu`; return the latent readout.

    Parameters
    ----------
    mix : LowRankMixture
    n : int
        network size N.
    kappa0 : array (R,)
        initial latent state (the activity starts in the span of the m_r).
    t_max, dt : float
        duration and step (units of tau).
    u : array (Q,), optional
        constant input amplitudes.
    seed : int or None
        seed of the loadings.
    record_every : int, optional
        steps between recorded readouts (default: about 400 samples).
    loadings : tuple, optional
        (m, n, I) from :func:`sample_loadings` (then ``seed`` is unused).
    g : float >= 0
        strength of an added random part :math:`g\chi\phi(x)`, :math:`\chi_{ij}\sim\mathcal N(0, 1/N)`
        (dense N x N, drawn after the loadings from the same seed).

    Returns
    -------
    dict with ``t``, ``kappa`` (readout n_r . phi(x) / N, samples x R), ``state`` (the coordinates
    k of x - Iu on the m_r, least squares: the latent variable of the theory, x = Mk + Iu, with
    dk/dt = -k + kappa; readout and state coincide only at fixed points), ``kappa_final`` (R,),
    ``x`` (final state), ``loadings`` (m, n, I), ``drift`` (max |dkappa/dt| over the last recorded
    interval) and ``dx_final`` (max |dx/dt| at the end).
    """
    rng = np.random.default_rng(seed)
    if loadings is None:
        m, nn, I, _ = sample_loadings(mix, n, rng)
    else:
        m, nn, I = loadings
    if not (g >= 0 and math.isfinite(g)):
        raise ParameterError("g", g, "must be >= 0")
    chi = g * rng.standard_normal((m.shape[0], m.shape[0])) / math.sqrt(m.shape[0]) if g > 0 else None
    uu = mix._u(u)
    k0 = np.atleast_1d(np.asarray(kappa0, float))
    if k0.shape != (mix.rank,):
        raise ParameterError("kappa0", kappa0, f"must have {mix.rank} entries")
    if not (t_max > 0 and dt > 0):
        raise ParameterError("dt", dt, "t_max and dt must be > 0")
    N = m.shape[0]
    f = mix._f
    ext = I @ uu if uu.size else 0.0

    def rhs(x):
        fx = f(x)
        out = -x + m @ (nn.T @ fx / N) + ext
        return out + chi @ fx if chi is not None else out

    x = m @ k0 + ext + (0.0 if chi is None else 0.1 * rng.standard_normal(N))
    steps = int(round(t_max / dt))
    every = record_every or max(1, steps // 400)
    proj = np.linalg.pinv(m)  # least-squares coordinates of x - Iu on the m_r

    def state(x):
        return proj @ (x - ext)

    ts, ks, ss = [0.0], [nn.T @ f(x) / N], [state(x)]
    for i in range(1, steps + 1):
        k1 = rhs(x)
        k2 = rhs(x + 0.5 * dt * k1)
        k3 = rhs(x + 0.5 * dt * k2)
        k4 = rhs(x + dt * k3)
        x = x + dt * (k1 + 2 * k2 + 2 * k3 + k4) / 6.0
        if i % every == 0 or i == steps:
            ts.append(i * dt)
            ks.append(nn.T @ f(x) / N)
            ss.append(state(x))
    ks = np.array(ks)
    drift = float(np.max(np.abs(ks[-1] - ks[-2])) / max(ts[-1] - ts[-2], 1e-12)) if len(ts) > 1 else math.nan
    return {"t": np.array(ts), "kappa": ks, "kappa_final": ks[-1].copy(), "x": x, "state": np.array(ss),
            "loadings": (m, nn, I), "drift": drift, "dx_final": float(np.max(np.abs(rhs(x))))}


def network_jacobian_reduced(mix, x, loadings):
    r"""Eigenvalues of :math:`-1 + N^T\mathrm{diag}(\phi'(x))M/N` (R x R): the non-trivial part of the
    full network's Jacobian spectrum at state x (the other N - R eigenvalues are -1)."""
    m, nn, _ = loadings
    N = m.shape[0]
    A = -np.eye(mix.rank) + (nn * mix._df(x)[:, None]).T @ m / N
    return np.linalg.eigvals(A)
