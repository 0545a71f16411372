"""Benchmark: per-synapse ranges of a 200-neuron, 100-pattern solution space.

recnet (``numerics.geometry.solution_space``) reduces each neuron's problem to the null space of its
active patterns, decides every synapse the ball alone decides in closed form (one matrix product),
and solves the rest with one Clarabel (L2) or HiGHS (L-infinity) instance per neuron whose
objective alone is updated.  The peer is the straightforward way: for every synapse, two fresh
solver calls on the full weight space (Clarabel for L2, ``scipy.optimize.linprog``/HiGHS for
L-infinity).  The peer is timed on a random subset of synapses (all of them would take hours)
and its time per synapse extrapolated; its ranges on that subset are checked against recnet's.

    python benchmarks/geometry.py [--quick] [--norm l2|linf]
"""
import argparse
import time

import numpy as np
import scipy.sparse as sp


def peer_range_l2(Z, c, y, B, j):
    """min and max of w_j over the L2 solution set, two fresh Clarabel problems on the full space."""
    import clarabel

    P, M = Z.shape
    act = y > 0
    A = np.vstack([Z[act], Z[~act], np.zeros((1, M)), -np.eye(M)])
    b = np.concatenate([y[act] - c[act], -c[~act], [B], np.zeros(M)])
    cones = ([clarabel.ZeroConeT(int(act.sum()))] if act.any() else []) + \
            ([clarabel.NonnegativeConeT(int((~act).sum()))] if (~act).any() else []) + \
            [clarabel.SecondOrderConeT(M + 1)]
    out = []
    for s in (1.0, -1.0):
        q = np.zeros(M)
        q[j] = s
        st = clarabel.DefaultSettings()
        st.verbose = False
        r = clarabel.DefaultSolver(sp.csc_matrix((M, M)), q, sp.csc_matrix(A), b, cones, st).solve()
        out.append(s * r.obj_val)
    return out[0], out[1]


def peer_range_linf(Z, c, y, B, j):
    from scipy.optimize import linprog

    P, M = Z.shape
    act = y > 0
    kw = dict(A_eq=Z[act] if act.any() else None, b_eq=(y - c)[act] if act.any() else None,
              A_ub=Z[~act] if (~act).any() else None, b_ub=-c[~act] if (~act).any() else None,
              bounds=[(-B, B)] * M, method="highs")
    q = np.zeros(M)
    q[j] = 1.0
    lo = linprog(q, **kw).fun
    hi = -linprog(-q, **kw).fun
    return lo, hi


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="40 neurons, 20 patterns")
    ap.add_argument("--norm", default="l2", choices=("l2", "linf"))
    ap.add_argument("--peer-synapses", type=int, default=300, help="synapses timed for the peer")
    args = ap.parse_args()
    from recnet.numerics.geometry import _neuron_rows, solution_space
    from recnet.validation.geometry import random_ground_truth

    N, P, K = (40, 20, 5) if args.quick else (200, 100, 10)
    gt = random_ground_truth(N, P, K, density=0.3, seed=1)
    WU = np.hstack([gt["W"], gt["U"]])
    B = 1.1 * (np.linalg.norm(WU, axis=1).max() if args.norm == "l2" else np.abs(WU).max())
    print(f"problem: N = {N} neurons, P = {P} patterns, K = {K} inputs, {N * (N - 1 + K)} unknown weights, "
          f"norm {args.norm}, bound {B:.3f}; {np.mean(gt['R'] > 0):.0%} of responses active")

    t0 = time.perf_counter()
    space = solution_space(gt["R"], gt["X"], bound=B, norm=args.norm)
    t_recnet = time.perf_counter() - t0
    n_syn = N * (N - 1 + K)
    print(f"recnet: {t_recnet:.2f} s for all {n_syn} synapses ({1e3 * t_recnet / n_syn:.3f} ms per synapse); "
          f"{int(space.certain.sum())} recurrent synapses certain, dimension {space.dimension}")

    rng = np.random.default_rng(0)
    picks = [(int(rng.integers(N)), int(rng.integers(N - 1 + K))) for _ in range(args.peer_synapses)]
    peer = peer_range_l2 if args.norm == "l2" else peer_range_linf
    worst = 0.0
    t0 = time.perf_counter()
    for i, m in picks:
        Z, c, y = _neuron_rows(gt["R"], gt["X"], None, np.zeros(N), i, False)
        lo, hi = peer(Z, c, y, B, m)
        ns = space.neurons[i]
        worst = max(worst, abs(lo - ns.w_min[m]), abs(hi - ns.w_max[m]))
    t_peer = (time.perf_counter() - t0) / len(picks)
    print(f"peer (per-synapse loop of fresh solver calls): {1e3 * t_peer:.3f} ms per synapse on "
          f"{len(picks)} random synapses -> {t_peer * n_syn:.1f} s extrapolated to all")
    print(f"agreement on those synapses: max |difference| of the ranges = {worst:.2e}")
    print(f"ratio (peer / recnet): {t_peer * n_syn / t_recnet:.1f}x")


if __name__ == "__main__":
    main()
