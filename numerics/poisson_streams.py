r"""Poisson spike counts per time step from per-source random streams (numba).

Each Poisson source s has its own splitmix64 stream (Steele, Lea & Flood 2014, OOPSLA
"Fast splittable pseudorandom number generators"), so a source's counts do not depend on which
thread draws them or on how the run is chunked.  One uniform u in [0, 1) (53 bits) per source and
step gives the count by inversion,

    k = min{ k : F(k) > u },   F(k) = P(X <= k),  X ~ Poisson(lam),  lam = rate * dt,

which is exactly Poisson(lam) distributed up to the tail beyond K = lam + 10 sqrt(lam) + 15
terms (< 1e-20, folded into the last count).  Inversion is sped up by a guide table (Chen & Asau
1974; Devroye 1986, "Non-uniform random variate generation", sec. III.2.4):
g[j] = min{ k : F(k) > j/G } for j = 0..G-1 is a lower bound of k for every u in [j/G, (j+1)/G),
so the search starts at g[floor(u G)] and usually ends there; the result is the same k as a plain
linear search from 0 (same u, same count), only found in one or two comparisons.

Sources with the same lam share one table (``tab[s]`` indexes it), so a network of many
identical sources reads one small table that stays in L1 cache.  For lam > 10 the count is the
sum of m = ceil(lam/10) independent Poisson(lam/m) draws by sequential inversion (exp(-lam/m)
never underflows), as before.
"""
from __future__ import annotations

import numpy as np

from recnet.numerics._jit import njit

__all__ = ["splitmix64_seeds", "poisson_tables", "poisson_draw", "draw_small", "small", "poisson_counts", "GUIDE"]

_GAMMA = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30 = np.uint64(30)
_S27 = np.uint64(27)
_S31 = np.uint64(31)
_S11 = np.uint64(11)
_INV53 = 1.0 / 9007199254740992.0  # 2**-53
GUIDE = 4096
"""Guide-table entries per lam (G above): with K <= 57 counts, fewer than 1.4 % of the cells hold
a jump of F, so the search almost always ends at the guide entry without a loop iteration."""


def splitmix64_seeds(n, seed):
    """``n`` independent splitmix64 starting states (uint64) derived from ``seed`` by SeedSequence."""
    if n == 0:
        return np.zeros(0, dtype=np.uint64)
    return np.random.SeedSequence(seed).generate_state(n, dtype=np.uint64)


@njit
def u01(state, i):
    """Next uniform in [0, 1) of the splitmix64 stream ``state[i]`` (Steele, Lea, Flood 2014)."""
    s = state[i] + _GAMMA
    state[i] = s
    z = s
    z = (z ^ (z >> _S30)) * _M1
    z = (z ^ (z >> _S27)) * _M2
    z = z ^ (z >> _S31)
    return float(z >> _S11) * _INV53


def poisson_tables(lam):
    """Shared inversion tables for Poisson(lam) counts (lam = rate * dt per source).

    Parameters
    ----------
    lam : array_like, shape (S,)
        mean count per step of each source (>= 0).

    Returns
    -------
    tab : int32[S]
        table row of each source (sources with equal lam share a row).
    cdf : float64[n_tab, W]
        F(0), ..., F(K-1) of each distinct lam <= 10, with F(K-1) and the padding set to 1.
    guide : uint8[n_tab, GUIDE]
        g[j] = min{k : F(k) > j/GUIDE}.
    big : float64[n_tab, 3]
        (m, lam/m, exp(-lam/m)) for lam > 10 (m = ceil(lam/10) parts), else (0, 0, 0).
    """
    from scipy import stats

    lam = np.asarray(lam, dtype=float).ravel()
    uniq, tab = np.unique(lam, return_inverse=True)
    n_tab = max(uniq.size, 1)
    small = uniq <= 10.0
    K = np.where(small, np.ceil(uniq + 10.0 * np.sqrt(uniq) + 15.0), 1).astype(int)
    W = int(K.max()) if uniq.size else 1
    cdf = np.ones((n_tab, W))
    guide = np.zeros((n_tab, GUIDE), dtype=np.uint8)   # K <= ceil(10 + 10 sqrt(10) + 15) = 57
    big = np.zeros((n_tab, 3))
    grid = np.arange(GUIDE) / GUIDE
    for t, (l, k) in enumerate(zip(uniq, K)):
        if l <= 10.0:
            c = stats.poisson.cdf(np.arange(k), l)
            c[-1] = 1.0
            cdf[t, :k] = c
            guide[t] = np.searchsorted(c, grid, side="right")  # first k with F(k) > j/G
        else:
            m = np.ceil(l / 10.0)
            big[t] = (m, l / m, np.exp(-l / m))
    return tab.astype(np.int32), cdf, guide, big


def small(lam):
    """True where one table inversion draws the count (lam <= 10); see :func:`draw_small`."""
    return np.asarray(lam, dtype=float) <= 10.0


@njit
def _poisson_part(state, i, part, e):
    """Poisson(part) by sequential inversion with e = exp(-part) precomputed (part <= 10)."""
    u = u01(state, i)
    p = e
    c = p
    k = 0
    while u > c and k < 1000:
        k += 1
        p *= part / k
        c += p
    return k


@njit
def draw_small(cdf, guide, t, state, s):
    """One Poisson count of source ``s`` (stream ``state[s]``) from table row ``t`` with lam <= 10
    (one uniform, inverted through the guide table).  Kept free of the lam > 10 branch: that branch
    alone makes the draw several times slower inside the kernels' loops."""
    u = u01(state, s)
    k = np.int64(guide[t, int(u * GUIDE)])
    while u >= cdf[t, k]:   # cdf[t, K-1] = 1 > u ends the search
        k += 1
    return k


@njit
def poisson_draw(cdf, guide, big, t, state, s):
    """One Poisson count of source ``s`` (stream ``state[s]``) from table row ``t`` (any lam)."""
    m = big[t, 0]
    if m > 0.0:
        total = 0
        for _ in range(int(m)):
            total += _poisson_part(state, s, big[t, 1], big[t, 2])
        return total
    return draw_small(cdf, guide, t, state, s)


def poisson_counts(lam, rng_state, n_steps):
    """Counts of ``n_steps`` steps for sources of mean ``lam`` per step: int64[n_steps, S]
    (the generator and streams the simulators use; ``rng_state`` is advanced in place)."""
    tab, cdf, guide, big = poisson_tables(lam)
    return _poisson_counts(tab, cdf, guide, big, rng_state, n_steps)


@njit
def _poisson_counts(tab, cdf, guide, big, rng_state, n_steps):
    S = tab.shape[0]
    out = np.zeros((n_steps, S), dtype=np.int64)
    for k in range(n_steps):
        for s in range(S):
            out[k, s] = poisson_draw(cdf, guide, big, tab[s], rng_state, s)
    return out
