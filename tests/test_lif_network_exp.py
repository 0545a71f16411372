"""lif-network with exponential current synapses (issue 15, item 1): model fields, Fourcaud-Brunel
stationary rates, predict and validate.

Oracles: NNMT 1.3's ``lif.exp._firing_rates`` (shift method, its relaxation solver tightened to
eps_tol = 1e-13) and ``lif.exp._cvs`` as peers, fed with arrays converted by hand in the test
(J = w tau_s / C, SI units, external drives shaped (n_pop, n_ext) as NNMT needs); central finite
differences for the analytic Jacobian; simulations on numba with the statistical rules of
``recnet.validation.compare`` (batch-means stderr plus the open-loop systematic, derived per run).
"""
from __future__ import annotations

import json
import warnings

import numpy as np
import pytest

from conftest import requires_nest, requires_spinnaker
from recnet.checks import ParameterError
from recnet.cli import main
from recnet.models import load
from recnet.numerics.lif_meanfield import FB_ALPHA, network_states

TWO_POP_EXP = """
model = "lif-network"
name = "two-pop-exp"
synapse = "exp"

[[population]]
name = "E"
size = 400
tau_m = 20.0
v_thresh = 20.0
v_reset = 10.0
v_rest = 0.0
tau_refrac = 2.0
cm = "250 pF"
tau_syn_E = 0.5
tau_syn_I = 0.5

[[population]]
name = "I"
size = 100
tau_m = 10.0
v_thresh = 18.0
v_reset = 5.0
v_rest = -1.0
tau_refrac = 1.0
cm = 0.2
tau_syn_E = 1.0
tau_syn_I = "1 ms"

[[projection]]
pre = "E"
post = "E"
indegree = 100
weight = 0.05
delay = 1.5

[[projection]]
pre = "I"
post = "E"
indegree = 25
weight = -0.25
delay = 1.5

[[projection]]
pre = "E"
post = "I"
indegree = 100
weight = "40 pA"
delay = 1.5

[[projection]]
pre = "I"
post = "I"
indegree = 25
weight = -0.1
delay = 1.5

[[drive]]
post = "E"
rate = 10.0
indegree = 1400
weight = 0.05

[[drive]]
post = "E"
rate = 10.0
indegree = 200
weight = -0.1

[[drive]]
post = "I"
rate = 12.0
indegree = 1100
weight = 0.03
"""


def _write(tmp_path, text, name="net.toml"):
    p = tmp_path / name
    p.write_text(text)
    return p


def _cli_json(capsys, *args):
    assert main(["predict", "lif-network", *args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_alpha_is_sqrt2_abs_zeta_half():
    import mpmath as mp
    assert FB_ALPHA == pytest.approx(float(mp.sqrt(2) * abs(mp.zeta(0.5))), rel=1e-15)


def test_model_fields_and_unit_conversion(tmp_path):
    m = load(_write(tmp_path, TWO_POP_EXP))
    assert m.synapse == "exp" and m.populations[0].cm == pytest.approx(0.25)
    assert m.projections[2].weight == pytest.approx(0.04)          # "40 pA" -> nA
    a = m.to_arrays()
    # J = w tau_s / C by hand: E<-E 0.05*0.5/0.25, E<-I -0.25*0.5/0.25, I<-E 0.04*1/0.2, I<-I -0.1*1/0.2
    np.testing.assert_allclose(a["weight"], [[0.1, -0.5], [0.2, -0.5]], rtol=1e-14)
    np.testing.assert_allclose(a["j_ext"], [[0.1, -0.2], [0.15, 0.0]], rtol=1e-14)
    np.testing.assert_allclose(a["tau_syn"], [[0.5, 0.5], [1.0, 1.0]])
    assert load(m.to_dict()).to_dict() == m.to_dict()


@pytest.mark.parametrize("edit,field", [
    (lambda d: d["population"][0].pop("cm"), "population[0].cm"),
    (lambda d: d["population"][1].update(tau_syn_I=0.0), "population[1].tau_syn_I"),
    (lambda d: d["projection"][0].update(weight="0.1 mV"), "projection[0].weight"),
    (lambda d: d["drive"][1].update(weight="1 ms"), "drive[1].weight"),
    (lambda d: d.update(synapse="alpha"), "synapse"),
    (lambda d: d.update(synapse="delta"), "population[0].cm"),
])
def test_bad_fields_name_the_field(tmp_path, edit, field):
    d = load(_write(tmp_path, TWO_POP_EXP)).to_dict()
    edit(d)
    with pytest.raises(ParameterError) as e:
        load(d)
    assert e.value.name == field


def _nnmt_two_pop():
    """NNMT's shift-method rates of TWO_POP_EXP, arrays converted by hand (SI units)."""
    exp = pytest.importorskip("nnmt.lif.exp")
    J = np.array([[0.05 * 0.5 / 0.25, -0.25 * 0.5 / 0.25], [0.04 * 1.0 / 0.2, -0.1 * 1.0 / 0.2]]) * 1e-3
    K = np.array([[100.0, 25.0], [100.0, 25.0]])
    # external sources: (E, +) 10 Hz, (E, -) 10 Hz, (I, +) 12 Hz; K_ext and J_ext (n_pop, n_ext)
    K_ext = np.array([[1400.0, 200.0, 0.0], [0.0, 0.0, 1100.0]])
    J_ext = np.array([[0.05 * 0.5 / 0.25, -0.1 * 0.5 / 0.25, 0.0], [0.0, 0.0, 0.03 * 1.0 / 0.2]]) * 1e-3
    nu_ext = np.array([10.0, 10.0, 12.0])
    kw = dict(V_0_rel=np.array([10.0, 6.0]) * 1e-3, V_th_rel=np.array([20.0, 19.0]) * 1e-3,
              tau_m=np.array([20.0, 10.0]) * 1e-3, tau_r=np.array([2.0, 1.0]) * 1e-3,
              tau_s=np.array([0.5, 1.0]) * 1e-3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        nu = exp._firing_rates(J=J, K=K, J_ext=J_ext, K_ext=K_ext, nu_ext=nu_ext, eps_tol=1e-13, **kw)
        mu = (K * J) @ nu + (K_ext * J_ext) @ nu_ext
        var = (K * J ** 2) @ nu + (K_ext * J_ext ** 2) @ nu_ext
        mu, sigma = kw["tau_m"] * mu, np.sqrt(kw["tau_m"] * var)
        cv = exp._cvs(nu, mu, sigma, kw["V_0_rel"], kw["V_th_rel"], kw["tau_m"], kw["tau_s"])
    return nu, mu * 1e3, sigma * 1e3, cv


def test_two_populations_equal_nnmt(tmp_path, capsys):
    """Heterogeneous neurons, tau_s = 0.5 and 1 ms, an inhibitory drive (rates about 1.9 and 17.8 Hz,
    fluctuation- and mean-driven): rates to 1e-8 relative,
    mu and sigma to 1e-8, CV to 1e-6 (NNMT's CV is scipy ``quad`` at default tolerances, 1.5e-8
    relative per integral, inside nested integrals)."""
    nu, mu, sigma, cv = _nnmt_two_pop()
    out = _cli_json(capsys, "--model", str(_write(tmp_path, TWO_POP_EXP)))
    assert out["stable_state"] == "unique" and out["synapse"] == "exp"
    assert 1.0 < out["rate_hz"]["E"] < 3.0 and 10.0 < out["rate_hz"]["I"] < 30.0   # the regime the test is for
    np.testing.assert_allclose([out["rate_hz"][k] for k in "EI"], nu, rtol=1e-8)
    np.testing.assert_allclose([out["mu_mv"][k] for k in "EI"], mu + np.array([0.0, 0.0]), rtol=1e-8)
    np.testing.assert_allclose([out["sigma_mv"][k] for k in "EI"], sigma, rtol=1e-8)
    np.testing.assert_allclose([out["cv_isi"][k] for k in "EI"], cv, rtol=1e-6)
    k = out["colored_noise"]["shift_per_sigma"]
    assert k["I"] == pytest.approx(FB_ALPHA / 2 * np.sqrt(1.0 / 10.0), rel=1e-15)
    # the exp-synapse stability (Schuecker response; tests/test_lif_stability_exp.py) gives a state
    assert out["stability"]["stable"] in (True, False) and out["stability"]["state"] in ("AI", "SR", "SI fast", "SI slow")


def test_potjans2014_exp_equals_nnmt(capsys):
    exp = pytest.importorskip("nnmt.lif.exp")
    out = _cli_json(capsys, "--model", "potjans2014-exp")
    m = load("potjans2014-exp")
    P = 8
    # NNMT's microcircuit: J = w tau_s / C with w = 87.8 pA, tau_s = 0.5 ms, C = 250 pF (x2 L4E->L23E, -4 for I)
    j = 87.8e-12 * 0.5e-3 / 250e-12
    J = np.tile(np.where(np.arange(P) % 2 == 0, j, -4 * j), (P, 1))
    J[0, 2] = 2 * j
    K = np.array([[pr for pr in row] for row in load("potjans2014-delta").to_arrays()["indegree"]])
    K_ext = np.diag([d.indegree for d in m.drives])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = exp._firing_rates(J=J, K=K, V_0_rel=0.0, V_th_rel=15e-3, tau_m=10e-3, tau_r=2e-3, tau_s=0.5e-3,
                                J_ext=np.full((P, P), j), K_ext=K_ext, nu_ext=np.full(P, 8.0), eps_tol=1e-13)
    got = np.array([out["rate_hz"][n] for n in m.names])
    np.testing.assert_allclose(got, ref, rtol=1e-8)
    # the shift matters: the delta-synapse rates of the same J differ by more than 1 %
    delta = np.array([s for s in network_states(load("potjans2014-delta"), cv=False)["states"] if s["stable"]][0]
                     ["rate_hz"])
    assert np.max(np.abs(delta / got - 1)) > 0.01


def test_analytic_jacobian_with_shift_equals_finite_differences():
    from recnet.numerics.lif_meanfield import _phi_jac_pop, _phi_pop, fourcaud_brunel_shift

    m = load("potjans2014-exp")
    a = m.to_arrays()
    P = 8
    ext_mu = a["tau_m"] * 1e-3 * np.sum(a["j_ext"] * a["nu_ext"], axis=1)
    ext_var = a["tau_m"] * 1e-3 * np.sum(a["j_ext"] ** 2 * a["nu_ext"], axis=1)
    shift = fourcaud_brunel_shift(a["tau_m"], np.full(P, 0.5))
    args = (a["indegree"], a["weight"], ext_mu, ext_var, a["tau_m"], a["tau_refrac"], a["v_thresh"] - a["v_rest"],
            a["v_reset"] - a["v_rest"], shift)
    nu = np.array([0.9, 2.5, 4.0, 6.0, 7.0, 8.0, 1.5, 7.0])
    bufs = [np.empty(P) for _ in range(3)]
    jac = np.empty((P, P))
    _phi_jac_pop(nu, *args, *bufs, jac)

    def phi(x):
        b = [np.empty(P) for _ in range(3)]
        _phi_pop(x, *args, *b)
        return b[2]
    fd = np.empty((P, P))
    for j in range(P):
        h = 1e-5 * nu[j]
        up, dn = nu.copy(), nu.copy()
        up[j] += h
        dn[j] -= h
        fd[:, j] = (phi(up) - phi(dn)) / (2 * h)
    # central differences: O(h^2) truncation, ~1e-16/h rounding relative to phi: 1e-6 of the largest entry
    np.testing.assert_allclose(jac, fd, rtol=0, atol=1e-6 * np.max(np.abs(fd)))


def test_slow_synapses_warn_and_mixed_time_constants_are_refused(tmp_path, capsys):
    d = load(_write(tmp_path, TWO_POP_EXP)).to_dict()
    for p in d["population"]:
        p.update(tau_syn_E=3.0, tau_syn_I=3.0)     # tau_s / tau_m = 0.3 for I: outside tau_s << tau_m
    import yaml
    p = tmp_path / "slow.yaml"
    p.write_text(yaml.safe_dump(d))
    out = _cli_json(capsys, "--model", str(p))
    assert any("sqrt(tau_s/tau_m)" in w and "exceeds sqrt(0.1)" in w for w in out["warnings"])
    d["population"][0]["tau_syn_I"] = 1.0
    with pytest.raises(ParameterError) as e:
        network_states(load(d))
    assert e.value.name == "population[0].tau_syn_I"


def test_open_loop_rate_map_is_the_shifted_rate(tmp_path):
    """The open-loop bias compares simulations with the same (shifted) rate map as the prediction:
    at the predicted state Phi(nu) = nu."""
    from recnet.validation.lif_network import _rate_map

    m = load(_write(tmp_path, TWO_POP_EXP))
    s = [s for s in network_states(m, cv=False)["states"] if s["stable"]][0]
    np.testing.assert_allclose(_rate_map(m, s["rate_hz"]), s["rate_hz"], rtol=1e-9)


def test_to_network_builds_if_curr_exp():
    m = load("ei-exp-ai")
    net = m.to_network(dt=0.1, seed=1)
    e = net["E"]
    assert e.celltype.name == "IF_curr_exp" and e.celltype.parameters["cm"] == 0.25
    assert e.celltype.parameters["tau_syn_I"] == 0.5
    w = {p.label: p.synapse.weight for p in net.projections}
    assert w["E->E"] == 0.05 and w["I->E"] == -0.25


@pytest.mark.slow
def test_validate_ei_exp_ai_agrees_on_numba():
    """The shipped AI network (full size: 2500 neurons, 2 s after 0.3 s): rates and ISI CVs agree
    with the Fourcaud-Brunel prediction within the batch-means stderr plus the open-loop systematic
    (derived in the run), and the population activity is asynchronous (chi < SYNCHRONY_LIMIT), so
    the CV comparisons are applicable."""
    from recnet.registry import get_subject

    res = get_subject("lif-network").validate(backend="numba", seed=12345, model="ei-exp-ai", t_sim=2000.0,
                                              t_warmup=300.0)
    by = {c.quantity: c for c in res.comparisons}
    spectrum = {q for q, c in by.items() if c.family == "spectrum"}
    assert set(by) - spectrum == {"rate_e_hz", "rate_i_hz", "cv_isi_e", "cv_isi_i"}
    # the AI state's activity spectrum, band by band (validation.lif_spectrum): 200 ms segments, bands from 15 Hz
    assert len(spectrum) == 8
    for q, c in by.items():
        assert c.applicable and c.agree, (q, c)
    assert res.agree
    assert res.config["model"]["synapse"] == "exp"


@requires_nest
@pytest.mark.nest
@pytest.mark.slow
def test_quick_validate_exp_on_nest_runs_iaf_psc_exp():
    from recnet.registry import get_subject

    res = get_subject("lif-network").validate(backend="nest", quick=True, seed=3, model="ei-exp-ai", t_sim=300.0,
                                              t_warmup=100.0)
    rate = {c.quantity: c for c in res.comparisons}["rate_e_hz"]
    # a short run: only the wiring (weights in pA, signs, time constants) is checked, to 5 stderr
    assert abs(rate.simulated - rate.predicted) <= 5 * rate.stderr + rate.systematic


@requires_spinnaker
@pytest.mark.spinnaker
@pytest.mark.slow
def test_spinnaker_maps_the_exp_model():
    from recnet.registry import get_subject

    res = get_subject("lif-network").validate(backend="spinnaker", quick=True, seed=3, model="ei-exp-ai",
                                              t_sim=100.0, t_warmup=0.0)
    assert [c.quantity for c in res.comparisons] == ["mapped"] and res.agree
