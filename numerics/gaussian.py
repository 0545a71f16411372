r"""Gaussian averages of transfer functions (Gauss-Hermite quadrature and closed forms, numba).

The dynamic mean-field theory of random rate networks needs, for a transfer function
:math:`\phi`, averages over jointly Gaussian variables

.. math::

    \langle f\rangle(\mu,\Delta_0) &= \int Dz\, f(\mu + \sqrt{\Delta_0}\, z),\\
    C_f(\Delta;\Delta_0,\mu) &= \langle f(x) f(y)\rangle,\qquad
    x, y \sim \mathcal N\!\left(\mu, \begin{pmatrix}\Delta_0 & \Delta\\ \Delta & \Delta_0\end{pmatrix}\right),

for :math:`f \in \{\phi, \phi', \Phi\}` with :math:`\Phi(x) = \int_0^x \phi` the primitive
(``which`` = 0, 1, 2).  The two-point average is computed as a nested one-dimensional average
(write :math:`x = \mu + s z + r z_1`, :math:`y = \mu \pm s z + r z_2` with :math:`s^2 = |\Delta|`,
:math:`r^2 = \Delta_0 - |\Delta|`):

.. math::

    C_f = \int Dz\, \bar f(\mu + s z)\, \bar f(\mu \pm s z),\qquad
    \bar f(m) = \int Dz_1\, f(m + r z_1),

with probabilists' Gauss-Hermite nodes for the outer average, and for the inner one a closed form
where it exists (erf, ReLU, linear) and Gauss-Hermite otherwise (tanh, user functions).  Closed forms
of :math:`C_f` at :math:`\mu = 0` (derived in :mod:`recnet.theory.dmft.gaussian_kernels`):

* erf, :math:`\phi(x) = \mathrm{erf}(\sqrt\pi x/2)`:
  :math:`C_\phi = \tfrac{2}{\pi}\arcsin\frac{\pi\Delta/2}{1 + \pi\Delta_0/2}`,
  :math:`C_{\phi'} = [(1+\pi\Delta_0/2)^2 - (\pi\Delta/2)^2]^{-1/2}`;
* ReLU (arc-cosine kernels, Cho & Saul 2009), :math:`\cos\theta = \Delta/\Delta_0`:
  :math:`C_\phi = \frac{\Delta_0}{2\pi}(\sin\theta + (\pi-\theta)\cos\theta)`,
  :math:`C_{\phi'} = \frac{\pi-\theta}{2\pi}`,
  :math:`C_\Phi = \frac{\Delta_0^2}{8\pi}(3\sin\theta\cos\theta + (\pi-\theta)(1+2\cos^2\theta))`;
* linear: :math:`C_\phi = \mu^2 + \Delta`, :math:`C_{\phi'} = 1`,
  :math:`C_\Phi = (\mu^4 + 2\mu^2\Delta_0 + 4\mu^2\Delta + \Delta_0^2 + 2\Delta^2)/4`.

Transfer functions are passed to kernels as a pair ``(f, code)``: ``f`` is a numba ``cfunc`` with
signature ``float64(int64 which, float64 x)`` (a first-class function, so kernels compile and cache
once for every transfer function), ``code`` is :data:`TANH`, :data:`ERF`, :data:`RELU`,
:data:`LINEAR` (closed forms used) or :data:`USER` (quadrature only).  :func:`transfer` builds the
pair from a name or a sympy expression in ``x``.

Public API (stable)
-------------------
transfer(phi) -> Transfer
    ``phi``: "tanh" | "erf" | "relu" | "linear" | sympy expression (string or Expr) in ``x``.
gaussian_mean(phi, delta0, mu=0, which="phi", n=DEFAULT_N)
gaussian_corr(phi, delta, delta0, mu=0, which="phi", n=DEFAULT_N, method="auto")
gh_nodes(n) -> (z, w)
numba-callable kernels (for use inside other njit code):
    mean_kernel(f, code, which, mu, delta0, z, w) -> float
    corr_kernel(f, code, which, delta, delta0, mu, z, w, method) -> float  (method 0 auto, 1 quad)
    phi_eval(f, which, x) -> float   (just ``f(which, x)``)

All quantities are dimensionless (x in units of the transfer function's input scale).

References
----------
Sompolinsky, Crisanti, Sommers 1988, PRL 61:259.  Cho & Saul 2009, NIPS 22 (arc-cosine kernels).
Williams 1997, NIPS 9 (erf kernel).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from numba import cfunc, types

from recnet import checks
from recnet.numerics._jit import njit, prange

__all__ = [
    "TANH", "ERF", "RELU", "LINEAR", "USER", "PHI", "DPHI", "PRIM", "DEFAULT_N",
    "Transfer", "transfer", "gh_nodes", "gaussian_mean", "gaussian_corr",
    "mean_kernel", "corr_kernel", "corr_array", "mean_array", "tanh_f", "erf_f", "relu_f", "linear_f",
]

TANH, ERF, RELU, LINEAR, USER = 0, 1, 2, 3, -1
PHI, DPHI, PRIM = 0, 1, 2
DEFAULT_N = 64
BUILTIN = {"tanh": TANH, "erf": ERF, "relu": RELU, "linear": LINEAR}
_WHICH = {"phi": PHI, "dphi": DPHI, "Phi": PRIM, "prim": PRIM, 0: PHI, 1: DPHI, 2: PRIM}

SIG = types.float64(types.int64, types.float64)
_SQRT_PI_2 = math.sqrt(math.pi) / 2.0
_GL_X, _GL_W = np.polynomial.legendre.leggauss(64)
_LOG2 = math.log(2.0)


# ------------------------------------------------------------------------- built-in transfer functions
@cfunc(SIG, cache=True)
def tanh_f(which, x):
    """tanh: phi = tanh x, phi' = 1 - tanh^2 x, Phi = log cosh x."""
    if which == 0:
        return math.tanh(x)
    if which == 1:
        t = math.tanh(x)
        return 1.0 - t * t
    a = abs(x)
    return a + math.log1p(math.exp(-2.0 * a)) - _LOG2


@cfunc(SIG, cache=True)
def erf_f(which, x):
    """phi = erf(sqrt(pi) x / 2) (slope 1 at 0), phi' = exp(-pi x^2/4), Phi = x phi + (2/pi)(phi' - 1)."""
    if which == 0:
        return math.erf(_SQRT_PI_2 * x)
    if which == 1:
        return math.exp(-0.25 * math.pi * x * x)
    return x * math.erf(_SQRT_PI_2 * x) + (2.0 / math.pi) * (math.exp(-0.25 * math.pi * x * x) - 1.0)


@cfunc(SIG, cache=True)
def relu_f(which, x):
    """phi = max(x, 0), phi' = Heaviside (1/2 at 0), Phi = max(x, 0)^2 / 2."""
    if which == 0:
        return x if x > 0.0 else 0.0
    if which == 1:
        return 1.0 if x > 0.0 else (0.5 if x == 0.0 else 0.0)
    return 0.5 * x * x if x > 0.0 else 0.0


@cfunc(SIG, cache=True)
def linear_f(which, x):
    """phi = x, phi' = 1, Phi = x^2/2."""
    if which == 0:
        return x
    if which == 1:
        return 1.0
    return 0.5 * x * x


_BUILTIN_CFUNC = {TANH: tanh_f, ERF: erf_f, RELU: relu_f, LINEAR: linear_f}


@dataclass
class Transfer:
    """A transfer function as recnet's kernels take it.

    Attributes
    ----------
    name : str
        "tanh", "erf", "relu", "linear" or the sympy expression's string.
    code : int
        TANH, ERF, RELU, LINEAR or USER (-1).
    f : numba cfunc
        ``f(which, x)`` with which = 0 phi, 1 phi', 2 Phi (primitive with Phi(0) = 0; when sympy
        finds no closed primitive finite on [-30, 30], Phi is a 64-node Gauss-Legendre integral).
    expr, dexpr, prim : sympy.Expr
        phi, phi' and Phi as sympy expressions in the symbol ``x``.
    """

    name: str
    code: int
    f: object
    expr: object = None
    dexpr: object = None
    prim: object = None
    has_prim: bool = True
    numpy: dict = field(default_factory=dict)

    def __call__(self, x, which="phi"):
        """Evaluate phi (or phi', Phi) on an array, in Python (numpy)."""
        w = _which(which)
        x = np.asarray(x, dtype=float)
        fun = np.vectorize(lambda v: self.f(w, float(v)), otypes=[float])
        return fun(x)


def _which(which):
    if which in _WHICH:
        return _WHICH[which]
    raise checks.ParameterError("which", which, "'phi', 'dphi' or 'Phi'",
                                f"which = {which!r} is invalid: choose 'phi', 'dphi' or 'Phi'")


def _sympy_phi(phi):
    """(sympy Expr, name) for a built-in name or a user expression in x."""
    import sympy as sp
    x = sp.Symbol("x", real=True)
    if isinstance(phi, str):
        key = phi.strip()
        if key == "tanh":
            return sp.tanh(x), "tanh"
        if key == "erf":
            return sp.erf(sp.sqrt(sp.pi) * x / 2), "erf"
        if key == "relu":
            return sp.Max(x, 0), "relu"
        if key == "linear":
            return x, "linear"
        # a user string is read by the whitelist parser (never sympify: it runs Python) and checked
        # for what the Gaussian averages need (finite, no poles, polynomial growth)
        from recnet.expr import check_phi, parse
        expr = parse(key, {"x": x}, name="phi")
        check_phi(expr, x, name="phi")
    else:
        if not isinstance(phi, sp.Basic):
            raise checks.ParameterTypeError("phi", phi, "must be a name, a formula string or a sympy expression")
        expr = phi
        expr = expr.subs({s: x for s in expr.free_symbols if s.name == "x"})
        key = str(expr)
    if not isinstance(expr, sp.Expr):
        raise checks.ParameterError("phi", phi, "must be an expression in x")
    extra = {s for s in expr.free_symbols if s != x}
    if extra:
        raise checks.ParameterError("phi", phi, f"it may depend on x only, found {sorted(map(str, extra))}")
    if not expr.has(x):
        raise checks.ParameterError("phi", phi, "it does not depend on x")
    return expr, key


@lru_cache(maxsize=64)
def _user_transfer(key):
    import sympy as sp
    from numba import njit as _nj
    expr, name = _sympy_phi(key)
    x = sorted(expr.free_symbols, key=str)[0]
    dexpr = sp.diff(expr, x)
    prim = None
    has_prim = True
    try:
        p = sp.integrate(expr, x)
        if p.has(sp.Integral):
            raise NotImplementedError
        prim = p - p.subs(x, 0)
        chk = sp.lambdify(x, prim, modules="math")
        for v in (-30.0, -3.0, 3.0, 30.0):
            if not math.isfinite(float(chk(v))):
                raise ArithmeticError
    except Exception:
        prim, has_prim = None, False
    mods = [{"Heaviside": lambda v: 1.0 if v > 0 else (0.5 if v == 0 else 0.0)}, "math"]
    fns = []
    for e in (expr, dexpr, prim if has_prim else sp.Float(0)):
        lam = sp.lambdify(x, e, modules=mods)
        try:
            fns.append(_nj(lam))
        except Exception as exc:  # pragma: no cover - depends on the expression
            raise checks.ParameterError("phi", key, "an expression numba can compile",
                                        f"phi = {key!r} cannot be compiled: {exc}") from None
    p0, p1, p2 = fns
    hp = has_prim

    def _f(which, v):
        if which == 0:
            return float(p0(v))
        if which == 1:
            return float(p1(v))
        if hp:
            return float(p2(v))
        # no usable closed primitive: Phi(v) = int_0^v phi by 64-node Gauss-Legendre
        acc = 0.0
        for k in range(_GL_X.size):
            acc += _GL_W[k] * p0(0.5 * v * (_GL_X[k] + 1.0))
        return 0.5 * v * acc

    try:
        f = cfunc(SIG)(_f)
    except Exception as exc:
        # name the unsupported piece (numba's first "Untyped ..." or "Unknown ..." line), not its traceback
        lines = [ln.strip() for ln in str(exc).splitlines() if ln.strip()]
        why = next((ln for ln in lines if ln.startswith(("Untyped", "Unknown", "No implementation", "Cannot"))),
                   lines[0] if lines else type(exc).__name__)
        raise checks.ParameterError("phi", key, f"cannot be compiled by numba ({why}); use a built-in phi "
                                    "(tanh, erf, relu, linear) or an expression of elementary functions, "
                                    "Piecewise allowed") from None
    for probe in (-1.3, 0.0, 0.7):
        val = f(0, probe)
        if not math.isfinite(val):
            raise checks.ParameterError("phi", key, f"phi({probe}) = {val} is not finite")
    return Transfer(name, USER, f, expr, dexpr, prim if has_prim else None, has_prim)


def transfer(phi="tanh"):
    """The :class:`Transfer` for a name ("tanh", "erf", "relu", "linear"), a sympy expression string
    in ``x`` (e.g. ``"tanh(x) + 0.1*x"``, ``"1/(1+exp(-4*x))"``), a sympy Expr, or a Transfer.

    ``ValueError`` for an unknown name, an expression with other symbols, or one numba cannot compile.
    """
    if isinstance(phi, Transfer):
        return phi
    if isinstance(phi, str) and phi.strip() in BUILTIN:
        code = BUILTIN[phi.strip()]
        import sympy as sp
        expr, name = _sympy_phi(phi)
        x = sorted(expr.free_symbols, key=str)[0]
        dexpr = sp.diff(expr, x)
        prim = {TANH: sp.log(sp.cosh(x)),
                ERF: x * expr + 2 / sp.pi * (sp.exp(-sp.pi * x ** 2 / 4) - 1),
                RELU: sp.Max(x, 0) ** 2 / 2, LINEAR: x ** 2 / 2}[code]
        return Transfer(name, code, _BUILTIN_CFUNC[code], expr, dexpr, prim, True)
    if not isinstance(phi, str):
        try:
            import sympy as sp
            if not isinstance(phi, sp.Basic):
                raise TypeError
        except TypeError:
            raise checks.ParameterTypeError("phi", type(phi).__name__, "a name, a sympy expression or a string",
                                            f"phi must be a name, a sympy expression or a string, got {type(phi).__name__}") from None
        key = str(phi)
    else:
        key = phi.strip()
    return _user_transfer(key)


@lru_cache(maxsize=32)
def _gh(n):
    if n <= 360:
        z, w = np.polynomial.hermite_e.hermegauss(n)
    else:  # numpy's weights overflow beyond ~380 nodes; scipy's asymptotic Golub-Welsch does not
        from scipy.special import roots_hermitenorm
        z, w = roots_hermitenorm(n)
    w = w / math.sqrt(2.0 * math.pi)
    z.setflags(write=False)
    w.setflags(write=False)
    return z, w


def gh_nodes(n=DEFAULT_N):
    """Probabilists' Gauss-Hermite nodes ``z`` and weights ``w`` (sum w = 1): <f(z)> ~ sum w f(z)."""
    n = checks.integer("n", n, minimum=2, maximum=1000)
    return _gh(n)


# ---------------------------------------------------------------------------------------- kernels
@njit
def split_correlated(c, sk, sl):
    """Correlation rho = c / (sk sl), clipped to [-1, 1] (0 if a variance vanishes), and the
    conditional standard deviation r = sl sqrt(1 - rho^2) of h_l given h_k: with h_k = sk z1,
    h_l = rho sl z1 + r z2 (z1, z2 independent standard normals)."""
    if sk > 0.0 and sl > 0.0:
        rho = min(max(c / (sk * sl), -1.0), 1.0)
    else:
        rho = 0.0
    return rho, sl * math.sqrt(max(1.0 - rho * rho, 0.0))


@njit
def _npdf(u):
    return math.exp(-0.5 * u * u) / math.sqrt(2.0 * math.pi)


@njit
def _ncdf(u):
    return 0.5 * math.erfc(-u / math.sqrt(2.0))


@njit
def inner_mean(f, code, which, m, r, z, w):
    """<f(m + r z)>, z standard normal; closed form for erf, ReLU and linear, Gauss-Hermite otherwise."""
    if r <= 0.0:
        return f(which, m)
    if code == LINEAR:
        if which == 0:
            return m
        if which == 1:
            return 1.0
        return 0.5 * (m * m + r * r)
    if code == RELU:
        u = m / r
        if which == 0:
            return m * _ncdf(u) + r * _npdf(u)
        if which == 1:
            return _ncdf(u)
        return 0.5 * ((m * m + r * r) * _ncdf(u) + m * r * _npdf(u))
    if code == ERF:
        s = math.sqrt(1.0 + 0.5 * math.pi * r * r)
        e = math.exp(-0.25 * math.pi * m * m / (s * s)) / s
        if which == 0:
            return math.erf(_SQRT_PI_2 * m / s)
        if which == 1:
            return e
        return m * math.erf(_SQRT_PI_2 * m / s) + r * r * e + (2.0 / math.pi) * (e - 1.0)
    acc = 0.0
    if code == TANH and which == 0:  # inlined (the cfunc call is indirect and not vectorised)
        for k in range(z.size):
            acc += w[k] * math.tanh(m + r * z[k])
        return acc
    if code == TANH and which == 1:
        for k in range(z.size):
            t = math.tanh(m + r * z[k])
            acc += w[k] * (1.0 - t * t)
        return acc
    for k in range(z.size):
        acc += w[k] * f(which, m + r * z[k])
    return acc


@njit
def mean_kernel(f, code, which, mu, delta0, z, w):
    """<f(mu + sqrt(delta0) z)> for f = phi, phi', Phi (which = 0, 1, 2)."""
    if delta0 < 0.0:
        return math.nan
    return inner_mean(f, code, which, mu, math.sqrt(delta0), z, w)


@njit
def _closed_zero_mean(code, which, delta, delta0):
    """Closed-form C_f(delta; delta0, mu=0) for ERF and RELU (NaN where none is coded)."""
    if code == ERF:
        c = 0.5 * math.pi
        if which == 0:
            return (2.0 / math.pi) * math.asin(c * delta / (1.0 + c * delta0))
        if which == 1:
            return 1.0 / math.sqrt((1.0 + c * delta0) ** 2 - (c * delta) ** 2)
        # Phi: <Phi>^2 + int_0^delta C_phi (Price's theorem)
        s = math.sqrt(1.0 + c * delta0)
        mP = delta0 / s + (2.0 / math.pi) * (1.0 / s - 1.0)
        k = c / (1.0 + c * delta0)
        integ = (2.0 / math.pi) * (delta * math.asin(k * delta) + (math.sqrt(1.0 - (k * delta) ** 2) - 1.0) / k)
        return mP * mP + integ
    if code == RELU:
        if delta0 == 0.0:
            return 0.25 if which == 1 else 0.0
        rho = delta / delta0
        if rho > 1.0:
            rho = 1.0
        if rho < -1.0:
            rho = -1.0
        th = math.acos(rho)
        sn = math.sqrt(max(0.0, 1.0 - rho * rho))
        if which == 0:
            return delta0 / (2.0 * math.pi) * (sn + (math.pi - th) * rho)
        if which == 1:
            return (math.pi - th) / (2.0 * math.pi)
        return delta0 * delta0 / (8.0 * math.pi) * (3.0 * sn * rho + (math.pi - th) * (1.0 + 2.0 * rho * rho))
    return math.nan


@njit
def _relu_mean_corr(which, delta, delta0, mu):
    """ReLU C_f with mean mu, by Plackett's identity and Price's theorem as single integrals.

    With h = mu/sqrt(delta0), rho = delta/delta0, g(t) = exp(-h^2/(1 + sin t)) / (2 pi):
    C_H(rho) = Phi(h)^2 + int_0^{asin rho} g dt (Plackett), and integrating in rho (Price),
    C_relu = <relu>^2 + delta0 [rho Phi(h)^2 + int g (rho - sin t) dt],
    C_Phi = <Phi>^2 + delta0 [<relu>^2 rho + delta0 (rho^2 Phi(h)^2 / 2 + int g (rho - sin t)^2 / 2 dt)].
    Gauss-Legendre (64 nodes) on [0, asin rho]: the integrands are smooth there.
    """
    sd = math.sqrt(delta0)
    h = mu / sd
    rho = delta / delta0
    if rho > 1.0:
        rho = 1.0
    if rho < -1.0:
        rho = -1.0
    b = math.asin(rho)
    half = 0.5 * b
    i0 = 0.0
    i1 = 0.0
    i2 = 0.0
    for k in range(_GL_X.size):
        t = half * (_GL_X[k] + 1.0)
        st = math.sin(t)
        den = 1.0 + st
        g = math.exp(-h * h / den) / (2.0 * math.pi) if den > 0.0 else 0.0
        wk = _GL_W[k] * half * g
        i0 += wk
        i1 += wk * (rho - st)
        i2 += wk * 0.5 * (rho - st) ** 2
    P = _ncdf(h)
    if which == 1:
        return P * P + i0
    m1 = mu * P + sd * _npdf(h)
    if which == 0:
        return m1 * m1 + delta0 * (rho * P * P + i1)
    mP = 0.5 * ((mu * mu + delta0) * P + mu * sd * _npdf(h))
    return mP * mP + delta0 * (m1 * m1 * rho + delta0 * (0.5 * rho * rho * P * P + i2))


@njit
def _symmetric(z, w):
    """True if the nodes and weights are symmetric about 0 (z_k = -z_{n-1-k}, w_k = w_{n-1-k})."""
    n = z.size
    for k in range(n // 2):
        if z[k] != -z[n - 1 - k] or w[k] != w[n - 1 - k]:
            return False
    return n > 1


@njit
def corr_kernel(f, code, which, delta, delta0, mu, z, w, method):
    """C_f(delta; delta0, mu) = <f(x) f(y)>, var x = var y = delta0, cov = delta, mean mu.

    method 0: closed forms where they exist (erf and ReLU at mu = 0, linear always), nested
    quadrature with closed inner averages otherwise; method 1: nested Gauss-Hermite for both
    averages (pure quadrature).  NaN when |delta| > delta0 (not a covariance).
    """
    if delta0 < 0.0 or abs(delta) > delta0 * (1.0 + 1e-14):
        return math.nan
    if method == 0:
        if code == LINEAR:
            if which == 0:
                return mu * mu + delta
            if which == 1:
                return 1.0
            return 0.25 * (mu ** 4 + 2.0 * mu * mu * delta0 + 4.0 * mu * mu * delta + delta0 * delta0
                           + 2.0 * delta * delta)
        if (code == ERF or code == RELU) and mu == 0.0:
            return _closed_zero_mean(code, which, delta, delta0)
        if code == RELU and delta0 > 0.0:
            return _relu_mean_corr(which, delta, delta0, mu)
    icode = code if method == 0 else USER
    ad = min(abs(delta), delta0)
    s = math.sqrt(ad)
    r = math.sqrt(max(delta0 - ad, 0.0))
    sg = 1.0 if delta >= 0.0 else -1.0
    acc = 0.0
    if icode == TANH and mu == 0.0 and sg > 0.0 and _symmetric(z, w):
        # tanh is odd (phi'' even, log cosh even): the inner averages at +-s z_k are equal up to
        # sign, so their squares are equal; with nodes symmetric about 0 sum over one half
        half = z.size // 2
        for k in range(half):
            a = inner_mean(f, icode, which, s * z[k], r, z, w)
            acc += 2.0 * w[k] * a * a
        if z.size % 2 == 1:
            a = inner_mean(f, icode, which, 0.0, r, z, w)
            acc += w[half] * a * a
        return acc
    for k in range(z.size):
        a = inner_mean(f, icode, which, mu + s * z[k], r, z, w)
        if sg > 0.0:
            b = a
        else:
            b = inner_mean(f, icode, which, mu - s * z[k], r, z, w)
        acc += w[k] * a * b
    return acc


@njit(parallel=True)
def corr_array(f, code, which, delta, delta0, mu, z, w, method):
    """corr_kernel over arrays delta, delta0, mu of equal length (parallel)."""
    out = np.empty(delta.size)
    for i in prange(delta.size):
        out[i] = corr_kernel(f, code, which, delta[i], delta0[i], mu[i], z, w, method)
    return out


@njit(parallel=True)
def mean_array(f, code, which, mu, delta0, z, w):
    """mean_kernel over arrays mu, delta0 of equal length (parallel)."""
    out = np.empty(mu.size)
    for i in prange(mu.size):
        out[i] = mean_kernel(f, code, which, mu[i], delta0[i], z, w)
    return out


# ------------------------------------------------------------------------------------- Python API
def _check_prim(tr, w):
    """Kept for API stability: every Transfer has a primitive (closed or by quadrature)."""
    return None


def gaussian_mean(phi, delta0, mu=0.0, which="phi", n=DEFAULT_N):
    r"""Gaussian average :math:`\langle f(\mu + \sqrt{\Delta_0} z)\rangle`, z ~ N(0, 1).

    Parameters
    ----------
    phi : str, sympy expression or Transfer
        transfer function (see :func:`transfer`).
    delta0 : float or array, >= 0
        variance (dimensionless, input units squared).
    mu : float or array
        mean.
    which : {"phi", "dphi", "Phi"}
        average phi, its derivative or its primitive Phi(x) = int_0^x phi.
    n : int
        Gauss-Hermite nodes (used for tanh and user functions).

    Returns
    -------
    float or ndarray (broadcast shape of delta0 and mu).
    """
    tr = transfer(phi)
    w_ = _which(which)
    _check_prim(tr, w_)
    d0 = np.asarray(delta0, dtype=float)
    m = np.asarray(mu, dtype=float)
    if np.any(~np.isfinite(d0)) or np.any(d0 < 0):
        raise checks.ParameterError("delta0", delta0, "finite and >= 0",
                                    f"delta0 = {delta0!r} is invalid: must be finite and >= 0")
    if np.any(~np.isfinite(m)):
        raise checks.ParameterError("mu", mu, "finite", f"mu = {mu!r} is invalid: must be finite")
    z, w = gh_nodes(n)
    d0b, mb = np.broadcast_arrays(d0, m)
    out = mean_array(tr.f, tr.code, w_, np.ascontiguousarray(mb.ravel()), np.ascontiguousarray(d0b.ravel()), z, w)
    out = out.reshape(d0b.shape)
    return float(out) if out.ndim == 0 else out


def gaussian_corr(phi, delta, delta0, mu=0.0, which="phi", n=DEFAULT_N, method="auto"):
    r"""Two-point Gaussian average :math:`C_f(\Delta;\Delta_0,\mu) = \langle f(x) f(y)\rangle`.

    x, y jointly Gaussian with mean mu, variance delta0 and covariance delta (|delta| <= delta0).

    Parameters
    ----------
    phi : str, sympy expression or Transfer
    delta, delta0, mu : float or array (broadcast)
    which : {"phi", "dphi", "Phi"}
    n : int
        Gauss-Hermite nodes per dimension.
    method : {"auto", "quad"}
        "auto": closed forms where they exist (erf/ReLU at mu = 0, linear; ReLU at mu != 0 by
        Plackett's identity as a Gauss-Legendre integral), otherwise nested quadrature with
        closed-form inner averages; "quad": nested Gauss-Hermite throughout.

    Returns
    -------
    float or ndarray.  ``ValueError`` if |delta| > delta0.
    """
    tr = transfer(phi)
    w_ = _which(which)
    _check_prim(tr, w_)
    if method not in ("auto", "quad"):
        raise checks.ParameterError("method", method, "'auto' or 'quad'",
                                    f"method = {method!r} is invalid: choose 'auto' or 'quad'")
    d = np.asarray(delta, dtype=float)
    d0 = np.asarray(delta0, dtype=float)
    m = np.asarray(mu, dtype=float)
    for nm, v in (("delta", d), ("delta0", d0), ("mu", m)):
        if np.any(~np.isfinite(v)):
            raise checks.ParameterError(nm, v, "finite", f"{nm} = {v!r} is invalid: must be finite")
    if np.any(d0 < 0):
        raise checks.ParameterError("delta0", delta0, ">= 0", f"delta0 = {delta0!r} is invalid: must be >= 0")
    db, d0b, mb = np.broadcast_arrays(d, d0, m)
    if np.any(np.abs(db) > d0b * (1 + 1e-14)):
        raise checks.ParameterError("delta", delta, "|delta| <= delta0",
                                    f"delta = {delta!r} is invalid: must satisfy |delta| <= delta0 = {delta0!r}")
    z, w = gh_nodes(n)
    out = corr_array(tr.f, tr.code, w_, np.ascontiguousarray(db.ravel()), np.ascontiguousarray(d0b.ravel()),
                     np.ascontiguousarray(mb.ravel()), z, w, 0 if method == "auto" else 1)
    out = out.reshape(db.shape)
    return float(out) if out.ndim == 0 else out
