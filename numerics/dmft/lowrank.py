r"""Solvers for the mean-field theory of rank-one plus random rate networks (numba).

Evaluates the equations of :mod:`recnet.theory.dmft.lowrank` (Mastrogiuseppe & Ostojic 2018,
Neuron 99:609):

static:   :math:`\mu = M_m\kappa`, :math:`\Delta_0 = g^2\langle[\phi^2]\rangle + \Sigma_m^2\kappa^2`,
          :math:`\kappa = M_n\langle[\phi]\rangle + \Sigma_{mn}\kappa\langle[\phi']\rangle`;

chaotic:  :math:`\Delta_\infty = g^2 C_\phi(\Delta_\infty;\Delta_0,\mu) + \Sigma_m^2\kappa^2`,
          :math:`\tfrac12(\Delta_0^2-\Delta_\infty^2) = g^2[C_\Phi(\Delta_0;\Delta_0,\mu) -
          C_\Phi(\Delta_\infty;\Delta_0,\mu)] + \Sigma_m^2\kappa^2(\Delta_0-\Delta_\infty)`, same
          overlap equation with averages over the full variance :math:`\Delta_0`.

Every root of the overlap equation is found by scanning kappa on a grid and refining each sign
change (regula falsi, Illinois variant), so all branches (kappa = 0 and the symmetric pair +-kappa)
are reported; a root inside the first cell next to the known zero F(0) = 0 (odd phi) is bracketed
by the sign of F'(0), and cells around every local extremum of F are resampled (issue 19: at
g = 0.8, n_mean = 1.02 the stable kappa = +-0.06736 lay inside the first cell).  Gaussian averages
use the self-checking sinh-mapped rules of :mod:`recnet.numerics.dmft.sinhquad` (closed
forms for erf/ReLU/linear); each solution carries ``quadrature_error`` (its change with twice the
nodes, estimated once per solution at the end) and only a solution whose estimate exceeds
``QUAD_TOL`` is re-solved on the finer rule (the old 32-node Gauss-Hermite rule was off by 7e-4 in
kappa and 1.5 % in the bulk radius at g = 1.5, n_mean = 3; now within 1e-8 of adaptive quad, tests).
The chaotic branch (the costly scan) is scanned on the rule with half the nodes and each root
re-solved on the full one (the coarse rule alone once made up a chaotic state next to the stable
static one at g = 1.5, n_mean = 3).  At g = 1e6 the homogeneous chaotic state has
Delta0 = 2 g^2 (1 - 2/pi) to 1e-6.  Stability needs both one-sided slopes of F negative (they
differ at a kink of F, e.g. kappa = 0 for phi = abs(x)).  All quantities are dimensionless (time in
units of the single-unit time constant).

Stability (reported with each solution): ``bulk_radius`` :math:`g\sqrt{\langle[\phi'^2]\rangle}` of
the linearised dynamics around a static state (chaos when > 1) and ``kappa_slope``
:math:`dF/d\kappa` of the overlap residual :math:`F(\kappa)`; a branch is stable along the structure
when the slope is < 0 (exact for g = 0, where :math:`\dot\kappa = F(\kappa)` is the latent ODE of
Beiran et al. 2021; the mean-field criterion of the pitchfork for g > 0).
"""
from __future__ import annotations

import math

import numpy as np

from recnet import checks
from recnet.numerics import gaussian as ga
from recnet.numerics._jit import njit, prange
from recnet.numerics.dmft import sinhquad as sq

__all__ = ["LowRankParams", "solve", "overlap_residual", "pitchfork_strength", "chaos_onset_g",
           "latent_rhs", "latent_trajectory", "phase_diagram"]

N_GH = 32  # tanh: relative error ~5e-5 on the chaotic Delta_0 (1e-9 with 96 nodes)
_EPS = 1e-12
# a chaotic solution must have a temporal variance Delta_0 - Delta_inf above this fraction of
# Delta_0: closer to the static solution the energy residual is O((Delta_0 - Delta_inf)^3) and
# quadrature round-off creates spurious roots.
VALID_GAP = 1e-2


# --------------------------------------------------------------------------------- numba kernels
# The kernels take the quadrature as q = (xc, wx, hq) (phi's feature position and width, the
# sinh rules' panel length; :mod:`recnet.numerics.dmft.sinhquad`) in the slot once used
# for Gauss-Hermite nodes z; w is unused and kept so the call chain stays unchanged.
@njit
def _avg(f, code, which, mu, d0, z, w):
    return sq.mean_sinh(f, code, which, mu, max(d0, 0.0), z[0], z[1], z[2])


@njit
def _corr(f, code, which, d, d0, mu, z, w):
    return sq.corr_sinh(f, code, which, d, d0, mu, z[0], z[1], z[2])


@njit
def _sq_avg(f, code, which, mu, d0, z, w):
    """<[f^2]> = C_f(d0; d0, mu)."""
    return _corr(f, code, which, d0, d0, mu, z, w)


@njit
def _static_h(f, code, g, mu, S, d, z, w):
    return g * g * _sq_avg(f, code, 0, mu, d, z, w) + S - d


@njit
def _static_delta0(f, code, g, mu, S, z, w):
    """Largest root d >= S of d = g^2 <[phi^2]>(mu, d) + S (NaN if none: activity diverges)."""
    h0 = _static_h(f, code, g, mu, S, S, z, w)
    if abs(h0) <= 1e-14 and S == 0.0:
        h0 = 0.0
    up = max(2.0 * S, 1.0)
    hu = _static_h(f, code, g, mu, S, up, z, w)
    k = 0
    while hu >= 0.0 and k < 80:
        up *= 2.0
        hu = _static_h(f, code, g, mu, S, up, z, w)
        k += 1
    if hu >= 0.0 or not math.isfinite(hu):
        return math.nan
    # scan down from up for the largest sign change
    lo = max(S, 1e-10)
    n = 48
    r = (up / lo) ** (1.0 / n)
    b = up
    hb = hu
    for i in range(n):
        a = b / r
        if i == n - 1:
            a = S
        ha = _static_h(f, code, g, mu, S, a, z, w)
        if ha >= 0.0:
            if ha == 0.0:
                return a
            return _illinois_static(f, code, g, mu, S, a, b, ha, hb, z, w)
        b = a
        hb = ha
    return S


@njit
def _illinois_step(a, fa, b, fb, side, c, fc):
    """One Illinois update with the new point c: b is always the newest point; when the sign does
    not change twice in a row, the retained end's residual is halved.  Returns (a, fa, b, fb, side)."""
    if fc * fb < 0.0:
        return b, fb, c, fc, 0
    if side == 1:
        fa *= 0.5
    return a, fa, c, fc, 1


@njit
def _illinois_static(f, code, g, mu, S, a, b, fa, fb, z, w):
    side = 0
    for _ in range(100):
        c = (a * fb - b * fa) / (fb - fa)
        fc = _static_h(f, code, g, mu, S, c, z, w)
        if fc == 0.0 or abs(b - a) < 1e-13 * max(1.0, abs(c)):
            return c
        a, fa, b, fb, side = _illinois_step(a, fa, b, fb, side, c, fc)
    return 0.5 * (a + b)


@njit
def _dinf_q(f, code, g, mu, S, d0, d, z, w):
    return g * g * _corr(f, code, 0, d, d0, mu, z, w) + S - d


@njit
def _delta_inf(f, code, g, mu, S, d0, z, w):
    """Smallest root D in [S, d0] of D = g^2 C_phi(D; d0, mu) + S (d0 itself if no smaller one)."""
    qa = _dinf_q(f, code, g, mu, S, d0, S, z, w)
    if qa <= 1e-14:
        return S
    n = 16
    a = S
    for i in range(1, n + 1):
        b = S + (d0 - S) * i / n
        qb = _dinf_q(f, code, g, mu, S, d0, b, z, w)
        if qb <= 0.0:
            if qb == 0.0:
                return b
            # Illinois
            fa, fb = qa, qb
            side = 0
            for _ in range(100):
                c = (a * fb - b * fa) / (fb - fa)
                fc = _dinf_q(f, code, g, mu, S, d0, c, z, w)
                if fc == 0.0 or abs(b - a) < 1e-13 * max(1.0, d0):
                    return c
                a, fa, b, fb, side = _illinois_step(a, fa, b, fb, side, c, fc)
            return 0.5 * (a + b)
        a, qa = b, qb
    return d0


@njit
def _energy(f, code, g, mu, S, d0, z, w):
    """Energy residual E(d0) (zero at the chaotic solution) and the matching Delta_inf."""
    di = _delta_inf(f, code, g, mu, S, d0, z, w)
    cP0 = _corr(f, code, 2, d0, d0, mu, z, w)
    cPi = _corr(f, code, 2, di, d0, mu, z, w)
    e = 0.5 * (d0 * d0 - di * di) - g * g * (cP0 - cPi) - S * (d0 - di)
    return e, di


@njit
def _energy_root(f, code, g, mu, S, a, fa, b, fb, dib, z, w):
    """Root of the energy residual between a (fa < 0) and b (fb >= 0), Illinois method.

    Returns (Delta_0, Delta_inf) at the root (Delta_inf of the last evaluation, ``dib`` if none)."""
    side = 0
    c = b
    dic = dib
    for _ in range(100):
        c = (a * fb - b * fa) / (fb - fa)
        fc, dic = _energy(f, code, g, mu, S, c, z, w)
        if fc == 0.0 or abs(b - a) < 1e-12 * max(1.0, c):
            break
        a, fa, b, fb, side = _illinois_step(a, fa, b, fb, side, c, fc)
    return c, dic


@njit
def _chaotic(f, code, g, mu, S, z, w):
    """(Delta_0, Delta_inf) of the chaotic solution at given mu and static variance S (NaN if none).

    Scans Delta_0 on a log grid above S for the first sign change (negative to positive) of the
    energy residual among points with Delta_inf < Delta_0 (points with Delta_inf = Delta_0 are
    static solutions, where the residual vanishes trivially), then refines it (Illinois).
    """
    lo = max(S, 1e-7) * (1.0 + 1e-6) + 1e-9
    up = max(4.0 * lo, 4.0)
    eu, diu = _energy(f, code, g, mu, S, up, z, w)
    k = 0
    while eu <= 0.0 and k < 90:  # up to ~1e27: Delta_0 grows like g^2
        up *= 2.0
        eu, diu = _energy(f, code, g, mu, S, up, z, w)
        k += 1
    if eu <= 0.0:
        return math.nan, math.nan
    n = 28
    r = (up / lo) ** (1.0 / n)
    a = math.nan
    ea = math.nan
    last_invalid = lo
    for i in range(n + 1):
        b = lo * r ** i
        eb, dib = _energy(f, code, g, mu, S, b, z, w)
        valid = dib < b * (1.0 - VALID_GAP)
        if not valid:
            a = math.nan
            last_invalid = b
            continue
        if not math.isfinite(a) and i > 0 and eb >= 0.0:
            # entered the valid region with E >= 0: move to the edge of the valid region
            lo_b, hi_b = last_invalid, b
            for _ in range(40):
                mid = 0.5 * (lo_b + hi_b)
                em, dim = _energy(f, code, g, mu, S, mid, z, w)
                if dim < mid * (1.0 - VALID_GAP):
                    hi_b = mid
                    if em < 0.0:
                        a, ea = mid, em
                        break
                else:
                    lo_b = mid
        if math.isfinite(a) and ea < 0.0 and eb >= 0.0:
            return _energy_root(f, code, g, mu, S, a, ea, b, eb, dib, z, w)
        a, ea = b, eb
    return math.nan, math.nan


@njit
def _chaotic_warm(f, code, g, mu, S, guess, z, w):
    """_chaotic with a local bracket [0.9, 1.1] x guess tried first (continuation along kappa)."""
    if math.isfinite(guess) and guess > 0.0:
        a = guess * 0.93
        b = guess * 1.07
        ea, dia = _energy(f, code, g, mu, S, a, z, w)
        eb, dib = _energy(f, code, g, mu, S, b, z, w)
        if dia < a * (1.0 - VALID_GAP) and dib < b * (1.0 - VALID_GAP) and ea < 0.0 and eb >= 0.0:
            c, dic = _energy_root(f, code, g, mu, S, a, ea, b, eb, dib, z, w)
            if dic < c * (1.0 - VALID_GAP):
                return c, dic
    return _chaotic(f, code, g, mu, S, z, w)


@njit
def _state(f, code, chaotic, g, kappa, Mm, Sm2, z, w):
    """(Delta_0, Delta_inf) on the static (chaotic=0) or chaotic (1) solution at overlap kappa."""
    mu = Mm * kappa
    S = Sm2 * kappa * kappa
    if chaotic == 0:
        d0 = _static_delta0(f, code, g, mu, S, z, w)
        return d0, d0
    return _chaotic(f, code, g, mu, S, z, w)


@njit
def _residual(f, code, chaotic, g, kappa, Mm, Mn, Sm2, Smn, z, w):
    d0, di = _state(f, code, chaotic, g, kappa, Mm, Sm2, z, w)
    if not math.isfinite(d0):
        return math.nan, d0, di
    mu = Mm * kappa
    F = Mn * _avg(f, code, 0, mu, d0, z, w) + Smn * kappa * _avg(f, code, 1, mu, d0, z, w) - kappa
    return F, d0, di


@njit
def _residual_chaotic_warm(f, code, g, kappa, guess, Mm, Mn, Sm2, Smn, z, w):
    mu = Mm * kappa
    d0, di = _chaotic_warm(f, code, g, mu, Sm2 * kappa * kappa, guess, z, w)
    if not math.isfinite(d0):
        return math.nan, d0, di
    F = Mn * _avg(f, code, 0, mu, d0, z, w) + Smn * kappa * _avg(f, code, 1, mu, d0, z, w) - kappa
    return F, d0, di


@njit(parallel=True)
def _residual_grid(f, code, chaotic, g, kappas, Mm, Mn, Sm2, Smn, z, w):
    """Residual on a kappa grid; the chaotic branch is continued outwards from the grid's middle
    (two threads: one per side), each point warm-started from its neighbour."""
    out = np.empty((kappas.size, 3))
    if chaotic == 0:
        for i in prange(kappas.size):
            F, d0, di = _residual(f, code, 0, g, kappas[i], Mm, Mn, Sm2, Smn, z, w)
            out[i, 0] = F
            out[i, 1] = d0
            out[i, 2] = di
        return out
    mid = kappas.size // 2
    for side in prange(2):
        guess = math.nan
        if side == 0:
            i0, i1, st = mid, kappas.size, 1
        else:
            i0, i1, st = mid - 1, -1, -1
        i = i0
        while i != i1:
            F, d0, di = _residual_chaotic_warm(f, code, g, kappas[i], guess, Mm, Mn, Sm2, Smn, z, w)
            out[i, 0] = F
            out[i, 1] = d0
            out[i, 2] = di
            guess = d0
            i += st
    return out


@njit
def _refine(f, code, chaotic, g, a, b, fa, fb, Mm, Mn, Sm2, Smn, z, w):
    side = 0
    c = 0.5 * (a + b)
    for _ in range(100):
        c = (a * fb - b * fa) / (fb - fa)
        fc, _, _ = _residual(f, code, chaotic, g, c, Mm, Mn, Sm2, Smn, z, w)
        if not math.isfinite(fc):
            return math.nan
        if fc == 0.0 or abs(b - a) < 1e-11 * max(1.0, abs(c)):
            return c
        a, fa, b, fb, side = _illinois_step(a, fa, b, fb, side, c, fc)
    return c


# ------------------------------------------------------------------------------------ Python API
class LowRankParams:
    """Checked parameters of a rank-one plus random network.

    Parameters
    ----------
    g : float >= 0
        strength of the random part (std of J_ij is g / sqrt(N)).
    phi : str or sympy expression
        transfer function (see :func:`recnet.numerics.gaussian.transfer`).
    m_mean, n_mean : float
        means M_m, M_n of the entries of the connectivity vectors m and n.
    m_std, n_std : float >= 0
        standard deviations Sigma_m, Sigma_n.
    mn_corr : float in [-1, 1]
        correlation of m_i and n_i; Sigma_mn = mn_corr * Sigma_m * Sigma_n.
    """

    def __init__(self, g=0.5, phi="tanh", m_mean=1.0, n_mean=2.0, m_std=1.0, n_std=1.0, mn_corr=0.0):
        self.g = checks.nonnegative("g", g)
        self.m_mean = checks.finite("m_mean", m_mean)
        self.n_mean = checks.finite("n_mean", n_mean)
        self.m_std = checks.nonnegative("m_std", m_std)
        self.n_std = checks.nonnegative("n_std", n_std)
        self.mn_corr = checks.in_range("mn_corr", mn_corr, -1.0, 1.0)
        self.tr = ga.transfer(phi)
        self.phi = phi

    @property
    def mn_cov(self):
        return self.mn_corr * self.m_std * self.n_std

    @property
    def structure_strength(self):
        """m^T n / N in the large-N limit: M_m M_n + Sigma_mn."""
        return self.m_mean * self.n_mean + self.mn_cov

    def args(self):
        return (self.m_mean, self.n_mean, self.m_std ** 2, self.mn_cov)


def _params(params=None, **kw):
    if isinstance(params, LowRankParams):
        return params
    return LowRankParams(**kw)


def _quad(tr, hq=None):
    """The quadrature argument q = (xc, wx, hq) of the kernels (see ``_avg``) and a dummy w."""
    xc, wx = sq.feature(tr)
    return np.array([xc, wx, sq.SINH_HQ if hq is None else float(hq)]), np.zeros(1)


def overlap_residual(kappa, chaotic=False, n_gh=N_GH, params=None, hq=None, **kw):
    """F(kappa) = M_n<[phi]> + Sigma_mn kappa <[phi']> - kappa on the static or chaotic solution.

    Returns an array of shape (len(kappa), 3): F, Delta_0, Delta_inf (NaN where no such solution).
    ``n_gh`` is kept for compatibility (the averages use the sinh-mapped rules, panel length hq).
    """
    p = _params(params, **kw)
    k = checks.array("kappa", np.atleast_1d(kappa), ndim=1)
    z, w = _quad(p.tr, hq)
    Mm, Mn, Sm2, Smn = p.args()
    return _residual_grid(p.tr.f, p.tr.code, 1 if chaotic else 0, p.g, k, Mm, Mn, Sm2, Smn, z, w)


def _kappa_bound(p):
    # |kappa| <= |M_n| sup|phi| + |Sigma_mn| |kappa| sup phi': for bounded phi a few units suffice
    return 1.5 * (abs(p.n_mean) + abs(p.mn_cov)) + 1.0 if p.tr.code in (ga.TANH, ga.ERF) else \
        5.0 * (abs(p.n_mean) + abs(p.mn_cov) + 1.0)


QUAD_TOL = 1e-9  # tolerated change of kappa, Delta_0, Delta_inf and the bulk radius when hq is halved
HQ_MIN = 1.0 / 16.0


def _roots(F, grid, refine, fun):
    """Roots of a scalar F sampled on ``grid``: every sign change (refined by ``refine(a, b, Fa, Fb)``),
    exact zeros, and roots hidden inside a cell.

    A root inside a cell whose end values share a sign is looked for where F has a local extremum
    (the discrete slope changes sign): the two neighbouring cells are resampled 8-fold by ``fun``
    and any sign change there refined.  At a known zero F(grid[0]) = 0 (kappa = 0 for odd phi)
    the sign of F'(0) (from F at 1e-6 of the first cell) is compared with F(grid[1]): if they
    differ, a root lies inside the first cell."""
    roots = []
    n = grid.size
    for i in range(n):
        if F[i] == 0.0:
            roots.append(grid[i])
        if i + 1 < n and np.isfinite(F[i]) and np.isfinite(F[i + 1]) and F[i] * F[i + 1] < 0:
            roots.append(refine(grid[i], grid[i + 1], F[i], F[i + 1]))
    cells = set()
    if n > 1 and F[0] == 0.0 and np.isfinite(F[1]):
        eps = grid[0] + 1e-6 * (grid[1] - grid[0])
        fe = fun(np.array([eps]))[0]
        if np.isfinite(fe) and fe * F[1] < 0:
            roots.append(refine(eps, grid[1], fe, F[1]))
        elif np.isfinite(fe) and fe * F[1] > 0:
            cells.add(0)  # same sign at both ends, F(0) = 0: a pair may still hide in the cell
    for i in range(1, n - 1):
        d1, d2 = F[i] - F[i - 1], F[i + 1] - F[i]
        if np.isfinite(d1) and np.isfinite(d2) and d1 * d2 < 0:
            cells.update((i - 1, i))
    for c in sorted(cells):
        a, b = grid[c], grid[c + 1]
        sub = np.linspace(a, b, 9)[1:-1]
        if c == 0 and F[0] == 0.0:
            sub = np.concatenate([[a + 1e-6 * (b - a)], sub])
        fs = fun(sub)
        xs = np.concatenate([[a], sub, [b]])
        Fs = np.concatenate([[F[c]], fs, [F[c + 1]]])
        for j in range(xs.size - 1):
            if np.isfinite(Fs[j]) and np.isfinite(Fs[j + 1]) and Fs[j] * Fs[j + 1] < 0:
                roots.append(refine(xs[j], xs[j + 1], Fs[j], Fs[j + 1]))
    return roots


def _solve_at(p, grid, odd, chaotic_kinds, z, w):
    """Every solution found on the kappa grid with quadrature q = z (see ``_avg``)."""
    Mm, Mn, Sm2, Smn = p.args()
    f, code = p.tr.f, p.tr.code
    out = []
    for chaotic in chaotic_kinds:
        res = _residual_grid(f, code, chaotic, p.g, grid, Mm, Mn, Sm2, Smn, z, w)
        F = res[:, 0]

        def fun(ks, chaotic=chaotic):
            return _residual_grid(f, code, chaotic, p.g, np.ascontiguousarray(ks, float), Mm, Mn, Sm2, Smn,
                                  z, w)[:, 0]

        def refine(a, b, fa, fb, chaotic=chaotic):
            return _refine(f, code, chaotic, p.g, a, b, fa, fb, Mm, Mn, Sm2, Smn, z, w)

        if odd and abs(F[0]) < 1e-13:
            F[0] = 0.0
        roots = _roots(F, grid, refine, fun)
        uniq = []
        for k in sorted(r for r in roots if np.isfinite(r)):
            if not uniq or abs(k - uniq[-1]) > 1e-7 * max(1.0, abs(k)):
                uniq.append(0.0 if abs(k) < 1e-12 * max(1.0, abs(grid[-1])) else k)
        for k in uniq:
            F0, d0, di = _residual(f, code, chaotic, p.g, k, Mm, Mn, Sm2, Smn, z, w)
            if not np.isfinite(d0):
                continue
            sl = _slopes(p, chaotic, k, F0, z, w)
            mu = Mm * k
            radius = p.g * math.sqrt(max(_sq_avg(f, code, 1, mu, d0, z, w), 0.0))
            for sgn in ((1.0, -1.0) if odd and k > 0 else (1.0,)):
                out.append(dict(kind="chaotic" if chaotic else "static", kappa=float(sgn * k),
                                mu=float(sgn * mu), delta0=float(d0), delta_inf=float(di),
                                bulk_radius=float(radius), stable=False, **sl))
    return out


def _quad_error(p, sols, z2, w2):
    """Change of each solution when the rule's panel length is halved (twice the nodes): kappa
    moves by -F_fine(kappa) / F'(kappa); Delta_0, Delta_inf and the bulk radius are recomputed."""
    Mm, Mn, Sm2, Smn = p.args()
    f, code = p.tr.f, p.tr.code
    worst = 0.0
    for s in sols:
        chaotic = 1 if s["kind"] == "chaotic" else 0
        k = s["kappa"]
        F2, d02, di2 = _residual(f, code, chaotic, p.g, k, Mm, Mn, Sm2, Smn, z2, w2)
        dk = abs(F2 / s["kappa_slope"]) if s["kappa_slope"] != 0 and np.isfinite(F2) else abs(F2)
        r2 = p.g * math.sqrt(max(_sq_avg(f, code, 1, Mm * k, d02, z2, w2), 0.0))
        err = {"kappa": float(dk), "delta0": float(abs(d02 - s["delta0"])),
               "delta_inf": float(abs(di2 - s["delta_inf"])), "bulk_radius": float(abs(r2 - s["bulk_radius"]))}
        scale = {"kappa": max(1.0, abs(k)), "delta0": max(1.0, s["delta0"]),
                 "delta_inf": max(1.0, s["delta0"]), "bulk_radius": max(1.0, s["bulk_radius"])}
        s["quadrature_error"] = err
        worst = max(worst, max((err[q] / scale[q]) if np.isfinite(err[q]) else np.inf for q in err))
    return worst


def _polish(p, sol, z, w):
    """Re-solve one solution with a finer rule (z, w): the fine residual's root is bracketed next to
    the coarse root (kappa = 0 of an odd phi stays) and refined (Illinois); then Delta_0, Delta_inf,
    bulk radius and slope anew.  Returns None when the finer rule finds no root near the coarse one
    (the coarse solution is then kept, with its error estimate and a warning)."""
    Mm, Mn, Sm2, Smn = p.args()
    f, code = p.tr.f, p.tr.code
    chaotic = 1 if sol["kind"] == "chaotic" else 0
    k = sol["kappa"]
    try:
        if k != 0.0:
            F, _, _ = _residual(f, code, chaotic, p.g, k, Mm, Mn, Sm2, Smn, z, w)
            slope = sol["kappa_slope"] if sol["kappa_slope"] != 0 else -1.0
            if not np.isfinite(F):
                return None
            step = -F / slope
            d = 2.0 * abs(step) + 1e-12 * max(1.0, abs(k))
            a, b = k + step - d, k + step + d
            Fa, _, _ = _residual(f, code, chaotic, p.g, a, Mm, Mn, Sm2, Smn, z, w)
            Fb, _, _ = _residual(f, code, chaotic, p.g, b, Mm, Mn, Sm2, Smn, z, w)
            if not (np.isfinite(Fa) and np.isfinite(Fb)) or Fa * Fb > 0:
                return None
            k = a if Fa == 0 else b if Fb == 0 else _refine(f, code, chaotic, p.g, a, b, Fa, Fb, Mm, Mn, Sm2, Smn, z, w)
        F0, d0, di = _residual(f, code, chaotic, p.g, k, Mm, Mn, Sm2, Smn, z, w)
        if not (np.isfinite(k) and np.isfinite(d0)):
            return None
        out = dict(sol)
        out.update(kappa=float(k), mu=float(Mm * k), delta0=float(d0), delta_inf=float(di),
                   bulk_radius=float(p.g * math.sqrt(max(_sq_avg(f, code, 1, Mm * k, d0, z, w), 0.0))),
                   **_slopes(p, chaotic, k, F0, z, w))
        return out
    except ZeroDivisionError:
        return None


def _slopes(p, chaotic, k, F0, z, w):
    """dF/dkappa at a root: central difference, and the one-sided ones (they differ at a kink of F,
    e.g. kappa = 0 for phi = abs(x), where stability needs both to be negative)."""
    Mm, Mn, Sm2, Smn = p.args()
    f, code = p.tr.f, p.tr.code
    h = 1e-5 * max(1.0, abs(k))
    Fp, _, _ = _residual(f, code, chaotic, p.g, k + h, Mm, Mn, Sm2, Smn, z, w)
    Fm, _, _ = _residual(f, code, chaotic, p.g, k - h, Mm, Mn, Sm2, Smn, z, w)
    right, left = (Fp - F0) / h, (F0 - Fm) / h
    slope = (Fp - Fm) / (2 * h)
    if not np.isfinite(slope):
        slope = right if np.isfinite(right) else left
    return {"kappa_slope": float(slope), "kappa_slope_max": float(np.nanmax([right, left, slope]))}


def solve(params=None, n_kappa=41, kappa_max=None, n_gh=N_GH, chaotic=True, hq=None, quad_tol=QUAD_TOL, **kw):
    """All stationary and chaotic mean-field solutions of a rank-one plus random network.

    Parameters
    ----------
    params : LowRankParams, optional
        or the keyword arguments of :class:`LowRankParams` (g, phi, m_mean, n_mean, m_std, n_std,
        mn_corr).
    n_kappa : int
        kappa grid points scanned for sign changes of the overlap residual (per branch type); the
        scan cannot skip a root next to kappa = 0 (bracketed by the sign of F'(0), see ``_roots``)
        and resamples the cells around every local extremum of F.
    kappa_max : float, optional
        half-width of the scanned kappa interval (default from the bound on |kappa|).
    n_gh : int
        kept for compatibility (unused: the averages use the sinh-mapped rules of
        :mod:`recnet.numerics.dmft.sinhquad`).
    chaotic : bool
        also look for chaotic solutions (the costly part; static ones are always computed).
    hq : float, optional
        starting panel length of the sinh rules (default 1.0).
    quad_tol : float
        tolerated relative change of kappa, Delta_0, Delta_inf and the bulk radius when hq is
        halved; hq is halved until every solution meets it (down to 1/16; otherwise each
        solution's ``quadrature_error`` shows by how much it misses and ``warning`` says so).

    Returns
    -------
    list of dict, one per solution, with keys ``kind`` ("static" or "chaotic"), ``kappa``, ``mu``,
    ``delta0`` (total variance over units), ``delta_inf`` (its static part; equal to delta0 for
    static solutions), ``bulk_radius`` (g sqrt<[phi'^2]>, static solutions), ``kappa_slope``
    (dF/dkappa), ``stable`` and ``quadrature_error`` (dict: the change of kappa, delta0,
    delta_inf, bulk_radius with twice the nodes).  A static solution is stable when bulk_radius
    < 1 and kappa_slope < 0; a chaotic one when no static solution with the same kappa-sign is
    stable and kappa_slope < 0.
    """
    p = _params(params, **kw)
    n_kappa = checks.integer("n_kappa", n_kappa, minimum=5, maximum=2001)
    K = _kappa_bound(p) if kappa_max is None else checks.positive("kappa_max", kappa_max)
    hq = sq.SINH_HQ if hq is None else checks.in_range("hq", hq, 1e-2, 2.0)
    odd = sq.is_odd(p.tr)
    if odd:  # F(-kappa) = -F(kappa): scan kappa >= 0, mirror the roots
        grid = np.linspace(0.0, K, n_kappa // 2 + 1)
    else:
        grid = np.linspace(-K, K, 2 * (n_kappa // 2) + 1)  # contains 0
    kinds = (0, 1) if chaotic else (0,)
    z, w = _quad(p.tr, hq)
    # the scan needs signs only: done once, at hq; each solution's error is then estimated with
    # twice the nodes (hq / 2) and, where it exceeds quad_tol, the solution is re-solved on the
    # finer rule (down to HQ_MIN)
    coarse = _solve_at(p, grid, odd, (0,), z, w)
    if chaotic:
        # the chaotic scan (the costly part) runs on the rule with half the nodes, 2 hq (its signs are
        # right wherever the energy residual exceeds ~1e-5); each root is then re-solved at hq
        coarse += _solve_at(p, grid, odd, (1,), *_quad(p.tr, 2.0 * hq))
    out = []
    for s in coarse:
        if odd and s["kappa"] < 0:  # the mirror image of a kappa > 0 solution: done with it below
            continue
        h = hq
        if s["kind"] == "chaotic":
            fine = _polish(p, s, z, w)
            if fine is None:
                h = 2.0 * hq
            else:
                s = fine
        while True:
            worst = _quad_error(p, [s], *_quad(p.tr, 0.5 * h))
            if worst <= quad_tol or h <= HQ_MIN:
                break
            fine = _polish(p, s, *_quad(p.tr, 0.5 * h))
            if fine is None:
                break
            s, h = fine, 0.5 * h
        s["hq"] = h
        if not worst <= quad_tol:
            s["warning"] = (f"{s['kind']} solution kappa = {s['kappa']:.6g}: estimated quadrature error "
                            f"{worst:.2g} (relative, the change with twice the nodes) exceeds the tolerance "
                            f"{quad_tol:g} at the finest rule reached (hq = {h:g})")
        out.append(s)
        if odd and s["kappa"] > 0:
            out.append(dict(s, kappa=-s["kappa"], mu=-s["mu"]))
    for s in out:
        if s["kind"] == "static":
            s["stable"] = bool(s["bulk_radius"] < 1.0 and s.get("kappa_slope_max", s["kappa_slope"]) < 0.0)
    for s in out:
        if s["kind"] == "chaotic":
            sgn = np.sign(round(s["kappa"], 9))
            static_ok = any(t["stable"] and np.sign(round(t["kappa"], 9)) == sgn for t in out if t["kind"] == "static")
            s["stable"] = bool(not static_ok and s["kappa_slope"] < 0.0)
    out.sort(key=lambda s: (s["kind"], s["kappa"]))
    return out


def pitchfork_strength(g, phi="tanh", n_gh=N_GH):
    r"""Structure strength :math:`(M_m M_n + \Sigma_{mn})_c` where the homogeneous state bifurcates.

    :math:`(M_m M_n + \Sigma_{mn})_c = 1/\langle[\phi']\rangle(0, \Delta_0)` with :math:`\Delta_0`
    of the kappa = 0 solution: static (0 for g phi'(0) < 1) or chaotic (the SCS solution) otherwise.
    Needs phi odd (phi(0) = 0 and a kappa = 0 solution).  Also returns the kind of the kappa = 0 state.
    """
    g = checks.nonnegative("g", g)
    tr = ga.transfer(phi)
    if abs(tr.f(0, 0.0)) > 1e-12:
        raise checks.ParameterError("phi", phi, "a phi with phi(0) = 0: the pitchfork needs a kappa = 0 solution")
    z, w = _quad(tr)
    d0, _ = _chaotic(tr.f, tr.code, g, 0.0, 0.0, z, w)
    kind = "chaotic"
    if not np.isfinite(d0):
        d0 = _static_delta0(tr.f, tr.code, g, 0.0, 0.0, z, w)
        kind = "static"
    slope = _avg(tr.f, tr.code, 1, 0.0, d0, z, w)
    if not slope > 0.0:
        raise ValueError(f"g = {g!r}: <phi'> = {slope:g} at the homogeneous state (Delta0 = {d0:g}); "
                         "the pitchfork is not defined (phi' averages to 0)")
    return 1.0 / slope, kind, float(d0)


def chaos_onset_g(params=None, g_max=4.0, n_gh=N_GH, **kw):
    """Random strength g* where the heterogeneous static state (kappa > 0) turns chaotic.

    Solves g^2 <[phi'^2]> = 1 along the static branch with kappa > 0 (bisection in g on the
    indicator bulk_radius - 1).  The ``g`` in params is ignored.  NaN if the branch has no
    kappa > 0 solution at small g.
    """
    kw.pop("g", None)
    base = _params(params, g=0.0, **kw)

    def radius(g):
        q = LowRankParams(g=g, phi=base.phi, m_mean=base.m_mean, n_mean=base.n_mean,
                          m_std=base.m_std, n_std=base.n_std, mn_corr=base.mn_corr)
        sols = [s for s in solve(q, n_kappa=41, n_gh=n_gh, chaotic=False)
                if s["kind"] == "static" and s["kappa"] > 1e-6]
        if not sols:
            return np.nan
        best = max(sols, key=lambda s: s["kappa"])
        return best["bulk_radius"] - 1.0

    from recnet.numerics.continuation import bisect_event
    lo, hi = 1e-3, g_max
    r_lo = radius(lo)
    if not np.isfinite(r_lo) or r_lo > 0:
        return np.nan
    # walk up to find the first g with radius > 1 (or the branch vanishing)
    gs = np.linspace(lo, hi, 17)
    prev = lo
    for gg in gs[1:]:
        r = radius(gg)
        if not np.isfinite(r) or r > 0:
            def ind(x):
                v = radius(x)
                return v if np.isfinite(v) else 1.0
            return bisect_event(ind, prev, gg, tol=1e-5)
        prev = gg
    return np.nan


def latent_rhs(kappa, populations, phi="tanh", n_gh=N_GH, hq=None):
    r"""Right-hand side of the latent ODE :math:`\dot\kappa = -\kappa + \sum_p \alpha_p(M_{n,p}\langle[\phi]\rangle_p
    + \Sigma_{mn,p}\kappa\langle[\phi']\rangle_p)` (g = 0; Beiran et al. 2021).

    ``populations``: sequence of dicts with keys alpha, m_mean, n_mean, m_std, mn_cov (the
    covariance of m_i and n_i within the population).  The alphas must sum to 1.  The averages
    (variance m_std^2 kappa^2) use the sinh-mapped rules of :mod:`recnet.numerics.dmft.sinhquad`
    (rule parameter ``hq``, default 1); ``n_gh`` is kept for compatibility (unused).
    """
    tr = ga.transfer(phi)
    pops = np.ascontiguousarray(np.array(_check_pops(populations), dtype=float))
    k = checks.finite("kappa", kappa)
    h = sq.SINH_HQ if hq is None else checks.in_range("hq", hq, HQ_MIN, 2.0)
    # self-checking: the value with twice the nodes (h / 2) must agree to QUAD_TOL (relative to
    # max(1, |F|)); otherwise the finer value is checked in turn, down to HQ_MIN
    val = float(_latent_rk4(tr.f, tr.code, pops, k, 0.0, 0, *_quad(tr, h))[1])
    while True:
        fine = float(_latent_rk4(tr.f, tr.code, pops, k, 0.0, 0, *_quad(tr, 0.5 * h))[1])
        if abs(fine - val) <= QUAD_TOL * max(1.0, abs(val)):
            return val
        if h <= HQ_MIN:
            raise ArithmeticError(f"latent_rhs at kappa = {k:g}: estimated quadrature error {abs(fine - val):.2g} "
                                  f"exceeds {QUAD_TOL:g} (relative) at the finest rule hq = {h:g}")
        val, h = fine, 0.5 * h


@njit
def _latent_f(f, code, pops, k, z, w):
    """The latent right-hand side with the sinh rules (quadrature q = z, see ``_avg``)."""
    out = -k
    for p in range(pops.shape[0]):
        a, Mm, Mn, Sm, Smn = pops[p, 0], pops[p, 1], pops[p, 2], pops[p, 3], pops[p, 4]
        mu = Mm * k
        d = Sm * Sm * k * k
        out += a * (Mn * _avg(f, code, 0, mu, d, z, w) + Smn * k * _avg(f, code, 1, mu, d, z, w))
    return out


@njit
def _latent_rk4(f, code, pops, k0, dt, n, z, w):
    """n RK4 steps of the latent ODE; n = 0 returns [k0, rhs(k0)]."""
    if n == 0:
        out = np.empty(2)
        out[0] = k0
        out[1] = _latent_f(f, code, pops, k0, z, w)
        return out
    out = np.empty(n + 1)
    k = k0
    out[0] = k
    for i in range(n):
        k1 = _latent_f(f, code, pops, k, z, w)
        k2 = _latent_f(f, code, pops, k + 0.5 * dt * k1, z, w)
        k3 = _latent_f(f, code, pops, k + 0.5 * dt * k2, z, w)
        k4 = _latent_f(f, code, pops, k + dt * k3, z, w)
        k = k + dt * (k1 + 2 * k2 + 2 * k3 + k4) / 6
        out[i + 1] = k
    return out


def _check_pops(populations):
    if not populations:
        raise checks.ParameterError("populations", populations, "at least one population")
    rows = []
    for i, pp in enumerate(populations):
        try:
            a = checks.in_range(f"populations[{i}].alpha", pp["alpha"], 0.0, 1.0)
            Mm = checks.finite(f"populations[{i}].m_mean", pp.get("m_mean", 0.0))
            Mn = checks.finite(f"populations[{i}].n_mean", pp.get("n_mean", 0.0))
            Sm = checks.nonnegative(f"populations[{i}].m_std", pp.get("m_std", 0.0))
            Smn = checks.finite(f"populations[{i}].mn_cov", pp.get("mn_cov", 0.0))
        except KeyError as exc:
            raise checks.ParameterError(f"populations[{i}]", pp, f"a dict with key {exc} (alpha, m_mean, n_mean, m_std, mn_cov)") from None
        rows.append((a, Mm, Mn, Sm, Smn))
    tot = sum(r[0] for r in rows)
    if abs(tot - 1.0) > 1e-9:
        raise checks.ParameterError("populations", populations, f"fractions alpha summing to 1 (they sum to {tot:g})")
    return rows


def latent_trajectory(kappa0, t_max, dt, populations, phi="tanh", n_gh=N_GH):
    """Integrate the latent ODE of kappa (RK4) from kappa0 for t_max (units of tau), step dt.

    Returns (t, kappa) arrays.
    """
    t_max = checks.positive("t_max", t_max)
    dt = checks.positive("dt", dt)
    k = checks.finite("kappa0", kappa0)
    n = int(round(t_max / dt))
    tr = ga.transfer(phi)
    pops = np.ascontiguousarray(np.array(_check_pops(populations), dtype=float))
    z, w = _quad(tr)
    ks = _latent_rk4(tr.f, tr.code, pops, k, dt, n, z, w)
    return np.arange(n + 1) * dt, ks


def phase_diagram(g_values, strengths, phi="tanh", m_std=0.0, n_gh=32):
    """Boundaries of the Mastrogiuseppe & Ostojic 2018 phase diagram (M_n varied, M_m = 1, Sigma_mn = 0).

    Returns a dict with ``pitchfork`` (structure strength of the homogeneous-to-heterogeneous
    bifurcation for each g) and ``chaos_onset`` (for each structure strength > pitchfork at g=0,
    the g where the heterogeneous static state becomes chaotic).
    """
    gv = checks.array("g_values", g_values, ndim=1)
    sv = checks.array("strengths", strengths, ndim=1)
    pf = np.array([pitchfork_strength(g, phi, n_gh)[0] for g in gv])
    co = np.array([chaos_onset_g(phi=phi, m_mean=1.0, n_mean=s, m_std=m_std, n_std=m_std, mn_corr=0.0,
                                 n_gh=n_gh) if s > pf[0] else np.nan for s in sv])
    return {"g": gv, "pitchfork": pf, "strength": sv, "chaos_onset_g": co}
