"""``lowrank --model FILE`` when the model's loadings are a Gaussian mixture (``[[lowrank.population]]``).

predict: every fixed point of the latent flow (Beiran et al. 2021; with an added random part g the
static mean-field states of Mastrogiuseppe & Ostojic 2018 extended to mixtures), with stability.
validate: networks drawn from the model at sizes N/4, N/2, N (N the model's n, at least 8000, or
``--n``) started on each stable fixed point; the
latent readout kappa = n . phi(x) / N at the end, extrapolated to N -> infinity (1/N, errors from the
pooled variance law var = c/N: the readout is a mean over N units), against the prediction.
"""
from __future__ import annotations

import numpy as np

from recnet.checks import ParameterError

N_MIN_LARGEST = 8000
#: options of `lowrank` that describe rank-one statistics: meaningless for a mixture model
STAT_OPTIONS = {"m_mean": 1.0, "n_mean": 2.0, "m_std": 1.0, "n_std": 1.0, "mn_corr": 0.0}


def is_mixture_model(model):
    if model is None:
        return False
    from recnet.subjects import _rate
    m = _rate.load_model(model)
    return (not m.explicit) and m.mixture


def resolve(model, g, phi, stats):
    """(mixture, g, model, warnings): the checked mixture of ``model`` with g and phi folded in."""
    from recnet.numerics.dmft.lowrank_populations import LowRankMixture
    from recnet.subjects import _rate
    from recnet.subjects.dmft_extensions import _ensemble
    for k, v in stats.items():
        if v != STAT_OPTIONS[k]:
            raise ParameterError(k, v, "the model's loadings are a mixture ([[lowrank.population]]): rank-one "
                                 "statistics do not apply; edit the populations in the model")
    m = _ensemble(model, "lowrank", need_lowrank=True)
    o, warns = _rate.merge_model(m, {"g": 0.5, "phi": "tanh"}, dict(g=g, phi=phi), fields=("g", "phi"))
    pops = m.lowrank["population"]
    mix = LowRankMixture([p["fraction"] for p in pops], np.array([p["cov"] for p in pops]), m.lowrank["rank"],
                         mean=np.array([p["mean"] for p in pops]), phi=o["phi"])
    _rate.check_bounded("g", o["g"], 0.0, _rate.G_MAX)
    return mix, float(o["g"]), m, warns


def latent_points(mix, g):
    """Fixed points of the latent flow (g = 0) or static mean-field states (g > 0), JSON-ready."""
    from recnet.numerics.dmft import lowrank_populations as LP
    if g == 0.0:
        pts = LP.fixed_points(mix)
    else:
        if mix.rank > 2:
            raise ParameterError("g", g, "a random part with rank > 2 loadings is not covered (rank 1 and 2 only)")
        pts = LP.fixed_points_random(mix, g)
    out = []
    for p in pts:
        ev = np.asarray(p["eigenvalues"])
        d = {"kappa": np.asarray(p["kappa"], float).tolist(), "eigenvalues": np.c_[ev.real, ev.imag].tolist(),
             "stable": bool(p["stable"])}
        if "kind" in p:
            d["kind"] = p["kind"]
        if "bulk_radius" in p:
            d["bulk_radius"] = float(p["bulk_radius"])
        out.append(d)
    return out


def state_words(points):
    st = [p for p in points if p["stable"]]
    if not points:
        return "no fixed point of the latent flow found"
    if not st:
        return (f"no stable fixed point ({len(points)} found, all unstable): the latent activity is not stationary "
                "(e.g. a limit cycle) or, with a random part, chaotic")
    return f"{len(st)} stable of {len(points)} fixed points of the latent flow"


def predict(mix, g, mdl, warns):
    from recnet.results import Result
    pts = latent_points(mix, g)
    values = {"state": state_words(pts), "rank": mix.rank, "latent_fixed_points": pts,
              "populations": [p["name"] for p in mdl.lowrank["population"]]}
    cfg = dict({"g": g, "phi": str(mix.phi), "model": mdl.to_dict(), "mixture": mix.to_dict()},
               **{k: None for k in STAT_OPTIONS})   # rank-one statistics do not apply to a mixture
    warns = list(warns) + [f"the model's n = {mdl.size} does not enter predict (mean-field theory, N -> infinity); "
                           "validate simulates N = n"]
    return Result("lowrank", values=values, config=cfg, warnings=warns)


def validate(mix, g, mdl, warns, *, quick, seed, n, realisations):
    """Simulated latent readouts at each stable fixed point against the prediction (one family)."""
    from recnet import checks
    from recnet.validation.compare import ValidationResult, compare
    from recnet.validation.dmft import finite_size as F
    from recnet.validation.dmft.lowrank_populations import simulate_lowrank
    # the simulation costs O(N R) per step (the rank-R product is never formed), so the largest size
    # is at least N_MIN_LARGEST even when the model's N is smaller: small sizes carry large
    # higher-order finite-size terms near a bifurcation, and the extrapolation's error shrinks with N
    n = max(mdl.size, N_MIN_LARGEST) if n is None else checks.integer("n", n, minimum=40, maximum=100000)
    reps = checks.integer("realisations", realisations, minimum=2, maximum=50) if realisations is not None else \
        (4 if quick else 8)
    sizes = sorted({n // 4, n // 2, n})
    gen = checks.rng(seed)
    pts = latent_points(mix, g)
    rows = []
    t_max = 40.0 if quick else 60.0
    for k, p in enumerate(pts):
        if not p["stable"]:
            continue
        ev = np.asarray(p["eigenvalues"])
        slowest = float(-ev[:, 0].max())
        samples = [[] for _ in sizes]
        for i, N in enumerate(sizes):
            for _ in range(reps):
                r = simulate_lowrank(mix, N, np.asarray(p["kappa"]), t_max=t_max, g=g,
                                     seed=int(gen.integers(2 ** 31)))
                samples[i].append(r["kappa_final"])
        for c in range(mix.rank):
            f = F.fit_samples(sizes, [[s[c] for s in smp] for smp in samples], model="1/N", var_power=1.0)
            # relaxation left after t_max along the slowest latent direction, from an O(1/sqrt(N))
            # start offset: exp(-slowest t_max) times the smallest size's spread (derived, not stated)
            resid = float(np.exp(-slowest * t_max) * np.sqrt(f["pooled_c"] / min(sizes)))
            rows.append(compare(f"kappa[{k}][{c}]", p["kappa"][c], f["q_inf"], f["q_inf_stderr"],
                                dof=f["error_dof"], family="kappa", systematic=resid,
                                why=f"relaxation left after t = {t_max:g} tau: exp(-{slowest:.3g} t) x the N = "
                                    f"{min(sizes)} spread",
                                note=f"stable fixed point {k}; N = {sizes} ({reps} networks each), extrapolated "
                                     f"q_inf + a/N, errors from var = c/N ({f['error_dof']} dof)"))
    if not rows:
        raise ParameterError("model", mdl.name, "a model with a stable stationary state: validate compares the "
                             f"simulated latent state with a stable fixed point, and here {state_words(pts)}")
    res = ValidationResult("lowrank", "numba", rows)
    res.config = dict({"g": g, "phi": str(mix.phi), "model": mdl.to_dict(), "mixture": mix.to_dict(), "n": n,
                       "realisations": reps, "sizes": sizes}, **{k: None for k in STAT_OPTIONS})
    res.caveats = list(warns)
    return res
