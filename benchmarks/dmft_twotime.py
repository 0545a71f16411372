"""Benchmark: the two-time DMFT Delta(t, s) on a 2048 x 2048 grid, recnet (numba, parallel rows)
against a plain numpy version of the same algorithm (each row vectorised), same process.

Problem: g = 2, phi = tanh, common input 0.3 cos(t) and independent input 0.5 cos(t + theta_i)
(4-point phase grid), mean coupling J0 = 0.5, 8 Gauss-Hermite nodes per dimension, t_max = 40 tau.
Checks that both agree (max |difference| < 1e-10) and prints the times and their ratio.
``--quick``: a 256 x 256 grid.  Timings on a shared machine are inflated by its load.
"""
import argparse
import time

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repo root, for the test twins
from recnet.numerics.dmft import twotime as TT
from tests.twins import dmft_twotime as twin


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true", help="256 x 256 grid")
    ap.add_argument("--n", type=int, default=None, help="grid size (default 2048, quick 256)")
    args = ap.parse_args(argv)
    n = args.n or (256 if args.quick else 2048)
    kw = dict(t_max=40.0, n_steps=n, common_amplitude=0.3, independent_amplitude=0.5, omega=1.0, j0=0.5,
              n_theta=4, n_gh=8)
    TT.solve_two_time(2.0, "tanh", **dict(kw, n_steps=TT.PAR_MIN_ROW + 4))  # compile (not timed)
    TT.solve_two_time(2.0, "tanh", parallel=True, **dict(kw, n_steps=TT.PAR_MIN_ROW + 4))
    t0 = time.perf_counter()
    a = TT.solve_two_time(2.0, "tanh", **kw)
    t_nb = time.perf_counter() - t0
    t0 = time.perf_counter()
    b = twin.solve_two_time_numpy(2.0, "tanh", **kw)
    t_np = time.perf_counter() - t0
    t0 = time.perf_counter()
    c = TT.solve_two_time(2.0, "tanh", parallel=True, **kw)
    t_par = time.perf_counter() - t0
    err = float(max(np.max(np.abs(a["delta"] - b["delta"])), np.max(np.abs(c["delta"] - b["delta"]))))
    print(f"two-time DMFT, {n} x {n} grid: recnet (numba, serial) {t_nb:.2f} s, recnet (numba, parallel rows) "
          f"{t_par:.2f} s, numpy {t_np:.2f} s; ratio numpy/recnet = {t_np / t_nb:.1f} (serial), "
          f"{t_np / t_par:.1f} (parallel); max |difference| = {err:.2e}")
    if not err < 1e-10:
        raise SystemExit("recnet and numpy disagree")


if __name__ == "__main__":
    main()
