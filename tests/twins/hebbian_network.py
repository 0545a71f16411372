"""Naive twins of :mod:`recnet.numerics.hebbian_network` (test oracles; not part of recnet).

Slow, plain-Python/numpy versions of the compiled code, which the tests (and benchmarks) compare
with it; moved here from the public module (issue 12, item 6), unchanged.
"""
from __future__ import annotations

import numpy as np

from recnet.numerics.hebbian_network import TYPES, _draws, _prepare, _rate_setup, hebbian_drives, response_matrix


def averaged_network_naive(W, Q, eta, n_steps, norms=None, rates=None, plastic=TYPES):
    """Numpy twin of ``averaged_network`` (final weights only)."""
    W = {k: v.copy() for k, v in W.items()}
    tot, eps, pl = _prepare(W, norms, rates, plastic)
    for _ in range(n_steps):
        G = hebbian_drives(W, Q)
        _naive_apply(W, G, eta, eps, pl, tot)
    return W


def _naive_apply(W, G, eta, eps, pl, tot):
    for k, t in enumerate(TYPES):
        if pl[k]:
            W[t] += eta * eps[k] * G[t]
    for a, b, t in (("EF", "EE", 0), ("EI", None, 1), ("IF", "IE", 2), ("II", None, 3)):
        blocks = [W[a]] + ([W[b]] if b else [])
        for B in blocks:
            np.maximum(B, 0, out=B)
        s = sum(B.sum(1) for B in blocks)
        f = np.where(s > 0, tot[t] / np.where(s > 0, s, 1.0), 1.0)
        for B in blocks:
            B *= f[:, None]


def stochastic_network_naive(W, cov, eta, n_steps, norms=None, rates=None, plastic=TYPES, mean=None, seed=0):
    """Numpy twin of ``stochastic_network`` (final weights; same random draws for the same seed)."""
    W = {k: v.copy() for k, v in W.items()}
    nf = W["EF"].shape[1]
    mean = np.zeros(nf) if mean is None else np.asarray(mean, float)
    tot, eps, pl = _prepare(W, norms, rates, plastic)
    w, V = np.linalg.eigh(np.asarray(cov, float))
    L = V * np.sqrt(np.maximum(w, 0.0))
    Z = _draws(nf, n_steps, seed)
    ne = W["EF"].shape[0]
    for s in range(n_steps):
        x = mean + L @ Z[s]
        r = response_matrix(W) @ np.vstack([W["EF"], W["IF"]]) @ x
        rE, rI = r[:ne], r[ne:]
        G = {"EF": np.outer(rE, x), "EE": np.outer(rE, rE), "EI": np.outer(rE, rI),
             "IF": np.outer(rI, x), "IE": np.outer(rI, rE), "II": np.outer(rI, rI)}
        _naive_apply(W, G, eta, eps, pl, tot)
    return W


def rate_network_learning_naive(W, n_stim, t_stim=200.0, dt=10.0, tau_e=20.0, tau_i=17.0, gain=0.04, bias=0.0,
                                power=2.0, learning_rates=None, norms=None, plastic=TYPES, amplitude_hz=35.0,
                                sigma_deg=12.0, contrast=1.0, seed=0):
    """Numpy twin of ``rate_network_learning`` (final weights and rates)."""
    W = {k: v.copy() for k, v in W.items()}
    steps, inputs = _rate_setup(W, n_stim, t_stim, dt, tau_e, tau_i, amplitude_hz, sigma_deg, contrast, seed)
    rates = {t: 1e-9 for t in TYPES} if learning_rates is None else dict(learning_rates)
    tot, eps, pl = _prepare(W, norms, rates, plastic)
    ne, ni = W["EF"].shape[0], W["IF"].shape[0]
    uE, uI, rE, rI = np.zeros(ne), np.zeros(ni), np.zeros(ne), np.zeros(ni)
    f = lambda u: gain * np.maximum(u - bias, 0.0) ** power
    for s in range(n_stim * steps):
        x = inputs[s // steps]
        hE = W["EF"] @ x + W["EE"] @ rE - W["EI"] @ rI
        hI = W["IF"] @ x + W["IE"] @ rE - W["II"] @ rI
        uE = uE + dt / tau_e * (hE - uE)
        uI = uI + dt / tau_i * (hI - uI)
        rE, rI = f(uE), f(uI)
        G = {"EF": np.outer(rE, x), "EE": np.outer(rE, rE), "EI": np.outer(rE, rI),
             "IF": np.outer(rI, x), "IE": np.outer(rI, rE), "II": np.outer(rI, rI)}
        _naive_apply(W, G, dt, eps, pl, tot)
    return W, (rE, rI)
