"""Sompolinsky, Crisanti & Sommers 1988: autocorrelations of a chaotic random network, and finite size.

Left: the autocovariance Delta(tau) of x for several gains g (DMFT lines; simulated networks as
points with standard errors over realisations).  Right: Delta_0 and lambda_max against network size
N (500 ... 8000; quick: 250 ... 1000) at g = 2, with the N -> infinity DMFT values as lines.

Run: ``recnet figure scs1988_autocorrelation [--quick]`` or ``python -m recnet.papers.scs1988_autocorrelation``.
"""
from __future__ import annotations

import argparse
import math

import numpy as np

TITLE = "SCS 1988: autocorrelation of chaotic random networks and finite-size trend"
REFERENCE = "Sompolinsky, Crisanti, Sommers 1988, PRL 61:259"


def make(out=None, quick=False, seed=1988):
    """Draw the figure; returns the path.  Full mode runs for tens of minutes (N up to 8000)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from recnet.numerics import dmft as D
    from recnet.validation.dmft import simulate_stats

    out = out or "scs1988_autocorrelation.png"
    gains = (1.5, 2.0, 3.0) if quick else (1.2, 1.5, 2.0, 3.0)
    n_sim = 300 if quick else 2000
    n_net = 2 if quick else 4
    t_meas = 30.0 if quick else 100.0
    sizes = (250, 500, 1000) if quick else (500, 1000, 2000, 4000, 8000)
    ss = np.random.SeedSequence(seed)
    fig, ax = plt.subplots(1, 3, figsize=(14, 4))
    for i, (g, child) in enumerate(zip(gains, ss.spawn(len(gains)))):
        th = D.profile(g, tau_max=20.0)
        col = f"C{i}"
        ax[0].plot(th["tau"], th["delta"], color=col, label=f"DMFT g = {g:g}")
        runs = [simulate_stats(g, "tanh", n_sim, seed=np.random.default_rng(s), t_trans=20.0, t_meas=t_meas)
                for s in child.spawn(n_net)]
        acs = np.array([r["delta_tau"] for r in runs])
        lags = runs[0]["lags"]
        m, se = acs.mean(0), acs.std(0, ddof=1) / math.sqrt(n_net)
        ax[0].errorbar(lags[::4], m[::4], yerr=se[::4], fmt="o", ms=3, color=col)
    ax[0].set_xlabel(r"lag $\tau$ (units of $\tau$)")
    ax[0].set_ylabel(r"$\Delta(\tau)$")
    ax[0].set_title(f"autocovariance (points: N = {n_sim}, {n_net} networks)")
    ax[0].legend(fontsize=8)
    g = 2.0
    th = D.solve_stationary(g)
    d0s, lams = [], []
    for n, child in zip(sizes, np.random.SeedSequence(seed + 1).spawn(len(sizes))):
        k = max(2, n_net if n <= 2000 else 2)
        runs = [simulate_stats(g, "tanh", n, seed=np.random.default_rng(s), t_trans=20.0, t_meas=t_meas)
                for s in child.spawn(k)]
        d = [r["delta0"] for r in runs]
        lm = [r["lambda1"] for r in runs]
        d0s.append((np.mean(d), np.std(d, ddof=1) / math.sqrt(k)))
        lams.append((np.mean(lm), np.std(lm, ddof=1) / math.sqrt(k)))
    d0s, lams = np.array(d0s), np.array(lams)
    ax[1].errorbar(sizes, d0s[:, 0], yerr=d0s[:, 1], fmt="o", label="simulation")
    ax[1].axhline(th["delta0"], color="k", label=r"DMFT ($N\to\infty$)")
    ax[1].set_xscale("log")
    ax[1].set_xlabel("network size N")
    ax[1].set_ylabel(r"$\Delta_0$")
    ax[1].set_title(f"g = {g:g}")
    ax[1].legend()
    ax[2].errorbar(sizes, lams[:, 0], yerr=lams[:, 1], fmt="o", label="simulation (tangent vector)")
    ax[2].axhline(th["lambda_max"], color="k", label=r"DMFT ($N\to\infty$)")
    ax[2].set_xscale("log")
    ax[2].set_xlabel("network size N")
    ax[2].set_ylabel(r"$\lambda_{max}$ (1/$\tau$)")
    ax[2].set_title(f"g = {g:g}")
    ax[2].legend()
    fig.tight_layout()
    fig.savefig(out, dpi=120)
    plt.close(fig)
    return out


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=TITLE)
    p.add_argument("-o", "--out", default=None)
    p.add_argument("--quick", action="store_true")
    a = p.parse_args()
    print(make(a.out, a.quick))
