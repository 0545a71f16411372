"""One place for numba flags (cache on disk everywhere; no fastmath, NaN checks matter).

It also fixes numba's threading layer before any parallel kernel runs: numba's OpenMP layer and the
libgomp bundled with the NEST wheel crash the process when both start in one process (a segfault in
NEST's kernel set-up), so recnet uses numba's own "workqueue" layer unless the user chose one with
NUMBA_THREADING_LAYER.
"""
import os

import numba
from numba.np.ufunc import parallel as _parallel

if not _parallel._is_initialized and "NUMBA_THREADING_LAYER" not in os.environ:
    numba.config.THREADING_LAYER = "workqueue"

_DEFAULTS = dict(cache=True, fastmath=False, nogil=True)


def njit(*args, **kwargs):
    """``numba.njit`` with recnet's defaults; use as ``@njit`` or ``@njit(parallel=True)``."""
    opts = dict(_DEFAULTS)
    opts.update(kwargs)
    if len(args) == 1 and callable(args[0]) and not kwargs:
        return numba.njit(**opts)(args[0])
    return numba.njit(*args, **opts)


prange = numba.prange
