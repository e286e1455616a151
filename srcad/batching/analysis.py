"""Which values of a normalized function carry the batch axis, for `srcad.vmap`.

A value is *batched* when it depends on a batched argument: each of its array leaves then
has one entry per example along a first axis. Batchedness is ``True`` (every leaf batched),
``False`` (none: the value is the same for every example) or, for a tuple whose items
differ, a tuple of batchedness (the residuals a forward sweep hands its backward sweep hold
both the batched activations and the unbatched weights). The analysis is flow-insensitive:
a name assigned both kinds of value is batched, and the unbatched assignments give their
value the batch axis (`srcad.batching.transform`).

Control flow that depends on a batched value would take a different path for each example:
it is refused, with the user's line, as JAX refuses it (``jnp.where`` or ``np.where``
computes both branches).

Accepts a function in A-normal form (`srcad.normalize`); returns {name: batchedness}; the
tree is not changed.
"""

from __future__ import annotations

from collections.abc import Callable

import gast

from ..errors import UnsupportedOperationError
from ..fence import location
from ..ir import syntax as S
from ..ir.resolution import Resolution

Batched = bool | tuple


def join(a: Batched, b: Batched) -> Batched:
    """The batchedness of a name assigned values of batchedness `a` and `b`."""
    if a == b:
        return a
    if a is False:
        return b
    if b is False:
        return a
    if isinstance(a, tuple) and isinstance(b, tuple) and len(a) == len(b):
        return tuple_of([join(x, y) for x, y in zip(a, b)])
    return True  # two different structures: every leaf batched


def any_batched(b: Batched) -> bool:
    if isinstance(b, tuple):
        return any(any_batched(e) for e in b)
    return bool(b)


def item(b: Batched, index) -> Batched:
    """The batchedness of item `index` of a value of batchedness `b`."""
    if isinstance(b, tuple):
        if isinstance(index, int) and -len(b) <= index < len(b):
            return b[index]
        return True if any_batched(b) else False
    return b


def tuple_of(items: list[Batched]) -> Batched:
    if not any(any_batched(e) for e in items):
        return False
    if all(e is True for e in items):
        return True
    return tuple(items)


class Analysis:
    """The fixed point. `rule(value)` is the batchedness of what a right-hand side with
    batched operands computes, as the batching rules compute it (they run dry, against
    `names`), so that the analysis and the transform agree; for a call of a user function
    that generates the callee's batched code."""

    def __init__(
        self,
        fdef: gast.FunctionDef,
        params: dict[str, Batched],
        resolution: Resolution,
        rule: Callable,
        filename: str,
    ):
        self.fdef, self.resolution, self.filename = fdef, resolution, filename
        self.rule = rule
        self.names: dict[str, Batched] = dict(params)

    def of(self, node) -> Batched:
        """The batchedness of an atom."""
        if isinstance(node, gast.Name):
            return self.names.get(node.id, False)
        if isinstance(node, (gast.Tuple, gast.List)):
            return tuple_of([self.of(e) for e in node.elts])
        return False

    def rhs(self, value) -> Batched:
        """The batchedness of the value a right-hand side computes."""
        if isinstance(value, gast.Name):
            return self.of(value)
        if isinstance(value, gast.Tuple):
            return tuple_of([self.of(e) for e in value.elts])
        if isinstance(value, (gast.List, gast.Set)):
            return any_batched(tuple_of([self.of(e) for e in value.elts]))
        if isinstance(value, gast.Dict):
            return any(any_batched(self.of(v)) for v in value.values)
        if isinstance(value, gast.Subscript):
            index = value.slice
            inner = self.of(value.value)
            if isinstance(index, gast.Constant) and isinstance(inner, tuple):
                return item(inner, index.value)
        if not any(any_batched(self.of(n)) for n in _atoms(value)):
            return False
        return self.rule(value)

    def run(self) -> dict[str, Batched]:
        statements = list(_in_order(self.fdef.body))
        for _ in range(10):
            before = dict(self.names)
            for stmt in statements:
                self._statement(stmt)
            if self.names == before:
                break
        for stmt in statements:
            self._refuse_batched_control(stmt)
        return self.names

    def _set(self, name: str, b: Batched) -> None:
        self.names[name] = join(self.names.get(name, False), b)

    def _statement(self, stmt) -> None:
        if isinstance(stmt, gast.Assign):
            target = stmt.targets[0]
            if isinstance(target, gast.Name):
                self._set(target.id, self.rhs(stmt.value))
            elif isinstance(target, (gast.Tuple, gast.List)):
                whole = self.rhs(stmt.value)
                for i, elt in enumerate(target.elts):
                    if isinstance(elt, gast.Name):
                        self._set(elt.id, item(whole, i))
            elif isinstance(target, gast.Subscript) and isinstance(target.value, gast.Name):
                changed = self.of(stmt.value)
                index = [self.of(n) for n in _atoms(target.slice)]
                if any_batched(changed) or any(any_batched(b) for b in index):
                    self._set(target.value.id, True)
        elif isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.Call):
            call = stmt.value
            # A method that changes its object (l.append(v)): the object gets the batch axis
            # when what goes in has it.
            if isinstance(call.func, gast.Attribute) and isinstance(call.func.value, gast.Name):
                if any(any_batched(self.of(a)) for a in call.args):
                    self._set(call.func.value.id, True)

    def _refuse_batched_control(self, stmt) -> None:
        if isinstance(stmt, (gast.If, gast.While)):
            tested = [n for n in _atoms(stmt.test) if any_batched(self.of(n))]
            what = "if" if isinstance(stmt, gast.If) else "while"
        elif isinstance(stmt, gast.For):
            tested = [n for n in _atoms(stmt.iter) if any_batched(self.of(n))]
            what = "for"
        else:
            return
        if tested:
            name = tested[0].id
            raise UnsupportedOperationError(
                f"vmap: this {what} depends on {_user_name(name)}, which differs from one "
                "example to the next, so each example would take its own path (as in JAX, "
                "control flow on batched values is refused)",
                location(stmt, self.filename, self.fdef.name),
                hint="compute both branches and pick with np.where(condition, a, b), or "
                "loop over the examples yourself",
            )


def _in_order(stmts: list):
    """Every statement, nested ones too, in the order they are written."""
    for s in stmts:
        yield s
        for block in (getattr(s, "body", None), getattr(s, "orelse", None)):
            if isinstance(block, list):
                yield from _in_order(block)


def _user_name(name: str) -> str:
    return f"{name!r}" if not name.startswith("t") or not name[1:].isdigit() else "a value"


def _atoms(node) -> list:
    return [n for n in S.walk(node) if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load)]
