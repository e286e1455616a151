"""vmap of a gradient whose generated code keeps tapes in loops (``h_saved.append(h)`` in
the forward sweep, ``h = h_saved.pop()`` in the backward one). Run once per example, the
pop changed a copy of each example's list and every step read the last value: a wrong
gradient, silently (found by a comparison with per-example gradients). The pop now runs on
the list of batched values itself; checked against per-example gradients and central
differences."""

from __future__ import annotations

import numpy as np
import pytest

import srcad


def rnn(W, h, xs):
    for t in range(3):
        h = np.tanh(W @ h + xs[t])
    return np.sum(h**2)


def _central(f, x, eps=1e-6):
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[i] = eps
        g[i] = (f(x + e) - f(x - e)) / (2 * eps)
    return g


@pytest.mark.parametrize("argnums", [0, 1])
def test_vmap_of_a_gradient_through_a_loop(argnums):
    rng = np.random.default_rng(0)
    W = rng.standard_normal((3, 3)) * 0.4
    xs = rng.standard_normal((3, 3))
    H = rng.standard_normal((4, 3))
    gradient = srcad.grad(rnn, argnums=argnums)
    batched = srcad.vmap(gradient, in_axes=(None, 0, None))(W, H, xs)
    if argnums == 0:
        expected = [_central(lambda a, h=h: rnn(a, h, xs), W) for h in H]
    else:
        expected = [_central(lambda a: rnn(W, a, xs), h) for h in H]
    np.testing.assert_allclose(batched, np.stack(expected), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(batched, np.stack([gradient(W, h, xs) for h in H]), rtol=1e-12)
