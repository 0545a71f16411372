"""Input checks shared by every layer.

Each check names the parameter, the value it got and the valid range, and raises ``ValueError``
(or ``TypeError`` for the wrong kind of object), so that bad input never reaches a numba kernel
or a simulator.  Units are PyNN's (ms, mV, nA, nF, Hz); pass the unit so the message can say it.

This module imports nothing from recnet, so theory, numerics and validation can all use it.
"""
from __future__ import annotations

import numbers

import numpy as np

__all__ = [
    "ParameterError", "positive", "nonnegative", "in_range", "less_than", "integer", "finite",
    "array", "square_matrix", "rng",
]


class ParameterError(ValueError):
    """Bad user input: names the parameter, the value it got and the valid range.

    A ``ValueError`` (so ``except ValueError`` still catches it) with three attributes the command
    line and callers can read: ``name`` (the Python name of the option or model field), ``value``
    (what was given) and ``valid`` (a short text: the valid range or choices).  Raised before any
    long computation; the CLI prints ``recnet: error: MESSAGE`` and exits with status 2.
    """

    def __init__(self, name, value, valid, message=None):
        self.name, self.value, self.valid = name, value, valid
        super().__init__(message or f"{name} = {value!r} is invalid: {valid}")


class ParameterTypeError(ParameterError, TypeError):
    """A ``ParameterError`` for the wrong kind of object (also a ``TypeError``)."""


def _fmt(name, value, unit):
    u = f" {unit}" if unit else ""
    return f"{name} = {value!r}{u}"


def _real(name, value):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise ParameterTypeError(name, value, "must be a real number",
                                 f"{name} must be a real number, got {type(value).__name__} {value!r}")
    v = float(value)
    if not np.isfinite(v):
        raise ParameterError(name, value, "must be finite")
    return v


def finite(name, value, unit=""):
    """Return ``value`` as a float after checking it is a finite real number."""
    return _real(name, value)


def positive(name, value, unit=""):
    """Return ``value`` as a float; raise unless it is finite and > 0."""
    v = _real(name, value)
    if not v > 0:
        raise ParameterError(name, value, f"must be > 0{' ' + unit if unit else ''}",
                             f"{_fmt(name, value, unit)} is invalid: must be > 0{' ' + unit if unit else ''}")
    return v


def nonnegative(name, value, unit=""):
    """Return ``value`` as a float; raise unless it is finite and >= 0."""
    v = _real(name, value)
    if not v >= 0:
        raise ParameterError(name, value, f"must be >= 0{' ' + unit if unit else ''}",
                             f"{_fmt(name, value, unit)} is invalid: must be >= 0{' ' + unit if unit else ''}")
    return v


def in_range(name, value, low=-np.inf, high=np.inf, *, low_inclusive=True, high_inclusive=True, unit=""):
    """Return ``value`` as a float; raise unless it lies in the stated interval."""
    v = _real(name, value)
    ok_lo = v >= low if low_inclusive else v > low
    ok_hi = v <= high if high_inclusive else v < high
    if not (ok_lo and ok_hi):
        lb = "[" if low_inclusive else "("
        hb = "]" if high_inclusive else ")"
        u = f" {unit}" if unit else ""
        valid = f"must lie in {lb}{low:g}, {high:g}{hb}{u}"
        raise ParameterError(name, value, valid, f"{_fmt(name, value, unit)} is invalid: {valid}")
    return v


def less_than(name_a, a, name_b, b, unit=""):
    """Raise unless ``a < b`` (for instance v_reset < v_thresh)."""
    a = _real(name_a, a)
    b = _real(name_b, b)
    if not a < b:
        u = f" {unit}" if unit else ""
        raise ParameterError(name_a, a, f"must be below {name_b} = {b:g}{u}",
                             f"{name_a} = {a:g}{u} is invalid: must be below {name_b} = {b:g}{u}")
    return a, b


def integer(name, value, minimum=None, maximum=None):
    """Return ``value`` as an int; raise TypeError for non-integers and ValueError out of range."""
    if isinstance(value, (bool, np.bool_)):
        raise ParameterTypeError(name, value, "must be an integer", f"{name} must be an integer, got bool {value!r}")
    if isinstance(value, numbers.Integral):
        v = int(value)
    elif isinstance(value, numbers.Real) and float(value).is_integer():
        v = int(value)
    else:
        raise ParameterTypeError(name, value, "must be an integer",
                                 f"{name} must be an integer, got {type(value).__name__} {value!r}")
    if minimum is not None and v < minimum:
        raise ParameterError(name, v, f"must be >= {minimum}")
    if maximum is not None and v > maximum:
        raise ParameterError(name, v, f"must be <= {maximum}")
    return v


def array(name, x, *, ndim=None, shape=None, dtype=float, allow_nonfinite=False):
    """Return ``x`` as a contiguous numpy array of ``dtype`` after checking its shape and values."""
    try:
        a = np.ascontiguousarray(x, dtype=dtype)
    except (TypeError, ValueError) as exc:
        raise ParameterTypeError(name, "<array>", f"must be array-like of {np.dtype(dtype).name}",
                                 f"{name} must be array-like of {np.dtype(dtype).name}: {exc}") from None
    if ndim is not None and a.ndim != ndim:
        raise ParameterError(name, f"<array of shape {a.shape}>", f"must have {ndim} dimension(s)",
                             f"{name} has shape {a.shape}: must have {ndim} dimension(s)")
    if shape is not None:
        want = tuple(shape)
        if len(want) != a.ndim or any(w is not None and w != s for w, s in zip(want, a.shape)):
            raise ParameterError(name, f"<array of shape {a.shape}>", f"must have shape {want}",
                                 f"{name} has shape {a.shape}: must have shape {want}")
    if not allow_nonfinite and np.issubdtype(a.dtype, np.floating) and not np.all(np.isfinite(a)):
        raise ParameterError(name, "<array>", "must be finite", f"{name} contains NaN or infinite values")
    return a


def square_matrix(name, W, *, n=None, dtype=float):
    """Return ``W`` as a square float matrix, optionally of size ``n``."""
    a = array(name, W, ndim=2, dtype=dtype)
    if a.shape[0] != a.shape[1]:
        raise ParameterError(name, f"<array of shape {a.shape}>", "must be a square matrix",
                             f"{name} has shape {a.shape}: must be a square matrix")
    if n is not None and a.shape[0] != n:
        raise ParameterError(name, f"<array of shape {a.shape}>", f"must be ({n}, {n})",
                             f"{name} has shape {a.shape}: must be ({n}, {n})")
    return a


def rng(seed=None):
    """Return a numpy ``Generator`` from an int seed, a ``SeedSequence`` or a ``Generator``."""
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is None or isinstance(seed, (numbers.Integral, np.random.SeedSequence)):
        if isinstance(seed, numbers.Integral) and seed < 0:
            raise ParameterError("seed", seed, "must be >= 0")
        return np.random.default_rng(seed)
    raise ParameterTypeError("seed", seed, "must be an int, a SeedSequence or a numpy Generator",
                             f"seed must be an int, a SeedSequence or a numpy Generator, got {type(seed).__name__}")
