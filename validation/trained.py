r"""Fixed points of a trained (or any) rate network checked by simulation: each point is reached or
left from a small perturbation as its linearisation says.

For a point :math:`x^*` with Jacobian J (:mod:`recnet.numerics.trained.fixed_points`), the network
is started at :math:`x^* + \delta_0`, :math:`|\delta_0| = \varepsilon`, and integrated (RK4, step
``dt``) for a time T:

* stable or marginal points: :math:`\delta_0` random (seeded), :math:`T = 3/|\mathrm{Re}\,\lambda_1|`
  (at most ``t_max``);
* saddles and unstable points: :math:`\delta_0` along the real part of the leading unstable
  eigenvector, :math:`T = \ln(100)/\mathrm{Re}\,\lambda_1` (at most ``t_max``), so the linearisation
  predicts growth by about 100.

The linearisation predicts :math:`\delta_{lin}(T) = e^{JT}\delta_0` (scipy ``expm``).  The
simulated :math:`\delta(T) = x(T) - x^*` differs from it by the nonlinear remainder and the
integration error; the allowance is their bound

.. math::

    |\delta(T) - \delta_{lin}(T)| \le M c_2 T \max_t|\delta(t)|^2
      + \frac{T}{dt}\frac{(dt\,\|J\|_2)^5}{120} M \max_t|\delta(t)| + 10^{-12},

with :math:`M = \max_{s\le T}\|e^{Js}\|_2` (on a grid of 50 times),
:math:`c_2 = \|W\|_2 \max|\phi''|/2` (the second-order Taylor remainder of F; :math:`\max|\phi''|`
= :math:`4/(3\sqrt3)` for tanh, else measured on a fine grid over [-10, 10]), the RK4 local error
of a linear mode :math:`(h\rho)^5/120` per step, and 1e-12 for rounding around x* (|F(x*)| <=
1e-10 drifts by at most 1e-10 T: included as ``norm_F * T``).

Verdicts: *returns* when :math:`|\delta(T)| < \varepsilon`, *leaves* when :math:`|\delta(T)| >
\varepsilon`; the linearisation predicts *returns* for stable points and *leaves* for saddles and
unstable points.  Reference: Sussillo & Barak 2013, Neural Comput 25:626.
"""
from __future__ import annotations

import math

import numpy as np

from recnet import checks

__all__ = ["perturbation_check", "perturbation_check_map", "phi_second_derivative_max"]

_TANH_D2_MAX = 4.0 / (3.0 * math.sqrt(3.0))


def phi_second_derivative_max(tr):
    """max |phi''| (tanh: 4/(3 sqrt 3); else central differences of phi' on a grid over [-10, 10])."""
    if tr.name == "tanh":
        return _TANH_D2_MAX
    x = np.linspace(-10.0, 10.0, 20001)
    h = 1e-5
    d2 = (tr(x + h, "dphi") - tr(x - h, "dphi")) / (2 * h)
    return float(np.max(np.abs(d2)))


def perturbation_check(W, c, phi, point, eps=1e-6, dt=0.01, t_max=50.0, seed=None):
    """Simulate from ``point['x'] + delta0`` and compare with the linearisation (module docstring).

    Returns
    -------
    dict with ``predicted`` ("returns" | "leaves"), ``simulated`` (the same words), ``t``,
    ``norm_delta0``, ``norm_delta_T`` (simulated), ``norm_delta_lin_T`` (linearisation),
    ``deviation`` = |delta(T) - delta_lin(T)|, ``allowance`` and ``agree``.
    """
    from scipy.linalg import expm

    from recnet.numerics.rate_network import simulate
    from recnet.numerics.trained.fixed_points import jacobian

    tr, W, n, c, x, rng = _inputs(W, c, phi, point, seed)
    J = jacobian(W, tr, x)
    lam, V = np.linalg.eig(J)
    k = int(np.argmax(lam.real))
    l1 = float(lam[k].real)
    stab = point["stability"]
    if stab in ("saddle", "unstable"):
        v = V[:, k].real
        if np.linalg.norm(v) < 1e-8:
            v = V[:, k].imag
        d0 = eps * v / np.linalg.norm(v)
        T = min(math.log(100.0) / l1, t_max)
        predicted = "leaves"
    else:
        d0 = rng.standard_normal(n)
        d0 *= eps / np.linalg.norm(d0)
        T = min(3.0 / abs(l1), t_max) if l1 != 0 else t_max
        predicted = "returns"
    T = max(dt, round(T / dt) * dt)
    sim = simulate(W, tr, t_sim=T, dt=dt, x0=x + d0, i0=c, record_dt=T / 50, seed=0)
    dT = sim["x_final"] - x
    traj = sim["x"] - x[None, :]
    dmax = float(max(np.max(np.linalg.norm(traj, axis=1)), np.linalg.norm(dT), eps))
    dlin = expm(J * T) @ d0
    M = max(float(np.linalg.norm(expm(J * s), 2)) for s in np.linspace(0.0, T, 50))
    c2 = float(np.linalg.norm(W, 2)) * phi_second_derivative_max(tr) / 2.0
    rho = float(np.linalg.norm(J, 2))
    allowance = (M * c2 * T * dmax ** 2 + (T / dt) * (dt * rho) ** 5 / 120.0 * M * dmax
                 + M * T * float(point.get("norm_F", 0.0)) + 1e-12)
    return _outcome(stab, predicted, T, eps, dT, dlin, allowance, lambda1_re=l1)


def _inputs(W, c, phi, point, seed):
    """(transfer, W, N, c as an N-vector, the point's x, generator) of one perturbation check."""
    from recnet.numerics.gaussian import transfer
    W = np.asarray(W, float)
    n = W.shape[0]
    return (transfer(phi), W, n, np.broadcast_to(np.asarray(c, float), (n,)).copy(), np.asarray(point["x"], float),
            checks.rng(seed))


def _outcome(stab, predicted, T, eps, dT, dlin, allowance, **slowest):
    """The record of one perturbation check: returned (|delta_T| < eps) or left, and the deviation from
    the linearised perturbation against its allowance."""
    dev = float(np.linalg.norm(dT - dlin))
    nT = float(np.linalg.norm(dT))
    simulated = "returns" if nT < eps else "leaves"
    return dict({"stability": stab, "predicted": predicted, "simulated": simulated, "t": T}, **slowest,
                norm_delta0=eps, norm_delta_T=nT, norm_delta_lin_T=float(np.linalg.norm(dlin)), deviation=dev,
                allowance=float(allowance), agree=bool(simulated == predicted and dev <= allowance))


def perturbation_check_map(W, c, phi, point, dynamics, alpha=1.0, eps=1e-6, t_max=5000, seed=None):
    r"""The map version of :func:`perturbation_check` (leaky or vanilla map, ``dynamics``).

    Started at :math:`x^* + \delta_0`, the map is iterated exactly T times (no integration error):
    for unstable and saddle points along the leading multiplier's eigenvector, :math:`T =
    \lceil\ln 100/\ln|\mu_1|\rceil`; otherwise from a random direction, :math:`T = \lceil
    3/|\ln|\mu_1||\rceil` (at most ``t_max``).  The linearisation predicts :math:`\delta_{lin}(T) =
    D^T\delta_0`.  With :math:`G(x^* + \delta) = x^* + F(x^*) + D\delta + r`, :math:`|r| \le
    c_2|\delta|^2` (second-order Taylor remainder: :math:`c_2 = \alpha\|W\|_2\max|\phi''|/2` for the
    leaky map, :math:`\|W\|_2^2\max|\phi''|/2` for the vanilla map, since
    :math:`|v\circ v|_2 \le |v|_2^2`), the error :math:`e_T = \sum_s D^{T-1-s}(r_s + F(x^*) +
    \rho_s)` is bounded by

    .. math::

        |\delta(T) - \delta_{lin}(T)| \le M T\left(c_2\max_t|\delta_t|^2 + |F(x^*)| +
        4\epsilon_{mach}(\|W\|_2\sqrt N\max|\phi| + |x^*| + |c|)\right) + 10^{-12},

    :math:`M = \max_{k \le T}\|D^k\|_2`, :math:`\rho_s` the rounding of one step (``max|phi|``
    taken as the largest |phi| on the trajectory).
    """
    from recnet.numerics.trained.fixed_points import iterate_map, jacobian

    tr, W, n, c, x, rng = _inputs(W, c, phi, point, seed)
    D = jacobian(W, tr, x, c, dynamics, alpha)
    mu, V = np.linalg.eig(D)
    k = int(np.argmax(np.abs(mu)))
    m1 = float(abs(mu[k]))
    stab = point["stability"]
    if stab in ("saddle", "unstable"):
        v = V[:, k].real
        if np.linalg.norm(v) < 1e-8:
            v = V[:, k].imag
        d0 = eps * v / np.linalg.norm(v)
        T = math.ceil(math.log(100.0) / math.log(m1))
        predicted = "leaves"
    else:
        d0 = rng.standard_normal(n)
        d0 *= eps / np.linalg.norm(d0)
        T = math.ceil(3.0 / abs(math.log(m1))) if 0.0 < m1 < 1.0 else (1 if m1 == 0.0 else t_max)
        predicted = "returns"
    T = int(min(max(T, 1), t_max))
    X = iterate_map(W, c, tr, x + d0, T, dynamics, alpha)
    traj = X - x[None, :]
    dT = traj[-1]
    dmax = float(max(np.max(np.linalg.norm(traj, axis=1)), eps))
    dlin = d0.copy()
    M = 1.0
    P = np.eye(n)
    for _ in range(T):
        dlin = D @ dlin
        P = D @ P
        M = max(M, float(np.linalg.norm(P, 2)))
    d2 = phi_second_derivative_max(tr)
    wn = float(np.linalg.norm(W, 2))
    c2 = (wn * wn if dynamics == "vanilla" else alpha * wn) * d2 / 2.0
    phimax = float(np.max(np.abs(tr(X)))) if dynamics != "vanilla" else float(np.max(np.abs(X)))
    rnd = 4 * np.finfo(float).eps * (wn * math.sqrt(n) * phimax + float(np.linalg.norm(x)) + float(np.linalg.norm(c)))
    allowance = M * T * (c2 * dmax ** 2 + float(point.get("norm_F", 0.0)) + rnd) + 1e-12
    return _outcome(stab, predicted, T, eps, dT, dlin, allowance, mu1_abs=m1)
