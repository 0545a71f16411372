"""Validation of Hebbian E-I learning with synapse-type-specific normalization.

Inputs: two groups of 4 channels (``recnet.numerics.hebbian_ei.block_correlation``: mean part
a = 0.25, within-group covariance b = 1, private variance s = 0.2, so lambda_1 = 6.2 (uniform),
lambda_2 = 4.2 (group A minus group B) and beta* = lambda_1/lambda_2 - 1 = 0.476).  Online
learning draws one Gaussian input per step; several seeds give the standard errors.

1. Receptive field: one E neuron, plastic feedforward weights (L2 norm kept): learned weights
   against the principal eigenvector of Q (times the norm).
2. E-I co-tuning: one E neuron with a fixed field tuned to group A, four I neurons with fixed
   fields (A, B, mixed, uniform), plastic I->E weights (L1 total 1): learned weights against
   a* = (V Q V^T + lambda)^{-1} V Q w.
3. Decorrelation: two E neurons, one I neuron (global inhibition beta = w_EI w_IE / (1 + w_II)),
   at beta = beta*/2 and 2 beta*: the per-step growth of an antisymmetric perturbation of the
   correlated state (averaged dynamics) against (1 + eta lambda_2)/(1 + eta lambda_1/(1 + beta)),
   and the online-learned fields against the averaged dynamics run with the same learning rate
   and duration: correlated (cosine 1) below, decorrelated above; above, the averaged dynamics'
   end state is checked to be the group-selective fixed point (each neuron weight 1/2 on the 4
   channels of one group, 0 elsewhere, cosine 0).

Tolerances: learned weights are time averages over the last quarter of the run; the standard error
is across seeds; constant-step stochastic approximation has an O(eta) bias (Kushner & Yin 2003),
bounded here by rel_tol = 2 eta lambda_1 (~1%).
"""
from __future__ import annotations

import numpy as np

from recnet import checks
from recnet.validation.compare import ValidationResult, compare, compare_exact
from recnet.validation.stats import mean_sem

__all__ = ["validate", "cotuning_setup", "decorrelation_circuit"]


def cotuning_setup():
    """E field w (group A), I fields V (A, B, mixed, uniform) and initial I->E weights."""
    w = np.array([1, 1, 1, 1, .2, .2, .2, .2])
    V = 0.5 * np.array([[1, 1, 1, 1, 0, 0, 0, 0], [0, 0, 0, 0, 1, 1, 1, 1],
                        [1, 1, 0, 0, 1, 1, 0, 0], [.5, .5, .5, .5, .5, .5, .5, .5]])
    return w, V, np.full((1, 4), 0.25)


def decorrelation_circuit(beta, W0):
    """Two E neurons, one I neuron driven by E (W_IE = 1/2 each, W_II = 0) so beta = W_EI."""
    from recnet.numerics import hebbian_ei as hb
    beta = checks.nonnegative("beta", beta)
    return hb.make_circuit(W0, np.zeros((1, W0.shape[1])), W_ei=np.full((2, 1), beta),
                           W_ie=np.full((1, 2), 0.5), W_ii=np.zeros((1, 1)))


def _cos(W):
    return float(W[0] @ W[1] / (np.linalg.norm(W[0]) * np.linalg.norm(W[1])))


def validate(backend="numba", quick=False, seed=12345, a=0.25, b=1.0, s=0.2, n_seeds=None, eta=1e-3):
    """Run the three checks; returns a ValidationResult (backend: numba only, rate model)."""
    from recnet.numerics import hebbian_ei as hb
    if backend != "numba":
        raise ValueError(f"backend = {backend!r} is invalid for hebbian-ei: only 'numba' (rate model)")
    eta = checks.in_range("eta", eta, 0.0, 0.01, low_inclusive=False)
    n_seeds = (3 if quick else 5) if n_seeds is None else checks.integer("n_seeds", n_seeds, minimum=2)
    n_steps = int((8 if quick else 15) / eta)
    mean, cov, Q = hb.block_correlation(4, a, b, s)
    e1, lam = hb.principal_eigenvector(Q)
    if np.min(e1) <= 0:
        raise ValueError("the principal eigenvector of Q must be positive (a > 0 needed) for Dale-conform fields")
    beta_star = hb.decorrelation_threshold(Q)
    seeds = np.random.SeedSequence(seed).spawn(3 * n_seeds + 1)
    gen0 = np.random.default_rng(seeds[-1])
    comps = []
    bias = 2 * eta * lam[0]
    note_w = f"{n_seeds} seeds, eta = {eta:g}; rel_tol = 2 eta lambda_1: O(eta) bias of online learning"
    # 1. receptive field = principal eigenvector
    W0 = gen0.uniform(0.5, 1.5, (1, 8))
    c = hb.make_circuit(W0)
    tot = np.linalg.norm(W0)
    learned = np.array([hb.stochastic(c, mean, cov, eta, n_steps, ("ex",), seed=seeds[i])[1].W_ex[0]
                        for i in range(n_seeds)])
    pred = tot * e1
    for g, sl in (("a", slice(0, 4)), ("b", slice(4, 8))):
        m, se = mean_sem(learned[:, sl].mean(1))
        comps.append(compare(f"rf_weight_group_{g}", pred[sl].mean(), m, se, rel_tol=bias, note=note_w))
    # 2. E-I co-tuning
    w, V, a0 = cotuning_setup()
    a_star, _ = hb.cotuning_weights(w, V, Q, 1.0, "l1")
    c = hb.make_circuit(w[None, :], V, W_ei=a0)
    la = np.array([hb.stochastic(c, mean, cov, eta, n_steps, ("ei",), norm="l1", seed=seeds[n_seeds + i])[1].W_ei[0]
                   for i in range(n_seeds)])
    for j, lab in enumerate(("a", "b", "mixed", "uniform")):
        m, se = mean_sem(la[:, j])
        comps.append(compare(f"inhibitory_weight_from_i_{lab}", a_star[j], m, se, rel_tol=bias, note=note_w))
    comps.append(compare_exact("strongest_inhibition_from_cotuned_i", "a",
                               ("a", "b", "mixed", "uniform")[int(np.argmax(la.mean(0)))]))
    # 3. decorrelation threshold, both sides
    eta_avg = 0.01
    e2 = np.linalg.eigh(Q)[1][:, -2]
    info = {"eigenvalues": lam, "beta_star": beta_star, "n_steps": n_steps, "eta": eta}
    fields = {}
    for side, beta in (("below", 0.5 * beta_star), ("above", 2.0 * beta_star)):
        W0 = np.vstack([e1 + 1e-6 * e2, e1 - 1e-6 * e2])
        _, tr = hb.averaged(decorrelation_circuit(beta, W0), Q, eta_avg, 200)
        d = np.linalg.norm(tr[:, 0] - tr[:, 1], axis=1)
        g_meas = float(np.exp(np.mean(np.diff(np.log(d[10:150])))))
        g_pred = hb.antisymmetric_growth_per_step(Q, beta, eta_avg)
        comps.append(compare(f"log_growth_per_step_{side}", np.log(g_pred), np.log(g_meas), None,
                             rel_tol=1e-3, note="linearisation around the correlated state; perturbation 1e-6"))
        # prediction for the online runs: the averaged dynamics with the same eta and duration
        W0 = np.abs(np.vstack([e1, e1]) + 0.02 * gen0.standard_normal((2, 8)))
        W0 /= np.linalg.norm(W0, axis=1, keepdims=True)          # L2 total 1 for both rows
        fin, _ = hb.averaged(decorrelation_circuit(beta, W0), Q, eta, n_steps)
        cos_pred = _cos(fin.W_ex)
        sel_pred = float(np.max(fin.W_ex[:, :4].mean(1)))
        coss, sel = [], []
        for i in range(n_seeds):
            _, avg = hb.stochastic(decorrelation_circuit(beta, W0), mean, cov, eta, n_steps, ("ex",),
                                   seed=seeds[2 * n_seeds + i])
            coss.append(_cos(avg.W_ex))
            sel.append(np.max(avg.W_ex[:, :4].mean(1)))
            fields[side] = avg.W_ex
        m, se = mean_sem(coss)
        comps.append(compare(f"rf_cosine_{side}", cos_pred, m, se, abs_tol=0.05,
                             note="vs averaged dynamics, same eta and steps; abs 0.05: fluctuations of "
                                  "weights held at 0 by Dale clipping"))
        comps.append(compare_exact(f"decorrelated_{side}", bool(beta > beta_star), bool(m < 0.5),
                                   note=f"beta = {beta:.3f}, beta* = {beta_star:.3f}"))
        if beta > beta_star:
            ms, ses = mean_sem(sel)
            comps.append(compare("selected_group_weight_above", sel_pred, ms, ses, rel_tol=bias, abs_tol=0.01,
                                 note=note_w + "; abs 0.01: clipped-weight fluctuations"))
            # the end state: each neuron selects one group with weight 1/2 (L2 total 1), others 0
            end, _ = hb.averaged(decorrelation_circuit(beta, W0), Q, 0.01, 20000)
            comps.append(compare("fixed_point_selected_weight_above", 0.5, float(np.max(end.W_ex[:, :4].mean(1))),
                                 None, rel_tol=1e-6, note="averaged dynamics run to convergence"))
            comps.append(compare("fixed_point_cosine_above", 0.0, _cos(end.W_ex), None, abs_tol=1e-6))
    fig = _figure(fields, learned, pred, la, a_star)
    return ValidationResult("hebbian-ei", backend, comps, figures={"learned_weights": fig}, info=info)


def _figure(fields, learned, pred, la, a_star):
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(1, 3, figsize=(10, 3))
    ax[0].plot(np.arange(8), pred, "k-", label="theory: |w| e1")
    ax[0].errorbar(np.arange(8), learned.mean(0), learned.std(0), fmt="o", label="learned")
    ax[0].set_xlabel("input channel")
    ax[0].set_ylabel("weight")
    ax[0].set_title("receptive field")
    ax[0].legend(fontsize=7)
    ax[1].bar(np.arange(4) - 0.2, a_star, 0.4, label="theory a*")
    ax[1].errorbar(np.arange(4) + 0.2, la.mean(0), la.std(0), fmt="o", label="learned")
    ax[1].set_xticks(range(4), ["I(A)", "I(B)", "I(mix)", "I(unif)"])
    ax[1].set_ylabel("I->E weight")
    ax[1].set_title("E-I co-tuning")
    ax[1].legend(fontsize=7)
    for side, W in fields.items():
        for i in range(2):
            ax[2].plot(np.arange(8), W[i], "-o" if side == "above" else "--", label=f"{side} beta*, E{i + 1}")
    ax[2].set_xlabel("input channel")
    ax[2].set_ylabel("weight")
    ax[2].set_title("fields below/above beta*")
    ax[2].legend(fontsize=6)
    fig.tight_layout()
    return fig
