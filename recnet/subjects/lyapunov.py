"""Subject ``lyapunov``: Lyapunov spectra of rate, theta and LIF networks (topic 2).

Heavy imports (sympy, numba kernels, simulators) happen inside the callables.
"""
from recnet.registry import Option, Subject

MODELS = ("all", "rate", "theta", "lif")

OPTIONS = (
    Option("model", "all", "network: rate (tanh units), theta (QIF, balanced), lif (inhibitory), or all",
           type=str, choices=MODELS),
    Option("n", None, "network size N (default: 200 for predict; validate picks per model)", type=int),
    Option("g", 2.0, "rate network: coupling gain (J_ij ~ N(0, g^2/N))"),
    Option("k", 50, "spiking networks: in-degree K", type=int),
    Option("m", None, "number of exponents (default: all N)", type=int),
    Option("t_sim", None, "measurement time (rate: in tau; spiking: in ms)"),
    Option("dt", 0.1, "rate network: Euler time step, in tau (0 < dt < 1)"),
    Option("drive_amp", 0.0, "rate network: amplitude of sinusoidal input A cos(2 pi f t + theta_i)"),
    Option("rate", None, "spiking networks: target rate used by the balance condition "
                         "(default 1 Hz theta, 10 Hz lif)", "Hz"),
    Option("j0", 1.0, "spiking networks: coupling, J = -j0/sqrt(K)"),
    Option("tau_m", 10.0, "spiking networks: membrane time constant", "ms"),
    Option("dmft", False, "predict: also solve the DMFT for lambda_max (slower)", type=bool),
)

VALIDATE_OPTIONS = (
    Option("sizes", None, "rate network: comma-separated sizes for lambda_1 vs DMFT "
                          "(default 250,500,1000,2000; quick 100,200)", type=str),
)

REFS = (
    "Engelken, Wolf, Abbott 2023, Lyapunov spectra of chaotic recurrent neural networks, Phys Rev Research 5:043044",
    "Monteforte & Wolf 2010, Dynamical entropy production in spiking neuron networks in the balanced state, PRL 105:268104",
    "Sompolinsky, Crisanti, Sommers 1988, PRL 61:259",
    "Benettin, Galgani, Giorgilli, Strelcyn 1980, Meccanica 15:9",
)


def _derive(model="all"):
    from recnet.theory import lyapunov
    if model == "all":
        out = {}
        for mdl in ("rate", "theta", "lif"):
            out.update({f"[{mdl}] {k}": v for k, v in lyapunov.equations(mdl).items()})
        return out
    return lyapunov.equations(model)


def _predict_one(model, n, g, k, m, dt, rate, j0, tau_m, dmft):
    from recnet import checks
    checks.positive("tau_m", tau_m, "ms")
    if model == "rate":
        from recnet.numerics import lyapunov_rate as L
        return L.prediction(200 if n is None else n, g, m, dt, dmft=dmft)
    if model == "theta":
        from recnet.numerics import lyapunov_theta as L
        return L.prediction(1000 if n is None else n, k, 1.0 if rate is None else rate, j0, tau_m)
    from recnet.numerics import lyapunov_lif as L
    return L.prediction(1000 if n is None else n, k, 10.0 if rate is None else rate, j0, tau_m)


def _predict(model="all", n=None, g=2.0, k=50, m=None, dt=0.1, rate=None, j0=1.0, tau_m=10.0,
             dmft=False):
    if model == "all":
        out = {mdl: _predict_one(mdl, n, g, k, m, dt, rate, j0, tau_m, dmft) for mdl in ("rate", "theta", "lif")}
        # the headline keys are the rate network's
        for key in ("exponents", "entropy_rate", "ky_dimension"):
            out[key] = out["rate"][key]
        return out
    return _predict_one(model, n, g, k, m, dt, rate, j0, tau_m, dmft)


def _validate(backend="numba", quick=False, seed=12345, model="all", n=None, g=2.0, k=50, m=None,
              t_sim=None, dt=0.1, drive_amp=0.0, rate=None, j0=1.0, tau_m=10.0, sizes=None):
    from recnet.validation import lyapunov as V
    return V.validate(backend=backend, quick=quick, seed=seed, model=model, n=n, g=g, k=k, m=m,
                      t_sim=t_sim, dt=dt, drive_amp=drive_amp, rate=rate, j0=j0, tau_m=tau_m,
                      sizes=sizes)


SUBJECTS = [
    Subject("lyapunov", 2,
            "Lyapunov spectra, entropy rate and Kaplan-Yorke dimension of rate, theta and LIF networks",
            options=OPTIONS, derive=_derive, predict=_predict, validate=_validate,
            validate_options=VALIDATE_OPTIONS, backends=("numba", "nest"), references=REFS),
]
