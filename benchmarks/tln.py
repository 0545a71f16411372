"""Benchmark: all fixed-point supports of a 20-node CTLN (2^20 = 1,048,576 candidate supports).

recnet (``numerics.tln_enumerate.enumerate_ctln``): numba kernel over all supports, parallel over
chunks, Cramer sign conditions from one LU per support, domination pruning, round-off guard.
Peers, run in the same process on the same network and checked to find the same supports:

* plain numpy (``enumerate_supports_numpy`` in ``tests/twins/tln_enumerate.py``): batched
  ``np.linalg.solve`` per support size, then the inequalities;
* py-ctln (PyPI, ``CTLN.get_fp``): a Python loop over supports, one ``np.linalg.inv`` each.  It costs
  about a millisecond per support, so it is run on a smaller network (N = 12; 14 without --quick)
  and its time for N = 20 is extrapolated per support (labelled as such).  Its stability flags are
  wrong (it indexes the diagonal W[sig, sig], see the project's ENVIRONMENT.md); only its supports
  are compared.

The recnet time is given both with a warm numba cache (the first call compiles) and without pruning.

    python benchmarks/tln.py [--quick] [--n 20] [--seed 1]
"""
import argparse
import time
import warnings

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repo root, for the test twins
from tests.twins import tln_enumerate as twin


def random_graph(n, p, seed):
    rng = np.random.default_rng(seed)
    a = rng.random((n, n)) < p
    np.fill_diagonal(a, False)
    return a


def timed(f, *a, **k):
    t = time.perf_counter()
    r = f(*a, **k)
    return r, time.perf_counter() - t


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="N = 14, py-ctln on N = 10")
    ap.add_argument("--n", type=int, default=None)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--density", type=float, default=0.3)
    args = ap.parse_args()
    from recnet.numerics.tln import enumerate as te
    from recnet.theory.tln import ctln as ctln

    n = args.n or (14 if args.quick else 20)
    eps, delta, theta = 0.25, 0.5, 1.0
    adj = random_graph(n, args.density, args.seed)
    W = ctln.ctln_weights(adj, eps, delta)
    b = np.full(n, theta)

    for m in (8, 12):  # compile / load the numba cache of the serial and the parallel kernel
        te.enumerate_ctln(random_graph(m, 0.3, 0), eps, delta, theta)
        te.enumerate_ctln(random_graph(m, 0.3, 0), eps, delta, theta, prune=False)
    res, t_rec = timed(te.enumerate_ctln, adj, eps, delta, theta)
    res_np, t_rec_np = timed(te.enumerate_ctln, adj, eps, delta, theta, prune=False)
    sup_np, t_np = timed(twin.enumerate_supports_numpy, W, b)
    assert res.supports == sup_np == res_np.supports, "recnet and numpy disagree"
    print(f"N = {n} CTLN (density {args.density}, seed {args.seed}), (eps, delta, theta) = ({eps}, {delta}, {theta})")
    print(f"  fixed points: {len(res.supports)} ({len(res.stable_supports)} stable), index sum {res.index_sum}, "
          f"pruned by domination {res.n_pruned} of {res.n_candidates}, round-off flags {res.n_flagged}")
    print(f"  recnet numba (pruned)      {t_rec:8.3f} s")
    print(f"  recnet numba (no pruning)  {t_rec_np:8.3f} s")
    print(f"  plain numpy batched solve  {t_np:8.3f} s   ratio numpy / recnet = {t_np / t_rec:6.1f}x "
          f"(unpruned: {t_np / t_rec_np:.1f}x)   supports agree: True")

    try:
        from py_ctln import CTLN
    except ImportError:
        print("  py-ctln not installed (pip install py-ctln): peer skipped")
        return
    m = 10 if args.quick else 14
    adj_m = random_graph(m, args.density, args.seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        (fx, sup, st), t_pc = timed(CTLN.get_fp, adj_m.T.astype(int), epsilon=eps, delta=delta)
    res_m, t_rm = timed(te.enumerate_ctln, adj_m, eps, delta, theta)
    ours = [[i + 1 for i in s] for s in res_m.supports]
    agree = sorted(ours) == sorted(sup)
    wrong_stab = sum(1 for s, f in zip(sup, st) if f != res_m.fixed_points[ours.index(s)].stable) if agree else None
    per = t_pc / 2 ** m
    print(f"  py-ctln on N = {m}: {t_pc:.3f} s vs recnet {t_rm:.4f} s, ratio {t_pc / t_rm:.0f}x; supports agree: "
          f"{agree}; py-ctln stability flags that differ from eig(-I + W_sigma): {wrong_stab}")
    print(f"  py-ctln extrapolated to N = {n}: {per * 2 ** n:.0f} s ({per * 1e6:.0f} us per support; estimate, "
          f"not run) -> ratio about {per * 2 ** n / t_rec:.0f}x")
    print("  (timings on a shared 2-core machine under load from other jobs)")


if __name__ == "__main__":
    main()
