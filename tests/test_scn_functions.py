"""Low-rank E-I networks: tangent envelopes, the rank-2 fixed point, spiking input-output curves."""
import numpy as np
import pytest
import sympy as sp

from recnet.numerics.scn import functions as sf
from recnet.theory.scn import lowrank_ei as lowrank_ei
from recnet.validation.scn.validate import lowrank_prediction, target_function


def test_envelope_gap_is_c_h2_over_8():
    """Quadratic g = c x^2/2: the envelope error is exactly c h^2/8 (theory.lowrank_ei.envelope_error)."""
    c, n = 3.0, 11
    ib = sf.inhibitory_boundary(lambda x: 0.5 * c * x ** 2, lambda x: c * x, n, (-1, 1))
    xg = np.linspace(-1, 1, 20001)
    gap = np.max(0.5 * c * xg ** 2 - ib.fixed_point(xg))
    h = 2 / (n - 1)
    eq = lowrank_ei.envelope_error()["max_gap"].rhs
    pred = float(eq.subs({sp.Symbol("c", positive=True): c, sp.Symbol("h", positive=True): h}))
    assert gap == pytest.approx(pred, rel=1e-6)


def test_rank2_fixed_point_is_boundary_intersection():
    """y_E from the envelopes equals the sympy intersection of the active E and I lines."""
    f, df, d2f, _ = target_function("bump")
    m = sf.ei_network(f, df, d2f, (-1, 1), n_e=7, n_i=9, w=0.3)
    sol = lowrank_ei.intersection()["y_E_fixed_point"].rhs
    syms = {s.name: s for s in sol.free_symbols}
    for x in (-0.7, 0.1, 0.55):
        i = int(np.argmax(m.FE * x - m.TE))
        j = int(np.argmax(m.FI * x - m.TI))
        v = float(sol.subs({syms["x"]: x, syms["w"]: m.w, syms["F^E"]: m.FE[i], syms["T^E"]: m.TE[i],
                            syms["F^I"]: m.FI[j], syms["T^I"]: m.TI[j]}))
        assert m.fixed_point(np.array([x]))[0] == pytest.approx(max(v, 0.0), abs=1e-12)


@pytest.mark.parametrize("name,exact", [("quadratic", True), ("bump", False)])
def test_error_scales_as_predicted(name, exact):
    """max|y_E - f| = f'' h^2/8: exactly for a quadratic, to leading order (O(h^3)) for the bump."""
    for n in (10, 20, 40):
        p = lowrank_prediction(name, n=n)
        if exact:
            assert p["fixed_point_error"] == pytest.approx(p["predicted_error"], rel=1e-9)
        else:
            assert abs(p["fixed_point_error"] / p["predicted_error"] - 1) < 3.0 * p["h"]
        assert p["fixed_point_error"] <= p["envelope_bound"] + 1e-12


def test_inhibitory_boundary_spiking_matches_envelope():
    """Time-averaged y_I of the spiking population vs the envelope (mid-point thresholds):
    tolerance half a readout jump d/2 plus 3 stderr."""
    ib = sf.inhibitory_boundary(lambda x: x ** 2 + 0.3, lambda x: 2 * x, 9, (-1, 1), d=0.02, tau=10.0)
    xs = np.array([-0.8, -0.2, 0.5])
    mean, sem = sf.simulate_io(ib, xs, t_sim=300.0, t_warm=60.0)
    fp = ib.fixed_point(xs)
    assert np.all(np.abs(mean[:, 0] - fp) <= 3 * sem[:, 0] + 0.5 * ib.d)
    # the check can fail: without the mid-point shift the mean sits d/2 higher
    assert np.all(mean[:, 0] - (fp + 0.5 * ib.d) < 0)


@pytest.mark.slow
def test_ei_network_spiking_io_nonconvex():
    f, df, d2f, _ = target_function("bump")
    m = sf.ei_network(f, df, d2f, (-1, 1), n_e=12, n_i=12, w=0.5, dE=0.01, dI=0.01, tau=10.0)
    xs = np.array([-0.6, 0.0, 0.4])
    mean, sem = sf.simulate_io(m, xs, t_sim=300.0, t_warm=80.0)
    bound = 0.5 * m.dE + 0.5 * m.dI / (1 - m.w)
    assert np.all(np.abs(mean[:, 0] - m.fixed_point(xs)) <= 3 * sem[:, 0] + bound)


def test_bad_targets():
    with pytest.raises(ValueError, match="function"):
        lowrank_prediction("x - 5")
    with pytest.raises(ValueError, match="function"):
        target_function("x + y")
    with pytest.raises(ValueError, match="w"):
        lowrank_prediction("bump", w=1.0)


def test_ei_stability_derivation():
    eq = lowrank_ei.ei_stability()
    assert sp.simplify(eq["hard_boundary_det_over_gains"].rhs - (1 - sp.Symbol("w", positive=True))) == 0
