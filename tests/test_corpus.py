"""The corpus: user-style functions through every mode, checked numerically."""

from __future__ import annotations

import numpy as np
import pytest
import importlib
import pkgutil

import corpus

import srcad


CASES = []
for _module in sorted(m.name for m in pkgutil.iter_modules(corpus.__path__)):
    CASES.extend(importlib.import_module(f"corpus.{_module}").CASES)


def _id(case):
    return case[0].__name__


@pytest.mark.parametrize("fn,args", CASES, ids=[_id(c) for c in CASES])
def test_construct(fn, args):
    srcad.check_grads(fn, args, order=1)
    out = fn(*args)
    if np.ndim(out) == 0 and not isinstance(out, (tuple, list, dict)):
        floats = [i for i, a in enumerate(args) if not isinstance(a, int)]
        grads = srcad.grad(fn, argnums=tuple(floats))(*args)
        assert len(grads) == len(floats)
