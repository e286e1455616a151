"""What makes generated code lean, checked on its text and against independent references.

The transform cache recognises an equal transform made afresh; the code is specialized on
the ranks of the global and closure arrays it reads (and regenerated when they change); an
`unbroadcast` that cannot sum anything is not emitted, nor the tape entries kept only for it.
Values are compared with hand-written derivatives or finite differences, never only with
srcad's other mode.
"""

from __future__ import annotations

import numpy as np
import pytest
from helpers import function_from_source

import srcad
from srcad.build import driver


@pytest.fixture
def generations(monkeypatch):
    """How many functions srcad generates (cache misses) while the test runs."""
    count = [0]
    real = driver._generate

    def counting(fn, spec):
        count[0] += 1
        return real(fn, spec)

    monkeypatch.setattr(driver, "_generate", counting)
    return count


def _logistic(X, y):
    def loss(w):
        return np.mean(np.logaddexp(0.0, -y * (X @ w)))

    return loss


def _logistic_hvp(w, v, X, y):
    s = 1.0 / (1.0 + np.exp(y * (X @ w)))
    return X.T @ (s * (1.0 - s) * (X @ v)) / X.shape[0]


def test_jvp_of_a_fresh_grad_hits_the_cache(generations):
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((20, 4)), np.sign(rng.standard_normal(20))
    w, v = rng.standard_normal(4), rng.standard_normal(4)
    loss = _logistic(X, y)
    _, hvp = srcad.jvp(srcad.grad(loss), (w,), (v,))
    np.testing.assert_allclose(hvp, _logistic_hvp(w, v, X, y), rtol=1e-10)
    made = generations[0]
    assert made >= 2  # the grad and its jvp
    for _ in range(3):
        _, again = srcad.jvp(srcad.grad(loss), (w,), (v,))
    assert generations[0] == made
    np.testing.assert_allclose(again, hvp, rtol=0, atol=0)


def test_hessian_and_jacfwd_of_jacrev_made_afresh_hit_the_cache(generations):
    def f(x):
        return np.sum(np.sin(x) * x**2)

    x = np.array([0.3, -1.2, 2.0])
    expected = np.diag((2 - x**2) * np.sin(x) + 4 * x * np.cos(x))
    np.testing.assert_allclose(srcad.hessian(f)(x), expected, rtol=1e-12)
    np.testing.assert_allclose(srcad.jacfwd(srcad.jacrev(f))(x), expected, rtol=1e-12)
    made = generations[0]
    srcad.hessian(f)(x)
    srcad.jacfwd(srcad.jacrev(f))(x)
    assert generations[0] == made
    # Other options are another transform: a hessian with respect to a tuple of arguments.
    srcad.hessian(f, argnums=(0,))(x)
    assert generations[0] > made


def test_an_equal_transform_made_afresh_finds_the_code_without_a_lookup(monkeypatch):
    looked_up = [0]
    real = driver.generate

    def counting(fn, spec):
        looked_up[0] += 1
        return real(fn, spec)

    monkeypatch.setattr(driver, "generate", counting)
    monkeypatch.setattr(srcad.build, "generate", counting)

    def f(x, y):
        return np.sum(np.sin(x) * y)

    x, y = np.array([0.3, -1.2]), 2.0
    first = srcad.grad(f)(x, y)
    lookups = looked_up[0]
    assert lookups >= 1
    for _ in range(3):
        np.testing.assert_array_equal(srcad.grad(f)(x, y), first)
    assert looked_up[0] == lookups  # the first transform's code, found by the call
    srcad.grad(f, argnums=1)(x, y)  # other options: another transform
    assert looked_up[0] > lookups
    # A new __code__ (other parameters, another body) is another function.
    f.__code__ = (lambda y, x: np.sum(np.cos(x) * y)).__code__
    np.testing.assert_allclose(srcad.grad(f)(2.0, x), np.sum(np.cos(x)))


def test_fresh_transform_sees_a_redefined_callee():
    namespace = {"np": np}
    source = "def inner(x):\n    return x * x\n\ndef f(x):\n    return np.sum(inner(x))\n"
    exec(compile(source, "<srcad-test-callee>", "exec"), namespace)
    f = namespace["f"]
    import linecache

    linecache.cache["<srcad-test-callee>"] = (len(source), None, source.splitlines(True), "x")
    x = np.array([1.0, 2.0])
    v = np.array([1.0, 0.0])
    assert np.allclose(srcad.jvp(srcad.grad(f), (x,), (v,))[1], [2.0, 0.0])
    namespace["inner"] = lambda x: x**3  # rebinding the global: the cached code is stale
    other = "def inner(x):\n    return x ** 3\n"
    exec(compile(other, "<srcad-test-callee2>", "exec"), namespace)
    linecache.cache["<srcad-test-callee2>"] = (len(other), None, other.splitlines(True), "x")
    assert np.allclose(srcad.jvp(srcad.grad(f), (x,), (v,))[1], [6.0, 0.0])


def test_code_is_specialized_on_a_closure_array_and_regenerated_when_its_rank_changes(
    generations,
):
    rng = np.random.default_rng(1)
    A = rng.standard_normal((3, 4))

    def make(M):
        def f(w):
            return np.sum(np.tanh(M @ w))

        return f

    f = make(A)
    g = srcad.grad(f)
    w = rng.standard_normal(4)
    np.testing.assert_allclose(g(w), A.T @ (1 - np.tanh(A @ w) ** 2), rtol=1e-12)
    assert "M @ w" in g.source and "matmul_vjp" not in g.source  # M is known to be a matrix
    made = generations[0]
    f.__closure__[0].cell_contents = rng.standard_normal((3, 4))  # same rank: code reused
    B = f.__closure__[0].cell_contents
    np.testing.assert_allclose(g(w), B.T @ (1 - np.tanh(B @ w) ** 2), rtol=1e-12)
    assert generations[0] == made
    c = rng.standard_normal(4)
    f.__closure__[0].cell_contents = c  # a vector now: M @ w is a scalar
    np.testing.assert_allclose(g(w), c * (1 - np.tanh(c @ w) ** 2), rtol=1e-12)
    assert generations[0] > made


def test_global_array_of_another_kind_regenerates_the_code():
    namespace = {"np": np, "C": np.array([1.0, 2.0])}
    source = "def f(x):\n    return np.sum(np.abs(C * x) ** 2)\n"
    exec(compile(source, "<srcad-test-global>", "exec"), namespace)
    import linecache

    linecache.cache["<srcad-test-global>"] = (len(source), None, source.splitlines(True), "x")
    g = srcad.grad(namespace["f"])
    x = np.array([0.5, -1.0])
    np.testing.assert_allclose(g(x), 2 * namespace["C"] ** 2 * x)
    namespace["C"] = np.array([1.0 + 1.0j, 2.0j])  # complex now: |C x|^2 = |C|^2 x^2
    np.testing.assert_allclose(g(x), 2 * np.abs(namespace["C"]) ** 2 * x)
    srcad.check_grads(namespace["f"], (x,), order=1)


def test_unbroadcast_and_its_tape_entries_go_where_shapes_cannot_differ():
    f = function_from_source(
        "def f(k, x0):\n"
        "    x, v = x0, 0.0\n"
        "    for _ in range(50):\n"
        "        a = -k * x - 0.1 * v\n"
        "        v = v + 0.01 * a\n"
        "        x = x + 0.01 * v\n"
        "    return x\n",
        "f",
    )
    g = srcad.grad(f)
    value = g(2.0, 1.0)
    assert "unbroadcast" not in g.source
    # Only x (read by the adjoint of -k * x) is taped: not v, the temporaries, nor -k (the
    # same value in every pass).
    assert g.source.count(".append(") == 1
    eps = 1e-6
    numeric = (f(2.0 + eps, 1.0) - f(2.0 - eps, 1.0)) / (2 * eps)
    assert abs(value - numeric) < 1e-7


def test_elementwise_chain_has_no_unbroadcast_nor_seed_broadcast():
    f = function_from_source("def f(x):\n    return np.sum(np.tanh(x) ** 2 * np.exp(-x))\n", "f")
    g = srcad.grad(f)
    x = np.array([0.3, -0.7, 1.1])
    t, e = np.tanh(x), np.exp(-x)
    np.testing.assert_allclose(g(x), e * t * (2 * (1 - t * t) - t), rtol=1e-12)
    body = [line.strip() for line in g.source.splitlines()[1:] if not line.strip().startswith("#")]
    assert body == [
        "t = np.tanh(x)",
        "t4 = np.exp(-x)",
        "bx = -(t ** 2 * t4)",
        # buffer reuse (optimize/buffers.py): the dying t and t4 take the results
        "t4 *= 2 * t",
        "t *= t",
        "t4 *= 1.0 - t",
        "bx += t4",
        "return bx",
    ]


@pytest.mark.parametrize(
    "x, y",
    [
        (np.array([1.0, 2.0, 3.0]), np.array([[1.0, 0.5, 2.0], [3.0, -1.0, 0.25]])),
        (np.array([[1.0], [2.0]]), np.array([[1.0, 0.5, 2.0], [3.0, -1.0, 0.25]])),
        (1.5, np.array([1.0, -2.0])),
    ],
)
def test_unbroadcast_stays_where_an_operand_broadcasts(x, y):
    f = function_from_source("def f(x, y):\n    return np.sum(np.sin(x * y))\n", "f")
    g = srcad.grad(f, argnums=(0, 1))
    gx, gy = g(x, y)
    assert "rt.unbroadcast" in g.source
    c = np.cos(np.multiply(x, y))
    assert np.shape(gx) == np.shape(x) and np.shape(gy) == np.shape(y)
    np.testing.assert_allclose(np.sum(gx * x), np.sum(c * x * y))  # Euler: f is even of xy
    srcad.check_grads(f, (x, y), order=1)


def test_an_operand_that_may_be_complex_keeps_its_unbroadcast():
    f = function_from_source("def f(x, z):\n    return np.sum(np.abs(x * z) ** 2)\n", "f")
    g = srcad.grad(f)
    x = np.array([0.5, -1.0])
    z = np.array([1.0 + 2.0j, -0.5j])
    np.testing.assert_allclose(g(x, z), 2 * np.abs(z) ** 2 * x, rtol=1e-12)
    assert g(x, z).dtype == np.float64


def test_self_assignments_are_dropped():
    f = function_from_source(
        "def f(x):\n    y = x\n    for _ in range(3):\n        y = y + x * y\n    return y\n", "f"
    )
    g = srcad.grad(f)
    assert not any(
        line.strip().split(" = ")[0] == line.strip().split(" = ")[-1]
        for line in g.source.splitlines()
        if " = " in line
    )
    eps = 1e-6
    assert abs(g(0.5) - (f(0.5 + eps) - f(0.5 - eps)) / (2 * eps)) < 1e-6


def test_shape_classes_of_a_normalized_function():
    from srcad.analyze import ndims
    from srcad.build.driver import _front
    from srcad.build.modes import Mode, Spec

    f = function_from_source(
        "def f(x, y, n):\n"
        "    a = np.tanh(x) * 2.0\n"  # x's class
        "    b = x @ y\n"  # an array made once: a class of its own
        "    c = np.exp(b) - b\n"  # b's class
        "    d = a * b\n"  # two classes meet (one may broadcast): d's own class
        "    for i in range(n):\n"
        "        e = np.sin(b)\n"
        "        g = x @ y\n"  # made in a loop: no class (its shape may change)
        "    return np.sum(c) + np.sum(d) + np.sum(g)\n",
        "f",
    )
    spec = Spec(
        Mode.GRAD, ("x",), kinds=(("x", "array"), ("y", "array")), ndims=(("x", 1), ("y", 2))
    )
    unit = _front(f, spec)
    classes = ndims.infer(unit.fdef, spec.ndims, unit.resolution)[ndims.SHAPES]
    assert classes["x"] == classes["a"] == ("param", "x")
    assert classes["b"] == classes["c"] == classes["e"] == ("value", "b")
    assert classes["d"] == ("value", "d")
    assert "g" not in classes
    assert classes["i"] == ndims.SCALAR


def test_a_value_that_changes_between_passes_is_taped():
    # t = -k looks loop-invariant, but k changes in place inside the loop
    f = function_from_source(
        "def f(x, k):\n"
        "    for i in range(3):\n"
        "        t = -k\n"
        "        x = x * t\n"
        "        k[0] = k[0] + 1.0\n"
        "    return np.sum(x)\n",
        "f",
    )
    g = srcad.grad(f)
    x = np.array([0.5, -1.5])
    got = g(x, np.array([2.0, 3.0]))
    assert "t_saved.append(t)" in g.source
    # x * (-k) * (-(k + e0)) * (-(k + 2 e0)), e0 = (1, 0)
    np.testing.assert_allclose(got, [-(2.0 * 3.0 * 4.0), -(3.0**3)])
