"""Subject ``dmft``: stationary chaos in random rate networks (Sompolinsky, Crisanti, Sommers 1988)."""
from recnet.registry import Option, Subject


def _derive(phi="tanh", j0=0.0, balanced=False):
    from recnet.theory import dmft
    eqs = dmft.equations(phi, j0=j0, balanced=balanced)
    if isinstance(phi, str) and phi.strip() in ("erf", "relu"):
        from recnet.theory import gaussian_kernels as gk
        for k, v in gk.kernels(phi.strip()).items():
            eqs[f"kernel_C_{k}_zero_mean"] = v
    return eqs


def _predict(g=2.0, phi="tanh", j0=0.0, i0=0.0, balanced=False):
    from recnet.numerics import dmft
    out = dmft.solve_stationary(g, phi=phi, j0=j0, i0=i0, balanced=balanced)
    # Delta0 = Delta_inf (static variance of the quenched field, > 0 for non-odd phi) + the temporal
    # variance of each unit
    out["temporal_variance"] = out["delta0"] - out["delta_inf"]
    out["lambda_max_unit"] = "1/tau"
    out["tau_corr_unit"] = "tau"
    return out


def _validate(backend="numba", quick=False, seed=12345, g=2.0, phi="tanh", gains="1.5,2,3", n=2000,
              n_networks=2, spiking=True, j0=0.0, i0=0.0, balanced=False, sizes=""):
    from recnet.validation import dmft
    try:
        gs = tuple(float(v) for v in str(gains).split(",") if v.strip())
    except ValueError:
        raise ValueError(f"gains = {gains!r} is invalid: a comma-separated list of numbers, e.g. 1.5,2,3") from None
    try:
        ns = tuple(int(v) for v in str(sizes).split(",") if v.strip()) or None
    except ValueError:
        raise ValueError(f"sizes = {sizes!r} is invalid: a comma-separated list of integers, e.g. 250,500,1000,2000") from None
    if balanced:
        raise ValueError("balanced = True is not simulated by `validate dmft` (predict only)")
    if g != 2.0:  # minimal hunk (issue 14 branch): the validation simulates --gains
        from recnet.checks import ParameterError
        raise ParameterError("g", g, "not used by `validate dmft`: give the gains to simulate with --gains")
    res = dmft.validate(gains=gs, phi=phi, n=n, n_networks=n_networks, quick=quick, seed=seed,
                        spiking=spiking, j0=j0, i0=i0, sizes=ns)
    # minimal hunk (issue 14 branch) until the subject's owner records the full config
    res.config = dict(phi=phi, gains=",".join(f"{g:g}" for g in gs), n=max(res.info["sizes"]), n_networks=n_networks,
                      sizes=",".join(map(str, res.info["sizes"])), spiking=bool(spiking), j0=j0, i0=i0,
                      balanced=bool(balanced), g=g)
    return res


SUBJECTS = [
    Subject(
        "dmft", 1,
        "random rate network chaos: Delta0, Delta(tau), lambda_max, g_c from the stationary DMFT",
        options=(
            Option("g", 2.0, "coupling gain g (std of J_ij times sqrt N)"),
            Option("phi", "tanh", "transfer function: tanh|erf|relu|linear or a sympy expression in x", type=str),
            Option("j0", 0.0, "mean coupling J0 (J_ij mean J0/N, or -J0/sqrt(N) with --balanced)"),
            Option("i0", 0.0, "constant external input (sqrt(N) i0 if balanced)"),
            Option("balanced", False, "balanced mean coupling -J0/sqrt(N)", type=bool),
        ),
        derive=_derive, predict=_predict, validate=_validate,
        validate_options=(
            Option("gains", "1.5,2,3", "comma-separated gains to simulate", type=str),
            Option("n", 2000, "largest network size N; the finite-size extrapolation uses N/8, N/4, N/2, N "
                   "(quick: at most 500, N/4, N/2, N)", type=int),
            Option("n_networks", 2, "network realisations at the largest size (about n_networks*N/N_k, at most 16, "
                   "at the smaller sizes N_k)", type=int),
            Option("sizes", "", "comma-separated network sizes for the extrapolation (overrides --n)", type=str),
            Option("spiking", True, "also validate the Poisson-spiking counterpart", type=bool),
        ),
        references=("Sompolinsky, Crisanti, Sommers 1988, PRL 61:259",
                    "Crisanti, Sompolinsky 2018, PRE 98:062120",
                    "Kadmon, Sompolinsky 2015, PRX 5:041030"),
    ),
]
