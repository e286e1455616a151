"""Transforms called inside differentiated code where their result needs a derivative
(issue 15, item 3): srcad.vjp's pullback (a physics-informed loss, a meta-learning step),
srcad.grad, srcad.jvp, jacobian and hessian, checked against hand-written derivatives and
finite differences in both modes and at order 2."""

from __future__ import annotations

import functools

import numpy as np
import pytest

import srcad

X = np.array([0.3, -0.5, 1.2])
V = np.array([0.2, 0.1, -0.4])


def f(x):
    return np.sin(x) * x


def pullback_loss(x):
    out, pullback = srcad.vjp(f, x)
    (g,) = pullback(V * x)
    return np.sum(g**2) + np.sum(out)


def pullback_loss_hand(x):
    fp = np.cos(x) * x + np.sin(x)
    fpp = -np.sin(x) * x + 2 * np.cos(x)
    g = V * x * fp  # pullback(c) = c * f'(x)
    return 2 * g * (V * fp + V * x * fpp) + fp


def residual(u, t):
    return u * t - np.sin(u)


def two_primals_loss(u, t):
    _, pullback = srcad.vjp(residual, u, t)
    du, dt = pullback(np.ones_like(u))
    return np.sum(du**2) + np.sum(dt * u)


def energy(q):
    return np.sum(np.cos(q) * q**2)


def force_loss(q):
    force = -srcad.grad(energy)(q)
    return np.sum(force**2)


def newton_step_loss(x):
    step = np.linalg.solve(srcad.hessian(energy)(x) + 10.0 * np.eye(3), srcad.grad(energy)(x))
    return np.sum((x - step) ** 2)


def field(x):
    return np.tanh(x) * x[0]


def jacobian_loss(x):
    return np.sum(srcad.jacobian(field)(x) ** 2)


def jvp_loss(x):
    _, tangent = srcad.jvp(field, (x,), (V,))
    return np.sum(tangent**3)


CASES = [pullback_loss, force_loss, newton_step_loss, jacobian_loss, jvp_loss]


@pytest.mark.parametrize("fn", CASES, ids=[c.__name__ for c in CASES])
def test_order_2_against_finite_differences(fn):
    srcad.check_grads(fn, (X,), order=2, modes=("fwd", "rev"))


def test_two_primals():
    srcad.check_grads(two_primals_loss, (X, V + 1.0), order=2)


def test_pullback_against_the_hand_written_gradient():
    np.testing.assert_allclose(srcad.grad(pullback_loss)(X), pullback_loss_hand(X), rtol=1e-12)
    np.testing.assert_allclose(srcad.jacfwd(pullback_loss)(X), pullback_loss_hand(X), rtol=1e-12)


def test_pullback_holding_no_derivative_called_with_one_is_refused():
    def loss(x):
        _, pullback = srcad.vjp(np.sin, V)  # V: no derivative; the cotangent has one
        return np.sum(pullback(x * x)[0])

    with pytest.raises(srcad.SrcadError, match="vjp_fn") as info:
        srcad.grad(loss)(X)
    assert "test_transforms_inside.py" in str(info.value.location)


def test_pullback_of_a_tuple_output_is_refused_where_it_needs_a_derivative():
    def pair(u):
        return (u, 2.0 * u)

    def loss(x):
        _, pullback = srcad.vjp(pair, x)
        return np.sum(pullback((x, x))[0])

    with pytest.raises(srcad.SrcadError, match="one real array"):
        srcad.grad(loss)(X)


def test_force_against_the_hand_written_gradient():
    # E = sum(cos q q^2); F = -E' = sin q q^2 - 2 q cos q; loss = sum F^2
    q = X
    force = np.sin(q) * q**2 - 2 * q * np.cos(q)
    dforce = np.cos(q) * q**2 + 2 * q * np.sin(q) - 2 * np.cos(q) + 2 * q * np.sin(q)
    np.testing.assert_allclose(srcad.grad(force_loss)(q), 2 * force * dforce, rtol=1e-12)


@pytest.mark.parametrize("k", [0, 1])
def test_hessian_of_a_loss_with_a_pullback_inside(k):
    w = functools.partial(pullback_loss)
    h = srcad.hessian(w)(X)
    np.testing.assert_allclose(h, srcad.jacfwd(srcad.jacfwd(w))(X), rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(h, h.T, rtol=1e-10, atol=1e-12)
