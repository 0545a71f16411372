"""DMFT derivations (sympy): stationary, driven, low-rank, Gaussian kernels."""
