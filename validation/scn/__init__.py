"""Spike-coding network validations, the TLN bridge and the SpiNNaker export."""
