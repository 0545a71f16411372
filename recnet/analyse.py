"""``recnet analyse ACTIVITY_FILE``: dimension and distance to criticality of recorded activity.

Reads rate traces or spike trains, bins them, and estimates (``recnet.numerics.activity_stats``)

* ``dimension.participation_ratio`` (and ``_per_n``): PR = (tr C)^2 / tr C^2 of the binned
  covariance (Clark, Abbott & Litwin-Kumar 2023, PRL 131:118401);
* ``criticality.covariance_dispersion``: Delta = N Var(c_ij) / mean(c_ii)^2, and
  ``criticality.spectral_radius`` R from Delta = 1/(1 - R^2)^2 - 1 (Dahmen et al. 2019, PNAS
  116:13051; needs bins much longer than the correlation time);
* ``criticality.branching_ratio``: m by multistep regression on the population count
  (Wilting & Priesemann 2018, Nat Commun 9:2325);

each with its ``_stderr`` (delete-one-block jackknife).  Files:

* ``.npy``: a (T, N) array of rates sampled every ``dt_ms``;
* ``.npz``: ``rates`` (T, N) [+ ``dt_ms``], or spikes ``times`` (ms) + ``ids`` [+ ``n_units``,
  ``t_start_ms``, ``t_stop_ms``];
* ``.pkl``/``.pickle``: a pickled ``neo.Block`` (``neo.io.PickleIO``; what recnet's ``to_neo()``
  gives): the first segment's spike trains, or its first analog signal as rates;
* ``.nwb``: the units table of an NWB file (needs ``pynwb``).
"""
from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from recnet.checks import ParameterError, integer, positive
from recnet.results import Result

__all__ = ["load_activity", "analyse"]

KINDS = ("rates", "spikes")
DEFAULT_SPIKE_BIN_MS = 100.0


def _npz(path):
    with np.load(path, allow_pickle=False) as z:
        keys = set(z.files)
        if "rates" in keys or (len(keys) == 1 and z[next(iter(keys))].ndim == 2):
            X = z["rates"] if "rates" in keys else z[next(iter(keys))]
            out = {"kind": "rates", "rates": np.asarray(X, dtype=float)}
            if "dt_ms" in keys:
                out["dt_ms"] = float(z["dt_ms"])
            return out
        tk = next((k for k in ("times", "spike_times", "times_ms") if k in keys), None)
        ik = next((k for k in ("ids", "senders", "units") if k in keys), None)
        if tk is None or ik is None:
            raise ParameterError("activity_file", str(path), "an .npz with 'rates' (T, N), or 'times' (ms) and 'ids'",
                                 f"activity_file = {str(path)!r}: found arrays {sorted(keys)}; expected 'rates' "
                                 "(T, N) or spike 'times' (ms) with 'ids'")
        out = {"kind": "spikes", "times_ms": np.asarray(z[tk], dtype=float), "ids": np.asarray(z[ik])}
        for k in ("n_units", "t_start_ms", "t_stop_ms"):
            if k in keys:
                out[k] = z[k].item()
        return out


def _neo_block(block, path):
    import quantities as pq

    if not block.segments:
        raise ParameterError("activity_file", str(path), "a neo Block with at least one Segment")
    seg = block.segments[0]
    if seg.spiketrains:
        times, ids = [], []
        t0 = min(float(st.t_start.rescale(pq.ms)) for st in seg.spiketrains)
        t1 = max(float(st.t_stop.rescale(pq.ms)) for st in seg.spiketrains)
        for k, st in enumerate(seg.spiketrains):
            t = np.asarray(st.rescale(pq.ms).magnitude, dtype=float)
            times.append(t)
            ids.append(np.full(t.size, k))
        return {"kind": "spikes", "times_ms": np.concatenate(times), "ids": np.concatenate(ids),
                "n_units": len(seg.spiketrains), "t_start_ms": t0, "t_stop_ms": t1}
    if seg.analogsignals:
        sig = seg.analogsignals[0]
        return {"kind": "rates", "rates": np.asarray(sig.magnitude, dtype=float),
                "dt_ms": float(sig.sampling_period.rescale(pq.ms))}
    raise ParameterError("activity_file", str(path), "a neo Block whose first Segment holds spike trains or an "
                         "analog signal")


def _nwb(path):
    try:
        from pynwb import NWBHDF5IO
    except ImportError:
        raise ParameterError("activity_file", str(path), "reading NWB files needs pynwb",
                             f"activity_file = {str(path)!r}: reading NWB files needs the pynwb package "
                             "(pip install pynwb); or save the data as .npz") from None
    with NWBHDF5IO(str(path), "r") as io:
        nwb = io.read()
        if nwb.units is None or len(nwb.units) == 0:
            raise ParameterError("activity_file", str(path), "an NWB file with a units table (spike times)")
        trains = [np.asarray(nwb.units["spike_times"][k], dtype=float) * 1000.0 for k in range(len(nwb.units))]
    ids = np.concatenate([np.full(t.size, k) for k, t in enumerate(trains)])
    return {"kind": "spikes", "times_ms": np.concatenate(trains), "ids": ids, "n_units": len(trains)}


def load_activity(path):
    """Read an activity file (see the module docstring) into a dict with ``kind`` and its arrays."""
    p = Path(path)
    if not p.is_file():
        raise ParameterError("activity_file", str(path), "an existing file")
    suffix = p.suffix.lower()
    if suffix == ".npy":
        X = np.load(p, allow_pickle=False)
        if X.ndim != 2:
            raise ParameterError("activity_file", str(path), "a .npy file must hold a (T, N) array of rates",
                                 f"activity_file = {str(path)!r} holds an array of shape {X.shape}: a .npy file "
                                 "must hold a (T, N) array of rates (spikes: use .npz with 'times' and 'ids')")
        return {"kind": "rates", "rates": np.asarray(X, dtype=float)}
    if suffix == ".npz":
        return _npz(p)
    if suffix in (".pkl", ".pickle"):
        from neo.io import PickleIO
        return _neo_block(PickleIO(str(p)).read_block(), p)
    if suffix == ".nwb":
        return _nwb(p)
    raise ParameterError("activity_file", str(path), "a .npy, .npz, .pkl/.pickle (neo) or .nwb file")


def analyse(activity_file, *, kind=None, bin_ms=None, dt_ms=1.0, kmax=None, n_blocks=20):
    """Estimate dimension and distance to criticality of recorded activity.

    Parameters
    ----------
    activity_file : str or Path
        see the module docstring for the formats.
    kind : {"rates", "spikes"}, optional
        what to analyse; default: what the file holds.
    bin_ms : float, optional
        bin width in ms (default: 100 ms for spikes, the sampling step for rates); rates are
        averaged and spikes counted per bin.
    dt_ms : float
        sampling step of rate traces in a ``.npy`` file (ms; files that store it override it).
    kmax : int, optional
        longest multistep-regression step in bins (default: 10 autocorrelation times).
    n_blocks : int
        jackknife blocks of the standard errors.

    Returns
    -------
    Result
        values ``dimension`` and ``criticality`` (module docstring); ``config`` the resolved
        file, kind, bin, N and T.
    """
    from recnet.numerics import activity_stats as st

    t_start = time.perf_counter()
    if kind is not None and kind not in KINDS:
        raise ParameterError("kind", kind, "one of " + ", ".join(KINDS))
    dt_ms = positive("dt_ms", dt_ms, "ms")
    if bin_ms is not None:
        bin_ms = positive("bin_ms", bin_ms, "ms")
    n_blocks = integer("n_blocks", n_blocks, minimum=2)
    if kmax is not None:
        kmax = integer("kmax", kmax, minimum=2)
    data = load_activity(activity_file)
    kind = kind or data["kind"]
    if kind != data["kind"]:
        raise ParameterError("kind", kind, f"{data['kind']} (what {Path(activity_file).name} holds)")
    warnings = []
    if kind == "spikes":
        b = DEFAULT_SPIKE_BIN_MS if bin_ms is None else bin_ms
        ids = np.asarray(data["ids"])
        if ids.size and not np.issubdtype(ids.dtype, np.integer):
            if not np.all(ids == np.round(ids)):
                raise ParameterError("ids", "<array>", "integer unit ids")
        ids = ids.astype(np.int64)
        n_units = int(data.get("n_units", (ids.max() + 1) if ids.size else 0))
        X = st.bin_spike_counts(data["times_ms"], ids, n_units, b, data.get("t_start_ms"), data.get("t_stop_ms"))
        sampling = None
    else:
        sampling = float(data.get("dt_ms", dt_ms))
        b = sampling if bin_ms is None else bin_ms
        X = st.bin_traces(data["rates"], sampling, b)
        n_units = X.shape[1]
    silent = X.var(axis=0) == 0
    if silent.any():
        warnings.append(f"{int(silent.sum())} of {X.shape[1]} units do not vary over the recording (silent) and "
                        "were left out")
        X = X[:, ~silent]
    if X.shape[1] < 2:
        raise ParameterError("activity_file", str(activity_file), "activity of at least 2 varying units")
    pop = X.sum(axis=1)
    pr = st.participation_ratio(X, n_blocks=n_blocks)
    delta, radius = st.covariance_dispersion(X, n_blocks=n_blocks)
    m = st.branching_ratio(pop, kmax=kmax, n_blocks=n_blocks)
    r1 = float(m.details["r_k"][0])
    if r1 > 0.2:
        warnings.append(f"the population activity is correlated across bins (lag-1 regression slope {r1:.2f}): "
                        f"bins of {b:g} ms are not much longer than the correlation time, so the covariance "
                        "dispersion and the spectral radius describe covariances at this bin size, not the "
                        "zero-frequency covariances of the linear-response relation Delta = 1/(1-R^2)^2 - 1; "
                        "use a longer --bin-ms")
    if delta.value < 0:
        warnings.append("the bias-corrected covariance dispersion is negative (cross-covariances no more dispersed "
                        "than sampling noise): spectral radius set to 0")
    if m.value >= 1:
        warnings.append(f"branching ratio {m.value:.4g} >= 1: the activity is not stationary or is supercritical")
    values = {
        "dimension": {"participation_ratio": pr.value, "participation_ratio_stderr": pr.stderr,
                      "participation_ratio_per_n": pr.details["per_n"],
                      "participation_ratio_per_n_stderr": pr.details["per_n_stderr"]},
        "criticality": {"covariance_dispersion": delta.value, "covariance_dispersion_stderr": delta.stderr,
                        "spectral_radius": radius.value, "spectral_radius_stderr": radius.stderr,
                        "branching_ratio": m.value, "branching_ratio_stderr": m.stderr},
    }
    config = {"file": str(activity_file), "kind": kind, "bin_ms": b, "dt_ms": sampling, "n_units": int(X.shape[1]),
              "n_units_in_file": int(n_units), "n_bins": int(X.shape[0]), "duration_ms": float(X.shape[0] * b),
              "kmax": int(m.details["kmax"]), "n_blocks": n_blocks, "stderr": "delete-one-block jackknife",
              "stderr_dof": n_blocks - 1}
    return Result("analyse", values, config, warnings, {"wall_s": time.perf_counter() - t_start})
