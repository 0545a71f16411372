"""Spike-coding networks (topic 6): the network of a decoder and its rate QP (``scn``)."""
from recnet.registry import Option, Subject


def _derive():
    from recnet.theory.scn import network as scn
    return scn.equations()


def _predict(model=None, k=None, n=None, mu=None, nu=None, tau=None, decoder_norm=None, x_norm=None,
             decoder_seed=None):
    from recnet.results import Result
    from recnet.validation.scn import model as scn_model

    m, cfg = scn_model.resolve(model, k=k, n=n, mu=mu, nu=nu, tau=tau, decoder_norm=decoder_norm,
                               x_norm=x_norm, decoder_seed=decoder_seed)
    values, warnings = scn_model.prediction(m)
    return Result("scn", values=values, config=cfg, warnings=warnings)


def _validate(backend="numba", quick=False, seed=12345, model=None, k=None, n=None, mu=None, nu=None, tau=None,
              decoder_norm=None, x_norm=None, decoder_seed=None, t_sim=None):
    from recnet.validation.scn import validate as scn
    return scn.validate(backend=backend, quick=quick, seed=seed, model=model, k=k, n=n, mu=mu, nu=nu, tau=tau,
                        decoder_norm=decoder_norm, x_norm=x_norm, decoder_seed=decoder_seed, t_sim=t_sim)


# A small inline model (a dict is what Python users pass; on the command line --model takes a shipped
# name or a file): its to_dict() is itself, so the generated option test can compare configs.
_EXAMPLE_MODEL = {"model": "scn", "name": "example", "decoder": [[0.1, 0.0, -0.1], [0.0, 0.1, -0.1]],
                  "signal": {"kind": "constant", "x": [0.5, 0.3]}, "tau": 20.0, "mu": 0.001, "nu": 0.0}

_REFS = ("Boerlin, Machens, Deneve 2013, PLoS Comput Biol 9:e1003258",
         "Barrett, Deneve, Machens 2013, NIPS 26",
         "Calaim, Dehmelt, Goncalves, Machens 2022, eLife 11:e73276",
         "Podlaski & Machens 2020, NeurIPS 33 (dynamic inversion)")

SUBJECTS = [
    Subject("scn", 6, "spike-coding network of a decoder: thresholds, weights, bounding box, rates as a QP",
            options=(Option("model", None, "the network: a shipped model name (recnet models), a .toml/.yaml file, "
                            "or (Python) a dict or recnet.models.scn.SCNModel; default: a random decoder from "
                            "k, n, decoder_norm, x_norm, decoder_seed", type=str, example=_EXAMPLE_MODEL),
                     Option("k", None, "latent dimensions (default 2; with a model: must match its decoder)", type=int,
                            example=3),
                     Option("n", None, "number of neurons (default 20; with a model: must match its decoder)",
                            type=int, example=7),
                     Option("mu", None, "quadratic rate cost, latent units^2 (default 0.0002, or the model's)",
                            example=0.001),
                     Option("nu", None, "linear rate cost, latent units^2 (default 0, or the model's)",
                            example=0.0001),
                     Option("tau", None, "membrane and readout time constant (default 100 ms, or the model's)",
                            unit="ms", example=50.0),
                     Option("decoder_norm", None, "norm of each random decoder column, latent units (default 0.01; "
                            "random decoder only)", example=0.02),
                     Option("x_norm", None, "norm of the random constant signal, latent units (default 1; random "
                            "decoder only)", example=0.5),
                     Option("decoder_seed", None, "seed of the random decoder and signal (default 12345; random "
                            "decoder only)", type=int, example=7)),
            derive=_derive, predict=_predict, validate=_validate, backends=("numba", "nest", "spinnaker"),
            references=_REFS,
            validate_options=(Option("t_sim", None, "simulated time (default 6000, quick 2000; nest/spinnaker <= 3000)",
                                     unit="ms", type=float),)),
]


def _derive_lowrank():
    from recnet.theory.scn import lowrank_ei as lowrank_ei
    return lowrank_ei.equations()


def _predict_lowrank(function="bump", n=20, w=0.5, x_min=-1.0, x_max=1.0, d=0.01):
    import numpy as np

    from recnet.validation.scn.validate import lowrank_prediction

    p = lowrank_prediction(function, n=n, w=w, x_min=x_min, x_max=x_max, d=d)
    xs = np.linspace(x_min, x_max, 9)
    m = p["model"]
    return {"function": p["label"], "n_e": m.n_e, "n_i": m.n_i, "w": m.w,
            "predicted_max_error": p["predicted_error"], "boundary_max_error": p["fixed_point_error"],
            "envelope_error_bound": p["envelope_bound"], "spike_size_bound": p["spike_bound"],
            "x": xs, "y_e_fixed_point": m.fixed_point(xs), "target": p["f"](xs),
            "inhibition_stabilized": bool(0 < m.w < 1)}


def _validate_lowrank(backend="numba", quick=False, seed=12345, function="bump", n=20, w=0.5, x_min=-1.0, x_max=1.0,
                      d=0.01, tau=10.0):
    from recnet.validation.scn import validate as scn
    return scn.validate_lowrank(backend=backend, quick=quick, seed=seed, function=function, n=n, w=w, x_min=x_min,
                                x_max=x_max, d=d, tau=tau)


SUBJECTS.append(
    Subject("lowrank-ei", 6, "rank-2 E-I spiking network: convex I and concave E boundaries, y_E = difference of convex",
            options=(Option("function", "bump", "target f(x) > 0 on [x_min, x_max]: quadratic | bump | an expression in x",
                            type=str, example="quadratic"),
                     Option("n", 20, "neurons per population (E and I)", type=int),
                     Option("w", 0.5, "E-to-E coupling in [0, 1) (w > 0: inhibition-stabilised)"),
                     Option("x_min", -1.0, "input range start"),
                     Option("x_max", 1.0, "input range end"),
                     Option("d", 0.01, "readout jump per spike (latent units)")),
            derive=_derive_lowrank, predict=_predict_lowrank, validate=_validate_lowrank,
            validate_options=(Option("tau", 10.0, "membrane and readout time constant (sets the simulated "
                                     "time scale; the fixed points do not depend on it)", unit="ms"),),
            references=("Podlaski & Machens 2024, Neural Comput 36:803",)))


def _derive_memory():
    from recnet.theory.scn import memory as scn_memory
    return scn_memory.equations()


def _predict_memory(d=64, p=4, rule="hebbian", beta=2.0, flip=0.1, pattern_seed=12345):
    import math

    import numpy as np

    from recnet import checks
    from recnet.checks import ParameterError
    from recnet.numerics.scn import memory as sm
    from recnet.results import Result
    from recnet.validation.scn.model import check_memory

    d = checks.integer("d", d, 1)
    p = checks.integer("p", p, 1)
    if rule not in ("hebbian", "projection"):
        raise ParameterError("rule", rule, "choose one of hebbian, projection")
    beta = checks.positive("beta", beta)
    flip = checks.in_range("flip", flip, 0.0, 0.5)
    pattern_seed = checks.integer("pattern_seed", pattern_seed, 0)
    # G (d x d), its pseudo-inverse work, patterns, cues and margins (p x d each)
    check_memory("d", d, 8.0 * 4.0 * d * d, f"{d} x {d} couplings")
    check_memory("p", p, 8.0 * (4.0 * d * d + 6.0 * p * d + 2.0 * p * p), f"{p} patterns of {d} bits")
    Xi = sm.random_patterns(p, d, seed=pattern_seed)
    G = sm.learning_rule(rule)(Xi)
    marg = sm.vertex_margins(G, Xi, beta)
    cues = sm.corrupt(Xi, flip, seed=pattern_seed + 1)
    Y = sm.latent_final(G, cues, beta=beta)
    warnings = []
    if rule == "projection":
        # G is the projector onto the patterns' span: xi_k (G xi)_k = 1 exactly, margin beta - 1
        # (theory.scn_memory.projection_rule_margin)
        p_err = 0.0 if beta > 1 else 1.0
        how = "projection rule: exact, every bit has margin beta - 1"
    else:
        signal = (d - 1) / d
        std = math.sqrt((p - 1) * (d - 1)) / d
        if std > 0:
            p_err = 0.5 * math.erfc((signal - 1 / beta) / (std * math.sqrt(2)))
            how = "hebbian signal-to-noise: Gaussian crosstalk of variance (p-1)(d-1)/d^2, field < 1/beta"
        else:
            # p = 1 or d = 1: no crosstalk, the field is (d-1)/d for every bit
            p_err = 0.0 if beta * signal > 1 else 1.0
            how = "hebbian without crosstalk (p = 1 or d = 1): every bit has field (d-1)/d, margin beta (d-1)/d - 1"
    if rule == "hebbian" and d == 1:
        warnings.append("d = 1: the Hebb rule's zero diagonal leaves G = 0, so no pattern is stored")
    if rule == "projection" and p > d:
        warnings.append(f"p = {p} > d = {d}: the patterns span at most d dimensions; each stored pattern is "
                        "still a fixed point, but so is much of the cube")
    stable_v = int(np.sum(np.all(marg > 0, axis=1)))
    return Result("memory", values={
        "d": d, "n_neurons": 4 * d, "patterns": p, "rule": rule, "beta": beta,
        "stable_vertices": stable_v, "min_margin": float(marg.min()),
        "bit_instability_probability": p_err, "bit_instability_theory": how,
        "unstable_bit_fraction_measured": float(np.mean(marg <= 0)),
        "flipped_bits_per_cue": int(round(flip * d)), "cue_overlaps": np.mean(np.sign(cues) * Xi, axis=1),
        # overlap of the final readout y (in [-1, 1]) with the pattern, y . xi / d: 1 at the stored
        # vertex, near 0 when the state decays (sign(y) would hide that)
        "completion_overlaps": np.mean(Y * Xi, axis=1)}, warnings=warnings)


def _validate_memory(backend="numba", quick=False, seed=12345, d=64, p=4, rule="hebbian", beta=2.0, flip=0.1,
                     pattern_seed=12345, delta=0.1, tau=20.0):
    from recnet.validation.scn import validate as scn
    return scn.validate_memory(backend=backend, quick=quick, seed=seed, d=d, p=p, rule=rule, beta=beta, flip=flip,
                               pattern_seed=pattern_seed, delta=delta, tau=tau)


SUBJECTS.append(
    Subject("memory", 6, "associative memory on the vertices of a latent hypercube (spiking Hopfield analogue)",
            options=(Option("d", 64, "latent dimensions (N = 4 d neurons)", type=int),
                     Option("p", 4, "number of stored patterns", type=int),
                     Option("rule", "hebbian", "learning rule", type=str, choices=("hebbian", "projection")),
                     Option("beta", 2.0, "gain of the latent feedback (vertex margin 1/beta)"),
                     Option("flip", 0.1, "fraction of flipped bits in the cues"),
                     Option("pattern_seed", 12345, "seed of the random patterns", type=int)),
            derive=_derive_memory, predict=_predict_memory, validate=_validate_memory,
            validate_options=(Option("delta", 0.1, "readout jump per spike (latent units)"),
                              Option("tau", 20.0, "membrane and readout time constant", unit="ms")),
            references=("Podlaski & Machens 2024, arXiv:2411.17485 (NeurIPS workshop)",
                        "Hopfield 1982, PNAS 79:2554", "Amit, Gutfreund, Sompolinsky 1985, PRL 55:1530")))
