"""Boerlin, Machens, Deneve (2013), Fig. 1-2 style: a spike-coding network tracks a signal.

A 2-D latent signal (two sinusoids) is represented by N = 20 neurons with random decoders: the
shipped model ``boerlin2013-tracker`` (``recnet predict scn --model boerlin2013-tracker``).
Top: signal x(t) (lines) and readout x_hat = D r (points, every 2 ms); middle: spike raster;
bottom: coding error |x - x_hat| with the radius of the bounding box {e: D_i^T e <= T_i} (dashed;
the mu r_i term moves the faces slightly outward).
"""
from __future__ import annotations


import numpy as np
from recnet.papers._script import run, save

TITLE = "Boerlin et al. 2013: spike-coding network tracking a 2-D signal"
REFERENCE = "Boerlin, Machens, Deneve 2013, PLoS Comput Biol 9:e1003258"


def make(out=None, quick=False):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from recnet import models
    from recnet.numerics.scn import network as scn

    out = out or "boerlin2013_tracking.png"
    model = models.load("boerlin2013-tracker", family="scn")
    dt = 0.05
    t_sim = 300.0 if quick else 1000.0
    n_steps = int(round(t_sim / dt))
    t = np.arange(n_steps) * dt
    x = model.signal.wave(t)                      # 0.2 + 0.6 sin(2 pi t/250 ms), 0.5 cos(2 pi t/400 ms)
    D = model.decoder
    net = scn.build(D, mu=model.mu, nu=model.nu, tau=model.tau, T=model.thresholds)
    rec = int(round(2.0 / dt))
    res = scn.simulate(net, x, dt=dt, t_sim=t_sim, record_every=rec)
    xh = res.readout(D)
    fig, ax = plt.subplots(3, 1, figsize=(7, 7), sharex=True, gridspec_kw=dict(height_ratios=[2, 2, 1]))
    for k, c in enumerate(("C0", "C1")):
        ax[0].plot(t, x[:, k], c, lw=1.5, label=f"signal x_{k + 1}")
        ax[0].plot(res.t_rec, xh[:, k], ".", color=c, ms=3, label=f"readout x_hat_{k + 1}")
    ax[0].set_ylabel("latent (a.u.)")
    ax[0].legend(fontsize=7, ncol=2)
    ax[1].plot((res.spike_steps + 1) * dt, res.spike_ids, "k|", ms=3)
    ax[1].set_ylabel("neuron")
    err = np.linalg.norm(x[(np.arange(1, len(res.t_rec) + 1) * rec) - 1] - xh, axis=1)
    ax[2].plot(res.t_rec, err, "k.", ms=2, label="|x - x_hat| (simulation)")
    box_r = float(np.max(np.linalg.norm(scn.box_polygon(D, net.T), axis=1)))
    ax[2].axhline(box_r, color="C3", ls="--", label="bounding box: largest vertex radius (theory)")
    ax[2].set_xlabel("time (ms)")
    ax[2].set_ylabel("error (a.u.)")
    ax[2].legend(fontsize=7)
    return save(fig, out, TITLE, dpi=120)


if __name__ == "__main__":
    run(make, TITLE)
