"""recnet: a theory engine for recurrent neural networks.

Layers (dependencies flow one way, theory <- numerics <- validation <- papers/CLI):

- ``recnet.theory``: sympy derivations (equations a user can print, differentiate, substitute);
- ``recnet.numerics``: numba kernels and solvers that evaluate them;
- ``recnet.validation``: network descriptions in PyNN's vocabulary, simulators (built-in numba,
  NEST through PyNN, SpiNNaker through sPyNNaker) and theory-vs-simulation comparisons;
- ``recnet.papers``: one script per reproduced published figure.

``recnet.subjects()`` lists the theory subjects the command line knows; ``recnet.subject(name)``
returns one (its ``derive``, ``predict`` and ``validate`` are the Python entry points).
"""
from importlib import import_module as _import_module

__version__ = "0.1.0"

_LAZY = {"theory", "numerics", "validation", "papers", "checks", "registry", "cli", "results", "models"}

from recnet.checks import ParameterError  # noqa: E402  (the one exception type for bad input)


def __getattr__(name):
    # Layers load lazily so that `import recnet` (and the CLI's `list`) stays fast.
    if name in _LAZY:
        return _import_module(f"recnet.{name}")
    raise AttributeError(f"module 'recnet' has no attribute {name!r}")


def subjects():
    """Return every registered theory subject, in the order `recnet list` shows them."""
    from recnet.registry import all_subjects
    return all_subjects()


def subject(name):
    """Return the registered subject called ``name`` (see ``recnet list``)."""
    from recnet.registry import get_subject
    return get_subject(name)
