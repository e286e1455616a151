"""Rule application: one normalized right-hand side -> its derivative statements.

Shared by forward and reverse mode. Given ``target = rhs`` (rhs in A-normal form), produce the
statements, in d-notation, that propagate derivatives through it: tangent definitions
(``d[target] = ...``, jvp) or adjoint contributions (``d[operand] = ...``, vjp). Operators,
numpy calls, methods and attributes go through the rule tables; broadcasting operands get one
`unbroadcast` (reverse) or `lift` (forward, with direction axes) here, never in a rule. Calls
to user functions are delegated to `Env.callee`, which transforms them recursively.
"""

from __future__ import annotations

import dataclasses
import functools
import operator
from collections.abc import Callable

import gast

from ..analyze.activity import Activity
from ..analyze.calls import bind
from ..analyze.ndims import REAL, same_shape
from ..errors import MissingRuleError, UnsupportedOperationError
from ..fence import location
from ..ir import syntax as S
from ..ir.dnotation import Deriv, Zero, accumulate, deriv
from ..ir.resolution import Resolution, Target
from ..rules import operators
from ..rules.template import BindError, Rule, instantiate, lookup


@dataclasses.dataclass
class Env:
    resolution: Resolution
    activity: Activity
    kinds: dict
    fresh: Callable[[str], str]
    batch: int
    bind_external: Callable[[str, object], str]
    filename: str
    function: str
    callee: Callable | None = None  # (Target, call, active params, mode) -> CalleeNames
    ndims: dict = dataclasses.field(default_factory=dict)  # name -> known number of dims

    def active(self, node) -> bool:
        return isinstance(node, gast.Name) and self.activity.is_active(node.id)

    def where(self, node):
        return location(node, self.filename, self.function)


@dataclasses.dataclass
class Applied:
    """Derivative statements for one assignment; `primal` replaces the forward statement."""

    derivative: list
    primal: list | None = None


def _missing_rule(env: Env, node, target: Target, mode: str) -> MissingRuleError:
    if target.kind == "local" or (
        target.kind == "unknown"
        and target.obj is not None
        and (
            callable(target.obj)
            and not (getattr(target.obj, "__module__", None) or "").startswith(
                ("numpy", "math", "builtins", "srcad")
            )
        )
    ):
        what = (
            "a function held in a variable"
            if target.kind == "local"
            else (f"the callable object {target.label}")
        )
        return MissingRuleError(
            f"srcad cannot differentiate a call to {target.label}: {what}, which srcad does "
            "not know when it transforms the code",
            env.where(node),
            hint="call a function defined with def (at module level or nested in this "
            "function) by its name; srcad transforms those",
        )
    obj = target.obj
    module = getattr(obj, "__module__", None) or getattr(type(obj), "__module__", "?")
    name = getattr(obj, "__qualname__", None) or getattr(obj, "__name__", None) or target.label
    kind = "reverse-mode (vjp)" if mode == "vjp" else "forward-mode (jvp)"
    if target.kind == "method" or (target.kind == "unknown" and target.obj is None):
        return MissingRuleError(
            f"srcad has no {kind} rule for the method {target.label}()",
            env.where(node),
            hint="call the numpy function instead, or register a rule for it with "
            "srcad.rules.vjp_rule / jvp_rule",
        )
    return MissingRuleError(
        f"srcad has no {kind} rule for {name} (from module {module}), called with an "
        "argument that is being differentiated",
        env.where(node),
        hint=f"register one: @srcad.vjp_rule({name}) / @srcad.jvp_rule({name}) "
        "(see srcad.rules.template), wrap the computation in a function srcad can read, or "
        "use srcad.stop_gradient if it should not be differentiated",
    )


def _dispatched(env: Env, target: Target, call: gast.Call) -> bool:
    """A call whose target is only known when the code runs (srcad.build.dispatch): through
    a local name (``acts[name](x)``, a closure a helper returned), or a method srcad has no
    entry for, of a local object that is no array or container (``layer.forward(x)``)."""
    if env.callee is None:
        return False
    if target.kind == "local" or getattr(target.obj, "__srcad_transform__", None):
        return True  # a function held in a variable, or srcad.jvp / srcad.vjp inside
    if target.kind == "unknown" and isinstance(target.obj, functools.partial):
        return True  # a partial given as an argument or made outside: unwrapped when it runs
    func = call.func
    return (
        target.kind == "unknown"
        and target.obj is None
        and isinstance(func, gast.Attribute)
        and isinstance(func.value, gast.Name)
        and env.kinds.get(func.value.id) in (None, "object")
        and func.value.id not in env.ndims
    )


def _refuse_varied_dispatch(env: Env, target: Target, call: gast.Call, node) -> None:
    """A site's vjp or jvp (generated code being differentiated again) carries no derivative,
    given a callable that does not depend on the differentiated values: else refused."""
    if not getattr(target.obj, "__srcad_dispatch__", False) or not call.args:
        return
    holder = call.args[0]
    if isinstance(holder, gast.Name) and holder.id in env.activity.varied:
        raise UnsupportedOperationError(
            f"srcad cannot differentiate the derivative of a call dispatched at run time "
            f"with respect to the function called ({holder.id!r} depends on a value being "
            "differentiated)",
            env.where(node),
            hint="pass the values the function is made from as arguments to it",
        )


def _missing_operator_rule(env: Env, rhs, node, mode: str) -> MissingRuleError:
    """No rule for an operator, attribute or call that carries a derivative: never a zero."""
    what = S.to_source(rhs)
    kind = "reverse-mode (vjp)" if mode == "vjp" else "forward-mode (jvp)"
    return MissingRuleError(
        f"srcad has no {kind} rule for {what}",
        env.where(node),
        hint="rewrite it with numpy functions srcad knows (see docs/functions.md), or "
        "register a rule with srcad.vjp_rule / srcad.jvp_rule",
    )


def _rule_of(env: Env, rhs, node) -> tuple[Rule | None, dict | None, Target | None]:
    """The rule and the bound template arguments for an operator, call or attribute."""
    if isinstance(rhs, gast.BinOp):
        prim = operators.binary(rhs.op, env.kinds, rhs)
        rule = lookup(prim)
        return rule, {"__args__": [rhs.left, rhs.right]}, None
    if isinstance(rhs, gast.UnaryOp):
        prim = operators.unary(rhs.op)
        return lookup(prim), {"__args__": [rhs.operand]}, None
    if isinstance(rhs, gast.Attribute):
        entry = env.resolution.attributes.get(rhs)
        if entry is None or entry.primitive is None:
            return None, None, None
        return lookup(entry.primitive), {"__args__": [rhs.value]}, None
    if isinstance(rhs, gast.Call):
        target = env.resolution.call(rhs)
        return target.rule, None, target
    return None, None, None


def _bound(env: Env, rhs, rule: Rule, template, preset, target, node) -> dict:
    try:
        if preset is not None:
            from ..rules.template import bind_call

            bound = bind_call(template, rule, preset["__args__"], {})
        else:
            bound = bind(rhs, target, template)
    except BindError as exc:
        raise UnsupportedOperationError(str(exc), env.where(node)) from None
    for param, why in rule.refused.items():
        if env.active(bound.get(param)):
            raise UnsupportedOperationError(
                f"srcad has no derivative of {rule.name} with respect to {param} ({why})",
                env.where(node),
                hint=f"pass {param} as a constant, or stop its derivative with srcad.stop_gradient",
            )
    return bound


def _scalar_constant(node) -> bool:
    return isinstance(node, gast.Constant) and isinstance(node.value, (int, float, complex))


def _real_scalar_constant(node) -> bool:
    """A real Python number: it cannot broadcast an operand up nor make its adjoint complex."""
    return isinstance(node, gast.Constant) and isinstance(node.value, (int, float))


def _only_scalars_besides(rule: Rule, bound: dict, param: str) -> bool:
    """True when every other broadcasting operand is a Python number: no broadcasting back."""
    return all(_real_scalar_constant(bound[p]) for p in rule.broadcast if p != param)


# ----------------------------------------------------------------------------- reverse


def vjp(env: Env, target_name: str, rhs, node) -> Applied:
    """Adjoint contributions of `target_name = rhs` (the adjoint of the target is read).

    Contributions to operands that are not active (constants, integers, values that do not
    depend on the differentiated inputs) are dropped here.
    """
    applied = _vjp(env, target_name, rhs, node)
    applied.derivative = _only_active(env, applied.derivative)
    return applied


def _only_active(env: Env, stmts: list) -> list:
    out = []
    for s in stmts:
        if isinstance(s, gast.Assign) and isinstance(s.targets[0], Deriv):
            name = s.targets[0].id
            if name is None or not env.activity.is_active(name):
                continue
        elif isinstance(s, gast.If):
            s.body = _only_active(env, s.body) or [gast.Pass()]
            s.orelse = _only_active(env, s.orelse)
        out.append(s)
    return out


def _record_item(env: Env, rhs):
    """``r.y`` of a value of kind dict reads as ``r["y"]``: scipy's results (solve_ivp's
    OdeResult) are dicts whose items are also attributes."""
    if (
        isinstance(rhs, gast.Attribute)
        and isinstance(rhs.value, gast.Name)
        and env.kinds.get(rhs.value.id) == "dict"
    ):
        return gast.Subscript(value=rhs.value, slice=S.const(rhs.attr), ctx=gast.Load())
    return rhs


def _vjp(env: Env, target_name: str, rhs, node) -> Applied:
    rhs = _record_item(env, rhs)

    if isinstance(rhs, gast.Name):
        return Applied([accumulate(rhs.id, deriv(target_name))])
    if isinstance(rhs, (gast.Constant, gast.JoinedStr)):
        return Applied([])
    if isinstance(rhs, (gast.Tuple, gast.List)):
        stmts = []
        for i, e in enumerate(rhs.elts):
            if isinstance(e, gast.Starred):
                raise UnsupportedOperationError(
                    "srcad cannot differentiate through a starred element in a display",
                    env.where(node),
                    hint="build the sequence with + or list.extend",
                )
            if env.active(e):
                stmts.append(accumulate(e.id, S.subscript(deriv(target_name), S.const(i))))
        return Applied(stmts)
    if isinstance(rhs, gast.Dict):
        stmts = []
        for k, v in zip(rhs.keys, rhs.values):
            if k is None:
                raise UnsupportedOperationError(
                    "srcad cannot differentiate through **mapping in a dict display",
                    env.where(node),
                )
            if env.active(v):
                stmts.append(accumulate(v.id, S.subscript(deriv(target_name), S.clone(k))))
        return Applied(stmts)
    if isinstance(rhs, gast.Subscript):
        return Applied(_getitem_vjp(env, target_name, rhs))
    if isinstance(rhs, gast.Call):
        target = env.resolution.call(rhs)
        if target.kind in ("function", "custom_vjp", "custom_jvp", "checkpoint"):
            return env.callee(target, rhs, target_name, "vjp", env, node)
        if _dispatched(env, target, rhs):
            dispatch = dataclasses.replace(target, kind="dispatch")
            return env.callee(dispatch, rhs, target_name, "vjp", env, node)
        if target.kind in ("unknown", "local") or (target.kind == "method" and not target.rule):
            raise _missing_rule(env, node, target, "vjp")
        _refuse_varied_dispatch(env, target, rhs, node)
    rule, preset, target = _rule_of(env, rhs, node)
    if rule is None:
        raise _missing_operator_rule(env, rhs, node, "vjp")
    if rule.nondiff:
        return Applied([])
    if rule.vjp is None:
        raise _missing_rule(
            env, node, target or Target("rule", rule.primitive, rule, rule.name), "vjp"
        )
    bound = _bound(env, rhs, rule, rule.vjp, preset, target, node)
    body = instantiate(
        rule.vjp, bound, target_name, env.fresh, env.batch, env.bind_external, env.ndims
    )
    return Applied([_unbroadcast_contribution(env, rule, bound, s) for s in body])


def _unbroadcast_contribution(env: Env, rule: Rule, bound: dict, stmt):
    """Wrap `d[x] = e` for broadcasting parameters: `d[x] = unbroadcast(e, x)`."""
    if isinstance(stmt, gast.If):
        stmt.body = [_unbroadcast_contribution(env, rule, bound, s) for s in stmt.body]
        stmt.orelse = [_unbroadcast_contribution(env, rule, bound, s) for s in stmt.orelse]
        return stmt
    if not (isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], Deriv)):
        return stmt
    name = stmt.targets[0].id
    param = next(
        (p for p in rule.broadcast if isinstance(bound[p], gast.Name) and bound[p].id == name), None
    )
    if param is None or _only_scalars_besides(rule, bound, param):
        return stmt
    if _cannot_broadcast(env, rule, bound, param):
        return stmt
    args = [stmt.value, S.name(name)]
    if env.batch:
        args.append(S.const(env.batch))
    stmt.value = S.call(
        gast.Attribute(S.name(env.bind_external("rt", _runtime())), "unbroadcast", gast.Load()),
        args,
    )
    return stmt


def _cannot_broadcast(env: Env, rule: Rule, bound: dict, param: str) -> bool:
    """Whether `unbroadcast(e, x)` for operand `param` is certainly the identity: the
    operands' shapes are known equal (rank-0 operands aside, see `ndims.same_shape`), so `e`
    already has `x`'s shape, and every operand is real, so `e` is not complex."""
    names = []
    for p in rule.broadcast:
        node = bound.get(p)
        if isinstance(node, gast.Name):
            names.append(node.id)
        elif not _real_scalar_constant(node):
            return False
    x = bound[param].id
    if same_shape(env.ndims, names) is None or same_shape(env.ndims, [x]) is None:
        return False
    if not same_shape(env.ndims, [x]) == same_shape(env.ndims, names):
        return False
    real = env.ndims.get(REAL, ())
    operands = [v for v in bound.values() if isinstance(v, gast.Name)]
    return all(v.id in real for v in operands) and all(
        not isinstance(v, gast.Constant) or not isinstance(v.value, complex) for v in bound.values()
    )


def _runtime():
    from .. import runtime

    return runtime


def restore_as_assignment(call, env: Env):
    """``rt.restore_item(x, idx, v)`` (generated reverse code putting back what an item
    assignment overwrote) differentiates like ``x[idx] = v``; None for any other call."""
    if not isinstance(call, gast.Call) or call not in env.resolution.calls:
        return None
    if env.resolution.call(call).obj is not _runtime().restore_item or len(call.args) != 3:
        return None
    obj, index, value = call.args
    if not isinstance(obj, gast.Name):
        return None
    return S.assign(S.subscript(S.clone(obj), S.clone(index), store=True), S.clone(value))


def index_value(index) -> gast.expr:
    """The index of a subscript as a value: `1:2` -> `slice(1, 2)`, `1:` -> `slice(1, None)`."""
    if isinstance(index, gast.Slice):
        parts = [
            p if p is not None else S.const(None) for p in (index.lower, index.upper, index.step)
        ]
        if isinstance(parts[2], gast.Constant) and parts[2].value is None:
            parts.pop()  # slice(a, b) reads as well as slice(a, b, None); slice(a) would not
        return S.call(S.name("slice"), parts)
    if isinstance(index, gast.Tuple):
        return S.tuple_([index_value(e) for e in index.elts])
    return S.clone(index)


def _getitem_vjp(env: Env, target_name: str, rhs: gast.Subscript) -> list:
    obj = rhs.value
    if not env.active(obj):
        return []
    args = [deriv(target_name), S.name(obj.id), index_value(rhs.slice)]
    if env.batch:
        args.append(S.const(env.batch))
    rt = env.bind_external("rt", _runtime())
    return [
        accumulate(obj.id, S.call(gast.Attribute(S.name(rt), "getitem_vjp", gast.Load()), args))
    ]


# ----------------------------------------------------------------------------- forward


def jvp(env: Env, target_name: str, rhs, node) -> Applied:
    """The tangent definition of `target_name = rhs`."""
    rhs = _record_item(env, rhs)
    if isinstance(rhs, gast.Name):
        return Applied([accumulate(target_name, deriv(rhs.id))])
    if isinstance(rhs, (gast.Constant, gast.JoinedStr)):
        return Applied([accumulate(target_name, Zero(like=target_name))])
    if isinstance(rhs, (gast.Tuple, gast.List)):
        elts = []
        for e in rhs.elts:
            if isinstance(e, gast.Starred):
                raise UnsupportedOperationError(
                    "srcad cannot differentiate through a starred element in a display",
                    env.where(node),
                    hint="build the sequence with + or list.extend",
                )
            elts.append(deriv(e.id) if isinstance(e, gast.Name) else Zero(like=S.clone(e)))
        display = S.tuple_(elts) if isinstance(rhs, gast.Tuple) else S.list_(elts)
        return Applied([accumulate(target_name, display)])
    if isinstance(rhs, gast.Dict):
        values = [
            deriv(v.id) if isinstance(v, gast.Name) else Zero(like=S.clone(v)) for v in rhs.values
        ]
        return Applied(
            [accumulate(target_name, gast.Dict(keys=[S.clone(k) for k in rhs.keys], values=values))]
        )
    if isinstance(rhs, gast.Subscript):
        return Applied([accumulate(target_name, _getitem_jvp(env, rhs))])
    if isinstance(rhs, gast.Call):
        target = env.resolution.call(rhs)
        if target.kind in ("function", "custom_vjp", "custom_jvp", "checkpoint"):
            return env.callee(target, rhs, target_name, "jvp", env, node)
        if _dispatched(env, target, rhs):
            dispatch = dataclasses.replace(target, kind="dispatch")
            return env.callee(dispatch, rhs, target_name, "jvp", env, node)
        if target.kind in ("unknown", "local") or (target.kind == "method" and not target.rule):
            raise _missing_rule(env, node, target, "jvp")
        _refuse_varied_dispatch(env, target, rhs, node)
    rule, preset, target = _rule_of(env, rhs, node)
    if rule is None:
        raise _missing_operator_rule(env, rhs, node, "jvp")
    if rule.nondiff:
        return Applied([accumulate(target_name, Zero(like=target_name))])
    if rule.jvp is None:
        raise _missing_rule(
            env, node, target or Target("rule", rule.primitive, rule, rule.name), "jvp"
        )
    bound = _bound(env, rhs, rule, rule.jvp, preset, target, node)
    body = instantiate(
        rule.jvp, bound, target_name, env.fresh, env.batch, env.bind_external, env.ndims
    )
    if env.batch and rule.broadcast:
        body = [_lift_tangents(env, rule, bound, s) for s in body]
    return Applied(body)


def _getitem_jvp(env: Env, rhs: gast.Subscript):
    """The tangent of `x[idx]`: the same index, after the direction axes of arrays."""
    obj = rhs.value.id
    kind = env.kinds.get(obj)
    index = S.clone(rhs.slice)
    if not env.batch or kind in ("list", "tuple", "dict"):
        return S.subscript(deriv(obj), index)
    if kind == "array" and not _names_a_sequence(env, index):
        parts = index.elts if isinstance(index, gast.Tuple) else [index]
        index = S.tuple_([gast.Slice(None, None, None)] * env.batch + list(parts))
        return S.subscript(deriv(obj), index)
    rt = env.bind_external("rt", _runtime())
    return S.call(
        gast.Attribute(S.name(rt), "getitem_batched", gast.Load()),
        [deriv(obj), index_value(rhs.slice), S.const(env.batch)],
    )


def _names_a_sequence(env: Env, index) -> bool:
    """An index held in a name not known to be an array or a number: it may be a tuple
    (np.nonzero's), which indexes several axes and cannot be spliced after the direction axes
    as one item (``d[:, idx]``); rt.getitem_batched reads it at run time."""
    return isinstance(index, gast.Name) and env.kinds.get(index.id) != "array"


def _rank_of(env: Env, atom) -> int | None:
    if isinstance(atom, gast.Name):
        return env.ndims.get(atom.id)
    return 0 if _scalar_constant(atom) else None


def _lift_tangents(env: Env, rule: Rule, bound: dict, node):
    """With direction axes, align each broadcasting operand's tangent to the result's rank."""
    operands = [bound[p] for p in rule.broadcast]
    names = {b.id: p for p, b in bound.items() if p in rule.broadcast and isinstance(b, gast.Name)}
    if (
        all(
            _scalar_constant(o) or isinstance(o, gast.Constant)
            for o in operands
            if not isinstance(o, gast.Name)
        )
        and len([o for o in operands if isinstance(o, gast.Name)]) <= 1
    ):
        return node
    rt = env.bind_external("rt", _runtime())
    ranks = [_rank_of(env, o) for o in operands]
    result_rank = None if None in ranks else max(ranks, default=0)

    def visit(n):
        if isinstance(n, Deriv) and isinstance(n.ctx, gast.Load) and n.id in names:
            if result_rank is not None and env.ndims.get(n.id) == result_rank:
                return n  # already of the result's rank: the direction axes line up
            ndim = S.call(
                gast.Attribute(S.name(rt), "result_ndim", gast.Load()),
                [S.clone(o) for o in operands],
            )
            return S.call(
                gast.Attribute(S.name(rt), "lift", gast.Load()),
                [n, S.name(n.id), ndim, S.const(env.batch)],
            )
        for field, value in gast.iter_fields(n):
            if isinstance(value, list):
                setattr(n, field, [visit(v) if isinstance(v, gast.AST) else v for v in value])
            elif isinstance(value, gast.AST):
                setattr(n, field, visit(value))
        return n

    return visit(node)


GETITEM = operator.getitem
