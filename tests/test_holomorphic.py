"""Complex functions and dtypes as JAX defines them: holomorphic=True for grad, jacfwd, jacrev
and hessian (checked against JAX and the complex derivative by hand); complex inputs to
jacfwd and complex outputs to jacrev refused without it, as JAX refuses them; a function
that is not holomorphic refused with it (where JAX returns numbers); gradients with the
dtype of their argument."""

from __future__ import annotations

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

Z = np.array([1.0 + 2.0j, 0.5 - 1.0j, -0.3 + 0.2j])


def cube_sum(z):
    return np.sum(z**3 * np.exp(z))


def poly(z):
    return z**2 * np.sin(z) + 3.0 * z


def test_holomorphic_derivatives_are_the_complex_derivative():
    dz = 3 * Z**2 * np.exp(Z) + Z**3 * np.exp(Z)
    np.testing.assert_allclose(srcad.grad(cube_sum, holomorphic=True)(Z), dz)
    value, g = srcad.value_and_grad(cube_sum, holomorphic=True)(Z)
    np.testing.assert_allclose(value, cube_sum(Z))
    np.testing.assert_allclose(g, dz)
    dpoly = 2 * Z * np.sin(Z) + Z**2 * np.cos(Z) + 3.0
    for transform in (srcad.jacfwd, srcad.jacrev, srcad.jacobian):
        np.testing.assert_allclose(transform(poly, holomorphic=True)(Z), np.diag(dpoly))
    d2 = (6 * Z + 6 * Z**2 + Z**3) * np.exp(Z)
    np.testing.assert_allclose(srcad.hessian(cube_sum, holomorphic=True)(Z), np.diag(d2))


@needs_jax
def test_holomorphic_jacobians_match_jax():
    def f(z):
        return np.tanh(z) * z[::-1] + np.log(z + 3.0)

    def jf(z):
        return jnp.tanh(z) * z[::-1] + jnp.log(z + 3.0)

    np.testing.assert_allclose(
        srcad.jacfwd(f, holomorphic=True)(Z), jax.jacfwd(jf, holomorphic=True)(Z)
    )
    np.testing.assert_allclose(
        srcad.jacrev(f, holomorphic=True)(Z), jax.jacrev(jf, holomorphic=True)(Z)
    )


NOT_HOLOMORPHIC = [
    lambda z: z * np.conj(z),
    lambda z: np.abs(z) + 0j,
    lambda z: np.real(z) + z * 0.0,
    lambda z: z.conj() * z * z,
]


@pytest.mark.parametrize("f", NOT_HOLOMORPHIC)
@pytest.mark.parametrize("transform", [srcad.jacfwd, srcad.jacrev])
def test_no_complex_jacobian_where_none_exists(f, transform):
    for holomorphic in (False, True):
        with pytest.raises(srcad.ComplexDerivativeError) as info:
            transform(f, holomorphic=holomorphic)(Z)
        assert info.value.location is not None
        assert info.value.location.filename == __file__


@needs_jax
def test_refusals_follow_jax_without_holomorphic():
    """jacfwd refuses complex inputs and jacrev complex outputs, as JAX does."""
    with pytest.raises(TypeError):
        jax.jacfwd(lambda z: z**2)(Z)
    with pytest.raises(srcad.ComplexDerivativeError, match="complex input"):
        srcad.jacfwd(lambda z: z**2)(Z)
    with pytest.raises(TypeError):
        jax.jacrev(lambda x: x * (1 + 1j))(np.ones(2))
    with pytest.raises(srcad.ComplexDerivativeError, match="complex output"):
        srcad.jacrev(lambda x: x * (1 + 1j))(np.ones(2))
    # A real output of a complex input is fine for jacrev, as for grad.
    jac = srcad.jacrev(lambda z: np.abs(z) ** 2)(Z)
    want = jax.jacrev(lambda z: jnp.abs(z) ** 2)(Z)
    np.testing.assert_allclose(jac, want)


def test_holomorphic_needs_complex_values():
    with pytest.raises(srcad.ComplexDerivativeError, match="needs complex inputs"):
        srcad.jacfwd(lambda x: x**2, holomorphic=True)(np.ones(2))
    with pytest.raises(srcad.NonScalarOutputError):
        srcad.grad(lambda z: z**2, holomorphic=True)(Z)
    with pytest.raises(srcad.SrcadError, match="has_aux"):
        srcad.grad(cube_sum, has_aux=True, holomorphic=True)


@needs_jax
@pytest.mark.parametrize("dtype", [np.float32, np.complex64])
def test_gradients_have_their_arguments_dtype(dtype):
    w = np.array([1.0, 3.0, -2.0])  # float64: the result would be promoted

    def f(x):
        return np.sum(np.abs(x * w) ** 2)

    x = np.array([0.5, -1.0, 2.0], dtype=dtype)
    g = srcad.grad(f)(x)
    want = jax.grad(lambda x: jnp.sum(jnp.abs(x * w) ** 2))(x)
    assert g.dtype == want.dtype == dtype
    np.testing.assert_allclose(g, want, rtol=1e-5)
    _, pullback = srcad.vjp(f, x)
    assert pullback(1.0)[0].dtype == dtype
    grads = srcad.grad(lambda p: f(p[0]) * p[1])((x, np.float32(2.0)))
    assert grads[0].dtype == dtype and grads[1].dtype == np.float32
