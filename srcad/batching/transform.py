"""Batching, the transform: each statement of a normalized function, for a batch of examples.

Accepts a function in A-normal form and the batchedness of its names
(`srcad.batching.analysis`). Statements whose operands are all unbatched stay as they are;
the others are rewritten by the batching rules (`srcad.batching.rules`): indexing gets a
leading ``:``, attributes answer for one example, operators and numpy calls get their
batched form, calls of other user functions call their batched code, and what has no rule
runs once per example (`rt.per_example`) when it is pure, or is refused with the user's
line. A name the analysis says is batched but that is assigned an unbatched value gets the
batch axis there (`rt.batch_like`), so that every batched name has it on every leaf.
Guarantees: the rewritten body computes, for every batched name, the stack of what the
original computes for each example.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import gast

from ..errors import UnsupportedOperationError
from ..fence import location
from ..ir import syntax as S
from ..ir.resolution import Resolution
from ..rules import operators
from ..rules.registry import Effect
from ..rules.template import lookup
from . import analysis as A
from .calls import PrimitiveCall
from .helpers import helper_rules
from .rules import Ctx, Out, elementwise, elementwise_node, matmul, table

_TABLE: dict | None = None


def _rules() -> dict:
    global _TABLE
    if _TABLE is None:
        # The rules of srcad's runtime helpers live in helpers.py, which builds on rules.py.
        _TABLE = {**table(), **helper_rules()}
    return _TABLE


@dataclasses.dataclass
class Env:
    names: dict  # name -> batchedness
    kinds: dict
    ndims: dict  # per-example ranks
    resolution: Resolution
    ctx: Ctx
    filename: str
    function: str
    size: Callable[[], gast.expr]  # the number of examples, as an expression
    callee: Callable  # (call, target, statement) -> (new call, batchedness, result)
    results: dict = dataclasses.field(default_factory=dict)  # name -> (kind, rank)

    def of(self, node) -> A.Batched:
        if isinstance(node, gast.Name):
            return self.names.get(node.id, False)
        return False

    def ndim(self, node):
        if isinstance(node, gast.Name):
            return self.ndims.get(node.id)
        if isinstance(node, gast.Constant) and isinstance(node.value, (int, float, complex)):
            return 0
        return None

    def kind(self, node):
        if isinstance(node, gast.Name):
            return self.kinds.get(node.id)
        return None

    def refuse(self, node, message: str, hint: str) -> UnsupportedOperationError:
        return UnsupportedOperationError(
            f"vmap: {message}", location(node, self.filename, self.function), hint=hint
        )


def block(stmts: list, env: Env) -> list:
    out: list = []
    for stmt in stmts:
        out.extend(statement(stmt, env))
    return out


def statement(stmt, env: Env) -> list:
    if isinstance(stmt, gast.Assign):
        return _assign(stmt, env)
    if isinstance(stmt, (gast.If, gast.While)):
        stmt.body = block(stmt.body, env)
        stmt.orelse = block(stmt.orelse, env)
        return [stmt]
    if isinstance(stmt, gast.For):
        stmt.body = block(stmt.body, env)
        stmt.orelse = block(stmt.orelse, env)
        return [stmt]
    if isinstance(stmt, gast.Expr):
        return _expression_statement(stmt, env)
    return [stmt]


def _assign(stmt: gast.Assign, env: Env) -> list:
    target = stmt.targets[0]
    if isinstance(target, gast.Subscript):
        return _item_assignment(stmt, env)
    if isinstance(target, gast.Attribute):
        if A.any_batched(env.of(stmt.value)) or A.any_batched(env.of(target.value)):
            raise env.refuse(
                stmt, "an attribute assignment with batched values", "assign to a local name"
            )
        return [stmt]
    operands = _operand_atoms(stmt.value)
    pre: list = []
    value_batched: A.Batched = False
    out = None
    operands_batched = any(A.any_batched(env.of(o)) for o in operands)
    if operands_batched:
        out = rhs(stmt.value, env, stmt)
        pre, stmt.value, value_batched = out.pre, out.value, out.batched
    stmts = S.set_lines(pre, getattr(stmt, "lineno", None)) + [stmt]
    _learn(target, stmt.value, out if operands_batched else None, env)
    if isinstance(target, gast.Name):
        stmts += _promote(target.id, value_batched, env.names.get(target.id, False), env, stmt)
    elif isinstance(target, (gast.Tuple, gast.List)):
        for i, elt in enumerate(target.elts):
            if isinstance(elt, gast.Name):
                have = A.item(value_batched, i)
                stmts += _promote(elt.id, have, env.names.get(elt.id, False), env, stmt)
    return stmts


def _learn(target, value, out, env: Env) -> None:
    """What a batched callee's result is (its kind and ranks, `srcad.build.batched`), for
    the names that hold it or its items: the rules then write plain indexing and products,
    without looking at ranks at run time."""
    result = getattr(out, "result", None)
    if isinstance(target, gast.Name) and result is not None:
        env.results[target.id] = result
        _describe(target.id, result, env)
    elif isinstance(target, (gast.Tuple, gast.List)) and isinstance(value, gast.Name):
        result = env.results.get(value.id)
        if result is not None and result[0] == "items":
            for elt, item in zip(target.elts, result[1]):
                if isinstance(elt, gast.Name):
                    env.results[elt.id] = item
                    _describe(elt.id, item, env)


def _describe(name: str, result, env: Env) -> None:
    kind, rank = ("tuple", None) if result[0] == "items" else result
    if kind is not None and name not in env.kinds:
        env.kinds[name] = kind
    if isinstance(rank, int) and name not in env.ndims:
        env.ndims[name] = rank


def _promote(name: str, have: A.Batched, want: A.Batched, env: Env, stmt) -> list:
    """`name = value` gave it batchedness `have`; the analysis says `want` (all it may hold
    at once): give the value the batch axis it lacks."""
    if have == want or want is False:
        return []
    if have is False:
        new = env.ctx.names.rt_call("batch_to", [S.name(name), env.size()])
    elif want is True:
        new = env.ctx.names.rt_call("batch_structure", [S.name(name), S.const(have), env.size()])
    else:
        raise env.refuse(
            stmt,
            f"{name!r} holds tuples of values batched in different places",
            "give each its own name",
        )
    return S.set_lines([S.assign(name, new)], getattr(stmt, "lineno", None))


def _operand_atoms(node) -> list:
    return [n for n in S.walk(node) if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load)]


def rhs(value, env: Env, stmt) -> Out:
    if isinstance(value, gast.Name):
        return Out([], value, env.of(value))
    if isinstance(value, gast.Tuple):
        return Out([], value, A.tuple_of([env.of(e) for e in value.elts]))
    if isinstance(value, gast.List):
        return _display(value, value.elts, env, stmt)
    if isinstance(value, gast.Dict):
        return _display(value, value.values, env, stmt)
    if isinstance(value, gast.Subscript):
        return _subscript(value, env, stmt)
    if isinstance(value, gast.Attribute):
        return _attribute(value, env, stmt)
    if isinstance(value, gast.BinOp):
        return _binop(value, env, stmt)
    if isinstance(value, gast.UnaryOp):
        return _operator(value, [value.operand], operators.unary(value.op), env, stmt)
    if isinstance(value, gast.Compare):
        return _operator(value, [value.left, value.comparators[0]], None, env, stmt)
    if isinstance(value, gast.Call):
        return _call(value, env, stmt)
    raise env.refuse(stmt, f"no batching rule for {S.to_source(value)}", _HINT)


_HINT = "write it with numpy functions, or loop over the examples yourself"


def _display(node, items: list, env: Env, stmt) -> Out:
    """A list or dict display with batched items: every item gets the batch axis."""
    pre: list = []
    new_items = list(items)
    for i, e in enumerate(items):
        b = env.of(e)
        if b is True:
            continue
        helper, args = ("batch_to", [S.clone(e), env.size()])
        if isinstance(b, tuple):
            helper, args = ("batch_structure", [S.clone(e), S.const(b), env.size()])
        new_items[i] = env.ctx.let(pre, "batched", env.ctx.names.rt_call(helper, args))
    if isinstance(node, gast.Dict):
        return Out(pre, gast.Dict(keys=node.keys, values=new_items), True)
    return Out(pre, type(node)(elts=new_items, ctx=gast.Load()), True)


def _subscript(node: gast.Subscript, env: Env, stmt) -> Out:
    obj = node.value
    whole = env.of(obj)
    index_batched = any(A.any_batched(env.of(n)) for n in _operand_atoms(node.slice))
    if index_batched:
        return _per_example_subscript(node, env)
    kind = env.kind(obj)
    if isinstance(whole, tuple) or kind in ("list", "tuple", "dict"):
        if isinstance(node.slice, gast.Constant):
            return Out([], node, A.item(whole, node.slice.value))
        return Out([], node, True if A.any_batched(whole) else False)
    if kind == "array":
        parts = node.slice.elts if isinstance(node.slice, gast.Tuple) else [node.slice]
        if any(isinstance(p, gast.Constant) and p.value is Ellipsis for p in parts):
            if not isinstance(parts[0], gast.Constant) or parts[0].value is not Ellipsis:
                pass  # x[i, ...]: the leading ':' goes before i below
            else:
                return Out([], node, True)  # x[..., i]: the batch axis is in the ellipsis
        index = S.tuple_([gast.Slice(None, None, None)] + [S.clone(p) for p in parts])
        return Out([], S.subscript(S.clone(obj), index), True)
    call = env.ctx.names.rt_call("example_item", [S.clone(obj), _index_value(node.slice)])
    return Out([], call, True)


def _index_value(index):
    from ..transform.apply import index_value

    return index_value(index)


def _per_example_subscript(node: gast.Subscript, env: Env) -> Out:
    obj = node.value
    getitem = env.ctx.names.bind("getitem", __import__("operator").getitem)
    flags = S.tuple_([S.const(A.any_batched(env.of(obj))), S.const(True)])
    call = env.ctx.names.rt_call(
        "per_example", [S.name(getitem), S.tuple_([S.clone(obj), _index_value(node.slice)]), flags]
    )
    return Out([], call, True)


def _attribute(node: gast.Attribute, env: Env, stmt) -> Out:
    names = env.ctx.names
    x = node.value
    if node.attr == "shape":
        return Out([], S.subscript(S.clone(node), gast.Slice(S.const(1), None, None)), False)
    if node.attr == "ndim":
        return Out([], gast.BinOp(S.clone(node), gast.Sub(), S.const(1)), False)
    if node.attr == "size":
        return Out([], names.rt_call("example_size", [S.clone(x)]), False)
    if node.attr == "dtype":
        return Out([], node, False)
    if node.attr in ("T", "mT"):
        pc = PrimitiveCall(None, None, [x], {}, {"a": x, "axes": S.const(None)}, ["a"],
                           env.of, env.ndim)  # fmt: skip
        if node.attr == "mT":
            return Out([], names.np_call("swapaxes", [S.clone(x), S.const(-1), S.const(-2)]),
                       True)  # fmt: skip
        from .rules import transpose

        return transpose(pc, env.ctx)
    if node.attr in ("real", "imag"):
        return Out([], node, True)
    raise env.refuse(stmt, f"no batching rule for the attribute .{node.attr}", _HINT)


def _binop(node: gast.BinOp, env: Env, stmt) -> Out:
    primitive = operators.binary(node.op, env.kinds, node)
    if isinstance(node.op, gast.MatMult):
        pc = PrimitiveCall(primitive, None, [node.left, node.right], {}, {}, [], env.of, env.ndim)
        return matmul(node.left, node.right, pc, env.ctx)
    if primitive is None or primitive in (_rt().concat, _rt().repeat_sequence):
        raise env.refuse(stmt, f"no batching rule for {S.to_source(node)}", _HINT)
    return _operator(node, [node.left, node.right], primitive, env, stmt)


def _rt():
    from .. import runtime

    return runtime


def _operator(node, operands: list, primitive, env: Env, stmt) -> Out:
    pc = PrimitiveCall(primitive, None, list(operands), {}, {}, [], env.of, env.ndim)
    return elementwise_node(node, list(operands), pc, env.ctx)


def _call(call: gast.Call, env: Env, stmt) -> Out:
    target = env.resolution.calls.get(call)
    if target is None:
        raise env.refuse(stmt, f"no batching rule for {S.to_source(call)}", _HINT)
    if target.kind == "function":
        new, batched, result = env.callee(call, target, stmt)
        out = Out([], new, batched)
        out.result = result  # (kind, rank) of the result, for the names it is assigned to
        return out
    if target.kind not in ("rule", "method") or (target.rule is None and target.obj is None):
        raise env.refuse(
            stmt,
            f"srcad cannot batch the call to {target.label or S.to_source(call.func)}",
            "call numpy functions or functions defined with def",
        )
    pc = PrimitiveCall.of(call, target, env.of, env.ndim)
    method = getattr(target, "method", None)
    if method is not None and method.mutates:
        return _changing_method(call, target, pc, env, stmt)
    rule = target.rule or lookup(pc.primitive)
    found = _rules().get(id(pc.primitive))
    out = found(pc, env.ctx) if found is not None else None
    if out is None and rule is not None and pc.params:
        params = _elementwise_params(pc.primitive, rule, pc)
        if params:
            out = elementwise(pc, env.ctx, params)
    if out is None:
        out = _per_example(call, target, pc, rule, env, stmt)
    return out


def _changing_method(call, target, pc: PrimitiveCall, env: Env, stmt) -> Out:
    """A method that changes its object, its value used (``h = h_saved.pop()``). On a list or
    dict whose items all carry the batch axis (tapes, lists appended batched values) it runs
    on the container itself, its result batched. Run once per example it would change a
    copy of each example's container and leave the container as it was: refused."""
    obj = pc.args[0] if pc.args else None
    if (
        pc.primitive is _rt().container_pop
        and obj is not None
        and env.of(obj) is True
        and env.kind(obj) in ("list", "dict")
        and not pc.keywords
        and not any(A.any_batched(env.of(a)) for a in pc.args[1:])
    ):
        return Out([], env.ctx.names.rt_call("container_pop", [S.clone(a) for a in pc.args]), True)
    raise env.refuse(
        stmt,
        f"{S.to_source(call.func)} changes its object: srcad cannot batch it "
        "(once per example, it would change a copy of each example's value)",
        "build a new value instead of changing the object in the batched function",
    )


def _elementwise_params(primitive, rule, pc: PrimitiveCall) -> tuple:
    import numpy as np

    if isinstance(primitive, np.ufunc):
        return tuple(pc.positional[: primitive.nin])
    return tuple(rule.broadcast)


def _per_example(call, target, pc: PrimitiveCall, rule, env: Env, stmt) -> Out:
    """No batching rule: the primitive runs once per example, if that is the same thing."""
    if rule is not None and rule.effect is not Effect.PURE:
        raise env.refuse(
            stmt,
            f"{target.label or pc.primitive} {rule.effect.value}: running it once per example "
            "is not running it once on the batch",
            "call it outside the batched function",
        )
    names = env.ctx.names
    function = names.function(pc.primitive)
    args = S.tuple_([S.clone(a) for a in pc.args])
    flags = S.tuple_([S.const(A.any_batched(env.of(a))) for a in pc.args])
    keywords = gast.Dict(
        keys=[S.const(k) for k in pc.keywords], values=[S.clone(v) for v in pc.keywords.values()]
    )
    if any(A.any_batched(env.of(v)) for v in pc.keywords.values()):
        raise env.refuse(stmt, f"a batched keyword argument of {S.to_source(call.func)}", _HINT)
    return Out([], names.rt_call("per_example", [function, args, flags, keywords]), True)


def _expression_statement(stmt: gast.Expr, env: Env) -> list:
    call = stmt.value
    if not isinstance(call, gast.Call):
        return [stmt]
    operands = _operand_atoms(call)
    if not any(A.any_batched(env.of(o)) for o in operands):
        return [stmt]
    target = env.resolution.calls.get(call)
    method = getattr(target, "method", None)
    if method is not None and method.mutates and isinstance(call.func.value, gast.Name):
        pre: list = []
        for i, a in enumerate(call.args):
            if isinstance(a, gast.Name) and not A.any_batched(env.of(a)):
                call.args[i] = env.ctx.let(pre, "batched", env.ctx.names.rt_call(
                    "batch_to", [S.clone(a), env.size()]))  # fmt: skip
        return S.set_lines(pre, getattr(stmt, "lineno", None)) + [stmt]
    raise env.refuse(
        stmt,
        f"a call for its effect with batched arguments ({S.to_source(call)})",
        "return the value instead",
    )


def _item_assignment(stmt: gast.Assign, env: Env) -> list:
    target = stmt.targets[0]
    obj = target.value
    if not isinstance(obj, gast.Name) or not A.any_batched(env.of(obj)):
        return [stmt]
    if any(A.any_batched(env.of(n)) for n in _operand_atoms(target.slice)):
        raise env.refuse(stmt, "an item assignment at a batched index", _HINT)
    pre: list = []
    value = stmt.value
    kind = env.kind(obj)
    if kind in ("list", "dict"):
        if not A.any_batched(env.of(value)):
            stmt.value = env.ctx.let(pre, "batched", env.ctx.names.rt_call(
                "batch_to", [S.clone(value), env.size()]))  # fmt: skip
        return S.set_lines(pre, getattr(stmt, "lineno", None)) + [stmt]
    parts = target.slice.elts if isinstance(target.slice, gast.Tuple) else [target.slice]
    index = S.tuple_([gast.Slice(None, None, None)] + [S.clone(p) for p in parts])
    if A.any_batched(env.of(value)):
        slot = S.subscript(S.clone(obj), index)
        ndim = env.ctx.let(pre, "rank", gast.BinOp(
            env.ctx.names.np_call("ndim", [slot]), gast.Sub(), S.const(1)))  # fmt: skip
        stmt.value = env.ctx.let(
            pre, "lifted", env.ctx.names.rt_call("lift_batched", [S.clone(value), ndim])
        )
    stmt.targets = [S.subscript(S.clone(obj), S.clone(index), store=True)]
    return S.set_lines(pre, getattr(stmt, "lineno", None)) + [stmt]
