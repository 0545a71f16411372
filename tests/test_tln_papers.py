"""The TLN paper figures draw, and the facts their titles claim hold."""
import importlib
from pathlib import Path

import pytest


@pytest.mark.slow
@pytest.mark.parametrize("name", ["curto2019_fixed_points", "morrison_curto_attractors", "dale_convex_codes"])
def test_figures_draw(name, tmp_path):
    mod = importlib.import_module(f"recnet.papers.{name}")
    out = mod.make(out=tmp_path / "f.png", quick=True)
    assert Path(out).stat().st_size > 10_000


def test_three_node_fixed_points_exact_parity_and_parameter_independence():
    from recnet.papers import curto2019_fixed_points as p
    rows, exact_ok, parity_ok, param_ok = p.compute()
    assert len(rows) == 16 and exact_ok and parity_ok and param_ok


def test_oriented_graphs_without_sinks_have_no_stable_fixed_point_and_do_not_converge():
    from recnet.papers import morrison_curto_attractors as p
    for g, res, sim in p.compute(n_init=8, t_max=80.0):
        assert res.stable_supports == []
        assert not sim.converged.any() and not sim.diverged.any()
