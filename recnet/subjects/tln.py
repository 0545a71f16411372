"""Subject ``tln``: fixed-point supports, index, stability, graph rules and code convexity of
threshold-linear networks (CTLNs from a graph, or any W and b).

The network is a ``tln`` model (``recnet.models.tln``): ``--model NAME|FILE`` (shipped: the
Morrison-Curto graphs, ``recnet models``), ``--graph`` (with ``--epsilon``, ``--delta``, ``--theta``)
or ``--weights`` (with ``--b``); the options override the model's fields.  ``--code`` gives a code
of the user's own (codewords) for the convexity verdict.
"""
from recnet.checks import ParameterError
from recnet.registry import Option, Subject

DEFAULT_GRAPH = "1>2,2>3,3>1"
GRAPH_HELP = ("directed graph as an edge list with nodes from 1 ('1>2,2>3,3>1', '1<>2' for both "
              "directions) or a file with such a list or a 0/1 adjacency matrix (rows = sources); "
              f"'empty' for no edges (default: the model's, else {DEFAULT_GRAPH})")
#: default cap on the 2^N candidate supports enumerated (N <= 20); --max-supports raises it (N <= 26)
MAX_SUPPORTS = 1 << 20
#: default cap on the fixed points listed (each costs graph-rule checks and ~40 N bytes of JSON)
MAX_FIXED_POINTS = 2000


def _given(x):
    """An option value the user gave: a non-empty string, or an object (array, graph) from Python."""
    return x is not None and not (isinstance(x, str) and x == "")


def network(model="", graph="", n=0, epsilon=None, delta=None, theta=None, weights="", b=""):
    """The ``tln`` model the options describe (``recnet.models.tln.TLNModel``).

    From Python, ``model`` may be a dict or a loaded model, ``graph`` a networkx (Di)Graph or an
    adjacency array, ``weights`` and ``b`` arrays."""
    from recnet import checks, models
    from recnet.models import tln as mtln
    model, graph, weights, b = (x if _given(x) else "" for x in (model, graph, weights, b))
    n = checks.integer("n", n, minimum=0, maximum=mtln.MAX_N)
    shown = weights if isinstance(weights, str) else "<array>"
    if _given(weights) and _given(graph):
        raise ParameterError("weights", shown, "give either --weights or --graph, not both")
    if _given(weights):
        for name, v in (("epsilon", epsilon), ("delta", delta), ("theta", theta)):
            if v is not None:
                raise ParameterError(name, v, "is a CTLN parameter: it needs --graph, not --weights")
        if not _given(b):
            raise ParameterError("weights", shown, "needs --b as well: the inputs, a number or N "
                                 "comma-separated numbers")
        d = {"model": "tln", "W": weights, "b": b, "name": weights if isinstance(weights, str) else "user"}
        if n:
            d["n"] = n
        try:
            return models.load(d, family="tln")
        except ParameterError as exc:   # the model field W is the option --weights here
            if exc.name == "W" or exc.name.startswith("W["):
                raise ParameterError("weights", shown, exc.valid) from None
            raise
    if _given(model):
        m = models.load(model, family="tln")
        if not m.is_ctln:
            for name, v in (("graph", graph if _given(graph) else None), ("epsilon", epsilon), ("delta", delta),
                            ("theta", theta), ("n", n or None)):
                if v is not None:
                    raise ParameterError(name, v, f"model {m.name!r} is given by W and b, not by a graph")
            return m.replace(b=b) if _given(b) else m
        over = {name: v for name, v in (("epsilon", epsilon), ("delta", delta), ("theta", theta)) if v is not None}
        if _given(graph):
            over["graph"] = graph
            over["n"] = n
        elif n and n != m.N:
            if n < m.N:
                raise ParameterError("n", n, f"must be >= the model's {m.N} nodes")
            import numpy as np
            adj = np.zeros((n, n), bool)
            adj[:m.N, :m.N] = m.adjacency
            over["graph"] = adj
        if _given(b):
            over["b"] = b
        return m.replace(**over) if over else m
    g = graph if (not isinstance(graph, str) or graph) else DEFAULT_GRAPH
    d = {"model": "tln", "graph": g, "n": n, "name": g if isinstance(g, str) else "networkx graph"}
    for name, v in (("epsilon", epsilon), ("delta", delta), ("theta", theta)):
        if v is not None:
            d[name] = v
    if _given(b):
        d["b"] = b
    return models.load(d, family="tln")


def _graph_label(graph, m):
    """--graph as given (a string), else the model's graph as an edge list ('' for a W model)."""
    if isinstance(graph, str) and graph:
        return graph
    return m.to_dict()["graph"] if m.is_ctln else ""


def _derive():
    from recnet.theory.tln import ctln as ctln
    from recnet.theory.tln import fixed_points as tln
    out = dict(tln.equations(2))
    out.update(ctln.equations())
    return out


def _dale_block(W):
    """For a weight matrix that obeys Dale's law: its excitatory code over inputs b >= 0 (the graph
    plus spectral characterisation of recnet.theory.tln.dale, after Milicevic & Itskov 2024); for any
    other matrix a statement why it is not a Dale network."""
    from recnet.theory.tln import codes as codes
    from recnet.theory.tln import dale as dale

    try:
        types = dale.neuron_types(W)
        inhibited, _ = dale.inhibited_excitatory(W, types)
        words = dale.excitatory_code(W, types)
        rho = dale.excitatory_spectral_radius(W, types)
        weak = dale.weakly_coupled(W, types)
    except ValueError as exc:   # mixed-sign column, or a self-weight of the wrong sign
        return {"dale_network": False, "reason": f"not a Dale network: {exc}"}
    v = codes.convexity([w for w in words if w], W.shape[0])
    return {"dale_network": True, "neuron_types": types,
            "inhibited_excitatory": [i + 1 for i in inhibited],
            "excitatory_spectral_radius": rho, "weakly_coupled": weak,
            "excitatory_code": [[i + 1 for i in w] for w in words],
            "excitatory_code_convex": v["convex"], "excitatory_code_convexity_reason": v["reason"]}


def parse_code(code):
    """A code from ``--code``: inline or a file; binary words ('110,011': one character per neuron,
    all of one length >= 2) or neuron lists from 1 ('12,23', '1 2;2 3').  Returns (codewords as
    0-based tuples, n or None)."""
    import os

    from recnet.theory.tln import codes as codes
    text = str(code)
    if os.path.isfile(text):
        with open(text) as fh:
            text = ",".join(ln.strip() for ln in fh if ln.strip() and not ln.lstrip().startswith("#"))
        if not text:
            raise ParameterError("code", code, "the file holds no codewords")
    toks = [t.strip() for t in text.replace(";", ",").split(",") if t.strip()]
    if not toks:
        raise ParameterError("code", code, "holds no codewords")
    if all(set(t) <= {"0", "1"} for t in toks) and len({len(t) for t in toks}) == 1 and len(toks[0]) >= 2:
        n = len(toks[0])
        return [tuple(i for i, ch in enumerate(t) if ch == "1") for t in toks], n
    try:
        words = codes.parse_code(",".join(toks))
    except ValueError as exc:
        raise ParameterError("code", code, f"must be 'all', 'stable', binary words ('110,011') or neuron "
                             f"lists ('12,23'), inline or in a file: {exc}") from None
    return [tuple(sorted(w)) for w in words], None


def _code_block(words, n):
    from recnet.theory.tln import codes as codes
    v = codes.convexity(words, n)
    return {"codewords": codes.format_code(codes.normalize_code(words)),
            "convex": v["convex"], "reason": v["reason"],
            "intersection_complete": v["intersection_complete"],
            "max_intersection_complete": v["max_intersection_complete"],
            "local_obstructions": None if v["local_obstructions"] is None else
            [sorted(i + 1 for i in s) for s in v["local_obstructions"]],
            "mandatory_codewords": None if v["mandatory_codewords"] is None else
            [sorted(i + 1 for i in s) for s in v["mandatory_codewords"]]}


def check_size(N, max_supports):
    """Refuse, before any work, a network whose 2^N candidate supports exceed ``max_supports``."""
    from recnet import checks
    from recnet.models.tln import MAX_N
    max_supports = checks.integer("max_supports", max_supports, minimum=1)
    if (1 << N) > max_supports:
        mb = 2 * (1 << N) / 2 ** 20
        raise ParameterError("max_supports", max_supports,
                             f"N = {N} neurons means 2^{N} = {1 << N} candidate supports (~{mb:.0f} MB of status "
                             f"arrays and one LU factorisation each; ~{(1 << N) / 2e6:.0f} s or more): "
                             f"raise --max-supports to {1 << N} to run it (N <= {MAX_N})")
    return max_supports


def _predict(model="", graph="", n=0, epsilon=None, delta=None, theta=None, weights="", b="",
             code="all", exact=False, max_supports=MAX_SUPPORTS, max_fixed_points=MAX_FIXED_POINTS):
    import numpy as np

    from recnet import checks
    from recnet.numerics.tln import enumerate as tln_enumerate
    from recnet.results import Result
    from recnet.theory.tln import graph_rules as graph_rules
    from recnet.theory.tln import fixed_points as tln

    user_code = None
    if code not in ("all", "stable"):
        user_code = parse_code(code)
    m = network(model, graph, n, epsilon, delta, theta, weights, b)
    W, bv = m.W, m.b
    N = m.N
    check_size(N, max_supports)
    max_fixed_points = checks.integer("max_fixed_points", max_fixed_points, minimum=1)
    if exact and N > 10:
        raise ParameterError("exact", exact, f"needs N <= 10 neurons, got {N}")
    adj = m.adjacency if (m.is_ctln and np.allclose(bv, bv[0]) and bv[0] > 0) else None
    res = tln_enumerate.enumerate_supports(W, bv, adjacency=adj, max_fixed_points=max_fixed_points)
    warnings = []
    continua = [{"neurons": [i + 1 for i in c["support"]], "dimension": c["dimension"],
                 "x_from": c["x_from"], "x_to": c["x_to"]} for c in res.continua]

    supports = []
    for fp in res.fixed_points:
        iso = not tln_enumerate.on_continuum(fp.x, W, bv, res.continua)
        rec = {"neurons": [i + 1 for i in fp.support], "index": fp.index,
               "stable": fp.stable if iso else None, "isolated": iso, "degenerate": bool(fp.degenerate),
               "x": [float(v) for v in fp.x]}
        if adj is not None and N <= 12:
            verdict, rule = graph_rules.decide(adj, fp.support)
            rec["graph_rule"] = rule if verdict else None
        supports.append(rec)
    degenerate = bool(res.continua) or any(fp.degenerate for fp in res.fixed_points)
    out = {"n": N, "supports": supports, "n_fixed_points": len(supports),
           "n_stable": sum(1 for s in supports if s["stable"]), "continua": continua, "degenerate": degenerate}
    if res.continua:
        for c in continua:
            warnings.append(f"a continuum of fixed points on neurons {c['neurons']} (a {c['dimension']}-dimensional "
                            f"set from x = {np.round(c['x_from'], 6).tolist()} to {np.round(c['x_to'], 6).tolist()}): "
                            "these fixed points are not isolated, and those on it are neutrally stable along it "
                            "(stable = None)")
    if degenerate:
        out["index_sum"] = None
        why = "a continuum of fixed points" if res.continua else "a fixed point with an input exactly at threshold"
        warnings.append(f"degenerate TLN ({why}): the index sum theorem (sum of indices = +1) holds for "
                        "nondegenerate TLNs only, so no index sum is claimed")
    else:
        out["index_sum"] = res.index_sum
    if m.is_ctln:
        from recnet.theory.tln import ctln as ctln
        out.update({"graph": ctln.graph_to_string(m.adjacency) or "empty", "epsilon": m.epsilon, "delta": m.delta,
                    "theta": float(bv[0]) if adj is not None else None,
                    "sinks": [i + 1 for i in graph_rules.sinks(m.adjacency)]})
        if adj is None:
            warnings.append("b is not theta times all ones: the graph rules (which assume a uniform input) "
                            "are not used")
    out["n_candidates"] = res.n_candidates
    out["n_pruned_by_graph_rules"] = res.n_pruned
    out["n_flagged_round_off"] = res.n_flagged
    if exact:
        ex = tln.fixed_point_supports_exact(W, bv)
        out["exact_supports_agree"] = [r["support"] for r in ex] == res.supports and \
            [r["stable"] for r in ex] == [fp.stable for fp in res.fixed_points]
    if not m.is_ctln and N <= 16:
        out["dale"] = _dale_block(W)
    if user_code is not None:
        words, nc = user_code
        out["code"] = dict(_code_block(words, nc), source="--code (the user's code)")
    else:
        words = [fp.support for fp in res.fixed_points if code == "all" or fp.stable]
        if code == "all":   # the points inside a continuum are fixed points with its whole support
            words += [tuple(c["support"]) for c in res.continua]
        if len(words) <= 200:
            out["code"] = dict(_code_block(words, N), source=f"supports of the {code} fixed points")
        else:
            out["code"] = None
            warnings.append(f"code: {len(words)} codewords, more than 200: the convexity verdict is not computed")
    cfg = {"model": m.to_dict(), "graph": _graph_label(graph, m), "n": N,
           "epsilon": m.epsilon, "delta": m.delta, "theta": m.theta,
           "weights": weights if isinstance(weights, str) else "<array>",
           "b": ",".join(f"{v:g}" for v in bv)}
    return Result("tln", values=out, config=cfg, warnings=warnings)


def _validate(backend="numba", quick=False, seed=12345, model="", graph="", n=0, epsilon=None, delta=None,
              theta=None, weights="", b="", code="all", exact=False, max_supports=MAX_SUPPORTS,
              max_fixed_points=MAX_FIXED_POINTS, n_init=0):
    import numpy as np

    from recnet import checks
    from recnet.validation.tln import validate as vtln
    if code != "all":
        raise ParameterError("code", code, "is for predict only (the convexity verdict); validate compares "
                             "fixed points with simulations")
    if exact:
        raise ParameterError("exact", exact, "is for predict only (validate compares the enumeration with "
                             "simulations)")
    m = network(model, graph, n, epsilon, delta, theta, weights, b)
    check_size(m.N, max_supports)
    max_fixed_points = checks.integer("max_fixed_points", max_fixed_points, minimum=1)
    n_init = checks.integer("n_init", n_init, minimum=0, maximum=100000)
    adj = m.adjacency if (m.is_ctln and np.allclose(m.b, m.b[0]) and m.b[0] > 0) else None
    res = vtln.validate(m.W, m.b, adjacency=adj, quick=quick, seed=seed, n_init=n_init or None, backend=backend,
                        max_fixed_points=max_fixed_points)
    res.config = dict({"model": m.to_dict(), "graph": _graph_label(graph, m), "n": m.N,
                       "epsilon": m.epsilon, "delta": m.delta, "theta": m.theta,
                       "weights": weights if isinstance(weights, str) else "<array>",
                       "b": ",".join(f"{v:g}" for v in m.b), "code": code, "exact": exact,
                       "max_supports": max_supports, "max_fixed_points": max_fixed_points}, **res.config)
    return res


SUBJECTS = [
    Subject(
        "tln", 4,
        "threshold-linear networks: fixed-point supports, index, stability, graph rules, convex codes",
        options=(
            Option("model", "", "a tln model: a shipped name (the Morrison-Curto graphs MDIC_fig1C, MDIC_fig3A-D, "
                   "MC_chapter_fig1C; `recnet models`) or a .toml/.yaml file (model = \"tln\": W and b, or graph, "
                   "epsilon, delta, theta); the options below override its fields", type=str, example="MDIC_fig3C"),
            Option("graph", "", GRAPH_HELP, type=str, example="1<>2"),
            Option("n", 0, "number of nodes (0: the largest node in --graph)", type=int, example=4),
            Option("epsilon", None, "CTLN weak inhibition: W_ij = -1 + epsilon for j -> i; 0 < epsilon < "
                   "delta/(delta+1) (default: the model's, 0.25)", example=0.1),
            Option("delta", None, "CTLN strong inhibition: W_ij = -1 - delta for no edge j -> i; delta > 0 "
                   "(default: the model's, 0.5)", example=0.8),
            Option("theta", None, "CTLN input to every neuron (rate units); theta > 0 (default: the model's, 1)",
                   example=2.0),
            Option("weights", "", "weight matrix (W[i, j] from j onto i): a file (CSV, whitespace, .npy) or "
                   "inline rows '0,-1;-1,0'; replaces --graph", type=str,
                   example="0,-1.5,-1.5;-1.5,0,-0.5;-0.5,-1.5,0"),
            Option("b", "", "inputs: one number or N comma-separated numbers (default theta)", type=str,
                   example="1,1,2"),
            Option("code", "all", "code for the convexity verdict: 'all' or 'stable' (the supports of those fixed "
                   "points), or the user's own code: binary words '110,011,101' or neuron lists '12,23' (from 1), "
                   "inline or in a file", type=str, example="110,011,101"),
            Option("exact", False, "cross-check every support in exact rational arithmetic (N <= 10)", type=bool),
            Option("max_supports", MAX_SUPPORTS, "refuse networks with more than this many candidate supports "
                   "2^N (raise it to enumerate up to N = 26)", type=int, example=4),
            Option("max_fixed_points", MAX_FIXED_POINTS, "refuse to list more fixed points than this (the "
                   "refusal says how many there are)", type=int, example=0),
        ),
        derive=_derive, predict=_predict, validate=_validate, backends=("numba", "nest"),
        validate_options=(Option("n_init", 0, "initial conditions to simulate (0: automatic)", type=int),),
        references=(
            "Curto, Geneson, Morrison 2019, Neural Comput 31:94 (fixed points of competitive TLNs)",
            "Morrison, Degeratu, Itskov, Curto 2016, arXiv:1605.04463 (diversity of emergent dynamics)",
            "Hahnloser, Seung, Slotine 2003, Neural Comput 15:621 (permitted and forbidden sets)",
            "Milicevic, Itskov 2024, SIAM J Appl Math 84:2522 (combinatorial code of Dale networks)",
            "Curto et al. 2017, SIAM J Appl Algebra Geometry 1:222 (what makes a neural code convex?)",
        ),
    ),
]
