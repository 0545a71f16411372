"""Lyapunov spectra of rate, theta and LIF networks."""
