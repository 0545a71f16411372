"""Fixed points of a trained 3-bit flip-flop RNN in the top principal components of its activity
(Sussillo & Barak 2013, their Fig. 3).

The network is recnet's shipped ``flipflop3-tanh64.npz`` (64 tanh units, trained by
``scripts/train_flipflop3.py`` with numpy BPTT).  Panel A: trajectories of the network performing the
task (x, projected on the top 3 principal components of the states visited) and the fixed points
found by q-minimisation (``recnet.numerics.trained.fixed_points``) under zero input, coloured by
stability: 8 stable points (one per memory), saddles of index 1, 2, 3 between them.  Panel B: the
Jacobian eigenvalues of one stable point and one index-1 saddle (1/tau).
"""
from importlib.resources import files
from pathlib import Path

import numpy as np
from recnet.papers._script import run, save

TITLE = "Fixed points of a trained 3-bit flip-flop RNN (top 3 PCs, coloured by stability)"
REFERENCE = "D. Sussillo, O. Barak, Neural Computation 25, 626 (2013)"


def compute(n_init=1024, n_trials=6, n_steps=400, seed=0):
    from recnet.numerics.trained import fixed_points as FP
    from recnet.numerics.trained.flipflop import flipflop_batch, run_rnn
    with np.load(files("recnet.models") / "data" / "flipflop3-tanh64.npz") as z:
        p = {k: z[k] for k in ("W", "B", "b", "C", "d")}
        alpha = float(z["alpha"])
    res = FP.find_fixed_points(p["W"], p["b"], "tanh", n_init=n_init, seed=seed)
    u, _ = flipflop_batch(n_trials, n_steps, seed=seed + 1)
    x, *_ = run_rnn(p, u, alpha)
    states = x[:, 1:].reshape(-1, x.shape[-1])
    mean = states.mean(axis=0)
    _, _, Vt = np.linalg.svd(states - mean, full_matrices=False)
    return res, x[:, 1:], mean, Vt[:3]


def make(out=None, quick=False):
    import matplotlib
    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    out = Path(out or "sussillo2013_flipflop.png")
    res, traj, mean, pcs = compute(n_init=256 if quick else 1024, n_trials=3 if quick else 6)
    fig = plt.figure(figsize=(11, 4.8))
    ax = fig.add_subplot(1, 2, 1, projection="3d")
    for tr in traj:
        y = (tr - mean) @ pcs.T
        ax.plot(y[:, 0], y[:, 1], y[:, 2], color="0.7", lw=0.6)
    colours = {0: "tab:green", 1: "tab:orange", 2: "tab:red", 3: "tab:purple"}
    seen = set()
    for p in res["fixed_points"]:
        y = (p["x"] - mean) @ pcs.T
        k = p["n_unstable"]
        lab = ("stable" if k == 0 else f"saddle, {k} unstable") if k not in seen else None
        seen.add(k)
        ax.scatter(*y, color=colours.get(k, "k"), s=40 if k == 0 else 22, marker="o" if k == 0 else "x", label=lab)
    ax.set_xlabel("PC 1"); ax.set_ylabel("PC 2"); ax.set_zlabel("PC 3")
    ax.set_title(f"A  {len(res['fixed_points'])} fixed points ({sum(p['n_unstable'] == 0 for p in res['fixed_points'])} stable)")
    ax.legend(fontsize=7, loc="upper left")
    ax2 = fig.add_subplot(1, 2, 2)
    st = next(p for p in res["fixed_points"] if p["stability"] == "stable")
    sd = next((p for p in res["fixed_points"] if p["n_unstable"] == 1), None)
    t = np.linspace(0, 2 * np.pi, 200)
    ax2.plot(np.cos(t) - 1, np.sin(t), color="0.8", lw=0.8, label=r"$|\lambda + 1| = 1$")
    ax2.scatter(st["eigenvalues"].real, st["eigenvalues"].imag, s=14, color="tab:green", label="stable point")
    if sd is not None:
        ax2.scatter(sd["eigenvalues"].real, sd["eigenvalues"].imag, s=14, marker="x", color="tab:orange",
                    label="index-1 saddle")
    ax2.axvline(0, color="k", lw=0.6)
    ax2.set_xlabel(r"Re $\lambda$ (1/$\tau$)"); ax2.set_ylabel(r"Im $\lambda$")
    ax2.set_title("B  Jacobian eigenvalues"); ax2.legend(fontsize=8)
    return save(fig, out, dpi=120)


if __name__ == "__main__":
    run(make, TITLE)
