"""Naive twins of :mod:`recnet.numerics.tln.enumerate` (test oracles; not part of recnet).

Slow, plain-Python/numpy versions of the compiled code, which the tests (and benchmarks) compare
with it; moved here from the public module (issue 12, item 6), unchanged.
"""
from __future__ import annotations

import numpy as np

from itertools import combinations
from recnet.numerics.tln.enumerate import _check


def enumerate_supports_numpy(W, b, *, batch=20000):
    """Plain numpy twin: for each support size, solve every (I - W_sigma) x = b_sigma in one batched
    ``np.linalg.solve`` and test x_sigma > 0 and b_k + W_{k,sigma} x_sigma <= 0 directly.

    Returns the list of supports (0-based tuples) in the same order as ``enumerate_supports``.
    No round-off guard: this is the direct check the tests compare the sign-condition kernel with.
    """
    W, b = _check(W, b)
    n = W.shape[0]
    out = [()] if (b <= 0).all() else []
    eye = np.eye(n)
    for s in range(1, n + 1):
        combos_all = np.array(list(combinations(range(n), s)), dtype=np.int64)
        for start in range(0, len(combos_all), batch):
            combos = combos_all[start:start + batch]
            A = eye[:s, :s][None] - W[combos[:, :, None], combos[:, None, :]]
            try:
                x = np.linalg.solve(A, b[combos][..., None])[..., 0]
            except np.linalg.LinAlgError:
                x = np.stack([np.linalg.lstsq(a, b[c], rcond=None)[0] for a, c in zip(A, combos)])
            ok = (x > 0).all(axis=1)
            if not ok.any():
                continue
            c_ok, x_ok = combos[ok], x[ok]
            u = b[None, :] + np.einsum("nks,ks->kn", W[:, c_ok], x_ok)
            inside = np.zeros_like(u, dtype=bool)
            np.put_along_axis(inside, c_ok, True, axis=1)
            good = ((u <= 0) | inside).all(axis=1)
            out.extend(tuple(int(v) for v in c) for c in c_ok[good])
    return out
