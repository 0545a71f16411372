"""Validation of a ``lif-network`` model: simulate its description, compare with the mean field.

The model (``recnet.models.lif_network.LIFNetwork``) is turned into the PyNN-vocabulary
``Network`` (``LIFNetwork.to_network``) that the numba, NEST and SpiNNaker backends run, and the
simulated per-population rates and ISI CVs are compared with the unique stable self-consistent
state of ``recnet.numerics.lif_meanfield.network_states``, with the rules and stated systematic
errors of ``recnet.validation.brunel`` (``RATE_REL_TOL``, ``CV_REL_TOL``, ``SYNCHRONY_LIMIT``).

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
                   t_warmup=500.0, dt=0.1, threads=None, n_batches=20, figure=True):
    """Simulate ``model`` on ``backend`` and compare per-population rates (and ISI CVs) with theory.

    Returns ``(ValidationResult, simulation result or None, predicted state or None)``; the
    ValidationResult's ``config`` holds the model as given, the times as run and the quick
    scaling; ``data["spikes"]`` the spike trains (ms) of every population.
    """
    from recnet import checks
    from recnet.numerics.lif_meanfield import network_states
    from recnet.validation.brunel import CV_REL_TOL, RATE_REL_TOL, SYNCHRONY_LIMIT, synchrony
    from recnet.validation.compare import ValidationResult, compare, compare_exact
    from recnet.validation.simulate import BACKENDS, simulate

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
    result.config = {"resolved_model": model.to_dict(), "t_sim": t_sim, "t_warmup": t_warmup, "dt": dt,
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
                  f"({res.info.get('cores_total')} with monitors) on the virtual SpiNN-5 board; no spike data")))
        return result, None, None
    t_end = t_warmup + t_sim
    result.data["spikes"] = {p.name: res[p.name].trains() for p in model.populations}
    result.data["t_stop_ms"] = t_end
    sim_rates = {p.name: res.rate(p.name, t_warmup, t_end, n_batches=n_batches) for p in model.populations}
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
    rate_note = ("3% = stated systematic error of the diffusion approximation (finite-PSP shot noise, "
                 "Helias et al. 2010); stderr by batch means over time")
    cv_note = "10% = shot noise + O(1/n_isi) CV bias + input correlations neglected by renewal theory; stderr across neurons"
    for i, name in enumerate(model.names):
        r, r_se = sim_rates[name]
        result.comparisons.append(compare(f"rate_{name.lower()}_hz", state["rate_hz"][i], r, r_se,
                                          rel_tol=RATE_REL_TOL, note=rate_note))
    for i, name in enumerate(model.names):
        cv, cv_se, n_used = res.cv_isi(name, t_warmup, t_end)
        chi = synchrony(res, name, t_warmup, t_end)
        result.info[f"synchrony_{name.lower()}"] = chi
        pred_cv = state["cv_isi"][i]
        comp = compare(f"cv_isi_{name.lower()}", pred_cv, cv, cv_se, rel_tol=CV_REL_TOL,
                       note=cv_note + f" ({n_used} neurons); activity std / Poisson std = {chi:.2f}")
        if not chi < SYNCHRONY_LIMIT:
            comp.not_applicable(f"population activity oscillates (chi = {chi:.2f} >= {SYNCHRONY_LIMIT:g}); "
                                "the stationary white-noise CV describes the asynchronous state")
        elif n_used < 10:
            comp.not_applicable(f"only {n_used} neurons with >= 5 ISIs: no CV estimate")
        result.comparisons.append(comp)
    result.info["predicted"] = {k: {n: float(state[k][i]) for i, n in enumerate(model.names)}
                                for k in ("rate_hz", "mu_mv", "sigma_mv", "cv_isi")}
    if figure:
        result.figures[f"rates_{backend}"] = _figure(model, res, state, t_warmup, t_end, backend)
    return result, res, state


def _figure(model, res, state, t0, t1, backend):
    """Raster of up to 30 neurons per population over 200 ms, and predicted vs simulated rates."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(1, 2, figsize=(11, 3.8))
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
    fig.tight_layout()
    return fig
