"""Theory vs simulation for threshold-linear networks: fixed points found by simulation, and a
spiking realisation of the steady states.

1. **Rate simulation.**  dx/dt = -x + [W x + b]_+ (time in units of tau) is integrated from many
   random initial conditions (``numerics.tln_simulate.simulate_tln``).  Every trajectory that
   converges (|dx/dt| < 1e-9) must end on a *predicted stable* fixed point (support enumeration,
   ``numerics.tln_enumerate``), every predicted stable fixed point must be reached by some
   trajectory, and where no fixed point is stable no trajectory may converge (the attractors are
   limit cycles or chaotic; their active neurons are reported).
2. **Spiking check.**  For symmetric W with I - W positive definite (the TLN's fixed point solves a
   QP) the spike-coding network of ``validation.scn_bridge`` is used.  Any other CTLN (W built
   from the graph, uniform b) is realised by an excitatory-inhibitory network of LIF neurons
   (``validation.tln_spiking``, on the numba backend or NEST): its active sets must be the
   predicted stable supports (active: rate / nu0 - 3 SEM > 0.05, i.e. 2.5 Hz), and without a
   stable fixed point the activity must not settle and its most active node must move along the
   graph's edges.  Any other TLN: each unit is
   realised by a pool of Poisson neurons whose filtered spike trains obey the TLN on average
   (``numerics.tln_simulate.simulate_poisson_tln``); started next to each predicted stable fixed
   point, its time-averaged state must equal x* within 3 batch-means standard errors (no
   systematic error while no unit's input changes sign, which is recorded), and its active set
   must be the predicted support.
"""
from __future__ import annotations

import time

import numpy as np

from recnet import checks
from recnet.checks import ParameterError
from recnet.validation.compare import ValidationResult, compare, compare_exact
from recnet.validation.fixed_point_error import equilibrium_distance, tln_residual

__all__ = ["validate", "simulate_from_random_starts"]

# matching radius: an end state within X_TOL of a predicted stable fixed point is counted as reaching
# it (convergence at |dx/dt| < 1e-9 with ||(I - W_sigma)^-1|| << 1e3); how close it must be is the
# row max_abs_x_error, decided by the a-posteriori bound
X_TOL = 1e-6


def _one_based(sig):
    return [int(i) + 1 for i in sig]


def simulate_from_random_starts(W, b, n_init, *, t_max=300.0, dt=0.02, seed=None, record_every=0):
    """Random initial conditions, uniform in [0, 1.5 s] with s the largest positive input (rate units)."""
    W = checks.square_matrix("W", W)
    b = checks.array("b", b, ndim=1, shape=(W.shape[0],))
    rng = checks.rng(seed)
    scale = 1.5 * max(float(np.max(b)), 1e-3)
    X0 = rng.uniform(0.0, scale, (n_init, W.shape[0]))
    from recnet.numerics.tln import simulate as tln_simulate
    return tln_simulate.simulate_tln(W, b, X0, t_max=t_max, dt=dt, tol=1e-9, record_every=record_every)


def validate(W, b, *, adjacency=None, quick=False, seed=12345, n_init=None, spiking=True, backend="numba",
             max_fixed_points=None):
    """Compare the predicted stable fixed points with rate and spiking simulations.

    Parameters
    ----------
    W : (N, N) array, b : (N,) array
        the TLN (dimensionless weights, inputs in rate units).
    adjacency : bool (N, N) or None
        the CTLN graph, for rule pruning in the enumeration.
    quick : bool
        fewer initial conditions and shorter runs.
    seed : int or Generator
    n_init : int or None
        number of random initial conditions (default 200, quick 60).
    spiking : bool or {"auto", "scn", "ei", "poisson"}
        run the spiking check (True = "auto": the spike-coding bridge when I - W is symmetric
        positive definite, the E-I LIF realisation (``validation.tln_spiking``) for any other
        CTLN, Poisson pools otherwise).
    backend : {"numba", "nest"}
        simulator of the E-I LIF realisation (only a CTLN whose I - W is not positive definite gets
        one; "nest" for any other network is refused, as nothing would run on NEST).
    max_fixed_points : int or None
        refuse (ParameterError) a network with more fixed points than this.

    Returns
    -------
    ValidationResult (subject ``tln``; backend ``backend`` when the E-I LIF check ran, else ``numba``).
    """
    from recnet.numerics.tln import enumerate as tln_enumerate

    t0 = time.perf_counter()
    W = checks.square_matrix("W", W)
    N = W.shape[0]
    b = checks.array("b", b, ndim=1, shape=(N,))
    rng = checks.rng(seed)
    n_init = (60 if quick else 200) if n_init is None else checks.integer("n_init", n_init, minimum=1)
    params = _ctln_parameters(W, b, adjacency) if adjacency is not None else None
    ei_runs = bool(spiking) and spiking in (True, "auto", "ei") and params is not None and \
        (spiking == "ei" or not _is_qp(W))
    if backend != "numba" and not ei_runs:
        raise ParameterError("backend", backend, "only the E-I LIF realisation of a CTLN (a graph with uniform "
                             "b, I - W not positive definite) runs on NEST; this network's checks run on numba")
    res = tln_enumerate.enumerate_supports(W, b, adjacency=adjacency, max_fixed_points=max_fixed_points)
    stable = [fp for fp in res.fixed_points
              if fp.stable and not tln_enumerate.on_continuum(fp.x, W, b, res.continua)]
    t_max = 150.0 if quick else 300.0
    sim = simulate_from_random_starts(W, b, n_init, t_max=t_max, seed=rng, record_every=50)
    comps = []
    # ---- converged trajectories end on predicted stable fixed points
    found, errs, allows, unmatched, on_cont = set(), [], [], 0, 0
    resid = tln_residual(W, b)
    for xe in sim.x_final[sim.converged]:
        d = [np.abs(xe - fp.x).max() for fp in stable]
        k = int(np.argmin(d)) if d else -1
        if k >= 0 and d[k] <= X_TOL:
            found.add(stable[k].support)
            errs.append(d[k])
            allows.append(equilibrium_distance(resid, xe, stable[k].x))
        elif res.continua and tln_enumerate.on_continuum(xe, W, b, res.continua, atol=X_TOL):
            on_cont += 1
        else:
            unmatched += 1
            found.add(tuple(np.flatnonzero(xe > X_TOL)))
    pred = sorted((_one_based(fp.support) for fp in stable), key=lambda s: (len(s), s))
    got = sorted((_one_based(s) for s in found), key=lambda s: (len(s), s))
    comps.append(compare_exact("stable_supports", pred, got,
                               note=f"supports reached by {n_init} random starts (t_max = {t_max:g} tau)"))
    if errs:
        comps.append(compare("max_abs_x_error", 0.0, float(max(errs)), None, systematic=float(max(allows)),
                             why="a-posteriori Newton-Kantorovich distances of the end states (stopped at "
                                 "|dx/dt| < 1e-9) and of the enumerated fixed points to the true fixed point "
                                 "(recnet.validation.fixed_point_error), largest over the matched runs",
                             note="matched to a predicted stable fixed point when within X_TOL (a matching "
                                  "radius, not the test)"))
    comps.append(compare_exact("converged_to_unpredicted_state", 0, unmatched))
    if res.continua:
        comps.append(compare_exact("continuum_reached", True, on_cont > 0,
                                   note=f"{on_cont} trajectories ended on the predicted continua of fixed points "
                                        f"{[_one_based(c['support']) for c in res.continua]}"))
    frac_conv = float(sim.converged.mean())
    # ---- attractors that are not fixed points
    traj = sim.trajectories
    tail = traj[:, -max(2, traj.shape[1] // 5):, :]
    dyn = ~sim.converged & ~sim.diverged
    attractor_neurons = sorted({tuple(_one_based(np.flatnonzero(tr.max(axis=0) > 1e-3))) for tr in tail[dyn]})
    if not stable and not res.continua:
        comps.append(compare_exact("fraction_converged", 0.0, frac_conv,
                                   note="no stable fixed point: every trajectory stays dynamic"))
    comps.append(compare_exact("n_diverged", 0, int(sim.diverged.sum())))
    info = {"n": N, "n_fixed_points": len(res.fixed_points), "n_stable": len(stable),
            "index_sum": None if (res.continua or any(fp.degenerate for fp in res.fixed_points)) else res.index_sum,
            "continua": [_one_based(c["support"]) for c in res.continua], "n_init": n_init, "t_max_tau": t_max,
            "fraction_converged": frac_conv, "attractor_neurons": [list(a) for a in attractor_neurons]}
    # ---- spiking check
    figs = {}
    if spiking:
        sc, spk = _spiking(W, b, stable, attractor_neurons, quick, rng, adjacency,
                           "auto" if spiking is True else spiking, backend, seed)
        comps += sc
        fig_spk = spk.pop("_figure", None)
        if fig_spk is not None:
            figs["tln_spiking"] = fig_spk
        info.update(spk)
    figs["tln_trajectories"] = _figure(sim, res, stable)
    info["wall_time_s"] = time.perf_counter() - t0
    # only the E-I LIF realisation runs on the chosen backend; rate, SCN and Poisson-pool checks are numba
    ran = backend if "spiking_backend" in info else "numba"
    return ValidationResult("tln", ran, comps, figs, info,
                            config={"n_init": n_init, "t_max_tau": t_max,
                                    "spiking": info.get("spiking_model", "E-I LIF" if ei_runs else "none")})


def _is_qp(W):
    if not np.allclose(W, W.T, rtol=0, atol=1e-12):
        return False
    return bool(np.linalg.eigvalsh(np.eye(W.shape[0]) - 0.5 * (W + W.T)).min() > 1e-9)


def _ctln_parameters(W, b, adjacency):
    """(epsilon, delta, theta) of a CTLN built from ``adjacency``, or None if W, b are not of that form."""
    a = np.asarray(adjacency, bool)
    off = ~np.eye(W.shape[0], dtype=bool)
    e, ne = W[a.T & off], W[~a.T & off]
    if not np.allclose(b, b[0]) or (e.size and not np.allclose(e, e[0])) or (ne.size and not np.allclose(ne, ne[0])):
        return None
    eps = 1.0 + e[0] if e.size else 0.25
    dlt = -1.0 - ne[0] if ne.size else 0.5
    return eps, dlt, float(b[0])


def _spiking(W, b, stable, attractor_neurons, quick, rng, adjacency=None, mode="auto", backend="numba", seed=12345):
    from recnet.numerics.tln import simulate as tln_simulate

    comps, info = [], {}
    if mode not in ("auto", "scn", "ei", "poisson"):
        raise checks.ParameterError("spiking", mode, "True/False, 'auto', 'scn', 'ei' or 'poisson'",
                                    f"spiking = {mode!r} is invalid: choose True/False, 'auto', 'scn', 'ei' or 'poisson'")
    params = _ctln_parameters(W, b, adjacency) if adjacency is not None else None
    if mode == "ei" and params is None:
        raise checks.ParameterError("spiking", mode, "'ei' only for a CTLN (W from the adjacency, uniform b)",
                                    "spiking = 'ei' needs a CTLN (W built from the adjacency with uniform b)")
    if mode == "ei" or (mode == "auto" and params is not None and not _is_qp(W)):
        from recnet.validation.tln import spiking as tln_spiking
        seed_int = int(rng.integers(0, 2**31 - 1))
        c, spk, fig = tln_spiking.spiking_check(adjacency, *params, backend=backend, quick=quick, seed=seed_int)
        spk["_figure"] = fig
        return c, spk
    if mode in ("auto", "scn") and _is_qp(W):
        from recnet.validation.scn import bridge as scn_bridge
        r = scn_bridge.spiking_check(W, b, spikes_per_unit=25.0 if quick else 50.0, seed=rng)
        comps += r.comparisons(prefix="scn_x")
        act = _one_based(np.flatnonzero(r.x_sim > 0.5 * r.x_tln[r.x_tln > 0].min())) if (r.x_tln > 0).any() else []
        comps.append(compare_exact("scn_active_set", _one_based(np.flatnonzero(r.x_tln > 0)), act,
                                   note="spike-coding network solving the TLN's QP (H8 bridge)"))
        info["spiking_model"] = "spike-coding network (validation.scn_bridge), I - W positive definite"
        return comps, info
    info["spiking_model"] = "pools of Poisson neurons, rate 100 Hz per unit x, 200 neurons per unit, tau 20 ms"
    t_sim = 2000.0 if quick else 4000.0
    changes = {}
    for fp in stable[:3]:
        x0 = fp.x * (1.0 + 0.1 * rng.uniform(-1, 1, fp.x.size))
        r = tln_simulate.simulate_poisson_tln(W, b, x0, t_sim=t_sim, t_warm=400.0, seed=rng)
        tag = "_".join(str(i) for i in _one_based(fp.support))
        for i in range(W.shape[0]):
            comps.append(compare(f"poisson_x_{i + 1}_fp_{tag}", fp.x[i], r["x_mean"][i], r["stderr"][i],
                                 n_sigma=3.0, note="Poisson pools; batch means over 20 blocks"))
        thr = 0.5 * fp.x[list(fp.support)].min()
        comps.append(compare_exact(f"poisson_active_set_fp_{tag}", _one_based(fp.support),
                                   _one_based(np.flatnonzero(r["x_mean"] > thr))))
        changes[tag] = r["input_sign_changes"].tolist()
    if not stable and attractor_neurons:
        x0 = rng.uniform(0, 1.5 * max(float(b.max()), 1e-3), W.shape[0])
        r = tln_simulate.simulate_poisson_tln(W, b, x0, t_sim=t_sim, t_warm=400.0, seed=rng)
        union = sorted(set().union(*map(set, attractor_neurons)))
        act = _one_based(np.flatnonzero(r["x_mean"] > 0.05 * r["x_mean"].max()))
        comps.append(compare_exact("poisson_attractor_neurons", union, act,
                                   note="neurons active on the rate network's non-fixed-point attractors"))
    info["poisson_input_sign_changes"] = changes
    return comps, info


def _figure(sim, res, stable):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(1, 2, figsize=(10, 3.6))
    n_show = min(6, sim.trajectories.shape[0])
    for r in range(n_show):
        for i in range(sim.trajectories.shape[2]):
            ax[0].plot(sim.times, sim.trajectories[r, :, i], lw=0.8, color=f"C{i % 10}", alpha=0.7,
                       label=f"x_{i + 1}" if r == 0 else None)
    for fp in stable:
        for i in fp.support:
            ax[0].axhline(fp.x[i], color=f"C{i % 10}", ls="--", lw=0.8)
    ax[0].set_xlabel("time (tau)")
    ax[0].set_ylabel("rate x (a.u.)")
    ax[0].set_title("rate trajectories; dashed: predicted stable x*")
    ax[0].legend(fontsize=7, ncol=2)
    labels = ["{" + ",".join(str(i + 1) for i in fp.support) + "}" for fp in res.fixed_points]
    cols = ["C2" if fp.stable else "C3" for fp in res.fixed_points]
    ax[1].bar(range(len(labels)), [fp.index for fp in res.fixed_points], color=cols)
    ax[1].set_xticks(range(len(labels)))
    ax[1].set_xticklabels(labels, rotation=60, fontsize=7)
    ax[1].set_ylabel("index sgn det(I - W_sigma)")
    ax[1].set_title(f"fixed points (green stable), index sum = {res.index_sum}")
    fig.tight_layout()
    return fig
