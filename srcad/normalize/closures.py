"""Normalize, part 0: nested functions and lambdas become functions of their own.

Accepts a fenced function. A nested ``def g(...)`` or ``g = lambda ...: ...`` that reads the
enclosing function's local variables is *lifted*: compiled as a separate function whose extra
leading parameters are those variables, and every call ``g(a)`` becomes ``g_lifted(c1, c2,
a)``, passing the values the variables hold at the time of the call, exactly what Python's
closures see. The lifted function is then differentiated like any other callee (derivatives
flow through the captured values too). Guarantees: no nested function definition remains;
a nested function used other than by calling it (passed to another function, returned)
raises `UnsupportedSyntaxError`.
"""

from __future__ import annotations

import dataclasses
import types

import gast

from .. import runtime
from ..errors import UnsupportedSyntaxError
from ..fence import location
from ..ir import syntax as S
from .own_nonlocals import hoisted_writer_calls


@dataclasses.dataclass
class Lifted:
    name: str  # the name calls use in the rewritten code
    captures: list  # enclosing locals passed as extra arguments
    node: gast.FunctionDef


def _params(fdef: gast.FunctionDef) -> set[str]:
    a = fdef.args
    names = {p.id for p in a.posonlyargs + a.args + a.kwonlyargs}
    if a.vararg is not None:
        names.add(a.vararg.id)
    if a.kwarg is not None:
        names.add(a.kwarg.id)
    return names


def _nested_definitions(body: list) -> list:
    """(statement, FunctionDef) for every def or `name = lambda` directly in `body` or its
    compound statements (not inside other nested functions)."""
    found = []
    for s in body:
        if isinstance(s, gast.FunctionDef):
            found.append((s, s))
        elif (
            isinstance(s, gast.Assign)
            and len(s.targets) == 1
            and isinstance(s.targets[0], gast.Name)
            and isinstance(s.value, gast.Lambda)
        ):
            lam = s.value
            fdef = S.function_def(s.targets[0].id, [], [S.return_(lam.body)])
            fdef.args = lam.args
            for attr in ("lineno", "col_offset", "end_lineno", "end_col_offset"):
                setattr(fdef, attr, getattr(s, attr, None))
            fdef.body[0].lineno = getattr(lam.body, "lineno", getattr(s, "lineno", None))
            found.append((s, fdef))
        for field in ("body", "orelse"):
            inner = getattr(s, field, None)
            if isinstance(inner, list) and not isinstance(s, gast.FunctionDef):
                found.extend(_nested_definitions(inner))
    return found


def lift(fdef: gast.FunctionDef, namer, binder, filename: str, compile_def) -> gast.FunctionDef:
    """Lift the nested functions of `fdef` (see the module docstring).

    `compile_def(node, cells, defaults, label)` compiles a lifted def (with `cells`: name ->
    cell, for the other lifted functions it calls) and returns the function; each is bound
    in `binder` under its new name."""
    if not any(type(n) in (gast.FunctionDef, gast.Lambda) and n is not fdef for n in S.walk(fdef)):
        return fdef  # nothing nested: nothing to lift, no lambda to refuse
    fdef.body = _hoist_lambdas(fdef.body, namer)
    definitions = _nested_definitions(fdef.body)
    if not definitions:
        _refuse_stray_lambdas(fdef, filename)
        return fdef
    writes = {d.name: _nonlocal_names(d) for _, d in definitions}
    captures = _captures(fdef, definitions)
    for name, written in writes.items():
        captures[name] |= set(written)
    lifted = {
        d.name: Lifted(namer.fresh(d.name), sorted(captures[d.name]), d) for _, d in definitions
    }
    once = _bound_once(fdef)
    for statement, d in definitions:
        if not captures[d.name] <= once:
            _check_only_called(fdef, d.name, filename, statement)
    cells = {info.name: types.CellType() for info in lifted.values()}
    for info in lifted.values():
        node = _lifted_def(info, lifted, fdef, filename)
        defaults = tuple(v.value for v in node.args.defaults) or None
        label = f"{info.node.name} lifted from {fdef.name}"
        cells[info.name].cell_contents = compile_def(node, cells, defaults, label)
        binder.bind_as(info.name, cells[info.name])
    fdef.body = _remove_definitions(fdef.body, {s for s, _ in definitions})
    writers = {name: w for name, w in writes.items() if w}
    if writers:
        _refuse_nested_writer_calls(definitions, writers, filename, fdef.name)
        fdef.body = S.rewrite_statements(
            fdef.body, lambda s: _hand_back(s, writers, namer, filename, fdef.name)
        )
    fdef.body = [_rewrite_calls(s, lifted) for s in fdef.body] or [gast.Pass()]
    shadowed = S.names_stored(fdef) | _params(fdef)
    fdef.body = [_rewrite_transformed(s, lifted, binder.namespace, shadowed) for s in fdef.body]
    rt = binder.bind("rt", runtime)
    fdef.body = [_rewrite_values(s, lifted, rt) for s in fdef.body]
    _refuse_stray_lambdas(fdef, filename)
    return fdef


def _captures(fdef: gast.FunctionDef, definitions: list) -> dict[str, set]:
    """What each nested function reads from the enclosing function's locals, including what
    the nested functions it calls read (their calls are rewritten to pass it)."""
    enclosing_locals = S.names_stored(fdef) | _params(fdef)
    nested_names = {d.name for _, d in definitions}
    captures = {d.name: (_free_names(d) & enclosing_locals) - nested_names for _, d in definitions}
    changed = True
    while changed:
        changed = False
        for _, d in definitions:
            for other in _free_names(d) & nested_names:
                if other != d.name and not captures[other] <= captures[d.name]:
                    captures[d.name] |= captures[other]
                    changed = True
    return captures


def _lifted_def(info: Lifted, lifted: dict, fdef, filename: str) -> gast.FunctionDef:
    """The nested body with calls rewritten and the captured values as first parameters
    (after the user's parameters they would collide with defaults, which belong last)."""
    node = S.clone(info.node)
    node.decorator_list = []
    node.name = info.name
    written = _nonlocal_names(node)
    if written:  # nonlocal v: the new values go back with the result, (result, v...)
        node.body = _returning(node.body, written) + [_return_with(None, written, node)]
    node.body = [_rewrite_calls(s, lifted) for s in node.body]
    captured = []
    for c in info.captures:
        param = S.name(c)
        param.ctx = gast.Param()
        captured.append(param)
    if node.args.posonlyargs:
        node.args.posonlyargs = captured + list(node.args.posonlyargs)
    else:
        node.args.args = captured + list(node.args.args)
    if node.args.defaults and any(not isinstance(v, gast.Constant) for v in node.args.defaults):
        raise UnsupportedSyntaxError(
            "srcad cannot differentiate a nested function whose defaults are not constants",
            location(info.node, filename, fdef.name),
            hint="pass the value as an argument instead",
        )
    return node


def _nonlocal_names(d: gast.FunctionDef) -> list[str]:
    names: list[str] = []
    for n in S.walk_no_nested(d):
        if isinstance(n, gast.Nonlocal):
            names += [v for v in n.names if v not in names]
    return names


def _return_with(value, written: list, where) -> gast.Return:
    result = value if value is not None else gast.Constant(None, None)
    elts = [result, *(S.name(v) for v in written)]
    return S.copy_location(gast.Return(gast.Tuple(elts, gast.Load())), where)


def _returning(body: list, written: list) -> list:
    """`body` without its nonlocal statements, each return giving back `written` too."""

    def rewrite(s):
        if isinstance(s, gast.Nonlocal):
            return []
        if isinstance(s, gast.Return):
            return [_return_with(s.value, written, s)]
        return [s]

    return S.rewrite_statements(body, rewrite) or [gast.Pass()]


def _refuse_nested_writer_calls(definitions, writers: dict, filename: str, fname: str) -> None:
    for _, d in definitions:
        for n in S.walk(d):
            if isinstance(n, gast.Call) and S.is_name(n.func) and n.func.id in writers:
                raise UnsupportedSyntaxError(
                    f"srcad can call {n.func.id!r}, which writes nonlocal variables, only "
                    "from the function that defines it",
                    location(n, filename, fname),
                    hint="call it from the enclosing function, or return the new values",
                )


def _hand_back(s, writers: dict, namer, filename: str, fname: str) -> list:
    """``g(a)``, ``y = g(a)``, ``return g(a)`` of a g writing nonlocal v: the call's result
    and the new values of v, taken apart."""
    own = [  # the statement's own expressions, not the statements it holds
        getattr(s, f)
        for f in s._fields
        if f not in ("body", "orelse", "finalbody", "handlers")
        and isinstance(getattr(s, f, None), gast.AST)
    ]
    own += [
        v
        for f in s._fields
        if f not in ("body", "orelse", "finalbody", "handlers")
        and isinstance(getattr(s, f, None), list)
        for v in getattr(s, f)
        if isinstance(v, gast.AST)
    ]
    calls = [
        n
        for part in own
        for n in S.walk(part)
        if isinstance(n, gast.Call) and S.is_name(n.func) and n.func.id in writers
    ]
    if not calls:
        return [s]
    value = s.value if isinstance(s, (gast.Expr, gast.Assign, gast.Return)) else None
    alone = len(calls) == 1 and value is calls[0]
    hoisted = None if alone else hoisted_writer_calls(s, calls, namer.fresh)
    if hoisted is not None:  # a(u) * a(v): each call a statement of its own, in order
        steps, rest = hoisted
        out = [t for step in steps for t in _hand_back(step, writers, namer, filename, fname)]
        return out + _hand_back(rest, writers, namer, filename, fname)
    if (
        len(calls) > 1
        or value is not calls[0]
        or (isinstance(s, gast.Assign) and len(s.targets) != 1)
    ):
        raise UnsupportedSyntaxError(
            f"srcad can call {calls[0].func.id!r}, which writes nonlocal variables, only as "
            "a statement of its own (g(a), y = g(a) or return g(a)) or where nothing of the "
            "expression is read before it (g(a) * g(b) + v, not v + g(a))",
            location(calls[0], filename, fname),
            hint="call it on a line of its own",
        )
    t = namer.fresh("returned")
    out = [S.assign(t, value)]
    for i, v in enumerate(writers[value.func.id], start=1):
        out.append(S.assign(v, gast.Subscript(S.name(t), gast.Constant(i, None), gast.Load())))
    result = gast.Subscript(S.name(t), gast.Constant(0, None), gast.Load())
    if isinstance(s, gast.Assign):
        out.append(gast.Assign(s.targets, result, None))
    elif isinstance(s, gast.Return):
        out.append(gast.Return(result))
    for n in out:
        S.copy_location(n, s)
    return out


def _free_names(d: gast.FunctionDef) -> set[str]:
    loaded = {n.id for n in S.walk(d) if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load)}
    return loaded - S.names_stored(gast.Module(body=d.body, type_ignores=[])) - _params(d)


def _check_only_called(fdef, name: str, filename: str, statement) -> None:
    calls = {n.func for n in S.walk(fdef) if isinstance(n, gast.Call)}
    for n in S.walk(fdef):
        if (
            isinstance(n, gast.Name)
            and n.id == name
            and isinstance(n.ctx, gast.Load)
            and (n not in calls)
        ):
            raise UnsupportedSyntaxError(
                f"srcad can call the nested function {name!r} but not pass it around as a value",
                location(n, filename, fdef.name),
                hint="call it directly, or define it at module level",
            )


def _refuse_stray_lambdas(fdef, filename) -> None:
    for n in S.walk(fdef):
        if isinstance(n, gast.Lambda):
            raise UnsupportedSyntaxError(
                "srcad cannot differentiate a lambda passed as a value",
                location(n, filename, fdef.name),
                hint="assign it to a name (g = lambda x: ...) and call it, or use a def",
            )


def _remove_definitions(stmts: list, removed: set) -> list:
    out = []
    for s in stmts:
        if s in removed:
            continue
        for field in ("body", "orelse"):
            inner = getattr(s, field, None)
            if isinstance(inner, list) and not isinstance(s, gast.FunctionDef):
                setattr(
                    s,
                    field,
                    _remove_definitions(inner, removed)
                    or ([gast.Pass()] if field == "body" else []),
                )
        out.append(s)
    return out


def _hoist_lambdas(body: list, namer) -> list:
    """``fs = [np.sin, lambda z: z ** 3]`` -> ``lambda_1 = lambda z: z ** 3`` then
    ``fs = [np.sin, lambda_1]``: a lambda used as a value gets a name of its own (and is
    lifted like a nested def). Lambdas inside comprehensions and nested functions stay (they
    may read the comprehension's variables)."""
    out = []
    for s in body:
        if isinstance(s, gast.FunctionDef):
            out.append(s)
            continue
        for field in ("body", "orelse", "finalbody"):
            inner = getattr(s, field, None)
            if isinstance(inner, list):
                setattr(s, field, _hoist_lambdas(inner, namer))
        direct = (
            isinstance(s, gast.Assign)
            and len(s.targets) == 1
            and isinstance(s.targets[0], gast.Name)
            and isinstance(s.value, gast.Lambda)
        )
        if not direct:
            for lam, parent, field, index in _lambdas_in(s):
                name = namer.fresh("lambda")
                assign = S.assign(name, lam)
                gast.copy_location(assign, s)
                out.append(assign)
                replacement = S.name(name)
                if index is None:
                    setattr(parent, field, replacement)
                else:
                    getattr(parent, field)[index] = replacement
        out.append(s)
    return out


def _lambdas_in(stmt) -> list:
    """(lambda, parent, field, index) for the lambdas in the expressions of `stmt` (not in
    its nested statement lists, comprehensions or other lambdas)."""
    found = []

    def visit(node):
        for field, value in gast.iter_fields(node):
            items = value if isinstance(value, list) else [value]
            for i, item in enumerate(items):
                if not isinstance(item, gast.AST) or isinstance(item, gast.stmt):
                    continue
                if isinstance(item, gast.Lambda):
                    found.append((item, node, field, i if isinstance(value, list) else None))
                elif not isinstance(
                    item, (gast.ListComp, gast.SetComp, gast.DictComp, gast.GeneratorExp)
                ):
                    visit(item)

    visit(stmt)
    return found


def _bound_once(fdef: gast.FunctionDef) -> set[str]:
    """The enclosing function's names whose value a nested function used as a value may take
    when it is made (`functools.partial`) rather than when it is called: parameters never
    rebound, and names assigned once outside loops."""
    counts: dict[str, int] = {}
    in_loops: set[str] = set()

    def visit(stmts, looping: bool):
        for s in stmts:
            if isinstance(s, gast.FunctionDef):
                counts[s.name] = counts.get(s.name, 0) + 1
                continue
            loop = looping or isinstance(s, (gast.For, gast.While))
            heads = [s.target] if isinstance(s, gast.For) else []
            parts = [s] if not hasattr(s, "body") else heads + [getattr(s, "test", None)]
            for part in parts:
                for n in S.walk(part) if part is not None else ():
                    if isinstance(n, gast.Name) and isinstance(n.ctx, (gast.Store, gast.Del)):
                        counts[n.id] = counts.get(n.id, 0) + 1
                        if loop:
                            in_loops.add(n.id)
            for field in ("body", "orelse", "finalbody", "handlers"):
                inner = getattr(s, field, None)
                if isinstance(inner, list):
                    visit(inner, loop)

    visit(fdef.body, False)
    params = _params(fdef)
    once = {p for p in params if p not in counts}
    return once | {n for n, c in counts.items() if c == 1 and n not in in_loops and n not in params}


def _rewrite_transformed(node, lifted: dict, namespace, shadowed: set):
    """``srcad.grad(g)(x)`` for a nested g capturing c1, c2 -> ``srcad.grad(g_lifted,
    argnums=2)(c1, c2, x)``: the captured values become arguments of the transformed
    function, so that derivatives flow through them too (a physics loss's force, a
    Hessian-vector product of a closure). For srcad's transforms that make a function and
    take an integer argnums."""
    for n in S.walk(node):
        inner = n.func if isinstance(n, gast.Call) else None
        if not (
            isinstance(inner, gast.Call)
            and len(inner.args) == 1
            and isinstance(inner.args[0], gast.Name)
            and inner.args[0].id in lifted
            and lifted[inner.args[0].id].captures
            and all(k.arg == "argnums" for k in inner.keywords)
        ):
            continue
        maker = namespace.value_of(inner.func, shadowed)
        if not getattr(maker, "__srcad_maker__", False):
            continue
        given = inner.keywords[0].value if inner.keywords else gast.Constant(0, None)
        if not (isinstance(given, gast.Constant) and type(given.value) is int):
            continue
        info = lifted[inner.args[0].id]
        shift = len(info.captures)
        argnums = given.value + shift if given.value >= 0 else given.value
        inner.args = [S.name(info.name)]
        inner.keywords = [gast.keyword("argnums", S.const(argnums))]
        n.args = [S.name(c) for c in info.captures] + list(n.args)
    return node


def _rewrite_values(node, lifted: dict, rt: str):
    """A lifted function used as a value (not called): the lifted function itself, or
    ``rt.closure(g_lifted, (c1, c2))`` holding the values it captures."""
    calls = {id(n.func) for n in S.walk(node) if isinstance(n, gast.Call)}

    def value_of(n):
        info = lifted[n.id]
        if not info.captures:
            return S.name(info.name)
        closure = gast.Attribute(S.name(rt), "closure", gast.Load())
        captured = S.tuple_([S.name(c) for c in info.captures])
        return S.call(closure, [S.name(info.name), captured])

    def visit(parent):
        for field, value in gast.iter_fields(parent):
            items = value if isinstance(value, list) else [value]
            for i, item in enumerate(items):
                if (
                    isinstance(item, gast.Name)
                    and isinstance(item.ctx, gast.Load)
                    and item.id in lifted
                    and id(item) not in calls
                ):
                    if isinstance(value, list):
                        value[i] = value_of(item)
                    else:
                        setattr(parent, field, value_of(item))
                elif isinstance(item, gast.AST):
                    visit(item)

    visit(node)
    return node


def _rewrite_calls(node, lifted: dict):
    """g(a) -> g_lifted(c1, c2, a) for every lifted g."""
    for n in S.walk(node):
        if isinstance(n, gast.Call) and isinstance(n.func, gast.Name) and n.func.id in lifted:
            info = lifted[n.func.id]
            n.func = S.name(info.name)
            n.args = [S.name(c) for c in info.captures] + list(n.args)
    return node
