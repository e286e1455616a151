"""Normalize, part 1 (loop headers): `for target in iterable` as an index loop.

Accepts the iterable of a `for` statement. Guarantees: `loop_header` returns a
`range(...)` call and either None (the loop was over a range) or a function from the index
expression to the element expression; zip, enumerate, reversed and dict views are unrolled
into index arithmetic, anything else goes through `srcad.runtime.sequence`.
"""

from __future__ import annotations

import gast

from ..ir import syntax as S
from .anf_expressions import Ctx, atom, fresh_assign, name_atom


def loop_header(iterable, ctx: Ctx, out: list):
    """Return (range call, element builder or None) for `for target in iterable`."""
    if _is_call_to(iterable, "range"):
        args = [atom(a, ctx, out) for a in iterable.args]
        return S.call(S.name("range"), args), None
    producers, length = _producers(iterable, ctx, out)
    header = S.call(S.name("range"), [length])
    return header, producers


def _is_call_to(node, fname: str) -> bool:
    return (
        isinstance(node, gast.Call)
        and isinstance(node.func, gast.Name)
        and node.func.id == fname
        and not node.keywords
        and not any(isinstance(a, gast.Starred) for a in node.args)
    )


def _dict_view(node) -> str | None:
    if (
        isinstance(node, gast.Call)
        and isinstance(node.func, gast.Attribute)
        and node.func.attr in ("items", "keys", "values")
        and not node.args
        and not node.keywords
    ):
        return node.func.attr
    return None


def _producers(iterable, ctx: Ctx, out: list):
    """Element builder `index expression -> element expression` and the trip count, for
    zip, enumerate, reversed, dict views, and anything else (through rt.sequence)."""
    if _is_call_to(iterable, "zip") and iterable.args and iterable.func.id not in ctx.bound:
        parts = [_producers(a, ctx, out) for a in iterable.args]
        lengths = [p[1] for p in parts]
        length = (
            lengths[0]
            if len(lengths) == 1
            else S.name(fresh_assign(S.call(S.name("min"), lengths), ctx, out, "n"))
        )
        return (lambda k: S.tuple_([p[0](S.clone(k)) for p in parts])), length
    start = _enumerate_start(iterable, ctx)
    if start is not False:
        inner, length = _producers(iterable.args[0], ctx, out)
        first = atom(start, ctx, out) if start is not None else None

        def element(k):
            index = S.clone(k) if first is None else S.binop(S.clone(k), gast.Add(), S.clone(first))
            return S.tuple_([index, inner(S.clone(k))])

        return element, length
    if (
        _is_call_to(iterable, "reversed")
        and len(iterable.args) == 1
        and (iterable.func.id not in ctx.bound)
    ):
        inner, length = _producers(iterable.args[0], ctx, out)
        last = S.binop(S.clone(length), gast.Sub(), S.const(1))
        return (lambda k: inner(S.binop(S.clone(last), gast.Sub(), S.clone(k)))), length
    view = _dict_view(iterable)
    if view is not None:
        # for k, v in d.items(): the keys carry no derivative, the values are d[k].
        mapping = name_atom(iterable.func.value, ctx, out)
        keys = fresh_assign(
            S.call(S.dotted(f"{ctx.rt}.dict_keys"), [S.name(mapping)]), ctx, out, "keys"
        )
        length = fresh_assign(S.call(S.name("len"), [S.name(keys)]), ctx, out, "n")

        def item(k):
            key = S.subscript(S.name(keys), S.clone(k))
            value = S.subscript(S.name(mapping), S.clone(key))
            return {"keys": key, "values": value, "items": S.tuple_([S.clone(key), value])}[view]

        return item, S.name(length)
    if _is_call_to(iterable, "range"):
        seq = name_atom(iterable, ctx, out)
    else:
        seq = fresh_assign(
            S.call(S.dotted(f"{ctx.rt}.sequence"), [atom(iterable, ctx, out)]), ctx, out, "seq"
        )
    length = fresh_assign(S.call(S.name("len"), [S.name(seq)]), ctx, out, "n")
    return (lambda k: S.subscript(S.name(seq), S.clone(k))), S.name(length)


def _enumerate_start(node, ctx: Ctx):
    """For enumerate(seq[, start]) or enumerate(seq, start=s): the start (None for 0);
    False for anything else."""
    if not (
        isinstance(node, gast.Call)
        and isinstance(node.func, gast.Name)
        and node.func.id == "enumerate"
        and node.func.id not in ctx.bound
    ):
        return False
    if any(isinstance(a, gast.Starred) for a in node.args) or not node.args:
        return False
    keywords = {k.arg: k.value for k in node.keywords}
    if set(keywords) - {"start"} or len(node.args) + len(keywords) > 2:
        return False
    if len(node.args) == 2:
        return node.args[1]
    return keywords.get("start")
