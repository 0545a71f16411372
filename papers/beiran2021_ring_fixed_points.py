"""Beiran et al. 2021: populations multiply the stable fixed points of a rank-two network.

dx/dt = -x + (m_1 n_1^T + m_2 n_2^T)/N tanh(x).  Population p (fraction 1/P) carries the latent
direction u_p = (cos(pi p/P), sin(pi p/P)): m = z u_p, n = beta z u_p + 0.5 eta (z, eta standard
normal), so sigma^p_nm = beta u_p u_p^T.  Latent dynamics (Beiran et al. 2021, eq. 2.13):
dkappa/dt = -kappa + (beta/P) sum_p u_p (u_p . kappa) <phi'>_p, Delta_p = (u_p . kappa)^2.
A single Gaussian population gives one pair of stable fixed points (along the dominant eigenvector
of sigma_nm); P populations give P pairs on a ring, separated by saddles (their figure on
multiple fixed points from populations).  Panels A-C: theory flow (grey), fixed points (filled:
stable, open: saddle, cross: unstable), simulated latent trajectories (coordinates k of x on the
m_r, x = M k) of networks of N = 2000 units (one network per initial condition) and their end
points kappa = N^T phi(x)/N (squares; equal to k at a fixed point).  Panel D: P = 3, continuation in
beta: |kappa| of every fixed point of the latent flow (kappa = 0 destabilises at beta = 2, the
closed form) and the simulated |kappa| at the end of the runs (mean and standard deviation over
networks started at random small kappa).
"""

import numpy as np
from recnet.papers._script import run, save

TITLE = "Beiran et al. 2021: stable fixed points on a ring from populations in a rank-two network"
REFERENCE = "Beiran, Dubreuil, Valente, Mastrogiuseppe & Ostojic 2021, Neural Comput 33:1572"

_STYLE = {"stable node": dict(marker="o", color="k", ms=6, ls=""),
          "saddle": dict(marker="o", mfc="w", color="k", ms=6, ls=""),
          "unstable node": dict(marker="x", color="k", ms=6, ls="")}


def _panel(ax, mix, n, n_init, t_max, seed0, title):
    from recnet.numerics.dmft import lowrank_populations as LP
    from recnet.validation.dmft.lowrank_populations import simulate_lowrank
    fps = LP.fixed_points(mix)
    K = 1.25 * max(np.linalg.norm(f["kappa"]) for f in fps) + 0.2
    ax_ = np.linspace(-K, K, 25)
    X, Y = np.meshgrid(ax_, ax_)
    F = np.array([LP.latent_rhs([x, y], mix) for x, y in zip(X.ravel(), Y.ravel())])
    ax.streamplot(X, Y, F[:, 0].reshape(X.shape), F[:, 1].reshape(X.shape), color="0.8", density=0.8,
                  linewidth=0.6, arrowsize=0.6)
    th = (np.arange(n_init) + 0.5) * 2 * np.pi / n_init
    ends = []
    for i, t in enumerate(th):
        k0 = 0.15 * K * np.array([np.cos(t), np.sin(t)])
        r = simulate_lowrank(mix, n, k0, t_max=t_max, dt=0.1, seed=seed0 + i)
        col = f"C{i % 10}"
        ax.plot(r["state"][:, 0], r["state"][:, 1], "-", color=col, lw=0.9)
        ax.plot(*r["kappa_final"], "s", color=col, ms=4)
        ends.append(r["kappa_final"])
    for f in fps:
        ax.plot(*f["kappa"], **_STYLE.get(f["kind"], dict(marker="^", color="r", ls="")))
    ax.set_xlim(-K, K)
    ax.set_ylim(-K, K)
    ax.set_aspect("equal")
    ax.set_xlabel("kappa_1")
    ax.set_ylabel("kappa_2")
    n_st = sum(f["stable"] for f in fps)
    ax.set_title(f"{title}: {n_st} stable fixed points", fontsize=8)
    return fps, np.array(ends)


def make(out=None, quick=False):
    """Draw the figure into ``out`` (default beiran2021_ring_fixed_points.png); return the path."""
    import matplotlib
    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt
    from recnet.numerics.dmft import lowrank_populations as LP
    from recnet.validation.dmft.lowrank_populations import simulate_lowrank
    out = out or "beiran2021_ring_fixed_points.png"
    n = 500 if quick else 2000
    n_init = 6 if quick else 12
    t_max = 30.0 if quick else 60.0
    fig, axs = plt.subplots(1, 4, figsize=(16.0, 4.3))
    for ax, (P, beta) in zip(axs[:3], ((1, 2.0), (2, 4.0), (3, 4.0))):
        _panel(ax, LP.ring_mixture(P, beta, sigma_n=0.5), n, n_init, t_max, 1000 * P,
               f"P = {P}, beta = {beta:g}")
    # continuation in beta (P = 3)
    ax = axs[3]
    make_mix = lambda b: LP.ring_mixture(3, b, sigma_n=0.5)  # noqa: E731
    betas = np.linspace(0.5, 6.0, 8 if quick else 23)
    seen = set()
    for b, fps in LP.branches(make_mix, betas, n_starts=60):
        for f in fps:
            st = _STYLE.get(f["kind"], dict(marker="^", color="r", ls=""))
            ax.plot(b, np.linalg.norm(f["kappa"]), **dict(st, ms=4),
                    label=None if f["kind"] in seen else "theory: " + f["kind"])
            seen.add(f["kind"])
    bc = LP.zero_state_bifurcation(make_mix, 0.5, 6.0)
    ax.axvline(bc, color="0.6", lw=0.8, ls=":", label=f"kappa = 0 destabilises (beta = {bc:.3f})")
    rng = np.random.default_rng(7)
    bsim = np.array([1.5, 3.0, 5.0]) if quick else np.array([1.0, 1.5, 2.5, 3.0, 4.0, 5.0, 6.0])
    n_net = 3 if quick else 6
    for j, b in enumerate(bsim):
        mix = make_mix(b)
        norms = []
        for s in range(n_net):
            k0 = rng.normal(0.0, 0.3, 2)
            r = simulate_lowrank(mix, n, k0, t_max=t_max, dt=0.1, seed=50_000 + 100 * j + s)
            norms.append(np.linalg.norm(r["kappa_final"]))
        ax.errorbar(b, np.mean(norms), yerr=np.std(norms, ddof=1), fmt="s", color="C3", ms=5, capsize=3,
                    label=None if j else f"simulation, N = {n} ({n_net} networks)")
    ax.set_xlabel("beta (overlap sigma_nm = beta u_p u_p^T)")
    ax.set_ylabel("|kappa| at the fixed point")
    ax.set_title("P = 3: fixed points along beta", fontsize=8)
    ax.legend(fontsize=6, loc="upper left")
    return save(fig, out, suptitle=f"{TITLE} (theory: latent mean field; simulation: N = {n})")


if __name__ == "__main__":
    run(make, TITLE)
