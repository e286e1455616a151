"""In-place changes: srcad differentiates them exactly or refuses them (analyze/aliasing.py).

Each refusal has a legitimate neighbour that must keep working, checked against finite
differences: refusing common code would be a regression as bad as a wrong derivative.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from helpers import function_from_source

import srcad
from srcad import errors

X = np.array([0.3, -0.7, 1.2])


def numeric_grad(f, x, eps=1e-6):
    basis = np.eye(x.size)
    return np.array(
        [(f(x + eps * basis[i]) - f(x - eps * basis[i])) / (2 * eps) for i in range(x.size)]
    )


def check_grad(f):
    """grad and jvp of f agree with finite differences (and leave the argument alone)."""
    x = X.copy()
    expected = numeric_grad(f, X.copy())
    np.testing.assert_allclose(srcad.grad(f)(x), expected, rtol=1e-6, atol=1e-8)
    _, tangent = srcad.jvp(f, (x,), (np.ones(3),))
    np.testing.assert_allclose(tangent, expected.sum(), rtol=1e-6, atol=1e-8)
    np.testing.assert_array_equal(x, X)


# ----------------------------------------------------------------------------- accepted


def test_augmented_assignment_on_fresh_arrays_and_numbers():
    def f(x):
        acc = np.zeros(3)
        acc += x
        acc *= x
        s = 0.0
        for i in range(3):
            s += x[i]
            acc += x
        return np.sum(acc) + s

    check_grad(f)


def test_augmented_assignment_of_a_new_array_each_iteration():
    def f(x):
        total = 0.0
        for _ in range(2):
            h = np.exp(x)
            h -= x
            kept = h
            total = total + np.sum(kept)
        return total

    check_grad(f)


def test_copied_slice_can_be_changed():
    def f(x):
        y = x[1:].copy()
        y[0] = 0.0
        return np.sum(y * x[1:])

    check_grad(f)


def test_ufunc_result_is_a_new_array():
    def f(x):
        y = np.sin(x)
        y[0] = 1.0
        y += x
        return np.sum(y * y)

    check_grad(f)


def test_sort_function_instead_of_method():
    def f(x):
        y = x * 1.0
        y = np.sort(y)
        return np.sum(y * np.arange(3.0))

    check_grad(f)


def test_in_place_method_and_out_on_constants_run_as_written():
    def f(x):
        c = np.array([3.0, 1.0, 2.0])
        c.sort()
        d = np.ones(3)
        np.multiply(d, 2.0, out=d)
        d.fill(4.0)
        return np.sum(c * x) + np.sum(d * x)

    check_grad(f)
    np.testing.assert_allclose(srcad.grad(f)(X.copy()), [5.0, 6.0, 7.0])


def test_argument_of_rank_zero_can_be_rebound():
    def f(x, scale):
        scale *= 2.0
        return np.sum(x) * scale

    np.testing.assert_allclose(srcad.grad(f, argnums=(0, 1))(X, 1.5)[1], 2.0 * X.sum())


def test_methods_without_derivative_keep_working():
    def f(x):
        k = x.argmax()
        return x[k] * 2.0 + np.sum(x.nonzero()[0]) * 0.0

    np.testing.assert_allclose(srcad.grad(f)(X), [0.0, 0.0, 2.0])


# ----------------------------------------------------------------------------- refused


@pytest.mark.parametrize(
    "body, message, hint",
    [
        ("x += 1.0", r"x \+= \.\.\..*argument", "x = x \\+"),
        ("y = x * 1.0\n    z = y\n    z += 1.0\n    x = x * y", "may share memory", "z = z \\+"),
        ("y = x * 1.0\n    keep = [y]\n    y *= 2.0", "another name or container", "y = y \\*"),
        ("y = x[1:]\n    y[0] = 0.0", "may share memory", "copy"),
        ("y = x.reshape(3, 1).T\n    y[0, 0] = 0.0", "may share memory", "copy"),
        ("y = np.reshape(x, (3, 1))\n    y[0, 0] = 0.0", "may share memory", "copy"),
        ("y = x * 1.0\n    y.flat[0] = 0.0", r"y\.flat", "new array"),
        ("y = x * 1.0\n    y.real[0] = 0.0", r"y\.real", "new array"),
        ("x.sort()", r"x\.sort", r"np\.sort\(x\)"),
        ("y = x * 1.0\n    y.partition(1)", r"y\.partition", r"np\.partition"),
        ("y = x * 1.0\n    y.put(0, 5.0)", r"y\.put", "new array"),
        ("x.fill(0.5)", r"x\.fill", "full_like"),
        ("y = x * 1.0\n    y.resize(3)", r"y\.resize", r"np\.resize"),
        ("y = x * 1.0\n    y.byteswap(inplace=True)", r"y\.byteswap", r"byteswap\(\)"),
        ("np.multiply(x, 2.0, out=x)", "out=", r"x = np\.multiply\(x, 2\.0\)"),
        ("y = np.zeros(3)\n    np.add(x, 1.0, y)", "out=", r"y = np\.add\(x, 1\.0\)"),
    ],
)
def test_in_place_change_refused(body, message, hint):
    f = function_from_source(f"def f(x):\n    {body}\n    return np.sum(x * x)\n", "f")
    for transform in (lambda: srcad.grad(f)(X.copy()), lambda: srcad.jvp(f, (X,), (X,))):
        with pytest.raises(errors.UnsupportedOperationError, match=message) as info:
            transform()
        text = str(info.value)
        assert ":2:" in text or ":3:" in text or ":4:" in text, text
        assert re.search(f"^hint: .*{hint}", text, re.M), text


@pytest.mark.parametrize(
    "body",
    [
        # y is the array z names: the true gradient of sum(z * z) is 2 * x
        "z = x * 1.0\n    keep = [z]\n    y = keep.pop()\n    y[0] = 0.0\n    return np.sum(z * z)",
        "z = x * 1.0\n    keep = []\n    keep.append(z)\n    y = keep.pop()\n    y[0] = 0.0\n"
        "    return np.sum(z * z)",
        "z = x * 1.0\n    keep = {'a': z}\n    y = keep.get('a')\n    y[0] = 0.0\n"
        "    return np.sum(z * z)",
    ],
)
def test_item_taken_out_of_a_container_is_no_new_array(body):
    f = function_from_source(f"def f(x):\n    {body}\n", "f")
    with pytest.raises(errors.UnsupportedOperationError, match="may share memory"):
        srcad.grad(f)(X.copy())


def test_item_taken_out_of_a_container_and_copied():
    def f(x):
        keep = [x * 1.0]
        y = keep.pop().copy()
        y[0] = 0.0
        return np.sum(y * x)

    check_grad(f)


def test_method_without_rule_on_active_array():
    def f(x):
        return np.sum(x.compress([True, False, True]) ** 2)

    with pytest.raises(errors.MissingRuleError, match=r"x\.compress"):
        srcad.grad(f)(X)


def test_undefined_name_is_named():
    f = function_from_source("def f(x):\n    return np.sum(x * nowhere_defined)\n", "f")
    with pytest.raises(errors.NameResolutionError, match="'nowhere_defined' is not defined"):
        srcad.grad(f)(X)


def test_closure_returned_by_a_helper_carries_its_derivative():
    source = (
        "def make(x):\n"
        "    def inner(v):\n"
        "        return v * x\n"
        "    return inner\n"
        "\n"
        "def f(x):\n"
        "    g = make(x)\n"
        "    return np.sum(g(2.0))\n"
    )
    f = function_from_source(source, "f")
    # the derivative flows only through what g holds: d/dx sum(2 x) = 2
    np.testing.assert_allclose(srcad.grad(f)(X), np.full(np.shape(X), 2.0))
    srcad.check_grads(f, (X,), order=2)


# ------------------------------------------------------------------ views read after a change


@pytest.mark.parametrize(
    "body",
    [
        # the view sees y[1] = 0.0; the true gradient of sum(v * x[1:]) is [0, 0, x2]
        "y = x * 1.0\n    v = y[1:]\n    y[1] = 0.0\n    return np.sum(v * x[1:])",
        "y = x * 1.0\n    v = y.reshape(3, 1)\n    w = v.T\n    y[0] = 5.0\n"
        "    return np.sum(w * x)",
        # in a loop, the next iteration reads the view the previous one changed
        "y = x * 1.0\n    v = y[1:]\n    s = 0.0\n    for i in range(2):\n"
        "        s = s + np.sum(v)\n        y[0] = s\n    return s",
    ],
)
def test_view_read_after_a_change_is_refused(body):
    f = function_from_source(f"def f(x):\n    {body}\n", "f")
    with pytest.raises(errors.UnsupportedOperationError, match="is a view of 'y'"):
        srcad.grad(f)(X.copy())


def test_views_made_after_the_change_or_anew_each_iteration_are_fine():
    def later(x):
        y = x * 1.0
        y[0] = 5.0
        v = y[1:]
        return np.sum(v * x[1:]) + y[0]

    def remade(x):
        y = x * 1.0
        s = 0.0
        for _ in range(2):
            v = y[1:]
            s = s + np.sum(v * x[1:])
            y[1] = s
        return s + np.sum(y)

    def recurrence(x):
        h = np.zeros((4, 3))
        h[0] = x
        for t in range(1, 4):
            h[t] = np.tanh(h[t - 1] * 2.0)
        return np.sum(h)

    for f in (later, remade, recurrence):
        check_grad(f)
        srcad.check_grads(f, (X,), order=2)
        np.testing.assert_allclose(srcad.jacrev(f)(X), srcad.grad(f)(X))


def test_alias_taken_after_the_change_in_an_inner_loop():
    # found by the fuzzer: v = 1.0 * x is a new array at each iteration, `w = v` comes later
    def f(x):
        s = 0.0
        for _ in range(2):
            v = 1.0 * x
            v += np.sin(x)
            k = 0
            while k < 2:
                w = v
                s = s + np.sum(w)
                k = k + 1
        return s

    check_grad(f)


def test_alias_taken_after_an_inner_loop_of_changes():
    # found by the fuzzer: v is new at each outer iteration, changed in the inner loop, and
    # shared (`v if c else v`) once the inner loop is done
    def f(x):
        s = 0.0
        for _ in range(2):
            v = np.zeros(3)
            for i in range(3):
                v[i] = np.cos(x[i] * s)
            w = v if s > 10.0 else v
            s = s + np.sum(w * x)
        return s

    check_grad(f)


@pytest.mark.parametrize("order", ["C", "F"])
def test_residual_copies_keep_views_of_their_base(order):
    from srcad import runtime as rt

    y = np.asarray(np.arange(12.0).reshape(3, 4), order=order)
    v = y[1:, ::-1].T  # a view with negative strides, of a C- or F-ordered base
    y_copy, v_copy = rt.fresh_residuals((y, v))
    y_copy[1, 3] = 100.0
    assert v_copy[0, 0] == 100.0  # still a view of the copy
    assert y[1, 3] == 7.0 and v[0, 0] == 7.0  # the originals are untouched


# --------------------------------------------------------------- tapes: lists of old objects


def test_a_list_used_as_a_tape_is_no_alias():
    # T only keeps y's old arrays (y is bound anew right after each append) and gives them
    # back by pop: no array changes while T holds it
    def f(x):
        tape = []
        y = np.zeros(3)
        for k in range(3):
            tape.append(y)
            y = np.zeros(3)
            y[k] = x[k] * (k + 1.0)
        s = np.sum(y * x)
        for k in range(3):
            y = tape.pop()
            y[0] = np.sin(x[1]) * k
            s = s + np.sum(y * y * x)
        return s

    check_grad(f)


@pytest.mark.parametrize(
    "body",
    [
        # the tape gives back, in the second iteration, the array `w` kept in the first
        "tape = []\n    w = x\n    for k in range(2):\n        y = np.zeros(3)\n"
        "        if k == 1:\n            y = tape.pop()\n        y[0] = x[0] * (k + 1.0)\n"
        "        if k == 0:\n            w = y\n        tape.append(y)\n        y = np.zeros(3)\n"
        "    return np.sum(w * w)",
        # the tape is read otherwise than by a pop before the change: `first` sees it
        "tape = []\n    y = np.zeros(3)\n    s = 0.0\n    for k in range(2):\n"
        "        tape.append(y)\n        y = np.zeros(3)\n        y[0] = x[0]\n"
        "    for k in range(2):\n        first = tape[-1]\n        y = tape.pop()\n"
        "        y[1] = x[1] * x[1]\n        s = s + np.sum(first * first)\n    return s",
        # y is changed while the tape holds it (not bound anew right after the append)
        "tape = []\n    s = 0.0\n    for k in range(2):\n        y = np.zeros(3)\n"
        "        tape.append(y)\n        y[0] = x[0]\n        s = s + np.sum(tape[0] * x)\n"
        "    return s",
    ],
)
def test_a_tape_that_shares_its_arrays_is_refused(body):
    f = function_from_source(f"def f(x):\n    {body}\n", "f")
    with pytest.raises(errors.UnsupportedOperationError, match="another name or container"):
        srcad.grad(f)(X.copy())


# Second derivatives differentiate srcad's own first-order code, whose forward sweep keeps
# the arrays an item assignment in a loop changes on tapes.
ORDER2_IN_LOOPS = {
    "new_array_each_iteration": """
def f(x):
    s = 0.0
    for k in range(2):
        y = np.zeros(2)
        y[0] = x
        s = s + np.sum(y * y)
    return s * 1.0
""",
    "index_is_the_loop_variable": """
def f(x):
    s = 0.0
    for i in range(3):
        y = np.zeros(3)
        y[i] = x * x
        s = s + np.sum(np.sin(y) * y)
    return s
""",
    "augmented_slice": """
def f(x):
    s = 0.0
    for k in range(2):
        y = np.ones(3)
        y[1:] += x
        s = s + np.sum(y * y * x)
    return s
""",
    "nested_loops": """
def f(x):
    s = 0.0
    for k in range(2):
        for j in range(2):
            y = np.zeros(2)
            y[j] = x * (k + 1)
            s = s + np.sum(np.cos(y) * y)
    return s
""",
    "while_loop": """
def f(x):
    s = 0.0
    k = 0
    while k < 3:
        y = np.zeros(2)
        y[0] = x
        y[1] = x * x
        s = s + np.sum(y * y * y)
        k = k + 1
    return s
""",
    "array_made_before_the_loop": """
def f(x):
    y = np.zeros(3)
    for i in range(3):
        y[i] = x * i
    return np.sum(np.sin(y) * y)
""",
    "array_made_before_the_loop_read_in_it": """
def f(x):
    y = np.zeros(3)
    s = 0.0
    for i in range(3):
        y[i] = x * (i + 1)
        s = s + np.sum(y * y)
    return s
""",
    "read_between_two_assignments": """
def f(x):
    s = 0.0
    for k in range(2):
        y = np.zeros(2)
        y[0] = x
        s = s + np.sum(y * y)
        y[1] = np.sin(x)
        s = s + np.sum(y * y * y)
    return s
""",
    "matrix_row": """
def f(x):
    s = 0.0
    for i in range(2):
        m = np.eye(2)
        m[i, :] = x
        s = s + np.sum(m @ m)
    return s
""",
}


def second_derivative_by_differences(f, x, eps=1e-5):
    g = srcad.grad(f)
    return (g(x + eps) - g(x - eps)) / (2 * eps)


@pytest.mark.parametrize("name", sorted(ORDER2_IN_LOOPS))
def test_second_derivative_of_item_assignments_in_loops(name):
    f = function_from_source(ORDER2_IN_LOOPS[name], "f")
    x = 0.3
    expected = second_derivative_by_differences(f, x)
    srcad.check_grads(f, (x,), order=2)
    for second in (
        srcad.grad(srcad.grad(f)),
        srcad.hessian(f),
        srcad.jacfwd(srcad.jacrev(f)),
        srcad.jacrev(srcad.jacrev(f)),
        srcad.jacrev(srcad.jacfwd(f)),
    ):
        np.testing.assert_allclose(second(x), expected, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize(
    "share",
    ["z = y\n        s = s + np.sum(z * z)", "kept.append(y)\n        s = s + np.sum(y * y)"],
)
def test_second_derivative_with_the_array_shared_after_the_change(share):
    # y is shared after its change (accepted at first order). The backward sweep puts y's
    # item back while `z` (or `kept`) holds the array: grad of grad refuses that; the split
    # vjp functions, which work on copies, differentiate it.
    source = (
        "def f(x):\n    s = 0.0\n    kept = []\n    for k in range(2):\n"
        f"        y = np.zeros(2)\n        y[0] = x * (k + 1.0)\n        {share}\n"
        "    return s * 1.0\n"
    )
    f = function_from_source(source, "f")
    x = 0.3
    expected = second_derivative_by_differences(f, x)
    srcad.check_grads(f, (x,), order=2)
    for second in (srcad.jacfwd(srcad.jacrev(f)), srcad.jacrev(srcad.jacrev(f))):
        np.testing.assert_allclose(second(x), expected, rtol=1e-6, atol=1e-8)
    for second in (srcad.grad(srcad.grad(f)), srcad.hessian(f)):
        with pytest.raises(errors.UnsupportedOperationError, match="another name or container"):
            second(x)
