"""Common subexpression elimination: an arithmetic value computed twice is computed once.

Forward mode over generated reverse code meets the same value twice: a jvp rule writes
``dt3 = dt2 * np.exp(t2 - t3)`` (logaddexp's slope) where the gradient's own code goes on to
compute ``t6 = t2 - t3; t7 = np.exp(t6)``. Values are numbered (a name assigned once stands
for its value's number, so ``np.exp(t6)`` and ``np.exp(t2 - t3)`` get one number), and the
second computation reads the first one's result: hoisted into a fresh name just before the
statement that computes it first, where it was part of a larger expression.

Accepts a function body (a list of statements) and the `pure` and `resolve` tests of the
code's names; returns the body. It rewrites only the function's top-level statements, and
only in code with no effect at all: every call pure, no item, attribute or augmented
assignment anywhere (so a value read twice is the same both times), every name it relies on
assigned once. Only arithmetic and numpy ufunc calls are merged, evaluated unconditionally
(not under ``if`` expressions, ``and``/``or`` or lambdas); of the occurrences merged, at
most one is a whole assigned value, so two names never come to hold one array. Copy
propagation afterwards folds the ``t7 = t9`` this leaves.
"""

from __future__ import annotations

from collections.abc import Callable

import gast
import numpy as np

from ..ir import syntax as S
from ..naming import Namer

_UNKNOWN = None


def eliminate(body: list, pure: Callable, resolve: Callable) -> list:
    """Merge repeated arithmetic in `body` (changed in place and returned)."""
    stores: dict[str, int] = {}
    for node in S.walk(gast.Module(body=body, type_ignores=[])):
        if isinstance(node, gast.AugAssign) or (
            isinstance(node, (gast.Subscript, gast.Attribute)) and isinstance(node.ctx, gast.Store)
        ):
            return body  # something changes in place: a value read twice may differ
        if isinstance(node, gast.Name) and not isinstance(node.ctx, gast.Load):
            stores[node.id] = stores.get(node.id, 0) + 1
    if not all(pure(s) for s in body if not isinstance(s, gast.FunctionDef)):
        return body
    numbering = _Numbering(stores)
    groups: dict[int, list] = {}  # value number -> its occurrences
    for index, statement in enumerate(body):
        if isinstance(statement, gast.Assign) and len(statement.targets) == 1:
            found = _operands(statement, "value", True, resolve)
        elif isinstance(statement, (gast.Return, gast.Expr)) and statement.value is not None:
            found = _operands(statement, "value", True, resolve)
        else:
            found = iter(())
        for parent, field, node, escapes in found:
            number = numbering.number(node)
            if number is not _UNKNOWN and _mergeable(node, resolve):
                groups.setdefault(number, []).append((index, parent, field, node, escapes))
        if isinstance(statement, gast.Assign):
            target = statement.targets[0]
            if isinstance(target, gast.Name) and stores.get(target.id) == 1:
                numbering.define(target.id, statement.value)
            numbering.opaque |= {n for n in S.names_stored(target) if stores.get(n) == 1}
    return _rewrite(body, groups, stores)


def _rewrite(body: list, groups: dict, stores: dict) -> list:
    namer = Namer(S.all_names(gast.Module(body=body, type_ignores=[])))
    hoisted: dict[int, list] = {}  # statement index -> assignments to insert before it
    gone: set = set()  # nodes of expressions replaced by a name
    # Largest expressions first: their parts are merged with them.
    for number in sorted(groups, key=lambda n: -_size(groups[n][0][3])):
        found = [o for o in groups[number] if not any(o[3] is g for g in gone)]
        # One occurrence may escape (be assigned, returned, passed on); the others are
        # operands of arithmetic, which makes new arrays: no two names share one array.
        if len(found) < 2 or sum(1 for o in found if o[4]) > 1:
            continue
        index, parent, field, node, _ = found[0]
        statement = body[index]
        if (
            isinstance(statement, gast.Assign)
            and statement.value is node
            and stores.get(statement.targets[0].id) == 1
        ):
            name = statement.targets[0].id  # computed whole first: later ones read it
        else:
            name = namer.fresh("t")
            hoisted.setdefault(index, []).append(S.assign(name, node))
            _replace(parent, field, node, S.name(name))
        for _, parent, field, node, _ in found[1:]:
            gone.update(S.walk(node))
            _replace(parent, field, node, S.name(name))
    out = []
    for index, statement in enumerate(body):
        out += hoisted.get(index, [])[::-1]  # parts (hoisted later) before what reads them
        out.append(statement)
    return out


def _replace(parent, field: str, node, new) -> None:
    value = getattr(parent, field)
    if isinstance(value, list):
        value[[i for i, v in enumerate(value) if v is node][0]] = new
    else:
        setattr(parent, field, new)


def _size(node) -> int:
    return sum(1 for _ in S.walk(node))


def _operands(parent, field: str, escapes: bool, resolve: Callable):
    """(parent, field, node, escapes) for the expression in `parent.field` and each part of
    it certainly evaluated (not under ``if`` expressions, ``and``/``or``, lambdas), inner
    ones first; `escapes`: the value is kept or passed on, not only an operand of
    arithmetic."""
    node = getattr(parent, field)
    if isinstance(node, gast.BinOp):
        yield from _operands(node, "left", False, resolve)
        yield from _operands(node, "right", False, resolve)
    elif isinstance(node, gast.UnaryOp):
        yield from _operands(node, "operand", False, resolve)
    elif isinstance(node, gast.Call):
        inner = not _mergeable(node, resolve)
        for i in range(len(node.args)):
            holder = _Item(node.args, i)
            for found in _operands(holder, "item", inner, resolve):
                yield (node, "args", *found[2:]) if found[0] is holder else found
        for keyword in node.keywords:
            yield from _operands(keyword, "value", True, resolve)
    elif isinstance(node, gast.Tuple):
        for i in range(len(node.elts)):
            holder = _Item(node.elts, i)
            for found in _operands(holder, "item", True, resolve):
                yield (node, "elts", *found[2:]) if found[0] is holder else found
    yield parent, field, node, escapes


class _Item:
    """One item of a list field, seen as a field of its own."""

    def __init__(self, items: list, index: int):
        self.item = items[index]


def _mergeable(node, resolve: Callable) -> bool:
    if isinstance(node, gast.BinOp):
        return True
    if isinstance(node, gast.UnaryOp):
        return not isinstance(node.op, gast.Not)
    if isinstance(node, gast.Call):
        return isinstance(resolve(node.func), np.ufunc) and not node.keywords
    return False


class _Numbering:
    """Value numbers of expressions: equal numbers, equal values (in code without effects
    whose names it relies on are assigned once)."""

    def __init__(self, stores: dict):
        self.stores = stores
        self.numbers: dict = {}  # key -> number
        self.names: dict[str, int] = {}  # a name assigned once -> its value's number
        self.opaque: set[str] = set()  # names assigned once so far, values not numbered

    def define(self, name: str, value) -> None:
        number = self.number(value)
        if number is not _UNKNOWN:
            self.names[name] = number

    def _of(self, key) -> int:
        return self.numbers.setdefault(key, len(self.numbers))

    def number(self, node):
        if isinstance(node, gast.Name) and node.id in self.names:
            return self.names[node.id]  # the number of its value
        key = self._key(node)
        return _UNKNOWN if key is None else self._of(key)

    def _key(self, node):
        if isinstance(node, gast.Name):
            # a parameter or global (never assigned here), or a name assigned once before
            known = node.id in self.opaque or node.id not in self.stores
            return ("name", node.id) if known else None
        if isinstance(node, gast.Constant):
            return ("const", type(node.value).__name__, repr(node.value))
        if isinstance(node, gast.Attribute):
            inner = self.number(node.value)
            return None if inner is _UNKNOWN else ("attr", inner, node.attr)
        parts = [self.number(c) for c in _children(node)]
        if _UNKNOWN in parts or not _children_known(node):
            return None
        if isinstance(node, gast.Call):
            names = tuple(k.arg for k in node.keywords)
            return ("call", len(node.args), names, *parts)
        op = getattr(node, "op", None)
        return (type(node).__name__, type(op).__name__ if op is not None else "", *parts)


def _children_known(node) -> bool:
    if isinstance(node, gast.Call):
        return not any(isinstance(a, gast.Starred) for a in node.args) and all(
            k.arg is not None for k in node.keywords
        )
    return isinstance(node, (gast.BinOp, gast.UnaryOp, gast.Tuple))


def _children(node) -> list:
    if isinstance(node, gast.BinOp):
        return [node.left, node.right]
    if isinstance(node, gast.UnaryOp):
        return [node.operand]
    if isinstance(node, gast.Call):
        return [node.func, *node.args, *(k.value for k in node.keywords)]
    if isinstance(node, gast.Tuple):
        return list(node.elts)
    return []
