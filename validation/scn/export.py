"""Export of spike-coding networks to PyNN's vocabulary: NEST and the SpiNNaker virtual board.

An autoencoder spike-coding network (``numerics.scn.build(D, mu=..., tau=...)``) driven by a
constant latent signal x is a population of ``IF_curr_delta`` neurons (``validation.network``):

=====================  ======================================================================
SCN                    IF_curr_delta (PyNN names and units)
=====================  ======================================================================
leak lam = 1/tau       tau_m = tau (ms), v_rest = 0 mV, cm = 1 nF
voltage V_i            v = v_scale V_i (mV; ``v_scale`` mV per latent unit, default: thresholds
                       of 10 mV at most)
threshold T_i          v_thresh = v_scale T_i
reset |D_i|^2 + mu     v_reset = v_scale (T_i - |D_i|^2 - mu)  (absolute reset from threshold;
                       the SCN's reset is subtractive: the overshoot above threshold at the spike
                       step, at most one step of drive, is lost)
input D^T c, c = x/tau i_offset = cm v_scale (D^T x)_i / tau (nA), so that tau_m dv/dt = -v + R i
fast weights           WeightMatrixConnector(-v_scale (D^T D)_ij, i != j) (mV), delay >= dt
tau_refrac             0 ms (an SCN has no refractory period; a clamped step would drop input)
=====================  ======================================================================

What PyNN cannot express, and what it costs:
  * the greedy rule (one spike per step, the farthest-above-threshold neuron first): PyNN
    simulators fire every neuron above threshold in the same step (``spikes_per_step=0`` in
    ``numerics.scn``);
  * instantaneous recurrent inhibition: every connection has a delay >= one step, so neurons that
    cross threshold within the delay all fire before they see each other's spikes (redundant
    spikes: the readout overshoots by up to the number of synchronous spikes times |D_i|).
``equivalent_reference`` runs recnet's kernel in exactly this mode (synchronous rule, delay,
absolute reset) so that NEST can be compared with it
statistically, and ``delay_effect`` reports the rate differences between the greedy
instantaneous network (the QP's model) and the delayed one.

On SpiNNaker (``pyNN.spiNNaker``) the same network is mapped on the virtual SpiNN-5 board (time
step 0.1 ms, whole-step delays); no spikes come back from a virtual board, only the resources.
"""
from __future__ import annotations

import numpy as np

from recnet import checks

__all__ = ["to_network", "run", "equivalent_reference", "delay_effect"]


def _default_scale(net):
    return 10.0 / float(np.max(np.abs(net.T)))


def to_network(net, x, *, dt=0.1, delay=None, v_scale=None, label="scn", record_v=False):
    """The PyNN-vocabulary ``Network`` of an autoencoder SCN driven by the constant latent signal x.

    Parameters
    ----------
    net : numerics.scn.SCN
        an autoencoder (no slow weights) with a symmetric fast weight matrix.
    x : (K,) latent signal (latent units).
    dt : float, ms
        time step of the target simulator.
    delay : float, ms or None
        delay of the recurrent connections (default: one step dt; must be a whole number of steps).
    v_scale : float, mV per latent unit or None
        default: the largest threshold becomes 10 mV.

    Returns
    -------
    (network, meta) : ``validation.network.Network`` and a dict with ``v_scale`` and the mapping.
    """
    from recnet.numerics.scn.network import SCN
    from recnet.validation.simulators import network as nw

    if not isinstance(net, SCN):
        raise checks.ParameterTypeError("net", type(net).__name__, "a numerics.scn.SCN",
                                        f"net must be a numerics.scn.SCN, got {type(net).__name__}")
    if net.U_slow.shape[1] != 0:
        raise checks.ParameterError("net", "slow recurrent weights", "an autoencoder (fast weights only) for PyNN's IF_curr_delta",
                                    "net has slow recurrent weights (linear dynamics): PyNN's IF_curr_delta with "
                                    "static synapses can express only the autoencoder (fast weights); "
                                    "slow exponential synapses would need IF_curr_exp")
    x = checks.array("x", x, ndim=1, shape=(net.F.shape[1],))
    dt = checks.positive("dt", dt, "ms")
    delay = dt if delay is None else checks.positive("delay", delay, "ms")
    steps = delay / dt
    if abs(steps - round(steps)) > 1e-9 or round(steps) < 1:
        raise checks.ParameterError("delay", delay, f"a whole number (>= 1) of time steps dt = {dt} ms",
                                    f"delay = {delay} ms is invalid: must be a whole number (>= 1) of time steps dt = {dt} ms")
    v_scale = _default_scale(net) if v_scale is None else checks.positive("v_scale", v_scale)
    tau = net.tau
    reset = net.reset
    params = dict(tau_m=tau, cm=1.0, v_rest=0.0, tau_refrac=0.0,
                  v_thresh=v_scale * net.T, v_reset=v_scale * (net.T - reset),
                  # R i = (tau_m/cm) i must equal v_scale (D^T x)_i: i = cm v_scale (D^T x)_i / tau_m
                  i_offset=1.0 * v_scale * (net.F @ x) / tau)
    W = net.W_fast.copy()
    np.fill_diagonal(W, 0.0)
    network = nw.Network()
    v0 = v_scale * (net.F @ x)                             # V = D^T x at r = 0
    pop = network.population(net.n, nw.IF_curr_delta(**params), label=label,
                             initial_values={"v": np.minimum(v0, v_scale * net.T * (1 - 1e-9))})
    if np.any(W != 0):
        network.projection(pop, pop, nw.WeightMatrixConnector(v_scale * W.T),
                           nw.StaticSynapse(delay=delay), receptor_type=None, label=f"{label}_fast")
    meta = dict(v_scale_mv=v_scale, delay_ms=delay, dt_ms=dt,
                mapping="IF_curr_delta: tau_m = tau, v_thresh = s T, v_reset = s (T - |D|^2 - mu), "
                        "i_offset = s D^T x / tau (cm = 1 nF), W = -s D^T D (i != j), tau_refrac = 0")
    return network, meta


def _batch_rates(times, ids, n, t0, t1, n_batches):
    edges = np.linspace(t0, t1, n_batches + 1)
    counts = np.zeros((n_batches, n))
    for b in range(n_batches):
        m = (times >= edges[b]) & (times < edges[b + 1])
        counts[b] = np.bincount(ids[m], minlength=n)
    return counts / np.diff(edges)[:, None]                 # spikes per ms


def run(net, x, *, backend="nest", dt=0.1, delay=None, t_sim=2000.0, t_warm=200.0, n_batches=20, seed=12345):
    """Run the exported SCN on ``backend`` ("numba" = H2b's iaf_psc_delta simulator, "nest",
    "spinnaker"); return time-averaged filtered spike trains r (= rate x tau) with batch-means errors.

    Returns a dict: r_mean, r_sem, y_sem (readout D r error), n_spikes, info (backend facts), and
    ``delay_bias`` (zeros: the comparison against the QP is made by the caller; see
    ``delay_effect``).  On "spinnaker" (virtual board) r_mean is None and ``info`` holds chips/cores.
    """
    from recnet.validation.simulators.simulate import simulate

    network, meta = to_network(net, x, dt=dt, delay=delay)
    res = simulate(network, t_sim, backend=backend, dt=dt, seed=seed)
    info = dict(meta)
    info.update({k: v for k, v in res.info.items() if isinstance(v, (int, float, str, bool))})
    if backend == "spinnaker":
        return dict(r_mean=None, r_sem=None, y_sem=None, n_spikes=0, info=info, delay_bias=np.zeros(net.n),
                    result=res)
    sp = res["scn"]
    rb = _batch_rates(sp.times, sp.ids, net.n, t_warm, t_sim, n_batches) * net.tau   # r = rate * tau
    r_mean = rb.mean(axis=0)
    r_sem = rb.std(axis=0, ddof=1) / np.sqrt(n_batches)
    yb = rb @ net.D.T
    y_sem = yb.std(axis=0, ddof=1) / np.sqrt(n_batches)
    return dict(r_mean=r_mean, r_sem=r_sem, y_sem=y_sem, n_spikes=int(len(sp.times)), info=info,
                delay_bias=np.zeros(net.n), result=res)


def equivalent_reference(net, x, *, dt=0.1, delay=None, t_sim=2000.0, t_warm=200.0, n_batches=20):
    """recnet's SCN kernel in the mode PyNN can express: synchronous rule, recurrent delay, no
    refractoriness; returns (r_mean, r_sem) for comparison with NEST."""
    from recnet.numerics.scn import network as scn

    delay = dt if delay is None else delay
    V0 = np.minimum(net.F @ x, net.T * (1 - 1e-9))       # the exported initial v
    res = scn.simulate(net, x, dt=dt, t_sim=t_sim, t_warm=t_warm, spikes_per_step=0, delay=delay,
                       n_batches=n_batches, reset="absolute", V0=V0)
    bm = res.batch_r_means
    return res.r_mean, bm.std(axis=0, ddof=1) / np.sqrt(bm.shape[0])


def delay_effect(net, x, *, dt=0.1, delays=(0.0, 0.1, 0.5, 1.0), t_sim=2000.0, t_warm=200.0):
    """Rates of the greedy instantaneous network vs synchronous networks with finite delays.

    Returns a dict delay_ms -> (r_mean, readout error norm |x_qp_readout - D r|, spikes per neuron per s).
    """
    from recnet.numerics.scn import network as scn

    out = {}
    for dl in delays:
        kw = dict(spikes_per_step=1) if dl == 0 else dict(spikes_per_step=0, delay=dl)
        res = scn.simulate(net, x, dt=dt if dl == 0 else dt, t_sim=t_sim, t_warm=t_warm, **kw)
        out[float(dl)] = dict(r_mean=res.r_mean, rates_hz=res.rates_hz,
                              readout=net.D @ res.r_mean)
    return out
