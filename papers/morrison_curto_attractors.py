"""Attractors of the 4- and 5-node CTLNs of Morrison, Degeratu, Itskov, Curto ('Diversity of emergent dynamics').

The exact graphs of the paper's Figure 1C (the 3-cycle) and Figure 3A-D (four 5-node graphs with
the same in- and out-degree sequences but different dynamics), and the 4-node graph of Figure 1C of
Morrison & Curto's book chapter, taken from the authors' companion code (CTLN Basic 2.0,
github.com/nebneuron/CTLN-Basic-2.0, examples 0 and 2-5, whose files name the figure each graph
belongs to; CTLN-bookchapter ``run_CTLN_model_script.m``), at the paper's parameters
(epsilon, delta, theta) = (0.25, 0.5, 1).  What the authors report for each graph:

* Fig 1C, 3-cycle: FP(G) = {123}, unstable; a limit cycle;
* Fig 3A: two 3-cycles but a single limit cycle, no stable fixed point;
* Fig 3B: three 3-cycles but two limit cycles;
* Fig 3C: three stable fixed points;
* Fig 3D ("baby chaos"): four chaotic attractors;
* book chapter Fig 1C (3-cycle 123 plus a source node 4 -> 1, 4 -> 3): a limit cycle on 1, 2, 3.

For each graph recnet computes FP(G) (float enumeration, cross-checked in exact rationals), then
simulates the CTLN from the authors' initial conditions and from random ones, sorts the
trajectories into attractors (stable fixed point, or a dynamic attractor told apart from the others
by its time-averaged rate vector) and classifies every dynamic attractor by its largest Lyapunov
exponent (``numerics.tln_simulate.max_lyapunov_exponent``): chaotic if lambda_1 > 0.02 / tau,
a limit cycle otherwise.  The threshold sits a decade above the finite-time spread of lambda_1 on
the limit cycles here (|lambda_1| < 3e-3 / tau over 1000 tau) and a factor ~3 below the chaotic
attractors' (about 0.06 / tau).
"""
import numpy as np

TITLE = "Attractors of the 4- and 5-node CTLNs of Morrison et al. (Fig 1C, Fig 3A-D) and Morrison & Curto (Fig 1C)"
REFERENCE = ("K. Morrison, A. Degeratu, V. Itskov, C. Curto, 'Diversity of emergent dynamics in competitive "
             "threshold-linear networks', SIAM J Appl Dyn Syst 23:855 (2024), arXiv:1605.04463, Figs 1C and 3; "
             "K. Morrison, C. Curto, 'Predicting neural network dynamics via graphical analysis' (2019), "
             "arXiv:1804.01487, Fig 1C")
PARAMS = (0.25, 0.5, 1.0)
CHAOS_THRESHOLD = 0.02  # 1/tau, see the module docstring
MEAN_TOL = 0.05  # time-averaged rates of two runs on the same attractor differ by less (rate units)

# name -> (edge list, nodes from 1; source; authors' initial conditions; what the authors report)
GRAPHS = {
    "MDIC_fig1C": ("1>2,2>3,3>1", "Morrison et al. Fig 1C", [[0.10, 0.11, 0.12]],
                   {"fp": ["123"], "n_stable": 0, "n_limit_cycles": 1, "n_chaotic": 0}),
    "MC_chapter_fig1C": ("1>2,2>3,3>1,4>1,4>3", "Morrison & Curto chapter Fig 1C", [[0, 0, 0, 0.2]],
                         {"n_stable": 0, "n_limit_cycles": 1, "n_chaotic": 0, "attractor_neurons": [1, 2, 3]}),
    "MDIC_fig3A": ("1>2,1>4,2>3,3>4,3>5,4>5,5>1,5>2", "Morrison et al. Fig 3A", [[0, 0.18, 0.30, 0, 0.34]],
                   {"n_3cycles": 2, "n_stable": 0, "n_limit_cycles": 1, "n_chaotic": 0}),
    "MDIC_fig3B": ("1>2,1>4,2>5,3>2,4>3,4>5,5>1,5>3", "Morrison et al. Fig 3B",
                   [[0.1, 0.1, 0, 0, 0.1], [0, 0.1, 0.1, 0, 0.1]],
                   {"n_3cycles": 3, "n_stable": 0, "n_limit_cycles": 2, "n_chaotic": 0}),
    "MDIC_fig3C": ("1>4,1>5,2>5,3>2,3>4,4>3,5>1,5>2", "Morrison et al. Fig 3C",
                   [[0.1, 0, 0, 0, 0.1], [0, 0.1, 0, 0, 0.1], [0, 0, 0.1, 0.1, 0]],
                   {"n_stable": 3, "n_limit_cycles": 0, "n_chaotic": 0}),
    "MDIC_fig3D": ("1>2,1>4,2>5,3>2,3>4,4>5,5>1,5>3", "Morrison et al. Fig 3D (baby chaos)",
                   [[0.1, 0.1, 0, 0, 0.1], [0, 0.1, 0.1, 0, 0.1], [0, 0, 0.1, 0.1, 0.1], [0.1, 0, 0, 0.1, 0.1]],
                   {"n_stable": 0, "n_limit_cycles": 0, "n_chaotic": 4}),
}


def three_cycles(adj):
    """Number of directed 3-cycles of the graph (networkx ``simple_cycles`` with length bound 3)."""
    import networkx as nx

    from recnet.theory.tln import ctln as ctln
    return sum(1 for c in nx.simple_cycles(ctln.to_networkx(adj), length_bound=3) if len(c) == 3)


def analyse(name, n_random=20, t_sim=500.0, seed=0, lyapunov=True):
    """FP(G), the attractors reached from the authors' and ``n_random`` random starts, and their kinds.

    Returns a dict: graph, fp (supports as '123' strings, in the enumeration's order), stable,
    exact_agrees, n_3cycles, attractors (list of dicts: kind 'fixed_point'|'limit_cycle'|'chaotic',
    mean rates, lambda_1, active neurons, number of starts), trajectory (the first authors' start).
    """
    from recnet.numerics.tln.enumerate import enumerate_ctln
    from recnet.numerics.tln.simulate import max_lyapunov_exponent, simulate_tln
    from recnet.papers._tln_plot import support_label
    from recnet.theory.tln import ctln as ctln
    from recnet.theory.tln import fixed_points as tln

    g, _, x0s, _ = GRAPHS[name]
    adj = ctln.parse_graph(g)
    n = adj.shape[0]
    eps, dlt, th = PARAMS
    W, b = ctln.ctln_weights(adj, eps, dlt), np.full(n, th)
    res = enumerate_ctln(adj, eps, dlt, th)
    ex = tln.fixed_point_supports_exact(ctln.ctln_weights_exact(adj, "1/4", "1/2"), [1] * n)
    exact_ok = [r["support"] for r in ex] == res.supports and \
        [r["stable"] for r in ex] == [fp.stable for fp in res.fixed_points]
    rng = np.random.default_rng(seed)
    X0 = np.vstack([np.asarray(x0s, float), rng.uniform(0, 0.5, (n_random, n))])
    warm = simulate_tln(W, b, X0, t_max=200.0, dt=0.01, tol=1e-10)
    sim = simulate_tln(W, b, warm.x_final, t_max=t_sim, dt=0.01, tol=1e-10, record_every=10)
    attractors = []
    for r in range(X0.shape[0]):
        if sim.converged[r]:
            m, kind = sim.x_final[r], "fixed_point"
        else:
            m, kind = sim.trajectories[r].mean(axis=0), None
        for a in attractors:
            if (a["kind"] == "fixed_point") == (kind == "fixed_point") and np.abs(a["mean"] - m).max() < MEAN_TOL:
                a["n_starts"] += 1
                break
        else:
            attractors.append({"kind": kind, "mean": m, "n_starts": 1, "start": r, "lambda_1": None,
                               "active": [int(i) + 1 for i in np.flatnonzero(m > 1e-3)]})
    for a in attractors:
        if a["kind"] is None:
            if lyapunov:
                lam, _ = max_lyapunov_exponent(W, b, warm.x_final[a["start"]], t_warm=0.0, t_sim=2 * t_sim)
                a["lambda_1"] = lam
                a["kind"] = "chaotic" if lam > CHAOS_THRESHOLD else "limit_cycle"
            else:
                a["kind"] = "dynamic"
    full = simulate_tln(W, b, X0[0], t_max=100.0, dt=0.01, tol=1e-10, record_every=10)
    return {"name": name, "graph": ctln.graph_to_string(adj), "adjacency": adj,
            "fp": [support_label(s, compact=True) for s in res.supports],
            "stable": [support_label(fp.support, compact=True) for fp in res.fixed_points if fp.stable],
            "fixed_points": res.fixed_points, "index_sum": res.index_sum, "exact_agrees": exact_ok,
            "n_3cycles": three_cycles(adj), "attractors": attractors,
            "times": full.times, "trajectory": full.trajectories[0]}


def counts(result):
    """Numbers of stable fixed points reached, limit cycles and chaotic attractors."""
    kinds = [a["kind"] for a in result["attractors"]]
    return {"n_stable": kinds.count("fixed_point"), "n_limit_cycles": kinds.count("limit_cycle"),
            "n_chaotic": kinds.count("chaotic")}


def compute(quick=False, seed=0):
    return [analyse(name, n_random=8 if quick else 20, t_sim=300.0 if quick else 500.0, seed=seed)
            for name in GRAPHS]


def make(out=None, quick=False):
    import matplotlib.pyplot as plt

    from recnet.papers import _tln_plot as tp
    from recnet.papers._script import save

    data = compute(quick=quick)
    fig, axes = plt.subplots(2, 3, figsize=(14, 8.5))
    for ax, r in zip(axes.ravel(), data):
        c = counts(r)
        lams = ", ".join(f"{a['lambda_1']:.3f}" for a in r["attractors"] if a["lambda_1"] is not None)
        src = GRAPHS[r["name"]][1]
        tp.plot_rates(ax, r["times"], r["trajectory"],
                      title=f"{src}\nG = {r['graph']}\nFP(G) = {tp.fp_list(r['fixed_points'])}\n"
                            f"reached: {c['n_stable']} stable FP, {c['n_limit_cycles']} limit cycles, "
                            f"{c['n_chaotic']} chaotic\n(lambda_1 = {lams or '-'} / tau)")
    return save(fig, out or "morrison_curto_attractors.png")


if __name__ == "__main__":
    from recnet.papers._script import run

    run(make, TITLE)
