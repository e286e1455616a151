"""The same generated code on CuPy arrays (a GPU): derivatives stay on the device and equal
numpy's. Skipped without CuPy or without a GPU (CuPy imports on machines without one).
tests/test_device.py runs the same checks everywhere, on a numpy-backed stand-in for CuPy."""

from __future__ import annotations

import numpy as np
import pytest
from array_libraries import (
    CONVERTED_BY_NUMPY,
    CUPY_LACKS,
    SRCAD_HOST_ONLY,
    check_derivatives_on,
    eager_cases,
    qualified,
)
from rule_specs import SPECS, spec_name
from test_rules import _arguments, _function

import srcad

cupy = pytest.importorskip("cupy")
try:
    _GPUS = cupy.cuda.runtime.getDeviceCount()
except Exception:  # noqa: BLE001 - no driver, no device: nothing to run on
    _GPUS = 0
pytestmark = pytest.mark.skipif(not _GPUS, reason="no GPU for CuPy")

_CASES = [
    pytest.param(spec, shapes, kwargs, id=f"{spec_name(spec)}-{shapes}-{kwargs}")
    for spec, shapes, kwargs in eager_cases(SPECS)
]


@pytest.mark.parametrize("spec,shapes,kwargs", _CASES)
def test_rule_on_cupy(spec, shapes, kwargs):
    name = qualified(spec.primitive)
    f = _function(spec, len(shapes), kwargs)
    args = _arguments(spec, shapes)
    try:
        f(*(cupy.asarray(a) if isinstance(a, np.ndarray) else a for a in args))
    except TypeError:
        if name in CUPY_LACKS or name in CONVERTED_BY_NUMPY:
            pytest.skip(f"{name}: {CUPY_LACKS.get(name) or CONVERTED_BY_NUMPY[name]}")
        raise
    try:
        check_derivatives_on(f, args, cupy.asarray, cupy.asnumpy, cupy.ndarray, spec.modes)
    except (TypeError, AssertionError, srcad.SrcadError):
        if name in SRCAD_HOST_ONLY:
            pytest.xfail(f"{name}: {SRCAD_HOST_ONLY[name]}")
        raise


def test_logistic_regression_gradient_on_the_gpu():
    def logistic(w, X, y):
        z = X @ w
        return np.mean(np.logaddexp(0.0, z) - y * z)

    rng = np.random.default_rng(0)
    X, w = rng.standard_normal((1000, 5)), rng.standard_normal(5)
    y = (rng.random(1000) < 0.5).astype(float)
    g = srcad.grad(logistic)(cupy.asarray(w), cupy.asarray(X), cupy.asarray(y))
    assert isinstance(g, cupy.ndarray)
    want = X.T @ (1 / (1 + np.exp(-(X @ w))) - y) / len(y)  # by hand
    np.testing.assert_allclose(cupy.asnumpy(g), want, rtol=1e-10)
