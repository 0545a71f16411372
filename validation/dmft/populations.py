r"""Multi-population rate networks simulated against their stationary DMFT (subject ``rate-network``).

Each realisation draws J (block means J0_ab/N, variances g_ab^2/N), starts from x_i(0) ~ N(0, 1),
integrates :math:`\dot x = -x + J\phi(x) + I` with Heun's method (dt = 0.05 tau) together with a
tangent vector :math:`\dot y = -y + J(\phi'(x) y)` renormalised every tau (Benettin), and after a
transient of ``t_trans`` measures per population a

* :math:`\mu_a`: mean of x over the population's units and time;
* :math:`\Delta_{a,0}`: variance of x_i(t) over units and time about :math:`\mu_a`;

and the largest Lyapunov exponent :math:`\lambda_1` (1/tau).

Verdict.  The DMFT is the N -> infinity limit; each quantity's realisation means at two or more
sizes are extrapolated with q(N) = q_inf + a/N (:mod:`recnet.validation.dmft.finite_size`, the
1/N law of disorder-averaged quantities, Crisanti & Sompolinsky 2018), with per-size errors from the
pooled realisation-to-realisation variance var = c/N (self-averaging means over N units; for
lambda_1 as in ``validation/dmft/stationary.py``), and compared at the Student-t quantile for the
errors' degrees of freedom; the chaotic/non-chaotic verdict compares the theory's sign of
lambda_max with the sign of the extrapolated lambda_1 when it differs from 0 by more than its
quantile times its error (otherwise the row says the simulation cannot tell).  No allowance is
set by hand.
"""
from __future__ import annotations

import math

import numpy as np

from recnet import checks
from recnet.checks import ParameterError
from recnet.validation.compare import ValidationResult, compare, compare_exact

__all__ = ["simulate_populations", "validate", "BUILTIN_PHI"]

BUILTIN_PHI = ("tanh", "erf", "relu", "linear")
_SQ = math.sqrt(math.pi) / 2.0


def _phi(name, x):
    if name == "tanh":
        return np.tanh(x)
    if name == "erf":
        from scipy.special import erf
        return erf(_SQ * x)
    if name == "relu":
        return np.maximum(x, 0.0)
    return x.copy()


def _dphi(name, x):
    if name == "tanh":
        return 1.0 - np.tanh(x) ** 2
    if name == "erf":
        return np.exp(-0.25 * math.pi * x * x)
    if name == "relu":
        return (x > 0).astype(float)
    return np.ones_like(x)


def draw_coupling(sizes, g, j0, rng):
    """J with block means J0_ab/N and standard deviations g_ab/sqrt(N) (row: receiving population)."""
    n = int(sum(sizes))
    e = np.concatenate([[0], np.cumsum(sizes)])
    W = rng.standard_normal((n, n)) / math.sqrt(n)
    for a in range(len(sizes)):
        for b in range(len(sizes)):
            blk = (slice(e[a], e[a + 1]), slice(e[b], e[b + 1]))
            W[blk] = g[a, b] * W[blk] + j0[a, b] / n
    return W


def simulate_populations(sizes, g, j0, phis, i0, seed=None, t_trans=20.0, t_meas=80.0, dt=0.05, J=None):
    """One realisation: dict with per-population ``mu``, ``delta0`` (arrays) and ``lambda1`` (1/tau).

    ``sizes`` (P,) unit counts, ``g``/``j0`` (P, P), ``phis`` builtin names, ``i0`` (P,) inputs;
    time in units of tau.  ``J`` overrides the draw (tests)."""
    rng = checks.rng(seed)
    P = len(sizes)
    e = np.concatenate([[0], np.cumsum(sizes)]).astype(int)
    n = int(e[-1])
    if J is None:
        J = draw_coupling(sizes, np.asarray(g, float), np.asarray(j0, float), rng)
    I = np.concatenate([np.full(sizes[a], float(i0[a])) for a in range(P)])
    x = rng.standard_normal(n)
    y = rng.standard_normal(n)
    y /= np.linalg.norm(y)

    def f(v):
        out = np.empty_like(v)
        for a in range(P):
            out[e[a]:e[a + 1]] = _phi(phis[a], v[e[a]:e[a + 1]])
        return out

    def df(v):
        out = np.empty_like(v)
        for a in range(P):
            out[e[a]:e[a + 1]] = _dphi(phis[a], v[e[a]:e[a + 1]])
        return out

    n_tr, n_me = int(round(t_trans / dt)), int(round(t_meas / dt))
    renorm = int(round(1.0 / dt))
    s1 = np.zeros(P)
    s2 = np.zeros(P)
    cnt = 0
    logg = 0.0
    for k in range(n_tr + n_me):
        kx = -x + J @ f(x) + I
        ky = -y + J @ (df(x) * y)
        xp, yp = x + dt * kx, y + dt * ky
        x = x + 0.5 * dt * (kx + (-xp + J @ f(xp) + I))
        y = y + 0.5 * dt * (ky + (-yp + J @ (df(xp) * yp)))
        if (k + 1) % renorm == 0:
            nr = np.linalg.norm(y)
            if k >= n_tr:
                logg += math.log(nr)
            y /= nr
        if k >= n_tr:
            for a in range(P):
                xa = x[e[a]:e[a + 1]]
                s1[a] += xa.mean()
                s2[a] += (xa * xa).mean()
            cnt += 1
    mu = s1 / cnt
    return {"mu": mu, "delta0": s2 / cnt - mu * mu, "lambda1": logg / (n_me * dt)}


def validate(sizes_frac, g, j0, phis, i0, names, theory, n=None, n_networks=3, quick=False, seed=12345,
             t_trans=None, t_meas=None):
    """Simulate the ensemble at sizes N/2 and N (quick: N = 400 unless given) and compare per
    population mean and variance and lambda_max, extrapolated to N -> infinity, with ``theory``
    (the primary branch of ``numerics.dmft.populations.solve_populations``)."""
    from recnet.validation.dmft import finite_size as F
    for k, ph in enumerate(phis):
        if ph not in BUILTIN_PHI:
            raise ParameterError("phi", ph, f"the simulation runs the built-in transfer functions ({', '.join(BUILTIN_PHI)})")
    alpha = np.asarray(sizes_frac, float)
    P = alpha.size
    nmax = int(n if n is not None else (400 if quick else 1200))
    if nmax < 20 * P:
        raise ParameterError("n", nmax, f"at least {20 * P} units (20 per population)")
    t_trans = 20.0 if t_trans is None else t_trans
    t_meas = (40.0 if quick else 80.0) if t_meas is None else t_meas
    Ns = [nmax // 2, nmax]
    counts = [max(n_networks, 2) * 2, max(n_networks, 2)]
    ss = np.random.SeedSequence(checks.integer("seed", seed, minimum=0))
    samples = {q: [[] for _ in Ns] for q in ["lambda1"] + [f"mu_{nm}" for nm in names] + [f"delta0_{nm}" for nm in names]}
    used_sizes = []
    for k, (N, c, child) in enumerate(zip(Ns, counts, ss.spawn(len(Ns)))):
        sz = np.maximum(1, np.round(alpha * N).astype(int))
        sz[-1] = N - sz[:-1].sum()
        used_sizes.append(sz.tolist())
        for s in child.spawn(c):
            r = simulate_populations(sz, g, j0, phis, i0, seed=np.random.default_rng(s), t_trans=t_trans, t_meas=t_meas)
            samples["lambda1"][k].append(r["lambda1"])
            for a, nm in enumerate(names):
                samples[f"mu_{nm}"][k].append(r["mu"][a])
                samples[f"delta0_{nm}"][k].append(r["delta0"][a])
    res = ValidationResult("rate-network", "numba")
    note_run = f"{t_meas:g} tau after {t_trans:g} tau, Heun dt = 0.05 tau"
    fits = {}
    for q, smp in samples.items():
        if q == "lambda1":
            pred, unit = theory["lambda_max"], "_per_tau"
        else:
            kind, nm = q.split("_", 1)
            a = names.index(nm)
            pred, unit = float(theory[kind][a]), ""
        f = F.fit_samples(Ns, smp, model="1/N", pool=True, var_power=1.0)
        fits[q] = f
        nsig = F.n_sigma_for(f["error_dof"])
        res.comparisons.append(compare(
            f"{'lambda_max' if q == 'lambda1' else q}_n_inf{unit}", pred, f["q_inf"], f["q_inf_stderr"], n_sigma=nsig,
            dof=f["error_dof"], note=f"extrapolation q(N) = q_inf + a/N over N = {Ns} ({counts} networks), pooled "
                                     f"var = c/N ({f['error_dof']} dof); {note_run}"))
    lf = fits["lambda1"]
    q = F.n_sigma_for(lf["error_dof"])
    resolved = abs(lf["q_inf"]) > q * lf["q_inf_stderr"]
    row = compare_exact("chaotic", bool(theory["chaotic"]), bool(lf["q_inf"] > 0),
                        note=f"sign of the extrapolated lambda_1 = {lf['q_inf']:.4g} +- {lf['q_inf_stderr']:.2g}")
    if not resolved:
        row.not_applicable("the extrapolated lambda_1 is within its error of 0: the simulation cannot tell")
    res.comparisons.append(row)
    res.info = {"sizes": Ns, "population_sizes": used_sizes, "counts": counts,
                "samples": {k: [list(map(float, v)) for v in vs] for k, vs in samples.items()}}
    return res
