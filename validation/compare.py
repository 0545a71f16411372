"""Theory-vs-simulation records: one ``Comparison`` per quantity, gathered in a ``ValidationResult``.

Every comparison carries what decided it -- the predicted value, the simulated value, the simulated
value's standard error, the distribution the rule assumes for the standardised error
z = (sim - pred)/stderr (normal, or Student-t with ``dof`` degrees of freedom), a derived
``systematic`` allowance with its derivation, and the family it belongs to -- so a reader (and
``recnet calibrate``) can redo the verdict, also for a shifted prediction (:meth:`Comparison.decide`).

Family-wise verdict (:meth:`ValidationResult.decide`).  A subject's statistical rows (those with a
standard error) are tested together at the family-wise level ``FAMILY_LEVEL``: rows that share a
``family`` (correlated estimates, e.g. the lags of one autocorrelation) form one family, every
other row is a family of its own; of M rows in all, a family of m rows gets the level
1 - (1 - alpha)^(m/M) (so the families' levels multiply to 1 - alpha) and is decided by its
largest excess |z| against the Sidak quantile for m rows at that level (the max-|z| rule; Sidak's
inequality makes it valid for correlated two-sided normal rows, conservative when they are
positively correlated).  Row i agrees when

    |sim_i - pred_i| <= q_i stderr_i + systematic_i,

q_i the quantile of its assumed distribution at the per-row level (1 - alpha_family)^(1/m).  So the
probability that a correct theory is called DISAGREE is at most alpha = ``FAMILY_LEVEL`` per subject,
whatever the number of rows.  Rows without a standard error are deterministic
(``|sim - pred| <= systematic``) or exact (sets, labels).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = ["Comparison", "ValidationResult", "compare", "compare_exact", "format_table", "FAMILY_LEVEL",
           "quantile", "sidak_quantile"]

#: family-wise false-disagree probability of one subject's verdict (the usual 3-sigma level, now
#: per subject instead of per row); ``recnet calibrate`` measures the realised rate.
FAMILY_LEVEL = 0.0027


from recnet.results import plain as _plain  # noqa: E402  (one JSON conversion for every result)


def quantile(two_sided_level, dof=None):
    """Two-sided quantile q with P(|Z| <= q) = level, Z standard normal (dof None) or Student-t(dof)."""
    from scipy import stats

    p = 0.5 + 0.5 * float(two_sided_level)
    return float(stats.norm.ppf(p) if dof is None else stats.t.ppf(p, max(float(dof), 1.0)))


def coverage(q, dof=None):
    """P(|Z| <= q) for the standard normal (dof None) or Student-t(dof): the inverse of :func:`quantile`."""
    from scipy import stats

    return float(2 * (stats.norm.cdf(q) if dof is None else stats.t.cdf(q, max(float(dof), 1.0))) - 1)


def sidak_quantile(m, alpha=FAMILY_LEVEL, dof=None):
    """Quantile for the largest |z| of m rows at family-wise level alpha (Sidak: per-row level
    (1 - alpha)^(1/m))."""
    return quantile((1.0 - alpha) ** (1.0 / max(int(m), 1)), dof)


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
        standard error of ``simulated`` (None for deterministic and exact comparisons).
    agree : bool
        the verdict (after :meth:`ValidationResult.decide`, the family-wise one).
    rule : str
        how agreement was decided, e.g. ``|sim - pred| <= 3.4 stderr + systematic``.
    applicable : bool
        False when the simulated state lies outside the domain the theory claims (say why in
        ``note``, e.g. a stationary-state formula in an oscillating network): the values are still
        reported, ``agree`` is shown as n/a (None in JSON) and does not enter the verdict.
    n_sigma : float
        the quantile of the assumed z distribution used for the decision.
    dof : float or None
        degrees of freedom of the stderr (Student-t); None: normal.
    systematic : float
        allowance for a systematic error of the comparison, in the quantity's unit, computed from
        the model (never a hand-set percentage); ``systematic_why`` says how.
    family : str or None
        rows with the same family are correlated and decided together (max-|z| rule).
    kind : {"statistical", "deterministic", "exact"}
    stderr_parts : dict or None
        the independent parts of ``stderr`` (added in quadrature), the simulation's own first,
        e.g. ``{"simulation": 0.19, "open_loop_bias": 0.26}``; ``recnet calibrate`` reports the
        spread of (sim - pred) over the first part, which tests that part alone.
    """

    quantity: str
    predicted: Any
    simulated: Any
    stderr: float | None
    agree: bool
    rule: str = ""
    note: str = ""
    applicable: bool = True
    n_sigma: float = 3.0
    dof: float | None = None
    systematic: float = 0.0
    systematic_why: str = ""
    family: str | None = None
    kind: str = "statistical"
    stderr_parts: dict | None = None

    def not_applicable(self, reason):
        """Mark this comparison as outside the theory's domain, with the reason."""
        self.applicable = False
        self.note = f"{self.note}; not compared: {reason}" if self.note else f"not compared: {reason}"
        return self

    @property
    def numeric(self):
        return self.kind in ("statistical", "deterministic")

    @property
    def z(self):
        """Standardised error (sim - pred)/stderr (None for deterministic and exact comparisons)."""
        if self.kind != "statistical":
            return None
        return (float(self.simulated) - float(self.predicted)) / float(self.stderr)

    def tolerance(self, n_sigma=None):
        """The allowed |sim - pred|: n_sigma stderr + systematic (systematic alone if deterministic)."""
        q = self.n_sigma if n_sigma is None else n_sigma
        return (q * float(self.stderr) if self.kind == "statistical" else 0.0) + float(self.systematic)

    def decide(self, predicted=None, n_sigma=None):
        """Would this comparison agree with ``predicted`` (default: its own prediction)?

        Exact comparisons re-decide by equality.  Numeric ones: ``|sim - predicted| <= n_sigma
        stderr + systematic`` with the row's quantile (or ``n_sigma``); False if not finite.
        """
        pred = self.predicted if predicted is None else predicted
        if self.kind == "exact":
            return _plain(pred) == _plain(self.simulated)
        p, s = float(pred), float(self.simulated)
        if not (math.isfinite(p) and math.isfinite(s)):
            return False
        return bool(abs(s - p) <= self.tolerance(n_sigma))

    def _rule_text(self):
        if self.kind == "exact":
            return "equal"
        parts = []
        if self.kind == "statistical":
            parts.append(f"{self.n_sigma:.3g} stderr" + (f" (t, {self.dof:g} dof)" if self.dof is not None else ""))
        if self.systematic:
            parts.append(f"{self.systematic:.3g} systematic")
        return "|sim - pred| <= " + (" + ".join(parts) if parts else "0")

    def to_dict(self):
        return _plain({"quantity": self.quantity, "predicted": self.predicted,
                       "simulated": self.simulated, "stderr": self.stderr, "z": self.z,
                       "agree": bool(self.agree) if self.applicable else None,
                       "applicable": self.applicable, "rule": self.rule, "note": self.note,
                       "n_sigma": self.n_sigma if self.kind == "statistical" else None, "dof": self.dof,
                       "systematic": self.systematic, "systematic_why": self.systematic_why,
                       "family": self.family, "kind": self.kind, "stderr_parts": self.stderr_parts})


def compare(quantity, predicted, simulated, stderr, *, n_sigma=3.0, note="", systematic=0.0, why="", family=None,
            dof=None, stderr_parts=None):
    """Numerical comparison: agree when ``|sim - pred| <= n_sigma*stderr + systematic``.

    Parameters
    ----------
    stderr : float or None
        standard error of the simulated estimate (derived from the run's length and size by the
        caller); None, 0 or NaN make the comparison deterministic (``|sim - pred| <= systematic``).
    n_sigma : float
        the row's own quantile (3 by default); :meth:`ValidationResult.decide` replaces it by the
        family-wise quantile for the row's distribution.
    dof : float, optional
        degrees of freedom of ``stderr``: z is then Student-t(dof) distributed, else normal.
    systematic : float
        a systematic error of the comparison computed from the model (time-step bias, finite-size
        bias, a bound), in the quantity's unit; ``why`` states its derivation.
    family : str, optional
        rows with equal family are correlated and decided together.
    stderr_parts : dict, optional
        independent parts of ``stderr`` (quadrature), the simulation's own first (see Comparison).

    There is no relative or absolute "tolerance" argument: an allowance is a ``systematic`` computed
    from the model with its derivation in ``why`` (a positive ``systematic`` without ``why`` raises
    ``ValueError``), so no rule carries a hand-set percentage (``tests/test_no_stated_allowances.py``).
    """
    p, s = float(predicted), float(simulated)
    se = None if stderr is None else float(stderr)
    statistical = se is not None and math.isfinite(se) and se > 0 and n_sigma > 0
    sysv = float(systematic)
    if not (math.isfinite(sysv) and sysv >= 0):
        raise ValueError(f"{quantity}: systematic = {sysv!r} must be finite and >= 0")
    if sysv > 0 and not why:
        raise ValueError(f"{quantity}: systematic = {sysv:g} needs its derivation (why=...)")
    c = Comparison(quantity, p, s, se, False, note=note, n_sigma=float(n_sigma) if statistical else 0.0,
                   dof=None if dof is None else float(dof), systematic=sysv, systematic_why=why,
                   family=family, kind="statistical" if statistical else "deterministic",
                   stderr_parts=None if stderr_parts is None else {k: float(v) for k, v in stderr_parts.items()})
    c.agree = c.decide()
    c.rule = c._rule_text()
    return c


def compare_exact(quantity, predicted, simulated, note=""):
    """Exact comparison of sets, labels or booleans (no standard error)."""
    agree = _plain(predicted) == _plain(simulated)
    return Comparison(quantity, predicted, simulated, None, bool(agree), "equal", note, n_sigma=0.0, kind="exact")


def family_quantiles(comparisons, alpha=FAMILY_LEVEL):
    """{id(row): quantile} for the applicable statistical rows under the Sidak family-wise rule."""
    rows = [c for c in comparisons if c.applicable and c.kind == "statistical"]
    fams = {}
    for c in rows:
        fams.setdefault(c.family if c.family is not None else ("_row", id(c)), []).append(c)
    if not fams:
        return {}
    m_total = sum(len(v) for v in fams.values())
    out = {}
    for members in fams.values():
        # the family's share of the level grows with its size, 1 - (1 - alpha)^(m/M), so that every
        # row ends at the per-row level (1 - alpha)^(1/M) and the families' levels multiply to 1 - alpha
        a_fam = 1.0 - (1.0 - alpha) ** (len(members) / m_total)
        for c in members:
            out[id(c)] = sidak_quantile(len(members), a_fam, c.dof)
    return out


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
    family_level : float
        family-wise false-disagree level of the verdict (see the module notes).
    caveats : list of str
        what the verdict does not cover (e.g. a comparison that was not applicable), printed next to it.
    """

    subject: str
    backend: str
    comparisons: list = field(default_factory=list)
    figures: dict = field(default_factory=dict)
    info: dict = field(default_factory=dict)
    config: dict = field(default_factory=dict)
    data: dict = field(default_factory=dict)
    timing: dict = field(default_factory=dict)
    family_level: float = FAMILY_LEVEL
    caveats: list = field(default_factory=list)

    def decide(self):
        """Apply the family-wise rule: set each statistical row's quantile, rule text and verdict."""
        qs = family_quantiles(self.comparisons, self.family_level)
        for c in self.comparisons:
            if id(c) in qs:
                c.n_sigma = qs[id(c)]
                c.agree = c.decide()
                c.rule = c._rule_text() + f"; family-wise {100 * self.family_level:g} %"
        return self

    def verdict_for(self, shift=0.0):
        """The verdict (True = AGREE) with every numeric prediction multiplied by 1 + shift."""
        self.decide()
        used = [c for c in self.comparisons if c.applicable]
        if not used:
            return False
        return all(c.decide(None if not c.numeric else float(c.predicted) * (1.0 + shift)) for c in used)

    def min_detectable_rel_error(self, max_shift=4.0, tol=1e-4):
        """The smallest relative error of the theory this run would call DISAGREE, in either
        direction: max(F_up, F_down), F_up the smallest F > 0 with ``verdict_for(F)`` False and
        F_down that for -F (bisection: the agreeing shifts form an interval around 0).  None when
        the run disagrees already or a direction is not caught up to ``max_shift`` (down: 1).
        ``recnet calibrate`` gives the same number at 90 % power over seeds."""
        if not self.agree:
            return None
        caught = []
        for sign, hi in ((1.0, max_shift), (-1.0, 1.0)):
            if self.verdict_for(sign * hi):
                return None
            lo = 0.0
            while hi - lo > tol * hi:
                mid = 0.5 * (lo + hi)
                if self.verdict_for(sign * mid):
                    lo = mid
                else:
                    hi = mid
            caught.append(hi)
        return max(caught)

    @property
    def agree(self):
        """True when there is at least one applicable comparison and every applicable one agrees
        under the family-wise rule."""
        self.decide()
        used = [c for c in self.comparisons if c.applicable]
        return bool(used) and all(c.agree for c in used)

    @property
    def families(self):
        """{family: {"rows", "max_abs_z", "agree"}} for rows that share a family."""
        self.decide()
        out = {}
        for c in self.comparisons:
            if c.family is None or not c.applicable or c.kind != "statistical":
                continue
            f = out.setdefault(c.family, {"rows": [], "max_abs_z": 0.0, "agree": True})
            f["rows"].append(c.quantity)
            f["max_abs_z"] = max(f["max_abs_z"], abs(c.z))
            f["agree"] = f["agree"] and bool(c.agree)
        return out

    def to_dict(self):
        agree = self.agree
        return _plain({"subject": self.subject, "backend": self.backend, "config": self.config,
                       "agree": agree, "family_level": self.family_level, "caveats": list(self.caveats),
                       "min_detectable_rel_error": self.min_detectable_rel_error(),
                       "comparisons": [c.to_dict() for c in self.comparisons],
                       "families": self.families, "info": self.info, "timing": self.timing})

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
