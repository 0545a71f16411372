"""Symbolic derivations (sympy). Nothing here imports recnet.numerics or recnet.validation.

Modules load on first attribute access (`recnet.theory.<module>`), so importing the package is cheap.
"""
from recnet._lazy import lazy_submodules as _lazy

__getattr__, __dir__ = _lazy(__name__, __path__)
