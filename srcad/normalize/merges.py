"""Normalize: dict merges as calls of ``rt.dict_merge`` (``{**a, **b}`` of two dicts).

Accepts a parsed function (after the fence, before ANF), the namespace its free names come
from, its local names, the parameters known to be dicts (the kinds of the call's
arguments) and the name bound to `srcad.runtime`. Rewrites, keeping the order in which
Python evaluates the parts:

* a dict display with ``**`` entries: ``{**a, 'k': v, **b}`` ->
  ``rt.dict_merge(rt.dict_merge(a, {'k': v}), b)``;
* a call of the builtin ``dict`` with a positional argument and keywords, or with ``**``:
  ``dict(a, k=v, **b)`` -> ``rt.dict_merge(rt.dict_merge(a, {'k': v}), b)``;
* ``a | b`` where `a` is known to be a dict: a parameter given a dict, or a local name every
  assignment binds to a dict display, a dict comprehension or a merge;
* ``d.update(e, k=v)`` as a statement, where `d` is such a local name, bound to a fresh
  dict and never handed on (only indexed, read by dict readers, merged, tested by
  ``key in d`` or returned): ``d = rt.dict_merge(rt.dict_merge(d, e), {'k': v})``.
  Rebinding `d` is then what changing it in place was, as nothing else refers to it.

`rt.dict_merge` refuses, at run time, anything but two dicts (``dict(pairs, k=v)`` of a
list of pairs included: its adjoint would not be a dict). Its derivative takes each value's
derivative from the last dict that has the key (`srcad.rules.runtime_containers`). Other
merges (``d |= e``, an update of a dict handed on) are left to the analyses to refuse.
"""

from __future__ import annotations

import gast

from ..ir import syntax as S

# How a fresh dict may be used and still be rebound by an update: nothing else refers to it.
_READERS = frozenset({"get", "keys", "values", "items", "copy"})


def merge_dicts(fdef: gast.FunctionDef, namespace, local_names, dict_params, rt: str) -> None:
    """Rewrite dict merges in place (see the module docstring)."""
    dict_builtin = "dict" not in local_names and namespace.lookup("dict", None) is dict

    def merge(parts: list) -> gast.expr:
        out = parts[0]
        for p in parts[1:]:
            out = S.call(S.attr(S.name(rt), "dict_merge"), [out, p])
        return out

    for node in list(S.walk(fdef)):
        for field, value in gast.iter_fields(node):
            if isinstance(value, list):
                value[:] = [_merged(v, merge, dict_builtin) or v for v in value]
            else:
                new = _merged(value, merge, dict_builtin)
                if new is not None:
                    setattr(node, field, new)
    params = set(dict_params) - S.names_stored(gast.Module(body=fdef.body, type_ignores=[]))
    known = _dict_names(fdef) | params
    for node in S.walk(fdef):
        if (
            isinstance(node, gast.BinOp)
            and isinstance(node.op, gast.BitOr)
            and isinstance(node.left, gast.Name)
            and node.left.id in known
        ):
            call = S.call(S.attr(S.name(rt), "dict_merge"), [node.left, node.right])
            _replace(fdef, node, S.copy_location(call, node))
    fresh = {n for n in _dict_names(fdef) if n not in dict_params and _unshared(fdef, n)}
    fdef.body = S.rewrite_statements(fdef.body, lambda s: _update(s, fresh, merge))


def _merged(node, merge, dict_builtin: bool):
    if isinstance(node, gast.Dict) and any(k is None for k in node.keys):
        parts, plain_keys, plain_values = [], [], []
        for k, v in zip(node.keys, node.values):
            if k is None:
                if plain_keys:
                    parts.append(gast.Dict(keys=plain_keys, values=plain_values))
                    plain_keys, plain_values = [], []
                parts.append(v)
            else:
                plain_keys.append(k)
                plain_values.append(v)
        if plain_keys:
            parts.append(gast.Dict(keys=plain_keys, values=plain_values))
        if len(parts) == 1:
            parts.append(gast.Dict(keys=[], values=[]))
        return S.copy_location(merge(parts), node)
    if (
        dict_builtin
        and isinstance(node, gast.Call)
        and isinstance(node.func, gast.Name)
        and node.func.id == "dict"
        and len(node.args) <= 1
        and not any(isinstance(a, gast.Starred) for a in node.args)
        and node.keywords
        and (node.args or any(k.arg is None for k in node.keywords))
    ):
        parts = [*node.args, *_keyword_parts(node.keywords)]
        if len(parts) == 1:
            parts.append(gast.Dict(keys=[], values=[]))
        return S.copy_location(merge(parts), node)
    return None


def _keyword_parts(keywords) -> list:
    """``k=v, **b, m=w`` -> ``{'k': v}``, ``b``, ``{'m': w}``."""
    parts, keys, values = [], [], []
    for k in keywords:
        if k.arg is None:
            if keys:
                parts.append(gast.Dict(keys=keys, values=values))
                keys, values = [], []
            parts.append(k.value)
        else:
            keys.append(S.const(k.arg))
            values.append(k.value)
    if keys:
        parts.append(gast.Dict(keys=keys, values=values))
    return parts


def _replace(fdef, old, new) -> None:
    for node in S.walk(fdef):
        for field, value in gast.iter_fields(node):
            if value is old:
                setattr(node, field, new)
                return
            if isinstance(value, list) and any(v is old for v in value):
                value[[id(v) for v in value].index(id(old))] = new
                return


def _is_merge(value) -> bool:
    return (
        isinstance(value, (gast.Dict, gast.DictComp))
        or (
            isinstance(value, gast.Call)
            and isinstance(value.func, gast.Attribute)
            and value.func.attr == "dict_merge"
        )
        or (isinstance(value, gast.BinOp) and isinstance(value.op, gast.BitOr))
    )


def _dict_names(fdef: gast.FunctionDef) -> set[str]:
    """Local names every binding of which is an assignment of a dict display, a dict
    comprehension or a merge (a ``|`` of one of them counts once the fixpoint has it)."""
    bindings: dict[str, list] = {}
    for node in S.walk(fdef):
        if isinstance(node, gast.Name) and isinstance(node.ctx, (gast.Store, gast.Del)):
            bindings.setdefault(node.id, []).append(node)
        elif isinstance(node, (gast.FunctionDef, gast.Lambda)) and node is not fdef:
            for n in S.walk(node.args):
                if isinstance(n, gast.Name):
                    bindings.setdefault(n.id, []).append(None)
        elif isinstance(node, (gast.Global, gast.Nonlocal)):
            for name in node.names:
                bindings.setdefault(name, []).append(None)
    for n in S.walk(fdef.args):
        if isinstance(n, gast.Name):
            bindings.setdefault(n.id, []).append(None)
    assigned: dict[int, gast.expr] = {}
    for s in S.walk(fdef):
        if isinstance(s, gast.Assign) and len(s.targets) == 1:
            if isinstance(s.targets[0], gast.Name):
                assigned[id(s.targets[0])] = s.value
    names = set()
    for name, stores in bindings.items():
        values = [assigned.get(id(n)) if n is not None else None for n in stores]
        if values and all(v is not None and _is_merge(v) for v in values):
            names.add(name)
    # a | b is a merge only when a is a dict
    changed = True
    while changed:
        changed = False
        for name in list(names):
            for n in bindings[name]:
                v = assigned[id(n)]
                if isinstance(v, gast.BinOp) and not (
                    isinstance(v.left, gast.Name) and v.left.id in names
                ):
                    names.discard(name)
                    changed = True
                    break
    return names


def _unshared(fdef: gast.FunctionDef, name: str) -> bool:
    """Whether every load of `name` reads the dict without handing it on."""
    parents = {}
    for node in S.walk(fdef):
        for child in S.children(node):
            parents[id(child)] = node
    for node in S.walk(fdef):
        if not (isinstance(node, gast.Name) and node.id == name):
            continue
        if not isinstance(node.ctx, gast.Load):
            continue
        parent = parents.get(id(node))
        if isinstance(parent, gast.Subscript) and parent.value is node:
            continue  # d[k], d[k] = v: the one dict there is
        elif isinstance(parent, gast.Attribute):
            call = parents.get(id(parent))
            if parent.attr == "update" and isinstance(parents.get(id(call)), gast.Expr):
                continue
            if parent.attr not in _READERS:
                return False
        elif isinstance(parent, gast.Call) and node in parent.args:
            if not (isinstance(parent.func, gast.Attribute) and parent.func.attr == "dict_merge"):
                return False
        elif isinstance(parent, gast.Compare) and node is not parent.left:
            continue  # key in d
        elif not isinstance(parent, gast.Return):
            return False
    return True


def _update(s, fresh: set, merge) -> list:
    """``d.update(e, k=v)`` -> ``d = merge(d, e, {'k': v})`` for a fresh dict `d`."""
    call = s.value if isinstance(s, gast.Expr) else None
    if not (
        isinstance(call, gast.Call)
        and isinstance(call.func, gast.Attribute)
        and call.func.attr == "update"
        and isinstance(call.func.value, gast.Name)
        and call.func.value.id in fresh
        and len(call.args) <= 1
        and not any(isinstance(a, gast.Starred) for a in call.args)
    ):
        return [s]
    name = call.func.value.id
    parts = [S.name(name), *call.args, *_keyword_parts(call.keywords)]
    if len(parts) == 1:
        return [s]
    new = S.assign(name, merge(parts))
    return [S.copy_location(new, s)]
