"""Subjects ``lowrank`` (rank-one plus random networks) and ``dmft-driven`` (sinusoidally driven
random networks, critical amplitude for chaos suppression; two-time DMFT)."""
from recnet.registry import Option, Subject

PHI_HELP = "transfer function: tanh|erf|relu|linear|sympy expression in x"


# ------------------------------------------------------------------------------------------ lowrank
def _lowrank_derive(phi="tanh"):
    from recnet.theory import dmft_lowrank
    return dmft_lowrank.equations(phi)


def _lowrank_predict(g=0.5, phi="tanh", m_mean=1.0, n_mean=2.0, m_std=1.0, n_std=1.0, mn_corr=0.0,
                     bifurcations=False):
    from recnet.numerics import dmft_lowrank as L
    p = L.LowRankParams(g=g, phi=phi, m_mean=m_mean, n_mean=n_mean, m_std=m_std, n_std=n_std,
                        mn_corr=mn_corr)
    sols = L.solve(p)
    stable = [s for s in sols if s["stable"]]
    best = max(stable, key=lambda s: s["kappa"]) if stable else None
    out = {"g": p.g, "phi": str(phi), "structure_strength": p.structure_strength}
    if best is not None:
        out.update(state=best["kind"], kappa=best["kappa"], mu=best["mu"], delta0=best["delta0"],
                   delta_inf=best["delta_inf"], bulk_radius=best["bulk_radius"])
    else:
        out.update(state="none stable found", kappa=None)
    try:
        pf, kind, _ = L.pitchfork_strength(p.g, p.tr)
        out["pitchfork_structure_strength"] = pf
        out["homogeneous_state"] = kind
    except ValueError:
        pass
    if bifurcations:
        out["chaos_onset_g"] = L.chaos_onset_g(p)
    out["solutions"] = sols
    return out


def _lowrank_validate(backend="numba", quick=False, seed=12345, phi="tanh", n=3000, realisations=6):
    from recnet.validation import lowrank
    return lowrank.validate(quick=quick, seed=seed, phi=phi, n=n, realisations=realisations)


LOWRANK_OPTIONS = (
    Option("g", 0.5, "strength of the random part (J_ij std g/sqrt(N))"),
    Option("phi", "tanh", PHI_HELP, type=str),
    Option("m_mean", 1.0, "mean M_m of the entries of the structure vector m"),
    Option("n_mean", 2.0, "mean M_n of the entries of the structure vector n"),
    Option("m_std", 1.0, "standard deviation Sigma_m of the entries of m"),
    Option("n_std", 1.0, "standard deviation Sigma_n of the entries of n"),
    Option("mn_corr", 0.0, "correlation of m_i and n_i (Sigma_mn = mn_corr Sigma_m Sigma_n)"),
    Option("bifurcations", False, "also locate the g where the heterogeneous static state turns chaotic (slow)",
           type=bool),
)


SUBJECTS = [
    Subject(
        "lowrank", 1,
        "rank-one plus random rate networks: overlap kappa, static/chaotic states, bifurcations",
        options=LOWRANK_OPTIONS,
        derive=_lowrank_derive, predict=_lowrank_predict, validate=_lowrank_validate,
        validate_options=(Option("n", 3000, "network size", type=int),
                          Option("realisations", 6, "network realisations per point", type=int)),
        references=("Mastrogiuseppe & Ostojic 2018, Neuron 99:609",
                    "Beiran, Dubreuil, Valente, Mastrogiuseppe, Ostojic 2021, Neural Comput 33:1572",
                    "Dubreuil, Valente, Beiran, Mastrogiuseppe, Ostojic 2022, Nat Neurosci 25:783"),
    ),
]
