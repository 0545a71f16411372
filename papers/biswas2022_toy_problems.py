"""Toy solution spaces in the manner of Biswas & Fitzgerald (2022), Fig. 4: one target neuron with
two or three presynaptic inputs.

Left: two synapses, one active pattern: the solution set is a chord of the disk ||w|| <= B; a
synapse is certain when the chord misses its axis.  Middle: three synapses, one active and two
silent patterns: a wedge of the plane inside the sphere.  Right: three synapses, two active and one
silent pattern: a segment of a line.  Points are hit-and-run samples of the set computed by
``recnet.numerics.geometry``; the axis planes w_j = 0 the set does not cross mark certain synapses.
"""
from pathlib import Path

import numpy as np
from recnet.papers._script import run, save

TITLE = "Biswas & Fitzgerald 2022 toy solution spaces (2 and 3 synapses)"
REFERENCE = "T. Biswas, J. E. Fitzgerald, Phys. Rev. Research 4, 023255 (2022), Fig. 4"


def _space(presyn, target, bound, seed, n=400):
    from recnet.numerics.geometry import sample_solutions, solution_space

    R = np.column_stack([presyn, target])
    space = solution_space(R, bound=bound, neurons=[R.shape[1] - 1], progress=False)
    W, _ = sample_solutions(space, n, seed=seed)
    return space.neurons[0], W[:, -1, :-1]


def make(out=None, quick=False):
    import matplotlib.pyplot as plt

    out = Path(out or "biswas2022_toy_problems.png")
    n = 150 if quick else 600
    fig = plt.figure(figsize=(13, 4.2))
    # two synapses, one active pattern: w1 + 0.5 w2 = 1, B = 1.5
    ax = fig.add_subplot(1, 3, 1)
    ns, S = _space(np.array([[1.0, 0.5]]), np.array([1.0]), 1.5, 0, n)
    t = np.linspace(0, 2 * np.pi, 200)
    ax.plot(1.5 * np.cos(t), 1.5 * np.sin(t), color="0.6", lw=1, label="bound ||w|| = B")
    ax.plot(S[:, 0], S[:, 1], ".", ms=3, color="goldenrod", label="solutions")
    ax.axhline(0, color="0.3", lw=0.6)
    ax.axvline(0, color="0.3", lw=0.6)
    ax.set_aspect("equal")
    ax.set_xlabel("w1")
    ax.set_ylabel("w2")
    ax.set_title(f"2 synapses, 1 active pattern\nsigns: {list(map(int, ns.sign))} (0 = uncertain)", fontsize=9)
    ax.legend(fontsize=7, loc="lower left")
    cases = [
        ("3 synapses: 1 active, 2 silent", np.array([[1.0, 0.5, 0.2], [0.2, 1.0, 0.1], [0.1, 0.3, 1.0]]),
         np.array([1.0, 0.0, 0.0]), 2.0),
        ("3 synapses: 2 active, 1 silent", np.array([[1.0, 0.5, 0.2], [0.2, 1.0, 0.4], [0.3, 0.2, 1.0]]),
         np.array([1.0, 0.8, 0.0]), 2.0),
    ]
    for k, (name, Z, y, B) in enumerate(cases):
        ax = fig.add_subplot(1, 3, 2 + k, projection="3d")
        ns, S = _space(Z, y, B, k + 1, n)
        u, v = np.mgrid[0:2 * np.pi:30j, 0:np.pi:15j]
        ax.plot_wireframe(B * np.cos(u) * np.sin(v), B * np.sin(u) * np.sin(v), B * np.cos(v),
                          color="0.85", lw=0.4)
        ax.scatter(S[:, 0], S[:, 1], S[:, 2], s=3, color="goldenrod")
        for j in range(3):
            e = np.zeros(3)
            e[j] = 1
            ax.plot(*np.outer([-B, B], e).T, color="0.3", lw=0.6)
        ax.set_xlabel("w1")
        ax.set_ylabel("w2")
        ax.set_zlabel("w3")
        lab = ", ".join(f"w{j + 1}: {'+' if s > 0 else '-' if s < 0 else '?'}" for j, s in enumerate(ns.sign))
        ax.set_title(f"{name}\ndimension {ns.dimension}; certain signs {lab}", fontsize=9)
    return save(fig, out, REFERENCE, dpi=120)


if __name__ == "__main__":
    run(make, TITLE)
