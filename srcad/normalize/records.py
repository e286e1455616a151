"""Normalize, part 3: attribute reads of pytree arguments become indexing.

A differentiated argument that is a namedtuple, a dataclass or a registered pytree class
reaches generated code as a tuple of its children (`srcad.argtrees`); its `Layout` says
which attribute holds which child. This pass follows the layouts of the parameters through
the names that hold them or their parts (``q = p``, ``layer = layers[k]``, ``a, b = p``,
``seq = rt.sequence(p)``) and rewrites

    t = p.w      ->  t = p[0]           (the child's position)
    t = p.name   ->  t = 'tanh'         (an attribute the layout knows as a constant)

Accepts a function in A-normal form (`anf`, `controlflow`). Guarantees: no attribute of a
name holding such an argument is read other than as above; what generated code could not
do with the tuple in its hands (``p.method()``, ``p._replace(...)``, ``p.w = v``, another
attribute, ``isinstance(p, ...)`` and ``type(p)`` of a converted value) is refused with the
user's line. Returns the names with a known layout (for the callees' specs) and changes the
tree in place.
"""

from __future__ import annotations

import collections

import gast

from ..errors import UnsupportedOperationError
from ..fence import location
from ..ir import syntax as S
from ..pytree import Layout
from . import records_built

_CONFLICT = Layout("?", "?")


def rewrite(
    fdef: gast.FunctionDef,
    params: dict[str, Layout],
    rt_name: str,
    filename: str,
    built: dict[str, Layout] | None = None,
    constructors: frozenset = frozenset(),
) -> dict[str, Layout]:
    """Rewrite attribute reads of pytree arguments in `fdef`; the layout of each name.
    `built`: the layout of what each function named there returns (the records the code
    builds, `srcad.normalize.records_built`); `constructors`: those of them whose arguments
    are the record's fields (``P_new(W, b)``), whose layouts tell the fields' own."""
    if not params and not built:
        return {}
    statements = list(S.statements(fdef))
    layouts = dict(params)
    for _ in range(8):  # a few rounds settle names bound in loops
        # each round merges every assignment afresh, reading the last round's layouts for
        # names not assigned yet in this one (a loop's carried names): a layout refined
        # from one round to the next (a record's fields known) is not a conflict
        before, layouts = layouts, dict(params)
        for stmt in statements:
            _propagate(stmt, layouts, rt_name, (built or {}, constructors), before)
        if layouts == before:
            break
    else:  # not settled: what still changes is not known
        for name in set(layouts) | set(before):
            if layouts.get(name) != before.get(name):
                layouts[name] = _CONFLICT
    known = {k: v for k, v in layouts.items() if v is not _CONFLICT}
    maybe = set(layouts)
    for stmt in statements:
        _rewrite(stmt, known, maybe, filename, fdef.name)
    return known


def _merge(layouts: dict, name: str, value: Layout | None) -> None:
    if value is None:
        if name in layouts:
            layouts[name] = _CONFLICT
        return
    old = layouts.get(name)
    layouts[name] = value if old is None or old == value else _CONFLICT


def _layout_of(node, layouts, rt_name: str, built: tuple = ({}, frozenset())) -> Layout | None:
    """The layout of the value `node` computes, when it is (part of) a pytree argument or a
    record the code builds (`built`: the functions that return one, and the constructors)."""
    returning, constructors = built
    if isinstance(node, gast.Call) and isinstance(node.func, gast.Name) and returning:
        func = node.func.id
        if func in returning and func not in layouts:
            if func in constructors:
                return records_built.with_children(returning[func], node, layouts)
            return returning[func]
    if isinstance(node, (gast.List, gast.Tuple)) and returning:
        # a display of records the code builds (layers = [l1, l2]): its items' layouts
        children = tuple(_layout_of(e, layouts, rt_name) for e in node.elts)
        if any(children):
            kind = "list" if isinstance(node, gast.List) else "tuple"
            return Layout(kind, kind, children=children)
    if isinstance(node, gast.Name):
        found = layouts.get(node.id)
        return None if found is _CONFLICT else found
    if isinstance(node, gast.Subscript) and isinstance(node.value, gast.Name):
        outer = _layout_of(node.value, layouts, rt_name)
        if outer is None:
            return None
        if isinstance(node.slice, gast.Constant):
            return outer.child(node.slice.value)
        if isinstance(node.slice, gast.Name):
            return outer.uniform_child()
        return None
    if isinstance(node, gast.Attribute) and isinstance(node.value, gast.Name):
        outer = _layout_of(node.value, layouts, rt_name)
        if outer is not None and node.attr in outer.fields:
            return outer.children[outer.fields.index(node.attr)]
        return None
    if (
        isinstance(node, gast.Call)
        and isinstance(node.func, gast.Attribute)
        and S.is_name(node.func.value, rt_name)
        and node.func.attr == "sequence"
        and len(node.args) == 1
    ):
        return _layout_of(node.args[0], layouts, rt_name)
    return None


def _propagate(stmt, layouts: dict, rt_name: str, built: tuple, before: dict) -> None:
    if not isinstance(stmt, gast.Assign):
        return
    target = stmt.targets[0]
    seen = collections.ChainMap(layouts, before)
    if isinstance(target, gast.Name):
        _merge(layouts, target.id, _layout_of(stmt.value, seen, rt_name, built))
    elif isinstance(target, (gast.Tuple, gast.List)):
        outer = _layout_of(stmt.value, seen, rt_name, built)
        for i, elt in enumerate(target.elts):
            if isinstance(elt, gast.Name):
                _merge(layouts, elt.id, outer.child(i) if outer is not None else None)


def _rewrite(stmt, known: dict, maybe: set, filename: str, function: str) -> None:
    """Rewrite or refuse the attribute uses of pytree arguments in one statement."""

    def refuse(node, message: str, hint: str) -> None:
        where = node if getattr(node, "lineno", None) else stmt  # a node normalization made
        raise UnsupportedOperationError(message, location(where, filename, function), hint=hint)

    if isinstance(stmt, gast.Assign):
        target = stmt.targets[0]
        if isinstance(target, gast.Attribute) and _holder(target.value, maybe):
            lay = known.get(target.value.id)
            refuse(
                target,
                f"srcad cannot differentiate the assignment to {target.value.id}."
                f"{target.attr}: {_what(lay)} is an argument or a record the code builds, "
                "which srcad does not change",
                "build a new value instead (for a namedtuple, p._replace(...)) outside "
                "the differentiated function, or pass the field itself",
            )
        value = stmt.value
        if isinstance(value, gast.Attribute) and _holder(value.value, maybe):
            stmt.value = _read(value, known.get(value.value.id), refuse)
    if isinstance(stmt, (gast.Assign, gast.Expr, gast.Return)):
        for node in S.walk(stmt):
            if isinstance(node, gast.Call):
                _check_call(node, known, maybe, refuse)


def _holder(node, maybe: set) -> bool:
    return isinstance(node, gast.Name) and node.id in maybe


def _what(lay: Layout | None) -> str:
    return f"the {lay.name}" if lay is not None else "the pytree"


def _read(node: gast.Attribute, lay: Layout | None, refuse):
    """`p.attr` as generated code reads it from the tuple of `p`'s children."""
    name, attr = node.value.id, node.attr
    if lay is None:
        refuse(
            node,
            f"srcad cannot tell which pytree {name} holds here (it is assigned values of "
            f"different structures), so it cannot read {name}.{attr}",
            f"give each structure its own name, or read {attr} before the values meet",
        )
    if attr in lay.fields:
        return S.copy_location(S.subscript(S.name(name), S.const(lay.fields.index(attr))), node)
    statics = dict(lay.statics)
    if attr in statics:
        return S.copy_location(S.const(statics[attr]), node)
    if "*" in lay.missing or attr in lay.missing:
        fields = ", ".join(f for f in lay.fields if f) or "none by name"
        refuse(
            node,
            f"srcad passes the {lay.name} argument {name} to the derivative code as its "
            f"children ({fields}); {name}.{attr} is not one of them",
            "read the fields of a differentiated pytree (p.w); call methods and "
            "properties outside the differentiated function, or on a value that is not "
            "differentiated",
        )
    return node


def _check_call(call: gast.Call, known: dict, maybe: set, refuse) -> None:
    func = call.func
    if isinstance(func, gast.Attribute) and _holder(func.value, maybe):
        lay = known.get(func.value.id)
        if lay is None or "*" in lay.missing or func.attr in lay.missing:
            refuse(
                call,
                f"srcad cannot call the method {func.attr} of {_what(lay)} argument "
                f"{func.value.id}: the derivative code is given the argument's children, "
                "not the object",
                "call a function of its fields instead (def apply(w, b, x): ...), or pass "
                "the object as an argument that is not differentiated",
            )
    if isinstance(func, gast.Name) and func.id in ("isinstance", "type"):
        for arg in call.args[:1]:
            if _holder(arg, maybe):
                lay = known.get(arg.id)
                if lay is None or lay.missing:
                    refuse(
                        call,
                        f"srcad cannot differentiate {func.id}() of the {_what(lay)} "
                        f"argument {arg.id}: the derivative code is given its children in "
                        "a plain container",
                        "decide on the type outside the differentiated function",
                    )
