"""TLN fixed points: acceptance graphs, sign-condition kernel vs direct check vs exact rationals, parity."""
from fractions import Fraction

import numpy as np
import pytest

from recnet.numerics.tln import enumerate as te
from recnet.theory.tln import ctln as ctln
from recnet.theory.tln import fixed_points as tln
from tests.twins import tln_enumerate as twin

EPS, DELTA, THETA = 0.25, 0.5, 1.0


def _ctln(graph, n=None):
    adj = ctln.parse_graph(graph, n) if graph else np.zeros((n, n), bool)
    return adj, ctln.ctln_weights(adj, EPS, DELTA), np.full(adj.shape[0], THETA)


def test_three_cycle_only_full_support_unstable():
    adj, W, b = _ctln("1>2,2>3,3>1")
    res = te.enumerate_ctln(adj, EPS, DELTA, THETA)
    assert res.supports == [(0, 1, 2)]
    fp = res.fixed_points[0]
    assert fp.stable is False and fp.index == 1
    # closed form of uniform in-degree d = 1: theta / (3 + delta (3 - 1 - 1) - epsilon)
    np.testing.assert_allclose(fp.x, THETA / (3 + DELTA - EPS), rtol=1e-14)
    ex = tln.fixed_point_supports_exact(W, b)
    assert [r["support"] for r in ex] == [(0, 1, 2)] and ex[0]["stable"] is False
    assert ex[0]["x"] == [Fraction(4, 13)] * 3


def test_complete_graph_k3_one_stable_support_at_0_4():
    adj, W, b = _ctln("1<>2,2<>3,1<>3")
    res = te.enumerate_ctln(adj, EPS, DELTA, THETA)
    assert res.supports == [(0, 1, 2)]
    assert res.stable_supports == [(0, 1, 2)]
    np.testing.assert_allclose(res.fixed_points[0].x, 0.4, rtol=1e-14)
    ex = tln.fixed_point_supports_exact(W, b)
    assert ex[0]["x"] == [Fraction(2, 5)] * 3 and ex[0]["stable"] is True


def test_empty_graph_all_seven_subsets():
    adj, W, b = _ctln("", 3)
    res = te.enumerate_ctln(adj, EPS, DELTA, THETA)
    assert sorted(res.supports) == sorted(tln.all_supports(3)[1:])
    assert res.stable_supports == [(0,), (1,), (2,)]
    assert res.index_sum == 1
    assert [r["support"] for r in tln.fixed_point_supports_exact(W, b)] == res.supports


def test_legal_range_is_checked():
    with pytest.raises(ValueError, match="epsilon"):
        ctln.ctln_weights(np.zeros((2, 2), bool), epsilon=0.4, delta=0.5)
    with pytest.raises(ValueError, match="delta"):
        ctln.check_parameters(0.1, -1.0)
    with pytest.raises(ValueError, match="theta"):
        ctln.check_parameters(0.1, 0.5, 0.0)
    with pytest.raises(ValueError, match="self-loops"):
        ctln.parse_graph("1>1")
    with pytest.raises(ValueError, match="nodes are numbered from 1"):
        ctln.parse_graph("0>1")


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="b has shape"):
        te.enumerate_supports(np.zeros((3, 3)), np.ones(2))
    with pytest.raises(ValueError, match="square"):
        te.enumerate_supports(np.zeros((3, 2)), np.ones(3))
    with pytest.raises(ValueError, match="NaN"):
        te.enumerate_supports(np.full((2, 2), np.nan), np.ones(2))


def _random_net(rng, n, competitive):
    if competitive:
        W = -rng.uniform(0.0, 2.5, (n, n))
        np.fill_diagonal(W, 0.0)
        b = rng.uniform(0.1, 1.0, n)
    else:
        W = rng.normal(0.0, 0.8, (n, n))
        b = rng.normal(0.0, 1.0, n)
    return W, b


@pytest.mark.parametrize("competitive", [True, False])
def test_sign_conditions_agree_with_direct_check_on_random_networks(competitive):
    """2000 random networks, N = 2..7: numba sign-condition kernel == batched solve-and-test."""
    rng = np.random.default_rng(20240501 + competitive)
    n_nets = 0
    for _ in range(1000):
        n = int(rng.integers(2, 8))
        W, b = _random_net(rng, n, competitive)
        res = te.enumerate_supports(W, b, stability=False)
        assert res.supports == twin.enumerate_supports_numpy(W, b)
        if competitive:
            assert res.index_sum == 1, (W, b)  # parity theorem (CGM19) for competitive TLNs
        n_nets += 1
    assert n_nets == 1000


def test_kernel_agrees_with_exact_rationals_and_hurwitz():
    """300 random networks N <= 4: supports, index and stability equal the exact computation."""
    rng = np.random.default_rng(7)
    for trial in range(300):
        n = int(rng.integers(1, 5))
        W, b = _random_net(rng, n, competitive=trial % 2 == 0)
        res = te.enumerate_supports(W, b)
        ex = tln.fixed_point_supports_exact(W, b)
        assert res.supports == [r["support"] for r in ex]
        assert [fp.index for fp in res.fixed_points] == [r["index"] for r in ex]
        assert [fp.stable for fp in res.fixed_points] == [r["stable"] for r in ex]
        for fp, r in zip(res.fixed_points, ex):
            np.testing.assert_allclose(fp.x[list(fp.support)], [float(v) for v in r["x"]], rtol=1e-9)


def test_near_boundary_support_is_flagged_and_decided_exactly():
    """A degenerate network: b_3 input to neuron 3 exactly 0 at the fixed point on {1}.

    W = 0 except W[2, 0] = -1, b = (1, 0.5, 1): on support {1,2}? x1 = 1, x2 = 0.5, input to 3 is
    1 - 1*1 = 0 exactly -> a degenerate fixed point; the kernel must flag it and the exact path decide.
    """
    W = np.zeros((3, 3))
    W[2, 0] = -1.0
    b = np.array([1.0, 0.5, 1.0])
    res = te.enumerate_supports(W, b)
    assert res.n_flagged >= 1
    assert (0, 1) in res.supports
    fp = res.fixed_points[res.supports.index((0, 1))]
    assert fp.exact and fp.degenerate
    ex = tln.fixed_point_supports_exact(W, b)
    assert [r["support"] for r in ex] == res.supports


def test_pruning_does_not_change_ctln_supports():
    rng = np.random.default_rng(3)
    for _ in range(40):
        n = int(rng.integers(3, 10))
        adj = rng.random((n, n)) < rng.uniform(0.1, 0.9)
        np.fill_diagonal(adj, False)
        a = te.enumerate_ctln(adj, 0.1, 0.3, 2.0, prune=True)
        b = te.enumerate_ctln(adj, 0.1, 0.3, 2.0, prune=False)
        assert a.supports == b.supports
        assert a.index_sum == 1


def test_cramer_numerators_literal_equal_det_times_x():
    rng = np.random.default_rng(11)
    W, b = _random_net(rng, 4, competitive=False)
    Wf, bf = tln.to_fraction_matrix(W), tln.to_fraction_vector(b)
    sig = (0, 2, 3)
    d, s = tln.cramer_numerators(Wf, bf, sig)
    A = [[(1 if i == j else 0) - Wf[i][j] for j in sig] for i in sig]
    x = tln.solve_exact(A, [bf[i] for i in sig])
    assert s == [d * v for v in x]
    assert d == tln.det_exact(A)


def test_hurwitz_exact_matches_eigenvalues():
    rng = np.random.default_rng(5)
    for _ in range(100):
        n = int(rng.integers(1, 5))
        M = rng.normal(-0.5, 1.0, (n, n))
        lam = np.linalg.eigvals(M).real.max()
        if abs(lam) < 1e-8:
            continue
        assert tln.hurwitz_stable_exact(tln.to_fraction_matrix(M)) == (lam < 0)
