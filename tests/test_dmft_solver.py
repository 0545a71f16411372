"""Stationary DMFT solver against independent oracles (scipy quadrature of the energy condition,
closed-form kernels, the zero-energy eigenfunction, exact fixed-point exponents)."""
import math

import numpy as np
import pytest
from scipy.integrate import quad
from scipy.optimize import brentq

from recnet.numerics import dmft as D


def _logcosh(x):
    a = abs(x)
    return a + math.log1p(math.exp(-2 * a)) - math.log(2)


def _delta0_scipy(g):
    """Energy condition Delta0^2/2 = g^2 (<Phi^2> - <Phi>^2), Phi = log cosh, by scipy.quad."""
    def E(d0):
        f = lambda z, k: _logcosh(math.sqrt(d0) * z) ** k * math.exp(-z * z / 2) / math.sqrt(2 * math.pi)
        m1 = quad(f, -np.inf, np.inf, args=(1,), epsabs=1e-14)[0]
        m2 = quad(f, -np.inf, np.inf, args=(2,), epsabs=1e-14)[0]
        return g * g * (m2 - m1 * m1) - d0 * d0 / 2
    return brentq(E, 0.01, 50, xtol=1e-14)


def test_onset_is_one_for_tanh():
    assert D.critical_gain("tanh") == pytest.approx(1.0, abs=1e-14)
    assert D.critical_gain("relu") == pytest.approx(math.sqrt(2), abs=1e-12)
    assert D.critical_gain("tanh(x) + x/10") == pytest.approx(1 / 1.1, abs=1e-12)


def test_delta0_tanh_against_scipy_energy_condition():
    gs = np.array([1.5, 2.0, 3.0])
    sol = D.solve_stationary(gs)
    for g, d0 in zip(gs, sol["delta0"]):
        assert d0 == pytest.approx(_delta0_scipy(g), rel=1e-7)
    assert np.all(sol["chaotic"])
    assert np.all(np.diff(sol["lambda_max"]) > 0) and np.all(sol["lambda_max"] > 0)


def test_erf_against_closed_form_potential():
    import sympy as sp
    from recnet.theory import gaussian_kernels as gk
    Dl, Dz, _ = gk.symbols()
    cP = sp.lambdify((Dl, Dz), gk.erf_kernels()["Phi"], "math")
    g = 2.0
    E = lambda d0: -d0 ** 2 / 2 + g * g * cP(d0, d0) - g * g * cP(0.0, d0)  # V(D0) - V(0)
    ref = brentq(E, 0.05, 50, xtol=1e-14)
    assert D.solve_stationary(g, phi="erf")["delta0"] == pytest.approx(ref, rel=1e-9)


def test_zero_energy_eigenfunction_and_discretisation():
    # psi = dDelta/dtau is the odd eigenfunction with E = -1 (lambda = 0): checks Delta(tau),
    # the potential and the finite-difference Schroedinger operator together
    from recnet.numerics import gaussian as G
    tr = G.transfer("tanh")
    Z, W, NN = D._node_sets(48)
    g = 2.0
    d0 = D.solve_stationary(g)["delta0"]
    h = 0.01
    dl, pot, end = D._profile(tr.f, tr.code, g, d0, 0.0, 0.0, Z, W, NN, h, 400.0, True)
    n = int((end * h + 30) / h)
    p = np.concatenate([pot[: min(n, pot.size)], np.full(max(0, n - pot.size), pot[-1])])
    assert D._ground_state(p, h, 1) == pytest.approx(-1.0, abs=1e-5)


def test_fixed_point_exponent_below_onset():
    for g in (0.5, 0.9):
        s = D.solve_stationary(g)
        assert not s["chaotic"] and s["delta0"] == 0.0
        assert s["lambda_max"] == pytest.approx(g - 1, abs=1e-12)


def test_all_branches_reported_with_mean_coupling():
    s = D.solve_stationary(2.0, j0=3.0)
    kinds = {(b["branch"], round(b["mu"], 6) == 0) for b in s["branches"]}
    assert ("chaotic", True) in kinds          # symmetric chaotic solution
    assert any(b["branch"] == "fixed_point" and abs(b["mu"]) > 0.1 for b in s["branches"])  # ordered


def test_user_phi_matches_builtin():
    a = D.solve_stationary(2.0, phi="tanh(x)")
    b = D.solve_stationary(2.0)
    assert a["delta0"] == pytest.approx(b["delta0"], rel=1e-9)
    assert a["lambda_max"] == pytest.approx(b["lambda_max"], rel=1e-7)


def test_map_solution_tanh():
    s = D.map_solution(2.0)
    f = lambda z, d: math.tanh(math.sqrt(d) * z) ** 2 * math.exp(-z * z / 2) / math.sqrt(2 * math.pi)
    assert s["delta0"] == pytest.approx(4 * quad(f, -np.inf, np.inf, args=(s["delta0"],))[0], rel=1e-9)


def test_bad_input():
    with pytest.raises(ValueError, match="g"):
        D.solve_stationary(-1.0)
    with pytest.raises(ValueError, match="phi"):
        D.solve_stationary(2.0, phi="sin(y)")
