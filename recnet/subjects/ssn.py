"""Subjects of topic 3: the stabilized supralinear network (``ssn``) and Hebbian E-I plasticity
with synapse-type-specific normalization (``hebbian-ei``).

``ssn`` takes the user's model (``--model NAME|FILE``, family ``ssn`` in ``recnet.models.ssn``: an
N-population W, h, k, n, tau); the other options override its fields.  ``state`` says the outcome in
words; without a stable fixed point it says what the rates do from rest (run away, oscillate:
``dynamics``, ``escape_time_ms`` or ``rate_range_hz``) and rates_hz, isn, paradoxical are named in
``not_computed``.
"""
from recnet.checks import ParameterError
from recnet.registry import Option, Subject

_PRESETS = {"rubin2015": "rubin2015-ssn", "hennequin2018": "hennequin2018-ssn"}

_SSN_OPTIONS = (
    Option("model", "rubin2015-ssn", "SSN model: a shipped name (rubin2015-ssn, hennequin2018-ssn; "
           "`recnet models`) or a .toml/.yaml file (model = \"ssn\": W, h, k, n, tau of N populations); "
           "the options below override its fields", type=str, example="hennequin2018-ssn"),
    Option("weights", None, "published 2-population weight set, a shortcut for --model: rubin2015 = "
           "rubin2015-ssn (Rubin et al. 2015 ring SSN, uniform mode, 3.512, 1.836, 3.352, 1.437 mV s); "
           "hennequin2018 = hennequin2018-ssn (Hennequin et al. 2018, 1.25, 0.65, 1.2, 0.5 mV s, k = 0.3)",
           type=str, choices=("rubin2015", "hennequin2018"), example="hennequin2018"),
    Option("w_ee", None, "E->E weight magnitude W_EE (2 populations; default: from the model)", unit="mV s",
           example=3.0),
    Option("w_ei", None, "I->E weight magnitude W_EI (2 populations; default: from the model)", unit="mV s",
           example=2.5),
    Option("w_ie", None, "E->I weight magnitude W_IE (2 populations; default: from the model)", unit="mV s",
           example=4.0),
    Option("w_ii", None, "I->I weight magnitude W_II (2 populations; default: from the model)", unit="mV s",
           example=1.0),
    Option("k", None, "gain of the power law r = k [u]_+^n (default: from the model)", unit="Hz/mV^n",
           example=0.05),
    Option("n", None, "power of the transfer function, >= 1 (default: from the model)", example=3.0),
    Option("tau_e", None, "rate time constant of every E population (default: from the model)", unit="ms",
           example=15.0),
    Option("tau_i", None, "rate time constant of every I population (default: from the model)", unit="ms",
           example=3.0),
    Option("h_e", None, "external input to every E population (default: from the model)", unit="mV",
           example=10.0),
    Option("h_i", None, "external input to every I population (default: from the model)", unit="mV",
           example=12.0),
)


def ssn_model(model="rubin2015-ssn", weights=None, w_ee=None, w_ei=None, w_ie=None, w_ii=None, k=None, n=None,
              tau_e=None, tau_i=None, h_e=None, h_i=None):
    """The ``ssn`` model the options describe: ``model`` loaded, the other options overriding its fields."""
    import numpy as np

    from recnet import checks, models
    if weights is not None:
        if weights not in _PRESETS:
            raise ParameterError("weights", weights, f"choose one of {', '.join(_PRESETS)}")
        if not isinstance(model, str) or model not in ("", "rubin2015-ssn", _PRESETS[weights]):
            raise ParameterError("weights", weights, "give either --weights or --model, not both")
        model = _PRESETS[weights]
    m = models.load(model or "rubin2015-ssn", family="ssn")
    W, h, tau = m.W.copy(), m.h.copy(), m.tau.copy()
    is_e = np.array([c == "E" for c in m.cell_types])
    single = {"w_ee": (w_ee, 0, 0, 1.0), "w_ei": (w_ei, 0, 1, -1.0), "w_ie": (w_ie, 1, 0, 1.0),
              "w_ii": (w_ii, 1, 1, -1.0)}
    for name, (v, a, b, sign) in single.items():
        if v is None:
            continue
        if m.N != 2 or m.cell_types != ("E", "I"):
            raise ParameterError(name, v, f"applies to a 2-population (E, I) model only: model {m.name!r} has "
                                 f"{m.N} populations {list(m.cell_types)}; set W in the model file")
        W[a, b] = sign * checks.nonnegative(name, v, "mV s")
    for name, v, mask in (("tau_e", tau_e, is_e), ("tau_i", tau_i, ~is_e)):
        if v is not None:
            if not mask.any():
                raise ParameterError(name, v, f"model {m.name!r} has no {'E' if name == 'tau_e' else 'I'} population")
            tau[mask] = checks.positive(name, v, "ms")
    for name, v, mask in (("h_e", h_e, is_e), ("h_i", h_i, ~is_e)):
        if v is not None:
            if not mask.any():
                raise ParameterError(name, v, f"model {m.name!r} has no {'E' if name == 'h_e' else 'I'} population")
            h[mask] = checks.finite(name, v, "mV")
    over = {"W": W, "h": h, "tau": tau}
    if k is not None:
        over["k"] = checks.positive("k", k, "Hz/mV^n")
    if n is not None:
        over["n"] = checks.in_range("n", n, 1.0, 12.0)
    return m.replace(**over)


def _resolved_options(m, model, weights):
    """The options as the model resolved them (what predict and validate ran with)."""
    two = m.N == 2 and m.cell_types == ("E", "I")
    is_e = [c == "E" for c in m.cell_types]
    tau_e = sorted({float(t) for t, e in zip(m.tau, is_e) if e})
    tau_i = sorted({float(t) for t, e in zip(m.tau, is_e) if not e})
    h_e = sorted({float(t) for t, e in zip(m.h, is_e) if e})
    h_i = sorted({float(t) for t, e in zip(m.h, is_e) if not e})
    one = lambda v: v[0] if len(v) == 1 else (v or None)   # noqa: E731
    return {"model": m.to_dict(), "weights": weights,
            "w_ee": float(m.W[0, 0]) if two else None, "w_ei": float(-m.W[0, 1]) if two else None,
            "w_ie": float(m.W[1, 0]) if two else None, "w_ii": float(-m.W[1, 1]) if two else None,
            "k": m.k, "n": m.n, "tau_e": one(tau_e), "tau_i": one(tau_i), "h_e": one(h_e), "h_i": one(h_i)}


def _ssn_derive(n=None):
    from recnet import checks
    from recnet.theory import ssn
    ni = checks.integer("n", 2 if n is None else n, minimum=1, maximum=6)
    return ssn.equations(ni)


def _fp_record(f):
    import numpy as np
    return {"support": f["support"], "rates_hz": f["rates_hz"], "u_mv": f["u_mv"], "stable": f["stable"],
            "isn": f["isn"], "paradoxical": f["paradoxical"],
            "max_real_eigenvalue_per_ms": float(np.max(f["eigenvalues"].real))}


def all_fixed_points(m, seed=0):
    """Every fixed point of the model ``m`` (``recnet.numerics.ssn.all_fixed_points``)."""
    from recnet.numerics import ssn
    return ssn.all_fixed_points(m.W, m.h, m.k, m.n, m.tau, m.cell_types, seed=seed)


def _fate_values(m, fps, complete):
    """The outcome in words (``state``) and its numbers when no fixed point is stable: what the rates
    do from rest (``recnet.numerics.ssn.fate``), with rates_hz/isn/paradoxical named in not_computed."""
    import numpy as np

    from recnet.numerics import ssn
    scale = max([1.0] + [float(np.max(f["rates_hz"])) for f in fps] + [m.k * max(float(np.max(m.h)), 0.0) ** m.n])
    fate = ssn.fate(m.W, m.h, m.k, m.n, m.tau, r_scale=scale)
    none_fp = "no fixed point exists" + (" (exact: every root of the fixed-point equations)" if complete else
                                          " among those found")
    lead = "the only fixed point is" if len(fps) == 1 else f"all {len(fps)} fixed points are"
    why_fp = none_fp if not fps else (f"{lead} unstable (largest real part of a Jacobian eigenvalue "
                                      f"{max(float(np.max(f['eigenvalues'].real)) for f in fps):.4g}/ms)")
    vals = {"dynamics": fate["outcome"]}
    if fate["outcome"] == "runaway":
        state = (f"no stable fixed point ({why_fp}): the rates run away; started at rest (r = 0) they pass "
                 f"{fate['r_escape_hz']:.3g} Hz after {fate['t_ms']:.4g} ms")
        vals["escape_time_ms"] = fate["t_ms"]
    elif fate["outcome"] == "oscillation":
        rng = fate["range_hz"]
        span = ", ".join(f"{p} {lo:.4g}-{hi:.4g} Hz" for p, (lo, hi) in zip(m.populations, rng))
        state = (f"no stable fixed point ({why_fp}): the rates stay bounded and keep changing (an oscillation); "
                 f"started at rest, over the last {fate['t_ms'] / 2:.4g} ms they range over {span}")
        vals["rate_range_hz"] = rng
    elif fate["outcome"] == "settles":
        state = (f"no fixed point found stable ({why_fp}), yet started at rest the rates settle: a marginal case "
                 f"(rates {', '.join(f'{v:.4g}' for v in fate['range_hz'][:, 1])} Hz at {fate['t_ms']:.4g} ms)")
        vals["rate_range_hz"] = fate["range_hz"]
    else:
        state = (f"no stable fixed point ({why_fp}); started at rest the rates neither ran away nor finished "
                 f"{fate['t_ms']:.4g} ms of integration within the step limit")
    vals["state"] = state
    reason = f"no stable fixed point: {fate['outcome']} (see state)"
    vals["not_computed"] = {"rates_hz": reason, "isn": reason, "paradoxical": reason}
    return vals


def _ssn_predict(model="rubin2015-ssn", weights=None, w_ee=None, w_ei=None, w_ie=None, w_ii=None, k=None, n=None,
                 tau_e=None, tau_i=None, h_e=None, h_i=None):
    import numpy as np

    from recnet.results import Result
    m = ssn_model(model, weights, w_ee, w_ei, w_ie, w_ii, k, n, tau_e, tau_i, h_e, h_i)
    W, h, kk, nn = m.W, m.h, m.k, m.n
    fps, method, complete = all_fixed_points(m)
    two = m.N == 2 and m.cell_types == ("E", "I")
    warnings = []
    out = {"method": method, "complete": complete, "populations": list(m.populations),
           "w_signed_mv_s": W, "n_fixed_points": len(fps),
           "fixed_points": [_fp_record(f) for f in fps]}
    if not complete:
        warnings.append(f"{method}: further fixed points may exist")
    st = [f for f in fps if f["stable"]]
    if st:
        f = st[0]
        out.update(rates_hz=f["rates_hz"], stable=True, isn=f["isn"], paradoxical=f["paradoxical"],
                   state="stable fixed point" + (" (one of several: multistable)" if len(st) > 1 else ""))
        if two:
            out["dr_i_dh_i_hz_per_mv"] = float(f["response"][1, 1])
        if len(st) > 1:
            warnings.append(f"{len(st)} stable fixed points (multistable): rates_hz is the one with the lowest rates")
    else:
        out.update(stable=False, **_fate_values(m, fps, complete))
        warnings.append(out["state"])
    det_w = float(np.linalg.det(W))
    out["det_w"] = det_w
    if two and det_w != 0:
        slope = -np.linalg.solve(W, h / max(np.max(np.abs(h)), 1e-300))
        out["strong_input_slope_hz_per_mv"] = slope
        out["supersaturation"] = bool(-W[0, 1] * h[1] > -W[1, 1] * h[0] and det_w > 0)
    if nn > 1:
        out["transition_input_mv"] = float((kk * np.linalg.norm(W, 2)) ** (-1.0 / (nn - 1)))
    else:
        out.setdefault("not_computed", {})["transition_input_mv"] = (
            "n = 1 (threshold-linear): no transition between a weakly and a strongly coupled regime")
    cfg = _resolved_options(m, model, weights)
    return Result("ssn", values=out, config=cfg, warnings=warnings)


def _ssn_validate(backend="numba", quick=False, seed=12345, model="rubin2015-ssn", weights=None, w_ee=None,
                  w_ei=None, w_ie=None, w_ii=None, k=None, n=None, tau_e=None, tau_i=None, h_e=None, h_i=None,
                  n_exc=0, t_sim=0.0):
    from recnet import checks
    from recnet.validation import ssn as vssn
    m = ssn_model(model, weights, w_ee, w_ei, w_ie, w_ii, k, n, tau_e, tau_i, h_e, h_i)
    n_exc = checks.integer("n_exc", n_exc, minimum=0)
    if 0 < n_exc < 500:
        raise ParameterError("n_exc", n_exc, "must be 0 (default 800) or >= 500")
    t_sim = checks.nonnegative("t_sim", t_sim, "ms")
    res = vssn.validate(W=m.W, k=m.k, n=m.n, tau=m.tau, h=m.h, cell_types=m.cell_types, backend=backend,
                        quick=quick, seed=seed, n_exc=n_exc or None, t_sim=t_sim or None)
    res.config = dict(_resolved_options(m, model, weights), **res.config)
    return res


#: the reduced model builds and diagonalizes a 2 n_per_group square correlation matrix
MAX_PER_GROUP = 1000
#: validate simulates the plastic network with N_E + N_I neurons (online learning, O(N^2) per step)
MAX_VALIDATE_NEURONS = 64


def _heb_check(n_e, n_i, w_ee, w_ei, w_ie, w_ii, lam1, lam2, a, b, s, n_per_group, beta):
    from recnet import checks
    n_e = checks.integer("n_e", n_e, minimum=1)
    n_i = checks.integer("n_i", n_i, minimum=1)
    w_ee = checks.positive("w_ee", w_ee)
    w_ei = checks.nonnegative("w_ei", w_ei)
    w_ie = checks.nonnegative("w_ie", w_ie)
    if w_ie == 0:
        raise ParameterError("w_ie", w_ie, "must be > 0: the I neurons need excitatory input (W_IE is the L1 norm "
                             "of all their excitatory inputs) for an eigencircuit with inhibition")
    w_ii = checks.nonnegative("w_ii", w_ii)
    lam1 = checks.positive("lam1", lam1, "Hz^2")
    lam2 = checks.positive("lam2", lam2, "Hz^2")
    a, b, s = (checks.nonnegative(nm, v, "Hz^2") for nm, v in (("a", a), ("b", b), ("s", s)))
    n_per_group = checks.integer("n_per_group", n_per_group, minimum=1)
    if n_per_group > MAX_PER_GROUP:
        mb = 8 * (2 * n_per_group) ** 2 * 3 / 2 ** 20
        raise ParameterError("n_per_group", n_per_group, f"must be <= {MAX_PER_GROUP}: the reduced model's "
                             f"{2 * n_per_group}-channel correlation matrix needs ~{mb:.0f} MB and an O(n^3) "
                             "eigendecomposition")
    if b + s <= 0:
        raise ParameterError("s", s, "must be > 0 when b = 0: the second eigenvalue n b + s of the input "
                             "correlation is 0 and the decorrelation threshold beta* is infinite")
    beta = checks.nonnegative("beta", beta)
    phi = w_ee - w_ei * w_ie / (1.0 + w_ii)
    if not 0.0 < phi < 1.0:
        raise ParameterError("w_ei", w_ei, f"gives Phi = w_ee - w_ei w_ie/(1 + w_ii) = {phi:.4g}: the eigencircuit "
                             f"(SM Eq. 146) needs 0 < Phi < 1, i.e. {max(0.0, (w_ee - 1) * (1 + w_ii) / w_ie):.4g} "
                             f"< w_ei < {w_ee * (1 + w_ii) / w_ie:.4g} at these w_ee, w_ie, w_ii")
    return n_e, n_i, w_ee, w_ei, w_ie, w_ii, lam1, lam2, a, b, s, n_per_group, beta


def _heb_derive():
    from recnet.theory import hebbian_ei
    return hebbian_ei.equations()


def _heb_predict(n_e=8, n_i=4, w_ee=0.8, w_ei=0.35, w_ie=1.0, w_ii=0.3, lam1=1.2, lam2=1.0,
                 a=0.25, b=1.0, s=0.2, n_per_group=4, beta=0.5):
    import math

    from recnet.numerics import hebbian_ei as hb
    from recnet.results import Result
    from recnet.validation.hebbian_ei import cotuning_setup
    (n_e, n_i, w_ee, w_ei, w_ie, w_ii, lam1, lam2, a, b, s, n_per_group,
     beta) = _heb_check(n_e, n_i, w_ee, w_ei, w_ie, w_ii, lam1, lam2, a, b, s, n_per_group, beta)
    warnings = []
    g = hb.collapse_growth_rates(n_e, n_i, w_ee, w_ei, w_ie, w_ii, lam1, lam2)
    th = hb.decorrelation_thresholds(n_e, n_i, w_ee, w_ie, w_ii, lam1, lam2)
    cw = hb.collapsed_weights(n_e, n_i, w_ee, w_ei, w_ie, w_ii)
    a_e, a_i = g["a_e"], g["a_i"]
    paper = None if math.isnan(th["paper"]) else th["paper"]
    if paper is None:
        warnings.append("the paper's threshold condition (SM Eq. 211) has no root with 0 < Phi < 1 at these "
                        "norms: threshold_w_ei_paper is None")
    out = {"eigencircuit_phi": g["phi"], "rate_amplitude_e": a_e, "rate_amplitude_i": a_i,
           "effective_attraction_hz2": float(hb.effective_attraction(lam1, n_e, n_i, a_e * lam1 ** 0.5,
                                                                     a_i * lam1 ** 0.5)),
           "growth_rate_e_per_eta_hz2": float(g["mu_e"]), "growth_rate_i_per_eta_hz2": float(g["mu_i"]),
           "growth_rate_paper_per_eta_hz2": float(g["paper"]),
           "threshold_w_ei_exact": th["exact"], "threshold_w_ei_paper": paper,
           "decorrelated": bool(g["mu_e"] > 0), "decorrelated_paper": bool(g["paper"] > 0),
           "collapsed_weights": {k: float(v) for k, v in cw.items()}}
    mean, cov, Q = hb.block_correlation(n_per_group, a, b, s)
    e1, lam = hb.principal_eigenvector(Q)
    bstar = hb.decorrelation_threshold(Q)
    out.update(reduced_eigenvalues_hz2=lam, reduced_principal_eigenvector=e1, reduced_beta_star=bstar,
               reduced_decorrelated=bool(beta > bstar),
               reduced_growth_rate_per_eta_hz2=float(lam[1] - lam[0] / (1 + beta)))
    if n_per_group == 4:
        w, V, _ = cotuning_setup()
        out["reduced_cotuning_inhibitory_weights"] = hb.cotuning_weights(w, V, Q, 1.0, "l1")[0]
    else:
        out["reduced_cotuning_inhibitory_weights"] = None
        warnings.append("reduced_cotuning_inhibitory_weights: the co-tuning set-up has 2 groups of 4 channels "
                        "(n_per_group = 4 only)")
    return Result("hebbian-ei", values=out, warnings=warnings)


def _heb_validate(backend="numba", quick=False, seed=12345, n_e=8, n_i=4, w_ee=0.8, w_ei=0.35, w_ie=1.0, w_ii=0.3,
                  lam1=1.2, lam2=1.0, a=0.25, b=1.0, s=0.2, n_per_group=4, beta=0.5):
    from recnet.validation import hebbian_ei
    (n_e, n_i, w_ee, w_ei, w_ie, w_ii, lam1, lam2, a, b, s, n_per_group,
     beta) = _heb_check(n_e, n_i, w_ee, w_ei, w_ie, w_ii, lam1, lam2, a, b, s, n_per_group, beta)
    for name, v in (("n_e", n_e), ("n_i", n_i)):
        if v > MAX_VALIDATE_NEURONS:
            raise ParameterError(name, v, f"must be <= {MAX_VALIDATE_NEURONS} for validate: it simulates online "
                                 "learning of the whole plastic network (predict takes any size)")
    if n_per_group > 64:
        raise ParameterError("n_per_group", n_per_group, "must be <= 64 for validate (online learning of "
                             "2 n_per_group feedforward weights)")
    return hebbian_ei.validate(backend=backend, quick=quick, seed=seed, a=a, b=b, s=s, n_e=n_e, n_i=n_i,
                               w_ee=w_ee, w_ei=w_ei, w_ie=w_ie, w_ii=w_ii, lam1=lam1, lam2=lam2,
                               n_per_group=n_per_group, beta=beta)


SUBJECTS = [
    Subject(
        "ssn", 3,
        "stabilized supralinear network: all fixed points, stability, ISN, paradoxical response",
        options=_SSN_OPTIONS,
        derive=_ssn_derive, predict=_ssn_predict, validate=_ssn_validate,
        backends=("numba", "nest"),
        validate_options=(
            Option("n_exc", 0, "spiking E neurons (0: default 800; the spiking part is recnet's LIF E-I "
                   "network, not the model)", type=int, example=1000),
            Option("t_sim", 0.0, "spiking simulated time per condition (0: sized so that the expected "
                   "I-rate change is >= 6 stderr, at least 1000 ms, quick 500 ms)", unit="ms"),
        ),
        references=("Ahmadian, Rubin, Miller 2013, Neural Comput 25:1994",
                    "Rubin, Van Hooser, Miller 2015, Neuron 85:402 (default weight set)",
                    "Hennequin, Ahmadian, Rubin, Lengyel, Miller 2018, Neuron 98:846"),
    ),
    Subject(
        "hebbian-ei", 3,
        "synapse-type-specific competitive Hebbian learning: eigencircuits, co-tuning, decorrelation threshold",
        options=(
            Option("n_e", 8, "E neurons in the plastic network (validate: <= 64)", type=int),
            Option("n_i", 4, "I neurons in the plastic network (validate: <= 64)", type=int),
            Option("w_ee", 0.8, "L1 norm of all excitatory inputs (feedforward + recurrent) onto E"),
            Option("w_ei", 0.35, "L1 norm of the inhibitory inputs onto E"),
            Option("w_ie", 1.0, "L1 norm of all excitatory inputs onto I (> 0)"),
            Option("w_ii", 0.3, "L1 norm of the inhibitory inputs onto I"),
            Option("lam1", 1.2, "variance of the occupied input channel", unit="Hz^2"),
            Option("lam2", 1.0, "variance of a competing empty input channel", unit="Hz^2"),
            Option("a", 0.25, "reduced model input: shared (mean) part", unit="Hz^2"),
            Option("b", 1.0, "reduced model input: within-group covariance", unit="Hz^2"),
            Option("s", 0.2, "reduced model input: private variance", unit="Hz^2"),
            Option("n_per_group", 4, "reduced model: input channels per group (two groups)", type=int),
            Option("beta", 0.5, "reduced model: global inhibition w_EI w_IE/(1 + w_II)"),
        ),
        derive=_heb_derive, predict=_heb_predict, validate=_heb_validate,
        references=("Eckmann, Young, Gjorgjieva 2024, PNAS 121:e2305326121",
                    "Oja 1982, J Math Biol 15:267", "Miller, MacKay 1994, Neural Comput 6:100"),
    ),
]
