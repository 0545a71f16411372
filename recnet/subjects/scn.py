"""Spike-coding networks (topic 6): the network of a decoder and its rate QP (``scn``)."""
from recnet.registry import Option, Subject


def _derive():
    from recnet.theory import scn
    return scn.equations()


def _predict(k=2, n=20, mu=0.0002, nu=0.0, tau=100.0, decoder_norm=0.01, x_norm=1.0, decoder_seed=12345):
    import numpy as np

    from recnet import checks
    from recnet.numerics import scn, scn_qp
    from recnet.validation.scn import random_decoder

    tau = checks.positive("tau", tau, "ms")
    mu = checks.nonnegative("mu", mu)
    nu = checks.nonnegative("nu", nu)
    x_norm = checks.positive("x_norm", x_norm)
    g = checks.rng(decoder_seed)
    D = random_decoder(k, n, decoder_norm=decoder_norm, seed=g)
    x = g.standard_normal(checks.integer("k", k, 1))
    x *= x_norm / np.linalg.norm(x)
    net = scn.build(D, mu=mu, nu=nu, tau=tau)
    r = scn_qp.rates(D, x, mu=mu, nu=nu)
    G = D.T @ D + mu * np.eye(net.n)
    h = D.T @ x - 0.5 * nu
    bias = scn_qp.finite_spike_bias_bound(G, r, net.reset)
    return {"k": int(k), "n": int(n), "x": x, "rates_hz": 1000.0 * r / tau,
            "n_active": int(np.sum(r > 0)), "readout": D @ r, "coding_error_norm": float(np.linalg.norm(x - D @ r)),
            "thresholds": net.T, "reset": net.reset, "kkt_residual": scn_qp.kkt_residual(G, h, r),
            "finite_spike_bias_bound_hz": 1000.0 * bias / tau}


def _validate(backend="numba", quick=False, seed=12345, k=2, n=20, mu=0.0002, nu=0.0, tau=100.0,
              decoder_norm=0.01, x_norm=1.0, decoder_seed=12345, t_sim=None):
    from recnet.checks import ParameterError
    from recnet.validation import scn
    # the validation draws its own decoders of several sizes from `seed` (minimal hunk until the
    # subject's owner wires k, n, decoder_seed through)
    for name, value, default in (("k", k, 2), ("n", n, 20), ("nu", nu, 0.0), ("decoder_seed", decoder_seed, 12345)):
        if value != default:
            raise ParameterError(name, value, f"not used by `validate scn` yet (keep {default})")
    res = scn.validate(backend=backend, quick=quick, seed=seed, mu=mu, nu=nu, tau=tau, decoder_norm=decoder_norm,
                       x_norm=x_norm, t_sim=t_sim)
    res.config = dict(k=k, n=n, decoder_seed=decoder_seed, mu=mu, nu=nu, tau=tau, decoder_norm=decoder_norm,
                      x_norm=x_norm, t_sim=res.info["t_sim_ms"], sizes=res.info["sizes"])
    return res


_REFS = ("Boerlin, Machens, Deneve 2013, PLoS Comput Biol 9:e1003258",
         "Barrett, Deneve, Machens 2013, NIPS 26",
         "Calaim, Dehmelt, Goncalves, Machens 2022, eLife 11:e73276",
         "Podlaski & Machens 2020, NeurIPS 33 (dynamic inversion)")

SUBJECTS = [
    Subject("scn", 6, "spike-coding network of a decoder: thresholds, weights, bounding box, rates as a QP",
            options=(Option("k", 2, "latent dimensions", type=int),
                     Option("n", 20, "number of neurons", type=int),
                     Option("mu", 0.0002, "quadratic rate cost (latent units^2)"),
                     Option("nu", 0.0, "linear rate cost (latent units^2)"),
                     Option("tau", 100.0, "membrane and readout time constant", unit="ms"),
                     Option("decoder_norm", 0.01, "norm of each decoder column (latent units)"),
                     Option("x_norm", 1.0, "norm of the constant latent signal (latent units)"),
                     Option("decoder_seed", 12345, "seed of the random decoder and signal", type=int)),
            derive=_derive, predict=_predict, validate=_validate, backends=("numba", "nest", "spinnaker"),
            references=_REFS,
            validate_options=(Option("t_sim", None, "simulated time per network (default 6000, quick 2000)",
                                     unit="ms", type=float),)),
]


def _derive_lowrank():
    from recnet.theory import lowrank_ei
    return lowrank_ei.equations()


def _predict_lowrank(function="bump", n=20, w=0.5, x_min=-1.0, x_max=1.0, d=0.01, tau=10.0):
    import numpy as np

    from recnet import checks
    from recnet.validation.scn import lowrank_prediction

    tau = checks.positive("tau", tau, "ms")
    p = lowrank_prediction(function, n=n, w=w, x_min=x_min, x_max=x_max, d=d, tau=tau)
    xs = np.linspace(x_min, x_max, 9)
    m = p["model"]
    return {"function": p["label"], "n_e": m.n_e, "n_i": m.n_i, "w": m.w,
            "predicted_max_error": p["predicted_error"], "boundary_max_error": p["fixed_point_error"],
            "envelope_error_bound": p["envelope_bound"], "spike_size_bound": p["spike_bound"],
            "x": xs, "y_e_fixed_point": m.fixed_point(xs), "target": p["f"](xs),
            "inhibition_stabilized": bool(0 < m.w < 1)}


def _validate_lowrank(backend="numba", quick=False, seed=12345, n=20, w=0.5, tau=10.0, d=0.01):
    from recnet.validation import scn
    return scn.validate_lowrank(backend=backend, quick=quick, seed=seed, n=n, w=w, tau=tau, d=d)


SUBJECTS.append(
    Subject("lowrank-ei", 6, "rank-2 E-I spiking network: convex I and concave E boundaries, y_E = difference of convex",
            options=(Option("function", "bump", "target f(x) > 0: quadratic | bump | sympy expression in x", type=str),
                     Option("n", 20, "neurons per population (E and I)", type=int),
                     Option("w", 0.5, "E-to-E coupling in [0, 1) (w > 0: inhibition-stabilised)"),
                     Option("x_min", -1.0, "input range start"),
                     Option("x_max", 1.0, "input range end"),
                     Option("d", 0.01, "readout jump per spike (latent units)"),
                     Option("tau", 10.0, "membrane and readout time constant", unit="ms")),
            derive=_derive_lowrank, predict=_predict_lowrank, validate=_validate_lowrank,
            references=("Podlaski & Machens 2024, Neural Comput 36:803",)))


def _derive_memory():
    from recnet.theory import scn_memory
    return scn_memory.equations()


def _predict_memory(d=64, p=4, rule="hebbian", beta=2.0, flip=0.1, pattern_seed=12345):
    import math

    import numpy as np

    from recnet import checks
    from recnet.numerics import scn_memory as sm

    beta = checks.positive("beta", beta)
    flip = checks.in_range("flip", flip, 0.0, 0.5)
    Xi = sm.random_patterns(p, d, seed=pattern_seed)
    G = sm.learning_rule(rule)(Xi)
    marg = sm.vertex_margins(G, Xi, beta)
    Y = sm.latent_final(G, sm.corrupt(Xi, flip, seed=pattern_seed + 1), beta=beta)
    signal = (d - 1) / d
    std = math.sqrt(max(p - 1, 0) * (d - 1)) / d
    p_err = 0.5 * math.erfc((signal - 1 / beta) / (std * math.sqrt(2))) if std > 0 else 0.0
    return {"d": int(d), "n_neurons": 4 * int(d), "patterns": int(p), "rule": rule, "beta": beta,
            "stable_vertices": int(np.sum(np.all(marg > 0, axis=1))), "min_margin": float(marg.min()),
            "bit_instability_probability_snr": p_err,
            "completion_overlaps": sm.retrieval_overlap(Y, Xi)}


def _validate_memory(backend="numba", quick=False, seed=12345, d=64, p=4, rule="hebbian", beta=2.0, flip=0.1,
                     pattern_seed=12345, delta=0.1, tau=20.0):
    from recnet.checks import ParameterError
    from recnet.validation import scn
    # minimal hunk until the subject's owner wires d, p, rule, pattern_seed through
    for name, value, default in (("d", d, 64), ("p", p, 4), ("rule", rule, "hebbian"), ("pattern_seed", pattern_seed, 12345)):
        if value != default:
            raise ParameterError(name, value, f"not used by `validate memory` yet (keep {default!r})")
    res = scn.validate_memory(backend=backend, quick=quick, seed=seed, beta=beta, flip=flip, delta=delta, tau=tau)
    res.config = dict(d=d, p=p, rule=rule, pattern_seed=pattern_seed, beta=beta, flip=flip, delta=delta, tau=tau)
    return res


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
