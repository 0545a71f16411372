"""Closed forms for Lyapunov spectra of rate and spiking networks (sympy).

Rate network (time in units of tau)

.. math:: \\tau\\dot x = -x + J\\phi(x) + I(t), \\qquad D(x) = -\\mathbb 1 + J\\,\\mathrm{diag}\\,\\phi'(x).

* **Sum rule** (Liouville): the sum of all exponents is the time average of the trace of the
  Jacobian, :math:`\\sum_i\\lambda_i = \\langle \\mathrm{tr}\\,D\\rangle = -N/\\tau + \\langle\\sum_i
  J_{ii}\\phi'(x_i)\\rangle`, i.e. exactly :math:`-N/\\tau` for zero self-coupling.  For the map
  :math:`x\\mapsto a x + b(J\\phi(x)+I)` (Euler: a = 1 - dt, b = dt) the sum per unit time is
  :math:`\\langle\\ln|\\det(a\\mathbb 1 + bJ\\Phi')|\\rangle/dt = N\\ln a/dt + \\langle\\ln\\det(
  \\mathbb 1+\\epsilon J\\Phi')\\rangle/dt` with :math:`\\epsilon=b/a`; with zero diagonal the second
  term starts at :math:`-\\epsilon^2\\langle\\mathrm{tr}(J\\Phi')^2\\rangle/(2dt)`, O(1) against the
  O(N) first term.
* **Below the chaos onset** (g < 1, phi = tanh, fixed point x = 0 with phi'(0) = 1) the dynamics is
  linear, :math:`\\dot x = (-1 + J)x`, and the Lyapunov exponents are the real parts of the
  eigenvalues of :math:`-1 + J` (the asymptotic growth rates :math:`\\lim t^{-1}\\ln\\sigma_i(e^{tA})`
  are the real parts also for non-normal A).  By the circular law the eigenvalues of J fill the disc
  of radius g uniformly, so the real parts have the semicircle density
  :math:`\\rho(x) = \\frac{2}{\\pi g^2}\\sqrt{g^2 - x^2}` and the exponents
  :math:`\\lambda = (x - 1)/\\tau` have density :math:`\\tau\\rho(\\tau\\lambda + 1)`.
  For the Euler map, :math:`\\lambda = \\ln|a + b\\mu|/dt`, and :math:`P(\\lambda\\le y)` is the area
  of the disc :math:`|\\mu|\\le g` inside the disc :math:`|\\mu + a/b| \\le e^{y\\,dt}/b`, over
  :math:`\\pi g^2` (a lens area, closed form).
* **Largest exponent** from dynamic mean-field theory: ``recnet.numerics.dmft.stationary.solve_stationary``.

Spiking networks in the phase representation (Monteforte & Wolf 2010):

* theta (QIF) neuron :math:`\\tau\\dot V = V^2 + I`, :math:`V=\\tan(\\theta/2)`; with
  :math:`\\theta = 2\\arctan(\\sqrt I\\tan(\\psi/2))` the phase :math:`\\psi` advances at
  :math:`\\omega = 2\\sqrt I/\\tau`; an input pulse :math:`V\\to V+J` maps the phase by the phase
  transition curve :math:`g(\\psi) = 2\\arctan(\\tan(\\psi/2) + c)`, :math:`c = J/\\sqrt I`.
* LIF neuron :math:`\\tau\\dot V = -V + I`, threshold 1, reset 0, :math:`V = U(\\psi) =
  I(1-e^{-(\\psi+\\pi)/(\\omega\\tau)})`, :math:`\\omega = 2\\pi/(\\tau\\ln\\frac{I}{I-1})`,
  :math:`g(\\psi) = U^{-1}(U(\\psi)+J)`, :math:`g' = (I-U)/(I-U-J)` < 1 for inhibition J < 0.
* single-spike Jacobian: when neuron j spikes, each postsynaptic i gets :math:`D_{ii} = g'(\\psi_i)`,
  :math:`D_{ij} = 1 - g'(\\psi_i)`; every other row is a row of the identity.  Rows sum to 1, so
  :math:`(1,\\dots,1)` (a time shift) is invariant: one exponent is exactly zero.
* balance (inhibitory network, :math:`J = -j_0/\\sqrt K`): :math:`I = \\tau\\sqrt K j_0\\bar\\nu`
  to leading order in :math:`\\sqrt K`.

References
----------
Engelken, Wolf, Abbott 2023, Phys. Rev. Research 5:043044; Monteforte & Wolf 2010, PRL
105:268104; Sommers, Crisanti, Sompolinsky, Stein 1988, PRL 60:1895 (circular law, elliptic);
Girko 1985 (circular law).
"""
from __future__ import annotations

import sympy as sp

from recnet import checks

__all__ = ["equations", "sum_rule_flow", "sum_rule_map", "circular_law_real_part_density",
           "circular_law_real_part_cdf", "subcritical_exponent_density", "lens_area",
           "theta_phase_transition_curve", "lif_phase_transition_curve", "balance_current"]

x, y, g, tau, N, dt, a, b = sp.symbols("x y g tau N dt a b", real=True)
lam = sp.Symbol("lambda", real=True)
psi, c, I, J, K, j0, nu = sp.symbols("psi c I J K j_0 nu", real=True)


def sum_rule_flow(zero_diagonal=True):
    """Sum of all N exponents of the rate flow: ``-N/tau`` (zero diagonal) [1/tau]."""
    trace_extra = 0 if zero_diagonal else sp.Symbol(r"\langle \sum_i J_{ii}\phi'(x_i) \rangle")
    return sp.Eq(sp.Symbol(r"\sum_i \lambda_i"), -N / tau + trace_extra)


def sum_rule_map(integrator="euler", per="time"):
    """Leading term of the exponent sum of the rate map ``x -> a x + b (J phi(x) + I)``.

    ``per="time"``: per unit time, ``N ln(a) / dt``; ``per="step"``: per iteration, ``N ln(a)``.
    Euler: a = 1 - dt; exponential Euler: a = exp(-dt) (then exactly -N per unit time).
    The correction :math:`\\langle\\ln\\det(1 + \\epsilon J\\Phi')\\rangle` (per step) is
    :math:`O(\\epsilon^2)`, :math:`\\epsilon = b/a`, and does not grow with N.
    """
    aa = {"euler": 1 - dt, "exp_euler": sp.exp(-dt)}[integrator]
    s = N * sp.log(aa)
    return sp.simplify(s / dt) if per == "time" else s


def circular_law_real_part_density():
    """Density of Re(mu) for mu uniform on the disc |mu| <= g: derived by integrating over Im(mu)."""
    v = sp.Symbol("v", real=True)
    dens = sp.integrate(1 / (sp.pi * g**2), (v, -sp.sqrt(g**2 - x**2), sp.sqrt(g**2 - x**2)))
    return sp.simplify(dens)


def circular_law_real_part_cdf():
    """P(Re mu <= y) for mu uniform on the disc of radius g, for -g <= y <= g (closed form)."""
    gp = sp.Symbol("g", positive=True)
    yy = sp.Symbol("y", real=True)
    dens = circular_law_real_part_density().subs(g, gp)
    F = sp.integrate(dens.subs(x, sp.Symbol("s")), (sp.Symbol("s"), -gp, yy))
    F = sp.simplify(F)
    return F.subs({gp: g, yy: y})


def subcritical_exponent_density():
    """Density of Lyapunov exponents of the flow at the stable fixed point (g < 1) [per 1/tau]."""
    return sp.simplify(tau * circular_law_real_part_density().subs(x, tau * lam + 1))


def lens_area(R1, R2, d):
    """Area of the intersection of two discs with radii R1, R2 and centre distance d (0 < d)."""
    R1, R2, d = map(sp.sympify, (R1, R2, d))
    general = (R1**2 * sp.acos((d**2 + R1**2 - R2**2) / (2 * d * R1))
               + R2**2 * sp.acos((d**2 + R2**2 - R1**2) / (2 * d * R2))
               - sp.sqrt((-d + R1 + R2) * (d + R1 - R2) * (d - R1 + R2) * (d + R1 + R2)) / 2)
    return sp.Piecewise((0, d >= R1 + R2), (sp.pi * sp.Min(R1, R2)**2, d <= sp.Abs(R1 - R2)),
                        (general, True))


def theta_phase_transition_curve():
    """Phase transition curve of the theta neuron, derived from the QIF solution.

    Returns (g(psi), g'(psi), omega): the pulse V -> V + J with V = sqrt(I) tan(psi/2) maps
    tan(psi/2) -> tan(psi/2) + J/sqrt(I).
    """
    omega = 2 * sp.sqrt(I) / tau
    # V = sqrt(I) tan(psi/2) and V + J = sqrt(I) tan(g/2)  =>  g = 2 atan(tan(psi/2) + J/sqrt(I))
    gpsi = 2 * sp.atan(sp.tan(psi / 2) + c)
    return gpsi, sp.simplify(sp.diff(gpsi, psi)), omega


def lif_phase_transition_curve():
    """Phase transition curve of the LIF neuron (threshold 1, reset 0, drive I > 1)."""
    w = sp.Symbol("omega", positive=True)
    U = I * (1 - sp.exp(-(psi + sp.pi) / (w * tau)))
    v = sp.Symbol("v", real=True)
    Uinv = -sp.pi - w * tau * sp.log(1 - v / I)
    gpsi = Uinv.subs(v, U + J)
    period = tau * sp.log(I / (I - 1))
    return sp.simplify(gpsi), sp.simplify(sp.diff(gpsi, psi)), 2 * sp.pi / period


def balance_current():
    """External drive of an inhibitory balanced network, leading order in sqrt(K)."""
    return sp.Eq(I, tau * sp.sqrt(K) * j0 * nu)


def equations(model="rate"):
    """Labelled closed forms for ``recnet derive lyapunov``."""
    eq = {}
    if model == "rate":
        eq["sum rule, flow (zero diagonal) [1/tau]"] = sum_rule_flow()
        eq["sum rule, Euler map, leading term [1/tau]"] = sp.Eq(sp.Symbol(r"\sum_i \lambda_i"),
                                                                sum_rule_map("euler"))
        eq["real-part density of the circular law, radius g"] = sp.Eq(sp.Symbol(r"\rho(x)"),
                                                                      circular_law_real_part_density())
        eq["its CDF"] = sp.Eq(sp.Symbol("F(y)"), circular_law_real_part_cdf())
        eq["density of exponents below chaos onset (g < 1)"] = sp.Eq(sp.Symbol(r"p(\lambda)"),
                                                                     subcritical_exponent_density())
    elif model == "theta":
        gpsi, dg, omega = theta_phase_transition_curve()
        eq["theta phase transition curve"] = sp.Eq(sp.Symbol(r"g(\psi)"), gpsi)
        eq["its derivative (single-spike Jacobian diagonal)"] = sp.Eq(sp.Symbol(r"g'(\psi)"), dg)
        eq["phase velocity"] = sp.Eq(sp.Symbol(r"\omega"), omega)
        eq["balance condition"] = balance_current()
        eq["coupling"] = sp.Eq(c, -j0 / (sp.sqrt(K) * sp.sqrt(I)))
    elif model == "lif":
        gpsi, dg, omega = lif_phase_transition_curve()
        eq["LIF phase transition curve"] = sp.Eq(sp.Symbol(r"g(\psi)"), gpsi)
        eq["its derivative"] = sp.Eq(sp.Symbol(r"g'(\psi)"), dg)
        eq["phase velocity"] = sp.Eq(sp.Symbol(r"\omega"), omega)
    else:
        raise checks.ParameterError("model", model, "rate, theta or lif",
                                    f"model = {model!r} is invalid: choose rate, theta or lif")
    return eq
