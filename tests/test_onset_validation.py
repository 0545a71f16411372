"""Kadmon & Sompolinsky's onset rho(M) = 1 against simulations on both sides (validation.dmft.onset)."""
import math

import numpy as np
import pytest

from recnet.validation.dmft import onset as O


def test_predicted_onset_closed_form():
    """f_c = rho(M_0)^(-1/2); by hand for M_0 = [[0.6^2 0.7, 1.8^2 0.3], [1.2^2 0.7, 0.4^2 0.3]]."""
    M0 = np.array([[0.36 * 0.7, 3.24 * 0.3], [1.44 * 0.7, 0.16 * 0.3]])
    tr, det = np.trace(M0), np.linalg.det(M0)
    rho = tr / 2 + math.sqrt(tr * tr / 4 - det)
    assert O.predicted_onset([0.7, 0.3], [[0.6, 1.8], [1.2, 0.4]]) == pytest.approx(rho ** -0.5, rel=1e-13)


@pytest.mark.slow
def test_onset_both_sides_agree():
    """E/I-like populations (tanh, erf), couplings 0.75 and 2 times the predicted onset, N = 200 and
    400 (8 networks at 400): every applicable row agrees under the family-wise rule, and both sign
    rows are resolved (so the test can fail: a wrong onset puts one side's sign against the theory)."""
    r = O.validate_onset([0.7, 0.3], [[0.6, 1.8], [1.2, 0.4]], phis=("tanh", "erf"), names=("E", "I"), n=400,
                         n_networks=8, seed=12345)
    rows = {c.quantity: c for c in r.comparisons}
    assert rows["state_f0.75"].simulated == "fixed point"
    for q in ("chaotic_f0.75", "chaotic_largest_n_f2"):
        assert rows[q].applicable, rows[q].note
    bad = [(c.quantity, c.predicted, c.simulated, c.stderr) for c in r.comparisons if c.applicable and not c.agree]
    assert not bad, bad
