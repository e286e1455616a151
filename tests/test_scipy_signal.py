"""scipy.signal in user-style code: fitting a filter, a 2-d blur. The rules themselves are
checked one by one in tests/specs/scipy_signal.py."""

from __future__ import annotations

import numpy as np
import pytest

import srcad

scipy_signal = pytest.importorskip("scipy.signal")

RNG = np.random.default_rng(0)
SIGNAL = RNG.standard_normal(40)
TARGET = RNG.standard_normal(40)


def filter_loss(taps):
    smoothed = scipy_signal.convolve(SIGNAL, taps, mode="same")
    return np.sum((smoothed - TARGET) ** 2) + np.sum(scipy_signal.correlate(taps, taps) ** 2)


def central(f, x, h=1e-6):
    out = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[i] = h
        out[i] = (f(x + e) - f(x - e)) / (2 * h)
    return out


def test_filter_fit_gradient_matches_central_differences():
    taps = np.array([0.2, 0.5, -0.1, 0.3])
    np.testing.assert_allclose(
        srcad.grad(filter_loss)(taps), central(filter_loss, taps), rtol=1e-7, atol=1e-8
    )
    srcad.check_grads(filter_loss, (taps,))


def test_blur_along_one_axis_of_a_batch():
    images = RNG.standard_normal((3, 16))

    def blur(kernel, images):
        return scipy_signal.fftconvolve(images, kernel[None, :], mode="valid", axes=-1)

    kernel = np.array([0.25, 0.5, 0.25])
    jac = srcad.jacrev(blur)(kernel, images)
    want = np.stack([central(lambda k, i=i: blur(k, images).ravel()[i], kernel) for i in range(42)])
    np.testing.assert_allclose(jac.reshape(42, 3), want, rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(srcad.jacfwd(blur)(kernel, images), jac, rtol=1e-10, atol=1e-12)
