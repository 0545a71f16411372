"""One module per reproduced published figure; each has NAME, TITLE, REFERENCE and make(out, quick) and runs as a script.

Modules load on first attribute access (`recnet.papers.<module>`), so importing the package is cheap.
"""
from recnet._lazy import lazy_submodules as _lazy

__getattr__, __dir__ = _lazy(__name__, __path__)
