"""Benchmark: stationary DMFT (Delta_0 and lambda_max for many gains), recnet vs plain numpy/scipy.

Both sides run the same algorithm for phi = tanh, J0 = 0 (SCS 1988; Delta_inf = 0, so the
amplitude a = Delta_0):

* kernels C_phi, C_phi' as nested averages (the peer: a 48-node Gauss-Hermite scan, roots and tables
  on trapezoid sets of 64 sqrt(max(Delta_0, 1)) points on [-8.5, 8.5], recnet's rule before issue 19;
  recnet now: the sinh-mapped rules of ``recnet.numerics.dmft.sinhquad`` and a quadrature check of
  every solution with twice the nodes, more work than the peer);
* the energy condition as a 32-point Gauss-Legendre integral, scanned on 48 log-spaced Delta_0 and
  refined by a bracketing solver (recnet: Illinois in numba; peer: scipy.optimize.brentq);
* Delta(tau) by RK4 (dtau = 0.01) on 64-point Chebyshev tables of the kernels, the Schroedinger
  ground state on the same grid (recnet: Sturm bisection; peer: scipy.linalg.eigh_tridiagonal).

recnet runs all gains in one numba call, parallel over g (prange), and also brackets every
fixed-point branch, the correlation time and the hilltop check (strictly more work).  The peer is
plain numpy: kernels vectorised over nodes and quadrature points (one array expression per energy
evaluation), the RK4 integration vectorised over all gains at once (one array step per tau step),
a Python loop only over the root finder's iterations and the per-gain eigenproblems.
Prints both times and the ratio; checks agreement.

The two-time (non-stationary) DMFT benchmark lives in benchmarks/dmft_twotime.py.

    python benchmarks/dmft.py [--quick]
"""
from __future__ import annotations

import argparse
import math
import time

import numpy as np
from scipy.linalg import eigh_tridiagonal
from scipy.optimize import brentq

GL_X, GL_W = np.polynomial.legendre.leggauss(32)
GH48 = np.polynomial.hermite_e.hermegauss(48)
GH48 = (GH48[0], GH48[1] / math.sqrt(2 * math.pi))
SIZES = (65, 97, 129, 161, 201, 257, 321, 401, 513, 641, 801, 1025)


def _trap(m):
    z = (np.arange(m) - 0.5 * (m - 1)) * (17.0 / (m - 1))
    return z, (z[1] - z[0]) * np.exp(-0.5 * z * z) / math.sqrt(2 * math.pi)


TRAP = {m: _trap(m) for m in SIZES}


def _nodes(d0):
    need = 64 * math.sqrt(max(d0, 1.0))
    for m in SIZES:
        if m >= need:
            return TRAP[m]
    return TRAP[SIZES[-1]]


def corr_np(d, d0, which=0, nodes=None):
    """C_f(d; d0) for tanh at many (d, d0) pairs at once: one (k, n, n) array expression."""
    d = np.atleast_1d(np.asarray(d, dtype=float))
    d0 = np.broadcast_to(np.asarray(d0, dtype=float), d.shape)
    z, w = nodes if nodes is not None else _nodes(float(np.max(d0)))
    s = np.sqrt(np.abs(d))[:, None, None]
    r = np.sqrt(np.maximum(d0 - np.abs(d), 0.0))[:, None, None]
    t = np.tanh(s * z[None, :, None] + r * z[None, None, :])
    f = t if which == 0 else 1.0 - t * t
    inner = f @ w
    return (inner * inner) @ w


def energy_np(d0, g, nodes=None):
    """int_0^d0 (g^2 C_phi(D; d0) - D) dD for an array of d0 (32-point Gauss-Legendre)."""
    d0 = np.atleast_1d(np.asarray(d0, dtype=float))
    dd = 0.5 * d0[:, None] * (GL_X[None, :] + 1.0)
    c = corr_np(dd.ravel(), np.repeat(d0, GL_X.size), 0, nodes).reshape(dd.shape)
    return 0.5 * d0 * ((g * g * c - dd) @ GL_W)


def delta0_np(g):
    grid = np.geomspace(1e-8, 1e4, 48)
    vals = energy_np(grid, g, GH48)
    for a, b, fa, fb in zip(grid[:-1], grid[1:], vals[:-1], vals[1:]):
        if fa > 0 >= fb:
            return brentq(lambda v: float(energy_np(v, g)[0]), a, b, xtol=1e-14, rtol=1e-13)
    return 0.0


def _bary(xs, vs, x):
    """Barycentric interpolation on Chebyshev points, rows of xs/vs, one x per row."""
    dx = x[:, None] - xs
    dx = np.where(dx == 0.0, 1e-300, dx)
    q = CW[None, :] / dx
    return np.sum(q * vs, axis=1) / np.sum(q, axis=1)


_K = np.arange(64)
CW = np.where(_K % 2 == 0, 1.0, -1.0)
CW[0] *= 0.5
CW[-1] *= 0.5


def solve_np(gs, h=0.01):
    """(delta0, lambda_max) arrays for an array of gains."""
    gs = np.asarray(gs, dtype=float)
    d0 = np.array([delta0_np(g) for g in gs])
    lam = gs - 1.0
    ch = np.nonzero(d0 > 0)[0]
    if ch.size == 0:
        return d0, lam
    G, D0 = gs[ch], d0[ch]
    xs = 0.5 * D0[:, None] * (np.cos(np.pi * _K / 63)[None, :] + 1.0)
    v0 = np.array([corr_np(x, d, 0) for x, d in zip(xs, D0)])
    v1 = np.array([corr_np(x, d, 1) for x, d in zip(xs, D0)])
    # RK4 for every gain at once: Delta'' = Delta - g^2 C_phi(Delta), from (Delta0, 0)
    nmax = int(400.0 / h) + 1
    dl = np.zeros((G.size, nmax))
    dl[:, 0] = D0
    y, v = D0.copy(), np.zeros_like(D0)
    alive = np.ones(G.size, dtype=bool)
    end = np.full(G.size, nmax)
    g2 = G * G
    acc = lambda yy: yy - g2 * _bary(xs, v0, np.maximum(yy, 0.0))
    for k in range(1, nmax):
        a1 = acc(y)
        y2, v2 = y + 0.5 * h * v, v + 0.5 * h * a1
        a2 = acc(y2)
        y3, v3 = y + 0.5 * h * v2, v + 0.5 * h * a2
        a3 = acc(y3)
        y4, v4 = y + h * v3, v + h * a3
        a4 = acc(y4)
        y = y + h / 6 * (v + 2 * v2 + 2 * v3 + v4)
        v = v + h / 6 * (a1 + 2 * a2 + 2 * a3 + a4)
        stop = alive & ((y < 1e-9 * D0) | (v >= 0.0) | (y < 0.0))
        end[stop] = k
        alive &= ~stop
        if not alive.any():
            break
        dl[alive, k] = y[alive]
    for i in range(G.size):
        pot_all = -g2[i] * _bary(np.broadcast_to(xs[i], (nmax, 64)), np.broadcast_to(v1[i], (nmax, 64)),
                                 np.maximum(dl[i], 0.0))
        winf = pot_all[-1]
        extra = 30.0
        for _ in range(4):
            n = int((end[i] * h + extra) / h) + 1
            pot = np.full(n, winf)
            m = min(n, nmax)
            pot[:m] = pot_all[:m]
            diag = 2 / h ** 2 + pot
            off = np.full(n - 1, -1 / h ** 2)
            off[0] = -math.sqrt(2) / h ** 2
            e0 = eigh_tridiagonal(diag, off, select="i", select_range=(0, 0), eigvals_only=True)[0]
            if winf - e0 > 0 and extra * math.sqrt(winf - e0) > 25:
                break
            extra = min(4 * extra, 2000.0)
        lam[ch[i]] = -1 + math.sqrt(-e0) if e0 < 0 else -1.0
    return d0, lam


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="20 gains instead of 200")
    a = p.parse_args(argv)
    from recnet.numerics.dmft import stationary as dmft
    ng = 20 if a.quick else 200
    gs = np.linspace(1.05, 3.0, ng)
    dmft.solve_stationary(gs[:2])  # compile / load the numba cache outside the timing
    t0 = time.perf_counter()
    rec = dmft.solve_stationary(gs)
    t_rec = time.perf_counter() - t0
    t0 = time.perf_counter()
    pd0, plam = solve_np(gs)
    t_np = time.perf_counter() - t0
    dd = np.max(np.abs(rec["delta0"] - pd0) / pd0)
    dl = np.max(np.abs(rec["lambda_max"] - plam))
    print(f"stationary DMFT, tanh, {ng} gains in [1.05, 3]: Delta_0 and lambda_max")
    print(f"  recnet (numba, prange over g, all branches): {t_rec:8.2f} s")
    print(f"  numpy/scipy (same algorithm)               : {t_np:8.2f} s")
    print(f"  ratio numpy/recnet                         : {t_np / t_rec:8.1f}x")
    print(f"  max rel. diff Delta_0 = {dd:.2e}, max abs. diff lambda_max = {dl:.2e}")
    print("  (timings on a shared 2-core machine; other jobs inflate both)")
    ok = dd < 1e-8 and dl < 1e-6
    print("  agree" if ok else "  DISAGREE")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
