r"""Self-checking Gaussian averages for wide fields: sinh-mapped rules clustered at phi's feature (numba).

The DMFT averages :math:`\langle f(m + r z)\rangle`, z standard normal, defeat a fixed Gauss-Hermite
rule once the spread r is large compared with the width of phi's sharpest feature (tanh at r = 20 or
1e3: phi' is nonzero on a sliver of the Gaussian, and a 24-node rule gives
:math:`\langle\phi'\phi'\rangle \approx 0`; issue 19).  Here the standard normal variable is mapped as

.. math::  z = c + a\sinh t,\qquad c = (x_c - m)/r,\quad a = \min(1, w_x / r),

with :math:`x_c` phi's feature (its position) and :math:`w_x` its width in input units, and the
integral over t is a trapezoid rule of step :math:`h = h_q/5` (nodes :math:`t_k = k h`, one of them
at the feature).  The nodes are dense (spacing ~ :math:`a h`) at the feature and grow geometrically
away from it, so their number grows like :math:`\log(r/w_x)`, not like r: 34 nodes at r = 1, 49 at
r = 20, 79 at r = 1e3 for a relative error ~1e-11 at :math:`h_q = 1` (measured against adaptive
quad in ``tests/test_sinhquad.py``).  The integrand is analytic in a strip around the real t axis
(tanh's poles at :math:`x = \pm i\pi/2` sit at :math:`\mathrm{Im}\,t = \pi/2`), so the trapezoid
rule converges exponentially as h -> 0 (Trefethen & Weideman 2014, SIAM Rev 56:385); halving
:math:`h_q` (twice the nodes, the old ones among them) estimates the error of a result.  The sinh
map for nearly singular integrands: Johnston & Elliott 2005, Int J Numer Meth Eng 62:564.

Spreads small against the feature (r <= w_x/2) use Gauss-Hermite in z, 20 nodes for h_q >= 1 and 40
for the finer rules (twice the nodes, so that halving h_q estimates this error too; the integrand's
nearest singularity is >= pi away: error ~1e-11 with 20 nodes).  A two-point average
:math:`C_f = \langle \bar f(\mu + s z)\,\bar f(\mu \pm s z)\rangle`, :math:`\bar f(m) = \langle
f(m + r z_1)\rangle`, nests the rule (outer width :math:`\max(w_x, r)/s`).  When an outer integrand
has two separate features (the driven kernel: phi at one, the inner mean at the other) the z range
is split midway and each half is a composite 8-point Gauss-Legendre rule in t with panel length
:math:`h_q` (panel edges at both features and at the split), :func:`sinh_rule2`.
"""
from __future__ import annotations

import math

import numpy as np

from recnet.numerics import gaussian as ga
from recnet.numerics._jit import njit

__all__ = ["SINH_L", "SINH_HQ", "HQ_MIN", "SINH_BUF", "sinh_rule2", "inner_mean_sinh", "mean_sinh",
           "corr_sinh", "pair_sinh", "feature", "is_odd"]

SINH_L = 8.5  # half-width of the z-range: Gaussian mass outside 2e-17
SINH_HQ = 1.0  # default rule parameter: trapezoid step hq/5 in t, Gauss-Legendre panels of length hq
HQ_MIN = 1.0 / 16.0  # finest rule the solvers refine to
SINH_BUF = 8192  # node buffer length of sinh_rule2: enough for hq >= 1/16 at any width >= 1e-12
_TRAP = 5.0  # trapezoid step h = hq / _TRAP
_GL8_X, _GL8_W = np.polynomial.legendre.leggauss(8)
_GH_Z, _GH_W = np.polynomial.hermite_e.hermegauss(20)
_GH_W = _GH_W / math.sqrt(2.0 * math.pi)
_GH2_Z, _GH2_W = np.polynomial.hermite_e.hermegauss(40)  # the finer rules (hq < 1) have twice the nodes
_GH2_W = _GH2_W / math.sqrt(2.0 * math.pi)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)


# ------------------------------------------------------------------ one centre: trapezoid in t
@njit
def _trap_sum(f, code, which, m, r, c, a, hq):
    """sum_k w_k f(m + r z_k) for the trapezoid rule in t of <f(m + r z)>, z = c + a sinh t.

    sinh and cosh of t_k = k h come from the recurrence e_{k+1} = e_k e^h (one exp per node: the
    Gaussian weight)."""
    h = hq / _TRAP
    L = SINH_L
    kA = int(math.floor(math.asinh((-L - c) / a) / h))
    kB = int(math.ceil(math.asinh((L - c) / a) / h))
    eh = math.exp(h)
    acc = 0.0
    # t >= 0 upwards from k = max(kA, 0), t < 0 downwards from min(kB, -1)
    k0 = max(kA, 0)
    e = math.exp(k0 * h)
    for k in range(k0, kB + 1):
        ie = 1.0 / e
        z = c + 0.5 * a * (e - ie)
        wk = h * 0.5 * a * (e + ie) * math.exp(-0.5 * z * z)
        x = m + r * z
        if code == ga.TANH and which == 0:
            acc += wk * math.tanh(x)
        elif code == ga.TANH and which == 1:
            t = math.tanh(x)
            acc += wk * (1.0 - t * t)
        else:
            acc += wk * f(which, x)
        e *= eh
    k1 = min(kB, -1)
    e = math.exp(k1 * h)
    for k in range(k1, kA - 1, -1):
        ie = 1.0 / e
        z = c + 0.5 * a * (e - ie)
        wk = h * 0.5 * a * (e + ie) * math.exp(-0.5 * z * z)
        x = m + r * z
        if code == ga.TANH and which == 0:
            acc += wk * math.tanh(x)
        elif code == ga.TANH and which == 1:
            t = math.tanh(x)
            acc += wk * (1.0 - t * t)
        else:
            acc += wk * f(which, x)
        e /= eh
    return acc * _INV_SQRT_2PI


@njit
def _gl_inner(f, code, which, m, r, A, B, c, a, hq):
    """sum over composite GL8 panels in t (z = c + a sinh t, z in [A, B], panel edge at t = 0) of
    w_k f(m + r z_k)."""
    if B <= A:
        return 0.0
    c = min(max(c, A), B)
    tA = math.asinh((A - c) / a)
    tB = math.asinh((B - c) / a)
    acc = 0.0
    for side in range(2):
        t0 = tA if side == 0 else max(0.0, tA)
        t1 = min(0.0, tB) if side == 0 else tB
        if t1 <= t0:
            continue
        npan = max(1, int(math.ceil((t1 - t0) / hq - 1e-12)))
        ln = (t1 - t0) / npan
        for p in range(npan):
            mid = t0 + (p + 0.5) * ln
            for k in range(8):
                e = math.exp(mid + 0.5 * ln * _GL8_X[k])
                ie = 1.0 / e
                z = c + 0.5 * a * (e - ie)
                wk = 0.25 * ln * _GL8_W[k] * a * (e + ie) * math.exp(-0.5 * z * z)
                acc += wk * f(which, m + r * z)
    return acc * _INV_SQRT_2PI


@njit
def _gl_outer(f, code, which, mu, s, r, A, B, c, a, xc, wx, hq):
    """As :func:`_gl_inner` for the integrand fbar(mu + s z)^2, fbar the inner mean at spread r."""
    if B <= A:
        return 0.0
    c = min(max(c, A), B)
    tA = math.asinh((A - c) / a)
    tB = math.asinh((B - c) / a)
    acc = 0.0
    for side in range(2):
        t0 = tA if side == 0 else max(0.0, tA)
        t1 = min(0.0, tB) if side == 0 else tB
        if t1 <= t0:
            continue
        npan = max(1, int(math.ceil((t1 - t0) / hq - 1e-12)))
        ln = (t1 - t0) / npan
        for p in range(npan):
            mid = t0 + (p + 0.5) * ln
            for k in range(8):
                e = math.exp(mid + 0.5 * ln * _GL8_X[k])
                ie = 1.0 / e
                z = c + 0.5 * a * (e - ie)
                wk = 0.25 * ln * _GL8_W[k] * a * (e + ie) * math.exp(-0.5 * z * z)
                v = inner_mean_sinh(f, code, which, mu + s * z, r, xc, wx, hq)
                acc += wk * v * v
    return acc * _INV_SQRT_2PI


@njit
def inner_mean_sinh(f, code, which, m, r, xc, wx, hq):
    """<f(m + r z)>, z standard normal: closed forms for erf, ReLU and linear, 20-node Gauss-Hermite
    when r <= wx/2, otherwise the sinh-mapped trapezoid rule centred on phi's feature xc (width wx)."""
    if not (math.isfinite(m) and math.isfinite(r)):
        return math.nan
    if r <= 0.0:
        return f(which, m)
    if code == ga.LINEAR or code == ga.RELU or code == ga.ERF or (r <= 0.5 * wx and code != ga.USER):
        if hq < 1.0:
            return ga.inner_mean(f, code, which, m, r, _GH2_Z, _GH2_W)
        return ga.inner_mean(f, code, which, m, r, _GH_Z, _GH_W)
    c = (xc - m) / r
    a = min(1.0, wx / r)
    L = SINH_L
    if abs(c) <= 1.0:  # phi's feature inside the Gaussian's core: one centre
        return _trap_sum(f, code, which, m, r, c, a, hq)
    if abs(c) <= 2.0 * a:  # near the core and about as wide: one centre midway resolves both
        return _trap_sum(f, code, which, m, r, 0.5 * c, a, hq)
    if abs(c) >= L + 1.0:  # outside the window: phi is smooth there, the Gaussian is the feature
        return _trap_sum(f, code, which, m, r, 0.0, 1.0, hq)
    # two features (the Gaussian's core at 0, phi's at c): split midway, GL panels on each side
    mid = 0.5 * c
    if c < 0.0:
        return _gl_inner(f, code, which, m, r, -L, mid, c, a, hq) + _gl_inner(f, code, which, m, r, mid, L, 0.0, 1.0, hq)
    return _gl_inner(f, code, which, m, r, -L, mid, 0.0, 1.0, hq) + _gl_inner(f, code, which, m, r, mid, L, c, a, hq)


@njit
def mean_sinh(f, code, which, mu, delta0, xc, wx, hq):
    """<f(mu + sqrt(delta0) z)> by the sinh-mapped rule (closed forms where they exist)."""
    if delta0 < 0.0:
        return math.nan
    return inner_mean_sinh(f, code, which, mu, math.sqrt(delta0), xc, wx, hq)


@njit
def _outer_sq(f, code, which, mu, s, r, c, a, xc, wx, hq):
    """sum_k w_k fbar(mu + s z_k)^2 (trapezoid in t around c, width a): the outer average of C_f at
    a positive correlation."""
    h = hq / _TRAP
    L = SINH_L
    kA = int(math.floor(math.asinh((-L - c) / a) / h))
    kB = int(math.ceil(math.asinh((L - c) / a) / h))
    acc = 0.0
    for k in range(kA, kB + 1):
        t = k * h
        e = math.exp(t)
        ie = 1.0 / e
        z = c + 0.5 * a * (e - ie)
        wk = h * 0.5 * a * (e + ie) * math.exp(-0.5 * z * z)
        if wk == 0.0:
            continue
        v = inner_mean_sinh(f, code, which, mu + s * z, r, xc, wx, hq)
        acc += wk * v * v
    return acc * _INV_SQRT_2PI


@njit
def corr_sinh(f, code, which, delta, delta0, mu, xc, wx, hq):
    """C_f(delta; delta0, mu) = <f(x) f(y)> by nested sinh-mapped rules (closed forms as
    :func:`recnet.numerics.gaussian.corr_kernel`'s method 0 where they exist).  The outer integrand
    fbar(mu + s z) fbar(mu +- s z) is sharp where mu +- s z = xc, with width max(wx, r) / s."""
    if not (delta0 >= 0.0 and math.isfinite(delta0) and math.isfinite(mu)) or abs(delta) > delta0 * (1.0 + 1e-14):
        return math.nan
    if code == ga.LINEAR or ((code == ga.ERF or code == ga.RELU) and mu == 0.0) or (code == ga.RELU and delta0 > 0.0):
        return ga.corr_kernel(f, code, which, delta, delta0, mu, _GH_Z, _GH_W, 0)
    ad = min(abs(delta), delta0)
    s = math.sqrt(ad)
    r = math.sqrt(max(delta0 - ad, 0.0))
    if s <= 0.0:
        a = inner_mean_sinh(f, code, which, mu, r, xc, wx, hq)
        return a * a
    width = max(wx, r)
    if delta >= 0.0:
        if s <= 0.5 * width and code != ga.USER:  # the outer integrand is smooth on the Gaussian's scale
            zg, wg = (_GH2_Z, _GH2_W) if hq < 1.0 else (_GH_Z, _GH_W)
            acc = 0.0
            for k in range(zg.size):
                v = inner_mean_sinh(f, code, which, mu + s * zg[k], r, xc, wx, hq)
                acc += wg[k] * v * v
            return acc
        c = (xc - mu) / s
        a = min(1.0, width / s)
        L = SINH_L
        if abs(c) <= 1.0:
            return _outer_sq(f, code, which, mu, s, r, c, a, xc, wx, hq)
        if abs(c) <= 2.0 * a:
            return _outer_sq(f, code, which, mu, s, r, 0.5 * c, a, xc, wx, hq)
        if abs(c) >= L + 1.0:
            return _outer_sq(f, code, which, mu, s, r, 0.0, 1.0, xc, wx, hq)
        mid = 0.5 * c
        if c < 0.0:
            return (_gl_outer(f, code, which, mu, s, r, -L, mid, c, a, xc, wx, hq)
                    + _gl_outer(f, code, which, mu, s, r, mid, L, 0.0, 1.0, xc, wx, hq))
        return (_gl_outer(f, code, which, mu, s, r, -L, mid, 0.0, 1.0, xc, wx, hq)
                + _gl_outer(f, code, which, mu, s, r, mid, L, c, a, xc, wx, hq))
    zo = np.empty(SINH_BUF)
    wo = np.empty(SINH_BUF)
    c1 = (xc - mu) / s
    n = sinh_rule2(c1, width / s, -c1, width / s, hq, zo, wo)
    acc = 0.0
    for k in range(n):
        acc += wo[k] * inner_mean_sinh(f, code, which, mu + s * zo[k], r, xc, wx, hq) * \
            inner_mean_sinh(f, code, which, mu - s * zo[k], r, xc, wx, hq)
    return acc


# ------------------------------------------------------- one-time pair average <f(x) fbar(y)>
@njit
def pair_sinh(f, code, which, m1, s1, m2, rho, s2, r, xc, wx, hq, zo, wo):
    """<f(m1 + s1 z) fbar(m2 + rho s2 z)>, z standard normal, fbar(m) = <f(m + r z')> (the inner
    mean, :func:`inner_mean_sinh`): the two-point average of x = m1 + s1 z and y = m2 + rho s2 z +
    r z' (variances s1^2 and s2^2, correlation rho, r = s2 sqrt(1 - rho^2)).  The outer nodes
    cluster where x crosses phi's feature xc (width wx / s1) and where the inner mean's argument
    does (width max(wx, r) / (|rho| s2)): one sinh map (trapezoid in t, step hq / 5) when the two
    overlap inside the Gaussian's core and phi is smooth (tanh, erf, linear), otherwise
    :func:`sinh_rule2` (the z range split midway, Gauss-Legendre panels with an edge at each
    feature -- at a kink of ReLU or a user phi the trapezoid rule would converge only as hq^2;
    buffers zo, wo of length SINH_BUF)."""
    if s1 <= 0.0:
        return f(which, m1) * inner_mean_sinh(f, code, which, m2, r, xc, wx, hq)
    c1 = (xc - m1) / s1
    a1 = wx / s1
    c2 = math.nan
    a2 = 1.0
    smooth = code != ga.RELU and code != ga.USER  # a kink of phi (at c1) needs a panel edge, not a node
    if abs(rho) > 1e-12:
        c2 = (xc - m2) / (rho * s2)
        # the inner mean smooths phi's feature over r: ReLU's kink (no width of its own) has width r
        a2 = max(wx if code != ga.RELU else 1e-3, r) / (abs(rho) * s2)
    s = 0.0
    if smooth and (math.isnan(c2) or (abs(c1 - c2) <= 2.0 * min(a1, a2, 1.0) and abs(0.5 * (c1 + c2)) <= 1.0)):
        cc = c1 if math.isnan(c2) else 0.5 * (c1 + c2)
        aa = min(1.0, a1 if math.isnan(c2) else min(a1, a2))
        h = hq / _TRAP
        kA = int(math.floor(math.asinh((-SINH_L - cc) / aa) / h))
        kB = int(math.ceil(math.asinh((SINH_L - cc) / aa) / h))
        for k in range(kA, kB + 1):
            e = math.exp(k * h)
            ie = 1.0 / e
            zk = cc + 0.5 * aa * (e - ie)
            wk = h * 0.5 * aa * (e + ie) * math.exp(-0.5 * zk * zk) * _INV_SQRT_2PI
            x1 = s1 * zk + m1
            if code == ga.TANH:
                t1 = math.tanh(x1)
                f1 = t1 if which == 0 else 1.0 - t1 * t1
            else:
                f1 = f(which, x1)
            s += wk * f1 * inner_mean_sinh(f, code, which, rho * s2 * zk + m2, r, xc, wx, hq)
        return s
    m = sinh_rule2(c1, a1, c2, a2, hq, zo, wo)
    for k in range(m):
        s += wo[k] * f(which, s1 * zo[k] + m1) * inner_mean_sinh(f, code, which, rho * s2 * zo[k] + m2, r, xc, wx, hq)
    return s


# ------------------------------------------------- two centres: Gauss-Legendre panels in t
@njit
def _sinh_piece(t0, t1, c, a, hq, zb, wb, n):
    """Append the composite GL8 nodes of t in [t0, t1] (z = c + a sinh t, weight pdf(z) dz)."""
    if t1 <= t0:
        return n
    m = int(math.ceil((t1 - t0) / hq - 1e-12))
    if m < 1:
        m = 1
    ln = (t1 - t0) / m
    for p in range(m):
        mid = t0 + (p + 0.5) * ln
        for k in range(8):
            if n >= zb.size:
                return n
            t = mid + 0.5 * ln * _GL8_X[k]
            e = math.exp(t)
            ie = 1.0 / e
            z = c + 0.5 * a * (e - ie)
            zb[n] = z
            wb[n] = 0.25 * ln * _GL8_W[k] * a * (e + ie) * math.exp(-0.5 * z * z) * _INV_SQRT_2PI
            n += 1
    return n


@njit
def _sinh_interval(A, B, c, a, hq, zb, wb, n):
    """Nodes for z in [A, B] clustered at c (clipped into [A, B]) with width a (<= 1)."""
    if B <= A:
        return n
    if a > 1.0 or not (a > 0.0):
        a = 1.0
    if c < A:
        c = A
    if c > B:
        c = B
    tA = math.asinh((A - c) / a)
    tB = math.asinh((B - c) / a)
    n = _sinh_piece(tA, min(0.0, tB), c, a, hq, zb, wb, n)  # the feature sits on a panel edge
    n = _sinh_piece(max(0.0, tA), tB, c, a, hq, zb, wb, n)
    return n


@njit
def sinh_rule2(c1, a1, c2, a2, hq, zb, wb):
    """Nodes/weights (in zb, wb; returns their count) for <g(z)>, z ~ N(0,1), with g sharp at c1
    (width a1) and, unless c2 is NaN, at c2 (width a2): the z-range is split midway between them
    and each part is a composite 8-point Gauss-Legendre rule in t (panel length hq)."""
    L = SINH_L
    if not math.isfinite(c1):
        c1, a1 = 0.0, 1.0
    if not math.isfinite(c2):
        return _sinh_interval(-L, L, c1, a1, hq, zb, wb, 0)
    if c2 < c1:
        c1, a1, c2, a2 = c2, a2, c1, a1
    mid = min(max(0.5 * (c1 + c2), -L), L)
    n = _sinh_interval(-L, mid, c1, a1, hq, zb, wb, 0)
    return _sinh_interval(mid, L, c2, a2, hq, zb, wb, n)


# ------------------------------------------------------------------------------------ Python side
_FEATURES = {}


def feature(phi):
    """(xc, wx): position and width (input units) of phi's sharpest feature, for the sinh rules.

    tanh, erf, ReLU, linear: (0, 1) (tanh's poles at +-i pi/2, erf's scale, ReLU's kink at 0).
    A user phi: wx = max|phi'| / max|phi''| on [-20, 20], clipped to [1e-3, 1] (Rajan's rectified
    tanh: 0.13), and xc where |phi''| is largest (the largest jump of phi' for a kink) -- moved to
    the nearest point where phi is not smooth (a Piecewise breakpoint, a zero of the argument of
    Abs, Heaviside, sign, Max or Min) when one lies within 4 wx of it, so that a node sits on the
    kink (Rajan's phi: curvature peak at -0.066, breakpoint 0).  A user phi never takes the
    Gauss-Hermite shortcut of small spreads (a kink inside the Gaussian would spoil it).
    """
    tr = ga.transfer(phi)
    if tr.code != ga.USER:
        return 0.0, 1.0
    if tr.name in _FEATURES:
        return _FEATURES[tr.name]
    x = np.linspace(-20.0, 20.0, 400001)
    with np.errstate(all="ignore"):
        d1 = tr(x, "dphi")
    ok = np.isfinite(d1)
    d2 = np.abs(np.diff(d1)) / (x[1] - x[0])
    d2[~(ok[1:] & ok[:-1])] = 0.0
    if d2.size == 0 or not np.any(d2 > 0):
        out = (0.0, 1.0)
    else:
        i = int(np.argmax(d2))
        xc = float(0.5 * (x[i] + x[i + 1]))
        if abs(xc) < 1e-3:
            xc = 0.0
        wx = float(np.nanmax(np.abs(d1[ok]))) / float(d2[i])
        wx = float(min(max(wx, 1e-3), 1.0))
        bps = [b for b in _breakpoints(tr) if abs(b - xc) <= 4.0 * wx]
        if bps:
            xc = min(bps, key=lambda b: abs(b - xc))
        out = (xc, wx)
    _FEATURES[tr.name] = out
    return out


def _breakpoints(tr):
    """Real points where the sympy phi is not smooth: Piecewise conditions x < a, x <= a, ... and
    zeros of the (linear in x) arguments of Abs, Heaviside, sign, Max and Min."""
    import sympy as sp
    e = tr.expr
    if e is None:
        return []
    xs = [s_ for s_ in e.free_symbols if s_.name == "x"]
    if not xs:
        return []
    x = xs[0]
    pts = []
    for pw in e.atoms(sp.Piecewise):
        for _, cond in pw.args:
            for rel in ([cond] if isinstance(cond, sp.core.relational.Relational) else
                        list(cond.atoms(sp.core.relational.Relational))):
                pts.append(rel.lhs - rel.rhs)
    for fn in (sp.Abs, sp.Heaviside, sp.sign):
        pts.extend(a.args[0] for a in e.atoms(fn))
    for fn in (sp.Max, sp.Min):
        for a in e.atoms(fn):
            if len(a.args) == 2:
                pts.append(a.args[0] - a.args[1])
    out = []
    for arg in pts:
        try:
            sol = sp.solve(sp.Eq(arg, 0), x)
        except Exception:  # not solvable in closed form: no breakpoint taken from it
            continue
        out.extend(float(v) for v in sol if v.is_real)
    return sorted(set(out))


def is_odd(phi):
    """True if phi(-x) = -phi(x) (checked at a few points): C_f is then unchanged under x -> -x."""
    tr = ga.transfer(phi)
    return all(abs(tr.f(0, v) + tr.f(0, -v)) < 1e-12 * max(1.0, abs(tr.f(0, v))) for v in (0.0, 0.3, 1.1, 2.7, 7.3))
