"""PR/N of the zero-frequency covariance of linear random networks (numerics.dimension_linear,
theory.dimension_linear, rate-network's ``dimension`` block) against independent oracles: the
sympy series solution, exact covariances of sampled matrices (inversion and the Lyapunov equation)
extrapolated in 1/N, and simulations."""
import math

import numpy as np
import pytest
import sympy as sp
from scipy.linalg import solve_continuous_lyapunov, solve_discrete_lyapunov

from recnet.numerics import dimension_linear as D
from recnet.theory import dimension_linear as T
from recnet.validation.dmft import finite_size as F


def test_sympy_series_gives_one_minus_g2_squared():
    r = T.one_population()
    s = T.s
    assert sp.simplify(r["m1"] - 1 / (1 - s)) == 0
    assert sp.simplify(r["m2"] - 1 / (1 - s) ** 4) == 0
    assert sp.simplify(r["pr_per_n"] - (1 - s) ** 2) == 0
    for g in (0.3, 0.5, 0.7, 0.9):
        d = D.participation_ratio_linear([1.0], g * g)
        assert d["participation_ratio_per_n"] == pytest.approx((1 - g * g) ** 2, rel=1e-14)
        assert d["mean_variance"] == pytest.approx(1 / (1 - g * g), rel=1e-14)


def test_identical_populations_reduce_to_one():
    d = D.participation_ratio_linear([0.3, 0.7], np.full((2, 2), 0.36))
    assert d["participation_ratio_per_n"] == pytest.approx((1 - 0.36) ** 2, rel=1e-13)


def _draw(alpha, G, N, rng):
    sizes = np.round(np.asarray(alpha) * N).astype(int)
    e = np.concatenate([[0], np.cumsum(sizes)])
    W = rng.standard_normal((N, N)) / math.sqrt(N)
    for a in range(len(sizes)):
        for b in range(len(sizes)):
            W[e[a]:e[a + 1], e[b]:e[b + 1]] *= G[a][b]
    return W


@pytest.mark.parametrize("alpha,G", [([1.0], [[0.5]]), ([1.0], [[0.7]]),
                                     ([0.6, 0.4], [[0.5, 0.8], [0.3, 0.6]])])
def test_closed_form_against_exact_inversions_extrapolated(alpha, G):
    """Exact PR/N of (1 - W)^-1 (1 - W)^-T for 6 sampled W at N = 300 and 600 each, extrapolated
    q_inf + a/N; the network-to-network scatter of a ratio of normalised traces is O(1/N) (CLT of
    linear spectral statistics), so the pooled variance law is c/N^2; the allowance is the Student-t
    quantile (3 sigma level) for the pooled dof times the extrapolation's standard error."""
    rng = np.random.default_rng(7)
    sizes = [300, 600]
    samples = [[D.participation_ratio_of(D.zero_frequency_covariance(_draw(alpha, G, N, rng))) / N
                for _ in range(6)] for N in sizes]
    f = F.fit_samples(sizes, samples, model="1/N", pool=True, var_power=2.0)
    pred = D.participation_ratio_linear(alpha, np.asarray(G) ** 2)["participation_ratio_per_n"]
    assert abs(f["q_inf"] - pred) <= F.n_sigma_for(f["error_dof"]) * f["q_inf_stderr"]


@pytest.mark.parametrize("g,eq_range", [(0.5, (0.80, 0.90)), (0.7, (0.58, 0.68))])
def test_lyapunov_oracle_which_covariance(g, eq_range):
    """The Lyapunov equation's equal-time C gives S_0 = -A^-1 C - C A^-T (identity to round-off);
    the equal-time PR/N is far above (1 - g^2)^2 (measured 0.85, 0.63 at N = 800 last session; the
    range allows the O(1/N) and disorder scatter, ~0.01 at N = 600), the zero-frequency one is not."""
    N = 600
    rng = np.random.default_rng(11)
    W = g * rng.standard_normal((N, N)) / math.sqrt(N)
    A = W - np.eye(N)
    C = solve_continuous_lyapunov(A, -np.eye(N))
    Ai = np.linalg.inv(A)
    S0 = -Ai @ C - C @ Ai.T
    ref = D.zero_frequency_covariance(W)
    assert np.max(np.abs(S0 - ref)) <= 1e-9 * np.max(np.abs(ref))
    np.testing.assert_allclose(D.equal_time_covariance(W), 0.5 * (C + C.T), rtol=1e-10, atol=1e-12)
    pr_eq = D.participation_ratio_of(C) / N
    assert eq_range[0] < pr_eq < eq_range[1]
    assert abs(D.participation_ratio_of(S0) / N - (1 - g * g) ** 2) < 0.02


def test_lag_window_truncation_bound():
    """The expectation of the lag-window estimate, sum_{|k|<=K} Gamma_k with Gamma_k = W^k C_d
    (discrete Lyapunov C_d = W C_d W^T + 1), gives a PR within the stated bound of S_0's."""
    from recnet.validation.dimension_linear import window_lags
    N, g = 300, 0.7
    rng = np.random.default_rng(5)
    W = g * rng.standard_normal((N, N)) / math.sqrt(N)
    K, bound = window_lags(g, N)
    Cd = solve_discrete_lyapunov(W, np.eye(N))
    S, Pk = Cd.copy(), np.eye(N)
    for _ in range(K):
        Pk = W @ Pk
        S += Pk @ Cd + (Pk @ Cd).T
    p0 = D.participation_ratio_of(D.zero_frequency_covariance(W))
    assert abs(D.participation_ratio_of(S) - p0) <= bound * p0 + 1e-12 * p0


@pytest.mark.slow
def test_simulated_estimator_against_exact_same_network():
    """Lag-window U-statistic estimate from 8 simulated chains against the exact PR of the same W
    (N = 200, g = 0.5): Student-t quantile (3 sigma level, 7 dof) times the jackknife error."""
    from recnet.validation.dimension_linear import chain_estimates, pr_from_chains, window_lags
    N, g = 200, 0.5
    rng = np.random.default_rng(3)
    W = g * rng.standard_normal((N, N)) / math.sqrt(N)
    K, bound = window_lags(g, N)
    v, se, dof = pr_from_chains(chain_estimates(W, 8, 40 * (2 * K + 1), K, seed=4))
    ex = D.participation_ratio_of(D.zero_frequency_covariance(W)) / N
    assert abs(v - ex) <= F.n_sigma_for(dof) * se + bound * ex
    assert se < 0.05 * ex  # the estimate resolves PR to a few per cent (so the check above can fail)


@pytest.mark.slow
def test_validate_linear_dimension_g05_n2000():
    """The shipped validation at g = 0.5, N = 2000 (fewer steps than the full run): every row agrees
    under the family-wise rule."""
    from recnet.validation.dimension_linear import validate_linear_dimension
    r = validate_linear_dimension(gs=(0.5,), n=2000, n_chains=6, n_steps=15 * 41, n_draws=4)
    r.decide()
    assert all(c.agree for c in r.comparisons), [(c.quantity, c.predicted, c.simulated, c.stderr)
                                                 for c in r.comparisons]


def test_rate_network_predicts_dimension():
    from recnet.subjects.rate_network import _predict
    r = _predict(g=0.7, phi="linear").to_dict()
    assert r["dimension"]["participation_ratio_per_n"] == pytest.approx((1 - 0.49) ** 2, rel=1e-13)
    assert r["dimension"]["covariance"].startswith("zero-frequency")
    # tanh at its zero fixed point: slope 1, the same number
    r2 = _predict(g=0.5, phi="tanh").to_dict()
    assert r2["dimension"]["participation_ratio_per_n"] == pytest.approx((1 - 0.25) ** 2, rel=1e-12)
    r3 = _predict(g=2.0, phi="tanh").to_dict()
    assert "dimension" not in r3 and "dimension" in r3["not_computed"]


def test_rate_network_two_population_model_dimension(tmp_path):
    """A two-population linear model file: the block Dyson closed form (tested against exact
    inversions above) reaches dimension.participation_ratio_per_n."""
    from recnet.subjects.rate_network import _predict
    f = tmp_path / "lin2.toml"
    f.write_text('model = "rate-network"\nname = "lin2"\nphi = "linear"\nn = 1000\n'
                 '[[population]]\nname = "E"\nfraction = 0.6\n[[population]]\nname = "I"\nfraction = 0.4\n'
                 '[[coupling]]\npre = "E"\npost = "E"\ng = 0.5\n[[coupling]]\npre = "I"\npost = "E"\ng = 0.8\n'
                 '[[coupling]]\npre = "E"\npost = "I"\ng = 0.3\n[[coupling]]\npre = "I"\npost = "I"\ng = 0.6\n')
    r = _predict(model=str(f)).to_dict()
    ref = D.participation_ratio_linear([0.6, 0.4], np.array([[0.5, 0.8], [0.3, 0.6]]) ** 2)
    assert r["dimension"]["participation_ratio_per_n"] == pytest.approx(ref["participation_ratio_per_n"], rel=1e-13)
