"""Siegert rate and ISI CV at extreme inputs (issue 13: v_reset = -1e200 mV hung in the CV integral)."""
import json
import math
import time

import numpy as np
import pytest
from scipy import integrate, special

from recnet.cli import main
from recnet.numerics import siegert as S


def test_cv_tail_formula_vs_scipy_double_quad():
    # oracle: F(-s) = int_0^inf erfcx(s + w)^2 exp(-w (2 s + w)) dw integrated over s by scipy
    def F(s):
        c = 2 * s + 1
        return integrate.quad(lambda w: special.erfcx(s + w) ** 2 * math.exp(-w * (2 * s + w)), 0, 40 / c,
                              epsabs=0, epsrel=1e-12, points=[1 / c, 5 / c])[0]
    for s1, s2 in ((1e4, 3e4), (2e4, 1e6)):
        ref = integrate.quad(F, s1, s2, epsabs=0, epsrel=1e-10, limit=200,
                             points=np.geomspace(s1, s2, 8)[1:-1])[0]
        assert S._cv_tail(s1, s2) == pytest.approx(ref, rel=1e-8)
    # to infinity: (1/(4 pi s^2))(1 - 5/(4 s^2))
    assert S._cv_tail(1e4, 1e300) == pytest.approx((1 - 1.25e-8) / (4 * math.pi * 1e8), rel=1e-15)


@pytest.mark.slow
def test_cv_in_tail_regime_vs_mpmath():
    # v_reset = -1e5 mV: y_r = -20003, the outer integral's x < -1e4 part uses the closed-form tail.
    # mpmath (20 digits, its own quadrature of the nested integral) took about 4 minutes here.
    ref = S.cv_mpmath(15.0, 5.0, v_reset=-1e5, dps=20)
    assert S.cv_isi(15.0, 5.0, v_reset=-1e5) == pytest.approx(ref, rel=1e-9)


def test_far_reset_terminates_and_is_physical():
    S.cv_isi(15.0, 5.0)  # compile outside the timing
    resets = [-1e6, -1e20, -1e100, -1e200, -1e300]
    t0 = time.perf_counter()
    cvs = [S.cv_isi(15.0, 5.0, v_reset=v) for v in resets]
    rates = [S.siegert(15.0, 5.0, v_reset=v) for v in resets]
    assert time.perf_counter() - t0 < 20.0  # ran for minutes before (loose bound: loaded CI machine)
    assert all(math.isfinite(c) and 0 < c < 1 for c in cvs)
    assert all(math.isfinite(r) and r > 0 for r in rates)
    # the farther the reset, the longer and more regular the ISI (a deterministic ramp dominates)
    assert all(np.diff(cvs) < 0) and all(np.diff(rates) < 0)


def test_cli_far_reset(capsys):
    assert main(["predict", "siegert", "--mu", "15", "--sigma", "5", "--v-reset=-1e200", "--json"]) == 0
    obj = json.loads(capsys.readouterr().out)
    vals = [v for k, v in obj.items() if k not in ("subject", "config", "warnings", "timing")
            and isinstance(v, float)]
    assert vals and all(math.isfinite(v) for v in vals)


@pytest.mark.parametrize("kw,name", [({"v_reset": "a"}, "v_reset"), ({"tau_m": float("nan")}, "tau_m"),
                                     ({"v_thresh": -1.0, "v_reset": -2.0}, "v_thresh")])
def test_bad_neuron_is_a_parameter_error(kw, name):
    from recnet.checks import ParameterError
    with pytest.raises(ParameterError) as exc:
        S.siegert(15.0, 5.0, **kw)
    assert exc.value.name == name
