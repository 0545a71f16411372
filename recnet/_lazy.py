"""Lazy submodule access for the layer packages (recnet.theory, .numerics, .validation, .papers).

A layer's modules load on first attribute access, so ``import recnet.theory`` stays cheap (sympy,
numba and the simulators are imported only by the modules that need them).
"""
from importlib import import_module
import pkgutil


def lazy_submodules(package_name, package_path):
    """Return ``(__getattr__, __dir__)`` for a package whose public modules load on first access."""

    def public():
        return sorted(m.name for m in pkgutil.iter_modules(package_path) if not m.name.startswith("_"))

    def __getattr__(name):
        if not name.startswith("_") and name in public():
            return import_module(f"{package_name}.{name}")
        raise AttributeError(f"module {package_name!r} has no attribute {name!r}")

    def __dir__():
        return public()

    return __getattr__, __dir__
