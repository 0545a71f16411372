r"""Parabolic cylinder functions D_nu(y) of complex order and real argument, fast (numba).

What the LIF transfer functions need (Brunel & Hakim 1999; Schuecker, Diesmann & Helias 2015,
Phys Rev E 92:052119) is the scaled function

    Phi_nu(y) = exp(y^2 / 4) D_nu(y),      nu = -lambda tau_m (- 1, - 2),  y real,

at a threshold and a reset point, for many complex nu (|nu| up to ~10^2) and populations.  Series in
Kummer functions lose all digits for |y| >~ 6, the asymptotic series in 1/y needs y^2 >> |nu|^2,
and the integral representation D_nu(y) = exp(-y^2/4) / Gamma(-nu) int_0^inf t^(-nu-1)
exp(-y t - t^2/2) dt cancels to exp(-pi |Im nu| / 2) on the real axis.  This module instead
integrates the defining differential equation in the direction in which D_nu is dominant.

**Equations.**  With u = Phi_nu and v = Phi_{nu-1} (DLMF 12.8.2-3: D_nu' = -y/2 D_nu + nu D_{nu-1},
D_{nu-1}' = y/2 D_{nu-1} - D_nu)::

    u' = nu v,      v' = y v - u,                                   (1)

a first-order form of Phi'' = y Phi' - nu Phi that stays regular at nu = 0.  Every solution of (1)
is a combination of Phi_nu(y) (algebraic, ~ y^nu, as y -> +inf) and a solution ~ exp(y^2 / 2)
y^(-nu-1); their local exponents (the roots of l^2 - y l - (1 - nu) = 0) differ by
sqrt(y^2 + 4 (1 - nu)), whose real part is >= max(|y|, Re sqrt(4 (1 - nu))) > 0 for Re nu <= 1/4 and
real y.  So, *integrated from right to left*, any start converges to a multiple of Phi_nu, the
unwanted part shrinking by exp(-int Re sqrt(y^2 + 4 (1 - nu)) dy).  The integration starts at the
nearer of Y = sqrt(max(y, 0)^2 + 100) and Y = y + 50 / Re sqrt(4 (1 - nu)) (either makes that
factor < exp(-50) before the first output point y) from the first two terms of the large-y
expansion v/u = 1/y (1 + (nu - 1)(nu - 2) / (2 y^2) ...) (DLMF 12.9.1) and proceeds by Taylor series
steps in y: with u = sum a_n s^n, v = sum b_n s^n about y0,

    (n + 1) a_{n+1} = nu b_n,      (n + 1) b_{n+1} = y0 b_n + b_{n-1} - a_n,      (2)

each step of length 4 / (|y0| + sqrt|1 - nu| + 1) (4 / the bound on the local exponents, so the
terms fall like 4^n / n!), summed until two successive terms are below 1e-17 of the sum.  Values are
rescaled by 1e-150 when they exceed 1e150 (Phi_nu grows like exp(y^2/2) for y -> -inf) and the scale
is kept as a natural logarithm.

**Normalisation.**  For D_nu itself the solution is matched at y = 0 to the closed form
D_nu(0) = 2^(nu/2) sqrt(pi) / Gamma((1 - nu) / 2) (DLMF 12.2.6), with a complex log-Gamma (Stirling
series after shifting the argument to Re >= 15).  The transfer functions need only ratios of
differences of u and v at threshold and reset, in which the normalisation cancels, so they skip it.

Validity: real y with |y| <= ~37 for ``pcfd`` itself (|D| overflows beyond), any real y for the
scaled kernels; complex nu with Re nu <= 1/4 (the transfer functions use Re nu in {0, -1, -2} on
the imaginary frequency axis).  Checked against mpmath ``pcfd`` in ``tests/test_parabolic_cylinder.py``.
"""
import math

import numpy as np

from recnet.checks import ParameterError
from recnet.numerics._jit import njit, prange

_LN_SCALE = 150.0 * math.log(10.0)
_BIG = 1e150
_TOL = 1e-17
_NMAX = 200
_C = 4.0          # step length x local rate
_CONTRACT = 50.0  # required contraction exponent between the start and the first output point


@njit
def _step(u, v, wint, y0, h, nu):
    """One Taylor step of (1) from y0 to y0 + h; ``wint`` += int_{y0}^{y0+h} v dy."""
    a_n = u
    b_n = v
    b_nm1 = 0.0 + 0.0j
    su = u
    sv = v
    sw = wint + v * h
    hp = 1.0
    small = 0
    for n in range(_NMAX):
        inv = 1.0 / (n + 1.0)
        a_next = (nu * b_n) * inv
        b_next = (y0 * b_n + b_nm1 - a_n) * inv
        hp *= h
        ta = a_next * hp
        tb = b_next * hp
        su += ta
        sv += tb
        sw += tb * (h / (n + 2.0))
        if (abs(ta.real) + abs(ta.imag) + abs(tb.real) + abs(tb.imag)
                < _TOL * (abs(su.real) + abs(su.imag) + abs(sv.real) + abs(sv.imag))):
            small += 1
            if small >= 2:
                break
        else:
            small = 0
        b_nm1 = b_n
        a_n = a_next
        b_n = b_next
    return su, sv, sw


@njit
def _start(nu, y):
    """(u, v) at large y from the two-term asymptotic expansion (normalisation arbitrary)."""
    return 1.0 + 0.0j, (1.0 + (nu - 1.0) * (nu - 2.0) / (2.0 * y * y)) / y + 0.0j


@njit
def _hstep(y0, nu):
    return _C / (abs(y0) + math.sqrt(abs(1.0 - nu)) + 1.0)


@njit
def _integrate(u, v, wint, lsc, y, target, nu):
    """Integrate (1) leftwards from y to target (< y); rescale; returns (u, v, wint, lsc)."""
    while y > target:
        h = -_hstep(y, nu)
        if y + h < target:
            h = target - y
        u, v, wint = _step(u, v, wint, y, h, nu)
        y = y + h
        m = max(abs(u), abs(v))
        if m > _BIG:
            u /= _BIG
            v /= _BIG
            wint /= _BIG
            lsc += _LN_SCALE
    return u, v, wint, lsc


@njit
def _start_point(y, nu):
    """Y > y with int_y^Y Re sqrt(s^2 + 4 (1 - nu)) ds >= _CONTRACT.  The integrand is >= |s|, which
    gives Y = sqrt(max(y, 0)^2 + 2 _CONTRACT), and >= rho = Re sqrt(4 (1 - nu)) (Re(1 - nu) >= 0),
    which gives Y = y + _CONTRACT / rho; the nearer one is taken."""
    yp = max(y, 0.0)
    y_a = math.sqrt(yp * yp + 2.0 * _CONTRACT)
    rho = (2.0 * np.sqrt(1.0 - nu)).real
    return min(y_a, y + _CONTRACT / rho)


@njit
def threshold_reset(nu, y_t, y_r):
    r"""The pieces of the LIF transfer functions at threshold y_t and reset y_r (y_t < y_r).

    Returns ``(u_r, v_r, v_t, w_t)`` of one solution of (1) recessive at +inf (a common, arbitrary
    normalisation), all on the scale of the threshold point: u_r = Phi_nu(y_r), v = Phi_{nu-1},
    w_t = int_{y_r}^{y_t} v dy = (Phi_nu(y_t) - Phi_nu(y_r)) / nu (exact also at nu = 0).
    """
    Y = _start_point(y_r, nu)
    u, v = _start(nu, Y)
    u, v, w0, ls_r = _integrate(u, v, 0.0j, 0.0, Y, y_r, nu)
    u_r = u
    v_r = v
    u, v, wint, ls_t = _integrate(u, v, 0.0j, ls_r, y_r, y_t, nu)
    f = math.exp(ls_r - ls_t)
    return u_r * f, v_r * f, v, wint


@njit
def _loggamma(z):
    """log Gamma(z) for complex z with Re z > 0 (Stirling series after shifting to Re z >= 15;
    error ~1e-16 absolute)."""
    shift = 0.0 + 0.0j
    prod = 1.0 + 0.0j
    while z.real < 15.0:
        prod *= z
        if abs(prod) > 1e200:
            shift += np.log(prod)
            prod = 1.0 + 0.0j
        z = z + 1.0
    shift += np.log(prod)
    zi = 1.0 / z
    zi2 = zi * zi
    # Bernoulli terms B_2k / (2k (2k-1) z^(2k-1)), k = 1..8
    series = zi * (1.0 / 12.0 + zi2 * (-1.0 / 360.0 + zi2 * (1.0 / 1260.0 + zi2 * (
        -1.0 / 1680.0 + zi2 * (1.0 / 1188.0 + zi2 * (-691.0 / 360360.0 + zi2 * (
            1.0 / 156.0 + zi2 * (-3617.0 / 122400.0))))))))
    return (z - 0.5) * np.log(z) - z + 0.5 * math.log(2.0 * math.pi) + series - shift


@njit
def _pcfd_one(nu, y):
    Y = _start_point(max(y, 0.0), nu)
    u, v = _start(nu, Y)
    lo = min(y, 0.0)
    lsc = 0.0
    if y > 0.0:
        u, v, w, lsc = _integrate(u, v, 0.0j, lsc, Y, y, nu)
        uy = u
        lsy = lsc
        u, v, w, lsc = _integrate(u, v, 0.0j, lsc, y, 0.0, nu)
        u0 = u
        ls0 = lsc
    else:
        u, v, w, lsc = _integrate(u, v, 0.0j, lsc, Y, 0.0, nu)
        u0 = u
        ls0 = lsc
        u, v, w, lsc = _integrate(u, v, 0.0j, lsc, 0.0, lo, nu)
        uy = u
        lsy = lsc
    # D_nu(0) = 2^(nu/2) sqrt(pi) / Gamma((1 - nu)/2);  D_nu(y) = exp(-y^2/4) Phi_nu(y)
    log_d0 = 0.5 * nu * math.log(2.0) + 0.5 * math.log(math.pi) - _loggamma(0.5 * (1.0 - nu))
    return np.exp(log_d0 + (lsy - ls0) - 0.25 * y * y) * (uy / u0)


@njit(parallel=True)
def _pcfd_kernel(nu, y, out):
    for i in prange(nu.shape[0]):
        out[i] = _pcfd_one(nu[i], y[i])


def pcfd(nu, y):
    r"""Parabolic cylinder function D_nu(y) for complex order nu (Re nu <= 1/4) and real y.

    Parameters
    ----------
    nu : complex or array
        Order (Whittaker's D_nu; ``mpmath.pcfd(nu, y)``; U(a, y) = D_{-a-1/2}(y)).
    y : float or array
        Real argument, |y| <= 37 (D_nu(y) over- or underflows beyond).

    Returns
    -------
    complex ndarray
        D_nu(y), broadcast over ``nu`` and ``y``.  Computed by Taylor-series integration of
        the Weber equation from large y (module docstring), normalised by D_nu(0) = 2^(nu/2)
        sqrt(pi) / Gamma((1 - nu)/2) (DLMF 12.2.6).
    """
    nu_a, y_a = np.broadcast_arrays(np.asarray(nu, dtype=complex), np.asarray(y, dtype=float))
    if not (np.all(np.isfinite(nu_a)) and np.all(np.isfinite(y_a))):
        raise ParameterError("nu", nu, "finite complex orders and finite real arguments")
    if np.any(nu_a.real > 0.25):
        raise ParameterError("nu", nu, "orders with Re nu <= 1/4")
    if np.any(np.abs(y_a) > 37.0):
        raise ParameterError("y", y, "real arguments with |y| <= 37")
    shape = nu_a.shape
    out = np.empty(nu_a.size, complex)
    _pcfd_kernel(np.ascontiguousarray(nu_a.ravel()), np.ascontiguousarray(y_a.ravel()), out)
    return out.reshape(shape)
