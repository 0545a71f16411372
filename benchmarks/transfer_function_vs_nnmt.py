"""Benchmark: transfer functions and power spectra of the Bos et al. (2016) microcircuit with
exponential synapses on NNMT's frequency grid (8 populations x 3141 frequencies, 0.1-500 Hz),
recnet vs NNMT 1.3 (same process, same working point, same method).

* Working point: NNMT's own (``nnmt.lif.exp.working_point``, ``--method``), given to both.
* recnet: ``recnet.numerics.lif_spectra.spectra`` (transfer function by Taylor-series integration of
  the Weber equation in one parallel numba kernel; truncated-Gaussian delay factors; effective
  connectivity; power spectra), ``refractory_phase=False`` (NNMT's form).  Compilation is timed
  separately; the timed run is the best of ``--repeat``.
* NNMT: ``transfer_function`` (mpmath ``pcfu`` one value at a time) on ``--nnmt-freqs`` frequencies
  spread over the grid, its time extrapolated linearly to the full grid (the cost is per frequency
  and population; ``--nnmt-freqs 0`` runs the full grid, ~6 min here); ``delay_dist_matrix``,
  ``effective_connectivity`` and ``power_spectra`` on the full grid (fed with recnet's transfer
  function, which NNMT's equals to ~1e-13).
* Agreement: max relative difference of the transfer functions and of the power spectra on the
  frequencies NNMT computed.

Prints wall times, the ratio NNMT / recnet and the differences.  The machine may be loaded by other
work; both run in this process one after the other, so the ratio is what compares.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
import warnings

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--method", choices=["shift", "taylor"], default="shift")
    ap.add_argument("--nnmt-freqs", type=int, default=40,
                    help="frequencies NNMT's transfer function is timed on (0: the full grid)")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    warnings.simplefilter("ignore")
    import nnmt

    from recnet.numerics import lif_spectra as ls
    from tests import bos2016

    f = bos2016.freqs()
    a = bos2016.arrays()
    m = bos2016.nnmt_network(f)
    mu, sigma, nu = bos2016.nnmt_working_point(m, args.method)

    def ours(freqs):
        return ls.spectra(freqs, mu, sigma, nu, a["indegree"], a["weight"], a["n_neurons"], tau_m=a["tau_m"],
                          tau_s=a["tau_s"], tau_refrac=a["tau_refrac"], v_thresh=a["v_thresh"],
                          v_reset=a["v_reset"], delay=a["delay"], delay_sd=a["delay_sd"],
                          delay_kind="truncated_gaussian", method=args.method, refractory_phase=False)

    t0 = time.perf_counter()
    ours(f[:2])
    t_compile = time.perf_counter() - t0
    t_ours = np.inf
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        out = ours(f)
        t_ours = min(t_ours, time.perf_counter() - t0)
    t0 = time.perf_counter()
    ls.transfer_function_exp(f, mu, sigma, tau_m=a["tau_m"], tau_s=a["tau_s"], tau_refrac=a["tau_refrac"],
                             v_thresh=a["v_thresh"], v_reset=a["v_reset"], method=args.method,
                             refractory_phase=False)
    t_ours_tf = time.perf_counter() - t0

    # NNMT transfer function on a subset (or all) of the grid
    n_sub = len(f) if args.nnmt_freqs <= 0 else min(args.nnmt_freqs, len(f))
    idx = np.unique(np.linspace(0, len(f) - 1, n_sub).round().astype(int))
    m_sub = bos2016.nnmt_network(f[idx])
    bos2016.nnmt_working_point(m_sub, args.method)
    t0 = time.perf_counter()
    tf_n = np.asarray(nnmt.lif.exp.transfer_function(m_sub, method=args.method)).T * 1e-3
    t_nnmt_tf_sub = time.perf_counter() - t0
    nnmt.network_properties.delay_dist_matrix(m_sub)
    nnmt.lif.exp.effective_connectivity(m_sub)
    ps_n = np.asarray(nnmt.lif.exp.power_spectra(m_sub)).T
    t_nnmt_tf = t_nnmt_tf_sub * len(f) / len(idx)

    # NNMT's network part on the full grid, fed with recnet's transfer function (NNMT's units: Hz/V)
    p = m.network_params
    t0 = time.perf_counter()
    D = nnmt.network_properties._delay_dist_matrix(p["Delay"], p["Delay_sd"], p["delay_dist"], 2 * np.pi * f)
    M = nnmt.lif.exp._effective_connectivity(out["transfer_function"].T * 1e3, D, p["J"], p["K"], p["tau_m"])
    nnmt.lif.exp._power_spectra(nu, M, p["J"], p["K"], p["N"], p["tau_m"])
    t_nnmt_net = time.perf_counter() - t0
    t_nnmt = t_nnmt_tf + t_nnmt_net

    d_tf = np.max(np.abs(out["transfer_function"][:, idx] / tf_n - 1))
    d_ps = np.max(np.abs(out["power_spectra"][:, idx] / ps_n - 1))
    P = len(nu)
    print(f"Bos et al. 2016 microcircuit, exp synapses, method={args.method}: {P} populations x {len(f)} "
          f"frequencies ({f[0]:.2f}-{f[-1]:.1f} Hz), NNMT's working point")
    print(f"recnet: {t_ours:.3f} s transfer function + spectra (transfer function alone {t_ours_tf:.3f} s; "
          f"first call incl. compilation {t_compile:.1f} s)")
    extrap = "measured" if len(idx) == len(f) else f"extrapolated linearly from {len(idx)} frequencies " \
        f"({t_nnmt_tf_sub:.1f} s)"
    print(f"NNMT 1.3: {t_nnmt:.1f} s = transfer function {t_nnmt_tf:.1f} s ({extrap}) + delays, "
          f"effective connectivity, spectra {t_nnmt_net:.3f} s")
    print(f"ratio NNMT / recnet = {t_nnmt / t_ours:.0f}x (transfer function alone {t_nnmt_tf / t_ours_tf:.0f}x)")
    print(f"max relative difference on NNMT's {len(idx)} frequencies: transfer function {d_tf:.1e}, "
          f"power spectra {d_ps:.1e}")


if __name__ == "__main__":
    main()
