"""Dale networks, permitted sets and the codes of networks."""
import numpy as np
import pytest

from recnet.numerics.tln import dale_networks as dale_networks
from recnet.numerics.tln import enumerate as te
from recnet.theory.tln import codes as codes
from recnet.theory.tln import dale as dale
from recnet.theory.tln import fixed_points as tln


def _weak(rng, n, n_inh):
    W = dale.random_dale(n, n_inh, density=rng.uniform(0.3, 0.9), scale=0.5, seed=rng)
    r = np.abs(W).sum(axis=1).max()
    return W / (1.05 * r) if r >= 1 else W


def test_neuron_types_and_dale_violation_is_named():
    W = np.array([[0.0, -1.0], [0.5, 0.0]])
    assert dale.neuron_types(W) == ["E", "I"]
    with pytest.raises(ValueError, match="column 2"):
        dale.neuron_types(np.array([[0.0, -1.0, 0], [0.5, 0.0, 0], [0, 1.0, 0]]))


@pytest.mark.parametrize("inputs", ["positive", "nonnegative"])
def test_weak_coupling_code_is_the_graph_code(inputs):
    """LP-decided code over all inputs (with the spectral condition) == graph condition, 40 networks."""
    rng = np.random.default_rng(11)
    for _ in range(40):
        n = int(rng.integers(2, 6))
        W = _weak(rng, n, int(rng.integers(0, n + 1)))
        assert dale.weak_coupling(W)
        g = dale.graph_code(W, inputs)
        assert dale_networks.code_over_inputs(W, inputs) == g
        assert dale.is_union_closed(g)


def test_excitatory_weak_code_is_a_sublattice():
    rng = np.random.default_rng(12)
    for _ in range(30):
        n = int(rng.integers(2, 6))
        W = _weak(rng, n, 0)
        c = dale_networks.code_over_inputs(W, "nonnegative")
        assert dale.is_union_closed(c) and dale.is_intersection_closed(c, include_empty=True)


def test_codewords_have_witness_inputs_confirmed_by_enumeration():
    rng = np.random.default_rng(13)
    for _ in range(15):
        n = int(rng.integers(2, 5))
        W = dale.random_dale(n, int(rng.integers(1, n + 1)), density=0.7, scale=3.0, seed=rng)
        code, wit = dale_networks.code_over_inputs(W, "positive", return_inputs=True)
        for sig in code:
            assert (wit[sig] > 0).all()
            assert sig in te.enumerate_supports(W, wit[sig]).stable_supports


def test_paper_networks_weak_and_strong():
    """papers/dale_convex_codes: the excitatory code (G)+(S) equals the LP code in both regimes and is
    convex; the full code (interneurons as code neurons) is convex under weak coupling and has the
    local obstruction {1, 2} under strong coupling."""
    from recnet.papers import dale_convex_codes as p
    weak, strong = p.analyse(p.W_WEAK), p.analyse(p.W_STRONG)
    assert weak["confirmed"] and strong["confirmed"] and weak["weak"] and not strong["weak"]
    for r in (weak, strong):
        assert r["ecode_predicted"] == r["ecode"] and r["ecode_verdict"]["convex"] == "convex"
    assert weak["sublattice"] and weak["full_verdict"]["convex"] == "convex"
    assert strong["full_verdict"]["convex"] == "not convex"
    assert [sorted(s) for s in strong["full_verdict"]["local_obstructions"]] == [[0, 1]]
    # independent check that {1, 2} is never a stable support with 3, 4 silent: random inputs b >= 0
    rng = np.random.default_rng(0)
    for _ in range(300):
        b = rng.exponential(1.0, 4) * (rng.random(4) < 0.7)
        assert (0, 1) not in te.enumerate_supports(p.W_STRONG, b).stable_supports
    # its link in the complex is the two points {3}, {4} (reduced beta_0 = 1): not contractible
    delta = codes.simplicial_complex(codes.normalize_code(strong["full"]))
    assert codes.reduced_betti_gf2(codes.link(delta, {0, 1})) == [0, 1]


def test_permitted_sets_symmetric_networks():
    rng = np.random.default_rng(14)
    for _ in range(30):
        n = int(rng.integers(2, 6))
        A = rng.normal(0, 0.6, (n, n))
        W = (A + A.T) / 2
        np.fill_diagonal(W, rng.uniform(-0.5, 0.8, n))
        perm = tln.permitted_sets(W)
        assert perm == tln.permitted_sets(W, exact=True)
        ps = set(perm)
        for s in perm:  # a simplicial complex (interlacing)
            assert all(t in ps for t in tln.all_supports(n)[1:] if set(t) <= set(s))
        for s in perm:  # permitted: an input exists that makes sigma a stable support
            b = np.full(n, -10.0)
            sl = list(s)
            b[sl] = (np.eye(len(sl)) - W[np.ix_(sl, sl)]) @ np.ones(len(sl))
            if not (np.abs(W[:, sl]).sum() * 1 < 10):
                continue
            assert s in te.enumerate_supports(W, b).stable_supports
        res = te.enumerate_supports(W, rng.normal(0, 1, n))
        assert all(s in ps for s in res.stable_supports if s)  # stable supports are permitted


# ------------------------------------------------------------------------------------------------
# Milicevic & Itskov 2024 (our reading, recnet.theory.tln.dale docstring): excitatory code under b >= 0
# ------------------------------------------------------------------------------------------------
from itertools import combinations  # noqa: E402

from recnet.numerics.tln import dale_networks as dn  # noqa: E402


def _families(n, regime, seed):
    return list(dn.dale_networks(n, regime, seed))


@pytest.mark.parametrize("regime", ["weak", "strong", "mixed"])
def test_two_conditions_equal_the_code_on_every_labelled_digraph_up_to_3_nodes(regime):
    """(G) + (S) in exact arithmetic == the code decided input by input (LP), and every codeword's
    witness input b >= 0 gives that support in the independent enumeration: all 142 E/I-labelled
    digraphs on 1-3 nodes (one per isomorphism class, every labelling)."""
    from recnet.numerics.tln.enumerate import enumerate_supports

    nets = [net for n in (1, 2, 3) for net in _families(n, regime, 7)]
    assert len(nets) == 1 * 2 + 3 * 4 + 16 * 8
    for adj, types, W in nets:
        pred = dale.excitatory_code(W, types, exact=True)
        assert pred == dale.excitatory_code(W, types)  # float path agrees
        lp, wit = dale_networks.excitatory_code_lp(W, types, return_inputs=True)
        assert pred == lp, (types, W)
        for sig, b in wit.values():
            assert (b >= 0).all() and sig in enumerate_supports(W, b).supports


def test_two_conditions_equal_the_code_on_random_4_node_networks():
    rng = np.random.default_rng(8)
    adjs = te.digraphs(4)
    for regime in ("weak", "strong", "mixed"):
        for g in rng.choice(len(adjs), 40, replace=False):
            types = list(rng.choice(["E", "I"], 4))
            W = dn.dale_weights(adjs[g], types, regime, rng)
            assert dale.excitatory_code(W, types, exact=True) == dale_networks.excitatory_code_lp(W, types), (types, W)


def test_random_nonnegative_inputs_never_give_a_support_outside_the_code():
    """The other direction, by simulation-free brute force: fixed points found by the enumeration at
    random sparse inputs b >= 0 always project onto predicted codewords (stable ones onto the stable code)."""
    rng = np.random.default_rng(9)
    adjs = te.digraphs(4)
    hits = nonempty = 0
    for g in rng.choice(len(adjs), 25, replace=False):
        types = list(rng.choice(["E", "I"], 4))
        W = dn.dale_weights(adjs[g], types, "mixed", rng)
        code = set(dale.excitatory_code(W, types))
        stable = set(dale_networks.excitatory_code_lp(W, types, stable=True))
        E = [i for i in range(4) if types[i] == "E"]
        for _ in range(30):
            b = rng.exponential(1.0, 4) * (rng.random(4) < 0.6)
            for fp in te.enumerate_supports(W, b).fixed_points:
                if fp.degenerate:
                    continue
                a = tuple(i for i in fp.support if i in E)
                assert a in code
                assert not fp.stable or a in stable
                hits += 1
                nonempty += bool(a)
    assert hits > 0 and nonempty > 0  # the check met real fixed points with active excitatory neurons


def test_weak_coupling_code_depends_only_on_the_graph_and_is_a_sublattice():
    """MI24: weakly coupled -> the code is fixed by the graph and closed under unions and intersections.
    Here ||W||_inf < 1 (so rho(W_EE) < 1 and every -I + W_sigma is Hurwitz): the stable code (LP +
    spectral condition) equals the graph condition alone, on all labelled digraphs up to 3 nodes."""
    for n in (2, 3):
        for adj, types, W in _families(n, "weak", 10):
            assert dale.weakly_coupled(W, types)
            graph_only = [a for s in range(n + 1) for a in combinations([i for i in range(n) if types[i] == "E"], s)
                          if dale.codeword_conditions(W, a, types)["graph"]]
            stable = dale_networks.excitatory_code_lp(W, types, stable=True)
            assert stable == graph_only == dale.excitatory_code(W, types)
            assert dale.is_sublattice(stable)
            # other weights on the same graph, same regime: same code
            W2 = dn.dale_weights(adj, types, "weak", np.random.default_rng(n))
            assert dale.excitatory_code(W2, types) == stable


def test_strong_excitation_fails_the_spectral_condition():
    """1 <-> 2 excitatory with w12 w21 = 1.35 > 1, 3 -> 1, 3 -> 2, all uninhibited: {1, 2} satisfies
    the graph condition but rho(W_{12}) = sqrt(1.35) > 1, so it is not a codeword (LP agrees)."""
    W = np.array([[0.0, 1.5, 0.4], [0.9, 0.0, 0.4], [0.0, 0.0, 0.0]])
    types = ["E", "E", "E"]
    code = dale.excitatory_code(W, types, exact=True)
    assert code == dale_networks.excitatory_code_lp(W, types)
    assert (0, 1) not in code and () in code
    c = dale.codeword_conditions(W, (0, 1), types)
    assert c["graph"] and not c["spectral"] and abs(c["rho"] - np.sqrt(1.35)) < 1e-12
    assert dale.is_intersection_closed(code, include_empty=True)


def test_rho_exactly_one_is_flagged_degenerate():
    W = np.array([[0.0, 2.0], [0.5, 0.0]])  # rho(W_EE) = 1 exactly (binary-exact entries)
    c = dale.codeword_conditions(W, (0, 1), ["E", "E"], exact=True)
    assert c["degenerate"] and not c["spectral"]


def test_adding_an_inhibitory_neuron_onto_already_inhibited_targets_keeps_the_code():
    """MI24's graph rule, checked with the LP oracle in every regime; and the control: inhibiting a
    previously uninhibited excitatory neuron can change the code (so the test can fail)."""
    rng = np.random.default_rng(11)
    adjs = te.digraphs(4)
    kept = changed = 0
    for regime in ("weak", "strong", "mixed"):
        for g in rng.choice(len(adjs), 25, replace=False):
            types = list(rng.choice(["E", "I"], 4))
            W = dn.dale_weights(adjs[g], types, regime, rng)
            inh, unin = dale.inhibited_excitatory(W, types)
            lo, hi = dn.REGIMES[regime]
            to = np.zeros(4)
            for k in range(4):
                if (k in inh or types[k] == "I") and rng.random() < 0.7:
                    to[k] = -rng.uniform(lo, hi)
            frm = np.array([rng.uniform(lo, hi) * (1 if types[j] == "E" else -1) * (rng.random() < 0.5)
                            for j in range(4)])
            Wp = dale.add_inhibitory_neuron(W, to, frm)
            code = dale_networks.excitatory_code_lp(W, types)
            assert dale_networks.excitatory_code_lp(Wp, types + ["I"]) == code
            kept += 1
            if unin:
                to2 = to.copy()
                to2[unin[0]] = -1.0
                Wq = dale.add_inhibitory_neuron(W, to2, frm)
                changed += dale_networks.excitatory_code_lp(Wq, types + ["I"]) != code
    assert kept == 75 and changed > 0


def test_learning_rule_encodes_every_sublattice_on_three_neurons():
    """All 29 sublattices of 2^[3] containing {} and [3] (as many as preorders on 3 points, OEIS A000798)
    are the exact code of the encoded weakly coupled excitatory network."""
    n = 3
    inner = [frozenset(c) for s in (1, 2) for c in combinations(range(n), s)]
    count = 0
    for m in range(1 << len(inner)):
        fam = {frozenset(), frozenset(range(n))} | {inner[i] for i in range(len(inner)) if m >> i & 1}
        if not dale.is_sublattice(fam):
            continue
        W = dale.encode_sublattice(fam, n)
        assert dale.weakly_coupled(W)
        assert set(map(frozenset, dale_networks.excitatory_code_lp(W, ["E"] * n))) == fam
        count += 1
    assert count == 29
    with pytest.raises(ValueError, match="sublattice"):
        dale.encode_sublattice([(0,), (1,)], 2)


def test_bad_inputs_are_named():
    with pytest.raises(ValueError, match="excitatory neurons only"):
        dale.codeword_conditions(np.array([[0.0, -1.0], [1.0, 0.0]]), (1,))
    with pytest.raises(ValueError, match="types"):
        dale.excitatory_code(np.zeros((2, 2)), ["E"])
    with pytest.raises(ValueError, match="declared E"):
        dale.excitatory_code(np.array([[0.0, -1.0], [1.0, 0.0]]), ["E", "E"])
    with pytest.raises(ValueError, match="regime"):
        dn.dale_weights(np.zeros((2, 2), bool), ["E", "E"], "medium")


def test_strong_coupling_stable_code_is_intersection_complete():
    """MI24 (abstract): in strong coupling the code of a generic Dale network is intersection-complete.
    Checked on the stable (steady-state) excitatory code, LP oracle, all 142 E/I-labelled digraphs on
    1-3 nodes with every |W_ij| in (1, 3), and on a 4-node sample where unions do fail (so the
    check is not the sublattice property in disguise).  Census over all 3630 networks on <= 4 nodes:
    ``python -m recnet.numerics.tln.dale_networks``."""
    for n in (1, 2, 3):
        for adj, types, W in _families(n, "strong", 12):
            stable = dale_networks.excitatory_code_lp(W, types, stable=True)
            assert dale.is_intersection_closed(stable, include_empty=True), (types, W)
            assert set(stable) <= set(dale.excitatory_code(W, types))
    rng = np.random.default_rng(13)
    adjs = te.digraphs(4)
    not_union_closed = 0
    for g in rng.choice(len(adjs), 60, replace=False):
        types = ["E", "E", "E", "I"] if g % 2 else ["E", "E", "I", "I"]
        W = dn.dale_weights(adjs[g], types, "strong", rng)
        stable = dale_networks.excitatory_code_lp(W, types, stable=True)
        assert dale.is_intersection_closed(stable, include_empty=True), (types, W)
        not_union_closed += not dale.is_union_closed(stable)
    assert not_union_closed > 0
