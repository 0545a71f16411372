r"""Fixed points, stability and regime maps of the stabilized supralinear network (SSN).

Model (Ahmadian, Rubin, Miller 2013, Neural Comput 25:1994; Rubin, Van Hooser, Miller 2015,
Neuron 85:402):

.. math::  \tau_a \dot r_a = -r_a + k [u_a]_+^n,\qquad u = W r + h .

Units: rates r in Hz, inputs h and net inputs u in mV, W in mV/Hz (signed; Dale's law: the
columns of E populations are >= 0, those of I populations <= 0), k in Hz/mV^n, tau in ms.

Ways to find the fixed points:

* two populations, integer n (``fixed_points_2pop``): every support (both active, E only,
  I only, none) reduces exactly to univariate polynomials (``recnet.theory.ssn.reduced_polynomial``:
  degree n^2 for both active, n for one active); their real roots that satisfy the sign
  constraints are all the fixed points;
* any N, integer n (``fixed_points``, method "homotopy", the default for N <= 6): the 2^N
  supports, each a polynomial system solved completely by total-degree homotopy continuation
  (``recnet.numerics.ssn_homotopy``);
* any N and any n > 1 (``fixed_points``, method "newton"): Newton on F(u) = -u + W k[u]_+^n + h
  with deflation (Farrell, Birkisson, Funke 2015, SIAM J Sci Comput 37:A2026) from many starts;
  found roots are divided out so that later starts converge elsewhere (not guaranteed complete).

``regime_map`` evaluates the polynomial method on a grid of inputs in a parallel numba kernel.
"""
from __future__ import annotations

import numpy as np

from recnet import checks
from recnet.numerics._jit import njit, prange

__all__ = [
    "DEFAULTS", "WEIGHT_SETS", "RING_DEFAULTS", "default_parameters", "ring_uniform_weights",
    "check_network", "rates", "jacobian", "classify",
    "fixed_points_2pop", "fixed_points", "all_fixed_points", "simulate", "regime_map",
    "input_response", "fate",
]

#: Ring (orientation) model of Rubin, Van Hooser, Miller 2015 (Neuron 85:402, experimental
#: procedures): 180 E and 180 I units at preferred orientations 0..179 deg,
#: W_ab(theta, theta') = J_ab G_ori(theta - theta'), G a Gaussian of width sigma_ori (deg) in the
#: orientation distance (period 180 deg), feedforward input c G_FF(theta - theta_stim) of width
#: sigma_ff; k = 0.04, n = 2, tau_E = 20 ms, tau_I = 10 ms.  (The same J's, k and n appear in
#: public re-implementations of that model.)
RING_DEFAULTS = dict(J_EE=0.044, J_EI=0.023, J_IE=0.042, J_II=0.018, sigma_ori=32.0, sigma_ff=30.0)


def ring_uniform_weights(J_EE=0.044, J_EI=0.023, J_IE=0.042, J_II=0.018, sigma_ori=32.0, n_ori=180):
    r"""Two-population weights (magnitudes, mV s) of the ring SSN driven by an orientation-uniform input.

    With h_a(theta) independent of theta the ring's dynamics keep the rates uniform, and each unit
    of type a receives :math:`\sum_{\theta'} J_{ab} G_{ori}(\theta - \theta') r_b`; so the uniform
    state obeys the two-population SSN exactly with
    :math:`W_{ab} = J_{ab} S`, :math:`S = \sum_{j=0}^{n_{ori}-1} \exp(-d_j^2 / 2\sigma_{ori}^2)
    \cdot 180/n_{ori}`, d_j the periodic distance of orientation j * 180/n_ori deg to 0.
    For Rubin et al. 2015's 180 units and sigma_ori = 32 deg, S = 79.8175...

    Returns a dict ``W_EE, W_EI, W_IE, W_II`` (mV s = mV/Hz).
    """
    n_ori = checks.integer("n_ori", n_ori, minimum=2)
    sigma_ori = checks.positive("sigma_ori", sigma_ori, "deg")
    th = np.arange(n_ori) * 180.0 / n_ori
    d = np.minimum(th % 180.0, 180.0 - th % 180.0)
    S = float(np.exp(-d ** 2 / (2 * sigma_ori ** 2)).sum() * 180.0 / n_ori)
    out = {}
    for name, v in (("W_EE", J_EE), ("W_EI", J_EI), ("W_IE", J_IE), ("W_II", J_II)):
        out[name] = checks.nonnegative(name.replace("W", "J"), v, "mV s") * S
    return out


#: Published two-population weight sets (magnitudes, mV s = mV/Hz), each with the k and n it was
#: published with.
#:
#: ``rubin2015`` (the default): Rubin, Van Hooser, Miller 2015 (Neuron 85:402), whose SSN uses
#: k = 0.04 Hz/mV^2, n = 2, tau_E = 20 ms, tau_I = 10 ms and the ring weights J_EE = 0.044,
#: J_EI = 0.023, J_IE = 0.042, J_II = 0.018 mV s with sigma_ori = 32 deg over 180 orientations.
#: Its orientation-uniform mode is exactly a two-population SSN with W_ab = J_ab * 79.8175...
#: (``ring_uniform_weights``): W = (3.512, 1.836, 3.352, 1.437) mV s.  The 2x2 numbers are thus
#: derived (exactly) from the published ring, not printed in the paper; the tests check the
#: reduction against the 360-unit ring itself.
#:
#: ``hennequin2018``: Hennequin, Ahmadian, Rubin, Lengyel, Miller 2018 (Neuron 98:846):
#: W_EE = 1.25, W_EI = 0.65, W_IE = 1.2, W_II = 0.5 mV s, published with k = 0.3 Hz/mV^2, n = 2
#: and the same time constants.  Kept as an option (the previous default, used at k = 0.04).
WEIGHT_SETS = {
    "rubin2015": dict(ring_uniform_weights(), k=0.04, n=2.0, tau_E=20.0, tau_I=10.0,
                      source="Rubin, Van Hooser, Miller 2015, Neuron 85:402 (ring SSN, uniform mode)"),
    "hennequin2018": dict(W_EE=1.25, W_EI=0.65, W_IE=1.2, W_II=0.5, k=0.3, n=2.0, tau_E=20.0, tau_I=10.0,
                          source="Hennequin, Ahmadian, Rubin, Lengyel, Miller 2018, Neuron 98:846"),
}

#: Standard two-population parameters: the ``rubin2015`` set with k = 0.04 Hz/mV^2, n = 2,
#: tau_E = 20 ms, tau_I = 10 ms (Rubin et al. 2015; k = 0.04 is also Ahmadian et al. 2013, Fig. 2).
DEFAULTS = {key: WEIGHT_SETS["rubin2015"][key]
            for key in ("W_EE", "W_EI", "W_IE", "W_II", "k", "n", "tau_E", "tau_I")}


def default_parameters(weights="rubin2015", k=None):
    """A published 2-population SSN: dict with signed ``W`` (mV/Hz), ``k``, ``n``, ``tau`` (ms).

    ``weights``: a key of ``WEIGHT_SETS`` ("rubin2015", default, or "hennequin2018").  ``k``
    (Hz/mV^n): default 0.04 (the standard value, Rubin et al. 2015) whatever the set; pass
    ``k="published"`` for the k the set was published with (0.3 for hennequin2018).
    """
    if weights not in WEIGHT_SETS:
        raise checks.ParameterError("weights", weights, f"one of {sorted(WEIGHT_SETS)}",
                                    f"weights = {weights!r} is invalid: must be one of {sorted(WEIGHT_SETS)}")
    d = WEIGHT_SETS[weights]
    W = np.array([[d["W_EE"], -d["W_EI"]], [d["W_IE"], -d["W_II"]]])
    kk = d["k"] if k == "published" else (0.04 if k is None else checks.positive("k", k, "Hz/mV^n"))
    return dict(W=W, k=kk, n=d["n"], tau=np.array([d["tau_E"], d["tau_I"]]), source=d["source"])


# --------------------------------------------------------------------------------- input checks
def check_network(W, h=None, k=0.04, n=2.0, tau=None, cell_types=None):
    """Check and convert SSN parameters; raise ValueError/TypeError naming the bad one.

    Parameters
    ----------
    W : (N, N) array, mV/Hz (signed).
    h : (N,) array, mV, optional.
    k : float > 0, Hz/mV^n.   n : float >= 1 (power).
    tau : (N,) array of ms > 0, optional (default 1 ms each).
    cell_types : sequence of "E"/"I" of length N, optional.  Default: ("E", "I") for N = 2 and
        no Dale check otherwise.  E columns must be >= 0, I columns <= 0.
    """
    W = checks.square_matrix("W", W)
    N = W.shape[0]
    k = checks.positive("k", k, "Hz/mV^n")
    n = checks.in_range("n", n, 1.0, np.inf, unit="")
    if h is not None:
        h = checks.array("h", h, ndim=1, shape=(N,))
    if tau is None:
        tau = np.ones(N)
    else:
        tau = np.atleast_1d(checks.array("tau", tau))
        if tau.size == 1:
            tau = np.full(N, float(tau[0]))
        if tau.shape != (N,):
            raise checks.ParameterError("tau", tau.shape, f"shape ({N},), one per population",
                                        f"tau has shape {tau.shape}: must have shape ({N},) (one per population)")
        for i, t in enumerate(tau):
            checks.positive(f"tau[{i}]", float(t), "ms")
    if cell_types is None and N == 2:
        cell_types = ("E", "I")
    if cell_types is not None:
        ct = tuple(str(c).upper() for c in cell_types)
        if len(ct) != N or any(c not in ("E", "I") for c in ct):
            raise checks.ParameterError("cell_types", cell_types, f"{N} entries 'E' or 'I'",
                                        f"cell_types = {cell_types!r} is invalid: must be {N} entries 'E' or 'I'")
        for b, c in enumerate(ct):
            col = W[:, b]
            if c == "E" and np.any(col < 0):
                a = int(np.argmin(col))
                raise checks.ParameterError("W", float(col[a]), f"column {b} >= 0 (population {b} is excitatory; Dale's law)",
                                            f"Dale's law violated: W[{a}, {b}] = {col[a]:g} mV/Hz < 0 but "
                                            f"population {b} is excitatory (E columns must be >= 0)")
            if c == "I" and np.any(col > 0):
                a = int(np.argmax(col))
                raise checks.ParameterError("W", float(col[a]), f"column {b} <= 0 (population {b} is inhibitory; Dale's law)",
                                            f"Dale's law violated: W[{a}, {b}] = {col[a]:g} mV/Hz > 0 but "
                                            f"population {b} is inhibitory (I columns must be <= 0)")
        cell_types = ct
    return W, h, k, n, tau, cell_types


# ----------------------------------------------------------------------------------- basics
def rates(u, k, n):
    """r = k [u]_+^n (Hz) from net inputs u (mV)."""
    u = np.asarray(u, float)
    return k * np.maximum(u, 0.0) ** n


def _gain(u, k, n):
    up = np.maximum(np.asarray(u, float), 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        g = np.where(up > 0, k * n * up ** (n - 1.0), 0.0)
    return g


def jacobian(W, u, k, n, tau):
    """Jacobian of the rate dynamics at net input u: J = T^{-1}(-1 + G W), G = diag(k n u_+^{n-1}) (1/ms)."""
    W = np.asarray(W, float)
    G = _gain(u, k, n)
    return (-np.eye(len(G)) + G[:, None] * W) / np.asarray(tau, float)[:, None]


def classify(W, u, k, n, tau, cell_types=None):
    """Stability, ISN and paradoxical flags of the fixed point with net input u.

    Returns a dict: ``rates_hz``, ``u_mv``, ``eigenvalues`` (1/ms), ``stable`` (all Re < 0),
    ``isn`` (the E-E block -1 + W_EE G_E has an eigenvalue with positive real part: the E
    subnetwork alone would be unstable), ``response`` dr/dh = (1 - G W)^{-1} G (Hz/mV) and
    ``paradoxical`` (some I population has dr_I/dh_I < 0).
    """
    W = np.asarray(W, float)
    N = W.shape[0]
    ct = cell_types or (("E", "I") if N == 2 else tuple("E" if np.all(W[:, b] >= 0) else "I"
                                                       for b in range(N)))
    J = jacobian(W, u, k, n, tau)
    ev = np.linalg.eigvals(J)
    G = _gain(u, k, n)
    e = np.array([c == "E" for c in ct])
    if e.any():
        JE = -np.eye(e.sum()) + G[e][:, None] * W[np.ix_(e, e)]
        isn = bool(np.max(np.linalg.eigvals(JE).real) > 0)
    else:
        isn = False
    A = np.eye(N) - G[:, None] * W
    try:
        R = np.linalg.solve(A, np.diag(G))
    except np.linalg.LinAlgError:
        R = np.full((N, N), np.nan)
    dI = np.array([R[a, a] for a in range(N) if ct[a] == "I"])
    active_I = np.array([G[a] > 0 for a in range(N) if ct[a] == "I"])
    paradox = bool(np.any(dI[active_I] < 0)) if dI.size else False
    return dict(u_mv=np.asarray(u, float), rates_hz=rates(u, k, n), eigenvalues=ev,
                stable=bool(np.max(ev.real) < 0), isn=isn, response=R, paradoxical=paradox)


def _residual(W, u, h, k, n):
    return -u + W @ rates(u, k, n) + h


# ------------------------------------------------------- two populations: polynomial elimination
@njit
def _pmul(a, b):
    out = np.zeros(a.size + b.size - 1)
    for i in range(a.size):
        for j in range(b.size):
            out[i + j] += a[i] * b[j]
    return out


@njit
def _ppow(a, m):
    out = np.ones(1)
    for _ in range(m):
        out = _pmul(out, a)
    return out


@njit
def _real_roots(c0, s):
    """Real roots of sum_i c0[i] u^i (ascending) via the companion matrix of the polynomial in
    x = u / s (coefficients c0[i] s^i, normalised), Newton-polished; returns the roots u."""
    c = c0.copy()
    for i in range(c.size):
        c[i] *= s ** i
    mx = np.max(np.abs(c))
    if mx == 0.0:
        return np.empty(0)
    c /= mx
    deg = c.size - 1
    while deg > 0 and abs(c[deg]) <= 1e-13:
        deg -= 1
    if deg < 1:
        return np.empty(0)
    C = np.zeros((deg, deg))
    for i in range(deg):
        C[0, i] = -c[deg - 1 - i] / c[deg]
    for i in range(1, deg):
        C[i, i - 1] = 1.0
    z = np.linalg.eigvals(C.astype(np.complex128))
    out = np.empty(deg)
    m = 0
    for r in z:
        if abs(r.imag) <= 1e-6 * max(1.0, abs(r.real)):
            x = r.real
            for _ in range(6):
                p = 0.0
                dp = 0.0
                for i in range(deg, -1, -1):
                    dp = dp * x + p
                    p = p * x + c[i]
                if dp == 0.0:
                    break
                x -= p / dp
            out[m] = x * s
            m += 1
    return out[:m]


@njit
def _scale(h, k):
    """Typical size (mV) of the net input: ~|h| at weak input, ~sqrt(|h|/k) at strong input."""
    a = max(abs(h[0]), abs(h[1]))
    if a == 0.0:
        return 1.0
    return max(min(a, np.sqrt(a / k)), 1e-12)


@njit
def _fixed_points_2pop_kernel(W, h, k, ni, out):
    """All fixed points of the 2-population SSN with integer power ni; returns their count.

    out[m] = (u_E, u_I).  Supports: both active (degree ni^2 polynomial), E only, I only, none.
    """
    scale = _scale(h, k)
    m = 0
    # both active
    if W[0, 1] != 0.0:
        # q(x) = (x - W00 k x^n - hE) / W01  (= k u_I^n),  P(x) = W10 k x^n + W11 q + hI
        q = np.zeros(ni + 1)
        q[0] = -h[0] / W[0, 1]
        q[1] += 1.0 / W[0, 1]
        q[ni] += -W[0, 0] * k / W[0, 1]
        P = W[1, 1] * q
        P[0] += h[1]
        P[ni] += W[1, 0] * k
        poly = k * _ppow(P, ni)
        for i in range(q.size):
            poly[i] -= q[i]
        xs = _real_roots(poly, scale)
        for x in xs:
            if x > 0.0:
                y = 0.0
                for i in range(P.size - 1, -1, -1):
                    y = y * x + P[i]
                if y > 0.0:
                    # Newton polish on the 2-D system
                    uE, uI = x, y
                    for _ in range(8):
                        rE = k * uE ** ni
                        rI = k * uI ** ni
                        F0 = -uE + W[0, 0] * rE + W[0, 1] * rI + h[0]
                        F1 = -uI + W[1, 0] * rE + W[1, 1] * rI + h[1]
                        gE = k * ni * uE ** (ni - 1)
                        gI = k * ni * uI ** (ni - 1)
                        a = -1.0 + W[0, 0] * gE
                        b = W[0, 1] * gI
                        c = W[1, 0] * gE  # Jacobian of F in u: -1 + W G
                        d = -1.0 + W[1, 1] * gI
                        det = a * d - b * c
                        if det == 0.0:
                            break
                        uE -= (d * F0 - b * F1) / det
                        uI -= (-c * F0 + a * F1) / det
                    rE = k * uE ** ni
                    rI = k * uI ** ni
                    F0 = -uE + W[0, 0] * rE + W[0, 1] * rI + h[0]
                    F1 = -uI + W[1, 0] * rE + W[1, 1] * rI + h[1]
                    ok = abs(F0) + abs(F1) <= 1e-8 * (abs(uE) + abs(uI) + abs(h[0]) + abs(h[1]))
                    if ok and uE > 0.0 and uI > 0.0:
                        dup = False
                        for j in range(m):
                            if abs(out[j, 0] - uE) + abs(out[j, 1] - uI) < 1e-8 * scale:
                                dup = True
                        if not dup and m < out.shape[0]:
                            out[m, 0] = uE
                            out[m, 1] = uI
                            m += 1
    else:
        # E decoupled from I: E equation alone, then I
        pe = np.zeros(ni + 1)
        pe[0] = h[0]
        pe[1] = -1.0
        pe[ni] += W[0, 0] * k
        for x in _real_roots(pe, scale):
            if x > 0.0:
                pi = np.zeros(ni + 1)
                pi[0] = h[1] + W[1, 0] * k * x ** ni
                pi[1] = -1.0
                pi[ni] += W[1, 1] * k
                for y in _real_roots(pi, scale):
                    if y > 0.0 and m < out.shape[0]:
                        out[m, 0] = x
                        out[m, 1] = y
                        m += 1
    # E active, I silent: W00 k x^n - x + hE = 0, u_I = W10 k x^n + hI <= 0
    pe = np.zeros(ni + 1)
    pe[0] = h[0]
    pe[1] = -1.0
    pe[ni] += W[0, 0] * k
    for x in _real_roots(pe, scale):
        uI = W[1, 0] * k * x ** ni + h[1]
        if x > 0.0 and uI <= 0.0 and m < out.shape[0]:
            out[m, 0] = x
            out[m, 1] = uI
            m += 1
    # I active, E silent
    pi = np.zeros(ni + 1)
    pi[0] = h[1]
    pi[1] = -1.0
    pi[ni] += W[1, 1] * k
    for y in _real_roots(pi, scale):
        uE = W[0, 1] * k * y ** ni + h[0]
        if y > 0.0 and uE <= 0.0 and m < out.shape[0]:
            out[m, 0] = uE
            out[m, 1] = y
            m += 1
    # both silent
    if h[0] <= 0.0 and h[1] <= 0.0 and m < out.shape[0]:
        out[m, 0] = h[0]
        out[m, 1] = h[1]
        m += 1
    return m


def _support(u):
    return "".join(p for p, x in zip("EI", u) if x > 0) or "none"


def fixed_points_2pop(W, h, k=0.04, n=2, tau=(20.0, 10.0)):
    """Every fixed point of the two-population SSN with integer power n, classified.

    Parameters
    ----------
    W : (2, 2) signed weights, mV/Hz, ``[[W_EE, -W_EI], [W_IE, -W_II]]``.
    h : (2,) inputs (h_E, h_I), mV.
    k : Hz/mV^n.  n : integer power >= 1.  tau : (tau_E, tau_I), ms.

    Returns
    -------
    list of dicts (sorted by r_E) with ``u_mv``, ``rates_hz``, ``support`` ("EI", "E", "I" or
    "none"), ``eigenvalues``, ``stable``, ``isn``, ``paradoxical``, ``response``.
    """
    W, h, k, n, tau, ct = check_network(W, h, k, n, tau, ("E", "I") if np.ndim(W) == 2 and
                                        np.shape(W) == (2, 2) else None)
    if W.shape != (2, 2):
        raise checks.ParameterError("W", W.shape, "shape (2, 2) for the two-population solver",
                                    f"W has shape {W.shape}: must be (2, 2) for the two-population solver")
    ni = checks.integer("n", n, minimum=1, maximum=8)
    out = np.zeros((ni * ni + 2 * ni + 1, 2))
    m = _fixed_points_2pop_kernel(W, h, k, ni, out)
    res = []
    for u in out[:m]:
        d = classify(W, u, k, ni, tau, ct)
        d["support"] = _support(u)
        res.append(d)
    res.sort(key=lambda d: (d["rates_hz"][0], d["rates_hz"][1]))
    return res


# -------------------------------------------------------------- N populations: deflated Newton
def fixed_points(W, h, k=0.04, n=2.0, tau=None, cell_types=None, n_starts=32, seed=0,
                 max_iter=60, tol=1e-10, method="auto"):
    r"""Fixed points of an N-population SSN, classified.

    ``method``:

    * ``"homotopy"`` (integer n): *all* fixed points, by enumerating the 2^N supports and solving
      each support's polynomial system -x + k W_SS x^n + h_S = 0 by total-degree homotopy
      continuation with the gamma trick (``recnet.numerics.ssn_homotopy``; complete with
      probability one, and checked: the result's entries carry ``complete``);
    * ``"newton"`` (any n >= 1): Newton on F(u) = -u + W k [u]_+^n + h = 0 (u in mV) with
      deflation; each root found is deflated with M(u) = prod_i (||u - u_i||^{-2} + 1) (Farrell
      et al. 2015), so the Newton step d = -J^{-1} F becomes d / (1 - grad log M . d).  Starts: 0,
      h, the balanced solution -W^{-1} h (if W is invertible) and ``n_starts`` random points on the
      scale of these.  Not guaranteed to find all roots;
    * ``"auto"`` (default): homotopy for integer n <= 12 and N <= 6 (3^N - 1 paths for n = 2: 0.04 s
      for N = 3, ~2.5 s for N = 6 on a loaded 2-core machine),
      deflated Newton otherwise (e.g. the 72-unit ring model).

    Returns a list of dicts as ``fixed_points_2pop`` (sorted by the rates), each with ``method``
    and ``complete`` (True for a homotopy result that passed its completeness check, None for
    Newton).
    """
    if method not in ("auto", "homotopy", "newton"):
        raise checks.ParameterError("method", method, "'auto', 'homotopy' or 'newton'",
                                    f"method = {method!r} is invalid: must be 'auto', 'homotopy' or 'newton'")
    Wc = checks.square_matrix("W", W)
    integer_n = float(n).is_integer() and 1 <= float(n) <= 12
    if method == "homotopy" and not integer_n:
        raise checks.ParameterError("n", n, "an integer in [1, 12] for method='homotopy'",
                                    f"n = {n!r} is invalid for method='homotopy': must be an integer in [1, 12]")
    if method == "homotopy" or (method == "auto" and integer_n and Wc.shape[0] <= 6):
        from recnet.numerics import ssn_homotopy
        W, h, k, n, tau, ct = check_network(W, h, k, n, tau, cell_types)
        us, info = ssn_homotopy.all_fixed_points(W, h, k, int(n), seed=seed)
        res = []
        for u in us:
            d = classify(W, u, k, int(n), tau, ct)
            d["support"] = _support(u) if W.shape[0] == 2 else "".join("1" if x > 0 else "0" for x in u)
            d["method"] = "homotopy"
            d["complete"] = info["complete"]
            res.append(d)
        res.sort(key=lambda d: tuple(d["rates_hz"]) + tuple(d["u_mv"]))
        return res
    W, h, k, n, tau, ct = check_network(W, h, k, n, tau, cell_types)
    checks.integer("n_starts", n_starts, minimum=1)
    gen = checks.rng(seed)
    N = W.shape[0]
    roots = []
    scale = 1.0 + np.max(np.abs(h))
    starts = [np.zeros(N), h.copy()]
    try:
        bal = np.linalg.solve(W, -h)
        starts.append(np.maximum(bal, 0.0) ** (1.0 / n) / k ** (1.0 / n))
        starts.append(bal)
    except np.linalg.LinAlgError:
        pass
    big = max(scale, *(np.max(np.abs(s)) for s in starts))
    for _ in range(int(n_starts)):
        starts.append(gen.uniform(-big, 2 * big, N))

    def F(u):
        return -u + W @ rates(u, k, n) + h

    def JF(u):
        return -np.eye(N) + W * _gain(u, k, n)[None, :]   # dF/du = -1 + W G

    for u0 in starts:
        u = np.array(u0, float)
        for _ in range(max_iter):
            f = F(u)
            if np.max(np.abs(f)) < tol * scale:
                break
            try:
                d = np.linalg.solve(JF(u), -f)
            except np.linalg.LinAlgError:
                d = -f
            if roots:
                gl = np.zeros(N)
                for r in roots:
                    diff = u - r
                    s2 = diff @ diff
                    m_i = 1.0 / s2 + 1.0
                    gl += (-2.0 * diff / s2 ** 2) / m_i
                den = 1.0 - gl @ d
                if abs(den) > 1e-12:
                    d = d / den
            # damping keeps the step bounded
            step = np.max(np.abs(d))
            if step > 10 * big:
                d *= 10 * big / step
            u = u + d
            if not np.all(np.isfinite(u)):
                break
        if np.all(np.isfinite(u)) and np.max(np.abs(F(u))) < 1e-8 * scale:
            if all(np.max(np.abs(u - r)) > 1e-6 * scale for r in roots):
                roots.append(u.copy())
    res = []
    for u in roots:
        d = classify(W, u, k, n, tau, ct)
        d["support"] = _support(u) if N == 2 else "".join("1" if x > 0 else "0" for x in u)
        d["method"] = "newton"
        d["complete"] = None
        res.append(d)
    res.sort(key=lambda d: tuple(d["rates_hz"]) + tuple(d["u_mv"]))
    return res


#: the homotopy solver tracks (n + 1)^N - 1 paths; above this many, deflated Newton (not complete)
MAX_HOMOTOPY_PATHS = 5000


def all_fixed_points(W, h, k, n, tau, cell_types=None, seed=0):
    """Every fixed point, by the most complete method affordable: exact polynomial elimination for
    two populations (E, I) and integer n <= 8; homotopy continuation over all 2^N supports when the
    (n + 1)^N - 1 paths are at most ``MAX_HOMOTOPY_PATHS``; deflated Newton from 64 starts otherwise.

    Returns (list of classified fixed points as ``fixed_points``, method text, complete: bool).
    """
    W = np.asarray(W, float)
    N = W.shape[0]
    ct = tuple(cell_types) if cell_types is not None else (("E", "I") if N == 2 else None)
    integer_n = float(n).is_integer() and 1 <= n <= 12
    if N == 2 and ct == ("E", "I") and integer_n and n <= 8:
        return fixed_points_2pop(W, h, k, int(n), tau), "polynomial elimination (exact, all roots)", True
    if integer_n and (int(n) + 1) ** N - 1 <= MAX_HOMOTOPY_PATHS:
        fps = fixed_points(W, h, k, int(n), tau, ct, method="homotopy", seed=seed)
        complete = all(f.get("complete") for f in fps) if fps else True
        return fps, (f"homotopy continuation over all {2 ** N} supports ((n+1)^N - 1 = "
                     f"{(int(n) + 1) ** N - 1} paths)"), bool(complete)
    fps = fixed_points(W, h, k, n, tau, ct, method="newton", n_starts=64, seed=seed)
    return fps, "deflated Newton (64 starts; not guaranteed to find every fixed point)", False


# ------------------------------------------------------------------------------ simulation
@njit
def _simulate_kernel(W, h, k, n, tau, r0, dt, n_steps, rec_every, out):
    N = r0.size
    r = r0.copy()
    u = np.empty(N)
    j = 0
    for s in range(n_steps):
        if s % rec_every == 0:
            out[j, :] = r
            j += 1
        for a in range(N):
            acc = h[a]
            for b in range(N):
                acc += W[a, b] * r[b]
            u[a] = acc
        for a in range(N):
            x = u[a]
            f = k * x ** n if x > 0.0 else 0.0
            r[a] += dt / tau[a] * (-r[a] + f)
    if j < out.shape[0]:
        out[j, :] = r
    return r


def simulate(W, h, k=0.04, n=2.0, tau=(20.0, 10.0), r0=None, t_sim=500.0, dt=0.05,
             record_dt=1.0, cell_types=None):
    """Euler integration of tau dr/dt = -r + k[W r + h]_+^n (numba).

    Parameters: W (mV/Hz), h (mV), k (Hz/mV^n), n, tau (ms), r0 (Hz, default 0),
    t_sim, dt, record_dt (ms).  Returns (t in ms, rates in Hz of shape (T, N)).
    """
    W, h, k, n, tau, ct = check_network(W, h, k, n, tau, cell_types)
    N = W.shape[0]
    t_sim = checks.positive("t_sim", t_sim, "ms")
    dt = checks.positive("dt", dt, "ms")
    if dt > 0.2 * np.min(tau):
        raise checks.ParameterError("dt", dt, f"<= 0.2 min(tau) = {0.2 * np.min(tau):g} ms",
                                    f"dt = {dt:g} ms is invalid: must be <= 0.2 * min(tau) = {0.2 * np.min(tau):g} ms")
    r0 = np.zeros(N) if r0 is None else checks.array("r0", r0, ndim=1, shape=(N,))
    n_steps = int(round(t_sim / dt))
    rec = max(1, int(round(checks.positive("record_dt", record_dt, "ms") / dt)))
    out = np.full((n_steps // rec + 1, N), np.nan)
    _simulate_kernel(W, h, float(k), float(n), tau, r0, dt, n_steps, rec, out)
    t = np.arange(out.shape[0]) * rec * dt
    return t, out


def input_response(W, h0, contrasts, k=0.04, n=2, tau=(20.0, 10.0)):
    """Stable fixed-point rates (Hz) along h = c h0 (2 populations, integer n); NaN if none.

    Returns an array (len(contrasts), 2); with several stable fixed points the lowest-E one.
    """
    h0 = checks.array("h0", h0, ndim=1, shape=(2,))
    out = np.full((len(contrasts), 2), np.nan)
    for i, c in enumerate(contrasts):
        st = [f for f in fixed_points_2pop(W, c * h0, k, n, tau) if f["stable"]]
        if st:
            out[i] = st[0]["rates_hz"]
    return out


# ------------------------------------------------------------------------------ regime maps
@njit(parallel=True)
def _regime_kernel(W, hE, hI, k, ni, tau, n_fp, n_stable, rate_e, rate_i, isn, parad):
    nx = hE.size
    ny = hI.size
    for idx in prange(nx * ny):
        i = idx // ny
        j = idx % ny
        h = np.array([hE[i], hI[j]])
        out = np.zeros((ni * ni + 2 * ni + 1, 2))
        m = _fixed_points_2pop_kernel(W, h, k, ni, out)
        n_fp[i, j] = m
        ns = 0
        rate_e[i, j] = np.nan
        rate_i[i, j] = np.nan
        isn[i, j] = -1
        parad[i, j] = -1
        for f in range(m):
            uE = out[f, 0]
            uI = out[f, 1]
            gE = k * ni * uE ** (ni - 1) if uE > 0 else 0.0
            gI = k * ni * uI ** (ni - 1) if uI > 0 else 0.0
            a = (-1.0 + W[0, 0] * gE) / tau[0]
            b = W[0, 1] * gE / tau[0]
            c = W[1, 0] * gI / tau[1]
            d = (-1.0 + W[1, 1] * gI) / tau[1]
            tr = a + d
            det = a * d - b * c
            if det > 0.0 and tr < 0.0:
                ns += 1
                rE = k * uE ** ni if uE > 0 else 0.0
                if ns == 1 or rE < rate_e[i, j]:
                    rate_e[i, j] = rE
                    rate_i[i, j] = k * uI ** ni if uI > 0 else 0.0
                    isn[i, j] = 1 if W[0, 0] * gE > 1.0 else 0
                    # dr_I/dh_I = g_I (1 - g_E W_EE) / det(1 - G W)
                    D = (1.0 - gE * W[0, 0]) * (1.0 - gI * W[1, 1]) - gE * gI * W[0, 1] * W[1, 0]
                    parad[i, j] = 1 if (gI > 0 and gI * (1.0 - gE * W[0, 0]) / D < 0) else 0
        n_stable[i, j] = ns


def regime_map(W, h_e, h_i, k=0.04, n=2, tau=(20.0, 10.0)):
    """Fixed-point census over a grid of inputs (two populations, integer n; numba, parallel).

    Parameters
    ----------
    W : (2, 2) signed weights (mV/Hz).  h_e, h_i : 1-D grids of inputs (mV).
    k (Hz/mV^n), n (integer), tau (ms).

    Returns
    -------
    dict of arrays shaped (len(h_e), len(h_i)): ``n_fixed``, ``n_stable``, ``rate_e_hz``,
    ``rate_i_hz`` (lowest-E stable fixed point; NaN if none), ``isn`` and ``paradoxical``
    (1/0; -1 without a stable fixed point).
    """
    W, _, k, n, tau, _ = check_network(W, None, k, n, tau)
    if W.shape != (2, 2):
        raise checks.ParameterError("W", W.shape, "shape (2, 2)", f"W has shape {W.shape}: must be (2, 2)")
    ni = checks.integer("n", n, minimum=1, maximum=8)
    hE = checks.array("h_e", h_e, ndim=1)
    hI = checks.array("h_i", h_i, ndim=1)
    shp = (hE.size, hI.size)
    n_fp = np.zeros(shp, np.int64)
    n_st = np.zeros(shp, np.int64)
    rE = np.zeros(shp)
    rI = np.zeros(shp)
    isn = np.zeros(shp, np.int64)
    par = np.zeros(shp, np.int64)
    _regime_kernel(W, hE, hI, k, ni, tau, n_fp, n_st, rE, rI, isn, par)
    return dict(n_fixed=n_fp, n_stable=n_st, rate_e_hz=rE, rate_i_hz=rI, isn=isn, paradoxical=par)


# ------------------------------------------------------------------------- ring (orientation) model
def _ori_dist(a, b):
    d = np.abs(np.asarray(a)[:, None] - np.asarray(b)[None, :]) % 180.0
    return np.minimum(d, 180.0 - d)


def ring_model(n_ori=180, J_EE=0.044, J_EI=0.023, J_IE=0.042, J_II=0.018, sigma_ori=32.0):
    """Signed weights (mV/Hz) of the SSN ring model with ``n_ori`` E and ``n_ori`` I units.

    Order: E units at theta = 0, 180/n_ori, ... then I units at the same angles.  For n_ori != 180
    the J's are scaled by 180/n_ori so that each unit's summed input weight is unchanged.
    Returns (W, cell_types, theta_deg).
    """
    n_ori = checks.integer("n_ori", n_ori, minimum=2)
    for name, v in (("J_EE", J_EE), ("J_EI", J_EI), ("J_IE", J_IE), ("J_II", J_II)):
        checks.nonnegative(name, v, "mV/Hz")
    sigma_ori = checks.positive("sigma_ori", sigma_ori, "deg")
    theta = np.arange(n_ori) * 180.0 / n_ori
    G = np.exp(-_ori_dist(theta, theta) ** 2 / (2 * sigma_ori ** 2)) * (180.0 / n_ori)
    W = np.block([[J_EE * G, -J_EI * G], [J_IE * G, -J_II * G]])
    return W, ("E",) * n_ori + ("I",) * n_ori, theta


def ring_input(theta, c, theta_stim=(90.0,), sigma_ff=30.0):
    """Feedforward input (mV) h_a(theta) = c sum_s G_FF(theta - theta_s) to E and I units alike."""
    c = checks.nonnegative("c", c, "mV")
    sigma_ff = checks.positive("sigma_ff", sigma_ff, "deg")
    g = np.exp(-_ori_dist(theta, np.atleast_1d(theta_stim)) ** 2 / (2 * sigma_ff ** 2)).sum(1)
    return np.concatenate([c * g, c * g])


# ------------------------------------------------------------------ fate without a stable fixed point
#: step of ``fate``'s adaptive Heun scheme, as a fraction of the fastest local time scale
FATE_STEP = 0.05


@njit
def _fate_rhs(W, h, k, n, tau, r, out):
    """out = dr/dt; returns the local rate scale max_a (1 + k n u_a^{n-1} sum_b |W_ab|)/tau_a (1/ms)."""
    N = r.size
    lam = 0.0
    for a in range(N):
        acc = h[a]
        row = 0.0
        for b in range(N):
            acc += W[a, b] * r[b]
            row += abs(W[a, b])
        f = k * acc ** n if acc > 0.0 else 0.0
        g = k * n * acc ** (n - 1.0) if acc > 0.0 else 0.0
        out[a] = (-r[a] + f) / tau[a]
        lam = max(lam, (1.0 + g * row) / tau[a])
    return lam


@njit
def _fate_kernel(W, h, k, n, tau, r0, t_end, t_tail, r_escape, max_steps, rmin, rmax):
    """Heun (second order) for tau dr/dt = -r + k[W r + h]_+^n from r0, the step FATE_STEP over the
    local rate scale, so a blow-up is followed in a few hundred steps.  Returns (status, t): 1 escaped
    (a rate above r_escape or not finite), 0 reached t_end (rmin/rmax: range of each rate over
    t >= t_tail), 2 step cap."""
    N = r0.size
    r = r0.copy()
    k1 = np.empty(N)
    k2 = np.empty(N)
    rp = np.empty(N)
    t = 0.0
    for a in range(N):
        rmin[a] = np.inf
        rmax[a] = -np.inf
    for _ in range(max_steps):
        lam = _fate_rhs(W, h, k, n, tau, r, k1)
        if not lam < np.inf:
            return 1, t
        dt = min(FATE_STEP / lam, t_end - t)
        for a in range(N):
            rp[a] = r[a] + dt * k1[a]
        _fate_rhs(W, h, k, n, tau, rp, k2)
        esc = False
        for a in range(N):
            r[a] += 0.5 * dt * (k1[a] + k2[a])
            if not r[a] <= r_escape:
                esc = True
        t += dt
        if esc:
            return 1, t
        if t >= t_tail:
            for a in range(N):
                rmin[a] = min(rmin[a], r[a])
                rmax[a] = max(rmax[a], r[a])
        if t >= t_end:
            return 0, t
    return 2, t


def fate(W, h, k, n, tau, r_scale=1.0, t_end=None, max_steps=10_000_000):
    """What the rates do from rest (r = 0) when there is no stable fixed point.

    Integrates :math:`\\tau_a \\dot r_a = -r_a + k[u_a]_+^n` by adaptive Heun (step ``FATE_STEP``
    of the fastest local time scale) until a rate passes ``1e6 r_scale`` Hz ("runaway"), or for
    ``t_end`` (default 100 max tau) otherwise ("bounded": the range of every rate over the second
    half is returned; a range wider than 1e-6 of its top is "oscillation", else "settles").

    Parameters
    ----------
    W, h, k, n, tau : the network (mV/Hz, mV, Hz/mV^n, -, ms), as ``check_network`` takes them.
    r_scale : float
        Rate scale of the model in Hz (e.g. the largest fixed-point rate); the escape threshold is
        ``1e6 * max(r_scale, 1)``.
    t_end : float, optional
        Integration time in ms.
    max_steps : int
        Step cap (``"undetermined"`` when reached).

    Returns
    -------
    dict
        ``outcome`` ("runaway", "oscillation", "settles", "undetermined"), ``t_ms`` (time reached:
        the escape time for a runaway), ``r_escape_hz``, ``range_hz`` ((N, 2) min and max of each rate
        over the second half; only when bounded).
    """
    W, h, k, n, tau, _ = check_network(W, h, k, n, tau, None if np.shape(W) != (2, 2) else ("E", "I"))
    N = W.shape[0]
    h = np.zeros(N) if h is None else h
    t_end = 100.0 * float(np.max(tau)) if t_end is None else checks.positive("t_end", t_end, "ms")
    r_escape = 1e6 * min(max(float(r_scale), 1.0), 1e290)
    rmin, rmax = np.empty(N), np.empty(N)
    status, t = _fate_kernel(np.ascontiguousarray(W), h, float(k), float(n), tau, np.zeros(N), t_end,
                             0.5 * t_end, r_escape, int(max_steps), rmin, rmax)
    out = {"t_ms": float(t), "r_escape_hz": r_escape}
    if status == 1:
        out["outcome"] = "runaway"
    elif status == 2:
        out["outcome"] = "undetermined"
    else:
        rng = np.stack([rmin, rmax], axis=1)
        out["range_hz"] = rng
        wide = np.any(rng[:, 1] - rng[:, 0] > 1e-6 * np.maximum(rng[:, 1], 1e-300))
        out["outcome"] = "oscillation" if wide else "settles"
    return out
