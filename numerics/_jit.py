"""One place for numba flags (cache on disk everywhere; no fastmath, NaN checks matter)."""
import numba

_DEFAULTS = dict(cache=True, fastmath=False, nogil=True)


def njit(*args, **kwargs):
    """``numba.njit`` with recnet's defaults; use as ``@njit`` or ``@njit(parallel=True)``."""
    opts = dict(_DEFAULTS)
    opts.update(kwargs)
    if len(args) == 1 and callable(args[0]) and not kwargs:
        return numba.njit(**opts)(args[0])
    return numba.njit(*args, **opts)


prange = numba.prange
