"""Everyday Python in differentiated code (issue 15, items 2 and 4): max/min of three or more
arguments and casts with numpy's float types, checked against finite differences in both
modes and at order 2 (`srcad.check_grads`), and at ties against Python's own choice."""

from __future__ import annotations

import numpy as np
import pytest

import srcad

X = np.array([0.3, -0.7, 1.1, 0.9])


def min_max_many(x):
    return max(x[0], x[1], x[2], x[3]) * min(x[0], x[1], x[3]) + max(x[1] ** 2, x[0], x[2])


def test_max_and_min_of_many_arguments():
    srcad.check_grads(min_max_many, (X,))


def test_max_of_many_follows_the_first_largest_at_ties():
    x = np.array([1.0, 1.0, 1.0, 0.0])
    # max(x0, x1, x2, x3) is x0 (Python keeps the first of equals), min(x0, x1, x3) is x3,
    # max(x1 ** 2, x0, x2) is x1 ** 2
    np.testing.assert_array_equal(srcad.grad(min_max_many)(x), [0.0, 2.0, 0.0, 1.0])


def test_shadowed_max_is_not_rewritten():
    def max(a, b, c):  # noqa: A001 - the user's own max, of three arguments
        return a + b + c

    def f(x):
        return max(x[0], x[1], x[2]) ** 2

    np.testing.assert_allclose(srcad.grad(f)(X[:3]), 2 * np.sum(X[:3]) * np.ones(3))


@pytest.mark.parametrize("cast", [np.float64, np.float32])
def test_numpy_float_casts(cast):
    def f(x):
        return cast(x[0]) * x[1] + np.sum(cast(x) ** 2)

    rtol = 1e-6 if cast is np.float32 else None
    if cast is np.float64:
        srcad.check_grads(f, (X,))
    g = srcad.grad(f)(X)
    expected = 2 * X
    expected[0] += X[1]
    expected[1] += X[0]
    np.testing.assert_allclose(g, expected, rtol=rtol or 1e-12)
    assert g.dtype == np.float64
