r"""A spiking E-I network in the noise-driven (supralinear) regime: mean-field theory and simulation.

Network (PyNN vocabulary, ``recnet.validation.simulators.network``): ``n_exc`` E and ``n_exc/4`` I
``IF_curr_delta`` neurons (v_rest = 0, v_thresh = 20 mV, v_reset = 10 mV, tau_refrac = 2 ms;
tau_m = 20 ms for E, 10 ms for I), fixed in-degrees K_ab from population b to a with delta
synapses of J_ab mV (delay 1.5 ms), and per neuron two ``SpikeSourcePoisson`` inputs of weights
+J_ext and -J_ext whose rates give the free membrane potential an external mean mu_ext,a and sd
sigma_ext (``external_rates``).  The recurrent couplings tau_a K_ab |J_ab| (mV/Hz) are 0.3 times
the Hennequin et al. 2018 SSN weight set (1.25, 0.65, 1.2, 0.5) mV s.  The mean input stays near or below
threshold: neurons fire from fluctuations, where the LIF rate is an expansive (supralinear)
function of the mean input, as the SSN's power law.

Prediction
----------
The prediction is the self-consistent diffusion (Siegert) mean field of this very network
(Brunel 2000, J Comput Neurosci 8:183; Amit & Brunel 1997):

.. math:: \nu_a = \Phi_a(\mu_a, \sigma_a),\quad
          \mu_a = \tau_{m,a}\big(\sum_b K_{ab} J_{ab}\nu_b + K_{ext} J_{ext}\nu_{ext,a}\big),\quad
          \sigma_a^2 = \tau_{m,a}\big(\sum_b K_{ab} J_{ab}^2\nu_b + K_{ext} J_{ext}^2\nu_{ext,a}\big),

with Phi the Siegert rate (``recnet.numerics.siegert``).  It has no free parameter; an SSN
fitted to the LIF transfer curve (``fit_power_law``) would add a fit range and ignore that
sigma depends on the rates, so it is reported as a cross-check only.  The SSN notions carry over
with the effective weights w_ab = dPhi_a/dnu_b (Hz/Hz) at the fixed point:
ISN iff w_EE > 1 (the E subnetwork alone is unstable), and the paradoxical response
dnu_I/dmu_ext,I < 0 (finite difference of the self-consistent solution).

Systematic error of the prediction
----------------------------------
The diffusion approximation ignores the finite PSPs (0.05-0.2 mV jumps).  ``systematic_error``
derives the resulting error at an operating point instead of stating it: the network's neurons
with the recurrence cut open, fed independent Poisson inputs at the mean-field rates (the mean
field's own input model, with the true jumps), fire at nu_open; delta = nu_open - Phi is the
transfer error, and closing the loop shifts the self-consistent rates by (1 - w)^{-1} delta.  At
the default drives: delta = (-0.09, -0.06) Hz at the weak drive ((1.08, 0.77) Hz predicted; shift
(-0.12, -0.08) Hz, -11%) and (-0.52, -1.00) Hz at the strong drive ((13.1, 19.5) Hz; shift
(-0.32, -0.90) Hz, -2% and -5%), measured with 2000 + 2000 neurons for 2 s.  Six closed-loop
networks (800 E, 1 s each) gave (0.985, 0.689) Hz and (12.54, 18.40) Hz, i.e. the mean field plus
the derived shift to within 2 SE.
"""
from __future__ import annotations

import numpy as np
import scipy.optimize as so

from recnet import checks

__all__ = ["DEFAULTS", "meanfield", "build_network", "run", "fit_power_law", "build_open_loop",
           "systematic_error", "ssn_reduction"]

#: Parameters of the spiking E-I network (J in mV, K in-degrees, rates in Hz, times in ms).
DEFAULTS = dict(
    tau_m_e=20.0, tau_m_i=10.0, v_thresh=20.0, v_reset=10.0, tau_refrac=2.0, delay=1.5,
    K_ee=400, K_ei=100, K_ie=400, K_ii=100,              # K_ab: in-degree from b onto a
    J_ee=0.046875, J_ei=-0.0975, J_ie=0.09, J_ii=-0.15,  # mV: tau K |J| = 0.3 x (1.25, 0.65, 1.2, 0.5) mV s
    J_ext=0.2, sigma_ext=4.0,                            # external jumps +-J_ext (mV), their sd (mV)
    mu_ext_e=14.0, mu_ext_i=12.6,                        # external mean input (mV) to E and I
)


def _p(params):
    p = dict(DEFAULTS)
    if params:
        unknown = set(params) - set(DEFAULTS)
        if unknown:
            raise checks.ParameterError("params", sorted(unknown), f"keys from {sorted(DEFAULTS)}",
                                        f"unknown spiking-network parameter(s) {sorted(unknown)}: valid are {sorted(DEFAULTS)}")
        p.update(params)
    for name in ("tau_m_e", "tau_m_i", "v_thresh", "delay", "J_ext", "sigma_ext"):
        checks.positive(name, p[name])
    checks.nonnegative("tau_refrac", p["tau_refrac"], "ms")
    checks.less_than("v_reset", p["v_reset"], "v_thresh", p["v_thresh"], "mV")
    if p["J_ee"] < 0 or p["J_ie"] < 0:
        raise checks.ParameterError("params", {"J_ee": p["J_ee"], "J_ie": p["J_ie"]}, "J_ee, J_ie >= 0 mV (excitatory; Dale's law)",
                                    "Dale's law: J_ee and J_ie (excitatory, mV) must be >= 0")
    if p["J_ei"] > 0 or p["J_ii"] > 0:
        raise checks.ParameterError("params", {"J_ei": p["J_ei"], "J_ii": p["J_ii"]}, "J_ei, J_ii <= 0 mV (inhibitory; Dale's law)",
                                    "Dale's law: J_ei and J_ii (inhibitory, mV) must be <= 0")
    return p


def external_rates(mu_ext, p):
    """Total rates (Hz) of the excitatory (+J_ext) and inhibitory (-J_ext) Poisson drive per neuron
    that give free-membrane mean ``mu_ext`` (mV) and sd ``sigma_ext`` (mV):
    mu = tau J (R+ - R-), sigma^2 = tau J^2 (R+ + R-)."""
    tau = np.array([p["tau_m_e"], p["tau_m_i"]]) * 1e-3
    J = p["J_ext"]
    mu = np.asarray(mu_ext, float)
    tot = p["sigma_ext"] ** 2 / (tau * J ** 2)
    diff = mu / (tau * J)
    if np.any(np.abs(diff) > tot):
        raise checks.ParameterError("mu_ext", mu.tolist(), "|mu_ext| <= sigma_ext^2 / J_ext",
                                    f"mu_ext = {mu.tolist()} mV is too large for sigma_ext = {p['sigma_ext']:g} mV "
                                    f"with J_ext = {J:g} mV: need |mu_ext| <= sigma_ext^2 / J_ext")
    return (tot + diff) / 2, (tot - diff) / 2


def _mu_sigma(nu, p, mu_ext):
    tau = np.array([p["tau_m_e"], p["tau_m_i"]]) * 1e-3
    K = np.array([[p["K_ee"], p["K_ei"]], [p["K_ie"], p["K_ii"]]], float)
    J = np.array([[p["J_ee"], p["J_ei"]], [p["J_ie"], p["J_ii"]]], float)
    mu = tau * ((K * J) @ nu) + np.asarray(mu_ext, float)
    var = tau * ((K * J ** 2) @ nu) + p["sigma_ext"] ** 2
    return mu, np.sqrt(var)


def _phi(nu, p, mu_ext):
    from recnet.numerics.siegert import siegert
    mu, sig = _mu_sigma(np.maximum(nu, 0.0), p, mu_ext)
    tm = np.array([p["tau_m_e"], p["tau_m_i"]])
    return np.asarray(siegert(mu, sig, tm, p["tau_refrac"], p["v_thresh"], p["v_reset"], 0.0), float)


def _solve(p, mu_ext, starts):
    sols = []
    for x0 in starts:
        s = so.root(lambda x: _phi(x, p, mu_ext) - x, x0, method="hybr", tol=1e-12)
        x = s.x
        if s.success and np.all(x >= 0) and np.max(np.abs(_phi(x, p, mu_ext) - x)) < 1e-8 * (1 + x.max()):
            if all(np.max(np.abs(x - y)) > 1e-5 for y in sols):
                sols.append(x)
    return sols


def meanfield(params=None, mu_ext=None, tau_rate=None):
    """Self-consistent Siegert rates of the spiking E-I network, with stability, ISN, paradoxical.

    Parameters
    ----------
    params : dict, optional
        overrides of ``DEFAULTS``.
    mu_ext : (2,) mV, optional
        external mean input to (E, I) (default from params).
    tau_rate : (2,) ms, optional
        time constants of the rate dynamics used for stability (default: the tau_m's).

    Returns
    -------
    dict: ``rates_hz`` (of the stable solution with the lowest E rate), ``all_rates_hz``,
    ``stable`` flags, ``w_eff`` (dPhi_a/dnu_b), ``isn`` (w_EE > 1), ``dnu_i_dmu_ext_i``
    (Hz/mV, finite difference), ``paradoxical``, ``mu_mv``, ``sigma_mv``.
    """
    p = _p(params)
    ext = np.array([p["mu_ext_e"], p["mu_ext_i"]] if mu_ext is None else mu_ext, float)
    tr = np.array([p["tau_m_e"], p["tau_m_i"]] if tau_rate is None else tau_rate, float)
    starts = [np.array([a, b]) for a in (0.1, 2.0, 10.0, 40.0) for b in (0.1, 5.0, 20.0, 80.0)]
    sols = _solve(p, ext, starts)
    if not sols:
        raise RuntimeError("no self-consistent rate found for the spiking network")
    out = []
    for x in sols:
        eps = 1e-4 * (1 + x)
        w = np.column_stack([(_phi(x + e * eps[b], p, ext) - _phi(x - e * eps[b], p, ext)) / (2 * eps[b])
                             for b, e in enumerate(np.eye(2))])
        J = (-np.eye(2) + w) / tr[:, None]
        stable = bool(np.max(np.linalg.eigvals(J).real) < 0)
        out.append((x, w, stable))
    out.sort(key=lambda t: t[0][0])
    st = [t for t in out if t[2]]
    x, w, stable = st[0] if st else out[0]
    d = 1e-3
    up = _solve(p, ext + [0, d], [x])
    dn = _solve(p, ext - [0, d], [x])
    dI = (up[0][1] - dn[0][1]) / (2 * d) if up and dn else np.nan
    mu, sig = _mu_sigma(x, p, ext)
    return dict(rates_hz=x, all_rates_hz=[t[0] for t in out], stable_flags=[t[2] for t in out],
                stable=stable, w_eff=w, isn=bool(w[0, 0] > 1), dnu_i_dmu_ext_i=float(dI),
                paradoxical=bool(dI < 0), mu_mv=mu, sigma_mv=sig)


def build_network(params=None, mu_ext=None, n_exc=2000):
    """The spiking E-I network as a ``recnet.validation.simulators.network.Network`` (PyNN vocabulary)."""
    from recnet.validation.simulators.network import (FixedNumberPreConnector, IF_curr_delta, Network,
                                           OneToOneConnector, SpikeSourcePoisson, StaticSynapse)
    p = _p(params)
    n_exc = checks.integer("n_exc", n_exc, minimum=100)
    n_inh = n_exc // 4
    if max(p["K_ee"], p["K_ie"]) > n_exc or max(p["K_ei"], p["K_ii"]) > n_inh:
        raise checks.ParameterError("n_exc", n_exc, "large enough for the in-degrees (K_ee, K_ie <= n_exc; K_ei, K_ii <= n_exc/4)",
                                    f"n_exc = {n_exc} is too small for the in-degrees "
                                    f"(K_ee={p['K_ee']}, K_ie={p['K_ie']} <= n_exc; K_ei, K_ii <= n_exc/4)")
    ext = np.array([p["mu_ext_e"], p["mu_ext_i"]] if mu_ext is None else mu_ext, float)
    r_plus, r_minus = external_rates(ext, p)
    net = Network()
    common = dict(v_rest=0.0, v_thresh=p["v_thresh"], v_reset=p["v_reset"], tau_refrac=p["tau_refrac"], cm=1.0)
    rng = np.random.default_rng(0)
    E = net.population(n_exc, IF_curr_delta(tau_m=p["tau_m_e"], **common), label="E",
                       initial_values={"v": rng.uniform(0, p["v_thresh"], n_exc)})
    I = net.population(n_inh, IF_curr_delta(tau_m=p["tau_m_i"], **common), label="I",
                       initial_values={"v": rng.uniform(0, p["v_thresh"], n_inh)})
    dl = p["delay"]
    for pop, a, lab in ((E, 0, "E"), (I, 1, "I")):
        xp = net.population(pop.size, SpikeSourcePoisson(rate=r_plus[a]), label=f"ext_plus_{lab}", record=())
        xm = net.population(pop.size, SpikeSourcePoisson(rate=r_minus[a]), label=f"ext_minus_{lab}", record=())
        net.projection(xp, pop, OneToOneConnector(), StaticSynapse(weight=p["J_ext"], delay=dl))
        net.projection(xm, pop, OneToOneConnector(), StaticSynapse(weight=-p["J_ext"], delay=dl),
                       receptor_type="inhibitory")
    net.projection(E, E, FixedNumberPreConnector(int(p["K_ee"])), StaticSynapse(weight=p["J_ee"], delay=dl))
    net.projection(E, I, FixedNumberPreConnector(int(p["K_ie"])), StaticSynapse(weight=p["J_ie"], delay=dl))
    net.projection(I, E, FixedNumberPreConnector(int(p["K_ei"])), StaticSynapse(weight=p["J_ei"], delay=dl),
                   receptor_type="inhibitory")
    net.projection(I, I, FixedNumberPreConnector(int(p["K_ii"])), StaticSynapse(weight=p["J_ii"], delay=dl),
                   receptor_type="inhibitory")
    return net


def run(params=None, mu_ext=None, n_exc=2000, t_sim=2000.0, t_warm=300.0, backend="numba", seed=12345,
        dt=0.1, n_batches=20, with_dof=False):
    """Simulate the network; return ((rate_E, sem_E), (rate_I, sem_I), result) in Hz after ``t_warm`` ms.

    The standard error is sqrt(S(0)/T) from the population activity's spectrum at zero frequency
    (:func:`recnet.validation.stats.spectral_sem`, Hann-tapered periodogram of the activity in bins
    of one step, averaged below 1/(2 pi tau_m) with the E cells' tau_m): batch means pick up the
    power of the E-I network's fast fluctuations through their blocks' sidelobes and overstate the
    error (``tests/test_stats_spectral.py``).  ``with_dof=True`` returns (rate, sem, dof) triples
    (Student-t dof of the spectral estimate); ``n_batches`` is kept for the call signature.
    """
    from recnet.validation.simulators.simulate import simulate
    from recnet.validation.stats import spectral_sem
    p = dict(DEFAULTS, **(params or {}))
    net = build_network(params, mu_ext, n_exc)
    res = simulate(net, t_warm + t_sim, backend=backend, dt=dt, seed=seed, progress=False)
    band = dt / (2 * np.pi * max(p["tau_m_e"], p["tau_m_i"]))    # cycles per bin
    out = []
    for lab in ("E", "I"):
        _, a = res.population_activity(lab, dt, t_warm, t_warm + t_sim)
        m, se, dof = spectral_sem(a, band)
        out.append((m, se, dof) if with_dof else (m, se))
    return out[0], out[1], res


def build_open_loop(params=None, mu_ext=None, rates_hz=(1.0, 1.0), n_neurons=2000):
    """The network's neurons with the recurrence cut open (PyNN vocabulary).

    ``n_neurons`` unconnected E and as many I neurons; each gets the external +-J_ext drive of
    ``build_network`` and, in place of its K_aE E and K_aI I presynaptic neurons, two independent
    Poisson sources of rates K_aE nu_E and K_aI nu_I (Hz) with the weights J_aE and J_aI (mV):
    exactly the input the Siegert mean field assumes, with the true finite jumps.
    """
    from recnet.validation.simulators.network import IF_curr_delta, Network, OneToOneConnector, SpikeSourcePoisson, StaticSynapse
    p = _p(params)
    n_neurons = checks.integer("n_neurons", n_neurons, minimum=10)
    nu = np.asarray(rates_hz, float)
    if nu.shape != (2,) or np.any(nu < 0):
        raise checks.ParameterError("rates_hz", rates_hz, "two rates >= 0 Hz",
                                    f"rates_hz = {rates_hz!r} is invalid: must be two rates >= 0 Hz")
    ext = np.array([p["mu_ext_e"], p["mu_ext_i"]] if mu_ext is None else mu_ext, float)
    r_plus, r_minus = external_rates(ext, p)
    K = np.array([[p["K_ee"], p["K_ei"]], [p["K_ie"], p["K_ii"]]], float)
    J = np.array([[p["J_ee"], p["J_ei"]], [p["J_ie"], p["J_ii"]]], float)
    net = Network()
    common = dict(v_rest=0.0, v_thresh=p["v_thresh"], v_reset=p["v_reset"], tau_refrac=p["tau_refrac"], cm=1.0)
    rng = np.random.default_rng(0)
    dl = p["delay"]
    for a, (lab, tm) in enumerate((("E", p["tau_m_e"]), ("I", p["tau_m_i"]))):
        pop = net.population(n_neurons, IF_curr_delta(tau_m=tm, **common), label=lab,
                             initial_values={"v": rng.uniform(0, p["v_thresh"], n_neurons)})
        srcs = [(r_plus[a], p["J_ext"]), (r_minus[a], -p["J_ext"]), (K[a, 0] * nu[0], J[a, 0]),
                (K[a, 1] * nu[1], J[a, 1])]
        for j, (rate, w) in enumerate(srcs):
            if rate <= 0 or w == 0:
                continue
            src = net.population(n_neurons, SpikeSourcePoisson(rate=rate), label=f"src{j}_{lab}", record=())
            net.projection(src, pop, OneToOneConnector(), StaticSynapse(weight=w, delay=dl),
                           receptor_type="excitatory" if w > 0 else "inhibitory")
    return net


def systematic_error(params=None, mu_ext=None, n_neurons=2000, t_sim=2000.0, t_warm=200.0, backend="numba",
                     seed=777):
    r"""Systematic error of the Siegert mean field for this network, derived from an open-loop run.

    The mean field replaces each neuron's input by a diffusion with the same mean and variance;
    with finite jumps (J_ext = 0.2 mV, recurrent 0.05-0.15 mV) the true LIF rate at the mean-field
    operating point differs by :math:`\delta_a = 
u_a^{open} - \Phi_a`, measured on the network's
    neurons with the recurrence cut open (``build_open_loop``: Poisson inputs at the mean-field
    rates, which is the mean field's own assumption, so :math:`\delta` is the diffusion-
    approximation error alone).  Closing the loop, a transfer error :math:`\delta` moves the
    self-consistent rates to first order by

    .. math:: \Delta
u = (1 - w)^{-1}\,\delta ,\qquad w_{ab} = \partial\Phi_a/\partial
u_b ,

    (linearisation of :math:`
u = \Phi(
u) + \delta`; w is the mean field's effective coupling,
    ``meanfield()["w_eff"]``; in the ISN regime (1 - w)^{-1} amplifies).  The neurons of the open
    loop are independent, so the SEM of :math:`\delta` is the across-neuron SEM, propagated the
    same way.  What this does not contain (non-Poisson recurrent spike trains, shared-input
    correlations, finite-size fluctuations of the population rate) is what the closed-loop
    comparison tests.

    Returns a dict: ``rates_hz`` (mean field), ``open_loop_hz``, ``open_loop_sem_hz``, ``delta_hz``,
    ``shift_hz`` :math:`\Delta
u`, ``shift_sem_hz``.
    """
    from recnet.validation.simulators.simulate import simulate
    from recnet.validation.stats import mean_sem
    mf = meanfield(params, mu_ext=mu_ext)
    net = build_open_loop(params, mu_ext, mf["rates_hz"], n_neurons)
    res = simulate(net, t_warm + t_sim, backend=backend, dt=0.1, seed=seed, progress=False)
    ol, se = np.empty(2), np.empty(2)
    for a, lab in enumerate("EI"):
        ol[a], se[a] = mean_sem(res.rates(lab, t_start=t_warm))
    delta = ol - mf["rates_hz"]
    R = np.linalg.inv(np.eye(2) - mf["w_eff"])
    shift = R @ delta
    shift_se = np.sqrt((R ** 2) @ se ** 2)
    return dict(rates_hz=mf["rates_hz"], open_loop_hz=ol, open_loop_sem_hz=se, delta_hz=delta,
                shift_hz=shift, shift_sem_hz=shift_se, response=R)


def fit_power_law(params=None, mu_range=(8.0, 16.0), pop=0, mu_ext=None):
    """Fit r = k [mu - mu0]_+^n to the Siegert curve of population ``pop`` over ``mu_range`` (mV).

    sigma is held at its value at the mean-field fixed point (for external drive ``mu_ext``, mV).
    The fit minimises the squared log-rate error on 40 points.  Returns (k in Hz/mV^n, n, mu0 in mV).
    """
    from recnet.numerics.siegert import siegert
    p = _p(params)
    mf = meanfield(params, mu_ext=mu_ext)
    sig = mf["sigma_mv"][pop]
    tm = p["tau_m_e"] if pop == 0 else p["tau_m_i"]
    mu = np.linspace(*mu_range, 40)
    r = np.asarray(siegert(mu, sig, tm, p["tau_refrac"], p["v_thresh"], p["v_reset"], 0.0))

    def f(x):
        k, n, mu0 = x
        return np.log(k * np.maximum(mu - mu0, 1e-9) ** n) - np.log(r)
    s = so.least_squares(f, [0.05, 2.0, 0.0], bounds=([1e-8, 1.0, -30.0], [1e3, 6.0, mu_range[0] - 0.1]))
    return tuple(float(v) for v in s.x)


def ssn_reduction(params=None, mu_ext=None, mu_range=(10.0, 18.0)):
    r"""The network as a stabilized supralinear network, with the error of that reduction.

    Each population's Siegert curve (sigma at the mean-field fixed point) is fitted over
    ``mu_range`` by r_a = k_a [mu_a - mu0_a]_+^{n_a} (``fit_power_law``); with
    W_ab = tau_a K_ab J_ab (mV/Hz) and h_a = mu_ext,a - mu0_a this is the SSN
    u = W r + h, r_a = k_a [u_a]_+^{n_a} (population-specific k and n).  Its fixed point (Newton
    from the mean-field solution) gives the SSN's rates, gains g_a = k_a n_a u_a^{n_a - 1},
    ISN (g_E W_EE > 1) and paradoxical response ((1 - G W)^{-1} G)_II < 0.

    Error of the reduction, to first order: at the SSN fixed point the true transfer differs by
    eps_a = Phi_a(mu_a, sigma_a(r)) - r_a (the fit mismatch there, with the sigma the rates
    imply), and the self-consistent rates by (1 - w)^{-1} eps, w the Siegert effective coupling.

    Returns a dict: ``rates_hz``, ``k``, ``n``, ``mu0_mv``, ``w_mv_per_hz``, ``gains``, ``isn``,
    ``paradoxical``, ``dr_i_dh_i_hz_per_mv``, ``fit_error_hz`` (eps), ``fit_shift_hz``.
    """
    p = _p(params)
    ext = np.array([p["mu_ext_e"], p["mu_ext_i"]] if mu_ext is None else mu_ext, float)
    mf = meanfield(params, mu_ext=ext)
    fits = [fit_power_law(params, mu_range, a, ext) for a in (0, 1)]
    k = np.array([f[0] for f in fits])
    n = np.array([f[1] for f in fits])
    mu0 = np.array([f[2] for f in fits])
    tau = np.array([p["tau_m_e"], p["tau_m_i"]]) * 1e-3
    K = np.array([[p["K_ee"], p["K_ei"]], [p["K_ie"], p["K_ii"]]], float)
    J = np.array([[p["J_ee"], p["J_ei"]], [p["J_ie"], p["J_ii"]]], float)
    W = tau[:, None] * K * J
    h = ext - mu0

    def F(u):
        return -u + W @ (k * np.maximum(u, 0.0) ** n) + h
    u0 = mf["mu_mv"] - mu0
    sol = so.root(F, u0, method="hybr", tol=1e-13)
    if not sol.success or np.max(np.abs(F(sol.x))) > 1e-9 * (1 + np.max(np.abs(sol.x))):
        raise RuntimeError(f"no SSN fixed point found near the mean-field solution (mu_ext = {ext.tolist()})")
    u = sol.x
    r = k * np.maximum(u, 0.0) ** n
    g = np.where(u > 0, k * n * np.maximum(u, 0.0) ** (n - 1), 0.0)
    R = np.linalg.solve(np.eye(2) - g[:, None] * W, np.diag(g))
    eps = _phi(r, p, ext) - r
    shift = np.linalg.solve(np.eye(2) - mf["w_eff"], eps)
    return dict(rates_hz=r, k=k, n=n, mu0_mv=mu0, w_mv_per_hz=W, gains=g, isn=bool(g[0] * W[0, 0] > 1),
                paradoxical=bool(R[1, 1] < 0), dr_i_dh_i_hz_per_mv=float(R[1, 1]), fit_error_hz=eps,
                fit_shift_hz=shift)
