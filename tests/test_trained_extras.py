"""Everything else on the trained W (issue 17, item 3): Lyapunov spectra on driven trajectories, the
trained/initial split and the DMFT of the random part.

Oracles:
- linear networks: the exponents of the Euler map x -> (1 - dt) x + dt (W x + c_t) are exactly
  ln|1 - dt + dt eig(W)|/dt (flow, per tau) and those of the vanilla map h -> A h + c_t are
  ln|eig(A)| (per step), whatever the input c_t (it does not enter the tangent dynamics); the QR
  estimate over a window T differs by at most 2 ln cond(V)/T (V the eigenvectors; the allowance of
  tests/test_lyapunov_phi.py);
- sum rule: the sum of all N exponents of a map is the time average of ln|det D_t| along the same kind
  of trajectory (Oseledets); for the leaky tanh map driven by pulses it is compared with an independent
  long-trajectory average, allowance from both standard errors;
- a planted split W = W0 + s u v^T: the trained part's singular values are (s, 0, ...), rank 1;
- the gain estimate's standard error g/sqrt(2(N^2 - 1)) checked over 300 seeded matrices;
- the DMFT of a random part below the transition: Delta0 = 0 and lambda_max = g - 1 (tanh,
  linearisation at 0, closed form).
"""
import math

import numpy as np
import pytest

from recnet import registry
from recnet.checks import ParameterError
from recnet.numerics.trained import initial_split as IS
from recnet.numerics.trained import task_lyapunov as TL

S = registry.get_subject("trained-rnn")


def _net(W, B=None, b=None, phi="linear", dynamics="continuous", alpha=1.0, extras=None):
    n = W.shape[0]
    b = np.zeros(n) if b is None else b
    return {"W": W, "B": B, "b": b, "u": None if B is None else np.zeros(B.shape[1]), "c": b.copy(), "phi": phi,
            "dynamics": dynamics, "alpha": alpha, "extras": extras or {}}


def _eig_cond(A):
    ev, V = np.linalg.eig(A)
    return ev, math.log(np.linalg.cond(V))


@pytest.mark.parametrize("drive", ["constant", "task"])
def test_linear_flow_spectrum_is_the_euler_maps_eigenvalues(drive):
    rng = np.random.default_rng(5)
    n = 10
    W = 0.7 * rng.standard_normal((n, n)) / math.sqrt(n)
    B = rng.standard_normal((n, 2))
    r = TL.task_spectrum(_net(W, B, b=rng.standard_normal(n)), n, drive=drive, seed=2)
    dt = r["dt"]
    ev, lc = _eig_cond(W)
    exact = np.sort(np.log(np.abs(1 - dt + dt * ev)) / dt)[::-1]
    assert r["unit"] == "1/tau" and r["drive"] == drive
    assert np.max(np.abs(np.asarray(r["exponents"]) - exact)) <= 2 * lc / r["t_sim_tau"]


def test_linear_vanilla_map_spectrum_is_ln_abs_eigenvalues():
    rng = np.random.default_rng(6)
    n = 8
    A = 0.9 * rng.standard_normal((n, n)) / math.sqrt(n)
    r = TL.task_spectrum(_net(A, rng.standard_normal((n, 3)), dynamics="vanilla"), n, drive="task", seed=1)
    ev, lc = _eig_cond(A)
    assert r["unit"] == "per step" and r["dt"] == 1.0
    assert np.max(np.abs(np.asarray(r["exponents"]) - np.sort(np.log(np.abs(ev)))[::-1])) <= 2 * lc / r["n_steps"]


def test_sum_rule_of_the_driven_leaky_tanh_map():
    """sum of all exponents = < ln|det D_t| >, D_t = (1-a) I + a W diag(1 - tanh^2 x_t)."""
    from recnet.numerics.trained import flipflop
    rng = np.random.default_rng(7)
    n, a = 20, 0.3
    W = 1.8 * rng.standard_normal((n, n)) / math.sqrt(n)
    B = rng.standard_normal((n, 2))
    net = _net(W, B, phi="tanh", dynamics="leaky", alpha=a)
    r = TL.task_spectrum(net, n, drive="task", seed=3)
    # independent trajectory with independent pulses, 20 blocks of 2000 steps: mean and stderr of ln|det D|
    u, _ = flipflop.flipflop_batch(1, 40500, n_bits=2, seed=99)
    x = rng.standard_normal(n)
    vals = []
    for t in range(40500):
        d = 1 - np.tanh(x) ** 2
        if t >= 500:
            vals.append(np.linalg.slogdet((1 - a) * np.eye(n) + a * W * d[None, :])[1])
        x = (1 - a) * x + a * (W @ np.tanh(x) + B @ u[0, t])
    blocks = np.asarray(vals).reshape(20, -1).mean(axis=1)
    assert blocks.size == 20 and len(vals) // 20 == TL.MAP_STEPS
    mean, sd_block = blocks.mean(), blocks.std(ddof=1)
    # the QR sum is the average of ln|det D_t| over its own MAP_STEPS-step window: its s.d. is that of one
    # block; the reference mean has s.d. sd_block/sqrt(20); 4 combined standard deviations
    allow = 4 * sd_block * math.sqrt(1 + 1 / 20)
    assert abs(r["sum_exponents"] - mean) <= allow
    assert allow < 0.05 * abs(mean)          # the check is informative: the allowance is a few % of the sum
    assert r["exponents"][0] > r["exponents"][-1]


def test_planted_split_and_gain():
    rng = np.random.default_rng(8)
    n, g, s = 200, 1.5, 3.0
    W0 = g * rng.standard_normal((n, n)) / math.sqrt(n)
    u, v = rng.standard_normal(n), rng.standard_normal(n)
    u /= np.linalg.norm(u)
    v /= np.linalg.norm(v)
    out = IS.split(W0 + s * np.outer(u, v), W0)
    tp, rp = out["trained_part"], out["random_part"]
    assert abs(tp["singular_values"][0] - s) <= 1e-12 and np.all(np.asarray(tp["singular_values"][1:]) <= 1e-12)
    assert abs(tp["effective_rank_participation"] - 1.0) <= 1e-12 and tp["rank_90_percent_frobenius"] == 1
    assert abs(rp["g_estimate"] - g) <= 4 * rp["g_stderr"]
    assert rp["dmft"]["chaotic"] and rp["dmft"]["delta0"] > 0      # g = 1.5 > g_c = 1 for tanh


def test_gain_stderr_is_calibrated():
    rng = np.random.default_rng(9)
    n, g = 30, 0.8
    z = []
    for _ in range(300):
        gh, se, _ = IS.gain_estimate(g * rng.standard_normal((n, n)) / math.sqrt(n))
        z.append((gh - g) / se)
    z = np.asarray(z)
    # mean 0 and s.d. 1 of 300 z-scores: |mean| <= 4/sqrt(300), s.d. within 4 sqrt(1/(2*299)) of 1
    assert abs(z.mean()) <= 4 / math.sqrt(300) and abs(z.std(ddof=1) - 1) <= 4 / math.sqrt(2 * 299)


def test_dmft_of_a_quiet_random_part():
    rng = np.random.default_rng(10)
    n, g = 100, 0.8
    Z = rng.standard_normal((n, n))
    W0 = g * (Z - Z.mean()) / (Z.std(ddof=1) * math.sqrt(n))       # sample variance exactly g^2/N
    rp = IS.split(W0, W0)["random_part"]
    assert abs(rp["g_estimate"] - g) <= 1e-12
    dm = rp["dmft"]
    assert not dm["chaotic"] and dm["delta0"] == 0.0
    assert abs(dm["lambda_max_per_tau"] - (g - 1)) <= 1e-3       # the DMFT solver's dtau^2 grid error


def test_subject_keys_and_refusals():
    r = S.predict(n_init=16, lyapunov=3, initial_weights="flipflop3-tanh64-init.npz")
    v = r.values
    assert len(v["lyapunov"]["exponents"]) == 3 and v["lyapunov"]["drive"] == "task"
    assert v["initial_split"]["random_part"]["g_estimate"] == pytest.approx(0.9, abs=4 * 0.9 / math.sqrt(2 * 4095))
    assert r.config["initial_weights_w0"]["shape"] == [64, 64]
    for kw, name in (({"drive": "constant"}, "drive"), ({"lyapunov": 65}, "lyapunov"),
                     ({"initial_weights": "ring100-tanh.npz"}, "initial_weights"),
                     ({"lyapunov": 2, "phi": "tanh(x) + 0.1*x"}, "lyapunov")):
        with pytest.raises(ParameterError) as e:
            S.predict(n_init=4, **kw)
        assert e.value.name == name


def test_same_seed_same_json_and_cdm_task_drive():
    import json
    a = S.predict(n_init=8, lyapunov=2, seed=4).to_dict()
    b = S.predict(n_init=8, lyapunov=2, seed=4).to_dict()
    for d in (a, b):
        d.pop("timing", None)
    assert json.dumps(a, sort_keys=True, default=str) == json.dumps(b, sort_keys=True, default=str)
    r = S.predict(weights="cdm-rank1-n512.npz", n_init=2, lyapunov=2, seed=1).values["lyapunov"]
    assert r["drive"] == "task" and "context-dependent" in r["drive_description"]
    assert len(r["exponents"]) == 2 and r["exponents"][0] >= r["exponents"][1]


@pytest.mark.parametrize("name", ["model", "weights", "initial_weights"])
def test_file_names_too_long_for_the_file_system_are_refused(name):
    """Found by the large fuzz: a 300-character name raised OSError (ENAMETOOLONG) from Path.is_file."""
    value = "x" * 300 + ("" if name == "model" else ".npz")
    with pytest.raises(ParameterError) as e:
        S.predict(n_init=4, **{name: value})
    assert e.value.name == name
