"""Two Dale networks and the convexity of their combinatorial codes.

The code of a network is the set of supports of its stable fixed points over all positive inputs
b > 0 (``recnet.theory.dale.code_over_inputs``: a linear feasibility problem per support plus the
spectral condition Re eig(-I + W_sigma) < 0).  Left: a weakly coupled excitatory-inhibitory network
(||W||_inf < 1); its code equals the graph code, is closed under unions and therefore has a single
maximal codeword: convex.  Right: a strongly coupled inhibitory network whose code misses the
mandatory codeword {3} (its link in the code's simplicial complex is not contractible): a local
obstruction to convexity (Curto et al. 2017).  Every codeword is confirmed by enumerating the fixed
points of (W, b) at the witness input b the feasibility problem returned.
"""
from pathlib import Path

import numpy as np

TITLE = "A Dale network with a convex code next to one with a local obstruction"
REFERENCE = ("N. Milicevic, V. Itskov, SIAM J Appl Math 84:2522 (2024); C. Curto et al., "
             "SIAM J Appl Algebra Geometry 1:222 (2017)")

# weak coupling: neuron 1 excitatory, 2-4 inhibitory (columns = outgoing weights)
W_CONVEX = np.array([[0.0, -0.10, -0.25, -0.43],
                     [0.17, 0.0, -0.19, -0.25],
                     [0.25, -0.18, 0.0, -0.41],
                     [0.0, -0.06, 0.0, 0.0]])
# strong coupling, all inhibitory
W_OBSTRUCTED = np.array([[0.0, -1.43, -1.11, -0.13],
                         [-1.18, 0.0, 0.0, -3.29],
                         [-0.51, -1.96, 0.0, 0.0],
                         [0.0, -0.08, -0.61, 0.0]])


def analyse(W):
    """Code, convexity verdict and witness check for one network."""
    from recnet.numerics.tln_enumerate import enumerate_supports
    from recnet.theory import codes, dale

    types = dale.neuron_types(W)
    code, wit = dale.code_over_inputs(W, "positive", stable=True, return_inputs=True)
    confirmed = all(sig in enumerate_supports(W, wit[sig]).stable_supports for sig in code)
    v = codes.convexity(code, W.shape[0])
    return {"types": types, "code": code, "verdict": v, "confirmed": confirmed,
            "weak": dale.weak_coupling(W)}


def make(out=None, quick=False):
    import matplotlib.pyplot as plt

    out = Path(out or "dale_convex_codes.png")
    fig, axes = plt.subplots(1, 2, figsize=(10, 4.2))
    for ax, W, name in zip(axes, (W_CONVEX, W_OBSTRUCTED), ("weakly coupled E-I", "strongly coupled I")):
        r = analyse(W)
        n = W.shape[0]
        words = sorted(r["code"], key=lambda s: (len(s), s))
        grid = np.zeros((len(words), n))
        for a, w in enumerate(words):
            grid[a, list(w)] = 1
        ax.imshow(grid, cmap="Greys", aspect="auto", vmin=0, vmax=1.4)
        ax.set_xticks(range(n))
        ax.set_xticklabels([f"{i + 1}{t}" for i, t in enumerate(r["types"])])
        ax.set_yticks(range(len(words)))
        ax.set_yticklabels(["{" + ",".join(str(i + 1) for i in w) + "}" for w in words], fontsize=7)
        ax.set_xlabel("neuron (E/I)")
        ax.set_ylabel("codeword (stable support for some b > 0)")
        obs = ["{" + ",".join(str(i + 1) for i in sorted(s)) + "}" for s in r["verdict"]["local_obstructions"]]
        ax.set_title(f"{name}: {r['verdict']['convex']}\n({r['verdict']['reason']}"
                     + (f"; missing {', '.join(obs)}" if obs else "") + ")"
                     + f"\nwitness inputs confirmed: {r['confirmed']}", fontsize=8)
    fig.tight_layout()
    fig.savefig(out, dpi=120)
    plt.close(fig)
    return out


if __name__ == "__main__":
    from recnet.papers._script import run

    run(make, TITLE)
