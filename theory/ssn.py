r"""The stabilized supralinear network (SSN): symbolic fixed points, stability and regimes.

Rate dynamics of populations :math:`a = 1..N` (Ahmadian, Rubin, Miller 2013, Neural Comput
25:1994, eq. 1; Rubin, Van Hooser, Miller 2015, Neuron 85:402)

.. math::  \tau_a \dot r_a = -r_a + k\,[u_a]_+^n, \qquad u_a = \sum_b W_{ab} r_b + h_a ,

with a signed weight matrix (Dale's law: columns of E populations >= 0, of I populations <= 0).
For two populations we write the magnitudes :math:`W_{EE}, W_{EI}, W_{IE}, W_{II} \ge 0`, so that
``W = [[W_EE, -W_EI], [W_IE, -W_II]]``.  Rates are in Hz, inputs h and net inputs u in the model's
input unit (mV in the SSN literature), k in Hz / unit^n, time constants in ms.

Everything here is sympy: the fixed-point equations, the Jacobian, the stability conditions, the
inhibition-stabilized (ISN) condition, the sign of the paradoxical response dr_I/dh_I, the
supralinear-to-sublinear scale, the strong-input limit r -> -W^{-1} h with the supersaturation
condition, and for integer n the elimination of u_I that turns the two-population fixed points
into the roots of one univariate polynomial of degree n^2 (``reduced_polynomial``).
"""
from __future__ import annotations

import functools

import sympy as sp

from recnet import checks

__all__ = [
    "symbols", "weight_matrix", "dynamics", "fixed_point_equations", "jacobian",
    "stability_conditions", "isn_condition", "response_matrix", "paradoxical_response",
    "transition_scale", "strong_input_limit", "supersaturation_condition",
    "reduced_polynomial", "support_polynomials", "exact_fixed_points", "ring_fixed_point_equations", "equations",
]


@functools.lru_cache(maxsize=None)
def symbols():
    """Named sympy symbols of the two-population model (all weight magnitudes positive)."""
    names = "r_E r_I u_E u_I h_E h_I"
    r_E, r_I, u_E, u_I, h_E, h_I = sp.symbols(names, real=True)
    W_EE, W_EI, W_IE, W_II = sp.symbols("W_EE W_EI W_IE W_II", nonnegative=True)
    k, n, tau_E, tau_I = sp.symbols("k n tau_E tau_I", positive=True)
    g_E, g_I = sp.symbols("g_E g_I", nonnegative=True)   # gains k n u^(n-1) at the fixed point
    c = sp.symbols("c", positive=True)                   # input strength (contrast)
    return dict(r_E=r_E, r_I=r_I, u_E=u_E, u_I=u_I, h_E=h_E, h_I=h_I, W_EE=W_EE, W_EI=W_EI,
                W_IE=W_IE, W_II=W_II, k=k, n=n, tau_E=tau_E, tau_I=tau_I, g_E=g_E, g_I=g_I, c=c)


def weight_matrix():
    """Signed 2x2 weight matrix ``[[W_EE, -W_EI], [W_IE, -W_II]]`` (Dale's law built in)."""
    s = symbols()
    return sp.Matrix([[s["W_EE"], -s["W_EI"]], [s["W_IE"], -s["W_II"]]])


def _relu_pow(x, n):
    return sp.Piecewise((x ** n, x > 0), (0, True))


def dynamics():
    r"""The rate equations :math:`\dot r_a = (-r_a + k[u_a]_+^n)/\tau_a` as a 2-vector (1/ms * Hz)."""
    s = symbols()
    r = sp.Matrix([s["r_E"], s["r_I"]])
    u = weight_matrix() * r + sp.Matrix([s["h_E"], s["h_I"]])
    tau = [s["tau_E"], s["tau_I"]]
    return sp.Matrix([(-r[i] + s["k"] * _relu_pow(u[i], s["n"])) / tau[i] for i in range(2)])


def fixed_point_equations():
    r"""Fixed points in the net inputs u with both populations active (u_a > 0):

    :math:`u = W k u^n + h` (componentwise power), i.e. ``u - W k u**n - h = 0``;
    rates follow as r_a = k u_a^n.  With a population silent its rate is 0 and its equation
    reads u_a = sum_b W_ab r_b + h_a <= 0.
    """
    s = symbols()
    u = sp.Matrix([s["u_E"], s["u_I"]])
    r = sp.Matrix([s["k"] * s["u_E"] ** s["n"], s["k"] * s["u_I"] ** s["n"]])
    return u - weight_matrix() * r - sp.Matrix([s["h_E"], s["h_I"]])


def jacobian():
    r"""Jacobian of the rate dynamics at a fixed point: :math:`J = T^{-1}(-1 + G W)`.

    G = diag(g_E, g_I) with the gains g_a = k n u_a^{n-1} (0 for a silent population) and
    T = diag(tau_E, tau_I).
    """
    s = symbols()
    T = sp.diag(s["tau_E"], s["tau_I"])
    G = sp.diag(s["g_E"], s["g_I"])
    return T.inv() * (-sp.eye(2) + G * weight_matrix())


def stability_conditions():
    r"""The 2x2 Routh-Hurwitz conditions: stable iff det J > 0 and tr J < 0.

    Returns a dict with the expressions ``det`` (of tau_E tau_I J) and ``trace`` of J; the
    fixed point is linearly stable iff det > 0 and trace < 0.
    """
    s = symbols()
    J = jacobian()
    det = sp.expand(sp.simplify(J.det() * s["tau_E"] * s["tau_I"]))
    tr = sp.simplify(J.trace())
    return {"det": det, "trace": tr}


def isn_condition():
    r"""Inhibition-stabilized regime: the E subnetwork alone is unstable, g_E W_EE > 1.

    Returned as the expression ``g_E W_EE - 1`` (ISN iff > 0, at a stable fixed point).
    """
    s = symbols()
    return s["g_E"] * s["W_EE"] - 1


def response_matrix():
    r"""Linear response of the fixed-point rates to the inputs: dr/dh = (1 - G W)^{-1} G."""
    s = symbols()
    G = sp.diag(s["g_E"], s["g_I"])
    return sp.simplify((sp.eye(2) - G * weight_matrix()).inv() * G)


def paradoxical_response():
    r"""dr_I/dh_I = g_I (1 - g_E W_EE) / D with D = det(1 - G W) = tau_E tau_I det J > 0 when stable.

    So at a stable fixed point the I rate falls with extra drive to I (paradoxical effect) iff
    g_E W_EE > 1, i.e. iff the network is inhibition-stabilized (Tsodyks et al. 1997; Ahmadian
    et al. 2013, section 5).
    """
    return sp.simplify(response_matrix()[1, 1])


def transition_scale():
    r"""Input scale of the supralinear-to-sublinear transition: u* = (k ||W||)^{-1/(n-1)}.

    The recurrent input W k u^n matches the net input u when k ||W|| u^{n-1} ~ 1; below it the
    network responds like the single-neuron power law r ~ k h^n (supralinear), above it the
    rates approach the linear (sublinear in relative terms) balanced solution -W^{-1} h.
    ``||W||`` is represented by the symbol ``W_norm``.
    """
    s = symbols()
    Wn = sp.Symbol("W_norm", positive=True)
    return (s["k"] * Wn) ** (-1 / (s["n"] - 1))


def strong_input_limit():
    r"""Rates per unit input as the input h = c h0 grows: r / c -> -W^{-1} h0 (when det W > 0).

    The rates grow linearly in c at large c with slope vector -W^{-1} h0 (Ahmadian et al. 2013,
    eq. for the balanced limit); returned as a 2-vector in h_E, h_I.
    """
    s = symbols()
    return sp.simplify(-weight_matrix().inv() * sp.Matrix([s["h_E"], s["h_I"]]))


def supersaturation_condition():
    r"""E rate falls at strong input iff (-W^{-1} h)_E < 0, i.e. W_EI h_I > W_II h_E (det W > 0).

    Returned as the expression ``W_EI h_I - W_II h_E`` (supersaturation iff > 0 with det W > 0).
    """
    s = symbols()
    return s["W_EI"] * s["h_I"] - s["W_II"] * s["h_E"]


def reduced_polynomial(n=2):
    r"""For integer n, all fixed points with both populations active as roots of one polynomial.

    From the E equation, q(u_E) := k u_I^n = (u_E - W_EE k u_E^n - h_E) / (-W_EI) (W_EI > 0);
    the I equation then gives u_I = P(u_E) := W_IE k u_E^n - W_II q(u_E) + h_I, and k P^n = q
    is a polynomial equation of degree n^2 in u_E alone.  Its real roots with u_E > 0,
    P(u_E) > 0 are exactly the active-active fixed points.

    Returns
    -------
    dict with ``q``, ``P`` (expressions in u_E) and ``poly`` (the polynomial k P^n - q).
    """
    n = int(n)
    if n < 1:
        raise checks.ParameterError("n", n, "an integer >= 1",
                                    f"n = {n} is invalid: must be an integer >= 1 for the polynomial form")
    s = symbols()
    uE, k = s["u_E"], s["k"]
    q = (uE - s["W_EE"] * k * uE ** n - s["h_E"]) / (-s["W_EI"])
    P = s["W_IE"] * k * uE ** n - s["W_II"] * q + s["h_I"]
    poly = sp.expand(k * P ** n - q)
    return {"q": sp.simplify(q), "P": sp.expand(P), "poly": poly}


def support_polynomials(n=2):
    r"""For integer n, the univariate polynomial and the sign conditions of every support.

    Returns a dict keyed by support ("EI", "E", "I", "none"), each a dict with ``variable``,
    ``poly`` (= 0 at a fixed point; None for "none") and ``conditions`` (sympy relations that
    must hold: the active net inputs > 0, the silent ones <= 0), with u_I = P(u_E) for "EI".
    Together these are all fixed points of the two-population SSN.
    """
    n = int(n)
    s = symbols()
    uE, uI, k = s["u_E"], s["u_I"], s["k"]
    red = reduced_polynomial(n)
    return {
        "EI": {"variable": uE, "poly": red["poly"], "conditions": [uE > 0, red["P"] > 0]},
        "E": {"variable": uE, "poly": s["W_EE"] * k * uE ** n - uE + s["h_E"],
              "conditions": [uE > 0, s["W_IE"] * k * uE ** n + s["h_I"] <= 0]},
        "I": {"variable": uI, "poly": -s["W_II"] * k * uI ** n - uI + s["h_I"],
              "conditions": [uI > 0, -s["W_EI"] * k * uI ** n + s["h_E"] <= 0]},
        "none": {"variable": None, "poly": None, "conditions": [s["h_E"] <= 0, s["h_I"] <= 0]},
    }


def exact_fixed_points(W_EE, W_EI, W_IE, W_II, h_E, h_I, k, n=2, digits=30):
    r"""All fixed points of the two-population SSN, exactly: rational parameters, sympy's real-root
    isolation of each support polynomial, conditions checked exactly; values to ``digits`` digits.

    Parameters are the weight magnitudes (mV s), inputs (mV) and k (Hz/mV^n), given as numbers
    (converted with ``nsimplify(rational=True)``, so decimals are taken as the rationals they print as).
    Returns a list of (support, u_E, u_I) with sympy Floats, sorted by u_E.
    """
    s = symbols()
    sub = {s[name]: sp.nsimplify(v, rational=True) for name, v in (("W_EE", W_EE), ("W_EI", W_EI), ("W_IE", W_IE),
                                                     ("W_II", W_II), ("h_E", h_E), ("h_I", h_I), ("k", k))}
    if sub[s["k"]] <= 0:
        raise checks.ParameterError("k", k, "> 0", f"k = {k!r} is invalid: must be > 0")
    out = []
    red = reduced_polynomial(n)
    for sup, d in support_polynomials(n).items():
        if sup == "none":
            if all(bool(c.subs(sub)) for c in d["conditions"]):
                out.append(("none", sub[s["h_E"]], sub[s["h_I"]]))
            continue
        x = d["variable"]
        if sup == "EI" and sub[s["W_EI"]] == 0:
            raise checks.ParameterError("W_EI", W_EI, "!= 0 for the reduced polynomial (use the numerical solver)",
                                        "W_EI = 0: the E equation decouples; use the numerical solver")
        poly = sp.Poly(sp.together(d["poly"].subs(sub)).as_numer_denom()[0], x)
        for root in sp.real_roots(poly):
            if all(bool(sp.simplify(c.subs(sub).subs(x, root))) if not isinstance(c, bool) else c
                   for c in d["conditions"]):
                if sup == "EI":
                    out.append((sup, root, red["P"].subs(sub).subs(x, root)))
                elif sup == "E":
                    out.append((sup, root, (s["W_IE"] * s["k"] * x ** n + s["h_I"]).subs(sub).subs(x, root)))
                else:
                    out.append((sup, (-s["W_EI"] * s["k"] * x ** n + s["h_E"]).subs(sub).subs(x, root), root))
    out = [(a, sp.N(b, digits), sp.N(c, digits)) for a, b, c in out]
    return sorted(out, key=lambda t: t[1])


def ring_fixed_point_equations(N=4):
    r"""N-population SSN fixed points u_a = sum_b W_ab k [u_b]_+^n + h_a with a symbolic W.

    For a ring (orientation) model the W_ab depend on the distance of the preferred features;
    this returns the generic N-population system as a Matrix (entries W_a_b, h_a, u_a).
    """
    N = int(N)
    if N < 1:
        raise checks.ParameterError("N", N, ">= 1", f"N = {N} is invalid: must be >= 1")
    s = symbols()
    W = sp.Matrix(N, N, lambda a, b: sp.Symbol(f"W_{a}_{b}", real=True))
    u = sp.Matrix([sp.Symbol(f"u_{a}", real=True) for a in range(N)])
    h = sp.Matrix([sp.Symbol(f"h_{a}", real=True) for a in range(N)])
    r = sp.Matrix([s["k"] * _relu_pow(u[a], s["n"]) for a in range(N)])
    return sp.Eq(u, W * r + h)


def equations(n=2):
    """All labelled results, for ``recnet derive ssn``."""
    s = symbols()
    st = stability_conditions()
    red = reduced_polynomial(n)
    return {
        "rate dynamics d(r_E, r_I)/dt": dynamics(),
        "fixed points (both active), = 0": fixed_point_equations(),
        "Jacobian J = T^-1 (-1 + G W)": jacobian(),
        "stability: tau_E tau_I det J > 0": sp.StrictGreaterThan(st["det"], 0),
        "stability: tr J < 0": sp.StrictLessThan(st["trace"], 0),
        "ISN: g_E W_EE - 1 > 0": sp.StrictGreaterThan(isn_condition(), 0),
        "paradoxical response dr_I/dh_I": sp.Eq(sp.Symbol("dr_I/dh_I"), paradoxical_response()),
        "supralinear-to-sublinear input scale u*": sp.Eq(sp.Symbol("u_star"), transition_scale()),
        "strong-input limit lim r/c for h = c (h_E, h_I)": strong_input_limit(),
        "supersaturation (E falls): W_EI h_I - W_II h_E > 0":
            sp.StrictGreaterThan(supersaturation_condition(), 0),
        f"n = {int(n)}: u_I = P(u_E)": sp.Eq(s["u_I"], red["P"]),
        f"n = {int(n)}: fixed points are roots of": sp.Eq(red["poly"], 0),
    }
