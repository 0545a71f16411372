"""The registry of theory subjects.

A subject is one thing ``recnet derive/predict/validate`` can do (``brunel``, ``siegert``,
``dmft`` ...).  Each module in ``recnet/subjects/`` defines a list ``SUBJECTS`` of ``Subject``
objects; the registry imports every such module, so a new subject is one new file.  Subject modules
import heavy layers (sympy, numba, simulators) inside their functions, which keeps ``recnet list``
fast.
"""
from __future__ import annotations

import importlib
import inspect
import os
import pkgutil
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from recnet.checks import ParameterError

__all__ = ["Option", "Subject", "all_subjects", "get_subject", "TOPICS", "BACKENDS"]

BACKENDS = ("numba", "nest", "spinnaker")

# The five theory subjects plus spike coding, in the order `recnet list` shows them.
TOPICS = {
    1: "dynamic mean-field theory",
    2: "Lyapunov spectra",
    3: "Hebbian E-I fixed points",
    4: "threshold-linear fixed points",
    5: "connectivity solution spaces",
    6: "spike-coding networks",
}


@dataclass(frozen=True)
class Option:
    """A command-line option of a subject, with PyNN's name and unit.

    ``name`` is the Python keyword (``tau_m``); the flag is ``--tau-m`` unless ``flag`` is given.
    ``type`` is ``float``, ``int``, ``str`` or ``bool`` (a switch).  ``unit`` is PyNN's unit
    (ms, mV, nA, nF, Hz) or "" for a pure number; it is shown in ``--help``.
    """

    name: str
    default: Any
    help: str
    unit: str = ""
    type: Callable = float
    choices: tuple | None = None
    flag: str | None = None
    example: Any = None  # a valid non-default value, used by the generated option tests

    @property
    def cli_flag(self):
        return self.flag or "--" + self.name.replace("_", "-")


@dataclass
class Subject:
    """One subject: its options and up to three entry points.

    The callables given to the constructor are the subject's raw implementations; the instance's
    ``predict``, ``validate`` and ``derive`` are wrappers that every caller (CLI and Python) goes
    through, so that no option is ever silently dropped:

    derive(**options) -> dict[str, sympy object]
        labelled equations, printed by ``recnet derive`` (pretty or LaTeX).  Only the options in
        the raw function's signature are offered.
    predict(**options) -> recnet.results.Result
        the theory's numbers with ``config`` (the fully resolved options) and ``timing``.  The
        raw function must accept every option by name (no ``**kwargs``); it may return a plain
        dict of values or a ``Result`` whose ``config`` adds what it resolved itself.
    validate(backend=..., quick=..., seed=..., **options) -> recnet.validation.compare.ValidationResult
        simulate on ``backend``, compare with theory.  The raw function must accept every option
        and put each one, as it ran, in the returned ``config``; an option it cannot honour it
        refuses with ``ParameterError`` (exit 2).  An unknown option or backend is refused here.
    """

    name: str
    topic: int
    summary: str
    options: tuple = ()
    derive: Callable | None = None
    predict: Callable | None = None
    validate: Callable | None = None
    backends: tuple = ("numba",)
    references: tuple = ()
    validate_options: tuple = field(default=())  # options only `validate` takes (sizes, durations)
    predict_options: tuple = field(default=())  # options only `predict` takes

    def __post_init__(self):
        self.raw_derive, self.raw_predict, self.raw_validate = self.derive, self.predict, self.validate
        self.derive = None if self.raw_derive is None else self._run_derive
        self.predict = None if self.raw_predict is None else self._run_predict
        self.validate = None if self.raw_validate is None else self._run_validate

    def command_options(self, command="predict"):
        """The ``Option`` objects ``command`` takes (derive: those its function accepts)."""
        if command == "validate":
            return self.options + self.validate_options
        if command == "predict":
            return self.options + self.predict_options
        if command == "derive":
            params = inspect.signature(self.raw_derive).parameters if self.raw_derive else {}
            return tuple(o for o in self.options + self.predict_options if o.name in params)
        raise ParameterError("command", command, "choose derive, predict or validate")

    def defaults(self, command="predict"):
        return {o.name: o.default for o in self.command_options(command)}

    def _resolve(self, command, given):
        known = self.defaults(command)
        for name, value in given.items():
            if name not in known:
                raise ParameterError(name, value, f"not an option of `{command} {self.name}`: "
                                     f"choose from {', '.join(known) or 'none'}",
                                     f"{name} is not an option of `{command} {self.name}` "
                                     f"(its options: {', '.join(known) or 'none'})")
        return dict(known, **given)

    def _run_derive(self, **options):
        return self.raw_derive(**self._resolve("derive", options))

    def _run_predict(self, **options):
        from recnet.results import Result

        resolved = self._resolve("predict", options)
        t0 = time.perf_counter()
        out = self.raw_predict(**resolved)
        wall = time.perf_counter() - t0
        res = out if isinstance(out, Result) else Result(self.name, values=dict(out))
        res.subject = self.name
        res.config = dict(resolved, **res.config)  # what the subject resolved itself wins
        _record_model_source(res.config, resolved)
        res.timing.setdefault("wall_s", wall)
        return res

    def _run_validate(self, backend="numba", quick=False, seed=12345, **options):
        if backend not in BACKENDS:
            raise ParameterError("backend", backend, f"choose one of {', '.join(BACKENDS)}")
        if backend not in self.backends:
            raise ParameterError("backend", backend, f"`validate {self.name}` runs on "
                                 f"{', '.join(self.backends)} only")
        resolved = self._resolve("validate", options)
        t0 = time.perf_counter()
        res = self.raw_validate(backend=backend, quick=quick, seed=seed, **resolved)
        wall = time.perf_counter() - t0
        missing = [k for k in resolved if k not in res.config]
        if missing:  # a programming error, never a user error: say it loudly
            raise RuntimeError(f"`validate {self.name}` did not record option(s) {', '.join(missing)} in its "
                               "config: they may have been ignored (please report this)")
        if res.backend != backend:
            raise RuntimeError(f"`validate {self.name}` ran on {res.backend!r} although backend = {backend!r} "
                               "was asked for (please report this)")
        res.config = dict({"backend": backend, "quick": bool(quick), "seed": seed}, **res.config)
        _record_model_source(res.config, resolved)
        _move_wall_times(res.info, res.timing)
        res.timing.setdefault("wall_s", wall)
        return res


def _record_model_source(config, resolved):
    """``config["model"]`` is the fully resolved model (a dict); when the user named it by a shipped
    name or a path, that name goes in as its ``source`` so the result says where it came from."""
    given, model = resolved.get("model"), config.get("model")
    if isinstance(model, dict) and isinstance(given, (str, os.PathLike)):
        config["model"] = dict(model, source=str(given))


def _move_wall_times(info, timing, path=""):
    """Move every wall time (keys starting with ``wall``), however deeply nested in ``info``, to
    ``timing`` under its path: the same seed then gives the same JSON outside ``timing``."""
    if isinstance(info, dict):
        for k in list(info):
            where = f"{path}.{k}" if path else str(k)
            if isinstance(k, str) and k.startswith("wall"):
                timing[where] = info.pop(k)
            else:
                _move_wall_times(info[k], timing, where)
    elif isinstance(info, list):
        for i, v in enumerate(info):
            _move_wall_times(v, timing, f"{path}[{i}]")


_REGISTRY: dict[str, Subject] | None = None


def _load():
    global _REGISTRY
    if _REGISTRY is None:
        import recnet.subjects as pkg

        reg = {}
        for mod in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda m: m.name):
            if mod.name.startswith("_"):
                continue
            module = importlib.import_module(f"recnet.subjects.{mod.name}")
            for s in getattr(module, "SUBJECTS", ()):
                if s.name in reg:
                    raise RuntimeError(f"subject {s.name!r} registered twice ({module.__name__})")
                reg[s.name] = s
        _REGISTRY = dict(sorted(reg.items(), key=lambda kv: (kv[1].topic, kv[0])))
    return _REGISTRY


def all_subjects():
    """Every registered subject, ordered by topic then name."""
    return list(_load().values())


def get_subject(name):
    """The subject called ``name``; ``ParameterError`` listing the known names otherwise."""
    reg = _load()
    if name not in reg:
        raise ParameterError("subject", name, f"unknown: choose one of {', '.join(reg)}")
    return reg[name]
