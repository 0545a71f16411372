"""Benchmark: recnet's fixed-point finder against FixedPointFinder (Golub & Sussillo 2018, PyTorch back end).

Same network, same initial states, same input condition: the shipped 3-bit flip-flop RNN
(``flipflop3-tanh64.npz``, 64 tanh units) as the leaky map it was trained as,
x -> (1 - a) x + a (W tanh(x) + b), a = 0.2, from 256 states sampled along its own trajectories
(``recnet.numerics.trained.fixed_points.initial_states``, seed 0) with u = 0.

* recnet: ``find_fixed_points(..., dynamics="leaky")`` (batched LM + Newton polish in numba, the
  multipliers of every point); numba's compile time excluded (one warm-up call); best of 3.
* FixedPointFinder: ``FixedPointFinderTorch`` with its default hyperparameters except
  ``dtype="float64"`` and ``verbose=False`` (joint Adam on q, tol_q = 1e-12, de-duplication, the
  Jacobians of the unique points, their eigen-decomposition), on a ``torch.nn.Module`` computing the
  same map; best of 3.  It runs in its own virtual environment, ``benchmarks/.venv-fpf``, made by
  this script (``python -m venv``; ``pip install numpy`` and torch), never in recnet's.

Printed: both wall times and their ratio, each finder's points, and whether both found the same
fixed points: an FPF point x_f matches recnet's x* when |x_f - x*| <= 2 |F(x_f)| / sigma_min(D - I)
(the first-order distance from a point with residual F to a regular zero, doubled for the
second-order term), and every stable/unstable class is compared.  From the same starts the two
optimisers end on partly different saddles, so FPF's points are also matched against recnet's run
from 4x as many starts (seed 5), and that run's time gives a second ratio.

Run::

    python benchmarks/trained_vs_fixed_point_finder.py [--fpf-src DIR] [--torch-spec SPEC] [--n-init 256]

``--fpf-src``: a checkout of github.com/mattgolub/fixed-point-finder (default: benchmarks/.fpf-src,
cloned with git when missing).  ``--torch-spec``: what pip installs (default ``torch`` from the CPU
index https://download.pytorch.org/whl/cpu).  When the source or torch cannot be had, the script says
so and exits 0 without a ratio.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from importlib.resources import files
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
VENV = HERE / ".venv-fpf"
FPF_SRC = HERE / ".fpf-src"
FPF_URL = "https://github.com/mattgolub/fixed-point-finder"
CPU_INDEX = "https://download.pytorch.org/whl/cpu"

WORKER = r'''
import json, sys, time
import numpy as np
import torch
sys.path.insert(0, sys.argv[1])
from FixedPointFinderTorch import FixedPointFinderTorch

z = np.load(sys.argv[2])
W, b, alpha, X0 = (torch.tensor(z[k]) for k in ("W", "b", "alpha", "X0"))
n_in = 3

class LeakyRNN(torch.nn.Module):
    """output, h_n = rnn(input, h0) of the map h -> (1 - a) h + a (W tanh(h) + B u + b)."""
    def __init__(self):
        super().__init__()
        self.batch_first = True
        self.W = torch.nn.Parameter(W.clone())
        self.B = torch.nn.Parameter(torch.tensor(z["B"]))
        self.b = torch.nn.Parameter(b.clone())
    def forward(self, inp, h0):
        h = h0[0]
        outs = []
        for t in range(inp.shape[1]):
            h = (1 - alpha) * h + alpha * (torch.tanh(h) @ self.W.T + inp[:, t] @ self.B.T + self.b)
            outs.append(h)
        return torch.stack(outs, 1), h[None]

rnn = LeakyRNN().double()
inputs = np.zeros((1, n_in))
times = []
for rep in range(int(sys.argv[4])):
    fpf = FixedPointFinderTorch(rnn, dtype="float64", verbose=False)
    t0 = time.perf_counter()
    unique, allfps = fpf.find_fixed_points(np.array(z["X0"]), inputs)
    times.append(time.perf_counter() - t0)
    for p in rnn.parameters():
        p.requires_grad = True
out = {"times": times, "xstar": unique.xstar.tolist(), "qstar": unique.qstar.tolist(),
       "eig_abs": [np.abs(np.linalg.eigvals(J)).tolist() for J in unique.J_xstar],
       "n_iters": int(np.max(allfps.n_iters)), "torch": torch.__version__, "threads": torch.get_num_threads()}
json.dump(out, open(sys.argv[3], "w"))
'''


def _say(*a):
    print(*a, flush=True)


def ensure_fpf_src(path):
    if (Path(path) / "FixedPointFinderTorch.py").is_file():
        return Path(path)
    _say(f"FixedPointFinder source not found in {path}: cloning {FPF_URL}")
    r = subprocess.run(["git", "clone", "--depth", "1", FPF_URL, str(path)], capture_output=True, text=True)
    if r.returncode != 0 or not (Path(path) / "FixedPointFinderTorch.py").is_file():
        return None
    return Path(path)


def ensure_venv(torch_spec):
    py = VENV / "bin" / "python"
    if py.is_file() and subprocess.run([str(py), "-c", "import torch, numpy"], capture_output=True).returncode == 0:
        return py
    _say(f"creating {VENV} and installing numpy, {torch_spec} (CPU index {CPU_INDEX}) ...")
    subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    r = subprocess.run([str(py), "-m", "pip", "install", "-q", "numpy", torch_spec, "--extra-index-url", CPU_INDEX],
                       capture_output=True, text=True)
    if r.returncode != 0:
        _say("pip could not install torch here:\n" + r.stderr[-2000:])
        return None
    return py


def site_size(py):
    out = subprocess.run([str(py), "-c", "import site; print(site.getsitepackages()[0])"], capture_output=True,
                         text=True).stdout.strip()
    return sum(f.stat().st_size for f in Path(out).rglob("*") if f.is_file()) / 1e9


def recnet_run(W, b, alpha, X0, reps):
    from recnet.numerics.trained import fixed_points as FP
    FP.find_fixed_points(W, b, "tanh", X0=X0[:4], dynamics="leaky", alpha=alpha)     # compile
    times, r = [], None
    for _ in range(reps):
        t0 = time.perf_counter()
        r = FP.find_fixed_points(W, b, "tanh", X0=X0, dynamics="leaky", alpha=alpha)
        times.append(time.perf_counter() - t0)
    return r, times


def match(W, b, alpha, pts, f):
    """Matches FPF's points to recnet's ``pts`` (module docstring): (matched recnet indices, FPF points
    matched, stability agreements, FPF points without partner)."""
    from recnet.numerics.trained import fixed_points as FP
    xs = np.array([p["x"] for p in pts])
    matched, n_f, cls_ok, extra = set(), 0, 0, []
    for xf, eabs in zip(np.array(f["xstar"]), f["eig_abs"]):
        F = FP.residual(W, b, "tanh", xf, "leaky", alpha)
        d = np.linalg.norm(xs - xf, axis=1)
        k = int(np.argmin(d))
        D = FP.jacobian(W, "tanh", xs[k], b, "leaky", alpha)
        smin = np.linalg.svd(D - np.eye(len(xf)), compute_uv=False)[-1]
        if d[k] <= 2 * np.linalg.norm(F) / smin:
            matched.add(k)
            n_f += 1
            cls_ok += bool(np.max(eabs) < 1) == (pts[k]["stability"] == "stable")
        else:
            extra.append(float(np.linalg.norm(F)))
    return matched, n_f, cls_ok, extra


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--fpf-src", default=str(FPF_SRC))
    ap.add_argument("--torch-spec", default="torch")
    ap.add_argument("--n-init", type=int, default=256)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--save-fpf", default=None, help="write FixedPointFinder's points and times to this JSON file")
    ap.add_argument("--load-fpf", default=None, help="take FixedPointFinder's results from a --save-fpf file")
    a = ap.parse_args(argv)
    from recnet.numerics.trained import fixed_points as FP
    with np.load(files("recnet.models") / "data" / "flipflop3-tanh64.npz") as z:
        W, B, b, alpha = z["W"], z["B"], z["b"], float(z["alpha"])
    X0 = FP.initial_states(W, b, "tanh", a.n_init, seed=0, dynamics="leaky", alpha=alpha)
    if a.load_fpf:   # FixedPointFinder's results of an earlier run of this script (--save-fpf), same starts
        f = json.loads(Path(a.load_fpf).read_text())
        _say(f"FixedPointFinder results read from {a.load_fpf} (an earlier run, same network and starts)")
        return report(a, W, b, alpha, X0, f)
    src = ensure_fpf_src(a.fpf_src)
    if src is None:
        _say(f"NOT RUN: FixedPointFinder's source is not available (git clone {FPF_URL} failed; no network "
             "beyond package registries?). Pass --fpf-src DIR with a checkout.")
        return 0
    py = ensure_venv(a.torch_spec)
    if py is None:
        _say("NOT RUN: torch could not be installed into the benchmark's own environment (see pip's message).")
        return 0
    _say(f"benchmark venv {VENV}: {site_size(py):.2f} GB installed")
    with tempfile.TemporaryDirectory() as tmp:
        np.savez(Path(tmp) / "net.npz", W=W, B=B, b=b, alpha=np.array(alpha), X0=X0)
        (Path(tmp) / "worker.py").write_text(WORKER)
        env = dict(os.environ, PYTHONPATH="")
        res = subprocess.run([str(py), str(Path(tmp) / "worker.py"), str(src), str(Path(tmp) / "net.npz"),
                              str(Path(tmp) / "out.json"), str(a.reps)], capture_output=True, text=True, env=env)
        if res.returncode != 0:
            _say("NOT RUN: FixedPointFinder failed:\n" + res.stderr[-3000:])
            return 0
        f = json.loads((Path(tmp) / "out.json").read_text())
    if a.save_fpf:
        Path(a.save_fpf).write_text(json.dumps(f))
    return report(a, W, b, alpha, X0, f)


def report(a, W, b, alpha, X0, f):
    from recnet.numerics.trained import fixed_points as FP
    r, t_recnet = recnet_run(W, b, alpha, X0, a.reps)
    X1 = FP.initial_states(W, b, "tanh", 4 * a.n_init, seed=5, dynamics="leaky", alpha=alpha)
    big, t_big = recnet_run(W, b, alpha, X1, a.reps)
    tf, tr, tb = min(f["times"]), min(t_recnet), min(t_big)
    pts, ref = r["fixed_points"], big["fixed_points"]
    m, n_f, cls_ok, extra = match(W, b, alpha, pts, f)
    mb, n_fb, cls_b, extra_b = match(W, b, alpha, ref, f)
    n_u = len(f["xstar"])
    _say(f"network: flipflop3-tanh64 (N = 64) as the leaky map, alpha = {alpha}; {a.n_init} initial states, u = 0")
    _say(f"FixedPointFinder (torch {f['torch']}, {f['threads']} threads, float64, defaults): {tf:.3f} s "
         f"(best of {len(f['times'])}; {f['n_iters']} Adam iterations); {n_u} unique points, max q {max(f['qstar']):.2e}")
    _say(f"recnet (numba, LM + Newton, eigenvalues), same starts: {tr:.3f} s (best of {a.reps}); {len(pts)} fixed "
         f"points ({sum(p['stability'] == 'stable' for p in pts)} stable), |F| <= {FP.FP_TOL:g}")
    _say(f"recnet, {4 * a.n_init} starts (seed 5): {tb:.3f} s; {len(ref)} fixed points")
    _say(f"time ratio FixedPointFinder / recnet, same starts: {tf / tr:.1f}x")
    _say(f"time ratio FixedPointFinder / recnet with {4 * a.n_init} starts (a superset of FPF's points when "
         f"{n_fb} = {n_u}): {tf / tb:.1f}x")
    _say(f"same starts: {len(m)} points found by both (matched within 2 |F(x_f)| / sigma_min(D - I)), "
         f"{len(pts) - len(m)} by recnet only, {len(extra)} by FPF only; stability (|mu| < 1) agrees on {cls_ok} "
         f"of {n_f}")
    _say(f"FPF's points in recnet's {4 * a.n_init}-start set: {n_fb} of {n_u}; stability agrees on {cls_b} of "
         f"{n_fb}; FPF points without a partner: {len(extra_b)} (|F| = {', '.join(f'{e:.1e}' for e in extra_b) or '-'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
