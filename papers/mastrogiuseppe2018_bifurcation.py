"""Mastrogiuseppe & Ostojic 2018: phase diagram of rank-one plus random networks (theory lines,
simulation points).

dx/dt = -x + (g chi + m n^T/N) tanh(x), m_i = 1, n_i ~ N(M_n, 1) (sample-centred), structure strength
m^T n / N = M_n.  Lines: the pitchfork of the homogeneous state (strength = 1/<[phi']> on the
kappa = 0 static or chaotic solution) and the chaos onset of the heterogeneous static state
(g^2 <[phi'^2]> = 1).  Points: one simulated network per grid point, classified by |kappa| (> 0.15:
heterogeneous) and the temporal variance (> 1e-3: chaotic).
"""

import numpy as np
from recnet.papers._script import run, save

TITLE = "Mastrogiuseppe & Ostojic 2018: bifurcation diagram of rank-one plus random networks"
REFERENCE = "Mastrogiuseppe & Ostojic 2018, Neuron 99:609"


def make(out=None, quick=False):
    """Draw the figure into ``out`` (default mastrogiuseppe2018_bifurcation.png); return the path."""
    import matplotlib
    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt
    from recnet.numerics.dmft import lowrank as L
    from recnet.validation.dmft.lowrank import simulate_rank_one
    out = out or "mastrogiuseppe2018_bifurcation.png"
    gs = np.linspace(0.0, 3.0, 7 if quick else 16)
    pf = np.array([L.pitchfork_strength(g, "tanh")[0] for g in gs])
    strengths = np.array([1.5, 3.0]) if quick else np.linspace(1.1, 4.0, 9)
    gstar = np.array([L.chaos_onset_g(m_mean=1.0, n_mean=s, m_std=0.0, n_std=1.0) for s in strengths])
    fig, ax = plt.subplots(figsize=(8.0, 4.5))
    ax.plot(gs, pf, "k-", label="pitchfork (homogeneous -> heterogeneous)")
    ax.plot(gstar, strengths, "k--", label="chaos onset of the heterogeneous state")
    ax.axvline(1.0, color="k", lw=0.8, ymax=0.25)
    sg = np.linspace(0.4, 2.8, 3 if quick else 5)
    ss = np.linspace(0.6, 3.6, 3 if quick else 5)
    n = 300 if quick else 800
    marks = {("static", False): ("s", "C0", "homogeneous static"), ("static", True): ("s", "C2", "heterogeneous static"),
             ("chaotic", False): ("o", "C3", "homogeneous chaotic"), ("chaotic", True): ("o", "C1", "heterogeneous chaotic")}
    seen = set()
    for i, g in enumerate(sg):
        for j, s in enumerate(ss):
            r = simulate_rank_one(n, g, 1.0, s, n_std=1.0, t_sim=60.0 if quick else 100.0, t_burn=30.0,
                                  seed=1000 * i + j)
            key = ("chaotic" if r["temporal_var"] > 1e-3 else "static", r["kappa"] > 0.15)
            mk, col, lab = marks[key]
            ax.plot([g], [s], mk, color=col, label=None if key in seen else "simulation: " + lab)
            seen.add(key)
    ax.set_xlabel("random strength g")
    ax.set_ylabel("structure strength m^T n / N")
    ax.set_title(f"phi = tanh, N = {n}")
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.02, 1.0))  # outside: no point hidden
    return save(fig, out)


if __name__ == "__main__":
    run(make, TITLE)
