r"""Synapse-type-specific competitive Hebbian learning: closed forms and recnet's reduced E-I model.

Two parts (theory: ``recnet.theory.hebbian_ei``; the paper: Eckmann, Young, Gjorgjieva 2024, PNAS
121:e2305326121, SM = its Supplementary Material):

* the paper's model evaluated in closed form (end of this module): eigencircuit rate amplitudes
  (SM Eqs. 145-146), effective attraction (SM Eq. 147), the collapsed fixed point of the fully
  plastic network (SM Eq. 132), the exact growth rates of decorrelating perturbations and the
  decorrelation thresholds (exact, and the paper's beta ~ 0 estimate, SM Eq. 211), the rescaled
  attractions of a co-tuned E-I fixed point of one neuron (SM Eq. 110) and its switch threshold.
  Simulations of that model: ``recnet.numerics.hebbian_network``;
* recnet's reduced circuit (numba, kept as a special case): linear steady-state responses

    r_E = W_ex x - W_ei r_I,   r_I = W_ix x + W_ie r_E - W_ii r_I

  (all W >= 0 magnitudes, Dale's law; rates in Hz, weights dimensionless), inputs x with
  correlation Q = <x x^T> (Hz^2), plastic types ``ex`` (E feedforward), ``ix`` (I feedforward),
  ``ei`` (I -> E), each with its own norm (``norm="l2"``: Euclidean, ``"l1"``: sum).  One step:
  W <- W + eta * G (G = <r_post r_pre^T> averaged, or one sample r_post r_pre^T), clipped at 0,
  rows rescaled to the type's total.  With ``ex`` and ``ei`` plastic, L1 norms and I inputs tuned
  to input channels it is exactly the paper's one-neuron circuit of SM Sec. 2 (main Fig. 1J).
"""
from __future__ import annotations

import numpy as np

from recnet import checks
from recnet.numerics._jit import njit

__all__ = ["Circuit", "make_circuit", "response_matrix", "hebbian_drive", "averaged",
           "stochastic", "principal_eigenvector", "cotuning_weights", "decorrelation_threshold",
           "antisymmetric_growth_per_step", "field_growth_matrix", "normalized_responses",
           "rectified_responses", "block_correlation", "eigencircuit_amplitudes", "effective_attraction",
           "collapsed_state", "collapse_growth_rates", "collapse_jacobian", "decorrelation_thresholds",
           "independent_channels", "feedforward_mode_attractions", "feedforward_switch_threshold"]

_TYPES = ("ex", "ix", "ei")


class Circuit:
    """Checked weights of the E-I circuit (plain container; arrays are float64, C-contiguous)."""

    def __init__(self, W_ex, W_ix, W_ei, W_ie, W_ii):
        self.W_ex, self.W_ix, self.W_ei, self.W_ie, self.W_ii = W_ex, W_ix, W_ei, W_ie, W_ii

    @property
    def n_e(self):
        return self.W_ex.shape[0]

    @property
    def n_i(self):
        return self.W_ix.shape[0]

    def copy(self):
        return Circuit(*(w.copy() for w in (self.W_ex, self.W_ix, self.W_ei, self.W_ie, self.W_ii)))


def make_circuit(W_ex, W_ix=None, W_ei=None, W_ie=None, W_ii=None):
    """Check shapes and Dale's law (every entry a magnitude >= 0) and return a ``Circuit``.

    W_ex (N_E, N_in); W_ix (N_I, N_in); W_ei (N_E, N_I); W_ie (N_I, N_E); W_ii (N_I, N_I).
    Missing I parts default to an empty I population (N_I = 0) or zeros.
    """
    W_ex = checks.array("W_ex", W_ex, ndim=2)
    ne, nin = W_ex.shape
    if W_ix is None:
        W_ix = np.zeros((0, nin))
    W_ix = checks.array("W_ix", W_ix, ndim=2)
    ni = W_ix.shape[0]
    if W_ix.shape[1] != nin:
        raise checks.ParameterError("W_ix", W_ix.shape, f"shape (N_I, {nin}), the same inputs as W_ex",
                                    f"W_ix has shape {W_ix.shape}: must be (N_I, {nin}) (same inputs as W_ex)")
    W_ei = np.zeros((ne, ni)) if W_ei is None else checks.array("W_ei", W_ei, ndim=2, shape=(ne, ni))
    W_ie = np.zeros((ni, ne)) if W_ie is None else checks.array("W_ie", W_ie, ndim=2, shape=(ni, ne))
    W_ii = np.zeros((ni, ni)) if W_ii is None else checks.array("W_ii", W_ii, ndim=2, shape=(ni, ni))
    for name, W in (("W_ex", W_ex), ("W_ix", W_ix), ("W_ei", W_ei), ("W_ie", W_ie), ("W_ii", W_ii)):
        if W.size and np.min(W) < 0:
            i, j = np.unravel_index(np.argmin(W), W.shape)
            raise checks.ParameterError(name, float(W[i, j]), "magnitudes >= 0 (Dale's law: the sign is the presynaptic type's)",
                                        f"Dale's law violated: {name}[{i}, {j}] = {W[i, j]:g} < 0; weights are "
                                        f"magnitudes (the sign is fixed by the presynaptic type) and must be >= 0")
    return Circuit(W_ex, W_ix, W_ei, W_ie, W_ii)


def _check_q(Q, nin):
    Q = checks.square_matrix("Q", Q, n=nin)
    if not np.allclose(Q, Q.T, rtol=1e-10, atol=1e-12):
        raise checks.ParameterError("Q", "not symmetric", "a symmetric correlation matrix",
                                    "Q must be symmetric (an input correlation matrix <x x^T>)")
    if np.min(np.linalg.eigvalsh(Q)) < -1e-10 * max(1.0, np.max(np.abs(Q))):
        raise checks.ParameterError("Q", "not positive semi-definite", "a positive semi-definite correlation matrix",
                                    "Q must be positive semi-definite (an input correlation matrix <x x^T>)")
    return Q


def response_matrix(c):
    """M with r = M [W_ex; W_ix] x: inverse of A = [[1, W_ei], [-W_ie, 1 + W_ii]]."""
    ne, ni = c.n_e, c.n_i
    A = np.eye(ne + ni)
    A[:ne, ne:] = c.W_ei
    A[ne:, :ne] = -c.W_ie
    A[ne:, ne:] += c.W_ii
    return np.linalg.inv(A)


def hebbian_drive(c, Q):
    """Averaged Hebbian drives (G_ex, G_ix, G_ei) = (<r_E x^T>, <r_I x^T>, <r_E r_I^T>)."""
    M = response_matrix(c)
    F = np.vstack([c.W_ex, c.W_ix])
    R = M @ F                       # r = R x
    RQ = R @ Q
    ne = c.n_e
    C = RQ @ R.T
    return RQ[:ne], RQ[ne:], C[:ne, ne:]


# ------------------------------------------------------------------------------------ kernels
@njit
def _renorm(W, total, l1):
    for i in range(W.shape[0]):
        s = 0.0
        for j in range(W.shape[1]):
            if W[i, j] < 0.0:
                W[i, j] = 0.0
            s += W[i, j] if l1 else W[i, j] * W[i, j]
        if not l1:
            s = np.sqrt(s)
        if s > 0.0:
            for j in range(W.shape[1]):
                W[i, j] *= total / s


@njit
def _responses(Wex, Wix, Wei, Wie, Wii, x):
    ne = Wex.shape[0]
    ni = Wix.shape[0]
    n = ne + ni
    A = np.eye(n)
    for i in range(ne):
        for j in range(ni):
            A[i, ne + j] = Wei[i, j]
    for i in range(ni):
        for j in range(ne):
            A[ne + i, j] = -Wie[i, j]
        for j in range(ni):
            A[ne + i, ne + j] += Wii[i, j]
    b = np.empty((n, x.shape[1]))
    b[:ne] = Wex @ x
    b[ne:] = Wix @ x
    return np.linalg.solve(A, b)


@njit
def _step(Wex, Wix, Wei, Wie, Wii, G_ex, G_ix, G_ei, eta, plastic, totals, l1):
    if plastic[0]:
        Wex += eta * G_ex
        _renorm(Wex, totals[0], l1[0])
    if plastic[1] and Wix.shape[0] > 0:
        Wix += eta * G_ix
        _renorm(Wix, totals[1], l1[1])
    if plastic[2] and Wei.size > 0:
        Wei += eta * G_ei
        _renorm(Wei, totals[2], l1[2])


@njit
def _averaged_kernel(Wex, Wix, Wei, Wie, Wii, Q, eta, n_steps, plastic, totals, l1, rec_every, trace):
    ne = Wex.shape[0]
    nin = Q.shape[0]
    j = 0
    for s in range(n_steps):
        if s % rec_every == 0 and j < trace.shape[0]:
            for a in range(ne):
                for b in range(nin):
                    trace[j, a, b] = Wex[a, b]
            j += 1
        R = _responses(Wex, Wix, Wei, Wie, Wii, np.eye(nin))   # r = R x
        RQ = R @ Q
        C = RQ @ R.T
        _step(Wex, Wix, Wei, Wie, Wii, RQ[:ne].copy(), RQ[ne:].copy(), C[:ne, ne:].copy(),
              eta, plastic, totals, l1)


@njit
def _stochastic_kernel(Wex, Wix, Wei, Wie, Wii, L, mu, eta, n_steps, plastic, totals, l1, seed,
                       avg_from, acc_ex, acc_ix, acc_ei):
    np.random.seed(seed)
    ne = Wex.shape[0]
    nin = L.shape[0]
    x = np.empty((nin, 1))
    n_acc = 0
    for s in range(n_steps):
        z = np.random.standard_normal(nin)
        for a in range(nin):
            acc = mu[a]
            for b in range(nin):
                acc += L[a, b] * z[b]
            x[a, 0] = acc
        r = _responses(Wex, Wix, Wei, Wie, Wii, x)[:, 0]
        rE = r[:ne]
        rI = r[ne:]
        _step(Wex, Wix, Wei, Wie, Wii, np.outer(rE, x[:, 0]), np.outer(rI, x[:, 0]), np.outer(rE, rI),
              eta, plastic, totals, l1)
        if s >= avg_from:
            acc_ex += Wex
            acc_ix += Wix
            acc_ei += Wei
            n_acc += 1
    return n_acc


def _prepare(c, plastic, totals, norm):
    pl = np.array([t in plastic for t in _TYPES], np.bool_)
    bad = set(plastic) - set(_TYPES)
    if bad:
        raise checks.ParameterError("plastic", sorted(bad), f"a subset of {_TYPES}",
                                    f"plastic = {sorted(bad)} is invalid: choose from {_TYPES}")
    if isinstance(norm, str):
        norm = {t: norm for t in _TYPES}
    l1 = np.zeros(3, np.bool_)
    for k, t in enumerate(_TYPES):
        v = norm.get(t, "l2")
        if v not in ("l1", "l2"):
            raise checks.ParameterError("norm", v, "'l1' or 'l2'",
                                        f"norm[{t!r}] = {v!r} is invalid: must be 'l1' or 'l2'")
        l1[k] = v == "l1"
    W = {"ex": c.W_ex, "ix": c.W_ix, "ei": c.W_ei}
    tot = np.zeros(3)
    for k, t in enumerate(_TYPES):
        if totals is not None and t in totals:
            tot[k] = checks.positive(f"totals[{t!r}]", totals[t])
        elif W[t].size:
            row = W[t][0]
            tot[k] = np.sum(row) if l1[k] else np.sqrt(row @ row)
    return pl, tot, l1


def averaged(c, Q, eta=0.01, n_steps=1000, plastic=("ex",), totals=None, norm="l2", record_every=1):
    """Iterate the averaged learning map; return (final Circuit, trace of W_ex (T, N_E, N_in)).

    Parameters: ``c`` (``make_circuit``), ``Q`` input correlation (N_in x N_in, Hz^2), ``eta``
    learning rate (1/Hz^2 per step), ``plastic`` subset of ("ex", "ix", "ei"), ``totals`` per type
    (default: the norm of the first row now), ``norm`` "l1"|"l2" or a dict per type.
    """
    c = c.copy()
    Q = _check_q(Q, c.W_ex.shape[1])
    eta = checks.positive("eta", eta)
    n_steps = checks.integer("n_steps", n_steps, minimum=1)
    rec = checks.integer("record_every", record_every, minimum=1)
    pl, tot, l1 = _prepare(c, plastic, totals, norm)
    trace = np.zeros((n_steps // rec + 1, c.n_e, Q.shape[0]))
    _averaged_kernel(c.W_ex, c.W_ix, c.W_ei, c.W_ie, c.W_ii, Q, eta, n_steps, pl, tot, l1, rec, trace)
    trace[-1] = c.W_ex
    return c, trace


def stochastic(c, mean, cov, eta=1e-3, n_steps=20000, plastic=("ex",), totals=None, norm="l2", seed=0,
               average_last=0.25):
    """Online learning with one Gaussian input sample x ~ N(mean, cov) per step (numba).

    Returns (final Circuit, time-averaged Circuit over the last ``average_last`` of the steps).
    The averaged dynamics see Q = mean mean^T + cov.
    """
    c = c.copy()
    nin = c.W_ex.shape[1]
    mean = checks.array("mean", mean, ndim=1, shape=(nin,))
    cov = _check_q(cov, nin)
    eta = checks.positive("eta", eta)
    n_steps = checks.integer("n_steps", n_steps, minimum=1)
    frac = checks.in_range("average_last", average_last, 0.0, 1.0, low_inclusive=False)
    pl, tot, l1 = _prepare(c, plastic, totals, norm)
    w, V = np.linalg.eigh(cov)
    L = np.ascontiguousarray(V * np.sqrt(np.maximum(w, 0.0)))
    seed_int = int(checks.rng(seed).integers(0, 2**31 - 1))
    acc = [np.zeros_like(c.W_ex), np.zeros_like(c.W_ix), np.zeros_like(c.W_ei)]
    avg_from = int(n_steps * (1 - frac))
    n_acc = _stochastic_kernel(c.W_ex, c.W_ix, c.W_ei, c.W_ie, c.W_ii, L, mean, eta, n_steps, pl, tot, l1,
                               seed_int, avg_from, *acc)
    avg = Circuit(*(a / max(n_acc, 1) for a in acc), c.W_ie.copy(), c.W_ii.copy())
    return c, avg


# ------------------------------------------------------------------------------- closed forms
def principal_eigenvector(Q):
    """Principal eigenvector of Q (unit norm, sign with positive sum) and the eigenvalues (descending)."""
    w, V = np.linalg.eigh(np.asarray(Q, float))
    v = V[:, -1]
    return (v if v.sum() >= 0 else -v), w[::-1]


def cotuning_weights(w, V, Q, total, norm="l1"):
    r"""Fixed point of plastic I->E weights a of one E neuron with fixed fields w (E) and V (I rows):

    a* = (V Q V^T + lambda)^{-1} V Q w, lambda chosen so that |a*| = total (L1 sum or L2 norm),
    on the branch lambda > -lambda_min(V Q V^T) (where the fixed point is stable).
    """
    import scipy.optimize as so
    w = checks.array("w", w, ndim=1)
    V = checks.array("V", V, ndim=2, shape=(None, w.size))
    Q = _check_q(Q, w.size)
    total = checks.positive("total", total)
    C = V @ Q @ V.T
    b = V @ Q @ w
    lo = -np.min(np.linalg.eigvalsh(C))

    def size(lam):
        a = np.linalg.solve(C + lam * np.eye(len(b)), b)
        return (a.sum() if norm == "l1" else np.linalg.norm(a)) - total
    x0 = lo + 1e-9 * (1 + abs(lo))
    x1 = abs(lo) + 1.0
    while size(x1) > 0:
        x1 *= 2
    if size(x0) < 0:
        raise checks.ParameterError("total", total, "a norm the inhibitory weights can reach",
                                    f"total = {total:g} is invalid: larger than the inhibitory weights can reach here")
    lam = so.brentq(size, x0, x1, xtol=1e-14, rtol=1e-14)
    return np.linalg.solve(C + lam * np.eye(len(b)), b), lam


def decorrelation_threshold(Q):
    """beta* = lambda_1 / lambda_2 - 1 of the input correlation Q (global inhibition)."""
    _, lam = principal_eigenvector(Q)
    return lam[0] / lam[1] - 1.0


def antisymmetric_growth_per_step(Q, beta, eta):
    """Per-step growth factor of the antisymmetric field perturbation around the correlated state
    for the discrete normalized map: (1 + eta lambda_2) / (1 + eta lambda_1 / (1 + beta))."""
    _, lam = principal_eigenvector(Q)
    return (1 + eta * lam[1]) / (1 + eta * lam[0] / (1 + beta))


def field_growth_matrix(Q, K):
    r"""Largest growth rate (per unit eta) of perturbations of the correlated state (all E fields e1)
    for general lateral inhibition K (N_E x N_E): max over m >= 2 of the eigenvalues of
    lambda_m M_E - lambda_1 diag(M_E 1), M_E = (1 + K)^{-1}."""
    K = checks.square_matrix("K", K)
    _, lam = principal_eigenvector(Q)
    ME = np.linalg.inv(np.eye(len(K)) + K)
    D = np.diag(ME.sum(1))
    return max(np.max(np.linalg.eigvals(lm * ME - lam[0] * D).real) for lm in lam[1:])


def normalized_responses(s, beta):
    """Linear E responses under global inhibition beta: r = s - beta/(1+beta) mean(s)."""
    s = np.asarray(s, float)
    return s - beta / (1 + beta) * s.mean()


def rectified_responses(s, beta, n_iter=2000):
    """Rectified E responses r = [s - (beta / N_E) sum(r)]_+ (solved exactly over active sets)."""
    s = checks.array("s", s, ndim=1)
    beta = checks.nonnegative("beta", beta)
    N = s.size
    order = np.argsort(-s)
    for m in range(1, N + 1):
        A = order[:m]
        R = s[A].sum() / (1 + m * beta / N)
        r = np.maximum(s - beta / N * R, 0.0)
        if np.all(r[A] > 0) and np.all(s[order[m:]] - beta / N * R <= 0):
            return r
    return np.maximum(s, 0.0) * 0.0


def block_correlation(n_per_group=4, a=0.25, b=1.0, s=0.2):
    """Two input groups: mean part a 1 1^T, within-group covariance b, private variance s.

    Returns (mean, cov, Q) with mean = sqrt(a) 1, cov = b blockdiag(1 1^T, 1 1^T) + s 1, Q = mean
    mean^T + cov; eigenvalues lambda_1 = 2 n a + n b + s (uniform), lambda_2 = n b + s (group A
    minus group B), the rest s.
    """
    n = checks.integer("n_per_group", n_per_group, minimum=1)
    N = 2 * n
    mean = np.full(N, np.sqrt(checks.nonnegative("a", a)))
    cov = checks.nonnegative("s", s) * np.eye(N)
    cov[:n, :n] += checks.nonnegative("b", b)
    cov[n:, n:] += b
    return mean, cov, np.outer(mean, mean) + cov


# =============================================================================================
# The paper's fully plastic E-I network (Eckmann, Young, Gjorgjieva 2024, SM Secs. 2-5): closed
# forms evaluated numerically.  Simulations: ``recnet.numerics.hebbian_network``.
# =============================================================================================
def _norm_args(w_ee, w_ei, w_ie, w_ii):
    return tuple(checks.nonnegative(n, v) for n, v in
                 (("w_ee", w_ee), ("w_ei", w_ei), ("w_ie", w_ie), ("w_ii", w_ii)))


def eigencircuit_amplitudes(n_e, w_ee, w_ei, w_ie, w_ii, sigma=1.0):
    """Rate standard deviations (sigma_E, sigma_I) and Phi of an eigencircuit of n_e E neurons (any
    number of I neurons) tuned to one input mode of standard deviation sigma (SM Eqs. 145-146, L1
    norms w_ee (joint feedforward + recurrent E), w_ei, w_ie (joint), w_ii).  Requires 0 < Phi < 1."""
    n_e = checks.integer("n_e", n_e, minimum=1)
    w_ee, w_ei, w_ie, w_ii = _norm_args(w_ee, w_ei, w_ie, w_ii)
    sigma = checks.positive("sigma", sigma)
    g = w_ie / (1.0 + w_ii)
    phi = w_ee - w_ei * g
    if not 0.0 < phi < 1.0:
        raise checks.ParameterError("w_ei", w_ei, "0 < Phi = w_ee - w_ei w_ie/(1 + w_ii) < 1 (SM Eq. 146)",
                                    f"Phi = w_ee - w_ei w_ie/(1 + w_ii) = {phi:.4g} is invalid: the eigencircuit "
                                    f"amplitudes (SM Eq. 146) need 0 < Phi < 1")
    s_e = sigma * (-1.0 + np.sqrt(1.0 + 4.0 * phi * (1.0 - phi) * n_e)) / (2.0 * (1.0 - phi) * n_e)
    return s_e, g * s_e / phi, phi


def effective_attraction(lam, n_e, n_i, sigma_e, sigma_i):
    """SM Eq. 147: lambda-bar = lambda + n_E sigma_E^2 - n_I sigma_I^2 (lambda = sigma^2, Hz^2)."""
    return lam + n_e * sigma_e ** 2 - n_i * sigma_i ** 2


def collapsed_state(n_e, n_i, n_f, w_ee, w_ei, w_ie, w_ii, channel=0):
    """Weights of the fully collapsed fixed point: all neurons in one eigencircuit on input channel
    ``channel`` (independent input channels).  Each row is its Hebbian drive, L1-normalized (SM Eq.
    132: weights in proportion to the presynaptic rate amplitudes 1 (the input), a_E, a_I of SM Eq. 146).
    Returns (weights dict for ``hebbian_network``, a_E, a_I) with a the rate amplitude per unit input."""
    n_i = checks.integer("n_i", n_i, minimum=1)
    n_f = checks.integer("n_f", n_f, minimum=2)
    ch = checks.integer("channel", channel, minimum=0, maximum=n_f - 1)
    a_e, a_i, _ = eigencircuit_amplitudes(n_e, w_ee, w_ei, w_ie, w_ii)
    s = 1.0 + n_e * a_e
    W = {"EF": np.zeros((n_e, n_f)), "IF": np.zeros((n_i, n_f))}
    W["EF"][:, ch] = w_ee / s
    W["EE"] = np.full((n_e, n_e), w_ee * a_e / s)
    W["EI"] = np.full((n_e, n_i), w_ei / n_i)
    W["IF"][:, ch] = w_ie / s
    W["IE"] = np.full((n_i, n_e), w_ie * a_e / s)
    W["II"] = np.full((n_i, n_i), w_ii / n_i)
    return W, a_e, a_i


def collapsed_weights(n_e, n_i, w_ee, w_ei, w_ie, w_ii):
    """One synapse of each kind at the fully collapsed fixed point (the entries of
    ``collapsed_state`` on its channel, without building the matrices; any N_E, N_I).

    Returns dict ``ff_e_on_mode, ee, ei, ff_i_on_mode, ie, ii``: W_EF = W_EE / s, W_EE = W_EE a_E / s,
    W_EI = W_EI / N_I, W_IF = W_IE / s, W_IE = W_IE a_E / s, W_II = W_II / N_I, s = 1 + N_E a_E
    (SM Eq. 132 with the amplitudes of SM Eq. 146)."""
    n_i = checks.integer("n_i", n_i, minimum=1)
    a_e, _, _ = eigencircuit_amplitudes(n_e, w_ee, w_ei, w_ie, w_ii)
    s = 1.0 + n_e * a_e
    return {"ff_e_on_mode": w_ee / s, "ee": w_ee * a_e / s, "ei": w_ei / n_i,
            "ff_i_on_mode": w_ie / s, "ie": w_ie * a_e / s, "ii": w_ii / n_i}


def collapse_growth_rates(n_e, n_i, w_ee, w_ei, w_ie, w_ii, lam1, lam2):
    """Growth rates (per unit learning rate, Hz^2) of perturbations of the collapsed state on a
    channel of variance lam1 toward an empty channel of variance lam2 (linear network, L1 norms).

    Returns dict: ``mu_e`` = lam2 - lam1 a_E (1 + N_E a_E)/W_EE (sum-zero E perturbations, exact,
    derived in ``recnet.theory.hebbian_ei.collapse_growth_rate``), ``mu_i`` (same for I),
    ``paper`` = lam2 - lambda-bar* with lambda-bar* = lam1 (1 + N_E a_E^2 - N_I a_I^2) (SM Eqs. 147,
    198 with beta = 0), ``a_e``, ``a_i``, ``phi``.
    """
    lam1 = checks.positive("lam1", lam1, "Hz^2")
    lam2 = checks.positive("lam2", lam2, "Hz^2")
    n_i = checks.integer("n_i", n_i, minimum=1)
    checks.positive("w_ie", w_ie)  # the I pool's normalization divides by W_IE
    a_e, a_i, phi = eigencircuit_amplitudes(n_e, w_ee, w_ei, w_ie, w_ii)
    return {"mu_e": lam2 - lam1 * a_e * (1 + n_e * a_e) / w_ee,
            "mu_i": lam2 - lam1 * a_i * (1 + n_e * a_e) / w_ie,
            "paper": lam2 - lam1 * (1 + n_e * a_e ** 2 - n_i * a_i ** 2),
            "a_e": a_e, "a_i": a_i, "phi": phi}


def collapse_jacobian(W, lam1, lam2, channel=0):
    """Linearized averaged dynamics of the feedforward weights onto an empty channel of variance lam2
    around a collapsed state W on ``channel`` (variance lam1): d f/dt = (lam2 M - diag(Gamma)) f with
    M = (1 - W_rec)^{-1} and Gamma the E-pool normalization factors of every neuron (derived here;
    first order in f, all other weights unchanged at first order).  Returns the (N_E+N_I) matrix."""
    from recnet.numerics import hebbian_network as hn
    M = hn.response_matrix(W)
    ne = W["EF"].shape[0]
    R = M @ np.vstack([W["EF"], W["IF"]])
    q = np.zeros(R.shape[1])
    q[channel] = lam1
    RQ = R * q
    C = RQ @ R.T
    gam_e = (RQ[:ne].sum(1) + C[:ne, :ne].sum(1)) / (W["EF"][:ne].sum(1) + W["EE"].sum(1))
    gam_i = (RQ[ne:].sum(1) + C[ne:, :ne].sum(1)) / (W["IF"].sum(1) + W["IE"].sum(1))
    return lam2 * M - np.diag(np.r_[gam_e, gam_i])


def decorrelation_thresholds(n_e, n_i, w_ee, w_ie, w_ii, lam1=1.0, lam2=1.0):
    """Inhibition thresholds on the I->E norm W_EI for the collapsed state to lose stability.

    ``exact``: closed form of ``recnet.theory.hebbian_ei.exact_decorrelation_threshold`` (mu_E = 0);
    ``paper``: root of lam2 = lambda-bar*(W_EI) (SM Eqs. 147, 211; for lam1 = lam2 the closed form
    W_EE (1 + W_II)/W_IE - sqrt(N_I/N_E)).  Decorrelation above the threshold.
    """
    import scipy.optimize as so
    n_e = checks.integer("n_e", n_e, minimum=1)
    n_i = checks.integer("n_i", n_i, minimum=1)
    w_ee, _, w_ie, w_ii = _norm_args(w_ee, 0.0, w_ie, w_ii)
    # W_IE = 0 leaves the I neurons without input: no eigencircuit with inhibition, no threshold
    checks.positive("w_ie", w_ie)
    checks.positive("w_ee", w_ee)
    rho = checks.positive("lam2", lam2, "Hz^2") / checks.positive("lam1", lam1, "Hz^2")
    a_c = (-1 + np.sqrt(1 + 4 * n_e * rho * w_ee)) / (2 * n_e)
    phi_c = rho * w_ee / (1 + n_e * a_c ** 2)
    exact = (w_ee - phi_c) * (1 + w_ii) / w_ie
    g = w_ie / (1 + w_ii)
    lo, hi = max(0.0, (w_ee - 1) / g) + 1e-12, w_ee / g - 1e-12      # 0 < Phi < 1

    def f(w_ei):
        return collapse_growth_rates(n_e, n_i, w_ee, w_ei, w_ie, w_ii, lam1, lam2)["paper"]
    try:
        paper = so.brentq(f, lo, hi, xtol=1e-13)
    except ValueError:
        paper = float("nan")
    return {"exact": float(exact), "paper": float(paper), "phi_c": float(phi_c), "a_c": float(a_c)}


def independent_channels(lams):
    """Second-moment matrix diag(lams) of independent zero-mean input channels (Hz^2)."""
    lams = checks.array("lams", lams, ndim=1)
    if np.any(lams <= 0):
        raise checks.ParameterError("lams", lams.tolist(), "> 0 (channel variances, Hz^2)",
                                    "lams must be > 0 (channel variances, Hz^2)")
    return np.diag(lams)


def feedforward_mode_attractions(lam, a, w_e, w_i, mode=0):
    """Rescaled attractions lambda'_j = (k_E - k_I a_j^2) lambda_j of every input mode seen from the
    co-tuned fixed point on ``mode`` (SM Eqs. 104-110): one neuron, E inputs = independent channels of
    variance lam_j (Hz^2), one inhibitory input neuron per channel with rate a_j x_j, plastic E and I
    weights with L1 norms w_e, w_i; the fixed point has w_E = w_e e_mode, w_I = w_i e_mode
    (co-tuned), so k_E = w_e and k_I = w_i / a_mode.  The fixed point is stable iff lambda'_mode is
    the largest and positive (SM Eq. 96; Eq. 97 holds for equal E and I learning rates)."""
    lam = checks.array("lam", lam, ndim=1)
    a = checks.array("a", a, ndim=1, shape=lam.shape)
    if np.any(lam <= 0) or np.any(a <= 0):
        raise checks.ParameterError("lam" if np.any(lam <= 0) else "a", (lam if np.any(lam <= 0) else a).tolist(), "> 0",
                                    "lam (variances, Hz^2) and a (inhibitory tuning amplitudes) must be > 0")
    w_e = checks.positive("w_e", w_e)
    w_i = checks.nonnegative("w_i", w_i)
    m = checks.integer("mode", mode, minimum=0, maximum=len(lam) - 1)
    return (w_e - w_i / a[m] * a ** 2) * lam


def feedforward_switch_threshold(lam, a, w_e, mode=0, other=1):
    """Inhibitory norm w_I* above which the co-tuned fixed point on ``mode`` loses stability against
    ``other`` (lambda'_mode = lambda'_other; derived here from SM Eqs. 96, 110):
    w_I* = w_E (lam_m - lam_o) / (a_m lam_m - a_o^2 lam_o / a_m)."""
    lam = checks.array("lam", lam, ndim=1)
    a = checks.array("a", a, ndim=1, shape=lam.shape)
    w_e = checks.positive("w_e", w_e)
    m, o = mode, other
    den = a[m] * lam[m] - a[o] ** 2 * lam[o] / a[m]
    if den <= 0:
        raise ValueError("no finite threshold: inhibition repels the other mode at least as much")
    return float(w_e * (lam[m] - lam[o]) / den)
