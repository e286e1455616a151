"""Helpers that generated code calls at run time.

Generated code refers to this module as ``srcad_rt`` (or a fresh name if the user's function
already uses that one). Every helper is small and has derivative rules of its own
(`srcad.rules.runtime_rules`), so that generated code can itself be differentiated.

Conventions: an adjoint or tangent has the structure of its primal (arrays for arrays, lists
for lists, tuples for tuples, dicts for dicts) with ``nb`` extra leading direction axes on
every array leaf; zero derivatives are materialized by `zeros_like`.
"""

from __future__ import annotations

import numbers

import numpy as np

from .dtypes import result_type
from .errors import NonScalarOutputError, UnsupportedOperationError

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
    g = sum_to_shape(g, np.shape(x), batch)
    if _is_complex(g) and not _is_complex(x):
        g = np.real(g)
    return g


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
    if isinstance(x, np.ndarray):
        dtype = x.dtype if np.issubdtype(x.dtype, np.inexact) else np.float64
        return np.zeros(tuple(batch) + x.shape, dtype=dtype)
    if isinstance(x, (list, tuple)):
        return (
            type(x)(zeros_like(v, batch) for v in x)
            if type(x) in (list, tuple)
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


def scalar_seed(y):
    """The cotangent 1.0 for `grad`, after checking that the output is a real scalar."""
    if type(y) is float:
        return 1.0
    dtype = getattr(y, "dtype", None)
    if dtype is not None and getattr(y, "ndim", 1) == 0 and dtype.kind == "f":
        return dtype.type(1.0)
    if (
        isinstance(y, (bool, np.bool_))
        or not isinstance(y, (numbers.Number, np.ndarray))
        or (np.ndim(y) != 0)
    ):
        if isinstance(y, np.ndarray):
            what = f"an array of shape {np.shape(y)}"
        elif y is None:
            what = "None"
        elif isinstance(y, (tuple, list)):
            what = f"a {type(y).__name__} of {len(y)} values"
        else:
            what = f"a value of type {type(y).__name__}"
        error = NonScalarOutputError(
            f"grad requires a function that returns a real scalar, but it returned {what}",
            hint="use srcad.jacobian (or vjp with a cotangent) for non-scalar outputs, or "
            "reduce the output, e.g. with np.sum",
        )
        error.returned = what  # the transform restates this with its name and f's return line
        raise error
    if np.iscomplexobj(y):
        error = NonScalarOutputError(
            "grad requires a real-valued output, but the function returned a complex number",
            hint="differentiate np.real(f(x)) or np.abs(f(x)) ** 2, or use srcad.vjp",
        )
        error.returned = f"a complex number ({result_type(y)})"
        raise error
    return 1.0


def sequence(x):
    """What a `for` loop iterates over, as something indexable."""
    if isinstance(x, (list, tuple, np.ndarray, range)):
        return x
    return list(x)


def sequence_vjp(g, x):
    """The adjoint of what a loop iterated over: the adjoints of its elements."""
    if isinstance(x, (list, tuple, np.ndarray)):
        return g
    if isinstance(x, dict):
        return zeros_like(x)  # a loop over a dict visits its keys
    from .errors import UnsupportedOperationError

    raise UnsupportedOperationError(
        f"srcad cannot send derivatives back through a loop over a {type(x).__name__} "
        "object (an iterator srcad cannot look into)",
        hint="loop over a list, a tuple, an array, range, zip, enumerate or reversed",
    )


def index_with_batch(idx, batch):
    if batch == 0:
        return idx
    if not isinstance(idx, tuple):
        idx = (idx,)
    return (slice(None),) * batch + idx


def _is_fancy(idx) -> bool:
    parts = idx if isinstance(idx, tuple) else (idx,)
    return any(isinstance(p, (list, np.ndarray)) for p in parts)


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
    out = np.zeros(gshape[:batch] + np.shape(x), dtype=dtype)
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


def pack_like(x, parts):
    """The adjoint of unpacking `a, b = x`: the parts, in the container type of `x`."""
    if isinstance(x, np.ndarray):
        nb = np.ndim(parts[0]) - np.ndim(x[0]) if len(parts) else 0
        return np.stack(parts, axis=nb)
    if isinstance(x, tuple) and type(x) is not tuple:  # a namedtuple
        return type(x)(*parts)
    if isinstance(x, (list, tuple)):
        return type(x)(parts)
    return list(parts)


def astype(x, dtype):
    return np.asarray(x).astype(dtype)


def astype_vjp(g, x, dtype=None):
    """Adjoint of a cast of `x` to `dtype`: back to `x`'s dtype; none when either is not a
    floating or complex type (a cast to integers or booleans carries no derivative)."""
    primal = result_type(x)
    if not np.issubdtype(primal, np.inexact) or (
        dtype is not None and not np.issubdtype(np.dtype(dtype), np.inexact)
    ):
        # g has the cast's shape, with its direction axes in front: so has the zero
        return np.zeros(np.shape(g), dtype=primal if np.issubdtype(primal, np.inexact) else float)
    dtype = primal
    if np.iscomplexobj(g) and not np.issubdtype(dtype, np.complexfloating):
        g = np.real(g)
    return np.asarray(g).astype(dtype)


def astype_jvp(dx, dtype):
    if not np.issubdtype(np.dtype(dtype), np.inexact):
        return np.zeros(np.shape(dx))
    return np.asarray(dx).astype(dtype)


def copy(x):
    """`x.copy()` for arrays, lists and dicts alike."""
    if isinstance(x, np.ndarray):
        return x.copy()
    if isinstance(x, (list, dict)):
        return type(x)(x)
    return x


# Container and scalar methods. Generated primal code calls the methods as the user wrote
# them; these functions give each method an identity that derivative rules attach to.


def item(x, *args):
    return x.item(*args) if hasattr(x, "item") else x


def tolist(x):
    return x.tolist()


def list_append(seq, value):
    seq.append(value)


def list_extend(seq, values):
    seq.extend(values)


def list_insert(seq, index, value):
    seq.insert(index, value)


def container_pop(container, *args):
    return container.pop(*args)


def dict_get(mapping, key, default=None):
    return mapping.get(key, default)


def dict_keys(mapping):
    """The keys of a dict, as a list (what `for k in d.items()` iterates over)."""
    return list(mapping.keys())


def dict_values(mapping):
    return mapping.values()


def dict_items(mapping):
    return mapping.items()


def sequence_index(seq, value, *args):
    return seq.index(value, *args)


def sequence_count(seq, value):
    return seq.count(value)


def concat(a, b):
    """`a + b` for lists and tuples."""
    return a + b


def repeat_sequence(a, b):
    """`a * n` or `n * a` for a list or tuple."""
    return a * b


def fit(t, like, batch=0):
    """A tangent broadcast up to the shape of the result `like` (after `batch` direction axes)."""
    shape = np.shape(like)
    tshape = np.shape(t)
    if tshape[batch:] == shape:
        return t
    missing = len(shape) - len(tshape) + batch
    if missing > 0:
        t = np.reshape(t, tshape[:batch] + (1,) * missing + tshape[batch:])
    return np.broadcast_to(t, tshape[:batch] + shape)


def log_nonzero(x):
    """log(x) where x != 0, else 0: the factor for d(x ** y)/dy, zero where x ** y is."""
    x = np.asarray(x)
    return np.log(np.where(x == 0, 1, x))


def tie_split(x, y):
    """1 where x > y, 1/2 where x == y, 0 elsewhere: how max(x, y) shares its derivative."""
    return (x > y) + 0.5 * (x == y)


def abs_slope(x, ans):
    """d|x|: the sign of x for real x; for complex x the transpose of the jvp's factor."""
    if np.iscomplexobj(x):
        return np.conj(x) / np.where(ans == 0, 1, ans)
    return np.sign(x)


def abs_jvp(dx, x, absx):
    if np.iscomplexobj(x):
        return np.real(np.conj(x) * dx) / np.where(absx == 0, 1, absx)
    return dx * np.sign(x)


from .shapes import *  # noqa: E402,F403 - shape helpers are part of the runtime namespace


def item_tangent(t, x, i, batch=0):
    """The tangent of `x[i]` when unpacking (`a, b = x`)."""
    if batch and isinstance(x, np.ndarray):
        return t[(slice(None),) * batch + (i,)]
    return t[i]


def setitem_tangent(dx, x, idx, dv, batch=0):
    """The tangent of `x` after `x[idx] = v`: a copy of `dx` with `dv` written at `idx`."""
    if isinstance(x, (list, dict)):
        out = type(x)(dx) if not isinstance(dx, type(None)) else zeros_like(x)
        out[idx] = dv if dv is not None else zeros_like(x[idx])
        return out
    shape = np.shape(dx)[:batch] + np.shape(x) if batch else np.shape(x)
    dtype = result_type(dx, dv) if dv is not None else result_type(dx)
    out = np.array(np.broadcast_to(dx, shape), dtype=dtype)
    out[index_with_batch(idx, batch)] = 0.0 if dv is None else dv
    return out


def direction_shape(t, x, batch):
    """The leading direction axes of the tangent `t` of `x`."""
    leaf, primal = t, x
    while isinstance(leaf, (list, tuple, dict)):
        if isinstance(leaf, dict):
            key = next(iter(leaf))
            leaf, primal = leaf[key], primal[key]
        else:
            leaf, primal = leaf[0], primal[0]
    return np.shape(leaf)[:batch]


def _spread_shape(b, g, x, batch, outer):
    gshape, xshape, bshape = np.shape(g), np.shape(x), np.shape(b)
    lead = bshape[: outer + batch]
    return lead + (1,) * (len(gshape) - batch - len(xshape)) + xshape


def broadcast_back(b, g, x, batch=0, outer=0):
    """Transpose of `unbroadcast(g, x, batch)`: spread `b` back to the shape of `g`."""
    spread = np.reshape(b, _spread_shape(b, g, x, batch, outer))
    return np.broadcast_to(spread, np.shape(b)[:outer] + np.shape(g))


def broadcast_back_vjp(c, b, g, x, batch=0, outer=0, inner=0):
    """Transpose of `broadcast_back` in `b` (`c` carries `inner` more leading axes)."""
    summed = sum_to_shape(c, _spread_shape(b, g, x, batch, outer), inner)
    return np.reshape(summed, np.shape(c)[:inner] + np.shape(b))


def getitem_batched(b, idx, batch=0):
    """`b[idx]` for a derivative `b` whose array leaves carry `batch` direction axes."""
    if isinstance(b, (list, tuple, dict)):
        return b[idx]
    return b[index_with_batch(idx, batch)]


def unpack_index(t, i, batch=0):
    return index_with_batch(i, batch) if isinstance(t, np.ndarray) else i


def unpack_parts(b, x, nb_=0):
    """Transpose of `pack_like`: the parts of the derivative `b` of a packed `x`."""
    if isinstance(x, np.ndarray):
        axis = np.ndim(b) - np.ndim(x)
        return [np.take(b, i, axis=axis) for i in range(len(x))]
    return list(b.values()) if isinstance(b, dict) else list(b)


# Jacobians: basis seeds and layouts (see srcad.drivers).
#
# `wrt` is what a Jacobian is taken with respect to: one argument (int argnums) or the tuple
# of the arguments (tuple argnums), as JAX has it. `wrt` and the output `out` are pytrees:
# arrays and numbers, or nested tuples, lists and dicts of them. Their leaves, in order
# (`_leaves`), number the n input directions and the m output rows; a Jacobian has `out`'s
# structure with, at each output leaf, `wrt`'s structure whose leaves are shaped
# ``(batch..., *out_leaf.shape, *in_leaf.shape)``. The derivatives handed to these helpers
# (tangents, cotangents, Jacobians) follow their primal's structure, so they are read through
# the primal (`_select`): a derivative dict may list its keys in another order. When neither
# `out` nor `wrt` is a container, each helper takes a fast path of one reshape: the benchmarks
# measure Jacobians of array functions.


def _plain(x) -> bool:
    """Whether `x` is one array or number (the fast path), not a pytree."""
    return type(x) is np.ndarray or isinstance(x, (numbers.Number, np.generic))


def _plain2(out, wrt) -> bool:
    """`_plain(out) and _plain(wrt)`, with the arrays' case first (it is the hot one)."""
    if type(out) is np.ndarray and type(wrt) is np.ndarray:
        return True
    return _plain(out) and _plain(wrt)


def _leaves(tree) -> list:
    """The leaves of a primal pytree, in order; refuse values that are not numeric."""
    kind = type(tree)
    if kind is dict:
        return [leaf for value in tree.values() for leaf in _leaves(value)]
    if kind is list or kind is tuple:
        return [leaf for value in tree for leaf in _leaves(value)]
    if not isinstance(tree, (np.ndarray, numbers.Number, np.generic)):
        what = "None" if tree is None else f"a {type(tree).__name__}"
        raise UnsupportedOperationError(
            f"srcad's Jacobians need arrays and numbers, in nested tuples, lists and dicts; "
            f"an output of the function, or an argument it is differentiated with respect "
            f"to, holds {what}",
            hint="keep other values out of the result and of the differentiated arguments, "
            "e.g. srcad.jacfwd(lambda x: f(x)[0]) to drop a non-numeric second result",
        )
    return [tree]


def _select(derivative, tree, axis=0) -> list:
    """The parts of `derivative` at the leaves of its primal `tree`, in `_leaves` order. A
    list's derivative may be one array (a numpy function's adjoint of the list it was
    given): its items lie along `axis`, after the direction axes."""
    kind = type(tree)
    if kind is dict:
        return [
            part for key, value in tree.items() for part in _select(derivative[key], value, axis)
        ]
    if kind is list or kind is tuple:
        if isinstance(derivative, np.ndarray):
            derivative = [np.take(derivative, i, axis=axis) for i in range(len(tree))]
        return [part for d, value in zip(derivative, tree) for part in _select(d, value, axis)]
    return [derivative]


def _rebuild(tree, parts):
    """`tree`'s structure with its leaves replaced, in order, by the iterator `parts`."""
    kind = type(tree)
    if kind is dict:
        return {key: _rebuild(value, parts) for key, value in tree.items()}
    if kind is list:
        return [_rebuild(value, parts) for value in tree]
    if kind is tuple:
        return tuple(_rebuild(value, parts) for value in tree)
    return next(parts)


def leading_shape(tree, batch):
    """The first `batch` axes of the first array leaf of `tree` (the direction axes)."""
    leaf = tree
    while isinstance(leaf, (list, tuple, dict)):
        leaf = next(iter(leaf.values())) if isinstance(leaf, dict) else leaf[0]
    return np.shape(leaf)[:batch]


def _size(x):
    return int(np.prod(np.shape(x), dtype=int))


def tree_size(tree) -> int:
    """How many numbers the pytree `tree` holds."""
    return sum(_size(leaf) for leaf in _leaves(tree))


def _dtype(x):
    dtype = result_type(x)
    return dtype if np.issubdtype(dtype, np.inexact) else np.dtype(np.float64)


def _along(a, axis, start, stop):
    """``a[..., start:stop, ...]`` with the slice on `axis`."""
    return a[(slice(None),) * axis + (slice(start, stop),)]


def basis_for(wrt):
    """A tangent of `wrt` whose leaves together are the identity over all n of its elements:
    each leaf has shape (n, *leaf.shape)."""
    if _plain(wrt):
        size = _size(wrt)
        return np.eye(size, dtype=_dtype(wrt)).reshape((size,) + np.shape(wrt))
    leaves = _leaves(wrt)
    n = sum(_size(x) for x in leaves)
    seeds, offset = [], 0
    for x in leaves:
        size = _size(x)
        seed = np.zeros((n, size), dtype=_dtype(x))
        seed[offset : offset + size] = np.eye(size, dtype=seed.dtype)
        seeds.append(seed.reshape((n,) + np.shape(x)))
        offset += size
    return _rebuild(wrt, iter(seeds))


def basis_like(out):
    """Cotangents for every element of `out`: leaves shaped (m, *leaf.shape), m elements."""
    if not _plain(out):
        return basis_for(out)
    m = _size(out)
    if np.ndim(out) == 1:
        from .diagonal import Diagonal

        return Diagonal(np.ones(m, dtype=_dtype(out)))  # the identity, kept diagonal
    return np.eye(m, dtype=_dtype(out)).reshape((m,) + np.shape(out))


def columns_to_jacobians(tangent_out, out, wrt, batch=0):
    """The tangent of `out` for `basis_for(wrt)` (leaves (batch..., n, *o.shape)) -> the
    Jacobian (leaves (batch..., *o.shape, *x.shape))."""
    if _plain2(out, wrt):
        lead = np.shape(tangent_out)[:batch]
        block = np.moveaxis(tangent_out, batch, -1)
        return np.reshape(block, lead + np.shape(out) + np.shape(wrt))
    inputs = _leaves(wrt)
    columns = []
    for t, o in zip(_select(tangent_out, out), _leaves(out)):
        lead = np.shape(t)[:batch]
        moved = np.moveaxis(t, batch, -1)  # (batch..., *o.shape, n)
        blocks, offset = [], 0
        for x in inputs:
            size = _size(x)
            block = moved if len(inputs) == 1 else moved[..., offset : offset + size]
            blocks.append(np.reshape(block, lead + np.shape(o) + np.shape(x)))
            offset += size
        columns.append(_rebuild(wrt, iter(blocks)))
    return _rebuild(out, iter(columns))


def jacobians_to_columns(jacobians, out, wrt, batch=0):
    """Transpose of `columns_to_jacobians`."""
    if _plain2(out, wrt):
        lead = np.shape(jacobians)[:batch]
        flat = np.reshape(jacobians, lead + np.shape(out) + (_size(wrt),))
        return np.concatenate([np.moveaxis(flat, -1, batch)], axis=batch)
    inputs = _leaves(wrt)
    columns = []
    for jac, o in zip(_select(jacobians, out), _leaves(out)):
        blocks = []
        for j, x in zip(_select(jac, wrt), inputs):
            lead = np.shape(j)[:batch]
            flat = np.reshape(j, lead + np.shape(o) + (_size(x),))
            blocks.append(np.moveaxis(flat, -1, batch))
        columns.append(np.concatenate(blocks, axis=batch))
    return _rebuild(out, iter(columns))


def rows_to_jacobians(grads, out, wrt, batch=0):
    """The adjoint of `wrt` for `basis_like(out)` (leaves (batch..., m, *x.shape)) -> the
    Jacobian (leaves (batch..., *o.shape, *x.shape))."""
    if _plain2(out, wrt):
        return np.reshape(grads, np.shape(grads)[:batch] + np.shape(out) + np.shape(wrt))
    inputs, outputs = _leaves(wrt), _leaves(out)
    parts = _select(grads, wrt, batch + 1)  # leaves (batch..., m, *x.shape)
    rows, offset = [], 0
    for o in outputs:
        size = _size(o)
        blocks = []
        for g, x in zip(parts, inputs):
            block = g if len(outputs) == 1 else _along(g, batch, offset, offset + size)
            blocks.append(np.reshape(block, np.shape(g)[:batch] + np.shape(o) + np.shape(x)))
        rows.append(_rebuild(wrt, iter(blocks)))
        offset += size
    return _rebuild(out, iter(rows))


def jacobians_to_rows(jacobians, out, wrt, batch=0):
    """Transpose of `rows_to_jacobians`."""
    if _plain2(out, wrt):
        m = _size(out)
        return np.reshape(jacobians, np.shape(jacobians)[:batch] + (m,) + np.shape(wrt))
    inputs = _leaves(wrt)
    per_output = [(_select(jac, wrt), o) for jac, o in zip(_select(jacobians, out), _leaves(out))]
    grads = []
    for i, x in enumerate(inputs):
        blocks = []
        for parts, o in per_output:
            j = parts[i]
            blocks.append(np.reshape(j, np.shape(j)[:batch] + (_size(o),) + np.shape(x)))
        grads.append(np.concatenate(blocks, axis=batch))
    return _rebuild(wrt, iter(grads))


def broadcast_batched(t, x, shape, batch=0):
    """`np.broadcast_to` for a tangent `t` of `x` with `batch` leading direction axes."""
    shape = tuple(shape) if isinstance(shape, (tuple, list)) else (shape,)
    lifted = lift(t, x, len(shape), batch)
    return np.broadcast_to(lifted, np.shape(t)[:batch] + shape)


def fit_vjp(b, t, like, batch=0, outer=0):
    """Transpose of `fit(t, like, batch)`: `b` (with `outer` more axes) summed to `t`'s shape."""
    return sum_to_shape(b, np.shape(t)[batch:], outer + batch)


def cross(fn, nb, position, *args):
    """`fn(*args)` where only `args[position]` carries `nb` leading direction axes.

    Bilinear helpers take both factors with the same direction axes; a nested transform
    can hand them one factor with directions and one without. This maps over the
    directions (a short Python loop over one primitive, never over the whole program).
    """
    if nb == 0:
        return fn(*args)
    batched = args[position]
    results = []
    for i in range(np.shape(batched)[0]):
        call = list(args)
        call[position] = batched[i]
        results.append(cross(fn, nb - 1, position, *call))
    return np.stack(results)


# Helpers of the rule families (each family owns one module).
from .helpers.elementwise import *  # noqa: E402,F403
from .helpers.fft import *  # noqa: E402,F403
from .helpers.linalg import *  # noqa: E402,F403
from .helpers.products import *  # noqa: E402,F403
from .helpers.reductions import *  # noqa: E402,F403
from .helpers.shape import *  # noqa: E402,F403

# List mutations: their derivatives (see srcad.transform.containers).


def drop_last(bl, count):
    return bl[: len(bl) - count]


def last_items(bl, count):
    return bl[len(bl) - count :]


def drop_at(bl, index):
    return bl[:index] + bl[index + 1 :]


def put_back(bl, seq, value_adjoint, index=None):
    """The adjoint of a list before `seq.pop(...)`: the popped value's adjoint put back."""
    out = list(bl)
    if index is None:
        out.append(value_adjoint)
    else:
        out.insert(index if index >= 0 else len(out) + 1 + index, value_adjoint)
    return out


def unpop_position(seq, index):
    """Where `seq.insert` puts back the value `seq.pop(index)` took out."""
    return index if index >= 0 else len(seq) + 1 + index


def pad_list(b, like, start):
    """Transpose of taking `len(b)` items at `start` of `like`: `b` in place, zeros around."""
    out = [zeros_like(v) for v in like]
    out[start : start + len(b)] = list(b)
    return out


def insert_zero(b, like, index):
    """Transpose of `drop_at`: a zero where the item was."""
    out = list(b)
    out.insert(index, zeros_like(like[index]))
    return out


def take_back(b, index=None):
    """Transpose of `put_back` in the list: the list without the value put back."""
    out = list(b)
    out.pop() if index is None else out.pop(index)
    return out


def taken_value(b, index=None):
    """Transpose of `put_back` in the value: the adjoint at the place it was put."""
    return b[-1] if index is None else b[index]


def list_slice(b, start, count):
    return list(b[start : start + count])


def one_hot_list(value, like, index=None):
    """Transpose of `taken_value`: zeros like `like`, `value` at the taken place."""
    out = [zeros_like(v) for v in like]
    out[-1 if index is None else index] = value
    return out


# Item assignment: what it overwrites, and the adjoint it leaves (see transform.reverse).


class _Missing:
    """What a dict held at a key it did not have yet."""

    def __repr__(self):
        return "MISSING"


MISSING = _Missing()


def copy_item(x, idx):
    """A copy of `x[idx]`, kept so that the backward sweep can put it back."""
    if isinstance(x, dict) and idx not in x:
        return MISSING
    item = x[idx]
    return np.array(item) if isinstance(x, np.ndarray) else item


def restore_item(x, idx, saved):
    """Undo `x[idx] = v`: put back what `copy_item` kept (for a new dict key, remove it)."""
    if saved is MISSING:
        del x[idx]
    else:
        x[idx] = saved


def zero_item(b, x, idx, batch=0):
    """The adjoint of `x` before `x[idx] = v`: that of after, with `idx` zeroed."""
    if isinstance(b, (list, dict)):
        out = type(b)(b)
        out[idx] = zeros_like(x[idx], np.shape(b[idx])[:batch] if batch else ())
        return out
    out = np.array(b)
    out[index_with_batch(idx, batch)] = 0
    return out


def surviving(items, x, idx, batch=0):
    """`items` (the adjoint of the values ``x[idx] = v`` writes, shaped like ``x[idx]``, after
    `batch` direction axes) where the write survives: an index that repeats a position writes
    it several times, and only the last write stays, so the others get a zero adjoint."""
    if not _is_fancy(idx) or not isinstance(x, np.ndarray):
        return items
    written = np.arange(x.size).reshape(x.shape)[idx]
    numbers = np.arange(written.size).reshape(written.shape)
    last = np.full(x.size, -1)
    last[written.ravel()] = numbers.ravel()  # numpy writes in this order: the last one stays
    keep = last[written] == numbers
    if keep.all():
        return items
    return items * keep


def to_sequence(t, x, kind, batch=0):
    """The tangent of `list(x)` or `tuple(x)`: one tangent per element of `x`."""
    if isinstance(x, np.ndarray):
        parts = [t[(slice(None),) * batch + (i,)] for i in range(len(x))]
    elif isinstance(x, dict):
        parts = [zeros_like(k) for k in x]
    else:
        parts = list(t)
    return kind(parts)


def from_sequence(b, x, batch=0):
    """The adjoint of `x` in `list(x)` or `tuple(x)`, given the list of adjoints `b`."""
    if isinstance(x, np.ndarray):
        return np.stack(list(b), axis=batch) if len(b) else zeros_like(x)
    if isinstance(x, dict):
        return zeros_like(x)
    if isinstance(x, (list, tuple)):
        return type(x)(b) if type(x) in (list, tuple) else type(x)(*b)
    return list(b)


# Sequences: + and * on lists and tuples, sum() of a sequence, dict.get (their derivatives).


def list_slice_as(b, like, start):
    """The part of the adjoint `b` of a concatenation that belongs to `like`."""
    part = list(b[start : start + len(like)])
    return type(like)(part) if type(like) in (list, tuple) else part


def fold_repeats(b, operand):
    """The adjoint of `seq` in `seq * n`: the adjoints of its copies, added (ints get none)."""
    if not isinstance(operand, (list, tuple)):
        return zeros_like(operand)
    n = len(operand)
    total = [zeros_like(v) for v in operand]
    for i, value in enumerate(b):
        total[i % n] = add(total[i % n], value)
    return type(operand)(total) if type(operand) in (list, tuple) else total


def unfold_repeats(g, b, operand):
    """Transpose of `fold_repeats(b, operand)`: each copy of `operand` in `b` gets its share."""
    if not isinstance(operand, (list, tuple)):
        return [zeros_like(v) for v in b]
    n = len(operand)
    return [g[i % n] for i in range(len(b))]


def repeat_tangent(ta, tb, a, b):
    """The tangent of `a * b` with one of them a list or tuple, the other a count."""
    return ta * b if isinstance(a, (list, tuple)) else a * tb


def spread_sum(g, iterable, batch=0):
    """The adjoint of each element in `sum(iterable)`."""
    if isinstance(iterable, np.ndarray):
        return np.broadcast_to(
            np.expand_dims(g, batch) if batch else g, np.shape(g)[:batch] + np.shape(iterable)
        )
    parts = [unbroadcast(g, v, batch) for v in iterable]
    return type(iterable)(parts) if type(iterable) in (list, tuple) else parts


def sum_sequence(t, iterable, batch=0):
    """The tangent of `sum(iterable)`."""
    if isinstance(iterable, np.ndarray):
        return np.sum(t, axis=batch)
    total = 0.0
    for v in t:
        total = total + v
    return total


def dict_get_vjp(g, mapping, key, batch=0):
    if key in mapping:
        return getitem_vjp(g, mapping, key, batch)
    return zeros_like(mapping)


def dict_get_vjp_t(b, g, mapping, key):
    """Transpose of `dict_get_vjp(g, mapping, key)`: the entry `key` of `b`, if it exists."""
    return b[key] if key in mapping else zeros_like(g)


def default_vjp(g, mapping, key):
    return zeros_like(g) if key in mapping else g


def fresh_residuals(residuals: tuple, arrays: bool = True) -> tuple:
    """Copies of the containers among `residuals`, and of the arrays if `arrays`.

    A backward sweep pops its tapes, the lists saved on them and the tapes inside a callee's
    residuals, and puts back array items in place: a vjp function called again, or a backward
    sweep differentiated again, needs them as the forward sweep left them. A container or
    array reachable twice is copied once (the sweep pops a list through one path and reads
    its length through another), and a view stays a view of its base's copy (v = y[1:] sees
    the items put back in y)."""
    memo: dict[int, object] = {}
    return tuple(_fresh_containers(r, memo, arrays) for r in residuals)


def _fresh_containers(value, memo: dict, arrays: bool):
    kind = type(value)
    if arrays and kind is np.ndarray:
        copied = memo.get(id(value))
        if copied is None:
            copied = memo[id(value)] = _copy_array(value, memo)
        return copied
    if kind is not list and kind is not tuple and kind is not dict:
        return value
    copied = memo.get(id(value))
    if copied is not None:
        return copied
    if kind is list:
        copied = memo[id(value)] = []  # registered first: a list may contain itself
        copied.extend(_fresh_containers(v, memo, arrays) for v in value)
    elif kind is tuple:
        copied = memo[id(value)] = tuple(_fresh_containers(v, memo, arrays) for v in value)
    else:
        copied = memo[id(value)] = {}
        copied.update((k, _fresh_containers(v, memo, arrays)) for k, v in value.items())
    return copied


def _copy_array(a: np.ndarray, memo: dict) -> np.ndarray:
    """A copy of `a`; if `a` is a view, the same view of one copy of its base, so that views
    among the residuals (v = y[1:]) still see the items the backward sweep puts back in y."""
    root = a
    while isinstance(root.base, np.ndarray):
        root = root.base
    if root is a:
        return a.copy(order="K")
    new_root = memo.get(id(root))
    if new_root is None:
        new_root = memo[id(root)] = root.copy(order="K")
    offset = a.__array_interface__["data"][0] - root.__array_interface__["data"][0]
    try:
        return np.ndarray(a.shape, a.dtype, buffer=new_root, offset=offset, strides=a.strides)
    except (TypeError, ValueError, BufferError):
        return a.copy()  # a base numpy will not lend its buffer: the view is lost, rarely
