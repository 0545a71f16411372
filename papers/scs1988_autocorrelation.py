"""Sompolinsky, Crisanti & Sommers 1988: autocorrelations of a chaotic random network, and finite size.

Left: the autocovariance Delta(tau) of x for several gains g (DMFT lines; simulated networks as
points with standard errors over realisations).  Middle and right: the finite-size trend of
Delta_0 and lambda_max against 1/N for N = 500 ... 8000 (quick: 125 ... 500) at g = 2 and 3:
simulation means with standard errors over realisations, the weighted fit q_inf + a/N
(``recnet.validation.dmft.finite_size``; errors from the pooled realisation spread), its
extrapolation to N = infinity (open squares) and the DMFT value as a thick line at 1/N = 0 (the
N -> infinity theory).  Lambda is measured over [40, 120] tau (the tangent vector runs from t = 0;
see ``recnet.validation.dmft.stationary`` for the alignment check).

Run: ``recnet figure scs1988_autocorrelation [--quick]`` or ``python -m recnet.papers.scs1988_autocorrelation``.
The full run simulates networks up to N = 8000 (a few realisations at the largest sizes) and takes
tens of minutes on two cores; ``--quick`` takes about a minute.
"""
from __future__ import annotations

import math

import numpy as np
from recnet.papers._script import run, save

TITLE = "SCS 1988: autocorrelation of chaotic random networks and finite-size trend"
REFERENCE = "Sompolinsky, Crisanti, Sommers 1988, PRL 61:259"


def make(out=None, quick=False, seed=1988):
    """Draw the figure; returns the path.  Full mode runs for tens of minutes (N up to 8000)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from recnet.numerics.dmft import stationary as D
    from recnet.validation.dmft import finite_size as F
    from recnet.validation.dmft.stationary import FIT_MODEL, finite_size_scan, simulate_stats

    out = out or "scs1988_autocorrelation.png"
    gains = (1.5, 2.0, 3.0) if quick else (1.2, 1.5, 2.0, 3.0)
    n_sim = 300 if quick else 2000
    n_net = 2 if quick else 4
    t_meas = 30.0 if quick else 100.0
    sizes = (125, 250, 500) if quick else (500, 1000, 2000, 4000, 8000)
    counts = (6, 3, 2) if quick else (12, 6, 3, 2, 1)
    fs_gains = (2.0,) if quick else (2.0, 3.0)
    ss = np.random.SeedSequence(seed)
    fig, ax = plt.subplots(1, 3, figsize=(15, 4.3))
    for i, (g, child) in enumerate(zip(gains, ss.spawn(len(gains)))):
        th = D.profile(g, tau_max=20.0)
        col = f"C{i}"
        ax[0].plot(th["tau"], th["delta"], color=col, label=f"DMFT g = {g:g}")
        runs = [simulate_stats(g, "tanh", n_sim, seed=np.random.default_rng(s), t_trans=20.0, t_meas=t_meas)
                for s in child.spawn(n_net)]
        acs = np.array([r["delta_tau"] for r in runs])
        lags = runs[0]["lags"]
        m, se = acs.mean(0), acs.std(0, ddof=1) / math.sqrt(n_net)
        ax[0].errorbar(lags[::5], m[::5], yerr=se[::5], fmt="o", ms=3, color=col)
    ax[0].set_xlabel(r"lag $\tau$ (units of $\tau$)")
    ax[0].set_ylabel(r"$\Delta(\tau)$")
    ax[0].set_title(f"autocovariance (points: N = {n_sim}, {n_net} networks)")
    ax[0].legend(fontsize=8)
    for j, (g, child) in enumerate(zip(fs_gains, np.random.SeedSequence(seed + 1).spawn(len(fs_gains)))):
        th = D.solve_stationary(g)
        scan = finite_size_scan(g, sizes, counts, seed=child, t_trans=20.0, t_meas=t_meas,
                                t_lyap_start=20.0 if quick else 40.0)
        col = f"C{gains.index(g)}"
        for axx, q, key in ((ax[1], "delta0", "delta0"), (ax[2], "lambda_max", "lambda_max")):
            pred = float(th[key])
            f = F.fit_samples(scan["sizes"], scan[q], model=FIT_MODEL[q], var_power="fit")
            x = 1.0 / np.asarray(sizes, float)
            axx.errorbar(x, f["means"], yerr=f["sems"], fmt="o", color=col, label=f"simulation, g = {g:g}")
            xx = np.linspace(0.0, x.max() * 1.05, 100)
            A = np.vstack([np.ones_like(xx), xx] + ([xx ** 2] if len(f["coef"]) == 3 else [])).T
            if FIT_MODEL[q] == "1/sqrt(N)":
                A = np.vstack([np.ones_like(xx), np.sqrt(xx)]).T
            axx.plot(xx, A @ f["coef"], "-", color=col, lw=1,
                     label=f"fit q_inf + a/N (chi2/dof = {f['chi2_dof']:.2g})")
            axx.errorbar([0.0], [f["q_inf"]], yerr=[f["q_inf_stderr"]], fmt="s", mfc="none", color=col, capsize=3,
                         label=r"extrapolation $N\to\infty$")
            axx.plot([0.0, x.max() * 0.15], [pred, pred], "k-", lw=2.5,
                     label=r"DMFT ($N\to\infty$)" if j == 0 else None)
    ax[1].set_xlabel("1 / N")
    ax[1].set_ylabel(r"$\Delta_0$")
    ax[1].set_title(r"finite size: $\Delta_0$")
    ax[1].legend(fontsize=7)
    ax[2].set_xlabel("1 / N")
    ax[2].set_ylabel(r"$\lambda_{max}$ (1/$\tau$)")
    ax[2].set_title(r"finite size: $\lambda_{max}$ (tangent vector)")
    ax[2].legend(fontsize=7)
    return save(fig, out)


if __name__ == "__main__":
    run(make, TITLE)
