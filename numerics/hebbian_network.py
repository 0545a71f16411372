r"""Fully plastic E-I networks with synapse-type-specific competitive Hebbian learning (numba).

The model of Eckmann, Young, Gjorgjieva 2024 (PNAS 121:e2305326121; Methods and SM Sec. 5):
N_E excitatory and N_I inhibitory rate neurons receive feedforward input from N_F input neurons (F)
and from each other.  Every synapse type is plastic with a plain Hebbian rule (Methods Eq. 11)

.. math::  \Delta W_{AB} = \epsilon_{AB}\, r_A r_B^\top,\qquad A\in\{E,I\},\ B\in\{E,I,F\},

followed, at every step, by clipping at zero (Dale's law) and multiplicative L1 normalization per
postsynaptic neuron and resource pool (Methods Eqs. 12-13): all excitatory inputs of a neuron
(feedforward F and recurrent E together) sum to :math:`W_{AE}`, its inhibitory inputs to
:math:`W_{AI}`.  Weights are stored as magnitudes (>= 0); the sign is set by the presynaptic type.

Two levels of description:

* ``linear`` (SM Secs. 2-5): linear neurons at steady state, r = M [W_EF; W_IF] x with
  M = (1 - W_rec)^{-1}, W_rec = [[W_EE, -W_EI], [W_IE, -W_II]]; inputs x with second-moment matrix
  Q = <x x^T> (Hz^2).  ``averaged_network`` iterates the averaged map (Hebbian drive
  <r_A r_B^T> from Q), ``stochastic_network`` draws one Gaussian input x = L z per step;
* ``rate`` (Methods Eqs. 9, 10, 15): Euler-integrated membrane potentials
  tau_A du_A/dt = -u_A + W_AF r_F + W_AE r_E - W_AI r_I, rates r = a [u - b]_+^n, oriented-grating
  input r_F = c A_F exp(-d(theta, theta_F)^2 / (2 sigma_F^2)), a new random orientation every
  ``t_stim`` ms; plasticity and normalization in every time step (``rate_network_learning``).

Weights are packed as a dict with keys ``EF, EE, EI, IF, IE, II`` (post x pre, dimensionless).
"""
from __future__ import annotations

import numpy as np

from recnet import checks
from recnet.numerics._jit import njit

__all__ = ["TYPES", "make_weights", "response_matrix", "hebbian_drives", "averaged_network",
           "stochastic_network", "orientation_input", "rate_network_learning",
           "tuning_uniformity", "rf_cosine"]

TYPES = ("EF", "EE", "EI", "IF", "IE", "II")


# ------------------------------------------------------------------------------------ set-up
def make_weights(W_EF, W_IF, W_EE=None, W_EI=None, W_IE=None, W_II=None):
    """Check shapes and Dale's law (all entries are magnitudes >= 0); return the weight dict.

    W_EF (N_E, N_F), W_IF (N_I, N_F), W_EE (N_E, N_E), W_EI (N_E, N_I), W_IE (N_I, N_E),
    W_II (N_I, N_I); missing recurrent blocks are zeros.
    """
    W_EF = checks.array("W_EF", W_EF, ndim=2)
    ne, nf = W_EF.shape
    W_IF = checks.array("W_IF", W_IF, ndim=2)
    ni = W_IF.shape[0]
    if W_IF.shape[1] != nf:
        raise checks.ParameterError("W_IF", W_IF.shape, f"shape (N_I, {nf}), the same inputs as W_EF",
                                    f"W_IF has shape {W_IF.shape}: must be (N_I, {nf}) (the same inputs as W_EF)")
    shapes = {"EE": (ne, ne), "EI": (ne, ni), "IE": (ni, ne), "II": (ni, ni)}
    given = {"EE": W_EE, "EI": W_EI, "IE": W_IE, "II": W_II}
    W = {"EF": W_EF.copy(), "IF": W_IF.copy()}
    for k, shp in shapes.items():
        W[k] = np.zeros(shp) if given[k] is None else checks.array(f"W_{k}", given[k], ndim=2, shape=shp).copy()
    for k in TYPES:
        if W[k].size and np.min(W[k]) < 0:
            i, j = np.unravel_index(np.argmin(W[k]), W[k].shape)
            raise checks.ParameterError(f"W_{k}", float(W[k][i, j]), "magnitudes >= 0 (Dale's law: the sign is the presynaptic type's)",
                                        f"Dale's law violated: W_{k}[{i}, {j}] = {W[k][i, j]:g} < 0; weights are "
                                        f"magnitudes (the sign is fixed by the presynaptic type) and must be >= 0")
        W[k] = np.ascontiguousarray(W[k], dtype=float)
    return W


def _wrec(W):
    ne, ni = W["EI"].shape
    A = np.zeros((ne + ni, ne + ni))
    A[:ne, :ne] = W["EE"]
    A[:ne, ne:] = -W["EI"]
    A[ne:, :ne] = W["IE"]
    A[ne:, ne:] = -W["II"]
    return A


def response_matrix(W):
    """M = (1 - W_rec)^{-1}: steady-state rates r = M [W_EF; W_IF] x of the linear network.

    Raises ValueError if the linear rate dynamics dr/dt = -r + W_rec r + F x is unstable (an
    eigenvalue of W_rec with real part >= 1): then no steady state exists (SM Sec. 5 assumes one).
    """
    A = _wrec(W)
    ev = np.linalg.eigvals(A)
    if ev.size and np.max(ev.real) >= 1.0:
        raise ValueError(f"the linear rate dynamics is unstable: max Re eig(W_rec) = {np.max(ev.real):.4g} "
                         f">= 1 (reduce W_EE or increase inhibition)")
    return np.linalg.inv(np.eye(len(A)) - A)


def hebbian_drives(W, Q):
    """Averaged Hebbian drives <r_A r_B^T> for every type (dict like the weights), linear network."""
    ne = W["EF"].shape[0]
    R = response_matrix(W) @ np.vstack([W["EF"], W["IF"]])
    RQ = R @ Q
    C = RQ @ R.T
    return {"EF": RQ[:ne], "IF": RQ[ne:], "EE": C[:ne, :ne], "EI": C[:ne, ne:],
            "IE": C[ne:, :ne], "II": C[ne:, ne:]}


def _prepare(W, norms, rates, plastic):
    """Norm totals (4: W_EE (joint E onto E), W_EI, W_IE (joint E onto I), W_II), learning rates
    (6, order of TYPES) and plastic flags (6) as arrays for the kernels."""
    bad = set(plastic) - set(TYPES)
    if bad:
        raise checks.ParameterError("plastic", sorted(bad), f"a subset of {TYPES}",
                                    f"plastic = {sorted(bad)} is invalid: choose from {TYPES}")
    pl = np.array([t in plastic for t in TYPES], np.bool_)
    tot = np.empty(4)
    defaults = {"EE": W["EF"][0].sum() + W["EE"][0].sum() if W["EF"].shape[0] else 0.0,
                "EI": W["EI"][0].sum() if W["EI"].size else 0.0,
                "IE": W["IF"][0].sum() + W["IE"][0].sum() if W["IF"].shape[0] else 0.0,
                "II": W["II"][0].sum() if W["II"].size else 0.0}
    norms = {} if norms is None else dict(norms)
    for k, key in enumerate(("EE", "EI", "IE", "II")):
        tot[k] = checks.nonnegative(f"norms[{key!r}]", norms.get(key, defaults[key]))
    rates = {} if rates is None else dict(rates)
    eps = np.array([checks.nonnegative(f"rates[{t!r}]", rates.get(t, 1.0)) for t in TYPES])
    return tot, eps, pl


# ------------------------------------------------------------------------------------ kernels
@njit
def _norm_rows(A, B, total):
    """Rows of [A, B] clipped at 0 and scaled to L1 sum ``total``;
    rows that are all zero stay zero (as in the paper's code: 0-norm rows are not scaled)."""
    for i in range(A.shape[0]):
        s = 0.0
        for j in range(A.shape[1]):
            if A[i, j] < 0.0:
                A[i, j] = 0.0
            s += A[i, j]
        for j in range(B.shape[1]):
            if B[i, j] < 0.0:
                B[i, j] = 0.0
            s += B[i, j]
        if s > 0.0:
            f = total / s
            for j in range(A.shape[1]):
                A[i, j] *= f
            for j in range(B.shape[1]):
                B[i, j] *= f


@njit
def _norm_rows1(A, total):
    """Rows of A clipped at 0 and scaled to L1 sum ``total`` (all-zero rows stay zero)."""
    for i in range(A.shape[0]):
        s = 0.0
        for j in range(A.shape[1]):
            if A[i, j] < 0.0:
                A[i, j] = 0.0
            s += A[i, j]
        if s > 0.0:
            for j in range(A.shape[1]):
                A[i, j] *= total / s


@njit
def _steady_rates_matrix(WEF, WEE, WEI, WIF, WIE, WII):
    """R with r = R x: (1 - W_rec)^{-1} [W_EF; W_IF]."""
    ne = WEF.shape[0]
    ni = WIF.shape[0]
    n = ne + ni
    A = np.eye(n)
    for i in range(ne):
        for j in range(ne):
            A[i, j] -= WEE[i, j]
        for j in range(ni):
            A[i, ne + j] += WEI[i, j]
    for i in range(ni):
        for j in range(ne):
            A[ne + i, j] -= WIE[i, j]
        for j in range(ni):
            A[ne + i, ne + j] += WII[i, j]
    F = np.empty((n, WEF.shape[1]))
    F[:ne] = WEF
    F[ne:] = WIF
    return np.linalg.solve(A, F)


@njit
def _apply(WEF, WEE, WEI, WIF, WIE, WII, GEF, GEE, GEI, GIF, GIE, GII, eps, pl, tot):
    if pl[0]:
        WEF += eps[0] * GEF
    if pl[1]:
        WEE += eps[1] * GEE
    if pl[2]:
        WEI += eps[2] * GEI
    if pl[3]:
        WIF += eps[3] * GIF
    if pl[4]:
        WIE += eps[4] * GIE
    if pl[5]:
        WII += eps[5] * GII
    _norm_rows(WEF, WEE, tot[0])
    _norm_rows1(WEI, tot[1])
    _norm_rows(WIF, WIE, tot[2])
    _norm_rows1(WII, tot[3])


@njit
def _add_outer(W, post, pre, scale):
    for i in range(W.shape[0]):
        f = scale * post[i]
        for j in range(W.shape[1]):
            W[i, j] += f * pre[j]


@njit
def _apply_outer(WEF, WEE, WEI, WIF, WIE, WII, rE, rI, x, eps, pl, tot):
    """Hebbian step with the single-sample drives r_A r_B^T (no temporaries), then normalization."""
    if pl[0]:
        _add_outer(WEF, rE, x, eps[0])
    if pl[1]:
        _add_outer(WEE, rE, rE, eps[1])
    if pl[2]:
        _add_outer(WEI, rE, rI, eps[2])
    if pl[3]:
        _add_outer(WIF, rI, x, eps[3])
    if pl[4]:
        _add_outer(WIE, rI, rE, eps[4])
    if pl[5]:
        _add_outer(WII, rI, rI, eps[5])
    _norm_rows(WEF, WEE, tot[0])
    _norm_rows1(WEI, tot[1])
    _norm_rows(WIF, WIE, tot[2])
    _norm_rows1(WII, tot[3])


@njit
def _steady_rates(WEF, WEE, WEI, WIF, WIE, WII, x):
    """r solving (1 - W_rec) r = [W_EF; W_IF] x."""
    ne = WEF.shape[0]
    ni = WIF.shape[0]
    n = ne + ni
    A = np.eye(n)
    b = np.zeros(n)
    for i in range(ne):
        for j in range(ne):
            A[i, j] -= WEE[i, j]
        for j in range(ni):
            A[i, ne + j] += WEI[i, j]
        for k in range(x.shape[0]):
            b[i] += WEF[i, k] * x[k]
    for i in range(ni):
        for j in range(ne):
            A[ne + i, j] -= WIE[i, j]
        for j in range(ni):
            A[ne + i, ne + j] += WII[i, j]
        for k in range(x.shape[0]):
            b[ne + i] += WIF[i, k] * x[k]
    return np.linalg.solve(A, b)


@njit
def _averaged_kernel(WEF, WEE, WEI, WIF, WIE, WII, Q, eta, eps, pl, tot, n_steps, rec_every, trace):
    ne = WEF.shape[0]
    k = 0
    for s in range(n_steps):
        if s % rec_every == 0 and k < trace.shape[0]:
            trace[k] = WEF
            k += 1
        R = _steady_rates_matrix(WEF, WEE, WEI, WIF, WIE, WII)
        RQ = R @ Q
        C = RQ @ R.T
        _apply(WEF, WEE, WEI, WIF, WIE, WII, eta * RQ[:ne], eta * C[:ne, :ne], eta * C[:ne, ne:],
               eta * RQ[ne:], eta * C[ne:, :ne], eta * C[ne:, ne:], eps, pl, tot)


@njit
def _stochastic_kernel(WEF, WEE, WEI, WIF, WIE, WII, L, mu, Z, eta, eps, pl, tot, avg_from,
                       aEF, aEE, aEI, aIF, aIE, aII):
    ne = WEF.shape[0]
    nf = L.shape[0]
    x = np.empty(nf)
    n_acc = 0
    for s in range(Z.shape[0]):
        for a in range(nf):
            v = mu[a]
            for b in range(nf):
                v += L[a, b] * Z[s, b]
            x[a] = v
        r = _steady_rates(WEF, WEE, WEI, WIF, WIE, WII, x)
        _apply_outer(WEF, WEE, WEI, WIF, WIE, WII, r[:ne], r[ne:], x, eta * eps, pl, tot)
        if s >= avg_from:
            aEF += WEF
            aEE += WEE
            aEI += WEI
            aIF += WIF
            aIE += WIE
            aII += WII
            n_acc += 1
    return n_acc


def averaged_network(W, Q, eta=0.01, n_steps=1000, norms=None, rates=None, plastic=TYPES, record_every=1):
    """Iterate the averaged learning map of the linear network (numba).

    One step: W_AB <- W_AB + eta * eps_AB <r_A r_B^T> (drives from Q), clip at 0, L1-normalize
    (joint E pool [W_AF, W_AE] to ``norms['EE'|'IE']``, I pool W_AI to ``norms['EI'|'II']``).

    Parameters
    ----------
    W : dict from ``make_weights`` (copied, not changed).
    Q : (N_F, N_F) input second-moment matrix <x x^T> (Hz^2).
    eta : float, learning rate per step (1/Hz^2); ``rates`` scales it per type (default 1).
    norms : dict with keys 'EE', 'EI', 'IE', 'II' (default: the current sums of the first row).
    plastic : subset of TYPES.
    Returns (final weights, trace of W_EF (T, N_E, N_F)).
    """
    W = {k: v.copy() for k, v in W.items()}
    nf = W["EF"].shape[1]
    Q = _check_q(Q, nf)
    eta = checks.positive("eta", eta, "1/Hz^2")
    n_steps = checks.integer("n_steps", n_steps, minimum=1)
    rec = checks.integer("record_every", record_every, minimum=1)
    tot, eps, pl = _prepare(W, norms, rates, plastic)
    response_matrix(W)                      # raises on an unstable start
    trace = np.zeros((n_steps // rec + 1,) + W["EF"].shape)
    _averaged_kernel(W["EF"], W["EE"], W["EI"], W["IF"], W["IE"], W["II"], Q, eta, eps, pl, tot,
                     n_steps, rec, trace)
    trace[-1] = W["EF"]
    return W, trace


def _check_q(Q, nf):
    Q = checks.square_matrix("Q", Q, n=nf)
    if not np.allclose(Q, Q.T, rtol=1e-10, atol=1e-12):
        raise checks.ParameterError("Q", "not symmetric", "a symmetric second-moment matrix",
                                    "Q must be symmetric (an input second-moment matrix <x x^T>, Hz^2)")
    if np.min(np.linalg.eigvalsh(Q)) < -1e-10 * max(1.0, np.max(np.abs(Q))):
        raise checks.ParameterError("Q", "not positive semi-definite", "a positive semi-definite second-moment matrix",
                                    "Q must be positive semi-definite (an input second-moment matrix <x x^T>, Hz^2)")
    return Q


def _draws(nf, n_steps, seed):
    return checks.rng(seed).standard_normal((n_steps, nf))


def stochastic_network(W, cov, eta=1e-3, n_steps=20000, norms=None, rates=None, plastic=TYPES, mean=None,
                       seed=0, average_last=0.5):
    """Online learning of the linear network: one Gaussian input x ~ N(mean, cov) per step (numba).

    Same step as ``averaged_network`` with the single-sample drive r_A r_B^T.  Returns
    (final weights, time average of the weights over the last ``average_last`` of the steps).
    The averaged dynamics see Q = mean mean^T + cov (Hz^2).
    """
    W = {k: v.copy() for k, v in W.items()}
    nf = W["EF"].shape[1]
    cov = _check_q(cov, nf)
    mean = np.zeros(nf) if mean is None else checks.array("mean", mean, ndim=1, shape=(nf,))
    eta = checks.positive("eta", eta, "1/Hz^2")
    n_steps = checks.integer("n_steps", n_steps, minimum=1)
    frac = checks.in_range("average_last", average_last, 0.0, 1.0, low_inclusive=False)
    tot, eps, pl = _prepare(W, norms, rates, plastic)
    response_matrix(W)
    w, V = np.linalg.eigh(cov)
    L = np.ascontiguousarray(V * np.sqrt(np.maximum(w, 0.0)))
    Z = _draws(nf, n_steps, seed)
    acc = tuple(np.zeros_like(W[t]) for t in TYPES)
    avg_from = int(n_steps * (1 - frac))
    n = _stochastic_kernel(W["EF"], W["EE"], W["EI"], W["IF"], W["IE"], W["II"], L, mean, Z, eta, eps, pl,
                           tot, avg_from, *acc)
    return W, {t: a / max(n, 1) for t, a in zip(TYPES, acc)}


# ------------------------------------------------------------------ nonlinear rate network
def orientation_input(theta_deg, n_f, amplitude_hz=35.0, sigma_deg=12.0, contrast=1.0):
    """Input rates r_F = c A_F exp(-d^2 / (2 sigma_F^2)) (Methods Eq. 15), d the angular distance on
    the 180 deg circle between theta and the preferred orientations theta_F = 180 j / N_F (deg)."""
    n_f = checks.integer("n_f", n_f, minimum=1)
    checks.positive("amplitude_hz", amplitude_hz, "Hz")
    checks.positive("sigma_deg", sigma_deg, "deg")
    th = np.atleast_1d(np.asarray(theta_deg, float))[:, None]
    pref = np.arange(n_f) * 180.0 / n_f
    d = np.abs(th - pref) % 180.0
    d = np.minimum(d, 180.0 - d)
    out = contrast * amplitude_hz * np.exp(-d ** 2 / (2 * sigma_deg ** 2))
    return out[0] if np.ndim(theta_deg) == 0 else out


@njit
def _rate_kernel(WEF, WEE, WEI, WIF, WIE, WII, inputs, steps_per_stim, dt_tau_e, dt_tau_i, gain, bias,
                 power, eps_dt, pl, tot, rec_every, trace_e, trace_i):
    ne = WEF.shape[0]
    ni = WIF.shape[0]
    uE = np.zeros(ne)
    uI = np.zeros(ni)
    rE = np.zeros(ne)
    rI = np.zeros(ni)
    k = 0
    n_steps = inputs.shape[0] * steps_per_stim
    diverged = -1
    for s in range(n_steps):
        if s % rec_every == 0 and k < trace_e.shape[0]:
            trace_e[k] = WEF
            trace_i[k] = WIF
            k += 1
        x = inputs[s // steps_per_stim]
        hE = WEF @ x + WEE @ rE - WEI @ rI
        hI = WIF @ x + WIE @ rE - WII @ rI
        uE += dt_tau_e * (hE - uE)
        uI += dt_tau_i * (hI - uI)
        for i in range(ne):
            v = uE[i] - bias
            rE[i] = gain * v ** power if v > 0.0 else 0.0
        for i in range(ni):
            v = uI[i] - bias
            rI[i] = gain * v ** power if v > 0.0 else 0.0
        ok = True
        for i in range(ne):
            if not rE[i] < 1e6:
                ok = False
        for i in range(ni):
            if not rI[i] < 1e6:
                ok = False
        if not ok:
            diverged = s
            break
        _apply_outer(WEF, WEE, WEI, WIF, WIE, WII, rE, rI, x, eps_dt, pl, tot)
    return rE, rI, diverged


def _rate_setup(W, n_stim, t_stim, dt, tau_e, tau_i, amplitude_hz, sigma_deg, contrast, seed):
    n_stim = checks.integer("n_stim", n_stim, minimum=1)
    dt = checks.positive("dt", dt, "ms")
    t_stim = checks.positive("t_stim", t_stim, "ms")
    tau_e = checks.positive("tau_e", tau_e, "ms")
    tau_i = checks.positive("tau_i", tau_i, "ms")
    if dt > min(tau_e, tau_i):
        raise checks.ParameterError("dt", dt, f"<= min(tau_e, tau_i) = {min(tau_e, tau_i):g} ms",
                                    f"dt = {dt:g} ms is invalid: must be <= min(tau_e, tau_i) = {min(tau_e, tau_i):g} ms")
    steps = max(1, int(round(t_stim / dt)))
    theta = checks.rng(seed).uniform(0.0, 180.0, n_stim)
    inputs = np.ascontiguousarray(orientation_input(theta, W["EF"].shape[1], amplitude_hz, sigma_deg,
                                                    contrast).reshape(n_stim, -1))
    return steps, inputs


def rate_network_learning(W, n_stim=2000, t_stim=200.0, dt=10.0, tau_e=20.0, tau_i=17.0, gain=0.04,
                          bias=0.0, power=2.0, learning_rates=None, norms=None, plastic=TYPES,
                          amplitude_hz=35.0, sigma_deg=12.0, contrast=1.0, seed=0, record_every=100):
    """Plastic nonlinear E-I rate network driven by random oriented gratings (numba; Methods Eqs. 9-15).

    Parameters (defaults: the paper's Fig. 3A-C column of Table 1 where it applies)
    ----------
    W : dict from ``make_weights``; n_stim : number of gratings, each shown ``t_stim`` ms;
    dt : Euler step (ms); tau_e, tau_i : rate time constants (ms); gain (Hz), bias, power :
    r = gain [u - bias]_+^power; learning_rates : dict per type in 1/(Hz^2 ms) (default 1e-9 for
    all); norms : L1 totals 'EE', 'EI', 'IE', 'II'; amplitude_hz, sigma_deg, contrast : input.
    Returns (final weights, trace of W_EF, trace of W_IF, final rates (r_E, r_I) in Hz).
    """
    W = {k: v.copy() for k, v in W.items()}
    steps, inputs = _rate_setup(W, n_stim, t_stim, dt, tau_e, tau_i, amplitude_hz, sigma_deg, contrast, seed)
    checks.nonnegative("gain", gain, "Hz")
    checks.positive("power", power)
    rates = {t: 1e-9 for t in TYPES} if learning_rates is None else dict(learning_rates)
    tot, eps, pl = _prepare(W, norms, rates, plastic)
    rec = checks.integer("record_every", record_every, minimum=1)
    n_rec = (n_stim * steps) // rec + 1
    te = np.zeros((n_rec,) + W["EF"].shape)
    ti = np.zeros((n_rec,) + W["IF"].shape)
    rE, rI, bad = _rate_kernel(W["EF"], W["EE"], W["EI"], W["IF"], W["IE"], W["II"], inputs, steps, dt / tau_e,
                               dt / tau_i, float(gain), float(bias), float(power), eps * dt, pl, tot, rec, te, ti)
    if bad >= 0:
        raise ValueError(f"the rate network diverged (a rate above 1e6 Hz or not finite) at step {bad} "
                         f"(t = {bad * dt:g} ms): runaway excitation; increase the inhibitory norms or "
                         f"decrease norms['EE']")
    te[-1] = W["EF"]
    ti[-1] = W["IF"]
    return W, te, ti, (rE, rI)


def tuning_uniformity(W_AF):
    """U_A = H(p_A) / log N_F with p_A_j = sum_i W_AF[i, j] / sum_ij W_AF (Methods Eqs. 17-18)."""
    W_AF = checks.array("W_AF", W_AF, ndim=2)
    p = W_AF.sum(0)
    p = p / p.sum()
    nz = p[p > 0]
    return float(-(nz * np.log(nz)).sum() / np.log(W_AF.shape[1]))


def rf_cosine(W_AF):
    """Mean pairwise cosine similarity of the rows (receptive fields) of W_AF (1: all identical)."""
    W_AF = checks.array("W_AF", W_AF, ndim=2)
    U = W_AF / np.maximum(np.linalg.norm(W_AF, axis=1, keepdims=True), 1e-300)
    S = U @ U.T
    n = len(S)
    if n < 2:
        raise checks.ParameterError("W_AF", W_AF.shape, "at least two receptive fields (rows)",
                                    "rf_cosine needs at least two receptive fields (rows)")
    return float((S.sum() - np.trace(S)) / (n * (n - 1)))
