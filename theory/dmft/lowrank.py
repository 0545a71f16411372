"""Mean-field theory of rank-one plus random rate networks (sympy).

Network (dimensionless time, in units of the single-unit time constant)

.. math:: \\dot x_i = -x_i + \\sum_j J_{ij}\\,\\phi(x_j),\\qquad
          J_{ij} = g\\,\\chi_{ij} + \\frac{m_i n_j}{N},\\quad \\chi_{ij}\\sim\\mathcal N(0, 1/N),

with the entries of the connectivity vectors drawn i.i.d. from a Gaussian with means
:math:`M_m, M_n`, standard deviations :math:`\\Sigma_m, \\Sigma_n` and covariance
:math:`\\Sigma_{mn}` (Mastrogiuseppe & Ostojic 2018, Neuron 99:609, STAR Methods).

The activity projects on ``m`` with the overlap :math:`\\kappa = \\frac1N\\sum_j n_j\\,[\\phi(x_j)]`,
so :math:`x_i = m_i\\kappa + \\xi_i` where :math:`\\xi_i` is the Gaussian field of the random part.
Population mean :math:`\\mu = M_m\\kappa`; variance over units :math:`\\Delta_0`.

Stationary (static) solutions::

    mu      = M_m kappa
    Delta_0 = g^2 <[phi^2]> + Sigma_m^2 kappa^2
    kappa   = M_n <[phi]> + Sigma_mn kappa <[phi']>          (Stein's lemma for the n-m covariance)

with :math:`\\langle[f]\\rangle = \\int Dz\\, f(\\mu + \\sqrt{\\Delta_0} z)`.

Chaotic solutions (Delta_0 total variance, Delta_inf its static part; SCS energy conservation)::

    Delta_inf = g^2 int Dz [int Dx phi(mu + sqrt(Delta_0 - Delta_inf) x + sqrt(Delta_inf) z)]^2
                + Sigma_m^2 kappa^2
    (Delta_0^2 - Delta_inf^2)/2 = g^2 { int Dz Phi^2(mu + sqrt(Delta_0) z)
                                        - int Dz [int Dx Phi(...)]^2 } + Sigma_m^2 kappa^2 (Delta_0 - Delta_inf)
    kappa = M_n <[phi]> + Sigma_mn kappa <[phi']>            (averages over the full variance Delta_0)

Bifurcations: a static state loses stability to chaos when the radius of the bulk of the
linearised dynamics crosses one, :math:`g^2\\langle[\\phi'^2]\\rangle = 1`; the homogeneous state
(kappa = 0, odd phi) bifurcates (pitchfork) into two heterogeneous states with +-kappa when
:math:`(M_m M_n + \\Sigma_{mn})\\langle[\\phi']\\rangle = 1`, evaluated at kappa = 0 on the static
(g < 1) or chaotic (g > 1) branch; the outlier of the homogeneous static state is
:math:`\\lambda = (M_m M_n + \\Sigma_{mn})\\phi'(0)`.

Gaussian-mixture populations and latent dynamics (Beiran, Dubreuil, Valente, Mastrogiuseppe,
Ostojic 2021, Neural Comput 33:1572; Dubreuil et al. 2022, Nat Neurosci 25:783): without the
random part (g = 0) and with the loadings of unit i in population p drawn from
:math:`\\mathcal N(\\mathbf a_p, \\Sigma_p)`, the overlap obeys the closed latent ODE

.. math:: \\dot\\kappa = -\\kappa + \\sum_p \\alpha_p\\left(M_{n,p}\\langle[\\phi]\\rangle_p
          + \\Sigma_{mn,p}\\,\\kappa\\,\\langle[\\phi']\\rangle_p\\right),\\quad
          \\mu_p = M_{m,p}\\kappa,\\ \\Delta_p = \\Sigma_{m,p}^2\\kappa^2.

Nothing here imports recnet.numerics; the solvers are in :mod:`recnet.numerics.dmft.lowrank`.
"""
from __future__ import annotations

import sympy as sp

__all__ = ["symbols", "phi_expr", "gauss_avg", "equations", "latent_ode", "linear_closed_form",
           "stein_identity"]

x, z, y = sp.symbols("x z y", real=True)


def symbols():
    """The named symbols of the low-rank mean-field equations (dict name -> sympy Symbol)."""
    names = dict(g="g", kappa="kappa", mu="mu", delta0="Delta_0", delta_inf="Delta_infty",
                 m_mean="M_m", n_mean="M_n", m_std="Sigma_m", n_std="Sigma_n", mn_cov="Sigma_mn",
                 lam="lambda", t="t")
    out = {}
    for k, v in names.items():
        pos = k in ("g", "delta0", "delta_inf", "m_std", "n_std")
        out[k] = sp.Symbol(v, real=True, nonnegative=pos or None)
    return out


def phi_expr(phi="tanh"):
    """The transfer function as a sympy ``Lambda`` of one variable.

    ``phi`` is ``"tanh"``, ``"erf"`` (:math:`\\mathrm{erf}(\\sqrt\\pi x/2)`, slope 1 at 0),
    ``"relu"``, ``"linear"`` or a sympy expression string in ``x``.
    """
    if isinstance(phi, sp.Lambda):
        return phi
    if not isinstance(phi, str):
        raise TypeError(f"phi must be a string (tanh|erf|relu|linear|expression in x), got {type(phi).__name__}")
    table = {"tanh": sp.tanh(x), "erf": sp.erf(sp.sqrt(sp.pi) * x / 2),
             "relu": sp.Piecewise((0, x < 0), (x, True)), "linear": x}
    if phi in table:
        return sp.Lambda(x, table[phi])
    # whitelist parser: a user string is never given to sympify (which runs Python)
    from recnet.expr import check_phi, parse
    e = parse(phi, {"x": x}, name="phi")
    check_phi(e, x, name="phi")
    return sp.Lambda(x, e)


def gauss_avg(f, mean, var, var_name=z):
    """:math:`\\int Dz\\, f(\\mathrm{mean} + \\sqrt{\\mathrm{var}}\\,z)` as an unevaluated sympy Integral."""
    w = sp.exp(-var_name ** 2 / 2) / sp.sqrt(2 * sp.pi)
    return sp.Integral(f(mean + sp.sqrt(var) * var_name) * w, (var_name, -sp.oo, sp.oo))


def _derivatives(phi):
    f = phi_expr(phi)
    df = sp.Lambda(x, sp.diff(f(x), x))
    prim = sp.Lambda(x, sp.integrate(f(x), x))
    return f, df, prim


def equations(phi="tanh"):
    """Labelled sympy equations of rank-one plus random networks (Mastrogiuseppe & Ostojic 2018).

    Returns a dict label -> ``sympy.Eq``: the static solution (mean, variance, overlap), the chaotic
    solution (Delta_inf, energy condition, overlap), the stability conditions (bulk radius,
    pitchfork of the homogeneous state, outlier of the homogeneous state) and the latent ODE of
    the overlap for g = 0 (Beiran et al. 2021).
    """
    s = symbols()
    g, k, mu, d0, di = s["g"], s["kappa"], s["mu"], s["delta0"], s["delta_inf"]
    Mm, Mn, Sm, Smn, lam = s["m_mean"], s["n_mean"], s["m_std"], s["mn_cov"], s["lam"]
    f, df, prim = _derivatives(phi)
    sq = sp.Lambda(x, f(x) ** 2)
    dsq = sp.Lambda(x, df(x) ** 2)
    eqs = {}
    eqs["mean"] = sp.Eq(mu, Mm * k)
    eqs["static variance"] = sp.Eq(d0, g ** 2 * gauss_avg(sq, mu, d0) + Sm ** 2 * k ** 2)
    eqs["overlap"] = sp.Eq(k, Mn * gauss_avg(f, mu, d0) + Smn * k * gauss_avg(df, mu, d0))
    inner = sp.Integral(f(mu + sp.sqrt(d0 - di) * y + sp.sqrt(di) * z)
                        * sp.exp(-y ** 2 / 2) / sp.sqrt(2 * sp.pi), (y, -sp.oo, sp.oo))
    inner_prim = sp.Integral(prim(mu + sp.sqrt(d0 - di) * y + sp.sqrt(di) * z)
                             * sp.exp(-y ** 2 / 2) / sp.sqrt(2 * sp.pi), (y, -sp.oo, sp.oo))
    wz = sp.exp(-z ** 2 / 2) / sp.sqrt(2 * sp.pi)
    eqs["chaotic static variance"] = sp.Eq(
        di, g ** 2 * sp.Integral(inner ** 2 * wz, (z, -sp.oo, sp.oo)) + Sm ** 2 * k ** 2)
    eqs["chaotic energy condition"] = sp.Eq(
        (d0 ** 2 - di ** 2) / 2,
        g ** 2 * (gauss_avg(sp.Lambda(x, prim(x) ** 2), mu, d0)
                  - sp.Integral(inner_prim ** 2 * wz, (z, -sp.oo, sp.oo)))
        + Sm ** 2 * k ** 2 * (d0 - di))
    eqs["chaos onset of a static state (bulk radius = 1)"] = sp.Eq(g ** 2 * gauss_avg(dsq, mu, d0), 1)
    eqs["pitchfork of the homogeneous state"] = sp.Eq((Mm * Mn + Smn) * gauss_avg(df, 0, d0), 1)
    eqs["outlier of the homogeneous static state"] = sp.Eq(lam, (Mm * Mn + Smn) * df(0))
    eqs.update(latent_ode(phi, n_populations=1))
    return eqs


def latent_ode(phi="tanh", n_populations=2):
    """The latent ODE of the overlap for a Gaussian mixture of ``n_populations`` (g = 0).

    Beiran et al. 2021 (Neural Comput 33:1572): population p has fraction alpha_p, loadings
    :math:`(m, n)` Gaussian with means :math:`M_{m,p}, M_{n,p}`, std :math:`\\Sigma_{m,p}` and
    covariance :math:`\\Sigma_{mn,p}`; Stein's lemma closes the dynamics on kappa.
    """
    s = symbols()
    t = s["t"]
    f, df, _ = _derivatives(phi)
    kt = sp.Function("kappa")(t)
    rhs = -kt
    label = "latent ODE of the overlap (g = 0)"
    if n_populations == 1:
        Mm, Mn, Sm, Smn = s["m_mean"], s["n_mean"], s["m_std"], s["mn_cov"]
        rhs += Mn * gauss_avg(f, Mm * kt, Sm ** 2 * kt ** 2) + Smn * kt * gauss_avg(df, Mm * kt, Sm ** 2 * kt ** 2)
        return {label: sp.Eq(sp.Derivative(kt, t), rhs)}
    for p in range(1, n_populations + 1):
        a, Mm, Mn = sp.symbols(f"alpha_{p} M_m{p} M_n{p}", real=True)
        Sm = sp.Symbol(f"Sigma_m{p}", nonnegative=True)
        Smn = sp.Symbol(f"Sigma_mn{p}", real=True)
        rhs += a * (Mn * gauss_avg(f, Mm * kt, Sm ** 2 * kt ** 2)
                    + Smn * kt * gauss_avg(df, Mm * kt, Sm ** 2 * kt ** 2))
    return {f"{label}, {n_populations} populations": sp.Eq(sp.Derivative(kt, t), rhs)}


def linear_closed_form():
    """Closed forms for phi(x) = x: the Gaussian averages evaluate, the overlap equation is linear.

    Returns a dict with the evaluated overlap equation ``kappa = (M_m M_n + Sigma_mn) kappa`` and
    the static variance ``Delta_0 = g^2 (mu^2 + Delta_0) + Sigma_m^2 kappa^2``; an oracle for the
    quadrature-based solvers.
    """
    s = symbols()
    eqs = equations("linear")
    out = {}
    for key in ("overlap", "static variance"):
        e = eqs[key]
        out[key] = sp.Eq(e.lhs, sp.simplify(e.rhs.doit().subs(s["mu"], s["m_mean"] * s["kappa"])))
    return out


def stein_identity():
    """Stein's lemma behind the Sigma_mn term: E[n f(m k + xi)] = M_n E[f] + Sigma_mn k E[f'].

    Returned as a sympy Eq for f = exp (both sides then evaluate in closed form, see tests).
    """
    s = symbols()
    k, Mn, Smn = s["kappa"], s["n_mean"], s["mn_cov"]
    return sp.Eq(sp.Symbol("E[n_i phi(x_i)]"),
                 Mn * sp.Symbol("<[phi]>") + Smn * k * sp.Symbol("<[phi']>"))
