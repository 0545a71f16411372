"""The published figures in the `validate --all` report (issue 15, item 5): the report draws every
``validation.report_figures.REPORT_FIGURES`` entry and embeds the PNG, the printed table and the
mode it used; a broken figure is reported, not raised."""
from __future__ import annotations

import json

import pytest

from recnet import registry
from recnet.cli import main
from recnet.validation import report_figures as rf


def test_report_lists_both_issue_15_figures():
    assert {n for n, _, _ in rf.REPORT_FIGURES} >= {"brunel2000_fig2_states", "bos2016_spectra"}


def test_validate_all_embeds_the_published_figures(monkeypatch, tmp_path):
    from tests.test_cli import _fake_validate
    subs = [s for s in registry.all_subjects() if s.validate is not None]
    for s in subs:
        monkeypatch.setattr(s, "validate", _fake_validate(s.name))
    calls = []

    def fake_make(name):
        def make(out=None, quick=False):
            calls.append((name, quick))
            if name == "broken":
                raise RuntimeError("kaputt")
            print(f"table of {name}")
            out.write_bytes(b"\x89PNG fake")
            return out
        return make

    import importlib
    real = importlib.import_module

    class Mod:
        def __init__(self, name):
            self.TITLE, self.REFERENCE, self.make = f"title {name}", f"ref {name}", fake_make(name)
    monkeypatch.setattr(rf.importlib, "import_module",
                        lambda n: Mod(n.rsplit(".", 1)[1]) if n.startswith("recnet.papers.") else real(n))
    monkeypatch.setattr(rf, "REPORT_FIGURES", (("fig_a", "quick", "cheap mode"), ("broken", "full", "full"),
                                               ("fig_b", "full", "full figure")))
    assert main(["validate", "--all", "--quiet", "--out", str(tmp_path)]) == 0
    assert calls == [("fig_a", True), ("broken", False), ("fig_b", False)]
    text = (tmp_path / "report.md").read_text()
    assert "## Published figures reproduced" in text
    assert "![fig_a](paper_fig_a.png)" in text and "![fig_b](paper_fig_b.png)" in text
    assert "cheap mode" in text and "table of fig_a" in text and "kaputt" in text
    assert (tmp_path / "paper_fig_a.png").exists()
    rep = json.loads((tmp_path / "report.json").read_text())
    assert [p["name"] for p in rep["papers"]] == ["fig_a", "broken", "fig_b"]


def test_validate_all_only_draws_no_figures(monkeypatch, tmp_path):
    from tests.test_cli import _fake_validate
    s = [s for s in registry.all_subjects() if s.validate is not None][0]
    monkeypatch.setattr(s, "validate", _fake_validate(s.name))
    monkeypatch.setattr(rf, "draw_report_figures", lambda out: pytest.fail("figures drawn with --only"))
    assert main(["validate", "--all", "--quiet", "--out", str(tmp_path), "--only", s.name]) == 0
    assert "Published figures" not in (tmp_path / "report.md").read_text()


@pytest.mark.slow
def test_report_figures_draw_for_real(tmp_path):
    """Both real figures in the report's modes (brunel quick, bos full): PNGs written, tables printed."""
    done = rf.draw_report_figures(tmp_path)
    assert [d["name"] for d in done] == [n for n, _, _ in rf.REPORT_FIGURES]
    for d in done:
        assert "error" not in d, d
        assert (tmp_path / d["file"]).stat().st_size > 10000
        assert d["table"]
