"""Self-consistent rates of the Brunel network and of P populations (recnet.numerics.lif_meanfield).

Oracles: an independent mpmath solution of the self-consistency equation at 30 digits, the
fixed-point relation itself (Siegert of the implied mu, sigma), NNMT 1.3 (if installed).
"""
import json
import warnings

import mpmath as mp
import numpy as np
import pytest

from recnet.cli import main
from recnet.numerics import lif_meanfield as L
from recnet.numerics.siegert import siegert


def _mp_brunel(g, eta, v_reset, guess, J=0.1, CE=1000, CI=250, tau=20.0, tref=2.0, theta=20.0):
    """Independent solution: mpmath Siegert integral and findroot at 30 digits."""
    with mp.workdps(30):
        t, tr, J = mp.mpf(tau) / 1000, mp.mpf(tref) / 1000, mp.mpf(J)
        nu_ext = eta * theta / (J * CE * t)

        def phi(nu):
            m = t * J * (CE * nu_ext + CE * nu - g * CI * nu)
            s = mp.sqrt(t * J ** 2 * (CE * nu_ext + CE * nu + g ** 2 * CI * nu))
            integral = mp.quad(lambda u: mp.exp(u * u) * mp.erfc(-u), [(v_reset - m) / s, 0, (theta - m) / s])
            return 1 / (tr + t * mp.sqrt(mp.pi) * integral)

        return float(mp.findroot(lambda nu: phi(nu) - nu, guess))


def test_brunel_default_is_32_03_hz(capsys):
    assert main(["predict", "brunel", "--g", "5", "--eta", "2", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert round(out["rate_hz"], 2) == 32.03                       # issue 2's acceptance value
    assert out["rate_hz"] == pytest.approx(_mp_brunel(5.0, 2.0, 0.0, 32.0), rel=1e-10)
    assert out["rate_e_hz"] == out["rate_i_hz"] == out["rate_hz"]
    assert out["converged"] and out["n_solutions"] == 1 and out["nu_thr_hz"] == pytest.approx(10.0)
    assert out["c_e"] == 1000 and out["c_i"] == 250 and out["nu_ext_hz"] == pytest.approx(20.0)


@pytest.mark.parametrize("g,eta", [(5.0, 2.0), (6.0, 4.0), (4.5, 0.9)])
def test_brunel_v_reset_10_vs_mpmath(g, eta):
    p = L.brunel_prediction(g=g, eta=eta, v_reset=10.0)
    assert p["rate_hz"] == pytest.approx(_mp_brunel(g, eta, 10.0, p["rate_hz"]), rel=1e-10)


def test_fixed_point_satisfies_self_consistency():
    p = L.brunel_prediction(g=6.0, eta=3.0, v_reset=10.0)
    nu = p["rate_hz"]
    mu = 20e-3 * 0.1 * (1000 * p["nu_ext_hz"] + 1000 * nu - 6.0 * 250 * nu)
    sig = np.sqrt(20e-3 * 0.01 * (1000 * p["nu_ext_hz"] + 1000 * nu + 36.0 * 250 * nu))
    assert p["mu_mv"] == pytest.approx(mu, rel=1e-13) and p["sigma_mv"] == pytest.approx(sig, rel=1e-13)
    assert siegert(mu, sig, v_reset=10.0) == pytest.approx(nu, rel=1e-11)
    assert 0 < p["cv_isi"] < 1.5


def test_several_solutions_are_all_reported():
    # excitation-dominated (g gamma < 1) with weak drive: quiet state, unstable middle, saturated state
    with pytest.warns(RuntimeWarning, match="stable"):
        p = L.brunel_prediction(g=3.0, eta=0.5)
    sols = p["solutions"]
    assert p["n_solutions"] == 3 and p["multistable"] and p["rate_hz"] is None
    assert [s["stable"] for s in sols] == [True, False, True]
    assert sols[0]["rate_hz"] < sols[1]["rate_hz"] < sols[2]["rate_hz"]
    for s in sols:   # each one independently a root of the mpmath equation
        assert s["rate_hz"] == pytest.approx(_mp_brunel(3.0, 0.5, 0.0, s["rate_hz"]), rel=1e-9, abs=1e-12)
    # the same network as two populations through the general solver: the same three states
    K = np.array([[1000.0, 250.0], [1000.0, 250.0]])
    W = np.array([[0.1, -0.3], [0.1, -0.3]])
    r = L.solve_rates(K, W, [1000 * 5.0, 1000 * 5.0], [0.1, 0.1])
    assert r["n_solutions"] == 3 and r["n_stable"] == 2 and r["rates_hz"] is None
    for a, b in zip(r["solutions"], sols):
        np.testing.assert_allclose(a["rates_hz"], b["rate_hz"], rtol=1e-8, atol=1e-10)
        assert a["stable"] == b["stable"]
    with pytest.raises(RuntimeError, match="2 stable"):
        L.solve_rates(K, W, [5000.0, 5000.0], [0.1, 0.1], require_unique=True)


def test_solve_rates_two_populations_different_drive():
    # E and I with different drives and parameters; check the fixed-point relation directly
    K = np.array([[800.0, 200.0], [800.0, 200.0]])
    W = np.array([[0.2, -1.0], [0.3, -0.9]])
    nu_ext = np.array([[8000.0, 2000.0], [6000.0, 0.0]])      # two external sources per population
    j_ext = np.array([[0.2, 0.1], [0.25, 0.0]])
    r = L.solve_rates(K, W, nu_ext, j_ext, tau_m=[20.0, 10.0], v_reset=[10.0, 5.0], tau_refrac=[2.0, 1.0])
    assert r["converged"] and r["rates_hz"] is not None
    nu = r["rates_hz"]
    tau = np.array([20.0, 10.0]) * 1e-3
    mu = tau * ((K * W) @ nu + np.sum(nu_ext * j_ext, axis=1))
    sig = np.sqrt(tau * ((K * W ** 2) @ nu + np.sum(nu_ext * j_ext ** 2, axis=1)))
    np.testing.assert_allclose(r["mu_mv"], mu, rtol=1e-12)
    want = siegert(mu, sig, tau_m=[20.0, 10.0], v_reset=[10.0, 5.0], tau_refrac=[2.0, 1.0])
    np.testing.assert_allclose(want, nu, rtol=1e-9)


def test_solve_rates_matches_brunel_and_split_sources():
    p = L.brunel_prediction(g=5.0, eta=2.0, v_reset=10.0)
    K = np.array([[1000.0, 250.0], [1000.0, 250.0]])
    W = np.array([[0.1, -0.5], [0.1, -0.5]])
    r = L.solve_rates(K, W, [20000.0, 20000.0], [0.1, 0.1], v_reset=10.0)
    np.testing.assert_allclose(r["rates_hz"], p["rate_hz"], rtol=1e-9)
    # the same drive as two sources of half the rate each: identical
    r2 = L.solve_rates(K, W, [[10000.0, 10000.0]] * 2, [[0.1, 0.1]] * 2, v_reset=10.0)
    np.testing.assert_allclose(r2["rates_hz"], r["rates_hz"], rtol=1e-10)
    # P = 1 (exhaustive scan): inhibition-only population
    r1 = L.solve_rates([[250.0]], [[-0.5]], [30000.0], [0.1])
    assert r1["method"] == "scan" and r1["n_solutions"] == 1
    nu = r1["rates_hz"][0]
    assert siegert(20e-3 * (-125 * nu + 3000.0), np.sqrt(20e-3 * (62.5 * nu + 300.0))) == pytest.approx(nu, rel=1e-10)


def test_rate_map_matches_pointwise():
    g = np.array([3.0, 5.0, 7.0])
    eta = np.array([0.5, 2.0, 3.5])
    m = L.brunel_rate_map(g, eta, v_reset=10.0)
    for i, gi in enumerate(g):
        for k, ek in enumerate(eta):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                p = L.brunel_prediction(g=gi, eta=ek, v_reset=10.0)
            assert m["n_solutions"][i, k] == p["n_solutions"]
            if p["rate_hz"] is None:
                assert np.isnan(m["rate_hz"][i, k])
            else:
                assert m["rate_hz"][i, k] == pytest.approx(p["rate_hz"], rel=1e-10)


@pytest.mark.parametrize("kw,name", [
    ({"tau_m": -20.0}, "tau_m"), ({"v_reset": 20.0}, "v_reset"), ({"epsilon": 0.0}, "epsilon"),
    ({"epsilon": 1.5}, "epsilon"), ({"tau_refrac": -1.0}, "tau_refrac"), ({"j": -0.1}, "j"),
    ({"g": -1.0}, "g"), ({"eta": -1.0}, "eta"), ({"n_e": 0}, "n_e"), ({"gamma": -0.25}, "gamma"),
    ({"delay": -1.0}, "delay"), ({"epsilon": 1e-5}, "C_E")])
def test_brunel_bad_input(kw, name):
    with pytest.raises(ValueError, match=name):
        L.brunel_prediction(**kw)


def test_solve_rates_bad_input():
    K = np.ones((2, 2))
    with pytest.raises(ValueError, match="indegree"):
        L.solve_rates(-K, K, [1.0, 1.0], [0.1, 0.1])
    with pytest.raises(ValueError, match="weight"):
        L.solve_rates(K, np.ones((3, 3)), [1.0, 1.0], [0.1, 0.1])
    with pytest.raises(ValueError, match="nu_ext"):
        L.solve_rates(K, K, [1.0, 1.0, 1.0], [0.1, 0.1])
    with pytest.raises(ValueError, match="nu_ext"):
        L.solve_rates(K, K, [-1.0, 1.0], [0.1, 0.1])
    with pytest.raises(ValueError, match="tau_m"):
        L.solve_rates(K, K, [1.0, 1.0], [0.1, 0.1], tau_m=[20.0, -1.0])


@pytest.mark.parametrize("g,eta,v_reset", [(5.0, 2.0, 0.0), (6.0, 3.0, 10.0), (4.5, 1.5, 10.0)])
def test_cross_check_nnmt(g, eta, v_reset):
    # only this cross-check needs NNMT: a module-level importorskip skipped every test of the file
    pytest.importorskip("nnmt", reason="NNMT cross-check needs nnmt (pip install nnmt)")
    from nnmt.lif import delta
    J = np.array([[0.1, -0.1 * g], [0.1, -0.1 * g]]) * 1e-3                # V
    K = np.array([[1000, 250], [1000, 250]])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = delta._firing_rates(J, K, v_reset * 1e-3, 20e-3, 20e-3, 2e-3,
                                  np.array([[0.1e-3], [0.1e-3]]), np.array([[1000], [1000]]),
                                  np.array([eta * 10.0]), eps_tol=1e-13)
    ours = L.brunel_prediction(g=g, eta=eta, v_reset=v_reset)["rate_hz"]
    np.testing.assert_allclose(ref, ours, rtol=1e-9)


def test_paper_figure_quick(tmp_path):
    from recnet.papers import brunel2000_fig2 as fig
    m = fig.compute(quick=True)
    # the map's regions: balanced, unique states for g > 4 and eta > 1; several stable states for
    # excitation-dominated weak drive (g gamma < 1, eta < 0.8)
    g, eta = m["g"], m["eta"]
    i5, k2 = np.argmin(abs(g - 5.0)), np.argmin(abs(eta - 2.0))
    assert m["rate_hz"][i5, k2] == pytest.approx(L.brunel_prediction(g=g[i5], eta=eta[k2], v_reset=10.0)["rate_hz"], rel=1e-10)
    assert np.all(m["n_stable"][g > 4.5][:, eta > 1.0] == 1)
    assert np.any(m["n_stable"][g < 3.0][:, eta < 0.7] == 2)
    path = fig.make(out=tmp_path / "fig2.png", quick=True)
    assert path.exists() and path.stat().st_size > 10000


def test_only_the_nnmt_cross_check_needs_nnmt():
    # issue 13: a module-level importorskip skipped all tests of this file when nnmt was missing
    import ast
    from pathlib import Path
    tree = ast.parse(Path(__file__).read_text())
    top = [ast.unparse(n) for n in tree.body if not isinstance(n, (ast.FunctionDef, ast.ClassDef))]
    assert not any("importorskip" in t for t in top)
