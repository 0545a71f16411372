r"""Two-time (non-stationary) DMFT of random rate networks on a time grid (numba).

For :math:`\dot x_i = -x_i + \sum_j J_{ij}\phi(x_j) + I_0 + I_c(t) + I_i(t)` with
:math:`J_{ij} = \bar J + g\chi_{ij}/\sqrt N`, common input :math:`I_c = A_c\cos\omega t` and
independent input :math:`I_i = A_i\cos(\omega t + \theta_i)` (random phases), write
:math:`x = \mu(t) + h(t) + u_\theta(t)`: :math:`\mu` the population mean, :math:`u_\theta` the
filtered independent input (steady state, amplitude :math:`A_i/\sqrt{1+\omega^2}`) and :math:`h` a
Gaussian process with covariance :math:`\Delta(t, s)`.  On a grid :math:`t_k = k h` with
:math:`a = e^{-h}`, :math:`b = 1 - a` (exponential Euler, fields held over a step):

.. math::
    \Delta_{k+1,l+1} &= a\Delta_{k,l+1} + a\Delta_{k+1,l} - a^2\Delta_{k,l} + b^2 Q_{k,l},
    \qquad \Delta_{k,0} = a^k\Delta_{0,0},\\
    Q_{k,l} &= g^2\langle\phi(x_k)\phi(x_l)\rangle,\qquad
    \mu_{k+1} = a\mu_k + b\,(\bar J_0\,\nu_{k+1} + I_0 + A_c\cos\omega t_k),\quad \nu = \langle\phi(x)\rangle,

(:math:`\bar J_0 = J_0` for a mean coupling J0/N; :math:`-J_0\sqrt N` for a balanced network, where
the mean step is implicit, solved by Newton's method).  Row k+1 needs only rows <= k (causal): the
row's :math:`Q_{k,l}`, the expensive two-dimensional Gaussian averages (nested Gauss-Hermite, closed
inner averages for erf/ReLU, trapezoid over theta), are computed in parallel over l; the recursion
along the row is a cheap sequential scan.  Cost O(n^2 n_gh^2 n_theta).

References: Sompolinsky & Zippelius 1982, PRB 25:6860 (two-time DMFT); Engelken, Ingrosso,
Khajeh, Goedeke, Abbott 2022, PLoS Comput Biol 18:e1010590 (common vs independent input in
balanced rate networks).
"""
from __future__ import annotations

import math

import numpy as np

from recnet import checks
from recnet.numerics import gaussian as ga
from recnet.numerics._jit import njit, prange
from recnet.numerics.dmft import sinhquad as sq

__all__ = ["solve_two_time", "decorrelated_variance", "common_vs_independent"]

PAR_MIN_ROW = 64  # rows shorter than this are computed serially (thread start-up costs more)


@njit(inline="always")
def _phi0(f, code, x):
    """phi(x): built-ins evaluated inline (no indirect call), user functions through f."""
    if code == ga.TANH:
        return math.tanh(x)
    if code == ga.ERF:
        return math.erf(0.8862269254527580 * x)
    if code == ga.RELU:
        return x if x > 0.0 else 0.0
    if code == ga.LINEAR:
        return x
    return f(0, x)


@njit
def _inner0(f, code, m, r, z, w):
    """<phi(m + r z)>: closed forms for erf/ReLU/linear, inline Gauss-Hermite otherwise."""
    if code == ga.TANH:
        acc = 0.0
        for q in range(z.size):
            acc += w[q] * math.tanh(m + r * z[q])
        return acc
    return ga.inner_mean(f, code, 0, m, r, z, w)


@njit
def _pair(f, code, dkk, dll, dkl, mk, ml, a_i, om, tk, tl, theta, z, w, q, zo, wo):
    """g-free <phi(x_k) phi(x_l)> averaged over (h_k, h_l) and the phase theta.  q = (xc, wx, hq):
    with hq > 0 the sinh-mapped rules of :func:`recnet.numerics.dmft.sinhquad.pair_sinh` (nodes
    clustered at phi's feature, buffers zo, wo); hq = 0 the fixed Gauss-Hermite rule (z, w)."""
    sk = math.sqrt(max(dkk, 0.0))
    sl = math.sqrt(max(dll, 0.0))
    rho, r = ga.split_correlated(dkl, sk, sl)
    acc = 0.0
    nth = theta.size
    for it in range(nth):
        uk = a_i * math.cos(om * tk + theta[it])
        ul = a_i * math.cos(om * tl + theta[it])
        if q[2] > 0.0:
            acc += sq.pair_sinh(f, code, 0, mk + uk, sk, ml + ul, rho, sl, r, q[0], q[1], q[2], zo, wo)
            continue
        s = 0.0
        for k in range(z.size):
            xk = mk + uk + sk * z[k]
            s += w[k] * _phi0(f, code, xk) * _inner0(f, code, ml + ul + rho * sl * z[k], r, z, w)
        acc += s
    return acc / nth


@njit
def _q_entry(f, code, g, k, l, h, D, mu, a_f, om, ph, theta, z, w, q, zo, wo):
    """Q_{k,l} = g^2 <phi(x_k) phi(x_l)> (one entry of row k)."""
    return g * g * _pair(f, code, D[k, k], D[l, l], D[k, l], mu[k], mu[l], a_f, om,
                         k * h + ph, l * h + ph, theta, z, w, q, zo, wo)


@njit(parallel=True)
def _row_par(f, code, g, k, h, D, mu, a_f, om, ph, theta, z, w, q, Q):
    for l in prange(k + 1):
        zo = np.empty(sq.SINH_BUF)
        wo = np.empty(sq.SINH_BUF)
        Q[l] = _q_entry(f, code, g, k, l, h, D, mu, a_f, om, ph, theta, z, w, q, zo, wo)


@njit
def _row_ser(f, code, g, k, h, D, mu, a_f, om, ph, theta, z, w, q, Q, zo, wo):
    for l in range(k + 1):
        Q[l] = _q_entry(f, code, g, k, l, h, D, mu, a_f, om, ph, theta, z, w, q, zo, wo)


@njit
def _mean_f(f, code, which, dkk, mk, a_i, om, tk, theta, z, w, q):
    """<f(x_k)> averaged over the Gaussian part and the phase (which = 0: phi, 1: phi')."""
    acc = 0.0
    sk = math.sqrt(max(dkk, 0.0))
    for it in range(theta.size):
        m = mk + a_i * math.cos(om * tk + theta[it])
        if q[2] > 0.0:
            acc += sq.inner_mean_sinh(f, code, which, m, sk, q[0], q[1], q[2])
        else:
            acc += ga.inner_mean(f, code, which, m, sk, z, w)
    return acc / theta.size


@njit
def _two_time(f, code, g, n, h, d00, mu0, jbar, i0, a_c, a_i, om, theta, z, w, q, implicit, par_min):
    D = np.zeros((n, n))
    mu = np.zeros(n)
    Q = np.zeros(n)
    a = math.exp(-h)
    b = 1.0 - a
    a_f = a_i / math.sqrt(1.0 + om * om)  # filtered amplitude of the independent input
    ph = -math.atan(om) / om if om > 0 else 0.0  # its phase lag, as a time shift
    D[0, 0] = d00
    mu[0] = mu0
    zo = np.empty(sq.SINH_BUF)
    wo = np.empty(sq.SINH_BUF)
    for k in range(n - 1):
        tk = k * h
        # the row's Gaussian averages: parallel when the row is long enough to pay for the threads
        if k + 1 >= par_min:
            _row_par(f, code, g, k, h, D, mu, a_f, om, ph, theta, z, w, q, Q)
        else:
            _row_ser(f, code, g, k, h, D, mu, a_f, om, ph, theta, z, w, q, Q, zo, wo)
        D[k + 1, 0] = a * D[k, 0]
        D[0, k + 1] = D[k + 1, 0]
        for l in range(k + 1):
            # D[k, l+1] for l = k is D[k, k+1] = D[k+1, k], filled at step l = k-1 (or the boundary)
            v = a * D[k, l + 1] + a * D[k + 1, l] - a * a * D[k, l] + b * b * Q[l]
            D[k + 1, l + 1] = v
            D[l + 1, k + 1] = v
        drive = i0 + a_c * math.cos(om * tk)
        if not implicit:
            nu = _mean_f(f, code, 0, D[k, k], mu[k], a_f, om, tk + ph, theta, z, w, q)
            mu[k + 1] = a * mu[k] + b * (jbar * nu + drive)
        else:
            m = mu[k]
            tph = (k + 1) * h + ph
            for _ in range(60):
                nu = _mean_f(f, code, 0, D[k + 1, k + 1], m, a_f, om, tph, theta, z, w, q)
                dnu = _mean_f(f, code, 1, D[k + 1, k + 1], m, a_f, om, tph, theta, z, w, q)
                res = m - a * mu[k] - b * (jbar * nu + drive)
                der = 1.0 - b * jbar * dnu
                step = res / der
                m -= step
                if abs(step) < 1e-13 * max(1.0, abs(m)):
                    break
            mu[k + 1] = m
    return D, mu


def _check(g, t_max, n_steps, a_c, a_i, omega, n_theta):
    g = checks.nonnegative("g", g)
    t_max = checks.positive("t_max", t_max)
    n = checks.integer("n_steps", n_steps, minimum=2, maximum=20000)
    a_c = checks.nonnegative("common_amplitude", a_c)
    a_i = checks.nonnegative("independent_amplitude", a_i)
    om = checks.nonnegative("omega", omega)
    if (a_c > 0 or a_i > 0) and om == 0:
        raise checks.ParameterError("omega", omega, "> 0 with sinusoidal input")
    n_theta = checks.integer("n_theta", n_theta, minimum=1, maximum=4096)
    return g, t_max, n, a_c, a_i, om, n_theta


QUAD_TOL = 1e-6  # tolerated change of Delta(t, s) and mu(t) (relative to max(1, max|.|)) between rules: well
# below the O(h) error of the exponential-Euler grid (2e-4 relative at h = 0.1, tests/test_dmft_twotime.py)
HQ_DEFAULT = 0.5 * sq.SINH_HQ  # the returned grid's rule; its error is bounded by the change from 2 hq


def solve_two_time(g, phi="tanh", t_max=50.0, n_steps=1001, delta00=1.0, mu0=0.0, j0=0.0, balanced=False,
                   n_units=None, i0=0.0, common_amplitude=0.0, independent_amplitude=0.0, omega=0.0,
                   n_theta=16, n_gh=None, parallel=False, hq=None, quad_tol=QUAD_TOL):
    r"""Two-time DMFT :math:`\Delta(t, s)` and :math:`\mu(t)` on a grid (see module docstring).

    Parameters
    ----------
    g : float >= 0
        coupling gain.
    phi : str, sympy expression or Transfer
    t_max : float > 0
        last grid time (units of tau); the step is t_max / (n_steps - 1).
    n_steps : int
        grid points n (the result is n x n).
    delta00, mu0 : float
        variance and mean of the initial state x(0).
    j0 : float
        mean coupling: J0/N, or -J0/sqrt(N) if ``balanced`` (then ``n_units`` N is needed).
    i0 : float
        constant input (a balanced network needs i0 = O(sqrt N) to fire; give it already scaled).
    common_amplitude, independent_amplitude, omega :
        sinusoidal input A_c cos(omega t) common to all units and A_i cos(omega t + theta_i) with
        random phases (omega in rad per tau).
    n_theta : int
        phase grid for the independent input (1 is used when it is absent).
    n_gh : int, optional
        None (default): every Gaussian average uses the self-checking sinh-mapped rules of
        :mod:`recnet.numerics.dmft.sinhquad` (nodes clustered at phi's feature, their number
        following the field's spread).  An integer: a fixed Gauss-Hermite rule with n_gh nodes per
        dimension (the old path; kept for the numpy twin), whose error is not estimated (said in
        ``warnings``).
    parallel : bool
        split each row's averages over threads (rows >= PAR_MIN_ROW).  Off by default: each row
        ends in a barrier, and on the shared 2-core machine under load the serial loop was faster
        (768 x 768 grid: serial 2.8 s, parallel 5.6 s, load average ~8).
    hq : float, optional
        rule parameter of the sinh rules for the returned grid (default ``HQ_DEFAULT`` = 1/2:
        trapezoid step 0.1 in t).
    quad_tol : float
        tolerated quadrature error.  The grid is solved with hq and with 2 hq (half the nodes);
        ``quadrature_error`` is their largest difference in Delta and mu -- the error of the coarser
        rule, so an upper bound for the returned one (the sinh rules converge exponentially: for
        tanh at g = 2 the differences are 1e-4 between hq = 2 and 1 and 2e-9 between 1 and 1/2).
        Where it exceeds quad_tol (relative to max(1, max|Delta|) and max(1, max|mu|)) hq is halved
        and the grid solved again, down to hq = 1/16, and otherwise ``warnings`` says so.

    Returns
    -------
    dict with ``t`` (grid), ``delta`` (n x n, covariance of the recurrent part h), ``mu``, ``hq``
    (None for Gauss-Hermite), ``quadrature_error`` (dict with ``delta`` and ``mu``; NaN for
    Gauss-Hermite) and ``warnings``.
    """
    g, t_max, n, a_c, a_i, om, n_theta = _check(g, t_max, n_steps, common_amplitude, independent_amplitude,
                                               omega, n_theta)
    d00 = checks.nonnegative("delta00", delta00)
    mu0 = checks.finite("mu0", mu0)
    j0 = checks.finite("j0", j0)
    i0 = checks.finite("i0", i0)
    if balanced:
        if n_units is None:
            raise checks.ParameterError("n_units", n_units, "a network size: required for a balanced network (mean coupling -J0/sqrt(N))")
        jbar = -j0 * math.sqrt(checks.integer("n_units", n_units, minimum=1))
    else:
        jbar = j0
    tr = ga.transfer(phi)
    nth = n_theta if a_i > 0 else 1
    theta = 2.0 * math.pi * np.arange(nth) / nth
    h = t_max / (n - 1)
    quad_tol = checks.positive("quad_tol", quad_tol)

    def run(z, w, q):
        return _two_time(tr.f, tr.code, g, n, h, d00, mu0, jbar, i0, a_c, a_i, om, theta, z, w, q,
                         bool(balanced), PAR_MIN_ROW if parallel else n + 1)

    t = np.arange(n) * h
    if n_gh is not None:
        z, w = ga.gh_nodes(checks.integer("n_gh", n_gh, minimum=2, maximum=400))
        D, mu = run(z, w, np.zeros(3))
        return {"t": t, "delta": D, "mu": mu, "hq": None,
                "quadrature_error": {"delta": float("nan"), "mu": float("nan")},
                "warnings": [f"fixed {n_gh}-node Gauss-Hermite rule (n_gh given): its quadrature error is not "
                             "estimated"]}
    hq = HQ_DEFAULT if hq is None else checks.in_range("hq", hq, sq.HQ_MIN, 2.0)
    xc, wx = sq.feature(tr)
    z, w = ga.gh_nodes(2)  # unused on the sinh path
    Dc, muc = run(z, w, np.array([xc, wx, 2.0 * hq]))
    while True:
        D, mu = run(z, w, np.array([xc, wx, hq]))
        err = {"delta": float(np.max(np.abs(D - Dc))), "mu": float(np.max(np.abs(mu - muc)))}
        worst = max(err["delta"] / max(1.0, float(np.max(np.abs(D)))), err["mu"] / max(1.0, float(np.max(np.abs(mu)))))
        if not worst > quad_tol or hq <= sq.HQ_MIN:
            break
        Dc, muc, hq = D, mu, 0.5 * hq
    warns = []
    if not worst <= quad_tol:
        warns.append(f"estimated quadrature error {worst:.2g} (relative: the change from the rule with half the "
                     f"nodes) exceeds the tolerance {quad_tol:g} at the finest rule (hq = {hq:g})")
    return {"t": t, "delta": D, "mu": mu, "hq": hq, "quadrature_error": err, "warnings": warns}


def decorrelated_variance(res, lag):
    """Delta(t, t) - Delta(t, t - lag) at the last grid time: the variance that decorrelates over
    ``lag`` (tau units); ~0 in an input-locked state (take lag a multiple of the input period),
    > 0 in chaos."""
    t = res["t"]
    h = t[1] - t[0]
    j = int(round(checks.positive("lag", lag) / h))
    if j >= t.size:
        raise checks.ParameterError("lag", lag, f"below the grid length {t[-1]:g}")
    D = res["delta"]
    k = t.size - 1
    return float(D[k, k] - D[k, k - j])


def common_vs_independent(g=2.0, phi="relu", amplitude=2.0, omega=0.5, j0=1.0, n_units=10000, rate=0.5,
                          t_burn=40.0, dt=0.125, n_periods=None, n_gh=None, n_theta=8):
    r"""Chaotic variance of a balanced network under common vs independent sinusoidal input.

    Balanced network (mean coupling :math:`-J_0/\sqrt N`, constant input :math:`\sqrt N\,J_0\,\nu_0`
    with target rate ``rate`` = nu_0), input of amplitude ``amplitude`` either common to all units
    or with independent random phases (Engelken et al. 2022).  Returns a dict with the variance that
    decorrelates over ``n_periods`` input periods (default: the fewest spanning >= 20 tau) at the
    end of a grid of step ``dt`` that runs ``t_burn`` beyond that lag (:func:`decorrelated_variance`;
    0 when the input locks the network) for ``none``, ``common`` and ``independent`` input, with
    ``quadrature_error`` (bound on the error of each variance from the two-time solves' estimates,
    NaN with a fixed Gauss-Hermite rule ``n_gh``) and ``warnings``.
    """
    om = checks.positive("omega", omega)
    nu0 = checks.positive("rate", rate)
    N = checks.integer("n_units", n_units, minimum=1)
    period = 2.0 * math.pi / om
    if n_periods is None:
        n_periods = max(1, int(math.ceil(20.0 / period)))
    n_periods = checks.integer("n_periods", n_periods, minimum=1)
    lag = n_periods * period
    t_max = lag + checks.positive("t_burn", t_burn)
    n_steps = int(math.ceil(t_max / checks.positive("dt", dt))) + 1
    base = dict(t_max=t_max, n_steps=n_steps, j0=j0, balanced=True, n_units=N, i0=j0 * nu0 * math.sqrt(N),
                omega=om, n_gh=n_gh, n_theta=n_theta)
    out = {}
    err = 0.0
    warns = []
    for key, kw in (("none", {}), ("common", {"common_amplitude": amplitude}),
                    ("independent", {"independent_amplitude": amplitude})):
        res = solve_two_time(g, phi, **base, **kw)
        out[key] = decorrelated_variance(res, lag)
        err = max(err, 2.0 * res["quadrature_error"]["delta"])  # a difference of two entries of Delta
        warns += [f"{key} input: {w}" for w in res["warnings"]]
    out["quadrature_error"] = err
    out["warnings"] = warns
    return out
