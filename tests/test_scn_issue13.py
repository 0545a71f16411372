"""Issue 13 cases of the spike-coding subjects (memory, lowrank-ei, scn), each against an oracle,
and issue 12's reproducibility and option plumbing of their validations."""
import json

import numpy as np
import pytest

from recnet import registry
from recnet.checks import ParameterError
from recnet.numerics.scn import memory as sm

MEMORY = registry.get_subject("memory")
LOWRANK = registry.get_subject("lowrank-ei")


def _projector_margins(d, p, beta, seed):
    """Oracle: vertex margins with G = Q Q^T, Q an orthonormal basis of the patterns' span (QR),
    independent of the pseudo-inverse formula of the learning rule."""
    Xi = sm.random_patterns(p, d, seed=seed)
    Q, R = np.linalg.qr(Xi.T)
    rank = int(np.sum(np.abs(np.diag(R)) > 1e-9 * np.abs(R).max()))
    # a rank-deficient set: the pivot-free QR's leading columns may not span it, use the SVD then
    U, s, _ = np.linalg.svd(Xi.T, full_matrices=False)
    Q = U[:, s > 1e-9 * s.max()] if rank < min(d, p) else Q
    G = Q @ Q.T
    return beta * Xi * (Xi @ G.T) - 1.0


@pytest.mark.parametrize("d,p", [(64, 30), (16, 40), (8, 3)])
def test_projection_rule_has_exact_margins_and_zero_instability(d, p):
    res = MEMORY.predict(rule="projection", d=d, p=p, beta=2.0)
    marg = _projector_margins(d, p, 2.0, 12345)
    np.testing.assert_allclose(marg, 1.0, atol=1e-9)                # beta - 1 for every bit
    assert res["bit_instability_probability"] == 0.0
    assert res["unstable_bit_fraction_measured"] == float(np.mean(marg <= 0)) == 0.0
    assert res["min_margin"] == pytest.approx(1.0, abs=1e-9)
    assert res["stable_vertices"] == p


def test_projection_rule_below_beta_one_is_unstable_everywhere():
    res = MEMORY.predict(rule="projection", d=32, p=5, beta=0.8)
    marg = _projector_margins(32, 5, 0.8, 12345)
    np.testing.assert_allclose(marg, -0.2, atol=1e-9)
    assert res["bit_instability_probability"] == 1.0 == res["unstable_bit_fraction_measured"]
    assert res["stable_vertices"] == 0


@pytest.mark.parametrize("d,beta", [(1, 2.0), (8, 1.1), (8, 2.0)])
def test_hebbian_without_crosstalk_is_deterministic_and_consistent(d, beta):
    """p = 1 (or d = 1): every bit has field (d-1)/d exactly; brute-force margins agree."""
    res = MEMORY.predict(d=d, p=1, beta=beta)
    Xi = sm.random_patterns(1, d, seed=12345)
    G = Xi.T @ Xi / d
    np.fill_diagonal(G, 0.0)
    marg = beta * Xi * (Xi @ G.T) - 1.0                            # brute force
    unstable = float(np.mean(marg <= 0))
    assert unstable in (0.0, 1.0)
    assert res["bit_instability_probability"] == unstable == res["unstable_bit_fraction_measured"]
    assert res["stable_vertices"] == int(unstable == 0.0)


def test_d1_fields_agree_with_each_other():
    res = MEMORY.predict(d=1)
    assert res["stable_vertices"] == 0 and res["bit_instability_probability"] == 1.0
    assert res["unstable_bit_fraction_measured"] == 1.0
    assert np.max(np.abs(res["completion_overlaps"])) < 1e-3        # the state decays: nothing recalled
    assert any("G = 0" in w for w in res.warnings)


@pytest.mark.parametrize("opt", ["d", "p"])
def test_memory_huge_sizes_are_refused_with_the_estimate(opt):
    with pytest.raises(ParameterError) as e:
        MEMORY.predict(**{opt: 10 ** 9})
    assert e.value.name == opt and "GB" in str(e.value)


@pytest.mark.parametrize("function", ["nan", "'x'", "zoo", "oo", "sqrt(x)", "1/x", "x > 0", "True", "[x]",
                                      "I*x + 1", "log(x + 1)", "-x**2", "y + 1", "exp(1000*x)", ")("])
def test_lowrank_bad_functions_are_refused_naming_function(function):
    with pytest.raises(ParameterError) as e:
        LOWRANK.predict(function=function)
    assert e.value.name == "function"


def test_lowrank_function_checked_on_the_given_range():
    with pytest.raises(ParameterError) as e:
        LOWRANK.predict(function="log(x)", x_min=-1.0, x_max=2.0)
    assert e.value.name == "function"
    res = LOWRANK.predict(function="log(x)", x_min=1.5, x_max=3.0)   # log > 0 there
    assert res["predicted_max_error"] > 0


def test_lowrank_expression_equals_the_named_target():
    a = LOWRANK.predict(function="quadratic").to_dict()
    b = LOWRANK.predict(function="x**2 + 0.2").to_dict()
    for k in ("predicted_max_error", "boundary_max_error", "y_e_fixed_point"):
        assert a[k] == b[k]


def test_lowrank_huge_n_is_refused():
    with pytest.raises(ParameterError) as e:
        LOWRANK.predict(n=10 ** 9)
    assert e.value.name == "n" and "GB" in str(e.value)


@pytest.mark.slow
def test_validate_memory_uses_d_p_rule():
    res = MEMORY.validate(quick=True, d=16, p=2, rule="projection")
    assert (res.config["d"], res.config["p"], res.config["rule"]) == (16, 2, "projection")
    same = [c for c in res.comparisons if c.quantity == "pattern0_same_vertex_as_latent_model"][0]
    assert len(same.predicted) == 16
    assert len(res.data["spikes"]["pattern0"]) == 4 * 16
    assert res.agree, [c.quantity for c in res.comparisons if not c.agree]


@pytest.mark.slow
def test_validate_lowrank_uses_function_and_range():
    res = LOWRANK.validate(quick=True, function="quadratic", x_min=-2.0, x_max=1.0)
    assert res.config["function"] == "quadratic" and res.config["x_min"] == -2.0
    assert min(res.config["inputs_x"]) > -2.0 and max(res.config["inputs_x"]) < 1.0
    assert any(c.quantity == "quadratic_max_boundary_error" for c in res.comparisons)
    assert len(res.data["spikes"]["x0"]) == 40
    assert res.agree, [c.quantity for c in res.comparisons if not c.agree]


@pytest.mark.slow
@pytest.mark.parametrize("name,opts", [("scn", {"n": 7, "k": 3}), ("lowrank-ei", {}), ("memory", {"d": 16, "p": 2})])
def test_validate_quick_same_seed_same_json(name, opts):
    s = registry.get_subject(name)

    def run():
        d = s.validate(quick=True, seed=7, **opts).to_dict()
        d.pop("timing")
        return json.dumps(d, sort_keys=True)

    assert run() == run()
