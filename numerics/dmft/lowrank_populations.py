r"""Latent dynamics of low-rank rate networks whose loadings form populations (Gaussian mixtures).

Model (Beiran, Dubreuil, Valente, Mastrogiuseppe & Ostojic 2021, Neural Comput 33:1572; time in
units of the single-unit time constant):

.. math::

    \dot x_i = -x_i + \sum_j J_{ij}\phi(x_j) + \sum_q I_{qi} u_q,\qquad
    J = \frac1N\sum_{r=1}^R m_r n_r^T .

Each unit i belongs to population p with probability (fraction) :math:`\alpha_p`, and its loading
vector :math:`y_i = (m_{1i},\dots,m_{Ri}, n_{1i},\dots,n_{Ri}, I_{1i},\dots,I_{Qi})` is Gaussian
with mean :math:`a^p` and covariance :math:`\sigma^p` (``mean[p]``, ``cov[p]``; order m, n, I).
Started in the span of the m_r and the I_q, the activity stays there: :math:`x_i = \sum_r m_{ri}
\kappa_r + \sum_q I_{qi}u_q` with the latent variables :math:`\kappa_r = n_r\cdot\phi(x)/N`, and for
N -> infinity

.. math::

    \dot\kappa_r = -\kappa_r + \sum_p\alpha_p\Big[a^p_{n_r}\langle\phi\rangle_p
        + c^p_r\,\langle\phi'\rangle_p\Big],\qquad
    c^p_r = \sum_s\sigma^p_{n_r m_s}\kappa_s + \sum_q\sigma^p_{n_r I_q}u_q,

(Stein's lemma, Beiran et al. 2021 eq. 2.10-2.13), where :math:`\langle f\rangle_p =
\int Dz\, f(\mu_p + \sqrt{\Delta_p} z)` over the field of population p,

.. math::

    \mu_p = \sum_s a^p_{m_s}\kappa_s + \sum_q a^p_{I_q} u_q,\qquad
    \Delta_p = v^T\sigma^p_{(m,I),(m,I)} v,\quad v = (\kappa, u)

(with uncorrelated m_r: :math:`\Delta_p = \sum_s(\sigma^p_{m_s})^2\kappa_s^2`).  For zero-mean
loadings this is the paper's :math:`\dot\kappa_r = -\kappa_r + \sum_p\alpha_p\sum_s
\sigma^p_{n_r m_s}\langle\phi'\rangle_p\kappa_s`.

Jacobian of the latent flow (used for the stability of fixed points), with
:math:`\partial_\mu\langle f\rangle = \langle f'\rangle` and
:math:`\partial_\Delta\langle f\rangle = \tfrac12\langle f''\rangle`:

.. math::

    \frac{\partial F_r}{\partial\kappa_s} = -\delta_{rs} + \sum_p\alpha_p\Big[
      a^p_{n_r}\big(\langle\phi'\rangle a^p_{m_s} + \tfrac12\langle\phi''\rangle\,\partial_s\Delta_p\big)
      + \sigma^p_{n_r m_s}\langle\phi'\rangle
      + c^p_r\big(\langle\phi''\rangle a^p_{m_s} + \tfrac12\langle\phi'''\rangle\,\partial_s\Delta_p\big)\Big],
    \qquad \partial_s\Delta_p = 2(\sigma^p_{m_s,(m,I)}v).

At g = 0 the full network's Jacobian at a fixed point, :math:`-1 + J\,\mathrm{diag}(\phi'(x))`,
has eigenvalue -1 (N - R times) and the eigenvalues of
:math:`-1 + N^T\mathrm{diag}(\phi')M/N`, which converges to this matrix; so a fixed point of the
latent flow is stable in the network iff every eigenvalue of the latent Jacobian has a negative
real part.

Gaussian averages: trapezoid rule in z with a spacing that shrinks as 1/sqrt(Delta)
(:func:`_nodes`); <phi''> and <phi'''> are averages of central differences of phi' (step ``_H``;
error ~1e-8, checked against finite differences of F).
"""
from __future__ import annotations

import math

import numpy as np

from recnet.checks import ParameterError
from recnet.numerics import gaussian as ga

__all__ = ["LowRankMixture", "ring_mixture", "latent_rhs", "latent_jacobian", "latent_trajectory",
           "fixed_points", "branches", "zero_state_bifurcation", "fixed_points_random"]

Z_MAX = 9.0
DZ = 0.2
_H = 1e-4
_NODES = {}


def _nodes(delta_max):
    r"""Trapezoid rule for the Gaussian average over z in [-Z_MAX, Z_MAX] with spacing
    DZ / sqrt(max(Delta, 1)): the spacing in x stays <= DZ, so the narrow functions phi'' and phi'''
    are resolved at any Delta (Gauss-Hermite nodes spread with sqrt(Delta) and miss them);
    spectrally accurate for analytic phi, Gaussian tail e^{-40}."""
    m = int(math.ceil(2 * Z_MAX * math.sqrt(max(delta_max, 1.0)) / DZ)) | 1
    if m not in _NODES:
        z = np.linspace(-Z_MAX, Z_MAX, m)
        _NODES[m] = (z, (z[1] - z[0]) * np.exp(-0.5 * z * z) / math.sqrt(2.0 * math.pi))
    return _NODES[m]


def _numpy_phi(tr):
    """phi and phi' of a recnet transfer as vectorised numpy functions."""
    if tr.code == ga.TANH:
        return np.tanh, lambda x: 1.0 - np.tanh(x) ** 2
    if tr.code == ga.LINEAR:
        return (lambda x: np.asarray(x, float)), (lambda x: np.ones_like(np.asarray(x, float)))
    if tr.code == ga.ERF:
        from scipy.special import erf
        c = math.sqrt(math.pi) / 2.0
        return (lambda x: erf(c * x)), (lambda x: np.exp(-0.25 * math.pi * np.asarray(x) ** 2))
    return (lambda x: tr(x, "phi")), (lambda x: tr(x, "dphi"))


class LowRankMixture:
    r"""Checked statistics of a rank-R network whose loadings are a mixture of P Gaussians.

    Parameters
    ----------
    alpha : array (P,)
        population fractions, > 0, summing to 1.
    cov : array (P, K, K)
        covariance :math:`\sigma^p` of the loading vector (m_1..m_R, n_1..n_R, I_1..I_Q) in each
        population, K = 2R + Q; symmetric positive semi-definite.
    mean : array (P, K), optional
        means :math:`a^p` (default 0: the zero-mean case).
    rank : int
        R.
    phi : str
        transfer function ("tanh", "erf", "linear", "relu" or an expression in x).
    """

    def __init__(self, alpha, cov, rank, mean=None, phi="tanh"):
        a = np.atleast_1d(np.asarray(alpha, float))
        if a.ndim != 1 or not np.all(np.isfinite(a)) or np.any(a <= 0):
            raise ParameterError("alpha", alpha, "population fractions must be > 0 (one per population)")
        if abs(a.sum() - 1.0) > 1e-9:
            raise ParameterError("alpha", alpha, f"population fractions must add up to 1 (they add up to {a.sum():g})")
        P = a.size
        if isinstance(rank, bool) or not isinstance(rank, (int, np.integer)) or rank < 1:
            raise ParameterError("rank", rank, "must be an integer >= 1")
        R = int(rank)
        C = np.asarray(cov, float)
        if C.ndim == 2:
            C = np.broadcast_to(C, (P,) + C.shape).copy()
        if C.ndim != 3 or C.shape[0] != P or C.shape[1] != C.shape[2] or C.shape[1] < 2 * R \
                or not np.all(np.isfinite(C)):
            raise ParameterError("cov", f"<array of shape {np.shape(cov)}>",
                                 f"must be finite of shape (P, K, K) with P = {P}, K = 2 rank + n_inputs >= {2 * R}")
        for p in range(P):
            if not np.allclose(C[p], C[p].T, atol=1e-12):
                raise ParameterError(f"cov[{p}]", "<matrix>", "must be symmetric")
            ev = np.linalg.eigvalsh(C[p])
            if ev.min() < -1e-10 * max(1.0, ev.max()):
                raise ParameterError(f"cov[{p}]", "<matrix>",
                                     f"must be positive semi-definite (eigenvalue {ev.min():g})")
        K = C.shape[1]
        M = np.zeros((P, K)) if mean is None else np.asarray(mean, float)
        if M.ndim == 1:
            M = np.broadcast_to(M, (P, K)).copy()
        if M.shape != (P, K) or not np.all(np.isfinite(M)):
            raise ParameterError("mean", f"<array of shape {np.shape(mean)}>", f"must be finite of shape ({P}, {K})")
        try:
            tr = ga.transfer(phi)
        except (ValueError, TypeError) as exc:
            raise ParameterError("phi", phi, f"tanh, erf, relu, linear or an expression in x ({exc})") from None
        self.alpha, self.cov, self.mean, self.rank, self.phi = a, C, M, R, phi
        self.n_inputs = K - 2 * R
        self._tr = tr
        self._f, self._df = _numpy_phi(tr)

    # index helpers
    @property
    def P(self):
        return self.alpha.size

    def _field_idx(self):
        R, Q = self.rank, self.n_inputs
        return np.r_[np.arange(R), 2 * R + np.arange(Q)]

    def _u(self, u):
        if self.n_inputs == 0:
            if u is not None and np.size(u):
                raise ParameterError("u", u, "this mixture has no input loadings: leave u out")
            return np.zeros(0)
        uu = np.zeros(self.n_inputs) if u is None else np.atleast_1d(np.asarray(u, float))
        if uu.shape != (self.n_inputs,) or not np.all(np.isfinite(uu)):
            raise ParameterError("u", u, f"must be {self.n_inputs} finite input amplitudes")
        return uu

    def to_dict(self):
        return {"alpha": self.alpha.tolist(), "cov": self.cov.tolist(), "mean": self.mean.tolist(),
                "rank": self.rank, "phi": str(self.phi)}

    def averages(self, mu, delta):
        r"""(<phi>, <phi'>, <phi''>, <phi'''>) over N(mu, delta), arrays over populations."""
        mu = np.asarray(mu, float)[:, None]
        d = np.maximum(np.asarray(delta, float), 0.0)
        z, w = _nodes(float(d.max()) if d.size else 0.0)
        x = mu + np.sqrt(d)[:, None] * z[None, :]
        f0 = self._f(x) @ w
        f1 = self._df(x) @ w
        f1p = self._df(x + _H) @ w
        f1m = self._df(x - _H) @ w
        f2 = (f1p - f1m) / (2 * _H)
        f3 = (f1p - 2 * f1 + f1m) / _H ** 2
        return f0, f1, f2, f3

    def fields(self, kappa, u=None):
        """(mu_p, Delta_p, c_p (P, R), v) at latent state kappa and inputs u."""
        v = np.r_[np.asarray(kappa, float), self._u(u)]
        idx = self._field_idx()
        mu = self.mean[:, idx] @ v
        Cff = self.cov[:, idx][:, :, idx]
        delta = np.einsum("i,pij,j->p", v, Cff, v)
        R = self.rank
        c = np.einsum("pri,i->pr", self.cov[:, R:2 * R][:, :, idx], v)
        return mu, delta, c, v


def _kappa(kappa, R):
    k = np.atleast_1d(np.asarray(kappa, float))
    if k.shape != (R,) or not np.all(np.isfinite(k)):
        raise ParameterError("kappa", kappa, f"must be {R} finite numbers (one per rank)")
    return k


def latent_rhs(kappa, mix, u=None):
    r"""Right-hand side :math:`F(\kappa)` of the latent ODE (module docstring), array (R,)."""
    return _rhs(_kappa(kappa, mix.rank), mix, u)


def _rhs(k, mix, u):
    R = mix.rank
    mu, delta, c, _ = mix.fields(k, u)
    f0, f1, _, _ = mix.averages(mu, delta)
    an = mix.mean[:, R:2 * R]
    return -k + mix.alpha @ (an * f0[:, None] + c * f1[:, None])


def latent_jacobian(kappa, mix, u=None):
    r""":math:`\partial F_r/\partial\kappa_s` of the latent ODE (module docstring), array (R, R)."""
    return _jac(_kappa(kappa, mix.rank), mix, u)


def _rhs_many(ks, mix, u, chunk=1024):
    """F at many latent states (rows of ks), vectorised in chunks of ``chunk`` states."""
    if ks.shape[0] > chunk:
        return np.concatenate([_rhs_many(ks[i:i + chunk], mix, u, chunk) for i in range(0, ks.shape[0], chunk)])
    R = mix.rank
    uu = mix._u(u)
    n = ks.shape[0]
    V = np.c_[ks, np.broadcast_to(uu, (n, uu.size))]
    idx = mix._field_idx()
    mu = V @ mix.mean[:, idx].T                                    # (n, P)
    delta = np.einsum("ni,pij,nj->np", V, mix.cov[:, idx][:, :, idx], V)
    c = np.einsum("pri,ni->npr", mix.cov[:, R:2 * R][:, :, idx], V)
    z, w = _nodes(float(np.max(delta)) if delta.size else 0.0)
    x = mu[..., None] + np.sqrt(np.maximum(delta, 0.0))[..., None] * z
    f0 = mix._f(x) @ w
    f1 = mix._df(x) @ w
    an = mix.mean[:, R:2 * R]
    return -ks + np.einsum("p,npr->nr", mix.alpha, an[None] * f0[..., None] + c * f1[..., None])


def _jac(k, mix, u):
    R = mix.rank
    mu, delta, c, v = mix.fields(k, u)
    f0, f1, f2, f3 = mix.averages(mu, delta)
    idx = mix._field_idx()
    am = mix.mean[:, :R]                                       # (P, R): a_{m_s}
    an = mix.mean[:, R:2 * R]                                  # (P, R): a_{n_r}
    dD = 2.0 * np.einsum("psi,i->ps", mix.cov[:, :R][:, :, idx], v)   # (P, R): dDelta/dkappa_s
    snm = mix.cov[:, R:2 * R, :R]                              # (P, R, R): sigma_{n_r m_s}
    J = -np.eye(R)
    for p in range(mix.P):
        dmean = f1[p] * am[p] + 0.5 * f2[p] * dD[p]            # d<phi>/dkappa_s
        dslope = f2[p] * am[p] + 0.5 * f3[p] * dD[p]           # d<phi'>/dkappa_s
        J += mix.alpha[p] * (np.outer(an[p], dmean) + snm[p] * f1[p] + np.outer(c[p], dslope))
    return J


def latent_trajectory(kappa0, t_max, dt, mix, u=None):
    """Integrate the latent ODE from kappa0 (RK4, step dt, time in tau); returns (t, kappa (n+1, R))."""
    k = _kappa(kappa0, mix.rank)
    if not (t_max > 0 and dt > 0 and math.isfinite(t_max) and math.isfinite(dt)):
        raise ParameterError("dt", dt, "t_max and dt must be > 0")
    n = int(round(t_max / dt))
    out = np.empty((n + 1, mix.rank))
    out[0] = k
    F = lambda y: latent_rhs(y, mix, u)  # noqa: E731
    for i in range(n):
        k1 = F(k)
        k2 = F(k + 0.5 * dt * k1)
        k3 = F(k + 0.5 * dt * k2)
        k4 = F(k + dt * k3)
        k = k + dt * (k1 + 2 * k2 + 2 * k3 + k4) / 6.0
        out[i + 1] = k
    return np.arange(n + 1) * dt, out


def _classify(ev):
    re = ev.real
    if np.all(re < 0):
        return "stable focus" if np.any(np.abs(ev.imag) > 1e-12) else "stable node"
    if np.all(re > 0):
        return "unstable focus" if np.any(np.abs(ev.imag) > 1e-12) else "unstable node"
    return "saddle"


def _kappa_scale(mix, u):
    # |F + kappa| <= sum_p alpha_p (|a_n| sup|phi| + |c| sup phi'): for bounded phi the fixed points
    # lie within a few units of the overlaps; used only to place the starting points
    R = mix.rank
    idx = mix._field_idx()
    s = mix.alpha @ (np.abs(mix.mean[:, R:2 * R]).sum(axis=1) + np.abs(mix.cov[:, R:2 * R][:, :, idx]).sum(axis=(1, 2)))
    return 1.5 * (1.0 + float(s))


def fixed_points(mix, u=None, n_starts=80, kappa_max=None, seed=0, tol=1e-11):
    r"""Every fixed point of the latent flow found from a set of starting points, with its stability.

    Newton (scipy ``root``, method hybr, analytic Jacobian) from: for R = 1 the sign changes of F
    on a grid of ``n_starts`` points on [-kappa_max, kappa_max]; for R = 2 the centres of the cells
    of an ``n_starts`` x ``n_starts`` grid on [-kappa_max, kappa_max]^2 where both components of F
    change sign (the nullclines cross: misses only fixed points closer than a cell to another);
    for R > 2 ``n_starts`` Gaussian points drawn with ``seed``; plus kappa = 0.  Duplicates are
    merged.  ``kappa_max`` defaults to 1.5 (1 + sum_p alpha_p (|a_n| + |sigma_{n,(m,I)}|)), a bound
    of |kappa| for |phi| <= 1 and phi' <= 1 up to the factor 1.5.

    Returns
    -------
    list of dict with ``kappa`` (R,), ``eigenvalues`` of the latent Jacobian, ``stable`` (all real
    parts < 0), ``kind`` (stable node/focus, saddle, unstable node/focus) and ``residual``.
    """
    from scipy.optimize import root
    R = mix.rank
    uu = mix._u(u)
    K = _kappa_scale(mix, uu) if kappa_max is None else float(kappa_max)
    if not K > 0:
        raise ParameterError("kappa_max", kappa_max, "must be > 0")
    if isinstance(n_starts, bool) or not isinstance(n_starts, (int, np.integer)) or n_starts < 1:
        raise ParameterError("n_starts", n_starts, "must be an integer >= 1")
    if R == 1:
        g = np.linspace(-K, K, max(n_starts, 3))[:, None]
        F = _rhs_many(g, mix, uu)[:, 0]
        ch = np.nonzero(np.sign(F[:-1]) != np.sign(F[1:]))[0]
        starts = np.vstack([g, 0.5 * (g[ch] + g[ch + 1])])
    elif R == 2:
        # nullcline crossings: cells of an n x n grid on [-K, K]^2 where both components of F change
        # sign among the corners; Newton from each such cell's centre (and from the grid's corners)
        n = max(int(n_starts), 8)
        ax = np.linspace(-K, K, n + 1)
        X, Y = np.meshgrid(ax, ax, indexing="ij")
        F = _rhs_many(np.c_[X.ravel(), Y.ravel()], mix, uu).reshape(n + 1, n + 1, 2)
        S = np.sign(F)
        cand = np.ones((n, n), bool)
        for c in range(2):
            corners = np.stack([S[:-1, :-1, c], S[1:, :-1, c], S[:-1, 1:, c], S[1:, 1:, c]])
            cand &= (corners.max(axis=0) > 0) & (corners.min(axis=0) < 0) | np.any(corners == 0, axis=0)
        i, j = np.nonzero(cand)
        h = ax[1] - ax[0]
        starts = np.c_[ax[i] + 0.5 * h, ax[j] + 0.5 * h]
    else:
        starts = np.random.default_rng(seed).normal(0.0, K / math.sqrt(R), (n_starts, R))
    starts = np.vstack([np.zeros(R), starts])
    sols = []
    scale = max(1.0, K)
    far = 100.0 * scale  # Newton iterates beyond this are sent back (F is bounded by ~K there)

    def fun(k):
        if not np.all(np.isfinite(k)) or np.max(np.abs(k)) > far:
            return np.full(R, 1e6 * scale)
        return _rhs(k, mix, uu)

    def jac(k):
        if not np.all(np.isfinite(k)) or np.max(np.abs(k)) > far:
            return -np.eye(R)
        return _jac(k, mix, uu)

    for s in starts:
        with np.errstate(all="ignore"):
            r = root(fun, s, jac=jac, method="hybr", options={"xtol": tol})
        k = r.x
        if not np.all(np.isfinite(k)):
            continue
        res = float(np.max(np.abs(_rhs(k, mix, uu))))
        if not res < 1e-9:
            continue
        if any(np.max(np.abs(k - q["kappa"])) < 1e-6 * scale for q in sols):
            continue
        ev = np.linalg.eigvals(latent_jacobian(k, mix, uu))
        ev = ev[np.lexsort((ev.imag, -ev.real))]
        k = np.where(np.abs(k) < 1e-12, 0.0, k)
        sols.append({"kappa": k, "eigenvalues": ev, "stable": bool(np.all(ev.real < 0)),
                     "kind": _classify(ev), "residual": res})
    def order(q):  # by |kappa|, then by angle (R > 1) or sign (R = 1)
        k = q["kappa"]
        return float(np.linalg.norm(k)), float(np.arctan2(k[1], k[0]) if R > 1 else k[0])

    sols.sort(key=order)
    return sols


def branches(make_mixture, values, u=None, n_starts=64, kappa_max=None, seed=0):
    """Fixed points along a parameter: ``make_mixture(p) -> LowRankMixture`` at each p of ``values``.

    Returns a list (one per value) of ``(p, fixed_points(...))``; link points into branches with
    :func:`recnet.numerics.continuation.track_branches` if needed.
    """
    vals = np.atleast_1d(np.asarray(values, float))
    if vals.ndim != 1 or not np.all(np.isfinite(vals)):
        raise ParameterError("values", values, "must be a 1-D array of finite parameter values")
    return [(float(p), fixed_points(make_mixture(float(p)), u=u, n_starts=n_starts, kappa_max=kappa_max,
                                    seed=seed)) for p in vals]


def zero_state_bifurcation(make_mixture, lo, hi, tol=1e-8):
    r"""Parameter value in [lo, hi] where the kappa = 0 state loses stability.

    Bisection (:func:`recnet.numerics.continuation.bisect_event`) on the largest real part of the
    eigenvalues of the latent Jacobian at kappa = 0, which must be a fixed point (odd phi, zero
    means and no input).  ``ParameterError`` if no crossing is bracketed.
    """
    from recnet.numerics.continuation import bisect_event

    def ind(p):
        mix = make_mixture(p)
        k0 = np.zeros(mix.rank)
        if np.max(np.abs(latent_rhs(k0, mix))) > 1e-12:
            raise ParameterError("make_mixture", p,
                                 "kappa = 0 is not a fixed point (nonzero means, inputs or phi(0) != 0)")
        return float(np.max(np.linalg.eigvals(latent_jacobian(k0, mix)).real))

    return bisect_event(ind, lo, hi, tol=tol)


def ring_mixture(n_pop, beta, sigma_m=1.0, eps=0.0, sigma_n=0.0, phi="tanh", offset=0.0):
    r"""A rank-two mixture whose P populations each carry one direction of the latent plane.

    Population p (fraction 1/P) has direction :math:`u_p = (\cos\theta_p, \sin\theta_p)`,
    :math:`\theta_p = \theta_0 + \pi p/P`, and loadings

    .. math:: m = \sigma_m z\,u_p + \epsilon\,\xi,\qquad
              n = \frac{\beta}{\sigma_m} z\,u_p + \sigma_n\eta

    (z, xi (2,), eta (2,) standard normal), so :math:`\sigma^p_{nm} = \beta u_pu_p^T`,
    :math:`\sigma^p_{mm} = \sigma_m^2u_pu_p^T + \epsilon^2 1`.  The latent flow is
    :math:`\dot\kappa = -\kappa + \frac{\beta}{P}\sum_p u_p(u_p\cdot\kappa)\langle\phi'\rangle_p`.
    For P >= 3, :math:`\sum_p u_pu_p^T = \tfrac P2 1`, so kappa = 0 destabilises at
    :math:`\beta\phi'(0) = 2` (P = 1 and 2: at :math:`\beta\phi'(0) = P`); beyond, each population
    creates a pair of fixed points along its direction: P populations give P pairs of stable fixed
    points on a ring, where a single population gives only one (Beiran et al. 2021, section 3).
    """
    if isinstance(n_pop, bool) or not isinstance(n_pop, (int, np.integer)) or n_pop < 1:
        raise ParameterError("n_pop", n_pop, "must be an integer >= 1")
    for name, v in (("sigma_m", sigma_m),):
        if not (v > 0 and math.isfinite(v)):
            raise ParameterError(name, v, "must be > 0")
    for name, v in (("eps", eps), ("sigma_n", sigma_n)):
        if not (v >= 0 and math.isfinite(v)):
            raise ParameterError(name, v, "must be >= 0")
    if not math.isfinite(beta):
        raise ParameterError("beta", beta, "must be finite")
    P = int(n_pop)
    cov = np.zeros((P, 4, 4))
    for p in range(P):
        th = offset + math.pi * p / P
        up = np.array([math.cos(th), math.sin(th)])
        # loadings as a linear map of (z, xi1, xi2, eta1, eta2)
        A = np.zeros((4, 5))
        A[:2, 0] = sigma_m * up
        A[:2, 1:3] = eps * np.eye(2)
        A[2:, 0] = beta / sigma_m * up
        A[2:, 3:5] = sigma_n * np.eye(2)
        cov[p] = A @ A.T
    return LowRankMixture(np.full(P, 1.0 / P), cov, rank=2, phi=phi)


# ------------------------------------------------------------------------ with a random part g
def _random_variance(ks, mix, u, g, n_grid=17, n_bisect=60):
    r"""Static variance :math:`Q = \sum_q\alpha_q\langle\phi^2\rangle_q` of the random input, for each
    latent state (rows of ks): the largest root in [0, 1] of
    :math:`h(Q) = \sum_q\alpha_q\langle\phi^2\rangle_q(\mu_q, \Delta^m_q + g^2Q) - Q` (bounded phi,
    |phi| <= 1, so h(1) <= 0): scan a grid of ``n_grid`` Q values from 1 down to the first with
    h >= 0, then bisect.  Returns (Q, mu (n, P), Delta^m (n, P), c (n, P, R))."""
    R = mix.rank
    uu = mix._u(u)
    n = ks.shape[0]
    V = np.c_[ks, np.broadcast_to(uu, (n, uu.size))]
    idx = mix._field_idx()
    mu = V @ mix.mean[:, idx].T
    dm = np.maximum(np.einsum("ni,pij,nj->np", V, mix.cov[:, idx][:, :, idx], V), 0.0)
    c = np.einsum("pri,ni->npr", mix.cov[:, R:2 * R][:, :, idx], V)
    z, w = _nodes(float(np.max(dm)) + g * g if dm.size else g * g)
    f = mix._f

    def h(Q):
        x = mu[..., None] + np.sqrt(dm + g * g * Q[:, None])[..., None] * z
        return (f(x) ** 2 @ w) @ mix.alpha - Q

    qs = np.linspace(1.0, 0.0, n_grid)
    hi = np.ones(n)
    lo = np.zeros(n)
    found = np.zeros(n, bool)
    prev = np.ones(n)
    for q in qs:
        hv = h(np.full(n, q))
        new = (~found) & (hv >= 0)
        lo[new] = q
        hi[new] = prev[new]
        found |= new
        prev = np.full(n, q)
    for _ in range(n_bisect):
        mid = 0.5 * (lo + hi)
        pos = h(mid) >= 0
        lo = np.where(pos, mid, lo)
        hi = np.where(pos, hi, mid)
    return 0.5 * (lo + hi), mu, dm, c


def _g_rhs_many(ks, mix, u, g, chunk=512):
    if ks.shape[0] > chunk:
        return np.concatenate([_g_rhs_many(ks[i:i + chunk], mix, u, g, chunk) for i in range(0, ks.shape[0], chunk)])
    R = mix.rank
    Q, mu, dm, c = _random_variance(ks, mix, u, g)
    d = dm + g * g * Q[:, None]
    z, w = _nodes(float(np.max(d)))
    x = mu[..., None] + np.sqrt(d)[..., None] * z
    f0 = mix._f(x) @ w
    f1 = mix._df(x) @ w
    an = mix.mean[:, R:2 * R]
    return -ks + np.einsum("p,npr->nr", mix.alpha, an[None] * f0[..., None] + c * f1[..., None])


def fixed_points_random(mix, g, u=None, n_starts=40, kappa_max=None, fd_step=1e-6):
    r"""Static mean-field solutions with an added random part :math:`g\chi_{ij}`,
    :math:`\chi_{ij}\sim\mathcal N(0, 1/N)`.

    :math:`\dot x = -x + g\chi\phi(x) + MN^T\phi(x)/N + Iu`; on a static state
    :math:`x_i = m_i\cdot\kappa + I_i\cdot u + g\eta_i` with :math:`\eta_i` Gaussian, independent of the
    loadings, of variance :math:`Q = \sum_q\alpha_q\langle\phi^2\rangle_q` (Mastrogiuseppe & Ostojic 2018
    extended to mixtures; Beiran et al. 2021 treat g = 0), so every population average is over
    :math:`\Delta_p = \mathrm{var}_p(m\cdot\kappa + I\cdot u) + g^2Q` and the overlap equation is the
    latent one (Stein's lemma is unchanged: eta is independent of n).  Bounded phi only (tanh, erf).

    Stability (mean-field criteria, as for one population in :mod:`recnet.numerics.dmft.lowrank`):
    ``bulk_radius`` :math:`g\sqrt{\sum_q\alpha_q\langle\phi'^2\rangle_q}` (< 1: no chaos) and the
    eigenvalues of the Jacobian of :math:`G(\kappa) = F(\kappa, Q(\kappa))` (central differences,
    step ``fd_step``), the outliers (exact at g = 0).

    Returns a list of dicts: ``kappa``, ``q`` (Q), ``delta`` (Delta_p), ``bulk_radius``,
    ``eigenvalues``, ``stable`` (bulk_radius < 1 and every eigenvalue in the left half plane).
    """
    from scipy.optimize import root
    if mix._tr.code not in (ga.TANH, ga.ERF):
        raise ParameterError("phi", mix.phi, "the random part needs a bounded phi (tanh or erf)")
    if not (g >= 0 and math.isfinite(g)):
        raise ParameterError("g", g, "must be >= 0")
    R = mix.rank
    uu = mix._u(u)
    K = _kappa_scale(mix, uu) if kappa_max is None else float(kappa_max)
    if R == 1:
        grid = np.linspace(-K, K, max(int(n_starts), 3))[:, None]
        F = _g_rhs_many(grid, mix, uu, g)[:, 0]
        ch = np.nonzero(np.sign(F[:-1]) != np.sign(F[1:]))[0]
        starts = np.vstack([np.zeros(1), 0.5 * (grid[ch] + grid[ch + 1])])
    elif R == 2:
        n = max(int(n_starts), 8)
        ax = np.linspace(-K, K, n + 1)
        X, Y = np.meshgrid(ax, ax, indexing="ij")
        F = _g_rhs_many(np.c_[X.ravel(), Y.ravel()], mix, uu, g).reshape(n + 1, n + 1, 2)
        S = np.sign(F)
        cand = np.ones((n, n), bool)
        for cc in range(2):
            corners = np.stack([S[:-1, :-1, cc], S[1:, :-1, cc], S[:-1, 1:, cc], S[1:, 1:, cc]])
            cand &= (corners.max(axis=0) > 0) & (corners.min(axis=0) < 0) | np.any(corners == 0, axis=0)
        i, j = np.nonzero(cand)
        hh = ax[1] - ax[0]
        starts = np.vstack([np.zeros(2), np.c_[ax[i] + 0.5 * hh, ax[j] + 0.5 * hh]])
    else:
        raise ParameterError("rank", R, "fixed_points_random scans rank 1 and 2")

    def G(k):
        return _g_rhs_many(np.atleast_2d(k), mix, uu, g)[0]

    def jac(k):
        return np.array([(G(k + fd_step * e) - G(k - fd_step * e)) / (2 * fd_step) for e in np.eye(R)]).T

    sols = []
    for s in starts:
        with np.errstate(all="ignore"):
            r = root(G, s, method="hybr", options={"xtol": 1e-12})
        k = r.x
        if not np.all(np.isfinite(k)) or np.max(np.abs(k)) > 10 * K or not np.max(np.abs(G(k))) < 1e-9:
            continue
        if any(np.max(np.abs(k - q["kappa"])) < 1e-6 * max(1.0, K) for q in sols):
            continue
        Q, mu, dm, _ = _random_variance(k[None], mix, uu, g)
        d = dm[0] + g * g * Q[0]
        z, w = _nodes(float(np.max(d)))
        x = mu[0][:, None] + np.sqrt(d)[:, None] * z
        radius = g * math.sqrt(float(mix.alpha @ (mix._df(x) ** 2 @ w)))
        ev = np.linalg.eigvals(jac(k))
        ev = ev[np.lexsort((ev.imag, -ev.real))]
        sols.append({"kappa": np.where(np.abs(k) < 1e-12, 0.0, k), "q": float(Q[0]), "delta": d,
                     "bulk_radius": radius, "eigenvalues": ev,
                     "stable": bool(radius < 1 and np.all(ev.real < 0))})
    sols.sort(key=lambda q: tuple(q["kappa"]))
    return sols
