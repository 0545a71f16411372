"""The simulators in one place: network descriptions in PyNN's vocabulary, the numba, NEST
and SpiNNaker backends, spike containers."""
