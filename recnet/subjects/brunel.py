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
    Option("delay", 1.5, "synaptic delay (no effect on stationary rates)", "ms"),
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


def _predict_brunel(tau_m=20.0, v_thresh=20.0, v_reset=0.0, v_rest=0.0, tau_refrac=2.0, g=5.0,
                    eta=2.0, epsilon=0.1, j=0.1, n_e=10000, gamma=0.25, delay=1.5):
    from recnet.numerics.lif_meanfield import brunel_prediction
    return brunel_prediction(tau_m=tau_m, v_thresh=v_thresh, v_reset=v_reset, v_rest=v_rest,
                             tau_refrac=tau_refrac, g=g, eta=eta, epsilon=epsilon, j=j, n_e=n_e,
                             gamma=gamma, delay=delay)


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
    return out


def _validate_brunel(backend="numba", quick=False, seed=12345, **options):
    from recnet.validation import brunel as vb
    return vb.validate(backend=backend, quick=quick, seed=seed, **options)


SUBJECTS = [
    Subject(
        "brunel", 1,
        "Brunel 2000 sparse balanced E-I network of LIF neurons: self-consistent rates (Siegert)",
        options=BRUNEL_OPTIONS,
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
