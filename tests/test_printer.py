"""srcad.printer prints generated code as ast.unparse would, and faster.

Each snippet is printed both ways; the printer must give ast.unparse's text exactly (on
Python 3.11 and later: 3.10's ast.unparse puts tuple targets in parentheses). The corpus
and fuzz tests compare the two on all the code srcad generates (helpers.
printer_matches_ast_unparse); the cases here pin precedence, the statements generated code
uses, and what goes to ast.unparse instead.
"""

from __future__ import annotations

import ast
import sys
import textwrap

import gast
import pytest

from srcad import printer
from srcad.ir import syntax as S

SNIPPETS = {
    "arithmetic": "y = a - (b - c) + (a - b) - c * (d + e) / f // g % h @ k",
    "power": "y = a ** b ** c + (a ** b) ** c + (-a) ** 2 + -a ** 2 + a ** -b",
    "unary": "y = -(-a) + +a + ~a - -(a + b) + (not a) + -a.b",
    "bitwise": "y = a | b ^ c & d << e >> f | (a | b) & c",
    "comparisons": "y = a < b <= c != d and (a < b) < c or a is not b in c not in d",
    "boolean": "y = a and b or c and (d or e) and not (f and g) or (a or b or c)",
    "nested boolean": "y = (a and b) and c or a and (b and c and (d or e)) and f",
    "conditional": "y = a if b else c if d else e; z = (a if b else c) if d else e",
    "conditional operands": "y = (a if b else c) + 1 if (a if b else c) else (lambda: 0)",
    "calls": "y = f(a, *b, c=1, **d)(e)[f].g(h=(a, b), i=[*c, d])",
    "attribute of int": "y = 3 .real + 3.5.real + (3).imag + a.b.c",
    "subscripts": "y = a[1:, ::2, b:c:d][...][()][(1,)][a, :][:][::][1:2:][x, y]",
    "tuples": "y = (); z = (a,); a, b = c, d; (a, b), c = ((1, 2), 3); return (a, b)",
    "tuple in call": "y = f((a, b), (c,))",
    "lists": "y = [a, [b, (c, d)], []]",
    "constants": "y = (1e309, -1e309, 1e-06, 0.1, 1j, (1+2j), 'a\"b', \"'\", b'x', None, True)",
    "nan": "y = 1e309 - 1e309",
    "augmented": "y += a; y -= b * c; y @= d; y **= 2; y //= e; y |= f; x[i] += 1",
    "expression statements": "f(x); x.append(y); a + b; (a, b); yield_ = 3",
    "if elif else": """\
        if a:
            x = 1
        elif b:
            x = 2
        elif c:
            pass
        else:
            x = 4
        """,
    "else holding an if and more": """\
        if a:
            x = 1
        else:
            if b:
                x = 2
            x = 3
        """,
    "loops": """\
        for i in range(n):
            if i > 2:
                break
            continue
        else:
            x = 1
        for a, (b, c) in zip(p, q):
            pass
        while a < b:
            a = a + 1
        else:
            b = 0
        """,
    "what goes to ast.unparse": """\
        y = [i * 2 for i in x if i]
        z = {k: v for k, v in d.items()}
        s = f'{a!r:>{w}} and {b}'
        g = lambda u, *v, w=1: u + w
        del x[0]
        assert a, 'message'
        raise ValueError('x')
        w = {'a': 1, **d}
        q = {a, b}
        y = x if (n := len(x)) else None
        """,
    "nested def": """\
        x = 1
        def inner(a, b=2):
            return a + b
        class C:
            pass
        y = inner(x)
        """,
    "try and with": """\
        try:
            x = 1
        except ValueError as e:
            x = 2
        finally:
            x = 3
        with open(p) as fh:
            x = fh.read()
        """,
}
if sys.version_info >= (3, 11):
    SNIPPETS["starred subscript"] = "y = a[*b]"


def _function(body: str) -> str:
    return "def f(x, y=1, *args, z, **kw):\n" + textwrap.indent(textwrap.dedent(body), "    ")


@pytest.mark.skipif(sys.version_info < (3, 11), reason="3.10's ast.unparse differs on tuples")
@pytest.mark.parametrize("name", SNIPPETS)
def test_same_text_as_ast_unparse(name):
    source = _function(SNIPPETS[name].replace("; ", "\n"))
    fdef = S.parse(source).body[0]
    expected = ast.unparse(ast.parse(source)) + "\n"
    assert printer.function_source(fdef) == expected


def test_printed_text_compiles_to_the_same_tree():
    for snippet in SNIPPETS.values():
        source = _function(snippet.replace("; ", "\n"))
        printed = printer.function_source(S.parse(source).body[0])
        assert ast.dump(ast.parse(printed)) == ast.dump(ast.parse(source))


def _marker(text: str) -> gast.stmt:
    return S.expr_stmt(S.const(printer.COMMENT + text))


def test_comments_and_blocks_left_with_only_comments():
    fdef = S.parse("def f(x):\n    if x:\n        y = 1\n    else:\n        y = 2\n").body[0]
    fdef.body.insert(0, _marker("f, m.py:2  if x:"))
    branch = fdef.body[1]
    branch.body = [_marker("f, m.py:3  y = 1")]  # its code was dead
    branch.orelse.insert(0, _marker("f, m.py:5  y = 2"))
    assert printer.function_source(fdef) == textwrap.dedent(
        """\
        def f(x):
            # f, m.py:2  if x:
            if x:
                # f, m.py:3  y = 1
                pass
            else:
                # f, m.py:5  y = 2
                y = 2
        """
    )


def test_comments_inside_a_statement_ast_unparse_prints():
    fdef = S.parse("def f(x):\n    def g(u):\n        return u\n    return g(x)\n").body[0]
    inner = fdef.body[0]
    inner.body.insert(0, _marker("g, m.py:3  return u"))
    assert printer.function_source(fdef) == textwrap.dedent(
        """\
        def f(x):

            def g(u):
                # g, m.py:3  return u
                return u
            return g(x)
        """
    )


def test_docstring_printed_as_ast_unparse_does():
    source = 'def f(x):\n    """Doc."""\n    return x\n'
    assert printer.function_source(S.parse(source).body[0]) == source


def test_derivative_notation_left_is_an_internal_error():
    from srcad.ir.dnotation import Deriv

    fdef = S.parse("def f(x):\n    y = x\n").body[0]
    fdef.body[0].value = Deriv(id="x", ctx=gast.Load())
    with pytest.raises(AssertionError, match="Deriv left in generated code"):
        printer.function_source(fdef)


def test_comment_quoting_both_kinds_of_quote():
    # ast.unparse prints such a marker, first in a body, as a '''docstring'''; srcad's
    # printing through ast.unparse once left it in the generated code as a string.
    fdef = S.parse('def f(x):\n    assert x, f"got {x}"\n').body[0]
    text = "f, m.py:2  assert x, f\"got {x}\" + 'y'"
    fdef.body.insert(0, _marker(text))
    expected = f"def f(x):\n    # {text}\n    assert x, f'got {{x}}'\n"
    assert printer.function_source(fdef) == expected
    assert printer.unparse_with_ast(S.clone(fdef)) + "\n" == expected
