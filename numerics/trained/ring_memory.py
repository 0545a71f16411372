r"""A ring (angular) working-memory task, and the ring of slow points a trained network uses for it.

Network as in :mod:`recnet.numerics.trained.flipflop`: the Euler discretisation (step
:math:`\alpha = \Delta t/\tau`) of :math:`\tau\dot x = -x + W\tanh x + B u + b`, readout
:math:`y = C\tanh x + d`.

Task (the continuous analogue of the flip-flop; e.g. the oculomotor-delay / parametric working
memory tasks analysed by Sussillo & Barak 2013 and the ring attractors of Ben-Yishai, Bar-Or &
Sompolinsky 1995): two input channels receive brief pulses :math:`(\cos\theta, \sin\theta)` at random
times (always one at step 0) with a uniformly drawn angle; the two outputs must hold
:math:`(\cos\theta, \sin\theta)` of the last pulse.  A network that solves it for every angle needs a
one-dimensional continuum of (nearly) stationary states: a ring of slow points along which the
Jacobian has one eigenvalue near zero.

:func:`recnet.numerics.trained.manifold.slow_manifold` describes such a manifold from the points
the finder returns.
"""
from __future__ import annotations

import math

import numpy as np

from recnet import checks
from recnet.numerics.trained.flipflop import _loss_and_grad, adam_fit, run_rnn

__all__ = ["ring_batch", "train_ring", "readout_angle_error"]


def ring_batch(n_batch, n_steps, p_pulse=0.02, pulse_len=5, seed=None):
    """Inputs ``u`` (n_batch, n_steps, 2) and targets ``y`` of the ring memory task.

    Pulses of ``pulse_len`` steps with value (cos theta, sin theta), theta uniform in [0, 2 pi),
    start with probability ``p_pulse`` per step (always at step 0); the target is (cos, sin) of the
    angle of the last pulse, switched when the pulse starts.
    """
    rng = checks.rng(seed)
    starts = rng.random((n_batch, n_steps)) < p_pulse
    starts[:, 0] = True
    theta = rng.uniform(0.0, 2.0 * math.pi, (n_batch, n_steps))
    u = np.zeros((n_batch, n_steps, 2))
    y = np.zeros((n_batch, n_steps, 2))
    cur = np.zeros((n_batch, 2))
    for t in range(n_steps):
        s = starts[:, t][:, None]
        val = np.stack([np.cos(theta[:, t]), np.sin(theta[:, t])], axis=1)
        cur = np.where(s, val, cur)
        y[:, t] = cur
        for k in range(pulse_len):
            if t + k < n_steps:
                u[:, t + k] = np.where(s, val, u[:, t + k])
    return u, y


def train_ring(n=64, alpha=0.2, n_iter=2000, n_batch=32, n_steps=120, lr=3e-3, g0=0.9, clip=1.0, seed=0,
               progress=None):
    """Train a tanh RNN on the ring memory task (BPTT, Adam, as :func:`flipflop.train_flipflop`);
    returns (params, losses)."""
    n = checks.integer("n", n, minimum=2)
    rng = checks.rng(seed)
    params = {"W": g0 * rng.standard_normal((n, n)) / math.sqrt(n),
              "B": rng.standard_normal((n, 2)) / math.sqrt(2.0),
              "b": np.zeros(n),
              "C": rng.standard_normal((2, n)) / math.sqrt(n),
              "d": np.zeros(2)}
    return adam_fit(params, lambda p: _loss_and_grad(p, *ring_batch(n_batch, n_steps, seed=rng), alpha), n_iter, lr,
                    clip, progress)


def readout_angle_error(params, alpha, n_batch=256, n_steps=300, seed=1):
    """Mean absolute angular error (rad) of the decoded output against the remembered angle, over a
    fresh test batch (every step)."""
    u, y = ring_batch(n_batch, n_steps, seed=seed)
    *_, out = run_rnn(params, u, alpha)
    d = np.angle(np.exp(1j * (np.arctan2(out[..., 1], out[..., 0]) - np.arctan2(y[..., 1], y[..., 0]))))
    return float(np.mean(np.abs(d)))
