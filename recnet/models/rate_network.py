r"""Family ``rate-network``: a rate network a user brings, as one explicit matrix or as an ensemble.

.. math::

    \tau\,\dot x_i = -x_i + \sum_j W_{ij}\,\phi(x_j) + I_i ,

with ``tau`` in ms, ``phi`` a transfer-function name (``tanh``, ``erf``, ``relu``, ``linear``) or
an expression in ``x`` (parsed by ``recnet.numerics.gaussian.transfer``), and the coupling either

* **explicit**: ``W`` inline (a list of rows) or a file (``.npy``, ``.npz`` holding array ``W``,
  ``.csv``), the path relative to the model file; or
* **an ensemble** (Sompolinsky, Crisanti, Sommers 1988; Mastrogiuseppe & Ostojic 2018):
  ``n`` units, :math:`W_{ij} = J_0/N + g z_{ij}/\sqrt N + m_i n_j / N`, :math:`z_{ij}` i.i.d.
  N(0, 1); optional ``populations`` (names and sizes, summing to ``n``) with per-population
  ``g`` and ``j0`` given as P x P block matrices (row: receiving population); an optional rank-one
  part ``[lowrank]`` given by vectors ``m``, ``n`` (length N) or by statistics ``m_mean``,
  ``n_mean``, ``m_std``, ``n_std``, ``mn_corr`` (entries jointly Gaussian).

Inputs ``i0``: a number (the same for every unit) or a vector of length N (inline or file).

Example (TOML)::

    model = "rate-network"
    name = "my-net"
    phi = "tanh"
    tau = "10 ms"
    n = 1000
    g = 2.0
    j0 = 0.0
    i0 = 0.0
    [lowrank]
    m_mean = 1.0
    n_mean = 2.0

or ``W = "weights.npy"`` instead of ``n``/``g``/``j0``.  Populations of different sizes and transfer
functions (Kadmon & Sompolinsky 2015) as tables (row of g/j0: the receiving, ``post``, population)::

    n = 1000
    [[population]]
    name = "E"
    fraction = 0.8          # or size = 800
    phi = "tanh"
    [[population]]
    name = "I"
    fraction = 0.2
    phi = "erf"
    [[coupling]]
    pre = "E"
    post = "I"
    g = 1.5
    j0 = 0.0

Low-rank connectivity whose loadings form populations (Beiran et al. 2021; Dubreuil et al. 2022):
a rank-R part :math:`\sum_r m_r n_r^T/N` whose loading vectors :math:`(m_{1i}..m_{Ri}, n_{1i}..n_{Ri})`
are drawn, unit by unit, from a Gaussian mixture (one component per population: its ``fraction``,
``mean`` of the 2R loadings in that order, and ``cov`` (2R x 2R) or ``std`` (2R, independent
loadings))::

    n = 2000
    g = 0.0                 # an added random part g z_ij / sqrt(N) (optional)
    [lowrank]
    rank = 1
    [[lowrank.population]]
    name = "A"
    fraction = 0.5
    mean = [0.0, 0.0]
    cov = [[1.0, 1.6], [1.6, 4.0]]
    [[lowrank.population]]
    name = "B"
    fraction = 0.5
    mean = [0.0, 0.0]
    cov = [[1.0, 0.4], [0.4, 1.0]]

Pairs without a ``[[coupling]]`` table have g = j0 = 0.  Both forms give the same model (one
internal representation: ``populations`` with sizes, P x P ``g``/``j0``, ``population_phi``).  Every field is checked here and named in
the error (``W[3,4]``, ``populations[1].size``, ``lowrank.mn_corr``); unknown fields are refused.
"""
from __future__ import annotations

import hashlib
import math
import numbers
from dataclasses import dataclass, field, fields, replace as _dc_replace
from pathlib import Path

import numpy as np

from recnet.checks import ParameterError
from recnet.models import register_family, to_unit

__all__ = ["RateNetwork", "from_dict", "PHI_NAMES"]

PHI_NAMES = ("tanh", "erf", "relu", "linear")
_TOP = {"model", "name", "summary", "reference", "phi", "tau", "W", "n", "g", "j0", "i0", "populations",
        "lowrank", "seed", "self_coupling", "population", "coupling"}
_POP_TABLE = {"name", "fraction", "size", "phi"}
_COUPLING_TABLE = {"pre", "post", "g", "j0"}
#: the model's ``phi`` when populations have different transfer functions (see ``population_phi``)
MIXED_PHI = "per-population"
_LOWRANK = {"m", "n", "m_mean", "n_mean", "m_std", "n_std", "mn_corr"}
_MIXTURE = {"rank", "population"}
_MIXTURE_POP = {"name", "fraction", "mean", "cov", "std"}
_ARRAY_EXT = (".npy", ".npz", ".csv")


@dataclass(frozen=True, eq=False)
class RateNetwork:
    """A checked rate-network model (see the module docstring).  Arrays are float64 numpy arrays.

    Attributes
    ----------
    name, phi : str
    tau : float
        unit time constant (ms).
    W : ndarray (N, N) or None
        explicit coupling; None for an ensemble.
    n : int
        number of units N.
    g, j0 : float or ndarray (P, P)
        ensemble gain and mean coupling (block matrices with populations).
    i0 : float or ndarray (N,)
        constant input.
    populations : tuple of (name, size)
    lowrank : dict or None
        ``{"m": array, "n": array}``, ``{"m_mean", "n_mean", "m_std", "n_std", "mn_corr"}`` or a
        mixture ``{"rank": R, "population": ({"name", "fraction", "mean" (2R,), "cov" (2R, 2R)}, ...)}``.
    seed : int or None
        seed of the ensemble draw (None: the caller's seed).
    self_coupling : bool
        keep the diagonal of an ensemble draw (default True).
    population_phi : tuple of str
        transfer function per population (empty: every unit uses ``phi``); when they differ,
        ``phi`` is ``"per-population"``.
    """

    family = "rate-network"
    name: str = "rate-network"
    phi: str = "tanh"
    tau: float = 10.0
    W: np.ndarray | None = None
    n: int | None = None
    g: object = 0.0
    j0: object = 0.0
    i0: object = 0.0
    populations: tuple = ()
    lowrank: dict | None = None
    seed: int | None = None
    self_coupling: bool = True
    population_phi: tuple = ()
    source: str = field(default="<dict>", compare=False)
    W_source: str = field(default="inline", compare=False)

    # ------------------------------------------------------------------ what consumers ask
    @property
    def explicit(self):
        """True when the coupling is one given matrix (not an ensemble)."""
        return self.W is not None

    @property
    def size(self):
        return int(self.W.shape[0]) if self.W is not None else int(self.n)

    @property
    def homogeneous(self):
        """One population, scalar g and j0, no low-rank part: the setting of the one-population DMFT."""
        return (self.W is None and self.lowrank is None and np.ndim(self.g) == 0 and np.ndim(self.j0) == 0
                and len(self.populations) <= 1)

    def inputs(self):
        """The input vector I (length N)."""
        return np.broadcast_to(np.asarray(self.i0, float), (self.size,)).copy()

    def coupling(self, seed=None):
        """The coupling matrix: W itself, or one draw of the ensemble (``seed``, else the model's)."""
        if self.W is not None:
            return np.array(self.W, float)
        from recnet import checks
        rng = checks.rng(self.seed if seed is None else seed)
        n = self.size
        sizes = [s for _, s in self.populations] or [n]
        edges = np.concatenate([[0], np.cumsum(sizes)])
        G = np.broadcast_to(np.asarray(self.g, float), (len(sizes), len(sizes)))
        M = np.broadcast_to(np.asarray(self.j0, float), (len(sizes), len(sizes)))
        W = rng.standard_normal((n, n)) / math.sqrt(n)
        for a in range(len(sizes)):
            for b in range(len(sizes)):
                blk = (slice(edges[a], edges[a + 1]), slice(edges[b], edges[b + 1]))
                W[blk] = G[a, b] * W[blk] + M[a, b] / n
        if self.mixture:
            m, nv = self.lowrank_loadings(rng)
            W += m @ nv.T / n
        elif self.lowrank is not None:
            m, nv = self.lowrank_vectors(rng)
            W += np.outer(m, nv) / n
        if not self.self_coupling:
            np.fill_diagonal(W, 0.0)
        return W

    @property
    def mixture(self):
        """True when the low-rank loadings are a Gaussian mixture (``[[lowrank.population]]``)."""
        return self.lowrank is not None and "population" in self.lowrank

    def mixture_sizes(self):
        """Units per mixture component: round(fraction N), the last one taking the remainder."""
        fr = np.array([p["fraction"] for p in self.lowrank["population"]])
        sizes = np.floor(fr * self.size + 0.5).astype(int)
        sizes[-1] = self.size - sizes[:-1].sum()
        return sizes

    def lowrank_loadings(self, seed=None):
        """(m (N, R), n (N, R)) drawn from the mixture, units of each component in one block."""
        from recnet import checks
        rng = checks.rng(seed)
        R = self.lowrank["rank"]
        Y = np.concatenate([rng.multivariate_normal(np.asarray(p["mean"], float), np.asarray(p["cov"], float), k,
                                                    method="eigh")
                            for p, k in zip(self.lowrank["population"], self.mixture_sizes())])
        return Y[:, :R], Y[:, R:2 * R]

    def lowrank_vectors(self, seed=None):
        """(m, n) of the rank-one part: given, or drawn from their statistics."""
        lr = self.lowrank
        if lr is None:
            raise ParameterError("model", self.name, "a model with a low-rank part",
                                 "this model has no low-rank part")
        if self.mixture:
            raise ParameterError("model", self.name, "rank-one statistics (m_mean, ...)",
                                 "this model's loadings are a mixture: use lowrank_loadings")
        if "m" in lr:
            return np.array(lr["m"], float), np.array(lr["n"], float)
        from recnet import checks
        rng = checks.rng(seed)
        z1, z2 = rng.standard_normal(self.size), rng.standard_normal(self.size)
        rho = lr["mn_corr"]
        m = lr["m_mean"] + lr["m_std"] * z1
        nv = lr["n_mean"] + lr["n_std"] * (rho * z1 + math.sqrt(max(0.0, 1.0 - rho * rho)) * z2)
        return m, nv

    # ---------------------------------------------------------------------- dataclass API
    def replace(self, **changes):
        """A copy with some fields changed; every change is checked like a file's field."""
        d = self._raw_dict()
        d.update(changes)
        return from_dict(d, self.source)

    def _raw_dict(self):
        d = {f.name: getattr(self, f.name) for f in fields(self) if f.name not in ("source", "W_source")}
        d["model"] = self.family
        if d["W"] is None:
            d.pop("W")
        else:  # an explicit matrix carries no ensemble fields
            for k in ("g", "j0", "populations"):
                d.pop(k)
        if d["n"] is None or self.W is not None:
            d.pop("n")
        if d["lowrank"] is None:
            d.pop("lowrank")
        if d["seed"] is None:
            d.pop("seed")
        if "populations" in d:
            d["populations"] = [{"name": a, "size": b} for a, b in self.populations]
            for k, ph in enumerate(self.population_phi):
                d["populations"][k]["phi"] = ph
        d.pop("population_phi")
        if self.population_phi:
            d["phi"] = self.population_phi[0] if self.phi == MIXED_PHI else self.phi
        return d

    def phis(self):
        """Transfer function of every population (one per population; ``(phi,)`` without populations)."""
        if self.population_phi:
            return tuple(self.population_phi)
        return (self.phi,) * max(1, len(self.populations))

    def fractions(self):
        """Population fractions alpha_b = N_b / N (``(1.0,)`` without populations)."""
        if not self.populations:
            return (1.0,)
        return tuple(s / self.size for _, s in self.populations)

    def to_dict(self):
        """JSON-friendly description (PyNN units: tau in ms); a large W is summarised by its hash."""
        def arr(a):
            a = np.asarray(a, float)
            return a.tolist() if a.ndim == 0 or a.size <= 400 else {
                "shape": list(a.shape), "sha256": hashlib.sha256(np.ascontiguousarray(a).tobytes()).hexdigest()}
        out = {"model": self.family, "name": self.name, "phi": self.phi, "tau": self.tau, "n": self.size,
               "i0": arr(self.i0), "self_coupling": self.self_coupling}
        if self.W is not None:
            out["W"] = arr(self.W)
            out["W_source"] = self.W_source
        else:
            out.update(g=arr(self.g), j0=arr(self.j0))
            if self.seed is not None:
                out["seed"] = self.seed
        if self.populations:
            out["populations"] = [{"name": a, "size": b} for a, b in self.populations]
            for k, ph in enumerate(self.population_phi):
                out["populations"][k]["phi"] = ph
        if self.mixture:
            out["lowrank"] = {"rank": self.lowrank["rank"],
                              "population": [{"name": p["name"], "fraction": p["fraction"], "mean": arr(p["mean"]),
                                              "cov": arr(p["cov"])} for p in self.lowrank["population"]]}
        elif self.lowrank is not None:
            out["lowrank"] = {k: arr(v) for k, v in self.lowrank.items()}
        return out


# -------------------------------------------------------------------------------------- checks
def _base_dir(source):
    if source and not source.startswith("<"):
        return Path(source).resolve().parent
    return Path.cwd()


def _load_array(field_name, value, source):
    """A numpy array from an inline list, an array, or a file name (.npy, .npz with W, .csv)."""
    if isinstance(value, (str, Path)):
        p = Path(value)
        if not p.is_absolute():
            p = _base_dir(source) / p
        ext = p.suffix.lower()
        if ext not in _ARRAY_EXT:
            raise ParameterError(field_name, str(value), "must be inline numbers or a .npy, .npz or .csv file")
        if not p.is_file():
            raise ParameterError(field_name, str(value), f"file not found (looked for {p})")
        try:
            if ext == ".npy":
                a = np.load(p, allow_pickle=False)
            elif ext == ".npz":
                with np.load(p, allow_pickle=False) as z:
                    key = field_name.split(".")[-1]
                    if key in z.files:
                        a = z[key]
                    elif len(z.files) == 1:
                        a = z[z.files[0]]
                    else:
                        raise ParameterError(field_name, str(value), f"the .npz file must hold an array named "
                                             f"{key!r} (it holds {', '.join(z.files)})")
            else:
                a = np.loadtxt(p, delimiter=",", ndmin=1)
        except ParameterError:
            raise
        except Exception as exc:
            raise ParameterError(field_name, str(value), f"could not be read: {exc}") from None
        return np.asarray(a), str(value)
    try:
        a = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ParameterError(field_name, "<array>", "must be numbers (a list, a list of rows) or a file name") from None
    return a, "inline"


def _finite_array(field_name, a, shape=None):
    a = np.asarray(a)
    if not (np.issubdtype(a.dtype, np.floating) or np.issubdtype(a.dtype, np.integer)) or a.dtype == bool:
        raise ParameterError(field_name, "<array>", "must hold numbers")
    a = a.astype(float)
    if shape is not None and a.shape != shape:
        raise ParameterError(field_name, f"<array of shape {a.shape}>", f"must have shape {shape}")
    bad = np.argwhere(~np.isfinite(a))
    if bad.size:
        idx = ",".join(str(int(v)) for v in bad[0])
        raise ParameterError(f"{field_name}[{idx}]", float(a[tuple(bad[0])]), "must be finite")
    return a


def _number(field_name, v, unit=""):
    if isinstance(v, (str,)) or (isinstance(v, numbers.Real) and not isinstance(v, bool)):
        return to_unit(field_name, v, unit)
    raise ParameterError(field_name, v, "must be a number" + (f" in {unit}" if unit else ""))


def _mixture(lr, W):
    """The checked mixture form of ``[lowrank]``: ``rank`` and ``[[lowrank.population]]`` tables."""
    unk = sorted(set(lr) - _MIXTURE)
    if unk:
        raise ParameterError(f"lowrank.{unk[0]}", lr[unk[0]], "unknown field next to lowrank.population: choose "
                             f"from {', '.join(sorted(_MIXTURE))} (a mixture is given by its populations)")
    if W is not None:
        raise ParameterError("lowrank", "...", "with an explicit W the low-rank part belongs in W itself")
    R = lr.get("rank")
    if isinstance(R, bool) or not isinstance(R, numbers.Integral) or not 1 <= R <= 8:
        raise ParameterError("lowrank.rank", R, "an integer from 1 to 8 (the number of m, n pairs)")
    pops = lr.get("population")
    if not isinstance(pops, (list, tuple)) or not pops:
        raise ParameterError("lowrank.population", pops, "one or more [[lowrank.population]] tables")
    out, names = [], set()
    for i, p in enumerate(pops):
        path = f"lowrank.population[{i}]"
        if not isinstance(p, dict):
            raise ParameterError(path, p, "a table with name, fraction, mean and cov (or std)")
        unk = sorted(set(p) - _MIXTURE_POP)
        if unk:
            raise ParameterError(f"{path}.{unk[0]}", p[unk[0]], f"unknown field: choose from {', '.join(sorted(_MIXTURE_POP))}")
        name = str(p.get("name", f"p{i}"))
        if name in names:
            raise ParameterError(f"{path}.name", name, "names must differ")
        names.add(name)
        fr = _number(f"{path}.fraction", p.get("fraction"))
        if not 0.0 < fr <= 1.0:
            raise ParameterError(f"{path}.fraction", fr, "in (0, 1]")
        mean = _finite_array(f"{path}.mean", np.asarray(p.get("mean", [0.0] * (2 * R)), float).ravel(), (2 * R,))
        if ("cov" in p) == ("std" in p):
            raise ParameterError(f"{path}.cov", p.get("cov"), f"give either cov ({2 * R} x {2 * R}) or std ({2 * R} "
                                 "independent loadings), one of them")
        if "std" in p:
            std = _finite_array(f"{path}.std", np.asarray(p["std"], float).ravel(), (2 * R,))
            if np.any(std < 0):
                raise ParameterError(f"{path}.std", std.tolist(), "standard deviations >= 0")
            cov = np.diag(std ** 2)
        else:
            cov = _finite_array(f"{path}.cov", np.asarray(p["cov"], float), (2 * R, 2 * R))
            if not np.allclose(cov, cov.T, rtol=0, atol=1e-12 * max(1.0, np.abs(cov).max())):
                raise ParameterError(f"{path}.cov", cov.tolist(), "a symmetric matrix")
            ev = np.linalg.eigvalsh(cov)
            if ev.min() < -1e-10 * max(1.0, ev.max()):
                raise ParameterError(f"{path}.cov", cov.tolist(), f"positive semi-definite (eigenvalue {ev.min():g})")
        out.append({"name": name, "fraction": fr, "mean": mean, "cov": cov})
    total = sum(p["fraction"] for p in out)
    if abs(total - 1.0) > 1e-9:
        raise ParameterError("lowrank.population.fraction", total, "fractions adding up to 1")
    return {"rank": int(R), "population": tuple(out)}


def _check_phi(phi):
    if not isinstance(phi, str) or not phi.strip():
        raise ParameterError("phi", phi, f"must be one of {', '.join(PHI_NAMES)} or an expression in x")
    phi = phi.strip()
    if phi in PHI_NAMES:
        return phi
    from recnet.numerics.gaussian import transfer  # the existing (sympy) parser, until recnet.expr lands
    try:
        transfer(phi)
    except (ValueError, TypeError) as exc:
        raise ParameterError("phi", phi, f"must be one of {', '.join(PHI_NAMES)} or an expression in x ({exc})") from None
    return phi


def _block(field_name, v, p):
    """A scalar, or with populations a P x P block matrix (a scalar is broadcast)."""
    if isinstance(v, (list, tuple, np.ndarray)):
        a = _finite_array(field_name, np.asarray(v, float) if not isinstance(v, np.ndarray) else v)
        if a.ndim == 0:
            return float(a)
        if p <= 1 or a.shape != (p, p):
            raise ParameterError(field_name, f"<array of shape {a.shape}>",
                                 f"must be a number{f' or a {p} x {p} block matrix (one row per population)' if p > 1 else ''}")
        return a
    return _number(field_name, v)


def from_dict(data, source="<dict>"):
    """Check a ``rate-network`` mapping (file contents or a dict) and build a :class:`RateNetwork`."""
    if not isinstance(data, dict):
        raise ParameterError("model", type(data).__name__, "must be a mapping of fields")
    unknown = sorted(set(data) - _TOP)
    if unknown:
        raise ParameterError(unknown[0], data[unknown[0]], f"unknown field of a rate-network model: choose from "
                             f"{', '.join(sorted(_TOP - {'model'}))}")
    pop_phi = ()
    if data.get("population") is not None or data.get("coupling") is not None:
        n_raw = data.get("n")
        if n_raw is not None and (isinstance(n_raw, bool) or not isinstance(n_raw, numbers.Integral) or n_raw < 2):
            raise ParameterError("n", n_raw, "must be an integer >= 2")
        data, pop_phi = _population_tables(data, None if n_raw is None else int(n_raw))
    name = str(data.get("name", Path(source).stem if not source.startswith("<") else "rate-network"))
    phi = _check_phi(data.get("phi", "tanh"))
    tau = _number("tau", data.get("tau", 10.0), "ms")
    if not tau > 0:
        raise ParameterError("tau", data.get("tau"), "must be > 0 ms")
    self_coupling = data.get("self_coupling", True)
    if not isinstance(self_coupling, bool):
        raise ParameterError("self_coupling", self_coupling, "must be true or false")
    seed = data.get("seed")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0):
        raise ParameterError("seed", seed, "must be an integer >= 0")

    W, W_source = None, "inline"
    if "W" in data and data["W"] is not None:
        for k in ("n", "g", "j0", "populations"):
            if k in data and k != "n":
                raise ParameterError(k, data[k], "is an ensemble field: give either W (one matrix) or the "
                                     "ensemble (n, g, j0, populations), not both")
        raw, W_source = _load_array("W", data["W"], source)
        W = _finite_array("W", raw)
        if W.ndim != 2 or W.shape[0] != W.shape[1] or W.shape[0] < 1:
            raise ParameterError("W", f"<array of shape {W.shape}>", "must be a square N x N matrix")
        n = W.shape[0]
        if "n" in data and data["n"] is not None and data["n"] != n:
            raise ParameterError("n", data["n"], f"must equal the size of W ({n}) or be left out")
    else:
        if "n" not in data or data["n"] is None:
            raise ParameterError("n", None, "a rate-network model needs W (a matrix) or n (ensemble size)")
        n = data["n"]
        if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 2:
            raise ParameterError("n", n, "must be an integer >= 2")
        n = int(n)

    pops = ()
    if data.get("populations"):
        if W is not None:
            raise ParameterError("populations", "...", "populations describe an ensemble; with W leave them out")
        praw = data["populations"]
        if not isinstance(praw, (list, tuple)):
            raise ParameterError("populations", praw, "must be a list of {name, size} tables")
        out = []
        phis_given = []
        for k, p in enumerate(praw):
            if not isinstance(p, dict) or set(p) - {"name", "size", "phi"} or "size" not in p:
                extra = sorted(set(p) - {"name", "size", "phi"}) if isinstance(p, dict) else []
                raise ParameterError(f"populations[{k}]" + (f".{extra[0]}" if extra else ""), p,
                                     "must be a table with fields name, size (and optionally phi)")
            s = p["size"]
            if isinstance(s, bool) or not isinstance(s, numbers.Integral) or s < 1:
                raise ParameterError(f"populations[{k}].size", s, "must be an integer >= 1")
            out.append((str(p.get("name", f"pop{k}")), int(s)))
            if "phi" in p:
                try:
                    phis_given.append(_check_phi(p["phi"]))
                except ParameterError as exc:
                    raise ParameterError(f"populations[{k}].phi", p["phi"], exc.valid) from None
        if phis_given and len(phis_given) != len(out):
            raise ParameterError("populations", praw, "give phi for every population or for none")
        if phis_given and not pop_phi:
            pop_phi = tuple(phis_given)
        if sum(s for _, s in out) != n:
            raise ParameterError("populations", [s for _, s in out], f"sizes must add up to n = {n}")
        pops = tuple(out)
    P = max(1, len(pops))
    g = _block("g", data.get("g", 0.0), P) if W is None else 0.0
    j0 = _block("j0", data.get("j0", 0.0), P) if W is None else 0.0
    if np.any(np.asarray(g) < 0):
        raise ParameterError("g", data.get("g"), "must be >= 0")

    i0_raw = data.get("i0", 0.0)
    if isinstance(i0_raw, (list, tuple, np.ndarray)) or (isinstance(i0_raw, str) and
                                                          i0_raw.lower().endswith(_ARRAY_EXT)):
        raw, _ = _load_array("i0", i0_raw, source)
        i0 = _finite_array("i0", raw.ravel() if raw.ndim == 2 and 1 in raw.shape else raw, (n,))
    else:
        i0 = _number("i0", i0_raw)

    lowrank = None
    if data.get("lowrank") is not None:
        lr = data["lowrank"]
        if not isinstance(lr, dict):
            raise ParameterError("lowrank", lr, "must be a table with m, n or m_mean, n_mean, ...")
    if data.get("lowrank") is not None and ("population" in lr or "rank" in lr):
        lowrank = _mixture(lr, W)
    elif data.get("lowrank") is not None:
        unk = sorted(set(lr) - _LOWRANK)
        if unk:
            raise ParameterError(f"lowrank.{unk[0]}", lr[unk[0]], f"unknown field: choose from {', '.join(sorted(_LOWRANK))}")
        vec = {"m", "n"} & set(lr)
        stats = (_LOWRANK - {"m", "n"}) & set(lr)
        if vec and stats:
            raise ParameterError(f"lowrank.{sorted(stats)[0]}", lr[sorted(stats)[0]],
                                 "give either the vectors m, n or their statistics, not both")
        if vec:
            if vec != {"m", "n"}:
                raise ParameterError("lowrank.n" if "m" in vec else "lowrank.m", None, "both vectors m and n are needed")
            lowrank = {}
            for k in ("m", "n"):
                raw, _ = _load_array(f"lowrank.{k}", lr[k], source)
                lowrank[k] = _finite_array(f"lowrank.{k}", raw, (n,))
        else:
            lowrank = {"m_mean": _number("lowrank.m_mean", lr.get("m_mean", 0.0)),
                       "n_mean": _number("lowrank.n_mean", lr.get("n_mean", 0.0)),
                       "m_std": _number("lowrank.m_std", lr.get("m_std", 0.0)),
                       "n_std": _number("lowrank.n_std", lr.get("n_std", 0.0)),
                       "mn_corr": _number("lowrank.mn_corr", lr.get("mn_corr", 0.0))}
            for k in ("m_std", "n_std"):
                if lowrank[k] < 0:
                    raise ParameterError(f"lowrank.{k}", lowrank[k], "must be >= 0")
            if not -1.0 <= lowrank["mn_corr"] <= 1.0:
                raise ParameterError("lowrank.mn_corr", lowrank["mn_corr"], "must be in [-1, 1]")
        if W is not None:
            raise ParameterError("lowrank", "...", "with an explicit W the low-rank part belongs in W itself")
    if pop_phi:
        if len(set(pop_phi)) == 1:
            phi, pop_phi = pop_phi[0], ()
        else:
            phi = MIXED_PHI
    return RateNetwork(name=name, phi=phi, tau=tau, W=W, n=None if W is not None else n, g=g, j0=j0, i0=i0,
                       populations=pops, lowrank=lowrank, seed=None if seed is None else int(seed),
                       self_coupling=self_coupling, source=source, W_source=W_source, population_phi=pop_phi)


def _population_tables(data, n):
    """The ``[[population]]`` / ``[[coupling]]`` form turned into ``populations`` + P x P ``g``/``j0``
    (row: post, column: pre) and a phi per population; returns (new data dict, phis)."""
    for k in ("populations", "g", "j0", "W"):
        if k in data and data[k] is not None and not (k in ("g", "j0") and data[k] == 0):
            raise ParameterError(k, data[k], "with [[population]] and [[coupling]] tables give g and j0 per "
                                 "coupling (and no populations list or W)")
    praw = data.get("population")
    if not isinstance(praw, (list, tuple)) or not praw:
        raise ParameterError("population", praw, "must be a list of [[population]] tables (name, fraction or size, phi)")
    names, fr, sz, phis = [], [], [], []
    for k, p in enumerate(praw):
        if not isinstance(p, dict):
            raise ParameterError(f"population[{k}]", p, "must be a table with name, fraction (or size), phi")
        unk = sorted(set(p) - _POP_TABLE)
        if unk:
            raise ParameterError(f"population[{k}].{unk[0]}", p[unk[0]], f"unknown field: choose from "
                                 f"{', '.join(sorted(_POP_TABLE))}")
        if "name" not in p or not isinstance(p["name"], str) or not p["name"].strip():
            raise ParameterError(f"population[{k}].name", p.get("name"), "a non-empty name is needed")
        nm = p["name"].strip()
        if nm in names:
            raise ParameterError(f"population[{k}].name", nm, "population names must be unique")
        names.append(nm)
        if ("fraction" in p) == ("size" in p):
            raise ParameterError(f"population[{k}].fraction", p.get("fraction"), "give exactly one of fraction and size")
        if "fraction" in p:
            f = p["fraction"]
            if isinstance(f, bool) or not isinstance(f, numbers.Real) or not 0 < f <= 1:
                raise ParameterError(f"population[{k}].fraction", f, "must be in (0, 1]")
            fr.append(float(f))
        else:
            s = p["size"]
            if isinstance(s, bool) or not isinstance(s, numbers.Integral) or s < 1:
                raise ParameterError(f"population[{k}].size", s, "must be an integer >= 1")
            sz.append(int(s))
        try:
            phis.append(_check_phi(p.get("phi", data.get("phi", "tanh"))))
        except ParameterError as exc:
            raise ParameterError(f"population[{k}].phi", p.get("phi"), exc.valid) from None
    if fr and sz:
        raise ParameterError("population", praw, "give every population a fraction, or every population a size")
    if fr:
        if abs(sum(fr) - 1.0) > 1e-9:
            raise ParameterError("population", fr, f"fractions must add up to 1 (they add up to {sum(fr):g})")
        if n is None:
            raise ParameterError("n", None, "with population fractions the network size n is needed")
        sizes = [int(round(f * n)) for f in fr]
        if sum(sizes) != n or any(s < 1 for s in sizes):
            raise ParameterError("population", fr, f"fractions times n = {n} must give whole sizes >= 1 "
                                 f"adding up to n (got {sizes})")
    else:
        sizes = sz
        if n is not None and sum(sizes) != n:
            raise ParameterError("n", n, f"must equal the sum of the population sizes ({sum(sizes)}) or be left out")
    P = len(names)
    G, J = np.zeros((P, P)), np.zeros((P, P))
    craw = data.get("coupling") or []
    if not isinstance(craw, (list, tuple)):
        raise ParameterError("coupling", craw, "must be a list of [[coupling]] tables (pre, post, g, j0)")
    seen = set()
    for k, c in enumerate(craw):
        if not isinstance(c, dict):
            raise ParameterError(f"coupling[{k}]", c, "must be a table with pre, post, g, j0")
        unk = sorted(set(c) - _COUPLING_TABLE)
        if unk:
            raise ParameterError(f"coupling[{k}].{unk[0]}", c[unk[0]], f"unknown field: choose from "
                                 f"{', '.join(sorted(_COUPLING_TABLE))}")
        for end in ("pre", "post"):
            if c.get(end) not in names:
                raise ParameterError(f"coupling[{k}].{end}", c.get(end), f"must name a population ({', '.join(names)})")
        a, b = names.index(c["post"]), names.index(c["pre"])
        if (a, b) in seen:
            raise ParameterError(f"coupling[{k}]", f"{c['pre']} -> {c['post']}", "this pair is given twice")
        seen.add((a, b))
        G[a, b] = _number(f"coupling[{k}].g", c.get("g", 0.0))
        J[a, b] = _number(f"coupling[{k}].j0", c.get("j0", 0.0))
        if G[a, b] < 0:
            raise ParameterError(f"coupling[{k}].g", G[a, b], "must be >= 0")
    out = {k: v for k, v in data.items() if k not in ("population", "coupling", "g", "j0")}
    out["n"] = sum(sizes)
    out["populations"] = [{"name": nm, "size": s} for nm, s in zip(names, sizes)]
    if P == 1:
        out["g"], out["j0"] = float(G[0, 0]), float(J[0, 0])
    else:
        out["g"], out["j0"] = G, J
    return out, tuple(phis)


def from_matrix(W, **fields_):
    """A model from a numpy matrix (Python users): ``from_matrix(W, phi="tanh", tau=10.0, i0=...)``."""
    return from_dict(dict(fields_, W=np.asarray(W)), "<array>")


register_family("rate-network", from_dict)


def load_rate_network(spec, **overrides):
    """A :class:`RateNetwork` from a shipped name, a .toml/.yaml path, a dict, a model object or a
    numpy matrix (taken as W); ``overrides`` replace fields (checked like the file's)."""
    from recnet.models import load
    if isinstance(spec, np.ndarray) or (isinstance(spec, (list, tuple)) and spec and isinstance(spec[0], (list, tuple))):
        m = from_matrix(spec)
        return m.replace(**overrides) if overrides else m
    return load(spec, family="rate-network", **overrides)
