"""Model descriptions: one declarative, checked description per model family (issue 12).

A model is loaded once at the edge, from a file (TOML or YAML, one schema, chosen by the file's
extension), from a shipped model's name, or from Python objects, and is then a plain dataclass of
floats and numpy arrays that theory wrappers, numerics, simulators and the CLI all consume.

In a file, every ``model = "FAMILY"`` table names its family; a value is a number in PyNN's unit
for that field (ms, mV, nA, nF, Hz) or a string with a unit (``"20 ms"``, ``"0.1 mV"``,
``"8 Hz"``), converted here by pint; a wrong dimension is a ``ParameterError`` naming the field.

Families register themselves with :func:`register_family` (one module per family in this package);
shipped models live in ``recnet/models/data/NAME.toml`` with a ``reference`` and a ``summary``
field, and are listed by :func:`list_models` (``recnet models``).
"""
from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

from recnet.checks import ParameterError

__all__ = ["load", "load_file", "list_models", "model_path", "default_name", "register_family", "families",
           "to_unit", "DATA"]

DATA = Path(__file__).with_name("data")
_FAMILIES: dict = {}
_UREG = None


def register_family(name, from_dict):
    """Register ``from_dict(mapping, source) -> model object`` for ``model = "name"``."""
    _FAMILIES[name] = from_dict
    return from_dict


def families():
    """The registered family names (importing every family module in this package)."""
    import recnet.models as pkg
    for m in pkgutil.iter_modules(pkg.__path__):
        if not m.name.startswith("_"):
            importlib.import_module(f"recnet.models.{m.name}")
    return sorted(_FAMILIES)


def _ureg():
    global _UREG
    if _UREG is None:
        import pint
        _UREG = pint.UnitRegistry()
    return _UREG


def to_unit(field, value, unit):
    """``value`` (a number in ``unit``, or a string such as ``"20 ms"``) as a float in ``unit``.

    ``unit`` is PyNN's unit for the field (``"ms"``, ``"mV"``, ``"nA"``, ``"nF"``, ``"Hz"``) or
    ``""`` for a pure number.  A string without a unit, a wrong dimension or a non-finite value is
    a ``ParameterError`` naming ``field``.
    """
    import math
    if isinstance(value, bool):
        raise ParameterError(field, value, f"must be a number{' in ' + unit if unit else ''}")
    if isinstance(value, (int, float)):
        v = float(value)
    elif isinstance(value, str):
        import pint
        ureg = _ureg()
        try:
            q = ureg.Quantity(value.strip())
        except (pint.errors.PintError, ValueError, TypeError, AttributeError, SyntaxError) as exc:
            raise ParameterError(field, value, f"must be a number or a quantity such as '1.5 {unit or ''}'".strip()
                                 + f" ({type(exc).__name__})") from None
        try:
            v = float(q.to(unit or "dimensionless").magnitude)
        except pint.errors.DimensionalityError:
            raise ParameterError(field, value, f"has the wrong dimension: needs {unit or 'a pure number'}") from None
    else:
        raise ParameterError(field, value, f"must be a number{' in ' + unit if unit else ''}")
    if not math.isfinite(v):
        raise ParameterError(field, value, "must be finite")
    return v


def load_file(path):
    """Read a TOML (``.toml``) or YAML (``.yaml``/``.yml``) model file into a dict."""
    path = Path(path)
    try:
        exists = path.is_file()
    except OSError:     # a name the file system cannot hold (e.g. too long)
        exists = False
    if not exists:
        raise ParameterError("model", str(path), "must be an existing file or a shipped model name "
                             f"({', '.join(n for n, _ in list_models()) or 'none shipped'})")
    ext = path.suffix.lower()
    try:
        if ext == ".toml":
            import tomllib
            with path.open("rb") as f:
                return tomllib.load(f)
        if ext in (".yaml", ".yml"):
            import yaml
            with path.open() as f:
                data = yaml.safe_load(f)
            if not isinstance(data, dict):
                raise ParameterError("model", str(path), "must hold a mapping (key: value) at top level")
            return data
    except ParameterError:
        raise
    except Exception as exc:  # a syntax error in the user's file is a user error
        raise ParameterError("model", str(path), f"could not be parsed: {exc}") from None
    raise ParameterError("model", str(path), "must end in .toml, .yaml or .yml")


def default_name(source, fallback="user"):
    """A model's name when its file gives none: a shipped model's own name, else the source as given
    (a path, or ``fallback`` for a dict or Python object)."""
    src = str(source)
    if src.startswith("<"):
        return fallback
    p = Path(src)
    return p.stem if p.parent.resolve() == DATA.resolve() else src


def model_path(name):
    """The file of a shipped model called ``name``, or None."""
    p = DATA / f"{name}.toml"
    try:
        return p if p.is_file() else None
    except OSError:     # a name the file system cannot hold (e.g. too long): not a shipped model
        return None


def list_models():
    """``[(name, dict)]`` of every shipped model (its ``model``, ``summary`` and ``reference``)."""
    out = []
    for p in sorted(DATA.glob("*.toml")):
        import tomllib
        with p.open("rb") as f:
            d = tomllib.load(f)
        out.append((p.stem, {"model": d.get("model", "?"), "summary": d.get("summary", ""),
                             "reference": d.get("reference", "")}))
    return out


def load(spec, family=None, **overrides):
    """Load a model: a shipped name, a file path, a dict, or an already loaded model object.

    ``family`` (optional) checks that the model is of that family.  ``overrides`` replace top-level
    fields before the family checks them (the CLI's options override a model file's fields).
    Returns the family's model object.
    """
    families()
    if hasattr(spec, "family") and not isinstance(spec, (str, Path, dict)):
        model = spec
        if family is not None and model.family != family:
            raise ParameterError("model", getattr(model, "name", model.family), f"must be a {family} model")
        return model.replace(**overrides) if overrides else model
    source = "<dict>"
    if isinstance(spec, (str, Path)):
        p = model_path(str(spec)) if isinstance(spec, str) and "/" not in spec and "." not in spec else None
        path = p or Path(spec)
        data = load_file(path)
        source = str(p or spec)  # a shipped model's file: its relative array files resolve next to it
    elif isinstance(spec, dict):
        data = dict(spec)
    else:
        raise ParameterError("model", spec, "must be a shipped model name, a .toml/.yaml file, a dict or a model object")
    fam = data.get("model", family)
    if fam is None:
        raise ParameterError("model", source, f"must name its family with model = ... (one of {', '.join(_FAMILIES)})")
    if family is not None and fam != family:
        raise ParameterError("model", source, f"is a {fam!r} model: this needs model = {family!r}")
    if fam not in _FAMILIES:
        raise ParameterError("model", fam, f"unknown family: choose one of {', '.join(_FAMILIES) or 'none'}")
    data.update(overrides)
    return _FAMILIES[fam](data, source)
