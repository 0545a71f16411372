"""Naive twins of :mod:`recnet.numerics.dmft.twotime` (test oracles; not part of recnet).

Slow, plain-Python/numpy versions of the compiled code, which the tests (and benchmarks) compare
with it; moved here from the public module (issue 12, item 6), unchanged.
"""
from __future__ import annotations

import math

import numpy as np

from recnet.numerics import gaussian as ga
from recnet.numerics.dmft.twotime import _check


def solve_two_time_numpy(g, phi="tanh", t_max=50.0, n_steps=1001, delta00=1.0, mu0=0.0, j0=0.0, i0=0.0,
                         common_amplitude=0.0, independent_amplitude=0.0, omega=0.0, n_theta=16, n_gh=16):
    """Plain numpy twin of :func:`solve_two_time` (non-balanced; same algorithm, each row vectorised).

    The inner Gaussian average is full Gauss-Hermite for every transfer function (the numba
    version uses closed forms for erf/ReLU/linear), so compare them on tanh or user functions.
    """
    g, t_max, n, a_c, a_i, om, n_theta = _check(g, t_max, n_steps, common_amplitude, independent_amplitude,
                                               omega, n_theta)
    tr = ga.transfer(phi)
    zz, ww = ga.gh_nodes(n_gh)
    nth = n_theta if a_i > 0 else 1
    theta = 2.0 * np.pi * np.arange(nth) / nth
    h = t_max / (n - 1)
    a, b = math.exp(-h), 1.0 - math.exp(-h)
    a_f = a_i / math.sqrt(1.0 + om * om)
    ph = -math.atan(om) / om if om > 0 else 0.0
    if tr.code == ga.TANH:
        f0 = np.tanh
    else:
        f0 = lambda x: tr(x, "phi")  # noqa: E731
    D = np.zeros((n, n))
    mu = np.zeros(n)
    D[0, 0], mu[0] = delta00, mu0
    Z1 = zz[None, :, None, None]
    Z2 = zz[None, None, :, None]
    W = (ww[:, None] * ww[None, :])[None, :, :, None]
    for k in range(n - 1):
        tk = k * h
        l = np.arange(k + 1)
        dkk, dll, dkl = D[k, k], np.diag(D)[: k + 1], D[k, : k + 1]
        sk = math.sqrt(max(dkk, 0.0))
        sl = np.sqrt(np.maximum(dll, 0.0))
        with np.errstate(invalid="ignore", divide="ignore"):
            rho = np.where((sk > 0) & (sl > 0), dkl / (sk * sl), 0.0)
        rho = np.clip(rho, -1, 1)[:, None, None, None]
        slv = sl[:, None, None, None]
        uk = a_f * np.cos(om * (tk + ph) + theta)[None, None, None, :]
        ul = a_f * np.cos(om * (l[:, None] * h + ph) + theta[None, :])[:, None, None, :]
        xk = mu[k] + uk + sk * Z1
        xl = mu[l][:, None, None, None] + ul + rho * slv * Z1 + slv * np.sqrt(1 - rho ** 2) * Z2
        Q = g * g * np.sum(W * f0(xk) * f0(xl), axis=(1, 2)).mean(axis=1)
        D[k + 1, 0] = a * D[k, 0]
        D[0, k + 1] = D[k + 1, 0]
        for j in range(k + 1):
            v = a * D[k, j + 1] + a * D[k + 1, j] - a * a * D[k, j] + b * b * Q[j]
            D[k + 1, j + 1] = v
            D[j + 1, k + 1] = v
        nu = np.mean(np.sum(ww[:, None] * f0(mu[k] + sk * zz[:, None] + a_f * np.cos(om * (tk + ph) + theta)[None, :]),
                            axis=0))
        mu[k + 1] = a * mu[k] + b * (j0 * nu + i0 + a_c * math.cos(om * tk))
    return {"t": np.arange(n) * h, "delta": D, "mu": mu}
