"""Normalize: ``sorted(xs)`` and ``max(xs, key=f)``/``min(xs, key=f)`` as indexing by an order.

Accepts a parsed function (after the fence, before ANF), the namespace its free names come
from, its local names and the name bound to `srcad.runtime`. Rewrites, where the builtin is
meant (no local binds its name):

* ``sorted(xs)``, ``sorted(xs, key=f, reverse=r)`` ->
  ``[xs[i] for i in rt.sorted_order(xs, f, r)]``;
* ``max(xs, key=f)`` -> ``xs[rt.extreme_index(xs, f, True)]``, ``min`` with False (and
  ``max(e)`` of an expression `e` other than a name, with the key None);
* a key ``lambda v: e`` (one parameter) is computed by a comprehension, ``[e for v in xs]``,
  as sorted would call it, once per item in order; ``rt.order_by_keys`` and
  ``rt.extreme_by_keys`` order by it.

A sequence `e` that is not a name is made a list first, where the call evaluates it, and
bound by a one-item comprehension: ``sorted(e)`` -> ``[s[i] for s in [list(e)] for i in
rt.sorted_order(s, None, False)]``, ``max(e, key=f)`` -> ``[s[rt.extreme_index(s, f, True)]
for s in [list(e)]][0]``. The list is what sorted and max iterate over: a generator
expression becomes a list comprehension, ``d.items()`` becomes ``[(k, d[k]) for k in
rt.item_keys(d)]`` (`item_keys` refuses, at run time, anything but a dict), ``list(e)``
otherwise (a dict's keys, ``d.values()``, an array's items).

The order is computed from the primal values (it carries no derivative), so the result's
derivative is the derivative of the items, permuted: exact wherever the order does not
change under a small change of the items (no ties), as JAX's sort. The helpers refuse, at
run time, a sequence named that indexing would read differently from iterating (a dict, a
set, a generator, an array of rank 2 or more): ``sorted(list(d))`` says what is meant.
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
        # a sequence other than a name is made a list by `list`: the builtin's
        and (
            isinstance(call.args[0] if call.args else None, gast.Name)
            or ("list" not in local_names and namespace.lookup("list", None) is list)
        )
    )


def _rewritten(call, namespace, local_names, rt: str, fresh):
    if _builtin(call, "sorted", namespace, local_names):
        keywords = {k.arg: k.value for k in call.keywords}
        if not (
            len(call.args) == 1
            and not isinstance(call.args[0], gast.Starred)
            and set(keywords) <= {"key", "reverse"}
            and None not in keywords
        ):
            return None
        seq, bound = _sequence(call.args[0], rt, fresh)
        reverse = keywords.get("reverse", S.const(False))
        key = keywords.get("key", S.const(None))
        keys = _keys(key, seq)
        if keys is not None:
            order = S.call(S.attr(S.name(rt), "order_by_keys"), [S.name(seq), keys, reverse])
        else:
            order = S.call(S.attr(S.name(rt), "sorted_order"), [S.name(seq), key, reverse])
        i = fresh()
        item = S.subscript(S.name(seq), S.name(i))
        loops = [*bound, gast.comprehension(S.name(i, store=True), order, [], 0)]
        return S.copy_location(gast.ListComp(item, loops), call)
    for name, largest in (("max", True), ("min", False)):
        if _builtin(call, name, namespace, local_names):
            keywords = [k.arg for k in call.keywords]
            if not (
                len(call.args) == 1
                and not isinstance(call.args[0], (gast.Starred, gast.Name if not keywords else ()))
                and keywords in (["key"], [])
            ):
                return None  # max(xs) of a name has a rule of its own
            seq, bound = _sequence(call.args[0], rt, fresh)
            key = call.keywords[0].value if keywords else S.const(None)
            keys = _keys(key, seq)
            helper, by = ("extreme_by_keys", keys) if keys is not None else ("extreme_index", key)
            index = S.call(S.attr(S.name(rt), helper), [S.name(seq), by, S.const(largest)])
            out = S.subscript(S.name(seq), index)
            if bound:
                out = S.subscript(gast.ListComp(out, bound), S.const(0))
            return S.copy_location(out, call)
    return None


def _sequence(arg, rt: str, fresh) -> tuple[str, list]:
    """The name the rewrite indexes, and the one-item comprehension loop that binds it
    (none for a name)."""
    if isinstance(arg, gast.Name):
        return arg.id, []
    seq = fresh()
    listed = gast.List(elts=[_listed(arg, rt, fresh)], ctx=gast.Load())
    return seq, [gast.comprehension(S.name(seq, store=True), listed, [], 0)]


def _listed(arg, rt: str, fresh):
    """The list sorted, max and min iterate over (see the module docstring)."""
    if isinstance(arg, (gast.GeneratorExp, gast.ListComp)):
        return gast.ListComp(arg.elt, arg.generators)
    if (
        isinstance(arg, gast.Call)
        and isinstance(arg.func, gast.Attribute)
        and arg.func.attr == "items"
        and isinstance(arg.func.value, gast.Name)
        and not (arg.args or arg.keywords)
    ):
        mapping, k = arg.func.value.id, fresh()
        pair = S.tuple_([S.name(k), S.subscript(S.name(mapping), S.name(k))])
        keys = S.call(S.attr(S.name(rt), "item_keys"), [S.name(mapping)])
        return gast.ListComp(pair, [gast.comprehension(S.name(k, store=True), keys, [], 0)])
    return S.call(S.name("list"), [arg])


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
