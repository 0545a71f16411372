"""Naive twins of :mod:`recnet.numerics.siegert` (test oracles; not part of recnet).

Slow, plain-Python/numpy versions of the compiled code, which the tests (and benchmarks) compare
with it; moved here from the public module (issue 12, item 6), unchanged.
"""
from __future__ import annotations

from recnet.numerics.siegert import SQRT_PI


def siegert_naive(mu, sigma, tau_m=20.0, tau_refrac=2.0, v_thresh=20.0, v_reset=0.0, v_rest=0.0):
    """Naive twin of :func:`siegert` (scalar): scipy quad of erfcx(-u) with scipy's erfcx.

    Obviously correct but slow and inaccurate far above threshold; used in tests only.
    """
    from scipy import integrate, special
    a = (v_reset - v_rest - mu) / sigma
    b = (v_thresh - v_rest - mu) / sigma
    val, _ = integrate.quad(lambda u: special.erfcx(-u), a, b, epsabs=0, epsrel=1e-13, limit=500)
    return 1e3 / (tau_refrac + tau_m * SQRT_PI * val)
