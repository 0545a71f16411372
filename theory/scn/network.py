"""Spike-coding networks: the network of a decoder, its bounding box and its rate QP (sympy).

The derivations follow Boerlin, Machens, Deneve (2013), PLoS Comput Biol 9:e1003258 (greedy
spiking rule, thresholds, fast and slow weights), Barrett, Deneve, Machens (2013), NIPS (rates as a
quadratic program), Calaim, Dehmelt, Goncalves, Machens (2022), eLife 11:e73276 (bounding box and
its robustness) and Podlaski & Machens (2020), NeurIPS (dynamic inversion).

Notation: K latent dimensions, N neurons, decoder D (K x N, column D_i), filtered spike trains
r (dr/dt = -lam r + s), readout x_hat = D r, error e = x - x_hat, rate costs mu (quadratic) and
nu (linear), leak lam = 1/tau.

Everything here is symbolic: the greedy rule and the threshold are *derived* (the loss change of a
spike, solved for the voltage), and the network equations are obtained by differentiating the
voltage definition, so a user can substitute, differentiate and print them.
"""
from __future__ import annotations

import sympy as sp

def _must(ok, what):
    """A derivation step that must hold; named failure instead of an assert."""
    if not ok:
        raise RuntimeError(f"derivation failed: {what}")


__all__ = ["symbols", "greedy_spike_rule", "network_equations", "qp_and_kkt",
           "bounding_box", "box_deformations", "dynamic_inversion", "equations"]


def symbols(K=2):
    """Symbols for an explicit K-dimensional latent space and one neuron i (with a partner j)."""
    lam, mu, nu, t = sp.symbols("lambda mu nu t", positive=True)
    x = sp.Matrix(sp.symbols(f"x1:{K + 1}", real=True))
    xh = sp.Matrix(sp.symbols(f"xhat1:{K + 1}", real=True))
    Di = sp.Matrix(sp.symbols(f"D_i1:{K + 1}", real=True))
    Dj = sp.Matrix(sp.symbols(f"D_j1:{K + 1}", real=True))
    ri = sp.Symbol("r_i", nonnegative=True)
    return dict(lam=lam, mu=mu, nu=nu, t=t, x=x, xhat=xh, Di=Di, Dj=Dj, ri=ri, K=K)


def greedy_spike_rule(K=2):
    """Derive threshold and reset from the loss L = |x - x_hat|^2 + mu |r|^2 + nu |r|_1.

    A spike of neuron i changes x_hat -> x_hat + D_i and r_i -> r_i + 1.  It is fired if it lowers
    L (Boerlin et al. 2013, eq. 6): Delta L < 0  <=>  V_i > T_i with
    V_i = D_i^T (x - x_hat) - mu r_i and T_i = (|D_i|^2 + mu + nu)/2; after the spike V_i drops by
    |D_i|^2 + mu (the reset).

    Returns
    -------
    dict with the loss change ``delta_loss``, the voltage ``V_i``, the threshold ``T_i`` (solved
    from Delta L = 0) and the ``reset``.
    """
    s = symbols(K)
    x, xh, Di, ri, mu, nu = s["x"], s["xhat"], s["Di"], s["ri"], s["mu"], s["nu"]

    def loss(xhat, r):
        e = x - xhat
        return (e.T * e)[0] + mu * r ** 2 + nu * r           # only neuron i's terms change

    dL = sp.expand(loss(xh + Di, ri + 1) - loss(xh, ri))
    V = sp.Symbol("V_i", real=True)
    Vdef = ((Di.T * (x - xh))[0] - mu * ri)
    # Delta L = -2 V_i + |D_i|^2 + mu + nu: check, then solve Delta L = 0 for V_i
    norm2 = (Di.T * Di)[0]
    _must(sp.simplify(dL - (-2 * Vdef + norm2 + mu + nu)) == 0, "Delta L = -2 V_i + |D_i|^2 + mu + nu")
    T = sp.solve(sp.Eq(-2 * V + norm2 + mu + nu, 0), V)[0]
    V_after = (Di.T * (x - xh - Di))[0] - mu * (ri + 1)
    reset = sp.simplify(Vdef - V_after)
    return {"delta_loss": sp.Eq(sp.Symbol("Delta L"), sp.factor_terms(dL)),
            "voltage": sp.Eq(V, Vdef), "threshold": sp.Eq(sp.Symbol("T_i"), T),
            "reset": sp.Eq(sp.Symbol("Delta V_i"), -reset)}


def network_equations():
    """Voltage dynamics, fast and slow weights (matrix symbols).

    Differentiating V = D^T (x - D r) - mu r with dr/dt = -lam r + s and
    (a) autoencoder: x follows dx/dt = -lam x + c  ->  dV/dt = -lam V + D^T c - (D^T D + mu I) s;
    (b) linear dynamics dx/dt = A x + c with x replaced by the network's estimate D r in the slow
        term  ->  dV/dt = -lam V + D^T c + D^T (A + lam I) D r - (D^T D + mu I) s.
    """
    K, N = sp.symbols("K N", integer=True, positive=True)
    lam, mu = sp.symbols("lambda mu", positive=True)
    D = sp.MatrixSymbol("D", K, N)
    A = sp.MatrixSymbol("A", K, K)
    x = sp.MatrixSymbol("x", K, 1)
    c = sp.MatrixSymbol("c", K, 1)
    r = sp.MatrixSymbol("r", N, 1)
    s = sp.MatrixSymbol("s", N, 1)
    V = sp.MatrixSymbol("V", N, 1)
    IK, IN = sp.Identity(K), sp.Identity(N)
    Vdef = D.T * (x - D * r) - mu * r
    dx_auto = -lam * x + c
    dr = -lam * r + s
    dV_auto = D.T * (dx_auto - D * dr) - mu * dr
    # check: dV_auto = -lam V + D^T c - (D^T D + mu I) s
    target = -lam * Vdef + D.T * c - (D.T * D + mu * IN) * s
    _must(sp.expand((dV_auto - target).doit()) == sp.ZeroMatrix(N, 1),
          "dV/dt = -lam V + D^T c - (D^T D + mu I) s for the autoencoder")
    Om_f = D.T * D + mu * IN
    Om_s = D.T * (A + lam * IK) * D
    dV_lin = -lam * V + D.T * c + Om_s * r - Om_f * s
    return {"voltage_definition": sp.Eq(V, Vdef),
            "autoencoder_dynamics": sp.Eq(sp.MatrixSymbol("Vdot", N, 1), -lam * V + D.T * c - Om_f * s,
                                          evaluate=False),
            "linear_dynamics": sp.Eq(sp.MatrixSymbol("Vdot", N, 1), dV_lin, evaluate=False),
            "fast_weights": sp.Eq(sp.MatrixSymbol("Omega_f", N, N), Om_f),
            "slow_weights": sp.Eq(sp.MatrixSymbol("Omega_s", N, N), Om_s),
            "autoencoder_command": sp.Eq(c, sp.MatrixSymbol("xdot", K, 1) + lam * x),
            "readout": sp.Eq(sp.MatrixSymbol("xhat", K, 1), D * r)}


def qp_and_kkt():
    """The rate QP and its KKT conditions, derived from the Lagrangian (Barrett et al. 2013).

    min_{r >= 0} 1/2 |x - D r|^2 + mu/2 |r|^2 + t^T r,  t_i = T_i - (|D_i|^2 + mu)/2,
    Lagrangian L = f(r) - eta^T r; stationarity dL/dr_i = 0 gives eta_i = t_i - V_i with
    V_i = D_i^T (x - D r) - mu r_i: eta_i >= 0 is the box condition V_i <= t_i, and
    eta_i r_i = 0 says active neurons sit on their effective threshold.
    Shown for K = 2 latent dimensions and N = 2 neurons.
    """
    x1, x2, mu = sp.symbols("x1 x2 mu", real=True)
    d = sp.Matrix(2, 2, sp.symbols("D11 D12 D21 D22", real=True))
    r = sp.Matrix(sp.symbols("r1 r2", nonnegative=True))
    t = sp.Matrix(sp.symbols("t1 t2", real=True))
    eta = sp.Matrix(sp.symbols("eta1 eta2", real=True))
    x = sp.Matrix([x1, x2])
    e = x - d * r
    f = sp.Rational(1, 2) * (e.T * e)[0] + mu / 2 * (r.T * r)[0] + (t.T * r)[0]
    Lag = f - (eta.T * r)[0]
    grads = [sp.diff(Lag, ri) for ri in r]
    V = [(d[:, i].T * e)[0] - mu * r[i] for i in range(2)]
    eta_sol = [sp.solve(g, eta[i])[0] for i, g in enumerate(grads)]
    for i in range(2):
        _must(sp.simplify(eta_sol[i] - (t[i] - V[i])) == 0, f"eta_{i + 1} = t_{i + 1} - V_{i + 1}")
    return {"objective": sp.Eq(sp.Symbol("f"), f),
            "lagrangian": sp.Eq(sp.Symbol("L"), Lag),
            "stationarity_1": sp.Eq(eta[0], eta_sol[0]),
            "stationarity_2": sp.Eq(eta[1], eta_sol[1]),
            "dual_feasibility": sp.And(sp.Ge(eta[0], 0), sp.Ge(eta[1], 0)),
            "complementarity": sp.And(sp.Eq(eta[0] * r[0], 0), sp.Eq(eta[1] * r[1], 0)),
            "effective_threshold": sp.Eq(sp.Symbol("t_i"), sp.Symbol("T_i") - (sp.Symbol("|D_i|^2") + mu) / 2)}


def bounding_box():
    """The bounding box of the coding error (Calaim et al. 2022): {e : D_i^T e - mu r_i <= T_i}.

    Each neuron is a face with normal D_i at distance T_i/|D_i| from the origin; a spike moves
    e by -D_i, i.e. across the box (from the face to T_i - |D_i|^2 along D_i).
    """
    s = symbols(2)
    e = sp.Matrix(sp.symbols("e1 e2", real=True))
    T = sp.Symbol("T_i", positive=True)
    Di, mu, ri = s["Di"], s["mu"], s["ri"]
    face = sp.Le((Di.T * e)[0] - mu * ri, T)
    dist = T / sp.sqrt((Di.T * Di)[0])
    after = sp.expand((Di.T * (e - Di))[0])
    return {"face_i": face, "distance_to_face_i": sp.Eq(sp.Symbol("d_i"), dist),
            "voltage_after_spike": sp.Eq(sp.Symbol("V_i^+"), after)}


def box_deformations():
    """How the box deforms (Calaim et al. 2022), as inequalities.

    * neuron loss: the face of a dead neuron disappears; the box stays bounded iff the remaining
      normals D_j positively span the latent space (no direction u with D_j^T u <= 0 for all j);
    * noise: a voltage noise of standard deviation sigma makes a neuron fire ~sigma before its
      face: effective faces at T_i - k sigma (the box shrinks);
    * delays: during a delay delta the error drifts and other neurons whose faces were crossed fire
      as well; m neurons firing for the same face move e by -sum D_j; no ping-pong requires the jump
      to stay inside the opposite faces, for two opposite neurons (D_j = -D_i):
      T_i + T_j >= m |D_i|^2.
    """
    Ti, Tj, sigma, k, m = sp.symbols("T_i T_j sigma k m", positive=True)
    d2 = sp.Symbol("|D_i|^2", positive=True)
    return {"noise_effective_face": sp.Eq(sp.Symbol("T_i^eff"), Ti - k * sigma),
            "delay_no_ping_pong": sp.Ge(Ti + Tj, m * d2),
            "boerlin_margin": sp.Eq(sp.Symbol("T_i + T_j - |D_i|^2"),
                                    (d2 / 2 + d2 / 2 - d2))}


def dynamic_inversion():
    """Dynamic inversion (Podlaski & Machens 2020, NeurIPS): fixed point and its stability.

    Controller u with feedback B (n x m) onto the rates r of a layer with forward weights W
    (m x n), target error delta (m):

        tau_r dr/dt = -r + B u,      tau_u du/dt = W r - alpha u - delta.

    Fixed point: r_x = B u*, u* = (W B - alpha I)^{-1} delta, i.e. r_x = B (W B - alpha I)^{-1} delta;
    for alpha -> 0, W r_x = delta (a right inverse of W).  With fast rates (tau_r -> 0) the
    controller's Jacobian is (W B - alpha I)/tau_u: stable iff every eigenvalue of W B has real
    part < alpha.  Shown for m = n = 1 (scalars) and general matrices.
    """
    w, b_, alpha, delta, taur, tauu = sp.symbols("w b alpha delta tau_r tau_u", real=True)
    r, u = sp.symbols("r u", real=True)
    eqs = [sp.Eq(0, -r + b_ * u), sp.Eq(0, w * r - alpha * u - delta)]
    sol = sp.solve(eqs, [r, u], dict=True)[0]
    J = sp.Matrix([[-1 / taur, b_ / taur], [w / tauu, -alpha / tauu]])
    m, n = sp.symbols("m n", integer=True, positive=True)
    W = sp.MatrixSymbol("W", m, n)
    B = sp.MatrixSymbol("B", n, m)
    dl = sp.MatrixSymbol("delta", m, 1)
    return {"fixed_point_scalar": sp.Eq(sp.Symbol("r_x"), sp.simplify(sol[r])),
            "fixed_point": sp.Eq(sp.MatrixSymbol("r_x", n, 1),
                                 B * sp.Inverse(W * B - sp.Symbol("alpha") * sp.Identity(m)) * dl),
            "jacobian_scalar": J,
            "trace_scalar": sp.Eq(sp.Symbol("tr J"), sp.simplify(J.trace())),
            "determinant_scalar": sp.Eq(sp.Symbol("det J"), sp.simplify(J.det())),
            "stability_fast_rates": sp.StrictLessThan(sp.Symbol("max Re eig(W B)"), sp.Symbol("alpha"))}


def equations():
    """All labelled equations of the ``scn`` subject (for ``recnet derive scn``)."""
    out = {}
    out.update(greedy_spike_rule())
    out.update(network_equations())
    out.update(qp_and_kkt())
    out.update(bounding_box())
    out.update(box_deformations())
    out.update({f"dynamic_inversion_{k}": v for k, v in dynamic_inversion().items()})
    return out
