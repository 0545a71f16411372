"""The Markdown report that ``recnet validate --all`` (``make demo``) writes."""
from __future__ import annotations

import json
import os
import platform
import time
from pathlib import Path

from recnet.validation.compare import format_table

__all__ = ["write_report"]


def _write(path, text):
    # write-then-rename: an interrupt during the write never leaves a half-written report
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


def write_report(results, failures, out, quick=False, interrupted=(), total=None, papers=None):
    """Write ``report.md`` and ``report.json`` into ``out``; figures are already saved there.

    ``recnet validate --all`` calls this after every subject (and, before each subject starts, with
    that subject in ``interrupted``), so the folder always holds every finished subject and an
    interrupted run shows which subject it stopped in.  ``total``: number of subjects in the run
    (the report says how many are still missing).  ``papers``: the published figures drawn
    (``validation.report_figures.draw_report_figures``), shown after the subjects.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    interrupted = list(interrupted)
    n_ok = sum(r.agree for r in results)
    n_done = len(results) + len(failures)
    lines = ["# recnet validation report", "",
             f"{time.strftime('%Y-%m-%d %H:%M')} on {platform.node()} ({platform.processor() or platform.machine()}),"
             f" built-in numba backend{', quick runs' if quick else ''}.", "",
             f"{n_ok} of {n_done} subjects agree with theory.", ""]
    if interrupted or (total is not None and n_done < total):
        lines += [f"**Incomplete run**: {n_done} of {total if total is not None else '?'} subjects finished"
                  + (f"; interrupted in {', '.join(interrupted)}" if interrupted else "") + ".", ""]
    lines += ["| subject | verdict | min. detectable error | comparisons | wall time (s) |", "|---|---|---|---|---|"]
    for r in results:
        mde = r.min_detectable_rel_error()
        caveat = " (" + "; ".join(r.caveats) + ")" if getattr(r, "caveats", None) else ""
        lines.append(f"| {r.subject} | {'agree' if r.agree else '**disagree**'}{caveat} | "
                     f"{'-' if mde is None else f'{100 * mde:.3g} %'} | {len(r.comparisons)} "
                     f"| {r.timing.get('wall_s', float('nan')):.1f} |")
    for name, err in failures.items():
        lines.append(f"| {name} | **failed** | - | 0 | - |")
    for name in interrupted:
        lines.append(f"| {name} | interrupted | - | 0 | - |")
    lines += ["", "Minimal detectable error: the smallest relative error of all predictions (x (1 +- F)) this "
              "run would have called DISAGREE; `recnet calibrate SUBJECT` measures it at 90 % power over seeds."]
    for r in results:
        lines += ["", f"## {r.subject}", "", format_table(r.comparisons, markdown=True), ""]
        facts = {k: v for k, v in r.info.items() if k != "figures"}
        if facts:
            lines += ["", "Run: " + ", ".join(f"{k} = {v}" for k, v in facts.items()), ""]
        for fig in r.info.get("figures", []):
            lines += [f"![{Path(fig).stem}]({Path(fig).name})", ""]
    for name, err in failures.items():
        lines += ["", f"## {name}", "", "Failed: `" + err.replace("`", "'") + "`", ""]
    for name in interrupted:
        lines += ["", f"## {name}", "", "Interrupted (the run was stopped while this subject ran).", ""]
    if papers:
        lines += ["", "## Published figures reproduced", ""]
        for p in papers:
            lines += [f"### {p['title']}", "", f"{p['reference']}; `recnet figure {p['name']}`, {p['mode']}; "
                      f"drawn in {p['wall_s']:.1f} s.", ""]
            if p.get("error"):
                lines += ["Failed: `" + p["error"].replace("`", "'") + "`", ""]
                continue
            if p.get("table"):
                lines += ["```", p["table"], "```", ""]
            lines += [f"![{p['name']}]({p['file']})", ""]
    path = out / "report.md"
    _write(path, "\n".join(lines) + "\n")
    _write(out / "report.json", json.dumps(
        {"results": [r.to_dict() for r in results], "failures": failures, "interrupted": interrupted,
         "papers": list(papers or []),
         "complete": not interrupted and (total is None or n_done >= total)}, indent=2))
    return path
