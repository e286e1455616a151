"""Rules for the functions that build arrays from others: joins and splits, copies,
selections (take, compress, extract...), diagonals, np.select, and np.array and its kin.

Split from `srcad.rules.numpy_shape` (which imports this module, so importing it registers
these rules too); its conventions hold here.
"""

from __future__ import annotations

import numpy as np

from .. import runtime as rt
from .template import d, facts, jvp_rule, nb, optional, returns, static, vjp_rule

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


# ----------------------------------------------------------------------------- facts
# Each item of the sequence these take may have its own shape (srcad.rules.registry.facts).

facts(
    np.array,
    np.asarray,
    np.asanyarray,
    np.stack,
    np.concatenate,
    np.vstack,
    np.hstack,
    np.dstack,
    np.column_stack,
    np.select,
    sequences=True,
)
