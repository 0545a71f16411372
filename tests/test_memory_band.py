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


def test_capacity_curvature_z_is_student_t_with_n_minus_3_dof():
    # a linear truth with Gaussian noise at the quick design (3 sizes x 2 draws): the quadratic
    # coefficient over its standard error is Student-t(3); the 99 % normal quantile would miss ~6 %
    from scipy import stats

    from recnet.validation.scn.validate import fit_linear

    rng = np.random.default_rng(5)
    Ns = np.repeat([128.0, 256.0, 512.0], 2)
    reps = 4000
    z = np.array([(lambda f: f["quad"] / f["quad_se"])(fit_linear(Ns, 0.1 * Ns + 2 + rng.standard_normal(6)))
                  for _ in range(reps)])
    miss = np.mean(np.abs(z) > stats.t.ppf(0.995, 3))
    # binomial standard error of a 1 % rate over 4000 draws: sqrt(0.01 0.99 / 4000)
    assert abs(miss - 0.01) <= 4 * np.sqrt(0.01 * 0.99 / reps)
