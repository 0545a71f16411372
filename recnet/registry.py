"""The registry of theory subjects.

A subject is one thing ``recnet derive/predict/validate`` can do (``brunel``, ``siegert``,
``dmft`` ...).  Each module in ``recnet/subjects/`` defines a list ``SUBJECTS`` of ``Subject``
objects; the registry imports every such module, so a new subject is one new file.  Subject modules
import heavy layers (sympy, numba, simulators) inside their functions, which keeps ``recnet list``
fast.
"""
from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field
from typing import Any, Callable

__all__ = ["Option", "Subject", "all_subjects", "get_subject", "TOPICS"]

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

    @property
    def cli_flag(self):
        return self.flag or "--" + self.name.replace("_", "-")


@dataclass
class Subject:
    """One subject: its options and up to three entry points.

    derive() -> dict[str, sympy object]
        labelled equations, printed by ``recnet derive`` (pretty or LaTeX).
    predict(**options) -> dict
        the theory's numbers; JSON-friendly, snake_case keys with units in them (``rate_hz``).
    validate(backend=..., quick=..., seed=..., **options) -> recnet.validation.compare.ValidationResult
        simulate on ``backend``, compare with theory.
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

    def defaults(self, command="predict"):
        opts = self.options + (self.validate_options if command == "validate" else ())
        return {o.name: o.default for o in opts}


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
    """The subject called ``name``; ``ValueError`` listing the known names otherwise."""
    reg = _load()
    if name not in reg:
        raise ValueError(f"subject = {name!r} is unknown: choose one of {', '.join(reg)}")
    return reg[name]
