r"""Dimension (participation ratio) of the fluctuations of a linear(ised) random network (sympy).

Network (time in units of tau), driven by independent white noise of equal intensity sigma^2 in
every unit, linear or linearised about a fixed point with constant slope phi_b' per population:

.. math:: \dot x = -(1 - X)\,x + \sigma\xi(t),\qquad X_{ij} = J_{ij}\phi_b',\quad
          \operatorname{Var}X_{ij} = S_{ab}/N,\ S_{ab} = g_{ab}^2\phi_b'^2\quad(i\in a,\ j\in b).

**Which covariance.**  Two covariances are in use:

* the *equal-time* covariance C, solution of the Lyapunov equation
  :math:`(X - 1)C + C(X - 1)^T + \sigma^2 = 0`;
* the *zero-frequency* (long-time-window) covariance
  :math:`S_0 = \int C(\tau)\,d\tau = \sigma^2(1 - X)^{-1}(1 - X)^{-T} = -A^{-1}C - CA^{-T}`
  (A = X - 1), the covariance of spike counts or integrated activity in windows much longer than
  the correlation time, divided by the window.

PR/N = (1 - g^2)^2 is the large-N participation ratio of **S_0** (Hu & Sompolinsky 2022, PLoS
Comput Biol 18:e1010327, whose covariance is :math:`(1 - J)^{-1}D(1 - J)^{-T}`; equivalently
:math:`\mathrm{PR}/N = 1/(1 + \Delta)` with Dahmen et al. 2019's zero-frequency dispersion
:math:`\Delta = 1/(1 - R^2)^2 - 1`; Clark, Abbott & Litwin-Kumar 2023, PRL 131:118401, quote it for
the linear network).  The equal-time C has a larger PR (about 0.85 N, 0.63 N at g = 0.5, 0.7;
measured by the tests through the Lyapunov equation), for which no closed form is derived here.

**Derivation** (hermitization of non-Hermitian random matrices: Feinberg & Zee 1997, Nucl Phys B
504:579; Janik, Nowak, Papp, Zahed 1997).  With M = 1 - X, :math:`S_0 = \sigma^2(M^TM)^{-1}`,
whose eigenvalues are those of :math:`(MM^T)^{-1}`, so
:math:`\frac1N\operatorname{tr}S_0^k = \sigma^{2k} m_k`, :math:`m_k = \frac1N\operatorname{tr}(MM^T)^{-k}`,
and :math:`G(w) = \frac1N\operatorname{tr}(MM^T - w)^{-1} = \sum_k w^k m_{k+1}`.
:math:`(MM^T - w)^{-1}` is the upper-left block of the inverse of
:math:`L = \begin{pmatrix}-w & M\\ M^T & -1\end{pmatrix}`; at large N its block traces per
population, :math:`g_{1,a}` (upper) and :math:`g_{2,a}` (lower), solve the Dyson equation
(self-energy from the variance profile; :math:`E[XX] = 0` terms vanish for independent entries)

.. math::

    \begin{pmatrix} g_{1,a} & h_a\\ h_a & g_{2,a}\end{pmatrix}
    = \begin{pmatrix} -w - \Sigma_{1,a} & 1\\ 1 & -1 - \Sigma_{2,a}\end{pmatrix}^{-1},\quad
    \Sigma_{1,a} = \sum_b S_{ab}\alpha_b g_{2,b},\quad \Sigma_{2,a} = \sum_b S_{ba}\alpha_b g_{1,b},

and :math:`G = \sum_a\alpha_a g_{1,a}`.  Expanding in w about the branch with :math:`g_2(0) = 0`
(the point z = 1 lies outside the spectrum of X while :math:`\rho(S\,\mathrm{diag}\,\alpha) < 1`):

.. math::

    u = (1 - S^TA)^{-1}\mathbf 1,\quad v = (1 - SA)^{-1}\mathbf 1,\quad
    u' = (1 - S^TA)^{-1}(u^2 v),\qquad m_1 = \alpha\cdot u,\quad m_2 = \alpha\cdot u',

A = diag(alpha), and :math:`\mathrm{PR}/N = m_1^2/m_2`.  One population (S = g^2):
:math:`m_1 = 1/(1 - g^2)`, :math:`m_2 = 1/(1 - g^2)^4`, :math:`\mathrm{PR}/N = (1 - g^2)^2`
(:func:`one_population`, solved by sympy order by order in w).  The rank-P mean part of J (J0)
changes tr S_0 and tr S_0^2 by O(1) while the uniform modes are stable, so PR/N is unchanged at
N -> infinity (corrections O(1/N)).
"""
from __future__ import annotations

import sympy as sp

__all__ = ["one_population", "dyson_equations"]

w, s = sp.symbols("w s", positive=True)


def dyson_equations(order=2):
    """One population: the Dyson equations with g1 = sum_k a_k w^k, g2 = sum_{k>=1} b_k w^k, as a
    list of sympy expressions (coefficients of w^0..w^order) and the unknowns."""
    a = sp.symbols(f"a0:{order + 1}")
    b = sp.symbols(f"b1:{order + 1}")
    g1 = sum(a[k] * w ** k for k in range(order + 1))
    g2 = sum(b[k - 1] * w ** k for k in range(1, order + 1))
    det = (-w - s * g2) * (-1 - s * g1) - 1
    e1 = sp.expand(g1 * det - (-1 - s * g1))
    e2 = sp.expand(g2 * det - (-w - s * g2))
    eqs = []
    for k in range(order + 1):
        eqs += [e1.coeff(w, k), e2.coeff(w, k)]
    return [e for e in eqs if e != 0], list(a) + list(b)


def one_population():
    """``{"m1", "m2", "pr_per_n"}`` as sympy expressions in s = g^2 (the effective gain squared):
    1/(1 - s), 1/(1 - s)^4, (1 - s)^2."""
    eqs, unk = dyson_equations(2)
    a0, a1, b1 = sp.symbols("a0 a1 b1")
    b2 = sp.Symbol("b2")
    sols = sp.solve(eqs[:4], [a0, a1, b1, b2], dict=True)
    if len(sols) != 1:
        raise ArithmeticError(f"expected one branch with g2(0) = 0, found {len(sols)}")
    m1 = sp.simplify(sols[0][a0])
    m2 = sp.simplify(sols[0][a1])
    return {"m1": m1, "m2": m2, "pr_per_n": sp.factor(sp.simplify(m1 ** 2 / m2))}
