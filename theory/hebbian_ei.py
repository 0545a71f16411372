r"""Hebbian plasticity with synapse-type-specific multiplicative normalization in an E-I circuit.

Model (after Eckmann, Young, Gjorgjieva 2024, PNAS 121:e2305326121: Hebbian learning at every
synapse type, stabilised by competition of each neuron's synapses of one type for a fixed total).
Linear rate neurons at steady state (plasticity is slow), inputs x (N_in, rates in Hz) with
correlation matrix Q = <x x^T>:

.. math::  r_E = W_{EX} x - W_{EI} r_I,\qquad r_I = W_{IX} x + W_{IE} r_E - W_{II} r_I,

all W >= 0 (magnitudes; Dale's law).  So r = M F x with F = [W_EX; W_IX] and
M = [[1, W_EI], [-W_IE, 1 + W_II]]^{-1}.  Every plastic type T (post a, pre b) follows

.. math::  \dot W_T = \eta\,(G_T - \Lambda_T W_T),\qquad G_T = \langle r_a r_b^T\rangle,

where the diagonal Lambda_T (one multiplier per neuron and type) keeps each row's norm at its
total w_T (L2: Lambda_ii = W_i.G_i / w_T^2; L1: Lambda_ii = 1.G_i / w_T).  A discrete step
W <- (W + eta G) scaled back row-wise to the total has the same fixed points.

Results derived here (sympy; numbers in ``recnet.numerics.hebbian_ei``):

* fixed points: each plastic row is parallel to its Hebbian drive, G_i = lambda_i W_i; with only
  feedforward E weights plastic and no recurrence, G = W Q, so every row is an eigenvector of Q
  and only the principal one (Perron vector) is stable (Oja 1982);
* E-I co-tuning: with the E receptive field w and the I neurons' fields V fixed and I->E weights a
  plastic, <r_E r_I> = V Q (w - V^T a) and the fixed point is
  a* = (V Q V^T + lambda)^{-1} V Q w with lambda set by the norm, i.e. the inhibitory weights are
  a ridge regression of the neuron's excitatory input onto its inhibitory inputs: inhibition
  becomes co-tuned with excitation;
* decorrelation: N_E E neurons with plastic fields and lateral inhibition through I
  (K = W_EI (1 + W_II)^{-1} W_IE, r_E = (1 + K)^{-1} W_EX x).  The correlated state (all fields
  = e1) is a fixed point; a perturbation v (x) e_m (e_m eigenvector of Q, eigenvalue lambda_m)
  grows with the matrix eta (lambda_m M_E - lambda_1 diag(M_E 1)), M_E = (1 + K)^{-1}.  For
  uniform (global) inhibition K = (beta / N_E) 1 1^T, beta = w_EI w_IE / (1 + w_II), the
  antisymmetric modes grow at eta (lambda_2 - lambda_1 / (1 + beta)): receptive fields
  decorrelate iff beta > beta* = lambda_1 / lambda_2 - 1;
* normalization and winner-take-all: with global inhibition the E responses to feedforward drive
  s = W_EX x are r = s - beta/(1 + beta) mean(s) (sum scaled by 1/(1 + beta)); with rectified E
  rates and two neurons, the weaker is silenced iff s_2 / s_1 < beta / (N_E + beta).
"""
from __future__ import annotations

import sympy as sp

__all__ = ["symbols", "responses", "averaged_dynamics", "fixed_point_condition",
           "cotuning_fixed_point", "decorrelation_growth_rate", "decorrelation_threshold",
           "normalized_responses", "wta_condition", "equations"]


def symbols():
    names = "eta lambda_1 lambda_2 beta w_EI w_IE w_II N_E s_1 s_2 lam"
    return dict(zip(names.split(), sp.symbols(names, positive=True)))


def responses():
    r"""Steady-state responses r = M F x (M = [[1, W_EI], [-W_IE, 1 + W_II]]^{-1}, F = [W_EX; W_IX])."""
    M, F, x = (sp.Symbol(n, commutative=False) for n in ("M", "F", "x"))
    return sp.Eq(sp.Symbol("r"), M * F * x)


def averaged_dynamics():
    r"""dW_T/dt = eta (G_T - Lambda_T W_T) with G_EX = M_E F Q, G_IX = M_I F Q, G_EI = M_E F Q F^T M_I^T.

    Returned as a dict of sympy equations in non-commutative matrix symbols.
    """
    s = symbols()
    ME, MI, F, Q = (sp.Symbol(n, commutative=False) for n in ("M_E", "M_I", "F", "Q"))
    FT, MIT = sp.Symbol("F^T", commutative=False), sp.Symbol("M_I^T", commutative=False)
    out = {}
    for T, G in (("EX", ME * F * Q), ("IX", MI * F * Q), ("EI", ME * F * Q * FT * MIT)):
        W = sp.Symbol(f"W_{T}", commutative=False)
        L = sp.Symbol(f"Lambda_{T}", commutative=False)
        out[T] = sp.Eq(sp.Symbol(f"dW_{T}/dt"), s["eta"] * (G - L * W))
    return out


def fixed_point_condition():
    """Each plastic row i of type T: G_{T,i} = lambda_{T,i} W_{T,i} (an eigen-equation)."""
    G, W, lam = sp.symbols("G_i W_i lambda_i")
    return sp.Eq(G, lam * W)


def cotuning_fixed_point():
    r"""a* = (V Q V^T + lambda 1)^{-1} V Q w (inhibitory weights of one E neuron), lambda from the norm."""
    V, Q, w, VT = (sp.Symbol(n, commutative=False) for n in ("V", "Q", "w", "V^T"))
    lam = symbols()["lam"]
    return sp.Eq(sp.Symbol("a^*"), (V * Q * VT + lam) ** -1 * V * Q * w)


def decorrelation_growth_rate():
    r"""Growth rate of the antisymmetric field perturbation under global inhibition beta:
    eta (lambda_2 - lambda_1 / (1 + beta))."""
    s = symbols()
    return s["eta"] * (s["lambda_2"] - s["lambda_1"] / (1 + s["beta"]))


def decorrelation_threshold():
    r"""beta* = lambda_1/lambda_2 - 1, with beta = w_EI w_IE / (1 + w_II): decorrelation iff beta > beta*."""
    s = symbols()
    sol = sp.solve(sp.Eq(decorrelation_growth_rate(), 0), s["beta"])
    return sp.simplify(sol[0])


def normalized_responses():
    r"""Linear E responses under global inhibition: r_i = s_i - beta/(1+beta) mean(s)."""
    s = symbols()
    si, sbar = sp.symbols("s_i sbar")
    return sp.Eq(sp.Symbol("r_i"), si - s["beta"] / (1 + s["beta"]) * sbar)


def wta_condition():
    r"""Rectified E, N_E neurons, two driven (s_1 > s_2 > 0, others 0 drive): neuron 2 silent iff
    s_2 / s_1 < beta / (N_E + beta)."""
    s = symbols()
    return sp.StrictLessThan(s["s_2"] / s["s_1"], s["beta"] / (s["N_E"] + s["beta"]))


def equations():
    """All labelled results, for ``recnet derive hebbian-ei``."""
    s = symbols()
    out = {"responses": responses()}
    out.update({f"averaged dynamics W_{T}": e for T, e in averaged_dynamics().items()})
    out["fixed points (per row and type)"] = fixed_point_condition()
    out["E-I co-tuning: inhibitory weights"] = cotuning_fixed_point()
    out["antisymmetric growth rate (global inhibition)"] = sp.Eq(sp.Symbol("sigma"), decorrelation_growth_rate())
    out["decorrelation threshold beta*"] = sp.Eq(sp.Symbol("beta^*"), decorrelation_threshold())
    out["effective inhibition beta"] = sp.Eq(s["beta"], s["w_EI"] * s["w_IE"] / (1 + s["w_II"]))
    out["normalization"] = normalized_responses()
    out["winner-take-all"] = wta_condition()
    return out
