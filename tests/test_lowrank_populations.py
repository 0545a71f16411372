"""Low-rank networks with populations (Beiran et al. 2021): latent dynamics, fixed points, stability.

Oracles: the independently written one-population rank-one solver (numerics/dmft/lowrank.py) at
g = 0, its multi-population latent right-hand side, finite differences of F for the Jacobian,
closed forms (linear phi; the kappa = 0 bifurcation of the ring mixtures), and direct simulations
of the full N-unit network with tolerances from the spread over independent networks.
"""
import math

import numpy as np
import pytest
from scipy import stats

from recnet.checks import ParameterError
from recnet.numerics.dmft import lowrank as L1
from recnet.numerics.dmft import lowrank_populations as LP
from recnet.validation.dmft.lowrank_populations import (network_jacobian_reduced, sample_loadings,
                                                         simulate_lowrank)


def _rank_one(m_mean, n_mean, m_std, n_std, rho, phi="tanh"):
    c = rho * m_std * n_std
    return LP.LowRankMixture([1.0], [[[m_std ** 2, c], [c, n_std ** 2]]], rank=1,
                             mean=[[m_mean, n_mean]], phi=phi)


@pytest.mark.parametrize("pars", [
    dict(m_mean=1.0, n_mean=2.0, m_std=1.0, n_std=1.0, mn_corr=0.0),
    dict(m_mean=0.0, n_mean=0.0, m_std=1.0, n_std=2.0, mn_corr=0.9),     # pitchfork from the covariance
    dict(m_mean=0.5, n_mean=-1.5, m_std=0.8, n_std=1.5, mn_corr=-0.4),
    dict(m_mean=1.0, n_mean=0.7, m_std=0.5, n_std=1.0, mn_corr=0.3),     # only kappa = 0
])
def test_one_population_equals_rank_one_solver_at_g0(pars):
    # 96 Gauss-Hermite nodes: the reference solver's default 32 leave ~2e-6 on kappa for tanh
    ref = L1.solve(g=0.0, phi="tanh", chaotic=False, n_kappa=201, n_gh=96, **pars)
    mix = _rank_one(pars["m_mean"], pars["n_mean"], pars["m_std"], pars["n_std"], pars["mn_corr"])
    got = LP.fixed_points(mix, n_starts=401)
    assert len(got) == len(ref)
    for s, q in zip(sorted(ref, key=lambda s: s["kappa"]), sorted(got, key=lambda q: q["kappa"][0])):
        assert q["kappa"][0] == pytest.approx(s["kappa"], abs=1e-7)
        # at g = 0 the overlap slope dF/dkappa is the latent Jacobian (R = 1)
        assert q["eigenvalues"][0].real == pytest.approx(s["kappa_slope"], abs=1e-5)
        assert q["stable"] == (s["kappa_slope"] < 0)


_POPS = [dict(alpha=0.3, m_mean=1.0, n_mean=0.5, m_std=0.7, mn_cov=1.2),
         dict(alpha=0.5, m_mean=-0.4, n_mean=1.5, m_std=1.3, mn_cov=-0.3),
         dict(alpha=0.2, m_mean=0.0, n_mean=0.0, m_std=2.0, mn_cov=3.0)]


def _pops_mixture():
    cov = [[[p["m_std"] ** 2, p["mn_cov"]], [p["mn_cov"], p["mn_cov"] ** 2 / p["m_std"] ** 2 + 1.0]] for p in _POPS]
    return LP.LowRankMixture([p["alpha"] for p in _POPS], cov, rank=1,
                             mean=[[p["m_mean"], p["n_mean"]] for p in _POPS])


def _rhs_adaptive(k):
    """F(kappa) of the rank-one mixture by adaptive quadrature (scipy quad, 1e-13)."""
    from scipy.integrate import quad
    out = -k
    for p in _POPS:
        mu, s = p["m_mean"] * k, p["m_std"] * abs(k)
        avg = lambda f: quad(lambda z: f(mu + s * z) * math.exp(-0.5 * z * z), -12, 12, epsabs=1e-13,  # noqa: E731
                             limit=400)[0] / math.sqrt(2 * math.pi)
        out += p["alpha"] * (p["n_mean"] * avg(math.tanh) + p["mn_cov"] * k * avg(lambda x: 1 - math.tanh(x) ** 2))
    return out


@pytest.mark.parametrize("k", [-2.5, -0.3, 0.0, 0.8, 3.1])
def test_multi_population_rank_one_rhs_against_adaptive_quadrature(k):
    assert LP.latent_rhs([k], _pops_mixture())[0] == pytest.approx(_rhs_adaptive(k), abs=1e-10)


@pytest.mark.parametrize("k", [-2.5, 0.8, 3.1, 12.0])
def test_rank_one_solver_latent_rhs_at_large_variance(k):
    # Delta = m_std^2 kappa^2 up to ~580 (kappa = 12): Gauss-Hermite averages of tanh missed by ~1e-2
    # already at Delta ~ 25 (kappa = 3.1, even with 96 nodes); the self-checking sinh rules agree
    # with adaptive quadrature at every variance
    assert L1.latent_rhs(k, _POPS) == pytest.approx(_rhs_adaptive(k), abs=1e-9)


def _general_mixture():
    """P = 3, R = 2, one input; nonzero means, correlated m's and inputs (covariances A A^T)."""
    rng = np.random.default_rng(3)
    K = 5
    cov = np.array([(lambda A: A @ A.T)(rng.normal(0, 0.6, (K, K))) for _ in range(3)])
    mean = rng.normal(0, 0.5, (3, K))
    return LP.LowRankMixture([0.2, 0.5, 0.3], cov, rank=2, mean=mean)


@pytest.mark.parametrize("kappa", [(0.0, 0.0), (0.7, -0.3), (-2.0, 1.5), (3.0, 2.5)])
def test_jacobian_equals_finite_differences(kappa):
    mix = _general_mixture()
    u = [0.4]
    k = np.array(kappa)
    J = LP.latent_jacobian(k, mix, u)
    h = 1e-5
    Jfd = np.array([(LP.latent_rhs(k + h * e, mix, u) - LP.latent_rhs(k - h * e, mix, u)) / (2 * h)
                    for e in np.eye(2)]).T
    # central differences: truncation ~h^2 |F'''| ~ 1e-10, round-off ~1e-16/h ~ 1e-11
    np.testing.assert_allclose(J, Jfd, atol=1e-7)


def test_linear_phi_closed_form():
    """phi = x: F = (-1 + sum_p alpha_p sigma^p_nm) kappa + sum_p alpha_p a_n^p (a_m^p . kappa), exactly."""
    mix = LP.LowRankMixture([0.4, 0.6], _general_mixture().cov[:2, :4, :4], rank=2,
                            mean=_general_mixture().mean[:2, :4], phi="linear")
    A = -np.eye(2)
    for p in range(2):
        A += mix.alpha[p] * (mix.cov[p, 2:4, :2] + np.outer(mix.mean[p, 2:4], mix.mean[p, :2]))
    for k in ([0.3, -1.0], [2.0, 0.5]):
        np.testing.assert_allclose(LP.latent_rhs(k, mix), A @ np.array(k), atol=1e-10)
        np.testing.assert_allclose(LP.latent_jacobian(k, mix), A, atol=1e-6)
    fps = LP.fixed_points(mix)
    assert len(fps) == 1 and np.allclose(fps[0]["kappa"], 0.0)
    np.testing.assert_allclose(np.sort_complex(fps[0]["eigenvalues"]), np.sort_complex(np.linalg.eigvals(A)),
                               atol=1e-6)


@pytest.mark.parametrize("P,beta_c", [(1, 1.0), (2, 2.0), (3, 2.0), (5, 2.0)])
def test_ring_zero_state_bifurcation_closed_form(P, beta_c):
    """sum_p u_p u_p^T / P = 1/2 for P >= 3 equally spaced directions: kappa = 0 destabilises at
    beta phi'(0) = 2 (P = 1, 2: at beta = P)."""
    b = LP.zero_state_bifurcation(lambda beta: LP.ring_mixture(P, beta, eps=0.2), 0.5, 4.0, tol=1e-9)
    assert b == pytest.approx(beta_c, abs=1e-7)


def test_ring_counts_fixed_points():
    """P populations: P pairs of stable nodes separated by P pairs of saddles, kappa = 0 unstable."""
    for P in (2, 3, 4):
        fps = LP.fixed_points(LP.ring_mixture(P, 6.0))
        kinds = [f["kind"] for f in fps]
        assert kinds.count("stable node") == 2 * P and kinds.count("saddle") == 2 * P
        assert kinds.count("unstable node") == 1 and np.allclose(fps[0]["kappa"], 0.0)
        for f in fps:
            assert np.max(np.abs(LP.latent_rhs(f["kappa"], LP.ring_mixture(P, 6.0)))) < 1e-9


def test_bad_input_is_named():
    with pytest.raises(ParameterError) as e:
        LP.LowRankMixture([0.5, 0.6], np.eye(2), rank=1)
    assert e.value.name == "alpha"
    with pytest.raises(ParameterError) as e:
        LP.LowRankMixture([1.0], [[[1.0, 2.0], [2.0, 1.0]]], rank=1)
    assert e.value.name == "cov[0]"
    with pytest.raises(ParameterError) as e:
        LP.latent_rhs([0.1], LP.ring_mixture(2, 3.0))
    assert e.value.name == "kappa"


def test_sampled_loadings_have_the_mixture_statistics():
    mix = _general_mixture()
    m, n, I, pop = sample_loadings(mix, 60000, seed=1)
    Y = np.c_[m, n, I]
    for p in range(3):
        y = Y[pop == p]
        se = np.sqrt(np.diag(mix.cov[p]) / y.shape[0])
        assert np.all(np.abs(y.mean(0) - mix.mean[p]) < 5 * se)


# ----------------------------------------------------------------------------- vs simulation
N_SEEDS = 10
FAMILY_ALPHA = 2e-3  # family-wise false-alarm rate of the simulation comparisons below


@pytest.mark.parametrize("P,beta,eps", [(2, 4.0, 0.3), (3, 6.0, 0.0)])
def test_fixed_points_and_stability_against_network_simulation(P, beta, eps):
    """kappa_r = n_r . phi(x) / N after transients (N = 2000, 10 independent networks started at the
    predicted stable fixed point) and the eigenvalues of the network's reduced Jacobian
    -1 + N^T diag(phi'(x)) M / N, against the latent theory.  The readouts of independent networks
    scatter O(1/sqrt(N)) around the N -> infinity value; tolerance: Student-t quantile (9 dof,
    Bonferroni over the 4 compared numbers at family-wise rate 2e-3) times the standard error of
    the mean over networks."""
    mix = LP.ring_mixture(P, beta, eps=eps, sigma_n=0.5)
    fp = [f for f in LP.fixed_points(mix) if f["stable"]][-1]
    ks, evs = [], []
    for s in range(N_SEEDS):
        r = simulate_lowrank(mix, 2000, fp["kappa"], t_max=40.0, dt=0.05, seed=100 + s)
        assert r["drift"] < 1e-4  # converged to a fixed point
        ks.append(r["kappa_final"])
        evs.append(np.sort(network_jacobian_reduced(mix, r["x"], r["loadings"]).real))
    ks, evs = np.array(ks), np.array(evs)
    q = stats.t.ppf(1 - FAMILY_ALPHA / (2 * 4), N_SEEDS - 1)
    se_k = ks.std(0, ddof=1) / math.sqrt(N_SEEDS)
    se_e = evs.std(0, ddof=1) / math.sqrt(N_SEEDS)
    assert np.all(np.abs(ks.mean(0) - fp["kappa"]) < q * se_k), (ks.mean(0), fp["kappa"], se_k)
    assert np.all(np.abs(evs.mean(0) - np.sort(fp["eigenvalues"].real)) < q * se_e), \
        (evs.mean(0), fp["eigenvalues"], se_e)
    # the comparison can fail: the spread is small against the distances between fixed points
    assert np.all(se_k < 0.05 * np.linalg.norm(fp["kappa"]))


# ----------------------------------------------------------------------------- vs sympy closed forms
@pytest.mark.parametrize("kappa", [(0.0, 0.0), (0.7, -0.3), (-1.5, 1.2)])
def test_polynomial_phi_against_sympy_closed_form(kappa):
    """phi = x - x^3/3: Gaussian averages are exact moments, so F and its Jacobian are closed forms
    (recnet.theory.dmft.lowrank_populations, sympy); P = 3, R = 2, one input, nonzero means."""
    import sympy as sp
    from recnet.theory.dmft import lowrank_populations as T
    g = _general_mixture()
    poly = "x - x**3/3"
    F, k = T.latent_rhs_expr(g.alpha.tolist(), g.mean.tolist(), g.cov.tolist(), 2, T.polynomial_averages(poly),
                             u=[0.4])
    mix = LP.LowRankMixture(g.alpha, g.cov, rank=2, mean=g.mean, phi=poly)
    np.testing.assert_allclose(LP.latent_rhs(kappa, mix, [0.4]), np.ravel(sp.lambdify(k, F)(*kappa)), atol=1e-11)
    # <phi''>, <phi'''> are averages of central differences of phi' (step 1e-4): exact for a quadratic
    # phi' up to round-off ~1e-16 |phi'| / 1e-8 weighted by the Gaussian, < 1e-5 here
    np.testing.assert_allclose(LP.latent_jacobian(kappa, mix, [0.4]),
                               np.array(sp.lambdify(k, F.jacobian(k))(*kappa), float), atol=1e-5)


@pytest.mark.slow  # ~16 s of symbolic integration
def test_stein_lemma_symbolic():
    from recnet.theory.dmft import lowrank_populations as T
    assert T.stein_lemma_check("x**3 - 2*x") == 0


@pytest.mark.parametrize("g", [0.3, 0.8])
@pytest.mark.parametrize("pars", [dict(m_mean=1.0, n_mean=2.0, m_std=1.0, n_std=1.0, mn_corr=0.0),
                                  dict(m_mean=0.0, n_mean=0.0, m_std=1.0, n_std=2.0, mn_corr=0.9)])
def test_random_part_one_population_equals_rank_one_solver(g, pars):
    """With a random part g: the static solutions (kappa, Delta_0, bulk radius, overlap slope) equal
    the one-population rank-one solver's static branch (Mastrogiuseppe & Ostojic 2018)."""
    ref = L1.solve(g=g, phi="tanh", chaotic=False, n_kappa=201, n_gh=96, **pars)
    got = LP.fixed_points_random(_rank_one(pars["m_mean"], pars["n_mean"], pars["m_std"], pars["n_std"],
                                           pars["mn_corr"]), g, n_starts=201)
    assert len(got) == len(ref)
    for s, q in zip(sorted(ref, key=lambda s: s["kappa"]), got):
        assert q["kappa"][0] == pytest.approx(s["kappa"], abs=1e-7)
        assert q["delta"][0] == pytest.approx(s["delta0"], abs=1e-7)
        assert q["bulk_radius"] == pytest.approx(s["bulk_radius"], abs=1e-6)
        assert q["eigenvalues"][0].real == pytest.approx(s["kappa_slope"], abs=1e-5)
        assert q["stable"] == s["stable"]


@pytest.mark.slow  # 8 networks with a dense N x N random part: ~1-2 min on the loaded 2-core machine
def test_random_part_fixed_point_against_network_simulation():
    """g = 0.6 added to the P = 2 ring mixture: the static mean-field fixed point against 8 networks of
    N = 1000 (x'(T) ~ 0 checks the state is static; Student-t tolerance over networks as above)."""
    g, n_net = 0.6, 8
    mix = LP.ring_mixture(2, 4.0, eps=0.3, sigma_n=0.5)
    fp = [f for f in LP.fixed_points_random(mix, g) if f["stable"]][-1]
    assert fp["bulk_radius"] < 1
    ks = []
    for s in range(n_net):
        r = simulate_lowrank(mix, 1000, fp["kappa"], t_max=30.0, dt=0.1, seed=300 + s, g=g)
        assert r["dx_final"] < 1e-4
        ks.append(r["kappa_final"])
    ks = np.array(ks)
    q = stats.t.ppf(1 - FAMILY_ALPHA / (2 * 2), n_net - 1)
    se = ks.std(0, ddof=1) / math.sqrt(n_net)
    assert np.all(np.abs(ks.mean(0) - fp["kappa"]) < q * se), (ks.mean(0), fp["kappa"], se)
    assert np.all(se < 0.05 * np.linalg.norm(fp["kappa"]))


# ----------------------------------------------------------------------------- limit cycle
S_DIAG, W_ROT = 2.0, 1.5


def _rotation_mixture():
    """One population, m isotropic (sigma_mm = 1), sigma_nm = [[s, -w], [w, s]]: the rank-two
    oscillator (Beiran et al. 2021, section on limit cycles).  Polar form of the latent flow:
    r' = r(-1 + s<phi'>(r^2)), theta' = w<phi'>(r^2): a limit cycle at s<phi'>(r*^2) = 1 with
    angular velocity w/s, around an unstable focus with eigenvalues -1 + s +- i w."""
    S = np.array([[S_DIAG, -W_ROT], [W_ROT, S_DIAG]])
    cov = np.block([[np.eye(2), S.T], [S, (S_DIAG ** 2 + W_ROT ** 2 + 0.25) * np.eye(2)]])
    return LP.LowRankMixture([1.0], cov[None], rank=2)


def _cycle_radius():
    from scipy.integrate import quad
    from scipy.optimize import brentq
    dphi = lambda d: quad(lambda z: (1 - math.tanh(math.sqrt(d) * z) ** 2) * math.exp(-0.5 * z * z),  # noqa: E731
                          -12, 12, epsabs=1e-13, limit=400)[0] / math.sqrt(2 * math.pi)
    return math.sqrt(brentq(lambda d: S_DIAG * dphi(d) - 1.0, 1e-6, 50.0, xtol=1e-14))


def test_limit_cycle_of_latent_flow_closed_form():
    mix = _rotation_mixture()
    fps = LP.fixed_points(mix)
    assert len(fps) == 1 and fps[0]["kind"] == "unstable focus"
    np.testing.assert_allclose(sorted(fps[0]["eigenvalues"], key=lambda e: e.imag),
                               [-1 + S_DIAG - 1j * W_ROT, -1 + S_DIAG + 1j * W_ROT], atol=1e-6)
    t, k = LP.latent_trajectory([0.05, 0.0], 60.0, 0.01, mix)
    r = np.linalg.norm(k, axis=1)
    assert np.all(np.abs(r[t > 40] - _cycle_radius()) < 1e-6)
    th = np.unwrap(np.arctan2(k[:, 1], k[:, 0]))
    sel = t > 40
    assert np.polyfit(t[sel], th[sel], 1)[0] == pytest.approx(W_ROT / S_DIAG, abs=1e-6)


def test_limit_cycle_against_network_simulation():
    """Radius and angular velocity of the latent state k(t) (x = M k) in 8 networks of N = 2000 (time average over
    t in [30, 60] after the transient) against the latent theory; Student-t tolerance over networks."""
    mix = _rotation_mixture()
    n_net = 8
    rs, om = [], []
    for s in range(n_net):
        sim = simulate_lowrank(mix, 2000, [0.3, 0.0], t_max=60.0, dt=0.05, seed=400 + s, record_every=10)
        sel = sim["t"] >= 30
        k = sim["state"][sel]  # x = M k: the latent variable (the readout n.phi(x)/N is k + dk/dt)
        rs.append(np.mean(np.linalg.norm(k, axis=1)))
        om.append(np.polyfit(sim["t"][sel], np.unwrap(np.arctan2(k[:, 1], k[:, 0])), 1)[0])
    q = stats.t.ppf(1 - FAMILY_ALPHA / (2 * 2), n_net - 1)
    for vals, th in ((rs, _cycle_radius()), (om, W_ROT / S_DIAG)):
        vals = np.array(vals)
        se = vals.std(ddof=1) / math.sqrt(n_net)
        assert abs(vals.mean() - th) < q * se, (vals.mean(), th, se)
        assert se < 0.05 * th
