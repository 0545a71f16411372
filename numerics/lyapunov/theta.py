"""Lyapunov spectra of sparse balanced networks of theta (quadratic integrate-and-fire) neurons.

Each neuron obeys :math:`\\tau_m\\dot\\theta = (1-\\cos\\theta) + (1+\\cos\\theta)\\,I` between spikes;
with :math:`V = \\tan(\\theta/2)` this is the QIF neuron :math:`\\tau_m\\dot V = V^2 + I`.  A spike
(theta crosses pi) of a presynaptic neuron makes :math:`V \\to V + J`, :math:`J = -j_0/\\sqrt K`
(inhibitory network, every neuron receives K inputs).  In the phase representation
:math:`\\theta = 2\\arctan(\\sqrt I\\tan(\\psi/2))` phases advance at :math:`\\omega = 2\\sqrt I/\\tau_m`
and a spike maps :math:`\\psi \\to 2\\arctan(\\tan(\\psi/2) + c)`, :math:`c = J/\\sqrt I`.  The drive
follows the balance condition :math:`I = \\tau_m\\sqrt K j_0\\bar\\nu` for target rate
:math:`\\bar\\nu`; the simulated rate is measured and reported.

The dynamics is simulated exactly, event by event; the spectrum uses the single-spike Jacobians
(:mod:`recnet.numerics.lyapunov.pulse`).  Exponents are in 1/s; the entropy rate H in nats/s, and
per spike in bits, ``H / (N nu ln 2)``.

References
----------
Monteforte & Wolf 2010, Dynamical entropy production in spiking neuron networks in the balanced
state, PRL 105:268104 (model: tau_m = 10 ms, nu = 1 Hz, j0 = 1, K = 100 in the reference network).
"""
from __future__ import annotations

import math

from recnet import checks
from recnet.numerics.lyapunov import pulse as _pulse

__all__ = ["parameters", "network", "spectrum"]


def parameters(k=100, rate=1.0, j0=1.0, tau_m=10.0):
    """Drive, phase velocity and PTC constant of the balanced theta network.

    Parameters
    ----------
    k : int
        in-degree K.
    rate : float
        target mean rate nu [Hz].
    j0 : float
        coupling strength (J = -j0/sqrt(K), dimensionless QIF voltage jump).
    tau_m : float
        membrane time constant [ms].

    Returns
    -------
    dict: ``i_ext`` (dimensionless), ``omega_per_ms``, ``c``, ``free_period_ms``, ``j``.
    """
    k = checks.integer("k", k, minimum=1)
    rate = checks.positive("rate", rate, "Hz")
    j0 = checks.positive("j0", j0)
    tau_m = checks.positive("tau_m", tau_m, "ms")
    i_ext = tau_m * 1e-3 * math.sqrt(k) * j0 * rate
    omega = 2.0 * math.sqrt(i_ext) / tau_m
    j = -j0 / math.sqrt(k)
    return {"i_ext": i_ext, "omega_per_ms": omega, "c": j / math.sqrt(i_ext),
            "free_period_ms": 2 * math.pi / omega, "j": j}


def network(n, k=100, seed=None):
    """Fixed in-degree random graph (CSR postsynaptic lists ``(ptr, post)``)."""
    return _pulse.fixed_indegree_graph(n, k, seed)


def spectrum(n=1000, k=100, m=None, *, rate=1.0, j0=1.0, tau_m=10.0, t_sim=2000.0, t_warm=500.0,
             t_warm_q=200.0, events_per_ons=None, cond_max=1e4, seed=0, graph=None, n_boot=200,
             progress=None):
    """Lyapunov spectrum of a balanced inhibitory theta network.

    Parameters
    ----------
    n, k : int
        network size and in-degree (k < n).
    m : int or None
        number of exponents (None: all n).
    rate, j0, tau_m :
        see :func:`parameters` (Hz, -, ms).
    t_sim, t_warm, t_warm_q : float
        measurement, state warm-up and tangent-vector warm-up durations [ms].
    events_per_ons : int or None
        spikes between re-orthonormalisations (None: from the condition number, ``cond_max``).
    seed : int or Generator
        for the graph (unless ``graph`` is given), initial phases and tangent vectors.

    Returns
    -------
    SpectrumResult with ``exponents`` [1/s] (one of them is zero: time shift), ``entropy_rate``
    [nats/s], ``entropy_per_spike_bits``, ``ky_dimension``, ``rate_hz`` and CIs.
    """
    n = checks.integer("n", n, minimum=2)
    k = checks.integer("k", k, minimum=1, maximum=n - 1)
    p = parameters(k, rate, j0, tau_m)
    t_sim = checks.positive("t_sim", t_sim, "ms")
    t_warm = checks.nonnegative("t_warm", t_warm, "ms")
    t_warm_q = checks.nonnegative("t_warm_q", t_warm_q, "ms")
    rng = checks.rng(seed)
    ptr, post = network(n, k, rng) if graph is None else graph
    res = _pulse.pulse_spectrum(0, (p["c"],), p["omega_per_ms"], ptr, post, n, m, t_sim=t_sim,
                                t_warm=t_warm, t_warm_q=t_warm_q, events_per_ons=events_per_ons,
                                cond_max=cond_max, seed=rng, n_boot=n_boot, progress=progress)
    res.update(model="theta", k=k, **p)
    return res


def ptc_slope_range(c):
    """Range of the PTC slope g'(psi) = (1 + t^2)/(1 + (t + c)^2), t = tan(psi/2):
    [((sqrt(c^2 + 4) - |c|)/2)^2, ((sqrt(c^2 + 4) + |c|)/2)^2] (stationary points of the ratio)."""
    r = math.sqrt(c * c + 4.0)
    return [((r - abs(c)) / 2) ** 2, ((r + abs(c)) / 2) ** 2]


def prediction(n=1000, k=100, rate=1.0, j0=1.0, tau_m=10.0):
    """Closed-form facts for ``recnet predict lyapunov --model theta``.

    The drive, phase velocity and PTC follow from the balance condition; the single-spike Jacobian
    has rows summing to 1, so exactly one exponent is zero (time shift).  The spectrum itself has no
    closed form (``recnet validate lyapunov --model theta`` computes it).
    """
    n = checks.integer("n", n, minimum=2)
    k = checks.integer("k", k, minimum=1, maximum=n - 1)
    p = parameters(k, rate, j0, tau_m)
    return {"model": "theta", "n": n, "k": k, "rate_hz": rate, "tau_m_ms": tau_m, **p,
            "exponent_unit": "1/s", "n_zero_exponents": 1,
            "jacobian_diagonal_range": ptc_slope_range(p["c"]),
            "not_computed": {k: "no closed form: `recnet validate lyapunov --model theta` computes the spectrum"
                             for k in ("exponents", "lambda_max", "entropy_rate", "ky_dimension")}}
