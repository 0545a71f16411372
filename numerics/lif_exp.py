r"""Numba kernels for networks of leaky integrate-and-fire neurons with exponential current synapses.

The model is NEST's ``iaf_psc_exp`` (PyNN ``IF_curr_exp``) on a time grid of step h (ms).  With
y = V - v_rest (mV) and the synaptic currents I_E, I_I (nA)::

    tau_m dy/dt = -y + tau_m/cm (I_E + I_I + I),   tau_syn_X dI_X/dt = -I_X,

a linear system integrated exactly over one step (Rotter & Diesmann 1999, Biol Cybern 81:381)::

    y(t + h)   = P22 y(t) + P21E I_E(t) + P21I I_I(t) + P20 I,
    I_X(t + h) = P11X I_X(t) + (sum of the weights w (nA) of the X-spikes arriving in this step),

    P22  = exp(-h/tau_m),   P11X = exp(-h/tau_syn_X),   P20 = -(tau_m/cm) expm1(-h/tau_m),
    P21X = (1/cm) \int_0^h exp(-(h-u)/tau_m) exp(-u/tau_syn_X) du
         = (h/cm) exp(-h/tau_m) expm1(x)/x,   x = h (1/tau_m - 1/tau_syn_X),

(mV per nA with ms and nF).  The last form has no singularity: at tau_syn = tau_m it is
(h/cm) exp(-h/tau_m) (x = 0, expm1(x)/x = 1), and near it expm1 keeps full relative accuracy, where
the textbook form tau_m tau_s / (cm (tau_m - tau_s)) (exp(-h/tau_m) - exp(-h/tau_s)) loses digits
to cancellation (NEST's ``propagator_32`` switches between the two forms for the same reason).

Update order of one step (that of ``iaf_psc_exp::update`` in NEST 3): if not refractory, y is
advanced with the currents of the previous step, else the refractory count decreases; the
currents decay and receive the spikes that arrive in this step (a weight w >= 0 goes to I_E, w < 0
to I_I, as NEST's ``handle`` routes by sign); y >= v_thresh - v_rest then emits a spike stamped at
the end of the step, y is set to v_reset - v_rest and clamped for round(tau_refrac/h) steps, while
the currents go on decaying and receiving input.  A spike emitted in step n with delay d steps is
added in step n + d, so the current jumps at (n + 1 + d) h: the spike time plus the delay.

Data layout, blocking and threading are those of ``recnet.numerics.lif_delta`` (neurons first,
then sources; CSR by presynaptic node per owning thread; blocks of B <= min_delay steps), with two
ring buffers (excitatory and inhibitory currents, nA) instead of one.
"""
from __future__ import annotations

import numpy as np

from recnet.numerics._jit import njit, prange
from recnet.numerics.lif_delta import draw_sources, record_array_nodes

__all__ = ["propagators_exp", "advance_exp", "advance_exp_serial", "psc_voltage"]


def propagators_exp(tau_m, tau_syn, cm, dt):
    """Exact one-step propagators of ``iaf_psc_exp`` (see the module doc).

    Parameters
    ----------
    tau_m, tau_syn : array_like, ms
    cm : array_like, nF
    dt : float, ms

    Returns
    -------
    P22 : ndarray
        exp(-dt/tau_m).
    P21 : ndarray
        (dt/cm) exp(-dt/tau_m) expm1(x)/x, x = dt (1/tau_m - 1/tau_syn), mV per nA: the voltage a
        unit current (nA) present at the start of the step adds by its end while it decays with
        tau_syn; exact (and finite) at tau_syn = tau_m.
    P11 : ndarray
        exp(-dt/tau_syn).
    P20 : ndarray
        -(tau_m/cm) expm1(-dt/tau_m), mV per nA of constant current.
    """
    tau_m, tau_syn, cm = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (tau_m, tau_syn, cm)))
    x = dt * (1.0 / tau_m - 1.0 / tau_syn)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(x == 0.0, 1.0, np.expm1(x) / np.where(x == 0.0, 1.0, x))
    p22 = np.exp(-dt / tau_m)
    return p22, dt / cm * p22 * ratio, np.exp(-dt / tau_syn), -tau_m / cm * np.expm1(-dt / tau_m)


def psc_voltage(s, w, tau_m, tau_syn, cm):
    """Membrane response (mV) at time ``s`` (ms) >= 0 after a current jump of ``w`` nA decaying with
    tau_syn, no threshold: (w/cm) s exp(-s/tau_m) expm1(x)/x, x = s (1/tau_m - 1/tau_syn), i.e.
    w tau_m tau_syn / (cm (tau_m - tau_syn)) (exp(-s/tau_m) - exp(-s/tau_syn)), and (w/cm) s exp(-s/tau)
    at tau_syn = tau_m."""
    s = np.asarray(s, dtype=float)
    p22, p21, _, _ = propagators_exp(tau_m, tau_syn, cm, s)
    return w * p21


def _advance_exp(step0, n_steps, block, npar, refr, y, ie, ii, r, pois, win, rng_state,
                 ev_stamp, ev_node, ev_ptr, indptr, target, weight, delay, ring_e, ring_i,
                 ulo, slo, spk, spk_prev, rec_col, rec_out, v_col, v_out):
    """Advance the network ``n_steps`` steps from global step ``step0`` (state updated in place).

    As ``recnet.numerics.lif_delta.advance`` (threads, blocks, sources, recording), with

    Parameters
    ----------
    npar : float64[9, N]
        rows P22, P21E, P21I, P11E, P11I, P20*I (mV), theta = v_thresh - v_rest,
        y_reset = v_reset - v_rest, v_rest.
    y, ie, ii, r : float64[N], float64[N], float64[N], int64[N]
        state: V - v_rest (mV), excitatory and inhibitory currents (nA), refractory steps left.
    weight : float64[nnz]
        nA; >= 0 into ``ring_e``, < 0 into ``ring_i``.
    ring_e, ring_i : float64[L, N]
        ring buffers of arriving current jumps (nA), L = max_delay + 1.
    """
    N = y.size
    T = ulo.size - 1
    L = ring_e.shape[0]
    n_nodes = spk.shape[1]
    n_src = N + win.shape[0]
    done = 0
    cur = spk
    prev = spk_prev
    flips = 0
    while done < n_steps:
        nb = min(block, n_steps - done)
        s0 = step0 + done
        tmp = cur
        cur = prev
        prev = tmp
        flips += 1
        for k in range(block):
            for a in range(n_src, n_nodes):
                cur[k, a] = 0
        for k in range(nb, block):
            for a in range(n_src):
                cur[k, a] = 0
        p = ev_ptr[0]
        while p < ev_stamp.size and ev_stamp[p] <= s0 + nb:
            cur[ev_stamp[p] - 1 - s0, ev_node[p]] += 1
            p += 1
        ev_ptr[0] = p
        for c in prange(T):
            lo = ulo[c]
            hi = ulo[c + 1]
            # 1. deliver the previous block's spikes to this thread's neurons
            for k in range(block):
                n = s0 - block + k
                for pre in range(n_nodes):
                    cnt = prev[k, pre]
                    if cnt != 0:
                        for q in range(indptr[c, pre], indptr[c, pre + 1]):
                            w = weight[q]
                            if w >= 0.0:
                                ring_e[(n + delay[q]) % L, target[q]] += w * cnt
                            else:
                                ring_i[(n + delay[q]) % L, target[q]] += w * cnt
            # 2. update neurons and Poisson sources for nb steps
            for k in range(nb):
                slot = (s0 + k) % L
                for i in range(lo, hi):
                    if r[i] == 0:
                        y[i] = npar[0, i] * y[i] + npar[1, i] * ie[i] + npar[2, i] * ii[i] + npar[5, i]
                    else:
                        r[i] -= 1
                    ie[i] = npar[3, i] * ie[i] + ring_e[slot, i]
                    ii[i] = npar[4, i] * ii[i] + ring_i[slot, i]
                    ring_e[slot, i] = 0.0
                    ring_i[slot, i] = 0.0
                    if y[i] >= npar[6, i]:
                        r[i] = refr[i]
                        y[i] = npar[7, i]
                        cur[k, i] = 1
                    else:
                        cur[k, i] = 0
                    if v_col[i] >= 0:
                        v_out[done + k, v_col[i]] = y[i] + npar[8, i]
                    if rec_col[i] >= 0:
                        rec_out[done + k, rec_col[i]] = cur[k, i]
                draw_sources(cur, k, s0 + k + 1, slo[c], slo[c + 1], N, win, pois, rng_state, rec_col,
                             rec_out, done)
        record_array_nodes(cur, nb, n_src, n_nodes, rec_col, rec_out, done)
        done += nb
    if flips % 2 == 1:   # the last block's spikes must be in `spk` for the next call
        spk[:, :] = cur
    return done


advance_exp = njit(parallel=True)(_advance_exp)
advance_exp.__doc__ = _advance_exp.__doc__
advance_exp_serial = njit(_advance_exp)
"""The same kernel compiled without threads (one thread)."""
