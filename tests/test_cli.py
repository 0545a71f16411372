"""The command line and the registry, tested on every registered subject."""
import json
import re

import pytest

from recnet import registry
from recnet.cli import main

SUBJECTS = registry.all_subjects()
SNAKE = re.compile(r"^[a-z][a-z0-9_]*$")

# subject -> failure of another helper's subject (strict xfail; the lead removes the entry after merging)
CLI_KNOWN = {}


def test_list_shows_every_subject(capsys):
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    for s in SUBJECTS:
        assert s.name in out


def test_unknown_subject_is_a_clear_error(capsys):
    assert main(["predict", "no-such-subject"]) == 2
    assert "no-such-subject" in capsys.readouterr().err


# lif-network values given per population: {population name: value}
BY_POPULATION = {"rate_hz", "mu_mv", "sigma_mv", "cv_isi"}


def _keys(obj):
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield k
            if k in BY_POPULATION and isinstance(v, dict):
                continue  # keyed by the user's population names (data, not recnet's keys)
            if k in ("config", "model") and isinstance(v, dict):
                continue  # the model as the user wrote it: its own field names (W, b, ...)
            yield from _keys(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from _keys(v)


def _known(subject):
    return [pytest.mark.xfail(strict=True, reason=CLI_KNOWN[subject.name])] if subject.name in CLI_KNOWN else []


@pytest.mark.parametrize("subject", [pytest.param(s, id=s.name, marks=_known(s)) for s in SUBJECTS if s.predict])
def test_predict_json_defaults(subject, capsys):
    assert main(["predict", subject.name, "--json"]) == 0
    obj = json.loads(capsys.readouterr().out)
    assert isinstance(obj, dict) and obj
    bad = [k for k in _keys(obj) if not SNAKE.match(k)]
    assert not bad, f"JSON keys must be snake_case: {bad}"


@pytest.mark.parametrize("subject", [s for s in SUBJECTS if s.derive], ids=lambda s: s.name)
def test_derive_prints_equations(subject, capsys):
    assert main(["derive", subject.name]) == 0
    assert capsys.readouterr().out.strip()
    assert main(["derive", subject.name, "--latex"]) == 0
    assert "\\" in capsys.readouterr().out


TIME_CONSTANTS = [pytest.param(s, o, id=f"{s.name}-{o.name}",
                               marks=[pytest.mark.xfail(strict=True, reason=CLI_KNOWN[s.name])]
                               if s.name in CLI_KNOWN else [])
                  for s in SUBJECTS if s.predict for o in s.options if o.unit == "ms" and o.name.startswith("tau")]


@pytest.mark.parametrize("subject,option", TIME_CONSTANTS)
def test_negative_time_constant_is_named(subject, option, capsys):
    assert main(["predict", subject.name, option.cli_flag, "-1"]) == 2
    err = capsys.readouterr().err
    assert option.name in err and "Traceback" not in err


def test_figure_list(capsys):
    assert main(["figure"]) == 0


def test_not_applicable_comparisons_are_reported_but_not_counted():
    from recnet.validation.compare import ValidationResult, compare, format_table

    ok = compare("rate_hz", 10.0, 10.1, 0.1)
    off = compare("cv_isi", 0.4, 0.17, 0.01).not_applicable("population activity oscillates")
    res = ValidationResult("x", "numba", [ok, off])
    assert res.agree and off.to_dict()["agree"] is None and off.to_dict()["applicable"] is False
    assert "n/a" in format_table(res.comparisons) and "oscillates" in format_table(res.comparisons)
    # only non-applicable comparisons: nothing was tested, so no agreement is claimed
    assert not ValidationResult("x", "numba", [off]).agree
    bad = compare("rate_hz", 10.0, 12.0, 0.1)
    assert not ValidationResult("x", "numba", [bad, off]).agree


# ------------------------------------------------------------------ issue 13: errors, interrupts, progress
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from recnet import progress
from recnet.cli import BUG_MESSAGE
from recnet.validation.compare import ValidationResult, compare

# user errors raised as plain ValueError in files other helpers own; the lead removes an entry once
# the owner's conversion to ParameterError is merged (the test then passes and strict xfail flags it)
NOT_YET_PARAMETER_ERROR = {}


def test_unexpected_exception_is_not_a_user_error(monkeypatch, capsys):
    s = registry.get_subject("siegert")

    def broken(**_):
        raise RuntimeError("boom inside recnet")
    monkeypatch.setattr(s, "predict", broken)
    assert main(["predict", "siegert"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" in err and "RuntimeError: boom inside recnet" in err
    assert BUG_MESSAGE in err
    assert "recnet: error:" not in err


def test_plain_value_error_is_a_bug_not_a_user_error(monkeypatch, capsys):
    # a ValueError that is not a ParameterError is recnet's own failure: traceback + report request
    s = registry.get_subject("siegert")
    monkeypatch.setattr(s, "predict", lambda **_: (_ for _ in ()).throw(ValueError("internal")))
    assert main(["predict", "siegert"]) == 1
    err = capsys.readouterr().err
    assert BUG_MESSAGE in err and "recnet: error:" not in err


def test_parameter_error_is_one_line(capsys):
    assert main(["predict", "siegert", "--tau-m", "-1"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("recnet: error: tau_m") and "Traceback" not in err


def test_argparse_errors_are_user_errors(capsys):
    assert main(["predict", "siegert", "--mu", "abc"]) == 2
    err = capsys.readouterr().err
    assert "recnet: error:" in err and "--mu" in err and "Traceback" not in err
    assert main(["predict", "siegert", "--no-such-option", "1"]) == 2
    assert "--no-such-option" in capsys.readouterr().err


@pytest.mark.parametrize("argv,name", [
    (["predict", "siegert", "--mu", "-inf"], "mu"),
    (["predict", "siegert", "--mu", "-1e400"], "mu"),
    (["predict", "siegert", "--v-reset", "-5", "--mu", "-3"], None),   # valid negative values
    (["predict", "tln", "--b", "-0.25,0.1"], "b"),                       # wrong length, named
    pytest.param(["predict", "tln", "--graph", "-1>2"], "graph"),
])
def test_negative_values_reach_the_option(argv, name, capsys):
    # issue 13: a value starting with '-' is the option's value, not a missing argument
    rc = main(argv)
    err = capsys.readouterr().err
    assert "expected one argument" not in err
    if name is None:
        assert rc == 0, err
    else:
        assert rc == 2, err
        assert err.startswith(f"recnet: error: {name}") or f" {name} " in err, err
        if name == "graph":
            assert "node" in err


def test_negative_value_joining_rules():
    from recnet.cli import _join_negative_values
    opts = registry.get_subject("tln").command_options("predict")
    assert _join_negative_values(["--b", "-0.25,0.1"], opts) == ["--b=-0.25,0.1"]
    assert _join_negative_values(["--graph", "-1>2"], opts) == ["--graph=-1>2"]
    # a following long flag is not swallowed as a value
    assert _join_negative_values(["--b", "--json"], opts) == ["--b", "--json"]


def _fake_validate(name, agree=True):
    def run(backend="numba", quick=False, seed=0, **_):
        res = ValidationResult(name, backend, [compare("x", 1.0, 1.0 if agree else 2.0, 0.1)])
        res.config = {"backend": backend, "quick": quick, "seed": seed}
        res.timing["wall_s"] = 0.0
        return res
    return run


def test_validate_all_report_is_incremental_and_marks_interrupt(monkeypatch, tmp_path, capsys):
    subs = [s for s in registry.all_subjects() if s.validate is not None][:3]
    seen = []

    def first(**kw):
        seen.append((tmp_path / "report.md").read_text())  # written before the subject starts
        return _fake_validate(subs[0].name)(**kw)

    def second(**kw):
        # the report on disk already holds the first subject while the second runs
        text = (tmp_path / "report.md").read_text()
        assert f"| {subs[0].name} | agree" in text and f"| {subs[1].name} | interrupted" in text
        raise KeyboardInterrupt

    monkeypatch.setattr(subs[0], "validate", first)
    monkeypatch.setattr(subs[1], "validate", second)
    monkeypatch.setattr(subs[2], "validate", _fake_validate(subs[2].name))
    rc = main(["validate", "--all", "--quiet", "--out", str(tmp_path), "--only", ",".join(s.name for s in subs)])
    assert rc == 130
    assert f"| {subs[0].name} | interrupted" in seen[0]
    text = (tmp_path / "report.md").read_text()
    assert f"| {subs[0].name} | agree" in text
    assert f"| {subs[1].name} | interrupted" in text and "failed" not in text
    assert subs[2].name not in text.split("## ")[0].split("| subject |")[1]  # never started
    rep = json.loads((tmp_path / "report.json").read_text())
    assert rep["interrupted"] == [subs[1].name] and rep["complete"] is False
    assert [r["subject"] for r in rep["results"]] == [subs[0].name]


def test_validate_all_failure_is_recorded_and_run_goes_on(monkeypatch, tmp_path, capsys):
    subs = [s for s in registry.all_subjects() if s.validate is not None][:2]
    monkeypatch.setattr(subs[0], "validate", lambda **_: (_ for _ in ()).throw(RuntimeError("kaputt")))
    monkeypatch.setattr(subs[1], "validate", _fake_validate(subs[1].name))
    rc = main(["validate", "--all", "--quiet", "--out", str(tmp_path), "--only", ",".join(s.name for s in subs)])
    assert rc == 1
    text = (tmp_path / "report.md").read_text()
    assert f"| {subs[0].name} | **failed**" in text and f"| {subs[1].name} | agree" in text
    assert json.loads((tmp_path / "report.json").read_text())["complete"] is True
    assert "Traceback" in capsys.readouterr().err  # a crash inside a subject is shown, not hidden


def test_validate_all_unknown_only_is_named(capsys):
    assert main(["validate", "--all", "--only", "nope"]) == 2
    assert "only" in capsys.readouterr().err


def test_progress_switch(capsys):
    old = progress.enabled()
    try:
        progress.set_enabled(True)
        with progress.bar(total=3, desc="probe-bar") as b:
            b.update(3)
        assert "probe-bar" in capsys.readouterr().err
        with progress.quiet():
            with progress.bar(total=3, desc="silent-bar") as b:
                b.update(3)
            progress.note("silent-note")
        assert "silent" not in capsys.readouterr().err
    finally:
        progress.set_enabled(old)


def test_quiet_flag_switches_progress_off(monkeypatch, capsys):
    seen = []
    s = registry.get_subject("siegert")
    real = s.predict
    monkeypatch.setattr(s, "predict", lambda **kw: (seen.append(progress.enabled()), real(**kw))[1])
    assert main(["predict", "siegert", "--quiet"]) == 0
    assert main(["predict", "siegert"]) == 0
    assert seen == [False, None]
    assert progress.enabled() is None  # restored after the command


def _recnet(args, cwd, **kw):
    return subprocess.Popen([sys.executable, "-m", "recnet", *args], cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, **kw)


def test_sigint_exits_130_at_once_during_a_kernel(tmp_path):
    # Brunel network simulation: most of its time is inside one numba kernel call (20 s of simulated
    # time at full size: the simulator got fast enough to finish a quick validation within 8 s)
    p = _recnet(["validate", "lif-network", "--t-sim", "20000", "--quiet"], tmp_path)
    time.sleep(8.0)
    if p.poll() is not None:
        pytest.fail(f"validate lif-network ended before the signal: {p.stderr.read()[-500:]}")
    t0 = time.monotonic()
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=30)
    assert p.returncode == 130, err[-2000:]
    assert time.monotonic() - t0 < 5.0
    assert "interrupted" in err and "Traceback" not in err


@pytest.mark.slow
def test_sigint_during_validate_all_keeps_finished_subjects(tmp_path):
    # acceptance (issue 13): Ctrl-C during `validate --all --quick --out DIR` exits 130 within 5 s and
    # DIR/report.md holds the subjects finished so far.  Waits (>= 20 s) for one finished subject.
    out = tmp_path / "rep"
    p = _recnet(["validate", "--all", "--quick", "--quiet", "--out", str(out)], tmp_path)
    t_start = time.monotonic()
    finished = []
    while time.monotonic() - t_start < 900:
        time.sleep(2.0)
        if p.poll() is not None:
            pytest.fail(f"validate --all ended early: {p.stderr.read()[-1000:]}")
        if (out / "report.json").exists():
            try:
                finished = [r["subject"] for r in json.loads((out / "report.json").read_text())["results"]]
            except (ValueError, KeyError):
                finished = []
        if finished and time.monotonic() - t_start >= 20.0:
            break
    assert finished, "no subject finished within 900 s"
    t0 = time.monotonic()
    p.send_signal(signal.SIGINT)
    _, err = p.communicate(timeout=30)
    assert p.returncode == 130, err[-2000:]
    assert time.monotonic() - t0 < 5.0
    text = (out / "report.md").read_text()
    for name in finished:
        assert f"| {name} |" in text
    assert "| interrupted |" in text.replace(" interrupted ", " interrupted ") or "interrupted" in text
    rep = json.loads((out / "report.json").read_text())
    assert rep["complete"] is False and len(rep["interrupted"]) == 1


def test_json_to_a_pipe_switches_progress_off(monkeypatch):
    from recnet.cli import _set_progress
    old = progress.enabled()
    try:
        monkeypatch.setattr(sys.stdout, "isatty", lambda: False, raising=False)
        _set_progress(False, True)
        assert progress.enabled() is False
        _set_progress(False, False)
        assert progress.enabled() is None
        monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
        _set_progress(False, True)
        assert progress.enabled() is None
        _set_progress(True, False)
        assert progress.enabled() is False
    finally:
        progress.set_enabled(old)
