"""Rules for numpy's shape and indexing functions.

Every function here is linear in its array arguments, so a jvp applies the function itself to
the tangents and a vjp applies its transpose. With direction axes (``nb == 1``) the same
numpy call works after shifting non-negative axes by ``nb`` (`rt.batch_axes`), or, where the
function flattens or cannot be told to skip the leading axes, through an index map: the
function applied to `rt.positions(x)` says which input element lands where, `rt.gather`
moves a derivative that way and `rt.scatter` moves an adjoint back (summing elements copied
more than once). Functions that select elements by value (sort, partition) differentiate
through the permutation they applied, as JAX does (a stable sort at ties).

The helpers (srcad/helpers/shape.py) have rules of their own at the end of this module.
This module holds reshapes, axis order and broadcasting; importing it registers the rest of
the family too: `srcad.rules.numpy_arrays` (joins, splits, copies, selections, diagonals,
np.select, np.array and its kin).
"""

from __future__ import annotations

import numpy as np

from .. import runtime as rt
from .template import d, facts, jvp_rule, nb, nondiff, optional, returns, static, vjp_rule

nondiff(
    np.argpartition,
    np.lexsort,
    np.unravel_index,
    np.ravel_multi_index,
    np.diag_indices,
    np.diag_indices_from,
    np.tril_indices,
    np.triu_indices,
    np.tril_indices_from,
    np.triu_indices_from,
    rt.batch_axes,
    rt.positions,
    rt.reshape_positions,
    rt.sort_positions,
    rt.partition_positions,
    rt.pad_positions,
    rt.pad_codes,
    rt.meshgrid_positions,
)

# numpy >= 2 returns tuples from these; numpy 1.26 returned lists.
_SEQUENCE = "tuple" if isinstance(np.broadcast_arrays(np.zeros(1)), tuple) else "list"
returns("list", np.split, np.array_split, np.hsplit, np.vsplit, np.dsplit)
returns(_SEQUENCE, np.broadcast_arrays)
returns("tuple" if isinstance(np.meshgrid(np.zeros(1)), tuple) else "list", np.meshgrid)

# ----------------------------------------------------------------------------- reshapes


@vjp_rule(np.reshape, linear=("a",), aliases={"newshape": "shape"})
def _(ans, a, shape, order="C"):
    if static(nb == 0 and order == "C"):
        d[a] = np.reshape(d[ans], np.shape(a))
    elif static(nb == 0 and order == "F"):
        d[a] = np.reshape(d[ans], np.shape(a), order="F")
    elif static(order == "C"):
        d[a] = rt.reshape_batched(d[ans], np.shape(a), nb)
    else:  # the index order may depend on a's memory layout ("A")
        d[a] = rt.scatter(d[ans], rt.reshape_positions(a, shape, order), np.shape(a), nb)


@jvp_rule(np.reshape, linear=("a",), aliases={"newshape": "shape"})
def _(ans, a, shape, order="C"):
    if static(nb == 0 and order == "C"):
        d[ans] = np.reshape(d[a], np.shape(ans))
    elif static(nb == 0 and order == "F"):
        d[ans] = np.reshape(d[a], np.shape(ans), order="F")
    elif static(order == "C"):
        d[ans] = rt.reshape_batched(d[a], np.shape(ans), nb)
    else:
        d[ans] = rt.gather(d[a], rt.reshape_positions(a, shape, order), nb)


@vjp_rule(np.ravel, linear=("a",))
def _(ans, a, order="C"):
    if static(nb == 0 and order == "C"):
        d[a] = np.reshape(d[ans], np.shape(a))
    elif static(nb == 0 and order == "F"):
        d[a] = np.reshape(d[ans], np.shape(a), order="F")
    elif static(order == "C"):
        d[a] = rt.reshape_batched(d[ans], np.shape(a), nb)
    else:  # "A" and "K" follow a's memory layout, not the adjoint's
        d[a] = rt.scatter(d[ans], rt.reshape_positions(a, -1, order), np.shape(a), nb)


@jvp_rule(np.ravel, linear=("a",))
def _(ans, a, order="C"):
    if static(nb == 0 and order == "C"):
        d[ans] = np.ravel(d[a])
    elif static(nb == 0 and order == "F"):
        d[ans] = np.ravel(d[a], order="F")
    elif static(order == "C"):
        d[ans] = rt.reshape_batched(d[a], np.shape(ans), nb)
    else:
        d[ans] = rt.gather(d[a], rt.reshape_positions(a, -1, order), nb)


@vjp_rule(np.expand_dims, linear=("a",))
def _(ans, a, axis):
    if static(nb == 0):
        d[a] = np.reshape(d[ans], np.shape(a))
    else:
        d[a] = rt.reshape_batched(d[ans], np.shape(a), nb)


@jvp_rule(np.expand_dims, linear=("a",))
def _(ans, a, axis):
    if static(nb == 0):
        d[ans] = np.expand_dims(d[a], axis)
    else:
        d[ans] = rt.reshape_batched(d[a], np.shape(ans), nb)


@vjp_rule(np.squeeze, linear=("a",))
def _(ans, a, axis=None):
    if static(nb == 0):
        d[a] = np.reshape(d[ans], np.shape(a))
    else:
        d[a] = rt.reshape_batched(d[ans], np.shape(a), nb)


@jvp_rule(np.squeeze, linear=("a",))
def _(ans, a, axis=None):
    if static(nb == 0 and axis is None):
        d[ans] = np.squeeze(d[a])
    elif static(nb == 0):
        d[ans] = np.squeeze(d[a], axis=axis)
    else:
        d[ans] = rt.reshape_batched(d[a], np.shape(ans), nb)


# np.atleast_1d(x) and friends with one argument (several arguments return a tuple).


@vjp_rule(np.atleast_1d, linear=("ary",))
def _(ans, ary):
    if static(nb == 0):
        d[ary] = np.reshape(d[ans], np.shape(ary))
    else:
        d[ary] = rt.reshape_batched(d[ans], np.shape(ary), nb)


@jvp_rule(np.atleast_1d, linear=("ary",))
def _(ans, ary):
    if static(nb == 0):
        d[ans] = np.atleast_1d(d[ary])
    else:
        d[ans] = rt.reshape_batched(d[ary], np.shape(ans), nb)


@vjp_rule(np.atleast_2d, linear=("ary",))
def _(ans, ary):
    if static(nb == 0):
        d[ary] = np.reshape(d[ans], np.shape(ary))
    else:
        d[ary] = rt.reshape_batched(d[ans], np.shape(ary), nb)


@jvp_rule(np.atleast_2d, linear=("ary",))
def _(ans, ary):
    if static(nb == 0):
        d[ans] = np.atleast_2d(d[ary])
    else:
        d[ans] = rt.reshape_batched(d[ary], np.shape(ans), nb)


@vjp_rule(np.atleast_3d, linear=("ary",))
def _(ans, ary):
    if static(nb == 0):
        d[ary] = np.reshape(d[ans], np.shape(ary))
    else:
        d[ary] = rt.reshape_batched(d[ans], np.shape(ary), nb)


@jvp_rule(np.atleast_3d, linear=("ary",))
def _(ans, ary):
    if static(nb == 0):
        d[ans] = np.atleast_3d(d[ary])
    else:
        d[ans] = rt.reshape_batched(d[ary], np.shape(ans), nb)


# ----------------------------------------------------------------------------- axis order


@vjp_rule(np.transpose, linear=("a",))
def _(ans, a, axes=None):
    if static(nb == 0 and axes is None):
        d[a] = np.transpose(d[ans])
    else:
        d[a] = rt.transpose_batched(
            d[ans], rt.inverse_permutation(axes, np.ndim(a)), np.ndim(a), nb
        )


@jvp_rule(np.transpose, linear=("a",))
def _(ans, a, axes=None):
    if static(nb == 0 and axes is None):
        d[ans] = np.transpose(d[a])
    elif static(nb == 0):
        d[ans] = np.transpose(d[a], axes)
    else:
        d[ans] = rt.transpose_batched(d[a], axes, np.ndim(a), nb)


@vjp_rule(np.moveaxis, linear=("a",))
def _(ans, a, source, destination):
    if static(nb == 0):
        d[a] = np.moveaxis(d[ans], destination, source)
    else:
        d[a] = np.moveaxis(
            d[ans],
            rt.batch_axes(destination, np.ndim(a), nb),
            rt.batch_axes(source, np.ndim(a), nb),
        )


@jvp_rule(np.moveaxis, linear=("a",))
def _(ans, a, source, destination):
    if static(nb == 0):
        d[ans] = np.moveaxis(d[a], source, destination)
    else:
        d[ans] = np.moveaxis(
            d[a], rt.batch_axes(source, np.ndim(a), nb), rt.batch_axes(destination, np.ndim(a), nb)
        )


@vjp_rule(np.swapaxes, linear=("a",))
def _(ans, a, axis1, axis2):
    if static(nb == 0):
        d[a] = np.swapaxes(d[ans], axis1, axis2)
    else:
        d[a] = np.swapaxes(
            d[ans], rt.batch_axes(axis1, np.ndim(a), nb), rt.batch_axes(axis2, np.ndim(a), nb)
        )


@jvp_rule(np.swapaxes, linear=("a",))
def _(ans, a, axis1, axis2):
    if static(nb == 0):
        d[ans] = np.swapaxes(d[a], axis1, axis2)
    else:
        d[ans] = np.swapaxes(
            d[a], rt.batch_axes(axis1, np.ndim(a), nb), rt.batch_axes(axis2, np.ndim(a), nb)
        )


@vjp_rule(np.rollaxis, linear=("a",))
def _(ans, a, axis, start=0):
    d[a] = rt.scatter(d[ans], np.rollaxis(rt.positions(a), axis, start), np.shape(a), nb)


@jvp_rule(np.rollaxis, linear=("a",))
def _(ans, a, axis, start=0):
    if static(nb == 0):
        d[ans] = np.rollaxis(d[a], axis, start)
    else:
        d[ans] = rt.gather(d[a], np.rollaxis(rt.positions(a), axis, start), nb)


# np.matrix_transpose (numpy >= 2): the last two axes, so nb needs nothing.
@vjp_rule(optional(np, "matrix_transpose"), linear=("x",))
def _(ans, x):
    d[x] = np.matrix_transpose(d[ans])


@jvp_rule(optional(np, "matrix_transpose"), linear=("x",))
def _(ans, x):
    d[ans] = np.matrix_transpose(d[x])


@vjp_rule(np.rot90, linear=("m",))
def _(ans, m, k=1, axes=(0, 1)):
    if static(nb == 0):
        d[m] = np.rot90(d[ans], -k, axes)
    else:
        d[m] = np.rot90(d[ans], -k, rt.batch_axes(axes, np.ndim(m), nb))


@jvp_rule(np.rot90, linear=("m",))
def _(ans, m, k=1, axes=(0, 1)):
    if static(nb == 0):
        d[ans] = np.rot90(d[m], k, axes)
    else:
        d[ans] = np.rot90(d[m], k, rt.batch_axes(axes, np.ndim(m), nb))


@vjp_rule(np.flip, linear=("m",))
def _(ans, m, axis=None):
    if static(nb == 0):
        d[m] = np.flip(d[ans], axis)
    else:
        d[m] = np.flip(d[ans], rt.batch_axes(axis, np.ndim(m), nb))


@jvp_rule(np.flip, linear=("m",))
def _(ans, m, axis=None):
    if static(nb == 0):
        d[ans] = np.flip(d[m], axis)
    else:
        d[ans] = np.flip(d[m], rt.batch_axes(axis, np.ndim(m), nb))


@vjp_rule(np.flipud, linear=("m",))
def _(ans, m):
    if static(nb == 0):
        d[m] = np.flipud(d[ans])
    else:
        d[m] = np.flip(d[ans], nb)


@jvp_rule(np.flipud, linear=("m",))
def _(ans, m):
    if static(nb == 0):
        d[ans] = np.flipud(d[m])
    else:
        d[ans] = np.flip(d[m], nb)


@vjp_rule(np.fliplr, linear=("m",))
def _(ans, m):
    if static(nb == 0):
        d[m] = np.fliplr(d[ans])
    else:
        d[m] = np.flip(d[ans], nb + 1)


@jvp_rule(np.fliplr, linear=("m",))
def _(ans, m):
    if static(nb == 0):
        d[ans] = np.fliplr(d[m])
    else:
        d[ans] = np.flip(d[m], nb + 1)


@vjp_rule(np.roll, linear=("a",))
def _(ans, a, shift, axis=None):
    if static(nb == 0 and -shift == -shift):  # shift is a constant number: negate it here
        d[a] = np.roll(d[ans], -shift, axis)
    elif static(nb == 0):
        d[a] = np.roll(d[ans], np.negative(shift), axis)
    else:  # axis=None rolls the flattened array: not a roll of the batched one
        d[a] = rt.scatter(d[ans], np.roll(rt.positions(a), shift, axis), np.shape(a), nb)


@jvp_rule(np.roll, linear=("a",))
def _(ans, a, shift, axis=None):
    if static(nb == 0):
        d[ans] = np.roll(d[a], shift, axis)
    else:
        d[ans] = rt.gather(d[a], np.roll(rt.positions(a), shift, axis), nb)


# ----------------------------------------------------------------------------- broadcasting


@vjp_rule(np.broadcast_to, linear=("array",))
def _(ans, array, shape):
    d[array] = rt.unbroadcast(d[ans], array, nb)


@jvp_rule(np.broadcast_to, linear=("array",))
def _(ans, array, shape):
    if static(nb == 0):
        d[ans] = np.broadcast_to(d[array], shape)
    else:
        d[ans] = rt.broadcast_batched(d[array], array, shape, nb)


# np.broadcast_arrays(*args): up to three arguments (a template names its parameters).


@vjp_rule(np.broadcast_arrays, linear=("a0", "a1", "a2"))
def _(ans, a0, a1=None, a2=None):
    d[a0] = rt.unbroadcast(d[ans][0], a0, nb)
    d[a1] = rt.unbroadcast(d[ans][1], a1, nb)
    d[a2] = rt.unbroadcast(d[ans][2], a2, nb)


@jvp_rule(np.broadcast_arrays, linear=("a0", "a1", "a2"))
def _(ans, a0, a1=None, a2=None):
    if static(nb == 0 and a1 is None):
        d[ans] = np.broadcast_arrays(d[a0])
    elif static(nb == 0 and a2 is None):
        d[ans] = np.broadcast_arrays(d[a0], d[a1])
    elif static(nb == 0):
        d[ans] = np.broadcast_arrays(d[a0], d[a1], d[a2])
    elif static(a1 is None):
        d[ans] = (rt.broadcast_batched(d[a0], a0, np.shape(ans[0]), nb),)
    elif static(a2 is None):
        d[ans] = (
            rt.broadcast_batched(d[a0], a0, np.shape(ans[0]), nb),
            rt.broadcast_batched(d[a1], a1, np.shape(ans[0]), nb),
        )
    else:
        d[ans] = (
            rt.broadcast_batched(d[a0], a0, np.shape(ans[0]), nb),
            rt.broadcast_batched(d[a1], a1, np.shape(ans[0]), nb),
            rt.broadcast_batched(d[a2], a2, np.shape(ans[0]), nb),
        )


# np.meshgrid(*xi): up to three coordinate vectors. Each output copies one input.


@vjp_rule(np.meshgrid, linear=("x0", "x1", "x2"))
def _(ans, x0, x1=None, x2=None, *, copy=True, sparse=False, indexing="xy"):
    index = rt.meshgrid_positions((x0, x1, x2), indexing, sparse)
    d[x0] = rt.scatter(d[ans][0], index[0], np.shape(x0), nb)
    d[x1] = rt.scatter(d[ans][1], index[1], np.shape(x1), nb)
    d[x2] = rt.scatter(d[ans][2], index[2], np.shape(x2), nb)


@jvp_rule(np.meshgrid, linear=("x0", "x1", "x2"))
def _(ans, x0, x1=None, x2=None, *, copy=True, sparse=False, indexing="xy"):
    if static(nb == 0 and x1 is None):
        d[ans] = np.meshgrid(d[x0], copy=copy, sparse=sparse, indexing=indexing)
    elif static(nb == 0 and x2 is None):
        d[ans] = np.meshgrid(d[x0], d[x1], copy=copy, sparse=sparse, indexing=indexing)
    elif static(nb == 0):
        d[ans] = np.meshgrid(d[x0], d[x1], d[x2], copy=copy, sparse=sparse, indexing=indexing)
    elif static(x1 is None):
        index = rt.meshgrid_positions((x0,), indexing, sparse)
        d[ans] = (rt.gather(d[x0], index[0], nb),)
    elif static(x2 is None):
        index = rt.meshgrid_positions((x0, x1), indexing, sparse)
        d[ans] = (rt.gather(d[x0], index[0], nb), rt.gather(d[x1], index[1], nb))
    else:
        index = rt.meshgrid_positions((x0, x1, x2), indexing, sparse)
        d[ans] = (
            rt.gather(d[x0], index[0], nb),
            rt.gather(d[x1], index[1], nb),
            rt.gather(d[x2], index[2], nb),
        )


# ----------------------------------------------------------------------------- helpers
# Each helper is linear in its first argument; the jvp is the helper with `batch + nb`
# direction axes, the vjp its partner (the transposed map).


@vjp_rule(rt.gather, linear=("t",))
def _(ans, t, index, batch=0):
    d[t] = rt.scatter(d[ans], index, np.shape(t)[batch:], batch + nb)


@jvp_rule(rt.gather, linear=("t",))
def _(ans, t, index, batch=0):
    d[ans] = rt.gather(d[t], index, batch + nb)


@vjp_rule(rt.scatter, linear=("g",))
def _(ans, g, index, shape, batch=0):
    d[g] = rt.gather(d[ans], index, batch + nb)


@jvp_rule(rt.scatter, linear=("g",))
def _(ans, g, index, shape, batch=0):
    d[ans] = rt.scatter(d[g], index, shape, batch + nb)


returns("list", rt.select_parts)
# The adjoints of an argument, whatever it is: a list for a list, an array for an array.
returns("unknown", rt.split_like, rt.array_vjp)


@vjp_rule(rt.join_batched, linear=("parts",))
def _(ans, parts, arrays, how="concatenate", axis=0, batch=0):
    d[parts] = rt.split_like(d[ans], arrays, how, axis, batch + nb)


@jvp_rule(rt.join_batched, linear=("parts",))
def _(ans, parts, arrays, how="concatenate", axis=0, batch=0):
    d[ans] = rt.join_batched(d[parts], arrays, how, axis, batch + nb)


@vjp_rule(rt.split_like, linear=("g",))
def _(ans, g, arrays, how="concatenate", axis=0, batch=0):
    d[g] = rt.join_batched(d[ans], arrays, how, axis, batch + nb)


@jvp_rule(rt.split_like, linear=("g",))
def _(ans, g, arrays, how="concatenate", axis=0, batch=0):
    d[ans] = rt.split_like(d[g], arrays, how, axis, batch + nb)


@vjp_rule(rt.select_batched, linear=("ts", "t_default"))
def _(ans, ts, t_default, condlist, choicelist, default=0, batch=0):
    parts = rt.select_parts(d[ans], condlist, choicelist, default, batch + nb)
    d[ts] = parts[:-1]
    d[t_default] = parts[-1]


@jvp_rule(rt.select_batched, linear=("ts", "t_default"))
def _(ans, ts, t_default, condlist, choicelist, default=0, batch=0):
    d[ans] = rt.select_batched(d[ts], d[t_default], condlist, choicelist, default, batch + nb)


@vjp_rule(rt.select_parts, linear=("g",))
def _(ans, g, condlist, choicelist, default=0, batch=0):
    d[g] = rt.select_batched(d[ans][:-1], d[ans][-1], condlist, choicelist, default, batch + nb)


@jvp_rule(rt.select_parts, linear=("g",))
def _(ans, g, condlist, choicelist, default=0, batch=0):
    d[ans] = rt.select_parts(d[g], condlist, choicelist, default, batch + nb)


@vjp_rule(rt.array_batched, linear=("t",))
def _(ans, t, obj, shape, batch=0):
    d[t] = rt.array_vjp(d[ans], obj, batch + nb)


@jvp_rule(rt.array_batched, linear=("t",))
def _(ans, t, obj, shape, batch=0):
    d[ans] = rt.array_batched(d[t], obj, shape, batch + nb)


@vjp_rule(rt.array_vjp, linear=("g",))
def _(ans, g, obj, batch=0):
    d[g] = rt.array_batched(d[ans], obj, np.shape(g)[batch:], batch + nb)


@jvp_rule(rt.array_vjp, linear=("g",))
def _(ans, g, obj, batch=0):
    d[ans] = rt.array_vjp(d[g], obj, batch + nb)


# np.linspace(start, stop, num) is start + (stop - start) * w, w = linspace(0, 1, num): linear
# in (start, stop) together; the samples run along a new first axis. (retstep=, dtype= and
# axis= are refused: the template does not take them.)
@vjp_rule(np.linspace, linear=("start", "stop"))
def _(ans, start, stop, num=50, endpoint=True):
    w = np.linspace(0.0, 1.0, num, endpoint=endpoint)
    g = np.moveaxis(d[ans], nb, -1)
    d[start] = rt.unbroadcast(g @ (1.0 - w), start, nb)
    d[stop] = rt.unbroadcast(g @ w, stop, nb)


@jvp_rule(np.linspace, linear=("start", "stop"))
def _(ans, start, stop, num=50, endpoint=True):
    w = np.linspace(0.0, 1.0, num, endpoint=endpoint)
    shape = np.broadcast_shapes(np.shape(start), np.shape(stop))
    first = rt.broadcast_batched(d[start], start, shape, nb)
    last = rt.broadcast_batched(d[stop], stop, shape, nb)
    d[ans] = np.moveaxis(first[..., None] * (1.0 - w) + last[..., None] * w, -1, nb)


# ----------------------------------------------------------------------------- facts
# What the analyses read of these entries besides their templates (srcad.rules.registry.facts).

facts(np.transpose, np.copy, np.flip, np.sort, np.ascontiguousarray, rank="same")
facts(np.array, np.copy, np.linspace, np.tile, np.repeat, np.diag, fresh=True)
facts(np.stack, np.concatenate, np.vstack, np.hstack, fresh=True)
facts(np.broadcast_arrays, np.meshgrid, sequences=True)  # each argument its own shape
# The result may be a view of an argument, or the argument itself (np.asarray(x) is x).
facts(
    np.reshape,
    np.ravel,
    np.transpose,
    optional(np, "matrix_transpose"),
    optional(np, "permute_dims"),
    np.swapaxes,
    np.moveaxis,
    np.rollaxis,
    np.squeeze,
    np.expand_dims,
    np.broadcast_to,
    np.broadcast_arrays,
    np.atleast_1d,
    np.atleast_2d,
    np.atleast_3d,
    np.asarray,
    np.asanyarray,
    np.ascontiguousarray,
    np.asfortranarray,
    np.diagonal,
    np.flip,
    np.fliplr,
    np.flipud,
    np.rot90,
    np.split,
    np.array_split,
    np.hsplit,
    np.vsplit,
    np.dsplit,
    optional(np, "unstack"),
    view=True,
)

# The rest of this family's rules (they register on import).
from . import numpy_arrays  # noqa: E402, F401
