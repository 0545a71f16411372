"""Subject ``dmft``: stationary chaos in random rate networks (Sompolinsky, Crisanti, Sommers 1988).

Values (keys shared by the rate-network subjects, see ``recnet/subjects/_rate.py``): ``delta0``,
``delta_inf``, ``temporal_variance``, ``mu``, ``lambda_max_per_tau``, ``tau_corr_tau``, ``g_c``,
``uniform_mode_growth_per_tau``, ``state`` (the outcome in words), ``stable``, ``chaotic``,
``branch``, ``branches`` (every stationary solution found).  A quantity a state does not have (the
correlation time of a fixed point; every value when there is no stationary state) is absent and named,
with the reason, in ``not_computed``.  ``--balanced`` needs j0 != 0; when I0/J0 lies outside the range
of phi no balanced state exists and ``state`` says so.
"""
import math

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
    lo, hi = sol.get("delta_range", (1e-8, 1e4))
    if sol["n_solutions"] == 0 and balanced:
        return ("no balanced state found: the balance condition J0 <phi> = I0 and the self-consistency "
                f"Delta0 = g^2 C_phi(Delta0) have no common solution with Delta0 in [{lo:g}, {hi:g}]")
    if sol["n_solutions"] == 0:
        return ("no stationary state: the self-consistency Delta0 = g^2 C_phi(Delta0) has no solution with "
                f"Delta0 in [{lo:g}, {hi:g}] (for a phi growing faster than linearly the activity grows without "
                "bound)")
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


_BALANCED_UM = ("balanced scaling -J0/sqrt(N): the uniform mode's rate -1 - sqrt(N) J0 <phi'> diverges with N "
                "(stable iff J0 <phi'> > 0), so no finite value is given")


def _check_balanced(j0):
    """The balanced state is set by J0 <phi> = I0: without a mean coupling nothing fixes mu."""
    from recnet.checks import ParameterError
    if j0 == 0.0:
        raise ParameterError("balanced", True, "needs a mean coupling j0 != 0: the balanced state is fixed by "
                             "J0 <phi(mu + sqrt(Delta0) z)> = I0, which with j0 = 0 leaves mu undetermined "
                             "(drop --balanced for the plain network, or give e.g. --j0 1)")


def _phi_range(phi):
    """(inf, sup) of phi on the real line, from a grid: +-inf where phi still grows between |x| = 1e3
    and 1e8 (or overflows).  A sampled sup can only be below the true one, so an I0/J0 judged inside
    the range goes to the solver; outside, no Gaussian average of phi can reach it."""
    import numpy as np
    import sympy as sp
    from recnet.numerics.gaussian import transfer
    tr = transfer(phi)
    x = sorted(tr.expr.free_symbols, key=str)[0]
    f = sp.lambdify(x, tr.expr, ["scipy", "numpy"])

    def ev(grid):
        with np.errstate(all="ignore"):
            y = np.broadcast_to(np.asarray(f(grid), dtype=float), grid.shape)
        return np.where(np.isnan(y), 0.0, y)   # a 0/0 on the grid says nothing about the range

    try:
        f(np.zeros(3))
    except Exception:   # not numpy-vectorisable: no range claim, the solver decides
        return -math.inf, math.inf
    near = np.concatenate([-np.logspace(3, -6, 400), [0.0], np.logspace(-6, 3, 400), np.linspace(-50, 50, 2001)])
    y, far = ev(near), ev(np.array([-1e8, -1e6, 1e6, 1e8]))
    lo, hi = float(y.min()), float(y.max())
    tol = 1e-12 * max(1.0, abs(lo), abs(hi))
    return (-math.inf if far.min() < lo - tol else lo), (math.inf if far.max() > hi + tol else hi)


def _no_balanced_state(phi, j0, i0):
    """The outcome in words when I0/J0 lies outside the range of phi (then <phi> = I0/J0 is impossible),
    else None."""
    lo, hi = _phi_range(phi)
    target = i0 / j0
    if lo < target < hi:
        return None
    if target in (lo, hi):
        return (f"no balanced state with fluctuations: the balance condition J0 <phi> = I0 needs <phi> = I0/J0 = "
                f"{target:.6g}, the edge of the range of phi = {phi}, which a Gaussian average reaches only with "
                "Delta0 = 0 where phi is flat at that value (then every such mu is a silent fixed point: a "
                "continuum, mu undetermined), or not at all")
    return (f"no balanced state: the balance condition J0 <phi> = I0 needs the population mean <phi> = I0/J0 = "
            f"{target:.6g}, outside the range ({lo:.6g}, {hi:.6g}) of phi = {phi}; the mean input "
            "sqrt(N) (I0 - J0 <phi>) grows with N and the units saturate")


def _drop_none(values, reasons):
    """Move every None in ``values`` into ``values['not_computed']`` with the reason in words."""
    missing = {k: reasons.get(k, "not defined for this state") for k, v in values.items() if v is None}
    out = {k: v for k, v in values.items() if v is not None}
    if missing:
        out["not_computed"] = missing
    return out


def _predict(g=2.0, phi="tanh", j0=0.0, i0=0.0, balanced=False, model=None):
    from recnet.numerics.dmft import stationary as dmft
    from recnet.results import Result
    from recnet.subjects import _rate
    g, phi, j0, i0, m, warns = _dmft_model(model, g, phi, j0, i0)
    _rate.check_dmft_ranges(g, j0, i0)
    _rate.check_phi(phi)
    cfg = {"g": g, "phi": str(phi), "j0": j0, "i0": i0, "balanced": bool(balanced),
           "model": None if m is None else m.to_dict()}
    keys = ("delta0", "delta_inf", "temporal_variance", "mu", "lambda_max_per_tau", "tau_corr_tau")
    if balanced:
        _check_balanced(j0)
        state = _no_balanced_state(phi, j0, i0)
        if state is not None:   # known before any solving: <phi> cannot reach I0/J0
            values = {"state": state, "chaotic": False, "stable": False, "branch": "none", "n_solutions": 0,
                      "branches": [], "not_computed": {k: state for k in keys + ("g_c",)}}
            return Result("dmft", values=values, config=cfg, warnings=warns + [state])
    sol = dmft.solve_stationary(g, phi=phi, j0=j0, i0=i0, balanced=balanced)
    reasons = {"uniform_mode_growth_per_tau": _BALANCED_UM if balanced else "no stationary state",
               "tau_corr_tau": "a fixed point has no temporal fluctuations (Delta(tau) = Delta0)",
               "lambda_max_per_tau": "no Lyapunov exponent found for this solution",
               "g_c": "no loss of stability of a fixed point found for g in (0, 20]"}
    branches = [_drop_none(_rate.branch_values(b), reasons) for b in sol["branches"]]
    prim = branches[0] if branches else None
    state = _state(sol, phi, balanced)
    values = {"state": state}
    warns += sol.get("warnings", [])
    if prim is not None and "quadrature_error" in prim:
        values["quadrature_error"] = prim["quadrature_error"]
    if balanced:
        values["uniform_mode_note"] = _BALANCED_UM
    if prim is None:
        warns.append(state)
        reasons.update({k: state for k in keys})
        values.update({k: None for k in keys}, uniform_mode_growth_per_tau=None)
    else:
        values.update({k: prim.get(k) for k in keys})
        values["uniform_mode_growth_per_tau"] = prim.get("uniform_mode_growth_per_tau")
        if not sol["stable"]:
            warns.append(state)
    if m is not None and values.get("lambda_max_per_tau") is not None:
        # the model's tau (ms) turns the dimensionless DMFT into physical units
        values["lambda_max_per_s"] = values["lambda_max_per_tau"] / m.tau * 1e3
        tc = values.get("tau_corr_tau")
        values["tau_corr_ms"] = None if tc is None else tc * m.tau
        reasons["tau_corr_ms"] = reasons["tau_corr_tau"]
    gc = sol["g_c"]
    if gc == math.inf:
        reasons["g_c"] = "phi' = 0 at the zero-variance fixed point: it never loses stability (g_c = infinity)"
    values.update(g_c=gc if math.isfinite(gc) else None, chaotic=sol["chaotic"], stable=sol["stable"],
                  branch=sol["branch"], n_solutions=sol["n_solutions"], branches=branches)
    if not math.isfinite(gc):
        values["g_c_note"] = reasons["g_c"]
    return Result("dmft", values=_drop_none(values, reasons), config=cfg, warnings=warns)


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
