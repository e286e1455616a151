"""syntax.parse / syntax.to_ast agree with gast's own converters, node for node.

srcad converts between the standard library's trees and gast's with its own (faster)
functions; these tests hold them to gast's mapping on real code: srcad's own sources (which
use most of the language), the corpus of user functions, and constructs chosen because gast
maps them specially (parameters, exception handlers, annotations, lambdas, f-strings).
"""

from __future__ import annotations

import ast
import pathlib
import sys

import gast
import pytest

from srcad.ir import syntax as S
from srcad.ir.notes import mark, notes

ROOT = pathlib.Path(__file__).resolve().parent.parent
FILES = sorted(
    [*ROOT.glob("srcad/**/*.py"), *ROOT.glob("tests/corpus/*.py"), *ROOT.glob("benchmarks/*.py")]
)

SPECIAL = [
    "def f(a, /, b: int = 1, *args: str, c, d=2, **kw) -> float:\n    return a",
    "lambda x, *y, z=1, **w: x + z",
    "try:\n    pass\nexcept ValueError as e:\n    raise\nexcept:\n    pass\nfinally:\n    x = 1",
    "x: int = 3\nx += 1\ndel x",
    "y = f'{a!r:>{w}} and {b}' + 'c' 'd' + b'e'.decode() if q else [i for i in range(3) if i]",
    "class C(B, metaclass=M):\n    @staticmethod\n    def g(): yield from h()",
    "with open(p) as f, g() as (a, b):\n    async def h():\n        await z",
    "a[1:2, ::3, ...] = {k: v for k, v in d.items()}; s = {*a}; t = (*b, c)",
    "global g\nnonlocal_ = 1\nassert x, 'message'\nwhile not x: break\nelse: pass",
]
if sys.version_info >= (3, 12):
    SPECIAL.append("def f[T: int, *Ts, **P](x: T) -> T:\n    return x\ntype A[T] = list[T]")


def _sources() -> list:
    return [
        *(pytest.param(p.read_text(), id=str(p.relative_to(ROOT))) for p in FILES),
        *(pytest.param(source, id=f"special-{i}") for i, source in enumerate(SPECIAL)),
    ]


@pytest.mark.parametrize("source", _sources())
def test_parse_matches_gast(source):
    ours, theirs = S.parse(source), gast.parse(source)
    assert gast.dump(ours, include_attributes=True) == gast.dump(theirs, include_attributes=True)


@pytest.mark.parametrize("source", _sources())
def test_to_ast_matches_gast(source):
    tree = gast.parse(source)
    ours, theirs = S.to_ast(tree), gast.gast_to_ast(tree)
    assert ast.dump(ours, include_attributes=True) == ast.dump(theirs, include_attributes=True)
    assert ast.unparse(ours) == ast.unparse(theirs)


def test_a_converted_tree_compiles():
    tree = S.parse("def f(x, *, k=2):\n    return [x * k for _ in range(2)]\n")
    namespace: dict = {}
    exec(compile(ast.fix_missing_locations(S.to_ast(tree)), "<test>", "exec"), namespace)
    assert namespace["f"](3) == [6, 6]


def test_clone_copies_every_statement_and_mark_but_shares_contexts():
    tree = S.parse("for i in range(3):\n    pass\n    x = -i\n")
    mark(tree.body[0], loop_tail=True)
    copy = S.clone(tree)
    assert gast.dump(copy, include_attributes=True) == gast.dump(tree, include_attributes=True)
    assert notes(copy.body[0]).loop_tail is True
    originals = list(S.walk(tree))
    for a, b in zip(originals, S.walk(copy)):
        # statements and expressions (Pass included: it has a position) are new objects;
        # contexts and operators, which nothing mutates, may be shared
        assert (a is b) == (not type(a)._fields and not type(a)._attributes)
    copy.body[0].body[0].lineno = 99
    assert tree.body[0].body[0].lineno == 2
