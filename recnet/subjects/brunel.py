"""Subjects ``brunel`` (Brunel 2000 sparse balanced E-I network) and ``siegert`` (single LIF neuron
with white-noise input).  Heavy imports happen inside the callables."""
from recnet.registry import Option, Subject

NEURON_OPTIONS = (
    Option("tau_m", 20.0, "membrane time constant", "ms"),
    Option("v_thresh", 20.0, "spike threshold", "mV"),
    Option("v_reset", 0.0, "reset potential (Brunel's figures use 10 mV)", "mV"),
    Option("v_rest", 0.0, "resting potential", "mV"),
    Option("tau_refrac", 2.0, "refractory period", "ms"),
)

BRUNEL_OPTIONS = NEURON_OPTIONS + (
    Option("g", 5.0, "relative inhibitory weight (inhibitory PSP = -g j)"),
    Option("eta", 2.0, "external rate / threshold rate nu_ext/nu_thr"),
    Option("epsilon", 0.1, "connection probability (C_E = epsilon n_e, C_I = epsilon n_e gamma)"),
    Option("j", 0.1, "excitatory PSP amplitude (delta synapse)", "mV"),
    Option("n_e", 10000, "number of excitatory neurons", type=int),
    Option("gamma", 0.25, "N_I / N_E"),
)

REFS = ("Brunel 2000, J Comput Neurosci 8:183",
        "Amit & Brunel 1997, Cereb Cortex 7:237",
        "Siegert 1951, Phys Rev 81:617")


def _derive_brunel():
    from recnet.theory import brunel
    return brunel.equations()


def _derive_siegert():
    from recnet.theory import brunel
    return brunel.siegert_equations()


def brunel_lif_model(tau_m=20.0, v_thresh=20.0, v_reset=0.0, v_rest=0.0, tau_refrac=2.0, g=5.0, eta=2.0,
                     epsilon=0.1, j=0.1, n_e=10000, gamma=0.25, delay=1.5):
    """Brunel's model A with these parameters as a ``lif-network`` model (checked first)."""
    import math

    from recnet.checks import ParameterError
    from recnet.models.lif_network import brunel_model, brunel_sizes
    from recnet.numerics.lif_meanfield import check_brunel

    check_brunel(tau_m, v_thresh, v_reset, v_rest, tau_refrac, g, eta, epsilon, j, n_e, gamma, delay)
    _, _, c_e, c_i = brunel_sizes(n_e, gamma, epsilon)
    # the variance g^2 J^2 C_I nu tau (nu up to 10 kHz) must stay representable (see network_states)
    g_max = math.sqrt(1e150 / (tau_m * 10.0 * max(c_i, 1))) / j
    if g > g_max:
        raise ParameterError("g", g, f"must be <= {g_max:.3g} (the inhibitory input variance g^2 j^2 C_I nu tau_m "
                             "overflows beyond)")
    return brunel_model(tau_m=tau_m, v_thresh=v_thresh, v_reset=v_reset, v_rest=v_rest, tau_refrac=tau_refrac, g=g,
                        eta=eta, epsilon=epsilon, j=j, n_e=n_e, gamma=gamma, delay=delay)


def _predict_brunel(tau_m=20.0, v_thresh=20.0, v_reset=0.0, v_rest=0.0, tau_refrac=2.0, g=5.0,
                    eta=2.0, epsilon=0.1, j=0.1, n_e=10000, gamma=0.25, delay=1.5):
    """The ``lif-network`` prediction of Brunel's model, with Brunel's own keys (E and I rates are
    equal at every stationary state: ``rate_hz`` = ``rate_e_hz`` = ``rate_i_hz``)."""
    from recnet.models.lif_network import brunel_sizes
    from recnet.results import Result
    from recnet.subjects.lif_network import predict_model

    m = brunel_lif_model(tau_m, v_thresh, v_reset, v_rest, tau_refrac, g, eta, epsilon, j, n_e, gamma, delay)
    values, warnings = predict_model(m)
    n_e, n_i, c_e, c_i = brunel_sizes(n_e, gamma, epsilon)
    nu_thr = (v_thresh - v_rest) / (j * c_e * tau_m * 1e-3)
    sols = [{"rate_hz": s["rate_hz"]["E"], "mu_mv": s["mu_mv"]["E"], "sigma_mv": s["sigma_mv"]["E"],
             "stable": s["stable"], "residual_hz": s["residual_hz"]} for s in values["states"]]
    stable = [s for s in values["states"] if s["stable"]]
    one = len(stable) == 1
    out = {"rate_hz": stable[0]["rate_hz"]["E"] if one else None,
           "rate_e_hz": stable[0]["rate_hz"]["E"] if one else None,
           "rate_i_hz": stable[0]["rate_hz"]["I"] if one else None,
           "mu_mv": stable[0]["mu_mv"]["E"] if one else None,
           "sigma_mv": stable[0]["sigma_mv"]["E"] if one else None,
           "cv_isi": stable[0]["cv_isi"]["E"] if one else None,
           "stable_state": values["stable_state"], "nu_thr_hz": nu_thr, "nu_ext_hz": eta * nu_thr,
           "c_e": c_e, "c_i": c_i, "n_e": n_e, "n_i": n_i, "g": g, "eta": eta,
           "solutions": sols, "n_solutions": len(sols), "multistable": len(stable) > 1,
           "converged": bool(sols) and all(abs(s["residual_hz"]) <= 1e-9 * max(1.0, s["rate_hz"]) for s in sols),
           "method": values["method"], "stability_criterion": values["stability_criterion"],
           # linear stability of the asynchronous state with the delay (Brunel 2000, sec. 4)
           "stability": values.get("stability")}
    from recnet.results import drop_none
    why = {k: f"no unique stable stationary state ({values['stable_state']})"
           for k in ("rate_hz", "rate_e_hz", "rate_i_hz", "mu_mv", "sigma_mv", "cv_isi")}
    if one and not (out["cv_isi"] is not None and out["cv_isi"] == out["cv_isi"]):   # None or NaN
        out["cv_isi"] = None
        why["cv_isi"] = "the neurons are silent (rate 0): no inter-spike intervals"
    return Result("brunel", values=drop_none(out, why), config={"model": m.to_dict()}, warnings=warnings)


def _predict_siegert(mu=15.0, sigma=5.0, tau_m=20.0, v_thresh=20.0, v_reset=0.0, v_rest=0.0,
                     tau_refrac=2.0):
    from recnet.numerics import siegert as S
    kw = dict(tau_m=tau_m, tau_refrac=tau_refrac, v_thresh=v_thresh, v_reset=v_reset, v_rest=v_rest)
    rate = S.siegert(mu, sigma, **kw)
    out = {"rate_hz": rate, "cv_isi": S.cv_isi(mu, sigma, **kw) if rate > 0 else None,
           "mu_mv": mu, "sigma_mv": sigma,
           "y_thresh": (v_thresh - v_rest - mu) / sigma if sigma > 0 else None,
           "y_reset": (v_reset - v_rest - mu) / sigma if sigma > 0 else None,
           "noise_free_rate_hz": S.siegert(mu, 0.0, **kw)}
    from recnet.results import drop_none
    return drop_none(out, {"cv_isi": "the neuron is silent (rate 0): no inter-spike intervals",
                           "y_thresh": "sigma = 0: no noise, (theta - mu)/sigma is undefined",
                           "y_reset": "sigma = 0: no noise, (V_r - mu)/sigma is undefined"})


def _validate_brunel(backend="numba", quick=False, seed=12345, tau_m=20.0, v_thresh=20.0, v_reset=0.0,
                     v_rest=0.0, tau_refrac=2.0, g=5.0, eta=2.0, epsilon=0.1, j=0.1, n_e=10000, gamma=0.25,
                     delay=1.5, t_sim=2000.0, t_warmup=500.0, dt=0.1):
    from recnet.validation import brunel as vb
    return vb.validate(backend=backend, quick=quick, seed=seed, tau_m=tau_m, v_thresh=v_thresh, v_reset=v_reset,
                       v_rest=v_rest, tau_refrac=tau_refrac, g=g, eta=eta, epsilon=epsilon, j=j, n_e=n_e,
                       gamma=gamma, delay=delay, t_sim=t_sim, t_warmup=t_warmup, dt=dt)


SUBJECTS = [
    Subject(
        "brunel", 1,
        "Brunel 2000 sparse balanced E-I network of LIF neurons: self-consistent rates (Siegert); a shortcut for `lif-network` on model A",
        options=BRUNEL_OPTIONS + (
            Option("delay", 1.5, "synaptic delay (sets the stability of the asynchronous state)", "ms"),),
        derive=_derive_brunel, predict=_predict_brunel, validate=_validate_brunel,
        backends=("numba", "nest", "spinnaker"),
        validate_options=(
            Option("t_sim", 2000.0, "simulated time counted after warm-up", "ms"),
            Option("t_warmup", 500.0, "warm-up time discarded", "ms"),
            Option("dt", 0.1, "time step", "ms"),
        ),
        references=REFS,
    ),
    Subject(
        "siegert", 1,
        "stationary rate and ISI CV of a LIF neuron with white-noise input (Siegert formula)",
        options=(Option("mu", 15.0, "mean input relative to v_rest", "mV"),
                 Option("sigma", 5.0, "noise amplitude, sigma^2 = tau_m C J^2 nu (free-membrane SD is sigma/sqrt 2)", "mV"))
        + NEURON_OPTIONS,
        derive=_derive_siegert, predict=_predict_siegert,
        references=REFS[1:] + ("Brunel 2000, J Comput Neurosci 8:183, eq. 21",),
    ),
]
