"""Spike-coding networks (sympy): network of a decoder, memory, low-rank E-I."""
