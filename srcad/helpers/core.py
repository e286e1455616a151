"""The runtime's core helpers, which the others build on (re-exported by srcad.runtime).

Broadcasting undone (`unbroadcast`, `sum_to_shape`) and done (`lift`, `fit`), zeros shaped
like a value with direction axes in front (`zeros_like`), adding derivatives of any structure
(`add`), and indexing with direction axes (`index_with_batch`, `getitem_batched`).
"""

from __future__ import annotations

import functools
import numbers

import numpy as np

from ..arrays import is_array, is_chunked, is_foreign
from ..arrays import like as _like
from ..arrays import zeros as _zeros
from ..dtypes import result_type

CONTAINERS = (list, tuple, dict)


def unbroadcast(g, x, batch=0):
    """Sum `g` down to the shape of `x`, keeping `batch` leading direction axes.

    This is where numpy broadcasting is undone for every binary rule: `g` has the shape of
    the broadcast result (after the direction axes); the adjoint of `x` needs `x`'s shape.
    """
    shape = getattr(x, "shape", ())
    if batch == 0 and getattr(g, "shape", ()) == shape:
        # The common case, kept cheap: nothing was broadcast.
        if _is_complex(g) and not _is_complex(x):
            return np.real(g)
        return g
    if batch and type(x) is np.ndarray and getattr(g, "shape", ())[batch:] == shape:
        # the same with direction axes (jacfwd's tangents, Structured ones included)
        if _is_complex(g) and x.dtype.kind != "c":
            return np.real(g)
        return g
    if isinstance(x, (list, tuple)) and isinstance(g, (list, tuple)):
        # a list's adjoint is a list of its items' adjoints (l[1:] = [a, b])
        return type(g)(unbroadcast(gi, xi, batch) for gi, xi in zip(g, x))
    g = sum_to_shape(g, np.shape(x), batch)
    if _is_complex(g) and not _is_complex(x):
        g = np.real(g)
    return g


class Shape(tuple):
    """The shape of a real value the backward sweep kept instead of the value, because it
    reads the value only to undo broadcasting (see `srcad.optimize.shape_saves`)."""


_SCALAR = Shape(())


_KEPT: dict = {}  # shape -> its Shape: one object for every step of a loop


def shape_only(x):
    """What a tape keeps of `x` when only its shape is needed: a `Shape` for a real array or
    number (shared by the values of one shape), `x` itself otherwise (a complex value, a
    list, None)."""
    if type(x) is np.ndarray or isinstance(x, (np.ndarray, np.generic)):
        if x.dtype.kind not in "fiub":
            return x
        shape = x.shape
        kept = _KEPT.get(shape)
        if kept is None:
            kept = Shape(shape)
            if len(_KEPT) < 1024:
                _KEPT[shape] = kept
        return kept
    if type(x) is float or type(x) is int:
        return _SCALAR
    return x


def unbroadcast_kept(g, x, batch=0):
    """`unbroadcast(g, x, batch)`, where `x` may be what `shape_only` kept of it."""
    if type(x) is Shape:
        if batch or getattr(g, "shape", ()) != x:
            g = sum_to_shape(g, tuple(x), batch)
        return np.real(g) if _is_complex(g) else g
    return unbroadcast(g, x, batch)


def kept_like(x):
    """A value with the shape of what `shape_only` kept (a read-only float64 zero broadcast,
    no memory), or `x` itself: what the rules of `unbroadcast_kept` pass on to the helpers
    of `unbroadcast`, which read an operand's shape and whether it is complex."""
    if type(x) is Shape:
        return np.broadcast_to(np.zeros(()), tuple(x))
    return x


def _is_complex(value) -> bool:
    dtype = getattr(value, "dtype", None)
    if dtype is not None:
        return dtype.kind == "c"
    return isinstance(value, complex)


def sum_to_shape(g, shape, batch=0):
    """Sum the axes that broadcasting added or stretched, so `g` gets `shape` (after batch)."""
    gshape = np.shape(g)
    if gshape[batch:] == tuple(shape):
        return g
    extra = len(gshape) - batch - len(shape)
    axes = list(range(batch, batch + extra))
    for i, size in enumerate(shape):
        if size == 1 and gshape[batch + extra + i] != 1:
            axes.append(batch + extra + i)
    if axes:
        g = np.sum(g, axis=tuple(axes))
    return np.reshape(g, gshape[:batch] + tuple(shape))


def lift(dx, x, ndim, batch=0):
    """Insert axes after the `batch` direction axes so `dx` broadcasts like `x` to `ndim`."""
    missing = ndim - np.ndim(x)
    if missing <= 0 or batch == 0:
        return dx
    shape = np.shape(dx)
    return np.reshape(dx, shape[:batch] + (1,) * missing + shape[batch:])


def result_ndim(*operands):
    return max(np.ndim(o) for o in operands)


def zeros_like(x, batch=()):
    """A zero derivative with the structure of `x` (and leading `batch` axes on arrays)."""
    if is_array(x):
        dtype = x.dtype if np.issubdtype(x.dtype, np.inexact) else np.float64
        if is_foreign(x):  # a Dask or CuPy array: its zero stays in its library
            return np.zeros_like(x, dtype=dtype, shape=tuple(batch) + x.shape)
        return np.zeros(tuple(batch) + x.shape, dtype=dtype)
    if isinstance(x, (list, tuple)):
        return (
            type(x)(zeros_like(v, batch) for v in x)
            if type(x) in (list, tuple, Shape)  # a Shape: a tuple of ints, as tuple
            else type(x)(*(zeros_like(v, batch) for v in x))
        )
    if isinstance(x, dict):
        return {k: zeros_like(v, batch) for k, v in x.items()}
    if isinstance(x, np.generic):
        dtype = x.dtype if np.issubdtype(x.dtype, np.inexact) else np.float64
        return np.zeros(tuple(batch), dtype=dtype)[()] if not batch else np.zeros(batch, dtype)
    if isinstance(x, numbers.Number):
        value = 0.0 if not isinstance(x, complex) else 0j
        return value if not batch else np.zeros(batch, type(value))
    from ..diagonal import Structured

    if type(x) is functools.partial:  # a function value: the record of what it holds
        return tuple(zeros_like(v, batch) for v in x.args)
    record = getattr(type(x), "__srcad_record__", None)
    if record is not None:
        return tuple(zeros_like(v, batch) for v in record(x)[1])
    if isinstance(x, Structured):  # a Jacobian seed, differentiated again
        return zeros_like(x.dense(), batch)
    return None  # strings, None and other objects carry no derivative


def add(a, b):
    """`a + b` for derivatives: elementwise for arrays, leafwise for containers."""
    if a is None:
        return b
    if b is None:
        return a
    if isinstance(a, dict):
        return {k: add(a[k], b[k]) for k in a}
    if isinstance(a, (list, tuple)):
        values = [add(u, v) for u, v in zip(a, b)]
        return type(a)(values) if type(a) in (list, tuple) else type(a)(*values)
    return a + b


def index_with_batch(idx, batch):
    if batch == 0:
        return idx
    if not isinstance(idx, tuple):
        idx = (idx,)
    return (slice(None),) * batch + idx


def _is_fancy(idx) -> bool:
    parts = idx if isinstance(idx, tuple) else (idx,)
    return any(isinstance(p, list) or is_array(p) for p in parts)


def fit(t, like, batch=0):
    """A tangent broadcast up to the shape of the result `like` (after `batch` direction axes)."""
    shape = np.shape(like)
    tshape = np.shape(t)
    if tshape[batch:] == shape:
        return t
    if batch == 0 and (is_chunked(like) or (is_foreign(like) and not is_foreign(t))):
        # Chunked as `like` is: Dask's own broadcast of a scalar is one chunk of the whole
        # shape, which a cluster would then ship whole from worker to worker. And a number
        # broadcast against a CuPy array stays on the device (np.broadcast_to gives numpy's).
        return np.zeros_like(like, dtype=result_type(t)) + t
    missing = len(shape) - len(tshape) + batch
    if missing > 0:
        t = np.reshape(t, tshape[:batch] + (1,) * missing + tshape[batch:])
    return np.broadcast_to(t, tshape[:batch] + shape)


def getitem_batched(b, idx, batch=0):
    """`b[idx]` for a derivative `b` whose array leaves carry `batch` direction axes."""
    if isinstance(b, (list, tuple, dict)):
        return b[idx]
    return b[index_with_batch(idx, batch)]


def broadcast_batched(t, x, shape, batch=0):
    """`np.broadcast_to` for a tangent `t` of `x` with `batch` leading direction axes."""
    shape = tuple(shape) if isinstance(shape, (tuple, list)) else (shape,)
    lifted = lift(t, x, len(shape), batch)
    return np.broadcast_to(lifted, np.shape(t)[:batch] + shape)


def getitem_vjp(g, x, idx, batch=0):
    """The adjoint of `x[idx]` given the adjoint `g` of the item: `g` scattered into zeros."""
    if isinstance(x, (list, tuple)):
        out = list(zeros_like(x, _batch_shape(g, x, idx, batch)))
        if isinstance(idx, slice):
            for i, v in zip(range(*idx.indices(len(x))), g):
                out[i] = add(out[i], v)
        else:
            out[idx] = add(out[idx], g)
        return type(x)(out) if type(x) in (list, tuple) else type(x)(*out)
    if isinstance(x, dict):
        out = zeros_like(x, _batch_shape(g, x, idx, batch))
        out[idx] = add(out[idx], g)
        return out
    gshape = np.shape(g)
    dtype = result_type(g, x) if np.iscomplexobj(x) else result_type(g)
    if not np.issubdtype(dtype, np.inexact):
        dtype = np.float64
    out = _zeros(gshape[:batch] + np.shape(x), dtype, like=_like(g, x))
    full = index_with_batch(idx, batch)
    if _is_fancy(idx):
        np.add.at(out, full, g)
    else:
        out[full] = g
    return out


def _batch_shape(g, x, idx, batch):
    """The direction axes of an item's adjoint `g` (its first `batch` axes, if it has any)."""
    if not batch:
        return ()
    leaf = g
    while isinstance(leaf, (list, tuple, dict)):
        leaf = next(iter(leaf.values())) if isinstance(leaf, dict) else leaf[0]
    return np.shape(leaf)[:batch]
