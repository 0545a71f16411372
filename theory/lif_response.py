r"""Linear rate response of a LIF neuron driven by white noise, delta synapses (closed forms).

Neuron (potentials relative to rest, time in ms)::

    tau dV/dt = -V + mu(t) + sigma(t) sqrt(tau) xi(t),   V = theta -> spike, V -> V_r after tau_rp.

Stationary rate nu0 (Siegert).  Modulate the mean, mu(t) = mu0 + mu1 exp(lambda t), or the
variance, sigma^2(t) = sigma0^2 + s1 exp(lambda t); to first order the rate is
nu0 + nu1 exp(lambda t) with (w = lambda tau, a_x = sqrt(2) (mu0 - x) / sigma0,
Phi_w(a) = exp(a^2 / 4) D_{-w}(a), D the parabolic cylinder function)::

    nu1 / mu1 = sqrt(2) nu0 / sigma0 * w / (1 + w)
                * [Phi_{w+1}(a_theta) - Phi_{w+1}(a_r)] / Den(w)
    nu1 / s1  = nu0 / sigma0^2 * w (w + 1) / (2 + w)
                * [Phi_{w+2}(a_theta) - Phi_{w+2}(a_r)] / Den(w)
    Den(w)    = Phi_w(a_theta) - exp(-lambda tau_rp) Phi_w(a_r)

(Brunel & Hakim 1999, Neural Comput 11:1621, their eqs. for the linearised Fokker-Planck
equation; Lindner & Schimansky-Geier 2001, Phys Rev Lett 86:2934, who give both responses with the
refractory factor exp(-lambda tau_rp) on the reset flux; in their Fourier convention lambda = -i omega).
NNMT 1.3 (``nnmt.lif.exp._transfer_function_shift`` with tau_s -> 0) has the first with
exp(-lambda tau_rp) -> 1, so the two coincide only for tau_rp = 0.

As lambda -> 0, nu1/mu1 -> d nu0/d mu and nu1/s1 -> d nu0/d(sigma^2) (Siegert); as
|lambda| -> infinity, nu1/mu1 ~ lambda^{-1/2} -> 0 while nu1/s1 tends to a finite limit
nu0 / sigma0^2 * (...) (the variance response passes high frequencies: Brunel & Hakim 1999).

How these forms were checked (the papers' text could not be retrieved with recnet's search tool;
the forms are stated from the cited papers and verified here): they agree to 1e-8 with a direct
numerical integration of the linearised Fokker-Planck equation (``recnet.numerics.lif_response``,
which does not use them) at real and complex lambda; their lambda -> 0 limits are the Siegert
derivatives; with tau_rp = 0 they equal NNMT 1.3; Brunel's fig. 8 states follow from them
(``tests/test_lif_response.py``, ``tests/test_lif_stability.py``).

This module evaluates these closed forms with mpmath at arbitrary precision (the reference the
numba evaluation of ``recnet.numerics.lif_response`` is tested against); nothing here is fast.
"""
import mpmath as mp
import sympy as sp

lam, tau, tau_rp, nu0, sigma0, mu0, theta, v_r = sp.symbols(
    "lambda tau tau_rp nu_0 sigma_0 mu_0 theta V_r", complex=False)
D_pc = sp.Function("D")     # parabolic cylinder function D_nu(z) (sympy has none: kept undefined)


def equations():
    """The closed forms as sympy expressions: ``{"phi", "den", "a_mu", "a_var", "brunel_char"}``.

    ``phi(w, a) = exp(a^2/4) D(-w, a)`` with D the undefined parabolic cylinder function;
    ``brunel_char`` is Brunel's (2000) one-population characteristic function of model A,
    1 - exp(-lambda d) tau C_E J [(1 - g gamma) A_mu + J (1 + g^2 gamma) A_var] (tau in s there).
    """
    w = lam * tau
    a_t = sp.sqrt(2) * (mu0 - theta) / sigma0
    a_r = sp.sqrt(2) * (mu0 - v_r) / sigma0

    def phi(k, a):
        return sp.exp(a ** 2 / 4) * D_pc(-(w + k), a)

    den = phi(0, a_t) - sp.exp(-lam * tau_rp) * phi(0, a_r)
    a_mu = sp.sqrt(2) * nu0 / sigma0 * w / (1 + w) * (phi(1, a_t) - phi(1, a_r)) / den
    a_var = nu0 / sigma0 ** 2 * w * (w + 1) / (2 + w) * (phi(2, a_t) - phi(2, a_r)) / den
    d, c_e, j, g, gamma, tau_s = sp.symbols("d C_E J g gamma tau_s", positive=True)
    char = 1 - sp.exp(-lam * d) * tau_s * c_e * j * ((1 - g * gamma) * a_mu + j * (1 + g ** 2 * gamma) * a_var)
    return {"den": den, "a_mu": a_mu, "a_var": a_var, "brunel_char": char}


def phi(w, a):
    """Phi_w(a) = exp(a^2/4) D_{-w}(a) (mpmath; ``mp.pcfu(b, z) = U(b, z) = D_{-b-1/2}(z)``)."""
    return mp.exp(a * a / 4) * mp.pcfu(w - mp.mpf(1) / 2, a)


def rate_response_mpmath(lam, mu, sigma, tau_m=20.0, tau_refrac=2.0, v_thresh=20.0, v_reset=0.0, dps=30):
    r"""(nu1/mu1 in Hz/mV, nu1/s1 in Hz/mV^2) at complex frequency ``lam`` (1/ms), closed form above.

    Parameters in ms and mV (potentials relative to rest); the stationary rate nu0 is the Siegert
    rate evaluated here in mpmath.  Scalar, for tests and benchmarks.
    """
    with mp.workdps(dps):
        lam, mu, sigma = mp.mpc(lam), mp.mpf(mu), mp.mpf(sigma)
        tau, trp = mp.mpf(tau_m), mp.mpf(tau_refrac)
        nu0 = siegert_rate_mpmath(mu, sigma, tau, trp, v_thresh, v_reset)   # Hz
        w = lam * tau
        at = mp.sqrt(2) * (mu - v_thresh) / sigma
        ar = mp.sqrt(2) * (mu - v_reset) / sigma
        den = phi(w, at) - mp.exp(-lam * trp) * phi(w, ar)
        a_mu = mp.sqrt(2) * nu0 / sigma * w / (1 + w) * (phi(w + 1, at) - phi(w + 1, ar)) / den
        a_var = nu0 / sigma ** 2 * w * (w + 1) / (2 + w) * (phi(w + 2, at) - phi(w + 2, ar)) / den
        return complex(a_mu), complex(a_var)


def siegert_rate_mpmath(mu, sigma, tau_m, tau_refrac, v_thresh, v_reset):
    """Siegert rate (Hz): 1/nu = tau_rp + tau sqrt(pi) int_{y_r}^{y_th} exp(u^2)(1 + erf u) du,
    y = (V - mu)/sigma (Brunel 2000 eq. 21), at the working precision."""
    yr = (mp.mpf(v_reset) - mu) / sigma
    yt = (mp.mpf(v_thresh) - mu) / sigma
    f = lambda u: mp.exp(u * u) * mp.erfc(-u)                                # noqa: E731
    pts = [yr, yt] if not (yr < 0 < yt) else [yr, 0, yt]
    integral = mp.quad(f, pts)
    return 1 / ((mp.mpf(tau_refrac) + mp.mpf(tau_m) * mp.sqrt(mp.pi) * integral) * mp.mpf("1e-3"))


def transfer_function_exp_mpmath(f_hz, mu, sigma, tau_m, tau_s, tau_refrac, v_thresh, v_reset, method="shift",
                                 refractory_phase=True, synaptic_filter=True, dps=30):
    r"""Exp-synapse transfer function H(f) (Hz/mV) in mpmath (Schuecker et al. 2015; scalar reference).

    The closed forms of :mod:`recnet.numerics.lif_spectra` written directly in parabolic cylinder
    functions (``mp.pcfd``), Psi(y) = Phi_nu(y) = exp(y^2/4) D_nu(y), nu = -i omega tau_m,
    y = sqrt(2) (mu - V) / sigma, E = exp(-i omega tau_r) (or 1 without ``refractory_phase``)::

        a0 = Psi(y_t) - E Psi(y_r),   dPsi = -nu Phi_{nu-1},   d2Psi = nu (nu - 1) Phi_{nu-2}
        shift:  H = sqrt(2) nu_s / sigma / (1 + i omega tau_m) [dPsi(t) - dPsi(r)] / a0   (shifted y)
        taylor: H = sqrt(2) nu_T / sigma / (1 + i omega tau_m) (a1 + alpha k nu_0 / (sqrt(2) nu_T)
                    ([d2Psi(t) - d2Psi(r)] - a1 [dPsi(t) - E dPsi(r)]) / a0)                 (unshifted y)

    times 1 / (1 + i omega tau_s) with ``synaptic_filter``; rates as there (Siegert at shifted
    boundaries, or the Taylor rate), all at ``dps`` digits.  f > 0 only.  Units ms, mV, Hz.
    """
    with mp.workdps(dps):
        om = 2 * mp.pi * mp.mpf(f_hz) * mp.mpf("1e-3")
        mu, sigma = mp.mpf(mu), mp.mpf(sigma)
        tau, ts, trp = mp.mpf(tau_m), mp.mpf(tau_s), mp.mpf(tau_refrac)
        alpha = mp.sqrt(2) * abs(mp.zeta(mp.mpf(1) / 2))
        k = mp.sqrt(ts / tau)
        nu = -1j * om * tau
        e = mp.exp(-1j * om * trp) if refractory_phase else mp.mpf(1)

        def Phi(n, y):
            return mp.exp(y * y / 4) * mp.pcfd(n, y)

        if method == "shift":
            s = sigma * alpha / 2 * k
            vt, vr = mp.mpf(v_thresh) + s, mp.mpf(v_reset) + s
            rate = siegert_rate_mpmath(mu, sigma, tau, trp, vt, vr)
        else:
            vt, vr = mp.mpf(v_thresh), mp.mpf(v_reset)
            nu0 = siegert_rate_mpmath(mu, sigma, tau, trp, vt, vr)
            phi_b = lambda y: mp.sqrt(mp.pi / 2) * mp.exp(y * y) * mp.erfc(-y)     # noqa: E731
            dphi = phi_b((vt - mu) / sigma) - phi_b((vr - mu) / sigma)
            rate = nu0 * (1 - mp.sqrt(ts * tau / 2) * mp.mpf("1e-3") * alpha * nu0 * dphi)
        yt = mp.sqrt(2) * (mu - vt) / sigma
        yr = mp.sqrt(2) * (mu - vr) / sigma
        a0 = Phi(nu, yt) - e * Phi(nu, yr)
        dt, dr = -nu * Phi(nu - 1, yt), -nu * Phi(nu - 1, yr)
        a1 = (dt - dr) / a0
        frac = a1
        if method == "taylor":
            d2 = nu * (nu - 1) * (Phi(nu - 2, yt) - Phi(nu - 2, yr))
            frac = a1 + alpha * k * nu0 / (mp.sqrt(2) * rate) * (d2 - a1 * (dt - e * dr)) / a0
        h = mp.sqrt(2) * rate / sigma / (1 + 1j * om * tau) * frac
        if synaptic_filter:
            h = h / (1 + 1j * om * ts)
        return complex(h)
