"""Subject ``lyapunov``: Lyapunov spectra of rate, theta and LIF networks (topic 2).

``--model`` is one of the built-in networks (``rate``: random tanh network; ``theta``: balanced QIF;
``lif``: inhibitory LIF; ``all``, the default) or a ``rate-network`` model (a .toml/.yaml file or a
shipped name): predict then computes the spectrum of the user's matrix (or of one draw of the
user's ensemble), validate checks that spectrum.

Keys: exponents of rate networks in 1/tau (``exponents_per_tau``, ``lambda_max_per_tau``,
``entropy_rate_per_tau`` in nats/tau), of spiking networks in 1/s (``_per_s``); ``ky_dimension``
is a number.  A quantity predict cannot give (no closed form; the DMFT not asked for) is absent and
named, with the reason, in ``not_computed``.  Options that belong to one kind of network (``g``, ``dt``, ``drive_amp`` for rate
networks; ``k``, ``rate``, ``j0``, ``tau_m`` for spiking ones) default to None (the network's
default) and are refused where they do not apply.  Heavy imports happen inside the callables.
"""
from recnet.registry import Option, Subject

BUILTIN = ("all", "rate", "theta", "lif")
SPIKING_DEFAULTS = {"theta": {"rate": 1.0, "n": 1000}, "lif": {"rate": 10.0, "n": 1000}}

OPTIONS = (
    Option("model", None, "network: rate (tanh units), theta (QIF, balanced), lif (inhibitory), all (default), "
           "or a rate-network model (.toml/.yaml file or shipped name)", type=str, example="rate"),
    Option("n", None, "network size N (default: 200 for predict; validate picks per network)", type=int,
           example=120),
    Option("g", None, "rate network: coupling gain (J_ij ~ N(0, g^2/N)); default 2", example=0.5),
    Option("k", None, "spiking networks: in-degree K (default 50)", type=int, example=40),
    Option("m", None, "number of exponents (default: all N)", type=int, example=5),
    Option("t_sim", None, "measurement time (rate: in tau; spiking: in ms); predict uses it only for a "
           "model file's spectrum", example=50.0),
    Option("dt", None, "rate network: Euler time step, in tau (0 < dt < 1; default 0.1)", example=0.05),
    Option("drive_amp", None, "rate network: amplitude of sinusoidal input A cos(2 pi f t + theta_i) "
           "(validate, or predict with a model file; default 0)", example=1.0),
    Option("rate", None, "spiking networks: target rate used by the balance condition "
                         "(default 1 Hz theta, 10 Hz lif)", "Hz", example=5.0),
    Option("j0", None, "spiking networks: coupling, J = -j0/sqrt(K) (default 1)", example=1.5),
    Option("tau_m", None, "spiking networks: membrane time constant (default 10 ms)", "ms", example=20.0),
)

PREDICT_OPTIONS = (
    Option("dmft", False, "predict: also solve the DMFT for lambda_max (slower)", type=bool),
)

VALIDATE_OPTIONS = (
    Option("sizes", None, "rate network: comma-separated sizes for lambda_1 vs DMFT "
                          "(default 250,500,1000,2000; quick 100,200,400)", type=str, example="100,150,200"),
)

REFS = (
    "Engelken, Wolf, Abbott 2023, Lyapunov spectra of chaotic recurrent neural networks, Phys Rev Research 5:043044",
    "Monteforte & Wolf 2010, Dynamical entropy production in spiking neuron networks in the balanced state, PRL 105:268104",
    "Sompolinsky, Crisanti, Sommers 1988, PRL 61:259",
    "Benettin, Galgani, Giorgilli, Strelcyn 1980, Meccanica 15:9",
)

_RATE_ONLY = ("g", "dt", "drive_amp")
_SPIKING_ONLY = ("k", "rate", "j0", "tau_m")


def _derive(model="all"):
    from recnet.theory import lyapunov
    if model in (None, "all"):
        out = {}
        for mdl in ("rate", "theta", "lif"):
            out.update({f"[{mdl}] {k}": v for k, v in lyapunov.equations(mdl).items()})
        return out
    if model not in BUILTIN:
        return lyapunov.equations("rate")
    return lyapunov.equations(model)


def _kind(model):
    """'all' | 'rate' | 'theta' | 'lif' | 'file' for the model option."""
    if model is None:
        return "all"
    if isinstance(model, str) and model in BUILTIN:
        return model
    return "file"


def _refuse_inapplicable(kind, opts):
    """ParameterError for an option given (not None) that the chosen network does not use."""
    from recnet.checks import ParameterError
    if kind in ("rate", "file"):
        for k in _SPIKING_ONLY:
            if opts.get(k) is not None:
                raise ParameterError(k, opts[k], f"applies to the spiking networks (theta, lif), not to "
                                     f"model = {'a rate-network file' if kind == 'file' else 'rate'}")
    if kind in ("theta", "lif"):
        for k in _RATE_ONLY:
            if opts.get(k) is not None:
                raise ParameterError(k, opts[k], f"applies to rate networks, not to model = {kind}")


def _check_rate(rate):
    from recnet import checks
    if rate is None:
        return None
    return checks.in_range("rate", rate, 0.0, 1000.0, low_inclusive=False, unit="Hz")


def _rename(d, unit):
    """Numerics keys -> subject keys with the unit in the name."""
    ren = {"exponents": f"exponents_{unit}", "lambda_max": f"lambda_max_{unit}",
           "exponents_flow": f"exponents_flow_{unit}", "lambda_max_flow": f"lambda_max_flow_{unit}",
           "entropy_rate": f"entropy_rate_{unit}", "sum_rule_flow": f"sum_rule_flow_{unit}",
           "sum_rule_map": "sum_rule_map", "sum_rule_m_largest_flow_subcritical":
           f"sum_rule_m_largest_flow_subcritical_{unit}"}
    out = {ren.get(k, k): v for k, v in d.items() if k != "exponent_unit"}
    if "not_computed" in out:
        out["not_computed"] = {ren.get(k, k): v for k, v in out["not_computed"].items()}
    return out


def _predict_one(kind, n, g, k, m, dt, rate, j0, tau_m, dmft):
    from recnet import checks
    tau_m = 10.0 if tau_m is None else checks.positive("tau_m", tau_m, "ms")
    j0 = 1.0 if j0 is None else j0
    k = 50 if k is None else k
    if n is not None:
        checks.integer("n", n, minimum=1, maximum=100000)
    if kind == "rate":
        from recnet.numerics.lyapunov import rate as L
        if dmft:
            from recnet.subjects._rate import check_dmft_ranges
            check_dmft_ranges(g=2.0 if g is None else g)
        out = L.prediction(200 if n is None else n, 2.0 if g is None else g, m, 0.1 if dt is None else dt,
                           dmft=dmft)
        unit = "per_tau" if out.get("exponent_unit") == "1/tau" else "per_step"
        return _rename(out, unit)
    if kind == "theta":
        from recnet.numerics.lyapunov import theta as L
        out = L.prediction(1000 if n is None else n, k, 1.0 if rate is None else rate, j0, tau_m)
    else:
        from recnet.numerics.lyapunov import lif as L
        out = L.prediction(1000 if n is None else n, k, 10.0 if rate is None else rate, j0, tau_m)
    return _rename(out, "per_s")


def _file_model(model, n, g):
    from recnet.models.rate_network import load_rate_network
    mdl = load_rate_network(model)
    ch = {k: v for k, v in (("n", n), ("g", g)) if v is not None}
    return mdl.replace(**ch) if ch else mdl


def _predict_file(model, n, g, m, t_sim, dt, drive_amp, dmft):
    """Spectrum of the user's matrix (or of one draw of the user's ensemble, the model's seed or 0)."""
    from recnet import checks
    from recnet.checks import ParameterError
    from recnet.numerics.lyapunov import rate as L
    if dmft:
        raise ParameterError("dmft", dmft, "the DMFT lambda_max is for the built-in random network "
                             "(--model rate); with a model file use `recnet predict dmft --model FILE`")
    mdl = _file_model(model, n, g)
    if mdl.phi == "per-population":
        raise ParameterError("phi", mdl.phi, "the model's populations have different transfer functions: the "
                             f"spectrum engine runs one built-in phi ({', '.join(L.PHIS)}) for every unit")
    if mdl.phi not in L.PHIS:
        raise ParameterError("phi", mdl.phi, "the Lyapunov-spectrum engine runs the built-in transfer functions "
                             f"only ({', '.join(L.PHIS)}): an expression phi is not compiled into it")
    dt = 0.1 if dt is None else checks.in_range("dt", dt, 0.0, 1.0, low_inclusive=False, high_inclusive=False,
                                                 unit="tau")
    t_sim = 100.0 if t_sim is None else checks.in_range("t_sim", t_sim, 0.0, 1e5, low_inclusive=False, unit="tau")
    drive_amp = 0.0 if drive_amp is None else checks.nonnegative("drive_amp", drive_amp)
    seed = 0 if mdl.seed is None else mdl.seed
    W = mdl.coupling(seed)
    r = L.spectrum(W, m, dt=dt, t_sim=t_sim, t_warm=50.0, t_warm_q=20.0, seed=seed, drive_amp=drive_amp,
                   i0=mdl.inputs(), phi=mdl.phi)
    lam = r.exponents
    per_s = 1000.0 / mdl.tau
    values = {"model": "rate-network", "n": mdl.size, "m": int(r.m), "dt_tau": dt, "t_sim_tau": t_sim,
              "exponents_per_tau": lam, "exponents_stderr_per_tau": r.stderr,
              "lambda_max_per_tau": float(lam[0]), "lambda_max_stderr_per_tau": float(r.stderr[0]),
              "lambda_max_per_s": float(lam[0]) * per_s,
              "lambda1_twin_per_tau": r.get("lambda1_twin"),
              "entropy_rate_per_tau": r.entropy_rate, "entropy_rate_per_s": r.entropy_rate * per_s,
              "ky_dimension": r.ky_dimension,
              "regime": "chaotic (lambda_max > 0)" if lam[0] > 3 * r.stderr[0] else
                        ("stable (lambda_max < 0)" if lam[0] < -3 * r.stderr[0] else "marginal (lambda_max ~ 0)")}
    if r.m < mdl.size:
        values["spectrum_note"] = (f"{r.m} of {mdl.size} exponents: entropy rate and Kaplan-Yorke dimension are "
                                   "lower bounds if the remaining ones matter")
    cfg = {"model": mdl.to_dict(), "n": mdl.size, "g": None if mdl.explicit else mdl.g, "m": int(r.m),
           "t_sim": t_sim, "dt": dt, "drive_amp": drive_amp, "draw_seed": None if mdl.explicit else seed}
    return values, cfg


def _predict(model=None, n=None, g=None, k=None, m=None, t_sim=None, dt=None, drive_amp=None, rate=None,
             j0=None, tau_m=None, dmft=False):
    from recnet.checks import ParameterError
    from recnet.results import Result
    kind = _kind(model)
    opts = dict(g=g, k=k, rate=rate, j0=j0, tau_m=tau_m, dt=dt, drive_amp=drive_amp)
    _refuse_inapplicable(kind, opts)
    rate = _check_rate(rate)
    if kind == "file":
        values, cfg = _predict_file(model, n, g, m, t_sim, dt, drive_amp, dmft)
        return Result("lyapunov", values=values, config=dict(cfg, dmft=bool(dmft)))
    if t_sim is not None:
        raise ParameterError("t_sim", t_sim, "predict gives closed forms for the built-in networks and simulates "
                             "nothing: t_sim is used by `validate` or with a model file")
    if drive_amp is not None:
        raise ParameterError("drive_amp", drive_amp, "predict's closed forms are for undriven networks: "
                             "drive_amp is used by `validate` or with a model file")
    if kind == "all":
        out = {mdl: _predict_one(mdl, n, g, k, m, dt, rate, j0, tau_m, dmft) for mdl in ("rate", "theta", "lif")}
        # the headline keys are the rate network's; those it could not compute are named with the reason
        missing = out["rate"].get("not_computed", {})
        for key in ("exponents_per_tau", "entropy_rate_per_tau", "ky_dimension", "lambda_max_per_tau"):
            if key in out["rate"]:
                out[key] = out["rate"][key]
            else:
                out.setdefault("not_computed", {})[key] = "rate network: " + missing[key]
        return out
    return _predict_one(kind, n, g, k, m, dt, rate, j0, tau_m, dmft)


def _validate(backend="numba", quick=False, seed=12345, model=None, n=None, g=None, k=None, m=None,
              t_sim=None, dt=None, drive_amp=None, rate=None, j0=None, tau_m=None, sizes=None):
    from recnet.validation import lyapunov as V
    kind = _kind(model)
    _refuse_inapplicable(kind, dict(g=g, k=k, rate=rate, j0=j0, tau_m=tau_m, dt=dt, drive_amp=drive_amp))
    rate = _check_rate(rate)
    if kind == "file":
        from recnet.checks import ParameterError
        if backend != "numba":
            raise ParameterError("backend", backend, "a rate-network model file is validated on numba only")
        if sizes is not None:
            raise ParameterError("sizes", sizes, "sizes apply to the built-in random network (lambda_1 vs DMFT), "
                                 "not to a model file")
        mdl = _file_model(model, n, g)
        return V.validate_model(mdl, quick=quick, seed=seed, m=m, t_sim=t_sim, dt=dt, drive_amp=drive_amp)
    return V.validate(backend=backend, quick=quick, seed=seed, model=kind, n=n, g=g, k=k, m=m,
                      t_sim=t_sim, dt=dt, drive_amp=drive_amp, rate=rate, j0=j0, tau_m=tau_m, sizes=sizes)


SUBJECTS = [
    Subject("lyapunov", 2,
            "Lyapunov spectra, entropy rate and Kaplan-Yorke dimension of rate, theta and LIF networks",
            options=OPTIONS, derive=_derive, predict=_predict, validate=_validate,
            predict_options=PREDICT_OPTIONS, validate_options=VALIDATE_OPTIONS, backends=("numba", "nest"),
            references=REFS),
]
