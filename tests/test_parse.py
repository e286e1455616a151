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


def _edited(source: str, edited: str, name: str = "f"):
    """`name` defined from `source`, its file then reading `edited` (as after an edit)."""
    import linecache

    fn = function_from_source(source, name)
    text = textwrap.dedent(edited)
    filename = fn.__code__.co_filename
    linecache.cache[filename] = (len(text), None, text.splitlines(True), filename)
    return fn


def test_an_edited_source_is_refused():
    fn = _edited(
        "import numpy as np\ndef f(x):\n    return np.sum(np.sin(x) * 2.0)\n",
        "import numpy as np\ndef f(x):\n    return np.sum(np.sin(x) * 3.0)\n",
    )
    with pytest.raises(srcad.SourceUnavailableError, match="has changed since"):
        srcad.grad(fn)(np.array([0.5, 1.0]))


def test_a_constant_edited_from_zero_to_minus_zero_is_refused():
    # 0.0 == -0.0: the constants are told apart by what they are, not by ==
    fn = _edited("def f(x):\n    return x * 0.0 + x\n", "def f(x):\n    return x * -0.0 + x\n")
    with pytest.raises(srcad.SourceUnavailableError, match="has changed since"):
        srcad.grad(fn)(1.5)


def test_a_module_imported_by_the_functions_module_compiles_byte_for_byte():
    # the copy is compiled next to an import of np, as the function's module imported it:
    # the same bytes (Python 3.11 and later compile np.sum(...) after an import otherwise)
    fn = function_from_source(
        "import numpy as np\ndef f(x):\n    return np.sum(np.sin(x) * x)\n", "f"
    )
    node = parse.parse_function(fn).node
    copy = parse._compile_def(node, fn.__code__, parse._imported_globals(fn))
    assert parse._imported_globals(fn) == ["np"]
    assert parse._same_bytes(copy, fn.__code__)
    assert parse._same_behaviour(copy, fn.__code__)
