"""Normalize: ``nonlocal`` in the differentiated function itself.

Accepts a parsed function before the fence (which refuses ``nonlocal`` outside the nested
functions srcad.normalize.closures lifts) and the closure cells of the user's function. A
``nonlocal v`` statement of the function itself (not of a function nested in it) goes; the
function starts with ``v = read_cell(ref)``, and each statement that binds ``v`` is followed
by ``write_cell(ref, v)`` (the first statement of a for loop whose target is ``v``), where
``ref`` is a `srcad.runtime.CellRef` of the user's cell: the cell holds what it would hold
after each step of the user's code, and the function's code reads the same values. The
cell's value is a constant of the call (a derivative does not flow from one call to the
next), as for a global variable read.

Guarantees: a nonlocal variable that something else may write while the function runs (a
function nested in it declaring it nonlocal too, a call of another closure over the same
cell, ``del``) is refused with a located error, as is ``v += ...`` on a name srcad then
cannot tell is a number (that stays the closures pass's rule). Nothing else changes.
"""

from __future__ import annotations

import gast

from .. import runtime
from ..fence import refuse
from ..ir import syntax as S
from ..naming import Namer


def lower_own_nonlocals(fdef: gast.FunctionDef, namespace, filename: str, cells: dict) -> None:
    """Rewrite the function's own nonlocal statements (see the module docstring); `cells`
    receives the names the new code reads (the cell references and the two helpers)."""
    own = [n for n in S.walk_no_nested(fdef) if isinstance(n, gast.Nonlocal)]
    if not own:
        return
    names = [v for n in own for v in n.names]
    namer = Namer(S.all_names(fdef))
    read, write = namer.fresh("read_cell"), namer.fresh("write_cell")
    cells[read], cells[write] = runtime.read_cell, runtime.write_cell
    refs = {}
    for v in names:
        cell = namespace.cells.get(v)
        if cell is None:  # not a closure variable of the function (cannot happen in Python)
            refuse(own[0], filename, f"nonlocal {v}", "return the value instead", fdef.name)
        _check_alone(fdef, v, cell, namespace, filename)
        refs[v] = namer.fresh(f"{v}_cell")
        cells[refs[v]] = runtime.CellRef(cell)

    def written_back(s) -> list:
        if isinstance(s, gast.Nonlocal):
            return []
        stored = [v for v in names if v in _binds(s)]
        if isinstance(s, gast.For):
            s.body = [*(_write(write, refs[v], v, s) for v in stored), *s.body]
            return [s]
        return [s, *(_write(write, refs[v], v, s) for v in stored)]

    body = S.rewrite_statements(fdef.body, written_back)
    start = [S.copy_location(S.assign(v, S.call(read, [S.name(refs[v])])), own[0]) for v in names]
    fdef.body = start + body


def _binds(s) -> set:
    """The names statement `s` itself binds (not the statements it holds)."""
    if isinstance(s, gast.Assign):
        return S.names_stored(
            gast.Module([gast.Assign(s.targets, gast.Constant(0, None), None)], [])
        )
    if isinstance(s, (gast.AugAssign, gast.AnnAssign)) and isinstance(s.target, gast.Name):
        return {s.target.id}
    if isinstance(s, gast.For):
        return S.names_stored(s.target)
    return set()


def _write(write: str, ref: str, v: str, where) -> gast.stmt:
    call = S.call(write, [S.name(ref), S.name(v)])
    return S.copy_location(gast.Expr(call), where)


def _check_alone(fdef, v: str, cell, namespace, filename: str) -> None:
    for n in S.walk(fdef):
        if isinstance(n, gast.FunctionDef) and n is not fdef:
            for m in S.walk(n):
                if isinstance(m, (gast.Nonlocal, gast.Global)) and v in m.names:
                    refuse(
                        m,
                        filename,
                        f"a nested function writing {v}, which the function itself declares "
                        "nonlocal",
                        "return the new value from the nested function",
                        fdef.name,
                    )
        if isinstance(n, gast.Delete) and any(S.is_name(t, v) for t in n.targets):
            refuse(n, filename, f"del of the nonlocal {v}", "assign it None", fdef.name)
        if isinstance(n, gast.Call):
            try:
                target = namespace.value_of(n.func, S.names_stored(fdef))
            except Exception:  # noqa: BLE001 - a property that fails names nothing known
                target = None
            shared = getattr(getattr(target, "__func__", target), "__closure__", None) or ()
            if any(c is cell for c in shared):
                refuse(
                    n,
                    filename,
                    f"a call of another function over the nonlocal {v} (it may read or write "
                    "it while the function runs)",
                    "pass the value as an argument and return the new one",
                    fdef.name,
                )


def hoisted_writer_calls(s, calls: list, fresh) -> tuple[list, gast.stmt] | None:
    """``y = a(u) * a(v) + total`` of a nested ``a`` writing nonlocal variables (for
    srcad.normalize.closures, which takes each ``r = a(...)`` statement apart): the calls
    as statements of their own, in the order Python makes them, and the statement reading
    their results; or None where that could change what the expression reads. Sound when
    the calls run unconditionally (not under ``and``/``or``, a conditional expression, a
    lambda or a comprehension) and no other part of the expression that reads anything (a
    name, a call, an attribute, an item) comes before the last of them: all of it is then
    read after the calls, as in Python (left to right)."""
    if not isinstance(s, (gast.Expr, gast.Assign, gast.Return)) or s.value is None:
        return None
    if isinstance(s, gast.Assign) and len(s.targets) != 1:
        return None
    value = s.value
    inside = {id(n) for n in _unconditional(value)}
    if not all(id(c) in inside for c in calls) or any(
        getattr(c, "end_lineno", None) is None for c in calls
    ):
        return None
    calls = sorted(calls, key=lambda c: (c.end_lineno, c.end_col_offset))
    last = (calls[-1].end_lineno, calls[-1].end_col_offset)
    in_calls = {id(n) for c in calls for n in S.walk(c)}
    reading = (gast.Name, gast.Call, gast.Attribute, gast.Subscript)
    for n in S.walk(value):
        if id(n) in in_calls or not isinstance(n, reading):
            continue
        where = (getattr(n, "lineno", None), getattr(n, "col_offset", None))
        if where[0] is None or where < last:
            return None
    hoisted = []
    holder = gast.Module([gast.Expr(value)], [])
    for c in calls:
        r = fresh("returned")
        hoisted.append(S.copy_location(S.assign(r, c), s))
        S.replace_node(holder, c, S.copy_location(S.name(r), c))
    s.value = holder.body[0].value
    return hoisted, s


def _unconditional(expr):
    """The nodes of `expr` that always run when it does."""
    todo = [expr]
    while todo:
        n = todo.pop()
        yield n
        if isinstance(n, (gast.Lambda, gast.ListComp, gast.SetComp, gast.DictComp)):
            continue
        if isinstance(n, (gast.GeneratorExp, gast.IfExp, gast.BoolOp)):
            continue
        todo.extend(S.children(n))
