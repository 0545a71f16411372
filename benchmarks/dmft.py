"""Benchmark: stationary DMFT (Delta_0 and lambda_max for many gains), recnet vs plain numpy/scipy.

Both sides run the same algorithm for phi = tanh, J0 = 0: nested Gauss-Hermite kernels with the same
adaptive node count (80 sqrt(Delta_0), sets 48 ... 256), the energy condition as a 32-point
Gauss-Legendre integral whose root in Delta_0 is found by a bracketing solver (recnet: Illinois in
numba; peer: scipy.optimize.brentq), Delta(tau) by RK4 (dtau = 0.01) on a 64-point Chebyshev table
of the kernels, and the Schroedinger ground state on the same grid (recnet: Sturm bisection in
numba; peer: scipy.linalg.eigh_tridiagonal).  recnet also brackets every branch (fixed points too),
so it does strictly more work.  Prints both times and the ratio; checks agreement.

The two-time (non-stationary) DMFT benchmark lives in benchmarks/dmft_twotime.py (helper H3b).

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


def _gh(n):
    z, w = np.polynomial.hermite_e.hermegauss(n)
    return z, w / math.sqrt(2 * math.pi)


GH = {m: _gh(m) for m in (48, 64, 96, 128, 160, 200, 256)}


def _nodes(d0):
    need = 80 * math.sqrt(max(d0, 0.64))
    for m in sorted(GH):
        if m >= need:
            return GH[m]
    return GH[256]


def corr_np(d, d0, which=0):
    """Nested Gauss-Hermite C_f(d; d0) for tanh (numpy, vectorised over the nodes)."""
    z, w = _nodes(d0)
    s, r = math.sqrt(abs(d)), math.sqrt(max(d0 - abs(d), 0.0))
    x = s * z[:, None] + r * z[None, :]
    t = np.tanh(x)
    f = t if which == 0 else 1 - t * t
    inner = f @ w
    return float(np.sum(w * inner * inner))


def energy_np(d0, g):
    half = d0 / 2
    dd = half * (GL_X + 1)
    return half * sum(wk * (g * g * corr_np(d, d0) - d) for wk, d in zip(GL_W, dd))


def solve_np(g, h=0.01):
    grid = np.geomspace(1e-8, 1e4, 48)
    vals = [energy_np(d, g) for d in grid]
    d0 = None
    for a, b, fa, fb in zip(grid[:-1], grid[1:], vals[:-1], vals[1:]):
        if fa > 0 >= fb:
            d0 = brentq(energy_np, a, b, args=(g,), xtol=1e-14, rtol=1e-13)
            break
    if d0 is None:
        return 0.0, g - 1.0
    # Chebyshev tables and barycentric interpolation
    k = np.arange(64)
    xs = 0.5 * d0 * (np.cos(np.pi * k / 63) + 1)
    cw = np.where(k % 2 == 0, 1.0, -1.0)
    cw[0] *= 0.5
    cw[-1] *= 0.5
    v0 = np.array([corr_np(x, d0, 0) for x in xs])
    v1 = np.array([corr_np(x, d0, 1) for x in xs])

    def bary(vs, x):
        dx = x - xs
        hit = np.nonzero(dx == 0)[0]
        if hit.size:
            return vs[hit[0]]
        q = cw / dx
        return float(np.sum(q * vs) / np.sum(q))

    acc = lambda y: y - g * g * bary(v0, max(y, 0.0))
    y, v = d0, 0.0
    dl = [y]
    for _ in range(int(400 / h)):
        a1 = acc(y)
        a2 = acc(y + 0.5 * h * v)
        v2 = v + 0.5 * h * a1
        a3 = acc(y + 0.5 * h * v2)
        v3 = v + 0.5 * h * a2
        a4 = acc(y + h * v3)
        v4 = v + h * a3
        y, v = y + h / 6 * (v + 2 * v2 + 2 * v3 + v4), v + h / 6 * (a1 + 2 * a2 + 2 * a3 + a4)
        if y < 1e-9 * d0 or v >= 0:
            break
        dl.append(y)
    dl = np.array(dl)
    winf = -g * g * bary(v1, 0.0)
    extra = 30.0
    for _ in range(4):
        n = dl.size + int(extra / h)
        pot = np.full(n, winf)
        pot[: dl.size] = [-g * g * bary(v1, x) for x in dl]
        diag = 2 / h ** 2 + pot
        off = np.full(n - 1, -1 / h ** 2)
        off[0] = -math.sqrt(2) / h ** 2
        e0 = eigh_tridiagonal(diag, off, select="i", select_range=(0, 0), eigvals_only=True)[0]
        if winf - e0 > 0 and extra * math.sqrt(winf - e0) > 25:
            break
        extra = min(4 * extra, 2000.0)
    return d0, -1 + math.sqrt(-e0)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="20 gains instead of 200")
    a = p.parse_args(argv)
    from recnet.numerics import dmft
    ng = 20 if a.quick else 200
    gs = np.linspace(1.05, 3.0, ng)
    dmft.solve_stationary(gs[:2])  # compile / load the numba cache outside the timing
    t0 = time.perf_counter()
    rec = dmft.solve_stationary(gs)
    t_rec = time.perf_counter() - t0
    t0 = time.perf_counter()
    peer = np.array([solve_np(g) for g in gs])
    t_np = time.perf_counter() - t0
    dd = np.max(np.abs(rec["delta0"] - peer[:, 0]) / peer[:, 0])
    dl = np.max(np.abs(rec["lambda_max"] - peer[:, 1]))
    print(f"stationary DMFT, tanh, {ng} gains in [1.05, 3]: Delta_0 and lambda_max")
    print(f"  recnet (numba, all branches): {t_rec:8.2f} s")
    print(f"  numpy/scipy (same algorithm): {t_np:8.2f} s")
    print(f"  ratio numpy/recnet          : {t_np / t_rec:8.1f}x")
    print(f"  max rel. diff Delta_0 = {dd:.2e}, max abs. diff lambda_max = {dl:.2e}")
    print("  (timings on a shared 2-core machine; other jobs inflate both)")
    ok = dd < 1e-6 and dl < 1e-5
    print("  agree" if ok else "  DISAGREE")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
