"""Helpers that generated code calls at run time.

Generated code refers to this module as ``srcad_rt`` (or a fresh name if the user's function
already uses that one). Every helper is small and has derivative rules of its own
(`srcad.rules.runtime_rules`), so that generated code can itself be differentiated.

Conventions: an adjoint or tangent has the structure of its primal (arrays for arrays, lists
for lists, tuples for tuples, dicts for dicts) with ``nb`` extra leading direction axes on
every array leaf; zero derivatives are materialized by `zeros_like`.
"""

from __future__ import annotations

import functools
import numbers

import numpy as np

from .arrays import asarray as _asarray
from .arrays import is_foreign as _is_foreign
from .arrays import like as _like
from .dtypes import result_type
from .errors import NonScalarOutputError
from .helpers.batching import *  # noqa: F403
from .helpers.containers import *  # noqa: F403 - the runtime namespace gathers the helpers
from .helpers.core import *  # noqa: F403
from .helpers.core import index_with_batch, sum_to_shape, zeros_like
from .helpers.elementwise import *  # noqa: F403
from .helpers.fft import *  # noqa: F403
from .helpers.jacobians import *  # noqa: F403
from .helpers.linalg import *  # noqa: F403
from .helpers.products import *  # noqa: F403
from .helpers.random import *  # noqa: F403
from .helpers.reductions import *  # noqa: F403
from .helpers.revolve import checkpoint_plan  # noqa: F401 - checkpointed loops' schedule
from .helpers.shape import *  # noqa: F403
from .shapes import *  # noqa: F403


def closure(fn, captured):
    """A nested function or lambda used as a value (`srcad.normalize.closures`), or a
    ``functools.partial(fn, *captured)``: the function with the values it captured first.
    It is a record of (code, values): its derivative is the tuple of the derivatives of
    `captured` (`srcad.rules.runtime_rules`), which a call through it differentiates too
    (`srcad.build.dispatch`)."""
    return functools.partial(fn, *captured)


closure.__srcad_record__ = True  # type: ignore[attr-defined]


def captured(f):
    """The values a function value holds, as a tuple whose derivative is the function
    value's own (a partial's positional arguments, a record's values (`__srcad_record__`,
    e.g. the pullback of srcad.vjp inside differentiated code); () for anything else)."""
    if type(f) is functools.partial:
        return tuple(f.args)
    record = getattr(type(f), "__srcad_record__", None)
    return record(f)[1] if record is not None else ()


def real_output(y):
    """`y` itself, if it is a real array or number: what a pullback differentiated inside
    differentiated code takes the inner product of with its cotangent."""
    if isinstance(y, (float, int, np.floating, np.integer)) and not isinstance(y, bool):
        return y
    if (isinstance(y, np.ndarray) or _is_foreign(y)) and y.dtype.kind in "fiu":
        return y  # a Dask or CuPy array too: nothing is computed here
    from .errors import UnsupportedOperationError

    raise UnsupportedOperationError(
        "srcad differentiates the pullback of srcad.vjp inside differentiated code only "
        f"for a function returning one real array, not {type(y).__name__}",
        hint="call srcad.grad of a scalar function (np.sum(f(x) * v)) instead",
    )


class Code:
    """What a call through a function value runs, apart from the values it holds: the
    function, how many leading values it takes from them (`captured`), and the keywords a
    partial fixed (constants: a partial made in differentiated code has none). Equal for
    equal (function, count, keyword names), so a dispatch site's cache finds it again."""

    __slots__ = ("func", "count", "keywords")

    def __init__(self, func, count: int, keywords: dict):
        self.func, self.count, self.keywords = func, count, keywords

    def __eq__(self, other):
        return (
            type(other) is Code
            and other.func is self.func
            and other.count == self.count
            and tuple(other.keywords) == tuple(self.keywords)
            and all(other.keywords[k] is v for k, v in self.keywords.items())
        )

    def __hash__(self):
        return hash((id(self.func), self.count, tuple(self.keywords)))

    def __repr__(self):
        return f"Code({self.func!r}, {self.count})"


def code_of(f) -> Code:
    """The `Code` of a function value: a partial's function, or the callable itself."""
    if type(f) is functools.partial:
        return Code(f.func, len(f.args), dict(f.keywords))
    record = getattr(type(f), "__srcad_record__", None)
    if record is not None:
        func, values = record(f)
        return Code(func, len(values), {})
    return Code(f, 0, {})


def scalar_seed(y):
    """The cotangent 1.0 for `grad`, after checking that the output is a real scalar."""
    if type(y) is float:
        return 1.0
    dtype = getattr(y, "dtype", None)
    if dtype is not None and getattr(y, "ndim", 1) == 0 and dtype.kind == "f":
        if _is_foreign(y):
            # A lazy (Dask) or device (CuPy) scalar: the adjoints it seeds stay in its library
            return np.ones_like(y)
        return dtype.type(1.0)
    if (
        isinstance(y, (bool, np.bool_))
        or not (isinstance(y, (numbers.Number, np.ndarray)) or _is_foreign(y))
        or (np.ndim(y) != 0)
    ):
        if isinstance(y, np.ndarray) or _is_foreign(y):
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


def astype(x, dtype):
    return _asarray(x).astype(dtype)


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
    return _asarray(g).astype(dtype)


def astype_jvp(dx, dtype):
    if not np.issubdtype(np.dtype(dtype), np.inexact):
        return np.zeros(np.shape(dx))
    return _asarray(dx).astype(dtype)


# Container and scalar methods. Generated primal code calls the methods as the user wrote
# them; these functions give each method an identity that derivative rules attach to.


def log_nonzero(x):
    """log(x) where x != 0, else 0: the factor for d(x ** y)/dy, zero where x ** y is."""
    x = _asarray(x)
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


def setitem_tangent(dx, x, idx, dv, batch=0):
    """The tangent of `x` after `x[idx] = v`: a copy of `dx` with `dv` written at `idx`."""
    if isinstance(x, (list, dict)):
        out = type(x)(dx) if not isinstance(dx, type(None)) else zeros_like(x)
        out[idx] = dv if dv is not None else zeros_like(x[idx])
        return out
    shape = np.shape(dx)[:batch] + np.shape(x) if batch else np.shape(x)
    dtype = result_type(dx, dv) if dv is not None else result_type(dx)
    like = _like(dx, dv, x)
    if like is None:
        out = np.array(np.broadcast_to(dx, shape), dtype=dtype)
    else:  # a new array in their library (Dask, CuPy), written below
        out = np.zeros_like(like, dtype=dtype, shape=shape) + dx
    index = index_with_batch(idx, batch)
    if batch and dv is not None:
        # `v` broadcasts into the indexed region after the direction axes, not against them
        missing = np.ndim(out[index]) - np.ndim(dv)
        if missing > 0:
            dshape = np.shape(dv)
            dv = np.reshape(dv, dshape[:batch] + (1,) * missing + dshape[batch:])
    out[index] = 0.0 if dv is None else dv
    return out


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


def unpack_index(t, i, batch=0):
    return index_with_batch(i, batch) if isinstance(t, np.ndarray) else i


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
from .helpers.fft import *  # noqa: E402,F403
from .helpers.products import *  # noqa: E402,F403
from .helpers.shape import *  # noqa: E402,F403

# List mutations: their derivatives (see srcad.transform.containers).


# Item assignment: what it overwrites, and the adjoint it leaves (see transform.reverse).


# Sequences: + and * on lists and tuples, sum() of a sequence, dict.get (their derivatives).


class CellRef:
    """A closure cell of the user's that the differentiated function writes (``nonlocal``):
    generated code reads and writes it through `read_cell` and `write_cell`."""

    def __init__(self, cell):
        self.cell = cell


def read_cell(ref: CellRef):
    """The value the cell holds now."""
    return ref.cell.cell_contents


def write_cell(ref: CellRef, value) -> None:
    """Store `value` in the cell, as the user's ``nonlocal`` assignment does."""
    ref.cell.cell_contents = value
