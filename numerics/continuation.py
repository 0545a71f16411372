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

__all__ = ["Branch", "track_branches", "bisect_event", "arclength"]


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
        raise checks.ParameterError("values", values, "empty: give at least one parameter value")
    d = np.diff(vals)
    if d.size and not (np.all(d > 0) or np.all(d < 0)):
        raise checks.ParameterError("values", values, "must be strictly monotone")
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
        raise checks.ParameterError("hi", hi, f"no sign change of the indicator between lo = {lo:g} "
                                    f"(value {flo:g}) and hi = {hi:g} (value {fhi:g})",
                                    f"no sign change of the indicator between lo = {lo:g} (value {flo:g}) and "
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


def arclength(F, x0, p0, ds=0.05, n_steps=200, p_range=(-np.inf, np.inf), direction=1, tol=1e-10,
              max_newton=12, ds_min=1e-8, ds_max=None, fd_eps=1e-7, max_fail=40):
    r"""Pseudo-arclength continuation of :math:`F(x, p) = 0` through folds (Keller 1977).

    The solution curve :math:`y(s) = (x(s), p(s))` is followed by arclength: predictor
    :math:`y_{pred} = y_k + \Delta s\, t_k` along the unit tangent :math:`t_k` (null vector of the
    n x (n+1) Jacobian :math:`[F_x\; F_p]`, oriented continuously), corrector Newton on the
    bordered system :math:`F(y) = 0,\ t_k\cdot(y - y_{pred}) = 0` (its Jacobian stays regular at a
    fold, where :math:`F_x` is singular).  A fold (turning point in p) is where the tangent's p
    component changes sign; it is located by bisection of the step length on that sign.

    Parameters
    ----------
    F : callable
        ``F(x, p) -> array (n,)`` for a state ``x`` (n,) and a scalar parameter ``p``; NaN where it is
        undefined (the step is then shortened).
    x0 : array (n,), p0 : float
        a point on the curve (|F| small; it is refined by the corrector first).
    ds : float
        initial step (in the units of (x, p)); adapted between ``ds_min`` and ``ds_max``.
    n_steps : int
        maximum number of accepted steps.
    p_range : (low, high)
        stop when p leaves it.
    direction : +1 or -1
        initial direction of p (if the curve starts at a fold, of the first state component).
    tol : float
        Newton tolerance on max |F| and on the step.
    fd_eps : float
        relative finite-difference step of the Jacobian.

    Returns
    -------
    dict with ``p`` (array), ``x`` (array, rows), ``tangent_p`` (dp/ds), ``folds`` (list of
    (p, x) at the turning points) and ``converged`` (False if the step fell below ``ds_min``).
    """
    x0 = np.atleast_1d(np.asarray(x0, dtype=float))
    n = x0.size
    ds = checks.positive("ds", ds)
    ds_max = 20.0 * ds if ds_max is None else checks.positive("ds_max", ds_max)
    n_steps = checks.integer("n_steps", n_steps, minimum=1)
    if direction not in (1, -1):
        raise checks.ParameterError("direction", direction, "choose 1 or -1")

    def Fy(y):
        return np.atleast_1d(np.asarray(F(y[:n], float(y[n])), dtype=float))

    def jac(y, f0):
        J = np.empty((n, n + 1))
        for k in range(n + 1):
            h = fd_eps * max(1.0, abs(y[k]))
            yp = y.copy()
            yp[k] += h
            J[:, k] = (Fy(yp) - f0) / h
        return J

    def tangent(J, prev):
        t = np.linalg.svd(J)[2][-1]
        if prev is None:
            s = np.sign(t[n]) if abs(t[n]) > 1e-12 else np.sign(t[0])
            return t * (direction * s if s != 0 else 1.0)
        return t if np.dot(t, prev) >= 0 else -t

    def correct(y_pred, t):
        y = y_pred.copy()
        for _ in range(max_newton):
            f0 = Fy(y)
            if not np.all(np.isfinite(f0)):
                return None
            J = jac(y, f0)
            A = np.vstack([J, t])
            rhs = -np.concatenate([f0, [np.dot(t, y - y_pred)]])
            try:
                dy = np.linalg.solve(A, rhs)
            except np.linalg.LinAlgError:
                return None
            y = y + dy
            if np.max(np.abs(dy)) < tol * max(1.0, np.max(np.abs(y))):
                f1 = Fy(y)
                return y if np.all(np.isfinite(f1)) and np.max(np.abs(f1)) < 1e3 * tol else None
        return None

    y = np.concatenate([x0, [float(p0)]])
    # refine the start at fixed p (Newton in x only)
    for _ in range(max_newton):
        f0 = Fy(y)
        J = jac(y, f0)[:, :n]
        dx = np.linalg.lstsq(J, -f0, rcond=None)[0]
        y[:n] += dx
        if np.max(np.abs(dx)) < tol * max(1.0, np.max(np.abs(y[:n]))):
            break
    t = tangent(jac(y, Fy(y)), None)
    ps, xs, tps, folds = [y[n]], [y[:n].copy()], [t[n]], []
    fails = 0
    converged = True
    for _ in range(n_steps):
        y_new = correct(y + ds * t, t)
        if y_new is None:
            ds *= 0.5
            fails += 1
            if ds < ds_min or fails > max_fail:
                converged = False
                break
            continue
        t_new = tangent(jac(y_new, Fy(y_new)), t)
        if t_new[n] * t[n] < 0:  # turning point between y and y_new: bisect the step length on
            lo, hi, yf = 0.0, ds, y_new  # the sign of dp/ds (each trial point is on the curve)
            for _ in range(40):
                mid = 0.5 * (lo + hi)
                ym = correct(y + mid * t, t)
                if ym is None:
                    break
                tm = tangent(jac(ym, Fy(ym)), t)
                yf = ym
                if tm[n] * t[n] > 0:
                    lo = mid
                else:
                    hi = mid
                if hi - lo < 1e-3 * tol ** 0.5 * ds:
                    break
            folds.append((float(yf[n]), yf[:n].copy()))
        y, t = y_new, t_new
        ps.append(y[n])
        xs.append(y[:n].copy())
        tps.append(t[n])
        ds = min(ds * 1.3, ds_max)
        if not (p_range[0] <= y[n] <= p_range[1]):
            break
    return {"p": np.array(ps), "x": np.array(xs), "tangent_p": np.array(tps), "folds": folds,
            "converged": converged}
