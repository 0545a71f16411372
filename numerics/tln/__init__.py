"""Threshold-linear networks: fixed-point enumeration, simulation, Dale networks."""
