"""Helpers of batched code, as `srcad.vmap` generates it (re-exported by srcad.runtime).

In batched code a value is either *batched*, every array leaf carrying the batch axis first
(one entry per example), or not, the same for every example. These helpers compute the
axes and shapes of one example from a batched value (`example_axis`, `example_shape`,
`example_size`), give a value the batch axis it lacks (`batch_like`, `batch_to`), align a
batched operand with the others of an elementwise operation (`lift_batched`), and run a
function once per example where no batching rule is known (`per_example`).
"""

from __future__ import annotations

import numpy as np

from .. import pytree


def batch_size(x) -> int:
    """The number of examples of a batched value (its first array leaf's first axis)."""
    for leaf in pytree.leaves(x) if pytree.is_node(x) else [x]:
        if np.ndim(leaf):
            return int(np.shape(leaf)[0])
    raise ValueError("a batched value without arrays")


def first_example(x):
    """The first example of a batched value: what a shape-only argument needs."""
    if pytree.is_node(x):
        return pytree.tree_map(lambda leaf: leaf[0], x)
    return x[0]


def example_axis(axis, ndim):
    """`axis` of one example (of rank `ndim`) as an axis of the batched array: non-negative
    axes move one up, None becomes every axis but the batch axis."""
    if axis is None:
        return tuple(range(1, ndim + 1))
    if isinstance(axis, (tuple, list)):
        return tuple(example_axis(a, ndim) for a in axis)
    axis = int(axis)
    return axis + 1 if axis >= 0 else axis


def example_shape(shape):
    """The shape of one example, from a batched array's shape."""
    return tuple(shape)[1:]


def example_size(x) -> int:
    """The number of elements of one example of the batched array `x`."""
    shape = np.shape(x)
    return int(np.prod(shape[1:], dtype=int))


def batched_shape(x, shape):
    """`shape`, for one example, with the batch axis of `x` in front (for reshape and
    broadcast_to)."""
    if not isinstance(shape, (tuple, list)):
        shape = (shape,)
    return (batch_size(x),) + tuple(int(s) for s in shape)


def example_permutation(axes, ndim):
    """`axes` of transpose for one example (None: reversed), as axes of the batched array."""
    if axes is None:
        axes = tuple(range(ndim))[::-1]
    return (0,) + tuple((a % ndim) + 1 for a in axes)


def lift_batched(x, ndim):
    """The batched array `x` with axes of size 1 after the batch axis, so that one example
    has rank `ndim` and `x` broadcasts against unbatched operands example by example."""
    missing = ndim + 1 - np.ndim(x)
    if missing <= 0:
        return x
    shape = np.shape(x)
    return np.reshape(x, shape[:1] + (1,) * missing + shape[1:])


def example_ndim(*pairs) -> int:
    """The rank of one example of an elementwise result: pairs of (operand, is batched)."""
    return max([np.ndim(v) - 1 if b else np.ndim(v) for v, b in pairs] + [0])


def batch_to(x, size: int):
    """`x`, the same for every example, as a batched value of `size` examples (a copy, which
    later item assignments may change)."""
    if pytree.is_node(x):
        return pytree.tree_map(lambda leaf: batch_to(leaf, size), x)
    x = np.asarray(x)
    return np.repeat(x[None], size, axis=0)


def batch_like(x, batched):
    """`x` as a batched value with as many examples as `batched` has."""
    return batch_to(x, batch_size(batched))


def batch_structure(x, have, size: int):
    """`x`, a tuple whose items are batched where `have` (a tuple of batchedness) says, with
    every leaf batched."""
    if have is True:
        return x
    if have is False:
        return batch_to(x, size)
    items = [batch_structure(v, h, size) for v, h in zip(x, have)]
    return type(x)(*items) if hasattr(type(x), "_fields") else type(x)(items)


def example_item(x, index):
    """``x[index]`` for one example: a container of batched values is indexed as it is, a
    batched array after its batch axis."""
    if isinstance(x, (list, tuple, dict)):
        return x[index]
    if not isinstance(index, tuple):
        index = (index,)
    return x[(slice(None),) + index]


def example_len(x) -> int:
    """``len`` of one example."""
    if isinstance(x, (list, tuple, dict)):
        return len(x)
    return int(np.shape(x)[1])


def per_example(fn, args, batched, kwargs=None):
    """`fn` called once per example, the batched arguments (`batched[i]`) sliced, the
    results stacked: the batching of a function without a rule of its own."""
    kwargs = kwargs or {}
    size = next(batch_size(a) for a, b in zip(args, batched) if b)
    results = []
    for i in range(size):
        call = [_example(a, i) if b else a for a, b in zip(args, batched)]
        results.append(fn(*call, **kwargs))
    return _stack(results)


def _example(x, i):
    if pytree.is_node(x):
        return pytree.tree_map(lambda leaf: leaf[i], x)
    return x[i]


def _stack(results):
    first = results[0]
    if pytree.is_node(first):
        leaves = [pytree.leaves(r) for r in results]
        stacked = [np.stack(column) for column in zip(*leaves)]
        return pytree.flatten(first)[1].unflatten(stacked)
    return np.stack([np.asarray(r) for r in results])


def matmul_batched(a, b, a_batched, b_batched):
    """``a @ b`` for each example, where either or both carry the batch axis first."""
    ad = np.ndim(a) - a_batched
    bd = np.ndim(b) - b_batched
    if ad == 0 or bd == 0:
        raise ValueError("matmul: an operand is a scalar")
    if ad == 1:
        a = np.expand_dims(a, -2)  # a row
    if bd == 1:
        b = np.expand_dims(b, -1)  # a column
    # The stack axes of the two (their batch axis included) broadcast from the right: give
    # the batched one's stack as many axes as the other's.
    ra, rb = max(ad, 2), max(bd, 2)
    if a_batched and rb > ra:
        a = _insert(a, rb - ra)
    if b_batched and ra > rb:
        b = _insert(b, ra - rb)
    if a_batched and not b_batched:
        b = b[None] if ra >= rb else b
    out = np.matmul(a, b)
    if bd == 1:
        out = out[..., 0]
    if ad == 1:
        out = out[..., 0, :] if bd != 1 else out[..., 0]
    return out


def _insert(x, count):
    shape = np.shape(x)
    return np.reshape(x, shape[:1] + (1,) * count + shape[1:])


def matmul_vjp_x_batched(g, x, y, batched, batch=0):
    """`srcad.shapes.matmul_vjp_x` for each example: `batched` says which of g, x, y carry
    the batch axis (before `batch` direction axes, on g)."""
    return _per_example_product("matmul_vjp_x", g, x, y, batched, batch)


def matmul_vjp_y_batched(g, x, y, batched, batch=0):
    """`srcad.shapes.matmul_vjp_y` for each example (see `matmul_vjp_x_batched`)."""
    return _per_example_product("matmul_vjp_y", g, x, y, batched, batch)


def _per_example_product(name, g, x, y, batched, batch):
    from .. import shapes

    fn = shapes.matmul_vjp_y if name == "matmul_vjp_y" else shapes.matmul_vjp_x
    gb, xb, yb = batched
    xd = np.ndim(x) - xb
    yd = np.ndim(y) - yb
    if not gb and not xb and not yb:
        return fn(g, x, y, batch)
    # The common cases, one broadcasting product each: a vector times a matrix.
    if name == "matmul_vjp_y" and xd == 1 and yd == 2 and not yb and batch == 0:
        xe = x if xb else x[None]
        ge = g if gb else g[None]
        return np.expand_dims(xe, -1) * np.expand_dims(ge, -2)
    if name == "matmul_vjp_x" and xd == 1 and yd == 2 and not xb and batch == 0:
        ye = y if yb else y[None]
        ge = g if gb else g[None]
        return np.matmul(ye, np.expand_dims(ge, -1))[..., 0]
    if name == "matmul_vjp_x" and xd >= 2 and yd >= 2 and xd == yd and batch == 0:
        ye = y if yb else y[None]
        return np.matmul(g if gb else g[None], np.swapaxes(ye, -1, -2))
    if name == "matmul_vjp_y" and xd >= 2 and yd >= 2 and xd == yd and batch == 0:
        xe = x if xb else x[None]
        return np.matmul(np.swapaxes(xe, -1, -2), g if gb else g[None])
    return per_example(lambda g_, x_, y_: fn(g_, x_, y_, batch), (g, x, y), batched)
