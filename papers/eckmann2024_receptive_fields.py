"""Receptive-field formation with synapse-type-specific competitive Hebbian learning (E-I circuit).

In the style of Eckmann, Young, Gjorgjieva 2024: Hebbian learning at every plastic synapse type,
each neuron's synapses of one type normalized to a fixed total.  Inputs: two correlated groups of
4 channels (lambda_1 = 6.2, lambda_2 = 4.2).  (a) Two E neurons with plastic feedforward fields and
global inhibition of strength beta through an I neuron: cosine between the learned fields against
beta / beta*, theory (averaged dynamics with the same learning rate and duration, line; threshold beta* = lambda_1/lambda_2 - 1) and
online learning (points, mean +- sem over seeds).  (b) E-I co-tuning: plastic I->E weights of an E
neuron tuned to group A from four I neurons (A, B, mixed, uniform): theory a* vs learned.
(c) Normalization / winner-take-all after learning: responses of the two (decorrelated, rectified)
E neurons to a mixture of both groups, against the contrast of group B, for two inhibition
strengths; theory r = [s - beta/N sum r]_+ (lines) vs rate simulation of the circuit (points).
"""
from pathlib import Path

import numpy as np

TITLE = "Competitive Hebbian learning in an E-I circuit: decorrelation, co-tuning, normalization"
REFERENCE = "S. Eckmann, E. J. Young, J. Gjorgjieva, PNAS 121, e2305326121 (2024)"


def compute(quick=False):
    from recnet.numerics import hebbian_ei as hb
    from recnet.validation.hebbian_ei import cotuning_setup, decorrelation_circuit
    mean, cov, Q = hb.block_correlation()
    e1, lam = hb.principal_eigenvector(Q)
    bs = hb.decorrelation_threshold(Q)
    gen = np.random.default_rng(0)
    W0 = np.abs(np.vstack([e1, e1]) + 0.02 * gen.standard_normal((2, 8)))
    factors = np.linspace(0.2, 2.5, 24 if quick else 47)
    eta, n = 1e-3, 8000 if quick else 20000
    cos_th = []
    for f in factors:
        # same learning rate and duration as the online runs: the theory of the finite-time state
        fin, _ = hb.averaged(decorrelation_circuit(f * bs, W0), Q, eta, n)
        W = fin.W_ex
        cos_th.append(W[0] @ W[1] / np.prod(np.linalg.norm(W, axis=1)))
    f_sim = np.array([0.5, 0.8, 1.2, 1.6, 2.2]) if quick else np.array([0.3, 0.6, 0.8, 0.9, 1.1, 1.3, 1.6, 2.0, 2.4])
    n_seeds = 2 if quick else 4
    cos_sim = []
    for f in f_sim:
        cs = []
        for s in range(n_seeds):
            _, avg = hb.stochastic(decorrelation_circuit(f * bs, W0), mean, cov, eta, n, seed=100 + s)
            W = avg.W_ex
            cs.append(W[0] @ W[1] / np.prod(np.linalg.norm(W, axis=1)))
        cos_sim.append((np.mean(cs), np.std(cs, ddof=1) / np.sqrt(n_seeds)))
    w, V, a0 = cotuning_setup()
    a_star, _ = hb.cotuning_weights(w, V, Q, 1.0, "l1")
    c = hb.make_circuit(w[None, :], V, W_ei=a0)
    la = np.array([hb.stochastic(c, mean, cov, eta, n, ("ei",), norm="l1", seed=200 + s)[1].W_ei[0]
                   for s in range(n_seeds)])
    # normalization / WTA with the decorrelated fields (neuron 1 <- group A, neuron 2 <- group B)
    Wd = np.zeros((2, 8))
    Wd[0, :4] = Wd[1, 4:] = 0.5
    contr = np.linspace(0, 1, 21)
    resp = {}
    for beta in (0.5, 4.0):
        th, sim = [], []
        for cb in contr:
            x = np.r_[np.ones(4), cb * np.ones(4)]
            s = Wd @ x
            th.append(hb.rectified_responses(s, beta))
            # rate simulation: tau dr/dt = -r + [s - (beta/N) sum r]_+
            r = np.zeros(2)
            for _ in range(4000):
                r += 0.01 * (-r + np.maximum(s - beta / 2 * r.sum(), 0))
            sim.append(r)
        resp[beta] = (np.array(th), np.array(sim))
    return dict(factors=factors, cos_th=np.array(cos_th), f_sim=f_sim, cos_sim=np.array(cos_sim),
                a_star=a_star, la=la, contr=contr, resp=resp, beta_star=bs)


def make(out=None, quick=False):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    d = compute(quick)
    fig, ax = plt.subplots(1, 3, figsize=(13, 3.8))
    a = ax[0]
    a.plot(d["factors"], d["cos_th"], "k-", label="theory (averaged dynamics)")
    a.errorbar(d["f_sim"], d["cos_sim"][:, 0], d["cos_sim"][:, 1], fmt="o", label="online learning")
    a.axvline(1.0, color="gray", ls="--", label=f"beta* = {d['beta_star']:.3f}")
    a.set_xlabel("inhibition beta / beta*")
    a.set_ylabel("cosine of the two learned fields")
    a.set_title("(a) decorrelation threshold")
    a.legend(fontsize=7)
    b = ax[1]
    lab = ["I(A)", "I(B)", "I(mix)", "I(unif)"]
    b.bar(np.arange(4) - 0.2, d["a_star"], 0.4, label="theory a*")
    b.errorbar(np.arange(4) + 0.2, d["la"].mean(0), d["la"].std(0, ddof=1) / np.sqrt(len(d["la"])),
               fmt="ko", label="learned")
    b.set_xticks(range(4), lab)
    b.set_ylabel("I -> E weight (L1 total 1)")
    b.set_title("(b) E-I co-tuning (E tuned to A)")
    b.legend(fontsize=7)
    c = ax[2]
    for beta, col in ((0.5, "C0"), (4.0, "C3")):
        th, sim = d["resp"][beta]
        c.plot(d["contr"], th[:, 0], col + "-", label=f"E1 theory, beta={beta:g}")
        c.plot(d["contr"], th[:, 1], col + "--", label=f"E2 theory, beta={beta:g}")
        c.plot(d["contr"][::2], sim[::2, 0], col + "o", ms=4)
        c.plot(d["contr"][::2], sim[::2, 1], col + "s", ms=4, mfc="none")
    c.set_xlabel("contrast of group B (group A at 1)")
    c.set_ylabel("response (Hz)")
    c.set_title("(c) normalization / winner-take-all")
    c.legend(fontsize=6)
    fig.suptitle(TITLE, fontsize=9)
    fig.tight_layout()
    out = Path(out or "eckmann2024_receptive_fields.png")
    fig.savefig(out, dpi=120)
    plt.close(fig)
    return out


if __name__ == "__main__":
    from recnet.papers._script import run

    run(make, TITLE)
