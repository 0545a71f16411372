"""Podlaski & Machens (2024) style: functions computed by low-rank E-I spiking networks.

a: inhibitory population, convex boundary: tangent lines (one per neuron, thin), their envelope
(theory, line) and the time-averaged spiking readout (points with 3 stderr + d/2 bars).
b: rank-2 E-I network, non-convex target (Gaussian bump): target, boundary fixed point
y_E = (H_hat - g_hat)/(1 - w) and spiking readout.  c: the approximation error against the number
of neurons per population: exact boundary error (points) and the theory f'' h^2 / 8 (line).
"""
from __future__ import annotations


import numpy as np
from recnet.papers._script import run, save

TITLE = "Podlaski & Machens 2024: function approximation with latent boundaries"
REFERENCE = "Podlaski & Machens 2024, Neural Comput 36:803"


def make(out=None, quick=False):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from recnet.numerics.scn import functions as sf
    from recnet.validation.scn.validate import lowrank_prediction

    out = out or "podlaski2024_function_approximation.png"
    fig, ax = plt.subplots(1, 3, figsize=(13, 3.8))
    xg = np.linspace(-1, 1, 401)
    # a: inhibitory convex boundary
    g = lambda x: x ** 2 + 0.3                                   # noqa: E731
    ib = sf.inhibitory_boundary(g, lambda x: 2 * x, 8, (-1, 1), d=0.02, tau=10.0)
    for F, T in zip(ib.F, ib.T):
        ax[0].plot(xg, F * xg - T, color="0.8", lw=0.6)
    ax[0].plot(xg, g(xg), "k:", lw=1, label="convex target g")
    ax[0].plot(xg, ib.fixed_point(xg), "C0-", lw=1.5, label="I boundary (theory)")
    xs = np.linspace(-0.9, 0.9, 5 if quick else 9)
    m, s = sf.simulate_io(ib, xs, t_sim=200.0 if quick else 600.0, t_warm=60.0)
    ax[0].errorbar(xs, m[:, 0], yerr=3 * s[:, 0] + ib.d / 2, fmt="o", color="C3", ms=4, label="spiking y_I")
    ax[0].set_ylim(0, 1.6)
    ax[0].set_xlabel("input x")
    ax[0].set_ylabel("readout y_I")
    ax[0].legend(fontsize=7)
    ax[0].set_title("a: inhibitory population (N = 8)", fontsize=9)
    # b: E-I non-convex
    p = lowrank_prediction("bump", n=20)
    ax[1].plot(xg, p["f"](xg), "k:", lw=1, label="target f")
    ax[1].plot(xg, p["model"].fixed_point(xg), "C0-", lw=1.5, label="E-I boundary intersection (theory)")
    m, s = sf.simulate_io(p["model"], xs, t_sim=200.0 if quick else 600.0, t_warm=80.0)
    ax[1].errorbar(xs, m[:, 0], yerr=3 * s[:, 0] + p["spike_bound"], fmt="o", color="C3", ms=4,
                   label="spiking y_E")
    ax[1].set_xlabel("input x")
    ax[1].set_ylabel("readout y_E")
    ax[1].legend(fontsize=7)
    ax[1].set_title("b: rank-2 E-I network (20 E + 20 I)", fontsize=9)
    # c: error vs N
    ns = np.array([5, 10, 20, 40, 80])
    for name, c in (("quadratic", "C0"), ("bump", "C1")):
        ex = [lowrank_prediction(name, n=int(n))["fixed_point_error"] for n in ns]
        pr = [lowrank_prediction(name, n=int(n))["predicted_error"] for n in ns]
        ax[2].loglog(2 * ns, pr, "-", color=c, label=f"{name}: theory f'' h^2/8")
        ax[2].loglog(2 * ns, ex, "o", color=c, label=f"{name}: boundary error")
    ax[2].set_xlabel("neurons (E + I)")
    ax[2].set_ylabel("max |y_E - f|")
    ax[2].legend(fontsize=7)
    ax[2].set_title("c: error ~ 1/N^2", fontsize=9)
    return save(fig, out, TITLE, dpi=110)


if __name__ == "__main__":
    run(make, TITLE)
