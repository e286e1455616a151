"""Rules for the runtime helpers that generated code calls.

Generated code is differentiated again when transforms nest (``grad(grad(f))``, hessians), so
every helper it can call needs rules of its own. Most helpers are linear in their derivative
argument: the jvp applies the same helper to the tangent, with ``nb`` more direction axes;
the vjp applies the transposed helper.
"""

from __future__ import annotations

import numpy as np

from .. import runtime as rt
from .template import d, jvp_rule, nb, nondiff, vjp_rule

nondiff(
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
)


@vjp_rule(rt.unbroadcast, linear=("g",))
def _(ans, g, x, batch=0):
    d[g] = rt.broadcast_back(d[ans], g, x, batch, nb)


@jvp_rule(rt.unbroadcast, linear=("g",))
def _(ans, g, x, batch=0):
    d[ans] = rt.unbroadcast(d[g], x, batch + nb)


@vjp_rule(rt.fit, linear=("t",))
def _(ans, t, like, batch=0):
    d[t] = rt.unbroadcast(d[ans], t, nb)


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
    d[ans] = rt.matmul_jvp_x(d[dx], x, y, batch + nb) + rt.matmul_jvp_x(dx, x, d[y], nb)


@vjp_rule(rt.matmul_jvp_y, bilinear=("x", "dy"))
def _(ans, x, dy, y, batch=0):
    d[x] = rt.matmul_vjp_x(d[ans], x, dy, nb)
    d[dy] = rt.matmul_vjp_y(d[ans], x, y, batch + nb)


@jvp_rule(rt.matmul_jvp_y, bilinear=("x", "dy"))
def _(ans, x, dy, y, batch=0):
    d[ans] = rt.matmul_jvp_y(d[x], dy, y, nb) + rt.matmul_jvp_y(x, d[dy], y, batch + nb)


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


@vjp_rule(rt.copy, linear=("x",))
def _(ans, x):
    d[x] = d[ans]


@jvp_rule(rt.copy, linear=("x",))
def _(ans, x):
    d[ans] = rt.copy(d[x])


@vjp_rule(rt.astype)
def _(ans, x, dtype):
    d[x] = rt.astype_vjp(d[ans], x)


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
    d[parts] = rt.unpack_parts(d[ans], x, nb)


@jvp_rule(rt.pack_like, linear=("parts",))
def _(ans, x, parts):
    d[ans] = rt.pack_like(x, d[parts])
