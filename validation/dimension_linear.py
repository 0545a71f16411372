r"""PR/N = (1 - g^2)^2 of the linear random network against simulations (zero-frequency covariance).

Network: :math:`\dot x = -x + Wx + \xi`, :math:`W_{ij} \sim \mathcal N(0, g^2/N)`, unit white noise,
integrated with the Euler step dt = tau: :math:`x_{t+1} = Wx_t + \xi_t`.  For any step dt the
Euler process :math:`x_{t+1} = (1 + A\,dt)x_t + \sigma\sqrt{dt}\,\xi_t` (A = W - 1) has lag-summed
covariance :math:`\sum_k\Gamma_k = (-A\,dt)^{-1}\sigma^2dt\,(-A\,dt)^{-T} = \sigma^2A^{-1}A^{-T}/dt`,
so the activity integrated over a window T, :math:`dt\sum_t x_t`, has covariance
:math:`T\,dt\sum_k\Gamma_k = T\sigma^2A^{-1}A^{-T}`: the continuous network's zero-frequency
covariance :math:`S_0` exactly.  The step adds no bias to the quantity compared.

Estimator (per chain c of G independent chains with the same W, zero mean known exactly: no input
and x -> -x symmetry).  Bin sums :math:`u_j` of b steps; lag-window estimate

.. math:: \hat S^{(c)} = \frac{1}{n'b}\sum_j u_j\Big(\sum_{|l|\le K_b}u_{j+l}\Big)^T
          \quad(\text{symmetrised}),

whose expectation is :math:`\sum_k w_k\Gamma_k` with :math:`w_k = 1` for :math:`|k| \le K = K_b b`
(each step's window covers at least K lags either side), so it is unbiased for S_0 up to the tail
:math:`\sum_{|k|>K}\Gamma_k`, :math:`\Gamma_k = W^kC`.  The lag covariances of one finite matrix
decay as the k-th power of its spectral radius (the large-N inner products
:math:`\langle S_0, \Gamma_k\rangle/N` even as :math:`g^{2k}`, balanced words in W, W^T), so the
tail's relative effect on PR is bounded by :math:`r^{K+1}/(1 - r)`, r the spectral-radius bound
:math:`g(1 + 2N^{-1/2})` (the edge of the circular law plus its finite-N excess); K is chosen to make
it < 1e-4 and the bound (checked against the exact truncated sum of a sampled W in the tests, where
it holds with three orders of magnitude to spare) enters the verdict as ``systematic``.  A burn-in of 2K steps from
x = 0 leaves a relative covariance error below :math:`r^{4K}`.

Independent chains make unbiased U-statistics of the traces: :math:`(\operatorname{tr}S)^2` by
:math:`\mathrm{mean}_{c\ne d}\,t_ct_d` and :math:`\operatorname{tr}S^2` by
:math:`\mathrm{mean}_{c\ne d}\langle\hat S^{(c)},\hat S^{(d)}\rangle` (no finite-sample bias);
the ratio's bias is O(1/G) of its variance.  Standard error: delete-one-chain jackknife, G - 1 dof.

Finite size: :math:`E_W[\mathrm{PR}/N] = (1 - g^2)^2 + a/N + O(N^{-2})`, extrapolated from one
network at N/2 and one at N: :math:`q_\infty = 2q_N - q_{N/2}`.  The network-to-network scatter of
the exact PR/N (a ratio of normalised traces, whose fluctuations are O(1/N) by the central limit
theorem of linear spectral statistics) is measured from exact inversions of ``n_draws`` further
matrices at N/2 and scaled by 1/N^2; it enters the standard error as its ``disorder`` part.
"""
from __future__ import annotations

import math

import numpy as np

from recnet import checks
from recnet.checks import ParameterError
from recnet.numerics.dimension_linear import participation_ratio_of, zero_frequency_covariance
from recnet.validation.compare import ValidationResult, compare

__all__ = ["window_lags", "chain_estimates", "pr_from_chains", "validate_linear_dimension"]

#: relative truncation error allowed for the lag window (module docstring)
TAIL = 1e-4


def window_lags(g, n, b=4):
    """(K, bound): lag-window half-width K (a multiple of the bin b) with r^(K+1)/(1 - r) < TAIL,
    r = g (1 + 2/sqrt(N)) (< 1 required), and that bound."""
    r = g * (1.0 + 2.0 / math.sqrt(n))
    if not r < 1.0:
        raise ParameterError("g", g, f"g (1 + 2/sqrt(N)) < 1 for a stationary linear network at N = {n}")
    k = math.log(TAIL * (1.0 - r)) / math.log(r) - 1.0
    K = b * max(1, math.ceil(k / b))
    return K, r ** (K + 1) / (1.0 - r)


def chain_estimates(W, n_chains, n_steps, K, b=4, seed=None, batch=16):
    """Per-chain lag-window estimates of S_0 (list of float64 (N, N) arrays, symmetrised).

    ``n_steps`` measured Euler steps per chain after a burn-in of 2K; chains run ``batch`` at a
    time (one matrix product per step)."""
    rng = checks.rng(seed)
    W = np.asarray(W, float)
    N = W.shape[0]
    Kb = K // b
    nb = n_steps // b
    if nb <= 2 * Kb + 2:
        raise ParameterError("n_steps", n_steps, f"more than {(2 * Kb + 3) * b} steps for the lag window K = {K}")
    out = []
    for start in range(0, n_chains, batch):
        m = min(batch, n_chains - start)
        x = np.zeros((N, m))
        for _ in range(2 * K):
            x = W @ x + rng.standard_normal((N, m))
        U = np.empty((nb, N, m))
        for j in range(nb):
            acc = np.zeros((N, m))
            for _ in range(b):
                x = W @ x + rng.standard_normal((N, m))
                acc += x
            U[j] = acc
        cs = np.concatenate([np.zeros((1, N, m)), np.cumsum(U, axis=0)])
        js = np.arange(Kb, nb - Kb)
        V = cs[js + Kb + 1] - cs[js - Kb]
        for c in range(m):
            S = U[js, :, c].T @ V[:, :, c] / (js.size * b)
            out.append(0.5 * (S + S.T))
    return out


def pr_from_chains(mats):
    """PR/N from per-chain estimates by U-statistics over chain pairs, with its delete-one-chain
    jackknife standard error: ``(value, stderr, dof)``."""
    G = len(mats)
    if G < 3:
        raise ParameterError("n_chains", G, "at least 3 independent chains")
    N = mats[0].shape[0]
    t = np.array([np.trace(S) for S in mats])
    gram = np.empty((G, G))
    for c in range(G):
        for d in range(c, G):
            gram[c, d] = gram[d, c] = float(np.sum(mats[c] * mats[d]))

    def value(keep):
        tk, gk = t[keep], gram[np.ix_(keep, keep)]
        n = keep.size
        num = (tk.sum() ** 2 - np.sum(tk * tk)) / (n * (n - 1))
        den = (gk.sum() - np.trace(gk)) / (n * (n - 1))
        return num / den / N

    allk = np.arange(G)
    v = value(allk)
    loo = np.array([value(np.delete(allk, c)) for c in range(G)])
    se = math.sqrt((G - 1) / G * np.sum((loo - loo.mean()) ** 2))
    return float(v), float(se), G - 1


def _draw(g, n, rng):
    return g * rng.standard_normal((n, n)) / math.sqrt(n)


def _satterthwaite(parts):
    """Welch-Satterthwaite dof of a sum of variances [(var, dof), ...]."""
    tot = sum(v for v, _ in parts)
    den = sum(v * v / d for v, d in parts if d > 0 and v > 0)
    return float(tot * tot / den) if den > 0 else float("inf")


def validate_linear_dimension(gs=(0.5, 0.7), n=2000, n_chains=16, n_steps=None, n_draws=8, seed=12345, b=4):
    """Simulated PR/N of the zero-frequency covariance at N/2 and N, extrapolated to N -> infinity,
    against (1 - g^2)^2 for every g in ``gs``; plus the simulation against the exact PR of the same
    sampled W (the finite-N oracle).  Returns a ``ValidationResult`` (subject ``rate-network``)."""
    n = checks.integer("n", n, minimum=100)
    ss = np.random.SeedSequence(checks.integer("seed", seed, minimum=0))
    res = ValidationResult("rate-network", "numpy")
    info = {}
    for g, child in zip(gs, ss.spawn(len(gs))):
        g = float(g)
        pred = (1.0 - g * g) ** 2
        sizes = [n // 2, n]
        K, tail = window_lags(g, sizes[0], b)
        steps = int(n_steps) if n_steps is not None else 60 * (2 * K + 1)
        est, exact = [], []
        for N, s in zip(sizes, child.spawn(2)):
            rng = np.random.default_rng(s)
            W = _draw(g, N, rng)
            v, se, dof = pr_from_chains(chain_estimates(W, n_chains, steps, K, b, seed=rng))
            est.append((v, se, dof))
            exact.append(participation_ratio_of(zero_frequency_covariance(W)) / N)
        drng = np.random.default_rng(child.spawn(1)[0])
        draws = [participation_ratio_of(zero_frequency_covariance(_draw(g, sizes[0], drng))) / sizes[0]
                 for _ in range(n_draws)]
        sd_half = float(np.std(draws, ddof=1))
        d_var = 4 * (sd_half * 0.5) ** 2 + sd_half ** 2  # disorder at N scaled by (N/2 / N)^2
        t_var = 4 * est[1][1] ** 2 + est[0][1] ** 2
        q_inf = 2 * est[1][0] - est[0][0]
        dof = _satterthwaite([(4 * est[1][1] ** 2, est[1][2]), (est[0][1] ** 2, est[0][2]), (d_var, n_draws - 1)])
        fam = f"g{g:g}"
        why = (f"lag-window truncation at K = {K} steps: relative PR error < r^(K+1)/(1 - r) = {tail:.1e}, "
               f"r = g (1 + 2/sqrt(N)) (module docstring), times the prediction")
        res.comparisons.append(compare(
            f"participation_ratio_per_n_zero_frequency_g{g:g}_n_inf", pred, q_inf, math.sqrt(t_var + d_var),
            dof=dof, systematic=tail * pred, why=why, family=fam,
            stderr_parts={"temporal": math.sqrt(t_var), "disorder": math.sqrt(d_var)},
            note=f"(1 - g^2)^2 vs 2 q(N={sizes[1]}) - q(N={sizes[0]}), one network each, {n_chains} chains x "
                 f"{steps} Euler steps (dt = tau) per network; disorder scatter from {n_draws} exact inversions "
                 f"at N = {sizes[0]}, scaled 1/N^2"))
        for (v, se, dof1), ex, N in zip(est, exact, sizes):
            res.comparisons.append(compare(
                f"participation_ratio_per_n_zero_frequency_g{g:g}_n{N}_same_network", ex, v, se, dof=dof1,
                systematic=tail * ex, why=why, family=fam,
                note="simulation against the exact (1 - W)^-1 (1 - W)^-T of the simulated W (finite-N oracle)"))
        info[fam] = {"sizes": sizes, "lag_window_steps": K, "bin_steps": b, "n_steps": steps,
                     "simulated": [e[0] for e in est], "simulated_stderr": [e[1] for e in est],
                     "exact_same_network": exact, "disorder_sd_at_half_n": sd_half,
                     "exact_draws_at_half_n": draws}
    res.info = {"dimension": info, "covariance": "zero-frequency (long-time-window) covariance"}
    res.config = {"gs": list(map(float, gs)), "n": n, "n_chains": n_chains, "n_steps": n_steps,
                  "n_draws": n_draws, "seed": seed, "bin_steps": b}
    return res
