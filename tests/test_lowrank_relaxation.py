"""The incomplete-relaxation allowance of the low-rank check below the pitchfork
(``recnet.validation.dmft.lowrank.relaxation_allowance``) against simulated relaxations and its
own closed form."""
import math

import numpy as np
import pytest

from recnet.numerics.gaussian import transfer
from recnet.validation.dmft.lowrank import relaxation_allowance, simulate_rank_one


def test_closed_form_window_average():
    # linear phi, g = 0: rate r = 1 - M_n; rms(phi(x0))^2 = E(2 + xi)^2 = 5
    tr = transfer("linear")
    a, why = relaxation_allowance(tr, g=0.0, outlier=0.8, n_mean=0.8, n_std=1.0, t_burn=25.0, t_sim=50.0)
    r = 0.2
    k0 = math.sqrt(0.64 + 1.0) * math.sqrt(5.0)
    assert a == pytest.approx(k0 * (math.exp(-5) - math.exp(-10)) / (r * 25), rel=1e-10)
    assert relaxation_allowance(tr, g=1.2, outlier=0.8, n_mean=0.8, n_std=1.0, t_burn=25.0, t_sim=50.0)[0] is None


@pytest.mark.parametrize("g", [0.5, 0.9])
def test_bound_covers_simulated_relaxation(g):
    # below the pitchfork (M_n = 0.8 of it, tanh: pitchfork at M_n = 1 for m_i = 1), three networks
    tr = transfer("tanh")
    a, _ = relaxation_allowance(tr, g=g, outlier=0.8, n_mean=0.8, n_std=1.0, t_burn=25.0, t_sim=50.0)
    for seed in range(3):
        res = simulate_rank_one(400, g, 1.0, 0.8, m_std=0.0, n_std=1.0, phi="tanh", t_sim=50.0, t_burn=25.0,
                                seed=seed)
        assert res["kappa"] <= a
