"""Spike-coding networks: network of a decoder, rate QP, function approximation, memory."""
