"""Plotting pieces shared by the TLN paper scripts (curto2019_fixed_points, morrison_curto_attractors).

Supports are drawn the papers' way: nodes numbered from 1, ``{1,2,3}`` or compactly ``123``;
a fixed point is a circle coloured by its index sgn det(I - W_sigma) (blue +1, red -1), filled
when it is stable.
"""

INDEX_COLOURS = {1: "C0", -1: "C3"}


def support_label(sigma, compact=False):
    """``(0, 1, 2)`` -> ``"{1,2,3}"`` (``compact``: ``"123"``, for nodes numbered below 10)."""
    nodes = [str(int(i) + 1) for i in sigma]
    return "".join(nodes) if compact else "{" + ",".join(nodes) + "}"


def fp_list(fixed_points, compact=True):
    """``"123, 15s, ..."``: the supports of a list of FixedPoint, stable ones marked ``s``."""
    return ", ".join(support_label(fp.support, compact) + ("s" if fp.stable else "") for fp in fixed_points)


def draw_fixed_point(ax, x, y, fp, size=90):
    """One fixed point as a circle at (x, y): colour = index, filled = stable."""
    col = INDEX_COLOURS[1 if fp.index > 0 else -1]
    ax.scatter(x, y, s=size, marker="o", facecolors=col if fp.stable else "none", edgecolors=col,
               linewidths=1.5)


def fixed_point_legend(ax, **kwargs):
    """Legend entries for :func:`draw_fixed_point` markers."""
    for face, edge, lab in (("C0", "C0", "index +1, stable"), ("none", "C0", "index +1, unstable"),
                            ("none", "C3", "index -1 (unstable)")):
        ax.scatter([], [], s=60, facecolors=face, edgecolors=edge, label=lab)
    ax.legend(**kwargs)


def plot_rates(ax, times, trajectory, title="", legend=True):
    """Rate time courses x_i(t) of one trajectory (rows = times), time in units of tau."""
    for i in range(trajectory.shape[1]):
        ax.plot(times, trajectory[:, i], lw=1, color=f"C{i % 10}", label=f"x_{i + 1}")
    ax.set_xlabel("time (tau)")
    ax.set_ylabel("rate x (a.u.)")
    if title:
        ax.set_title(title, fontsize=8)
    if legend:
        ax.legend(fontsize=6, loc="upper right", ncol=2)
