"""Exponential current synapses (PyNN ``IF_curr_exp``, NEST ``iaf_psc_exp``) in the numba simulator.

Oracles: the closed-form membrane response to exponentially decaying currents evaluated by mpmath
at 40 digits in its textbook form (tau_m tau_s / (tau_m - tau_s) (e^{-s/tau_m} - e^{-s/tau_s}), and
s e^{-s/tau} at tau_s = tau_m), over a sweep of time steps and around the singular point; NEST's
``iaf_psc_exp`` as a peer for spike times (threshold, reset, refractoriness, currents during it).

Tolerances: exact integration leaves only rounding, ~1e-16 relative per step, accumulated over
<= 6000 steps on potentials of <= 70 mV: 1e-9 mV bounds it with margin (a wrong propagator or a
one-step timing error moves V by >= 1e-3 mV here).
"""
import math

import mpmath as mp
import numpy as np
import pytest

from conftest import requires_nest
from recnet.numerics.lif_exp import propagators_exp
from recnet.validation.simulators.network import (IF_curr_exp, Network, OneToOneConnector, SpikeSourceArray,
                                                  StaticSynapse)
from recnet.validation.simulators.simulate import simulate

mp.mp.dps = 40


def _mp_psc(s, w, tau_m, tau_s, cm):
    """mpmath: V response (mV) to a current jump w (nA) at s = 0, decaying with tau_s; no threshold."""
    s, w, tau_m, tau_s, cm = (mp.mpf(x) for x in (s, w, tau_m, tau_s, cm))
    if s <= 0:
        return mp.mpf(0)
    if tau_s == tau_m:
        return w / cm * s * mp.exp(-s / tau_m)
    return w / cm * tau_m * tau_s / (tau_m - tau_s) * (mp.exp(-s / tau_m) - mp.exp(-s / tau_s))


@pytest.mark.parametrize("rel", [0.0, 1e-15, -1e-15, 1e-12, -1e-9, 1e-6, -1e-3, 0.5, 3.0])
@pytest.mark.parametrize("dt", [0.01, 0.1, 1.0])
def test_propagator_around_the_singular_point(rel, dt):
    """P21 = the response over one step to a unit current, at and around tau_syn = tau_m: finite,
    and equal to the mpmath closed form (40 digits, no cancellation) to 1e-14 relative."""
    tau_m, cm = 10.0, 0.25
    tau_s = tau_m * (1.0 + rel)
    p22, p21, p11, p20 = propagators_exp(tau_m, tau_s, cm, dt)
    assert np.isfinite(p21)
    ref = float(_mp_psc(dt, 1.0, tau_m, tau_s, cm))
    assert abs(float(p21) - ref) <= 1e-14 * abs(ref)
    assert float(p22) == pytest.approx(math.exp(-dt / tau_m), rel=1e-15)
    assert float(p11) == pytest.approx(math.exp(-dt / tau_s), rel=1e-15)
    assert float(p20) == pytest.approx(float(tau_m / cm * (1 - mp.exp(-mp.mpf(dt) / tau_m))), rel=1e-14)


def _single(dt, tau_e, tau_i, inputs, *, i_offset=0.0, v0=-60.0, v_thresh=1e3, t_sim=30.0, tau_m=10.0, cm=0.25,
            delay=1.0, backend="numba"):
    net = Network()
    cell = IF_curr_exp(tau_m=tau_m, cm=cm, v_rest=-65.0, v_reset=-70.0, v_thresh=v_thresh, tau_refrac=2.0,
                       tau_syn_E=tau_e, tau_syn_I=tau_i, i_offset=i_offset)
    n = net.population(1, cell, "n", initial_values={"v": v0}, record=("spikes", "v"))
    for k, (t, w) in enumerate(inputs):
        src = net.population(1, SpikeSourceArray([t]), f"s{k}", record=())
        net.projection(src, n, OneToOneConnector(), StaticSynapse(w, delay), "excitatory" if w >= 0 else "inhibitory")
    return simulate(net, t_sim, backend=backend, dt=dt, seed=1)


@pytest.mark.parametrize("dt", [0.01, 0.05, 0.1, 0.25, 0.5, 1.0])
@pytest.mark.parametrize("tau_e,tau_i", [(0.5, 2.0), (10.0, 10.0), (2.0, 10.0 * (1 + 1e-12))])
def test_voltage_trace_equals_closed_form(dt, tau_e, tau_i):
    """Subthreshold trace (initial V, constant current, E and I inputs) against the mpmath closed
    form at every recorded step, for every time step (inputs on the grid of all of them)."""
    tau_m, cm, v0, i_off, delay = 10.0, 0.25, -60.0, 0.12, 1.0
    inputs = [(2.0, 0.5), (3.0, -0.3), (3.0, 0.2), (8.0, 0.8), (13.0, -0.6)]
    res = _single(dt, tau_e, tau_i, inputs, i_offset=i_off, v0=v0, t_sim=30.0, tau_m=tau_m, cm=cm, delay=delay)
    tv, v = res.v["n"]
    assert tv.size == round(30.0 / dt)
    worst = 0.0
    for t, vs in zip(tv, v[:, 0]):
        ref = mp.mpf(-65.0) + (v0 + 65.0) * mp.exp(-mp.mpf(t) / tau_m) \
            + mp.mpf(tau_m) / cm * i_off * (1 - mp.exp(-mp.mpf(t) / tau_m))
        for tk, w in inputs:
            ref += _mp_psc(mp.mpf(t) - (tk + delay), w, tau_m, tau_e if w >= 0 else tau_i, cm)
        worst = max(worst, abs(vs - float(ref)))
    assert worst <= 1e-9, worst
    assert len(res["n"].times) == 0


def _spiking_inputs(seed, n=60, t_max=195.0):
    rng = np.random.default_rng(seed)
    t = np.round(rng.uniform(1.5, t_max, n), 1)   # decimal times: both simulators put them on the same step
    w = rng.choice([0.9, 1.4, -0.8], n)
    return list(zip(t.tolist(), w.tolist()))


@requires_nest
@pytest.mark.nest
@pytest.mark.parametrize("tau_e,tau_i", [(0.5, 1.0), (10.0, 10.0), (5.0, 2.0)])
def test_spike_times_equal_nest(tau_e, tau_i):
    """The same input spikes (strong enough to fire, some inside the refractory period, where the
    currents keep integrating) and a constant current give NEST's iaf_psc_exp spike times, to
    float tolerance on the 0.1 ms grid, and the same membrane trace to 1e-9 mV."""
    inputs = _spiking_inputs(7)
    kw = dict(i_offset=0.3, v0=-58.0, v_thresh=-55.0, t_sim=200.0)
    a = _single(0.1, tau_e, tau_i, inputs, backend="numba", **kw)
    b = _single(0.1, tau_e, tau_i, inputs, backend="nest", **kw)
    ta, tb = np.sort(a["n"].times), np.sort(b["n"].times)
    assert ta.size >= 5, "the test input must make the neuron fire"
    assert ta.size == tb.size and np.max(np.abs(ta - tb)) < 1e-9, (ta, tb)
    va, vb = a.v["n"][1][:, 0], b.v["n"][1][:, 0]
    n = min(va.size, vb.size)
    assert np.max(np.abs(va[:n] - vb[:n])) <= 1e-9


def test_mixed_cell_types_refused():
    from recnet.validation.simulators.network import IF_curr_delta, FixedNumberPreConnector  # noqa: F401
    net = Network()
    net.population(2, IF_curr_exp(), "a")
    net.population(2, IF_curr_delta(), "b")
    with pytest.raises(ValueError, match="mixes IF_curr_delta, IF_curr_exp"):
        simulate(net, 1.0, dt=0.1)


def test_bad_tau_syn_refused():
    net = Network()
    with pytest.raises(ValueError, match="tau_syn_I"):
        net.population(2, IF_curr_exp(tau_syn_I=0.0), "a")


# ------------------------------------------------------------------ sympy derivation (theory.lif_exp)
def test_theory_psp_and_input_statistics():
    """The PSP solves the ODE; equal PSP integrals give J = w tau_s / C; Campbell's theorem gives the
    mean tau_m K J nu and the free-membrane variance (sigma^2 / 2) tau_m / (tau_m + tau_s) with
    sigma^2 = tau_m K J^2 nu: the white-noise amplitude the mean field (and NNMT) uses."""
    import sympy as sp

    from recnet.theory import lif_exp as T

    assert T.psp_residual() == (0, 0)
    assert sp.simplify(T.delta_equivalent_weight() - T.tau_s * T.w / T.C) == 0
    mean, var = T.shot_noise_moments()
    assert sp.simplify(mean - T.tau_m * T.K * T.J * T.nu) == 0
    sigma2 = T.tau_m * T.K * T.J ** 2 * T.nu
    assert sp.simplify(var - sigma2 / 2 * T.tau_m / (T.tau_m + T.tau_s)) == 0


def test_theory_propagator_equals_numerics_and_singular_limit():
    import sympy as sp

    from recnet.theory import lif_exp as T

    f = sp.lambdify((T.h, T.tau_m, T.tau_s, T.C), T.propagator_p21(), "mpmath")
    g = sp.lambdify((T.h, T.tau_m, T.C), T.propagator_p21_singular(), "mpmath")
    assert sp.simplify(T.propagator_p21_singular() - T.h * sp.exp(-T.h / T.tau_m) / T.C) == 0
    for h, tm, ts, c in [(0.1, 10.0, 0.5, 0.25), (1.0, 20.0, 5.0, 1.0), (0.05, 10.0, 30.0, 0.2)]:
        ref = float(f(mp.mpf(h), mp.mpf(tm), mp.mpf(ts), mp.mpf(c)))
        assert float(propagators_exp(tm, ts, c, h)[1]) == pytest.approx(ref, rel=1e-14)
    assert float(propagators_exp(10.0, 10.0, 0.25, 0.1)[1]) == pytest.approx(float(g(mp.mpf("0.1"), 10, mp.mpf("0.25"))),
                                                                            rel=1e-15)


def test_theory_shift_equals_numerics():
    import sympy as sp

    from recnet.numerics.lif_meanfield import fourcaud_brunel_shift
    from recnet.theory import lif_exp as T

    th, _ = T.effective_boundaries()
    k = sp.simplify((th - T.V_th) / T.sigma)
    val = float(k.subs({T.tau_s: sp.Rational(1, 2), T.tau_m: 10}).evalf(30))
    assert float(fourcaud_brunel_shift(10.0, 0.5)[0]) == pytest.approx(val, rel=1e-15)


def test_chunked_and_threaded_runs_equal_the_whole():
    """A small recurrent exp network with Poisson drive: chunks of 7 steps (state carried between
    kernel calls: currents, rings, refractory counts) and 1 vs 2 threads give the same spikes."""
    from recnet.validation.simulators.backend_numba import run
    from recnet.validation.simulators.network import FixedNumberPreConnector, SpikeSourcePoisson

    net = Network()
    cell = IF_curr_exp(tau_m=10.0, cm=0.25, v_rest=-65.0, v_reset=-65.0, v_thresh=-50.0, tau_refrac=2.0,
                       tau_syn_E=0.5, tau_syn_I=10.0)
    e = net.population(80, cell, "E", initial_values={"v": np.linspace(-65.0, -51.0, 80)})
    src = net.population(80, SpikeSourcePoisson(rate=9000.0), "ext", record=())
    net.projection(e, e, FixedNumberPreConnector(10), StaticSynapse(0.05, 1.5))
    net.projection(e, e, FixedNumberPreConnector(5), StaticSynapse(-0.1, 0.8), "inhibitory")
    net.projection(src, e, OneToOneConnector(), StaticSynapse(0.1, 0.1))
    runs = [run(net, 300.0, dt=0.1, seed=4, chunk_steps=cs, threads=th, progress=False)
            for cs, th in ((2000, 1), (7, 1), (2000, 2))]
    ref = runs[0]["E"]
    assert ref.times.size > 100
    for r in runs[1:]:
        np.testing.assert_array_equal(r["E"].times, ref.times)
        np.testing.assert_array_equal(r["E"].ids, ref.ids)
