"""Fixed points of every CTLN on three nodes, with index and stability (Curto, Geneson, Morrison 2019).

For each of the 16 directed graphs on 3 nodes (one per isomorphism class) the figure marks every
fixed-point support FP(G) (filled: stable), coloured by its index sgn det(I - W_sigma), at the
standard parameters (epsilon, delta, theta) = (0.25, 0.5, 1).  The supports are computed by the
numba enumeration and re-derived in exact rational arithmetic (Cramer determinants, Routh-Hurwitz);
the title reports whether the two agree, whether every graph's indices sum to +1 (parity), and
whether FP(G) is the same at two other legal parameter sets (for n = 3 the fixed-point supports
depend on the graph only).  The graphs whose FP(G) the paper states are listed in ``PUBLISHED``
and checked by ``tests/test_tln_papers.py``.
"""
TITLE = "Fixed-point supports of all 3-node CTLNs (index, stability)"
REFERENCE = "C. Curto, J. Geneson, K. Morrison, Neural Comput 31:94 (2019)"
PARAMS = [(0.25, 0.5, 1.0), (0.1, 0.3, 2.0), (0.01, 0.02, 0.5)]

# graph (edge list, nodes from 1; "" = no edges) -> (FP(G) as stated in CGM19, stable supports)
# 3-cycle: FP(G) = {123}, unstable; complete graph (a target-free clique): {123}, stable;
# empty graph: every nonempty subset (independent sets of sinks), only the singletons stable.
PUBLISHED = {
    "1>2,2>3,3>1": (["123"], []),
    "1<>2,2<>3,1<>3": (["123"], ["123"]),
    "": (["1", "2", "3", "12", "13", "23", "123"], ["1", "2", "3"]),
}


def published_check(params=PARAMS[0]):
    """For each graph of ``PUBLISHED``: (graph, published FP(G), recnet FP(G), published stable, recnet stable)."""
    import numpy as np

    from recnet.numerics.tln.enumerate import enumerate_ctln
    from recnet.papers._tln_plot import support_label
    from recnet.theory.tln import ctln as ctln

    out = []
    for g, (fp, st) in PUBLISHED.items():
        adj = ctln.parse_graph(g, 3) if g else np.zeros((3, 3), bool)
        r = enumerate_ctln(adj, *params)
        out.append((g or "(no edges)", fp, [support_label(s, True) for s in r.supports], st,
                    [support_label(s, True) for s in r.stable_supports]))
    return out


def compute():
    from recnet.numerics.tln.enumerate import digraphs, enumerate_ctln
    from recnet.theory.tln import ctln as ctln
    from recnet.theory.tln import fixed_points as tln

    rows = []
    exact_ok = parity_ok = param_ok = True
    for adj in digraphs(3):
        res = enumerate_ctln(adj, *PARAMS[0])
        ex = tln.fixed_point_supports_exact(ctln.ctln_weights_exact(adj, "0.25", "0.5"), [1, 1, 1])
        exact_ok &= [r["support"] for r in ex] == res.supports and \
            [r["stable"] for r in ex] == [fp.stable for fp in res.fixed_points]
        parity_ok &= res.index_sum == 1
        for p in PARAMS[1:]:
            param_ok &= enumerate_ctln(adj, *p).supports == res.supports
        rows.append((ctln.graph_to_string(adj) or "(no edges)", res.fixed_points))
    return rows, exact_ok, parity_ok, param_ok


def make(out=None, quick=False):
    import matplotlib.pyplot as plt

    from recnet.papers import _tln_plot as tp
    from recnet.papers._script import save
    from recnet.theory.tln import fixed_points as tln

    rows, exact_ok, parity_ok, param_ok = compute()
    subsets = tln.all_supports(3)[1:]
    fig, ax = plt.subplots(figsize=(11, 4.8))
    for g, (name, fps) in enumerate(rows):
        for fp in fps:
            tp.draw_fixed_point(ax, g, subsets.index(fp.support), fp)
    ax.set_yticks(range(len(subsets)))
    ax.set_yticklabels([tp.support_label(s) for s in subsets])
    ax.set_xticks(range(len(rows)))
    ax.set_xticklabels([r[0] for r in rows], rotation=70, fontsize=7)
    ax.set_xlabel("graph (edge list, nodes from 1)")
    ax.set_ylabel("fixed-point support sigma")
    ax.set_title(f"(eps, delta, theta) = {PARAMS[0]}: exact rationals agree: {exact_ok}; indices sum to +1: "
                 f"{parity_ok}; FP(G) same at {PARAMS[1]} and {PARAMS[2]}: {param_ok}", fontsize=8)
    tp.fixed_point_legend(ax, fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return save(fig, out or "curto2019_fixed_points.png")


if __name__ == "__main__":
    from recnet.papers._script import run

    run(make, TITLE)
