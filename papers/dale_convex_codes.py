"""One Dale network graph in the weak and in the strong coupling regime: its codes and their convexity.

Network (4 neurons): excitatory 1 <-> 2, both exciting the inhibitory interneurons 3 and 4, which
inhibit each other and neuron 2.  Weak coupling: every weight 0.3-0.4 (||W||_inf < 1); strong
coupling: excitation 1.2, inhibition 2 (rho(W_EE) > 1, the interneurons cannot be co-active stably).

For each regime the figure shows every stable fixed-point support over all inputs b >= 0 (rows,
decided support by support by linear feasibility plus the Hurwitz condition, each confirmed by the
support enumeration at its witness input) and two codes read off them:

* the excitatory code (Milicevic & Itskov 2024 as read in ``recnet.theory.tln.dale``: codewords are the
  active excitatory neurons), predicted by the graph condition (G) and the spectral condition (S):
  convex in both regimes (a sublattice under weak coupling; intersection-complete always);
* the full code with the interneurons as code neurons (recnet's own definition): convex
  (max-intersection-complete) under weak coupling, but under strong coupling the mandatory codeword
  {1, 2} is missing (its link is the two points {3}, {4}): a local obstruction to convexity
  (Curto et al. 2017).
"""
from pathlib import Path

import numpy as np
from recnet.papers._script import run, save

TITLE = "A Dale network's codes under weak and strong coupling: convex, and a local obstruction"
REFERENCE = ("N. Milicevic, V. Itskov, SIAM J Appl Math 84:2522 (2024), arXiv:2211.08618; C. Curto et al., "
             "SIAM J Appl Algebra Geometry 1:222 (2017)")

TYPES = ["E", "E", "I", "I"]


def network(excitation, inhibition):
    """W[i, j] (from j onto i) of the 4-neuron graph described in the module docstring."""
    a, v = float(excitation), float(inhibition)
    W = np.zeros((4, 4))
    W[1, 0], W[0, 1] = a, 0.9 * a            # 1 <-> 2
    W[2, 0], W[3, 0] = a, a                  # 1 -> 3, 4
    W[2, 1], W[3, 1] = 0.6 * a, 0.6 * a      # 2 -> 3, 4
    W[3, 2], W[2, 3] = -v, -v                # 3 -| 4 -| 3
    W[1, 2], W[1, 3] = -0.5 * v, -0.5 * v    # 3, 4 -| 2
    return W


W_WEAK = network(0.3, 0.4)
W_STRONG = network(1.2, 2.0)


def analyse(W):
    """Codes, verdicts and witness checks of one network (dict)."""
    from recnet.numerics.tln import dale_networks as dale_networks
    from recnet.numerics.tln.enumerate import enumerate_supports
    from recnet.theory.tln import codes as codes
    from recnet.theory.tln import dale as dale

    full, wit = dale_networks.excitatory_code_lp(W, TYPES, stable=True, project=False, return_inputs=True)
    confirmed = all(sig in enumerate_supports(W, b).stable_supports for sig, b in wit.values())
    ecode_pred = dale.excitatory_code(W, TYPES, exact=True)
    ecode_lp = dale_networks.excitatory_code_lp(W, TYPES, stable=True)
    return {"full": full, "full_verdict": codes.convexity(full, 4),
            "ecode": ecode_lp, "ecode_predicted": ecode_pred, "ecode_verdict": codes.convexity(ecode_lp, 4),
            "sublattice": dale.is_sublattice(ecode_lp), "confirmed": confirmed,
            "weak": dale.weakly_coupled(W, TYPES), "norm_inf": float(np.abs(W).sum(axis=1).max()),
            "rho_ee": dale.excitatory_spectral_radius(W, TYPES)}


def _fmt(s):
    return "{" + ",".join(str(i + 1) for i in sorted(s)) + "}"


def make(out=None, quick=False):
    import matplotlib.pyplot as plt

    out = Path(out or "dale_convex_codes.png")
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.8))
    for ax, W, name in zip(axes, (W_WEAK, W_STRONG), ("weak coupling", "strong coupling")):
        r = analyse(W)
        words = sorted(r["full"], key=lambda s: (len(s), s))
        grid = np.zeros((len(words), 4))
        for k, w in enumerate(words):
            grid[k, list(w)] = 1.0
        ax.imshow(grid, cmap="Greys", aspect="auto", vmin=0, vmax=1.4)
        missing = [s for s in r["full_verdict"]["local_obstructions"]]
        ax.set_xticks(range(4))
        ax.set_xticklabels([f"{i + 1} ({t})" for i, t in enumerate(TYPES)])
        ax.set_yticks(range(len(words)))
        ax.set_yticklabels([_fmt(w) for w in words], fontsize=7)
        ax.axvline(1.5, color="tab:red", lw=1, ls="--")
        ax.set_xlabel("neuron (E: excitatory, I: inhibitory interneuron)")
        ax.set_ylabel("stable fixed-point support for some b >= 0")
        ev, fv = r["ecode_verdict"], r["full_verdict"]
        ax.set_title(
            f"{name}: ||W||_inf = {r['norm_inf']:.2f}, rho(W_EE) = {r['rho_ee']:.2f}\n"
            f"excitatory code {', '.join(_fmt(c) for c in r['ecode'])}: {ev['convex']}"
            f" ({'sublattice' if r['sublattice'] else 'intersection-complete' if ev['intersection_complete'] else ''};"
            f" (G)+(S) agree: {r['ecode_predicted'] == r['ecode']})\n"
            f"full code (with interneurons): {fv['convex']}"
            + (f", mandatory {', '.join(_fmt(s) for s in missing)} missing" if missing else "")
            + f"\nwitness inputs confirmed by enumeration: {r['confirmed']}", fontsize=8)
    return save(fig, out)


if __name__ == "__main__":
    run(make, TITLE)
