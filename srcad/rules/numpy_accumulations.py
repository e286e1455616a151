"""Rules for cumulative sums and products, differences, trace, average and trapezoid.

Split from `srcad.rules.numpy_reductions` (which imports this module, so importing it
registers these rules too); the linear helpers their templates call have their rules there.
"""

from __future__ import annotations

import numpy as np

from .. import runtime as rt
from .template import d, jvp_rule, nb, optional, static, vjp_rule

# --------------------------------------------------------------- cumulative sums
# The transpose of a cumulative sum is a cumulative sum from the other end. axis=None works
# on the flattened array.


@vjp_rule(np.cumsum, linear=("a",))
def _(ans, a, axis=None, dtype=None):
    if static(axis is None and nb == 0):
        d[a] = np.reshape(rt.reverse_cumsum(d[ans]), np.shape(a))
    elif static(axis is None):
        d[a] = rt.reshape_batched(rt.reverse_cumsum(d[ans]), np.shape(a), nb)
    elif static(nb == 0):
        d[a] = rt.reverse_cumsum(d[ans], axis)
    else:
        d[a] = rt.reverse_cumsum(d[ans], rt.negative_axis(axis, np.ndim(a)))


@jvp_rule(np.cumsum, linear=("a",))
def _(ans, a, axis=None, dtype=None):
    if static(nb == 0):
        d[ans] = np.cumsum(d[a], axis=axis)
    elif static(axis is None):
        d[ans] = np.cumsum(rt.reshape_batched(d[a], (-1,), nb), axis=-1)
    else:
        d[ans] = np.cumsum(d[a], axis=rt.negative_axis(axis, np.ndim(a)))


@vjp_rule(np.nancumsum, linear=("a",))
def _(ans, a, axis=None, dtype=None):
    if static(axis is None):
        summed = rt.reshape_batched(rt.reverse_cumsum(d[ans]), np.shape(a), nb)
    else:
        summed = rt.reverse_cumsum(d[ans], rt.negative_axis(axis, np.ndim(a)))
    d[a] = np.where(np.isnan(a), 0, summed)


@jvp_rule(np.nancumsum, linear=("a",))
def _(ans, a, axis=None, dtype=None):
    t = np.where(np.isnan(a), 0, d[a])
    if static(nb == 0):
        d[ans] = np.cumsum(t, axis=axis)
    elif static(axis is None):
        d[ans] = np.cumsum(rt.reshape_batched(t, (-1,), nb), axis=-1)
    else:
        d[ans] = np.cumsum(t, axis=rt.negative_axis(axis, np.ndim(a)))


# np.cumulative_sum: numpy >= 2.1.
@vjp_rule(optional(np, "cumulative_sum"), linear=("x",))
def _(ans, x, *, axis=None, dtype=None, include_initial=False):
    ax = rt.negative_axis(axis, np.ndim(x))
    if static(include_initial):
        # ans[0] is the initial 0; ans[k] sums x[:k].
        d[x] = rt.slice_axis(rt.reverse_cumsum(d[ans], ax), 1, None, ax)
    else:
        d[x] = rt.reverse_cumsum(d[ans], ax)


@jvp_rule(optional(np, "cumulative_sum"), linear=("x",))
def _(ans, x, *, axis=None, dtype=None, include_initial=False):
    if static(nb == 0):
        d[ans] = np.cumulative_sum(d[x], axis=axis, include_initial=include_initial)
    else:
        ax = rt.negative_axis(axis, np.ndim(x))
        d[ans] = np.cumulative_sum(d[x], axis=ax, include_initial=include_initial)


# --------------------------------------------------------------- cumulative products
# y_k = x_0 ... x_k. Without zeros, dy = y * cumsum(dx / x); this version never divides by
# zero. With p the running product of the nonzero elements, s the number of zeros so far and
# z their running sum (zero in value, but it carries their derivative):
#   s == 0: dy_k = p_k * sum_{i<=k} dx_i / x_i
#   s == 1: dy_k = p_k * (dx at the zero + z_k * sum over the nonzero i<=k of dx_i / x_i)
#   s == 2: dy_k = p_k * (z_k * (dx at the zeros) - sum over the zeros of x_i dx_i)
#   s >= 3: dy_k = 0.
# The z_k terms are zero in value; they make the *second* derivative exact at zeros too
# (higher ones are not exact there). alpha, beta, gamma below are the coefficients
# of the three running sums; the adjoint is the transpose, with reverse cumulative sums.


@vjp_rule(np.cumprod)
def _(ans, a, axis=None, dtype=None):
    if static(axis is None):
        x = np.reshape(a, -1)
    else:
        x = a
    ax = rt.negative_axis(axis, np.ndim(a))
    zero = x == 0
    nonzero = np.where(zero, 1, x)
    seen = np.cumsum(zero, axis=ax)
    p = np.cumprod(nonzero, axis=ax)
    z = np.cumsum(np.where(zero, x, 0), axis=ax)
    alpha = p * ((seen == 0) + (seen == 1) * z)
    beta = p * ((seen == 1) + (seen == 2) * z)
    gamma = p * (seen == 2)
    g = d[ans]
    at_zeros = rt.reverse_cumsum(g * beta, ax) - x * rt.reverse_cumsum(g * gamma, ax)
    dx = np.where(zero, at_zeros, rt.reverse_cumsum(g * alpha, ax) / nonzero)
    if static(axis is None):
        d[a] = rt.reshape_batched(dx, np.shape(a), nb)
    else:
        d[a] = dx


@jvp_rule(np.cumprod)
def _(ans, a, axis=None, dtype=None):
    if static(axis is None):
        x = np.reshape(a, -1)
        t = rt.reshape_batched(d[a], (-1,), nb)
    else:
        x = a
        t = d[a]
    ax = rt.negative_axis(axis, np.ndim(a))
    zero = x == 0
    nonzero = np.where(zero, 1, x)
    seen = np.cumsum(zero, axis=ax)
    p = np.cumprod(nonzero, axis=ax)
    z = np.cumsum(np.where(zero, x, 0), axis=ax)
    alpha = p * ((seen == 0) + (seen == 1) * z)
    beta = p * ((seen == 1) + (seen == 2) * z)
    gamma = p * (seen == 2)
    d[ans] = (
        alpha * np.cumsum(np.where(zero, 0, t / nonzero), axis=ax)
        + beta * np.cumsum(np.where(zero, t, 0), axis=ax)
        - gamma * np.cumsum(np.where(zero, x * t, 0), axis=ax)
    )


# nancumprod is cumprod with the NaNs replaced by ones: the same formulas, masked.


@vjp_rule(np.nancumprod)
def _(ans, a, axis=None, dtype=None):
    if static(axis is None):
        x = np.reshape(np.where(np.isnan(a), 1, a), -1)
    else:
        x = np.where(np.isnan(a), 1, a)
    ax = rt.negative_axis(axis, np.ndim(a))
    zero = x == 0
    nonzero = np.where(zero, 1, x)
    seen = np.cumsum(zero, axis=ax)
    p = np.cumprod(nonzero, axis=ax)
    z = np.cumsum(np.where(zero, x, 0), axis=ax)
    alpha = p * ((seen == 0) + (seen == 1) * z)
    beta = p * ((seen == 1) + (seen == 2) * z)
    gamma = p * (seen == 2)
    g = d[ans]
    at_zeros = rt.reverse_cumsum(g * beta, ax) - x * rt.reverse_cumsum(g * gamma, ax)
    dx = np.where(zero, at_zeros, rt.reverse_cumsum(g * alpha, ax) / nonzero)
    if static(axis is None):
        d[a] = np.where(np.isnan(a), 0, rt.reshape_batched(dx, np.shape(a), nb))
    else:
        d[a] = np.where(np.isnan(a), 0, dx)


@jvp_rule(np.nancumprod)
def _(ans, a, axis=None, dtype=None):
    if static(axis is None):
        x = np.reshape(np.where(np.isnan(a), 1, a), -1)
        t = rt.reshape_batched(np.where(np.isnan(a), 0, d[a]), (-1,), nb)
    else:
        x = np.where(np.isnan(a), 1, a)
        t = np.where(np.isnan(a), 0, d[a])
    ax = rt.negative_axis(axis, np.ndim(a))
    zero = x == 0
    nonzero = np.where(zero, 1, x)
    seen = np.cumsum(zero, axis=ax)
    p = np.cumprod(nonzero, axis=ax)
    z = np.cumsum(np.where(zero, x, 0), axis=ax)
    alpha = p * ((seen == 0) + (seen == 1) * z)
    beta = p * ((seen == 1) + (seen == 2) * z)
    gamma = p * (seen == 2)
    d[ans] = (
        alpha * np.cumsum(np.where(zero, 0, t / nonzero), axis=ax)
        + beta * np.cumsum(np.where(zero, t, 0), axis=ax)
        - gamma * np.cumsum(np.where(zero, x * t, 0), axis=ax)
    )


# ---------------------------------------------------------------------- differences
# np.diff is linear: its transpose is rt.diff_transpose. prepend/append extend the array
# before differencing (a scalar is broadcast to one slice); they are differentiated too.


@vjp_rule(np.diff, linear=("a", "prepend", "append"))
def _(ans, a, n=1, axis=-1, prepend=None, append=None):
    ax = rt.negative_axis(axis, np.ndim(a))
    if static(prepend is None and append is None):
        d[a] = rt.diff_transpose(d[ans], n, ax)
    else:
        before = rt.edge_size(prepend, a, axis)
        size = np.shape(a)[ax]
        extended = rt.diff_transpose(d[ans], n, ax)
        d[a] = rt.slice_axis(extended, before, before + size, ax)
        d[prepend] = rt.unbroadcast(rt.slice_axis(extended, 0, before, ax), prepend, nb)
        d[append] = rt.unbroadcast(rt.slice_axis(extended, before + size, None, ax), append, nb)


@jvp_rule(np.diff, linear=("a", "prepend", "append"))
def _(ans, a, n=1, axis=-1, prepend=None, append=None):
    if static(prepend is None and append is None and (nb == 0 or axis == -1)):
        d[ans] = np.diff(d[a], n, axis=axis)
    elif static(prepend is None and append is None):
        d[ans] = np.diff(d[a], n, axis=rt.negative_axis(axis, np.ndim(a)))
    else:
        ax = rt.negative_axis(axis, np.ndim(a))
        before = rt.edge_size(prepend, a, axis)
        after = rt.edge_size(append, a, axis)
        size = np.shape(a)[ax]
        first = rt.broadcast_batched(d[prepend], prepend, rt.edge_shape(prepend, a, axis), nb)
        last = rt.broadcast_batched(d[append], append, rt.edge_shape(append, a, axis), nb)
        extended = (
            rt.pad_axis(d[a], before, after, ax)
            + rt.pad_axis(first, 0, size + after, ax)
            + rt.pad_axis(last, before + size, 0, ax)
        )
        d[ans] = np.diff(extended, n, axis=ax)


# ediff1d(ary, to_end, to_begin) = concatenate(to_begin, diff(ravel(ary)), to_end).


@vjp_rule(np.ediff1d, linear=("ary", "to_end", "to_begin"))
def _(ans, ary, to_end=None, to_begin=None):
    before = rt.size_or_zero(to_begin)
    after = rt.size_or_zero(to_end)
    middle = rt.slice_axis(d[ans], before, rt.count(ans) - after, -1)
    d[ary] = rt.reshape_batched(rt.diff_transpose(middle, 1, -1), np.shape(ary), nb)
    d[to_begin] = rt.reshape_batched(rt.slice_axis(d[ans], 0, before, -1), np.shape(to_begin), nb)
    end = rt.slice_axis(d[ans], rt.count(ans) - after, None, -1)
    d[to_end] = rt.reshape_batched(end, np.shape(to_end), nb)


@jvp_rule(np.ediff1d, linear=("ary", "to_end", "to_begin"))
def _(ans, ary, to_end=None, to_begin=None):
    if static(nb == 0 and to_end is None and to_begin is None):
        d[ans] = np.ediff1d(d[ary])
    else:
        before = rt.size_or_zero(to_begin)
        after = rt.size_or_zero(to_end)
        inner = np.diff(rt.reshape_batched(d[ary], (-1,), nb), axis=-1)
        first = rt.reshape_batched(d[to_begin], (-1,), nb)
        last = rt.reshape_batched(d[to_end], (-1,), nb)
        d[ans] = (
            rt.pad_axis(inner, before, after, -1)
            + rt.pad_axis(first, 0, rt.count(ans) - before, -1)
            + rt.pad_axis(last, rt.count(ans) - after, 0, -1)
        )


# ---------------------------------------------------------------------------- trace


@vjp_rule(np.trace, linear=("a",))
def _(ans, a, offset=0, axis1=0, axis2=1, dtype=None):
    d[a] = rt.trace_vjp(d[ans], a, offset, axis1, axis2)


@jvp_rule(np.trace, linear=("a",))
def _(ans, a, offset=0, axis1=0, axis2=1, dtype=None):
    if static(nb == 0):
        d[ans] = np.trace(d[a], offset, axis1, axis2)
    else:
        first = rt.negative_axis(axis1, np.ndim(a))
        second = rt.negative_axis(axis2, np.ndim(a))
        d[ans] = np.trace(d[a], offset, first, second)


# -------------------------------------------------------------------------- average
# average = sum(a * w) / sum(w): d = sum(d[a] * w + (a - average) * d[w]) / sum(w). A 1-D
# `weights` along `axis` is laid out to broadcast against `a` (rt.weights_along). Only
# returned=False is supported (the argument is not accepted).


@vjp_rule(np.average)
def _(ans, a, axis=None, weights=None, *, keepdims=False):
    if static(weights is None and axis is None and nb == 0):
        d[a] = rt.fit(d[ans] / rt.count(a), a)
    elif static(weights is None):
        d[a] = rt.mean_vjp(d[ans], a, axis, keepdims, nb)
    else:
        w = rt.weights_along(weights, a, axis)
        spread = rt.keepdims_like(d[ans], a, axis, keepdims) / np.sum(w, axis=axis, keepdims=True)
        d[a] = spread * w
        centered = a - rt.keepdims_like(ans, a, axis, keepdims)
        d[weights] = rt.weights_along_vjp(
            rt.unbroadcast(spread * centered, w, nb), weights, a, axis, 0, nb
        )


@jvp_rule(np.average)
def _(ans, a, axis=None, weights=None, *, keepdims=False):
    if static(weights is None and nb == 0):
        d[ans] = np.mean(d[a], axis=axis, keepdims=keepdims)
    elif static(weights is None):
        d[ans] = np.mean(d[a], axis=rt.negative_axes(axis, np.ndim(a)), keepdims=keepdims)
    else:
        w = rt.weights_along(weights, a, axis)
        centered = a - rt.keepdims_like(ans, a, axis, keepdims)
        t = d[a] * w + centered * rt.weights_along(d[weights], a, axis, nb)
        axes = rt.negative_axes(axis, np.ndim(a))
        d[ans] = np.sum(t, axis=axes, keepdims=keepdims) / np.sum(w, axis=axis, keepdims=keepdims)


# ------------------------------------------------------------------------ trapezoid
# trapezoid(y, x) = sum(diff(x) * (y[1:] + y[:-1]) / 2) along axis: bilinear in y and x
# (through the spacings). `dx` is not differentiated.


# np.trapezoid is numpy >= 2.0; np.trapz, its old name, is gone in numpy 2.4. The templates
# call np.trapezoid, so np.trapz gets rules only where np.trapezoid exists too.
_TRAPEZOID = optional(np, "trapezoid")
_TRAPZ = optional(np, "trapz", needs=("trapezoid",))


@vjp_rule(_TRAPZ, bilinear=("y", "x"))
@vjp_rule(_TRAPEZOID, bilinear=("y", "x"))
def _(ans, y, x=None, dx=1.0, axis=-1):
    ax = rt.negative_axis(axis, np.ndim(y))
    spacing = rt.trapezoid_spacing(x, y, dx, axis)
    midpoints = (rt.slice_axis(y, 1, None, ax) + rt.slice_axis(y, 0, -1, ax)) * 0.5
    g = rt.keepdims_like(d[ans], y, ax)
    half = g * (0.5 * spacing) * np.ones_like(midpoints)  # a scalar dx spans every interval
    d[y] = rt.pad_axis(half, 1, 0, ax) + rt.pad_axis(half, 0, 1, ax)
    d[x] = rt.trapezoid_spacing_vjp(rt.unbroadcast(g * midpoints, spacing, nb), x, y, axis, 0, nb)


@jvp_rule(_TRAPZ, bilinear=("y", "x"))
@jvp_rule(_TRAPEZOID, bilinear=("y", "x"))
def _(ans, y, x=None, dx=1.0, axis=-1):
    if static(nb == 0):
        d[ans] = np.trapezoid(d[y], x, dx, axis) + np.trapezoid(y, d[x], axis=axis)
    else:
        ax = rt.negative_axis(axis, np.ndim(y))
        midpoints = (rt.slice_axis(y, 1, None, ax) + rt.slice_axis(y, 0, -1, ax)) * 0.5
        spacing = rt.trapezoid_spacing(d[x], y, dx, axis, nb)
        d[ans] = np.trapezoid(d[y], x, dx, ax) + np.sum(spacing * midpoints, axis=ax)
