"""srcad.jvp called again like before runs the code it kept (srcad/hot_calls.py): the same
results, the same checks of its arguments, and new code where what it was generated from
has changed."""

from __future__ import annotations

import numpy as np
import pytest

import srcad

SCALE = 2.0
ACT = np.sin  # resolved when code is generated: another function makes the code stale


def cube(x):
    return SCALE * np.sum(x**3)


def act_sum(x):
    return np.sum(ACT(x))


def test_a_repeated_jvp_gives_the_same_derivative_and_reads_globals_anew():
    global SCALE
    x, v = np.array([0.5, -1.0, 2.0]), np.array([1.0, 0.5, -0.25])
    for _ in range(3):
        out, tangent = srcad.jvp(cube, (x,), (v,))
        assert out == pytest.approx(2.0 * np.sum(x**3))
        assert tangent == pytest.approx(2.0 * np.sum(3 * x**2 * v))
    try:
        SCALE = 3.0  # a number the code reads when it runs
        assert srcad.jvp(cube, (x,), (v,))[1] == pytest.approx(3.0 * np.sum(3 * x**2 * v))
    finally:
        SCALE = 2.0
    assert srcad.jvp(cube, (x,), (v,))[1] == pytest.approx(2.0 * np.sum(3 * x**2 * v))


def test_a_repeated_jvp_follows_a_function_it_resolved():
    global ACT
    x, v = np.array([0.5, -1.0]), np.array([1.0, 0.5])
    for _ in range(2):
        assert srcad.jvp(act_sum, (x,), (v,))[1] == pytest.approx(np.sum(np.cos(x) * v))
    try:
        ACT = np.cos
        for _ in range(2):
            assert srcad.jvp(act_sum, (x,), (v,))[1] == pytest.approx(-np.sum(np.sin(x) * v))
    finally:
        ACT = np.sin


def test_a_repeated_jvp_still_checks_its_tangents():
    x, v = np.array([0.5, -1.0]), np.array([1.0, 0.5])
    srcad.jvp(cube, (x,), (v,))
    with pytest.raises(srcad.ShapeMismatchError):
        srcad.jvp(cube, (x,), (np.ones(3),))
    with pytest.raises(srcad.ShapeMismatchError):
        srcad.jvp(cube, (x,), (v.astype(np.float32),))
    with pytest.raises(srcad.ShapeMismatchError):
        srcad.jvp(cube, (x,), (v, v))
    with pytest.raises(srcad.SrcadError):
        srcad.jvp(cube, (x.astype(int),), (v,))
    # lists and Python floats take the long way, as before
    assert srcad.jvp(cube, [x], [v])[1] == pytest.approx(2.0 * np.sum(3 * x**2 * v))
    assert srcad.jvp(cube, (1.5,), (1.0,))[1] == pytest.approx(2.0 * 3 * 1.5**2)


def test_a_repeated_jvp_of_a_gradient_follows_its_gradient():
    global ACT
    g = srcad.grad(act_sum)
    x, v = np.array([0.5, -1.0]), np.array([1.0, 0.5])
    for _ in range(2):
        np.testing.assert_allclose(srcad.jvp(g, (x,), (v,))[1], -np.sin(x) * v)
    try:
        ACT = np.cos  # the gradient's code is generated again, and the jvp of it
        for _ in range(2):
            np.testing.assert_allclose(srcad.jvp(g, (x,), (v,))[1], -np.cos(x) * v)
    finally:
        ACT = np.sin
    np.testing.assert_allclose(srcad.jvp(g, (x,), (v,))[1], -np.sin(x) * v)


def test_a_transform_called_again_still_refuses_what_it_cannot_differentiate():
    g = srcad.grad(cube)
    g(np.array([1.0, 2.0]))
    g(1.5)
    with pytest.raises(srcad.SrcadError):
        g(np.array([1, 2]))  # an int array: another signature, checked
    with pytest.raises(srcad.SrcadError):
        g(2)  # a Python int shares the float's signature: checked at every call
    with pytest.raises(srcad.SrcadError):
        g(np.array([True, False]))


def test_a_foreign_int_array_is_not_taken_for_a_float_one():
    da = pytest.importorskip("dask.array")
    g = srcad.grad(cube)
    assert g(da.from_array(np.array([1.0, 2.0]))).compute() == pytest.approx([6.0, 24.0])
    with pytest.raises(srcad.SrcadError):
        g(da.from_array(np.array([1, 2])))


def test_a_fresh_equal_gradient_finds_the_kept_code_and_its_checks():
    global ACT
    x, v = np.array([0.5, -1.0]), np.array([1.0, 0.5])
    for _ in range(3):  # a new grad(f) at every call, as jvp(grad(f), ...) is written
        np.testing.assert_allclose(srcad.jvp(srcad.grad(act_sum), (x,), (v,))[1], -np.sin(x) * v)
    try:
        ACT = np.cos
        for _ in range(2):
            got = srcad.jvp(srcad.grad(act_sum), (x,), (v,))[1]
            np.testing.assert_allclose(got, -np.cos(x) * v)
    finally:
        ACT = np.sin
    with pytest.raises(srcad.ShapeMismatchError):
        srcad.jvp(srcad.grad(act_sum), (x,), (np.ones(3),))
