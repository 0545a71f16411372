"""Event-by-event simulation of pulse-coupled phase neurons with single-spike Jacobians.

Shared by :mod:`recnet.numerics.lyapunov.theta` and :mod:`recnet.numerics.lyapunov.lif`.
Every neuron has the same drive, so between spikes all phases advance at the same velocity
``omega``; the state is kept in a co-moving frame (``phase_i - shift``) in an indexed binary max-heap,
so the next spiking neuron is the heap's top (O(1)) and each of the ``K`` postsynaptic updates costs
O(log N).  When neuron j reaches the threshold phase pi it is reset to -pi and every postsynaptic i
jumps along its phase transition curve ``psi -> g(psi)``; the tangent vectors (rows of ``Q``, C order)
are updated with the single-spike Jacobian ``Q[i] <- g'(psi_i) Q[i] + (1 - g'(psi_i)) Q[j]``
(Monteforte & Wolf 2010, PRL 105:268104).

Phase transition curves (``model`` 0 = theta, 1 = LIF), parameters ``par``:

* theta: ``g(psi) = 2 atan(tan(psi/2) + c)``, ``par = (c,)``;
* LIF: ``V = U(psi) = I (1 - exp(-(psi + pi)/w))`` with ``w = omega tau``, ``g = U^-1(U + J)``,
  ``g' = (I - U)/(I - U - J)``, ``par = (I, J, w)``.
"""
from __future__ import annotations

import math
import time as _time

import numpy as np

from recnet import checks
from recnet.numerics._jit import njit

__all__ = ["fixed_indegree_graph", "heap_build", "run_events", "ptc"]


def fixed_indegree_graph(n, k, seed=None):
    """Random graph in which every neuron receives exactly ``k`` inputs from distinct other neurons.

    Returns the postsynaptic lists in CSR form ``(ptr, post)``: the targets of neuron j are
    ``post[ptr[j]:ptr[j+1]]``.
    """
    n = checks.integer("n", n, minimum=2)
    k = checks.integer("k", k, minimum=1, maximum=n - 1)
    rng = checks.rng(seed)
    pre = np.empty((n, k), dtype=np.int64)
    for i in range(n):
        s = rng.choice(n - 1, size=k, replace=False)
        s[s >= i] += 1                      # no autapses
        pre[i] = s
    post_of = pre.ravel()
    tgt = np.repeat(np.arange(n, dtype=np.int64), k)
    order = np.argsort(post_of, kind="stable")
    post = tgt[order]
    counts = np.bincount(post_of, minlength=n)
    ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(counts, out=ptr[1:])
    return ptr, post


@njit
def ptc(model, par, psi):
    """Phase transition curve g(psi) and its derivative g'(psi)."""
    if model == 0:
        t = math.tan(0.5 * psi)
        u = t + par[0]
        gp = (1.0 + t * t) / (1.0 + u * u)
        return 2.0 * math.atan(u), gp
    I, J, w = par[0], par[1], par[2]
    rem = I * math.exp(-(psi + math.pi) / w)       # I - U(psi) > 0
    new_rem = rem - J                               # I - U(psi) - J
    return -math.pi - w * math.log(new_rem / I), rem / new_rem


@njit
def _sift_up(heap, pos, key, p):
    i = heap[p]
    v = key[i]
    while p > 0:
        q = (p - 1) >> 1
        if key[heap[q]] >= v:
            break
        heap[p] = heap[q]
        pos[heap[p]] = p
        p = q
    heap[p] = i
    pos[i] = p


@njit
def _sift_down(heap, pos, key, p):
    n = heap.size
    i = heap[p]
    v = key[i]
    while True:
        l = 2 * p + 1
        if l >= n:
            break
        r = l + 1
        c = l
        if r < n and key[heap[r]] > key[heap[l]]:
            c = r
        if key[heap[c]] <= v:
            break
        heap[p] = heap[c]
        pos[heap[p]] = p
        p = c
    heap[p] = i
    pos[i] = p


@njit
def heap_build(key):
    """Indexed max-heap of the co-moving phases: (heap, pos)."""
    n = key.size
    heap = np.arange(n)
    pos = np.arange(n)
    for p in range(n // 2 - 1, -1, -1):
        _sift_down(heap, pos, key, p)
    return heap, pos


@njit
def _update(heap, pos, key, i, v):
    old = key[i]
    key[i] = v
    if v > old:
        _sift_up(heap, pos, key, pos[i])
    else:
        _sift_down(heap, pos, key, pos[i])


@njit
def run_events(model, par, key, heap, pos, shift, ptr, post, Q, n_events, tangent, rec_idx, rec_phase,
               logdet):
    """Run ``n_events`` spikes; returns the new ``shift`` (total phase advance, radians).

    ``key`` holds phases in the co-moving frame (true phase = key + shift).  ``Q`` (N, m), C order,
    is updated with the single-spike Jacobians when ``tangent`` is true.  The spiking neuron of
    each event and the shift at which it fired are written to ``rec_idx``/``rec_phase`` (arrays of
    length >= n_events, or length 0 to skip recording).  When ``tangent`` is true,
    ``logdet[0]`` accumulates ln|det D| = sum over postsynaptic updates of ln g'(psi_i) (the
    single-spike Jacobian's determinant, row j being a row of the identity); when ``logdet`` has
    3 entries, ``logdet[1]`` keeps the largest |g'| + |1 - g'| (the row update's round-off scale)
    and ``logdet[2]`` counts the row updates.
    """
    m = Q.shape[1]
    rec = rec_idx.size > 0
    for s in range(n_events):
        j = heap[0]
        shift = math.pi - key[j]             # the top neuron reaches pi
        if rec:
            rec_idx[s] = j
            rec_phase[s] = shift
        for q in range(ptr[j], ptr[j + 1]):
            i = post[q]
            gi, dg = ptc(model, par, key[i] + shift)
            if tangent:
                logdet[0] += math.log(abs(dg))
                if logdet.size >= 3:
                    logdet[1] = max(logdet[1], abs(dg) + abs(1.0 - dg))
                    logdet[2] += 1.0
                for a in range(m):
                    Q[i, a] = dg * Q[i, a] + (1.0 - dg) * Q[j, a]
            _update(heap, pos, key, i, gi - shift)
        _update(heap, pos, key, j, -math.pi - shift)
    return shift


def pulse_sum_rule_roundoff_bound(n, m, frame_cond, logdet, increments):
    r"""Round-off bound on |sum of the QR log increments - sum of ln|g'|| on one run (m = N).

    Exact arithmetic makes them equal (each single-spike Jacobian has determinant g').  One row
    update Q_i <- g' Q_i + (1 - g') Q_j makes 3 roundings, error <= gamma_3 (|g'| + |1 - g'|) max|Q|
    in one row, moving ln|det Q| by <= sqrt(m) 3 u (|g'| + |1 - g'|)_max kappa_k (kappa_k the frame
    condition number at the end of interval k, measured); Householder QR adds N^{3/2} 4 N m u kappa_k
    per interval and summing the logs (count) u (sum of |terms|) (Higham, Accuracy and Stability,
    Thms. 3.5 and 19.4).  ``logdet`` is the kernel's [sum, max(|g'| + |1 - g'|), row updates].
    """
    u = float(np.finfo(float).eps) / 2
    kap = np.maximum(np.asarray(frame_cond, float), 1.0)
    if kap.size == 0:
        return float("nan")
    upd = float(logdet[2]) / kap.size                         # row updates per interval
    rows = kap.sum() * upd * math.sqrt(m) * 3 * u * float(logdet[1])
    qr = kap.sum() * n ** 1.5 * 4 * n * m * u
    sums = u * (increments.size * float(np.sum(np.abs(increments))) + float(logdet[2]) * abs(float(logdet[0])))
    return float(rows + qr + sums)


def pulse_spectrum(model, par, omega, ptr, post, n, m, *, blas_threads="auto", **kw):
    """Lyapunov spectrum of a pulse-coupled phase network (time in ms, exponents in 1/s).

    Returns a ``SpectrumResult`` with, in addition, ``rate_hz`` (mean rate over the measurement),
    ``n_spikes``, ``entropy_per_spike_bits`` (H / (N rate) / ln 2) with its stderr and
    ``events_per_ons``.
    """
    from recnet.numerics.lyapunov.common import blas_limit
    from recnet.numerics.lyapunov.common import check_m
    with blas_limit(blas_threads, n, check_m(m, n)):
        return _pulse_spectrum(model, par, omega, ptr, post, n, m, **kw)


def _pulse_spectrum(model, par, omega, ptr, post, n, m, *, t_sim, t_warm, t_warm_q, events_per_ons=None,
                    cond_max=1e4, seed=0, n_boot=200, n_blocks=20, progress=None, key0=None):
    from recnet.numerics.lyapunov.common import LN2, check_m, qr_positive, summarise
    m = check_m(m, n)
    rng = checks.rng(seed)
    par = np.asarray(par, dtype=np.float64)
    key = rng.uniform(-np.pi, np.pi, n) if key0 is None else np.array(key0, dtype=float)
    heap, pos = heap_build(key)
    empty_i, empty_f = np.zeros(0, np.int64), np.zeros(0)
    Q = np.ascontiguousarray(np.linalg.qr(rng.standard_normal((n, m)))[0])
    dummy = np.zeros((n, 0))
    logdet = np.zeros(3)
    shift = 0.0

    def advance(n_ev, tangent):
        nonlocal shift, key
        s = run_events(model, par, key, heap, pos, shift, ptr, post, Q if tangent else dummy, n_ev,
                       tangent, empty_i, empty_f, logdet)
        dt_ms = s / omega                      # phases were re-based to shift = 0 before
        key += s                               # re-base: true phases, shift 0 (heap order unchanged)
        shift = 0.0
        if not np.all(np.isfinite(key)):
            raise ValueError("a neuron phase became non-finite: check the coupling and drive")
        return dt_ms

    # warm-up of the state (no tangent vectors), in chunks; at least one chunk, which also gives
    # the network's event rate
    t, ev = 0.0, 0
    while True:
        chunk = max(1, n // 4)
        t += advance(chunk, False)
        ev += chunk
        if t >= t_warm:
            break
    ev_per_ms = ev / max(t, 1e-300)
    # interval from the condition number (the pilot is part of the warm-up of Q); at most 1/20
    # of the measurement, so that the bootstrap has >= 20 intervals
    if events_per_ons is None:
        cap = max(16, int(ev_per_ms * t_sim / 20))
        k, best = 16, 16
        while k <= cap:
            advance(k, True)
            s_ = np.linalg.svd(Q, compute_uv=False)
            Q[:] = qr_positive(np.asfortranarray(Q), overwrite=True)[0]
            if s_[-1] <= 0 or s_[0] / s_[-1] > cond_max:
                break
            best = k
            k *= 2
        events_per_ons = best
    events_per_ons = checks.integer("events_per_ons", events_per_ons, minimum=1)
    t = 0.0
    while t < t_warm_q:
        t += advance(events_per_ons, True)
        Q[:] = qr_positive(np.asfortranarray(Q), overwrite=True)[0]
    inc, dur = [], []
    t = 0.0
    logdet[:] = 0.0
    conds = []
    from tqdm import tqdm
    wall0 = _time.perf_counter()
    bar = tqdm(total=float(t_sim), disable=progress if progress is not None else None, leave=False,
               desc=f"spike spectrum N={n} m={m}")
    while t < t_sim:
        d = advance(events_per_ons, True)
        if m == n:
            conds.append(np.linalg.cond(Q))
        Qn, log_r = qr_positive(np.asfortranarray(Q), overwrite=True)
        Q[:] = Qn
        inc.append(log_r)
        dur.append(d / 1000.0)                 # seconds
        t += d
        bar.update(d)
    bar.close()
    wall = _time.perf_counter() - wall0
    inc = np.array(inc)
    dur = np.array(dur)
    res = summarise(inc, dur, Q, n_boot=n_boot, n_blocks=n_blocks, seed=rng)
    n_spk = events_per_ons * len(dur)
    rate = n_spk / (n * dur.sum())
    res.update(rate_hz=float(rate), n_spikes=int(n_spk), events_per_ons=int(events_per_ons), n=n, m=m,
               t_sim_ms=float(t), entropy_per_spike_bits=res["entropy_rate"] / (n * rate) / LN2,
               entropy_per_spike_bits_stderr=res["entropy_rate_stderr"] / (n * rate) / LN2,
               final_phases=key.copy(), logdet_rate=float(logdet[0] / dur.sum()),
               logdet_roundoff_bound=(pulse_sum_rule_roundoff_bound(n, m, conds, logdet, inc) / dur.sum()
                                      if m == n else float("nan")),
               wall_measure_s=wall, spikes_per_wall_s=n_spk / wall if wall > 0 else float("nan"))
    return res
