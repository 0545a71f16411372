"""Subjects of topic 3: the stabilized supralinear network (``ssn``) and Hebbian E-I plasticity
with synapse-type-specific normalization (``hebbian-ei``)."""
from recnet.registry import Option, Subject

_SSN_OPTIONS = (
    Option("weights", "rubin2015", "published weight set (w_ee ... w_ii override single entries): "
           "rubin2015 = Rubin et al. 2015 ring SSN, uniform mode (3.512, 1.836, 3.352, 1.437 mV s); "
           "hennequin2018 = Hennequin et al. 2018 (1.25, 0.65, 1.2, 0.5 mV s)", type=str,
           choices=("rubin2015", "hennequin2018")),
    Option("w_ee", None, "E->E weight magnitude W_EE (default: from --weights)", unit="mV s"),
    Option("w_ei", None, "I->E weight magnitude W_EI (default: from --weights)", unit="mV s"),
    Option("w_ie", None, "E->I weight magnitude W_IE (default: from --weights)", unit="mV s"),
    Option("w_ii", None, "I->I weight magnitude W_II (default: from --weights)", unit="mV s"),
    Option("k", 0.04, "gain of the power law r = k [u]_+^n", unit="Hz/mV^n"),
    Option("n", 2.0, "power of the transfer function (>= 1)"),
    Option("tau_e", 20.0, "E rate time constant", unit="ms"),
    Option("tau_i", 10.0, "I rate time constant", unit="ms"),
    Option("h_e", 20.0, "external input to E", unit="mV"),
    Option("h_i", 20.0, "external input to I", unit="mV"),
)


def _W(w_ee, w_ei, w_ie, w_ii, weights="rubin2015"):
    import numpy as np
    from recnet import checks
    from recnet.numerics import ssn
    if weights not in ssn.WEIGHT_SETS:
        raise ValueError(f"weights = {weights!r} is invalid: must be one of {sorted(ssn.WEIGHT_SETS)}")
    ws = ssn.WEIGHT_SETS[weights]
    vals = []
    for name, v in (("w_ee", w_ee), ("w_ei", w_ei), ("w_ie", w_ie), ("w_ii", w_ii)):
        vals.append(ws[name.upper()] if v is None else checks.nonnegative(name, v, "mV s"))
    return np.array([[vals[0], -vals[1]], [vals[2], -vals[3]]], float)


def _ssn_derive(n=2.0):
    from recnet.theory import ssn
    from recnet import checks
    ni = checks.integer("n", n, minimum=1, maximum=6)
    return ssn.equations(ni)


def _ssn_predict(weights="rubin2015", w_ee=None, w_ei=None, w_ie=None, w_ii=None, k=0.04, n=2.0,
                 tau_e=20.0, tau_i=10.0, h_e=20.0, h_i=20.0):
    import numpy as np
    from recnet import checks
    from recnet.numerics import ssn
    tau_e = checks.positive("tau_e", tau_e, "ms")
    tau_i = checks.positive("tau_i", tau_i, "ms")
    W = _W(w_ee, w_ei, w_ie, w_ii, weights)
    h = np.array([h_e, h_i], float)
    tau = (tau_e, tau_i)
    if float(n).is_integer() and 1 <= n <= 8:
        fps = ssn.fixed_points_2pop(W, h, k, int(n), tau)
        method = "polynomial elimination (exact, all roots)"
    else:
        fps = ssn.fixed_points(W, h, k, n, tau, n_starts=64, seed=0)
        method = "deflated Newton (64 starts)"
    det_w = float(np.linalg.det(W))
    out = {"method": method, "weights": weights, "w_signed_mv_s": W, "n_fixed_points": len(fps),
           "fixed_points": [{"support": f["support"], "rates_hz": f["rates_hz"], "u_mv": f["u_mv"],
                             "stable": f["stable"], "isn": f["isn"], "paradoxical": f["paradoxical"],
                             "max_real_eigenvalue_per_ms": float(np.max(f["eigenvalues"].real))}
                            for f in fps]}
    st = [f for f in fps if f["stable"]]
    if st:
        f = st[0]
        out.update(rates_hz=f["rates_hz"], stable=True, isn=f["isn"], paradoxical=f["paradoxical"],
                   dr_i_dh_i_hz_per_mv=float(f["response"][1, 1]))
    else:
        out.update(rates_hz=None, stable=False, isn=None, paradoxical=None)
    out["det_w"] = det_w
    if det_w != 0:
        slope = -np.linalg.solve(W, h / max(np.max(np.abs(h)), 1e-300))
        out["strong_input_slope_hz_per_mv"] = slope
        out["supersaturation"] = bool(-W[0, 1] * h_i > -W[1, 1] * h_e and det_w > 0)
    out["transition_input_mv"] = float((k * np.linalg.norm(W, 2)) ** (-1.0 / (n - 1))) if n > 1 else None
    return out


def _ssn_validate(backend="numba", quick=False, seed=12345, weights="rubin2015", w_ee=None, w_ei=None,
                  w_ie=None, w_ii=None, k=0.04, n=2.0, tau_e=20.0, tau_i=10.0, n_exc=None, t_sim=None):
    from recnet.validation import ssn as vssn
    W = _W(w_ee, w_ei, w_ie, w_ii, weights)
    return vssn.validate(W=W, k=k, n=n, tau=(tau_e, tau_i), backend=backend, quick=quick, seed=seed,
                         n_exc=n_exc, t_sim=t_sim)


def _heb_derive():
    from recnet.theory import hebbian_ei
    return hebbian_ei.equations()


def _heb_predict(n_e=8, n_i=4, w_ee=0.8, w_ei=0.35, w_ie=1.0, w_ii=0.3, lam1=1.2, lam2=1.0,
                 a=0.25, b=1.0, s=0.2, n_per_group=4, beta=0.5):
    from recnet import checks
    from recnet.numerics import hebbian_ei as hb
    from recnet.validation.hebbian_ei import cotuning_setup
    checks.nonnegative("beta", beta)
    g = hb.collapse_growth_rates(n_e, n_i, w_ee, w_ei, w_ie, w_ii, lam1, lam2)
    th = hb.decorrelation_thresholds(n_e, n_i, w_ee, w_ie, w_ii, lam1, lam2)
    W, a_e, a_i = hb.collapsed_state(n_e, n_i, 2, w_ee, w_ei, w_ie, w_ii)
    out = {"eigencircuit_phi": g["phi"], "rate_amplitude_e": a_e, "rate_amplitude_i": a_i,
           "effective_attraction_hz2": float(hb.effective_attraction(lam1, n_e, n_i, a_e * lam1 ** 0.5,
                                                                     a_i * lam1 ** 0.5)),
           "growth_rate_e_per_eta_hz2": float(g["mu_e"]), "growth_rate_i_per_eta_hz2": float(g["mu_i"]),
           "growth_rate_paper_per_eta_hz2": float(g["paper"]),
           "threshold_w_ei_exact": th["exact"],
           "threshold_w_ei_paper": None if th["paper"] != th["paper"] else th["paper"],   # NaN: none with 0 < Phi < 1
           "decorrelated": bool(g["mu_e"] > 0), "decorrelated_paper": bool(g["paper"] > 0),
           "collapsed_weights": {"ff_e_on_mode": float(W["EF"][0, 0]), "ee": float(W["EE"][0, 0]),
                                 "ei": float(W["EI"][0, 0]), "ff_i_on_mode": float(W["IF"][0, 0]),
                                 "ie": float(W["IE"][0, 0]), "ii": float(W["II"][0, 0])}}
    mean, cov, Q = hb.block_correlation(n_per_group, a, b, s)
    e1, lam = hb.principal_eigenvector(Q)
    bstar = hb.decorrelation_threshold(Q)
    out.update(reduced_eigenvalues_hz2=lam, reduced_principal_eigenvector=e1, reduced_beta_star=bstar,
               reduced_decorrelated=bool(beta > bstar),
               reduced_growth_rate_per_eta_hz2=float(lam[1] - lam[0] / (1 + beta)))
    if n_per_group == 4:
        w, V, _ = cotuning_setup()
        out["reduced_cotuning_inhibitory_weights"] = hb.cotuning_weights(w, V, Q, 1.0, "l1")[0]
    return out


def _heb_validate(backend="numba", quick=False, seed=12345, a=0.25, b=1.0, s=0.2):
    from recnet.validation import hebbian_ei
    return hebbian_ei.validate(backend=backend, quick=quick, seed=seed, a=a, b=b, s=s)


SUBJECTS = [
    Subject(
        "ssn", 3,
        "stabilized supralinear network: all fixed points, stability, ISN, paradoxical response",
        options=_SSN_OPTIONS,
        derive=_ssn_derive, predict=_ssn_predict, validate=_ssn_validate,
        backends=("numba", "nest"),
        validate_options=(
            Option("n_exc", 0, "spiking E neurons (0: default 800)", type=int),
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
            Option("n_e", 8, "E neurons in the plastic network", type=int),
            Option("n_i", 4, "I neurons in the plastic network", type=int),
            Option("w_ee", 0.8, "L1 norm of all excitatory inputs (feedforward + recurrent) onto E"),
            Option("w_ei", 0.35, "L1 norm of the inhibitory inputs onto E"),
            Option("w_ie", 1.0, "L1 norm of all excitatory inputs onto I"),
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
