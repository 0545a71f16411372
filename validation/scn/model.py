"""The network a ``scn`` prediction or validation is about, and the theory's numbers for it.

``resolve`` turns the subject's options into one ``recnet.models.scn.SCNModel``: the user's model
(``model``: a shipped name, a TOML/YAML file, a dict or an ``SCNModel``; ``mu``, ``nu``, ``tau``
given next to it override the model's) or, without a model, a random decoder of ``k`` x ``n``
columns of norm ``decoder_norm`` and a constant signal of norm ``x_norm``, both drawn from
``decoder_seed``.  ``predict`` and ``validate`` both go through it, so they talk about the same
network.

``prediction`` gives the theory for that network (Boerlin, Machens, Deneve 2013; Barrett, Deneve,
Machens 2013): the time-averaged filtered spike trains solve the quadratic program

    r* = argmin_{r >= 0} 1/2 |x - D r|^2 + mu/2 |r|^2 + nu |r|_1,

at the signal x (constant signal).  A network implementing linear dynamics dx/dt = A x + c (A
Hurwitz, constant command) has the stationary rates of the complementarity problem
``numerics.scn_qp.dynamics_rates`` (its readout D r tends to x* = -A^{-1} c as mu -> 0).  For a
time-varying signal the QP is solved quasi-statically at
samples of x(t) over one window (the slowest period), averaged: exact when the signal is slow
compared with tau.  Linear dynamics with an eigenvalue of A with real part >= 0 have no
stationary state; that is said in words.
"""
from __future__ import annotations

import numpy as np

from recnet import checks
from recnet.checks import ParameterError

__all__ = ["DEFAULTS", "MEMORY_LIMIT_BYTES", "check_memory", "resolve", "stationary_signal", "signal_samples",
           "prediction"]

DEFAULTS = dict(k=2, n=20, mu=0.0002, nu=0.0, tau=100.0, decoder_norm=0.01, x_norm=1.0, decoder_seed=12345)
RANDOM_ONLY = ("decoder_norm", "x_norm", "decoder_seed")
MEMORY_LIMIT_BYTES = 2 * 1024 ** 3      # dense N x N matrices beyond this are refused up front
N_SAMPLES = 64                          # quasi-static samples of a time-varying signal


def check_memory(name, value, nbytes, what):
    """Refuse (ParameterError naming ``name``) when ``nbytes`` exceeds ``MEMORY_LIMIT_BYTES``."""
    if nbytes > MEMORY_LIMIT_BYTES:
        raise ParameterError(name, value, f"needs about {nbytes / 1e9:.3g} GB ({what}), above recnet's limit of "
                             f"{MEMORY_LIMIT_BYTES / 1e9:.3g} GB")


def scn_bytes(k, n):
    """Memory of predicting/simulating an SCN: about six dense N x N float arrays (D^T D, the fast
    weights, the QP's Gram matrix and its active-set factorisation) plus a few K x N ones."""
    return 8.0 * (6.0 * n * n + 4.0 * k * n)


def resolve(model=None, k=None, n=None, mu=None, nu=None, tau=None, decoder_norm=None, x_norm=None,
            decoder_seed=None):
    """The ``SCNModel`` the options describe, and the options as resolved (a dict).

    With ``model``: ``k``/``n`` given must equal the model's decoder shape; ``decoder_norm``,
    ``x_norm``, ``decoder_seed`` (which describe the random network) are refused; ``mu``, ``nu``,
    ``tau`` override the model's.  Without: the random network of the defaults in ``DEFAULTS``.
    """
    from recnet import models
    from recnet.models.scn import SCNModel, Signal

    if mu is not None:
        mu = checks.nonnegative("mu", mu)
    if nu is not None:
        nu = checks.nonnegative("nu", nu)
    if tau is not None:
        tau = checks.positive("tau", tau, "ms")
    if model is not None:
        given = {name: v for name, v in (("decoder_norm", decoder_norm), ("x_norm", x_norm),
                                         ("decoder_seed", decoder_seed)) if v is not None}
        if given:
            name, v = next(iter(given.items()))
            raise ParameterError(name, v, "describes the random decoder drawn when no model is given: the model "
                                 "brings its own decoder and signal (drop the option or the model)")
        m = models.load(model, family="scn")
        check_memory("model", m.name, scn_bytes(m.k, m.n), f"dense {m.n} x {m.n} weight and QP matrices")
        over = {name: v for name, v in (("mu", mu), ("nu", nu), ("tau", tau)) if v is not None}
        if over:
            m = m.replace(**over)
        for name, v, have in (("k", k, m.k), ("n", n, m.n)):
            if v is not None and checks.integer(name, v, 1) != have:
                raise ParameterError(name, v, f"must equal the model's decoder ({m.k} x {m.n}: k = {m.k}, n = {m.n}) "
                                     "or be left out")
        cfg = dict(model=m.to_dict(), k=m.k, n=m.n, mu=m.mu, nu=m.nu, tau=m.tau, decoder_norm=None, x_norm=None,
                   decoder_seed=None)
        return m, cfg
    k = checks.integer("k", DEFAULTS["k"] if k is None else k, 1)
    n = checks.integer("n", DEFAULTS["n"] if n is None else n, 1)
    check_memory("n", n, scn_bytes(1, n), f"dense {n} x {n} weight and QP matrices")
    check_memory("k", k, scn_bytes(k, n), f"a {k} x {n} decoder")
    mu = DEFAULTS["mu"] if mu is None else mu
    nu = DEFAULTS["nu"] if nu is None else nu
    tau = DEFAULTS["tau"] if tau is None else tau
    decoder_norm = checks.positive("decoder_norm", DEFAULTS["decoder_norm"] if decoder_norm is None else decoder_norm)
    x_norm = checks.positive("x_norm", DEFAULTS["x_norm"] if x_norm is None else x_norm)
    decoder_seed = DEFAULTS["decoder_seed"] if decoder_seed is None else checks.integer("decoder_seed", decoder_seed, 0)
    from recnet.validation.scn.validate import random_decoder

    g = checks.rng(decoder_seed)
    D = random_decoder(k, n, decoder_norm=decoder_norm, seed=g)
    x = g.standard_normal(k)
    x *= x_norm / np.linalg.norm(x)
    m = SCNModel(decoder=D, signal=Signal("constant", x=x), tau=tau, mu=mu, nu=nu,
                 name=f"random decoder k={k} n={n} seed={decoder_seed}")
    cfg = dict(model=None, k=k, n=n, mu=m.mu, nu=m.nu, tau=m.tau, decoder_norm=decoder_norm, x_norm=x_norm,
               decoder_seed=decoder_seed)
    return m, cfg


def stationary_signal(m):
    """(x, words): the constant signal, the stationary state x* = -A^{-1} c of linear dynamics with a
    constant command, or (None, why not) when there is none / the signal varies in time."""
    s = m.signal
    if s.kind == "constant":
        return s.x, "constant signal"
    if s.time_varying:
        return None, "time-varying signal"
    if s.kind == "sinusoid":
        return s.offset + s.amplitude * np.sin(s.phase), "sinusoid of zero frequency: constant"
    ev = np.linalg.eigvals(s.A)
    if np.max(ev.real) >= 0:
        return None, (f"no stationary state: A has an eigenvalue with real part {np.max(ev.real):.4g} >= 0 per ms, "
                      "so x(t) does not settle")
    c = s.offset + s.amplitude * np.sin(s.phase)
    return np.linalg.solve(s.A, -c), "stationary state x* = -A^{-1} c of the linear dynamics"


def window_ms(m):
    """Length of the signal window the quasi-static prediction averages over: the slowest period."""
    f = m.signal.frequency[m.signal.frequency > 0]
    return float(1000.0 / f.min())


def signal_samples(m, t_ms):
    """x(t) at times ``t_ms`` (ms) for a time-varying signal, shape (len(t), K).

    Sinusoid: the signal itself.  Linear dynamics (A Hurwitz): the periodic steady state
    x(t) = x* + sum_j Im[(i w_j - A)^{-1} e_j a_j exp(i (w_j t + phi_j))], x* = -A^{-1} offset
    (transients from x0 have decayed).
    """
    s = m.signal
    t = np.asarray(t_ms, float)
    if s.kind == "sinusoid":
        return s.wave(t)
    x = np.tile(np.linalg.solve(s.A, -s.offset), (len(t), 1))
    I = np.eye(m.k)
    for j in range(m.k):
        if s.amplitude[j] == 0:
            continue
        w = 2 * np.pi * s.frequency[j] * 1e-3                  # rad per ms
        col = np.linalg.solve(1j * w * I - s.A, I[:, j] * s.amplitude[j])
        x += np.imag(col[None, :] * np.exp(1j * (w * t[:, None] + s.phase[j])))
    return x


def prediction(m):
    """Values and warnings of ``predict scn`` for the model ``m`` (see the module docstring)."""
    from recnet.numerics.scn import network as scn
    from recnet.numerics.scn import qp as scn_qp

    net = scn.build(m.decoder, mu=m.mu, nu=m.nu, tau=m.tau, T=m.thresholds)
    D, mu = net.D, net.mu
    G = D.T @ D + mu * np.eye(net.n)
    T = m.thresholds
    warnings = []
    vals = {"k": m.k, "n": m.n, "signal_kind": m.signal.kind}
    x, words = stationary_signal(m)
    if x is None and m.signal.kind == "linear" and np.max(np.linalg.eigvals(m.signal.A).real) >= 0:
        vals["stationary_state"] = words
        warnings.append(words + ": no stationary rates are predicted")
        vals.update(thresholds=net.T, reset=net.reset)
        return vals, warnings
    if x is not None and m.signal.kind == "linear":
        s = m.signal
        c = s.offset + s.amplitude * np.sin(s.phase)
        r, M, q = scn_qp.dynamics_rates(D, s.A, c, tau=m.tau, T=T, mu=mu, nu=m.nu)
        if r is None:
            why = ("no stationary rates found: the rate problem M r + q >= 0 (M = mu I - tau D^T A D) is not "
                   "solvable by complementary pivoting (M is not a P-matrix)")
            vals.update(stationary_state=why, x=x, thresholds=net.T, reset=net.reset)
            warnings.append(why)
            return vals, warnings
        bias = scn_qp.finite_spike_bias_bound(M, r, net.reset)
        vals.update(stationary_state=words, x=x, rates_hz=1000.0 * r / m.tau, n_active=int(np.sum(r > 0)),
                    readout=D @ r, coding_error_norm=float(np.linalg.norm(x - D @ r)), thresholds=net.T,
                    reset=net.reset, kkt_residual=scn_qp.lcp_residual(M, q, r),
                    finite_spike_bias_bound_hz=1000.0 * bias / m.tau)
        return vals, warnings
    if x is not None:
        r = scn_qp.rates(D, x, T=T, mu=mu, nu=m.nu)
        h = D.T @ x - (0.5 * m.nu if T is None else scn_qp.effective_thresholds(D, T, mu))
        bias = scn_qp.finite_spike_bias_bound(G, r, net.reset)
        vals.update(stationary_state=words, x=x, rates_hz=1000.0 * r / m.tau, n_active=int(np.sum(r > 0)),
                    readout=D @ r, coding_error_norm=float(np.linalg.norm(x - D @ r)), thresholds=net.T,
                    reset=net.reset, kkt_residual=scn_qp.kkt_residual(G, h, r),
                    finite_spike_bias_bound_hz=1000.0 * bias / m.tau)
        return vals, warnings
    win = window_ms(m)
    t = np.arange(N_SAMPLES) * win / N_SAMPLES
    X = signal_samples(m, t)
    R = np.array([scn_qp.rates(D, xi, T=T, mu=mu, nu=m.nu) for xi in X])
    err = np.linalg.norm(X - R @ D.T, axis=1)
    slowest = float(np.max(np.abs(np.gradient(X, t, axis=0)))) * m.tau
    warnings.append(f"time-varying signal: rates are the quasi-static QP rates at {N_SAMPLES} samples of x(t) over "
                    f"{win:.4g} ms, averaged; exact only for signals slow compared with tau = {m.tau:g} ms "
                    f"(here max |dx/dt| tau = {slowest:.3g} latent units)")
    vals.update(stationary_state=words, window_ms=win, x_mean=X.mean(axis=0),
                rates_hz=1000.0 * R.mean(axis=0) / m.tau, n_active=int(np.sum(R.max(axis=0) > 0)),
                readout_mean=(R @ D.T).mean(axis=0), quasi_static_max_coding_error_norm=float(err.max()),
                thresholds=net.T, reset=net.reset)
    return vals, warnings
