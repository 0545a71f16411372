"""DMFT theory-vs-simulation comparisons and their finite-size extrapolation."""
