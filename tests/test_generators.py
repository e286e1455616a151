"""Generator functions consumed in differentiated code (issue 15, item 4): by ``for``,
``list()``, ``tuple()``, ``sum()`` and comprehensions, nested or at module level, checked
against finite differences in both modes and at order 2 (`srcad.check_grads`) and against
hand-written derivatives; the inlining pass (srcad.normalize.generators) by its output;
uses srcad does not inline are refused with a located error."""

from __future__ import annotations

import itertools
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


def forever(x):
    k = 1.0
    while True:  # never ends: the loops below stop drawing from it
        yield x * k
        k = k * 0.5


def breaks(x):
    total = 0.0
    for s in squares(x):
        if s > 0.5:
            break
        total = total + s
    return total


def continues(x):
    total = 0.0
    for s in squares(x):
        if s > 0.5:
            continue
        total = total + np.sin(s)
    return total


def kept_then_looped(x):
    g = squares(x)
    total = 0.0
    for v in g:
        total = total + np.sin(v)
    return total


def kept_then_summed(x):
    g = pairs(x, 2)
    scale = 3.0
    return scale * sum(a * b for a, b in g)


def kept_then_used_in_a_branch(x):
    g = squares(x)
    if x[0] > 0.0:
        return np.sum(np.stack(list(g)))
    return 0.0


def kept_then_listed(x):
    g = squares(x)
    ys = list(g)
    return ys[0] * ys[2]


def sliced_forever(x):
    total = 0.0
    for v in itertools.islice(forever(x), 4):
        total = total + v
    return np.sum(total)


def summed_slice(x):
    return np.sum(sum(itertools.islice(forever(x), 3)))


def zipped_with_range(x):
    total = 0.0
    for v, i in zip(forever(x), range(3)):
        total = total + v * i
    return np.sum(total)


def range_zipped_with(x):
    total = 0.0
    for i, v in zip(range(3), squares(x)):
        total = total + v * (i + 1)
    return total


def enumerated(x):
    total = 0.0
    for i, v in enumerate(squares(x)):
        total = total + v * i
    return total


def until_small(x):
    total = 0.0
    for v in forever(x):
        total = total + v
        if np.max(np.abs(v)) < 0.1:
            break
    return np.sum(total)


def _loops_over(g, scale):
    total = 0.0
    for v in g:
        if v > 1.0:
            break
        total = total + np.sin(v) * scale
    return total


def _first_two(g):
    return sum(itertools.islice(g, 2))


def passed_to_helpers(x):
    g = squares(x)
    return _loops_over(g, 2.0) + _first_two(squares(x * 2.0))


def two(x):
    yield np.sin(x)
    yield x**2


def drawn_by_next(x):
    g = forever(x)
    a = next(g)
    s = np.sum(a)  # runs between the generator's two steps, as in Python
    b = next(g)
    return s * np.sum(b)


def skips_a_value(x):
    g = two(x)
    next(g)
    b = next(g)
    return np.sum(b)


def draws_too_many(x):
    g = two(x)
    a = next(g)
    b = next(g)
    c = next(g)
    return np.sum(a + b + c)


def test_next_past_the_end_raises_stop_iteration_as_python():
    with pytest.raises(StopIteration):
        draws_too_many(X)
    with pytest.raises(StopIteration):
        srcad.grad(draws_too_many)(X)


# (function, its gradient at X by hand)
EARLY = [
    (breaks, np.array([2 * X[0], 2 * X[1], 0.0])),  # 1.21 > 0.5 stops the loop
    (continues, np.array([np.cos(X[0] ** 2) * 2 * X[0], np.cos(X[1] ** 2) * 2 * X[1], 0.0])),
    (kept_then_looped, np.cos(X**2) * 2 * X),
    (kept_then_summed, 3 * np.array([X[1], X[0] + 2.25 * X[2], 2.25 * X[1]])),
    (kept_then_used_in_a_branch, 2 * X),
    (kept_then_listed, np.array([2 * X[0] * X[2] ** 2, 0.0, 2 * X[2] * X[0] ** 2])),
    (sliced_forever, np.full(3, 1.875)),
    (summed_slice, np.full(3, 1.75)),
    (zipped_with_range, np.full(3, 0.5 + 0.25 * 2)),
    (range_zipped_with, 2 * X * [1, 2, 3]),
    (enumerated, 2 * X * [0, 1, 2]),
    (until_small, np.full(3, 1.9375)),
    (drawn_by_next, np.full(3, np.sum(X))),  # sum(x) * sum(x) / 2
    (skips_a_value, 2 * X),
    (
        passed_to_helpers,  # 1.21 > 1 ends the helper's loop; islice draws (2 x0)^2, (2 x1)^2
        np.array([2 * np.cos(X[0] ** 2) * 2 * X[0], 2 * np.cos(X[1] ** 2) * 2 * X[1], 0])
        + 8 * X * [1, 1, 0],
    ),  # 1.1 * 0.5**4 < 0.1: five values drawn
]


@pytest.mark.parametrize("f,expected", EARLY, ids=lambda f: getattr(f, "__name__", ""))
def test_generators_kept_or_left_early(f, expected):
    np.testing.assert_allclose(srcad.grad(f)(X), expected, rtol=1e-12)
    srcad.check_grads(f, (X,), order=2)


def test_a_generator_abandoned_runs_no_further():
    def counted(x):
        for i in range(10):
            yield x[i]  # an IndexError after x[2]: Python never draws it

    def f(x):
        total = 0.0
        for v in counted(x):
            total = total + v
            if v < 0.0:
                break
        return total

    assert f(X) == X[0] + X[1]
    np.testing.assert_allclose(srcad.grad(f)(X), [1.0, 1.0, 0.0])
    srcad.check_grads(f, (X,), order=2)


def sliced_by(x, n):
    return np.sum(sum(itertools.islice(forever(x), n)))


def test_islice_counts_as_pythons():
    np.testing.assert_allclose(srcad.grad(sliced_by)(X, 2), np.full(3, 1.5))
    np.testing.assert_allclose(srcad.grad(sliced_by)(X, 0), np.zeros(3))
    with pytest.raises(ValueError):
        sliced_by(X, -1)
    with pytest.raises(ValueError, match="negative"):
        srcad.grad(sliced_by)(X, -1)


def _in_a_lambda(x):
    g = squares(x)
    total = lambda: sum(g)  # noqa: E731 - runs when called, perhaps twice
    return total()


def _draws_forever(x):
    return np.sum(sum(forever(x)))  # never ends in Python either


def _twice(g):
    return sum(g) + sum(g)  # the second sum draws nothing: not specialized


def _passed_on(x):
    g = squares(x)
    return _twice(g)


def _drawn_in_a_loop(x):
    g = forever(x)
    total = 0.0
    for _ in range(3):
        total = total + next(g)  # a next inside a loop: not a fixed count of draws
    return np.sum(total)


def _returns_early(xs):
    for x in xs:
        if x > 1.0:
            return
        yield x


def _uses_early_return(x):
    return sum(_returns_early(x))


@pytest.mark.parametrize(
    "f",
    [_passed_on, _drawn_in_a_loop, _uses_early_return, _in_a_lambda, _draws_forever],
    ids=lambda f: f.__name__,
)
def test_generators_srcad_does_not_inline_are_refused(f):
    with pytest.raises(srcad.SrcadError, match="generator|yield|next") as info:
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


def test_golden_a_kept_generator_left_by_break():
    got = _inline(
        """
        def f(x):
            g = squares(x)
            total = 0.0
            for s in g:
                if s > 0.5:
                    break
                total = total + s
            return total
        """
    )
    expected = """
        def f(x):
            g_arg = x
            total = 0.0
            xs = g_arg
            stop = False
            for x2 in xs:
                s = x2 * x2
                if s > 0.5:
                    stop = True
                if not stop:
                    total = total + s
                if stop:
                    break
            return total
    """
    assert got == textwrap.dedent(expected).strip()


def test_golden_islice_of_an_endless_generator():
    got = _inline(
        """
        def f(x, n):
            return sum(itertools.islice(forever(x), n))
        """
    )
    expected = """
        def f(x, n):
            acc = 0
            x2 = x
            stop = False
            count = 0
            limit = n
            if limit < 0:
                raise ValueError('islice() of a negative count')
            stop = not limit > 0
            if not stop:
                k = 1.0
                while True:
                    item = x2 * k
                    count = count + 1
                    acc = acc + item
                    if not limit > count:
                        stop = True
                    if not stop:
                        k = k * 0.5
                    if stop:
                        break
            return acc
    """
    assert got == textwrap.dedent(expected).strip()


def test_golden_a_generator_passed_to_a_helper():
    got = _inline(
        """
        def f(x):
            return _first_two(squares(x))
        """
    )
    expected = """
        def f(x):

            def _first_two_squares(g_0):
                acc = 0
                xs = g_0
                stop = False
                count = 0
                limit = 2
                if limit < 0:
                    raise ValueError('islice() of a negative count')
                stop = not limit > 0
                if not stop:
                    for x2 in xs:
                        item = x2 * x2
                        count = count + 1
                        acc = acc + item
                        if not limit > count:
                            stop = True
                        if stop:
                            break
                return acc
            return _first_two_squares(x)
    """
    assert got == textwrap.dedent(expected).strip()


def test_an_endless_generator_drawn_to_its_end_is_refused_where_it_loops():
    with pytest.raises(srcad.SrcadError, match="never ends") as info:
        srcad.grad(_draws_forever)(X)
    line = forever.__code__.co_firstlineno + 2  # its while True
    assert f"test_generators.py:{line}:" in str(info.value)


def test_golden_next_calls():
    got = _inline(
        """
        def f(x):
            g = two(x)
            a = next(g)
            s = a * 2
            b = next(g)
            return s + b
        """
    )
    expected = """
        def f(x):
            g_arg = x
            x2 = g_arg
            stop = False
            count = 0
            count = count + 1
            if count == 1:
                a = np.sin(x2)
                s = a * 2
            elif count == 2:
                b = np.sin(x2)
                stop = True
            if not stop:
                count = count + 1
                if count == 1:
                    a = x2 ** 2
                    s = a * 2
                elif count == 2:
                    b = x2 ** 2
                    stop = True
            if count < 2:
                raise StopIteration_()
            return s + b
    """
    assert got == textwrap.dedent(expected).strip()
