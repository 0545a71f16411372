"""Ring working-memory task, the shipped network trained on it, and the slow-manifold description.

Oracles: the task's definition (targets), a constructed set of points with known geometry and
linearisation, the flow on a circle (Poincare-Hopf: sinks and sources alternate) and direct
simulation (a saddle on the ring, pushed either way along its unstable direction, ends on the two
stable points next to it along the ring).
"""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from recnet.numerics.trained.manifold import slow_manifold
from recnet.numerics.trained.ring_memory import readout_angle_error, ring_batch

DATA = Path(__file__).resolve().parents[1] / "recnet" / "models" / "data"
RING = DATA / "ring-memory-tanh64.npz"


def test_ring_batch_targets_hold_the_last_pulse_angle():
    u, y = ring_batch(8, 200, p_pulse=0.03, pulse_len=4, seed=3)
    assert np.allclose(np.hypot(y[..., 0], y[..., 1]), 1.0)
    for b in range(8):
        cur = None
        for t in range(200):
            on = np.hypot(*u[b, t]) > 0
            starts = on and (t == 0 or not np.allclose(u[b, t], u[b, t - 1]) or
                             not np.hypot(*u[b, t - 1]) > 0)
            if starts:
                cur = u[b, t]
            assert np.allclose(y[b, t], cur)


def _point(x, lam, stability):
    return {"x": np.asarray(x, float), "eigenvalues": np.asarray(lam, complex), "stability": stability}


def _ring_points(angles, kinds, radius=2.0):
    pts = []
    for a, k in zip(angles, kinds):
        lam = [-0.01, -1.0, -1.5] if k == "stable" else [0.01, -1.0, -1.5]
        pts.append(_point([radius * math.cos(a), radius * math.sin(a), 0.3], lam, k))
    return pts


def test_slow_manifold_of_constructed_ring_points():
    angles = np.linspace(0, 2 * math.pi, 8, endpoint=False) + 0.1
    kinds = ["stable", "saddle"] * 4
    off = _point([0.0, 0.0, 0.3], [0.5 + 0.2j, 0.5 - 0.2j, -1.0], "unstable")   # the ring's centre
    m = slow_manifold(_ring_points(angles, kinds) + [off])
    assert m["n_points"] == 8 and m["alternating"] is True
    assert m["max_gap_rad"] == pytest.approx(2 * math.pi / 8, rel=1e-9)
    assert {mm["index"] for mm in m["members"]} == set(range(8))
    # consecutive members are neighbours on the constructed ring (either direction)
    idx = [mm["index"] for mm in m["members"]]
    steps = {(idx[(k + 1) % 8] - idx[k]) % 8 for k in range(8)}
    assert steps in ({1}, {7})
    # two stable points next to each other: not alternating
    kinds2 = ["stable", "stable", "saddle", "saddle"] + ["stable", "saddle"] * 2
    assert slow_manifold(_ring_points(angles, kinds2))["alternating"] is False
    # a point whose slowest eigenvalue is only 2x slower than the next is not on a slow manifold
    assert slow_manifold([_point([1, 0, 0], [-0.5, -1.0, -2.0], "stable")])["n_points"] == 0


def test_slow_manifold_readout_angles():
    angles = np.array([0.3, 1.9, 3.5, 5.0])
    pts = _ring_points(angles, ["stable", "saddle"] * 2)
    C = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])   # identity readout of (x1, x2)
    m = slow_manifold(pts, phi=lambda x: x, readout=(C, np.zeros(2)))
    assert m["angle_source"] == "readout"
    assert np.allclose(m["angle_rad"], np.sort(np.angle(np.exp(1j * angles))), atol=1e-12)


@pytest.fixture(scope="module")
def ring_net():
    with np.load(RING) as z:
        return {k: np.array(z[k]) for k in z.files}


def test_shipped_ring_network_solves_the_task(ring_net):
    # chance level (a random decoded angle) is a mean |error| of pi/2
    err = readout_angle_error(ring_net, float(ring_net["alpha"]), seed=11)
    assert err < math.pi / 8


@pytest.mark.slow
def test_shipped_ring_network_has_a_ring_of_alternating_points_verified_by_simulation(ring_net):
    from recnet.registry import get_subject

    res = get_subject("trained-rnn").predict(weights=str(RING), n_init=512, seed=0, eigenvectors=True)
    v = res.to_dict()
    fps = v["fixed_points"]
    ring = [mm["index"] for mm in v["slow_manifold"]["members"] if mm["kind"] == "fixed"]
    kinds = [fps[i]["stability"] for i in ring]
    assert len(ring) >= 4 and v["slow_manifold"]["alternating"] is True
    assert kinds.count("stable") == kinds.count("saddle")
    # the ring covers every remembered angle: decoded angles leave no gap of half the circle
    C, d = ring_net["C"], ring_net["d"]
    full = slow_manifold([dict(p, eigenvalues=np.array([complex(*e) for e in p["eigenvalues"]])) for p in fps],
              readout=(C, d))
    assert full["max_gap_rad"] < math.pi
    W, B, b = ring_net["W"], ring_net["B"], ring_net["b"]

    def f(t, x):
        return -x + W @ np.tanh(x) + b

    stable_x = {i: np.asarray(fps[i]["x"]) for i in ring if fps[i]["stability"] == "stable"}
    for k, i in enumerate(ring):
        if fps[i]["stability"] != "saddle":
            continue
        vec = np.asarray(fps[i]["eigenvectors"], float)[:, 0, 0]   # real part of the unstable direction
        lam1 = fps[i]["eigenvalues"][0][0]
        neighbours = {ring[(k - 1) % len(ring)], ring[(k + 1) % len(ring)]}
        ends = set()
        for sgn in (1.0, -1.0):
            x0 = np.asarray(fps[i]["x"]) + sgn * 1e-3 * vec / np.linalg.norm(vec)
            sol = solve_ivp(f, (0, 40.0 / lam1), x0, rtol=1e-8, atol=1e-10)
            xe = sol.y[:, -1]
            dist = {j: np.linalg.norm(xe - xs) for j, xs in stable_x.items()}
            j = min(dist, key=dist.get)
            assert dist[j] < 1e-3 * max(1.0, np.linalg.norm(stable_x[j]))
            ends.add(j)
        assert ends == neighbours


def test_slow_manifold_of_a_map_uses_log_multipliers():
    # the same ring as a map with step 0.5: multipliers mu = 1 + 0.5 lambda
    angles = np.linspace(0, 2 * math.pi, 6, endpoint=False)
    pts = []
    for k, a in enumerate(angles):
        lam = np.array([-0.01, -1.0, -1.5]) if k % 2 == 0 else np.array([0.01, -1.0, -1.5])
        pts.append(_point([math.cos(a), math.sin(a), 0.0], 1 + 0.5 * lam, "stable" if k % 2 == 0 else "saddle"))
    m = slow_manifold(pts, is_map=True)
    assert m["n_points"] == 6 and m["alternating"] is True
    assert sorted(set(np.round(m["slowest_eigenvalue"], 12))) == [0.995, 1.005]
    # as flow eigenvalues the multipliers (all near 1, none slow relative to the others) are not a manifold
    assert slow_manifold(pts)["n_points"] == 0
