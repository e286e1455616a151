"""User-defined derivatives: custom_vjp, custom_jvp, stop_gradient, checkpoint, rules."""

from __future__ import annotations

import numpy as np
import pytest

import srcad
from srcad.rules import d


@srcad.custom_vjp
def clip_gradient(x):
    return x


def _clip_fwd(x):
    return x, None


def _clip_bwd(residuals, g):
    return (np.clip(g, -1.0, 1.0),)


clip_gradient.defvjp(_clip_fwd, _clip_bwd)


@srcad.custom_jvp
def softplus(x):
    return np.logaddexp(0.0, x)


@softplus.defjvp
def _softplus_jvp(primals, tangents):
    (x,), (dx,) = primals, tangents
    return softplus(x), dx / (1.0 + np.exp(-x))


def test_custom_vjp_replaces_the_reverse_derivative():
    g = srcad.grad(lambda x: np.sum(clip_gradient(x) * 5.0))(np.ones(3))
    np.testing.assert_allclose(g, np.ones(3))
    # forward mode differentiates the function itself
    _, t = srcad.jvp(lambda x: clip_gradient(x) * 5.0, (np.ones(2),), (np.ones(2),))
    np.testing.assert_allclose(t, 5.0 * np.ones(2))


def test_custom_vjp_without_rule_is_an_error():
    @srcad.custom_vjp
    def f(x):
        return x * 2.0

    with pytest.raises(srcad.SrcadError, match="defvjp"):
        srcad.grad(lambda x: f(x))(1.0)


def test_custom_jvp_in_both_modes():
    def loss(x):
        return np.sum(softplus(x) * x)

    x = np.array([-2.0, 0.5, 3.0])
    srcad.check_grads(loss, (x,), order=1)
    expected = softplus(x) + x / (1.0 + np.exp(-x))
    np.testing.assert_allclose(srcad.grad(loss)(x), expected)
    # the custom rule is used: stable where the naive derivative overflows
    assert srcad.grad(lambda t: softplus(t))(800.0) == pytest.approx(1.0)


def test_stop_gradient():
    assert srcad.grad(lambda x: x * srcad.stop_gradient(x))(3.0) == 3.0
    _, t = srcad.jvp(lambda x: x * srcad.stop_gradient(x * x), (2.0,), (1.0,))
    assert t == 4.0


def block(h, W):
    return np.tanh(h @ W)


checkpointed_block = srcad.checkpoint(block)


def test_checkpoint_gives_the_same_gradient():
    rng = np.random.default_rng(0)
    W = rng.standard_normal((4, 4)) * 0.5
    h0 = rng.standard_normal((2, 4))

    def plain(h, W):
        for _ in range(3):
            h = block(h, W)
        return np.sum(h**2)

    def checkpointed(h, W):
        for _ in range(3):
            h = checkpointed_block(h, W)
        return np.sum(h**2)

    g1 = srcad.grad(plain, argnums=(0, 1))(h0, W)
    g2 = srcad.grad(checkpointed, argnums=(0, 1))(h0, W)
    for a, b in zip(g1, g2):
        np.testing.assert_allclose(a, b)
    assert "fwd_block" in srcad.source(srcad.grad(checkpointed))


def test_registering_a_template_rule_for_a_new_primitive():
    def opaque_cube(x):  # pretend this is implemented in C
        return x**3

    @srcad.vjp_rule(opaque_cube)
    def _(ans, x):
        d[x] = d[ans] * 3.0 * x * x

    @srcad.jvp_rule(opaque_cube)
    def _(ans, x):
        d[ans] = d[x] * 3.0 * x * x

    def f(x):
        return np.sum(opaque_cube(x) + x)

    x = np.array([0.5, -1.5])
    srcad.check_grads(f, (x,), order=1)
    assert "3.0 * x * x" in srcad.source(srcad.grad(f))
