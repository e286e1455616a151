"""Transforms of callables without source of their own (srcad.wrappers): numpy and math
functions srcad has rules for, functools.partial objects, bound methods."""

from __future__ import annotations

import functools
import inspect
import math

import numpy as np
import pytest

import srcad

X = np.array([0.1, 0.7, -0.4])


@pytest.mark.parametrize(
    "fn,args",
    [
        (np.sin, (0.5,)),
        (np.tanh, (X,)),
        (np.sum, (X.reshape(3, 1) * X,)),
        (np.prod, (X,)),
        (np.maximum, (X, X[::-1] + 0.05)),
        (np.matmul, (np.ones((2, 3)), np.ones((3, 2)) * 0.5)),
        (np.linalg.det, (np.eye(2) * 2 + 0.1,)),
        (np.linalg.inv, (np.eye(2) * 2 + 0.1,)),
        (math.exp, (0.3,)),
        (abs, (-2.0,)),
    ],
    ids=lambda v: getattr(v, "__name__", ""),
)
def test_functions_with_rules(fn, args):
    srcad.check_grads(fn, args, order=2)


def test_grad_of_a_ufunc_is_its_derivative():
    assert srcad.grad(np.sin)(0.5) == pytest.approx(np.cos(0.5))
    np.testing.assert_allclose(srcad.jacfwd(np.tanh)(X), np.diag(1 - np.tanh(X) ** 2))
    np.testing.assert_allclose(srcad.grad(np.sum)(X), np.ones(3))
    assert srcad.grad(abs)(-2.0) == -1.0  # the wrapper, named abs, calls the builtin


def test_wrapper_source_reads_like_a_call():
    text = srcad.source(srcad.grad(np.sum))
    assert text.startswith("def grad_sum(a, axis=None, dtype=None, keepdims=False, where=True):")
    assert "np.sum(a, axis, dtype, keepdims=keepdims" in text
    wrapper = srcad.wrappers.transformable(np.sin)
    assert inspect.getsource(wrapper) == "def sin(x):\n    return np.sin(x)\n"
    assert srcad.wrappers.transformable(np.sin) is wrapper  # one per primitive


def _loss(x, y, axis=None, keepdims=False):
    return np.sum(np.sin(x) * y, axis=axis, keepdims=keepdims)


def test_partial_with_fixed_keywords():
    fixed = functools.partial(_loss, axis=0)
    jac = srcad.jacrev(fixed)(np.ones((2, 3)), 2.0)
    assert jac.shape == (3, 2, 3)
    np.testing.assert_allclose(jac, srcad.jacfwd(fixed)(np.ones((2, 3)), 2.0))
    srcad.check_grads(functools.partial(_loss, axis=1, keepdims=True), (X * X[:, None], 0.5))


def test_partial_with_fixed_positional_arguments():
    fixed = functools.partial(_loss, X)
    assert srcad.grad(fixed)(2.0) == pytest.approx(np.sum(np.sin(X)))


def test_partial_of_a_function_with_a_rule():
    srcad.check_grads(functools.partial(np.sum, axis=0), (X * X[:, None],))


class _Model:
    def __init__(self, w):
        self.w = w

    def loss(self, x, scale=1.0):
        return scale * np.sum(np.tanh(self.w * x))


def test_bound_method():
    model = _Model(np.array([1.0, 2.0, 3.0]))
    expected = model.w * (1 - np.tanh(model.w * X) ** 2)
    np.testing.assert_allclose(srcad.grad(model.loss)(X), expected)
    np.testing.assert_allclose(srcad.grad(model.loss)(X, 2.0), 2 * expected)
    srcad.check_grads(model.loss, (X,))


def test_keyword_only_parameters_take_their_defaults_in_jvp():
    def f(x, *, k=2.0):
        return np.sum(x * k)

    out, tangent = srcad.jvp(f, (X,), (np.ones(3),))
    assert tangent == pytest.approx(6.0)
    assert srcad.grad(f)(X, k=3.0) == pytest.approx(np.full(3, 3.0))


def test_functions_with_a_zero_derivative_and_operator_functions():
    import operator

    assert srcad.grad(np.floor)(1.5) == 0.0
    np.testing.assert_array_equal(srcad.jacfwd(np.sign)(X), np.zeros((3, 3)))
    assert srcad.grad(operator.mul, argnums=(0, 1))(2.0, 3.0) == (3.0, 2.0)
    srcad.check_grads(operator.truediv, (2.0, 3.0))
    srcad.check_grads(operator.neg, (X,))


def test_np_diff_wrapper_leaves_out_what_numpy_marks_absent():
    # np.diff(prepend=None) is not np.diff() (numpy's default is "no value")
    wrapper = srcad.wrappers.transformable(np.diff)
    assert list(inspect.signature(wrapper).parameters) == ["a", "n", "axis"]
    srcad.check_grads(functools.partial(np.diff, n=2, axis=0), (X * X[:, None],))


def test_functions_of_varargs_are_refused_by_check_grads_with_a_reason():
    with pytest.raises(srcad.errors.ArgnumsError, match="no positional parameters"):
        srcad.check_grads(np.einsum, ("ij->ji", X * X[:, None]))


class _Scaled:
    """A callable object: its parameters are attributes, its function is __call__."""

    def __init__(self, w):
        self.w = w

    def __call__(self, x, power=2):
        return np.sum(self.w * np.sin(x) ** power)


@srcad.custom_jvp
def _log1pexp(x):
    return np.log(1.0 + np.exp(x))


@_log1pexp.defjvp
def _log1pexp_jvp(primals, tangents):
    (x,), (dx,) = primals, tangents
    return _log1pexp(x), dx / (1.0 + np.exp(-x))


@srcad.custom_vjp
def _clipped_square(x):
    return x * x


def _clipped_square_fwd(x):
    return x * x, x


def _clipped_square_bwd(x, g):
    return (np.clip(2.0 * x * g, -1.0, 1.0),)


_clipped_square.defvjp(_clipped_square_fwd, _clipped_square_bwd)


def test_callable_object_differentiated_directly():
    model = _Scaled(np.array([1.0, -2.0, 0.5]))
    srcad.check_grads(model, (X,), order=2)
    want = model.w * 2 * np.sin(X) * np.cos(X)
    np.testing.assert_allclose(srcad.grad(model)(X), want)
    np.testing.assert_allclose(srcad.jvp(model, (X,), (np.ones(3),))[1], np.sum(want))
    wrapper = srcad.wrappers.transformable(model)
    assert inspect.getsource(wrapper) == "def _Scaled_(x, power=2):\n    return _Scaled(x, power)\n"


def test_custom_jvp_differentiated_directly_uses_its_rule():
    # the rule's form, 1/(1+exp(-x)), is finite where the body's derivative overflows
    with np.errstate(over="ignore"):
        assert srcad.grad(_log1pexp)(800.0) == 1.0
    srcad.check_grads(_log1pexp, (0.7,), order=2)
    assert srcad.jvp(_log1pexp, (0.0,), (2.0,))[1] == pytest.approx(1.0)


def test_custom_vjp_differentiated_directly_uses_its_rule():
    assert srcad.grad(_clipped_square)(3.0) == 1.0  # clipped: the body's derivative is 6
    assert srcad.jvp(_clipped_square, (3.0,), (1.0,))[1] == 6.0  # forward mode: the body
