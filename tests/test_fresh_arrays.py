"""Fresh arrays changed in place (issue 15, item 5): an array built before a loop and rebound
in it, or the result of a helper that returns only new arrays, may be changed in place;
checked against finite differences in both modes and at order 2 (`srcad.check_grads`). Next
to each, the case where the object is shared is still refused with a located error."""

from __future__ import annotations

import numpy as np
import pytest

import srcad
from srcad.analyze.alias_facts import fresh_result
from srcad.analyze.fresh_returns import returns_fresh

X = np.array([0.3, -0.7, 1.1, 0.5])
G = np.ones(4)


def _advect(f, v):
    return f * v + np.roll(f, 1) * 0.5


def _rebound_in_loop(x):
    a = np.zeros(4)
    a[1:3] = 1.0  # the only definition that reaches this change is the fresh one
    for _ in range(3):
        a = _advect(a, x)  # a helper's result (wing.py's smoke bands)
    return np.sum(a**2)


def test_a_fresh_array_rebound_in_a_later_loop():
    srcad.check_grads(_rebound_in_loop, (X,))


def _view_rebound_in_loop(x, y):
    a = np.zeros(4)
    for _ in range(2):
        a[1] = x[0] * 2.0  # the second time, a is y[1:5], the caller's array
        a = y[1:5]
    return np.sum(a * x)


def test_a_view_reaching_the_change_through_the_loop_is_refused():
    with pytest.raises(srcad.SrcadError, match="_view_rebound_in_loop|argument|share"):
        srcad.grad(_view_rebound_in_loop)(X, np.arange(6.0))


def _relu(x):
    return (x >= 0) * x


def _identity(x):
    return x


def _global():
    return G


def _either(x, flag):
    y = x * 2.0 if flag else np.exp(x)
    return y


def _returns_new(fn) -> bool:
    return returns_fresh(fn, fresh_result)


def test_returns_new():
    assert _returns_new(_relu)
    assert not _returns_new(_identity)
    assert not _returns_new(_global)


def _scaled_relu(x):
    h = _relu(x * 1.5)
    h *= x  # h is relu's new array
    h[0] = h[0] + x[1]
    return np.sum(h**2)


def test_an_array_a_helper_makes_is_fresh():
    srcad.check_grads(_scaled_relu, (X,))


def _through_identity(x):
    y = x * 1.0
    h = _identity(y)
    h *= 2.0  # changes y too
    return np.sum(y * x)


def _through_global(x):
    h = _global()
    h[0] = x[0]  # changes the module's G
    return np.sum(h * x)


@pytest.mark.parametrize("f", [_through_identity, _through_global])
def test_an_array_a_helper_hands_back_is_shared(f):
    with pytest.raises(srcad.SrcadError, match="share memory"):
        srcad.grad(f)(X)
    with pytest.raises(srcad.SrcadError, match="share memory"):
        srcad.jvp(f, (X,), (X,))
