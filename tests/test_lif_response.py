"""LIF rate response to mean / variance modulations, delta synapses (issue 15, part 2).

Oracles: the closed form with parabolic cylinder functions evaluated in mpmath at 30 digits
(recnet.theory.lif_response: Brunel & Hakim 1999, Lindner & Schimansky-Geier 2001), which the
numba threshold integration does not use; the zero-frequency limit against mpmath derivatives of the
Siegert rate; NNMT 1.3 where it coincides (tau_rp = 0).
"""
import mpmath as mp
import numpy as np
import pytest

from recnet.checks import ParameterError
from recnet.numerics.lif_response import rate_response, transfer_function
from recnet.numerics.siegert import siegert, siegert_mpmath
from recnet.theory.lif_response import rate_response_mpmath, siegert_rate_mpmath

# (mu, sigma, tau_refrac, v_reset): fluctuation-driven, mean-driven, no refractoriness
NEURONS = [(15.0, 5.0, 2.0, 10.0), (25.0, 3.0, 2.0, 0.0), (10.0, 8.0, 0.0, 10.0)]


@pytest.mark.parametrize("mu,sigma,trp,vr", NEURONS)
def test_transfer_function_equals_mpmath_closed_form(mu, sigma, trp, vr):
    nu = siegert(mu, sigma, tau_m=20.0, tau_refrac=trp, v_thresh=20.0, v_reset=vr)
    freqs = np.array([1.0, 10.0, 100.0, 1000.0])
    a_mu, a_var = transfer_function(freqs, mu, sigma, nu, tau_refrac=trp, v_reset=vr)
    for k, f in enumerate(freqs):
        ref_mu, ref_var = rate_response_mpmath(2j * np.pi * f * 1e-3, mu, sigma, tau_refrac=trp, v_reset=vr)
        assert abs(a_mu[0, k] / ref_mu - 1) < 1e-6, (f, a_mu[0, k], ref_mu)
        assert abs(a_var[0, k] / ref_var - 1) < 1e-6, (f, a_var[0, k], ref_var)


def test_complex_frequency_with_negative_real_part_equals_mpmath():
    # the root finder evaluates the response off the imaginary axis, also in the left half plane
    mu, sigma, trp, vr = NEURONS[0]
    nu = siegert(mu, sigma, tau_m=20.0, tau_refrac=trp, v_thresh=20.0, v_reset=vr)
    for lam in (-0.05 + 0.3j, 0.1 + 1.2j, -0.2 + 0.05j):
        a, b = rate_response(lam, mu, sigma, nu, tau_refrac=trp, v_reset=vr)
        ra, rb = rate_response_mpmath(lam, mu, sigma, tau_refrac=trp, v_reset=vr)
        assert abs(a[0, 0] / ra - 1) < 1e-6 and abs(b[0, 0] / rb - 1) < 1e-6


@pytest.mark.parametrize("mu,sigma,trp,vr", NEURONS)
def test_zero_frequency_limit_is_the_siegert_derivative(mu, sigma, trp, vr):
    """A_mu(0) = d nu/d mu and A_var(0) = d nu/d sigma^2 (mpmath derivatives of the Siegert rate,
    itself checked against recnet.numerics.siegert.siegert_mpmath below);
    with tau_rp > 0 this holds only with the refractory factor on the reset flux."""
    nu = siegert(mu, sigma, tau_m=20.0, tau_refrac=trp, v_thresh=20.0, v_reset=vr)
    a_mu, a_var = rate_response(0.0, mu, sigma, nu, tau_refrac=trp, v_reset=vr)
    with mp.workdps(30):
        d_mu = mp.diff(lambda x: siegert_rate_mpmath(x, mp.mpf(sigma), 20.0, trp, 20.0, vr), mp.mpf(mu))
        d_s2 = mp.diff(lambda s2: siegert_rate_mpmath(mp.mpf(mu), mp.sqrt(s2), 20.0, trp, 20.0, vr),
                       mp.mpf(sigma) ** 2)
    assert float(siegert_rate_mpmath(mp.mpf(mu), mp.mpf(sigma), 20.0, trp, 20.0, vr)) == pytest.approx(
        siegert_mpmath(mu, sigma, 20.0, trp, 20.0, vr), rel=1e-12)
    assert abs(a_mu[0, 0].imag) == 0 and abs(a_var[0, 0].imag) == 0
    assert a_mu[0, 0].real == pytest.approx(float(d_mu), rel=1e-6)
    assert a_var[0, 0].real == pytest.approx(float(d_s2), rel=1e-6)
    # and continuously so: at 0.01 Hz (1e-3 phase lag) still equal to the closed form
    b_mu, b_var = transfer_function(0.01, mu, sigma, nu, tau_refrac=trp, v_reset=vr)
    r_mu, r_var = rate_response_mpmath(2j * np.pi * 1e-5, mu, sigma, tau_refrac=trp, v_reset=vr)
    assert abs(b_mu[0, 0] / r_mu - 1) < 1e-6 and abs(b_var[0, 0] / r_var - 1) < 1e-6


def test_variance_response_tends_to_nu_over_sigma2_at_high_frequency():
    """Delta synapses: A_var(i omega) -> nu0 / sigma0^2 as omega -> infinity (closed form in mpmath at
    1 MHz; the deviation decays like omega^-1/2), while A_mu -> 0."""
    mu, sigma, trp, vr = NEURONS[0]
    with mp.workdps(30):
        nu = float(siegert_mpmath(mu, sigma, 20.0, trp, 20.0, vr, dps=30))
    ra, rb = rate_response_mpmath(2j * np.pi * 1e6 * 1e-3, mu, sigma, tau_refrac=trp, v_reset=vr)
    w = 2 * np.pi * 1e3 * 20.0
    assert abs(rb / (nu / sigma ** 2) - 1) < 5 / np.sqrt(w)
    assert abs(ra) < 5 * nu / sigma / np.sqrt(w)


def test_equals_nnmt_without_refractoriness():
    """NNMT 1.3's exp-synapse transfer function with tau_s -> 0 and no synaptic filter is the
    delta-synapse A_mu without the refractory factor: equal for tau_rp = 0 (SI units in NNMT)."""
    nnmt_exp = pytest.importorskip("nnmt.lif.exp")
    mu, sigma = 15.0, 5.0
    nu = siegert(mu, sigma, tau_m=20.0, tau_refrac=0.0, v_thresh=20.0, v_reset=10.0)
    freqs = np.array([5.0, 50.0, 500.0])
    ref = nnmt_exp._transfer_function_shift(
        np.array([mu * 1e-3]), np.array([sigma * 1e-3]), np.array([20e-3]), 1e-20, np.array([0.0]),
        np.array([20e-3]), np.array([10e-3]), 2 * np.pi * freqs, synaptic_filter=False)[:, 0] * 1e-3  # Hz/mV
    ours, _ = transfer_function(freqs, mu, sigma, nu, tau_refrac=0.0, v_reset=10.0)
    # NNMT computes nu from its own Siegert quadrature and shifts theta, V_r by sigma*alpha/2*sqrt(tau_s/tau_m)
    # (4e-11 mV with tau_s = 1e-20 s): agreement to 1e-6
    np.testing.assert_allclose(ours[0], ref, rtol=1e-6)


def test_bad_input_is_named():
    with pytest.raises(ParameterError) as e:
        rate_response(0.1j, 15.0, -1.0, 5.0)
    assert e.value.name == "sigma"
    with pytest.raises(ParameterError) as e:
        rate_response(0.1j, 15.0, 5.0, 5.0, tau_m=0.0)
    assert e.value.name == "tau_m"
    with pytest.raises(ParameterError) as e:
        rate_response(0.1j, 15.0, 5.0, 5.0, v_reset=25.0)
    assert e.value.name == "v_reset"
    with pytest.raises(ParameterError) as e:
        transfer_function([np.nan], 15.0, 5.0, 5.0)
    assert e.value.name == "freqs_hz"


def test_sympy_statement_equals_the_mpmath_evaluation():
    import sympy as sp

    from recnet.theory import lif_response as th

    e = th.equations()
    syms = (th.lam, th.tau, th.tau_rp, th.nu0, th.sigma0, th.mu0, th.theta, th.v_r)
    pcd = {"D": lambda n, z: mp.pcfu(-n - mp.mpf(1) / 2, z)}          # D_n(z) = U(-n - 1/2, z)
    f_mu = sp.lambdify(syms, e["a_mu"], modules=[pcd, "mpmath"])
    f_var = sp.lambdify(syms, e["a_var"], modules=[pcd, "mpmath"])
    mu, sigma, trp, vr = NEURONS[0]
    lam = 0.2 + 0.9j
    with mp.workdps(30):
        nu = siegert_rate_mpmath(mp.mpf(mu), mp.mpf(sigma), 20.0, trp, 20.0, vr)
        args = (mp.mpc(lam), 20, trp, nu, sigma, mu, 20, vr)
        ra, rb = rate_response_mpmath(lam, mu, sigma, tau_refrac=trp, v_reset=vr)
        assert abs(complex(f_mu(*args)) / ra - 1) < 1e-12
        assert abs(complex(f_var(*args)) / rb - 1) < 1e-12
