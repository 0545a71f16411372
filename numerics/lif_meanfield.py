r"""Self-consistent stationary rates of networks of LIF neurons with delta or exponential synapses.

Exponential (current) synapses enter through the delta-equivalent weights J = w tau_s / C and the
Fourcaud & Brunel (2002) shift of threshold and reset by sigma alpha/2 sqrt(tau_s/tau_m) (see
:func:`solve_rates`, argument ``tau_s``, and :func:`fourcaud_brunel_shift`).

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
  parameters; multi-start damped Newton with the closed-form Jacobian of the Siegert map (numba),
  plus the exhaustive scan when P = 1, every distinct solution reported with its residual and its
  stability.
* :func:`network_states` -- the same for a ``lif-network`` model (``recnet.models.lif_network``),
  with populations lumped into one equation when they all receive identical input.

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
from recnet.models.lif_network import brunel_sizes
from recnet.numerics._jit import njit, prange
from recnet.numerics.siegert import SQRT_PI, _erfcx, _siegert_one, check_neuron, cv_isi

__all__ = ["brunel_prediction", "brunel_inputs", "solve_rates", "brunel_rate_map", "check_brunel",
           "network_states", "fourcaud_brunel_shift", "synaptic_time_constants", "FB_ALPHA"]


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
    if gamma * n_e > 1e8:
        raise checks.ParameterError("gamma", gamma, f"gamma * n_e (the number of I neurons) must be <= 1e8: "
                                    f"0 <= gamma <= {1e8 / n_e:g}")
    checks.nonnegative("delay", delay, "ms")
    c_e = int(round(epsilon * n_e))
    if c_e < 1:
        raise checks.ParameterError("epsilon", epsilon, "epsilon * n_e >= 1 (an E in-degree C_E >= 1)",
                                    f"epsilon * n_e = {epsilon * n_e:g} is invalid: the E in-degree C_E must be >= 1")
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

    with C_E = round(epsilon n_e), C_I = round(epsilon gamma n_e) (N_I = round(gamma n_e)), nu_thr = theta/(J C_E tau),
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
    there are several stable ones), ``mu_mv`` (mean input relative to v_rest: the free membrane
    potential averages v_rest + mu), ``sigma_mv``, ``cv_isi`` (Siegert-theory ISI CV), ``nu_thr_hz``,
    ``nu_ext_hz``, ``c_e``, ``c_i``, ``solutions`` (every solution: ``rate_hz``, ``mu_mv``,
    ``sigma_mv``, ``stable``), ``n_solutions``, ``converged``, ``multistable``.
    """
    n_e = check_brunel(tau_m, v_thresh, v_reset, v_rest, tau_refrac, g, eta, epsilon, j, n_e, gamma, delay)
    n_scan = checks.integer("n_scan", n_scan, minimum=10)
    _, n_i, c_e, c_i = brunel_sizes(n_e, gamma, epsilon)
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
    _, _, c_e, c_i = brunel_sizes(n_e, gamma, epsilon)
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
@njit
def _phi_pop(nu, k_mat, j_mat, ext_mu, ext_var, tau_m, tau_ref, v_th, v_r, shift, out_mu, out_sigma, out_rate):
    """Siegert rates of P populations given presynaptic rates nu (Hz); potentials rel. to v_rest.

    ``shift`` (P,): threshold and reset move up by shift_a sigma_a (Fourcaud-Brunel, exp synapses:
    shift = alpha/2 sqrt(tau_s/tau_m); 0 for delta synapses)."""
    p = nu.shape[0]
    for a in range(p):
        m = 0.0
        v = 0.0
        for b in range(p):
            kj = k_mat[a, b] * j_mat[a, b] * nu[b]
            m += kj
            v += kj * j_mat[a, b]
        t = tau_m[a] * 1e-3
        mu = t * m + ext_mu[a]
        var = t * v + ext_var[a]
        sg = math.sqrt(max(var, 0.0))
        out_mu[a] = mu
        out_sigma[a] = sg
        out_rate[a] = _siegert_one(mu, sg, tau_m[a], tau_ref[a], v_th[a] + shift[a] * sg, v_r[a] + shift[a] * sg)


@njit
def _dsiegert(rate, mu, sigma, tau_m, v_th, v_r):
    """(d nu/d mu, d nu/d sigma) of the Siegert rate, Hz/mV, potentials relative to v_rest.

    From 1/nu = tau_ref + tau sqrt(pi) int_{y_r}^{y_th} f(u) du, f(u) = exp(u^2)(1 + erf u)
    = erfcx(-u), y = (V - mu)/sigma (tau_m in s)::

        d nu/d mu    = nu^2 tau sqrt(pi) / sigma [f(y_th) - f(y_r)]
        d nu/d sigma = nu^2 tau sqrt(pi) / sigma [y_th f(y_th) - y_r f(y_r)]

    (the first is NNMT's ``_derivative_of_firing_rates_wrt_mean_input``).  Above y_th = 20 the
    rate is below exp(-400) Hz and both derivatives are returned as 0 (f(y_th) alone would
    overflow near y_th = 26.6).  sigma = 0 returns NaN (the caller differentiates numerically).
    """
    if sigma <= 0.0:
        return np.nan, np.nan
    if rate <= 0.0:
        return 0.0, 0.0
    y_th = (v_th - mu) / sigma
    y_r = (v_r - mu) / sigma
    if y_th > 20.0:
        return 0.0, 0.0
    f_th = _erfcx(-y_th)
    f_r = _erfcx(-y_r)
    c = rate * rate * tau_m * 1e-3 * SQRT_PI / sigma
    return c * (f_th - f_r), c * (y_th * f_th - y_r * f_r)


@njit
def _phi_jac_pop(nu, k_mat, j_mat, ext_mu, ext_var, tau_m, tau_ref, v_th, v_r, shift, out_mu, out_sigma,
                 out_rate, out_jac):
    """As _phi_pop, plus the Jacobian d phi_a / d nu_b (chain rule through mu_a and sigma_a)::

        d mu_a/d nu_b = tau_a K_ab J_ab,   d sigma_a/d nu_b = tau_a K_ab J_ab^2 / (2 sigma_a)

    With the Fourcaud-Brunel shift k (boundaries V + k sigma) y = (V - mu)/sigma + k, so
    dy/dsigma = -(y - k)/sigma and d nu/d sigma = [d nu/d sigma at fixed boundaries] - k d nu/d mu.
    A row is NaN where sigma_a = 0 (no analytic derivative there)."""
    _phi_pop(nu, k_mat, j_mat, ext_mu, ext_var, tau_m, tau_ref, v_th, v_r, shift, out_mu, out_sigma, out_rate)
    p = nu.shape[0]
    for a in range(p):
        sk = shift[a] * out_sigma[a]
        dm, ds = _dsiegert(out_rate[a], out_mu[a], out_sigma[a], tau_m[a], v_th[a] + sk, v_r[a] + sk)
        ds -= shift[a] * dm
        t = tau_m[a] * 1e-3
        for b in range(p):
            kj = k_mat[a, b] * j_mat[a, b] * t
            if out_sigma[a] > 0.0:
                out_jac[a, b] = dm * kj + ds * kj * j_mat[a, b] / (2.0 * out_sigma[a])
            else:
                out_jac[a, b] = np.nan


@njit
def _relax(x0, k_mat, j_mat, ext_mu, ext_var, tau_m, tau_ref, v_th, v_r, shift, nu_max, n_steps, step, tol):
    """Euler steps of the relaxation dynamics dnu/ds = -nu + phi(nu) (NNMT's 'ODE' fixed-point
    method), clipped to [0, nu_max]; stops when max |phi(nu) - nu| <= tol max(1, nu)."""
    p = x0.shape[0]
    x = x0.copy()
    mu = np.empty(p)
    sg = np.empty(p)
    rt = np.empty(p)
    for _ in range(n_steps):
        _phi_pop(x, k_mat, j_mat, ext_mu, ext_var, tau_m, tau_ref, v_th, v_r, shift, mu, sg, rt)
        done = True
        for a in range(p):
            r = rt[a] - x[a]
            if abs(r) > tol * max(1.0, abs(x[a])):
                done = False
            x[a] = min(max(x[a] + step * r, 0.0), nu_max[a])
        if done:
            break
    return x


@njit
def _newton_one(x0, k_mat, j_mat, ext_mu, ext_var, tau_m, tau_ref, v_th, v_r, shift, nu_max, tol, max_iter,
                root):
    """Damped Newton on phi(nu) - nu = 0 from ``x0`` (analytic Jacobian, step halving down to 1/256,
    iterates clipped to [0, nu_max]); writes the end point into ``root`` and returns 1 when its
    residual is below tol max(1, |nu|) (then polished by two more steps), 0 when not, and -1 when the
    Jacobian is not finite (sigma = 0: left to the caller)."""
    p = x0.shape[0]
    mu = np.empty(p)
    sg = np.empty(p)
    rt = np.empty(p)
    jac = np.empty((p, p))
    eye = np.eye(p)
    xn = np.empty(p)
    x = x0.copy()
    _phi_pop(x, k_mat, j_mat, ext_mu, ext_var, tau_m, tau_ref, v_th, v_r, shift, mu, sg, rt)
    r = rt - x
    status = 0
    polish = 0
    for _ in range(max_iter):
        conv = True
        for a in range(p):
            if abs(r[a]) > tol * max(1.0, abs(x[a])):
                conv = False
        if conv:
            status = 1
            if polish == 2:
                break
        _phi_jac_pop(x, k_mat, j_mat, ext_mu, ext_var, tau_m, tau_ref, v_th, v_r, shift, mu, sg, rt, jac)
        if not np.all(np.isfinite(jac)):
            status = -1
            break
        a_mat = jac - eye
        if abs(np.linalg.det(a_mat)) == 0.0:   # singular Jacobian: stop this start
            break
        step = np.linalg.solve(a_mat, -r)
        nr = np.max(np.abs(r))
        lam = 1.0
        accepted = False
        while lam >= 1.0 / 256.0:
            for a in range(p):
                xn[a] = min(max(x[a] + lam * step[a], 0.0), nu_max[a])
            _phi_pop(xn, k_mat, j_mat, ext_mu, ext_var, tau_m, tau_ref, v_th, v_r, shift, mu, sg, rt)
            rn = rt - xn
            if np.max(np.abs(rn)) < nr or (conv and np.max(np.abs(rn)) <= nr):
                accepted = True
                break
            lam *= 0.5
        if not accepted:
            break
        x = xn.copy()
        r = rn
        if conv:
            polish += 1
    conv = True
    for a in range(p):
        if abs(r[a]) > tol * max(1.0, abs(x[a])):
            conv = False
    root[:] = x
    if status == -1:
        return -1
    return 1 if conv else 0


@njit(parallel=True)
def _newton(starts, k_mat, j_mat, ext_mu, ext_var, tau_m, tau_ref, v_th, v_r, shift, nu_max, tol, max_iter,
            roots, ok):
    """``_newton_one`` from every row of ``starts``, the starts split across threads (each start is
    independent, so the result does not depend on the number of threads)."""
    for i in prange(starts.shape[0]):
        ok[i] = _newton_one(starts[i], k_mat, j_mat, ext_mu, ext_var, tau_m, tau_ref, v_th, v_r, shift, nu_max,
                            tol, max_iter, roots[i])


# alpha = sqrt(2) |zeta(1/2)| (Fourcaud & Brunel 2002); zeta(1/2) = -1.4603545088095868128894991525...
FB_ALPHA = math.sqrt(2.0) * 1.4603545088095868128894991525
FB_K_MAX = math.sqrt(0.1)   # NNMT's limit of the fast-synapse regime, k = sqrt(tau_s/tau_m)
# Relaxation runs only to the basin of a stable state: Newton (quadratic convergence, tol 1e-12)
# polishes its end, and the runaway test compares with 0.99 nu_max, far above this tolerance.
RELAX_TOL = 1e-3


def fourcaud_brunel_shift(tau_m, tau_s, p=None):
    r"""Per-population shift k_a of threshold and reset in units of sigma_a (Fourcaud & Brunel 2002).

    ``k = alpha/2 sqrt(tau_s/tau_m)``, alpha = sqrt(2) |zeta(1/2)|, so V_eff = V + k sigma; zeros for
    delta synapses (``tau_s`` None or 0).  Warns (RuntimeWarning) where sqrt(tau_s/tau_m) >
    sqrt(0.1): the shift is the first order of an expansion in sqrt(tau_s/tau_m) << 1.
    """
    tau_m = np.atleast_1d(np.asarray(tau_m, float))
    p = tau_m.size if p is None else p
    if tau_s is None:
        return np.zeros(p)
    ts = _per_pop("tau_s", tau_s, p, "ms")
    if np.any(ts < 0) or not np.all(np.isfinite(ts)):
        raise checks.ParameterError("tau_s", float(ts[~(ts >= 0)][0]) if np.any(~(ts >= 0)) else float(ts.max()),
                                    "must be finite and >= 0 ms (0: delta synapses)")
    k = np.sqrt(ts / tau_m)
    if np.any(k > FB_K_MAX):
        i = int(np.argmax(k))
        warnings.warn(f"exp synapses: sqrt(tau_s/tau_m) = {k[i]:.3g} (tau_s = {ts[i]:g} ms, tau_m = {tau_m[i]:g} ms, "
                      f"population {i}) exceeds sqrt(0.1): the Fourcaud-Brunel shift of threshold and reset is "
                      "the first order in sqrt(tau_s/tau_m) << 1 and may be inaccurate here", RuntimeWarning,
                      stacklevel=3)
    return 0.5 * FB_ALPHA * k


def _per_pop(name, value, p, unit):
    arr = checks.array(name, value)
    if arr.ndim == 0 or arr.size == 1:
        return np.full(p, float(arr.ravel()[0]))
    if arr.shape != (p,):
        raise checks.ParameterError(name, arr.shape, f"a scalar or shape ({p},) [{unit}]",
                                    f"{name} has shape {arr.shape}: must be a scalar or have shape ({p},) [{unit}]")
    return arr.astype(float)


def solve_rates(indegree, weight, nu_ext, j_ext, *, tau_m=20.0, v_thresh=20.0, v_reset=0.0,
                v_rest=0.0, tau_refrac=2.0, mu_ext=0.0, tau_s=None, seed=0, n_starts=None, tol=1e-9,
                require_unique=False, search="fast"):
    r"""All self-consistent stationary rates of P populations of LIF neurons with delta synapses.

    For each population a (diffusion approximation; Amit & Brunel 1997; Brunel 2000)::

        mu_a      = tau_m,a [ sum_b K[a,b] J[a,b] nu_b + sum_k J_ext[a,k] nu_ext[a,k] ] + mu_ext_a
        sigma_a^2 = tau_m,a [ sum_b K[a,b] J[a,b]^2 nu_b + sum_k J_ext[a,k]^2 nu_ext[a,k] ]
        nu_a      = Siegert(mu_a, sigma_a; tau_m,a, tau_refrac,a, v_thresh,a, v_reset,a, v_rest,a)

    (tau_m in s inside the brackets; mu relative to v_rest, see ``recnet.numerics.siegert``).

    Parameters
    ----------
    indegree : (P, P) array
        K[a, b] = number of inputs a neuron of population a receives from population b (>= 0).
    weight : (P, P) array, mV
        J[a, b] = jump of the membrane potential of a neuron in a per spike from b (negative for
        inhibition).
    nu_ext : (P,) or (P, n_ext) array, Hz
        Total external Poisson rate arriving at one neuron of population a (in-degree times rate),
        per external source k.
    j_ext : (P,) or (P, n_ext) array, mV
        PSP jump of those external inputs (same shape as ``nu_ext``, or broadcastable to it).
        Each (a, k) source adds ``J nu`` to the drift and ``J**2 nu`` to the variance -- no summing
        of rates across sources with different weights.
    tau_m, tau_refrac : scalar or (P,), ms.   v_thresh, v_reset, v_rest : scalar or (P,), mV.
    mu_ext : scalar or (P,), mV
        Constant extra mean input (e.g. a DC current times R), relative to v_rest.
    tau_s : None, scalar or (P,), ms
        Synaptic time constant of the exponential current synapses onto each population (None or
        0: delta synapses).  Then the rate is the Siegert rate with threshold and reset shifted by
        the colored noise (Fourcaud & Brunel 2002, Neural Comput 14:2057, eq. 4.33 ff.)::

            V_th,eff = V_th + sigma alpha/2 sqrt(tau_s/tau_m),   V_r,eff = V_r + sigma alpha/2 sqrt(tau_s/tau_m),
            alpha = sqrt(2) |zeta(1/2)| = 2.0652...,

        with mu and sigma as above from the delta-equivalent weights J = w tau_s / C (the PSC
        integral; ``LIFNetwork.to_arrays`` converts them).  The shift is the first order of an
        expansion in k = sqrt(tau_s/tau_m): valid for tau_s << tau_m; a RuntimeWarning is issued
        (as NNMT does) when k > sqrt(0.1), i.e. tau_s > tau_m / 10.
    seed : int or Generator
        For the random starting points used when P > 3.
    n_starts : int, optional
        Number of random Newton starting points for P > 3 (default: 24 with ``search="fast"``,
        200 with ``search="full"``); for P <= 3 (and ``n_starts`` not given) a grid of 10 levels
        per population (P = 2) or 6 (P = 3) is used instead.
    search : {"fast", "full"}
        How many random starts P > 3 gets by default (see ``n_starts``).  Both also start Newton
        from the zero-rate point, three fixed uniform rates and the end points of the relaxation
        dynamics from 0 Hz, 5 Hz and 0.9 nu_max (those end on stable states).
    tol : float, Hz
        Residual |phi(nu) - nu| accepted as a solution (relative to max(1, nu)).
    require_unique : bool
        Raise RuntimeError unless there is exactly one stable solution.

    Returns
    -------
    dict
        ``rates_hz`` (P,) -- the unique stable solution, or None if there is none or several;
        ``mu_mv``, ``sigma_mv`` (P,) for it (or None); ``solutions`` -- every distinct solution
        found, sorted by total rate, each with ``rates_hz``, ``mu_mv``, ``sigma_mv``, ``stable``,
        ``max_real_eig_per_ms`` (of the rate dynamics tau_m,a dnu_a/dt = -nu_a + phi_a(nu)) and
        ``residual_hz``; ``n_solutions``, ``n_stable``, ``converged`` (at least one solution, all
        residuals below tol) and ``method``.

    Notes
    -----
    P = 1 is solved exhaustively (scan of 2000 points of [0, 1/tau_refrac) and Brent on every sign
    change).  For P > 1 solutions are collected from damped Newton iterations (analytic Jacobian:
    d nu/d mu and d nu/d sigma of the Siegert formula in closed form, see ``_dsiegert``; two extra
    Newton steps polish every root to rounding level) started from the end points of the
    relaxation dynamics dnu/ds = -nu + phi(nu) from 0 Hz, 5 Hz and 0.9 nu_max, then from a grid
    (P <= 3) or ``n_starts`` random points (P > 3, log-uniform in [0.01 Hz, nu_max)); a solution
    none of the starts reaches can be missed, but a reported solution is always a true solution
    (residual checked), and several solutions found are always all reported.
    """
    K = checks.square_matrix("indegree", indegree)
    P = K.shape[0]
    if np.any(K < 0):
        raise checks.ParameterError("indegree", float(K.min()), ">= 0",
                                    f"indegree contains {K.min():g}: in-degrees must be >= 0")
    J = checks.square_matrix("weight", weight, n=P)
    nu_e = checks.array("nu_ext", nu_ext)
    j_e = checks.array("j_ext", j_ext)
    if nu_e.ndim == 1:
        nu_e = nu_e[:, None]
    if j_e.ndim <= 1:
        j_e = j_e.reshape(-1, 1) if j_e.ndim == 1 else np.full((P, 1), float(j_e))
    if nu_e.shape[0] != P or nu_e.ndim != 2:
        raise checks.ParameterError("nu_ext", np.shape(nu_ext), f"shape ({P},) or ({P}, n_ext) [Hz]",
                                    f"nu_ext has shape {np.shape(nu_ext)}: must be ({P},) or ({P}, n_ext) [Hz]")
    try:
        nu_e, j_e = np.broadcast_arrays(nu_e, j_e)
    except ValueError:
        raise checks.ParameterError("j_ext", np.shape(j_ext), f"broadcastable to nu_ext's {nu_e.shape} [mV]",
                                    f"j_ext has shape {np.shape(j_ext)}: must broadcast to nu_ext's {nu_e.shape} [mV]") from None
    if np.any(nu_e < 0):
        raise checks.ParameterError("nu_ext", float(nu_e.min()), ">= 0 Hz",
                                    f"nu_ext contains {nu_e.min():g} Hz: external rates must be >= 0")
    tau = _per_pop("tau_m", tau_m, P, "ms")
    tref = _per_pop("tau_refrac", tau_refrac, P, "ms")
    vth = _per_pop("v_thresh", v_thresh, P, "mV")
    vr = _per_pop("v_reset", v_reset, P, "mV")
    vrest = _per_pop("v_rest", v_rest, P, "mV")
    mu_x = _per_pop("mu_ext", mu_ext, P, "mV")
    check_neuron(tau, vth, vr, vrest, tref)
    shift = fourcaud_brunel_shift(tau, tau_s, P)
    checks.positive("tol", tol, "Hz")
    if search not in ("fast", "full"):
        raise checks.ParameterError("search", search, "must be 'fast' or 'full'")
    ext_mu = tau * 1e-3 * np.sum(j_e * nu_e, axis=1) + mu_x
    ext_var = tau * 1e-3 * np.sum(j_e * j_e * nu_e, axis=1)
    v_th_rel = vth - vrest
    v_r_rel = vr - vrest
    nu_max = np.where(tref > 0, 1e3 / np.where(tref > 0, tref, 1.0), 1e4)

    buf_mu = np.empty(P)
    buf_sg = np.empty(P)
    buf_rt = np.empty(P)

    def phi(nu):
        _phi_pop(np.ascontiguousarray(nu, dtype=float), K, J, ext_mu, ext_var, tau, tref, v_th_rel,
                 v_r_rel, shift, buf_mu, buf_sg, buf_rt)
        return buf_rt.copy()

    def resid(nu):
        return phi(nu) - nu

    buf_jac = np.empty((P, P))

    def jac_phi(nu):
        # analytic (closed-form Siegert derivatives); finite differences only where sigma = 0
        _phi_jac_pop(np.ascontiguousarray(nu, dtype=float), K, J, ext_mu, ext_var, tau, tref, v_th_rel,
                     v_r_rel, shift, buf_mu, buf_sg, buf_rt, buf_jac)
        Jm = buf_jac.copy()
        for a in np.nonzero(~np.all(np.isfinite(Jm), axis=1))[0]:
            for b in range(P):
                h = 1e-6 * max(1.0, abs(nu[b]))
                up = nu.copy()
                dn = nu.copy()
                up[b] += h
                dn[b] = max(dn[b] - h, 0.0)
                Jm[a, b] = (phi(up)[a] - phi(dn)[a]) / (up[b] - dn[b])
        return Jm

    def ok(nu, r):
        return np.all(np.abs(r) <= tol * np.maximum(1.0, np.abs(nu)))

    found = []
    # where the relaxation dynamics from 0 Hz ends: a rate at nu_max there means the rates run away
    relax_end = _relax(np.zeros(P), K, J, ext_mu, ext_var, tau, tref, v_th_rel, v_r_rel, shift, nu_max.astype(float),
                       3000, 0.1, RELAX_TOL)
    if P == 1:
        method = "scan"
        grid = _rate_grid(float(nu_max[0]), 2000)
        vals = np.array([resid(np.array([v]))[0] for v in grid])
        from scipy.optimize import brentq
        for i in range(len(grid) - 1):
            if vals[i] == 0.0:
                found.append(np.array([grid[i]]))
            elif vals[i] * vals[i + 1] < 0:
                r = brentq(lambda v: resid(np.array([v]))[0], grid[i], grid[i + 1], xtol=1e-14, rtol=1e-15)
                found.append(np.array([r]))
    else:
        method = "multistart-newton"
        gen = checks.rng(seed)
        starts = []
        if n_starts is None:
            levels = {2: 10, 3: 6}.get(P, 0)
        else:
            levels = 0
            n_starts = checks.integer("n_starts", n_starts, minimum=1)
        if levels:
            base = np.array([0.0, 0.3, 1.0, 3.0, 8.0, 20.0, 50.0, 120.0, 250.0, np.inf])
            base = np.concatenate([base[:levels - 1], [np.inf]]) if levels < 10 else base
            # the last level is a fraction of nu_max; other levels are Hz
            axes = [np.unique(np.clip(np.concatenate([base[:-1], [0.97 * nu_max[a]]]), 0, 0.99 * nu_max[a]))
                    for a in range(P)]
            mesh = np.meshgrid(*axes, indexing="ij")
            starts = list(np.stack([m.ravel() for m in mesh], axis=1))
        else:
            n = n_starts or (24 if search == "fast" else 200)
            u = gen.random((n, P))
            starts = list(np.exp(np.log(1e-2) + u * (np.log(nu_max) - np.log(1e-2))))
            starts += [np.full(P, v) for v in (0.0, 1.0, 10.0)]
        # relaxation dynamics from a few starts: they end on stable states (tried first)
        relaxed = [relax_end] + [_relax(np.ascontiguousarray(s0, dtype=float), K, J, ext_mu, ext_var, tau, tref,
                                        v_th_rel, v_r_rel, shift, nu_max.astype(float), 3000, 0.1, RELAX_TOL)
                                 for s0 in (np.full(P, 5.0), 0.9 * nu_max)]
        starts = relaxed + list(starts)
        S = np.ascontiguousarray(np.asarray(starts, dtype=float).reshape(-1, P))
        roots = np.empty_like(S)
        okf = np.zeros(S.shape[0], dtype=np.int64)
        _newton(S, K, J, ext_mu, ext_var, tau, tref, v_th_rel, v_r_rel, shift, nu_max.astype(float), tol, 60,
                roots, okf)
        found = [roots[i].copy() for i in range(S.shape[0]) if okf[i] == 1]
        for i in np.nonzero(okf == -1)[0]:   # sigma = 0 somewhere: Newton with numerical Jacobian
            x = S[i].copy()
            r = resid(x)
            for _ in range(60):
                if ok(x, r):
                    break
                try:
                    step = np.linalg.solve(jac_phi(x) - np.eye(P), -r)
                except np.linalg.LinAlgError:
                    step = 0.1 * r
                lam = 1.0
                nr = np.max(np.abs(r))
                while lam > 1e-4:
                    xn = np.clip(x + lam * step, 0.0, nu_max)
                    rn = resid(xn)
                    if np.max(np.abs(rn)) < nr:
                        break
                    lam *= 0.5
                x, r = xn, rn
            if ok(x, r):
                found.append(x)
    # deduplicate, verify, classify
    sols = []
    for x in found:
        r = resid(x)
        if not ok(x, r):
            continue
        if any(np.all(np.abs(x - s["_x"]) <= 1e-6 * np.maximum(1.0, np.abs(x))) for s in sols):
            continue
        A = (jac_phi(x) - np.eye(P)) / tau[:, None]
        ev = np.linalg.eigvals(A)
        phi(x)
        sols.append({"_x": x, "rates_hz": x.copy(), "mu_mv": buf_mu.copy(), "sigma_mv": buf_sg.copy(),
                     "stable": bool(np.max(ev.real) < 0), "max_real_eig_per_ms": float(np.max(ev.real)),
                     "residual_hz": float(np.max(np.abs(r)))})
    sols.sort(key=lambda s: float(np.sum(s["rates_hz"])))
    for s in sols:
        del s["_x"]
    stable = [s for s in sols if s["stable"]]
    out = {"rates_hz": None, "mu_mv": None, "sigma_mv": None, "solutions": sols,
           "relaxation_end_hz": relax_end, "nu_max_hz": nu_max,
           "n_solutions": len(sols), "n_stable": len(stable), "converged": len(sols) > 0,
           "method": method}
    if len(stable) == 1:
        out.update(rates_hz=stable[0]["rates_hz"], mu_mv=stable[0]["mu_mv"], sigma_mv=stable[0]["sigma_mv"])
    if require_unique and len(stable) != 1:
        raise RuntimeError(f"solve_rates found {len(stable)} stable solutions (of {len(sols)}): "
                           f"{[list(np.round(s['rates_hz'], 6)) for s in sols]} Hz; expected exactly one")
    return out


# ------------------------------------------------------------------------- lif-network models
def _identical_rows(a):
    """True when every population of the arrays ``a`` (``LIFNetwork.to_arrays``) receives the same
    input statistics and has the same neuron: then all rates are equal at every stationary state."""
    rows = [a["indegree"] * a["weight"], a["indegree"] * a["weight"] ** 2]
    m_ext = np.sum(a["nu_ext"] * a["j_ext"], axis=1)
    v_ext = np.sum(a["nu_ext"] * a["j_ext"] ** 2, axis=1)
    same = all(np.allclose(r, r[0], rtol=0, atol=0) for r in rows)
    same &= np.all(m_ext == m_ext[0]) and np.all(v_ext == v_ext[0])
    same &= all(np.all(a[f] == a[f][0]) for f in ("tau_m", "v_thresh", "v_reset", "v_rest", "tau_refrac"))
    if "tau_s" in a:
        same &= bool(np.all(a["tau_s"] == a["tau_s"][0]))
    return bool(same) and a["indegree"].shape[0] > 1


def synaptic_time_constants(a, names=None):
    """The one synaptic time constant tau_s (ms) of each population's input, for the Fourcaud-Brunel
    rate of exp synapses (None for delta synapses).

    ``a`` are ``LIFNetwork.to_arrays()``.  The theory has one colored-noise time constant per
    neuron: a population whose inputs (projections with K J != 0, drives with nu J != 0) decay
    with different time constants (tau_syn_E != tau_syn_I, both used) is refused with a
    ParameterError naming ``population[a].tau_syn_I``; a population without input gets 0.
    """
    if a.get("synapse", "delta") != "exp":
        return None
    P = a["indegree"].shape[0]
    names = names or [str(i) for i in range(P)]
    out = np.zeros(P)
    for i in range(P):
        used = set(a["tau_syn"][i][(a["indegree"][i] * a["weight"][i]) != 0].tolist())
        used |= set(a["tau_syn_ext"][i][(a["nu_ext"][i] * a["j_ext"][i]) != 0].tolist())
        if len(used) > 1:
            raise checks.ParameterError(
                f"population[{i}].tau_syn_I", sorted(used),
                f"must equal tau_syn_E for the mean-field rate of population {names[i]!r}: its excitatory and "
                "inhibitory inputs decay with different time constants, and the Fourcaud-Brunel theory has one "
                "colored-noise time constant per neuron (the simulators accept it; the theory does not)")
        out[i] = used.pop() if used else 0.0   # no input: sigma = 0, no shift
    return out


def network_states(model, *, search="fast", n_starts=None, seed=0, cv=True):
    r"""Every self-consistent stationary state of a ``lif-network`` model (diffusion approximation).

    The model's arrays (``LIFNetwork.to_arrays``) go to :func:`solve_rates`.  When every
    population receives identical input and has identical neurons (Brunel's model A), all rates
    are equal at every stationary state and the problem is one equation,
    ``nu = phi(tau (sum_b K_ab J_ab) nu + mu_ext, tau (sum_b K_ab J_ab^2) nu + var_ext)``, solved
    exhaustively (scan + Brent) instead of by multi-start Newton ("lumped").

    Stability is that of the rate dynamics tau_m,a dnu_a/dt = -nu_a + phi_a(nu) (eigenvalues of
    its Jacobian), a static criterion: it does not see oscillatory instabilities caused by delays.

    Exp synapses (``model.synapse == "exp"``): the weights are the delta-equivalent J = w tau_syn /
    cm (``to_arrays``), each population's tau_s from :func:`synaptic_time_constants`, and the rate
    and the CV are those of the white-noise formulas with threshold and reset shifted by
    sigma alpha/2 sqrt(tau_s/tau_m) (Fourcaud & Brunel 2002; the CV with the same shift is NNMT's
    ``lif.exp._cvs``, an approximation of the same order); the shift's range warning is returned
    in ``warnings``.

    Returns
    -------
    dict with ``states`` (list sorted by total rate; each ``rate_hz``, ``mu_mv``, ``sigma_mv``,
    ``cv_isi`` (stable states only, NaN otherwise) as arrays in population order, ``stable``, ``max_real_eig_per_ms``,
    ``residual_hz``), ``method``, ``runaway`` (the relaxation dynamics from 0 Hz reached the
    maximal rate 1/tau_refrac, or 10 kHz without refractoriness), ``relaxation_end_hz``,
    ``synapse``, ``tau_s_ms`` (P,) or None, ``fb_shift`` (P,) (the shift in units of sigma) and
    ``warnings`` (list of str).
    """
    a = model.to_arrays()
    P = a["indegree"].shape[0]
    kw = {f: a[f] for f in ("tau_m", "v_thresh", "v_reset", "v_rest", "tau_refrac")}
    tau_s = synaptic_time_constants(a, model.names)
    warns = []
    if tau_s is not None:
        a["tau_s"] = tau_s
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            shift = fourcaud_brunel_shift(a["tau_m"], tau_s, P)
        warns += [str(w.message) for w in caught]
        kw["tau_s"] = tau_s
    else:
        shift = np.zeros(P)
    K, J = a["indegree"], a["weight"]
    for arr, what in ((K * J, "indegree x weight"), (K * J * J, "indegree x weight^2"),
                      (a["nu_ext"] * a["j_ext"], "drive indegree x rate x weight"),
                      (a["nu_ext"] * a["j_ext"] ** 2, "drive indegree x rate x weight^2")):
        if not np.all(np.isfinite(arr)) or np.max(np.abs(arr)) * np.max(a["tau_m"]) * 1e-3 * 1e4 > 1e150:
            raise checks.ParameterError("weight", float(np.max(np.abs(arr))),
                                        f"{what} is too large to evaluate (must stay below 1e146 mV Hz)")
    lumped = _identical_rows(a)
    if lumped:
        s1 = float(np.sum(K[0] * J[0]))
        s2 = float(np.sum(K[0] * J[0] ** 2))
        lumped = s1 != 0.0 and s2 > 0.0
    if lumped:
        # K_eff J_eff = s1, K_eff J_eff^2 = s2
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)   # the shift's range warning: collected above
            r = solve_rates([[s1 * s1 / s2]], [[s2 / s1]], a["nu_ext"][:1], a["j_ext"][:1],
                            **{f: v[:1] for f, v in kw.items()})
        method = "lumped-scan"
        sols = []
        for s in r["solutions"]:
            sols.append(dict(s, rates_hz=np.full(P, s["rates_hz"][0]), mu_mv=np.full(P, s["mu_mv"][0]),
                             sigma_mv=np.full(P, s["sigma_mv"][0])))
        relax_end = np.full(P, r["relaxation_end_hz"][0])
        nu_max = np.full(P, r["nu_max_hz"][0])
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            r = solve_rates(K, J, a["nu_ext"], a["j_ext"], seed=seed, n_starts=n_starts, search=search, **kw)
        method = r["method"]
        sols = r["solutions"]
        relax_end, nu_max = r["relaxation_end_hz"], r["nu_max_hz"]
    states = []
    for s in sols:
        st = {"rate_hz": s["rates_hz"], "mu_mv": s["mu_mv"], "sigma_mv": s["sigma_mv"]}
        if cv and s["stable"]:   # (a double integral per population: only for stable states)
            c = np.zeros(P)
            for i in range(P):
                if s["rates_hz"][i] > 0 and s["sigma_mv"][i] > 0:
                    dv = shift[i] * s["sigma_mv"][i]   # exp synapses: shifted boundaries, as NNMT's lif.exp._cvs
                    c[i] = float(cv_isi(s["mu_mv"][i], s["sigma_mv"][i], tau_m=kw["tau_m"][i],
                                        tau_refrac=kw["tau_refrac"][i], v_thresh=kw["v_thresh"][i] + dv,
                                        v_reset=kw["v_reset"][i] + dv, v_rest=kw["v_rest"][i]))
                else:
                    c[i] = np.nan if s["rates_hz"][i] <= 0 else 0.0
            st["cv_isi"] = c
        else:
            st["cv_isi"] = np.full(P, np.nan)
        st.update(stable=s["stable"], max_real_eig_per_ms=s["max_real_eig_per_ms"], residual_hz=s["residual_hz"])
        states.append(st)
    runaway = bool(np.any(relax_end >= 0.99 * nu_max))
    return {"states": states, "method": method, "runaway": runaway, "relaxation_end_hz": relax_end,
            "nu_max_hz": nu_max, "names": model.names, "synapse": a["synapse"],
            "tau_s_ms": None if tau_s is None else tau_s, "fb_shift": shift, "warnings": warns}
