r"""Stationary DMFT of multi-population random rate networks (sympy derivation).

Network (Kadmon & Sompolinsky 2015, PRX 5:041030): populations a = 1..P with fractions
:math:`\alpha_a`, transfer functions :math:`\phi_a`, inputs :math:`I_a`; for i in a and j in b,
:math:`J_{ij}` is Gaussian with mean :math:`J^0_{ab}/N` and variance :math:`g_{ab}^2/N`; time in
units of tau.  The cavity argument of Sompolinsky, Crisanti, Sommers 1988 (PRL 61:259), done per
population, gives for a unit of population a

.. math::

    \dot x = -x + \mu_a + \eta_a(t),\quad
    \mu_a = I_a + \sum_b J^0_{ab}\alpha_b\langle\phi_b\rangle_b,\quad
    \langle\eta_a(t)\eta_a(t+\tau)\rangle = \sum_b g_{ab}^2\alpha_b C_b(\tau),

so :math:`(1 - \partial_\tau^2)\Delta_a = \sum_b g_{ab}^2\alpha_b C_{\phi_b}(\Delta_b;\Delta_{b,0},\mu_b)`.
Linearising the network about a fixed point, the random part of the Jacobian
:math:`J\,\mathrm{diag}(\phi'(x))` has a block variance profile :math:`g_{ab}^2\phi_b'^2/N`; its
eigenvalue density is a disc of squared radius :math:`\rho(M)`,
:math:`M_{ab} = g_{ab}^2\alpha_b\langle\phi_b'^2\rangle_b` (Aljadeff, Stern, Sharpee 2015), and
the mean part (rank P) gives the outliers, eigenvalues of
:math:`J^0_{ab}\alpha_b\langle\phi_b'\rangle_b`.

:func:`equations` returns the labelled system for a given P (indexed sympy symbols); with P = 1 it
is the one-population system of :mod:`recnet.theory.dmft.stationary`.
"""
from __future__ import annotations

import sympy as sp

from recnet.checks import ParameterError
from recnet.theory.dmft.stationary import gaussian_average, gaussian_corr, transfer_expr, x

__all__ = ["symbols", "equations", "onset_one_population"]

tau = sp.Symbol("tau", real=True)


def symbols(P):
    """Indexed symbols for P populations: alpha, g, J0, I, mu, Delta0, Delta_inf (dict name -> list/Matrix)."""
    P = int(P)
    al = [sp.Symbol(f"alpha_{a + 1}", positive=True) for a in range(P)]
    g = sp.Matrix(P, P, lambda a, b: sp.Symbol(f"g_{a + 1}{b + 1}", nonnegative=True))
    J0 = sp.Matrix(P, P, lambda a, b: sp.Symbol(f"J^0_{a + 1}{b + 1}", real=True))
    I = [sp.Symbol(f"I_{a + 1}", real=True) for a in range(P)]
    mu = [sp.Symbol(f"mu_{a + 1}", real=True) for a in range(P)]
    d0 = [sp.Symbol(f"Delta_{a + 1},0", nonnegative=True) for a in range(P)]
    dinf = [sp.Symbol(f"Delta_{a + 1},infty", nonnegative=True) for a in range(P)]
    D = [sp.Function(f"Delta_{a + 1}") for a in range(P)]
    return {"alpha": al, "g": g, "J0": J0, "I": I, "mu": mu, "Delta0": d0, "Delta_inf": dinf, "Delta": D}


def equations(P=2, phi="tanh"):
    r"""The multi-population stationary DMFT as labelled sympy objects.

    Parameters
    ----------
    P : int, 1..8
        number of populations.
    phi : str or sequence of str
        transfer function(s), one for all or one per population.

    Returns
    -------
    dict label -> sympy object: ``mean_a``, ``autocorrelation_ode_a``, ``hilltop_a``,
    ``fixed_point_a`` per population (a = 1..P), ``fractions`` (sum alpha = 1), ``chaos_matrix``
    (M), ``onset_condition`` (rho(M) = 1 as det(M - 1) = 0 for the leading eigenvalue),
    ``lyapunov_fixed_point``, ``uniform_mode_matrix`` (U) and ``uniform_mode_condition``.
    """
    if isinstance(P, bool) or not isinstance(P, int) or not 1 <= P <= 8:
        raise ParameterError("P", P, "number of populations, an integer in [1, 8]")
    phis = [phi] * P if isinstance(phi, str) else list(phi)
    if len(phis) != P:
        raise ParameterError("phi", phi, f"one transfer function or {P}")
    S = symbols(P)
    al, g, J0, I, mu, d0, dinf, D = (S[k] for k in ("alpha", "g", "J0", "I", "mu", "Delta0", "Delta_inf", "Delta"))
    fs = [transfer_expr(p) for p in phis]
    eqs = {"fractions": sp.Eq(sp.Add(*al), 1)}
    for a in range(P):
        eqs[f"mean_{a + 1}"] = sp.Eq(mu[a], I[a] + sp.Add(*[J0[a, b] * al[b] * gaussian_average(fs[b][0], d0[b], mu[b])
                                                           for b in range(P)]))
        eqs[f"autocorrelation_ode_{a + 1}"] = sp.Eq(
            D[a](tau) - sp.Derivative(D[a](tau), (tau, 2)),
            sp.Add(*[g[a, b] ** 2 * al[b] * gaussian_corr(fs[b][0], D[b](tau), d0[b], mu[b]) for b in range(P)]))
        eqs[f"hilltop_{a + 1}"] = sp.Eq(dinf[a], sp.Add(*[g[a, b] ** 2 * al[b] * gaussian_corr(fs[b][0], dinf[b], d0[b], mu[b])
                                                          for b in range(P)]))
        eqs[f"fixed_point_{a + 1}"] = sp.Eq(d0[a], sp.Add(*[g[a, b] ** 2 * al[b] * gaussian_average(fs[b][0] ** 2, d0[b], mu[b])
                                                            for b in range(P)]))
    M = sp.Matrix(P, P, lambda a, b: g[a, b] ** 2 * al[b] * gaussian_average(fs[b][1] ** 2, d0[b], mu[b]))
    U = sp.Matrix(P, P, lambda a, b: -sp.KroneckerDelta(a, b) + J0[a, b] * al[b] * gaussian_average(fs[b][1], d0[b], mu[b]))
    rho, lam = sp.Symbol("rho", nonnegative=True), sp.Symbol("lambda", real=True)
    eqs["chaos_matrix"] = sp.Eq(sp.Symbol("M"), M)
    eqs["onset_condition"] = sp.Eq(rho, 1)
    eqs["spectral_radius"] = sp.Eq(sp.Matrix.det(M - rho * sp.eye(P)), 0)
    eqs["lyapunov_fixed_point"] = sp.Eq(lam, -1 + sp.sqrt(rho))
    eqs["uniform_mode_matrix"] = sp.Eq(sp.Symbol("U"), U)
    eqs["uniform_mode_condition"] = sp.StrictLessThan(sp.Symbol("max Re eig U"), 0)
    return eqs


def onset_one_population(phi="tanh"):
    r"""P = 1, zero fixed point of an odd phi: :math:`\rho(M) = g^2\phi'(0)^2 = 1`, i.e.
    :math:`g_c = 1/|\phi'(0)|` (= 1 for tanh), the one-population onset of SCS 1988."""
    f, df, _ = transfer_expr(phi)
    gs = sp.Symbol("g", positive=True)
    return sp.solve(sp.Eq(gs ** 2 * df.subs(x, 0) ** 2, 1), gs)
