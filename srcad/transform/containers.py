"""Derivatives of statements that mutate lists: append, pop, extend, insert.

The derivative of a list is a list of the same length (one derivative per element), so each
mutation of a list gets the same mutation of its derivative. In forward mode the tangent
list is mutated alongside. In reverse mode the adjoint list is rebuilt without mutation
(``bl = bl[:-1]``: adjoint lists may be shared), and the primal list is put back the way it
was (``l.pop()`` undoes ``l.append(v)``), as the restore model requires. srcad's own tapes
are lists used as stacks, so this is also what lets generated reverse-mode code be
differentiated again.
"""

from __future__ import annotations

import gast

from ..errors import UnsupportedOperationError
from ..ir import syntax as S
from ..ir.dnotation import Block, Materialize, Reset, SetDerivative, Zero, accumulate, deriv
from . import apply


def _rt(env: apply.Env) -> str:
    return env.bind_external("rt", apply._runtime())


def _call(env, name: str, args: list) -> gast.Call:
    return S.call(gast.Attribute(S.name(_rt(env)), name, gast.Load()), args)


def _arg(call: gast.Call, i: int):
    return call.args[i] if len(call.args) > i else None


def mutation_target(call: gast.Call, env: apply.Env, active_only: bool = True) -> str | None:
    """The local list a statement mutates with a list method (active lists only, unless
    `active_only` is False: reverse mode undoes every mutation, derivative or not)."""
    func = call.func
    if not (isinstance(func, gast.Attribute) and isinstance(func.value, gast.Name)):
        return None
    if active_only and not env.activity.is_active(func.value.id):
        return None
    if call not in env.resolution.calls:
        return None
    target = env.resolution.call(call)
    if target.kind == "method" and target.method.mutates:
        return func.value.id
    return None


def _unsupported(env, node, what):
    return UnsupportedOperationError(
        f"srcad cannot differentiate {what}",
        env.where(node),
        hint="build a new list instead (xs = xs + [v])",
    )


# ----------------------------------------------------------------------------- forward


def forward(stmt, call: gast.Call, target: str | None, env: apply.Env) -> list:
    """Primal and tangent statements for `l.method(...)` (assigned to `target`, or not)."""
    seq = call.func.value.id
    method = call.func.attr
    derivative = deriv(seq)
    if method == "append":
        value = _arg(call, 0)
        tangent = deriv(value.id) if isinstance(value, gast.Name) else Zero(like=S.clone(value))
        return [
            _materialize(seq),
            S.expr_stmt(S.call(gast.Attribute(derivative, "append", gast.Load()), [tangent])),
            stmt,
        ]
    if method == "insert":
        index, value = _arg(call, 0), _arg(call, 1)
        tangent = deriv(value.id) if isinstance(value, gast.Name) else Zero(like=S.clone(value))
        return [
            _materialize(seq),
            S.expr_stmt(
                S.call(gast.Attribute(derivative, "insert", gast.Load()), [S.clone(index), tangent])
            ),
            stmt,
        ]
    if method == "extend":
        values = _arg(call, 0)
        tangent = deriv(values.id) if isinstance(values, gast.Name) else Zero(like=S.clone(values))
        return [
            _materialize(seq),
            S.expr_stmt(S.call(gast.Attribute(derivative, "extend", gast.Load()), [tangent])),
            stmt,
        ]
    if method == "pop":
        # A list method, not a helper: a second transform of this code knows how to
        # differentiate and undo it.
        out = [_materialize(seq), stmt]
        popped = S.call(
            gast.Attribute(derivative, "pop", gast.Load()), [S.clone(a) for a in call.args]
        )
        if target is not None:
            out.append(accumulate(target, popped))
        else:
            out.append(S.expr_stmt(popped))
        return out
    raise _unsupported(env, stmt, f"the list method {method}() in forward mode")


def _materialize(name: str) -> Materialize:
    return Materialize(id=name)


# ----------------------------------------------------------------------------- reverse


def reverse(
    stmt, call: gast.Call, target: str | None, env: apply.Env, single: frozenset
) -> tuple[list, list]:
    """(forward, backward) statements for a list mutation, in execution order each."""
    seq = call.func.value.id
    method = call.func.attr
    adjoint = deriv(seq)
    if method == "pop" and target is None:
        # The popped value is what puts the list back: keep it in a variable.
        target = env.fresh("popped")
        stmt = S.assign(target, call)
    if not env.activity.is_active(seq):
        return [stmt], [_undo(stmt, call, target, env)]
    if method == "append":
        value = _arg(call, 0)
        body = []
        if isinstance(value, gast.Name):
            body.append(accumulate(value.id, S.subscript(adjoint, S.const(-1))))
        body.append(accumulate_set(seq, _call(env, "drop_last", [deriv(seq), S.const(1)])))
        undo = S.expr_stmt(S.call(gast.Attribute(S.name(seq), "pop", gast.Load())))
        return [stmt], [Block(sources=[seq], body=body), undo]
    if method == "extend":
        values = _arg(call, 0)
        count = S.call(S.name("len"), [S.clone(values)])
        body = []
        if isinstance(values, gast.Name):
            body.append(
                accumulate(values.id, _call(env, "last_items", [deriv(seq), S.clone(count)]))
            )
        body.append(accumulate_set(seq, _call(env, "drop_last", [deriv(seq), S.clone(count)])))
        return [stmt], [Block(sources=[seq], body=body), _pop_many(env, seq, count)]
    if method == "insert":
        index, value = _arg(call, 0), _arg(call, 1)
        body = []
        if isinstance(value, gast.Name):
            body.append(accumulate(value.id, S.subscript(adjoint, S.clone(index))))
        body.append(accumulate_set(seq, _call(env, "drop_at", [deriv(seq), S.clone(index)])))
        undo = S.expr_stmt(
            S.call(gast.Attribute(S.name(seq), "pop", gast.Load()), [S.clone(index)])
        )
        return [stmt], [Block(sources=[seq], body=body), undo]
    if method == "pop":
        index = _arg(call, 0)

        where = [S.clone(index)] if index is not None else []
        # The adjoint of the list before the pop: the popped value's adjoint put back.
        put_back = _call(env, "put_back", [deriv(seq), S.name(seq), deriv(target)] + where)
        restore = _unpop(env, seq, target, index)
        bwd = [Block(sources=[seq, target], body=[accumulate_set(seq, put_back)])]
        if target not in single:
            bwd.append(Reset(id=target))
        return [stmt], bwd + [restore]
    raise _unsupported(env, stmt, f"the list method {method}() in reverse mode")


def _pop_many(env: apply.Env, seq: str, count) -> gast.For:
    """``for _ in range(count): seq.pop()``, which undoes ``seq.extend(values)``. A loop of
    pops rather than a helper: a second transform differentiates and undoes it in turn."""
    pop = S.expr_stmt(S.call(gast.Attribute(S.name(seq), "pop", gast.Load())))
    return S.for_(env.fresh("_"), S.call(S.name("range"), [count]), [pop])


def _unpop(env: apply.Env, seq: str, value: str, index) -> gast.stmt:
    """The statement that undoes `value = seq.pop(index)`: an append or an insert, list methods
    that a second transform of the generated code differentiates and undoes in turn."""
    if index is None:
        return S.expr_stmt(
            S.call(gast.Attribute(S.name(seq), "append", gast.Load()), [S.name(value)])
        )
    # pop(-1) is undone by an insert at len(seq), not at -1: unpop_position says where.
    position = _call(env, "unpop_position", [S.name(seq), S.clone(index)])
    return S.expr_stmt(
        S.call(gast.Attribute(S.name(seq), "insert", gast.Load()), [position, S.name(value)])
    )


def accumulate_set(name: str, value) -> SetDerivative:
    return SetDerivative(id=name, value=value)


def _undo(stmt, call: gast.Call, target: str | None, env: apply.Env):
    """The statement that puts an inactive list back the way it was before `stmt`."""
    seq = call.func.value.id
    method = call.func.attr
    if method == "append":
        return S.expr_stmt(S.call(gast.Attribute(S.name(seq), "pop", gast.Load())))
    if method == "insert":
        return S.expr_stmt(
            S.call(gast.Attribute(S.name(seq), "pop", gast.Load()), [S.clone(call.args[0])])
        )
    if method == "extend":
        count = S.call(S.name("len"), [S.clone(call.args[0])])
        return _pop_many(env, seq, count)
    if method == "pop" and target is not None:
        return _unpop(env, seq, target, _arg(call, 0))
    raise _unsupported(
        env, stmt, f"{S.to_source(call)} (a value popped and dropped) in reverse mode"
    )
