"""The Jacobian family and nesting: jacfwd, jacrev, jacobian, hessian, grad of grad."""

from __future__ import annotations

import numpy as np
import pytest

import srcad
from srcad.check import numerical_jvp


def fd_jacobian(f, x):
    columns = [
        np.asarray(numerical_jvp(f, [x], [e.reshape(x.shape)])).ravel() for e in np.eye(x.size)
    ]
    out = np.asarray(f(x))
    return np.stack(columns, axis=-1).reshape(out.shape + x.shape)


def make(n, m, seed):
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((m, n)) / np.sqrt(n)
    b = rng.standard_normal((m, 1))
    c = rng.standard_normal(m)

    def f(x):
        # broadcasting inside: (m, 1) + (m,) and a scalar reduction
        h = np.tanh(A @ x + b.T)[0]
        return h * c + np.sum(x**2) * 0.1

    return f, rng.standard_normal(n)


@pytest.mark.parametrize("n,m", [(1, 50), (50, 1), (30, 30)])
def test_jacfwd_jacrev_and_finite_differences_agree(n, m):
    f, x = make(n, m, n * 100 + m)
    expected = fd_jacobian(f, x)
    for transform in (srcad.jacfwd, srcad.jacrev, srcad.jacobian):
        J = transform(f)(x)
        assert J.shape == (m, n)
        np.testing.assert_allclose(J, expected, rtol=1e-6, atol=1e-8)


def test_jacobian_shapes_follow_out_then_in():
    def f(X):
        return np.tanh(X) * 2.0

    X = np.random.default_rng(0).standard_normal((2, 3))
    for transform in (srcad.jacfwd, srcad.jacrev):
        J = transform(f)(X)
        assert J.shape == (2, 3, 2, 3)
        np.testing.assert_allclose(
            J.reshape(6, 6), np.diag(2 / np.cosh(X.ravel()) ** 2), atol=1e-12
        )


def test_jacobian_tuple_argnums():
    def f(x, y):
        return x * y[0] + np.sin(y)

    x, y = np.array([1.0, 2.0]), np.array([0.5, -0.3])
    for transform in (srcad.jacfwd, srcad.jacrev):
        Jx, Jy = transform(f, argnums=(0, 1))(x, y)
        np.testing.assert_allclose(Jx, np.diag([y[0], y[0]]))
        np.testing.assert_allclose(Jy, np.array([[1.0, 0.0], [2.0, 0.0]]) + np.diag(np.cos(y)))


def test_jacobian_mode_override():
    f, x = make(3, 4, 7)
    np.testing.assert_allclose(srcad.jacobian(f, mode="fwd")(x), srcad.jacobian(f, mode="rev")(x))


def test_hessian_is_forward_over_reverse():
    def f(x):
        return np.sum(np.sin(x) * x**2)

    x = np.array([0.3, 0.7, -1.2])
    expected = np.diag(2 * np.sin(x) + 4 * x * np.cos(x) - x**2 * np.sin(x))
    np.testing.assert_allclose(srcad.hessian(f)(x), expected, atol=1e-12)
    for outer, inner in [
        (srcad.jacfwd, srcad.jacrev),
        (srcad.jacrev, srcad.jacrev),
        (srcad.jacrev, srcad.jacfwd),
        (srcad.jacfwd, srcad.jacfwd),
    ]:
        np.testing.assert_allclose(outer(inner(f))(x), expected, atol=1e-12)


def test_grad_of_grad_and_jvp_of_grad():
    def g(t):
        return np.sin(t) * t**2

    t = 0.3
    second = 2 * np.sin(t) + 4 * t * np.cos(t) - t**2 * np.sin(t)
    assert srcad.grad(srcad.grad(g))(t) == pytest.approx(second)
    third = srcad.grad(srcad.grad(srcad.grad(g)))(t)
    expected_third = 6 * np.cos(t) - 6 * t * np.sin(t) - t**2 * np.cos(t)
    assert third == pytest.approx(expected_third)

    def f(x):
        return np.sum(np.exp(x) * x)

    x = np.array([0.1, -0.4])
    _, hvp = srcad.jvp(srcad.grad(f), (x,), (np.ones(2),))
    np.testing.assert_allclose(hvp, (2 + x) * np.exp(x))


def test_linearize():
    def f(x):
        return np.sin(x) * x

    x = np.array([0.2, 1.0])
    out, f_jvp = srcad.linearize(f, x)
    np.testing.assert_allclose(out, f(x))
    np.testing.assert_allclose(f_jvp(np.ones(2)), np.cos(x) * x + np.sin(x))


def test_check_grads_order_two_exercises_nesting():
    def f(x, y):
        return np.tanh(x @ y) * np.mean(x)

    rng = np.random.default_rng(5)
    srcad.check_grads(f, (rng.standard_normal((2, 3)), rng.standard_normal((3, 2))), order=2)


def test_source_of_jacfwd_shows_driver_and_vectorized_jvp():
    f, x = make(3, 2, 1)
    text = srcad.source(srcad.jacfwd(f))
    assert "rt.basis_for" in text and "def jvp_f(x, tangents):" in text


def test_diagonal_seed_behaves_like_the_identity():
    from srcad.diagonal import Diagonal

    v = np.array([1.0, 2.0, 3.0])
    D = Diagonal(v)
    M = np.arange(9.0).reshape(3, 3)
    np.testing.assert_array_equal(D @ M, np.diag(v) @ M)
    np.testing.assert_array_equal(M @ D, M @ np.diag(v))
    assert isinstance(D * v, Diagonal) and isinstance(2.0 * D, Diagonal)
    np.testing.assert_array_equal(np.asarray(D * v), np.diag(v * v))
    np.testing.assert_array_equal(D + M, np.diag(v) + M)  # anything else: a plain array
    np.testing.assert_array_equal(np.sum(D, axis=0), v)
    np.testing.assert_array_equal(np.reshape(D, (9,)), np.diag(v).ravel())
    assert D.shape == (3, 3) and np.shape(D) == (3, 3)


def test_diagonal_seed_supports_every_operator_and_method_of_an_array():
    from srcad.diagonal import Diagonal

    v, w = np.array([1.0, 2.0, 3.0]), np.array([4.0, 5.0, 6.0])
    D, E = Diagonal(v), Diagonal(w)
    dense = np.diag(v)
    assert isinstance(D + E, Diagonal) and isinstance(D - E, Diagonal)  # found by the fuzzer
    np.testing.assert_array_equal(np.asarray(D - E), dense - np.diag(w))
    for got, want in [
        (D + 1.0, dense + 1.0),
        (1.0 - D, 1.0 - dense),
        (D / 2.0, dense / 2.0),
        (D**2, dense**2),
        (abs(-D), dense),
        (D.T, dense.T),
        (D.sum(axis=1), v),
        (D.reshape(9), dense.ravel()),
    ]:
        np.testing.assert_array_equal(np.asarray(got), want)


def test_jacrev_of_differences_of_differences():
    def f(x):
        v = x - x
        return (v - v) + x * 2.0

    np.testing.assert_array_equal(srcad.jacrev(f)(np.ones(3)), 2.0 * np.eye(3))


def test_jacobians_of_a_function_of_a_python_list():
    def f(xs):
        return np.array(xs) ** 2

    for transform in (srcad.jacfwd, srcad.jacrev):
        np.testing.assert_array_equal(transform(f)([1.0, 2.0]), np.diag([2.0, 4.0]))
