"""Validation of the Lyapunov-spectrum engines against closed forms, DMFT and NEST.

Rate networks: sum rule, sub-critical circular-law spectrum (KS test), size invariance of the
spectrum against i/N (Engelken, Wolf, Abbott 2023), lambda_1 against DMFT with a finite-size
extrapolation, twin-trajectory lambda_1, chaos suppression by input.  Theta networks: finite
spectrum, the time-shift zero exponent, extensivity, entropy per spike and its K dependence
(Monteforte & Wolf 2010).  LIF networks: negative spectrum and spike trains identical to NEST's
precise-spike-time ``iaf_psc_delta_ps`` on the same network and input (NEST driven directly through
its Python module, not through PyNN: the precise model and array connections are simplest there).
"""
from __future__ import annotations

import math
import time

import numpy as np

from recnet import checks
from recnet.validation.compare import ValidationResult, compare, compare_exact

__all__ = ["validate", "validate_rate", "validate_theta", "validate_lif", "compare_lif_with_nest",
           "lambda1_vs_size"]


# ------------------------------------------------------------------------------------ helpers
def _fig():
    import matplotlib
    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt
    return plt


def lambda1_vs_size(sizes, g=2.0, dt=0.1, t_sim=200.0, t_warm=50.0, seed=0):
    """lambda_1 (QR, m = 1, and twin trajectory) for each N; weighted fit lambda_1 = l_inf + a/N.

    Returns dict with per-size arrays and the extrapolation ``lambda_inf`` with its stderr.
    """
    from recnet.numerics.lyapunov import rate as R
    rng = checks.rng(seed)
    lam, se, tw, tw_se = [], [], [], []
    for n in sizes:
        J = R.random_coupling(n, g, seed=rng)
        r = R.spectrum(J, 1, dt=dt, t_sim=t_sim, t_warm=t_warm, t_warm_q=10.0, t_ons=1.0, seed=rng)
        lam.append(r.exponents[0]); se.append(r.stderr[0])
        tw.append(r.lambda1_twin); tw_se.append(r.lambda1_twin_stderr)
    lam, se = np.array(lam), np.array(se)
    x = 1.0 / np.asarray(sizes, float)
    out = {"sizes": np.asarray(sizes), "lambda1": lam, "stderr": se, "twin": np.array(tw),
           "twin_stderr": np.array(tw_se)}
    if len(sizes) >= 3:
        w = 1.0 / se**2
        A = np.vstack([np.ones_like(x), x]).T
        cov = np.linalg.inv(A.T @ (A * w[:, None]))
        coef = cov @ (A.T @ (w * lam))
        out.update(lambda_inf=float(coef[0]), lambda_inf_stderr=float(math.sqrt(cov[0, 0])),
                   slope=float(coef[1]))
    return out


def lambda1_step_bias(n, g=2.0, dt=0.1, t_sim=100.0, t_warm=50.0, n_pairs=4, seed=0):
    r"""Step-size bias of the Euler-map lambda_1 against the flow's, from paired runs.

    The Euler map x <- x + dt(-x + J tanh x) has lambda_1(dt) = lambda_flow + b dt + O(dt^2).  For
    ``n_pairs`` networks (same J, same initial state and tangent vector) lambda_1 is computed at
    dt and dt/2; b dt = 2 (lambda_1(dt) - lambda_1(dt/2)).  Returns (mean of b dt, its standard
    error over pairs, the per-pair values).
    """
    from recnet.numerics.lyapunov import rate as R
    from recnet.validation.stats import mean_sem

    rng = checks.rng(seed)
    vals = []
    for _ in range(checks.integer("n_pairs", n_pairs, minimum=2)):
        J = R.random_coupling(n, g, seed=rng)
        s = int(rng.integers(0, 2 ** 31 - 1))
        lam = [R.spectrum(J, 1, dt=h, t_sim=t_sim, t_warm=t_warm, t_warm_q=10.0, t_ons=1.0, seed=s,
                          twin=False).exponents[0] for h in (dt, dt / 2)]
        vals.append(2.0 * (lam[0] - lam[1]))
    m, se = mean_sem(vals)
    return m, se, vals


def _dmft_lambda_max(g):
    from recnet.numerics.dmft import stationary as dmft
    from recnet.numerics.lyapunov.rate import _dmft_lambda_max
    return _dmft_lambda_max(dmft.solve_stationary(g, phi="tanh", j0=0.0))


# --------------------------------------------------------------------------------------- rate
#: why the N vs N/2 rows (size invariance, extensivity) are reported but do not decide the verdict
FINITE_SIZE_WHY = ("reported, not decided: at N and N/2 the O(1/N) finite-size term of an intensive quantity has "
                   "an unknown coefficient (two sizes cannot both fit it and test), and a stated allowance would "
                   "be a guess; the formerly stated 'slope/N' and '20/N' allowances were removed (issue 14)")


def validate_rate(quick=False, seed=12345, n=None, g=2.0, m=None, t_sim=None, dt=0.1, drive_amp=0.0,
                  sizes=None, comparisons=None, figures=None, info=None):
    """Rate-network comparisons (see module docstring); appends to the given lists/dicts."""
    import scipy.stats
    from recnet.numerics.lyapunov import rate as R
    rng = checks.rng(seed)
    comps = [] if comparisons is None else comparisons
    figs = {} if figures is None else figures
    info = {} if info is None else info
    g = 2.0 if g is None else checks.positive("g", g)
    dt = 0.1 if dt is None else checks.in_range("dt", dt, 0.0, 1.0, low_inclusive=False, high_inclusive=False,
                                                 unit="tau")
    drive_amp = 0.0 if drive_amp is None else checks.nonnegative("drive_amp", drive_amp)
    n = checks.integer("n", n, minimum=4) if n is not None else (200 if quick else 300)  # g = 2: N < ~150 often not chaotic
    t_full = checks.positive("t_sim", t_sim, "tau") if t_sim is not None else (40.0 if quick else 100.0)
    if m is not None:
        from recnet.numerics.lyapunov.common import check_m
        check_m(m, n)
    dt_full = dt / 2
    timing = info.setdefault("_timing", {})
    plt = _fig()

    # 1. full spectra at N and N/2 (exp-Euler: its sum rule's leading term is the flow's -N exactly)
    spectra = {}
    for nn in (n // 2, n):
        J = R.random_coupling(nn, g, seed=rng)
        mm = None if m is None or nn < n else m
        spectra[nn] = R.spectrum(J, mm, dt=dt_full, t_sim=t_full,
                                 t_warm=20.0, t_warm_q=5.0, integrator="exp_euler", seed=rng,
                                 drive_amp=drive_amp, logdet=nn == n and (mm is None or mm == n))
    big, small = spectra[n], spectra[n // 2]
    if big.m == n:
        # Liouville on the same trajectory with the same kernel: exact identity up to round-off
        lead = R.sum_rule(n, dt_full, integrator="exp_euler")
        comps.append(compare(f"sum_of_exponents_n{n}_per_tau", big.logdet_rate, big.exponents.sum(), None,
                             systematic=big.logdet_roundoff_bound,
                             why="round-off bound from the operation counts of the tangent steps, QRs, LUs and "
                                 "sums (numerics.lyapunov.rate.sum_rule_roundoff_bound, largest frame condition "
                                 f"{big.frame_condition_max:.3g})",
                             note=f"sum rule: sum of exponents = <ln|det D_t|>/dt along the same trajectory "
                                  f"(leading order N ln(a)/dt = {lead:.6g}: -N/tau plus O(dt g^2))"))
        info["rate_sum_rule_leading_order_per_tau"] = lead
    comps.append(compare("lambda1_twin_minus_qr_per_tau", 0.0, big.lambda1_twin - big.exponents[0],
                         big.stderr[0] + big.lambda1_twin_stderr, n_sigma=1.96,
                         note="twin-trajectory and QR lambda_1: 95% bootstrap CIs overlap"))
    # size invariance of the spectrum against i/N (Engelken et al. 2023): lambda at fixed i/N for N/2
    # and N; allowance: one grid cell of the smaller spectrum times the local slope
    if big.m == n:
        for xq in (0.25, 0.5, 0.75):
            vals, ses, slope = [], [], 0.0
            for r in (small, big):
                x = (np.arange(r.n) + 0.5) / r.n
                vals.append(float(np.interp(xq, x, r.exponents)))
                i = int(np.clip(round(xq * r.n), 1, r.n - 2))
                ses.append(float(r.stderr[i]))
                slope = max(slope, abs(r.exponents[i + 1] - r.exponents[i - 1]) / (2.0 / r.n))
            c = compare(f"lambda_at_i_over_n_{xq:g}_n{n}_vs_n{n // 2}_per_tau".replace(".", "p"),
                        vals[0], vals[1], math.hypot(*ses),
                        note=f"size invariance of lambda(i/N) (midpoint grid (i + 1/2)/N); local slope {slope:.3g}")
            comps.append(c.not_applicable(FINITE_SIZE_WHY))
    # H/N and D_KY/N are reported, not compared: at g = 2 they still drift with N below N ~ 1000
    # (lambda_1 itself rises from 0.06 at N = 250 to 0.10 at N = 2000), a finite-size effect
    for nn, r in spectra.items():
        if r.m == nn:
            info[f"rate_entropy_rate_per_neuron_n{nn}"] = r.entropy_rate / nn
            info[f"rate_ky_dimension_per_neuron_n{nn}"] = r.ky_dimension / nn
    fig, ax = plt.subplots(figsize=(5, 3.5))
    for nn, r in spectra.items():
        x = (np.arange(r.m) + 0.5) / nn
        ax.plot(x, r.exponents, ".", ms=3, label=f"N = {nn}")
    ax.axhline(0, color="0.6", lw=0.5)
    ax.set_xlabel("i / N"); ax.set_ylabel(r"$\lambda_i$ (1/$\tau$)")
    ax.set_title(f"rate network, g = {g:g}"); ax.legend()
    figs["rate_spectrum_size_invariance"] = fig
    info.update(rate_n=n, rate_g=g, rate_m=big.m, rate_dt_tau=dt, rate_full_spectra_dt_tau=dt_full,
                rate_drive_amp=drive_amp, rate_t_sim_tau=t_full, rate_lambda1=float(big.exponents[0]),
                rate_entropy_rate_per_tau=big.entropy_rate, rate_ky_dimension=big.ky_dimension,
                rate_t_ons_tau=big.t_ons)

    # 2. lambda_1 against DMFT, finite-size extrapolation
    if isinstance(sizes, str):
        try:
            sizes = [int(s) for s in sizes.split(",") if s.strip()]
        except ValueError:
            raise checks.ParameterError("sizes", sizes, "a comma-separated list of integers, e.g. 100,200,400") from None
    sizes = [checks.integer("sizes", s, minimum=10) for s in sizes] if sizes else (
        [100, 200, 400] if quick else [250, 500, 1000, 2000])
    info["rate_sizes"] = list(sizes)
    t1 = 100.0 if quick else 200.0
    t0 = time.perf_counter()
    l1 = lambda1_vs_size(sizes, g=g, dt=dt, t_sim=t1, seed=rng)
    timing["rate_lambda1_sizes_wall_s"] = round(time.perf_counter() - t0, 1)
    info.update(rate_lambda1_sizes=l1["sizes"], rate_lambda1_by_size=l1["lambda1"],
                rate_lambda1_stderr_by_size=l1["stderr"])
    try:
        t0 = time.perf_counter()
        lmax = _dmft_lambda_max(g)
        timing["dmft_wall_s"] = round(time.perf_counter() - t0, 1)
    except Exception as exc:  # the DMFT solver lives in another slice; report, do not hide
        lmax = None
        info["dmft_error"] = f"{type(exc).__name__}: {exc}"
    # DMFT is for the flow; the Euler map at dt shifts lambda_1 by b dt, measured by paired runs at
    # dt and dt/2 on the smallest size (``lambda1_step_bias``): systematic |b dt|, its standard
    # error added to the comparison's in quadrature
    if lmax is not None and "lambda_inf" in l1:
        sb, sb_se, _ = lambda1_step_bias(sizes[0], g=g, dt=dt, t_sim=t1, n_pairs=2 if quick else 4, seed=rng)
        info.update(rate_lambda1_step_bias_per_tau=sb, rate_lambda1_step_bias_stderr=sb_se)
        why = (f"Euler step bias b dt = 2 (lambda(dt) - lambda(dt/2)) = {sb:+.3g} +- {sb_se:.2g} per tau from paired "
               f"runs at N = {sizes[0]}")
        comps.append(compare("lambda1_extrapolated_n_inf_per_tau", lmax, l1["lambda_inf"],
                             math.hypot(l1["lambda_inf_stderr"], sb_se), systematic=abs(sb), why=why,
                             note="weighted fit lambda_1(N) = l_inf + a/N over N = "
                                  f"{','.join(map(str, sizes))}; systematic: Euler step bias (paired runs)"))
        fs = abs(l1["slope"]) / sizes[-1]
        comps.append(compare(f"lambda1_n{sizes[-1]}_per_tau", lmax, l1["lambda1"][-1],
                             math.hypot(l1["stderr"][-1], sb_se), systematic=abs(sb) + fs,
                             why=why + f"; finite-size shift |a|/N = {fs:.3g} from the fit",
                             note=f"finite-size error |a|/N = {fs:.3g} from the fit, plus the step bias")
                     .not_applicable("finite-N value; the verdict is the extrapolated row"))
    fig, ax = plt.subplots(figsize=(5, 3.5))
    ax.errorbar(1.0 / l1["sizes"], l1["lambda1"], yerr=l1["stderr"], fmt="o", label="QR, simulation")
    ax.errorbar(1.0 / l1["sizes"], l1["twin"], yerr=l1["twin_stderr"], fmt="s", mfc="none", label="twin trajectory")
    if "lambda_inf" in l1:
        xx = np.linspace(0, 1.0 / min(sizes), 50)
        ax.plot(xx, l1["lambda_inf"] + l1["slope"] * xx, "-", color="0.5", label="fit l_inf + a/N")
    if lmax is not None:
        ax.axhline(lmax, color="k", ls="--", label="DMFT")
    ax.set_xlabel("1 / N"); ax.set_ylabel(r"$\lambda_1$ (1/$\tau$)"); ax.legend(fontsize=8)
    figs["rate_lambda1_vs_dmft"] = fig

    # 3. sub-critical spectrum against the circular law (KS test)
    # closed form below the transition: at the user's g if g < 1, else at g = 0.5
    gs, ns = (g if g < 1 else 0.5), (120 if quick else 200)
    J = R.random_coupling(ns, gs, seed=rng)
    sub = R.spectrum(J, dt=dt, t_sim=100.0, t_warm=0.0, t_warm_q=20.0, t_ons=2.0, x0=np.zeros(ns),
                     twin=False, seed=rng)
    ks = scipy.stats.kstest(sub.exponents, lambda v: R.subcritical_cdf(v, gs, dt))
    comps.append(compare(f"ks_pvalue_subcritical_g{gs:g}_ge_0p01".replace(".", "p"), 1.0, float(ks.pvalue >= 0.01), None,
                         note=f"KS test of the N = {ns} spectrum against the closed-form CDF: "
                              f"D = {ks.statistic:.3g}, p = {ks.pvalue:.3g} (pass: p >= 0.01)"))
    info.update(subcritical_ks_pvalue=float(ks.pvalue), subcritical_ks_statistic=float(ks.statistic))
    fig, ax = plt.subplots(figsize=(5, 3.5))
    xs = np.sort(sub.exponents)
    ax.step(xs, (np.arange(ns) + 1) / ns, where="post", label=f"simulation, N = {ns}")
    grid = np.linspace(xs[0] - 0.05, xs[-1] + 0.05, 300)
    ax.plot(grid, R.subcritical_cdf(grid, gs, dt), "k--", label="circular law (closed form)")
    ax.set_xlabel(r"$\lambda$ (1/$\tau$)"); ax.set_ylabel("CDF"); ax.set_title(f"g = {gs}: stable fixed point")
    ax.legend(fontsize=8)
    figs["rate_subcritical_cdf"] = fig

    # 4. driven networks: lambda_1, H and D_KY fall as input grows
    nd = 200 if quick else 300
    amps = [0.0, 1.0, 2.0, 4.0]
    J = R.random_coupling(nd, g, seed=rng)
    # half the spectrum: enough for H and (at g = 2, D_KY/N ~ 0.1) for D_KY
    drv = [R.spectrum(J, nd // 2, dt=dt, t_sim=80.0, t_warm=20.0, t_warm_q=5.0,
                      t_ons=1.0, twin=False, drive_amp=a, drive_freq=0.2, seed=rng) for a in amps]
    for key, lab in (("lambda1", r"$\lambda_1$"), ("entropy_rate", "H"), ("ky_dimension", r"$D_{KY}$")):
        vals = [d.exponents[0] if key == "lambda1" else d[key] for d in drv]
        ses = [d.stderr[0] if key == "lambda1" else d[key + "_stderr"] for d in drv]
        # decrease between the weakest and strongest drive, beyond 3 combined stderr
        row = compare(f"driven_{key}_drop_a0_to_a{amps[-1]:g}", 1.0,
                      float(vals[0] - vals[-1] > 3 * math.hypot(ses[0], ses[-1])), None,
                      note=f"values for A = {amps}: {np.round(vals, 3).tolist()}")
        # H and D_KY are >= 0 and vanish once the drive suppresses chaos: a drop is only testable when
        # the undriven value is resolved above that floor (> 3 stderr); lambda_1 can go negative
        if key != "lambda1" and not vals[0] > 3 * math.hypot(ses[0], ses[-1]):
            row.not_applicable(f"the undriven {key} = {vals[0]:.3g} +- {ses[0]:.2g} is not resolved above 0 at "
                               f"N = {nd}: no drop can be detected (a longer or larger run resolves it)")
        comps.append(row)
        info[f"driven_{key}"] = vals
    fig, axs = plt.subplots(1, 3, figsize=(9, 3))
    for axx, key, lab in zip(axs, ("lambda1", "entropy_rate", "ky_dimension"), (r"$\lambda_1$ (1/$\tau$)", r"H (nats/$\tau$)", r"$D_{KY}$")):
        vals = [d.exponents[0] if key == "lambda1" else d[key] for d in drv]
        ses = [d.stderr[0] if key == "lambda1" else d[key + "_stderr"] for d in drv]
        axx.errorbar(amps, vals, yerr=ses, fmt="o-")
        axx.set_xlabel("input amplitude A"); axx.set_ylabel(lab)
    fig.suptitle(f"driven rate network, N = {nd}, g = {g:g}, f = 0.2/tau")
    fig.tight_layout()
    figs["rate_driven"] = fig
    return comps, figs, info


# -------------------------------------------------------------------------------------- theta
def validate_theta(quick=False, seed=12345, n=None, k=50, m=None, t_sim=None, rate=None, j0=1.0,
                   tau_m=10.0, comparisons=None, figures=None, info=None):
    from recnet.numerics.lyapunov import theta as TH
    rng = checks.rng(seed)
    comps = [] if comparisons is None else comparisons
    figs = {} if figures is None else figures
    info = {} if info is None else info
    rate = 1.0 if rate is None else rate
    j0 = 1.0 if j0 is None else j0
    tau_m = 10.0 if tau_m is None else tau_m
    n = checks.integer("n", n, minimum=20) if n is not None else (200 if quick else 500)
    # sparse at both sizes: K <= N/10 at the larger
    if k is None:
        k = min(50, (n // 2) // 5)
    elif checks.integer("k", k, minimum=1) > (n // 2) // 5:
        raise checks.ParameterError("k", k, f"must be <= {(n // 2) // 5} (N/10 of the smaller network N/2 = {n // 2}, "
                                    "sparse at both sizes): raise --n or lower --k")
    t_sim = checks.positive("t_sim", t_sim, "ms") if t_sim is not None else (3000.0 if quick else 6000.0)
    plt = _fig()
    res = {}
    for nn in (n // 2, n):
        res[nn] = TH.spectrum(nn, k, None if (m is None or nn < n) else m, rate=rate, j0=j0, tau_m=tau_m,
                              t_sim=t_sim, t_warm=500.0, t_warm_q=300.0, seed=rng, n_boot=200)
    big, small = res[n], res[n // 2]
    comps.append(compare_exact("theta_all_exponents_finite", True, bool(np.all(np.isfinite(big.exponents)))))
    i0 = int(np.argmin(np.abs(big.exponents)))
    comps.append(compare("theta_time_shift_exponent_per_s", 0.0, big.exponents[i0], big.stderr[i0],
                         note="rows of the single-spike Jacobian sum to 1: one exponent is exactly 0"))
    if big.m == n:
        comps.append(compare("theta_sum_of_exponents_per_s", big.logdet_rate, big.exponents.sum(), None,
                             systematic=big.logdet_roundoff_bound,
                             why="round-off bound from the operation counts of the single-spike row updates, "
                                 "QRs and sums (numerics.lyapunov.pulse.pulse_sum_rule_roundoff_bound)",
                             note="exact identity: sum = <ln det D> per second"))
        for key, name in (("entropy_rate", "theta_entropy_rate_per_neuron_per_s"),
                          ("ky_dimension", "theta_ky_dimension_per_neuron")):
            a, b = small[key] / small.n, big[key] / big.n
            sa, sb = small[key + "_stderr"] / small.n, big[key + "_stderr"] / big.n
            c = compare(f"{name}_n{n}_vs_n{n // 2}", a, b, math.hypot(sa, sb),
                        note="extensive chaos: per-neuron value independent of N")
            comps.append(c.not_applicable(FINITE_SIZE_WHY))
    info.update(theta_n=n, theta_k=k, theta_m=big.m, theta_t_sim_ms=t_sim, theta_target_rate_hz=rate, theta_j0=j0,
                theta_tau_m_ms=tau_m, theta_rate_hz=big.rate_hz, theta_lambda1_per_s=float(big.exponents[0]),
                theta_entropy_per_spike_bits=big.entropy_per_spike_bits,
                theta_entropy_per_spike_bits_stderr=big.entropy_per_spike_bits_stderr,
                theta_ky_dimension_over_n=big.ky_dimension / n, theta_events_per_ons=big.events_per_ons)
    # entropy per spike against K
    ks = [5, 10, 20] if quick else [10, 20, 50]
    nk = 100 if quick else 250
    hk, hk_se, l1k = [], [], []
    for kk in ks:
        kk = min(kk, nk - 1)
        r = TH.spectrum(nk, kk, rate=rate, j0=j0, tau_m=tau_m, t_sim=t_sim / 2, t_warm=300.0,
                        t_warm_q=200.0, seed=rng, n_boot=100)
        hk.append(r.entropy_per_spike_bits); hk_se.append(r.entropy_per_spike_bits_stderr)
        l1k.append(float(r.exponents[0]))
    info.update(theta_k_values=ks, theta_entropy_per_spike_bits_by_k=hk,
                theta_entropy_per_spike_bits_stderr_by_k=hk_se, theta_lambda1_per_s_by_k=l1k)
    fig, axs = plt.subplots(1, 2, figsize=(9, 3.5))
    for nn, r in res.items():
        axs[0].plot((np.arange(r.m) + 0.5) / nn, r.exponents, ".", ms=3, label=f"N = {nn}")
    axs[0].axhline(0, color="0.6", lw=0.5)
    axs[0].set_xlabel("i / N"); axs[0].set_ylabel(r"$\lambda_i$ (1/s)"); axs[0].legend()
    axs[0].set_title(f"theta network, K = {k}")
    axs[1].errorbar(ks, hk, yerr=hk_se, fmt="o-")
    axs[1].set_xscale("log"); axs[1].set_xlabel("in-degree K"); axs[1].set_ylabel("H per spike (bits)")
    axs[1].set_title(f"N = {nk}")
    fig.tight_layout()
    figs["theta_spectrum_and_entropy"] = fig
    return comps, figs, info


# ---------------------------------------------------------------------------------------- lif
def compare_lif_with_nest(n=100, k=10, *, rate=10.0, j0=1.0, tau_m=10.0, delay=1.0, t_ref=0.1,
                          t_stop=500.0, seed=0, resolution=0.1, c_m=250.0, v_reset=-65.0, v_thresh=-50.0):
    """Run the same inhibitory LIF network (graph, drive, initial voltages) in recnet's exact
    event-driven simulator and in NEST's ``iaf_psc_delta_ps``; compare the spike trains.

    Units: tau_m, delay, t_ref, t_stop, resolution [ms]; c_m [pF]; v_reset = E_L, v_thresh [mV].
    NEST is driven through its own Python module (``nest``), not PyNN.
    """
    import os
    os.environ.setdefault("PYNEST_QUIET", "1")        # no banner on stdout (keeps --json clean)
    import nest
    from recnet.numerics.lyapunov import lif as LIF
    sim = LIF.simulate(n, k, rate=rate, j0=j0, tau_m=tau_m, delay=delay, t_ref=t_ref, t_stop=t_stop,
                       seed=seed)
    p = sim["params"]
    ptr, post = sim["graph"]
    dv = v_thresh - v_reset
    if hasattr(nest, "VerbosityLevel"):
        nest.verbosity = nest.VerbosityLevel.ERROR
    else:  # pragma: no cover  (NEST < 3.10)
        nest.set_verbosity("M_ERROR")
    nest.ResetKernel()
    nest.resolution = resolution
    nrn = nest.Create("iaf_psc_delta_ps", n, params=dict(
        tau_m=tau_m, C_m=c_m, E_L=v_reset, V_reset=v_reset, V_th=v_thresh, t_ref=t_ref,
        I_e=p["i_ext"] * dv * c_m / tau_m))
    nrn.set(V_m=list(v_reset + dv * sim["v0"]))
    gid0 = nrn[0].global_id
    pre = np.repeat(np.arange(n), np.diff(ptr)).astype(np.int64)
    nest.Connect(pre + gid0, np.asarray(post, np.int64) + gid0, "one_to_one",
                 syn_spec=dict(weight=np.full(pre.size, p["j"] * dv), delay=np.full(pre.size, delay)))
    sr = nest.Create("spike_recorder")
    nest.Connect(nrn, sr)
    nest.Simulate(t_stop)
    ev = sr.events
    tn = np.asarray(ev["times"], float)
    sn = np.asarray(ev["senders"], np.int64) - gid0
    o = np.lexsort((sn, tn))
    tn, sn = tn[o], sn[o]
    tr, sr_ = sim["times_ms"], sim["senders"]
    mm = min(tn.size, tr.size)
    same = bool(tn.size == tr.size and np.array_equal(sn, sr_))
    # round-off bound on a spike time: both solve V(t) = V_th analytically, so a spike time is off
    # by the potential's round-off (<= 8 u (|E_L| + |V_th| + I_e tau/C), a handful of roundings in
    # absolute mV) over the slope at threshold, (I_e tau/C - dv)/tau (suprathreshold drive), plus
    # 4 u t for the time stamp; errors along the neutral time-shift mode can add up over every
    # earlier spike (worst case: linearly in the spike count), the other modes contract
    u = float(np.finfo(float).eps) / 2
    drive_mv = p["i_ext"] * dv
    if drive_mv > dv:
        per = 8 * u * (abs(v_reset) + abs(v_thresh) + drive_mv) * tau_m / (drive_mv - dv) + 4 * u * t_stop
        bound = float(max(tn.size, tr.size) * per)
        why = (f"spike count {max(tn.size, tr.size)} x (8 u (|E_L| + |V_th| + I_e tau/C) tau / (I_e tau/C - "
               f"(V_th - E_L)) + 4 u t_stop) = {bound:.3g} ms: potential round-off over the slope at "
               "threshold, accumulated along the neutral time shift")
    else:
        bound, why = float("inf"), "subthreshold drive: no round-off bound on a crossing time"
    return {"n_spikes_nest": int(tn.size), "n_spikes_recnet": int(tr.size), "same_order": same,
            "time_roundoff_bound_ms": bound, "time_roundoff_why": why,
            "max_abs_time_diff_ms": float(np.abs(tn[:mm] - tr[:mm]).max()) if mm else float("nan"),
            "t_stop_ms": t_stop, "times_nest": tn, "senders_nest": sn, "times_recnet": tr,
            "senders_recnet": sr_}


def validate_lif(quick=False, seed=12345, n=None, k=50, m=None, t_sim=None, rate=None, j0=1.0,
                 tau_m=10.0, comparisons=None, figures=None, info=None, nest=None):
    from recnet.numerics.lyapunov import lif as LIF
    rng = checks.rng(seed)
    comps = [] if comparisons is None else comparisons
    figs = {} if figures is None else figures
    info = {} if info is None else info
    rate = 10.0 if rate is None else rate
    j0 = 1.0 if j0 is None else j0
    tau_m = 10.0 if tau_m is None else tau_m
    n = checks.integer("n", n, minimum=2) if n is not None else (100 if quick else 200)
    if k is None:
        k = min(50, n - 1)
    elif checks.integer("k", k, minimum=1) > n - 1:
        raise checks.ParameterError("k", k, f"must be <= N - 1 = {n - 1}")
    t_sim = checks.positive("t_sim", t_sim, "ms") if t_sim is not None else (1000.0 if quick else 2000.0)
    plt = _fig()
    r = LIF.spectrum(n, k, m, rate=rate, j0=j0, tau_m=tau_m, t_sim=t_sim, t_warm=300.0, t_warm_q=300.0,
                     seed=rng, n_boot=100)
    # QR round-off: the frame's condition number stays <= cond_max = 1e4 between QRs (the interval is
    # chosen so), so each interval's log increment carries <= cond_max eps
    qr_round = r.n_intervals * 1e4 * np.finfo(float).eps / r.t_total
    qr_why = f"QR round-off: {r.n_intervals} intervals x cond_max (1e4, the interval's choice) x eps / T"
    comps.append(compare("lif_lambda1_time_shift_per_s", 0.0, r.exponents[0], r.stderr[0], systematic=qr_round,
                         why=qr_why, family="lif_time_shift", note="top exponent: the time shift (0)"))
    comps.append(compare_exact("lif_all_other_exponents_negative", True, bool(np.all(r.exponents[1:] < 0))))
    # with every other exponent negative, H = max(lambda_1, 0): the time shift's estimate decides it
    comps.append(compare("lif_entropy_rate_per_s", 0.0, r.entropy_rate, r.stderr[0], systematic=qr_round,
                         why=qr_why, family="lif_time_shift",
                         note="stable dynamics: H = max(lambda_1, 0) = 0, lambda_1 the time shift (same estimate "
                              "and stderr as the time-shift row, decided with it)"))
    info.update(lif_n=n, lif_k=k, lif_m=r.m, lif_t_sim_ms=t_sim, lif_target_rate_hz=rate, lif_j0=j0,
                lif_tau_m_ms=tau_m, lif_rate_hz=r.rate_hz, lif_lambda2_per_s=float(r.exponents[1]) if r.m > 1 else None,
                lif_lambda_min_per_s=float(r.exponents[-1]))
    fig, axs = plt.subplots(1, 2, figsize=(9, 3.5))
    axs[0].plot((np.arange(r.m) + 0.5) / n, r.exponents, ".", ms=3)
    axs[0].set_xlabel("i / N"); axs[0].set_ylabel(r"$\lambda_i$ (1/s)"); axs[0].set_title(f"LIF network, N = {n}, K = {k}")
    use_nest = nest
    if use_nest is None:
        import importlib.util
        use_nest = importlib.util.find_spec("nest") is not None
    if use_nest:
        out = compare_lif_with_nest(n=min(n, 100), k=min(k, 10), rate=rate, j0=j0, tau_m=tau_m,
                                    t_stop=300.0 if quick else 1000.0, seed=rng)
        comps.append(compare_exact("lif_nest_same_spike_sequence", True, out["same_order"],
                                   note=f"{out['n_spikes_nest']} NEST vs {out['n_spikes_recnet']} recnet spikes, "
                                        "iaf_psc_delta_ps, delay 1 ms, t_ref 0.1 ms"))
        c_t = compare("lif_nest_max_spike_time_diff_ms", 0.0, out["max_abs_time_diff_ms"], None,
                      systematic=out["time_roundoff_bound_ms"] if np.isfinite(out["time_roundoff_bound_ms"]) else 0.0,
                      why=out["time_roundoff_why"],
                      note="both compute threshold crossings analytically: round-off only")
        if not np.isfinite(out["time_roundoff_bound_ms"]):
            c_t.not_applicable(out["time_roundoff_why"])
        comps.append(c_t)
        axs[1].plot(out["times_nest"], out["senders_nest"], "|", ms=4, label="NEST iaf_psc_delta_ps")
        axs[1].plot(out["times_recnet"], out["senders_recnet"], ".", ms=1.5, label="recnet event-driven")
        axs[1].set_xlim(0, min(200.0, out["t_stop_ms"]))
        axs[1].set_xlabel("time (ms)"); axs[1].set_ylabel("neuron"); axs[1].legend(fontsize=7, loc="upper right")
        info["lif_nest_spikes"] = out["n_spikes_nest"]
    else:
        info["lif_nest"] = "skipped: nest-simulator not installed"
    fig.tight_layout()
    figs["lif_spectrum_and_nest"] = fig
    return comps, figs, info


# ------------------------------------------------------------------------------------ entry
_PER_NET = {"rate": ("n", "g", "m", "t_sim", "dt", "drive_amp"),
            "theta": ("n", "k", "m", "t_sim", "rate", "j0", "tau_m"),
            "lif": ("n", "k", "m", "t_sim", "rate", "j0", "tau_m")}
_INFO_KEY = {"n": "n", "g": "g", "m": "m", "dt": "dt_tau", "drive_amp": "drive_amp", "k": "k",
             "rate": "target_rate_hz", "j0": "j0", "tau_m": "tau_m_ms"}


def _config(model, info, sizes):
    """Every option as it ran: one value per network run (a dict by network when several ran)."""
    ran = [net for net in ("rate", "theta", "lif") if f"{net}_n" in info]
    cfg = {"model": model}
    for opt in ("n", "g", "k", "m", "t_sim", "dt", "drive_amp", "rate", "j0", "tau_m"):
        vals = {}
        for net in ran:
            if opt not in _PER_NET[net]:
                continue
            key = f"{net}_t_sim_{'tau' if net == 'rate' else 'ms'}" if opt == "t_sim" else f"{net}_{_INFO_KEY[opt]}"
            vals[net] = info.get(key)
        cfg[opt] = (next(iter(vals.values())) if len(vals) == 1 else vals) if vals else None
    cfg["sizes"] = info.get("rate_sizes")
    return cfg


def validate(backend="numba", quick=False, seed=12345, model="all", n=None, g=None, k=None, m=None,
             t_sim=None, dt=None, drive_amp=None, rate=None, j0=None, tau_m=None, sizes=None):
    """Run the engines and compare with theory; ``model`` rate | theta | lif | all.

    ``backend="nest"`` runs only the LIF comparison with NEST (the spectra are recnet's own).
    Options left None take each network's default; ``n``, ``m`` and ``t_sim`` apply to every
    network that runs.  ``res.config`` records every option as it ran (by network when several ran).
    """
    if model not in ("all", "rate", "theta", "lif"):
        raise checks.ParameterError("model", model, "choose rate, theta, lif or all (or a rate-network model file)")
    if backend not in ("numba", "nest"):
        raise checks.ParameterError("backend", backend, "choose numba or nest for lyapunov")
    if tau_m is not None:
        checks.positive("tau_m", tau_m, "ms")
    if m is not None and n is not None:
        from recnet.numerics.lyapunov.common import check_m
        check_m(m, n)
    comps, figs, info = [], {}, {"model": model, "quick": quick}
    timing = {}
    ss = np.random.SeedSequence(seed)
    s_rate, s_theta, s_lif = ss.spawn(3)
    if backend == "nest":
        if model not in ("lif", "all"):
            raise checks.ParameterError("model", model, "`validate lyapunov --backend nest` compares the LIF "
                                        "network with NEST: use --model lif")
        validate_lif(quick, np.random.default_rng(s_lif), n, k, m, t_sim, rate, j0, tau_m, comps, figs, info,
                     nest=True)
        res = ValidationResult("lyapunov", backend, comps, figs, info)
        res.config = _config("lif", info, sizes)
        return res
    if model in ("rate", "all"):
        t0 = time.perf_counter()
        validate_rate(quick, np.random.default_rng(s_rate), n, g, m, t_sim, dt, drive_amp, sizes, comps, figs, info)
        timing.update(info.pop("_timing", {}))
        timing["rate_wall_s"] = round(time.perf_counter() - t0, 1)
    if model in ("theta", "all"):
        t0 = time.perf_counter()
        validate_theta(quick, np.random.default_rng(s_theta), n, k, m, t_sim, rate, j0, tau_m, comps, figs, info)
        timing["theta_wall_s"] = round(time.perf_counter() - t0, 1)
    if model in ("lif", "all"):
        t0 = time.perf_counter()
        validate_lif(quick, np.random.default_rng(s_lif), n, k, m, t_sim, rate, j0, tau_m, comps, figs, info)
        timing["lif_wall_s"] = round(time.perf_counter() - t0, 1)
    res = ValidationResult("lyapunov", backend, comps, figs, info)
    res.config = _config(model, info, sizes)
    res.timing.update(timing)
    return res


def validate_model(mdl, quick=False, seed=12345, m=None, t_sim=None, dt=None, drive_amp=None):
    """Validate the spectrum of a user's rate-network model (one matrix, or one draw of an ensemble).

    The spectrum is computed with the exponential-Euler map (step ``dt``) and checked against:

    * the sum rule (Liouville; no drive): the exponents sum to the time average of ln|det D|/dt,
      averaged along an independent trajectory of the same map (block standard error);
    * the twin-trajectory lambda_1 (95 % bootstrap intervals overlap with the QR lambda_1);
    * when the run settles on a fixed point (residual < 1e-6, no drive): every exponent against
      ln|eigenvalues| / dt of the map's Jacobian a + b W diag(phi'(x*)) there (closed form).

    ``res.config`` holds the model (its dict), the draw seed of an ensemble and every option as run.
    """
    from recnet.numerics.lyapunov import rate as R
    if mdl.phi == "per-population":
        raise checks.ParameterError("phi", mdl.phi, "the model's populations have different transfer functions: "
                                    f"the spectrum engine runs one built-in phi ({', '.join(R.PHIS)}) for every unit")
    if mdl.phi not in R.PHIS:
        raise checks.ParameterError("phi", mdl.phi, "the Lyapunov-spectrum engine runs the built-in transfer "
                                    f"functions only: {', '.join(R.PHIS)}")
    f_phi, f_dphi = R.transfer(mdl.phi)
    dt = 0.1 if dt is None else checks.in_range("dt", dt, 0.0, 1.0, low_inclusive=False, high_inclusive=False,
                                                 unit="tau")
    drive_amp = 0.0 if drive_amp is None else checks.nonnegative("drive_amp", drive_amp)
    t_sim = checks.positive("t_sim", t_sim, "tau") if t_sim is not None else (60.0 if quick else 200.0)
    ss = np.random.SeedSequence(seed)
    s_draw, s_run = ss.spawn(2)
    draw_seed = mdl.seed if mdl.seed is not None else int(s_draw.generate_state(1)[0])
    W = mdl.coupling(draw_seed)
    n = W.shape[0]
    i0 = mdl.inputs()
    rng = np.random.default_rng(s_run)
    t0 = time.perf_counter()
    r = R.spectrum(W, m, dt=dt, t_sim=t_sim, t_warm=50.0, t_warm_q=20.0, integrator="exp_euler", seed=rng,
                   drive_amp=drive_amp, i0=i0, phi=mdl.phi)
    wall = time.perf_counter() - t0
    comps, info = [], {"n": n, "m": int(r.m), "lambda1_per_tau": float(r.exponents[0])}
    a, b = R._coeffs(dt, "exp_euler")
    if r.m == n and drive_amp == 0.0:
        # Liouville: the exponents sum to the time average of ln|det D(x_t)| / dt, D = a + b W
        # diag(phi'(x)); the oracle averages it along an independent trajectory of the same map
        # (numpy, its own initial state, same warm-up and length), with a 20-block standard error;
        # the QR sum's error is bounded by the sum of the exponents' bootstrap errors
        rng_o = np.random.default_rng(s_draw.spawn(1)[0])
        x = rng_o.standard_normal(n)
        for _ in range(int(round(50.0 / dt))):
            x = a * x + b * (W @ f_phi(x) + i0)
        n_steps = int(round(t_sim / dt))
        ld = np.empty(n_steps)
        for k in range(n_steps):
            D = a * np.eye(n) + b * W * f_dphi(x)[None, :]
            ld[k] = np.linalg.slogdet(D)[1] / dt
            x = a * x + b * (W @ f_phi(x) + i0)
        blocks = ld[: (n_steps // 20) * 20].reshape(20, -1).mean(axis=1)
        se = float(np.hypot(blocks.std(ddof=1) / math.sqrt(20), np.sum(r.stderr)))
        comps.append(compare(f"sum_of_exponents_n{n}_per_tau", float(ld.mean()), float(r.exponents.sum()), se,
                             note="sum rule (Liouville): time average of ln|det D|/dt along an independent "
                                  "trajectory; error: its 20-block stderr and the summed bootstrap errors"))
    elif r.m == n:
        info["sum_rule"] = "not compared: with a sinusoidal drive the independent trajectory would need its phases"
    comps.append(compare("lambda1_twin_minus_qr_per_tau", 0.0, r.lambda1_twin - r.exponents[0],
                         r.stderr[0] + r.lambda1_twin_stderr, n_sigma=1.96,
                         note="twin-trajectory and QR lambda_1: 95% bootstrap CIs overlap"))
    x = np.asarray(r.state, float)
    if drive_amp == 0.0:
        resid = float(np.max(np.abs(-x + W @ f_phi(x) + i0)))
        info["fixed_point_residual"] = resid
        if resid < 1e-6:
            D = a * np.eye(n) + b * W * f_dphi(x)[None, :]
            ev, V = np.linalg.eig(D)
            lam = np.sort(np.log(np.abs(ev)))[::-1][:r.m] / dt
            err = float(np.max(np.abs(lam - r.exponents)))
            # D^k = V diag(ev^k) V^-1: the QR log-growth of each direction over the window differs
            # from k ln|ev_i| by at most ln cond(V) at either end of the window (initial frame and
            # eigenbasis skew, also within a complex pair): allowance 2 ln(cond V) / T
            allow = 2.0 * math.log(max(np.linalg.cond(V), 1.0)) / t_sim
            comps.append(compare("max_abs_exponent_minus_fixed_point_eig_per_tau", 0.0, err,
                                 float(np.max(r.stderr)), systematic=allow,
                                 why="finite-time QR estimate at a fixed point: 2 ln(cond V)/T, V the eigenbasis of D",
                                 note=f"fixed point reached (residual {resid:.1e}): exponents = ln|eig(a + b W "
                                      f"diag(phi'(x*)))|/dt; allowance 2 ln(cond V)/T = {allow:.3g} for the "
                                      "finite-time estimate"))
    res = ValidationResult("lyapunov", "numba", comps, {}, info)
    res.config = {"model": mdl.to_dict(), "n": n, "g": None if mdl.explicit else mdl.g, "k": None, "m": int(r.m),
                  "t_sim": t_sim, "dt": dt, "drive_amp": drive_amp, "rate": None, "j0": None, "tau_m": None,
                  "sizes": None, "draw_seed": None if mdl.explicit else draw_seed}
    res.timing["spectrum_wall_s"] = wall
    return res
