"""The oscillation-frequency rule of `validate lif-network` (validation.lif_oscillation) on
spike trains with a known modulation: inhomogeneous Poisson neurons with rate
nu(t) = nu0 (1 + m cos(2 pi f0 t)), so the activity spectrum peaks at f0 by construction."""
import numpy as np
import pytest

from recnet.validation.lif_oscillation import activity_spectrum, oscillation_rows


class _Pop:
    def __init__(self, times, ids, size):
        self.t, self.i, self.size = times, ids, size

    def window(self, t0, t1):
        m = (self.t >= t0) & (self.t < t1)
        return self.t[m], self.i[m]


class _Res(dict):
    pass


class _Model:
    names = ("E",)


def _modulated(f0, n=1000, nu0=20.0, m=0.5, t_ms=2000.0, seed=0):
    rng = np.random.default_rng(seed)
    nu_max = nu0 * (1 + m)
    k = rng.poisson(nu_max * n * t_ms * 1e-3)                     # thinning of a homogeneous process
    t = np.sort(rng.uniform(0, t_ms, k))
    keep = rng.uniform(0, nu_max, k) < nu0 * (1 + m * np.cos(2 * np.pi * f0 * t * 1e-3))
    t = t[keep]
    return _Res(E=_Pop(t, rng.integers(0, n, t.size), n))


@pytest.mark.parametrize("f0", [47.0, 137.0, 312.5])
def test_known_frequency_agrees_and_a_wrong_one_is_caught(f0):
    res = _modulated(f0)
    rows, info, _ = oscillation_rows(_Model, {"stable": False, "frequency_hz": f0, "state": "SI fast",
                                              "growth_rate_per_s": 10.0}, res, 0.0, 2000.0)
    assert len(rows) == 1 and rows[0].agree, rows[0].to_dict()
    # 2.5 Hz = half the periodogram spacing 1 / (2 x 200 ms)
    assert abs(info["activity_peak_hz"] - f0) <= 3 * info["activity_peak_stderr_hz"] + 2.5
    wrong, _, _ = oscillation_rows(_Model, {"stable": False, "frequency_hz": 1.3 * f0, "state": "SI fast",
                                            "growth_rate_per_s": 10.0}, res, 0.0, 2000.0)
    assert not wrong[0].agree


def test_no_row_when_the_asynchronous_state_is_predicted_stable():
    res = _modulated(137.0)
    rows, info, (f, psd) = oscillation_rows(_Model, {"stable": True, "frequency_hz": None, "state": "AI"},
                                            res, 0.0, 2000.0)
    assert rows == [] and f.shape == psd.shape and info["spectrum_segments"] == 10


def test_white_activity_spectrum_level():
    # independent Poisson neurons: the population-rate spectrum is white at nu0 / N (one-sided: 2 nu0 / N)
    res = _modulated(100.0, m=0.0, t_ms=20000.0, seed=3)
    f, spec = activity_spectrum(res, ["E"], 0.0, 20000.0, bin_ms=0.5, seg_ms=200.0)
    level = spec[:, (f > 20) & (f < 500)].mean()
    k = spec.shape[0] * np.sum((f > 20) & (f < 500))
    # bins' estimates are chi^2_2 / 2 scaled: relative standard error 1/sqrt(k) of their mean (Hann
    # windows correlate neighbouring bins: at most a factor sqrt(2) more)
    assert abs(level / (2 * 20.0 / 1000) - 1) < 3 * np.sqrt(2.0 / k)
