"""Batching rules for srcad's runtime helpers, which generated derivative code calls
(``vmap(grad(f))`` batches that code).

Most helpers take a derivative argument with `batch` leading direction axes and primal
arguments that only give it a shape (``rt.unbroadcast(g, x, batch)`` sums `g` to `x`'s
shape). Where the derivative argument is batched and the others only give shapes, the batch
axis is one more leading axis, ``batch + 1``, and a batched shape-giving argument is
replaced by its first example (every example has the same shape). A helper whose other
arguments are batched values (``rt.matmul_vjp_y(g, x, y)`` with the activations `x` of each
example) has a batched form of its own, or runs once per example.
"""

from __future__ import annotations

from collections.abc import Callable

import gast

from .. import runtime as rt
from ..ir import syntax as S
from .calls import PrimitiveCall
from .rules import Ctx, Out

# helper -> (derivative parameter, parameters used only for their shape or structure)
_DIRECTIONAL = {
    rt.unbroadcast: ("g", ("x",)),
    rt.unbroadcast_kept: ("g", ("x",)),
    rt.sum_to_shape: ("g", ()),
    rt.fit: ("t", ("like",)),
    rt.lift: ("dx", ("x",)),
    rt.getitem_vjp: ("g", ("x",)),
    rt.broadcast_batched: ("t", ("x",)),
    rt.getitem_batched: ("b", ()),
    rt.sum_vjp: ("g", ("x",)),
    rt.mean_vjp: ("g", ("x",)),
    rt.sum_jvp: ("dx", ("x",)),
    rt.mean_jvp: ("dx", ("x",)),
    rt.reshape_batched: ("g", ()),
    rt.matmul_vjp_x: ("g", ("x",)),
    rt.matmul_vjp_y: ("g", ("y",)),
    rt.matmul_jvp_x: ("dx", ()),
    rt.matmul_jvp_y: ("dy", ()),
}


def directional(pc: PrimitiveCall, ctx: Ctx, deriv: str, shape_only: tuple) -> Out | None:
    if "batch" not in pc.params:
        return None
    values = [p for p in pc.params if p not in (deriv, "batch", *shape_only)]
    if any(pc.batched(pc.params[p]) for p in values) or pc.batched(pc.params["batch"]):
        return None
    call = pc
    pre: list = []
    for p in shape_only:
        if p in pc.params and pc.batched(pc.params[p]):
            first = ctx.names.rt_call("first_example", [S.clone(pc.params[p])])
            call = call.with_arg(p, ctx.let(pre, "example", first))
    if not pc.batched(pc.params[deriv]):
        return Out(pre, call.expr(ctx.names), False)  # the same for every example
    batch = pc.params["batch"]
    if isinstance(batch, gast.Constant) and isinstance(batch.value, int):
        batch = S.const(batch.value + 1)
    else:
        batch = gast.BinOp(S.clone(batch), gast.Add(), S.const(1))
    return Out(pre, call.with_arg("batch", batch).expr(ctx.names), True)


def matmul_products(pc: PrimitiveCall, ctx: Ctx, name: str) -> Out | None:
    """rt.matmul_vjp_x / _y with batched values besides the derivative."""
    g, x, y = (pc.params.get(p) for p in ("g", "x", "y"))
    if g is None or pc.batched(pc.params.get("batch")):
        return None
    flags = S.tuple_([S.const(bool(pc.batched(v))) for v in (g, x, y)])
    args = [S.clone(g), S.clone(x), S.clone(y), flags, S.clone(pc.params["batch"])]
    return Out([], ctx.names.rt_call(f"{name}_batched", args), True)


def scalar_seed(pc: PrimitiveCall, ctx: Ctx) -> Out | None:
    """grad's seed: every example's output is checked like the first's (same shape and
    dtype), and the seed is the same for all."""
    first = ctx.names.rt_call("first_example", [S.clone(pc.args[0])])
    return Out([], ctx.names.rt_call("scalar_seed", [first]), False)


def kept_shape(pc: PrimitiveCall, ctx: Ctx) -> Out | None:
    """What a tape keeps of a value for its shape (srcad.optimize.shape_saves): every
    example's shape is the first's, so the shape kept is the same for all."""
    x = pc.args[0] if len(pc.args) == 1 else None
    if x is None or not pc.batched(x):
        return Out([], pc.expr(ctx.names), False)
    first = ctx.names.rt_call("first_example", [S.clone(x)])
    return Out([], ctx.names.rt_call("shape_only", [first]), False)


def unchanged(pc: PrimitiveCall, ctx: Ctx) -> Out | None:
    """Helpers that work leafwise on containers, batched or not (rt.add, rt.copy)."""
    return Out([], pc.expr(ctx.names), True)


def parts(pc: PrimitiveCall, ctx: Ctx, values: str, like: str) -> Out | None:
    """rt.pack_like(x, parts) and rt.unpack_parts(b, x): `x` gives the container type, or,
    for an array, the axis the parts lie along (after the direction axes)."""
    value, structure = pc.params.get(values), pc.params.get(like)
    if value is None or structure is None or pc.batched(value) not in (True, False):
        return None
    pre: list = []
    call = pc
    if pc.batched(structure):
        first = ctx.names.rt_call("first_example", [S.clone(structure)])
        call = call.with_arg(like, ctx.let(pre, "example", first))
    return Out(pre, call.expr(ctx.names), pc.batched(value))


def zeros_like(pc: PrimitiveCall, ctx: Ctx) -> Out | None:
    x = pc.params.get("x")
    batch = pc.params.get("batch")
    if x is None or (batch is not None and pc.batched(batch)):
        return None
    if batch is None or (isinstance(batch, gast.Constant) and batch.value == ()):
        return Out([], pc.expr(ctx.names), True)
    pre: list = []
    first = ctx.let(pre, "example", ctx.names.rt_call("first_example", [S.clone(x)]))
    zeros = ctx.let(pre, "zeros", pc.with_arg("x", first).expr(ctx.names))
    return Out(pre, ctx.names.rt_call("batch_like", [zeros, S.clone(x)]), True)


def helper_rules() -> dict[int, Callable]:
    out: dict[int, Callable] = {}
    for helper, (deriv, shape_only) in _DIRECTIONAL.items():

        def rule(pc, ctx, deriv=deriv, shape_only=shape_only, helper=helper):
            found = directional(pc, ctx, deriv, shape_only)
            if found is None and helper in (rt.matmul_vjp_x, rt.matmul_vjp_y):
                return matmul_products(pc, ctx, helper.__name__)
            return found

        out[id(helper)] = rule
    out[id(rt.scalar_seed)] = scalar_seed
    out[id(rt.zeros_like)] = zeros_like
    out[id(rt.shape_only)] = kept_shape
    for leafwise in (rt.add, rt.copy, rt.sequence):
        out[id(leafwise)] = unchanged
    out[id(rt.pack_like)] = lambda pc, ctx: parts(pc, ctx, "parts", "x")
    out[id(rt.unpack_parts)] = lambda pc, ctx: parts(pc, ctx, "b", "x")
    return out
