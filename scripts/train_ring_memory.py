"""Train the ring working-memory RNN that recnet ships (recnet/models/data/ring-memory-tanh64.npz).

    python scripts/train_ring_memory.py [--out PATH] [--seed S] [--n-iter K]

Writes arrays W, B, b (the network x' = -x + W tanh(x) + B u + b, time in units of tau), C, d (the
readout y = C tanh(x) + d ~ (cos theta, sin theta) of the remembered angle), alpha (the Euler step
dt/tau used in training) and losses.  Prints the final loss and the mean absolute angular error of
the decoded output on a fresh test batch.  About 1-2 minutes on one core.
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from recnet.numerics.trained.ring_memory import readout_angle_error, train_ring

DEFAULT_OUT = Path(__file__).resolve().parents[1] / "recnet" / "models" / "data" / "ring-memory-tanh64.npz"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(DEFAULT_OUT))
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--n", type=int, default=64)
    ap.add_argument("--n-iter", type=int, default=2000)
    ap.add_argument("--alpha", type=float, default=0.2)
    a = ap.parse_args(argv)
    t0 = time.perf_counter()

    def prog(it, loss):
        if it % 200 == 0:
            print(f"iter {it:5d}  loss {loss:.5f}  ({time.perf_counter() - t0:.0f} s)", flush=True)

    params, losses = train_ring(n=a.n, alpha=a.alpha, n_iter=a.n_iter, seed=a.seed, progress=prog)
    err = readout_angle_error(params, a.alpha, seed=a.seed + 1)
    print(f"trained in {time.perf_counter() - t0:.0f} s; final loss {losses[-1]:.5f}; "
          f"mean |angle error| {err:.4f} rad")
    np.savez_compressed(a.out, W=params["W"], B=params["B"], b=params["b"], C=params["C"], d=params["d"],
                        alpha=np.array(a.alpha), losses=losses.astype(np.float32), seed=np.array(a.seed))
    print("wrote", a.out)


if __name__ == "__main__":
    main()
