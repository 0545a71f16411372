r"""Fixed points and slow points of a rate network, with their linearisation (numba).

For the continuous-time network (time in units of tau)

.. math::

    \dot x = F(x) = -x + W\phi(x) + c,\qquad c = B u + b \ \ \text{(one constant input condition)},

the speed :math:`q(x) = \tfrac12 |F(x)|^2` vanishes at fixed points and has small local minima at
*slow points* (Sussillo & Barak 2013, Neural Comput 25:626).  Its gradient and the Jacobian are
analytic:

.. math::

    J(x) = \partial F/\partial x = -I + W\,\mathrm{diag}(\phi'(x)),\qquad \nabla q = J^\top F .

**Minimisation** (:func:`minimise_q`): Levenberg-Marquardt on the residual F (the Gauss-Newton
model :math:`q(x+d) \approx \tfrac12|F + Jd|^2` of q, Hessian :math:`J^\top J + \mu I`, the
damping :math:`\mu` shrunk by 3 after a step that lowers q and doubled otherwise), run for many
initial states at once (``prange`` over states, one dense N x N solve per step).  Once
:math:`|F| < 10^{-3}`, Newton steps :math:`d = -J^{-1}F` polish the point until :math:`|F|` stops
falling (machine precision, typically :math:`|F| \sim 10^{-14}`).  A run stops as a **slow
point** when :math:`|\nabla q| \le` ``gtol`` :math:`\cdot\max(1, |F|)` or q has not fallen by a
relative 1e-12 in 20 consecutive steps, or at ``max_iter``.

**What is a fixed point** (:data:`FP_TOL`): :math:`|F(x)|_2 \le 10^{-10}` after polishing.
Everything else with :math:`q \le` ``slow_q_max`` is a slow point (kept with its q).

**De-duplication** (:func:`deduplicate`): two points are the same when
:math:`|x - y|_2 \le` ``dedup_tol`` :math:`\cdot \max(1, |x|_2)`; the one with the lower q is kept.

**Stability** from the eigenvalues :math:`\lambda` of J (``marginal_tol`` = :math:`\epsilon`):
*unstable* if every :math:`\mathrm{Re}\,\lambda > \epsilon`; *saddle* if some
:math:`\mathrm{Re}\,\lambda > \epsilon` and some :math:`< -\epsilon`; *stable* if every
:math:`\mathrm{Re}\,\lambda < -\epsilon`; *marginal* otherwise (no :math:`\mathrm{Re}\,\lambda >
\epsilon` but some :math:`|\mathrm{Re}\,\lambda| \le \epsilon`: a line or ring attractor, or a
bifurcation).  ``n_zero`` counts eigenvalues with :math:`|\lambda| \le \epsilon` (the dimension of
a continuous attractor through the point).

**Discrete time** (``dynamics``): the leaky map :math:`x_{t+1} = G(x_t) = (1-\alpha)x_t +
\alpha(W\phi(x_t) + c)` and the vanilla map :math:`h_{t+1} = G(h_t) = \phi(Wh_t + c)` (torch
``nn.RNN``, with :math:`W` = ``weight_hh_l0`` and :math:`c = B u + b_{ih} + b_{hh}`).  Their fixed
points are the zeros of :math:`F = G(x) - x`, found by the same minimiser (the leaky map's
:math:`F = \alpha F_{flow}` has the flow's zeros and slow points, reported with the map's q).
Stability comes from the multipliers :math:`\mu` (eigenvalues of :math:`D = \partial G/\partial
x`: :math:`I + \alpha J`, or :math:`\mathrm{diag}(\phi'(Wh + c))W`): the classes above with
:math:`\ln|\mu|` in place of :math:`\mathrm{Re}\,\lambda`, i.e. stable when every :math:`|\mu| < 1
- \epsilon`, unstable directions :math:`|\mu| > 1 + \epsilon`, marginal otherwise; ``n_zero``
counts :math:`|\mu - 1| \le \epsilon` (directions along a continuous attractor).

**Initial states** (:func:`initial_states`): states visited by the network itself under the input
condition, from ``n_traj`` trajectories started at :math:`x_0 \sim N(0, s^2 I)` (s = ``x0_scale``)
and sampled at uniformly drawn times in [0, ``t_traj``], plus Gaussian noise of standard deviation
``noise`` (all seeded), as Sussillo & Barak sample along task trajectories.
"""
from __future__ import annotations

import math

import numpy as np

from recnet import checks
from recnet.checks import ParameterError
from recnet.numerics._jit import njit, prange
from recnet.numerics.gaussian import transfer

__all__ = ["FP_TOL", "residual", "jacobian", "minimise_q", "initial_states", "deduplicate", "classify",
           "find_fixed_points"]

#: |F|_2 below which a minimum of q is a fixed point (after Newton polishing)
FP_TOL = 1e-10
#: longest trajectory of a map sampled for initial states (steps)
MAP_TRAJ_MAX = 5000
#: |F|_2 below which Newton polishing starts
NEWTON_START = 1e-3

STATUS = {0: "max_iter", 1: "fixed_point", 2: "gradient_small", 3: "stalled"}


# ------------------------------------------------------------------------------------- kernels
@njit
def _residual(W, c, f, x, r, F, mode):
    """F(x) into F, returns |F|_2.  mode 0 (flow / leaky map): r = phi(x), F = -x + W r + c;
    mode 1 (vanilla map): r = W x + c, F = phi(r) - x."""
    n = x.size
    s = 0.0
    if mode == 1:
        for i in range(n):
            acc = c[i]
            for j in range(n):
                acc += W[i, j] * x[j]
            r[i] = acc
            F[i] = f(0, acc) - x[i]
            s += F[i] * F[i]
        return math.sqrt(s)
    for j in range(n):
        r[j] = f(0, x[j])
    for i in range(n):
        acc = c[i] - x[i]
        for j in range(n):
            acc += W[i, j] * r[j]
        F[i] = acc
        s += acc * acc
    return math.sqrt(s)


@njit
def _jacobian(W, c, f, x, J, mode):
    """mode 0: J = -I + W diag(phi'(x)); mode 1: J = diag(phi'(W x + c)) W - I."""
    n = x.size
    if mode == 1:
        for i in range(n):
            acc = c[i]
            for j in range(n):
                acc += W[i, j] * x[j]
            d = f(1, acc)
            for j in range(n):
                J[i, j] = d * W[i, j]
    else:
        for j in range(n):
            d = f(1, x[j])
            for i in range(n):
                J[i, j] = W[i, j] * d
    for i in range(n):
        J[i, i] -= 1.0


@njit
def _solve(A, b):
    """(x, ok): A x = b by LAPACK; ok False (and x = 0) for a singular A, never an exception."""
    try:
        return np.linalg.solve(A, b), True
    except Exception:
        return np.zeros_like(b), False


@njit
def _minimise_one(W, c, f, x, max_iter, gtol, mode):
    """LM + Newton polish from x (modified in place); returns (|F|, iterations, status)."""
    n = x.size
    r = np.empty(n)
    F = np.empty(n)
    Fn = np.empty(n)
    xn = np.empty(n)
    J = np.empty((n, n))
    A = np.empty((n, n))
    nF = _residual(W, c, f, x, r, F, mode)
    mu = 1e-2
    stall = 0
    it = 0
    status = 0
    while it < max_iter:
        it += 1
        if nF <= 1e-300:
            status = 1
            break
        _jacobian(W, c, f, x, J, mode)
        if nF < NEWTON_START:
            # Newton polish: d = -J^{-1} F while |F| falls
            ok = True
            for _k in range(30):
                d, ok = _solve(J, -F)
                if not ok:
                    break
                for i in range(n):
                    xn[i] = x[i] + d[i]
                nFn = _residual(W, c, f, xn, r, Fn, mode)
                if not nFn < nF:
                    break
                x[:] = xn
                F[:] = Fn
                nF = nFn
                _jacobian(W, c, f, x, J, mode)
            if nF <= FP_TOL:
                status = 1
                break
            # Newton did not reach a root: a slow point close to zero speed; continue with LM
        g = np.empty(n)
        for j in range(n):
            acc = 0.0
            for k in range(n):
                acc += J[k, j] * F[k]
            g[j] = acc
        ng = math.sqrt(np.sum(g * g))
        if ng <= gtol * max(1.0, nF):
            status = 2
            break
        Jt = np.ascontiguousarray(J.T)
        A[:, :] = Jt @ J   # J^T J (BLAS)
        accepted = False
        for _t in range(40):
            for i in range(n):
                A[i, i] += mu
            d, ok = _solve(A, -g)
            for i in range(n):
                A[i, i] -= mu
            if not ok:
                mu = mu * 2.0
                continue
            for i in range(n):
                xn[i] = x[i] + d[i]
            nFn = _residual(W, c, f, xn, r, Fn, mode)
            if nFn < nF:
                if (nF - nFn) <= 1e-12 * nF:
                    stall += 1
                else:
                    stall = 0
                x[:] = xn
                F[:] = Fn
                nF = nFn
                mu = max(mu / 3.0, 1e-12)
                accepted = True
                break
            mu = mu * 2.0
        if not accepted or stall >= 20:
            status = 3
            break
    if status == 0 and nF <= FP_TOL:
        status = 1
    return nF, it, status


@njit(parallel=True)
def _minimise_batch(W, c, f, X, max_iter, gtol, mode, normF, iters, status):
    for k in prange(X.shape[0]):
        x = X[k].copy()
        a, b, s = _minimise_one(W, c, f, x, max_iter, gtol, mode)
        X[k] = x
        normF[k] = a
        iters[k] = b
        status[k] = s


# ------------------------------------------------------------------------------- public API
#: the dynamics analysed: the flow, the leaky map and the vanilla map (module docstring)
DYNAMICS = ("continuous", "leaky", "vanilla")


def check_dynamics(dynamics, alpha):
    """(dynamics, alpha) checked: alpha in (0, 1] for the leaky map, 1.0 otherwise."""
    if dynamics not in DYNAMICS:
        raise ParameterError("dynamics", dynamics, f"one of {', '.join(DYNAMICS)}")
    if dynamics != "leaky":
        return dynamics, 1.0
    return dynamics, checks.in_range("alpha", alpha, 0.0, 1.0, low_inclusive=False)


def _check_net(W, c, phi):
    W = checks.square_matrix("W", W)
    n = W.shape[0]
    c = np.asarray(c, float)
    if c.ndim == 0:
        c = np.full(n, float(c))
    c = checks.array("c", c, ndim=1, shape=(n,))
    return np.ascontiguousarray(W), np.ascontiguousarray(c), transfer(phi)


def residual(W, c, phi, x, dynamics="continuous", alpha=1.0):
    """F(x) (numpy; the twin of the kernel): -x + W phi(x) + c (flow); G(x) - x =
    alpha (-x + W phi(x) + c) (leaky map); phi(W x + c) - x (vanilla map)."""
    tr = transfer(phi)
    if dynamics == "vanilla":
        return tr(W @ x + c) - x
    return (alpha if dynamics == "leaky" else 1.0) * (-x + W @ tr(x) + c)


def jacobian(W, phi, x, c=None, dynamics="continuous", alpha=1.0):
    """The Jacobian of the dynamics at x (numpy): J = -I + W diag(phi'(x)) of the flow; the map's
    D = dG/dx = I + alpha J (leaky) or diag(phi'(W x + c)) W (vanilla, needs c)."""
    tr = transfer(phi)
    n = W.shape[0]
    if dynamics == "vanilla":
        c = np.zeros(n) if c is None else np.broadcast_to(np.asarray(c, float), (n,))
        return tr(W @ x + c, "dphi")[:, None] * W
    J = W * tr(x, "dphi")[None, :] - np.eye(n)
    return np.eye(n) + alpha * J if dynamics == "leaky" else J


def minimise_q(W, c, phi, X0, max_iter=500, gtol=1e-10, dynamics="continuous", alpha=1.0):
    """Minimise q = |F|^2/2 from each row of ``X0`` (batched, numba).

    For the leaky map F = alpha F_flow has the same minimisers as the flow's; the returned
    ``norm_F`` and ``q`` are those of the map (alpha |F_flow|, alpha^2 q_flow).

    Returns
    -------
    dict with ``x`` (m, N) end points, ``norm_F`` (m,), ``q`` (m,), ``iterations`` (m,) and
    ``status`` (m,) codes: 1 fixed point (|F| <= FP_TOL), 2 gradient small (slow point),
    3 stalled, 0 max_iter reached.
    """
    W, c, tr = _check_net(W, c, phi)
    dynamics, alpha = check_dynamics(dynamics, alpha)
    X = np.array(checks.array("X0", X0, ndim=2), float, order="C")
    if X.shape[1] != W.shape[0]:
        raise ParameterError("X0", f"<array of shape {X.shape}>", f"must have {W.shape[0]} columns")
    max_iter = checks.integer("max_iter", max_iter, minimum=1)
    gtol = checks.positive("gtol", gtol)
    m = X.shape[0]
    nF = np.empty(m)
    it = np.empty(m, np.int64)
    st = np.empty(m, np.int64)
    _minimise_batch(W, c, tr.f, X, max_iter, gtol, 1 if dynamics == "vanilla" else 0, nF, it, st)
    nF = alpha * nF
    return {"x": X, "norm_F": nF, "q": 0.5 * nF * nF, "iterations": it, "status": st}


def iterate_map(W, c, phi, x0, n_steps, dynamics="leaky", alpha=1.0):
    """States x_0 .. x_n (n+1, N) of the leaky map x -> (1 - alpha) x + alpha (W phi(x) + c) or the
    vanilla map h -> phi(W h + c)."""
    tr = transfer(phi)
    X = np.empty((n_steps + 1, x0.size))
    X[0] = x0
    for t in range(n_steps):
        x = X[t]
        X[t + 1] = tr(W @ x + c) if dynamics == "vanilla" else (1.0 - alpha) * x + alpha * (W @ tr(x) + c)
    return X


def initial_states(W, c, phi, n_init, seed=None, n_traj=None, t_traj=20.0, x0_scale=1.0, noise=0.1, dt=0.05,
                   dynamics="continuous", alpha=1.0):
    """``n_init`` states sampled along trajectories of the network (see the module docstring).  Maps
    are iterated for ``t_traj/alpha`` steps (leaky) or ``5 t_traj`` steps (vanilla, started at
    phi(x0)), at most ``MAP_TRAJ_MAX``."""
    from recnet.numerics.rate_network import simulate
    W, c, tr = _check_net(W, c, phi)
    dynamics, alpha = check_dynamics(dynamics, alpha)
    n_init = checks.integer("n_init", n_init, minimum=1)
    rng = checks.rng(seed)
    n = W.shape[0]
    n_traj = max(1, min(n_init, 64)) if n_traj is None else checks.integer("n_traj", n_traj, minimum=1)
    per = [n_init // n_traj + (1 if k < n_init % n_traj else 0) for k in range(n_traj)]
    out = []
    for k in range(n_traj):
        if per[k] == 0:
            continue
        x0 = x0_scale * rng.standard_normal(n)
        if dynamics == "continuous":
            xs = simulate(W, tr, t_sim=t_traj, dt=dt, x0=x0, i0=c, record_dt=dt, seed=rng)["x"]
        elif dynamics == "leaky":
            xs = iterate_map(W, c, tr, x0, max(1, min(MAP_TRAJ_MAX, int(round(t_traj / alpha)))), "leaky", alpha)
        else:
            xs = iterate_map(W, c, tr, tr(x0), max(1, min(MAP_TRAJ_MAX, int(round(5 * t_traj)))), "vanilla")
        idx = rng.integers(0, xs.shape[0], per[k])
        out.append(xs[idx])
    X = np.concatenate(out, axis=0)
    if noise > 0:
        X = X + noise * rng.standard_normal(X.shape)
    return X


def deduplicate(X, q, tol):
    """Indices of distinct points (lowest q first): x, y are one point when
    |x - y|_2 <= tol * max(1, |x|_2)."""
    order = np.argsort(q, kind="stable")
    keep = []
    for i in order:
        xi = X[i]
        lim = tol * max(1.0, float(np.linalg.norm(xi)))
        if all(np.linalg.norm(xi - X[j]) > lim for j in keep):
            keep.append(int(i))
    return keep


def classify(eigenvalues, marginal_tol, discrete=False):
    """'stable' | 'saddle' | 'unstable' | 'marginal' from the real parts (flow) or, for a map
    (``discrete``), from the moduli of the multipliers: ln|mu| takes the place of Re lambda
    (module docstring)."""
    lam = np.asarray(eigenvalues)
    if discrete:
        with np.errstate(divide="ignore"):
            re = np.log(np.abs(lam))
        pos, neg = bool(np.any(np.abs(lam) > 1.0 + marginal_tol)), bool(np.any(np.abs(lam) < 1.0 - marginal_tol))
        allneg = bool(np.all(np.abs(lam) < 1.0 - marginal_tol))
    else:
        re = np.real(lam)
        pos, neg = bool(np.any(re > marginal_tol)), bool(np.any(re < -marginal_tol))
        allneg = bool(np.all(re < -marginal_tol))
    if pos:
        return "saddle" if neg else "unstable"
    return "stable" if allneg else "marginal"


def _point(W, c, tr, x, q, nF, count, dynamics, alpha, marginal_tol, eigenvectors):
    """One point's dict: eigenvalues of J (flow) or multipliers of D (maps) and their classes."""
    Jx = jacobian(W, tr, x, c, dynamics, alpha)
    lam, V = np.linalg.eig(Jx) if eigenvectors else (np.linalg.eigvals(Jx), None)
    disc = dynamics != "continuous"
    o = np.lexsort((-lam.imag, -np.abs(lam))) if disc else np.lexsort((-lam.imag, -lam.real))
    lam = lam[o]
    if disc:   # a map: near-one multipliers span a continuous attractor; |mu| > 1 grows
        nz, nu = int(np.sum(np.abs(lam - 1.0) <= marginal_tol)), int(np.sum(np.abs(lam) > 1.0 + marginal_tol))
    else:
        nz, nu = int(np.sum(np.abs(lam) <= marginal_tol)), int(np.sum(lam.real > marginal_tol))
    p = {"x": x.copy(), "q": float(q), "norm_F": float(nF), "eigenvalues": lam,
         "stability": classify(lam, marginal_tol, disc), "n_zero": nz, "n_unstable": nu, "count": int(count)}
    if V is not None:
        p["eigenvectors"] = V[:, o]
    return p


def find_fixed_points(W, c=0.0, phi="tanh", n_init=128, seed=None, X0=None, max_iter=500, gtol=1e-10,
                      dedup_tol=1e-4, marginal_tol=1e-6, slow_q_max=1e-3, eigenvectors=False,
                      t_traj=20.0, x0_scale=1.0, noise=0.1, dynamics="continuous", alpha=1.0):
    r"""Fixed points and slow points of a rate network with their linearisation.

    The flow :math:`\dot x = -x + W\phi(x) + c` (``dynamics="continuous"``), the leaky map
    :math:`x_{t+1} = (1-\alpha)x_t + \alpha(W\phi(x_t) + c)` (``"leaky"``) or the vanilla map
    :math:`h_{t+1} = \phi(Wh_t + c)` (``"vanilla"``, as torch ``nn.RNN`` computes).

    Parameters
    ----------
    W : (N, N) array
        coupling.
    c : float or (N,) array
        constant input :math:`Bu + b` of one input condition.
    phi : str or Transfer
        transfer function (:func:`recnet.numerics.gaussian.transfer`).
    n_init : int
        number of initial states (ignored when ``X0`` is given).
    seed : int or Generator
        for the initial states.
    X0 : (m, N) array, optional
        initial states given by the caller.
    max_iter, gtol : minimiser limits (:func:`minimise_q`).
    dedup_tol : float
        relative distance under which two points are one.
    marginal_tol : float
        :math:`\epsilon` of the stability classes and of ``n_zero``.
    slow_q_max : float
        slow points with q above this are dropped.
    eigenvectors : bool
        also return the eigenvectors (columns, complex).
    dynamics : {"continuous", "leaky", "vanilla"}
    alpha : float in (0, 1]
        the leaky map's step.

    Returns
    -------
    dict: ``fixed_points`` and ``slow_points``, lists of dicts (``x``, ``q``, ``norm_F``,
    ``eigenvalues`` (complex array: of J, sorted by decreasing real part, for the flow; the
    multipliers mu of the map's Jacobian D, sorted by decreasing modulus, for maps), ``stability``,
    ``n_zero`` (flow: :math:`|\lambda| \le \epsilon`; map: :math:`|\mu - 1| \le \epsilon`),
    ``n_unstable`` (flow: Re lambda > eps; map: :math:`|\mu| > 1 + \epsilon`), ``count`` (how many
    runs ended there), optional ``eigenvectors``), and ``runs`` (per-run status counts).

    References
    ----------
    Sussillo & Barak 2013, Opening the black box: low-dimensional dynamics in high-dimensional
    recurrent neural networks, Neural Comput 25:626.
    """
    W, c, tr = _check_net(W, c, phi)
    dynamics, alpha = check_dynamics(dynamics, alpha)
    dedup_tol = checks.positive("dedup_tol", dedup_tol)
    marginal_tol = checks.positive("marginal_tol", marginal_tol)
    slow_q_max = checks.positive("slow_q_max", slow_q_max)
    if X0 is None:
        X0 = initial_states(W, c, tr, n_init, seed=seed, t_traj=t_traj, x0_scale=x0_scale, noise=noise,
                            dynamics=dynamics, alpha=alpha)
    res = minimise_q(W, c, tr, X0, max_iter=max_iter, gtol=gtol, dynamics=dynamics, alpha=alpha)
    X, nF, st = res["x"], res["norm_F"], res["status"]
    is_fp = nF <= FP_TOL
    out = {"runs": {STATUS[k]: int(np.sum(st == k)) for k in STATUS}}
    for key, mask in (("fixed_points", is_fp), ("slow_points", (~is_fp) & (res["q"] <= slow_q_max))):
        idx = np.flatnonzero(mask)
        keep = [idx[k] for k in deduplicate(X[idx], res["q"][idx], dedup_tol)]
        pts = []
        for i in keep:
            x = X[i]
            d = np.linalg.norm(X[idx] - x, axis=1) <= dedup_tol * max(1.0, float(np.linalg.norm(x)))
            pts.append(_point(W, c, tr, x, res["q"][i], nF[i], np.sum(d), dynamics, alpha, marginal_tol,
                              eigenvectors))
        # a fixed order: stable first, then by number of unstable directions, then by q, then by x
        rank = {"stable": 0, "marginal": 1, "saddle": 2, "unstable": 3}
        pts.sort(key=lambda p: (rank[p["stability"]], p["n_unstable"], round(p["q"], 20), tuple(np.round(p["x"], 8))))
        out[key] = pts
    out["n_init"] = int(X.shape[0])
    out["dynamics"], out["alpha"] = dynamics, alpha
    return out
