r"""Stability of a stationary DMFT solution against the uniform (mean, "ferromagnetic") mode.

With mean coupling :math:`J_0/N` every unit receives the population mean
:math:`\mu(t) = I_0 + J_0 \langle\phi(x)\rangle_t`.  A uniform shift :math:`x_i \to x_i + \delta`
changes the mean drive by :math:`J_0\langle\phi'\rangle\delta` to linear order, so

.. math::

    \dot\delta = \left(-1 + J_0 \langle\phi'(\mu + \sqrt{\Delta_0} z)\rangle\right)\delta ,
    \qquad z \sim \mathcal N(0, 1),

the outlier :math:`J_0\langle\phi'\rangle` of the rank-one part of the Jacobian
:math:`J\,\mathrm{diag}(\phi'(x))` (its random bulk gives the chaotic/fixed-point exponent).  The
uniform mode grows iff :math:`J_0\langle\phi'\rangle > 1`, on every branch (fixed point or chaotic)
(Sompolinsky, Crisanti, Sommers 1988, PRL 61:259; Kadmon & Sompolinsky 2015, PRX 5:041030).  With
the balanced scaling :math:`-J_0/\sqrt N` the outlier is :math:`-\sqrt N J_0\langle\phi'\rangle`: it
is stable iff :math:`J_0\langle\phi'\rangle > 0` (its rate diverges with N).

For chaotic solutions the average is over the stationary distribution of :math:`x` (Gaussian,
mean :math:`\mu`, variance :math:`\Delta_0`); a time-dependent :math:`\phi'(x_i(t))` enters only
through its population average, which is stationary.
"""
from __future__ import annotations

import math

__all__ = ["uniform_mode_growth", "apply_uniform_mode"]

def _dphi_mean(tr, mu, delta0, hq=None):
    """<phi'(mu + sqrt(delta0) z)> by the self-checking sinh-mapped rule
    (:func:`recnet.numerics.dmft.sinhquad.mean_sinh`, clustered at phi's feature: it resolves phi'
    also when sqrt(delta0) is large against phi's feature width, where a uniform rule does not)."""
    from recnet.numerics.dmft import sinhquad as sq
    xc, wx = sq.feature(tr)
    return float(sq.mean_sinh(tr.f, tr.code, 1, float(mu), max(float(delta0), 0.0), xc, wx,
                              sq.SINH_HQ if hq is None else float(hq)))


def uniform_mode_growth(phi, mu, delta0, j0):
    r"""Growth rate :math:`-1 + J_0\langle\phi'(\mu + \sqrt{\Delta_0}z)\rangle` (1/tau) of the uniform mode.

    Parameters
    ----------
    phi : str or Transfer
        transfer function (``recnet.numerics.gaussian.transfer``).
    mu, delta0 : float
        mean and variance of x on the branch.
    j0 : float
        mean coupling J0 (J_ij mean J0/N).

    Returns
    -------
    float, 1/tau (exactly -1 when j0 = 0).
    """
    from recnet.numerics.gaussian import transfer
    if j0 == 0.0:
        return -1.0
    return -1.0 + j0 * _dphi_mean(transfer(phi), mu, delta0)


def apply_uniform_mode(branches, phi, j0, balanced=False):
    """Add the uniform-mode rate to every branch and fold it into ``stable``; re-sort as the solver does.

    Each branch dict gains ``uniform_mode_growth`` (1/tau; None with the balanced scaling, where
    it diverges with N) and ``uniform_mode_stable``; ``stable`` becomes the bulk stability AND
    the uniform-mode stability.  Order: stable chaotic, stable fixed points, the rest (by delta0).
    """
    from recnet.numerics.gaussian import transfer
    out = []
    tr = transfer(phi) if (j0 != 0.0 and branches) else None
    for b in branches:
        b = dict(b)
        if j0 == 0.0:
            rate, ok = -1.0, True
        elif balanced:
            dphi = _dphi_mean(tr, b["mu"], b["delta0"], b.get("hq"))
            rate, ok = None, j0 * dphi > 0.0
        else:
            hq = b.get("hq")
            dphi = _dphi_mean(tr, b["mu"], b["delta0"], hq)
            rate = -1.0 + j0 * dphi
            ok = bool(rate < 0.0) if math.isfinite(rate) else False
            if isinstance(b.get("quadrature_error"), dict):  # its change with twice the nodes
                fine = _dphi_mean(tr, b["mu"], b["delta0"], 0.5 * (1.0 if hq is None else hq))
                b["quadrature_error"] = dict(b["quadrature_error"],
                                             uniform_mode_growth=abs(j0) * abs(fine - dphi))
        b["uniform_mode_growth"] = rate
        b["uniform_mode_stable"] = bool(ok)
        b["stable"] = bool(b["stable"] and ok)
        out.append(b)
    out.sort(key=lambda d: (not (d["stable"] and d["chaotic"]), not d["stable"], -d["delta0"]))
    return out

