"""Validation of synapse-type-specific competitive Hebbian learning (Eckmann, Young, Gjorgjieva 2024).

0. One neuron with plastic E and I inputs (SM Sec. 2, main Fig. 1J): E inputs are 3 independent
   zero-mean channels (variances 1.5, 1, 0.8 Hz^2), one inhibitory input per channel with rate
   a_j x_j (a = 1, 0.5, 0.5), L1 norms W_E = 1, W_I.  The co-tuned fixed point (E and I weights
   both on mode 1) loses stability at W_I* = W_E (lam_1 - lam_2)/(a_1 lam_1 - a_2^2 lam_2/a_1) = 0.4
   (SM Eqs. 96, 110).  Online learning (eta = 1e-3) from that fixed point at 0.6 W_I* and 1.25 W_I*:
   fraction of the E weight on mode 1 (predicted 1 - rectification floor below, -> 0 above) and
   E-I co-tuning (the I weight sits on the inhibitory neuron of the E weight's mode).
A. The paper's fully plastic recurrent E-I network (SM Secs. 4-5), linear neurons, L1 norms (E pool =
   feedforward + recurrent excitation), N_E = 8, N_I = 4 neurons, N_F = 6 independent zero-mean input
   channels with variances lambda = (1.2, 1, 1, 1, 1, 1) Hz^2, norms W_EE = 0.8, W_IE = 1, W_II = 0.3:

   1. fixed point: all neurons in one eigencircuit on channel 1 (SM Eqs. 132, 146) at
      W_EI = 0.8 W_EI* (below the threshold); online learning started there: the time-averaged weights
      against the closed form.  Online learning at constant step eta is biased: the N_F - 1 empty
      channels, held at 0 by Dale's law, are reflected Ornstein-Uhlenbeck weights (restoring rate
      eta |mu| per step, noise eta^2 a_E^2 lambda_1 lambda_2) with mean sqrt(2/pi) sigma_w,
      sigma_w^2 = eta a_E^2 lambda_1 lambda_2 / (2 |mu|), which the L1 norm removes from the support
      (a bias ~ sqrt(eta)), and the nonlinear map adds O(eta).  So the weights are measured at eta,
      4 eta and 16 eta and extrapolated to eta -> 0 with those two exponents fixed
      (``stats.step_extrapolation``, weights 8/3, -2, 1/3); the error is the seeds' spread
      (Polyak-Ruppert: the time average of a constant-step stochastic approximation has variance
      J^-1 D J^-T / T), Student-t with n_seeds - 1 dof.  The I pool's weights are uniform by
      symmetry: round-off bound only (``uniform_roundoff_bound``);
   2. threshold: the growth per step of a decorrelating perturbation (averaged learning map; its
      nonlinear bias measured by a paired run at twice the amplitude, plus a round-off bound,
      ``growth_with_bias``) against
      (1 + eta lambda_2)/(1 + eta Gamma_E), Gamma_E = lambda_1 a_E (1 + N_E a_E)/W_EE, at 0.8 W_EI* and
      1.25 W_EI*: decays below, grows above the exact threshold W_EI* (recnet closed form); the paper's
      beta ~ 0 threshold (SM Eq. 211 with SM Eq. 147) is reported next to it;
   3. receptive-field correlation between E neurons (1 - mean pairwise cosine of the feedforward
      weight vectors) after online learning for 2/(eta |mu_E|) steps (eta = 2e-4) from a random
      perturbation of the collapsed state, seed by seed against its own start: shrinks below, grows
      above the threshold.  (Longer runs above threshold leave the linear model's validity: the E rates
      turn negative and the feedforward weights vanish, an artefact of unrectified linear rates.)

B. recnet's reduced model (feedforward fields only plastic): the learned receptive field is the
   principal eigenvector of Q (SM Sec. 1.2, Oja 1982), and plastic I->E weights onto one E neuron with
   fixed tuning co-tune with it (a* = (V Q V^T + lambda)^-1 V Q w).  Both are learned online at eta
   and 2 eta and extrapolated to eta -> 0 (O(eta) bias of constant-step learning), Student-t over seeds.
"""
from __future__ import annotations

import numpy as np

from recnet import checks
from recnet.validation.compare import ValidationResult, compare, compare_exact
from recnet.validation.stats import mean_sem, step_extrapolation

__all__ = ["validate", "network_setup", "cotuning_setup", "decorrelation_circuit", "growth_with_bias",
           "uniform_roundoff_bound"]

U = float(np.finfo(float).eps) / 2          # unit round-off

#: learning-rate ratios of the paired online runs: eta, 4 eta, 16 eta cancel the sqrt(eta)
#: rectification floor and the O(eta) bias of constant-step learning (stats.step_extrapolation)
ETA_LADDER = (1.0, 4.0, 16.0)
#: fraction of the one-neuron runs (part 0) that is time-averaged
FF_AVERAGE_LAST = 0.25
SQRT_LAW = (0.5, 1.0)
SQRT_WHY = ("extrapolated to eta -> 0 from runs at eta, 4 eta, 16 eta (weights 8/3, -2, 1/3): cancels the "
            "rectification floor ~ sqrt(eta) (reflected Ornstein-Uhlenbeck weight, module notes) and the O(eta) "
            "bias of constant-step online learning; next term O(eta^1.5)")


def growth_with_bias(run, eps):
    """Log growth per step of a perturbation of amplitude ``eps`` and its derived systematic error.

    ``run(eps)`` returns (measured growth per step, smallest |perturbation| in the fit window,
    number of steps fitted, number of steps iterated, per-step round-off of one weight).  The
    measured growth of the nonlinear map differs from the linearisation's by b eps + O(eps^2):
    the paired run at 2 eps measures b eps = g(2 eps) - g(eps) (``tests/test_hebbian_ei.py``
    checks it against a map with a closed-form growth).  Round-off: every weight carries at most
    ``n_steps * roundoff`` absolute error, so log|d| at either end of the window is off by at most
    that over the smallest |d|, and the mean growth by twice that over the window length.
    Returns (growth, systematic, why).
    """
    g1, dmin, n_win, n_steps, ro = run(eps)
    g2 = run(2 * eps)[0]
    lin = abs(g2 - g1)
    rnd = 2.0 * n_steps * ro / (dmin * n_win)
    why = (f"|g(2 eps) - g(eps)| = {lin:.2g} (first-order nonlinear bias of the eps = {eps:g} run, paired run at "
           f"2 eps) + round-off 2 n_steps delta_w / (min|d| n_fit) = {rnd:.2g} ({n_steps} steps, {n_win} fitted)")
    return g1, lin + rnd, why


def uniform_roundoff_bound(value, n_steps, n_pool, n_net=0, kappa=1.0):
    """Largest round-off of a weight that is constant in exact arithmetic (uniform by symmetry).

    One learning step changes a weight by a Hebbian term (a linear solve of the n_net-neuron
    network, relative error <= 3 n_net kappa u, kappa the condition number of I - W_rec; Higham,
    Accuracy and Stability, Thm. 9.4) and an L1 renormalisation over ``n_pool`` weights (<= n_pool + 3
    roundings).  Errors add at most linearly over ``n_steps`` steps:
    |w - w_exact| <= n_steps (n_pool + 3 + 3 n_net kappa) u |w|.
    """
    return float(n_steps * (n_pool + 3 + 3 * n_net * kappa) * U * abs(value))

NETWORK = dict(n_e=8, n_i=4, n_f=6, w_ee=0.8, w_ie=1.0, w_ii=0.3, lam1=1.2, lam2=1.0)


def network_setup(factor, n_e=8, n_i=4, n_f=6, w_ee=0.8, w_ie=1.0, w_ii=0.3, lam1=1.2, lam2=1.0):
    """The collapsed fixed point at W_EI = factor * W_EI* (exact threshold); returns
    (weights, norms, Q, growth-rate dict, thresholds dict)."""
    from recnet.numerics import hebbian_ei as hb
    th = hb.decorrelation_thresholds(n_e, n_i, w_ee, w_ie, w_ii, lam1, lam2)
    w_ei = factor * th["exact"]
    W, a_e, a_i = hb.collapsed_state(n_e, n_i, n_f, w_ee, w_ei, w_ie, w_ii)
    norms = dict(EE=w_ee, EI=w_ei, IE=w_ie, II=w_ii)
    Q = hb.independent_channels(np.r_[lam1, np.full(n_f - 1, lam2)])
    g = hb.collapse_growth_rates(n_e, n_i, w_ee, w_ei, w_ie, w_ii, lam1, lam2)
    return W, norms, Q, g, th


def cotuning_setup():
    """E field w (group A), I fields V (A, B, mixed, uniform) and initial I->E weights."""
    w = np.array([1, 1, 1, 1, .2, .2, .2, .2])
    V = 0.5 * np.array([[1, 1, 1, 1, 0, 0, 0, 0], [0, 0, 0, 0, 1, 1, 1, 1],
                        [1, 1, 0, 0, 1, 1, 0, 0], [.5, .5, .5, .5, .5, .5, .5, .5]])
    return w, V, np.full((1, 4), 0.25)


def decorrelation_circuit(beta, W0):
    """Two E neurons, one I neuron driven by E (W_IE = 1/2 each, W_II = 0) so beta = W_EI."""
    from recnet.numerics import hebbian_ei as hb
    beta = checks.nonnegative("beta", beta)
    return hb.make_circuit(W0, np.zeros((1, W0.shape[1])), W_ei=np.full((2, 1), beta),
                           W_ie=np.full((1, 2), 0.5), W_ii=np.zeros((1, 1)))


def _network_growth_run(W, Q, norms, eta_avg, hn, n_steps=250, window=(20, 200)):
    """run(eps) for :func:`growth_with_bias`: the averaged network map with W_EF[0, 1] = eps; the
    growth of d = W_EF[0, 1] - W_EF[1, 1] (the decorrelating mode) fitted over ``window``."""
    kappa = float(np.linalg.cond(np.linalg.inv(hn.response_matrix(W))))
    n = sum(W["EF"].shape) + W["IF"].shape[0]
    wmax = max(float(np.max(np.abs(v))) for v in W.values())
    ro = (W["EF"].shape[1] + W["EE"].shape[1] + 3 + 3 * n * kappa) * U * wmax    # per step, one weight

    def run(eps):
        W1 = {k: v.copy() for k, v in W.items()}
        W1["EF"][0, 1] = eps
        _, tr = hn.averaged_network(W1, Q, eta_avg, n_steps, norms=norms)
        d = np.abs(tr[:, 0, 1] - tr[:, 1, 1])[window[0]:window[1]]
        return float(np.mean(np.diff(np.log(d)))), float(d.min()), d.size - 1, n_steps, ro
    return run


def _reduced_growth_run(beta, e1, e2, Qr, hb, eta_avg=0.01, n_steps=120):
    """run(eps) for :func:`growth_with_bias`: two E fields at e1 +- eps e2 under global inhibition
    beta (averaged map); growth fitted from step 5 while the first run is linear (|d| < 1e-4)."""
    ro = (2 * e1.size + 3) * U * float(np.max(np.abs(e1)) + 1.0)
    state = {}

    def run(eps):
        _, trb = hb.averaged(decorrelation_circuit(beta, np.vstack([e1 + eps * e2, e1 - eps * e2])), Qr, eta_avg,
                             n_steps)
        db = np.linalg.norm(trb[:, 0] - trb[:, 1], axis=1)
        if "n_lin" not in state:
            state["n_lin"] = int(np.argmax(np.r_[db[5:100], np.inf] >= 1e-4))
        n_lin = state["n_lin"]
        if n_lin < 10:
            return float("nan"), float("nan"), n_lin, n_steps, ro
        d = db[5:5 + n_lin]
        return float(np.mean(np.diff(np.log(d)))), float(d.min()), d.size - 1, n_steps, ro
    return run, state


def _cos(W):
    return float(W[0] @ W[1] / (np.linalg.norm(W[0]) * np.linalg.norm(W[1])))


def validate(backend="numba", quick=False, seed=12345, a=0.25, b=1.0, s=0.2, n_seeds=None, eta=1e-3,
             n_e=8, n_i=4, w_ee=0.8, w_ei=0.35, w_ie=1.0, w_ii=0.3, lam1=1.2, lam2=1.0, n_per_group=4, beta=0.5):
    """Run checks A (the paper's plastic E-I network) and B (reduced model); returns a ValidationResult.

    The network checks A1-A3 run on the model ``n_e, n_i, w_ee, w_ie, w_ii, lam1, lam2`` (``n_f`` = 6
    input channels) at 0.8 and 1.25 times its exact threshold W_EI*, and A4 at the given ``w_ei``;
    B runs on the reduced model ``n_per_group, a, b, s`` (co-tuning only for ``n_per_group`` = 4) and
    its decorrelation (B3) at the given global inhibition ``beta``.  ``config`` of the result holds
    every parameter as it ran.
    """
    from recnet.numerics import hebbian_ei as hb
    from recnet.numerics import hebbian_network as hn
    if backend != "numba":
        raise checks.ParameterError("backend", backend, "'numba' (rate model)",
                                    f"backend = {backend!r} is invalid for hebbian-ei: only 'numba' (rate model)")
    eta = checks.in_range("eta", eta, 0.0, 0.01, low_inclusive=False)
    n_seeds = (6 if quick else 10) if n_seeds is None else checks.integer("n_seeds", n_seeds, minimum=2)
    seeds = np.random.SeedSequence(seed).spawn(4 * n_seeds + 1)
    seeds_ff = [np.random.SeedSequence([seed + 1, k]).spawn(n_seeds) for k in range(len(ETA_LADDER))]
    seeds_x = [np.random.SeedSequence([seed + 2, k]).spawn(n_seeds) for k in range(len(ETA_LADDER))]
    gen0 = np.random.default_rng(seeds[-1])
    comps, info, figs = [], {}, {}
    P = dict(NETWORK, n_e=n_e, n_i=n_i, w_ee=w_ee, w_ie=w_ie, w_ii=w_ii, lam1=lam1, lam2=lam2)
    net = {k: P[k] for k in ("n_e", "n_i", "n_f", "w_ee", "w_ie", "w_ii", "lam1", "lam2")}
    lam1, lam2 = P["lam1"], P["lam2"]

    # ---- 0: one neuron, co-tuned E and I weights, inhibition threshold W_I*
    lam_ff, a_ff, w_e = np.array([1.5, 1.0, 0.8]), np.array([1.0, 0.5, 0.5]), 1.0
    wi_star = hb.feedforward_switch_threshold(lam_ff, a_ff, w_e)
    info["threshold_w_i_feedforward"] = wi_star
    eta_ff, delta0 = 1e-3, 0.01
    frac = {}
    for side, factor in (("below", 0.6), ("above", 1.25)):
        w_i = factor * wi_star
        lp = hb.feedforward_mode_attractions(lam_ff, a_ff, w_e, w_i)
        rate = max(abs(lp[0] - lp[1:].max()), 1e-3)
        # run length from the linear rate: ln(1/delta0) e-folds for the start offset delta0 to relax
        # (below) or to grow to O(1) (above, the escape from mode 1), then 4 (quick) or 8 more to settle,
        # all before the averaging window (the last quarter) opens
        n_rel = (np.log(1.0 / delta0) + (4 if quick else 8)) / rate / (1 - FF_AVERAGE_LAST)
        ladder = ETA_LADDER if side == "below" else (1.0,)
        fe = np.empty((len(ladder), n_seeds))
        coh = []
        for li, r_eta in enumerate(ladder):
            for i in range(n_seeds):
                W0 = np.array([[1.0, delta0, delta0]])
                c = hb.make_circuit(w_e * W0 / W0.sum(), np.diag(a_ff), W_ei=w_i * W0 / W0.sum(),
                                    W_ie=np.zeros((3, 1)), W_ii=np.zeros((3, 3)))
                _, avg = hb.stochastic(c, np.zeros(3), np.diag(lam_ff), r_eta * eta_ff,
                                       int(n_rel / (r_eta * eta_ff)), ("ex", "ei"), norm="l1",
                                       seed=seeds_ff[li][i], average_last=FF_AVERAGE_LAST)
                fe[li, i] = avg.W_ex[0, 0] / w_e
                if li == 0:
                    coh.append(int(np.argmax(avg.W_ex[0]) == np.argmax(avg.W_ei[0])))
        frac[side] = fe
        comps.append(compare_exact(f"cotuned_e_and_i_weights_{side}", True, bool(np.all(coh)),
                                   note="argmax of the E weights = argmax of the I weights, every seed"))
    # rectification floor of the 2 empty E weights below threshold (reflected OU, see module docstring)
    w_i = 0.6 * wi_star
    gam = (w_e - w_i * a_ff[0]) * lam_ff[0] / w_e
    var_r = (w_e - w_i * a_ff[0]) ** 2 * lam_ff[0]
    floor = sum(np.sqrt(2 / np.pi) * np.sqrt(eta_ff * var_r * lam_ff[j] / (2 * (gam - lam_ff[j]))) for j in (1, 2))
    ms = [mean_sem(v) for v in frac["below"]]
    m0, se0, _ = step_extrapolation([r * eta_ff for r in ETA_LADDER], [m for m, _ in ms], [e for _, e in ms], SQRT_LAW)
    comps.append(compare("ff_weight_fraction_on_mode1_below", 1.0, m0, se0, dof=n_seeds - 1,
                         stderr_parts={"simulation": se0},
                         note=f"W_I = 0.6 W_I*, W_I* = {wi_star:.3f}; fixed point: all E weight on mode 1; "
                              f"{SQRT_WHY}; at eta = {eta_ff:g}: {ms[0][0]:.4f} (closed-form floor {floor:.3f}); "
                              f"{n_seeds} seeds per rate, Student-t"))
    above = frac["above"][0]
    comps.append(compare_exact("ff_leaves_mode1_above", True, bool(np.max(above) < 0.5),
                               note=f"W_I = 1.25 W_I*: every seed's fraction on mode 1 below 1/2 (largest "
                                    f"{np.max(above):.3f}, mean {np.mean(above):.3f}); the averaging window opens "
                                    f"after ln(1/delta0) + {4 if quick else 8} e-folds of the escape rate"))
    info["ff_fraction_on_mode1"] = {"below_by_eta_ratio": {f"{r:g}": m for r, (m, _) in zip(ETA_LADDER, ms)},
                                    "below_extrapolated": (m0, se0), "above_per_seed": above.tolist(),
                                    "rectification_floor_closed_form": floor}

    # ---- A1: online learning stays at the predicted eigencircuit fixed point (below threshold)
    W, norms, Q, g, th = network_setup(0.8, **net)
    info.update(threshold_w_ei_exact=th["exact"], threshold_w_ei_paper=th["paper"])
    eta_net = 2e-4
    mu = abs(g["mu_e"])
    t_rel = (6 if quick else 12) / min(mu, abs(g["mu_i"]))        # in units of 1/eta steps
    ladder = {}
    for li, r_eta in enumerate(ETA_LADDER):
        seq = seeds if li == 0 else seeds_x[li]
        ladder[r_eta] = [hn.stochastic_network(W, Q, r_eta * eta_net, int(t_rel / (r_eta * eta_net)), norms=norms,
                                               seed=seq[i], average_last=0.5)[1] for i in range(n_seeds)]
    runs = ladder[1.0]
    n_steps = int(t_rel / eta_net)
    a_e = g["a_e"]
    sig_w = np.sqrt(eta_net * a_e ** 2 * lam1 * lam2 / (2 * mu))
    bias = (P["n_f"] - 1) * np.sqrt(2 / np.pi) * sig_w / P["w_ee"]   # relative mass lost to empty channels
    kappa = float(np.linalg.cond(np.linalg.inv(hn.response_matrix(W))))
    n_net = P["n_e"] + P["n_i"]
    for key, label, pred in (("EF", "ff_weight_e_on_mode", W["EF"][0, 0]), ("EE", "ee_weight", W["EE"][0, 0]),
                             ("EI", "ei_weight", W["EI"][0, 0]), ("IF", "ff_weight_i_on_mode", W["IF"][0, 0]),
                             ("IE", "ie_weight", W["IE"][0, 0]), ("II", "ii_weight", W["II"][0, 0])):
        def vals(rs):
            return [r[key][:, 0].mean() if key in ("EF", "IF") else r[key].mean() for r in rs]
        if key in ("EI", "II"):      # uniform by symmetry (all I neurons alike): exact up to round-off
            m, _ = mean_sem(vals(runs))
            tol = uniform_roundoff_bound(pred, n_steps, P["n_i"], n_net, kappa)
            comps.append(compare(f"fixed_point_{label}", pred, m, None, systematic=tol,
                                 why=f"round-off bound n_steps (n_pool + 3 + 3 n kappa) u |w| with {n_steps} steps, "
                                     f"n_pool = {P['n_i']}, n = {n_net}, kappa(I - W_rec) = {kappa:.3g}",
                                 note="I pool has no empty channels; uniform by symmetry (round-off)"))
            continue
        ms = [mean_sem(vals(ladder[r])) for r in ETA_LADDER]
        m0, se0, _ = step_extrapolation([r * eta_net for r in ETA_LADDER], [m for m, _ in ms],
                                        [e for _, e in ms], SQRT_LAW)
        comps.append(compare(f"fixed_point_{label}", pred, m0, se0, dof=n_seeds - 1, stderr_parts={"simulation": se0},
                             note=f"{n_seeds} seeds x {n_steps} steps at eta = {eta_net:g}: {ms[0][0]:.5g} "
                                  f"({ms[0][0] / pred - 1:+.3%}; closed-form rectification mass {bias:.3f} relative); "
                                  f"{SQRT_WHY}; Student-t"))
    # ---- A2: growth of a decorrelating perturbation, both sides of the exact threshold
    eta_avg = 0.01
    growth = {}
    for side, factor in (("below", 0.8), ("above", 1.25)):
        W, norms, Q, g, th = network_setup(factor, **net)
        meas, sysg, why = growth_with_bias(_network_growth_run(W, Q, norms, eta_avg, hn), 1e-7)
        gam = lam1 * g["a_e"] * (1 + P["n_e"] * g["a_e"]) / P["w_ee"]
        pred = float(np.log((1 + eta_avg * lam2) / (1 + eta_avg * gam)))
        growth[side] = (factor * th["exact"], g["mu_e"], meas / eta_avg)
        comps.append(compare(f"log_growth_per_step_{side}", pred, meas, None, systematic=sysg, why=why,
                             note="linearized averaged map (perturbation 1e-7); W_EI = "
                                  f"{factor:g} W_EI*, W_EI* = {th['exact']:.4f}"))
        comps.append(compare_exact(f"decorrelating_{side}", factor > 1, bool(meas > 0),
                                   note=f"exact threshold W_EI* = {th['exact']:.4f}"))
        comps.append(compare_exact(f"paper_condition_decorrelating_{side}", bool(g["paper"] > 0), bool(meas > 0),
                                   note=f"SM Eq. 211 (beta ~ 0): lambda_2 - lambdabar* = {g['paper']:.4f}; "
                                        f"paper threshold W_EI = {th['paper']:.4f}"))
    # ---- A3: E receptive-field correlation after online learning, both sides of the threshold
    rf = {}
    for side, factor in (("below", 0.8), ("above", 1.25)):
        W, norms, Q, g, th = network_setup(factor, **net)
        n_on = int(2.0 / (eta_net * abs(g["mu_e"])))      # the perturbation grows/decays by e^2
        vals, start = [], []
        for i in range(n_seeds):
            W2 = {k: v.copy() for k, v in W.items()}
            W2["EF"] = W2["EF"] + 0.01 * np.random.default_rng(seeds[2 * n_seeds + i]).uniform(0, 1, W2["EF"].shape)
            start.append(1 - hn.rf_cosine(W2["EF"]))
            fin, _ = hn.stochastic_network(W2, Q, eta_net, n_on, norms=norms, seed=seeds[2 * n_seeds + i])
            vals.append(1 - hn.rf_cosine(fin["EF"]))
        ratio = np.asarray(vals) / np.asarray(start)
        rf[side] = mean_sem(vals) + (float(np.mean(start)),)
        rf[side + "_ratio_range"] = (float(ratio.min()), float(ratio.max()))
    # the sign of the change is the prediction, seed by seed (each seed's end against its own start)
    lo, hi = rf["below_ratio_range"]
    comps.append(compare_exact("rf_dissimilarity_shrinks_below", True, bool(hi < 1),
                               note=f"1 - cos, end/start per seed in [{lo:.3g}, {hi:.3g}] (every seed below 1); "
                                    f"mean start {rf['below'][2]:.2e} -> {rf['below'][0]:.2e}"))
    lo, hi = rf["above_ratio_range"]
    comps.append(compare_exact("rf_dissimilarity_grows_above", True, bool(lo > 1),
                               note=f"1 - cos, end/start per seed in [{lo:.3g}, {hi:.3g}] (every seed above 1; "
                                    f"linear theory: x e^4 for the decorrelating mode); mean start "
                                    f"{rf['above'][2]:.2e} -> {rf['above'][0]:.2e}"))
    info.update(rf_dissimilarity_below=rf["below"], rf_dissimilarity_above=rf["above"], growth=growth,
                rf_end_over_start_below=rf["below_ratio_range"], rf_end_over_start_above=rf["above_ratio_range"])
    # ---- A4: the model's own W_EI: the growth of a decorrelating perturbation has the predicted sign
    g_m = hb.collapse_growth_rates(P["n_e"], P["n_i"], P["w_ee"], w_ei, P["w_ie"], P["w_ii"], lam1, lam2)
    W_m, a_em, _ = hb.collapsed_state(P["n_e"], P["n_i"], P["n_f"], P["w_ee"], w_ei, P["w_ie"], P["w_ii"])
    Q_m = hb.independent_channels(np.r_[lam1, np.full(P["n_f"] - 1, lam2)])
    norms_m = dict(EE=P["w_ee"], EI=w_ei, IE=P["w_ie"], II=P["w_ii"])
    meas, sysg, why = growth_with_bias(_network_growth_run(W_m, Q_m, norms_m, eta_avg, hn), 1e-7)
    gam = lam1 * a_em * (1 + P["n_e"] * a_em) / P["w_ee"]
    pred = float(np.log((1 + eta_avg * lam2) / (1 + eta_avg * gam)))
    comps.append(compare("log_growth_per_step_model_w_ei", pred, meas, None, systematic=sysg, why=why,
                         note=f"linearized averaged map (perturbation 1e-7) at the model's W_EI = {w_ei:g}"))
    comps.append(compare_exact("decorrelating_model_w_ei", bool(g_m["mu_e"] > 0), bool(meas > 0),
                               note=f"exact threshold W_EI* = {th['exact']:.4f}, model W_EI = {w_ei:g}"))

    # ---- B: reduced model (receptive field = principal eigenvector; co-tuned inhibition)
    n_red = int((8 if quick else 15) / eta)
    mean, cov, Qr = hb.block_correlation(n_per_group, a, b, s)
    m_in = 2 * n_per_group
    e1, lam = hb.principal_eigenvector(Qr)
    if np.min(e1) <= 0:
        raise checks.ParameterError("a", a, "> 0 (a positive principal eigenvector of Q for Dale-conform fields)",
                                    "the principal eigenvector of Q must be positive (a > 0 needed) for Dale-conform fields")
    why_r = ("extrapolated to eta -> 0 from runs at eta and 2 eta (weights 2, -1): cancels the O(eta) bias of "
             "constant-step online learning (stationary fluctuations of size sqrt(eta) bias the mean at second "
             "order); next term O(eta^2)")
    W0 = gen0.uniform(0.5, 1.5, (1, m_in))
    c = hb.make_circuit(W0)
    tot = np.linalg.norm(W0)
    learned = {r: np.array([hb.stochastic(c, mean, cov, r * eta, int(n_red / r), ("ex",),
                                          seed=(seeds[n_seeds + i] if r == 1 else seeds_x[1][i]))[1].W_ex[0]
                            for i in range(n_seeds)]) for r in (1, 2)}
    pred = tot * e1
    for gname, sl in (("a", slice(0, n_per_group)), ("b", slice(n_per_group, m_in))):
        ms = [mean_sem(learned[r][:, sl].mean(1)) for r in (1, 2)]
        m0, se0, _ = step_extrapolation([eta, 2 * eta], [m for m, _ in ms], [e for _, e in ms], (1.0,))
        comps.append(compare(f"reduced_rf_weight_group_{gname}", pred[sl].mean(), m0, se0, dof=n_seeds - 1,
                             stderr_parts={"simulation": se0},
                             note=f"{n_seeds} seeds per rate; at eta = {eta:g}: {ms[0][0]:.4g}; {why_r}; Student-t"))
    learned = learned[1]
    # ---- B3: decorrelation of two E fields under global inhibition beta (averaged map, both E
    # fields started at the principal eigenvector +- 1e-7 of the second one)
    e2 = np.linalg.eigh(Qr)[1][:, -2]
    bstar = hb.decorrelation_threshold(Qr)
    run_b, st_b = _reduced_growth_run(beta, e1, e2, Qr, hb)
    if run_b(1e-7)[2] >= 10:
        gb, sysb, whyb = growth_with_bias(run_b, 1e-7)
    else:
        gb, sysb, whyb = float("nan"), 0.0, ""
    n_lin = st_b["n_lin"]
    g_pred = float(np.log(hb.antisymmetric_growth_per_step(Qr, beta, 0.01)))
    c_g = compare("reduced_log_growth_per_step_beta", g_pred, gb, None, systematic=sysb, why=whyb,
                  note=f"beta = {beta:g}, beta* = {bstar:.4f}; averaged map, eta = 0.01, {n_lin} linear steps")
    c_d = compare_exact("reduced_decorrelated_beta", bool(beta > bstar), bool(gb > 0),
                        note=f"decorrelation iff beta > beta* = {bstar:.4f}")
    if n_lin < 10:
        for c in (c_g, c_d):
            c.not_applicable("the perturbation left the linear range (1e-4) within 15 steps: growth too fast to fit")
    comps += [c_g, c_d]
    la, a_star = None, None
    if n_per_group == 4:
        w, V, a0 = cotuning_setup()
        a_star, _ = hb.cotuning_weights(w, V, Qr, 1.0, "l1")
        c = hb.make_circuit(w[None, :], V, W_ei=a0)
        las = {r: np.array([hb.stochastic(c, mean, cov, r * eta, int(n_red / r), ("ei",), norm="l1",
                                          seed=(seeds[3 * n_seeds + i] if r == 1 else seeds_x[2][i]))[1].W_ei[0]
                            for i in range(n_seeds)]) for r in (1, 2)}
        la = las[1]
        for j, lab in enumerate(("a", "b", "mixed", "uniform")):
            ms = [mean_sem(las[r][:, j]) for r in (1, 2)]
            m0, se0, _ = step_extrapolation([eta, 2 * eta], [m for m, _ in ms], [e for _, e in ms], (1.0,))
            comps.append(compare(f"reduced_inhibitory_weight_from_i_{lab}", a_star[j], m0, se0, dof=n_seeds - 1,
                                 stderr_parts={"simulation": se0},
                                 note=f"{n_seeds} seeds per rate; at eta = {eta:g}: {ms[0][0]:.4g}; {why_r}; "
                                      "Student-t"))
    else:
        info["reduced_cotuning"] = "not run: the co-tuning set-up has 2 groups of 4 channels (n_per_group = 4)"
    figs["learned_weights"] = _figure(runs, network_setup(0.8, **net)[0], growth, rf, learned, pred, la, a_star, net)
    cfg = dict(net, w_ei=float(w_ei), a=float(a), b=float(b), s=float(s), n_per_group=int(n_per_group),
               beta=float(beta), n_seeds=int(n_seeds), eta=float(eta))
    return ValidationResult("hebbian-ei", backend, comps, figures=figs, info=info, config=cfg)


def _figure(runs, Wp, growth, rf, learned, pred, la, a_star, P=NETWORK):
    import matplotlib.pyplot as plt
    from recnet.numerics import hebbian_ei as hb
    fig, ax = plt.subplots(1, 4, figsize=(14, 3.2))
    keys = ("EF", "EE", "EI", "IF", "IE", "II")
    pv = [Wp["EF"][0, 0], Wp["EE"][0, 0], Wp["EI"][0, 0], Wp["IF"][0, 0], Wp["IE"][0, 0], Wp["II"][0, 0]]
    mv = np.array([[r[k][:, 0].mean() if k in ("EF", "IF") else r[k].mean() for k in keys] for r in runs])
    x = np.arange(6)
    ax[0].bar(x - 0.2, pv, 0.4, color="0.7", label="theory (SM Eqs. 132, 146)")
    ax[0].errorbar(x + 0.2, mv.mean(0), mv.std(0, ddof=1) / np.sqrt(len(mv)), fmt="ko", ms=3, label="online learning")
    ax[0].set_xticks(x, ["EF(mode)", "EE", "EI", "IF(mode)", "IE", "II"], fontsize=7)
    ax[0].set_ylabel("weight")
    ax[0].set_title("eigencircuit fixed point", fontsize=9)
    ax[0].legend(fontsize=6)
    th = hb.decorrelation_thresholds(P["n_e"], P["n_i"], P["w_ee"], P["w_ie"], P["w_ii"], P["lam1"], P["lam2"])
    wei = np.linspace(0.5, 1.5, 60) * th["exact"]
    mu = [hb.collapse_growth_rates(P["n_e"], P["n_i"], P["w_ee"], v, P["w_ie"], P["w_ii"], P["lam1"], P["lam2"])["mu_e"]
          for v in wei]
    ax[1].plot(wei, mu, "k-", label="theory mu_E")
    ax[1].plot([g[0] for g in growth.values()], [g[2] for g in growth.values()], "o", label="averaged learning")
    ax[1].axhline(0, color="0.6", lw=0.8)
    ax[1].axvline(th["exact"], color="C3", ls="--", label="W_EI* exact")
    ax[1].axvline(th["paper"], color="C2", ls=":", label="W_EI (paper, beta~0)")
    ax[1].set_xlabel("W_EI (I->E norm)")
    ax[1].set_ylabel("growth rate / eta (Hz^2)")
    ax[1].set_title("decorrelation threshold", fontsize=9)
    ax[1].legend(fontsize=6)
    ax[2].bar([0, 1], [rf["below"][2], rf["above"][2]], 0.35, color="0.7", label="start")
    ax[2].bar([0.4, 1.4], [rf["below"][0], rf["above"][0]], 0.35, yerr=[rf["below"][1], rf["above"][1]],
              color=["C0", "C3"], label="after online learning")
    ax[2].set_xticks([0.2, 1.2], ["0.8 W_EI*", "1.25 W_EI*"])
    ax[2].set_yscale("log")
    ax[2].legend(fontsize=6)
    ax[2].set_ylabel("1 - RF cosine (E neurons)")
    ax[2].set_title("receptive-field decorrelation", fontsize=9)
    ax[3].plot(np.arange(pred.size), pred, "k-", label="theory |w| e1")
    ax[3].errorbar(np.arange(pred.size), learned.mean(0), learned.std(0), fmt="o", ms=3, label="learned")
    ax[3].set_xlabel("input channel")
    ax[3].set_ylabel("weight")
    ax[3].set_title("reduced model: receptive field = PCA", fontsize=9)
    ax[3].legend(fontsize=6)
    fig.tight_layout()
    return fig
