r"""Stationary dynamic mean-field theory of multi-population random rate networks (solvers).

Model (Kadmon & Sompolinsky 2015, PRX 5:041030; time in units of tau): P populations, population
b holds :math:`N_b = \alpha_b N` units with transfer function :math:`\phi_b`,

.. math::

    \dot x_i = -x_i + \sum_j J_{ij}\,\phi_{b(j)}(x_j) + I_{a(i)},\qquad
    J_{ij} \sim \mathcal N\!\left(\frac{J^0_{ab}}{N}, \frac{g_{ab}^2}{N}\right)
    \quad (i \in a,\ j \in b).

Self-consistency (derivation in :mod:`recnet.theory.dmft.populations`), with
:math:`W_{ab} = g_{ab}^2\alpha_b` and :math:`C_b(\Delta) = C_{\phi_b}(\Delta;\Delta_{b,0},\mu_b)`
(:mod:`recnet.numerics.gaussian`):

.. math::

    \mu_a &= I_a + \sum_b J^0_{ab}\alpha_b\langle\phi_b\rangle_b,\\
    (1 - \partial_\tau^2)\,\Delta_a(\tau) &= \sum_b W_{ab}\, C_b(\Delta_b(\tau)),\qquad
    \dot\Delta_a(0) = 0,\quad \Delta_a(\infty) = \Delta_{a,\infty} = \sum_b W_{ab} C_b(\Delta_{b,\infty}).

* **Fixed points**: :math:`\Delta_a(\tau) \equiv \Delta_a = \sum_b W_{ab}\langle\phi_b^2\rangle_b`.
  The Jacobian :math:`-1 + J\,\mathrm{diag}(\phi'(x))` has a bulk of radius
  :math:`\sqrt{\rho(M)}`, :math:`M_{ab} = W_{ab}\langle\phi_b'^2\rangle_b` (Rajan & Abbott 2006;
  Aljadeff, Stern, Sharpee 2015, PRL 114:088101; Kadmon & Sompolinsky 2015), so
  :math:`\lambda_{max} = -1 + \sqrt{\rho(M)}` and the fixed point loses stability (onset of
  chaos) at :math:`\rho(M) = 1` (one population, tanh, zero fixed point: g = 1).
* **Uniform (ferromagnetic) modes**: the rank-P mean part of J gives the outliers, eigenvalues of
  :math:`U_{ab} = -\delta_{ab} + J^0_{ab}\alpha_b\langle\phi_b'\rangle_b`; a branch is stable
  only if every eigenvalue of U has a negative real part.
* **Chaotic states**: the boundary-value problem above in :math:`\tau \in [0, T]` (2P ODEs,
  unknown parameters :math:`\Delta_{a,0}`, :math:`\mu_a`) by collocation (``scipy.integrate.solve_bvp``),
  the far boundary imposing the hilltop condition.  No potential exists for P > 1 in general
  (W is not symmetric), so the one-population energy condition is replaced by the BVP.
* **Largest Lyapunov exponent** of a chaotic state: the tangent correlations
  :math:`G_a(t,s) = e^{\lambda(t+s)}\psi_a(t-s)` solve
  :math:`-\psi_a'' - \sum_b W_{ab} C_{\phi_b'}(\Delta_b(\tau))\psi_b = E\psi_a`,
  :math:`\lambda = -1 + \sqrt{-E_0}` (E_0 the lowest, even, eigenvalue); :math:`\psi_a = \dot\Delta_a`
  is an odd eigenfunction with E = -1 (checked by the tests).

Public API
----------
solve_populations(alpha, g, j0, phi, i0=0.0, ...) -> dict (see its docstring)
chaos_matrix(alpha, g, phi, mu, delta0) -> M
uniform_mode_matrix(alpha, j0, phi, mu, delta0) -> U
"""
from __future__ import annotations

import math

import numpy as np

from recnet.checks import ParameterError
from recnet.numerics._jit import njit
from recnet.numerics.gaussian import ERF, TANH, USER, corr_kernel, gh_nodes, mean_kernel, transfer

__all__ = ["solve_populations", "chaos_matrix", "uniform_mode_matrix", "check_structure", "fixed_points",
           "chaotic_state", "lyapunov_chaotic"]

#: Gauss-Hermite nodes per dimension of every Gaussian average here (the closed forms of erf, ReLU
#: and linear are used where they exist; tanh and user functions by nested quadrature)
N_NODES = 64


# ------------------------------------------------------------------------------- checks
def _debug(msg):
    import os
    if os.environ.get("RECNET_POP_DEBUG"):
        print(msg)


def check_structure(alpha, g, j0, phi, i0=0.0):
    """Checked ``(alpha, g, j0, transfers, i0)``: alpha (P,) > 0 summing to 1, g and j0 (P, P)
    (g >= 0), one transfer function per population, i0 (P,).  ``ParameterError`` names the field."""
    a = np.atleast_1d(np.asarray(alpha, float))
    if a.ndim != 1 or a.size < 1 or not np.all(np.isfinite(a)) or np.any(a <= 0):
        raise ParameterError("alpha", alpha, "population fractions must be > 0 (one per population)")
    if abs(a.sum() - 1.0) > 1e-9:
        raise ParameterError("alpha", alpha, f"population fractions must add up to 1 (they add up to {a.sum():g})")
    P = a.size
    out = []
    for name, v in (("g", g), ("j0", j0)):
        m = np.asarray(v, float)
        if m.ndim == 0:
            m = np.full((P, P), float(m))
        if m.shape != (P, P) or not np.all(np.isfinite(m)):
            raise ParameterError(name, v, f"must be a number or a finite {P} x {P} matrix (row: receiving population)")
        out.append(m)
    G, J0 = out
    if np.any(G < 0):
        raise ParameterError("g", g, "must be >= 0")
    phis = [phi] * P if isinstance(phi, str) or not hasattr(phi, "__len__") else list(phi)
    if len(phis) != P:
        raise ParameterError("phi", phi, f"one transfer function per population ({P})")
    trs = []
    for k, p in enumerate(phis):
        try:
            trs.append(transfer(p))
        except (ValueError, TypeError) as exc:
            raise ParameterError("phi" if P == 1 else f"phi[{k}]", p,
                                 f"tanh, erf, relu, linear or an expression in x ({exc})") from None
    I = np.asarray(i0, float)
    if I.ndim == 0:
        I = np.full(P, float(I))
    if I.shape != (P,) or not np.all(np.isfinite(I)):
        raise ParameterError("i0", i0, f"must be a number or {P} finite numbers (one per population)")
    return a, G, J0, trs, I


# ------------------------------------------------------------------------------- Gaussian averages
_TRAP = {}


@njit
def _corr_serial(f, code, which, d, d0, mu, z, w):
    """corr_kernel over an array d at one (d0, mu), serial (no thread start-up for short arrays)."""
    out = np.empty(d.size)
    for i in range(d.size):
        out[i] = corr_kernel(f, code, which, d[i], d0, mu, z, w, 0)
    return out


@njit
def _mean_serial(f, code, which, mu, d0, z, w):
    out = np.empty(mu.size)
    for i in range(mu.size):
        out[i] = mean_kernel(f, code, which, mu[i], d0[i], z, w)
    return out


def _nodes(tr=None, d0=1.0):
    """Quadrature nodes: Gauss-Hermite (N_NODES) where the inner averages are closed forms (erf,
    ReLU, linear); for tanh and user functions a trapezoid rule on z in [-8.5, 8.5] with
    64 sqrt(max(Delta0, 1)) points, spectrally accurate for analytic phi (the rule the one-population
    solver uses; Gauss-Hermite leaves ~1e-6 for tanh at Delta0 ~ 2)."""
    if tr is None or tr.code not in (TANH, USER):
        return gh_nodes(N_NODES)
    m = int(64 * math.sqrt(max(float(d0), 1.0))) | 1
    if m not in _TRAP:
        z = np.linspace(-8.5, 8.5, m)
        w = (z[1] - z[0]) * np.exp(-0.5 * z * z) / math.sqrt(2.0 * math.pi)
        _TRAP[m] = (z, w)
    return _TRAP[m]


def _mean(tr, which, mu, d0):
    """<f(mu + sqrt(d0) z)> (which 0: phi, 1: phi'), vectorised over arrays mu, d0."""
    mu = np.ascontiguousarray(np.atleast_1d(np.asarray(mu, float)))
    d0 = np.ascontiguousarray(np.broadcast_to(np.maximum(np.asarray(d0, float), 0.0), mu.shape).copy())
    z, w = _nodes(tr, float(d0.max()) if d0.size else 1.0)
    return _mean_serial(tr.f, tr.code, which, mu, d0, z, w)


def _corr_direct(tr, which, d, d0, mu):
    z, w = _nodes(tr, d0)
    dc = np.ascontiguousarray(np.clip(np.atleast_1d(np.asarray(d, float)), -d0, d0))
    return _corr_serial(tr.f, tr.code, which, dc, float(d0), float(mu), z, w)


#: Chebyshev degree of the tables of C_f(Delta) on [-Delta0, Delta0] (tanh, erf and user functions; ReLU's
#: kernel has a square-root point at Delta = Delta0 and is evaluated in closed form instead)
CHEB_DEG = 48
_TABLES = {}


def _corr(tr, which, d, d0, mu):
    """C_f(d; d0, mu) vectorised over d (d clipped to [-d0, d0]).  For tanh, erf and user functions,
    many d at one (d0, mu) are evaluated through a Chebyshev interpolant of degree ``CHEB_DEG``
    in d on [-d0, d0] (C is the Mehler series sum_k d^k <f^(k)>^2 / k!, analytic in d, so the
    interpolant converges geometrically; the tests compare it with the direct quadrature)."""
    d0 = max(float(d0), 0.0)
    d = np.atleast_1d(np.asarray(d, float))
    if tr.code not in (TANH, USER, ERF) or d.size <= 2 * CHEB_DEG or d0 == 0.0:
        return _corr_direct(tr, which, d, d0, mu)
    key = (tr.name, which, d0, float(mu))
    cheb = _TABLES.get(key)
    if cheb is None:
        xk = np.cos(np.pi * (np.arange(CHEB_DEG + 1) + 0.5) / (CHEB_DEG + 1))
        vals = _corr_direct(tr, which, d0 * xk, d0, mu)
        cheb = np.polynomial.chebyshev.chebfit(xk, vals, CHEB_DEG)
        if len(_TABLES) > 256:
            _TABLES.clear()
        _TABLES[key] = cheb
    # the polynomial continues smoothly a little beyond |d| = d0 (collocation iterates may overshoot
    # Delta0 near tau = 0; a clipped, kinked right-hand side would make the mesh refinement diverge)
    return np.polynomial.chebyshev.chebval(np.clip(d / d0, -1.1, 1.1), cheb)


def _second_moments(trs, mu, d0, which):
    """<f_b(x)^2> per population (which 0: phi^2, 1: phi'^2)."""
    return np.array([_corr(tr, which, d0[b], d0[b], mu[b])[0] for b, tr in enumerate(trs)])


def chaos_matrix(alpha, g, phi, mu, delta0):
    r""":math:`M_{ab} = g_{ab}^2\alpha_b\langle\phi_b'(\mu_b + \sqrt{\Delta_{b,0}}z)^2\rangle`; the bulk
    of the Jacobian's spectrum has radius :math:`\sqrt{\rho(M)}` (Kadmon & Sompolinsky 2015)."""
    a, G, _, trs, _ = check_structure(alpha, g, 0.0, phi)
    q = _second_moments(trs, np.asarray(mu, float), np.asarray(delta0, float), 1)
    return G ** 2 * a[None, :] * q[None, :]


def uniform_mode_matrix(alpha, j0, phi, mu, delta0):
    r""":math:`U_{ab} = -\delta_{ab} + J^0_{ab}\alpha_b\langle\phi_b'\rangle_b` (rates of the P uniform
    modes, 1/tau): the outliers of the Jacobian from the mean coupling."""
    a, _, J0, trs, _ = check_structure(alpha, 0.0, j0, phi)
    dp = np.array([_mean(tr, 1, mu[b], delta0[b])[0] for b, tr in enumerate(trs)])
    return -np.eye(a.size) + J0 * a[None, :] * dp[None, :]


def _spectral_radius(M):
    return float(np.max(np.abs(np.linalg.eigvals(M)))) if M.size else 0.0


# ------------------------------------------------------------------------------- fixed points
def _fp_residual(v, a, G, J0, trs, I):
    P = a.size
    mu, d = v[:P], np.maximum(v[P:], 0.0)
    m1 = np.array([_mean(tr, 0, mu[b], d[b])[0] for b, tr in enumerate(trs)])
    m2 = _second_moments(trs, mu, d, 0)
    W = G ** 2 * a[None, :]
    return np.concatenate([mu - I - (J0 * a[None, :]) @ m1, v[P:] - W @ m2])


def fixed_points(alpha, g, j0, phi, i0=0.0, n_starts=None, tol=1e-12):
    r"""Every fixed point found: solutions :math:`(\mu_a, \Delta_a)` of
    :math:`\mu_a = I_a + \sum_b J^0_{ab}\alpha_b\langle\phi_b\rangle`,
    :math:`\Delta_a = \sum_b g_{ab}^2\alpha_b\langle\phi_b^2\rangle` (Newton from a grid of starts
    in mu; duplicates removed).  Returns a list of dicts with ``mu``, ``delta0`` (arrays, P)."""
    from scipy.optimize import fsolve
    a, G, J0, trs, I = check_structure(alpha, g, j0, phi, i0)
    P = a.size
    W = G ** 2 * a[None, :]
    scale = 1.0 + float(np.abs(J0).max()) + float(np.abs(I).max())
    levels = np.array([0.0, -0.5, 0.5, -2.0, 2.0]) * scale if n_starts is None else np.linspace(-scale, scale, n_starts)
    starts = []
    for lv in levels:  # the same mu in every population, and opposite signs (for P = 2)
        starts.append(np.full(P, lv))
        if P > 1 and lv != 0:
            starts.append(lv * np.where(np.arange(P) % 2 == 0, 1.0, -1.0))
    sols = []
    d_starts = (np.maximum(W @ np.ones(P), 1e-3), np.zeros(P))  # large and vanishing variance
    for m0, dd in [(m0, dd) for m0 in starts for dd in d_starts]:
        v0 = np.concatenate([I + m0, dd])
        v, info, ier, _ = fsolve(_fp_residual, v0, args=(a, G, J0, trs, I), full_output=True, xtol=tol)
        r = _fp_residual(v, a, G, J0, trs, I)
        if ier != 1 and np.max(np.abs(r)) > 1e-9:
            continue
        if np.any(v[P:] < -1e-12) or not np.all(np.isfinite(v)):
            continue
        v[P:] = np.maximum(v[P:], 0.0)
        if not any(np.allclose(v, s, rtol=1e-7, atol=1e-9) for s in sols):
            sols.append(v)
    return [{"mu": s[:P].copy(), "delta0": s[P:].copy()} for s in sols]


# ------------------------------------------------------------------------------- chaotic state
def _hilltop(d_guess, a, G, trs, mu, d0):
    """Delta_inf solving Delta_inf,a = sum_b W_ab C_b(Delta_inf,b; Delta0_b, mu_b)."""
    from scipy.optimize import fsolve
    W = G ** 2 * a[None, :]
    f = lambda v: v - W @ np.array([_corr(tr, 0, v[b], d0[b], mu[b])[0] for b, tr in enumerate(trs)])
    import warnings
    with warnings.catch_warnings():  # a start without a hilltop is reported by the residual
        warnings.simplefilter("ignore", RuntimeWarning)
        v = fsolve(f, d_guess, xtol=1e-13)
    return v, float(np.max(np.abs(f(v))))


def chaotic_state(alpha, g, j0, phi, i0=0.0, guess=None, t_end=None, tol=1e-6, max_nodes=5000):
    r"""The stationary chaotic solution: :math:`\Delta_a(\tau)`, :math:`\Delta_{a,0}`, :math:`\Delta_{a,\infty}`,
    :math:`\mu_a`, found by collocation of the boundary-value problem (module docstring).

    Parameters
    ----------
    alpha, g, j0, phi, i0 : see :func:`solve_populations`.
    guess : dict, optional
        ``mu``, ``delta0`` (arrays) to start from (default: a fixed point, its variance doubled).
    t_end : float, optional
        far boundary T (tau units); default 12 times the slowest decay time at the hilltop of the
        guess, at least 30.
    tol : float
        collocation tolerance (scipy's ``solve_bvp``).

    Returns
    -------
    dict with ``tau`` (grid), ``delta`` (P x len(tau)), ``delta0``, ``delta_inf``, ``mu`` (arrays),
    ``success``, ``message``, ``t_end``, ``residual_far`` (|Delta(T) - Delta_inf|, the truncation
    error) and ``temporal_variance`` (Delta0 - Delta_inf); None if the solver found only the
    fixed point (temporal variance < 1e-6 Delta0) or did not converge.
    """
    from scipy.integrate import solve_bvp
    a, G, J0, trs, I = check_structure(alpha, g, j0, phi, i0)
    P = a.size
    W = G ** 2 * a[None, :]
    if guess is None:
        fps = fixed_points(a, G, J0, trs, I)
        fp = fps[0]
        guess = {"mu": fp["mu"], "delta0": np.maximum(2.0 * fp["delta0"], 0.5)}
    mu_g = np.asarray(guess["mu"], float)
    d0_g = np.asarray(guess["delta0"], float)
    # the hilltop is the smallest root (Delta_inf = 0 for odd phi without input); start near 0
    dinf_g, hres = _hilltop(1e-3 * d0_g, a, G, trs, mu_g, d0_g)
    if not hres < 1e-8:  # no hilltop at the guessed Delta0: start half-way
        dinf_g = 0.5 * d0_g
    dinf_g = np.minimum(np.maximum(dinf_g, 0.0), 0.9 * d0_g)
    if t_end is None:
        K = W * np.array([_corr(tr, 1, dinf_g[b], d0_g[b], mu_g[b])[0] for b, tr in enumerate(trs)])[None, :]
        ev = np.linalg.eigvals(np.eye(P) - K).real
        kappa = math.sqrt(max(ev.min(), 1e-2))
        t_end = float(min(max(30.0, 12.0 / kappa), 200.0))
    tau = np.linspace(0.0, t_end, 401)
    prof = 1.0 / np.cosh(tau / 2.0)
    y0 = np.zeros((2 * P, tau.size))
    for b in range(P):
        y0[b] = dinf_g[b] + (d0_g[b] - dinf_g[b]) * prof
        y0[P + b] = -(d0_g[b] - dinf_g[b]) * np.tanh(tau / 2.0) * prof / 2.0

    def F(D, d0, mu):
        return W @ np.array([_corr(tr, 0, D[b], d0[b], mu[b]) for b, tr in enumerate(trs)])

    def fun(t, y, p):
        d0, mu = p[:P], p[P:2 * P]
        D = y[:P]
        return np.vstack([y[P:], D - F(D, d0, mu)])

    def bc(ya, yb, p):
        d0, mu, dinf = p[:P], p[P:2 * P], p[2 * P:]
        m1 = np.array([_mean(tr, 0, mu[b], d0[b])[0] for b, tr in enumerate(trs)])
        hill = dinf - F(dinf[:, None], d0, mu)[:, 0]
        # far end on the hilltop's stable manifold, linearised: Delta' = -S (Delta - Delta_inf),
        # S = (1 - K_inf)^(1/2), K_inf,ab = W_ab C_phi'_b(Delta_inf,b) (a trajectory crossing the
        # hilltop with nonzero speed, e.g. an oscillation in the well, violates it)
        Kinf = W * np.array([_corr(tr, 1, dinf[b], d0[b], mu[b])[0] for b, tr in enumerate(trs)])[None, :]
        ev, V = np.linalg.eig(np.eye(P) - Kinf)
        S = (V @ np.diag(np.sqrt(ev.astype(complex))) @ np.linalg.inv(V)).real
        far = yb[P:] + S @ (yb[:P] - dinf)
        return np.concatenate([ya[P:], ya[:P] - d0, mu - I - (J0 * a[None, :]) @ m1, hill, far])

    sol = solve_bvp(fun, bc, tau, y0, p=np.concatenate([d0_g, mu_g, dinf_g]), tol=tol, max_nodes=max_nodes)
    d0, mu = sol.p[:P], sol.p[P:2 * P]
    if not sol.success:
        _debug("bvp failed: " + sol.message)
        return None
    dinf = sol.sol(t_end)[:P]
    rise = np.max(np.diff(sol.y[:P], axis=1), axis=1)
    if np.any(rise > 1e-3 * np.maximum(d0 - dinf, 1e-12)):
        _debug(f"not monotone: rise {rise}, d0 {d0}, dinf {dinf}")
        return None  # not the decaying solution (Delta(tau) must fall from Delta0 to Delta_inf)
    tv = d0 - dinf
    if np.any(tv < 1e-6 * np.maximum(d0, 1e-12)) or np.any(d0 <= 0):
        return None  # collapsed onto the fixed point (Delta constant)
    grid = sol.x
    # the hilltop itself (the BVP pins Delta(T) on it up to the truncation)
    dinf_exact, hres = _hilltop(dinf, a, G, trs, mu, d0)
    return {"tau": grid, "delta": sol.y[:P], "ddelta": sol.y[P:], "delta0": d0.copy(), "mu": mu.copy(),
            "delta_inf": dinf_exact, "temporal_variance": d0 - dinf_exact, "success": True,
            "message": sol.message, "t_end": t_end, "residual_far": float(np.max(np.abs(dinf - dinf_exact))),
            "sol": sol}


def lyapunov_chaotic(state, alpha, g, phi, dtau=0.05, with_check=False):
    r"""Largest Lyapunov exponent (1/tau) of a chaotic state: :math:`\lambda = -1 + \sqrt{-E_0}`,
    E_0 the lowest eigenvalue of :math:`-\partial_\tau^2 - K(\tau)`, :math:`K_{ab} = W_{ab}C_{\phi_b'}(\Delta_b(\tau))`,
    on the even functions on [0, T] (finite differences, step ``dtau``, psi(T) = 0; error O(dtau^2)).
    With ``with_check`` also the odd problem's eigenvalue nearest -1 (the zero mode psi = Delta')."""
    a, G, _, trs, _ = check_structure(alpha, g, 0.0, phi)
    P = a.size
    W = G ** 2 * a[None, :]
    T = float(state["t_end"])
    n = int(round(T / dtau))
    t = np.arange(n) * dtau
    D = state["sol"].sol(t)[:P]
    Kd = np.empty((P, P, n))
    for b, tr in enumerate(trs):
        cb = _corr(tr, 1, D[b], state["delta0"][b], state["mu"][b])
        for a_ in range(P):
            Kd[a_, b] = W[a_, b] * cb

    import scipy.sparse as sps
    from scipy.sparse.linalg import eigs

    def build(parity):
        m = n if parity == "even" else n - 1
        main = np.full(m, 2.0)
        up = np.full(m - 1, -1.0)
        lap = sps.diags([up, main, up.copy()], [1, 0, -1], format="lil")
        if parity == "even":
            lap[0, 1] = -2.0  # psi_{-1} = psi_1
        lap = lap.tocsr() / dtau ** 2
        sl = slice(0, n) if parity == "even" else slice(1, n)  # odd: psi(0) = 0, drop tau = 0
        blocks = [[(lap if a_ == b else None) for b in range(P)] for a_ in range(P)]
        for a_ in range(P):
            for b in range(P):
                dk = sps.diags(-Kd[a_, b, sl])
                blocks[a_][b] = dk if blocks[a_][b] is None else blocks[a_][b] + dk
        return sps.bmat(blocks, format="csc")

    def lowest(A, target=None):
        # shift-invert below the spectrum: the eigenvalue nearest sigma is the lowest one
        kmax = float(np.max([np.max(np.abs(np.linalg.eigvals(Kd[:, :, k]))) for k in range(0, n, max(n // 50, 1))]))
        sigma = -kmax - 0.5 if target is None else target
        # a fixed start vector: ARPACK's default one is random, which made the result (and the JSON)
        # differ between identical runs in the last digits
        vals = eigs(A, k=min(3, A.shape[0] - 2), sigma=sigma, which="LM", return_eigenvectors=False,
                    v0=np.ones(A.shape[0]))
        if target is None:
            return float(vals.real.min())
        return float(vals.real[np.argmin(np.abs(vals.real - target))])

    E0 = lowest(build("even"))
    lam = -1.0 + math.sqrt(-E0) if E0 < 0 else -1.0
    out = {"lambda_max": lam, "E0": E0}
    if with_check:
        out["E_odd_nearest_minus1"] = lowest(build("odd"), target=-1.0 + 1e-7)
    return out


# ------------------------------------------------------------------------------- all together
def _one_population_guess(a, G, trs, mu):
    """A start for the chaotic Delta0: population a as one population with its own phi, the mean
    input mu_a and the gain sqrt(sum_b g_ab^2 alpha_b) (exact when the populations are decoupled or
    identical)."""
    from recnet.numerics.dmft.stationary import solve_stationary
    out = []
    for k, tr in enumerate(trs):
        ge = math.sqrt(float(np.sum(G[k] ** 2 * a)))
        if ge <= 0:
            return None
        try:
            s = solve_stationary(ge, phi=tr, i0=float(mu[k]))
        except (ValueError, ArithmeticError):
            return None
        v = s["delta0"]
        out.append(v if np.isfinite(v) and v > 0 else np.nan)
    return np.array(out)


def solve_populations(alpha, g, j0, phi, i0=0.0, chaos=True, dtau=0.05):
    r"""Every stationary state of a multi-population random rate network, with stability.

    Parameters
    ----------
    alpha : (P,) array
        population fractions :math:`\alpha_b = N_b/N` (> 0, sum 1).
    g, j0 : float or (P, P) array
        :math:`g_{ab}` and :math:`J^0_{ab}` (row a receives from column b): J_ij has mean
        :math:`J^0_{ab}/N` and variance :math:`g_{ab}^2/N`.
    phi : str or sequence of str
        one transfer function (tanh, erf, relu, linear or an expression in x) or one per population.
    i0 : float or (P,) array
        constant input per population.
    chaos : bool
        also solve for the chaotic state when a fixed point is unstable in its bulk
        (:math:`\rho(M) > 1`).
    dtau : float
        step of the Lyapunov eigenproblem (tau units).

    Returns
    -------
    dict with ``branches`` (list, each with ``branch`` ("fixed_point" or "chaotic"), ``mu``,
    ``delta0``, ``delta_inf``, ``temporal_variance`` (arrays), ``chaos_radius`` (:math:`\rho(M)` at
    this state's statistics; for the fixed point the onset parameter), ``lambda_max`` (1/tau),
    ``uniform_mode_eigenvalues`` (complex array), ``uniform_mode_stable``, ``bulk_stable``,
    ``stable``), ``chaos_radius`` (of the fixed point the chaotic state grows from, the criterion
    ``> 1``), ``chaotic`` (the primary state is chaotic), ``primary`` (index of the primary branch:
    the stable chaotic one, else a stable fixed point, else the first).
    """
    a, G, J0, trs, I = check_structure(alpha, g, j0, phi, i0)
    P = a.size
    branches = []
    for fp in fixed_points(a, G, J0, trs, I):
        M = G ** 2 * a[None, :] * _second_moments(trs, fp["mu"], fp["delta0"], 1)[None, :]
        rho = _spectral_radius(M)
        U = uniform_mode_matrix(a, J0, trs, fp["mu"], fp["delta0"])
        eu = np.linalg.eigvals(U)
        b = {"branch": "fixed_point", "mu": fp["mu"], "delta0": fp["delta0"], "delta_inf": fp["delta0"].copy(),
             "temporal_variance": np.zeros(P), "chaos_radius": rho, "lambda_max": -1.0 + math.sqrt(rho),
             "uniform_mode_eigenvalues": eu, "uniform_mode_stable": bool(np.all(eu.real < 0)),
             "bulk_stable": bool(rho < 1.0), "chaotic": False, "tau_end": None}
        b["stable"] = b["bulk_stable"] and b["uniform_mode_stable"]
        branches.append(b)
    if chaos:
        unstable = [b for b in branches if b["branch"] == "fixed_point" and b["chaos_radius"] > 1.0]
        dmax = max([float(np.max(b["delta0"])) for b in unstable] + [0.0])
        for fp in unstable:
            if any(c["branch"] == "chaotic" and np.allclose(c["mu"], fp["mu"], rtol=1e-3, atol=1e-3)
                   for c in branches):
                continue  # the chaotic state at this mean input is already found (from another fixed point)
            # the chaotic Delta0 lies below the heterogeneous fixed point's (one population: 1.92 vs
            # 2.12 at g = 2); from the zero fixed point start at 0.9 times the largest one's
            base = (fp["delta0"] if np.all(fp["delta0"] > 1e-3 * dmax) and dmax > 0 else np.full(P, max(dmax, 1.0)))
            st = None
            guesses = [_one_population_guess(a, G, trs, fp["mu"])] + [fac * base for fac in (0.9, 0.95, 0.8, 0.98)]
            for d_guess in guesses:  # next start when collocation fails or finds no decay
                if d_guess is None or not np.all(d_guess > 0):
                    continue
                st = chaotic_state(a, G, J0, trs, I, guess={"mu": fp["mu"], "delta0": d_guess})
                if st is not None:
                    break
            if st is None:
                continue
            if any(c["branch"] == "chaotic" and np.allclose(c["delta0"], st["delta0"], rtol=1e-5)
                   and np.allclose(c["mu"], st["mu"], atol=1e-6) for c in branches):
                continue
            ly = lyapunov_chaotic(st, a, G, trs, dtau=dtau)
            M = G ** 2 * a[None, :] * _second_moments(trs, st["mu"], st["delta0"], 1)[None, :]
            U = uniform_mode_matrix(a, J0, trs, st["mu"], st["delta0"])
            eu = np.linalg.eigvals(U)
            c = {"branch": "chaotic", "mu": st["mu"], "delta0": st["delta0"], "delta_inf": st["delta_inf"],
                 "temporal_variance": st["temporal_variance"], "chaos_radius": _spectral_radius(M),
                 "lambda_max": ly["lambda_max"], "uniform_mode_eigenvalues": eu,
                 "uniform_mode_stable": bool(np.all(eu.real < 0)), "bulk_stable": True, "chaotic": True,
                 "tau_end": st["t_end"], "state": st}
            c["stable"] = c["uniform_mode_stable"]
            branches.append(c)
    order = sorted(range(len(branches)), key=lambda k: (not (branches[k]["stable"] and branches[k]["chaotic"]),
                                                         not branches[k]["stable"]))
    branches = [branches[k] for k in order]
    prim = branches[0] if branches else None
    fps = [b for b in branches if b["branch"] == "fixed_point"]
    return {"alpha": a, "g": G, "j0": J0, "i0": I, "phi": [tr.name for tr in trs], "branches": branches,
            "primary": 0 if branches else None,
            "chaos_radius": (min(b["chaos_radius"] for b in fps) if fps else float("nan")),
            "chaotic": bool(prim is not None and prim["chaotic"] and prim["stable"])}
