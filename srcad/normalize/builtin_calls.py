"""Normalize, part 0: calls of Python builtins written in forms the rules do not take.

Accepts a parsed function (before A-normal form), where its free names live and its local
names. Four rewrites, each only where the name is the builtin (or functools.partial) there,
not shadowed by a local, a closure variable or a global:

* ``max(a, b, c, ...)`` and ``min(...)`` with three or more positional arguments become
  nested two-argument calls, ``max(max(a, b), c)``: Python's max returns the first largest
  argument, and so does the nesting (a tie keeps the left one), so the value and the
  derivative that follows it are unchanged (`nest_min_max`);
* a ``map(f, xs)`` consumed where it is made becomes a list comprehension
  (`map_as_comprehension`);
* calls through a local ``functools.partial`` become calls of the function with the
  partial's arguments (`inline_partials`);
* any other ``functools.partial(f, a, b)`` without keywords becomes ``rt.closure(f, (a,
  b))``, a function value whose derivative is that of what it holds
  (`partials_as_records`).
"""

from __future__ import annotations

import builtins
import functools

import gast

from ..ir import syntax as S

_NESTED = {"max": builtins.max, "min": builtins.min}


def _bound_anywhere(fdef: gast.FunctionDef) -> set[str]:
    """Names bound anywhere in `fdef`, nested functions' parameters and locals included (a
    nested ``def g(max): ...`` shadows the builtin there)."""
    return {
        n.id
        for n in S.walk(fdef)
        if isinstance(n, gast.Name) and isinstance(n.ctx, (gast.Store, gast.Param, gast.Del))
    }


def nest_min_max(fdef: gast.FunctionDef, namespace, local_names: set[str]) -> None:
    """Rewrite max/min calls of three or more arguments in place."""
    local_names = set(local_names) | _bound_anywhere(fdef)
    for node in S.walk(fdef):
        for field, value in gast.iter_fields(node):
            if isinstance(value, list):
                for i, item in enumerate(value):
                    if _variadic(item, namespace, local_names):
                        value[i] = _nested(item)
            elif _variadic(value, namespace, local_names):
                setattr(node, field, _nested(value))


def _variadic(node, namespace, local_names) -> bool:
    if not (
        isinstance(node, gast.Call)
        and isinstance(node.func, gast.Name)
        and node.func.id in _NESTED
        and node.func.id not in local_names
        and len(node.args) >= 3
        and not node.keywords
        and not any(isinstance(a, gast.Starred) for a in node.args)
    ):
        return False
    return namespace.lookup(node.func.id, None) is _NESTED[node.func.id]


def _nested(call: gast.Call) -> gast.Call:
    name = call.func.id
    out = call.args[0]
    for arg in call.args[1:]:
        out = gast.Call(func=gast.Name(name, gast.Load(), None, None), args=[out, arg], keywords=[])
        gast.copy_location(out, call)
    return out


def map_as_comprehension(fdef: gast.FunctionDef, namespace, local_names: set[str]) -> None:
    """``sum(map(f, xs))``, ``list(map(f, xs, ys))``, ``for v in map(f, xs)``: the map becomes
    the list ``[f(a) for a in xs]`` (``zip`` for several sequences). Only maps consumed once
    where they are made (an argument of sum, list, tuple, min or max, or a loop's iterable):
    there a list and Python's iterator give the same values."""
    local_names = set(local_names) | _bound_anywhere(fdef)
    taken = S.all_names(fdef) | set(local_names)

    def fresh() -> str:
        n = 1
        while f"item{n}" in taken:
            n += 1
        taken.add(f"item{n}")
        return f"item{n}"

    def is_map(node) -> bool:
        return (
            isinstance(node, gast.Call)
            and isinstance(node.func, gast.Name)
            and node.func.id == "map"
            and node.func.id not in local_names
            and len(node.args) >= 2
            and not node.keywords
            and not any(isinstance(a, gast.Starred) for a in node.args)
            and namespace.lookup("map", None) is builtins.map
        )

    consumers = {"sum": builtins.sum, "list": builtins.list, "tuple": builtins.tuple}
    consumers.update(_NESTED)
    for node in S.walk(fdef):
        if isinstance(node, gast.Call) and isinstance(node.func, gast.Name):
            fn = node.func.id
            if fn in consumers and fn not in local_names and node.args and is_map(node.args[0]):
                if namespace.lookup(fn, None) is consumers[fn]:
                    node.args[0] = _comprehension(node.args[0], fresh)
        elif isinstance(node, (gast.For, gast.comprehension)) and is_map(node.iter):
            node.iter = _comprehension(node.iter, fresh)


def _comprehension(call: gast.Call, fresh) -> gast.ListComp:
    fn, sequences = call.args[0], call.args[1:]
    names = [fresh() for _ in sequences]
    if _simple_lambda(fn, len(sequences)):
        # map(lambda u, v: u * v, xs, ys): its parameters are the comprehension's targets
        names = [a.id for a in fn.args.args]
    if len(sequences) == 1:
        target = gast.Name(names[0], gast.Store(), None, None)
        iterable = sequences[0]
    else:
        target = gast.Tuple([gast.Name(n, gast.Store(), None, None) for n in names], gast.Store())
        iterable = gast.Call(gast.Name("zip", gast.Load(), None, None), list(sequences), [])
    if _simple_lambda(fn, len(sequences)):
        element = fn.body
    else:
        element = gast.Call(fn, [gast.Name(n, gast.Load(), None, None) for n in names], [])
    out = gast.ListComp(element, [gast.comprehension(target, iterable, [], 0)])
    for n in S.walk(out):
        if "lineno" in n._attributes and getattr(n, "lineno", None) is None:
            gast.copy_location(n, call)
    return out


def _simple_lambda(fn, arity: int) -> bool:
    a = getattr(fn, "args", None)
    return (
        isinstance(fn, gast.Lambda)
        and len(a.args) == arity
        and not (a.posonlyargs or a.kwonlyargs or a.vararg or a.kwarg or a.defaults)
    )


def inline_partials(fdef: gast.FunctionDef, namespace, local_names: set[str]) -> None:
    """``p = functools.partial(f, a, k=v)`` followed by calls ``p(b)``: each call becomes
    ``f(a, b, k=v)`` (the call's keywords win, as with partial) and the assignment goes. Only
    when `p` is bound once and only called, and `f` and the partial's arguments are
    constants or names bound at most once (so they mean at the call what they meant when the
    partial was made)."""
    stores: dict = {}
    for n in S.walk(fdef):  # a nested function's parameter of the same name counts too
        if isinstance(n, gast.Name) and isinstance(n.ctx, (gast.Store, gast.Del, gast.Param)):
            stores[n.id] = stores.get(n.id, 0) + 1
    loads: dict = {}
    called: dict = {}
    for n in S.walk(fdef):
        if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load):
            loads[n.id] = loads.get(n.id, 0) + 1
        if isinstance(n, gast.Call) and isinstance(n.func, gast.Name):
            called.setdefault(n.func.id, []).append(n)

    def steady(node) -> bool:
        if isinstance(node, gast.Constant):
            return True
        root = node
        while isinstance(root, gast.Attribute):
            root = root.value
        return isinstance(root, gast.Name) and stores.get(root.id, 0) <= 1

    def rewrite(s) -> list:
        partial = _partial_made(s, namespace, local_names)
        if partial is None:
            return [s]
        name = s.targets[0].id
        calls = called.get(name, [])
        pieces = [partial.args[0], *partial.args[1:], *(k.value for k in partial.keywords)]
        if not (
            stores.get(name) == 1
            and calls
            and loads.get(name) == len(calls)
            and all(steady(p) for p in pieces)
            and not any(k.arg is None for k in partial.keywords)
        ):
            return [s]
        for call in calls:
            given = {k.arg for k in call.keywords}
            call.func = S.clone(partial.args[0])
            call.args = [S.clone(a) for a in partial.args[1:]] + call.args
            kept = [k for k in partial.keywords if k.arg not in given]
            call.keywords = [S.clone(k) for k in kept] + call.keywords
        return []  # the partial is no longer needed

    fdef.body = S.rewrite_statements(fdef.body, rewrite) or [gast.Pass()]


def _partial_made(s, namespace, local_names):
    """The ``functools.partial(...)`` call `s` assigns to a name, or None."""
    if not (
        isinstance(s, gast.Assign)
        and len(s.targets) == 1
        and isinstance(s.targets[0], gast.Name)
        and isinstance(s.value, gast.Call)
        and s.value.args
        and not any(isinstance(a, gast.Starred) for a in s.value.args)
    ):
        return None
    value = namespace.value_of(s.value.func, local_names)
    return s.value if value is functools.partial else None


def partials_as_records(fdef: gast.FunctionDef, namespace, local_names: set[str], rt: str) -> None:
    """``functools.partial(f, a, b)`` (positional arguments only, none starred) becomes
    ``rt.closure(f, (a, b))``: the same partial, made by a function whose derivative rules
    treat it as a record of `f` and the values it holds (`srcad.runtime.closure`)."""
    local_names = set(local_names) | _bound_anywhere(fdef)
    for node in S.walk(fdef):
        if not (
            isinstance(node, gast.Call)
            and node.args
            and not node.keywords
            and not any(isinstance(a, gast.Starred) for a in node.args)
            and namespace.value_of(node.func, local_names) is functools.partial
        ):
            continue
        node.func = gast.Attribute(S.name(rt), "closure", gast.Load())
        node.args = [node.args[0], S.tuple_(node.args[1:])]
