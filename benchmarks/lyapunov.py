"""Benchmark: Lyapunov-spectrum engines against plain numpy and against the machine's matmul peak.

1. Rate network, full spectrum (N = 1000, m = N): time per step of recnet's engine (one BLAS dgemm
   on [Q | x | y] per step, numba for the element-wise work, LAPACK QR every n_ons steps) against a
   plain numpy implementation of the same algorithm (``spectrum_numpy`` in
   ``tests/twins/lyapunov_rate.py``) on the same J, x0, Q0; the exponents must agree.  The engine's
   floating-point rate (2 N^2 (m + 2) flops per step, QR not counted) is reported as a fraction of
   the matrix-multiply peak measured in the same run (numpy matmul of the same shapes, best of
   several, same BLAS threads).
2. Theta network (N = 10000, K = 100, m = 100): network spikes per second of simulated activity,
   with tangent vectors and QR, and without; the heap kernel is checked against the argmax twin
   on the same network for a few hundred spikes.

Timings on a shared machine are inflated by other processes' load.  ``--quick``: N = 200 / 1000.
"""
import argparse
import time

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repo root, for the test twins
from tests.twins import lyapunov_rate as twin_rate
from tests.twins import lyapunov_pulse as twin_pulse


def bench_rate(n, steps, n_ons, seed=0, threads=None, rounds=2):
    from recnet.numerics.lyapunov import rate as R
    from recnet.numerics.lyapunov.common import blas_limit
    rng = np.random.default_rng(seed)
    J = R.random_coupling(n, 2.0, seed=rng)
    x0 = rng.standard_normal(n)
    q0 = np.linalg.qr(rng.standard_normal((n, n)))[0]
    dt = 0.1
    kw = dict(dt=dt, t_sim=steps * dt, t_warm=0.0, t_warm_q=0.0, t_ons=n_ons * dt, x0=x0, q0=q0,
              twin=True, seed=1, blas_threads=threads, progress=True)
    R.spectrum(J, dt=dt, t_sim=n_ons * dt, t_warm=0.0, t_warm_q=0.0, t_ons=n_ons * dt, x0=x0, q0=q0,
               twin=False, blas_threads=threads, progress=True)          # compile / warm caches
    # interleaved rounds (engine, numpy, matmul) and the best round of each: on a shared machine the
    # load drifts, and interleaving exposes all three to the same conditions
    t_eng, t_np, times = np.inf, np.inf, []
    A = np.asfortranarray(J)
    B = np.asfortranarray(rng.standard_normal((n, n + 2)))
    for _ in range(rounds):
        res = R.spectrum(J, **kw)
        t_eng = min(t_eng, res.time_per_step_s)
        with blas_limit(threads, n):
            t0 = time.perf_counter()
            lam_np, _, _ = twin_rate.spectrum_numpy(J, x0, q0, dt=dt, n_steps=steps, n_ons=n_ons)
            t_np = min(t_np, (time.perf_counter() - t0) / steps)
            tt = []
            for _ in range(max(5, steps // 2)):
                t0 = time.perf_counter()
                A @ B
                tt.append(time.perf_counter() - t0)
            times.append(np.mean(tt))
    flops = 2.0 * n * n * (n + 2)
    # per round: mean matmul time, like the engine's mean per-step time; best round of each
    peak = flops / np.min(times)
    achieved = flops / t_eng
    err = np.abs(np.sort(lam_np)[::-1] - res.exponents).max()
    print(f"rate network N = {n}, m = N, {steps} steps, QR every {n_ons} steps (BLAS threads: {threads or 'default'})")
    print(f"  exponents agree with plain numpy: max |diff| = {err:.2e} 1/tau")
    print(f"  recnet engine : {1e3 * t_eng:8.2f} ms/step   {achieved / 1e9:6.2f} GFLOP/s")
    print(f"  plain numpy   : {1e3 * t_np:8.2f} ms/step   ratio numpy/recnet = {t_np / t_eng:.2f}")
    print(f"  matmul peak   : {peak / 1e9:6.2f} GFLOP/s (same shapes; mean over a round, best of {rounds} rounds)")
    print(f"  fraction of peak achieved: {achieved / peak:.2f} (target >= 0.5)")
    return err, achieved / peak, t_np / t_eng


def bench_theta(n, k, m, t_sim, seed=0):
    from recnet.numerics.lyapunov import pulse as P
    from recnet.numerics.lyapunov import theta as TH
    rng = np.random.default_rng(seed)
    graph = TH.network(n, k, seed=rng)
    p = TH.parameters(k)
    # correctness: heap kernel vs argmax twin, 300 spikes with m tangent vectors
    key = rng.uniform(-np.pi, np.pi, n)
    Q = rng.standard_normal((n, m))
    ref_key, _, ref_Q, _ = twin_pulse.run_events_numpy(0, (p["c"],), key, 0.0, *graph, Q, 300)
    k2, Q2 = key.copy(), Q.copy()
    heap, pos = P.heap_build(k2)
    P.run_events(0, np.array([p["c"]]), k2, heap, pos, 0.0, *graph, Q2, 300, True,
                 np.zeros(0, np.int64), np.zeros(0), np.zeros(1))
    ok = np.allclose(k2, ref_key, atol=1e-9) and np.allclose(Q2, ref_Q, atol=1e-9)
    # timing: pure simulation, then spectrum
    t0 = time.perf_counter()
    n_ev = 20 * n
    t_naive0 = time.perf_counter()
    twin_pulse.run_events_numpy(0, (p["c"],), key, 0.0, *graph, np.zeros((n, 0)), 2000)
    naive = 2000 / (time.perf_counter() - t_naive0)
    k3 = key.copy()
    heap, pos = P.heap_build(k3)
    t0 = time.perf_counter()
    P.run_events(0, np.array([p["c"]]), k3, heap, pos, 0.0, *graph, np.zeros((n, 0)), n_ev, False,
                 np.zeros(0, np.int64), np.zeros(0), np.zeros(1))
    sim_rate = n_ev / (time.perf_counter() - t0)
    t0 = time.perf_counter()
    res = TH.spectrum(n, k, m, t_sim=t_sim, t_warm=0.0, t_warm_q=0.0, graph=graph, seed=rng, progress=True)
    wall = time.perf_counter() - t0
    print(f"theta network N = {n}, K = {k}, m = {m}: heap kernel equals argmax twin: {ok}")
    print(f"  simulation only : {sim_rate:12.0f} spikes/s (naive numpy twin: {naive:.0f} spikes/s, ratio {sim_rate / naive:.0f})")
    print(f"  with {m} exponents: {res.spikes_per_wall_s:12.0f} spikes/s ({res.n_spikes} spikes in the "
          f"measurement, QR every {res.events_per_ons} spikes; {wall:.1f} s wall incl. pilot)")
    print(f"  lambda_1 = {res.exponents[0]:.2f} 1/s, rate = {res.rate_hz:.2f} Hz")
    return ok


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--threads", type=int, default=1,
                    help="BLAS threads for engine, numpy twin and peak alike (default 1: fair on a shared machine)")
    a = ap.parse_args()
    if a.quick:
        err, frac, _ = bench_rate(200, 40, 10, threads=a.threads)
        ok = bench_theta(1000, 50, 20, 300.0)
    else:
        err, frac, _ = bench_rate(1000, 60, 10, threads=a.threads)
        ok = bench_theta(10000, 100, 100, 1000.0)
    if err > 1e-8 or not ok:
        raise SystemExit("recnet and the reference disagree")


if __name__ == "__main__":
    main()
