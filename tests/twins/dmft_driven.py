"""Naive twins of :mod:`recnet.numerics.dmft.driven` (test oracles; not part of recnet).

Slow, plain-Python/numpy versions of the compiled code, which the tests (and benchmarks) compare
with it; moved here from the public module (issue 12, item 6), unchanged.
"""
from __future__ import annotations

import math

import numpy as np

from recnet.numerics.dmft.driven import _bounded_transfer, _check, _grid, _numpy_transfer, quadrature_nodes


def periodic_solution_numpy(g, phi="tanh", amplitude=1.0, omega=1.0, n_tau=None, n_theta=24, n_gh=24,
                            tol=1e-10, max_iter=2000, damping=0.5, nodes="auto", n_nodes=None):
    """Plain numpy twin of :func:`periodic_solution` (same algorithm, full tensor quadrature)."""
    g, A, om = _check(g, amplitude, omega)
    tr = _bounded_transfer(phi)
    T, n, dtau = _grid(om, n_tau)
    z, w, _ = quadrature_nodes(tr, nodes, n_nodes, n_gh)
    theta = 2.0 * np.pi * np.arange(n_theta) / n_theta
    a_in = A / math.sqrt(1.0 + om * om)
    k = np.fft.rfftfreq(n, d=1.0 / n)
    filt = g * g / (1.0 + (k * om) ** 2)
    tau = np.arange(n) * dtau
    Z1, Z2 = np.meshgrid(z, z, indexing="ij")
    fnp = _numpy_transfer(tr)
    W2 = np.outer(w, w)

    def corr(dh, which):
        v = max(dh[0], 0.0)
        rho = np.clip(dh / v, -1, 1) if v > 0 else np.zeros_like(dh)
        out = np.empty(n)
        for j in range(n):
            h1 = np.sqrt(v) * Z1
            h2 = np.sqrt(v) * (rho[j] * Z1 + np.sqrt(1 - rho[j] ** 2) * Z2)
            acc = 0.0
            for th in theta:
                x1 = h1 + a_in * np.cos(th)
                x2 = h2 + a_in * np.cos(om * tau[j] + th)
                acc += np.sum(W2 * fnp[which](x1) * fnp[which](x2))
            out[j] = acc / theta.size
        return out

    dh = np.full(n, max(g * g, 1e-3))
    for it in range(1, max_iter + 1):
        new = np.fft.irfft(np.fft.rfft(corr(dh, "phi")) * filt, n)
        change = np.max(np.abs(new - dh))
        dh = (1 - damping) * dh + damping * new
        if change < tol:
            break
    return {"tau": tau, "delta_h": dh, "c_phi": corr(dh, "phi"), "g_kernel": g * g * corr(dh, "dphi")}
