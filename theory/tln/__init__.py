"""Threshold-linear networks (sympy/exact): fixed points, CTLN graph rules, Dale, codes."""
