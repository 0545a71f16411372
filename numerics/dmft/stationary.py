r"""Stationary dynamic mean-field theory of random rate networks (numba solvers).

Model: :math:`\dot x_i = -x_i + \sum_j J_{ij}\phi(x_j) + I_0`, :math:`J_{ij}` Gaussian with
variance :math:`g^2/N` and mean :math:`J_0/N` (or :math:`-J_0/\sqrt N` with external input
:math:`\sqrt N I_0`, "balanced"); time in units of the single-unit time constant.

Self-consistency (Sompolinsky, Crisanti, Sommers 1988; derivation in :mod:`recnet.theory.dmft.stationary`):
with :math:`\mu` the mean input, :math:`\Delta(\tau)` the autocovariance of :math:`x`,
:math:`\Delta_0 = \Delta(0)`, :math:`\Delta_\infty = \Delta(\infty)` and
:math:`C_f(\Delta) = C_f(\Delta;\Delta_0,\mu)` (:mod:`recnet.numerics.gaussian`),

.. math::

    \mu &= I_0 + J_0\langle\phi\rangle \quad(\text{balanced: } J_0\langle\phi\rangle = I_0),\\
    \ddot\Delta &= \Delta - g^2 C_\phi(\Delta) = -V'(\Delta),\qquad
    V(\Delta) = -\Delta^2/2 + g^2 C_\Phi(\Delta),\\
    \Delta_\infty &= g^2 C_\phi(\Delta_\infty)\ (\text{top of the hill}),\qquad
    V(\Delta_0) = V(\Delta_\infty) \iff \int_{\Delta_\infty}^{\Delta_0}
    [g^2 C_\phi(\Delta) - \Delta]\, d\Delta = 0 .

(The energy condition is evaluated as the integral, by Gauss-Legendre quadrature, so a user's phi
needs no primitive.)

Quadrature (issue 19): every Gaussian average -- C_phi, C_phi', <phi>, <phi'>, the uniform mode's
<phi'> -- uses the self-checking sinh-mapped rules of :mod:`recnet.numerics.dmft.sinhquad`, whose
nodes cluster at phi's feature and whose number grows like log(spread / feature width) (closed forms
for erf, ReLU and linear).  The sign scans use the rule with half the nodes; each solution is then
re-solved once with twice the nodes (one Newton step from its root, hq / 2, with twice the
Gauss-Legendre points of the energy integral and of the Delta(tau) table) and the changes of
Delta0, Delta_inf, mu, lambda_max and tau_corr are its ``quadrature_error``; a solution that misses
``quad_tol`` is replaced by the finer one and checked again, down to hq = 1/16, and otherwise carries a
``warning``.  The energy integral and the Delta(tau) table are taken in s = sqrt(Delta0 - Delta),
graded at s ~ phi's feature width: at large g (sqrt(Delta0) >> feature width) C_phi has a
square-root point at Delta = Delta0 and a boundary layer next to it.  Fixed-point solutions have :math:`\Delta(\tau) \equiv \Delta_0 =
g^2\langle\phi^2\rangle` and are stable iff :math:`g^2\langle\phi'^2\rangle < 1`; the onset
:math:`g_c` is where the stable fixed point loses stability (:math:`g_c = 1/\phi'(0)` at the
trivial fixed point, = 1 for tanh).

Largest Lyapunov exponent (SCS 1988; Crisanti & Sompolinsky 2018, PRE 98:062120): perturbation
correlations :math:`G(t, s) = e^{\lambda(t+s)}\psi(t-s)` solve
:math:`[-\partial_\tau^2 - g^2 C_{\phi'}(\Delta(\tau))]\psi = E\psi`, :math:`\lambda = -1 + \sqrt{-E_0}`
with :math:`E_0` the ground state.  :math:`\psi = \dot\Delta` is the (odd) eigenfunction with
:math:`E = -1` (:math:`\lambda = 0`), which the tests use to check the discretisation.  For a fixed
point, :math:`\lambda_{max} = -1 + g\sqrt{\langle\phi'^2\rangle}` (radius of the bulk spectrum).

Correlation time: :math:`\tau_c = \int_0^\infty (\Delta - \Delta_\infty)/(\Delta_0 -
\Delta_\infty)\, d\tau` (tau units).

Public API
----------
solve_stationary(g, phi="tanh", j0=0.0, i0=0.0, balanced=False, ...) -> dict
    keys delta0, delta_inf, mu, lambda_max, tau_corr, g_c, chaotic, branch, stable, branches
    (every solution found, each a dict), for scalar g; arrays (primary branch) for array g.
autocorrelation(g, tau, phi="tanh", ...) -> Delta(tau) of the primary solution.
critical_gain(phi="tanh", j0=0.0, i0=0.0, balanced=False) -> g_c.
continue_chaotic(phi, g0, ...) -> the chaotic branch followed in g by pseudo-arclength (folds).

Non-odd phi (e.g. 1 + tanh) with J0 = 0: <phi> != 0 gives each unit a quenched static field, so
Delta_inf > 0 (:func:`recnet.theory.dmft.stationary.static_variance_equations`).  The chaotic state then lies
within ~1e-3 (relative) of the unstable heterogeneous fixed point in Delta0 while its temporal
variance a = Delta0 - Delta_inf is O(1); at fixed mean input the chaotic branch is therefore
scanned in a (hilltop root Delta_inf(a), then the energy condition), not in Delta0.
map_solution(g, phi="tanh") -> discrete-time map x(t+1) = J phi(x(t)): delta0, lambda_max.
"""
from __future__ import annotations

import math

import numpy as np

from recnet import checks
from recnet.numerics._jit import njit, prange
from recnet.numerics.dmft import sinhquad as sq
from recnet.numerics.gaussian import TANH, USER, corr_kernel, gh_nodes, mean_kernel, transfer

__all__ = ["solve_stationary", "autocorrelation", "critical_gain", "map_solution", "profile", "solve_spiking",
           "continue_chaotic"]



def _gauss_legendre(n):
    """Gauss-Legendre nodes and weights on [-1, 1] by Newton's method on P_n (three-term recurrence,
    vectorised over the roots; Tricomi's starting values): O(n^2), where numpy's leggauss solves an
    n x n eigenproblem (0.1-1 s for n = 256 at import on a loaded machine).  Agrees with leggauss
    to 1e-15."""
    k = np.arange(1, n + 1)
    x = np.cos(np.pi * (k - 0.25) / (n + 0.5))
    for _ in range(100):
        p0, p1 = np.ones_like(x), x.copy()
        for j in range(2, n + 1):
            p0, p1 = p1, ((2 * j - 1) * x * p1 - (j - 1) * p0) / j
        dp = n * (x * p1 - p0) / (x * x - 1.0)
        dx = p1 / dp
        x = x - dx
        if np.max(np.abs(dx)) < 1e-16:
            break
    p0, p1 = np.ones_like(x), x.copy()
    for j in range(2, n + 1):
        p0, p1 = p1, ((2 * j - 1) * x * p1 - (j - 1) * p0) / j
    dp = n * (x * p1 - p0) / (x * x - 1.0)
    return x[::-1].copy(), (2.0 / ((1.0 - x * x) * dp * dp))[::-1].copy()


GL_LEVELS = 5  # Gauss-Legendre panel sizes 16, 32, ..., 256 for hq = 1, 1/2, ..., 1/16 (``_rule_level``)
_GLN = np.array([16 * 2 ** k for k in range(GL_LEVELS)], dtype=np.int64)
_GLX = np.zeros((GL_LEVELS, _GLN[-1]))
_GLW = np.zeros((GL_LEVELS, _GLN[-1]))
for _k in range(GL_LEVELS):
    _GLX[_k, :_GLN[_k]], _GLW[_k, :_GLN[_k]] = _gauss_legendre(int(_GLN[_k]))
QUAD_TOL = 1e-9  # tolerated relative change of a solution when the rules get twice the nodes
HQ_MIN = 1.0 / 16.0  # finest rule a solution is refined to
# g^2 <phi>^2 below ZERO_MEAN (1 + variance) counts as <phi> = 0 (odd phi, mu = 0; the hilltop is then at
# Delta_inf = 0): the sinh rules centred off 0 (a user phi's feature) leave <phi> ~ 1e-10, not 0, and the
# static variance such a <phi> would give, ~g^2 <phi>^2, lies far below QUAD_TOL
ZERO_MEAN = 1e-12
MAXSOL = 8
# solution record layout (float array of length NREC)
# 0 kind (1 chaotic, 0 fixed point), 1 delta0, 2 delta_inf, 3 mu, 4 lambda_max, 5 tau_corr,
# 6 stable (1/0), 7 E0, 8 tau_end
NREC = 9


# ------------------------------------------------------------------------------- small pieces
@njit
def _scan(Q):
    """The rule with half the nodes (row 1 of Q), for sign scans; Q itself if it has one row."""
    return Q[1:] if Q.shape[0] > 1 else Q[0:]


@njit
def _C(f, code, which, d, d0, mu, Q):
    """C_which(d; d0, mu) by the self-checking sinh-mapped rule of row 0 of Q = [[xc, wx, hq], ...]
    (:func:`recnet.numerics.dmft.sinhquad.corr_sinh`; closed forms for erf, ReLU and linear)."""
    return sq.corr_sinh(f, code, which, d, d0, mu, Q[0, 0], Q[0, 1], Q[0, 2])


@njit
def _mean(f, code, which, mu, d0, Q):
    """<f_which(mu + sqrt(d0) z)> by the sinh-mapped rule of row 0 of Q."""
    return sq.mean_sinh(f, code, which, mu, d0, Q[0, 0], Q[0, 1], Q[0, 2])


@njit
def _bisect_dinf(f, code, g, d0, mu, Q, lo, hi, flo):
    for _ in range(80):
        mid = 0.5 * (lo + hi)
        fm = g * g * _C(f, code, 0, mid, d0, mu, Q) - mid
        if (fm > 0.0) == (flo > 0.0):
            lo = mid
            flo = fm
        else:
            hi = mid
        if hi - lo <= 1e-15 * d0:
            break
    return 0.5 * (lo + hi)


@njit
def _delta_inf(f, code, g, d0, mu, Q):
    """Hilltop of V: the root of F(D) = g^2 C_phi(D) - D on [0, d0] where F goes from + to -.

    F is convex on [0, d0] (C_phi is absolutely monotone there), so its minimum is where
    g^2 C_phi'(D) = 1 (bisection); the hilltop is the root of F left of the minimum.  NaN if F > 0
    on the whole interval (no hilltop).
    """
    m1 = _mean(f, code, 0, mu, d0, Q)  # C_phi(0) = <phi>^2
    f0 = g * g * m1 * m1
    if f0 <= ZERO_MEAN * (1.0 + d0):  # <phi> = 0 up to the rule's error (odd phi, mu = 0): hilltop at 0
        return 0.0
    lo, hi = 0.0, d0
    if g * g * _C(f, code, 1, d0, d0, mu, Q) > 1.0:
        for _ in range(60):
            mid = 0.5 * (lo + hi)
            if g * g * _C(f, code, 1, mid, d0, mu, Q) > 1.0:
                hi = mid
            else:
                lo = mid
        dmin = 0.5 * (lo + hi)
    else:
        dmin = d0
    fmin = g * g * _C(f, code, 0, dmin, d0, mu, Q) - dmin
    if fmin > 0.0:
        return math.nan
    return _bisect_dinf(f, code, g, d0, mu, Q, 0.0, dmin, f0)


@njit
def _rule_level(Q):
    """k = log2(1/hq) of the active rule, clipped to [0, GL_LEVELS - 1] (0 for hq >= 1): the energy
    integral's and the Delta(tau) table's node counts double with each halving of hq, so that the
    twice-the-nodes error estimate covers them too."""
    hq = Q[0, 2]
    k = 0
    while hq < 0.99 and k < GL_LEVELS - 1:
        hq *= 2.0
        k += 1
    return k


@njit
def _energy(f, code, g, d0, mu, dinf, Q):
    """int_{dinf}^{d0} (g^2 C_phi(D) - D) dD (= V(d0) - V(dinf)) as int_0^S F(d0 - s^2) 2 s ds,
    S^2 = d0 - dinf.  C_phi(D) has a square-root point at D = d0 once sqrt(d0) is large against
    phi's feature width wx (tanh at g = 1e3: C_phi ~ (2/pi) asin(D/d0)), which the substitution
    makes smooth, and a boundary layer s <~ wx (the inner spread sqrt(d0 - D) = s below phi's
    feature), which composite Gauss-Legendre panels graded from s = 0 resolve (edges 0, w, 4 w,
    16 w, ..., S with w = min(wx, S)).  16 nodes per panel on the default rules (hq >= 1), twice
    that with each halving of hq."""
    S = math.sqrt(max(d0 - dinf, 0.0))
    if S <= 0.0:
        return 0.0
    k = _rule_level(Q)
    nk = _GLN[k]
    a = 0.0
    b = min(Q[0, 1], S)
    acc = 0.0
    while True:
        half = 0.5 * (b - a)
        for j in range(nk):
            sv = a + half * (_GLX[k, j] + 1.0)
            d = d0 - sv * sv
            acc += half * _GLW[k, j] * 2.0 * sv * (g * g * _C(f, code, 0, d, d0, mu, Q) - d)
        if b >= S:
            break
        a = b
        b = min(4.0 * b, S)
    return acc


@njit
def _mu_eq(f, code, mu, d0, j0, i0, balanced, Q):
    m1 = _mean(f, code, 0, mu, d0, Q)
    if balanced:
        return j0 * m1 - i0
    return mu - i0 - j0 * m1


@njit
def _mu_roots(f, code, d0, j0, i0, balanced, Q, out):
    """All roots of the mean equation in mu (scan + bisection); returns their number (<= out.size)."""
    if j0 == 0.0 and not balanced:
        out[0] = i0
        return 1
    span = abs(i0) + 4.0 * abs(j0) * (1.0 + math.sqrt(d0)) + 4.0 * math.sqrt(d0) + 4.0
    if balanced:
        span = 10.0 * (1.0 + math.sqrt(d0)) + 10.0 * abs(i0 / j0) if j0 != 0.0 else span
    m = 400
    cnt = 0
    a = -span
    fa = _mu_eq(f, code, a, d0, j0, i0, balanced, Q)
    for k in range(1, m + 1):
        b = -span + 2.0 * span * k / m
        fb = _mu_eq(f, code, b, d0, j0, i0, balanced, Q)
        if fa == 0.0:
            if cnt < out.size:
                out[cnt] = a
                cnt += 1
        elif (fa < 0.0) != (fb < 0.0) and fb != 0.0:
            lo, hi, flo = a, b, fa
            for _ in range(100):
                mid = 0.5 * (lo + hi)
                fm = _mu_eq(f, code, mid, d0, j0, i0, balanced, Q)
                if (fm < 0.0) == (flo < 0.0):
                    lo, flo = mid, fm
                else:
                    hi = mid
                if hi - lo < 1e-15 * (1.0 + abs(lo)):
                    break
            if cnt < out.size:
                out[cnt] = 0.5 * (lo + hi)
                cnt += 1
        a, fa = b, fb
    return cnt


@njit
def _branch_fun(f, code, kind, g, d0, j0, i0, balanced, Q, mus, res_mu, res_dinf):
    """Residual of the Delta0 equation on every mu-branch at d0; returns the number of branches.

    kind 1 (chaotic): energy integral; kind 0 (fixed point): g^2 <phi^2> - d0.
    """
    nm = _mu_roots(f, code, d0, j0, i0, balanced, Q, mus)
    out = np.empty(nm)
    for b in range(nm):
        mu = mus[b]
        res_mu[b] = mu
        if kind == 1:
            dinf = _delta_inf(f, code, g, d0, mu, Q)
            res_dinf[b] = dinf
            if math.isnan(dinf) or dinf >= d0 * (1.0 - 1e-9):
                out[b] = math.nan
            else:
                out[b] = _energy(f, code, g, d0, mu, dinf, Q)
        else:
            res_dinf[b] = d0
            out[b] = g * g * _C(f, code, 0, d0, d0, mu, Q) - d0
    return out


@njit
def _illinois_point(a, fa, b, fb, it):
    """Next Illinois (modified regula falsi) point in [a, b]; a bisection every 8th step or when the
    secant leaves the bracket."""
    c = (a * fb - b * fa) / (fb - fa) if fb != fa else 0.5 * (a + b)
    if it % 8 == 7 or not (min(a, b) < c < max(a, b)):
        c = 0.5 * (a + b)
    return c


@njit
def _illinois_update(a, fa, b, fb, side, c, fc):
    """Replace the end point of [a, b] whose residual has fc's sign by c; halve the kept end's residual
    when the same end is kept twice (the Illinois rule).  Returns (a, fa, b, fb, side)."""
    if (fc > 0.0) == (fb > 0.0):
        b, fb = c, fc
        if side == -1:
            fa *= 0.5
        side = -1
    else:
        a, fa = c, fc
        if side == 1:
            fb *= 0.5
        side = 1
    return a, fa, b, fb, side


@njit
def _solve_branch_root(f, code, kind, g, lo, hi, b, nb, j0, i0, balanced, Q):
    """Root in Delta0 (Illinois in log Delta0) of mu-branch b's residual between lo and hi."""
    mus = np.empty(MAXSOL)
    rm = np.empty(MAXSOL)
    rd = np.empty(MAXSOL)
    r = _branch_fun(f, code, kind, g, lo, j0, i0, balanced, Q, mus, rm, rd)
    flo = r[b] if r.size == nb else math.nan
    r = _branch_fun(f, code, kind, g, hi, j0, i0, balanced, Q, mus, rm, rd)
    fhi = r[b] if r.size == nb else math.nan
    if math.isnan(flo) or math.isnan(fhi):
        return math.nan, math.nan, math.nan
    # Illinois (modified regula falsi) in log Delta0; every 8th step a bisection
    a, fa, c_hi, fb = math.log(lo), flo, math.log(hi), fhi
    side = 0
    c = 0.5 * (a + c_hi)
    for it in range(120):
        c = _illinois_point(a, fa, c_hi, fb, it)
        r = _branch_fun(f, code, kind, g, math.exp(c), j0, i0, balanced, Q, mus, rm, rd)
        if r.size != nb or math.isnan(r[b]):
            return math.nan, math.nan, math.nan
        fc = r[b]
        if fc == 0.0:
            break
        a, fa, c_hi, fb, side = _illinois_update(a, fa, c_hi, fb, side, c, fc)
        if abs(c_hi - a) < 1e-13:
            break
    d0 = math.exp(c)
    r = _branch_fun(f, code, kind, g, d0, j0, i0, balanced, Q, mus, rm, rd)
    if r.size != nb:
        return math.nan, math.nan, math.nan
    return d0, rm[b], rd[b]


# --------------------------------------------------------------- Delta(tau) and Schroedinger problem
@njit
def _table_map(d0, dinf, w):
    """(w, U) of the table variable u in [0, 1]: s = sqrt(d0 - D) = w sinh(u U), U = asinh(S / w),
    S^2 = d0 - dinf -- Chebyshev points in u cluster at s ~ w = phi's feature width, where C has its
    boundary layer (see ``_energy``), and are nearly uniform in s when S < w."""
    S = math.sqrt(max(d0 - dinf, 0.0))
    return w, math.asinh(S / w)


@njit
def _cheb_table(f, code, which, g, d0, mu, dinf, Q, m):
    """Values of C_which(D) at m Chebyshev points u_k of [0, 1], D = d0 - s(u)^2 (``_table_map``;
    C is smooth in s also where it has a square-root point at D = d0), for barycentric
    interpolation in u.  Returns (u_k, values); u_0 = 1 (D = dinf)."""
    xs = np.empty(m)
    vs = np.empty(m)
    w, U = _table_map(d0, dinf, Q[0, 1])
    for k in range(m):
        u = 0.5 * (math.cos(math.pi * k / (m - 1)) + 1.0)
        sv = w * math.sinh(u * U)
        xs[k] = u
        vs[k] = _C(f, code, which, d0 - sv * sv, d0, mu, Q)
    return xs, vs


@njit
def _bary(xs, vs, x):
    m = xs.size
    num = 0.0
    den = 0.0
    for k in range(m):
        dx = x - xs[k]
        if dx == 0.0:
            return vs[k]
        wk = 1.0 if (k % 2 == 0) else -1.0
        if k == 0 or k == m - 1:
            wk *= 0.5
        wk /= dx
        num += wk * vs[k]
        den += wk
    return num / den


@njit
def _Cfast(f, code, which, d, d0, mu, Q, xs, vs, use_tab, w, U):
    if use_tab:
        u = math.asinh(math.sqrt(max(d0 - d, 0.0)) / w) / U if U > 0.0 else 0.0
        if u > 1.0:
            u = 1.0
        return _bary(xs, vs, u)
    return _C(f, code, which, d, d0, mu, Q)


@njit
def _profile(f, code, g, d0, mu, dinf, Q, h, tau_max, use_tab):
    """Delta(tau) by RK4 from (Delta0, 0) until it settles at Delta_inf; returns (delta, dphi_corr).

    Stops when Delta - Delta_inf < 1e-9 (Delta0 - Delta_inf), when the velocity turns positive
    (separatrix overshoot: numerical) or at tau_max; the tail is filled with Delta_inf.
    """
    nmax = int(tau_max / h) + 1
    dl = np.full(nmax, dinf)
    tab_m = 64 * 2 ** _rule_level(Q)  # twice the points with each halving of hq (64: ~1e-14 at g = 2 and 1e3)
    xs, vs = _cheb_table(f, code, 0, g, d0, mu, dinf, Q, tab_m)
    xs1, vs1 = _cheb_table(f, code, 1, g, d0, mu, dinf, Q, tab_m)
    tw, tU = _table_map(d0, dinf, Q[0, 1])
    y = d0
    v = 0.0
    dl[0] = y
    amp = d0 - dinf
    end = nmax
    for k in range(1, nmax):
        a1 = y - g * g * _Cfast(f, code, 0, y, d0, mu, Q, xs, vs, use_tab, tw, tU)
        y2 = y + 0.5 * h * v
        v2 = v + 0.5 * h * a1
        a2 = y2 - g * g * _Cfast(f, code, 0, y2, d0, mu, Q, xs, vs, use_tab, tw, tU)
        y3 = y + 0.5 * h * v2
        v3 = v + 0.5 * h * a2
        a3 = y3 - g * g * _Cfast(f, code, 0, y3, d0, mu, Q, xs, vs, use_tab, tw, tU)
        y4 = y + h * v3
        v4 = v + h * a3
        a4 = y4 - g * g * _Cfast(f, code, 0, y4, d0, mu, Q, xs, vs, use_tab, tw, tU)
        y = y + h / 6.0 * (v + 2.0 * v2 + 2.0 * v3 + v4)
        v = v + h / 6.0 * (a1 + 2.0 * a2 + 2.0 * a3 + a4)
        if y - dinf < 1e-9 * amp or v >= 0.0 or y < dinf:
            end = k
            break
        dl[k] = y
    pot = np.empty(nmax)
    for k in range(min(end + 1, nmax)):
        pot[k] = -g * g * _Cfast(f, code, 1, dl[k], d0, mu, Q, xs1, vs1, use_tab, tw, tU)
    if end + 1 < nmax:  # the tail holds Delta_inf: one value
        pot[end + 1:] = -g * g * _Cfast(f, code, 1, dinf, d0, mu, Q, xs1, vs1, use_tab, tw, tU)
    return dl, pot, end


@njit
def _sturm_count(diag, off2, x):
    """Number of eigenvalues < x of the symmetric tridiagonal matrix (diag, off-diagonal^2)."""
    cnt = 0
    q = diag[0] - x
    if q < 0.0:
        cnt += 1
    for i in range(1, diag.size):
        if q == 0.0:
            q = 1e-300
        q = diag[i] - x - off2[i - 1] / q
        if q < 0.0:
            cnt += 1
    return cnt


@njit
def _ground_state(pot, h, parity):
    """Lowest eigenvalue of -psi'' + pot psi on tau >= 0 (grid k h), psi(L) = 0, with
    psi'(0) = 0 (parity 0, even states) or psi(0) = 0 (parity 1, odd states)."""
    n = pot.size
    if parity == 0:
        diag = np.empty(n)
        off2 = np.empty(n - 1)
        for i in range(n):
            diag[i] = 2.0 / (h * h) + pot[i]
        for i in range(n - 1):
            off2[i] = 1.0 / h ** 4
        off2[0] = 2.0 / h ** 4  # ghost point psi_-1 = psi_1, symmetrised
    else:
        diag = np.empty(n - 1)
        off2 = np.empty(n - 2)
        for i in range(n - 1):
            diag[i] = 2.0 / (h * h) + pot[i + 1]
        for i in range(n - 2):
            off2[i] = 1.0 / h ** 4
    lo = pot.min() - 1.0
    hi = pot.max() + 4.0 / (h * h) + 1.0
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if _sturm_count(diag, off2, mid) >= 1:
            hi = mid
        else:
            lo = mid
        if hi - lo < 1e-13 * (1.0 + abs(lo)):
            break
    return 0.5 * (lo + hi)


@njit
def _chaotic_extras(f, code, g, d0, mu, dinf, Q, h, use_tab):
    """(lambda_max, tau_corr, E0, tau_end) of a chaotic solution."""
    tau_max = 400.0
    dl, pot, end = _profile(f, code, g, d0, mu, dinf, Q, h, tau_max, use_tab)
    amp = d0 - dinf
    # correlation time: trapezoid over the integrated part + exponential tail
    tc = 0.0
    for k in range(1, end):
        tc += 0.5 * h * ((dl[k - 1] - dinf) + (dl[k] - dinf))
    tc /= amp
    kappa2 = 1.0 - g * g * _C(f, code, 1, dinf, d0, mu, Q)
    if kappa2 > 0.0 and end > 1:
        tc += (dl[end - 1] - dinf) / amp / math.sqrt(kappa2)
    # Schroedinger ground state on [0, L], L grown until the state has decayed
    winf = pot[nmax_index(pot)]
    L_end = end * h
    e0 = math.nan
    extra = 30.0
    for _ in range(4):
        n = int((L_end + extra) / h) + 1
        p = np.empty(n)
        for k in range(n):
            p[k] = pot[k] if k < pot.size else winf
        e0 = _ground_state(p, h, 0)
        gap = winf - e0
        if gap > 0.0 and extra * math.sqrt(gap) > 25.0:
            break
        extra = min(4.0 * extra, 2000.0)
    lam = -1.0 + math.sqrt(-e0) if e0 < 0.0 else -1.0
    return lam, tc, e0, L_end


@njit
def nmax_index(a):
    return a.size - 1


@njit
def _add_chaotic(f, code, g, d0, dinf, mu, Q, h, use_tab, rec, nsol):
    """Append the chaotic solution (d0, dinf, mu) with its exponent and correlation time to ``rec``
    unless V'(Delta0) <= 0 (the particle cannot start down: spurious); returns the new count."""
    if nsol >= rec.shape[0] or g * g * _C(f, code, 0, d0, d0, mu, Q) <= d0:
        return nsol
    rec[nsol, 0] = 1
    rec[nsol, 1] = d0
    rec[nsol, 2] = dinf
    rec[nsol, 3] = mu
    lam, tc, e0, tend = _chaotic_extras(f, code, g, d0, mu, dinf, Q, h, use_tab)
    rec[nsol, 4] = lam
    rec[nsol, 5] = tc
    rec[nsol, 6] = 1.0 if lam > 0.0 else 0.0
    rec[nsol, 7] = e0
    rec[nsol, 8] = tend
    return nsol + 1


# ------------------------------------------- chaotic branch at fixed mean input: (Delta_inf, a) form
@njit
def _hill_F(f, code, g, s, a, mu, Q):
    """G(s) = g^2 C_phi(s; s + a, mu) - s: the hilltop condition at static variance s, amplitude a."""
    return g * g * _C(f, code, 0, s, s + a, mu, Q) - s


@njit
def _illinois_s(f, code, g, a, mu, Q, lo, hi, flo, fhi):
    """Root of G(s) = g^2 C_phi(s; s + a) - s in [lo, hi] (flo > 0 >= fhi), Illinois method."""
    side = 0
    c = 0.5 * (lo + hi)
    for it in range(200):
        c = (lo * fhi - hi * flo) / (fhi - flo) if fhi != flo else 0.5 * (lo + hi)
        if it % 8 == 7 or not (lo < c < hi):
            c = 0.5 * (lo + hi)
        fc = _hill_F(f, code, g, c, a, mu, Q)
        if fc == 0.0:
            return c
        if fc > 0.0:
            lo, flo = c, fc
            if side == 1:
                fhi *= 0.5
            side = 1
        else:
            hi, fhi = c, fc
            if side == -1:
                flo *= 0.5
            side = -1
        if hi - lo <= 1e-14 * hi:
            break
    return c


@njit
def _hill_roots(f, code, g, a, mu, Q, sgrid, out):
    r"""Static variances :math:`\Delta_\infty = s` solving the hilltop condition
    :math:`s = g^2 C_\phi(s; s + a)` at fluctuation amplitude :math:`a = \Delta_0 - \Delta_\infty`,
    with the particle's hilltop condition :math:`g^2 C_{\phi'}(s; s + a) < 1` (s is the left root of
    the convex :math:`F(\Delta) = g^2 C_\phi(\Delta) - \Delta` at fixed :math:`\Delta_0`).

    Zero-mean case (<phi> = 0 at the given variance, odd phi without input): s = 0.  Otherwise the
    sign changes of G on ``sgrid`` (caller's node set) are refined by bisection with the adaptive
    node sets.  Returns the number of roots (ascending in s) written to ``out``.
    """
    m1 = _mean(f, code, 0, mu, a, Q)
    if g * g * m1 * m1 <= ZERO_MEAN * (1.0 + a):
        if g * g * _C(f, code, 1, 0.0, a, mu, Q) < 1.0:
            out[0] = 0.0
            return 1
        return 0
    cnt = 0
    sa = 0.0
    ga = _hill_F(f, code, g, sa, a, mu, _scan(Q))
    for k in range(sgrid.size):
        sb = sgrid[k]
        gb = _hill_F(f, code, g, sb, a, mu, _scan(Q))
        if ga > 0.0 and gb <= 0.0:
            # refine with the adaptive node sets; widen the bracket by a grid cell if the accurate
            # signs do not bracket (the coarse scan is only a guide)
            lo, hi = sa, sb
            flo = _hill_F(f, code, g, lo, a, mu, Q)
            fhi = _hill_F(f, code, g, hi, a, mu, Q)
            if not (flo > 0.0 and fhi <= 0.0):
                lo = sgrid[k - 2] if k >= 2 else 0.0
                hi = sgrid[k + 1] if k + 1 < sgrid.size else sb
                flo = _hill_F(f, code, g, lo, a, mu, Q)
                fhi = _hill_F(f, code, g, hi, a, mu, Q)
            if flo > 0.0 and fhi <= 0.0:
                s = _illinois_s(f, code, g, a, mu, Q, lo, hi, flo, fhi)
                if g * g * _C(f, code, 1, s, s + a, mu, Q) < 1.0 and cnt < out.size:
                    if cnt == 0 or s > out[cnt - 1] * (1.0 + 1e-12):
                        out[cnt] = s
                        cnt += 1
        sa, ga = sb, gb
    return cnt


@njit
def _chaos_fun(f, code, g, a, mu, Q, sgrid, sroots):
    """Energy residual int_s^{s+a} (g^2 C_phi - D) dD for every hilltop root s at amplitude a."""
    ns = _hill_roots(f, code, g, a, mu, Q, sgrid, sroots)
    out = np.empty(ns)
    for b in range(ns):
        out[b] = _energy(f, code, g, sroots[b] + a, mu, sroots[b], Q)
    return out


@njit
def _chaos_root(f, code, g, lo, hi, b, nb, mu, Q, sgrid):
    """Root in a (Illinois in log a) of hilltop branch b's energy residual between lo and hi;
    returns (a, s) or NaNs."""
    sr = np.empty(MAXSOL)
    flo = math.nan
    fhi = math.nan
    r = _chaos_fun(f, code, g, lo, mu, Q, sgrid, sr)
    if r.size != nb:
        # lo lies (with the accurate quadrature) just outside the region where the hilltop exists:
        # walk to its edge, where the residual is > 0
        a_lo, a_hi = lo, hi
        for _ in range(80):
            mid = math.sqrt(a_lo * a_hi)
            rr = _chaos_fun(f, code, g, mid, mu, Q, sgrid, sr)
            if rr.size != nb:
                a_lo = mid
            else:
                a_hi = mid
                if rr[b] > 0.0:
                    break
        lo = a_hi
    for _ in range(6):
        r = _chaos_fun(f, code, g, lo, mu, Q, sgrid, sr)
        flo = r[b] if r.size == nb else math.nan
        r = _chaos_fun(f, code, g, hi, mu, Q, sgrid, sr)
        fhi = r[b] if r.size == nb else math.nan
        if math.isnan(flo) or math.isnan(fhi) or (flo > 0.0) != (fhi > 0.0):
            break
        # the scan's (coarser) quadrature bracketed a root the accurate one puts just outside:
        # the residual falls with a through the root, so widen on the side the signs point to
        if flo > 0.0:
            hi *= 1.25
        else:
            lo /= 1.25
    if math.isnan(flo) or math.isnan(fhi) or (flo > 0.0) == (fhi > 0.0):
        return math.nan, math.nan
    a_, fa, c_hi, fb = math.log(lo), flo, math.log(hi), fhi
    side = 0
    c = 0.5 * (a_ + c_hi)
    for it in range(120):
        c = _illinois_point(a_, fa, c_hi, fb, it)
        r = _chaos_fun(f, code, g, math.exp(c), mu, Q, sgrid, sr)
        if r.size != nb or math.isnan(r[b]):
            return math.nan, math.nan
        fc = r[b]
        if fc == 0.0:
            break
        a_, fa, c_hi, fb, side = _illinois_update(a_, fa, c_hi, fb, side, c, fc)
        if abs(c_hi - a_) < 1e-13:
            break
    a = math.exp(c)
    r = _chaos_fun(f, code, g, a, mu, Q, sgrid, sr)
    if r.size != nb:
        return math.nan, math.nan
    return a, sr[b]


@njit
def _chaotic_fixed_mu(f, code, g, mu, Q, h, use_tab, base, rec, nsol):
    r"""Chaotic solutions at fixed mean input mu, in the variables (Delta_inf, a = Delta_0 - Delta_inf).

    The two stationary conditions are the hilltop :math:`\Delta_\infty = g^2 C_\phi(\Delta_\infty;
    \Delta_0)` and the energy condition :math:`\int_{\Delta_\infty}^{\Delta_0}[g^2 C_\phi - \Delta]
    d\Delta = 0`.  For odd phi :math:`\Delta_\infty = 0` and a = Delta_0; for non-odd phi (e.g.
    1 + tanh) the chaotic Delta_0 lies within ~1e-3 (relative) of the unstable heterogeneous fixed
    point while a is O(1): scanning a (not Delta_0) keeps the brackets wide.  Appends records to
    ``rec`` from index ``nsol`` and returns the new count.
    """
    sr = np.empty(MAXSOL)
    prev_r = np.empty(0)
    prev_a = 0.0
    # scan node set: the caller's for zero-mean phi (Delta_inf = 0; refined later), the adaptive sets
    # when Delta_inf > 0 (the chaotic window is then narrow and the coarse quadrature can miss it)
    m1 = _mean(f, code, 0, mu, 1.0, Q)
    NS = _scan(Q) if g * g * m1 * m1 <= ZERO_MEAN else Q
    for k in range(base.size):
        a = base[k]
        r = _chaos_fun(f, code, g, a, mu, NS, base, sr).copy()
        if k > 0 and r.size == prev_r.size:
            for b in range(r.size):
                lo_a = prev_a
                if math.isnan(prev_r[b]) or math.isnan(r[b]):
                    continue
                if (r[b] > 0.0) == (prev_r[b] > 0.0):
                    continue
                a_s, s_s = _chaos_root(f, code, g, lo_a, a, b, r.size, mu, Q, base)
                if math.isnan(a_s) or nsol >= rec.shape[0]:
                    continue
                nsol = _add_chaotic(f, code, g, s_s + a_s, s_s, mu, Q, h, use_tab, rec, nsol)
        elif k > 0 and r.size > prev_r.size and r.size > 0:
            # a hilltop appears between prev_a and a (tangency, where the residual is > 0): walk to
            # the boundary so that a root just past it is bracketed
            a_lo, a_hi = prev_a, a
            for _ in range(60):
                mid = math.sqrt(a_lo * a_hi)
                rr = _chaos_fun(f, code, g, mid, mu, NS, base, sr)
                if rr.size < r.size:
                    a_lo = mid
                else:
                    a_hi = mid
                    if rr[r.size - 1] > 0.0:
                        break
            rr = _chaos_fun(f, code, g, a_hi, mu, NS, base, sr)
            if rr.size == r.size:
                for b in range(r.size):
                    if rr[b] > 0.0 and r[b] < 0.0 and nsol < rec.shape[0]:
                        a_s, s_s = _chaos_root(f, code, g, a_hi, a, b, r.size, mu, Q, base)
                        if math.isnan(a_s):
                            continue
                        nsol = _add_chaotic(f, code, g, s_s + a_s, s_s, mu, Q, h, use_tab, rec, nsol)
        prev_r = r
        prev_a = a
    return nsol


@njit
def _solve_one(f, code, g, j0, i0, balanced, Q, h, use_tab, d_lo, d_hi, npts, rec, kinds=2):
    """All stationary solutions at gain g (chaotic and fixed-point branches); returns their number."""
    nsol = 0
    mus = np.empty(MAXSOL)
    rm = np.empty(MAXSOL)
    rd = np.empty(MAXSOL)
    base = np.empty(npts)
    for k in range(npts):
        base[k] = d_lo * (d_hi / d_lo) ** (k / (npts - 1))
    for kind in (0, 1):
        if kinds == 0 and kind == 1:
            continue  # fixed points only (critical_gain)
        if kind == 1 and j0 == 0.0 and not balanced:
            # fixed mean input: scan the fluctuation amplitude a = Delta0 - Delta_inf (well conditioned
            # also when Delta_inf > 0, non-odd phi)
            nsol = _chaotic_fixed_mu(f, code, g, i0, Q, h, use_tab, base, rec, nsol)
            continue
        grid = base
        if kind == 1 and nsol > 0:
            # a chaotic solution can sit close to a heterogeneous fixed point (where the hilltop
            # appears): add points fp (1 +- 10^u), u in [-7, 0], for every fixed point found
            extra = np.empty(nsol * 44)
            for q in range(nsol):
                for u in range(22):
                    e = 10.0 ** (-7.0 + 7.0 * u / 21.0)
                    extra[q * 44 + u] = rec[q, 1] * (1.0 + e)
                    extra[q * 44 + 22 + u] = rec[q, 1] * (1.0 - 0.999 * e)
            grid = np.sort(np.concatenate((base, extra[extra > 0.0])))
        prev_r = np.empty(0)
        prev_d = 0.0
        for k in range(grid.size):
            d0 = grid[k]
            # scan with the caller's node set only (cheap); roots are refined with the adaptive sets
            r = _branch_fun(f, code, kind, g, d0, j0, i0, balanced, _scan(Q), mus, rm, rd).copy()
            if k > 0 and r.size == prev_r.size:
                for b in range(r.size):
                    lo_d = prev_d
                    if kind == 1 and math.isnan(prev_r[b]) and not math.isnan(r[b]) and r[b] < 0.0:
                        # the hilltop appears between prev_d and d0 (tangency, where the energy
                        # residual is > 0): walk to that boundary to bracket the root
                        a_, b2 = prev_d, d0
                        for _ in range(60):
                            mid = math.sqrt(a_ * b2)
                            rr = _branch_fun(f, code, kind, g, mid, j0, i0, balanced, _scan(Q), mus, rm, rd)
                            if rr.size != r.size or math.isnan(rr[b]):
                                a_ = mid
                            else:
                                b2 = mid
                                if rr[b] > 0.0:
                                    break
                        lo_d = b2
                        rr = _branch_fun(f, code, kind, g, lo_d, j0, i0, balanced, _scan(Q), mus, rm, rd)
                        if rr.size != r.size or not (rr[b] > 0.0):
                            continue
                    elif math.isnan(r[b]) or math.isnan(prev_r[b]):
                        continue
                    elif (r[b] > 0.0) == (prev_r[b] > 0.0):
                        continue
                    ds, mu_s, di_s = _solve_branch_root(f, code, kind, g, lo_d, d0, b, r.size,
                                                        j0, i0, balanced, Q)
                    if math.isnan(ds) or nsol >= rec.shape[0]:
                        continue
                    if kind == 1 and ds - di_s < 1e-6 * ds:
                        continue  # degenerate: the fixed point itself, already reported
                    if kind == 1:
                        nsol = _add_chaotic(f, code, g, ds, di_s, mu_s, Q, h, use_tab, rec, nsol)
                        continue
                    rec[nsol, 0] = kind
                    rec[nsol, 1] = ds
                    rec[nsol, 2] = di_s
                    rec[nsol, 3] = mu_s
                    q = _C(f, code, 1, ds, ds, mu_s, Q)  # <phi'^2>
                    lam = -1.0 + g * math.sqrt(q)
                    # outlier of the mean coupling (rank one J0/N): -1 + J0 <phi'>
                    if j0 != 0.0 and not balanced:
                        lam = max(lam, -1.0 + j0 * _mean(f, code, 1, mu_s, ds, Q))
                    rec[nsol, 4] = lam
                    rec[nsol, 5] = math.inf
                    rec[nsol, 6] = 1.0 if lam < 0.0 else 0.0
                    rec[nsol, 7] = math.nan
                    rec[nsol, 8] = 0.0
                    nsol += 1
            prev_r = r
            prev_d = d0
    # the zero-variance fixed point x_i = mu with phi(mu) = 0 (not bracketed by the log scan)
    nm = _mu_roots(f, code, 0.0, j0, i0, balanced, Q, mus)
    for b in range(nm):
        mu = mus[b]
        if abs(f(0, mu)) < 1e-14 and nsol < rec.shape[0]:
            q = _mean(f, code, 1, mu, 1e-300, Q)  # phi'(mu) (one-sided mean for kinks)
            # bulk radius g sqrt(<phi'^2>) (at a ReLU kink <phi'^2> = 1/2 while <phi'> = 1/2: the
            # variance grows iff g^2 <phi'^2> > 1, the same condition as critical_gain's)
            lam = -1.0 + g * math.sqrt(_C(f, code, 1, 1e-300, 1e-300, mu, Q))
            if j0 != 0.0 and not balanced:
                lam = max(lam, -1.0 + j0 * q)
            rec[nsol, 0] = 0
            rec[nsol, 1] = 0.0
            rec[nsol, 2] = 0.0
            rec[nsol, 3] = mu
            rec[nsol, 4] = lam
            rec[nsol, 5] = math.inf
            rec[nsol, 6] = 1.0 if lam < 0.0 else 0.0
            rec[nsol, 7] = math.nan
            rec[nsol, 8] = 0.0
            nsol += 1
    return nsol


@njit(parallel=True)
def _solve_many(f, code, gs, j0, i0, balanced, Q, h, use_tab, d_lo, d_hi, npts):
    out = np.full((gs.size, MAXSOL, NREC), math.nan)
    counts = np.zeros(gs.size, dtype=np.int64)
    for i in prange(gs.size):
        rec = np.full((MAXSOL, NREC), math.nan)
        counts[i] = _solve_one(f, code, gs[i], j0, i0, balanced, Q, h, use_tab, d_lo, d_hi, npts, rec)
        out[i] = rec
    return out, counts


# ----------------------------------------------------------------------------------- Python API
def _rules(tr, hq=None):
    """The quadrature argument Q of the kernels: row 0 [xc, wx, hq] (phi's feature position and
    width, :func:`recnet.numerics.dmft.sinhquad.feature`, and the sinh rules' parameter) and row 1
    the same with 2 hq (half the nodes, for sign scans; see ``_scan``; at most 2)."""
    xc, wx = sq.feature(tr)
    hq = sq.SINH_HQ if hq is None else float(hq)
    return np.array([[xc, wx, hq], [xc, wx, min(2.0 * hq, 2.0)]])  # hq > 2 misses roots (step 0.8 in t)


def _check_common(phi, j0, i0, n, h):
    tr = transfer(phi)
    j0 = checks.finite("j0", j0)
    i0 = checks.finite("i0", i0)
    n = checks.integer("n", n, minimum=8, maximum=400)
    h = checks.in_range("dtau", h, 1e-4, 0.2, low_inclusive=True)
    return tr, j0, i0, n, h


def _records_to_dicts(rec, cnt, extras=None):
    out = []
    for s in range(cnt):
        r = rec[s]
        chaotic = r[0] == 1
        d = {"branch": "chaotic" if chaotic else "fixed_point",
             "delta0": float(r[1]), "delta_inf": float(r[2]), "mu": float(r[3]),
             "lambda_max": float(r[4]), "tau_corr": float(r[5]) if chaotic else None,
             "stable": bool(r[6] == 1.0), "chaotic": bool(chaotic)}
        if extras is not None:
            d.update(extras[s])
        out.append(d)
    # order: stable chaotic first, then stable fixed points, then the rest; by delta0 within
    out.sort(key=lambda d: (not (d["stable"] and d["chaotic"]), not d["stable"], -d["delta0"]))
    return out


def _root_near(res, x0, key):
    """Bracket, next to x0, the root of the residual branch whose label (mu or Delta_inf) is nearest
    ``key``: (lo, hi, branch index, branch count) or None.  ``res(x)`` -> (residuals, labels)."""
    r0, k0 = res(x0)
    if r0.size == 0:
        return None
    b = int(np.argmin(np.abs(k0 - key)))
    nb = r0.size
    for e in 10.0 ** np.arange(-12.0, 0.0):
        lo, hi = x0 * (1.0 - 0.5 * e), x0 * (1.0 + e)
        rl, _ = res(lo)
        rh, _ = res(hi)
        if rl.size == nb and rh.size == nb and np.isfinite(rl[b]) and np.isfinite(rh[b]) and rl[b] * rh[b] <= 0:
            return lo, hi, b, nb
    return None


def _newton_near(res, x0, key):
    """One Newton step from x0 for the residual branch whose label (mu or Delta_inf) is nearest
    ``key`` (slope by a forward difference of 1e-6 x0): (x, labels at x, branch index) or None when
    the step is not small (|dx| > 1e-3 x0: a near-tangency, where the bracketing search is used).
    The old root is off by the quadrature error only, so the step's own error, ~dx^2 F''/F', lies
    far below it."""
    r0, k0 = res(x0)
    if r0.size == 0:
        return None
    b = int(np.argmin(np.abs(k0 - key)))
    dx = 1e-6 * x0
    r1, _ = res(x0 + dx)
    if r1.size != r0.size or not (np.isfinite(r0[b]) and np.isfinite(r1[b])) or r1[b] == r0[b]:
        return None
    x = x0 - r0[b] * dx / (r1[b] - r0[b])
    if not (abs(x - x0) <= 1e-3 * x0):
        return None
    r, k = res(x)
    if r.size != r0.size:
        return None
    return x, k, b


def _resolve(tr, g, j0, i0, balanced, row, Q, h, use_tab, base):
    """The solution ``row`` (a record, see NREC) re-solved with the rules Q: a Newton step from the
    old root (``_newton_near``; a bracket next to it refined by the Illinois method where that step
    is not small), then lambda_max and tau_corr recomputed.  None if Q has no root next to it.  A
    zero-variance fixed point has no Gaussian average: returned unchanged."""
    f, code = tr.f, tr.code
    kind, d0, dinf, mu = int(row[0]), row[1], row[2], row[3]
    if d0 == 0.0:
        return row.copy()
    mus, rm, rd, sr = (np.empty(MAXSOL) for _ in range(4))
    fixed_mu = kind == 1 and j0 == 0.0 and not balanced
    if fixed_mu:  # unknown a = Delta0 - Delta_inf, labelled by Delta_inf
        def res(x):
            r = _chaos_fun(f, code, g, x, mu, Q, base, sr).copy()
            return r, sr[:r.size].copy()
        nw = _newton_near(res, d0 - dinf, dinf)
        if nw is not None:
            d0n, din, mun = nw[0] + nw[1][nw[2]], nw[1][nw[2]], mu
        else:
            br = _root_near(res, d0 - dinf, dinf)
            if br is None:
                return None
            a_s, s_s = _chaos_root(f, code, g, br[0], br[1], br[2], br[3], mu, Q, base)
            d0n, din, mun = s_s + a_s, s_s, mu
    else:  # unknown Delta0, labelled by mu
        def res(x):
            r = _branch_fun(f, code, kind, g, x, j0, i0, balanced, Q, mus, rm, rd).copy()
            return r, rm[:r.size].copy()
        nw = _newton_near(res, d0, mu)
        if nw is not None:  # its last evaluation was at the new root: rm, rd hold mu and Delta_inf there
            d0n, mun, din = nw[0], rm[nw[2]], rd[nw[2]]
        else:
            br = _root_near(res, d0, mu)
            if br is None:
                return None
            d0n, mun, din = _solve_branch_root(f, code, kind, g, br[0], br[1], br[2], br[3], j0, i0, balanced, Q)
    if not (np.isfinite(d0n) and np.isfinite(din) and np.isfinite(mun)):
        return None
    out = row.copy()
    out[1], out[2], out[3] = d0n, din, mun
    if kind == 1:
        lam, tc, e0, tend = _chaotic_extras(f, code, g, d0n, mun, din, Q, h, use_tab)
        out[4], out[5], out[6], out[7], out[8] = lam, tc, 1.0 if lam > 0.0 else 0.0, e0, tend
    else:
        lam = -1.0 + g * math.sqrt(_C(f, code, 1, d0n, d0n, mun, Q))
        if j0 != 0.0 and not balanced:
            lam = max(lam, -1.0 + j0 * _mean(f, code, 1, mun, d0n, Q))
        out[4], out[6] = lam, 1.0 if lam < 0.0 else 0.0
    return out


_ERR_KEYS = ((1, "delta0"), (2, "delta_inf"), (3, "mu"), (4, "lambda_max"), (5, "tau_corr"))


def _rec_error(row, fine, tau_tol_ratio=1.0):
    """(absolute change of each quantity, worst change relative to its scale and tolerance) from row
    to fine.  tau_corr's change is divided by ``tau_tol_ratio`` (its tolerance over the others'):
    the profile runs along the separatrix to the hilltop, so tau_corr moves with the square root of
    a change of the kernels (the particle turns back or overshoots), and its discretisation error
    is O(dtau^2) anyway."""
    err = {}
    worst = 0.0
    for i, k in _ERR_KEYS:
        if k == "tau_corr" and row[0] != 1:
            continue
        e = abs(fine[i] - row[i])
        if not math.isfinite(e):
            e = 0.0 if fine[i] == row[i] else math.inf  # tau_corr = inf of a fixed point
        err[k] = float(e)
        scale = max(1.0, abs(row[1])) if i in (1, 2) else max(1.0, abs(row[i]))
        if k == "tau_corr":
            scale *= tau_tol_ratio
        worst = max(worst, e / scale)
    return err, worst


def _checked(tr, g, j0, i0, balanced, rec, cnt, hq, quad_tol, h, use_tab, base):
    """Every solution's quadrature error, estimated once at the solution with twice the nodes
    (hq / 2: the change of Delta0, Delta_inf, mu, lambda_max, tau_corr when re-solved there); a
    solution whose relative change exceeds ``quad_tol`` (tau_corr: max(quad_tol, dtau^2), see
    ``_rec_error``) is replaced by the finer one and checked
    again (down to hq = HQ_MIN).  Returns (records, extras: per solution ``hq``,
    ``quadrature_error`` and, if it still misses, ``warning``)."""
    rows = rec.copy()
    extras = []
    for s in range(cnt):
        row, hc = rec[s].copy(), hq
        while True:
            fine = _resolve(tr, g, j0, i0, balanced, row, _rules(tr, 0.5 * hc), h, use_tab, base)
            if fine is None:
                err, worst = {}, math.inf
                break
            err, worst = _rec_error(row, fine, max(1.0, h * h / quad_tol))
            if worst <= quad_tol or hc <= HQ_MIN:
                break
            row, hc = fine, 0.5 * hc
        ex = {"hq": hc, "quadrature_error": err}
        if not worst <= quad_tol:
            ex["warning"] = (
                f"{'chaotic' if row[0] == 1 else 'fixed-point'} solution Delta0 = {row[1]:.6g}: " + (
                    "the rule with twice the nodes finds no root next to it (quadrature error not estimated)"
                    if fine is None else
                    f"estimated quadrature error {worst:.2g} (relative, the change with twice the nodes) exceeds "
                    f"the tolerance {quad_tol:g} at the finest rule (hq = {hc:g})"))
        rows[s] = row
        extras.append(ex)
    return rows, extras


def critical_gain(phi="tanh", j0=0.0, i0=0.0, balanced=False, n=64):
    r"""Onset of chaos :math:`g_c`: the smallest g at which a fixed point with
    :math:`g^2\langle\phi'^2\rangle = 1` exists (the bulk of the Jacobian's spectrum crosses 0).

    At the zero-variance fixed point (x_i = mu with phi(mu) = 0, e.g. tanh without input)
    :math:`g_c = 1/|\phi'(\mu)|` (one-sided average at a kink: ReLU gives sqrt 2); otherwise the
    heterogeneous fixed point is followed in g and the crossing found by bisection.
    Returns NaN if no crossing below g = 20.
    """
    tr, j0, i0, n, _ = _check_common(phi, j0, i0, n, 0.01)
    z, w = gh_nodes(n)
    Q = _rules(tr)
    mus = np.empty(MAXSOL)
    nm = _mu_roots(tr.f, tr.code, 0.0, j0, float(i0), bool(balanced), Q, mus)
    for b in range(nm):
        mu = mus[b]
        if abs(tr.f(0, mu)) < 1e-14:
            # <phi'^2> at vanishing variance (the one-sided average 1/2 at a ReLU kink)
            q2sq = float(corr_kernel(tr.f, tr.code, 1, 1e-300, 1e-300, mu, z, w, 0))
            return 1.0 / math.sqrt(q2sq) if q2sq > 0 else math.inf
    # heterogeneous fixed point: follow in g
    def stab(gv):
        rec = np.full((MAXSOL, NREC), np.nan)
        cnt = _solve_one(tr.f, tr.code, gv, j0, i0, bool(balanced), Q, 0.02, False, 1e-8, 1e4, 48, rec, 0)
        fps = [rec[s] for s in range(cnt) if rec[s, 0] == 0]
        if not fps:
            return None
        best = min(fps, key=lambda r: r[4])
        return best[4]
    gs = np.concatenate([np.linspace(0.05, 5.0, 34), np.linspace(5.5, 20.0, 8)])
    prev = None
    for gv in gs:
        lam = stab(gv)
        if lam is None:
            continue
        if prev is not None and prev[1] < 0 <= lam:
            lo, hi = prev[0], gv
            for _ in range(40):
                mid = 0.5 * (lo + hi)
                lm = stab(mid)
                if lm is None or lm >= 0:
                    hi = mid
                else:
                    lo = mid
            return 0.5 * (lo + hi)
        prev = (gv, lam)
    return float("nan")


def solve_stationary(g, phi="tanh", j0=0.0, i0=0.0, balanced=False, n=48, dtau=0.01,
                     delta_range=None, n_scan=48, hq=None, quad_tol=QUAD_TOL):
    r"""All stationary DMFT solutions of a random rate network at gain(s) ``g``.

    Parameters
    ----------
    g : float or 1-D array, > 0
        coupling gain (std of J_ij times sqrt N).
    phi : str, sympy expression or Transfer
        "tanh" (default), "erf", "relu", "linear" or an expression in x.
    j0 : float
        mean coupling J0 (J_ij mean J0/N, or -J0/sqrt N if ``balanced``).
    i0 : float
        constant external input (balanced: sqrt(N) i0).
    balanced : bool
    n : int
        kept for compatibility (checked, unused): every Gaussian average uses the self-checking
        sinh-mapped rules of :mod:`recnet.numerics.dmft.sinhquad` (closed forms for erf, ReLU and
        linear), whose nodes follow the field's spread and phi's feature width.
    dtau : float
        step of Delta(tau) and of the Schroedinger grid (tau units); error O(dtau^2) in lambda_max.
    delta_range, n_scan :
        Delta0 is bracketed on a log grid of ``n_scan`` points in ``delta_range`` (default
        (1e-8, max(1e4, 100 g^2)): a bounded phi has Delta0 <= g^2 sup phi^2).
    hq : float, optional
        rule parameter of the sinh rules (default 1: trapezoid step 0.2 in t); the sign scans use
        2 hq (half the nodes).
    quad_tol : float
        tolerated relative change of a solution's Delta0, Delta_inf, mu, lambda_max and tau_corr
        (scale max(1, |value|), Delta0 for both variances; tau_corr: max(quad_tol, dtau^2), as it moves
        with the square root of the kernels' error) when the rules get twice the nodes
        (hq / 2, with twice the Gauss-Legendre points of the energy integral and of the Delta(tau)
        table).  Each solution is checked once; one that misses is re-solved on the finer rule,
        down to hq = 1/16, and otherwise carries a ``warning`` (also in ``warnings``).

    Returns
    -------
    dict.  For scalar g: ``g``, ``phi``, ``j0``, ``i0``, ``g_c``, the primary solution's
    ``delta0``, ``delta_inf``, ``mu``, ``lambda_max`` (1/tau), ``tau_corr`` (tau), ``chaotic``,
    ``stable``, ``branch``, ``n_solutions`` and ``branches`` (a list of every solution found, each
    a dict with the same keys: no solution is dropped).  The primary solution is the stable
    chaotic one if there is one, else a stable fixed point, else the first one.  For array g the
    scalar keys hold arrays (NaN where no solution) and ``branches`` is a list per g.  Every
    branch carries ``hq`` (the rule it was solved with) and ``quadrature_error`` (dict: the absolute
    change of delta0, delta_inf, mu, lambda_max, tau_corr and, with j0 != 0,
    uniform_mode_growth when the rule gets twice the nodes); for scalar g ``quadrature_error`` is
    also given for the primary solution, and ``warnings`` lists the solutions that miss
    ``quad_tol``.
    """
    tr, j0, i0, n, h = _check_common(phi, j0, i0, n, dtau)
    garr = np.atleast_1d(np.asarray(g, dtype=float))
    if garr.ndim != 1 or garr.size == 0 or not np.all(np.isfinite(garr)) or np.any(garr <= 0):
        raise checks.ParameterError("g", g, "> 0 (a number or a 1-D array)")
    if delta_range is None:
        delta_range = (1e-8, max(1e4, 100.0 * float(np.max(garr)) ** 2))
    lo, hi = (float(delta_range[0]), float(delta_range[1]))
    if not (0 < lo < hi):
        raise checks.ParameterError("delta_range", delta_range, "(low, high) with 0 < low < high")
    n_scan = checks.integer("n_scan", n_scan, minimum=8, maximum=2000)
    hq = sq.SINH_HQ if hq is None else checks.in_range("hq", hq, HQ_MIN, 2.0, low_inclusive=True)
    quad_tol = checks.positive("quad_tol", quad_tol)
    Q = _rules(tr, hq)
    use_tab = tr.code in (TANH, USER)
    recs, counts = _solve_many(tr.f, tr.code, garr, j0, i0, bool(balanced), Q, h, use_tab, lo, hi, n_scan)
    base = lo * (hi / lo) ** (np.arange(n_scan) / (n_scan - 1))
    gc = critical_gain(tr, j0, i0, balanced)
    from recnet.numerics.dmft.uniform_mode import apply_uniform_mode
    per_g = []
    for i in range(garr.size):
        rows, extras = _checked(tr, float(garr[i]), j0, i0, bool(balanced), recs[i], counts[i], hq, quad_tol, h,
                                use_tab, base)
        per_g.append(apply_uniform_mode(_records_to_dicts(rows, counts[i], extras), tr, j0, bool(balanced)))
    keys = ("delta0", "delta_inf", "mu", "lambda_max", "tau_corr")
    warns = [b["warning"] for br in per_g for b in br if b.get("warning")]
    if np.ndim(g) == 0:
        br = per_g[0]
        prim = br[0] if br else None
        out = {"g": float(garr[0]), "phi": tr.name, "j0": j0, "i0": i0, "balanced": bool(balanced),
               "g_c": gc, "delta_range": (lo, hi), "warnings": warns}
        for k in keys:
            out[k] = prim[k] if prim else float("nan")
        if prim:
            out["quadrature_error"] = prim["quadrature_error"]
            out["hq"] = prim["hq"]
        out["chaotic"] = bool(prim["chaotic"]) if prim else False
        out["stable"] = bool(prim["stable"]) if prim else False
        out["branch"] = prim["branch"] if prim else "none"
        out["n_solutions"] = len(br)
        out["branches"] = br
        return out
    out = {"g": garr, "phi": tr.name, "j0": j0, "i0": i0, "balanced": bool(balanced), "g_c": gc,
           "delta_range": (lo, hi), "warnings": warns}
    for k in keys:
        out[k] = np.array([(b[0][k] if b and b[0][k] is not None else np.nan) for b in per_g])
    out["chaotic"] = np.array([bool(b and b[0]["chaotic"]) for b in per_g])
    out["branches"] = per_g
    return out


def profile(g, phi="tanh", j0=0.0, i0=0.0, balanced=False, n=48, dtau=0.01, tau_max=60.0):
    r"""Delta(tau) on the grid tau = k dtau, 0 <= tau <= tau_max, of the primary solution.

    Returns dict with ``tau``, ``delta`` (autocovariance of x), ``potential``
    (:math:`-g^2 C_{\phi'}(\Delta(\tau))`), and the scalar results of :func:`solve_stationary`.
    """
    sol = solve_stationary(float(g), phi, j0, i0, balanced, n, dtau)
    tr = transfer(phi)
    tau_max = checks.positive("tau_max", tau_max)
    nt = int(round(tau_max / dtau)) + 1
    tau = np.arange(nt) * dtau
    if not np.isfinite(sol["delta0"]):
        return dict(sol, tau=tau, delta=np.full(nt, np.nan), potential=np.full(nt, np.nan))
    if not sol["chaotic"]:
        return dict(sol, tau=tau, delta=np.full(nt, sol["delta0"]), potential=np.full(nt, np.nan))
    Q = _rules(tr, sol["hq"])
    dl, pot, end = _profile(tr.f, tr.code, float(g), sol["delta0"], sol["mu"], sol["delta_inf"], Q,
                            float(dtau), float(tau_max) + dtau, tr.code in (TANH, USER))
    return dict(sol, tau=tau, delta=dl[:nt], potential=pot[:nt])


def autocorrelation(g, tau, phi="tanh", j0=0.0, i0=0.0, balanced=False, n=48, dtau=0.005):
    """Delta(tau) (autocovariance of x, input units^2) at the requested lags (tau units, >= 0)."""
    tau = checks.array("tau", np.atleast_1d(tau), ndim=1)
    if np.any(tau < 0):
        raise checks.ParameterError("tau", tau, ">= 0")
    p = profile(g, phi, j0, i0, balanced, n, dtau, tau_max=float(tau.max()) + 2 * dtau)
    return np.interp(tau, p["tau"], p["delta"])


def map_solution(g, phi="tanh", n=240):
    r"""DMFT of the discrete-time map :math:`x_{t+1} = J\phi(x_t)` (no mean, no input).

    :math:`\Delta_0 = g^2\langle\phi^2\rangle_{\Delta_0}` (nonzero root, else 0),
    :math:`\lambda_{max} = \tfrac12\ln(g^2\langle\phi'^2\rangle_{\Delta_0})` per step
    (Molgedey, Schuchhardt, Schuster 1992, PRL 69:3717).
    """
    tr = transfer(phi)
    g = checks.positive("g", g)
    z, w = gh_nodes(n)
    from scipy.optimize import brentq
    F = lambda d: g * g * float(corr_kernel(tr.f, tr.code, 0, d, d, 0.0, z, w, 0)) - d
    d0 = 0.0
    grid = np.geomspace(1e-10, 1e4 * max(1.0, g * g), 200)
    vals = [F(d) for d in grid]
    for a, b, fa, fb in zip(grid[:-1], grid[1:], vals[:-1], vals[1:]):
        if fa > 0 >= fb:
            d0 = brentq(F, a, b, xtol=1e-15, rtol=1e-14)
            break
    q = float(corr_kernel(tr.f, tr.code, 1, d0, d0, 0.0, z, w, 0)) if d0 > 0 else float(
        mean_kernel(tr.f, tr.code, 1, 0.0, 1e-300, z, w)) ** 2
    return {"g": g, "delta0": d0, "lambda_max": 0.5 * math.log(g * g * q)}


# --------------------------------------------------------------------- Poisson-spiking counterpart
def solve_spiking(g, phi="1+tanh(x)", j0=0.0, i0=0.0, tau_max=20.0, dtau=0.01, n=None, hq=None, quad_tol=QUAD_TOL):
    r"""DMFT of Poisson-spiking rate units (Kadmon & Sompolinsky 2015, PRX 5:041030).

    Units emit Poisson spikes at rate :math:`\phi(h_i)` (per tau_s); the synaptic input
    :math:`\tau_s\dot h_i = -h_i + I_0 + \sum_j J_{ij} S_j(t)` (time in units of tau_s, each spike
    of j makes h_i jump by J_ij).  Spike-train correlations are :math:`\langle\phi\rangle\delta(\tau) +
    C_\phi(\tau)`, so the rate DMFT acquires a shot-noise term:

    .. math::

        (1 - \partial_\tau^2)\Delta = g^2[C_\phi(\Delta(\tau)) + \langle\phi\rangle\delta(\tau)]
        \Rightarrow \dot\Delta(0^+) = -g^2\langle\phi\rangle/2,\quad
        \int_{\Delta_\infty}^{\Delta_0}[g^2C_\phi - \Delta]\,d\Delta = -\frac{(g^2\langle\phi\rangle)^2}{8},

    with :math:`\Delta_\infty = g^2 C_\phi(\Delta_\infty)` and :math:`\mu = I_0 + J_0\langle\phi\rangle`.
    The solution is smooth across the rate network's g_c (the shot noise keeps Delta(tau) decaying
    below it).  The Gaussian averages use the self-checking sinh rules (``hq``, default 1; ``n`` is
    kept for compatibility and unused): the root Delta0 is moved by one Newton step of the residual
    with twice the nodes (hq / 2); that step and the change of the rate are ``quadrature_error``, and
    while they exceed ``quad_tol`` (relative to max(1, value)) the finer rule is taken (down to
    hq = 1/16, else ``warnings`` says so).  Returns dict with delta0, delta_inf, mu, rate (<phi>
    per tau_s), tau, delta, hq, quadrature_error, warnings.
    """
    from scipy.integrate import solve_ivp
    from scipy.optimize import brentq
    tr = transfer(phi)
    g = checks.positive("g", g)
    j0 = checks.finite("j0", j0)
    i0 = checks.finite("i0", i0)
    quad_tol = checks.positive("quad_tol", quad_tol)
    xc, wx = sq.feature(tr)
    rule = {"hq": sq.SINH_HQ if hq is None else checks.in_range("hq", hq, HQ_MIN, 2.0)}

    def C(d, d0, mu):
        return sq.corr_sinh(tr.f, tr.code, 0, float(d), float(d0), float(mu), xc, wx, rule["hq"])

    def mean(d0, mu):
        return sq.mean_sinh(tr.f, tr.code, 0, float(mu), float(d0), xc, wx, rule["hq"])

    def mu_of(d0):
        if j0 == 0.0:
            return i0
        h = lambda m: m - i0 - j0 * mean(d0, m)
        span = abs(i0) + 10 * abs(j0) * (1 + math.sqrt(d0)) + 10
        grid = np.linspace(-span, span, 201)
        vals = [h(v) for v in grid]
        for a, b, fa, fb in zip(grid[:-1], grid[1:], vals[:-1], vals[1:]):
            if fa * fb <= 0:
                return brentq(h, a, b, xtol=1e-14)
        return math.nan

    def hilltop(d0, mu):
        F = lambda d: g * g * C(d, d0, mu) - d
        grid = np.linspace(0, d0, 65)
        vals = [F(d) for d in grid]
        if vals[0] <= 1e-24:
            return 0.0
        for a, b, fa, fb in zip(grid[:-1], grid[1:], vals[:-1], vals[1:]):
            if fa > 0 >= fb:
                return brentq(F, a, b, xtol=1e-15 * max(d0, 1e-300))
        return math.nan

    def resid(d0):
        mu = mu_of(d0)
        di = hilltop(d0, mu)
        if not np.isfinite(di):
            return math.nan, mu, di
        integ = _energy(tr.f, tr.code, g, d0, mu, di, _rules(tr, rule["hq"]))  # graded panels in s
        m1 = mean(d0, mu)
        return integ + (g * g * m1) ** 2 / 8.0, mu, di

    grid = np.geomspace(1e-2, 1e3, 36)
    prev = None
    d0s = None
    for d in grid:
        r = resid(d)[0]
        if prev is not None and np.isfinite(r) and not np.isfinite(prev[1]) and r < 0:
            # the hilltop appears at the fixed point Delta0_fp = g^2 <phi^2> (Delta_inf = Delta0),
            # where the residual is the kick term > 0: bracket from just above it
            mu_ = mu_of(d)
            fp = brentq(lambda v: g * g * float(C(v, v, mu_)) - v, prev[0], d, xtol=1e-14)
            lo = fp * (1 + 1e-9)
            while not np.isfinite(resid(lo)[0]) and lo < d:
                lo = fp + 2 * (lo - fp)
            prev = (lo, resid(lo)[0])
        if prev is not None and np.isfinite(r) and np.isfinite(prev[1]) and (r > 0) != (prev[1] > 0):
            d0s = brentq(lambda v: resid(v)[0], prev[0], d, xtol=1e-13, rtol=1e-13)
            break
        prev = (d, r)
    if d0s is None:
        raise ValueError(f"no stationary spiking-DMFT solution found for g = {g}, phi = {tr.name!r}")
    _, mu, di = resid(d0s)
    m1 = mean(d0s, mu)
    warns = []
    while True:  # the quadrature check: one Newton step of the residual with twice the nodes
        hq_used = rule["hq"]
        rule["hq"] = 0.5 * hq_used
        r0 = resid(d0s)[0]
        dx = 1e-6 * d0s
        r1 = resid(d0s + dx)[0]
        step = -r0 * dx / (r1 - r0) if r1 != r0 else math.inf
        d0f = d0s + step
        _, muf, dif = resid(d0f) if math.isfinite(step) else (None, math.nan, math.nan)
        m1f = mean(d0f, muf) if math.isfinite(step) else math.nan
        err = {"delta0": abs(step), "delta_inf": abs(dif - di), "mu": abs(muf - mu), "rate": abs(m1f - m1)}
        worst = max(err["delta0"] / max(1.0, d0s), err["delta_inf"] / max(1.0, d0s),
                    err["mu"] / max(1.0, abs(mu)), err["rate"] / max(1.0, abs(m1)))
        if worst <= quad_tol or hq_used <= HQ_MIN or not math.isfinite(worst):
            rule["hq"] = hq_used
            if not worst <= quad_tol:
                warns.append(f"estimated quadrature error {worst:.2g} (relative, the change with twice the nodes) "
                             f"exceeds the tolerance {quad_tol:g} at hq = {hq_used:g}")
            break
        d0s, mu, di, m1 = d0f, muf, dif, m1f  # the finer rule's solution, checked in turn
    v0 = -g * g * m1 / 2.0

    def rhs(t, y):
        d = min(max(y[0], -d0s), d0s)
        return [y[1], y[0] - g * g * C(d, d0s, mu)]

    def settled(t, y):
        return y[1]
    settled.terminal = True
    settled.direction = 1
    tau = np.arange(int(round(tau_max / dtau)) + 1) * dtau
    sol = solve_ivp(rhs, (0.0, tau[-1]), [d0s, v0], t_eval=tau, rtol=1e-10, atol=1e-12 * d0s,
                    events=settled, method="DOP853")
    delta = np.full(tau.size, di)
    delta[: sol.y.shape[1]] = np.maximum(sol.y[0], di)
    return {"g": g, "phi": tr.name, "delta0": float(d0s), "delta_inf": float(di), "mu": float(mu),
            "rate": float(m1), "tau": tau, "delta": delta, "hq": rule["hq"],
            "quadrature_error": {k: float(v) for k, v in err.items()}, "warnings": warns}


# ------------------------------------------------------ continuation of the chaotic branch in g
@njit
def _static_residuals(f, code, g, s, a, mu, Q):
    """(hilltop residual, energy residual, g^2 C_phi'(s; s + a)) at Delta_inf = s, amplitude a."""
    d0 = s + a
    return (_hill_F(f, code, g, s, a, mu, Q), _energy(f, code, g, d0, mu, s, Q),
            g * g * _C(f, code, 1, s, d0, mu, Q))


def continue_chaotic(phi="tanh", g0=2.0, i0=0.0, start=None, g_range=(0.05, 20.0), ds=0.05, n_steps=300,
                     direction=1, n=48, dtau=0.01, lyapunov=True, ds_max=None):
    r"""Follow the stationary chaotic branch in g by pseudo-arclength continuation (through folds).

    Unknowns :math:`(\Delta_\infty, a = \Delta_0 - \Delta_\infty)`, equations: the hilltop
    :math:`\Delta_\infty = g^2 C_\phi(\Delta_\infty; \Delta_0)` and the energy condition
    :math:`\int_{\Delta_\infty}^{\Delta_0}(g^2C_\phi - \Delta)\,d\Delta = 0`
    (:func:`recnet.theory.dmft.stationary.static_variance_equations`), continued in g with
    :func:`recnet.numerics.continuation.arclength`; unlike per-g bracketing this follows a branch
    around a fold (e.g. odd phi with phi'''(0) > 0, whose chaos appears discontinuously through an
    attractor-repeller fold: Pazo 2024, arXiv:2405.14607).  Mean input fixed (J0 = 0): mu = i0.

    Parameters
    ----------
    phi : transfer function (see :func:`solve_stationary`).
    g0 : float > 0
        starting gain; the start is the primary chaotic solution there unless ``start`` =
        (delta_inf, delta0) is given.
    g_range : (low, high)
        stop when g leaves it.
    ds, n_steps, direction, ds_max : arclength step (units of (Delta, g)), step budget, initial
        sign of dg, largest step (default 20 ds).
    lyapunov : bool
        also compute lambda_max (1/tau) at every point (Schroedinger problem; ~0.05 s each).

    Returns
    -------
    dict with arrays ``g``, ``delta0``, ``delta_inf``, ``hilltop`` (g^2 C_phi'(Delta_inf) < 1: the
    particle picture holds), ``lambda_max`` (NaN if not requested), ``folds`` (list of dicts with g,
    delta0, delta_inf) and ``converged`` (False when the step fell below its minimum, as where the
    branch ends at a = 0, the onset of a continuous transition).
    """
    from recnet.numerics.continuation import arclength
    tr, _, i0, n, h = _check_common(phi, 0.0, i0, n, dtau)
    g0 = checks.positive("g0", g0)
    Q = _rules(tr)
    if start is None:
        sol = solve_stationary(g0, tr, 0.0, i0, False, n, h)
        ch = [b for b in sol["branches"] if b["chaotic"]]
        if not ch:
            raise checks.ParameterError("g0", g0, "a g with a chaotic solution to start from (none there; or give "
                                         "start=(delta_inf, delta0))")
        s0, d0 = ch[0]["delta_inf"], ch[0]["delta0"]
    else:
        s0, d0 = float(start[0]), float(start[1])
        if not (0.0 <= s0 < d0):
            raise checks.ParameterError("start", start, "(delta_inf, delta0) with 0 <= delta_inf < delta0")

    def F(x, gv):
        if gv <= 0.0 or x[1] <= 0.0:
            return np.array([np.nan, np.nan])
        if x[1] < 1e-9:
            return np.array([np.nan, np.nan])  # the branch has reached a = 0 (its end)
        r = _static_residuals(tr.f, tr.code, gv, max(x[0], 0.0), x[1], i0, Q)
        # energy residual / a^2: O(1) as a -> 0 (E ~ a^2 (g^2 <phi'>^2 - 1)/2), so the branch's end
        # at a = 0 is regular and no spurious tiny-a solutions are accepted
        return np.array([r[0], r[1] / (x[1] * x[1])])

    if s0 == 0.0:
        # Delta_inf = 0 (zero-mean phi): the hilltop equation holds identically; keep it pinned
        F1 = lambda x, gv: F(np.array([0.0, x[0]]), gv)[1:]
        res = arclength(F1, [d0], g0, ds=ds, n_steps=n_steps, p_range=g_range, direction=direction,
                        ds_max=ds_max)
        xs = np.column_stack([np.zeros(res["p"].size), res["x"][:, 0]])
        folds = [(gf, np.array([0.0, xf[0]])) for gf, xf in res["folds"]]
    else:
        res = arclength(F, [s0, d0 - s0], g0, ds=ds, n_steps=n_steps, p_range=g_range, direction=direction,
                        ds_max=ds_max)
        xs = res["x"]
        folds = res["folds"]
    gs = res["p"]
    hill = np.array([_static_residuals(tr.f, tr.code, gv, max(x[0], 0.0), x[1], i0, Q)[2] < 1.0
                     for gv, x in zip(gs, xs)])
    lam = np.full(gs.size, np.nan)
    if lyapunov:
        use_tab = tr.code in (TANH, USER)
        for k, (gv, x) in enumerate(zip(gs, xs)):
            lam[k] = _chaotic_extras(tr.f, tr.code, gv, x[0] + x[1], i0, max(x[0], 0.0), Q, h, use_tab)[0]
    return {"g": gs, "delta0": xs[:, 0] + xs[:, 1], "delta_inf": xs[:, 0], "hilltop": hill, "lambda_max": lam,
            "folds": [{"g": float(gf), "delta0": float(xf[0] + xf[1]), "delta_inf": float(xf[0])}
                      for gf, xf in folds],
            "converged": res["converged"]}
