"""Train the rank-1 context-dependent integration RNN that recnet ships (recnet/models/data/cdm-rank1-n512.npz).

    python scripts/train_cdm_lowrank.py [--out PATH] [--seed S] [--n N] [--rank R] [--n-iter K]

The network x' = -x + m n^T tanh(x) / N + B u, z = w . tanh(x) / N (time in units of tau; Dubreuil et
al. 2022, Nat Neurosci 25:783) is trained by numpy BPTT (``recnet.numerics.trained.cdm``) on the
context-dependent integration task (inputs: stimulus A, stimulus B, context-A cue, context-B cue).
Writes arrays m (N x R), n (N x R), B (N x 4), w (N), task ("cdm"), alpha (dt/tau), rank, seed and losses (no dense W:
``recnet predict trained-rnn --weights`` forms W = m n^T / N from m and n).
Prints the final loss and the accuracy on a fresh test batch (all trials and incongruent ones).
About 3 minutes on one core.
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from recnet.numerics.trained.cdm import cdm_accuracy, cdm_batch, train_cdm

DEFAULT_OUT = Path(__file__).resolve().parents[1] / "recnet" / "models" / "data" / "cdm-rank1-n512.npz"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(DEFAULT_OUT))
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--n", type=int, default=512)
    ap.add_argument("--rank", type=int, default=1)
    ap.add_argument("--n-iter", type=int, default=1500)
    ap.add_argument("--n-batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=1e-2)
    ap.add_argument("--alpha", type=float, default=0.2)
    a = ap.parse_args(argv)
    t0 = time.perf_counter()

    def prog(it, loss):
        if it % 100 == 0:
            print(f"iter {it:5d}  loss {loss:.5f}  ({time.perf_counter() - t0:.0f} s)", flush=True)

    params, losses = train_cdm(n=a.n, rank=a.rank, alpha=a.alpha, n_iter=a.n_iter, n_batch=a.n_batch, lr=a.lr,
                               seed=a.seed, progress=prog)
    u, _, mask, lab = cdm_batch(2000, seed=a.seed + 1)
    acc = cdm_accuracy(params, a.alpha, u, lab, mask)
    print(f"trained in {time.perf_counter() - t0:.0f} s; final loss {losses[-1]:.5f}; test accuracy "
          f"{acc['accuracy']:.4f} (incongruent trials {acc['accuracy_incongruent']:.4f})")
    np.savez_compressed(a.out, m=params["m"], n=params["n"], B=params["B"], w=params["w"], task=np.array("cdm"),
                        alpha=np.array(a.alpha), rank=np.array(a.rank), seed=np.array(a.seed),
                        losses=losses.astype(np.float32))
    print("wrote", a.out)


if __name__ == "__main__":
    main()
