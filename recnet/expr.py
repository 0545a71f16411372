r"""Safe parsing of user formulas (``--phi``, ``--function``, model-file expressions).

A user string never reaches ``eval``, ``exec``, ``sympify`` or ``parse_expr``: :func:`parse` reads
it with Python's :mod:`ast` (which only builds a syntax tree, it runs nothing), walks the tree
against a whitelist and builds the sympy expression itself.  Allowed are

* numbers (``2``, ``0.5``, ``1e-3``), the subject's variable(s) (``x``) and the constants ``pi``, ``E``;
* ``+ - * /``, powers ``**`` (``^`` is read as a power, as sympy's parser does), unary ``-``/``+``;
* calls of the named functions in :data:`FUNCTIONS` with positional arguments only;
* ``Piecewise((value, condition), ..., (value, True))`` whose conditions may use comparisons
  (``<, <=, >, >=``) joined by ``&``/``|``/``and``/``or``.

Everything else is refused with a :class:`~recnet.checks.ParameterError` naming the option:
attributes, subscripts, lambdas, strings, f-strings, keyword arguments, starred arguments,
comprehensions, dunder names, unknown names and functions, input longer than :data:`MAX_LENGTH`
characters or with more than :data:`MAX_NODES` syntax nodes or nesting deeper than
:data:`MAX_DEPTH`.  Numeric powers with an exponent above :data:`MAX_EXPONENT` are refused too, so
``9**9**9`` cannot make sympy compute a huge integer.

:func:`check_phi` then checks that an expression is usable as a transfer function of a mean-field
theory (Gaussian averages of phi, phi', phi^2): finite at 0, finite on a grid covering the
Gaussian's support, no pole between grid points, at most polynomial growth.
"""
from __future__ import annotations

import ast
import math

import numpy as np

from recnet.checks import ParameterError, ParameterTypeError

__all__ = ["parse", "check_phi", "FUNCTIONS", "MAX_LENGTH", "MAX_NODES", "MAX_DEPTH", "MAX_EXPONENT"]

MAX_LENGTH = 1000      # characters
MAX_NODES = 400        # ast nodes
MAX_DEPTH = 40         # nesting depth of the syntax tree
MAX_EXPONENT = 64      # |numeric exponent| of a power
MAX_GROWTH_POWER = 8   # phi may grow at most like |x|^8 (Gaussian moments of phi^2, phi'^2 stay finite)

_CONSTANTS = {"pi": "pi", "E": "E"}


def _fn_table():
    import sympy as sp

    def relu(a):
        return sp.Max(a, 0)

    def sigmoid(a):
        return 1 / (1 + sp.exp(-a))

    # name -> (builder, min args, max args)
    return {
        "tanh": (sp.tanh, 1, 1), "sinh": (sp.sinh, 1, 1), "cosh": (sp.cosh, 1, 1),
        "exp": (sp.exp, 1, 1), "log": (sp.log, 1, 1), "sqrt": (sp.sqrt, 1, 1),
        "abs": (sp.Abs, 1, 1), "Abs": (sp.Abs, 1, 1), "sign": (sp.sign, 1, 1),
        "sin": (sp.sin, 1, 1), "cos": (sp.cos, 1, 1), "tan": (sp.tan, 1, 1),
        "atan": (sp.atan, 1, 1), "arctan": (sp.atan, 1, 1),
        "erf": (sp.erf, 1, 1), "erfc": (sp.erfc, 1, 1),
        "Max": (sp.Max, 2, 8), "Min": (sp.Min, 2, 8), "max": (sp.Max, 2, 8), "min": (sp.Min, 2, 8),
        "Heaviside": (sp.Heaviside, 1, 1), "relu": (relu, 1, 1), "sigmoid": (sigmoid, 1, 1),
    }


#: Function names a formula may call (``Piecewise`` is handled on its own).
FUNCTIONS = ("tanh", "sinh", "cosh", "exp", "log", "sqrt", "abs", "Abs", "sign", "sin", "cos", "tan",
             "atan", "arctan", "erf", "erfc", "Max", "Min", "max", "min", "Heaviside", "relu", "sigmoid",
             "Piecewise")

_BINOPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}
_CMPOPS = (ast.Lt, ast.LtE, ast.Gt, ast.GtE)


class _Refuse(Exception):
    def __init__(self, why):
        super().__init__(why)
        self.why = why


def _describe(node):
    kinds = {ast.Attribute: "attribute access", ast.Subscript: "subscripts", ast.Lambda: "lambdas",
             ast.JoinedStr: "f-strings", ast.FormattedValue: "f-strings", ast.Starred: "starred arguments",
             ast.ListComp: "comprehensions", ast.GeneratorExp: "comprehensions", ast.SetComp: "comprehensions",
             ast.DictComp: "comprehensions", ast.List: "lists", ast.Dict: "dicts", ast.Set: "sets",
             ast.IfExp: "conditional expressions (use Piecewise)", ast.NamedExpr: "assignments",
             ast.Await: "await", ast.Yield: "yield", ast.Compare: "comparisons outside a Piecewise condition",
             ast.BoolOp: "and/or outside a Piecewise condition", ast.Tuple: "tuples outside Piecewise"}
    for k, v in kinds.items():
        if isinstance(node, k):
            return v
    return type(node).__name__


def _constant(expr):
    """Float value of a constant sympy expression in double precision (inf/nan when it overflows).

    Never sympy's evalf: its arbitrary precision would try to compute exp(exp(exp(100))) exactly.
    """
    import sympy as sp

    if expr.is_Number:
        try:
            return float(expr)
        except (OverflowError, TypeError, ValueError):
            return math.inf
    try:
        with np.errstate(all="ignore"):
            v = sp.lambdify((), expr, modules=[{"erf": math.erf, "erfc": math.erfc}, "math"])()
        v = complex(v)
    except (OverflowError, ValueError, ZeroDivisionError, TypeError, NameError):
        return math.nan
    return v.real if v.imag == 0 else math.nan


class _Builder:
    def __init__(self, symbols):
        import sympy as sp

        self.sp = sp
        self.symbols = symbols
        self.functions = _fn_table()

    # -- values
    def value(self, node):
        out = self._value(node)
        if out.is_number and not math.isfinite(_constant(out)):
            # refused here, before sympy's printers or evalf try to evaluate it exactly
            shown = str(out) if len(str(out)) < 60 else str(out)[:57] + "..."
            raise _Refuse(f"the constant {shown} is not a finite double-precision number")
        return out

    def _value(self, node):
        sp = self.sp
        if isinstance(node, ast.Constant):
            v = node.value
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                raise _Refuse(f"only numbers are allowed as constants, found {v!r}")
            if isinstance(v, float):
                if not math.isfinite(v):
                    raise _Refuse(f"the number {v!r} is not finite")
                return sp.Float(v)
            return sp.Integer(v)
        if isinstance(node, ast.Name):
            if node.id.startswith("_"):
                raise _Refuse(f"names starting with '_' are not allowed, found {node.id!r}")
            if node.id in self.symbols:
                return self.symbols[node.id]
            if node.id in _CONSTANTS:
                return getattr(sp, _CONSTANTS[node.id])
            if node.id in self.functions or node.id == "Piecewise":
                raise _Refuse(f"{node.id!r} is a function: call it, e.g. {node.id}(x)")
            allowed = ", ".join(list(self.symbols) + list(_CONSTANTS))
            raise _Refuse(f"unknown name {node.id!r}: the formula may use {allowed} and the functions "
                          f"{', '.join(FUNCTIONS)}")
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.USub):
                return -self.value(node.operand)
            if isinstance(node.op, ast.UAdd):
                return self.value(node.operand)
            raise _Refuse(f"operator {type(node.op).__name__} is not allowed (only + - * / **)")
        if isinstance(node, ast.BinOp):
            op = _BINOPS.get(type(node.op))
            if op is None:
                raise _Refuse(f"operator {type(node.op).__name__} is not allowed (only + - * / ** and ^ as a power)")
            a, b = self.value(node.left), self.value(node.right)
            if op == "+":
                return a + b
            if op == "-":
                return a - b
            if op == "*":
                return a * b
            if op == "/":
                if b.is_zero:
                    raise _Refuse("division by zero")
                return a / b
            return self.power(a, b)
        if isinstance(node, ast.Call):
            return self.call(node)
        raise _Refuse(f"{_describe(node)}: not allowed")

    def power(self, a, b):
        if b.is_number:
            bv = _constant(b)
            if not math.isfinite(bv) or abs(bv) > MAX_EXPONENT:
                raise _Refuse(f"exponent {b} is too large: |exponent| <= {MAX_EXPONENT}")
            if a.is_zero and bv < 0:
                raise _Refuse("0 raised to a negative power")
        if a.is_number and not math.isfinite(_constant(a)):
            raise _Refuse(f"the constant {a} overflows")
        return a ** b

    def call(self, node):
        if not isinstance(node.func, ast.Name):
            raise _Refuse("only calls of named functions are allowed (no attribute access)")
        name = node.func.id
        if node.keywords:
            raise _Refuse(f"keyword arguments are not allowed in {name}(...)")
        if any(isinstance(a, ast.Starred) for a in node.args):
            raise _Refuse(f"starred arguments are not allowed in {name}(...)")
        if name == "Piecewise":
            return self.piecewise(node)
        if name.startswith("_") or name not in self.functions:
            raise _Refuse(f"unknown function {name!r}: choose from {', '.join(FUNCTIONS)}")
        fn, lo, hi = self.functions[name]
        if not lo <= len(node.args) <= hi:
            n = f"{lo}" if lo == hi else f"{lo} to {hi}"
            raise _Refuse(f"{name} takes {n} argument(s), got {len(node.args)}")
        return fn(*[self.value(a) for a in node.args])

    def piecewise(self, node):
        sp = self.sp
        if not node.args:
            raise _Refuse("Piecewise needs (value, condition) pairs, e.g. Piecewise((0, x < 0), (x, True))")
        pieces = []
        for a in node.args:
            if not isinstance(a, ast.Tuple) or len(a.elts) != 2:
                raise _Refuse("each Piecewise argument must be a pair (value, condition)")
            pieces.append((self.value(a.elts[0]), self.condition(a.elts[1])))
        if pieces[-1][1] is not sp.true:
            raise _Refuse("the last Piecewise pair must be (value, True) so that phi is defined everywhere")
        return sp.Piecewise(*pieces)

    def condition(self, node):
        sp = self.sp
        if isinstance(node, ast.Constant) and node.value is True:
            return sp.true
        if isinstance(node, ast.Compare):
            terms = [self.value(node.left)] + [self.value(c) for c in node.comparators]
            rels = []
            for op, l, r in zip(node.ops, terms[:-1], terms[1:]):
                if not isinstance(op, _CMPOPS):
                    raise _Refuse(f"comparison {type(op).__name__} is not allowed (use < <= > >=)")
                rels.append({ast.Lt: sp.Lt, ast.LtE: sp.Le, ast.Gt: sp.Gt, ast.GtE: sp.Ge}[type(op)](l, r))
            return sp.And(*rels) if len(rels) > 1 else rels[0]
        if isinstance(node, ast.BoolOp):
            parts = [self.condition(v) for v in node.values]
            return sp.And(*parts) if isinstance(node.op, ast.And) else sp.Or(*parts)
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.BitAnd, ast.BitOr)):
            a, b = self.condition(node.left), self.condition(node.right)
            return sp.And(a, b) if isinstance(node.op, ast.BitAnd) else sp.Or(a, b)
        raise _Refuse("a Piecewise condition must be a comparison such as x < 0 (joined by & or |) or True")


def _symbols(variables):
    import sympy as sp

    if isinstance(variables, dict):
        return dict(variables)
    return {v: sp.Symbol(v, real=True) for v in variables}


def parse(text, variables=("x",), name="phi"):
    r"""Build a sympy expression from a user formula, running none of it.

    Parameters
    ----------
    text : str
        The formula, e.g. ``"1 + tanh(x)"``, ``"Piecewise((0, x < 0), (x, True))"``.
    variables : tuple of str or dict
        The names the formula may use (each a real sympy Symbol), or a dict name -> Symbol to use
        the caller's own symbols.
    name : str
        The option or model field the text came from (``phi``, ``function``): errors name it.

    Returns
    -------
    sympy.Expr

    Raises
    ------
    recnet.checks.ParameterError
        Anything outside the whitelist described in the module docstring, naming ``name``.
    """
    import sympy as sp

    if not isinstance(text, str):
        raise ParameterTypeError(name, text, "must be a formula string",
                                 f"{name} must be a formula string, got {type(text).__name__}")
    shown = text if len(text) <= 80 else text[:77] + "..."
    if len(text) > MAX_LENGTH:
        raise ParameterError(name, shown, f"the formula is longer than {MAX_LENGTH} characters")
    src = text.strip().replace("^", "**")  # sympy's reading of ^ (a power, with the power's precedence)
    if not src:
        raise ParameterError(name, text, "the formula is empty")
    level = deepest = 0
    for ch in src:  # bracket nesting, counted before the parser's own recursion sees it
        level += (ch in "([{") - (ch in ")]}")
        deepest = max(deepest, level)
    if deepest > MAX_DEPTH:
        raise ParameterError(name, shown, f"the formula is nested deeper than {MAX_DEPTH} levels")
    try:
        tree = ast.parse(src, mode="eval")
    except (SyntaxError, ValueError) as exc:
        raise ParameterError(name, shown, f"not a formula ({getattr(exc, 'msg', exc)})") from None
    except (RecursionError, MemoryError):
        raise ParameterError(name, shown, f"the formula is nested deeper than {MAX_DEPTH} levels") from None
    count = 0
    stack = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        count += 1
        if count > MAX_NODES:
            raise ParameterError(name, shown, f"the formula has more than {MAX_NODES} terms")
        if depth > MAX_DEPTH:
            raise ParameterError(name, shown, f"the formula is nested deeper than {MAX_DEPTH} levels")
        stack.extend((c, depth + 1) for c in ast.iter_child_nodes(node))
    try:
        expr = _Builder(_symbols(variables)).value(tree.body)
    except _Refuse as r:
        raise ParameterError(name, shown, r.why) from None
    if not isinstance(expr, sp.Expr) or expr.has(sp.zoo, sp.nan, sp.oo, -sp.oo, sp.I):
        raise ParameterError(name, shown, "the formula is not a finite real expression")
    return expr


def _numpy_function(expr, x):
    """numpy-vectorised phi built by lambdify from a sympy object (never from user text)."""
    import sympy as sp

    mods = [{"Heaviside": lambda v, h0=0.5: np.heaviside(v, h0), "Max": np.maximum, "Min": np.minimum,
             "sign": np.sign, "erf": _erf, "erfc": lambda v: 1.0 - _erf(v)}, "numpy"]
    f = sp.lambdify(x, expr, modules=mods)

    def call(v):
        v = np.asarray(v, dtype=float)
        with np.errstate(all="ignore"):
            out = np.asarray(f(v))
        if np.iscomplexobj(out):
            out = np.where(out.imag == 0, out.real, np.nan)
        return np.array(np.broadcast_to(out.astype(float), v.shape))
    return call


def _erf(v):
    from scipy.special import erf

    return erf(v)


def check_phi(expr, x=None, name="phi", bounded=False, x_max=60.0):
    r"""Refuse a transfer function a Gaussian mean-field theory cannot use, naming the reason.

    The theories average :math:`\phi`, :math:`\phi'` and :math:`\phi^2` over
    :math:`x = \mu + \sqrt{\Delta_0} z` with Gaussian :math:`z`, so phi must be finite on the whole
    real line (checked at 0 exactly and on a grid of :math:`[-x_{max}, x_{max}]`), free of poles
    between grid points (the maximum of :math:`|\phi|` must not grow when the grid is refined) and
    grow at most polynomially, :math:`|\phi(x)| \le a + b|x|^p` with :math:`p \le 8`
    (``exp(x**2)`` has no Gaussian average for :math:`\Delta_0 \ge 1/4`).  With ``bounded=True``
    phi must be bounded (theories whose derivation needs it).

    Parameters
    ----------
    expr : sympy.Expr
        phi in the variable ``x``.
    x : sympy.Symbol, optional
        The variable (default: the only free symbol).
    name : str
        Option name for the error.
    bounded : bool
        Require a bounded phi.
    x_max : float
        Half-width of the checked grid (60 covers mean-field variances up to several hundred).

    Returns
    -------
    callable
        A numpy-vectorised phi (useful to callers that need grid values).
    """
    import sympy as sp

    if x is None:
        free = sorted(expr.free_symbols, key=str)
        if not free:
            raise ParameterError(name, str(expr), "it does not depend on x")
        if len(free) != 1:
            raise ParameterError(name, str(expr), "must be an expression in x")
        x = free[0]
    if not expr.has(x):
        raise ParameterError(name, str(expr), "it does not depend on x")
    f = _numpy_function(expr, x)
    at0 = float(f(np.zeros(1))[0])  # double precision, never sympy's evalf (see _constant)
    if not math.isfinite(at0):
        raise ParameterError(name, str(expr), "phi(0) is not a finite real number (singular or overflowing "
                             "at x = 0)")
    grid = np.linspace(-x_max, x_max, 24001)
    vals = f(grid)
    bad = ~np.isfinite(vals)
    if bad.any():
        where = grid[bad]
        raise ParameterError(name, str(expr), f"phi is not finite (or not real) at x = {where[0]:.4g}"
                             f"{' ...' if where.size > 1 else ''}: the Gaussian averages of the theory need "
                             "phi finite on the whole real line")
    fine_x = np.linspace(-x_max, x_max, 24001 * 7 + 3)
    fine = np.abs(f(fine_x))
    if not np.all(np.isfinite(fine)):
        raise ParameterError(name, str(expr), "phi is not finite on the whole real line")
    # candidate poles: isolated spikes of |phi| and its maximum; a pole is confirmed when zooming in
    # around it keeps raising the maximum (a smooth peak converges at once)
    inner = fine[2:-2]
    spikes = np.nonzero(inner > 2.0 * np.maximum(fine[:-4], fine[4:]) + 1e-12)[0] + 2
    cands = list(spikes[np.argsort(inner[spikes - 2])[::-1][:20]]) + [int(np.argmax(fine))]
    h = fine_x[1] - fine_x[0]
    for i in cands:
        x0, w, m = fine_x[i], 2 * h, fine[i]
        for _ in range(3):
            loc = np.linspace(x0 - w, x0 + w, 2001)
            lv = np.abs(f(loc))
            if not np.all(np.isfinite(lv)):
                m_new = math.inf
            else:
                m_new = float(lv.max())
            if m_new <= 1.5 * m + 1e-12:
                break
            x0, w, m = loc[int(np.argmax(lv))] if math.isfinite(m_new) else x0, w / 100, m_new
        else:
            raise ParameterError(name, str(expr), f"phi has a pole or singularity near x = {x0:.4g} (|phi| grows "
                                 "without bound there): the theory needs phi finite on the whole real line")
    big = np.abs(f(np.array([x_max / 2, x_max, -x_max / 2, -x_max])))
    scale = max(1.0, abs(at0))
    for lo, hi in ((big[0], big[1]), (big[2], big[3])):
        if hi > 1e3 * scale and hi > lo and math.log(hi / max(lo, 1e-300)) / math.log(2.0) > MAX_GROWTH_POWER + 0.5:
            raise ParameterError(name, str(expr), f"phi grows faster than |x|^{MAX_GROWTH_POWER} for large |x|: "
                                 "its Gaussian averages diverge as the variance grows")
    if bounded:
        far = np.abs(f(np.array([-1e3, -1e4, 1e3, 1e4])))
        if not np.all(np.isfinite(far)) or far.max() > 1e3 * max(1.0, float(fine.max())) or \
                far[1] > 2 * far[0] + 1e-9 or far[3] > 2 * far[2] + 1e-9:
            raise ParameterError(name, str(expr), "this theory needs a bounded phi (e.g. tanh, erf, sigmoid)")
    return f
