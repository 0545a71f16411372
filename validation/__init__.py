"""Network descriptions in PyNN vocabulary, simulators (numba, NEST, SpiNNaker) and theory-vs-simulation comparisons.

Modules load on first attribute access (`recnet.validation.<module>`), so importing the package is cheap.
"""
from recnet._lazy import lazy_submodules as _lazy

__getattr__, __dir__ = _lazy(__name__, __path__)
