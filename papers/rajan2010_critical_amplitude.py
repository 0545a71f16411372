"""Rajan, Abbott & Sompolinsky 2010: the critical input amplitude that suppresses chaos, against the
input frequency (theory line from the periodic DMFT, simulation markers).

Network dx/dt = -x + J phi(x) + A cos(2 pi f t + theta_i), J_ij ~ N(0, g^2/N), g = 1.5, tau = 10 ms,
with the paper's rectified tanh (default): phi(x) = R0 tanh(x/R0) for x <= 0 and
(2 - R0) tanh(x/(2 - R0)) for x > 0, R0 = 0.1 (phi(0) = 0, phi'(0) = 1); ``phi="tanh"`` draws the
same figure for tanh.

The line is A_c(f) where lambda_max of the input-locked DMFT state crosses 0
(:func:`recnet.numerics.dmft.driven.critical_amplitude`; for the rectified tanh with trapezoid
Gaussian quadrature, 161 nodes, whose error in lambda is < 1e-5 at A = 0 and ~1e-4 with input);
the dotted line its f -> 0 limit (frozen state under static random input).  The minimum at an
intermediate frequency is the "resonance" of the paper: for the rectified tanh at g = 1.5,
A_c = 0.135, 0.104, 0.096, 0.117, 0.210, 0.399, 0.587 at f = 1.6, 3.2, 4.8, 8, 16, 32, 48 Hz, and
0.272 for f -> 0 (at omega = 1 / tau: A_c = 0.2093 with 241 nodes and 16 phases, 0.2092 with the
161 nodes and 8 phases used here).  Markers: simulated largest Lyapunov
exponent of one network realisation at 0.7 A_c (filled if lambda_1 > 0, chaos) and 1.4 A_c (open if
lambda_1 < 0, locked).  At A = 0 the rectified-tanh network is only weakly chaotic (stationary DMFT
with converged quadrature: lambda_max = 0.025 / tau), and finite networks are at the edge of chaos:
undriven, N = 1000 gave lambda_1 = +0.006 and -0.031 / tau in two realisations; at 48 Hz and
0.7 A_c (DMFT: locked state unstable, lambda = +0.017) three N = 1000 realisations gave -0.013,
-0.077, -0.024, while N = 3000 gave +0.020 (one realisation): a finite-size effect.  So filled
markers below the line are not guaranteed at N = 1000 for this phi (they
are for tanh, whose chaos is stronger).
"""

import math

import numpy as np
from recnet.papers._script import save

TITLE = "Rajan et al. 2010: critical amplitude for chaos suppression vs input frequency"
REFERENCE = "Rajan, Abbott, Sompolinsky 2010, Phys. Rev. E 82:011903"

R0 = 0.1
RECTIFIED_TANH = f"Piecewise(({R0}*tanh(x/{R0}), x <= 0), ({2 - R0}*tanh(x/{2 - R0}), True))"


def _ac_line(g, phi, oms, quick):
    """A_c at angular frequencies ``oms`` (1/tau) and the static (omega -> 0) limit."""
    from recnet.numerics.dmft import driven as D
    if phi == "tanh":
        kw = dict(n_theta=16, n_gh=20, tol=1e-3)
        ac = [D.critical_amplitude(g, "tanh", om, **kw)["critical_amplitude"] for om in oms]
        return np.array(ac), D.critical_amplitude_static(g, "tanh")
    ac = []
    for om in oms:
        # time grid step <= 0.4 tau (lambda changes by 2e-4 against step 0.2 at omega = 1); the
        # continuation starts at 1.5 sqrt(1 + omega^2), above A_c for this phi at every frequency
        n_tau = 2 * int(math.ceil(max(16.0, 2 * math.pi / om / 0.4 / 2)))
        r = D.critical_amplitude(g, phi, om, n_theta=8, n_nodes=161, n_tau=n_tau, tol=1e-3,
                                 a_max=1.5 * math.sqrt(1.0 + om * om))
        ac.append(r["critical_amplitude"])
    return np.array(ac), D.critical_amplitude_static(g, phi, n_nodes=241)


def make(out=None, quick=False, phi="rectified"):
    """Draw the figure into ``out`` (default rajan2010_critical_amplitude.png); return the path.

    ``phi``: "rectified" (the paper's rectified tanh, default) or "tanh".
    """
    if phi not in ("rectified", "tanh"):
        raise ValueError(f"phi = {phi!r} is invalid: choose 'rectified' or 'tanh'")
    import matplotlib
    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt
    from recnet.validation.dmft.driven import simulate_lambda
    out = out or "rajan2010_critical_amplitude.png"
    g, tau = 1.5, 10.0
    phi_expr = RECTIFIED_TANH if phi == "rectified" else "tanh"
    if phi == "rectified":
        freqs = np.array([3.2, 4.8, 16.0, 48.0]) if quick else np.array([1.6, 3.2, 4.8, 8.0, 16.0, 32.0, 48.0])
    else:
        freqs = np.array([1.6, 4.8, 16.0, 48.0]) if quick else np.array([0.8, 1.6, 3.2, 6.4, 12.8, 25.6, 51.2])
    oms = 2 * np.pi * freqs * tau * 1e-3
    ac, a0 = _ac_line(g, phi_expr, oms, quick)
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
            lam = simulate_lambda(n, g, fac * A_c, om, phi=phi_expr, t_sim=t_sim, t_start=t_sim / 3, seed=100 + k)
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
    name = f"rectified tanh (R0 = {R0:g})" if phi == "rectified" else "tanh"
    ax.set_title(f"{name}, g = {g:g}, N = {n}", fontsize=10)
    ax.legend(fontsize=7)
    return save(fig, out)


if __name__ == "__main__":
    import argparse

    p = argparse.ArgumentParser(description=TITLE)
    p.add_argument("-o", "--output", default=None, help="output file (PNG, PDF or SVG)")
    p.add_argument("--quick", action="store_true", help="fewer frequencies, smaller simulations")
    p.add_argument("--phi", default="rectified", choices=("rectified", "tanh"),
                   help="transfer function: the paper's rectified tanh (default) or tanh")
    a = p.parse_args()
    print(make(a.output, quick=a.quick, phi=a.phi))
