"""Linear stability with delays of Brunel's model A (issue 15, parts 3-4).

Oracle: Brunel's (2000, J Comput Neurosci 8:183, sec. 4) characteristic equation for the
one-population reduction of model A, written here independently in mpmath (parabolic cylinder
functions ``mp.pcfu``, the Siegert rate by ``mp.quad``, the stationary rate by ``mp.findroot``)::

    1 = exp(-lambda D) tau C_E J [ (1 - g gamma) A_mu(lambda) + J (1 + g^2 gamma) A_var(lambda) ]

with A_mu, A_var the rate responses to the mean and the variance (Brunel & Hakim 1999; Lindner &
Schimansky-Geier 2001, refractory factor exp(-lambda tau_rp) on the reset flux).  ``mp.findroot``
started from the subject's main mode must return the same root to 1e-6 (relative, growth rate and
frequency separately).

Brunel's fig. 8 points (g, nu_ext/nu_thr) and the states his paper shows there: A (3, 2) SR,
B (6, 4) SI fast, C (5, 2) AI, D (4.5, 0.9) SI slow, with V_r = 10 mV, C_E = 1000, J = 0.1 mV,
D = 1.5 ms (the shipped ``brunel2000-a``).  These values are from the brief and the paper as
recalled; the search tool returned only the paper's abstract, not its figure captions.
"""
import json

import mpmath as mp
import numpy as np
import pytest

from recnet.cli import main
from recnet.models import DATA

TAU, THETA, TRP, J, CE, GAMMA, DELAY = 20.0, 20.0, 2.0, 0.1, 1000, 0.25, 1.5
NU_THR = THETA / (J * CE * TAU * 1e-3)      # 10 Hz


def _model_file(tmp_path, g, eta, v_reset):
    text = open(DATA / "brunel2000-a.toml").read()
    assert text.count("weight = -0.5") == 2 and text.count("rate = 20.0") == 2
    text = text.replace("weight = -0.5", f"weight = {-g * J!r}").replace("rate = 20.0", f"rate = {eta * NU_THR!r}")
    text = text.replace("v_reset = 10.0", f"v_reset = {v_reset!r}")
    path = tmp_path / f"brunel_{g}_{eta}_{v_reset}.toml"
    path.write_text(text)
    return path


def _predict(tmp_path, capsys, g, eta, v_reset):
    assert main(["predict", "lif-network", "--model", str(_model_file(tmp_path, g, eta, v_reset)), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


# ---------------------------------------------------------------- independent mpmath oracle
def _siegert(mu, sigma, v_reset):
    f = lambda u: mp.exp(u * u) * mp.erfc(-u)                  # noqa: E731  exp(u^2)(1 + erf u)
    yr, yt = (v_reset - mu) / sigma, (THETA - mu) / sigma
    pts = [yr, 0, yt] if yr < 0 < yt else [yr, yt]
    return 1 / ((TRP + TAU * mp.sqrt(mp.pi) * mp.quad(f, pts)) * mp.mpf("1e-3"))


def _inputs(nu, g, eta):
    t = mp.mpf(TAU) / 1000
    mu = CE * J * t * (eta * NU_THR + nu * (1 - g * GAMMA))
    s2 = J * J * CE * t * (eta * NU_THR + nu * (1 + g * g * GAMMA))
    return mu, mp.sqrt(s2)


def _char(lam, nu, g, eta, v_reset):
    mu, sigma = _inputs(nu, g, eta)
    w = lam * TAU
    phi = lambda k, a: mp.exp(a * a / 4) * mp.pcfu(w + k - mp.mpf(1) / 2, a)   # noqa: E731 e^{a^2/4} D_{-w-k}(a)
    at, ar = mp.sqrt(2) * (mu - THETA) / sigma, mp.sqrt(2) * (mu - v_reset) / sigma
    den = phi(0, at) - mp.exp(-lam * TRP) * phi(0, ar)
    a_mu = mp.sqrt(2) * nu / sigma * w / (1 + w) * (phi(1, at) - phi(1, ar)) / den
    a_var = nu / sigma ** 2 * w * (w + 1) / (2 + w) * (phi(2, at) - phi(2, ar)) / den
    t = mp.mpf(TAU) / 1000
    return 1 - mp.exp(-lam * DELAY) * t * CE * J * ((1 - g * GAMMA) * a_mu + J * (1 + g * g * GAMMA) * a_var)


def _check_against_brunel(res, g, eta, v_reset):
    with mp.workdps(25):
        nu = mp.findroot(lambda x: x - _siegert(*_inputs(x, g, eta), v_reset), mp.mpf(res["rate_hz"]["E"]))
        assert float(nu) == pytest.approx(res["rate_hz"]["E"], rel=1e-9)
        st = res["stability"]
        lam0 = mp.mpc(st["growth_rate_per_s"], 2 * mp.pi * st["frequency_hz"]) / 1000
        lam = mp.findroot(lambda z: _char(z, nu, g, eta, v_reset), lam0, tol=1e-24)
        growth, freq = float(lam.real * 1000), float(lam.imag * 1000 / (2 * mp.pi))
        assert st["growth_rate_per_s"] == pytest.approx(growth, rel=1e-6)
        assert st["frequency_hz"] == pytest.approx(freq, rel=1e-6)
        # the high-frequency family: exp(lambda D) -> c, the recurrent share of the input variance
        c = (1 + g * g * GAMMA) * nu / (eta * NU_THR + (1 + g * g * GAMMA) * nu)
        assert st["high_frequency_limit_per_s"] == pytest.approx(float(mp.log(c) / DELAY * 1000), rel=1e-9)
    assert st["stable"] == (growth < 0)
    return st


FIG8 = [("C", 5.0, 2.0, "AI"), ("B", 6.0, 4.0, "SI fast"), ("D", 4.5, 0.9, "SI slow"), ("A", 3.0, 2.0, "SR")]


@pytest.mark.parametrize("label,g,eta,state", [pytest.param(*p, marks=() if p[0] == "C" else pytest.mark.slow)
                                               for p in FIG8])
def test_brunel_fig8_points_equal_mpmath_characteristic_equation(tmp_path, capsys, label, g, eta, state):
    res = _predict(tmp_path, capsys, g, eta, 10.0)
    st = _check_against_brunel(res, g, eta, 10.0)
    assert st["state"] == state, (label, st)


@pytest.mark.slow
def test_brunel_vr0_default_point_equals_mpmath():
    """recnet's own default (V_r = 0, g = 5, eta = 2, ``brunel2000-a-vr0``): AI by the linear theory."""
    from recnet.registry import get_subject

    res = get_subject("lif-network").predict().to_dict()
    st = _check_against_brunel(res, 5.0, 2.0, 0.0)
    assert st["state"] == "AI"


@pytest.mark.slow
@pytest.mark.parametrize("g,state", [(5.0, "AI"), (5.5, "SI fast")])
def test_both_sides_of_the_ai_si_fast_boundary(tmp_path, capsys, g, state):
    """nu_ext/nu_thr = 4: the 180-Hz mode crosses the imaginary axis between g = 5 and g = 5.5."""
    res = _predict(tmp_path, capsys, g, 4.0, 10.0)
    st = _check_against_brunel(res, g, 4.0, 10.0)
    assert st["state"] == state
    assert 150 < st["frequency_hz"] < 220


@pytest.mark.slow
def test_root_tracked_across_the_boundary_equals_the_direct_search():
    from recnet.models.lif_network import brunel_model
    from recnet.numerics.lif_meanfield import network_states
    from recnet.numerics.lif_stability import model_stability, track_root

    def state(g):
        m = brunel_model(g=g, eta=4.0, v_reset=10.0)
        s = [s for s in network_states(m, cv=False)["states"] if s["stable"]][0]
        a = m.to_arrays()
        return dict(indegree=a["indegree"], weight=a["weight"], delay=np.full((2, 2), DELAY), tau_m=a["tau_m"],
                    tau_refrac=a["tau_refrac"], v_thresh=a["v_thresh"], v_reset=a["v_reset"], v_rest=a["v_rest"],
                    rate_hz=s["rate_hz"], mu_mv=s["mu_mv"], sigma_mv=s["sigma_mv"]), (m, s)

    kw, (m, s) = state(5.0)
    st = model_stability(m, s)
    lam0 = complex(st["growth_rate_per_s"], 2 * np.pi * st["frequency_hz"]) / 1000
    path = track_root(lambda g: state(g)[0], [5.0, 5.1, 5.2, 5.3, 5.4, 5.5], lam0)
    growth = [z.real * 1000 for z in path]
    assert growth[0] < 0 < growth[-1] and np.all(np.diff(growth) > 0)
    end = model_stability(*state(5.5)[1])
    assert growth[-1] == pytest.approx(end["growth_rate_per_s"], rel=1e-6)


def test_silent_network_and_bad_delays_are_reported():
    from recnet.checks import ParameterError
    from recnet.numerics.lif_stability import stability

    common = dict(tau_m=20.0, tau_refrac=2.0, v_thresh=20.0, v_reset=10.0, v_rest=0.0)
    out = stability([[100.0]], [[0.1]], [[1.5]], rate_hz=[0.0], mu_mv=[0.0], sigma_mv=[0.0], **common)
    assert out["state"] == "quiescent" and out["warnings"]
    with pytest.raises(ParameterError) as e:
        stability([[100.0]], [[0.1]], [[-1.0]], rate_hz=[5.0], mu_mv=[15.0], sigma_mv=[5.0], **common)
    assert e.value.name == "delay"


def _brunel_state(g, eta, v_reset):
    from recnet.models.lif_network import brunel_model
    from recnet.numerics.lif_meanfield import network_states

    m = brunel_model(g=g, eta=eta, v_reset=v_reset)
    s = [s for s in network_states(m, cv=False)["states"] if s["stable"]][0]
    a = m.to_arrays()
    return m, dict(indegree=a["indegree"], weight=a["weight"], delay=np.full((2, 2), DELAY), tau_m=a["tau_m"],
                   tau_refrac=a["tau_refrac"], v_thresh=a["v_thresh"], v_reset=a["v_reset"], v_rest=a["v_rest"],
                   rate_hz=s["rate_hz"], mu_mv=s["mu_mv"], sigma_mv=s["sigma_mv"])


def test_effective_connectivity_equals_brunel_equation_and_power_spectra_equal_nnmt():
    """det(1 - M) of model A equals Brunel's one-population characteristic function (mpmath) off
    the roots; C = P D P^dagger equals NNMT's ``_power_spectra`` fed with the same M."""
    from recnet.numerics.lif_stability import effective_connectivity, power_spectra

    g, eta = 5.0, 2.0
    m, kw = _brunel_state(g, eta, 10.0)
    lams = np.array([0.3j, 0.05 + 1.1j, -0.1 + 0.7j])
    M = effective_connectivity(lams, **kw)
    with mp.workdps(25):
        nu = mp.findroot(lambda x: x - _siegert(*_inputs(x, g, eta), 10.0), mp.mpf(kw["rate_hz"][0]))
        for k, lam in enumerate(lams):
            ref = complex(_char(mp.mpc(lam), nu, g, eta, 10.0))
            assert abs(np.linalg.det(np.eye(2) - M[k]) / ref - 1) < 1e-6
    nnmt_exp = pytest.importorskip("nnmt.lif.exp")
    sizes = np.array([10000.0, 2500.0])
    freqs = np.array([10.0, 124.0, 500.0])
    ours = power_spectra(freqs, sizes=sizes, **kw)
    Mf = effective_connectivity(2j * np.pi * freqs * 1e-3, **kw)
    ref = nnmt_exp._power_spectra(kw["rate_hz"], Mf, kw["weight"], kw["indegree"], sizes, kw["tau_m"])
    np.testing.assert_allclose(np.real(np.diagonal(ours, axis1=1, axis2=2)), ref, rtol=1e-12)


def test_noise_free_population_makes_stability_undetermined():
    from recnet.numerics.lif_stability import stability

    common = dict(tau_m=20.0, tau_refrac=2.0, v_thresh=20.0, v_reset=10.0, v_rest=0.0)
    out = stability([[100.0]], [[0.1]], [[1.5]], rate_hz=[20.0], mu_mv=[25.0], sigma_mv=[0.0], **common)
    assert out["stable"] is None and out["state"].startswith("undetermined")
    assert any("sigma = 0" in w for w in out["warnings"])


def _winding(fn, corners, tol=0.5, depth=14):
    """Number of zeros of ``fn`` inside the polygon ``corners`` (argument principle), each edge
    subdivided until the argument changes by less than ``tol`` rad between neighbouring points."""
    total = mp.mpf(0)

    def edge(a, b, fa, fb, d):
        step = mp.arg(fb / fa)
        if abs(step) < tol or d == 0:
            return step
        m = (a + b) / 2
        fm = fn(m)
        return edge(a, m, fa, fm, d - 1) + edge(m, b, fm, fb, d - 1)
    vals = [fn(c) for c in corners]
    for k in range(len(corners)):
        j = (k + 1) % len(corners)
        total += edge(corners[k], corners[j], vals[k], vals[j], depth)
    return int(mp.nint(total / (2 * mp.pi)))


@pytest.mark.slow
@pytest.mark.parametrize("g,eta,n_slow", [(4.5, 0.9, 1), (5.0, 0.9, 0), (6.0, 0.9, 0)])
def test_si_slow_region_root_count_equals_mpmath(g, eta, n_slow):
    """Brunel's Fig. 2 SI-slow region (issue 15, item 5): the number of unstable roots below 120 Hz
    that recnet reports equals an independent argument-principle count of Brunel's characteristic
    equation (mpmath, box 0 < Re lambda < 0.5/ms, 0 < f < 120 Hz), so recnet's narrow SI-slow region
    (SI slow at g = 4.5, AI with a damped ~30 Hz mode at g = 5 and 6, nu_ext/nu_thr = 0.9) is not a
    missed root."""
    from recnet.models.lif_network import brunel_model
    from recnet.numerics.lif_meanfield import network_states
    from recnet.numerics.lif_stability import model_stability

    m = brunel_model(g=g, eta=eta, v_reset=10.0)
    s = [x for x in network_states(m)["states"] if x["stable"]][0]
    st = model_stability(m, s)
    slow = [r for r in st["roots"] if r["growth_rate_per_s"] > 0 and 0 < r["frequency_hz"] < 120.0]
    with mp.workdps(20):
        nu = mp.findroot(lambda x: x - _siegert(*_inputs(x, g, eta), 10.0), mp.mpf(float(s["rate_hz"][0])))
        im = 2 * mp.pi * mp.mpf(120) / 1000
        box = [mp.mpc(0, 1e-6), mp.mpc(0.5, 1e-6), mp.mpc(0.5, im), mp.mpc(0, im)]
        count = _winding(lambda z: _char(z, nu, g, eta, 10.0), box)
    assert count == n_slow == len(slow)
    assert st["state"] == ("SI slow" if n_slow else "AI")
    # the slow mode itself (damped where AI) equals mpmath's root
    main = min(st["roots"], key=lambda r: abs(r["frequency_hz"] - 30.0))
    with mp.workdps(25):
        lam = mp.findroot(lambda z: _char(z, nu, g, eta, 10.0),
                          mp.mpc(main["growth_rate_per_s"], 2 * mp.pi * main["frequency_hz"]) / 1000, tol=1e-24)
    assert main["frequency_hz"] == pytest.approx(float(lam.imag * 1000 / (2 * mp.pi)), rel=1e-6)
