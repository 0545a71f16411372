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

``--time discrete`` analyses the leaky map x -> (1 - alpha) x + alpha (W phi(x) + B u + b) (``--alpha``,
default the file's ``alpha``) or, with ``--update vanilla``, h -> phi(W h + B u + b); ``--weights
model.pt`` reads a torch ``nn.RNN`` state dict as the vanilla map (``recnet.models.torch_rnn``, extra
``torch``).  For maps ``eigenvalues`` are the multipliers mu (stable: every |mu| < 1).

``--lyapunov M`` adds ``lyapunov`` (``recnet.numerics.trained.task_lyapunov``: exponents, entropy rate,
Kaplan-Yorke dimension on a task-driven trajectory, ``--drive``); ``--initial-weights W0.npz`` adds
``initial_split`` (``recnet.numerics.trained.initial_split``: SVD of W - W0, gain of W0 and the DMFT of
the random part).

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
    Option("time", None, "continuous (the flow dx/dt = -x + W phi(x) + B u + b, default for .npz) or discrete (a map: "
           "see --update; the default for a torch .pt file)", type=str, choices=("continuous", "discrete"),
           example="discrete"),
    Option("update", None, "with --time discrete: leaky, x -> (1 - alpha) x + alpha (W phi(x) + B u + b) (default), "
           "or vanilla, h -> phi(W h + B u + b) as torch nn.RNN computes (the only one for a .pt file)", type=str,
           choices=("leaky", "vanilla"), example="vanilla"),
    Option("alpha", None, "with --time discrete --update leaky: the step alpha in (0, 1] (default: the weights "
           "file's array alpha, else 1)", example=0.5),
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

PREDICT_OPTIONS = PREDICT_OPTIONS + (
    Option("lyapunov", 0, "also compute the M largest Lyapunov exponents (0: off; 1..N), the entropy rate and the "
           "Kaplan-Yorke dimension on a trajectory driven as --drive says (recnet.numerics.trained.task_lyapunov)",
           type=int, example=4),
    Option("drive", None, "with --lyapunov: the input along the trajectory: task (the weights file's task: cdm "
           "trials for task = 'cdm', else sparse +-1 pulses on every input channel as in the flip-flop task; the "
           "default when the network has inputs B) or constant (the --input condition only; the default without "
           "B)", type=str, choices=("task", "constant"), example="constant"),
    Option("initial_weights", None, "an .npz file with the initial (pre-training) recurrent weights W0 (array W0 or "
           "W): adds initial_split, the SVD of the trained part W - W0 and the DMFT of the random part with g from "
           "its variance (e.g. the shipped flipflop3-tanh64-init.npz)", type=str,
           example="flipflop3-tanh64-init.npz"),
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


def _is_file(p):
    """Path.is_file() that says False for a name the file system cannot hold (too long, ...)."""
    try:
        return p.is_file()
    except OSError:
        return False


def _load_weights(weights):
    """W, B (or None), b from an .npz file; ParameterError naming ``weights`` for anything wrong."""
    import numpy as np
    p = Path(weights)
    if not p.is_absolute() and not _is_file(p) and _is_file(_DATA / p):
        p = _DATA / p
    if p.suffix.lower() not in (".npz", ".pt", ".pth"):
        raise ParameterError("weights", str(weights), "must be an .npz file with arrays W and optional B, b, or a "
                             "PyTorch nn.RNN state dict (.pt, .pth)")
    if not _is_file(p):
        raise ParameterError("weights", str(weights), "file not found")
    if p.suffix.lower() in (".pt", ".pth"):
        from recnet.models.torch_rnn import load_state_dict
        W, B, b = load_state_dict(p)
        if W.shape[0] < 1:
            raise ParameterError("weights", str(weights), "weight_hh_l0 is empty")
        return W, B, b, str(p), {"format": "torch nn.RNN state dict"}
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
    extras = {"format": "npz"}
    if "alpha" in arrs and np.asarray(arrs["alpha"]).shape == ():
        extras["alpha"] = float(arrs["alpha"])
    if "task" in arrs and np.asarray(arrs["task"]).shape == ():
        extras["task"] = str(arrs["task"])
    return W, B, (np.zeros(n) if b is None else np.broadcast_to(b, (n,)).copy()), str(p), extras


def _dynamics(time, update, alpha, extras, is_torch):
    """(dynamics, alpha) of --time/--update/--alpha (numerics.trained.fixed_points.DYNAMICS)."""
    from recnet import checks
    if time not in (None, "continuous", "discrete"):
        raise ParameterError("time", time, "continuous or discrete")
    if update not in (None, "leaky", "vanilla"):
        raise ParameterError("update", update, "leaky or vanilla")
    if is_torch:
        if time == "continuous" or update == "leaky":
            bad = "time" if time == "continuous" else "update"
            raise ParameterError(bad, time if bad == "time" else update, "a torch nn.RNN is the vanilla map "
                                 "h -> phi(W h + B u + b): --time discrete --update vanilla (the default for .pt)")
        time, update = "discrete", "vanilla"
    time = time or "continuous"
    if time == "continuous":
        if update is not None:
            raise ParameterError("update", update, "applies to --time discrete only")
        if alpha is not None:
            raise ParameterError("alpha", alpha, "applies to --time discrete --update leaky only")
        return "continuous", 1.0
    update = update or "leaky"
    if update == "vanilla":
        if alpha is not None:
            raise ParameterError("alpha", alpha, "applies to --update leaky only (the vanilla map has no leak)")
        return "vanilla", 1.0
    if alpha is None:
        alpha = extras.get("alpha", 1.0)
    return "leaky", checks.in_range("alpha", alpha, 0.0, 1.0, low_inclusive=False)


def _network(model, weights, phi, input, time=None, update=None, alpha=None):
    """The analysed network as a dict: W, c, phi, u, B, b, dynamics, alpha, desc, extras."""
    import numpy as np
    from recnet.subjects._rate import check_phi
    if model is not None and weights is not None:
        raise ParameterError("weights", weights, "give either --model or --weights, not both")
    B, b, extras = None, None, {}
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
        b = np.broadcast_to(np.asarray(c, float), (W.shape[0],)).copy()
        ph = mdl.phi if phi is None else check_phi(phi)
        desc = {"model": mdl.to_dict(), "tau_ms": mdl.tau}
        u = None
        is_torch = False
    else:
        W, B, b, path, extras = _load_weights(DEFAULT_WEIGHTS if weights is None else weights)
        is_torch = extras["format"] != "npz"
        ph = "tanh" if phi is None else check_phi(phi)
        if is_torch and phi is not None and ph not in ("tanh", "relu"):
            raise ParameterError("phi", phi, "tanh or relu (the nonlinearities of torch nn.RNN)")
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
        desc = {"weights": path if weights is not None else DEFAULT_WEIGHTS, "format": extras["format"],
                "W": _hash(W), "B": None if B is None else _hash(B), "b": _hash(b), "n": W.shape[0], "k_inputs": k}
    if W.shape[0] > N_MAX:
        raise ParameterError("model" if model is not None else "weights", model or weights,
                             f"N = {W.shape[0]} units: trained-rnn handles N <= {N_MAX}")
    dyn, a = _dynamics(time, update, alpha, extras, is_torch)
    desc.update(dynamics=dyn, alpha=a)
    return {"W": W, "c": np.asarray(c, float), "phi": ph, "u": u, "B": B, "b": b, "dynamics": dyn, "alpha": a,
            "desc": desc, "extras": extras}


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


def _analyse(model, weights, phi, input, n_init, seed, marginal_tol, dedup_tol, slow_q_max, eigenvectors,
             time=None, update=None, alpha=None):
    from recnet import checks
    from recnet.numerics.trained import fixed_points as FP
    n_init = checks.integer("n_init", n_init, minimum=1, maximum=100000)
    seed = checks.integer("seed", seed, minimum=0)
    marginal_tol = checks.positive("marginal_tol", marginal_tol)
    dedup_tol = checks.positive("dedup_tol", dedup_tol)
    slow_q_max = checks.positive("slow_q_max", slow_q_max)
    net = _network(model, weights, phi, input, time, update, alpha)
    r = FP.find_fixed_points(net["W"], net["c"], net["phi"], n_init=n_init, seed=seed, dedup_tol=dedup_tol,
                             marginal_tol=marginal_tol, slow_q_max=slow_q_max, eigenvectors=bool(eigenvectors),
                             dynamics=net["dynamics"], alpha=net["alpha"])
    return net, r


_UNITS = {"continuous": "1/tau (eigenvalues lambda of the flow's Jacobian J)",
          "leaky": "multipliers mu per step (eigenvalues of the map's Jacobian I + alpha J)",
          "vanilla": "multipliers mu per step (eigenvalues of the map's Jacobian diag(phi'(W h + c)) W)"}


def _summary_values(r, net, marginal_tol, dedup_tol, slow_q_max):
    W, u, ph = net["W"], net["u"], net["phi"]
    from recnet.numerics.trained.fixed_points import FP_TOL
    fps, sps = r["fixed_points"], r["slow_points"]
    counts = {k: sum(p["stability"] == k for p in fps) for k in ("stable", "saddle", "unstable", "marginal")}
    words = [f"{v} {k}" for k, v in counts.items() if v]
    state = (f"{len(fps)} fixed points ({', '.join(words)}) and {len(sps)} slow points from {r['n_init']} starts"
             if fps else f"no fixed point found from {r['n_init']} starts; {len(sps)} slow points")
    nz = [p["n_zero"] for p in fps if p["n_zero"] > 0]
    if nz:
        state += (f"; {len(nz)} points have {max(nz)} near-zero eigenvalue(s) (maps: multipliers near 1): they sample a continuous attractor "
                  f"of dimension {max(nz)} (points along it are kept apart)")
    from recnet.numerics.trained.manifold import slow_manifold
    manifold = slow_manifold(fps, slow_points=sps, is_map=net["dynamics"] != "continuous")
    if manifold["n_points"] >= 2:
        state += (f"; {manifold['n_points']} points lie on a one-dimensional slow manifold (one eigenvalue "
                  f"{1 / manifold['ratio']:g}x slower than the rest)"
                  + ("; its stable points and saddles alternate as on a ring" if manifold["alternating"] else ""))
    return {"state": state, "counts": dict(counts, slow=len(sps)), "phi": ph, "slow_manifold": manifold,
            "input_condition": ("none: a rate-network model has no input matrix B (its i0 is the constant input)"
                                if u is None else u), "dynamics": net["dynamics"], "alpha": net["alpha"],
            "eigenvalue_unit": _UNITS[net["dynamics"]],
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
    if not p.is_absolute() and not _is_file(p) and _is_file(_DATA / p):
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


def _predict(model=None, weights=None, phi=None, input=None, time=None, update=None, alpha=None, n_init=256,
             seed=0, marginal_tol=1e-6, dedup_tol=1e-4, slow_q_max=1e-3, eigenvectors=False, populations=None,
             resample=0, lyapunov=0, drive=None, initial_weights=None):
    from recnet.results import Result
    if resample and populations is None:
        raise ParameterError("resample", resample, "needs --populations (K, or 0 to choose by BIC)")
    if populations is not None and model is not None:
        raise ParameterError("populations", populations, "needs a low-rank --weights file (arrays m, n, B, w)")
    net, r = _analyse(model, weights, phi, input, n_init, seed, marginal_tol, dedup_tol, slow_q_max, eigenvectors,
                      time, update, alpha)
    values = _summary_values(r, net, marginal_tol, dedup_tol, slow_q_max)
    if populations is not None:
        values["populations"] = populations_block(weights, populations, resample, seed)
    cfg = {"model": net["desc"].get("model"), "network": {k: v for k, v in net["desc"].items() if k != "model"},
           "phi": net["phi"], "time": "continuous" if net["dynamics"] == "continuous" else "discrete",
           "update": None if net["dynamics"] == "continuous" else net["dynamics"],
           "alpha": net["alpha"] if net["dynamics"] == "leaky" else None}
    _extras(values, cfg, net, lyapunov, drive, initial_weights, seed)
    return Result("trained-rnn", values=values, config=cfg)


def _extras(values, cfg, net, lyapunov, drive, initial_weights, seed):
    """Item 3 of issue 17 on the analysed W: ``lyapunov`` (spectrum on a driven trajectory) and the
    trained/initial split with the DMFT of the random part (``initial_split``)."""
    from recnet import checks
    lyapunov = checks.integer("lyapunov", lyapunov, minimum=0, maximum=net["W"].shape[0])
    if drive is not None and not lyapunov:
        raise ParameterError("drive", drive, "applies with --lyapunov M (M >= 1 exponents)")
    if lyapunov:
        from recnet.numerics.trained import task_lyapunov as TL
        blk = TL.task_spectrum(net, lyapunov, drive=drive, seed=seed)
        cfg["drive"] = blk["drive"]
        values["lyapunov"] = blk
    if initial_weights is not None:
        from recnet.numerics.trained import initial_split as IS
        W0 = _load_initial(initial_weights, net["W"].shape[0])
        values["initial_split"] = IS.split(net["W"], W0, phi=net["phi"])
        cfg["initial_weights_w0"] = _hash(W0)


def _load_initial(initial_weights, n):
    """W0 (array W0, or W) of an .npz file, N x N; ParameterError naming ``initial_weights``."""
    import numpy as np
    p = Path(initial_weights)
    if not p.is_absolute() and not _is_file(p) and _is_file(_DATA / p):
        p = _DATA / p
    if p.suffix.lower() != ".npz" or not _is_file(p):
        raise ParameterError("initial_weights", str(initial_weights), "an existing .npz file with the initial "
                             "recurrent weights as array W0 (or W)")
    try:
        with np.load(p, allow_pickle=False) as z:
            key = "W0" if "W0" in z.files else ("W" if "W" in z.files else None)
            if key is None:
                raise ParameterError("initial_weights", str(initial_weights), f"holds no array W0 or W (it holds "
                                     f"{', '.join(z.files) or 'nothing'})")
            W0 = np.array(z[key], float)
    except ParameterError:
        raise
    except Exception as exc:
        raise ParameterError("initial_weights", str(initial_weights), f"could not be read as .npz: {exc}") from None
    if W0.shape != (n, n) or not np.all(np.isfinite(W0)):
        raise ParameterError("initial_weights", str(initial_weights), f"W0 must be a finite {n} x {n} matrix, the "
                             f"shape of the analysed W (it is {W0.shape})")
    return W0


def _validate(backend="numba", quick=False, seed=12345, model=None, weights=None, phi=None, input=None, time=None,
              update=None, alpha=None, n_init=256, marginal_tol=1e-6, dedup_tol=1e-4, slow_q_max=1e-3,
              eigenvectors=False, eps=1e-6):
    """Each fixed point found is returned to (stable) or left (saddle, unstable) from a perturbation of
    size eps, and the perturbation at time T matches the linearisation within the derived allowance
    (``recnet.validation.trained``; maps are iterated exactly).  ``seed`` seeds both the initial states
    and the perturbations."""
    from recnet import checks
    from recnet.validation.compare import ValidationResult, compare, compare_exact
    from recnet.validation.trained import perturbation_check, perturbation_check_map
    if quick:  # fewer starts; every point found is still checked
        n_init = min(int(n_init), 64)
    if backend != "numba":
        raise ParameterError("backend", backend, "trained-rnn is validated on numba only")
    eps = checks.in_range("eps", eps, 0.0, 1e-2, low_inclusive=False)
    net, r = _analyse(model, weights, phi, input, n_init, seed, marginal_tol, dedup_tol, slow_q_max, eigenvectors,
                      time, update, alpha)
    W, c, ph, dyn = net["W"], net["c"], net["phi"], net["dynamics"]
    comps, rows = [], []
    if dyn == "continuous":
        why = ("M c2 T max|delta|^2 + RK4 error (T/dt)(dt |J|)^5/120 M max|delta| + M T |F(x*)| + 1e-12, "
               "M = max_s |exp(J s)|, c2 = |W| max|phi''|/2 (recnet.validation.trained)")
        lin = "linearisation exp(J T) delta0 against simulation (RK4, dt = 0.01 tau)"
    else:
        why = ("M T (c2 max|delta|^2 + |F(x*)| + rounding) + 1e-12, M = max_k |D^k|, c2 = second-order Taylor "
               "bound of the map (recnet.validation.trained.perturbation_check_map)")
        lin = "linearisation D^T delta0 against the map iterated T times"
    for k, p in enumerate(r["fixed_points"]):
        if dyn == "continuous":
            v = perturbation_check(W, c, ph, p, eps=eps, seed=checks.rng(seed + 1 + k))
        else:
            v = perturbation_check_map(W, c, ph, p, dyn, net["alpha"], eps=eps, seed=checks.rng(seed + 1 + k))
        rows.append(dict(v, index=k))
        unit = "tau" if dyn == "continuous" else "steps"
        comps.append(compare_exact(f"point{k}_{p['stability']}_returns_or_leaves", v["predicted"], v["simulated"],
                                   note=f"T = {v['t']:.3g} {unit}; |delta(T)| = {v['norm_delta_T']:.3g} from {eps:g}"))
        comps.append(compare(f"point{k}_norm_delta_T", v["norm_delta_lin_T"], v["norm_delta_T"], None,
                             systematic=v["allowance"], why=why, note=lin))
    res = ValidationResult("trained-rnn", backend, comparisons=comps)
    if not r["fixed_points"]:
        res.caveats.append("no fixed point was found: nothing to verify")
    res.info = {"summary": _summary_values(r, net, marginal_tol, dedup_tol, slow_q_max)["state"], "checks": rows}
    res.config = {"model": net["desc"].get("model"),
                  "network": {k: v for k, v in net["desc"].items() if k != "model"},
                  "weights": weights, "phi": ph, "input": input, "time": time, "update": update, "alpha": alpha,
                  "n_init": n_init, "marginal_tol": marginal_tol, "dedup_tol": dedup_tol, "slow_q_max": slow_q_max,
                  "eigenvectors": bool(eigenvectors), "eps": eps, "seed": seed}
    res.decide()
    return res


SUBJECTS = [
    Subject("trained-rnn", 2,
            "fixed points and slow points of a trained (or any) rate network (flow, leaky or vanilla map, torch "
            "nn.RNN), their eigenvalues or multipliers and stability, Lyapunov spectrum on task trajectories, "
            "trained/initial split with the DMFT of the random part; validate: each point is reached or left in "
            "simulation as its linearisation says",
            options=OPTIONS, predict=_predict, validate=_validate, predict_options=PREDICT_OPTIONS,
            validate_options=VALIDATE_OPTIONS,
            references=REFS),
]
