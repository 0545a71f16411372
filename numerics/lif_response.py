r"""Linear rate response of LIF neurons with white-noise input (delta synapses), at complex frequency.

For the neuron of :mod:`recnet.theory.lif_response` (tau dV/dt = -V + mu + sigma sqrt(tau) xi,
threshold theta, reset V_r, refractory tau_rp) this module evaluates, for vectors of complex
lambda (1/ms) and several populations,

    A_mu(lambda)  = nu1 / mu1   (Hz/mV)      response to a modulation of the mean input,
    A_var(lambda) = nu1 / s1    (Hz/mV^2)    response to a modulation of the variance sigma^2,

whose closed forms (parabolic cylinder functions; Brunel & Hakim 1999, Lindner &
Schimansky-Geier 2001, with the refractory factor exp(-lambda tau_rp) on the reset flux) are
stated in :mod:`recnet.theory.lif_response`.  Double-precision evaluation of D_{-w}(a) for complex
order and the arguments met in networks (|a| up to ~30, |w| up to ~10^3) loses all digits in the
series/recurrences, so the same quantities are computed here by *threshold integration*
(Richardson 2007, Phys Rev E 76:021919; 2008, Biol Cybern 99:381): the linearised Fokker-Planck
equation (V units, J the probability flux per ms)::

    dJ1/dV = -lambda P1 + nu1 exp(-lambda tau_rp) delta(V - V_r)
    dP1/dV = (2 / sigma0^2) [ (mu0 - V) P1 - tau J1 + mu1 P0 - (s1 / 2) dP0/dV ]
    P1(theta) = 0,  J1(theta) = nu1,  J1(V -> -inf) -> 0 (no algebraic tail)

(J1 is tracked as J1(theta) + lambda int_V^theta P1, so that lambda = 0 gives d nu/d mu exactly)

is integrated from threshold down to V_lb = min(V_r, mu0) - 7 sigma0 (classical RK4, V_r a grid
node, step h ~ sigma0 / (60 sqrt(1 + |w|)) with w = lambda tau) together with the stationary
density P0 (same equations with lambda = 0, unit flux).  By linearity, with three runs (unit
rate; unit mean modulation; unit variance modulation), A = -J_run(V_lb) / J_rate(V_lb) x nu0.
This works for any complex lambda (also Re lambda < 0, as the root finder of
:mod:`recnet.numerics.lif_stability` needs) and is checked in ``tests/test_lif_response.py`` against
the mpmath closed form (1e-8 relative over 1-1000 Hz), the Siegert derivatives as lambda -> 0,
and NNMT at tau_rp = 0.
"""
import numpy as np

from recnet.checks import ParameterError
from recnet.numerics._jit import njit, prange


@njit
def _rhs(v, p0, pa, qa, pb, qb, pc, qc, j0, ja0, lam, mu, s2, tau, out):
    # fluxes from Q = int_V^theta P: J_a = ja0 + lam Q_a (ja0: 1 above V_r, 1 - exp(-lam tau_rp)
    # below), J_b = lam Q_b, J_c = lam Q_c; tracking Q instead of J keeps lam -> 0 exact
    k = 2.0 / s2
    dp0 = k * ((mu - v) * p0 - tau * j0)
    out[0] = dp0
    out[1] = k * ((mu - v) * pa - tau * (ja0 + lam * qa))
    out[2] = -pa
    out[3] = k * ((mu - v) * pb - tau * lam * qb + p0)
    out[4] = -pb
    out[5] = k * ((mu - v) * pc - tau * lam * qc - 0.5 * dp0)
    out[6] = -pc


@njit
def _segment(y, v0, v1, n, j0, ja0, lam, mu, s2, tau):
    """RK4 of the 7-vector y = (P0, Pa, Qa, Pb, Qb, Pc, Qc) from v0 to v1 in n steps (in place)."""
    h = (v1 - v0) / n
    k1 = np.empty(7, np.complex128)
    k2 = np.empty(7, np.complex128)
    k3 = np.empty(7, np.complex128)
    k4 = np.empty(7, np.complex128)
    t = np.empty(7, np.complex128)
    for i in range(n):
        v = v0 + i * h
        _rhs(v, y[0], y[1], y[2], y[3], y[4], y[5], y[6], j0, ja0, lam, mu, s2, tau, k1)
        for q in range(7):
            t[q] = y[q] + 0.5 * h * k1[q]
        _rhs(v + 0.5 * h, t[0], t[1], t[2], t[3], t[4], t[5], t[6], j0, ja0, lam, mu, s2, tau, k2)
        for q in range(7):
            t[q] = y[q] + 0.5 * h * k2[q]
        _rhs(v + 0.5 * h, t[0], t[1], t[2], t[3], t[4], t[5], t[6], j0, ja0, lam, mu, s2, tau, k3)
        for q in range(7):
            t[q] = y[q] + h * k3[q]
        _rhs(v + h, t[0], t[1], t[2], t[3], t[4], t[5], t[6], j0, ja0, lam, mu, s2, tau, k4)
        for q in range(7):
            y[q] += h / 6.0 * (k1[q] + 2.0 * k2[q] + 2.0 * k3[q] + k4[q])


@njit
def _response_one(lam, mu, sigma, tau, trp, vth, vr, nu0, resolution, wref):
    s2 = sigma * sigma
    w = abs(lam * tau) if wref < 0.0 else wref        # wref >= 0: a grid independent of lam
    h = sigma / (resolution * np.sqrt(1.0 + w))
    vlb = min(vr, mu) - 7.0 * sigma
    y = np.zeros(7, np.complex128)
    n1 = max(8, int(np.ceil((vth - vr) / h)))
    _segment(y, vth, vr, n1, 1.0, 1.0, lam, mu, s2, tau)          # run a: unit rate leaves at theta
    if lam == 0.0:
        reinj = 0.0                                                # 1 - exp(-lam tau_rp)
        reinj_over_lam = trp
    else:
        reinj = -np.expm1(-lam * trp)
        reinj_over_lam = reinj / lam
    n2 = max(8, int(np.ceil((vr - vlb) / h)))
    _segment(y, vr, vlb, n2, 0.0, reinj, lam, mu, s2, tau)        # ... and re-enters at V_r
    # J(V_lb) = lam Q for runs b, c and reinj + lam Q_a for run a: divide both by lam
    den = reinj_over_lam + y[2]
    return -nu0 * y[4] / den, -nu0 * y[6] / den


@njit(parallel=True)
def _response_kernel(lams, mu, sigma, tau, trp, vth, vr, nu0, resolution, wref, out_mu, out_var):
    n = lams.shape[0]
    for k in prange(mu.shape[0] * n):       # every (population, lambda) pair is independent
        p = k // n
        i = k - p * n
        # no noise: no diffusion theory; threshold > 25 sigma above the mean: rate < exp(-625)
        # (and exp((theta - mu)^2 / sigma^2) would overflow): the response is 0 to double precision
        if nu0[p] <= 0.0 or sigma[p] <= 0.0 or (vth[p] - mu[p]) > 25.0 * sigma[p]:
            out_mu[p, i] = 0.0
            out_var[p, i] = 0.0
        else:
            a, b = _response_one(lams[i], mu[p], sigma[p], tau[p], trp[p], vth[p], vr[p], nu0[p],
                                 resolution, wref)
            out_mu[p, i] = a
            out_var[p, i] = b


def _arr(name, x, n):
    a = np.asarray(x, dtype=float)
    if a.ndim == 0:
        a = np.full(n, float(a))
    if a.shape != (n,):
        raise ParameterError(name, x, f"a number or one value per population ({n})")
    if not np.all(np.isfinite(a)):
        raise ParameterError(name, x, "finite numbers")
    return a


def rate_response(lam, mu, sigma, nu0, *, tau_m=20.0, tau_refrac=2.0, v_thresh=20.0, v_reset=0.0,
                  v_rest=0.0, resolution=60.0, wref=-1.0):
    r"""Rate response (A_mu in Hz/mV, A_var in Hz/mV^2) of LIF populations at complex frequencies.

    Parameters
    ----------
    lam : complex or array (n,)
        Complex frequency lambda in 1/ms (lambda = 2 pi i f / 1000 for a frequency f in Hz).
    mu, sigma : float or array (P,)
        Stationary mean input relative to ``v_rest`` (mV, as :func:`recnet.numerics.siegert.siegert`)
        and its sigma (mV; sigma^2 = tau_m sum_k K_k J_k^2 nu_k with tau_m in s).
    nu0 : float or array (P,)
        Stationary rates (Hz), e.g. from :func:`recnet.numerics.siegert.siegert`.
    tau_m, tau_refrac, v_thresh, v_reset, v_rest : float or array (P,)
        Neuron parameters (ms, mV).
    resolution : float
        Grid points per sigma at lambda = 0 (scaled by sqrt(1 + |lambda tau|)).
    wref : float
        If >= 0, the grid is that of |lambda tau| = wref for every lambda (a response smooth in
        lambda, for finite-difference derivatives); default: each lambda its own grid.

    Returns
    -------
    a_mu, a_var : complex arrays (P, n)
        nu1/mu1 and nu1/s1 (s1 the modulation of sigma^2), closed forms in
        :mod:`recnet.theory.lif_response`, computed by threshold integration (module docstring).
    """
    lam_arr = np.atleast_1d(np.asarray(lam, dtype=complex))
    if not np.all(np.isfinite(lam_arr)):
        raise ParameterError("lam", lam, "finite complex frequencies (1/ms)")
    mu_a = np.atleast_1d(np.asarray(mu, dtype=float))
    P = mu_a.shape[0]
    mu_a = _arr("mu", mu_a, P)
    sig = _arr("sigma", sigma, P)
    if np.any(sig < 0):
        raise ParameterError("sigma", sigma, "must be >= 0 mV")
    nu = _arr("nu0", nu0, P)
    tau = _arr("tau_m", tau_m, P)
    if np.any(tau <= 0):
        raise ParameterError("tau_m", tau_m, "must be > 0 ms")
    trp = _arr("tau_refrac", tau_refrac, P)
    if np.any(trp < 0):
        raise ParameterError("tau_refrac", tau_refrac, "must be >= 0 ms")
    rest = _arr("v_rest", v_rest, P)
    vth = _arr("v_thresh", v_thresh, P) - rest
    vr = _arr("v_reset", v_reset, P) - rest
    if np.any(vr >= vth):
        raise ParameterError("v_reset", v_reset, "must be below v_thresh")
    if not resolution >= 10:
        raise ParameterError("resolution", resolution, "must be >= 10 points per sigma")
    out_mu = np.zeros((P, lam_arr.size), complex)
    out_var = np.zeros((P, lam_arr.size), complex)
    _response_kernel(lam_arr, mu_a, sig, tau, trp, vth, vr, nu, float(resolution), float(wref), out_mu, out_var)
    return out_mu, out_var


def transfer_function(freqs_hz, mu, sigma, nu0, **neuron):
    """A_mu and A_var at real frequencies f (Hz): ``rate_response(2 pi i f / 1000, ...)``."""
    f = np.atleast_1d(np.asarray(freqs_hz, dtype=float))
    if not np.all(np.isfinite(f)):
        raise ParameterError("freqs_hz", freqs_hz, "finite frequencies in Hz")
    return rate_response(2j * np.pi * f * 1e-3, mu, sigma, nu0, **neuron)
