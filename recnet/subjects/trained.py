"""Subject ``trained-rnn``: fixed points, slow points and their linearisation of a rate network a
user brings (a trained RNN, or any explicit W), issue 17 (topic 2: the dynamics of a given network).

The network, in units of its time constant tau,

    dx/dt = -x + W phi(x) + B u + b ,

comes from ``--weights FILE.npz`` (arrays ``W``, optional ``B`` and ``b``; default: the shipped
3-bit flip-flop network ``flipflop3-tanh64.npz`` trained by ``scripts/train_flipflop3.py``) with
``--phi``, or from ``--model`` (a ``rate-network`` model with an explicit W; its ``i0`` is b, it
has no B).  ``--input`` is the constant input condition u.

Keys: ``fixed_points`` and ``slow_points`` (lists; each with ``x``, ``q``, ``norm_f`` (|F(x)|),
``eigenvalues`` as [re, im] pairs in 1/tau sorted by decreasing real part, ``stability`` one of
stable / saddle / unstable / marginal, ``n_unstable``, ``n_zero``, ``count``), ``counts``,
``state`` (in words), ``tolerances``, ``runs``, ``lowrank`` (singular values and effective rank of
W).  Numerics: ``recnet.numerics.trained.fixed_points``; reference: Sussillo & Barak 2013, Neural
Comput 25:626.

A low-rank weights file (arrays ``m``, ``n`` (N x R), ``B``, ``w``; W = m n^T / N, e.g. the shipped
rank-1 context-dependent network ``cdm-rank1-n512.npz`` from ``scripts/train_cdm_lowrank.py``) also
takes ``--populations K`` (0: chosen by BIC), adding a ``populations`` block (the Gaussian mixture of
the per-unit loadings: ``weights``, ``means``, ``covariances``, ``bic``, ``units_per_population``), and
``--resample N`` (a ``resampling`` block: task accuracy of the original network and mean, standard
error and list over N networks drawn from the fitted mixture and from one Gaussian).  Numerics:
``recnet.numerics.trained.populations``; Dubreuil et al. 2022, Nat Neurosci 25:783.
"""
from __future__ import annotations

from pathlib import Path

from recnet.checks import ParameterError
from recnet.registry import Option, Subject

_DATA = Path(__file__).resolve().parents[1] / "models" / "data"
DEFAULT_WEIGHTS = "flipflop3-tanh64.npz"
#: largest N analysed (one dense N x N solve per minimiser step and start)
N_MAX = 1000

OPTIONS = (
    Option("model", None, "a rate-network model with an explicit W (.toml/.yaml file or shipped name, e.g. "
           "hopfield3-hadamard64, ring100-tanh); its i0 is the constant input b", type=str,
           example="hopfield3-hadamard64"),
    Option("weights", None, "an .npz file with arrays W (N x N), optional B (N x K) and b (N) (default: the "
           f"shipped 3-bit flip-flop network {DEFAULT_WEIGHTS})", type=str,
           example=str(_DATA / "ring100-tanh.npz")),
    Option("phi", None, "transfer function: tanh, erf, relu, linear or an expression in x (default: the "
           "model's; tanh with --weights)", type=str, example="erf"),
    Option("input", None, "constant input condition u: K comma-separated numbers, K = columns of B "
           "(default: zeros)", type=str, example="0.5,0,0"),
    Option("n_init", 256, "number of initial states of the q minimisation, sampled along trajectories",
           type=int, example=64),
    Option("marginal_tol", 1e-6, "eigenvalues with |Re| <= this are marginal (n_zero counts |lambda| <= this)",
           example=1e-3),
    Option("dedup_tol", 1e-4, "two points are one when |x - y| <= dedup_tol max(1, |x|)", example=1e-3),
    Option("slow_q_max", 1e-3, "slow points with q = |F|^2/2 above this are dropped", example=1e-2),
    Option("eigenvectors", False, "also output the eigenvectors (columns, as [re, im] pairs)", type=bool),
)

PREDICT_OPTIONS = (
    Option("seed", 0, "seed of the initial states, the mixture fit and the resampled networks (validate takes "
           "its own --seed)", type=int, example=3),
    Option("populations", None, "fit a Gaussian mixture to the connectivity loadings (m, n, B columns, w) of a "
           "low-rank weights file (arrays m, n, B, w): this many populations, or 0 to choose by BIC (1..6); "
           "needs scikit-learn (recnet[populations])", type=int, example=0),
    Option("resample", 0, "with --populations: draw this many networks from the fitted mixture and as many from "
           "one Gaussian and report their task performance against the original's (weights files that name "
           "their task, e.g. cdm-rank1-n512.npz)", type=int, example=4),
)

VALIDATE_OPTIONS = (
    Option("eps", 1e-6, "size of the perturbation from each point", example=1e-5),
)

REFS = (
    "Sussillo & Barak 2013, Opening the black box: low-dimensional dynamics in high-dimensional recurrent "
    "neural networks, Neural Comput 25:626",
    "Hopfield 1984, PNAS 81:3088",
    "Ben-Yishai, Bar-Or, Sompolinsky 1995, PNAS 92:3844",
    "Dubreuil, Valente, Beiran, Mastrogiuseppe, Ostojic 2022, The role of population structure in computations "
    "through neural dynamics, Nat Neurosci 25:783",
    "Beiran, Dubreuil, Valente, Mastrogiuseppe, Ostojic 2021, Shaping dynamics with multiple populations in "
    "low-rank recurrent networks, Neural Comput 33:1572",
)


def _hash(a):
    import hashlib

    import numpy as np
    a = np.ascontiguousarray(np.asarray(a, float))
    return {"shape": list(a.shape), "sha256": hashlib.sha256(a.tobytes()).hexdigest()}


def _load_weights(weights):
    """W, B (or None), b from an .npz file; ParameterError naming ``weights`` for anything wrong."""
    import numpy as np
    p = Path(weights)
    if not p.is_absolute() and not p.is_file() and (_DATA / p).is_file():
        p = _DATA / p
    if p.suffix.lower() != ".npz":
        raise ParameterError("weights", str(weights), "must be an .npz file with arrays W and optional B, b")
    if not p.is_file():
        raise ParameterError("weights", str(weights), f"file not found (looked for {p.resolve()})")
    try:
        with np.load(p, allow_pickle=False) as z:
            arrs = {k: np.array(z[k]) for k in z.files}
    except Exception as exc:
        raise ParameterError("weights", str(weights), f"could not be read as .npz: {exc}") from None
    if "W" not in arrs and "m" in arrs and "n" in arrs:
        m, nn = (np.asarray(arrs[k], float) for k in ("m", "n"))
        m, nn = (a[:, None] if a.ndim == 1 else a for a in (m, nn))
        if m.ndim != 2 or m.shape != nn.shape:
            raise ParameterError("weights", str(weights), f"m and n must both be N x R (they are {m.shape}, {nn.shape})")
        arrs["W"] = m @ nn.T / m.shape[0]          # low-rank file: W = m n^T / N (Dubreuil et al. 2022)
    if "W" not in arrs:
        raise ParameterError("weights", str(weights), f"must hold an array W or low-rank factors m, n (it holds "
                             f"{', '.join(arrs) or 'nothing'})")
    out = []
    for k in ("W", "B", "b"):
        a = arrs.get(k)
        if a is None:
            out.append(None)
            continue
        if not (np.issubdtype(a.dtype, np.floating) or np.issubdtype(a.dtype, np.integer)):
            raise ParameterError("weights", str(weights), f"array {k} must hold numbers")
        a = a.astype(float)
        if not np.all(np.isfinite(a)):
            raise ParameterError("weights", str(weights), f"array {k} must be finite")
        out.append(a)
    W, B, b = out
    if W.ndim != 2 or W.shape[0] != W.shape[1] or W.shape[0] < 1:
        raise ParameterError("weights", str(weights), f"W must be a square N x N matrix (it is {W.shape})")
    n = W.shape[0]
    if B is not None:
        if B.ndim == 1:
            B = B[:, None]
        if B.ndim != 2 or B.shape[0] != n:
            raise ParameterError("weights", str(weights), f"B must be N x K with N = {n} (it is {B.shape})")
    if b is not None and b.shape not in ((n,), ()):
        raise ParameterError("weights", str(weights), f"b must have length N = {n} (it is {b.shape})")
    return W, B, (np.zeros(n) if b is None else np.broadcast_to(b, (n,)).copy()), str(p)


def _network(model, weights, phi, input):
    """(W, c, phi, u, description) of the options."""
    import numpy as np
    from recnet.subjects._rate import check_phi
    if model is not None and weights is not None:
        raise ParameterError("weights", weights, "give either --model or --weights, not both")
    if model is not None:
        from recnet.models.rate_network import load_rate_network
        mdl = load_rate_network(model)
        if not mdl.explicit:
            raise ParameterError("model", model, "trained-rnn analyses one explicit matrix: the model needs W "
                                 "(this one is an ensemble; draw it with `recnet predict lyapunov` or give W)")
        if input is not None:
            raise ParameterError("input", input, "a rate-network model has no input matrix B: its constant "
                                 "input is the model's i0 (use --weights FILE.npz with B for input conditions)")
        W, c = mdl.coupling(), mdl.inputs()
        ph = mdl.phi if phi is None else check_phi(phi)
        desc = {"model": mdl.to_dict(), "tau_ms": mdl.tau}
        u = None
    else:
        W, B, b, path = _load_weights(DEFAULT_WEIGHTS if weights is None else weights)
        ph = "tanh" if phi is None else check_phi(phi)
        k = 0 if B is None else B.shape[1]
        if input is None:
            u = np.zeros(k)
        else:
            try:
                u = np.array([float(v) for v in str(input).replace(";", ",").split(",") if v.strip()], float)
            except ValueError:
                raise ParameterError("input", input, "must be comma-separated numbers") from None
            if B is None:
                raise ParameterError("input", input, "the weights file has no input matrix B")
            if u.size != k or not np.all(np.isfinite(u)):
                raise ParameterError("input", input, f"must be {k} finite comma-separated numbers (B is N x {k})")
        c = b + (B @ u if B is not None else 0.0)
        desc = {"weights": path if weights is not None else DEFAULT_WEIGHTS, "W": _hash(W),
                "B": None if B is None else _hash(B), "b": _hash(b), "n": W.shape[0], "k_inputs": k}
    if W.shape[0] > N_MAX:
        raise ParameterError("model" if model is not None else "weights", model or weights,
                             f"N = {W.shape[0]} units: trained-rnn handles N <= {N_MAX}")
    return W, c, ph, u, desc


def _pairs(z):
    import numpy as np
    z = np.asarray(z)
    return np.stack([z.real, z.imag], axis=-1)


def _point_json(p):
    out = {"x": p["x"], "q": p["q"], "norm_f": p["norm_F"], "eigenvalues": _pairs(p["eigenvalues"]),
           "stability": p["stability"], "n_unstable": p["n_unstable"], "n_zero": p["n_zero"], "count": p["count"]}
    if "eigenvectors" in p:
        out["eigenvectors"] = _pairs(p["eigenvectors"])
    return out


def lowrank_summary(W, top=10):
    """Singular values of W (the largest ``top``), the participation-ratio effective rank
    (sum s^2)^2 / sum s^4 and the number of singular values holding 90 % of |W|_F^2."""
    import numpy as np
    s = np.linalg.svd(W, compute_uv=False)
    s2 = s * s
    return {"singular_values": s[:top], "effective_rank_participation": float(s2.sum() ** 2 / np.sum(s2 * s2)),
            "rank_90_percent_frobenius": int(np.searchsorted(np.cumsum(s2) / s2.sum(), 0.9) + 1)}


def _analyse(model, weights, phi, input, n_init, seed, marginal_tol, dedup_tol, slow_q_max, eigenvectors):
    from recnet import checks
    from recnet.numerics.trained import fixed_points as FP
    n_init = checks.integer("n_init", n_init, minimum=1, maximum=100000)
    seed = checks.integer("seed", seed, minimum=0)
    marginal_tol = checks.positive("marginal_tol", marginal_tol)
    dedup_tol = checks.positive("dedup_tol", dedup_tol)
    slow_q_max = checks.positive("slow_q_max", slow_q_max)
    W, c, ph, u, desc = _network(model, weights, phi, input)
    r = FP.find_fixed_points(W, c, ph, n_init=n_init, seed=seed, dedup_tol=dedup_tol, marginal_tol=marginal_tol,
                             slow_q_max=slow_q_max, eigenvectors=bool(eigenvectors))
    return W, c, ph, u, desc, r


def _summary_values(r, W, u, ph, marginal_tol, dedup_tol, slow_q_max):
    from recnet.numerics.trained.fixed_points import FP_TOL
    fps, sps = r["fixed_points"], r["slow_points"]
    counts = {k: sum(p["stability"] == k for p in fps) for k in ("stable", "saddle", "unstable", "marginal")}
    words = [f"{v} {k}" for k, v in counts.items() if v]
    state = (f"{len(fps)} fixed points ({', '.join(words)}) and {len(sps)} slow points from {r['n_init']} starts"
             if fps else f"no fixed point found from {r['n_init']} starts; {len(sps)} slow points")
    nz = [p["n_zero"] for p in fps if p["n_zero"] > 0]
    if nz:
        state += (f"; {len(nz)} points have {max(nz)} near-zero eigenvalue(s): they sample a continuous attractor "
                  f"of dimension {max(nz)} (points along it are kept apart)")
    from recnet.numerics.trained.manifold import slow_manifold
    manifold = slow_manifold(fps, slow_points=sps)
    if manifold["n_points"] >= 2:
        state += (f"; {manifold['n_points']} points lie on a one-dimensional slow manifold (one eigenvalue "
                  f"{1 / manifold['ratio']:g}x slower than the rest)"
                  + ("; its stable points and saddles alternate as on a ring" if manifold["alternating"] else ""))
    return {"state": state, "counts": dict(counts, slow=len(sps)), "phi": ph, "slow_manifold": manifold,
            "input_condition": ("none: a rate-network model has no input matrix B (its i0 is the constant input)"
                                if u is None else u), "eigenvalue_unit": "1/tau",
            "fixed_points": [_point_json(p) for p in fps], "slow_points": [_point_json(p) for p in sps],
            "tolerances": {"fixed_point_norm_f": FP_TOL, "marginal_tol": marginal_tol, "dedup_tol": dedup_tol,
                           "slow_q_max": slow_q_max},
            "runs": r["runs"], "lowrank": lowrank_summary(W)}


#: test trials of the resampled-performance measure (accuracy on a fixed seeded batch)
RESAMPLE_TRIALS = 400


def _lowrank_file(weights):
    """m, n, B, w, alpha and task of a low-rank weights file, or a ParameterError naming ``populations``."""
    import numpy as np
    p = Path(DEFAULT_WEIGHTS if weights is None else weights)
    if not p.is_absolute() and not p.is_file() and (_DATA / p).is_file():
        p = _DATA / p
    with np.load(p, allow_pickle=False) as z:
        arrs = {k: np.array(z[k]) for k in z.files}
    missing = [k for k in ("m", "n", "B", "w") if k not in arrs]
    if missing:
        raise ParameterError("populations", None, f"needs a low-rank weights file with arrays m, n, B, w (this one "
                             f"lacks {', '.join(missing)}); e.g. --weights cdm-rank1-n512.npz")
    task = str(arrs["task"]) if "task" in arrs else None
    alpha = float(arrs["alpha"]) if "alpha" in arrs else None
    return {k: arrs[k].astype(float) for k in ("m", "n", "B", "w")}, alpha, task


def populations_block(weights, populations, resample, seed):
    """The ``populations`` block: loadings' Gaussian mixture and, with ``resample``, the resampling test
    (``recnet.numerics.trained.populations``; Dubreuil et al. 2022)."""
    import numpy as np
    from recnet import checks
    populations = checks.integer("populations", populations, minimum=0, maximum=20)
    resample = checks.integer("resample", resample, minimum=0, maximum=1000)
    if resample == 1:
        raise ParameterError("resample", resample, "0 (off) or >= 2 draws (a standard error needs two)")
    params, alpha, task = _lowrank_file(weights)
    if resample and task != "cdm":
        raise ParameterError("resample", resample, "the weights file names no task recnet can score (array task = "
                             "'cdm'); use the Python function recnet.numerics.trained.populations.resampling_test")
    try:
        from recnet.numerics.trained import populations as POP
        import sklearn  # noqa: F401
    except ImportError:
        raise ParameterError("populations", populations, "needs scikit-learn: pip install 'recnet[populations]'") from None
    L, names = POP.loadings(params, input_names=["I_stim_a", "I_stim_b", "I_ctx_a", "I_ctx_b"]
                            if task == "cdm" else None)
    fit = POP.fit_populations(L, populations or None, seed=seed)
    out = {"loading_names": names, "n_units": int(L.shape[0]), "n_populations": fit["n_populations"],
           "chosen_by": fit["chosen_by"], "bic": {str(k): v for k, v in fit["bic"].items()},
           "weights": fit["weights"], "means": fit["means"], "covariances": fit["covariances"],
           "units_per_population": np.bincount(fit["labels"], minlength=fit["n_populations"]).tolist()}
    if resample:
        from recnet.numerics.trained import cdm
        u, _, mask, lab = cdm.cdm_batch(RESAMPLE_TRIALS, seed=seed)

        def perf(q):
            return cdm.cdm_accuracy(q, alpha, u, lab, mask)["accuracy"]

        r = POP.resampling_test(params, perf, n_populations=fit["n_populations"], n_resamples=resample, seed=seed)
        out["resampling"] = {
            "performance": "accuracy (sign of the mean decision-period output) on "
                           f"{RESAMPLE_TRIALS} context-dependent trials (seed {seed})",
            "original": r["original"], "n_resamples": resample, "n_units": r["n_units"],
            "fitted": {k: r["fitted"][k] for k in ("mean", "sem", "performance", "n_populations")},
            "one_population": {k: r["one_population"][k] for k in ("mean", "sem", "performance")}}
    return out


def _predict(model=None, weights=None, phi=None, input=None, n_init=256, seed=0, marginal_tol=1e-6, dedup_tol=1e-4,
             slow_q_max=1e-3, eigenvectors=False, populations=None, resample=0):
    from recnet.results import Result
    if resample and populations is None:
        raise ParameterError("resample", resample, "needs --populations (K, or 0 to choose by BIC)")
    if populations is not None and model is not None:
        raise ParameterError("populations", populations, "needs a low-rank --weights file (arrays m, n, B, w)")
    W, c, ph, u, desc, r = _analyse(model, weights, phi, input, n_init, seed, marginal_tol, dedup_tol, slow_q_max,
                                    eigenvectors)
    values = _summary_values(r, W, u, ph, marginal_tol, dedup_tol, slow_q_max)
    if populations is not None:
        values["populations"] = populations_block(weights, populations, resample, seed)
    cfg = {"model": desc.get("model"), "network": {k: v for k, v in desc.items() if k != "model"}, "phi": ph}
    return Result("trained-rnn", values=values, config=cfg)


def _validate(backend="numba", quick=False, seed=12345, model=None, weights=None, phi=None, input=None, n_init=256,
              marginal_tol=1e-6, dedup_tol=1e-4, slow_q_max=1e-3, eigenvectors=False, eps=1e-6):
    """Each fixed point found is returned to (stable) or left (saddle, unstable) from a perturbation of
    size eps, and the perturbation at time T matches the linearisation within the derived allowance
    (``recnet.validation.trained``).  ``seed`` seeds both the initial states and the perturbations."""
    from recnet import checks
    from recnet.validation.compare import ValidationResult, compare, compare_exact
    from recnet.validation.trained import perturbation_check
    if quick:  # fewer starts; every point found is still checked
        n_init = min(int(n_init), 64)
    if backend != "numba":
        raise ParameterError("backend", backend, "trained-rnn is validated on numba only")
    eps = checks.in_range("eps", eps, 0.0, 1e-2, low_inclusive=False)
    W, c, ph, u, desc, r = _analyse(model, weights, phi, input, n_init, seed, marginal_tol, dedup_tol, slow_q_max,
                                    eigenvectors)
    comps, rows = [], []
    why = ("M c2 T max|delta|^2 + RK4 error (T/dt)(dt |J|)^5/120 M max|delta| + M T |F(x*)| + 1e-12, "
           "M = max_s |exp(J s)|, c2 = |W| max|phi''|/2 (recnet.validation.trained)")
    for k, p in enumerate(r["fixed_points"]):
        v = perturbation_check(W, c, ph, p, eps=eps, seed=checks.rng(seed + 1 + k))
        rows.append(dict(v, index=k))
        comps.append(compare_exact(f"point{k}_{p['stability']}_returns_or_leaves", v["predicted"], v["simulated"],
                                   note=f"T = {v['t']:.3g} tau; |delta(T)| = {v['norm_delta_T']:.3g} from {eps:g}"))
        comps.append(compare(f"point{k}_norm_delta_T", v["norm_delta_lin_T"], v["norm_delta_T"], None,
                             systematic=v["allowance"], why=why,
                             note="linearisation exp(J T) delta0 against simulation (RK4, dt = 0.01 tau)"))
    res = ValidationResult("trained-rnn", backend, comparisons=comps)
    if not r["fixed_points"]:
        res.caveats.append("no fixed point was found: nothing to verify")
    res.info = {"summary": _summary_values(r, W, u, ph, marginal_tol, dedup_tol, slow_q_max)["state"],
                "checks": rows}
    res.config = {"model": desc.get("model"), "network": {k: v for k, v in desc.items() if k != "model"},
                  "weights": weights, "phi": ph, "input": input, "n_init": n_init, "marginal_tol": marginal_tol,
                  "dedup_tol": dedup_tol, "slow_q_max": slow_q_max, "eigenvectors": bool(eigenvectors), "eps": eps,
                  "seed": seed}
    res.decide()
    return res


SUBJECTS = [
    Subject("trained-rnn", 2,
            "fixed points and slow points of a trained (or any) rate network, their eigenvalues and stability; "
            "validate: each is reached or left in simulation as its linearisation says",
            options=OPTIONS, predict=_predict, validate=_validate, predict_options=PREDICT_OPTIONS,
            validate_options=VALIDATE_OPTIONS,
            references=REFS),
]
