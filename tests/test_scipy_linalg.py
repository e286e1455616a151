"""scipy.linalg in user-style code: a Gaussian-process likelihood, factorizations passed from
one call to the next, and what is refused. The rules themselves are checked one by one in
tests/specs/scipy_linalg.py."""

from __future__ import annotations

import numpy as np
import pytest

import srcad

scipy_linalg = pytest.importorskip("scipy.linalg")

X = np.linspace(-2.0, 2.0, 12)
Y = np.sin(2.0 * X) + 0.1 * np.cos(7.0 * X)
THETA = np.array([-0.3, 0.2, -1.5])  # log length scale, log signal sd, log noise sd


def kernel(theta, x):
    diff = x[:, None] - x[None, :]
    k = np.exp(2 * theta[1]) * np.exp(-0.5 * diff**2 / np.exp(2 * theta[0]))
    return k + np.exp(2 * theta[2]) * np.eye(x.size)


def gp_nll(theta, x, y):
    """The negative log marginal likelihood of a GP regression."""
    c, lower = scipy_linalg.cho_factor(kernel(theta, x), lower=True)
    alpha = scipy_linalg.cho_solve((c, lower), y)
    return 0.5 * y @ alpha + np.sum(np.log(np.diag(c))) + 0.5 * x.size * np.log(2 * np.pi)


def gp_nll_factor_passed_whole(theta, x, y):
    factor = scipy_linalg.cho_factor(kernel(theta, x))
    alpha = scipy_linalg.cho_solve(factor, y)
    return 0.5 * y @ alpha + np.sum(np.log(np.diag(factor[0])))


def gp_nll_triangular(theta, x, y):
    low = scipy_linalg.cholesky(kernel(theta, x), lower=True)
    z = scipy_linalg.solve_triangular(low, y, lower=True)
    return 0.5 * z @ z + np.sum(np.log(np.diag(low)))


def central(f, x, h=1e-6):
    out = np.zeros_like(x)
    for i in range(x.size):
        e = np.zeros_like(x)
        e[i] = h
        out[i] = (f(x + e) - f(x - e)) / (2 * h)
    return out


@pytest.mark.parametrize("nll", [gp_nll, gp_nll_factor_passed_whole, gp_nll_triangular])
def test_gp_likelihood_gradient_matches_central_differences(nll):
    grad = srcad.grad(nll)(THETA, X, Y)
    want = central(lambda t: nll(t, X, Y), THETA)
    np.testing.assert_allclose(grad, want, rtol=1e-6, atol=1e-8)
    _, tangent = srcad.jvp(nll, (THETA, X, Y), (np.array([1.0, -0.5, 0.3]), 0 * X, 0 * Y))
    np.testing.assert_allclose(tangent, want @ np.array([1.0, -0.5, 0.3]), rtol=1e-6)


def test_gp_likelihood_hessian_matches_differences_of_the_gradient():
    hessian = srcad.hessian(gp_nll)(THETA, X, Y)
    grad = srcad.grad(gp_nll)
    want = np.stack([central(lambda t, i=i: grad(t, X, Y)[i], THETA, 1e-5) for i in range(3)])
    np.testing.assert_allclose(hessian, want, rtol=1e-5, atol=1e-6)


def test_lu_factor_then_lu_solve():
    def f(a, b):
        lu_and_piv = scipy_linalg.lu_factor(a)
        return scipy_linalg.lu_solve(lu_and_piv, b, trans=1)

    rng = np.random.default_rng(0)
    srcad.check_grads(f, (rng.standard_normal((4, 4)) + 3 * np.eye(4), rng.standard_normal(4)))


def test_expm_of_a_generator_matches_central_differences():
    def transition(rates):
        q = np.array([[-rates[0], rates[0]], [rates[1], -rates[1]]])
        return scipy_linalg.expm(q * 0.7)[0, 1]

    rates = np.array([0.8, 1.3])
    np.testing.assert_allclose(srcad.grad(transition)(rates), central(transition, rates), rtol=1e-7)


def test_overwrite_of_a_differentiated_input_is_refused():
    def f(a):
        return np.sum(scipy_linalg.cholesky(a @ a.T + np.eye(3), overwrite_a=True))

    with pytest.raises(srcad.SrcadError, match="overwrite_a"):
        srcad.grad(f)(np.eye(3))


def test_what_is_refused_is_refused_with_a_location():
    def too_many_blocks(x):
        return np.sum(scipy_linalg.block_diag(x, x, x, x, x, x, x, x, x))

    with pytest.raises(srcad.SrcadError, match="positional arguments") as info:
        srcad.grad(too_many_blocks)(np.ones((1, 1)))
    assert "test_scipy_linalg.py" in str(info.value)

    def subset(a):
        return np.sum(scipy_linalg.eigh(a, subset_by_index=[0, 1])[0])

    with pytest.raises(srcad.SrcadError, match="subset_by_index"):
        srcad.grad(subset)(np.eye(3))

    def full_svd(a):
        return np.sum(scipy_linalg.svd(a)[0])

    with pytest.raises(srcad.SrcadError, match="full_matrices=False"):
        srcad.grad(full_svd)(np.ones((4, 3)))


def test_generalized_eigh_unpacked():
    def lowest_mode(stiffness, masses):
        w, v = scipy_linalg.eigh(stiffness, np.diag(masses))
        mode = v[:, 0] * np.sign(v[0, 0])
        return w[0] + np.sum(mode * np.arange(1.0, 4.0))

    k = np.array([[2.0, -1.0, 0.0], [-1.0, 2.5, -1.0], [0.0, -1.0, 3.0]])
    masses = np.array([1.0, 1.5, 0.7])
    g_k, g_m = srcad.grad(lowest_mode, argnums=(0, 1))(k, masses)
    want_m = central(lambda m: lowest_mode(k, m), masses)
    np.testing.assert_allclose(g_m, want_m, rtol=1e-6, atol=1e-9)
    # eigh reads the lower triangle of the stiffness matrix
    want_k = central(lambda v: lowest_mode(v.reshape(3, 3), masses), k.ravel()).reshape(3, 3)
    np.testing.assert_allclose(g_k, want_k, rtol=1e-6, atol=1e-9)
    assert np.all(np.triu(g_k, 1) == 0)
