"""Golden tests for shape-only tape entries (optimize/shape_saves.py), and gradients of
loops whose tapes keep shapes, against hand-written ones and finite differences (including
a broadcast operand, a complex one and srcad.jit)."""

from __future__ import annotations

import textwrap

import gast
import numpy as np
import pytest

import srcad
from srcad import runtime
from srcad.ir import syntax as S
from srcad.optimize import shape_saves


def resolve(func):
    return {"rt.unbroadcast": runtime.unbroadcast}.get(S.to_source(func).strip())


def kept(source: str) -> str:
    stmts = gast.parse(textwrap.dedent(source)).body
    return S.to_source(shape_saves.keep_shapes(stmts, resolve)).strip()


LOOP = """
    t2_saved = []
    t2 = None
    for t in range(n):
        t2_saved.append(t2)
        t2 = W @ h
        h = np.tanh(t2 + b)
    bh = 2 * h
    for t in reversed(range(n)):
        bt2 = rt.unbroadcast(bh * (1.0 - h * h), t2)
        {extra}
        t2 = t2_saved.pop()
    return bW
"""


def test_a_tape_read_only_by_unbroadcast_keeps_shapes():
    assert (
        kept(LOOP.format(extra="bW = bW + bt2"))
        == textwrap.dedent("""
        t2_saved = []
        t2 = None
        for t in range(n):
            t2_saved.append(rt.shape_only(t2))
            t2 = W @ h
            h = np.tanh(t2 + b)
        bh = 2 * h
        t2_shape = rt.shape_only(t2)
        for t in reversed(range(n)):
            bt2 = rt.unbroadcast_kept(bh * (1.0 - h * h), t2_shape)
            bW = bW + bt2
            t2_shape = t2_saved.pop()
        return bW
    """).strip()
    )


@pytest.mark.parametrize(
    "extra",
    [
        "bW = bW + bt2 * t2",  # the backward sweep reads the value itself
        "bW = rt.unbroadcast(bt2, t2, 1)",  # with direction axes
        "bW = f(t2_saved)",  # the tape read otherwise
    ],
)
def test_a_tape_read_for_more_than_a_shape_is_left_alone(extra):
    source = LOOP.format(extra=extra)
    assert kept(source) == S.to_source(gast.parse(textwrap.dedent(source)).body).strip()


def test_the_kept_name_is_fresh():
    out = kept("t2_shape = 1\n" + textwrap.dedent(LOOP.format(extra="bW = t2_shape")))
    assert "t2_shape2 = rt.shape_only(t2)" in out


def test_shape_only_keeps_shapes_only_of_real_values():
    assert type(runtime.shape_only(np.ones((2, 3)))) is runtime.Shape
    assert runtime.shape_only(1.5) == ()
    z = np.ones(3) * 1j
    assert runtime.shape_only(z) is z and runtime.shape_only(None) is None
    g = np.ones((4, 3)) + 2j
    for x in (np.ones(3), np.ones((1, 3)), np.ones((4, 1)), 2.0, z, np.ones((4, 3))):
        want = runtime.unbroadcast(g, x)
        got = runtime.unbroadcast_kept(g, runtime.shape_only(x))
        assert np.array_equal(want, got) and np.asarray(want).dtype == np.asarray(got).dtype


def rnn(W, U, h, xs, b):
    for t in range(xs.shape[0]):
        h = np.tanh(W @ h + U @ xs[t] + b)
    return np.sum(h**2)


def rnn_hand(W, U, h, xs, b):
    hs = [h]
    for t in range(xs.shape[0]):
        hs.append(np.tanh(W @ hs[-1] + U @ xs[t] + b))
    gW, gU, gb = np.zeros_like(W), np.zeros_like(U), np.zeros_like(b)
    gh = 2 * hs[-1]
    for t in reversed(range(xs.shape[0])):
        ga = gh * (1 - hs[t + 1] ** 2)
        gW += np.outer(ga, hs[t])
        gU += np.outer(ga, xs[t])
        gb += ga if np.shape(b) == np.shape(ga) else np.sum(ga, keepdims=True).reshape(np.shape(b))
        gh = W.T @ ga
    return gW, gU, gb


@pytest.mark.parametrize("b", [np.linspace(-0.1, 0.1, 5), np.array([0.05]), 0.05])
def test_rnn_gradient_with_shape_tapes(b):
    rng = np.random.default_rng(3)
    W, U = rng.standard_normal((5, 5)) * 0.3, rng.standard_normal((5, 2)) * 0.3
    h, xs = rng.standard_normal(5), rng.standard_normal((6, 2))
    g = srcad.grad(rnn, argnums=(0, 1, 4))
    got = g(W, U, h, xs, b)
    assert "shape_only" in g.source
    for a, e in zip(got, rnn_hand(W, U, h, xs, np.asarray(b, dtype=float))):
        np.testing.assert_allclose(np.asarray(a).ravel(), np.asarray(e).ravel(), rtol=1e-10)
    srcad.check_grads(rnn, (W, U, h, xs, b if np.ndim(b) else np.float64(b)), order=1)


def test_complex_operands_keep_their_values():
    rng = np.random.default_rng(4)
    W = rng.standard_normal((3, 3)) * 0.3
    h, xs = rng.standard_normal(3) + 0.5j, rng.standard_normal((4, 2))
    U = rng.standard_normal((3, 2))

    def f(W, h):
        for t in range(4):
            h = np.tanh(W @ h + U @ xs[t])
        return np.sum(np.abs(h) ** 2)

    srcad.check_grads(f, (W, h), order=1)


def test_jit_compiles_shape_tapes():
    pytest.importorskip("numba")
    rng = np.random.default_rng(5)
    W, U = rng.standard_normal((4, 4)) * 0.3, rng.standard_normal((4, 2)) * 0.3
    h, xs = rng.standard_normal(4), rng.standard_normal((6, 2))
    b = np.zeros(4)
    want = srcad.grad(rnn, argnums=(0, 1))(W, U, h, xs, b)
    got = srcad.jit(srcad.grad(rnn, argnums=(0, 1)))(W, U, h, xs, b)
    for a, e in zip(got, want):
        np.testing.assert_allclose(a, e, rtol=1e-12)


def small_rnn(W, h, xs):
    for t in range(3):
        h = np.tanh(W @ h + xs[t])
    return np.sum(h**2)


@pytest.mark.parametrize("xs_shape", [(3, 3), (3, 1)])
def test_code_with_shape_tapes_is_differentiated_again(xs_shape):
    # grad's code calls rt.shape_only and rt.unbroadcast_kept; hessian differentiates it
    rng = np.random.default_rng(6)
    W, h = rng.standard_normal((3, 3)) * 0.4, rng.standard_normal(3)
    xs = rng.standard_normal(xs_shape)
    g = srcad.grad(small_rnn, argnums=(0, 1, 2))
    g(W, h, xs)
    assert "rt.unbroadcast_kept" in g.source
    srcad.check_grads(small_rnn, (W, h, xs), order=2)
    hess = srcad.hessian(small_rnn, argnums=2)(W, h, xs)
    eps = 1e-6
    gx = srcad.grad(small_rnn, argnums=2)
    fd = np.zeros(xs.shape + xs.shape)
    for i in np.ndindex(xs.shape):
        e = np.zeros(xs.shape)
        e[i] = eps
        fd[(...,) + i] = (gx(W, h, xs + e) - gx(W, h, xs - e)) / (2 * eps)
    np.testing.assert_allclose(hess, fd, rtol=1e-6, atol=1e-8)
