"""Benchmark: stationary rates of the Potjans-Diesmann (2014) microcircuit with delta synapses,
``recnet predict lif-network --model potjans2014-delta`` vs NNMT 1.3 (same process, same problem).

* recnet: ``recnet.numerics.lif_meanfield.network_states`` on the shipped model
  ``potjans2014-delta`` (rates only, ``cv=False``, as NNMT computes rates only): damped Newton with
  the closed-form Jacobian of the Siegert map, started from the end points of the relaxation
  dynamics and 24 random points (``search="fast"``); every distinct solution is reported.  The
  full predict (rates + ISI CVs of the stable state, as the CLI prints) and ``search="full"``
  (200 random starts) are timed too.
* NNMT: ``nnmt.lif.delta._firing_rates`` on the same arrays (SI units; K_ext as a vector and a
  scalar nu_ext, so its drive is K_ext J_ext nu_ext per population), default ``eps_tol`` (what a
  user gets) for the timing; the difference is taken against ``eps_tol = 1e-13``.

Both are timed as the best of ``--repeat`` runs after one warm-up run (numba compilation and
caches excluded).  Target (issue 12): recnet faster than NNMT, max relative difference <= 1e-8.
Run it on a quiet machine: a loaded machine slows both, not necessarily alike.
"""
from __future__ import annotations

import argparse
import time
import warnings

import numpy as np


def _best(fn, repeat):
    fn()
    best = np.inf
    out = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeat", type=int, default=5)
    args = p.parse_args(argv)
    from nnmt.lif import delta

    from recnet.models import load
    from recnet.numerics.lif_meanfield import network_states

    m = load("potjans2014-delta")
    a = m.to_arrays()
    k_ext = np.array([d.indegree for d in m.drives])

    def nnmt_rates(eps_tol=1e-7):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return delta._firing_rates(a["weight"] * 1e-3, a["indegree"], 0.0, 15e-3, 10e-3, 2e-3,
                                       a["j_ext"][:, 0] * 1e-3, k_ext, 8.0, eps_tol=eps_tol)

    t_rec, st = _best(lambda: network_states(m, cv=False), args.repeat)
    t_full_predict, _ = _best(lambda: network_states(m), max(1, args.repeat // 2))
    t_full_search, st_full = _best(lambda: network_states(m, cv=False, search="full"), max(1, args.repeat // 2))
    t_nnmt, r_nnmt = _best(nnmt_rates, args.repeat)
    r_tight = nnmt_rates(1e-13)
    ours = [s["rate_hz"] for s in st["states"] if s["stable"]]
    print(f"recnet states found: {len(st['states'])} (fast search), {len(st_full['states'])} (full search)")
    print(f"recnet rates (Hz): {np.round(ours[0], 6).tolist()}")
    print(f"recnet network_states, rates only  : {t_rec * 1e3:8.1f} ms")
    print(f"recnet with ISI CVs (the CLI's)     : {t_full_predict * 1e3:8.1f} ms")
    print(f"recnet search='full' (200 starts)   : {t_full_search * 1e3:8.1f} ms")
    print(f"NNMT lif.delta firing rates         : {t_nnmt * 1e3:8.1f} ms")
    print(f"speed-up (NNMT / recnet rates only) : {t_nnmt / t_rec:8.2f} x")
    print(f"max relative difference vs NNMT (eps_tol 1e-13): {np.max(np.abs(ours[0] / r_tight - 1)):.2e}")
    print(f"NNMT default eps_tol vs 1e-13               : {np.max(np.abs(r_nnmt / r_tight - 1)):.2e}")


if __name__ == "__main__":
    main()
