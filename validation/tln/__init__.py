"""Threshold-linear network validations (rate and spiking)."""
