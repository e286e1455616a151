"""A user function's fresh-return summary (srcad.analyze.fresh_returns): what a call
returned may be changed in place by the caller (``h = relu(z); h *= mask``) when the
function makes that object in its return expression; anything that may be shared (a
parameter, a view, a global, a call srcad does not know) is still refused. References:
central differences through srcad.check_grads, and the hand derivative."""

from __future__ import annotations

import numpy as np
import pytest

import srcad
from srcad.analyze.fresh_returns import returns_fresh

GLOBAL = np.ones(3)


def relu(x):
    return (x >= 0) * x


def scaled_tanh(x, s=2.0):
    if s > 1.0:
        return np.tanh(x) * s
    return np.tanh(x)


def via_helper(x):
    return relu(x * 3.0)


def identity(x):
    return x


def tail(x):
    return x[1:]


def as_array(x):
    return np.asarray(x)


def the_global(x):
    return GLOBAL


def either(x, y):
    return x or y


def apply(f, x):
    return f(x)


def shadowing(np, x):
    return np.tanh(x)  # `np` is a parameter here, not numpy


def keeps_it(x, log):
    y = x * 2.0
    log.append(y)
    return y


@pytest.mark.parametrize(
    "fn,fresh",
    [
        (relu, True),
        (scaled_tanh, True),
        (via_helper, True),
        (identity, False),
        (tail, False),
        (as_array, False),
        (the_global, False),
        (either, False),
        (apply, False),
        (shadowing, False),
        (keeps_it, False),  # a returned name may have other holders
    ],
    ids=lambda v: getattr(v, "__name__", str(v)),
)
def test_which_functions_return_fresh_objects(fn, fresh):
    assert returns_fresh(fn, lambda obj: obj is np.zeros) is fresh


def dropout_layer(w, x):
    h = relu(np.dot(x, w))
    h *= np.array([2.0, 0.0, 2.0])
    return np.sum(h**2)


def rescaled(w):
    s = 0.0
    for _ in range(2):
        a = scaled_tanh(w)
        a *= 0.5
        s += np.sum(a * w)
    return s


def test_in_place_change_of_a_fresh_result_differentiates():
    w = np.array([[0.3, -0.2, 0.5], [0.1, 0.4, -0.3]])
    x = np.array([1.0, 2.0])
    srcad.check_grads(dropout_layer, (w, x), order=2)
    h = np.dot(x, w)
    mask = np.array([2.0, 0.0, 2.0])
    expected = np.outer(x, 2 * (h * mask) * mask * (h >= 0))
    np.testing.assert_allclose(srcad.grad(dropout_layer)(w, x), expected)
    srcad.check_grads(rescaled, (np.array([0.3, -0.8]),), order=2)


def changes_what_identity_returned(w):
    a = identity(w)
    a *= 2.0
    return np.sum(a)


def changes_what_tail_returned(w):
    a = tail(w)
    a *= 2.0
    return np.sum(a * w)


@pytest.mark.parametrize("f", [changes_what_identity_returned, changes_what_tail_returned])
def test_in_place_change_of_a_shared_result_is_still_refused(f):
    with pytest.raises(srcad.SrcadError, match="may share memory"):
        srcad.grad(f)(np.array([0.3, 0.5, -0.2]))
