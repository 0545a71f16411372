"""Dynamic mean-field theory solvers: stationary, driven, low-rank, two-time."""
