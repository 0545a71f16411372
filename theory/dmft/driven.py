"""Dynamic mean-field theory of random rate networks driven by sinusoidal input (sympy).

Network (time in units of the single-unit time constant tau):

.. math:: \\dot x_i = -x_i + \\sum_j J_{ij}\\phi(x_j) + I_i(t),\\qquad J_{ij}\\sim\\mathcal N(0, g^2/N).

Independent input (Rajan, Abbott, Sompolinsky 2010, PRE 82:011903): :math:`I_i = A\\cos(\\omega t +
\\theta_i)` with phases :math:`\\theta_i` uniform on [0, 2 pi).  Split :math:`x_i = h_i + u_i` with the
filtered input :math:`u_i = \\frac{A}{\\sqrt{1+\\omega^2}}\\cos(\\omega t + \\theta_i - \\arctan\\omega)`
(steady state of :math:`(1 + d/dt)u = I`) and the recurrent part :math:`h_i`, a Gaussian process
(independent of :math:`\\theta_i`) whose autocovariance obeys

.. math:: (1 - \\partial_\\tau^2)\\,\\Delta_h(\\tau) = g^2 C_\\phi(\\tau),\\qquad
          C_\\phi(\\tau) = \\Big\\langle \\int\\frac{d\\theta}{2\\pi}\\,\\phi(h(t) + u_\\theta(t))\\,
          \\phi(h(t+\\tau) + u_\\theta(t+\\tau))\\Big\\rangle_h .

Averaging over the phases makes the statistics stationary.  A non-chaotic (input-locked) state is
T-periodic, :math:`T = 2\\pi/\\omega`, with Fourier coefficients
:math:`\\hat\\Delta_{h,k} = g^2 \\hat C_{\\phi,k}/(1 + k^2\\omega^2)`.  Its stability follows from the
perturbation covariance :math:`(1+\\partial_t)(1+\\partial_s)Q(t,s) = G(t-s)Q(t,s)`,
:math:`G(\\tau) = g^2\\langle\\phi'(x(t))\\phi'(x(t+\\tau))\\rangle`; with :math:`Q = e^{\\lambda(t+s)}\\psi(t-s)`

.. math:: \\left[-\\partial_\\tau^2 - G(\\tau)\\right]\\psi = -(1+\\lambda)^2\\psi,
          \\qquad \\lambda_{\\max} = -1 + \\sqrt{-E_0},

with :math:`E_0` the ground-state energy (band bottom of the periodic potential).  The critical
amplitude :math:`A_c(\\omega)` solves :math:`\\lambda_{\\max}(A_c, \\omega) = 0` (:math:`E_0 = -1`).

Two-time DMFT for non-stationary input (Engelken, Ingrosso, Khajeh, Goedeke, Abbott 2022, PLoS
Comput Biol 18:e1010590): with common input :math:`I(t)` (the same for all units) and mean coupling
:math:`J_0/N` (or :math:`-J_0/\\sqrt N`, balanced), the population mean and the covariance of the
fluctuations obey

.. math:: \\dot\\mu = -\\mu + \\bar J_0\\,\\nu(t) + I_0 + I(t),\\quad \\nu(t) = \\langle\\phi(x(t))\\rangle,\\qquad
          (1 + \\partial_t)(1 + \\partial_s)\\Delta(t, s) = g^2 \\langle\\phi(x(t))\\phi(x(s))\\rangle,

with :math:`\\bar J_0 = J_0` (mean J0/N) or :math:`-J_0\\sqrt N` (balanced); on a grid with step h and
:math:`a = e^{-h}`, :math:`b = 1 - a` (exponential Euler, input held over a step)

.. math:: \\Delta_{k+1,l+1} = a\\Delta_{k,l+1} + a\\Delta_{k+1,l} - a^2\\Delta_{k,l} + b^2 Q_{k,l},\\qquad
          \\Delta_{k,0} = a^k\\Delta_{0,0},

:math:`Q_{k,l} = g^2\\langle\\phi(x_k)\\phi(x_l)\\rangle`, computed row by row (causal).  Common input
enters only through the mean; in the balanced network the mean is pinned by the balance condition,
so common input barely changes the fluctuations, whereas independent input (random phases) adds to
each unit's variance and suppresses chaos.

Nothing here imports recnet.numerics; solvers: :mod:`recnet.numerics.dmft.driven`,
:mod:`recnet.numerics.dmft.twotime`.
"""
from __future__ import annotations

import sympy as sp

from recnet.theory.dmft.lowrank import phi_expr

__all__ = ["symbols", "filtered_input", "equations", "discrete_recursion", "recursion_check"]


def symbols():
    """Named symbols (dict name -> sympy Symbol)."""
    return {
        "g": sp.Symbol("g", positive=True), "A": sp.Symbol("A", nonnegative=True),
        "omega": sp.Symbol("omega", positive=True), "theta": sp.Symbol("theta", real=True),
        "t": sp.Symbol("t", real=True), "s": sp.Symbol("s", real=True), "tau": sp.Symbol("tau", real=True),
        "lam": sp.Symbol("lambda", real=True), "E0": sp.Symbol("E_0", real=True),
        "J0": sp.Symbol("J_0", real=True), "I0": sp.Symbol("I_0", real=True),
        "h": sp.Symbol("h", positive=True),
    }


def filtered_input():
    """(u(t), its equation): the steady-state response of (1 + d/dt) u = A cos(omega t + theta)."""
    s = symbols()
    A, w, th, t = s["A"], s["omega"], s["theta"], s["t"]
    u = A / sp.sqrt(1 + w ** 2) * sp.cos(w * t + th - sp.atan(w))
    return u, sp.Eq(u + sp.diff(u, t), A * sp.cos(w * t + th))


def equations(phi="tanh"):
    """Labelled sympy equations of the driven DMFT (Rajan et al. 2010; Engelken et al. 2022)."""
    s = symbols()
    g, A, w, th, t, tau, lam, E0 = (s[k] for k in ("g", "A", "omega", "theta", "t", "tau", "lam", "E0"))
    f = phi_expr(phi)
    x = sp.Symbol("x", real=True)
    df = sp.Lambda(x, sp.diff(f(x), x))
    D = sp.Function("Delta_h")
    C = sp.Function("C_phi")
    G = sp.Function("G")
    psi = sp.Function("psi")
    z1, z2 = sp.symbols("z_1 z_2", real=True)
    u, _ = filtered_input()
    v, c = D(0), D(tau)
    h1 = sp.sqrt(v) * z1
    h2 = c / sp.sqrt(v) * z1 + sp.sqrt(v - c ** 2 / v) * z2
    u1 = u.subs(t, 0)
    u2 = u.subs(t, tau)
    wgt = sp.exp(-(z1 ** 2 + z2 ** 2) / 2) / (2 * sp.pi) / (2 * sp.pi)

    def avg(fun):
        return sp.Integral(fun(h1 + u1) * fun(h2 + u2) * wgt, (z1, -sp.oo, sp.oo), (z2, -sp.oo, sp.oo),
                           (th, 0, 2 * sp.pi))

    k = sp.Symbol("k", integer=True)
    eqs = {
        "input": sp.Eq(sp.Symbol("I_i(t)"), A * sp.cos(w * t + th)),
        "filtered input": sp.Eq(sp.Symbol("u_i(t)"), u),
        "self-consistency": sp.Eq(D(tau) - sp.diff(D(tau), tau, 2), g ** 2 * C(tau)),
        "C_phi": sp.Eq(C(tau), avg(f)),
        "periodic state (Fourier)": sp.Eq(sp.Symbol("hat Delta_k"),
                                          g ** 2 * sp.Symbol("hat C_k") / (1 + k ** 2 * w ** 2)),
        "G": sp.Eq(G(tau), g ** 2 * avg(df)),
        "stability (Schroedinger)": sp.Eq(-sp.diff(psi(tau), tau, 2) - G(tau) * psi(tau), E0 * psi(tau)),
        "lambda_max": sp.Eq(lam, -1 + sp.sqrt(-E0)),
        "critical amplitude": sp.Eq(E0, -1),
    }
    eqs.update(two_time_equations(phi))
    return eqs


def two_time_equations(phi="tanh"):
    """The two-time DMFT (Engelken et al. 2022) and its discrete recursion."""
    s = symbols()
    g, t, ss, J0, I0 = s["g"], s["t"], s["s"], s["J0"], s["I0"]
    D = sp.Function("Delta")
    mu = sp.Function("mu")
    nu = sp.Function("nu")
    Iext = sp.Function("I")
    C2 = sp.Function("C_phi")
    out = {
        "two-time mean": sp.Eq(sp.Derivative(mu(t), t), -mu(t) + J0 * nu(t) + I0 + Iext(t)),
        "two-time covariance": sp.Eq(
            D(t, ss) + sp.Derivative(D(t, ss), t) + sp.Derivative(D(t, ss), ss)
            + sp.Derivative(D(t, ss), t, ss), g ** 2 * C2(t, ss)),
        "two-time recursion": discrete_recursion(),
    }
    return out


def discrete_recursion():
    """Delta_{k+1,l+1} = a Delta_{k,l+1} + a Delta_{k+1,l} - a^2 Delta_{k,l} + b^2 Q_{k,l}."""
    a, b = sp.symbols("a b", positive=True)
    k, l = sp.symbols("k l", integer=True, nonnegative=True)
    Dl = sp.IndexedBase("Delta")
    Q = sp.IndexedBase("Q")
    return sp.Eq(Dl[k + 1, l + 1], a * Dl[k, l + 1] + a * Dl[k + 1, l] - a ** 2 * Dl[k, l] + b ** 2 * Q[k, l])


def recursion_check(K=3, L=3):
    """Verify the recursion exactly for the discretised dynamics x_{k+1} = a x_k + b eta_k.

    With :math:`x_k = a^k x_0 + b\\sum_{u<k} a^{k-1-u}\\eta_u`, :math:`\\langle x_0^2\\rangle = D_0`,
    :math:`\\langle\\eta_u\\eta_v\\rangle = Q_{uv}` and :math:`\\eta` independent of :math:`x_0`, the
    covariance :math:`\\Delta_{kl}` satisfies the recursion for all k < K, l < L.  Returns the list of
    residuals (all zero).
    """
    a, b, D0 = sp.symbols("a b D_0", positive=True)
    Qs = sp.Matrix(max(K, L) + 1, max(K, L) + 1, lambda i, j: sp.Symbol(f"Q_{min(i, j)}{max(i, j)}"))

    def cov(k, l):
        return a ** (k + l) * D0 + b ** 2 * sum(a ** (k - 1 - u) * a ** (l - 1 - v) * Qs[u, v]
                                               for u in range(k) for v in range(l))

    res = []
    for k in range(K):
        for l in range(L):
            lhs = cov(k + 1, l + 1)
            rhs = a * cov(k, l + 1) + a * cov(k + 1, l) - a ** 2 * cov(k, l) + b ** 2 * Qs[k, l]
            res.append(sp.expand(lhs - rhs))
    return res
