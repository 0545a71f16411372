"""Subject ``geometry``: every weight matrix that produces given steady states (Biswas & Fitzgerald 2022).

The problem is a ``geometry`` model (``recnet.models.geometry``): ``--model NAME|FILE`` (default the
shipped toy ``geometry-toy``), or ``--responses FILE`` (and ``--inputs FILE``) for a problem of the
user's; ``--bound``, ``--norm``, ``--tolerance``, ... override its fields.  ``predict`` and
``validate`` take the same problem.
"""
from __future__ import annotations

from recnet.checks import ParameterError
from recnet.registry import Option, Subject

DEFAULT_MODEL = "geometry-toy"


def _given(x):
    """An option value the user gave: a non-empty string, or an array / list (Python callers)."""
    return x is not None and not (isinstance(x, str) and x == "")


def _label(x, model_value):
    """How the config shows a responses/inputs option: the file name or text as given, else where it came from."""
    if isinstance(x, str) and x:
        return x
    if _given(x):
        return "<array>"
    return model_value


def problem(model=DEFAULT_MODEL, responses="", inputs="", bound=None, tolerance=None, norm=None,
            self_connections=False, active_threshold=None, neurons=""):
    """The ``geometry`` model the options describe (the options override the model's fields).

    ``responses`` and ``inputs`` may also be arrays and ``model`` a dict or a loaded model (Python)."""
    from recnet import models
    responses = responses if _given(responses) else ""
    inputs = inputs if _given(inputs) else ""
    if not isinstance(model, str) or model == "":
        model = model if _given(model) else DEFAULT_MODEL
    default = isinstance(model, str) and model == DEFAULT_MODEL
    if _given(inputs) and not _given(responses) and default:
        raise ParameterError("inputs", inputs, "given without responses: give --responses FILE as well "
                             "(or a --model file holding both)")
    if _given(responses) and default:
        base = {"model": "geometry", "responses": responses,
                "name": responses if isinstance(responses, str) else "user"}
    else:
        base = model
    over = {}
    if _given(responses):
        over["responses"] = responses
    if _given(inputs):
        over["inputs"] = inputs
    for name, v in (("bound", bound), ("tolerance", tolerance), ("norm", norm),
                    ("active_threshold", active_threshold)):
        if v is not None:
            over[name] = v
    if self_connections:
        over["self_connections"] = True
    if neurons:
        try:
            over["neurons"] = [int(v) for v in str(neurons).replace(" ", "").split(",") if v]
        except ValueError:
            raise ParameterError("neurons", neurons, "must be comma-separated neuron numbers from 1 ('1,3')") from None
    if isinstance(base, dict):
        base.update(over)
        return models.load(base, family="geometry")
    return models.load(base, family="geometry", **over)


def _derive():
    from recnet.theory import geometry
    return geometry.equations()


def solve(m):
    """The solution space of model ``m`` (numerics.geometry.solution_space)."""
    from recnet.numerics.geometry import solution_space
    return solution_space(m.responses, m.inputs, bound=m.bound, norm=m.norm, tolerance=m.tolerance,
                          self_connections=m.self_connections, active_threshold=m.active_threshold,
                          neurons=None if m.neurons is None else [i - 1 for i in m.neurons], progress=False)


def _config(m, model, responses, inputs, neurons):
    return {"model": m.to_dict(), "responses": _label(responses, "<model>"),
            "inputs": _label(inputs, "<model>" if m.inputs is not None else ""), "bound": m.bound,
            "tolerance": m.tolerance, "norm": m.norm,
            "self_connections": m.self_connections, "active_threshold": m.active_threshold,
            "neurons": ",".join(str(i) for i in m.neurons) if m.neurons else ""}


def _predict(model=DEFAULT_MODEL, responses="", inputs="", bound=None, tolerance=None, norm=None,
             self_connections=False, active_threshold=None, neurons=""):
    import numpy as np

    from recnet.numerics.geometry import synapse_labels
    from recnet.results import Result

    m = problem(model, responses, inputs, bound, tolerance, norm, self_connections, active_threshold, neurons)
    space = solve(m)
    N = m.responses.shape[1]
    K = 0 if m.inputs is None else m.inputs.shape[1]
    out_neurons, warnings = [], []
    for ns in space.neurons:
        labels = synapse_labels(N, ns.neuron, K, m.self_connections, K > 0)
        syn = [{"pre": j + 1, "pre_kind": "recurrent" if kind == "W" else "input",
                "min": ns.w_min[mm], "max": ns.w_max[mm], "certain": bool(ns.certain[mm]), "sign": int(ns.sign[mm])}
               for mm, (kind, j) in enumerate(labels)]
        out_neurons.append({"neuron": ns.neuron + 1, "feasible": ns.feasible, "dimension": ns.dimension,
                            "violated_patterns": [p + 1 for p in ns.violated], "reason": ns.reason,
                            "synapses": syn})
        if not ns.feasible:
            warnings.append(f"neuron {ns.neuron + 1}: no weights within the bound produce its responses ({ns.reason})")
        elif not syn:
            warnings.append(f"neuron {ns.neuron + 1} has no unknown incoming weights (one neuron, no inputs, "
                            "no self-connection): its feasibility is decided by its bias alone")
    return Result("geometry", values={
        "problem": m.name, "bound": m.bound, "norm": m.norm, "tolerance_hz": m.tolerance,
        "active_threshold_hz": m.active_threshold, "self_connections": m.self_connections,
        "n_patterns": int(m.responses.shape[0]), "n_neurons": N, "n_inputs": K,
        "feasible": space.feasible, "dimension": space.dimension,
        "n_certain": int(sum(int(np.sum(n.certain)) for n in space.neurons if n.feasible)),
        "neurons": out_neurons}, config=_config(m, model, responses, inputs, neurons), warnings=warnings)


def _validate(backend="numba", quick=False, seed=12345, model=DEFAULT_MODEL, responses="", inputs="", bound=None,
              tolerance=None, norm=None, self_connections=False, active_threshold=None, neurons="", n_problems=0):
    from recnet import checks
    from recnet.validation import geometry
    m = problem(model, responses, inputs, bound, tolerance, norm, self_connections, active_threshold, neurons)
    n_problems = checks.integer("n_problems", n_problems, minimum=0, maximum=100000)
    res = geometry.validate(backend=backend, quick=quick, seed=seed, norm=m.norm, n_problems=n_problems or None,
                            problem=m)
    res.config = dict(_config(m, model, responses, inputs, neurons), **res.config)
    return res


SUBJECTS = [
    Subject(
        "geometry", 5,
        "all weight matrices giving specified steady states; certain synapses (Biswas & Fitzgerald 2022)",
        options=(
            Option("model", DEFAULT_MODEL, "the problem: a shipped name (geometry-toy: one neuron, three "
                   "synapses) or a .toml/.yaml file (model = \"geometry\": responses, inputs, bound, norm, "
                   "tolerance ...); the options below override its fields", type=str, example="geometry-ring3"),
            Option("responses", "", "steady-state rates r^mu, one pattern per row (CSV or .npy file, or "
                   "inline rows '1,0.5;0.5,1'), Hz; replaces the default toy problem", type=str,
                   example="1,0.5,0;0.5,1,0.2;0,0.4,1"),
            Option("inputs", "", "feedforward inputs x^mu, one pattern per row (CSV or .npy file, or inline "
                   "rows); their weights are unknowns", type=str, example="1;2;3"),
            Option("bound", None, "bound B on each neuron's incoming weights (norm below; default: the "
                   "model's, 2)", example=1.0),
            Option("tolerance", None, "responses matched within this error (default: the model's, 0)",
                   unit="Hz", example=0.1),
            Option("norm", None, "weight bound: l2 (||w||_2 <= B) or linf (|w_j| <= B) (default: the model's, l2)",
                   type=str, choices=("l2", "linf"), example="linf"),
            Option("self_connections", False, "let W_ii be non-zero", type=bool),
            Option("active_threshold", None, "responses at or below this count as silent (default: the "
                   "model's, 0)", unit="Hz", example=1.2),
            Option("neurons", "", "neurons whose incoming weights are asked for, from 1 ('1,3'; default: "
                   "the model's, else all)", type=str, example="3"),
        ),
        derive=_derive, predict=_predict, validate=_validate,
        validate_options=(Option("n_problems", 0, "random ground-truth problems (0: 1000, quick 100)", type=int),),
        references=("T. Biswas, J. E. Fitzgerald, Phys. Rev. Research 4, 023255 (2022)",),
    ),
]
