"""Normalize, part 0: a ``map`` kept for later, or given to a function that consumes it.

Accepts a parsed function before `builtin_calls.map_as_comprehension` (which makes a map
consumed where it is made a list comprehension), where its free names live and its local
names. Two rewrites, each giving the values and the order of calls Python's lazy map gives:

* ``m = map(f, xs)`` then, in a later statement of the same block, ``list(m)`` (or
  ``tuple``, ``sum``, ``min``, ``max`` of it, or ``for v in m``): when `m` is bound once
  and read only there, not inside a loop or comprehension of that statement (where a map
  would be exhausted after its first pass), and `f` and `xs` are names bound at most once
  (so they name there what they named when the map was made), the map moves to its
  consumer and the assignment goes. A map runs `f` when it is consumed; so does the moved
  one. (`move_kept_maps`)
* ``g(map(f, xs), a)`` for a function ``g`` of yours whose first statement consumes that
  parameter whole (``p = list(p)``, ``p = tuple(p)``, ``return sum(p)``...), the other
  arguments being names or constants: the map becomes ``list(map(f, xs))``, which is what
  ``g`` makes of it before anything else runs. (`consumed_maps_as_lists`)

Other maps stay as they are (and are refused where they touch a derivative).
"""

from __future__ import annotations

import builtins
import inspect
import textwrap
import types

import gast

from ..ir import syntax as S

_CONSUMERS = {
    "list": builtins.list,
    "tuple": builtins.tuple,
    "sum": builtins.sum,
    "min": builtins.min,
    "max": builtins.max,
}


def _is_map(node, namespace, local_names) -> bool:
    return (
        isinstance(node, gast.Call)
        and isinstance(node.func, gast.Name)
        and node.func.id == "map"
        and "map" not in local_names
        and len(node.args) >= 2
        and not node.keywords
        and not any(isinstance(a, gast.Starred) for a in node.args)
        and namespace.lookup("map", None) is builtins.map
    )


def _counts(fdef) -> tuple[dict, dict]:
    stores: dict = {}
    loads: dict = {}
    for n in S.walk(fdef):
        if isinstance(n, gast.Name):
            table = loads if isinstance(n.ctx, gast.Load) else stores
            table[n.id] = table.get(n.id, 0) + 1
    return stores, loads


def _consumer_of(stmt, name: str, namespace, local_names):
    """(holder, field) where `stmt` reads `name` once as a whole-consuming iterable outside
    any loop of its own: the argument of list/tuple/sum/min/max, a for statement's iterable
    or the first generator's iterable of a comprehension. None otherwise."""
    if isinstance(stmt, gast.For):
        if isinstance(stmt.iter, gast.Name) and stmt.iter.id == name:
            return stmt, "iter"
        return _in_expression(stmt.iter, name, namespace, local_names)
    if isinstance(stmt, (gast.Assign, gast.Expr, gast.Return, gast.AugAssign)):
        return _in_expression(stmt.value, name, namespace, local_names)
    return None


def _in_expression(expr, name: str, namespace, local_names):
    if expr is None:
        return None
    found = []

    def visit(node, looping: bool):
        if isinstance(node, (gast.Lambda, gast.FunctionDef)):
            return
        if isinstance(node, gast.Call) and isinstance(node.func, gast.Name):
            fn = node.func.id
            if (
                fn in _CONSUMERS
                and fn not in local_names
                and namespace.lookup(fn, None) is _CONSUMERS[fn]
                and len(node.args) == 1
                and isinstance(node.args[0], gast.Name)
                and node.args[0].id == name
                and not looping
            ):
                found.append((node, "args"))
                return
        if isinstance(node, (gast.ListComp, gast.SetComp, gast.GeneratorExp, gast.DictComp)):
            first = node.generators[0].iter
            if isinstance(first, gast.Name) and first.id == name and not looping:
                found.append((node.generators[0], "iter"))
                return
            visit(first, looping)
            for child in gast.iter_child_nodes(node):
                if child is not node.generators[0]:
                    visit(child, True)
            for child in gast.iter_child_nodes(node.generators[0]):
                if child is not first:
                    visit(child, True)
            return
        for child in gast.iter_child_nodes(node):
            visit(child, looping)

    visit(expr, False)
    return found[0] if len(found) == 1 else None


def move_kept_maps(fdef: gast.FunctionDef, namespace, local_names: set[str]) -> None:
    """Move each map kept in a name to its one consumer (see the module docstring)."""
    stores, loads = _counts(fdef)
    taken = S.all_names(fdef) | set(local_names)
    kept: dict = {}

    def steady(node) -> bool:
        root = node
        while isinstance(root, gast.Attribute):  # np.sin: read from a steady name
            root = root.value
        return isinstance(node, gast.Constant) or (
            isinstance(root, gast.Name) and stores.get(root.id, 0) <= 1
        )

    def visit(body: list) -> None:
        for s in body:
            for field in ("body", "orelse", "finalbody"):
                inner = getattr(s, field, None)
                if isinstance(inner, list):
                    visit(inner)
        removed = []
        for i, s in enumerate(body):
            if not (
                isinstance(s, gast.Assign)
                and len(s.targets) == 1
                and isinstance(s.targets[0], gast.Name)
                and _is_map(s.value, namespace, local_names)
            ):
                continue
            name = s.targets[0].id
            if stores.get(name) != 1 or loads.get(name) != 1:
                continue
            for later in body[i + 1 :]:
                reads = any(isinstance(n, gast.Name) and n.id == name for n in S.walk(later))
                if not reads:
                    continue
                place = _consumer_of(later, name, namespace, local_names)
                if place is not None:
                    holder, field = place
                    kept[id(s)] = _hoist_arguments(s, steady, taken)
                    if field == "args":
                        holder.args = [s.value]
                    else:
                        setattr(holder, field, s.value)
                    removed.append(s)
                break
        out = []
        for s in body:
            out.extend(kept.get(id(s), []) if s in removed else [s])
        if removed:
            body[:] = out or [gast.Pass()]

    visit(fdef.body)


def _hoist_arguments(s: gast.Assign, steady, taken: set) -> list:
    """``m = map(f, [x, 2 * x])``: the arguments that are no steady names are computed where
    the map was made, into fresh names the moved map reads."""
    hoisted = []
    for i, a in enumerate(s.value.args):
        if steady(a):
            continue
        n = 1
        while f"{s.targets[0].id}_arg{n}" in taken:
            n += 1
        name = f"{s.targets[0].id}_arg{n}"
        taken.add(name)
        hoisted.append(gast.copy_location(S.assign(name, a), s))
        s.value.args[i] = S.name(name)
    return hoisted


def _first_consumes(fn, index: int) -> bool:
    """Whether the plain function `fn`'s first statement consumes its positional parameter
    `index` whole (``p = list(p)``, ``return sum(p)``, ``for v in p`` with p read only
    there), so that a list given instead of a map gives the same values."""
    if not isinstance(fn, types.FunctionType) or fn.__code__.co_flags & 0x20:  # generator
        return False
    code = fn.__code__
    if index >= code.co_argcount:
        return False
    param = code.co_varnames[index]
    try:
        tree = gast.parse(textwrap.dedent(inspect.getsource(fn)))
    except (OSError, TypeError, SyntaxError):
        return False
    fdef = tree.body[0]
    if not isinstance(fdef, gast.FunctionDef):
        return False
    body = [
        s
        for s in fdef.body
        if not (isinstance(s, gast.Expr) and isinstance(s.value, gast.Constant))
    ]
    if not body:
        return False
    first = body[0]
    stores, loads = _counts(fdef)
    namespace = _FunctionNamespace(fn)
    locals_ = set(code.co_varnames)
    place = _consumer_of(first, param, namespace, locals_ - {param})
    if place is None:
        return False
    targets = first.targets if isinstance(first, gast.Assign) else []
    if len(targets) == 1 and isinstance(targets[0], gast.Name) and targets[0].id == param:
        return True  # p = list(p): the map is read there only, the name then holds the list
    return loads.get(param) == 1 and stores.get(param) == 1  # read there only


class _FunctionNamespace:
    def __init__(self, fn):
        self.fn = fn

    def lookup(self, name, default=None):
        g = self.fn.__globals__
        if name in g:
            return g[name]
        return getattr(builtins, name, default)


def consumed_maps_as_lists(fdef: gast.FunctionDef, namespace, local_names: set[str]) -> None:
    """Maps given to a function of yours that first consumes them become lists."""
    if "list" in local_names or namespace.lookup("list", None) is not builtins.list:
        return
    for node in S.walk(fdef):
        if not (
            isinstance(node, gast.Call)
            and not node.keywords
            and any(_is_map(a, namespace, local_names) for a in node.args)
            and all(
                isinstance(a, (gast.Name, gast.Constant)) or _is_map(a, namespace, local_names)
                for a in node.args
            )
        ):
            continue
        fn = namespace.value_of(node.func, local_names)
        for i, a in enumerate(node.args):
            if _is_map(a, namespace, local_names) and _first_consumes(fn, i):
                node.args[i] = gast.Call(gast.Name("list", gast.Load(), None, None), [a], [])
                gast.copy_location(node.args[i], a)
