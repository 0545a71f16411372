"""Simulation of threshold-linear (rectified-linear) rate networks from many initial conditions.

The threshold-linear network (TLN) is

    tau dx/dt = -x + [W x + b]_+ ,        [u]_+ = max(u, 0),

with ``x`` the N firing rates, ``W`` the (N, N) weights (``W[i, j]`` is the weight from neuron j
onto neuron i), ``b`` the N external inputs and ``tau`` the time constant (Hahnloser, Seung,
Slotine 2003, Neural Comput 15:621; Curto, Geneson, Morrison 2019, Neural Comput 31:94).

**Time unit.** Time is measured in the unit of ``tau``; the default ``tau = 1`` makes ``t_max``
and ``dt`` dimensionless multiples of the rate time constant (as in the TLN papers).  Pass
``tau`` in ms together with ``t_max`` and ``dt`` in ms to get physical time.

``simulate_tln`` integrates a batch of initial conditions in parallel (numba ``prange`` over
initial conditions, one trajectory per thread, no shared accumulators) with the classical
Runge-Kutta scheme (or forward Euler), stops each trajectory once it has converged to a fixed
point, and reports which did.  A fixed point of the ODE is also an exact fixed point of both
integration maps, so converged states are fixed points up to ``tol`` irrespective of ``dt``.
The naive twin the tests compare with is ``simulate_tln_numpy`` in ``tests/twins/tln_simulate.py``.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from recnet import checks
from recnet.numerics._jit import njit, prange

__all__ = ["TLNSimulation", "simulate_tln", "tln_velocity", "max_lyapunov_exponent"]

# Status codes of a trajectory.
RUNNING, CONVERGED, DIVERGED = 0, 1, 2
_DIVERGE_NORM = 1e12  # |x|_inf above this counts as diverged (unbounded TLN)


@dataclass
class TLNSimulation:
    """Result of ``simulate_tln``.

    Attributes
    ----------
    x_final : ndarray (n_init, N)
        state at the end of each trajectory (at convergence, divergence or ``t_max``).
    converged : ndarray of bool (n_init,)
        ``|(-x + [W x + b]_+) / tau|_inf < tol`` was reached before ``t_max``.
    diverged : ndarray of bool (n_init,)
        ``|x|_inf`` exceeded 1e12 (the TLN is unbounded from this start).
    t_end : ndarray (n_init,)
        time at which each trajectory stopped, in the unit of ``tau``.
    residual : ndarray (n_init,)
        ``|dx/dt|_inf`` at ``x_final`` (in rate units per unit of ``tau``).
    trajectories : ndarray (n_init, n_rec, N) or None
        states every ``record_every`` steps (row 0 is ``x0``); after a trajectory stops its
        final state is repeated.  None unless ``record_every > 0``.
    times : ndarray (n_rec,) or None
        the recording times, in the unit of ``tau``.
    """

    x_final: np.ndarray
    converged: np.ndarray
    diverged: np.ndarray
    t_end: np.ndarray
    residual: np.ndarray
    trajectories: np.ndarray | None = None
    times: np.ndarray | None = None


@njit
def _rhs(W, b, x, tau, out):
    n = x.shape[0]
    for i in range(n):
        u = b[i]
        for j in range(n):
            u += W[i, j] * x[j]
        if u < 0.0:
            u = 0.0
        out[i] = (u - x[i]) / tau


@njit(parallel=True)
def _simulate_kernel(W, b, X0, tau, dt, n_steps, tol, rk4, record_every, traj, x_out, status, t_end, res):
    n_init, n = X0.shape
    n_rec = traj.shape[1]
    for r in prange(n_init):
        x = X0[r].copy()
        k1 = np.empty(n)
        k2 = np.empty(n)
        k3 = np.empty(n)
        k4 = np.empty(n)
        tmp = np.empty(n)
        st = RUNNING
        step = 0
        rec = 0
        if record_every > 0:
            for i in range(n):
                traj[r, 0, i] = x[i]
            rec = 1
        resid = 0.0
        while True:
            _rhs(W, b, x, tau, k1)
            resid = 0.0
            big = 0.0
            for i in range(n):
                a = abs(k1[i])
                if a > resid:
                    resid = a
                a = abs(x[i])
                if a > big:
                    big = a
            if not (resid < np.inf) or big > _DIVERGE_NORM:
                st = DIVERGED
                break
            if resid < tol:
                st = CONVERGED
                break
            if step >= n_steps:
                break
            if rk4:
                for i in range(n):
                    tmp[i] = x[i] + 0.5 * dt * k1[i]
                _rhs(W, b, tmp, tau, k2)
                for i in range(n):
                    tmp[i] = x[i] + 0.5 * dt * k2[i]
                _rhs(W, b, tmp, tau, k3)
                for i in range(n):
                    tmp[i] = x[i] + dt * k3[i]
                _rhs(W, b, tmp, tau, k4)
                for i in range(n):
                    x[i] += dt / 6.0 * (k1[i] + 2.0 * k2[i] + 2.0 * k3[i] + k4[i])
            else:
                for i in range(n):
                    x[i] += dt * k1[i]
            step += 1
            if record_every > 0 and step % record_every == 0 and rec < n_rec:
                for i in range(n):
                    traj[r, rec, i] = x[i]
                rec += 1
        if record_every > 0:
            while rec < n_rec:
                for i in range(n):
                    traj[r, rec, i] = x[i]
                rec += 1
        for i in range(n):
            x_out[r, i] = x[i]
        status[r] = st
        t_end[r] = step * dt
        res[r] = resid


def _check(W, b, x0, t_max, dt, tau, tol, method, record_every):
    W = checks.square_matrix("W", W)
    n = W.shape[0]
    b = checks.array("b", b, ndim=1, shape=(n,))
    x0 = checks.array("x0", x0)
    if x0.ndim == 1:
        x0 = x0[None, :]
    if x0.ndim != 2 or x0.shape[1] != n:
        raise checks.ParameterError("x0", x0.shape, f"shape ({n},) or (n_init, {n})",
                                    f"x0 has shape {x0.shape}: must be ({n},) or (n_init, {n}) to match W")
    if x0.shape[0] < 1:
        raise checks.ParameterError("x0", x0.shape, "at least one initial condition",
                                    "x0 must hold at least one initial condition")
    t_max = checks.positive("t_max", t_max)
    dt = checks.positive("dt", dt)
    tau = checks.positive("tau", tau)
    tol = checks.positive("tol", tol)
    if dt > t_max:
        raise checks.ParameterError("dt", dt, f"<= t_max = {t_max:g}",
                                    f"dt = {dt:g} is invalid: must be <= t_max = {t_max:g}")
    if method not in ("rk4", "euler"):
        raise checks.ParameterError("method", method, "'rk4' or 'euler'",
                                    f"method = {method!r} is invalid: choose 'rk4' or 'euler'")
    if method == "euler" and dt >= 2.0 * tau:
        raise checks.ParameterError("dt", dt, f"< 2 tau = {2 * tau:g} for forward Euler",
                                    f"dt = {dt:g} is invalid for forward Euler: must be < 2 tau = {2 * tau:g}")
    record_every = checks.integer("record_every", record_every, minimum=0)
    return W, b, np.ascontiguousarray(x0), t_max, dt, tau, tol, record_every


def simulate_tln(W, b, x0, t_max=200.0, dt=0.01, *, tau=1.0, tol=1e-9, method="rk4", record_every=0):
    """Integrate ``tau dx/dt = -x + [W x + b]_+`` from a batch of initial conditions.

    Parameters
    ----------
    W : array (N, N)
        weights, ``W[i, j]`` from neuron j onto neuron i (dimensionless).
    b : array (N,)
        external inputs (rate units).
    x0 : array (N,) or (n_init, N)
        initial states (rate units); each row is one trajectory.
    t_max : float
        longest integration time, in the unit of ``tau`` (default 200 tau).
    dt : float
        integration step, in the unit of ``tau`` (default 0.01 tau).
    tau : float
        the rate time constant; 1 makes time dimensionless (the TLN papers' convention).
    tol : float
        a trajectory stops as converged once ``|dx/dt|_inf < tol`` (rate units per unit of tau).
    method : {"rk4", "euler"}
        classical Runge-Kutta (default) or forward Euler.
    record_every : int
        record the state every this many steps (0: no trajectories).

    Returns
    -------
    TLNSimulation
        final states, converged/diverged flags, stopping times, residuals, optional trajectories.

    Notes
    -----
    Parallel over initial conditions (numba ``prange``).  A trajectory that neither converges nor
    diverges by ``t_max`` (a limit cycle or chaotic attractor, or a slow approach) has
    ``converged = diverged = False``.
    """
    W, b, x0, t_max, dt, tau, tol, record_every = _check(W, b, x0, t_max, dt, tau, tol, method, record_every)
    n_steps = int(np.ceil(t_max / dt - 1e-9))
    n_init, n = x0.shape
    if record_every > 0:
        n_rec = n_steps // record_every + 1
        if n_init * n_rec * n > 2e8:
            raise checks.ParameterError("record_every", record_every, "at most 2e8 stored values",
                                        f"record_every = {record_every} would store {n_init * n_rec * n:.3g} values "
                                        "(> 2e8): record less often or fewer initial conditions")
        traj = np.empty((n_init, n_rec, n))
    else:
        n_rec = 0
        traj = np.empty((n_init, 0, n))
    x_out = np.empty((n_init, n))
    status = np.zeros(n_init, dtype=np.int64)
    t_end = np.empty(n_init)
    res = np.empty(n_init)
    _simulate_kernel(W, b, x0, tau, dt, n_steps, tol, method == "rk4", record_every, traj, x_out, status,
                     t_end, res)
    return TLNSimulation(
        x_final=x_out, converged=status == CONVERGED, diverged=status == DIVERGED, t_end=t_end,
        residual=res, trajectories=traj if record_every > 0 else None,
        times=np.arange(n_rec) * record_every * dt if record_every > 0 else None)


def tln_velocity(W, b, x, tau=1.0):
    """``dx/dt = (-x + [W x + b]_+) / tau`` for one state or a batch of states (rows)."""
    W = checks.square_matrix("W", W)
    b = checks.array("b", b, ndim=1, shape=(W.shape[0],))
    x = checks.array("x", x)
    tau = checks.positive("tau", tau)
    return (-x + np.maximum(x @ W.T + b, 0.0)) / tau


def max_lyapunov_exponent(W, b, x0, *, t_warm=200.0, t_sim=1000.0, t_renorm=1.0, d0=1e-7, dt=0.01,
                          tau=1.0):
    """Largest Lyapunov exponent of the TLN attractor reached from ``x0`` (two-trajectory Benettin).

    A reference trajectory and a twin at distance ``d0`` are integrated together
    (``simulate_tln``, RK4); every ``t_renorm`` the separation d is measured and the twin pulled
    back to distance ``d0`` along it, and

        lambda_1 = sum_k log(d_k / d0) / t_sim                      (Benettin et al. 1980)

    in 1/tau.  lambda_1 > 0: chaos; lambda_1 = 0 (to O(1/t_sim)): a limit cycle or a quasi-periodic
    attractor; lambda_1 < 0: a stable fixed point (the run stops once the reference converges,
    |dx/dt| < 1e-12, and the exponent so far is returned).

    Parameters
    ----------
    W, b : the TLN (dimensionless weights, inputs in rate units); x0 : (N,) start.
    t_warm, t_sim, t_renorm, dt : float, in the unit of tau (transient discarded, measured time,
        renormalisation interval, RK4 step).
    d0 : float
        separation of the twin (rate units).

    Returns
    -------
    (lambda_1 in 1/tau, x at the end of the run)
    """
    W = checks.square_matrix("W", W)
    n = W.shape[0]
    b = checks.array("b", b, ndim=1, shape=(n,))
    x = checks.array("x0", x0, ndim=1, shape=(n,))
    t_warm = checks.nonnegative("t_warm", t_warm)
    t_sim = checks.positive("t_sim", t_sim)
    t_renorm = checks.positive("t_renorm", t_renorm)
    d0 = checks.positive("d0", d0)
    if t_renorm > t_sim:
        raise checks.ParameterError("t_renorm", t_renorm, f"<= t_sim = {t_sim:g}",
                                    f"t_renorm = {t_renorm:g} is invalid: must be <= t_sim = {t_sim:g}")
    if t_warm > 0:
        x = simulate_tln(W, b, x, t_max=t_warm, dt=dt, tau=tau, tol=1e-12).x_final[0]
    rng = np.random.default_rng(0)  # direction of the first perturbation only (deterministic)
    v = rng.standard_normal(n)
    y = x + d0 * v / np.linalg.norm(v)
    acc, t = 0.0, 0.0
    for _ in range(int(round(t_sim / t_renorm))):
        r = simulate_tln(W, b, np.stack([x, y]), t_max=t_renorm, dt=dt, tau=tau, tol=1e-12)
        x, y = r.x_final
        d = float(np.linalg.norm(y - x))
        t += t_renorm
        if d == 0.0 or r.converged[0]:
            acc += np.log(max(d, 1e-300) / d0)
            break
        acc += np.log(d / d0)
        y = x + (d0 / d) * (y - x)
    return acc / t, x


# --------------------------------------------------------------- Poisson-unit realisation
@njit
def _poisson_kernel(W, b, y0, a, inc, gain_dt, n_steps, n_warm, n_batches, seed, batch_means, crossings):
    np.random.seed(seed)
    n = W.shape[0]
    y = y0.copy()
    u = np.empty(n)
    per_batch = (n_steps - n_warm) // n_batches
    n_spikes = 0
    for step in range(n_steps):
        for i in range(n):
            acc = b[i]
            for j in range(n):
                acc += W[i, j] * y[j]
            u[i] = acc
        rec = step >= n_warm
        for i in range(n):
            lam = u[i] if u[i] > 0.0 else 0.0
            k = np.random.poisson(lam * gain_dt) if lam > 0.0 else 0
            n_spikes += k
            y[i] = a * y[i] + inc * k
            if rec:
                bi = (step - n_warm) // per_batch
                if bi < n_batches:
                    batch_means[bi, i] += y[i]
        if rec:
            for i in range(n):
                if step > n_warm and (u[i] > 0.0) != (crossings[i, 1] > 0.0):
                    crossings[i, 0] += 1.0
                crossings[i, 1] = u[i]
    for bi in range(n_batches):
        for i in range(n):
            batch_means[bi, i] /= per_batch
    return n_spikes


def simulate_poisson_tln(W, b, x0, *, t_sim=4000.0, t_warm=400.0, tau=20.0, rate_per_unit=100.0, pool=200,
                         dt=0.1, n_batches=20, seed=None):
    """A spiking realisation of the TLN by populations of Poisson neurons.

    Each TLN unit i is a pool of ``pool`` Poisson neurons firing at ``rate_per_unit * [W y + b]_i+``
    Hz each; ``y_i`` is the pool's spike train filtered with an exponential of time constant
    ``tau`` (ms) and scaled so that one unit of y is ``rate_per_unit`` Hz per neuron.  The mean of
    y then obeys tau dy/dt = -y + [W y + b]_+ exactly in the linear regions (the increment per
    spike is chosen so that the discrete-time stationary mean has no O(dt) bias), so a stable TLN
    fixed point x* is the mean of y as long as the inputs of active units stay positive and those
    of silent units negative (``input_sign_changes`` counts when they do not).

    Parameters
    ----------
    W : (N, N), b : (N,), x0 : (N,) initial state (rate units).
    t_sim, t_warm : float, ms
        simulated time and the warm-up discarded before averaging.
    tau : float, ms
        filter (= TLN) time constant.
    rate_per_unit : float, Hz
        firing rate of one pool neuron per unit of x.
    pool : int
        neurons per unit; fluctuations of y fall as 1/sqrt(pool).
    dt : float, ms
        time step (spike counts per step are Poisson).
    n_batches : int
        batches for the batch-means standard error.
    seed : int or Generator

    Returns
    -------
    dict with ``x_mean`` (N,), ``stderr`` (N,) batch-means standard errors, ``rates_hz`` per pool
    neuron, ``input_sign_changes`` (N,) number of steps at which each unit's input changed sign
    after warm-up, ``n_spikes``.
    """
    W = checks.square_matrix("W", W)
    n = W.shape[0]
    b = checks.array("b", b, ndim=1, shape=(n,))
    x0 = checks.array("x0", x0, ndim=1, shape=(n,))
    t_sim = checks.positive("t_sim", t_sim, "ms")
    t_warm = checks.nonnegative("t_warm", t_warm, "ms")
    tau = checks.positive("tau", tau, "ms")
    rate = checks.positive("rate_per_unit", rate_per_unit, "Hz")
    pool = checks.integer("pool", pool, minimum=1)
    dt = checks.positive("dt", dt, "ms")
    n_batches = checks.integer("n_batches", n_batches, minimum=2)
    if t_warm >= t_sim:
        raise checks.ParameterError("t_warm", t_warm, f"< t_sim = {t_sim:g} ms",
                                    f"t_warm = {t_warm:g} ms is invalid: must be below t_sim = {t_sim:g} ms")
    if dt > 0.1 * tau:
        raise checks.ParameterError("dt", dt, f"<= tau / 10 = {tau / 10:g} ms",
                                    f"dt = {dt:g} ms is invalid: must be <= tau / 10 = {tau / 10:g} ms")
    n_steps = int(round(t_sim / dt))
    n_warm = int(round(t_warm / dt))
    if (n_steps - n_warm) < n_batches:
        raise checks.ParameterError("n_batches", n_batches, f"<= the {n_steps - n_warm} steps of t_sim - t_warm",
                                    "t_sim - t_warm holds fewer steps than n_batches")
    gain = rate * pool  # Hz per unit of x, whole pool
    a = np.exp(-dt / tau)
    # stationary mean of y_{t+1} = a y_t + inc * Poisson(gain u dt) equals u when inc = (1 - a)/(gain dt)
    inc = (1.0 - a) / (gain * dt * 1e-3)
    seed_int = int(checks.rng(seed).integers(2**31 - 1))
    bm = np.zeros((n_batches, n))
    cross = np.zeros((n, 2))
    cross[:, 1] = 1.0
    n_spikes = _poisson_kernel(W, b, x0.copy(), a, inc, gain * dt * 1e-3, n_steps, n_warm, n_batches,
                               seed_int, bm, cross)
    x_mean = bm.mean(axis=0)
    stderr = bm.std(axis=0, ddof=1) / np.sqrt(n_batches)
    return {"x_mean": x_mean, "stderr": stderr, "rates_hz": rate * x_mean, "batch_means": bm,
            "input_sign_changes": cross[:, 0].astype(int), "n_spikes": int(n_spikes)}
