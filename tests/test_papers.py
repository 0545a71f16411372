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
