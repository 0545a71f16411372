r"""Synapse-type-specific competitive Hebbian learning in E-I networks (sympy).

Model of Eckmann, Young, Gjorgjieva 2024 (PNAS 121:e2305326121; main text Eqs. 1-11, Methods
Eqs. 9-13, Supplementary Material (SM) Secs. 1-5).  Every synapse is Hebbian,
:math:`\Delta W_{AB} = \epsilon_{AB} r_A r_B^\top` (Eq. 11); after each step the synapses of one
type onto a neuron are scaled multiplicatively back to a fixed total (L1 in the paper's simulations,
Eqs. 12-13: feedforward and recurrent excitation share one pool, inhibition has its own).  With
linear neurons and slow plasticity the averaged dynamics of one neuron's weights is (SM Eqs. 16, 45)

.. math::  \tau\dot w = \bar C w - \gamma w_E - \rho w_I,\qquad
           \bar C = \left\langle\begin{pmatrix} y_E y_E^\top & -y_E y_I^\top\\
                                 y_I y_E^\top & -y_I y_I^\top\end{pmatrix}\right\rangle,
           \quad \gamma = \frac{c_E^\top \bar C w}{c_E^\top w_E},\ \rho = \frac{c_I^\top \bar C w}{c_I^\top w_I},

(the 'modified covariance matrix' :math:`\bar C`, main Eq. 6; c = 1 keeps the L1 norm, c = w the
L2 norm).  Results reproduced here, each a function returning sympy objects:

* PCA (SM Sec. 1.2): fixed points are eigenvectors of C; the Jacobian at eigenvector v* has
  eigenvalues lambda - lambda* (SM Eq. 32), so only the principal one is stable;
* balanced PCA (SM Sec. 2): with inhibitory inputs tuned to eigenvectors, y_I = A^T V^T y_E, the
  regular eigenvalues of C-bar are lambda_j (1 - a_j^2) and N_I null eigenvalues are 0 (SM Eq. 53);
  fixed points are any multiples k_E, k_I of the E and I parts of a regular eigenvector (SM Eq. 56,
  E-I co-tuning: both parts point along the same input mode), with the rescaled eigenvalue
  lambda' = (k_E - k_I a^2) lambda (SM Eq. 110); stability from det > 0 and trace < 0 of the 2x2
  block (SM Eqs. 93-97);
* lateral neurons stretch (E) or compress (I) input modes: effective attraction
  lambda (1 + |a_E|^2 - |a_I|^2) (SM Eq. 130);
* eigencircuits (SM Sec. 4): n_E E and n_I I neurons all tuned to one input mode of standard
  deviation sigma have rate standard deviations sigma_E, sigma_I (SM Eqs. 144-146) and the mode's
  effective attraction is sigma^2 + n_E sigma_E^2 - n_I sigma_I^2 (SM Eq. 147);
* decorrelation (SM Sec. 5.2.4, main Eq. 8): all tuning curves collapsing onto one mode is
  unstable if N_E sigma_E^2 < N_I sigma_I^2 (linear neurons, beta-terms neglected);
* recurrent E-I pair (SM Eqs. 155-156) and the beta-term of its stability condition (SM Eqs. 198-202).

Derived here (not in the paper): the exact growth rate of a decorrelating perturbation of the fully
collapsed state (all N_E, N_I neurons in one eigencircuit on input channel 1, independent input
channels): sum-zero perturbations of the E neurons' weights toward channel 2 do not reach the
recurrent feedback (all recurrent rows are uniform), so they grow at
lambda_2 - Gamma_E with Gamma_E = lambda_1 a_E (1 + N_E a_E) / W_EE the E pool's normalization
factor; the paper's beta ~ 0 estimate replaces Gamma_E by the eigenvalue of the regular
eigenvector, which is exact only for fine-tuned norms.

recnet's earlier reduced model (feedforward E weights plastic, fixed global inhibition beta; see
``reduced_*``) is the special case of a static lateral I neuron driven by the E neurons: its
threshold beta* = lambda_1/lambda_2 - 1 is the exact collapse-stability condition of that reduced
circuit, not a formula of the paper.
"""
from __future__ import annotations

import sympy as sp

__all__ = ["symbols", "competitive_hebbian", "pca_jacobian_eigenvalues", "modified_covariance",
           "tuned_inhibition_spectrum", "rescaled_fixed_point_eigenvalue", "feedforward_stability",
           "feedforward_switch_threshold",
           "lateral_attraction", "eigencircuit_amplitudes", "effective_attraction",
           "decorrelation_condition", "paper_decorrelation_threshold", "collapse_growth_rate",
           "exact_decorrelation_threshold", "l2_eigencircuit_variance", "ei_pair_rates", "beta_e",
           "reduced_decorrelation_growth_rate", "reduced_decorrelation_threshold",
           "reduced_cotuning_fixed_point", "reduced_normalized_responses", "reduced_wta_condition",
           "equations"]


def symbols():
    names = ("lambda_1 lambda_2 lambda_s lambda_d a a_s a_d k_E k_I eps_E eps_I sigma sigma_E sigma_I "
             "n_E n_I N_E N_I W_EE W_EI W_IE W_II Phi a_E a_I w_EE w_EI w_IE w_II beta eta s_1 s_2 lam rho")
    return dict(zip(names.split(), sp.symbols(names, positive=True)))


# ---------------------------------------------------------------------- SM Sec. 1-2: one neuron
def competitive_hebbian():
    r"""SM Eq. 16: dw/dt = C w - gamma w, gamma = c^T C w / c^T w (c: constraint vector; c = 1 keeps
    the L1 norm, c = w the L2 norm).  Non-commutative symbols (matrices and vectors)."""
    C, w, cT = (sp.Symbol(n, commutative=False) for n in ("C", "w", "c^T"))
    gamma = sp.Symbol("gamma")
    return {"dynamics": sp.Eq(sp.Symbol("dw/dt"), C * w - gamma * w),
            "gamma": sp.Eq(gamma, (cT * C * w) * (cT * w) ** -1)}


def pca_jacobian_eigenvalues(n=3, constraint="l1"):
    """Eigenvalues of the Jacobian of SM Eq. 16 at w* = e_1 (C = diag(lambda_1..lambda_n)),
    computed by sympy from J = [1 - w* c^T / c^T w*] (C - lambda_1) (SM Eq. 29).
    Expected (SM Eq. 32): {0, lambda_j - lambda_1, j >= 2}."""
    lam = sp.symbols(f"lambda_1:{n + 1}", positive=True)
    C = sp.diag(*lam)
    w = sp.Matrix([1] + [0] * (n - 1))
    x = sp.Matrix(sp.symbols(f"w_1:{n + 1}"))
    c = sp.ones(n, 1) if constraint == "l1" else x
    f = C * x - ((c.T * C * x)[0, 0] / (c.T * x)[0, 0]) * x
    J = f.jacobian(x).subs(dict(zip(x, w)))
    return sp.simplify(J), J.eigenvals()


def modified_covariance():
    r"""Main Eq. 6 / SM Eq. 39: C-bar = <[[y_E y_E^T, -y_E y_I^T], [y_I y_E^T, -y_I y_I^T]]>, as a
    block matrix in C = <y_E y_E^T> for y_I = Q y_E (SM Eq. 37): [[C, -C Q^T], [Q C, -Q C Q^T]]."""
    nE, nI = sp.symbols("N_E N_I", integer=True, positive=True)
    C = sp.MatrixSymbol("C", nE, nE)
    Q = sp.MatrixSymbol("Q", nI, nE)
    return sp.BlockMatrix([[C, -C * Q.T], [Q * C, -Q * C * Q.T]])


def tuned_inhibition_spectrum(n=2):
    """Eigenvalues of C-bar for C = diag(lambda_1..n) and one inhibitory input neuron tuned to each
    eigenvector with amplitude a_j (A = diag(a_j)); SM Eq. 53: {lambda_j (1 - a_j^2)} and n zeros."""
    lam = sp.symbols(f"lambda_1:{n + 1}", positive=True)
    a = sp.symbols(f"a_1:{n + 1}", positive=True)
    L, A = sp.diag(*lam), sp.diag(*a)
    Cbar = sp.BlockMatrix([[L, -L * A], [A * L, -A * L * A]]).as_explicit()
    return Cbar, Cbar.eigenvals()


def rescaled_fixed_point_eigenvalue():
    r"""SM Eqs. 104-110: with separately fixed norms the fixed point is w* = (k_E v*, k_I a* e*) (E part
    along the input eigenvector v*, I part on the inhibitory neuron tuned to v*: co-tuning); in the
    coordinates w' = K^{-1/2} w it is an eigenvector of C' = K^{1/2} C-bar K^{1/2} with eigenvalue
    (k_E - k_I a*^2) lambda*.  Checked here for n = 2 modes: returns (residual C' w' - lambda' w')."""
    s = symbols()
    lam1, lam2, a1, a2, kE, kI = sp.symbols("lambda_1 lambda_2 a_1 a_2 k_E k_I", positive=True)
    L, A = sp.diag(lam1, lam2), sp.diag(a1, a2)
    Cbar = sp.BlockMatrix([[L, -L * A], [A * L, -A * L * A]]).as_explicit()
    Kh = sp.diag(sp.sqrt(kE), sp.sqrt(kE), sp.sqrt(kI), sp.sqrt(kI))
    v = sp.Matrix([1, 0, a1, 0])               # regular eigenvector of mode 1 (SM Eq. 52)
    wp = Kh * v
    lam_p = (kE - kI * a1 ** 2) * lam1
    del s
    return sp.Eq(sp.Symbol("lambda'^*"), lam_p), sp.simplify(Kh * Cbar * Kh * wp - lam_p * wp)


def feedforward_stability():
    r"""SM Eqs. 93-97: the 2x2 block of the transformed Jacobian for a competing mode (dagger; one
    inhibitory input per mode, amplitude a), its determinant and trace, and the two stability
    conditions det > 0 <=> (lambda*-bar - lambda-dagger-bar) lambda*-bar > 0 and trace < 0.
    Bars are effective attractions lambda-bar = lambda (1 - a^2)."""
    ls, ld, ad, eE, eI = sp.symbols("lambda_s lambda_d a_d epsilon_E epsilon_I", positive=True)
    lsb = sp.Symbol("lambdabar_s", real=True)
    ldb = ld * (1 - ad ** 2)
    J = (sp.Matrix([[eE - eI * ad ** 2, eE - eI], [(eI - eE) * ad ** 2, eI - eE * ad ** 2]])
         * sp.diag(ldb - lsb, -lsb) / (1 - ad ** 2))
    det = sp.factor(sp.simplify(J.det()))
    tr = sp.simplify(J.trace())
    return {"J_dagger": J, "det": det, "trace": tr,
            "det_condition": sp.StrictGreaterThan(sp.factor(det * (1 - ad ** 2) ** 0), 0),
            "trace_condition": sp.StrictLessThan(sp.expand(eE * (ld - lsb) - eI * (ad ** 2 * ld + lsb)), 0)}


def lateral_attraction():
    r"""SM Eq. 130: a mode's effective attraction with laterally projecting E and I neurons tuned to it
    (feedforward norms a_E, a_I): lambda (1 + |a_E|^2 - |a_I|^2) = sigma^2 + |sigma_E|^2 - |sigma_I|^2."""
    s = symbols()
    return sp.Eq(sp.Symbol("lambdabar"), s["lambda_1"] * (1 + sp.Symbol("|a_E|^2") - sp.Symbol("|a_I|^2")))


# ------------------------------------------------------------------------- SM Sec. 4: eigencircuits
def eigencircuit_amplitudes():
    r"""SM Eqs. 144-146 (L1 norms): consistency of the rate standard deviations of n_E E and n_I I
    neurons all tuned to one input mode of standard deviation sigma,

        sigma_E = W_EE (sigma^2 + n_E sigma_E^2)/(sigma + n_E sigma_E) - W_EI sigma_I,
        sigma_I = W_IE (sigma^2 + n_E sigma_E^2)/(sigma + n_E sigma_E) - W_II sigma_I,

    solved by sympy: sigma_I = W_IE sigma_E / ((1 + W_II) Phi), Phi = W_EE - W_EI W_IE/(1 + W_II),
    sigma_E = sigma (-1 + sqrt(1 + 4 Phi (1 - Phi) n_E)) / (2 (1 - Phi) n_E).  Returns a dict with
    the consistency equations and the solved sigma_E, sigma_I (positive branch, 0 < Phi < 1)."""
    s = symbols()
    sig, sE, sI, nE = s["sigma"], s["sigma_E"], s["sigma_I"], s["n_E"]
    WEE, WEI, WIE, WII = s["W_EE"], s["W_EI"], s["W_IE"], s["W_II"]
    S = (sig ** 2 + nE * sE ** 2) / (sig + nE * sE)
    eqE = sp.Eq(sE, WEE * S - WEI * sI)
    eqI = sp.Eq(sI, WIE * S - WII * sI)
    sI_sol = sp.solve(eqI, sI)[0]
    eq = sp.Eq(sE, sp.simplify(WEE * S - WEI * sI_sol))
    Phi = WEE - WEI * WIE / (1 + WII)
    # sigma_E (sigma + n sigma_E) = Phi (sigma^2 + n sigma_E^2): a quadratic in sigma_E
    x = sp.Symbol("x")
    roots = sp.solve(sp.Eq(x * (sig + nE * x), s["Phi"] * (sig ** 2 + nE * x ** 2)), x)
    plus = [r for r in roots if sp.simplify(r.subs({s["Phi"]: sp.Rational(1, 2), nE: 1, sig: 1})) > 0][0]
    return {"consistency_E": eqE, "consistency_I": eqI, "reduced": eq,
            "Phi": sp.Eq(s["Phi"], Phi), "sigma_E": sp.Eq(sE, sp.simplify(plus)),
            "sigma_I": sp.Eq(sI, WIE * sE / ((1 + WII) * s["Phi"]))}


def effective_attraction():
    """SM Eq. 147: lambda-bar = sigma^2 + n_E sigma_E^2 - n_I sigma_I^2."""
    s = symbols()
    return sp.Eq(sp.Symbol("lambdabar"), s["sigma"] ** 2 + s["n_E"] * s["sigma_E"] ** 2 - s["n_I"] * s["sigma_I"] ** 2)


def decorrelation_condition():
    """SM Eq. 211 / main Eq. 8: the collapse of all tuning curves onto one mode is unstable iff
    N_E sigma_E^2 < N_I sigma_I^2 (homogeneous input modes, linear neurons, beta-terms ~ 0)."""
    s = symbols()
    return sp.StrictLessThan(s["N_E"] * s["sigma_E"] ** 2, s["N_I"] * s["sigma_I"] ** 2)


def paper_decorrelation_threshold():
    r"""SM Eq. 211 with SM Eq. 145 inserted (sigma_I/sigma_E = W_IE / ((1 + W_II) Phi), independent of
    sigma): decorrelation iff Phi^2 N_E < N_I (W_IE/(1 + W_II))^2, i.e. (0 < Phi < 1) iff
    W_EI > W_EI^paper = W_EE (1 + W_II)/W_IE - sqrt(N_I / N_E).  Derived here from the paper's equations."""
    s = symbols()
    WEE, WEI, WIE, WII, NE, NI = s["W_EE"], s["W_EI"], s["W_IE"], s["W_II"], s["N_E"], s["N_I"]
    g = WIE / (1 + WII)
    Phi = WEE - WEI * g
    sol = sp.solve(sp.Eq(Phi, sp.sqrt(NI / NE) * g), WEI)[0]
    return sp.Eq(sp.Symbol("W_EI^paper"), sp.simplify(sol))


def collapse_growth_rate():
    r"""Growth rate of a sum-zero perturbation of the E neurons' feedforward weights toward input
    channel 2 (variance lambda_2) around the collapsed state on channel 1 (variance lambda_1), linear
    network, L1 norms, independent input channels (derived here):

        mu_E = lambda_2 - lambda_1 a_E (1 + N_E a_E) / W_EE,

    a_E = sigma_E / sigma the E rate amplitude of SM Eq. 146 (sigma = 1).  The same for the I neurons
    with a_I and W_IE: mu_I = lambda_2 - lambda_1 a_I (1 + N_E a_E) / W_IE."""
    s = symbols()
    return {"mu_E": s["lambda_2"] - s["lambda_1"] * s["a_E"] * (1 + s["N_E"] * s["a_E"]) / s["W_EE"],
            "mu_I": s["lambda_2"] - s["lambda_1"] * s["a_I"] * (1 + s["N_E"] * s["a_E"]) / s["W_IE"]}


def exact_decorrelation_threshold():
    r"""mu_E = 0 solved in closed form (derived here): with rho = lambda_2/lambda_1,
    a_c = (-1 + sqrt(1 + 4 N_E rho W_EE)) / (2 N_E) (the amplitude at which mu_E = 0),
    Phi_c = rho W_EE / (1 + N_E a_c^2) (SM Eq. 146 inverted) and
    W_EI* = (W_EE - Phi_c)(1 + W_II)/W_IE; the E tuning curves decorrelate iff W_EI > W_EI*."""
    s = symbols()
    NE, WEE, WIE, WII, rho = s["N_E"], s["W_EE"], s["W_IE"], s["W_II"], s["rho"]
    a = sp.Symbol("a")
    ac = [r for r in sp.solve(sp.Eq(a * (1 + NE * a), rho * WEE), a)
          if sp.simplify(r.subs({NE: 1, rho: 1, WEE: 1})) > 0][0]
    Phic = sp.simplify(rho * WEE / (1 + NE * ac ** 2))
    return {"a_c": sp.Eq(sp.Symbol("a_c"), ac), "Phi_c": sp.Eq(sp.Symbol("Phi_c"), Phic),
            "W_EI*": sp.Eq(sp.Symbol("W_EI^*"), sp.simplify((WEE - Phic) * (1 + WII) / WIE))}


def l2_eigencircuit_variance():
    """SM Eq. 151 (L2 norms): sigma_E^2 = Phi^2 sigma^2 / (1 - Phi^2 n_E), divergent at Phi^2 n_E = 1."""
    s = symbols()
    return sp.Eq(s["sigma_E"] ** 2, s["Phi"] ** 2 * s["sigma"] ** 2 / (1 - s["Phi"] ** 2 * s["n_E"]))


def ei_pair_rates():
    r"""SM Eqs. 153-156: steady rates of one E and one I neuron, y_E = w_EF.y + w_EE y_E - w_EI y_I,
    y_I = w_IF.y + w_IE y_E - w_II y_I, solved by sympy for the inputs u_E = w_EF.y, u_I = w_IF.y."""
    s = symbols()
    yE, yI, uE, uI = sp.symbols("y_E y_I u_E u_I")
    sol = sp.solve([sp.Eq(yE, uE + s["w_EE"] * yE - s["w_EI"] * yI),
                    sp.Eq(yI, uI + s["w_IE"] * yE - s["w_II"] * yI)], [yE, yI], dict=True)[0]
    return {"y_E": sp.Eq(yE, sp.simplify(sol[yE])), "y_I": sp.Eq(yI, sp.simplify(sol[yI]))}


def beta_e():
    r"""SM Eqs. 199-202: beta_E = (dy_E/du_E) w_EE - (dy_I/du_E) w_EI; the perturbed E neuron's
    eigencircuit is stable iff lambda_dagger - lambdabar* + beta_E lambda_dagger < 0 (SM Eq. 198)."""
    s = symbols()
    r = ei_pair_rates()
    uE = sp.Symbol("u_E")
    dyE = sp.diff(r["y_E"].rhs, uE)
    dyI = sp.diff(r["y_I"].rhs, uE)
    return sp.Eq(s["beta"], sp.simplify(dyE * s["w_EE"] - dyI * s["w_EI"]))


# ----------------------------------------------------------------------- recnet's reduced model
def reduced_decorrelation_growth_rate():
    r"""Reduced model (recnet): two E neurons with plastic feedforward fields (L2 norm), static global
    inhibition beta = w_EI w_IE/(1 + w_II); antisymmetric growth eta (lambda_2 - lambda_1/(1 + beta))."""
    s = symbols()
    return s["eta"] * (s["lambda_2"] - s["lambda_1"] / (1 + s["beta"]))


def reduced_decorrelation_threshold():
    """Reduced model: beta* = lambda_1/lambda_2 - 1 (decorrelation iff beta > beta*)."""
    s = symbols()
    return sp.simplify(sp.solve(sp.Eq(reduced_decorrelation_growth_rate(), 0), s["beta"])[0])


def reduced_cotuning_fixed_point():
    r"""Reduced model: plastic I->E weights of one E neuron with fixed fields w, V (L1 total):
    a* = (V Q V^T + lambda)^{-1} V Q w."""
    V, Q, w, VT = (sp.Symbol(n, commutative=False) for n in ("V", "Q", "w", "V^T"))
    return sp.Eq(sp.Symbol("a^*"), (V * Q * VT + symbols()["lam"]) ** -1 * V * Q * w)


def reduced_normalized_responses():
    r"""Reduced model: linear E responses under global inhibition, r_i = s_i - beta/(1+beta) mean(s)."""
    s = symbols()
    si, sbar = sp.symbols("s_i sbar")
    return sp.Eq(sp.Symbol("r_i"), si - s["beta"] / (1 + s["beta"]) * sbar)


def reduced_wta_condition():
    """Reduced model, rectified E: of two driven neurons the weaker is silent iff s_2/s_1 < beta/(N_E + beta)."""
    s = symbols()
    return sp.StrictLessThan(s["s_2"] / s["s_1"], s["beta"] / (s["N_E"] + s["beta"]))


def equations():
    """All labelled results, for ``recnet derive hebbian-ei``."""
    s = symbols()
    out = {}
    ch = competitive_hebbian()
    out["competitive Hebbian dynamics (SM Eq. 16)"] = ch["dynamics"]
    out["normalization factor gamma (SM Eq. 16)"] = ch["gamma"]
    J, ev = pca_jacobian_eigenvalues(3)
    out["Jacobian eigenvalues at w* = e1 (SM Eq. 32)"] = sp.FiniteSet(*ev.keys())
    out["modified covariance matrix (main Eq. 6)"] = modified_covariance()
    Cbar, ev = tuned_inhibition_spectrum(2)
    out["modified covariance, tuned inhibition (SM Eq. 51)"] = Cbar
    out["its eigenvalues (SM Eq. 53)"] = sp.FiniteSet(*ev.keys())
    out["rescaled fixed-point eigenvalue (SM Eq. 110)"] = rescaled_fixed_point_eigenvalue()[0]
    fs = feedforward_stability()
    out["stability: determinant condition (SM Eq. 96)"] = fs["det_condition"]
    out["stability: trace condition (SM Eq. 97)"] = fs["trace_condition"]
    out["co-tuned fixed point: switch threshold W_I* (recnet, from SM Eqs. 96, 110)"] = feedforward_switch_threshold()
    out["lateral input (SM Eq. 130)"] = lateral_attraction()
    ec = eigencircuit_amplitudes()
    out["eigencircuit consistency, E (SM Eq. 144)"] = ec["consistency_E"]
    out["eigencircuit consistency, I (SM Eq. 144)"] = ec["consistency_I"]
    out["Phi (SM Eq. 145)"] = ec["Phi"]
    out["sigma_I (SM Eq. 145)"] = ec["sigma_I"]
    out["sigma_E (SM Eq. 146)"] = ec["sigma_E"]
    out["effective attraction (SM Eq. 147)"] = effective_attraction()
    out["decorrelation condition (SM Eq. 211)"] = decorrelation_condition()
    out["decorrelation threshold from SM Eq. 211"] = paper_decorrelation_threshold()
    cg = collapse_growth_rate()
    out["collapse growth rate, E (recnet, exact)"] = sp.Eq(sp.Symbol("mu_E"), cg["mu_E"])
    out["collapse growth rate, I (recnet, exact)"] = sp.Eq(sp.Symbol("mu_I"), cg["mu_I"])
    out.update({f"exact threshold: {k} (recnet)": v for k, v in exact_decorrelation_threshold().items()})
    out["L2 eigencircuit variance (SM Eq. 151)"] = l2_eigencircuit_variance()
    pr = ei_pair_rates()
    out["E-I pair rate y_E (SM Eq. 155)"] = pr["y_E"]
    out["E-I pair rate y_I (SM Eq. 156)"] = pr["y_I"]
    out["beta_E (SM Eq. 199)"] = beta_e()
    out["reduced model: antisymmetric growth rate"] = sp.Eq(sp.Symbol("sigma"), reduced_decorrelation_growth_rate())
    out["reduced model: threshold beta*"] = sp.Eq(sp.Symbol("beta^*"), reduced_decorrelation_threshold())
    out["reduced model: effective inhibition beta"] = sp.Eq(s["beta"], s["w_EI"] * s["w_IE"] / (1 + s["w_II"]))
    out["reduced model: E-I co-tuning"] = reduced_cotuning_fixed_point()
    out["reduced model: normalization"] = reduced_normalized_responses()
    out["reduced model: winner-take-all"] = reduced_wta_condition()
    return out


def feedforward_switch_threshold():
    r"""One neuron, E inputs on independent channels (variances lambda_j), one inhibitory input per
    channel (amplitude a_j), E and I weights plastic with L1 norms W_E, W_I.  The co-tuned fixed point
    on mode 1 (w_E = W_E e_1, w_I = W_I e_1) has k_E = W_E, k_I = W_I/a_1 (SM Eq. 98), so the rescaled
    attractions are lambda'_j = (W_E - W_I a_j^2/a_1) lambda_j (SM Eq. 110); it is stable against
    mode 2 iff lambda'_1 > lambda'_2 (SM Eq. 96), i.e. (derived here)
    W_I < W_I* = W_E (lambda_1 - lambda_2) / (a_1 lambda_1 - a_2^2 lambda_2 / a_1)."""
    l1, l2, a1, a2, WE, WI = sp.symbols("lambda_1 lambda_2 a_1 a_2 W_E W_I", positive=True)
    lp = lambda a, l: (WE - WI / a1 * a ** 2) * l
    sol = sp.solve(sp.Eq(lp(a1, l1), lp(a2, l2)), WI)[0]
    return sp.Eq(sp.Symbol("W_I^*"), sp.simplify(sol))
