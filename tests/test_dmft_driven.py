"""Driven random networks: theory identities, the spectral Schroedinger solver against Mathieu
characteristic values, the periodic DMFT against its numpy twin and the static limits, the
non-monotonic critical amplitude."""
import numpy as np
import pytest
import scipy.special as ss
import sympy as sp

from recnet.numerics import dmft_driven as D
from recnet.theory import dmft_driven as T


def test_filtered_input_and_recursion_identities():
    u, eq = T.filtered_input()
    assert sp.simplify(eq.lhs - eq.rhs) == 0
    assert all(r == 0 for r in T.recursion_check(3, 3))
    eqs = T.equations("tanh")
    assert "critical amplitude" in eqs and isinstance(eqs["two-time recursion"], sp.Eq)


def test_ground_energy_against_mathieu():
    # -psi'' - (G0 + G1 cos(2 pi tau / T)) psi = E psi  ->  E0 = (pi/T)^2 a_0(q) - G0,
    # q = -(T/pi)^2 G1 / 2 (Mathieu equation y'' + (a - 2 q cos 2v) y = 0, v = pi tau / T)
    T_, G0, G1 = 7.0, 0.8, 0.5
    tau = np.arange(128) * T_ / 128
    E = D.ground_energy(G0 + G1 * np.cos(2 * np.pi * tau / T_), T_)
    q = (T_ / np.pi) ** 2 * G1 / 2
    ref = (np.pi / T_) ** 2 * ss.mathieu_a(0, q) - G0
    assert E == pytest.approx(ref, abs=1e-9)
    assert D.ground_energy(np.full(16, 0.3), 5.0) == pytest.approx(-0.3, abs=1e-13)


def test_periodic_solution_matches_numpy_twin():
    kw = dict(n_tau=12, n_theta=6, n_gh=10, tol=1e-12)
    a = D.periodic_solution(1.5, "tanh", 0.9, 0.8, **kw)
    b = D.periodic_solution_numpy(1.5, "tanh", 0.9, 0.8, **kw)
    assert np.max(np.abs(a["delta_h"] - b["delta_h"])) < 1e-9
    assert np.max(np.abs(a["g_kernel"] - b["g_kernel"])) < 1e-9


def test_zero_amplitude_is_the_frozen_state():
    # A = 0: Delta_h constant = g^2 <phi^2>, lambda = -1 + g sqrt<phi'^2> (static limit, independent code)
    lam, sol = D.lambda_max(1.5, "tanh", 0.0, 1.0, n_theta=4, n_gh=32)
    lam_s, d_s = D.static_limit(1.5, "tanh", 0.0, n_theta=4, n_gh=32)
    assert np.allclose(sol["delta_h"], d_s, rtol=1e-7)
    assert lam == pytest.approx(lam_s, abs=1e-7)


@pytest.mark.slow
def test_low_frequency_approaches_static_limit():
    lam0, _ = D.static_limit(1.5, "tanh", 0.7)
    lam, _ = D.lambda_max(1.5, "tanh", 0.7, 0.02, n_theta=16, n_gh=20)
    assert lam == pytest.approx(lam0, abs=0.02)  # O(omega^(1/2)) kinetic correction at omega = 0.02


def test_bad_input_named():
    with pytest.raises(ValueError, match="omega"):
        D.periodic_solution(1.5, "tanh", 1.0, 0.0)
    with pytest.raises(ValueError, match="amplitude"):
        D.lambda_max(1.5, "tanh", -1.0, 1.0)
    with pytest.raises(ValueError, match="frequency"):
        D.omega_from_hz(-5, 10)


@pytest.mark.slow
def test_critical_amplitude_is_non_monotonic():
    """Rajan et al. 2010: A_c(omega) has a minimum at an intermediate ('resonant') frequency."""
    kw = dict(n_theta=16, n_gh=20, tol=1e-3)
    a0 = D.critical_amplitude_static(1.5, "tanh")
    a_mid = D.critical_amplitude(1.5, "tanh", 0.15, **kw)["critical_amplitude"]
    a_hi = D.critical_amplitude(1.5, "tanh", 1.0, **kw)["critical_amplitude"]
    assert a_mid < a0 and a_mid < a_hi
