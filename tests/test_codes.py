"""Convexity verdicts on codes from the literature with known answers."""
import pytest

from recnet.theory import codes as c


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
