"""Low-rank loadings from a Gaussian mixture in the rate-network model ([[lowrank.population]]),
through `predict lowrank` and `validate lowrank` (issue 16, item 5).

Oracles: for zero-mean rank-one loadings the latent fixed points solve the scalar equation
kappa = kappa sum_p alpha_p sigma^p_nm <phi'(sigma^p_m kappa z)> (Beiran et al. 2021, eq. 2.13),
solved here with scipy quad + brentq; the eigenvalue at kappa = 0 is -1 + sum_p alpha_p sigma^p_nm
phi'(0) (closed form); the slope of the scalar flow at +-kappa* by central differences of the
quad-based flow; validation against simulations with errors from their spread.
"""
from __future__ import annotations

import math
import textwrap

import numpy as np
import pytest
from scipy.integrate import quad
from scipy.optimize import brentq

from recnet.checks import ParameterError
from recnet.models.rate_network import from_dict
from recnet.registry import get_subject

POPS = [("A", 0.5, [[1.0, 2.4], [2.4, 9.0]]), ("B", 0.5, [[1.0, 0.4], [0.4, 1.0]])]


def _toml(path, pops=POPS, rank=1, extra=""):
    body = [f'model = "rate-network"\nname = "mix"\nphi = "tanh"\nn = 2000\ng = 0.0\n{extra}\n[lowrank]\nrank = {rank}']
    for name, fr, cov in pops:
        body.append(f'[[lowrank.population]]\nname = "{name}"\nfraction = {fr}\nmean = {[0.0] * 2 * rank}\ncov = {cov}')
    path.write_text("\n".join(body) + "\n")
    return str(path)


def _flow(kappa):
    """F(kappa) of the zero-mean rank-one mixture by adaptive quadrature (independent of recnet)."""
    tot = 0.0
    for _, alpha, cov in POPS:
        sm, snm = math.sqrt(cov[0][0]), cov[0][1]
        d = quad(lambda z: (1 - math.tanh(sm * kappa * z) ** 2) * math.exp(-z * z / 2) / math.sqrt(2 * math.pi),
                 -np.inf, np.inf, epsabs=1e-14, epsrel=1e-13)[0]
        tot += alpha * snm * d
    return -kappa + tot * kappa


def test_schema_round_trip_and_named_errors():
    d = {"model": "rate-network", "n": 100, "lowrank": {"rank": 1, "population": [
        {"name": "A", "fraction": 0.3, "mean": [0, 1], "std": [1, 2]},
        {"name": "B", "fraction": 0.7, "cov": [[1, 0.5], [0.5, 1]]}]}}
    m = from_dict(d)
    assert m.mixture and list(m.mixture_sizes()) == [30, 70]
    assert from_dict(m.to_dict()).to_dict() == m.to_dict()
    W1, W2 = m.coupling(seed=4), m.coupling(seed=4)
    assert np.array_equal(W1, W2) and np.linalg.matrix_rank(W1) == 1
    bad = [({"cov": [[1, 2], [2, 1]]}, "lowrank.population[1].cov"),
           ({"cov": [[1, 0], [0, 1]], "std": [1, 1]}, "lowrank.population[1].cov"),
           ({"fraction": 0.5, "cov": [[1, 0], [0, 1]]}, "lowrank.population.fraction"),
           ({"cov": [[1, 0], [0, 1]], "colour": 1}, "lowrank.population[1].colour")]
    for change, name in bad:
        p = {"name": "B", "fraction": 0.7, **change}
        dd = {"model": "rate-network", "n": 100, "lowrank": {"rank": 1, "population": [d["lowrank"]["population"][0], p]}}
        with pytest.raises(ParameterError) as e:
            from_dict(dd)
        assert e.value.name == name
    with pytest.raises(ParameterError) as e:
        from_dict({"model": "rate-network", "n": 100, "lowrank": {"rank": 0, "population": []}})
    assert e.value.name == "lowrank.rank"


def test_predict_fixed_points_against_quad_oracle(tmp_path):
    res = get_subject("lowrank").predict(model=_toml(tmp_path / "m.toml")).to_dict()
    pts = res["latent_fixed_points"]
    kstar = brentq(_flow, 0.05, 5.0, xtol=1e-14)
    got = sorted(p["kappa"][0] for p in pts)
    assert got == pytest.approx([-kstar, 0.0, kstar], abs=1e-8)
    zero = next(p for p in pts if p["kappa"][0] == 0.0)
    assert zero["eigenvalues"][0][0] == pytest.approx(-1 + 0.5 * 2.4 + 0.5 * 0.4, abs=1e-10)
    assert not zero["stable"]
    h = 1e-5
    slope = (_flow(kstar + h) - _flow(kstar - h)) / (2 * h)
    for p in pts:
        if p["kappa"][0] != 0.0:
            assert p["stable"] and p["eigenvalues"][0][0] == pytest.approx(slope, abs=1e-6)
    assert res["state"].startswith("2 stable of 3")
    assert res["config"]["m_mean"] is None and res["config"]["model"]["lowrank"]["rank"] == 1


def test_rank_one_statistics_options_are_refused(tmp_path):
    path = _toml(tmp_path / "m.toml")
    s = get_subject("lowrank")
    with pytest.raises(ParameterError) as e:
        s.predict(model=path, m_mean=3.0)
    assert e.value.name == "m_mean"
    with pytest.raises(ParameterError) as e:
        s.predict(model=path, bifurcations=True)
    assert e.value.name == "bifurcations"


def test_no_stable_state_is_said_and_validate_refuses(tmp_path):
    # rank two, rotation in the n-m overlaps: kappa = 0 is an unstable focus (-1 + 1.2 +- 2i) and
    # every orbit goes to a limit cycle
    cov = np.eye(4)
    cov[2, 0] = cov[0, 2] = 1.2
    cov[3, 1] = cov[1, 3] = 1.2
    cov[2, 1] = cov[1, 2] = 2.0
    cov[3, 0] = cov[0, 3] = -2.0
    cov[2, 2] = cov[3, 3] = 10.0
    assert np.linalg.eigvalsh(cov).min() > 0
    path = _toml(tmp_path / "r2.toml", pops=[("A", 1.0, cov.tolist())], rank=2)
    s = get_subject("lowrank")
    res = s.predict(model=path).to_dict()
    assert res["state"].startswith("no stable fixed point")
    zero = res["latent_fixed_points"][0]
    assert zero["kappa"] == [0.0, 0.0]
    assert sorted(e[1] for e in zero["eigenvalues"]) == pytest.approx([-2.0, 2.0], abs=1e-9)
    with pytest.raises(ParameterError) as e:
        s.validate(model=path, quick=True)
    assert e.value.name == "model" and "no stable fixed point" in str(e.value)


def test_validate_quick_agrees_and_records_what_ran(tmp_path):
    res = get_subject("lowrank").validate(model=_toml(tmp_path / "m.toml"), quick=True, seed=3)
    assert res.agree
    assert [c.quantity for c in res.comparisons] == ["kappa[1][0]", "kappa[2][0]"]
    assert res.config["sizes"] == [2000, 4000, 8000] and res.config["realisations"] == 4
    assert res.config["m_mean"] is None
