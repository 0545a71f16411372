"""Spike-coding networks (SCN): construction from a decoder and event-exact simulation (numba).

A spike-coding network represents a latent signal x(t) (K dimensions) by the readout

    x_hat = D r,        dr/dt = -lam r + s(t),                       (filtered spike trains)

and neuron i spikes when its voltage reaches its threshold (Boerlin, Machens, Deneve 2013,
PLoS Comput Biol 9:e1003258, eqs. 4-10; Barrett, Deneve, Machens 2013, NIPS):

    V_i = D_i^T (x - x_hat) - mu r_i,        spike if V_i > T_i,
    T_i = (||D_i||^2 + mu + nu) / 2,

which in network form is a leaky integrate-and-fire network

    dV/dt = -lam V + D^T c(t) + Omega_s r - Omega_f s(t) + noise,
    Omega_f = D^T D + mu I          (fast weights; the diagonal is the reset ||D_i||^2 + mu),
    Omega_s = D^T (A + lam I) D     (slow weights; zero for the autoencoder),

with c = dx/dt + lam x for the autoencoder (A = 0) and c the command of dx/dt = A x + c otherwise.
Every spike keeps the coding error e = x - x_hat inside the bounding box {e : D_i^T e <= T_i}
(Calaim et al. 2022, eLife 11:e73276).

Units: time in ms (``tau``, ``dt``, ``t_sim``, ``delay``, ``t_ref``); voltages, thresholds and
the latent signal are in latent units (dimensionless; ``scn_export`` maps one unit to 1 mV);
``r`` is a filtered spike count (dimensionless), the firing rate is ``r / tau`` per ms, i.e.
``1000 r / tau`` Hz.

Simulation (``simulate``): fixed time step dt; between steps the leak and a piecewise-constant
input are integrated exactly (exponential Euler), spikes happen at step boundaries.  Spike rule:
``spikes_per_step = 1`` (the greedy rule of Boerlin et al.: only the neuron farthest above
threshold fires, then the others are re-evaluated in the next step), ``k > 1`` (up to k greedy
spikes in one step, voltages re-evaluated after each), ``0`` (every neuron above threshold at the
check fires at once: the synchronous rule of clock-driven simulators such as NEST).  Fast
recurrent input can be delayed by ``delay`` ms (whole steps; the self-reset stays instantaneous);
``t_ref`` is an absolute refractory period; ``sigma_v`` the stationary standard deviation of an
Ornstein-Uhlenbeck voltage noise (latent units).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from recnet import checks
from recnet.numerics._jit import njit

__all__ = ["SCN", "build", "simulate", "SimResult", "boerlin_thresholds"]


# ------------------------------------------------------------------------------- the network
@dataclass
class SCN:
    """A spike-coding network, in the arrays a simulator needs.

    Attributes
    ----------
    D : (K, N) decoder (latent units per spike).
    T : (N,) thresholds (latent units).
    W_fast : (N, N) fast recurrent weights, ``-(D^T D + mu I)`` (diagonal = minus the reset).
    U_slow, V_slow : (N, M), (M, N) low-rank factors of the slow weights
        ``Omega_s = U_slow @ V_slow`` (``D^T (A + lam I)`` and ``D``); M = 0 for an autoencoder.
    F : (N, K) feedforward weights ``D^T`` applied to the command c(t).
    tau : membrane (= readout) time constant in ms; ``lam = 1/tau``.
    mu, nu : quadratic and linear rate costs (latent units squared).
    A : (K, K) latent dynamics matrix or None (autoencoder).
    priority : (N,) int or None
        spike priority under the greedy rule: among neurons above threshold, those of the highest
        priority fire first (Podlaski & Machens 2024: inhibition wins over excitation).
    """

    D: np.ndarray
    T: np.ndarray
    W_fast: np.ndarray
    U_slow: np.ndarray
    V_slow: np.ndarray
    F: np.ndarray
    tau: float
    mu: float = 0.0
    nu: float = 0.0
    A: np.ndarray | None = None
    priority: np.ndarray | None = None

    @property
    def n(self):
        return self.D.shape[1]

    @property
    def k(self):
        return self.D.shape[0]

    @property
    def lam(self):
        return 1.0 / self.tau

    @property
    def reset(self):
        """Voltage drop of a neuron at its own spike, ``||D_i||^2 + mu`` (latent units)."""
        return -np.diag(self.W_fast).copy()

    def command_for(self, x, dxdt=None):
        """The command c = dx/dt + lam x (autoencoder) or dx/dt - A x (linear dynamics), per ms."""
        x = np.asarray(x, float)
        d = np.zeros_like(x) if dxdt is None else np.asarray(dxdt, float)
        if self.A is None:
            return d + self.lam * x
        return d - x @ self.A.T


def boerlin_thresholds(D, mu=0.0, nu=0.0):
    """Thresholds ``T_i = (||D_i||^2 + mu + nu) / 2`` (Boerlin et al. 2013, eq. 10)."""
    D = np.asarray(D, float)
    return 0.5 * (np.sum(D * D, axis=0) + mu + nu)


def build(D, *, A=None, mu=0.0, nu=0.0, tau=20.0, T=None):
    """Build the spike-coding network of decoder ``D``.

    Parameters
    ----------
    D : array (K, N)
        decoder: column i is the jump of the readout at a spike of neuron i (latent units).
    A : array (K, K) or None
        latent dynamics dx/dt = A x + c (per ms); None gives the autoencoder.
    mu, nu : float >= 0
        quadratic and linear costs of the rates (latent units squared).
    tau : float
        membrane and readout time constant (ms), ``lam = 1/tau``.
    T : array (N,) or None
        thresholds (latent units); default ``(||D_i||^2 + mu + nu)/2``.

    Returns
    -------
    SCN
        with ``W_fast = -(D^T D + mu I)``, ``Omega_s = D^T (A + lam I) D`` (as low-rank factors).
    """
    D = checks.array("D", D, ndim=2)
    K, N = D.shape
    if K < 1 or N < 1:
        raise checks.ParameterError("D", D.shape, "at least one latent dimension and one neuron",
                                    f"D has shape {D.shape}: needs at least one latent dimension and one neuron")
    mu = checks.nonnegative("mu", mu)
    nu = checks.nonnegative("nu", nu)
    tau = checks.positive("tau", tau, "ms")
    if np.any(np.sum(D * D, axis=0) + mu <= 0):
        bad = int(np.argmin(np.sum(D * D, axis=0)))
        raise checks.ParameterError("D", f"column {bad}", "nonzero columns when mu = 0 (each neuron needs a reset)",
                                    f"D column {bad} is zero and mu = 0: that neuron would have no reset")
    if T is None:
        T = boerlin_thresholds(D, mu, nu)
    else:
        T = checks.array("T", T, ndim=1, shape=(N,))
    lam = 1.0 / tau
    W_fast = -(D.T @ D + mu * np.eye(N))
    if A is None:
        U = np.zeros((N, 0))
        Vs = np.zeros((0, N))
        Am = None
    else:
        Am = checks.square_matrix("A", A, n=K)
        U = D.T @ (Am + lam * np.eye(K))
        Vs = D.copy()
    return SCN(D=D, T=np.ascontiguousarray(T), W_fast=np.ascontiguousarray(W_fast),
               U_slow=np.ascontiguousarray(U), V_slow=np.ascontiguousarray(Vs),
               F=np.ascontiguousarray(D.T), tau=tau, mu=mu, nu=nu, A=Am)


# ------------------------------------------------------------------------------- the kernel
@njit
def _run(V, r, ys, T, W, U, Vs, I_ff, decay, gain, n_steps, k_max, delay_steps, buf, pos,
         ref, ref_steps, noise, noise_scale, rec_every, rec_r, counts, spk_step, spk_idx,
         n_spk, r_sum, step0, prio, absolute):
    """Advance the network ``n_steps`` steps (see module docstring); returns (pos, n_spk).

    V, r, ys (= V_slow @ r), buf, ref, counts, r_sum, rec_r, spk_* are updated in place.
    I_ff: (n_in, N) feedforward current rows (n_in == 1: constant). noise: (n_steps, N) standard
    normals or (1, 1) if noise_scale == 0.
    """
    N = V.shape[0]
    M = ys.shape[0]
    L = buf.shape[0]
    n_in = I_ff.shape[0]
    cap = spk_step.shape[0]
    slow = np.zeros(N)
    fire = np.empty(N, np.int64)
    for t in range(n_steps):
        row = 0 if n_in == 1 else t
        # slow recurrent input Omega_s r = U (Vs r) = U ys
        if M > 0:
            for i in range(N):
                acc = 0.0
                for m in range(M):
                    acc += U[i, m] * ys[m]
                slow[i] = acc
        for i in range(N):
            V[i] = decay * V[i] + gain * (I_ff[row, i] + slow[i])
            r[i] *= decay
        for m in range(M):
            ys[m] *= decay
        if noise_scale > 0.0:
            for i in range(N):
                V[i] += noise_scale * noise[t, i]
        if L > 1:
            for i in range(N):
                V[i] += buf[pos, i]
                buf[pos, i] = 0.0
        for i in range(N):
            if ref[i] > 0:
                ref[i] -= 1
        # spikes
        if k_max == 0:
            # synchronous rule: all neurons above threshold fire together
            n_fire = 0
            for i in range(N):
                if ref[i] == 0 and V[i] > T[i]:
                    fire[n_fire] = i
                    n_fire += 1
            for f in range(n_fire):
                j = fire[f]
                _spike(j, V, r, ys, W, Vs, buf, pos, delay_steps, ref, ref_steps, counts, T, absolute)
                if n_spk < cap:
                    spk_step[n_spk] = step0 + t
                    spk_idx[n_spk] = j
                n_spk += 1
        else:
            for _ in range(k_max):
                best = -1
                best_v = 0.0
                best_p = -1
                for i in range(N):
                    if ref[i] == 0:
                        d = V[i] - T[i]
                        if d > 0.0 and (prio[i] > best_p or (prio[i] == best_p and d > best_v)):
                            best_v = d
                            best = i
                            best_p = prio[i]
                if best < 0:
                    break
                _spike(best, V, r, ys, W, Vs, buf, pos, delay_steps, ref, ref_steps, counts, T, absolute)
                if n_spk < cap:
                    spk_step[n_spk] = step0 + t
                    spk_idx[n_spk] = best
                n_spk += 1
        for i in range(N):
            r_sum[i] += r[i]
        if rec_every > 0 and (step0 + t + 1) % rec_every == 0:
            k = (step0 + t + 1) // rec_every - 1
            if k < rec_r.shape[0]:
                for i in range(N):
                    rec_r[k, i] = r[i]
        if L > 1:
            pos = (pos + 1) % L
    return pos, n_spk


@njit
def _spike(j, V, r, ys, W, Vs, buf, pos, delay_steps, ref, ref_steps, counts, T, absolute):
    N = V.shape[0]
    if absolute:
        V[j] = T[j]                            # the own reset below then gives V_j = T_j + W_jj
    r[j] += 1.0
    counts[j] += 1
    for m in range(ys.shape[0]):
        ys[m] += Vs[m, j]
    if delay_steps == 0:
        for i in range(N):
            V[i] += W[i, j]
    else:
        V[j] += W[j, j]                       # own reset: instantaneous
        slot = (pos + delay_steps) % buf.shape[0]
        for i in range(N):
            if i != j:
                buf[slot, i] += W[i, j]
    if ref_steps > 0:
        ref[j] = ref_steps + 1                 # decremented at the start of the next step


@dataclass
class SimResult:
    """What ``simulate`` returns.

    counts : (N,) spike counts; r_mean : (N,) time-averaged filtered spike trains over the
    recorded (post-warm-up) window; r_trace : (n_rec, N) r every ``record_every`` steps;
    spike_steps, spike_ids : spike list (step index, neuron), truncated at ``max_spikes``
    (``truncated`` says so); t_rec : record times (ms); dt, t_sim, t_warm in ms.
    """

    counts: np.ndarray
    r_mean: np.ndarray
    r_trace: np.ndarray
    t_rec: np.ndarray
    spike_steps: np.ndarray
    spike_ids: np.ndarray
    n_spikes: int
    truncated: bool
    dt: float
    t_sim: float
    t_warm: float
    batch_r_means: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))

    @property
    def rates_hz(self):
        """Spike counts / recorded time, in Hz."""
        return self.counts / ((self.t_sim - self.t_warm) * 1e-3)

    def readout(self, D):
        """Readout x_hat = D r at the record times, shape (n_rec, K)."""
        return self.r_trace @ np.asarray(D).T


def _prepare(net, x, dxdt, c, dt, t_sim, t_warm, spikes_per_step, delay, t_ref, sigma_v,
             V0, r0, record_every, n_batches, reset="subtractive"):
    if not isinstance(net, SCN):
        raise checks.ParameterTypeError("net", type(net).__name__, "an SCN (numerics.scn.build)",
                                        f"net must be an SCN (numerics.scn.build), got {type(net).__name__}")
    dt = checks.positive("dt", dt, "ms")
    t_sim = checks.positive("t_sim", t_sim, "ms")
    t_warm = checks.nonnegative("t_warm", t_warm, "ms")
    checks.less_than("t_warm", t_warm, "t_sim", t_sim, "ms")
    k_max = checks.integer("spikes_per_step", spikes_per_step, 0, 10 ** 6)
    delay = checks.nonnegative("delay", delay, "ms")
    t_ref = checks.nonnegative("t_ref", t_ref, "ms")
    sigma_v = checks.nonnegative("sigma_v", sigma_v)
    n_steps = int(round(t_sim / dt))
    n_warm = int(round(t_warm / dt))
    delay_steps = int(round(delay / dt))
    if delay > 0 and abs(delay_steps * dt - delay) > 1e-9 * max(1.0, delay):
        raise checks.ParameterError("delay", delay, f"a whole number of time steps dt = {dt} ms",
                                    f"delay = {delay} ms is invalid: must be a whole number of time steps dt = {dt} ms")
    ref_steps = int(round(t_ref / dt))
    N, K = net.n, net.k
    if c is None:
        if x is None:
            raise checks.ParameterError("x", None, "the latent signal x or the command c",
                                        "give the latent signal x (autoencoder) or the command c")
        xa = checks.array("x", x)
        if xa.ndim == 1:
            checks.array("x", xa, shape=(K,))
            cc = net.command_for(xa)[None, :]
        elif xa.ndim == 2:
            checks.array("x", xa, shape=(n_steps, K))
            d = np.gradient(xa, dt, axis=0) if dxdt is None else checks.array("dxdt", dxdt, shape=xa.shape)
            cc = net.command_for(xa, d)
        else:
            raise checks.ParameterError("x", xa.shape, "shape (K,) or (n_steps, K)",
                                        f"x has shape {xa.shape}: must be (K,) or (n_steps, K)")
    else:
        cc = checks.array("c", c)
        K_in = net.F.shape[1]
        if cc.ndim == 1:
            checks.array("c", cc, shape=(K_in,))
            cc = cc[None, :]
        else:
            checks.array("c", cc, shape=(n_steps, K_in))
    I_ff = np.ascontiguousarray(cc @ net.F.T)
    lam = net.lam
    decay = math.exp(-lam * dt)
    gain = (1.0 - decay) / lam
    noise_scale = sigma_v * math.sqrt(1.0 - decay * decay)
    if V0 is None:
        V = np.zeros(N)
        if x is not None:
            x0 = np.asarray(x, float)
            x0 = x0 if x0.ndim == 1 else x0[0]
            V = net.F @ x0                     # V = D^T (x - D r) with r = 0
    else:
        V = checks.array("V0", V0, shape=(N,)).copy()
    r = np.zeros(N) if r0 is None else checks.array("r0", r0, shape=(N,)).copy()
    if r0 is not None and V0 is None and x is not None:
        V = V + net.W_fast @ r
    ys = np.ascontiguousarray(net.V_slow @ r)
    rec_every = checks.integer("record_every", record_every, 0)
    n_batches = checks.integer("n_batches", n_batches, 1)
    if reset not in ("subtractive", "absolute"):
        raise checks.ParameterError("reset", reset, "'subtractive' or 'absolute'",
                                    f"reset = {reset!r} is invalid: choose 'subtractive' or 'absolute'")
    return dict(absolute=reset == "absolute", n_steps=n_steps, n_warm=n_warm, delay_steps=delay_steps, ref_steps=ref_steps,
                k_max=k_max, I_ff=I_ff, decay=decay, gain=gain, noise_scale=noise_scale, V=V, r=r,
                ys=ys, rec_every=rec_every, n_batches=n_batches, dt=dt, t_sim=t_sim, t_warm=t_warm)


def simulate(net, x=None, *, c=None, dxdt=None, dt=0.05, t_sim=1000.0, t_warm=0.0,
             spikes_per_step=1, delay=0.0, t_ref=0.0, sigma_v=0.0, seed=None, V0=None, r0=None,
             record_every=0, max_spikes=1_000_000, n_batches=20, chunk=20000, reset="subtractive"):
    """Simulate a spike-coding network (numba kernel, run in chunks).

    Parameters
    ----------
    net : SCN
        from ``build``.
    x : array (K,) or (n_steps, K)
        latent signal to track (autoencoder; the command is c = dx/dt + x/tau), or the initial
        condition source for V; use ``c`` instead to drive linear dynamics dx/dt = A x + c.
    c : array (K,) or (n_steps, K), per ms
        command, overrides ``x``.
    dt, t_sim, t_warm : float, ms
        time step, simulated time, warm-up excluded from ``r_mean`` and the rates.
    spikes_per_step : int
        1 greedy single spike, k > 1 up to k greedy spikes, 0 synchronous (see module doc).
    delay : float, ms
        delay of the fast recurrent connections (whole steps); the self-reset is instantaneous.
    t_ref : float, ms
        absolute refractory period.
    sigma_v : float
        stationary std of the Ornstein-Uhlenbeck voltage noise (latent units).
    seed : int or Generator
        noise seed (only used when sigma_v > 0).
    record_every : int
        record r every this many steps (0: none).
    n_batches : int
        number of batches of the post-warm-up window whose mean r are kept (batch-means errors).
    reset : "subtractive" | "absolute"
        subtractive: V_i drops by |D_i|^2 + mu (the SCN); absolute: V_i is set to
        T_i - |D_i|^2 - mu (PyNN's v_reset, as NEST's iaf_psc_delta does).

    Returns
    -------
    SimResult
    """
    p = _prepare(net, x, dxdt, c, dt, t_sim, t_warm, spikes_per_step, delay, t_ref, sigma_v,
                 V0, r0, record_every, n_batches, reset)
    gen = checks.rng(seed)
    max_spikes = checks.integer("max_spikes", max_spikes, 0)
    chunk = checks.integer("chunk", chunk, 1)
    N = net.n
    n_steps, n_warm = p["n_steps"], p["n_warm"]
    V, r, ys = p["V"], p["r"], p["ys"]
    L = p["delay_steps"] + 1
    buf = np.zeros((L, N))
    ref = np.zeros(N, np.int64)
    counts = np.zeros(N, np.int64)
    counts_warm = np.zeros(N, np.int64)
    rec_every = p["rec_every"]
    n_rec = n_steps // rec_every if rec_every else 0
    rec_r = np.zeros((n_rec, N))
    spk_step = np.zeros(max_spikes, np.int64)
    spk_idx = np.zeros(max_spikes, np.int64)
    r_sum = np.zeros(N)
    nb = p["n_batches"]
    n_meas = n_steps - n_warm
    edges = n_warm + (np.arange(nb + 1) * n_meas) // nb
    batch = np.zeros((nb, N))
    pos = 0
    n_spk = 0
    prio = np.zeros(N, np.int64) if net.priority is None else np.ascontiguousarray(net.priority, np.int64)
    dummy_noise = np.zeros((1, 1))
    # chunk boundaries: every batch edge and warm-up end is a boundary so r_sum splits exactly
    bounds = sorted(set([0, n_steps, n_warm] + list(edges) + list(range(0, n_steps, chunk))))
    for a, b in zip(bounds[:-1], bounds[1:]):
        if b <= a:
            continue
        I_ff = p["I_ff"] if p["I_ff"].shape[0] == 1 else np.ascontiguousarray(p["I_ff"][a:b])
        noise = gen.standard_normal((b - a, N)) if p["noise_scale"] > 0 else dummy_noise
        r_sum[:] = 0.0
        pos, n_spk = _run(V, r, ys, net.T, net.W_fast, net.U_slow, net.V_slow, I_ff, p["decay"],
                          p["gain"], b - a, p["k_max"], p["delay_steps"], buf, pos, ref,
                          p["ref_steps"], noise, p["noise_scale"], rec_every, rec_r, counts,
                          spk_step, spk_idx, n_spk, r_sum, a, prio, p["absolute"])
        if b == n_warm:
            counts_warm[:] = counts
        if a >= n_warm:
            k = np.searchsorted(edges, a, side="right") - 1
            batch[min(k, nb - 1)] += r_sum
    lens = np.diff(edges).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        batch_means = batch / lens[:, None]
    r_mean = batch.sum(axis=0) / max(n_meas, 1)
    n_keep = min(n_spk, max_spikes)
    t_rec = (np.arange(1, n_rec + 1) * rec_every) * p["dt"]
    return SimResult(counts=counts - counts_warm, r_mean=r_mean, r_trace=rec_r, t_rec=t_rec,
                     spike_steps=spk_step[:n_keep].copy(), spike_ids=spk_idx[:n_keep].copy(),
                     n_spikes=int(n_spk), truncated=bool(n_spk > max_spikes), dt=p["dt"],
                     t_sim=p["t_sim"], t_warm=p["t_warm"], batch_r_means=batch_means)


def box_polygon(D, T, *, radius=None):
    """Vertices (counter-clockwise) of the 2-D bounding box {e : D_i^T e <= T_i} (Calaim et al. 2022).

    D : (2, N) decoder, T : (N,) thresholds.  If the box is unbounded (the normals do not span all
    directions, e.g. after neuron loss) it is cut at |e_k| <= ``radius`` (default 4 max T/|D|).
    """
    from scipy.spatial import HalfspaceIntersection

    D = checks.array("D", D, ndim=2)
    if D.shape[0] != 2:
        raise checks.ParameterError("D", D.shape, "a 2-D latent space (2 rows)",
                                    f"D has shape {D.shape}: box_polygon needs a 2-D latent space")
    T = checks.array("T", T, ndim=1, shape=(D.shape[1],))
    if np.any(T <= 0):
        raise checks.ParameterError("T", T.tolist(), "> 0 (the origin inside the box)",
                                    "T must be > 0 (the origin must lie inside the box)")
    if radius is None:
        radius = 4.0 * float(np.max(T / np.linalg.norm(D, axis=0)))
    hs = np.c_[D.T, -T]
    cut = np.array([[1, 0, -radius], [-1, 0, -radius], [0, 1, -radius], [0, -1, -radius]], float)
    pts = HalfspaceIntersection(np.vstack([hs, cut]), np.zeros(2)).intersections
    ang = np.arctan2(pts[:, 1], pts[:, 0])
    return pts[np.argsort(ang)]
