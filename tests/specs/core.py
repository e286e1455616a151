"""Rule specs: runtime helpers that generated code calls (differentiated when transforms nest).

Collected by tests/rule_specs.py.
"""

from __future__ import annotations

import numpy as np  # noqa: F401

from srcad import runtime as rt  # noqa: F401

from . import BINARY, UNARY, RuleSpec  # noqa: F401

# For the pytree entries of the Jacobian layouts (below): the output, and the paths to the
# leaves of a Jacobian of it with respect to [x0, a float].
_OUT = "(np.ones(2), {'k': np.ones((2, 2))})"
_JACOBIAN_LEAVES = ("[0][0]", "[0][1]", "[1]['k'][0]", "[1]['k'][1]")


def _flat(call: str, paths) -> str:
    """Every leaf of `call`'s pytree result, at `paths`, in one vector (a spec returns one
    array; the call is repeated because srcad refuses a lambda called in place)."""
    return "np.concatenate((" + ", ".join(f"np.ravel({call}{p})" for p in paths) + "))"


SPECS: list[RuleSpec] = [
    RuleSpec(
        rt.broadcast_batched, [((2, 3), (3,))], call="rt.broadcast_batched(a0, a1, (4, 3), 1)"
    ),
    RuleSpec(
        rt.broadcast_back, [((2, 3), (2, 4, 3), (3,))], call="rt.broadcast_back(a0, a1, a2, 0, 1)"
    ),
    RuleSpec(
        rt.broadcast_back_vjp,
        [((2, 4, 3), (3,), (2, 4, 3), (3,))],
        call="rt.broadcast_back_vjp(a0, a1, a2, a3)",
    ),
    # runtime helpers that generated code calls (differentiated when transforms nest)
    RuleSpec(
        rt.unbroadcast,
        [((2, 3), (1, 3)), ((2, 3), (3,)), ((2, 3), ())],
        call="rt.unbroadcast(a0, a1)",
    ),
    # a tape that keeps shapes (srcad.optimize.shape_saves): the shape kept, or the value
    RuleSpec(
        rt.unbroadcast_kept,
        [((2, 3), (1, 3)), ((2, 3), (3,)), ((2, 3), ())],
        call="rt.unbroadcast_kept(a0, rt.shape_only(a1))",
    ),
    RuleSpec(rt.unbroadcast_kept, [((2, 3), (3,))], call="rt.unbroadcast_kept(a0, a1)"),
    RuleSpec(rt.fit, [((1, 3), (2, 3)), ((3,), (2, 3))], call="rt.fit(a0, a1)"),
    RuleSpec(rt.fit, [((2, 1, 3), (4, 3))], call="rt.fit(a0, a1, 1)"),
    RuleSpec(rt.fit_vjp, [((2, 4, 3), (2, 1, 3), (4, 3))], call="rt.fit_vjp(a0, a1, a2, 1)"),
    RuleSpec(rt.lift, [((2, 4), (4,))], call="rt.lift(a0, a1, 3, 1)"),
    RuleSpec(rt.abs_jvp, [((3,), (3,))], domain="nonzero", call="rt.abs_jvp(a0, a1, np.abs(a1))"),
    RuleSpec(rt.add, [((3,), (3,))], call="rt.add(a0, a1)"),
    RuleSpec(rt.astype, [((3,),)], call="rt.astype(a0, np.float64)"),
    RuleSpec(rt.copy, [((3,),)], call="rt.copy(a0)"),
    RuleSpec(rt.getitem_vjp, [((2,), (3, 4))], call="rt.getitem_vjp(a0, a1, (slice(0, 2), 1))"),
    RuleSpec(rt.item_tangent, [((3, 2), (3, 2))], call="rt.item_tangent(a0, a1, 1)"),
    RuleSpec(rt.log_nonzero, UNARY, domain="positive", call="rt.log_nonzero(a0)"),
    RuleSpec(rt.pack_like, [((2, 3), (3,), (3,))], call="rt.pack_like(a0, [a1, a2])"),
    RuleSpec(rt.sequence, [((3,),)], call="rt.sequence(a0)"),
    RuleSpec(rt.matmul_jvp_x, [((2, 3), (2, 3), (3, 4))], call="rt.matmul_jvp_x(a0, a1, a2)"),
    RuleSpec(rt.matmul_jvp_y, [((2, 3), (3, 4), (3, 4))], call="rt.matmul_jvp_y(a0, a1, a2)"),
    RuleSpec(rt.matmul_vjp_x, [((2, 4), (2, 3), (3, 4))], call="rt.matmul_vjp_x(a0, a1, a2)"),
    RuleSpec(rt.matmul_vjp_y, [((2, 4), (2, 3), (3, 4))], call="rt.matmul_vjp_y(a0, a1, a2)"),
    RuleSpec(rt.sum_jvp, [((2, 3), (2, 3))], call="rt.sum_jvp(a0, a1, 1)"),
    RuleSpec(rt.mean_jvp, [((2, 3), (2, 3))], call="rt.mean_jvp(a0, a1, 1)"),
    RuleSpec(rt.sum_vjp, [((2,), (2, 3))], call="rt.sum_vjp(a0, a1, 1)"),
    RuleSpec(rt.mean_vjp, [((2,), (2, 3))], call="rt.mean_vjp(a0, a1, 1)"),
    RuleSpec(rt.reshape_batched, [((2, 3),)], call="rt.reshape_batched(a0, (3, 2))"),
    RuleSpec(rt.transpose_batched, [((2, 3),)], call="rt.transpose_batched(a0, (1, 0), 2)"),
    RuleSpec(
        rt.dot_vjp_a, [((2, 4), (2, 3), (3, 4))], call="rt.dot_vjp_a(a0, a1, a2)", order=1
    ),  # the cross terms of their own rules map over directions
    RuleSpec(
        rt.dot_vjp_b, [((2, 4), (2, 3), (3, 4))], call="rt.dot_vjp_b(a0, a1, a2)", order=1
    ),  # the cross terms of their own rules map over directions
    RuleSpec(
        rt.dot_jvp_a, [((2, 3), (2, 3), (3, 4))], call="rt.dot_jvp_a(a0, a1, a2)", order=1
    ),  # the cross terms of their own rules map over directions
    RuleSpec(
        rt.dot_jvp_b, [((2, 3), (3, 4), (3, 4))], call="rt.dot_jvp_b(a0, a1, a2)", order=1
    ),  # the cross terms of their own rules map over directions
    RuleSpec(rt.astype_vjp, [((3,), (3,))], call="rt.astype_vjp(a0, a1)"),
    RuleSpec(rt.astype_jvp, [((3,),)], call="rt.astype_jvp(a0, np.float64)"),
    RuleSpec(rt.unpack_parts, [((2, 3), (2, 3))], call="rt.unpack_parts(a0, a1)[1]"),
    RuleSpec(rt.sequence_vjp, [((3,), (3,))], call="rt.sequence_vjp(a0, a1)"),
    RuleSpec(rt.getitem_batched, [((3, 2),)], call="rt.getitem_batched(a0, 1)"),
    # Jacobian layouts: one array in and out (the fast path), then pytrees. The pytree
    # entries take the output (o0 (2,), {'k': o1 (2, 2)}) (m = 6 elements) with respect to
    # [x0 (2,), a float] (n = 3).
    RuleSpec(
        rt.columns_to_jacobians,
        [((3, 2), (2,), (3,))],
        call="rt.columns_to_jacobians(a0, a1, a2)",
    ),
    RuleSpec(
        rt.columns_to_jacobians,
        [((3, 2), (2,), (3,))],
        call="rt.columns_to_jacobians(a0, a1, (a2,))[0]",  # a tuple argnums
    ),
    RuleSpec(
        rt.columns_to_jacobians,
        [((3, 2), (3, 2, 2), (2,))],
        call=_flat(
            f"rt.columns_to_jacobians((a0, {{'k': a1}}), {_OUT}, [a2, 0.5])", _JACOBIAN_LEAVES
        ),
    ),
    RuleSpec(
        rt.jacobians_to_columns,
        [((2, 3), (2,), (3,))],
        call="rt.jacobians_to_columns(a0, a1, a2)",
    ),
    RuleSpec(
        rt.jacobians_to_columns,
        [((2, 2), (2,), (2, 2, 2), (2, 2))],
        call=_flat(
            f"rt.jacobians_to_columns(([a0, a1], {{'k': [a2, a3]}}), {_OUT}, [np.ones(2), 0.5])",
            ("[0]", "[1]['k']"),
        ),
    ),
    RuleSpec(
        rt.rows_to_jacobians,
        [((2, 3), (2,), (3,))],
        call="rt.rows_to_jacobians(a0, a1, a2)",
    ),
    RuleSpec(
        rt.rows_to_jacobians,
        [((6, 2), (6,))],
        call=_flat(f"rt.rows_to_jacobians([a0, a1], {_OUT}, [np.ones(2), 0.5])", _JACOBIAN_LEAVES),
    ),
    RuleSpec(
        rt.jacobians_to_rows,
        [((2, 3), (2,), (3,))],
        call="rt.jacobians_to_rows(a0, a1, a2)",
    ),
    RuleSpec(
        rt.jacobians_to_rows,
        [((2, 2), (2,), (2, 2, 2), (2, 2))],
        call=_flat(
            f"rt.jacobians_to_rows(([a0, a1], {{'k': [a2, a3]}}), {_OUT}, [np.ones(2), 0.5])",
            ("[0]", "[1]"),
        ),
    ),
    RuleSpec(rt.copy_item, [((3, 4),)], call="rt.copy_item(a0, (slice(0, 2), 1))"),
    RuleSpec(rt.zero_item, [((3, 4), (3, 4))], call="rt.zero_item(a0, a1, (1, slice(None)))"),
    RuleSpec(
        rt.surviving,
        [((4,), (3,))],
        call="rt.surviving(a0, a1, [0, 2, 0, 1]) * np.array([1.0, 2.0, 3.0, 4.0])",
    ),
    RuleSpec(list, [((3, 2),)], call="list(a0)[1] * list(a0)[2]"),
    RuleSpec(tuple, [((3, 2),)], call="tuple(a0)[0] + tuple(a0)[2]"),
    RuleSpec(rt.to_sequence, [((3, 2), (3, 2))], call="rt.to_sequence(a0, a1, list)[1]"),
    RuleSpec(
        rt.make_record,
        [((3,), (3,))],
        call="rt.make_record(Pair, (a0, a1))[1] * rt.make_record(Pair, (a1, a0))[1] ** 2",
    ),
    RuleSpec(
        rt.from_sequence, [((2,), (2,), (3, 2))], call="rt.from_sequence([a0, a1, a0], a2) * 1.0"
    ),
    RuleSpec(
        rt.setitem_tangent, [((3, 4), (3, 4), (4,))], call="rt.setitem_tangent(a0, a1, 1, a2)"
    ),
    RuleSpec(rt.drop_last, [((3,), (3,))], call="rt.drop_last([a0, a1, a0], 1)[1]"),
    RuleSpec(rt.last_items, [((3,), (3,))], call="rt.last_items([a0, a1, a0], 2)[0]"),
    RuleSpec(rt.drop_at, [((3,), (3,))], call="rt.drop_at([a0, a1, a0], 1)[1]"),
    RuleSpec(rt.put_back, [((3,), (3,))], call="rt.put_back([a0], [a0, a1], a1 * 2.0)[1]"),
    RuleSpec(rt.pad_list, [((3,), (3,))], call="rt.pad_list([a0], [a0, a1], 1)[1]"),
    RuleSpec(rt.insert_zero, [((3,), (3,))], call="rt.insert_zero([a0, a1], [a0, a1, a0], 1)[2]"),
    RuleSpec(rt.take_back, [((3,), (3,))], call="rt.take_back([a0, a1, a0], 1)[1]"),
    RuleSpec(rt.taken_value, [((3,), (3,))], call="rt.taken_value([a0, a1], 1)"),
    RuleSpec(rt.list_slice, [((3,), (3,))], call="rt.list_slice([a0, a1, a0], 1, 2)[0]"),
    RuleSpec(rt.one_hot_list, [((3,), (3,))], call="rt.one_hot_list(a0, [a1, a1], 0)[0]"),
    RuleSpec(
        rt.fresh_residuals, [((3,), (3,))], call="rt.fresh_residuals((a0, [a1, a0]))[1][1] * a1"
    ),
    RuleSpec(rt.concat, [((3,), (3,))], call="rt.concat([a0], [a1, a0])[1] * 2.0"),
    # a function value as a record of what it holds (tests/test_function_records.py calls
    # through them)
    RuleSpec(
        rt.closure, [((3,), (3,))], call="rt.captured(rt.closure(np.multiply, (a0, a1)))[0] * a1"
    ),
    RuleSpec(
        rt.captured,
        [((3,), (3,))],
        call="rt.captured(rt.closure(np.multiply, (a0, a1)))[1] * a0",
    ),
    RuleSpec(rt.real_output, [((3,), (3,))], call="rt.real_output(a0) * a1"),
    RuleSpec(rt.repeat_sequence, [((3,), (3,))], call="rt.repeat_sequence([a0, a1], 2)[3]"),
    RuleSpec(rt.repeat_sequence, [((3,), (3,))], call="rt.repeat_sequence(2, (a0, a1))[2]"),
    RuleSpec(sum, [((3,), (3,))], call="sum([a0, a1, a0])"),
    RuleSpec(sum, [((4, 3),)], call="sum(a0 * a0)"),
    RuleSpec(rt.dict_get, [((3,), (3,))], call="rt.dict_get({'a': a0}, 'a', a1)"),
    RuleSpec(rt.dict_get, [((3,), (3,))], call="rt.dict_get({'a': a0}, 'b', a1)"),
    # The helpers of the four rules above (their second derivatives go through these).
    RuleSpec(rt.list_slice_as, [((3,), (3,))], call="rt.list_slice_as([a0, a1, a0], [a1], 1)[0]"),
    RuleSpec(rt.fold_repeats, [((3,), (3,))], call="rt.fold_repeats([a0, a1, a0], [a1])[0]"),
    RuleSpec(
        rt.unfold_repeats, [((3,), (3,))], call="rt.unfold_repeats([a0, a1], [a0] * 4, [a1] * 2)[3]"
    ),
    RuleSpec(rt.unfold_repeats, [((3,), (3,))], call="rt.unfold_repeats(a0, [a1, a1], 2)[1] + a0"),
    RuleSpec(
        rt.repeat_tangent, [((3,), (3,))], call="rt.repeat_tangent([a0, a1], 0.0, [a0, a1], 2)[3]"
    ),
    RuleSpec(
        rt.repeat_tangent, [((3,), (3,))], call="rt.repeat_tangent(0.0, (a0, a1), 2, (a1, a0))[2]"
    ),
    RuleSpec(rt.spread_sum, [((3,), (3,))], call="rt.spread_sum(a0, [a1, a1 * 2.0, a0])[1]"),
    RuleSpec(rt.spread_sum, [((3,), (4, 3))], call="rt.spread_sum(a0, a1)"),
    RuleSpec(rt.sum_sequence, [((3,), (3,))], call="rt.sum_sequence([a0, a1, a0], [a1, a1, a1])"),
    RuleSpec(rt.sum_sequence, [((4, 3), (4, 3))], call="rt.sum_sequence(a0, a1)"),
    RuleSpec(
        rt.dict_get_vjp, [((3,), (3,))], call="rt.dict_get_vjp(a0, {'a': a1, 'b': a1}, 'a')['a']"
    ),
    RuleSpec(rt.dict_get_vjp, [((3,), (3,))], call="rt.dict_get_vjp(a0, {'a': a1}, 'b')['a']"),
    RuleSpec(
        rt.dict_get_vjp_t, [((3,), (3,))], call="rt.dict_get_vjp_t({'a': a0}, a1, {'a': a1}, 'a')"
    ),
    RuleSpec(
        rt.dict_get_vjp_t,
        [((3,), (3,))],
        call="rt.dict_get_vjp_t({'a': a0}, a1, {'a': a1}, 'b') + a0",
    ),
    RuleSpec(rt.default_vjp, [((3,), (3,))], call="rt.default_vjp(a0, {'a': a1}, 'a') + a1"),
    RuleSpec(rt.dict_values, [((3,), (3,))], call="sum(rt.dict_values({'a': a0, 'b': a1 * a0}))"),
    RuleSpec(
        rt.dict_values_vjp,
        [((3,), (3,))],
        call="rt.dict_values_vjp([a0, a1], {'a': a1, 'b': a0})['b'] * a0",
    ),
    RuleSpec(
        rt.values_in_order,
        [((3,), (3,))],
        call="rt.values_in_order({'b': a0, 'a': a1}, {'a': a0, 'b': a1})[0] * a1",
    ),
    RuleSpec(rt.default_vjp, [((3,), (3,))], call="rt.default_vjp(a0, {'a': a1}, 'b')"),
    # dict merges: the value of a key both have comes from the second dict
    RuleSpec(
        rt.dict_merge,
        [((3,), (3,))],
        call="(lambda m: m['a'] * m['b'] + m['c'])(rt.dict_merge({'a': a0, 'b': a1}, "
        "{'b': a0 * a1, 'c': a1}))",
    ),
    RuleSpec(
        rt.merge_part,
        [((3,), (3,))],
        call="(lambda p: p['a'] * a1 + p['b'])(rt.merge_part({'a': a0 * a1, 'b': a1, "
        "'c': a0}, {'a': a0, 'b': a0, 'c': a0}, {'a': a1, 'b': a0}, {'b': a1}))",
    ),
    RuleSpec(
        rt.merge_part_t,
        [((3,), (3,))],
        call="(lambda h: h['a'] * a1 + h['b'] + h['c'])(rt.merge_part_t({'a': a0 * a1, "
        "'b': a1}, {'a': a0, 'b': a0, 'c': a1}, {'a': a1, 'b': a0}, {'b': a1}))",
    ),
]
