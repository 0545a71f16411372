r"""Self-consistent stationary rates of networks of LIF neurons with delta synapses.

Diffusion approximation (Amit & Brunel 1997; Brunel 2000, J Comput Neurosci 8:183): a neuron of
population ``a`` receiving ``K[a, b]`` inputs from population ``b`` (rate ``nu_b`` Hz, PSP jump
``J[a, b]`` mV) and external Poisson inputs sees a white-noise input with (tau_m in s)::

    mu_a      = tau_m,a ( sum_b K[a,b] J[a,b] nu_b + sum_k J_ext[a,k] nu_ext[a,k] ) + mu_ext_a   [mV]
    sigma_a^2 = tau_m,a ( sum_b K[a,b] J[a,b]^2 nu_b + sum_k J_ext[a,k]^2 nu_ext[a,k] )        [mV^2]

and fires at the Siegert rate ``nu_a = phi_a(mu_a, sigma_a)`` (``recnet.numerics.siegert``).
``mu`` is relative to ``v_rest`` (see ``siegert``).  The stationary states are the solutions of
``nu = phi(mu(nu), sigma(nu))``.

Two entry points:

* :func:`brunel_prediction` -- Brunel's E-I network (identical E and I neurons, C_E = epsilon N_E,
  C_I = epsilon N_I, weights J and -g J, C_E external inputs at nu_ext = eta nu_thr).  E and I then
  have the same rate and the problem is one equation in one unknown, solved by an exhaustive scan of
  [0, 1/tau_refrac) plus Brent's method on every sign change: all solutions are reported.
* :func:`solve_rates` -- P populations with arbitrary in-degrees, weights, drives and neuron
  parameters; multi-start Newton (plus the exhaustive scan when P = 1), every distinct solution
  reported with its residual and its stability.

Stability here is that of the first-order rate dynamics ``tau_m,a dnu_a/dt = -nu_a + phi_a(nu)``
(the Jacobian's eigenvalues).  It says whether a stationary state is a stable fixed point of the
slow rate dynamics; it does not include Brunel's oscillatory (Hopf) instabilities, which need the
linear response with delays (Brunel 2000, section 3.3).
"""
from __future__ import annotations

import math
import warnings

import numpy as np

from recnet import checks
from recnet.numerics._jit import njit, prange
from recnet.numerics.siegert import _siegert_one, check_neuron, cv_isi, siegert

__all__ = ["brunel_prediction", "brunel_inputs", "solve_rates", "brunel_rate_map", "check_brunel"]


# ------------------------------------------------------------------------------ Brunel network
def check_brunel(tau_m, v_thresh, v_reset, v_rest, tau_refrac, g, eta, epsilon, j, n_e, gamma, delay):
    """Validate Brunel-network parameters; ValueError naming the parameter, value and range."""
    for name, val in (("tau_m", tau_m), ("v_thresh", v_thresh), ("v_reset", v_reset),
                      ("v_rest", v_rest), ("tau_refrac", tau_refrac)):
        checks.finite(name, val)
    check_neuron(tau_m, v_thresh, v_reset, v_rest, tau_refrac)
    checks.nonnegative("g", g)
    checks.nonnegative("eta", eta)
    checks.in_range("epsilon", epsilon, 0.0, 1.0, low_inclusive=False)
    checks.positive("j", j, "mV")
    n_e = checks.integer("n_e", n_e, minimum=1)
    checks.nonnegative("gamma", gamma)
    checks.nonnegative("delay", delay, "ms")
    c_e = int(round(epsilon * n_e))
    if c_e < 1:
        raise ValueError(f"epsilon * n_e = {epsilon * n_e:g} is invalid: the E in-degree C_E must be >= 1")
    return n_e


def brunel_inputs(nu, *, tau_m, j, g, c_e, c_i, nu_ext, c_ext=None):
    """Mean input mu [mV] (relative to v_rest) and sigma [mV] for recurrent rate ``nu`` [Hz].

    Brunel 2000 eqs. 4-5: mu = tau J (C_ext nu_ext + C_E nu - g C_I nu),
    sigma^2 = tau J^2 (C_ext nu_ext + C_E nu + g^2 C_I nu), tau_m in ms (converted to s).
    """
    c_ext = c_e if c_ext is None else c_ext
    t = tau_m * 1e-3
    nu = np.asarray(nu, dtype=float)
    mu = t * j * (c_ext * nu_ext + c_e * nu - g * c_i * nu)
    sigma = np.sqrt(t * j * j * (c_ext * nu_ext + c_e * nu + g * g * c_i * nu))
    return mu, sigma


@njit
def _brent(f_args, lo, hi, flo, fhi, tol):
    """Brent's root finder on _gap(nu) between lo and hi (sign change assumed)."""
    a, b, fa, fb = lo, hi, flo, fhi
    c, fc = a, fa
    d = b - a
    e = d
    for _ in range(200):
        if fb * fc > 0.0:
            c, fc = a, fa
            d = b - a
            e = d
        if abs(fc) < abs(fb):
            a, b, c = b, c, b
            fa, fb, fc = fb, fc, fb
        tol1 = 2.0 * 2.2e-16 * abs(b) + 0.5 * tol
        xm = 0.5 * (c - b)
        if abs(xm) <= tol1 or fb == 0.0:
            return b
        if abs(e) >= tol1 and abs(fa) > abs(fb):
            s = fb / fa
            if a == c:
                p = 2.0 * xm * s
                q = 1.0 - s
            else:
                q = fa / fc
                r = fb / fc
                p = s * (2.0 * xm * q * (q - r) - (b - a) * (r - 1.0))
                q = (q - 1.0) * (r - 1.0) * (s - 1.0)
            if p > 0.0:
                q = -q
            p = abs(p)
            if 2.0 * p < min(3.0 * xm * q - abs(tol1 * q), abs(e * q)):
                e = d
                d = p / q
            else:
                d = xm
                e = d
        else:
            d = xm
            e = d
        a, fa = b, fb
        if abs(d) > tol1:
            b += d
        else:
            b += tol1 if xm > 0 else -tol1
        fb = _gap(b, f_args)
    return b


@njit
def _gap(nu, p):
    """phi(mu(nu), sigma(nu)) - nu for Brunel's network; p packs the parameters."""
    tau_m, tau_ref, v_th, v_r, j, g, c_e, c_i, c_ext, nu_ext = (p[0], p[1], p[2], p[3], p[4], p[5],
                                                               p[6], p[7], p[8], p[9])
    t = tau_m * 1e-3
    mu = t * j * (c_ext * nu_ext + c_e * nu - g * c_i * nu)
    var = t * j * j * (c_ext * nu_ext + c_e * nu + g * g * c_i * nu)
    return _siegert_one(mu, math.sqrt(max(var, 0.0)), tau_m, tau_ref, v_th, v_r) - nu


@njit
def _scan_roots(p, grid, roots, stable, tol):
    """All sign changes of _gap on ``grid``, refined by Brent; returns the number found."""
    n = 0
    f_prev = _gap(grid[0], p)
    if f_prev == 0.0:
        roots[n] = grid[0]
        stable[n] = 1
        n += 1
    for i in range(1, grid.shape[0]):
        f = _gap(grid[i], p)
        if f == 0.0:
            if n < roots.shape[0]:
                roots[n] = grid[i]
                stable[n] = 1 if f_prev > 0.0 else 0
                n += 1
        elif f_prev != 0.0 and (f > 0.0) != (f_prev > 0.0):
            if n < roots.shape[0]:
                roots[n] = _brent(p, grid[i - 1], grid[i], f_prev, f, tol)
                # gap goes + to -: phi crosses nu from above, slope of phi < 1: stable
                stable[n] = 1 if f_prev > 0.0 else 0
                n += 1
        f_prev = f
    return n


def _rate_grid(nu_max, n_scan):
    """Scan grid on [0, nu_max): 0, geometric from 1e-4 Hz, and linear, merged."""
    geo = np.geomspace(1e-4, nu_max * (1 - 1e-9), n_scan // 2)
    lin = np.linspace(0.0, nu_max * (1 - 1e-9), n_scan - n_scan // 2)
    return np.unique(np.concatenate([[0.0], geo, lin]))


def _brunel_params(tau_m, tau_refrac, v_thresh, v_reset, v_rest, j, g, c_e, c_i, nu_ext):
    return np.array([tau_m, tau_refrac, v_thresh - v_rest, v_reset - v_rest, j, g, c_e, c_i, c_e, nu_ext],
                    dtype=float)


def _nu_max(tau_refrac, nu_ext, c_e, j, tau_m, v_thresh, v_rest, g, c_i):
    if tau_refrac > 0:
        return 1e3 / tau_refrac
    # no refractory period: the rate is bounded by the noise-free rate at full excitation;
    # use a generous bound and let the caller see the scan range
    return 1e5


def brunel_prediction(tau_m=20.0, v_thresh=20.0, v_reset=0.0, v_rest=0.0, tau_refrac=2.0, g=5.0,
                      eta=2.0, epsilon=0.1, j=0.1, n_e=10000, gamma=0.25, delay=1.5, n_scan=400):
    r"""Stationary state of Brunel's (2000) sparse E-I network of LIF neurons with delta synapses.

    Self-consistency (Brunel 2000, J Comput Neurosci 8:183, eqs. 4, 5, 21)::

        mu    = tau J (C_E nu_ext + C_E nu - g C_I nu)
        sigma = sqrt(tau J^2 (C_E nu_ext + C_E nu + g^2 C_I nu))
        1/nu  = tau_refrac + tau sqrt(pi) \int_{(V_r-mu)/sigma}^{(theta-mu)/sigma} e^{u^2}(1+erf u) du

    with C_E = round(epsilon n_e), C_I = round(epsilon gamma n_e), nu_thr = theta/(J C_E tau),
    nu_ext = eta nu_thr, theta = v_thresh - v_rest, V_r = v_reset - v_rest.  E and I neurons are
    identical, so nu_E = nu_I = nu.  All roots on [0, 1/tau_refrac) are found by a scan of
    ``n_scan`` points (geometric and linear) and Brent's method.

    Parameters
    ----------
    tau_m : membrane time constant, ms.   v_thresh, v_reset, v_rest : mV.   tau_refrac : ms.
    g : relative inhibitory weight (inhibitory PSP = -g j).   eta : nu_ext / nu_thr.
    epsilon : connection probability in (0, 1].   j : excitatory PSP jump, mV.
    n_e : number of E neurons.   gamma : N_I / N_E.   delay : ms (does not affect the stationary
    rate; reported only).

    Returns
    -------
    dict with ``rate_hz`` (= ``rate_e_hz`` = ``rate_i_hz``; the unique stable solution, None if
    there are several stable ones), ``mu_mv``, ``sigma_mv``, ``cv_isi``, ``nu_thr_hz``,
    ``nu_ext_hz``, ``c_e``, ``c_i``, ``solutions`` (every solution: ``rate_hz``, ``mu_mv``,
    ``sigma_mv``, ``stable``), ``n_solutions``, ``converged``, ``multistable``.
    """
    n_e = check_brunel(tau_m, v_thresh, v_reset, v_rest, tau_refrac, g, eta, epsilon, j, n_e, gamma, delay)
    n_scan = checks.integer("n_scan", n_scan, minimum=10)
    n_i = int(round(gamma * n_e))
    c_e = int(round(epsilon * n_e))
    c_i = int(round(epsilon * n_i))
    theta = v_thresh - v_rest
    nu_thr = theta / (j * c_e * tau_m * 1e-3)
    nu_ext = eta * nu_thr
    p = _brunel_params(tau_m, tau_refrac, v_thresh, v_reset, v_rest, j, g, c_e, c_i, nu_ext)
    nu_max = _nu_max(tau_refrac, nu_ext, c_e, j, tau_m, v_thresh, v_rest, g, c_i)
    grid = _rate_grid(nu_max, n_scan)
    roots = np.zeros(16)
    stable = np.zeros(16, dtype=np.int64)
    n = _scan_roots(p, grid, roots, stable, 1e-13)
    sols = []
    for k in range(n):
        nu = float(roots[k])
        mu, sigma = brunel_inputs(nu, tau_m=tau_m, j=j, g=g, c_e=c_e, c_i=c_i, nu_ext=nu_ext)
        resid = float(_gap(nu, p))
        sols.append({"rate_hz": nu, "mu_mv": float(mu), "sigma_mv": float(sigma),
                     "stable": bool(stable[k]), "residual_hz": resid})
    stable_sols = [s for s in sols if s["stable"]]
    converged = n > 0 and all(abs(s["residual_hz"]) <= 1e-9 * max(1.0, s["rate_hz"]) for s in sols)
    out = {
        "rate_hz": None, "rate_e_hz": None, "rate_i_hz": None, "mu_mv": None, "sigma_mv": None,
        "cv_isi": None, "nu_thr_hz": nu_thr, "nu_ext_hz": nu_ext, "c_e": c_e, "c_i": c_i,
        "n_e": n_e, "n_i": n_i, "g": g, "eta": eta, "delay_ms": delay,
        "solutions": sols, "n_solutions": len(sols), "multistable": len(stable_sols) > 1,
        "converged": bool(converged),
    }
    if len(stable_sols) == 1:
        s = stable_sols[0]
        out.update(rate_hz=s["rate_hz"], rate_e_hz=s["rate_hz"], rate_i_hz=s["rate_hz"],
                   mu_mv=s["mu_mv"], sigma_mv=s["sigma_mv"])
        out["cv_isi"] = float(cv_isi(s["mu_mv"], s["sigma_mv"], tau_m=tau_m, tau_refrac=tau_refrac,
                                     v_thresh=v_thresh, v_reset=v_reset, v_rest=v_rest)) \
            if s["sigma_mv"] > 0 else 0.0
    elif len(stable_sols) > 1:
        warnings.warn(f"Brunel network with g = {g}, eta = {eta} has {len(stable_sols)} stable "
                      f"stationary states (rates {[round(s['rate_hz'], 4) for s in stable_sols]} Hz); "
                      "rate_hz is None, see 'solutions'", RuntimeWarning, stacklevel=2)
    return out


@njit(parallel=True)
def _rate_map_kernel(params, grid, out_rate, out_n, out_nstable, tol):
    n_pts = params.shape[0]
    for i in prange(n_pts):
        roots = np.zeros(16)
        stable = np.zeros(16, dtype=np.int64)
        n = _scan_roots(params[i], grid, roots, stable, tol)
        out_n[i] = n
        ns = 0
        best = np.nan
        for k in range(n):
            if stable[k] == 1:
                ns += 1
                if ns == 1:
                    best = roots[k]
        out_nstable[i] = ns
        out_rate[i] = best if ns == 1 else np.nan


def brunel_rate_map(g_values, eta_values, tau_m=20.0, v_thresh=20.0, v_reset=0.0, v_rest=0.0,
                    tau_refrac=2.0, epsilon=0.1, j=0.1, n_e=10000, gamma=0.25, n_scan=200, tol=1e-12):
    """Stationary rate of Brunel's network over a (g, eta) grid (numba, parallel).

    Parameters as :func:`brunel_prediction`; ``g_values`` (n_g,), ``eta_values`` (n_eta,).

    Returns
    -------
    dict with ``rate_hz`` (n_g, n_eta) -- the unique stable rate, NaN where there is more than one
    stable solution -- ``n_solutions`` and ``n_stable`` (n_g, n_eta) int arrays, ``g``, ``eta``,
    ``nu_thr_hz``.  Roots are found by a scan of ``n_scan`` points and Brent's method (``tol`` Hz).
    """
    g_values = checks.array("g_values", g_values, ndim=1)
    eta_values = checks.array("eta_values", eta_values, ndim=1)
    check_brunel(tau_m, v_thresh, v_reset, v_rest, tau_refrac, 0.0, 0.0, epsilon, j, n_e, gamma, 0.0)
    if np.any(g_values < 0):
        checks.nonnegative("g", float(g_values.min()))
    if np.any(eta_values < 0):
        checks.nonnegative("eta", float(eta_values.min()))
    n_scan = checks.integer("n_scan", n_scan, minimum=10)
    n_i = int(round(gamma * n_e))
    c_e = int(round(epsilon * n_e))
    c_i = int(round(epsilon * n_i))
    nu_thr = (v_thresh - v_rest) / (j * c_e * tau_m * 1e-3)
    G, E = np.meshgrid(g_values, eta_values, indexing="ij")
    params = np.empty((G.size, 10))
    base = _brunel_params(tau_m, tau_refrac, v_thresh, v_reset, v_rest, j, 0.0, c_e, c_i, 0.0)
    params[:] = base
    params[:, 5] = G.ravel()
    params[:, 9] = E.ravel() * nu_thr
    grid = _rate_grid(_nu_max(tau_refrac, 0, c_e, j, tau_m, v_thresh, v_rest, 0, c_i), n_scan)
    rate = np.empty(G.size)
    n = np.empty(G.size, dtype=np.int64)
    ns = np.empty(G.size, dtype=np.int64)
    _rate_map_kernel(params, grid, rate, n, ns, tol)
    return {"g": g_values, "eta": eta_values, "rate_hz": rate.reshape(G.shape),
            "n_solutions": n.reshape(G.shape), "n_stable": ns.reshape(G.shape), "nu_thr_hz": nu_thr}


# --------------------------------------------------------------------------- P populations
def solve_rates(*args, **kwargs):  # replaced below once written
    raise NotImplementedError("solve_rates is being written")
