"""Driven random rate networks: the largest Lyapunov exponent against amplitude and frequency,
bracketing the predicted critical amplitude (Rajan, Abbott, Sompolinsky 2010, PRE 82:011903).

Network: dx/dt = -x + J phi(x) + A cos(omega t + theta_i), J_ij ~ N(0, g^2/N), theta_i uniform,
time in units of tau.  For each of two frequencies the DMFT critical amplitude A_c(omega) is
computed; networks are simulated at A = 0.4 A_c (predicted chaotic: lambda_1 > 0) and A = 1.6 A_c
(predicted input-locked: lambda_1 < 0, equal to the DMFT exponent of the locked state).  The
largest exponent is measured with a tangent vector (Benettin) in
:func:`recnet.numerics.rate_network.simulate`; mean and standard error over realisations.
"""
from __future__ import annotations

import time

import numpy as np

from recnet import checks
from recnet.validation.compare import ValidationResult, compare, compare_exact
from recnet.validation.stats import mean_sem

__all__ = ["simulate_lambda", "validate"]


def simulate_lambda(n, g, amplitude, omega, phi="tanh", t_sim=150.0, t_start=50.0, dt=0.1, seed=None):
    """lambda_1 (1/tau) of one driven network realisation (random J, phases and initial state)."""
    from recnet.numerics import rate_network as rn
    n = checks.integer("n", n, minimum=10)
    r = checks.rng(seed)
    J = rn.gaussian_coupling(n, g, seed=r)
    theta = r.uniform(0.0, 2.0 * np.pi, n)
    res = rn.simulate(J, phi=phi, t_sim=t_sim, dt=dt, amp=amplitude, omega=omega, theta=theta,
                      record_dt=t_sim, lyapunov=True, renorm_every=1.0, t_lyap_start=t_start, seed=r)
    return res["lambda1"]


def validate(quick=False, seed=12345, g=2.0, phi="tanh", n=1500, realisations=3, omegas=(0.314, 1.0)):
    """Simulated lambda_1 below and above the predicted critical amplitude at two frequencies.

    Parameters
    ----------
    quick : bool
        N = 800, 2 realisations, shorter runs.
    g : float
        coupling gain (> 1: chaotic without input).
    n, realisations : network size and realisations per point (full run).
    omegas : angular frequencies (1/tau).
    """
    from recnet.numerics import dmft_driven as D
    t0 = time.perf_counter()
    g = checks.positive("g", g)
    if quick:
        n_units, reps, t_sim, t_start = 800, 2, 100.0, 30.0
    else:
        n_units = checks.integer("n", n, minimum=50)
        reps = checks.integer("realisations", realisations, minimum=2)
        t_sim, t_start = 200.0, 50.0
    comps, info = [], {"n": n_units, "realisations": reps, "g": g, "phi": str(phi)}
    kw = dict(n_theta=16, n_gh=20)
    points = []
    ss = np.random.SeedSequence(seed)
    seeds = iter(ss.spawn(64))
    for om in omegas:
        ac = D.critical_amplitude(g, phi, om, tol=1e-3, **kw)["critical_amplitude"]
        info[f"critical_amplitude_omega{om:g}"] = ac
        for fac in (0.4, 1.6):
            A = fac * ac
            lam_th, _ = D.lambda_max(g, phi, A, om, **kw)
            lams = [simulate_lambda(n_units, g, A, om, phi, t_sim, t_start, seed=np.random.default_rng(next(seeds)))
                    for _ in range(reps)]
            m, se = mean_sem(lams)
            points.append((om, A, ac, lam_th, m, se))
            pred_sign = "negative" if fac > 1 else "positive"
            sim_sign = "negative" if m < 0 else "positive"
            comps.append(compare_exact(f"sign_lambda_omega{om:g}_a{A:.3g}", pred_sign, sim_sign,
                                       note=f"A = {fac:g} A_c, A_c = {ac:.4g}"))
            if fac > 1:
                # the locked state is the attractor: its DMFT exponent is the simulated one;
                # 3 stderr over realisations + a finite-size allowance 24/N (1/tau) from measured
                # lambda_N - lambda_DMFT at omega = 0.314: g = 1.5, A = 0.82: -0.040 (N=400),
                # -0.016 (N=1000), -0.022 +- 0.009 (N=2000); g = 2, A = 1.77: -0.061 (N=400),
                # +0.004 (N=800), +0.006 (N=1600), two realisations each
                comps.append(compare(f"lambda_max_omega{om:g}_a{A:.3g}_per_tau", lam_th, m, se, n_sigma=3,
                                     abs_tol=24.0 / n_units,
                                     note="input-locked state; abs_tol 24/N: measured finite-size bias"))
    info["points"] = [dict(omega=p[0], amplitude=p[1], critical_amplitude=p[2], lambda_theory=p[3],
                           lambda_sim=p[4], lambda_sim_stderr=p[5]) for p in points]
    info["wall_time_theory_and_sim_s"] = round(time.perf_counter() - t0, 2)
    figs = {}
    try:
        import matplotlib
        matplotlib.use("Agg", force=False)
        import matplotlib.pyplot as plt
        fig, ax = plt.subplots(figsize=(5, 4))
        for i, om in enumerate(omegas):
            pts = [p for p in points if p[0] == om]
            ac = pts[0][2]
            ax.errorbar([p[1] / ac for p in pts], [p[4] for p in pts], [p[5] for p in pts], fmt="o",
                        color=f"C{i}", label=f"simulation, omega = {om:g}/tau")
            ax.plot([p[1] / ac for p in pts], [p[3] for p in pts], "x", color=f"C{i}", ms=9,
                    label=f"DMFT locked state, omega = {om:g}/tau")
        ax.axhline(0, color="0.5", lw=0.8)
        ax.axvline(1, color="0.5", ls=":", label="predicted A_c")
        ax.set_xlabel("amplitude / predicted critical amplitude")
        ax.set_ylabel("largest Lyapunov exponent (1/tau)")
        ax.legend(fontsize=7)
        fig.tight_layout()
        figs["lyapunov_vs_amplitude"] = fig
    except Exception as exc:
        info["figure_error"] = f"{type(exc).__name__}: {exc}"
    return ValidationResult("dmft-driven", "numba", comps, figs, info)
