"""Transforming and calling the same function from several threads at once."""

from __future__ import annotations

import threading

import numpy as np

import srcad


def model(w, x):
    h = np.tanh(x @ w)
    for _ in range(3):
        h = np.sin(h) * 1.1
    return np.sum(h**2)


def test_concurrent_transformation_and_calls():
    rng = np.random.default_rng(0)
    w, x = rng.standard_normal((3, 2)), rng.standard_normal((4, 3))
    expected = None
    results, errors = [], []
    barrier = threading.Barrier(8)

    def work(seed):
        try:
            barrier.wait()
            g = srcad.grad(model)  # every thread transforms the same function
            local = np.random.default_rng(seed)
            for _ in range(20):
                scale = local.uniform(0.5, 1.5)
                results.append((scale, g(w * scale, x)))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    reference = srcad.grad(model)
    for scale, got in results:
        expected = reference(w * scale, x)
        np.testing.assert_allclose(got, expected)
    assert len(results) == 160
