r"""Transfer functions, effective connectivity and power spectra of LIF networks with exponential
(current-based) synapses.

**Transfer function** (Schuecker, Diesmann & Helias 2015, Phys Rev E 92:052119, "shift" form, and
its first-order expansion in sqrt(tau_s / tau_m), eq. 93 of the 2014 preprint of that paper as NNMT
cites it, "Taylor" form; as NNMT 1.3
``nnmt.lif.exp._transfer_function_shift`` / ``_taylor``).  A population with membrane time constant
tau_m, synaptic time constant tau_s, refractory time tau_r, threshold theta and reset V_r (relative
to rest) at the working point (mu, sigma) (sigma in Brunel's convention, sigma^2 = tau_m sum K J^2
nu) answers a modulation mu1 exp(i omega t) of its mean input current (in mV of mean potential) with
nu1 = H(omega) mu1.  With k = sqrt(tau_s / tau_m), alpha = sqrt(2) |zeta(1/2)| (Fourcaud & Brunel
2002), the shifted boundaries theta' = theta + sigma alpha k / 2, V_r' = V_r + sigma alpha k / 2,
y = sqrt(2) (mu - V) / sigma, lambda = i omega, nu = -lambda tau_m, and Phi_nu(y) = exp(y^2/4)
D_nu(y) (:mod:`recnet.numerics.parabolic_cylinder`)::

    shift:   H(omega) = sqrt(2) nu_s / sigma / (1 + i omega tau_m) * a1(y'_t, y'_r) / (1 + i omega tau_s)
    a1       = [dPsi(t) - dPsi(r)] / [Psi(t) - E Psi(r)],     Psi(y) = Phi_nu(y),
               dPsi = -dPhi_nu/dy = -nu Phi_{nu-1},         E = exp(-lambda tau_r)
    taylor:  H(omega) = sqrt(2) nu_T / sigma / (1 + i omega tau_m) * (a1 + a3) / (1 + i omega tau_s)
    a3       = alpha k nu_0 / (sqrt(2) nu_T) * ([d2Psi(t) - d2Psi(r)] - a1 [dPsi(t) - E dPsi(r)])
               / [Psi(t) - E Psi(r)],   d2Psi = d^2 Phi_nu / dy^2,   at the unshifted y_t, y_r

with nu_s the Siegert rate at the shifted boundaries (the shift-method stationary rate), nu_0 the
Siegert rate at the unshifted ones and nu_T = nu_0 (1 - sqrt(tau_s tau_m / 2) alpha nu_0
[Phi(y_th) - Phi(y_r)]) the Taylor-method rate, Phi(y) = sqrt(pi/2) erfcx(-y), y = (V - mu)/sigma
here (Fourcaud & Brunel 2002, eq. 4.33; NNMT ``_firing_rate_taylor``).  The last factor
1/(1 + i omega tau_s) is the synaptic low-pass of a modulation of the *input current*
(``synaptic_filter``).  E is the refractory phase of the reset flux (Lindner & Schimansky-Geier
2001; :mod:`recnet.theory.lif_response`): with it (``refractory_phase=True``, default) H(omega -> 0)
is the derivative of the stationary rate with respect to mu; NNMT 1.3 sets E = 1, which
``refractory_phase=False`` reproduces at every f > 0 (at f = 0 exactly NNMT substitutes the rate
derivative, a value its own form does not tend to when tau_r > 0; recnet returns the limit of the
form it evaluates).  For E = 1 the
Taylor correction reduces to NNMT's a3 = ... (-a1^2 + [d2Psi(t) - d2Psi(r)] / a0).

Evaluation: all differences come from one solution of Phi'' = y Phi' - nu Phi integrated from large
y through reset to threshold (:func:`recnet.numerics.parabolic_cylinder.threshold_reset`), which
returns v = Phi_{nu-1} at both points and w = int_{y_r}^{y_t} v dy = [Phi_nu(t) - Phi_nu(r)] / nu, so
that (with g = (1 - E) / lambda, -> tau_r as lambda -> 0)::

    a1 = -tau_m (v_t - v_r) / (tau_m w - g u_r),
    [d2Psi(t) - d2Psi(r)] / a0 = tau_m (y_t v_t - y_r v_r + lambda tau_m w) / (tau_m w - g u_r),

free of 0/0 at omega = 0.  Vectorised over populations and frequencies in one parallel numba kernel.

**Network** (Bos et al. 2016, PLoS Comput Biol 12:e1005132, eqs. 12-18; NNMT ``effective_connectivity``
and ``power_spectra``): the effective connectivity, the propagator and the power spectra of the
population activities (shot noise of N_a independent neurons)::

    M_ab(omega) = tau_m,a K_ab J_ab H_a(omega) d_ab(omega)          (tau_m in s, J in mV)
    P(omega)    = (1 - M)^-1 M
    C(omega)    = (1 - M)^-1 diag(nu / N) (1 - M)^-dagger,   power_a = C_aa   (Hz^2/Hz = Hz)

with d_ab(omega) the characteristic function E[exp(-i omega D)] of the delay distribution
(:func:`delay_factor`).

Units: ms, mV, Hz (PyNN's); frequencies f in Hz (omega = 2 pi f); transfer functions in Hz/mV.
"""
import math
import warnings

import numpy as np
from scipy import special

from recnet.checks import ParameterError
from recnet.numerics._jit import njit, prange
from recnet.numerics.parabolic_cylinder import threshold_reset
from recnet.numerics.siegert import siegert

__all__ = ["ALPHA", "rate_response_exp", "transfer_function_exp", "stationary_rate_exp", "delay_factor",
           "effective_connectivity", "propagator", "power_spectra", "sensitivity_measure", "spectra"]

ALPHA = math.sqrt(2.0) * 1.4603545088095868  # sqrt(2) |zeta(1/2)| (Fourcaud & Brunel 2002)


@njit(parallel=True)
def _response_kernel(lams, y_t, y_r, tau, trp, refr, out_a1, out_c):
    n = lams.shape[0]
    for k in prange(y_t.shape[0] * n):
        p = k // n
        i = k - p * n
        lam = lams[i]
        nu = -lam * tau[p]
        u_r, v_r, v_t, w = threshold_reset(nu, y_t[p], y_r[p])
        if refr:
            if lam == 0.0:
                g = trp[p] + 0.0j
                e = 1.0 + 0.0j
            else:
                em1 = np.exp(-lam * trp[p]) - 1.0
                if abs(lam * trp[p]) < 1e-3:       # expm1 by series: no cancellation near 0
                    x = -lam * trp[p]
                    em1 = x * (1.0 + x / 2.0 * (1.0 + x / 3.0 * (1.0 + x / 4.0 * (1.0 + x / 5.0))))
                e = em1 + 1.0
                g = -em1 / lam
        else:
            g = 0.0j
            e = 1.0 + 0.0j
        den = tau[p] * w - g * u_r
        a1 = -tau[p] * (v_t - v_r) / den
        b1 = -tau[p] * (v_t - e * v_r) / den
        d2 = tau[p] * (y_t[p] * v_t - y_r[p] * v_r + lam * tau[p] * w) / den
        out_a1[p, i] = a1
        out_c[p, i] = d2 - a1 * b1


def _arr(name, x, n, unit, positive=False, nonneg=False):
    a = np.asarray(x, dtype=float)
    if a.ndim == 0:
        a = np.full(n, float(a))
    if a.shape != (n,):
        raise ParameterError(name, x, f"a number or one value per population ({n})")
    if not np.all(np.isfinite(a)):
        raise ParameterError(name, x, f"finite numbers ({unit})")
    if positive and np.any(a <= 0):
        raise ParameterError(name, x, f"must be > 0 {unit}")
    if nonneg and np.any(a < 0):
        raise ParameterError(name, x, f"must be >= 0 {unit}")
    return a


def _neuron(mu, sigma, tau_m, tau_s, tau_refrac, v_thresh, v_reset, v_rest):
    mu_a = np.atleast_1d(np.asarray(mu, dtype=float))
    if mu_a.ndim != 1:
        raise ParameterError("mu", mu, "a number or a 1-d array (one value per population)")
    P = mu_a.shape[0]
    mu_a = _arr("mu", mu_a, P, "mV")
    sig = _arr("sigma", sigma, P, "mV", positive=True)
    tau = _arr("tau_m", tau_m, P, "ms", positive=True)
    ts = _arr("tau_s", tau_s, P, "ms", nonneg=True)
    trp = _arr("tau_refrac", tau_refrac, P, "ms", nonneg=True)
    rest = _arr("v_rest", v_rest, P, "mV")
    vth = _arr("v_thresh", v_thresh, P, "mV") - rest
    vr = _arr("v_reset", v_reset, P, "mV") - rest
    if np.any(vr >= vth):
        raise ParameterError("v_reset", v_reset, "must be below v_thresh")
    return mu_a, sig, tau, ts, trp, vth, vr


def _shift(sig, tau, ts):
    """The Fourcaud-Brunel boundary shift sigma alpha / 2 sqrt(tau_s / tau_m) (mV)."""
    return sig * ALPHA / 2.0 * np.sqrt(ts / tau)


def _taylor_rate(mu, sig, tau, ts, trp, vth, vr):
    """(nu_0, nu_T): white-noise Siegert rate and its first-order colored-noise correction (Hz)."""
    nu0 = np.atleast_1d(siegert(mu, sig, tau_m=tau, tau_refrac=trp, v_thresh=vth, v_reset=vr))
    y_th = (vth - mu) / sig
    y_r = (vr - mu) / sig
    # nu_0 Phi(sqrt 2 y) = nu_0 sqrt(pi/2) erfcx(-y); exp(y_th^2) nu_0 stays finite where nu_0 > 0
    with np.errstate(over="ignore", invalid="ignore"):
        dphi = nu0 * np.sqrt(np.pi / 2) * (special.erfcx(-y_th) - special.erfcx(-y_r))
    dphi = np.where(nu0 > 0, dphi, 0.0)
    nu_t = nu0 * (1.0 - np.sqrt(ts * tau / 2.0) * 1e-3 * ALPHA * dphi)
    return nu0, nu_t


def stationary_rate_exp(mu, sigma, *, tau_m, tau_s, tau_refrac, v_thresh, v_reset, v_rest=0.0,
                        method="shift"):
    r"""Stationary rate (Hz) of LIF neurons with exponential synapses (Fourcaud & Brunel 2002).

    ``shift``: the Siegert rate with threshold and reset raised by sigma alpha / 2 sqrt(tau_s/tau_m);
    ``taylor``: nu_0 (1 - sqrt(tau_s tau_m / 2) alpha nu_0 [Phi(y_th) - Phi(y_r)]) (module docstring).
    The same rates the transfer functions of :func:`rate_response_exp` use (NNMT
    ``_firing_rate_shift`` / ``_firing_rate_taylor``).  Parameters as :func:`rate_response_exp`.
    """
    mu_a, sig, tau, ts, trp, vth, vr = _neuron(mu, sigma, tau_m, tau_s, tau_refrac, v_thresh, v_reset, v_rest)
    if method == "shift":
        s = _shift(sig, tau, ts)
        return np.atleast_1d(siegert(mu_a, sig, tau_m=tau, tau_refrac=trp, v_thresh=vth + s, v_reset=vr + s))
    if method == "taylor":
        nu_t = _taylor_rate(mu_a, sig, tau, ts, trp, vth, vr)[1]
        if np.any(nu_t < 0):
            warnings.warn("the Taylor-method rate is negative: outside its range of validity; use method='shift'",
                          RuntimeWarning, stacklevel=2)
        return nu_t
    raise ParameterError("method", method, "'shift' or 'taylor'")


def rate_response_exp(lam, mu, sigma, *, tau_m, tau_s, tau_refrac, v_thresh, v_reset, v_rest=0.0,
                      method="shift", refractory_phase=True, synaptic_filter=True):
    r"""Rate response H (Hz/mV) of LIF populations with exponential synapses at complex frequencies.

    Parameters
    ----------
    lam : complex or array (n,)
        Complex frequency lambda in 1/ms (lambda = 2 pi i f / 1000 for f in Hz); Re lambda >=
        -1 / (4 tau_m).
    mu, sigma : float or array (P,)
        Working point: mean input relative to ``v_rest`` and its noise amplitude (mV; Brunel's
        sigma, sigma^2 = tau_m sum_b K_ab J_ab^2 nu_b with tau_m in s), e.g. from the
        stationary state of the network.
    tau_m, tau_s, tau_refrac : float or array (P,)
        Membrane, synaptic and refractory time constants (ms).
    v_thresh, v_reset, v_rest : float or array (P,)
        Threshold, reset and resting potentials (mV).
    method : {"shift", "taylor"}
        Schuecker et al. (2015) shifted-boundary form or its first-order Taylor expansion in
        sqrt(tau_s / tau_m) (module docstring); both assume sqrt(tau_s / tau_m) << 1.
    refractory_phase : bool
        Include the refractory phase exp(-lambda tau_refrac) on the reset flux (exact; H -> d nu/d mu
        as lambda -> 0).  False reproduces NNMT 1.3 (which omits it).
    synaptic_filter : bool
        Include the low-pass 1/(1 + lambda tau_s) of a modulation of the input current (as NNMT).

    Returns
    -------
    complex ndarray (P, n)
        H_a(lambda) in Hz/mV (module docstring for the formulas).
    """
    lam_arr = np.atleast_1d(np.asarray(lam, dtype=complex))
    if lam_arr.ndim != 1 or not np.all(np.isfinite(lam_arr)):
        raise ParameterError("lam", lam, "finite complex frequencies (1/ms), a number or a 1-d array")
    if method not in ("shift", "taylor"):
        raise ParameterError("method", method, "'shift' or 'taylor'")
    mu_a, sig, tau, ts, trp, vth, vr = _neuron(mu, sigma, tau_m, tau_s, tau_refrac, v_thresh, v_reset, v_rest)
    if np.any(lam_arr.real[:, None] * tau[None, :] < -0.25):
        raise ParameterError("lam", lam, "Re lambda >= -1 / (4 tau_m)")
    if method == "shift":
        s = _shift(sig, tau, ts)
        vth_e, vr_e = vth + s, vr + s
        nu_out = np.atleast_1d(siegert(mu_a, sig, tau_m=tau, tau_refrac=trp, v_thresh=vth_e, v_reset=vr_e))
    else:
        vth_e, vr_e = vth, vr
        nu0, nu_out = _taylor_rate(mu_a, sig, tau, ts, trp, vth, vr)
    y_t = np.sqrt(2.0) * (mu_a - vth_e) / sig
    y_r = np.sqrt(2.0) * (mu_a - vr_e) / sig
    P = mu_a.shape[0]
    a1 = np.zeros((P, lam_arr.size), complex)
    corr = np.zeros((P, lam_arr.size), complex)
    if method == "taylor" and np.any(nu_out < 0):
        warnings.warn(f"the Taylor-method rate is negative for populations {np.flatnonzero(nu_out < 0).tolist()}: "
                      "outside its range of validity (sqrt(tau_s / tau_m) << 1 and not far below threshold); "
                      "use method='shift'", RuntimeWarning, stacklevel=2)
    # threshold > 25 sigma above the mean: rate < exp(-625), the response is 0 to double precision
    ok = (y_t > -25.0 * np.sqrt(2.0)) & (nu_out != 0)
    if np.any(ok):
        a1_ok = np.zeros((int(ok.sum()), lam_arr.size), complex)
        c_ok = np.zeros_like(a1_ok)
        _response_kernel(lam_arr, y_t[ok], y_r[ok], tau[ok], trp[ok], bool(refractory_phase), a1_ok, c_ok)
        a1[ok] = a1_ok
        corr[ok] = c_ok
    frac = a1
    if method == "taylor":
        k = np.sqrt(ts / tau)
        with np.errstate(divide="ignore", invalid="ignore"):
            pref = np.where(nu_out != 0, ALPHA * k * nu0 / (np.sqrt(2.0) * nu_out), 0.0)
        frac = a1 + pref[:, None] * corr
    h = np.sqrt(2.0) * nu_out[:, None] / sig[:, None] / (1.0 + lam_arr[None, :] * tau[:, None]) * frac
    if synaptic_filter:
        h = h / (1.0 + lam_arr[None, :] * ts[:, None])
    return h


def transfer_function_exp(freqs_hz, mu, sigma, **neuron):
    """H(f) in Hz/mV at real frequencies f (Hz), shape (P, n): ``rate_response_exp(2 pi i f / 1000, ...)``.

    Keyword arguments as :func:`rate_response_exp` (``tau_m``, ``tau_s``, ``tau_refrac``, ``v_thresh``,
    ``v_reset`` required).
    """
    f = np.atleast_1d(np.asarray(freqs_hz, dtype=float))
    if f.ndim != 1 or not np.all(np.isfinite(f)):
        raise ParameterError("freqs_hz", freqs_hz, "finite frequencies in Hz, a number or a 1-d array")
    return rate_response_exp(2j * np.pi * f * 1e-3, mu, sigma, **neuron)


_DELAY_KINDS = ("none", "gaussian", "truncated_gaussian", "exponential")


def delay_factor(freqs_hz, delay, delay_sd=None, kind="none"):
    r"""Characteristic function d(omega) = E[exp(-i omega D)] of the synaptic delays, shape (n, P, P).

    Parameters
    ----------
    freqs_hz : array (n,)
        Frequencies f (Hz), omega = 2 pi f.
    delay : array (P, P)
        Mean delay (ms) of the connection from population b to a at [a, b].
    delay_sd : array (P, P), optional
        Standard deviation (ms) for the Gaussian kinds.
    kind : {"none", "gaussian", "truncated_gaussian", "exponential"}
        ``none``: fixed delays, exp(-i omega d).  ``gaussian``: exp(-i omega d - omega^2 s^2 / 2).
        ``truncated_gaussian``: the Gaussian of mean d, sd s truncated to D > 0 (NNMT's
        ``truncated_gaussian``; its d, s are those of the untruncated Gaussian)::

            d(omega) = exp(-d^2 / (2 s^2)) w(-(omega s + i d / s) / sqrt 2) / erfc(-d / (sqrt 2 s))

        (w the Faddeeva function; the same as NNMT's (1 - a0)/(1 - a1) b0 b1 without its overflow
        at large omega s).  ``exponential``: exponentially distributed delays of mean d,
        1 / (1 + i omega d).

    Returns
    -------
    complex ndarray (n, P, P)
    """
    f = np.atleast_1d(np.asarray(freqs_hz, dtype=float))
    if f.ndim != 1 or not np.all(np.isfinite(f)):
        raise ParameterError("freqs_hz", freqs_hz, "finite frequencies in Hz")
    d = np.asarray(delay, dtype=float)
    if d.ndim != 2 or d.shape[0] != d.shape[1] or not np.all(np.isfinite(d)) or np.any(d < 0):
        raise ParameterError("delay", delay, "a square array of finite delays >= 0 ms")
    if kind not in _DELAY_KINDS:
        raise ParameterError("kind", kind, f"one of {_DELAY_KINDS}")
    om = (2e-3 * np.pi * f)[:, None, None]          # 1/ms
    if kind == "none":
        return np.exp(-1j * om * d)
    if kind == "exponential":
        return 1.0 / (1.0 + 1j * om * d)
    if delay_sd is None:
        raise ParameterError("delay_sd", delay_sd, f"an array of standard deviations (ms) for kind={kind!r}")
    s = np.broadcast_to(np.asarray(delay_sd, dtype=float), d.shape)
    if not np.all(np.isfinite(s)) or np.any(s <= 0):
        raise ParameterError("delay_sd", delay_sd, "standard deviations > 0 ms")
    if kind == "gaussian":
        return np.exp(-1j * om * d - 0.5 * (om * s) ** 2)
    z = -(om * s + 1j * d / s) / np.sqrt(2.0)
    return np.exp(-0.5 * (d / s) ** 2) * special.wofz(z) / special.erfc(-d / (np.sqrt(2.0) * s))


def effective_connectivity(transfer, indegree, weight, tau_m, delay_factors):
    r"""M_ab(omega) = tau_m,a K_ab J_ab H_a(omega) d_ab(omega) (dimensionless), shape (n, P, P).

    Parameters
    ----------
    transfer : complex array (P, n)
        Transfer functions H (Hz/mV), e.g. :func:`transfer_function_exp`.
    indegree, weight : array (P, P)
        In-degrees K_ab and weights J_ab (mV; the jump of the mean membrane potential per
        spike integrated over the PSC: for a current amplitude w_ab, J_ab = w_ab tau_s / C_m, nA ms / nF).
    tau_m : float or array (P,)
        Membrane time constants (ms).
    delay_factors : complex array (n, P, P)
        :func:`delay_factor`.
    """
    H = np.asarray(transfer, dtype=complex)
    K = np.asarray(indegree, dtype=float)
    J = np.asarray(weight, dtype=float)
    P = H.shape[0]
    if K.shape != (P, P) or not np.all(np.isfinite(K)) or np.any(K < 0):
        raise ParameterError("indegree", indegree, f"a ({P}, {P}) array of finite in-degrees >= 0")
    if J.shape != (P, P) or not np.all(np.isfinite(J)):
        raise ParameterError("weight", weight, f"a finite ({P}, {P}) array (mV)")
    tau = _arr("tau_m", tau_m, P, "ms", positive=True)
    dfac = np.asarray(delay_factors, dtype=complex)
    if dfac.shape != (H.shape[1], P, P):
        raise ParameterError("delay_factors", dfac.shape, f"shape ({H.shape[1]}, {P}, {P})")
    return (1e-3 * tau[:, None] * K * J)[None, :, :] * H.T[:, :, None] * dfac


def _check_m(m):
    M = np.asarray(m, dtype=complex)
    if M.ndim != 3 or M.shape[1] != M.shape[2] or not np.all(np.isfinite(M)):
        raise ParameterError("effective_connectivity", getattr(M, "shape", m), "a finite (n, P, P) array")
    return M


def propagator(effective_conn):
    """P(omega) = (1 - M)^-1 M (Bos et al. 2016, eq. 16), shape (n, P, P)."""
    M = _check_m(effective_conn)
    eye = np.eye(M.shape[1])
    return np.linalg.solve(eye[None] - M, M)


def power_spectra(effective_conn, rates_hz, n_neurons):
    r"""Power spectra of the population activities, C_aa(omega) (Hz), shape (P, n).

    C(omega) = (1 - M)^-1 diag(nu / N) (1 - M)^-dagger (Bos et al. 2016, eq. 18; NNMT
    ``power_spectra``): the spectrum of the population-averaged spike train of N_a neurons whose
    shot noise (white, nu_a / N_a) is filtered by the network.
    """
    M = _check_m(effective_conn)
    P = M.shape[1]
    nu = _arr("rates_hz", rates_hz, P, "Hz", nonneg=True)
    N = _arr("n_neurons", n_neurons, P, "neurons", positive=True)
    Q = np.linalg.inv(np.eye(P)[None] - M)
    # C_aa = sum_b |Q_ab|^2 nu_b / N_b
    return (np.abs(Q) ** 2 @ (nu / N)).T


def sensitivity_measure(effective_conn_at_f, eigenvalue_index=None):
    r"""Sensitivity measure of Bos et al. (2016, eq. 7) at one frequency.

    For the eigenvalue lambda_c of M(omega) closest to 1 (or ``eigenvalue_index``), with left and
    right eigenvectors u, v::

        T_ab = u*_a v_b M_ab / (u* . v)

    (the first-order change of lambda_c when M_ab changes by a relative amount) and its projections
    on k = (1 - lambda_c) / |1 - lambda_c| (``amplitude``: moves lambda_c towards 1, raising the
    spectral peak) and on the perpendicular direction (``frequency``: shifts the peak).

    Returns
    -------
    dict with ``eigenvalue``, ``eigenvalue_index``, ``sensitivity`` (P, P complex), ``amplitude``,
    ``frequency`` (P, P real), ``left``, ``right`` (eigenvectors).
    """
    from scipy import linalg
    M = np.asarray(effective_conn_at_f, dtype=complex)
    if M.ndim != 2 or M.shape[0] != M.shape[1] or not np.all(np.isfinite(M)):
        raise ParameterError("effective_conn_at_f", getattr(M, "shape", M), "a finite (P, P) array")
    e, ul, ur = linalg.eig(M, left=True, right=True)
    idx = int(np.argmin(np.abs(e - 1.0))) if eigenvalue_index is None else int(eigenvalue_index)
    if not 0 <= idx < e.size:
        raise ParameterError("eigenvalue_index", eigenvalue_index, f"0 .. {e.size - 1}")
    u, v = ul[:, idx], ur[:, idx]
    T = np.outer(u.conj(), v) / np.dot(u.conj(), v) * M
    k = np.array([1.0 - e[idx].real, -e[idx].imag])
    k /= np.hypot(k[0], k[1])
    kp = np.array([-k[1], k[0]])
    return {"eigenvalue": e[idx], "eigenvalue_index": idx, "sensitivity": T,
            "amplitude": T.real * k[0] + T.imag * k[1], "frequency": T.real * kp[0] + T.imag * kp[1],
            "left": u, "right": v}


def spectra(freqs_hz, mu, sigma, rates_hz, indegree, weight, n_neurons, *, tau_m, tau_s, tau_refrac,
            v_thresh, v_reset, v_rest=0.0, delay, delay_sd=None, delay_kind="none", method="shift",
            refractory_phase=True, synaptic_filter=True):
    r"""Transfer functions, effective connectivity and power spectra of an exp-synapse LIF network.

    Parameters
    ----------
    freqs_hz : array (n,)
        Frequencies (Hz).
    mu, sigma, rates_hz : array (P,)
        Working point: mean input and noise amplitude (mV, Brunel's convention) and stationary
        rates (Hz) of each population.
    indegree, weight : array (P, P)
        K_ab and J_ab (mV) from population b to a.
    n_neurons : array (P,)
        Population sizes (shot noise nu / N).
    tau_m, tau_s, tau_refrac, v_thresh, v_reset, v_rest :
        Neuron parameters (ms, mV), a number or one per population.
    delay, delay_sd, delay_kind :
        Delays (ms, (P, P)) and their distribution (:func:`delay_factor`).
    method, refractory_phase, synaptic_filter :
        As :func:`rate_response_exp`.

    Returns
    -------
    dict
        ``freqs_hz`` (n,), ``transfer_function`` (P, n, Hz/mV), ``effective_connectivity`` (n, P, P),
        ``power_spectra`` (P, n, Hz).
    """
    f = np.atleast_1d(np.asarray(freqs_hz, dtype=float))
    H = transfer_function_exp(f, mu, sigma, tau_m=tau_m, tau_s=tau_s, tau_refrac=tau_refrac,
                              v_thresh=v_thresh, v_reset=v_reset, v_rest=v_rest, method=method,
                              refractory_phase=refractory_phase, synaptic_filter=synaptic_filter)
    dfac = delay_factor(f, delay, delay_sd, delay_kind)
    M = effective_connectivity(H, indegree, weight, tau_m, dfac)
    return {"freqs_hz": f, "transfer_function": H, "effective_connectivity": M,
            "power_spectra": power_spectra(M, rates_hz, n_neurons)}
