"""Shared fixtures and backend skip markers (the same feature test runs on every backend)."""
import importlib.util
import os

import matplotlib
import pytest

matplotlib.use("Agg")
os.environ.setdefault("MPLBACKEND", "Agg")

HAS_NEST = importlib.util.find_spec("nest") is not None and importlib.util.find_spec("pyNN") is not None
HAS_SPINNAKER = importlib.util.find_spec("spynnaker") is not None

requires_nest = pytest.mark.skipif(not HAS_NEST, reason="NEST backend needs PyNN and nest-simulator (pip install recnet[nest])")
requires_spinnaker = pytest.mark.skipif(not HAS_SPINNAKER, reason="SpiNNaker backend needs sPyNNaker (pip install recnet[spinnaker])")


@pytest.fixture(params=["numba", pytest.param("nest", marks=[requires_nest, pytest.mark.nest])])
def spiking_backend(request):
    """Run a feature test on the built-in simulator and on NEST."""
    return request.param
