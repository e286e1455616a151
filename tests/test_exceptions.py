"""``try/except``, ``try/finally`` and effect-free ``with`` blocks in differentiated code
(issue 15, item 4), lowered by srcad.normalize.exceptions: checked against finite
differences in both modes and at order 2 (`srcad.check_grads`) and against hand-written
derivatives; what srcad cannot replay is refused with a located error."""

from __future__ import annotations

import textwrap
import warnings

import gast
import numpy as np
import pytest

import srcad
from srcad.ir import syntax as S
from srcad.normalize.exceptions import lower_exceptions
from srcad.parse import Namespace

X = np.array([0.3, -0.7, 1.1])


class Diverged(ValueError):
    pass


def cookbook(x):
    try:
        if x < 3:
            return 2 * x**3
        else:
            raise ValueError
    except ValueError:
        return np.pi * x


def clauses(x, n):
    try:
        y = x * 2
        if n > 1:
            raise KeyError("k")
        y = y * x
        if n > 0:
            raise Diverged(f"n={n}")
        y = y + 1
    except KeyError:
        y = -y
    except (IndexError, Diverged):
        y = y * 3
    else:
        y = y * y
    finally:
        y = y + x
    return np.sum(y)


def quiet(x):
    with np.errstate(divide="ignore", invalid="ignore"):
        y = np.log(x) / x
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        z = np.sin(y)
    return np.sum(z)


def cleanup(x):
    total = 0.0
    try:
        total = total + np.sum(x**2)
    finally:
        total = total * 2
    return total


def test_cookbook_both_branches():
    g = srcad.grad(cookbook)
    assert g(2.0) == pytest.approx(24.0)  # 6 x**2
    assert g(4.0) == pytest.approx(np.pi)  # the except clause
    for x in (2.0, 4.0):
        srcad.check_grads(cookbook, (x,), order=2)


@pytest.mark.parametrize("n", [0, 1, 2])
def test_clauses_else_and_finally(n):
    srcad.check_grads(clauses, (X, n), order=2)
    expected = {0: 8 * X * (2 * X**2 + 1) + 1, 1: 12 * X + 1, 2: -np.ones(3)}[n]
    np.testing.assert_allclose(srcad.grad(clauses)(X, n), expected)


def test_effect_free_with_blocks():
    x = np.array([0.5, 2.0, 3.0])
    srcad.check_grads(quiet, (x,), order=2)
    srcad.check_grads(cleanup, (X,), order=2)
    np.testing.assert_allclose(srcad.grad(cleanup)(X), 4 * X)


def opens(x):
    with open("f"):
        y = x
    return y


def raising_errstate(x):
    with np.errstate(divide="raise"):
        y = np.log(x)
    return np.sum(y)


def calls_in_try(x):
    try:
        y = np.sqrt(x)
    except FloatingPointError:
        y = x
    return np.sum(y)


def catches_everything(x):
    try:
        y = x * 2
    except Exception:
        y = x
    return np.sum(y)


def raises_in_loop(x):
    try:
        for v in x:
            if v > 0:
                raise ValueError
        y = x
    except ValueError:
        y = -x
    return np.sum(y)


def finally_after_return(x):
    try:
        return np.sum(x)
    finally:
        x = x + 1


def uses_exception(x):
    try:
        raise ValueError("a")
    except ValueError as e:
        y = x * len(str(e))
    return np.sum(y)


def divides(x):
    b = x[0] - 0.3
    try:
        r = x / b  # a float b of 0.0 raises; Python runs the clause
    except ZeroDivisionError:
        r = x
    return np.sum(r)


def broadcasts(x):
    try:
        y = x * x[:2]  # shapes (3,) and (2,): numpy raises ValueError
    except ValueError:
        y = x
    return np.sum(y)


@pytest.mark.parametrize(
    "f,line,what",
    [
        (opens, 2, "a with block other than"),
        (raising_errstate, 2, "numpy.errstate with a mode"),
        (calls_in_try, 3, "a call inside a try body"),
        (catches_everything, 4, "except Exception"),
        (raises_in_loop, 5, "a raise inside a loop of a try body"),
        (finally_after_return, 3, "a finally block after a try that leaves early"),
        (uses_exception, 4, "an except clause that uses its exception"),
        (divides, 4, "may raise ArithmeticError inside a try body that catches Zero"),
        (broadcasts, 3, "may raise"),
    ],
)
def test_refusals_are_located(f, line, what):
    first = f.__code__.co_firstlineno
    for transform in (srcad.grad, lambda f: lambda x: srcad.jvp(f, (x,), (x,))):
        with pytest.raises(srcad.UnsupportedSyntaxError) as info:
            transform(f)(X)
        message = str(info.value)
        assert what in message and f"test_exceptions.py:{first + line - 1}:" in message


def test_golden_try_except():
    fdef = gast.parse(
        textwrap.dedent(
            """
            def f(x, n):
                try:
                    y = x * 2
                    if n > 1:
                        raise KeyError
                    y = y * x
                except KeyError:
                    y = -y
                else:
                    y = y + 1
                with np.errstate(all="ignore"):
                    z = y / x
                return z
            """
        )
    ).body[0]
    lower_exceptions(fdef, Namespace({"__builtins__": __builtins__, "np": np}, {}), "<f>")
    expected = """
        def f(x, n):
            raised = 0
            y = x * 2
            if n > 1:
                raised = 1
            if raised == 0:
                y = y * x
            if raised == 1:
                y = -y
            else:
                y = y + 1
            z = y / x
            return z
    """
    assert S.to_source(fdef).strip() == textwrap.dedent(expected).strip()


class Exploded(Exception):
    pass


def guarded_norm(x, limit):
    try:
        r = np.sqrt(np.sum(x**2))
        if r > limit:
            raise Exploded
        y = np.tanh(r) * x
    except Exploded:
        y = x / r
    return np.sum(y**2)


@pytest.mark.parametrize("limit", [10.0, 0.5])
def test_numpy_calls_in_a_try_that_catches_the_users_class(limit):
    srcad.check_grads(guarded_norm, (X, limit), order=2)
    r = np.sqrt(np.sum(X**2))
    expected = 2 * np.tanh(r) ** 2 * X + 2 * np.tanh(r) / np.cosh(r) ** 2 * r * X
    np.testing.assert_allclose(
        srcad.grad(guarded_norm)(X, limit), expected if limit > 1 else 0 * X, atol=1e-12
    )


def rebound_after_one_branch(x, c):
    flag = 0
    if c > 1:
        flag = 1
    if flag == 0:
        y = np.tanh(x)
    if flag == 1:  # y may be unbound here: reverse mode's save of it must not fail
        y = x / 3
    return np.sum(y**2)


@pytest.mark.parametrize("c", [0, 2])
def test_a_name_bound_in_one_branch_then_rebound(c):
    srcad.check_grads(rebound_after_one_branch, (X, c), order=2)
    expected = 2 * X / 9 if c > 1 else 2 * np.tanh(X) / np.cosh(X) ** 2
    np.testing.assert_allclose(srcad.grad(rebound_after_one_branch)(X, c), expected)
