"""Lemke's algorithm for the rate problem of SCNs with linear dynamics, against brute force."""
import itertools

import numpy as np
import pytest

from recnet.numerics.scn import qp as scn_qp


def _brute_force_lcp(M, q):
    """Every active set S: z_S = -M_SS^{-1} q_S, z = 0 elsewhere; keep the complementary solutions."""
    n = len(q)
    sols = []
    for k in range(n + 1):
        for S in itertools.combinations(range(n), k):
            z = np.zeros(n)
            if S:
                S = list(S)
                z[S] = np.linalg.solve(M[np.ix_(S, S)], -q[S])
            w = M @ z + q
            if np.all(z >= -1e-10) and np.all(w >= -1e-10):
                sols.append(z)
    return sols


@pytest.mark.parametrize("seed", range(40))
def test_lemke_equals_brute_force_for_p_matrices(seed):
    g = np.random.default_rng(seed)
    n = int(g.integers(1, 8))
    B = g.standard_normal((n, n))
    S = g.standard_normal((n, n))
    M = B @ B.T + 0.1 * np.eye(n) + (S - S.T)          # positive definite symmetric part: a P-matrix
    q = g.standard_normal(n)
    sols = _brute_force_lcp(M, q)
    assert len(sols) == 1                                 # P-matrix: exactly one solution
    z = scn_qp.lcp_lemke(M, q)
    np.testing.assert_allclose(z, sols[0], atol=1e-9)
    assert scn_qp.lcp_residual(M, q, z) < 1e-9


def test_autoencoder_limit_is_the_qp():
    """A = -I/tau, c = x/tau turns the dynamics problem into the autoencoder QP of ``rates``."""
    g = np.random.default_rng(3)
    D = 0.1 * g.standard_normal((3, 12))
    x = g.standard_normal(3)
    tau, mu, nu = 20.0, 0.003, 0.001
    r, _, _ = scn_qp.dynamics_rates(D, -np.eye(3) / tau, x / tau, tau=tau, mu=mu, nu=nu)
    np.testing.assert_allclose(r, scn_qp.rates(D, x, mu=mu, nu=nu), atol=1e-12)
