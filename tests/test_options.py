"""Generated from the registry: no option of any subject is ever silently ignored (issue 12).

For every subject and every option:
- the raw implementation accepts it by name (no ``**kwargs`` that could swallow it);
- ``predict`` with a non-default value either changes the theory's output or is refused with a
  ``ParameterError`` naming that option;
- ``validate`` records every option, as it ran, in its ``config`` (checked at run time by the
  registry's wrapper, exercised here on every subject's quick validation), and the Python API's
  ``backend`` is honoured or refused.
"""
from __future__ import annotations

import inspect
import json

import pytest

from recnet import registry
from recnet.checks import ParameterError

SUBJECTS = registry.all_subjects()


def example_value(opt):
    """A valid non-default value of ``opt`` (declared, or derived from its default)."""
    if opt.example is not None:
        return opt.example
    if opt.choices:
        return next(c for c in opt.choices if c != opt.default)
    if opt.type is bool:
        return not opt.default
    if opt.type is int and opt.default is not None:
        return opt.default + 1
    if opt.type is float and opt.default is not None:
        return opt.default * 1.5 if opt.default else 0.5
    raise AssertionError(f"option {opt.name} needs an `example` value for the generated tests")


def _cases(command):
    for s in SUBJECTS:
        fn = s.raw_predict if command == "predict" else s.raw_validate
        if fn is None:
            continue
        for o in s.command_options(command):
            yield pytest.param(s, o, id=f"{s.name}-{o.name}")


@pytest.mark.parametrize("subject", [s for s in SUBJECTS], ids=lambda s: s.name)
def test_raw_functions_take_every_option_by_name(subject):
    for command, fn, extra in (("predict", subject.raw_predict, ()),
                               ("validate", subject.raw_validate, ("backend", "quick", "seed"))):
        if fn is None:
            continue
        params = inspect.signature(fn).parameters
        assert not any(p.kind is p.VAR_KEYWORD for p in params.values()), \
            f"{command} {subject.name} takes **kwargs: options could be swallowed"
        for name in extra + tuple(o.name for o in subject.command_options(command)):
            assert name in params, f"{command} {subject.name} does not take option {name!r}"


@pytest.mark.parametrize("subject", [s for s in SUBJECTS if s.validate is not None], ids=lambda s: s.name)
def test_unknown_option_and_backend_are_refused(subject):
    with pytest.raises(ParameterError) as e:
        subject.validate(no_such_option=1)
    assert e.value.name == "no_such_option"
    with pytest.raises(ParameterError) as e:
        subject.validate(backend="brian2")
    assert e.value.name == "backend"
    for b in registry.BACKENDS:
        if b not in subject.backends:
            with pytest.raises(ParameterError) as e:
                subject.validate(backend=b, quick=True)
            assert e.value.name == "backend"


def _values(res):
    d = res.to_dict()
    for k in ("config", "timing", "subject"):
        d.pop(k, None)
    return json.dumps(d, sort_keys=True, default=str)


@pytest.mark.slow
@pytest.mark.parametrize("subject,opt", list(_cases("predict")))
def test_predict_option_changes_output_or_is_refused(subject, opt):
    value = example_value(opt)
    try:
        res = subject.predict(**{opt.name: value})
    except ParameterError as e:
        assert e.name == opt.name, f"refusal names {e.name!r}, not {opt.name!r}"
        return
    got = res.config[opt.name]
    if opt.name == "model" and isinstance(got, dict) and not isinstance(value, dict):  # the loaded model
        got = got.get("name")
    assert got == value
    base = subject.predict()
    assert _values(res) != _values(base), \
        f"predict {subject.name} --{opt.name} {value!r} gives the same output as the default: ignored?"


def _validation_json(res):
    d = res.to_dict()
    d.pop("timing", None)
    return json.dumps(d, sort_keys=True, default=str)


@pytest.mark.slow
@pytest.mark.parametrize("subject", [s for s in SUBJECTS if s.validate is not None], ids=lambda s: s.name)
def test_validate_records_its_config_and_same_seed_gives_same_json(subject):
    """Every option as it ran is in ``config``; two quick runs with one seed give identical JSON
    outside ``timing`` (issue 12, acceptance 4)."""
    a = subject.validate(backend="numba", quick=True, seed=7)
    for o in subject.command_options("validate"):
        assert o.name in a.config, f"validate {subject.name} does not record {o.name}"
    assert a.config["seed"] == 7 and a.config["quick"] is True and a.config["backend"] == "numba"
    b = subject.validate(backend="numba", quick=True, seed=7)
    assert _validation_json(a) == _validation_json(b)
