"""``recnet analyse ACTIVITY_FILE`` through the command line, on generated files with known answers."""
import json

import numpy as np
import pytest

from recnet.cli import main
from recnet.numerics import activity_stats as st
from recnet.validation import activity_oracles as orc

KEYS = {"dimension": {"participation_ratio", "participation_ratio_stderr", "participation_ratio_per_n",
                      "participation_ratio_per_n_stderr"},
        "criticality": {"covariance_dispersion", "covariance_dispersion_stderr", "spectral_radius",
                        "spectral_radius_stderr", "branching_ratio", "branching_ratio_stderr"}}


def _run(capsys, *argv):
    code = main(["analyse", *map(str, argv), "--json"])
    out = capsys.readouterr()
    assert code == 0, out.err
    return json.loads(out.out)


@pytest.fixture(scope="module")
def ou_rates():
    # linear network, R = 0.5 (bulk), sampled every 1 ms with tau = 1 ms; bins of 100 ms (100 tau)
    W = orc.random_connectivity(40, 0.5, seed=21)
    X = orc.simulate_linear_network(W, dt=1.0, n_bins=60000, seed=22)
    return W, X


def test_analyse_rates_npy_matches_estimators(tmp_path, capsys, ou_rates):
    W, X = ou_rates
    path = tmp_path / "rates.npy"
    np.save(path, X)
    d = _run(capsys, path, "--bin-ms", 100)
    for block, keys in KEYS.items():
        assert set(d[block]) == keys
    assert d["config"]["kind"] == "rates" and d["config"]["bin_ms"] == 100.0
    assert d["config"]["n_units"] == 40 and d["config"]["n_bins"] == 600
    Xb = st.bin_traces(X, 1.0, 100.0)
    delta, radius = st.covariance_dispersion(Xb)
    assert d["criticality"]["covariance_dispersion"] == pytest.approx(delta.value, rel=1e-12)
    # against the exact bin covariance of this network (jackknife error, 19 dof, family level)
    from recnet.validation.compare import FAMILY_LEVEL, compare, quantile
    exact = st.dispersion_of(orc.linear_network_covariances(W, 1.0, 100)["bin_mean"])
    row = compare("covariance_dispersion", exact, d["criticality"]["covariance_dispersion"],
                  d["criticality"]["covariance_dispersion_stderr"], n_sigma=quantile(1 - FAMILY_LEVEL, 19), dof=19)
    assert row.agree, row.to_dict()
    pr_exact = st.participation_ratio_of(orc.linear_network_covariances(W, 1.0, 100)["bin_mean"])
    row = compare("participation_ratio", pr_exact, d["dimension"]["participation_ratio"],
                  d["dimension"]["participation_ratio_stderr"], n_sigma=quantile(1 - FAMILY_LEVEL, 19), dof=19)
    assert row.agree, row.to_dict()


def test_analyse_npz_and_neo_spikes(tmp_path, capsys):
    # independent Poisson neurons at 20 Hz for 200 s: PR/N -> 1, Delta -> 0, m -> 0 in 100 ms bins
    rng = np.random.default_rng(5)
    N, T_ms = 20, 200_000.0
    counts = rng.poisson(20.0 * T_ms / 1000.0, N)
    times = np.concatenate([np.sort(rng.uniform(0, T_ms, c)) for c in counts])
    ids = np.concatenate([np.full(c, k) for k, c in enumerate(counts)])
    path = tmp_path / "spikes.npz"
    np.savez(path, times=times, ids=ids, n_units=N, t_start_ms=0.0, t_stop_ms=T_ms)
    d = _run(capsys, path, "--kind", "spikes", "--bin-ms", 100)
    assert d["config"]["n_bins"] == 2000 and d["config"]["kind"] == "spikes"
    from recnet.validation.compare import FAMILY_LEVEL, compare, quantile
    q = quantile(1 - FAMILY_LEVEL, 19)
    c = d["criticality"]
    assert compare("delta", 0.0, c["covariance_dispersion"], c["covariance_dispersion_stderr"], n_sigma=q).agree
    # equal rates: a diagonal covariance with equal variances, PR = N exactly
    assert compare("pr", N, d["dimension"]["participation_ratio"], d["dimension"]["participation_ratio_stderr"],
                   n_sigma=q).agree

    # the same spikes as a pickled neo Block (recnet's to_neo() layout)
    import neo
    import quantities as pq
    from neo.io import PickleIO
    blk = neo.Block()
    seg = neo.Segment()
    blk.segments.append(seg)
    for k in range(N):
        seg.spiketrains.append(neo.SpikeTrain(times[ids == k] * pq.ms, t_start=0 * pq.ms, t_stop=T_ms * pq.ms))
    pk = tmp_path / "spikes.pkl"
    PickleIO(str(pk)).write_block(blk)
    d2 = _run(capsys, pk, "--bin-ms", 100)
    assert d2["criticality"] == d["criticality"] and d2["dimension"] == d["dimension"]


def test_analyse_branching_series_as_rates(tmp_path, capsys):
    # a branching process split over N = 10 channels (multinomial): the population count is A_t, m known
    m = 0.9
    A = orc.simulate_branching(m, 50.0, n_steps=20000, seed=3)[0]
    rng = np.random.default_rng(4)
    X = np.array([rng.multinomial(a, np.full(10, 0.1)) for a in A], dtype=float)
    path = tmp_path / "bp.npz"
    np.savez(path, rates=X, dt_ms=1.0)
    d = _run(capsys, path, "--kmax", 50)
    from recnet.validation.compare import FAMILY_LEVEL, compare, quantile
    c = d["criticality"]
    row = compare("branching_ratio", m, c["branching_ratio"], c["branching_ratio_stderr"],
                  n_sigma=quantile(1 - FAMILY_LEVEL, 19), dof=19)
    assert row.agree, row.to_dict()
    assert d["config"]["kmax"] == 50
    assert any("correlated across bins" in w for w in d["warnings"])


def test_analyse_errors(tmp_path, capsys):
    assert main(["analyse", str(tmp_path / "missing.npy")]) == 2
    assert "activity_file" in capsys.readouterr().err
    p = tmp_path / "x.nwb"
    p.write_bytes(b"not really")
    try:
        import pynwb  # noqa: F401
    except ImportError:
        assert main(["analyse", str(p)]) == 2
        assert "pynwb" in capsys.readouterr().err
    np.save(tmp_path / "r.npy", np.random.default_rng(0).standard_normal((200, 3)))
    assert main(["analyse", str(tmp_path / "r.npy"), "--kind", "spikes"]) == 2
    assert "kind" in capsys.readouterr().err
    assert main(["analyse", str(tmp_path / "r.npy"), "--bin-ms", "-1"]) == 2
    assert "bin_ms" in capsys.readouterr().err
