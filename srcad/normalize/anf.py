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


@dataclasses.dataclass
class Ctx:
    namer: Namer
    bound: set[str]  # every name the function binds (parameters included)
    env: dict[str, str]  # user name -> the name of its current version
    depth: int = 0  # > 0 inside a loop or a branch: no renaming there
    lineno: int | None = None
    rt: str = "srcad_rt"  # the name generated code uses for srcad.runtime

    def read(self, name: str) -> str:
        return self.env.get(name, name)

    def fresh(self, base: str) -> str:
        """A new local name (locals are never mistaken for module-level names)."""
        name = self.namer.fresh(base)
        self.bound.add(name)
        return name


def normalize_function(fdef: gast.FunctionDef, namer: Namer, rt_name: str) -> gast.FunctionDef:
    bound = S.names_stored(fdef) | {a.id for a in _all_params(fdef.args)}
    for n in S.walk(fdef):
        if isinstance(n, gast.FunctionDef) and n is not fdef:
            bound.add(n.name)
    params = {a.id: a.id for a in _all_params(fdef.args)}
    ctx = Ctx(namer=namer, bound=bound, env=params, rt=rt_name)
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
            _tag(new, s)
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


def _tag(new, old) -> None:
    for n in S.statements(new):
        if getattr(n, "lineno", None) is None:
            n.lineno = getattr(old, "lineno", None)
            n.col_offset = getattr(old, "col_offset", 0)
            n.end_lineno = getattr(old, "end_lineno", None)
            n.end_col_offset = getattr(old, "end_col_offset", None)


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
                _tag(new, s)
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


def fresh_assign(rhs: gast.expr, ctx: Ctx, out: list, base: str = "t") -> str:
    temp = ctx.fresh(base)
    out.append(S.assign(temp, rhs))
    return temp


# ----------------------------------------------------------------------------- expressions


def is_atom(node, ctx: Ctx) -> bool:
    if isinstance(node, (gast.Name, gast.Constant)):
        return True
    if isinstance(node, gast.Tuple):
        return all(
            isinstance(e, gast.Constant) or (isinstance(e, gast.Tuple) and is_atom(e, ctx))
            for e in node.elts
        )
    if isinstance(node, gast.Attribute):
        return is_static_chain(node, ctx)
    return False


def is_static_chain(node, ctx: Ctx) -> bool:
    """`np.pi`, `np.linalg.inv`: attribute chains rooted at a name the function never binds."""
    while isinstance(node, gast.Attribute):
        node = node.value
    return isinstance(node, gast.Name) and node.id not in ctx.bound


def atom(node, ctx: Ctx, out: list) -> gast.expr:
    """Normalize `node` and return an atom holding its value."""
    if isinstance(node, gast.Name):
        return S.name(ctx.read(node.id))
    if is_atom(node, ctx):
        return node
    rhs = rhs_expr(node, ctx, out)
    if is_atom(rhs, ctx):
        return rhs
    return S.name(fresh_assign(rhs, ctx, out, "t"))


def name_atom(node, ctx: Ctx, out: list) -> str:
    a = atom(node, ctx, out)
    if isinstance(a, gast.Name):
        return a.id
    return fresh_assign(a, ctx, out, "t")


def test_expr(node, ctx: Ctx, out: list) -> gast.expr:
    """A branch or loop test: an atom, one comparison of atoms, or `not` of an atom."""
    if isinstance(node, gast.Compare) and len(node.ops) == 1:
        return gast.Compare(
            atom(node.left, ctx, out), node.ops, [atom(node.comparators[0], ctx, out)]
        )
    if isinstance(node, gast.UnaryOp) and isinstance(node.op, gast.Not):
        return gast.UnaryOp(gast.Not(), atom(node.operand, ctx, out))
    return atom(node, ctx, out)


def rhs_expr(node, ctx: Ctx, out: list) -> gast.expr:
    """Normalize `node` into one right-hand-side form, emitting what it needs into `out`."""
    handler = _EXPRESSIONS.get(type(node))
    if handler is not None:
        return handler(node, ctx, out)
    if isinstance(node, gast.Name):
        return S.name(ctx.read(node.id))
    if is_atom(node, ctx):
        return node
    return node  # f-strings, lambdas: inert, handled later or never differentiated


def _binop(node: gast.BinOp, ctx, out):
    return gast.BinOp(atom(node.left, ctx, out), node.op, atom(node.right, ctx, out))


def _unaryop(node: gast.UnaryOp, ctx, out):
    operand = atom(node.operand, ctx, out)
    if isinstance(node.op, gast.UAdd):
        return operand
    return gast.UnaryOp(node.op, operand)


def _compare(node: gast.Compare, ctx, out):
    if len(node.ops) == 1:
        return gast.Compare(
            atom(node.left, ctx, out), node.ops, [atom(node.comparators[0], ctx, out)]
        )
    # a < b < c  ->  a < b and b < c, with b evaluated once
    left = atom(node.left, ctx, out)
    result = ctx.fresh("t")
    pieces = []
    for op, comp in zip(node.ops, node.comparators):
        pieces.append((op, comp))
    first_right = atom(pieces[0][1], ctx, out)
    out.append(S.assign(result, gast.Compare(left, [pieces[0][0]], [first_right])))
    previous = first_right
    branch_out = out
    for op, comp in pieces[1:]:
        inner: list = []
        ctx.depth += 1
        try:
            right = atom(comp, ctx, inner)
            inner.append(S.assign(result, gast.Compare(S.clone(previous), [op], [right])))
        finally:
            ctx.depth -= 1
        branch_out.append(gast.If(test=S.name(result), body=inner, orelse=[]))
        branch_out = inner
        previous = right
    return S.name(result)


def _boolop(node: gast.BoolOp, ctx, out):
    # `a and b` is b if a is truthy else a; `a or b` is a if a is truthy else b.
    first = atom(node.values[0], ctx, out)
    result = ctx.fresh("t")
    out.append(S.assign(result, first))
    current = out
    for value in node.values[1:]:
        inner: list = []
        ctx.depth += 1
        try:
            inner.append(S.assign(result, atom(value, ctx, inner)))
        finally:
            ctx.depth -= 1
        test = S.name(result)
        if isinstance(node.op, gast.Or):
            test = gast.UnaryOp(gast.Not(), S.name(result))
        current.append(gast.If(test=test, body=inner, orelse=[]))
        current = inner
    return S.name(result)


def _ifexp(node: gast.IfExp, ctx, out):
    test = test_expr(node.test, ctx, out)
    result = ctx.fresh("t")
    ctx.depth += 1
    try:
        body: list = []
        body.append(S.assign(result, atom(node.body, ctx, body)))
        orelse: list = []
        orelse.append(S.assign(result, atom(node.orelse, ctx, orelse)))
    finally:
        ctx.depth -= 1
    out.append(gast.If(test=test, body=body, orelse=orelse))
    return S.name(result)


def _call(node: gast.Call, ctx, out):
    func = node.func
    if isinstance(func, gast.Attribute) and not is_static_chain(func, ctx):
        obj = name_atom(func.value, ctx, out)
        func = gast.Attribute(S.name(obj), func.attr, gast.Load())
    elif not is_atom(func, ctx):
        func = S.name(name_atom(func, ctx, out))
    elif isinstance(func, gast.Name):
        func = S.name(ctx.read(func.id))
    args = []
    for a in node.args:
        if isinstance(a, gast.Starred):
            args.append(gast.Starred(atom(a.value, ctx, out), gast.Load()))
        elif isinstance(a, gast.GeneratorExp):
            args.append(atom(gast.ListComp(a.elt, a.generators), ctx, out))
        else:
            args.append(atom(a, ctx, out))
    keywords = [gast.keyword(k.arg, atom(k.value, ctx, out)) for k in node.keywords]
    return gast.Call(func=func, args=args, keywords=keywords)


def _subscript(node: gast.Subscript, ctx, out):
    obj = name_atom(node.value, ctx, out)
    return S.subscript(S.name(obj), index_atom(node.slice, ctx, out))


def index_atom(node, ctx: Ctx, out: list) -> gast.expr:
    if isinstance(node, gast.Slice):
        parts = [
            None if p is None else atom(p, ctx, out) for p in (node.lower, node.upper, node.step)
        ]
        return gast.Slice(*parts)
    if isinstance(node, gast.Tuple):
        return S.tuple_([index_atom(e, ctx, out) for e in node.elts])
    return atom(node, ctx, out)


def _attribute(node: gast.Attribute, ctx, out):
    if is_static_chain(node, ctx):
        return node
    obj = name_atom(node.value, ctx, out)
    return gast.Attribute(S.name(obj), node.attr, gast.Load())


def _sequence(node, ctx, out):
    elts = []
    for e in node.elts:
        if isinstance(e, gast.Starred):
            elts.append(gast.Starred(atom(e.value, ctx, out), gast.Load()))
        else:
            elts.append(atom(e, ctx, out))
    if isinstance(node, gast.Tuple):
        return S.tuple_(elts)
    return S.list_(elts)


def _dict(node: gast.Dict, ctx, out):
    keys, values = [], []
    for k, v in zip(node.keys, node.values):
        keys.append(None if k is None else atom(k, ctx, out))
        values.append(atom(v, ctx, out))
    return gast.Dict(keys=keys, values=values)


def _namedexpr(node: gast.NamedExpr, ctx, out):
    value = atom(node.value, ctx, out)
    store(node.target, value, ctx, out)
    return S.name(ctx.read(node.target.id))


def _comprehension(node, ctx, out):
    """[elt for x in xs if c]  ->  result = []; for ...: if c: result.append(elt)."""
    result = ctx.fresh("t")
    is_dict = isinstance(node, gast.DictComp)
    out.append(S.assign(result, gast.Dict(keys=[], values=[]) if is_dict else S.list_([])))
    # Comprehension variables do not leak in Python 3: give them fresh names.
    renames = {}
    for gen in node.generators:
        for n in S.names_stored(gen.target):
            renames[n] = ctx.fresh(n)
    saved_env = dict(ctx.env)
    ctx.env.update(renames)
    try:
        if is_dict:
            leaf = [S.assign(S.subscript(S.name(result), node.key, store=True), node.value)]
        else:
            call = S.call(gast.Attribute(S.name(result), "append", gast.Load()), [node.elt])
            leaf = [S.expr_stmt(call)]
        stmts = leaf
        for gen in reversed(node.generators):
            for cond in reversed(gen.ifs):
                stmts = [gast.If(test=cond, body=stmts, orelse=[])]
            stmts = [
                gast.For(target=gen.target, iter=gen.iter, body=stmts, orelse=[], type_comment=None)
            ]
        # The first iterable is evaluated in the enclosing scope.
        for s in stmts:
            _tag(s, gast.Pass(lineno=ctx.lineno, col_offset=0) if ctx.lineno else s)
        ctx.depth += 1
        try:
            for s in stmts:
                statement(s, ctx, out)
        finally:
            ctx.depth -= 1
    finally:
        ctx.env.clear()
        ctx.env.update(saved_env)
    return S.name(result)


_EXPRESSIONS = {
    gast.BinOp: _binop,
    gast.UnaryOp: _unaryop,
    gast.Compare: _compare,
    gast.BoolOp: _boolop,
    gast.IfExp: _ifexp,
    gast.Call: _call,
    gast.Subscript: _subscript,
    gast.Attribute: _attribute,
    gast.Tuple: _sequence,
    gast.List: _sequence,
    gast.Dict: _dict,
    gast.NamedExpr: _namedexpr,
    gast.ListComp: _comprehension,
    gast.GeneratorExp: _comprehension,
    gast.DictComp: _comprehension,
}


# ----------------------------------------------------------------------------- loops


def loop_header(iterable, ctx: Ctx, out: list):
    """Return (range call, element builder or None) for `for target in iterable`."""
    if _is_call_to(iterable, "range"):
        args = [atom(a, ctx, out) for a in iterable.args]
        return S.call(S.name("range"), args), None
    producers, length = _producers(iterable, ctx, out)
    header = S.call(S.name("range"), [length])
    return header, producers


def _is_call_to(node, fname: str) -> bool:
    return (
        isinstance(node, gast.Call)
        and isinstance(node.func, gast.Name)
        and node.func.id == fname
        and not node.keywords
        and not any(isinstance(a, gast.Starred) for a in node.args)
    )


def _dict_view(node) -> str | None:
    if (
        isinstance(node, gast.Call)
        and isinstance(node.func, gast.Attribute)
        and node.func.attr in ("items", "keys", "values")
        and not node.args
        and not node.keywords
    ):
        return node.func.attr
    return None


def _producers(iterable, ctx: Ctx, out: list):
    """Element builder `index expression -> element expression` and the trip count, for
    zip, enumerate, reversed, dict views, and anything else (through rt.sequence)."""
    if _is_call_to(iterable, "zip") and iterable.args and iterable.func.id not in ctx.bound:
        parts = [_producers(a, ctx, out) for a in iterable.args]
        lengths = [p[1] for p in parts]
        length = (
            lengths[0]
            if len(lengths) == 1
            else S.name(fresh_assign(S.call(S.name("min"), lengths), ctx, out, "n"))
        )
        return (lambda k: S.tuple_([p[0](S.clone(k)) for p in parts])), length
    start = _enumerate_start(iterable, ctx)
    if start is not False:
        inner, length = _producers(iterable.args[0], ctx, out)
        first = atom(start, ctx, out) if start is not None else None

        def element(k):
            index = S.clone(k) if first is None else S.binop(S.clone(k), gast.Add(), S.clone(first))
            return S.tuple_([index, inner(S.clone(k))])

        return element, length
    if (
        _is_call_to(iterable, "reversed")
        and len(iterable.args) == 1
        and (iterable.func.id not in ctx.bound)
    ):
        inner, length = _producers(iterable.args[0], ctx, out)
        last = S.binop(S.clone(length), gast.Sub(), S.const(1))
        return (lambda k: inner(S.binop(S.clone(last), gast.Sub(), S.clone(k)))), length
    view = _dict_view(iterable)
    if view is not None:
        # for k, v in d.items(): the keys carry no derivative, the values are d[k].
        mapping = name_atom(iterable.func.value, ctx, out)
        keys = fresh_assign(
            S.call(S.dotted(f"{ctx.rt}.dict_keys"), [S.name(mapping)]), ctx, out, "keys"
        )
        length = fresh_assign(S.call(S.name("len"), [S.name(keys)]), ctx, out, "n")

        def item(k):
            key = S.subscript(S.name(keys), S.clone(k))
            value = S.subscript(S.name(mapping), S.clone(key))
            return {"keys": key, "values": value, "items": S.tuple_([S.clone(key), value])}[view]

        return item, S.name(length)
    if _is_call_to(iterable, "range"):
        seq = name_atom(iterable, ctx, out)
    else:
        seq = fresh_assign(
            S.call(S.dotted(f"{ctx.rt}.sequence"), [atom(iterable, ctx, out)]), ctx, out, "seq"
        )
    length = fresh_assign(S.call(S.name("len"), [S.name(seq)]), ctx, out, "n")
    return (lambda k: S.subscript(S.name(seq), S.clone(k))), S.name(length)


def _enumerate_start(node, ctx: Ctx):
    """For enumerate(seq[, start]) or enumerate(seq, start=s): the start (None for 0);
    False for anything else."""
    if not (
        isinstance(node, gast.Call)
        and isinstance(node.func, gast.Name)
        and node.func.id == "enumerate"
        and node.func.id not in ctx.bound
    ):
        return False
    if any(isinstance(a, gast.Starred) for a in node.args) or not node.args:
        return False
    keywords = {k.arg: k.value for k in node.keywords}
    if set(keywords) - {"start"} or len(node.args) + len(keywords) > 2:
        return False
    if len(node.args) == 2:
        return node.args[1]
    return keywords.get("start")
