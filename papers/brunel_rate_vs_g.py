"""Firing rate of Brunel's balanced network against the relative inhibition g: mean-field theory
(Siegert self-consistency, diffusion approximation) as a line, spiking simulations on recnet's
numba simulator and on NEST (iaf_psc_delta through pyNN.nest) as points with standard errors.

Network: Brunel 2000 model A, eta = 2, J = 0.1 mV, D = 1.5 ms, v_reset = 0 (recnet's default; pass
v_reset=10 for Brunel's figures). Full: N_E = 10,000 (C_E = 1000), 1 s counted after 0.2 s,
g in {4.5, 5, 6, 7, 8}. Quick: N_E = 1000, epsilon = 0.2 (C_E = 200), 0.3 s after 0.1 s,
g in {5, 6, 8}; the theory line is computed for the simulated in-degrees in both cases.
Error bars: batch-means standard error of the population rate (recnet.validation.simulators.spikes).
"""
from __future__ import annotations


import numpy as np
from recnet.papers._script import run, save

TITLE = "Brunel network: rate vs relative inhibition g, theory and two simulators"
REFERENCE = "Brunel 2000, J Comput Neurosci 8:183 (Fig. 2 regime, model A)"


def make(out=None, quick=False, v_reset=0.0, backends=None, seed=12345):
    """Draw the figure, save it to ``out`` (default ``brunel_rate_vs_g.png``) and return the path."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    import recnet.numerics._jit  # noqa: F401  numba threading layer set before NEST starts
    from recnet.numerics.lif_meanfield import brunel_prediction
    from recnet.validation.brunel import brunel_network
    from recnet.validation.simulators.simulate import simulate

    out = out or "brunel_rate_vs_g.png"
    if quick:
        size = dict(n_e=1000, epsilon=0.2)
        gs, t_warm, t_sim = [5.0, 6.0, 8.0], 100.0, 300.0
    else:
        size = dict(n_e=10000, epsilon=0.1)
        gs, t_warm, t_sim = [4.5, 5.0, 6.0, 7.0, 8.0], 200.0, 1000.0
    if backends is None:
        from recnet.validation.simulators import backend_nest as backend_nest

        backends = ["numba"] + (["nest"] if backend_nest.available() else [])
    base = dict(eta=2.0, j=0.1, delay=1.5, v_reset=v_reset, **size)
    g_line = np.linspace(3.8, 8.5, 60)
    rate_line = []
    for g in g_line:
        r = brunel_prediction(g=g, **base)["rate_hz"]
        rate_line.append(np.nan if r is None else r)
    fig, ax = plt.subplots(figsize=(6.0, 4.2))
    ax.plot(g_line, rate_line, "k-", lw=1.5, label="mean-field theory (Siegert)")
    markers = {"numba": ("o", "C0", -0.05), "nest": ("s", "C3", 0.05)}
    for b in backends:
        pts = []
        for g in gs:
            net = brunel_network(g=g, seed=seed, **base)
            conns = net.connectivity(seed)
            res = simulate(net, t_warm + t_sim, backend=b, seed=seed, connections=conns)
            pts.append(res.rate("E", t_warm, t_warm + t_sim))
        m, c, dx = markers.get(b, ("^", "C2", 0.0))
        pts = np.array(pts)
        ax.errorbar(np.array(gs) + dx, pts[:, 0], yerr=pts[:, 1], fmt=m, color=c, ms=6, capsize=3,
                    label=f"{b} simulation (E, $\\pm$ s.e.)")
    ax.set_xlabel("relative inhibition g")
    ax.set_ylabel("firing rate (Hz)")
    ax.set_title(f"N_E = {size['n_e']}, C_E = {round(size['epsilon'] * size['n_e'])}, eta = 2, "
                 f"v_reset = {v_reset:g} mV", fontsize=10)
    ax.legend(fontsize=8)
    return save(fig, out, dpi=120)


if __name__ == "__main__":
    run(make, TITLE)
