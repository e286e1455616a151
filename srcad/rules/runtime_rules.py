"""Rules for the runtime helpers that generated code calls.

Generated code is differentiated again when transforms nest (``grad(grad(f))``, hessians), so
every helper it can call needs rules of its own. Most helpers are linear in their derivative
argument: the jvp applies the same helper to the tangent, with ``nb`` more direction axes;
the vjp applies the transposed helper. The helpers of containers have theirs in
`srcad.rules.runtime_containers`, which this module imports.
"""

from __future__ import annotations

import numpy as np

from .. import runtime as rt
from .template import d, facts, jvp_rule, linear_in, nb, nondiff, outside, returns, vjp_rule

nondiff(
    rt.checkpoint_plan,
    rt.tie_split,
    rt.abs_slope,
    rt.direction_shape,
    rt.inverse_permutation,
    rt.count,
    rt.normalize_axes,
    rt.shift_axes,
    rt.result_ndim,
    rt.index_with_batch,
    rt.unpack_index,
    rt.sorted_order,
    rt.extreme_index,
    rt.order_by_keys,
    rt.extreme_by_keys,
    rt.shape_only,
    rt.kept_like,
    rt.zip_count,
    rt.item_keys,
    rt.starred_count_error,
)
# A differentiated function's nonlocal variables (srcad.normalize.own_nonlocals): the cell's
# value is a constant of the call, written back as the user's code writes it.
outside(rt.read_cell, rt.write_cell)


@vjp_rule(rt.unbroadcast, linear=("g",))
def _(ans, g, x, batch=0):
    d[g] = rt.broadcast_back(d[ans], g, x, batch, nb)


@jvp_rule(rt.unbroadcast, linear=("g",))
def _(ans, g, x, batch=0):
    d[ans] = rt.unbroadcast(d[g], x, batch + nb)


# a tape that keeps shapes (srcad.optimize.shape_saves): `x` is a Shape or the value
@vjp_rule(rt.unbroadcast_kept, linear=("g",))
def _(ans, g, x, batch=0):
    d[g] = rt.broadcast_back(d[ans], g, rt.kept_like(x), batch, nb)


@jvp_rule(rt.unbroadcast_kept, linear=("g",))
def _(ans, g, x, batch=0):
    d[ans] = rt.unbroadcast(d[g], rt.kept_like(x), batch + nb)


@vjp_rule(rt.fit, linear=("t",))
def _(ans, t, like, batch=0):
    d[t] = rt.fit_vjp(d[ans], t, like, batch, nb)


@vjp_rule(rt.fit_vjp, linear=("b",))
def _(ans, b, t, like, batch=0, outer=0):
    d[b] = rt.fit(d[ans], like, batch + outer + nb)


@jvp_rule(rt.fit_vjp, linear=("b",))
def _(ans, b, t, like, batch=0, outer=0):
    d[ans] = rt.fit_vjp(d[b], t, like, batch, outer + nb)


@jvp_rule(rt.fit, linear=("t",))
def _(ans, t, like, batch=0):
    d[ans] = rt.fit(d[t], like, batch + nb)


@vjp_rule(rt.lift, linear=("dx",))
def _(ans, dx, x, ndim, batch=0):
    d[dx] = rt.reshape_batched(d[ans], np.shape(dx), nb)


@jvp_rule(rt.lift, linear=("dx",))
def _(ans, dx, x, ndim, batch=0):
    d[ans] = rt.lift(d[dx], x, ndim, batch + nb)


@vjp_rule(rt.getitem_vjp, linear=("g",))
def _(ans, g, x, idx, batch=0):
    d[g] = rt.getitem_batched(d[ans], idx, batch + nb)


@jvp_rule(rt.getitem_vjp, linear=("g",))
def _(ans, g, x, idx, batch=0):
    d[ans] = rt.getitem_vjp(d[g], x, idx, batch + nb)


@vjp_rule(rt.sum_vjp, linear=("g",))
def _(ans, g, x, axis=None, keepdims=False, batch=0):
    d[g] = rt.sum_jvp(d[ans], x, axis, keepdims, batch + nb)


@jvp_rule(rt.sum_vjp, linear=("g",))
def _(ans, g, x, axis=None, keepdims=False, batch=0):
    d[ans] = rt.sum_vjp(d[g], x, axis, keepdims, batch + nb)


@vjp_rule(rt.sum_jvp, linear=("dx",))
def _(ans, dx, x, axis=None, keepdims=False, batch=0):
    d[dx] = rt.sum_vjp(d[ans], x, axis, keepdims, batch + nb)


@jvp_rule(rt.sum_jvp, linear=("dx",))
def _(ans, dx, x, axis=None, keepdims=False, batch=0):
    d[ans] = rt.sum_jvp(d[dx], x, axis, keepdims, batch + nb)


@vjp_rule(rt.mean_vjp, linear=("g",))
def _(ans, g, x, axis=None, keepdims=False, batch=0):
    d[g] = rt.mean_jvp(d[ans], x, axis, keepdims, batch + nb)


@jvp_rule(rt.mean_vjp, linear=("g",))
def _(ans, g, x, axis=None, keepdims=False, batch=0):
    d[ans] = rt.mean_vjp(d[g], x, axis, keepdims, batch + nb)


@vjp_rule(rt.mean_jvp, linear=("dx",))
def _(ans, dx, x, axis=None, keepdims=False, batch=0):
    d[dx] = rt.mean_vjp(d[ans], x, axis, keepdims, batch + nb)


@jvp_rule(rt.mean_jvp, linear=("dx",))
def _(ans, dx, x, axis=None, keepdims=False, batch=0):
    d[ans] = rt.mean_jvp(d[dx], x, axis, keepdims, batch + nb)


# matmul's adjoint helpers are bilinear: in the cotangent and in the other factor.
@vjp_rule(rt.matmul_vjp_x, bilinear=("g", "y"))
def _(ans, g, x, y, batch=0):
    d[g] = rt.matmul_jvp_x(d[ans], x, y, batch + nb)
    d[y] = rt.matmul_vjp_y(g, d[ans], y, nb)


@jvp_rule(rt.matmul_vjp_x, bilinear=("g", "y"))
def _(ans, g, x, y, batch=0):
    d[ans] = rt.matmul_vjp_x(d[g], x, y, batch + nb) + rt.matmul_vjp_x(g, x, d[y], nb)


@vjp_rule(rt.matmul_vjp_y, bilinear=("g", "x"))
def _(ans, g, x, y, batch=0):
    d[g] = rt.matmul_jvp_y(x, d[ans], y, nb)
    d[x] = rt.matmul_vjp_x(g, x, d[ans], nb)


@jvp_rule(rt.matmul_vjp_y, bilinear=("g", "x"))
def _(ans, g, x, y, batch=0):
    d[ans] = rt.matmul_vjp_y(d[g], x, y, batch + nb) + rt.matmul_vjp_y(g, d[x], y, nb)


@vjp_rule(rt.matmul_jvp_x, bilinear=("dx", "y"))
def _(ans, dx, x, y, batch=0):
    d[dx] = rt.matmul_vjp_x(d[ans], x, y, batch + nb)
    d[y] = rt.matmul_vjp_y(d[ans], dx, y, nb)


@jvp_rule(rt.matmul_jvp_x, bilinear=("dx", "y"))
def _(ans, dx, x, y, batch=0):
    d[ans] = rt.matmul_jvp_x(d[dx], x, y, batch + nb) + rt.matmul_jvp_y(dx, d[y], y, nb)


@vjp_rule(rt.matmul_jvp_y, bilinear=("x", "dy"))
def _(ans, x, dy, y, batch=0):
    d[x] = rt.matmul_vjp_x(d[ans], x, dy, nb)
    d[dy] = rt.matmul_vjp_y(d[ans], x, y, batch + nb)


@jvp_rule(rt.matmul_jvp_y, bilinear=("x", "dy"))
def _(ans, x, dy, y, batch=0):
    d[ans] = rt.matmul_jvp_x(d[x], x, dy, nb) + rt.matmul_jvp_y(x, d[dy], y, batch + nb)


@vjp_rule(rt.reshape_batched, linear=("g",))
def _(ans, g, shape, batch=0):
    d[g] = rt.reshape_batched(d[ans], np.shape(g), nb)


@jvp_rule(rt.reshape_batched, linear=("g",))
def _(ans, g, shape, batch=0):
    d[ans] = rt.reshape_batched(d[g], shape, batch + nb)


@vjp_rule(rt.transpose_batched, linear=("g",))
def _(ans, g, axes, ndim, batch=0):
    d[g] = rt.transpose_batched(d[ans], rt.inverse_permutation(axes, ndim), ndim, batch + nb)


@jvp_rule(rt.transpose_batched, linear=("g",))
def _(ans, g, axes, ndim, batch=0):
    d[ans] = rt.transpose_batched(d[g], axes, ndim, batch + nb)


@vjp_rule(rt.log_nonzero)
def _(ans, x):
    d[x] = d[ans] / np.where(x == 0, 1, x)


@jvp_rule(rt.log_nonzero)
def _(ans, x):
    d[ans] = d[x] / np.where(x == 0, 1, x)


@vjp_rule(rt.abs_jvp, linear=("dx",))
def _(ans, dx, x, absx):
    d[dx] = d[ans] * rt.abs_slope(x, absx)


@jvp_rule(rt.abs_jvp, linear=("dx",))
def _(ans, dx, x, absx):
    d[ans] = rt.abs_jvp(d[dx], x, absx)


@vjp_rule(rt.add, linear=("a", "b"))
def _(ans, a, b):
    d[a] = d[ans]
    d[b] = d[ans]


@jvp_rule(rt.add, linear=("a", "b"))
def _(ans, a, b):
    d[ans] = rt.add(d[a], d[b])


@vjp_rule(rt.sequence, linear=("x",))
def _(ans, x):
    d[x] = rt.sequence_vjp(d[ans], x)


@jvp_rule(rt.sequence, linear=("x",))
def _(ans, x):
    d[ans] = rt.sequence(d[x])


# A split backward sweep starts from one copy of its residuals (srcad.build.reverse).
@vjp_rule(rt.fresh_residuals, linear=("residuals",))
def _(ans, residuals, arrays=True):
    d[residuals] = d[ans]


@jvp_rule(rt.fresh_residuals, linear=("residuals",))
def _(ans, residuals, arrays=True):
    d[ans] = d[residuals]


@vjp_rule(rt.copy, linear=("x",))
def _(ans, x):
    d[x] = d[ans]


@jvp_rule(rt.copy, linear=("x",))
def _(ans, x):
    d[ans] = rt.copy(d[x])


@vjp_rule(rt.astype)
def _(ans, x, dtype):
    d[x] = rt.astype_vjp(d[ans], x, dtype)


@jvp_rule(rt.astype)
def _(ans, x, dtype):
    d[ans] = rt.astype_jvp(d[x], dtype)


@vjp_rule(rt.item_tangent, linear=("t",))
def _(ans, t, x, i, batch=0):
    d[t] = rt.getitem_vjp(d[ans], t, rt.unpack_index(t, i, batch), nb)


@jvp_rule(rt.item_tangent, linear=("t",))
def _(ans, t, x, i, batch=0):
    d[ans] = rt.item_tangent(d[t], x, i, batch + nb)


@vjp_rule(rt.pack_like, linear=("parts",))
def _(ans, x, parts):
    d[parts] = rt.unpack_parts(d[ans], x)


@jvp_rule(rt.pack_like, linear=("parts",))
def _(ans, x, parts):
    d[ans] = rt.pack_like(x, d[parts])


nondiff(rt.basis_for, rt.basis_like, rt.leading_shape)


# A function value is a record of (code, captured values): its derivative is the tuple of
# the captured values' derivatives, which a call through it (srcad.build.dispatch) reads
# through rt.captured and sends back into.
@vjp_rule(rt.closure, linear=("captured",))
def _(ans, fn, captured):
    d[captured] = d[ans]


@jvp_rule(rt.closure, linear=("captured",))
def _(ans, fn, captured):
    d[ans] = d[captured]


@vjp_rule(rt.captured, linear=("f",))
def _(ans, f):
    d[f] = d[ans]


@jvp_rule(rt.captured, linear=("f",))
def _(ans, f):
    d[ans] = d[f]


nondiff(rt.code_of)


@vjp_rule(rt.real_output, linear=("y",))
def _(ans, y):
    d[y] = d[ans]


@jvp_rule(rt.real_output, linear=("y",))
def _(ans, y):
    d[ans] = d[y]


returns("unknown", rt.closure)  # a function value: its derivative accumulates with rt.add
returns("tuple", rt.captured)
linear_in(rt.cross, "args")  # zero when the mapped factor is zero


@vjp_rule(rt.columns_to_jacobians, linear=("tangent_out",))
def _(ans, tangent_out, out, wrt, batch=0):
    d[tangent_out] = rt.jacobians_to_columns(d[ans], out, wrt, batch + nb)


@jvp_rule(rt.columns_to_jacobians, linear=("tangent_out",))
def _(ans, tangent_out, out, wrt, batch=0):
    d[ans] = rt.columns_to_jacobians(d[tangent_out], out, wrt, batch + nb)


@vjp_rule(rt.jacobians_to_columns, linear=("jacobians",))
def _(ans, jacobians, out, wrt, batch=0):
    d[jacobians] = rt.columns_to_jacobians(d[ans], out, wrt, batch + nb)


@jvp_rule(rt.jacobians_to_columns, linear=("jacobians",))
def _(ans, jacobians, out, wrt, batch=0):
    d[ans] = rt.jacobians_to_columns(d[jacobians], out, wrt, batch + nb)


@vjp_rule(rt.rows_to_jacobians, linear=("grads",))
def _(ans, grads, out, wrt, batch=0):
    d[grads] = rt.jacobians_to_rows(d[ans], out, wrt, batch + nb)


@jvp_rule(rt.rows_to_jacobians, linear=("grads",))
def _(ans, grads, out, wrt, batch=0):
    d[ans] = rt.rows_to_jacobians(d[grads], out, wrt, batch + nb)


@vjp_rule(rt.jacobians_to_rows, linear=("jacobians",))
def _(ans, jacobians, out, wrt, batch=0):
    d[jacobians] = rt.rows_to_jacobians(d[ans], out, wrt, batch + nb)


@jvp_rule(rt.jacobians_to_rows, linear=("jacobians",))
def _(ans, jacobians, out, wrt, batch=0):
    d[ans] = rt.jacobians_to_rows(d[jacobians], out, wrt, batch + nb)


@vjp_rule(rt.getitem_batched, linear=("b",))
def _(ans, b, idx, batch=0):
    d[b] = rt.getitem_vjp(d[ans], b, rt.unpack_index(b, idx, batch), nb)


@jvp_rule(rt.getitem_batched, linear=("b",))
def _(ans, b, idx, batch=0):
    d[ans] = rt.getitem_batched(d[b], idx, batch + nb)


# Their results have the structure of the function's output or of what is differentiated.
returns(
    "unknown",
    rt.basis_for,
    rt.columns_to_jacobians,
    rt.jacobians_to_columns,
    rt.rows_to_jacobians,
    rt.jacobians_to_rows,
)


@vjp_rule(rt.broadcast_back, linear=("b",))
def _(ans, b, g, x, batch=0, outer=0):
    d[b] = rt.broadcast_back_vjp(d[ans], b, g, x, batch, outer, nb)


@jvp_rule(rt.broadcast_back, linear=("b",))
def _(ans, b, g, x, batch=0, outer=0):
    d[ans] = rt.broadcast_back(d[b], g, x, batch, outer + nb)


@vjp_rule(rt.broadcast_back_vjp, linear=("c",))
def _(ans, c, b, g, x, batch=0, outer=0, inner=0):
    d[c] = rt.broadcast_back(d[ans], g, x, batch, outer + inner + nb)


@jvp_rule(rt.broadcast_back_vjp, linear=("c",))
def _(ans, c, b, g, x, batch=0, outer=0, inner=0):
    d[ans] = rt.broadcast_back_vjp(d[c], b, g, x, batch, outer, inner + nb)


@vjp_rule(rt.broadcast_batched, linear=("t",))
def _(ans, t, x, shape, batch=0):
    d[t] = rt.unbroadcast(d[ans], x, batch + nb)


@jvp_rule(rt.broadcast_batched, linear=("t",))
def _(ans, t, x, shape, batch=0):
    d[ans] = rt.broadcast_batched(d[t], x, shape, batch + nb)


# np.dot's helpers: linear in the derivative argument, bilinear with the other factor.
@vjp_rule(rt.dot_vjp_a, bilinear=("g", "b"))
def _(ans, g, a, b, batch=0):
    d[g] = rt.dot_jvp_a(d[ans], a, b, batch + nb)
    d[b] = rt.cross(rt.dot_vjp_b, nb, 1, g, d[ans], b)


@jvp_rule(rt.dot_vjp_a, bilinear=("g", "b"))
def _(ans, g, a, b, batch=0):
    d[ans] = rt.dot_vjp_a(d[g], a, b, batch + nb) + rt.cross(rt.dot_vjp_a, nb, 2, g, a, d[b])


@vjp_rule(rt.dot_vjp_b, bilinear=("g", "a"))
def _(ans, g, a, b, batch=0):
    d[g] = rt.dot_jvp_b(a, d[ans], b, batch + nb)
    d[a] = rt.cross(rt.dot_vjp_a, nb, 2, g, a, d[ans])


@jvp_rule(rt.dot_vjp_b, bilinear=("g", "a"))
def _(ans, g, a, b, batch=0):
    d[ans] = rt.dot_vjp_b(d[g], a, b, batch + nb) + rt.cross(rt.dot_vjp_b, nb, 1, g, d[a], b)


@vjp_rule(rt.dot_jvp_a, bilinear=("da", "b"))
def _(ans, da, a, b, batch=0):
    d[da] = rt.dot_vjp_a(d[ans], a, b, batch + nb)
    d[b] = rt.cross(rt.dot_vjp_b, nb, 0, d[ans], da, b)


@jvp_rule(rt.dot_jvp_a, bilinear=("da", "b"))
def _(ans, da, a, b, batch=0):
    d[ans] = rt.dot_jvp_a(d[da], a, b, batch + nb) + rt.cross(rt.dot_jvp_b, nb, 1, da, d[b], b)


@vjp_rule(rt.dot_jvp_b, bilinear=("a", "db"))
def _(ans, a, db, b, batch=0):
    d[a] = rt.cross(rt.dot_vjp_a, nb, 0, d[ans], a, db)
    d[db] = rt.dot_vjp_b(d[ans], a, b, batch + nb)


@jvp_rule(rt.dot_jvp_b, bilinear=("a", "db"))
def _(ans, a, db, b, batch=0):
    d[ans] = rt.cross(rt.dot_jvp_a, nb, 0, d[a], a, db) + rt.dot_jvp_b(a, d[db], b, batch + nb)


@vjp_rule(rt.astype_vjp, linear=("g",))
def _(ans, g, x, dtype=None):
    d[g] = rt.astype_vjp(d[ans], g, dtype)


@jvp_rule(rt.astype_vjp, linear=("g",))
def _(ans, g, x, dtype=None):
    d[ans] = rt.astype_vjp(d[g], x, dtype)


@vjp_rule(rt.astype_jvp, linear=("dx",))
def _(ans, dx, dtype):
    d[dx] = rt.astype_vjp(d[ans], dx, dtype)


@jvp_rule(rt.astype_jvp, linear=("dx",))
def _(ans, dx, dtype):
    d[ans] = rt.astype_jvp(d[dx], dtype)


@vjp_rule(rt.unpack_parts, linear=("b",))
def _(ans, b, x, nb_=0):
    d[b] = rt.pack_like(x, d[ans])


@jvp_rule(rt.unpack_parts, linear=("b",))
def _(ans, b, x, nb_=0):
    d[ans] = rt.unpack_parts(d[b], x)


@vjp_rule(rt.sequence_vjp, linear=("g",))
def _(ans, g, x):
    d[g] = rt.sequence(d[ans])


@jvp_rule(rt.sequence_vjp, linear=("g",))
def _(ans, g, x):
    d[ans] = rt.sequence_vjp(d[g], x)


returns("list", rt.unpack_parts)


# ----------------------------------------------------------------------------- facts
# What the analyses read of these entries besides their templates (srcad.rules.registry.facts).

facts(rt.copy, rt.fresh_residuals, rt.astype, list, dict, tuple, fresh=True)
facts(rt.copy, rank="same")  # x.copy() keeps x's rank (u[0] of a copy is no view)
facts(rt.count, rank="scalar")  # an element count: no lift in jvp of a mean's gradient

# The rest of this family's rules (they register on import).
from . import runtime_containers  # noqa: E402, F401
