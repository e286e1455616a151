"""The identity seed's product with a matrix stays a matrix of scaled columns (`Scaled`):
it acts as its dense value everywhere, and keeps the scalings forward mode applies to it
(and differences of two of them) as vectors. Hessians through it against hand-written ones
and finite differences."""

from __future__ import annotations

import numpy as np
import pytest

import srcad
from srcad.diagonal import Diagonal, Scaled


@pytest.fixture
def parts():
    rng = np.random.default_rng(0)
    return rng.standard_normal((3, 4)), rng.standard_normal(4), rng.standard_normal(4)


def test_identity_times_a_matrix_is_scaled(parts):
    B, _, _ = parts
    product = Diagonal.identity(3, np.float64) @ B
    assert isinstance(product, Scaled) and product.base is B
    np.testing.assert_array_equal(np.asarray(product), B)
    # a diagonal that is not the identity scales the rows, as before
    other = Diagonal(np.array([1.0, 2.0, 3.0])) @ B
    assert isinstance(other, np.ndarray)
    np.testing.assert_array_equal(other, np.diag([1.0, 2.0, 3.0]) @ B)


def test_scalings_and_differences_stay_scaled(parts):
    B, u, v = parts
    S = Scaled(B, 1.0)
    for got, want in [
        (u * S, B * u),
        (S * v, B * v),
        (2.0 * S, 2.0 * B),
        (S / v, B / v),
        (-S, -B),
        (u * S - (u * S) * v, B * u - B * u * v),
        (u * S + S * v, B * u + B * v),
        (np.multiply(S, u), B * u),
    ]:
        assert isinstance(got, Scaled)
        # the same up to rounding: the scalings are multiplied together first
        np.testing.assert_allclose(np.asarray(got), want, rtol=1e-13, atol=1e-15)


def test_scaled_acts_as_its_dense_value(parts):
    B, u, v = parts
    S = Scaled(B, u)
    dense = B * u
    M = np.arange(12.0).reshape(4, 3)
    assert S.shape == (3, 4) and np.shape(S) == (3, 4) and np.ndim(S) == 2 and len(S) == 3
    for got, want in [
        (S @ M, dense @ M),
        (M.T @ S.T, M.T @ dense.T),
        (S + 1.0, dense + 1.0),
        (1.0 - S, 1.0 - dense),
        (S * B, dense * B),  # a matrix factor: dense
        (S * u[:3, None], dense * u[:3, None]),
        (S + Scaled(B.copy(), v), dense + B * v),  # another matrix: dense
        (S**2, dense**2),
        (np.sum(S, axis=0), dense.sum(axis=0)),
        (S.sum(), dense.sum()),
        (S[1], dense[1]),
        (S.T, dense.T),
        (np.tanh(S), np.tanh(dense)),
        (np.reshape(S, (12,)), dense.ravel()),
    ]:
        assert isinstance(got, (np.ndarray, np.generic, float))
        np.testing.assert_allclose(got, want, rtol=1e-13)
    assert S.dtype == np.float64
    assert Scaled(B.astype(np.float32), np.float32(2.0)).dtype == np.float32


def test_hessians_through_scaled_tangents():
    rng = np.random.default_rng(1)
    X = rng.standard_normal((30, 6))
    y = np.where(rng.standard_normal(30) > 0, 1.0, -1.0)
    w = rng.standard_normal(6)

    def logistic(w):
        return np.mean(np.logaddexp(0.0, -y * (X @ w)))

    def tanh_features(w):
        h = np.tanh(X @ w)
        return np.sum(h * h) - np.sum((X @ w) ** 2) / 7.0

    s = 1.0 / (1.0 + np.exp(y * (X @ w)))
    H = srcad.hessian(logistic)(w)
    np.testing.assert_allclose(H, X.T @ ((s * (1 - s))[:, None] * X) / 30, rtol=1e-10)
    for f in (logistic, tanh_features):
        srcad.check_grads(f, (w,), order=2)
        H = srcad.hessian(f)(w)
        step = 1e-5
        fd = np.stack(
            [
                (srcad.grad(f)(w + step * e) - srcad.grad(f)(w - step * e)) / (2 * step)
                for e in np.eye(6)
            ]
        )
        np.testing.assert_allclose(H, fd, rtol=1e-5, atol=1e-8)
        np.testing.assert_allclose(srcad.jacfwd(srcad.grad(f))(w), H, rtol=1e-12)
