"""The ranks of one example's values in a function vmap batches, tuples' items included.

`srcad.analyze.ndims` gives the ranks of arrays; batched code also needs those of the items
of tuples (a parameter that is a tuple of weights, the result of a callee that returns its
value and its residuals), so that its rules write ``x @ W`` rather than a helper that
looks at ranks at run time. A *structure* is a rank (int), None (unknown) or
``("tuple", (structure, ...))``. Flow-insensitive, like ndims: a name given two different
structures is unknown. Accepts a function in A-normal form; returns {name: structure} and
the {name: rank} map the rules read; the tree is not changed.
"""

from __future__ import annotations

from collections.abc import Callable

import gast

from ..analyze import ndims as ndims_mod
from ..ir import syntax as S
from ..ir.resolution import Resolution
from ..rules.methods import CHANGING_METHODS, STORING_METHODS

_CONFLICT = "conflict"


def item(structure, index):
    if isinstance(structure, tuple) and structure[0] == "tuple" and isinstance(index, int):
        items = structure[1]
        if -len(items) <= index < len(items):
            return items[index]
    return None


def infer(
    fdef: gast.FunctionDef,
    seeds: dict,
    resolution: Resolution,
    callee: Callable[[gast.Call, dict], object],
) -> tuple[dict, dict]:
    """({name: structure}, {name: rank}) from the parameters' structures `seeds`; a call of
    a user function has the structure `callee(call, structures)` gives (None: unknown). A
    list that the function changes (``l.append``, ``l[i] = v``) has no structure."""
    changed = _changed(fdef)
    structures: dict = {k: v for k, v in seeds.items() if k not in changed or isinstance(v, int)}
    assignments = list(_assignments(fdef.body))
    for _ in range(6):
        before = dict(structures)
        for target, value, index in assignments:
            found = _structure(value, structures, _ranks(structures), resolution, callee)
            if index is not None:
                found = item(found, index)
            if isinstance(found, tuple) and target in changed:
                found = None
            old = structures.get(target)
            if found is None or old == _CONFLICT:
                continue  # unknown (yet): a later round may know it
            if old is None:
                structures[target] = found
            elif old != found:
                structures[target] = _CONFLICT
        if structures == before:
            break
    known = {k: v for k, v in structures.items() if v is not None and v != _CONFLICT}
    return known, _ranks(known)


def _ranks(structures: dict) -> dict:
    out: dict = {k: v for k, v in structures.items() if isinstance(v, int)}
    return out


def _structure(value, structures, ranks, resolution, callee):
    if isinstance(value, gast.Name):
        found = structures.get(value.id)
        return None if found == _CONFLICT else found
    if isinstance(value, gast.Tuple):
        return ("tuple", tuple(_structure(e, structures, ranks, resolution, callee)
                               for e in value.elts))  # fmt: skip
    if isinstance(value, gast.Constant):
        return 0 if isinstance(value.value, (int, float, complex, bool)) else None
    if (
        isinstance(value, gast.Subscript)
        and isinstance(value.value, gast.Name)
        and isinstance(value.slice, gast.Constant)
    ):
        inner = structures.get(value.value.id)
        if isinstance(inner, tuple):
            return item(inner, value.slice.value)
    if isinstance(value, gast.Subscript) and isinstance(value.value, gast.Name):
        inner = structures.get(value.value.id)
        if isinstance(inner, tuple) and inner[0] == "tuple" and inner[1]:
            first = inner[1][0]
            if all(i == first for i in inner[1]) and not isinstance(value.slice, gast.Slice):
                return first  # l[k] of a list whose items all look alike
    if isinstance(value, gast.Call):
        target = resolution.calls.get(value)
        if target is not None and target.kind == "function":
            return callee(value, structures)
        like = _rank_like(value, target)
        if like is not None:
            return _structure(like, structures, ranks, resolution, callee)
        if _is_sequence_call(value, target):
            return _structure(value.args[0], structures, ranks, resolution, callee)
    return ndims_mod.rank_of(value, ranks, resolution)


def _rank_like(call: gast.Call, target):
    """For a runtime helper of derivative code whose result has the rank of one of its
    arguments (``rt.unbroadcast(g, x)``: x's), that argument."""
    import inspect

    from .. import runtime as rt

    param = {
        rt.unbroadcast: "x",
        rt.matmul_vjp_x: "x",
        rt.matmul_vjp_y: "y",
        rt.getitem_vjp: "x",
        rt.sum_vjp: "x",
        rt.mean_vjp: "x",
        rt.fit: "like",
    }.get(getattr(target, "obj", None))
    if param is None or any(k.arg is None for k in call.keywords):
        return None
    try:
        bound = inspect.signature(target.obj).bind(
            *call.args, **{k.arg: k.value for k in call.keywords}
        )
    except TypeError:
        return None
    if "batch" in bound.arguments and not (
        isinstance(bound.arguments["batch"], gast.Constant) and bound.arguments["batch"].value == 0
    ):
        return None  # with direction axes, the result has more axes
    return bound.arguments.get(param)


def _is_sequence_call(call: gast.Call, target) -> bool:
    """`rt.sequence(x)`, what a for loop over `x` iterates: `x` itself."""
    from .. import runtime

    return target is not None and target.obj is runtime.sequence and len(call.args) == 1


def _changed(fdef: gast.FunctionDef) -> set:
    """Names whose object the function changes: a method call on it, an item assignment."""
    out = set()
    for s in S.statements(fdef.body):
        if isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Subscript):
            if isinstance(s.targets[0].value, gast.Name):
                out.add(s.targets[0].value.id)
        for n in S.walk(s) if isinstance(s, (gast.Assign, gast.Expr)) else ():
            if isinstance(n, gast.Call) and isinstance(n.func, gast.Attribute):
                if isinstance(n.func.value, gast.Name) and n.func.attr in _MUTATORS:
                    out.add(n.func.value.id)
    return out


# the methods of arrays, lists, dicts and sets that change their object (the method registry)
_MUTATORS = CHANGING_METHODS | STORING_METHODS


def _assignments(stmts):
    """(target name, value, item index or None) for every assignment, nested ones too."""
    for s in stmts:
        if isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Name):
            yield s.targets[0].id, s.value, None
        elif isinstance(s, gast.Assign) and isinstance(s.targets[0], (gast.Tuple, gast.List)):
            for i, t in enumerate(s.targets[0].elts):
                if isinstance(t, gast.Name):
                    yield t.id, s.value, i
        elif isinstance(s, gast.For):
            yield s.target.id, S.const(0), None  # a range index: a Python int
            yield from _assignments(s.body)
        elif isinstance(s, (gast.If, gast.While)):
            yield from _assignments(s.body)
            yield from _assignments(s.orelse)
