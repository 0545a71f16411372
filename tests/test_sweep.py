"""`recnet sweep` (issue 18, item 3): grids of predict/validate points, stored as each finishes,
reused on a rerun, never lost on an interrupt, and run on an existing Dask cluster."""
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

import recnet
from recnet import sweep as sw
from recnet.checks import ParameterError
from recnet.cli import main


def _strip(result):
    d = dict(result)
    d.pop("timing", None)
    return d


def _rows(folder):
    db = folder / "sweep.sqlite"
    if not db.is_file():
        return []
    with sqlite3.connect(str(db), timeout=30) as con:
        try:
            return list(con.execute("SELECT key, status, finished FROM points"))
        except sqlite3.OperationalError:
            return []


def test_parse_param_and_grid():
    s = recnet.subject("siegert")
    assert sw.parse_param(s, "predict", "mu=10:20:3") == ("mu", [10.0, 15.0, 20.0])
    assert sw.parse_param(s, "predict", "--sigma=2,4") == ("sigma", [2.0, 4.0])
    pts = sw.grid({"mu": [1.0, 2.0], "sigma": [3.0, 4.0, 5.0]})
    assert len(pts) == 6 and pts[1] == {"mu": 1.0, "sigma": 4.0}
    for bad, why in (("mu", "NAME="), ("nope=1,2", "not an option"), ("mu=1:2", "not a float"),
                     ("mu=1:2:0", "1 <= N")):
        with pytest.raises(ParameterError) as e:
            sw.parse_param(s, "predict", bad)
        assert e.value.name == "param" and why in str(e.value)


def test_serial_sweep_equals_direct_predicts_and_a_rerun_reuses_them(tmp_path):
    params = {"mu": [10.0, 15.0], "sigma": [3.0, 5.0]}
    a = sw.sweep("siegert", params, out=tmp_path / "s", workers=1)
    assert (a["computed"], a["reused"], a["failed"]) == (4, 0, 0) and a["engine"] == "serial"
    s = recnet.subject("siegert")
    for pt in a["points"]:
        direct = json.loads(json.dumps(s.predict(**pt["params"]).to_dict(), default=str))
        assert _strip(pt["result"]) == _strip(direct)
    b = sw.sweep("siegert", params, out=tmp_path / "s", workers=1)
    assert (b["computed"], b["reused"]) == (0, 4)
    assert [_strip(p["result"]) for p in b["points"]] == [_strip(p["result"]) for p in a["points"]]
    # a bigger grid computes only its new points; a default written out is the same point
    c = sw.sweep("siegert", {"mu": [10.0, 15.0, 20.0], "sigma": [3.0, 5.0]}, out=tmp_path / "s", workers=1)
    assert (c["computed"], c["reused"]) == (2, 4)
    d = sw.sweep("siegert", {"mu": [10.0]}, fixed={"sigma": 5.0}, out=tmp_path / "s", workers=1)
    assert (d["computed"], d["reused"]) == (0, 1)


def test_refused_points_are_results_and_bad_requests_are_named(tmp_path):
    r = sw.sweep("siegert", {"sigma": [-1.0, 5.0]}, out=tmp_path / "r", workers=1)
    assert [p["status"] for p in r["points"]] == ["refused", "ok"] and "sigma" in r["points"][0]["error"]
    with pytest.raises(ParameterError) as e:
        sw.sweep("siegert", {"mu": [1.0]}, fixed={"mu": 2.0}, out=tmp_path / "r", workers=1)
    assert e.value.name == "mu"
    with pytest.raises(ParameterError) as e:
        sw.sweep("siegert", {"mu": [1.0]}, fixed={"nope": 2.0}, out=tmp_path / "r", workers=1)
    assert e.value.name == "nope"


def test_cli_sweep_json_and_figure(tmp_path, capsys):
    out = tmp_path / "c"
    assert main(["sweep", "siegert", "--param", "mu=10:20:3", "--sigma", "4", "--out", str(out), "--workers", "1",
                 "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["computed"] == 3 and d["reused"] == 0 and len(d["points"]) == 3
    assert all(p["result"]["config"]["sigma"] == 4.0 for p in d["points"])
    assert main(["figure", "sweep", str(out), "--key", "rate_hz", "-o", str(tmp_path / "f.png")]) == 0
    assert (tmp_path / "f.png").stat().st_size > 1000
    assert main(["sweep", "siegert", "--param", "bogus=1,2", "--out", str(out)]) == 2


def _env():
    env = dict(os.environ, MPLBACKEND="Agg", OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    env.pop("RECNET_NO_FORK", None)
    return env


@pytest.mark.slow
def test_interrupted_sweep_resumes_without_losing_or_recomputing(tmp_path):
    out = tmp_path / "i"
    cmd = [sys.executable, "-m", "recnet", "sweep", "brunel", "--param", "g=4:6:8", "--eta", "2",
           "--out", str(out), "--workers", "1", "--quiet"]
    proc = subprocess.Popen(cmd, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    t0 = time.time()
    while len(_rows(out)) < 2 and time.time() - t0 < 240 and proc.poll() is None:
        time.sleep(0.2)
    before = {k: f for k, _, f in _rows(out)}
    assert 2 <= len(before) < 8, "the sweep must be interrupted mid-way"
    proc.send_signal(signal.SIGINT)
    proc.communicate(timeout=30)
    assert proc.returncode == 130
    kept = {k: f for k, _, f in _rows(out)}
    assert set(before) <= set(kept)
    res = subprocess.run(cmd + ["--json"], env=_env(), capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stderr
    d = json.loads(res.stdout)
    assert d["reused"] == len(kept) and d["computed"] == 8 - len(kept)
    after = {k: f for k, _, f in _rows(out)}
    assert len(after) == 8 and all(after[k] == kept[k] for k in kept)     # nothing recomputed


@pytest.mark.slow
def test_sweep_on_an_existing_dask_cluster_survives_a_killed_worker(tmp_path):
    pytest.importorskip("distributed")
    sched_file = tmp_path / "scheduler.json"
    procs = []
    env = _env()
    try:
        procs.append(subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1",
                                       "--port", "0", "--no-dashboard", "--scheduler-file", str(sched_file)],
                                      env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        t0 = time.time()
        while not sched_file.is_file() and time.time() - t0 < 60:
            time.sleep(0.2)
        address = json.loads(sched_file.read_text())["address"]
        workers = [subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_worker", address, "--nworkers", "1",
                                     "--nthreads", "1", "--no-dashboard", "--no-nanny"], env=env,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
                   for _ in range(2)]
        procs += workers
        out = tmp_path / "d"
        grid = ["--param", "g=4:6:3", "--param", "eta=1.5,2.5"]
        cmd = [sys.executable, "-m", "recnet", "sweep", "brunel", *grid, "--out", str(out), "--scheduler", address,
               "--json", "--quiet"]
        sweep = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        t0 = time.time()
        while len(_rows(out)) < 1 and time.time() - t0 < 300 and sweep.poll() is None:
            time.sleep(0.1)
        os.killpg(workers[0].pid, signal.SIGKILL)                       # one worker dies mid-sweep
        stdout, stderr = sweep.communicate(timeout=900)
        assert sweep.returncode == 0, stderr
        d = json.loads(stdout)
        assert len(d["points"]) == 6 and all(p["status"] == "ok" for p in d["points"])
        assert len(_rows(out)) == 6                                      # each point stored once
        again = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
        d2 = json.loads(again.stdout)
        assert (d2["computed"], d2["reused"]) == (0, 6)                 # computed once across the rerun
        serial = sw.sweep("brunel", {"g": [4.0, 5.0, 6.0], "eta": [1.5, 2.5]}, out=tmp_path / "serial", workers=1)
        assert [_strip(p["result"]) for p in d["points"]] == [_strip(p["result"]) for p in serial["points"]]
    finally:
        for p in procs:
            try:
                os.killpg(p.pid, signal.SIGKILL) if p in procs[1:] else p.kill()
            except (ProcessLookupError, PermissionError):
                pass
