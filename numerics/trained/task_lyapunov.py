r"""Lyapunov spectrum of a trained (or any) rate network on a task-driven trajectory.

The network of :mod:`recnet.numerics.trained.fixed_points` is run with a time-varying input
:math:`c_t = b + B(u + u_t)` (u the constant input condition, :math:`u_t` the task's input at step t)
and its tangent dynamics are propagated by the QR (Benettin) engine of
:func:`recnet.numerics.lyapunov.rate.spectrum`, which integrates

.. math:: x \mapsto a\,x + b_E\,(W\phi(x) + c_t),

so the three dynamics map onto it exactly:

* the flow :math:`\dot x = -x + W\phi(x) + c(t)`: Euler with ``a = 1 - dt, b_E = dt``, exponents in
  1/tau (dt = 0.05 tau or less, so one task step of the training's length ``alpha_file`` (default 0.2
  tau) is a whole number of Euler steps);
* the leaky map :math:`x_{t+1} = (1-\alpha)x_t + \alpha(W\phi(x_t) + c_t)`: ``a = 1 - alpha, b_E =
  alpha``, exponents per step;
* the vanilla map :math:`h_{t+1} = \phi(Wh_t + c_t)`: in pre-activation coordinates :math:`x_{t+1} =
  Wh_t + c_t` it is :math:`x_{t+1} = W\phi(x_t) + c_{t}` (``a = 0, b_E = 1``); the tangent products
  of the two coordinates differ only by the boundary factor diag(phi'), so the exponents are the
  same, per step.

Task inputs (``drive="task"``): the context-dependent integration trials of
:func:`recnet.numerics.trained.cdm.cdm_batch` for a weights file with ``task = 'cdm'``, otherwise the
flip-flop input of :func:`recnet.numerics.trained.flipflop.flipflop_batch` (sparse +-1 pulses, 3
steps long, probability 0.03 per step, on every column of B), which drives any network with inputs.
``drive="constant"`` keeps the input condition fixed.

Entropy rate (sum of the positive exponents, Pesin) and Kaplan-Yorke dimension are those of
:mod:`recnet.numerics.lyapunov.common`; with fewer than N exponents they are lower bounds when the
M-th exponent is still positive (reported).  References: Engelken, Wolf, Abbott 2023, Phys Rev
Research 5:043044; Benettin et al. 1980, Meccanica 15:9.
"""
from __future__ import annotations

import math

import numpy as np

from recnet import checks
from recnet.checks import ParameterError

__all__ = ["task_inputs", "task_spectrum", "T_SIM", "MAP_STEPS"]

#: measurement time of the flow (tau) and warm-up
T_SIM, T_WARM = 200.0, 50.0
#: measurement and warm-up steps of a map
MAP_STEPS, MAP_WARM = 2000, 500


def task_inputs(net, n_steps, drive, seed):
    """(inputs (n_steps, K) in units of u per task step, description) of the drive."""
    B = net["B"]
    task = net["extras"].get("task")
    if drive == "constant" or B is None:
        return None, "constant: the input condition only"
    if task == "cdm":
        from recnet.numerics.trained import cdm
        if B.shape[1] != 4:
            raise ParameterError("drive", drive, "task = 'cdm' needs 4 input channels (B is N x 4)")
        u, *_ = cdm.cdm_batch(n_steps // 60 + 1, seed=seed)
        return u.reshape(-1, 4)[:n_steps], "task: context-dependent integration trials (cdm_batch), back to back"
    from recnet.numerics.trained import flipflop
    u, _ = flipflop.flipflop_batch(1, n_steps, n_bits=B.shape[1], seed=seed)
    return u[0], ("task: flip-flop pulses (+-1, 3 steps, probability 0.03 per step and channel, one on every "
                  "channel at step 0) on every column of B")


def task_spectrum(net, m, drive=None, seed=0):
    """The ``lyapunov`` block of ``predict trained-rnn`` for the network dict of the subject
    (``W``, ``B``, ``b``, ``u``, ``c``, ``phi``, ``dynamics``, ``alpha``, ``extras``).

    Returns
    -------
    dict: ``exponents`` (m, decreasing), ``ci_low``, ``ci_high``, ``stderr``, ``unit``,
    ``entropy_rate``, ``ky_dimension``, ``lambda1_twin`` (two-trajectory estimate of the largest),
    ``sum_exponents``, ``drive``, ``dt``, ``t_sim`` or ``n_steps``, ``bounds_note``.
    """
    from recnet.numerics.lyapunov import rate as LR
    W = np.asarray(net["W"], float)
    n = W.shape[0]
    m = checks.integer("lyapunov", m, minimum=1, maximum=n)
    phi = net["phi"] if isinstance(net["phi"], str) else getattr(net["phi"], "name", str(net["phi"]))
    if phi not in LR.PHIS:
        raise ParameterError("lyapunov", m, f"needs phi one of {', '.join(LR.PHIS)} (this network has {phi})")
    if drive not in (None, "task", "constant"):
        raise ParameterError("drive", drive, "task or constant")
    drive = drive or ("task" if net["B"] is not None else "constant")
    if drive == "task" and net["B"] is None:
        raise ParameterError("drive", drive, "the network has no input matrix B: use constant")
    dyn = net["dynamics"]
    if dyn == "continuous":
        step = float(net["extras"].get("alpha", 0.2))
        sub = max(1, math.ceil(step / 0.05 - 1e-9))
        dt, time_, unit = step / sub, "continuous", "1/tau"
        t_sim, t_warm = T_SIM, T_WARM
    else:
        dt = net["alpha"] if dyn == "leaky" else 1.0
        sub, time_, unit = 1, "map", "per step"
        t_sim, t_warm = MAP_STEPS * dt, MAP_WARM * dt
    n_total = int(math.ceil((t_sim + t_warm + t_sim / 5 + 20.0) / dt)) + 1
    U, words = task_inputs(net, n_total // sub + 1, drive, seed)
    c = np.asarray(net["c"], float)
    inputs = None
    if U is not None:
        seq = np.repeat(U @ np.asarray(net["B"], float).T, sub, axis=0)[:n_total]
        inputs = seq + c[None, :]
    base = {"n_exponents": m, "drive": drive, "drive_description": words, "dynamics": dyn, "dt": dt, "unit": unit}
    kw = dict(dt=dt, t_sim=t_sim, t_warm=t_warm, t_warm_q=min(20.0, t_sim / 4) if dyn == "continuous" else 100 * dt,
              phi=phi, time=time_, seed=seed, inputs=inputs, i0=None if inputs is not None else c)
    twin_note = None
    try:
        try:
            res = LR.spectrum(W, m, **kw)
        except ZeroDivisionError:  # the twin trajectory merged with the reference below rounding
            twin_note = ("the twin trajectory merged with the reference (their distance fell below the rounding of "
                         "the state: a state growing without bound or a strongly contracting trajectory); no "
                         "two-trajectory estimate")
            res = LR.spectrum(W, m, twin=False, **kw)
    except ValueError as exc:      # the trajectory runs away (unbounded phi): an outcome, in words
        why = f"not computed: {exc}"
        return dict(base, state=why, not_computed={"exponents": why})
    ex = np.asarray(res["exponents"], float)
    if not np.all(np.isfinite(ex)):   # a tangent direction is annihilated (phi' = 0 everywhere it acts)
        why = ("exponents of -infinity: a tangent direction is mapped to zero (phi' = 0 on the units it acts "
               "through, e.g. relu units silent for the whole run)")
        return dict(base, state=why, exponents_finite=[float(v) for v in ex if np.isfinite(v)],
                    n_minus_infinity=int(np.sum(~np.isfinite(ex))), not_computed={"exponents": why})
    out = {"exponents": ex, "ci_low": res["ci_low"], "ci_high": res["ci_high"], "stderr": res["stderr"],
           "unit": unit, "entropy_rate": res["entropy_rate"], "ky_dimension": res["ky_dimension"],
           "sum_exponents": float(ex.sum()), "n_exponents": m,
           "drive": drive, "drive_description": words, "dynamics": dyn, "dt": dt,
           "integration": ("Euler, dt = %g tau (%d steps per task step)" % (dt, sub) if dyn == "continuous"
                           else "the map itself")}
    if twin_note is None:
        out["lambda1_twin"] = res.get("lambda1_twin")
    else:
        out["not_computed"] = {"lambda1_twin": twin_note}
    if dyn == "continuous":
        out["t_sim_tau"] = t_sim
    else:
        out["n_steps"] = MAP_STEPS
    if m < n and ex[-1] > 0:
        out["bounds_note"] = ("the smallest computed exponent is still positive: entropy_rate and ky_dimension "
                              "are lower bounds (compute more exponents)")
    return out
