"""Generator functions consumed in differentiated code (issue 15, item 4): by ``for``,
``list()``, ``tuple()``, ``sum()`` and comprehensions, nested or at module level, checked
against finite differences in both modes and at order 2 (`srcad.check_grads`) and against
hand-written derivatives; the inlining pass (srcad.normalize.generators) by its output;
uses srcad does not inline are refused with a located error."""

from __future__ import annotations

import textwrap

import gast
import numpy as np
import pytest

import srcad
from srcad.ir import syntax as S
from srcad.normalize.generators import inline_generators
from srcad.parse import Namespace

X = np.array([0.3, -0.7, 1.1])


def squares(xs):
    for x in xs:
        yield x * x


def pairs(w, n):
    for i in range(n):
        yield w[i], w[i + 1]
        w = w * 1.5  # the generator's own state, between two of the loop's steps


def consumed_by_for(x):
    total = 0.0
    for s in squares(x):
        total = total + np.sin(s)
    return total


def consumed_by_list(x):
    ys = list(squares(x))
    return ys[0] * ys[1] + np.sum(np.stack(ys))


def consumed_by_sum(x):
    return sum(squares(x)) + sum(a * b for a, b in pairs(x, 2))


def consumed_by_tuple(x):
    a, b = tuple(pairs(x, 2))
    return a[0] * b[1] + a[1]


def consumed_by_comprehension(x):
    return np.sum(np.stack([np.exp(s) for s in squares(x) if True]))


def nested_generator(x):
    def g(v):
        for i in range(2):
            yield v[i] * x[2]

    out = 0.0
    for t in g(x):
        out = out + t**2
    return out + sum(g(x * 2.0))


CASES = [
    consumed_by_for,
    consumed_by_list,
    consumed_by_sum,
    consumed_by_tuple,
    consumed_by_comprehension,
    nested_generator,
]


@pytest.mark.parametrize("f", CASES, ids=lambda f: f.__name__)
def test_generator_consumed(f):
    srcad.check_grads(f, (X,))


def test_for_over_a_generator_against_hand_derivative():
    np.testing.assert_allclose(srcad.grad(consumed_by_for)(X), np.cos(X**2) * 2 * X)


def interleaved(x):
    scale = 1.0

    def g(v):
        for i in range(3):
            yield v[i] * scale  # reads scale when it runs, after the loop's last step

    total = 0.0
    for t in g(x):
        total = total + t
        scale = scale * 2.0
    return total


def test_generator_steps_interleave_with_the_loop():
    # Python runs the generator one step at a time: x0 * 1 + x1 * 2 + x2 * 4
    assert interleaved(X) == pytest.approx(X[0] + 2 * X[1] + 4 * X[2])
    np.testing.assert_allclose(srcad.grad(interleaved)(X), [1.0, 2.0, 4.0])
    srcad.check_grads(interleaved, (X,))


def _breaks(x):
    total = 0.0
    for s in squares(x):
        if s > 0.5:
            break
        total = total + s
    return total


def _escapes(x):
    g = squares(x)
    return sum(g)


def _returns_early(xs):
    for x in xs:
        if x > 1.0:
            return
        yield x


def _uses_early_return(x):
    return sum(_returns_early(x))


@pytest.mark.parametrize("f", [_breaks, _escapes, _uses_early_return], ids=lambda f: f.__name__)
def test_generators_srcad_does_not_inline_are_refused(f):
    with pytest.raises(srcad.SrcadError, match="generator|yield") as info:
        srcad.grad(f)(X)
    assert "test_generators.py" in str(info.value)


# ------------------------------------------------------------------ golden source
def _inline(source: str) -> str:
    fdef = gast.parse(textwrap.dedent(source)).body[0]
    inline_generators(fdef, Namespace(globals(), {}), __file__, [], {})
    return S.to_source(fdef).strip()


def test_golden_for_over_a_nested_generator():
    got = _inline(
        """
        def f(x):
            def g(v):
                for i in range(2):
                    yield v[i]
            total = 0.0
            for t in g(x):
                total = total + t
            return total
        """
    )
    assert (
        got
        == textwrap.dedent(
            """
        def f(x):
            total = 0.0
            v2 = x
            for i2 in range(2):
                t = v2[i2]
                total = total + t
            return total
        """
        ).strip()
    )


def test_golden_sum_of_a_module_generator():
    got = _inline(
        """
        def f(x):
            return 2.0 * sum(squares(x))
        """
    )
    assert (
        got
        == textwrap.dedent(
            """
        def f(x):
            acc = 0
            xs = x
            for x2 in xs:
                item = x2 * x2
                acc = acc + item
            return 2.0 * acc
        """
        ).strip()
    )
