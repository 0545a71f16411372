"""Spectrum post-processing: Kaplan-Yorke dimension, entropy, participation ratio, QR, bootstrap."""
import numpy as np
import pytest

from recnet.numerics.lyapunov import common as C


def test_ky_dimension_hand_examples():
    # partial sums 1, 0.5, -1.5: k = 2, D = 2 + 0.5/2 (exact)
    assert C.ky_dimension([1.0, -0.5, -2.0]) == pytest.approx(2.25, abs=1e-15)
    # Lorenz attractor exponents (Sprott 2003: 0.9056, 0, -14.5723): D = 2 + 0.9056/14.5723 = 2.06215
    assert C.ky_dimension([0.9056, 0.0, -14.5723]) == pytest.approx(2 + 0.9056 / 14.5723, abs=1e-14)
    assert C.ky_dimension([-0.1, -1.0]) == 0.0
    assert C.ky_dimension([0.3, 0.2]) == 2.0           # all partial sums >= 0: only a lower bound
    assert C.ky_dimension([-2.0, 1.0, -0.5]) == pytest.approx(2.25)   # order does not matter


def test_entropy_rate_is_sum_of_positive_exponents():
    assert C.entropy_rate([0.5, 0.25, 0.0, -1.0]) == 0.75
    assert C.entropy_rate([-1.0, -2.0]) == 0.0


def test_participation_ratio_limits():
    n = 50
    e = np.zeros((n, 1)); e[3] = 1.0
    u = np.full((n, 1), 1 / np.sqrt(n))
    assert C.participation_ratio(e)[0] == pytest.approx(1.0)
    assert C.participation_ratio(u)[0] == pytest.approx(n)


def test_qr_positive_reconstructs_with_positive_diagonal():
    rng = np.random.default_rng(0)
    A = rng.standard_normal((30, 7))
    Q, log_r = C.qr_positive(A.copy())
    assert np.allclose(Q.T @ Q, np.eye(7), atol=1e-12)
    R = Q.T @ A                                         # upper triangular with diag exp(log_r) > 0
    assert np.allclose(np.tril(R, -1), 0, atol=1e-12)
    assert np.allclose(np.diag(R), np.exp(log_r), rtol=1e-12)


def test_block_bootstrap_stderr_matches_iid_theory():
    # i.i.d. increments N(mu, 1), unit durations: the estimate's stderr is 1/sqrt(n).  With 40 blocks
    # the bootstrap estimate of it has relative spread ~ 1/sqrt(2*39) = 0.11; allow 3 of those.
    rng = np.random.default_rng(1)
    n = 4000
    inc = rng.normal(0.3, 1.0, (n, 1))
    b = C.block_bootstrap(inc, np.ones(n), n_boot=400, n_blocks=40, seed=2)
    assert b["exponents"][0] == pytest.approx(inc.mean())
    assert b["stderr"][0] == pytest.approx(1 / np.sqrt(n), rel=0.34)
    assert b["ci_low"][0] < b["exponents"][0] < b["ci_high"][0]


def test_check_m():
    assert C.check_m(None, 10) == 10
    with pytest.raises(ValueError, match="m = 11"):
        C.check_m(11, 10)
    with pytest.raises(ValueError, match="m = 0"):
        C.check_m(0, 10)
    with pytest.raises(TypeError, match="m"):
        C.check_m(2.5, 10)


def test_integrated_autocorrelation_of_ar1():
    # AR(1) with coefficient a: tau_int = 1/2 + sum_k a^k = 1/2 + a/(1 - a) = 4.5 for a = 0.8;
    # the estimate from 2e5 samples has a relative error of a few percent; allow 10%
    rng = np.random.default_rng(3)
    a, n = 0.8, 200_000
    e = rng.standard_normal(n)
    x = np.empty(n); x[0] = e[0]
    for i in range(1, n):
        x[i] = a * x[i - 1] + e[i]
    assert C.integrated_autocorrelation(x) == pytest.approx(4.5, rel=0.1)
