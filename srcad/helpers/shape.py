"""Run-time helpers for the shape and indexing rules (re-exported by srcad.runtime).

Most shape functions only move elements around: every element of the result is one element
of the input, or a fresh zero (padding, the off-diagonal of `np.diag`). Applying the same
function to `positions(x)` (1-based flat positions, 0 meaning "no element") gives that map
as an integer array; `gather` (forward) and `scatter` (reverse) apply it to derivatives that
carry `batch` leading direction axes. The rules use plain numpy for the common case and
these maps where plain numpy cannot place the direction axes (or undo a selection).

The joins (`np.concatenate`, `np.stack`, `np.hstack`...) have a pair of their own,
`join_batched` and `split_like`, and `np.array` of nested lists has `array_batched` and
`array_vjp`. Each differentiable helper is linear in its first argument; its transpose is
its partner.
"""

from __future__ import annotations

import numpy as np

from ..arrays import asarray as _asarray
from ..arrays import is_foreign as _is_foreign
from ..arrays import size as _size

# ----------------------------------------------------------------------------- axes


def batch_axes(axis, ndim, batch=0):
    """`axis` (an int, a sequence, or None for all axes) of a rank-`ndim` primal, as the axes
    of a derivative with `batch` leading direction axes. Order is kept (for np.moveaxis)."""
    if axis is None:
        return tuple(range(batch, batch + ndim))
    if isinstance(axis, (tuple, list)):
        return tuple(int(a) % ndim + batch for a in axis)
    return int(axis) % ndim + batch


# ----------------------------------------------------------------------------- index maps


def positions(x):
    """1, 2, ..., x.size in the shape of `x`: apply a shape function to it to get its map."""
    return np.arange(1, _size(x) + 1, dtype=np.intp).reshape(np.shape(x))


def gather(t, index, batch=0):
    """The derivative `t` (of a primal x) moved by the map `index` (from `positions(x)`).

    Entries 0 of the map are zeros of the result.
    """
    t = _asarray(t)
    lead = t.shape[:batch]
    flat = np.reshape(t, lead + (-1,))
    zero = np.zeros_like(flat, shape=lead + (1,))  # in t's library (Dask, CuPy...)
    flat = np.concatenate([zero, flat], axis=-1)
    if _is_foreign(flat) and np.ndim(index) != 1:
        # Dask indexes with one-dimensional integer arrays only
        return np.reshape(flat[..., np.ravel(index)], lead + np.shape(index))
    return flat[..., index]


def scatter(g, index, shape, batch=0):
    """Transpose of `gather`: the adjoint `g` of the moved array, summed back to `shape`.

    Elements that the map copied several times (np.tile, np.repeat, np.pad) add up.
    """
    g = _asarray(g)
    lead = g.shape[:batch]
    count = int(np.prod(lead, dtype=int))
    size = int(np.prod(shape, dtype=int)) + 1
    index = np.ravel(index)
    # One bincount over (direction, position) bins: a single pass, much faster than
    # np.add.at; bin 0 of each direction collects what the map marked "no element".
    bins = (np.arange(count, dtype=np.intp) * size)[:, None] + index[None, :]
    weights = np.reshape(g, (count, index.size))

    def total(w):
        return np.bincount(bins.ravel(), weights=w.ravel(), minlength=count * size)

    dtype = g.dtype if np.issubdtype(g.dtype, np.inexact) else np.dtype(np.float64)
    if np.iscomplexobj(g):
        out = total(weights.real) + 1j * total(weights.imag)
    else:
        out = total(weights)
    out = np.reshape(out.astype(dtype, copy=False), (count, size))[:, 1:]
    return np.reshape(out, lead + tuple(shape))


def reshape_positions(a, shape, order="C"):
    """The map of `np.reshape(a, shape, order)` (np.ravel is shape -1), for every order.

    "A" and "K" depend on how `a` lies in memory, so they are resolved against `a`.
    """
    p = positions(a)
    if order == "K":
        laid_out = np.empty_like(_asarray(a), dtype=np.intp)
        laid_out[...] = p
        return np.reshape(np.ravel(laid_out, order="K"), shape)
    if order == "A":
        order = "F" if np.isfortran(_asarray(a)) else "C"
    return np.reshape(p, shape, order=order)


def sort_positions(a, axis=-1):
    """The map of `np.sort(a, axis)`: a stable argsort, as JAX's sort differentiates ties."""
    return np.take_along_axis(positions(a), np.argsort(a, axis=axis, kind="stable"), axis=axis)


def partition_positions(a, kth, axis=-1):
    """The map of `np.partition(a, kth, axis)` (np.argpartition selects the same elements)."""
    return np.take_along_axis(positions(a), np.argpartition(a, kth, axis=axis), axis=axis)


_PAD_MODES = ("constant", "edge", "reflect", "symmetric", "wrap")


def pad_positions(array, pad_width, mode="constant"):
    """The map of `np.pad(array, pad_width, mode)` for the modes that copy elements."""
    if mode not in _PAD_MODES:
        from ..errors import UnsupportedOperationError

        raise UnsupportedOperationError(
            f"srcad differentiates np.pad with mode {', '.join(_PAD_MODES)}; not {mode!r}",
            hint="use one of those modes, or build the padding with np.concatenate",
        )
    return np.pad(positions(array), pad_width, mode=mode)  # constant: 0, no element


def pad_codes(array, pad_width):
    """Which constant value `np.pad(..., mode="constant")` wrote where: 0 inside, and
    1 + 2 * axis + side in the padding, i.e. positions in constant_values broadcast to
    (ndim, 2). Later axes overwrite the corners, as np.pad does."""
    ndim = np.ndim(array)
    codes = np.arange(1, 2 * ndim + 1, dtype=np.intp).reshape(ndim, 2)
    inside = np.zeros(np.shape(array), dtype=np.intp)
    return np.pad(inside, pad_width, mode="constant", constant_values=codes)


def meshgrid_positions(xs, indexing="xy", sparse=False):
    """The maps of `np.meshgrid(*xs)` (None entries of `xs` are absent arguments)."""
    return np.meshgrid(
        *[positions(x) for x in xs if x is not None], indexing=indexing, sparse=sparse
    )


# ----------------------------------------------------------------------------- joins


def _join_shape(x, how, axis):
    """The shape `x` takes inside a join of kind `how`, and the axis the join runs along."""
    shape = tuple(np.shape(x))
    if how == "concatenate":
        if axis is None:
            return (int(np.prod(shape, dtype=int)),), 0
        return shape, axis % len(shape)
    if how == "stack":
        axis = axis % (len(shape) + 1)
        return shape[:axis] + (1,) + shape[axis:], axis
    if how == "hstack":  # atleast_1d, then the columns of 2-D arrays, the items of 1-D ones
        shape = shape or (1,)
        return shape, 0 if len(shape) == 1 else 1
    if how == "vstack":  # atleast_2d
        return (1,) * (2 - len(shape)) + shape, 0
    if how == "dstack":  # atleast_3d: () -> (1, 1, 1), (n,) -> (1, n, 1), (m, n) -> (m, n, 1)
        if len(shape) < 2:
            shape = (1,) + shape + (1,) * (1 - len(shape))
        return shape + (1,) * (3 - len(shape)), 2
    if how == "column_stack":  # 1-D arrays become columns
        if len(shape) < 2:
            shape = (shape or (1,)) + (1,)
        return shape, 1
    raise ValueError(f"srcad: unknown join {how!r}")


def _items(seq, arrays, batch):
    """The entries of a derivative `seq` of `arrays` (an ndarray's derivative is an array)."""
    if isinstance(arrays, np.ndarray):
        return [np.take(seq, i, axis=batch) for i in range(len(arrays))]
    return list(seq)


def join_batched(parts, arrays, how="concatenate", axis=0, batch=0):
    """The derivative of a join of `arrays` from the derivatives `parts` of its entries,
    which carry `batch` leading direction axes. `how` names the numpy function:
    concatenate (axis may be None), stack, hstack, vstack, dstack, column_stack."""
    pieces, join_axis = [], 0
    for p, x in zip(_items(parts, arrays, batch), arrays):
        shape, join_axis = _join_shape(x, how, axis)
        # A list entry's derivative is a list (of batched items): stacked as np.array would.
        p = _stacked(p, x, batch) if isinstance(x, (list, tuple)) else _asarray(p)
        pieces.append(np.reshape(p, p.shape[:batch] + shape))
    return np.concatenate(pieces, axis=batch + join_axis)


def split_like(g, arrays, how="concatenate", axis=0, batch=0):
    """Transpose of `join_batched`: the adjoint `g` of a join, cut into one adjoint per entry
    of `arrays` (a list; an array when `arrays` is one). A real entry gets a real adjoint."""
    g = _asarray(g)
    lead = g.shape[:batch]
    out, start = [], 0
    for x in arrays:
        shape, join_axis = _join_shape(x, how, axis)
        stop = start + shape[join_axis]
        piece = g[(slice(None),) * (batch + join_axis) + (slice(start, stop),)]
        piece = np.reshape(piece, lead + np.shape(x))
        if isinstance(x, (list, tuple)):  # a list entry's adjoint is a list, as array_vjp's
            piece = _parts(piece, x, batch)
        elif np.iscomplexobj(piece) and not np.iscomplexobj(x):
            piece = np.real(piece)
        out.append(piece)
        start = stop
    if isinstance(arrays, np.ndarray):
        return np.stack(out, axis=batch)
    return out


# ----------------------------------------------------------------------------- np.select


def _select_masks(condlist, choicelist, default):
    """Where np.select takes each choice (the first true condition wins) and its default."""
    shape = np.broadcast_shapes(
        *[np.shape(c) for c in condlist], *[np.shape(c) for c in choicelist], np.shape(default)
    )
    taken = np.zeros(shape, dtype=bool)
    masks = []
    for cond in condlist:
        cond = np.broadcast_to(cond, shape)
        masks.append(cond & ~taken)
        taken = taken | cond
    masks.append(~taken)
    return shape, masks


def _sum_to(g, shape, batch):
    """Sum `g` (with `batch` leading axes) down to the broadcastable `shape`."""
    extra = g.ndim - batch - len(shape)
    axes = tuple(range(batch, batch + extra)) + tuple(
        batch + extra + i for i, n in enumerate(shape) if n == 1 and g.shape[batch + extra + i] != 1
    )
    if axes:
        g = np.sum(g, axis=axes)
    return np.reshape(g, g.shape[:batch] + tuple(shape))


def select_batched(ts, t_default, condlist, choicelist, default=0, batch=0):
    """The derivative of `np.select(condlist, choicelist, default)` from the derivatives of
    the choices and of the default (all with `batch` leading direction axes)."""
    shape, masks = _select_masks(condlist, choicelist, default)
    out = None
    for t, x, mask in zip([*ts, t_default], [*choicelist, default], masks):
        t = _asarray(t)
        lead = t.shape[:batch]
        t = np.reshape(t, lead + (1,) * (len(shape) - np.ndim(x)) + np.shape(x))
        term = np.where(mask, t, 0)
        out = term if out is None else out + term
    return np.broadcast_to(out, out.shape[:batch] + shape)


def select_parts(g, condlist, choicelist, default=0, batch=0):
    """Transpose of `select_batched`: the adjoints of the choices, then of the default."""
    g = _asarray(g)
    _, masks = _select_masks(condlist, choicelist, default)
    parts = []
    for x, mask in zip([*choicelist, default], masks):
        part = _sum_to(np.where(mask, g, 0), np.shape(x), batch)
        parts.append(part if np.iscomplexobj(x) else np.real(part))
    return parts


# ----------------------------------------------------------------------------- np.array


def _stacked(t, obj, batch):
    if isinstance(obj, (list, tuple)):
        return np.stack([_stacked(u, o, batch) for u, o in zip(t, obj)], axis=batch)
    return _asarray(t)


def array_batched(t, obj, shape, batch=0):
    """The derivative of `np.array(obj)` (nested lists of arrays and numbers, or an array)
    from the derivative `t` of `obj`, whose array leaves carry `batch` direction axes; the
    result gets the primal result's `shape` (np.ascontiguousarray makes scalars 1-D)."""
    stacked = _stacked(t, obj, batch)
    return np.reshape(stacked, stacked.shape[:batch] + tuple(shape))


def _parts(g, obj, batch):
    if isinstance(obj, (list, tuple)):
        parts = [_parts(np.take(g, i, axis=batch), o, batch) for i, o in enumerate(obj)]
        return type(obj)(parts)
    g = np.reshape(g, g.shape[:batch] + np.shape(obj))
    return g if np.iscomplexobj(obj) or not np.iscomplexobj(g) else np.real(g)


def array_vjp(g, obj, batch=0):
    """Transpose of `array_batched`: the adjoint `g` of `np.array(obj)`, in the structure of
    `obj` (list entries along the first axis after the direction axes; real where `obj`
    is real)."""
    return _parts(_asarray(g), obj, batch)
