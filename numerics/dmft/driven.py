r"""Driven random rate networks: the input-locked periodic DMFT state, its largest Lyapunov exponent
and the critical amplitude that suppresses chaos (Rajan, Abbott, Sompolinsky 2010, PRE 82:011903).

Equations (see :mod:`recnet.theory.dmft.driven`), time in units of tau, input
:math:`I_i = A\cos(\omega t + \theta_i)` with uniform random phases:

* filtered input amplitude :math:`a = A/\sqrt{1+\omega^2}`;
* periodic self-consistency on :math:`\tau\in[0, T)`, :math:`T = 2\pi/\omega`:
  :math:`\hat\Delta_{h,k} = g^2\hat C_{\phi,k}/(1 + k^2\omega^2)`, iterated (damped) to a fixed point;
* :math:`G(\tau) = g^2\langle\phi'\phi'\rangle`, ground state :math:`E_0` of :math:`-\partial_\tau^2 - G`
  (periodic boundary conditions, Fourier-spectral), :math:`\lambda_{\max} = -1 + \sqrt{-E_0}`;
* critical amplitude: root of :math:`\lambda_{\max}(A)` in A, continued down from large amplitude
  (where the periodic state is unique) with warm starts (branch tracking).

The two-point averages over (theta, h(t), h(t+tau)) are a trapezoid rule in theta (spectrally
accurate for periodic integrands) times a nested rule in the two Gaussian variables, in numba,
parallel over tau: the inner average has a closed form for erf, ReLU and linear phi
(:func:`recnet.numerics.gaussian.inner_mean`), otherwise it is a sum over the same nodes, so a
lag costs O(n_theta n_nodes^2) transfer-function calls.

Quadrature (default, issue 19): the self-checking sinh-mapped rules of
:mod:`recnet.numerics.dmft.sinhquad`, whose nodes cluster where the Gaussian variables cross
phi's sharpest feature, so that the field's spread (~ g) may exceed phi's width by any factor (a
fixed 24-node Gauss-Hermite rule gave G ~ 0, hence lambda = -1, at g = 20).  One sinh map with a
trapezoid rule in t when the outer integrand's features overlap in the Gaussian's core (the cheap
path), the z range split between them otherwise.  The rule parameter is chosen once (``SINH_HQ``)
and the error estimated only at the converged solution: ``quadrature_error`` (the map's change
with twice the nodes; hq is halved and the solution re-solved only while it exceeds
``QUAD_TOL``) and, from :func:`lambda_max`, ``lambda_error`` (lambda recomputed on twice the tau
grid and with twice the nodes; the grid is doubled / the rule refined until it meets
``LAMBDA_TOL``, else a warning).  The critical-amplitude scan runs on the coarse grid and the
half-node rule without checks; its root is moved by secant steps on the full grid and rule and
checked there once.  The tau step is at most 0.25 tau and 1.25 / g (G(tau) narrows like 1/g).
Measured at g = 20, 5 Hz, tau = 10 ms, A = 1: lambda = 1.2526, 1.1911, 1.1881 /tau on steps 0.25,
0.125, 0.0625 (quadrature part < 1e-4); the default gives 1.18939 with estimated error 1.9e-5
(tau grid; quadrature 1.4e-12); the undriven stationary DMFT gives 1.1905.  Direct simulations
(N = 500 and 1000) give 1.09 +- 0.05 and 1.07 +- 0.06 (``tests/test_dmft_driven.py``).

Fixed rules (``nodes="gauss-hermite"``/``"trapezoid"`` or ``n_gh``/``n_nodes`` given; no error
estimate), :func:`quadrature_nodes`: probabilists' Gauss-Hermite for the built-in
(entire) transfer functions; uniform trapezoid nodes on [-8.5, 8.5] (Gaussian mass outside 2e-17,
weights pdf(z) h normalised to 1) for user (sympy) functions such as the rectified tanh of Rajan et
al., phi(x) = R0 tanh(x/R0) (x <= 0), (2 - R0) tanh(x/(2 - R0)) (x > 0), R0 = 0.1, whose negative
branch has width 0.1 that Gauss-Hermite resolves only slowly.  Measured at g = 1.5 (frozen state,
A = 0; oracle adaptive scipy quad split at the kink: Delta0 = 0.3083613454, lambda = 0.0402716422):

======  =======================  =======================
n       trapezoid lambda error   Gauss-Hermite error
======  =======================  =======================
61      1.3e-2                   3.5e-2
121     1.6e-4                   1.3e-2
161     5.7e-6                   --
241     4.4e-9                   -4.2e-3 (n = 200)
481     < 1e-14                  --
======  =======================  =======================

With input (A = 1, omega = 1, n_theta = 16) lambda of the locked state changes by < 1e-4 from
n = 121 to 481 (the theta average smooths the jump of the third derivative of phi at 0);
default n = 241.
"""
from __future__ import annotations

import math

import numpy as np

from recnet import checks
from recnet.numerics import gaussian as ga
from recnet.numerics._jit import njit, prange
from recnet.numerics.dmft import sinhquad as sq

__all__ = ["quadrature_nodes", "periodic_solution", "lambda_max", "critical_amplitude",
           "static_limit", "critical_amplitude_static",
           "ground_energy", "omega_from_hz"]


_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)


def omega_from_hz(frequency_hz, tau_ms):
    """Angular frequency in units of 1/tau: omega = 2 pi f tau (f in Hz, tau in ms)."""
    f = checks.positive("frequency", frequency_hz, "Hz")
    t = checks.positive("tau", tau_ms, "ms")
    return 2.0 * math.pi * f * t * 1e-3


@njit(parallel=True)
def _driven_corr(f, code, which, dh, a_in, omega, dtau, theta, z, w):
    """C_f(tau_j) = < int dtheta/2pi f(h1 + a cos theta) f(h2 + a cos(omega tau_j + theta)) >.

    dh: Delta_h on the periodic grid (dh[0] = variance).  h1 = sqrt(v) z1,
    h2 = (c/sqrt v) z1 + sqrt(v - c^2/v) z2; the inner average over z2 uses the closed forms of
    recnet.numerics.gaussian where they exist.
    """
    n = dh.size
    out = np.empty(n)
    v = max(dh[0], 0.0)
    sv = math.sqrt(v)
    nth = theta.size
    half = n // 2 + 1  # C(tau) = C(T - tau): compute half the grid, mirror the rest
    for j in prange(half):
        rho, r = ga.split_correlated(dh[j], sv, sv)
        acc = 0.0
        for it in range(nth):
            u1 = a_in * math.cos(theta[it])
            u2 = a_in * math.cos(omega * dtau * j + theta[it])
            s = 0.0
            for k in range(z.size):
                x1 = sv * z[k] + u1
                m2 = rho * sv * z[k] + u2
                s += w[k] * f(which, x1) * ga.inner_mean(f, code, which, m2, r, z, w)
            acc += s
        out[j] = acc / nth
    for j in range(half, n):
        out[j] = out[n - j]
    return out


@njit(parallel=True)
def _driven_corr_sinh(f, code, which, dh, a_in, omega, dtau, theta, xc, wx, hq):
    """:func:`_driven_corr` with the self-checking sinh-mapped rules of
    :mod:`recnet.numerics.dmft.sinhquad`: the outer variable's nodes cluster where
    h1 + u1 and the inner mean's argument m2 cross phi's feature xc (widths wx / sqrt(v) and
    max(wx, r) / (|rho| sqrt(v))), the inner ones where m2 + r z2 does."""
    n = dh.size
    out = np.empty(n)
    v = max(dh[0], 0.0)
    sv = math.sqrt(v)
    nth = theta.size
    half = n // 2 + 1
    for j in prange(half):
        zo = np.empty(sq.SINH_BUF)
        wo = np.empty(sq.SINH_BUF)
        rho, r = ga.split_correlated(dh[j], sv, sv)
        acc = 0.0
        for it in range(nth):
            u1 = a_in * math.cos(theta[it])
            u2 = a_in * math.cos(omega * dtau * j + theta[it])
            if sv <= 0.0:
                acc += f(which, u1) * f(which, u2)
                continue
            c1 = (xc - u1) / sv
            a1 = wx / sv
            c2 = math.nan
            a2 = 1.0
            if abs(rho) > 1e-12:
                c2 = (xc - u2) / (rho * sv)
                a2 = max(wx, r) / (abs(rho) * sv)
            s = 0.0
            if math.isnan(c2) or (abs(c1 - c2) <= 2.0 * min(a1, a2, 1.0) and abs(0.5 * (c1 + c2)) <= 1.0):
                # one feature (or two overlapping ones) inside the Gaussian's core: one sinh map,
                # trapezoid in t (step hq / 5; the cheap path)
                cc = c1 if math.isnan(c2) else 0.5 * (c1 + c2)
                aa = min(1.0, a1 if math.isnan(c2) else min(a1, a2))
                h = hq / 5.0
                kA = int(math.floor(math.asinh((-sq.SINH_L - cc) / aa) / h))
                kB = int(math.ceil(math.asinh((sq.SINH_L - cc) / aa) / h))
                for k in range(kA, kB + 1):
                    e = math.exp(k * h)
                    ie = 1.0 / e
                    zk = cc + 0.5 * aa * (e - ie)
                    wk = h * 0.5 * aa * (e + ie) * math.exp(-0.5 * zk * zk) * _INV_SQRT_2PI
                    x1 = sv * zk + u1
                    m2 = rho * sv * zk + u2
                    if code == ga.TANH:
                        t1 = math.tanh(x1)
                        f1 = t1 if which == 0 else 1.0 - t1 * t1
                    else:
                        f1 = f(which, x1)
                    s += wk * f1 * sq.inner_mean_sinh(f, code, which, m2, r, xc, wx, hq)
            else:
                # two separate features: the z range split midway, GL panels in t on each side
                m = sq.sinh_rule2(c1, a1, c2, a2, hq, zo, wo)
                for k in range(m):
                    x1 = sv * zo[k] + u1
                    m2 = rho * sv * zo[k] + u2
                    s += wo[k] * f(which, x1) * sq.inner_mean_sinh(f, code, which, m2, r, xc, wx, hq)
            acc += s
        out[j] = acc / nth
    for j in range(half, n):
        out[j] = out[n - j]
    return out


N_TAU_PREDICT = 320  # largest default tau grid `recnet predict dmft-driven` solves (cost ~ n_tau per map,
# n_tau^3 for the spectral ground state): g * period <= 400 tau with the step 1.25/g (g = 20 at 5 Hz, tau = 10 ms:
# ~1 min on a loaded 2-core machine)


def default_n_tau(omega, g):
    """The default number of tau grid points over one period: even, step <= 0.25 tau and <= 1.25/g."""
    T = 2.0 * math.pi / omega
    step = min(0.25, 1.25 / max(g, 1e-300))
    return 2 * int(math.ceil(max(32.0, T / step) / 2))


def _grid(omega, n_tau, g=0.0):
    T = 2.0 * math.pi / omega
    if n_tau is None:
        # even, step <= 0.25 tau and <= 1.25 / g: G(tau) = g^2 <phi' phi'> narrows like 1/g at large g
        # (at g = 20, 5 Hz, tau = 10 ms lambda changes by 0.06 from step 0.25 to 0.125 and by 3e-3
        # from 0.125 to 0.0625); lambda_max checks the grid on twice the points in any case
        step = min(0.25, 1.25 / max(g, 1e-300))
        n_tau = min(2 * int(math.ceil(max(32.0, T / step) / 2)), N_TAU_MAX)
    n_tau = checks.integer("n_tau", n_tau, minimum=8, maximum=1 << 14)
    return T, n_tau, T / n_tau


def _bounded_transfer(phi):
    """The Transfer of ``phi``, refused (ParameterError naming ``phi``) unless phi is bounded.

    With an unbounded phi (linear, relu, abs(x), x**3 ...) the variance of the driven state runs away
    once g^2 <phi'^2> > 1 and the fixed-point iteration never converges (issue 13: it ran for minutes);
    the solver here needs a bounded phi.
    """
    if isinstance(phi, str) and phi.strip() not in ga.BUILTIN:
        from recnet.expr import check_phi
        check_phi(ga._sympy_phi(phi)[0], name="phi", bounded=True)  # before numba compiles it
    tr = ga.transfer(phi)
    if tr.code in (ga.RELU, ga.LINEAR):
        raise checks.ParameterError("phi", phi, "the driven DMFT solver needs a bounded phi (tanh, erf, "
                                    "sigmoid, rectified tanh ...): with an unbounded phi the variance runs away")
    if tr.code == ga.USER and not isinstance(phi, str):
        from recnet.expr import check_phi
        check_phi(tr.expr, name="phi", bounded=True)
    return tr


def _check(g, amplitude, omega):
    g = checks.nonnegative("g", g)
    A = checks.nonnegative("amplitude", amplitude)
    om = checks.positive("omega", omega)
    return g, A, om


TRAPEZOID_L = 8.5  # half-width (in standard deviations) of the trapezoid node set: mass outside 2e-17
TRAPEZOID_N = 241  # default trapezoid nodes (see the convergence table in the module docstring)


def quadrature_nodes(phi="tanh", nodes="auto", n_nodes=None, n_gh=24):
    r"""Nodes ``z`` and weights ``w`` (sum w = 1) for averages over a standard normal z.

    Parameters
    ----------
    phi : str, sympy expression or Transfer
        transfer function (decides ``nodes="auto"``).
    nodes : {"auto", "gauss-hermite", "trapezoid"}
        "gauss-hermite": probabilists' Gauss-Hermite (exponentially accurate for entire phi such as
        tanh and erf); "trapezoid": uniform nodes on [-L, L], L = 8.5, weights pdf(z) h normalised to
        1 (resolves sharp but finite features of user functions, e.g. the rectified tanh of Rajan et
        al. 2010, whose negative branch has width 0.1, where Gauss-Hermite converges only slowly);
        "auto": trapezoid for user (sympy) functions, Gauss-Hermite for the built-in ones.
    n_nodes : int, optional
        number of nodes (default ``n_gh`` for Gauss-Hermite, 241 for trapezoid).
    n_gh : int
        Gauss-Hermite nodes when ``n_nodes`` is not given (kept for backward compatibility).

    Returns
    -------
    (z, w, kind) with kind "gauss-hermite" or "trapezoid".
    """
    tr = ga.transfer(phi)
    if nodes not in ("auto", "gauss-hermite", "trapezoid"):
        raise checks.ParameterError("nodes", nodes, "choose 'auto', 'gauss-hermite' or 'trapezoid'")
    kind = nodes
    if kind == "auto":
        kind = "trapezoid" if tr.code == ga.USER else "gauss-hermite"
    if kind == "gauss-hermite":
        n = checks.integer("n_nodes", n_gh if n_nodes is None else n_nodes, minimum=2, maximum=1000)
        z, w = ga.gh_nodes(n)
        return z, w, kind
    n = checks.integer("n_nodes", TRAPEZOID_N if n_nodes is None else n_nodes, minimum=9, maximum=4001)
    z = (np.arange(n) - 0.5 * (n - 1)) * (2.0 * TRAPEZOID_L / (n - 1))  # exactly symmetric about 0
    w = np.exp(-0.5 * z * z)
    w = w / w.sum()
    return z, w, kind


# rule parameter of the sinh-mapped rules (trapezoid step hq/5 in t; halved for the error estimate):
# twice the low-rank default, since lambda (to LAMBDA_TOL) needs Delta_h to ~1e-5 only (measured at
# g = 2 and 20: lambda's quadrature part of the error ~1e-9 at hq = 2)
SINH_HQ = 2.0 * sq.SINH_HQ
QUAD_TOL = 1e-5  # tolerated quadrature error of Delta_h (relative to max(1, Delta_h(0)))
LAMBDA_TOL = 1e-3  # tolerated error of lambda_max (quadrature and tau grid together), 1/tau
HQ_MIN = 1.0 / 16.0
N_TAU_MAX = 4096


def _upsample(x, m):
    """Spectral (trigonometric) interpolation of a periodic sample x onto m >= x.size points."""
    n = x.size
    X = np.fft.rfft(x)
    if n % 2 == 0:
        X[-1] *= 0.5  # the Nyquist term splits into +-n/2 on the finer grid
    Y = np.zeros(m // 2 + 1, complex)
    Y[:X.size] = X
    return np.fft.irfft(Y, m) * (m / n)


def periodic_solution(g, phi="tanh", amplitude=1.0, omega=1.0, n_tau=None, n_theta=24, n_gh=None,
                      tol=1e-9, max_iter=2000, damping=0.5, init=None, nodes="auto", n_nodes=None,
                      hq=None, quad_tol=QUAD_TOL, n_periods=1, quad_check=True):
    r"""Input-locked periodic DMFT state of a sinusoidally driven random network.

    Parameters
    ----------
    g : float >= 0
        coupling gain.
    phi : str, sympy expression or Transfer
    amplitude : float >= 0
        input amplitude A (units of the transfer function's input).
    omega : float > 0
        angular frequency (rad per tau).
    n_tau : int, optional
        grid points over the domain (default: even, step <= 0.25 tau, >= 32).
    n_theta : int
        phase grid (trapezoid rule).
    n_gh : int, optional
        Gauss-Hermite nodes per dimension (``nodes="gauss-hermite"``; default 24).
    tol, max_iter, damping : iteration controls (max-norm change of Delta_h below tol).
    init : array, optional
        starting Delta_h on the same grid (warm start); default g^2 (constant).
    nodes : {"auto", "sinh", "gauss-hermite", "trapezoid"}
        quadrature of the Gaussian averages.  "sinh" (what "auto" means unless ``n_gh`` or
        ``n_nodes`` is given): the self-checking sinh-mapped rules of
        :mod:`recnet.numerics.dmft.sinhquad`, clustered at phi's feature, whose node count
        grows like log(spread / width) so that g up to 1e3 and beyond is resolved; the result
        carries ``quadrature_error`` (the map's change when hq is halved, i.e. twice the nodes) and
        hq is halved until it is below ``quad_tol * max(1, Delta_h(0))`` (down to hq = 1/16; a
        warning in ``warnings`` otherwise).  "gauss-hermite"/"trapezoid": the fixed rules of
        :func:`quadrature_nodes` (no error estimate).
    n_nodes : int, optional
        nodes per dimension of the fixed rules.
    hq : float, optional
        starting rule parameter of the sinh rules (default ``SINH_HQ`` = 2: trapezoid step 0.4 in t).
    n_periods : int
        the domain covers n_periods input periods (> 1 admits non-locked, chaotic solutions whose
        correlations decay over several periods).
    quad_check : bool
        estimate the quadrature error at the converged solution (one map evaluation with twice the
        nodes) and refine while it exceeds ``quad_tol``; False (the critical-amplitude scan, which
        checks its root once) skips it and reports ``quadrature_error`` NaN.

    Returns
    -------
    dict with ``tau`` (grid, tau units), ``delta_h``, ``c_phi``, ``g_kernel`` (G(tau)),
    ``filtered_amplitude``, ``n_iter``, ``converged``, ``nodes``, ``n_nodes``, ``hq``,
    ``quadrature_error``, ``warnings``, ``period`` (the domain's length).
    """
    g, A, om = _check(g, amplitude, omega)
    tr = _bounded_transfer(phi)
    n_periods = checks.integer("n_periods", n_periods, minimum=1, maximum=64)
    T, n, dtau = _grid(om / n_periods, n_tau, g)
    n_theta = checks.integer("n_theta", n_theta, minimum=4, maximum=4096)
    if nodes not in ("auto", "sinh", "gauss-hermite", "trapezoid"):
        raise checks.ParameterError("nodes", nodes, "choose 'auto', 'sinh', 'gauss-hermite' or 'trapezoid'")
    kind = nodes
    if kind == "auto":
        kind = "sinh" if (n_gh is None and n_nodes is None) else "auto"
    if kind == "sinh":
        xc, wx = sq.feature(tr)
        hq = SINH_HQ if hq is None else checks.in_range("hq", hq, 1e-2, 8.0)
        z = w = None
    else:
        z, w, kind = quadrature_nodes(tr, kind, n_nodes, 24 if n_gh is None else n_gh)
    theta = _theta_nodes(tr, n_theta, kind)
    a_in = A / math.sqrt(1.0 + om * om)
    k = np.fft.rfftfreq(n, d=1.0 / n)
    filt = g * g / (1.0 + (k * om / n_periods) ** 2)
    if init is not None:
        dh = checks.array("init", init, ndim=1)
        dh = (dh if dh.size == n else _upsample(dh, n) if dh.size < n else
              checks.array("init", init, ndim=1, shape=(n,))).copy()
    else:
        dh = np.full(n, max(g * g, 1e-3))

    def corr(d, which, h):
        if kind == "sinh":
            return _driven_corr_sinh(tr.f, tr.code, which, d, a_in, om, dtau, theta, xc, wx, h)
        return _driven_corr(tr.f, tr.code, which, d, a_in, om, dtau, theta, z, w)

    def fmap(d, h):
        out = np.fft.irfft(np.fft.rfft(corr(d, 0, h)) * filt, n)
        out[0] = max(out[0], 0.0)
        return out

    warn = []
    n_total = 0
    if kind == "sinh" and init is None:
        # coarse-to-fine from a cold start: most iterations run on the rule with half the nodes
        # (2 hq) to 1e-5, the last few on the rule asked for
        dh, _, it0 = _iterate(fmap, dh, 2.0 * hq, 1e-5, max_iter, damping)
        n_total += it0
    while True:
        # an unchecked solve (the critical-amplitude scan) stops at 1e-2 quad_tol; a checked one
        # iterates to tol, so that its lambda error is the quadrature's and the grid's alone
        it_tol = max(tol, 1e-2 * quad_tol) if (kind == "sinh" and not quad_check) else tol
        dh, conv, it = _iterate(fmap, dh, hq, it_tol, max_iter, damping)
        n_total += it
        if kind != "sinh" or not quad_check:
            qerr = float("nan")
            break
        qerr = float(np.max(np.abs(fmap(dh, 0.5 * hq) - fmap(dh, hq))))
        if qerr <= quad_tol * max(1.0, dh[0]) or hq <= HQ_MIN:
            if qerr > quad_tol * max(1.0, dh[0]):
                warn.append(f"quadrature error of Delta_h {qerr:.2g} exceeds its tolerance "
                            f"{quad_tol * max(1.0, dh[0]):.2g} at the finest rule (hq = {hq:g})")
            break
        hq *= 0.5
    if not conv:
        warn.append(f"the periodic iteration did not converge in {max_iter} steps (tol {tol:g})")
    C = corr(dh, 0, hq)
    G = g * g * corr(dh, 1, hq)
    return {"tau": np.arange(n) * dtau, "delta_h": dh, "c_phi": C, "g_kernel": G,
            "filtered_amplitude": a_in, "n_iter": n_total, "converged": conv, "period": T,
            "nodes": kind, "n_nodes": int(z.size) if z is not None else None, "hq": hq if kind == "sinh" else None,
            "quadrature_error": qerr, "warnings": warn, "n_periods": n_periods}


def _theta_nodes(tr, n_theta, kind):
    """Input phases of the trapezoid rule in theta.  For odd phi (phi' even) the phases theta and
    theta + pi give the same contribution (x -> -x, z -> -z), so with the sinh rules and an even
    n_theta only the first half is summed (the same average at half the cost)."""
    theta = 2.0 * math.pi * np.arange(n_theta) / n_theta
    if kind == "sinh" and n_theta % 2 == 0 and sq.is_odd(tr):
        theta = theta[: n_theta // 2].copy()
    return theta


def _iterate(fmap, dh, hq, tol, max_iter, damping):
    """Anderson acceleration (depth 5) of the damped fixed-point map dh -> fmap(dh, hq); falls back
    to plain damping when the least-squares step misbehaves (Walker & Ni 2011, SIAM J Numer Anal
    49:1715).  Returns (dh, converged, iterations)."""
    m_depth = 5
    X, Fr = [], []
    it = 0
    for it in range(1, max_iter + 1):
        gd = fmap(dh, hq)
        r = gd - dh
        change = float(np.max(np.abs(r)))
        if change < tol * max(1.0, abs(dh[0])):
            return gd, True, it
        X.append(dh.copy())
        Fr.append(r.copy())
        if len(X) > m_depth + 1:
            X.pop(0)
            Fr.pop(0)
        if len(X) >= 2:
            dF = np.array([Fr[i + 1] - Fr[i] for i in range(len(Fr) - 1)]).T
            dX = np.array([X[i + 1] - X[i] for i in range(len(X) - 1)]).T
            gam = np.linalg.lstsq(dF, r, rcond=None)[0]
            cand = dh + damping * r - (dX + damping * dF) @ gam
            if np.all(np.isfinite(cand)) and cand[0] > 0 and np.all(np.abs(cand) <= cand[0] * (1 + 1e-9)):
                dh = cand
                continue
            X, Fr = [], []
        dh = dh + damping * r
    return dh, False, it


def _numpy_transfer(tr):
    """phi and phi' as numpy ufunc-like callables: sympy ``lambdify`` of the expressions (an evaluation
    path independent of the numba cfunc), falling back to the cfunc for expressions numpy lacks."""
    import sympy as sp
    out = {}
    for key, e in (("phi", tr.expr), ("dphi", tr.dexpr)):
        try:
            x = sorted(e.free_symbols, key=str)[0] if e.free_symbols else sp.Symbol("x", real=True)
            fn = sp.lambdify(x, e, modules="numpy")
            probe = np.linspace(-2.0, 2.0, 5)
            if not np.allclose(np.broadcast_to(fn(probe), probe.shape), tr(probe, key), rtol=1e-12, atol=1e-14):
                raise ArithmeticError
            out[key] = (lambda f: (lambda v: np.broadcast_to(f(v), np.shape(v))))(fn)
        except Exception:
            out[key] = (lambda k: (lambda v: tr(v, k)))(key)
    return out


def ground_energy(G, period):
    r"""Lowest eigenvalue of :math:`-\partial_\tau^2 - G(\tau)` with period ``period`` (Fourier-spectral).

    ``G`` is sampled on the uniform grid of one period.  The Bloch ground state of a periodic
    potential is periodic, so this is the band bottom of the operator on the whole line.
    """
    Gv = checks.array("G", G, ndim=1)
    period = checks.positive("period", period)
    n = Gv.size
    Gh = np.fft.fft(Gv) / n  # G(tau) = sum_m Gh_m e^{i q_m tau}
    idx = np.arange(n)
    kk = np.where(idx <= n // 2, idx, idx - n)
    q = 2.0 * math.pi * kk / period
    diff = (idx[:, None] - idx[None, :]) % n
    H = np.diag(q ** 2).astype(complex) - Gh[diff]
    H = 0.5 * (H + H.conj().T)
    return float(np.linalg.eigvalsh(H)[0])


def _lambda_of(G, period):
    E0 = ground_energy(G, period)
    return -1.0 + math.sqrt(max(-E0, 0.0)) if E0 < 0 else -1.0


def _fine_check(g, tr, amplitude, omega, sol, n_theta, m, h):
    """lambda and the self-consistency residual of Delta_h on a grid of m points (spectral
    interpolation of Delta_h) with the sinh rules' panel length h: compared with the solution's own
    grid and rule, the a-posteriori error of a sinh-rule solution.  Returns (lambda, residual)."""
    dh = sol["delta_h"]
    d2 = _upsample(dh, m) if m != dh.size else dh
    dtau2 = sol["period"] / m
    theta = _theta_nodes(tr, n_theta, "sinh")
    xc, wx = sq.feature(tr)
    a_in = sol["filtered_amplitude"]
    C2 = _driven_corr_sinh(tr.f, tr.code, 0, d2, a_in, omega, dtau2, theta, xc, wx, h)
    G2 = g * g * _driven_corr_sinh(tr.f, tr.code, 1, d2, a_in, omega, dtau2, theta, xc, wx, h)
    k = np.fft.rfftfreq(m, d=1.0 / m)
    filt = g * g / (1.0 + (k * omega / sol["n_periods"]) ** 2)
    resid = float(np.max(np.abs(np.fft.irfft(np.fft.rfft(C2) * filt, m) - d2)))
    return _lambda_of(G2, sol["period"]), resid


def lambda_max(g, phi="tanh", amplitude=1.0, omega=1.0, sol=None, lambda_tol=LAMBDA_TOL, check=True, **kw):
    r"""Largest Lyapunov exponent (1/tau) of the input-locked periodic state, :math:`-1 + \sqrt{-E_0}`.

    Negative: the periodic (non-chaotic) state is stable; positive: it is unstable (chaos).
    ``**kw`` go to :func:`periodic_solution` (``n_tau``, ``n_theta``, ``n_gh``, ``nodes``,
    ``n_nodes``, ``tol``, ``init``, ...).  Returns (lambda_max, solution dict).

    With the sinh rules (the default) the result checks itself: lambda is recomputed on twice the
    tau grid with twice the quadrature nodes; while the change exceeds ``lambda_tol`` the grid is
    doubled and hq halved (up to 4096 grid points, hq = 1/16), the solution re-solved from the
    interpolated one.  ``sol["lambda_error"]`` holds the last change (its estimated error) and
    ``sol["warnings"]`` says when the tolerance could not be met.
    """
    if sol is None:
        sol = periodic_solution(g, phi, amplitude, omega, quad_check=check, **kw)
    lam = _lambda_of(sol["g_kernel"], sol["period"])
    sol["lambda_error"] = float("nan")
    if sol["nodes"] != "sinh" or not check:
        return lam, sol
    tr = ga.transfer(phi)
    n_theta = kw.get("n_theta", 24)
    kw2 = {k: v for k, v in kw.items() if k not in ("init", "n_tau")}
    while True:
        n = sol["delta_h"].size
        lam_q, _ = _fine_check(g, tr, amplitude, omega, sol, n_theta, n, 0.5 * sol["hq"])
        lam_t, resid = _fine_check(g, tr, amplitude, omega, sol, n_theta, 2 * n, sol["hq"])
        err_q, err_t = abs(lam_q - lam), abs(lam_t - lam)
        sol["lambda_error"] = err_q + err_t
        sol["lambda_error_parts"] = {"quadrature": err_q, "tau_grid": err_t}
        sol["delta_h_grid_residual"] = resid
        if err_q + err_t <= lambda_tol:
            break
        if 2 * n > N_TAU_MAX or (err_q > 0.5 * lambda_tol and sol["hq"] <= HQ_MIN):
            sol["warnings"].append(f"lambda_max's estimated error {err_q + err_t:.2g} /tau exceeds its tolerance "
                                   f"{lambda_tol:g} at the finest grid ({n} points) and rule (hq = {sol['hq']:g})")
            break
        # refine what is off: the tau grid (twice the points) and/or the rule (half the panel length)
        n_new = 2 * n if err_t > 0.5 * lambda_tol else n
        hq_new = 0.5 * sol["hq"] if err_q > 0.5 * lambda_tol else sol["hq"]
        sol = periodic_solution(g, phi, amplitude, omega, n_tau=n_new, **dict(kw2, hq=hq_new),
                                init=_upsample(sol["delta_h"], n_new))
        lam = _lambda_of(sol["g_kernel"], sol["period"])
    return lam, sol


def critical_amplitude(g, phi="tanh", omega=1.0, a_max=None, n_steps=12, tol=1e-4, **kw):
    r"""Critical input amplitude :math:`A_c(\omega)` where the input-locked state becomes stable.

    Continues the periodic solution from ``a_max`` (default 4 g sqrt(1 + omega^2), deep in the
    locked regime) down in amplitude on ``n_steps`` geometric steps with warm starts, brackets the
    sign change of lambda_max and refines it by bisection to ``tol`` (relative).  Returns NaN if
    lambda_max stays negative down to a_max / 100 (no chaos to suppress, e.g. g < 1).  ``**kw`` go
    to :func:`periodic_solution` (e.g. ``nodes="trapezoid"``, ``n_nodes``, ``n_theta``, ``n_tau``).

    Returns
    -------
    dict with ``critical_amplitude``, ``omega``, ``lambda_at_a_max`` and the scanned
    ``amplitudes`` / ``lambdas``.
    """
    g = checks.nonnegative("g", g)
    om = checks.positive("omega", omega)
    if a_max is None:
        a_max = 4.0 * max(g, 0.5) * math.sqrt(1.0 + om * om)
    a_max = checks.positive("a_max", a_max)
    amps = a_max * np.geomspace(1.0, 0.01, n_steps)
    lams, init = [], None
    final_kw = dict(kw)
    if "n_tau" not in kw:  # scan on the coarse grid (step 0.25 tau); the root is checked on the fine one
        kw = dict(kw, n_tau=2 * int(math.ceil(max(32.0, 2.0 * math.pi / om / 0.25) / 2)))
    if kw.get("nodes", "auto") in ("auto", "sinh") and kw.get("n_gh") is None and kw.get("n_nodes") is None:
        # the scan needs the sign of lambda: sinh rules with half the nodes (2 hq: lambda to ~1e-3);
        # the root is moved by secant steps on the full rule and checked there once, and that
        # check's lambda goes into the reported error
        kw = dict(kw, hq=2.0 * (SINH_HQ if kw.get("hq") is None else kw["hq"]))
    if "tol" not in kw:  # the scan needs lambda's sign: Delta_h to 1e-5 (lambda moves by about as much)
        kw = dict(kw, tol=1e-5)
    prev = None
    for A in amps:
        lam, sol = lambda_max(g, phi, A, om, init=init, check=False, **kw)
        lams.append(lam)
        init = sol["delta_h"]
        if lam > 0 and prev is not None:
            # Illinois (regula falsi) on lambda_max(A) between the bracketing amplitudes
            lo, flo, hi, fhi, init_hi = A, lam, prev[0], prev[2], prev[1]
            side = 0
            c = hi
            for _ in range(60):
                c = (lo * fhi - hi * flo) / (fhi - flo)
                fc, sc = lambda_max(g, phi, c, om, init=init_hi, check=False, **kw)
                if abs(fc) < 1e-10 or (hi - lo) < max(tol, 1e-2) * hi:  # the secant below refines
                    break
                if fc > 0:
                    lo, flo = c, fc
                    if side == -1:
                        fhi *= 0.5
                    side = -1
                else:
                    hi, fhi, init_hi = c, fc, sc["delta_h"]
                    if side == 1:
                        flo *= 0.5
                    side = 1
                if abs(fc) < 1e-7:
                    break
            # the scan ran on the coarse grid and rule without the per-point error check: the root
            # is moved by secant steps on lambda(A) with the final grid and rule (the coarse
            # bracket's slope to start), then lambda is checked there once: its estimated error over
            # the slope of lambda(A) is the critical amplitude's error
            slope = abs(fhi - flo) / max(hi - lo, 1e-300)
            fkw = {k: v for k, v in final_kw.items() if k != "init"}
            a0, l0, s0 = c, None, None
            a_prev = l_prev = None
            for _ in range(6):
                l0, s0 = lambda_max(g, phi, a0, om, init=init_hi if s0 is None else s0["delta_h"], check=False, **fkw)
                if a_prev is not None and l0 != l_prev:
                    slope = max(abs((l0 - l_prev) / (a0 - a_prev)), 1e-300)
                step = l0 / slope  # lambda falls with A: a positive lambda moves the root up
                a_prev, l_prev = a0, l0
                a0 = a0 + step
                if abs(step) <= 0.1 * tol * a0 or not (a0 > 0):
                    break
            if a0 > 0 and math.isfinite(a0):
                c = a0
            lam_root, sroot = lambda_max(g, phi, c, om, init=init_hi if s0 is None else s0["delta_h"], **fkw)
            # error of A_c: lambda at the coarse root on the checked grid, plus its estimated error
            sroot["lambda_error"] = abs(lam_root) + sroot["lambda_error"]
            return {"critical_amplitude": float(c), "omega": om, "lambda_at_a_max": lams[0],
                    "critical_amplitude_error": float(sroot["lambda_error"] / slope) if slope > 0 else float("nan"),
                    "warnings": sroot["warnings"],
                    "amplitudes": amps[:len(lams)], "lambdas": np.array(lams), "a_max": float(a_max),
                    "verdict": "input-locked above, chaotic below the critical amplitude"}
        if lam > 0 and prev is None:
            # chaotic even at the largest amplitude scanned: said in words, not as an error
            return {"critical_amplitude": float("nan"), "omega": om, "lambda_at_a_max": lam,
                    "amplitudes": amps[:1], "lambdas": np.array(lams), "a_max": float(a_max),
                    "verdict": f"chaotic at every amplitude up to a_max = {a_max:.4g}: the input-locked state is "
                               f"unstable there (lambda_max = {lam:.3g} /tau); the critical amplitude, if any, "
                               f"is larger"}
        prev = (A, sol["delta_h"], lam)
    return {"critical_amplitude": float("nan"), "omega": om, "lambda_at_a_max": lams[0],
            "amplitudes": amps, "lambdas": np.array(lams), "a_max": float(a_max),
            "verdict": f"input-locked (lambda_max < 0) at every amplitude down to {amps[-1]:.3g}: no chaos to suppress"}


def static_limit(g, phi="tanh", amplitude=1.0, n_theta=64, n_gh=48, nodes="auto", n_nodes=None):
    r"""The omega -> 0 limit: a frozen state under static random input A cos(theta_i).

    :math:`\Delta = g^2\langle\phi^2(\sqrt\Delta z + A\cos\theta)\rangle_{z,\theta}` (largest root),
    :math:`\lambda_{\max} = -1 + g\sqrt{\langle\phi'^2\rangle}` (radius of the bulk of the stability
    matrix).  ``nodes``, ``n_nodes``: quadrature in z as in :func:`quadrature_nodes`.
    Returns (lambda_max, Delta).
    """
    import scipy.optimize as so
    g = checks.nonnegative("g", g)
    A = checks.nonnegative("amplitude", amplitude)
    tr = ga.transfer(phi)
    z, w, _ = quadrature_nodes(tr, nodes, n_nodes, n_gh)
    th = 2.0 * np.pi * np.arange(n_theta) / n_theta
    zz = z[:, None]
    uu = A * np.cos(th)[None, :]

    def avg(fun, D):
        return float(np.sum(w[:, None] * fun(np.sqrt(D) * zz + uu)) / n_theta)

    fnp = _numpy_transfer(tr)
    f0 = lambda x: fnp["phi"](x) ** 2  # noqa: E731
    h = lambda D: g * g * avg(f0, D) - D  # noqa: E731
    hi = 1.0
    while h(hi) > 0 and hi < 1e6:
        hi *= 2
    Ds = np.geomspace(1e-10, hi, 60)
    hv = np.array([h(D) for D in Ds])
    idx = np.where((hv[:-1] >= 0) & (hv[1:] < 0))[0]
    D = so.brentq(h, Ds[idx[-1]], Ds[idx[-1] + 1]) if idx.size else 0.0
    lam = -1.0 + g * math.sqrt(avg(lambda x: fnp["dphi"](x) ** 2, max(D, 0.0)))
    return lam, D


def critical_amplitude_static(g, phi="tanh", a_max=10.0, **kw):
    """Critical amplitude of the omega -> 0 limit (root of :func:`static_limit`'s lambda_max)."""
    import scipy.optimize as so
    f = lambda A: static_limit(g, phi, A, **kw)[0]  # noqa: E731
    if f(0.0) <= 0:
        return float("nan")
    if f(a_max) > 0:
        raise checks.ParameterError("a_max", a_max, "an amplitude where the omega -> 0 state is no longer chaotic (still chaotic there)")
    return float(so.brentq(f, 0.0, a_max, xtol=1e-10))
