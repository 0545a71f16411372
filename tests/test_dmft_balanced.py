"""``predict dmft --balanced`` (mean coupling -J0/sqrt(N), input sqrt(N) I0) and the dmft outcome in
words (issue 13): the balance condition J0 <phi> = I0 checked by independent quadrature, the cases
where it cannot hold said in words, j0 = 0 refused, no None anywhere in the output."""
import json
import math

import pytest
from scipy import integrate

from recnet import registry
from recnet.cli import main

DMFT = registry.get_subject("dmft")


def _gauss(f, mu, var):
    """<f(mu + sqrt(var) z)>, z ~ N(0, 1), by adaptive quadrature (scipy, independent of recnet's nodes)."""
    s = math.sqrt(var)
    return integrate.quad(lambda z: f(mu + s * z) * math.exp(-0.5 * z * z) / math.sqrt(2 * math.pi),
                          -12, 12, epsabs=1e-13, limit=200)[0]


def _nones(obj, path=""):
    if isinstance(obj, dict):
        return [p for k, v in obj.items() for p in _nones(v, f"{path}.{k}")]
    if isinstance(obj, list):
        return [p for i, v in enumerate(obj) for p in _nones(v, f"{path}[{i}]")]
    return [path] if obj is None else []


def _run(argv, capsys):
    rc = main(["predict", "dmft", *argv, "--json", "--quiet"])
    cap = capsys.readouterr()
    return rc, cap.out, cap.err


def test_balanced_without_mean_coupling_is_refused(capsys):
    # the fuzz's `predict dmft --balanced`: J0 = 0 leaves mu undetermined (every mu solved 0 = 0 and the
    # scan returned a grid of spurious "fixed points" after minutes)
    rc, _, err = _run(["--balanced"], capsys)
    assert rc == 2 and err.startswith("recnet: error: balanced = True") and "j0 != 0" in err
    assert "Traceback" not in err


def test_balanced_state_satisfies_the_balance_condition(capsys):
    rc, out, _ = _run(["--balanced", "--j0", "1", "--i0", "0.2"], capsys)
    assert rc == 0
    obj = json.loads(out)
    assert _nones({k: v for k, v in obj.items() if k != "config"}) == []
    mu, d0, dinf = obj["mu"], obj["delta0"], obj["delta_inf"]
    # balance: J0 <tanh(mu + sqrt(Delta0) z)> = I0 (quadrature tolerance, far below the solver's 1e-8)
    assert _gauss(math.tanh, mu, d0) == pytest.approx(0.2, abs=1e-7)
    # the chaotic branch's top of the hill: Delta_inf = g^2 <<tanh>_a^2>_{Delta_inf}, a = Delta0 - Delta_inf
    assert obj["chaotic"] and obj["branch"] == "chaotic"
    a = d0 - dinf
    c = _gauss(lambda y: _gauss(math.tanh, y, a) ** 2, mu, dinf)
    assert dinf == pytest.approx(4.0 * c, rel=1e-5)
    assert "not_computed" in obj and "uniform_mode_growth_per_tau" in obj["not_computed"]


@pytest.mark.parametrize("argv,needle", [
    (["--j0", "1", "--i0", "2"], "outside the range"),          # |<tanh>| < 1 < I0/J0 = 2
    (["--j0", "-0.5", "--i0", "1"], "outside the range"),       # I0/J0 = -2
    (["--j0", "2", "--i0=-2"], "the edge of the range"),        # I0/J0 = -1 = inf tanh, never reached
    (["--phi", "relu", "--j0", "1", "--i0=-0.5"], "outside the range"),   # <relu> >= 0
])
def test_unreachable_balance_is_said_in_words(argv, needle, capsys):
    rc, out, _ = _run(["--balanced", *argv], capsys)
    assert rc == 0
    obj = json.loads(out)
    assert needle in obj["state"] and not obj["stable"] and obj["n_solutions"] == 0
    assert obj["warnings"] and _nones({k: v for k, v in obj.items() if k != "config"}) == []
    assert set(obj["not_computed"]) >= {"delta0", "mu", "lambda_max_per_tau"}


def test_phi_range_of_the_balance_check():
    from recnet.subjects.dmft import _phi_range
    assert _phi_range("tanh") == (-1.0, 1.0)
    assert _phi_range("1+tanh(x)") == (0.0, 2.0)
    assert _phi_range("relu") == (0.0, math.inf)
    assert _phi_range("linear") == (-math.inf, math.inf)
    assert _phi_range("x**3") == (-math.inf, math.inf)


def test_fixed_point_has_no_correlation_time_and_says_so(capsys):
    # g = 0.5 < g_c = 1: the trivial fixed point; tau_corr was None
    rc, out, _ = _run(["--g", "0.5"], capsys)
    assert rc == 0
    obj = json.loads(out)
    assert obj["delta0"] == 0.0 and obj["branch"] == "fixed_point" and obj["stable"]
    assert "fixed point" in obj["not_computed"]["tau_corr_tau"]
    assert _nones({k: v for k, v in obj.items() if k != "config"}) == []
