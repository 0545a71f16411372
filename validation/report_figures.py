"""The published figures that ``recnet validate --all`` (``make demo``) draws into its report.

Each entry names a ``recnet figure`` script and the mode the report uses, chosen to fit the demo's
time (measured on this kind of machine, 2 cores, under load):

* ``brunel2000_fig2_states``: its quick mode always (a 5 x 4 grid of (g, nu_ext/nu_thr) and the
  Fig. 8 points simulated at N_E = 1000, C_E = 100 for 0.3 s: a smoke test, about 40 s); the full
  figure (32 x 20 grid, full-size simulations, about 20 min) is ``recnet figure brunel2000_fig2_states``.
* ``bos2016_spectra``: the full figure (NNMT's 3141-frequency grid; theory only, a few seconds).
"""
from __future__ import annotations

import contextlib
import importlib
import io
import time
from pathlib import Path

__all__ = ["REPORT_FIGURES", "draw_report_figures"]

# (figure name, mode used in the report, what that mode is)
REPORT_FIGURES = (
    ("brunel2000_fig2_states", "quick", "quick mode: 5 x 4 grid, Fig. 8 points simulated at N_E = 1000, C_E = 100 "
     "for 0.3 s (a smoke test); `recnet figure brunel2000_fig2_states` draws the full figure (about 20 min)"),
    ("bos2016_spectra", "full", "full figure (theory on NNMT's 3141-frequency grid)"),
)


def draw_report_figures(out):
    """Draw every :data:`REPORT_FIGURES` entry into folder ``out``.

    Returns one dict per figure: ``name``, ``title``, ``reference``, ``mode``, ``file`` (the PNG's
    name in ``out``), ``table`` (the text the script prints), ``wall_s``, or ``error`` (the
    exception's text) when drawing failed; a failed figure does not stop the others.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    done = []
    for name, mode, text in REPORT_FIGURES:
        mod = importlib.import_module(f"recnet.papers.{name}")
        entry = {"name": name, "title": getattr(mod, "TITLE", name), "reference": getattr(mod, "REFERENCE", ""),
                 "mode": text, "file": f"paper_{name}.png"}
        t0 = time.perf_counter()
        buf = io.StringIO()
        try:
            with contextlib.redirect_stdout(buf):
                mod.make(out=out / entry["file"], quick=(mode == "quick"))
        except Exception as exc:   # one broken figure must not hide the report
            entry["error"] = f"{type(exc).__name__}: {exc}"
        entry["table"] = buf.getvalue().strip()
        entry["wall_s"] = time.perf_counter() - t0
        done.append(entry)
    return done
