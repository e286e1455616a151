"""Stage 1 finds a function's def in its file without tokenizing the file (parse.def_source)."""

from __future__ import annotations

import ast
import textwrap

import numpy as np
import pytest
from helpers import function_from_source

import srcad
from srcad import parse
from srcad.ir import syntax as S

CASES = {
    "a nested def last": (
        """\
        def f(x):
            def inner(u):
                v = u * 2
                return v * u
            return inner(x)
        """,
        "f",
        (1.5,),
        4 * 1.5,
    ),
    "nested def is the last statement": (
        """\
        def f(x):
            y = x * 3
            def inner(u):
                v = u * 2
                w = v + y
                return w
            return inner(x) if x > 0 else inner(-x)
        """,
        "f",
        (1.5,),
        5.0,
    ),
    "a call closing lines later": (
        """\
        def f(x):
            return np.sum(
                x
                * x
            )
        x = 1
        """,
        "f",
        (np.array([1.0, 2.0]),),
        np.array([2.0, 4.0]),
    ),
    "decorated, in a class": (
        """\
        class C:
            @staticmethod
            @(lambda fn: fn)
            def f(x):
                if x > 0:
                    y = x * x
                else:
                    pass
                return y
        f = C.f
        """,
        "f",
        (2.0,),
        4.0,
    ),
    "a comprehension over lines": (
        """\
        def f(x):
            return sum(
                [x * k
                 for k in range(3)]
            )
        """,
        "f",
        (2.0,),
        3.0,
    ),
}


@pytest.mark.parametrize("name", CASES)
def test_whole_def_found(name):
    source, fname, args, expected = CASES[name]
    fn = function_from_source(source, fname)
    np.testing.assert_allclose(srcad.grad(fn)(*args), expected)
    _assert_whole_def(fn, source, fname)


def _assert_whole_def(fn, source, fname):
    """Every statement of the def came through (compared with the whole file's tree)."""
    parsed = parse.parse_function(fn)
    whole = S.parse(textwrap.dedent(source))
    (expected,) = [n for n in S.walk(whole) if getattr(n, "name", None) == fname]
    expected.decorator_list = []
    assert ast.dump(S.to_ast(parsed.node)) == ast.dump(S.to_ast(expected))


def test_a_nested_def_last_is_found_whole():
    source = """\
    def f(x):
        y = x
        def inner(u):
            v = u * 2
            return v * u
    """
    _assert_whole_def(function_from_source(source, "f"), source, "f")


def test_lines_after_the_last_code_line_are_left_out():
    lines = ["def f(x):\n", "    return x\n", "    # a comment\n", "\n", "y = 2\n"]
    code = compile("".join(lines), "<t>", "exec").co_consts[0]
    found_lines, module = parse.def_source(code, lines)
    assert found_lines == lines[:2]


def test_not_a_def_line_is_left_to_inspect():
    lines = ["f = (lambda x:\n", "     x)\n"]
    code = compile("".join(lines), "<t>", "exec").co_consts[0]
    assert parse.def_source(code, lines) is None
