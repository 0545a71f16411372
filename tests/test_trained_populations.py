"""Low-rank context-dependent network, loadings, Gaussian-mixture populations and the resampling test
(issue 17, item 3; Dubreuil et al. 2022, Nat Neurosci 25:783).

Oracles: the dense BPTT of ``flipflop`` (an independent implementation) projected by the chain rule
and central finite differences for the low-rank gradient; moments of large draws against the mixture
parameters (tolerances from the sampling error); a mixture with well-separated known components for
the fit; the published qualitative finding for the resampling test, judged by a rule on the resample
statistics.
"""
from __future__ import annotations

import math
from importlib.resources import files

import numpy as np
import pytest

from recnet.checks import ParameterError
from recnet.numerics.trained import cdm
from recnet.numerics.trained.flipflop import _loss_and_grad

sklearn = pytest.importorskip("sklearn", reason="population fits need scikit-learn (recnet[populations])")
from recnet.numerics.trained import populations as POP  # noqa: E402

SHIPPED = files("recnet.models") / "data" / "cdm-rank1-n512.npz"


def _random_params(N=24, R=2, K=4, seed=1):
    rng = np.random.default_rng(seed)
    return {"m": rng.standard_normal((N, R)), "n": rng.standard_normal((N, R)), "B": rng.standard_normal((N, K)),
            "w": rng.standard_normal(N)}


def test_lowrank_gradient_equals_dense_bptt_projected():
    """With the mask on every step the low-rank loss is the dense one with W = m n^T/N, C = w^T/N, and
    dL/dm = (dL/dW) n / N, dL/dn = (dL/dW)^T m / N, dL/dw = N^-1 (dL/dC)^T by the chain rule."""
    p = _random_params()
    N = p["m"].shape[0]
    u, y, mask, _ = cdm.cdm_batch(6, seed=2, n_fix=2, n_stim=6, n_delay=2, n_dec=3)
    full = np.ones_like(mask)
    L, g = cdm.loss_and_grad(p, u, y, full, 0.2)
    Ld, gd = _loss_and_grad(cdm.dense_params(p), u, y, 0.2)
    assert L == pytest.approx(Ld, rel=1e-12)
    np.testing.assert_allclose(g["m"], gd["W"] @ p["n"] / N, rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(g["n"], gd["W"].T @ p["m"] / N, rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(g["B"], gd["B"], rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(g["w"], gd["C"][0] / N, rtol=1e-10, atol=1e-14)


def test_lowrank_gradient_with_mask_against_finite_differences():
    p = _random_params(seed=4)
    u, y, mask, _ = cdm.cdm_batch(5, seed=3, n_fix=2, n_stim=5, n_delay=2, n_dec=3)
    _, g = cdm.loss_and_grad(p, u, y, mask, 0.2)
    h = 1e-6
    for k in p:
        for idx in [(0,) * p[k].ndim, tuple(s - 1 for s in p[k].shape)]:
            q = {kk: v.copy() for kk, v in p.items()}
            q[k][idx] += h
            Lp, _ = cdm.loss_and_grad(q, u, y, mask, 0.2)
            q[k][idx] -= 2 * h
            Lm, _ = cdm.loss_and_grad(q, u, y, mask, 0.2)
            # central difference error O(h^2 |L'''|) + rounding O(eps |L| / h)
            assert (Lp - Lm) / (2 * h) == pytest.approx(g[k][idx], abs=1e-8, rel=1e-5)


def test_decision_output_equals_full_forward_pass():
    p = _random_params(seed=5)
    u, _, mask, _ = cdm.cdm_batch(7, seed=6, n_fix=2, n_stim=5, n_delay=2, n_dec=3)
    *_, z = cdm.run_lowrank(p, u, 0.2)
    np.testing.assert_allclose(cdm.decision_output(p, u, 0.2, mask), z[:, mask].mean(axis=1), rtol=1e-12)


def test_cdm_batch_targets_follow_the_context():
    u, y, mask, lab = cdm.cdm_batch(200, seed=0)
    ctx = lab["context"]
    assert np.all(u[np.arange(200), :, 2 + ctx] == 1.0) and np.all(u[np.arange(200), :, 3 - ctx] == 0.0)
    want = np.where(ctx == 0, np.sign(lab["mean_a"]), np.sign(lab["mean_b"]))
    assert np.all(y[:, mask, 0] == want[:, None]) and np.all(y[:, ~mask] == 0)
    with pytest.raises(ParameterError):
        cdm.cdm_batch(4, coherences=[0.1, -0.2])


def test_loadings_round_trip_and_bad_input():
    p = _random_params(N=10, R=2, K=3)
    L, names = POP.loadings(p)
    assert L.shape == (10, 2 * 2 + 3 + 1) and names == ["m1", "m2", "n1", "n2", "I1", "I2", "I3", "w"]
    q = POP.params_from_loadings(L, 2, 3)
    for k in p:
        np.testing.assert_array_equal(q[k], p[k])
    with pytest.raises(ParameterError):
        POP.loadings({"m": p["m"], "n": p["n"][:5], "B": p["B"], "w": p["w"]})
    with pytest.raises(ParameterError):
        POP.loadings({"m": p["m"]})
    with pytest.raises(ParameterError):
        POP.fit_populations(L, n_populations=0)


def test_sample_loadings_moments():
    """Draws from a known 2-population mixture: fraction per population within 4 binomial s.d., each
    population's mean within 4 standard errors, covariance entries within 4 of their standard errors
    (Var of a sample covariance ~ (S_ii S_jj + S_ij^2)/n for Gaussians)."""
    w = np.array([0.3, 0.7])
    mu = np.array([[2.0, -1.0, 0.0], [-1.0, 0.5, 1.0]])
    S = np.array([[[1.0, 0.5, 0.0], [0.5, 2.0, -0.3], [0.0, -0.3, 0.5]], np.diag([0.2, 1.0, 3.0])])
    n = 40000
    L, lab = POP.sample_loadings(w, mu, S, n, seed=7)
    for p in range(2):
        X = L[lab == p]
        k = X.shape[0]
        assert abs(k / n - w[p]) <= 4 * math.sqrt(w[p] * (1 - w[p]) / n)
        assert np.all(np.abs(X.mean(0) - mu[p]) <= 4 * np.sqrt(np.diag(S[p]) / k))
        se = np.sqrt((np.outer(np.diag(S[p]), np.diag(S[p])) + S[p] ** 2) / k)
        assert np.all(np.abs(np.cov(X.T) - S[p]) <= 4 * se)
    with pytest.raises(ParameterError):
        POP.sample_loadings([0.5, 0.6], mu, S, 10)


def test_fit_recovers_separated_populations_by_bic():
    w = np.array([0.4, 0.6])
    mu = np.array([[4.0, 0.0, 0.0, 0.0], [-4.0, 1.0, 0.0, 0.0]])
    S = np.stack([np.eye(4), 0.5 * np.eye(4)])
    L, lab = POP.sample_loadings(w, mu, S, 2000, seed=1)
    fit = POP.fit_populations(L, max_populations=4, seed=0)
    assert fit["n_populations"] == 2 and fit["chosen_by"] == "bic"
    order = np.argsort(-fit["means"][:, 0])
    # separation 8 s.d.: the posterior labels match the true ones up to a permutation
    assert np.mean(fit["labels"] == order[lab]) > 0.999
    np.testing.assert_allclose(fit["weights"][order], w, atol=4 * math.sqrt(0.24 / 2000))
    np.testing.assert_allclose(fit["means"][order], mu, atol=4 * math.sqrt(1.0 / 800))


@pytest.mark.slow
def test_resampling_test_reproduces_dubreuil2022_finding():
    """Dubreuil et al. 2022 (Fig. 4): a network resampled from the fitted populations performs the
    context-dependent task, one resampled from a single Gaussian cannot gate by context.  Performance =
    accuracy on the incongruent trials (the stimuli point opposite ways), where context-blind integration
    fails.  Rule, from the resample statistics (10 draws each, sem = s.d./sqrt(10)): the fitted-mixture
    mean exceeds the one-population mean by more than 3 combined standard errors, and it recovers more
    than half of the original's advantage over the one-population networks."""
    with np.load(SHIPPED) as z:
        p = {k: np.array(z[k]) for k in ("m", "n", "B", "w")}
        alpha = float(z["alpha"])
    u, _, mask, lab = cdm.cdm_batch(400, seed=2024)

    def perf(q):
        return cdm.cdm_accuracy(q, alpha, u, lab, mask)["accuracy_incongruent"]

    r = POP.resampling_test(p, perf, n_resamples=10, seed=0)
    f, o = r["fitted"], r["one_population"]
    print(f"original {r['original']:.3f}; fitted ({f['n_populations']} populations) {f['mean']:.3f} +- "
          f"{f['sem']:.3f}; one population {o['mean']:.3f} +- {o['sem']:.3f}")
    assert f["n_populations"] > 1
    assert f["mean"] - o["mean"] > 3 * math.hypot(f["sem"], o["sem"])
    assert (f["mean"] - o["mean"]) > 0.5 * (r["original"] - o["mean"])


def test_subject_populations_block_and_refusals():
    from recnet.registry import get_subject
    s = get_subject("trained-rnn")
    r = s.predict(weights="cdm-rank1-n512.npz", n_init=8, populations=2, resample=2, seed=1)
    p = r.values["populations"]
    assert p["n_populations"] == 2 and p["chosen_by"] == "given" and sum(p["units_per_population"]) == 512
    assert np.isclose(np.sum(p["weights"]), 1.0) and np.shape(p["covariances"]) == (2, 7, 7)
    rs = p["resampling"]
    assert len(rs["fitted"]["performance"]) == 2 and 0.0 <= rs["one_population"]["mean"] <= 1.0
    # the original network's accuracy from the subject equals the direct measure on the same trials
    with np.load(SHIPPED) as z:
        q = {k: np.array(z[k]) for k in ("m", "n", "B", "w")}
        alpha = float(z["alpha"])
    u, _, mask, lab = cdm.cdm_batch(400, seed=1)
    assert rs["original"] == cdm.cdm_accuracy(q, alpha, u, lab, mask)["accuracy"]
    for kw, name in (({"populations": 2}, "populations"), ({"resample": 3}, "resample"),
                     ({"weights": "cdm-rank1-n512.npz", "populations": 0, "resample": 1}, "resample")):
        with pytest.raises(ParameterError) as e:
            s.predict(n_init=4, **kw)
        assert e.value.name == name
