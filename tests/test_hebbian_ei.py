"""Hebbian E-I plasticity with per-type normalization: fixed points, co-tuning, decorrelation.

Oracles: eigenvectors of Q (numpy.linalg.eigh), the sympy threshold, a numpy twin of the averaged
kernel, brute-force enumeration of active sets for the rectified responses, online learning over
several seeds (tolerance: 3 stderr + the O(eta) bias bound 2 eta lambda_1).
"""
import numpy as np
import pytest
import sympy as sp

from recnet.numerics import hebbian_ei as hb
from recnet.theory import hebbian_ei as th
from recnet.validation.hebbian_ei import cotuning_setup, decorrelation_circuit

MEAN, COV, Q = hb.block_correlation()


def test_block_correlation_spectrum():
    e1, lam = hb.principal_eigenvector(Q)
    np.testing.assert_allclose(lam[:2], [2 * 4 * 0.25 + 4 + 0.2, 4 + 0.2], rtol=1e-12)
    np.testing.assert_allclose(e1, np.full(8, 8 ** -0.5), rtol=1e-12)


def test_threshold_sympy_equals_numerics():
    s = th.symbols()
    e1, lam = hb.principal_eigenvector(Q)
    v = float(th.decorrelation_threshold().subs({s["lambda_1"]: lam[0], s["lambda_2"]: lam[1]}))
    np.testing.assert_allclose(v, hb.decorrelation_threshold(Q), rtol=1e-12)
    # the general growth-matrix criterion reduces to the closed form for global inhibition
    for beta in (0.3, 0.476, 0.7):
        K = beta / 2 * np.ones((2, 2))
        np.testing.assert_allclose(hb.field_growth_matrix(Q, K), lam[1] - lam[0] / (1 + beta), rtol=1e-10)


def test_averaged_kernel_matches_naive_twin():
    rng = np.random.default_rng(0)
    c = hb.make_circuit(rng.uniform(0.2, 1, (2, 8)), rng.uniform(0.2, 1, (2, 8)),
                        W_ei=rng.uniform(0.1, 0.5, (2, 2)), W_ie=rng.uniform(0.1, 0.5, (2, 2)),
                        W_ii=rng.uniform(0.0, 0.2, (2, 2)))
    a, _ = hb.averaged(c, Q, 0.01, 50, plastic=("ex", "ix", "ei"), norm={"ex": "l2", "ix": "l2", "ei": "l1"})
    b = hb.averaged_naive(c, Q, 0.01, 50, plastic=("ex", "ix", "ei"), norm={"ex": "l2", "ix": "l2", "ei": "l1"})
    for x, y in ((a.W_ex, b.W_ex), (a.W_ix, b.W_ix), (a.W_ei, b.W_ei)):
        np.testing.assert_allclose(x, y, rtol=1e-12, atol=1e-14)


def test_fixed_points_are_eigenvectors_and_only_principal_is_stable():
    e1, lam = hb.principal_eigenvector(Q)
    V = np.linalg.eigh(Q)[1]
    e2 = V[:, -2]
    # every eigenvector is a fixed point of the (unclipped) averaged map
    for v in (e1, e2):
        W = np.abs(v)[None, :] if v is e1 else v[None, :]
        G = W @ Q
        np.testing.assert_allclose(G[0] / np.linalg.norm(G[0]), W[0] / np.linalg.norm(W[0]), atol=1e-12)
    # from a positive random start the averaged map goes to e1
    c = hb.make_circuit(np.random.default_rng(1).uniform(0.5, 1.5, (1, 8)))
    f, _ = hb.averaged(c, Q, 0.01, 3000)
    np.testing.assert_allclose(f.W_ex[0] / np.linalg.norm(f.W_ex[0]), e1, atol=1e-9)


def test_cotuning_closed_form_is_averaged_fixed_point():
    w, V, a0 = cotuning_setup()
    a_star, lam = hb.cotuning_weights(w, V, Q, 1.0, "l1")
    np.testing.assert_allclose(a_star.sum(), 1.0, rtol=1e-12)
    c = hb.make_circuit(w[None, :], V, W_ei=a0)
    f, _ = hb.averaged(c, Q, 0.01, 6000, plastic=("ei",), norm="l1")
    np.testing.assert_allclose(f.W_ei[0], a_star, rtol=1e-8)
    assert np.argmax(a_star) == 0            # co-tuned: the I neuron with the E neuron's preference


def test_online_learning_matches_predicted_fixed_points():
    """Receptive field = |w| e1 and co-tuned inhibition a*, over 3 seeds."""
    eta, n = 1e-3, 10000
    e1, lam = hb.principal_eigenvector(Q)
    bias = 2 * eta * lam[0]
    c = hb.make_circuit(np.random.default_rng(2).uniform(0.5, 1.5, (1, 8)))
    tot = np.linalg.norm(c.W_ex)
    w = np.array([hb.stochastic(c, MEAN, COV, eta, n, seed=s)[1].W_ex[0] for s in range(3)])
    m, se = w.mean(0), w.std(0, ddof=1) / np.sqrt(3)
    assert np.all(np.abs(m - tot * e1) <= 3 * se + bias * tot * e1)
    wf, V, a0 = cotuning_setup()
    a_star, _ = hb.cotuning_weights(wf, V, Q, 1.0, "l1")
    c = hb.make_circuit(wf[None, :], V, W_ei=a0)
    a = np.array([hb.stochastic(c, MEAN, COV, eta, n, ("ei",), norm="l1", seed=10 + s)[1].W_ei[0] for s in range(3)])
    m, se = a.mean(0), a.std(0, ddof=1) / np.sqrt(3)
    assert np.all(np.abs(m - a_star) <= 3 * se + bias * a_star)


@pytest.mark.parametrize("factor", [0.5, 0.9, 1.1, 2.0])
def test_decorrelation_threshold_both_sides(factor):
    """Averaged dynamics: growth of the antisymmetric mode has the predicted rate and sign."""
    e1, lam = hb.principal_eigenvector(Q)
    e2 = np.linalg.eigh(Q)[1][:, -2]
    beta = factor * hb.decorrelation_threshold(Q)
    _, tr = hb.averaged(decorrelation_circuit(beta, np.vstack([e1 + 1e-7 * e2, e1 - 1e-7 * e2])), Q, 0.01, 120)
    d = np.linalg.norm(tr[:, 0] - tr[:, 1], axis=1)
    g = np.exp(np.mean(np.diff(np.log(d[5:100]))))
    np.testing.assert_allclose(np.log(g), np.log(hb.antisymmetric_growth_per_step(Q, beta, 0.01)), rtol=1e-3)
    assert (g > 1) == (factor > 1)
    W0 = np.abs(np.vstack([e1, e1]) + 0.02 * np.random.default_rng(3).standard_normal((2, 8)))
    fin, _ = hb.averaged(decorrelation_circuit(beta, W0), Q, 0.01, 5000)
    cos = fin.W_ex[0] @ fin.W_ex[1] / np.prod(np.linalg.norm(fin.W_ex, axis=1))
    assert (cos < 0.5) == (factor > 1)


def test_normalization_and_wta_closed_forms():
    """Linear and rectified responses under global inhibition vs direct solves / enumeration."""
    rng = np.random.default_rng(4)
    for _ in range(20):
        N = 4
        s = rng.uniform(0, 2, N)
        beta = rng.uniform(0, 5)
        K = beta / N * np.ones((N, N))
        np.testing.assert_allclose(hb.normalized_responses(s, beta), np.linalg.solve(np.eye(N) + K, s), rtol=1e-12)
        r = hb.rectified_responses(s, beta)
        np.testing.assert_allclose(r, np.maximum(s - K @ r, 0), atol=1e-12)  # it is a fixed point
    # two driven neurons out of N_E = 2: the weaker is silenced iff s2/s1 < beta/(N + beta)
    for ratio in (0.1, 0.3, 0.6, 0.9):   # thresholds beta/(2+beta) = 0.2, 0.5, 0.8
        for beta in (0.5, 2.0, 8.0):
            r = hb.rectified_responses(np.array([1.0, ratio]), beta)
            assert (r[1] == 0) == (ratio < beta / (2 + beta))


@pytest.mark.parametrize("kw,match", [
    (dict(W_ex=-np.ones((1, 8))), "Dale"),
    (dict(W_ei=-np.ones((1, 2))), "Dale"),
    (dict(W_ix=np.ones((2, 7))), "W_ix has shape"),
    (dict(W_ei=np.ones((2, 2))), "W_ei has shape"),
])
def test_bad_circuit_is_named(kw, match):
    args = dict(W_ex=np.ones((1, 8)), W_ix=np.ones((2, 8)))
    args.update(kw)
    with pytest.raises(ValueError, match=match):
        hb.make_circuit(**args)


def test_bad_learning_input_is_named():
    c = hb.make_circuit(np.ones((1, 8)))
    with pytest.raises(ValueError, match="Q"):
        hb.averaged(c, -np.eye(8))
    with pytest.raises(ValueError, match="eta"):
        hb.averaged(c, Q, eta=-1.0)
    with pytest.raises(ValueError, match="plastic"):
        hb.averaged(c, Q, plastic=("xx",))
