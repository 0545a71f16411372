"""Population structure of a trained low-rank network and the resampling test (Dubreuil et al. 2022,
their Fig. 4).

The network is recnet's shipped ``cdm-rank1-n512.npz`` (512 tanh units, rank 1, trained on the
context-dependent integration task by ``scripts/train_cdm_lowrank.py`` with numpy BPTT).  Panel A: the
connectivity loadings of every unit (n against the stimulus-A input, and n against the stimulus-B
input), coloured by the Gaussian-mixture population (number chosen by BIC;
``recnet.numerics.trained.populations``).  Panel B: task accuracy on the incongruent trials (the two
stimuli point opposite ways) of the original network, of networks resampled from the fitted mixture and
from a single Gaussian (mean +- standard error over the draws).
"""
from importlib.resources import files
from pathlib import Path

import numpy as np
from recnet.papers._script import run, save

TITLE = "Populations of a trained rank-1 context-dependent network and the resampling test"
REFERENCE = "A. Dubreuil, A. Valente, M. Beiran, F. Mastrogiuseppe, S. Ostojic, Nat Neurosci 25, 783 (2022)"


def compute(n_resamples=10, n_trials=400, seed=0):
    from recnet.numerics.trained import cdm
    from recnet.numerics.trained import populations as POP
    with np.load(files("recnet.models") / "data" / "cdm-rank1-n512.npz") as z:
        p = {k: np.array(z[k]) for k in ("m", "n", "B", "w")}
        alpha = float(z["alpha"])
    u, _, mask, lab = cdm.cdm_batch(n_trials, seed=2024 + seed)

    def perf(q):
        return cdm.cdm_accuracy(q, alpha, u, lab, mask)["accuracy_incongruent"]

    L, names = POP.loadings(p, input_names=["I_stim_a", "I_stim_b", "I_ctx_a", "I_ctx_b"])
    res = POP.resampling_test(p, perf, n_resamples=n_resamples, seed=seed)
    labels = POP.fit_populations(L, res["fitted"]["n_populations"], seed=seed)["labels"]
    return L, names, labels, res


def make(out=None, quick=False):
    import matplotlib
    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    out = Path(out or "dubreuil2022_populations.png")
    L, names, labels, res = compute(n_resamples=3 if quick else 10)
    fig, axs = plt.subplots(1, 3, figsize=(13, 4.2))
    col = {nm: i for i, nm in enumerate(names)}
    for ax, stim in zip(axs[:2], ("I_stim_a", "I_stim_b")):
        ax.scatter(L[:, col[stim]], L[:, col["n1"]], c=labels, cmap="tab10", s=8, vmin=0, vmax=9)
        ax.set_xlabel(stim); ax.set_ylabel("n")
    axs[0].set_title(f"A  loadings, {res['fitted']['n_populations']} populations (BIC)")
    f, o = res["fitted"], res["one_population"]
    ax = axs[2]
    ax.bar([0, 1, 2], [res["original"], f["mean"], o["mean"]], yerr=[0, f["sem"], o["sem"]], capsize=4,
           color=["0.4", "tab:blue", "tab:red"])
    ax.axhline(0.5, color="k", lw=0.6, ls="--")
    ax.set_xticks([0, 1, 2], ["trained", f"{f['n_populations']} populations", "1 population"])
    ax.set_ylabel("accuracy, incongruent trials"); ax.set_ylim(0, 1.05)
    ax.set_title(f"B  resampled networks ({res['n_resamples']} draws, mean +- s.e.)")
    return save(fig, out, dpi=120)


if __name__ == "__main__":
    run(make, TITLE)
