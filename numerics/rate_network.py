r"""Simulation of random rate networks (numba), with the largest Lyapunov exponent.

.. math::

    \frac{dx_i}{dt} = -x_i + \sum_j J_{ij}\,\phi(x_j) + I_i(t),\qquad
    I_i(t) = I_{0,i} + A_i \cos(\omega t + \theta_i),

in dimensionless time (units of the single-unit time constant tau; multiply times by tau in ms to
get ms, divide omega by tau for rad/ms).  J is a dense matrix supplied by the caller; helpers draw
Gaussian J with variance g^2/N and mean J0/N (or -J0/sqrt(N), balanced) and rank-one parts are
added by the caller (``J + np.outer(m, n) / N``).

Integration: classical RK4 (default) or forward Euler with fixed step ``dt``.  The vector field's
fastest linear rate is 1 + |eigenvalues of J diag(phi')| <~ 1 + g, so RK4 with dt = 0.05 (stability
limit ~2.8/(1+g)) has local error ~dt^5 ~ 3e-7 per unit time for g <= 3; the tests check that
halving dt changes Delta_0 and lambda_1 by much less than their statistical errors.

The largest Lyapunov exponent uses the linearised (tangent) equation
:math:`\dot y = -y + J(\phi'(x)\odot y)` integrated with the same scheme on the joint system (so
it is the exact derivative of the discrete map), renormalised every ``renorm_every`` time units:
:math:`\lambda_1 = \frac{1}{T}\sum_k \ln\|y(t_k)\|/\|y(t_{k-1})\|` (Benettin et al. 1980).
Both matrix-vector products of a stage share one pass over J (the run is memory bound).

Reference: Sompolinsky, Crisanti, Sommers 1988, PRL 61:259 (the model).
"""
from __future__ import annotations

import math

import numpy as np

from recnet import checks
from recnet.numerics._jit import njit, prange
from recnet.numerics.gaussian import transfer

__all__ = ["gaussian_coupling", "simulate"]


def gaussian_coupling(n, g, j0=0.0, balanced=False, self_coupling=True, seed=None):
    r"""Random coupling matrix :math:`J_{ij} = \bar J + g z_{ij}/\sqrt N`, z_ij ~ N(0, 1) i.i.d.

    Parameters
    ----------
    n : int >= 2
        number of units N.
    g : float >= 0
        gain (standard deviation of J_ij times sqrt N).
    j0 : float
        mean coupling: :math:`\bar J = J_0/N` (default) or :math:`-J_0/\sqrt N` if ``balanced``.
    balanced : bool
    self_coupling : bool
        keep the diagonal (SCS 1988 do; the DMFT is blind to it at large N) or set it to 0.
    seed : int or numpy Generator

    Returns
    -------
    (n, n) float64 array.
    """
    n = checks.integer("n", n, minimum=2)
    g = checks.nonnegative("g", g)
    j0 = checks.finite("j0", j0)
    r = checks.rng(seed)
    J = r.standard_normal((n, n))
    J *= g / math.sqrt(n)
    J += (-j0 / math.sqrt(n)) if balanced else (j0 / n)
    if not self_coupling:
        np.fill_diagonal(J, 0.0)
    return J


@njit
def _row2(J, a, b, i, do_b):
    """(J a)_i and, if do_b, (J b)_i: one pass over row i (J row-major, memory bound)."""
    n = J.shape[1]
    s0 = 0.0
    s1 = 0.0
    if do_b:
        for j in range(n):
            s0 += J[i, j] * a[j]
            s1 += J[i, j] * b[j]
    else:
        for j in range(n):
            s0 += J[i, j] * a[j]
    return s0, s1


@njit
def _matvec2(J, a, b, ha, hb, do_b):
    """ha = J a and (if do_b) hb = J b; serial (no thread start-up cost for small N)."""
    for i in range(J.shape[0]):
        ha[i], hb[i] = _row2(J, a, b, i, do_b)


@njit(parallel=True)
def _matvec2_par(J, a, b, ha, hb, do_b):
    """Parallel twin of _matvec2: rows split over threads, each row its own accumulators."""
    for i in prange(J.shape[0]):
        ha[i], hb[i] = _row2(J, a, b, i, do_b)


@njit
def _rhs(J, x, y, f, t, i0, amp, omega, theta, do_tan, out_x, out_y, buf, par):
    n = x.size
    for i in range(n):
        buf[0, i] = f(0, x[i])
        buf[1, i] = f(1, x[i]) * y[i] if do_tan else 0.0
    if par:
        _matvec2_par(J, buf[0], buf[1], buf[2], buf[3], do_tan)
    else:
        _matvec2(J, buf[0], buf[1], buf[2], buf[3], do_tan)
    for i in range(n):
        inp = i0[i]
        if amp[i] != 0.0:
            inp += amp[i] * math.cos(omega * t + theta[i])
        out_x[i] = -x[i] + buf[2, i] + inp
        out_y[i] = -y[i] + buf[3, i]


@njit
def _integrate(J, x0, y0, f, dt, n_steps, rk4, i0, amp, omega, theta, do_tan, renorm_steps,
               lyap_start_step, rec_every, rec_idx, par):
    n = x0.size
    x = x0.copy()
    y = y0.copy()
    nrm = math.sqrt(np.sum(y * y))
    if do_tan and nrm > 0:
        y /= nrm
    n_rec = n_steps // rec_every + 1
    rec = np.empty((n_rec, rec_idx.size))
    buf = np.zeros((4, n))
    k1x = np.empty(n); k1y = np.empty(n)
    k2x = np.empty(n); k2y = np.empty(n)
    k3x = np.empty(n); k3y = np.empty(n)
    k4x = np.empty(n); k4y = np.empty(n)
    tx = np.empty(n); ty = np.empty(n)
    n_ren = n_steps // renorm_steps + 1
    logs = np.zeros(n_ren)
    ir = 0
    for j in range(rec_idx.size):
        rec[0, j] = x[rec_idx[j]]
    irec = 1
    for s in range(n_steps):
        t = s * dt
        _rhs(J, x, y, f, t, i0, amp, omega, theta, do_tan, k1x, k1y, buf, par)
        if rk4:
            for i in range(n):
                tx[i] = x[i] + 0.5 * dt * k1x[i]; ty[i] = y[i] + 0.5 * dt * k1y[i]
            _rhs(J, tx, ty, f, t + 0.5 * dt, i0, amp, omega, theta, do_tan, k2x, k2y, buf, par)
            for i in range(n):
                tx[i] = x[i] + 0.5 * dt * k2x[i]; ty[i] = y[i] + 0.5 * dt * k2y[i]
            _rhs(J, tx, ty, f, t + 0.5 * dt, i0, amp, omega, theta, do_tan, k3x, k3y, buf, par)
            for i in range(n):
                tx[i] = x[i] + dt * k3x[i]; ty[i] = y[i] + dt * k3y[i]
            _rhs(J, tx, ty, f, t + dt, i0, amp, omega, theta, do_tan, k4x, k4y, buf, par)
            for i in range(n):
                x[i] += dt / 6.0 * (k1x[i] + 2.0 * k2x[i] + 2.0 * k3x[i] + k4x[i])
                y[i] += dt / 6.0 * (k1y[i] + 2.0 * k2y[i] + 2.0 * k3y[i] + k4y[i])
        else:
            for i in range(n):
                x[i] += dt * k1x[i]
                y[i] += dt * k1y[i]
        if do_tan and (s + 1) % renorm_steps == 0:
            nrm = math.sqrt(np.sum(y * y))
            if s + 1 > lyap_start_step:
                logs[ir] = math.log(nrm)
                ir += 1
            y /= nrm
        if (s + 1) % rec_every == 0 and irec < n_rec:
            for j in range(rec_idx.size):
                rec[irec, j] = x[rec_idx[j]]
            irec += 1
    return x, y, rec[:irec], logs[:ir]


def _prepare_input(name, v, n):
    a = np.asarray(v, dtype=float)
    if a.ndim == 0:
        a = np.full(n, float(a))
    a = checks.array(name, a, ndim=1, shape=(n,))
    return a


def simulate(J, phi="tanh", t_sim=200.0, dt=0.05, x0=None, i0=0.0, amp=0.0, omega=0.0, theta=0.0,
             method="rk4", record_dt=0.5, record_units=None, lyapunov=False, renorm_every=1.0,
             t_lyap_start=0.0, seed=None, parallel=False):
    r"""Integrate :math:`\dot x = -x + J\phi(x) + I_0 + A\cos(\omega t + \theta)` (time in units of tau).

    Parameters
    ----------
    J : (N, N) array
        coupling matrix (see :func:`gaussian_coupling`).
    phi : str, sympy expression or Transfer
        transfer function (``recnet.numerics.gaussian.transfer``).
    t_sim : float > 0
        duration (tau units).
    dt : float > 0
        step (tau units); RK4 default 0.05.
    x0 : (N,) array, optional
        initial state; default x0_i ~ N(0, 1) from ``seed``.
    i0, amp, theta : float or (N,) arrays
        constant input, sinusoid amplitude and phase (rad) per unit.
    omega : float
        angular frequency (rad per tau).
    method : {"rk4", "euler"}
    record_dt : float > 0
        recording interval (rounded to a multiple of dt).
    record_units : array of int, optional
        indices of recorded units (default all).
    lyapunov : bool
        also integrate the tangent vector and estimate lambda_1 (1/tau).
    renorm_every : float > 0
        tangent renormalisation interval (tau units).
    t_lyap_start : float >= 0
        growth before this time is discarded (the tangent aligns with the leading direction).
    seed : int or Generator
        for x0 and the initial tangent vector.
    parallel : bool
        split the matrix-vector product over threads (numba prange).  Off by default: on the
        2-core test machine under load the serial loop was fastest (N = 2000: serial loop 11 ms,
        prange 31 ms, numpy/BLAS gemv 28 ms per product, measured on a loaded shared machine).

    Returns
    -------
    dict with ``t`` (recording times), ``x`` (n_rec, n_units_recorded), ``x_final``, ``y_final``,
    and if ``lyapunov``: ``lambda1`` (1/tau) and ``log_growth`` (log norm growth per interval).
    """
    J = checks.square_matrix("J", J)
    n = J.shape[0]
    tr = transfer(phi)
    t_sim = checks.positive("t_sim", t_sim)
    dt = checks.positive("dt", dt)
    if dt > t_sim:
        raise checks.ParameterError("dt", dt, f"<= t_sim = {t_sim}",
                                    f"dt = {dt} is invalid: must be <= t_sim = {t_sim}")
    if method not in ("rk4", "euler"):
        raise checks.ParameterError("method", method, "'rk4' or 'euler'",
                                    f"method = {method!r} is invalid: choose 'rk4' or 'euler'")
    record_dt = checks.positive("record_dt", record_dt)
    renorm_every = checks.positive("renorm_every", renorm_every)
    t_lyap_start = checks.nonnegative("t_lyap_start", t_lyap_start)
    omega = checks.finite("omega", omega)
    r = checks.rng(seed)
    if x0 is None:
        x0 = r.standard_normal(n)
    x0 = checks.array("x0", x0, ndim=1, shape=(n,))
    y0 = r.standard_normal(n)
    i0a = _prepare_input("i0", i0, n)
    ampa = _prepare_input("amp", amp, n)
    tha = _prepare_input("theta", theta, n)
    if record_units is None:
        idx = np.arange(n, dtype=np.int64)
    else:
        idx = checks.array("record_units", record_units, ndim=1, dtype=np.int64)
        if idx.size and (idx.min() < 0 or idx.max() >= n):
            raise checks.ParameterError("record_units", [int(idx.min()), int(idx.max())], f"unit indices in [0, {n - 1}]",
                                        f"record_units must lie in [0, {n - 1}]")
    n_steps = int(round(t_sim / dt))
    rec_every = max(1, int(round(record_dt / dt)))
    ren = max(1, int(round(renorm_every / dt)))
    start = int(round(t_lyap_start / dt))
    if lyapunov and start >= n_steps:
        raise checks.ParameterError("t_lyap_start", t_lyap_start, f"< t_sim = {t_sim}",
                                    f"t_lyap_start = {t_lyap_start} is invalid: must be below t_sim = {t_sim}")
    x, y, rec, logs = _integrate(J, x0, y0, tr.f, dt, n_steps, method == "rk4", i0a, ampa, omega, tha,
                                 bool(lyapunov), ren, start, rec_every, idx, bool(parallel))
    out = {"t": np.arange(rec.shape[0]) * rec_every * dt, "x": rec, "x_final": x, "dt": dt}
    if lyapunov:
        out["y_final"] = y
        out["log_growth"] = logs
        out["lambda1"] = float(np.sum(logs) / (logs.size * ren * dt)) if logs.size else float("nan")
    return out
