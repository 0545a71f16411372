"""The face-band version of the memory's vertex condition (``band_robust_margins``) against brute
force over the band's corners (the condition is linear in each readout, so its minimum over the
box is at a corner)."""
import itertools

import numpy as np

from recnet.numerics.scn import memory as sm
from recnet.validation.scn.validate import band_robust_margins


def test_band_margin_is_the_minimum_over_the_band():
    d, beta, delta = 6, 2.0, 0.1
    Xi = sm.random_patterns(2, d, seed=3)
    G = sm.learning_rule("hebbian")(Xi)
    got = band_robust_margins(G, Xi, beta, delta)
    for q, xi in enumerate(Xi):
        worst = np.full(d, np.inf)
        for t in itertools.product((0.0, 1.0), repeat=d):
            y = xi * (1 - delta * np.array(t))
            worst = np.minimum(worst, beta * xi * (G @ y) - 1.0)
        np.testing.assert_allclose(got[q], worst, rtol=0, atol=1e-12)
    # delta = 0 is the latent condition itself
    np.testing.assert_allclose(band_robust_margins(G, Xi, beta, 0.0), sm.vertex_margins(G, Xi, beta), atol=1e-12)
