"""elementwise_grad (autograd's) and hvp (forward over reverse), against JAX and hand
derivatives."""

from __future__ import annotations

import collections

import numpy as np
import pytest

import srcad

try:
    import jax
    import jax.numpy as jnp

    jax.config.update("jax_enable_x64", True)
except ImportError:  # pragma: no cover - jax is in the bench extra
    jax = None

needs_jax = pytest.mark.skipif(jax is None, reason="jax is not installed")

X = np.array([0.0, 1.0, -2.0, 0.3])


def poly(x):
    return x**3 * np.sin(x)


def test_elementwise_grad_is_the_derivative_at_each_element():
    np.testing.assert_allclose(srcad.elementwise_grad(np.tanh)(X), 1 - np.tanh(X) ** 2)
    d1 = 3 * X**2 * np.sin(X) + X**3 * np.cos(X)
    np.testing.assert_allclose(srcad.elementwise_grad(poly)(X), d1)
    d2 = 6 * X * np.sin(X) + 6 * X**2 * np.cos(X) - X**3 * np.sin(X)
    second = srcad.elementwise_grad(srcad.elementwise_grad(poly))
    np.testing.assert_allclose(second(X), d2)
    assert "def grad_elementwise_poly(x):" in srcad.source(srcad.elementwise_grad(poly))


def test_elementwise_grad_of_other_functions_sums_the_jacobian_columns():
    def f(x, y):
        return np.outer(x, y)

    gx, gy = srcad.elementwise_grad(f, argnums=(0, 1))(X, X[:2])
    np.testing.assert_allclose(gx, np.full(4, X[:2].sum()))
    np.testing.assert_allclose(gy, np.full(2, X.sum()))


def loss(w, data):
    return np.sum(np.tanh(data @ w) ** 2) + 0.1 * np.sum(w**4)


DATA = np.arange(12.0).reshape(4, 3) / 7 - 0.5
W = np.array([0.2, -0.4, 0.7])
V = np.array([1.0, -0.5, 2.0])


@needs_jax
def test_hvp_matches_jax():
    def jloss(w, data):
        return jnp.sum(jnp.tanh(data @ w) ** 2) + 0.1 * jnp.sum(w**4)

    want = jax.jvp(jax.grad(jloss), (W, DATA), (V, jnp.zeros_like(DATA)))[1]
    got = srcad.hvp(loss)(W, DATA, V)
    np.testing.assert_allclose(got, want)
    wantd = jax.jvp(lambda d: jax.grad(jloss, argnums=1)(W, d), (DATA,), (DATA * 0.5,))[1]
    np.testing.assert_allclose(srcad.hvp(loss, argnums=1)(W, DATA, DATA * 0.5), wantd)


def test_hvp_equals_the_hessian_times_v_and_prints_its_code():
    h = srcad.hvp(loss)
    np.testing.assert_allclose(h(W, DATA, V), srcad.hessian(loss)(W, DATA) @ V)
    assert "def jvp_grad_loss(" in h.source


def test_hvp_of_a_pytree_argument_comes_back_as_it():
    Params = collections.namedtuple("Params", "w b")

    def f(p):
        return np.sum(p.w**3) * p.b

    p, v = Params(W, 2.0), Params(V, 1.0)
    got = srcad.hvp(f)(p, v)
    assert type(got) is Params
    np.testing.assert_allclose(got.w, 6 * W * V * 2.0 + 3 * W**2 * 1.0)
    np.testing.assert_allclose(got.b, np.sum(3 * W**2 * V))


def test_hvp_checks_its_arguments():
    with pytest.raises(srcad.ShapeMismatchError):
        srcad.hvp(loss)(W, DATA, np.ones(4))
    with pytest.raises(srcad.ArgnumsError):
        srcad.hvp(loss)(W)
    with pytest.raises(srcad.ArgnumsError):
        srcad.hvp(loss, argnums=(0, 1))
    with pytest.raises(srcad.SrcadError, match="call it first"):
        _ = srcad.hvp(loss).source


SCALE = 2.0
ACT = np.sin  # resolved when code is generated: another function makes the code stale


def scaled_cube(w):
    return SCALE * np.sum(w**3)


def act_sum(w):
    return np.sum(ACT(w))


def test_hvp_called_again_checks_its_arguments_and_follows_changed_globals():
    global SCALE
    h = srcad.hvp(scaled_cube)
    np.testing.assert_allclose(h(W, V), 2.0 * 6 * W * V)
    np.testing.assert_allclose(h(W, 2 * V), 2.0 * 12 * W * V)  # the kept code, new values
    with pytest.raises(srcad.ShapeMismatchError):
        h(W, np.ones(4))  # a call of the same kind, a wrong tangent: still checked
    with pytest.raises(srcad.ShapeMismatchError):
        h(W, V.astype(np.float32))
    with pytest.raises(srcad.SrcadError):
        h(W.astype(int), V)
    try:
        SCALE = 5.0  # a number the code reads when it runs
        np.testing.assert_allclose(h(W, V), 5.0 * 6 * W * V)
    finally:
        SCALE = 2.0
    np.testing.assert_allclose(h(np.eye(2), np.ones((2, 2))), 2.0 * 6 * np.eye(2))  # rank 2
    np.testing.assert_allclose(h(W, V), 2.0 * 6 * W * V)


def test_hvp_called_again_follows_a_function_its_code_resolved():
    global ACT
    h = srcad.hvp(act_sum)
    for _ in range(2):
        np.testing.assert_allclose(h(W, V), -np.sin(W) * V)
    try:
        ACT = np.cos  # the gradient's code and the jvp of it are generated again
        for _ in range(2):
            np.testing.assert_allclose(h(W, V), -np.cos(W) * V)
    finally:
        ACT = np.sin
