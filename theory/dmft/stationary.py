r"""Dynamic mean-field theory of random rate networks (sympy derivations).

Network: :math:`\dot x_i = -x_i + \sum_j J_{ij}\phi(x_j) + I_0`, :math:`J_{ij} = \bar J + g z_{ij}/\sqrt N`
with :math:`\bar J = J_0/N` (or :math:`-J_0/\sqrt N` and input :math:`\sqrt N I_0`, balanced),
time in units of tau (Sompolinsky, Crisanti, Sommers 1988, PRL 61:259).

Effective single unit (cavity / generating functional, exact as N -> infinity):

.. math::

    \dot x = -x + \mu + \eta(t),\qquad \langle\eta(t)\eta(t+\tau)\rangle = g^2 C(\tau),\qquad
    C(\tau) = \langle\phi(x(t))\phi(x(t+\tau))\rangle,

with :math:`\mu = I_0 + J_0\langle\phi\rangle` (balanced: :math:`J_0\langle\phi\rangle = I_0` at
leading order in N).  Since :math:`x` is the output of the filter :math:`(1 + d/dt)^{-1}` driven by
Gaussian :math:`\eta`, its autocovariance obeys
:math:`(1 - \partial_\tau^2)\Delta(\tau) = g^2 C_\phi(\Delta(\tau); \Delta_0, \mu)`, Newton's law
for a particle in the potential :math:`V(\Delta) = -\Delta^2/2 + g^2 C_\Phi(\Delta;\Delta_0,\mu)`
(Price's theorem :math:`\partial_\Delta C_\Phi = C_\phi`).  A stationary chaotic solution starts
at rest at :math:`\Delta_0` and reaches the hilltop :math:`\Delta_\infty` (:math:`V'(\Delta_\infty)=0`)
in infinite time: energy conservation :math:`V(\Delta_0) = V(\Delta_\infty)` fixes :math:`\Delta_0`.
Fixed points: :math:`\Delta \equiv \Delta_0 = g^2\langle\phi^2\rangle`, stable while
:math:`g^2\langle\phi'^2\rangle < 1`: onset :math:`g_c`.

Largest Lyapunov exponent: the tangent dynamics :math:`\dot y = -y + J\phi'(x) y` gives for
:math:`G(t,s) = \langle y(t)y(s)\rangle` the equation :math:`(\partial_t+1)(\partial_s+1)G =
g^2 C_{\phi'}(t,s) G`; with :math:`G = e^{\lambda(t+s)}\psi(t-s)`:
:math:`[-\partial_\tau^2 - g^2 C_{\phi'}(\Delta(\tau))]\psi = -(1+\lambda)^2\psi`, so
:math:`\lambda_{max} = -1 + \sqrt{-E_0}` with :math:`E_0` the ground-state energy.

Discrete-time map :math:`x_{t+1} = J\phi(x_t)`: :math:`\Delta(k+1) = g^2 C_\phi(\Delta(k);\Delta_0)`,
:math:`\Delta_0 = g^2\langle\phi^2\rangle`, :math:`\lambda = \tfrac12\ln g^2\langle\phi'^2\rangle`
(Molgedey, Schuchhardt, Schuster 1992, PRL 69:3717).
"""
from __future__ import annotations

import sympy as sp

from recnet.checks import ParameterError

__all__ = ["symbols", "transfer_expr", "gaussian_average", "gaussian_corr", "equations", "onset",
           "lyapunov_fixed_point", "map_equations", "static_variance_equations"]

x, tau, t, z, z1, z2 = sp.symbols("x tau t z z_1 z_2", real=True)
g, J0, I0 = sp.symbols("g J_0 I_0", real=True)
mu = sp.Symbol("mu", real=True)
D0, Dinf, D, E, lam = sp.symbols("Delta_0 Delta_infty Delta E lambda", real=True)
amp = sp.Symbol("a", nonnegative=True)
Delta = sp.Function("Delta")
psi = sp.Function("psi")


def symbols():
    """dict of the symbols used in the equations (name -> sympy Symbol/Function)."""
    return {"x": x, "tau": tau, "t": t, "g": g, "J0": J0, "I0": I0, "mu": mu, "Delta0": D0,
            "Delta_inf": Dinf, "Delta": D, "E": E, "lambda": lam, "Delta_fn": Delta, "psi": psi, "a": amp}


def transfer_expr(phi="tanh"):
    r"""(phi, phi', Phi) as sympy expressions in ``x`` (Phi = int_0^x phi, unevaluated if sympy fails).

    ``phi``: "tanh", "erf" (erf(sqrt(pi) x/2)), "relu", "linear" or an expression string in x.
    """
    if isinstance(phi, str):
        key = phi.strip()
        table = {"tanh": sp.tanh(x), "erf": sp.erf(sp.sqrt(sp.pi) * x / 2), "relu": sp.Max(x, 0), "linear": x}
        if key in table:
            f = table[key]
        else:
            # whitelist parser: a user string is never given to sympify (which runs Python)
            from recnet.expr import check_phi, parse
            f = parse(key, {"x": x}, name="phi")
            check_phi(f, x, name="phi")
    elif isinstance(phi, sp.Basic):
        f = phi
    else:
        from recnet.checks import ParameterTypeError
        raise ParameterTypeError("phi", phi, "must be a name, a formula string or a sympy expression")
    f = f.subs({s: x for s in f.free_symbols if s.name == "x"})
    extra = {s for s in f.free_symbols if s != x}
    if extra:
        raise ParameterError("phi", phi, f"it may depend on x only, found {sorted(map(str, extra))}")
    if not f.has(x):
        raise ParameterError("phi", phi, "it does not depend on x")
    df = sp.diff(f, x)
    s = sp.Symbol("s", real=True)
    if f == sp.tanh(x):
        P = sp.log(sp.cosh(x))
    elif f == sp.Max(x, 0):
        P = sp.Max(x, 0) ** 2 / 2
    else:
        try:
            P = sp.integrate(f.subs(x, s), (s, 0, x))
        except Exception:  # pragma: no cover - sympy internals
            P = sp.Integral(f.subs(x, s), (s, 0, x))
    return f, df, P


def _coefficient(name, value):
    """A number or sympy object as a sympy object; a string goes through the whitelist parser."""
    if isinstance(value, sp.Basic):
        return value
    if isinstance(value, str):
        from recnet.expr import parse
        return parse(value, {}, name=name)
    from recnet.checks import finite
    v = finite(name, value)
    return sp.Integer(int(v)) if v == int(v) else sp.Float(v)


def _dens(v):
    return sp.exp(-v ** 2 / 2) / sp.sqrt(2 * sp.pi)


def gaussian_average(f, delta0=D0, mean=mu):
    r""":math:`\langle f(\mu + \sqrt{\Delta_0} z)\rangle` as an unevaluated sympy Integral."""
    return sp.Integral(f.subs(x, mean + sp.sqrt(delta0) * z) * _dens(z), (z, -sp.oo, sp.oo))


def gaussian_corr(f, delta=D, delta0=D0, mean=mu):
    r""":math:`C_f(\Delta;\Delta_0,\mu) = \int Dz\,[\int Dz_1 f(\mu + \sqrt\Delta z + \sqrt{\Delta_0-\Delta} z_1)]^2`
    (for :math:`\Delta \ge 0`) as an unevaluated sympy Integral."""
    inner = sp.Integral(f.subs(x, mean + sp.sqrt(delta) * z + sp.sqrt(delta0 - delta) * z1) * _dens(z1),
                        (z1, -sp.oo, sp.oo))
    return sp.Integral(inner ** 2 * _dens(z), (z, -sp.oo, sp.oo))


def onset(phi="tanh", fixed_point=0):
    r"""Onset condition :math:`g_c^2 \phi'(x^*)^2 = 1` at a zero-variance fixed point x* (phi(x*) = 0).

    Returns the solved :math:`g_c` (e.g. 1 for tanh, :math:`1/\phi'(0)` for odd phi).  For ReLU the
    one-sided Gaussian average :math:`\langle H^2\rangle = 1/2` at the kink gives sqrt 2.
    """
    f, df, _ = transfer_expr(phi)
    if f == sp.Max(x, 0):
        return sp.sqrt(2)
    val = sp.simplify(f.subs(x, fixed_point))
    if val != 0:
        raise ValueError(f"x* = {fixed_point} is not a zero-variance fixed point: phi(x*) = {val} != 0")
    d = sp.simplify(df.subs(x, fixed_point))
    if d == 0:
        return sp.oo
    return 1 / sp.Abs(d)


def lyapunov_fixed_point(phi="tanh"):
    r""":math:`\lambda_{max} = -1 + g\sqrt{\langle\phi'^2\rangle}` at a fixed point (bulk spectral radius)."""
    _, df, _ = transfer_expr(phi)
    return sp.Eq(lam, -1 + g * sp.sqrt(gaussian_average(df ** 2)))


def map_equations(phi="tanh"):
    """Labelled equations of the discrete-time map x(t+1) = J phi(x(t)) (dict label -> sympy Eq)."""
    f, df, _ = transfer_expr(phi)
    k = sp.Symbol("k", integer=True)
    return {
        "map_variance": sp.Eq(D0, g ** 2 * gaussian_average(f ** 2, D0, 0)),
        "map_autocorrelation": sp.Eq(Delta(k + 1), g ** 2 * gaussian_corr(f, Delta(k), D0, 0)),
        "map_lyapunov": sp.Eq(lam, sp.log(g ** 2 * gaussian_average(df ** 2, D0, 0)) / 2),
        "map_onset": sp.Eq(g ** 2 * gaussian_average(df ** 2, D0, 0), 1),
    }


def static_variance_equations(phi="tanh"):
    r"""The stationary DMFT when :math:`\langle\phi\rangle \ne 0` (non-odd phi, or an input :math:`\mu \ne 0`).

    With :math:`J_{ij} \sim \mathcal N(0, g^2/N)` the population mean of the field is zero, but each
    unit's time-averaged rate :math:`m_i = \overline{\phi(x_i)}` is not, so the field
    :math:`h_i = \sum_j J_{ij}\phi(x_j)` has a quenched static part :math:`\sum_j J_{ij} m_j` of variance
    :math:`g^2\,\overline{m^2}` over units: :math:`\Delta(\tau\to\infty) = \Delta_\infty > 0`.  Writing
    :math:`\Delta_0 = \Delta_\infty + a` (a: the temporal variance of each unit, averaged over units),
    the stationary chaotic state solves two conditions in :math:`(\Delta_\infty, a)`:

    * hilltop: :math:`\Delta_\infty = g^2 C_\phi(\Delta_\infty; \Delta_\infty + a)`
      (the :math:`\tau\to\infty` limit of the autocorrelation ODE; :math:`C_\phi(\Delta_\infty)` is the
      average over the static Gaussian field of the squared time-averaged rate), with
      :math:`g^2 C_{\phi'}(\Delta_\infty) < 1` (a maximum of V, reached in infinite time);
    * energy: :math:`V(\Delta_0) = V(\Delta_\infty)`, i.e.
      :math:`\int_{\Delta_\infty}^{\Delta_\infty + a}[g^2 C_\phi(\Delta) - \Delta]\,d\Delta = 0`
      (Price's theorem :math:`\partial_\Delta C_\Phi = C_\phi`), and :math:`V'(\Delta_0) < 0`;

    a = 0 is the heterogeneous fixed point :math:`\Delta_0 = g^2\langle\phi^2\rangle`, unstable when
    :math:`g^2\langle\phi'^2\rangle > 1` (this defines g_c, e.g. 2.5387 for 1 + tanh).  For odd phi
    without input :math:`\Delta_\infty = 0` and the equations reduce to SCS 1988.  The Lyapunov
    problem is unchanged; its continuum starts at :math:`-g^2 C_{\phi'}(\Delta_\infty) > -1`, so the
    zero mode :math:`\psi = \dot\Delta` (E = -1) stays bound.

    Returns a dict label -> sympy object: static_field, hilltop_static, hilltop_stability,
    energy_static, start_down, jensen_bound, fixed_point_limit, lyapunov_continuum,
    time_averaged_rate.
    """
    f, df, P = transfer_expr(phi)
    d0 = Dinf + amp
    m = sp.Symbol("m_i", real=True)
    return {
        "static_field": sp.Eq(Dinf, g ** 2 * sp.Symbol(r"\overline{m^2}", positive=True)),
        "hilltop_static": sp.Eq(Dinf, g ** 2 * gaussian_corr(f, Dinf, d0, mu)),
        "hilltop_stability": sp.StrictLessThan(g ** 2 * gaussian_corr(df, Dinf, d0, mu), 1),
        "energy_static": sp.Eq(sp.Integral(g ** 2 * gaussian_corr(f, D, d0, mu) - D, (D, Dinf, d0)), 0),
        "start_down": sp.StrictGreaterThan(g ** 2 * gaussian_average(f ** 2, d0, mu), d0),
        "jensen_bound": sp.GreaterThan(Dinf, g ** 2 * gaussian_average(f, d0, mu) ** 2),
        "fixed_point_limit": sp.Eq(D0, g ** 2 * gaussian_average(f ** 2, D0, mu)),
        "lyapunov_continuum": sp.Eq(E, -g ** 2 * gaussian_corr(df, Dinf, d0, mu)),
        "time_averaged_rate": sp.Eq(m, sp.Symbol(r"\overline{\phi(x_i)}")),
    }


def equations(phi="tanh", j0=0, balanced=False):
    r"""The stationary DMFT as labelled sympy equations (dict label -> sympy object).

    Labels: effective_field, noise_correlation, mean_input, autocorrelation_ode, potential,
    newton, hilltop, energy_condition, fixed_point, onset_condition, g_c (for zero-mean fixed
    points), lyapunov_schrodinger, lyapunov_max, lyapunov_fixed_point, eigenfunction_check, the
    discrete-time map equations (map_*) and the two conditions in (Delta_inf, a) that hold when
    <phi> != 0 (:func:`static_variance_equations`).  Closed-form kernels for erf/relu/linear are in
    :mod:`recnet.theory.dmft.gaussian_kernels`.
    """
    f, df, P = transfer_expr(phi)
    xt = sp.Function("x")(t)
    eta = sp.Function("eta")(t)
    Cphi = gaussian_corr(f, Delta(tau), D0, mu)
    Cdphi = gaussian_corr(df, Delta(tau), D0, mu)
    V = -D ** 2 / 2 + g ** 2 * gaussian_corr(P, D, D0, mu)
    j0s = _coefficient("j0", j0)
    mean_phi = gaussian_average(f, D0, mu)
    if balanced:
        mean_eq = sp.Eq(J0 * mean_phi, I0)
    else:
        mean_eq = sp.Eq(mu, I0 + J0 * mean_phi)
    eqs = {
        "effective_field": sp.Eq(sp.Derivative(xt, t), -xt + mu + eta),
        "noise_correlation": sp.Eq(sp.Function("C_eta")(tau), g ** 2 * sp.Function("C")(tau)),
        "mean_input": mean_eq.subs(J0, j0s) if j0s != 0 else sp.Eq(mu, I0),
        "autocorrelation_ode": sp.Eq(Delta(tau) - sp.Derivative(Delta(tau), (tau, 2)), g ** 2 * Cphi),
        "potential": sp.Eq(sp.Function("V")(D), V),
        "newton": sp.Eq(sp.Derivative(Delta(tau), (tau, 2)), -sp.Derivative(sp.Function("V")(Delta(tau)), Delta(tau))),
        "hilltop": sp.Eq(Dinf, g ** 2 * gaussian_corr(f, Dinf, D0, mu)),
        "energy_condition": sp.Eq(V.subs(D, D0), V.subs(D, Dinf)),
        "fixed_point": sp.Eq(D0, g ** 2 * gaussian_average(f ** 2, D0, mu)),
        "onset_condition": sp.Eq(g ** 2 * gaussian_average(df ** 2, D0, mu), 1),
        "lyapunov_schrodinger": sp.Eq(-sp.Derivative(psi(tau), (tau, 2)) - g ** 2 * Cdphi * psi(tau), E * psi(tau)),
        "lyapunov_max": sp.Eq(lam, -1 + sp.sqrt(-E)),
        "lyapunov_fixed_point": lyapunov_fixed_point(phi),
        "eigenfunction_check": sp.Eq(sp.Symbol("psi_odd"), sp.Derivative(Delta(tau), tau)),
    }
    try:
        if j0s == 0:
            eqs["g_c"] = sp.Eq(sp.Symbol("g_c"), onset(phi))
    except ValueError:
        pass
    eqs.update(map_equations(phi))
    eqs.update(static_variance_equations(phi))
    return eqs
