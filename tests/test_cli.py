"""The command line and the registry, tested on every registered subject."""
import json
import re

import pytest

from recnet import registry
from recnet.cli import main

SUBJECTS = registry.all_subjects()
SNAKE = re.compile(r"^[a-z][a-z0-9_]*$")


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
            yield from _keys(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from _keys(v)


@pytest.mark.parametrize("subject", [s for s in SUBJECTS if s.predict], ids=lambda s: s.name)
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


TIME_CONSTANTS = [(s, o) for s in SUBJECTS if s.predict for o in s.options
                  if o.unit == "ms" and o.name.startswith("tau")]


@pytest.mark.parametrize("subject,option", TIME_CONSTANTS, ids=lambda x: getattr(x, "name", ""))
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
