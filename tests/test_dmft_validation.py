"""DMFT against direct simulation: the finite-size extrapolation (synthetic oracles) and small
end-to-end validations (the full check is `recnet validate dmft`)."""
import math

import numpy as np
import pytest

from recnet.numerics.dmft import stationary as D
from recnet.validation.dmft import finite_size as F

SIZES = np.array([250, 500, 1000, 2000])


# ------------------------------------------------------------------ the fit against synthetic oracles
def test_fit_exact_line_is_recovered_exactly():
    q_inf, a = 1.9248, -37.5
    f = F.fit(SIZES, q_inf + a / SIZES, np.full(4, 0.01))
    assert f["q_inf"] == pytest.approx(q_inf, abs=1e-12)
    assert f["a"] == pytest.approx(a, abs=1e-9)
    assert f["chi2"] == pytest.approx(0.0, abs=1e-18)
    assert f["dof"] == 2 and f["inflation"] == 1.0


def test_fit_quadratic_and_sqrt_models_recover_their_own_data():
    f = F.fit(SIZES, 2.0 - 30.0 / SIZES + 4000.0 / SIZES ** 2, np.full(4, 1e-3), model="1/N+1/N^2")
    assert f["coef"] == pytest.approx([2.0, -30.0, 4000.0], rel=1e-9)
    f = F.fit(SIZES, 0.3 - 2.0 / np.sqrt(SIZES), np.full(4, 1e-3), model="1/sqrt(N)")
    assert f["q_inf"] == pytest.approx(0.3, abs=1e-12)


def test_fit_coverage_with_known_errors():
    # data q_inf + a/N + Gaussian noise of known sem: the stated 1-sigma and 1.96-sigma intervals
    # must cover q_inf in 68.3 % and 95 % of draws (binomial sd over 3000 draws: 0.85 % and 0.4 %;
    # bounds at 4 sd).  Inflation by sqrt(chi2/dof) can only widen the interval, so the inflated
    # error must cover at least as often.
    rng = np.random.default_rng(1)
    q_inf, a, m = 0.1124, -25.0, 3000
    sem = 0.01 * np.sqrt(1000.0 / SIZES)
    z_raw, z_inf = [], []
    for _ in range(m):
        f = F.fit(SIZES, q_inf + a / SIZES + rng.normal(0.0, sem), sem)
        z_raw.append(abs(f["q_inf"] - q_inf) / f["q_inf_stderr_raw"])
        z_inf.append(abs(f["q_inf"] - q_inf) / f["q_inf_stderr"])
    z_raw, z_inf = np.array(z_raw), np.array(z_inf)
    assert abs(np.mean(z_raw <= 1.0) - 0.6827) < 4 * math.sqrt(0.6827 * 0.3173 / m)
    assert abs(np.mean(z_raw <= 1.959964) - 0.95) < 4 * math.sqrt(0.95 * 0.05 / m)
    assert np.mean(z_inf <= 1.959964) >= np.mean(z_raw <= 1.959964)


@pytest.mark.slow
@pytest.mark.parametrize("power", [1.0, 0.0])
def test_fit_samples_pooled_errors_cover(power):
    # per-realisation samples with spread sd ~ N^(-power/2), few realisations at large N (as in the
    # validation); errors from the pooled variance law with the exponent fitted.  The Student-t
    # 3-sigma rule (99.73 %) must cover q_inf in >= 98.5 % of 1000 draws (measured 99.3 % over
    # 4000 draws; the fitted exponent costs a little coverage; binomial sd 0.26 %) and the 95 %
    # rule in 92 ... 98 % (measured 94-95 %; binomial sd 0.7 %).
    rng = np.random.default_rng(7 + int(power))
    q_inf, a, m = 5.4463, -60.0, 1000
    counts = [8, 4, 2, 2]
    sd = 0.2 * (1000.0 / SIZES) ** (power / 2)
    c3 = c95 = 0
    for _ in range(m):
        samples = [q_inf + a / n + rng.normal(0.0, s, k) for n, s, k in zip(SIZES, sd, counts)]
        f = F.fit_samples(SIZES, samples, var_power="fit")
        z = abs(f["q_inf"] - q_inf) / f["q_inf_stderr"]
        c3 += z <= F.n_sigma_for(f["error_dof"])
        c95 += z <= F.n_sigma_for(f["error_dof"], 0.95)
    assert c3 / m >= 0.985
    assert 0.92 <= c95 / m <= 0.98


def test_pooled_variance_recovers_the_law():
    rng = np.random.default_rng(3)
    sizes = [250, 500, 1000, 2000]
    samples = [rng.normal(0.0, math.sqrt(4.0 * 1000.0 / n), 400) for n in sizes]   # var = 4000 / N
    c, p, dof = F.pooled_variance(sizes, samples, "fit")
    assert dof == 4 * 399 - 1
    assert p == pytest.approx(1.0, abs=0.1)      # sd of p-hat ~ 0.035 here
    c1, p1, _ = F.pooled_variance(sizes, samples, 1.0)
    assert p1 == 1.0 and c1 == pytest.approx(4000.0, rel=0.1)


def test_misspecified_model_shows_in_chi2():
    # data with a 1/sqrt(N) correction fitted by 1/N: the noise-free misfit alone is chi2 = 54.3 on
    # 4 dof (computed from the same numbers without noise); the noise adds chi2(4) on average, so
    # chi2/dof > 6 is exceeded with overwhelming probability, and the error must be inflated.  The
    # right model leaves only the noise: chi2 ~ chi2(4), below 18.5 (p = 0.001).
    rng = np.random.default_rng(5)
    sizes = np.array([125, 250, 500, 1000, 2000, 4000])
    sem = np.full(sizes.size, 0.002)
    y = 0.11 - 1.2 / np.sqrt(sizes) + rng.normal(0.0, sem)
    bad = F.fit(sizes, y, sem, "1/N")
    good = F.fit(sizes, y, sem, "1/sqrt(N)")
    assert bad["chi2_dof"] > 6 and bad["inflation"] == pytest.approx(math.sqrt(bad["chi2_dof"]))
    assert bad["p_value"] < 1e-4
    assert good["chi2"] < 18.5
    assert abs(good["q_inf"] - 0.11) < 3 * good["q_inf_stderr"]


def test_fit_bad_input():
    with pytest.raises(ValueError, match="model"):
        F.fit(SIZES, np.ones(4), np.ones(4), model="1/N^3")
    with pytest.raises(ValueError, match="sems"):
        F.fit(SIZES, np.ones(4), [0.1, 0.1, 0.0, 0.1])
    with pytest.raises(ValueError, match="distinct sizes"):
        F.fit([100, 100, 200], np.ones(3), np.ones(3), model="1/N+1/N^2")
    with pytest.raises(ValueError, match="equal lengths"):
        F.fit(SIZES, np.ones(3), np.ones(4))


def test_validate_bad_input():
    from recnet.validation.dmft.stationary import validate
    with pytest.raises(ValueError, match="sizes"):
        validate(gains=(2.0,), sizes=(200, 400), spiking=False)
    with pytest.raises(ValueError, match="n_networks"):
        validate(gains=(2.0,), n_networks=1, spiking=False)


# ------------------------------------------------------------------------------ end to end (small)
@pytest.mark.slow
def test_quick_validate_extrapolates_and_agrees():
    from recnet.validation.dmft.stationary import validate
    res = validate(gains=(2.0,), quick=True, spiking=False, n=400)
    rows = {c.quantity: c for c in res.comparisons}
    assert {"delta0_n_inf_g2", "delta_tau2_n_inf_g2", "lambda_max_n_inf_g2_per_tau"} <= set(rows)
    assert not rows["delta0_n400_g2"].applicable          # the finite-N row is shown, not judged
    assert res.info["sizes"] == [100, 200, 400]
    assert res.agree, [c.to_dict() for c in res.comparisons]


@pytest.mark.slow
def test_user_phi_end_to_end():
    # a sympy expression through predict and validate (tanh(x) + x/10: g_c = 1/1.1)
    from recnet.validation.dmft.stationary import validate
    pred = D.solve_stationary(1.8, phi="tanh(x) + x/10")
    assert pred["chaotic"] and pred["g_c"] == pytest.approx(1 / 1.1)
    res = validate(gains=(1.8,), phi="tanh(x) + x/10", n=300, quick=True, spiking=False)
    assert res.agree, [c.to_dict() for c in res.comparisons]


def _gc_one_plus_tanh():
    """Independent oracle: g_c of phi = 1 + tanh at the fixed point h ~ N(0, Delta_0), from
    Delta_0 = g^2 <phi^2> and g^2 <phi'^2> = 1 (scipy quadrature and brentq)."""
    import scipy.integrate as si
    import scipy.optimize as so

    def avg(f, d):
        s = math.sqrt(d)
        return si.quad(lambda z: f(s * z) * math.exp(-z * z / 2) / math.sqrt(2 * math.pi), -12, 12,
                       epsabs=1e-13, limit=200)[0]

    def d0(g):
        return so.brentq(lambda d: g * g * avg(lambda x: (1 + math.tanh(x)) ** 2, d) - d, 1e-9, 200)

    return so.brentq(lambda g: g * g * avg(lambda x: (1 - math.tanh(x) ** 2) ** 2, d0(g)) - 1, 1.5, 4, xtol=1e-12)


@pytest.mark.slow
def test_spiking_counterpart_below_and_above_onset():
    from recnet.validation.dmft.poisson_rate_units import validate
    res = validate(quick=True, n=300, n_networks=4)
    assert res.info["g_c"] == pytest.approx(_gc_one_plus_tanh(), abs=1e-6)   # 2.53732
    assert res.agree, [c.to_dict() for c in res.comparisons]


def test_spiking_dmft_reduces_to_shot_noise_for_weak_coupling():
    # g -> 0: Delta(tau) -> g^2 <phi> e^{-|tau|}/2 around Delta_inf ~ g^2 <phi>^2 (filtered shot noise)
    g = 0.2
    s = D.solve_spiking(g, tau_max=3.0)
    fluct = s["delta"] - s["delta_inf"]
    expected = g * g * s["rate"] / 2 * np.exp(-s["tau"])
    assert np.max(np.abs(fluct - expected)) < 0.05 * expected[0]
