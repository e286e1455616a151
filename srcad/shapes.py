"""Run-time helpers for shape-sensitive derivative rules (reductions, matmul, reshape...).

Re-exported by `srcad.runtime`, so generated code calls them as ``rt.sum_vjp(...)``. Each
takes `batch`, the number of leading direction axes its derivative argument carries, and
works for any rank; rule templates call them when a shorter numpy expression is not known
to be right.
"""

from __future__ import annotations

import math

import numpy as np

from .arrays import is_chunked
from .dtypes import result_type


def normalize_axes(axis, ndim):
    """`axis` (None, int or tuple, possibly negative) as a sorted tuple of non-negative ints."""
    if axis is None:
        return tuple(range(ndim))
    if not isinstance(axis, (tuple, list)):
        axis = (axis,)
    return tuple(sorted(a % ndim if ndim else 0 for a in axis))


def shift_axes(axis, ndim, batch):
    """Axes of a primal of rank `ndim`, as axes of a derivative with `batch` leading axes."""
    if axis is None:
        return tuple(range(batch, batch + ndim))
    return tuple(batch + a for a in normalize_axes(axis, ndim))


def expand_reduced(g, shape, axis, keepdims, batch=0):
    """Give a reduction's derivative `g` back the reduced axes (size 1), ready to broadcast."""
    if keepdims:
        return g
    axes = normalize_axes(axis, len(shape))
    gshape = np.shape(g)
    new = list(gshape[:batch])
    rest = list(gshape[batch:])
    for i in range(len(shape)):
        new.append(1 if i in axes else rest.pop(0))
    return np.reshape(g, tuple(new))


def sum_vjp(g, x, axis=None, keepdims=False, batch=0):
    shape = np.shape(x)
    g = expand_reduced(g, shape, axis, keepdims, batch)
    if batch == 0 and is_chunked(x):
        return np.zeros_like(x, dtype=result_type(g)) + g  # chunked as x (see rt.fit)
    return np.broadcast_to(g, np.shape(g)[:batch] + shape)


def sum_jvp(dx, x, axis=None, keepdims=False, batch=0):
    return np.sum(dx, axis=shift_axes(axis, np.ndim(x), batch), keepdims=keepdims)


def count(x, axis=None):
    """How many elements a reduction over `axis` combines."""
    shape = np.shape(x)
    if axis is None:
        return int(math.prod(shape))  # math.prod: np.prod's dispatch cost 10 us a call
    return int(math.prod([shape[a] for a in normalize_axes(axis, len(shape))]))


def mean_vjp(g, x, axis=None, keepdims=False, batch=0):
    return sum_vjp(g, x, axis, keepdims, batch) / count(x, axis)


def mean_jvp(dx, x, axis=None, keepdims=False, batch=0):
    return sum_jvp(dx, x, axis, keepdims, batch) / count(x, axis)


def _swap(a):
    return np.swapaxes(a, -1, -2)


def matmul_vjp_x(g, x, y, batch=0):
    """Adjoint of `x` in `x @ y`, for every rank numpy's matmul accepts."""
    xd, yd = np.ndim(x), np.ndim(y)
    if yd == 1:
        # (..., k) @ (k,) -> (...): g has shape (..., ); dx = g[..., None] * y
        r = np.expand_dims(g, -1) * y
    elif xd == 1:
        # (k,) @ (..., k, m) -> (..., m): dx = sum over batch of y @ g
        r = np.matmul(y, np.expand_dims(g, -1))[..., 0]
    else:
        r = np.matmul(g, _swap(y))
    return _real_like(_sum_to(r, np.shape(x), batch), x)


def matmul_vjp_y(g, x, y, batch=0):
    xd, yd = np.ndim(x), np.ndim(y)
    if xd == 1:
        if yd == 1:
            r = g[..., None] * x if np.ndim(g) else g * x
        else:
            # (k,) @ (..., k, m): dy = x[:, None] * g[..., None, :]
            r = np.expand_dims(x, -1) * np.expand_dims(g, -2)
    elif yd == 1 and xd == 2:
        # (n, k) @ (k,): dy = g @ x, a vector-matrix product (for g with direction axes too)
        r = g @ x
    elif yd == 1:
        # (..., n, k) @ (k,): dy = sum(x * g[..., None])
        r = np.matmul(np.expand_dims(g, -2), x)[..., 0, :]
    else:
        r = np.matmul(_swap(x), g)
    return _real_like(_sum_to(r, np.shape(y), batch), y)


def _real_like(r, x):
    """A real operand gets the real part of its adjoint (JAX's convention)."""
    if getattr(r, "dtype", None) is not None and r.dtype.kind != "c":
        return r
    if np.iscomplexobj(r) and not np.iscomplexobj(x):
        return np.real(r)
    return r


def _sum_to(r, shape, batch):
    """Sum the leading broadcast axes of `r` away, keeping `batch` direction axes."""
    rshape = np.shape(r)
    if rshape[batch:] == shape:
        return r  # nothing was broadcast (the common case, kept cheap)
    extra = len(rshape) - batch - len(shape)
    axes = list(range(batch, batch + extra))
    for i, size in enumerate(shape):
        if size == 1 and rshape[batch + extra + i] != 1:
            axes.append(batch + extra + i)
    if axes:
        r = np.sum(r, axis=tuple(axes))
    return np.reshape(r, rshape[:batch] + tuple(shape))


def matmul_jvp_x(dx, x, y, batch=0):
    """Tangent of `x @ y` from the tangent of `x` (with `batch` direction axes)."""
    xd, yd = np.ndim(x), np.ndim(y)
    if batch and xd == 1 and yd >= 2:
        # the direction axes go before y's stack axes, not against them
        dx = _insert_axes(dx, batch, yd - 2)
        return np.matmul(np.expand_dims(dx, -2), y)[..., 0, :]
    if batch and 2 <= xd < yd:
        dx = _insert_axes(dx, batch, yd - xd)
    return np.matmul(dx, y)


def _insert_axes(t, batch, count):
    shape = np.shape(t)
    return np.reshape(t, shape[:batch] + (1,) * count + shape[batch:])


def matmul_jvp_y(x, dy, y, batch=0):
    """Tangent of `x @ y` from the tangent of `y` (with `batch` direction axes)."""
    xd, yd = np.ndim(x), np.ndim(y)
    if batch and 2 <= yd < xd:
        dy = _insert_axes(dy, batch, xd - yd)
    if batch and np.ndim(y) == 1:
        if np.ndim(x) == 1:
            return np.matmul(dy, x)
        return (
            np.moveaxis(np.matmul(x, np.moveaxis(dy, 0, -1)), -1, 0)
            if batch == 1
            else np.matmul(x, dy[..., None])[..., 0]
        )
    return np.matmul(x, dy)


def reshape_batched(g, shape, batch=0):
    return np.reshape(g, np.shape(g)[:batch] + tuple(shape))


def transpose_batched(g, axes, ndim, batch=0):
    if axes is None:
        axes = tuple(range(ndim))[::-1]
    axes = tuple(a % ndim for a in axes)
    return np.transpose(g, tuple(range(batch)) + tuple(batch + a for a in axes))


def inverse_permutation(axes, ndim):
    if axes is None:
        return None
    return tuple(int(i) for i in np.argsort([a % ndim for a in axes]))


def dot_vjp_a(g, a, b, batch=0):
    """Adjoint of `a` in `np.dot(a, b)`."""
    ad, bd = np.ndim(a), np.ndim(b)
    if ad == 0 or bd == 0:
        return _real_like(_sum_to(g * b, np.shape(a), batch), a)
    if bd == 1:
        return _real_like(np.expand_dims(g, -1) * b, a)
    gd = np.ndim(g)
    g_axes = tuple(range(gd - (bd - 1), gd))
    b_axes = tuple(i for i in range(bd) if i != bd - 2)
    return _real_like(np.tensordot(g, b, axes=(g_axes, b_axes)), a)


def dot_vjp_b(g, a, b, batch=0):
    """Adjoint of `b` in `np.dot(a, b)`."""
    ad, bd = np.ndim(a), np.ndim(b)
    if ad == 0 or bd == 0:
        return _real_like(_sum_to(g * a, np.shape(b), batch), b)
    g_axes = tuple(range(batch, batch + ad - 1))
    r = np.tensordot(g, a, axes=(g_axes, tuple(range(ad - 1))))
    return _real_like(r if bd == 1 else np.moveaxis(r, -1, -2), b)


def dot_jvp_a(da, a, b, batch=0):
    """Tangent of `np.dot(a, b)` from the tangent of `a`: the direction axes stay first."""
    if batch and np.ndim(a) == 0:
        return _insert_axes(da, batch, np.ndim(b)) * b
    return np.dot(da, b)


def dot_jvp_b(a, db, b, batch=0):
    """Tangent of `np.dot(a, b)` from the tangent of `b`."""
    if batch == 0 or np.ndim(a) == 0:
        return np.dot(a, db)
    ad = np.ndim(a)
    r = np.dot(
        a,
        np.moveaxis(db, tuple(range(batch)), tuple(range(-batch, 0)))
        if np.ndim(db) - batch == 1
        else db,
    )
    if np.ndim(db) - batch == 1:
        # dot(a, v) with v's direction axes moved last: (a-free..., batch...)
        return np.moveaxis(r, tuple(range(-batch, 0)), tuple(range(batch)))
    # dot(a, B) with B = (batch..., j..., k, m): result (i..., batch..., j..., m)
    return np.moveaxis(r, tuple(range(ad - 1, ad - 1 + batch)), tuple(range(batch)))
