"""Algebraic clean-ups of generated code that make it read (and run) like hand-written code.

* ``X = np.broadcast_to(s, np.shape(A))`` with a scalar `s`, read only in elementwise
  products ``X * E`` where `E` provably has `A`'s shape, becomes ``s * E`` in each (the
  product broadcasts by itself), or just ``E`` when `s` is the seed 1.0 of `grad`, and the
  broadcast goes. This is the adjoint of ``np.sum`` meeting the next rules; with the seed
  gone, the forward values computed only for the output are dead too. ``rt.fit(e, A)`` of
  a scalar expression `e` (``b_result / rt.count(A)``, the adjoint of ``np.mean``) goes the
  same way: each product gets a copy of `e` (its names are assigned once, so it has the
  same value there), with the seed 1.0 written in for the seed's name.

Shapes are compared through a small "same shape" relation over names: ``t = u ** 2``,
``t = 2 * u``, ``t = np.tanh(u)``, ``t = np.logaddexp(0.0, u)`` (elementwise with scalar
constants) give `t` the shape of `u`; and through the shape classes of the primal values
(`analyze.ndims`: values computed elementwise from the same argument). Accepts and returns a
function body; it is rewritten in place.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import gast
import numpy as np

from .. import runtime
from ..ir import syntax as S


def _scalar_const(node) -> bool:
    return (
        isinstance(node, gast.Constant)
        and isinstance(node.value, (int, float))
        and (not isinstance(node.value, bool))
    )


class Shapes:
    """Union-find over names whose values certainly have the same shape."""

    def __init__(self):
        self.parent: dict[str, str] = {}
        self.classes: dict = {}  # name -> shape class of a primal value (analyze.ndims)

    def find(self, name: str) -> str:
        while self.parent.get(name, name) != name:
            name = self.parent[name]
        return name

    def union(self, a: str, b: str) -> None:
        self.parent[self.find(a)] = self.find(b)

    def same(self, a: str, b: str) -> bool:
        if self.find(a) == self.find(b):
            return True
        known = self.classes.get(a), self.classes.get(b)
        return known[0] is not None and known[0] == known[1]


def shape_relation(
    nodes, elementwise: Callable, scalars: set, resolve: Callable = lambda func: None
) -> Shapes:
    """`nodes`: every node of the code (as `S.walk` lists them)."""
    shapes = Shapes()
    for s in nodes:
        if not (isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Name)):
            continue
        target, value = s.targets[0].id, s.value
        source = _same_shape_source(value, elementwise, scalars)
        if source is None:
            source = _ufunc_source(value, resolve, scalars)
        if source is not None:
            shapes.union(target, source)
    return shapes


def _ufunc_source(value, resolve: Callable, scalars) -> str | None:
    """The name `u` of ``ufunc(c, u)`` (any position), its other operands scalar constants
    or scalar names: the result has `u`'s shape."""
    if not (isinstance(value, gast.Call) and not value.keywords and len(value.args) > 1):
        return None
    func = resolve(value.func)
    if not (isinstance(func, np.ufunc) and func.nout == 1 and func.nin == len(value.args)):
        return None
    names = [a for a in value.args if isinstance(a, gast.Name) and a.id not in scalars]
    others = [a for a in value.args if not any(a is n for n in names)]
    if len(names) != 1 or not all(_is_scalar(a, scalars) for a in others):
        return None
    return names[0].id


def _is_scalar(node, scalars) -> bool:
    return _scalar_const(node) or S.is_name(node) and node.id in scalars


def _same_shape_source(value, elementwise, scalars):
    """The name whose shape `value` certainly has, if any."""
    if isinstance(value, gast.Name):
        return value.id
    if isinstance(value, gast.BinOp) and not isinstance(value.op, gast.MatMult):
        left, right = value.left, value.right
        if isinstance(left, gast.Name) and (
            _scalar_const(right) or S.is_name(right) and right.id in scalars
        ):
            return left.id
        if isinstance(right, gast.Name) and (
            _scalar_const(left) or S.is_name(left) and left.id in scalars
        ):
            return right.id
        return None
    if isinstance(value, gast.UnaryOp) and isinstance(value.operand, gast.Name):
        return value.operand.id
    if (
        isinstance(value, gast.Call)
        and len(value.args) == 1
        and not value.keywords
        and (isinstance(value.args[0], gast.Name) and elementwise(value.func))
    ):
        return value.args[0].id
    return None


def simplify(
    body: list,
    elementwise: Callable,
    scalars: dict,
    classes: dict | None = None,
    resolve: Callable = lambda func: None,
) -> list:
    """`scalars`: names known to hold 0-d values, with their constant value or None;
    `classes`: the primal values' shape classes ({name: class}, see `analyze.ndims`);
    `resolve`: the object a callee expression names (None where unknown)."""
    uses, stores = S.name_counts(gast.Module(body=body, type_ignores=[]))
    broadcasts = {}
    bound = _BoundBefore(body)
    for i, s in enumerate(body):
        if isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Name):
            scalar, like = _scalar_broadcast(s.value, scalars)
            if scalar is None:
                before = functools.partial(bound.before, i)
                scalar, like = _scalar_fit(s.value, scalars, resolve, stores, before)
            if scalar is not None and stores.get(s.targets[0].id) == 1:
                broadcasts[s.targets[0].id] = (s, scalar, like)
    if not broadcasts:
        return body
    nodes = list(S.walk(gast.Module(body=body, type_ignores=[])))
    shapes = shape_relation(nodes, elementwise, scalars, resolve)
    shapes.classes = classes or {}
    products = _products(body, broadcasts, shapes, elementwise, scalars)
    # A broadcast goes only where every read of it is such a product.
    whole = {b for b, found in products.items() if len(found) == uses.get(b, 0)}
    dropped, touched = set(), set()
    for name in whole:
        stmt, scalar, _ = broadcasts[name]
        value = scalar.value if isinstance(scalar, gast.Constant) else None
        if isinstance(scalar, gast.Name):
            value = scalars.get(scalar.id)
        for statement, product, mine in products[name]:
            # times the seed 1.0: the other factor alone (a derivative, a float)
            replacement = S.const(1.0) if value == 1.0 else _copy_scalar(scalar, scalars)
            replacement.srcad_unit = value == 1.0
            setattr(product, mine, replacement)
            touched.add(statement)
        dropped.add(stmt)
    # An array changed in place later (y[0] = ..., the restores of the backward sweep) keeps
    # its product: `1.0 * y` is a new array with y's values now, `y` would be y itself, and
    # would show the later changes.
    changed = {
        n.value.id
        for n in nodes
        if isinstance(n, gast.Subscript)
        and isinstance(n.ctx, gast.Store)
        and isinstance(n.value, gast.Name)
    }
    changed |= {
        n.target.id
        for n in nodes
        if isinstance(n, gast.AugAssign) and isinstance(n.target, gast.Name)
    }
    return [_drop_unit_factors(s, changed) if s in touched else s for s in body if s not in dropped]


def _products(body, broadcasts, shapes, elementwise, scalars) -> dict:
    """{broadcast name: [(statement, product, side)]}: the products ``X * E`` that read a
    broadcast `X` where `E` has the shape `X` was broadcast to."""
    found: dict = {name: [] for name in broadcasts}
    for statement in body:
        for s in S.walk(statement):
            if not isinstance(s, gast.BinOp) or not isinstance(s.op, gast.Mult):
                continue
            for mine, other in (("left", "right"), ("right", "left")):
                node = getattr(s, mine)
                if isinstance(node, gast.Name) and node.id in broadcasts:
                    like = broadcasts[node.id][2]
                    if _has_shape_of(getattr(s, other), like, shapes, elementwise, scalars):
                        found[node.id].append((statement, s, mine))
                        break
    return found


def _scalar_broadcast(value, scalars):
    """(s, A) for ``np.broadcast_to(s, np.shape(A))`` with a scalar `s`."""
    if not (
        isinstance(value, gast.Call)
        and isinstance(value.func, gast.Attribute)
        and value.func.attr == "broadcast_to"
        and len(value.args) == 2
    ):
        return None, None
    scalar, shape = value.args
    if not (_scalar_const(scalar) or S.is_name(scalar) and scalar.id in scalars):
        return None, None
    if (
        isinstance(shape, gast.Call)
        and isinstance(shape.func, gast.Attribute)
        and shape.func.attr == "shape"
        and len(shape.args) == 1
        and isinstance(shape.args[0], gast.Name)
    ):
        return scalar, shape.args[0].id
    return None, None


class _BoundBefore:
    """The names the statements of `body` before the i-th bind, found as far as asked (most
    bodies never ask)."""

    def __init__(self, body: list):
        self.body, self.names, self.done = body, set(), 0

    def before(self, i: int) -> set:
        while self.done < i:
            self.names |= S.names_stored(self.body[self.done])
            self.done += 1
        return self.names


def _scalar_fit(value, scalars, resolve: Callable, stores: dict, before: Callable):
    """(e, A) for ``rt.fit(e, A)`` with `e` a scalar expression whose names are never
    assigned or assigned once, before (so a copy of `e` anywhere after has its value;
    `before()`: the names bound before)."""
    if not (
        isinstance(value, gast.Call)
        and len(value.args) == 2
        and not value.keywords
        and isinstance(value.args[1], gast.Name)
        and resolve(value.func) is runtime.fit
    ):
        return None, None
    scalar = value.args[0]
    if not _scalar_expression(scalar, scalars, resolve):
        return None, None
    for n in S.walk(scalar):
        if isinstance(n, gast.Name) and n.id in stores:
            if stores[n.id] > 1 or n.id not in before():
                return None, None
    return scalar, value.args[1].id


def _scalar_expression(node, scalars, resolve: Callable) -> bool:
    """A 0-d value: scalar constants and names, ``rt.count(a)``, and arithmetic on them."""
    if _is_scalar(node, scalars):
        return True
    if isinstance(node, gast.BinOp) and isinstance(
        node.op, (gast.Add, gast.Sub, gast.Mult, gast.Div)
    ):
        return _scalar_expression(node.left, scalars, resolve) and _scalar_expression(
            node.right, scalars, resolve
        )
    return (
        isinstance(node, gast.Call)
        and len(node.args) == 1
        and not node.keywords
        and isinstance(node.args[0], gast.Name)
        and resolve(node.func) is runtime.count
    )


def _copy_scalar(scalar, scalars):
    """A copy of the scalar expression, with the constant value of its names (the seed)."""
    if isinstance(scalar, gast.Name) and scalars.get(scalar.id) is not None:
        return S.const(scalars[scalar.id])
    copy = S.clone(scalar)
    for node in S.walk(copy):
        for field in ("left", "right"):
            child = getattr(node, field, None) if isinstance(node, gast.BinOp) else None
            if isinstance(child, gast.Name) and scalars.get(child.id) is not None:
                setattr(node, field, S.const(scalars[child.id]))
    return copy


def _has_shape_of(expr, name, shapes, elementwise, scalars) -> bool:
    if isinstance(expr, gast.Name):
        return shapes.same(expr.id, name)
    source = _same_shape_source(expr, elementwise, scalars)
    if source is not None:
        return shapes.same(source, name)
    if (
        isinstance(expr, gast.Call)
        and len(expr.args) == 1
        and not expr.keywords
        and elementwise(expr.func)
    ):
        # np.exp(t2 - t3): an elementwise function of an expression with the shape
        return _has_shape_of(expr.args[0], name, shapes, elementwise, scalars)
    if isinstance(expr, gast.BinOp) and not isinstance(expr.op, gast.MatMult):
        # a product of two operands that both have the shape
        return _has_shape_of(expr.left, name, shapes, elementwise, scalars) and _has_shape_of(
            expr.right, name, shapes, elementwise, scalars
        )
    return False


def _drop_unit_factors(node, changed: set):
    for field, value in gast.iter_fields(node):
        if isinstance(value, list):
            setattr(
                node,
                field,
                [_drop_unit_factors(v, changed) if isinstance(v, gast.AST) else v for v in value],
            )
        elif isinstance(value, gast.AST):
            setattr(node, field, _drop_unit_factors(value, changed))
    if isinstance(node, gast.BinOp) and isinstance(node.op, gast.Mult):
        for unit, other in ((node.left, node.right), (node.right, node.left)):
            if getattr(unit, "srcad_unit", False):
                if isinstance(other, gast.Name) and other.id in changed:
                    return node  # see `simplify`: the product copies an array changed later
                return other
    return node
