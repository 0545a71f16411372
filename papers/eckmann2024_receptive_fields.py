"""Receptive-field formation and decorrelation with synapse-type-specific competitive Hebbian learning.

In the style of Eckmann, Young, Gjorgjieva 2024 (PNAS 121:e2305326121), Fig. 3A-C, plus the linear
theory of the decorrelation threshold (SM Secs. 4-5).

(a) Plastic nonlinear E-I rate network with every synapse type Hebbian and L1-normalized per
    neuron and resource pool (Methods Eqs. 9-15; Table 1 column Fig. 3A-C: N_E = N_I = 10,
    N_F = 40, r = 0.04 [u]_+^2, W_EE = W_IE = 2 (joint feedforward + recurrent excitation),
    W_EI = 0.8, W_II = 0.5, A_F = 35 Hz, sigma_F = 12 deg, dt = 10 ms, tau_E = 20 ms,
    tau_I = 17 ms, a new grating every 200 ms; learning rates 20 x Table 1 to shorten the run):
    feedforward tuning curves of the E neurons before, early in and after training.
(b) Same network: tuning uniformity (Methods Eq. 18) and mean pairwise cosine of the feedforward
    weight vectors of E and I neurons during training.
(c) Linear theory (recnet, SM Eqs. 145-147): growth rate of a decorrelating perturbation of the
    collapsed eigencircuit against the I->E norm W_EI (N_E = 8, N_I = 4, N_F = 6 channels of
    variance 1.2, 1, ..., 1 Hz^2, W_EE = 0.8, W_IE = 1, W_II = 0.3); exact closed form (line), the
    paper's beta ~ 0 estimate lambda_2 - lambda-bar* (dashed), averaged learning map (points).
(d) Online learning in that linear network from a perturbed collapsed state: E receptive-field
    dissimilarity 1 - cos over time below (0.8 W_EI*) and above (1.25 W_EI*) the threshold,
    mean +- sem over seeds; lines: the linear prediction start x exp(2 eta mu_E t).
"""
from pathlib import Path

import numpy as np
from recnet.papers._script import run, save

TITLE = "Synapse-type-specific competitive Hebbian learning: receptive fields form and decorrelate"
REFERENCE = "S. Eckmann, E. J. Young, J. Gjorgjieva, PNAS 121, e2305326121 (2024)"

TABLE1_FIG3 = dict(n_e=10, n_i=10, n_f=40, norms=dict(EE=2.0, EI=0.8, IE=2.0, II=0.5), mu_w=0.2, sd_w=0.1,
                   rates=dict(EF=2e-9, EE=2e-9, IF=3e-9, IE=3e-9, EI=4e-9, II=5e-9))


def _initial_weights(seed):
    """Half-normal initial weights (mean 2 sd before |.|), recurrent E weights ~0, then L1 norms."""
    from recnet.numerics import hebbian_network as hn
    p = TABLE1_FIG3
    rng = np.random.default_rng(seed)
    draw = lambda shape: np.abs(rng.normal(p["mu_w"], p["sd_w"], shape))
    ne, ni, nf = p["n_e"], p["n_i"], p["n_f"]
    W = hn.make_weights(draw((ne, nf)), draw((ni, nf)), np.full((ne, ne), 1e-4), draw((ne, ni)),
                        np.full((ni, ne), 1e-4), draw((ni, ni)))
    n = p["norms"]
    for a, b, t in (("EF", "EE", "EE"), ("IF", "IE", "IE")):
        s = W[a].sum(1) + W[b].sum(1)
        W[a] *= (n[t] / s)[:, None]
        W[b] *= (n[t] / s)[:, None]
    W["EI"] *= (n["EI"] / W["EI"].sum(1))[:, None]
    W["II"] *= (n["II"] / W["II"].sum(1))[:, None]
    return W


def compute(quick=False):
    from recnet.numerics import hebbian_ei as hb
    from recnet.numerics import hebbian_network as hn
    from recnet.validation.hebbian_ei import NETWORK, network_setup
    p = TABLE1_FIG3
    n_stim = 3000 if quick else 10000
    rec = 1000
    W0 = _initial_weights(0)
    speed = 20.0
    fin, te, ti, _ = hn.rate_network_learning(W0, n_stim=n_stim, learning_rates={k: speed * v for k, v in p["rates"].items()},
                                              norms=p["norms"], seed=1, record_every=rec)
    t_rec = np.arange(len(te)) * rec * 10.0 / 1000.0            # s (dt = 10 ms)
    t_rec[-1] = n_stim * 0.2
    curves = dict(uE=[hn.tuning_uniformity(w) for w in te], uI=[hn.tuning_uniformity(w) for w in ti],
                  cE=[hn.rf_cosine(w) for w in te], cI=[hn.rf_cosine(w) for w in ti])
    # linear theory of the threshold
    P = NETWORK
    th = hb.decorrelation_thresholds(P["n_e"], P["n_i"], P["w_ee"], P["w_ie"], P["w_ii"], P["lam1"], P["lam2"])
    wei = np.linspace(0.45, 1.6, 80) * th["exact"]
    gr = [hb.collapse_growth_rates(P["n_e"], P["n_i"], P["w_ee"], v, P["w_ie"], P["w_ii"], P["lam1"], P["lam2"])
          for v in wei]
    factors = np.array([0.6, 0.8, 0.95, 1.05, 1.25, 1.5])
    meas = []
    eta = 0.01
    for f in factors:
        W, norms, Q, g, _ = network_setup(f)
        W1 = {k: v.copy() for k, v in W.items()}
        W1["EF"][0, 1] = 1e-7
        _, tr = hn.averaged_network(W1, Q, eta, 220, norms=norms)
        d = tr[:, 0, 1] - tr[:, 1, 1]
        lg = np.mean(np.diff(np.log(np.abs(d[20:200]))))
        meas.append(lg / eta)         # log growth per step / eta -> mu_E as eta -> 0
    # online learning, both sides
    eta_on, n_seeds = 2e-4, (3 if quick else 6)
    online = {}
    for side, f in (("below", 0.8), ("above", 1.25)):
        W, norms, Q, g, _ = network_setup(f)
        n_on = int(2.0 / (eta_on * abs(g["mu_e"])))
        chunk = n_on // 10
        traces = []
        for s in range(n_seeds):
            Wc = {k: v.copy() for k, v in W.items()}
            Wc["EF"] = Wc["EF"] + 0.01 * np.random.default_rng(500 + s).uniform(0, 1, Wc["EF"].shape)
            tr = [1 - hn.rf_cosine(Wc["EF"])]
            for c in range(10):
                Wc, _ = hn.stochastic_network(Wc, Q, eta_on, chunk, norms=norms, seed=1000 * s + c)
                tr.append(1 - hn.rf_cosine(Wc["EF"]))
            traces.append(tr)
        online[side] = (np.arange(11) * chunk, np.array(traces), g["mu_e"])
    return dict(te=te, ti=ti, t_rec=t_rec, curves=curves, th=th, wei=wei, gr=gr, factors=factors * th["exact"],
                meas=np.array(meas), online=online, eta_on=eta_on, n_stim=n_stim)


def make(out=None, quick=False):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    d = compute(quick)
    fig = plt.figure(figsize=(14, 7.5))
    gs = fig.add_gridspec(3, 3, width_ratios=[1.1, 1, 1])
    pref = np.arange(d["te"].shape[2]) * 180.0 / d["te"].shape[2]
    cE = np.array(d["curves"]["cE"])
    mid = int(np.argmin(np.abs(cE - 0.5 * (cE.max() + cE[-1]))))     # half-way through the decorrelation
    idx = [0, mid, len(d["te"]) - 1]
    for row, (k, lab) in enumerate(zip(idx, ("before (t0)", "early (t1)", "after (t2)"))):
        a = fig.add_subplot(gs[row, 0])
        cols = plt.cm.Blues(np.linspace(0.35, 1.0, d["te"].shape[1]))
        for i in range(d["te"].shape[1]):
            a.plot(pref, d["te"][k][i], color=cols[i], lw=1)
        a.set_ylabel("E feedforward weight")
        a.text(0.02, 0.85, f"{lab}, t = {d['t_rec'][k]:.0f} s", transform=a.transAxes, fontsize=8)
        if row == 0:
            a.set_title("(a) E tuning curves (N_E = 10)", fontsize=9)
        if row == 2:
            a.set_xlabel("input tuning peak (deg)")
    b = fig.add_subplot(gs[0:2, 1])
    c = d["curves"]
    b.plot(d["t_rec"], c["uE"], "C0-", label="uniformity U_E")
    b.plot(d["t_rec"], c["uI"], "C3-", label="uniformity U_I")
    b.plot(d["t_rec"], c["cE"], "C0--", label="mean RF cosine, E")
    b.plot(d["t_rec"], c["cI"], "C3--", label="mean RF cosine, I")
    for k, lab in zip(idx, ("t0", "t1", "t2")):
        b.axvline(d["t_rec"][k], color="0.8", lw=0.8)
    b.set_xlabel("training time (s)")
    b.set_ylabel("uniformity / cosine")
    b.set_ylim(0, 1.05)
    b.set_title("(b) tuning uniformity and RF overlap", fontsize=9)
    b.legend(fontsize=7)
    e = fig.add_subplot(gs[2, 1])
    wf = d["te"][-1]
    order = np.argsort(np.argmax(wf, 1))
    e.imshow(wf[order], aspect="auto", cmap="Blues", extent=[0, 180, len(wf) - 0.5, -0.5])
    e.set_xlabel("input tuning peak (deg)")
    e.set_ylabel("E neuron (sorted)")
    e.set_title("learned feedforward weights W_EF", fontsize=8)
    g = fig.add_subplot(gs[0:2, 2])
    g.plot(d["wei"], [x["mu_e"] for x in d["gr"]], "k-", label="theory mu_E (exact)")
    g.plot(d["wei"], [x["paper"] for x in d["gr"]], "k--", lw=1, label="paper, beta~0: lam_2 - lambdabar*")
    g.plot(d["factors"], d["meas"], "o", color="C1", label="averaged learning map")
    g.axhline(0, color="0.6", lw=0.8)
    g.axvline(d["th"]["exact"], color="C3", ls=":", label=f"W_EI* = {d['th']['exact']:.3f}")
    g.set_xlabel("I->E norm W_EI")
    g.set_ylabel("growth rate / eta (Hz^2)")
    g.set_title("(c) decorrelation threshold (linear theory)", fontsize=9)
    g.legend(fontsize=7)
    h = fig.add_subplot(gs[2, 2])
    for side, col in (("below", "C0"), ("above", "C3")):
        steps, tr, mu = d["online"][side]
        m = tr.mean(0)
        se = tr.std(0, ddof=1) / np.sqrt(len(tr))
        h.errorbar(steps, m, se, fmt="o", color=col, ms=3, label=f"{side} threshold (online)")
        h.plot(steps, m[0] * np.exp(2 * d["eta_on"] * mu * steps), "-", color=col, lw=1)
    h.set_yscale("log")
    h.set_xlabel("learning step")
    h.set_ylabel("1 - RF cosine (E)")
    h.set_title("(d) online learning: RF correlation", fontsize=8)
    h.legend(fontsize=6)
    fig.suptitle(TITLE, fontsize=10)
    return save(fig, Path(out or "eckmann2024_receptive_fields.png"), dpi=110)


if __name__ == "__main__":
    run(make, TITLE)
