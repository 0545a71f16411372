"""Spike-train power spectrum of the LIF neuron with white noise (numerics.lif_spiketrain).

Oracles: the ISI characteristic function's moments (F(0) = 1, i dF/domega at 0 = E[T] = 1/nu from
the Siegert formula, and S_0(0) = nu CV^2 from the Siegert CV formula, both independent
quadratures), its high-frequency limit S_0 -> nu, and mpmath's pcfd in the closed form
F = exp(-i w tau_rp) exp((x^2 - a^2)/2) D_{-i w tau}(-sqrt2 x) / D_{-i w tau}(-sqrt2 a).
"""
import math

import mpmath as mp
import numpy as np
import pytest

from recnet.numerics.lif_spiketrain import isi_characteristic, spike_train_spectrum
from recnet.numerics.siegert import cv_isi, siegert

CASES = [dict(mu=15.0, sigma=5.0), dict(mu=22.0, sigma=2.0), dict(mu=10.0, sigma=8.0, v_reset=10.0)]


def _neuron(c):
    return dict(tau_m=20.0, tau_refrac=2.0, v_thresh=20.0, v_reset=c.get("v_reset", 0.0), v_rest=0.0)


@pytest.mark.parametrize("c", CASES)
def test_against_mpmath_closed_form(c):
    nrn = _neuron(c)
    f = np.array([0.5, 7.0, 40.0, 130.0, 600.0])
    got = isi_characteristic(f, c["mu"], c["sigma"], **nrn)[0]
    mp.mp.dps = 30
    x = (nrn["v_reset"] - c["mu"]) / c["sigma"]
    a = (nrn["v_thresh"] - c["mu"]) / c["sigma"]
    for k, fk in enumerate(f):
        w = 2 * mp.pi * fk * 1e-3
        nu = -1j * w * nrn["tau_m"]
        ref = (mp.exp(-1j * w * nrn["tau_refrac"]) * mp.exp((x * x - a * a) / 2)
               * mp.pcfd(nu, -mp.sqrt(2) * x) / mp.pcfd(nu, -mp.sqrt(2) * a))
        assert abs(got[k] - complex(ref)) <= 1e-9 * abs(complex(ref)) + 1e-12


@pytest.mark.parametrize("c", CASES)
def test_moments_and_limits(c):
    nrn = _neuron(c)
    nu0 = float(siegert(c["mu"], c["sigma"], **nrn))
    cv = float(cv_isi(c["mu"], c["sigma"], **nrn))
    # E[T] = i dF/domega at 0 (central difference of the characteristic function, h = 1e-3 Hz)
    h = 1e-3
    fp, fm = isi_characteristic([h, 0.0], c["mu"], c["sigma"], **nrn)[0]
    mean_t_ms = (-(fp - fm) / (2 * math.pi * h * 1e-3)).imag
    assert mean_t_ms == pytest.approx(1e3 / nu0, rel=1e-5)
    assert abs(fm - 1.0) < 1e-12
    # S_0 at low frequency tends to nu CV^2 (the value returned at f = 0); at high frequency to nu
    s = spike_train_spectrum([0.0, 0.05, 3000.0], nu0, c["mu"], c["sigma"], **nrn)[0]
    assert s[0] == pytest.approx(nu0 * cv ** 2, rel=1e-9)
    assert s[1] == pytest.approx(nu0 * cv ** 2, rel=2e-3)
    # S_0 / nu - 1 = Re[2F / (1 - F)], bounded by 2|F| / (1 - |F|), and |F| -> 0 at high frequency
    # (the ISI density is smooth: its Fourier transform decays)
    F_hi = abs(isi_characteristic([3000.0], c["mu"], c["sigma"], **nrn)[0, 0])
    assert F_hi < 0.1 and abs(s[2] / nu0 - 1) <= 2 * F_hi / (1 - F_hi)


def test_bad_input_is_named():
    from recnet.checks import ParameterError
    with pytest.raises(ParameterError) as e:
        isi_characteristic([-1.0], 15.0, 5.0)
    assert e.value.name == "freqs_hz"
    with pytest.raises(ParameterError) as e:
        isi_characteristic([1.0], 15.0, 0.0)
    assert e.value.name == "sigma"
