r"""Trained part and random part of a trained recurrent weight matrix, and the DMFT of the random part.

Training from a random initial :math:`W_0` (entries of variance :math:`g_0^2/N`) writes a structured,
typically low-rank change into the weights (Schuessler, Mastrogiuseppe, Dubreuil, Ostojic, Barak 2020,
NeurIPS 33:13352):

.. math:: W = W_0 + \Delta W,\qquad \Delta W = W - W_0 = \sum_k s_k\,u_k v_k^\top .

:func:`split` reports the singular values :math:`s_k` of the trained part, its participation-ratio
rank :math:`(\sum s_k^2)^2/\sum s_k^4`, the number of singular values holding 90 % of
:math:`|\Delta W|_F^2`, and the norms of both parts.

**Random part.**  The gain of :math:`W_0` is estimated from its entries' variance,
:math:`\hat g = \sqrt{N\,\widehat{\mathrm{var}}(W_{0,ij})}` (with :math:`\hat J_0 = N\,\overline{W_0}`
for the mean), with standard error :math:`\hat g/\sqrt{2(N^2 - 1)}` for Gaussian entries
(var of a sample variance :math:`2\sigma^4/(M-1)`, M = N^2 entries, propagated through the square
root).  The stationary DMFT of the random network :math:`\dot x = -x + W_0\phi(x)`
(:func:`recnet.numerics.dmft.stationary.solve_stationary` at :math:`\hat g`, J0 = 0: Sompolinsky,
Crisanti, Sommers 1988) gives its state (quiescent or chaotic), :math:`\Delta_0` and the
largest Lyapunov exponent; the circular law (Girko 1984) predicts the eigenvalues of :math:`W_0`
uniform in the disc of radius :math:`\hat g`, compared with the measured spectral radius.
"""
from __future__ import annotations

import math

import numpy as np

from recnet import checks

__all__ = ["gain_estimate", "svd_summary", "split"]


def gain_estimate(W0):
    """(g_hat, stderr, j0_hat) of a random matrix's entries (module docstring)."""
    W0 = checks.square_matrix("W0", W0)
    n = W0.shape[0]
    var = float(np.var(W0, ddof=1))
    g = math.sqrt(n * var)
    return g, g / math.sqrt(2.0 * (n * n - 1)), float(n * np.mean(W0))


def svd_summary(A, top=10):
    """Singular values (the largest ``top``), participation-ratio rank, 90 %-Frobenius rank, norm."""
    s = np.linalg.svd(np.asarray(A, float), compute_uv=False)
    s2 = s * s
    tot = float(s2.sum())
    if tot == 0.0:
        return {"singular_values": s[:top], "effective_rank_participation": 0.0, "rank_90_percent_frobenius": 0,
                "frobenius_norm": 0.0}
    return {"singular_values": s[:top], "effective_rank_participation": float(tot ** 2 / np.sum(s2 * s2)),
            "rank_90_percent_frobenius": int(np.searchsorted(np.cumsum(s2) / tot, 0.9) + 1),
            "frobenius_norm": math.sqrt(tot)}


def split(W, W0, phi="tanh", top=10):
    r"""The ``initial_split`` block: SVD of the trained part W - W0, and the DMFT and circular law of
    the random part W0 (module docstring).

    Parameters
    ----------
    W, W0 : (N, N) arrays
        trained and initial recurrent weights.
    phi : str
        transfer function of the DMFT (tanh, erf, relu, linear or an expression).
    top : int
        number of singular values reported.

    Returns
    -------
    dict with ``trained_part`` (``singular_values``, ``effective_rank_participation``,
    ``rank_90_percent_frobenius``, ``frobenius_norm``, ``relative_change`` = |W - W0|_F/|W0|_F),
    ``random_part`` (``g_estimate``, ``g_stderr``, ``j0_estimate``, ``spectral_radius``,
    ``circular_law_radius``, ``dmft``: ``state``, ``chaotic``, ``delta0``, ``lambda_max_per_tau``,
    ``g_c``).

    References
    ----------
    Schuessler et al. 2020, NeurIPS 33:13352; Sompolinsky, Crisanti, Sommers 1988, PRL 61:259;
    Girko 1984, Theory Probab Appl 29:694.
    """
    from recnet.numerics.dmft import stationary as D
    W = checks.square_matrix("W", W)
    W0 = checks.array("W0", W0, shape=W.shape)
    dW = W - W0
    tp = svd_summary(dW, top)
    n0 = float(np.linalg.norm(W0))
    tp["relative_change"] = tp["frobenius_norm"] / n0 if n0 > 0 else math.inf
    g, gse, j0 = gain_estimate(W0)
    rp = {"g_estimate": g, "g_stderr": gse, "j0_estimate": j0,
          "spectral_radius": float(np.max(np.abs(np.linalg.eigvals(W0)))), "circular_law_radius": g}
    if g <= 0:
        rp["dmft"] = {"state": "W0 is zero: no random part"}
    else:
        sol = D.solve_stationary(g, phi=phi)
        chaotic = bool(sol["chaotic"])
        lam = sol.get("lambda_max")
        state = ("chaotic (the random part alone is past the transition, g > g_c)" if chaotic else
                 "quiescent fixed point x = 0 (the random part alone is below the transition, g < g_c)")
        dm = {"state": state, "chaotic": chaotic, "delta0": float(sol["delta0"]),
              "g_c": float(sol["g_c"]) if math.isfinite(sol["g_c"]) else None,
              "equation": "dx/dt = -x + W0 phi(x), J0 = 0 (stationary DMFT)"}
        if lam is not None and math.isfinite(lam):
            dm["lambda_max_per_tau"] = float(lam)
        if dm["g_c"] is None:
            dm.pop("g_c")
            dm["not_computed"] = {"g_c": "no loss of stability of the fixed point for g in (0, 20]"}
        rp["dmft"] = dm
    return {"trained_part": tp, "random_part": rp,
            "decomposition": "W = W0 + (W - W0): W0 the given initial weights, W - W0 what training wrote"}
