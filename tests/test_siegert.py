"""Siegert rate and ISI CV of the LIF neuron with white noise (recnet.numerics.siegert).

Oracles: mpmath at 30 digits (rate), mpmath at 20 digits (CV; values computed by
``siegert.cv_mpmath`` and by scipy's nested quad live), the noise-free closed form
1/(tau_ref + tau ln((mu - V_r)/(mu - theta))), the Poisson limit CV -> 1.
"""
import json
import math

import mpmath as mp
import numpy as np
import pytest

from recnet.cli import main
from recnet.numerics import siegert as S
from tests.twins import siegert as twin

# a grid sweeping the regimes: far sub-threshold (y_th up to +20), far supra-threshold
# (y_th down to -20), tiny sigma (1e-6 mV), large sigma, reset above the mean
GRID = [(mu, sig, vr)
        for mu in (-40.0, 0.0, 10.0, 15.0, 19.0, 19.999, 20.0, 20.001, 21.0, 25.0, 40.0, 200.0)
        for sig in (1e-6, 1e-2, 0.5, 1.0, 2.0, 5.0, 10.0, 50.0)
        for vr in (0.0, 10.0)
        if abs(20.0 - mu) / sig <= 20.0]


def test_grid_covers_ten_sigma():
    ys = [(20.0 - mu) / s for mu, s, _ in GRID]
    assert max(ys) >= 10 and min(ys) <= -10 and len(GRID) > 60


@pytest.mark.parametrize("mu,sigma,v_reset", GRID)
def test_siegert_vs_mpmath(mu, sigma, v_reset):
    ref = S.siegert_mpmath(mu, sigma, v_reset=v_reset, dps=30)
    got = S.siegert(mu, sigma, v_reset=v_reset)
    assert got == pytest.approx(ref, rel=1e-10, abs=1e-300)


def test_array_equals_scalar_and_parallel_kernel():
    mu = np.array([g[0] for g in GRID] * 40)
    sig = np.array([g[1] for g in GRID] * 40)
    vr = np.array([g[2] for g in GRID] * 40)
    vec = S.siegert(mu, sig, v_reset=vr)          # >= 2000 points: the parallel kernel
    assert vec.shape == mu.shape and mu.size >= 2000
    for k in range(len(GRID)):
        assert vec[k] == S.siegert(mu[k], sig[k], v_reset=vr[k])
    small = S.siegert(mu[:10], sig[:10], v_reset=vr[:10])   # serial kernel
    np.testing.assert_array_equal(small, vec[:10])


def test_naive_twin_agrees():
    # scipy quad of scipy's erfcx: independent code path, moderate regimes only
    for mu, sig, vr in [(10.0, 5.0, 0.0), (19.0, 2.0, 10.0), (25.0, 3.0, 0.0), (5.0, 4.0, 10.0)]:
        assert S.siegert(mu, sig, v_reset=vr) == pytest.approx(twin.siegert_naive(mu, sig, v_reset=vr), rel=1e-10)


def test_v_rest_shift_invariance():
    base = S.siegert(12.0, 4.0, v_thresh=20.0, v_reset=10.0, v_rest=0.0)
    shifted = S.siegert(12.0, 4.0, v_thresh=-50.0, v_reset=-60.0, v_rest=-70.0)
    assert shifted == pytest.approx(base, rel=1e-14)


def test_special_functions_vs_mpmath():
    with mp.workdps(40):
        for x in (-20.0, -3.0, -0.5, 0.0, 0.1, 0.19, 0.21, 1.0, 3.0, 9.99, 10.01, 24.9, 25.1, 60.0, 1e4):
            ref = float(mp.exp(mp.mpf(x) ** 2) * mp.erfc(x))
            assert S.erfcx(x) == pytest.approx(ref, rel=1e-13)
        for x in (-7.0, -0.1, 0.0, 0.05, 0.199, 0.2, 0.5, 1.0, 2.5, 10.0, 49.9, 50.1, 300.0):
            ref = float(mp.sqrt(mp.pi) / 2 * mp.exp(-mp.mpf(x) ** 2) * mp.erfi(x))
            assert S.dawson(x) == pytest.approx(ref, rel=1e-14, abs=1e-300)


@pytest.mark.parametrize("mu,v_reset", [(20.5, 0.0), (25.0, 10.0), (60.0, 0.0)])
def test_noise_free_limit(mu, v_reset):
    closed = 1e3 / (2.0 + 20.0 * math.log((mu - v_reset) / (mu - 20.0)))
    assert S.siegert(mu, 0.0, v_reset=v_reset) == pytest.approx(closed, rel=1e-14)
    errs = [abs(S.siegert(mu, s, v_reset=v_reset) / closed - 1) for s in (1e-2, 1e-3, 1e-4)]
    # corrections are O(sigma^2): each decade of sigma gains about two decades
    assert errs[1] < errs[0] / 50 and errs[2] < errs[1] / 50 and errs[2] < 1e-7
    assert S.siegert(19.9, 0.0) == 0.0 and S.siegert(19.0, 1e-3) == 0.0


def test_cli_predict_siegert_matches_mpmath(capsys):
    for mu, sig in [(15.0, 5.0), (10.0, 1.0), (30.0, 1.0), (20.0, 0.3)]:   # y_th = 1, 10, -10, 0
        assert main(["predict", "siegert", "--mu", str(mu), "--sigma", str(sig), "--json"]) == 0
        out = json.loads(capsys.readouterr().out)
        assert out["rate_hz"] == pytest.approx(S.siegert_mpmath(mu, sig, dps=30), rel=1e-10)


# CV references: siegert.cv_mpmath(mu, sigma, v_reset=vr) at 20 digits (about 30-120 s each,
# so computed once): they agree with an independent nested mpmath evaluation of the original
# double integral where that one converges.
CV_REF = [(10.0, 5.0, 0.0, 0.9573810952186775), (19.0, 2.0, 10.0, 0.5145646374731934),
          (25.0, 2.0, 0.0, 0.1517564646027729), (15.0, 1.0, 0.0, 0.9999999997830136),
          (30.0, 1.0, 10.0, 0.07679544236940464), (21.0, 0.05, 0.0, 0.011215425202564215)]


@pytest.mark.parametrize("mu,sigma,v_reset,ref", CV_REF)
def test_cv_vs_mpmath_values(mu, sigma, v_reset, ref):
    assert S.cv_isi(mu, sigma, v_reset=v_reset) == pytest.approx(ref, rel=1e-9)


def test_cv_vs_scipy_nested_quad():
    from scipy import integrate, special
    for mu, sig, vr in [(12.0, 4.0, 0.0), (18.0, 3.0, 10.0)]:
        a, b = (vr - mu) / sig, (20.0 - mu) / sig
        inner = lambda x: integrate.quad(lambda y: special.erfcx(-y) ** 2 * math.exp(-y * y), -np.inf, x,
                                         epsabs=0, epsrel=1e-12, limit=200)[0]
        outer = integrate.quad(lambda x: math.exp(x * x) * inner(x), a, b, epsabs=0, epsrel=1e-12, limit=200)[0]
        nt = S.siegert(mu, sig, v_reset=vr) * 20e-3
        ref = math.sqrt(2 * math.pi * nt * nt * outer)
        assert S.cv_isi(mu, sig, v_reset=vr) == pytest.approx(ref, rel=1e-8)


def test_cv_limits():
    assert S.cv_isi(0.0, 2.0) == pytest.approx(1.0, abs=1e-6)      # rare escapes: Poisson
    assert S.cv_isi(40.0, 1e-3) < 1e-3                              # suprathreshold, tiny noise
    assert S.cv_isi(40.0, 0.0) == 0.0


@pytest.mark.parametrize("kw,name", [({"tau_m": -1.0}, "tau_m"), ({"tau_refrac": -0.5}, "tau_refrac"),
                                     ({"v_reset": 20.0}, "v_reset"), ({"sigma": -1.0}, "sigma"),
                                     ({"v_rest": 25.0}, "v_thresh"), ({"mu": float("nan")}, "mu")])
def test_bad_input_names_parameter(kw, name):
    args = dict(mu=10.0, sigma=2.0)
    args.update(kw)
    with pytest.raises(ValueError, match=name):
        S.siegert(**args)


def _simulate_lif(mu, sigma, v_reset, dt, t_total, seed, tau=20.0, tref=2.0, theta=20.0):
    """Direct simulation of tau dV/dt = -V + mu + sigma sqrt(tau) xi: exact OU update per step and
    a Brownian-bridge test for threshold crossings within a step (removes Euler's O(sqrt dt)
    missed-crossing bias).  Returns the spike times (ms)."""
    from recnet.numerics._jit import njit

    @njit
    def run(mu, sigma, v_reset, dt, n_steps, seed, tau, tref, theta):
        np.random.seed(seed)
        decay = math.exp(-dt / tau)
        sd = sigma * math.sqrt((1.0 - decay * decay) / 2.0)
        spikes = np.empty(n_steps // 10 + 10)
        n = 0
        v = v_reset
        refr = 0.0
        for i in range(n_steps):
            if refr > 0.0:
                refr -= dt
                continue
            v_new = mu + (v - mu) * decay + sd * np.random.randn()
            crossed = v_new >= theta
            if not crossed:
                # probability that the Brownian bridge from v to v_new (increment variance
                # sigma^2 dt/tau) touched theta: exp(-2 (theta - v)(theta - v_new) / variance)
                p = math.exp(-2.0 * (theta - v) * (theta - v_new) / (sigma * sigma * dt / tau))
                crossed = np.random.random() < p
            if crossed:
                if n < spikes.shape[0]:
                    spikes[n] = (i + 1) * dt
                    n += 1
                v = v_reset
                refr = tref
            else:
                v = v_new
        return spikes[:n]

    return run(mu, sigma, v_reset, dt, int(t_total / dt), seed, tau, tref, theta)


@pytest.mark.slow
@pytest.mark.parametrize("mu,sigma,v_reset", [(23.98, 7.10, 0.0), (15.0, 5.0, 10.0)])
def test_rate_and_cv_vs_direct_simulation(mu, sigma, v_reset):
    # checks the sigma convention (tau dV/dt = -V + mu + sigma sqrt(tau) xi) and both formulas
    spikes = _simulate_lif(mu, sigma, v_reset, dt=0.01, t_total=200_000.0, seed=7)
    isi = np.diff(spikes)
    rate, cv = 1e3 / isi.mean(), isi.std() / isi.mean()
    # standard errors by the jackknife over 20 contiguous blocks of ISIs
    k = 20
    blocks = np.array_split(isi, k)
    loo = [np.concatenate(blocks[:i] + blocks[i + 1:]) for i in range(k)]
    r_loo = np.array([1e3 / x.mean() for x in loo])
    c_loo = np.array([x.std() / x.mean() for x in loo])
    se_rate = np.sqrt((k - 1) / k * np.sum((r_loo - r_loo.mean()) ** 2))
    se_cv = np.sqrt((k - 1) / k * np.sum((c_loo - c_loo.mean()) ** 2))
    # tolerance: 3 standard errors (batch means) plus 0.5 % for the remaining O(dt) discretisation
    # error of the refractory/reset timing (dt = 0.01 ms of a >= 30 ms mean ISI: < 0.1 %)
    assert abs(rate - S.siegert(mu, sigma, v_reset=v_reset)) <= 3 * se_rate + 0.005 * rate
    assert abs(cv - S.cv_isi(mu, sigma, v_reset=v_reset)) <= 3 * se_cv + 0.005 * cv
