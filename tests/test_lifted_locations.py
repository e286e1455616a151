"""Refusals inside nested functions and lambdas (issue 15, item 5) point at the user's file
and line, not at the lifted copy srcad compiles (``<srcad g lifted from f #n>``)."""

from __future__ import annotations

import inspect

import numpy as np
import pytest

import srcad

X = np.array([0.3, -0.7, 1.1])


def _line_of(fn, text: str) -> int:
    lines, first = inspect.getsourcelines(fn)
    return first + next(i for i, line in enumerate(lines) if text in line)


def nested_def(x):
    def inner(v):
        return np.sum(v.tolist())  # refused: no derivative of tolist

    return np.sum(inner(x))


def nested_lambda(x):
    inner = lambda v: np.sum(v.tolist()) * 2.0  # noqa: E731

    return np.sum(inner(x))


def nested_comprehension(x):
    def inner(v):
        return [np.sum(w.tolist()) for w in v]

    return np.sum(np.stack(inner(x.reshape(3, 1))))


def nested_twice(x):
    def outer(v):
        def inner(w):
            return np.sum(w.tolist())

        return inner(v) + v

    return np.sum(outer(x))


@pytest.mark.parametrize(
    "f", [nested_def, nested_lambda, nested_comprehension, nested_twice], ids=lambda f: f.__name__
)
def test_refusal_in_a_nested_function_points_at_the_users_line(f):
    with pytest.raises(srcad.SrcadError) as info:
        srcad.grad(f)(X)
    where = info.value.location
    assert where is not None
    assert where.filename == __file__
    assert where.lineno == _line_of(f, ".tolist()")
    assert "<srcad" not in str(info.value)
