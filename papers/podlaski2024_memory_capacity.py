"""Associative memory on latent hypercube vertices (after Podlaski & Machens 2024): completion and capacity.

a: a spiking network (d = 32 latent dimensions, N = 128 neurons, Hebb rule, 3 patterns) completes
a cue with 15% flipped bits: overlap y.xi/d of the spiking readout (line) and of the latent model
dz/dt = (-z + beta G clip(z))/tau (dashed); the spiking readout sits in the face band
[a - delta, a] (a = 1, delta = 0.1), hence overlaps just below 1.  b: capacity P_c (largest number of patterns completed
from 10%-corrupted cues with mean overlap >= 0.95) of the latent dynamics against N = 4 d, Hebb
rule, several pattern draws per size (points), with the least-squares line and its 95% confidence
band (slope and CI in the legend).
"""
from __future__ import annotations


import numpy as np
from recnet.papers._script import run, save

TITLE = "Hypercube-vertex associative memory: pattern completion and capacity linear in N"
REFERENCE = "Podlaski & Machens 2024, arXiv:2411.17485; recnet's construction (theory.scn_memory)"


def make(out=None, quick=False):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from scipy import stats

    from recnet.numerics.scn import memory as sm
    from recnet.validation.scn.validate import fit_linear

    out = out or "podlaski2024_memory_capacity.png"
    g = np.random.default_rng(2024)
    fig, ax = plt.subplots(1, 2, figsize=(10, 3.8))
    Xi = sm.random_patterns(3, 32, seed=g)
    G = sm.hebbian(Xi)
    cue = sm.corrupt(Xi[:1], 0.15, seed=g)[0]
    net = sm.build_network(G, beta=3.0, delta=0.1, tau=20.0)
    t, y, _ = sm.spiking_run(net, cue, t_sim=150.0 if quick else 300.0)
    ax[0].plot(t, y @ Xi[0] / 32, "C3", label="spiking network (N = 128)")
    _, traj = sm.latent_run(G, cue[None], beta=3.0, tau=20.0, dt=t[0], t_sim=t[-1], record_every=1)
    ax[0].plot(t[:len(traj)], traj[:, 0, :] @ Xi[0] / 32, "k--", label="latent model")
    ax[0].set_xlabel("time (ms)")
    ax[0].set_ylabel("overlap y.xi / d")
    ax[0].legend(fontsize=7)
    ax[0].set_title("a: completion from a 15%-corrupted cue", fontsize=9)
    ds = (16, 32, 64, 128) if quick else (16, 32, 64, 128, 256)
    rows = [(4 * d, sm.capacity(d, beta=2.0, seed=g)) for d in ds for _ in range(3 if quick else 5)]
    N, P = np.array(rows, float).T
    fit = fit_linear(N, P)
    nn = np.linspace(0, N.max() * 1.05, 50)
    X = np.c_[N, np.ones_like(N)]
    cov = np.linalg.inv(X.T @ X) * np.sum((P - X @ [fit["slope"], fit["intercept"]]) ** 2) / fit["dof"]
    Xn = np.c_[nn, np.ones_like(nn)]
    band = stats.t.ppf(0.975, fit["dof"]) * np.sqrt(np.einsum("ij,jk,ik->i", Xn, cov, Xn))
    line = fit["slope"] * nn + fit["intercept"]
    ax[1].fill_between(nn, line - band, line + band, color="0.85", label="95% CI of the fit")
    ax[1].plot(nn, line, "k-", label=f"P_c = ({fit['slope']:.4f} +- {fit['slope_se']:.4f}) N "
                                     f"{fit['intercept']:+.1f}")
    ax[1].plot(N, P, "o", color="C3", ms=4, label="latent model, Hebb, beta = 2")
    ax[1].set_xlabel("neurons N = 4 d")
    ax[1].set_ylabel("capacity P_c (patterns)")
    ax[1].legend(fontsize=7)
    ax[1].set_title(f"b: slope 95% CI [{fit['slope_ci'][0]:.4f}, {fit['slope_ci'][1]:.4f}] per neuron", fontsize=9)
    return save(fig, out, TITLE, dpi=110)


if __name__ == "__main__":
    run(make, TITLE)
