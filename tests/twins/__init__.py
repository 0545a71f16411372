"""Naive twins: slow, obviously correct plain-Python/numpy versions of recnet's compiled kernels.

They are test oracles only (the tests and some benchmarks compare the kernels with them), so they
live here rather than in the public ``recnet.numerics`` modules (issue 12, item 6).  One module per
numerics module, named after it (``numerics/tln/simulate.py`` -> ``tests/twins/tln_simulate.py``).
Import them as ``from tests.twins import lif_delta as twin``: pytest puts the repo root on
``sys.path`` (``pythonpath = ["."]`` in pyproject.toml); a benchmark script inserts it itself.
"""
