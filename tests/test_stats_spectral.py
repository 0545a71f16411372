"""The zero-frequency spectral standard error (``recnet.validation.stats.spectral_sem``) against
processes whose variance of the mean is known in closed form.

Oracles: an oscillating AR(2) process x_t = phi1 x_t-1 + phi2 x_t-2 + e_t (Yule-Walker
autocovariances, Var(mean) = (1/n) sum_{|k|<n} (1 - |k|/n) gamma(k) exactly, spectrum
S(f) = sigma^2 / |1 - phi1 e^{-iw} - phi2 e^{-2iw}|^2), and white noise plus a differenced
oscillating AR(2), w_t + c (y_t - y_t-1), whose mean has variance sigma_w^2/n + 2 c^2
(gamma_y(0) - gamma_y(n))/n^2 exactly: a spectrum that vanishes at zero frequency apart from
the white floor and is huge at the oscillation, the situation of Brunel's oscillating network.
Every tolerance is a multiple (4) of a Monte Carlo standard error derived next to it.
"""
import numpy as np
import pytest
from scipy import signal, stats

from recnet.validation.stats import batch_means_sem, spectral_dof, spectral_sem

R = 400          # replicates
N = 4096         # samples per replicate
BAND = 0.004     # cycles/sample: k = 2 ... 16, K = 15 ordinates, far below the peak at 1/8
PHI1, PHI2 = 2 * 0.9 * np.cos(2 * np.pi / 8), -0.81   # r = 0.9, period 8 samples


def ar2_acov(n):
    """gamma(0..n-1) of the AR(2) with unit innovations (Yule-Walker)."""
    g = np.zeros(n)
    g[0] = (1 - PHI2) / ((1 + PHI2) * ((1 - PHI2) ** 2 - PHI1 ** 2))
    g[1] = PHI1 * g[0] / (1 - PHI2)
    for k in range(2, n):
        g[k] = PHI1 * g[k - 1] + PHI2 * g[k - 2]
    return g


def ar2_spectrum(f):
    w = 2 * np.pi * np.asarray(f)
    return 1.0 / np.abs(1 - PHI1 * np.exp(-1j * w) - PHI2 * np.exp(-2j * w)) ** 2


def ar2_paths(rng, r, n, burn=500):
    e = rng.standard_normal((r, n + burn))
    return signal.lfilter([1.0], [1.0, -PHI1, -PHI2], e, axis=1)[:, burn:]


def band_bias(spec):
    """Mean of S over the band's ordinates over S(0): the estimator's expectation relative to S(0)."""
    k = np.arange(2, int(BAND * N) + 1)
    return float(np.mean(spec(k / N)) / spec(0.0))


def test_acov_closed_form_matches_spectrum():
    # oracle self-check: S(0) = sum_k gamma(k) = 1/(1 - phi1 - phi2)^2
    g = ar2_acov(400)
    assert g[0] + 2 * g[1:].sum() == pytest.approx(float(ar2_spectrum(0.0)), rel=1e-10)


def _check(est, var_exact, spec_ratio, dof):
    """est: array (R, 3) of mean, sem, dof; true mean 0."""
    se2 = est[:, 1] ** 2
    # 1. expectation of sem^2: rel. Monte Carlo error sqrt(2/nu)/sqrt(R) per replicate set;
    #    expected value S_band/n, i.e. var_exact times the band's spectral ratio (computed) up to
    #    the O(1/n^2) term of var_exact (included in var_exact: compare with S(0)/n separately)
    mc = np.sqrt(2 / dof / R)
    assert se2.mean() / var_exact == pytest.approx(spec_ratio, rel=4 * mc)
    # 2. dof: nu_emp = 2 E[se2]^2 / Var[se2]; the sample variance of a scaled chi^2_nu has relative
    #    standard error sqrt((2 + 12/nu)/R) (its excess kurtosis is 12/nu)
    nu_emp = 2 * se2.mean() ** 2 / se2.var(ddof=1)
    assert nu_emp == pytest.approx(dof, rel=4 * np.sqrt((2 + 12 / dof) / R))
    # 3. coverage of the Student-t 95 % interval: binomial standard error sqrt(0.05 0.95 / R)
    z = est[:, 0] / est[:, 1]
    miss = np.mean(np.abs(z) > stats.t.ppf(0.975, dof))
    assert abs(miss - 0.05) <= 4 * np.sqrt(0.05 * 0.95 / R)


def test_ar2_oscillating_variance_of_mean():
    rng = np.random.default_rng(20261207)
    x = ar2_paths(rng, R, N)
    g = ar2_acov(N)
    lags = np.arange(1, N)
    var_exact = (g[0] + 2 * np.sum((1 - lags / N) * g[1:])) / N
    # the O(1/n^2) term is small here: var_exact is S(0)/n within 1 %
    assert var_exact * N / float(ar2_spectrum(0.0)) == pytest.approx(1.0, abs=0.01)
    est = np.array([spectral_sem(row, BAND) for row in x])
    dof = est[0, 2]
    assert dof == pytest.approx(spectral_dof(15))
    _check(est, var_exact, band_bias(ar2_spectrum), dof)


def test_white_plus_differenced_oscillation_batch_means_fail():
    # a strong oscillation that contributes nothing at zero frequency: the mean's variance is the
    # white floor's, batch means (20 blocks) are inflated by 2 c^2 gamma_y(0)/(sigma_w^2 b) ~ 1.7x
    rng = np.random.default_rng(7)
    c = 3.0
    y = ar2_paths(rng, R, N + 1)
    x = rng.standard_normal((R, N)) + c * np.diff(y, axis=1)
    g = ar2_acov(N + 1)
    var_exact = 1.0 / N + 2 * c * c * (g[0] - g[N]) / N ** 2

    def spec(f):
        return 1.0 + c * c * np.abs(1 - np.exp(-2j * np.pi * np.asarray(f))) ** 2 * ar2_spectrum(f)

    est = np.array([spectral_sem(row, BAND) for row in x])
    # the estimator targets S(0)/n = 1/n; var_exact differs by the O(1/n^2) end term, computed
    _check(est, var_exact, band_bias(spec) * (1.0 / N) / var_exact, est[0, 2])
    # batch means: expected inflation (closed form for block length b = N/20)
    b = N // 20
    inflation = 1 + 2 * c * c * g[0] / b
    bm = np.array([batch_means_sem(row, 20)[1] ** 2 for row in x]).mean() / var_exact
    # Monte Carlo error of a 19-dof variance averaged over R: sqrt(2/19/R)
    assert bm == pytest.approx(inflation, rel=4 * np.sqrt(2 / 19 / R))
    assert inflation > 1.5


def test_dof_formula_and_errors():
    assert spectral_dof(1) == 2.0
    assert spectral_dof(2) == pytest.approx(8 / (2 + 8 / 9))
    # large K: nu / K -> 2 / (1 + 8/9 + 1/18)
    assert spectral_dof(10000) / 10000 == pytest.approx(2 / (1 + 8 / 9 + 1 / 18), rel=1e-3)
    with pytest.raises(ValueError):
        spectral_sem(np.zeros(6), 0.01)
