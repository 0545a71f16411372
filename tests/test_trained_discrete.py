"""Discrete-time RNNs in trained-rnn (issue 17, item 1): the leaky map x -> (1-a) x + a (W phi(x) + c)
and the vanilla map h -> phi(W h + c) (torch nn.RNN), and the nn.RNN state-dict loader.

Oracles:
- 1-D maps with fixed points and multipliers in closed form (linear map: h* = c/(1 - w), mu = w;
  h -> tanh(2h): 0 with mu = 2 and +-a, a = tanh(2a) solved by scipy brentq, mu = 2(1 - a^2));
- a linear N-D map: h* = (I - A)^{-1} c by LAPACK, multipliers = eig(A); an eigenvalue 1 gives a line
  of fixed points (marginal, n_zero = 1);
- conjugacy: x* = W h* + c maps the vanilla map's fixed points one-to-one onto the flow's, and
  diag(phi'(x*)) W and W diag(phi'(x*)) share their eigenvalues, so mu = 1 + lambda (flow found
  independently by the continuous-time finder); the leaky map has the flow's points with mu = 1 + a lambda;
- torch (when installed): nn.RNN's own forward pass from each fixed point, and torch.autograd's Jacobian.
"""
import math
import sys

import numpy as np
import pytest
from scipy.optimize import brentq

from recnet import registry
from recnet.checks import ParameterError
from recnet.models import torch_rnn
from recnet.numerics.trained import fixed_points as FP

S = registry.get_subject("trained-rnn")


def _fp(W, c, phi, X0, dyn, alpha=1.0, **kw):
    return FP.find_fixed_points(np.atleast_2d(W), np.atleast_1d(c), phi, X0=np.asarray(X0, float), dynamics=dyn,
                                alpha=alpha, **kw)


@pytest.mark.parametrize("w,c", [(0.5, 1.0), (3.0, 1.0), (-0.8, 0.3)])
def test_linear_1d_vanilla_map(w, c):
    r = _fp([[w]], [c], "linear", [[0.0], [5.0]], "vanilla")
    (p,) = r["fixed_points"]
    assert abs(p["x"][0] - c / (1 - w)) <= 1e-12 * max(1.0, abs(c / (1 - w)))
    assert abs(p["eigenvalues"][0] - w) <= 1e-12
    assert p["stability"] == ("stable" if abs(w) < 1 else "unstable")


def test_tanh_1d_vanilla_map_three_fixed_points():
    a = brentq(lambda h: math.tanh(2 * h) - h, 0.5, 1.0, xtol=1e-15)
    r = _fp([[2.0]], [0.0], "tanh", [[-0.9], [-0.05], [0.0], [0.05], [0.9]], "vanilla")
    pts = sorted(r["fixed_points"], key=lambda p: p["x"][0])
    assert [p["stability"] for p in pts] == ["stable", "unstable", "stable"]
    for p, x, mu in zip(pts, (-a, 0.0, a), (2 * (1 - a * a), 2.0, 2 * (1 - a * a))):
        assert abs(p["x"][0] - x) <= 1e-12
        assert abs(p["eigenvalues"][0].real - mu) <= 1e-12 and p["eigenvalues"][0].imag == 0


def test_linear_map_fixed_point_multipliers_and_line_attractor():
    rng = np.random.default_rng(4)
    n = 8
    A = 0.7 * rng.standard_normal((n, n)) / math.sqrt(n)
    c = rng.standard_normal(n)
    r = _fp(A, c, "linear", rng.standard_normal((4, n)), "vanilla")
    (p,) = r["fixed_points"]
    np.testing.assert_allclose(p["x"], np.linalg.solve(np.eye(n) - A, c), rtol=0, atol=1e-12)
    ev = np.linalg.eigvals(A)
    np.testing.assert_allclose(np.sort_complex(p["eigenvalues"]), np.sort_complex(ev), atol=1e-12)
    assert p["stability"] == ("stable" if np.max(np.abs(ev)) < 1 else "unstable")
    # A = diag(1, 0.5), c = (0, 1): the line (t, 2) is fixed, one multiplier is exactly 1
    r = _fp(np.diag([1.0, 0.5]), [0.0, 1.0], "linear", [[0.3, 0.0], [-1.0, 5.0]], "vanilla", dedup_tol=1e-6)
    assert len(r["fixed_points"]) == 2
    for p in r["fixed_points"]:
        # Newton cannot polish along a singular J: |F| <= FP_TOL, and F_2 = 1 - x_2/2 bounds the error
        assert abs(p["x"][1] - 2.0) <= 2 * p["norm_F"] + 1e-15 and p["norm_F"] <= FP.FP_TOL
        assert p["stability"] == "marginal" and p["n_zero"] == 1 and p["n_unstable"] == 0


def _flipflop():
    from recnet.subjects.trained import _DATA
    z = np.load(_DATA / "flipflop3-tanh64.npz")
    return z["W"], z["b"], float(z["alpha"])


def _match(xs, ys, tol):
    """Each row of xs has one row of ys within tol and vice versa."""
    d = np.linalg.norm(np.asarray(xs)[:, None, :] - np.asarray(ys)[None, :, :], axis=2)
    return bool(np.all(d.min(axis=1) <= tol) and np.all(d.min(axis=0) <= tol) and len(xs) == len(ys))


def test_leaky_map_has_the_flows_points_with_multipliers_one_plus_alpha_lambda():
    W, b, alpha = _flipflop()
    flow = FP.find_fixed_points(W, b, "tanh", n_init=64, seed=1)
    X0 = np.array([p["x"] for p in flow["fixed_points"]]) + 1e-3
    leak = FP.find_fixed_points(W, b, "tanh", X0=X0, dynamics="leaky", alpha=alpha)
    assert len(flow["fixed_points"]) >= 9
    assert _match([p["x"] for p in flow["fixed_points"]], [p["x"] for p in leak["fixed_points"]], 1e-10)
    for p in leak["fixed_points"]:
        q = min(flow["fixed_points"], key=lambda f: np.linalg.norm(f["x"] - p["x"]))
        np.testing.assert_allclose(np.sort_complex(p["eigenvalues"]), np.sort_complex(1 + alpha * q["eigenvalues"]),
                                   atol=1e-10)
        assert p["stability"] == q["stability"] and p["n_unstable"] == q["n_unstable"]
        assert p["norm_F"] <= FP.FP_TOL


def test_vanilla_map_is_conjugate_to_the_flow():
    W, b, _ = _flipflop()
    van = FP.find_fixed_points(W, b, "tanh", n_init=96, seed=2, dynamics="vanilla")
    flow = FP.find_fixed_points(W, b, "tanh", n_init=96, seed=2)
    assert len(van["fixed_points"]) >= 9
    for p in van["fixed_points"]:
        x = W @ p["x"] + b                                    # the pre-activation of h*
        assert np.max(np.abs(-x + W @ np.tanh(x) + b)) <= 1e-9   # a fixed point of the flow
        lam = np.linalg.eigvals(W * (1 - np.tanh(x) ** 2)[None, :] - np.eye(len(x)))
        np.testing.assert_allclose(np.sort_complex(p["eigenvalues"]), np.sort_complex(1 + lam), atol=1e-9)
        assert p["stability"] == FP.classify(1 + lam, 1e-6, discrete=True)
    # the points found by each finder are the same set under x = W h + b
    xs = [W @ p["x"] + b for p in van["fixed_points"]]
    found = [f["x"] for f in flow["fixed_points"]]
    both = [x for x in xs if min(np.linalg.norm(x - f) for f in found) <= 1e-8]
    assert len(both) >= min(len(xs), len(found)) - 2     # different starts may miss a saddle or two


def test_subject_discrete_options(tmp_path):
    r = S.predict(time="discrete", n_init=32)
    assert r.values["dynamics"] == "leaky" and r.values["alpha"] == 0.2         # the file's alpha
    assert r.values["counts"]["stable"] == 8
    assert "multipliers" in r.values["eigenvalue_unit"]
    for kw, name in (({"update": "vanilla"}, "update"), ({"alpha": 0.5}, "alpha"),
                     ({"time": "discrete", "update": "vanilla", "alpha": 0.5}, "alpha"), ({"time": "hourly"}, "time")):
        with pytest.raises(ParameterError) as e:
            S.predict(n_init=4, **kw)
        assert e.value.name == name
    v = S.validate(quick=True, time="discrete", seed=3)
    assert v.agree
    exact = [c for c in v.comparisons if c.kind == "exact"]
    assert sum(c.simulated == "returns" for c in exact) == 8 and len(exact) > 8   # 8 memories and saddles


# ----------------------------------------------------------------------------- the torch loader
def test_rnn_arrays_without_torch():
    rng = np.random.default_rng(0)
    sd = {"rnn.weight_hh_l0": rng.standard_normal((5, 5)), "rnn.weight_ih_l0": rng.standard_normal((5, 2)),
          "rnn.bias_hh_l0": rng.standard_normal(5), "rnn.bias_ih_l0": rng.standard_normal(5),
          "fc.weight": rng.standard_normal((1, 5))}
    W, B, b = torch_rnn.rnn_arrays(sd)
    assert W is sd["rnn.weight_hh_l0"] or np.array_equal(W, sd["rnn.weight_hh_l0"])
    np.testing.assert_array_equal(B, sd["rnn.weight_ih_l0"])
    np.testing.assert_array_equal(b, sd["rnn.bias_hh_l0"] + sd["rnn.bias_ih_l0"])
    for bad in ({"weight_hh_l0": np.eye(3), "weight_hh_l1": np.eye(3)}, {"weight_hh_l0_reverse": np.eye(3),
                "weight_hh_l0": np.eye(3)}, {"fc.weight": np.eye(3)}, {"weight_hh_l0": np.ones((2, 3))}):
        with pytest.raises(ParameterError) as e:
            torch_rnn.rnn_arrays(bad)
        assert e.value.name == "weights"


def test_pt_file_without_torch_names_the_extra(tmp_path, monkeypatch):
    f = tmp_path / "m.pt"
    f.write_bytes(b"not really")
    monkeypatch.setitem(sys.modules, "torch", None)          # import torch raises ImportError
    with pytest.raises(ParameterError) as e:
        S.predict(weights=str(f), n_init=4)
    assert e.value.name == "weights" and "recnet[torch]" in str(e.value)


def _torch_rnn(tmp_path, nonlinearity):
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    rnn = torch.nn.RNN(3, 24, nonlinearity=nonlinearity, batch_first=True).double()
    with torch.no_grad():
        rnn.weight_hh_l0.mul_(6.0 if nonlinearity == "tanh" else 1.5)  # several fixed points (tanh)
    f = tmp_path / "rnn.pt"
    torch.save(rnn.state_dict(), f)
    return torch, rnn, f


@pytest.mark.parametrize("nonlinearity", ["tanh", "relu"])
def test_torch_forward_pass_stays_at_the_fixed_points(tmp_path, nonlinearity):
    torch, rnn, f = _torch_rnn(tmp_path, nonlinearity)
    r = S.predict(weights=str(f), phi=nonlinearity, input="0.2,-0.1,0.3", n_init=48, seed=1)
    assert r.values["dynamics"] == "vanilla" and r.values["fixed_points"]
    u = torch.tensor([[0.2, -0.1, 0.3]], dtype=torch.float64)
    W = rnn.weight_hh_l0.detach().numpy()
    for p in r.values["fixed_points"]:
        h = np.asarray(p["x"])
        with torch.no_grad():
            _, h1 = rnn(u[:, None, :], torch.tensor(h)[None, None, :])
        # one step of torch's own forward pass: |G(h*) - h*| = |F(h*)| <= 1e-10, plus float64 rounding
        # of one tanh(W h + B u + b) (4 eps (|W| |h| sqrt N + |h|))
        rnd = 4 * np.finfo(float).eps * (np.linalg.norm(W, 2) * np.linalg.norm(h) * math.sqrt(len(h)) + np.linalg.norm(h))
        assert np.linalg.norm(h1.numpy().ravel() - h) <= p["norm_f"] + rnd + 1e-15
        # torch.autograd's Jacobian of the cell map has recnet's multipliers
        cell = lambda hh: rnn(u[:, None, :], hh[None, None, :])[1].reshape(-1)  # noqa: E731
        D = torch.autograd.functional.jacobian(cell, torch.tensor(h)).numpy()
        mu = np.array([complex(a, b) for a, b in p["eigenvalues"]])
        np.testing.assert_allclose(np.sort_complex(np.linalg.eigvals(D)), np.sort_complex(mu), atol=1e-10)
        if p["stability"] == "stable":   # 200 steps of torch stay: |e_T| <= M T (|F| + rnd), M = max_k |D^k|
            with torch.no_grad():
                _, hT = rnn(u[:, None, :].repeat(1, 200, 1), torch.tensor(h)[None, None, :])
            P, M = np.eye(len(h)), 1.0
            for _ in range(200):
                P = D @ P
                M = max(M, np.linalg.norm(P, 2))
            assert np.linalg.norm(hT.numpy().ravel() - h) <= M * 200 * (p["norm_f"] + rnd) + 1e-14
    with pytest.raises(ParameterError) as e:
        S.predict(weights=str(f), time="continuous", n_init=4)
    assert e.value.name == "time"


def test_vanilla_map_validation_returns_and_leaves():
    """h -> tanh(2h): 0 (mu = 2) is left, +-a (mu = 2(1 - a^2)) are returned to; the map iterated from
    x* + delta0 equals D^T delta0 within the derived allowance."""
    from recnet.validation.trained import perturbation_check_map
    r = _fp([[2.0]], [0.0], "tanh", [[-0.9], [0.0], [0.9]], "vanilla")
    assert [p["stability"] for p in r["fixed_points"]] == ["stable", "stable", "unstable"]
    for p in r["fixed_points"]:
        v = perturbation_check_map(np.array([[2.0]]), np.zeros(1), "tanh", p, "vanilla", eps=1e-6, seed=1)
        assert v["agree"], v
        assert v["simulated"] == ("leaves" if p["stability"] == "unstable" else "returns")
        assert v["allowance"] < 0.5 * v["norm_delta_lin_T"]        # the comparison can fail (a wrong D would)
