"""Subject ``geometry``: every weight matrix that produces given steady states (Biswas & Fitzgerald 2022)."""
from __future__ import annotations

from recnet.registry import Option, Subject

# The three-synapse toy problem used when no files are given: one neuron driven by three
# presynaptic neurons, active in two patterns and silent in one (rates in Hz).
TOY_RESPONSES = [[1.0, 2.0, 0.5, 1.5],
                 [2.0, 0.5, 1.0, 1.0],
                 [0.5, 1.0, 2.0, 0.0]]


def _load(path, name):
    import numpy as np

    if not path:
        return None
    try:
        if str(path).endswith(".npy"):
            return np.load(path)
        return np.loadtxt(path, delimiter=",", ndmin=2)
    except OSError as exc:
        raise ValueError(f"{name} = {path!r} cannot be read: {exc}") from None


def _derive():
    from recnet.theory import geometry
    return geometry.equations()


def _predict(responses="", inputs="", bound=2.0, tolerance=0.0, norm="l2", self_connections=False,
             active_threshold=0.0):
    import numpy as np

    from recnet.numerics.geometry import solution_space, synapse_labels

    R = _load(responses, "responses")
    X = _load(inputs, "inputs")
    toy = R is None
    if toy:
        if X is not None:
            raise ValueError("inputs given without responses: give --responses FILE as well")
        # the toy: neuron 4's incoming weights from neurons 1-3; the others' rows are not asked for
        R = np.array(TOY_RESPONSES)
    space = solution_space(R, X, bound=bound, norm=norm, tolerance=tolerance,
                           self_connections=self_connections, active_threshold=active_threshold,
                           neurons=[3] if toy else None, progress=False)
    N = R.shape[1]
    K = 0 if X is None else X.shape[1]
    neurons = []
    for ns in space.neurons:
        labels = synapse_labels(N, ns.neuron, K, self_connections, K > 0)
        syn = [{"pre": j + 1, "pre_kind": "recurrent" if kind == "W" else "input",
                "min": ns.w_min[m], "max": ns.w_max[m], "certain": bool(ns.certain[m]), "sign": int(ns.sign[m])}
               for m, (kind, j) in enumerate(labels)]
        neurons.append({"neuron": ns.neuron + 1, "feasible": ns.feasible, "dimension": ns.dimension,
                        "violated_patterns": [p + 1 for p in ns.violated], "reason": ns.reason,
                        "synapses": syn})
    return {"problem": "toy three-synapse neuron" if toy else str(responses),
            "bound": bound, "norm": norm, "tolerance_hz": tolerance,
            "feasible": space.feasible, "dimension": space.dimension,
            "n_certain": int(sum(int(np.sum(n.certain)) for n in space.neurons if n.feasible)),
            "neurons": neurons}


def _validate(backend="numba", quick=False, seed=12345, bound=2.0, tolerance=0.0, norm="l2", n_problems=0):
    from recnet.validation import geometry
    return geometry.validate(backend=backend, quick=quick, seed=seed, norm=norm, n_problems=n_problems or None)


SUBJECTS = [
    Subject(
        "geometry", 5,
        "all weight matrices giving specified steady states; certain synapses (Biswas & Fitzgerald 2022)",
        options=(
            Option("responses", "", "steady-state rates r^mu, one pattern per row (CSV or .npy), Hz; "
                                    "default: a three-synapse toy problem", type=str),
            Option("inputs", "", "feedforward inputs x^mu, one pattern per row (CSV or .npy); their "
                                 "weights are unknowns", type=str),
            Option("bound", 2.0, "bound B on each neuron's incoming weights (norm below)"),
            Option("tolerance", 0.0, "responses matched within this error", unit="Hz"),
            Option("norm", "l2", "weight bound: l2 (||w||_2 <= B) or linf (|w_j| <= B)", type=str,
                   choices=("l2", "linf")),
            Option("self_connections", False, "let W_ii be non-zero", type=bool),
            Option("active_threshold", 0.0, "responses at or below this count as silent", unit="Hz"),
        ),
        derive=_derive, predict=_predict, validate=_validate,
        validate_options=(Option("n_problems", 0, "random ground-truth problems (0: 1000, quick 100)", type=int),),
        references=("T. Biswas, J. E. Fitzgerald, Phys. Rev. Research 4, 023255 (2022)",),
    ),
]
