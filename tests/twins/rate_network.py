"""Naive twins of :mod:`recnet.numerics.rate_network` (test oracles; not part of recnet).

Slow, plain-Python/numpy versions of the compiled code, which the tests (and benchmarks) compare
with it; moved here from the public module (issue 12, item 6), unchanged.
"""
from __future__ import annotations

import math

import numpy as np

from recnet import checks
from recnet.numerics.gaussian import transfer


def simulate_numpy(J, phi="tanh", t_sim=10.0, dt=0.05, x0=None, i0=0.0, amp=0.0, omega=0.0, theta=0.0,
                   lyapunov=False, renorm_every=1.0, seed=None):
    """Naive numpy twin of :func:`simulate` (RK4 only; for tests). Same arguments and seeding."""
    J = np.asarray(J, dtype=float)
    n = J.shape[0]
    tr = transfer(phi)
    r = checks.rng(seed)
    x = r.standard_normal(n) if x0 is None else np.array(x0, dtype=float)
    y = r.standard_normal(n)
    y = y / np.linalg.norm(y) if lyapunov else y
    i0 = np.broadcast_to(np.asarray(i0, float), (n,))
    amp = np.broadcast_to(np.asarray(amp, float), (n,))
    theta = np.broadcast_to(np.asarray(theta, float), (n,))
    phi_ = np.vectorize(lambda v: tr.f(0, v))
    dphi = np.vectorize(lambda v: tr.f(1, v))

    def rhs(t, x, y):
        fx = -x + J @ phi_(x) + i0 + amp * np.cos(omega * t + theta)
        fy = -y + J @ (dphi(x) * y) if lyapunov else np.zeros(n)
        return fx, fy

    n_steps = int(round(t_sim / dt))
    ren = max(1, int(round(renorm_every / dt)))
    logs = []
    for s in range(n_steps):
        t = s * dt
        a = rhs(t, x, y)
        b = rhs(t + dt / 2, x + dt / 2 * a[0], y + dt / 2 * a[1])
        c = rhs(t + dt / 2, x + dt / 2 * b[0], y + dt / 2 * b[1])
        d = rhs(t + dt, x + dt * c[0], y + dt * c[1])
        x = x + dt / 6 * (a[0] + 2 * b[0] + 2 * c[0] + d[0])
        y = y + dt / 6 * (a[1] + 2 * b[1] + 2 * c[1] + d[1])
        if lyapunov and (s + 1) % ren == 0:
            nrm = np.linalg.norm(y)
            logs.append(math.log(nrm))
            y = y / nrm
    out = {"x_final": x}
    if lyapunov:
        out["lambda1"] = float(np.sum(logs) / (len(logs) * ren * dt))
    return out
