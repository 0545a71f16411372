"""Connectivity solution spaces (Biswas & Fitzgerald 2022): solver vs hand solutions, closed forms,
exact rational enumeration and ground truth."""
import json
import math

import numpy as np
import pytest

from recnet.cli import main
from recnet.numerics import geometry as geo
from recnet.theory import geometry as tg
from recnet.validation import geometry as vg
from tests.twins import geometry as twin


# ------------------------------------------------------------------ hand-solvable problems
def test_one_equation_two_synapses_by_hand():
    # w1 + w2 = 1 within ||w|| <= sqrt(2): the chord of the disk between (1/2 -+ sqrt(3)/2, ...):
    # w0 = (1/2, 1/2), rho^2 = 2 - 1/2, P = [[1/2, -1/2], [-1/2, 1/2]] -> w_j in 1/2 -+ sqrt(3)/2.
    ns = geo.neuron_space([[1.0, 1.0]], [0.0], [1.0], math.sqrt(2))
    assert ns.feasible and ns.dimension == 1
    np.testing.assert_allclose(ns.w_min, 0.5 - math.sqrt(3) / 2, atol=1e-12)
    np.testing.assert_allclose(ns.w_max, 0.5 + math.sqrt(3) / 2, atol=1e-12)
    assert not ns.certain.any()
    ex = tg.exact_affine_ball([[1, 1]], [0], [1], 2)
    assert [str(r[0]) for r in ex["ranges"]] == ["1/2 - sqrt(3)/2"] * 2


def test_pinned_synapse_is_certain_by_hand():
    # pattern: presynaptic (1, 0), response 1 -> w1 = 1 exactly, w2 in [-sqrt(B^2 - 1), +sqrt(B^2 - 1)]
    B = 2.0
    ns = geo.neuron_space([[1.0, 0.0]], [0.0], [1.0], B)
    np.testing.assert_allclose([ns.w_min[0], ns.w_max[0]], [1.0, 1.0], atol=1e-12)
    np.testing.assert_allclose([ns.w_min[1], ns.w_max[1]], [-math.sqrt(3), math.sqrt(3)], atol=1e-12)
    assert list(ns.sign) == [1, 0]


def test_silent_pattern_halves_the_chord_by_hand():
    # w1 + w2 = 1 (active), w1 <= 0 (silent, presynaptic (1, 0)), ||w|| <= sqrt(5):
    # the chord runs from (-1, 2) to (2, -1); the half-space keeps w1 in [-1, 0], so w2 in [1, 2]:
    # w2 is certain (+), w1 is not (its range touches 0).
    ns = geo.neuron_space([[1.0, 1.0], [1.0, 0.0]], [0.0, 0.0], [1.0, 0.0], math.sqrt(5))
    np.testing.assert_allclose(ns.w_min, [-1.0, 1.0], atol=1e-7)
    np.testing.assert_allclose(ns.w_max, [0.0, 2.0], atol=1e-7)
    assert list(ns.sign) == [0, 1]


def test_linf_box_by_hand():
    # w1 + w2 = 1 in the box |w_j| <= 0.75: w1 in [0.25, 0.75], both certain positive
    ns = geo.neuron_space([[1.0, 1.0]], [0.0], [1.0], 0.75, norm="linf")
    np.testing.assert_allclose(ns.w_min, [0.25, 0.25], atol=1e-9)
    np.testing.assert_allclose(ns.w_max, [0.75, 0.75], atol=1e-9)
    assert list(ns.sign) == [1, 1]


# ------------------------------------------------------------- closed form and exact oracle
def test_closed_form_certainty_without_silent_patterns():
    """Solver ranges equal w0_j -+ sqrt(B^2 - |w0|^2) sqrt(P_jj) (module docstring) on random problems."""
    rng = np.random.default_rng(7)
    for _ in range(30):
        M, P = rng.integers(3, 9), rng.integers(1, 4)
        Z = rng.random((P, M)) + 0.1
        y = rng.random(P) + 0.1
        w0 = np.linalg.pinv(Z) @ y
        B = np.linalg.norm(w0) * rng.uniform(1.01, 3)
        Pn = np.eye(M) - np.linalg.pinv(Z) @ Z
        half = np.sqrt((B**2 - w0 @ w0) * np.clip(np.diag(Pn), 0, None))
        ns = geo.neuron_space(Z, np.zeros(P), y, B)
        np.testing.assert_allclose(ns.w_min, w0 - half, atol=1e-9)
        np.testing.assert_allclose(ns.w_max, w0 + half, atol=1e-9)
        np.testing.assert_array_equal(ns.certain, w0**2 > (B**2 - w0 @ w0) * np.diag(Pn) + 1e-9)


@pytest.mark.parametrize("norm", ["l2", "linf"])
def test_exact_rational_enumeration_agrees_with_solver(norm):
    rng = np.random.default_rng(11 if norm == "l2" else 12)
    for _ in range(10):
        M, P = int(rng.integers(2, 4)), int(rng.integers(1, 5))
        Z = rng.integers(0, 4, (P, M)).astype(float)
        c = rng.integers(-2, 2, P).astype(float)
        w = rng.integers(-3, 4, M) / 2.0
        y = np.maximum(Z @ w + c, 0.0)
        B = float(np.ceil(4 * (1.2 * np.linalg.norm(w) + 0.5)) / 4) if norm == "l2" else float(np.abs(w).max() + 0.5)
        ex = tg.exact_ranges(Z, c, y, B, norm=norm)
        ns = geo.neuron_space(Z, c, y, B, norm=norm)
        assert ex["feasible"] and ns.feasible
        exr = np.array([[float(a), float(b)] for a, b in ex["ranges"]])
        np.testing.assert_allclose(np.column_stack([ns.w_min, ns.w_max]), exr, atol=1e-7)
        assert list(ns.sign) == ex["sign"]


def test_error_tolerant_ranges_widen_and_match_exact():
    Z = np.array([[1.0, 1.0], [1.0, 0.0]])
    c, y = np.zeros(2), np.array([1.0, 0.0])
    prev = None
    for eps in (0.0, 0.1, 0.3):
        ns = geo.neuron_space(Z, c, y, 2.0, tolerance=eps)
        ex = tg.exact_ranges(Z, c, y, 2, tolerance=eps)
        exr = np.array([[float(a), float(b)] for a, b in ex["ranges"]])
        np.testing.assert_allclose(np.column_stack([ns.w_min, ns.w_max]), exr, atol=1e-7)
        if prev is not None:
            assert np.all(ns.w_min <= prev[0] + 1e-9) and np.all(ns.w_max >= prev[1] - 1e-9)
        prev = (ns.w_min, ns.w_max)


@pytest.mark.parametrize("norm", ["l2", "linf"])
def test_implicit_equality_lowers_the_dimension(norm):
    # two silent constraints w1 + w2 <= 0 and -(w1 + w2) <= 0 force w1 + w2 = 0: a segment, dim 1
    ns = geo.neuron_space([[1.0, 1.0], [-1.0, -1.0]], [0.0, 0.0], [0.0, 0.0], 1.0, norm=norm)
    assert ns.feasible and ns.dimension == 1
    # and a single point where the active line only touches the ball: w1 + w2 = sqrt(2) with B = 1
    ns = geo.neuron_space([[1.0, 1.0]], [0.0], [math.sqrt(2)], 1.0)
    assert ns.feasible and ns.dimension == 0


# ---------------------------------------------------------------------------- infeasibility
def test_infeasible_patterns_are_named():
    # pattern 1: w1 = 1 (active, presynaptic (1, 0)); pattern 2: 2 w1 <= 0 (silent, (2, 0)):
    # together impossible; pattern 3 (w2 = 1) is innocent and must not be named.
    Z = [[1.0, 0.0], [2.0, 0.0], [0.0, 1.0]]
    ns = geo.neuron_space(Z, [0, 0, 0], [1.0, 0.0, 1.0], 10.0)
    assert not ns.feasible and ns.violated == (0, 1) and ns.dimension == -1
    # an active response with no presynaptic activity at all
    ns = geo.neuron_space([[0.0, 0.0], [1.0, 0.0]], [0, 0], [1.0, 0.5], 10.0)
    assert not ns.feasible and ns.violated == (0,)


def test_infeasible_through_the_cli(tmp_path, capsys):
    R = tmp_path / "r.csv"
    R.write_text("1,0\n0,1\n1,1\n")
    assert main(["predict", "geometry", "--responses", str(R), "--bound", "0.5", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["feasible"] is False
    n1 = out["neurons"][0]
    assert n1["feasible"] is False and n1["violated_patterns"] and n1["reason"]


# ---------------------------------------------------------------------------- ground truth
def test_ground_truth_is_inside_and_never_contradicted():
    study = vg.certainty_study(60, seed=3, progress=False)
    assert study["false_certainties"] == 0
    assert study["certain"] > 0          # the test can fail: certainties do occur


@pytest.mark.slow
@pytest.mark.parametrize("norm,n", [("l2", 1000), ("linf", 200)])
def test_zero_false_certainties_over_many_problems(norm, n):
    # acceptance: zero false certainties over 1000 problems (L2, Biswas & Fitzgerald's bound);
    # the L-infinity variant runs 200 (its LPs are slower), the demo's validate runs 1000
    study = vg.certainty_study(n, norm=norm, seed=2022, progress=False)
    assert study["false_certainties"] == 0
    assert study["certain"] > n // 10


def test_truth_lies_within_ranges():
    gt = vg.random_ground_truth(6, 5, 3, seed=5)
    WU = np.hstack([gt["W"], gt["U"]])
    space = geo.solution_space(gt["R"], gt["X"], bound=1.05 * np.linalg.norm(WU, axis=1).max(), progress=False)
    off = ~np.eye(6, dtype=bool)
    assert np.all(space.W_min[off] <= gt["W"][off] + 1e-8)
    assert np.all(space.W_max[off] >= gt["W"][off] - 1e-8)
    assert np.all(space.U_min <= gt["U"] + 1e-8) and np.all(space.U_max >= gt["U"] - 1e-8)


def test_certified_active_set_matches_clarabel():
    """The numba active-set fast path returns only certified maxima; they equal Clarabel's."""
    rng = np.random.default_rng(5)
    n_cert = n_all = 0
    for _ in range(60):
        d, m = int(rng.integers(2, 25)), int(rng.integers(1, 20))
        F = rng.standard_normal((m, d))
        f = 0.5 * rng.standard_normal(m) + 0.3
        rho = float(rng.uniform(0.5, 3))
        t, _ = geo._interior(F, f, rho, "l2")
        if t <= 1e-6:
            continue
        A = rng.standard_normal((6, d))
        v, ub, ok, _ = geo._l2_support(A, F, f, rho, 4 * m + 20)
        ref = geo._L2Solver(F, f, rho)
        for k in range(6):
            n_all += 1
            if ok[k]:
                n_cert += 1
                best = -ref.minimize(-A[k])[0]
                assert abs(v[k] - best) <= 1e-7 * (1 + abs(best))
                assert ub[k] >= best - 1e-7 * (1 + abs(best))
    assert n_cert > 0.8 * n_all


# --------------------------------------------------------------------------------- sampling
def test_hit_and_run_kernel_matches_naive_twin():
    rng = np.random.default_rng(0)
    d, m = 4, 6
    F = rng.standard_normal((m, d))
    f = np.abs(rng.standard_normal(m)) + 0.5
    dirs = rng.standard_normal((200, d))
    dirs /= np.linalg.norm(dirs, axis=1)[:, None]
    unif = rng.random(200)
    a = geo._hit_and_run(np.zeros(d), F, f, 2.0, dirs, unif, 2)
    b = twin._hit_and_run_numpy(np.zeros(d), F, f, 2.0, dirs, unif, 2)
    np.testing.assert_allclose(a, b, atol=1e-12)
    assert np.all(a @ F.T <= f + 1e-9) and np.all(np.linalg.norm(a, axis=1) <= 2.0 + 1e-9)


def test_samples_reproduce_the_responses():
    gt = vg.random_ground_truth(5, 4, 2, seed=9)
    B = 1.1 * np.linalg.norm(np.hstack([gt["W"], gt["U"]]), axis=1).max()
    space = geo.solution_space(gt["R"], gt["X"], bound=B, progress=False)
    Ws, Us = geo.sample_solutions(space, 20, seed=1)
    for W, U in zip(Ws, Us):
        assert np.all(np.linalg.norm(np.hstack([W, U]), axis=1) <= B * (1 + 1e-9))
        for r, x in zip(gt["R"], gt["X"]):
            np.testing.assert_allclose(np.maximum(W @ r + U @ x, 0.0), r, atol=1e-9)
    assert np.std(Ws[:, 0, 1]) > 0      # the chain moves


def test_sampled_solutions_settle_on_the_responses():
    gt = vg.random_ground_truth(5, 3, 2, seed=4)
    B = 1.1 * np.linalg.norm(np.hstack([gt["W"], gt["U"]]), axis=1).max()
    space = geo.solution_space(gt["R"], gt["X"], bound=B, progress=False)
    sims = vg.simulate_solutions(space, gt["R"], gt["X"], n_samples=3, seed=2)
    assert sims["stable"].any()
    assert np.all(sims["reached"][sims["stable"]])


def test_symmetric_solution_is_symmetric_and_solves():
    out, (W, U), gt = vg.spiking_check(n_neurons=3, n_patterns=2, seed=1, spikes_per_unit=20.0)
    np.testing.assert_allclose(W, W.T)
    for r, x in zip(gt["R"], gt["X"]):
        np.testing.assert_allclose(np.maximum(W @ r + U @ x, 0.0), r, atol=1e-7)


# ------------------------------------------------------------------------------- bad input
@pytest.mark.parametrize("kwargs,name", [
    (dict(responses=[[-1.0, 0.0]], bound=1.0), "responses"),
    (dict(responses=[[1.0, 0.0]], bound=-1.0), "bound"),
    (dict(responses=[[1.0, 0.0]], bound=1.0, norm="l3"), "norm"),
    (dict(responses=[[1.0, 0.0]], inputs=[[1.0], [2.0]], bound=1.0), "inputs"),
    (dict(responses=[[1.0, 0.0]], bound=1.0, tolerance=-0.1), "tolerance"),
])
def test_bad_input_names_the_parameter(kwargs, name):
    with pytest.raises(ValueError, match=name):
        geo.solution_space(**kwargs)


def test_sampling_an_empty_space_is_an_error():
    space = geo.solution_space([[1.0, 0.0]], bound=1.0, progress=False)
    with pytest.raises(ValueError, match="infeasible"):
        geo.sample_solutions(space, 2)


def test_fast_path_and_cone_solver_give_the_same_space(monkeypatch):
    gt = vg.random_ground_truth(30, 12, 4, density=0.3, seed=8)
    B = 1.1 * np.linalg.norm(np.hstack([gt["W"], gt["U"]]), axis=1).max()
    fast = geo.solution_space(gt["R"], gt["X"], bound=B, neurons=[0, 1, 2], progress=False)
    monkeypatch.setattr(geo, "_FAST_PATH_MIN", 10**9)
    slow = geo.solution_space(gt["R"], gt["X"], bound=B, neurons=[0, 1, 2], progress=False)
    for a, b in zip(fast.neurons, slow.neurons):
        np.testing.assert_allclose(a.w_min, b.w_min, atol=1e-7)
        np.testing.assert_allclose(a.w_max, b.w_max, atol=1e-7)
        np.testing.assert_array_equal(a.sign, b.sign)
