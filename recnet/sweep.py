"""Sweeps: ``predict`` or ``validate`` of one subject over a grid of options, in parallel, never
losing a finished point (issue 18).

Every point is one call of ``Subject.predict`` / ``Subject.validate``.  A point is identified by its
*resolved request*: the subject, the command, every option with the defaults filled in (what the
registry resolves before running), and for ``validate`` the backend, ``quick`` and ``seed``; its
key is the SHA-256 of that request as canonical JSON.  The same request always resolves to the same
configuration, so the key is the resolved configuration's.

Results go into one SQLite file (``DIR/sweep.sqlite``, the standard library's well-kept embedded
database: atomic commits, readable from any language) as each point finishes.  A rerun of the same
sweep computes only the points that are missing; an interrupted sweep (Ctrl-C, a killed worker, a
lost machine) keeps everything that finished.  Points run in parallel through Dask: a local cluster
by default (one single-threaded worker process per core), or an existing cluster given by
``scheduler`` (``tcp://host:8786``), so a sweep scales out without other changes.  Without Dask
installed (it is the ``recnet[sweep]`` extra) points run in a local process pool.

A point the subject refuses (``ParameterError``: e.g. a g where no stable state exists to
validate) is a result too (status ``refused``, with the message); an unexpected error is stored
with status ``error`` and its traceback, and reported, never hidden.  Neither stops the sweep.
"""
from __future__ import annotations

import hashlib
import itertools
import json
import os
import sqlite3
import time
from pathlib import Path

import numpy as np

from recnet.checks import ParameterError

__all__ = ["grid", "parse_param", "request", "point_key", "run_point", "run_requests", "Store", "sweep", "load",
           "plot"]

STORE_NAME = "sweep.sqlite"
_SINGLE_THREAD = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
                  "NUMBA_NUM_THREADS": "1"}
MAX_POINTS = 100_000


# ------------------------------------------------------------------------------------ the grid
def _typed(option, text):
    """One value of ``option`` from its text (a float, int, bool or string option)."""
    name = option.name
    if option.type is bool:
        low = str(text).strip().lower()
        if low in ("true", "1", "yes"):
            return True
        if low in ("false", "0", "no"):
            return False
        raise ParameterError("param", f"{name}={text}", "a bool option takes true or false")
    try:
        return option.type(str(text).strip()) if option.type in (int, float) else str(text).strip()
    except ValueError:
        raise ParameterError("param", f"{name}={text}", f"{text!r} is not a {option.type.__name__}") from None


def parse_param(subject, command, spec):
    """``NAME=START:STOP:N`` (N values, ends included) or ``NAME=v1,v2,...`` -> (name, values).

    ``NAME`` is the option's Python name or its flag (``n_mean``, ``n-mean``, ``--n-mean``).
    """
    if "=" not in spec:
        raise ParameterError("param", spec, "write NAME=START:STOP:N or NAME=v1,v2,...")
    raw, text = spec.split("=", 1)
    name = raw.strip().lstrip("-").replace("-", "_")
    options = {o.name: o for o in subject.command_options(command)}
    if name not in options:
        raise ParameterError("param", spec, f"{name!r} is not an option of `{command} {subject.name}`: choose "
                             f"from {', '.join(options) or 'none'}")
    opt = options[name]
    parts = text.split(":")
    if len(parts) == 3 and opt.type in (int, float):
        try:
            start, stop, n = float(parts[0]), float(parts[1]), int(parts[2])
        except ValueError:
            raise ParameterError("param", spec, "START:STOP:N needs two numbers and an integer count") from None
        if not (np.isfinite(start) and np.isfinite(stop)) or not 1 <= n <= MAX_POINTS:
            raise ParameterError("param", spec, f"START and STOP finite, 1 <= N <= {MAX_POINTS}")
        vals = np.linspace(start, stop, n)
        if opt.type is int:
            if not np.allclose(vals, np.round(vals)):
                raise ParameterError("param", spec, f"{name} is an integer option: the grid must hit integers")
            return name, [int(round(v)) for v in vals]
        return name, [float(v) for v in vals]
    values = [_typed(opt, v) for v in text.split(",") if v.strip() != ""]
    if not values:
        raise ParameterError("param", spec, "give at least one value")
    return name, values


def grid(params):
    """All combinations of ``params`` ({name: values}) as a list of dicts, the last name fastest."""
    names = list(params)
    total = int(np.prod([len(v) for v in params.values()])) if params else 0
    if total > MAX_POINTS:
        raise ParameterError("param", " x ".join(str(len(v)) for v in params.values()),
                             f"the grid has {total} points, above the limit of {MAX_POINTS}")
    return [dict(zip(names, combo)) for combo in itertools.product(*params.values())]


# ---------------------------------------------------------------------------------- one point
def _plain_json(obj):
    from recnet.results import plain
    return json.loads(json.dumps(plain(obj), sort_keys=True, default=str))


def request(subject, command, options, *, backend="numba", quick=False, seed=12345):
    """The resolved request of one point: every option with the defaults filled in (the registry's
    resolution, which refuses unknown options), plus backend/quick/seed for ``validate``."""
    resolved = subject._resolve(command, dict(options))
    req = {"subject": subject.name, "command": command, "options": _plain_json(resolved)}
    if command == "validate":
        req.update(backend=backend, quick=bool(quick), seed=seed)
    return req


def point_key(req):
    """SHA-256 of the request as canonical JSON: the point's identity in the store."""
    return hashlib.sha256(json.dumps(req, sort_keys=True).encode()).hexdigest()


def run_point(req):
    """Run one point (in a worker process): ``{"status", "result", "agree", "error", "wall_s"}``.

    ``status`` is ``ok``, ``refused`` (a ``ParameterError``: the message says why) or ``error`` (an
    unexpected exception: its traceback is kept for the report).
    """
    import traceback

    from recnet import registry
    t0 = time.perf_counter()
    subject = registry.get_subject(req["subject"])
    opts = dict(req["options"])
    try:
        if req["command"] == "validate":
            res = subject.validate(backend=req["backend"], quick=req["quick"], seed=req["seed"], **opts)
            agree = bool(res.agree)
            import matplotlib.pyplot as plt
            plt.close("all")
        else:
            res = subject.predict(**opts)
            agree = None
        out = {"status": "ok", "result": _plain_json(res.to_dict()), "agree": agree, "error": None}
    except ParameterError as exc:
        out = {"status": "refused", "result": None, "agree": None, "error": f"{exc}"}
    except Exception:
        out = {"status": "error", "result": None, "agree": None, "error": traceback.format_exc()}
    out["wall_s"] = time.perf_counter() - t0
    return out


# --------------------------------------------------------------------------------------- store
class Store:
    """The sweep's results: one SQLite table ``points`` keyed by the request's hash.

    Columns: ``key``, ``subject``, ``command``, ``params`` (the swept values, JSON), ``request``
    (JSON), ``status``, ``result`` (the predict/validate JSON, without ``timing`` differences
    mattering: the full object is kept), ``agree`` (validate), ``error``, ``wall_s``, ``finished``
    (UTC time).  Each point is committed on its own, so a crash loses nothing finished.
    """

    def __init__(self, path):
        path = Path(path)
        if path.suffix != ".sqlite":
            path.mkdir(parents=True, exist_ok=True)
            path = path / STORE_NAME
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.db = sqlite3.connect(str(path), timeout=60.0)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("""CREATE TABLE IF NOT EXISTS points (
            key TEXT PRIMARY KEY, subject TEXT, command TEXT, params TEXT, request TEXT, status TEXT,
            result TEXT, agree INTEGER, error TEXT, wall_s REAL, finished TEXT)""")
        self.db.commit()

    def done(self, keys):
        """The subset of ``keys`` already stored (any status but ``error``: errors are retried)."""
        have = set()
        keys = list(keys)
        for i in range(0, len(keys), 500):
            chunk = keys[i:i + 500]
            q = f"SELECT key FROM points WHERE status != 'error' AND key IN ({','.join('?' * len(chunk))})"
            have.update(r[0] for r in self.db.execute(q, chunk))
        return have

    def put(self, key, params, req, out):
        self.db.execute("INSERT OR REPLACE INTO points VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                        (key, req["subject"], req["command"], json.dumps(params, sort_keys=True),
                         json.dumps(req, sort_keys=True), out["status"],
                         None if out["result"] is None else json.dumps(out["result"], sort_keys=True),
                         None if out["agree"] is None else int(out["agree"]), out["error"], out["wall_s"],
                         time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())))
        self.db.commit()

    def rows(self, keys=None):
        """Stored points as dicts (all, or those of ``keys`` in that order)."""
        cols = ["key", "subject", "command", "params", "request", "status", "result", "agree", "error", "wall_s",
                "finished"]
        cur = self.db.execute(f"SELECT {', '.join(cols)} FROM points")
        rows = {}
        for r in cur:
            d = dict(zip(cols, r))
            for k in ("params", "request", "result"):
                d[k] = None if d[k] is None else json.loads(d[k])
            d["agree"] = None if d["agree"] is None else bool(d["agree"])
            rows[d["key"]] = d
        if keys is None:
            return list(rows.values())
        return [rows[k] for k in keys if k in rows]

    def close(self):
        self.db.close()


# ------------------------------------------------------------------------------------ executors
def _local_workers(workers, n_points):
    cores = os.cpu_count() or 1
    return max(1, min(n_points, cores if workers is None else workers))


def _run_dask(todo, scheduler, workers, on_done, fn=None):
    """Run ``todo`` ([(key, params, req)]) on a Dask cluster, calling ``on_done`` as each finishes;
    each point is ``fn(req)`` (default :func:`run_point`)."""
    fn = run_point if fn is None else fn
    from distributed import Client, LocalCluster, as_completed
    cluster = None
    if scheduler is None:
        import logging
        cluster = LocalCluster(n_workers=_local_workers(workers, len(todo)), threads_per_worker=1, processes=True,
                               dashboard_address=None, env=dict(_SINGLE_THREAD), silence_logs=logging.ERROR)
        client = Client(cluster)
    else:
        client = Client(scheduler, timeout=30)
    try:
        futures = {client.submit(fn, req, key=f"recnet-{key}", pure=False): (key, params, req)
                   for key, params, req in todo}
        for fut in as_completed(futures):
            key, params, req = futures[fut]
            try:
                out = fut.result()
            except Exception as exc:   # the task itself failed (e.g. its worker died too often)
                out = {"status": "error", "result": None, "agree": None, "wall_s": float("nan"),
                       "error": f"the Dask task failed: {type(exc).__name__}: {exc}"}
            on_done(key, params, req, out)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _single_threaded_worker():
    """Pool-worker initialiser: one point per core, no nested thread pools.  Only the forked worker
    changes: the caller's process keeps its environment, and numba's thread count is lowered with
    ``set_num_threads`` (numba refuses a changed NUMBA_NUM_THREADS once its threads started)."""
    for k, v in _SINGLE_THREAD.items():
        if k != "NUMBA_NUM_THREADS":
            os.environ.setdefault(k, v)
    try:
        import numba
        numba.set_num_threads(1)
    except Exception:   # a numba without threading support: nothing to lower
        pass


def _run_pool(todo, workers, on_done, fn=None):
    """Without Dask: a local process pool (fork, one single-threaded worker per core)."""
    fn = run_point if fn is None else fn
    if _local_workers(workers, len(todo)) == 1:
        for key, params, req in todo:
            on_done(key, params, req, fn(req))
        return
    import concurrent.futures as cf
    import multiprocessing as mp
    with cf.ProcessPoolExecutor(_local_workers(workers, len(todo)), mp_context=mp.get_context("fork"),
                                initializer=_single_threaded_worker) as ex:
        futures = {ex.submit(fn, req): (key, params, req) for key, params, req in todo}
        for fut in cf.as_completed(futures):
            key, params, req = futures[fut]
            on_done(key, params, req, fut.result())


def resolve_engine(engine, scheduler, workers):
    """The engine that will run: ``serial``, ``pool`` or ``dask`` (refusing impossible choices)."""
    if workers is not None:
        from recnet import checks
        workers = checks.integer("workers", workers, 1, 4096)
    if engine not in ("auto", "dask", "pool", "serial"):
        raise ParameterError("engine", engine, "choose auto, dask, pool or serial")
    if scheduler is not None and engine in ("pool", "serial"):
        raise ParameterError("scheduler", scheduler, f"needs the dask engine, not {engine}")
    if engine == "dask" or scheduler is not None:
        if not _have_dask():
            raise ParameterError("scheduler" if scheduler else "engine", scheduler or engine,
                                 "needs Dask: pip install 'recnet[sweep]'")
        return "dask"
    if engine == "auto":
        return "serial" if workers == 1 else ("dask" if _have_dask() else "pool")
    return engine


def run_requests(todo, on_done, *, fn=None, engine="auto", scheduler=None, workers=None):
    """Run independent points ``todo`` = [(key, params, req)] as ``fn(req)`` (default
    :func:`run_point`) on the resolved engine, calling ``on_done(key, params, req, out)`` in this
    process as each finishes (the sweep and ``calibrate`` share this engine)."""
    engine = resolve_engine(engine, scheduler, workers)
    if not todo:
        return engine
    if engine == "dask":
        _run_dask(todo, scheduler, workers, on_done, fn)
    elif engine == "serial":
        _run_pool(todo, 1, on_done, fn)
    else:
        _run_pool(todo, workers, on_done, fn)
    return engine


def _have_dask():
    try:
        import distributed  # noqa: F401
        return True
    except ImportError:
        return False


# ---------------------------------------------------------------------------------------- sweep
def sweep(subject, params, *, command="predict", fixed=None, backend="numba", quick=False, seed=12345,
          out="recnet-sweep", scheduler=None, workers=None, engine="auto", progress=None):
    """Run ``command`` of ``subject`` at every point of the grid ``params``; store and return them.

    Parameters
    ----------
    subject : str or Subject
    params : dict
        ``{option name: list of values}``; the grid is their product (the last name varies fastest).
    command : {"predict", "validate"}
    fixed : dict
        options held fixed at every point.
    backend, quick, seed
        of ``validate`` (refused for ``predict`` unless left at their defaults).
    out : path
        folder (or ``.sqlite`` file) of the store; an existing store is reused: only missing points
        (and points that ended in an unexpected error) are computed.
    scheduler : str or None
        address of an existing Dask scheduler; None: a local cluster (or a process pool without Dask).
    workers : int or None
        local worker processes (default: one per core); 1 runs the points serially in this process.
    engine : {"auto", "dask", "pool", "serial"}
    progress : callable or None
        called with (n_finished, n_to_do, point dict) after each point.

    Returns
    -------
    dict
        ``points`` (one dict per grid point, in grid order: ``params``, ``key``, ``status``,
        ``result``, ``agree``, ``error``), ``computed``, ``reused``, ``failed`` (count of ``error``
        points), ``refused``, ``store`` (the SQLite path), ``engine``.
    """
    from recnet import registry
    subj = registry.get_subject(subject) if isinstance(subject, str) else subject
    if command not in ("predict", "validate"):
        raise ParameterError("command", command, "choose predict or validate")
    if command == "predict" and (backend != "numba" or quick or seed != 12345):
        raise ParameterError("backend/quick/seed", (backend, quick, seed), "apply to validate sweeps only")
    if getattr(subj, command) is None:
        raise ParameterError("command", command, f"subject {subj.name!r} has no {command}")
    if not params:
        raise ParameterError("param", params, "give at least one swept option (--param NAME=...)")
    fixed = dict(fixed or {})
    clash = set(fixed) & set(params)
    if clash:
        name = sorted(clash)[0]
        raise ParameterError(name, fixed[name], "is swept (--param) and fixed at once: choose one")
    engine = resolve_engine(engine, scheduler, workers)
    points = grid(params)
    reqs = [request(subj, command, dict(fixed, **p), backend=backend, quick=quick, seed=seed) for p in points]
    keys = [point_key(r) for r in reqs]
    store = Store(out)
    try:
        done = store.done(keys)
        todo, seen = [], set()
        for k, p, r in zip(keys, points, reqs):
            if k not in done and k not in seen:
                todo.append((k, p, r))
                seen.add(k)
        finished = [0]

        def on_done(key, p, req, res):
            store.put(key, p, req, res)
            finished[0] += 1
            if progress is not None:
                progress(finished[0], len(todo), dict(params=p, **res))

        run_requests(todo, on_done, engine=engine, scheduler=scheduler, workers=workers)
        rows = {r["key"]: r for r in store.rows(keys)}
        out_points = []
        for k, p in zip(keys, points):
            r = rows[k]
            out_points.append({"params": p, "key": k, "status": r["status"], "agree": r["agree"],
                               "result": r["result"], "error": r["error"]})
        return {"subject": subj.name, "command": command, "params": {k: list(v) for k, v in params.items()},
                "fixed": _plain_json(fixed), "store": str(store.path), "engine": engine,
                "points": out_points, "computed": finished[0], "reused": len(set(keys)) - len(todo),
                "failed": sum(p["status"] == "error" for p in out_points),
                "refused": sum(p["status"] == "refused" for p in out_points)}
    finally:
        store.close()


def load(path):
    """The stored points of a sweep folder (or ``.sqlite`` file) as a list of dicts."""
    path = Path(path)
    db = path if path.suffix == ".sqlite" else path / STORE_NAME
    if not db.is_file():
        raise ParameterError("sweep", str(path), f"holds no sweep results ({STORE_NAME} not found)")
    store = Store(db)
    try:
        return store.rows()
    finally:
        store.close()


# --------------------------------------------------------------------------------------- figure
def _lookup(result, key):
    """``result["a"]["b"]`` for ``key = "a.b"`` (None when absent or not a finite number)."""
    v = result
    for part in key.split("."):
        if isinstance(v, dict) and part in v:
            v = v[part]
        elif isinstance(v, list) and part.isdigit() and int(part) < len(v):
            v = v[int(part)]
        else:
            return None
    if isinstance(v, bool):
        return float(v)
    return float(v) if isinstance(v, (int, float)) and np.isfinite(v) else None


def _default_key(rows):
    for r in rows:
        res = r["result"] or {}
        for k, v in res.items():
            if k not in ("config", "timing", "warnings", "subject") and isinstance(v, (int, float)) \
                    and not isinstance(v, bool):
                return k
    return None


def plot(path, key=None, out=None):
    """Draw a sweep: lines for one swept option, a heat map for two; validate verdicts overlaid.

    ``key`` is a dotted path into each point's result (``rate_hz.E``, ``stability.growth_rate_per_s``);
    default: the first numeric value of the results (for validate sweeps: the verdict).  Returns the
    path written (PNG/PDF/SVG from ``out``'s extension, default ``DIR/sweep_KEY.png``).
    """
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = load(path)
    if not rows:
        raise ParameterError("sweep", str(path), "holds no points yet")
    names = sorted({n for r in rows for n in r["params"]}, key=lambda n: list(rows[0]["params"]).index(n)
                   if n in rows[0]["params"] else 99)
    if len(names) > 2:
        raise ParameterError("sweep", str(path), f"sweeps {len(names)} options: the figure draws 1 or 2")
    is_validate = rows[0]["command"] == "validate"
    key = key or ("agree" if is_validate else _default_key([r for r in rows if r["result"]]))
    if key is None:
        raise ParameterError("key", key, "no numeric value in the results: name one with --key")
    val = {tuple(r["params"][n] for n in names): (_lookup(r["result"], key) if r["result"] else None, r)
           for r in rows}
    fig, ax = plt.subplots(figsize=(5.5, 4))
    label = key if key != "agree" else "verdict (1 = agree)"
    from recnet import registry
    units = {o.name: o.unit for o in registry.get_subject(rows[0]["subject"]).command_options(rows[0]["command"])}

    def axis(name):
        return f"{name} [{units[name]}]" if units.get(name) else name
    if len(names) == 1:
        xs = sorted(val)
        x = [p[0] for p in xs]
        y = [np.nan if val[p][0] is None else val[p][0] for p in xs]
        ax.plot(x, y, "o-", color="C0", label=label)
        if is_validate and key != "agree":
            bad = [(p[0], v[0]) for p, v in val.items() if v[1]["agree"] is False and v[0] is not None]
            if bad:
                ax.plot(*zip(*bad), "rx", ms=10, label="DISAGREE")
        ax.set_xlabel(axis(names[0]))
        ax.set_ylabel(label)
        ax.legend(fontsize=8)
    else:
        xs = sorted({p[0] for p in val})
        ys = sorted({p[1] for p in val})
        Z = np.full((len(ys), len(xs)), np.nan)
        for (a, b), (v, _) in val.items():
            if v is not None:
                Z[ys.index(b), xs.index(a)] = v
        mesh = ax.pcolormesh(xs, ys, Z, shading="nearest", cmap="viridis")
        fig.colorbar(mesh, ax=ax, label=label)
        if is_validate and key != "agree":
            bad = [p for p, v in val.items() if v[1]["agree"] is False]
            if bad:
                ax.plot(*zip(*bad), "rx", ms=10, label="DISAGREE")
                ax.legend(fontsize=8)
        ax.set_xlabel(axis(names[0]))
        ax.set_ylabel(axis(names[1]))
    ax.set_title(f"{rows[0]['command']} {rows[0]['subject']}: {len(rows)} points", fontsize=9)
    p = Path(path)
    folder = p.parent if p.suffix == ".sqlite" else p
    out = Path(out) if out else folder / f"sweep_{key.replace('.', '_')}.png"
    fig.tight_layout()
    fig.savefig(out, dpi=120)
    plt.close(fig)
    return out
