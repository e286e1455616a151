"""Normalize, part 2: one exit per function, no continue, break only at the end of a loop.

Accepts a function in A-normal form (`anf`). Guarantees:

* the body ends with the function's only ``return NAME``;
* no ``continue`` remains; a ``break`` only appears as ``if broke: break``, the last statement
  of its loop's body;
* ``for ... else`` and ``while ... else`` are gone (the else part runs when no break did).

Early returns in straight-line code and branches move the rest of the block into the other
branch (``if c: return a`` / ``rest`` becomes ``if c: ... else: rest``) and then assign one
result variable, so the common cases need no flags. Returns inside loops, break and continue
use flags: ``skip`` (leave the rest of this iteration), ``broke`` (leave the loop) and
``returned``; the statements after a possible exit are guarded by ``if not skip:`` (in a
loop) or ``if not returned:``. Reverse mode then tapes these flags like any branch test.
"""

from __future__ import annotations

import dataclasses

import gast

from ..ir import syntax as S
from ..ir.notes import notes
from ..naming import Namer


@dataclasses.dataclass
class Loop:
    skip: str  # set when the rest of the iteration must not run
    broke: str  # set when the loop must stop


@dataclasses.dataclass
class Ctx:
    namer: Namer
    result: str  # the single result variable
    returned: str  # set when a return has happened
    loop: Loop | None = None
    uses_returned: bool = False


def lower_function(fdef: gast.FunctionDef, namer: Namer) -> gast.FunctionDef:
    body = _restructure(list(fdef.body))
    if not _always_returns(body):
        body.append(gast.Return(value=S.const(None)))
        body = _restructure(body)
    ctx = Ctx(namer, namer.fresh("result"), namer.fresh("returned"))
    if _single_tail_return(body):
        final = body[-1]  # already one return, at the end; loops may still break
        fdef.body = _block(body[:-1], ctx) + [final]
        return fdef
    if _returns_only_in_tails(body):
        tails = _assign_tails(body, ctx)
        fdef.body = _block(tails, ctx) + [gast.Return(value=S.name(ctx.result))]
        return fdef
    lowered = _block(body, ctx)

    prologue = [S.assign(ctx.result, S.const(None))]
    if ctx.uses_returned:
        prologue.append(S.assign(ctx.returned, S.const(False)))
    fdef.body = prologue + lowered + [gast.Return(value=S.name(ctx.result))]
    return fdef


# ----------------------------------------------------------------------------- analysis


def _always_returns(stmts: list) -> bool:
    if not stmts:
        return False
    last = stmts[-1]
    if isinstance(last, (gast.Return, gast.Raise)):
        return True
    if isinstance(last, gast.If):
        return _always_returns(last.body) and _always_returns(last.orelse)
    return False


def _contains(stmts: list, kinds: tuple, into_loops: bool) -> bool:
    for s in stmts:
        if isinstance(s, kinds):
            return True
        if isinstance(s, gast.If) and (
            _contains(s.body, kinds, into_loops) or _contains(s.orelse, kinds, into_loops)
        ):
            return True
        if (
            isinstance(s, (gast.For, gast.While))
            and into_loops
            and (_contains(s.body, kinds, into_loops) or _contains(s.orelse, kinds, into_loops))
        ):
            return True
    return False


def _single_tail_return(body: list) -> bool:
    return (
        isinstance(body[-1], gast.Return)
        and not _contains(body[:-1], (gast.Return,), True)
        and isinstance(body[-1].value, gast.Name)
    )


def _returns_only_in_tails(stmts: list) -> bool:
    """Every return is the last statement of the body or of a branch in tail position."""
    for i, s in enumerate(stmts):
        last = i == len(stmts) - 1
        if isinstance(s, gast.Return) and not last:
            return False
        if isinstance(s, gast.If):
            if last:
                if not (_returns_only_in_tails(s.body) and _returns_only_in_tails(s.orelse)):
                    return False
            elif _contains([s], (gast.Return,), True):
                return False
        if isinstance(s, (gast.For, gast.While)) and _contains(
            s.body + s.orelse, (gast.Return,), True
        ):
            return False
    return True


# ----------------------------------------------------------------------------- early returns


def _restructure(stmts: list) -> list:
    """`if c: ... return` followed by more statements: the rest moves into the else branch."""
    out: list = []
    for i, s in enumerate(stmts):
        if isinstance(s, gast.If):
            s.body = _restructure(s.body)
            s.orelse = _restructure(s.orelse)
            rest = stmts[i + 1 :]
            if rest and _always_returns(s.body) and not _always_returns(s.orelse):
                s.orelse = _restructure(s.orelse + rest)
                out.append(s)
                return out
            if rest and _always_returns(s.orelse) and s.orelse and not _always_returns(s.body):
                s.body = _restructure(s.body + rest)
                out.append(s)
                return out
        out.append(s)
        if isinstance(s, (gast.Return, gast.Raise)):
            return out  # anything after is unreachable
    return out


def _assign_tails(stmts: list, ctx: Ctx) -> list:
    out = []
    for s in stmts:
        if isinstance(s, gast.Return):
            out.append(_at(S.assign(ctx.result, s.value or S.const(None)), s))
        elif isinstance(s, gast.If) and s is stmts[-1]:
            s.body = _assign_tails(s.body, ctx) or [gast.Pass()]
            s.orelse = _assign_tails(s.orelse, ctx)
            out.append(s)
        else:
            out.append(s)
    return out


def _at(new, old):
    for attr in ("lineno", "col_offset", "end_lineno", "end_col_offset"):
        if hasattr(old, attr):
            setattr(new, attr, getattr(old, attr))
    return new


# ----------------------------------------------------------------------------- flags


def _guard_test(ctx: Ctx) -> gast.expr:
    flag = ctx.loop.skip if ctx.loop is not None else ctx.returned
    return gast.UnaryOp(gast.Not(), S.name(flag))


def _block(stmts: list, ctx: Ctx) -> list:
    out: list = []
    for i, s in enumerate(stmts):
        new, exits = _statement(s, ctx)
        out.extend(new)
        if exits:
            rest = _block(stmts[i + 1 :], ctx)
            if rest:
                out.append(_at(gast.If(test=_guard_test(ctx), body=rest, orelse=[]), s))
            return out
    return out


def _exit_flags(ctx: Ctx, leave_loop: bool) -> list:
    if ctx.loop is None:
        return []
    flags = [S.assign(ctx.loop.skip, S.const(True))]
    if leave_loop:
        flags.append(S.assign(ctx.loop.broke, S.const(True)))
    return flags


def _statement(s, ctx: Ctx) -> tuple[list, bool]:
    if isinstance(s, gast.Return):
        ctx.uses_returned = True
        value = s.value if s.value is not None else S.const(None)
        new = [S.assign(ctx.result, value), S.assign(ctx.returned, S.const(True))]
        return [_at(n, s) for n in new + _exit_flags(ctx, True)], True
    if isinstance(s, gast.Break):
        return [_at(n, s) for n in _exit_flags(ctx, True)], True
    if isinstance(s, gast.Continue):
        return [_at(n, s) for n in _exit_flags(ctx, False)], True
    if isinstance(s, gast.If):
        exits = _contains(s.body + s.orelse, (gast.Return,), True) or _contains(
            s.body + s.orelse, (gast.Break, gast.Continue), False
        )
        s.body = _block(s.body, ctx) or [gast.Pass()]  # loops inside still need lowering
        s.orelse = _block(s.orelse, ctx)
        return [s], exits

    if isinstance(s, (gast.For, gast.While)):
        return _loop(s, ctx)
    return [s], False


def _loop(s, ctx: Ctx) -> tuple[list, bool]:
    own_exits = _contains(s.body, (gast.Break, gast.Continue), False)
    returns = _contains(s.body, (gast.Return,), True)
    if not own_exits and not returns and not s.orelse:
        outer = ctx.loop
        ctx.loop = None  # nothing in this body leaves it; loops inside may still break
        try:
            s.body = _block(s.body, ctx) or [gast.Pass()]
        finally:
            ctx.loop = outer
        return [s], False

    uses_broke = _contains(s.body, (gast.Break, gast.Return), False) or returns
    loop = Loop(ctx.namer.fresh("skip"), ctx.namer.fresh("broke"))
    outer = ctx.loop
    ctx.loop = loop
    # A while loop's test, recomputed at the end of its body, runs even after `continue`.
    tail = [t for t in s.body if notes(t).loop_tail]
    try:
        body = _block([t for t in s.body if t not in tail], ctx) + tail
    finally:
        ctx.loop = outer

    new_body = [S.assign(loop.skip, S.const(False))] + body
    if uses_broke:
        new_body.append(gast.If(test=S.name(loop.broke), body=[gast.Break()], orelse=[]))
    new_loop = type(s)(**{f: getattr(s, f) for f in s._fields})
    new_loop.body = new_body
    new_loop.orelse = []
    _at(new_loop, s)
    out = []
    if uses_broke:
        out.append(_at(S.assign(loop.broke, S.const(False)), s))
    out.append(new_loop)
    if s.orelse:
        out.extend(_loop_else(s, ctx, loop, uses_broke))
    if returns and outer is not None:
        # A return inside leaves the enclosing loop too.
        out.append(
            _at(
                gast.If(
                    test=S.name(ctx.returned),
                    body=_exit_flags(ctx, True) or [gast.Pass()],
                    orelse=[],
                ),
                s,
            )
        )
    return out, returns


def _loop_else(s, ctx: Ctx, loop: Loop, uses_broke: bool) -> list:
    """The statements of the loop's else clause, run when it did not break."""
    orelse = _block(s.orelse, ctx)
    if not uses_broke:
        return orelse
    return [
        _at(
            gast.If(
                test=gast.UnaryOp(gast.Not(), S.name(loop.broke)),
                body=orelse or [gast.Pass()],
                orelse=[],
            ),
            s,
        )
    ]
