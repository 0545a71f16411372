"""Poisson counts of the simulators' sources against scipy.stats.poisson (chi-square and KS on p-values)."""
import numpy as np
import pytest
from scipy import stats

from recnet.numerics import poisson_streams as ps


def _chi2_p(counts, lam):
    """Chi-square goodness of fit of integer counts to Poisson(lam); bins 0..k_max with the upper
    tail pooled into the last bin and adjacent bins merged until each expects >= 5 counts."""
    n = counts.size
    k_max = int(stats.poisson.ppf(1 - 1e-9, lam)) + 1
    obs = np.bincount(np.minimum(counts, k_max), minlength=k_max + 1).astype(float)
    exp = n * np.append(stats.poisson.pmf(np.arange(k_max), lam), stats.poisson.sf(k_max - 1, lam))
    o_m, e_m, o_acc, e_acc = [], [], 0.0, 0.0
    for o, e in zip(obs, exp):
        o_acc, e_acc = o_acc + o, e_acc + e
        if e_acc >= 5:
            o_m.append(o_acc)
            e_m.append(e_acc)
            o_acc = e_acc = 0.0
    if e_acc > 0:
        o_m[-1] += o_acc
        e_m[-1] += e_acc
    o_m, e_m = np.array(o_m), np.array(e_m)
    if o_m.size < 2:
        return 1.0
    return float(stats.chi2.sf(((o_m - e_m) ** 2 / e_m).sum(), o_m.size - 1))


# the per-step means of the shipped networks (Brunel A: 20 kHz x 0.1 ms = 2; microcircuit:
# K_ext x 8 Hz x 0.1 ms between 1.2 and 1.8), a sparse and a dense source, and the lam > 10 path
@pytest.mark.parametrize("lam", [0.02, 1.2, 1.6, 2.0, 7.5, 13.7, 45.0])
def test_counts_are_poisson(lam):
    """20 sources x 5000 steps: each source's chi-square p-value, and the 20 p-values are uniform
    (KS, p > 1e-3; for a correct generator this fails with probability 1e-3), pooled chi-square
    p > 1e-4 on 100,000 counts."""
    S, n = 20, 5000
    c = ps.poisson_counts(np.full(S, lam), ps.splitmix64_seeds(S, 2024), n)
    pvals = np.array([_chi2_p(c[:, s], lam) for s in range(S)])
    assert _chi2_p(c.ravel(), lam) > 1e-4
    # chi-square p-values of discrete data are only nearly uniform; with >= 3 merged bins and
    # 5000 counts the deviation is far below what KS resolves with 20 values
    assert stats.kstest(pvals, "uniform").pvalue > 1e-3


def test_guide_table_gives_plain_inversion():
    """Same uniforms, same counts: the guide table only shortens the search of min{k: F(k) > u}."""
    lam = np.array([0.3, 2.0, 9.9])
    tab, cdf, guide, big = ps.poisson_tables(lam)
    st = ps.splitmix64_seeds(3, 9)
    st2 = st.copy()
    c = ps.poisson_counts(lam, st, 2000)
    # the same stream, inverted by a linear search from 0
    u = np.empty((2000, 3))
    for k in range(2000):
        for s in range(3):
            u[k, s] = ps.u01(st2, s)
    for s in range(3):
        F = stats.poisson.cdf(np.arange(cdf.shape[1]), lam[s])
        F[np.searchsorted(cdf[tab[s]], 1.0):] = 1.0
        np.testing.assert_array_equal(c[:, s], np.searchsorted(F, u[:, s], side="right"))
