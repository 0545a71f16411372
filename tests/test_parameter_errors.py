"""Bad input is a ``ParameterError`` naming the parameter, its value and the valid range (issue 13,
item 2): the errors converted from plain ValueError/TypeError, through the Python API (``.name``,
``.value``, ``.valid``) and through the command line (exit 2, ``recnet: error:`` naming the option)."""
import numpy as np
import pytest

from recnet.checks import ParameterError, ParameterTypeError
from recnet.cli import main

W_SSN = [[3.5, -1.8], [3.4, -1.4]]


def _api_cases():
    from recnet import progress
    from recnet.numerics import gaussian, lif_meanfield, rate_network, ssn
    from recnet.numerics.scn import memory, qp
    from recnet.numerics.tln import simulate as tsim
    from recnet.theory import lyapunov, ssn as tssn
    from recnet.theory.tln import codes, ctln, dale
    from recnet.validation import stats
    return [
        ("tau", lambda: ssn.check_network(W_SSN, tau=[1.0, 2.0, 3.0])),
        ("W", lambda: ssn.check_network([[1.0, 1.0], [1.0, -1.0]])),            # I column > 0 (Dale)
        ("method", lambda: ssn.fixed_points(W_SSN, [1.0, 1.0], method="bisection")),
        ("dt", lambda: ssn.simulate(W_SSN, [1.0, 1.0], dt=5.0)),
        ("delta0", lambda: gaussian.gaussian_mean("tanh", -1.0)),
        ("method", lambda: gaussian.gaussian_corr("tanh", 0.5, 1.0, method="simpson")),
        ("method", lambda: rate_network.simulate(np.zeros((2, 2)), t_sim=1.0, method="leapfrog")),
        ("indegree", lambda: lif_meanfield.solve_rates([[-1.0]], [[0.1]], [1.0], [0.1])),
        ("x0", lambda: tsim.simulate_tln(np.zeros((2, 2)), [1.0, 1.0], np.zeros(3))),
        ("rule", lambda: memory.learning_rule("oja")),
        ("method", lambda: qp.rates(np.eye(2), [1.0, 1.0], mu=1.0, method="simplex")),
        ("n", lambda: ctln.parse_graph("1>2", n=1)),
        ("code", lambda: codes.parse_code("1a2")),
        ("inputs", lambda: dale._check_inputs("negative")),
        ("model", lambda: lyapunov.equations("izhikevich")),
        ("N", lambda: tssn.ring_fixed_point_equations(0)),
        ("n_batches", lambda: stats.batch_means_sem(np.ones(5), n_batches=20)),
        ("progress", lambda: progress.set_enabled("yes")),
    ]


@pytest.mark.parametrize("i", range(18))
def test_api_errors_name_the_parameter(i):
    name, call = _api_cases()[i]
    with pytest.raises(ParameterError) as exc:
        call()
    assert exc.value.name == name and exc.value.valid
    # still a ValueError for callers that catch it (a ParameterTypeError is also a TypeError)
    assert isinstance(exc.value, ValueError)


def test_type_errors_are_parameter_type_errors():
    from recnet.numerics import gaussian
    from recnet.theory.tln import ctln
    for call, name in ((lambda: gaussian.transfer(3.5), "phi"), (lambda: ctln.from_networkx("graph"), "graph")):
        with pytest.raises(ParameterTypeError) as exc:
            call()
        assert exc.value.name == name and isinstance(exc.value, TypeError)


@pytest.fixture
def files(tmp_path):
    neg = tmp_path / "neg.csv"
    neg.write_text("1,-2\n0,3\n")
    ssn_model = tmp_path / "dale.toml"
    ssn_model.write_text('model = "ssn"\npopulations = ["E", "I"]\ncell_types = ["E", "I"]\n'
                         'W = [[3.5, 1.8], [3.4, -1.4]]\nh = ["20 mV", "20 mV"]\nk = 0.04\nn = 2\n'
                         'tau = ["20 ms", "10 ms"]\n')
    return {"neg": str(neg), "ssn_dale": str(ssn_model)}


@pytest.mark.parametrize("argv,needle", [
    (["predict", "tln", "--graph", "1>2", "--n", "1"], "n = 1"),
    (["predict", "tln", "--graph", "1>x"], "graph"),
    (["predict", "tln", "--graph", "2>2"], "graph"),
    (["predict", "tln", "--code", "1a2"], "code"),
    (["predict", "geometry", "--responses", "{neg}"], "responses"),
    (["predict", "ssn", "--model", "{ssn_dale}"], "W"),
    (["predict", "dmft", "--balanced"], "balanced"),
    (["predict", "lyapunov", "--model", "rate", "--dt", "1.5"], "dt = 1.5"),
])
def test_cli_exit_2_names_the_option(argv, needle, files, capsys):
    argv = [a.format(**files) for a in argv]
    assert main([*argv, "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("recnet: error:") and needle in err and "Traceback" not in err


def test_fuzz_findings_of_issue_13_say_the_outcome_in_words(capsys):
    """Found by the large fuzz: `brunel --g 0` (a mean-driven state 90 noise widths above threshold:
    the linear response cannot be evaluated there), `brunel --eta 0` (silent) and `siegert --mu 0
    --sigma 0` (no noise, silent) answer with exit 0 and the missing quantities named with a reason."""
    import json

    from recnet.cli import main
    assert main(["predict", "brunel", "--g", "0.0", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["stability"]["state"].startswith("not computed: population 0 is driven")
    assert d["rate_hz"] > 400.0          # near 1/tau_refrac = 500 Hz: regular firing at the mean drive
    assert main(["predict", "brunel", "--eta", "0.0", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["rate_hz"] == 0.0 and "silent" in d["not_computed"]["cv_isi"] and "cv_isi" not in d
    assert main(["predict", "siegert", "--mu", "0", "--sigma", "0", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert set(d["not_computed"]) == {"cv_isi", "y_thresh", "y_reset"} and d["rate_hz"] == 0.0


def test_lowrank_ei_range_that_breaks_the_function_names_the_range(capsys):
    """Large fuzz finding: `lowrank-ei --x-min -1e300` blamed the (default) function, not the range."""
    from recnet.cli import main
    assert main(["predict", "lowrank-ei", "--x-min", "-1e300", "--json"]) == 2
    err = capsys.readouterr().err
    assert "x_min = -1e+300 is invalid" in err and "usable on [-1, 1]" in err
