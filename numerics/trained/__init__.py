"""Trained networks: fixed points, slow points and a small trainer (issue 17)."""
