"""Lyapunov spectra and exact event-driven simulation of inhibitory LIF networks.

Each neuron obeys :math:`\\tau_m\\dot V = -V + I` between spikes (voltages in units of the distance
from reset to threshold: reset 0, threshold 1, suprathreshold drive I > 1); a presynaptic spike
makes :math:`V\\to V+J`, :math:`J = -j_0/\\sqrt K`.  In the phase representation
:math:`V = U(\\psi) = I(1 - e^{-(\\psi+\\pi)/(\\omega\\tau_m)})`, :math:`\\omega = 2\\pi/(\\tau_m\\ln
\\frac{I}{I-1})`, the phase transition curve is :math:`g(\\psi) = U^{-1}(U(\\psi)+J)` with
:math:`g' = (I-U)/(I-U-J) \\in (0, 1)` for inhibition: every single-spike Jacobian contracts, the
spectrum is negative except for the zero exponent of a time shift ("stable chaos", Jahnke, Memmesheimer,
Timme 2008 PRL 100:048102; Monteforte & Wolf 2012 PRX 2:041007).

:func:`spectrum` uses zero synaptic delay (the Jacobian of Monteforte & Wolf 2010);
:func:`simulate` also handles a synaptic delay and an absolute refractory period (voltage clamped
to reset, inputs ignored), so that spike trains can be compared with NEST's
``iaf_psc_delta_ps`` (precise spike times) on the same network and input.

Physical units: the voltage scale is ``v_thresh - v_reset`` [mV], the drive
``I = (i_e tau_m / c_m + e_l - v_reset) / (v_thresh - v_reset)`` (pA, ms, pF, mV).
"""
from __future__ import annotations

import math

import numpy as np

from recnet import checks
from recnet.numerics._jit import njit
from recnet.numerics.lyapunov import pulse as _pulse

__all__ = ["parameters", "network", "spectrum", "simulate", "phase_to_voltage"]


def parameters(k=100, rate=10.0, j0=1.0, tau_m=10.0, i_ext=None):
    """Drive, phase velocity and PTC parameters of the inhibitory LIF network.

    Parameters
    ----------
    k : int
        in-degree K.
    rate : float
        rate nu [Hz] used to set the default drive ``I = 1 + tau_m sqrt(K) j0 nu`` (balance of the
        mean inhibition to leading order; the simulated rate is measured).
    j0 : float
        coupling (J = -j0/sqrt(K), in units of threshold - reset).
    tau_m : float
        membrane time constant [ms].
    i_ext : float or None
        dimensionless drive (> 1); overrides ``rate``.
    """
    k = checks.integer("k", k, minimum=1)
    rate = checks.positive("rate", rate, "Hz")
    j0 = checks.positive("j0", j0)
    tau_m = checks.positive("tau_m", tau_m, "ms")
    if i_ext is None:
        i_ext = 1.0 + tau_m * 1e-3 * math.sqrt(k) * j0 * rate
    i_ext = checks.in_range("i_ext", i_ext, 1.0, np.inf, low_inclusive=False)
    period = tau_m * math.log(i_ext / (i_ext - 1.0))
    omega = 2 * math.pi / period
    return {"i_ext": i_ext, "omega_per_ms": omega, "free_period_ms": period, "j": -j0 / math.sqrt(k),
            "w": omega * tau_m}


def phase_to_voltage(psi, p):
    """V = U(psi) (units of threshold - reset) for the parameters ``p`` of :func:`parameters`."""
    return p["i_ext"] * (1.0 - np.exp(-(np.asarray(psi) + np.pi) / p["w"]))


def network(n, k=100, seed=None):
    """Fixed in-degree random graph (CSR postsynaptic lists ``(ptr, post)``)."""
    return _pulse.fixed_indegree_graph(n, k, seed)


def spectrum(n=1000, k=100, m=None, *, rate=10.0, j0=1.0, tau_m=10.0, i_ext=None, t_sim=2000.0,
             t_warm=500.0, t_warm_q=200.0, events_per_ons=None, cond_max=1e4, seed=0, graph=None,
             n_boot=200, progress=None):
    """Lyapunov spectrum of an inhibitory LIF network (zero delay, no refractoriness).

    Parameters as in :func:`recnet.numerics.lyapunov.theta.spectrum` (times in ms); returns a
    ``SpectrumResult`` with exponents in 1/s.
    """
    n = checks.integer("n", n, minimum=2)
    k = checks.integer("k", k, minimum=1, maximum=n - 1)
    p = parameters(k, rate, j0, tau_m, i_ext)
    t_sim = checks.positive("t_sim", t_sim, "ms")
    t_warm = checks.nonnegative("t_warm", t_warm, "ms")
    t_warm_q = checks.nonnegative("t_warm_q", t_warm_q, "ms")
    rng = checks.rng(seed)
    ptr, post = network(n, k, rng) if graph is None else graph
    res = _pulse.pulse_spectrum(1, (p["i_ext"], p["j"], p["w"]), p["omega_per_ms"], ptr, post, n, m,
                                t_sim=t_sim, t_warm=t_warm, t_warm_q=t_warm_q,
                                events_per_ons=events_per_ons, cond_max=cond_max, seed=rng,
                                n_boot=n_boot, progress=progress)
    res.update(model="lif", k=k, **p)
    return res


@njit
def _simulate(par, omega, key, ptr, post, delay, t_ref, t_stop, max_spikes, out_t, out_i):
    """Event loop with delay and refractoriness; key = true phase - omega t (co-moving frame)."""
    n = key.size
    heap, pos = _pulse.heap_build(key)
    # FIFO of emitted spikes (arrivals in the same order, constant delay)
    q_t = np.empty(max_spikes)
    q_j = np.empty(max_spikes, dtype=np.int64)
    head = 0
    tail = 0
    refr_until = np.full(n, -1.0)
    n_out = 0
    while True:
        top = heap[0]
        t_th = (math.pi - key[top]) / omega
        t_ar = q_t[head] if head < tail else np.inf
        t = min(t_th, t_ar)
        if t > t_stop:
            break
        if t_ar <= t_th:
            j = q_j[head]
            head += 1
            shift = omega * t_ar
            for q in range(ptr[j], ptr[j + 1]):
                i = post[q]
                if t_ar < refr_until[i]:
                    continue
                gi, dg = _pulse.ptc(1, par, key[i] + shift)
                _pulse._update(heap, pos, key, i, gi - shift)
        else:
            if n_out >= max_spikes:
                return -1
            out_t[n_out] = t_th
            out_i[n_out] = top
            n_out += 1
            q_t[tail] = t_th + delay
            q_j[tail] = top
            tail += 1
            refr_until[top] = t_th + t_ref
            # phase -pi is reached t_ref after the spike: the neuron is clamped at reset meanwhile
            _pulse._update(heap, pos, key, top, -math.pi - omega * (t_th + t_ref))
    return n_out


def simulate(n=100, k=10, *, rate=10.0, j0=1.0, tau_m=10.0, i_ext=None, delay=1.0, t_ref=0.0,
             t_stop=200.0, seed=0, graph=None, v0=None):
    """Exact event-driven simulation of the inhibitory LIF network with delay and refractoriness.

    Parameters
    ----------
    n, k : int
        size and in-degree.
    delay : float
        synaptic delay [ms] (>= 0).
    t_ref : float
        absolute refractory period [ms]: voltage clamped at reset, inputs ignored.
    t_stop : float
        simulated time [ms].
    v0 : ndarray (n,) or None
        initial voltages (units of threshold - reset, < 1); default from uniform phases.

    Returns
    -------
    dict: ``times_ms``, ``senders`` (0-based), ``v0``, the graph ``(ptr, post)`` and the parameters.
    """
    n = checks.integer("n", n, minimum=2)
    k = checks.integer("k", k, minimum=1, maximum=n - 1)
    p = parameters(k, rate, j0, tau_m, i_ext)
    delay = checks.nonnegative("delay", delay, "ms")
    t_ref = checks.nonnegative("t_ref", t_ref, "ms")
    t_stop = checks.positive("t_stop", t_stop, "ms")
    rng = checks.rng(seed)
    ptr, post = network(n, k, rng) if graph is None else graph
    if v0 is None:
        v0 = phase_to_voltage(rng.uniform(-np.pi, np.pi, n), p)
    v0 = checks.array("v0", v0, shape=(n,))
    if np.any(v0 >= 1.0):
        raise checks.ParameterError("v0", float(np.max(v0)), "< 1 (units of threshold - reset)",
                                    "v0 must lie below the threshold 1 (units of threshold - reset)")
    key = -np.pi - p["w"] * np.log(1.0 - v0 / p["i_ext"])       # U^-1(v0) at t = 0
    par = np.array([p["i_ext"], p["j"], p["w"]])
    max_spikes = int(n * t_stop / p["free_period_ms"] * 2 + 100)
    out_t = np.empty(max_spikes)
    out_i = np.empty(max_spikes, dtype=np.int64)
    cnt = _simulate(par, p["omega_per_ms"], key.copy(), ptr, post, delay, t_ref, t_stop, max_spikes,
                    out_t, out_i)
    if cnt < 0:
        raise ValueError("more spikes than the free-running rate allows: check i_ext and j0 (j0 > 0)")
    return {"times_ms": out_t[:cnt].copy(), "senders": out_i[:cnt].copy(), "v0": v0, "graph": (ptr, post),
            "params": p}


def prediction(n=1000, k=100, rate=10.0, j0=1.0, tau_m=10.0, i_ext=None):
    """Closed-form facts for ``recnet predict lyapunov --model lif``.

    For inhibitory pulses the PTC slope g' = (I - U)/(I - U - J) lies in (0, 1): every single-spike
    Jacobian is a row-stochastic contraction on the postsynaptic rows, so no exponent is positive;
    one is zero (time shift).  Hence H = 0 and D_KY = 0 (the attractor is a stable orbit).
    """
    n = checks.integer("n", n, minimum=2)
    k = checks.integer("k", k, minimum=1, maximum=n - 1)
    p = parameters(k, rate, j0, tau_m, i_ext)
    return {"model": "lif", "n": n, "k": k, "tau_m_ms": tau_m, **p, "exponent_unit": "1/s",
            "lambda_max": 0.0, "exponents": [0.0], "n_zero_exponents": 1,
            "entropy_rate": 0.0, "ky_dimension": 0.0}
