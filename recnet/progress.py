"""Progress of long work: tqdm bars on stderr, silent off a terminal, off with ``--quiet``.

Simulators and solvers call :func:`bar` (or :func:`tick` on a bar they got) instead of building a
tqdm themselves, so that the command line can switch every bar off at once::

    from recnet import progress
    with progress.bar(total=len(sizes), desc="dmft networks", unit="net") as b:
        for n in sizes:
            ...
            b.update(1)

The switch is process-wide: ``None`` (default) lets tqdm decide (a bar only when stderr is a
terminal), ``False`` turns every bar off (``recnet ... --quiet``, or ``--json`` with stdout not a
terminal), ``True`` forces bars on.  Bars never change results: they only read counters.
"""
from __future__ import annotations

import contextlib
import sys

from recnet import checks

__all__ = ["bar", "set_enabled", "enabled", "quiet", "note"]

_ENABLED = None


def set_enabled(flag):
    """Switch progress output: ``None`` automatic (terminal only), ``False`` off, ``True`` on."""
    global _ENABLED
    if flag not in (None, True, False):
        raise checks.ParameterError("progress", flag, "None, True or False",
                                    f"progress flag must be None, True or False, got {flag!r}")
    _ENABLED = flag


def enabled():
    """The current switch (None, True or False)."""
    return _ENABLED


@contextlib.contextmanager
def quiet(flag=True):
    """Context manager: no progress output inside (``flag=False`` leaves the switch alone)."""
    old = _ENABLED
    if flag:
        set_enabled(False)
    try:
        yield
    finally:
        set_enabled(old)


class _Null:
    """Stand-in bar when tqdm is missing: accepts the calls, prints nothing."""

    def __init__(self, iterable=None, **_):
        self.iterable = iterable

    def __iter__(self):
        return iter(self.iterable if self.iterable is not None else ())

    def update(self, n=1):
        pass

    def set_postfix_str(self, *_a, **_k):
        pass

    def close(self):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def bar(iterable=None, total=None, desc=None, unit="it", leave=False, **kw):
    """A tqdm progress bar on stderr that obeys the switch (see module docstring).

    Parameters are tqdm's; ``disable`` is set from the switch (None: tqdm shows the bar only on a
    terminal).  Returns a tqdm object (iterate over it or call ``update``), or a silent stand-in.
    """
    try:
        from tqdm import tqdm
    except ImportError:  # pragma: no cover - tqdm is a dependency
        return _Null(iterable)
    disable = {None: None, True: False, False: True}[_ENABLED]
    kw.setdefault("file", sys.stderr)
    kw.setdefault("dynamic_ncols", True)
    return tqdm(iterable, total=total, desc=desc, unit=unit, leave=leave, disable=disable, **kw)


def note(message):
    """One progress line on stderr (e.g. a finished subject), unless progress is switched off."""
    if _ENABLED is False:
        return
    print(message, file=sys.stderr, flush=True)
