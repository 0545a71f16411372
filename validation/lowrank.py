"""Rank-one plus random rate networks: mean-field theory against direct simulations.

Network: dx/dt = -x + (g chi + m n^T / N) tanh(x), chi_ij ~ N(0, 1/N), m_i = M_m (Sigma_m = 0),
n_i ~ N(M_n, 1) (Sigma_n = 1, Sigma_mn = 0), so the structure strength is M_m M_n (Mastrogiuseppe &
Ostojic 2018, Neuron 99:609).  Time in units of the single-unit time constant.

Checks
------
1. The non-zero overlap kappa of heterogeneous static states (g = 0.5) and of a heterogeneous
   chaotic state (g = 2), and the temporal variance Delta_0 - Delta_inf of the chaotic state.
2. The pitchfork (homogeneous -> heterogeneous) at g = 0.5: the theory puts it at M_m M_n = 1.
   The simulated kappa^2 at three strengths above it is fitted by a straight line whose root
   estimates the bifurcation; the same estimator applied to the theory's kappa^2 gives the
   predicted value (so the curvature of kappa^2 is no systematic error).  Below the bifurcation
   (M_m M_n = 0.8) kappa must vanish within its finite-size error.
3. The chaos onset of the heterogeneous state at M_m M_n = 2: theory g* from g^2<[phi'^2]> = 1;
   simulations below and above g* must be static (temporal variance < 1e-4) and chaotic.

Estimates are means over network realisations with their standard errors (each realisation is an
independent draw of chi, n, and the initial state).
"""
from __future__ import annotations

import math
import time

import numpy as np

from recnet import checks
from recnet.validation.compare import ValidationResult, compare, compare_exact
from recnet.validation.stats import mean_sem

__all__ = ["simulate_rank_one", "validate"]

STATIC_TVAR = 1e-4  # temporal variance below which a simulated state counts as static


def simulate_rank_one(n, g, m_mean, n_mean, m_std=0.0, n_std=1.0, phi="tanh", t_sim=60.0, t_burn=30.0,
                      dt=0.1, seed=None, kappa_sign=1.0):
    """One realisation: kappa (time average), its temporal fluctuation, Delta_0, temporal variance.

    Parameters
    ----------
    n : int
        network size N.
    g, m_mean, n_mean, m_std, n_std : float
        random strength and statistics of the structure vectors (m, n independent).
    phi : str
        transfer function.
    t_sim, t_burn : float
        total simulated time and the transient discarded (units of tau).
    dt : float
        RK4 step (units of tau).
    seed : int or Generator
    kappa_sign : float
        the initial state is x0 = kappa_sign * 2 m + N(0, 1) noise, which selects the +kappa branch.

    Returns
    -------
    dict with kappa (time average of |kappa(t)|), kappa_signed, delta0 (variance over units and
    time around the instantaneous population mean), temporal_var (mean over units of the temporal
    variance of x_i(t) - mu(t)), mean_x.
    """
    from recnet.numerics import rate_network as rn
    n = checks.integer("n", n, minimum=10)
    r = checks.rng(seed)
    J = rn.gaussian_coupling(n, g, seed=r)
    m = m_mean + m_std * r.standard_normal(n)
    xi = r.standard_normal(n)
    # centre the sample: the realised structure strength m.n/N then equals M_m M_n exactly, which
    # removes the O(N^-1/2) realisation-to-realisation spread of the effective strength
    nv = n_mean + n_std * (xi - xi.mean())
    J += np.outer(m, nv) / n
    x0 = kappa_sign * 2.0 * m + r.standard_normal(n)
    res = rn.simulate(J, phi=phi, t_sim=t_sim, dt=dt, x0=x0, record_dt=0.5, seed=r)
    keep = res["t"] >= t_burn
    X = res["x"][keep]
    from recnet.numerics.gaussian import transfer
    tr = transfer(phi)
    Phi = tr(X)
    kap_t = Phi @ nv / n
    mu_t = X.mean(axis=1)
    # a finite network in a heterogeneous chaotic state can hop between the +kappa and -kappa
    # states; the mean-field state is one of them, so measure |kappa(t)| and the fluctuations
    # around the instantaneous population mean (both unchanged by a symmetric hop)
    Xc = X - mu_t[:, None]
    return {"kappa": float(np.mean(np.abs(kap_t))), "kappa_signed": float(kap_t.mean()),
            "kappa_t_std": float(kap_t.std()),
            "delta0": float(np.mean(Xc ** 2)),
            "temporal_var": float(np.mean(Xc.var(axis=0))), "mean_x": float(mu_t.mean())}


def _many(reps, seed, **kw):
    ss = np.random.SeedSequence(seed)
    return [simulate_rank_one(seed=np.random.default_rng(s), **kw) for s in ss.spawn(reps)]


def validate(quick=False, seed=12345, phi="tanh", n=None, realisations=None, progress=None):
    """Compare the low-rank mean-field theory with rate-network simulations (see module docstring).

    Parameters
    ----------
    quick : bool
        N = 600, 3 realisations, shorter runs, instead of N = ``n`` (default 1000) and
        ``realisations`` (default 3).
    seed : int
    phi : str
        transfer function (odd, so that the homogeneous state kappa = 0 exists).

    Returns
    -------
    ValidationResult
    """
    from recnet.numerics import dmft_lowrank as L
    from recnet.numerics.gaussian import transfer
    t_start = time.perf_counter()
    tr = transfer(phi)
    if quick:
        n_units, reps, t_static, t_chaos = 600, 3, 40.0, 80.0
    else:
        n_units = 1000 if n is None else checks.integer("n", n, minimum=100)
        reps = 3 if realisations is None else checks.integer("realisations", realisations, minimum=2)
        t_static, t_chaos = 50.0, 100.0
    if quick and n is not None:
        n_units = min(checks.integer("n", n, minimum=100), 600)
    comps, info = [], {"n": n_units, "realisations": reps, "phi": str(phi)}
    fs_tol = 36.0 / n_units  # finite-size bias of kappa, measured at M_m M_n = 1.1...1.6, g = 0.5
    m_mean, n_std = 1.0, 1.0

    def theory(g, strength):
        sols = L.solve(g=g, phi=tr, m_mean=m_mean, n_mean=strength, m_std=0.0, n_std=n_std,
                       chaotic=g > 1.0 / max(abs(tr.f(1, 0.0)), 1e-12))
        st = [s for s in sols if s["stable"] and s["kappa"] > 1e-9]
        return max(st, key=lambda s: s["kappa"]) if st else None

    # 1 + 2: pitchfork at g = 0.5
    g_s = 0.5
    pf, kind, _ = L.pitchfork_strength(g_s, tr)
    strengths = [1.2, 1.4, 1.6]
    k2_sim, k2_se, k2_th = [], [], []
    sims_static = {}
    for i, s in enumerate(strengths + [2.0]):
        runs = _many(reps, seed + 11 * i, n=n_units, g=g_s, m_mean=m_mean, n_mean=s, n_std=n_std, phi=tr,
                     t_sim=t_static, t_burn=t_static / 2)
        ks = np.array([abs(rr["kappa"]) for rr in runs])
        sims_static[s] = ks
        th = theory(g_s, s)
        kt = th["kappa"] if th else 0.0
        km, kse = mean_sem(ks)
        if s in (1.4, 2.0):
            # finite-size error: the kappa of one realisation fluctuates with the quenched draw
            # (O(N^-1/2)); its spread over realisations is the stated error
            comps.append(compare(f"kappa_g{g_s:g}_strength{s:g}", kt, km, kse, n_sigma=3, rel_tol=fs_tol,
                                 note="heterogeneous static state; stderr over realisations; rel_tol = "
                                      "36/N: finite-size bias measured (-6% at N=600, -0.6% at N=2000)"))
        if s in strengths:
            k2 = ks ** 2
            k2_sim.append(k2.mean())
            k2_se.append(k2.std(ddof=1) / math.sqrt(k2.size))
            k2_th.append(kt ** 2)
    A = np.vstack([np.ones(len(strengths)), strengths]).T
    # weighted least squares for kappa^2 = a + b s; root s_c = -a / b, error by propagation
    wts = 1.0 / np.maximum(np.array(k2_se), 1e-12) ** 2
    Wm = np.diag(wts)
    cov = np.linalg.inv(A.T @ Wm @ A)
    coef = cov @ A.T @ Wm @ np.array(k2_sim)
    a, b = coef
    sc_sim = -a / b
    grad = np.array([-1.0 / b, a / b ** 2])
    sc_se = math.sqrt(max(grad @ cov @ grad, 0.0))
    coef_th = cov @ A.T @ Wm @ np.array(k2_th)  # the same weighted estimator on the theory curve
    sc_fit_th = -coef_th[0] / coef_th[1]
    comps.append(compare(f"pitchfork_strength_g{g_s:g}", sc_fit_th, sc_sim, sc_se, n_sigma=3,
                         note=f"root of a line through kappa^2 at strengths {strengths}; exact theory "
                              f"value {pf:.6g}, the same fit to the theory curve gives the prediction"))
    below = _many(reps, seed + 101, n=n_units, g=g_s, m_mean=m_mean, n_mean=0.8, n_std=n_std, phi=tr,
                  t_sim=t_static, t_burn=t_static / 2)
    kb = np.array([abs(rr["kappa"]) for rr in below])
    kbm, kbse = mean_sem(kb)
    # below the bifurcation the state relaxes to x = 0 exactly; kappa must vanish
    comps.append(compare(f"kappa_g{g_s:g}_strength0.8", 0.0, kbm, kbse, n_sigma=3, abs_tol=1e-3,
                         note="homogeneous state below the pitchfork; abs_tol for incomplete relaxation"))

    # 3: chaos onset of the heterogeneous state at strength 2
    strength_c = 3.0
    g_star = L.chaos_onset_g(phi=tr, m_mean=m_mean, n_mean=strength_c, m_std=0.0, n_std=n_std, mn_corr=0.0)
    info["chaos_onset_g_theory"] = g_star
    states = {}
    tvars = {}
    for j, (lab, gg) in enumerate((("below", g_star - 0.3), ("above", g_star + 0.2))):
        runs = _many(reps, seed + 1000 + j, n=n_units, g=gg, m_mean=m_mean, n_mean=strength_c, n_std=n_std,
                     phi=tr, t_sim=t_chaos, t_burn=t_chaos / 3)
        tv = np.array([rr["temporal_var"] for rr in runs])
        tvars[lab] = (gg, tv)
        states[lab] = "chaotic" if np.median(tv) > STATIC_TVAR else "static"
        sol = L.solve(g=gg, phi=tr, m_mean=m_mean, n_mean=strength_c, m_std=0.0, n_std=n_std)
        st = [s for s in sol if s["stable"] and s["kappa"] >= 0]
        pred = max(st, key=lambda s: s["kappa"]) if st else None
        comps.append(compare_exact(f"state_g{gg:.3g}_strength{strength_c:g}",
                                   pred["kind"] if pred else "none", states[lab],
                                   note=f"{lab} the predicted chaos onset g* = {g_star:.4g}"))
        if lab == "above" and pred is not None and pred["kind"] == "chaotic":
            km, kse = mean_sem([abs(rr["kappa"]) for rr in runs])
            comps.append(compare(f"kappa_g{gg:.3g}_strength{strength_c:g}", pred["kappa"], km, kse, n_sigma=3,
                                 rel_tol=fs_tol, note="heterogeneous chaotic state; rel_tol = 36/N "
                                 "finite-size bias as for the static states"))
            tm, tse = mean_sem(tv)
            comps.append(compare(f"temporal_variance_g{gg:.3g}_strength{strength_c:g}",
                                 pred["delta0"] - pred["delta_inf"], tm, tse, n_sigma=3, rel_tol=0.05,
                                 note="Delta_0 - Delta_inf; rel_tol: finite-N and finite-time bias"))
    info["wall_time_theory_and_sim_s"] = round(time.perf_counter() - t_start, 2)
    figs = {}
    try:
        figs["bifurcation"] = _figure(L, tr, g_s, sims_static, strengths + [2.0], kb, g_star, tvars,
                                      m_mean, n_std, strength_c)
    except Exception as exc:  # a figure failure must not hide the comparisons
        info["figure_error"] = f"{type(exc).__name__}: {exc}"
    return ValidationResult("lowrank", "numba", comps, figs, info)


def _figure(L, tr, g_s, sims, strengths, kb, g_star, tvars, m_mean, n_std, strength_c):
    import matplotlib
    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(1, 2, figsize=(10, 4))
    ss = np.linspace(0.6, 2.2, 17)
    kth = []
    for s in ss:
        sol = [x for x in L.solve(g=g_s, phi=tr, m_mean=m_mean, n_mean=s, m_std=0.0, n_std=n_std, chaotic=False)
               if x["stable"] and x["kappa"] >= 0]
        kth.append(max(x["kappa"] for x in sol) if sol else np.nan)
    ax[0].plot(ss, kth, "k-", label=f"theory, g = {g_s:g}")
    xs = [0.8] + list(strengths)
    ys = [np.mean(kb)] + [np.mean(sims[s]) for s in strengths]
    es = [np.std(kb, ddof=1) / math.sqrt(kb.size)] + [np.std(sims[s], ddof=1) / math.sqrt(sims[s].size)
                                                     for s in strengths]
    ax[0].errorbar(xs, ys, es, fmt="o", color="C1", label="simulation")
    ax[0].set_xlabel("structure strength M_m M_n")
    ax[0].set_ylabel("|kappa|")
    ax[0].legend()
    gg = np.linspace(max(0.05, g_star - 0.6), g_star + 0.6, 7)
    tv = []
    for g in gg:
        sol = [x for x in L.solve(g=g, phi=tr, m_mean=m_mean, n_mean=strength_c, m_std=0.0, n_std=n_std)
               if x["stable"] and x["kappa"] >= 0]
        best = max(sol, key=lambda x: x["kappa"]) if sol else None
        tv.append(best["delta0"] - best["delta_inf"] if best else np.nan)
    ax[1].plot(gg, tv, "k-", label="theory")
    ax[1].axvline(g_star, color="0.5", ls=":", label="predicted chaos onset")
    for lab, (g, v) in tvars.items():
        ax[1].errorbar([g], [v.mean()], [v.std(ddof=1) / math.sqrt(v.size)], fmt="o", color="C1")
    ax[1].set_xlabel("random strength g")
    ax[1].set_ylabel("temporal variance Delta_0 - Delta_inf")
    ax[1].set_title(f"M_m M_n = {strength_c:g}")
    ax[1].legend()
    fig.tight_layout()
    return fig
