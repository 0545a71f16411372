"""Brunel (2000) Fig. 2-style map: the stationary rate of the sparse E-I network over the plane of
relative inhibition g and external drive nu_ext/nu_thr, from the self-consistent Siegert theory.

Brunel's Fig. 2 draws the phase diagram of the network in the (g, nu_ext/nu_thr) plane (N_E = 10000,
gamma = 0.25, epsilon = 0.1, J = 0.1 mV, theta = 20 mV, V_r = 10 mV, tau = 20 ms, tau_rp = 2 ms).
This script draws the quantity underlying it, the rate of the asynchronous stationary state, with
its contours; it marks where the theory has several stable stationary states (excitation-dominated,
weak drive), the balance line g gamma = 1 (g = 4) and nu_ext = nu_thr.  The oscillatory (Hopf)
boundaries between Brunel's AI, SI and SR states need the linear-response analysis with delays and
are not drawn.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
from recnet.papers._script import run, save

TITLE = "Brunel 2000 Fig. 2-style stationary rate map over (g, nu_ext/nu_thr), theory"
REFERENCE = "Brunel N (2000) J Comput Neurosci 8:183-208, Fig. 2"


def compute(quick=False, v_reset=10.0):
    """The rate map (dict from ``recnet.numerics.lif_meanfield.brunel_rate_map``)."""
    from recnet.numerics.lif_meanfield import brunel_rate_map
    n_g, n_eta = (41, 33) if quick else (161, 121)
    g = np.linspace(0.0, 8.0, n_g)
    eta = np.linspace(0.05, 4.0, n_eta)
    return brunel_rate_map(g, eta, v_reset=v_reset, n_scan=120 if quick else 300)


def make(out=None, quick=False):
    """Draw the map; save to ``out`` (default ``brunel2000_fig2.png``) and return the path."""
    import matplotlib
    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt
    from matplotlib.colors import LogNorm

    out = Path(out or "brunel2000_fig2.png")
    m = compute(quick=quick)
    g, eta, rate = m["g"], m["eta"], m["rate_hz"]
    fig, ax = plt.subplots(figsize=(6.4, 4.8))
    r = np.clip(rate, 1e-3, None)
    pcm = ax.pcolormesh(g, eta, r.T, norm=LogNorm(vmin=1e-3, vmax=500), cmap="viridis", shading="nearest")
    fig.colorbar(pcm, ax=ax, label="stationary rate (Hz)")
    levels = [0.1, 1, 5, 10, 20, 50, 100, 200]
    cs = ax.contour(g, eta, np.nan_to_num(rate, nan=-1).T, levels=levels, colors="w", linewidths=0.8)
    ax.clabel(cs, fmt="%g Hz", fontsize=7)
    multi = (m["n_stable"] > 1).astype(float)
    if multi.any():
        ax.contourf(g, eta, multi.T, levels=[0.5, 1.5], colors="none", hatches=["//"])
        ax.contour(g, eta, multi.T, levels=[0.5], colors="r", linewidths=1.0)
        ax.plot([], [], color="r", label="several stable states (hatched)")
    ax.axvline(4.0, color="k", ls="--", lw=0.8, label=r"$g\gamma = 1$ (balance)")
    ax.axhline(1.0, color="k", ls=":", lw=0.8, label=r"$\nu_{ext} = \nu_{thr}$")
    ax.set_xlabel("relative inhibitory strength g")
    ax.set_ylabel(r"external drive $\nu_{ext}/\nu_{thr}$")
    ax.set_title("Brunel 2000 network, $V_r$ = 10 mV: Siegert theory", fontsize=10)
    ax.legend(loc="upper right", fontsize=7, framealpha=0.8)
    return save(fig, out, dpi=130)


if __name__ == "__main__":
    run(make, TITLE)
