"""Validation of connectivity solution spaces against ground truth and simulation.

Three checks (Biswas & Fitzgerald 2022 framework, ``recnet.numerics.geometry``):

1. *No false certainties*: random ground-truth networks (with ||W||_2 < 1, so each input has one
   globally stable fixed point) give responses; the truth lies in the solution space whenever the
   bound admits it, so every synapse declared certain must be non-zero with the declared sign in
   the truth.  A single violation is a bug; the fraction of truly non-zero synapses recovered is
   reported against the number of patterns.
2. *Exact vs optimisation*: on small integer problems the per-synapse ranges from the cone/linear
   programs equal the exact-arithmetic enumeration (``recnet.theory.geometry.exact_ranges``).
3. *Simulation*: sampled solutions, simulated as rate networks from near each specified steady
   state, settle on it (or, where the fixed point is unstable, the report says so: the framework
   does not guarantee stability); a symmetric solution with I - W positive definite is run as a
   spike-coding network (``recnet.validation.scn.bridge``) whose rates reproduce the responses
   within its rate error.
"""
from __future__ import annotations

import math

import numpy as np

from recnet import checks
from recnet.numerics import geometry as geo
from recnet.validation.compare import ValidationResult, compare, compare_exact

__all__ = ["random_ground_truth", "certainty_study", "simulate_solutions", "spiking_check", "validate",
           "problem_check"]

#: exact (rational) cross-check of a user's neuron when it has at most this many unknown weights
EXACT_MAX_WEIGHTS = 3
#: ... and at most this many patterns (the exact enumeration is over subsets of the constraints)
EXACT_MAX_PATTERNS = 5


#: feasibility and gap tolerance set for HiGHS and Clarabel (numerics.geometry)
SOLVER_TOL = 1e-10


def solver_range_bound(ns, tol=SOLVER_TOL):
    r"""Bound on the error of a neuron's weight ranges from the convex programs' tolerances.

    Each endpoint is the optimum of q.u over {F u <= f, ||u|| <= rho} with q a row of the orthonormal
    basis N (||q|| <= 1).  The solver returns the exact optimum of a problem whose right-hand sides
    are perturbed by <= tol (1 + |f|) and whose objective is off by the gap <= tol (1 + |v|); by LP /
    conic sensitivity the optimum moves by the optimal multipliers times the perturbation, and at a
    vertex with active rows B the multipliers y_B = F_B^{-T} q have ||y_B||_1 <= sqrt(d) ||F_B^{-1}||_2.
    Taking the worst well-posed active set (every d-row subset of F with sigma_min > d eps sigma_max,
    plus the ball's unit multiplier for the l2 norm):

    .. math:: |\Delta w| \le tol\,(1 + \max|w|)(1 + \max|f|)\,(1 + \sqrt d\,\kappa_F + [\rho < \infty])

    (Bertsimas & Tsitsiklis, Introduction to Linear Optimization, sec. 5.2; Ben-Tal & Nemirovski,
    Lectures on Modern Convex Optimization, sec. 2.4 for the conic case.)
    """
    from itertools import combinations
    F = np.zeros((0, 0)) if ns.F is None else np.asarray(ns.F, float)
    d = 0 if ns.basis is None else ns.basis.shape[1]
    wmax = float(np.nanmax(np.abs(np.r_[ns.w_min, ns.w_max]))) if np.size(ns.w_min) else 0.0
    fmax = float(np.max(np.abs(ns.f))) if ns.f is not None and np.size(ns.f) else 0.0
    kappa = 0.0
    if d and F.shape[0] >= d:
        eps = np.finfo(float).eps
        for rows in combinations(range(F.shape[0]), d):
            sv = np.linalg.svd(F[list(rows)], compute_uv=False)
            if sv[-1] > d * eps * sv[0]:
                kappa = max(kappa, 1.0 / sv[-1])
    ball = 1.0 if np.isfinite(ns.rho) else 0.0
    return float(tol * (1 + wmax) * (1 + fmax) * (1 + math.sqrt(d) * kappa + ball))


RANGE_WHY = ("solver tolerance 1e-10 propagated to the range endpoints: tol (1 + max|w|)(1 + max|f|)(1 + sqrt(d) "
             "kappa_F + ball), kappa_F the largest ||F_B^-1|| over well-posed active sets "
             "(validation.geometry.solver_range_bound)")


def problem_check(m, *, quick=False, seed=None):
    """Checks on the user's own problem ``m`` (a ``recnet.models.geometry.GeometryModel``).

    1. Every sampled solution (hit-and-run, ``n`` = 4 quick / 12) of every solved neuron reproduces
       the responses: active patterns |z.w + c - r| <= eps, silent ones z.w + c <= eps, within the
       bound, and carries every certain synapse's sign.  Allowance: eps + 1e-8 (1 + max r)
       (round-off of the null-space parametrisation; the solvers work to 1e-10).
    2. Small neurons (<= 3 unknown weights, <= 5 patterns): the ranges equal the exact rational
       enumeration (``recnet.theory.geometry.exact_ranges``) within 1e-6, and so does feasibility.
    3. When every neuron is solved, eps = 0 and no active threshold: sampled solutions simulated as
       rate networks from near each pattern settle on it where it is stable (``simulate_solutions``).

    Returns (comparisons, info, space).
    """
    from fractions import Fraction

    from recnet.theory.geometry import exact_ranges

    gen = checks.rng(seed)
    R, X = m.responses, m.inputs
    space = geo.solution_space(R, X, bound=m.bound, norm=m.norm, tolerance=m.tolerance,
                               self_connections=m.self_connections, active_threshold=m.active_threshold,
                               neurons=None if m.neurons is None else [i - 1 for i in m.neurons], progress=False)
    comps, info = [], {"problem": m.name, "problem_feasible": space.feasible,
                       "problem_dimension": space.dimension}
    N = R.shape[1]
    # 2. exact oracle on small neurons (feasibility and ranges)
    worst, n_exact, feas_ok, allow = 0.0, 0, True, 0.0
    for ns in space.neurons:
        Z, c, y = geo._neuron_rows(R, X, None, np.zeros(N), ns.neuron, m.self_connections)
        y = np.where(y > m.active_threshold, y, 0.0)
        if not (0 < Z.shape[1] <= EXACT_MAX_WEIGHTS and Z.shape[0] <= EXACT_MAX_PATTERNS):
            continue
        ex = exact_ranges(Z, c, y, Fraction(m.bound), norm=m.norm, tolerance=Fraction(m.tolerance))
        n_exact += 1
        feas_ok &= bool(ex["feasible"]) == bool(ns.feasible)
        if ex["feasible"] and ns.feasible:
            exr = np.array([[float(a), float(b)] for a, b in ex["ranges"]])
            worst = max(worst, float(np.max(np.abs(exr - np.column_stack([ns.w_min, ns.w_max])))))
            allow = max(allow, solver_range_bound(ns))
    if n_exact:
        comps.append(compare_exact("problem_exact_feasibility", True, feas_ok,
                                   note=f"{n_exact} neuron(s) with <= {EXACT_MAX_WEIGHTS} unknown weights "
                                        "decided in rational arithmetic"))
        comps.append(compare("problem_exact_vs_solver_range_max_abs_diff", 0.0, worst, None, systematic=allow,
                             why=RANGE_WHY, note="rational-arithmetic ranges against the convex programs"))
    if not space.feasible:
        bad = [ns.neuron + 1 for ns in space.neurons if not ns.feasible]
        info["problem_infeasible_neurons"] = bad
        c = compare_exact("problem_sampled_solutions_reproduce_responses", True, None,
                          note=f"neurons {bad} have no solution within the bound: nothing to sample")
        comps.append(c.not_applicable("the solution space is empty"))
        return comps, info, space
    # 1. sampled solutions satisfy the steady-state equations, the bound and the certain signs
    n_s = 4 if quick else 12
    Ws, Us = geo.sample_solutions(space, n_s, seed=gen)
    worst_res, sign_bad, bound_bad, res_allow = 0.0, 0, 0, 0.0
    K = 0 if X is None else X.shape[1]
    eps = float(np.finfo(float).eps)
    for ns in space.neurons:
        i = ns.neuron
        Z, c, y = geo._neuron_rows(R, X, None, np.zeros(N), i, m.self_connections)
        act = y > m.active_threshold
        cols = [j for j in range(N) if m.self_connections or j != i]
        cond_a = float(np.linalg.cond(Z[act])) if np.any(act) and Z.shape[1] else 1.0
        cond_a = cond_a if np.isfinite(cond_a) else 1.0 / eps
        for t in range(n_s):
            w = np.r_[Ws[t, i, cols], Us[t, i] if (Us is not None and K) else []]
            res_allow = max(res_allow, (2 * Z.shape[1] + 4) * eps * (1 + cond_a) * (
                float(np.max(np.abs(Z) @ np.abs(w), initial=0.0)) + float(np.max(np.abs(c), initial=0.0))
                + float(np.max(np.abs(y), initial=0.0))))
            u = Z @ w + c
            res = np.r_[np.abs(u[act] - y[act]), np.maximum(u[~act], 0.0)] - m.tolerance
            worst_res = max(worst_res, float(np.max(res, initial=0.0)))
            nb = np.linalg.norm(w) if m.norm == "l2" else np.max(np.abs(w), initial=0.0)
            bound_bad += int(nb > m.bound * (1 + 1e-9))
            cert = ns.certain.astype(bool)
            sign_bad += int(np.any(np.sign(w[cert]) != ns.sign[cert]))
    res_why = ("round-off of the sampled weights' pattern equations: (2M + 4) eps (1 + cond(Z_active)) "
               "(max |Z||w| + max|c| + max|y|): the minimum-norm solution and null-space basis from an SVD "
               "(relative error ~ M eps cond) and the evaluation Z w + c (M + 2 roundings)")
    comps.append(compare("problem_sampled_solution_residual_hz", 0.0, max(worst_res, 0.0), None,
                         systematic=res_allow, why=res_why,
                         note=f"{n_s} hit-and-run samples per neuron; residual beyond the tolerance "
                              f"{m.tolerance:g} Hz"))
    comps.append(compare_exact("problem_sampled_solutions_within_bound", 0, bound_bad))
    comps.append(compare_exact("problem_certain_synapse_sign_in_every_sample", 0, sign_bad,
                               note=f"{int(sum(int(np.sum(ns.certain)) for ns in space.neurons))} certain synapses"))
    # 3. rate simulation of whole sampled networks
    if m.neurons is None and m.tolerance == 0 and m.active_threshold == 0:
        sims = simulate_solutions(space, R, X, n_samples=2 if quick else 4, seed=gen)
        n_stable = int(sims["stable"].sum())
        if n_stable:
            comps.append(compare("problem_sampled_solution_steady_state_error_hz", 0.0, sims["max_error"], None,
                                 systematic=sims["allowance"], why=sims["allowance_why"],
                                 note="stable sampled fixed points, rate simulation from 0.1% off"))
        comps.append(compare_exact("problem_stable_sampled_fixed_points_reached", n_stable,
                                   int(np.sum(sims["reached"] & sims["stable"]))))
        info["problem_sampled_fixed_points_stable"] = f"{n_stable} of {sims['stable'].size}"
    else:
        info["problem_simulation"] = ("not run: needs every neuron's weights (no --neurons), tolerance 0 and "
                                      "active_threshold 0 for the responses to be exact fixed points")
    return comps, info, space


def _fixed_point(W, h):
    """The unique fixed point of x = [W x + h]_+ for ||W||_2 < 1 (a contraction), polished exactly."""
    x = np.maximum(h, 0.0)
    for _ in range(10000):
        x_new = np.maximum(W @ x + h, 0.0)
        if np.max(np.abs(x_new - x)) < 1e-15 * (1 + np.max(np.abs(x))):
            x = x_new
            break
        x = x_new
    act = x > 1e-12
    xe = np.zeros_like(x)
    if act.any():
        xe[act] = np.linalg.solve(np.eye(act.sum()) - W[np.ix_(act, act)], h[act])
    if np.max(np.abs(np.maximum(W @ xe + h, 0.0) - xe)) > 1e-9 * (1 + np.max(np.abs(xe))):
        return x  # support of the polished point inconsistent: keep the iterate
    return xe


def random_ground_truth(n_neurons, n_patterns, n_inputs=3, *, density=0.5, w_norm=0.8, seed=None):
    """A random rectified-linear network and its steady states.

    W (N x N) has zero diagonal, a fraction ``density`` of non-zero Gaussian entries and spectral
    norm ``w_norm`` < 1; inputs x^mu are uniform in [0, 1] (arbitrary units) with Gaussian input
    weights U (N x K), so some neurons are silent in some patterns.  Responses r^mu (Hz) are the
    unique fixed points of r = [W r + U x^mu]_+.

    Returns
    -------
    dict with W, U, X (P, K), R (P, N).
    """
    n = checks.integer("n_neurons", n_neurons, 1)
    p = checks.integer("n_patterns", n_patterns, 1)
    k = checks.integer("n_inputs", n_inputs, 1)
    checks.in_range("density", density, 0, 1, low_inclusive=False)
    checks.in_range("w_norm", w_norm, 0, 1, low_inclusive=False, high_inclusive=False)
    gen = checks.rng(seed)
    W = gen.standard_normal((n, n)) * (gen.random((n, n)) < density)
    np.fill_diagonal(W, 0.0)
    s = np.linalg.norm(W, 2)
    if s > 0:
        W *= w_norm / s
    U = gen.standard_normal((n, k))
    X = gen.random((p, k))
    R = np.array([_fixed_point(W, U @ X[m]) for m in range(p)])
    return {"W": W, "U": U, "X": X, "R": R}


def certainty_study(n_problems, *, sizes=(3, 5, 8), patterns=(1, 2, 4, 8, 12), norm="l2",
                    bound_factor=1.1, seed=None, progress=True):
    """Count false certainties and the recovered fraction over random ground-truth problems.

    The bound is ``bound_factor`` times the largest row norm (L2) or largest weight (L-infinity)
    of the truth, so the truth is always a member of the solution space.

    Returns
    -------
    dict: n_problems, false_certainties, certain, nonzero, and per number of patterns the
    fraction of truly non-zero recurrent synapses declared certain (``recovered_by_patterns``).
    """
    from tqdm import tqdm

    gen = checks.rng(seed)
    n_problems = checks.integer("n_problems", n_problems, 1)
    false, cert, nonzero = 0, 0, 0
    by_p = {int(p): [0, 0] for p in patterns}
    for t in tqdm(range(n_problems), desc="ground-truth problems", disable=None if progress else True):
        n = int(sizes[t % len(sizes)])
        p = int(patterns[(t // len(sizes)) % len(patterns)])
        gt = random_ground_truth(n, p, 3, seed=gen)
        WU = np.hstack([gt["W"], gt["U"]])
        B = bound_factor * (np.max(np.linalg.norm(WU, axis=1)) if norm == "l2" else np.max(np.abs(WU)))
        space = geo.solution_space(gt["R"], gt["X"], bound=B, norm=norm, progress=False)
        if not space.feasible:
            raise RuntimeError(f"problem {t}: the ground truth lies in its solution space but the solver "
                               "reported it infeasible")
        off = ~np.eye(n, dtype=bool)
        truth_sign = np.sign(gt["W"])
        false += int(np.sum(space.certain & off & (space.sign != truth_sign)))
        false += int(np.sum(space.certain_u & (space.sign_u != np.sign(gt["U"]))))
        cert += int(np.sum(space.certain & off))
        nz = (gt["W"] != 0) & off
        nonzero += int(nz.sum())
        by_p[p][0] += int(np.sum(space.certain & nz))
        by_p[p][1] += int(nz.sum())
    rec = {p: (a / b if b else np.nan) for p, (a, b) in by_p.items()}
    return {"n_problems": n_problems, "false_certainties": false, "certain": cert, "nonzero": nonzero,
            "recovered_by_patterns": rec}


def simulate_solutions(space, R, X, n_samples=5, *, bias=None, input_weights=None, seed=None,
                       perturbation=1e-3, t_max=400.0):
    """Simulate sampled solutions from near each steady state; report convergence and stability.

    For each sample and pattern the rate network ``dr/dt = -r + [W r + U x^mu + b]_+`` (time in
    units of tau) starts at ``r^mu`` plus a perturbation of relative size ``perturbation``.  The
    fixed point r^mu is linearly stable when the Jacobian ``-I + D W`` (D the diagonal indicator of
    the neurons with positive input) has eigenvalues with negative real parts.

    Returns
    -------
    dict: ``max_error`` (largest |r_final - r^mu| over stable cases), ``stable`` (bool array
    samples x patterns), ``reached`` (bool array), ``n_samples``.
    """
    from recnet.numerics.tln.simulate import simulate_tln

    gen = checks.rng(seed)
    Ws, Us = geo.sample_solutions(space, n_samples, seed=gen)
    P, N = R.shape
    b = np.zeros(N) if bias is None else np.asarray(bias, float)
    stable = np.zeros((n_samples, P), bool)
    reached = np.zeros((n_samples, P), bool)
    err = np.zeros((n_samples, P))
    allow = np.zeros((n_samples, P))
    for s in range(n_samples):
        W = Ws[s]
        U = Us[s] if Us is not None else input_weights
        for m in range(P):
            h = b + (U @ X[m] if X is not None and U is not None else 0.0)
            act = (W @ R[m] + h) > 0
            J = -np.eye(N) + act[:, None] * W
            ev, V = np.linalg.eig(J)
            stable[s, m] = np.max(ev.real) < 0
            x0 = R[m] * (1 + perturbation * gen.standard_normal(N)) + perturbation * gen.random(N)
            x0 = np.maximum(x0, 0.0)
            t_run = t_max
            if stable[s, m]:
                # long enough for the linear flow's bound cond(V) e^{Re lambda_max t} |x0 - r| to fall
                # below the stopping tolerance (a slow mode, Re lambda ~ -0.02, needs ~ 700 tau)
                d0 = max(float(np.max(np.abs(x0 - R[m]))), TLN_TOL)
                t_run = max(t_max, math.log(np.linalg.cond(V) * d0 / TLN_TOL) / -float(np.max(ev.real)))
                t_run = min(t_run, TLN_T_CAP)
            sim = simulate_tln(W, h, x0[None, :], t_max=t_run, dt=0.01, tol=TLN_TOL)
            err[s, m] = np.max(np.abs(sim.x_final[0] - R[m]))
            # reached: stopped with |dx/dt| < tol, within the a-posteriori distances of the end state
            # and of r^mu (a solution up to the solver's residual) to the fixed point
            allow[s, m] = _tln_fixed_point_allowance(W, h, sim.x_final[0], R[m])
            reached[s, m] = bool(sim.converged[0]) and err[s, m] <= allow[s, m]
    max_err = float(np.max(err[stable])) if stable.any() else np.nan
    max_allow = float(np.max(allow[stable])) if stable.any() else 0.0
    return {"max_error": max_err, "stable": stable, "reached": reached, "errors": err, "n_samples": n_samples,
            "allowance": max_allow, "allowance_why": (
                "a-posteriori Newton-Kantorovich distances of the end state and of r^mu to the fixed point of "
                "-x + [W x + h]_+ (recnet.validation.fixed_point_error), largest over stable cases")}


# stopping tolerance |dx/dt| < TLN_TOL of the fixed-point simulations, and the longest run (tau)
TLN_TOL = 1e-10
TLN_T_CAP = 1e5


def _tln_fixed_point_allowance(W, h, x_end, r):
    """Allowed max |x_end - r| (2 x Newton step + round-off of each, see fixed_point_error); inf if
    either has not converged."""
    from recnet.validation.fixed_point_error import equilibrium_distance, tln_residual

    return equilibrium_distance(tln_residual(W, h), x_end, r)


def spiking_check(gt=None, *, n_neurons=4, n_patterns=3, seed=None, spikes_per_unit=50.0):
    """Run a symmetric member of a solution space as a spike-coding network, pattern by pattern.

    A ground truth with symmetric W (so that the solution space has symmetric members) gives the
    responses; ``numerics.geometry.symmetric_solution`` picks the minimum-norm symmetric member,
    and if I - W is positive definite each pattern's input ``U x^mu`` drives the spike-coding
    network of ``validation.scn_bridge``, whose rates must match r^mu within its rate error.

    Returns
    -------
    list of (pattern index, BridgeResult) and the (W, U) used.
    """
    from recnet.validation.scn.bridge import spiking_check as bridge

    gen = checks.rng(seed)
    if gt is None:
        W = gen.standard_normal((n_neurons, n_neurons))
        W = (W + W.T) / 2
        np.fill_diagonal(W, 0.0)
        W *= 0.6 / np.linalg.norm(W, 2)
        U = np.abs(gen.standard_normal((n_neurons, 2))) + 0.2
        X = gen.random((n_patterns, 2)) + 0.5
        R = np.array([_fixed_point(W, U @ X[m]) for m in range(n_patterns)])
        gt = {"W": W, "U": U, "X": X, "R": R}
    B = 1.5 * np.max(np.linalg.norm(np.hstack([gt["W"], gt["U"]]), axis=1))
    sol = geo.symmetric_solution(gt["R"], gt["X"], bound=B)
    if sol is None:
        raise RuntimeError("no symmetric member in the solution space of a symmetric ground truth")
    Ws, Us = sol
    if np.min(np.linalg.eigvalsh(np.eye(len(Ws)) - Ws)) <= 0:
        raise ValueError("the symmetric solution has I - W not positive definite: no spike-coding realisation")
    out = []
    for m in range(gt["R"].shape[0]):
        res = bridge(Ws, Us @ gt["X"][m], spikes_per_unit=spikes_per_unit, seed=gen)
        out.append((m, res))
    return out, (Ws, Us), gt


def validate(backend="numba", quick=False, seed=12345, norm="l2", n_problems=None, problem=None):
    """Validate the geometry subject: ground truth, exact oracle, rate and spiking simulation.

    ``n_problems`` random ground-truth problems (default 1000, quick 100) are checked for false
    certainties; 6 small integer problems against the exact enumeration; 5 sampled solutions of
    one problem simulated; one symmetric solution run as a spike-coding network.
    """
    if backend != "numba":
        raise checks.ParameterError("backend", backend, "the built-in simulator",
                                    f"backend = {backend!r} is not available for geometry: the rate and "
                                    "spike-coding simulations run on the built-in simulator")
    from recnet.theory.geometry import exact_ranges

    gen = checks.rng(seed)
    n_problems = n_problems or (100 if quick else 1000)
    comps, info, figs = [], {}, {}
    if problem is not None:   # the user's problem first, on its own stream of random numbers
        pc, pinfo, _ = problem_check(problem, quick=quick, seed=np.random.default_rng([int(seed), 7]))
        comps += pc
        info.update(pinfo)

    # 1. false certainties over random ground truth
    study = certainty_study(n_problems, norm=norm, seed=gen)
    comps.append(compare_exact("false_certainties", 0, study["false_certainties"],
                               note=f"{n_problems} random ground-truth problems, N in (3, 5, 8), "
                                    f"P in (1..12), {study['certain']} synapses declared certain"))
    info["recovered_fraction_by_patterns"] = {str(k): round(v, 4) for k, v in study["recovered_by_patterns"].items()}

    # 2. exact rational oracle vs the cone/linear programs
    worst, allow = 0.0, 0.0
    for t in range(6):
        M, P = int(gen.integers(2, 4)), int(gen.integers(1, 4))
        Z = gen.integers(0, 4, (P, M)).astype(float)
        c = gen.integers(-2, 2, P).astype(float)
        w = gen.integers(-3, 4, M) / 2.0
        y = np.maximum(Z @ w + c, 0.0)
        B = float(np.ceil(4 * (1.2 * np.linalg.norm(w) + 0.5)) / 4) if norm == "l2" else float(np.abs(w).max() + 0.5)
        ex = exact_ranges(Z, c, y, B, norm=norm)
        ns = geo.neuron_space(Z, c, y, B, norm=norm)
        exr = np.array([[float(a), float(b)] for a, b in ex["ranges"]])
        worst = max(worst, float(np.max(np.abs(exr - np.column_stack([ns.w_min, ns.w_max])))))
        allow = max(allow, solver_range_bound(ns))
        if list(ns.sign) != ex["sign"]:
            worst = np.inf
    comps.append(compare("exact_vs_solver_range_max_abs_diff", 0.0, worst, None, systematic=allow, why=RANGE_WHY,
                         note="6 small integer problems: rational-arithmetic ranges against the convex programs"))

    # 3. sampled solutions simulated as rate networks
    gt = random_ground_truth(6, 4, 3, seed=gen)
    B = 1.1 * np.max(np.linalg.norm(np.hstack([gt["W"], gt["U"]]), axis=1))
    space = geo.solution_space(gt["R"], gt["X"], bound=B, progress=False)
    sims = simulate_solutions(space, gt["R"], gt["X"], n_samples=3 if quick else 5, seed=gen)
    n_stable = int(sims["stable"].sum())
    comps.append(compare("sampled_solution_steady_state_error_hz", 0.0, sims["max_error"], None,
                         systematic=sims["allowance"], why=sims["allowance_why"],
                         note="largest |r_sim - r_specified| over stable sampled fixed points"))
    comps.append(compare_exact("stable_sampled_fixed_points_reached", int(n_stable),
                               int(np.sum(sims["reached"] & sims["stable"]))))
    info["sampled_fixed_points_stable"] = f"{n_stable} of {sims['stable'].size}"
    info["solution_space_dimension"] = space.dimension

    # 4. spiking check through a symmetric solution
    spk, (Ws, Us), gts = spiking_check(n_neurons=3 if quick else 4, n_patterns=2 if quick else 3,
                                       seed=gen, spikes_per_unit=30.0 if quick else 50.0)
    fp_err = max(float(np.max(np.abs(res.x_tln - gts["R"][m]))) for m, res in spk)
    fp_allow = max(_tln_fixed_point_allowance(Ws, Us @ gts["X"][m], res.x_tln, gts["R"][m]) for m, res in spk)
    comps.append(compare("symmetric_solution_fixed_point_error_hz", 0.0, fp_err, None, systematic=fp_allow,
                         why="a-posteriori Newton-Kantorovich distances of the TLN fixed point and of r^mu (a "
                             "solution up to the solver's residual) to the fixed point of -x + [W x + U x^mu]_+",
                         note="the symmetric member's TLN fixed points equal the specified responses"))
    for m, res in spk:
        comps += res.comparisons(prefix=f"spiking_pattern{m + 1}_rate")

    figs["recovery"] = _recovery_figure(study["recovered_by_patterns"])
    return ValidationResult("geometry", backend, comps, figs, info, config={"n_problems": n_problems})


def _recovery_figure(rec):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(4.5, 3.2))
    ps = sorted(rec)
    ax.plot(ps, [rec[p] for p in ps], "o-")
    ax.set_xlabel("number of patterns P")
    ax.set_ylabel("non-zero synapses certain (fraction)")
    ax.set_title("certain synapses vs patterns")
    ax.set_ylim(0, 1)
    fig.tight_layout()
    return fig
