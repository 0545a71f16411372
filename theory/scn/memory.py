"""Associative memory on the vertices of a latent hypercube (sympy).

In the spirit of Podlaski & Machens (2024), "Storing overlapping associative memories on latent
manifolds in low-rank spiking networks" (NeurIPS workshop on Symmetry and Geometry in Neural
Representations, arXiv:2411.17485): spiking activity lives on a convex, piecewise-linear latent
manifold, here the hypercube [-a, a]^d, and memories are its vertices a xi, xi in {-1, +1}^d.
The construction below is recnet's own (the published parameterisation was not available to us);
it is stated completely so it can be checked.

Network (``numerics.scn_memory``): per latent dimension k,
  * two coding neurons with decoders +delta e_k, -delta e_k: a spike-coding network (Boerlin et al.
    2013) tracking z, with slow weights that implement dz/dt = lam (-z + beta G y);
  * two boundary neurons ("faces") with voltage +-y_k and threshold a, decoders -+delta e_k: they
    fire when the readout y crosses a face and push it back (all-inhibitory boundary, E_i != D_i).
The full readout y = D r therefore follows

    dz/dt = lam (-z + beta G phi(z)),     y = phi(z) = clip(z, -a, a),          (1)

a Hopfield network with piecewise-linear saturating units, whose saturated states are the
vertices of the cube.  Vertex a xi is a fixed point of (1) iff z* = beta a G xi satisfies
xi_k z*_k >= a for all k, i.e. the stability (and existence) condition

    beta xi_k (G xi)_k > 1    for every k,                                          (2)

the Hopfield condition with a margin 1/beta.  Learning rules for G (d x d):
  * Hebb: G = (1/d) sum_mu xi^mu xi^mu^T with zero diagonal; (2) holds when the crosstalk
    sum_{nu != mu} xi_k^mu xi_k^nu (xi^nu . xi^mu - ...)/d stays below 1 - 1/beta; retrieval
    capacity P_c = alpha d (Amit, Gutfreund, Sompolinsky 1985: alpha_c ~ 0.138 for sign units);
  * projection (pseudo-inverse): G = Xi (Xi^T Xi)^{-1} Xi^T, so G xi^mu = xi^mu and (2) holds for
    every stored pattern iff beta > 1 (P <= d).
"""
from __future__ import annotations

import sympy as sp

__all__ = ["latent_dynamics", "vertex_stability", "hebbian_signal_to_noise", "projection_rule_margin", "equations"]


def latent_dynamics():
    """Eq. (1) and the face condition, with the Jacobian inside the cube (unsaturated) and at a vertex."""
    lam, beta, a = sp.symbols("lambda beta a", positive=True)
    d = sp.Symbol("d", integer=True, positive=True)
    z = sp.MatrixSymbol("z", d, 1)
    G = sp.MatrixSymbol("G", d, d)
    phi = sp.Function("phi")
    inside = lam * (beta * G - sp.Identity(d))
    return {"latent_dynamics": sp.Eq(sp.MatrixSymbol("zdot", d, 1),
                                     lam * (-z + beta * G * sp.MatrixSymbol("y", d, 1)), evaluate=False),
            "readout_on_cube": sp.Eq(sp.Symbol("y_k"), phi(sp.Symbol("z_k"))),
            "phi": sp.Eq(phi(sp.Symbol("z")), sp.Max(-a, sp.Min(a, sp.Symbol("z")))),
            "jacobian_inside": sp.Eq(sp.MatrixSymbol("J_in", d, d), inside, evaluate=False),
            "jacobian_at_vertex": sp.Eq(sp.MatrixSymbol("J_v", d, d), -lam * sp.Identity(d), evaluate=False)}


def vertex_stability():
    """Derive condition (2) for one coordinate: face k holds iff xi_k z*_k >= a."""
    beta, a = sp.symbols("beta a", positive=True)
    xi = sp.Symbol("xi_k")
    h = sp.Symbol("h_k", real=True)                      # h_k = (G xi)_k
    zstar = beta * a * h
    cond = sp.Ge(xi * zstar, a)
    # divide by a > 0: beta xi_k h_k >= 1
    simplified = sp.Ge(sp.simplify(xi * zstar / a), 1)
    return {"fixed_point_z": sp.Eq(sp.Symbol("z_k^*"), zstar), "face_condition": cond,
            "stability_condition": simplified,
            "projection_rule": sp.Eq(sp.MatrixSymbol("G", 3, 3),
                                     sp.MatrixSymbol("Xi", 3, 2) * sp.Inverse(sp.MatrixSymbol("Xi", 3, 2).T
                                                                              * sp.MatrixSymbol("Xi", 3, 2))
                                     * sp.MatrixSymbol("Xi", 3, 2).T, evaluate=False)}


def hebbian_signal_to_noise():
    """Hebbian rule: local field xi_k (G xi)_k = signal + crosstalk for random patterns.

    signal (d - 1)/d, crosstalk mean 0 and variance (P - 1)(d - 1)/d^2; a bit is unstable when
    the field drops below 1/beta, probability Phi(-(signal - 1/beta)/std).
    """
    d, P, beta = sp.symbols("d P beta", positive=True)
    signal = (d - 1) / d
    var = (P - 1) * (d - 1) / d ** 2
    std = sp.sqrt(var)
    x = sp.Symbol("x")
    Phi = sp.Lambda(x, (1 + sp.erf(x / sp.sqrt(2))) / 2)
    p_err = Phi(-(signal - 1 / beta) / std)
    return {"signal": sp.Eq(sp.Symbol("S"), signal), "crosstalk_variance": sp.Eq(sp.Symbol("sigma^2"), var),
            "bit_instability_probability": sp.Eq(sp.Symbol("p_err"), p_err)}


def projection_rule_margin():
    """Projection rule: every stored pattern is an exact fixed point, every bit has margin beta - 1.

    G = Xi^T (Xi Xi^T)^+ Xi (Xi: P x d, rows xi^mu) is the orthogonal projector onto the span of
    the patterns.  With xi^mu = Xi^T e_mu and M = Xi Xi^T: G xi^mu = Xi^T M^+ M e_mu = Xi^T e_mu =
    xi^mu, because M^+ M projects onto the range of M = range of Xi and Xi^T vanishes on its
    complement.  This holds for every P, linearly independent patterns or not.  Hence
    xi_k (G xi)_k = xi_k^2 = 1 and the margin of condition (2) is beta * 1 - 1 for every bit: the
    bit-instability probability is exactly 0 for beta > 1 and 1 for beta <= 1 (no Gaussian
    crosstalk, unlike the Hebb rule).
    """
    beta = sp.Symbol("beta", positive=True)
    xi = sp.Symbol("xi_k")
    field = sp.Symbol("xi_k (G xi)_k")
    return {"projection_fixes_patterns": sp.Eq(sp.Symbol("G xi^mu"), sp.Symbol("xi^mu")),
            "projection_local_field": sp.Eq(field, sp.Integer(1)),
            "projection_margin": sp.Eq(sp.Symbol("m_proj"), beta * xi ** 2 - 1),
            "projection_bit_instability": sp.Eq(sp.Symbol("p_err_proj"),
                                                sp.Piecewise((0, beta > 1), (1, True)))}


def equations():
    out = {}
    out.update(projection_rule_margin())
    out.update(latent_dynamics())
    out.update(vertex_stability())
    out.update(hebbian_signal_to_noise())
    return out
