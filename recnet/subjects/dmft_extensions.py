"""Subjects ``lowrank`` (rank-one plus random networks) and ``dmft-driven`` (sinusoidally driven
random networks, critical amplitude for chaos suppression; two-time DMFT)."""
from recnet.registry import Option, Subject

PHI_HELP = "transfer function: tanh|erf|relu|linear|sympy expression in x"


MODEL_HELP = ("rate-network model (.toml/.yaml file or shipped name, `recnet models`): an ensemble that gives {what} "
              "(an option left at its default takes the model's value; one set otherwise overrides it, with a warning)")


def _ensemble(model, subject, need_lowrank):
    """The rate-network ensemble of ``model`` that ``subject``'s theory can describe, else a ParameterError."""
    import numpy as np
    from recnet.checks import ParameterError
    from recnet.subjects import _rate
    m = _rate.load_model(model)
    if m.explicit:
        raise ParameterError("model", m.name, f"is one explicit matrix W: `{subject}` describes an ensemble "
                             "(i.i.d. Gaussian J_ij), not one given matrix; use `recnet predict lyapunov --model FILE` "
                             "for this matrix")
    if len(m.populations) > 1 or np.ndim(m.g) != 0 or np.ndim(m.j0) != 0:
        raise ParameterError("model", m.name, f"has several populations: `{subject}` treats one population "
                             "(scalar g)")
    if float(m.j0) != 0.0:
        raise ParameterError("model", m.name, f"has j0 = {float(m.j0):g}: `{subject}`'s theory has no mean coupling "
                             "J0/N" + (" (the rank-one part m n^T/N carries the mean structure)" if need_lowrank else ""))
    if np.ndim(m.i0) != 0 or float(m.i0) != 0.0:
        raise ParameterError("model", m.name, f"has inputs i0 != 0: `{subject}`'s theory has no constant input")
    if need_lowrank:
        if m.lowrank is None:
            raise ParameterError("model", m.name, "has no [lowrank] part: `lowrank` needs its statistics (m_mean, "
                                 "n_mean, m_std, n_std, mn_corr); use `dmft` for a purely random network")
        if "m" in m.lowrank:
            raise ParameterError("model", m.name, "gives the vectors m and n themselves: `lowrank`'s mean-field theory "
                                 "takes their Gaussian statistics (lowrank.m_mean, n_mean, m_std, n_std, mn_corr)")
    elif m.lowrank is not None:
        raise ParameterError("model", m.name, f"has a low-rank part: use `lowrank`, not `{subject}`")
    return m


def _size_words(m):
    """predict is the N -> infinity theory: say that the model's size (and seed) do not enter it."""
    extra = f" and seed = {m.seed} do" if m.seed is not None else " does"
    return (f"the model's n = {m.size}{extra} not enter predict (mean-field theory, N -> infinity); "
            "validate simulates N = n")


def _lowrank_model(model, opts):
    """Options with the model's fields folded in (an option at its default takes the model's value)."""
    if model is None:
        return opts, None, []
    from recnet.subjects import _rate
    m = _ensemble(model, "lowrank", need_lowrank=True)
    defaults = {o.name: o.default for o in LOWRANK_OPTIONS if o.name != "model"}
    merged, warns = _rate.merge_model(m, defaults, opts, fields=("g", "phi"))
    for k in ("m_mean", "n_mean", "m_std", "n_std", "mn_corr"):
        mv = float(m.lowrank[k])
        if opts[k] == defaults[k]:
            merged[k] = mv
        elif opts[k] != mv:
            warns.append(f"option {k} = {opts[k]!r} overrides the model's lowrank.{k} = {mv!r}")
    return merged, m, warns


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
                     model=None, bifurcations=False):
    from recnet.checks import ParameterError
    from recnet.numerics.dmft import lowrank as L
    from recnet.results import Result
    from recnet.subjects import _lowrank_mixture as LM
    if LM.is_mixture_model(model):
        mix, g, mdl, warns = LM.resolve(model, g, phi, dict(m_mean=m_mean, n_mean=n_mean, m_std=m_std, n_std=n_std,
                                                             mn_corr=mn_corr))
        if bifurcations:
            raise ParameterError("bifurcations", bifurcations, "the chaos-onset search is for rank-one statistics; "
                                 "not for a mixture model")
        res = LM.predict(mix, g, mdl, warns)
        res.config["bifurcations"] = False
        return res
    o, mdl, mwarns = _lowrank_model(model, dict(g=g, phi=phi, m_mean=m_mean, n_mean=n_mean, m_std=m_std,
                                                n_std=n_std, mn_corr=mn_corr))
    g, phi, m_mean, n_mean, m_std, n_std, mn_corr = (o[k] for k in ("g", "phi", "m_mean", "n_mean", "m_std",
                                                                   "n_std", "mn_corr"))
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
    warns = list(mwarns) + ([_size_words(mdl)] if mdl is not None else [])
    warns += list(dict.fromkeys(s["warning"] for s in sols if s.get("warning")))
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
                                                 "model": None if mdl is None else mdl.to_dict(),
                                                 "bifurcations": bool(bifurcations)}, warnings=warns)


def _lowrank_validate(backend="numba", quick=False, seed=12345, g=0.5, phi="tanh", m_mean=1.0, n_mean=2.0,
                      m_std=1.0, n_std=1.0, mn_corr=0.0, model=None, n=None, realisations=None):
    from recnet.subjects import _lowrank_mixture as LM
    from recnet.validation.dmft import lowrank as lowrank
    if LM.is_mixture_model(model):
        mix, g, mdl, warns = LM.resolve(model, g, phi, dict(m_mean=m_mean, n_mean=n_mean, m_std=m_std, n_std=n_std,
                                                             mn_corr=mn_corr))
        return LM.validate(mix, g, mdl, warns, quick=quick, seed=seed, n=n, realisations=realisations)
    o, mdl, mwarns = _lowrank_model(model, dict(g=g, phi=phi, m_mean=m_mean, n_mean=n_mean, m_std=m_std,
                                                n_std=n_std, mn_corr=mn_corr))
    _check_lowrank(o["g"], o["phi"], o["m_mean"], o["n_mean"], o["m_std"], o["n_std"])
    if n is None and mdl is not None:
        n = mdl.size  # the model's N is the largest simulated size
    res = lowrank.validate(quick=quick, seed=seed, phi=o["phi"], n=n, realisations=realisations, g=o["g"],
                           m_mean=o["m_mean"], n_mean=o["n_mean"], m_std=o["m_std"], n_std=o["n_std"],
                           mn_corr=o["mn_corr"])
    res.config["model"] = None if mdl is None else mdl.to_dict()
    if mdl is not None and mdl.seed is not None:
        mwarns.append(f"the model's seed = {mdl.seed} is not used: validate draws its networks from --seed")
    res.caveats = list(res.caveats) + mwarns
    return res


LOWRANK_OPTIONS = (
    Option("g", 0.5, "strength of the random part (J_ij std g/sqrt(N))"),
    Option("phi", "tanh", PHI_HELP, type=str, example="erf"),
    Option("m_mean", 1.0, "mean M_m of the entries of the structure vector m"),
    Option("n_mean", 2.0, "mean M_n of the entries of the structure vector n"),
    Option("m_std", 1.0, "standard deviation Sigma_m of the entries of m"),
    Option("n_std", 1.0, "standard deviation Sigma_n of the entries of n"),
    Option("mn_corr", 0.0, "correlation of m_i and n_i (Sigma_mn = mn_corr Sigma_m Sigma_n)"),
    Option("model", None, MODEL_HELP.format(what="g, phi and the [lowrank] statistics"), type=str,
           example="mastrogiuseppe2018-rank1"),
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


def _driven_model(model, g, phi, tau):
    """(g, phi, tau, model, warnings) with a rate-network model's g, phi and tau folded in."""
    if model is None:
        return g, phi, tau, None, []
    from recnet.subjects import _rate
    m = _ensemble(model, "dmft-driven", need_lowrank=False)
    o, warns = _rate.merge_model(m, {"g": 2.0, "phi": "tanh", "tau": 10.0}, dict(g=g, phi=phi, tau=tau),
                                 fields=("g", "phi", "tau"))
    return o["g"], o["phi"], o["tau"], m, warns


# the critical amplitude costs a few dozen periodic solves: by default (critical = None) it is
# computed when the period's grid is at most this many tau points (g <= ~10 at 5 Hz, 10 ms)
N_TAU_CRITICAL_AUTO = 160


def _driven_predict(g=2.0, phi="tanh", amplitude=1.0, frequency=5.0, tau=10.0, critical=None,
                    balanced_comparison=False, model=None):
    from recnet import checks
    from recnet.numerics.dmft import driven as D
    from recnet.results import Result
    from recnet.subjects import _rate
    g, phi, tau, mdl, mwarns = _driven_model(model, g, phi, tau)
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
    not_computed = {}
    if critical is None:
        critical = need <= N_TAU_CRITICAL_AUTO
        if not critical:
            not_computed["critical_amplitude"] = (
                f"not computed by default at this g and frequency ({need} tau points per period, above "
                f"{N_TAU_CRITICAL_AUTO}: a few minutes of periodic solves); pass --critical to compute it")
    if critical:
        r = D.critical_amplitude(g, phi, om, tol=1e-3, **kw)
        if r["critical_amplitude"] == r["critical_amplitude"]:
            out["critical_amplitude"] = r["critical_amplitude"]
        else:
            not_computed["critical_amplitude"] = r["verdict"]
        out["critical_amplitude_verdict"] = r["verdict"]
        if "critical_amplitude_error" in r:
            out["critical_amplitude_error"] = r["critical_amplitude_error"]
        warns.extend(r.get("warnings", []))
    if balanced_comparison:
        from recnet.numerics.dmft import twotime as TT
        cv = TT.common_vs_independent(g=g, phi="relu", amplitude=amplitude, omega=om)
        out["balanced_relu_chaotic_variance"] = {"no_input": cv["none"], "common_input": cv["common"],
                                                 "independent_input": cv["independent"],
                                                 "quadrature_error": cv["quadrature_error"]}
        warns.extend(cv["warnings"])
    if not_computed:
        out["not_computed"] = not_computed
    return Result("dmft-driven", values=out, config={"g": float(g), "phi": str(phi), "amplitude": amplitude,
                                                     "frequency": float(frequency), "tau": tau,
                                                     "critical": bool(critical),
                                                     "balanced_comparison": bool(balanced_comparison),
                                                     "model": None if mdl is None else mdl.to_dict()},
                  warnings=warns + mwarns + ([_size_words(mdl)] if mdl is not None else []))


def _driven_validate(backend="numba", quick=False, seed=12345, g=2.0, phi="tanh", amplitude=1.0, frequency=5.0,
                     tau=10.0, critical=None, balanced_comparison=False, model=None, n=None, realisations=None):
    from recnet import checks
    from recnet.checks import ParameterError
    from recnet.subjects import _rate
    from recnet.validation.dmft import driven as dmft_driven
    g, phi, tau, mdl, mwarns = _driven_model(model, g, phi, tau)
    critical = True if critical is None else bool(critical)   # validate compares at 0.4 and 1.6 A_c by default
    if n is None and mdl is not None:
        n = mdl.size  # the model's N is the largest simulated size
    if balanced_comparison:
        raise ParameterError("balanced_comparison", balanced_comparison, "the two-time DMFT of balanced ReLU "
                             "networks is predict-only: `validate dmft-driven` has no simulation of it")
    _rate.check_dmft_ranges(g=g)
    _rate.check_phi(phi)
    checks.positive("tau", tau, "ms")
    _rate.check_bounded("frequency", frequency, 1e-6, 1e4) if frequency > 0 else checks.positive("frequency", frequency, "Hz")
    res = dmft_driven.validate(quick=quick, seed=seed, g=g, phi=phi, n=n, realisations=realisations,
                               amplitude=amplitude, frequency=frequency, tau=tau, critical=critical)
    res.config["model"] = None if mdl is None else mdl.to_dict()
    if mdl is not None and mdl.seed is not None:
        mwarns.append(f"the model's seed = {mdl.seed} is not used: validate draws its networks from --seed")
    res.caveats = list(res.caveats) + mwarns
    return res


SUBJECTS.append(Subject(
    "dmft-driven", 1,
    "sinusoidally driven random rate networks: chaos suppression, critical amplitude vs frequency",
    options=(Option("g", 2.0, "coupling gain (J_ij std g/sqrt(N))"),
             Option("phi", "tanh", PHI_HELP, type=str, example="erf"),
             Option("amplitude", 1.0, "input amplitude A of I_i = A cos(2 pi f t + theta_i)"),
             Option("frequency", 5.0, "input frequency f", unit="Hz"),
             Option("tau", 10.0, "single-unit time constant", unit="ms"),
             Option("critical", None, "also compute the critical amplitude at this frequency (default: when the "
                    f"period's grid has <= {N_TAU_CRITICAL_AUTO} tau points, i.e. g <~ 10 at 5 Hz; --critical "
                    "always, --no-critical never)", type=bool, example=False),
             Option("balanced_comparison", False, "two-time DMFT of a balanced ReLU network: chaotic variance "
                    "under common vs independent input of this amplitude and frequency (slow)", type=bool),
             Option("model", None, MODEL_HELP.format(what="g, phi and tau"), type=str, example="rajan2010-tanh")),
    derive=_driven_derive, predict=_driven_predict, validate=_driven_validate,
    validate_options=(Option("n", None, "largest network size N, default 1500 (quick 600); the locked-state "
                             "exponent is extrapolated from N/4, N/2, N", type=int),
                      Option("realisations", None, "network realisations per point at N, default 3 (quick 2; more at "
                             "smaller sizes)",
                             type=int)),
    references=("Rajan, Abbott, Sompolinsky 2010, PRE 82:011903",
                "Engelken, Ingrosso, Khajeh, Goedeke, Abbott 2022, PLoS Comput Biol 18:e1010590"),
))
