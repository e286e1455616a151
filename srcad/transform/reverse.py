"""Transform, reverse mode: a normalized function -> a forward sweep and a backward sweep.

Accepts a normalized function with its analyses. Returns `Sweeps`: the forward sweep (the
primal code, with `Save` markers where a value about to be overwritten may be needed later)
and the backward sweep in d-notation (adjoint contributions from the rule tables, `Reset`
where an adjoint returns to zero at its primal's definition, `Restore` where a saved value
comes back), in execution order. Control flow is mirrored: an ``if`` re-tests its condition
(whose operands the backward sweep sees with their forward values), a ``for i in range(...)``
runs ``reversed(range(...))``, and a ``while`` (or a ``for`` that can break) counts its trips
so the backward loop can run as many.

The backward sweep restores values in reverse order, so every adjoint statement reads the
primal values its forward statement saw (Tapenade's restore model); `tbr` drops the saves no
adjoint needs, which leaves straight-line code with no saves at all.
"""

from __future__ import annotations

import dataclasses
import itertools

import gast

from ..errors import UnsupportedOperationError, UnsupportedSyntaxError
from ..ir import syntax as S
from ..ir.dnotation import Block, Reset, Restore, Save, SetDerivative, accumulate, deriv
from ..ir.notes import notes
from . import apply, checkpointed, containers


@dataclasses.dataclass
class Sweeps:
    forward: list
    backward: list
    needs_none_init: set  # names a save may read before the user code binds them


@dataclasses.dataclass
class Ctx:
    env: apply.Env
    single: frozenset  # names assigned exactly once, outside loops (never overwritten)
    sites: itertools.count
    loop_depth: int = 0
    defined: set = dataclasses.field(default_factory=set)  # names maybe bound here
    invariant: frozenset = frozenset()  # names rebound only with the value they hold
    none_init: set = dataclasses.field(default_factory=set)
    # names bound in one branch of an if and not before it: maybe unbound after it
    unsure: set = dataclasses.field(default_factory=set)


def single_assignment_names(fdef: gast.FunctionDef) -> frozenset:
    counts: dict[str, int] = {}
    params = {a.id for a in fdef.args.args + fdef.args.posonlyargs + fdef.args.kwonlyargs}
    for p in params:
        counts[p] = 1

    def visit(stmts, in_loop):
        for s in stmts:
            if isinstance(s, (gast.For, gast.While)):
                if isinstance(s, gast.For):
                    counts[s.target.id] = counts.get(s.target.id, 0) + 2
                visit(s.body, True)
                visit(s.orelse, True)
                continue
            if isinstance(s, gast.If):
                visit(s.body, in_loop)
                visit(s.orelse, in_loop)
                continue
            for n in _assigned(s):
                counts[n] = counts.get(n, 0) + (2 if in_loop else 1)

    visit(fdef.body, False)
    return frozenset(n for n, c in counts.items() if c == 1)


def invariant_names(fdef: gast.FunctionDef, params: set) -> frozenset:
    """Names bound by one assignment of arithmetic on parameters that the function never
    rebinds, changes in place or passes to a call (``t = -k`` in a loop): each pass of a loop
    binds the same value, so the backward sweep reads it without restoring the previous one
    (nothing is taped for it)."""
    body = gast.Module(body=fdef.body, type_ignores=[])
    stores: dict[str, int] = {}
    touched: set[str] = set()
    for node in S.walk(body):
        if type(node) is gast.Name and type(node.ctx) is gast.Store:
            stores[node.id] = stores.get(node.id, 0) + 1
        elif isinstance(node, (gast.Subscript, gast.Attribute)) and type(node.ctx) is gast.Store:
            touched |= S.names_loaded(node.value)
        elif isinstance(node, gast.Call):
            operands = list(node.args) + [k.value for k in node.keywords] + [node.func]
            touched |= {n for a in operands for n in S.names_loaded(a)}
    fixed = {p for p in params if p not in stores and p not in touched}
    found = set()
    for s in S.walk(body):
        if not (isinstance(s, gast.Assign) and len(s.targets) == 1):
            continue
        target = s.targets[0]
        if not isinstance(target, gast.Name) or stores.get(target.id) != 1:
            continue
        nodes = list(S.walk(s.value))
        arithmetic = all(isinstance(n, _ARITHMETIC) for n in nodes)
        if arithmetic and S.names_loaded(s.value) <= fixed:
            found.add(target.id)
    return frozenset(found)


_ARITHMETIC = (
    gast.BinOp,
    gast.UnaryOp,
    gast.Constant,
    gast.Name,
    gast.Load,
    gast.operator,
    gast.unaryop,
)


def _assigned(s) -> set[str]:
    if isinstance(s, gast.Assign):
        t = s.targets[0]
        if isinstance(t, gast.Name):
            return {t.id}
        if isinstance(t, (gast.Tuple, gast.List)):
            return {e.id for e in t.elts}
    return set()


def sweeps(fdef: gast.FunctionDef, env: apply.Env) -> Sweeps:
    params = {a.id for a in fdef.args.args + fdef.args.posonlyargs + fdef.args.kwonlyargs}
    if fdef.args.vararg is not None:
        params.add(fdef.args.vararg.id)
    if fdef.args.kwarg is not None:
        params.add(fdef.args.kwarg.id)
    ctx = Ctx(env, single_assignment_names(fdef), itertools.count(), defined=set(params))
    ctx.invariant = invariant_names(fdef, params)
    body = fdef.body
    if body and isinstance(body[-1], gast.Return):
        body = body[:-1]
    forward, backward = block(body, ctx)
    return Sweeps(forward, backward, ctx.none_init)


def block(stmts: list, ctx: Ctx) -> tuple[list, list]:
    forward: list = []
    backward_parts: list = []
    for s in stmts:
        fwd, bwd = statement(s, ctx)
        forward.extend(fwd)
        backward_parts.append(bwd)
    backward = [b for part in reversed(backward_parts) for b in part]
    return forward, backward


def _at(new, old):
    for attr in ("lineno", "col_offset", "end_lineno", "end_col_offset"):
        if hasattr(old, attr):
            setattr(new, attr, getattr(old, attr))
    return new


def _tag(stmts: list, source) -> list:

    lineno = getattr(source, "lineno", None)
    for s in stmts:
        for n in S.statements(s):
            if getattr(n, "lineno", None) is None:
                n.lineno = lineno
                n.col_offset = getattr(source, "col_offset", 0)
    return stmts


def statement(s, ctx: Ctx) -> tuple[list, list]:
    if isinstance(s, gast.Assign):
        fwd, bwd = _assign(s, ctx)
    elif isinstance(s, gast.If):
        fwd, bwd = _if(s, ctx)
    elif isinstance(s, gast.For):
        fwd, bwd = _for(s, ctx)
    elif isinstance(s, gast.While):
        fwd, bwd = _while(s, ctx)
    elif isinstance(s, gast.Expr):
        fwd, bwd = _expr(s, ctx)
    elif isinstance(s, (gast.Pass, gast.Assert, gast.Raise, gast.Break, gast.Continue)):
        fwd, bwd = [s], []
    elif isinstance(s, gast.FunctionDef):
        raise UnsupportedSyntaxError(
            "srcad cannot differentiate a nested function definition here",
            ctx.env.where(s),
            hint="define the function at module level",
        )
    elif isinstance(s, gast.Return):
        raise UnsupportedSyntaxError("srcad expected a single return at the end", ctx.env.where(s))
    else:
        raise UnsupportedSyntaxError(
            f"srcad cannot differentiate {type(s).__name__} statements", ctx.env.where(s)
        )
    return _tag(fwd, s), _tag(bwd, s)


# ----------------------------------------------------------------------------- assignments


def _save_restore(name: str, ctx: Ctx, target=None) -> tuple[list, list]:
    """Save the value `name` is about to lose, if it may be bound and may be overwritten."""
    if name in ctx.single or name in ctx.invariant:
        return [], []
    if name not in ctx.defined and ctx.loop_depth == 0:
        return [], []
    site = next(ctx.sites)
    in_loop = ctx.loop_depth > 0
    if in_loop or name in ctx.unsure:  # the save may read it before the user binds it
        ctx.none_init.add(name)
    value = S.name(name) if target is None else target
    save = Save(site=site, value=value, name=name, in_loop=in_loop)
    restore = Restore(
        site=site,
        target=S.name(name, store=True) if target is None else S.clone(target),
        name=name,
        in_loop=in_loop,
    )
    return [save], [restore]


def _assign(s: gast.Assign, ctx: Ctx) -> tuple[list, list]:
    env = ctx.env
    target = s.targets[0]
    if isinstance(target, gast.Name):
        return _assign_name(s, target.id, ctx)
    if isinstance(target, (gast.Tuple, gast.List)):
        return _assign_unpacked(s, [e.id for e in target.elts], ctx)
    if isinstance(target, gast.Subscript):
        return _setitem(s, ctx)
    if isinstance(target, gast.Attribute):
        if env.activity.is_active(target.value.id) or (
            isinstance(s.value, gast.Name) and env.activity.is_active(s.value.id)
        ):
            raise UnsupportedOperationError(
                "srcad cannot differentiate through an attribute assignment "
                f"({S.to_source(target)} = ...)",
                env.where(s),
                hint="keep differentiated values in local variables, lists or dicts",
            )
        return [s], []
    raise UnsupportedSyntaxError("unexpected assignment", env.where(s))


def _assign_name(s: gast.Assign, name: str, ctx: Ctx) -> tuple[list, list]:
    """``name = value``: the primal (or its replacement) and the adjoint's block."""
    env = ctx.env
    save, restore = _save_restore(name, ctx)
    if isinstance(s.value, gast.Call) and containers.mutation_target(
        s.value, env, active_only=False
    ):
        fwd, bwd = containers.reverse(s, s.value, name, env, ctx.single)
        ctx.defined.add(name)
        return save + fwd, bwd + restore
    fwd: list = [s]
    bwd: list = []
    if env.activity.is_active(name):
        applied = apply.vjp(env, name, s.value, s)
        if applied.primal is not None:
            fwd = applied.primal
            # The replacement binds more than the target (a callee's residuals): those
            # are overwritten in loops too.
            for extra in sorted(_stored(fwd) - {name}):
                sv, rs = _save_restore(extra, ctx)
                save += sv
                restore = rs + restore
                ctx.defined.add(extra)
        bwd.append(Block(sources=[name], body=applied.derivative))

        if name not in ctx.single:
            bwd.append(Reset(id=name))
    ctx.defined.add(name)
    return save + fwd, bwd + restore


def _assign_unpacked(s: gast.Assign, names: list, ctx: Ctx) -> tuple[list, list]:
    """``a, b = value``: the adjoints of the names, packed as the value, go to it."""
    env = ctx.env
    saves, restores = [], []
    for n in names:
        sv, rs = _save_restore(n, ctx)
        saves += sv
        restores = rs + restores
    bwd = []
    active = [n for n in names if env.activity.is_active(n)]
    source = s.value
    if active and isinstance(source, gast.Name) and env.activity.is_active(source.id):
        parts = S.tuple_([deriv(n) for n in names])
        rt = env.bind_external("rt", apply._runtime())
        pack = S.call(
            gast.Attribute(S.name(rt), "pack_like", gast.Load()), [S.name(source.id), parts]
        )
        bwd.append(Block(sources=active, body=[accumulate(source.id, pack)]))
        bwd.extend(Reset(id=n) for n in active if n not in ctx.single)
    ctx.defined.update(names)
    return saves + [s], bwd + restores


def _setitem(s: gast.Assign, ctx: Ctx) -> tuple[list, list]:
    """``x[idx] = v``: keep what it overwrites, and in the backward sweep hand the adjoint of
    ``x[idx]`` to `v`, zero it (the old content had no part in the result), put it back."""
    env = ctx.env
    target = s.targets[0]
    obj = target.value.id
    value = s.value
    index = apply.index_value(target.slice)
    rt = env.bind_external("rt", apply._runtime())
    site = next(ctx.sites)
    in_loop = ctx.loop_depth > 0
    save = Save(
        site=site,
        value=S.call(
            gast.Attribute(S.name(rt), "copy_item", gast.Load()), [S.name(obj), S.clone(index)]
        ),
        name=obj,
        in_loop=in_loop,
    )
    restore = Restore(
        site=site,
        target=S.subscript(S.name(obj), S.clone(target.slice), store=True),
        name=obj,
        in_loop=in_loop,
        # A dict may not have had the key: the helper removes it again.
        helper=(rt, obj, S.clone(index)) if env.kinds.get(obj) != "array" else None,
    )
    if not env.activity.is_active(obj):
        return [save, s], [restore]
    body = []
    if isinstance(value, gast.Name) and env.activity.is_active(value.id):
        if env.batch:
            item = S.call(
                gast.Attribute(S.name(rt), "getitem_batched", gast.Load()),
                [deriv(obj), S.clone(index), S.const(env.batch)],
            )
        else:
            item = S.subscript(deriv(obj), S.clone(target.slice))
        if env.kinds.get(obj) not in ("list", "dict") and _may_repeat(target.slice, env):
            # x[[0, 0]] = v: only the last write to a position survives
            keep = [item, S.name(obj), S.clone(index)] + ([S.const(env.batch)] if env.batch else [])
            item = S.call(gast.Attribute(S.name(rt), "surviving", gast.Load()), keep)
        args = [item, S.name(value.id)] + ([S.const(env.batch)] if env.batch else [])
        unbroadcast = gast.Attribute(S.name(rt), "unbroadcast", gast.Load())
        body.append(accumulate(value.id, S.call(unbroadcast, args)))
    zero_args = [deriv(obj), S.name(obj), S.clone(index)]
    if env.batch:
        zero_args.append(S.const(env.batch))
    zeroed = S.call(gast.Attribute(S.name(rt), "zero_item", gast.Load()), zero_args)
    body.append(SetDerivative(id=obj, value=zeroed))
    return [save, s], [Block(sources=[obj], body=body), restore]


def _may_repeat(index, env: apply.Env) -> bool:
    """Whether an index may hold an array of integers (which may name a position twice):
    not when each part is a number, a slice, None, ... or a name of rank 0."""
    parts = index.elts if isinstance(index, gast.Tuple) else [index]
    for part in parts:
        if isinstance(part, (gast.Slice, gast.Constant)):
            continue
        if isinstance(part, gast.Name) and env.ndims.get(part.id) == 0:
            continue
        if isinstance(part, gast.Attribute) and part.attr in ("newaxis", "Ellipsis"):
            continue
        return True
    return False


def _expr(s: gast.Expr, ctx: Ctx) -> tuple[list, list]:
    call = s.value
    assignment = apply.restore_as_assignment(call, ctx.env)
    if assignment is not None:
        return _assign(_at(assignment, s), ctx)
    if isinstance(call, gast.Call) and containers.mutation_target(call, ctx.env, active_only=False):
        return containers.reverse(s, call, None, ctx.env, ctx.single)
    return [s], []


# ----------------------------------------------------------------------------- control flow


def _stored(stmts: list) -> set[str]:
    return S.names_stored(gast.Module(body=stmts, type_ignores=[]))


def _if(s: gast.If, ctx: Ctx) -> tuple[list, list]:
    if _stored(s.body + s.orelse) & S.names_loaded(s.test):
        # The branch changes what its test reads: the backward sweep could not re-test it.
        cond = ctx.env.fresh("cond")
        fwd_c, bwd_c = statement(_at(S.assign(cond, s.test), s), ctx)
        hoisted = gast.If(test=S.name(cond), body=s.body, orelse=s.orelse)
        fwd, bwd = _if(_at(hoisted, s), ctx)
        return fwd_c + fwd, bwd + bwd_c
    before = set(ctx.defined)

    body_fwd, body_bwd = block(s.body, ctx)
    after_body = ctx.defined
    ctx.defined = set(before)
    else_fwd, else_bwd = block(s.orelse, ctx)
    ctx.unsure |= (after_body ^ ctx.defined) - before
    ctx.defined = after_body | ctx.defined
    fwd = gast.If(test=s.test, body=body_fwd or [gast.Pass()], orelse=else_fwd)
    if not body_bwd and not else_bwd:
        return [fwd], []
    bwd = gast.If(test=S.clone(s.test), body=body_bwd or [gast.Pass()], orelse=else_bwd)
    return [fwd], [bwd]


def _has_break(stmts) -> bool:
    for s in stmts:
        if isinstance(s, gast.Break):
            return True
        if isinstance(s, gast.If) and (_has_break(s.body) or _has_break(s.orelse)):
            return True
    return False


def _loop_body(s, ctx: Ctx) -> tuple[list, list]:
    ctx.loop_depth += 1
    # Names the body binds may be bound at the start of a later iteration.
    ctx.defined |= S.names_stored(gast.Module(body=s.body, type_ignores=[]))
    try:
        return block(s.body, ctx)
    finally:
        ctx.loop_depth -= 1


def _for(s: gast.For, ctx: Ctx) -> tuple[list, list]:
    if s.orelse:
        raise UnsupportedSyntaxError(
            "srcad does not support for ... else here", ctx.env.where(s), hint="use a flag"
        )
    if notes(s).checkpoint is not None:
        return checkpointed.sweeps(s, ctx, statement, _plain_for, _save_restore)
    return _plain_for(s, ctx)


def _plain_for(s: gast.For, ctx: Ctx) -> tuple[list, list]:
    env = ctx.env
    index = s.target.id
    changed = _stored(s.body) & S.names_loaded(s.iter)
    if changed:
        # The body changes what the range reads: the backward loop needs the values it had.
        fixed = {n: env.fresh(f"{n}_start") for n in sorted(changed)}
        pre_f, pre_b = [], []
        for n, m in fixed.items():
            f, b = statement(_at(S.assign(m, S.name(n)), s), ctx)
            pre_f += f
            pre_b = b + pre_b
        # the body itself, not a copy: the analyses know its nodes
        loop = gast.For(
            target=s.target, iter=S.clone(s.iter), body=s.body, orelse=[], type_comment=None
        )
        for node in S.walk(loop.iter):
            if isinstance(node, gast.Name) and node.id in fixed:
                node.id = fixed[node.id]
        fwd, bwd = _plain_for(_at(loop, s), ctx)
        return pre_f + fwd, bwd + pre_b
    save, restore = _save_restore(index, ctx)

    ctx.defined.add(index)
    counted = _has_break(s.body)
    trips = env.fresh("trips") if counted else None
    fwd_init, bwd_init = statement(S.assign(trips, S.const(0)), ctx) if counted else ([], [])
    body_fwd, body_bwd = _loop_body(s, ctx)
    if counted:
        body_fwd = [S.assign(trips, S.binop(S.name(trips), gast.Add(), S.const(1)))] + body_fwd
    loop = gast.For(
        target=s.target, iter=s.iter, body=body_fwd or [gast.Pass()], orelse=[], type_comment=None
    )
    if not body_bwd:
        return save + [loop], restore
    span = S.clone(s.iter)
    if counted:
        span = S.subscript(span, gast.Slice(None, S.name(trips), None))
    back = gast.For(
        target=S.name(index, store=True),
        iter=S.call(S.name("reversed"), [span]),
        body=body_bwd,
        orelse=[],
        type_comment=None,
    )
    return save + fwd_init + [loop], [back] + bwd_init + restore


def _while(s: gast.While, ctx: Ctx) -> tuple[list, list]:
    if s.orelse:
        raise UnsupportedSyntaxError(
            "srcad does not support while ... else here", ctx.env.where(s), hint="use a flag"
        )
    env = ctx.env
    trips = env.fresh("trips")
    fwd_init, bwd_init = statement(S.assign(trips, S.const(0)), ctx)
    body_fwd, body_bwd = _loop_body(s, ctx)
    if not body_bwd:
        return [gast.While(test=s.test, body=body_fwd or [gast.Pass()], orelse=[])], []
    count = S.assign(trips, S.binop(S.name(trips), gast.Add(), S.const(1)))
    loop = gast.While(test=s.test, body=[count] + body_fwd, orelse=[])
    back = gast.For(
        target=S.name(env.fresh("_"), store=True),
        iter=S.call(S.name("range"), [S.name(trips)]),
        body=body_bwd,
        orelse=[],
        type_comment=None,
    )
    return fwd_init + [loop], [back] + bwd_init
