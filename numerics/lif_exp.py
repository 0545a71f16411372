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

Data layout, blocking, threading, Poisson sources and spike lists are those of
``recnet.numerics.lif_delta`` (neurons first, then sources; synapse tables per owning thread from
``recnet.numerics.spike_delivery``; blocks of B <= min_delay steps), with two ring buffers
(excitatory and inhibitory currents, nA) instead of one.
"""
from __future__ import annotations

import numpy as np

from recnet.numerics._jit import njit, prange
from recnet.numerics.spike_delivery import (block_events, deliver_lists, private_input, draw_nodes, record_events,
                                            record_lists)

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


@njit
def _update_block_exp(c, nb, s0, done, ulo, npar, refr, y, ie, ii, r, ring_e, ring_i, src, sp_node, sp_cnt, sp_ptr,
                      v_col, v_out):
    """Thread ``c``: ``nb`` steps of its neurons (with their private sources) and node sources."""
    lo, hi = ulo[c], ulo[c + 1]
    N = y.size
    L = ring_e.shape[0]
    has_v = v_out.shape[1] > 0
    e = 0
    sp_ptr[0] = 0
    for k in range(nb):
        n = s0 + k
        slot = n % L
        for i in range(lo, hi):
            pe, pi = private_input(i, n + 1, src)
            if r[i] == 0:
                y[i] = npar[0, i] * y[i] + npar[1, i] * ie[i] + npar[2, i] * ii[i] + npar[5, i]
            else:
                r[i] -= 1
            ie[i] = npar[3, i] * ie[i] + (ring_e[slot, i] + pe)
            ii[i] = npar[4, i] * ii[i] + (ring_i[slot, i] + pi)
            ring_e[slot, i] = 0.0
            ring_i[slot, i] = 0.0
            if y[i] >= npar[6, i]:
                r[i] = refr[i]
                y[i] = npar[7, i]
                sp_node[e] = i
                sp_cnt[e] = 1
                e += 1
            if has_v and v_col[i] >= 0:
                v_out[done + k, v_col[i]] = y[i] + npar[8, i]
        sp_ptr[2 * k + 1] = e
        e = draw_nodes(c, n + 1, N, src, sp_node, sp_cnt, e)
        sp_ptr[2 * k + 2] = e


def _advance_exp(step0, n_steps, block, neu, src, syn, ring_e, ring_i, ulo, lists, ev, rec):
    """Advance the network ``n_steps`` steps from global step ``step0`` (state updated in place).

    As ``recnet.numerics.lif_delta.advance`` (threads, blocks, sources, spike lists, recording,
    return value), with

    Parameters
    ----------
    neu : tuple
        ``npar`` float64[9, N] (rows P22, P21E, P21I, P11E, P11I, P20*I (mV), theta = v_thresh -
        v_rest, y_reset = v_reset - v_rest, v_rest), ``refr`` int64[N], state ``y, ie, ii`` float64[N]
        (V - v_rest in mV, excitatory and inhibitory currents in nA) and ``r`` int64[N].
    syn : tuple
        synapse tables; weights in nA, >= 0 into ``ring_e``, < 0 into ``ring_i``.
    ring_e, ring_i : float64[L, N]
        ring buffers of arriving current jumps (nA), L = max_delay + 1.
    """
    npar, refr, y, ie, ii, r = neu
    ev_stamp, ev_node = ev
    sp_node, sp_cnt, sp_ptr, st = lists
    rec_col, rec_step, rec_node, rec_cnt, rec_n, rec_max, v_col, v_out = rec
    indptr, target, row_w, row_d, syn_w, syn_d = syn
    T = ulo.size - 1
    done = 0
    while done < n_steps:
        nb = min(block, n_steps - done)
        s0 = step0 + done
        p_lo = st[2]
        p_hi = block_events(ev_stamp, p_lo, s0 + nb)
        if rec_step.size - rec_n[0] < nb * rec_max + (p_hi - p_lo):
            break
        pb = st[0]
        cb = 1 - pb
        pnb = st[1]
        for c in prange(T):
            deliver_lists(ring_e, ring_i, c, sp_node[pb], sp_cnt[pb], sp_ptr[pb], pnb, s0 - pnb, ev_stamp, ev_node,
                          st[3], p_lo, indptr, target, row_w, row_d, syn_w, syn_d)
            _update_block_exp(c, nb, s0, done, ulo, npar, refr, y, ie, ii, r, ring_e, ring_i, src, sp_node[cb, c],
                              sp_cnt[cb, c], sp_ptr[cb, c], v_col, v_out)
        record_lists(sp_node[cb], sp_cnt[cb], sp_ptr[cb], nb, done, rec_col, rec_step, rec_node, rec_cnt, rec_n)
        record_events(ev_stamp, ev_node, p_lo, p_hi, s0, done, rec_col, rec_step, rec_node, rec_cnt, rec_n)
        st[0], st[1], st[2], st[3] = cb, nb, p_hi, p_lo
        done += nb
    return done


advance_exp = njit(parallel=True)(_advance_exp)
advance_exp.__doc__ = _advance_exp.__doc__
advance_exp_serial = njit(_advance_exp)
"""The same kernel compiled without threads (one thread)."""
