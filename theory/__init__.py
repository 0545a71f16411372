"""Symbolic derivations (sympy). Nothing here imports recnet.numerics or recnet.validation.

Modules load on first attribute access (`recnet.theory.<module>`), so importing the package is cheap.
"""
from importlib import import_module as _import_module
import pkgutil as _pkgutil


def __getattr__(name):
    if not name.startswith("_") and any(m.name == name for m in _pkgutil.iter_modules(__path__)):
        return _import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(m.name for m in _pkgutil.iter_modules(__path__) if not m.name.startswith("_"))
