"""The ``recnet`` command line.

    recnet list
    recnet models [--json]
    recnet derive SUBJECT [--latex] [options]
    recnet predict SUBJECT [options] [--json]
    recnet validate SUBJECT [--backend numba|nest|spinnaker] [--quick] [--json] [--seed N] [--out DIR]
    recnet validate --all [--quick] [--out DIR]
    recnet calibrate SUBJECT [--seeds K] [--shift F] [--quick] [--json] [--seed0 S] [--out DIR] [--scheduler ADDR]
                             [options]
    recnet figure [NAME] [-o FILE] [--quick]
    recnet analyse ACTIVITY_FILE [--kind rates|spikes] [--bin-ms B] [--dt-ms DT] [--kmax K] [--blocks K] [--json]

Options mirror PyNN's names and units (``--tau-m`` in ms, ``--v-thresh`` in mV);
``recnet predict SUBJECT --help`` lists a subject's options with their units and defaults.
Bad input ends with ``recnet: error: ...`` naming the parameter and exit status 2; any other
exception is a bug in recnet: its traceback is printed with a request to report it (exit 1).
Ctrl-C stops any command at once with exit status 130 (the command runs in a worker process that
the ``recnet`` process kills, so a long numba kernel cannot delay it); ``validate --all`` rewrites
its report after every subject, so an interrupted run keeps every finished subject.
Progress bars go to stderr on a terminal; ``--quiet`` turns them off.
"""
from __future__ import annotations

import argparse
import importlib
import inspect
import json
import os
import pkgutil
import signal
import sys
import time
import traceback
from pathlib import Path

from recnet import progress, registry
from recnet.checks import ParameterError
from recnet.registry import BACKENDS


class CLIError(Exception):
    pass


BUG_MESSAGE = ("recnet: this is a bug in recnet, not a problem with your input: please report it with "
               "the command you ran and the traceback above")


class _Parser(argparse.ArgumentParser):
    """argparse that reports bad arguments as ``recnet: error: ...`` (exit 2) through main()."""

    def error(self, message):
        self.print_usage(sys.stderr)
        raise CLIError(f"{self.prog}: {message}")


def _add_options(parser, options):
    # Defaults are not filled in here: only what the user typed reaches the subject, which
    # resolves the rest and records everything in the result's config.
    for o in options:
        unit = f" [{o.unit}]" if o.unit else ""
        if o.type is bool:
            parser.add_argument(o.cli_flag, dest=o.name, default=argparse.SUPPRESS,
                                action=argparse.BooleanOptionalAction, help=f"{o.help}{unit} (default: {o.default})")
        else:
            parser.add_argument(o.cli_flag, dest=o.name, default=argparse.SUPPRESS, type=o.type,
                                choices=o.choices, metavar=o.name.upper() if not o.choices else None,
                                help=f"{o.help}{unit} (default: {o.default})")


def _json_default(x):
    from recnet.validation.compare import _plain
    y = _plain(x)
    if y is x:
        return str(x)
    return y


def _dump(obj):
    from recnet.validation.compare import _plain
    return json.dumps(_plain(obj), indent=2, default=_json_default, allow_nan=False)


def _print_mapping(d, indent=0):
    pad = " " * indent
    for k, v in d.items():
        if isinstance(v, dict):
            print(f"{pad}{k}:")
            _print_mapping(v, indent + 2)
        elif isinstance(v, list) and v and isinstance(v[0], dict):
            print(f"{pad}{k}:")
            for item in v:
                flat = {a: b for a, b in item.items() if not isinstance(b, (list, dict)) or
                        not (b and isinstance(b[0] if isinstance(b, list) else None, dict))}
                print(f"{pad}  -", ", ".join(f"{a}={_short(b)}" for a, b in flat.items()))
                for a, b in item.items():
                    if a not in flat:
                        print(f"{pad}    {a}:")
                        for sub in b:
                            print(f"{pad}      -", ", ".join(f"{x}={_short(y)}" for x, y in sub.items()))
        else:
            print(f"{pad}{k}: {_short(v)}")


def _short(v):
    import numpy as np
    if isinstance(v, float) or isinstance(v, np.floating):
        return f"{float(v):.10g}"
    if isinstance(v, (list, tuple, np.ndarray)):
        arr = np.asarray(v, dtype=object).ravel()
        body = ", ".join(_short(x) for x in arr[:12])
        return f"[{body}{', ...' if arr.size > 12 else ''}]"
    return str(v)


# ------------------------------------------------------------------------------------------ list
def cmd_list(args):
    subjects = registry.all_subjects()
    width = max((len(s.name) for s in subjects), default=8)
    topic = None
    for s in subjects:
        if s.topic != topic:
            topic = s.topic
            print(f"# {registry.TOPICS.get(topic, topic)}")
        cmds = [c for c in ("derive", "predict", "validate") if getattr(s, c) is not None]
        print(f"  {s.name:<{width}}  {s.summary}  [{', '.join(cmds)}]")
    return 0


# ---------------------------------------------------------------------------------------- models
def cmd_models(argv):
    """The shipped model files: name, family, summary, reference (``--json``: a list of objects)."""
    p = argparse.ArgumentParser(prog="recnet models", description="list the shipped models (use one with "
                                "--model NAME, or write your own file and pass --model PATH)")
    p.add_argument("--json", action="store_true", help="print one JSON list")
    args = p.parse_args(argv)
    from recnet.models import list_models
    rows = [{"name": n, "family": d["model"], "summary": d["summary"], "reference": d["reference"]}
            for n, d in list_models()]
    if args.json:
        print(_dump(rows))
        return 0
    width = max((len(r["name"]) for r in rows), default=8)
    for r in rows:
        print(f"  {r['name']:<{width}}  [{r['family']}]  {r['summary']}")
        print(f"  {'':<{width}}  reference: {r['reference']}")
    return 0


# ---------------------------------------------------------------------------------------- derive
def _join_negative_values(argv, options):
    """``--mu -inf`` -> ``--mu=-inf``: argparse takes a value starting with '-' for a flag.

    Only the value of a flag that takes one is joined, and only when the next token is not itself
    a known flag, so ``--b -0.25,0.1`` and ``--graph -1>2`` reach the option's own check.
    """
    takes_value = {o.cli_flag for o in options if o.type is not bool}
    flags = {o.cli_flag for o in options}
    out, i = [], 0
    while i < len(argv):
        tok = argv[i]
        if tok in takes_value and i + 1 < len(argv) and argv[i + 1].startswith("-") \
                and argv[i + 1] not in flags and not argv[i + 1].startswith("--"):
            out.append(f"{tok}={argv[i + 1]}")
            i += 2
            continue
        out.append(tok)
        i += 1
    return out


def _parse_subject_options(subject, command, argv, *flags):
    """Parse `recnet COMMAND SUBJECT` arguments: the command's options plus boolean flags.

    ``flags`` are (flag, help) pairs.  Only options the user typed are returned: the subject fills
    in the defaults and records the resolved values in the result's ``config``.
    """
    options = subject.command_options(command)
    p = _Parser(prog=f"recnet {command} {subject.name}", description=subject.summary,
                argument_default=argparse.SUPPRESS)
    for flag, flag_help in flags:
        p.add_argument(flag, action="store_true", default=False, help=flag_help)
    _add_options(p, options)
    return vars(p.parse_args(_join_negative_values(argv, options)))


def cmd_derive(subject, argv):
    if subject.derive is None:
        raise CLIError(f"subject {subject.name!r} has nothing to derive")
    args = _parse_subject_options(subject, "derive", argv, ("--latex", "print LaTeX instead of pretty text"))
    latex = args.pop("latex")
    import sympy
    eqs = subject.derive(**args)
    for label, expr in eqs.items():
        if latex:
            print(f"% {label}\n{sympy.latex(expr, order='none')}\n")
        else:
            print(f"{label}:\n{sympy.pretty(expr, use_unicode=True, order='none')}\n")
    return 0


# --------------------------------------------------------------------------------------- predict
def cmd_predict(subject, argv):
    if subject.predict is None:
        raise CLIError(f"subject {subject.name!r} has no prediction")
    args = _parse_subject_options(subject, "predict", argv, ("--json", "print one JSON object"),
                                  ("--quiet", "no progress bars"))
    as_json = args.pop("json")
    _set_progress(args.pop("quiet"), as_json)
    res = subject.predict(**args)
    if as_json:
        print(_dump(res.to_dict()))
    else:
        d = res.to_dict()
        print(f"# {subject.name}: " + ", ".join(f"{k} = {_config_value(v)}" for k, v in d.pop("config").items()))
        d.pop("subject")
        timing = d.pop("timing")
        _print_mapping(d)
        print(f"# computed in {timing.get('wall_s', float('nan')):.3g} s")
    return 0


def _set_progress(quiet, as_json):
    # bars go to stderr; off with --quiet, and with --json when stdout is a file or a pipe (scripts)
    progress.set_enabled(False if quiet or (as_json and not sys.stdout.isatty()) else None)


# -------------------------------------------------------------------------------------- validate
def _run_validate(subject, backend, quick, seed, opts):
    if subject.validate is None:
        raise CLIError(f"subject {subject.name!r} has no validation")
    return subject.validate(backend=backend, quick=quick, seed=seed, **opts)


def _save_figures(res, out):
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for stem, fig in res.figures.items():
        path = out / f"{res.subject}_{stem}.png"
        fig.savefig(path, dpi=120, bbox_inches="tight")
        paths.append(path)
    return paths


def cmd_validate(argv):
    pre = argparse.ArgumentParser(add_help=False)
    pre.add_argument("--all", action="store_true")
    known, rest = pre.parse_known_args(argv)
    if known.all:
        return cmd_validate_all(rest)
    if not rest or rest[0].startswith("-"):
        if "-h" in rest or "--help" in rest:
            print(__doc__)
            return 0
        raise CLIError("validate needs a SUBJECT or --all (see `recnet list`)")
    subject = registry.get_subject(rest[0])
    p = _Parser(prog=f"recnet validate {subject.name}", description=subject.summary,
                argument_default=argparse.SUPPRESS)
    p.add_argument("--backend", default="numba", choices=BACKENDS, help="simulator (default: numba)")
    p.add_argument("--quick", action="store_true", default=False, help="a smaller, shorter run")
    p.add_argument("--json", action="store_true", default=False, help="print one JSON object")
    p.add_argument("--quiet", action="store_true", default=False, help="no progress bars")
    p.add_argument("--seed", type=int, default=12345, help="random seed (default: %(default)s)")
    p.add_argument("--out", type=Path, default=None, help="folder to write figures into")
    options = subject.command_options("validate")
    _add_options(p, options)
    args = vars(p.parse_args(_join_negative_values(rest[1:], options)))
    backend, quick, as_json, seed, out, quiet = (args.pop(k) for k in ("backend", "quick", "json", "seed", "out",
                                                                       "quiet"))
    _set_progress(quiet, as_json)
    res = _run_validate(subject, backend, quick, seed, args)
    if out is not None:
        res.info["figures"] = [str(pth) for pth in _save_figures(res, out)]
    if as_json:
        print(_dump(res.to_dict()))
    else:
        from recnet.validation.compare import format_table
        print(f"{subject.name} on {backend}: {'AGREE' if res.agree else 'DISAGREE'}")
        print("# config: " + ", ".join(f"{k} = {_config_value(v)}" for k, v in _plain_config(res.config).items()))
        print(format_table(res.comparisons))
        for caveat in getattr(res, "caveats", []):
            print(f"note: {caveat}")
        mde = res.min_detectable_rel_error()
        if mde is not None:
            print(f"this run would catch a theory {100 * mde:.3g} % off (all predictions x (1 +- F)); "
                  f"`recnet calibrate {subject.name}` measures it over seeds")
        if res.info:
            print()
            _print_mapping(res.info)
    return 0 if res.agree else 1


def cmd_validate_all(argv):
    p = _Parser(prog="recnet validate --all",
                description="validate every subject on the built-in backend and write a report")
    p.add_argument("--quick", action="store_true", help="smaller, shorter runs")
    p.add_argument("--quiet", action="store_true", help="no progress bars or per-subject lines")
    p.add_argument("--seed", type=int, default=12345)
    p.add_argument("--out", type=Path, default=Path("recnet-report"), help="report folder (default: %(default)s)")
    p.add_argument("--only", default=None, help="comma-separated subjects to include (the published figures are then not drawn)")
    args = p.parse_args(argv)
    from recnet.validation.report import write_report

    progress.set_enabled(False if args.quiet else None)
    subjects = [s for s in registry.all_subjects() if s.validate is not None]
    if args.only:
        wanted = [w.strip() for w in args.only.split(",") if w.strip()]
        unknown = [w for w in wanted if w not in {s.name for s in subjects}]
        if unknown:
            raise ParameterError("only", args.only, "comma-separated names of subjects with a validation: "
                                 + ", ".join(s.name for s in subjects))
        subjects = [s for s in subjects if s.name in wanted]
    results, failures = [], {}
    total = len(subjects)

    def report(interrupted=()):
        return write_report(results, failures, args.out, quick=args.quick, interrupted=interrupted, total=total)

    for k, s in enumerate(subjects, 1):
        # written before the subject starts: if the process is killed now, the report already has every
        # finished subject and names this one as interrupted
        report(interrupted=[s.name])
        progress.note(f"[recnet] [{k}/{total}] validating {s.name} ...")
        try:
            res = _run_validate(s, "numba", args.quick, args.seed, {})
            res.info["figures"] = [str(pth.name) for pth in _save_figures(res, args.out)]
            results.append(res)
            mde = res.min_detectable_rel_error()
            progress.note(f"[recnet] [{k}/{total}] {s.name}: {'agree' if res.agree else 'DISAGREE'} "
                          f"({res.timing.get('wall_s', 0):.1f} s)"
                          + ("" if mde is None else f"; would catch a theory {100 * mde:.3g} % off"))
        except KeyboardInterrupt:
            path = report(interrupted=[s.name])
            print(f"recnet: interrupted in {s.name}; report of the {len(results) + len(failures)} finished "
                  f"subjects written to {path}", file=sys.stderr, flush=True)
            return 130
        except Exception as exc:  # one broken subject must not hide the others' results
            failures[s.name] = f"{type(exc).__name__}: {exc}"
            if not isinstance(exc, (ParameterError, CLIError)):
                traceback.print_exc()
            progress.note(f"[recnet] [{k}/{total}] {s.name}: FAILED: {failures[s.name]}")
        report()
    papers = []
    if not args.only:   # the published figures of `recnet figure` that the report shows (report_figures)
        from recnet.validation.report_figures import draw_report_figures
        progress.note("[recnet] drawing the published figures for the report ...")
        papers = draw_report_figures(args.out)
    path = write_report(results, failures, args.out, quick=args.quick, total=total, papers=papers)
    ok = not failures and all(r.agree for r in results)
    print(f"report written to {path} ({'all agree' if ok else 'some DISAGREE or failed'})")
    return 0 if ok else 1


def _leading_subject(argv, command):
    """The SUBJECT that starts ``argv`` of ``recnet COMMAND SUBJECT ...``; None after printing the help
    for a bare ``--help``; a CLIError when it is missing."""
    if not argv or argv[0].startswith("-"):
        if "-h" in argv or "--help" in argv:
            print(__doc__)
            return None
        raise CLIError(f"{command} needs a SUBJECT (see `recnet list`)")
    return registry.get_subject(argv[0])


def cmd_calibrate(argv):
    """``recnet calibrate SUBJECT``: false-disagree rate, z spread and power of its validation."""
    subject = _leading_subject(argv, "calibrate")
    if subject is None:
        return 0
    if subject.validate is None:
        raise CLIError(f"subject {subject.name!r} has no validation to calibrate")
    from recnet.validation import calibrate as cal

    p = argparse.ArgumentParser(prog=f"recnet calibrate {subject.name}", argument_default=argparse.SUPPRESS,
                                description="run `validate` over K seeds; report false-disagree rate, "
                                            "standardised errors, power and minimal detectable error")
    p.add_argument("--seeds", type=int, default=20, help="number of seeds K (default: %(default)s)")
    p.add_argument("--seed0", type=int, default=1, help="first seed (default: %(default)s)")
    p.add_argument("--shift", type=float, default=None,
                   help="relative error F of the theory for the power (prediction x (1 + F)); default "
                        "the subject's claimed resolution (quick, full: "
                        f"{cal.CLAIMED_SHIFT.get(subject.name, (cal.DEFAULT_SHIFT,) * 2)})")
    p.add_argument("--quick", action="store_true", default=False, help="calibrate the quick validation")
    p.add_argument("--json", action="store_true", default=False, help="print one JSON object")
    p.add_argument("--workers", type=int, default=None, help="local processes (default: min(2, cores))")
    p.add_argument("--out", type=Path, default=None,
                   help="store each seed's record here as it finishes (a folder or .sqlite, as `recnet sweep "
                        "--out`); a rerun computes only the missing seeds")
    p.add_argument("--scheduler", default=None, help="address of an existing Dask scheduler (tcp://host:8786)")
    options = subject.command_options("validate")
    _add_options(p, options)
    args = vars(p.parse_args(_join_negative_values(argv[1:], options)))
    seeds, seed0, shift, quick, as_json, workers, store, scheduler = (
        args.pop(k) for k in ("seeds", "seed0", "shift", "quick", "json", "workers", "out", "scheduler"))

    def progress(rec):
        verdict = "FAILED" if "error" in rec else ("agree" if rec["agree"] else "DISAGREE")
        print(f"[recnet] seed {rec['seed']}: {verdict} ({rec['wall_s']:.1f} s)", file=sys.stderr, flush=True)

    out = cal.calibrate(subject.name, seeds, quick=quick, shift=shift, seed0=seed0, workers=workers,
                        options=args, progress=progress, out=store, scheduler=scheduler)
    print(_dump(out) if as_json else cal.format_report(out))
    return 0 if not out["errors"] else 1


# ----------------------------------------------------------------------------------------- sweep
def cmd_sweep(argv):
    """``recnet sweep SUBJECT --param NAME=START:STOP:N [...]``: predict/validate over a grid."""
    subject = _leading_subject(argv, "sweep")
    if subject is None:
        return 0
    from recnet import sweep as sw

    command = "validate" if "--validate" in argv[1:] else "predict"
    p = _Parser(prog=f"recnet sweep {subject.name}", argument_default=argparse.SUPPRESS,
                description=f"run `{command} {subject.name}` over a grid of options in parallel (Dask); each "
                            "point is stored as it finishes, and a rerun computes only the missing points")
    p.add_argument("--param", action="append", default=[], metavar="NAME=START:STOP:N|NAME=V1,V2,...",
                   help="a swept option (repeat for a 2-D grid); START:STOP:N gives N values, ends included")
    p.add_argument("--validate", action="store_true", default=False, help="sweep validate instead of predict")
    p.add_argument("--backend", default="numba", choices=BACKENDS, help="simulator of a validate sweep")
    p.add_argument("--quick", action="store_true", default=False, help="quick validations")
    p.add_argument("--seed", type=int, default=12345, help="seed of every validation (default: %(default)s)")
    p.add_argument("--out", type=Path, default=Path("recnet-sweep"), help="results folder (default: %(default)s)")
    p.add_argument("--scheduler", default=None, help="address of an existing Dask scheduler (tcp://host:8786)")
    p.add_argument("--workers", type=int, default=None, help="local worker processes (default: one per core)")
    p.add_argument("--json", action="store_true", default=False, help="print one JSON object")
    p.add_argument("--quiet", action="store_true", default=False, help="no progress bar")
    options = subject.command_options(command)
    _add_options(p, options)
    args = vars(p.parse_args(_join_negative_values(argv[1:], options)))
    specs = args.pop("param")
    if not specs:
        raise CLIError(f"recnet sweep {subject.name}: give at least one --param NAME=START:STOP:N")
    opts = {k: args.pop(k) for k in list(args) if k in {o.name for o in options}}
    params = dict(sw.parse_param(subject, command, spec) for spec in specs)
    _set_progress(args["quiet"], args["json"])
    bar = progress.bar(total=None, desc=f"sweep {subject.name}", unit="point")

    def tick(n, total, point):
        bar.total = total
        bar.update(1)
        if point["status"] == "error":
            print(f"[recnet] point {point['params']} failed:\n{point['error']}", file=sys.stderr, flush=True)

    try:
        kw = dict(backend=args["backend"], quick=args["quick"], seed=args["seed"]) if command == "validate" else {}
        res = sw.sweep(subject, params, command=command, fixed=opts, out=args["out"],
                       scheduler=args["scheduler"], workers=args["workers"], progress=tick, **kw)
    finally:
        bar.close()
    if args["json"]:
        print(_dump(res))
    else:
        print(f"# sweep {command} {subject.name}: {len(res['points'])} points, {res['computed']} computed, "
              f"{res['reused']} reused, {res['refused']} refused, {res['failed']} failed ({res['engine']}); "
              f"store: {res['store']}")
        for pt in res["points"]:
            what = pt["status"] if pt["status"] != "ok" else (
                ("agree" if pt["agree"] else "DISAGREE") if command == "validate" else "ok")
            print("  " + ", ".join(f"{k} = {_short(v)}" for k, v in pt["params"].items()) + f": {what}"
                  + (f" ({pt['error'].splitlines()[-1]})" if pt["error"] else ""))
        print(f"# draw it: recnet figure sweep {args['out']} [--key KEY]")
    return 0 if not res["failed"] else 1


def _config_value(v):
    """One config value for the text header: a model (a dict) by its name; --json has it whole."""
    if isinstance(v, dict):
        return f"<{v.get('model', 'model')} {v['name']!r}: see --json>" if "name" in v else "{...} (see --json)"
    return _short(v)


def _plain_config(config):
    from recnet.results import plain
    return plain(config)


# --------------------------------------------------------------------------------------- analyse
def cmd_analyse(argv):
    """``recnet analyse ACTIVITY_FILE``: dimension, covariance dispersion, R and branching ratio of data."""
    p = _Parser(prog="recnet analyse", description="estimate the participation ratio, covariance dispersion, "
                "spectral radius and branching ratio of recorded activity (.npy/.npz rates or spikes, a pickled "
                "neo Block, NWB with pynwb)")
    p.add_argument("activity_file", metavar="ACTIVITY_FILE", help="the recording")
    p.add_argument("--kind", choices=("rates", "spikes"), default=None, help="what to analyse (default: what the "
                   "file holds)")
    p.add_argument("--bin-ms", dest="bin_ms", type=float, default=None, metavar="B",
                   help="bin width [ms] (default: 100 for spikes, the sampling step for rates)")
    p.add_argument("--dt-ms", dest="dt_ms", type=float, default=1.0, metavar="DT",
                   help="sampling step of rates in a .npy file [ms] (default: %(default)s)")
    p.add_argument("--kmax", type=int, default=None, help="longest multistep-regression step [bins] "
                   "(default: 10 autocorrelation times)")
    p.add_argument("--blocks", dest="n_blocks", type=int, default=20, help="jackknife blocks (default: %(default)s)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    args = vars(p.parse_args(argv))
    as_json = args.pop("json")
    from recnet.analyse import analyse
    res = analyse(args.pop("activity_file"), **args)
    if as_json:
        print(_dump(res.to_dict()))
    else:
        d = res.to_dict()
        print("# analyse: " + ", ".join(f"{k} = {_short(v)}" for k, v in d.pop("config").items()))
        d.pop("subject")
        d.pop("timing")
        _print_mapping(d)
    return 0


# ---------------------------------------------------------------------------------------- figure
def _papers():
    import recnet.papers as pkg
    return {m.name: m for m in pkgutil.iter_modules(pkg.__path__) if not m.name.startswith("_")}


def cmd_figure_sweep(argv):
    p = _Parser(prog="recnet figure sweep", description="draw a sweep's results: lines (1 option) or a heat map "
                                                         "(2 options), validate verdicts overlaid")
    p.add_argument("folder", type=Path, help="the sweep's --out folder")
    p.add_argument("--key", default=None, help="dotted path of the value to draw (e.g. rate_hz.E); default: the "
                                                "first numeric value (validate sweeps: the verdict)")
    p.add_argument("-o", "--output", type=Path, default=None, help="output file (PNG/PDF/SVG)")
    args = p.parse_args(argv)
    from recnet import sweep as sw
    path = sw.plot(args.folder, key=args.key, out=args.output)
    print(f"figure written to {path}")
    return 0


def cmd_figure(argv):
    if argv and argv[0] == "sweep":
        return cmd_figure_sweep(argv[1:])
    p = _Parser(prog="recnet figure", description="draw a reproduced published figure (or `figure sweep DIR`)")
    p.add_argument("name", nargs="?", help="figure name (omit to list them)")
    p.add_argument("-o", "--output", type=Path, default=None, help="output file (PNG/PDF/SVG)")
    p.add_argument("--quick", action="store_true", help="coarser grid / shorter simulations")
    args = p.parse_args(argv)
    papers = _papers()
    if args.name is None:
        for name in sorted(papers):
            mod = importlib.import_module(f"recnet.papers.{name}")
            print(f"  {name:<32} {getattr(mod, 'TITLE', '')}")
        return 0
    if args.name not in papers:
        raise CLIError(f"figure = {args.name!r} is unknown: choose one of {', '.join(sorted(papers))}")
    mod = importlib.import_module(f"recnet.papers.{args.name}")
    out = args.output or Path(f"{args.name}.png")
    path = mod.make(out=out, quick=args.quick)
    print(f"figure written to {path or out}")
    return 0


# ------------------------------------------------------------------------------------------ main
def main(argv=None):
    """The ``recnet`` command; returns the exit status.

    Called without ``argv`` (the installed ``recnet`` script, ``python -m recnet``) the command runs in
    a forked worker process and this process only waits for it, so that Ctrl-C ends the command at
    once with status 130 even while the worker is inside a numba kernel (which does not look at
    signals).  Called with ``argv`` (tests, scripts) it runs in this process and Ctrl-C
    (``KeyboardInterrupt``) returns 130 when Python regains control.
    """
    if argv is None and hasattr(os, "fork") and not os.environ.get("RECNET_NO_FORK"):
        return _supervise(list(sys.argv[1:]))
    return _main(list(sys.argv[1:] if argv is None else argv))


def _supervise(argv):
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the worker: dies at once on Ctrl-C (the default action), even inside a kernel
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        code = 1
        try:
            code = _main(argv)
        except SystemExit as exc:  # argparse --help / --version
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        except BaseException:  # pragma: no cover - _main catches everything else
            traceback.print_exc()
        finally:
            for stream in (sys.stdout, sys.stderr):
                try:
                    stream.flush()
                except Exception:
                    pass
        os._exit(code if isinstance(code, int) else 1)

    stopped = []

    def stop(signum, frame):
        # the terminal sends Ctrl-C to the worker too; a signal sent to this process alone is passed on
        stopped.append(signum)
        for sig in (signal.SIGINT, signal.SIGKILL):
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                break
            if sig == signal.SIGINT:
                time.sleep(0.2)
                try:
                    if os.waitpid(pid, os.WNOHANG) != (0, 0):
                        break
                except ChildProcessError:
                    break

    old = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        while True:
            try:
                _, status = os.waitpid(pid, 0)
                break
            except InterruptedError:  # pragma: no cover - PEP 475 retries for us
                continue
            except ChildProcessError:  # reaped inside the handler
                status = signal.SIGKILL
                break
    finally:
        for sig, h in old.items():
            signal.signal(sig, h)
    if stopped or (os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGINT):
        print("recnet: interrupted", file=sys.stderr, flush=True)
        return 130 if not stopped or stopped[0] == signal.SIGINT else 128 + stopped[0]
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        print(f"recnet: the worker process died from signal {signal.Signals(sig).name}", file=sys.stderr)
        print(BUG_MESSAGE, file=sys.stderr, flush=True)
        return 128 + sig
    return os.WEXITSTATUS(status)


def _main(argv):
    top = argparse.ArgumentParser(
        prog="recnet",
        description="recnet: derive closed-form predictions for recurrent networks, validate them "
                    "against simulations, draw the figures.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="commands: list | models | derive SUBJECT | predict SUBJECT | validate SUBJECT|--all | "
               "calibrate SUBJECT | sweep SUBJECT --param NAME=START:STOP:N | figure [NAME] | figure sweep DIR | "
               "analyse ACTIVITY_FILE\n"
               f"subjects: {', '.join(s.name for s in registry.all_subjects())}\n"
               f"backends (validate --backend): {', '.join(BACKENDS)} (numba is built in; nest and spinnaker "
               "need the recnet[nest] / recnet[spinnaker] extras)\n"
               "`recnet COMMAND SUBJECT --help` lists a subject's options with their units.\n"
               "--quiet (predict, validate) turns progress bars off; Ctrl-C stops any command (exit 130).")
    top.add_argument("command", choices=("list", "models", "derive", "predict", "validate", "calibrate", "sweep",
                                         "figure", "analyse"))
    top.add_argument("--version", action="version", version="recnet " + __import__("recnet").__version__)
    if not argv or argv[0] in ("-h", "--help", "--version"):
        top.parse_args(argv or ["-h"])
        return 0
    command, rest = argv[0], argv[1:]
    old_progress = progress.enabled()
    try:
        if command == "list":
            return cmd_list(rest)
        if command == "models":
            return cmd_models(rest)
        if command == "validate":
            return cmd_validate(rest)
        if command == "figure":
            return cmd_figure(rest)
        if command == "calibrate":
            return cmd_calibrate(rest)
        if command == "sweep":
            return cmd_sweep(rest)
        if command == "analyse":
            return cmd_analyse(rest)
        if command in ("derive", "predict"):
            if not rest or rest[0].startswith("-"):
                raise CLIError(f"{command} needs a SUBJECT (see `recnet list`)")
            subject = registry.get_subject(rest[0])
            return (cmd_derive if command == "derive" else cmd_predict)(subject, rest[1:])
        raise CLIError(f"command = {command!r} is unknown: choose list, derive, predict, validate or figure")
    except (ParameterError, CLIError) as exc:
        if os.environ.get("RECNET_DEBUG"):
            raise
        print(f"recnet: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("recnet: interrupted", file=sys.stderr, flush=True)
        return 130
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stderr.close()
        return 0
    except Exception:
        # anything else is recnet's fault, never the user's: show where it happened
        if os.environ.get("RECNET_DEBUG"):
            raise
        traceback.print_exc()
        print(BUG_MESSAGE, file=sys.stderr, flush=True)
        return 1
    finally:
        progress.set_enabled(old_progress)


if __name__ == "__main__":
    sys.exit(main())
