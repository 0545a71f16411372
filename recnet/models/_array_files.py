"""Numeric array fields of model files: inline lists, numpy arrays, or a referenced file.

A field may hold the numbers inline (a TOML/YAML list of rows), a numpy array (Python input), or
a string naming a file (``.npy``; ``.npz`` with one array or ``FILE.npz:KEY``; ``.csv``/``.txt``
with comma- or whitespace-separated rows), resolved relative to the model file that names it.
Every failure is a ``ParameterError`` naming the field.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from recnet.checks import ParameterError

__all__ = ["read_array", "base_dir"]


def base_dir(source):
    """The folder relative file references of a model from ``source`` are resolved against."""
    if source and source != "<dict>":
        from recnet.models import model_path
        p = model_path(source) if "/" not in source and "." not in source else None
        p = p or Path(source)
        if p.is_file():
            return p.parent
    return Path.cwd()


def _read_file(field, text, base):
    key = None
    name = text
    if ".npz:" in text:
        name, key = text.rsplit(":", 1)
    path = Path(name).expanduser()
    if not path.is_absolute():
        path = Path(base) / path
    if not path.is_file():
        raise ParameterError(field, text, "must be a list of numbers or an existing .npy, .npz or .csv file")
    ext = path.suffix.lower()
    try:
        if ext == ".npy":
            return np.load(path, allow_pickle=False)
        if ext == ".npz":
            with np.load(path, allow_pickle=False) as z:
                if key is None:
                    if len(z.files) != 1:
                        raise ParameterError(field, text, f"holds arrays {z.files}: name one as FILE.npz:KEY")
                    key = z.files[0]
                if key not in z.files:
                    raise ParameterError(field, text, f"has no array {key!r} (it holds {z.files})")
                return np.asarray(z[key])
        raw = path.read_text()
        rows = [r for r in raw.splitlines() if r.strip() and not r.lstrip().startswith("#")]
        if not rows:
            raise ParameterError(field, text, "is empty: needs at least one row of numbers")
        delim = "," if any("," in r for r in rows) else None
        return np.array([[float(t) for t in (r.split(delim) if delim else r.split()) if t.strip() != ""]
                         for r in rows], dtype=float)
    except ParameterError:
        raise
    except (ValueError, OSError) as exc:
        raise ParameterError(field, text, f"cannot be read as numbers: {exc}") from None


def _inline(text, base):
    """True for inline numbers ('1,2;3,4', '0.5') rather than a file name."""
    t = text.strip()
    if not t or Path(t).suffix.lower() in (".npy", ".npz", ".csv", ".txt") or ".npz:" in t:
        return False
    if (Path(base or Path.cwd()) / t).is_file() or Path(t).is_file():
        return False
    return all(ch in "0123456789.,;eE+- \t" for ch in t)


def read_array(field, value, base=None, *, ndim=None, allow_empty=False):
    """``value`` (inline list, numpy array, number or file name) as a finite float array.

    ``ndim`` 1 or 2 checks the dimension (a single row file read for a 1-d field is flattened;
    a number for a 1-d field becomes a length-1 array).
    """
    if isinstance(value, str) and _inline(value, base):
        try:   # inline rows: '1,2;3,4' (rows separated by ';')
            a = np.array([[float(t) for t in row.split(",") if t.strip()] for row in value.split(";") if row.strip()])
        except ValueError:
            raise ParameterError(field, value, "must be numbers: inline rows '1,2;3,4' or a file") from None
    elif isinstance(value, (str, Path)):
        a = _read_file(field, str(value), base if base is not None else Path.cwd())
    else:
        if isinstance(value, bool):
            raise ParameterError(field, value, "must be numbers")
        try:
            a = np.array(value, dtype=float)
        except (TypeError, ValueError):
            raise ParameterError(field, value if np.ndim(value) == 0 else "<array>",
                                 "must be numbers (a list, a list of rows or a file)") from None
    a = np.asarray(a, dtype=float)
    if ndim == 1:
        if a.ndim == 0:
            a = a.reshape(1)
        elif a.ndim == 2 and 1 in a.shape:
            a = a.ravel()
    if ndim is not None and a.ndim != ndim:
        raise ParameterError(field, f"<array of shape {a.shape}>", f"must have {ndim} dimension(s)")
    if a.size == 0 and not allow_empty:
        raise ParameterError(field, "<empty>", "must hold at least one number")
    if not np.all(np.isfinite(a)):
        raise ParameterError(field, "<array>", "must be finite (no NaN or inf)")
    return np.ascontiguousarray(a)
