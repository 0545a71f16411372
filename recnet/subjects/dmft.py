"""Subject ``dmft``: stationary chaos in random rate networks (Sompolinsky, Crisanti, Sommers 1988).

Values (keys shared by the rate-network subjects, see ``recnet/subjects/_rate.py``): ``delta0``,
``delta_inf``, ``temporal_variance``, ``mu``, ``lambda_max_per_tau``, ``tau_corr_tau``, ``g_c``,
``uniform_mode_growth_per_tau``, ``state`` (the outcome in words), ``stable``, ``chaotic``,
``branch``, ``branches`` (every stationary solution found).
"""
from recnet.registry import Option, Subject

_UNBOUNDED = ("relu", "linear")


def _derive(phi="tanh", j0=0.0, balanced=False):
    from recnet.theory.dmft import stationary as dmft
    eqs = dmft.equations(phi, j0=j0, balanced=balanced)
    if isinstance(phi, str) and phi.strip() in ("erf", "relu"):
        from recnet.theory.dmft import gaussian_kernels as gk
        for k, v in gk.kernels(phi.strip()).items():
            eqs[f"kernel_C_{k}_zero_mean"] = v
    return eqs


def _dmft_model(model, g, phi, j0, i0):
    """(g, phi, j0, i0, model dict, warnings) with a rate-network model's ensemble folded in."""
    from recnet.checks import ParameterError
    from recnet.subjects import _rate
    if model is None:
        return g, phi, j0, i0, None, []
    m = _rate.load_model(model)
    if m.explicit:
        raise ParameterError("model", m.name, "is one explicit matrix W: the DMFT describes an ensemble (i.i.d. "
                             "Gaussian J_ij with mean J0/N and variance g^2/N), not one given matrix; give the "
                             "ensemble (n, g, j0) instead, or use `recnet predict lyapunov --model FILE` for "
                             "this matrix's spectrum")
    if not m.homogeneous:
        why = "a low-rank part (use `lowrank`)" if m.lowrank is not None else "several populations"
        raise ParameterError("model", m.name, f"has {why}: `dmft` treats one homogeneous population "
                             "(scalar g and j0, no low-rank part)")
    if __import__("numpy").ndim(m.i0) != 0:
        raise ParameterError("model", m.name, "has a vector of inputs i0: `dmft` needs one input i0 for all units")
    defaults = {"g": 2.0, "phi": "tanh", "j0": 0.0, "i0": 0.0}
    got, warns = _rate.merge_model(m, defaults, dict(g=g, phi=phi, j0=j0, i0=i0))
    return got["g"], got["phi"], got["j0"], got["i0"], m, warns


def _state(sol, phi, balanced=False):
    """The outcome in words for the primary solution of numerics.dmft.solve_stationary."""
    if sol["n_solutions"] == 0:
        return ("no stationary state: the self-consistency Delta0 = g^2 C_phi(Delta0) has no solution with "
                "Delta0 in [1e-8, 1e4] (for a phi growing faster than linearly the activity grows without bound)")
    if sol["stable"]:
        if sol["chaotic"]:
            return "stationary chaos (lambda_max > 0, uniform mode stable)"
        return ("stable fixed point x_i = mu (no fluctuations)" if sol["delta0"] == 0.0 else
                "stable heterogeneous fixed point")
    why = []
    lam = sol["lambda_max"]
    if lam is not None and lam >= 0:
        why.append(f"the fluctuations grow at lambda_max = {lam:.4g}/tau")
    um = (sol["branches"][0].get("uniform_mode_growth") if sol["branches"] else None)
    if sol["branches"] and not sol["branches"][0].get("uniform_mode_stable", True):
        why.append("the uniform mode grows (balanced scaling: its rate -1 - sqrt(N) J0 <phi'> > 0 since "
                   "J0 <phi'> < 0)" if balanced or um is None else
                   f"the uniform mode grows at -1 + J0 <phi'> = {um:.4g}/tau")
    if str(phi).strip() in _UNBOUNDED:
        return ("activity diverges: no bounded stationary state (every stationary solution is unstable and "
                f"phi = {phi} is unbounded and positively homogeneous: {'; '.join(why)})")
    return f"no stable stationary state found ({'; '.join(why) or 'every solution found is unstable'})"


def _predict(g=2.0, phi="tanh", j0=0.0, i0=0.0, balanced=False, model=None):
    from recnet.numerics.dmft import stationary as dmft
    from recnet.results import Result
    from recnet.subjects import _rate
    g, phi, j0, i0, m, warns = _dmft_model(model, g, phi, j0, i0)
    _rate.check_dmft_ranges(g, j0, i0)
    _rate.check_phi(phi)
    sol = dmft.solve_stationary(g, phi=phi, j0=j0, i0=i0, balanced=balanced)
    branches = [_rate.branch_values(b) for b in sol["branches"]]
    prim = branches[0] if branches else None
    state = _state(sol, phi, balanced)
    values = {"state": state}
    if balanced:
        values["uniform_mode_note"] = ("balanced scaling -J0/sqrt(N): the uniform mode's rate -1 - sqrt(N) J0 <phi'> "
                                       "diverges with N (stable iff J0 <phi'> > 0), so no finite value is given")
    if prim is None:
        warns.append(state)
        values.update(delta0=None, delta_inf=None, temporal_variance=None, mu=None, lambda_max_per_tau=None,
                      tau_corr_tau=None, uniform_mode_growth_per_tau=None)
    else:
        values.update({k: prim[k] for k in ("delta0", "delta_inf", "temporal_variance", "mu",
                                            "lambda_max_per_tau", "tau_corr_tau")})
        values["uniform_mode_growth_per_tau"] = prim.get("uniform_mode_growth_per_tau")
        if not sol["stable"]:
            warns.append(state)
    if m is not None and values.get("lambda_max_per_tau") is not None:
        # the model's tau (ms) turns the dimensionless DMFT into physical units
        values["lambda_max_per_s"] = values["lambda_max_per_tau"] / m.tau * 1e3
        tc = values.get("tau_corr_tau")
        values["tau_corr_ms"] = None if tc is None else tc * m.tau
    gc = sol["g_c"]
    values.update(g_c=gc if gc == gc else None, chaotic=sol["chaotic"], stable=sol["stable"],
                  branch=sol["branch"], n_solutions=sol["n_solutions"], branches=branches)
    if gc != gc:
        values["g_c_note"] = "no loss of stability of a fixed point found for g in (0, 20]"
    cfg = {"g": g, "phi": str(phi), "j0": j0, "i0": i0, "balanced": bool(balanced),
           "model": None if m is None else m.to_dict()}
    return Result("dmft", values=values, config=cfg, warnings=warns)


def _validate(backend="numba", quick=False, seed=12345, g=2.0, phi="tanh", j0=0.0, i0=0.0, balanced=False,
              model=None, gains="", n=None, n_networks=2, spiking=True, sizes=""):
    from recnet.checks import ParameterError
    from recnet.subjects import _rate
    from recnet.validation.dmft import stationary as dmft
    g, phi, j0, i0, m, warns = _dmft_model(model, g, phi, j0, i0)
    _rate.check_dmft_ranges(g, j0, i0)
    _rate.check_phi(phi)
    try:
        extra = [float(v) for v in str(gains).split(",") if v.strip()]
    except ValueError:
        raise ParameterError("gains", gains, "a comma-separated list of numbers, e.g. 1.5,3") from None
    for v in extra:
        _rate.check_dmft_ranges(g=v)
    gs = tuple(dict.fromkeys([g] + extra))
    try:
        ns = tuple(int(v) for v in str(sizes).split(",") if v.strip()) or None
    except ValueError:
        raise ParameterError("sizes", sizes, "a comma-separated list of integers, e.g. 250,500,1000,2000") from None
    if balanced:
        raise ParameterError("balanced", balanced, "`validate dmft` simulates the J0/N scaling only "
                             "(the balanced one is predict-only)")
    from recnet.numerics.dmft import stationary as D
    for gv in gs:  # a simulation of a state the DMFT says does not exist compares nothing
        sol = D.solve_stationary(gv, phi=phi, j0=j0, i0=i0)
        if not sol["stable"]:
            raise ParameterError("g" if gv == g else "gains", gv, f"the DMFT has no stable stationary state to "
                                 f"validate at g = {gv:g} ({_state(sol, phi, False)}); `recnet predict dmft` says why")
    if m is not None and not m.self_coupling:
        raise ParameterError("model", m.name, "has self_coupling = false: `validate dmft` simulates draws with the "
                             "diagonal kept (the DMFT is blind to it at large N); remove the field to validate")
    if m is not None and m.seed is not None:
        warns.append(f"the model's seed = {m.seed} is not used: validate draws its networks from --seed")
    if n is None and m is not None and ns is None:
        n = m.size  # the model's N is the largest simulated size
    res = dmft.validate(gains=gs, phi=phi, n=n, n_networks=n_networks, quick=quick, seed=seed,
                        spiking=spiking, j0=j0, i0=i0, sizes=ns)
    res.config = {"g": g, "phi": str(phi), "j0": j0, "i0": i0, "balanced": False,
                  "model": None if m is None else m.to_dict(),
                  "gains": list(gs),
                  "n": res.info["sizes"][-1], "n_networks": n_networks, "sizes": list(res.info["sizes"]),
                  "spiking": bool(spiking)}
    if spiking:
        res.config["spiking_gains"] = res.info.get("spiking_gains")
        res.config["spiking_phi"] = res.info.get("spiking_phi")
    if warns:
        res.info["warnings"] = warns
    return res


SUBJECTS = [
    Subject(
        "dmft", 1,
        "random rate network chaos: Delta0, Delta(tau), lambda_max, g_c from the stationary DMFT",
        options=(
            Option("g", 2.0, "coupling gain g (std of J_ij times sqrt N), 0 < g <= 100"),
            Option("phi", "tanh", "transfer function: tanh|erf|relu|linear or a sympy expression in x", type=str,
                   example="erf"),
            Option("j0", 0.0, "mean coupling J0 (J_ij mean J0/N, or -J0/sqrt(N) with --balanced)"),
            Option("i0", 0.0, "constant external input (sqrt(N) i0 if balanced)"),
            Option("balanced", False, "balanced mean coupling -J0/sqrt(N)", type=bool),
            Option("model", None, "rate-network model (.toml/.yaml file or shipped name) giving the ensemble "
                   "g, j0, i0, phi (an option left at its default takes the model's value)", type=str,
                   example="scs1988_g3"),
        ),
        derive=_derive, predict=_predict, validate=_validate,
        validate_options=(
            Option("gains", "", "comma-separated gains to simulate besides --g", type=str, example="3"),
            Option("n", None, "largest network size N (default: the model's n, else 2000; quick 500); the "
                   "finite-size extrapolation uses N/8, N/4, N/2, N (quick: N/4, N/2, N)", type=int),
            Option("n_networks", 2, "network realisations at the largest size (about n_networks*N/N_k, at most 16, "
                   "at the smaller sizes N_k)", type=int),
            Option("sizes", "", "comma-separated network sizes for the extrapolation (overrides --n)", type=str,
                   example="100,200,400"),
            Option("spiking", True, "also validate the Poisson-spiking counterpart (phi = 1 + tanh, at --g)",
                   type=bool),
        ),
        references=("Sompolinsky, Crisanti, Sommers 1988, PRL 61:259",
                    "Crisanti, Sompolinsky 2018, PRE 98:062120",
                    "Kadmon, Sompolinsky 2015, PRX 5:041030"),
    ),
]
