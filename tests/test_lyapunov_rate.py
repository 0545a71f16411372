"""Rate-network spectrum engine against its numpy twin, exact identities and closed forms."""
import numpy as np
import pytest
import scipy.stats

from recnet.numerics.lyapunov import rate as R
from recnet.numerics.lyapunov.common import blas_limit
from tests.twins import lyapunov_rate as twin


def _setup(n, g, m, seed):
    rng = np.random.default_rng(seed)
    J = R.random_coupling(n, g, seed=rng)
    x0 = rng.standard_normal(n)
    q0 = np.linalg.qr(rng.standard_normal((n, m)))[0]
    return J, x0, q0


@pytest.mark.parametrize("m", [60, 5])
def test_engine_equals_numpy_twin(m):
    n, dt = 60, 0.1
    J, x0, q0 = _setup(n, 2.0, m, 0)
    res = R.spectrum(J, m, dt=dt, t_sim=20.0, t_warm=0.0, t_warm_q=0.0, t_ons=0.5, x0=x0, q0=q0,
                     twin=False, seed=1)
    lam, _, _ = twin.spectrum_numpy(J, x0, q0, dt=dt, n_steps=200, n_ons=5)
    # same algorithm, same floating-point operations up to summation order
    assert np.allclose(res.exponents, np.sort(lam)[::-1], atol=1e-10)


def test_sum_of_all_exponents_equals_mean_log_det_exactly():
    # exact algebraic identity: prod_k prod_i R_ii = prod_t |det D_t| (brute-force slogdet)
    n, dt, steps = 40, 0.1, 300
    J, x0, q0 = _setup(n, 2.5, n, 3)
    res = R.spectrum(J, dt=dt, t_sim=steps * dt, t_warm=0.0, t_warm_q=0.0, t_ons=1.0, x0=x0, q0=q0,
                     twin=False)
    x, acc = x0.copy(), 0.0
    for _ in range(steps):
        D = (1 - dt) * np.eye(n) + dt * J * (1 - np.tanh(x) ** 2)[None, :]
        acc += np.linalg.slogdet(D)[1]
        x = (1 - dt) * x + dt * J @ np.tanh(x)
    assert res.exponents.sum() == pytest.approx(acc / (steps * dt), rel=1e-10)


@pytest.mark.parametrize("integrator", ["euler", "exp_euler"])
def test_sum_rule_closed_form(integrator):
    # issue acceptance: 1e-3 relative.  The remainder <ln det(1 + eps J Phi')>/dt (eps = b/a) starts
    # at -eps^2 <tr (J Phi')^2>/(2 dt) = O(dt g^2), independent of N, against the O(N) leading term
    # (theory.lyapunov.sum_rule_map); measured 0.13 at dt = 0.05 and 0.26 at dt = 0.1 (N = 200),
    # so dt = 0.05 keeps it below 1e-3 * N.
    n, dt = 200, 0.05
    J = R.random_coupling(n, 2.0, seed=4)
    res = R.spectrum(J, dt=dt, t_sim=30.0, t_warm=10.0, t_warm_q=2.0, t_ons=1.0, twin=False,
                     integrator=integrator, seed=5)
    pred = R.sum_rule(n, dt, integrator=integrator)
    assert res.exponents.sum() == pytest.approx(pred, rel=1e-3)
    if integrator == "exp_euler":
        assert pred == pytest.approx(-n, rel=1e-12)    # the flow's -N/tau


def test_subcritical_spectrum_matches_circular_law():
    # g < 1: x = 0 is a stable fixed point; the exponents of the Euler map are ln|1 - dt + dt mu|/dt
    # with mu uniform on the disc of radius g.  KS test against the closed-form CDF at the 1% level
    # (eigenvalues repel, so i.i.d. KS p-values are conservative here).
    n, g, dt, T = 200, 0.6, 0.1, 100.0
    J = R.random_coupling(n, g, seed=6)
    res = R.spectrum(J, dt=dt, t_sim=T, t_warm=0.0, t_warm_q=20.0, t_ons=2.0, x0=np.zeros(n),
                     twin=False, seed=7)
    p = scipy.stats.kstest(res.exponents, lambda v: R.subcritical_cdf(v, g, dt)).pvalue
    assert p > 0.01
    # brute force on the same matrix: the top exponent is ln|a + b mu_1| / dt; after time T the QR
    # estimate is off by at most (ln cond(V) + ln N)/T (V: eigenvectors; overlap of a random start)
    with blas_limit(1):
        mu, V = np.linalg.eig(J)
        tol = (np.log(np.linalg.cond(V)) + np.log(n)) / T
    lam_eig = np.log(np.abs(1 - dt + dt * mu)) / dt
    assert abs(res.exponents[0] - lam_eig.max()) < tol


def test_twin_trajectory_agrees_with_qr():
    n = 150
    J = R.random_coupling(n, 2.0, seed=8)
    res = R.spectrum(J, 3, dt=0.1, t_sim=300.0, t_warm=20.0, t_warm_q=10.0, t_ons=1.0, seed=9)
    # 95% CIs overlap: |a - b| <= 1.96 (se_a + se_b)
    assert abs(res.lambda1_twin - res.exponents[0]) <= 1.96 * (res.stderr[0] + res.lambda1_twin_stderr)
    assert res.exponents[0] > 0                          # chaotic at g = 2


def test_t_ons_from_condition_number_and_outputs():
    n = 80
    J = R.random_coupling(n, 2.0, seed=10)
    res = R.spectrum(J, dt=0.1, t_sim=20.0, t_warm=5.0, t_warm_q=2.0, cond_max=1e3, seed=11)
    assert res.n_ons >= 1 and res.t_ons == pytest.approx(res.n_ons * 0.1)
    assert np.all(np.diff(res.exponents) <= 0)
    assert res.convergence.shape[1] == n
    assert np.all((res.participation_ratio >= 1) & (res.participation_ratio <= n))
    assert res.entropy_rate == pytest.approx(res.exponents[res.exponents > 0].sum())


def test_driven_network_is_less_chaotic():
    # Rajan, Abbott, Sompolinsky 2010: strong sinusoidal input suppresses chaos
    n = 100
    J = R.random_coupling(n, 2.0, seed=12)
    kw = dict(dt=0.1, t_sim=100.0, t_warm=20.0, t_warm_q=10.0, t_ons=1.0, twin=False, seed=13,
              drive_freq=0.2)
    free = R.spectrum(J, 5, **kw)
    driven = R.spectrum(J, 5, drive_amp=3.0, **kw)
    assert driven.exponents[0] < free.exponents[0] - 3 * (free.stderr[0] + driven.stderr[0])


def test_bad_input_is_named():
    J = R.random_coupling(10, 2.0, seed=0)
    with pytest.raises(ValueError, match="m = 11"):
        R.spectrum(J, 11)
    with pytest.raises(ValueError, match="dt = 0.5"):
        R.spectrum(J, 2, dt=0.5, t_ons=0.2)
    with pytest.raises(ValueError, match="dt = 0.2"):          # dt >= t_ons, the wording
        R.spectrum(J, 2, dt=0.2, t_ons=0.2)
    with pytest.raises(ValueError, match="q0 contains NaN"):
        R.spectrum(J, 2, q0=np.full((10, 2), np.nan))
    with pytest.raises(ValueError, match="x0 contains NaN"):
        R.spectrum(J, 2, x0=np.full(10, np.nan))
    with pytest.raises(ValueError, match="dt = 1.5"):
        R.spectrum(J, 2, dt=1.5)
    with pytest.raises(ValueError, match="J has shape"):
        R.spectrum(np.zeros((3, 4)))
    huge = np.full((10, 10), 1e308)                     # finite, but J @ tanh(x) overflows
    np.fill_diagonal(huge, 0.0)
    with pytest.raises(ValueError, match="non-finite"), np.errstate(over="ignore", invalid="ignore"):
        R.spectrum(huge, 2, dt=0.5, t_sim=5.0, t_warm=2.0)
    with pytest.raises(ValueError, match="non-finite"), np.errstate(over="ignore", invalid="ignore"):
        R.spectrum(huge, 2, dt=0.5, t_sim=5.0, t_warm=0.0, t_ons=1.0)
