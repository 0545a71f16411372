"""Subject modules: each defines ``SUBJECTS``, a list of ``recnet.registry.Subject``."""
