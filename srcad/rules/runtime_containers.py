"""Rules for the runtime helpers of lists, tuples and dicts: list mutations, Python's
containers and conversions, leafwise accumulation, + and * on sequences, sum() and dict.get,
and the helpers of those rules.

Split from `srcad.rules.runtime_rules` (which imports this module, so importing it
registers these rules too); its conventions hold here.
"""

from __future__ import annotations

import builtins

from .. import runtime as rt
from .template import d, jvp_rule, nb, returns, vjp_rule


# List mutations' derivatives are linear in the derivative lists (srcad.transform.containers).
@vjp_rule(rt.drop_last, linear=("bl",))
def _(ans, bl, count):
    d[bl] = rt.pad_list(d[ans], bl, 0)


@jvp_rule(rt.drop_last, linear=("bl",))
def _(ans, bl, count):
    d[ans] = rt.drop_last(d[bl], count)


@vjp_rule(rt.last_items, linear=("bl",))
def _(ans, bl, count):
    d[bl] = rt.pad_list(d[ans], bl, len(bl) - count)


@jvp_rule(rt.last_items, linear=("bl",))
def _(ans, bl, count):
    d[ans] = rt.last_items(d[bl], count)


@vjp_rule(rt.drop_at, linear=("bl",))
def _(ans, bl, index):
    d[bl] = rt.insert_zero(d[ans], bl, index)


@jvp_rule(rt.drop_at, linear=("bl",))
def _(ans, bl, index):
    d[ans] = rt.drop_at(d[bl], index)


@vjp_rule(rt.put_back, linear=("bl", "value_adjoint"))
def _(ans, bl, seq, value_adjoint, index=None):
    d[bl] = rt.take_back(d[ans], index)
    d[value_adjoint] = rt.taken_value(d[ans], index)


@jvp_rule(rt.put_back, linear=("bl", "value_adjoint"))
def _(ans, bl, seq, value_adjoint, index=None):
    d[ans] = rt.put_back(d[bl], seq, d[value_adjoint], index)


@vjp_rule(rt.pad_list, linear=("b",))
def _(ans, b, like, start):
    d[b] = rt.list_slice(d[ans], start, len(b))


@jvp_rule(rt.pad_list, linear=("b",))
def _(ans, b, like, start):
    d[ans] = rt.pad_list(d[b], like, start)


@vjp_rule(rt.insert_zero, linear=("b",))
def _(ans, b, like, index):
    d[b] = rt.drop_at(d[ans], index)


@jvp_rule(rt.insert_zero, linear=("b",))
def _(ans, b, like, index):
    d[ans] = rt.insert_zero(d[b], like, index)


@vjp_rule(rt.take_back, linear=("b",))
def _(ans, b, index=None):
    d[b] = rt.put_back(d[ans], b, rt.zeros_like(rt.taken_value(b, index)), index)


@jvp_rule(rt.take_back, linear=("b",))
def _(ans, b, index=None):
    d[ans] = rt.take_back(d[b], index)


@vjp_rule(rt.taken_value, linear=("b",))
def _(ans, b, index=None):
    d[b] = rt.one_hot_list(d[ans], b, index)


@jvp_rule(rt.taken_value, linear=("b",))
def _(ans, b, index=None):
    d[ans] = rt.taken_value(d[b], index)


@vjp_rule(rt.list_slice, linear=("b",))
def _(ans, b, start, count):
    d[b] = rt.pad_list(d[ans], b, start)


@jvp_rule(rt.list_slice, linear=("b",))
def _(ans, b, start, count):
    d[ans] = rt.list_slice(d[b], start, count)


returns("same", rt.sequence, rt.sequence_vjp, rt.copy, rt.add, rt.fresh_residuals)


@vjp_rule(rt.copy_item, linear=("x",))
def _(ans, x, idx):
    d[x] = rt.getitem_vjp(d[ans], x, idx, nb)


@jvp_rule(rt.copy_item, linear=("x",))
def _(ans, x, idx):
    d[ans] = rt.getitem_batched(d[x], idx, nb)


@vjp_rule(rt.zero_item, linear=("b",))
def _(ans, b, x, idx, batch=0):
    d[b] = rt.zero_item(d[ans], x, idx, batch + nb)


@jvp_rule(rt.zero_item, linear=("b",))
def _(ans, b, x, idx, batch=0):
    d[ans] = rt.zero_item(d[b], x, idx, batch + nb)


# Python's own containers and conversions.
@vjp_rule(builtins.list, linear=("iterable",), arity=1)
def _(ans, iterable):
    d[iterable] = rt.from_sequence(d[ans], iterable, nb)


@jvp_rule(builtins.list, linear=("iterable",), arity=1)
def _(ans, iterable):
    d[ans] = rt.to_sequence(d[iterable], iterable, list, nb)


@vjp_rule(builtins.tuple, linear=("iterable",), arity=1)
def _(ans, iterable):
    d[iterable] = rt.from_sequence(d[ans], iterable, nb)


@jvp_rule(builtins.tuple, linear=("iterable",), arity=1)
def _(ans, iterable):
    d[ans] = rt.to_sequence(d[iterable], iterable, tuple, nb)


@vjp_rule(rt.to_sequence, linear=("t",))
def _(ans, t, x, kind, batch=0):
    d[t] = rt.from_sequence(d[ans], x, batch + nb)


@jvp_rule(rt.to_sequence, linear=("t",))
def _(ans, t, x, kind, batch=0):
    d[ans] = rt.to_sequence(d[t], x, kind, batch + nb)


@vjp_rule(rt.from_sequence, linear=("b",))
def _(ans, b, x, batch=0):
    d[b] = rt.to_sequence(d[ans], x, list, batch + nb)


@jvp_rule(rt.from_sequence, linear=("b",))
def _(ans, b, x, batch=0):
    d[ans] = rt.from_sequence(d[b], x, batch + nb)


returns("list", builtins.list, rt.to_sequence)
returns("tuple", builtins.tuple)


# Derivatives shaped like their primal, which may be a container: accumulate them leafwise.
returns(
    "unknown",
    rt.getitem_vjp,
    rt.getitem_batched,
    rt.pack_like,
    rt.from_sequence,
    rt.zero_item,
    rt.copy_item,
    rt.item_tangent,
)


@vjp_rule(rt.setitem_tangent, linear=("dx", "dv"))
def _(ans, dx, x, idx, dv, batch=0):
    d[dx] = rt.zero_item(d[ans], x, idx, batch + nb)
    d[dv] = rt.unbroadcast(rt.getitem_batched(d[ans], idx, batch + nb), dv, nb)


@jvp_rule(rt.setitem_tangent, linear=("dx", "dv"))
def _(ans, dx, x, idx, dv, batch=0):
    d[ans] = rt.setitem_tangent(d[dx], x, idx, d[dv], batch + nb)


@vjp_rule(rt.one_hot_list, linear=("value",))
def _(ans, value, like, index=None):
    d[value] = rt.taken_value(d[ans], index)


@jvp_rule(rt.one_hot_list, linear=("value",))
def _(ans, value, like, index=None):
    d[ans] = rt.one_hot_list(d[value], like, index)


returns(
    "list",
    rt.drop_last,
    rt.last_items,
    rt.drop_at,
    rt.put_back,
    rt.pad_list,
    rt.insert_zero,
    rt.take_back,
    rt.list_slice,
    rt.one_hot_list,
)
returns("unknown", rt.taken_value, rt.setitem_tangent)


# Python's + and * on lists and tuples, sum() of a sequence, dict.get.
@vjp_rule(rt.concat, linear=("a", "b"))
def _(ans, a, b):
    d[a] = rt.list_slice_as(d[ans], a, 0)
    d[b] = rt.list_slice_as(d[ans], b, len(a))


@jvp_rule(rt.concat, linear=("a", "b"))
def _(ans, a, b):
    d[ans] = rt.concat(d[a], d[b])


@vjp_rule(rt.repeat_sequence, linear=("a", "b"))
def _(ans, a, b):
    d[a] = rt.fold_repeats(d[ans], a)
    d[b] = rt.fold_repeats(d[ans], b)


@jvp_rule(rt.repeat_sequence, linear=("a", "b"))
def _(ans, a, b):
    d[ans] = rt.repeat_tangent(d[a], d[b], a, b)


@vjp_rule(builtins.sum, linear=("iterable",), arity=1)
def _(ans, iterable, start=0):
    d[iterable] = rt.spread_sum(d[ans], iterable, nb)
    d[start] = d[ans]


@jvp_rule(builtins.sum, linear=("iterable",), arity=1)
def _(ans, iterable, start=0):
    d[ans] = rt.sum_sequence(d[iterable], iterable, nb) + d[start]


@vjp_rule(rt.dict_get, linear=("mapping", "default"))
def _(ans, mapping, key, default=None):
    d[mapping] = rt.dict_get_vjp(d[ans], mapping, key, nb)
    d[default] = rt.default_vjp(d[ans], mapping, key)


@jvp_rule(rt.dict_get, linear=("mapping", "default"))
def _(ans, mapping, key, default=None):
    d[ans] = rt.dict_get(d[mapping], key, d[default])


# d.values() as a value (sum(d.values()), list(d.values())): the values' adjoints go back
# under d's keys; the tangent is the tangent dict's entries in d's key order.
@vjp_rule(rt.dict_values, linear=("mapping",))
def _(ans, mapping):
    d[mapping] = rt.dict_values_vjp(d[ans], mapping)


@jvp_rule(rt.dict_values, linear=("mapping",))
def _(ans, mapping):
    d[ans] = rt.values_in_order(d[mapping], mapping)


@vjp_rule(rt.dict_values_vjp, linear=("g",))
def _(ans, g, mapping):
    d[g] = rt.values_in_order(d[ans], mapping)


@jvp_rule(rt.dict_values_vjp, linear=("g",))
def _(ans, g, mapping):
    d[ans] = rt.dict_values_vjp(d[g], mapping)


@vjp_rule(rt.values_in_order, linear=("tangent",))
def _(ans, tangent, mapping):
    d[tangent] = rt.dict_values_vjp(d[ans], mapping)


@jvp_rule(rt.values_in_order, linear=("tangent",))
def _(ans, tangent, mapping):
    d[ans] = rt.values_in_order(d[tangent], mapping)


# Dict merges ({**a, **b}, a | b, dict(a, **b), a.update(b) on a fresh dict): each value
# comes from the last dict that has its key, and so does its derivative.
@vjp_rule(rt.dict_merge, linear=("a", "b"))
def _(ans, a, b):
    d[a] = rt.merge_part(d[ans], ans, a, b, nb)
    d[b] = rt.merge_part(d[ans], ans, b, None, nb)


@jvp_rule(rt.dict_merge, linear=("a", "b"))
def _(ans, a, b):
    d[ans] = rt.dict_merge(d[a], d[b])


@vjp_rule(rt.merge_part, linear=("g",))
def _(ans, g, merged, part, shadow, batch=0):
    d[g] = rt.merge_part_t(d[ans], merged, part, shadow, batch + nb)


@jvp_rule(rt.merge_part, linear=("g",))
def _(ans, g, merged, part, shadow, batch=0):
    d[ans] = rt.merge_part(d[g], merged, part, shadow, batch + nb)


@vjp_rule(rt.merge_part_t, linear=("h",))
def _(ans, h, merged, part, shadow, batch=0):
    d[h] = rt.merge_part(d[ans], merged, part, shadow, batch + nb)


@jvp_rule(rt.merge_part_t, linear=("h",))
def _(ans, h, merged, part, shadow, batch=0):
    d[ans] = rt.merge_part_t(d[h], merged, part, shadow, batch + nb)


returns("dict", rt.dict_merge, rt.merge_part, rt.merge_part_t)
returns("list", rt.values_in_order)
returns("unknown", rt.dict_values, rt.dict_values_vjp)
returns("same", rt.concat)
returns("unknown", rt.repeat_sequence, rt.dict_get, builtins.sum)


# The helpers of those rules, for second derivatives: each is linear in its first argument.
@vjp_rule(rt.list_slice_as, linear=("b",))
def _(ans, b, like, start):
    d[b] = rt.pad_list(d[ans], b, start)


@jvp_rule(rt.list_slice_as, linear=("b",))
def _(ans, b, like, start):
    d[ans] = rt.list_slice_as(d[b], like, start)


@vjp_rule(rt.fold_repeats, linear=("b",))
def _(ans, b, operand):
    d[b] = rt.unfold_repeats(d[ans], b, operand)


@jvp_rule(rt.fold_repeats, linear=("b",))
def _(ans, b, operand):
    d[ans] = rt.fold_repeats(d[b], operand)


@vjp_rule(rt.unfold_repeats, linear=("g",))
def _(ans, g, b, operand):
    d[g] = rt.fold_repeats(d[ans], operand)


@jvp_rule(rt.unfold_repeats, linear=("g",))
def _(ans, g, b, operand):
    d[ans] = rt.unfold_repeats(d[g], b, operand)


@vjp_rule(rt.repeat_tangent, linear=("ta", "tb"))
def _(ans, ta, tb, a, b):
    d[ta] = rt.fold_repeats(d[ans], a)
    d[tb] = rt.fold_repeats(d[ans], b)


@jvp_rule(rt.repeat_tangent, linear=("ta", "tb"))
def _(ans, ta, tb, a, b):
    d[ans] = rt.repeat_tangent(d[ta], d[tb], a, b)


@vjp_rule(rt.spread_sum, linear=("g",))
def _(ans, g, iterable, batch=0):
    d[g] = rt.sum_sequence(d[ans], iterable, batch + nb)


@jvp_rule(rt.spread_sum, linear=("g",))
def _(ans, g, iterable, batch=0):
    d[ans] = rt.spread_sum(d[g], iterable, batch + nb)


@vjp_rule(rt.sum_sequence, linear=("t",))
def _(ans, t, iterable, batch=0):
    d[t] = rt.spread_sum(d[ans], iterable, batch + nb)


@jvp_rule(rt.sum_sequence, linear=("t",))
def _(ans, t, iterable, batch=0):
    d[ans] = rt.sum_sequence(d[t], iterable, batch + nb)


@vjp_rule(rt.dict_get_vjp, linear=("g",))
def _(ans, g, mapping, key, batch=0):
    d[g] = rt.dict_get_vjp_t(d[ans], g, mapping, key)


@jvp_rule(rt.dict_get_vjp, linear=("g",))
def _(ans, g, mapping, key, batch=0):
    d[ans] = rt.dict_get_vjp(d[g], mapping, key, batch + nb)


@vjp_rule(rt.dict_get_vjp_t, linear=("b",))
def _(ans, b, g, mapping, key):
    d[b] = rt.dict_get_vjp(d[ans], mapping, key, nb)


@jvp_rule(rt.dict_get_vjp_t, linear=("b",))
def _(ans, b, g, mapping, key):
    d[ans] = rt.dict_get_vjp_t(d[b], g, mapping, key)


@vjp_rule(rt.default_vjp, linear=("g",))
def _(ans, g, mapping, key):
    d[g] = rt.default_vjp(d[ans], mapping, key)


@jvp_rule(rt.default_vjp, linear=("g",))
def _(ans, g, mapping, key):
    d[ans] = rt.default_vjp(d[g], mapping, key)


returns("list", rt.unfold_repeats)
returns(
    "unknown",
    rt.list_slice_as,
    rt.fold_repeats,
    rt.repeat_tangent,
    rt.spread_sum,
    rt.dict_get_vjp,
    rt.dict_get_vjp_t,
)


# Masking the writes that do not survive is the same diagonal map forward and backward.
@vjp_rule(rt.surviving, linear=("items",))
def _(ans, items, x, idx, batch=0):
    d[items] = rt.surviving(d[ans], x, idx, batch + nb)


@jvp_rule(rt.surviving, linear=("items",))
def _(ans, items, x, idx, batch=0):
    d[ans] = rt.surviving(d[items], x, idx, batch + nb)


# A container's adjoint is a container: these return the kind of the value they stand for.
returns("like:x", rt.getitem_vjp)
returns("like:x", rt.zero_item)
returns("like:x", rt.unbroadcast)
returns("like:g", rt.unbroadcast_kept)  # its x may be a Shape standing for the value


# A record the differentiated code builds (srcad.normalize.records_built): a namedtuple of
# its fields, whose derivatives are the tuple of the fields' derivatives.
@vjp_rule(rt.make_record, linear=("parts",))
def _(ans, cls, parts):
    d[parts] = rt.from_sequence(d[ans], parts, nb)


@jvp_rule(rt.make_record, linear=("parts",))
def _(ans, cls, parts):
    d[ans] = rt.make_record(cls, rt.to_sequence(d[parts], parts, tuple, nb))


returns("tuple", rt.make_record)
