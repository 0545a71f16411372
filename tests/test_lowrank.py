"""Rank-one plus random networks: theory, solvers, latent dynamics, continuation.

Oracles: closed forms (phi linear; g = 0 where kappa = M_n tanh(M_m kappa)), scipy quadrature and
brentq written independently here, the Mathieu-free sympy evaluation, Monte Carlo over sampled
loadings, direct simulation (slow)."""
import math

import numpy as np
import pytest
import scipy.integrate as si
import scipy.optimize as so
import sympy as sp

from recnet.numerics import continuation as C
from recnet.numerics.dmft import lowrank as L
from recnet.theory.dmft import lowrank as T


def _gauss(fun, mean, var):
    s = math.sqrt(var)
    return si.quad(lambda z: fun(mean + s * z) * math.exp(-z * z / 2) / math.sqrt(2 * math.pi), -12, 12,
                   epsabs=1e-13, limit=200)[0]


# ------------------------------------------------------------------------------------ theory
def test_equations_are_labelled_sympy():
    eqs = T.equations("tanh")
    for key in ("overlap", "static variance", "chaotic energy condition", "pitchfork of the homogeneous state"):
        assert isinstance(eqs[key], sp.Eq)
    assert "\\" in sp.latex(eqs["overlap"])


def test_linear_closed_form():
    s = T.symbols()
    out = T.linear_closed_form()
    rhs = out["overlap"].rhs
    assert sp.simplify(rhs - s["kappa"] * (s["m_mean"] * s["n_mean"] + s["mn_cov"])) == 0


def test_user_phi_and_bad_phi():
    eqs = T.equations("x/(1+x**2)")
    assert isinstance(eqs["overlap"], sp.Eq)
    with pytest.raises(ValueError, match="phi"):
        T.phi_expr("x + y")


# ------------------------------------------------------------------------------------ solvers
def test_g0_overlap_closed_form():
    # g = 0, Sigma_m = 0: Delta_0 = 0 and kappa = M_n tanh(M_m kappa)
    rho = 1.7
    k_ref = so.brentq(lambda k: rho * math.tanh(k) - k, 0.1, 5)
    sols = L.solve(g=0.0, m_mean=1.0, n_mean=rho, m_std=0.0, n_std=0.0, chaotic=False)
    pos = [s for s in sols if s["kappa"] > 0]
    assert len(pos) == 1 and len(sols) == 3  # -kappa, 0, +kappa: every branch reported
    assert pos[0]["kappa"] == pytest.approx(k_ref, abs=1e-9)
    assert pos[0]["stable"] and not [s for s in sols if s["kappa"] == 0][0]["stable"]


def test_static_heterogeneous_against_quadrature():
    # g = 0.6, Sigma_m = 0.8, Sigma_mn = 0.3: solve the three equations with scipy independently
    g, Mm, Mn, Sm, Sn, corr = 0.6, 1.0, 1.5, 0.8, 1.0, 0.375
    Smn = corr * Sm * Sn
    sech2 = lambda x: 1 - math.tanh(x) ** 2  # noqa: E731

    def d0_of(k):
        mu = Mm * k
        return so.brentq(lambda d: g * g * _gauss(lambda x: math.tanh(x) ** 2, mu, d) + Sm ** 2 * k * k - d,
                         Sm ** 2 * k * k, Sm ** 2 * k * k + 10)

    def F(k):
        d0 = d0_of(k)
        return Mn * _gauss(math.tanh, Mm * k, d0) + Smn * k * _gauss(sech2, Mm * k, d0) - k

    k_ref = so.brentq(F, 0.2, 5)
    sols = L.solve(g=g, m_mean=Mm, n_mean=Mn, m_std=Sm, n_std=Sn, mn_corr=corr, chaotic=False)
    k = max(s["kappa"] for s in sols)
    assert k == pytest.approx(k_ref, rel=1e-6)
    best = max(sols, key=lambda s: s["kappa"])
    assert best["delta0"] == pytest.approx(d0_of(k_ref), rel=1e-6)


def test_homogeneous_chaotic_is_scs():
    # kappa = 0, g = 2: Delta_inf = 0 and Delta_0^2/2 = g^2 (<Phi^2> - <Phi>^2), Phi = log cosh
    g = 2.0
    Phi = lambda x: math.log(math.cosh(x))  # noqa: E731

    def E(d):
        return d * d / 2 - g * g * (_gauss(lambda x: Phi(x) ** 2, 0, d) - _gauss(Phi, 0, d) ** 2)

    d_ref = so.brentq(E, 0.5, 5)
    pf, kind, d0 = L.pitchfork_strength(g, "tanh", n_gh=96)
    assert kind == "chaotic"
    assert d0 == pytest.approx(d_ref, rel=1e-7)  # Gauss-Hermite with 96 nodes: converged to ~3e-9
    assert pf == pytest.approx(1.0 / _gauss(lambda x: 1 - math.tanh(x) ** 2, 0, d_ref), rel=1e-6)


def test_pitchfork_static_side():
    for phi in ("tanh", "erf"):
        pf, kind, d0 = L.pitchfork_strength(0.7, phi)
        assert kind == "static" and d0 == 0.0 and pf == pytest.approx(1.0, abs=1e-12)
    with pytest.raises(ValueError, match="phi"):
        L.pitchfork_strength(0.5, "relu + 1" if False else "x + 1")


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="mn_corr"):
        L.LowRankParams(mn_corr=1.5)
    with pytest.raises(ValueError, match="g"):
        L.LowRankParams(g=-1)


# ------------------------------------------------------------------------------ latent dynamics
def test_latent_ode_mixture_against_monte_carlo():
    """Stein's lemma closure vs sampled loadings: two populations, g = 0."""
    pops = [dict(alpha=0.4, m_mean=1.0, n_mean=0.5, m_std=0.7, mn_cov=0.9),
            dict(alpha=0.6, m_mean=-0.5, n_mean=1.0, m_std=1.2, mn_cov=1.1)]
    rng = np.random.default_rng(1)
    N = 400_000
    ms, ns = [], []
    for p in pops:
        k = int(p["alpha"] * N)
        sn = 1.5
        cov = np.array([[p["m_std"] ** 2, p["mn_cov"]], [p["mn_cov"], sn ** 2]])
        x = rng.multivariate_normal([p["m_mean"], p["n_mean"]], cov, size=k)
        ms.append(x[:, 0])
        ns.append(x[:, 1])
    m, n = np.concatenate(ms), np.concatenate(ns)
    for kappa in (0.3, 1.2):
        mc = -kappa + np.mean(n * np.tanh(kappa * m))
        se = np.std(n * np.tanh(kappa * m)) / math.sqrt(m.size)
        assert L.latent_rhs(kappa, pops) == pytest.approx(mc, abs=5 * se)


def test_latent_fixed_point_is_static_solution():
    pops = [dict(alpha=1.0, m_mean=1.0, n_mean=1.3, m_std=0.5, mn_cov=0.4)]
    t, k = L.latent_trajectory(0.5, 40.0, 0.1, pops)
    sols = L.solve(g=0.0, m_mean=1.0, n_mean=1.3, m_std=0.5, n_std=1.0, mn_corr=0.8, chaotic=False)
    assert k[-1] == pytest.approx(max(s["kappa"] for s in sols), rel=1e-6)
    with pytest.raises(ValueError, match="sum to"):
        L.latent_rhs(0.1, [dict(alpha=0.5, m_mean=1, n_mean=1)])


# -------------------------------------------------------------------------------- continuation
def test_track_branches_keeps_every_solution():
    def solve_all(p):
        out = [np.array([0.0])]
        if p > 0:
            out += [np.array([math.sqrt(p)]), np.array([-math.sqrt(p)])]
        return out

    vals = np.linspace(-1, 1, 21)
    branches = C.track_branches(solve_all, vals)
    total = sum(len(b.params) for b in branches)
    assert total == sum(len(solve_all(p)) for p in vals)
    zero = [b for b in branches if len(b.params) == 21]
    assert len(zero) == 1 and np.allclose(zero[0].state_array, 0)
    assert C.bisect_event(lambda p: p - 0.3, 0.0, 1.0, tol=1e-10) == pytest.approx(0.3, abs=1e-9)
    with pytest.raises(ValueError, match="no sign change"):
        C.bisect_event(lambda p: 1.0, 0, 1)


# ---------------------------------------------------------------------------------- simulation
@pytest.mark.slow
def test_kappa_against_simulation():
    # kappa measured at N = 250, 500, 1000 and extrapolated to N -> infinity (q_inf + a/N, errors from
    # the pooled spread across sizes; recnet.validation.dmft.finite_size); Student-t 3-sigma rule
    from recnet.validation.dmft import finite_size as F
    from recnet.validation.dmft.lowrank import simulate_rank_one
    sols = L.solve(g=0.5, m_mean=1.0, n_mean=1.6, m_std=0.0, n_std=1.0, chaotic=False)
    k_th = max(s["kappa"] for s in sols)
    sizes, counts = [250, 500, 1000], [6, 3, 3]
    samples = [[abs(simulate_rank_one(n, 0.5, 1.0, 1.6, n_std=1.0, t_sim=40, t_burn=25, seed=1000 * n + s)["kappa"])
                for s in range(c)] for n, c in zip(sizes, counts)]
    f = F.fit_samples(sizes, samples, model="1/N", var_power="fit")
    assert abs(f["q_inf"] - k_th) <= F.n_sigma_for(f["error_dof"]) * f["q_inf_stderr"]


# ------------------------------------------------------------ issue 19: branches and quadrature
def _oracle_static(g, Mm, Mn, Sm, k0):
    """Independent solver of the static equations: scipy quad (split at the kink of tanh's
    curvature and at the mean) + fsolve.  Returns (kappa, Delta0, bulk radius)."""
    import math as _m

    from scipy.integrate import quad
    from scipy.optimize import fsolve

    def avg(fun, mu, d0):
        sd = _m.sqrt(d0)
        pdf = lambda x: _m.exp(-0.5 * ((x - mu) / sd) ** 2) / (sd * _m.sqrt(2 * _m.pi))  # noqa: E731
        lo, hi = mu - 10 * sd, mu + 10 * sd
        pts = [lo] + sorted(p for p in {0.0, mu} if lo < p < hi) + [hi]
        return sum(quad(lambda x: fun(x) * pdf(x), a, b, epsabs=1e-15, epsrel=1e-13, limit=400)[0]
                   for a, b in zip(pts[:-1], pts[1:]))

    def eqs(v):
        k, d0 = v
        return [Mn * avg(_m.tanh, Mm * k, d0) - k, g * g * avg(lambda x: _m.tanh(x) ** 2, Mm * k, d0) + Sm ** 2 * k * k - d0]

    k, d0 = fsolve(eqs, [k0, g * g * 0.5 + k0 * k0], xtol=1e-14)
    return k, d0, g * _m.sqrt(avg(lambda x: (1 - _m.tanh(x) ** 2) ** 2, Mm * k, d0))


def test_root_scan_finds_root_inside_first_cell_and_hidden_pairs():
    """F(0) = 0 with F'(0) > 0 and F < 0 at the first grid point: the root in between is found;
    two roots inside one cell (same sign at both ends) are found by resampling at the extremum."""
    grid = np.linspace(0.0, 2.0, 21)

    def fun(x):
        x = np.asarray(x, float)
        return x * (0.03 - x) * (x - 1.0) * (x - 1.52) * (x - 1.56)

    F = fun(grid)
    from scipy.optimize import brentq
    roots = L._roots(F, grid, lambda a, b, fa, fb: brentq(fun, a, b, xtol=1e-14), fun)
    want = [0.0, 0.03, 1.0, 1.52, 1.56]
    got = sorted(set(round(r, 9) for r in roots))
    assert got == want


def test_near_pitchfork_static_branch_is_found():
    """Issue 19: g = 0.8, n_mean = 1.02 (structure strength just above the pitchfork at 1): the
    stable static states kappa = +-0.06736 (independent quad + fsolve solver) are found."""
    sols = L.solve(g=0.8, m_mean=1.0, n_mean=1.02, m_std=1.0, n_std=1.0, chaotic=False)
    k_ref, d_ref, r_ref = _oracle_static(0.8, 1.0, 1.02, 1.0, 0.07)
    stable = sorted(s["kappa"] for s in sols if s["stable"])
    assert stable == pytest.approx([-k_ref, k_ref], abs=1e-9)
    assert abs(k_ref - 0.06736) < 1e-5
    pos = next(s for s in sols if s["stable"] and s["kappa"] > 0)
    assert pos["delta0"] == pytest.approx(d_ref, abs=1e-10)
    assert pos["bulk_radius"] == pytest.approx(r_ref, abs=1e-10)
    assert pos["quadrature_error"]["kappa"] < 1e-9


@pytest.mark.parametrize("g,n_mean", [(0.3, 1.1), (0.8, 1.02), (0.8, 2.0), (1.5, 3.0), (1.2, 6.0)])
def test_static_branch_sweep_against_quad_oracle(g, n_mean):
    """The heterogeneous static branch over (g, n_mean) agrees with the quad + fsolve solver to 1e-8
    in kappa, Delta0 and the bulk radius (issue 19: 7e-4, 1.4e-3 and 1.5 % off at g=1.5, n_mean=3
    with the old 32-node Gauss-Hermite rule)."""
    sols = [s for s in L.solve(g=g, m_mean=1.0, n_mean=n_mean, chaotic=False) if s["kappa"] > 1e-6]
    assert sols, "no kappa > 0 static solution found"
    best = max(sols, key=lambda s: s["kappa"])
    k, d0, r = _oracle_static(g, 1.0, n_mean, 1.0, best["kappa"])
    assert best["kappa"] == pytest.approx(k, abs=1e-8)
    assert best["delta0"] == pytest.approx(d0, abs=1e-8 * max(1, d0))
    assert best["bulk_radius"] == pytest.approx(r, abs=1e-8)
    assert max(best["quadrature_error"].values()) < 1e-8 * max(1.0, d0)


def test_huge_g_has_the_sign_function_asymptote():
    """g = 1e6 (issue 19: ZeroDivisionError): the homogeneous chaotic state has
    Delta0 = 2 g^2 (1 - 2/pi) (SCS energy condition for phi = sign, which tanh is at this spread;
    corrections O(1/sqrt(Delta0)) relative), and the pitchfork is finite."""
    import math as _m

    g = 1e6
    pf, kind, d0 = L.pitchfork_strength(g, "tanh")
    assert kind == "chaotic"
    assert d0 == pytest.approx(2 * g * g * (1 - 2 / _m.pi), rel=1e-5)
    # <phi'> of sign-like phi at variance d0: 2 / sqrt(2 pi d0)
    assert pf == pytest.approx(_m.sqrt(2 * _m.pi * d0) / 2, rel=1e-5)


def _xgauss(fun, var):
    """<fun(x)>, x ~ N(0, var): adaptive quad in x, split where tanh turns (0, +-3, +-20)."""
    s = math.sqrt(var)
    pdf = lambda x: math.exp(-0.5 * (x / s) ** 2) / (s * math.sqrt(2 * math.pi))  # noqa: E731
    pts = sorted({-12 * s, 12 * s} | {p for p in (-20.0, -3.0, 0.0, 3.0, 20.0) if abs(p) < 12 * s})
    return sum(si.quad(lambda x: fun(x) * pdf(x), a, b, epsabs=1e-15, epsrel=1e-12, limit=400)[0]
               for a, b in zip(pts[:-1], pts[1:]))


@pytest.mark.parametrize("g", [2.0, 20.0, pytest.param(1e3, marks=pytest.mark.slow)])
def test_homogeneous_chaotic_state_over_decades_of_g(g):
    """kappa = 0 chaotic (SCS) state for g = 2 to 1e3, the field's spread ~g: Delta0 from
    Delta0^2/2 = g^2 (<Phi^2> - <Phi>^2), Phi = log cosh (independent quad in x + brentq), and the
    pitchfork 1/<phi'>, to 1e-8 relative."""
    def Phi(x):
        a = abs(x)
        return a + math.log1p(math.exp(-2 * a)) - math.log(2)

    def E(d):
        return d * d / 2 - g * g * (_xgauss(lambda x: Phi(x) ** 2, d) - _xgauss(Phi, d) ** 2)

    d_ref = so.brentq(E, 0.1 * g * g, 2.0 * g * g, xtol=1e-14 * g * g, rtol=1e-14)
    pf, kind, d0 = L.pitchfork_strength(g, "tanh")
    assert kind == "chaotic"
    assert d0 == pytest.approx(d_ref, rel=1e-8)
    assert pf == pytest.approx(1.0 / _xgauss(lambda x: 1 - math.tanh(x) ** 2, d_ref), rel=1e-8)


@pytest.mark.slow  # compiles the user phi (~20 s)
def test_even_phi_answers_in_words():
    """phi = abs(x) (issue 19: ZeroDivisionError in pitchfork_strength, <phi'> = 0): predict answers.
    F(kappa) = M_n <|kappa + sqrt(Delta0) z|> - kappa >= (M_n - 1) kappa > 0 for kappa > 0 (M_n = 2):
    the kappa = 0 state is unstable (F has a kink there; its right slope is positive) and no stable
    state exists -- said in words, with the pitchfork undefined in words too.  F against quad to 1e-7
    (measured 1.3e-8: abs(x) has no width, the rule clusters at its kink 0.86 sd off the Gaussian's
    core and resolves the core at the default rule to that level)."""
    from recnet import registry
    res = registry.get_subject("lowrank").predict(phi="abs(x)")
    assert res["kappa"] is None and "no stable solution" in res["state"]
    assert res["pitchfork_structure_strength"] is None and "averages to 0" in res["homogeneous_state"]
    (k0,) = [s for s in res["solutions"] if s["kappa"] == 0.0]
    assert not k0["stable"] and k0["kappa_slope_max"] > 0
    F = L.overlap_residual([0.3], phi="abs(x)", g=0.5, m_mean=1.0, n_mean=2.0)[0, 0]
    d0 = 0.3 ** 2 * (1 + 0.25) / (1 - 0.25)  # Delta0 = g^2 (mu^2 + Delta0) + kappa^2 (Sigma_m = 1)
    ref = 2.0 * _gauss(abs, 0.3, d0) - 0.3
    assert F == pytest.approx(ref, rel=1e-7) and ref > 0


def test_absurd_inputs_are_named():
    """issue 19: `predict lowrank --g 1e6` ended in a traceback and `--n-mean 1e9` returned kappa 8 %
    off its asymptote: both are now refused, naming the parameter and its range."""
    from recnet import registry
    from recnet.checks import ParameterError
    lr = registry.get_subject("lowrank")
    with pytest.raises(ParameterError, match="g = 1000000.0 is invalid") as e:
        lr.predict(g=1e6)
    assert e.value.name == "g"
    with pytest.raises(ParameterError) as e:
        lr.predict(n_mean=1e9)
    assert e.value.name == "n_mean"


def test_g_1p5_n_mean_3_reports_its_error_and_no_spurious_chaos():
    """issue 19's wide-field case: the static branch to 1e-6 of the quad oracle (kappa, Delta0, bulk
    radius; the old 32-node rule was 7e-4, 1.4e-3, 1.5 % off), its reported quadrature error below
    the tolerance, and no chaotic kappa != 0 solution (the coarse rule made one up next to the
    stable static state)."""
    sols = L.solve(g=1.5, m_mean=1.0, n_mean=3.0)
    best = max((s for s in sols if s["stable"]), key=lambda s: s["kappa"])
    k, d0, r = _oracle_static(1.5, 1.0, 3.0, 1.0, best["kappa"])
    assert best["kind"] == "static"
    assert (best["kappa"], best["delta0"], best["bulk_radius"]) == pytest.approx((k, d0, r), abs=1e-6)
    assert max(best["quadrature_error"].values()) < L.QUAD_TOL * max(1.0, d0)
    assert not [s for s in sols if s["kind"] == "chaotic" and s["kappa"] != 0.0]
