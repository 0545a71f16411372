"""Lyapunov spectra of random tanh rate networks for several N and g (Engelken, Wolf, Abbott 2023).

Full spectra of :math:`\\dot x = -x + J\\tanh(x)`, :math:`J_{ij}\\sim\\mathcal N(0, g^2/N)`, computed
with recnet's structured-Jacobian QR engine (exponential-Euler, dt = 0.05 tau).  Panel A: the
spectrum against i/N collapses for different N (extensive chaos); panel B: spectra for several g at
the largest N; panel C: entropy rate per neuron H/N and attractor dimension D_KY/N against g, with
bootstrap error bars; the DMFT lambda_max (recnet.numerics.dmft.stationary) is drawn on panel B when
``--dmft`` is given.
"""
from pathlib import Path

import numpy as np
from recnet.papers._script import run, save

TITLE = "Lyapunov spectra of chaotic rate networks for several N and g"
REFERENCE = "R. Engelken, F. Wolf, L. F. Abbott, Phys. Rev. Research 5, 043044 (2023)"


def compute(sizes=(100, 200, 400), gains=(1.5, 2.0, 3.0, 5.0), g_ref=2.0, t_sim=100.0, seed=0):
    from recnet.numerics.lyapunov import rate as R
    rng = np.random.default_rng(seed)
    kw = dict(dt=0.05, t_sim=t_sim, t_warm=30.0, t_warm_q=10.0, integrator="exp_euler", twin=False)
    by_n = {n: R.spectrum(R.random_coupling(n, g_ref, seed=rng), seed=rng, **kw) for n in sizes}
    nmax = max(sizes)
    by_g = {g: (by_n[nmax] if g == g_ref else R.spectrum(R.random_coupling(nmax, g, seed=rng), seed=rng, **kw))
            for g in gains}
    return by_n, by_g


def make(out=None, quick=False, dmft=False):
    import matplotlib
    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    out = Path(out or "engelken2023_spectra.png")
    if quick:
        by_n, by_g = compute(sizes=(50, 100), gains=(2.0, 4.0), t_sim=30.0)
    else:
        by_n, by_g = compute()
    fig, axs = plt.subplots(1, 3, figsize=(12, 3.8))
    for n, r in by_n.items():
        axs[0].plot((np.arange(n) + 0.5) / n, r.exponents, "-", lw=1.2, label=f"N = {n}")
    axs[0].axhline(0, color="0.6", lw=0.5)
    axs[0].set_xlabel("i / N"); axs[0].set_ylabel(r"$\lambda_i$ (1/$\tau$)"); axs[0].set_title("A  g = 2")
    axs[0].legend(fontsize=8)
    for g, r in by_g.items():
        line, = axs[1].plot((np.arange(r.n) + 0.5) / r.n, r.exponents, "-", lw=1.2, label=f"g = {g:g}")
        if dmft:
            from recnet.numerics.dmft import stationary as D
            from recnet.numerics.lyapunov.rate import _dmft_lambda_max
            lm = _dmft_lambda_max(D.solve_stationary(g))
            if lm is not None:
                axs[1].plot([0], [lm], "*", color=line.get_color(), ms=9)
    axs[1].axhline(0, color="0.6", lw=0.5)
    axs[1].set_xlabel("i / N"); axs[1].set_ylabel(r"$\lambda_i$ (1/$\tau$)")
    axs[1].set_title(f"B  N = {next(iter(by_g.values())).n}"); axs[1].legend(fontsize=8)
    gs = np.array(list(by_g))
    H = np.array([r.entropy_rate / r.n for r in by_g.values()])
    Hs = np.array([r.entropy_rate_stderr / r.n for r in by_g.values()])
    Dk = np.array([r.ky_dimension / r.n for r in by_g.values()])
    Ds = np.array([r.ky_dimension_stderr / r.n for r in by_g.values()])
    axs[2].errorbar(gs, H, yerr=Hs, fmt="o", label=r"$H/N$ (nats/$\tau$)")
    axs[2].errorbar(gs, Dk, yerr=Ds, fmt="s", label=r"$D_{KY}/N$")
    axs[2].set_xlabel("g"); axs[2].set_ylabel("per neuron"); axs[2].set_title("C  entropy and dimension")
    axs[2].legend(fontsize=8)
    return save(fig, out, dpi=120)


if __name__ == "__main__":
    run(make, TITLE)
