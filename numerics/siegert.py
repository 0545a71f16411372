r"""The Siegert rate and the ISI CV of a leaky integrate-and-fire neuron driven by white noise.

Model (Brunel 2000, J Comput Neurosci 8:183, eqs. 1-2 and 21; diffusion approximation)::

    tau_m dV/dt = -(V - v_rest) + mu + sigma sqrt(tau_m) xi(t)

with spike and reset to ``v_reset`` when V reaches ``v_thresh``, then ``tau_refrac`` of clamping.

Conventions and units (PyNN's):

* ``mu`` [mV] is the mean input *relative to the resting potential*: the free membrane potential
  (no threshold) fluctuates around ``v_rest + mu``.  ``sigma`` [mV] is the noise amplitude of
  the equation above (Brunel's convention): the free membrane potential has standard deviation
  ``sigma / sqrt(2)``.  For delta synapses with in-degree C, weight J [mV] and presynaptic
  rate nu [Hz], ``mu = tau_m C J nu`` and ``sigma**2 = tau_m C J**2 nu`` (tau_m in s).
* ``v_thresh``, ``v_reset``, ``v_rest`` in mV (absolute); only the differences
  ``v_thresh - v_rest`` and ``v_reset - v_rest`` enter, so shifting all three by the same amount
  leaves the rate unchanged.
* ``tau_m``, ``tau_refrac`` in ms; rates in Hz.

The stationary rate (Siegert 1951; Amit & Brunel 1997; Brunel 2000 eq. 21)::

    1/nu = tau_refrac + tau_m sqrt(pi) \int_{y_r}^{y_th} exp(u^2) (1 + erf u) du,
    y_th = (v_thresh - v_rest - mu)/sigma,  y_r = (v_reset - v_rest - mu)/sigma,

and the ISI coefficient of variation (Tuckwell 1988; Brunel 2000 Appendix A.1; see theory.brunel)::

    CV^2 = 2 pi (nu tau_m)^2 \int_{y_r}^{y_th} dx exp(x^2) \int_{-inf}^{x} dy exp(y^2) (1 + erf y)^2.

Numerics.  ``exp(u^2)(1 + erf u) = erfcx(-u)``.  The rate integral is split at u = 0:
for u < 0 the integrand is ``erfcx(|u|)`` (bounded, smooth; Gauss-Legendre panels on [0, 10] and the
asymptotic antiderivative ``(ln s + sum_k ...)/sqrt(pi)`` beyond), for u > 0 it is
``2 exp(u^2) - erfcx(u)`` whose exponential part is integrated in closed form through Dawson's
function ``F`` (``\int_0^y exp(u^2) du = exp(y^2) F(y)``), everything scaled by ``exp(-y_th^2)`` so
nothing overflows.  No cancellation of large numbers occurs anywhere, so the result holds to about
1e-12 relative (worst seen 8e-13; tests: 1e-10 against mpmath at 30 digits on a grid with
|mu - v_thresh|/sigma up to 20 and sigma down to 1e-6 mV).  ``sigma = 0`` gives the noise-free rate ``1/(tau_refrac + tau_m ln((mu -
v_reset)/(mu - v_thresh)))`` (potentials relative to v_rest) for mu > v_thresh, else 0.

``siegert_mpmath`` and ``cv_mpmath`` are high-precision references for tests and benchmarks only.
"""
from __future__ import annotations

import math

import numpy as np

from recnet import checks
from recnet.numerics._jit import njit, prange

__all__ = ["siegert", "cv_isi", "erfcx", "dawson", "siegert_mpmath", "cv_mpmath",
           "check_neuron"]

SQRT_PI = 1.7724538509055160273
INV_SQRT_PI = 0.56418958354775628695

_GL_X, _GL_W = np.polynomial.legendre.leggauss(20)
_GL_X = np.ascontiguousarray(_GL_X)
_GL_W = np.ascontiguousarray(_GL_W)
# break points of the Gauss-Legendre panels for \int erfcx on [0, S_ASYM]
_BREAKS = np.array([0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 5.5, 7.5, 10.0])
_S_ASYM = 10.0


# ----------------------------------------------------------------------------- special functions
@njit
def _exp_sq(x):
    """exp(x*x) with x*x split exactly (Dekker), so the relative error stays ~1 ulp for large x."""
    c = 134217729.0 * x
    hi = c - (c - x)
    lo = x - hi
    p = x * x
    err = ((hi * hi - p) + 2.0 * hi * lo) + lo * lo
    return math.exp(p) * (1.0 + err)


@njit
def _erfcx_pos(x):
    """erfcx(x) = exp(x^2) erfc(x) for x >= 0."""
    if x < 25.0:
        return _exp_sq(x) * math.erfc(x)
    # asymptotic series, 12 terms: error < 1e-25 relative for x >= 25
    s = 0.5 / (x * x)
    term = 1.0
    total = 1.0
    for k in range(1, 13):
        term *= -(2.0 * k - 1.0) * s
        total += term
    return total * INV_SQRT_PI / x


@njit
def _erfcx(x):
    if x >= 0.0:
        return _erfcx_pos(x)
    if x < -26.6:
        return np.inf
    return 2.0 * _exp_sq(x) - _erfcx_pos(-x)


@njit
def _dawson(x):
    """Dawson's integral F(x) = exp(-x^2) \\int_0^x exp(t^2) dt (Rybicki's sampling formula)."""
    ax = abs(x)
    sgn = 1.0 if x >= 0.0 else -1.0
    if ax < 0.2:
        x2 = 2.0 * ax * ax
        term = ax
        total = ax
        for n in range(1, 20):
            term *= -x2 / (2.0 * n + 1.0)
            total += term
        return sgn * total
    if ax > 50.0:
        s = 0.5 / (ax * ax)
        term = 1.0
        total = 1.0
        for k in range(1, 13):
            term *= (2.0 * k - 1.0) * s
            total += term
        return sgn * total * 0.5 / ax
    # F(x) = lim_{h->0} pi^{-1/2} sum_{n odd} exp(-(x - n h)^2)/n ; error ~ exp(-(pi/2h)^2)
    h = 0.2
    n0 = 2.0 * math.floor(0.5 * ax / h + 0.5)
    xp = ax - n0 * h
    e1 = math.exp(2.0 * xp * h)
    e2 = e1 * e1
    up = e1          # e1^(2i-1)
    dn = 1.0 / e1    # e1^-(2i-1)
    total = 0.0
    for i in range(1, 26):
        k = 2.0 * i - 1.0
        c = math.exp(-(k * h) * (k * h))
        total += c * (up / (n0 + k) + dn / (n0 - k))
        up *= e2
        dn /= e2
    return sgn * INV_SQRT_PI * math.exp(-xp * xp) * total


@njit
def _int_erfcx(s1, s2):
    """\\int_{s1}^{s2} erfcx(s) ds for 0 <= s1 <= s2 (no cancellation)."""
    if s2 <= s1:
        return 0.0
    total = 0.0
    hi_q = min(s2, _S_ASYM)
    if s1 < hi_q:
        nb = _BREAKS.shape[0]
        for p in range(nb - 1):
            lo = max(_BREAKS[p], s1)
            hi = min(_BREAKS[p + 1], hi_q)
            if hi <= lo:
                continue
            half = 0.5 * (hi - lo)
            mid = 0.5 * (hi + lo)
            acc = 0.0
            for j in range(_GL_X.shape[0]):
                acc += _GL_W[j] * _erfcx_pos(mid + half * _GL_X[j])
            total += half * acc
    if s2 > _S_ASYM:
        lo = max(s1, _S_ASYM)
        # antiderivative of the asymptotic series: (ln s - sum_k (-1)^k (2k-1)!!/(2^k 2k) s^-2k)/sqrt(pi)
        acc = math.log1p((s2 - lo) / lo)
        coef = 1.0
        ilo = 1.0 / (lo * lo)
        ihi = 1.0 / (s2 * s2)
        plo = 1.0
        phi = 1.0
        for k in range(1, 16):
            coef *= -(2.0 * k - 1.0) * 0.5
            plo *= ilo
            phi *= ihi
            acc -= coef / (2.0 * k) * (phi - plo)
        total += acc * INV_SQRT_PI
    return total


@njit
def _int_exp_sq_scaled(a, b):
    """exp(-b^2) \\int_a^b exp(u^2) du for 0 <= a <= b."""
    if b <= a:
        return 0.0
    if (b - a) * (b + a) < 1.0:
        # short interval: direct Gauss-Legendre (exponent varies by < 1 across it)
        half = 0.5 * (b - a)
        mid = 0.5 * (b + a)
        acc = 0.0
        for j in range(_GL_X.shape[0]):
            u = mid + half * _GL_X[j]
            acc += _GL_W[j] * math.exp((u - b) * (u + b))
        return half * acc
    return _dawson(b) - math.exp((a - b) * (a + b)) * _dawson(a)


@njit
def _siegert_scaled(a, b):
    """Return (log_scale, J) with \\int_a^b erfcx(-u) du = exp(log_scale) J, for a < b."""
    if b <= 0.0:
        return 0.0, _int_erfcx(-b, -a)
    ap = max(a, 0.0)
    neg = _int_erfcx(0.0, -a) if a < 0.0 else 0.0
    # \int_ap^b (2 exp(u^2) - erfcx(u)) du, scaled by exp(-b^2)
    scale = math.exp(-b * b)
    j = 2.0 * _int_exp_sq_scaled(ap, b) + scale * (neg - _int_erfcx(ap, b))
    return b * b, j


@njit
def _siegert_one(mu, sigma, tau_m, tau_refrac, v_th, v_r):
    """Rate in Hz; potentials relative to v_rest, times in ms."""
    if sigma == 0.0:
        if mu <= v_th:
            return 0.0
        return 1e3 / (tau_refrac + tau_m * math.log((mu - v_r) / (mu - v_th)))
    a = (v_r - mu) / sigma
    b = (v_th - mu) / sigma
    log_scale, j = _siegert_scaled(a, b)
    if log_scale == 0.0:
        return 1e3 / (tau_refrac + tau_m * SQRT_PI * j)
    log_t = log_scale + math.log(tau_m * SQRT_PI * j)
    if log_t > 700.0:
        return 1e3 * math.exp(-log_t) / (1.0 + tau_refrac * math.exp(-log_t))
    return 1e3 / (tau_refrac + math.exp(log_t))


@njit(parallel=True)
def _siegert_vec(mu, sigma, tau_m, tau_refrac, v_th, v_r, out):
    for i in prange(mu.shape[0]):
        out[i] = _siegert_one(mu[i], sigma[i], tau_m[i], tau_refrac[i], v_th[i], v_r[i])


@njit
def _siegert_vec_serial(mu, sigma, tau_m, tau_refrac, v_th, v_r, out):
    for i in range(mu.shape[0]):
        out[i] = _siegert_one(mu[i], sigma[i], tau_m[i], tau_refrac[i], v_th[i], v_r[i])


def _siegert_flat(flat):
    n = flat[0].shape[0]
    if n == 1:   # scalar: no array kernel to compile
        return np.array([_siegert_one(*(float(a[0]) for a in flat))])
    out = np.empty(n)
    (_siegert_vec if n >= 2000 else _siegert_vec_serial)(*flat, out)
    return out


# ------------------------------------------------------------------------------------------ CV
# Adaptive Gauss-Kronrod (7/15) with an explicit stack; two copies so the outer integrand can
# call the inner one without recursion.
_K15_X = np.array([0.991455371120812639206854697526329, 0.949107912342758524526189684047851,
                   0.864864423359769072789712788640926, 0.741531185599394439863864773280788,
                   0.586087235467691130294144845693013, 0.405845151377397166906606412076961,
                   0.207784955007898467600689403773245, 0.0])
_K15_W = np.array([0.022935322010529224963732008058970, 0.063092092629978553290700663189204,
                   0.104790010322250183839876322541518, 0.140653259715525918745189590510238,
                   0.169004726639267902826583426598550, 0.190350578064785409913256402421014,
                   0.204432940075298892414161999234649, 0.209482141084727828012999174891714])
_G7_W = np.array([0.0, 0.129484966168869693270611432679082, 0.0, 0.279705391489276667901467771423780,
                  0.0, 0.381830050505118944950369775488975, 0.0, 0.417959183673469387755102040816327])


@njit
def _f_inner(kind, y, p):
    # kind 0: x <= 0 branch, F(x) = \int_0^inf erfcx(s + w)^2 exp(-w (2 s + w)) dw, s = |x| = p[0]
    # kind 1: x > 0 branch, exp(x^2 - 2 m^2 + y^2) (1 + erf y)^2, x = p[0], m = p[1]
    if kind == 0:
        s = p[0]
        e = _erfcx_pos(s + y)
        return e * e * math.exp(-y * (2.0 * s + y))
    x = p[0]
    m = p[1]
    v = 1.0 + math.erf(y)
    return math.exp(x * x - 2.0 * m * m + y * y) * v * v


@njit
def _gk_inner(kind, p, lo, hi, rtol, atol):
    stack_lo = np.empty(200)
    stack_hi = np.empty(200)
    n = 1
    stack_lo[0] = lo
    stack_hi[0] = hi
    total = 0.0
    while n > 0:
        n -= 1
        a = stack_lo[n]
        b = stack_hi[n]
        half = 0.5 * (b - a)
        mid = 0.5 * (b + a)
        k = 0.0
        g = 0.0
        for j in range(8):
            if j == 7:
                f = _f_inner(kind, mid, p)
                k += _K15_W[j] * f
                g += _G7_W[j] * f
            else:
                f1 = _f_inner(kind, mid - half * _K15_X[j], p)
                f2 = _f_inner(kind, mid + half * _K15_X[j], p)
                k += _K15_W[j] * (f1 + f2)
                g += _G7_W[j] * (f1 + f2)
        k *= half
        g *= half
        if abs(k - g) <= max(atol * (b - a) / (hi - lo), rtol * abs(k)) or n >= 198 or half < 1e-14 * abs(mid):
            total += k
        else:
            stack_lo[n] = a
            stack_hi[n] = mid
            stack_lo[n + 1] = mid
            stack_hi[n + 1] = b
            n += 2
    return total


@njit
def _outer_f(kind, x, q):
    """Scaled F(x) exp(-2 m^2) for the CV's outer integral; q = [m, C0]."""
    m = q[0]
    p = np.empty(2)
    if kind == 0:  # x <= 0, variable s = -x
        s = x
        p[0] = s
        cut = 40.0 / (2.0 * s + 1.0)
        return math.exp(-2.0 * m * m) * _gk_inner(0, p, 0.0, cut, 1e-13, 0.0)
    p[0] = x
    p[1] = m
    return (math.exp(x * x - 2.0 * m * m) * q[1] + _gk_inner(1, p, 0.0, x, 1e-13, 0.0))


@njit
def _gk_outer(kind, q, lo, hi, rtol):
    stack_lo = np.empty(200)
    stack_hi = np.empty(200)
    n = 1
    stack_lo[0] = lo
    stack_hi[0] = hi
    total = 0.0
    while n > 0:
        n -= 1
        a = stack_lo[n]
        b = stack_hi[n]
        half = 0.5 * (b - a)
        mid = 0.5 * (b + a)
        k = 0.0
        g = 0.0
        for j in range(8):
            if j == 7:
                f = _outer_f(kind, mid, q)
                k += _K15_W[j] * f
                g += _G7_W[j] * f
            else:
                f1 = _outer_f(kind, mid - half * _K15_X[j], q)
                f2 = _outer_f(kind, mid + half * _K15_X[j], q)
                k += _K15_W[j] * (f1 + f2)
                g += _G7_W[j] * (f1 + f2)
        k *= half
        g *= half
        if abs(k - g) <= rtol * abs(k) or n >= 198 or half < 1e-14 * abs(mid):
            total += k
        else:
            stack_lo[n] = a
            stack_hi[n] = mid
            stack_lo[n + 1] = mid
            stack_hi[n + 1] = b
            n += 2
    return total


_S_CV_TAIL = 1e4


@njit
def _cv_tail(s1, s2):
    """\\int_{s1}^{s2} (1 - 5/(2 s^2))/(2 pi s^3) ds, the CV's outer integral for x = -s <= -1e4.

    Asymptotics of F(x) = exp(x^2) \\int_{-inf}^x exp(y^2)(1 + erf y)^2 dy for x -> -inf from
    erfc(t) = exp(-t^2)/(t sqrt(pi)) (1 - 1/(2t^2) + ...); the next term is O(s^-7), below 1e-24
    relative to the total at s >= 1e4.
    """
    i1 = 0.5 / (s1 * s1) - (0.5 / (s2 * s2) if s2 < 1e150 else 0.0)
    i2 = 0.25 / s1 ** 4 - (0.25 / s2 ** 4 if s2 < 1e75 else 0.0)
    return (i1 - 2.5 * i2) / (2.0 * math.pi)


@njit
def _cv_one(mu, sigma, tau_m, tau_refrac, v_th, v_r, c0):
    if sigma == 0.0:
        return 0.0
    a = (v_r - mu) / sigma
    b = (v_th - mu) / sigma
    m = max(b, 0.0)
    q = np.empty(2)
    q[0] = m
    q[1] = c0
    # \int_a^b F(x) dx exp(-2 m^2): x <= 0 part in s = -x (log-spaced pieces), x > 0 part directly
    total = 0.0
    if a < 0.0:
        s_lo = max(-b, 0.0)
        s_hi = -a
        # beyond s = _S_CV_TAIL the outer integrand is F(-s) = (1 - 5/(2 s^2))/(2 pi s^3) + O(s^-7):
        # integrated in closed form (quadrature out there took minutes in subnormal arithmetic for
        # v_reset = -1e200 mV, issue 13)
        s_top = min(s_hi, max(s_lo, _S_CV_TAIL))
        edges_lo = s_lo
        while edges_lo < s_top:
            edge_hi = min(s_top, max(2.0 * edges_lo, edges_lo + 1.0))
            total += _gk_outer(0, q, edges_lo, edge_hi, 1e-11)
            edges_lo = edge_hi
        if s_hi > s_top:
            total += math.exp(-2.0 * m * m) * _cv_tail(s_top, s_hi)
    if b > 0.0:
        x_lo = max(a, 0.0)
        # pieces of width ~1/(4 b) near the top, where the integrand lives
        width = max(b - x_lo, 1e-300)
        npieces = min(64, 1 + int(width * 4.0 * max(b, 1.0)))
        for i in range(npieces):
            lo = x_lo + width * i / npieces
            hi = x_lo + width * (i + 1) / npieces
            total += _gk_outer(1, q, lo, hi, 1e-11)
    log_scale, j = _siegert_scaled(a, b)
    # nu tau = 1/(tau_refrac/tau_m + sqrt(pi) I), I = exp(log_scale) j; scaled by exp(-m^2)
    if log_scale == 0.0:
        nt = 1.0 / (tau_refrac / tau_m + SQRT_PI * j)
        cv2 = 2.0 * math.pi * nt * nt * total
    else:
        den = tau_refrac / tau_m * math.exp(-log_scale) + SQRT_PI * j
        cv2 = 2.0 * math.pi * total / (den * den)
    return math.sqrt(max(cv2, 0.0))


_C0 = None


def _c0():
    """F(0) = \\int_0^inf erfcx(w)^2 exp(-w^2) dw (computed once, adaptively)."""
    global _C0
    if _C0 is None:
        _C0 = float(_gk_inner(0, np.zeros(2), 0.0, 40.0, 1e-14, 0.0))
    return _C0


@njit
def _cv_vec(mu, sigma, tau_m, tau_refrac, v_th, v_r, c0, out):
    for i in range(mu.shape[0]):
        out[i] = _cv_one(mu[i], sigma[i], tau_m[i], tau_refrac[i], v_th[i], v_r[i], c0)


# ------------------------------------------------------------------------------------ public API
def check_neuron(tau_m, v_thresh, v_reset, v_rest, tau_refrac):
    """Check LIF parameters (scalars or arrays); raise ParameterError naming the bad one."""
    for name, val, unit in (("tau_m", tau_m, "ms"), ("tau_refrac", tau_refrac, "ms"),
                            ("v_thresh", v_thresh, "mV"), ("v_reset", v_reset, "mV"),
                            ("v_rest", v_rest, "mV")):
        try:
            arr = np.asarray(val, dtype=float) if not isinstance(val, (bool, np.bool_, str)) else None
        except (TypeError, ValueError):
            arr = None
        if arr is None or arr.dtype.kind not in "fiu":
            raise checks.ParameterTypeError(name, val, "must be a real number or array",
                                            f"{name} must be a real number or array, got {type(val).__name__} {val!r}")
        if not np.all(np.isfinite(arr)):
            raise checks.ParameterError(name, val, f"must be finite ({unit})")
    if np.any(np.asarray(tau_m, float) <= 0):
        checks.positive("tau_m", float(np.min(tau_m)), "ms")
    if np.any(np.asarray(tau_refrac, float) < 0):
        checks.nonnegative("tau_refrac", float(np.min(tau_refrac)), "ms")
    bad = np.asarray(v_reset, float) >= np.asarray(v_thresh, float)
    if np.any(bad):
        vr = np.broadcast_to(np.asarray(v_reset, float), bad.shape)[bad].flat[0]
        vt = np.broadcast_to(np.asarray(v_thresh, float), bad.shape)[bad].flat[0]
        checks.less_than("v_reset", float(vr), "v_thresh", float(vt), "mV")
    bad = np.asarray(v_thresh, float) <= np.asarray(v_rest, float)
    if np.any(bad):
        vt = np.broadcast_to(np.asarray(v_thresh, float), bad.shape)[bad].flat[0]
        vr = np.broadcast_to(np.asarray(v_rest, float), bad.shape)[bad].flat[0]
        raise checks.ParameterError("v_thresh", float(vt), f"must be above v_rest = {vr:g} mV",
                                    f"v_thresh = {vt:g} mV is invalid: must be above v_rest = {vr:g} mV")


def _prepare(mu, sigma, tau_m, tau_refrac, v_thresh, v_reset, v_rest):
    check_neuron(tau_m, v_thresh, v_reset, v_rest, tau_refrac)
    mu_a = checks.array("mu", mu)
    sigma_a = checks.array("sigma", sigma)
    if np.any(sigma_a < 0):
        checks.nonnegative("sigma", float(sigma_a.min()), "mV")
    try:
        arrs = np.broadcast_arrays(mu_a, sigma_a, np.asarray(tau_m, float), np.asarray(tau_refrac, float),
                                   np.asarray(v_thresh, float) - np.asarray(v_rest, float),
                                   np.asarray(v_reset, float) - np.asarray(v_rest, float))
    except ValueError as exc:
        raise checks.ParameterError("mu", mu, f"mu, sigma and the neuron parameters must broadcast together: {exc}") from None
    shape = arrs[0].shape
    if all(np.ndim(v) == 0 for v in (mu, sigma, tau_m, tau_refrac, v_thresh, v_reset, v_rest)):
        shape = ()
    flat = [np.array(a, dtype=np.float64, order="C").ravel() for a in arrs]
    return shape, flat


def siegert(mu, sigma, tau_m=20.0, tau_refrac=2.0, v_thresh=20.0, v_reset=0.0, v_rest=0.0):
    r"""Stationary firing rate of a LIF neuron with white-noise input (Siegert formula).

    .. math:: \frac{1}{\nu} = \tau_{ref} + \tau_m \sqrt{\pi}
              \int_{(V_r - \mu)/\sigma}^{(\theta - \mu)/\sigma} e^{u^2} (1 + \mathrm{erf}\,u)\, du

    with :math:`\theta = v_{thresh} - v_{rest}`, :math:`V_r = v_{reset} - v_{rest}`
    (Brunel 2000, J Comput Neurosci 8:183, eq. 21).

    Parameters
    ----------
    mu : float or array, mV
        Mean input relative to ``v_rest`` (the free membrane potential's mean is ``v_rest + mu``).
    sigma : float or array, mV
        Noise amplitude (>= 0; 0 gives the noise-free rate): ``sigma**2 = tau_m sum_k C_k J_k**2 nu_k``
        for shot-noise input (tau_m in s); the free membrane potential's standard deviation is
        ``sigma / sqrt(2)``.
    tau_m, tau_refrac : float or array, ms
    v_thresh, v_reset, v_rest : float or array, mV (absolute potentials)

    All arguments broadcast together.

    Returns
    -------
    float or ndarray, Hz
    """
    shape, flat = _prepare(mu, sigma, tau_m, tau_refrac, v_thresh, v_reset, v_rest)
    out = _siegert_flat(flat)
    return float(out[0]) if shape == () else out.reshape(shape)


def cv_isi(mu, sigma, tau_m=20.0, tau_refrac=2.0, v_thresh=20.0, v_reset=0.0, v_rest=0.0):
    r"""Coefficient of variation of the inter-spike intervals of a LIF neuron with white noise.

    .. math:: CV^2 = 2\pi (\nu\tau_m)^2 \int_{y_r}^{y_\theta} dx\, e^{x^2}
              \int_{-\infty}^{x} dy\, e^{y^2} (1 + \mathrm{erf}\,y)^2

    (Tuckwell 1988; Brunel 2000, J Comput Neurosci 8:183, Appendix A.1), with ``nu`` the Siegert rate,
    ``y_theta = (v_thresh - v_rest - mu)/sigma``, ``y_r = (v_reset - v_rest - mu)/sigma``.
    Same arguments and units as :func:`siegert`; accurate to about 1e-9 relative (adaptive
    Gauss-Kronrod; tested against mpmath).  ``sigma = 0`` gives 0 (regular firing, or no firing).
    """
    shape, flat = _prepare(mu, sigma, tau_m, tau_refrac, v_thresh, v_reset, v_rest)
    if flat[0].shape[0] == 1:
        out = np.array([_cv_one(*(float(a[0]) for a in flat), _c0())])
    else:
        out = np.empty(flat[0].shape[0])
        _cv_vec(*flat, _c0(), out)
    return float(out[0]) if shape == () else out.reshape(shape)


def erfcx(x):
    """Scaled complementary error function exp(x^2) erfc(x) (numba kernel, vectorised)."""
    x = np.asarray(x, dtype=float)
    return np.vectorize(_erfcx, otypes=[float])(x) if x.ndim else float(_erfcx(float(x)))


def dawson(x):
    """Dawson's integral exp(-x^2) int_0^x exp(t^2) dt (numba kernel, vectorised)."""
    x = np.asarray(x, dtype=float)
    return np.vectorize(_dawson, otypes=[float])(x) if x.ndim else float(_dawson(float(x)))


def siegert_mpmath(mu, sigma, tau_m=20.0, tau_refrac=2.0, v_thresh=20.0, v_reset=0.0, v_rest=0.0, dps=30):
    """High-precision reference (mpmath, ``dps`` digits) of :func:`siegert`, scalar, Hz.

    Tests and benchmarks only.  Uses exp(u^2)(1 + erf u) = erfc(-u) exp(u^2) evaluated in mpmath,
    integrated with tanh-sinh quadrature split at 0.
    """
    import mpmath as mp
    with mp.workdps(dps):
        mu, sigma = mp.mpf(mu), mp.mpf(sigma)
        a = (mp.mpf(v_reset) - v_rest - mu) / sigma
        b = (mp.mpf(v_thresh) - v_rest - mu) / sigma
        pts = [a] + ([mp.mpf(0)] if a < 0 < b else []) + [b]
        if a < 0:
            # add log-spaced points on the negative side (long tails when sigma is tiny)
            neg_end = min(b, mp.mpf(0))
            extra = []
            x = -mp.mpf(1)
            while x > a:
                if x < neg_end:
                    extra.append(x)
                x *= 4
            pts = sorted(set(pts + extra))
        integral = mp.quad(lambda u: mp.exp(u * u) * mp.erfc(-u), pts)
        return float(1000 / (mp.mpf(tau_refrac) + mp.mpf(tau_m) * mp.sqrt(mp.pi) * integral))


def cv_mpmath(mu, sigma, tau_m=20.0, tau_refrac=2.0, v_thresh=20.0, v_reset=0.0, v_rest=0.0, dps=20):
    """High-precision reference of :func:`cv_isi` (mpmath), tests only.

    Evaluates the outer integrand F(x) = exp(x^2) int_{-inf}^x exp(y^2)(1 + erf y)^2 dy in mpmath as
    int_0^inf (exp((s+w)^2) erfc(s+w))^2 exp(-w(2s+w)) dw for x = -s <= 0 (substitution y = -(s+w)),
    and as exp(x^2) (F(0) + int_0^x ...) for x > 0; the direct nested form loses digits in mpmath's
    quadrature over (-inf, x].
    """
    import mpmath as mp
    with mp.workdps(dps):
        mu, sigma = mp.mpf(mu), mp.mpf(sigma)
        a = (mp.mpf(v_reset) - v_rest - mu) / sigma
        b = (mp.mpf(v_thresh) - v_rest - mu) / sigma

        def f_neg(s):
            c = 2 * s + 1
            return mp.quad(lambda w: (mp.exp((s + w) ** 2) * mp.erfc(s + w)) ** 2 * mp.exp(-w * (2 * s + w)),
                           [0, 1 / c, 5 / c, 40 / c])

        c0 = f_neg(mp.mpf(0))

        def big_f(x):
            if x <= 0:
                return f_neg(-x)
            return mp.exp(x * x) * (c0 + mp.quad(lambda y: mp.exp(y * y) * (1 + mp.erf(y)) ** 2, [0, x]))

        pts = [a] + ([mp.mpf(0)] if a < 0 < b else []) + [b]
        s = mp.mpf(1)
        while -s > a:
            if -s < min(b, 0):
                pts.append(-s)
            s *= 2
        pts = sorted(pts)
        outer = mp.quad(big_f, pts)
        integral = mp.quad(lambda u: mp.exp(u * u) * mp.erfc(-u), pts)
        nt = 1 / (mp.mpf(tau_refrac) / mp.mpf(tau_m) + mp.sqrt(mp.pi) * integral)
        return float(mp.sqrt(2 * mp.pi * nt ** 2 * outer))
