"""srcad.vmap: batched code generated from the source, against a Python loop over the
examples (plain numpy, no srcad) and against JAX's vmap; composed with the derivative
transforms; refusals where each example would take its own path."""

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

RNG = np.random.default_rng(0)
B = 5
VEC = RNG.standard_normal((B, 3))
MAT = RNG.standard_normal((B, 3, 3)) + 3 * np.eye(3)
SCAL = RNG.standard_normal(B)
W = RNG.standard_normal((3, 4))
SQ = RNG.standard_normal((3, 3))
CUBE = RNG.standard_normal((2, 3, 3))


def helper(a, b):
    return np.tanh(a) * b


def elementwise(x):
    return np.sin(x) * 2.0 + x**2 - np.exp(-x) / 3.0


def broadcast_against_matrix(x):
    return x * SQ + np.maximum(x, 0.1)


def scalar_example(s):
    return s * W + np.cos(s)


def reductions(x):
    return np.sum(x) + np.mean(x, axis=0) + np.max(x, keepdims=True) * np.std(x)


def matrix_reductions(m):
    return np.sum(m, axis=0) * np.min(m, axis=-1) + np.prod(m, axis=(0, 1))


def indexing(m):
    return m[0] + m[:, 2] * m[..., 0] - m[:, None, 1].sum() + m[-1, -1] + m[1:].sum()


def shapes(m):
    a = m.T @ m.reshape(9).reshape(3, 3)
    b = np.concatenate([m, a], axis=1)
    c = np.stack([m[0], m[1]], axis=0)
    return np.swapaxes(b, 0, 1).sum(axis=0) + c.sum() + np.transpose(m)[0]


def products(x, m):
    return m @ x + x @ m + x @ W @ W.T + np.dot(x, x) * (m @ m)[0]


def stacked(m):
    return np.linalg.inv(m) + np.linalg.det(m) + np.linalg.solve(m, m[0])[:, None]


def einsums(x, m):
    return np.einsum("ij,j->i", m, x) + np.einsum("i,ij->j", x, SQ)


def loops(x):
    total = 0.0
    out = []
    for i in range(3):
        total = total + x[i] * (i + 1)
        out.append(np.tanh(x * i))
    return total + out[-1] + helper(x, x).sum()


def written(x):
    y = np.zeros(3)
    y[0] = x[1] * 2.0
    y[1:] = x[1:] ** 2
    return y


def where_and_clip(x):
    return np.where(x > 0, x, 0.1 * x) + np.clip(x, -0.5, 0.5)


def tuple_and_dict(x):
    return (x * 2.0, {"sum": np.sum(x), "first": x[0]})


def no_rule(x):
    return np.convolve(x, np.array([1.0, -1.0, 0.5]))


CASES = [
    (elementwise, (VEC,)),
    (elementwise, (SCAL,)),
    (broadcast_against_matrix, (VEC,)),
    (scalar_example, (SCAL,)),
    (reductions, (VEC,)),
    (matrix_reductions, (MAT,)),
    (indexing, (MAT,)),
    (shapes, (MAT,)),
    (products, (VEC, MAT)),
    (stacked, (MAT,)),
    (einsums, (VEC, MAT)),
    (loops, (VEC,)),
    (written, (VEC,)),
    (where_and_clip, (VEC,)),
    (tuple_and_dict, (VEC,)),
    (no_rule, (VEC,)),
]


def _loop(f, args, in_axes=0):
    """The reference: f on each example, stacked (plain numpy)."""
    axes = in_axes if isinstance(in_axes, tuple) else (in_axes,) * len(args)
    size = next(np.shape(a)[ax] for a, ax in zip(args, axes) if ax is not None)
    outs = []
    for i in range(size):
        outs.append(f(*[a if ax is None else np.take(a, i, axis=ax) for a, ax in zip(args, axes)]))
    return srcad.tree_util.tree_map(lambda *xs: np.stack(xs), *outs)


def _close(got, want):
    g, w = srcad.tree_util.tree_leaves(got), srcad.tree_util.tree_leaves(want)
    assert srcad.tree_util.tree_structure(got) == srcad.tree_util.tree_structure(want)
    for a, b in zip(g, w):
        assert np.shape(a) == np.shape(b)
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize(
    "f, args", CASES, ids=[f"{f.__name__}-{i}" for i, (f, _) in enumerate(CASES)]
)
def test_vmap_equals_the_loop_over_examples(f, args):
    _close(srcad.vmap(f)(*args), _loop(f, args))


def test_in_axes_out_axes_and_unbatched_arguments():
    def f(w, x):
        return np.tanh(x @ w), np.sum(w)

    xs = RNG.standard_normal((3, B))  # examples along axis 1
    got = srcad.vmap(f, in_axes=(None, 1), out_axes=(1, None))(W, xs)
    want = _loop(f, (W, xs), (None, 1))
    np.testing.assert_allclose(got[0], np.moveaxis(want[0], 0, 1))
    np.testing.assert_allclose(got[1], np.sum(W))
    # A pytree of in_axes, and a dict argument with one leaf batched.
    params = {"w": W, "scale": SCAL}
    got = srcad.vmap(lambda p: p["w"] * p["scale"], in_axes=({"w": None, "scale": 0},))(params)
    np.testing.assert_allclose(got, SCAL[:, None, None] * W)
    # No batched argument: axis_size.
    got = srcad.vmap(lambda w: np.sum(w), in_axes=None, axis_size=4)(W)
    np.testing.assert_allclose(got, np.full(4, np.sum(W)))


@needs_jax
def test_in_axes_conventions_follow_jax():
    def f(a, b):
        return a * b[0] + b[1]

    a, b = RNG.standard_normal((4, 3)), RNG.standard_normal((2, 4))
    got = srcad.vmap(f, in_axes=(0, 1), out_axes=1)(a, b)
    want = jax.vmap(lambda a, b: a * b[0] + b[1], in_axes=(0, 1), out_axes=1)(a, b)
    np.testing.assert_allclose(got, want)


def predict(params, x):
    W1, b1, W2, b2 = params
    h = np.tanh(x @ W1 + b1)
    return h @ W2 + b2


def loss(params, x, y):
    return np.mean((predict(params, x) - y) ** 2)


PARAMS = (
    RNG.standard_normal((3, 6)) * 0.5,
    RNG.standard_normal(6) * 0.1,
    RNG.standard_normal((6, 2)) * 0.5,
    np.zeros(2),
)
X, Y = RNG.standard_normal((B, 3)), RNG.standard_normal((B, 2))


def test_per_example_gradients_equal_a_loop_of_grad():
    grad = srcad.grad(loss)
    got = srcad.vmap(grad, in_axes=(None, 0, 0))(PARAMS, X, Y)
    _close(got, _loop(grad, (PARAMS, X, Y), (None, 0, 0)))


@needs_jax
def test_per_example_gradients_match_jax():
    def jpredict(params, x):
        W1, b1, W2, b2 = params
        return jnp.tanh(x @ W1 + b1) @ W2 + b2

    def jloss(params, x, y):
        return jnp.mean((jpredict(params, x) - y) ** 2)

    got = srcad.vmap(srcad.grad(loss), in_axes=(None, 0, 0))(PARAMS, X, Y)
    want = jax.vmap(jax.grad(jloss), in_axes=(None, 0, 0))(PARAMS, X, Y)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-10)
    value = srcad.vmap(srcad.value_and_grad(loss), in_axes=(None, 0, 0))(PARAMS, X, Y)
    np.testing.assert_allclose(value[0], jax.vmap(jloss, in_axes=(None, 0, 0))(PARAMS, X, Y))


@needs_jax
def test_vmap_composes_with_the_derivative_transforms():
    def f(x):
        return np.tanh(x @ W) * np.sum(x**2)

    def jf(x):
        return jnp.tanh(x @ W) * jnp.sum(x**2)

    vf = srcad.vmap(f)
    vf(VEC)  # generates the batched code that jacfwd reads
    np.testing.assert_allclose(srcad.jacfwd(vf)(VEC), jax.jacfwd(jax.vmap(jf))(VEC))
    np.testing.assert_allclose(srcad.jacrev(vf)(VEC), jax.jacrev(jax.vmap(jf))(VEC))
    total = srcad.grad(lambda xs: np.sum(vf(xs)))
    np.testing.assert_allclose(total(VEC), jax.grad(lambda xs: jnp.sum(jax.vmap(jf)(xs)))(VEC))
    # Batched Jacobians: vmap of jacfwd's generated code.
    np.testing.assert_allclose(srcad.vmap(srcad.jacfwd(f))(VEC), jax.vmap(jax.jacfwd(jf))(VEC))
    np.testing.assert_allclose(srcad.vmap(srcad.jacrev(f))(VEC), jax.vmap(jax.jacrev(jf))(VEC))


def branchy(x):
    if np.sum(x) > 0:
        return x
    return -x


def looped(x, n):
    for _ in range(n):
        x = x * 2.0
    return x


def test_control_flow_on_batched_values_is_refused_at_the_line():
    with pytest.raises(srcad.UnsupportedOperationError, match="control flow on batched") as info:
        srcad.vmap(branchy)(VEC)
    assert info.value.location.filename == __file__
    assert "np.where" in info.value.hint
    # A loop whose trip count is the same for every example is fine.
    np.testing.assert_allclose(srcad.vmap(looped, in_axes=(0, None))(VEC, 3), VEC * 8.0)
    with pytest.raises(srcad.UnsupportedOperationError, match="control flow"):
        srcad.vmap(looped)(VEC, np.arange(B))


def test_vmap_checks_its_arguments():
    with pytest.raises(srcad.ShapeMismatchError, match="examples"):
        srcad.vmap(lambda a, b: a + b)(VEC, np.ones((4, 3)))
    with pytest.raises(srcad.SrcadError, match="in_axes"):
        srcad.vmap(lambda a, b: a + b, in_axes=(0,))(VEC, VEC)
    with pytest.raises(srcad.SrcadError, match="axis_size"):
        srcad.vmap(lambda a: a, in_axes=None)(VEC)


def test_source_shows_the_batched_code_of_callees():
    vg = srcad.vmap(srcad.grad(loss), in_axes=(None, 0, 0))
    vg(PARAMS, X, Y)
    text = srcad.source(vg)
    assert "def vmap_grad_loss(params, x, y):" in text
    assert "def vmap_fwd_predict(params, x):" in text
    assert "t = x @ W1" in text
    assert "per_example" not in text  # every statement has a batching rule


def test_namedtuple_parameters_and_attribute_reads():
    Params = collections.namedtuple("Params", "w b")

    def f(p, x):
        return np.tanh(x @ p.w + p.b)

    p = Params(W, 0.5)
    _close(srcad.vmap(f, in_axes=(None, 0))(p, VEC), _loop(f, (p, VEC), (None, 0)))
