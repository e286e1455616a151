"""Constant folding for rule templates.

`static_value` evaluates an expression made only of constants (numbers, strings, None,
tuples, comparisons, `and`/`or`/`not`, arithmetic on numbers, `len` of a constant tuple).
``static(test)`` is the value of `test` if it is constant and False otherwise: rule templates
write ``if static(y == 2):`` for a special case that must never become a run-time test.
`fold_static_ifs` replaces an ``if`` whose test is such an expression by the branch it takes;
rule templates rely on it to specialise on ``nb`` and on constant arguments such as
``axis=None``. It accepts and returns plain gast statements; nothing else changes.
"""

from __future__ import annotations

import operator

import gast

from ..ir import syntax as S

_NOT_CONSTANT = object()

_BINOPS = {
    gast.Add: operator.add,
    gast.Sub: operator.sub,
    gast.Mult: operator.mul,
    gast.FloorDiv: operator.floordiv,
    gast.Mod: operator.mod,
    gast.Div: operator.truediv,
}
_CMPOPS = {
    gast.Eq: operator.eq,
    gast.NotEq: operator.ne,
    gast.Lt: operator.lt,
    gast.LtE: operator.le,
    gast.Gt: operator.gt,
    gast.GtE: operator.ge,
    gast.Is: operator.is_,
    gast.IsNot: operator.is_not,
    gast.In: lambda a, b: a in b,
    gast.NotIn: lambda a, b: a not in b,
}


def static_value(node, ndims: dict | None = None):
    """The value of a constant expression, or `_NOT_CONSTANT`.

    `ndims` maps names to their known number of dimensions, for ``ndim(x)`` in templates.
    """
    try:
        return _eval(node, ndims or {})
    except (TypeError, ValueError, ZeroDivisionError, KeyError, IndexError, OverflowError):
        return _NOT_CONSTANT


def _eval(node, ndims):
    if isinstance(node, gast.Constant):
        return node.value
    if isinstance(node, gast.Tuple):
        values = tuple(_eval(e, ndims) for e in node.elts)
        return _NOT_CONSTANT if _NOT_CONSTANT in values else values
    if isinstance(node, gast.UnaryOp):
        v = _eval(node.operand, ndims)
        if v is _NOT_CONSTANT:
            return v
        if isinstance(node.op, gast.Not):
            return not v
        if isinstance(node.op, gast.USub) and isinstance(v, (int, float)):
            return -v
        return _NOT_CONSTANT
    if isinstance(node, gast.BoolOp):
        return _eval_boolop(node, ndims)
    if isinstance(node, gast.BinOp):
        fn = _BINOPS.get(type(node.op))
        left, right = _eval(node.left, ndims), _eval(node.right, ndims)
        if fn is None or _NOT_CONSTANT in (left, right):
            return _NOT_CONSTANT
        if not all(isinstance(v, (int, float, tuple, str)) for v in (left, right)):
            return _NOT_CONSTANT
        return fn(left, right)
    if isinstance(node, gast.Compare) and len(node.ops) == 1:
        fn = _CMPOPS.get(type(node.ops[0]))
        left, right = _eval(node.left, ndims), _eval(node.comparators[0], ndims)
        if fn is None or _NOT_CONSTANT in (left, right):
            return _NOT_CONSTANT
        return fn(left, right)
    if isinstance(node, gast.Call):
        return _eval_call(node, ndims)
    return _NOT_CONSTANT


def _eval_boolop(node: gast.BoolOp, ndims):
    """`a and b`, `a or b`: the value Python gives, if every operand's is known."""
    values = [_eval(v, ndims) for v in node.values]
    if isinstance(node.op, gast.And):
        for v in values:
            if v is _NOT_CONSTANT:
                return v
            if not v:
                return v
        return values[-1]
    for v in values:
        if v is _NOT_CONSTANT:
            return v
        if v:
            return v
    return values[-1]


def _eval_call(node: gast.Call, ndims):
    """The calls rule templates test: static(...), real(x), same_shape(...), ndim(x), len and
    tuple of known values."""
    if isinstance(node, gast.Call) and S.is_name(node.func, "static") and len(node.args) == 1:
        # static(test) in a rule template: the test's value if it is known now, else False
        value = static_value(node.args[0], ndims)
        return False if value is _NOT_CONSTANT else value
    if isinstance(node, gast.Call) and S.is_name(node.func, "real") and len(node.args) == 1:
        arg = node.args[0]
        if isinstance(arg, gast.Name):
            return arg.id in ndims.get("__real__", ())
        if isinstance(arg, gast.Constant):
            return not isinstance(arg.value, complex)
        return _NOT_CONSTANT
    if isinstance(node, gast.Call) and S.is_name(node.func, "same_shape") and node.args:
        # one shape class for all (analyze.ndims keeps the classes under "__shapes__")
        classes = (ndims or {}).get("__shapes__", {})
        found = [classes.get(a.id) if isinstance(a, gast.Name) else None for a in node.args]
        return found[0] is not None and all(c == found[0] for c in found)
    if isinstance(node, gast.Call) and S.is_name(node.func, "ndim") and len(node.args) == 1:
        arg = node.args[0]
        if isinstance(arg, gast.Name) and arg.id in ndims:
            return ndims[arg.id]
        if isinstance(arg, gast.Constant) and isinstance(arg.value, (int, float, complex)):
            return 0
        return _NOT_CONSTANT
    if (
        isinstance(node, gast.Call)
        and isinstance(node.func, gast.Name)
        and node.func.id in ("len", "tuple")
        and len(node.args) == 1
        and not node.keywords
    ):
        v = _eval(node.args[0], ndims)
        if v is _NOT_CONSTANT or not isinstance(v, (tuple, str)):
            return _NOT_CONSTANT
        return len(v) if node.func.id == "len" else tuple(v)
    return _NOT_CONSTANT


def fold_static_ifs(stmts: list, ndims: dict | None = None) -> list:
    out = []
    for s in stmts:
        if isinstance(s, gast.If):
            value = static_value(s.test, ndims)
            if value is not _NOT_CONSTANT:
                out.extend(fold_static_ifs(s.body if value else s.orelse, ndims))
                continue
            s.body = fold_static_ifs(s.body, ndims) or [gast.Pass()]
            s.orelse = fold_static_ifs(s.orelse, ndims)
        elif isinstance(s, (gast.For, gast.While)):
            s.body = fold_static_ifs(s.body, ndims) or [gast.Pass()]
        out.append(s)
    return out
