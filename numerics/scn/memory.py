"""Associative memory on the vertices of a latent hypercube: learning rules, latent dynamics,
capacity, and the spiking network that realises it (see ``theory.scn_memory`` for the equations).

Latent model (eq. 1 of ``theory.scn_memory``): dz/dt = lam (-z + beta G clip(z, -a, a)), readout
y = clip(z); memories are the vertices a xi.  Spiking network: per latent dimension two coding
neurons (decoders +-delta e_k) and two face neurons (voltage +-y_k, threshold a, decoders
-+delta e_k); N = 4 d neurons.  Units: time in ms, y in latent units.
"""
from __future__ import annotations

import numpy as np

from recnet import checks
from recnet.numerics._jit import njit

__all__ = ["latent_final", "random_patterns", "hebbian", "projection", "learning_rule", "vertex_margins", "stable",
           "latent_run", "corrupt", "retrieval_overlap", "capacity", "build_network", "spiking_run"]


def random_patterns(P, d, *, seed=None):
    """P random patterns xi in {-1, +1}^d, shape (P, d)."""
    P = checks.integer("P", P, 1)
    d = checks.integer("d", d, 1)
    return checks.rng(seed).choice(np.array([-1.0, 1.0]), size=(P, d))


def hebbian(Xi):
    """Hebb rule G = (1/d) sum_mu xi^mu xi^mu^T with zero diagonal."""
    Xi = checks.array("Xi", Xi, ndim=2)
    d = Xi.shape[1]
    G = Xi.T @ Xi / d
    np.fill_diagonal(G, 0.0)
    return G


def projection(Xi):
    """Projection (pseudo-inverse) rule G = Xi^T (Xi Xi^T)^+ Xi: G xi^mu = xi^mu (P <= d)."""
    Xi = checks.array("Xi", Xi, ndim=2)
    return Xi.T @ np.linalg.pinv(Xi @ Xi.T) @ Xi


def learning_rule(name):
    rules = {"hebbian": hebbian, "projection": projection}
    if name not in rules:
        raise checks.ParameterError("rule", name, f"one of {', '.join(rules)}",
                                    f"rule = {name!r} is invalid: choose one of {', '.join(rules)}")
    return rules[name]


def vertex_margins(G, Xi, beta):
    """beta xi_k (G xi)_k - 1 for every pattern and coordinate, shape (P, d); > 0 means the face
    holds (condition (2) of ``theory.scn_memory``)."""
    Xi = np.atleast_2d(np.asarray(Xi, float))
    return beta * Xi * (Xi @ np.asarray(G).T) - 1.0


def stable(G, Xi, beta):
    """Per pattern: is the vertex a xi a stable fixed point of the latent dynamics?"""
    return np.all(vertex_margins(G, Xi, beta) > 0, axis=1)


def latent_run(G, y0, *, beta=2.0, a=1.0, tau=20.0, dt=0.5, t_sim=400.0, record_every=0):
    """Integrate dz/dt = (-z + beta G clip(z)) / tau for a batch of initial readouts y0 (B, d).

    Starts at z = y0 (inside the cube).  Exponential-Euler steps of ``dt`` ms.  Returns the final
    readouts clip(z) (B, d) and, if ``record_every``, the trajectory (n_rec, B, d).
    """
    G = checks.square_matrix("G", G)
    Y = np.atleast_2d(checks.array("y0", y0))
    tau = checks.positive("tau", tau, "ms")
    dt = checks.positive("dt", dt, "ms")
    beta = checks.positive("beta", beta)
    a = checks.positive("a", a)
    z = Y.copy()
    e = np.exp(-dt / tau)
    n = int(round(t_sim / dt))
    traj = []
    for s in range(n):
        y = np.clip(z, -a, a)
        z = e * z + (1 - e) * beta * (y @ G.T)
        if record_every and (s + 1) % record_every == 0:
            traj.append(np.clip(z, -a, a))
    out = np.clip(z, -a, a)
    return (out, np.array(traj)) if record_every else out


@njit
def _latent_kernel(G, Z, beta, a, e, n):
    """n exponential-Euler steps of dz/dt = (-z + beta G clip(z)) / tau for each row of Z (in place)."""
    B, d = Z.shape
    Y = np.empty(d)
    for b in range(B):
        for s in range(n):
            for k in range(d):
                Y[k] = min(a, max(-a, Z[b, k]))
            for k in range(d):
                acc = 0.0
                for l in range(d):
                    acc += G[k, l] * Y[l]
                Z[b, k] = e * Z[b, k] + (1.0 - e) * beta * acc
    return Z


def latent_final(G, y0, *, beta=2.0, a=1.0, tau=20.0, dt=0.5, t_sim=400.0):
    """Final readouts of ``latent_run`` computed by a numba kernel (single thread, no BLAS)."""
    G = checks.square_matrix("G", G)
    Z = np.ascontiguousarray(np.atleast_2d(checks.array("y0", y0)), dtype=float).copy()
    if Z.shape[1] != G.shape[0]:
        raise checks.ParameterError("y0", Z.shape, f"rows of length {G.shape[0]}",
                                    f"y0 has shape {Z.shape}: rows must have length {G.shape[0]}")
    tau = checks.positive("tau", tau, "ms")
    dt = checks.positive("dt", dt, "ms")
    e = float(np.exp(-dt / tau))
    Z = _latent_kernel(G, Z, checks.positive("beta", beta), checks.positive("a", a), e, int(round(t_sim / dt)))
    return np.clip(Z, -a, a)


def corrupt(Xi, flip, *, scale=0.5, seed=None):
    """Cues: each pattern with a fraction ``flip`` of its signs flipped, times ``scale`` (inside the cube)."""
    g = checks.rng(seed)
    Xi = np.atleast_2d(Xi)
    flip = checks.in_range("flip", flip, 0.0, 1.0)
    n = int(round(flip * Xi.shape[1]))
    C = Xi.copy()
    for p in range(C.shape[0]):
        idx = g.choice(Xi.shape[1], size=n, replace=False)
        C[p, idx] *= -1
    return scale * C


def retrieval_overlap(Y, Xi):
    """Overlap m = xi . sign(y) / d of each final state with its pattern."""
    return np.mean(np.sign(Y) * Xi, axis=1)


def capacity(d, *, rule="hebbian", beta=2.0, flip=0.1, m_crit=0.95, seed=None, P_max=None):
    """Largest P for which cues with ``flip`` flipped bits are completed: mean overlap >= m_crit.

    Scans P = 1, 2, ... (bisection after the first failure) with fresh random patterns for each P;
    every pattern is cued once.  Returns the capacity P_c (int).
    """
    d = checks.integer("d", d, 2)
    g = checks.rng(seed)
    f = learning_rule(rule)
    P_max = d if P_max is None else P_max

    def ok(P):
        Xi = random_patterns(P, d, seed=g)
        G = f(Xi)
        Y = latent_final(G, corrupt(Xi, flip, seed=g), beta=beta, dt=2.0, t_sim=300.0)
        return np.mean(retrieval_overlap(Y, Xi)) >= m_crit

    lo, hi, P = 0, None, 1
    while P <= P_max:                           # exponential search for the first failure
        if ok(P):
            lo = P
            P *= 2
        else:
            hi = P
            break
    if hi is None:
        return lo if lo == P_max else P_max if ok(P_max) else lo
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if ok(mid):
            lo = mid
        else:
            hi = mid
    return lo


def build_network(G, *, beta=2.0, a=1.0, delta=0.1, tau=20.0):
    """The spiking network (4 d neurons: coding up/down, then faces +/-) as a ``numerics.scn.SCN``.

    Coding neuron i (decoder D_i = +-delta e_k): V_i = D_i^T (z - u) with u the coding readout, slow
    weights D_i^T (lam beta G) D, fast weights -D_i^T D_j among coding neurons (face spikes are not
    seen by coding neurons, so they do not fight the faces).  Face neuron c (E_c = +-e_k, decoder
    -delta E_c): V_c = E_c^T y, threshold a, fast weights E_c^T D_j; faces fire first (priority).
    """
    from recnet.numerics.scn.network import SCN

    G = checks.square_matrix("G", G)
    beta = checks.positive("beta", beta)
    a = checks.positive("a", a)
    delta = checks.positive("delta", delta)
    tau = checks.positive("tau", tau, "ms")
    d = G.shape[0]
    N = 4 * d
    D = np.zeros((d, N))
    E = np.zeros((N, d))                        # dV_i/dy for faces
    for k in range(d):
        D[k, 2 * k] = delta
        D[k, 2 * k + 1] = -delta
        D[k, 2 * d + 2 * k] = -delta            # face +: y_k > a
        D[k, 2 * d + 2 * k + 1] = delta         # face -: y_k < -a
        E[2 * d + 2 * k, k] = 1.0
        E[2 * d + 2 * k + 1, k] = -1.0
    code = np.arange(2 * d)
    face = np.arange(2 * d, N)
    W = np.zeros((N, N))
    W[np.ix_(code, code)] = -(D[:, code].T @ D[:, code])
    W[face, :] = E[face] @ D
    T = np.concatenate([np.full(2 * d, 0.5 * delta ** 2), np.full(2 * d, a)])
    lam = 1.0 / tau
    U = np.zeros((N, d))
    U[code] = D[:, code].T @ (lam * beta * G)
    prio = np.concatenate([np.zeros(2 * d, np.int64), np.ones(2 * d, np.int64)])
    return SCN(D=D, T=T, W_fast=np.ascontiguousarray(W), U_slow=np.ascontiguousarray(U),
               V_slow=np.ascontiguousarray(D), F=np.zeros((N, 1)), tau=tau, priority=prio)


def spiking_run(net, y0, *, dt=None, t_sim=300.0, record_every=20, seed=None, max_spikes=0):
    """Run the memory network from the readout y0 (inside the cube); returns (t_rec, y_rec, result).

    ``max_spikes`` > 0 keeps the spike list (step and neuron of up to that many spikes) in the result.

    The coding neurons start with r = max(+-y0_k, 0)/delta (so that y = y0), voltages at rest
    (z = u) and faces at V = +-y0_k.  dt defaults to 0.1 over the predicted peak spike count per ms.
    """
    from recnet.numerics.scn import network as scn

    y0 = checks.array("y0", y0, ndim=1, shape=(net.k,))
    d = net.k
    delta = float(net.D[0, 0])
    r0 = np.zeros(net.n)
    r0[0:2 * d:2] = np.maximum(y0, 0) / delta
    r0[1:2 * d:2] = np.maximum(-y0, 0) / delta
    V0 = np.zeros(net.n)
    V0[2 * d:] = np.concatenate([[yk, -yk] for yk in y0])
    if dt is None:
        # at a vertex: coding rate lam beta |G a xi|_k / delta, faces the excess; bound by 2 beta |G|_inf
        zmax = np.abs(net.U_slow[:2 * d] @ np.ones(d)).max() * net.tau / delta + 1.0
        per_ms = 2 * d * zmax / delta / net.tau
        dt = min(0.05, 0.1 / per_ms)
    res = scn.simulate(net, c=np.zeros(1), V0=V0, r0=r0, dt=dt, t_sim=t_sim, record_every=record_every,
                       seed=seed, max_spikes=max_spikes)
    return res.t_rec, res.r_trace @ net.D.T, res
