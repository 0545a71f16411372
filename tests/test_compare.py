"""The comparison rule: decision inputs, re-decision for a shifted prediction, family-wise verdicts.

Oracles: closed-form normal / Student-t quantiles, and Monte Carlo over independent and correlated
normal rows with a binomial tolerance (written next to each check).
"""
import math

import numpy as np
import pytest
from scipy import stats

from recnet.validation.compare import (FAMILY_LEVEL, ValidationResult, compare, compare_exact, family_quantiles,
                                       quantile, sidak_quantile)


def test_quantiles_closed_form():
    # one row at the family-wise level is the classical 3-sigma rule: P(|Z| <= 3) = 0.99730
    assert sidak_quantile(1, FAMILY_LEVEL) == pytest.approx(3.0, abs=2e-3)
    # Sidak for m rows: per-row level (1 - alpha)^(1/m), here m = 10, alpha = 0.05
    q = sidak_quantile(10, 0.05)
    assert 2 * stats.norm.sf(q) == pytest.approx(1 - 0.95 ** 0.1, rel=1e-9)
    assert quantile(0.95, dof=5) == pytest.approx(2.570582, rel=1e-6)  # t-table value


def test_row_records_its_decision_inputs_and_redecides_for_a_shift():
    c = compare("rate_hz", 10.0, 10.3, 0.1, systematic=0.05, why="step bias from paired runs")
    assert c.kind == "statistical" and c.z == pytest.approx(3.0)
    assert c.tolerance() == pytest.approx(3.0 * 0.1 + 0.05)
    assert c.agree  # 0.3 <= 0.35
    assert not c.decide(10.0 * 0.9)  # a theory 10 % low is caught: |10.3 - 9| > 0.35
    assert c.decide(10.0 * 1.02)
    d = c.to_dict()
    assert d["systematic_why"] == "step bias from paired runs" and d["z"] == pytest.approx(3.0)


def test_deterministic_exact_rows_and_no_stated_allowances():
    det = compare("max_error", 0.0, 1e-7, None, systematic=1e-6, why="round-off bound")
    assert det.kind == "deterministic" and det.z is None and det.agree
    # the legacy hand-set allowances are gone, and a systematic must carry its derivation
    with pytest.raises(TypeError):
        compare("max_error", 0.0, 1e-7, None, abs_tol=1e-6)
    with pytest.raises(TypeError):
        compare("max_error", 0.0, 1e-7, None, rel_tol=1e-3)
    with pytest.raises(ValueError, match="derivation"):
        compare("max_error", 0.0, 1e-7, None, systematic=1e-6)
    ex = compare_exact("support", {1, 2}, {2, 1})
    assert ex.kind == "exact" and ex.agree and ex.decide({1}) is False


def test_not_applicable_rows_stay_out_of_the_verdict():
    ok = compare("a", 1.0, 1.0, 0.1)
    off = compare("b", 1.0, 9.0, 0.1).not_applicable("outside the domain")
    res = ValidationResult("x", "numba", [ok, off])
    assert res.agree and off.to_dict()["agree"] is None
    assert not ValidationResult("x", "numba", [off]).agree


def test_family_quantiles_follow_sidak_over_families_and_rows():
    rows = [compare(f"lag{k}", 1.0, 1.0, 0.1, family="ac", dof=13) for k in range(3)]
    rows += [compare("rate", 1.0, 1.0, 0.1)]
    qs = family_quantiles(rows, 0.01)
    # 4 rows in all: the family of 3 gets 1 - 0.99^(3/4), the single row 1 - 0.99^(1/4); every row
    # ends at the per-row level 0.99^(1/4)
    assert qs[id(rows[0])] == pytest.approx(stats.t.ppf(1 - (1 - 0.99 ** 0.25) / 2, 13), rel=1e-9)
    assert qs[id(rows[3])] == pytest.approx(stats.norm.ppf(1 - (1 - 0.99 ** 0.25) / 2), rel=1e-9)


def _false_rate(rows_q, z):
    """Fraction of replicas where any row's |z| exceeds its quantile."""
    return float(np.mean(np.any(np.abs(z) > rows_q[None, :], axis=1)))


def test_family_wise_false_disagree_rate_independent_rows():
    # 12 independent rows, alpha = 0.05 (large so the Monte Carlo resolves it): the realised rate
    # must equal alpha; 40000 replicas give a binomial sd sqrt(a(1-a)/n) = 0.0011, tolerance 4 sd
    alpha, m, n = 0.05, 12, 40000
    rows = [compare(f"r{k}", 1.0, 1.0, 1.0) for k in range(m)]
    q = np.array([family_quantiles(rows, alpha)[id(r)] for r in rows])
    z = np.random.default_rng(3).standard_normal((n, m))
    rate = _false_rate(q, z)
    assert abs(rate - alpha) <= 4 * math.sqrt(alpha * (1 - alpha) / n), rate


def test_family_wise_rate_with_a_correlated_family_is_at_most_alpha():
    # 3 rows correlated at rho = 0.9 (the lags of one autocovariance) + 2 independent rows:
    # Sidak is conservative for positively correlated two-sided normal rows (Sidak 1967)
    alpha, n = 0.05, 40000
    rows = [compare(f"lag{k}", 1.0, 1.0, 1.0, family="ac") for k in range(3)]
    rows += [compare(f"r{k}", 1.0, 1.0, 1.0) for k in range(2)]
    q = np.array([family_quantiles(rows, alpha)[id(r)] for r in rows])
    g = np.random.default_rng(4)
    common = g.standard_normal((n, 1))
    zc = math.sqrt(0.9) * common + math.sqrt(0.1) * g.standard_normal((n, 3))
    z = np.hstack([zc, g.standard_normal((n, 2))])
    rate = _false_rate(q, z)
    assert rate <= alpha + 4 * math.sqrt(alpha * (1 - alpha) / n), rate
    # every row sits at the per-row Sidak level for the 5 rows in all
    assert q == pytest.approx(sidak_quantile(5, alpha))


def test_validation_result_verdict_for_shift_is_monotone():
    g = np.random.default_rng(5)
    rows = [compare(f"r{k}", 10.0, 10.0 + 0.1 * g.standard_normal(), 0.1, systematic=0.02,
                    why="test allowance") for k in range(6)]
    res = ValidationResult("x", "numba", rows)
    assert res.agree
    verdicts = [res.verdict_for(f) for f in np.linspace(0, 0.2, 41)]
    # the agree set in the shift is an interval containing 0: once False, it stays False
    first_false = verdicts.index(False)
    assert not any(verdicts[first_false:])
