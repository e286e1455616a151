"""How a normalized right-hand side passes derivatives: argument binding and operands.

`rule_call_arguments` maps a call (or method call) to the positional and keyword atoms of the
primitive it stands for; `bind` matches them to a rule template's parameters;
`derivative_operands` names the variables a right-hand side's derivative flows from. Pure
functions of the tree and the resolution; nothing is modified.
"""

from __future__ import annotations

import inspect

import gast

from ..ir import syntax as S
from ..ir.resolution import Resolution, Target
from ..rules.template import BindError, Rule, Template, bind_call, differentiable_params

# Operators whose result carries no derivative.
NONDIFF_BINOPS = (gast.FloorDiv, gast.BitAnd, gast.BitOr, gast.BitXor, gast.LShift, gast.RShift)
NONDIFF_UNARY = (gast.Not, gast.Invert)


def rule_call_arguments(call: gast.Call, target: Target) -> tuple[list, dict]:
    keywords = {k.arg: k.value for k in call.keywords if k.arg is not None}
    if any(k.arg is None for k in call.keywords) or any(
        isinstance(a, gast.Starred) for a in call.args
    ):
        raise BindError(
            "srcad cannot match *args or **kwargs in a call to "
            f"{target.label} with its derivative rule"
        )
    if target.kind == "method":
        return target.method.arguments(call.func.value, list(call.args), keywords)
    return list(call.args), keywords


def bind(call: gast.Call, target: Target, template: Template) -> dict[str, gast.expr]:
    args, keywords = rule_call_arguments(call, target)
    return bind_call(template, target.rule, args, keywords)


def some_template(rule: Rule) -> Template | None:
    return rule.vjp or rule.jvp


def bind_function(call: gast.Call, fn) -> inspect.BoundArguments | None:
    """Bind a call's atoms to a Python function's parameters (None if it cannot be done)."""
    try:
        sig = inspect.signature(fn, follow_wrapped=False)
    except (TypeError, ValueError):
        return None
    if any(isinstance(a, gast.Starred) for a in call.args) or any(
        k.arg is None for k in call.keywords
    ):
        return None
    try:
        return sig.bind(*call.args, **{k.arg: k.value for k in call.keywords})
    except TypeError:
        return None


def _names(nodes) -> set[str]:
    out = set()
    for n in nodes:
        for m in S.walk(n):
            if isinstance(m, gast.Name) and isinstance(m.ctx, gast.Load):
                out.add(m.id)
    return out


def derivative_operands(rhs, resolution: Resolution) -> set[str]:
    """Names whose derivatives flow into the value of `rhs` (a normalized right-hand side)."""
    if isinstance(rhs, gast.Name):
        return {rhs.id}
    if isinstance(rhs, (gast.Constant, gast.JoinedStr, gast.Lambda)):
        return set()
    if isinstance(rhs, gast.BinOp):
        if isinstance(rhs.op, NONDIFF_BINOPS):
            return set()
        return _names([rhs.left, rhs.right])
    if isinstance(rhs, gast.UnaryOp):
        return set() if isinstance(rhs.op, NONDIFF_UNARY) else _names([rhs.operand])
    if isinstance(rhs, gast.Compare):
        return set()
    if isinstance(rhs, (gast.Tuple, gast.List)):
        return _names(rhs.elts)
    if isinstance(rhs, gast.Dict):
        return _names(rhs.values)
    if isinstance(rhs, gast.Subscript):
        return _names([rhs.value])
    if isinstance(rhs, gast.Attribute):
        if rhs in resolution.constants:
            return set()
        entry = resolution.attributes.get(rhs)
        if entry is not None and entry.primitive is None:
            return set()
        return _names([rhs.value])
    if isinstance(rhs, gast.Call):
        return call_operands(rhs, resolution)
    return _names([rhs])


def call_operands(call: gast.Call, resolution: Resolution) -> set[str]:
    target = resolution.call(call)
    everything = _names(call.args + [k.value for k in call.keywords])
    if target.kind == "method" or _unknown_method(call, target):
        everything |= _names([call.func.value])  # the receiver: x.compress(...) depends on x
    if target.kind == "local":
        # A function held in a variable carries what it was made from (a closure of x).
        everything |= _names([call.func])
    if target.kind == "rule" and getattr(target.obj, "__srcad_made_from__", False):
        return everything  # rt.closure: a function holding what it captured
    if target.kind == "rule" and getattr(target.obj, "__srcad_dispatch__", False):
        # a dispatch site's vjp/jvp (srcad.build.dispatch): made from the callable alone
        return _names(call.args[:1])
    if target.kind in ("rule", "method") and target.rule is not None:
        if target.rule.nondiff:
            return set()
        template = some_template(target.rule)
        if template is None:
            return everything
        try:
            bound = bind(call, target, template)
        except BindError:
            return everything
        params = differentiable_params(target.rule)
        return _names([bound[p] for p in params if p in bound])
    return everything


def _unknown_method(call: gast.Call, target: Target) -> bool:
    """A method srcad has no table entry for, called on a local (x.compress(...))."""
    return target.kind == "unknown" and target.obj is None and isinstance(call.func, gast.Attribute)
