"""Gaussian kernels: closed forms vs quadrature (1e-12), vs mpmath, vs sympy derivations, naive twin."""
import math

import mpmath as mp
import numpy as np
import pytest

from recnet.numerics import gaussian as G

D0 = 1.3
RHOS = np.linspace(-0.9, 0.9, 7)


@pytest.mark.parametrize("which", ["phi", "dphi", "Phi"])
def test_erf_closed_form_matches_quadrature(which):
    d = RHOS * D0
    closed = G.gaussian_corr("erf", d, D0, which=which)
    quad = G.gaussian_corr("erf", d, D0, which=which, method="quad", n=120)
    assert np.max(np.abs(closed - quad)) < 1e-12


@pytest.mark.parametrize("which", ["phi", "dphi", "Phi"])
def test_relu_closed_form_matches_quadrature(which):
    # quadrature: Plackett/Price single integrals (Gauss-Legendre), the path used for mu != 0
    d = np.linspace(-1, 1, 9) * D0
    closed = G.gaussian_corr("relu", d, D0, which=which)
    quad = G.gaussian_corr("relu", d, D0, mu=1e-300, which=which)
    assert np.max(np.abs(closed - quad)) < 1e-12


def _mp_corr_relu(which, dd, d0, mu):
    """Oracle: inner Gaussian averages of ReLU in closed form (mpmath), outer average by mp.quad
    split at the kink; independent of recnet's Plackett/arc-cosine formulas."""
    mp.mp.dps = 30
    s, r = mp.sqrt(dd), mp.sqrt(d0 - dd)

    def inner(m):
        u = m / r
        P, p = mp.ncdf(u), mp.npdf(u)
        return [m * P + r * p, P, ((m * m + r * r) * P + m * r * p) / 2][which]
    return float(mp.quad(lambda z: inner(mu + s * z) ** 2 * mp.npdf(z), [-mp.inf, 0, mp.inf]))


@pytest.mark.parametrize("which", [0, 1, 2])
def test_relu_with_mean_against_mpmath(which):
    val = G.gaussian_corr("relu", 0.7, D0, mu=0.4, which=which)
    assert abs(val - _mp_corr_relu(which, 0.7, D0, 0.4)) < 1e-12
    val0 = G.gaussian_corr("relu", 0.7, D0, mu=0.0, which=which)
    assert abs(val0 - _mp_corr_relu(which, 0.7, D0, 0.0)) < 1e-12


def test_tanh_quadrature_against_scipy():
    from scipy.integrate import quad
    s, r, mu = math.sqrt(0.5), math.sqrt(0.5), 0.3
    pdf = lambda v: math.exp(-v * v / 2) / math.sqrt(2 * math.pi)
    inner = lambda m: quad(lambda v: math.tanh(m + r * v) * pdf(v), -12, 12, epsabs=1e-14, limit=200)[0]
    ref = quad(lambda v: inner(mu + s * v) ** 2 * pdf(v), -12, 12, epsabs=1e-13, limit=200)[0]
    assert abs(G.gaussian_corr("tanh", 0.5, 1.0, mu=mu, n=64) - ref) < 1e-10


def test_sympy_kernels_agree_with_numerics():
    import sympy as sp
    from recnet.theory.dmft import gaussian_kernels as gk
    D, Dz, mu = gk.symbols()
    for name in ("erf", "relu"):
        k = gk.kernels(name)
        for which, expr in k.items():
            fn = sp.lambdify((D, Dz), expr, "mpmath")
            for dd in (-0.8, 0.1, 0.9):
                assert abs(float(fn(dd, D0)) - G.gaussian_corr(name, dd, D0, which=which)) < 1e-12
        assert all(sp.simplify(r.subs({D: sp.Rational(1, 3), Dz: sp.Rational(6, 5)})) == 0 or
                   abs(float(r.subs({D: sp.Rational(1, 3), Dz: sp.Rational(6, 5)}))) < 1e-14
                   for r in gk.verify_price(k))


def test_linear_kernels_derived_by_sympy():
    from recnet.theory.dmft import gaussian_kernels as gk
    D, Dz, mu = gk.symbols()
    k = gk.linear_kernels()
    for which, expr in k.items():
        v = float(expr.subs({D: 0.4, Dz: 1.1, mu: 0.3}))
        assert abs(v - G.gaussian_corr("linear", 0.4, 1.1, mu=0.3, which=which)) < 1e-12


def test_price_theorem_numerically_for_tanh():
    h = 1e-5
    d = 0.6
    fd = (G.gaussian_corr("tanh", d + h, 1.2) - G.gaussian_corr("tanh", d - h, 1.2)) / (2 * h)
    assert abs(fd - G.gaussian_corr("tanh", d, 1.2, which="dphi")) < 1e-7


def _naive_corr(fun, d, d0, mu, n=64):
    """numpy twin of the nested Gauss-Hermite algorithm (x = mu + s z + r z1, y = mu + s z + r z2)."""
    z, w = np.polynomial.hermite_e.hermegauss(n)
    w = w / math.sqrt(2 * math.pi)
    s, r = math.sqrt(d), math.sqrt(d0 - d)
    inner = (fun(mu + s * z[:, None] + r * z[None, :]) * w[None, :]).sum(axis=1)
    return float(np.sum(w * inner ** 2))


def test_kernel_matches_naive_numpy_twin():
    for d in (0.0, 0.2, 0.8):
        assert abs(G.gaussian_corr("tanh", d, 1.0, mu=0.2) - _naive_corr(np.tanh, d, 1.0, 0.2)) < 1e-10


def test_user_expression_equals_builtin():
    a = G.gaussian_corr("tanh(x)", 0.4, 1.1, mu=0.1, which="dphi")
    b = G.gaussian_corr("tanh", 0.4, 1.1, mu=0.1, which="dphi")
    assert abs(a - b) < 1e-13
    # no closed primitive finite on [-30, 30]: Phi falls back to Gauss-Legendre, still correct
    c = G.gaussian_mean("tanh(x) + x/10", 0.9, which="Phi")
    ref = G.gaussian_mean("tanh", 0.9, which="Phi") + G.gaussian_mean("linear", 0.9, which="Phi") / 10
    assert abs(c - ref) < 1e-10


@pytest.mark.parametrize("bad,match", [("foo(y)", "unknown function"), ("sin(y)", "unknown name"), ("3", "does not depend"),
                                       ("tanh(", "invalid")])
def test_bad_phi_is_named(bad, match):
    with pytest.raises(ValueError, match=match):
        G.transfer(bad)


def test_bad_covariance_is_rejected():
    with pytest.raises(ValueError, match="delta"):
        G.gaussian_corr("tanh", 2.0, 1.0)
    with pytest.raises(ValueError, match="which"):
        G.gaussian_corr("tanh", 0.1, 1.0, which="phi2")


def test_tanh_fast_paths_equal_generic_quadrature():
    # the inlined tanh inner average and the odd-symmetry halving of the outer sum (built-in tanh)
    # against the generic cfunc path of the same function given as a user expression
    from recnet.numerics import gaussian as G
    t, u = G.transfer("tanh"), G.transfer("tanh(x)")
    m = 65
    zt = (np.arange(m) - 0.5 * (m - 1)) * (17.0 / (m - 1))
    wt = (zt[1] - zt[0]) * np.exp(-zt ** 2 / 2) / np.sqrt(2 * np.pi)
    for z, w in (G.gh_nodes(48), (zt, wt), (zt[:-1], wt[:-1])):  # the last set is asymmetric
        for which in (0, 1, 2):
            for d, d0, mu in ((0.7, 1.3, 0.0), (-0.4, 1.3, 0.0), (0.7, 1.3, 0.2), (2.0, 2.0, 0.0)):
                a = G.corr_kernel(t.f, t.code, which, d, d0, mu, z, w, 0)
                b = G.corr_kernel(u.f, u.code, which, d, d0, mu, z, w, 0)
                assert a == pytest.approx(b, rel=1e-13, abs=1e-15)
