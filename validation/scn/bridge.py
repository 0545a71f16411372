"""Spiking check of a threshold-linear network: the spike-coding network that solves the same QP.

Used by the threshold-linear (TLN) and connectivity-geometry subjects as their spiking check.

The fixed point of the threshold-linear network dx/dt = -x + [W x + b]_+ with symmetric W and
M = I - W positive definite is the unique solution of the quadratic program (its KKT conditions
are x >= 0, M x - b >= 0, x_i (M x - b)_i = 0, i.e. x = [W x + b]_+)

    x* = argmin_{x >= 0}  1/2 x^T M x - b^T x.                                     (1)

A spike-coding network (``numerics.scn``) with decoder D (K x N), rate cost mu and thresholds
T has time-averaged filtered spike trains r that solve (``numerics.scn_qp``)

    r* = argmin_{r >= 0}  1/2 r^T (D^T D + mu I) r - r^T (D^T z - t),   t_i = T_i - (||D_i||^2 + mu)/2.   (2)

The bridge maps (1) onto (2) exactly:

    D = sqrt(kappa) L^T with M = L L^T (Cholesky; K = N latent dimensions, mu = 0),
    T_i = ||D_i||^2 / 2 (Boerlin thresholds, t_i = 0),
    z = s L^{-1} b / sqrt(kappa)      (constant latent input, so that D^T z = s b),

so that (2) is ``s * kappa`` times (1) evaluated at x = r / s, hence **r* = s x*** : each TLN unit
x_i is carried by one spiking neuron, with ``s`` (``spikes_per_unit``) filtered spikes per unit of
x.  The firing rate of neuron i is ``1000 s x_i / tau`` Hz (tau in ms).  ``kappa`` only rescales
voltages and is fixed to 1.

Errors (what ``agree`` is decided on, per unit):
  * systematic, from the finite spike size: an active neuron's voltage moves in [T_i - M_ii, T_i]
    (reset ||D_i||^2 = M_ii), so the time-averaged voltage differs from the mid-point by at most
    M_ii / 2; the rates of the active set A are linear in it, giving
        |x_sim,i - x*_i| <= sum_{j in A} |(M_AA^{-1})_ij| M_jj / (2 s)       (``bias_bound``),
    which shrinks as 1/s.  (It ignores cross-kicks below T_i - M_ii, small for large s.)
  * units that are silent at the fixed point get an allowance of M_ii / (2 s) (a silent unit whose
    voltage mid-point is within half a reset of threshold may still spike now and then);
  * statistical: batch means over ``n_batches`` blocks of the post-warm-up window (``stderr``).
  * time step: one spike per step (greedy rule); ``dt`` is chosen so that the network's total
    predicted spike count per step is below 0.1, making the discretisation error small against
    the two above.
  A unit agrees when ``|x_sim - x*| <= n_sigma stderr + bias_bound``.

Example
-------
>>> import numpy as np
>>> from recnet.validation.scn.bridge import spiking_check
>>> W = np.array([[0.0, -0.5], [-0.5, 0.0]]); b = np.array([1.0, 0.6])
>>> res = spiking_check(W, b, seed=1)
>>> res.x_tln, res.x_sim, res.stderr, res.agree          # doctest: +SKIP
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import linalg

from recnet import checks

__all__ = ["BridgeResult", "tln_fixed_point", "scn_for_tln", "spiking_check"]


def _check_tln(W, b):
    W = checks.square_matrix("W", W)
    n = W.shape[0]
    b = checks.array("b", b, ndim=1, shape=(n,))
    scale = max(1.0, float(np.abs(W).max()))
    asym = float(np.abs(W - W.T).max())
    if asym > 1e-10 * scale:
        raise checks.ParameterError("W", f"max |W - W^T| = {asym:.3g}", "symmetric",
                                    f"W is not symmetric (max |W - W^T| = {asym:.3g}): the TLN fixed point solves "
                                    "a quadratic program only for symmetric W with I - W positive definite")
    M = np.eye(n) - 0.5 * (W + W.T)
    try:
        L = linalg.cholesky(M, lower=True)
    except linalg.LinAlgError:
        ev = float(np.linalg.eigvalsh(M).min())
        raise checks.ParameterError("W", f"smallest eigenvalue of I - W {ev:.4g}", "all eigenvalues < 1 (I - W positive definite)",
                                    f"I - W is not positive definite (smallest eigenvalue {ev:.4g}): W must have all "
                                    "eigenvalues < 1 for the TLN fixed point to solve a strictly convex QP") from None
    ev = float(np.linalg.eigvalsh(M).min())
    if ev < 1e-8:
        raise checks.ParameterError("W", f"smallest eigenvalue of I - W {ev:.3g}", "all eigenvalues clearly below 1",
                                    f"I - W is nearly singular (smallest eigenvalue {ev:.3g}): W must have all "
                                    "eigenvalues clearly below 1")
    return W, b, M, L


def tln_fixed_point(W, b):
    """The unique fixed point x* = [W x* + b]_+ of a TLN with symmetric W, I - W positive definite.

    Solved as the QP (1) by the active-set method (``numerics.scn_qp.active_set_qp``).
    Raises ValueError naming W if W is not symmetric or I - W is not positive definite.
    """
    from recnet.numerics.scn import qp as scn_qp

    W, b, M, _ = _check_tln(W, b)
    return scn_qp.active_set_qp(M, b)


def scn_for_tln(W, b, *, spikes_per_unit=50.0, tau=20.0):
    """The spike-coding network whose rates solve the TLN's QP (mapping in the module docstring).

    Parameters
    ----------
    W : (n, n) symmetric, I - W positive definite; b : (n,) input.
    spikes_per_unit : float > 0
        s: filtered spikes per unit of x (rate of neuron i = 1000 s x_i / tau Hz).
    tau : float, ms
        membrane and readout time constant.

    Returns
    -------
    (net, z) : the ``numerics.scn.SCN`` (N = K = n) and its constant latent input z (latent units).
    """
    from recnet.numerics.scn import network as scn

    W, b, M, L = _check_tln(W, b)
    s = checks.positive("spikes_per_unit", spikes_per_unit)
    tau = checks.positive("tau", tau, "ms")
    D = L.T.copy()
    z = s * linalg.solve_triangular(L, b, lower=True)
    net = scn.build(D, tau=tau, mu=0.0)
    return net, z


@dataclass
class BridgeResult:
    """Result of ``spiking_check`` (all x-values in TLN units, rates in Hz, times in ms).

    x_tln : TLN fixed point (prediction); x_sim : time-averaged r / s of the spiking network;
    stderr : batch-means standard error of x_sim; bias_bound : systematic finite-spike bound;
    agree : per unit, |x_sim - x_tln| <= n_sigma stderr + bias_bound; rates_hz : spike rates;
    rates_pred_hz : 1000 s x_tln / tau; info : the run's parameters.
    """

    x_tln: np.ndarray
    x_sim: np.ndarray
    stderr: np.ndarray
    bias_bound: np.ndarray
    agree: np.ndarray
    rates_hz: np.ndarray
    rates_pred_hz: np.ndarray
    n_sigma: float
    info: dict

    @property
    def all_agree(self):
        return bool(np.all(self.agree))

    def comparisons(self, prefix="x"):
        """One ``validation.compare.Comparison`` per unit (quantity ``{prefix}_{i}``)."""
        from recnet.validation.compare import compare

        return [compare(f"{prefix}_{i}", self.x_tln[i], self.x_sim[i], self.stderr[i],
                        n_sigma=self.n_sigma, systematic=float(self.bias_bound[i]),
                        why="finite-spike bias bound of the spike-coding network (recnet.numerics.scn.qp)",
                        note="spike-coding network with the same QP")
                for i in range(len(self.x_tln))]


def spiking_check(W, b, *, spikes_per_unit=50.0, tau=20.0, dt=None, t_sim=None, t_warm=None,
                  n_batches=20, n_sigma=3.0, seed=None):
    """Simulate the spike-coding network of a TLN and compare its rates with the TLN fixed point.

    Parameters
    ----------
    W : (n, n) array
        symmetric TLN weights with I - W positive definite (else ValueError naming W).
    b : (n,) array
        TLN input.
    spikes_per_unit : float
        s, filtered spikes per unit of x; the finite-spike bias falls as 1/s, the run time grows
        as s (default 50).
    tau : float, ms
        membrane time constant of the spiking neurons (default 20 ms).
    dt : float, ms or None
        time step; default min(0.1, 0.1 / predicted total spikes per ms).
    t_sim, t_warm : float, ms or None
        simulated time (default 200 tau) and warm-up (default 10 tau, plus what the slowest
        mode of M needs to settle).
    n_batches : int
        batches for the batch-means standard error.
    n_sigma : float
        statistical part of the agreement rule.
    seed : int or Generator
        accepted for API uniformity (the network is deterministic).

    Returns
    -------
    BridgeResult
    """
    from recnet.numerics.scn import network as scn

    W, b, M, L = _check_tln(W, b)
    s = checks.positive("spikes_per_unit", spikes_per_unit)
    tau = checks.positive("tau", tau, "ms")
    checks.rng(seed)
    x_tln = tln_fixed_point(W, b)
    net, z = scn_for_tln(W, b, spikes_per_unit=s, tau=tau)
    total_per_ms = s * float(x_tln.sum()) / tau
    if dt is None:
        dt = min(0.1, 0.1 / total_per_ms) if total_per_ms > 0 else 0.1
    dt = checks.positive("dt", dt, "ms")
    t_sim = 200.0 * tau if t_sim is None else checks.positive("t_sim", t_sim, "ms")
    if t_warm is None:
        t_warm = min(10.0 * tau, 0.2 * t_sim)
    res = scn.simulate(net, z, dt=dt, t_sim=t_sim, t_warm=t_warm, spikes_per_step=1,
                       n_batches=n_batches)
    x_sim = res.r_mean / s
    bm = res.batch_r_means / s
    stderr = bm.std(axis=0, ddof=1) / np.sqrt(bm.shape[0])
    # systematic finite-spike bound (module docstring), in TLN units
    A = np.flatnonzero(x_tln > 0)
    bias = np.zeros(len(x_tln))
    if A.size:
        inv = np.linalg.inv(M[np.ix_(A, A)])
        bias[A] = np.abs(inv) @ (0.5 * np.diag(M)[A]) / s
    # a unit silent at the QP solution whose voltage mid-point lies within half a reset of the
    # threshold may still spike occasionally: allow half a reset there (an allowance, not a bound)
    silent = np.setdiff1d(np.arange(len(x_tln)), A)
    if silent.size:
        bias[silent] = 0.5 * np.diag(M)[silent] / s
    agree = np.abs(x_sim - x_tln) <= n_sigma * stderr + bias
    return BridgeResult(x_tln=x_tln, x_sim=x_sim, stderr=stderr, bias_bound=bias, agree=agree,
                        rates_hz=res.rates_hz, rates_pred_hz=1000.0 * s * x_tln / tau,
                        n_sigma=float(n_sigma),
                        info=dict(n=len(b), spikes_per_unit=s, tau_ms=tau, dt_ms=dt, t_sim_ms=t_sim,
                                  t_warm_ms=t_warm, n_spikes=res.n_spikes, n_batches=n_batches,
                                  mapping="D = chol(I - W)^T, T = ||D_i||^2/2, z = s L^-1 b; r = s x"))
