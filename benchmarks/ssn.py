"""Benchmark: SSN regime map (every fixed point, stability, ISN, paradoxical) over a grid of inputs.

recnet: ``numerics.ssn.regime_map`` (exact polynomial elimination for n = 2, all supports, parallel
numba kernel) on a 200 x 200 grid of (h_E, h_I) in [-10, 40] mV for the standard two-population
SSN (k = 0.04, n = 2, tau = (20, 10) ms, the published Rubin et al. 2015 weight set
W = (3.512, 1.836, 3.352, 1.437) mV s; ``--weights hennequin2018`` for (1.25, 0.65, 1.2, 0.5)).
Peer: a plain scipy loop: ``scipy.optimize.fsolve`` on F(u) = -u + W k [u]_+^2 + h from the
previous grid point's solution (and from h if that fails), then the Jacobian's eigenvalues; this
finds one fixed point per input (not all of them).  Check: wherever recnet finds exactly one
stable fixed point and scipy converged to a stable one, the E and I rates agree to 1e-6 relative;
the fraction of grid points where scipy agrees is printed.  Timings on a shared machine are
inflated by other load.

    python benchmarks/ssn.py [--quick] [--weights rubin2015|hennequin2018]
"""
from __future__ import annotations

import argparse
import time

import numpy as np
import scipy.optimize as so


def scipy_map(W, he, hi, k, tau):
    rE = np.full((he.size, hi.size), np.nan)
    rI = np.full_like(rE, np.nan)
    stable = np.zeros(rE.shape, bool)

    def F(u, h):
        return -u + W @ (k * np.maximum(u, 0) ** 2) + h

    for i, a in enumerate(he):
        u0 = np.array([a, hi[0]])
        for j, b in enumerate(hi):
            h = np.array([a, b])
            u, _, ier, _ = so.fsolve(F, u0, args=(h,), full_output=True, xtol=1e-12)
            if ier != 1:
                u, _, ier, _ = so.fsolve(F, h, args=(h,), full_output=True, xtol=1e-12)
            if ier == 1:
                u0 = u
                g = 2 * k * np.maximum(u, 0)
                J = (-np.eye(2) + g[:, None] * W) / tau[:, None]
                stable[i, j] = np.max(np.linalg.eigvals(J).real) < 0
                r = k * np.maximum(u, 0) ** 2
                rE[i, j], rI[i, j] = r
    return rE, rI, stable


def main(quick=False, weights="rubin2015"):
    from recnet.numerics import ssn
    p = ssn.default_parameters(weights)
    W, k, tau = p["W"], p["k"], p["tau"]
    n = 50 if quick else 200
    he = np.linspace(-10, 40, n)
    hi = np.linspace(-10, 40, n)
    ssn.regime_map(W, he[:3], hi[:3], k, 2, tau)          # compile outside the timing
    t0 = time.perf_counter()
    m = ssn.regime_map(W, he, hi, k, 2, tau)
    t_rec = time.perf_counter() - t0
    t0 = time.perf_counter()
    rE, rI, st = scipy_map(W, he, hi, k, tau)
    t_sp = time.perf_counter() - t0
    one = (m["n_stable"] == 1) & (m["n_fixed"] == 1) & st
    ok = np.allclose(rE[one], m["rate_e_hz"][one], rtol=1e-6, atol=1e-9) and \
        np.allclose(rI[one], m["rate_i_hz"][one], rtol=1e-6, atol=1e-9)
    # every fixed point scipy converged to is in recnet's list (recnet misses none)
    missed = 0
    conv = np.isfinite(rE)
    for i, j in zip(*np.nonzero(conv & ~one)):
        fps = ssn.fixed_points_2pop(W, [he[i], hi[j]], k, 2, tau)
        if not any(np.allclose(f["rates_hz"], [rE[i, j], rI[i, j]], rtol=1e-6, atol=1e-9) for f in fps):
            missed += 1
    ok = ok and missed == 0
    print(f"grid {n} x {n} = {n * n} inputs; fixed points per input: "
          f"{dict(zip(*np.unique(m['n_fixed'], return_counts=True)))}")
    print(f"agreement on {one.sum()} inputs with a unique stable fixed point: {'yes' if ok else 'NO'}")
    print(f"scipy converged on {conv.sum()} inputs; fixed points scipy found that recnet missed: {missed}")
    print(f"recnet regime_map (all fixed points, numba parallel): {t_rec:.3f} s")
    print(f"scipy fsolve loop (one fixed point per input):        {t_sp:.3f} s")
    print(f"ratio scipy / recnet: {t_sp / t_rec:.1f}x")
    if not ok:
        raise SystemExit(1)


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--weights", default="rubin2015", choices=("rubin2015", "hennequin2018"))
    a = ap.parse_args()
    main(a.quick, a.weights)
