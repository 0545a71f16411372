r"""Latent dynamics of low-rank networks with Gaussian-mixture loadings (sympy).

Network (Beiran, Dubreuil, Valente, Mastrogiuseppe & Ostojic 2021, Neural Comput 33:1572):
:math:`\dot x_i = -x_i + \frac1N\sum_{r}m_{ri}\sum_j n_{rj}\phi(x_j) + \sum_q I_{qi}u_q`, the
loadings :math:`y_i = (m_i, n_i, I_i)` of a unit of population p drawn from
:math:`\mathcal N(a^p, \sigma^p)` (fraction :math:`\alpha_p`).  With :math:`x_i = m_i\cdot\kappa +
I_i\cdot u` and :math:`\kappa_r = \frac1N\sum_j n_{rj}\phi(x_j)`, the law of large numbers over
units and Stein's lemma :math:`E[n\,f(x)] = E[n]E[f(x)] + \mathrm{cov}(n, x)E[f'(x)]` for jointly
Gaussian (n, x) give (their eq. 2.13)

.. math::

    \dot\kappa_r = -\kappa_r + \sum_p\alpha_p\Big[a^p_{n_r}\langle\phi\rangle_p
      + \mathrm{cov}_p(n_r, x)\,\langle\phi'\rangle_p\Big],\qquad
    \langle f\rangle_p = \int Dz\, f(\mu_p + \sqrt{\Delta_p}z),

with :math:`\mu_p = a^p_m\cdot\kappa + a^p_I\cdot u`, :math:`\Delta_p = \mathrm{var}_p(x)` and
:math:`\mathrm{cov}_p(n_r, x) = \sigma^p_{n_r m}\cdot\kappa + \sigma^p_{n_r I}\cdot u`.

:func:`latent_rhs_expr` builds this vector for given (symbolic or numeric) statistics and a rule
for the Gaussian averages; :func:`polynomial_averages` gives the exact averages of a polynomial
phi (Gaussian moments), so for polynomial phi the right-hand side and its Jacobian
(``F.jacobian(kappa)``) are closed forms, an oracle for the numerical solver
(:mod:`recnet.numerics.dmft.lowrank_populations`).  Nothing here imports recnet.numerics.
"""
from __future__ import annotations

import sympy as sp

__all__ = ["latent_rhs_expr", "polynomial_averages", "stein_lemma_check"]

x = sp.Symbol("x", real=True)


def _sym(v, name="value"):
    """A sympy object from a sympy expression, a number, or text read by the whitelist parser
    (``recnet.expr``: never sympify, which runs Python)."""
    if isinstance(v, sp.Basic):
        return v
    if isinstance(v, bool):
        raise TypeError(f"{name} must be a number or an expression, not a bool")
    if isinstance(v, int):
        return sp.Integer(v)
    if isinstance(v, float):
        return sp.Float(v)
    from recnet.expr import parse
    return parse(str(v), {"x": x}, name=name)


def polynomial_averages(poly):
    r"""Exact :math:`(\langle p\rangle, \langle p'\rangle)` over :math:`x\sim\mathcal N(\mu, \Delta)` for a
    polynomial p in ``x`` (a sympy expression or string): returns a function (mu, Delta) -> (expr, expr),
    using :math:`E[(\mu + \sqrt\Delta z)^k] = \sum_j\binom kj\mu^{k-j}\Delta^{j/2}E[z^j]`,
    :math:`E[z^{2i}] = (2i-1)!!`."""
    p = sp.Poly(_sym(poly, "poly"), x)
    dp = p.diff(x)

    def avg(q, mu, delta):
        out = sp.Integer(0)
        for (k,), c in q.terms():
            for j in range(0, k + 1, 2):
                out += c * sp.binomial(k, j) * mu ** (k - j) * delta ** (j // 2) * sp.factorial2(j - 1)
        return sp.expand(out)

    return lambda mu, delta: (avg(p, mu, delta), avg(dp, mu, delta))


def latent_rhs_expr(alpha, mean, cov, rank, averages, u=()):
    r"""The latent right-hand side F(kappa) as a sympy Matrix, and the kappa symbols.

    Parameters
    ----------
    alpha : sequence (P,)
        population fractions (numbers or symbols).
    mean : P x K nested sequence; cov : P x K x K nested sequence
        means and covariances of (m_1..m_R, n_1..n_R, I_1..I_Q) in each population.
    rank : int
        R.
    averages : callable
        ``averages(mu, Delta) -> (<phi>, <phi'>)`` as sympy expressions
        (e.g. :func:`polynomial_averages`).
    u : sequence (Q,)
        input amplitudes.

    Returns
    -------
    (F, kappa) : sympy Matrix (R, 1) and the list of R symbols kappa_1..kappa_R.
    """
    R = int(rank)
    kappa = list(sp.symbols(f"kappa_1:{R + 1}", real=True))
    u = [_sym(v, "u") for v in u]
    v = sp.Matrix(kappa + u)
    fidx = list(range(R)) + [2 * R + q for q in range(len(u))]
    F = -sp.Matrix(kappa)
    for p, a in enumerate(alpha):
        A = sp.Matrix(mean[p])
        S = sp.Matrix(cov[p])
        mu = (A.extract(fidx, [0]).T * v)[0]
        delta = sp.expand((v.T * S.extract(fidx, fidx) * v)[0])
        f0, f1 = averages(mu, delta)
        for r in range(R):
            c = (S.extract([R + r], fidx) * v)[0]
            F[r] += _sym(a, "alpha") * (A[R + r] * f0 + c * f1)
    return F, kappa


def stein_lemma_check(poly="x**3"):
    r"""Symbolic check of Stein's lemma for a polynomial: with :math:`x = \mu + s_x z_1` and
    :math:`n = \nu + c z_1/s_x + t z_2` (cov(n, x) = c), :math:`E[n f(x)] - \nu E[f] - cE[f']` (0)."""
    mu, nu, c, t = sp.symbols("mu nu c t", real=True)
    sx = sp.Symbol("s_x", positive=True)
    z1, z2 = sp.symbols("z_1 z_2", real=True)
    f = _sym(poly, "poly")
    g = lambda e: sp.integrate(e * sp.exp(-(z1 ** 2 + z2 ** 2) / 2) / (2 * sp.pi),  # noqa: E731
                               (z1, -sp.oo, sp.oo), (z2, -sp.oo, sp.oo))
    xx = mu + sx * z1
    n = nu + c * z1 / sx + t * z2
    lhs = g(sp.expand(n * f.subs(x, xx)))
    rhs = nu * g(f.subs(x, xx)) + c * g(sp.diff(f, x).subs(x, xx))
    return sp.simplify(lhs - rhs)
