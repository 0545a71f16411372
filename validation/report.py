"""The Markdown report that ``recnet validate --all`` (``make demo``) writes."""
from __future__ import annotations

import json
import platform
import time
from pathlib import Path

from recnet.validation.compare import format_table

__all__ = ["write_report"]


def write_report(results, failures, out, quick=False):
    """Write ``report.md`` and ``report.json`` into ``out``; figures are already saved there."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    n_ok = sum(r.agree for r in results)
    lines = ["# recnet validation report", "",
             f"{time.strftime('%Y-%m-%d %H:%M')} on {platform.node()} ({platform.processor() or platform.machine()}),"
             f" built-in numba backend{', quick runs' if quick else ''}.", "",
             f"{n_ok} of {len(results) + len(failures)} subjects agree with theory.", "",
             "| subject | verdict | min. detectable error | comparisons | wall time (s) |", "|---|---|---|---|---|"]
    for r in results:
        mde = r.min_detectable_rel_error()
        caveat = " (" + "; ".join(r.caveats) + ")" if getattr(r, "caveats", None) else ""
        lines.append(f"| {r.subject} | {'agree' if r.agree else '**disagree**'}{caveat} | "
                     f"{'-' if mde is None else f'{100 * mde:.3g} %'} | {len(r.comparisons)} "
                     f"| {r.timing.get('wall_s', float('nan')):.1f} |")
    for name, err in failures.items():
        lines.append(f"| {name} | **failed** | - | 0 | - |")
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
    path = out / "report.md"
    path.write_text("\n".join(lines) + "\n")
    (out / "report.json").write_text(json.dumps(
        {"results": [r.to_dict() for r in results], "failures": failures}, indent=2))
    return path
