"""Every paper script follows the convention `recnet figure` relies on; geometry's figures draw."""
import ast
import importlib
import pkgutil
from pathlib import Path

import pytest

import recnet.papers

PAPERS = sorted(m.name for m in pkgutil.iter_modules(recnet.papers.__path__) if not m.name.startswith("_"))


@pytest.mark.parametrize("name", PAPERS)
def test_paper_convention(name):
    mod = importlib.import_module(f"recnet.papers.{name}")
    assert mod.__doc__ and mod.TITLE and mod.REFERENCE
    assert callable(mod.make)
    tree = ast.parse(Path(mod.__file__).read_text())
    assert any(isinstance(n, ast.If) and "__main__" in ast.unparse(n.test) for n in tree.body), \
        f"{name} cannot run as a script"


@pytest.mark.parametrize("name", ["biswas2022_toy_problems", "biswas2022_certainty_vs_patterns"])
def test_geometry_figures_draw(name, tmp_path):
    mod = importlib.import_module(f"recnet.papers.{name}")
    out = mod.make(out=tmp_path / "f.png", quick=True)
    assert Path(out).stat().st_size > 10_000


# Every script draws its figure at smoke size (quick=True).  Scripts whose quick run took more than
# ~10 s (one process, in this order, on the 2-core machine loaded by 7 jobs, 2026-12-07; seconds in
# brackets) run as slow tests: ahmadian2013_ssn [143], beiran2021_ring_fixed_points [26, measured
# 2026-12-07 alone], biswas2022_toy_problems [24],
# boerlin2013_tracking [34], brunel_rate_vs_g [192], calaim2022_bounding_box [10],
# curto2019_fixed_points [17], eckmann2024_receptive_fields [183], mastrogiuseppe2018_bifurcation [19],
# morrison_curto_attractors [26], rajan2010_critical_amplitude [403], scs1988_autocorrelation [21].
# The others took 3-7 s.  Added later (same load): brunel2000_fig2_states [38], bos2016_spectra [11],
# kadmon2015_phase_diagram [~80, 3 x 3 grid with chaotic BVP solves and two simulations].
SLOW_PAPERS = {
    "ahmadian2013_ssn", "beiran2021_ring_fixed_points", "biswas2022_toy_problems", "boerlin2013_tracking",
    "bos2016_spectra", "brunel2000_fig2_states", "brunel_rate_vs_g", "kadmon2015_phase_diagram",
    "calaim2022_bounding_box", "curto2019_fixed_points", "eckmann2024_receptive_fields",
    "mastrogiuseppe2018_bifurcation", "morrison_curto_attractors", "rajan2010_critical_amplitude",
    "scs1988_autocorrelation",
}
# scripts that fail at smoke size on this branch for reasons outside this test's owner; the lead
# deletes an entry once the fix is merged (strict xfail: a fixed script fails the suite until then)
BROKEN_PAPERS = {}


def _smoke_params():
    out = []
    for name in PAPERS:
        marks = [pytest.mark.slow] if name in SLOW_PAPERS else []
        if name in BROKEN_PAPERS:
            marks.append(pytest.mark.xfail(strict=True, reason=BROKEN_PAPERS[name]))
        out.append(pytest.param(name, marks=marks, id=name))
    return out


@pytest.mark.parametrize("name", _smoke_params())
def test_paper_script_runs_at_smoke_size(name, tmp_path):
    mod = importlib.import_module(f"recnet.papers.{name}")
    out = mod.make(out=tmp_path / "f.png", quick=True)
    path = Path(out) if out is not None else tmp_path / "f.png"
    assert path.exists() and path.stat().st_size > 5_000, f"{name} wrote no figure"
