"""SSN theory and numerics: every fixed point, stability, ISN, paradoxical sign, limits.

Oracles: sympy's exact elimination solved by mpmath-precision root finding (independent of the
numba polynomial code), scipy.optimize.fsolve from a dense grid of starts (brute force), finite
differences of fixed points, direct simulation, and the closed-form limits of the theory.
"""
import numpy as np
import pytest
import scipy.optimize as so
import sympy as sp

from recnet.numerics import ssn
from recnet.theory import ssn as tssn
from tests.twins import ssn as twin

P = ssn.default_parameters()
W, K, TAU = P["W"], P["k"], P["tau"]


def _subs_w(W):
    s = tssn.symbols()
    q = lambda x: sp.nsimplify(float(x), rational=True)   # noqa: E731  exact rational of the float
    return {s["W_EE"]: q(W[0, 0]), s["W_EI"]: q(-W[0, 1]), s["W_IE"]: q(W[1, 0]), s["W_II"]: q(-W[1, 1]),
            s["k"]: q(K)}


def test_default_weight_set_is_the_uniform_mode_of_the_published_ring():
    """Rubin et al. 2015 ring SSN (180 + 180 units, J = 0.044, 0.023, 0.042, 0.018 mV s, sigma_ori = 32
    deg, k = 0.04, n = 2): under an orientation-uniform input, the simulated ring settles on the
    fixed point of the two-population SSN with the default weights (all 360 units; Euler with
    dt = 0.5 ms has exactly the fixed points of the ODE, so a coarse step suffices)."""
    Wr, ct, th = ssn.ring_model(180)
    tau = np.r_[np.full(180, 20.0), np.full(180, 10.0)]
    for c in (2.0, 20.0):
        f = [x for x in ssn.fixed_points_2pop(W, [c, c], K, 2, TAU) if x["stable"]][0]
        _, r = ssn.simulate(Wr, np.full(360, c), K, 2, tau, t_sim=1500.0, dt=0.5, record_dt=1500.0,
                            cell_types=ct)
        np.testing.assert_allclose(r[-1], np.repeat(f["rates_hz"], 180), rtol=1e-8)
    assert ssn.DEFAULTS["k"] == 0.04 and ssn.DEFAULTS["n"] == 2.0
    np.testing.assert_allclose([ssn.DEFAULTS[x] for x in ("W_EE", "W_EI", "W_IE", "W_II")],
                               np.array([0.044, 0.023, 0.042, 0.018]) * 79.81751733, rtol=1e-9)


@pytest.mark.parametrize("h", [(20.0, 20.0), (1.0, -3.0), (0.5, -2.0), (5.0, 1.0)])
def test_active_fixed_points_match_sympy_elimination(h):
    """Both-active fixed points = real roots (u_E > 0, P(u_E) > 0) of sympy's exact polynomial."""
    s = tssn.symbols()
    red = tssn.reduced_polynomial(2)
    sub = _subs_w(W)
    sub.update({s["h_E"]: sp.nsimplify(h[0]), s["h_I"]: sp.nsimplify(h[1])})
    poly = sp.Poly(red["poly"].subs(sub), s["u_E"])
    Pexpr = red["P"].subs(sub)
    want = []
    for root in poly.nroots(n=30):
        if abs(sp.im(root)) < 1e-20 and sp.re(root) > 0:
            uI = Pexpr.subs(s["u_E"], sp.re(root))
            if uI > 0:
                want.append((float(sp.re(root)), float(uI)))
    got = [tuple(f["u_mv"]) for f in ssn.fixed_points_2pop(W, h, K, 2, TAU) if f["support"] == "EI"]
    assert len(got) == len(want)
    np.testing.assert_allclose(sorted(got), sorted(want), rtol=1e-9)


def _brute_force(W, h, k, n, n_grid=25):
    """Fixed points by fsolve from an n_grid x n_grid lattice of starts in u (mV)."""
    def F(u):
        return -u + W @ (k * np.maximum(u, 0) ** n) + h
    found = []
    for a in np.linspace(-30, 80, n_grid):
        for b in np.linspace(-30, 80, n_grid):
            u, info, ier, _ = so.fsolve(F, [a, b], full_output=True, xtol=1e-13)
            if ier == 1 and np.max(np.abs(F(u))) < 1e-8:
                if all(np.max(np.abs(u - v)) > 1e-5 for v in found):
                    found.append(u)
    return sorted(map(tuple, found))


@pytest.mark.parametrize("h", [(20.0, 20.0), (1.0, -3.0), (0.5, -2.0), (-1.0, 4.0), (-2.0, -1.0)])
def test_every_fixed_point_found_brute_force(h):
    fps = ssn.fixed_points_2pop(W, h, K, 2, TAU)
    got = sorted(tuple(f["u_mv"]) for f in fps)
    want = _brute_force(W, np.array(h), K, 2)
    assert len(got) == len(want), (got, want)
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-8)


BISTABLE = [("rubin2015", (1.0, -3.0)), ("hennequin2018", (2.0, -5.0))]


@pytest.mark.parametrize("weights,h", BISTABLE)
def test_bistable_standard_parameters_classified_and_simulated(weights, h):
    """E-only low state (stable), EI saddle, EI high state (stable), at k = 0.04 for both sets."""
    Wb = ssn.default_parameters(weights)["W"]
    h = np.array(h)
    fps = ssn.fixed_points_2pop(Wb, h, K, 2, TAU)
    assert [f["support"] for f in fps] == ["E", "EI", "EI"]
    assert [f["stable"] for f in fps] == [True, False, True]
    # closed form of the E-only state: W_EE k x^2 - x + h_E = 0, smaller root
    x = (1 - np.sqrt(1 - 4 * Wb[0, 0] * K * h[0])) / (2 * Wb[0, 0] * K)
    np.testing.assert_allclose(fps[0]["u_mv"][0], x, rtol=1e-12)
    stable = [f["rates_hz"] for f in fps if f["stable"]]
    rng = np.random.default_rng(1)
    for r0 in rng.uniform(0, 150, size=(6, 2)):
        _, r = ssn.simulate(Wb, h, K, 2, TAU, r0=r0, t_sim=3000.0, dt=0.05)
        d = [np.max(np.abs(r[-1] - s)) for s in stable]
        assert min(d) < 1e-6 * (1 + np.max(np.abs(r[-1])))
    # the saddle separates the two basins: push off along its unstable eigenvector both ways
    sad = fps[1]
    J = ssn.jacobian(Wb, sad["u_mv"], K, 2, TAU)
    ev, V = np.linalg.eig(J)
    v = np.real(V[:, np.argmax(ev.real)])
    ends = []
    for sgn in (1, -1):
        _, r = ssn.simulate(Wb, h, K, 2, TAU, r0=np.maximum(sad["rates_hz"] + sgn * 0.01 * v, 0), t_sim=3000.0)
        ends.append(int(np.argmin([np.max(np.abs(r[-1] - s)) for s in stable])))
    assert sorted(ends) == [0, 1]


@pytest.mark.parametrize("n", [2, 3])
def test_deflated_newton_finds_the_polynomial_roots(n):
    rng = np.random.default_rng(7)
    for _ in range(4):
        mag = rng.uniform(0.2, 1.5, 4)
        Wr = np.array([[mag[0], -mag[1]], [mag[2], -mag[3]]])
        h = rng.uniform(-5, 25, 2)
        k = 0.04 if n == 2 else 0.004
        a = sorted(tuple(f["u_mv"]) for f in ssn.fixed_points_2pop(Wr, h, k, n, TAU))
        b = sorted(tuple(f["u_mv"]) for f in ssn.fixed_points(Wr, h, k, n, TAU, n_starts=40, seed=3,
                                                                    method="newton"))
        assert len(a) == len(b)
        np.testing.assert_allclose(a, b, rtol=1e-7, atol=1e-9)


def test_jacobian_matches_finite_differences_and_sympy_stability():
    h = np.array([20.0, 20.0])
    f = ssn.fixed_points_2pop(W, h, K, 2, TAU)[0]
    r = f["rates_hz"]

    def rhs(r):
        return (-r + K * np.maximum(W @ r + h, 0) ** 2) / TAU
    eps = 1e-6
    Jfd = np.column_stack([(rhs(r + eps * e) - rhs(r - eps * e)) / (2 * eps) for e in np.eye(2)])
    Jan = ssn.jacobian(W, f["u_mv"], K, 2, TAU)
    np.testing.assert_allclose(Jan, Jfd, rtol=1e-6, atol=1e-9)
    s = tssn.symbols()
    g = 2 * K * f["u_mv"]
    sub = _subs_w(W)
    sub.update({s["g_E"]: g[0], s["g_I"]: g[1], s["tau_E"]: TAU[0], s["tau_I"]: TAU[1]})
    st = tssn.stability_conditions()
    np.testing.assert_allclose(float(st["det"].subs(sub)), np.linalg.det(Jan) * TAU[0] * TAU[1], rtol=1e-10)
    np.testing.assert_allclose(float(st["trace"].subs(sub)), np.trace(Jan), rtol=1e-10)


@pytest.mark.parametrize("c", [2.0, 5.0, 8.0, 12.0, 20.0, 40.0])
def test_paradoxical_sign_equals_isn_and_finite_difference(c):
    """dr_I/dh_I: theory formula = finite difference of fixed points; negative iff ISN."""
    h = np.array([c, c])
    f = [x for x in ssn.fixed_points_2pop(W, h, K, 2, TAU) if x["stable"]][0]
    d = 1e-5
    up = [x for x in ssn.fixed_points_2pop(W, h + [0, d], K, 2, TAU) if x["stable"]][0]
    dn = [x for x in ssn.fixed_points_2pop(W, h - [0, d], K, 2, TAU) if x["stable"]][0]
    fd = (up["rates_hz"][1] - dn["rates_hz"][1]) / (2 * d)
    s = tssn.symbols()
    sub = _subs_w(W)
    g = 2 * K * f["u_mv"]
    sub.update({s["g_E"]: g[0], s["g_I"]: g[1]})
    th = float(tssn.paradoxical_response().subs(sub))
    np.testing.assert_allclose(th, fd, rtol=1e-5)
    np.testing.assert_allclose(f["response"][1, 1], fd, rtol=1e-5)
    assert f["paradoxical"] == (fd < 0) == f["isn"] == (W[0, 0] * g[0] > 1)


def test_isn_boundary_location():
    """ISN onset where g_E W_EE = 1: u_E = 1/(2 k W_EE) (3.56 mV for the default set, 10 mV for hennequin2018)."""
    cs = np.linspace(1, 30, 300)
    isn = []
    uE = []
    for c in cs:
        f = [x for x in ssn.fixed_points_2pop(W, [c, c], K, 2, TAU) if x["stable"]][0]
        isn.append(f["isn"])
        uE.append(f["u_mv"][0])
    i = int(np.argmax(isn))
    assert not isn[0] and isn[-1] and all(isn[i:])
    assert uE[i - 1] < 1 / (2 * K * W[0, 0]) <= uE[i]


def test_weak_input_is_supralinear_and_strong_input_linear():
    h0 = np.array([1.0, 0.5])   # W_EI h_I < W_II h_E: no supersaturation
    c = 1e-3
    f = ssn.fixed_points_2pop(W, c * h0, K, 2, TAU)[0]
    np.testing.assert_allclose(f["rates_hz"], K * (c * h0) ** 2, rtol=1e-3)   # r ~ k h^n
    lim = -np.linalg.solve(W, h0)
    s = tssn.symbols()
    sub = _subs_w(W)
    sub.update({s["h_E"]: h0[0], s["h_I"]: h0[1]})
    np.testing.assert_allclose(np.array(tssn.strong_input_limit().subs(sub), float).ravel(), lim, rtol=1e-12)
    errs = []
    for c in (1e4, 1e6):
        f = [x for x in ssn.fixed_points_2pop(W, c * h0, K, 2, TAU) if x["stable"]][0]
        errs.append(np.max(np.abs(f["rates_hz"] / c - lim) / np.abs(lim)))
    # corrections are O(c^{-1/2}) for n = 2: a factor 100 in c shrinks them ~10x
    assert errs[1] < 0.2 * errs[0] and errs[1] < 0.05


def test_supersaturation_e_rate_falls():
    """Equal inputs: W_EI h_I > W_II h_E, so the E rate must peak and then fall."""
    cs = np.array([20, 50, 100, 200, 400, 1000.0])
    r = ssn.input_response(W, [1.0, 1.0], cs, K, 2, TAU)
    assert np.all(np.diff(r[:, 1]) > 0)
    assert np.argmax(r[:, 0]) not in (0, len(cs) - 1)


def test_regime_map_matches_naive_twin():
    he = np.linspace(-5, 30, 9)
    hi = np.linspace(-10, 30, 8)
    a = ssn.regime_map(W, he, hi, K, 2, TAU)
    b = twin.regime_map_naive(W, he, hi, K, 2, TAU)
    for key in ("n_fixed", "n_stable", "isn", "paradoxical"):
        np.testing.assert_array_equal(a[key], b[key], err_msg=key)
    np.testing.assert_allclose(a["rate_e_hz"], b["rate_e_hz"], rtol=1e-9, equal_nan=True)


def test_simulate_matches_naive_twin():
    h = np.array([15.0, 12.0])
    _, r = ssn.simulate(W, h, K, 2, TAU, r0=[1.0, 2.0], t_sim=50.0, dt=0.05, record_dt=0.05)
    rn = twin.simulate_naive(W, h, K, 2, TAU, [1.0, 2.0], 50.0, 0.05)
    np.testing.assert_allclose(r[-1], rn, rtol=1e-12)


@pytest.mark.parametrize("kw,match", [
    (dict(W=np.ones((2, 3))), "W has shape"),
    (dict(k=-0.04), "k = -0.04"),
    (dict(n=-2.0), "n = -2.0"),
    (dict(W=np.array([[1.0, 0.5], [1.0, -0.5]])), "Dale"),
    (dict(W=np.array([[-1.0, -0.5], [1.0, -0.5]])), "Dale"),
    (dict(h=[1.0, 2.0, 3.0]), "h has shape"),
    (dict(tau=(20.0, -1.0)), "tau"),
])
def test_bad_input_is_named(kw, match):
    args = dict(W=W, h=[1.0, 1.0], k=K, n=2, tau=TAU)
    args.update(kw)
    with pytest.raises(ValueError, match=match):
        ssn.fixed_points_2pop(args["W"], args["h"], args["k"], args["n"], args["tau"])


@pytest.mark.parametrize("c", [5.0, 40.0])
def test_ring_model_fixed_point_matches_simulation(c):
    """Ring (orientation) SSN of Rubin et al. 2015, 36 + 36 units: deflated Newton vs simulation."""
    Wr, ct, th = ssn.ring_model(36)
    tau = np.r_[np.full(36, 20.0), np.full(36, 10.0)]
    h = ssn.ring_input(th, c)
    fps = ssn.fixed_points(Wr, h, K, 2, tau, ct, n_starts=8, seed=0)
    st = [f for f in fps if f["stable"]]
    assert len(st) == 1
    _, r = ssn.simulate(Wr, h, K, 2, tau, t_sim=2000.0, dt=0.05, cell_types=ct)
    np.testing.assert_allclose(r[-1], st[0]["rates_hz"], rtol=1e-6, atol=1e-9)
    assert np.argmax(st[0]["rates_hz"][:36]) == 18           # peak at the stimulus (90 deg)


def test_deflated_newton_three_populations_brute_force():
    # (the default method for integer n is now homotopy; this keeps the Newton path tested)
    """N = 3 (2 E, 1 I): deflated Newton finds every root fsolve finds from a 10^3 grid of starts
    (including far starts: one root sits at u ~ 200-300 mV), each confirmed by mpmath at 40 digits."""
    Wn = np.array([[1.25, 0.2, -0.65], [0.2, 1.25, -0.65], [0.6, 0.6, -0.5]])
    h = np.array([2.0, 1.5, -5.0])

    def F(u):
        return -u + Wn @ (K * np.maximum(u, 0) ** 2) + h
    want = []
    g = np.r_[np.linspace(-20, 60, 7), 150.0, 250.0, 350.0]
    for a in g:
        for b in g:
            for c in g:
                u, _, ier, _ = so.fsolve(F, [a, b, c], full_output=True, xtol=1e-13)
                if ier == 1 and np.max(np.abs(F(u))) < 1e-8 and all(np.max(np.abs(u - v)) > 1e-5 for v in want):
                    want.append(u)
    got = ssn.fixed_points(Wn, h, K, 2, [20.0, 20.0, 10.0], ("E", "E", "I"), n_starts=40, seed=1,
                           method="newton")
    assert len(want) >= 3                                     # several fixed points
    assert len(got) == len(want)
    np.testing.assert_allclose(sorted(map(tuple, (f["u_mv"] for f in got))), sorted(map(tuple, want)),
                               rtol=1e-6, atol=1e-8)
    import mpmath
    mpmath.mp.dps = 40

    def Fm(*u):
        return [-u[i] + sum(mpmath.mpf(Wn[i, j]) * mpmath.mpf(K) * max(u[j], 0) ** 2 for j in range(3))
                + mpmath.mpf(h[i]) for i in range(3)]
    for f in got:
        root = mpmath.findroot(Fm, tuple(f["u_mv"]))
        np.testing.assert_allclose([float(x) for x in root], f["u_mv"], rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("h", [(1.0, -3.0), (20.0, 20.0), (-1.0, 4.0), (-1.0, -2.0), (6.0, -30.0)])
def test_all_supports_match_exact_real_root_isolation(h):
    """Every fixed point (all supports) = sympy's exact real-root isolation with rational inputs."""
    ex = tssn.exact_fixed_points(W[0, 0], -W[0, 1], W[1, 0], -W[1, 1], h[0], h[1], K, 2)
    got = ssn.fixed_points_2pop(W, h, K, 2, TAU)
    assert sorted(f["support"] for f in got) == sorted(e[0] for e in ex)
    np.testing.assert_allclose(sorted(tuple(f["u_mv"]) for f in got),
                               sorted((float(e[1]), float(e[2])) for e in ex), rtol=1e-10, atol=1e-12)
