"""Calaim et al. (2022) style: the bounding box of the coding error and its robustness.

2-D latent space, N = 12 neurons with decoders spread around the circle.  Panels a-e: the box
{e : D_i^T e <= T_i} (theory, lines) and the simulated error e(t) = x - x_hat (points) for the
intact network, after killing 4 neurons (faces vanish, the box opens on that side but the remaining
faces still bound the error for signals they can reach), with voltage noise (the error fills a
shrunken box, neurons fire early), and with a 0.2 ms synaptic delay under the synchronous rule
(several neurons fire for the same face before they see each other: the error overshoots the
opposite faces, 'ping-pong'); e: the same delay with a 4x wider box, which absorbs the overshoot
(Calaim et al.'s remedy).  Panel f: RMS error vs number of dead neurons.
"""
from __future__ import annotations


import numpy as np
from recnet.papers._script import run, save

TITLE = "Calaim et al. 2022: bounding box of the coding error and its robustness"
REFERENCE = "Calaim, Dehmelt, Goncalves, Machens 2022, eLife 11:e73276"


def _decoder(n, norm=0.1):
    ang = np.linspace(0, 2 * np.pi, n, endpoint=False) + 0.1
    return norm * np.vstack([np.cos(ang), np.sin(ang)])


def _run(net, x, **kw):
    from recnet.numerics.scn import network as scn

    dt = kw.pop("dt", 0.05)
    res = scn.simulate(net, x, dt=dt, record_every=4, **kw)
    n = res.r_trace.shape[0]
    X = x if x.ndim == 1 else x[np.arange(1, n + 1) * 4 - 1]
    e = X - res.readout(net.D)
    return e[res.t_rec > 50.0]                     # drop the initial transient from e = x


def make(out=None, quick=False):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from recnet.numerics.scn import network as scn

    out = out or "calaim2022_bounding_box.png"
    tau, dt = 20.0, 0.05
    t_sim = 300.0 if quick else 1000.0
    n_steps = int(round(t_sim / dt))
    t = np.arange(n_steps) * dt
    x = 0.5 * np.c_[np.cos(2 * np.pi * t / 200.0), np.sin(2 * np.pi * t / 200.0)]
    D = _decoder(12)
    full = scn.build(D, tau=tau)
    keep = np.array([i for i in range(12) if i not in (0, 1, 2, 3)])
    lesioned = scn.build(D[:, keep], tau=tau)
    cases = [("a: intact", full, {}), ("b: 4 neurons dead", lesioned, {}),
             ("c: voltage noise", full, dict(sigma_v=0.001, seed=1)),
             ("d: 0.2 ms delay, synchronous", full, dict(delay=0.2, spikes_per_step=0)),
             ("e: same delay, box 4x wider", scn.build(D, tau=tau, T=4 * full.T),
              dict(delay=0.2, spikes_per_step=0))]
    fig, axes = plt.subplots(1, 6, figsize=(20, 3.6))
    for ax, (title, net, kw) in zip(axes[:5], cases):
        e = _run(net, x, t_sim=t_sim, **kw)
        poly = scn.box_polygon(net.D, net.T, radius=0.3)
        P = np.vstack([poly, poly[:1]])
        ax.plot(P[:, 0], P[:, 1], "k-", lw=1, label="box (theory)")
        ax.plot(e[:, 0], e[:, 1], ".", color="C3", ms=1.5, alpha=0.5, label="error e(t) (simulation)")
        lim = max(0.15, 1.1 * float(np.max(np.abs(e))))
        ax.set_xlim(-lim, lim)
        ax.set_ylim(-lim, lim)
        ax.set_aspect("equal")
        ax.set_title(title, fontsize=9)
        ax.set_xlabel("e_1 (a.u.)")
    axes[0].set_ylabel("e_2 (a.u.)")
    axes[0].legend(fontsize=6, loc="lower left")
    g = np.random.default_rng(0)
    ks = [0, 2, 4, 6, 8] if quick else list(range(0, 10))
    rms, rms_sem = [], []
    for k in ks:
        vals = []
        for _ in range(2 if quick else 4):
            dead = g.choice(12, size=k, replace=False)
            keep = np.setdiff1d(np.arange(12), dead)
            e = _run(scn.build(D[:, keep], tau=tau), x, t_sim=t_sim)
            vals.append(np.sqrt(np.mean(np.sum(e ** 2, axis=1))))
        rms.append(np.mean(vals))
        rms_sem.append(np.std(vals, ddof=1) / np.sqrt(len(vals)))
    axes[5].errorbar(ks, rms, yerr=rms_sem, fmt="o", color="C3", label="simulation")
    axes[5].axhline(float(np.max(np.linalg.norm(scn.box_polygon(D, full.T), axis=1))), color="k", ls="--",
                    label="intact box radius (theory)")
    axes[5].set_xlabel("dead neurons (of 12)")
    axes[5].set_ylabel("RMS coding error (a.u.)")
    axes[5].set_yscale("log")
    axes[5].legend(fontsize=7)
    axes[5].set_title("f: robustness to neuron loss", fontsize=9)
    return save(fig, out, TITLE, dpi=110)


if __name__ == "__main__":
    run(make, TITLE)
