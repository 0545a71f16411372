"""Subject ``rate-network``: structured random rate networks, one or several populations
(Kadmon & Sompolinsky 2015, PRX 5:041030; Sompolinsky, Crisanti, Sommers 1988).

``recnet predict rate-network --g G --phi PHI [--j0 J0] --json`` (one population) or
``--model FILE`` (``[[population]]``/``[[coupling]]`` tables, see ``recnet.models.rate_network``).

Values:

* ``chaos.radius``: spectral radius rho(M) of M_ab = g_ab^2 alpha_b <phi_b'^2> at the fixed point
  (the onset criterion: chaotic when > 1); ``chaos.chaotic``: the stable stationary state is chaotic;
* ``lambda_max_per_tau``: largest Lyapunov exponent of the primary state (1/tau);
* ``populations``: per population name ``mu``, ``delta0``, ``delta_inf``, ``temporal_variance``;
* ``uniform_mode``: ``eigenvalues_per_tau`` (of -1 + J0_ab alpha_b <phi_b'>) and ``stable``;
* ``state`` (in words), ``branches`` (every stationary state found, each with its stability);
* ``dimension.participation_ratio_per_n``: PR/N of the **zero-frequency** (long-time-window)
  covariance of the noise-driven fluctuations about a stable fixed point whose slope phi' is the
  same for every unit of a population (linear phi, or no heterogeneity), N -> infinity:
  (1 - g^2 phi'^2)^2 for one population (Hu & Sompolinsky 2022; Clark, Abbott & Litwin-Kumar 2023),
  the block Dyson solution of ``theory.dimension_linear`` for several; ``dimension.covariance`` says
  which covariance; otherwise the reason is under ``not_computed``.
"""
from recnet.registry import Option, Subject


def _structure(model, g, phi, j0, i0):
    """(names, alpha, G, J0, phis, I, model, warnings): a model's populations or the one-population shortcut."""
    import numpy as np

    from recnet.checks import ParameterError
    from recnet.subjects import _rate
    if model is None:
        _rate.check_dmft_ranges(g, j0, i0)
        _rate.check_phi(phi)
        return ["all"], np.array([1.0]), np.array([[g]]), np.array([[j0]]), [phi], np.array([i0]), None, []
    m = _rate.load_model(model)
    if m.explicit:
        raise ParameterError("model", m.name, "is one explicit matrix W: the population DMFT describes an ensemble "
                             "(give n and [[population]]/[[coupling]] tables)")
    if m.lowrank is not None:
        raise ParameterError("model", m.name, "has a low-rank part: use the `lowrank` subject")
    if np.ndim(m.i0) != 0:
        raise ParameterError("model", m.name, "has a vector of inputs i0: give one input i0 for all units")
    warns = []
    for k, dv, v in (("g", 2.0, g), ("phi", "tanh", phi), ("j0", 0.0, j0), ("i0", 0.0, i0)):
        if v != dv:
            raise ParameterError(k, v, "with --model the model file gives the couplings, transfer functions and "
                                 "input: leave this option out or edit the model")
    names = [nm for nm, _ in m.populations] or ["all"]
    alpha = np.array(m.fractions())
    P = alpha.size
    G = np.broadcast_to(np.asarray(m.g, float), (P, P)).copy()
    J = np.broadcast_to(np.asarray(m.j0, float), (P, P)).copy()
    for v, nm in ((G, "g"), (J, "j0")):
        if np.any(np.abs(v) > (_rate.G_MAX if nm == "g" else _rate.J0_MAX)):
            raise ParameterError(nm, v.tolist(), "entries beyond the solver's range")
    return names, alpha, G, J, list(m.phis()), np.full(P, float(m.i0)), m, warns


def _branch_values(b, names):
    import numpy as np
    pops = {nm: {"mu": float(b["mu"][a]), "delta0": float(b["delta0"][a]), "delta_inf": float(b["delta_inf"][a]),
                 "temporal_variance": float(b["temporal_variance"][a])} for a, nm in enumerate(names)}
    ev = np.asarray(b["uniform_mode_eigenvalues"])
    return {"branch": b["branch"], "stable": bool(b["stable"]), "chaotic": bool(b["chaotic"]),
            "chaos_radius": float(b["chaos_radius"]), "lambda_max_per_tau": float(b["lambda_max"]),
            "bulk_stable": bool(b["bulk_stable"]),
            "uniform_mode": {"eigenvalues_per_tau": [float(v) for v in ev.real] if np.all(np.abs(ev.imag) < 1e-12)
                             else [{"re": float(v.real), "im": float(v.imag)} for v in ev],
                             "stable": bool(b["uniform_mode_stable"])},
            "populations": pops}


def _state_words(b):
    if b is None:
        return "no stationary state found"
    if b["stable"]:
        if b["chaotic"]:
            return "stationary chaos (lambda_max > 0, uniform modes stable)"
        return "stable fixed point" + (" (no fluctuations)" if max(abs(v) for v in b["delta0"]) == 0 else
                                       " (heterogeneous)")
    why = []
    if not b["bulk_stable"]:
        why.append(f"the random bulk is unstable (rho(M) = {b['chaos_radius']:.4g} > 1)")
    if not b["uniform_mode_stable"]:
        why.append("a uniform (ferromagnetic) mode grows (an eigenvalue of -1 + J0 alpha <phi'> has a positive real part)")
    return "no stable stationary state found: " + "; ".join(why)


def _dimension(prim, alpha, G, phis):
    """(values, reason): the zero-frequency participation ratio of the linear response about ``prim``."""
    import numpy as np

    from recnet.numerics.dimension_linear import participation_ratio_linear
    from recnet.numerics.dmft.populations import _mean
    from recnet.numerics.gaussian import transfer
    if prim is None or prim["branch"] != "fixed_point" or not prim["stable"]:
        return None, ("defined for noise-driven fluctuations about a stable fixed point (the primary state is "
                      + ("none" if prim is None else ("chaotic" if prim["chaotic"] else "unstable")) + "); the "
                      "chaotic-regime dimension (Clark, Abbott & Litwin-Kumar 2023) is not implemented")
    slopes = []
    for b, ph in enumerate(phis):
        if isinstance(ph, str) and ph == "linear":
            slopes.append(1.0)
        elif float(prim["delta0"][b]) == 0.0 and not (isinstance(ph, str) and ph == "relu"
                                                       and float(prim["mu"][b]) == 0.0):
            slopes.append(float(_mean(transfer(ph), 1, prim["mu"][b], 0.0)[0]))
        else:
            return None, ("the closed form needs one slope phi' per population (linear phi, or a fixed point "
                          "without heterogeneity); this fixed point has a spread of slopes")
    S = np.asarray(G, float) ** 2 * np.asarray(slopes)[None, :] ** 2
    d = participation_ratio_linear(alpha, S)
    return {"participation_ratio_per_n": d["participation_ratio_per_n"],
            "covariance": "zero-frequency (activity integrated over windows much longer than the correlation "
                          "time); the equal-time covariance has a larger PR",
            "drive": "independent white noise of equal intensity in every unit, linear response, N -> infinity",
            "mean_variance_per_noise": d["mean_variance"], "phi_slopes": slopes}, None


def _solve(names, alpha, G, J, phis, I):
    from recnet.numerics.dmft.populations import solve_populations
    return solve_populations(alpha, G, J, phis, I)


def _derive(phi="tanh"):
    from recnet.theory.dmft import populations as T
    return T.equations(2, phi)


def _predict(g=2.0, phi="tanh", j0=0.0, i0=0.0, model=None):
    from recnet.results import Result
    names, alpha, G, J, phis, I, m, warns = _structure(model, g, phi, j0, i0)
    sol = _solve(names, alpha, G, J, phis, I)
    brs = sol["branches"]
    prim = brs[0] if brs else None
    state = _state_words(prim)
    fps = [b for b in brs if b["branch"] == "fixed_point"]
    # the onset criterion is read at the fixed point with the primary state's mean input
    # (several fixed points at one mean input, e.g. tanh's zero and heterogeneous ones: the one of
    # smallest variance, which is the branch continued from small g, whose loss of stability is the onset)
    ref = min(fps, key=lambda b: (round(float(sum(abs(prim["mu"] - b["mu"]))), 6), float(sum(b["delta0"])))) \
        if (fps and prim is not None) else None
    values = {"state": state,
              "chaos": {"radius": None if ref is None else float(ref["chaos_radius"]),
                        "chaotic": bool(sol["chaotic"])},
              "lambda_max_per_tau": None if prim is None else float(prim["lambda_max"]),
              "populations": None if prim is None else _branch_values(prim, names)["populations"],
              "uniform_mode": None if prim is None else _branch_values(prim, names)["uniform_mode"],
              "stable": bool(prim is not None and prim["stable"]),
              "branches": [_branch_values(b, names) for b in brs], "n_solutions": len(brs)}
    dim, why = _dimension(prim, alpha, G, phis)
    if dim is not None:
        values["dimension"] = dim
    else:
        values["not_computed"] = {"dimension": why}
    if prim is not None and not prim["stable"]:
        warns.append(state)
    if m is not None and values["lambda_max_per_tau"] is not None:
        values["lambda_max_per_s"] = values["lambda_max_per_tau"] / m.tau * 1e3
    cfg = {"g": g, "phi": phi, "j0": j0, "i0": i0, "model": None if m is None else m.to_dict(),
           "population_names": names, "alpha": alpha.tolist(), "phis": list(phis)}
    return Result("rate-network", values=values, config=cfg, warnings=warns)


def _validate(backend="numba", quick=False, seed=12345, g=2.0, phi="tanh", j0=0.0, i0=0.0, model=None, n=None,
              n_networks=3):
    from recnet.checks import ParameterError
    from recnet.validation.dmft import populations as V
    names, alpha, G, J, phis, I, m, warns = _structure(model, g, phi, j0, i0)
    if isinstance(n_networks, bool) or not isinstance(n_networks, int) or not 2 <= n_networks <= 32:
        raise ParameterError("n_networks", n_networks, "an integer in [2, 32]")
    if n is not None and (isinstance(n, bool) or not isinstance(n, int) or not 40 <= n <= 8000):
        raise ParameterError("n", n, "an integer in [40, 8000]")
    sol = _solve(names, alpha, G, J, phis, I)
    if not sol["branches"] or not sol["branches"][0]["stable"]:
        raise ParameterError("model" if m is not None else "g", m.name if m is not None else g,
                             f"the DMFT has no stable stationary state to validate ({_state_words(sol['branches'][0] if sol['branches'] else None)})")
    prim = sol["branches"][0]
    res = V.validate(alpha, G, J, phis, I, names, prim, n=n if n is not None else (m.size if m is not None and not quick else None),
                     n_networks=n_networks, quick=quick, seed=seed)
    res.config = {"g": g, "phi": phi, "j0": j0, "i0": i0, "model": None if m is None else m.to_dict(),
                  "n": res.info["sizes"][-1], "n_networks": n_networks, "sizes": res.info["sizes"]}
    if warns:
        res.info["warnings"] = warns
    return res


SUBJECTS = [
    Subject(
        "rate-network", 1,
        "structured random rate networks: per-population DMFT, chaos radius rho(M), lambda_max, uniform modes",
        options=(
            Option("g", 2.0, "coupling gain g of the one-population shortcut, 0 < g <= 100"),
            Option("phi", "tanh", "transfer function of the one-population shortcut: tanh|erf|relu|linear or an "
                   "expression in x", type=str, example="erf"),
            Option("j0", 0.0, "mean coupling J0 of the one-population shortcut (J_ij mean J0/N)", example=0.5),
            Option("i0", 0.0, "constant input of the one-population shortcut", example=0.3),
            Option("model", None, "rate-network model (.toml/.yaml or shipped name) with [[population]] and "
                   "[[coupling]] tables (then g, phi, j0, i0 come from the model)", type=str,
                   example="scs1988_g3"),
        ),
        derive=_derive, predict=_predict, validate=_validate,
        validate_options=(
            Option("n", None, "largest network size N (default 1200, quick 400; with --model its n); the "
                   "extrapolation uses N/2 and N", type=int, example=300),
            Option("n_networks", 3, "network realisations at N (twice as many at N/2)", type=int),
        ),
        references=("Kadmon, Sompolinsky 2015, PRX 5:041030",
                    "Sompolinsky, Crisanti, Sommers 1988, PRL 61:259",
                    "Aljadeff, Stern, Sharpee 2015, PRL 114:088101"),
    ),
]
