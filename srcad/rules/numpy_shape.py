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


# ----------------------------------------------------------------------------- joins
# A sequence argument's derivative is a sequence: the vjp cuts the adjoint into pieces
# (`rt.split_like`, which also gives real entries real adjoints), the jvp joins tangents.


@vjp_rule(np.concatenate, linear=("arrays",))
def _(ans, arrays, axis=0):
    d[arrays] = rt.split_like(d[ans], arrays, "concatenate", axis, nb)


@jvp_rule(np.concatenate, linear=("arrays",))
def _(ans, arrays, axis=0):
    if static(nb == 0):
        d[ans] = np.concatenate(d[arrays], axis=axis)
    else:
        d[ans] = rt.join_batched(d[arrays], arrays, "concatenate", axis, nb)


@vjp_rule(np.stack, linear=("arrays",))
def _(ans, arrays, axis=0):
    d[arrays] = rt.split_like(d[ans], arrays, "stack", axis, nb)


@jvp_rule(np.stack, linear=("arrays",))
def _(ans, arrays, axis=0):
    if static(nb == 0):
        d[ans] = np.stack(d[arrays], axis=axis)
    else:
        d[ans] = rt.join_batched(d[arrays], arrays, "stack", axis, nb)


@vjp_rule(np.hstack, linear=("tup",))
def _(ans, tup):
    d[tup] = rt.split_like(d[ans], tup, "hstack", 0, nb)


@jvp_rule(np.hstack, linear=("tup",))
def _(ans, tup):
    if static(nb == 0):
        d[ans] = np.hstack(d[tup])
    else:
        d[ans] = rt.join_batched(d[tup], tup, "hstack", 0, nb)


@vjp_rule(np.vstack, linear=("tup",))
def _(ans, tup):
    d[tup] = rt.split_like(d[ans], tup, "vstack", 0, nb)


@jvp_rule(np.vstack, linear=("tup",))
def _(ans, tup):
    if static(nb == 0):
        d[ans] = np.vstack(d[tup])
    else:
        d[ans] = rt.join_batched(d[tup], tup, "vstack", 0, nb)


@vjp_rule(np.dstack, linear=("tup",))
def _(ans, tup):
    d[tup] = rt.split_like(d[ans], tup, "dstack", 0, nb)


@jvp_rule(np.dstack, linear=("tup",))
def _(ans, tup):
    if static(nb == 0):
        d[ans] = np.dstack(d[tup])
    else:
        d[ans] = rt.join_batched(d[tup], tup, "dstack", 0, nb)


@vjp_rule(np.column_stack, linear=("tup",))
def _(ans, tup):
    d[tup] = rt.split_like(d[ans], tup, "column_stack", 0, nb)


@jvp_rule(np.column_stack, linear=("tup",))
def _(ans, tup):
    if static(nb == 0):
        d[ans] = np.column_stack(d[tup])
    else:
        d[ans] = rt.join_batched(d[tup], tup, "column_stack", 0, nb)


@vjp_rule(np.append, linear=("arr", "values"))
def _(ans, arr, values, axis=None):
    parts = rt.split_like(d[ans], (arr, values), "concatenate", axis, nb)
    d[arr] = parts[0]
    d[values] = parts[1]


@jvp_rule(np.append, linear=("arr", "values"))
def _(ans, arr, values, axis=None):
    if static(nb == 0):
        d[ans] = np.append(d[arr], d[values], axis=axis)
    else:
        d[ans] = rt.join_batched((d[arr], d[values]), (arr, values), "concatenate", axis, nb)


# np.unstack: numpy >= 2.1.
returns("tuple", optional(np, "unstack"))


@vjp_rule(optional(np, "unstack"), linear=("x",))
def _(ans, x, *, axis=0):
    if static(nb == 0):
        d[x] = np.stack(d[ans], axis=axis)
    else:
        d[x] = np.stack(d[ans], axis=rt.batch_axes(axis, np.ndim(x), nb))


@jvp_rule(optional(np, "unstack"), linear=("x",))
def _(ans, x, *, axis=0):
    if static(nb == 0):
        d[ans] = np.unstack(d[x], axis=axis)
    else:
        d[ans] = np.unstack(d[x], axis=rt.batch_axes(axis, np.ndim(x), nb))


# ----------------------------------------------------------------------------- splits
# The transpose of a split is the join of the pieces' adjoints, the primal pieces `ans`
# giving their shapes (hsplit cuts 1-D arrays along axis 0, others along axis 1).


@vjp_rule(np.split, linear=("ary",))
def _(ans, ary, indices_or_sections, axis=0):
    if static(nb == 0):
        d[ary] = np.concatenate(d[ans], axis=axis)
    else:
        d[ary] = np.concatenate(d[ans], axis=rt.batch_axes(axis, np.ndim(ary), nb))


@jvp_rule(np.split, linear=("ary",))
def _(ans, ary, indices_or_sections, axis=0):
    if static(nb == 0):
        d[ans] = np.split(d[ary], indices_or_sections, axis=axis)
    else:
        d[ans] = np.split(d[ary], indices_or_sections, axis=rt.batch_axes(axis, np.ndim(ary), nb))


@vjp_rule(np.array_split, linear=("ary",))
def _(ans, ary, indices_or_sections, axis=0):
    if static(nb == 0):
        d[ary] = np.concatenate(d[ans], axis=axis)
    else:
        d[ary] = np.concatenate(d[ans], axis=rt.batch_axes(axis, np.ndim(ary), nb))


@jvp_rule(np.array_split, linear=("ary",))
def _(ans, ary, indices_or_sections, axis=0):
    if static(nb == 0):
        d[ans] = np.array_split(d[ary], indices_or_sections, axis=axis)
    else:
        d[ans] = rt.split_like(d[ary], ans, "concatenate", axis, nb)


@vjp_rule(np.hsplit, linear=("ary",))
def _(ans, ary, indices_or_sections):
    if static(nb == 0):
        d[ary] = np.hstack(d[ans])
    else:
        d[ary] = rt.join_batched(d[ans], ans, "hstack", 0, nb)


@jvp_rule(np.hsplit, linear=("ary",))
def _(ans, ary, indices_or_sections):
    if static(nb == 0):
        d[ans] = np.hsplit(d[ary], indices_or_sections)
    else:
        d[ans] = rt.split_like(d[ary], ans, "hstack", 0, nb)


@vjp_rule(np.vsplit, linear=("ary",))
def _(ans, ary, indices_or_sections):
    if static(nb == 0):
        d[ary] = np.vstack(d[ans])
    else:
        d[ary] = np.concatenate(d[ans], axis=nb)


@jvp_rule(np.vsplit, linear=("ary",))
def _(ans, ary, indices_or_sections):
    if static(nb == 0):
        d[ans] = np.vsplit(d[ary], indices_or_sections)
    else:
        d[ans] = np.split(d[ary], indices_or_sections, axis=nb)


@vjp_rule(np.dsplit, linear=("ary",))
def _(ans, ary, indices_or_sections):
    if static(nb == 0):
        d[ary] = np.dstack(d[ans])
    else:
        d[ary] = np.concatenate(d[ans], axis=nb + 2)


@jvp_rule(np.dsplit, linear=("ary",))
def _(ans, ary, indices_or_sections):
    if static(nb == 0):
        d[ans] = np.dsplit(d[ary], indices_or_sections)
    else:
        d[ans] = np.split(d[ary], indices_or_sections, axis=nb + 2)


# ----------------------------------------------------------------------------- copies
# tile, repeat and pad copy elements: the adjoint sums the copies back (`rt.scatter`).


@vjp_rule(np.tile, linear=("A",))
def _(ans, A, reps):
    d[A] = rt.scatter(d[ans], np.tile(rt.positions(A), reps), np.shape(A), nb)


@jvp_rule(np.tile, linear=("A",))
def _(ans, A, reps):
    if static(nb == 0):
        d[ans] = np.tile(d[A], reps)
    else:
        d[ans] = rt.gather(d[A], np.tile(rt.positions(A), reps), nb)


@vjp_rule(np.repeat, linear=("a",))
def _(ans, a, repeats, axis=None):
    d[a] = rt.scatter(d[ans], np.repeat(rt.positions(a), repeats, axis), np.shape(a), nb)


@jvp_rule(np.repeat, linear=("a",))
def _(ans, a, repeats, axis=None):
    if static(nb == 0):
        d[ans] = np.repeat(d[a], repeats, axis)
    else:
        d[ans] = rt.gather(d[a], np.repeat(rt.positions(a), repeats, axis), nb)


# np.pad copies elements (modes constant, edge, reflect, symmetric, wrap; other modes raise)
# and, in constant mode, writes constant_values, whose derivative is the padding's.


@vjp_rule(np.pad, linear=("array", "constant_values"))
def _(ans, array, pad_width, mode="constant", *, constant_values=0):
    d[array] = rt.scatter(d[ans], rt.pad_positions(array, pad_width, mode), np.shape(array), nb)
    d[constant_values] = rt.unbroadcast(
        rt.scatter(d[ans], rt.pad_codes(array, pad_width), (np.ndim(array), 2), nb),
        constant_values,
        nb,
    )


@jvp_rule(np.pad, linear=("array", "constant_values"))
def _(ans, array, pad_width, mode="constant", *, constant_values=0):
    if static(nb == 0 and mode == "constant" and constant_values == 0):
        d[ans] = np.pad(d[array], pad_width)
    elif static(nb == 0 and mode == "constant"):
        d[ans] = np.pad(d[array], pad_width, constant_values=d[constant_values])
    elif static(nb == 0 and mode in ("edge", "reflect", "symmetric", "wrap")):
        d[ans] = np.pad(d[array], pad_width, mode=mode)
    else:
        d[ans] = rt.gather(d[array], rt.pad_positions(array, pad_width, mode), nb) + rt.gather(
            rt.broadcast_batched(d[constant_values], constant_values, (np.ndim(array), 2), nb),
            rt.pad_codes(array, pad_width),
            nb,
        )


# ----------------------------------------------------------------------------- selections


@vjp_rule(np.take, linear=("a",))
def _(ans, a, indices, axis=None, *, mode="raise"):
    d[a] = rt.scatter(
        d[ans], np.take(rt.positions(a), indices, axis=axis, mode=mode), np.shape(a), nb
    )


@jvp_rule(np.take, linear=("a",))
def _(ans, a, indices, axis=None, *, mode="raise"):
    if static(nb == 0):
        d[ans] = np.take(d[a], indices, axis=axis, mode=mode)
    else:
        d[ans] = rt.gather(d[a], np.take(rt.positions(a), indices, axis=axis, mode=mode), nb)


@vjp_rule(np.take_along_axis, linear=("arr",))
def _(ans, arr, indices, axis=-1):
    d[arr] = rt.scatter(
        d[ans], np.take_along_axis(rt.positions(arr), indices, axis=axis), np.shape(arr), nb
    )


@jvp_rule(np.take_along_axis, linear=("arr",))
def _(ans, arr, indices, axis=-1):
    if static(nb == 0):
        d[ans] = np.take_along_axis(d[arr], indices, axis=axis)
    else:
        d[ans] = rt.gather(d[arr], np.take_along_axis(rt.positions(arr), indices, axis=axis), nb)


@vjp_rule(np.delete, linear=("arr",))
def _(ans, arr, obj, axis=None):
    d[arr] = rt.scatter(d[ans], np.delete(rt.positions(arr), obj, axis), np.shape(arr), nb)


@jvp_rule(np.delete, linear=("arr",))
def _(ans, arr, obj, axis=None):
    if static(nb == 0):
        d[ans] = np.delete(d[arr], obj, axis)
    else:
        d[ans] = rt.gather(d[arr], np.delete(rt.positions(arr), obj, axis), nb)


@vjp_rule(np.compress, linear=("a",))
def _(ans, condition, a, axis=None):
    d[a] = rt.scatter(d[ans], np.compress(condition, rt.positions(a), axis), np.shape(a), nb)


@jvp_rule(np.compress, linear=("a",))
def _(ans, condition, a, axis=None):
    if static(nb == 0):
        d[ans] = np.compress(condition, d[a], axis)
    else:
        d[ans] = rt.gather(d[a], np.compress(condition, rt.positions(a), axis), nb)


@vjp_rule(np.extract, linear=("arr",))
def _(ans, condition, arr):
    d[arr] = rt.scatter(d[ans], np.extract(condition, rt.positions(arr)), np.shape(arr), nb)


@jvp_rule(np.extract, linear=("arr",))
def _(ans, condition, arr):
    if static(nb == 0):
        d[ans] = np.extract(condition, d[arr])
    else:
        d[ans] = rt.gather(d[arr], np.extract(condition, rt.positions(arr)), nb)


# np.insert: the same call on positions, with "no element" (0) where the other argument's
# elements go, maps each argument (values broadcast into its slots as numpy does).


@vjp_rule(np.insert, linear=("arr", "values"))
def _(ans, arr, obj, values, axis=None):
    d[arr] = rt.scatter(
        d[ans],
        np.insert(rt.positions(arr), obj, np.zeros_like(rt.positions(values)), axis),
        np.shape(arr),
        nb,
    )
    d[values] = rt.scatter(
        d[ans],
        np.insert(np.zeros_like(rt.positions(arr)), obj, rt.positions(values), axis),
        np.shape(values),
        nb,
    )


@jvp_rule(np.insert, linear=("arr", "values"))
def _(ans, arr, obj, values, axis=None):
    if static(nb == 0):
        d[ans] = np.insert(d[arr], obj, d[values], axis)
    else:
        d[ans] = rt.gather(
            d[arr],
            np.insert(rt.positions(arr), obj, np.zeros_like(rt.positions(values)), axis),
            nb,
        ) + rt.gather(
            d[values],
            np.insert(np.zeros_like(rt.positions(arr)), obj, rt.positions(values), axis),
            nb,
        )


# Sorting permutes the elements; at ties the derivative follows a stable sort (JAX's choice:
# sort is not differentiable there). `kind` does not change the values, only tie order.


@vjp_rule(np.sort, linear=("a",))
def _(ans, a, axis=-1, kind=None, *, stable=None):
    d[a] = rt.scatter(d[ans], rt.sort_positions(a, axis), np.shape(a), nb)


@jvp_rule(np.sort, linear=("a",))
def _(ans, a, axis=-1, kind=None, *, stable=None):
    if static(nb == 0):
        d[ans] = np.take_along_axis(d[a], np.argsort(a, axis=axis, kind="stable"), axis=axis)
    else:
        d[ans] = rt.gather(d[a], rt.sort_positions(a, axis), nb)


@vjp_rule(np.partition, linear=("a",))
def _(ans, a, kth, axis=-1, kind="introselect"):
    d[a] = rt.scatter(d[ans], rt.partition_positions(a, kth, axis), np.shape(a), nb)


@jvp_rule(np.partition, linear=("a",))
def _(ans, a, kth, axis=-1, kind="introselect"):
    if static(nb == 0):
        d[ans] = np.take_along_axis(d[a], np.argpartition(a, kth, axis=axis), axis=axis)
    else:
        d[ans] = rt.gather(d[a], rt.partition_positions(a, kth, axis), nb)


# np.msort (numpy < 2): np.sort along axis 0.
@vjp_rule(optional(np, "msort"), linear=("a",))
def _(ans, a):
    d[a] = rt.scatter(d[ans], rt.sort_positions(a, 0), np.shape(a), nb)


@jvp_rule(optional(np, "msort"), linear=("a",))
def _(ans, a):
    d[ans] = rt.gather(d[a], rt.sort_positions(a, 0), nb)


# ----------------------------------------------------------------------------- diagonals


@vjp_rule(np.diag, linear=("v",))
def _(ans, v, k=0):
    # 1-D v: the adjoint's k-th diagonal; 2-D v: the adjoint placed on it (the map says which)
    d[v] = rt.scatter(d[ans], np.diag(rt.positions(v), k), np.shape(v), nb)


@jvp_rule(np.diag, linear=("v",))
def _(ans, v, k=0):
    if static(nb == 0):
        d[ans] = np.diag(d[v], k)
    else:
        d[ans] = rt.gather(d[v], np.diag(rt.positions(v), k), nb)


@vjp_rule(np.diagflat, linear=("v",))
def _(ans, v, k=0):
    if static(nb == 0):
        d[v] = np.reshape(np.diagonal(d[ans], k), np.shape(v))
    else:
        d[v] = rt.reshape_batched(np.diagonal(d[ans], k, nb, nb + 1), np.shape(v), nb)


@jvp_rule(np.diagflat, linear=("v",))
def _(ans, v, k=0):
    if static(nb == 0):
        d[ans] = np.diagflat(d[v], k)
    else:
        d[ans] = rt.gather(d[v], np.diagflat(rt.positions(v), k), nb)


@vjp_rule(np.diagonal, linear=("a",))
def _(ans, a, offset=0, axis1=0, axis2=1):
    d[a] = rt.scatter(d[ans], np.diagonal(rt.positions(a), offset, axis1, axis2), np.shape(a), nb)


@jvp_rule(np.diagonal, linear=("a",))
def _(ans, a, offset=0, axis1=0, axis2=1):
    if static(nb == 0):
        d[ans] = np.diagonal(d[a], offset, axis1, axis2)
    else:
        d[ans] = np.diagonal(
            d[a], offset, rt.batch_axes(axis1, np.ndim(a), nb), rt.batch_axes(axis2, np.ndim(a), nb)
        )


# tril/triu mask the last two axes, so direction axes in front are free; a 1-D argument
# is broadcast to a square matrix first, whose adjoint sums back (rt.unbroadcast).


@vjp_rule(np.tril, linear=("m",))
def _(ans, m, k=0):
    d[m] = rt.unbroadcast(np.tril(d[ans], k), m, nb)


@jvp_rule(np.tril, linear=("m",))
def _(ans, m, k=0):
    if static(nb == 0):
        d[ans] = np.tril(d[m], k)
    else:
        d[ans] = np.tril(rt.broadcast_batched(d[m], m, np.shape(ans), nb), k)


@vjp_rule(np.triu, linear=("m",))
def _(ans, m, k=0):
    d[m] = rt.unbroadcast(np.triu(d[ans], k), m, nb)


@jvp_rule(np.triu, linear=("m",))
def _(ans, m, k=0):
    if static(nb == 0):
        d[ans] = np.triu(d[m], k)
    else:
        d[ans] = np.triu(rt.broadcast_batched(d[m], m, np.shape(ans), nb), k)


# ----------------------------------------------------------------------------- np.select


@vjp_rule(np.select, linear=("choicelist", "default"))
def _(ans, condlist, choicelist, default=0):
    parts = rt.select_parts(d[ans], condlist, choicelist, default, nb)
    d[choicelist] = parts[:-1]
    d[default] = parts[-1]


@jvp_rule(np.select, linear=("choicelist", "default"))
def _(ans, condlist, choicelist, default=0):
    if static(nb == 0):
        d[ans] = np.select(condlist, d[choicelist], d[default])
    else:
        d[ans] = rt.select_batched(d[choicelist], d[default], condlist, choicelist, default, nb)


# ----------------------------------------------------------------------------- copies of arrays
# np.array([x, y]) stacks: the adjoint of a nested list is cut along the first axes, that of
# an array passes (`rt.array_vjp`, whose result kind is left open: a list or an array). A given
# dtype casts: back to the input's type in reverse, and an integer result carries no
# derivative (rt.astype_jvp gives zeros). np.ascontiguousarray also makes scalars 1-D.


@vjp_rule(np.array, linear=("object",))
def _(ans, object, dtype=None, *, copy=True, order="K"):
    if static(dtype is None):
        d[object] = rt.array_vjp(d[ans], object, nb)
    else:
        d[object] = rt.array_vjp(rt.astype_jvp(d[ans], dtype), object, nb)


@jvp_rule(np.array, linear=("object",))
def _(ans, object, dtype=None, *, copy=True, order="K"):
    if static(nb == 0 and dtype is None):
        d[ans] = np.array(d[object])
    elif static(nb == 0):
        d[ans] = rt.astype_jvp(np.array(d[object]), dtype)
    elif static(dtype is None):
        d[ans] = rt.array_batched(d[object], object, np.shape(ans), nb)
    else:
        d[ans] = rt.astype_jvp(rt.array_batched(d[object], object, np.shape(ans), nb), dtype)


@vjp_rule(np.asarray, linear=("a",))
def _(ans, a, dtype=None, order=None, *, copy=None):
    if static(dtype is None):
        d[a] = rt.array_vjp(d[ans], a, nb)
    else:
        d[a] = rt.array_vjp(rt.astype_jvp(d[ans], dtype), a, nb)


@jvp_rule(np.asarray, linear=("a",))
def _(ans, a, dtype=None, order=None, *, copy=None):
    if static(nb == 0 and dtype is None):
        d[ans] = np.asarray(d[a])
    elif static(nb == 0):
        d[ans] = rt.astype_jvp(np.asarray(d[a]), dtype)
    elif static(dtype is None):
        d[ans] = rt.array_batched(d[a], a, np.shape(ans), nb)
    else:
        d[ans] = rt.astype_jvp(rt.array_batched(d[a], a, np.shape(ans), nb), dtype)


@vjp_rule(np.asanyarray, linear=("a",))
def _(ans, a, dtype=None, order=None, *, copy=None):
    if static(dtype is None):
        d[a] = rt.array_vjp(d[ans], a, nb)
    else:
        d[a] = rt.array_vjp(rt.astype_jvp(d[ans], dtype), a, nb)


@jvp_rule(np.asanyarray, linear=("a",))
def _(ans, a, dtype=None, order=None, *, copy=None):
    if static(nb == 0 and dtype is None):
        d[ans] = np.asanyarray(d[a])
    elif static(nb == 0):
        d[ans] = rt.astype_jvp(np.asanyarray(d[a]), dtype)
    elif static(dtype is None):
        d[ans] = rt.array_batched(d[a], a, np.shape(ans), nb)
    else:
        d[ans] = rt.astype_jvp(rt.array_batched(d[a], a, np.shape(ans), nb), dtype)


@vjp_rule(np.copy, linear=("a",))
def _(ans, a, order="K"):
    d[a] = rt.array_vjp(d[ans], a, nb)


@jvp_rule(np.copy, linear=("a",))
def _(ans, a, order="K"):
    if static(nb == 0):
        d[ans] = np.copy(d[a])
    else:
        d[ans] = rt.array_batched(d[a], a, np.shape(ans), nb)


@vjp_rule(np.ascontiguousarray, linear=("a",))
def _(ans, a, dtype=None):
    if static(dtype is None):
        d[a] = rt.array_vjp(d[ans], a, nb)
    else:
        d[a] = rt.array_vjp(rt.astype_jvp(d[ans], dtype), a, nb)


@jvp_rule(np.ascontiguousarray, linear=("a",))
def _(ans, a, dtype=None):
    if static(nb == 0 and dtype is None):
        d[ans] = np.ascontiguousarray(d[a])
    elif static(dtype is None):
        d[ans] = rt.array_batched(d[a], a, np.shape(ans), nb)
    else:
        d[ans] = rt.astype_jvp(rt.array_batched(d[a], a, np.shape(ans), nb), dtype)


@vjp_rule(np.asfortranarray, linear=("a",))
def _(ans, a, dtype=None):
    if static(dtype is None):
        d[a] = rt.array_vjp(d[ans], a, nb)
    else:
        d[a] = rt.array_vjp(rt.astype_jvp(d[ans], dtype), a, nb)


@jvp_rule(np.asfortranarray, linear=("a",))
def _(ans, a, dtype=None):
    if static(nb == 0 and dtype is None):
        d[ans] = np.asfortranarray(d[a])
    elif static(dtype is None):
        d[ans] = rt.array_batched(d[a], a, np.shape(ans), nb)
    else:
        d[ans] = rt.astype_jvp(rt.array_batched(d[a], a, np.shape(ans), nb), dtype)


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
