"""Activity estimators (recnet.numerics.activity_stats) against processes with known answers.

Oracles: independent Gaussian samples of a known covariance (Wishart moments), the exactly
discretised linear rate network (Ornstein-Uhlenbeck; exact covariances from the Lyapunov equation)
and a branching process with immigration (regression slopes r_k = m^k exactly), with mrestimator as
the peer for the branching ratio.  Verdict rows are built with ``recnet.validation.compare``.
"""
import logging

import numpy as np
import pytest

from recnet.checks import ParameterError
from recnet.numerics import activity_stats as st
from recnet.validation import activity_oracles as orc
from recnet.validation.compare import FAMILY_LEVEL, compare, quantile


def _q(dof):
    # per-row two-sided quantile at the family level 0.0027 (Student t with the jackknife's dof)
    return quantile(1.0 - FAMILY_LEVEL, dof)


# --------------------------------------------------------------------------------- closed forms
def test_dispersion_and_pr_of_known_matrices():
    N = 5
    C = 2.0 * np.eye(N)
    assert st.dispersion_of(C) == 0.0
    assert st.participation_ratio_of(C) == pytest.approx(N)
    # rank one: PR = 1
    v = np.arange(1.0, N + 1)
    assert st.participation_ratio_of(np.outer(v, v)) == pytest.approx(1.0)
    # off-diagonals +-c in a checkerboard: variance over the N(N-1) ordered pairs computed by hand
    c = 0.3
    S = np.fromfunction(lambda i, j: (-1.0) ** (i + j), (N, N))
    M = np.where(np.eye(N, dtype=bool), 1.0, c * S)
    off = (c * S)[~np.eye(N, dtype=bool)]
    assert st.dispersion_of(M) == pytest.approx(N * (np.mean(off ** 2) - np.mean(off) ** 2))


def test_radius_dispersion_inverse():
    for R in (0.0, 0.3, 0.5, 0.7, 0.9, 0.99):
        assert st.spectral_radius_from_dispersion(st.dispersion_from_spectral_radius(R)) == pytest.approx(R, abs=1e-12)
    assert st.dispersion_from_spectral_radius(0.5) == pytest.approx(1 / 0.75 ** 2 - 1)


def test_bad_input_is_refused():
    with pytest.raises(ParameterError):
        st.participation_ratio(np.ones((100, 3)))                 # constant units
    with pytest.raises(ParameterError):
        st.covariance_dispersion(np.random.default_rng(0).standard_normal((100, 1)))
    with pytest.raises(ParameterError):
        st.branching_ratio(np.arange(5.0))
    with pytest.raises(ParameterError):
        st.dispersion_from_spectral_radius(1.0)
    with pytest.raises(ParameterError):
        st.bin_traces(np.zeros((10, 2)), 1.0, 1.5)


# --------------------------------------------------------------------- participation ratio (Wishart)
def test_participation_ratio_bias_correction_wishart():
    """Mean of K independent corrected estimates equals the exact PR; the plug-in one does not.

    Independent Gaussian samples (n = 150 bins of N = 30 units): the correction removes the O(1/n)
    bias exactly; what remains is the ratio bias of a/b from the fluctuations of the estimated
    numerator and denominator, to leading order (delta method, Wishart moments
    Var(tr C^) = 2 tr C^2/n, Var(B) = 8 tr C^4/n, Cov(A, B) = 8 tr C tr C^3/n):
        E[PR^] - PR = PR [Var(B)/b^2 - Cov(A, B)/(a b)],
    used as the systematic allowance.
    """
    rng = np.random.default_rng(11)
    N, n, K = 30, 150, 100
    lam = 1.0 / (1.0 + np.arange(N)) ** 0.7                   # eigenvalues of C
    Q, _ = np.linalg.qr(rng.standard_normal((N, N)))
    C = (Q * lam) @ Q.T
    pr = st.participation_ratio_of(C)
    L = np.linalg.cholesky(C)
    est, naive = [], []
    for _ in range(K):
        X = rng.standard_normal((n, N)) @ L.T
        e = st.participation_ratio(X, n_blocks=5, max_lag=0)
        est.append(e.value)
        naive.append(e.naive)
    a, b = np.trace(C) ** 2, np.sum(C * C)
    C3 = C @ C @ C
    ratio_bias = pr * (8 * np.trace(C3 @ C) / (n * b * b) - 8 * np.trace(C) * np.trace(C3) / (n * a * b))
    mean, sem = np.mean(est), np.std(est, ddof=1) / np.sqrt(K)
    row = compare("participation_ratio", pr, mean, sem, n_sigma=_q(K - 1), dof=K - 1,
                  systematic=abs(ratio_bias), why="leading-order ratio bias (delta method, Wishart moments)")
    assert row.agree, row.to_dict()
    # the plug-in estimate fails the same rule: the test can fail
    bad = compare("participation_ratio_plugin", pr, np.mean(naive), np.std(naive, ddof=1) / np.sqrt(K),
                  n_sigma=_q(K - 1), dof=K - 1, systematic=abs(ratio_bias), why="same leading-order ratio bias")
    assert not bad.agree, bad.to_dict()


# ------------------------------------------------------------------- linear network (Ornstein-Uhlenbeck)
def _ou_rows(N, R, seed, n_bins):
    """Verdict rows for one linear network with bulk radius R (module docstring of activity_oracles).

    Bins of 50 / (1 - R) time constants (50 times the slowest relaxation time 1/(1 - R) of the bulk).
    Rows: Delta and PR against the exact bin-mean covariance of this network (jackknife stderr, t
    with n_blocks - 1 dof); R against the true R, with the systematic allowance |R(Delta_exact) - R|
    computed from the exact bin covariance (finite N and finite bin), stated in the row.
    """
    W = orc.random_connectivity(N, R, seed=seed)
    dt, B = 1.0, int(round(50 / (1 - R)))
    cov = orc.linear_network_covariances(W, dt, B)
    X = orc.simulate_linear_network(W, dt=dt, n_bins=n_bins, bin_steps=B, seed=seed + 1)
    d, r = st.covariance_dispersion(X)
    pr = st.participation_ratio(X)
    d_exact = st.dispersion_of(cov["bin_mean"])
    rows = [
        compare(f"covariance_dispersion_R{R}", d_exact, d.value, d.stderr, n_sigma=_q(d.dof), dof=d.dof),
        compare(f"participation_ratio_R{R}", st.participation_ratio_of(cov["bin_mean"]), pr.value, pr.stderr,
                n_sigma=_q(pr.dof), dof=pr.dof),
        compare(f"spectral_radius_R{R}", R, r.value, r.stderr, n_sigma=_q(r.dof), dof=r.dof,
                systematic=abs(st.spectral_radius_from_dispersion(d_exact) - R),
                why="finite N and bin: R inferred from this network's exact bin-mean covariance minus R"),
    ]
    return rows, d, r


def test_dispersion_and_radius_linear_network_quick():
    rows, d, r = _ou_rows(60, 0.5, seed=5, n_bins=600)
    for row in rows:
        assert row.agree, row.to_dict()
    # the bias correction matters at this size: the plug-in Delta is off by more than its error
    assert d.naive - d.value > 2 * d.stderr


@pytest.mark.slow
@pytest.mark.parametrize("R", [0.5, 0.7, 0.9])
def test_dispersion_and_radius_linear_network(R):
    rows, d, r = _ou_rows(200, R, seed=17, n_bins=800)
    for row in rows:
        assert row.agree, row.to_dict()


def test_participation_ratio_equal_time_autocorrelated():
    """Unbinned OU samples (dt = 0.2 tau, strongly autocorrelated): the lag sums of the bias
    correction make the estimate agree with the equal-time covariance from the Lyapunov equation."""
    W = orc.random_connectivity(40, 0.5, seed=3)
    cov = orc.linear_network_covariances(W, 0.2, 1)
    X = orc.simulate_linear_network(W, dt=0.2, n_bins=20000, seed=4)
    pr = st.participation_ratio(X)
    row = compare("participation_ratio_equal_time", st.participation_ratio_of(cov["equal_time"]), pr.value,
                  pr.stderr, n_sigma=_q(pr.dof), dof=pr.dof)
    assert row.agree, row.to_dict()


# ------------------------------------------------------------------------------- branching ratio
def _mre_fit(A, kmax):
    mre = pytest.importorskip("mrestimator")
    mre.disable_progressbar()
    logging.getLogger("mrestimator").setLevel(logging.ERROR)
    rk = mre.coefficients(A.astype(float), method="sm", steps=(1, kmax), numboot=100, seed=1)
    return mre.fit(rk, fitfunc=mre.f_exponential, numboot=100, seed=2)


@pytest.mark.parametrize("m", [0.9, 0.98])
def test_branching_ratio_truth_and_mrestimator(m):
    A = orc.simulate_branching(m, 10.0, n_steps=5000, n_trials=20, seed=int(1000 * m))
    est = st.branching_ratio(A, kmax=int(round(5 / (1 - m))))
    row = compare("branching_ratio", m, est.value, est.stderr, n_sigma=_q(est.dof), dof=est.dof)
    assert row.agree, row.to_dict()
    f = _mre_fit(A, est.details["kmax"])
    # mrestimator's stated error: its bootstrap quantiles (over trials) read as a normal interval
    qs, ms = np.asarray(f.quantiles), np.asarray(f.mrequantiles)
    lo, hi = np.argmin(abs(qs - 0.16)), np.argmin(abs(qs - 0.84))
    from scipy.stats import norm
    se_mre = (ms[hi] - ms[lo]) / (norm.ppf(qs[hi]) - norm.ppf(qs[lo]))
    peer = compare("branching_ratio_vs_mrestimator", f.mre, est.value, se_mre)
    assert peer.agree, peer.to_dict()
    # same estimator (same r_k, same least-squares objective): equal to the fits' convergence;
    # curve_fit's default relative tolerances are 1.5e-8, so 1e-6 is 70 times that
    assert abs(est.value - f.mre) < 1e-6
    # subsampling: observing each event with probability 0.2 leaves m unchanged (b absorbs it)
    sub = np.random.default_rng(7).binomial(A, 0.2)
    es = st.branching_ratio(sub, kmax=est.details["kmax"])
    row = compare("branching_ratio_subsampled", m, es.value, es.stderr, n_sigma=_q(es.dof), dof=es.dof)
    assert row.agree, row.to_dict()


def test_branching_ratio_single_series_slopes_exact():
    """r_k = m^k for the branching process: the single-trial slopes follow the law within error."""
    m = 0.8
    A = orc.simulate_branching(m, 20.0, n_steps=40000, seed=9)[0]
    est = st.branching_ratio(A, kmax=20)
    row = compare("branching_ratio_single", m, est.value, est.stderr, n_sigma=_q(est.dof), dof=est.dof)
    assert row.agree, row.to_dict()
