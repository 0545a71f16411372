"""Issue 14: no hand-set allowance is left in validation/.

Every comparison's allowance is a ``systematic`` computed from the model with its derivation in
``why``; ``compare`` has no relative or absolute tolerance argument any more.  This scan fails on
the legacy keywords, on a ``systematic`` that is (or is scaled by) a bare float literal, and on a
``systematic`` without ``why``.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "validation"
FILES = sorted(p for p in ROOT.rglob("*.py"))


def _compare_calls(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            f = node.func
            name = getattr(f, "id", None) or getattr(f, "attr", None)
            if name == "compare":
                yield node


def _float_literals(expr):
    """Float constants in an expression other than 0, 0.5 (halves) and whole numbers (unit factors)."""
    out = []
    for n in ast.walk(expr):
        if isinstance(n, ast.Constant) and isinstance(n.value, float) and not float(n.value).is_integer() \
                and n.value != 0.5:
            out.append(n.value)
    return out


def _problems(src):
    tree = ast.parse(src)
    bad = []
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg in ("rel_tol", "abs_tol"):
            bad.append(f"line {node.value.lineno}: {node.arg}= (a stated allowance)")
        if isinstance(node, ast.arg) and node.arg in ("rel_tol", "abs_tol"):
            bad.append(f"line {node.lineno}: parameter {node.arg}")
    for call in _compare_calls(tree):
        kw = {k.arg: k.value for k in call.keywords if k.arg}
        sysv = kw.get("systematic")
        if sysv is None:
            continue
        if isinstance(sysv, ast.Constant) and sysv.value not in (0, 0.0):
            bad.append(f"line {call.lineno}: systematic = bare number {sysv.value!r}")
        lits = _float_literals(sysv)
        if lits:
            bad.append(f"line {call.lineno}: systematic scaled by the bare number(s) {lits}")
        if "why" not in kw:
            bad.append(f"line {call.lineno}: systematic without its derivation (why=)")
    return bad


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_stated_allowance_in(path):
    bad = _problems(path.read_text())
    assert not bad, f"{path.name}: " + "; ".join(bad)


@pytest.mark.parametrize("snippet", [
    "compare('r', p, s, se, rel_tol=0.03)",
    "compare('r', p, s, se, abs_tol=1e-6)",
    "compare('r', p, s, se, systematic=0.01, why='x')",
    "compare('r', p, s, se, systematic=0.03 * abs(p), why='x')",
    "compare('r', p, s, se, systematic=b)",
])
def test_the_scan_catches_stated_allowances(snippet):
    assert _problems(snippet)


def test_compare_has_no_tolerance_arguments():
    import inspect

    from recnet.validation.compare import compare
    params = inspect.signature(compare).parameters
    assert "rel_tol" not in params and "abs_tol" not in params
