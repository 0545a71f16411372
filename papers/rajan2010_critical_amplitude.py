"""Rajan, Abbott & Sompolinsky 2010: the critical input amplitude that suppresses chaos, against the
input frequency (theory line from the periodic DMFT, simulation brackets).

Network dx/dt = -x + J tanh(x) + A cos(2 pi f t + theta_i), J_ij ~ N(0, g^2/N), g = 1.5, tau = 10 ms.
The line is A_c(f) from lambda_max of the input-locked DMFT state = 0
(:func:`recnet.numerics.dmft_driven.critical_amplitude`); the dotted line its f -> 0 limit (frozen
state under static random input).  The minimum at an intermediate frequency is the "resonance" of
the paper.  Markers: simulated largest Lyapunov exponent at 0.7 A_c (filled: lambda_1 > 0, chaos)
and 1.4 A_c (open: lambda_1 < 0, locked), one realisation each.

The paper used a rectified tanh, phi(x) = R0 tanh(x/R0) for x <= 0 and (2 - R0) tanh(x/(2 - R0)) for
x > 0 with R0 = 0.1 (phi(0) = 0, phi'(0) = 1).  This figure uses tanh: with that phi the stationary
DMFT (recnet.numerics.dmft, trapezoid kernels) gives at g = 1.5 a weakly chaotic state with a static
variance (Delta0 = 0.305, Delta_inf = 0.276, lambda_max = 0.029) next to an unstable heterogeneous
fixed point (lambda = 0.050), but the driven solver's Gauss-Hermite kernels do not resolve the
negative branch (phi' has width 0.1 there): at n_gh = 48 its lambda of the near-static locked state
is -0.003 instead of 0.050, so A_c for the rectified tanh is not yet reliable.
"""

import numpy as np

TITLE = "Rajan et al. 2010: critical amplitude for chaos suppression vs input frequency"
REFERENCE = "Rajan, Abbott, Sompolinsky 2010, Phys. Rev. E 82:011903"


def make(out=None, quick=False):
    """Draw the figure into ``out`` (default rajan2010_critical_amplitude.png); return the path."""
    import matplotlib
    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt
    from recnet.numerics import dmft_driven as D
    from recnet.validation.dmft_driven import simulate_lambda
    out = out or "rajan2010_critical_amplitude.png"
    g, tau = 1.5, 10.0
    kw = dict(n_theta=16, n_gh=20, tol=1e-3)
    freqs = np.array([1.6, 4.8, 16.0, 48.0]) if quick else np.array([0.8, 1.6, 3.2, 6.4, 12.8, 25.6, 51.2])
    oms = 2 * np.pi * freqs * tau * 1e-3
    ac = np.array([D.critical_amplitude(g, "tanh", om, **kw)["critical_amplitude"] for om in oms])
    a0 = D.critical_amplitude_static(g, "tanh")
    fig, ax = plt.subplots(figsize=(5.5, 4))
    ax.plot(freqs, ac, "k-", label="DMFT: lambda_max of the locked state = 0")
    ax.axhline(a0, color="k", ls=":", lw=1, label="f -> 0 limit (static random input)")
    sim_f = freqs[[0, len(freqs) // 2, -1]] if not quick else freqs[[0, -1]]
    n = 300 if quick else 1000
    t_sim = 80.0 if quick else 150.0
    for k, f in enumerate(sim_f):
        om = 2 * np.pi * f * tau * 1e-3
        A_c = ac[list(freqs).index(f)]
        for fac in (0.7, 1.4):
            lam = simulate_lambda(n, g, fac * A_c, om, t_sim=t_sim, t_start=t_sim / 3, seed=100 + k)
            ax.plot([f], [fac * A_c], "o", color="C3" if lam > 0 else "C0",
                    mfc="C3" if lam > 0 else "none", ms=8)
    ax.plot([], [], "o", color="C3", label="simulation: chaotic (lambda_1 > 0)")
    ax.plot([], [], "o", color="C0", mfc="none", label="simulation: locked (lambda_1 < 0)")
    ax.set_xscale("log")
    ax.set_xticks(freqs)
    ax.set_xticklabels([f"{f:g}" for f in freqs])
    ax.minorticks_off()
    ax.set_xlabel("input frequency f (Hz), tau = 10 ms")
    ax.set_ylabel("input amplitude A")
    ax.set_title(f"g = {g:g}, N = {n}")
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(out, dpi=120)
    plt.close(fig)
    return out


if __name__ == "__main__":
    from recnet.papers._script import run

    run(make, TITLE)
