"""Combinatorial neural codes: simplicial complex, links, mandatory codewords, convexity verdicts.

A (combinatorial) code C on n neurons is a set of codewords, subsets of {0..n-1} (here: the
supports of a network's fixed points).  Following Curto, Gross, Jeffries, Morrison, Omar, Rosen,
Shiu, Youngs 2017 ("What makes a neural code convex?", SIAM J Appl Algebra Geometry 1:222, below
CGJ17), with the usual convention that the empty codeword belongs to C:

* the simplicial complex Delta(C) is the set of all subsets of codewords; its facets are the
  maximal codewords;
* the link of a face sigma is Lk_sigma(Delta) = {tau in Delta : tau & sigma = {}, tau | sigma in Delta};
* a face sigma is *mandatory* if its link is not contractible; every mandatory face is an
  intersection of maximal codewords (CGJ17);
* C has a *local obstruction* iff some mandatory face is missing from C (CGJ17, Theorem 1.3);
  convex codes have none (Giusti & Itskov 2014);
* C is *intersection-complete* if it is closed under intersection, and *max-intersection-complete*
  if it contains every intersection of maximal codewords; max-intersection-complete codes (hence
  intersection-complete ones) are convex (Cruz, Giusti, Itskov, Kronholm 2019) and have no local
  obstruction (CGJ17);
* for n <= 4 a code is convex iff it has no local obstruction (CGJ17; as restated by Lienkaemper,
  Shiu, Woodstock 2017, who give a 5-neuron counterexample beyond);
* a code with at most three maximal codewords is convex iff it has no local obstruction (Johnston,
  Shiu, Spinner; stated as known in Ahmed et al. 2025, arXiv:2510.20323, which shows that four
  maximal codewords can also need "wheels").

The convexity verdict is therefore "convex" (max-intersection-complete, or no local obstruction with
n <= 4 or at most three maximal codewords), "not convex" (a local obstruction), or "undecided" (no local obstruction, not
max-intersection-complete, n >= 5: such codes can be non-convex, Lienkaemper, Shiu, Woodstock 2017).

Contractibility of a link is decided by: a cone vertex (contractible), nonzero reduced homology
over GF(2) (not contractible), greedy elementary collapses to a point (contractible); if none
applies the link is reported undecided (never happened on the codes we tested).
"""
from __future__ import annotations

from itertools import combinations

import numpy as np

from recnet import checks

__all__ = ["Code", "normalize_code", "simplicial_complex", "facets", "link", "reduced_betti_gf2",
           "is_contractible", "intersections_of_facets", "mandatory_codewords", "local_obstructions", "is_intersection_complete",
           "is_max_intersection_complete", "convexity", "parse_code", "format_code"]


def normalize_code(codewords, include_empty=True):
    """Frozenset of frozensets of ints; adds the empty codeword by the usual convention."""
    out = {frozenset(int(i) for i in c) for c in codewords}
    if include_empty:
        out.add(frozenset())
    return frozenset(out)


def parse_code(text, one_based=True):
    """Parse '123,12,2,3' or '1 2 3;1 2' (nodes from 1 by default) into a code (frozensets, 0-based)."""
    out = []
    for tok in text.replace(";", ",").split(","):
        tok = tok.strip()
        if not tok or tok in ("{}", "0", "∅", "empty"):
            out.append(())
            continue
        parts = tok.split() if " " in tok else list(tok)
        try:
            vals = [int(p) - (1 if one_based else 0) for p in parts]
        except ValueError:
            raise checks.ParameterError("code", tok, "codewords of digits ('123') or space-separated numbers ('10 11')",
                                        f"codeword {tok!r} is invalid: write neurons as digits ('123') or "
                                        "space-separated numbers ('10 11')") from None
        if min(vals, default=0) < 0:
            raise checks.ParameterError("code", tok, f"neurons numbered from {1 if one_based else 0}",
                                        f"codeword {tok!r} is invalid: neurons are numbered from {1 if one_based else 0}")
        out.append(vals)
    return normalize_code(out)


def format_code(code, one_based=True):
    """Sorted list of sorted lists (1-based by default), the empty codeword first."""
    off = 1 if one_based else 0
    return [sorted(i + off for i in c) for c in sorted(code, key=lambda c: (len(c), sorted(c)))]


def facets(faces):
    """Maximal elements of a family of sets."""
    fs = sorted(set(faces), key=len, reverse=True)
    out = []
    for f in fs:
        if not any(f < g for g in out):
            out.append(f)
    return out


def simplicial_complex(code):
    """Delta(C): every subset of every codeword (as frozensets)."""
    faces = set()
    for f in facets(code):
        items = sorted(f)
        for k in range(len(items) + 1):
            faces.update(frozenset(c) for c in combinations(items, k))
    if not faces:
        faces.add(frozenset())
    return frozenset(faces)


def link(delta, sigma):
    """Lk_sigma(Delta) = {tau in Delta : tau & sigma = {}, tau | sigma in Delta}."""
    sigma = frozenset(sigma)
    return frozenset(t for t in delta if not (t & sigma) and (t | sigma) in delta)


def _boundary_rank_gf2(faces_k, faces_km1):
    """Rank over GF(2) of the boundary map from k-faces to (k-1)-faces."""
    if not faces_k or not faces_km1:
        return 0
    index = {f: i for i, f in enumerate(faces_km1)}
    M = np.zeros((len(faces_k), len(faces_km1)), dtype=np.uint8)
    for r, f in enumerate(faces_k):
        for v in f:
            M[r, index[f - {v}]] = 1
    # Gaussian elimination over GF(2)
    rank = 0
    rows, cols = M.shape
    for c in range(cols):
        piv = next((r for r in range(rank, rows) if M[r, c]), None)
        if piv is None:
            continue
        M[[rank, piv]] = M[[piv, rank]]
        for r in range(rows):
            if r != rank and M[r, c]:
                M[r] ^= M[rank]
        rank += 1
        if rank == rows:
            break
    return rank


def reduced_betti_gf2(delta):
    """Reduced Betti numbers over GF(2), dimensions -1..d, of a complex given as a set of faces
    (which must contain the empty face).  The complex {{}} has reduced beta_{-1} = 1."""
    by_dim = {}
    for f in delta:
        by_dim.setdefault(len(f) - 1, []).append(f)
    top = max(by_dim)
    ranks = {k: _boundary_rank_gf2(by_dim.get(k, []), by_dim.get(k - 1, [])) for k in range(0, top + 2)}
    betti = []
    for k in range(-1, top + 1):
        nk = len(by_dim.get(k, []))
        betti.append(nk - ranks.get(k, 0) - ranks.get(k + 1, 0))
    return betti


def _collapsible(delta):
    faces = set(delta)
    changed = True
    while changed and len(faces) > 2:
        changed = False
        for f in sorted(faces, key=len):
            if not f:
                continue
            cof = [g for g in faces if f < g]
            if len(cof) == 1 and len(cof[0]) == len(f) + 1:
                faces.discard(f)
                faces.discard(cof[0])
                changed = True
                break
    return len(faces) == 2  # a single vertex and the empty face


def is_contractible(delta):
    """True / False / None (undecided) for a finite simplicial complex (set of faces incl. {})."""
    fac = facets(delta)
    if fac == [frozenset()]:
        return False  # the void complex {{}}: reduced homology in degree -1
    common = frozenset.intersection(*fac)
    if common:
        return True  # a cone
    if any(reduced_betti_gf2(delta)):
        return False
    if len(delta) <= 600 and _collapsible(delta):  # greedy collapse costs ~faces^3: small links only
        return True
    return None


def mandatory_codewords(code):
    """Nonempty faces of Delta(C) whose link is not contractible (must lie in any convex code).

    Only intersections of maximal codewords need checking (CGJ17); an undecided link is reported
    through ``local_obstructions``'s ``undecided`` list rather than here.
    """
    return _mandatory(code)[0]


def _mandatory(code):
    delta = simplicial_complex(code)
    cands = {s for s in intersections_of_facets(code) if s}
    mand, undecided = [], []
    for s in sorted(cands, key=lambda c: (len(c), sorted(c))):
        c = is_contractible(link(delta, s))
        if c is False:
            mand.append(s)
        elif c is None:
            undecided.append(s)
    return mand, undecided


def local_obstructions(code):
    """Mandatory faces missing from C (each one a local obstruction to convexity, CGJ17 Thm 1.3)."""
    code = normalize_code(code)
    return [s for s in mandatory_codewords(code) if s not in code]


def intersections_of_facets(code):
    """Every intersection of one or more maximal codewords (closure of the facets under pairwise
    intersection, computed iteratively so the cost grows with the result, not 2^#facets)."""
    result = set(facets(code))
    frontier = set(result)
    while frontier:
        new = set()
        for a in frontier:
            for b in list(result):
                c = a & b
                if c not in result:
                    new.add(c)
        result |= new
        frontier = new
    return frozenset(result)


def is_intersection_complete(code):
    """Closed under pairwise (hence all) intersections."""
    code = normalize_code(code)
    return all((a & b) in code for a, b in combinations(code, 2))


def is_max_intersection_complete(code):
    """Contains every intersection of maximal codewords."""
    code = normalize_code(code)
    return intersections_of_facets(code) <= code


def convexity(code, n=None, max_faces=4000):
    """Convexity verdicts of a code (empty codeword added by convention).

    Returns a dict: ``intersection_complete``, ``max_intersection_complete``,
    ``local_obstructions`` (list of frozensets), ``mandatory_codewords``, ``convex``
    ("convex" / "not convex" / "undecided") and ``reason``.  When the simplicial complex would
    have more than ``max_faces`` faces (bounded by the sum of 2^|facet|) the local-obstruction
    search is skipped (``local_obstructions`` is None) and only the intersection tests decide.
    """
    code = normalize_code(code)
    if n is None:
        n = max((max(c) + 1 for c in code if c), default=0)
    ic = is_intersection_complete(code)
    size = sum(2 ** len(f) for f in facets(code))
    if size > max_faces:
        mic = is_max_intersection_complete(code)
        verdict = "convex" if mic else "undecided"
        reason = ("max-intersection-complete" if mic else
                  f"complex too large for the local-obstruction search (~{size} faces > {max_faces})")
        return {"intersection_complete": ic, "max_intersection_complete": mic, "local_obstructions": None,
                "mandatory_codewords": None, "undecided_links": [], "convex": verdict, "reason": reason}
    mand, undecided = _mandatory(code)
    obstr = [s for s in mand if s not in code]
    mic = is_max_intersection_complete(code)
    if obstr:
        verdict, reason = "not convex", "local obstruction (a mandatory codeword is missing)"
    elif mic:
        verdict, reason = "convex", "max-intersection-complete"
    elif n <= 4 and not undecided:
        verdict, reason = "convex", "no local obstruction on n <= 4 neurons"
    elif len([f for f in facets(code) if f]) <= 3 and not undecided:
        verdict, reason = "convex", "no local obstruction, at most three maximal codewords"
    else:
        verdict, reason = "undecided", "no local obstruction found, not max-intersection-complete"
    return {"intersection_complete": ic, "max_intersection_complete": mic, "local_obstructions": obstr,
            "mandatory_codewords": mand, "undecided_links": undecided, "convex": verdict, "reason": reason}


class Code:
    """A combinatorial code with its complex and verdicts (thin convenience wrapper)."""

    def __init__(self, codewords, n=None):
        self.codewords = normalize_code(codewords)
        self.n = n if n is not None else max((max(c) + 1 for c in self.codewords if c), default=0)

    @property
    def complex(self):
        return simplicial_complex(self.codewords)

    def convexity(self):
        return convexity(self.codewords, self.n)

    def __repr__(self):
        return f"Code({format_code(self.codewords)})"
