"""Normalize, part 1 (expressions): A-normal form of one expression.

Accepts an expression of a fenced function and the `Ctx` of `anf.normalize_function`.
Guarantees: `atom` returns an ATOM and `rhs_expr` one RHS form (see `anf`'s docstring for
both), with every statement the value needs appended to `out`, in evaluation order;
short-circuiting (`and`, `or`, conditional expressions, chained comparisons) is kept as
ifs, and comprehensions become loops lowered by the statement pass (`Ctx.statement`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import gast

from ..ir import syntax as S
from ..naming import Namer


@dataclasses.dataclass
class Ctx:
    namer: Namer
    bound: set[str]  # every name the function binds (parameters included)
    env: dict[str, str]  # user name -> the name of its current version
    depth: int = 0  # > 0 inside a loop or a branch: no renaming there
    lineno: int | None = None
    rt: str = "srcad_rt"  # the name generated code uses for srcad.runtime
    # Statement lowering, given by anf.normalize_function: comprehensions become loops and a
    # walrus is an assignment, so expressions call back into it (and this module does not
    # import anf, which imports it).
    statement: Callable[[gast.stmt, Ctx, list], None] | None = None
    store: Callable[[gast.expr, gast.expr, Ctx, list], None] | None = None

    def read(self, name: str) -> str:
        return self.env.get(name, name)

    def fresh(self, base: str) -> str:
        """A new local name (locals are never mistaken for module-level names)."""
        name = self.namer.fresh(base)
        self.bound.add(name)
        return name


def tag_lines(new, old) -> None:
    """Give `new` and its nested statements `old`'s position where they have none."""
    for n in S.statements(new):
        if getattr(n, "lineno", None) is None:
            n.lineno = getattr(old, "lineno", None)
            n.col_offset = getattr(old, "col_offset", 0)
            n.end_lineno = getattr(old, "end_lineno", None)
            n.end_col_offset = getattr(old, "end_col_offset", None)


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
    ctx.store(node.target, value, ctx, out)
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
            tag_lines(s, gast.Pass(lineno=ctx.lineno, col_offset=0) if ctx.lineno else s)
        ctx.depth += 1
        try:
            for s in stmts:
                ctx.statement(s, ctx, out)
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
