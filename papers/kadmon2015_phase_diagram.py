"""Kadmon & Sompolinsky 2015: phase diagram of a two-population random rate network in (g, J0).

Two populations (fractions 0.6 and 0.4, phi = tanh and erf with phi'(0) = 1, no input), random
couplings g * ghat (ghat = [[1, 1.5], [0.8, 1]], row: receiving population; J_ij variance
g_ab^2/N) and mean couplings J0 * jhat (jhat = [[1, 0.5], [0.5, 1]]; J_ij mean J0_ab/N).  Colours:
the phase from the stationary DMFT with the stability of every branch
(recnet.numerics.dmft.population_phases): x = 0 fixed point, ferromagnetic fixed point (mu != 0),
chaos (mu = 0), ferromagnetic chaos, coexistence.  Black lines: the zero state's closed-form
boundaries, bulk onset g_c = rho(M_hat)^(-1/2) (dashed) and uniform-mode instability
J0_c = 1/max Re eig(jhat diag alpha) (dotted).  Markers: simulations (N units, one network, Heun
dt = 0.05 tau), filled when the simulated largest Lyapunov exponent is positive, a cross inside when
the population means are away from 0 (|mu| above 6 standard errors of a mean over units); the
labels give the simulated and predicted lambda and |mu| (the predicted phase is the colour under the
marker).  Axes: g (dimensionless gain of the random part),
J0 (dimensionless mean coupling).
"""

import numpy as np

from recnet.papers._script import run, save

TITLE = "Kadmon & Sompolinsky 2015: two-population phase diagram in (g, J0), theory and simulation"
REFERENCE = "Kadmon & Sompolinsky 2015, PRX 5:041030"

ALPHA = (0.6, 0.4)
G_SHAPE = ((1.0, 1.5), (0.8, 1.0))
J_SHAPE = ((1.0, 0.5), (0.5, 1.0))
PHIS = ("tanh", "erf")
#: simulated points (g, J0): one in each phase
SIM_POINTS = ((0.5, 0.5), (0.6, 2.5), (1.6, 0.4), (2.5, 4.0))
_COLORS = {"fixed point": "#ffffff", "ferromagnetic fixed point": "#9ecae1", "chaos": "#fdae6b",
           "ferromagnetic chaos": "#d62728", "none": "#bbbbbb"}


def simulated_phase(g, j0, n, seed, t_trans=40.0, t_meas=40.0):
    """(chaotic, ferromagnetic, result) of one simulated network at (g, j0): chaotic when lambda_1 > 0,
    ferromagnetic when some population mean exceeds 6 standard errors of a mean over its units,
    sqrt(Delta0_a / N_a) (+ 1e-3 for a silent fixed point)."""
    from recnet.validation.dmft.populations import simulate_populations
    a = np.asarray(ALPHA)
    sz = np.round(a * n).astype(int)
    sz[-1] = n - sz[:-1].sum()
    r = simulate_populations(sz, g * np.asarray(G_SHAPE), j0 * np.asarray(J_SHAPE), list(PHIS), np.zeros(2),
                             seed=seed, t_trans=t_trans, t_meas=t_meas)
    se = np.sqrt(np.maximum(r["delta0"], 0.0) / sz) + 1e-3
    return bool(r["lambda1"] > 0), bool(np.any(np.abs(r["mu"]) > 6 * se)), r


def phase_label(chaotic, ferro):
    return ("ferromagnetic " if ferro else "") + ("chaos" if chaotic else "fixed point")


def make(out=None, quick=False):
    """Draw the figure into ``out`` (default kadmon2015_phase_diagram.png); return the path."""
    import matplotlib
    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    from recnet.numerics.dmft import population_phases as PH
    out = out or "kadmon2015_phase_diagram.png"
    gs = np.linspace(0.3, 2.7, 3 if quick else 9)
    js = np.linspace(0.0, 4.5, 3 if quick else 10)
    labels, lam, _ = PH.phase_grid(ALPHA, G_SHAPE, J_SHAPE, gs, js, list(PHIS))
    names = sorted({lab for row in labels for lab in row})
    colors = [_COLORS.get(nm, "#8c6d31") for nm in names]
    idx = np.array([[names.index(lab) for lab in row] for row in labels])
    fig, ax = plt.subplots(figsize=(9.0, 5.0))
    dg, dj = gs[1] - gs[0], js[1] - js[0]
    from matplotlib.colors import ListedColormap
    ax.imshow(idx, origin="lower", aspect="auto", cmap=ListedColormap(colors), vmin=-0.5, vmax=len(names) - 0.5,
              extent=(gs[0] - dg / 2, gs[-1] + dg / 2, js[0] - dj / 2, js[-1] + dj / 2), interpolation="nearest")
    gc, jc = PH.zero_state_boundaries(ALPHA, G_SHAPE, J_SHAPE)
    ax.axvline(gc, color="k", ls="--", lw=1.2)
    ax.axhline(jc, color="k", ls=":", lw=1.2)
    n = 200 if quick else 1500
    pts = SIM_POINTS[:2] if quick else SIM_POINTS
    for k, (g, j) in enumerate(pts):
        lab_th, sol = PH.classify(ALPHA, G_SHAPE, J_SHAPE, g, j, list(PHIS))
        st = [b for b in sol["branches"] if b["stable"]]
        th = max(st, key=lambda b: float(np.sum(b["mu"]))) if st else None
        ch, fe, r = simulated_phase(g, j, n, seed=100 + k, t_meas=20.0 if quick else 40.0)
        ax.plot(g, j, "o", ms=13, mfc="k" if ch else "w", mec="k", mew=1.5)
        if fe:
            ax.plot(g, j, "x", ms=9, color="w" if ch else "k", mew=2)
        txt = (f"sim: {phase_label(ch, fe)}, lambda1 = {r['lambda1']:.2f}, |mu| = "
               f"({abs(r['mu'][0]):.2f}, {abs(r['mu'][1]):.2f})")
        if th is not None:
            txt += (f"\ntheory: {lab_th}, lambda_max = {th['lambda_max']:.2f}, |mu| = "
                    f"({abs(th['mu'][0]):.2f}, {abs(th['mu'][1]):.2f})")
        off = (-250 if g > 2.0 else -40, -34 if (j < 1.0 and g > 1.0) or j > 3.5 else 12)  # labels apart, inside
        ax.annotate(txt, (g, j), textcoords="offset points", xytext=off, fontsize=6.5,
                    bbox=dict(boxstyle="round", fc="w", alpha=0.8))
    ax.set_xlabel("g (gain of the random couplings, g_ab = g ghat_ab)")
    ax.set_ylabel("J0 (mean coupling, J0_ab = J0 jhat_ab)")
    handles = [Patch(facecolor=c, edgecolor="k", label=f"theory: {nm}") for nm, c in zip(names, colors)]
    handles += [plt.Line2D([], [], color="k", ls="--", label=f"g_c = {gc:.3f} (rho(M) = 1)"),
                plt.Line2D([], [], color="k", ls=":", label=f"J0_c = {jc:.3f} (uniform mode)"),
                plt.Line2D([], [], marker="o", mfc="k", mec="k", ls="", label=f"simulation N = {n}: lambda1 > 0"),
                plt.Line2D([], [], marker="o", mfc="w", mec="k", ls="", label="simulation: lambda1 < 0"),
                plt.Line2D([], [], marker="x", color="k", ls="", label="simulation: |mu| > 0")]
    ax.legend(handles=handles, fontsize=7, loc="upper left", bbox_to_anchor=(1.02, 1.0), framealpha=0.9)
    ax.set_xlim(gs[0] - dg / 2, gs[-1] + dg / 2)
    ax.set_ylim(js[0] - dj / 2, js[-1] + dj / 2)
    return save(fig, out, TITLE)


if __name__ == "__main__":
    run(make, TITLE)
