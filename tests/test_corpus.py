"""The corpus: user-style functions through every mode, checked numerically.

Every module under tests/corpus/ defines CASES: (function, args) or (function, args,
options) with options such as {"order": 1} for a case whose second derivative srcad cannot
take yet (the reason is written next to the case). Each case runs through grad (when the
output is a scalar), jvp and vjp, checked by check_grads at order 2 unless its options say 1.
"""

from __future__ import annotations

import importlib
import pkgutil

import corpus
import numpy as np
import pytest
from helpers import printer_matches_ast_unparse

import srcad

CASES = []
for _module in sorted(m.name for m in pkgutil.iter_modules(corpus.__path__)):
    for _case in importlib.import_module(f"corpus.{_module}").CASES:
        fn, args, *rest = _case
        CASES.append(pytest.param(fn, args, rest[0] if rest else {}, id=f"{_module}.{fn.__name__}"))


@pytest.mark.parametrize("fn,args,options", CASES)
def test_construct(fn, args, options):
    with printer_matches_ast_unparse():  # the generated code of every mode, at order 2
        srcad.check_grads(fn, args, order=options.get("order", 2))
    out = fn(*args)
    if not isinstance(out, (tuple, list, dict)) and np.ndim(out) == 0:
        floats = tuple(i for i, a in enumerate(args) if not isinstance(a, int))
        value, grads = srcad.value_and_grad(fn, argnums=floats)(*args)
        assert len(grads) == len(floats)
        np.testing.assert_allclose(value, out)  # the value, not what the backward sweep left
        # grad's own code (its optimizer passes differ from vjp's, which check_grads runs)
        # against central differences
        for i, g in zip(floats, grads):
            if isinstance(args[i], (float, np.ndarray)) and np.isrealobj(args[i]):
                want = _central_differences(fn, args, i)
                np.testing.assert_allclose(g, want, rtol=1e-5, atol=1e-6, err_msg=f"arg {i}")


def _central_differences(fn, args, i, eps=1e-6):
    x = np.asarray(args[i], dtype=float)
    out = np.zeros(x.shape)
    for k in np.ndindex(x.shape):
        step = np.zeros(x.shape)
        step[k] = eps

        def at(v):
            moved = list(args)
            moved[i] = v if isinstance(args[i], np.ndarray) else float(v)
            moved = [a.copy() if isinstance(a, np.ndarray) else a for a in moved]
            return fn(*moved)

        out[k] = (at(x + step) - at(x - step)) / (2 * eps)
    return out


def test_python_lists_passed_to_numpy_functions():
    # np.result_type reads a list as a record's fields; derivative helpers must not.
    from helpers import function_from_source

    f = function_from_source(
        """
        def f(x):
            return np.std([x, x + 2.0 * x]) + np.var((x, 3.0))
        """,
        "f",
    )
    srcad.check_grads(f, (0.5,), order=2)


def test_numpy_scalar_casts():
    # np.int64(x) carries no derivative, as int(x).
    from helpers import function_from_source

    f = function_from_source(
        """
        def f(W):
            rows = np.int64(W[:, -1])
            return np.sum(W[:, :-1][rows]) + float(W[0, 0]) ** 2
        """,
        "f",
    )
    W = np.array([[1.0, 0.5, 1.5], [2.0, 0.3, 0.5]])
    np.testing.assert_allclose(srcad.grad(f)(W), [[3.0, 1.0, 0.0], [1.0, 1.0, 0.0]])
    srcad.check_grads(f, (W,), order=2)


def test_default_values_naming_what_is_out_of_scope():
    # Defaults were evaluated when the def ran; srcad reads them from fn.__defaults__
    # (it once tried to resolve the expression `s=factor` and raised NameResolutionError).
    from helpers import function_from_source

    make = function_from_source(
        """
        def make(factor):
            def f(x, s=factor):
                return np.sum(np.sin(x) * s)
            return f
        """,
        "make",
    )
    f = make(3.0)
    x = np.array([0.2, 0.4])
    np.testing.assert_allclose(srcad.grad(f)(x), 3.0 * np.cos(x))
    srcad.check_grads(f, (x,), order=2)
