"""Benchmark: LIF rate response (delta synapses) at many frequencies, recnet vs NNMT 1.3 and mpmath.

Problem: one population, mu = 15 mV, sigma = 5 mV, theta = 20 mV, V_r = 10 mV, tau_m = 20 ms,
tau_rp = 0 (where NNMT's form coincides with the exact one), ``--n`` frequencies log-spaced in
1-1000 Hz.

* recnet: ``recnet.numerics.lif_response.transfer_function`` (numba threshold integration; the
  compilation is timed separately).
* NNMT: ``nnmt.lif.exp._transfer_function_shift`` with tau_s = 1e-20 s and no synaptic filter
  (mpmath ``pcfu`` one value at a time).
* mpmath closed form (``recnet.theory.lif_response.rate_response_mpmath``, 30 digits) on a subset,
  for the accuracy of both.

Prints wall times, their ratio and the maximal relative differences.  Run once on a quiet machine
for numbers; the timings in a loaded CI run mean nothing.
"""
from __future__ import annotations

import argparse
import time

import numpy as np


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=200)
    args = ap.parse_args(argv)
    from recnet.numerics.lif_response import transfer_function
    from recnet.numerics.siegert import siegert
    from recnet.theory.lif_response import rate_response_mpmath

    mu, sigma, vr = 15.0, 5.0, 10.0
    freqs = np.logspace(0, 3, args.n)
    nu = siegert(mu, sigma, tau_m=20.0, tau_refrac=0.0, v_thresh=20.0, v_reset=vr)
    t0 = time.perf_counter()
    transfer_function(freqs[:2], mu, sigma, nu, tau_refrac=0.0, v_reset=vr)
    t_compile = time.perf_counter() - t0
    t0 = time.perf_counter()
    ours, _ = transfer_function(freqs, mu, sigma, nu, tau_refrac=0.0, v_reset=vr)
    t_ours = time.perf_counter() - t0
    from nnmt.lif import exp as nnmt_exp
    t0 = time.perf_counter()
    ref = nnmt_exp._transfer_function_shift(
        np.array([mu * 1e-3]), np.array([sigma * 1e-3]), np.array([20e-3]), 1e-20, np.array([0.0]),
        np.array([20e-3]), np.array([vr * 1e-3]), 2 * np.pi * freqs, synaptic_filter=False)[:, 0] * 1e-3
    t_nnmt = time.perf_counter() - t0
    sub = np.arange(0, args.n, max(1, args.n // 10))
    exact = np.array([rate_response_mpmath(2j * np.pi * f * 1e-3, mu, sigma, tau_refrac=0.0, v_reset=vr)[0]
                      for f in freqs[sub]])
    print(f"{args.n} frequencies, 1-1000 Hz")
    print(f"recnet: {t_ours:.4f} s (+ {t_compile:.2f} s first call incl. compilation)")
    print(f"NNMT 1.3: {t_nnmt:.3f} s   ratio NNMT/recnet = {t_nnmt / t_ours:.0f}x")
    print(f"max rel. diff recnet vs NNMT: {np.max(np.abs(ours[0] / ref - 1)):.2e}")
    print(f"max rel. error vs mpmath closed form: recnet {np.max(np.abs(ours[0, sub] / exact - 1)):.2e}, "
          f"NNMT {np.max(np.abs(ref[sub] / exact - 1)):.2e}")


if __name__ == "__main__":
    main()
