"""Normalize: ``sorted(xs)`` and ``max(xs, key=f)``/``min(xs, key=f)`` as indexing by an order.

Accepts a parsed function (after the fence, before ANF), the namespace its free names come
from, its local names and the name bound to `srcad.runtime`. Rewrites, where the builtin is
meant (no local binds its name) and the sequence is a name:

* ``sorted(xs)``, ``sorted(xs, key=f, reverse=r)`` ->
  ``[xs[i] for i in rt.sorted_order(xs, f, r)]``;
* ``max(xs, key=f)`` -> ``xs[rt.extreme_index(xs, f, True)]``, ``min`` with False;
* a key ``lambda v: e`` (one parameter) is computed by a comprehension, ``[e for v in xs]``,
  as sorted would call it, once per item in order; ``rt.order_by_keys`` and
  ``rt.extreme_by_keys`` order by it.

The order is computed from the primal values (it carries no derivative), so the result's
derivative is the derivative of the items, permuted: exact wherever the order does not
change under a small change of the items (no ties). The helpers refuse, at run time, a
sequence that indexing would read differently from iterating (a dict, a set, a generator,
an array of rank 2 or more). A sequence that is not a name is left to be refused.
"""

from __future__ import annotations

import builtins

import gast

from ..ir import syntax as S


def order_by_index(fdef: gast.FunctionDef, namespace, local_names: set[str], rt: str) -> None:
    """Rewrite sorted/max/min calls in place (see the module docstring)."""
    taken = S.all_names(fdef)
    counter = [0]

    def fresh() -> str:
        while True:
            counter[0] += 1
            name = f"position{counter[0]}"
            if name not in taken:
                taken.add(name)
                return name

    for node in S.walk(fdef):
        for field, value in gast.iter_fields(node):
            if isinstance(value, list):
                for i, item in enumerate(value):
                    new = _rewritten(item, namespace, local_names, rt, fresh)
                    if new is not None:
                        value[i] = new
            else:
                new = _rewritten(value, namespace, local_names, rt, fresh)
                if new is not None:
                    setattr(node, field, new)


def _builtin(call, name: str, namespace, local_names) -> bool:
    return (
        isinstance(call, gast.Call)
        and isinstance(call.func, gast.Name)
        and call.func.id == name
        and name not in local_names
        and namespace.lookup(name, None) is getattr(builtins, name)
    )


def _rewritten(call, namespace, local_names, rt: str, fresh):
    if _builtin(call, "sorted", namespace, local_names):
        keywords = {k.arg: k.value for k in call.keywords}
        if not (
            len(call.args) == 1
            and isinstance(call.args[0], gast.Name)
            and set(keywords) <= {"key", "reverse"}
            and None not in keywords
        ):
            return None
        seq = call.args[0].id
        reverse = keywords.get("reverse", S.const(False))
        key = keywords.get("key", S.const(None))
        keys = _keys(key, seq)
        if keys is not None:
            order = S.call(S.attr(S.name(rt), "order_by_keys"), [S.name(seq), keys, reverse])
        else:
            order = S.call(S.attr(S.name(rt), "sorted_order"), [S.name(seq), key, reverse])
        i = fresh()
        item = S.subscript(S.name(seq), S.name(i))
        out = gast.ListComp(item, [gast.comprehension(S.name(i, store=True), order, [], 0)])
        return S.copy_location(out, call)
    for name, largest in (("max", True), ("min", False)):
        if _builtin(call, name, namespace, local_names):
            if not (
                len(call.args) == 1
                and isinstance(call.args[0], gast.Name)
                and [k.arg for k in call.keywords] == ["key"]
            ):
                return None
            seq = call.args[0].id
            key = call.keywords[0].value
            keys = _keys(key, seq)
            helper, by = ("extreme_by_keys", keys) if keys is not None else ("extreme_index", key)
            index = S.call(S.attr(S.name(rt), helper), [S.name(seq), by, S.const(largest)])
            return S.copy_location(S.subscript(S.name(seq), index), call)
    return None


def _keys(key, seq: str):
    """``[e for v in seq]`` for a key ``lambda v: e``, else None."""
    a = getattr(key, "args", None)
    if not (
        isinstance(key, gast.Lambda)
        and len(a.args) == 1
        and not (a.posonlyargs or a.kwonlyargs or a.vararg or a.kwarg or a.defaults)
    ):
        return None
    target = S.name(a.args[0].id, store=True)
    return gast.ListComp(key.body, [gast.comprehension(target, S.name(seq), [], 0)])
