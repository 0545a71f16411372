"""Subject ``lif-network``: every self-consistent stationary state of a user's network of LIF
populations (model files, issue 12), and its validation on numba, NEST and SpiNNaker.
Heavy imports happen inside the callables."""
from recnet.registry import Option, Subject

DEFAULT_MODEL = "brunel2000-a-vr0"   # the same network and point as `recnet predict brunel`

OVERRIDES = (
    Option("tau_m", None, "membrane time constant of every population (None: the model's)", "ms",
           example=15.0),
    Option("v_thresh", None, "threshold of every population (None: the model's)", "mV", example=18.0),
    Option("v_reset", None, "reset potential of every population (None: the model's)", "mV", example=5.0),
    Option("v_rest", None, "resting potential of every population (None: the model's)", "mV", example=-2.0),
    Option("tau_refrac", None, "refractory period of every population (None: the model's)", "ms",
           example=1.0),
)

OPTIONS = (Option("model", DEFAULT_MODEL, "shipped model name (`recnet models`) or a .toml/.yaml file",
                  type=str, example="brunel2000-a"),) + OVERRIDES

STABILITY = ("stable = every eigenvalue of the Jacobian of the rate dynamics tau_m,a dnu_a/dt = -nu_a + "
             "phi_a(nu) has a negative real part: a static criterion, blind to oscillatory (Hopf) "
             "instabilities caused by delays (Brunel 2000, sec. 3.3), which need the dynamical linear "
             "response: that is `stability` (roots of det(1 - M(lambda)) = 0 with the delays, Brunel 2000 "
             "sec. 4; recnet.numerics.lif_stability), computed for every statically stable state")

EXP_STABILITY = ("not computed: the root search of det(1 - M(lambda)) = 0 is implemented for delta synapses only "
                 "(the exp-synapse transfer function, --spectra, is evaluated on the frequency axis, not yet at "
                 "complex lambda with Re lambda < 0); the stationary state is stable only in the static sense of "
                 "`stable` (rate dynamics without delays)")
FB_RULE = ("exp synapses: Siegert rate (and ISI CV) with threshold and reset raised by shift_per_sigma x sigma, "
           "shift_per_sigma = alpha/2 sqrt(tau_s/tau_m), alpha = sqrt(2)|zeta(1/2)| (Fourcaud & Brunel 2002, "
           "Neural Comput 14:2057), mu and sigma from J = w tau_s / cm; first order in sqrt(tau_s/tau_m) << 1 "
           "(a warning when tau_s > tau_m / 10)")

REFS = ("Brunel 2000, J Comput Neurosci 8:183", "Amit & Brunel 1997, Cereb Cortex 7:237",
        "Potjans & Diesmann 2014, Cereb Cortex 24:785", "Fourcaud & Brunel 2002, Neural Comput 14:2057")


def load_model(model, tau_m=None, v_thresh=None, v_reset=None, v_rest=None, tau_refrac=None):
    """The ``LIFNetwork`` of ``model`` with the non-None neuron overrides applied to every population."""
    from recnet.models import load

    m = load(model, family="lif-network")
    over = {k: v for k, v in dict(tau_m=tau_m, v_thresh=v_thresh, v_reset=v_reset, v_rest=v_rest,
                                  tau_refrac=tau_refrac).items() if v is not None}
    if over:
        from recnet.checks import ParameterError
        try:
            m = m.replace(**over)
        except ParameterError as e:   # population[0].v_reset -> the option that set it
            field = e.name.rsplit(".", 1)[-1]
            name = field if field in over else next(iter(over))
            raise ParameterError(name, over.get(name, e.value), str(e.valid)) from None
    return m


def predict_model(m, subject_warnings=None):
    """States of an ``LIFNetwork`` as the ``lif-network`` Result values (see ``_predict``)."""
    from recnet.numerics.lif_meanfield import network_states

    out = network_states(m)
    names = m.names
    warnings = list(subject_warnings or []) + list(out.get("warnings", []))

    def by_name(arr):
        return {n: float(arr[i]) for i, n in enumerate(names)}

    from recnet.numerics.lif_stability import model_stability

    states = []
    for s in out["states"]:
        st = {k: by_name(s[k]) for k in ("rate_hz", "mu_mv", "sigma_mv", "cv_isi")}
        st.update(stable=bool(s["stable"]), max_real_eig_per_ms=s["max_real_eig_per_ms"],
                  residual_hz=s["residual_hz"])
        if st["stable"]:   # linear stability with delays (issue 15) of the statically stable states
            st["stability"] = model_stability(m, s)
            warnings.extend(st["stability"].pop("warnings"))
        states.append(st)
    stable = [s for s in states if s["stable"]]
    values = {"rate_hz": None, "mu_mv": None, "sigma_mv": None, "cv_isi": None}
    values["stability"] = {"stable": None, "growth_rate_per_s": None, "frequency_hz": None,
                           "state": "no unique stable stationary state: see states"}
    if len(stable) == 1:
        values.update({k: stable[0][k] for k in values})
        what = "unique"
    elif len(stable) > 1:
        what = f"several stable states ({len(stable)}): see states"
        warnings.append(f"{len(stable)} stable stationary states: rate_hz, mu_mv, sigma_mv are None at top level; "
                        "each is listed in states")
    elif out["runaway"]:
        what = ("none found: the rates run away (the rate dynamics from 0 Hz reach the maximal rate "
                f"{', '.join(f'{v:g}' for v in out['nu_max_hz'])} Hz, 1/tau_refrac or 10 kHz without a "
                "refractory period): no finite stationary state")
        warnings.append("the rates run away: no finite self-consistent stationary state")
    elif states:
        what = f"none found: all {len(states)} self-consistent states are unstable"
        warnings.append(what)
    else:
        what = "none found: the search found no self-consistent state"
        warnings.append(what)
    if any(v is None or v != v for s in states for v in s["cv_isi"].values()):
        warnings.append("cv_isi is undefined for a population at zero rate (no inter-spike intervals)")
    values.update(stable_state=what, states=states, n_states=len(states), n_stable=len(stable),
                  populations=names, method=out["method"], stability_criterion=STABILITY, synapse=m.synapse)
    if out.get("tau_s_ms") is not None:
        values["colored_noise"] = {"tau_s_ms": by_name(out["tau_s_ms"]), "shift_per_sigma": by_name(out["fb_shift"]),
                                   "rule": FB_RULE}
    from recnet.results import drop_none
    return drop_none(values, {k: f"no unique stable state: {what}" for k in ("rate_hz", "mu_mv", "sigma_mv",
                                                                             "cv_isi")}), warnings


SPECTRA_F = (1.0, 1000.0, 1000)   # Hz: first, last, number of frequencies of --spectra
SPECTRA_NOISE = ("population-rate power spectra C(f) = P(f) D P(f)^dagger, P = (1 - M(2 pi i f))^-1, with the "
                 "white shot noise D = diag(nu_a / N_a) of N_a independent neurons (Bos et al. 2016, PLoS Comput "
                 "Biol 12:e1005132, eqs. 17-18); one-sided would be twice these values")


def spectra_block(m, state):
    """Transfer functions and population power spectra of the stationary ``state`` (arrays
    ``rate_hz``, ``mu_mv``, ``sigma_mv``) of model ``m``, keyed by population (issue 15, item 4)."""
    import numpy as np

    a = m.to_arrays()
    P = len(m.names)
    D = np.zeros((P, P))
    for pr in m.projections:
        D[m.index(pr.post), m.index(pr.pre)] = pr.delay
    f = np.linspace(*SPECTRA_F)
    nu, mu, sg = (np.asarray(state[k], float) for k in ("rate_hz", "mu_mv", "sigma_mv"))
    neuron = {k: a[k] for k in ("tau_m", "tau_refrac", "v_thresh", "v_reset", "v_rest")}
    if m.synapse == "delta":
        from recnet.numerics.lif_response import transfer_function
        from recnet.numerics.lif_stability import power_spectra
        h = transfer_function(f, mu, sg, nu, **neuron)[0]                      # A_mu (P, n), Hz/mV
        C = power_spectra(f, a["indegree"], a["weight"], D, m.sizes, rate_hz=nu, mu_mv=mu, sigma_mv=sg, **neuron)
        psd = np.real(np.diagonal(C, axis1=1, axis2=2)).T                    # (P, n)
        method = "delta synapses: exact diffusion response (threshold integration, Richardson 2007)"
    else:
        from recnet.numerics.lif_spectra import spectra
        tau_s = np.asarray(state["tau_s_ms"], float)
        out = spectra(f, mu, sg, nu, a["indegree"], a["weight"], m.sizes, tau_s=tau_s, delay=D, **neuron)
        h, psd = out["transfer_function"], out["power_spectra"]
        method = ("exponential synapses: Schuecker et al. 2015 shift form (Phys Rev E 92:052119), valid for "
                  "tau_s << tau_m")
    names = m.names
    return {"freqs_hz": f, "method": method, "noise": SPECTRA_NOISE,
            "transfer_function_hz_per_mv": {n: np.stack([h[i].real, h[i].imag], axis=-1) for i, n in enumerate(names)},
            "power_spectrum_hz": {n: psd[i] for i, n in enumerate(names)},
            "peak_hz": {n: float(f[int(np.argmax(psd[i]))]) for i, n in enumerate(names)}}


def _predict(model=DEFAULT_MODEL, tau_m=None, v_thresh=None, v_reset=None, v_rest=None, tau_refrac=None,
             spectra=False):
    """Every self-consistent state of the model; top level: the unique stable one (or why not)."""
    from recnet.checks import ParameterError
    from recnet.results import Result

    m = load_model(model, tau_m, v_thresh, v_reset, v_rest, tau_refrac)
    values, warnings = predict_model(m)
    if spectra:
        stable = [s for s in values["states"] if s["stable"]]
        if len(stable) != 1:
            raise ParameterError("spectra", True, f"needs one stable stationary state; this model has: "
                                 f"{values['stable_state']}")
        st = {k: [stable[0][k][n] for n in m.names] for k in ("rate_hz", "mu_mv", "sigma_mv")}
        if m.synapse != "delta":
            st["tau_s_ms"] = [values["colored_noise"]["tau_s_ms"][n] for n in m.names]
        values["spectra"] = spectra_block(m, st)
    return Result("lif-network", values=values, config={"model": m.to_dict(), "spectra": bool(spectra)},
                  warnings=warnings)


def _validate(backend="numba", quick=False, seed=12345, model=DEFAULT_MODEL, tau_m=None, v_thresh=None,
              v_reset=None, v_rest=None, tau_refrac=None, t_sim=2000.0, t_warmup=500.0, dt=0.1, spectra=True):
    from recnet.validation.lif_network import validate_model

    m = load_model(model, tau_m, v_thresh, v_reset, v_rest, tau_refrac)
    res, _, _ = validate_model(m, backend=backend, quick=quick, seed=seed, t_sim=t_sim, t_warmup=t_warmup, dt=dt,
                               spectra=bool(spectra))
    res.config.update(tau_m=tau_m, v_thresh=v_thresh, v_reset=v_reset, v_rest=v_rest,
                      tau_refrac=tau_refrac, spectra=bool(spectra))   # config["model"] is the resolved model (validate_model)
    return res


VALIDATE_OPTIONS = (
    Option("t_sim", 2000.0, "simulated time counted after warm-up", "ms"),
    Option("t_warmup", 500.0, "warm-up time discarded", "ms"),
    Option("dt", 0.1, "time step", "ms"),
    Option("spectra", True, "in the asynchronous state, compare the activity spectrum band by band (one more "
           "simulation, of the network with its loop cut; --no-spectra skips it)", type=bool),
)

SUBJECTS = [
    Subject(
        "lif-network", 1,
        "a network of LIF populations from a model file: every self-consistent state (Siegert), validated",
        options=OPTIONS, predict=_predict, validate=_validate, backends=("numba", "nest", "spinnaker"),
        validate_options=VALIDATE_OPTIONS, references=REFS,
        predict_options=(Option("spectra", False, "also the transfer functions and population power spectra of the "
                                "stable state, 1-1000 Hz (keys spectra.freqs_hz, transfer_function_hz_per_mv, "
                                "power_spectrum_hz, peak_hz)", type=bool),),
    ),
]
