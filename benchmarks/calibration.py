"""Calibration table of every subject's validation (issue 14): false-disagree rate, z spread, power,
minimal detectable relative error.

For each subject with a validation, ``recnet.validation.calibrate.calibrate`` runs ``validate`` over
K seeds (two processes) at quick and/or full size and the table below is printed as Markdown and
written to ``benchmarks/output/calibration.md`` and ``.json`` (the README quotes it).  Columns:

- false-disagree rate: fraction of seeds whose verdict is DISAGREE with the theory as reference,
  with the exact (Clopper-Pearson) 95 % interval; target <= 1 % (the verdict's family-wise level
  is 0.27 %);
- z spread: standard deviation of (sim - pred)/stderr over seeds and rows (rows whose systematic
  allowance is below one stderr); target 0.8 ... 1.25;
- power at the subject's claimed resolution (``CLAIMED_SHIFT``: all predictions x (1 + F));
- minimal detectable error: the smallest relative error caught by >= 90 % of seeds, either sign
  (in brackets: from the simulated rows alone, without exact identities checked on the side).

This takes hours at full size (dmft, brunel and hebbian-ei dominate); ``--quick`` with a small K
is a smoke run.

    python benchmarks/calibration.py [--seeds K] [--size quick|full|both] [--only brunel,scn]
    python benchmarks/calibration.py --from-json cal1.json cal2.json   # table from saved runs
    python benchmarks/calibration.py --from-json output/calibration.json new.json   # update entries
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path


def _pct(x):
    return "n/a" if x is None else f"{100 * x:.3g} %"


def row(cal):
    lo, hi = cal["false_disagree_ci95"]
    z = "n/a" if cal["z_spread"] is None else f"{cal['z_spread']:.2f} ({cal['n_z']} z)"
    own = [f"{c['quantity']} {c['z_spread_own']:.2f}" for c in cal["comparisons"] if c.get("z_spread_own") is not None]
    if own:
        z += "; over the simulation's own stderr: " + ", ".join(own)
    if cal.get("identical_across_seeds"):
        z = "n/a: deterministic (identical numbers at every seed)"
    return (f"| {cal['subject']} | {'quick' if cal['quick'] else 'full'} | {cal['n_seeds_ok']} | "
            f"{_pct(cal['false_disagree_rate'])} [{_pct(lo)}, {_pct(hi)}] | {z} | "
            f"{_pct(cal['power'])} at {100 * cal['shift']:+g} % | {_pct(cal['min_detectable_rel_error'])} "
            f"({_pct(cal['min_detectable_rel_error_simulated_rows'])}) | "
            f"{len(cal['errors'])} |")


HEAD = ["| subject | size | seeds | false-disagree rate [95 % CI] | z spread | power | min. detectable error "
        "(simulated rows alone) | "
        "failed runs |", "|---|---|---|---|---|---|---|---|"]


def main(seeds=20, sizes=("quick", "full"), only=None, out=Path(__file__).parent / "output"):
    from recnet.registry import all_subjects
    from recnet.validation.calibrate import calibrate

    subjects = [s for s in all_subjects() if s.validate is not None and (not only or s.name in only)]
    results, lines = [], list(HEAD)
    print("\n".join(HEAD), flush=True)
    for s in subjects:
        for size in sizes:
            t0 = time.perf_counter()
            try:
                cal = calibrate(s.name, seeds, quick=size == "quick")
            except Exception as exc:  # report and go on with the other subjects
                print(f"| {s.name} | {size} | - | failed: {type(exc).__name__}: {exc} | | | | |", flush=True)
                continue
            cal["timing"]["total_s"] = time.perf_counter() - t0
            results.append(cal)
            lines.append(row(cal))
            print(lines[-1], flush=True)
    out.mkdir(parents=True, exist_ok=True)
    (out / "calibration.md").write_text("\n".join(lines) + "\n")
    (out / "calibration.json").write_text(json.dumps(results, indent=1))
    print(f"written to {out / 'calibration.md'}", file=sys.stderr)
    return results


def from_json(files, out=Path(__file__).parent / "output"):
    """The table from saved ``recnet calibrate --json`` outputs (one per file, or a list such as a
    previous ``calibration.json``); a later entry for the same subject and size replaces an earlier one."""
    merged = {}
    for f in files:
        data = json.loads(Path(f).read_text())
        for cal in data if isinstance(data, list) else [data]:
            merged[(cal["subject"], bool(cal["quick"]))] = cal
    results = sorted(merged.values(), key=lambda c: (c["subject"], not c["quick"]))
    lines = list(HEAD) + [row(cal) for cal in results]
    print("\n".join(lines))
    out.mkdir(parents=True, exist_ok=True)
    (out / "calibration.md").write_text("\n".join(lines) + "\n")
    (out / "calibration.json").write_text(json.dumps(results, indent=1))
    return results


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seeds", type=int, default=20)
    p.add_argument("--size", choices=("quick", "full", "both"), default="both")
    p.add_argument("--only", default=None, help="comma-separated subjects")
    p.add_argument("--from-json", nargs="+", default=None, help="build the table from saved calibrate --json files")
    a = p.parse_args()
    if a.from_json:
        from_json(a.from_json)
        sys.exit(0)
    main(a.seeds, ("quick", "full") if a.size == "both" else (a.size,), a.only.split(",") if a.only else None)
