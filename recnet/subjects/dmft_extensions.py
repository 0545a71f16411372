"""Subjects ``lowrank`` (rank-one plus random networks) and ``dmft-driven`` (sinusoidally driven
random networks, critical amplitude for chaos suppression; two-time DMFT)."""
from recnet.registry import Option, Subject

PHI_HELP = "transfer function: tanh|erf|relu|linear|sympy expression in x"


# ------------------------------------------------------------------------------------------ lowrank
def _lowrank_derive(phi="tanh"):
    from recnet.theory.dmft import lowrank as dmft_lowrank
    return dmft_lowrank.equations(phi)


def _check_lowrank(g, phi, m_mean, n_mean, m_std, n_std):
    from recnet.subjects import _rate
    _rate.check_bounded("g", g, 0.0, _rate.G_MAX)
    for name, v in (("m_mean", m_mean), ("n_mean", n_mean)):
        _rate.check_bounded(name, v, -1e3, 1e3)
    for name, v in (("m_std", m_std), ("n_std", n_std)):
        _rate.check_bounded(name, v, 0.0, 1e3)
    _rate.check_phi(phi)


def _lowrank_predict(g=0.5, phi="tanh", m_mean=1.0, n_mean=2.0, m_std=1.0, n_std=1.0, mn_corr=0.0,
                     bifurcations=False):
    from recnet.checks import ParameterError
    from recnet.numerics.dmft import lowrank as L
    from recnet.results import Result
    _check_lowrank(g, phi, m_mean, n_mean, m_std, n_std)
    if mn_corr == 0.0 and n_std != 1.0:
        raise ParameterError("n_std", n_std, "n_std enters the N -> infinity theory only through Sigma_mn = "
                             "mn_corr m_std n_std: with mn_corr = 0 it does not change predict (it sets the "
                             "simulated networks of `validate lowrank`)")
    p = L.LowRankParams(g=g, phi=phi, m_mean=m_mean, n_mean=n_mean, m_std=m_std, n_std=n_std,
                        mn_corr=mn_corr)
    sols = L.solve(p)
    stable = [s for s in sols if s["stable"]]
    best = max(stable, key=lambda s: s["kappa"]) if stable else None
    out = {"structure_strength": p.structure_strength, "sigma_mn": p.mn_cov}
    warns = list(dict.fromkeys(s["warning"] for s in sols if s.get("warning")))
    if best is not None:
        out.update(state=f"{best['kind']} ({'heterogeneous, kappa != 0' if abs(best['kappa']) > 1e-9 else 'homogeneous, kappa = 0'})",
                   kappa=best["kappa"], mu=best["mu"], delta0=best["delta0"],
                   delta_inf=best["delta_inf"], temporal_variance=best["delta0"] - best["delta_inf"],
                   bulk_radius=best["bulk_radius"], quadrature_error=best["quadrature_error"])
    else:
        state = ("no stable solution found: every stationary/chaotic mean-field solution found is unstable "
                 f"({len(sols)} found)")
        warns.append(state)
        out.update(state=state, kappa=None, mu=None, delta0=None, delta_inf=None, temporal_variance=None,
                   bulk_radius=None)
    try:
        pf, kind, _ = L.pitchfork_strength(p.g, p.tr)
        out["pitchfork_structure_strength"] = pf
        out["homogeneous_state"] = kind
    except ValueError as exc:
        out["pitchfork_structure_strength"] = None
        out["homogeneous_state"] = f"no homogeneous (kappa = 0) state: {exc}"
    if bifurcations:
        gs = L.chaos_onset_g(p)
        out["chaos_onset_g"] = gs if gs == gs else None
        if gs != gs:
            out["chaos_onset_note"] = "the heterogeneous static state has no chaos onset for g < 4"
    out["solutions"] = sols
    return Result("lowrank", values=out, config={"g": p.g, "phi": str(phi), "m_mean": p.m_mean, "n_mean": p.n_mean,
                                                 "m_std": p.m_std, "n_std": p.n_std, "mn_corr": p.mn_corr,
                                                 "bifurcations": bool(bifurcations)}, warnings=warns)


def _lowrank_validate(backend="numba", quick=False, seed=12345, g=0.5, phi="tanh", m_mean=1.0, n_mean=2.0,
                      m_std=1.0, n_std=1.0, mn_corr=0.0, n=None, realisations=None):
    from recnet.validation.dmft import lowrank as lowrank
    _check_lowrank(g, phi, m_mean, n_mean, m_std, n_std)
    return lowrank.validate(quick=quick, seed=seed, phi=phi, n=n, realisations=realisations, g=g, m_mean=m_mean,
                            n_mean=n_mean, m_std=m_std, n_std=n_std, mn_corr=mn_corr)


LOWRANK_OPTIONS = (
    Option("g", 0.5, "strength of the random part (J_ij std g/sqrt(N))"),
    Option("phi", "tanh", PHI_HELP, type=str, example="erf"),
    Option("m_mean", 1.0, "mean M_m of the entries of the structure vector m"),
    Option("n_mean", 2.0, "mean M_n of the entries of the structure vector n"),
    Option("m_std", 1.0, "standard deviation Sigma_m of the entries of m"),
    Option("n_std", 1.0, "standard deviation Sigma_n of the entries of n"),
    Option("mn_corr", 0.0, "correlation of m_i and n_i (Sigma_mn = mn_corr Sigma_m Sigma_n)"),
)


SUBJECTS = [
    Subject(
        "lowrank", 1,
        "rank-one plus random rate networks: overlap kappa, static/chaotic states, bifurcations",
        options=LOWRANK_OPTIONS,
        derive=_lowrank_derive, predict=_lowrank_predict, validate=_lowrank_validate,
        predict_options=(Option("bifurcations", False, "also locate the g where the heterogeneous static state "
                                "turns chaotic (slow)", type=bool),),
        validate_options=(Option("n", None, "largest network size N, default 1500 (quick 600); sizes N/4, N/2, N "
                                 "for the extrapolation to N -> infinity", type=int),
                          Option("realisations", None, "network realisations per point at N, default 2 (more at "
                                 "smaller sizes)",
                                 type=int)),
        references=("Mastrogiuseppe & Ostojic 2018, Neuron 99:609",
                    "Beiran, Dubreuil, Valente, Mastrogiuseppe, Ostojic 2021, Neural Comput 33:1572",
                    "Dubreuil, Valente, Beiran, Mastrogiuseppe, Ostojic 2022, Nat Neurosci 25:783"),
    ),
]


# ------------------------------------------------------------------------------------- dmft-driven
def _driven_derive(phi="tanh"):
    from recnet.theory.dmft import driven as dmft_driven
    return dmft_driven.equations(phi)


def _driven_predict(g=2.0, phi="tanh", amplitude=1.0, frequency=5.0, tau=10.0, critical=True,
                    balanced_comparison=False):
    from recnet import checks
    from recnet.numerics.dmft import driven as D
    from recnet.results import Result
    from recnet.subjects import _rate
    _rate.check_dmft_ranges(g=g)
    _rate.check_phi(phi)
    tau = checks.positive("tau", tau, "ms")
    _rate.check_bounded("frequency", frequency, 1e-6, 1e4) if frequency > 0 else checks.positive("frequency", frequency, "Hz")
    amplitude = checks.in_range("amplitude", amplitude, 0.0, 1e3)
    om = D.omega_from_hz(frequency, tau)
    need = D.default_n_tau(om, g)
    if need > D.N_TAU_PREDICT:
        # G(tau) = g^2 <phi'phi'> narrows like 1/g: the grid over one period grows like g * period
        name, value = ("g", g) if 1.25 / g < 0.25 else ("frequency", frequency)
        raise checks.ParameterError(name, value, f"g * period <= {D.N_TAU_PREDICT * 1.25:g} tau (with g > 5; period "
                                    f"<= {D.N_TAU_PREDICT * 0.25:g} tau otherwise): here the periodic DMFT needs "
                                    f"{need} tau points per input period ({2 * 3.141592653589793 / om:.4g} tau, step "
                                    f"min(0.25, 1.25/g)), more than predict solves ({D.N_TAU_PREDICT}); raise the "
                                    "frequency or lower g (numerics.dmft.driven.lambda_max takes any n_tau)")
    kw = dict(n_theta=16)  # self-checking sinh-mapped quadrature (numerics.dmft.driven.periodic_solution)
    lam, sol = D.lambda_max(g, phi, amplitude, om, **kw)
    warns = list(sol["warnings"])
    out = {"omega_per_tau": om, "filtered_amplitude": sol["filtered_amplitude"],
           "lambda_max_per_tau": lam, "lambda_max_per_s": lam / tau * 1e3,
           "lambda_max_error_per_tau": sol["lambda_error"],
           "state": "input-locked (non-chaotic)" if lam < 0 else "chaotic (locked state unstable)",
           "delta_h0": float(sol["delta_h"][0]), "quadrature_error": sol["quadrature_error"],
           "n_tau": int(sol["delta_h"].size)}
    if abs(lam) <= sol["lambda_error"]:
        warns.append(f"lambda_max = {lam:.3g} /tau is within its estimated error {sol['lambda_error']:.2g}: "
                     "the verdict (locked or chaotic) is not certain")
    if critical:
        r = D.critical_amplitude(g, phi, om, tol=1e-3, **kw)
        out["critical_amplitude"] = r["critical_amplitude"] if r["critical_amplitude"] == r["critical_amplitude"] \
            else None
        out["critical_amplitude_verdict"] = r["verdict"]
        if "critical_amplitude_error" in r:
            out["critical_amplitude_error"] = r["critical_amplitude_error"]
        warns.extend(r.get("warnings", []))
    if balanced_comparison:
        from recnet.numerics.dmft import twotime as TT
        cv = TT.common_vs_independent(g=g, phi="relu", amplitude=amplitude, omega=om)
        out["balanced_relu_chaotic_variance"] = {"no_input": cv["none"], "common_input": cv["common"],
                                                 "independent_input": cv["independent"]}
    return Result("dmft-driven", values=out, config={"g": float(g), "phi": str(phi), "amplitude": amplitude,
                                                     "frequency": float(frequency), "tau": tau,
                                                     "critical": bool(critical),
                                                     "balanced_comparison": bool(balanced_comparison)}, warnings=warns)


def _driven_validate(backend="numba", quick=False, seed=12345, g=2.0, phi="tanh", amplitude=1.0, frequency=5.0,
                     tau=10.0, critical=True, balanced_comparison=False, n=None, realisations=None):
    from recnet import checks
    from recnet.checks import ParameterError
    from recnet.subjects import _rate
    from recnet.validation.dmft import driven as dmft_driven
    if balanced_comparison:
        raise ParameterError("balanced_comparison", balanced_comparison, "the two-time DMFT of balanced ReLU "
                             "networks is predict-only: `validate dmft-driven` has no simulation of it")
    _rate.check_dmft_ranges(g=g)
    _rate.check_phi(phi)
    checks.positive("tau", tau, "ms")
    _rate.check_bounded("frequency", frequency, 1e-6, 1e4) if frequency > 0 else checks.positive("frequency", frequency, "Hz")
    return dmft_driven.validate(quick=quick, seed=seed, g=g, phi=phi, n=n, realisations=realisations,
                                amplitude=amplitude, frequency=frequency, tau=tau, critical=critical)


SUBJECTS.append(Subject(
    "dmft-driven", 1,
    "sinusoidally driven random rate networks: chaos suppression, critical amplitude vs frequency",
    options=(Option("g", 2.0, "coupling gain (J_ij std g/sqrt(N))"),
             Option("phi", "tanh", PHI_HELP, type=str, example="erf"),
             Option("amplitude", 1.0, "input amplitude A of I_i = A cos(2 pi f t + theta_i)"),
             Option("frequency", 5.0, "input frequency f", unit="Hz"),
             Option("tau", 10.0, "single-unit time constant", unit="ms"),
             Option("critical", True, "also compute the critical amplitude at this frequency", type=bool),
             Option("balanced_comparison", False, "two-time DMFT of a balanced ReLU network: chaotic variance "
                    "under common vs independent input of this amplitude and frequency (slow)", type=bool)),
    derive=_driven_derive, predict=_driven_predict, validate=_driven_validate,
    validate_options=(Option("n", None, "largest network size N, default 1500 (quick 600); the locked-state "
                             "exponent is extrapolated from N/4, N/2, N", type=int),
                      Option("realisations", None, "network realisations per point at N, default 3 (quick 2; more at "
                             "smaller sizes)",
                             type=int)),
    references=("Rajan, Abbott, Sompolinsky 2010, PRE 82:011903",
                "Engelken, Ingrosso, Khajeh, Goedeke, Abbott 2022, PLoS Comput Biol 18:e1010590"),
))
