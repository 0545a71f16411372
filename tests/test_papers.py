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


# Every script draws its figure at smoke size (quick=True).  Scripts whose quick run takes more than
# ~10 s here (measured on the loaded 2-core machine, 2026-12) run as slow tests.
SLOW_PAPERS = {
    "brunel_rate_vs_g", "engelken2023_spectra", "monteforte2010_entropy", "rajan2010_critical_amplitude",
    "scs1988_autocorrelation", "mastrogiuseppe2018_bifurcation", "eckmann2024_receptive_fields",
    "podlaski2024_memory_capacity", "brunel2000_fig2", "ahmadian2013_ssn", "morrison_curto_attractors",
    "dale_convex_codes", "calaim2022_bounding_box", "boerlin2013_tracking", "podlaski2024_function_approximation",
    "curto2019_fixed_points",
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
