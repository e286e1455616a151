"""Batching rules: how a call of a primitive with batched arguments becomes one call on the
whole batch.

Each rule takes a `PrimitiveCall` and a `Ctx` and returns `Out` (statements to run first,
the new right-hand side, the batchedness of its value), or None when the call is outside
what the rule knows; the caller then runs the primitive once per example
(`srcad.runtime.per_example`), which is always right for a pure function and slower.
Families, as the derivative rules have them:

* elementwise functions (ufuncs, and the parameters the registry says broadcast): the
  batched operands get axes of size 1 after the batch axis, so that one example of each
  has the result's rank; the call is unchanged;
* reductions and other functions of an ``axis``: the axis moves one up (``axis=0`` becomes
  ``axis=1``, None every axis but the batch axis);
* shapes: reshape, transpose, swapaxes, expand_dims, concatenate, stack, broadcast_to, and
  the queries shape, ndim, size, len, which answer for one example;
* products: matmul and dot, written with matmul's broadcasting over the batch axis, einsum
  with a subscript for it; numpy.linalg's functions of stacks of matrices as they are;
* srcad's runtime helpers in generated derivative code: where only the derivative argument
  is batched, the batch axis is one more direction axis (``batch + 1``) and a batched
  argument that only gives a shape gives one example's.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import gast
import numpy as np

from .. import runtime as rt
from ..ir import syntax as S
from .calls import Names, PrimitiveCall


@dataclasses.dataclass
class Out:
    pre: list  # statements to run before the assignment
    value: gast.expr
    batched: object  # the batchedness of the value (srcad.batching.analysis)


@dataclasses.dataclass
class Ctx:
    names: Names
    fresh: Callable[[str], str]
    kind: Callable  # atom -> "array", "list", "tuple", "dict" or None

    def let(self, pre: list, base: str, value: gast.expr) -> gast.Name:
        """Assign `value` to a fresh name (appended to `pre`); that name, loaded."""
        name = self.fresh(base)
        pre.append(S.assign(name, value))
        return S.name(name)


def _const(node):
    return node.value if isinstance(node, gast.Constant) else _MISSING


_MISSING = object()


# ----------------------------------------------------------------------------- elementwise
def lift(ctx: Ctx, pre: list, operands: list, pc: PrimitiveCall) -> list | None:
    """The operands with the batched ones lifted to the result's rank; None if a rank is
    unknown and the lift is not a plain one."""
    ranks = [pc.ndim(o) for o in operands]
    out = list(operands)
    if all(r is not None for r in ranks):
        result = max(ranks + [0])
        for i, (o, r) in enumerate(zip(operands, ranks)):
            if pc.batched(o) and r < result:
                index = S.tuple_([gast.Slice(None, None, None)] + [S.const(None)] * (result - r))
                out[i] = ctx.let(pre, "lifted", S.subscript(S.clone(o), index))
        return out
    pairs = S.tuple_([S.tuple_([S.clone(o), S.const(bool(pc.batched(o)))]) for o in operands])
    rank = ctx.let(pre, "rank", gast.Call(
        func=S.attr(S.name(ctx.names.rt), "example_ndim"),
        args=[gast.Starred(value=pairs, ctx=gast.Load())],
        keywords=[],
    ))  # fmt: skip
    for i, o in enumerate(operands):
        if pc.batched(o):
            out[i] = ctx.let(pre, "lifted", ctx.names.rt_call("lift_batched", [S.clone(o), rank]))
    return out


def elementwise(pc: PrimitiveCall, ctx: Ctx, params: tuple) -> Out | None:
    """A function elementwise in `params` (every other argument must be unbatched)."""
    others = [p for p in pc.params if p not in params]
    if any(pc.batched(pc.params[p]) for p in others):
        return None
    pre: list = []
    operands = [pc.params[p] for p in params if p in pc.params]
    lifted = lift(ctx, pre, operands, pc)
    call = pc
    for p, new in zip([p for p in params if p in pc.params], lifted):
        call = call.with_arg(p, new)
    return Out(pre, call.expr(ctx.names), True)


def elementwise_node(node, operands: list, pc: PrimitiveCall, ctx: Ctx) -> Out:
    """An operator (``a * b``, ``-a``, ``a < b``) on batched operands: `operands` are the
    node's own operand nodes, in order (left, right; operand; left, comparator)."""
    pre: list = []
    lifted = lift(ctx, pre, operands, pc)
    if isinstance(node, gast.BinOp):
        node = gast.BinOp(lifted[0], node.op, lifted[1])
    elif isinstance(node, gast.UnaryOp):
        node = gast.UnaryOp(node.op, lifted[0])
    elif isinstance(node, gast.Compare):
        node = gast.Compare(lifted[0], node.ops, [lifted[1]])
    return Out(pre, node, True)


# ----------------------------------------------------------------------------- reductions
# Functions whose `axis` (None: all axes) is the only thing tied to the layout.
_REDUCTIONS = [
    "sum", "mean", "prod", "max", "min", "amax", "amin", "std", "var", "any", "all",
    "nansum", "nanmean", "nanprod", "nanmax", "nanmin", "nanstd", "nanvar", "median",
    "nanmedian", "ptp", "count_nonzero", "average", "percentile", "quantile",
    "nanpercentile", "nanquantile", "trapezoid", "trapz",
]  # fmt: skip
# Functions that flatten their argument when axis is None (and take axis, default None).
_FLATTENING = ["argmax", "argmin", "cumsum", "cumprod", "nancumsum", "nancumprod",
               "nanargmax", "nanargmin"]  # fmt: skip
# Functions of an axis whose default is not None: their default is kept, shifted.
_AXIS_DEFAULTS = {"sort": -1, "argsort": -1, "flip": None, "diff": -1, "gradient": None}


def reduction(pc: PrimitiveCall, ctx: Ctx, flattening: bool = False) -> Out | None:
    first = pc.positional[0] if pc.positional else None
    if first is None or "axis" not in pc.params:
        return None
    x = pc.params[first]
    if any(pc.batched(pc.params[p]) for p in pc.params if p != first):
        return None
    pre: list = []
    axis = pc.params["axis"]
    value = _const(axis)
    rank = pc.ndim(x)
    if flattening and value is None:
        shape = ctx.let(pre, "shape", ctx.names.np_call("shape", [S.clone(x)]))
        flat = ctx.names.np_call(
            "reshape",
            [S.clone(x), S.tuple_([S.subscript(shape, S.const(0)), S.const(-1)])],
        )
        x = ctx.let(pre, "flat", flat)
        new_axis = S.const(1)
        pc = pc.with_arg(first, x)
    elif value is not _MISSING and rank is not None:
        new_axis = S.const(rt.example_axis(value, rank))
    else:
        ndim = gast.BinOp(ctx.names.np_call("ndim", [S.clone(x)]), gast.Sub(), S.const(1))
        new_axis = ctx.names.rt_call("example_axis", [S.clone(axis), ndim])
    return Out(pre, pc.with_arg("axis", new_axis).expr(ctx.names), True)


# ----------------------------------------------------------------------------- shapes
def reshape(pc: PrimitiveCall, ctx: Ctx) -> Out | None:
    first = pc.positional[0]
    x = pc.params[first]
    shape_param = next((p for p in ("newshape", "shape") if p in pc.params), None)
    if shape_param is None or pc.batched(pc.params[shape_param]) or not pc.batched(x):
        return None
    shape = pc.params[shape_param]
    new = ctx.names.rt_call("batched_shape", [S.clone(x), S.clone(shape)])
    return Out([], pc.with_arg(shape_param, new).expr(ctx.names), True)


def transpose(pc: PrimitiveCall, ctx: Ctx) -> Out | None:
    x = pc.params[pc.positional[0]]
    axes = pc.params.get("axes", S.const(None))
    if pc.batched(axes):
        return None
    rank = pc.ndim(x)
    value = _const(axes)
    if rank is not None and value is not _MISSING:
        new = S.const(rt.example_permutation(value, rank))
    else:
        ndim = gast.BinOp(ctx.names.np_call("ndim", [S.clone(x)]), gast.Sub(), S.const(1))
        new = ctx.names.rt_call("example_permutation", [S.clone(axes), ndim])
    return Out([], ctx.names.np_call("transpose", [S.clone(x), new]), True)


def shifted_axes(pc: PrimitiveCall, ctx: Ctx, params: tuple) -> Out | None:
    """swapaxes, moveaxis, expand_dims, squeeze (with an axis), flip, roll, ...: every
    named axis parameter moves one up."""
    x = pc.params.get(pc.positional[0])
    if x is None or any(pc.batched(pc.params[p]) for p in pc.params if p != pc.positional[0]):
        return None
    call = pc
    for p in params:
        axis = pc.params.get(p)
        if axis is None:
            continue
        value = _const(axis)
        if value is None:
            return None  # flattening or "every axis": no plain rule
        if value is not _MISSING:
            new = S.const(rt.example_axis(value, 0))  # an int or a tuple: rank not needed
        else:
            ndim = gast.BinOp(ctx.names.np_call("ndim", [S.clone(x)]), gast.Sub(), S.const(1))
            new = ctx.names.rt_call("example_axis", [S.clone(axis), ndim])
        call = call.with_arg(p, new)
    return Out([], call.expr(ctx.names), True)


def _name(pc: PrimitiveCall) -> str:
    return getattr(pc.primitive, "__name__", "")


def joined(pc: PrimitiveCall, ctx: Ctx, default_axis: int) -> Out | None:
    """concatenate and stack of a list or tuple whose items are all batched."""
    seq_param = pc.positional[0]
    seq = pc.params[seq_param]
    if any(pc.batched(pc.params[p]) for p in pc.params if p != seq_param):
        return None
    if not isinstance(seq, gast.Name) or ctx.kind(seq) not in ("list", "tuple"):
        return None
    if pc.batched(seq) is not True:
        return None
    axis = pc.params.get("axis", S.const(default_axis))
    value = _const(axis)
    if value is None or value is _MISSING or value < 0:
        return None
    return Out([], pc.with_arg("axis", S.const(value + 1)).expr(ctx.names), True)


def broadcast_to(pc: PrimitiveCall, ctx: Ctx) -> Out | None:
    x, shape = pc.params.get("array"), pc.params.get("shape")
    if x is None or shape is None or pc.batched(shape):
        return None
    pre: list = []
    size = ctx.names.np_call("size", [S.clone(shape)])
    lifted = ctx.let(pre, "lifted", ctx.names.rt_call("lift_batched", [S.clone(x), size]))
    new_shape = ctx.names.rt_call("batched_shape", [S.clone(x), S.clone(shape)])
    return Out(pre, ctx.names.np_call("broadcast_to", [lifted, new_shape]), True)


def shape_query(pc: PrimitiveCall, ctx: Ctx) -> Out | None:
    """np.shape, np.ndim, np.size and len of a batched value: one example's."""
    name = _name(pc)
    x = pc.args[0] if pc.args else None
    if x is None or not pc.batched(x):
        return None
    kind = ctx.kind(x)
    if name == "len":
        if kind in ("list", "tuple", "dict"):
            return Out([], pc.expr(ctx.names), False)
        if kind == "array":
            shape = ctx.names.np_call("shape", [S.clone(x)])
            return Out([], S.subscript(shape, S.const(1)), False)
        return Out([], ctx.names.rt_call("example_len", [S.clone(x)]), False)
    if kind not in ("array", None):
        return None
    if name == "shape":
        shape = ctx.names.np_call("shape", [S.clone(x)])
        return Out([], S.subscript(shape, gast.Slice(S.const(1), None, None)), False)
    if name == "ndim":
        return Out([], gast.BinOp(pc.expr(ctx.names), gast.Sub(), S.const(1)), False)
    if name == "size":
        return Out([], ctx.names.rt_call("example_size", [S.clone(x)]), False)
    return None


def count(pc: PrimitiveCall, ctx: Ctx) -> Out | None:
    """rt.count(x) (the elements a reduction over every axis combines) of a batched value:
    one example's; over given axes, left to the per-example fallback."""
    x = pc.args[0] if pc.args else None
    if x is None or not pc.batched(x) or ctx.kind(x) not in ("array", None):
        return None
    axis = pc.args[1] if len(pc.args) > 1 else pc.keywords.get("axis")
    if axis is not None and not (isinstance(axis, gast.Constant) and axis.value is None):
        return None
    return Out([], ctx.names.rt_call("example_size", [S.clone(x)]), False)


# ----------------------------------------------------------------------------- products
def matmul(a, b, pc: PrimitiveCall, ctx: Ctx) -> Out | None:
    """``a @ b`` per example, with matmul's own broadcasting where it gives that."""
    ab, bb = pc.batched(a), pc.batched(b)
    ra, rb = pc.ndim(a), pc.ndim(b)
    np_ = ctx.names
    if ra is None or rb is None or ra == 0 or rb == 0:
        flags = [S.const(bool(ab)), S.const(bool(bb))]
        return Out([], np_.rt_call("matmul_batched", [S.clone(a), S.clone(b), *flags]), True)
    pre: list = []
    if ab and not bb and rb <= 2:
        # rows of a batch times one matrix (or vector): matmul does it as it is
        return Out(pre, gast.BinOp(S.clone(a), gast.MatMult(), S.clone(b)), True)
    if bb and not ab and ra <= 2 and rb >= 2:
        return Out(pre, gast.BinOp(S.clone(a), gast.MatMult(), S.clone(b)), True)
    if bb and not ab and ra <= 2 and rb == 1:
        # A v for each v: (B, k) @ A.T
        at = S.clone(a) if ra == 1 else np_.np_call("swapaxes", [S.clone(a), S.const(-1),
                                                                 S.const(-2)])  # fmt: skip
        return Out(pre, gast.BinOp(S.clone(b), gast.MatMult(), at), True)
    if ab and bb and ra == rb and ra >= 2:
        return Out(pre, gast.BinOp(S.clone(a), gast.MatMult(), S.clone(b)), True)
    if ab and bb and ra == 1 and rb == 1:
        product = gast.BinOp(S.clone(a), gast.Mult(), S.clone(b))
        return Out(pre, np_.np_call("sum", [product], {"axis": S.const(-1)}), True)
    flags = [S.const(bool(ab)), S.const(bool(bb))]
    return Out(pre, np_.rt_call("matmul_batched", [S.clone(a), S.clone(b), *flags]), True)


def dot(pc: PrimitiveCall, ctx: Ctx) -> Out | None:
    a, b = pc.args[0], pc.args[1] if len(pc.args) > 1 else None
    if b is None or pc.keywords:
        return None
    ra, rb = pc.ndim(a), pc.ndim(b)
    if ra is None or rb is None or ra > 2 or rb > 2:
        return None
    if ra == 0 or rb == 0:
        return elementwise_node(gast.BinOp(S.clone(a), gast.Mult(), S.clone(b)), [a, b], pc, ctx)
    return matmul(a, b, pc, ctx)


def einsum(pc: PrimitiveCall, ctx: Ctx) -> Out | None:
    """einsum with explicit subscripts: a new subscript letter for the batch axis."""
    if not pc.args or pc.keywords:
        return None
    spec = _const(pc.args[0])
    if not isinstance(spec, str) or "->" not in spec or "." in spec:
        return None
    inputs, output = spec.replace(" ", "").split("->")
    inputs = inputs.split(",")
    operands = pc.args[1:]
    if len(inputs) != len(operands) or pc.batched(pc.args[0]):
        return None
    letter = next(
        c for c in "zyxwvutsrqponmlkjihgfedcbaZYXWVUTSRQPONMLKJIHGFEDCBA" if c not in spec
    )
    new_inputs = [letter + s if pc.batched(o) else s for s, o in zip(inputs, operands)]
    new_spec = ",".join(new_inputs) + "->" + letter + output
    return Out([], ctx.names.np_call("einsum", [S.const(new_spec), *map(S.clone, operands)]), True)


def stacked_linalg(pc: PrimitiveCall, ctx: Ctx) -> Out | None:
    """numpy.linalg functions of one matrix, which take stacks of matrices as they are."""
    x = pc.args[0] if pc.args else None
    if x is None or pc.ndim(x) != 2:
        return None
    if any(pc.batched(a) for a in pc.operands() if a is not x):
        return None
    return Out([], pc.expr(ctx.names), True)


def solve(pc: PrimitiveCall, ctx: Ctx) -> Out | None:
    a, b = pc.params.get("a"), pc.params.get("b")
    if a is None or b is None or pc.ndim(a) != 2 or pc.ndim(b) not in (1, 2):
        return None
    pre: list = []
    if pc.batched(a) and not pc.batched(b):
        b = ctx.let(pre, "rhs", S.subscript(S.clone(b), S.const(None)))
    if pc.ndim(b) == 1 or (pc.batched(b) and pc.ndim(b) == 1):
        index = S.tuple_([gast.Constant(Ellipsis, None), S.const(None)])
        column = ctx.let(pre, "column", S.subscript(S.clone(b), index))
        solved = ctx.let(pre, "solved", ctx.names.np_call("linalg.solve", [S.clone(a), column]))
        index = S.tuple_([gast.Constant(Ellipsis, None), S.const(0)])
        return Out(pre, S.subscript(solved, index), True)
    return Out(pre, ctx.names.np_call("linalg.solve", [S.clone(a), S.clone(b)]), True)


# ----------------------------------------------------------------------------- table
def _np(name):
    return getattr(np, name, None)


def table() -> dict:
    """{id(primitive): rule(pc, ctx)} (elementwise functions are found by their facts)."""
    out: dict[int, Callable] = {}
    for name in _REDUCTIONS:
        if _np(name) is not None:
            out[id(_np(name))] = reduction
    for name in _FLATTENING:
        if _np(name) is not None:
            out[id(_np(name))] = lambda pc, ctx: reduction(pc, ctx, flattening=True)
    for name, _default in _AXIS_DEFAULTS.items():
        if _np(name) is not None:
            out[id(_np(name))] = lambda pc, ctx: shifted_axes(pc, ctx, ("axis",))
    for name, params in (
        ("swapaxes", ("axis1", "axis2")),
        ("moveaxis", ("source", "destination")),
        ("expand_dims", ("axis",)),
        ("squeeze", ("axis",)),
        ("roll", ("axis",)),
        ("take", ("axis",)),
        ("repeat", ("axis",)),
        ("split", ("axis",)),
        ("array_split", ("axis",)),
    ):
        out[id(_np(name))] = lambda pc, ctx, params=params: shifted_axes(pc, ctx, params)
    out[id(np.reshape)] = reshape
    out[id(np.transpose)] = transpose
    out[id(np.concatenate)] = lambda pc, ctx: joined(pc, ctx, 0)
    out[id(np.stack)] = lambda pc, ctx: joined(pc, ctx, 0)
    out[id(np.broadcast_to)] = broadcast_to
    for query in (np.shape, np.ndim, np.size, len):
        out[id(query)] = shape_query
    out[id(np.matmul)] = lambda pc, ctx: matmul(pc.args[0], pc.args[1], pc, ctx)
    out[id(np.dot)] = dot
    out[id(np.einsum)] = einsum
    for name in ("inv", "det", "slogdet", "eigh", "eigvalsh", "cholesky", "pinv",
                 "matrix_power", "qr", "svd", "eig", "eigvals"):  # fmt: skip
        if getattr(np.linalg, name, None) is not None:
            out[id(getattr(np.linalg, name))] = stacked_linalg
    out[id(np.linalg.solve)] = solve
    out[id(rt.count)] = count
    return out
