r"""Spike-train power spectrum of a LIF neuron with white-noise input (delta synapses).

The neuron tau_m dV/dt = -V + mu + sigma sqrt(tau_m) xi(t) (V relative to v_rest; threshold theta,
reset V_r, refractory tau_rp) fires a renewal process.  In U = (V - mu) / sigma and time in units
of tau_m the free membrane is the Ornstein-Uhlenbeck process dU = -U dt + dW, whose first-passage
time from x to a > x has the Laplace transform (Darling & Siegert 1953; Alili, Patie & Pedersen
2005, Stoch Models 21:967)

.. math:: E[e^{-s T}] = \frac{e^{x^2/2} D_{-s\tau_m}(-\sqrt2\,x)}{e^{a^2/2} D_{-s\tau_m}(-\sqrt2\,a)}
          = \frac{\Phi_{-s\tau_m}(y_r)}{\Phi_{-s\tau_m}(y_\theta)},
          \qquad \Phi_\nu(y) = e^{y^2/4} D_\nu(y),\; y = -\sqrt2\,(V - \mu)/\sigma,

so the inter-spike interval T_ISI = tau_rp + T (reset at V_r, threshold at theta) has the
characteristic function :math:`\tilde F(\omega) = e^{-i\omega\tau_{rp}}\,\Phi_\nu(y_r)/\Phi_\nu(y_\theta)`,
nu = -i omega tau_m (1 at omega = 0: a normalised density).  The power spectrum of a renewal spike
train of rate nu0 is (Cox & Lewis 1966; Lindner, Schimansky-Geier & Longtin 2002, Phys Rev E
66:031916, with the same first-passage function for the LIF)

.. math:: S_0(\omega) = \nu_0\,\mathrm{Re}\,\frac{1 + \tilde F(\omega)}{1 - \tilde F(\omega)},
          \qquad S_0(0) = \nu_0\,CV^2,\quad S_0(\omega \to \infty) = \nu_0 .

Phi is evaluated with ``numerics.parabolic_cylinder.threshold_reset`` (Weber-equation integration,
checked against mpmath); the f -> 0 limit uses the Siegert CV (``numerics.siegert.cv_isi``).  This
is the noise D_a(omega) = S_0,a(omega) / N_a that population spectra need in place of the white
nu0 / N_a (Bos et al. 2016 approximate it by nu0 / N_a; Trousdale et al. 2012, PLoS Comput Biol
8:e1002408, use the unperturbed spectrum).
"""
import math

import numpy as np

from recnet.checks import ParameterError
from recnet.numerics._jit import njit, prange
from recnet.numerics.parabolic_cylinder import threshold_reset

__all__ = ["isi_characteristic", "spike_train_spectrum"]


@njit(parallel=True)
def _f_tilde(w, y_t, y_r, tau_m, tau_rp, out):
    for k in prange(w.shape[0] * y_t.shape[0]):
        a = k // w.shape[0]
        j = k - a * w.shape[0]
        nu = -1j * w[j] * tau_m[a]
        u_r, v_r, v_t, w_t = threshold_reset(nu, y_t[a], y_r[a])
        out[a, j] = np.exp(-1j * w[j] * tau_rp[a]) * u_r / (u_r + nu * w_t)


def _arrays(mu, sigma, tau_m, tau_refrac, v_thresh, v_reset, v_rest):
    mu = np.atleast_1d(np.asarray(mu, float))
    p = mu.shape[0]
    out = [np.broadcast_to(np.asarray(x, float), (p,)).astype(float) for x in
           (mu, sigma, tau_m, tau_refrac, v_thresh, v_reset, v_rest)]
    names = ("mu", "sigma", "tau_m", "tau_refrac", "v_thresh", "v_reset", "v_rest")
    for n, x in zip(names, out):
        if not np.all(np.isfinite(x)):
            raise ParameterError(n, x, "finite values")
    if np.any(out[1] <= 0):
        raise ParameterError("sigma", out[1], "> 0 mV (white-noise input)")
    if np.any(out[2] <= 0) or np.any(out[3] < 0):
        raise ParameterError("tau_m/tau_refrac", (out[2], out[3]), "tau_m > 0 ms, tau_refrac >= 0 ms")
    if np.any(out[4] <= out[5]):
        raise ParameterError("v_reset", out[5], "below v_thresh")
    return out


def isi_characteristic(freqs_hz, mu, sigma, *, tau_m=20.0, tau_refrac=2.0, v_thresh=20.0, v_reset=0.0,
                       v_rest=0.0):
    r"""Characteristic function E[exp(-i omega T_ISI)] of the LIF inter-spike interval (module doc).

    Parameters
    ----------
    freqs_hz : array (n,)
        Frequencies f >= 0 (Hz); omega = 2 pi f.
    mu, sigma : float or arrays (P,), mV
        Mean input relative to ``v_rest`` and noise intensity (Brunel 2000's convention, as
        :func:`recnet.numerics.siegert.siegert`).
    tau_m, tau_refrac : ms;  v_thresh, v_reset, v_rest : mV (float or (P,)).

    Returns
    -------
    complex ndarray (P, n)
    """
    f = np.atleast_1d(np.asarray(freqs_hz, float))
    if not np.all(np.isfinite(f)) or np.any(f < 0):
        raise ParameterError("freqs_hz", freqs_hz, "finite frequencies >= 0 Hz")
    mu, sigma, tau_m, tau_rp, th, vr, rest = _arrays(mu, sigma, tau_m, tau_refrac, v_thresh, v_reset, v_rest)
    y_t = -math.sqrt(2.0) * (th - rest - mu) / sigma
    y_r = -math.sqrt(2.0) * (vr - rest - mu) / sigma
    if np.any(np.abs(y_t) > 1e3) or np.any(np.abs(y_r) > 1e3):
        raise ParameterError("sigma", sigma, "large enough that (V - mu) / sigma stays below 700 at threshold and "
                             "reset (the neuron is noise-free otherwise)")
    out = np.empty((mu.shape[0], f.shape[0]), complex)
    _f_tilde(2.0 * np.pi * f * 1e-3, y_t, y_r, tau_m, tau_rp, out)
    return out


def spike_train_spectrum(freqs_hz, rate_hz, mu, sigma, *, tau_m=20.0, tau_refrac=2.0, v_thresh=20.0, v_reset=0.0,
                         v_rest=0.0):
    r"""Power spectrum S_0(f) (Hz) of the LIF renewal spike train, one-neuron, two-sided convention:
    S_0 -> nu0 as f -> infinity and S_0(0) = nu0 CV^2 (module doc).

    ``rate_hz`` (P,) is the neuron's stationary rate (the Siegert rate of ``mu``, ``sigma``);
    other arguments as :func:`isi_characteristic`.  Returns a real ndarray (P, n).
    """
    from recnet.numerics.siegert import cv_isi

    f = np.atleast_1d(np.asarray(freqs_hz, float))
    nu0 = np.atleast_1d(np.asarray(rate_hz, float))
    ft = isi_characteristic(f, mu, sigma, tau_m=tau_m, tau_refrac=tau_refrac, v_thresh=v_thresh,
                            v_reset=v_reset, v_rest=v_rest)
    nu0 = np.broadcast_to(nu0, (ft.shape[0],))
    with np.errstate(divide="ignore", invalid="ignore"):
        s = nu0[:, None] * np.real((1.0 + ft) / (1.0 - ft))
    zero = f == 0
    if np.any(zero):
        cv = np.atleast_1d(cv_isi(mu, sigma, tau_m=tau_m, tau_refrac=tau_refrac, v_thresh=v_thresh,
                                  v_reset=v_reset, v_rest=v_rest))
        s[:, zero] = (nu0 * np.broadcast_to(cv, nu0.shape) ** 2)[:, None]
    return s
