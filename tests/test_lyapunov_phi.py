"""The Lyapunov-spectrum engine with every built-in transfer function (issue 12: a user's rate
network with phi = erf, relu or linear, not only tanh).

Oracles: scipy's erf and numpy for the transfer functions; for linear dynamics (and at a fixed point)
the exponents of the exponential-Euler map x -> a x + b (W phi(x) + I) are exactly
ln|eig(a + b W diag(phi'(x*)))| / dt.  The QR estimate over a window T differs from them by at most
2 ln cond(V) / T (V the eigenvectors: initial frame and eigenbasis skew at either end of the
window), the allowance used here.
"""
import math

import numpy as np
import pytest
from scipy.special import erf

from recnet.numerics.lyapunov import rate as R


@pytest.mark.parametrize("phi,f,df", [
    ("tanh", np.tanh, lambda x: 1 - np.tanh(x) ** 2),
    ("erf", lambda x: erf(np.sqrt(np.pi) * x / 2), lambda x: np.exp(-np.pi * x ** 2 / 4)),
    ("relu", lambda x: np.maximum(x, 0), lambda x: np.where(x > 0, 1.0, np.where(x == 0, 0.5, 0.0))),
    ("linear", lambda x: x, lambda x: np.ones_like(x)),
])
def test_transfer_functions_match_their_formulas(phi, f, df):
    x = np.concatenate([np.linspace(-6, 6, 241), [0.0]])
    p, dp = R.transfer(phi)
    np.testing.assert_allclose(p(x), f(x), rtol=1e-14, atol=1e-15)
    np.testing.assert_allclose(dp(x), df(x), rtol=1e-14, atol=1e-15)


def _closed_form(W, dphi_star, dt, integrator="exp_euler"):
    a, b = (math.exp(-dt), 1 - math.exp(-dt)) if integrator == "exp_euler" else (1 - dt, dt)
    D = a * np.eye(W.shape[0]) + b * W * dphi_star[None, :]
    ev, V = np.linalg.eig(D)
    return np.sort(np.log(np.abs(ev)))[::-1] / dt, math.log(np.linalg.cond(V))


@pytest.mark.parametrize("phi,i0", [("linear", 0.0), ("erf", 0.0), ("relu", 1.0)])
def test_spectrum_at_a_fixed_point_equals_the_map_eigenvalues(phi, i0):
    n, dt, t_sim = 16, 0.1, 200.0
    rng = np.random.default_rng(3)
    W = 0.6 * rng.standard_normal((n, n)) / math.sqrt(n)
    i0v = np.full(n, i0)
    r = R.spectrum(W, None, dt=dt, t_sim=t_sim, t_warm=50.0, t_warm_q=20.0, integrator="exp_euler", seed=1,
                   i0=i0v if i0 else None, phi=phi, twin=False)
    f, df = R.transfer(phi)
    x = np.asarray(r.state)
    assert np.max(np.abs(-x + W @ f(x) + i0v)) < 1e-9          # settled on the fixed point
    if phi == "relu":       # on its active set A the fixed point solves (1 - W_AA) x_A = i0_A + W_A,notA 0
        act = x > 0
        assert 0 < act.sum() < n                                # a mixed active set: phi' = 0 and 1 both occur
        np.testing.assert_allclose(x[act], np.linalg.solve(np.eye(act.sum()) - W[np.ix_(act, act)], i0v[act]),
                                   rtol=1e-9)
    lam, ln_cond = _closed_form(W, df(x), dt)
    assert np.max(np.abs(r.exponents - lam)) <= 2 * ln_cond / t_sim


def test_expression_phi_is_refused_by_the_subject(tmp_path):
    import recnet
    from recnet.checks import ParameterError
    p = tmp_path / "net.toml"
    p.write_text('model = "rate-network"\nphi = "tanh(x) + 0.1*x"\nn = 20\ng = 1.5\n')
    with pytest.raises(ParameterError) as e:
        recnet.subject("lyapunov").predict(model=str(p))
    assert e.value.name == "phi"


def test_erf_network_predict_through_the_subject(tmp_path):
    import recnet
    p = tmp_path / "net.toml"
    p.write_text('model = "rate-network"\nphi = "erf"\nn = 40\ng = 0.5\nseed = 2\n')
    res = recnet.subject("lyapunov").predict(model=str(p), t_sim=100.0)
    # g = 0.5 < 1: the origin is stable, exponents are those of the map's Jacobian a + b W there
    W = recnet.models.load(str(p)).coupling(2)
    lam, ln_cond = _closed_form(W, np.ones(40), 0.1, "euler")     # predict's map is the Euler map
    assert res.config["model"]["phi"] == "erf"
    assert np.max(np.abs(np.array(res["exponents_per_tau"]) - lam[:len(res["exponents_per_tau"])])) <= 2 * ln_cond / 100.0
