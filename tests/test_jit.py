"""srcad.jit: the generated code compiled with numba (skipped where numba is absent).

Values are compared with hand-written derivatives; code numba cannot compile is refused
with an error that names the construct, never run in Python instead."""

from __future__ import annotations

import importlib.util
import sys

import numpy as np
import pytest
from helpers import function_from_source

import srcad

needs_numba = pytest.mark.skipif(
    importlib.util.find_spec("numba") is None, reason="numba is not installed (srcad[jit])"
)


def test_without_numba_jit_refuses_where_it_is_written(monkeypatch):
    monkeypatch.setitem(sys.modules, "numba", None)  # import numba raises ImportError
    with pytest.raises(srcad.SrcadError, match=r"srcad\[jit\]"):
        srcad.jit(srcad.grad(np.sin))


def scalar_loop(x):
    for _ in range(20):
        x = np.sin(x) * 1.01
    return x


def scalar_loop_grad(x):
    d = 1.0
    for _ in range(20):
        d = d * np.cos(x) * 1.01
        x = np.sin(x) * 1.01
    return d


def rnn(W, U, h, xs):
    for t in range(xs.shape[0]):
        h = np.tanh(W @ h + U @ xs[t])
    return np.sum(h**2)


def rnn_grad(W, U, h, xs):
    hs = [h]
    for t in range(xs.shape[0]):
        hs.append(np.tanh(W @ hs[-1] + U @ xs[t]))
    gh = 2.0 * hs[-1]
    gW, gU = np.zeros_like(W), np.zeros_like(U)
    for t in reversed(range(xs.shape[0])):
        ga = gh * (1.0 - hs[t + 1] ** 2)
        gW += np.outer(ga, hs[t])
        gU += np.outer(ga, xs[t])
        gh = W.T @ ga
    return gW, gU


@needs_numba
def test_jit_of_a_scalar_loop_gradient():
    df = srcad.jit(srcad.grad(scalar_loop))
    for x in (0.3, -1.2):
        assert abs(df(x) - scalar_loop_grad(x)) < 1e-12
    assert "def grad_scalar_loop(x):" in df.source  # the code numba compiled


@needs_numba
def test_jit_of_an_rnn_gradient():
    rng = np.random.default_rng(0)
    W, U = rng.standard_normal((5, 5)) * 0.4, rng.standard_normal((5, 3))
    h, xs = np.zeros(5), rng.standard_normal((7, 3))
    got = srcad.jit(srcad.grad(rnn, argnums=(0, 1)))(W, U, h, xs)
    for g, want in zip(got, rnn_grad(W, U, h, xs)):
        np.testing.assert_allclose(g, want, rtol=1e-10, atol=1e-12)


@needs_numba
def test_jit_of_a_plain_function():
    assert srcad.jit(scalar_loop)(0.3) == scalar_loop(0.3)


@needs_numba
def test_code_numba_cannot_compile_is_refused_naming_the_construct():
    f = function_from_source("def f(x):\n    return np.sum(np.sort(x) * x)\n", "f")
    with pytest.raises(srcad.UnsupportedOperationError, match="numba") as info:
        srcad.jit(srcad.grad(f))(np.array([0.3, 0.1]))
    assert "rt." in str(info.value) or "numba cannot compile" in str(info.value)


@needs_numba
def test_an_integer_argument_is_refused_as_by_the_transform():
    with pytest.raises(srcad.InputTypeError):
        srcad.jit(srcad.grad(scalar_loop))(1)


@needs_numba
def test_code_is_recompiled_when_the_transform_regenerates_it():
    namespace = {"np": np, "scale": 2.0}
    source = "def f(x):\n    return np.sin(x) * scale\n"
    f = function_from_source(source, "f", namespace)
    df = srcad.jit(srcad.grad(f))
    assert abs(df(0.5) - 2.0 * np.cos(0.5)) < 1e-12
    f.__globals__["scale"] = 3.0  # the code was specialized on a float: same rank, reused
    assert abs(df(0.5) - 3.0 * np.cos(0.5)) < 1e-12


@needs_numba
def test_a_global_array_changed_in_place_is_seen():
    # numba compiles global arrays in as constants: a change in place recompiles
    namespace = {"np": np, "A": np.array([1.0, 2.0])}
    f = function_from_source("def f(x):\n    return np.sum(A * np.sin(x))\n", "f", namespace)
    df, x = srcad.jit(srcad.grad(f)), np.array([0.5, 0.1])
    np.testing.assert_allclose(df(x), namespace["A"] * np.cos(x), rtol=1e-14)
    namespace["A"][0] = 3.0
    np.testing.assert_allclose(df(x), [3.0 * np.cos(0.5), 2.0 * np.cos(0.1)], rtol=1e-14)


@needs_numba
def test_a_refusal_quotes_the_generated_line():
    namespace = {"np": np, "A": np.array([1.0, 2.0])}
    f = function_from_source("def f(x):\n    return np.sum(np.sin(A * x))\n", "f", namespace)
    with pytest.raises(srcad.UnsupportedOperationError) as info:
        srcad.jit(srcad.grad(f))(0.5)
    message = str(info.value)
    assert "unbroadcast of array(float64, 1d, C) to float64" in message
    assert "bx = rt.unbroadcast(" in message


@needs_numba
def test_a_broadcast_operand_is_refused_when_the_compiled_code_meets_it():
    f = function_from_source("def f(x, y):\n    return np.sum(np.sin(x * y))\n", "f")
    df = srcad.jit(srcad.grad(f))
    x = np.array([[0.1], [0.2]])
    np.testing.assert_allclose(
        df(x, np.array([[0.3], [0.5]])), [[0.3 * np.cos(0.03)], [0.5 * np.cos(0.1)]]
    )
    with pytest.raises(srcad.UnsupportedOperationError, match="broadcast"):
        df(x, np.ones((1, 3)))  # same ranks, so the same compiled code
