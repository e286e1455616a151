"""How Jacobians are laid out, as JAX lays them out (re-exported by srcad.runtime).

`jacfwd` builds a batch of basis tangents (`basis_for`) and runs the vectorized jvp once;
`jacrev` builds a batch of basis cotangents (`basis_like`) and runs the vectorized vjp once.
The results are laid out with the output's structure outside and the argument's inside, leaves
``out_leaf.shape + in_leaf.shape`` (`columns_to_jacobians`, `rows_to_jacobians`), and back
(`jacobians_to_columns`, `jacobians_to_rows`), which their own rules need.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from .. import pytree
from ..arrays import is_foreign
from ..diagonal import Diagonal
from ..dtypes import result_type
from ..errors import ComplexDerivativeError, NonScalarOutputError, UnsupportedOperationError


def direction_shape(t, x, batch):
    """The leading direction axes of the tangent `t` of `x` (a pytree: its first leaf's).

    A tangent without leaves (the empty residuals of a linear helper's backward function)
    has no direction axes to read; its derivative is zero, and its zeros get none."""
    leaf = _first_leaf(t)
    return () if leaf is None else np.shape(leaf)[:batch]


def _first_leaf(t):
    if isinstance(t, dict):
        t = list(t.values())
    if isinstance(t, (list, tuple)):
        for item in t:
            leaf = _first_leaf(item)
            if leaf is not None:
                return leaf
        return None
    return t


def _plain(x) -> bool:
    """Whether `x` is one array or number (the fast path), not a pytree."""
    return type(x) is np.ndarray or isinstance(x, (numbers.Number, np.generic))


def _plain2(out, wrt) -> bool:
    """`_plain(out) and _plain(wrt)`, with the arrays' case first (it is the hot one)."""
    if type(out) is np.ndarray and type(wrt) is np.ndarray:
        return True
    return _plain(out) and _plain(wrt)


def _leaves(tree) -> list:
    """The leaves of a primal pytree, in `srcad.pytree` order; refuse values that are not
    numeric."""
    leaves = pytree.leaves(tree)
    for leaf in leaves:
        if is_foreign(leaf):
            raise UnsupportedOperationError(
                f"srcad's Jacobians are laid out in numpy arrays; an output of the function, "
                f"or an argument it is differentiated with respect to, is an array of "
                f"{type(leaf).__module__.split('.')[0]} ({type(leaf).__name__})",
                hint="pass numpy arrays to jacfwd, jacrev, jacobian and hessian; grad, vjp "
                "and jvp keep Dask and CuPy arrays in their library",
            )
        if not isinstance(leaf, (np.ndarray, numbers.Number, np.generic)):
            raise UnsupportedOperationError(
                f"srcad's Jacobians need arrays and numbers, in nested tuples, lists and "
                f"dicts (pytrees); an output of the function, or an argument it is "
                f"differentiated with respect to, holds a {type(leaf).__name__}",
                hint="keep other values out of the result and of the differentiated "
                "arguments, e.g. srcad.jacfwd(lambda x: f(x)[0]) to drop a non-numeric "
                "second result",
            )
    return leaves


def _select(derivative, tree, axis=0) -> list:
    """The parts of `derivative` at the leaves of its primal `tree`, in `_leaves` order. A
    list's derivative may be one array (a numpy function's adjoint of the list it was
    given): its items lie along `axis`, after the direction axes. A dict's derivative is
    read by key, any other node's by position."""
    if not pytree.is_node(tree):
        return [derivative]
    pairs = pytree.items(tree)
    if isinstance(derivative, np.ndarray) and not isinstance(tree, dict):
        derivative = [np.take(derivative, i, axis=axis) for i in range(len(pairs))]
    elif not isinstance(derivative, (list, tuple, dict)):
        derivative = pytree.children(derivative)  # a derivative of a registered node type
    return [part for k, value in pairs for part in _select(derivative[k], value, axis)]


def _rebuild(tree, parts):
    """`tree`'s structure with its leaves replaced, in order, by the iterator `parts`."""
    return pytree.flatten(tree)[1].unflatten(parts) if pytree.is_node(tree) else next(parts)


def leading_shape(tree, batch):
    """The first `batch` axes of the first array leaf of `tree` (the direction axes)."""
    leaf = tree
    while isinstance(leaf, (list, tuple, dict)):
        leaf = next(iter(leaf.values())) if isinstance(leaf, dict) else leaf[0]
    return np.shape(leaf)[:batch]


def _size(x):
    return int(math.prod(np.shape(x)))  # math.prod: np.prod's dispatch costs 10 us a call


def tree_size(tree) -> int:
    """How many numbers the pytree `tree` holds."""
    return sum(_size(leaf) for leaf in _leaves(tree))


def _dtype(x):
    if type(x) is np.ndarray and x.dtype.kind in "fc":
        return x.dtype  # the common case, kept cheap
    dtype = result_type(x)
    return dtype if np.issubdtype(dtype, np.inexact) else np.dtype(np.float64)


def _describe(out) -> str:
    if isinstance(out, np.ndarray):
        return f"an array of shape {out.shape}"
    return f"a {type(out).__name__}"


def _along(a, axis, start, stop):
    """``a[..., start:stop, ...]`` with the slice on `axis`."""
    return a[(slice(None),) * axis + (slice(start, stop),)]


def _complex_leaves(tree) -> list:
    return [np.iscomplexobj(leaf) for leaf in _leaves(tree)]


def check_complex(tree, holomorphic: bool, what: str, transform: str) -> None:
    """JAX's rule for complex values in Jacobians: a complex input (jacfwd) or output (jacrev,
    grad) needs holomorphic=True, and holomorphic=True needs complex ones."""
    flags = _complex_leaves(tree)
    if holomorphic and not all(flags):
        raise ComplexDerivativeError(
            f"{transform} with holomorphic=True needs complex {what}s, but an {what} of the "
            "function is real",
            hint=f"make the {what} complex (x.astype(complex)), or drop holomorphic=True",
        )
    if not holomorphic and any(flags):
        raise ComplexDerivativeError(
            f"{transform} of a function with a complex {what} needs holomorphic=True (as in "
            "JAX): only a holomorphic function has a complex Jacobian",
            hint="pass holomorphic=True if the function is holomorphic (srcad then checks "
            "that it is, at the point); for one that is not (abs, conj, real, angle), use "
            "srcad.jvp or srcad.vjp, or differentiate with respect to the real and "
            "imaginary parts",
        )


def basis_for(wrt, holomorphic=False):
    """A tangent of `wrt` whose leaves together are the identity over all n of its elements:
    each leaf has shape (n, *leaf.shape). Complex inputs need `holomorphic` (`check_complex`)."""
    if type(wrt) is np.ndarray and wrt.ndim == 1 and wrt.dtype.kind == "f" and not holomorphic:
        return Diagonal.identity(wrt.shape[0], wrt.dtype)  # the common case, kept cheap
    if type(wrt) is not np.ndarray or wrt.dtype.kind == "c" or holomorphic:
        check_complex(wrt, holomorphic, "input", "jacfwd")
    if _plain(wrt):
        size = _size(wrt)
        if np.ndim(wrt) == 1:
            # the identity, kept diagonal: its first matrix product is a copy, not a product
            return Diagonal.identity(size, _dtype(wrt))
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


def basis_like(out, holomorphic=False, transform="jacrev"):
    """Cotangents for every element of `out`: leaves shaped (m, *leaf.shape), m elements. A
    complex output needs `holomorphic` (`check_complex`); `grad`'s, a scalar one."""
    if type(out) is not np.ndarray or out.dtype.kind == "c" or holomorphic:
        check_complex(out, holomorphic, "output", transform)
    if transform == "grad" and (not _plain(out) or np.ndim(out) != 0):
        raise NonScalarOutputError(
            f"grad with holomorphic=True needs a function that returns a complex scalar, "
            f"but it returned {_describe(out)}",
            hint="use srcad.jacrev(f, holomorphic=True) for non-scalar outputs",
        )
    if not _plain(out):
        return basis_for(out)
    m = _size(out)
    if np.ndim(out) == 1:
        return Diagonal.identity(m, _dtype(out))  # the identity, kept diagonal
    return np.eye(m, dtype=_dtype(out)).reshape((m,) + np.shape(out))


def _with_directions(t, o, batch, n):
    """The tangent `t` of the output leaf `o`, with its axis of n directions. A tangent
    without it is a zero made where no tangent leaf showed the directions (a callee whose
    differentiated arguments hold no array, as None residuals): zeros of the full shape."""
    if np.ndim(t) != batch + np.ndim(o):
        return t
    return np.zeros(np.shape(t)[:batch] + (n,) + np.shape(o), dtype=_dtype(t))


def columns_to_jacobians(tangent_out, out, wrt, batch=0):
    """The tangent of `out` for `basis_for(wrt)` (leaves (batch..., n, *o.shape)) -> the
    Jacobian (leaves (batch..., *o.shape, *x.shape))."""
    if _plain2(out, wrt):
        tangent_out = _with_directions(tangent_out, out, batch, _size(wrt))
        if batch == 0 and type(tangent_out) is np.ndarray and tangent_out.ndim == 2:
            if np.ndim(out) == 1 and np.ndim(wrt) == 1:  # a vector's Jacobian: np.moveaxis's .T
                return tangent_out.T
        lead = np.shape(tangent_out)[:batch]
        block = np.moveaxis(tangent_out, batch, -1)
        return np.reshape(block, lead + np.shape(out) + np.shape(wrt))
    inputs = _leaves(wrt)
    columns = []
    n = sum(_size(x) for x in inputs)
    for t, o in zip(_select(tangent_out, out), _leaves(out)):
        t = _with_directions(t, o, batch, n)
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
