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


def _ferromagnetic_chaos(sol, alpha, G, J0, phi, i0):
    r"""Chaotic branches with mu != 0 started off a mu = 0 chaotic branch along its unstable uniform
    mode (``solve_populations`` starts chaotic states from fixed points only, and the ferromagnetic
    fixed point can be absent where ferromagnetic chaos is the state: then it finds no stable
    branch).  Appended to ``sol["branches"]`` with their stability; returns how many were added."""

    from recnet.numerics.dmft import populations as PP
    a, G, J0, trs, I = PP.check_structure(alpha, G, J0, phi, i0)
    seeds = [b for b in sol["branches"] if b["branch"] == "chaotic" and not b["uniform_mode_stable"]
             and float(np.max(np.abs(b["mu"]))) <= MU_ZERO]
    added = 0
    for b in seeds:
        ev, V = np.linalg.eig(PP.uniform_mode_matrix(a, J0, trs, b["mu"], b["delta0"]))
        v = np.real(V[:, int(np.argmax(ev.real))])
        v = v / np.max(np.abs(v))
        for c in (1.0, -1.0, 0.5, -0.5, 2.0, -2.0):
            st = PP.chaotic_state(a, G, J0, trs, I, guess={"mu": c * v, "delta0": b["delta0"]})
            if st is None or float(np.max(np.abs(st["mu"]))) <= MU_ZERO:
                continue
            if any(x["branch"] == "chaotic" and np.allclose(x["mu"], st["mu"], atol=1e-5) for x in sol["branches"]):
                continue
            ly = PP.lyapunov_chaotic(st, a, G, trs)
            M = G ** 2 * a[None, :] * PP._second_moments(trs, st["mu"], st["delta0"], 1)[None, :]
            eu = np.linalg.eigvals(PP.uniform_mode_matrix(a, J0, trs, st["mu"], st["delta0"]))
            stable = bool(np.all(eu.real < 0))
            sol["branches"].append({
                "branch": "chaotic", "mu": st["mu"], "delta0": st["delta0"], "delta_inf": st["delta_inf"],
                "temporal_variance": st["temporal_variance"], "chaos_radius": PP._spectral_radius(M),
                "lambda_max": ly["lambda_max"], "uniform_mode_eigenvalues": eu, "uniform_mode_stable": stable,
                "bulk_stable": True, "chaotic": True, "tau_end": st["t_end"], "state": st, "stable": stable})
            added += 1
    if added:
        sol["chaotic"] = any(x["chaotic"] and x["stable"] for x in sol["branches"])
    return added


def classify(alpha, g_shape, j_shape, g, j0, phi, i0=0.0):
    """(phase label, solve_populations result) at scales (g, j0), with the ferromagnetic chaotic
    states grown from a uniform-unstable mu = 0 chaotic state (:func:`_ferromagnetic_chaos`)."""
    from recnet.numerics.dmft.populations import solve_populations
    G, J = g * np.asarray(g_shape, float), j0 * np.asarray(j_shape, float)
    sol = solve_populations(alpha, G, J, phi, i0)
    _ferromagnetic_chaos(sol, alpha, G, J, phi, i0)
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
