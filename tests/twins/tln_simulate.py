"""Naive twins of :mod:`recnet.numerics.tln.simulate` (test oracles; not part of recnet).

Slow, plain-Python/numpy versions of the compiled code, which the tests (and benchmarks) compare
with it; moved here from the public module (issue 12, item 6), unchanged.
"""
from __future__ import annotations

import numpy as np

from recnet.numerics.tln.simulate import CONVERGED, DIVERGED, TLNSimulation, _DIVERGE_NORM, _check


def simulate_tln_numpy(W, b, x0, t_max=200.0, dt=0.01, *, tau=1.0, tol=1e-9, method="rk4"):
    """Naive numpy twin of ``simulate_tln`` (vectorised over initial conditions; no trajectories)."""
    W, b, x0, t_max, dt, tau, tol, _ = _check(W, b, x0, t_max, dt, tau, tol, method, 0)
    n_steps = int(np.ceil(t_max / dt - 1e-9))
    x = x0.copy()
    f = lambda y: (-y + np.maximum(y @ W.T + b, 0.0)) / tau  # noqa: E731
    active = np.ones(x.shape[0], bool)
    status = np.zeros(x.shape[0], dtype=np.int64)
    steps = np.zeros(x.shape[0], dtype=np.int64)
    res = np.zeros(x.shape[0])
    for step in range(n_steps + 1):
        k1 = f(x)
        r = np.abs(k1).max(axis=1)
        big = np.abs(x).max(axis=1)
        res[active] = r[active]
        div = active & (~np.isfinite(r) | (big > _DIVERGE_NORM))
        conv = active & ~div & (r < tol)
        status[div] = DIVERGED
        status[conv] = CONVERGED
        active &= ~(div | conv)
        if step == n_steps or not active.any():
            break
        if method == "rk4":
            k2 = f(x + 0.5 * dt * k1)
            k3 = f(x + 0.5 * dt * k2)
            k4 = f(x + dt * k3)
            dx = dt / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4)
        else:
            dx = dt * k1
        x[active] += dx[active]
        steps[active] += 1
    return TLNSimulation(x_final=x, converged=status == CONVERGED, diverged=status == DIVERGED,
                         t_end=steps * dt, residual=res)
