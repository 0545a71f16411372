"""One entry point for every simulator: ``simulate(network, t_sim, backend=...)``.

Backends
--------
``"numba"`` (default)
    recnet's built-in simulator (``recnet.validation.simulators.backend_numba``): exact integration of
    ``iaf_psc_delta`` on the grid, same semantics as NEST.
``"nest"``
    NEST 3 through ``pyNN.nest`` (``recnet.validation.simulators.backend_nest``); needs ``recnet[nest]``.
``"spinnaker"``
    sPyNNaker through ``pyNN.spiNNaker`` (``recnet.validation.simulators.backend_spinnaker``); without a
    reachable board it maps the network on a virtual SpiNN-5 board and returns no spikes, only the
    resources (``result.info["chips"]``, ``["cores"]``); needs ``recnet[spinnaker]``.

Example
-------
>>> from recnet.validation.brunel import brunel_network
>>> from recnet.validation.simulators.simulate import simulate
>>> res = simulate(brunel_network(n_e=1000), 200.0, seed=1)      # doctest: +SKIP
>>> res.rate("E", t_start=100.0)                                   # doctest: +SKIP
(31.2, 0.8)
"""
from __future__ import annotations

from recnet import checks

__all__ = ["simulate", "BACKENDS"]

BACKENDS = ("numba", "nest", "spinnaker")


def simulate(network, t_sim, *, backend="numba", dt=0.1, seed=12345, connections=None, progress=None,
             **options):
    """Simulate a network description for ``t_sim`` ms.

    Parameters
    ----------
    network : recnet.validation.simulators.network.Network
    t_sim : float
        simulated time (ms).
    backend : {"numba", "nest", "spinnaker"}
    dt : float
        time step (ms); SpiNNaker accepts 1.0 or 0.1.
    seed : int
        seeds recnet's connectivity draw (``network.connectivity(seed)``) and the backend's noise.
    connections : list, optional
        connectivity drawn beforehand (``network.connectivity(seed)``) to give several backends
        the same network.
    progress : bool or None
        progress bar (None: only on a terminal).
    **options
        backend-specific: ``threads`` (numba, nest), ``connectivity="recnet"|"native"`` (nest:
        "native" lets NEST draw random connectors itself, faster but a different network),
        ``workdir`` (spinnaker).

    Returns
    -------
    recnet.validation.simulators.spikes.SimulationResult
    """
    from recnet.validation.simulators.network import Network

    if not isinstance(network, Network):
        raise TypeError(f"network must be a recnet.validation.simulators.network.Network, got {type(network).__name__}")
    if backend not in BACKENDS:
        raise ValueError(f"backend = {backend!r} is invalid: must be one of {', '.join(BACKENDS)}")
    dt = checks.positive("dt", dt, "ms")
    checks.positive("t_sim", t_sim, "ms")
    if backend == "numba":
        from recnet.validation.simulators import backend_numba as b
    elif backend == "nest":
        from recnet.validation.simulators import backend_nest as b
    else:
        from recnet.validation.simulators import backend_spinnaker as b
    return b.run(network, t_sim, dt=dt, seed=seed, connections=connections, progress=progress, **options)
