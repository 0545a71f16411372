r"""LIF neurons with exponential current synapses (PyNN ``IF_curr_exp``): the input statistics the
mean field uses, the exact one-step propagator, and the Fourcaud-Brunel boundary shift (sympy).

Model (potentials relative to v_rest; ms, mV, nA, nF)::

    C dV/dt = -C V / tau_m + I(t),   tau_s dI/dt = -I + tau_s sum_k w_k delta(t - t_k),

so one input spike of amplitude w (nA) at t = 0 gives the current w exp(-t/tau_s) and the
postsynaptic potential (:func:`psp`)

    V(s) = w tau_m tau_s / (C (tau_m - tau_s)) (exp(-s/tau_m) - exp(-s/tau_s)).

Delta-equivalent weight.  A delta synapse of jump J gives V(s) = J exp(-s/tau_m), of integral
J tau_m; the exp PSP has integral w tau_s tau_m / C.  Equal integrals, hence the same mean input,
give J = w tau_s / C (:func:`delta_equivalent_weight`; Fourcaud & Brunel 2002, eq. 3.4; NNMT's
``J = tau_s W / C``).

Input statistics (Campbell's theorem for K Poisson inputs of rate nu, :func:`shot_noise_moments`):
the free membrane potential has mean K nu \int V = tau_m K J nu = mu and variance K nu \int V^2 =
(sigma^2 / 2) tau_m / (tau_m + tau_s) with sigma^2 = tau_m K J^2 nu, the white-noise amplitude
(Brunel's convention: tau_m dV/dt = -V + mu + sigma sqrt(tau_m) xi).  The mean field therefore uses
mu and sigma of the delta-equivalent weights; the colored noise's effect (the variance reduction and
the changed threshold crossing statistics) is what the Fourcaud-Brunel shift corrects, to first order
in sqrt(tau_s/tau_m) (:func:`effective_boundaries`).

References: Fourcaud N, Brunel N (2002) Neural Comput 14:2057; Rotter S, Diesmann M (1999) Biol
Cybern 81:381 (exact integration).
"""
from __future__ import annotations

import sympy as sp

__all__ = ["symbols", "psp", "psp_residual", "delta_equivalent_weight", "propagator_p21", "propagator_p21_singular",
           "shot_noise_moments", "alpha", "effective_boundaries"]

s, h, t = sp.symbols("s h t", nonnegative=True)
tau_m, tau_s, C, K, nu = sp.symbols("tau_m tau_s C K nu", positive=True)
w, J, mu, sigma, V_th, V_r = sp.symbols("w J mu sigma V_th V_r", real=True)


def symbols():
    """The symbols used here, by name."""
    return dict(s=s, h=h, t=t, tau_m=tau_m, tau_s=tau_s, C=C, K=K, nu=nu, w=w, J=J, mu=mu, sigma=sigma,
                V_th=V_th, V_r=V_r)


def psp():
    """V(s) after one spike of amplitude w at s = 0 (V(0) = 0), tau_s != tau_m; :func:`psp_residual`
    checks that it solves the ODE."""
    return w * tau_m * tau_s / (C * (tau_m - tau_s)) * (sp.exp(-s / tau_m) - sp.exp(-s / tau_s))


def psp_residual():
    """(ODE residual dV/ds + V/tau_m - w exp(-s/tau_s)/C, V(0)): both simplify to 0."""
    v = psp()
    return sp.simplify(v.diff(s) + v / tau_m - w * sp.exp(-s / tau_s) / C), sp.simplify(v.subs(s, 0))


def _laplace0(expr):
    """\\int_0^oo ds of a polynomial in exp(-s/tau_m), exp(-s/tau_s) without constant term: written
    with x = exp(-s/tau_m), y = exp(-s/tau_s), each monomial x^i y^j integrates to
    1/(i/tau_m + j/tau_s) (sympy's general ``integrate`` is slow here and returns nan for V^2)."""
    x, y = sp.symbols("x y", positive=True)
    poly = sp.Poly(sp.expand(expr.subs({sp.exp(-s / tau_m): x, sp.exp(-s / tau_s): y})), x, y)
    total = 0
    for (i, j), c in poly.terms():
        if i == 0 and j == 0:
            raise ValueError("a constant term does not decay: the integral diverges")
        total += c / (sp.Integer(i) / tau_m + sp.Integer(j) / tau_s)
    return sp.simplify(total)


def delta_equivalent_weight():
    """J = w tau_s / C: the delta jump whose PSP has the same integral as the exp PSP."""
    area_exp = _laplace0(psp())
    area_delta = sp.integrate(J * sp.exp(-s / tau_m), (s, 0, sp.oo))
    return sp.simplify(sp.solve(sp.Eq(area_delta, area_exp), J)[0])


def propagator_p21():
    """P21 = V(h) for a unit current (w = 1) present at the start of the step: the exp-to-membrane
    propagator of the exact integration (tau_s != tau_m)."""
    return sp.simplify(psp().subs({w: 1, s: h}))


def propagator_p21_singular():
    """P21 at tau_s = tau_m: the limit of :func:`propagator_p21` (h/C) exp(-h/tau_m), also the
    solution of the ODE with tau_s = tau_m directly."""
    return sp.simplify(sp.limit(propagator_p21(), tau_s, tau_m))


def shot_noise_moments():
    """(mean, variance) of the free membrane potential for K Poisson inputs of rate nu with PSC
    amplitude w (Campbell's theorem), written with J = w tau_s / C."""
    v = psp()
    mean = sp.simplify(K * nu * _laplace0(v))
    var = sp.simplify(K * nu * _laplace0(v ** 2))
    wj = sp.solve(sp.Eq(J, delta_equivalent_weight()), w)[0]
    return sp.simplify(mean.subs(w, wj)), sp.simplify(var.subs(w, wj))


def alpha():
    """alpha = sqrt(2) |zeta(1/2)| (Fourcaud & Brunel 2002)."""
    return sp.sqrt(2) * sp.Abs(sp.zeta(sp.Rational(1, 2)))


def effective_boundaries():
    """(V_th,eff, V_r,eff) = V + sigma alpha/2 sqrt(tau_s/tau_m): the Siegert formula with these
    boundaries is the stationary rate to first order in sqrt(tau_s/tau_m) (Fourcaud & Brunel 2002)."""
    k = alpha() / 2 * sp.sqrt(tau_s / tau_m)
    return V_th + sigma * k, V_r + sigma * k
