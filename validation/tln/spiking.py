r"""An excitatory-inhibitory spiking network of LIF neurons that realises a CTLN.

The CTLN of a graph G (``recnet.theory.tln.ctln``) can be written with non-negative excitation and one
shared inhibitory signal: for i != j, W_ij = -1 - delta + (epsilon + delta) A_ij (A_ij = 1 iff
j -> i), so

.. math:: \dot x_i = -x_i + \Big[\theta + \sum_j (\epsilon+\delta) A_{ij} x_j
          + (1+\delta)\,x_i - (1+\delta) \sum_j x_j\Big]_+ ,

excitation along the edges, self-excitation (1 + delta) and a global inhibition proportional to
the summed activity (cf. the E-I TLNs of Curto, arXiv:2510.05098, with one inhibitory node).

Spiking realisation (PyNN vocabulary, ``recnet.validation.simulators.network``; Dale's law holds): each node
i is a population ``E{i}`` of ``n_e`` ``IF_curr_delta`` neurons with its own inhibitory pool
``I{i}`` of ``n_i`` neurons that receives from every other node (``inhibition="per_node"``, the
default; ``"shared"`` uses one pool ``I`` for all nodes plus the self-excitation (1 + delta) of
the formula above).  Rates code x: nu_i = nu0 x_i (nu0 = 50 Hz per unit).  In the
fluctuation-driven regime the LIF rate is close to threshold-linear, nu ~ g [mu - mu*]_+; g and mu*
are fitted to the Siegert formula (``transfer_fit``, rates 10-60 Hz) at the neurons' total noise
(external sd 5 mV plus the recurrent shot noise), about 3.8 Hz/mV and 12.5 mV for tau_m = 20 ms,
v_thresh = 20 mV, v_reset = 10 mV, tau_refrac = 2 ms.  With kappa = nu0 / g (mV per unit of
CTLN input) the mean input of a node-i neuron is mu* + kappa u_i, which fixes every weight:

* edge j -> i: ``E{j} -> E{i}``, K_ee inputs of J_edge = kappa (epsilon + delta) / (tau_m nu0 K_ee);
* ``E{j} -> I{i}`` (j != i), K_ie inputs of J_ie = a_i / (g_I tau_m K_ie): the pool's rate is
  nu_Ii = nu_I0 + a_i sum_{j != i} nu_j (kept in its linear range by a bias giving nu_I0 at rest);
* ``I{i} -> E{i}``, K_ei inputs of J_ei = -c / (tau_m K_ei), c = kappa (1 + delta) / (nu0 a_i);
* biases (``i_offset``, R = tau_m / cm): E at mu* + kappa theta + c nu_I0, I at mu*_I + nu_I0 / g_I;
* noise: per neuron a pair of Poisson sources of weights +-J_ext with zero net mean and sd sigma_ext;
* all recurrent delays 0.1 ms (one time step): with longer delays (1-6 ms) the delayed inhibitory
  feedback (loop gain 1 + delta) synchronises the populations and the rates leave the CTLN's
  (measured: x = 0.6-1.1 instead of 0.4 on K3).

``meanfield`` solves the Siegert mean field of this very network: at the default parameters it
reproduces the CTLN's fixed points to ~3% (K3 0.397 for 0.4; a singleton of the empty graph 1.026
for 1; the clique {1,2} of 1<>2,3<>4,1>3 0.560 for 0.571), so what remains between simulation and
CTLN is finite-size noise.  The active sets are the parameter-free prediction (the supports of
these graphs depend on the graph only); rates are compared within their statistics where the CTLN
makes them equal.  An optional stimulus (extra Poisson input to some nodes for a while) sets the
initial condition.
"""
from __future__ import annotations

import numpy as np

from recnet import checks

__all__ = ["DEFAULTS", "weights", "build_network", "run", "spiking_check", "meanfield", "transfer_fit", "X_OFF"]

#: a node is active iff x - 3 SEM > X_OFF (rate / nu0; 2.5 Hz at nu0 = 50 Hz), see ``spiking_check``
X_OFF = 0.05

#: Parameters (times in ms, potentials in mV, rates in Hz, gain in Hz/mV).
DEFAULTS = dict(
    n_e=400, n_i=400, tau_m=20.0, cm=1.0, v_thresh=20.0, v_reset=10.0, tau_refrac=2.0, delay=0.1, delay_max=0.1,
    nu0=50.0, gain=None, mu_star=None, gain_i=None, mu_star_i=None, K_ee=100, K_ie=100, K_ei=400, nu_i0=20.0,
    a_i=0.5, J_ext=0.1, sigma_ext=5.0,
)


def transfer_fit(sigma, p=None, lo=10.0, hi=60.0):
    """Threshold-linear fit nu ~ gain (mu - mu_star) of the LIF rate (Siegert formula) at noise
    ``sigma`` (mV), over the rates lo..hi Hz.  Returns (gain Hz/mV, mu_star mV, max deviation Hz)."""
    from recnet.numerics.siegert import siegert

    p = _p(p)
    mu = np.linspace(0.0, 3.0 * p["v_thresh"], 1201)
    r = siegert(mu, sigma, p["tau_m"], p["tau_refrac"], p["v_thresh"], p["v_reset"], 0.0)
    m = (r > lo) & (r < hi)
    g, c = np.polyfit(mu[m], r[m], 1)
    return float(g), float(-c / g), float(np.abs(r[m] - (g * mu[m] + c)).max())


def _p(params):
    p = dict(DEFAULTS)
    if params:
        unknown = set(params) - set(DEFAULTS)
        if unknown:
            raise checks.ParameterError("params", sorted(unknown), f"keys from {sorted(DEFAULTS)}",
                                        f"unknown parameter(s) {sorted(unknown)}: valid are {sorted(DEFAULTS)}")
        p.update(params)
    for k in ("tau_m", "cm", "nu0", "a_i", "J_ext", "sigma_ext", "delay"):
        checks.positive(k, p[k])
    for k in ("gain", "gain_i"):
        if p[k] is not None:
            checks.positive(k, p[k], "Hz/mV")
    for k in ("n_e", "n_i", "K_ee", "K_ie", "K_ei"):
        checks.integer(k, p[k], minimum=1)
    if p["K_ee"] > p["n_e"] - 1 or p["K_ie"] > p["n_e"] or p["K_ei"] > p["n_i"]:
        raise checks.ParameterError("params", {k: p[k] for k in ("K_ee", "K_ie", "K_ei") if k in p}, "K_ee <= n_e - 1, K_ie <= n_e, K_ei <= n_i",
                                    "in-degrees must not exceed the presynaptic population sizes "
                                    f"(K_ee <= n_e - 1, K_ie <= n_e, K_ei <= n_i): got {p}")
    return p


def weights(epsilon=0.25, delta=0.5, theta=1.0, params=None):
    """Synaptic weights (mV) and biases (mV of mean input) of the realisation (module docstring)."""
    from recnet.theory.tln import ctln as ctln

    epsilon, delta, theta = ctln.check_parameters(epsilon, delta, theta)
    p = _p(params)
    tau = p["tau_m"] * 1e-3  # s
    sigma = p["sigma_ext"]
    if p["gain"] is None or p["mu_star"] is None:
        # calibrate on the Siegert curve at the total noise: external plus the inhibitory shot noise
        # tau K_ei J_ei^2 nu_I at nu_I = nu_I0 + a_i nu0 (one unit of x upstream); 3 fixed-point passes
        for _ in range(3):
            g, mu_star, _ = transfer_fit(sigma, p)
            c = (p["nu0"] / g) * (1.0 + delta) / (p["nu0"] * p["a_i"])
            J_ei = c / (tau * p["K_ei"])
            sigma = np.sqrt(p["sigma_ext"] ** 2 + tau * p["K_ei"] * J_ei ** 2 * (p["nu_i0"] + p["a_i"] * p["nu0"]))
        p["gain"] = p["gain"] if p["gain"] is not None else g
        p["mu_star"] = p["mu_star"] if p["mu_star"] is not None else mu_star
    sigma_i = p["sigma_ext"]
    if p["gain_i"] is None or p["mu_star_i"] is None:
        # the inhibitory pools: external noise plus the shot noise of one unit of x upstream
        for _ in range(3):
            g_i, mu_star_i, _ = transfer_fit(sigma_i, p, lo=10.0, hi=80.0)
            J_ie = p["a_i"] / (g_i * tau * p["K_ie"])
            sigma_i = np.sqrt(p["sigma_ext"] ** 2 + tau * p["K_ie"] * J_ie ** 2 * p["nu0"])
        p["gain_i"] = p["gain_i"] if p["gain_i"] is not None else g_i
        p["mu_star_i"] = p["mu_star_i"] if p["mu_star_i"] is not None else mu_star_i
    kappa = p["nu0"] / p["gain"]
    c = kappa * (1.0 + delta) / (p["nu0"] * p["a_i"])
    return {
        "gain_Hz_per_mV": p["gain"], "mu_star_mV": p["mu_star"], "sigma_eff_mV": float(sigma),
        "kappa_mV": kappa,
        "J_edge_mV": kappa * (epsilon + delta) / (tau * p["nu0"] * p["K_ee"]),
        "J_self_mV": kappa * (1.0 + delta) / (tau * p["nu0"] * p["K_ee"]),
        "gain_i_Hz_per_mV": p["gain_i"], "mu_star_i_mV": p["mu_star_i"], "sigma_i_mV": float(sigma_i),
        "J_ie_mV": p["a_i"] / (p["gain_i"] * tau * p["K_ie"]),
        "J_ei_mV": -c / (tau * p["K_ei"]),
        "mu_e_mV": p["mu_star"] + kappa * theta + c * p["nu_i0"],
        "mu_i_mV": p["mu_star_i"] + p["nu_i0"] / p["gain_i"],
    }


def meanfield(adj, epsilon=0.25, delta=0.5, theta=1.0, *, nu_init=None, params=None, inhibition="per_node",
              t_relax=400.0, dt=0.5, tau_rate=5.0):
    """Diffusion (Siegert) mean field of this very spiking network: the CTLN it realises.

    Every population a (E1..EN, then the inhibitory pools) has rate nu_a = Phi(mu_a, sigma_a)
    with mu_a = mu_bias,a + tau_m sum_b K_ab J_ab nu_b and sigma_a^2 = sigma_ext^2 +
    tau_m sum_b K_ab J_ab^2 nu_b (Brunel 2000, J Comput Neurosci 8:183; ``numerics.siegert``).
    The stationary state reached by relaxing tau_rate dnu/dt = -nu + Phi from ``nu_init`` (Hz,
    E then I; default: all E silent, I at nu_I0) is returned as (x = nu_E / nu0, nu_I in Hz).
    It quantifies the linearisation error of the realisation separately from finite-size and
    synchrony effects of the simulation.
    """
    from recnet.numerics.siegert import siegert
    from recnet.theory.tln import ctln as ctln

    a = ctln.adjacency(adj)
    n = a.shape[0]
    p = _p(params)
    w = weights(epsilon, delta, theta, p)
    tau = p["tau_m"] * 1e-3
    pools = [list(range(n))] if inhibition == "shared" else [[j for j in range(n) if j != i] for i in range(n)]
    m = n + len(pools)
    KJ, KJ2 = np.zeros((m, m)), np.zeros((m, m))

    def add(post, pre, K, J):
        KJ[post, pre] += K * J
        KJ2[post, pre] += K * J * J

    for i in range(n):
        add(i, n + (0 if inhibition == "shared" else i), p["K_ei"], w["J_ei_mV"])
        if inhibition == "shared":
            add(i, i, p["K_ee"], w["J_self_mV"])
        for j in range(n):
            if a[j, i]:
                add(i, j, p["K_ee"], w["J_edge_mV"])
    for k, pool in enumerate(pools):
        for j in pool:
            add(n + k, j, p["K_ie"], w["J_ie_mV"])
    mu0 = np.r_[np.full(n, w["mu_e_mV"]), np.full(m - n, w["mu_i_mV"])]
    nu = np.r_[np.zeros(n), np.full(m - n, p["nu_i0"])] if nu_init is None else \
        checks.array("nu_init", nu_init, ndim=1, shape=(m,)).copy()
    for _ in range(int(t_relax / dt)):
        mu = mu0 + tau * KJ @ nu
        sg = np.sqrt(p["sigma_ext"] ** 2 + tau * KJ2 @ nu)
        nu += dt / tau_rate * (-nu + siegert(mu, sg, p["tau_m"], p["tau_refrac"], p["v_thresh"], p["v_reset"], 0.0))
    return nu[:n] / p["nu0"], nu[n:]


def build_network(adj, epsilon=0.25, delta=0.5, theta=1.0, *, stimulus=None, inhibition="per_node",
                  params=None):
    """The E-I spiking network of a CTLN graph (``adj[i, j]`` = i -> j; nodes from 0).

    ``stimulus``: optional ``(nodes, rate_Hz, start_ms, duration_ms)``: extra Poisson input of that
    total rate per neuron (weight J_ext) to the populations ``E{node+1}`` (nodes from 0).
    Populations are labelled ``E1 .. EN`` and ``I``.
    """
    from recnet.theory.tln import ctln as ctln
    from recnet.validation.simulators.network import (FixedNumberPreConnector, IF_curr_delta, Network, OneToOneConnector,
                                           SpikeSourcePoisson, StaticSynapse)

    a = ctln.adjacency(adj)
    n = a.shape[0]
    p = _p(params)
    w = weights(epsilon, delta, theta, p)
    dl = p["delay"]
    rng_d = np.random.default_rng(1)

    def dmat(pre, post):  # recurrent delays uniform on the 0.1 ms grid in [delay, delay_max]
        if p["delay_max"] <= dl:
            return dl
        return np.round(rng_d.uniform(dl, p["delay_max"], (pre.size, post.size)), 1)
    common = dict(tau_m=p["tau_m"], cm=p["cm"], v_rest=0.0, v_thresh=p["v_thresh"], v_reset=p["v_reset"],
                  tau_refrac=p["tau_refrac"])
    to_na = p["cm"] / p["tau_m"]  # i_offset (nA) per mV of mean input
    net = Network()
    rng_v = np.random.default_rng(0)
    E = [net.population(p["n_e"], IF_curr_delta(i_offset=w["mu_e_mV"] * to_na, **common), label=f"E{i + 1}",
                        initial_values={"v": 0.0})
         for i in range(n)]
    if inhibition not in ("per_node", "shared"):
        raise checks.ParameterError("inhibition", inhibition, "'per_node' or 'shared'",
                                    f"inhibition = {inhibition!r} is invalid: choose 'per_node' or 'shared'")
    labels = ["I"] if inhibition == "shared" else [f"I{i + 1}" for i in range(n)]
    inh = [net.population(p["n_i"], IF_curr_delta(i_offset=w["mu_i_mV"] * to_na, **common), label=lab,
                          initial_values={"v": rng_v.uniform(p["v_reset"], p["v_thresh"], p["n_i"])})
           for lab in labels]
    # balanced noise: mean 0, sd sigma_ext: sigma^2 = tau J^2 (R+ + R-)
    r_noise = p["sigma_ext"] ** 2 / (p["tau_m"] * 1e-3 * p["J_ext"] ** 2) / 2.0
    for pop in E + inh:
        xp = net.population(pop.size, SpikeSourcePoisson(rate=r_noise), label=f"noise_plus_{pop.label}", record=())
        xm = net.population(pop.size, SpikeSourcePoisson(rate=r_noise), label=f"noise_minus_{pop.label}", record=())
        net.projection(xp, pop, OneToOneConnector(), StaticSynapse(weight=p["J_ext"], delay=dl))
        net.projection(xm, pop, OneToOneConnector(), StaticSynapse(weight=-p["J_ext"], delay=dl),
                       receptor_type="inhibitory")
    for i in range(n):
        if inhibition == "shared":
            net.projection(E[i], E[i], FixedNumberPreConnector(p["K_ee"], allow_self_connections=False),
                           StaticSynapse(weight=w["J_self_mV"], delay=dmat(E[i], E[i])))
            net.projection(E[i], inh[0], FixedNumberPreConnector(p["K_ie"]),
                           StaticSynapse(weight=w["J_ie_mV"], delay=dmat(E[i], inh[0])))
            net.projection(inh[0], E[i], FixedNumberPreConnector(p["K_ei"]),
                           StaticSynapse(weight=w["J_ei_mV"], delay=dmat(inh[0], E[i])), receptor_type="inhibitory")
        else:
            for j in range(n):
                if j != i:
                    net.projection(E[j], inh[i], FixedNumberPreConnector(p["K_ie"]),
                                   StaticSynapse(weight=w["J_ie_mV"], delay=dmat(E[j], inh[i])))
            net.projection(inh[i], E[i], FixedNumberPreConnector(p["K_ei"]),
                           StaticSynapse(weight=w["J_ei_mV"], delay=dmat(inh[i], E[i])), receptor_type="inhibitory")
        for j in range(n):
            if a[j, i]:  # edge j -> i
                net.projection(E[j], E[i], FixedNumberPreConnector(p["K_ee"]),
                               StaticSynapse(weight=w["J_edge_mV"], delay=dmat(E[j], E[i])))
    if stimulus is not None:
        nodes, rate, start, duration = stimulus
        for node in np.atleast_1d(nodes):
            node = checks.integer("stimulus node", int(node), minimum=0, maximum=n - 1)
            st = net.population(p["n_e"], SpikeSourcePoisson(rate=checks.positive("stimulus rate", rate, "Hz"),
                                                             start=start, duration=duration),
                                label=f"stimulus{node + 1}", record=())
            net.projection(st, E[node], OneToOneConnector(), StaticSynapse(weight=p["J_ext"], delay=dl))
    return net


def run(adj, epsilon=0.25, delta=0.5, theta=1.0, *, t_sim=2000.0, t_warm=500.0, stimulus=None, backend="numba",
        seed=12345, inhibition="per_node", params=None, bin_ms=5.0, n_batches=20):
    """Simulate the realisation and return the rates of every node.

    Returns a dict: ``x`` (node rates / nu0 over [t_warm, t_sim)), ``x_sem`` (batch-means standard
    errors, ``n_batches`` blocks), ``rate_hz``, ``rate_i_hz``, ``times_ms`` and ``activity``
    ((n_bins, N) node rates / nu0 in bins of ``bin_ms`` over the whole run), ``backend``, ``wall_s``.
    """
    import time

    from recnet.validation.simulators.simulate import simulate

    t_sim = checks.positive("t_sim", t_sim, "ms")
    t_warm = checks.in_range("t_warm", t_warm, 0.0, t_sim, high_inclusive=False, unit="ms")
    p = _p(params)
    n = np.asarray(adj).shape[0] if not hasattr(adj, "nodes") else len(adj.nodes)
    net = build_network(adj, epsilon, delta, theta, stimulus=stimulus, inhibition=inhibition, params=p)
    t0 = time.perf_counter()
    res = simulate(net, t_sim, backend=backend, seed=seed, progress=False)
    wall = time.perf_counter() - t0
    rates, sems, act = [], [], []
    for i in range(n):
        r, s = res.rate(f"E{i + 1}", t_start=t_warm, n_batches=n_batches)
        rates.append(r)
        sems.append(s)
        t, a = res.population_activity(f"E{i + 1}", bin_ms=bin_ms)
        act.append(a)
    ri = [res.rate(pop, t_start=t_warm, n_batches=n_batches)[0]
          for pop in (["I"] if inhibition == "shared" else [f"I{i + 1}" for i in range(n)])]
    nu0 = p["nu0"]
    return {"x": np.array(rates) / nu0, "x_sem": np.array(sems) / nu0, "rate_hz": np.array(rates),
            "rate_i_hz": np.array(ri), "times_ms": t, "activity": np.array(act).T / nu0, "backend": backend, "wall_s": wall}


def _active(r):
    return [int(i) + 1 for i in np.flatnonzero(r["x"] - 3.0 * r["x_sem"] > X_OFF)]


def spiking_check(adj, epsilon=0.25, delta=0.5, theta=1.0, *, backend="numba", quick=False, seed=12345,
                  max_supports=3, params=None):
    """Compare the E-I spiking realisation with the CTLN's predicted stable fixed points.

    * For each predicted stable support sigma (at most ``max_supports``): the nodes of sigma get an
      extra Poisson stimulus (2 kHz per neuron, first 150 ms) that sets the initial condition next
      to sigma; after ``t_warm`` the active set (a node is active iff its time-averaged x minus three
      batch-means standard errors exceeds X_OFF = 0.05, i.e. 2.5 Hz, while a node whose input is
      negative fires at < 0.1 Hz) must equal sigma, and the rates on sigma, equal in the CTLN for
      every stable support of these graphs (uniform in-degree), must agree within 3 standard errors.
    * Without a stable fixed point: every node the rate model's attractor uses stays active, no
      steady state is reached (the 20-ms binned activity fluctuates by more than 3x a stationary
      Poisson population's), and the node with the highest activity changes along the graph's edges
      more often than chance (one-sided binomial test, p < 0.01; chance = fraction of edges among
      ordered node pairs).

    Returns (list of Comparison, info dict, matplotlib Figure of the node rates over time).
    """
    from scipy.stats import binomtest

    from recnet.numerics.tln.enumerate import enumerate_ctln
    from recnet.theory.tln import ctln as ctln
    from recnet.validation.compare import compare, compare_exact

    a = ctln.adjacency(adj)
    n = a.shape[0]
    res = enumerate_ctln(a, epsilon, delta, theta)
    stable = [fp for fp in res.fixed_points if fp.stable]
    multistable = len(stable) > 1  # then a stimulus selects which stable state to start next to
    stable = stable[:max_supports]
    t_sim, t_warm = (1500.0, 500.0) if quick else (3000.0, 1000.0)
    comps, info = [], {"spiking_model": "E-I LIF network (IF_curr_delta; per-node excitatory and inhibitory "
                                        "populations, validation.tln_spiking)", "spiking_backend": backend,
                       "active_criterion": f"x - 3 SEM > {X_OFF} (x = rate / nu0, nu0 = {DEFAULTS['nu0']:g} Hz)"}
    runs, traces = {}, []
    for fp in stable:
        tag = "".join(str(i + 1) for i in fp.support)
        stim = (list(fp.support), 2000.0, 0.0, 150.0) if multistable else None
        r = run(a, epsilon, delta, theta, t_sim=t_sim, t_warm=t_warm, stimulus=stim, backend=backend, seed=seed,
                params=params)
        pred = [i + 1 for i in fp.support]
        comps.append(compare_exact(f"spiking_active_set_fp_{tag}", pred, _active(r)))
        traces.append((f"stable support {{{','.join(map(str, pred))}}}" + (" (stimulated)" if stim else ""),
                       r, fp.x))
        xs = r["x"][list(fp.support)]
        se = r["x_sem"][list(fp.support)]
        if len(xs) > 1:
            k = int(np.argmax(np.abs(xs - xs.mean())))
            comps.append(compare(f"spiking_x_spread_fp_{tag}", 0.0, float(xs[k] - xs.mean()), float(se[k]),
                                 n_sigma=3.0, note="CTLN: equal rates on the support (uniform in-degree)"))
        nu_init = np.r_[DEFAULTS["nu0"] * fp.x, np.full(n, DEFAULTS["nu_i0"])]
        x_mf, _ = meanfield(a, epsilon, delta, theta, nu_init=nu_init, params=params)
        runs[tag] = {"x_spiking": r["x"].round(4).tolist(), "x_sem": r["x_sem"].round(4).tolist(),
                     "x_predicted": fp.x.round(4).tolist(), "x_meanfield": x_mf.round(4).tolist(), "rate_i_hz": r["rate_i_hz"].round(2).tolist(),
                     "ratio_x_spiking_over_x": float(xs.mean() / fp.x[list(fp.support)].mean()),
                     "wall_s": r["wall_s"]}
    if not stable:
        r = run(a, epsilon, delta, theta, t_sim=t_sim, t_warm=t_warm, backend=backend, seed=seed, bin_ms=1.0,
                params=params)
        traces.append(("no stable fixed point", r, None))
        act = r["activity"][int(t_warm):]
        comps.append(compare_exact("spiking_active_set_no_stable_fp", list(range(1, n + 1)), _active(r),
                                   note="no stable fixed point: all nodes of the attractor stay active"))
        k20 = 20
        binned = act[: act.shape[0] // k20 * k20].reshape(-1, k20, n).mean(axis=1)
        cv = binned.std(axis=0) / binned.mean(axis=0)
        cv_poisson = 1.0 / np.sqrt(DEFAULTS["n_e"] * r["rate_hz"] * k20 * 1e-3)
        comps.append(compare_exact("spiking_no_steady_state", True, bool((cv > 3 * cv_poisson).all()),
                                   note="20-ms binned activity: CV > 3x that of a stationary Poisson population"))
        sm = np.array([np.convolve(act[:, i], np.ones(k20) / k20, mode="valid") for i in range(n)]).T[::10]
        w = np.argmax(sm, axis=1)
        seq = [int(w[0])] + [int(w[i]) for i in range(1, len(w)) if w[i] != w[i - 1]]
        along = sum(1 for u, v in zip(seq, seq[1:]) if a[u, v])
        chance = a.sum() / (n * (n - 1))
        p = binomtest(along, max(1, len(seq) - 1), chance, alternative="greater").pvalue if len(seq) > 1 else 1.0
        comps.append(compare_exact("spiking_sequence_along_edges", True, bool(p < 0.01),
                                   note=f"{along}/{len(seq) - 1} switches of the most active node follow an edge "
                                        f"(chance {chance:.2f}, binomial p = {p:.2g})"))
        runs["no_stable"] = {"x_spiking": r["x"].round(4).tolist(), "cv_20ms": cv.round(3).tolist(),
                             "cv_poisson_20ms": cv_poisson.round(3).tolist(),
                             "switches_along_edges": [along, len(seq) - 1], "p_value": float(p), "wall_s": r["wall_s"]}
    info["spiking_runs"] = runs
    return comps, info, _figure(traces, t_warm)


def _figure(traces, t_warm, smooth_ms=20.0):
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(traces), figsize=(4.2 * len(traces), 3.4), squeeze=False)
    for ax, (title, r, x) in zip(axes[0], traces):
        t = r["times_ms"]
        bin_ms = t[1] - t[0] if t.size > 1 else 1.0
        k = max(1, int(round(smooth_ms / bin_ms)))
        for i in range(r["activity"].shape[1]):
            y = np.convolve(r["activity"][:, i], np.ones(k) / k, mode="same")
            ax.plot(t, y, lw=0.8, color=f"C{i % 10}", label=f"node {i + 1}")
            if x is not None:
                ax.axhline(x[i], color=f"C{i % 10}", ls="--", lw=0.8)
        ax.axvspan(0, t_warm, color="0.9", lw=0)
        ax.set_xlabel("time (ms)")
        ax.set_ylabel(f"rate / nu0 ({smooth_ms:g}-ms mean)")
        ax.set_title(f"E-I LIF realisation: {title}\ndashed: CTLN x*; grey: discarded", fontsize=8)
        ax.legend(fontsize=7, loc="upper right")
    fig.tight_layout()
    return fig
