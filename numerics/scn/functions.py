"""Function approximation with low-rank E-I spike-coding networks (Podlaski & Machens 2024).

Each neuron's threshold is a line (boundary) in the (x, y) plane of input x and latent readout y.

Inhibitory population (rank 1, convex boundary).  Readout y_I = d_I sum_j r_j, neuron i:

    V_i = F_i x - y_I,  spike if V_i > T_i   <=>   y_I < F_i x - T_i.

The leak pulls y_I down, spikes push it up by d_I: y_I settles on the upper envelope
max(0, max_i (F_i x - T_i)), a convex piecewise-linear function.  With the tangent lines of a
convex g at grid points x_i (F_i = g'(x_i), T_i = g'(x_i) x_i - g(x_i)) the envelope g_hat lies
below g by at most max g'' h^2 / 8 (h = grid spacing; equality for a quadratic).

Rank-2 E-I network (difference of convex functions).  Readouts y_E = d_E sum r_E, y_I = d_I sum r_I,

    I neuron j:  V_j = F^I_j x + y_E - y_I                 (stable boundary y_I = y_E + g_hat(x)),
    E neuron i:  V_i = F^E_i x + w y_E - y_I,   0 <= w < 1  (unstable alone: E excites E).

On the I boundary the E voltage is F^E_i x - (1 - w) y_E - g_hat(x), so E neurons fire until

    y_E = (H_hat(x) - g_hat(x)) / (1 - w),     H = (1 - w) h + w g,

where H_hat, g_hat are tangent envelopes.  For a target f = h - g (h, g convex; for a non-convex
f we take g = c x^2 / 2 with c >= max(-f'') and h = f + g) the network computes f up to the
envelope errors

    |y_E - f| <= (max H'' h_E^2 + max g'' h_I^2) / (8 (1 - w)),

which falls as 1/N^2 with the number of neurons.  Spikes add a time-averaged offset of order the
readout jumps d_E, d_I; thresholds are shifted by half a jump (mid-point rule, as for the rate QP)
so that the offset is centred.  Inhibitory spikes take precedence in the greedy rule.

Units: x and y dimensionless (latent units), tau in ms.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from recnet import checks

__all__ = ["excitatory_only", "tangent_lines", "envelope", "envelope_error_bound", "InhibitoryBoundary", "EINetwork",
           "inhibitory_boundary", "ei_network", "dc_split", "simulate_io"]


def tangent_lines(f, df, x_points):
    """Slopes and thresholds of the tangent lines of f at ``x_points``: F_i = f'(x_i),
    T_i = f'(x_i) x_i - f(x_i), so that F_i x - T_i = f(x_i) + f'(x_i)(x - x_i)."""
    xp = checks.array("x_points", x_points, ndim=1)
    F = np.asarray(df(xp), float) * np.ones_like(xp)
    T = F * xp - np.asarray(f(xp), float)
    return F, T


def envelope(F, T, x, floor=0.0):
    """Upper envelope max(floor, max_i (F_i x - T_i)) at the points x."""
    x = np.atleast_1d(np.asarray(x, float))
    lines = np.outer(x, F) - T[None, :]
    return np.maximum(lines.max(axis=1), floor)


def envelope_error_bound(d2f_max, spacing):
    """Largest gap between a convex function and its tangent envelope on a grid: f'' h^2 / 8."""
    return float(d2f_max) * float(spacing) ** 2 / 8.0


def _grid(x_range, n):
    a, b = (float(v) for v in x_range)
    if not b > a:
        raise checks.ParameterError("x_range", x_range, "x_range[0] < x_range[1]",
                                    f"x_range = {x_range!r} is invalid: needs x_range[0] < x_range[1]")
    n = checks.integer("n", n, 2)
    return np.linspace(a, b, n), (b - a) / (n - 1)


@dataclass
class InhibitoryBoundary:
    """Rank-1 inhibitory population (module docstring): F, T (N,), jump d, tau (ms)."""

    F: np.ndarray
    T: np.ndarray
    d: float
    tau: float

    def fixed_point(self, x):
        """The boundary y_I(x) = max(0, max_i (F_i x - T_i)) (hard-boundary fixed point)."""
        return envelope(self.F, self.T, x)

    def network(self):
        """The ``numerics.scn.SCN`` to simulate: W = -d (all-to-all inhibition), input weight F."""
        from recnet.numerics.scn.network import SCN

        N = len(self.F)
        D = np.full((1, N), self.d)
        E = -np.ones((N, 1))
        Tm = self.T + 0.5 * self.d                         # mid-point shift (module docstring)
        return SCN(D=D, T=np.ascontiguousarray(Tm), W_fast=np.ascontiguousarray(E @ D),
                   U_slow=np.zeros((N, 0)), V_slow=np.zeros((0, N)),
                   F=np.ascontiguousarray(self.F[:, None]), tau=self.tau)


def inhibitory_boundary(g, dg, n, x_range, *, d=0.02, tau=10.0):
    """Inhibitory population whose boundary is the tangent envelope of the convex g on x_range."""
    xp, _ = _grid(x_range, n)
    F, T = tangent_lines(g, dg, xp)
    return InhibitoryBoundary(F=F, T=T, d=checks.positive("d", d), tau=checks.positive("tau", tau, "ms"))


def dc_split(f, df, d2f, x_range, *, c_min=1.0, n_check=2001):
    """Difference-of-convex split f = h - g with g = c x^2/2 + g0 (c = max(0, max(-f'')) + c_min).

    Returns callables (h, dh, g, dg) and the curvature bounds (max h'', max g'').  g0 makes g >= 0 on
    x_range (the readouts are nonnegative).
    """
    xs = np.linspace(*x_range, n_check)
    c = max(0.0, float(np.max(-np.asarray(d2f(xs), float)))) + float(c_min)
    g0 = -min(0.0, float(np.min(0.5 * c * xs ** 2)))
    g = lambda x: 0.5 * c * np.asarray(x, float) ** 2 + g0      # noqa: E731
    dg = lambda x: c * np.asarray(x, float)                      # noqa: E731
    h = lambda x: np.asarray(f(x), float) + g(x)                 # noqa: E731
    dh = lambda x: np.asarray(df(x), float) + dg(x)              # noqa: E731
    h2max = float(np.max(np.asarray(d2f(xs), float) + c))
    return h, dh, g, dg, h2max, c


@dataclass
class EINetwork:
    """Rank-2 E-I network (module docstring).  E then I neurons."""

    FE: np.ndarray
    TE: np.ndarray
    FI: np.ndarray
    TI: np.ndarray
    w: float
    dE: float
    dI: float
    tau: float
    error_bound: float             # envelope error bound of y_E vs the target (latent units)

    @property
    def n_e(self):
        return len(self.FE)

    @property
    def n_i(self):
        return len(self.FI)

    def fixed_point(self, x):
        """y_E(x) = [H_hat(x) - g_hat(x)]_+ / (1 - w) (hard-boundary fixed point)."""
        gh = envelope(self.FI, self.TI, x, floor=-np.inf)
        Hh = envelope(self.FE, self.TE, x, floor=-np.inf)
        return np.maximum(Hh - gh, 0.0) / (1.0 - self.w)

    def network(self):
        """The ``numerics.scn.SCN`` with readout rows (y_E, y_I), W = E_mat @ D, I priority."""
        from recnet.numerics.scn.network import SCN

        NE, NI = self.n_e, self.n_i
        N = NE + NI
        D = np.zeros((2, N))
        D[0, :NE] = self.dE
        D[1, NE:] = self.dI
        Emat = np.zeros((N, 2))
        Emat[:NE, 0] = self.w
        Emat[:NE, 1] = -1.0
        Emat[NE:, 0] = 1.0
        Emat[NE:, 1] = -1.0
        W = Emat @ D
        # mid-point shifts: I readout sits half an I jump above its boundary; E half an E jump
        T = np.concatenate([self.TE + 0.5 * self.dE * (1 - self.w), self.TI + 0.5 * self.dI])
        F = np.concatenate([self.FE, self.FI])[:, None]
        prio = np.concatenate([np.zeros(NE, np.int64), np.ones(NI, np.int64)])
        return SCN(D=D, T=np.ascontiguousarray(T), W_fast=np.ascontiguousarray(W), U_slow=np.zeros((N, 0)),
                   V_slow=np.zeros((0, N)), F=np.ascontiguousarray(F), tau=self.tau, priority=prio)


def excitatory_only(model):
    """The E population of ``model`` with the I population removed (y_I = 0): V_i = F^E_i x + w y_E.

    Its boundary is unstable (each E spike raises every E voltage by w d_E): used to show that the
    rank-2 network is inhibition-stabilised.
    """
    from recnet.numerics.scn.network import SCN

    NE = model.n_e
    D = np.full((1, NE), model.dE)
    W = model.w * np.outer(np.ones(NE), D[0])              # as in the E-I network, self term included
    T = model.TE + 0.5 * model.dE * (1 - model.w)
    return SCN(D=D, T=np.ascontiguousarray(T), W_fast=np.ascontiguousarray(W), U_slow=np.zeros((NE, 0)),
               V_slow=np.zeros((0, NE)), F=np.ascontiguousarray(model.FE[:, None]), tau=model.tau)


def ei_network(f, df, d2f, x_range, *, n_e=20, n_i=20, w=0.5, dE=0.02, dI=0.02, tau=10.0, c_min=1.0):
    """Rank-2 E-I network computing the target f >= 0 on x_range as the readout y_E.

    Parameters
    ----------
    f, df, d2f : callables
        target and its first two derivatives (vectorised).
    x_range : (a, b)
    n_e, n_i : int
        number of E and I neurons (tangent points on a uniform grid).
    w : float in [0, 1)
        E-to-E coupling; w > 0 makes the E boundary unstable on its own (inhibition-stabilised).
    dE, dI : float > 0
        readout jump per E / I spike (latent units).
    tau : float, ms
        membrane and readout time constant.
    """
    w = checks.in_range("w", w, 0.0, 1.0, high_inclusive=False)
    h, dh, g, dg, h2max, c = dc_split(f, df, d2f, x_range, c_min=c_min)
    H = lambda x: (1 - w) * h(x) + w * g(x)            # noqa: E731
    dH = lambda x: (1 - w) * dh(x) + w * dg(x)         # noqa: E731
    xe, he = _grid(x_range, n_e)
    xi, hi = _grid(x_range, n_i)
    FE, TE = tangent_lines(H, dH, xe)
    FI, TI = tangent_lines(g, dg, xi)
    H2 = (1 - w) * h2max + w * c
    bound = (envelope_error_bound(H2, he) + envelope_error_bound(c, hi)) / (1 - w)
    return EINetwork(FE=FE, TE=TE, FI=FI, TI=TI, w=w, dE=checks.positive("dE", dE), dI=checks.positive("dI", dI),
                     tau=checks.positive("tau", tau, "ms"), error_bound=bound)


def _spikes_per_ms(model, xs):
    """Predicted total spike count per ms at the hard-boundary fixed point (max over xs)."""
    lam = 1.0 / model.tau
    if isinstance(model, InhibitoryBoundary):
        return float(np.max(lam * model.fixed_point(xs) / model.d))
    yE = model.fixed_point(xs)
    yI = yE + envelope(model.FI, model.TI, xs, floor=-np.inf)
    return float(np.max(lam * (yE / model.dE + np.maximum(yI, 0) / model.dI)))


def simulate_io(model, xs, *, dt=None, t_sim=1000.0, t_warm=200.0, n_batches=10, sigma_v=0.0, seed=None, runs=None):
    """Time-averaged readouts at constant inputs ``xs``: returns (mean (len(xs), K), sem (len(xs), K)).

    ``model`` is an ``InhibitoryBoundary`` or ``EINetwork``; each input value is a separate run
    started from rest (V = F x).  ``dt`` (ms) defaults to the step at which the predicted total
    spike count per step is 0.1 (the greedy rule fires at most one spike per step: a larger
    count starves the lower-priority E neurons).  ``runs``: a list to which each input's
    ``numerics.scn.SimResult`` (with its spike list) is appended.
    """
    from recnet.numerics.scn import network as scn

    net = model.network()
    g = checks.rng(seed)
    xs = checks.array("xs", xs, ndim=1)
    if dt is None:
        dt = min(0.1, 0.1 / max(_spikes_per_ms(model, xs), 1e-12))
    K = net.D.shape[0]
    mean = np.zeros((len(xs), K))
    sem = np.zeros((len(xs), K))
    for k, x in enumerate(xs):
        V0 = net.F[:, 0] * x
        res = scn.simulate(net, c=np.array([net.lam * x]), V0=V0, dt=dt, t_sim=t_sim, t_warm=t_warm,
                           n_batches=n_batches, sigma_v=sigma_v, seed=g)
        y_b = res.batch_r_means @ net.D.T
        mean[k] = res.r_mean @ net.D.T
        sem[k] = y_b.std(axis=0, ddof=1) / np.sqrt(y_b.shape[0])
        if runs is not None:
            runs.append(res)
    return mean, sem
