r"""One-dimensional slow manifolds (lines, rings) through the fixed and slow points of a network.

A network that stores a continuous variable (an angle, a position) does so on a one-dimensional
manifold of (nearly) stationary states.  A trained network rarely makes it exactly continuous: the
finder returns a chain of true fixed points, stable and saddle, joined by slow flow along the
manifold, plus slow points on it.  A point belongs to such a manifold when one real eigenvalue of
its Jacobian is much closer to zero than all others: relaxation off the manifold is fast, motion
along it slow,

.. math::

    |\mathrm{Re}\,\lambda_1| \le r\,|\mathrm{Re}\,\lambda_2|,\qquad \lambda_1\in\mathbb{R},\quad
    \mathrm{Re}\,\lambda_2 < 0,

with eigenvalues sorted by decreasing real part and the time-scale ratio r (default 0.1, i.e. a
ten-fold separation of time scales; an option, not a verdict allowance).  The points are ordered
along the manifold by their angle in a plane: the decoded angle atan2(y_2, y_1) when a two-output
readout y = C phi(x) + d is given, otherwise the angle about the points' centroid in their first two
principal components.

On a closed curve (a ring) the flow has as many sinks as sources and they alternate (a flow on the
circle with non-degenerate fixed points: between two sinks there must be a source, Poincare-Hopf on
S^1); ``alternating`` reports whether the stable points and saddles found do so, a check of both
the finder and the interpretation as a ring.
"""
from __future__ import annotations

import math

import numpy as np

from recnet import checks

__all__ = ["slow_manifold", "SLOW_RATIO"]

SLOW_RATIO = 0.1


def _rates(p, is_map):
    """(rates sorted by decreasing real part, the eigenvalues in the same order): for a map the rate
    of a multiplier mu is log(mu) per step (real only for mu > 0)."""
    lam = np.asarray(p["eigenvalues"])
    lam = lam[:, 0] + 1j * lam[:, 1] if lam.ndim == 2 else lam.astype(complex)
    with np.errstate(divide="ignore"):
        rate = np.log(lam) if is_map else lam
    order = np.argsort(-rate.real, kind="stable")
    return rate[order], lam[order]


def _on_manifold(p, ratio, is_map=False):
    lam, _ = _rates(p, is_map)
    if lam.size < 2 or not np.all(np.isfinite(lam[:2])):
        return False
    l1, l2 = lam[0], lam[1]
    real1 = abs(l1.imag) <= 1e-12 * max(1.0, abs(l1.real))
    return bool(real1 and l2.real < 0 and abs(l1.real) <= ratio * abs(l2.real))


def slow_manifold(fixed_points, *, slow_points=(), phi=np.tanh, readout=None, ratio=SLOW_RATIO, is_map=False):
    r"""The points on a one-dimensional slow manifold, ordered along it.

    Parameters
    ----------
    fixed_points, slow_points : lists of dict
        fixed and slow points (``x``, ``eigenvalues`` sorted by decreasing real part as complex
        numbers or [re, im] pairs, ``stability``).
    phi : callable
        the transfer function (vectorised), for the readout (default tanh).
    readout : (C, d), optional
        a two-output readout y = C phi(x) + d; its angle orders the points.
    ratio : float in (0, 1)
        time-scale ratio r of the membership test.
    is_map : bool
        the eigenvalues are multipliers mu of a discrete-time map: the test uses the rates log(mu).

    Returns
    -------
    dict
        ``n_points``, ``members`` (``{"kind": "fixed" or "slow", "index": i}`` into the two lists,
        in order along the manifold),
        ``angle_rad`` (their angles, increasing), ``angle_source`` (``readout`` or ``pca``),
        ``max_gap_rad`` (largest angular gap between neighbours, wrapping around),
        ``stability`` (in order), ``slowest_eigenvalue`` (Re of the slowest eigenvalue in order: 1/tau
        for a flow, the multiplier for a map),
        ``alternating`` (stable and non-stable fixed points alternate around the ring; None with
        fewer than two fixed points on it), ``ratio``.
    """
    ratio = checks.in_range("ratio", ratio, 0.0, 1.0, low_inclusive=False, high_inclusive=False)
    points = list(fixed_points) + list(slow_points)
    n_fixed = len(fixed_points)
    idx = [i for i, p in enumerate(points) if _on_manifold(p, ratio, is_map)]
    out = {"n_points": len(idx), "members": [], "angle_rad": [], "angle_source": None, "max_gap_rad": None,
           "stability": [], "slowest_eigenvalue": [], "alternating": None, "ratio": ratio}
    if not idx:
        return out
    X = np.array([np.asarray(points[i]["x"], float) for i in idx])
    if readout is not None:
        C, d = (np.asarray(a, float) for a in readout)
        if C.ndim != 2 or C.shape[0] != 2:
            raise checks.ParameterError("C", C.shape, "a readout with exactly 2 outputs")
        Y = phi(X) @ C.T + d
        ang, source = np.arctan2(Y[:, 1], Y[:, 0]), "readout"
    else:
        Z = X - X.mean(axis=0)
        if len(idx) >= 2:
            _, _, vt = np.linalg.svd(Z, full_matrices=False)
            P = Z @ vt[:2].T if vt.shape[0] >= 2 else np.column_stack([Z @ vt[0], np.zeros(len(idx))])
        else:
            P = np.zeros((1, 2))
        ang, source = np.arctan2(P[:, 1], P[:, 0]), "pca"
    order = np.argsort(ang)
    a = ang[order]
    gaps = np.diff(np.concatenate([a, [a[0] + 2.0 * math.pi]]))
    ordered = [idx[k] for k in order]
    members = [{"kind": "fixed" if i < n_fixed else "slow", "index": i if i < n_fixed else i - n_fixed}
               for i in ordered]
    stab = [points[i]["stability"] for i in ordered]
    lam1 = []
    for i in ordered:
        lam1.append(float(_rates(points[i], is_map)[1][0].real))
    fixed = [s for s, i in zip(stab, ordered) if i < n_fixed]
    alt = None
    if len(fixed) >= 2:
        st = [s == "stable" for s in fixed]
        alt = all(st[k] != st[(k + 1) % len(st)] for k in range(len(st)))
    out.update(members=members, angle_rad=a.tolist(), angle_source=source, max_gap_rad=float(gaps.max()),
               stability=stab, slowest_eigenvalue=lam1, alternating=alt)
    return out
