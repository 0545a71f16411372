"""Benchmark: recnet's batched fixed-point finder against scipy's MINPACK Levenberg-Marquardt.

Same network, same initial states (sampled along trajectories, seeded), same analytic Jacobian
J = -I + W diag(phi'(x)): recnet minimises q = |F|^2/2 for all starts at once in numba
(``recnet.numerics.trained.fixed_points.minimise_q``, LM + Newton polish); the peer runs
``scipy.optimize.least_squares(method="lm", jac=...)`` start by start (the loop a user would write;
FixedPointFinder's TensorFlow/PyTorch back ends are not installed here, see issue 17 item 6).
Both end points go through the same de-duplication; the script prints the wall times, their ratio,
and whether both found the same fixed points (|F| <= 1e-10 for recnet; the peer's points are
counted as fixed when |F| <= 1e-8, its own tolerance floor, and matched within 1e-6).

Networks: the shipped 3-bit flip-flop RNN (N = 64) and a Hopfield network with 4 Hadamard
patterns plus a weak random part (N = 256).

Run: ``python benchmarks/trained_fixed_points.py [--quick]``.  Wall-clock on a possibly shared
machine; numba's compile time is excluded (one warm-up call).
"""
from __future__ import annotations

import argparse
import time
from importlib.resources import files

import numpy as np


def networks(quick):
    with np.load(files("recnet.models") / "data" / "flipflop3-tanh64.npz") as z:
        yield "flipflop3-tanh64 (N = 64)", z["W"], z["b"]
    from scipy.linalg import hadamard
    n = 128 if quick else 256
    xi = hadamard(n)[[1, 2, 4, 8]].astype(float)
    W = 2.0 / n * xi.T @ xi + 0.3 * np.random.default_rng(0).standard_normal((n, n)) / np.sqrt(n)
    yield f"hopfield4 + random (N = {n})", W, np.zeros(n)


def peer(W, c, X0):
    from scipy.optimize import least_squares

    def F(x):
        return -x + W @ np.tanh(x) + c

    def J(x):
        return W * (1 - np.tanh(x) ** 2)[None, :] - np.eye(len(x))

    out = np.empty_like(X0)
    nF = np.empty(len(X0))
    for k, x0 in enumerate(X0):
        r = least_squares(F, x0, jac=J, method="lm", xtol=1e-15, ftol=1e-15, gtol=1e-15)
        out[k] = r.x
        nF[k] = np.linalg.norm(F(r.x))
    return out, nF


def distinct(X, nF, tol_F):
    from recnet.numerics.trained.fixed_points import deduplicate
    idx = np.flatnonzero(nF <= tol_F)
    return X[[idx[k] for k in deduplicate(X[idx], nF[idx], 1e-6)]]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--n-init", type=int, default=None)
    a = ap.parse_args(argv)
    from recnet.numerics.trained import fixed_points as FP
    n_init = a.n_init or (64 if a.quick else 256)
    for name, W, c in networks(a.quick):
        X0 = FP.initial_states(W, c, "tanh", n_init, seed=0)
        FP.minimise_q(W, c, "tanh", X0[:2])  # warm-up: numba compile / cache load not counted
        t0 = time.perf_counter()
        r = FP.minimise_q(W, c, "tanh", X0)
        t_rec = time.perf_counter() - t0
        t0 = time.perf_counter()
        Xp, nFp = peer(W, c, X0)
        t_peer = time.perf_counter() - t0
        A = distinct(r["x"], r["norm_F"], FP.FP_TOL)
        B = distinct(Xp, nFp, 1e-8)
        common = sum(1 for a in A if len(B) and min(np.linalg.norm(a - b) for b in B) < 1e-6)

        def n_stable(P):
            return sum(bool(np.all(np.linalg.eigvals(FP.jacobian(W, "tanh", x)).real < -1e-6)) for x in P)
        same = common == len(A) == len(B)
        print(f"{name}: {n_init} starts; recnet {t_rec:.2f} s, scipy least_squares(lm) {t_peer:.2f} s, "
              f"ratio scipy/recnet = {t_peer / t_rec:.1f}; fixed points: recnet {len(A)} ({n_stable(A)} stable), "
              f"scipy {len(B)} ({n_stable(B)} stable), in common {common}; same set: {same} (from one start "
              "the two minimisers may end at different points)", flush=True)


if __name__ == "__main__":
    main()
