"""Continuation along a parameter with branch tracking: every solution is reported, none dropped.

A solver that returns *all* solutions at one parameter value (a list of state vectors, for instance
every root of a self-consistency equation found by scanning) is called on a grid of parameter
values; :func:`track_branches` links the solutions at neighbouring values into branches by
nearest-neighbour matching (extrapolated linearly from the branch's last two points), starts a new
branch for any solution that matches none, and ends a branch when it finds no partner (a fold or a
bifurcation).  Solutions are never discarded: each appears in exactly one branch.

:func:`bisect_event` locates a parameter value where a scalar indicator changes sign along one branch
(bifurcation points: a stability exponent crossing zero, kappa leaving zero).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from recnet import checks

__all__ = ["Branch", "track_branches", "bisect_event"]


@dataclass
class Branch:
    """One branch: parameter values and the solution vectors found there (rows), plus extra data."""

    params: list = field(default_factory=list)
    states: list = field(default_factory=list)
    extra: list = field(default_factory=list)

    @property
    def param_array(self):
        return np.asarray(self.params, dtype=float)

    @property
    def state_array(self):
        return np.atleast_2d(np.asarray(self.states, dtype=float))

    def predict(self, p):
        """Linear extrapolation of the state to parameter value ``p``."""
        if len(self.states) == 1:
            return np.asarray(self.states[-1], dtype=float)
        p0, p1 = self.params[-2], self.params[-1]
        s0, s1 = np.asarray(self.states[-2], float), np.asarray(self.states[-1], float)
        if p1 == p0:
            return s1
        return s1 + (s1 - s0) * (p - p1) / (p1 - p0)


def track_branches(solve_all, values, match_tol=None, scale=None):
    """Follow every solution of ``solve_all(p)`` along the parameter grid ``values``.

    Parameters
    ----------
    solve_all : callable
        ``solve_all(p) -> list`` of solutions; each solution is a 1-D state vector or a tuple
        ``(state, extra)`` where ``extra`` is any object kept with the point (stability data ...).
    values : array-like
        monotone parameter grid.
    match_tol : float, optional
        largest distance (in units of ``scale``) between a branch's extrapolation and a new point
        for them to be linked; default: 5 times the median distance between consecutive states
        of the solutions, at least 1e-6.  Unmatched points start new branches.
    scale : array-like, optional
        per-component scale of the state for the distance (default 1).

    Returns
    -------
    list of :class:`Branch`, in order of appearance.  Every solution appears in exactly one branch.
    """
    vals = checks.array("values", values, ndim=1)
    if vals.size < 1:
        raise ValueError("values is empty: give at least one parameter value")
    d = np.diff(vals)
    if d.size and not (np.all(d > 0) or np.all(d < 0)):
        raise ValueError("values must be strictly monotone")
    sols = []
    for p in vals:
        found = []
        for s in solve_all(float(p)):
            if isinstance(s, tuple) and len(s) == 2 and not np.isscalar(s[0]):
                st, ex = s
            else:
                st, ex = s, None
            found.append((np.atleast_1d(np.asarray(st, dtype=float)), ex))
        sols.append(found)
    sc = None if scale is None else np.asarray(scale, dtype=float)
    if match_tol is None:
        steps = []
        for a, b in zip(sols[:-1], sols[1:]):
            for sa, _ in a:
                if b:
                    steps.append(min(_dist(sa, sb, sc) for sb, _ in b))
        match_tol = max(5.0 * float(np.median(steps)) if steps else 1.0, 1e-6)
    active, done = [], []
    for p, found in zip(vals, sols):
        free = list(range(len(found)))
        pairs = []
        for bi, br in enumerate(active):
            pred = br.predict(p)
            for j in free:
                pairs.append((_dist(pred, found[j][0], sc), bi, j))
        pairs.sort(key=lambda t: t[0])
        used_b, used_s, nxt = set(), set(), []
        for dist, bi, j in pairs:
            if dist > match_tol or bi in used_b or j in used_s:
                continue
            used_b.add(bi)
            used_s.add(j)
            br = active[bi]
            br.params.append(float(p))
            br.states.append(found[j][0])
            br.extra.append(found[j][1])
        for bi, br in enumerate(active):
            (nxt if bi in used_b else done).append(br)
        for j in free:
            if j not in used_s:
                nxt.append(Branch([float(p)], [found[j][0]], [found[j][1]]))
        active = nxt
    return done + active


def _dist(a, b, sc):
    if a.shape != b.shape:
        return np.inf
    diff = a - b if sc is None else (a - b) / sc
    return float(np.sqrt(np.sum(diff * diff)))


def bisect_event(indicator, lo, hi, tol=1e-6, max_iter=200):
    """Parameter value in [lo, hi] where ``indicator(p)`` changes sign (bisection).

    ``ValueError`` if the indicator has the same sign at both ends (no bracketed event).
    """
    lo = checks.finite("lo", lo)
    hi = checks.finite("hi", hi)
    checks.positive("tol", tol)
    flo, fhi = float(indicator(lo)), float(indicator(hi))
    if not (np.isfinite(flo) and np.isfinite(fhi)) or flo * fhi > 0:
        raise ValueError(f"no sign change of the indicator between lo = {lo:g} (value {flo:g}) and "
                         f"hi = {hi:g} (value {fhi:g})")
    if flo == 0:
        return lo
    if fhi == 0:
        return hi
    for _ in range(max_iter):
        mid = 0.5 * (lo + hi)
        fm = float(indicator(mid))
        if fm == 0 or abs(hi - lo) < tol:
            return mid
        if np.sign(fm) == np.sign(flo):
            lo, flo = mid, fm
        else:
            hi, fhi = mid, fm
    return 0.5 * (lo + hi)
