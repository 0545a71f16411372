"""Low-rank E-I spiking networks as boundaries in an input-output space (sympy).

Podlaski & Machens (2024), Neural Comput 36:803 ("Approximating nonlinear functions with latent
boundaries in low-rank excitatory-inhibitory spiking networks").

A neuron with input weight F_i, latent weights E_i and threshold T_i is silent as long as
F_i x + E_i^T y <= T_i: its boundary is the hyperplane F_i x + E_i^T y = T_i in (x, y) space.

* Inhibitory population (readout y_I, E_i = -1): the subthreshold region y_I >= F_i x - T_i is
  convex (intersection of half-planes above lines), the leak pulls y_I down onto it and spikes
  push it back: a stable, convex boundary y_I = max_i (F_i x - T_i).
* Excitatory population (readout y_E, E_i = +w > 0): a spike raises y_E and with it the voltage
  of every E neuron: the boundary y_E = (T_i - F_i x)/w is unstable (concave side).
* Rank 2: E neurons V_i = F^E_i x + w y_E - y_I, I neurons V_j = F^I_j x + y_E - y_I; the fixed
  point is the intersection of the two boundaries, y_E = (H_hat - g_hat)/(1 - w): a difference of
  convex functions; it is inhibition-stabilised (E alone unstable, E with I stable).

Here: the boundaries and their intersection, the tangent-envelope error (derived), and the
stability of the intersection for soft boundaries (rates gamma (V - T)_+ with gains gamma_E,
gamma_I; hard boundaries are gamma -> infinity).
"""
from __future__ import annotations

import sympy as sp

__all__ = ["boundaries", "intersection", "envelope_error", "ei_stability", "equations"]


def _must(ok, what):
    if not ok:
        raise RuntimeError(f"derivation failed: {what}")


def boundaries():
    """Boundary lines of one E and one I neuron in the (y_E, y_I) plane at input x."""
    x, yE, yI, w = sp.symbols("x y_E y_I w", real=True)
    FE, FI, TE, TI = sp.symbols("F^E F^I T^E T^I", real=True)
    VE = FE * x + w * yE - yI
    VI = FI * x + yE - yI
    return {"voltage_E": sp.Eq(sp.Symbol("V_E"), VE), "voltage_I": sp.Eq(sp.Symbol("V_I"), VI),
            "boundary_E": sp.Eq(yI, sp.solve(sp.Eq(VE, TE), yI)[0]),
            "boundary_I": sp.Eq(yI, sp.solve(sp.Eq(VI, TI), yI)[0]),
            "inhibitory_region": sp.Ge(yI, FI * x + yE - TI)}


def intersection():
    """The rank-2 fixed point: both boundaries hold, solved for (y_E, y_I)."""
    x, yE, yI, w = sp.symbols("x y_E y_I w", real=True)
    FE, FI, TE, TI = sp.symbols("F^E F^I T^E T^I", real=True)
    sol = sp.solve([sp.Eq(FE * x + w * yE - yI, TE), sp.Eq(FI * x + yE - yI, TI)], [yE, yI], dict=True)[0]
    gI = sp.Symbol("ghat(x)")
    HE = sp.Symbol("Hhat(x)")
    # with lines F^I x - T^I = ghat, F^E x - T^E = Hhat: y_E = (Hhat - ghat)/(1 - w)
    yE_sol = sp.simplify(sol[yE].subs({FI * x: gI + TI}).subs({FE * x: HE + TE}))
    _must(sp.simplify(sol[yE] - ((FE * x - TE) - (FI * x - TI)) / (1 - w)) == 0,
          "y_E = (Hhat - ghat)/(1 - w)")
    return {"y_E_fixed_point": sp.Eq(yE, sp.simplify(sol[yE])), "y_I_fixed_point": sp.Eq(yI, sp.simplify(sol[yI])),
            "difference_of_convex": sp.Eq(yE, (HE - gI) / (1 - w)), "_check": yE_sol}


def envelope_error():
    """Gap between f(x) = c x^2 / 2 and its tangent envelope on a grid of spacing h.

    Tangents at 0 and h meet at x = h/2 where the gap is c h^2/8; for a general convex f the gap
    is f'' h^2 / 8 + O(h^3).  With N neurons on [a, b]: h = (b - a)/(N - 1).
    """
    x, h, c = sp.symbols("x h c", positive=True)
    f = c * x ** 2 / 2
    t0 = f.subs(x, 0) + sp.diff(f, x).subs(x, 0) * x
    th = f.subs(x, h) + sp.diff(f, x).subs(x, h) * (x - h)
    xm = sp.solve(sp.Eq(t0, th), x)[0]
    gap = sp.simplify(f.subs(x, xm) - t0.subs(x, xm))
    _must(sp.simplify(gap - c * h ** 2 / 8) == 0, "gap = c h^2 / 8")
    N, a, b = sp.symbols("N a b", positive=True)
    return {"switch_point": sp.Eq(sp.Symbol("x_s"), xm), "max_gap": sp.Eq(sp.Symbol("epsilon"), gap),
            "error_vs_N": sp.Eq(sp.Symbol("epsilon_N"), sp.Symbol("f''") * ((b - a) / (N - 1)) ** 2 / 8)}


def ei_stability():
    """Stability of the E-I intersection with soft boundaries (Podlaski & Machens 2024, sec. 5).

    Rates: tau dy_E/dt = -y_E + gamma_E (V_E - T_E), tau dy_I/dt = -y_I + gamma_I (V_I - T_I).
    E alone (y_I fixed) is unstable iff gamma_E w > 1; the coupled system is stable iff
    trace < 0 and det > 0; for hard boundaries (gamma -> infinity) det > 0 <=> w < 1 and
    trace < 0 <=> gamma_I > gamma_E w - 2: inhibition must be faster/stronger (I wins).
    """
    gE, gI, w, tau = sp.symbols("gamma_E gamma_I w tau", positive=True)
    J = sp.Matrix([[-1 + gE * w, -gE], [gI, -1 - gI]]) / tau
    tr = sp.simplify(J.trace())
    det = sp.factor(sp.simplify(J.det()))
    hard_det = sp.limit(sp.limit(J.det() * tau ** 2 / (gE * gI), gE, sp.oo), gI, sp.oo)
    return {"jacobian": J, "trace": sp.Eq(sp.Symbol("tr J"), tr), "determinant": sp.Eq(sp.Symbol("det J"), det),
            "E_alone_unstable": sp.StrictGreaterThan(gE * w, 1),
            "hard_boundary_det_over_gains": sp.Eq(sp.Symbol("lim det/(gamma_E gamma_I)"), hard_det),
            "inhibition_stabilized": sp.And(sp.StrictGreaterThan(w, 0), sp.StrictLessThan(w, 1))}


def equations():
    out = {}
    out.update(boundaries())
    out.update({k: v for k, v in intersection().items() if not k.startswith("_")})
    out.update(envelope_error())
    out.update(ei_stability())
    return out
