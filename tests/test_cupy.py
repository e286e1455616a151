"""The same generated code on CuPy arrays (a GPU): derivatives stay on the device and equal
numpy's. Skipped without CuPy or without a GPU (CuPy imports on machines without one)."""

from __future__ import annotations

import numpy as np
import pytest
from array_libraries import CUPY_LACKS, leaves, numpy_like, qualified, random_like, tree_map
from rule_specs import SPECS, spec_name
from test_rules import _arguments, _function

import srcad

cupy = pytest.importorskip("cupy")
try:
    _GPUS = cupy.cuda.runtime.getDeviceCount()
except Exception:  # noqa: BLE001 - no driver, no device: nothing to run on
    _GPUS = 0
pytestmark = pytest.mark.skipif(not _GPUS, reason="no GPU for CuPy")


def _cases():
    for spec in SPECS:
        for shapes in spec.shapes:
            if any(shapes) and numpy_like(spec):
                for kwargs in spec.kwargs:
                    yield pytest.param(
                        spec, shapes, kwargs, id=f"{spec_name(spec)}-{shapes}-{kwargs}"
                    )


def _to_gpu(value):
    return cupy.asarray(value) if isinstance(value, np.ndarray) else value


def _assert_on_gpu_and_equal(got, want, primals):
    for g, p in zip(leaves(got), leaves(primals)):
        if isinstance(p, cupy.ndarray) and g is not None:
            assert isinstance(g, cupy.ndarray), f"a derivative is {type(g).__name__}"
    for g, w in zip(leaves(got), leaves(want)):
        if g is None or w is None:
            assert not np.any(cupy.asnumpy(g) if w is None else w)
            continue
        np.testing.assert_allclose(cupy.asnumpy(g), w, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("spec,shapes,kwargs", list(_cases()))
def test_rule_on_cupy(spec, shapes, kwargs):
    name = qualified(spec.primitive)
    f = _function(spec, len(shapes), kwargs)
    args = _arguments(spec, shapes)
    gargs = tuple(_to_gpu(a) for a in args)
    try:
        f(*gargs)
    except TypeError:
        if name in CUPY_LACKS:
            pytest.skip(f"CuPy lacks {name}")
        raise
    rng = np.random.default_rng(3)
    if "rev" in spec.modes:
        out, pullback = srcad.vjp(f, *args)
        cotangent = random_like(out, rng)
        _, gpullback = srcad.vjp(f, *gargs)
        got = gpullback(tree_map(_to_gpu, cotangent))
        _assert_on_gpu_and_equal(got, pullback(cotangent), gargs)
    if "fwd" in spec.modes:
        tangents = random_like(args, rng)
        _, want = srcad.jvp(f, args, tangents)
        gout, got = srcad.jvp(f, gargs, tree_map(_to_gpu, tangents))
        _assert_on_gpu_and_equal(got, want, gout)


def test_logistic_regression_gradient_on_the_gpu():
    def logistic(w, X, y):
        z = X @ w
        return np.mean(np.logaddexp(0.0, z) - y * z)

    rng = np.random.default_rng(0)
    X, w = rng.standard_normal((1000, 5)), rng.standard_normal(5)
    y = (rng.random(1000) < 0.5).astype(float)
    g = srcad.grad(logistic)(cupy.asarray(w), cupy.asarray(X), cupy.asarray(y))
    assert isinstance(g, cupy.ndarray)
    want = X.T @ (1 / (1 + np.exp(-(X @ w))) - y) / len(y)
    np.testing.assert_allclose(cupy.asnumpy(g), want, rtol=1e-10)
