"""Fixed points of every CTLN on three nodes, with index and stability (cf. Curto, Geneson, Morrison 2019).

For each of the 16 directed graphs on 3 nodes (one per isomorphism class) the figure marks every
fixed-point support FP(G) (filled: stable), coloured by its index sgn det(I - W_sigma), at the
standard parameters (epsilon, delta, theta) = (0.25, 0.5, 1).  The supports are computed by the
numba enumeration and re-derived in exact rational arithmetic (Cramer determinants, Routh-Hurwitz);
the title reports whether the two agree, whether every graph's indices sum to +1 (parity), and
whether FP(G) is the same at two other legal parameter sets (for n = 3 the fixed-point supports
depend on the graph only).  Examples from the paper: the 3-cycle has FP(G) = {123} (unstable), the
complete graph {123} (stable), the empty graph all seven subsets.
"""
from pathlib import Path


TITLE = "Fixed-point supports of all 3-node CTLNs (index, stability)"
REFERENCE = "C. Curto, J. Geneson, K. Morrison, Neural Comput 31:94 (2019)"
PARAMS = [(0.25, 0.5, 1.0), (0.1, 0.3, 2.0), (0.01, 0.02, 0.5)]


def compute():
    from recnet.numerics.tln_enumerate import digraphs, enumerate_ctln
    from recnet.theory import ctln, tln

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
    from recnet.theory import tln

    out = Path(out or "curto2019_fixed_points.png")
    rows, exact_ok, parity_ok, param_ok = compute()
    subsets = tln.all_supports(3)[1:]
    fig, ax = plt.subplots(figsize=(11, 4.8))
    for g, (name, fps) in enumerate(rows):
        for fp in fps:
            y = subsets.index(fp.support)
            col = "C0" if fp.index > 0 else "C3"
            ax.scatter(g, y, s=90, marker="o", facecolors=col if fp.stable else "none", edgecolors=col,
                       linewidths=1.5)
    ax.scatter([], [], s=60, facecolors="C0", edgecolors="C0", label="index +1, stable")
    ax.scatter([], [], s=60, facecolors="none", edgecolors="C0", label="index +1, unstable")
    ax.scatter([], [], s=60, facecolors="none", edgecolors="C3", label="index -1 (unstable)")
    ax.set_yticks(range(len(subsets)))
    ax.set_yticklabels(["{" + ",".join(str(i + 1) for i in s) + "}" for s in subsets])
    ax.set_xticks(range(len(rows)))
    ax.set_xticklabels([r[0] for r in rows], rotation=70, fontsize=7)
    ax.set_xlabel("graph (edge list, nodes from 1)")
    ax.set_ylabel("fixed-point support sigma")
    ax.set_title(f"(eps, delta, theta) = {PARAMS[0]}: exact rationals agree: {exact_ok}; indices sum to +1: "
                 f"{parity_ok}; FP(G) same at {PARAMS[1]} and {PARAMS[2]}: {param_ok}", fontsize=8)
    ax.legend(fontsize=7, loc="upper left")
    fig.tight_layout()
    fig.savefig(out, dpi=120)
    plt.close(fig)
    return out


if __name__ == "__main__":
    from recnet.papers._script import run

    run(make, TITLE)
