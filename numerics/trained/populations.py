r"""Connectivity loadings, their Gaussian-mixture populations and the resampling test.

A rank-R network :math:`W = \frac1N\sum_r m^{(r)} n^{(r)\top}` with input vectors :math:`I^{(k)}`
and readout :math:`w` gives every unit i a point in loading space,

.. math::

    \ell_i = \big(m^{(1)}_i,\dots,m^{(R)}_i,\; n^{(1)}_i,\dots,n^{(R)}_i,\; I^{(1)}_i,\dots,I^{(K)}_i,\; w_i\big)
    \in \mathbb R^{2R+K+1}.

In the large-N limit the network's dynamics depend on the loadings only through their distribution
(Beiran et al. 2021; Dubreuil et al. 2022): for a mixture of P Gaussian populations,
:math:`\ell_i \sim \sum_p \alpha_p\,\mathcal N(\mu_p, \Sigma_p)`, the latent variables
:math:`\kappa_r = \langle n^{(r)}\phi(x)\rangle` obey

.. math::

    \dot\kappa_r = -\kappa_r + \sum_p \alpha_p \Big(\sum_s \sigma^{(p)}_{n_r m_s}\kappa_s
        + \sum_k \sigma^{(p)}_{n_r I_k} u_k\Big)\langle\Phi'\rangle_p + \dots,

with a gain :math:`\langle\Phi'\rangle_p` per population.  With one population the inputs can only
change one common gain, so a context cue cannot select which stimulus is integrated; with several
populations it can (Dubreuil et al. 2022, Fig. 4).  The *resampling test* checks this on a trained
network: fit the mixture, draw a new network's loadings from it and compare its task performance with
the original's; a single Gaussian (P = 1, same mean and covariance) is the control.

References
----------
Dubreuil, Valente, Beiran, Mastrogiuseppe, Ostojic 2022, The role of population structure in
computations through neural dynamics, Nat Neurosci 25:783 (Figs. 4 and 5, Methods "Resampling").
Beiran, Dubreuil, Valente, Mastrogiuseppe, Ostojic 2021, Shaping dynamics with multiple populations in
low-rank recurrent networks, Neural Comput 33:1572.
Schwarz 1978, Estimating the dimension of a model, Ann Stat 6:461 (BIC).
"""
from __future__ import annotations

import numpy as np

from recnet import checks
from recnet.checks import ParameterError

__all__ = ["loadings", "params_from_loadings", "fit_populations", "sample_loadings", "resampling_test",
           "population_labels"]


def _lowrank(params):
    try:
        m, n, B, w = (np.asarray(params[k], float) for k in ("m", "n", "B", "w"))
    except KeyError as exc:
        raise ParameterError("params", sorted(params), f"must hold m, n, B and w (missing {exc.args[0]})") from None
    if m.ndim == 1:
        m = m[:, None]
    if n.ndim == 1:
        n = n[:, None]
    if B.ndim == 1:
        B = B[:, None]
    N = m.shape[0]
    if m.ndim != 2 or n.shape != m.shape or B.ndim != 2 or B.shape[0] != N or w.shape != (N,):
        raise ParameterError("params", {k: np.shape(params[k]) for k in ("m", "n", "B", "w")},
                             "m and n must be N x R, B N x K and w of length N")
    for k, a in (("m", m), ("n", n), ("B", B), ("w", w)):
        if not np.all(np.isfinite(a)):
            raise ParameterError("params", k, f"{k} must be finite")
    return m, n, B, w


def loadings(params, input_names=None):
    """The N x (2R + K + 1) loading matrix of a low-rank network and the names of its columns.

    Parameters
    ----------
    params : dict
        ``m`` (N x R), ``n`` (N x R), ``B`` (N x K, the input vectors as columns) and ``w`` (N, the
        readout vector); the network is W = m n^T / N, readout w . phi(x) / N.
    input_names : list of str or None
        names of the K input columns (default ``I1``..``IK``).

    Returns
    -------
    L : ndarray (N, 2R + K + 1)
        row i is unit i's loadings (m_i, n_i, I_i, w_i).
    names : list of str
    """
    m, n, B, w = _lowrank(params)
    R, K = m.shape[1], B.shape[1]
    if input_names is None:
        input_names = [f"I{k + 1}" for k in range(K)]
    if len(input_names) != K:
        raise ParameterError("input_names", input_names, f"must name the K = {K} input columns")
    names = ([f"m{r + 1}" for r in range(R)] + [f"n{r + 1}" for r in range(R)] + list(input_names) + ["w"])
    return np.column_stack([m, n, B, w]), names


def params_from_loadings(L, rank, n_inputs):
    """Inverse of :func:`loadings`: ``m``, ``n``, ``B``, ``w`` from the columns of L."""
    L = np.asarray(L, float)
    R, K = int(rank), int(n_inputs)
    if L.ndim != 2 or L.shape[1] != 2 * R + K + 1:
        raise ParameterError("L", np.shape(L), f"must be N x (2R + K + 1) = N x {2 * R + K + 1}")
    return {"m": L[:, :R].copy(), "n": L[:, R:2 * R].copy(), "B": L[:, 2 * R:2 * R + K].copy(),
            "w": L[:, -1].copy()}


def fit_populations(L, n_populations=None, max_populations=6, seed=0, n_init=5, covariance_type="full"):
    r"""Gaussian-mixture fit of the loadings (scikit-learn ``GaussianMixture``, EM).

    Parameters
    ----------
    L : ndarray (N, D)
        loadings, one row per unit (:func:`loadings`).
    n_populations : int or None
        number of populations P; ``None`` chooses P in 1..``max_populations`` by the lowest Bayesian
        information criterion :math:`\mathrm{BIC} = -2\log\hat L + k\log N` (Schwarz 1978; k the
        number of free parameters).
    max_populations : int
        largest P tried when choosing by BIC.
    seed : int
        seed of the EM initialisations (``random_state``).
    n_init : int
        EM restarts per P (the best likelihood is kept).
    covariance_type : str
        ``full`` (default, as Dubreuil et al.), ``diag``, ``tied`` or ``spherical``.

    Returns
    -------
    dict with ``n_populations``, ``weights`` (P), ``means`` (P x D), ``covariances`` (P x D x D, always
    full matrices), ``labels`` (N, the most likely population of each unit), ``bic`` (dict P -> BIC of
    every P tried), ``chosen_by`` ("bic" or "given") and ``model`` (the fitted scikit-learn object).
    """
    try:
        from sklearn.mixture import GaussianMixture
    except ImportError:  # pragma: no cover - depends on the environment
        raise ImportError("population fits need scikit-learn: pip install 'recnet[populations]'") from None
    L = checks.array("L", L, ndim=2)
    N, D = L.shape
    seed = checks.integer("seed", seed, minimum=0)
    n_init = checks.integer("n_init", n_init, minimum=1)
    if covariance_type not in ("full", "diag", "tied", "spherical"):
        raise ParameterError("covariance_type", covariance_type, "one of full, diag, tied, spherical")
    if n_populations is None:
        max_populations = checks.integer("max_populations", max_populations, minimum=1, maximum=max(1, N // 2))
        cands = range(1, max_populations + 1)
    else:
        n_populations = checks.integer("n_populations", n_populations, minimum=1, maximum=max(1, N // 2))
        cands = [n_populations]
    if N < 2 * D:
        raise ParameterError("L", L.shape, f"needs at least 2 D = {2 * D} units to fit D = {D} loadings")
    fits, bic = {}, {}
    for P in cands:
        g = GaussianMixture(P, covariance_type=covariance_type, n_init=n_init, random_state=seed).fit(L)
        fits[P], bic[P] = g, float(g.bic(L))
    P = min(bic, key=bic.get)
    g = fits[P]
    cov = g.covariances_
    if covariance_type == "tied":
        cov = np.broadcast_to(cov, (P, D, D)).copy()
    elif covariance_type == "diag":
        cov = np.stack([np.diag(c) for c in cov])
    elif covariance_type == "spherical":
        cov = np.stack([c * np.eye(D) for c in cov])
    return {"n_populations": int(P), "weights": g.weights_.copy(), "means": g.means_.copy(),
            "covariances": np.asarray(cov, float), "labels": g.predict(L), "bic": bic,
            "chosen_by": "bic" if n_populations is None else "given", "model": g}


def population_labels(fit, L):
    """Most likely population of each row of L under a fit of :func:`fit_populations`."""
    return fit["model"].predict(np.asarray(L, float))


def sample_loadings(weights, means, covariances, n_units, seed=None):
    r"""Draw ``n_units`` loading vectors from the mixture :math:`\sum_p \alpha_p\mathcal N(\mu_p,\Sigma_p)`:
    each unit's population independently with probabilities ``weights``, then its loadings from that
    population's Gaussian (Dubreuil et al. 2022, Methods).  Returns (L, labels)."""
    w = np.asarray(weights, float)
    mu = np.asarray(means, float)
    S = np.asarray(covariances, float)
    if w.ndim != 1 or mu.shape[0] != w.size or S.shape != (w.size, mu.shape[1], mu.shape[1]):
        raise ParameterError("covariances", S.shape, "weights (P), means (P x D), covariances (P x D x D)")
    if np.any(w < 0) or not np.isclose(w.sum(), 1.0):
        raise ParameterError("weights", w.tolist(), "must be non-negative and sum to 1")
    n_units = checks.integer("n_units", n_units, minimum=1)
    rng = checks.rng(seed)
    lab = rng.choice(w.size, size=n_units, p=w / w.sum())
    L = np.empty((n_units, mu.shape[1]))
    for p in range(w.size):
        idx = np.flatnonzero(lab == p)
        if idx.size:
            # eigen-decomposition square root: exact for positive semi-definite covariances
            ev, V = np.linalg.eigh(S[p])
            A = V * np.sqrt(np.clip(ev, 0.0, None))
            L[idx] = mu[p] + rng.standard_normal((idx.size, mu.shape[1])) @ A.T
    return L, lab


def resampling_test(params, performance, n_populations=None, max_populations=6, n_resamples=10, n_units=None,
                    seed=0, n_init=5):
    r"""The resampling test of Dubreuil et al. 2022: performance of networks whose loadings are drawn from
    the fitted mixture and from a single Gaussian, against the original network's.

    Parameters
    ----------
    params : dict
        the trained low-rank network (``m``, ``n``, ``B``, ``w``; see :func:`loadings`).
    performance : callable(params) -> float
        the task performance of a network (e.g. accuracy on a fixed test batch); called on the
        original and on every resampled network with the same test trials.
    n_populations : int or None
        populations of the fitted mixture (``None``: chosen by BIC up to ``max_populations``).
    n_resamples : int
        networks drawn from each distribution.
    n_units : int or None
        units of each resampled network (default: the original N).
    seed : int
        seeds the mixture fit and the draws (draw j of the mixture uses seed sequence (seed, 1, j), of
        the single Gaussian (seed, 2, j)).

    Returns
    -------
    dict with ``original``; ``fitted`` and ``one_population``, each with ``performance`` (the list),
    ``mean``, ``sem`` (standard error of the mean over draws, s.d./sqrt(n)) and the mixture
    (``n_populations``, ``weights``, ``means``, ``covariances``, ``bic``); ``n_resamples``, ``n_units``.
    """
    L, names = loadings(params)
    m = np.asarray(params["m"])
    R = 1 if m.ndim == 1 else m.shape[1]
    K = L.shape[1] - 2 * R - 1
    n_resamples = checks.integer("n_resamples", n_resamples, minimum=2)
    n_units = L.shape[0] if n_units is None else checks.integer("n_units", n_units, minimum=2)
    seed = checks.integer("seed", seed, minimum=0)
    orig = float(performance(params))
    out = {"original": orig, "n_resamples": n_resamples, "n_units": n_units, "loading_names": names}
    fits = {"fitted": fit_populations(L, n_populations, max_populations, seed=seed, n_init=n_init),
            "one_population": fit_populations(L, 1, seed=seed, n_init=1)}
    for j, (key, fit) in enumerate(fits.items()):
        perf = []
        for i in range(n_resamples):
            Ls, _ = sample_loadings(fit["weights"], fit["means"], fit["covariances"], n_units,
                                    seed=np.random.default_rng([seed, j + 1, i]))
            perf.append(float(performance(params_from_loadings(Ls, R, K))))
        perf = np.array(perf)
        out[key] = {"performance": perf.tolist(), "mean": float(perf.mean()),
                    "sem": float(perf.std(ddof=1) / np.sqrt(perf.size)),
                    "n_populations": fit["n_populations"], "chosen_by": fit["chosen_by"],
                    "weights": fit["weights"], "means": fit["means"], "covariances": fit["covariances"],
                    "bic": fit["bic"]}
    return out
