"""Which synapses of a recurrent circuit are certain given its responses, as patterns accumulate.

Random recurrent threshold-linear circuits (N neurons, K inputs, spectral norm 0.8) give steady
responses to P random input patterns; recnet computes each neuron's solution space with the bound
set 10% above the truth's largest row norm, and counts the truly non-zero synapses declared certain
(with their sign), for growing P.  Declared certainties are checked against the truth: the framework
admits no false ones (Biswas & Fitzgerald 2022), and the figure shows the count of those too.
"""
from pathlib import Path

import numpy as np
from recnet.papers._script import run, save

TITLE = "Certain synapses of a recurrent circuit vs number of response patterns"
REFERENCE = "T. Biswas, J. E. Fitzgerald, Phys. Rev. Research 4, 023255 (2022)"


def compute(n=12, k=4, patterns=(1, 2, 4, 8, 12, 16, 20, 24, 30), n_nets=5, seed=0):
    from recnet.numerics.geometry import solution_space
    from recnet.validation.geometry import random_ground_truth

    gen = np.random.default_rng(seed)
    frac = np.zeros((n_nets, len(patterns)))
    false = 0
    for a in range(n_nets):
        gt = random_ground_truth(n, max(patterns), k, density=0.5, seed=gen)
        B = 1.1 * np.linalg.norm(np.hstack([gt["W"], gt["U"]]), axis=1).max()
        nz = (gt["W"] != 0) & ~np.eye(n, dtype=bool)
        for b, p in enumerate(patterns):
            sp = solution_space(gt["R"][:p], gt["X"][:p], bound=B, progress=False)
            frac[a, b] = np.sum(sp.certain & nz) / nz.sum()
            false += int(np.sum(sp.certain & (sp.sign != np.sign(gt["W"]))))
    return np.array(patterns), frac, false


def make(out=None, quick=False):
    import matplotlib.pyplot as plt

    out = Path(out or "biswas2022_certainty_vs_patterns.png")
    if quick:
        P, frac, false = compute(n=6, k=3, patterns=(1, 3, 6, 9), n_nets=2)
        n = 6
    else:
        P, frac, false = compute()
        n = 12
    m = frac.mean(0)
    se = frac.std(0, ddof=1) / np.sqrt(frac.shape[0]) if frac.shape[0] > 1 else np.zeros_like(m)
    fig, ax = plt.subplots(figsize=(5, 3.6))
    ax.errorbar(P, m, se, marker="o", capsize=3)
    ax.set_xlabel("number of response patterns P")
    ax.set_ylabel("non-zero synapses certain (fraction)")
    ax.set_ylim(0, 1)
    ax.set_title(f"N = {n} recurrent neurons, {frac.shape[0]} networks; false certainties: {false}", fontsize=9)
    return save(fig, out, dpi=120)


if __name__ == "__main__":
    run(make, TITLE)
