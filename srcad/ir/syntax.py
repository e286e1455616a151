"""Small constructors and queries over gast trees, shared by every pass.

Passes build code with these helpers (or with `quote`) instead of spelling gast node fields
out, so that a gast API change touches one module.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator

import gast

LOAD = gast.Load
_AST = ast.AST

STORE = gast.Store


# The two most built nodes, built without gast's generic constructor (which takes keyword
# arguments): the same fields, each node with a context of its own as gast.Name(...) has.
_NAME, _CONSTANT = gast.Name, gast.Constant


def name(id_: str, store: bool = False) -> gast.Name:
    ctx = STORE.__new__(STORE) if store else LOAD.__new__(LOAD)
    new = _NAME.__new__(_NAME)
    new.__dict__.update(id=id_, ctx=ctx, annotation=None, type_comment=None)
    return new


def const(value) -> gast.Constant:
    new = _CONSTANT.__new__(_CONSTANT)
    new.__dict__.update(value=value, kind=None)
    return new


def attr(value: gast.expr, attribute: str) -> gast.Attribute:
    return gast.Attribute(value=value, attr=attribute, ctx=LOAD())


def dotted(path: str) -> gast.expr:
    """`dotted("np.linalg.inv")` builds the attribute chain."""
    head, *rest = path.split(".")
    node: gast.expr = name(head)
    for part in rest:
        node = attr(node, part)
    return node


def call(func: gast.expr | str, args: Iterable[gast.expr] = (), keywords=None) -> gast.Call:
    if isinstance(func, str):
        func = dotted(func)
    kws = [gast.keyword(arg=k, value=v) for k, v in (keywords or {}).items()]
    return gast.Call(func=func, args=list(args), keywords=kws)


def assign(target: str | gast.expr, value: gast.expr) -> gast.Assign:
    if isinstance(target, str):
        target = name(target, store=True)
    return gast.Assign(targets=[target], value=value, type_comment=None)


def tuple_(elts: Iterable[gast.expr], store: bool = False) -> gast.Tuple:
    return gast.Tuple(elts=list(elts), ctx=STORE() if store else LOAD())


def list_(elts: Iterable[gast.expr]) -> gast.List:
    return gast.List(elts=list(elts), ctx=LOAD())


def binop(left: gast.expr, op: gast.operator, right: gast.expr) -> gast.BinOp:
    return gast.BinOp(left=left, op=op, right=right)


def subscript(value: gast.expr, index: gast.expr, store: bool = False) -> gast.Subscript:
    return gast.Subscript(value=value, slice=index, ctx=STORE() if store else LOAD())


def expr_stmt(value: gast.expr) -> gast.Expr:
    return gast.Expr(value=value)


def if_(test: gast.expr, body: list, orelse: list | None = None) -> gast.If:
    return gast.If(test=test, body=body or [gast.Pass()], orelse=orelse or [])


def for_(target: str | gast.expr, iter_: gast.expr, body: list) -> gast.For:
    if isinstance(target, str):
        target = name(target, store=True)
    return gast.For(
        target=target, iter=iter_, body=body or [gast.Pass()], orelse=[], type_comment=None
    )


def return_(value: gast.expr | None) -> gast.Return:
    return gast.Return(value=value)


def function_def(fname: str, params: list[str], body: list, defaults=None) -> gast.FunctionDef:
    args = gast.arguments(
        args=[name(p, store=False) for p in params],
        posonlyargs=[],
        vararg=None,
        kwonlyargs=[],
        kw_defaults=[],
        kwarg=None,
        defaults=list(defaults or []),
    )
    for a in args.args:
        a.ctx = gast.Param()
    node = gast.FunctionDef(
        name=fname, args=args, body=body, decorator_list=[], returns=None, type_comment=None
    )
    if "type_params" in gast.FunctionDef._fields:
        node.type_params = []
    return node


# Conversion between the standard library's trees and gast's. gast's own converters are
# generic visitors that build every node through keyword arguments; they were a fifth of
# the transformation time. These do the same mapping (tested against gast's on real code):
# same-named classes and fields, except that gast spells parameters (`ast.arg`) as Names in
# the Param context, names an exception handler's variable with a Name, and gives every
# function and class a `type_params` list and every Name an annotation and type comment.
_AST_TO_GAST: dict[type, type] = {}
_GAST_TO_AST: dict[type, type] = {}
_POSITIONS = ("lineno", "col_offset", "end_lineno", "end_col_offset")


def _gast_class(cls):
    found = _AST_TO_GAST.get(cls)
    if found is None:
        found = _AST_TO_GAST[cls] = getattr(gast, cls.__name__)
    return found


def _ast_class(cls):
    found = _GAST_TO_AST.get(cls)
    if found is None:
        found = _GAST_TO_AST[cls] = getattr(ast, cls.__name__)
    return found


def _positions(new_dict, old) -> None:
    for key in _POSITIONS:
        value = getattr(old, key, None)
        if value is not None:
            new_dict[key] = value


_SHARED: dict[type, gast.AST] = {}  # field-less nodes (contexts, operators): one of each


def _gast_name(id_: str, ctx, annotation=None, type_comment=None) -> gast.Name:
    new = gast.Name.__new__(gast.Name)
    new.__dict__.update(id=id_, ctx=ctx, annotation=annotation, type_comment=type_comment)
    return new


def _converted_fields(node, target: type, convert, option):
    """A `target` node whose fields are `node`'s, each converted by `convert(value, option)`
    (type_params, absent before Python 3.12, becomes an empty list)."""
    new = target.__new__(target)
    fresh = new.__dict__
    for key in target._fields:
        value = getattr(node, key, None)
        if value is None and key == "type_params":
            value = []
        fresh[key] = convert(value, option)
    return new


def _to_gast(node, positions: bool = True):
    if type(node) is list:
        return [_gast_node(n, positions) if isinstance(n, _AST) else n for n in node]
    if not isinstance(node, _AST):
        return node
    return _gast_node(node, positions)


_PLANS: dict[type, tuple] = {}  # ast class -> (gast class, its fields)
_AST_NAME = ast.Name


def _plan(cls) -> tuple:
    target = _gast_class(cls)
    found = _PLANS[cls] = (target, target._fields)
    return found


def _gast_node(node, positions: bool):
    """`_to_gast` of a node: its fields converted here, a string or number left as it is
    without a call (a conversion is mostly such leaves), a name (the most frequent node)
    first."""
    cls = type(node)
    if cls is _AST_NAME:
        ctx = _SHARED.get(type(node.ctx)) or _gast_node(node.ctx, positions)
        new = _gast_name(node.id, ctx)
    else:
        shared = _SHARED.get(cls)
        if shared is not None:
            return shared
        if not cls._fields and not cls._attributes:
            shared = _SHARED[cls] = _gast_class(cls)()
            return shared
        if cls is ast.arg:
            new = _gast_name(
                node.arg, gast.Param(), _to_gast(node.annotation, positions), node.type_comment
            )
        elif cls is ast.ExceptHandler and node.name:
            new = gast.ExceptHandler(
                type=_to_gast(node.type, positions),
                name=_gast_name(node.name, gast.Store()),
                body=_to_gast(node.body, positions),
            )
        else:
            target, keys = _PLANS.get(cls) or _plan(cls)
            new = target.__new__(target)
            fresh = new.__dict__
            for key in keys:
                value = getattr(node, key, None)
                if type(value) is list:
                    value = [_gast_node(v, positions) if isinstance(v, _AST) else v for v in value]
                elif isinstance(value, _AST):
                    value = _gast_node(value, positions)
                elif value is None and key == "type_params":
                    value = []  # (absent before Python 3.12)
                fresh[key] = value
    if positions:
        # (the parser puts the positions in the node's own dictionary)
        old, fresh = node.__dict__, new.__dict__
        for key in _POSITIONS:
            value = old.get(key)
            if value is not None:
                fresh[key] = value
    return new


def _to_ast(node, lines: bool):
    if type(node) is list:
        return [_to_ast(n, lines) for n in node]
    if not isinstance(node, _AST):
        return node
    cls = type(node)
    if cls is gast.Name:
        if type(node.ctx) is gast.Param:
            new = ast.arg(
                arg=node.id,
                annotation=_to_ast(node.annotation, lines),
                type_comment=node.type_comment,
            )
        else:
            new = ast.Name(id=node.id, ctx=_to_ast(node.ctx, lines))
    elif cls is gast.ExceptHandler and node.name is not None:
        new = ast.ExceptHandler(
            type=_to_ast(node.type, lines), name=node.name.id, body=_to_ast(node.body, lines)
        )
    else:
        new = _converted_fields(node, _ast_class(cls), _to_ast, lines)
    _positions(new.__dict__, node)
    if lines and "lineno" not in new.__dict__ and isinstance(new, ast.stmt):
        new.lineno = 0  # ast.unparse looks statements up by line (for type: ignore comments)
    return new


def parse(source: str, positions: bool = True) -> gast.Module:
    """`gast.parse`, faster; `positions=False` leaves line and column numbers out (for code
    that will be inlined and take its user's line numbers)."""
    return _to_gast(ast.parse(source), positions)


def to_ast(node, for_unparse: bool = False):
    """`gast.gast_to_ast`, faster: a standard-library tree to compile or, with `for_unparse`,
    to give to ast.unparse (every statement then has a line number, as it requires; to
    compile, use ast.fix_missing_locations instead)."""
    return _to_ast(node, for_unparse)


def quote(source: str) -> list[gast.stmt]:
    """Parse a snippet of statements."""
    return parse(source).body


def quote_expr(source: str) -> gast.expr:
    """Parse a single expression."""
    return parse(source).body[0].value


def to_source(node) -> str:
    """Unparse a gast node (or list of statements) with the standard library."""
    if isinstance(node, list):
        return "\n".join(to_source(n) for n in node)
    if isinstance(node, gast.expr):
        return ast.unparse(_to_ast(gast.Expression(body=node), True))
    return ast.unparse(_to_ast(gast.Module(body=[node], type_ignores=[]), True))


def clone(node):
    """A deep copy of a gast tree (several times faster than copy.deepcopy on ASTs).

    Every attribute is copied: fields, positions and the notes passes leave on statements
    (`srcad.ir.notes`). Nodes without fields or positions (contexts, operators) are shared:
    no pass mutates them, they are replaced."""
    if type(node) is list:
        return [clone(n) for n in node]
    if not isinstance(node, _AST):
        return node
    cls = node.__class__
    if not cls._fields and not cls._attributes:
        return node

    new = cls.__new__(cls)
    fresh = new.__dict__
    for key, value in node.__dict__.items():
        if type(value) is list:
            value = [clone(v) if isinstance(v, _AST) else v for v in value]
        elif isinstance(value, _AST):
            value = clone(value)
        fresh[key] = value
    return new


def children(node) -> list:
    """The direct child nodes of `node`, in field order (as ast.iter_child_nodes)."""
    out = []
    for key in node._fields:
        value = getattr(node, key, None)
        if type(value) is list:
            out.extend(v for v in value if isinstance(v, _AST))
        elif isinstance(value, _AST):
            out.append(value)
    return out


_BLOCKS = ("body", "orelse", "finalbody", "handlers")


def statements(node) -> Iterator[gast.stmt]:
    """`node` (a statement or a list of them) and every statement nested in it, without
    visiting expressions (statements never sit inside expressions)."""
    todo = list(node) if type(node) is list else [node]
    while todo:
        current = todo.pop()
        yield current
        for key in _BLOCKS:
            block = getattr(current, key, None)
            if block:
                todo.extend(block)


# Fields that hold only an expression context or an operator (ctx, op, ops): leaves that
# no caller of `walk` looks for, and a third of a tree's nodes; and fields that hold only a
# string, a number or a flag (a name's id, an attribute's name, a constant's value), which
# need not be looked at.
_LEAF_FIELDS = frozenset(("ctx", "op", "ops"))
_SCALAR_FIELDS = frozenset(
    ("id", "attr", "arg", "type_comment", "kind", "conversion", "is_async", "level", "module")
)
_SCALAR_BY_CLASS = {
    gast.Constant: ("value",),
    gast.FunctionDef: ("name",),
    gast.AsyncFunctionDef: ("name",),
    gast.ClassDef: ("name",),
}
_WALK_FIELDS: dict[type, tuple[str, ...]] = {}


def _walk_fields(cls) -> tuple[str, ...]:
    skipped = _LEAF_FIELDS | _SCALAR_FIELDS | frozenset(_SCALAR_BY_CLASS.get(cls, ()))
    found = _WALK_FIELDS[cls] = tuple(k for k in cls._fields if k not in skipped)
    return found


def walk(node) -> Iterator[ast.AST]:
    """Every node of the tree but its contexts and operators (`ctx`, `op`, `ops`: read them
    on their parent), breadth first, in the order of ast.walk (which this replaces because it
    dominated the transformation time)."""
    todo = [node]
    extend, append = todo.extend, todo.append
    fields = _WALK_FIELDS
    for current in todo:
        cls = type(current)
        keys = fields.get(cls)
        if keys is None:
            keys = _walk_fields(cls)
        if keys:
            # (a field a node lacks reads as None, as getattr(node, key, None) would)
            get = current.__dict__.get
            for key in keys:
                value = get(key)
                if type(value) is list:
                    extend([v for v in value if isinstance(v, _AST)])
                elif isinstance(value, _AST):
                    append(value)
        yield current


def replace_node(tree, old, new) -> None:
    """Put `new` wherever the node `old` itself (not an equal copy) sits in `tree`."""
    for n in walk(tree):
        for field in n._fields:
            value = getattr(n, field, None)
            if value is old:
                setattr(n, field, new)
            elif isinstance(value, list):
                for i, v in enumerate(value):
                    if v is old:
                        value[i] = new


def is_name(node, id_: str | None = None) -> bool:
    return isinstance(node, gast.Name) and (id_ is None or node.id == id_)


def is_const(node) -> bool:
    return isinstance(node, gast.Constant)


def walk_no_nested(node) -> Iterator[gast.AST]:
    """Walk a tree without descending into nested function or lambda bodies."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        for child in children(current):
            if isinstance(child, (gast.FunctionDef, gast.Lambda)) and child is not node:
                yield child
                continue
            stack.append(child)


# Fields that never hold a name: contexts, operators, strings and numbers (what _names
# walks, it walks often).
_NO_NAMES = frozenset(("ctx", "op", "ops")) | _SCALAR_FIELDS
_NAME_FIELDS: dict[type, tuple[str, ...]] = {}


def _name_fields(cls) -> tuple[str, ...]:
    skipped = _NO_NAMES | frozenset(_SCALAR_BY_CLASS.get(cls, ()))
    found = _NAME_FIELDS[cls] = tuple(k for k in cls._fields if k not in skipped)
    return found


def _names(node, contexts) -> set[str]:
    # walk_no_nested, inlined: these two queries run for every statement of every pass.
    # Most children are plain names: they are looked at where they are found, not stacked.
    found = set()
    add = found.add
    stack = [node]
    pop, push = stack.pop, stack.append
    fields = _NAME_FIELDS
    name_class = gast.Name
    while stack:
        current = pop()
        cls = type(current)
        if cls is name_class:
            if isinstance(current.ctx, contexts):
                add(current.id)
            if current.annotation is not None:
                push(current.annotation)
            continue
        if current is not node and (cls is gast.FunctionDef or cls is gast.Lambda):
            continue
        keys = fields.get(cls)
        if keys is None:
            keys = _name_fields(cls)
        get = current.__dict__.get
        for key in keys:
            value = get(key)
            if type(value) is list:
                for v in value:
                    if type(v) is name_class and v.annotation is None:
                        if isinstance(v.ctx, contexts):
                            add(v.id)
                    elif isinstance(v, _AST):
                        push(v)
            elif type(value) is name_class and value.annotation is None:
                if isinstance(value.ctx, contexts):
                    add(value.id)
            elif isinstance(value, _AST):
                push(value)
    return found


def name_counts(node) -> tuple[dict[str, int], dict[str, int]]:
    """How many times `node` reads each name, and binds or deletes each, anywhere (nested
    functions included, as `walk` goes): the counts a walk would make, without the walk."""
    loads: dict[str, int] = {}
    others: dict[str, int] = {}
    stack = [node]
    pop, push = stack.pop, stack.append
    fields = _WALK_FIELDS
    name_class, load = gast.Name, gast.Load
    while stack:
        current = pop()
        cls = type(current)
        if cls is name_class:
            counts = loads if type(current.ctx) is load else others
            counts[current.id] = counts.get(current.id, 0) + 1
            if current.annotation is not None:
                push(current.annotation)
            continue
        keys = fields.get(cls)
        if keys is None:
            keys = _walk_fields(cls)
        get = current.__dict__.get
        for key in keys:
            value = get(key)
            if type(value) is list:
                for v in value:
                    if isinstance(v, _AST):
                        push(v)
            elif isinstance(value, _AST):
                push(value)
    return loads, others


def names_loaded(node) -> set[str]:
    """Names read anywhere in `node` (not inside nested functions)."""
    return _names(node, gast.Load)


def names_stored(node) -> set[str]:
    """Names bound anywhere in `node` (not inside nested functions), parameters included."""
    return _names(node, (gast.Store, gast.Param))


def all_names(node) -> set[str]:
    """Every identifier mentioned anywhere, nested functions included (for fresh-name checks)."""
    out = set()
    for n in walk(node):
        if isinstance(n, gast.Name):
            out.add(n.id)
        elif isinstance(n, (gast.FunctionDef, gast.ClassDef)):
            out.add(n.name)
        elif isinstance(n, gast.Attribute):
            out.add(n.attr)
    return out


def copy_location(new, old):
    """Copy line information to a new node and all of its children that lack it."""
    lineno = getattr(old, "lineno", None)
    if lineno is None:
        return new
    for n in walk(new) if isinstance(new, gast.AST) else []:
        if getattr(n, "lineno", None) is None and (
            isinstance(n, (gast.stmt, gast.expr)) or hasattr(n, "lineno")
        ):
            n.lineno = lineno
            n.col_offset = getattr(old, "col_offset", 0)
            n.end_lineno = getattr(old, "end_lineno", lineno)
            n.end_col_offset = getattr(old, "end_col_offset", 0)
    return new


def set_lines(stmts: list, lineno: int | None) -> list:
    """Tag statements (recursively) with the user's source line they come from."""
    if lineno is None:
        return stmts
    for s in stmts:
        for n in walk(s):
            if isinstance(n, gast.stmt) and getattr(n, "lineno", None) is None:
                n.lineno = lineno
                n.col_offset = 0
    return stmts


def rewrite_statements(body: list, rewrite) -> list:
    """`body` with each statement `s`, at any depth of nested statement lists (bodies, else
    branches, finally blocks), replaced by the list `rewrite(s)` returns; nested lists are
    rewritten before the statement that holds them."""
    out = []
    for s in body:
        for field in ("body", "orelse", "finalbody"):
            inner = getattr(s, field, None)
            if isinstance(inner, list):
                setattr(s, field, rewrite_statements(inner, rewrite))
        out.extend(rewrite(s))
    return out
