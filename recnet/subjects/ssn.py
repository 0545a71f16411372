"""Subjects of topic 3: the stabilized supralinear network (``ssn``) and Hebbian E-I plasticity
with synapse-type-specific normalization (``hebbian-ei``)."""
from recnet.registry import Option, Subject

_SSN_OPTIONS = (
    Option("w_ee", 1.25, "E->E weight magnitude W_EE", unit="mV s"),
    Option("w_ei", 0.65, "I->E weight magnitude W_EI", unit="mV s"),
    Option("w_ie", 1.2, "E->I weight magnitude W_IE", unit="mV s"),
    Option("w_ii", 0.5, "I->I weight magnitude W_II", unit="mV s"),
    Option("k", 0.04, "gain of the power law r = k [u]_+^n", unit="Hz/mV^n"),
    Option("n", 2.0, "power of the transfer function (>= 1)"),
    Option("tau_e", 20.0, "E rate time constant", unit="ms"),
    Option("tau_i", 10.0, "I rate time constant", unit="ms"),
    Option("h_e", 20.0, "external input to E", unit="mV"),
    Option("h_i", 20.0, "external input to I", unit="mV"),
)


def _W(w_ee, w_ei, w_ie, w_ii):
    import numpy as np
    from recnet import checks
    for name, v in (("w_ee", w_ee), ("w_ei", w_ei), ("w_ie", w_ie), ("w_ii", w_ii)):
        checks.nonnegative(name, v, "mV s")
    return np.array([[w_ee, -w_ei], [w_ie, -w_ii]], float)


def _ssn_derive(n=2.0):
    from recnet.theory import ssn
    from recnet import checks
    ni = checks.integer("n", n, minimum=1, maximum=6)
    return ssn.equations(ni)


def _ssn_predict(w_ee=1.25, w_ei=0.65, w_ie=1.2, w_ii=0.5, k=0.04, n=2.0, tau_e=20.0, tau_i=10.0,
                 h_e=20.0, h_i=20.0):
    import numpy as np
    from recnet import checks
    from recnet.numerics import ssn
    tau_e = checks.positive("tau_e", tau_e, "ms")
    tau_i = checks.positive("tau_i", tau_i, "ms")
    W = _W(w_ee, w_ei, w_ie, w_ii)
    h = np.array([h_e, h_i], float)
    tau = (tau_e, tau_i)
    if float(n).is_integer() and 1 <= n <= 8:
        fps = ssn.fixed_points_2pop(W, h, k, int(n), tau)
        method = "polynomial elimination (exact, all roots)"
    else:
        fps = ssn.fixed_points(W, h, k, n, tau, n_starts=64, seed=0)
        method = "deflated Newton (64 starts)"
    det_w = float(np.linalg.det(W))
    out = {"method": method, "n_fixed_points": len(fps),
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
        out["supersaturation"] = bool(w_ei * h_i > w_ii * h_e and det_w > 0)
    out["transition_input_mv"] = float((k * np.linalg.norm(W, 2)) ** (-1.0 / (n - 1))) if n > 1 else None
    return out


def _ssn_validate(backend="numba", quick=False, seed=12345, w_ee=1.25, w_ei=0.65, w_ie=1.2,
                  w_ii=0.5, k=0.04, n=2.0, tau_e=20.0, tau_i=10.0, n_exc=None, t_sim=None):
    from recnet.validation import ssn as vssn
    W = _W(w_ee, w_ei, w_ie, w_ii)
    return vssn.validate(W=W, k=k, n=n, tau=(tau_e, tau_i), backend=backend, quick=quick, seed=seed,
                         n_exc=n_exc, t_sim=t_sim)


def _heb_derive():
    from recnet.theory import hebbian_ei
    return hebbian_ei.equations()


def _heb_predict(a=0.25, b=1.0, s=0.2, n_per_group=4, w_ei=0.5, w_ie=1.0, w_ii=0.0):
    import numpy as np
    from recnet import checks
    from recnet.numerics import hebbian_ei as hb
    from recnet.validation.hebbian_ei import cotuning_setup
    for name, v in (("w_ei", w_ei), ("w_ie", w_ie), ("w_ii", w_ii)):
        checks.nonnegative(name, v)
    mean, cov, Q = hb.block_correlation(n_per_group, a, b, s)
    e1, lam = hb.principal_eigenvector(Q)
    beta = w_ei * w_ie / (1.0 + w_ii)
    beta_star = hb.decorrelation_threshold(Q)
    out = {"eigenvalues": lam, "principal_eigenvector": e1, "beta": beta, "beta_star": beta_star,
           "decorrelated": bool(beta > beta_star),
           "antisymmetric_growth_rate_per_eta": float(lam[1] - lam[0] / (1 + beta))}
    if n_per_group == 4:
        w, V, _ = cotuning_setup()
        a_star, lam_a = hb.cotuning_weights(w, V, Q, 1.0, "l1")
        out["cotuning_inhibitory_weights"] = a_star
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
            Option("n_exc", 0, "spiking E neurons (0: default 1000, quick 800)", type=int),
            Option("t_sim", 0.0, "spiking simulated time per condition (0: default 1000, quick 500)", unit="ms"),
        ),
        references=("Ahmadian, Rubin, Miller 2013, Neural Comput 25:1994",
                    "Rubin, Van Hooser, Miller 2015, Neuron 85:402",
                    "Hennequin, Ahmadian, Rubin, Lengyel, Miller 2018, Neuron 98:846"),
    ),
    Subject(
        "hebbian-ei", 3,
        "Hebbian E-I plasticity with per-type normalization: receptive fields, co-tuning, decorrelation",
        options=(
            Option("a", 0.25, "input correlation: shared (mean) part", unit="Hz^2"),
            Option("b", 1.0, "input correlation: within-group covariance", unit="Hz^2"),
            Option("s", 0.2, "input correlation: private variance", unit="Hz^2"),
            Option("n_per_group", 4, "input channels per group (two groups)", type=int),
            Option("w_ei", 0.5, "I->E weight total (global inhibition)"),
            Option("w_ie", 1.0, "E->I weight total"),
            Option("w_ii", 0.0, "I->I weight total"),
        ),
        derive=_heb_derive, predict=_heb_predict, validate=_heb_validate,
        references=("Eckmann, Young, Gjorgjieva 2024, PNAS 121:e2305326121",
                    "Oja 1982, J Math Biol 15:267"),
    ),
]
