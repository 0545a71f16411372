"""Parabolic cylinder functions D_nu(y), complex order, real argument (numba Taylor-series integration
of the Weber equation), against mpmath ``pcfd`` at 30 digits.

Ranges: the transfer functions use nu = -i omega tau_m - k, k = 0, 1, 2, with omega tau_m up to
2 pi 1 kHz x 20 ms = 126, and y = sqrt(2) (mu - V) / sigma at threshold and reset (|y| up to ~30).
Tolerance 1e-10 relative (the integration accumulates ~1e-13 over a few hundred steps; the
normalisation by Gamma((1 - nu)/2) costs ~1e-16 |log Gamma| ~ 1e-14).
"""
import mpmath as mp
import numpy as np
import pytest

from recnet.checks import ParameterError
from recnet.numerics.parabolic_cylinder import _loggamma, pcfd, threshold_reset

YS = np.array([-30.0, -12.0, -5.0, -1.3, 0.0, 0.7, 2.5, 6.0, 15.0, 30.0])


@pytest.mark.parametrize("k", [0, 1, 2])
@pytest.mark.parametrize("w", [0.0, 0.01, 0.5, 3.0, 20.0, 63.0, 126.0])
def test_pcfd_equals_mpmath_on_the_transfer_function_range(k, w):
    nu = -k - 1j * w
    ours = pcfd(nu, YS)
    with mp.workdps(30):
        for y, o in zip(YS, ours):
            ref = complex(mp.pcfd(mp.mpc(nu), y))
            assert abs(o / ref - 1) < 1e-10, (nu, y, o, ref)


@pytest.mark.parametrize("nu", [0.25 - 5j, 0.1 + 40j, -0.7 + 3j, -3.5 - 17j, -10.0 + 0.0j, -0.5 + 0j])
def test_pcfd_equals_mpmath_off_the_axis(nu):
    # general complex orders (root finding off the imaginary frequency axis), Re nu <= 1/4
    ours = pcfd(nu, YS)
    with mp.workdps(30):
        for y, o in zip(YS, ours):
            ref = complex(mp.pcfd(mp.mpc(nu), y))
            assert abs(o / ref - 1) < 1e-10, (nu, y, o, ref)


def test_threshold_reset_pieces_equal_mpmath_ratios():
    """The normalisation-free pieces: v = Phi_{nu-1}, u = Phi_nu, w = int_{y_r}^{y_t} v dy =
    (Phi_nu(y_t) - Phi_nu(y_r)) / nu, Phi_nu(y) = exp(y^2/4) D_nu(y); compared as ratios (the
    common normalisation is arbitrary), including a threshold far below the mean (rescaling)."""
    def phi(nu, y):
        return mp.exp(y * y / 4) * mp.pcfd(nu, y)

    with mp.workdps(30):
        for nu, yt, yr in ((-0.3j, -1.5, 2.0), (-31.4j, -3.0, 4.5), (-2j, 8.0, 12.0), (-5j, -33.0, 1.0)):
            u_r, v_r, v_t, w = threshold_reset(nu, yt, yr)
            n = mp.mpc(nu)
            ref_vt_vr = phi(n - 1, yt) / phi(n - 1, yr)
            ref_ur_vr = phi(n, yr) / phi(n - 1, yr)
            ref_w_vr = (phi(n, yt) - phi(n, yr)) / n / phi(n - 1, yr)
            assert abs(complex(v_t / v_r) / complex(ref_vt_vr) - 1) < 1e-10
            assert abs(complex(u_r / v_r) / complex(ref_ur_vr) - 1) < 1e-10
            assert abs(complex(w / v_r) / complex(ref_w_vr) - 1) < 1e-10


def test_threshold_reset_is_regular_at_zero_order():
    """nu = 0: Phi_0 = 1, Phi_{-1}(y) = exp(y^2/4) D_{-1}(y) = sqrt(pi/2) erfcx(y / sqrt 2) (DLMF
    12.7.5), w = int v dy: closed forms, no 0/0."""
    yt, yr = -1.0, 2.0
    u_r, v_r, v_t, w = threshold_reset(0j, yt, yr)
    with mp.workdps(30):
        v = lambda y: mp.sqrt(mp.pi / 2) * mp.exp(y * y / 2) * mp.erfc(y / mp.sqrt(2))   # noqa: E731
        ref_w = -float(mp.quad(v, [yt, 0, yr]))
        vr_ref, vt_ref = float(v(mp.mpf(yr))), float(v(mp.mpf(yt)))
    scale = u_r                                                        # Phi_0 = 1 up to scale
    assert abs(v_r / scale - vr_ref) < 1e-12 * vr_ref
    assert abs(v_t / scale - vt_ref) < 1e-12 * vt_ref
    assert abs(w / scale - ref_w) < 1e-12 * abs(ref_w)


def test_loggamma_equals_mpmath_modulo_2_pi_i():
    # a log of Gamma, not necessarily mpmath's branch (only exp of it is used)
    for z in (0.5 + 0j, 1.0 + 63j, 0.5 + 15.7j, 3.2 - 0.1j, 1.5 + 200j, 20.0 + 1j):
        ref = complex(mp.loggamma(mp.mpc(z)))
        d = _loggamma(z) - ref
        d = complex(d.real, (d.imag + np.pi) % (2 * np.pi) - np.pi)
        assert abs(d) < 1e-13 * max(1.0, abs(ref)), (z, d)


def test_bad_input_is_named():
    with pytest.raises(ParameterError) as e:
        pcfd(1.0, 0.5)
    assert e.value.name == "nu"
    with pytest.raises(ParameterError) as e:
        pcfd(-1j, 40.0)
    assert e.value.name == "y"
    with pytest.raises(ParameterError) as e:
        pcfd(np.nan, 1.0)
    assert e.value.name == "nu"
