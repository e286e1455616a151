"""The same derivatives on Dask arrays: lazy, computed where the data is, equal to numpy's.

Every rule spec runs with its array arguments made chunked Dask arrays; no value may be
computed while srcad builds the derivative (a scheduler that refuses to run stands in while
it does), the derivatives of Dask arguments are Dask arrays, and once computed they equal the
derivatives of the same numpy arguments (which tests/test_rules.py checks against finite
differences). Then gradients on a real `dask.distributed.LocalCluster`.
"""

from __future__ import annotations

import traceback
import warnings

import numpy as np
import pytest
from dask_support import DASK_LACKS, SRCAD_EAGER
from rule_specs import SPECS, spec_name
from test_rules import _arguments, _function

import srcad

dask = pytest.importorskip("dask")
da = pytest.importorskip("dask.array")


class Computed(Exception):
    """Raised by the scheduler that stands in while srcad builds a derivative."""


def _refuse(dsk, keys, **kwargs):
    # Name the line of srcad (or of generated code) that asked for the value.
    stack = traceback.extract_stack()
    where = [f for f in stack if "srcad" in f.filename and "/tests/" not in f.filename]
    at = f"{where[-1].filename}:{where[-1].lineno} {where[-1].line}" if where else "?"
    raise Computed(f"a Dask value was computed while the derivative was built, at {at}")


class lazy_only:
    """Within: computing any Dask value raises, and so does numpy running one of its functions
    on a Dask array that Dask does not implement (Dask then computes it, with a warning)."""

    def __enter__(self):
        self._config = dask.config.set(scheduler=_refuse)
        self._config.__enter__()
        self._warnings = warnings.catch_warnings()
        self._warnings.__enter__()
        warnings.filterwarnings("error", message=".*is not implemented by Dask", category=FutureWarning)

    def __exit__(self, *exc):
        self._warnings.__exit__(*exc)
        self._config.__exit__(*exc)


def _leaves(tree):
    if isinstance(tree, (list, tuple)):
        for v in tree:
            yield from _leaves(v)
    elif isinstance(tree, dict):
        for v in tree.values():
            yield from _leaves(v)
    else:
        yield tree


def _map(fn, tree):
    if isinstance(tree, (list, tuple)):
        return type(tree)(_map(fn, v) for v in tree)
    if isinstance(tree, dict):
        return {k: _map(fn, v) for k, v in tree.items()}
    return fn(tree)


def _qualified(fn) -> str:
    module = getattr(fn, "__module__", None) or ""
    name = getattr(fn, "__name__", repr(fn))
    if module == "numpy" or (module.startswith("numpy") and not module.startswith("numpy.")):
        return f"np.{name}"
    for public in ("numpy.linalg", "numpy.fft"):
        if module.startswith(public):
            return f"np.{public[6:]}.{name}"
    if module.startswith("srcad"):
        return f"rt.{name}"
    if type(fn).__name__ == "ufunc":
        return f"np.{name}" if getattr(np, name, None) is fn else f"scipy.special.{name}"
    return f"{module.split('._')[0]}.{name}"


def _numpy_like(spec) -> bool:
    """Specs whose function Dask could run: numpy's and srcad's; scipy converts its inputs
    to numpy arrays (np.asarray) itself, and math works on Python numbers."""
    name = _qualified(spec.primitive)
    return name.startswith(("np.", "rt.", "scipy.special."))


def _cases():
    for spec in SPECS:
        for shapes in spec.shapes:
            if not any(shapes) or not _numpy_like(spec):
                continue  # no array to make a Dask array of
            for kwargs in spec.kwargs:
                label = f"{spec_name(spec)}-{shapes}-{kwargs}"
                yield pytest.param(spec, shapes, kwargs, id=label)


def _to_dask(value, chunks):
    if isinstance(value, np.ndarray) and value.ndim:
        return da.from_array(value, chunks=chunks)
    return value


def _lazy_primal(f, args):
    """The chunking under which `f` runs lazily on Dask arrays (2 along every axis, else one
    chunk: Dask's fft and linalg want whole axes), or None with the reason."""
    reason = None
    for chunks in (2, -1):
        dargs = tuple(_to_dask(a, chunks) for a in args)
        try:
            with lazy_only():
                out = f(*dargs)
        except Exception as e:  # noqa: BLE001 - any failure means Dask cannot run it
            reason = f"{type(e).__name__}: {e}"
            continue
        if any(isinstance(v, da.Array) for v in _leaves(out)):
            return chunks, None
        reason = "the result is not a Dask array"
    return None, reason


def _random(tree, rng):
    def draw(x):
        if not np.issubdtype(np.result_type(x), np.inexact):
            return None
        values = rng.standard_normal(np.shape(x))
        if np.iscomplexobj(x):
            values = values + 1j * rng.standard_normal(np.shape(x))
        if np.ndim(x) == 0 and not isinstance(x, np.ndarray):
            return complex(values) if isinstance(x, complex) else float(values)
        return np.asarray(values, dtype=np.result_type(x))

    return _map(draw, tree)


def _assert_equal_computed(got, want):
    (got,) = dask.compute(got, scheduler="sync")
    got_leaves, want_leaves = list(_leaves(got)), list(_leaves(want))
    assert len(got_leaves) == len(want_leaves)
    for g, w in zip(got_leaves, want_leaves):
        if w is None or g is None:  # no derivative: the other is none or zero
            assert not np.any(g if w is None else w)
            continue
        np.testing.assert_allclose(g, w, rtol=1e-9, atol=1e-12)


def _assert_dask_where(derivatives, primals):
    """The derivative of each Dask value is a Dask array (allocated in Dask, never numpy)."""
    for d, p in zip(_leaves(derivatives), _leaves(primals)):
        if isinstance(p, da.Array) and d is not None:  # None: an argument without derivative
            assert isinstance(d, da.Array), f"a derivative is {type(d).__name__}, not Dask's"


@pytest.mark.parametrize("spec,shapes,kwargs", list(_cases()))
def test_rule_on_dask(spec, shapes, kwargs):
    name = _qualified(spec.primitive)
    f = _function(spec, len(shapes), kwargs)
    args = _arguments(spec, shapes)
    chunks, reason = _lazy_primal(f, args)
    if chunks is None:
        assert name in DASK_LACKS, f"{name} does not run lazily on Dask ({reason}): list it"
        pytest.skip(f"Dask lacks {name}: {DASK_LACKS[name]}")
    if name in SRCAD_EAGER:
        pytest.skip(f"{name}: {SRCAD_EAGER[name]}")
    dargs = tuple(_to_dask(a, chunks) for a in args)
    rng = np.random.default_rng(3)

    if "rev" in spec.modes:
        out, pullback = srcad.vjp(f, *args)
        cotangent = _random(out, rng)
        with lazy_only():
            dout, dpullback = srcad.vjp(f, *dargs)
            got = dpullback(_map(lambda c: _to_dask(c, chunks), cotangent))
        _assert_dask_where(got, dargs)
        _assert_equal_computed(got, pullback(cotangent))
    if "fwd" in spec.modes:
        tangents = _random(args, rng)
        out, want = srcad.jvp(f, args, tangents)
        with lazy_only():
            dout, got = srcad.jvp(f, dargs, _map(lambda t: _to_dask(t, chunks), tangents))
        _assert_dask_where(got, dout)
        _assert_equal_computed(got, want)


def test_lists_name_functions_with_specs():
    """Every entry of the tables is a function the specs run (no stale entries)."""
    names = {_qualified(s.primitive) for s in SPECS}
    assert not (set(DASK_LACKS) | set(SRCAD_EAGER)) - names


def test_listed_functions_are_lacking():
    """A function listed as lacking in Dask fails to run lazily in at least one spec case."""
    lacking = set()
    for param in _cases():
        spec, shapes, kwargs = param.values
        name = _qualified(spec.primitive)
        if name in DASK_LACKS and name not in lacking:
            if _lazy_primal(_function(spec, len(shapes), kwargs), _arguments(spec, shapes))[0] is None:
                lacking.add(name)
    assert lacking == set(DASK_LACKS), f"Dask runs these lazily: {set(DASK_LACKS) - lacking}"


# ------------------------------------------------------------------ on a real cluster


@pytest.fixture(scope="session")
def client():
    """A LocalCluster of two worker processes (one thread each), shared by the module."""
    distributed = pytest.importorskip("dask.distributed")
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    with distributed.Client(cluster, set_as_default=False) as c:
        yield c
    cluster.close()


def least_squares(w, X, y):
    return np.mean((X @ w - y) ** 2)


def logistic(w, X, y):
    z = X @ w
    return np.mean(np.logaddexp(0.0, z) - y * z)


def _data(rows=4000, cols=5, chunk=1000):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((rows, cols))
    w = rng.standard_normal(cols)
    y = (X @ w + 0.3 * rng.standard_normal(rows) > 0).astype(float)
    return w * 0.5, X, y, da.from_array(X, chunks=(chunk, cols)), da.from_array(y, chunks=chunk)


@pytest.mark.parametrize("loss", [least_squares, logistic])
def test_gradient_on_a_cluster(client, loss):
    w, X, y, Xd, yd = _data()
    with lazy_only():
        g = srcad.grad(loss)(w, Xd, yd)
    assert isinstance(g, da.Array)
    got = client.compute(g).result()
    # The reference: the same gradient written by hand in numpy.
    z = X @ w
    slope = 2 * (z - y) if loss is least_squares else 1 / (1 + np.exp(-z)) - y
    np.testing.assert_allclose(got, X.T @ slope / len(y), rtol=1e-12, atol=1e-14)


def test_value_and_grad_share_work(client):
    """Value and gradient come back lazy; one compute evaluates both, X @ w once."""
    w, X, y, Xd, yd = _data()
    with lazy_only():
        value, g = srcad.value_and_grad(logistic)(w, Xd, yd)
    assert isinstance(value, da.Array) and isinstance(g, da.Array)
    shared = {k for k in set(value.dask) & set(g.dask) if str(k).find("matmul") >= 0}
    assert shared, "the gradient recomputes X @ w instead of sharing the value's"
    got_value, got_g = client.gather(client.compute([value, g]))
    np.testing.assert_allclose(got_value, logistic(w, X, y), rtol=1e-12)
    np.testing.assert_allclose(got_g, srcad.grad(logistic)(w, X, y), rtol=1e-12)


def test_gradient_in_the_data(client):
    """The gradient with respect to the chunked data itself is a chunked Dask array."""
    w, X, y, Xd, yd = _data(rows=400, chunk=100)
    with lazy_only():
        gX = srcad.grad(least_squares, argnums=1)(w, Xd, yd)
    assert isinstance(gX, da.Array) and gX.chunks == Xd.chunks
    want = np.outer(2 * (X @ w - y) / len(y), w)
    np.testing.assert_allclose(client.compute(gX).result(), want, rtol=1e-12, atol=1e-15)


def test_jvp_and_check_grads_on_dask():
    w, X, y, Xd, yd = _data(rows=40, chunk=10)
    v = np.linspace(-1.0, 1.0, len(w))
    with lazy_only():
        out, tangent = srcad.jvp(lambda w: logistic(w, Xd, yd), (w,), (v,))
    assert isinstance(tangent, da.Array)
    (got,) = dask.compute(tangent, scheduler="sync")
    np.testing.assert_allclose(got, srcad.grad(logistic)(w, X, y) @ v, rtol=1e-12)
