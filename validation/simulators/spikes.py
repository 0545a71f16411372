"""Simulation results: spikes per population, rates and ISI CV with standard errors, neo export.

Every backend (numba, NEST, SpiNNaker) returns a :class:`SimulationResult`, so the statistics
below are computed the same way whatever produced the spikes.

Standard errors
---------------
*Population rate* (Hz): the spikes of the whole population in [t_start, t_stop) are binned into
``n_batches`` contiguous batches of equal length; the batch rates
nu_b = (spikes in batch b) / (N * T_b) are close to independent when a batch is much longer than the
correlation time of the population activity (tens of ms in the asynchronous irregular state, set
by tau_m and the delay), so the standard error of the mean rate is std(nu_b) / sqrt(n_batches)
(batch means, ``recnet.validation.stats.batch_means_sem``). This captures both the independent
spiking noise of single neurons (~ sqrt(nu / (N T))) and the shared, temporally correlated
fluctuations of the population, which an across-neuron standard error would miss.

*ISI CV*: for each neuron with at least ``min_isis`` inter-spike intervals in the window, CV =
std(ISI)/mean(ISI) (ddof=0); the population value is the mean over those neurons and its standard
error the across-neuron std / sqrt(n) (CVs of different neurons in a sparse network are nearly
independent). The finite-sample bias of a single neuron's CV is O(1/n_isi) (a few % at 20 ISIs).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from recnet import checks
from recnet.validation.stats import batch_means_sem, mean_sem

__all__ = ["PopulationSpikes", "SimulationResult"]


@dataclass
class PopulationSpikes:
    """Spikes of one population: ``times`` (ms) and local neuron ``ids``, sorted by time."""

    label: str
    size: int
    times: np.ndarray
    ids: np.ndarray

    def __post_init__(self):
        t = np.asarray(self.times, dtype=float)
        i = np.asarray(self.ids, dtype=np.int64)
        order = np.lexsort((i, t))
        self.times, self.ids = t[order], i[order]

    def window(self, t_start, t_stop):
        m = (self.times >= t_start) & (self.times < t_stop)
        return self.times[m], self.ids[m]

    def trains(self, t_start=0.0, t_stop=np.inf):
        """One sorted array of spike times (ms) per neuron."""
        t, i = self.window(t_start, t_stop)
        order = np.argsort(i, kind="stable")
        t, i = t[order], i[order]
        bounds = np.searchsorted(i, np.arange(self.size + 1))
        return [t[bounds[k]:bounds[k + 1]] for k in range(self.size)]


@dataclass
class SimulationResult:
    """What ``recnet.validation.simulators.simulate.simulate`` returns.

    Attributes
    ----------
    backend : str
    dt, t_sim : float
        time step and simulated time (ms).
    populations : dict[str, PopulationSpikes]
        recorded spikes of every population that records ``"spikes"``.
    v : dict[str, tuple[ndarray, ndarray]]
        membrane potential ``(times_ms, values_mV[n_times, size])`` of populations recording ``"v"``.
    info : dict
        JSON-friendly facts: wall times (s), number of synapses, threads, resources ...
    """

    backend: str
    dt: float
    t_sim: float
    populations: dict = field(default_factory=dict)
    v: dict = field(default_factory=dict)
    info: dict = field(default_factory=dict)

    def __getitem__(self, label):
        try:
            return self.populations[label]
        except KeyError:
            raise KeyError(f"no spikes recorded for population {label!r}: have {sorted(self.populations)}") from None

    def _window(self, t_start, t_stop):
        t_stop = self.t_sim if t_stop is None else float(t_stop)
        t_start = checks.in_range("t_start", t_start, 0.0, t_stop, high_inclusive=False, unit="ms")
        return t_start, t_stop

    def spike_counts(self, label, t_start=0.0, t_stop=None):
        """Spike count of every neuron of ``label`` in [t_start, t_stop) ms."""
        t0, t1 = self._window(t_start, t_stop)
        p = self[label]
        _, i = p.window(t0, t1)
        return np.bincount(i, minlength=p.size)

    def rates(self, label, t_start=0.0, t_stop=None):
        """Firing rate of every neuron (Hz) in [t_start, t_stop) ms."""
        t0, t1 = self._window(t_start, t_stop)
        return self.spike_counts(label, t0, t1) / ((t1 - t0) * 1e-3)

    def rate(self, label, t_start=0.0, t_stop=None, n_batches=20):
        """Population mean rate (Hz) and its standard error by batch means over time (see module doc)."""
        t0, t1 = self._window(t_start, t_stop)
        p = self[label]
        n_batches = checks.integer("n_batches", n_batches, minimum=2)
        t, _ = p.window(t0, t1)
        edges = np.linspace(t0, t1, n_batches + 1)
        counts = np.histogram(t, bins=edges)[0]
        batch_rates = counts / (p.size * np.diff(edges) * 1e-3)
        total = t.size / (p.size * (t1 - t0) * 1e-3)
        _, sem = batch_means_sem(batch_rates, n_batches)
        return float(total), float(sem)

    def cv_isi(self, label, t_start=0.0, t_stop=None, min_isis=5):
        """Mean ISI coefficient of variation over neurons with >= ``min_isis`` ISIs, its standard
        error across neurons, and the number of neurons used: ``(cv, sem, n)``."""
        t0, t1 = self._window(t_start, t_stop)
        cvs = []
        for tr in self[label].trains(t0, t1):
            if tr.size >= min_isis + 1:
                isi = np.diff(tr)
                cvs.append(isi.std() / isi.mean())
        if not cvs:
            return np.nan, np.nan, 0
        m, s = mean_sem(cvs)
        return m, s, len(cvs)

    def population_activity(self, label, bin_ms=1.0, t_start=0.0, t_stop=None):
        """Population rate (Hz) in bins of ``bin_ms``: ``(bin_left_edges_ms, rate_hz)``."""
        t0, t1 = self._window(t_start, t_stop)
        bin_ms = checks.positive("bin_ms", bin_ms, "ms")
        edges = np.arange(t0, t1 + 1e-9, bin_ms)
        p = self[label]
        t, _ = p.window(t0, t1)
        c = np.histogram(t, bins=edges)[0]
        return edges[:-1], c / (p.size * bin_ms * 1e-3)

    def to_neo(self):
        """A ``neo.Block`` with one ``Segment``: one SpikeTrain per neuron (annotated with
        ``population`` and ``source_index``) and one AnalogSignal ``v`` per population recording
        the membrane potential (mV, sampled every dt), as PyNN's ``get_data()`` returns."""
        import neo
        import quantities as pq

        block = neo.Block(name=f"recnet {self.backend}", backend=self.backend)
        seg = neo.Segment(name="segment0")
        block.segments.append(seg)
        for label, p in self.populations.items():
            for k, tr in enumerate(p.trains()):
                seg.spiketrains.append(neo.SpikeTrain(tr * pq.ms, t_start=0.0 * pq.ms, t_stop=self.t_sim * pq.ms,
                                                      name=f"{label}[{k}]", population=label, source_index=k))
        for label, (times, vals) in self.v.items():
            if len(times) == 0:
                continue
            sig = neo.AnalogSignal(vals * pq.mV, t_start=times[0] * pq.ms, sampling_period=self.dt * pq.ms,
                                   name="v", population=label)
            seg.analogsignals.append(sig)
        return block
