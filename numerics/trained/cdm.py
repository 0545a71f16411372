r"""Context-dependent integration task and a low-rank RNN trained on it by BPTT (numpy).

The network (Dubreuil et al. 2022; Mastrogiuseppe & Ostojic 2018) is the Euler discretisation, with
step :math:`\alpha = \Delta t/\tau`, of

.. math::

    \tau\,\dot x_i = -x_i + \frac{1}{N}\sum_{r=1}^{R} m^{(r)}_i \sum_j n^{(r)}_j \tanh(x_j)
        + \sum_k I^{(k)}_i u_k(t),\qquad
    z(t) = \frac{1}{N}\sum_i w_i \tanh(x_i),

i.e. the rank-R connectivity :math:`W = M N^\top / N` (M, N the N x R matrices of the vectors
:math:`m^{(r)}, n^{(r)}`), inputs :math:`B = [I^{(1)},\dots,I^{(K)}]` and readout :math:`C = w^\top/N`.
Every unit i is then described by its *loadings* :math:`(m_i, n_i, I_i, w_i)`, the row of the
N x (2R + K + 1) loading matrix that :mod:`recnet.numerics.trained.populations` fits with a Gaussian
mixture.

Task (context-dependent decision making, Mante, Sussillo, Shenoy & Newsome 2013, Nature 503:78, in the
form used by Dubreuil et al. 2022, Nat Neurosci 25:783, their Fig. 4): K = 4 inputs, two noisy
stimuli :math:`u_A(t) = \bar u_A + \sigma\xi_A(t)`, :math:`u_B(t) = \bar u_B + \sigma\xi_B(t)` and two
context cues (one-hot, on for the whole trial).  After a fixation, stimulus and delay period the
output must be the sign of the mean of the stimulus the context names, :math:`\mathrm{sign}\,\bar u_A`
in context A, :math:`\mathrm{sign}\,\bar u_B` in context B, ignoring the other one.  Time steps of
:math:`\Delta t = 20` ms with :math:`\tau = 100` ms (alpha = 0.2) as in Dubreuil et al.

Training: mean squared error over the decision period, gradients by backpropagation through time
(written out in :func:`loss_and_grad`, cost O(batch N R) per step), Adam (Kingma & Ba 2015) with
gradient-norm clipping.  Everything is seeded.

References
----------
Dubreuil, Valente, Beiran, Mastrogiuseppe, Ostojic 2022, The role of population structure in
computations through neural dynamics, Nat Neurosci 25:783.
Beiran, Dubreuil, Valente, Mastrogiuseppe, Ostojic 2021, Shaping dynamics with multiple populations
in low-rank recurrent networks, Neural Comput 33:1572.
Mante, Sussillo, Shenoy, Newsome 2013, Nature 503:78.
"""
from __future__ import annotations

import math

import numpy as np

from recnet import checks
from recnet.checks import ParameterError

__all__ = ["CDM_DEFAULTS", "cdm_batch", "run_lowrank", "loss_and_grad", "decision_output", "cdm_accuracy", "train_cdm",
           "dense_params"]

#: task timing (steps of dt = 20 ms), stimulus noise and mean stimulus values (Dubreuil et al. 2022:
#: fixation 100 ms, stimulus 800 ms, delay 100-500 ms (here fixed, 200 ms), decision 100 ms)
CDM_DEFAULTS = {"n_fix": 5, "n_stim": 40, "n_delay": 10, "n_dec": 5, "sigma": 0.1,
                "coherences": (0.025, 0.05, 0.1, 0.2)}


def cdm_batch(n_batch, seed=None, n_fix=5, n_stim=40, n_delay=10, n_dec=5, sigma=0.1,
              coherences=(0.025, 0.05, 0.1, 0.2)):
    """Inputs ``u`` (n_batch, n_steps, 4), targets ``y`` (n_batch, n_steps, 1), decision mask
    (n_steps,) and the trial labels of the context-dependent integration task.

    Channels: 0 stimulus A, 1 stimulus B, 2 context A cue, 3 context B cue.  Each trial draws a context
    (A or B, probability 1/2) and mean stimuli :math:`\\bar u_A, \\bar u_B` uniformly from
    ``+-coherences`` independently; the stimuli are on (with white noise of s.d. ``sigma`` per step)
    during the ``n_stim`` steps after ``n_fix`` fixation steps; the target is
    :math:`\\mathrm{sign}\\,\\bar u_{\\mathrm{context}}` during the last ``n_dec`` steps (after
    ``n_delay`` delay steps) and the loss mask selects those steps.

    Returns
    -------
    u, y, mask, labels : arrays; ``labels`` is a dict with ``context`` (0 = A, 1 = B), ``mean_a``,
        ``mean_b`` and ``target`` (+-1) per trial.
    """
    n_batch = checks.integer("n_batch", n_batch, minimum=1)
    for nm, v in (("n_fix", n_fix), ("n_stim", n_stim), ("n_delay", n_delay), ("n_dec", n_dec)):
        checks.integer(nm, v, minimum=0 if nm in ("n_fix", "n_delay") else 1)
    sigma = checks.nonnegative("sigma", sigma)
    coh = np.asarray(coherences, float)
    if coh.ndim != 1 or coh.size < 1 or not np.all(np.isfinite(coh)) or np.any(coh <= 0):
        raise ParameterError("coherences", coherences, "must be a non-empty list of positive numbers")
    rng = checks.rng(seed)
    nt = n_fix + n_stim + n_delay + n_dec
    ctx = rng.integers(0, 2, n_batch)
    ma = rng.choice(coh, n_batch) * rng.choice([-1.0, 1.0], n_batch)
    mb = rng.choice(coh, n_batch) * rng.choice([-1.0, 1.0], n_batch)
    u = np.zeros((n_batch, nt, 4))
    st = slice(n_fix, n_fix + n_stim)
    u[:, st, 0] = ma[:, None] + sigma * rng.standard_normal((n_batch, n_stim))
    u[:, st, 1] = mb[:, None] + sigma * rng.standard_normal((n_batch, n_stim))
    u[np.arange(n_batch), :, 2 + ctx] = 1.0
    target = np.where(ctx == 0, np.sign(ma), np.sign(mb))
    mask = np.zeros(nt, bool)
    mask[nt - n_dec:] = True
    y = np.zeros((n_batch, nt, 1))
    y[:, mask, 0] = target[:, None]
    return u, y, mask, {"context": ctx, "mean_a": ma, "mean_b": mb, "target": target}


def run_lowrank(params, u, alpha):
    """Forward pass of the low-rank network: states ``x`` (n_batch, n_steps + 1, N) from x = 0, rates
    ``r = tanh x`` (n_batch, n_steps, N) before each step, latent variables
    :math:`\\kappa_t = r_t n / N` (n_batch, n_steps, R) and the output ``z`` (n_batch, n_steps) read
    from :math:`\\tanh x_{t+1}`."""
    m, n, B, w = (params[k] for k in ("m", "n", "B", "w"))
    nb, nt, _ = u.shape
    N = m.shape[0]
    x = np.zeros((nb, nt + 1, N))
    r = np.empty((nb, nt, N))
    kap = np.empty((nb, nt, m.shape[1]))
    inp = u @ B.T
    for t in range(nt):
        r[:, t] = np.tanh(x[:, t])
        kap[:, t] = r[:, t] @ n / N
        x[:, t + 1] = (1.0 - alpha) * x[:, t] + alpha * (kap[:, t] @ m.T + inp[:, t])
    rt = np.tanh(x[:, 1:])
    z = rt @ w / N
    return x, r, kap, rt, z


def loss_and_grad(params, u, target, mask, alpha):
    r"""Masked MSE loss and its gradient with respect to m, n, B and w by BPTT.

    With :math:`z_t = w\cdot\tanh(x_{t+1})/N` and
    :math:`L = \frac{1}{M}\sum_{b,\,t\in\mathrm{mask}} (z_t - \hat z_t)^2`, the adjoint
    :math:`\delta_{t+1} = \partial L/\partial x_{t+1}` obeys, backwards from :math:`\delta_{T+1} = 0`,

    .. math::

        \delta_{t} = (1-\alpha)\delta_{t+1} + (1 - r_t^2)\odot\Big(\frac{\alpha}{N}\, n\,(m^\top\delta_{t+1})
        + \frac{w}{N}\,\partial L/\partial z_{t-1}\Big),

    and :math:`\partial L/\partial m = \alpha\sum_t \delta_{t+1}\kappa_t^\top`,
    :math:`\partial L/\partial n = \frac{\alpha}{N}\sum_t r_t (m^\top\delta_{t+1})^\top`,
    :math:`\partial L/\partial B = \alpha\sum_t \delta_{t+1} u_t^\top`,
    :math:`\partial L/\partial w = \frac1N\sum_t \tanh(x_{t+1})\,\partial L/\partial z_t`
    (sums over the batch implied).  Equal to the dense BPTT of
    :mod:`recnet.numerics.trained.flipflop` with :math:`W = m n^\top/N` projected by the chain rule
    (tested).
    """
    m, n, B, w = (params[k] for k in ("m", "n", "B", "w"))
    x, r, kap, rt, z = run_lowrank(params, u, alpha)
    N = m.shape[0]
    tgt = target[..., 0] if target.ndim == 3 else target
    err = (z - tgt) * mask[None, :]
    M = u.shape[0] * int(mask.sum())
    loss = float(np.sum(err * err) / M)
    dz = 2.0 * err / M                       # (nb, nt)
    g = {k: np.zeros_like(v) for k, v in params.items()}
    g["w"] = np.einsum("bt,btn->n", dz, rt) / N
    delta = np.zeros((u.shape[0], N))
    for t in range(u.shape[1] - 1, -1, -1):
        if mask[t]:
            delta = delta + (dz[:, t:t + 1] * w[None, :] / N) * (1.0 - rt[:, t] ** 2)
        a = alpha * delta
        g["m"] += a.T @ kap[:, t]
        dk = a @ m                           # (nb, R): dL/d kappa_t
        g["n"] += r[:, t].T @ dk / N
        g["B"] += a.T @ u[:, t]
        delta = (1.0 - alpha) * delta + (dk @ n.T / N) * (1.0 - r[:, t] ** 2)
    return loss, g


def decision_output(params, u, alpha, mask):
    """Mean output over the masked (decision) steps per trial, by the forward pass of
    :func:`run_lowrank` without storing the trajectory (memory O(batch N))."""
    m, n, B, w = (np.asarray(params[k], float) for k in ("m", "n", "B", "w"))
    N = m.shape[0]
    x = np.zeros((u.shape[0], N))
    acc = np.zeros(u.shape[0])
    for t in range(u.shape[1]):
        x = (1.0 - alpha) * x + alpha * ((np.tanh(x) @ n / N) @ m.T + u[:, t] @ B.T)
        if mask[t]:
            acc += np.tanh(x) @ w / N
    return acc / max(int(np.sum(mask)), 1)


def cdm_accuracy(params, alpha, u, labels, mask):
    """Fraction of trials whose mean output over the decision period has the sign of the target, for
    all trials and for the incongruent ones (the two stimuli point opposite ways; a network that
    ignores the context is at chance on these)."""
    dec = decision_output(params, u, alpha, mask)
    ok = np.sign(dec) == labels["target"]
    inc = np.sign(labels["mean_a"]) != np.sign(labels["mean_b"])
    return {"accuracy": float(ok.mean()), "accuracy_incongruent": float(ok[inc].mean()) if inc.any() else float("nan"),
            "n_trials": int(ok.size), "n_incongruent": int(inc.sum())}


def dense_params(params):
    """The network as dense arrays: ``W = m n^T / N``, ``B``, ``b = 0``, ``C = w^T / N``, ``d = 0``
    (the form of :func:`recnet.numerics.trained.flipflop.run_rnn` and of the ``trained-rnn`` subject)."""
    m, n, B, w = (np.asarray(params[k], float) for k in ("m", "n", "B", "w"))
    N = m.shape[0]
    return {"W": m @ n.T / N, "B": B, "b": np.zeros(N), "C": w[None, :] / N, "d": np.zeros(1)}


def train_cdm(n=512, rank=1, alpha=0.2, n_iter=1500, n_batch=64, lr=1e-2, clip=1.0, seed=0, progress=None,
              task=None):
    """Train a rank-``rank`` tanh RNN on the context-dependent integration task; returns (params, losses).

    Parameters
    ----------
    n : int
        number of units N.
    rank : int
        rank R of the connectivity m n^T / N (1 or 2 in Dubreuil et al. 2022).
    alpha : float in (0, 1]
        Euler step dt/tau.
    n_iter, n_batch : int
        Adam iterations and trials per batch.
    lr : float
        Adam learning rate.
    clip : float
        gradient-norm clip.
    seed : int
        one seed for the initial loadings (all standard normal, as in Dubreuil et al.) and every batch.
    progress : callable(it, loss) or None
    task : dict or None
        keyword arguments of :func:`cdm_batch` (default :data:`CDM_DEFAULTS`).
    """
    n = checks.integer("n", n, minimum=2)
    rank = checks.integer("rank", rank, minimum=1, maximum=n)
    alpha = checks.in_range("alpha", alpha, 0.0, 1.0, low_inclusive=False)
    n_iter = checks.integer("n_iter", n_iter, minimum=1)
    lr = checks.positive("lr", lr)
    task = dict(CDM_DEFAULTS, **(task or {}))
    rng = checks.rng(seed)
    params = {"m": rng.standard_normal((n, rank)), "n": rng.standard_normal((n, rank)),
              "B": rng.standard_normal((n, 4)), "w": rng.standard_normal(n)}
    from recnet.numerics.trained.flipflop import adam_fit

    def loss_grad(p):
        u, y, mask, _ = cdm_batch(n_batch, seed=rng, **task)
        return loss_and_grad(p, u, y, mask, alpha)

    return adam_fit(params, loss_grad, n_iter, lr, clip, progress)
