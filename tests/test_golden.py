"""Golden-source tests: what each pass emits, as exact text."""

from __future__ import annotations

import textwrap

import gast
import numpy as np
from helpers import function_from_source

import srcad
from srcad.ir import syntax as S
from srcad.naming import Namer
from srcad.normalize import anf


def normalized(source: str) -> str:
    fdef = gast.parse(textwrap.dedent(source)).body[0]
    out = anf.normalize_function(fdef, Namer(S.all_names(fdef)), "rt")
    return S.to_source(out).strip()


def check(source: str, expected: str) -> None:
    assert normalized(source) == textwrap.dedent(expected).strip()


def test_anf_nested_expression():
    check(
        """
        def f(x):
            return np.sum(np.tanh(x) ** 2)
        """,
        """
        def f(x):
            t = np.tanh(x)
            t2 = t ** 2
            result = np.sum(t2)
            return result
        """,
    )


def test_anf_renames_straight_line_reassignment():
    check(
        """
        def f(x):
            x = x * 2
            y = x + 1
            y = y * x
            return y
        """,
        """
        def f(x):
            x2 = x * 2
            y = x2 + 1
            y2 = y * x2
            return y2
        """,
    )


def test_anf_tuple_swap_and_augassign():
    check(
        """
        def f(a, b):
            a, b = b, a
            a += b
            return a
        """,
        """
        def f(a, b):
            t = b
            t2 = a
            a2 = t
            b2 = t2
            a3 = a2 + b2
            return a3
        """,
    )


def test_anf_loop_reassignment_uses_a_temporary():
    check(
        """
        def f(x, n):
            for i in range(n):
                x = np.sin(x) * 2
            return x
        """,
        """
        def f(x, n):
            for i in range(n):
                t = np.sin(x)
                x = t * 2
            return x
        """,
    )


def test_anf_short_circuit_and_conditional_expression():
    check(
        """
        def f(x, y):
            z = x if x > 0 and y > 0 else -x
            return z
        """,
        """
        def f(x, y):
            t = x > 0
            t2 = t
            if t2:
                t3 = y > 0
                t2 = t3
            if t2:
                t4 = x
            else:
                t5 = -x
                t4 = t5
            z = t4
            return z
        """,
    )


def test_anf_for_over_zip_and_methods():
    check(
        """
        def f(xs, ys):
            total = 0.0
            for a, b in zip(xs, ys):
                total += a.sum() * b
            return total
        """,
        """
        def f(xs, ys):
            total = 0.0
            seq = rt.sequence(xs)
            n = len(seq)
            seq2 = rt.sequence(ys)
            n2 = len(seq2)
            n3 = min(n, n2)
            for k in range(n3):
                t = seq[k]
                t2 = seq2[k]
                a = t
                b = t2
                t3 = a.sum()
                t4 = t3 * b
                t5 = total + t4
                total = t5
            return total
        """,
    )


def test_reverse_source_of_the_design_example():
    f = function_from_source("def f(x):\n    return np.sum(np.tanh(x) ** 2)\n", "f")
    source = srcad.source(srcad.grad(f))
    body = "\n".join(line for line in source.splitlines() if not line.strip().startswith("#"))
    assert body == textwrap.dedent(
        """\
        def grad_f(x):
            t = np.tanh(x)
            t2 = t ** 2
            b_result = rt.scalar_seed(np.sum(t2))
            bt = np.broadcast_to(b_result, np.shape(t2)) * (2 * t)
            bx = bt * (1.0 - t * t)
            return bx"""
    )
    assert "# f, <srcad-test" in source and "return np.sum(np.tanh(x) ** 2)" in source
    # For a real vector x the seed is known to be 1.0 and the temporaries are used once:
    df = srcad.grad(f)
    df(np.array([0.5, -1.0]))
    body = [line.strip() for line in df.source.splitlines()[1:] if "#" not in line]
    assert body == ["t = np.tanh(x)", "bx = 2 * t * (1.0 - t * t)", "return bx"]


def test_reverse_straight_line_has_no_tape():
    f = function_from_source(
        "def f(x, y):\n    a = np.sin(x) * y\n    a = a * a\n    return np.sum(a)\n", "f"
    )
    source = srcad.source(srcad.grad(f, argnums=(0, 1)))
    assert "saved" not in source and "append" not in source and "pop" not in source
    srcad.check_grads(f, (np.array([0.2, 0.4]), np.array([1.5, -0.5])), order=1)


def test_reverse_comments_name_user_lines():
    f = function_from_source("def f(x):\n    h = np.tanh(x)\n    return np.sum(h * x)\n", "f")
    source = srcad.source(srcad.grad(f))
    assert source.count("# f, <srcad-test") >= 3  # forward: 2 lines; backward: line 2 again
    assert "h = np.tanh(x)" in source.splitlines()[1]


def test_matrix_vector_adjoint_is_an_outer_product_numba_fuses():
    f = function_from_source("def f(W, h):\n    return np.sum(np.tanh(W @ h))\n", "f")
    W, h = np.array([[0.5, -0.2], [0.1, 0.3], [0.0, 1.0]]), np.array([0.4, -0.6])
    df = srcad.grad(f)
    df(W, h)
    body = [line.strip() for line in df.source.splitlines()[1:] if "#" not in line]
    assert body == [
        "t2 = np.tanh(W @ h)",
        "bt2 = np.broadcast_to(rt.scalar_seed(np.sum(t2)), np.shape(t2))",
        "bW = (bt2 * (1.0 - t2 * t2))[:, None] * h",
        "return bW",
    ]
    np.testing.assert_allclose(df(W, h), np.outer(1.0 - np.tanh(W @ h) ** 2, h))
    # with direction axes (the Hessian's forward pass over it) the index keeps them in front
    hessian = srcad.jacfwd(srcad.grad(f))(W, h)
    step = 1e-6
    numeric = np.zeros((3, 2, 3, 2))
    for i in np.ndindex(3, 2):
        e = np.zeros((3, 2))
        e[i] = step
        numeric[(...,) + i] = (df(W + e, h) - df(W - e, h)) / (2 * step)
    np.testing.assert_allclose(hessian, numeric, atol=1e-7)
