"""No user formula is ever run: injection strings are refused before anything happens (issue 13).

Every expression option of every subject (``--phi`` of dmft, dmft-driven, lowrank, ``derive dmft``,
``--function`` of lowrank-ei) and :func:`recnet.expr.parse` get the classic Python-injection strings;
each must end in ``ParameterError`` / exit 2 naming the option, and the marker file the payload would
create must never exist.
"""
import os
import subprocess
import sys

import pytest
import sympy as sp

from recnet import cli
from recnet.checks import ParameterError
from recnet.expr import MAX_DEPTH, MAX_LENGTH, check_phi, parse

MARK = "pwned_marker"


def payloads(marker):
    return [
        f"__import__('os').system('touch {marker}')",
        f"__import__('os').system('touch {marker}') + x",
        f"x + __import__('pathlib').Path('{marker}').touch()",
        "().__class__.__bases__[0].__subclasses__()",
        f"[c for c in ().__class__.__base__.__subclasses__()][0]",
        "lambda: 1",
        "(lambda: x)()",
        "x.__class__",
        "x.__class__.__mro__",
        "getattr(x, 'a')",
        "exec('1')",
        f"exec(\"open('{marker}', 'w')\")",
        "eval('x')",
        f"open('{marker}', 'w')",
        "compile('1', 'f', 'eval')",
        "globals()",
        "__builtins__",
        "f'{x}'",
        "'x'",
        "b'x'",
        "x[0]",
        "tanh(x=1)",
        "tanh(*[x])",
        "Symbol('y')",
        "sp.tanh(x)",
        "x if x else 1",
        "(y := 1)",
        "9**9**9**9",
        "exp(exp(exp(exp(100))))*x",   # sympy's exact evaluation of this ran for minutes
        "x**exp(exp(100))",
        "tanh(x)*" + "9" * 400,
        "x" + "+x" * (MAX_LENGTH // 2),
        "(" * 150 + "x" + ")" * 150,
        "-" * (MAX_DEPTH + 5) + "x",
        "tanh(" * (MAX_DEPTH + 5) + "x" + ")" * (MAX_DEPTH + 5),
    ]


@pytest.mark.parametrize("text", payloads(MARK))
def test_parse_refuses_injection(text, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ParameterError) as exc:
        parse(text, name="phi")
    assert exc.value.name == "phi"
    assert not (tmp_path / MARK).exists()


# (command, subject, option flag, option name)
EXPRESSION_OPTIONS = [
    ("predict", "dmft", "--phi", "phi"),
    ("derive", "dmft", "--phi", "phi"),
    ("predict", "dmft-driven", "--phi", "phi"),
    ("derive", "dmft-driven", "--phi", "phi"),
    ("predict", "lowrank", "--phi", "phi"),
    ("derive", "lowrank", "--phi", "phi"),
    ("predict", "lowrank-ei", "--function", "function"),
]


@pytest.mark.parametrize("command,subject,flag,name", EXPRESSION_OPTIONS)
def test_cli_refuses_injection_in_process(command, subject, flag, name, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    for text in payloads(MARK):
        rc = cli.main([command, subject, f"{flag}={text}"])
        err = capsys.readouterr().err
        assert rc == 2, (text, err)
        assert err.startswith(f"recnet: error: {name} ="), (text, err)
        assert "Traceback" not in err
        assert not (tmp_path / MARK).exists(), text


@pytest.mark.parametrize("command,subject,flag,name", EXPRESSION_OPTIONS[::2] + [EXPRESSION_OPTIONS[-1]])
def test_cli_subprocess_injection(command, subject, flag, name, tmp_path):
    # the reported exploit, through a real `recnet` process
    text = f"__import__('os').system('touch {MARK}') + x"
    proc = subprocess.run([sys.executable, "-m", "recnet", command, subject, flag, text], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120,
                          env=dict(os.environ, RECNET_DEBUG=""))
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith(f"recnet: error: {name} =")
    assert not (tmp_path / MARK).exists()


def test_source_has_no_sympify_of_user_strings():
    # the whitelist parser is the only way from text to sympy: no sympify/parse_expr/eval/exec remains
    # in the packages' sources on a string
    import pathlib
    root = pathlib.Path(__file__).resolve().parents[1]
    hits = []
    for sub in ("recnet", "theory", "numerics", "validation", "papers"):
        for path in (root / sub).rglob("*.py"):
            for k, line in enumerate(path.read_text().splitlines(), 1):
                code = line.split("#")[0]
                if any(s in code for s in ("sympify(", "parse_expr(", " eval(", " exec(", "(eval(", "(exec(")):
                    hits.append(f"{path.relative_to(root)}:{k}: {line.strip()}")
    # theory/lyapunov.py:lens_area sympifies numbers given by code (R1, R2, d), never user text
    hits = [h for h in hits if not h.startswith("theory/lyapunov.py")]
    assert hits == []


@pytest.mark.parametrize("text,expected", [
    ("tanh(x)", sp.tanh(sp.Symbol("x", real=True))),
    ("1 + tanh(x)", 1 + sp.tanh(sp.Symbol("x", real=True))),
    ("x^2 - 1/2", sp.Symbol("x", real=True) ** 2 - sp.Rational(1, 2)),
    ("relu(x)", sp.Max(sp.Symbol("x", real=True), 0)),
    ("erf(sqrt(pi)*x/2)", sp.erf(sp.sqrt(sp.pi) * sp.Symbol("x", real=True) / 2)),
    ("Piecewise((0, x < 0), (x, True))",
     sp.Piecewise((0, sp.Symbol("x", real=True) < 0), (sp.Symbol("x", real=True), True))),
    ("Piecewise((0, (x < 0) | (x > 5)), (x, True))",
     sp.Piecewise((0, (sp.Symbol("x", real=True) < 0) | (sp.Symbol("x", real=True) > 5)),
                  (sp.Symbol("x", real=True), True))),
])
def test_parse_builds_the_same_expression_as_sympy(text, expected):
    # oracle: sympy's own constructors on the same formula, written out by hand
    assert sp.simplify(parse(text) - expected) == 0


@pytest.mark.parametrize("text,why", [
    ("1/x", "singular or overflowing at x = 0"),
    ("log(x)", "singular or overflowing at x = 0"),
    ("exp(1000)*tanh(x)", "not a finite double-precision"),
    ("1/(x - 0.3123)", "pole"),
    ("1/sqrt(abs(x - 0.771))", "pole"),
    ("exp(x**2)", "not finite"),
    ("exp(x)", "grows faster"),
    ("sqrt(x)", "not finite"),
    ("1 + 0*x", "does not depend on x"),
])
def test_check_phi_names_the_problem(text, why):
    with pytest.raises(ParameterError, match=why):
        check_phi(parse(text), name="phi")


@pytest.mark.parametrize("text", ["tanh(x)", "x", "x**3", "abs(x)", "1/(1 + exp(-4*x))", "exp(-x**2)",
                                  "Piecewise((0, x < 0), (x, True))", "tanh(1000*x)"])
def test_check_phi_accepts_usable_phi(text):
    check_phi(parse(text), name="phi")


def test_check_phi_bounded():
    with pytest.raises(ParameterError, match="bounded"):
        check_phi(parse("x"), bounded=True)
    check_phi(parse("tanh(x)"), bounded=True)
