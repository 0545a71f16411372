"""One result type for every subject's ``predict``.

``Result`` holds what the theory computed (``values``), the fully resolved configuration it was
computed for (``config``: the model and every option, under their Python names), warnings said in
words, and a ``timing`` block kept apart so that two runs with one seed give identical JSON outside
it.  It reads like a mapping over ``values`` (``res["rate_hz"]``), and ``to_dict()`` gives the JSON
``recnet predict --json`` prints::

    {"subject": ..., "config": {...}, <values>..., "warnings": [...], "timing": {...}}

Unit convention for keys, the same in every subject: ``_hz`` (rates), ``_mv`` (voltages), ``_ms``
(times), ``_per_tau`` (rates in units of the network time constant), ``_per_s`` (rates per second);
pure numbers carry no suffix.

This module imports nothing from recnet's layers, so every layer can use it.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = ["Result", "plain"]


def drop_none(values, reasons, default="not defined for this state"):
    """``values`` without its None entries, which go to ``values["not_computed"]`` (key -> the reason in
    words, from ``reasons`` or ``default``): a result says why a quantity is missing, never null."""
    missing = {k: reasons.get(k, default) for k, v in values.items() if v is None}
    out = {k: v for k, v in values.items() if v is not None}
    if missing:
        out["not_computed"] = dict(out.get("not_computed", {}), **missing)
    return out


def plain(x):
    """Turn numpy scalars/arrays and nested containers into JSON-friendly Python values.

    Non-finite floats become ``None``; callers that must not lose them say so in words (a
    warning or an explicit field) before building the result.
    """
    if hasattr(x, "to_dict") and callable(x.to_dict):
        return plain(x.to_dict())
    if isinstance(x, np.ndarray):
        return [plain(v) for v in x.tolist()]
    if isinstance(x, (list, tuple)):
        return [plain(v) for v in x]
    if isinstance(x, (set, frozenset)):
        return sorted(plain(v) for v in x)
    if isinstance(x, Mapping):
        return {str(k): plain(v) for k, v in x.items()}
    if isinstance(x, (np.bool_, bool)):
        return bool(x)
    if isinstance(x, np.integer):
        return int(x)
    if isinstance(x, (np.floating, float)):
        v = float(x)
        return v if math.isfinite(v) else None
    if isinstance(x, np.complexfloating):
        return {"re": plain(x.real), "im": plain(x.imag)}
    return x


@dataclass
class Result(Mapping):
    """What every subject's ``predict`` returns.

    Attributes
    ----------
    subject : str
        the subject's name (``recnet list``).
    values : dict
        the theory's numbers, snake_case keys with the unit in the key (``rate_hz``, ``mu_mv``).
    config : dict
        the fully resolved model and options this result was computed for (Python names, PyNN units).
    warnings : list of str
        statements about the result's validity (outside a theory's stated domain, an asymptotic
        answer ...), in words.
    timing : dict
        wall times in seconds; excluded from reproducibility comparisons.
    """

    subject: str
    values: dict = field(default_factory=dict)
    config: dict = field(default_factory=dict)
    warnings: list = field(default_factory=list)
    timing: dict = field(default_factory=dict)

    # Mapping over ``values``: ``res["rate_hz"]``, ``"rate_hz" in res``, ``dict(res)``.
    def __getitem__(self, key):
        return self.values[key]

    def __iter__(self):
        return iter(self.values)

    def __len__(self):
        return len(self.values)

    def __getattr__(self, name):
        # attribute access to values (res.rate_hz); dataclass fields are found before this runs
        values = self.__dict__.get("values")
        if values is not None and name in values:
            return values[name]
        raise AttributeError(f"{type(self).__name__} has no attribute or value {name!r}")

    def to_dict(self):
        """The JSON object ``recnet predict --json`` prints."""
        out = {"subject": self.subject, "config": plain(self.config)}
        for k, v in self.values.items():
            if k in ("subject", "config", "warnings", "timing"):
                raise RuntimeError(f"value key {k!r} collides with a Result block")
            out[k] = plain(v)
        out["warnings"] = list(self.warnings)
        out["timing"] = plain(self.timing)
        return out

    def without_timing(self):
        """``to_dict()`` without the ``timing`` block (for reproducibility checks)."""
        d = self.to_dict()
        d.pop("timing", None)
        return d
