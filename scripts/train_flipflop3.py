"""Train the 3-bit flip-flop RNN that recnet ships (recnet/models/data/flipflop3-tanh64.npz).

    python scripts/train_flipflop3.py [--out PATH] [--seed S] [--n-iter K] [--init-only]

Also writes the initial (pre-training) weights W0, B0 (arrays W0, B0) next to it as
``flipflop3-tanh64-init.npz`` (``--init-out``), for ``predict trained-rnn --initial-weights``;
``--init-only`` writes just that file (the initial weights come from the seed alone).

Writes arrays W, B, b (the network x' = -x + W tanh(x) + B u + b, time in units of tau), C, d (the
readout y = C tanh(x) + d), alpha (the Euler step dt/tau used in training) and losses.  Prints the
final loss and the accuracy (sign of the output against the target) on a fresh test batch.
About 1-2 minutes on one core.
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from recnet.numerics.trained.flipflop import flipflop_batch, initial_params, run_rnn, train_flipflop

DEFAULT_OUT = Path(__file__).resolve().parents[1] / "recnet" / "models" / "data" / "flipflop3-tanh64.npz"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(DEFAULT_OUT))
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--n", type=int, default=64)
    ap.add_argument("--n-iter", type=int, default=1500)
    ap.add_argument("--n-batch", type=int, default=32)
    ap.add_argument("--n-steps", type=int, default=120)
    ap.add_argument("--alpha", type=float, default=0.2)
    ap.add_argument("--g0", type=float, default=0.9)
    ap.add_argument("--init-out", default=str(DEFAULT_OUT.with_name("flipflop3-tanh64-init.npz")))
    ap.add_argument("--init-only", action="store_true")
    a = ap.parse_args(argv)
    p0 = initial_params(a.n, 3, a.g0, a.seed)
    np.savez_compressed(a.init_out, W0=p0["W"], B0=p0["B"], g0=np.array(a.g0), seed=np.array(a.seed))
    print("wrote", a.init_out)
    if a.init_only:
        return
    t0 = time.perf_counter()

    def prog(it, loss):
        if it % 100 == 0:
            print(f"iter {it:5d}  loss {loss:.5f}  ({time.perf_counter() - t0:.0f} s)", flush=True)

    params, losses = train_flipflop(n=a.n, alpha=a.alpha, n_iter=a.n_iter, n_batch=a.n_batch,
                                    n_steps=a.n_steps, g0=a.g0, seed=a.seed, progress=prog)
    u, y = flipflop_batch(256, 300, seed=a.seed + 1)
    *_, out = run_rnn(params, u, a.alpha)
    acc = float(np.mean(np.sign(out) == y))
    print(f"trained in {time.perf_counter() - t0:.0f} s; final loss {losses[-1]:.5f}; test accuracy {acc:.4f}")
    np.savez_compressed(a.out, W=params["W"], B=params["B"], b=params["b"], C=params["C"], d=params["d"],
                        alpha=np.array(a.alpha), losses=losses.astype(np.float32), seed=np.array(a.seed))
    print("wrote", a.out)


if __name__ == "__main__":
    main()
