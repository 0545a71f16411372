r"""The 3-bit flip-flop task and a small backpropagation-through-time trainer (numpy).

The network is the Euler discretisation, with step :math:`\alpha = \Delta t/\tau`, of

.. math::

    \tau\,\dot x = -x + W\tanh(x) + B u(t) + b,\qquad y = C\tanh(x) + d,

i.e. :math:`x_{t+1} = (1-\alpha)x_t + \alpha\,(W r_t + B u_t + b)`, :math:`r_t = \tanh x_t`.  Its
fixed points are exactly those of the continuous-time system (the Euler map and the flow share
them), which is what :mod:`recnet.numerics.trained.fixed_points` analyses.

Task (Sussillo & Barak 2013, Neural Comput 25:626, their Fig. 2): K = 3 input channels receive
sparse pulses of +1 or -1; output channel k must hold the sign of the last pulse on channel k.
Every trial starts with a pulse on every channel, so the target is defined from the first step.

Training: mean squared error over all steps, gradients by backpropagation through time (written out
below), Adam (Kingma & Ba 2015) with gradient-norm clipping.  Everything is seeded.
"""
from __future__ import annotations

import math

import numpy as np

from recnet import checks

__all__ = ["flipflop_batch", "initial_params", "train_flipflop", "run_rnn", "adam_fit"]


def flipflop_batch(n_batch, n_steps, n_bits=3, p_pulse=0.03, pulse_len=3, seed=None):
    """Inputs ``u`` (n_batch, n_steps, n_bits) and targets ``y`` of the flip-flop task.

    Pulses (value +1 or -1, ``pulse_len`` steps long) start on each channel with probability
    ``p_pulse`` per step; every channel gets one at step 0.  The target of channel k is the sign of
    the last pulse that started on k (it switches when the pulse starts).
    """
    rng = checks.rng(seed)
    starts = rng.random((n_batch, n_steps, n_bits)) < p_pulse
    starts[:, 0, :] = True
    signs = np.where(rng.random((n_batch, n_steps, n_bits)) < 0.5, -1.0, 1.0)
    u = np.zeros((n_batch, n_steps, n_bits))
    y = np.zeros((n_batch, n_steps, n_bits))
    cur = np.zeros((n_batch, n_bits))
    for t in range(n_steps):
        s = starts[:, t, :]
        cur = np.where(s, signs[:, t, :], cur)
        y[:, t, :] = cur
        for k in range(pulse_len):
            if t + k < n_steps:
                u[:, t + k, :] = np.where(s, signs[:, t, :], u[:, t + k, :])
    return u, y


def run_rnn(params, u, alpha, x0=None):
    """Forward pass: states ``x`` (n_batch, n_steps + 1, N), rates ``r`` and outputs ``y``."""
    W, B, b, C, d = (params[k] for k in ("W", "B", "b", "C", "d"))
    nb, nt, _ = u.shape
    n = W.shape[0]
    x = np.zeros((nb, nt + 1, n))
    if x0 is not None:
        x[:, 0] = x0
    r = np.empty((nb, nt, n))
    for t in range(nt):
        r[:, t] = np.tanh(x[:, t])
        x[:, t + 1] = (1.0 - alpha) * x[:, t] + alpha * (r[:, t] @ W.T + u[:, t] @ B.T + b)
    rt = np.tanh(x[:, 1:])
    y = rt @ C.T + d
    return x, r, rt, y


def _loss_and_grad(params, u, target, alpha):
    r"""MSE loss and its gradient by BPTT.

    With :math:`y_t = C r'_t + d`, :math:`r'_t = \tanh x_{t+1}` and
    :math:`L = \frac{1}{M}\sum_t |y_t - \hat y_t|^2` (M = batch x steps x outputs), the adjoint
    :math:`\delta_t = \partial L/\partial x_t` obeys, backwards from :math:`\delta_{T+1} = 0`,

    .. math::

        \delta_{t} = (1-\alpha)\delta_{t+1} + (1 - r_t^2)\odot\left(\alpha W^\top\delta_{t+1}
        + C^\top \partial L/\partial y_{t-1}\right),

    and :math:`\partial L/\partial W = \alpha\sum_t \delta_{t+1} r_t^\top`,
    :math:`\partial L/\partial B = \alpha\sum_t \delta_{t+1} u_t^\top`,
    :math:`\partial L/\partial b = \alpha\sum_t \delta_{t+1}`.
    """
    W, B, b, C, d = (params[k] for k in ("W", "B", "b", "C", "d"))
    x, r, rt, y = run_rnn(params, u, alpha)
    nb, nt, _ = u.shape
    err = y - target
    M = err.size
    loss = float(np.sum(err * err) / M)
    dy = 2.0 * err / M                       # (nb, nt, K)
    g = {k: np.zeros_like(v) for k, v in params.items()}
    g["C"] = np.einsum("btk,btn->kn", dy, rt)
    g["d"] = dy.sum(axis=(0, 1))
    drt = dy @ C                             # dL/d r'_t = dL/d tanh(x_{t+1})
    delta = np.zeros((nb, W.shape[0]))       # dL/dx_{t+1}
    for t in range(nt - 1, -1, -1):
        # delta holds dL/dx_{t+1} from later steps; add the readout at x_{t+1}
        delta = delta + drt[:, t] * (1.0 - rt[:, t] ** 2)
        a = alpha * delta
        g["W"] += a.T @ r[:, t]
        g["B"] += a.T @ u[:, t]
        g["b"] += a.sum(axis=0)
        delta = (1.0 - alpha) * delta + (a @ W) * (1.0 - r[:, t] ** 2)
    return loss, g


def initial_params(n, n_bits, g0, rng):
    """The initial weights of :func:`train_flipflop` (W_ij ~ N(0, g0^2/N), B, C Gaussian, b = d = 0),
    drawn from ``rng`` (a seed or Generator) in the trainer's order."""
    rng = checks.rng(rng)
    return {"W": g0 * rng.standard_normal((n, n)) / math.sqrt(n),
            "B": rng.standard_normal((n, n_bits)) / math.sqrt(n_bits),
            "b": np.zeros(n),
            "C": rng.standard_normal((n_bits, n)) / math.sqrt(n),
            "d": np.zeros(n_bits)}


def train_flipflop(n=64, n_bits=3, alpha=0.2, n_iter=1500, n_batch=64, n_steps=150, lr=3e-3, g0=0.9,
                   clip=1.0, seed=0, progress=None):
    """Train a tanh RNN on the flip-flop task; returns (params, losses).

    Parameters
    ----------
    n : int
        number of units N.
    alpha : float in (0, 1]
        Euler step dt/tau.
    n_iter, n_batch, n_steps : int
        Adam iterations, trials per batch, steps per trial.
    lr : float
        Adam learning rate.
    g0 : float
        initial gain: W_ij ~ N(0, g0^2/N).
    clip : float
        gradient norm clip.
    seed : int
        one seed for the initial weights and every batch.
    progress : callable(it, loss) or None
    """
    rng = checks.rng(seed)
    params = initial_params(n, n_bits, g0, rng)
    return adam_fit(params, lambda p: _loss_and_grad(p, *flipflop_batch(n_batch, n_steps, n_bits, seed=rng), alpha),
                    n_iter, lr, clip, progress)


def adam_fit(params, loss_grad, n_iter, lr, clip, progress=None):
    """Adam (Kingma & Ba 2015; beta1 0.9, beta2 0.999, eps 1e-8) with gradient-norm clipping at
    ``clip``; ``loss_grad(params)`` draws one batch and returns (loss, gradient dict), e.g. the BPTT
    gradient of :func:`_loss_and_grad`.  Updates ``params`` in place; returns (params, losses)."""
    m = {k: np.zeros_like(v) for k, v in params.items()}
    v = {k: np.zeros_like(v) for k, v in params.items()}
    b1, b2, eps = 0.9, 0.999, 1e-8
    losses = []
    for it in range(1, n_iter + 1):
        loss, g = loss_grad(params)
        losses.append(loss)
        gn = math.sqrt(sum(float(np.sum(x * x)) for x in g.values()))
        sc = min(1.0, clip / (gn + 1e-12))
        for k in params:
            gk = g[k] * sc
            m[k] = b1 * m[k] + (1 - b1) * gk
            v[k] = b2 * v[k] + (1 - b2) * gk * gk
            mh = m[k] / (1 - b1 ** it)
            vh = v[k] / (1 - b2 ** it)
            params[k] = params[k] - lr * mh / (np.sqrt(vh) + eps)
        if progress is not None:
            progress(it, loss)
    return params, np.array(losses)
