"""Theory-vs-simulation records: one ``Comparison`` per quantity, gathered in a ``ValidationResult``.

Every comparison carries the predicted value, the simulated value, the simulated value's standard
error and the rule that decided agreement, so a reader can redo the verdict.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = ["Comparison", "ValidationResult", "compare", "compare_exact", "format_table"]


def _plain(x):
    """Turn numpy scalars/arrays into JSON-friendly Python values (NaN/inf become None)."""
    if isinstance(x, np.ndarray):
        return [_plain(v) for v in x.tolist()]
    if isinstance(x, (list, tuple)):
        return [_plain(v) for v in x]
    if isinstance(x, (set, frozenset)):
        return sorted(_plain(v) for v in x)
    if isinstance(x, dict):
        return {str(k): _plain(v) for k, v in x.items()}
    if isinstance(x, (np.bool_, bool)):
        return bool(x)
    if isinstance(x, (np.integer,)):
        return int(x)
    if isinstance(x, (np.floating, float)):
        v = float(x)
        return v if math.isfinite(v) else None
    return x


@dataclass
class Comparison:
    """One theory-vs-simulation comparison.

    Attributes
    ----------
    quantity : str
        snake_case name with its unit in the name (``rate_e_hz``, ``delta0``).
    predicted, simulated :
        the theory's value and the simulation's estimate (numbers, or sets/labels for exact checks).
    stderr : float or None
        standard error of ``simulated`` (None for exact comparisons).
    agree : bool
        the verdict of ``rule``.
    rule : str
        how agreement was decided, e.g. ``|sim - pred| <= 3 stderr + 3% |pred|``.
    applicable : bool
        False when the simulated state lies outside the domain the theory claims (say why in
        ``note``, e.g. a stationary-state formula in an oscillating network): the values are still
        reported, ``agree`` is shown as n/a (None in JSON) and does not enter the verdict.
    """

    quantity: str
    predicted: Any
    simulated: Any
    stderr: float | None
    agree: bool
    rule: str = ""
    note: str = ""
    applicable: bool = True

    def not_applicable(self, reason):
        """Mark this comparison as outside the theory's domain, with the reason."""
        self.applicable = False
        self.note = f"{self.note}; not compared: {reason}" if self.note else f"not compared: {reason}"
        return self

    def to_dict(self):
        return _plain({"quantity": self.quantity, "predicted": self.predicted,
                       "simulated": self.simulated, "stderr": self.stderr,
                       "agree": bool(self.agree) if self.applicable else None,
                       "applicable": self.applicable, "rule": self.rule, "note": self.note})


def compare(quantity, predicted, simulated, stderr, *, n_sigma=3.0, rel_tol=0.0, abs_tol=0.0, note=""):
    """Numerical comparison: agree when ``|sim - pred| <= n_sigma*stderr + rel_tol*|pred| + abs_tol``.

    ``stderr`` is the standard error of the simulated estimate (derived from the run's length and
    size by the caller); ``rel_tol`` covers a stated systematic error of the theory (for instance
    the diffusion approximation), ``abs_tol`` a stated discretisation error.
    """
    p, s = float(predicted), float(simulated)
    se = float(stderr) if stderr is not None else 0.0
    if not (math.isfinite(p) and math.isfinite(s)):
        agree = False
    else:
        agree = abs(s - p) <= n_sigma * se + rel_tol * abs(p) + abs_tol
    parts = []
    if stderr is not None and n_sigma:
        parts.append(f"{n_sigma:g} stderr")
    if rel_tol:
        parts.append(f"{100 * rel_tol:g}% |pred|")
    if abs_tol:
        parts.append(f"{abs_tol:g}")
    rule = "|sim - pred| <= " + (" + ".join(parts) if parts else "0")
    return Comparison(quantity, p, s, None if stderr is None else se, bool(agree), rule, note)


def compare_exact(quantity, predicted, simulated, note=""):
    """Exact comparison of sets, labels or booleans (no standard error)."""
    agree = _plain(predicted) == _plain(simulated)
    return Comparison(quantity, predicted, simulated, None, bool(agree), "equal", note)


@dataclass
class ValidationResult:
    """What ``validate`` returns: the configuration it ran, comparisons, simulated data, figures.

    Attributes
    ----------
    subject, backend : str
    comparisons : list of Comparison
    config : dict
        the fully resolved model and options the simulation and the theory ran with (Python
        names, PyNN units): filled by the subject from what it actually passed to the simulator.
    data : dict
        simulated data: ``spikes`` as ``{population: list of arrays of spike times in ms}`` (see
        ``to_neo``), traces as arrays.  Not part of the JSON.
    figures : dict
        short file stem -> matplotlib Figure.
    info : dict
        JSON-friendly facts about the run (network size, backend resources ...).
    timing : dict
        wall times in seconds, kept apart from everything else so that two runs with one seed give
        identical JSON outside ``timing``.
    """

    subject: str
    backend: str
    comparisons: list = field(default_factory=list)
    figures: dict = field(default_factory=dict)
    info: dict = field(default_factory=dict)
    config: dict = field(default_factory=dict)
    data: dict = field(default_factory=dict)
    timing: dict = field(default_factory=dict)

    @property
    def agree(self):
        """True when there is at least one applicable comparison and every applicable one agrees."""
        used = [c for c in self.comparisons if c.applicable]
        return bool(used) and all(c.agree for c in used)

    def to_dict(self):
        return _plain({"subject": self.subject, "backend": self.backend, "config": self.config,
                       "agree": self.agree, "comparisons": [c.to_dict() for c in self.comparisons],
                       "info": self.info, "timing": self.timing})

    def to_neo(self, t_stop_ms=None):
        """The simulated spikes as a ``neo.Block`` (one Segment, one SpikeTrain per neuron).

        ``data["spikes"]`` must map a population name to a list of spike-time arrays (ms); each
        train is annotated with its population and index.  Raises ``ValueError`` naming what is
        missing when this validation recorded no spikes (rate networks record traces instead).
        """
        spikes = self.data.get("spikes")
        if not spikes:
            raise ValueError(f"{self.subject} on {self.backend} recorded no spikes: its data holds "
                             f"{', '.join(self.data) or 'nothing'}")
        import neo
        import quantities as pq

        if t_stop_ms is None:
            t_stop_ms = self.data.get("t_stop_ms")
        if t_stop_ms is None:
            t_stop_ms = max((float(np.max(t)) for trains in spikes.values() for t in trains if len(t)),
                            default=0.0) + 1.0
        block = neo.Block(name=f"recnet {self.subject}", backend=self.backend)
        seg = neo.Segment(name="run")
        block.segments.append(seg)
        for pop, trains in spikes.items():
            for i, t in enumerate(trains):
                seg.spiketrains.append(neo.SpikeTrain(np.asarray(t, float) * pq.ms, t_stop=t_stop_ms * pq.ms,
                                                      population=str(pop), index=i))
        return block


def _fmt(x):
    x = _plain(x)
    if isinstance(x, float):
        return f"{x:.6g}"
    if x is None:
        return "nan"
    s = str(x)
    return s if len(s) <= 40 else s[:37] + "..."


def format_table(comparisons, markdown=False):
    """A table: quantity, predicted, simulated +- stderr, agree, rule."""
    rows = []
    for c in comparisons:
        sim = _fmt(c.simulated)
        if c.stderr is not None:
            sim += f" +- {_fmt(c.stderr)}"
        verdict = "n/a" if not c.applicable else ("yes" if c.agree else "NO")
        rows.append((c.quantity, _fmt(c.predicted), sim, verdict, c.rule))
    head = ("quantity", "predicted", "simulated +- stderr", "agree", "rule")
    why = [f"{c.quantity}: {c.note}" for c in comparisons if not c.applicable]
    if markdown:
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in r) + " |" for r in rows]
        lines += ([""] + [f"- n/a {w}" for w in why]) if why else []
        return "\n".join(lines)
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(head)]
    fmt = "  ".join("{:<%d}" % w for w in widths)
    out = [fmt.format(*head), fmt.format(*("-" * w for w in widths))]
    out += [fmt.format(*r) for r in rows]
    out += [f"n/a {w}" for w in why]
    return "\n".join(out)
