"""papers/brunel2000_fig2_states.py (issue 15, item 5): the states recnet's linear stability analysis
predicts at Brunel's Fig. 8 points against the labels Brunel published."""
import pytest


@pytest.mark.parametrize("name", ["A", "B", "C", "D"])
def test_fig8_points_have_brunels_published_states(name):
    """Brunel (2000) J Comput Neurosci 8:183, Fig. 8 (and the corresponding points of Fig. 2, sec. 5):
    model A with V_r = 10 mV, D = 1.5 ms, C_E = 1000 at A (g = 3, nu_ext/nu_thr = 2): SR; B (6, 4):
    SI fast; C (5, 2): AI; D (4.5, 0.9): SI slow.  The labels are the paper's; the point coordinates
    are in the script (FIG8_POINTS) and checked here against the same published values."""
    from recnet.papers import brunel2000_fig2_states as s

    published = {"A": (3.0, 2.0, "SR"), "B": (6.0, 4.0, "SI fast"), "C": (5.0, 2.0, "AI"),
                 "D": (4.5, 0.9, "SI slow")}
    assert s.FIG8_POINTS[name] == published[name]
    g, eta, label = published[name]
    p = s.predict_point(g, eta)
    assert p["state"] == label, (name, p["state"], p["stability"]["warnings"] if p["stability"] else None)
