"""The SpiNNaker weight-rounding row's rate shift (``recnet.validation.scn.validate.rounding_rate_shift``)
against exact solves of the active-set equations with randomly rounded weights."""
import numpy as np

from recnet.numerics.scn import qp as scn_qp
from recnet.validation.scn.validate import rounding_rate_shift


def test_rounding_shift_bounds_exact_perturbed_solves():
    rng = np.random.default_rng(3)
    K, N, mu = 2, 12, 0.02
    D = rng.standard_normal((K, N)) * 0.1
    x = np.array([0.6, -0.3])
    r = scn_qp.rates(D, x, mu=mu)
    act = r > 0
    assert act.sum() >= 2
    G = D.T @ D + mu * np.eye(N)
    ff = np.abs(D).T @ np.abs(x)
    eps = 2.0 ** -12
    bound, _ = rounding_rate_shift(G, r, ff, eps)
    Ga = G[np.ix_(act, act)]
    b = Ga @ r[act]           # = D_A^T x - T_A on the active set
    # first order -> exact: (G + dG)^-1 = (I + G^-1 dG)^-1 G^-1, |G^-1 dG| <= theta (inf-norm), so the
    # exact shift is at most bound / (1 - theta)
    theta = eps * np.max(np.sum(np.abs(np.linalg.inv(Ga)) @ np.abs(Ga), axis=1))
    worst = 0.0
    for _ in range(300):
        dG = eps * np.abs(Ga) * rng.choice([-1.0, 1.0], Ga.shape)
        db = eps * ff[act] * rng.choice([-1.0, 1.0], act.sum())
        r2 = np.linalg.solve(Ga + dG, b + db)
        worst = max(worst, float(np.max(np.abs(r2 - r[act]))))
    assert worst <= bound / (1 - theta)
    # the bound is attained to first order: for the row i of the maximum, signs aligned with
    # (G^-1)_ij make every term add; the exact shift differs from first order by at most
    # theta/(1 - theta) of it
    Gi = np.linalg.inv(Ga)
    first = eps * np.abs(Gi) @ (np.abs(Ga) @ r[act] + ff[act])
    i = int(np.argmax(first))
    sg = np.sign(Gi[i])
    dG = -eps * np.abs(Ga) * sg[:, None]
    db = eps * ff[act] * sg
    r2 = np.linalg.solve(Ga + dG, b + db)
    assert abs(r2[i] - r[act][i]) >= bound * (1 - theta / (1 - theta))
