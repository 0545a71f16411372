"""Convexity verdicts on codes from the literature with known answers."""
import pytest

from recnet.theory.tln import codes as c


def _v(text):
    return c.convexity(c.parse_code(text))


def test_local_obstruction_when_a_convex_set_is_covered_by_two_disjoint_ones():
    # U1 = (U1 & U2) u (U1 & U3) with U1 & U2 & U3 empty: U1 would be disconnected (CGJ17, Lk_1 = two points)
    v = _v("12,13,2,3")
    assert v["convex"] == "not convex"
    assert [sorted(s) for s in v["local_obstructions"]] == [[0]]
    assert not v["max_intersection_complete"]


def test_lienkaemper_shiu_woodstock_code_has_no_local_obstruction_but_is_not_decided():
    # Lienkaemper, Shiu, Woodstock 2017: non-convex, yet no local obstruction -> we must not say convex
    v = _v("2345,123,134,145,13,14,23,34,45,3,4")
    assert v["local_obstructions"] == []
    assert v["convex"] == "undecided"
    assert not v["max_intersection_complete"]  # 123 & 145 = {1} is missing


def test_simplicial_complex_codes_and_intersection_complete_codes_are_convex():
    for text in ["12,23,13,1,2,3", "123,12,1,2", "12,34", "1,2,3"]:
        v = _v(text)
        assert v["convex"] == "convex" and v["local_obstructions"] == []
    assert _v("123,12,1,2")["intersection_complete"]
    assert not _v("12,23,13,2")["intersection_complete"]


def test_four_neuron_codes_without_obstruction_are_convex():
    # CGJ17: on <= 4 neurons convex <=> no local obstruction.  {1234, 123, 234, 23, ...}
    v = _v("123,234,23,2,3")
    assert v["local_obstructions"] == [] and v["convex"] == "convex"
    # 1 covered by 12, 13, 14 with 2, 3, 4 pairwise disjoint inside U1 -> obstruction at {1}
    v = _v("12,13,14,2,3,4")
    assert v["convex"] == "not convex"


def test_mandatory_codewords_are_intersections_of_facets_with_noncontractible_links():
    code = c.parse_code("12,13,2,3")
    delta = c.simplicial_complex(code)
    assert c.link(delta, {0}) == frozenset({frozenset(), frozenset({1}), frozenset({2})})
    assert c.is_contractible(c.link(delta, {0})) is False
    assert c.reduced_betti_gf2(c.link(delta, {0})) == [0, 1]
    # a hollow triangle has beta_1 = 1; a filled one is a cone
    hollow = c.simplicial_complex(c.parse_code("12,23,13"))
    assert c.reduced_betti_gf2(hollow) == [0, 0, 1]
    assert c.is_contractible(c.simplicial_complex(c.parse_code("123"))) is True


def test_parse_errors_are_named():
    with pytest.raises(ValueError, match="codeword"):
        c.parse_code("1a")


def test_convex_code_from_chen_frick_shiu():
    # Chen, Frick, Shiu 2019 ("Neural codes, decidability, and a new local obstruction to convexity",
    # SIAM J Appl Algebra Geometry 3), introduction: this code arises from
    # four convex open sets in the plane, so it is convex.
    v = _v("123,234,12,23,13,24,34,1,2,3,4")
    assert v["convex"] == "convex" and v["local_obstructions"] == []


def test_three_maximal_codewords_without_obstruction_are_convex():
    # facets 123, 124, 135; 124 & 135 = {1} is missing but not mandatory (Lk_1 is the path 4-2-3-5),
    # so no local obstruction; <= 3 maximal codewords => convex (Johnston-Shiu-Spinner, via Ahmed et al. 2025)
    code = c.parse_code("2,3,12,13,15,23,24,123,124,135")
    v = c.convexity(code)
    assert not v["max_intersection_complete"] and v["local_obstructions"] == []
    assert v["convex"] == "convex" and "three maximal" in v["reason"]
    delta = c.simplicial_complex(code)
    assert c.is_contractible(c.link(delta, {0})) is True
    # the Lienkaemper-Shiu-Woodstock code has four maximal codewords: the rule must not apply
    assert len([f for f in c.facets(c.parse_code("2345,123,134,145,13,14,23,34,45,3,4")) if f]) == 4


def test_dale_excitatory_codes_are_convex():
    """MI24 (abstract): intersection-complete codes are convex (Cruz-Giusti-Itskov-Kronholm 2019); every
    excitatory code of the 142 E/I-labelled digraphs on <= 3 nodes, in the strong regime, gets 'convex'."""
    from recnet.numerics.tln import dale_networks as dn
    from recnet.theory.tln import dale as dale
    for n in (2, 3):
        for adj, types, W in dn.dale_networks(n, "strong", 3):
            code = dale.excitatory_code(W, types)
            assert c.is_intersection_complete(code) and c.convexity(code, n)["convex"] == "convex"
