"""Associative memory on the latent hypercube: rules, stability condition, latent kernel, spiking."""
import numpy as np
import pytest

from recnet.numerics.scn import memory as sm
from recnet.validation.scn.validate import fit_linear


def test_projection_rule_stores_patterns_exactly():
    Xi = sm.random_patterns(5, 20, seed=1)
    G = sm.projection(Xi)
    np.testing.assert_allclose(Xi @ G.T, Xi, atol=1e-12)
    assert np.all(sm.stable(G, Xi, 1.5)) and not np.any(sm.stable(G, Xi, 0.9))


def test_stability_condition_matches_latent_fixed_points():
    """A vertex is a fixed point of the latent dynamics iff beta xi_k (G xi)_k >= 1 for all k.
    beta = 2.1: Hebbian fields are multiples of 1/d, so beta = 2 produces exact ties (margin 0,
    marginal vertices) where '>' and '>=' differ; a non-commensurate beta avoids them."""
    g = np.random.default_rng(2)
    for _ in range(5):
        Xi = sm.random_patterns(6, 24, seed=g)
        G = sm.hebbian(Xi)
        beta = 2.1
        Y = sm.latent_final(G, Xi, beta=beta, t_sim=300.0)          # start exactly at the vertices
        stays = np.all(np.sign(Y) == Xi, axis=1) & np.all(np.abs(Y) == 1.0, axis=1)
        np.testing.assert_array_equal(stays, sm.stable(G, Xi, beta))


def test_latent_kernel_equals_numpy():
    Xi = sm.random_patterns(3, 16, seed=3)
    G = sm.hebbian(Xi)
    cues = sm.corrupt(Xi, 0.2, seed=4)
    a = sm.latent_final(G, cues, beta=2.5, dt=0.5, t_sim=100.0)
    b = sm.latent_run(G, cues, beta=2.5, dt=0.5, t_sim=100.0)
    np.testing.assert_allclose(a, b, rtol=0, atol=1e-12)


def test_spiking_network_completes_a_pattern():
    """Spiking network (N = 4 d = 64) from a cue with 2 flipped bits reaches the stored vertex; the
    readout sits in the face band [a - delta, a]."""
    Xi = sm.random_patterns(2, 16, seed=5)
    G = sm.projection(Xi)
    net = sm.build_network(G, beta=2.0, delta=0.1, tau=20.0)
    cue = sm.corrupt(Xi[:1], 2 / 16, seed=6)[0]
    t, y, res = sm.spiking_run(net, cue, t_sim=150.0)
    np.testing.assert_array_equal(np.sign(y[-1]), Xi[0])
    tail = np.abs(y[-len(y) // 5:]).mean(axis=0)
    assert np.all((tail >= 1.0 - 0.1) & (tail <= 1.0 + 1e-9))


def test_capacity_is_linear_in_n():
    """Capacity of the Hebbian latent memory for d = 16..128 (N = 4 d): the quadratic coefficient of
    P_c(N) is consistent with 0 (3 stderr) and the slope's 95% CI excludes 0."""
    g = np.random.default_rng(7)
    rows = [(4 * d, sm.capacity(d, beta=2.0, seed=g)) for d in (16, 32, 64, 128) for _ in range(3)]
    N, P = np.array(rows, float).T
    fit = fit_linear(N, P)
    assert fit["slope_ci"][0] > 0
    assert abs(fit["quad"]) <= 3 * fit["quad_se"]


def test_fit_linear_recovers_a_known_line():
    x = np.arange(1, 21, dtype=float)
    y = 0.25 * x + 1 + 0.01 * np.sin(x)
    fit = fit_linear(x, y)
    assert fit["slope_ci"][0] < 0.25 < fit["slope_ci"][1]


def test_bad_input():
    with pytest.raises(ValueError, match="rule"):
        sm.learning_rule("oja")
    with pytest.raises(ValueError, match="beta"):
        sm.build_network(np.zeros((2, 2)), beta=-1)
    with pytest.raises(ValueError, match="flip"):
        sm.corrupt(np.ones((1, 4)), 1.5)
