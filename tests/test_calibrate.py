"""``recnet calibrate``: false-disagree rate, standardised errors, power, minimal detectable error.

The engine is checked on a synthetic subject whose rows are exactly normal (oracles: closed-form
binomial intervals, order statistics, the normal power function); the real subjects are
calibrated with a small K and their rates checked against the targets with the exact binomial
(Clopper-Pearson) interval for that K.
"""
import json
import math

import numpy as np
import pytest
from scipy import stats

from recnet.validation import calibrate as cal
from recnet.validation.compare import FAMILY_LEVEL, ValidationResult, compare


def test_clopper_pearson_closed_forms():
    n = 40
    lo, hi = cal.clopper_pearson(0, n)
    assert lo == 0.0 and hi == pytest.approx(1 - 0.025 ** (1 / n), rel=1e-9)
    lo, hi = cal.clopper_pearson(n, n)
    assert hi == 1.0 and lo == pytest.approx(0.025 ** (1 / n), rel=1e-9)
    lo, hi = cal.clopper_pearson(5, 20)
    assert lo < 0.25 < hi


def _records(z, pred=100.0, se=1.0, q=3.0):
    return [[{"quantity": "x", "kind": "statistical", "applicable": True, "agree": abs(v) <= q,
              "predicted": pred, "simulated": pred + se * v, "stderr": se, "systematic": 0.0, "n_sigma": q,
              "dof": None, "family": None}] for v in z]


def test_min_detectable_equals_the_order_statistic():
    # per seed the row disagrees for every F > (z + q) se / pred (upwards); the smallest F caught by
    # 90 % of seeds is the ceil(0.9 K)-th smallest of these thresholds
    z = np.random.default_rng(1).standard_normal(500)
    recs = _records(z)
    up = cal.min_detectable(lambda f: cal._power(recs, f))[1]
    thresholds = np.sort((z + 3.0) / 100.0)
    # the smallest threshold with >= 90 % of seeds at or below it, up to the downward tail (seeds
    # with z < -3 - 100 F also disagree; none of these z is that low at the F found)
    expected = thresholds[math.ceil(0.9 * z.size) - 1]
    assert up == pytest.approx(expected, abs=1e-5)


def _fake_runner(backend="numba", quick=False, seed=0, **options):
    """Five exactly normal rows (two of them one correlated family) around a correct theory."""
    g = np.random.default_rng(seed)
    common = g.standard_normal()
    rows = [compare(f"lag{k}", 10.0, 10.0 + 0.1 * (math.sqrt(0.8) * common + math.sqrt(0.2) * g.standard_normal()),
                    0.1, family="ac") for k in range(2)]
    rows += [compare(f"r{k}", 5.0, 5.0 + 0.05 * g.standard_normal(), 0.05) for k in range(3)]
    res = ValidationResult("fake", backend, rows)
    res.config = {}
    return res


def test_calibrate_engine_on_a_normal_subject():
    k_seeds = 300
    out = cal.calibrate("scn", k_seeds, runner=_fake_runner, shift=0.05)
    # false-disagree rate at most the family-wise level: binomial tolerance for K = 300
    tol = 4 * math.sqrt(FAMILY_LEVEL * (1 - FAMILY_LEVEL) / k_seeds) + 1.0 / k_seeds
    assert out["false_disagree_rate"] <= FAMILY_LEVEL + tol
    # z spread of 1500 exactly normal z (correlated in pairs): sd of the sample sd ~ 1/sqrt(2 n_eff)
    assert abs(out["z_spread"] - 1.0) <= 4 / math.sqrt(2 * 900)
    assert out["ks_pvalue"] > 1e-3
    # power of one r row at a 5 % shift: the shift is 0.25 / 0.05 = 5 stderr; P(|z - 5| > q)
    q = next(c for c in out["comparisons"] if c["quantity"] == "r0")["mean_n_sigma"]
    p_exact = stats.norm.sf(q - 5) + stats.norm.cdf(-q - 5)
    p_row = next(c for c in out["comparisons"] if c["quantity"] == "r0")["power"]
    assert abs(p_row - p_exact) <= 4 * math.sqrt(p_exact * (1 - p_exact) / k_seeds) + 1.0 / k_seeds
    for key in ("false_disagree_rate", "z_spread", "power", "min_detectable_rel_error"):
        assert key in out and all(key in c for c in out["comparisons"])


def _check_targets(out, k_seeds):
    # targets with a binomial tolerance for K seeds: the false-disagree rate is consistent with
    # <= 1 % when the exact 95 % interval reaches down to 1 %; the power consistent with >= 90 %
    # when the interval reaches up to 90 %
    assert out["n_seeds_ok"] == k_seeds, out["errors"]
    assert out["meets_targets"]["false_disagree_rate"], out["false_disagree_ci95"]
    assert out["meets_targets"]["power"], (out["power"], out["shift"])
    assert out["min_detectable_rel_error"] is not None


@pytest.mark.slow
def test_calibrate_scn_quick():
    out = cal.calibrate("scn", 6, quick=True)
    _check_targets(out, 6)


@pytest.mark.slow
def test_calibrate_memory_quick():
    out = cal.calibrate("memory", 4, quick=True)
    _check_targets(out, 4)


@pytest.mark.slow
def test_calibrate_lowrank_ei_quick():
    from recnet.registry import get_subject

    s = get_subject("lowrank-ei")
    out = cal.calibrate("lowrank-ei", 4, quick=True, runner=s.raw_validate)
    _check_targets(out, 4)


def _parts_runner(backend="numba", quick=False, seed=0, **options):
    """One row whose stderr combines the simulation's own error (0.1, the true scatter of sim) with
    the error of a measured allowance (0.2) that does not scatter sim."""
    g = np.random.default_rng(seed)
    row = compare("x", 10.0, 10.0 + 0.1 * g.standard_normal(), math.hypot(0.1, 0.2),
                  stderr_parts={"simulation": 0.1, "allowance": 0.2})
    res = ValidationResult("fake", backend, [row])
    res.config = {}
    return res


def test_z_spread_own_separates_the_simulation_error():
    k_seeds = 400
    out = cal.calibrate("scn", k_seeds, runner=_parts_runner, shift=0.05)
    c = out["comparisons"][0]
    # over the whole stderr the spread is 0.1 / hypot(0.1, 0.2) = 1/sqrt(5); over the simulation's
    # own error it is 1; sd of a sample sd of n normal values ~ sigma / sqrt(2 n)
    tol = 4 / math.sqrt(2 * k_seeds)
    assert c["z_spread"] == pytest.approx(1 / math.sqrt(5), abs=tol / math.sqrt(5))
    assert c["z_spread_own"] == pytest.approx(1.0, abs=tol)
    assert c["stderr_own_name"] == "simulation"


def test_deterministic_subject_is_said():
    def runner(backend="numba", quick=False, seed=0, **options):
        res = ValidationResult("fake", backend, [compare("x", 1.0, 1.0 + 1e-12, None, systematic=1e-9,
                                                                why="round-off")])
        res.config = {}
        return res

    assert cal.calibrate("scn", 3, runner=runner)["identical_across_seeds"] is True
    assert cal.calibrate("scn", 3, runner=_fake_runner)["identical_across_seeds"] is False


@pytest.mark.slow
def test_calibrate_resumes_from_its_store(tmp_path):
    """Seeds run on the sweep engine through a store: a larger rerun computes only the new seeds,
    and the result equals a calibration without a store (outside ``timing``)."""
    seen = []
    first = cal.calibrate("scn", 3, quick=True, out=tmp_path, engine="serial", progress=seen.append)
    assert [r["seed"] for r in seen] == [1, 2, 3]
    seen.clear()
    resumed = cal.calibrate("scn", 5, quick=True, out=tmp_path, engine="pool", workers=2, progress=seen.append)
    assert sorted(r["seed"] for r in seen) == [4, 5]           # seeds 1-3 are taken from the store
    fresh = cal.calibrate("scn", 5, quick=True, engine="serial")
    for res in (first, resumed, fresh):
        res.pop("timing")
    assert json.dumps(resumed, sort_keys=True, default=str) == json.dumps(fresh, sort_keys=True, default=str)
    assert first["n_seeds_ok"] == 3
