"""Subject ``tln``: fixed-point supports, index, stability, graph rules and code convexity of
threshold-linear networks (CTLNs from a graph, or any W and b)."""
from recnet.registry import Option, Subject

GRAPH_HELP = ("directed graph as an edge list with nodes from 1 ('1>2,2>3,3>1', '1<>2' for both "
              "directions) or a file with such a list or a 0/1 adjacency matrix (rows = sources); "
              "'empty' for no edges")


def _network(graph, n, epsilon, delta, theta, weights, b):
    """Build (W, b, adjacency or None, description) from the CLI options."""
    import numpy as np

    from recnet import checks
    from recnet.theory import ctln

    n = checks.integer("n", n, minimum=0, maximum=26)
    if weights:
        path = str(weights)
        try:
            if path.endswith(".npy"):
                W = np.load(path)
            else:  # comma- or whitespace-separated rows
                with open(path) as fh:
                    text = fh.read()
                W = np.loadtxt(path, delimiter="," if "," in text else None, ndmin=2)
        except (OSError, ValueError) as exc:
            raise ValueError(f"weights = {path!r} cannot be read: {exc}") from None
        W = checks.square_matrix("weights", W)
        adj = None
        size = W.shape[0]
    else:
        epsilon, delta, theta = ctln.check_parameters(epsilon, delta, theta)
        if graph.strip().lower() == "empty":
            if n < 1:
                raise ValueError("graph = 'empty' needs --n (number of nodes) >= 1")
            adj = np.zeros((n, n), bool)
        else:
            adj = ctln.parse_graph(graph, n or None)
        W = ctln.ctln_weights(adj, epsilon, delta)
        size = adj.shape[0]
    if b is None or str(b).strip() == "":
        if weights:
            raise ValueError("--b is required with --weights: a number or a comma-separated list of N inputs")
        bv = np.full(size, theta)
    else:
        try:
            vals = [float(v) for v in str(b).split(",")]
        except ValueError:
            raise ValueError(f"b = {b!r} is invalid: a number or a comma-separated list of numbers") from None
        bv = np.full(size, vals[0]) if len(vals) == 1 else checks.array("b", vals, ndim=1, shape=(size,))
        if adj is not None and not np.allclose(bv, bv[0]):
            adj = None  # graph rules assume b = theta 1
        elif adj is not None:
            theta = checks.positive("b", float(bv[0]))
    return W, bv, adj


def _derive():
    from recnet.theory import ctln, tln
    out = dict(tln.equations(2))
    out.update(ctln.equations())
    return out


def _dale_block(W):
    """For a weight matrix that obeys Dale's law: its excitatory code over inputs b >= 0 (the graph
    plus spectral characterisation of recnet.theory.dale, after Milicevic & Itskov 2024); None otherwise."""
    from recnet.theory import codes, dale

    if not dale.is_dale(W):
        return None
    types = dale.neuron_types(W)
    inhibited, _ = dale.inhibited_excitatory(W, types)
    words = dale.excitatory_code(W, types)
    v = codes.convexity([w for w in words if w], W.shape[0])
    return {"neuron_types": types,
            "inhibited_excitatory": [i + 1 for i in inhibited],
            "excitatory_spectral_radius": dale.excitatory_spectral_radius(W, types),
            "weakly_coupled": dale.weakly_coupled(W, types),
            "excitatory_code": [[i + 1 for i in w] for w in words],
            "excitatory_code_convex": v["convex"], "excitatory_code_convexity_reason": v["reason"]}


def _predict(graph="1>2,2>3,3>1", n=0, epsilon=0.25, delta=0.5, theta=1.0, weights="", b="",
             code="all", exact=False):
    import numpy as np

    from recnet.numerics import tln_enumerate
    from recnet.theory import codes, graph_rules, tln

    if code not in ("all", "stable"):
        raise ValueError(f"code = {code!r} is invalid: choose 'all' or 'stable'")
    W, bv, adj = _network(graph, n, epsilon, delta, theta, weights, b)
    N = W.shape[0]
    res = tln_enumerate.enumerate_supports(W, bv, adjacency=adj)
    supports = []
    for fp in res.fixed_points:
        rec = {"neurons": [i + 1 for i in fp.support], "index": fp.index, "stable": fp.stable,
               "x": [float(v) for v in fp.x]}
        if adj is not None and N <= 12:
            verdict, rule = graph_rules.decide(adj, fp.support)
            rec["graph_rule"] = rule if verdict else None
        supports.append(rec)
    out = {"n": N, "supports": supports, "n_fixed_points": len(supports),
           "n_stable": sum(1 for s in supports if s["stable"]), "index_sum": res.index_sum}
    if adj is not None:
        from recnet.theory import ctln
        out.update({"graph": ctln.graph_to_string(adj), "epsilon": epsilon, "delta": delta, "theta": float(bv[0]),
                    "sinks": [i + 1 for i in graph_rules.sinks(adj)]})
    out["n_candidates"] = res.n_candidates
    out["n_pruned_by_graph_rules"] = res.n_pruned
    out["n_flagged_round_off"] = res.n_flagged
    if exact:
        if N > 10:
            raise ValueError(f"exact = True needs N <= 10 neurons, got {N}")
        ex = tln.fixed_point_supports_exact(W, bv)
        out["exact_supports_agree"] = [r["support"] for r in ex] == res.supports and \
            [r["stable"] for r in ex] == [fp.stable for fp in res.fixed_points]
    if adj is None and N <= 16:
        out["dale"] = _dale_block(W)
    words = [fp.support for fp in res.fixed_points if code == "all" or fp.stable]
    if len(words) <= 200:
        v = codes.convexity(words, N)
        out["code"] = {
            "codewords": codes.format_code(codes.normalize_code(words)),
            "convex": v["convex"], "reason": v["reason"],
            "intersection_complete": v["intersection_complete"],
            "max_intersection_complete": v["max_intersection_complete"],
            "local_obstructions": None if v["local_obstructions"] is None else
            [sorted(i + 1 for i in s) for s in v["local_obstructions"]],
            "mandatory_codewords": None if v["mandatory_codewords"] is None else
            [sorted(i + 1 for i in s) for s in v["mandatory_codewords"]],
        }
    return out


def _validate(backend="numba", quick=False, seed=12345, graph="1>2,2>3,3>1", n=0, epsilon=0.25, delta=0.5,
              theta=1.0, weights="", b="", n_init=0):
    from recnet.validation import tln as vtln
    W, bv, adj = _network(graph, n, epsilon, delta, theta, weights, b)
    if backend not in ("numba", "nest"):
        raise ValueError(f"backend = {backend!r} is invalid for tln: choose 'numba' or 'nest'")
    return vtln.validate(W, bv, adjacency=adj, quick=quick, seed=seed, n_init=n_init or None, backend=backend)


SUBJECTS = [
    Subject(
        "tln", 4,
        "threshold-linear networks: fixed-point supports, index, stability, graph rules, convex codes",
        options=(
            Option("graph", "1>2,2>3,3>1", GRAPH_HELP, type=str),
            Option("n", 0, "number of nodes (0: the largest node in --graph)", type=int),
            Option("epsilon", 0.25, "CTLN weak inhibition: W_ij = -1 + epsilon for j -> i; 0 < epsilon < delta/(delta+1)"),
            Option("delta", 0.5, "CTLN strong inhibition: W_ij = -1 - delta for no edge j -> i; delta > 0"),
            Option("theta", 1.0, "CTLN input to every neuron (rate units); theta > 0"),
            Option("weights", "", "weight matrix file (CSV or .npy, W[i, j] from j onto i); replaces --graph",
                   type=str),
            Option("b", "", "inputs: one number or N comma-separated numbers (default theta)", type=str),
            Option("code", "all", "code from the supports of all fixed points or only the stable ones",
                   type=str, choices=("all", "stable")),
            Option("exact", False, "cross-check every support in exact rational arithmetic (N <= 10)", type=bool),
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
