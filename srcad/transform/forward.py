"""Transform, forward mode: a normalized function -> primal code with tangent statements.

Accepts a normalized function with its analyses. Returns statements in execution order: each
active statement is followed by its tangent definition in d-notation (``d[t] = d[x] * ...``,
dual numbers written out as code). Control flow keeps its shape; calls to user functions
become calls to their own jvp functions. `accumulate` lowers the d-notation afterwards, so a
tangent that is zero is never materialized.
"""

from __future__ import annotations

import gast

from ..errors import UnsupportedOperationError, UnsupportedSyntaxError
from ..ir import syntax as S
from ..ir.dnotation import Zero, accumulate, deriv
from . import apply, containers


def block(stmts: list, env: apply.Env) -> list:
    out: list = []
    for s in stmts:
        new = statement(s, env)
        for n in new:
            for m in S.walk(n):
                if isinstance(m, gast.stmt) and getattr(m, "lineno", None) is None:
                    m.lineno = getattr(s, "lineno", None)
                    m.col_offset = getattr(s, "col_offset", 0)
        out.extend(new)
    return out


def statement(s, env: apply.Env) -> list:
    if isinstance(s, gast.Assign):
        return _assign(s, env)
    if isinstance(s, gast.If):
        return [
            gast.If(
                test=s.test, body=block(s.body, env) or [gast.Pass()], orelse=block(s.orelse, env)
            )
        ]
    if isinstance(s, gast.For):
        return [
            gast.For(
                target=s.target,
                iter=s.iter,
                body=block(s.body, env) or [gast.Pass()],
                orelse=block(s.orelse, env),
                type_comment=None,
            )
        ]
    if isinstance(s, gast.While):
        return [
            gast.While(
                test=s.test, body=block(s.body, env) or [gast.Pass()], orelse=block(s.orelse, env)
            )
        ]
    if isinstance(s, gast.Expr):
        return _expr(s, env)
    if isinstance(s, (gast.Pass, gast.Assert, gast.Raise, gast.Break, gast.Continue, gast.Return)):
        return [s]
    if isinstance(s, gast.FunctionDef):
        raise UnsupportedSyntaxError(
            "srcad cannot differentiate a nested function definition here",
            env.where(s),
            hint="define the function at module level",
        )
    raise UnsupportedSyntaxError(
        f"srcad cannot differentiate {type(s).__name__} statements", env.where(s)
    )


def _assign(s: gast.Assign, env: apply.Env) -> list:
    target = s.targets[0]
    if isinstance(target, gast.Name):
        name = target.id
        if isinstance(s.value, gast.Call) and containers.mutation_target(s.value, env):
            return containers.forward(s, s.value, name, env)
        if not env.activity.is_active(name):
            return [s]
        applied = apply.jvp(env, name, s.value, s)
        primal = applied.primal if applied.primal is not None else [s]
        return primal + applied.derivative
    if isinstance(target, (gast.Tuple, gast.List)):
        out = [s]
        source = s.value
        for i, e in enumerate(target.elts):
            if not env.activity.is_active(e.id):
                continue
            if isinstance(source, gast.Name) and env.activity.is_active(source.id):
                args = [deriv(source.id), S.name(source.id), S.const(i)]
                if env.batch:
                    args.append(S.const(env.batch))
                rt = env.bind_external("rt", apply._runtime())
                value = S.call(gast.Attribute(S.name(rt), "item_tangent", gast.Load()), args)
            else:
                value = Zero(like=e.id)
            out.append(accumulate(e.id, value))
        return out
    if isinstance(target, gast.Subscript):
        obj = target.value.id
        if not env.activity.is_active(obj):
            return [s]
        value = s.value
        args = [
            deriv(obj),
            S.name(obj),
            apply.index_value(target.slice),
            deriv(value.id) if isinstance(value, gast.Name) else S.const(None),
        ]
        if env.batch:
            args.append(S.const(env.batch))
        rt = env.bind_external("rt", apply._runtime())
        tangent = S.call(gast.Attribute(S.name(rt), "setitem_tangent", gast.Load()), args)
        return [s, accumulate(obj, tangent)]
    if isinstance(target, gast.Attribute):
        if env.activity.is_active(target.value.id):
            raise UnsupportedOperationError(
                "srcad cannot differentiate through an attribute assignment "
                f"({S.to_source(target)} = ...)",
                env.where(s),
                hint="keep differentiated values in local variables, lists or dicts",
            )
        return [s]
    raise UnsupportedSyntaxError("unexpected assignment", env.where(s))


def _expr(s: gast.Expr, env: apply.Env) -> list:
    call = s.value
    assignment = apply.restore_as_assignment(call, env)
    if assignment is not None:
        out = _assign(assignment, env)
        out[0] = s  # the primal statement stays the helper call (it handles new dict keys)
        return out
    if isinstance(call, gast.Call) and containers.mutation_target(call, env):
        return containers.forward(s, call, None, env)
    return [s]
