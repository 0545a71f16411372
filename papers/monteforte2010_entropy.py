"""Entropy production of balanced theta-neuron networks against the in-degree K
(in the style of Monteforte & Wolf 2010, PRL 105:268104).

Inhibitory networks of theta neurons (tau_m = 10 ms, target rate 1 Hz from the balance condition,
J = -1/sqrt(K)), simulated exactly event by event; full Lyapunov spectra from the single-spike
Jacobians.  Panel A: spectra against i/N for several K; panel B: entropy production per spike
H/(N nu) in bits with bootstrap error bars; panel C: largest exponent and D_KY/N against K.
"""
from pathlib import Path

import numpy as np
from recnet.papers._script import run, save

TITLE = "Entropy per spike and Lyapunov spectra of theta networks against in-degree K"
REFERENCE = "M. Monteforte, F. Wolf, Phys. Rev. Lett. 105, 268104 (2010)"


def compute(n=400, ks=(10, 20, 50, 100), t_sim=6000.0, seed=0):
    from recnet.numerics.lyapunov import theta as TH
    rng = np.random.default_rng(seed)
    return {k: TH.spectrum(n, k, t_sim=t_sim, t_warm=500.0, t_warm_q=300.0, seed=rng, n_boot=200)
            for k in ks}


def make(out=None, quick=False):
    import matplotlib
    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    out = Path(out or "monteforte2010_entropy.png")
    res = compute(n=100, ks=(5, 10, 20), t_sim=2000.0) if quick else compute()
    ks = np.array(list(res))
    fig, axs = plt.subplots(1, 3, figsize=(12, 3.8))
    for k, r in res.items():
        axs[0].plot((np.arange(r.n) + 0.5) / r.n, r.exponents, "-", lw=1.2, label=f"K = {k}")
    axs[0].axhline(0, color="0.6", lw=0.5)
    axs[0].set_xlabel("i / N"); axs[0].set_ylabel(r"$\lambda_i$ (1/s)")
    axs[0].set_title(f"A  N = {next(iter(res.values())).n}"); axs[0].legend(fontsize=8)
    h = [r.entropy_per_spike_bits for r in res.values()]
    hs = [r.entropy_per_spike_bits_stderr for r in res.values()]
    axs[1].errorbar(ks, h, yerr=hs, fmt="o-")
    axs[1].set_xscale("log"); axs[1].set_xlabel("in-degree K"); axs[1].set_ylabel("H per spike (bits/spike)")
    axs[1].set_title("B  entropy production")
    l1 = [r.exponents[0] for r in res.values()]
    l1s = [r.stderr[0] for r in res.values()]
    axs[2].errorbar(ks, l1, yerr=l1s, fmt="o-", label=r"$\lambda_1$ (1/s)")
    ax2 = axs[2].twinx()
    ax2.plot(ks, [r.ky_dimension / r.n for r in res.values()], "s--", color="C1", label=r"$D_{KY}/N$")
    axs[2].set_xscale("log"); axs[2].set_xlabel("in-degree K"); axs[2].set_ylabel(r"$\lambda_1$ (1/s)")
    ax2.set_ylabel(r"$D_{KY}/N$", color="C1")
    axs[2].set_title("C  largest exponent and dimension")
    return save(fig, out, dpi=120)


if __name__ == "__main__":
    run(make, TITLE)
