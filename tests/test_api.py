"""The public transforms behave like JAX's: argnums, has_aux, decorators, dtypes."""

from __future__ import annotations

import numpy as np
import pytest

import srcad


def loss(w, b, x):
    return np.sum(np.tanh(x @ w + b) ** 2)


def test_grad_matches_finite_differences():
    rng = np.random.default_rng(1)
    args = (rng.standard_normal((3, 2)), rng.standard_normal(2), rng.standard_normal((4, 3)))
    srcad.check_grads(loss, args, order=1)


def test_argnums_tuple_returns_tuple():
    rng = np.random.default_rng(2)
    w, b, x = rng.standard_normal((3, 2)), rng.standard_normal(2), rng.standard_normal((4, 3))
    gw, gb = srcad.grad(loss, argnums=(0, 1))(w, b, x)
    assert gw.shape == w.shape and gb.shape == b.shape
    gx = srcad.grad(loss, argnums=2)(w, b, x)
    assert gx.shape == x.shape
    value, (gw2, gb2) = srcad.value_and_grad(loss, argnums=(0, 1))(w, b, x)
    assert np.isclose(value, loss(w, b, x))
    np.testing.assert_allclose(gw, gw2)
    np.testing.assert_allclose(gb, gb2)


def test_has_aux():
    def f(x):
        y = np.sin(x)
        return np.sum(y), {"y": y}

    g, aux = srcad.grad(f, has_aux=True)(np.array([0.1, 0.2]))
    np.testing.assert_allclose(g, np.cos([0.1, 0.2]))
    np.testing.assert_allclose(aux["y"], np.sin([0.1, 0.2]))


def test_decorator_forms():
    @srcad.grad
    def f(x):
        return x * x

    @srcad.grad(argnums=1)
    def g(x, y):
        return x * y * y

    assert f(3.0) == 6.0
    assert g(2.0, 3.0) == 12.0


def test_float32_stays_float32():
    x = np.linspace(0.1, 1.0, 5, dtype=np.float32)
    g = srcad.grad(lambda x: np.sum(np.exp(x) * x))(x)
    assert g.dtype == np.float32
    _, t = srcad.jvp(lambda x: np.exp(x) * x, (x,), (np.ones_like(x),))
    assert t.dtype == np.float32


def test_float32_stays_float32_through_scalars():
    # numpy 1.26 promotes a float32 scalar combined with a Python number to float64 (no
    # NEP 50): np.mean's cotangent is float64 there, and the gradient is cast back to its
    # argument's dtype, as JAX's convention
    x = np.linspace(0.1, 1.0, 5, dtype=np.float32)
    g = srcad.grad(lambda x: np.mean(x**2))(x)
    assert g.dtype == np.float32


def test_python_floats():
    assert srcad.grad(lambda x: x**3)(2.0) == pytest.approx(12.0)
    out, t = srcad.jvp(lambda x, y: x * y + x, (2.0, 3.0), (1.0, 0.0))
    assert out == 8.0 and t == pytest.approx(4.0)


def test_unused_argument_gets_zero_gradient():
    gx, gy = srcad.grad(lambda x, y: x * 2.0, argnums=(0, 1))(1.0, np.ones(3))
    assert gx == 2.0
    np.testing.assert_array_equal(gy, np.zeros(3))


def test_vjp_returns_one_cotangent_per_primal():
    out, pullback = srcad.vjp(lambda x, y: x * y, np.array([1.0, 2.0]), np.array([3.0, 4.0]))
    gx, gy = pullback(np.array([1.0, 10.0]))
    np.testing.assert_allclose(gx, [3.0, 40.0])
    np.testing.assert_allclose(gy, [1.0, 20.0])


def test_reassignment_and_tuple_unpacking():
    def f(x):
        a, b = x * 2.0, x + 1.0
        x = a * b
        a, b = b, a
        return np.sum(a - b + x)

    srcad.check_grads(f, (np.array([0.3, -0.7]),), order=1)


def test_broadcasting_in_every_binary_rule():
    def f(x, y):
        return np.sum((x + y) * (x - y) / (y * y + 1.0) + np.maximum(x, y) ** 2)

    rng = np.random.default_rng(3)
    srcad.check_grads(f, (rng.standard_normal((2, 1)), rng.standard_normal(3)), order=1)


def test_methods_and_attributes():
    def f(x):
        return x.T.sum(axis=0).mean() + x.reshape(6).dot(x.reshape(6))

    srcad.check_grads(f, (np.arange(6.0).reshape(2, 3) / 7,), order=1)


def test_cache_sees_rebound_globals():
    import types

    module = types.ModuleType("m")
    exec_source = (
        "import numpy as np\ndef scale(x):\n    return 2.0 * x\n"
        "def f(x):\n    return scale(x) * x\n"
    )
    import linecache

    linecache.cache["<mod-m>"] = (len(exec_source), None, exec_source.splitlines(True), "<m>")
    exec(compile(exec_source, "<mod-m>", "exec"), module.__dict__)
    g = srcad.grad(module.f)
    assert g(1.0) == 4.0
    new_source = "def scale(x):\n    return 3.0 * x\n"
    linecache.cache["<mod-m2>"] = (len(new_source), None, new_source.splitlines(True), "<m>")
    exec(compile(new_source, "<mod-m2>", "exec"), module.__dict__)
    assert g(1.0) == 6.0
