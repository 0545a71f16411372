"""Brunel (2000) Fig. 2: phase diagram of the sparse E-I network (model A) in the plane of relative
inhibition g and external drive nu_ext/nu_thr, with the four states of the linear stability
analysis, and the four points of his Fig. 8 simulated on recnet's numba simulator.

Network (Brunel 2000, sec. 2 and Fig. 2): N_E = 10000, gamma = 0.25, epsilon = 0.1 (C_E = 1000,
C_I = 250), J = 0.1 mV, theta = 20 mV, V_r = 10 mV, tau = 20 ms, tau_rp = 2 ms, D = 1.5 ms.

Theory: at each grid point the stationary state of the diffusion approximation
(``numerics.lif_meanfield.network_states`` on ``brunel_lif_model``) and its linear stability with
the delay (``numerics.lif_stability.model_stability``: roots of det(1 - M(lambda)) = 0, Brunel
2000 sec. 4), labelled by recnet's state rule (``lif_stability.STATE_RULE``): AI when stable, SR
when unstable with excitation-dominated recurrent input, else SI fast / SI slow by the main mode's
frequency against 1/(8 D).  Two further labels are drawn: "quiescent" (rate 0) and "regular"
where the neurons are driven so far above threshold (|theta - mu| > 25 sigma) that the diffusion
linear response is not evaluated (Brunel's SR region at g < 4 and strong drive).  Thick lines: the
Hopf line (main-mode growth rate = 0) where it separates AI from SI fast (black) and from SI slow
(white).

Simulations (Brunel's Fig. 8 points A: g = 3, nu_ext/nu_thr = 2; B: 6, 4; C: 5, 2; D: 4.5, 0.9;
his labels SR, SI fast, AI, SI slow): full size (N_E = 10000, C_E = 1000), 1 s after 0.2 s of
warm-up, seed 1 (quick mode: N_E = 1000, C_E = 100, 0.3 s after 0.1 s: a smoke test, not the
published network).  Per point: the Welch spectrum of the summed E+I activity (0.5 ms bins, Hann
segments of 200 ms, 100 ms in quick mode; ``validation.lif_oscillation``), its peak above 2/T_seg,
and the synchrony chi = std(A) / sqrt(nu / (N bin)) of the E activity (about 1 for independent
Poisson neurons; ``validation.brunel.synchrony``).  Where the simulated network's asynchronous
state is stable, the spectrum linear-response theory predicts for it (finite-size shot noise
filtered by the network, ``predicted_spectrum``) is drawn over the simulated one; the 0.5 ms bins
attenuate the simulated spectrum by sinc^2(pi f bin), 13 % at 400 Hz, not corrected.  The printed table gives the predicted state,
frequency and growth rate against the simulated rate, chi and peak.

Cost: the full figure (32 x 20 grid, g step 0.25, nu_ext/nu_thr step 0.2, about 1.5 s per point,
and four full-size simulations of 1.2 s) took about 20 min of one core; quick mode (5 x 4 grid,
small networks) about 40 s.  The 0.2 step does not resolve narrow regions (the SI slow state
lies in a thin band around nu_ext/nu_thr = 0.9 on this grid); refine ``eta`` for them.

Differences from Brunel's drawing, checked (issue 15):

* The SI slow region is much smaller than in Brunel's Fig. 2.  It is not a missed root: an
  independent argument-principle count of Brunel's characteristic equation (mpmath, box
  0 < Re lambda < 0.5/ms, 0 < f < 120 Hz; ``tests/test_lif_stability.py``) gives the same number of
  unstable slow roots as recnet at g = 4.5, 5, 6 (nu_ext/nu_thr = 0.9): 1 (29.0 Hz, +7.9/s: SI
  slow), 0 (29.7 Hz at -4.6/s: AI), 0 (31.6 Hz at -18/s); at nu_ext/nu_thr = 1 the slow mode is
  damped at -59/s (g = 5) and -66/s (g = 6); at 0.8 the network is practically silent (0.004 Hz;
  mu = 16 mV, 3.2 sigma below threshold) and has no slow mode.  Within the diffusion approximation
  with these parameters the slow branch crosses only near g = 4.5, nu_ext/nu_thr = 0.85-0.9.
* The AI/SR boundary sits near g = 3.5, not 4, because of the state rule, not the roots: for
  3.5 < g < 4 the stationary state is mean-driven at high rate (g = 3.6: 199 Hz, mu = 80 mV; g = 3.8:
  145 Hz, mu = 55 mV, nu_ext/nu_thr = 2) and linearly stable (main mode near 1345 Hz at -89 and
  -106/s; high-frequency family limit -16 and -20/s, the recurrent share of the input variance
  0.97-0.98 < 1), so the rule calls it AI; Brunel labels the whole excitation-dominated side g < 4 SR.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from recnet.papers._script import run, save

TITLE = "Brunel 2000 Fig. 2: phase diagram (AI, SR, SI fast, SI slow) from linear stability, Fig. 8 points simulated"
REFERENCE = "Brunel N (2000) J Comput Neurosci 8:183-208, Figs. 2 and 8"

# Brunel 2000, Fig. 8 (and Fig. 2, where the four points are marked): (g, nu_ext/nu_thr, his label)
FIG8_POINTS = {"A": (3.0, 2.0, "SR"), "B": (6.0, 4.0, "SI fast"), "C": (5.0, 2.0, "AI"), "D": (4.5, 0.9, "SI slow")}
NETWORK = dict(n_e=10000, gamma=0.25, epsilon=0.1, j=0.1, v_thresh=20.0, v_reset=10.0, v_rest=0.0, tau_m=20.0,
               tau_refrac=2.0, delay=1.5)
STATES = ["AI", "SR", "SI fast", "SI slow", "quiescent", "regular"]
COLOURS = ["#9ecae1", "#fd8d3c", "#a1d99b", "#9e9ac8", "#d9d9d9", "#ffffb2"]


def _label(state):
    if state.startswith("not computed"):
        return "regular"
    return state if state in STATES else "undetermined"


def predict_point(g, eta, **network):
    """Predicted stationary rate and state at (g, nu_ext/nu_thr) for Brunel's model A.

    Returns
    -------
    dict
        ``rate_hz`` (E = I), ``state`` (one of :data:`STATES`, or ``undetermined``), ``stability``
        (the full ``model_stability`` dict; None without a unique stable stationary state),
        ``growth_rate_per_s`` and ``frequency_hz`` of the main mode (None where not computed).
    """
    from recnet.numerics.lif_meanfield import network_states
    from recnet.numerics.lif_stability import model_stability
    from recnet.subjects.brunel import brunel_lif_model

    kw = dict(NETWORK, **network)
    m = brunel_lif_model(g=g, eta=eta, **kw)
    stable = [s for s in network_states(m, cv=False)["states"] if s["stable"]]
    if len(stable) != 1:
        return {"rate_hz": np.nan, "state": "undetermined", "stability": None, "growth_rate_per_s": None,
                "frequency_hz": None}
    s = stable[0]
    st = model_stability(m, s)
    return {"rate_hz": float(s["rate_hz"][0]), "state": _label(st["state"]), "stability": st,
            "growth_rate_per_s": st["growth_rate_per_s"], "frequency_hz": st["frequency_hz"]}


def phase_diagram(g_values, eta_values, progress=None):
    """States, rates, growth rates and frequencies on the grid (arrays indexed [g, eta])."""
    from tqdm import tqdm

    shape = (len(g_values), len(eta_values))
    code = np.full(shape, -1)
    rate, growth, freq = (np.full(shape, np.nan) for _ in range(3))
    pts = [(i, k) for i in range(shape[0]) for k in range(shape[1])]
    for i, k in tqdm(pts, disable=progress is False or None, desc="stability grid"):
        p = predict_point(float(g_values[i]), float(eta_values[k]))
        code[i, k] = STATES.index(p["state"]) if p["state"] in STATES else -1
        rate[i, k] = p["rate_hz"]
        if p["growth_rate_per_s"] is not None:
            growth[i, k], freq[i, k] = p["growth_rate_per_s"], p["frequency_hz"]
    return {"g": np.asarray(g_values, float), "eta": np.asarray(eta_values, float), "code": code, "rate_hz": rate,
            "growth_rate_per_s": growth, "frequency_hz": freq}


def predicted_spectrum(g, eta, freqs_hz, **network):
    """One-sided power spectrum (Hz^2/Hz) of the summed E+I activity that linear-response theory
    predicts for the finite network at (g, eta) when its asynchronous state is stable (None otherwise).

    C(omega) = P D P^dagger with P = (1 - M(i omega))^-1 and D = diag(nu_a / N_a) the shot noise of
    independent neurons (``numerics.lif_stability.power_spectra``; Brunel & Hakim 1999, Bos et al.
    2016 eq. 18); the summed activity A = sum_a (N_a / N) A_a has two-sided spectrum
    sum_ab w_a w_b C_ab, doubled for the one-sided Welch estimate.  Not drawn where the state is
    unstable (the linear theory holds for a stable state only).
    """
    from recnet.numerics.lif_meanfield import network_states
    from recnet.numerics.lif_stability import model_stability, power_spectra
    from recnet.subjects.brunel import brunel_lif_model

    m = brunel_lif_model(g=g, eta=eta, **dict(NETWORK, **network))
    stable = [s for s in network_states(m, cv=False)["states"] if s["stable"]]
    if len(stable) != 1 or not model_stability(m, stable[0])["stable"]:
        return None
    st = stable[0]
    a = m.to_arrays()
    P = a["indegree"].shape[0]
    D = np.zeros((P, P))
    for pr in m.projections:
        D[m.index(pr.post), m.index(pr.pre)] = pr.delay
    sizes = np.array([pop.size for pop in m.populations], float)
    c = power_spectra(freqs_hz, a["indegree"], a["weight"], D, sizes, tau_m=a["tau_m"], tau_refrac=a["tau_refrac"],
                      v_thresh=a["v_thresh"], v_reset=a["v_reset"], v_rest=a["v_rest"], rate_hz=st["rate_hz"],
                      mu_mv=st["mu_mv"], sigma_mv=st["sigma_mv"])
    w = sizes / sizes.sum()
    return 2.0 * np.einsum("a,nab,b->n", w, c, w).real


def simulate_point(g, eta, *, quick=False, seed=1):
    """Simulate Brunel's network at (g, eta) on numba; rate, synchrony and activity spectrum."""
    from recnet.validation.brunel import brunel_network, synchrony
    from recnet.validation.lif_oscillation import activity_spectrum, peak_frequencies
    from recnet.validation.simulators.simulate import simulate

    size = dict(n_e=1000, epsilon=0.1) if quick else dict(n_e=NETWORK["n_e"], epsilon=NETWORK["epsilon"])
    t_warm, t_sim, seg = (100.0, 300.0, 100.0) if quick else (200.0, 1000.0, 200.0)
    kw = {k: v for k, v in NETWORK.items() if k not in ("n_e", "epsilon")}
    net = brunel_network(g=g, eta=eta, seed=seed, **size, **kw)
    res = simulate(net, t_warm + t_sim, backend="numba", seed=seed, progress=False)
    t1 = t_warm + t_sim
    f, spec = activity_spectrum(res, ["E", "I"], t_warm, t1, bin_ms=0.5, seg_ms=seg)
    peaks = peak_frequencies(f, spec, seg)
    mean = spec.mean(axis=0)
    band = f >= 2e3 / seg
    theory = predicted_spectrum(g, eta, f[1:], n_e=size["n_e"], epsilon=size["epsilon"])
    return {"theory_psd": theory,"rate_hz": res.rate("E", t_warm, t1)[0], "chi": synchrony(res, "E", t_warm, t1),
            "peak_hz": float(f[band][np.argmax(mean[band])]), "peak_segments_hz": peaks, "freqs_hz": f,
            "psd": mean, "n_e": size["n_e"], "c_e": round(size["epsilon"] * size["n_e"]), "t_sim_ms": t_sim,
            "segment_ms": seg}


def table(pred, sims):
    """The printed comparison table of the Fig. 8 points (``peak_psd_th``: the peak of the spectrum
    predicted for the simulated network, where its asynchronous state is stable)."""
    head = (f"{'pt':>2} {'g':>4} {'eta':>4} {'Brunel':>8} {'predicted':>10} {'f_pred':>7} {'growth':>8} "
            f"{'rate_th':>7} | {'rate_sim':>8} {'chi':>6} {'peak_sim':>8} {'peak_psd_th':>11}")
    lines = [head, f"{'':>2} {'':>4} {'':>4} {'':>8} {'':>10} {'(Hz)':>7} {'(1/s)':>8} {'(Hz)':>7} | "
             f"{'(Hz)':>8} {'':>6} {'(Hz)':>8} {'(Hz)':>11}"]
    for name, (g, eta, pub) in FIG8_POINTS.items():
        p, s = pred[name], sims.get(name)
        fp = "-" if p["frequency_hz"] is None else f"{p['frequency_hz']:.1f}"
        gr = "-" if p["growth_rate_per_s"] is None else f"{p['growth_rate_per_s']:.1f}"
        sim = "not simulated" if s is None else f"{s['rate_hz']:8.2f} {s['chi']:6.2f} {s['peak_hz']:8.1f}"
        if s is not None:   # peak of the predicted spectrum of the simulated network (stable states only)
            th = s["theory_psd"]
            sim += f" {'-' if th is None else format(s['freqs_hz'][1:][np.argmax(th)], '.1f'):>11}"
        lines.append(f"{name:>2} {g:4g} {eta:4g} {pub:>8} {p['state']:>10} {fp:>7} {gr:>8} {p['rate_hz']:7.2f} | {sim}")
    return "\n".join(lines)


def make(out=None, quick=False, simulate=True):
    """Draw the phase diagram and the Fig. 8 spectra; save to ``out`` (default
    ``brunel2000_fig2_states.png``) and return the path.  Quick: a 5 x 4 grid and small networks."""
    import matplotlib
    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt
    from matplotlib.colors import BoundaryNorm, ListedColormap
    from matplotlib.patches import Patch

    out = Path(out or "brunel2000_fig2_states.png")
    if quick:
        g_values, eta_values = np.linspace(2.0, 8.0, 5), np.linspace(0.5, 4.0, 4)
    else:
        g_values, eta_values = np.arange(0.25, 8.001, 0.25), np.arange(0.2, 4.001, 0.2)
    d = phase_diagram(g_values, eta_values)
    pred = {n: predict_point(g, eta) for n, (g, eta, _) in FIG8_POINTS.items()}
    sims = {n: simulate_point(g, eta, quick=quick) for n, (g, eta, _) in FIG8_POINTS.items()} if simulate else {}
    print(table(pred, sims))

    fig = plt.figure(figsize=(12, 5.2))
    ax = fig.add_axes([0.06, 0.11, 0.44, 0.76])
    cmap = ListedColormap(["#ffffff"] + COLOURS)
    norm = BoundaryNorm(np.arange(-1.5, len(STATES) + 0.5), cmap.N)
    ax.pcolormesh(d["g"], d["eta"], d["code"].T, cmap=cmap, norm=norm, shading="nearest")
    fast = d["frequency_hz"] >= 1000.0 / (8.0 * NETWORK["delay"])
    gr = d["growth_rate_per_s"]
    ai, sf, ss = (d["code"] == STATES.index(s) for s in ("AI", "SI fast", "SI slow"))
    for sel, colour, lab in ((fast & (ai | sf), "k", "AI / SI fast (growth = 0)"),
                             (~fast & (ai | ss), "w", "AI / SI slow (growth = 0)")):
        z = np.ma.masked_where(~sel, gr)
        if np.ma.count(z) > 3 and z.min() < 0 < z.max():
            ax.contour(d["g"], d["eta"], z.T, levels=[0.0], colors=colour, linewidths=2.0)
        ax.plot([], [], color=colour, lw=2.0, label=lab)
    for name, (g, eta, pub) in FIG8_POINTS.items():
        ax.plot(g, eta, "o", ms=7, mfc="k", mec="w")
        ax.annotate(f"{name}: {pred[name]['state']}\n(Brunel: {pub})", (g, eta),
                    xytext=(6, -22) if eta > 3.5 else (6, 4),
                    textcoords="offset points", fontsize=7.5)
    handles = [Patch(color=c, label=s) for s, c in zip(STATES, COLOURS)]
    handles.append(Patch(facecolor="#ffffff", edgecolor="0.5", label="no unique stable state"))
    leg = ax.legend(handles=handles, loc="upper left", fontsize=7, title="predicted state", title_fontsize=7)
    ax.add_artist(leg)
    ax.legend(loc="lower right", fontsize=7, facecolor="0.8")
    ax.set_xlabel("relative inhibition g")
    ax.set_ylabel(r"external drive $\nu_{ext}/\nu_{thr}$")
    ax.set_title("theory: linear stability of the asynchronous state (V_r = 10 mV, D = 1.5 ms)", fontsize=9)

    for idx, (name, (g, eta, pub)) in enumerate(FIG8_POINTS.items()):
        sa = fig.add_axes([0.57 + 0.22 * (idx % 2), 0.55 - 0.44 * (idx // 2), 0.19, 0.30])
        p, s = pred[name], sims.get(name)
        if s is not None:
            sa.semilogy(s["freqs_hz"][1:], s["psd"][1:], color="C0", lw=1.0, label="simulation")
            sa.axvline(s["peak_hz"], color="C0", ls=":", lw=1.0)
            if s["theory_psd"] is not None:
                sa.semilogy(s["freqs_hz"][1:], s["theory_psd"], color="k", lw=1.2,
                            label="theory: spectrum of the stable state")
        if p["frequency_hz"] is not None:
            sa.axvline(p["frequency_hz"], color="C3", ls="--", lw=1.2, label="theory: main mode")
        sa.set_xlim(0, 800 if name == "A" else 400)
        t = f"{name} (g={g:g}, {eta:g}): theory {p['state']}"
        if s is not None:
            t += f"\nsim: peak {s['peak_hz']:.0f} Hz, chi = {s['chi']:.1f}, {s['rate_hz']:.0f} Hz"
        sa.set_title(t, fontsize=7.5)
        sa.tick_params(labelsize=7)
        if idx // 2 == 1:
            sa.set_xlabel("frequency (Hz)", fontsize=8)
        if idx % 2 == 0:
            sa.set_ylabel("activity PSD (Hz$^2$/Hz)", fontsize=8)
        if idx == 0:
            sa.legend(fontsize=6.5)
    if sims:
        s0 = next(iter(sims.values()))
        fig.text(0.57, 0.925, f"numba simulations: N_E = {s0['n_e']}, C_E = {s0['c_e']}, {s0['t_sim_ms']:g} ms, "
                 f"Welch {s0['segment_ms']:g} ms segments", fontsize=8)
    fig.suptitle(REFERENCE, fontsize=9, x=0.3, y=0.995)
    fig.savefig(out, dpi=120)
    plt.close(fig)
    return out


if __name__ == "__main__":
    run(make, TITLE)
