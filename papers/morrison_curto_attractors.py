"""Attractors of 4- and 5-node CTLNs without stable fixed points (cf. Morrison, Degeratu, Itskov, Curto).

Oriented graphs (no bidirectional edge) without sinks give CTLNs with no stable fixed point and
bounded activity (Morrison et al.); their attractors are limit cycles, quasi-periodic or chaotic.
Shown: the 4-cycle 1>2>3>4>1 and the 5-node oriented graph 1>2,2>3,3>4,4>5,5>1,1>3 (our choice of
examples in that family, not the paper's exact figure graphs), at (epsilon, delta, theta) =
(0.25, 0.5, 1).  Top: rate time courses from one random start; bottom: the fixed-point supports
predicted by the enumeration (all unstable) and the fraction of random starts that converged
(predicted: 0).
"""
from pathlib import Path

import numpy as np

TITLE = "Attractors of a 4-node and a 5-node CTLN with no stable fixed point"
REFERENCE = ("K. Morrison, A. Degeratu, V. Itskov, C. Curto, 'Diversity of emergent dynamics in competitive "
             "threshold-linear networks', arXiv:1605.04463 (SIAM J Appl Dyn Syst 23:855, 2024)")
GRAPHS = ["1>2,2>3,3>4,4>1", "1>2,2>3,3>4,4>5,5>1,1>3"]


def compute(n_init=40, t_max=200.0, seed=0):
    from recnet.numerics.tln_enumerate import enumerate_ctln
    from recnet.numerics.tln_simulate import simulate_tln
    from recnet.theory import ctln

    rng = np.random.default_rng(seed)
    out = []
    for g in GRAPHS:
        adj = ctln.parse_graph(g)
        W = ctln.ctln_weights(adj)
        n = adj.shape[0]
        res = enumerate_ctln(adj)
        X0 = rng.uniform(0, 1.5, (n_init, n))
        sim = simulate_tln(W, np.ones(n), X0, t_max=t_max, dt=0.01, record_every=10)
        out.append((g, res, sim))
    return out


def make(out=None, quick=False):
    import matplotlib.pyplot as plt

    out = Path(out or "morrison_curto_attractors.png")
    data = compute(n_init=10 if quick else 40, t_max=100.0 if quick else 200.0)
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    for ax, (g, res, sim) in zip(axes, data):
        tr = sim.trajectories[0]
        for i in range(tr.shape[1]):
            ax.plot(sim.times, tr[:, i], lw=1, label=f"x_{i + 1}")
        fps = ", ".join("{" + ",".join(str(i + 1) for i in fp.support) + "}" + ("s" if fp.stable else "")
                        for fp in res.fixed_points)
        ax.set_xlabel("time (tau)")
        ax.set_ylabel("rate x (a.u.)")
        ax.set_title(f"G = {g}\nFP(G) = {fps} ({len(res.stable_supports)}"
                     f" stable); converged starts: {int(sim.converged.sum())}/{len(sim.converged)}", fontsize=8)
        ax.legend(fontsize=7, loc="upper right")
    fig.tight_layout()
    fig.savefig(out, dpi=120)
    plt.close(fig)
    return out


if __name__ == "__main__":
    from recnet.papers._script import run

    run(make, TITLE)
