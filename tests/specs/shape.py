"""Rule specs: shape and indexing functions.

Collected by tests/rule_specs.py. Functions that return lists or tuples are checked through
an element or a product of elements (the direction test needs an array output); products
and squares make the order-2 checks differentiate the derivative code of linear functions.
"""

from __future__ import annotations

import numpy as np  # noqa: F401

from srcad import runtime as rt  # noqa: F401
from srcad.rules.template import optional

from . import BINARY, UNARY, RuleSpec  # noqa: F401

TIES = "away_from_ties"

SPECS: list[RuleSpec] = [
    # reshapes
    RuleSpec(np.reshape, [((2, 3),)], call="np.reshape(a0, (3, 2))"),
    RuleSpec(np.reshape, [((2, 3),)], call="np.reshape(a0, (3, 2), order='F') ** 2"),
    RuleSpec(np.reshape, [((2, 3),)], call="np.reshape(np.asfortranarray(a0), (3, 2), order='A')"),
    RuleSpec(np.ravel, [((2, 3),)], kwargs=[{}, {"order": "F"}, {"order": "K"}]),
    RuleSpec(np.ravel, [((2, 3),)], call="np.ravel(a0.T, order='K') * np.ravel(a0)"),
    RuleSpec(np.expand_dims, [((2, 3),)], kwargs=[{"axis": 0}, {"axis": -1}, {"axis": (0, 2)}]),
    RuleSpec(np.expand_dims, [((3,),)], call="np.expand_dims(a0, 1) * a0"),
    RuleSpec(np.squeeze, [((1, 3, 1),)], kwargs=[{}, {"axis": 0}, {"axis": (0, 2)}]),
    RuleSpec(np.squeeze, [((1, 3),)], call="np.squeeze(a0) ** 2"),
    RuleSpec(np.atleast_1d, UNARY),
    RuleSpec(np.atleast_2d, UNARY),
    RuleSpec(np.atleast_3d, UNARY),
    RuleSpec(np.atleast_2d, [((3,),)], call="np.atleast_2d(a0) ** 2"),
    # axis order
    RuleSpec(np.transpose, [((2, 3),), ((2, 3, 4),)], kwargs=[{}]),
    RuleSpec(np.transpose, [((2, 3, 4),)], call="np.transpose(a0, (1, 2, 0))"),
    RuleSpec(np.transpose, [((2, 3),)], call="np.transpose(a0 ** 2) ** 2"),
    RuleSpec(np.moveaxis, [((2, 3, 4),)], call="np.moveaxis(a0, 0, -1)"),
    RuleSpec(np.moveaxis, [((2, 3, 4),)], call="np.moveaxis(a0, [0, 1], [2, 0]) ** 2"),
    RuleSpec(np.swapaxes, [((2, 3, 4),)], call="np.swapaxes(a0, 0, 2) ** 2"),
    RuleSpec(np.swapaxes, [((2, 3),)], call="np.swapaxes(a0, -1, 0)"),
    RuleSpec(np.rollaxis, [((2, 3, 4),)], call="np.rollaxis(a0, 2) ** 2"),
    RuleSpec(np.rollaxis, [((2, 3, 4),)], call="np.rollaxis(a0, 0, 2)"),
    RuleSpec(np.rot90, [((2, 3),)], kwargs=[{}, {"k": 2}, {"k": -1}]),
    RuleSpec(np.rot90, [((2, 3, 4),)], call="np.rot90(a0, 1, (1, 2)) ** 2"),
    RuleSpec(np.flip, [((2, 3),)], kwargs=[{}, {"axis": -1}, {"axis": (0, 1)}]),
    RuleSpec(np.flip, [((2, 3),)], call="np.flip(a0, 1) * a0"),
    RuleSpec(np.flipud, [((2, 3),), ((3,),)]),
    RuleSpec(np.flipud, [((2, 3),)], call="np.flipud(a0) ** 2"),
    RuleSpec(np.fliplr, [((2, 3),)]),
    RuleSpec(np.fliplr, [((2, 3),)], call="np.fliplr(a0) * a0"),
    RuleSpec(
        np.roll,
        [((2, 3),)],
        kwargs=[{"shift": 1}, {"shift": 2, "axis": 1}, {"shift": (1, -1), "axis": (0, 1)}],
    ),
    RuleSpec(np.roll, [((2, 3),)], call="np.roll(a0, -4) * a0"),
    RuleSpec(np.roll, [((2, 3),)], call="np.roll(a0, (2, 1), (1, 0)) ** 2"),
    # broadcasting
    RuleSpec(np.broadcast_to, [((3,),), ((2, 1),)], call="np.broadcast_to(a0, (4, 2, 3))"),
    RuleSpec(np.broadcast_to, [((2, 1),)], call="np.broadcast_to(a0, (2, 3)) ** 2"),
    RuleSpec(
        np.broadcast_arrays,
        [((2, 1), (1, 3)), ((), (3,))],
        call="np.broadcast_arrays(a0, a1)[0] * np.broadcast_arrays(a0, a1)[1]",
    ),
    RuleSpec(
        np.broadcast_arrays,
        [((3,), (2, 1), ())],
        call="np.broadcast_arrays(a0, a1, a2)[2] * np.broadcast_arrays(a0, a1, a2)[1] + a0",
    ),
    RuleSpec(np.broadcast_arrays, [((3,),)], call="np.broadcast_arrays(a0)[0] ** 2"),
    RuleSpec(np.meshgrid, [((3,), (2,))], call="np.meshgrid(a0, a1)[0] * np.meshgrid(a0, a1)[1]"),
    RuleSpec(
        np.meshgrid,
        [((3,), (2, 2))],
        call="np.meshgrid(a0, a1, indexing='ij', sparse=True)[1] ** 2"
        " * np.meshgrid(a0, a1, indexing='ij', sparse=True)[0]",
    ),
    RuleSpec(
        np.meshgrid,
        [((3,), (2,), (2,))],
        call="np.meshgrid(a0, a1, a2)[2] * np.meshgrid(a0, a1, a2)[0]",
    ),
    RuleSpec(np.meshgrid, [((3,),)], call="np.meshgrid(a0)[0] ** 2"),
    # joins
    RuleSpec(np.concatenate, [((2, 3), (1, 3))], call="np.concatenate((a0, a1))"),
    RuleSpec(np.concatenate, [((2, 3), (2, 2))], call="np.concatenate([a0, a1], axis=1) ** 2"),
    RuleSpec(np.concatenate, [((2, 3), (4,))], call="np.concatenate((a0, a1 * a1), axis=None)"),
    RuleSpec(np.concatenate, [((2, 3),)], call="np.concatenate((a0, a0 * 2.0), axis=-1) ** 2"),
    RuleSpec(np.stack, [((2, 3), (2, 3))], call="np.stack((a0, a1), axis=1) ** 2"),
    RuleSpec(np.stack, [((), ())], call="np.stack([a0, a1, a0 * a1])"),
    RuleSpec(np.stack, [((3,), (3,))], call="np.stack((a0, a1), axis=-1)"),
    RuleSpec(np.hstack, [((2, 3), (2, 2)), ((3,), (2,))], call="np.hstack((a0, a1)) ** 2"),
    RuleSpec(np.hstack, [((), (2,))], call="np.hstack([a0, a1])"),
    RuleSpec(np.vstack, [((2, 3), (3,)), ((), ())], call="np.vstack((a0, a1)) ** 2"),
    RuleSpec(np.dstack, [((2, 3), (2, 3)), ((3,), (3,))], call="np.dstack((a0, a1)) ** 2"),
    RuleSpec(np.column_stack, [((3,), (3, 2))], call="np.column_stack((a0, a1)) ** 2"),
    RuleSpec(np.append, [((2, 3), (2,)), ((3,), ())], call="np.append(a0, a1) ** 2"),
    RuleSpec(np.append, [((2, 3), (1, 3))], call="np.append(a0, a1, axis=0)"),
    RuleSpec(np.append, [((3,),)], call="np.append(a0, 1.0) * np.append(2.0, a0)"),
    # splits (lists)
    RuleSpec(np.split, [((4, 3),)], call="np.split(a0, 2)[0] * np.split(a0, 2)[1]"),
    RuleSpec(np.split, [((2, 4),)], call="np.split(a0, [1, 3], axis=1)[2] ** 2"),
    RuleSpec(
        np.array_split,
        [((2, 5),)],
        call="np.array_split(a0, 2, axis=-1)[0][:, :2] * np.array_split(a0, 2, axis=-1)[1]",
    ),
    RuleSpec(np.array_split, [((5,),)], call="np.array_split(a0, 3)[0] ** 2"),
    RuleSpec(np.hsplit, [((2, 4),), ((4,),)], call="np.hsplit(a0, 2)[0] * np.hsplit(a0, 2)[1]"),
    RuleSpec(np.vsplit, [((4, 2),)], call="np.vsplit(a0, 2)[0] * np.vsplit(a0, 2)[1]"),
    RuleSpec(np.dsplit, [((2, 1, 4),)], call="np.dsplit(a0, [1])[1] ** 2"),
    # copies
    RuleSpec(np.linspace, [((), ()), ((3,), (3,)), ((2,), ())], call="np.linspace(a0, a1, 5)"),
    RuleSpec(np.linspace, [((), ())], call="np.linspace(a0, a1, 4, endpoint=False) ** 2"),
    RuleSpec(np.linspace, [((),)], call="np.linspace(a0, 3.0, 1) * a0"),
    RuleSpec(np.tile, [((2, 3),), ((3,),)], call="np.tile(a0, (2, 1, 2))"),
    RuleSpec(np.tile, [((2,),), ((),)], call="np.tile(a0, 3) ** 2"),
    RuleSpec(np.repeat, [((2, 3),), ((),)], call="np.repeat(a0, 2) ** 2"),
    RuleSpec(np.repeat, [((2, 3),)], call="np.repeat(a0, [1, 0, 2], axis=1) ** 2"),
    RuleSpec(np.repeat, [((2, 3),)], call="np.repeat(a0, 3, axis=0)"),
    RuleSpec(np.pad, [((2, 3),)], call="np.pad(a0, 1) ** 2"),
    RuleSpec(np.pad, [((2, 3),)], call="np.pad(a0, ((1, 0), (0, 2)), mode='edge') ** 2"),
    RuleSpec(np.pad, [((2, 3),)], call="np.pad(a0, ((1, 1), (2, 2)), mode='reflect') ** 2"),
    RuleSpec(np.pad, [((2, 3),)], call="np.pad(a0, 2, mode='symmetric') ** 2"),
    RuleSpec(np.pad, [((4,),)], call="np.pad(a0, (3, 6), 'wrap') ** 2"),
    RuleSpec(np.pad, [((2, 3), ())], call="np.pad(a0, 1, constant_values=a1) ** 2"),
    RuleSpec(np.pad, [((2, 3), (2, 2))], call="np.pad(a0, (1, 2), constant_values=a1) ** 2"),
    # selections
    RuleSpec(np.take, [((2, 3),)], call="np.take(a0, [2, 0, 2]) ** 2"),
    RuleSpec(np.take, [((2, 3),)], call="np.take(a0, [[1, 1], [0, 2]], axis=1) ** 2"),
    RuleSpec(np.take, [((2, 3),)], call="np.take(a0, 1, axis=0)"),
    RuleSpec(np.take, [((2, 3),)], call="np.take(a0, [5, -7], axis=1, mode='wrap') * 2.0"),
    RuleSpec(
        np.take_along_axis,
        [((2, 3),)],
        call="np.take_along_axis(a0, np.array([[0, 2, 2], [1, 1, 0]]), axis=1) ** 2",
    ),
    RuleSpec(
        np.take_along_axis,
        [((2, 3),)],
        call="np.take_along_axis(a0, np.array([[1, 0, 1]]), axis=0)",
    ),
    RuleSpec(np.compress, [((2, 3),)], call="np.compress([True, False, True], a0, axis=1) ** 2"),
    RuleSpec(np.compress, [((2, 3),)], call="np.compress(a0[0] > 0, a0)"),
    RuleSpec(np.extract, [((2, 3),)], call="np.extract(a0 > 0, a0 ** 2) * 2.0"),
    RuleSpec(np.delete, [((2, 3),)], call="np.delete(a0, 1, axis=1) ** 2"),
    RuleSpec(np.delete, [((2, 3),)], call="np.delete(a0, [0, 3])"),
    RuleSpec(np.insert, [((2, 3), (2,))], call="np.insert(a0, 1, a1, axis=1) ** 2"),
    RuleSpec(np.insert, [((2, 3), ())], call="np.insert(a0, [0, 2], a1) ** 2"),
    RuleSpec(np.insert, [((3,),)], call="np.insert(a0, 1, 5.0) * a0[0]"),
    RuleSpec(np.sort, [((2, 3),)], domain=TIES, kwargs=[{}, {"axis": 0}, {"axis": None}]),
    RuleSpec(np.sort, [((2, 3),)], domain=TIES, call="np.sort(a0, axis=0) ** 2"),
    RuleSpec(np.partition, [((5,),)], domain=TIES, call="np.partition(a0, 1) ** 2"),
    RuleSpec(np.partition, [((3, 4),)], domain=TIES, call="np.partition(a0, (0, 2), axis=0)"),
    RuleSpec(np.partition, [((2, 3),)], domain=TIES, call="np.partition(a0, 4, axis=None)"),
    # diagonals
    RuleSpec(np.diag, [((3,),), ((3, 4),)], kwargs=[{"k": 1}, {"k": -1}]),
    RuleSpec(np.diag, [((3,),), ((3, 2),)], call="np.diag(a0) ** 2"),
    RuleSpec(np.diagflat, [((2, 2),), ((3,),)], kwargs=[{"k": 1}]),
    RuleSpec(np.diagflat, [((3,),)], call="np.diagflat(a0, -1) ** 2"),
    RuleSpec(np.diagonal, [((3, 4),)], kwargs=[{}, {"offset": 1}]),
    RuleSpec(np.diagonal, [((2, 3, 4),)], call="np.diagonal(a0, -1, 2, 0) ** 2"),
    RuleSpec(np.tril, [((3, 4),), ((2, 3, 3),)], kwargs=[{"k": -1}]),
    RuleSpec(np.tril, [((3, 3),), ((3,),)], call="np.tril(a0, 1) ** 2"),
    RuleSpec(np.triu, [((3, 4),), ((2, 3, 3),)], kwargs=[{"k": 1}]),
    RuleSpec(np.triu, [((3, 3),), ((3,),)], call="np.triu(a0) ** 2"),
    # np.select
    RuleSpec(
        np.select,
        [((2, 3), (2, 3)), ((2, 3), (3,)), ((3,), ())],
        call="np.select([a0 > 0, a1 > 0], [a0, a1 * a0], a1) ** 2",
    ),
    RuleSpec(np.select, [((2, 3),)], call="np.select([a0 > 0.5, a0 < 0], [a0 ** 2, 1.0])"),
    # copies of arrays and lists
    RuleSpec(np.array, [((3,), (3,)), ((), ())], call="np.array([a0, a1]) ** 2"),
    RuleSpec(np.array, [((2,), ())], call="np.array([[a0[0], a1], [a1, a0[1]]]) ** 2"),
    RuleSpec(np.array, [((2, 3),)], call="np.array(a0) * a0"),
    RuleSpec(np.array, [((3,),)], call="np.real(np.array(a0, dtype=complex) * (1 + 2j)) ** 2"),
    RuleSpec(np.array, [((3,),)], call="np.array((a0, a0 * a0), dtype=np.float64)"),
    RuleSpec(np.asarray, [((3,), ())], call="np.asarray([a0, a0 * a1]) ** 2"),
    RuleSpec(np.asarray, [((2, 3),)], call="np.asarray(a0) ** 2"),
    RuleSpec(np.asanyarray, [((3,), ())], call="np.asanyarray((a0, a0 + a1)) ** 2"),
    RuleSpec(np.copy, [((2, 3),)], call="np.copy(a0) ** 2"),
    RuleSpec(np.copy, [((3,), (3,))], call="np.copy([a0, a1]) ** 2"),
    RuleSpec(np.ascontiguousarray, UNARY),
    RuleSpec(np.ascontiguousarray, [((2, 3),)], call="np.ascontiguousarray(a0.T) ** 2"),
    RuleSpec(np.asfortranarray, UNARY),
    RuleSpec(np.asfortranarray, [((2, 3),)], call="np.asfortranarray(a0) ** 2"),
    # helpers (differentiated when generated code is)
    RuleSpec(rt.gather, [((3,),)], call="rt.gather(a0, np.array([[3, 0], [1, 1]])) ** 2"),
    RuleSpec(rt.gather, [((2, 3),)], call="rt.gather(a0, np.array([2, 0, 1, 2]), 1) ** 2"),
    RuleSpec(rt.scatter, [((2, 2),)], call="rt.scatter(a0, np.array([[3, 0], [1, 1]]), (3,))"),
    RuleSpec(
        rt.scatter, [((4, 3),)], call="rt.scatter(a0 ** 2, np.array([2, 0, 2]), (2,), 1) ** 2"
    ),
    RuleSpec(
        rt.join_batched,
        [((2, 3), (1, 3), (2, 3), (1, 3))],
        call="rt.join_batched((a0, a1), (a2, a3), 'concatenate', 0) ** 2",
    ),
    RuleSpec(
        rt.join_batched,
        [((4, 2, 3), (4, 2, 3), (2, 3))],
        call="rt.join_batched([a0, a1 * a2], [a2, a2], 'stack', 1, 1)",
    ),
    RuleSpec(
        rt.join_batched,
        [((3,), (), (3,))],
        call="rt.join_batched((a0, a1), (a2, 1.0), 'hstack') ** 2",
    ),
    RuleSpec(
        rt.split_like,
        [((5,), (2, 2), ())],
        call="rt.split_like(a0 * a1[0, 0], (a1, a2), 'concatenate', None)[0] ** 2",
    ),
    RuleSpec(
        rt.split_like,
        [((3, 3, 3), (3,), (2, 3))],
        call="rt.split_like(a0, (a1, a2), 'vstack', 0, 1)[1] * a0[:, :2, :]",
    ),
    RuleSpec(
        rt.select_batched,
        [((2, 3), (2, 3), (3,), (2, 3))],
        call="rt.select_batched([a0, a1], a2, [a3 > 0, a3 < -0.5], [a3, a3], a2) ** 2",
    ),
    RuleSpec(
        rt.select_parts,
        [((2, 3), (2, 3), (3,))],
        call="rt.select_parts(a0 ** 2, [a1 > 0], [a1], a2)[1] * a2",
    ),
    RuleSpec(
        rt.array_batched,
        [((3,), (3,), (3,))],
        call="rt.array_batched([a0, a1 * a0], [a2, a2], (2, 3)) ** 2",
    ),
    RuleSpec(rt.array_batched, [((2, 3),)], call="rt.array_batched(a0 ** 2, a0[0], (3,), 1) ** 2"),
    RuleSpec(rt.array_vjp, [((2, 3), (3,))], call="rt.array_vjp(a0 ** 2, [a1, a1])[1] * a1"),
    RuleSpec(rt.array_vjp, [((2, 3),)], call="rt.array_vjp(a0 ** 2, a0) ** 2"),
]

SPECS += [  # numpy >= 2.0 (matrix_transpose), >= 2.1 (unstack), < 2.0 (msort)
    RuleSpec(optional(np, "matrix_transpose"), [((2, 3),), ((2, 3, 4),)]),
    RuleSpec(optional(np, "matrix_transpose"), [((2, 3),)], call="np.matrix_transpose(a0) ** 2"),
    RuleSpec(
        optional(np, "unstack"),
        [((2, 3),)],
        call="np.unstack(a0, axis=1)[0] * np.unstack(a0, axis=1)[2]",
    ),
    RuleSpec(optional(np, "unstack"), [((2, 3, 2),)], call="np.unstack(a0, axis=-1)[1] ** 2"),
    RuleSpec(optional(np, "msort"), [((3, 2),)], domain=TIES, call="np.msort(a0) ** 2"),
]
