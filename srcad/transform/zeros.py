"""Zero propagation: derivatives known to be zero disappear with everything they feed.

`simplify` rewrites an expression that may contain `Zero` nodes: ``0 + e -> e``,
``0 * e -> 0``, ``f(0) -> 0`` for functions linear in that argument (their registry entries'
``linear`` and ``bilinear``, declared by the rule tables), ``0[i] -> 0``. A `Zero` that cannot
be simplified away (an argument of a function that is not linear in it, an element of a tuple)
is materialized as ``zeros_like(v)`` of the primal
it stands for. Accepts and returns gast expressions; the result is `Zero` or free of them.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable

import gast

from ..ir import syntax as S
from ..ir.dnotation import Zero
from ..rules.methods import ATTRIBUTES, METHODS
from ..rules.template import lookup


def _linear_member(member) -> bool:
    """Whether the primitive an array method or attribute stands for (x.sum() for np.sum,
    x.T for np.transpose: `srcad.rules.methods`) is linear in the array."""
    rule = lookup(member.primitive) if member is not None else None
    template = rule and (rule.vjp or rule.jvp)
    return bool(template and template.params and template.params[0] in rule.linear)


def is_zero(node) -> bool:
    return isinstance(node, Zero)


class Simplifier:
    """Simplify expressions with zeros; `resolve` maps a callee expression to its object."""

    def __init__(self, resolve: Callable, materialize: Callable[[str | None], gast.expr]):
        self._resolve = resolve
        self._materialize = materialize

    def expr(self, node):
        if isinstance(node, Zero):
            return node
        if isinstance(node, gast.BinOp):
            return self._binop(node)
        if isinstance(node, gast.UnaryOp):
            operand = self.expr(node.operand)
            if is_zero(operand) and isinstance(node.op, (gast.USub, gast.UAdd)):
                return operand
            node.operand = self.force(operand)
            return node
        if isinstance(node, gast.Call):
            return self._call(node)
        if isinstance(node, gast.Subscript):
            value = self.expr(node.value)
            if is_zero(value):
                return Zero(like=None)
            node.value = value
            node.slice = self.force(self.expr(node.slice))
            return node
        if isinstance(node, gast.Attribute):
            value = self.expr(node.value)
            if is_zero(value):
                if _linear_member(ATTRIBUTES.get(node.attr)):
                    return Zero(like=None)
                value = self.force(value)
            node.value = value
            return node
        if isinstance(node, (gast.Tuple, gast.List)):
            node.elts = [self.force(self.expr(e)) for e in node.elts]
            return node
        if isinstance(node, gast.Dict):
            node.values = [self.force(self.expr(v)) for v in node.values]
            return node
        if isinstance(node, gast.IfExp):
            node.body = self.force(self.expr(node.body))
            node.orelse = self.force(self.expr(node.orelse))
            node.test = self.force(self.expr(node.test))
            return node
        for field, value in gast.iter_fields(node):
            if isinstance(value, gast.AST) and not isinstance(value, (gast.expr_context,)):
                setattr(node, field, self.force(self.expr(value)))
        return node

    def force(self, node):
        """`node` with any zero materialized."""
        if isinstance(node, Zero):
            return self._materialize(node.like)
        return node

    def _binop(self, node: gast.BinOp):
        left = self.expr(node.left)
        right = self.expr(node.right)
        op = node.op
        if isinstance(op, gast.Add):
            if is_zero(left):
                return right
            if is_zero(right):
                return left
        elif isinstance(op, gast.Sub):
            if is_zero(right):
                return left
            if is_zero(left):
                return right if is_zero(right) else gast.UnaryOp(gast.USub(), right)
        elif isinstance(op, (gast.Mult, gast.MatMult)):
            if is_zero(left) or is_zero(right):
                return Zero(like=None)
        elif isinstance(op, (gast.Div, gast.FloorDiv, gast.Mod)):
            if is_zero(left):
                return Zero(like=None)
        node.left, node.right = self.force(left), self.force(right)
        return node

    def _call(self, node: gast.Call):
        args = [self.expr(a) for a in node.args]
        keywords = [(k, self.expr(k.value)) for k in node.keywords]
        zero_positions = {i for i, a in enumerate(args) if is_zero(a)}
        zero_keywords = {k.arg for k, v in keywords if is_zero(v)}
        if zero_positions or zero_keywords:
            given = {k.arg for k, _ in keywords}
            if self._is_zero_call(node, zero_positions, zero_keywords, len(args), given):
                return Zero(like=None)
        node.args = [self.force(a) for a in args]
        for k, v in keywords:
            k.value = self.force(v)
        node.func = (
            self.force(self.expr(node.func)) if not isinstance(node.func, gast.Name) else node.func
        )
        return node

    def _is_zero_call(self, node, zero_positions, zero_keywords, nargs, given) -> bool:
        if (
            isinstance(node.func, gast.Attribute)
            and _linear_member(METHODS.get(node.func.attr))
            and (isinstance(node.func.value, Zero))
        ):
            return True
        obj = self._resolve(node.func)
        if obj is None:
            return False
        rule = lookup(obj)
        if rule is None:
            return False
        names = _param_names(obj, rule, nargs)
        zero_params = {names[i] for i in zero_positions if i < len(names)} | zero_keywords
        if rule.bilinear and zero_params & set(rule.bilinear):
            return True
        # A linear parameter left out (np.diff's prepend) adds nothing: the given ones decide.
        linear = set(rule.linear) & (given | set(names[:nargs]))
        return bool(linear) and linear <= zero_params


def _param_names(obj, rule, nargs) -> list[str]:
    template = rule.vjp or rule.jvp
    if template is not None:
        return list(template.params)
    try:
        return list(inspect.signature(obj).parameters)
    except (TypeError, ValueError):
        return [f"arg{i}" for i in range(nargs)]


def zero_call(fn_name: str, like: str, batch_expr=None) -> gast.expr:
    args = [S.name(like)]
    if batch_expr is not None:
        args.append(batch_expr)
    return S.call(gast.Attribute(S.name(fn_name), "zeros_like", gast.Load()), args)
