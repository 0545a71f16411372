"""Validation of a ``lif-network`` model: simulate its description, compare with the mean field.

Delta (``IF_curr_delta``) and exponential (``IF_curr_exp``) synapses alike: the theory of the
latter is the Fourcaud-Brunel shifted Siegert rate (``recnet.numerics.lif_meanfield``), and the
open-loop bias below is measured with the same cells and synapses as the network.

The model (``recnet.models.lif_network.LIFNetwork``) is turned into the PyNN-vocabulary
``Network`` (``LIFNetwork.to_network``) that the numba, NEST and SpiNNaker backends run, and the
simulated per-population rates and ISI CVs are compared with the unique stable self-consistent
state of ``recnet.numerics.lif_meanfield.network_states``, with the rules and stated systematic
errors derived per run by ``open_loop_bias`` (no hand-set percentage) and the synchrony limit of
``recnet.validation.brunel``.

Quick mode runs a smaller network and says how in ``config["quick_scaling"]``: every population
size divided by f = min(4, smallest N_pre / K and 1 / p over the projections) (f >= 1), fixed
in-degrees kept and connection probabilities multiplied by f, so every in-degree, hence every
mean-field input and the prediction, is unchanged; simulated time at most 1000 ms after at most
200 ms of warm-up.  A model that still has more than ``QUICK_MAX_SYNAPSES`` synapses after this
scaling is refused in quick mode (ParameterError naming ``quick``).
"""
from __future__ import annotations

import time

import numpy as np

from recnet.checks import ParameterError

__all__ = ["validate_model", "quick_factor", "QUICK_FACTOR"]

QUICK_FACTOR = 4.0
# quick mode is meant to run in a minute or two on a laptop: it refuses a model that, after scaling,
# still has more synapses than this (the microcircuit keeps 1.4e8: its in-degrees forbid shrinking it)
QUICK_MAX_SYNAPSES = 2e7


def quick_factor(model):
    """The size divisor f of quick mode (see the module doc)."""
    f = QUICK_FACTOR
    for pr in model.projections:
        n_pre = model.populations[model.index(pr.pre)].size
        if pr.indegree is not None and round(pr.indegree) > 0:
            f = min(f, n_pre / round(pr.indegree))
        elif pr.probability:
            f = min(f, 1.0 / pr.probability)
    return max(1.0, f)


def _pred_state(states):
    stable = [s for s in states if s["stable"]]
    return stable


def validate_model(model, *, subject="lif-network", backend="numba", quick=False, seed=12345, t_sim=2000.0,
                   t_warmup=500.0, dt=0.1, threads=None, n_batches=20, figure=True, spectra=True):
    """Simulate ``model`` on ``backend`` and compare per-population rates (and ISI CVs) with theory.

    Where the theory predicts a stable asynchronous state and ``spectra`` is true, the activity
    spectrum is compared band by band (``validation.lif_spectrum``, one more simulation with the loop
    cut); where it predicts an oscillation, its frequency and onset (``validation.lif_oscillation``).

    Returns ``(ValidationResult, simulation result or None, predicted state or None)``; the
    ValidationResult's ``config`` holds the model as given, the times as run and the quick
    scaling; ``data["spikes"]`` the spike trains (ms) of every population.
    """
    from recnet import checks
    from recnet.numerics.lif_meanfield import network_states
    from recnet.validation.brunel import SYNCHRONY_LIMIT, synchrony
    from recnet.validation.compare import ValidationResult, compare, compare_exact
    from recnet.validation.simulators.simulate import BACKENDS, simulate

    if backend not in BACKENDS:
        raise ParameterError("backend", backend, f"must be one of {', '.join(BACKENDS)}")
    t_sim = checks.positive("t_sim", t_sim, "ms")
    t_warmup = checks.nonnegative("t_warmup", t_warmup, "ms")
    dt = checks.positive("dt", dt, "ms")
    scale = 1.0
    scaling = None
    if quick:
        scale = quick_factor(model)
        t_sim, t_warmup = min(t_sim, 1000.0), min(t_warmup, 200.0)
        a = model.to_arrays()
        n_syn = float(np.sum(a["indegree"] * (model.sizes / scale)[:, None]))
        if n_syn > QUICK_MAX_SYNAPSES:
            raise ParameterError("quick", True, f"cannot shrink model {model.name!r} enough: with in-degrees kept "
                                 f"(sizes / {scale:.3g}) it still has {n_syn:.3g} synapses (quick allows "
                                 f"{QUICK_MAX_SYNAPSES:.0e}); run without --quick (full size) or give a smaller model")
    net = model.to_network(dt=dt, seed=seed, scale=scale)
    net.check(dt)
    sizes = {p.name: net[p.name].size for p in model.populations}
    rounded = [f"{pr.pre}->{pr.post}" for pr in model.projections
               if pr.indegree is not None and pr.indegree != round(pr.indegree)]
    if quick:
        scaling = {"factor": scale, "rule": "population sizes / factor (rounded), fixed in-degrees kept, "
                   "connection probabilities x factor: every in-degree and the prediction unchanged",
                   "sizes": sizes}
    pred = network_states(model)
    stable = _pred_state(pred["states"])
    result = ValidationResult(subject, backend)
    result.caveats.extend(pred.get("warnings", []))
    result.config = {"model": model.to_dict(), "t_sim": t_sim, "t_warmup": t_warmup, "dt": dt,
                     "quick_scaling": scaling, "simulated_sizes": sizes,
                     "indegrees_rounded": rounded or None}
    opts = {} if threads is None else {"threads": threads}
    t0 = time.perf_counter()
    res = simulate(net, t_warmup + t_sim, backend=backend, dt=dt, seed=seed, **opts)
    result.info.update(dict(n_neurons=int(sum(sizes.values())), t_sim_ms=t_sim, t_warmup_ms=t_warmup, dt_ms=dt,
                            quick=bool(quick), wall_s=time.perf_counter() - t0, seed=seed))
    if scaling:
        result.info["quick_scaling"] = (f"sizes / {scale:.4g} (in-degrees kept): "
                                        + ", ".join(f"{k} {v}" for k, v in sizes.items()))
    if rounded:
        result.info["indegrees_rounded"] = f"non-integer in-degrees rounded for the simulation: {', '.join(rounded)}"
    for k, v in res.info.items():   # wall times go to timing: same seed -> same JSON outside it
        (result.timing if k.startswith("wall") else result.info)[f"{backend}_{k}"] = v
    if backend == "spinnaker":
        mapped = res.info.get("cores", 0) > 0
        result.comparisons.append(compare_exact(
            "mapped", True, mapped,
            note=(f"{res.info.get('chips')} chips, {res.info.get('cores')} application cores "
                  f"({res.info.get('cores_total')} with monitors) on the virtual SpiNN-5 board; a mapping check (placement, routing, resources, weight rounding, s16.15 range): no spikes were run")))
        return result, None, None
    t_end = t_warmup + t_sim
    result.data["spikes"] = {p.name: res[p.name].trains() for p in model.populations}
    result.data["t_stop_ms"] = t_end
    sim_rates = {p.name: population_rate(res, p.name, t_warmup, t_end, dt, model) for p in model.populations}
    if not stable:
        why = "the rates run away" if pred["runaway"] else "the search found no stable self-consistent state"
        result.comparisons.append(compare_exact("stable_state_found", True, False, note=why))
        return result, res, None
    state = stable[0]
    if len(stable) > 1:   # the simulation sits near one of them: compare with the nearest
        dist = [sum((s["rate_hz"][i] - sim_rates[n][0]) ** 2 for i, n in enumerate(model.names)) for s in stable]
        state = stable[int(np.argmin(dist))]
        result.info["multistable"] = (f"{len(stable)} stable states predicted; compared with the one nearest to the "
                                      "simulated rates")
    ol = open_loop_bias(model, state, backend=backend, dt=dt, t_sim=t_sim, t_warmup=t_warmup, n_batches=n_batches,
                        seed=seed + 1, **opts)
    result.info["open_loop"] = {k: v for k, v in ol.items() if not k.startswith("why")}
    for i, name in enumerate(model.names):
        r, r_se, r_dof = sim_rates[name]
        se_b = ol["rate_bias_se_hz"][i]
        result.comparisons.append(compare(
            f"rate_{name.lower()}_hz", state["rate_hz"][i], r, float(np.hypot(r_se, se_b)),
            dof=welch_satterthwaite((r_se, r_dof), (se_b, n_batches - 1)),
            stderr_parts={"simulation": r_se, "open_loop_bias": se_b},
            systematic=abs(ol["rate_bias_hz"][i]), why=ol["why_rate"][i], family="rates",
            note="stderr: population activity's spectrum at zero frequency (Hann-tapered periodogram below "
                 f"1/(2 pi tau_m), {r_dof:.3g} dof) + open-loop bias error (batch means, independent neurons); "
                 "systematic: finite-PSP bias measured open loop and fed back"))
    for i, name in enumerate(model.names):
        cv, cv_se, n_used = res.cv_isi(name, t_warmup, t_end)
        chi = synchrony(res, name, t_warmup, t_end)
        result.info[f"synchrony_{name.lower()}"] = chi
        pred_cv = state["cv_isi"][i]
        comp = compare(f"cv_isi_{name.lower()}", pred_cv, cv, float(np.hypot(cv_se, ol["cv_bias_se"][i])),
                       systematic=abs(ol["cv_bias"][i]), why=ol["why_cv"][i], family="cv",
                       note=f"stderr across neurons ({n_used} neurons); activity std / Poisson std = {chi:.2f}")
        # the CV formula is that of a neuron driven by stationary white noise: the asynchronous state only
        if not chi < SYNCHRONY_LIMIT:
            comp.not_applicable(f"population activity oscillates (chi = {chi:.2f} >= {SYNCHRONY_LIMIT:g}); "
                                "the stationary white-noise CV describes the asynchronous state")
        elif n_used < 10:
            comp.not_applicable(f"only {n_used} neurons with >= 5 ISIs: no CV estimate")
        result.comparisons.append(comp)
    stab, spectrum = _oscillation(model, state, res, t_warmup, t_end, result)
    prediction = None
    if stab is not None and stab.get("stable") is True and spectra:
        prediction = _ai_spectrum(model, state, res, net_args=dict(dt=dt, seed=seed + 2, scale=scale),
                                  backend=backend, t0=t_warmup, t1=t_end, result=result, **opts)
    elif stab is not None and stab.get("stable") is False:
        chi_all = max(result.info[f"synchrony_{n.lower()}"] for n in model.names)
        result.comparisons.append(compare_exact(
            "oscillation_onset", "oscillation", "oscillation" if chi_all >= SYNCHRONY_LIMIT else "asynchronous",
            note=(f"predicted: the asynchronous state is unstable (main mode growth {stab.get('growth_rate_per_s', 0):+.3g}/s "
                  f"at {stab.get('frequency_hz') or 0:.4g} Hz); simulated: largest synchrony chi = {chi_all:.3g} "
                  f"(activity std / Poisson std; 'oscillation' at chi >= {SYNCHRONY_LIMIT:g}, the limit above which "
                  "the CV rows are not compared either)")))
    if not any(c.applicable for c in result.comparisons if c.quantity.startswith("cv_isi")):
        result.caveats.append("AGREE rests on the rates only: the ISI CV was not compared (the population "
                              "activity oscillates, outside the stationary theory's domain)")
    result.info["predicted"] = {k: {n: float(state[k][i]) for i, n in enumerate(model.names)}
                                for k in ("rate_hz", "mu_mv", "sigma_mv", "cv_isi")}
    if figure:
        result.figures[f"rates_{backend}"] = _figure(model, res, state, t_warmup, t_end, backend, stab, spectrum,
                                                     prediction)
    return result, res, state


def _oscillation(model, state, res, t0, t1, result):
    """The predicted dynamical stability of ``state`` and, when it predicts an oscillation, its
    frequency against the simulated activity spectrum (``validation.lif_oscillation``)."""
    from recnet.checks import ParameterError
    from recnet.numerics.lif_stability import model_stability
    from recnet.validation.lif_oscillation import oscillation_rows

    try:
        stab = model_stability(model, state)
    except ParameterError as exc:   # e.g. a synapse type the stability analysis does not cover yet
        result.info["oscillation"] = f"not compared: {exc}"
        return None, None
    stab.pop("warnings", None)
    rows, info, spectrum = oscillation_rows(model, stab, res, t0, t1)
    result.comparisons.extend(rows)
    info.update(predicted_stable=stab["stable"], predicted_state=stab["state"],
                predicted_frequency_hz=stab.get("frequency_hz"), predicted_growth_rate_per_s=stab.get("growth_rate_per_s"))
    result.info["oscillation"] = info
    return stab, spectrum


def _ai_spectrum(model, state, res, *, net_args, backend, t0, t1, result, **opts):
    """Spectrum rows of the AI state (``validation.lif_spectrum``): runs the cut-loop network."""
    from recnet.validation.brunel import SYNCHRONY_LIMIT
    from recnet.validation.lif_spectrum import cut_loop_network, spectrum_rows
    from recnet.validation.simulators.simulate import simulate

    chi = max(result.info[f"synchrony_{n.lower()}"] for n in model.names)
    if not chi < SYNCHRONY_LIMIT:   # the same domain as the CV rows: small fluctuations around the state
        result.info["spectrum"] = (f"not compared: the activity fluctuates {chi:.2f} x the Poisson level (>= "
                                   f"{SYNCHRONY_LIMIT:g}): a weakly damped mode is excited beyond the linear regime the "
                                   "spectrum theory assumes (brunel2000-a at full size: band powers 0.5-3 x the "
                                   "prediction)")
        return None
    net = cut_loop_network(model, state, **net_args)
    cut = simulate(net, t1, backend=backend, dt=net_args["dt"], seed=net_args["seed"], **opts)
    rows, info, prediction = spectrum_rows(model, state, res, cut, t0, t1)
    result.comparisons.extend(rows)
    result.info["spectrum"] = info
    return prediction


OPEN_LOOP_NEURONS = 2000


def population_rate(res, label, t0, t1, dt, model):
    r"""Mean rate (Hz) of population ``label`` over [t0, t1) ms, its standard error and the error's dof.

    The error is sqrt(S(0)/T) from the zero-frequency spectral density S(0) of the population
    activity (bins of one step ``dt``), estimated by :func:`recnet.validation.stats.spectral_sem`
    over the band f < 1/(2 pi tau_m) (tau_m the largest membrane time constant of the model): below
    that corner the rate follows its input without the membrane's filtering, and the network's
    oscillations (Brunel's fast ones, chi >> 1: a broad peak at 80-200 Hz, measured) lie far above it.  Batch means
    over 50 ms blocks are inflated 2-4x in such a state (the oscillation's power leaks through the
    blocks' sinc sidelobes, ``tests/test_stats_spectral.py``): that made Brunel's rate z spread 0.5.
    Limitation: a network mode slower than tau_m makes S fall inside the band (an underestimate).
    """
    from recnet.validation.stats import spectral_sem

    _, a = res.population_activity(label, dt, t0, t1)
    tau_max = float(np.max(model.to_arrays()["tau_m"]))
    band = dt / (2 * np.pi * tau_max)    # cycles per bin
    m, se, dof = spectral_sem(a, band)
    return m, se, dof


def welch_satterthwaite(*parts):
    """dof of sqrt(sum se_i^2) from (se_i, dof_i) pairs: (sum se^2)^2 / sum(se^4 / dof)."""
    num = sum(se * se for se, _ in parts) ** 2
    den = sum(se ** 4 / d for se, d in parts if se > 0)
    return float(num / den) if den > 0 else None


def _rate_map(model, nu):
    """Phi(nu): each population's Siegert rate (Hz) when the populations fire at ``nu`` (Hz); with
    exp synapses the Fourcaud-Brunel shifted rate (``recnet.numerics.lif_meanfield``)."""
    import warnings

    from recnet.numerics.lif_meanfield import fourcaud_brunel_shift, synaptic_time_constants
    from recnet.numerics.siegert import siegert

    a = model.to_arrays()
    tau_s = a["tau_m"] * 1e-3
    mu = tau_s * (a["indegree"] * a["weight"] @ nu + np.sum(a["nu_ext"] * a["j_ext"], axis=1))
    var = tau_s * (a["indegree"] * a["weight"] ** 2 @ nu + np.sum(a["nu_ext"] * a["j_ext"] ** 2, axis=1))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)   # the range warning is the prediction's
        k = fourcaud_brunel_shift(a["tau_m"], synaptic_time_constants(a, model.names), len(nu))
    sd = np.sqrt(np.maximum(var, 0.0))
    return np.array([siegert(mu[i], sd[i], tau_m=a["tau_m"][i], tau_refrac=a["tau_refrac"][i],
                             v_thresh=a["v_thresh"][i] + k[i] * sd[i], v_reset=a["v_reset"][i] + k[i] * sd[i],
                             v_rest=a["v_rest"][i])
                     for i in range(len(nu))])


def open_loop_bias(model, state, *, backend="numba", dt=0.1, t_sim=2000.0, t_warmup=500.0, n_batches=20,
                   n_neurons=OPEN_LOOP_NEURONS, seed=12345, **opts):
    r"""The diffusion approximation's error at the predicted state, measured open loop.

    Each population's cell, unconnected (``n_neurons`` of them), receives its external drives and,
    for every projection b -> a, K_ab Poisson sources at the predicted rate nu_b with weight J_ab
    (same delays, simulator and step as the network).  eps_a = rate_open_a - nu_a is the theory's
    single-neuron error (finite-PSP shot noise, Helias et al. 2010, New J Phys 12:083023, plus the
    simulation's step and estimator biases).  In the network the error is fed back: the
    self-consistent rates move by :math:`\delta\nu = (1 - \Phi')^{-1} \epsilon`, with
    :math:`\Phi'` the Jacobian of the rate map at the state (central differences).  The CV is not
    fed back: its systematic is CV_open - CV_theory at the same inputs.

    Returns a dict of per-population lists: ``rate_open_hz``, ``eps_hz``, ``rate_bias_hz`` (= delta nu),
    ``rate_bias_se_hz``, ``cv_open``, ``cv_bias``, ``cv_bias_se``, and ``why_rate``/``why_cv`` texts.
    """
    from recnet.models import load
    from recnet.validation.simulators.simulate import simulate

    nu = np.asarray(state["rate_hz"], float)
    d = model.to_dict()
    drives = list(d.get("drive", []))
    for pr in d.get("projection", []):
        b = model.index(pr["pre"])
        k = pr["indegree"] if pr.get("indegree") is not None else pr["probability"] * model.populations[b].size
        if nu[b] > 0 and k > 0 and pr["weight"] != 0:
            drives.append({"post": pr["post"], "rate": float(nu[b]), "indegree": float(k), "weight": pr["weight"],
                           "delay": pr.get("delay", dt)})
    d.update(name=f"{model.name}-open-loop", projection=[], drive=drives,
             population=[dict(p, size=n_neurons) for p in d["population"]])
    open_model = load(d)
    net = open_model.to_network(dt=dt, seed=seed)
    res = simulate(net, t_warmup + t_sim, backend=backend, dt=dt, seed=seed, **opts)
    P = len(nu)
    r_open = np.zeros(P)
    r_open_se = np.zeros(P)
    cv_open = np.zeros(P)
    cv_open_se = np.zeros(P)
    for i, name in enumerate(model.names):
        r_open[i], r_open_se[i] = res.rate(name, t_warmup, t_warmup + t_sim, n_batches=n_batches)
        cv_open[i], cv_open_se[i], _ = res.cv_isi(name, t_warmup, t_warmup + t_sim)
    eps = r_open - _rate_map(model, nu)
    jac = np.zeros((P, P))
    for j in range(P):
        h = 1e-3 * max(nu[j], 1.0)
        up, dn = nu.copy(), nu.copy()
        up[j] += h
        dn[j] = max(dn[j] - h, 0.0)
        jac[:, j] = (_rate_map(model, up) - _rate_map(model, dn)) / (up[j] - dn[j])
    gain = np.linalg.inv(np.eye(P) - jac)
    bias = gain @ eps
    bias_se = np.sqrt((gain ** 2) @ (r_open_se ** 2))  # independent open-loop errors, propagated
    cv_theory = np.asarray(state["cv_isi"], float)
    cv_bias = cv_open - cv_theory
    out = {"n_neurons": n_neurons, "rate_open_hz": r_open.tolist(), "rate_open_se_hz": r_open_se.tolist(),
           "eps_hz": eps.tolist(), "feedback_jacobian": jac.tolist(), "rate_bias_hz": bias.tolist(),
           "rate_bias_se_hz": bias_se.tolist(), "cv_open": cv_open.tolist(), "cv_bias": cv_bias.tolist(),
           "cv_bias_se": cv_open_se.tolist()}
    out["why_rate"] = [f"finite-PSP (shot-noise) error of the diffusion approximation, measured open loop: {n_neurons} "
                       f"unconnected {n} neurons with Poisson input at the predicted rates fire {r_open[i]:.4g} +- "
                       f"{r_open_se[i]:.2g} Hz vs Siegert {nu[i]:.4g} Hz (eps = {eps[i]:+.3g} Hz); fed back through "
                       f"(1 - Phi')^-1: {bias[i]:+.3g} Hz" for i, n in enumerate(model.names)]
    out["why_cv"] = [f"open-loop CV {cv_open[i]:.4g} +- {cv_open_se[i]:.2g} minus white-noise CV {cv_theory[i]:.4g} at "
                     "the same inputs and window (shot noise + O(1/n_isi) estimator bias)" for i in range(P)]
    return out


def _figure(model, res, state, t0, t1, backend, stab=None, spectrum=None, prediction=None):
    """Raster of up to 30 neurons per population over 200 ms, predicted vs simulated rates, and the
    simulated activity spectrum with the predicted main mode."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(1, 3 if spectrum is not None else 2, figsize=(16 if spectrum is not None else 11, 3.8))
    off = 0
    for k, name in enumerate(model.names):
        t, i = res[name].window(t0, min(t1, t0 + 200.0))
        m = i < 30
        ax[0].plot(t[m], i[m] + off, "|", color=f"C{k % 10}", ms=3)
        off += min(30, res[name].size)
    ax[0].set(xlabel="time (ms)", ylabel="neuron (by population)", title=f"raster ({backend})")
    x = np.arange(len(model.names))
    sim = [res.rate(n, t0, t1) for n in model.names]
    ax[1].bar(x - 0.2, state["rate_hz"], 0.4, label="theory", color="0.6")
    ax[1].errorbar(x + 0.2, [s[0] for s in sim], yerr=[3 * s[1] for s in sim], fmt="o", color="C0",
                   label="simulation (3 stderr)")
    ax[1].set_xticks(x, model.names)
    ax[1].set(ylabel="rate (Hz)", title="stationary rates")
    ax[1].legend(fontsize=8, loc="lower right")
    if spectrum is not None:
        f, psd = spectrum
        ax[2].semilogy(f[1:], psd[1:], color="C0", lw=0.8, label="simulation (Welch)")
        if prediction is not None:
            ax[2].semilogy(prediction[0], prediction[1], color="k", lw=1.2,
                           label="theory: linear response, renewal noise")
        if stab is not None and stab.get("frequency_hz"):
            ax[2].axvline(stab["frequency_hz"], color="k", ls="--", lw=1.2,
                          label=f"theory: main mode {stab['frequency_hz']:.0f} Hz ({stab['state']})")
        ax[2].set(xlabel="frequency (Hz)", ylabel="activity power (Hz$^2$/Hz)", title="population activity spectrum",
                  xlim=(0, min(f[-1], 1000.0)))
        ax[2].legend(fontsize=8)
    fig.tight_layout()
    return fig
