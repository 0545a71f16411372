"""Exhaustive families of small Dale networks and the comparison of their codes (Milicevic & Itskov 2024).

``dale_networks(n, regime, seed)`` yields every E/I-labelled directed graph on ``n`` nodes (one graph
per isomorphism class, every E/I labelling of it) with random weights on its edges in a coupling
regime; ``check_network`` compares, on one network, the excitatory code predicted by the two
conditions of ``recnet.theory.tln.dale.excitatory_code`` with the code decided input by input
(``excitatory_code_lp`` below: one linear program per support, scipy HiGHS) and with the fixed points that the support enumeration
``recnet.numerics.tln.enumerate.enumerate_supports`` finds at the witness inputs and at random
nonnegative inputs.  ``python -m recnet.numerics.tln.dale_networks`` runs the full census and prints counts.
"""
from __future__ import annotations

import numpy as np

from itertools import combinations

from recnet import checks
from recnet.theory.tln import dale as dale

__all__ = ["code_over_inputs", "excitatory_code_lp", "REGIMES", "dale_weights", "dale_networks", "check_network", "census"]

def code_over_inputs(W, inputs="positive", stable=True, return_inputs=False):
    """Supports sigma (nonempty, 0-based) of fixed points of (W, b) for some b in the input class,
    decided by linear feasibility (scipy HiGHS); with ``stable`` only stable ones (spectral
    condition Re eig(-I + W_sigma) < 0).  N <= 12.  With ``return_inputs`` also a dict
    sigma -> one witness input b (a network (W, b) that has the fixed point on sigma)."""
    from scipy.optimize import linprog

    W = checks.square_matrix("W", W)
    dale._check_inputs(inputs)
    n = W.shape[0]
    if n > 12:
        raise checks.ParameterError("W", f"N = {n}", "N <= 12",
                                    f"N = {n} is too large for the input-space code: must be <= 12")
    lb_b = 1.0 if inputs == "positive" else 0.0
    out, witness = [], {}
    for s in range(1, n + 1):
        for sig in combinations(range(n), s):
            sl = list(sig)
            if stable and np.linalg.eigvals(-np.eye(s) + W[np.ix_(sl, sl)]).real.max() >= 0:
                continue
            rest = [k for k in range(n) if k not in sig]
            # variables: x_sigma (s), b_rest (n - s); b_sigma = (I - W_sigma) x_sigma >= lb_b
            A_ub, b_ub = [], []
            M = np.eye(s) - W[np.ix_(sl, sl)]
            for r in range(s):  # -(M x)_r <= -lb_b
                A_ub.append(np.concatenate([-M[r], np.zeros(n - s)]))
                b_ub.append(-lb_b)
            for t, k in enumerate(rest):  # b_k + W_k,sigma x <= 0
                row = np.zeros(n)
                row[:s] = W[k, sl]
                row[s + t] = 1.0
                A_ub.append(row)
                # positive inputs: the strict problem (b > 0, input < 0) is a cone, so <= -1 is
                # equivalent to < 0 and keeps the witness off the boundary; b >= 0 allows input 0
                b_ub.append(-1.0 if inputs == "positive" else 0.0)
            bounds = [(1.0, None)] * s + [(lb_b, None)] * (n - s)
            r = linprog(np.zeros(n), A_ub=np.array(A_ub), b_ub=np.array(b_ub), bounds=bounds, method="highs")
            if r.status == 0:
                out.append(sig)
                b = np.zeros(n)
                b[sl] = M @ r.x[:s]
                b[rest] = r.x[s:]
                witness[sig] = b
            elif r.status not in (2,):  # 2 = infeasible
                raise RuntimeError(f"linear program for sigma = {sig} ended with status {r.status}: {r.message}")
    return (out, witness) if return_inputs else out


def _hurwitz(J):
    lam = np.linalg.eigvals(J).real.max() if J.size else -1.0
    if abs(lam) < 1e-9:
        from recnet.theory.tln.fixed_points import hurwitz_stable_exact, to_fraction_matrix
        return bool(hurwitz_stable_exact(to_fraction_matrix(J)))
    return bool(lam < 0)


def excitatory_code_lp(W, types=None, stable=False, return_inputs=False, project=True):
    """The code over inputs b >= 0 decided directly, support by support (the oracle for
    ``excitatory_code``; N <= 12).

    For every active set sigma (excitatory and inhibitory neurons) a linear feasibility problem
    (scipy HiGHS) decides whether some b >= 0 has a fixed point with support exactly sigma: x_sigma >= 1,
    b_sigma = (I - W_sigma) x_sigma >= 1 and, for k outside sigma with W_{k,sigma} != 0, b_k = 0 and
    W_{k,sigma} x_sigma <= -1 (all homogeneous, so the margins are the strict inequalities up to scale;
    an outsider with W_{k,sigma} = 0 gets b_k = 0 and input exactly 0).  Boundary cases (an input
    exactly balanced) are excluded, as under MI24's Ground Assumption.  With ``stable`` sigma must also
    make -I + W_sigma Hurwitz.  Returns the codewords sigma & E (``project``) or sigma, sorted; with
    ``return_inputs`` also {codeword: (sigma, b)} witnesses.
    """
    from scipy.optimize import linprog

    W, E, I = dale._check_dale(W, types)
    n = W.shape[0]
    if n > 12:
        raise checks.ParameterError("W", f"N = {n}", "N <= 12",
                                    f"N = {n} is too large for the linear-programming code: must be <= 12")
    found, wit = set(), {}
    found.add(())
    wit[()] = ((), np.zeros(n))
    for s in range(1, n + 1):
        for sig in combinations(range(n), s):
            key = tuple(i for i in sig if i in E) if project else sig
            if key in found:
                continue  # one witness per codeword is enough
            sl = list(sig)
            rest = [k for k in range(n) if k not in sig]
            Wk = W[np.ix_(rest, sl)]
            touched = [t for t in range(len(rest)) if (Wk[t] != 0).any()]
            if any((Wk[t] >= 0).all() for t in touched):
                continue  # pure excitation onto an outsider: its input is > 0 for every x_sigma > 0
            if stable and not _hurwitz(-np.eye(s) + W[np.ix_(sl, sl)]):
                continue
            M = np.eye(s) - W[np.ix_(sl, sl)]
            A = np.vstack([-M, Wk[touched]]) if touched else -M
            r = linprog(np.zeros(s), A_ub=A, b_ub=-np.ones(A.shape[0]), bounds=[(1.0, None)] * s, method="highs")
            if r.status == 0:
                found.add(key)
                b = np.zeros(n)
                b[sl] = M @ r.x
                wit.setdefault(key, (sig, b))
            elif r.status != 2:
                raise RuntimeError(f"linear program for sigma = {sig} ended with status {r.status}: {r.message}")
    code = sorted(found, key=lambda c: (len(c), c))
    return (code, {c: wit[c] for c in code}) if return_inputs else code


REGIMES = {
    # |W_ij| drawn uniformly in (low, high), then (weak only) rows rescaled so ||W||_inf <= 0.95
    "weak": (0.05, 1.0),
    "strong": (1.0, 3.0),
    "mixed": (0.1, 3.0),
}


def dale_weights(adj, types, regime="weak", seed=None):
    """Weights on graph ``adj`` (``adj[i, j]``: edge i -> j) with column signs from ``types``.

    regime ``weak``: magnitudes U(0.05, 1), rows rescaled to sum_j |W_ij| <= 0.95 (so ||W||_inf < 1:
    rho(W_EE) < 1 and every -I + W_sigma Hurwitz); ``strong``: every nonzero |W_ij| in U(1, 3);
    ``mixed``: U(0.1, 3).  Zero diagonal.
    """
    if regime not in REGIMES:
        raise checks.ParameterError("regime", regime, f"one of {sorted(REGIMES)}",
                                    f"regime = {regime!r} is invalid: choose one of {sorted(REGIMES)}")
    rng = checks.rng(seed)
    adj = np.asarray(adj, dtype=bool)
    n = adj.shape[0]
    lo, hi = REGIMES[regime]
    mag = rng.uniform(lo, hi, (n, n)) * adj.T  # W[i, j] != 0 iff j -> i
    np.fill_diagonal(mag, 0.0)
    if regime == "weak":
        rs = mag.sum(axis=1)
        scale = np.where(rs > 0.95, 0.95 / np.maximum(rs, 1e-300), 1.0)
        mag = mag * scale[:, None]
    sign = np.array([1.0 if t == "E" else -1.0 for t in types])
    return mag * sign[None, :]


def dale_networks(n, regime="weak", seed=None, up_to_isomorphism=True):
    """Yield (adj, types, W) for every digraph on n <= 4 nodes and every E/I labelling."""
    from itertools import product

    from recnet.numerics.tln.enumerate import digraphs

    n = checks.integer("n", n, minimum=1, maximum=4)
    rng = checks.rng(seed)
    for adj in digraphs(n, up_to_isomorphism=up_to_isomorphism):
        for lab in product("EI", repeat=n):
            yield adj, list(lab), dale_weights(adj, lab, regime, rng)


def check_network(W, types, stable_code=True, n_random_inputs=20, seed=None):
    """Compare the predicted and the decided codes of one Dale network.

    Returns a dict: ``predicted`` (two conditions, exact rational arithmetic), ``lp`` (fixed points,
    b >= 0), ``lp_stable`` (stable fixed points), ``witnesses_confirmed`` (the enumeration finds every
    LP witness support at its input, stable where required), ``random_inputs_consistent`` (every
    fixed point the enumeration finds at random sparse inputs b >= 0 projects onto a codeword) and
    ``degenerate`` (some rho(W_UU) exactly 1).
    """
    from recnet.numerics.tln.enumerate import enumerate_supports
    from recnet.theory.tln import dale as dale

    rng = checks.rng(seed)
    E = [i for i, t in enumerate(types) if t == "E"]
    pred = dale.excitatory_code(W, types, exact=True)
    degenerate = any(dale.codeword_conditions(W, a, types)["degenerate"] for a in pred)
    lp, wit = excitatory_code_lp(W, types, stable=False, return_inputs=True)
    out = {"predicted": pred, "lp": lp, "degenerate": degenerate}
    confirmed = True
    for key, (sig, b) in wit.items():
        res = enumerate_supports(W, b)
        confirmed &= sig in res.supports
    if stable_code:
        lps, wits = excitatory_code_lp(W, types, stable=True, return_inputs=True)
        out["lp_stable"] = lps
        for key, (sig, b) in wits.items():
            confirmed &= sig in enumerate_supports(W, b).stable_supports
    out["witnesses_confirmed"] = bool(confirmed)
    consistent = True
    codes = set(lp)
    codes_s = set(out.get("lp_stable", []))
    n = W.shape[0]
    for _ in range(n_random_inputs):
        b = rng.exponential(1.0, n) * (rng.random(n) < 0.6)
        res = enumerate_supports(W, b)
        for fp in res.fixed_points:
            if fp.degenerate:
                continue  # an input exactly 0 off the support: the boundary the oracle excludes
            a = tuple(i for i in fp.support if i in E)
            consistent &= a in codes
            if stable_code and fp.stable:
                consistent &= a in codes_s
    out["random_inputs_consistent"] = bool(consistent)
    return out


def census(n_max=4, regimes=("weak", "strong", "mixed"), seed=2024, n_random_inputs=10, progress=True):
    """Run ``check_network`` on every E/I-labelled digraph up to ``n_max`` nodes in each regime and count.

    Returns {regime: {counters}}: networks, predicted == lp, witnesses confirmed, random inputs
    consistent, weak: stable code == predicted and sublattice, every regime: stable code
    intersection-complete, predicted code intersection-complete.
    """
    from tqdm import tqdm

    from recnet.theory.tln import dale as dale

    rng = checks.rng(seed)
    result = {}
    for regime in regimes:
        c = dict(networks=0, match=0, degenerate=0, witnesses=0, random_ok=0, stable_eq_pred=0,
                 pred_sublattice=0, pred_intersection_complete=0, stable_intersection_complete=0,
                 stable_union_closed=0, failures=[])
        nets = [net for n in range(1, n_max + 1) for net in dale_networks(n, regime, rng)]
        for adj, types, W in tqdm(nets, desc=regime, disable=None if progress else True):
            r = check_network(W, types, True, n_random_inputs, rng)
            c["networks"] += 1
            ok = r["predicted"] == r["lp"]
            c["match"] += ok
            c["degenerate"] += r["degenerate"]
            c["witnesses"] += r["witnesses_confirmed"]
            c["random_ok"] += r["random_inputs_consistent"]
            c["stable_eq_pred"] += r["lp_stable"] == r["predicted"]
            c["pred_sublattice"] += dale.is_sublattice(r["predicted"])
            c["pred_intersection_complete"] += dale.is_intersection_closed(r["predicted"], include_empty=True)
            c["stable_intersection_complete"] += dale.is_intersection_closed(r["lp_stable"], include_empty=True)
            c["stable_union_closed"] += dale.is_union_closed(r["lp_stable"])
            if not (ok and r["witnesses_confirmed"] and r["random_inputs_consistent"]) and len(c["failures"]) < 5:
                c["failures"].append((types, W.tolist(), r))
        result[regime] = c
    return result


if __name__ == "__main__":
    import argparse
    import json
    import time

    p = argparse.ArgumentParser(description="census of the excitatory codes of all small Dale networks")
    p.add_argument("--n-max", type=int, default=4)
    p.add_argument("--seed", type=int, default=2024)
    a = p.parse_args()
    t0 = time.perf_counter()
    res = census(a.n_max, seed=a.seed)
    for k, v in res.items():
        v = dict(v)
        v["failures"] = len(v["failures"])
        print(k, json.dumps(v))
    print(f"{time.perf_counter() - t0:.0f} s")
