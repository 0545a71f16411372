"""Numba kernels and solvers that evaluate what recnet.theory derives.

Modules load on first attribute access (`recnet.numerics.<module>`), so importing the package is cheap.
"""
from recnet._lazy import lazy_submodules as _lazy

__getattr__, __dir__ = _lazy(__name__, __path__)
