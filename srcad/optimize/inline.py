"""Forward substitution: a temporary that is read once is written where it is read.

Accepts a function body (after dead-code elimination) and the names that must stay: the
user's own variables, their adjoints and the parameters. A statement ``t = e`` whose target
is such a temporary (a name srcad made: ``t3``, ``bt3``), bound by this statement only, read
exactly once in the whole function, by a later statement of the same statement list, with a
pure `e`, is removed and `e` takes the place of that read:

    t3 = -x                      t4 = np.exp(-x)
    t4 = np.exp(t3)        ->    bx = -(t ** 2 * t4)
    bt3 = t ** 2 * t4
    bx = -bt3

Only plain assignments of pure values (and comment lines) may stand between the two, and
none may rebind a name `e` reads; the read must be in the value of an assignment, a return
or an expression statement (never in a loop or branch header or body, whose count of
evaluations differs). `e` and the expression it joins stay small, so lines stay readable.

Why: numpy reuses the buffer of a temporary that dies inside an expression (``a * b * c``
allocates one array, not two), so fewer named arrays mean fewer allocations and a lower
peak of memory, and the code reads like a gradient written by hand. Guarantees: the same
values are computed, in an order that differs only among pure expressions. Works in place
on trees the driver owns and returns the statements.
"""

from __future__ import annotations

from collections.abc import Callable

import gast

from ..ir import syntax as S

_MAX_OPERATIONS = 3  # in the expression moved
_MAX_JOINED = 6  # in the expression it joins, after the move


def substitute(body: list, keep: frozenset, pure: Callable[[gast.expr], bool]) -> list:
    """Forward-substitute the single-use temporaries of `body` (not the names in `keep`)."""
    loads, stores = S.name_counts(gast.Module(body=body, type_ignores=[]))
    once = {n for n, c in loads.items() if c == 1 and stores.get(n) == 1 and n not in keep}
    if not once:
        return body
    return _block(body, once, pure)


def _block(stmts: list, once: set, pure) -> list:
    removed: set[int] = set()
    reads = _Reads()
    for i, s in enumerate(stmts):
        for field in ("body", "orelse"):
            inner = getattr(s, field, None)
            if isinstance(inner, list) and not isinstance(s, gast.FunctionDef):
                setattr(s, field, _block(inner, once, pure))
        name = _candidate(s, once, pure)
        if name is not None and _move(stmts, i, name, pure, reads):
            removed.add(i)
    return [s for i, s in enumerate(stmts) if i not in removed]


class _Reads(dict):
    """The names each statement's value reads, kept while the statement is unchanged."""

    def of(self, s) -> set:
        found = self.get(id(s))
        if found is None or found[0] is not s.value:
            found = self[id(s)] = (s.value, S.names_loaded(s.value))
        return found[1]


def _candidate(s, once: set, pure) -> str | None:
    if not (isinstance(s, gast.Assign) and len(s.targets) == 1):
        return None
    target = s.targets[0]
    if not (isinstance(target, gast.Name) and target.id in once):
        return None
    if _operations(s.value) > _MAX_OPERATIONS or not pure(s.value):
        return None
    return target.id


def _move(stmts: list, i: int, name: str, pure, cache: _Reads) -> bool:
    """Put the value of ``stmts[i]`` (``name = e``) where `name` is read, if allowed."""
    value = stmts[i].value
    reads = cache.of(stmts[i])
    for s in stmts[i + 1 :]:
        if _is_comment(s):
            continue
        if isinstance(s, (gast.Assign, gast.Return, gast.Expr)) and s.value is not None:
            if name in cache.of(s):
                if _operations(s.value) + _operations(value) > _MAX_JOINED:
                    return False
                if isinstance(s, gast.Assign) and name in S.names_loaded(
                    gast.Module(body=[gast.Expr(value=t) for t in s.targets], type_ignores=[])
                ):
                    return False
                before = cache.of(s)
                s.value = _replace(s.value, name, value)
                cache[id(s)] = (s.value, (before - {name}) | reads)
                return True
        if not _transparent(s, reads, pure):
            return False
    return False


def _transparent(s, reads: set, pure) -> bool:
    """A statement the moved expression may be evaluated after: a plain assignment of a pure
    value that rebinds none of the names it reads."""
    if not (isinstance(s, gast.Assign) and len(s.targets) == 1):
        return False
    target = s.targets[0]
    names = [target] if isinstance(target, gast.Name) else getattr(target, "elts", None)
    if names is None or not all(isinstance(n, gast.Name) for n in names):
        return False
    return not ({n.id for n in names} & reads) and pure(s.value)


def _replace(node, name: str, value):
    if type(node) is gast.Name and node.id == name and type(node.ctx) is gast.Load:
        return value
    for field, child in gast.iter_fields(node):
        if isinstance(child, list):
            setattr(
                node,
                field,
                [_replace(c, name, value) if isinstance(c, gast.AST) else c for c in child],
            )
        elif isinstance(child, gast.AST):
            setattr(node, field, _replace(child, name, value))
    return node


_OPERATIONS = (gast.BinOp, gast.UnaryOp, gast.Call, gast.Compare)


def _operations(node) -> int:
    return sum(1 for n in S.walk(node) if isinstance(n, _OPERATIONS))


def _is_comment(s) -> bool:
    """The marker of a comment line (`emit.add_comments`), or any other string statement."""
    return (
        isinstance(s, gast.Expr)
        and isinstance(s.value, gast.Constant)
        and isinstance(s.value.value, str)
    )
