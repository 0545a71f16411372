r"""Phases of a multi-population random rate network in a two-parameter plane (Kadmon & Sompolinsky 2015).

Couplings :math:`g_{ab} = g\,\hat g_{ab}` and :math:`J^0_{ab} = J_0\hat J_{ab}` (shapes fixed, scales
g and J0 varied); every stationary branch of :func:`recnet.numerics.dmft.populations.solve_populations`
with its stability (bulk: :math:`\rho(M) < 1` for fixed points; uniform modes: every eigenvalue of
:math:`-1 + J^0_{ab}\alpha_b\langle\phi_b'\rangle` with negative real part).  The phase of a point is
the set of its stable branches, each named

* ``fixed point``: x = 0 (mu = 0, Delta0 = 0);
* ``ferromagnetic fixed point``: a fixed point with mu != 0;
* ``chaos``: the stationary chaotic state with mu = 0;
* ``ferromagnetic chaos``: a chaotic state with mu != 0;

(``none``: no stable stationary branch; several names joined by " + ": coexistence).
Straight boundaries for odd phi with :math:`\phi'(0) = 1` and no input (zero fixed point):
:math:`g_c = \rho(\hat M)^{-1/2}` with :math:`\hat M_{ab} = \hat g_{ab}^2\alpha_b`, and
:math:`J_{0,c} = 1/\max\operatorname{Re}\operatorname{eig}(\hat J\,\mathrm{diag}\,\alpha)`
(:func:`zero_state_boundaries`).
"""
from __future__ import annotations

import numpy as np

__all__ = ["branch_name", "phase_of", "classify", "phase_grid", "zero_state_boundaries", "PHASES"]

PHASES = ("fixed point", "ferromagnetic fixed point", "chaos", "ferromagnetic chaos")
#: |mu| below which a branch counts as mu = 0 (the solver's fixed points converge to ~1e-12)
MU_ZERO = 1e-6


def branch_name(b):
    """The phase name of one branch (see the module docstring)."""
    ferro = float(np.max(np.abs(b["mu"]))) > MU_ZERO
    if b["branch"] == "chaotic":
        return "ferromagnetic chaos" if ferro else "chaos"
    return "ferromagnetic fixed point" if ferro else "fixed point"


def phase_of(sol):
    """Phase label of a ``solve_populations`` result: the stable branches' names, sorted, joined."""
    names = sorted({branch_name(b) for b in sol["branches"] if b["stable"]}, key=PHASES.index)
    return " + ".join(names) if names else "none"


def classify(alpha, g_shape, j_shape, g, j0, phi, i0=0.0):
    """(phase label, solve_populations result) at scales (g, j0)."""
    from recnet.numerics.dmft.populations import solve_populations
    sol = solve_populations(alpha, g * np.asarray(g_shape, float), j0 * np.asarray(j_shape, float), phi, i0)
    return phase_of(sol), sol


def phase_grid(alpha, g_shape, j_shape, gs, j0s, phi, i0=0.0):
    """Phase labels on the grid (list of lists, rows j0, columns g) and per point the largest
    chaotic lambda_max (NaN when no stable chaotic branch) and the largest |mu| of a stable branch."""
    labels, lam, mus = [], np.full((len(j0s), len(gs)), np.nan), np.full((len(j0s), len(gs)), np.nan)
    for i, j in enumerate(j0s):
        row = []
        for k, g in enumerate(gs):
            lab, sol = classify(alpha, g_shape, j_shape, float(g), float(j), phi, i0)
            row.append(lab)
            st = [b for b in sol["branches"] if b["stable"]]
            ch = [b["lambda_max"] for b in st if b["chaotic"]]
            if ch:
                lam[i, k] = max(ch)
            if st:
                mus[i, k] = max(float(np.max(np.abs(b["mu"]))) for b in st)
        labels.append(row)
    return labels, lam, mus


def zero_state_boundaries(alpha, g_shape, j_shape):
    """(g_c, J0_c) of the zero fixed point for odd phi with phi'(0) = 1 and no input: bulk onset
    rho(g^2 ghat^2 alpha) = 1 and uniform-mode instability J0 max Re eig(jhat alpha) = 1 (inf if
    that eigenvalue is <= 0)."""
    a = np.asarray(alpha, float)
    rho = float(np.max(np.abs(np.linalg.eigvals(np.asarray(g_shape, float) ** 2 * a[None, :]))))
    lam = float(np.max(np.linalg.eigvals(np.asarray(j_shape, float) * a[None, :]).real))
    return 1.0 / np.sqrt(rho), (1.0 / lam if lam > 0 else float("inf"))
