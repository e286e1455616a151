"""srcad's path for arrays of an eager library other than numpy (CuPy's, on a GPU), run on
every machine with a numpy-backed stand-in (tests/device_fake.py) that refuses, as CuPy does,
to be converted to a numpy array.

Every rule spec runs with its array arguments on the stand-in: the derivatives are arrays of
the stand-in (computed where the arguments are: nothing was converted to numpy on the way, or
it would have raised) and equal those of the same numpy arguments, which tests/test_rules.py
checks against finite differences. Specs of functions that numpy or scipy convert themselves
are skipped, and those whose derivative srcad still computes with numpy fail as expected,
each listed with its reason in tests/array_libraries.py.
"""

from __future__ import annotations

import pathlib
import subprocess
import sys
import types

import numpy as np
import pytest
from array_libraries import (
    CONVERTED_BY_NUMPY,
    CUPY_LACKS,
    SRCAD_HOST_ONLY,
    check_derivatives_on,
    eager_cases,
    qualified,
    run_example,
    scaling_examples,
)
from device_fake import Device
from rule_specs import SPECS, spec_name
from test_rules import _arguments, _function

import srcad


def _to_host(value):
    return value.get() if isinstance(value, Device) else value


def _primal_fails(f, args) -> bool:
    try:
        f(*(Device(a) if isinstance(a, np.ndarray) else a for a in args))
    except (TypeError, srcad.SrcadError):
        return True
    return False


_CASES = [
    pytest.param(spec, shapes, kwargs, id=f"{spec_name(spec)}-{shapes}-{kwargs}")
    for spec, shapes, kwargs in eager_cases(SPECS)
]


@pytest.mark.parametrize("spec,shapes,kwargs", _CASES)
def test_rule_on_a_device(spec, shapes, kwargs):
    name = qualified(spec.primitive)
    f = _function(spec, len(shapes), kwargs)
    args = _arguments(spec, shapes)
    if _primal_fails(f, args):
        if name in CONVERTED_BY_NUMPY:
            pytest.skip(f"{name}: {CONVERTED_BY_NUMPY[name]}")
        if name not in SRCAD_HOST_ONLY:
            raise AssertionError(f"{name} does not run on a device array: list it")
    try:
        check_derivatives_on(f, args, Device, _to_host, Device, spec.modes)
    except (TypeError, AssertionError, srcad.SrcadError):
        if name in SRCAD_HOST_ONLY:
            pytest.xfail(f"{name}: {SRCAD_HOST_ONLY[name]}")
        raise


def test_tables_are_true():
    """Every listed function fails on a device array in at least one spec (no stale entry)."""
    failing = set()
    for spec, shapes, kwargs in eager_cases(SPECS):
        name = qualified(spec.primitive)
        if name in failing or name not in (CONVERTED_BY_NUMPY.keys() | SRCAD_HOST_ONLY.keys()):
            continue
        f, args = _function(spec, len(shapes), kwargs), _arguments(spec, shapes)
        if _primal_fails(f, args):
            failing.add(name)
            continue
        try:
            check_derivatives_on(f, args, Device, _to_host, Device, spec.modes)
        except (TypeError, AssertionError, srcad.SrcadError):
            failing.add(name)
    assert failing == CONVERTED_BY_NUMPY.keys() | SRCAD_HOST_ONLY.keys()


def test_the_stand_in_refuses_conversion():
    """The stand-in is only worth its tests if a hidden conversion to numpy fails, as CuPy's."""
    x = Device(np.arange(3.0))
    with pytest.raises(TypeError):
        np.asarray(x)
    assert isinstance(np.sin(x), Device) and isinstance(np.sum(x), Device)
    assert isinstance(np.zeros_like(x, shape=(2,)), Device)


def test_item_assignment_in_a_loop_on_a_device():
    """Saved values of item assignment are copies on the device, not views (a view would
    change with the next write and give a wrong derivative)."""

    def f(x):
        y = x * 1.0
        for i in range(3):
            y[i + 1] = y[i] * y[i + 1]
        return np.sum(y**2)

    x = np.array([0.5, 1.5, -2.0, 0.7])
    g = srcad.grad(f)(Device(x))
    assert isinstance(g, Device)
    # The reference: central differences of f.
    h = 1e-6
    want = [(f(x + h * e) - f(x - h * e)) / (2 * h) for e in np.eye(len(x))]
    np.testing.assert_allclose(g.get(), want, rtol=1e-7)


def _logistic(w, X, y):
    z = X @ w
    return np.mean(np.logaddexp(0.0, z) - y * z)


def test_logistic_regression_on_a_device():
    rng = np.random.default_rng(0)
    X, w = rng.standard_normal((200, 5)), rng.standard_normal(5)
    y = (rng.random(200) < 0.5).astype(float)
    g = srcad.grad(_logistic)(Device(w), Device(X), Device(y))
    assert isinstance(g, Device)
    want = X.T @ (1 / (1 + np.exp(-(X @ w))) - y) / len(y)  # by hand
    np.testing.assert_allclose(g.get(), want, rtol=1e-12)


def test_readme_shows_the_examples_of_the_docs():
    readme = (pathlib.Path(__file__).parent.parent / "README.md").read_text()
    for block in scaling_examples():
        assert f"```python\n{block}```" in readme


def test_the_gpu_example_on_a_device(monkeypatch, tmp_path):
    """docs/scaling.md's (and the README's) CuPy example, with the stand-in as `cupy`."""
    fake = types.ModuleType("cupy")
    fake.asarray = lambda x, dtype=None: Device(np.asarray(x, dtype))
    fake.zeros = lambda shape, dtype=float: Device(np.zeros(shape, dtype))
    monkeypatch.setitem(sys.modules, "cupy", fake)
    namespace = {"np": np, "srcad": srcad, "logistic": _logistic}
    run_example(scaling_examples()[1], namespace, tmp_path)
    X, y, g = (namespace[k].get() for k in ("X", "y", "g"))
    assert isinstance(namespace["g"], Device)
    want = X.T @ (1 / (1 + np.exp(-(X @ np.zeros(10)))) - y) / len(y)  # by hand
    np.testing.assert_allclose(g, want, rtol=1e-12)


def test_srcad_imports_neither_dask_nor_cupy():
    code = (
        "import sys, numpy as np, srcad\n"
        "srcad.grad(np.linalg.norm)(np.ones(3))\n"
        "print(sorted(m for m in ('dask', 'cupy', 'distributed') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_readme_names_what_cupy_lacks():
    readme = (pathlib.Path(__file__).parent.parent / "README.md").read_text()
    section = readme[readme.index("## Scaling out") :]
    assert all(f"`{name}`" in section for name in CUPY_LACKS)


def test_jacobians_refuse_device_arrays():
    """Jacobians are laid out in numpy arrays: a device array is refused, with the reason."""
    with pytest.raises(srcad.SrcadError, match="laid out in numpy arrays"):
        srcad.jacfwd(np.sin)(Device(np.arange(3.0)))
