"""Normalize, part 1: desugaring and A-normal form.

Accepts a fenced `gast.FunctionDef`. Guarantees that the body contains only these statement
forms (each statement keeps the line number of the user statement it comes from):

    x = RHS                      RHS is one of the forms below
    a, b, ... = x                unpacking of a name into names
    x[INDEX] = ATOM              item assignment (x a name)
    x.attr = ATOM                attribute assignment
    CALL                         an expression statement that is a call
    if TEST: ... else: ...       TEST is an atom, a comparison of atoms or `not ATOM`
    for i in range(ATOM, ...):   the only loop over a sequence; i is a fresh name or a user
                                 name the body does not assign
    while TEST: ...              TEST as for if; it needs no statements to compute
    return ATOM | break | continue | pass | assert ... | raise ...
    def g(...): ... / g = lambda ...   nested functions, left for the closure pass

    ATOM   a name, a constant, a tuple of constants, or an attribute chain on a name that the
           function never binds (np.pi, np.newaxis)
    RHS    ATOM | ATOM op ATOM | op ATOM | ATOM cmp ATOM | CALL | x[INDEX] | x.attr
           | (ATOM, ...) | [ATOM, ...] | {ATOM: ATOM, ...} | an f-string
    CALL   f(ATOM, ..., *ATOM, k=ATOM, **ATOM) with f an atom, or x.method(...) with x a name
    INDEX  ATOM | slice of atoms | tuple of those

Desugared on the way: augmented assignment, tuple assignment, chained comparisons, `and`,
`or` and conditional expressions (short-circuiting kept, as ifs), comprehensions and
generator expressions (as loops), `for` over anything (as an index loop over
`srcad.runtime.sequence(...)`, with zip/enumerate/dict views unrolled), walrus, docstrings.
``x op= v`` becomes a rebinding whose statements carry an `InPlace` note (`srcad.ir.notes`):
for an array Python changes the object instead, which the alias analysis (analyze/aliasing.py)
accepts only where no other name sees the object.

Names: straight-line reassignment at the top level of the body gets a new version
(``x`` -> ``x2``), so that reverse mode never has to save a value outside loops and branches.
Inside loops and branches a statement never assigns a name it reads: ``x = f(x)`` becomes
``t = f(x); x = t``.
"""

from __future__ import annotations

import dataclasses

import gast

from ..ir import syntax as S
from ..ir.notes import InPlace, mark, notes
from ..naming import Namer
from .anf_expressions import (
    Ctx,
    atom,
    fresh_assign,
    index_atom,
    is_atom,
    name_atom,
    rhs_expr,
    tag_lines,
    test_expr,
)
from .anf_loops import loop_header


def normalize_function(fdef: gast.FunctionDef, namer: Namer, rt_name: str) -> gast.FunctionDef:
    bound = S.names_stored(fdef) | {a.id for a in _all_params(fdef.args)}
    for n in S.walk(fdef):
        if isinstance(n, gast.FunctionDef) and n is not fdef:
            bound.add(n.name)
    params = {a.id: a.id for a in _all_params(fdef.args)}
    ctx = Ctx(namer=namer, bound=bound, env=params, rt=rt_name, statement=statement, store=store)
    body = list(fdef.body)
    if body and isinstance(body[0], gast.Expr) and isinstance(body[0].value, gast.Constant):
        body = body[1:] or [gast.Pass()]
    fdef.body = block(body, ctx) or [gast.Pass()]
    return fdef


def _all_params(args: gast.arguments):
    out = list(args.posonlyargs) + list(args.args) + list(args.kwonlyargs)
    if args.vararg is not None:
        out.append(args.vararg)
    if args.kwarg is not None:
        out.append(args.kwarg)
    return out


def block(stmts: list, ctx: Ctx) -> list:
    out: list = []
    for s in stmts:
        ctx.lineno = getattr(s, "lineno", ctx.lineno)
        start = len(out)
        statement(s, ctx, out)
        # `y = y` does nothing, but a reverse sweep would read it as "y's adjoint moves to
        # y, then y's is reset" and lose it; srcad's own backward code writes `by = by`.
        out[start:] = [n for n in out[start:] if not _self_assignment(n)]
        for new in out[start:]:
            tag_lines(new, s)
    if stmts and not out:
        out.append(gast.Pass())  # a block of self-assignments only
    return out


def _self_assignment(s) -> bool:
    return (
        isinstance(s, gast.Assign)
        and len(s.targets) == 1
        and isinstance(s.targets[0], gast.Name)
        and isinstance(s.value, gast.Name)
        and s.targets[0].id == s.value.id
        and notes(s).inplace is None
    )


def nested(stmts: list, ctx: Ctx) -> list:
    ctx.depth += 1
    try:
        return block(stmts, ctx) or [gast.Pass()]
    finally:
        ctx.depth -= 1


# ----------------------------------------------------------------------------- statements


def statement(s, ctx: Ctx, out: list) -> None:
    handler = _STATEMENTS.get(type(s))
    if handler is None:
        out.append(s)  # pass, break, continue, and forms the fence already refused
        return
    handler(s, ctx, out)


def _assign(s: gast.Assign, ctx: Ctx, out: list) -> None:
    if len(s.targets) > 1:  # a = b = value
        value = atom(s.value, ctx, out)
        for t in s.targets:
            store(t, S.clone(value), ctx, out)
        return
    store(s.targets[0], s.value, ctx, out)


def _annassign(s: gast.AnnAssign, ctx: Ctx, out: list) -> None:
    if s.value is not None:
        store(s.target, s.value, ctx, out)


def _augassign(s: gast.AugAssign, ctx: Ctx, out: list) -> None:
    target = s.target
    if isinstance(target, gast.Name):
        current = S.name(ctx.read(target.id))
        value = atom(s.value, ctx, out)
        start = len(out)
        store(target, S.binop(current, s.op, value), ctx, out)
        # Python changes an array in place here (`+=` calls __iadd__) where srcad rebinds the
        # name: the mark lets the alias analysis refuse it where another name would see it.
        for new in out[start:]:
            mark(
                new, inplace=InPlace(current.id, target.id, _OPERATOR_SYMBOLS.get(type(s.op), "?"))
            )
        return
    if isinstance(target, gast.Subscript):
        obj = name_atom(target.value, ctx, out)
        index = index_atom(target.slice, ctx, out)
        old = fresh_assign(S.subscript(S.name(obj), S.clone(index)), ctx, out, "t")
        rhs = rhs_expr(S.binop(S.name(old), s.op, s.value), ctx, out)
        new = fresh_assign(rhs, ctx, out, "t")
        # Python changes the item in place first when it is an array (l[0] += v with l a
        # list of arrays): the alias analysis weighs that where the container is no array.
        symbol = _OPERATOR_SYMBOLS.get(type(s.op), "?")
        user = f"{S.to_source(target.value)}[{S.to_source(target.slice)}]"
        mark(out[-1], inplace=InPlace(old, user, symbol, container=obj))
        out.append(S.assign(S.subscript(S.name(obj), index, store=True), S.name(new)))
        return
    if isinstance(target, gast.Attribute):
        obj = name_atom(target.value, ctx, out)
        old = fresh_assign(gast.Attribute(S.name(obj), target.attr, gast.Load()), ctx, out, "t")
        new = fresh_assign(rhs_expr(S.binop(S.name(old), s.op, s.value), ctx, out), ctx, out, "t")
        out.append(S.assign(gast.Attribute(S.name(obj), target.attr, gast.Store()), S.name(new)))
        return
    out.append(s)


_OPERATOR_SYMBOLS = {
    gast.Add: "+",
    gast.Sub: "-",
    gast.Mult: "*",
    gast.Div: "/",
    gast.FloorDiv: "//",
    gast.Mod: "%",
    gast.Pow: "**",
    gast.MatMult: "@",
    gast.BitAnd: "&",
    gast.BitOr: "|",
    gast.BitXor: "^",
    gast.LShift: "<<",
    gast.RShift: ">>",
}


def _expr_stmt(s: gast.Expr, ctx: Ctx, out: list) -> None:
    if isinstance(s.value, gast.Constant):
        return  # a docstring or a bare constant does nothing
    value = rhs_expr(s.value, ctx, out)
    if isinstance(value, gast.Call):
        out.append(gast.Expr(value=value))
    # any other bare expression has been evaluated for its effects already


def _return(s: gast.Return, ctx: Ctx, out: list) -> None:
    if s.value is None:
        out.append(gast.Return(value=S.const(None)))
        return
    if isinstance(s.value, gast.Name):
        out.append(gast.Return(value=S.name(ctx.read(s.value.id))))
        return
    value = rhs_expr(s.value, ctx, out)
    if is_atom(value, ctx) and not isinstance(value, gast.Tuple):
        out.append(gast.Return(value=value))
        return
    result = ctx.fresh("result")
    out.append(S.assign(result, value))
    out.append(gast.Return(value=S.name(result)))


def _if(s: gast.If, ctx: Ctx, out: list) -> None:
    test = test_expr(s.test, ctx, out)
    body = nested(s.body, ctx)
    orelse = nested(s.orelse, ctx) if s.orelse else []
    out.append(gast.If(test=test, body=body, orelse=orelse))


def _while(s: gast.While, ctx: Ctx, out: list) -> None:
    pre: list = []
    test = test_expr(s.test, ctx, pre)
    if not pre:
        body = nested(s.body, ctx)
        orelse = nested(s.orelse, ctx) if s.orelse else []
        out.append(gast.While(test=test, body=body, orelse=orelse))
        return
    # The test needs statements: compute it before the loop and again at the end of the body.
    flag = ctx.fresh("going")
    out.extend(pre)
    out.append(S.assign(flag, test))
    ctx.depth += 1
    try:
        body = block(s.body, ctx)
        again: list = []
        again_test = test_expr(S.clone(s.test), ctx, again)
        again.append(S.assign(flag, again_test))
        for stmt in again:
            mark(stmt, loop_tail=True)  # control-flow lowering never guards these
        body.extend(again)

    finally:
        ctx.depth -= 1
    orelse = nested(s.orelse, ctx) if s.orelse else []
    out.append(gast.While(test=S.name(flag), body=body, orelse=orelse))


def _for(s: gast.For, ctx: Ctx, out: list) -> None:
    header, bind = loop_header(s.iter, ctx, out)
    checkpoint = notes(s).checkpoint
    if checkpoint is not None and checkpoint.snapshots is not None:
        snapshots = atom(checkpoint.snapshots, ctx, out)
        checkpoint = dataclasses.replace(checkpoint, snapshots=snapshots)
    simple = (
        isinstance(s.target, gast.Name)
        and bind is None
        and s.target.id not in _assigned_names(s.body)
    )
    if simple:
        # The loop variable is assigned by the header only: a version of its own.
        if ctx.depth == 0:
            index = _new_version(s.target.id, ctx)
        else:
            index = ctx.read(s.target.id)
            ctx.env.setdefault(s.target.id, index)
    else:
        index = ctx.fresh("k")
    ctx.depth += 1
    try:
        body: list = []
        if not simple:
            store(s.target, bind(S.name(index)) if bind else S.name(index), ctx, body)
            for new in body:
                tag_lines(new, s)
        body.extend(block(s.body, ctx))
    finally:
        ctx.depth -= 1
    orelse = nested(s.orelse, ctx) if s.orelse else []
    loop = gast.For(
        target=S.name(index, store=True),
        iter=header,
        body=body or [gast.Pass()],
        orelse=orelse,
        type_comment=None,
    )
    if checkpoint is not None:
        mark(loop, checkpoint=checkpoint)
    out.append(loop)


def _assigned_names(stmts: list) -> set[str]:
    names: set[str] = set()
    for s in stmts:
        names |= S.names_stored(s)
    return names


def _delete(s: gast.Delete, ctx: Ctx, out: list) -> None:
    return  # dropping `del name` only keeps a value alive a little longer


def _function(s, ctx: Ctx, out: list) -> None:
    out.append(s)  # nested functions are handled by the closure pass


def _passthrough(s, ctx: Ctx, out: list) -> None:
    out.append(s)  # assert and raise run as written (they never carry derivatives)


_STATEMENTS = {
    gast.Assign: _assign,
    gast.AnnAssign: _annassign,
    gast.AugAssign: _augassign,
    gast.Expr: _expr_stmt,
    gast.Return: _return,
    gast.If: _if,
    gast.While: _while,
    gast.For: _for,
    gast.Delete: _delete,
    gast.FunctionDef: _function,
    gast.Assert: _passthrough,
    gast.Raise: _passthrough,
}


# ----------------------------------------------------------------------------- assignment


def store(target, value: gast.expr, ctx: Ctx, out: list) -> None:
    """Emit statements that assign the (not yet normalized) `value` to `target`."""
    if isinstance(target, gast.Name):
        rhs = rhs_expr(value, ctx, out)
        _bind_name(target.id, rhs, ctx, out)
    elif isinstance(target, (gast.Tuple, gast.List)):
        _store_unpack(target, value, ctx, out)
    elif isinstance(target, gast.Subscript):
        obj = name_atom(target.value, ctx, out)
        index = index_atom(target.slice, ctx, out)
        val = atom(value, ctx, out)
        out.append(S.assign(S.subscript(S.name(obj), index, store=True), val))
    elif isinstance(target, gast.Attribute):
        obj = name_atom(target.value, ctx, out)
        val = atom(value, ctx, out)
        out.append(S.assign(gast.Attribute(S.name(obj), target.attr, gast.Store()), val))
    else:  # pragma: no cover - the fence refuses other targets
        raise AssertionError(f"unexpected assignment target {type(target).__name__}")


def _bind_name(user_name: str, rhs: gast.expr, ctx: Ctx, out: list) -> None:
    reads = S.names_loaded(rhs)
    if ctx.depth == 0:
        target = _new_version(user_name, ctx)
        out.append(S.assign(target, rhs))
        return
    target = ctx.read(user_name)
    ctx.env.setdefault(user_name, target)
    if target in reads and not isinstance(rhs, gast.Name):
        temp = ctx.fresh("t")
        out.append(S.assign(temp, rhs))
        rhs = S.name(temp)
    out.append(S.assign(target, rhs))


def _new_version(user_name: str, ctx: Ctx) -> str:
    """Top-level (re)assignment: a fresh version name if the name was bound before."""
    version = ctx.fresh(user_name) if user_name in ctx.env else user_name
    ctx.env[user_name] = version
    return version


def _store_unpack(target, value, ctx: Ctx, out: list) -> None:
    elts = target.elts
    if (
        isinstance(value, (gast.Tuple, gast.List))
        and len(value.elts) == len(elts)
        and not any(isinstance(e, gast.Starred) for e in value.elts)
    ):
        # a, b = b, a: evaluate every right-hand side first, then assign.
        targets = S.names_stored(target)
        vals = []
        for v in value.elts:
            a = atom(v, ctx, out)
            if isinstance(a, gast.Name) and a.id in {ctx.read(t) for t in targets}:
                tmp = ctx.fresh("t")
                out.append(S.assign(tmp, a))
                a = S.name(tmp)
            vals.append(a)
        for t, v in zip(elts, vals):
            store(t, v, ctx, out)
        return
    source = name_atom(value, ctx, out)
    if all(isinstance(e, gast.Name) for e in elts):
        names = []
        for e in elts:
            if ctx.depth == 0:
                names.append(_new_version(e.id, ctx))
            else:
                names.append(ctx.read(e.id))
                ctx.env.setdefault(e.id, names[-1])
        if source in names:
            tmp = ctx.fresh("t")
            out.append(S.assign(tmp, S.name(source)))
            source = tmp
        out.append(
            S.assign(S.tuple_([S.name(n, store=True) for n in names], store=True), S.name(source))
        )
        return
    # Nested targets: unpack into temporaries, then store each one.
    temps = [ctx.fresh("t") for _ in elts]
    out.append(
        S.assign(S.tuple_([S.name(t, store=True) for t in temps], store=True), S.name(source))
    )
    for e, t in zip(elts, temps):
        store(e, S.name(t), ctx, out)
