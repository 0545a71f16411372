"""Benchmark: Brunel-network rate map over (g, eta), recnet vs NNMT 1.3 (same process, same problem).

Problem: Brunel's (2000) E-I network (N_E = 10000, gamma = 0.25, epsilon = 0.1, J = 0.1 mV,
tau_m = 20 ms, theta = 20 mV, V_r = 10 mV, tau_ref = 2 ms), self-consistent stationary rate on a
100 x 100 grid g in [4, 8], eta = nu_ext/nu_thr in [1, 4] (the region where the stationary state
is unique, so both tools must find the same one).

* recnet: ``recnet.numerics.lif_meanfield.brunel_rate_map`` (numba, parallel; scan + Brent on
  every sign change, so it would also report several solutions).
* NNMT: ``nnmt.lif.delta._firing_rates`` per grid point (its Siegert with Gauss-Legendre erfcx
  quadrature, fixed point by ODE relaxation), two populations, external drive arrays shaped
  (n_pop, n_ext) as NNMT needs; ``eps_tol`` tightened from its default 1e-7 to 1e-13 so the
  comparison can reach 1e-8.

NNMT takes ~0.3 s per point, so by default it runs on an evenly spread subset of the grid
(``--nnmt-points``, default 200) and its full-grid time is extrapolated linearly (printed as such);
``--full`` runs NNMT on every point.  recnet's numba compilation is timed separately.
Targets (issue 2): recnet >= 100x faster, max relative rate difference <= 1e-8.
"""
from __future__ import annotations

import argparse
import time
import warnings

import numpy as np


def nnmt_rate(g, eta, v_reset=10.0):
    from nnmt.lif import delta
    J = np.array([[0.1, -0.1 * g], [0.1, -0.1 * g]]) * 1e-3          # V
    K = np.array([[1000, 250], [1000, 250]])
    J_ext = np.array([[0.1e-3], [0.1e-3]])                             # (n_pop, n_ext)
    K_ext = np.array([[1000], [1000]])                                  # (n_pop, n_ext)
    nu_thr = 20e-3 / (0.1e-3 * 1000 * 20e-3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = delta._firing_rates(J, K, v_reset * 1e-3, 20e-3, 20e-3, 2e-3, J_ext, K_ext,
                                np.array([eta * nu_thr]), eps_tol=1e-13)
    return float(r[0])


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="10 x 10 grid, NNMT on 25 points")
    ap.add_argument("--full", action="store_true", help="run NNMT on every grid point (about an hour)")
    ap.add_argument("--nnmt-points", type=int, default=200)
    ap.add_argument("--n", type=int, default=100, help="grid size per axis")
    a = ap.parse_args(argv)
    from recnet.numerics.lif_meanfield import brunel_rate_map

    n = 10 if a.quick else a.n
    n_nnmt = n * n if a.full else min(n * n, 25 if a.quick else a.nnmt_points)
    g = np.linspace(4.0, 8.0, n)
    eta = np.linspace(1.0, 4.0, n)

    t0 = time.perf_counter()
    brunel_rate_map(g[:2], eta[:2], v_reset=10.0, n_scan=100)          # compile (cached on disk)
    t_compile = time.perf_counter() - t0
    t0 = time.perf_counter()
    m = brunel_rate_map(g, eta, v_reset=10.0, n_scan=100)
    t_recnet = time.perf_counter() - t0
    rate = m["rate_hz"]
    if np.any(m["n_solutions"] != 1):
        print(f"warning: {np.sum(m['n_solutions'] != 1)} grid points have != 1 solution")

    idx = np.unique(np.linspace(0, n * n - 1, n_nnmt).round().astype(int))
    t0 = time.perf_counter()
    ref = np.array([nnmt_rate(g[i // n], eta[i % n]) for i in idx])
    t_nnmt_sub = time.perf_counter() - t0
    t_nnmt = t_nnmt_sub * (n * n) / idx.size
    ours = rate.ravel()[idx]
    rel = np.abs(ours / ref - 1)

    print(f"grid: {n} x {n} (g in [4, 8], eta in [1, 4]), V_r = 10 mV")
    print(f"recnet brunel_rate_map: {t_recnet:.3f} s for {n * n} points "
          f"({1e3 * t_recnet / (n * n):.3f} ms/point; numba compile/cache load {t_compile:.1f} s, not counted)")
    label = "measured" if idx.size == n * n else f"extrapolated from {idx.size} points ({t_nnmt_sub:.1f} s)"
    print(f"NNMT 1.3 _firing_rates:  {t_nnmt:.1f} s for {n * n} points ({label}; "
          f"{1e3 * t_nnmt_sub / idx.size:.1f} ms/point)")
    print(f"speed-up recnet / NNMT: {t_nnmt / t_recnet:.0f}x (target >= 100x)")
    print(f"max relative rate difference over {idx.size} compared points: {rel.max():.2e} (target <= 1e-8)")
    print("note: the machine is shared; absolute times are inflated by other jobs' load")
    return 0 if rel.max() <= 1e-8 else 1


if __name__ == "__main__":
    raise SystemExit(main())
