"""Print generated gast statements as Python source, the way `ast.unparse` would.

Accepts gast statements in plain Python (no d-notation left), where comment markers (an
expression statement holding a string that starts with `COMMENT`) stand for comments.
Guarantees: the text is what `ast.unparse` (Python 3.11 and later) prints for the same
tree, with each marker printed as a `# ...` comment line at its statement's indentation,
and `pass` added to a block that holds nothing but comments. On Python 3.10, whose
`ast.unparse` puts parentheses around tuple targets, the text is 3.11's.

Why not `ast.unparse` itself: printing the generated code took a fifth of a first
`grad(f)` (the gast -> ast conversion, the unparser's visitor and precedence bookkeeping).
This printer covers the statements and expressions that generated code is made of, with
one function per node type and the precedence passed down as an argument. A statement that
holds anything else (a nested def, a comprehension, an f-string...) goes to `ast.unparse`
whole, so what the printer does not know it does not guess.
"""

from __future__ import annotations

import ast
import sys

import gast

from .ir import syntax as S
from .ir.dnotation import (
    Block,
    Deriv,
    Materialize,
    Reset,
    Restore,
    Save,
    SetDerivative,
    Zero,
)

COMMENT = "__srcad_comment__:"

# ast.unparse's precedence levels (ast._Precedence), as plain integers.
TUPLE, YIELD, TEST, OR, AND, NOT, CMP, EXPR = 2, 3, 4, 5, 6, 7, 8, 9
BXOR, BAND, SHIFT, ARITH, TERM, FACTOR, POWER, ATOM = 10, 11, 12, 13, 14, 15, 16, 18

_INFINITY = "1e" + repr(sys.float_info.max_10_exp + 1)

_BINARY = {
    gast.Add: ("+", ARITH),
    gast.Sub: ("-", ARITH),
    gast.Mult: ("*", TERM),
    gast.MatMult: ("@", TERM),
    gast.Div: ("/", TERM),
    gast.Mod: ("%", TERM),
    gast.FloorDiv: ("//", TERM),
    gast.Pow: ("**", POWER),
    gast.LShift: ("<<", SHIFT),
    gast.RShift: (">>", SHIFT),
    gast.BitOr: ("|", EXPR),
    gast.BitXor: ("^", BXOR),
    gast.BitAnd: ("&", BAND),
}
_UNARY = {gast.USub: "-", gast.UAdd: "+", gast.Invert: "~"}
_COMPARE = {
    gast.Eq: "==",
    gast.NotEq: "!=",
    gast.Lt: "<",
    gast.LtE: "<=",
    gast.Gt: ">",
    gast.GtE: ">=",
    gast.Is: "is",
    gast.IsNot: "is not",
    gast.In: "in",
    gast.NotIn: "not in",
}


class _Unknown(Exception):
    """A node this printer does not print: its statement goes to ast.unparse."""


def _parens(text: str, needed: bool) -> str:
    return f"({text})" if needed else text


def _name(node, level):
    return node.id


def _constant(node, level):
    value = node.value
    if getattr(node, "kind", None) is not None:  # u"..."
        raise _Unknown
    kind = type(value)
    if kind is float or kind is complex:
        return repr(value).replace("inf", _INFINITY).replace("nan", f"({_INFINITY}-{_INFINITY})")
    if value is ...:
        return "..."
    if kind is tuple or kind is frozenset:
        raise _Unknown
    return repr(value)


def _attribute(node, level):
    value = node.value
    text = expr(value, ATOM)
    if type(value) is gast.Constant and isinstance(value.value, int):
        text += " "  # 3 .real, as 3.real does not parse
    return f"{text}.{node.attr}"


def _argument(node) -> str:
    if type(node) is gast.Starred:
        return "*" + expr(node.value, EXPR)
    return expr(node, TEST)


def _call(node, level):
    parts = [_argument(a) for a in node.args]
    for k in node.keywords:
        value = expr(k.value, TEST)
        parts.append(f"{k.arg}={value}" if k.arg is not None else "**" + value)
    return f"{expr(node.func, ATOM)}({', '.join(parts)})"


def _items(elts) -> str:
    if len(elts) == 1:
        return _argument(elts[0]) + ","
    return ", ".join([_argument(e) for e in elts])


def _subscript(node, level):
    index = node.slice
    if type(index) is gast.Tuple and index.elts:
        inside = _items(index.elts)
    else:
        inside = expr(index, TEST)
    return f"{expr(node.value, ATOM)}[{inside}]"


def _slice(node, level):
    text = expr(node.lower, TEST) if node.lower is not None else ""
    text += ":"
    if node.upper is not None:
        text += expr(node.upper, TEST)
    if node.step is not None:
        text += ":" + expr(node.step, TEST)
    return text


def _tuple(node, level):
    elts = node.elts
    return _parens(_items(elts), not elts or level > TUPLE)


def _list(node, level):
    return "[" + ", ".join([_argument(e) for e in node.elts]) + "]"


def _binop(node, level):
    op, precedence = _BINARY[type(node.op)]
    if precedence == POWER:  # right-associative
        text = f"{expr(node.left, POWER + 1)} ** {expr(node.right, POWER)}"
    else:
        text = f"{expr(node.left, precedence)} {op} {expr(node.right, precedence + 1)}"
    return _parens(text, level > precedence)


def _unaryop(node, level):
    if type(node.op) is gast.Not:
        return _parens("not " + expr(node.operand, NOT), level > NOT)
    return _parens(_UNARY[type(node.op)] + expr(node.operand, FACTOR), level > FACTOR)


def _compare(node, level):
    parts = [expr(node.left, CMP + 1)]
    for op, right in zip(node.ops, node.comparators):
        parts.append(_COMPARE[type(op)])
        parts.append(expr(right, CMP + 1))
    return _parens(" ".join(parts), level > CMP)


def _boolop(node, level):
    precedence = AND if type(node.op) is gast.And else OR
    word = " and " if precedence == AND else " or "
    # ast.unparse raises the level for each further operand (a quirk kept for equal text).
    parts = [expr(v, min(precedence + 1 + i, ATOM)) for i, v in enumerate(node.values)]
    return _parens(word.join(parts), level > precedence)


def _ifexp(node, level):
    text = (
        f"{expr(node.body, TEST + 1)} if {expr(node.test, TEST + 1)} else {expr(node.orelse, TEST)}"
    )
    return _parens(text, level > TEST)


_EXPRESSIONS = {
    gast.Name: _name,
    gast.Constant: _constant,
    gast.Attribute: _attribute,
    gast.Call: _call,
    gast.Subscript: _subscript,
    gast.Slice: _slice,
    gast.Tuple: _tuple,
    gast.List: _list,
    gast.BinOp: _binop,
    gast.UnaryOp: _unaryop,
    gast.Compare: _compare,
    gast.BoolOp: _boolop,
    gast.IfExp: _ifexp,
}


def expr(node, level: int = TEST) -> str:
    """The source of an expression in a context of precedence `level`."""
    printer = _EXPRESSIONS.get(type(node))
    if printer is None:
        raise _Unknown
    return printer(node, level)


def _is_comment(stmt) -> bool:
    if type(stmt) is not gast.Expr:
        return False
    value = stmt.value
    return (
        type(value) is gast.Constant
        and type(value.value) is str
        and value.value.startswith(COMMENT)
    )


class _Printer:
    def __init__(self):
        self.lines: list[str] = []

    def block(self, stmts: list, indent: str) -> None:
        code = False
        for s in stmts:
            if _is_comment(s):
                self.lines.append(f"{indent}# {s.value.value[len(COMMENT) :]}")
                continue
            code = True
            mark = len(self.lines)
            try:
                self.statement(s, indent)
            except _Unknown:
                del self.lines[mark:]
                self.fallback(s, indent)
        if not code:
            self.lines.append(indent + "pass")

    def statement(self, s, indent: str) -> None:
        lines = self.lines
        kind = type(s)
        if kind is gast.Assign:
            targets = "".join([expr(t, TUPLE) + " = " for t in s.targets])
            if s.type_comment:
                raise _Unknown
            lines.append(f"{indent}{targets}{expr(s.value)}")
        elif kind is gast.AugAssign:
            op = _BINARY[type(s.op)][0]
            lines.append(f"{indent}{expr(s.target)} {op}= {expr(s.value)}")
        elif kind is gast.Expr:
            lines.append(indent + expr(s.value, YIELD))
        elif kind is gast.Return:
            lines.append(indent + ("return" if s.value is None else "return " + expr(s.value)))
        elif kind is gast.If:
            self.if_(s, indent)
        elif kind is gast.For:
            if s.type_comment:
                raise _Unknown
            lines.append(f"{indent}for {expr(s.target, TUPLE)} in {expr(s.iter)}:")
            self.body_and_else(s, indent)
        elif kind is gast.While:
            lines.append(f"{indent}while {expr(s.test)}:")
            self.body_and_else(s, indent)
        elif kind is gast.Pass:
            lines.append(indent + "pass")
        elif kind is gast.Break:
            lines.append(indent + "break")
        elif kind is gast.Continue:
            lines.append(indent + "continue")
        else:
            raise _Unknown

    def if_(self, s, indent: str) -> None:
        self.lines.append(f"{indent}if {expr(s.test)}:")
        self.block(s.body, indent + "    ")
        # else: if ... prints as elif, as ast.unparse does
        while len(s.orelse) == 1 and type(s.orelse[0]) is gast.If:
            s = s.orelse[0]
            self.lines.append(f"{indent}elif {expr(s.test)}:")
            self.block(s.body, indent + "    ")
        if s.orelse:
            self.lines.append(indent + "else:")
            self.block(s.orelse, indent + "    ")

    def body_and_else(self, s, indent: str) -> None:
        self.block(s.body, indent + "    ")
        if s.orelse:
            self.lines.append(indent + "else:")
            self.block(s.orelse, indent + "    ")

    def fallback(self, s, indent: str) -> None:
        if isinstance(s, (gast.FunctionDef, gast.AsyncFunctionDef, gast.ClassDef)):
            self.lines.append("")  # ast.unparse leaves a blank line before a nested def
        for line in unparse_with_ast(s).splitlines():
            self.lines.append(indent + line if line else line)


_DNOTATION = (Deriv, Zero, Block, Reset, Save, Restore, Materialize, SetDerivative)


def _check_and_fill(node) -> None:
    """No d-notation may be left; a block left with only comments (its code was dead) needs
    a `pass` to be Python."""
    for n in S.walk(node):
        if isinstance(n, _DNOTATION):
            raise AssertionError(f"srcad internal error: {type(n).__name__} left in generated code")
        for field in ("body", "orelse"):
            block = getattr(n, field, None)
            if type(block) is list and block and all(_is_comment(s) for s in block):
                block.append(gast.Pass())


def unparse_with_ast(stmt) -> str:
    """`stmt` by the standard library's unparser, comment markers turned into comments."""
    _check_and_fill(stmt)
    tree = S.to_ast(gast.Module(body=[stmt], type_ignores=[]), for_unparse=True)
    lines = []
    for line in ast.unparse(tree).splitlines():
        stripped = line.strip()
        # A marker first in a body prints as a docstring, in triple quotes.
        if stripped.lstrip("'\"").startswith(COMMENT):
            indent = line[: len(line) - len(line.lstrip())]
            lines.append(f"{indent}# {ast.literal_eval(stripped)[len(COMMENT) :]}")
        else:
            lines.append(line)
    return "\n".join(lines)


def function_source(fdef: gast.FunctionDef) -> str:
    """The whole function: its def line (by ast.unparse) and its body (by this printer)."""
    header = gast.FunctionDef.__new__(gast.FunctionDef)
    header.__dict__.update(fdef.__dict__)
    header.body = [gast.Pass()]
    body = fdef.body
    if body and type(body[0]) is gast.Expr and not _is_comment(body[0]):
        return unparse_with_ast(fdef) + "\n"  # ast.unparse prints a docstring its own way
    text = unparse_with_ast(header)
    printer = _Printer()
    printer.lines.extend(text.splitlines()[:-1])  # the def line(s), without the pass
    printer.block(fdef.body, "    ")
    return "\n".join(printer.lines) + "\n"
