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
from array_libraries import (
    DASK_LACKS,
    SRCAD_EAGER,
    leaves,
    numpy_like,
    qualified,
    random_like,
    tree_map,
)
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
        warnings.filterwarnings(
            "error", message=".*is not implemented by Dask", category=FutureWarning
        )

    def __exit__(self, *exc):
        self._warnings.__exit__(*exc)
        self._config.__exit__(*exc)


def _cases():
    for spec in SPECS:
        for shapes in spec.shapes:
            if not any(shapes) or not numpy_like(spec):
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
            if not any(isinstance(v, da.Array) for v in leaves(out)):
                reason = "the result is not a Dask array"
            elif any(np.isnan(n) for v in leaves(out) for n in np.shape(v)):
                reason = "the result's shape depends on the values (nan in Dask's shape)"
            elif not _equal(out, f(*args)):
                reason = "Dask computes another result than numpy"
            else:
                return chunks, None
        except Exception as e:  # noqa: BLE001 - any failure means Dask cannot run it
            reason = f"{type(e).__name__}: {e}"
    return None, reason


def _equal(got, want) -> bool:
    (got,) = dask.compute(got, scheduler="sync")
    got_leaves, want_leaves = list(leaves(got)), list(leaves(want))
    return len(got_leaves) == len(want_leaves) and all(
        np.shape(g) == np.shape(w) and np.allclose(g, w, rtol=1e-9, atol=1e-12, equal_nan=True)
        for g, w in zip(got_leaves, want_leaves)
    )


def _assert_equal_computed(got, want):
    (got,) = dask.compute(got, scheduler="sync")
    got_leaves, want_leaves = list(leaves(got)), list(leaves(want))
    assert len(got_leaves) == len(want_leaves)
    for g, w in zip(got_leaves, want_leaves):
        if w is None or g is None:  # no derivative: the other is none or zero
            assert not np.any(g if w is None else w)
            continue
        np.testing.assert_allclose(g, w, rtol=1e-9, atol=1e-12)


def _assert_dask_where(derivatives, primals):
    """The derivative of each Dask value is a Dask array (allocated in Dask, never numpy)."""
    for d, p in zip(leaves(derivatives), leaves(primals)):
        if isinstance(p, da.Array) and d is not None:  # None: an argument without derivative
            assert isinstance(d, da.Array), f"a derivative is {type(d).__name__}, not Dask's"


@pytest.mark.parametrize("spec,shapes,kwargs", list(_cases()))
def test_rule_on_dask(spec, shapes, kwargs):
    name = qualified(spec.primitive)
    f = _function(spec, len(shapes), kwargs)
    args = _arguments(spec, shapes)
    chunks, reason = _lazy_primal(f, args)
    if chunks is None and name in SRCAD_EAGER and name not in DASK_LACKS:
        pytest.xfail(f"{name}: {SRCAD_EAGER[name]}")
    if chunks is None:
        assert name in DASK_LACKS, f"{name} does not run lazily on Dask ({reason}): list it"
        pytest.skip(f"Dask lacks {name}: {DASK_LACKS[name]}")
    dargs = tuple(_to_dask(a, chunks) for a in args)
    try:
        _check_derivatives(spec, f, args, dargs, chunks)
    except Exception:
        if name in SRCAD_EAGER:
            pytest.xfail(f"{name}: {SRCAD_EAGER[name]}")
        raise


def _as_dask_like(value, like, chunks):
    """A cotangent of a Dask value is a Dask array, as the value (a number: 0-d)."""
    if isinstance(like, da.Array) and value is not None:
        return da.from_array(np.asarray(value), chunks=chunks if np.ndim(value) else ())
    return value


def _check_derivatives(spec, f, args, dargs, chunks):
    rng = np.random.default_rng(3)

    if "rev" in spec.modes:
        out, pullback = srcad.vjp(f, *args)
        cotangent = random_like(out, rng)
        with lazy_only():
            dout, dpullback = srcad.vjp(f, *dargs)
            flat = iter(leaves(dout))
            got = dpullback(tree_map(lambda c: _as_dask_like(c, next(flat), chunks), cotangent))
        _assert_dask_where(got, dargs)
        _assert_equal_computed(got, pullback(cotangent))
    if "fwd" in spec.modes:
        tangents = random_like(args, rng)
        out, want = srcad.jvp(f, args, tangents)
        with lazy_only():
            dout, got = srcad.jvp(f, dargs, tree_map(lambda t: _to_dask(t, chunks), tangents))
        _assert_dask_where(got, dout)
        _assert_equal_computed(got, want)


def test_lists_name_functions_with_specs():
    """Every entry of the tables is a function the specs run (no stale entries)."""
    names = {qualified(s.primitive) for s in SPECS}
    assert not (set(DASK_LACKS) | set(SRCAD_EAGER)) - names


def test_listed_functions_are_lacking():
    """A function listed as lacking in Dask fails to run lazily in at least one spec case."""
    lacking = set()
    for param in _cases():
        spec, shapes, kwargs = param.values
        name = qualified(spec.primitive)
        if name in DASK_LACKS and name not in lacking:
            if (
                _lazy_primal(_function(spec, len(shapes), kwargs), _arguments(spec, shapes))[0]
                is None
            ):
                lacking.add(name)
    assert lacking == set(DASK_LACKS), f"Dask runs these lazily: {set(DASK_LACKS) - lacking}"


# ------------------------------------------------------------------ on a real cluster


@pytest.fixture(scope="session")
def client():
    """A LocalCluster of two worker processes (one thread each), shared by the module."""
    distributed = pytest.importorskip("dask.distributed")
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
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
    want = X.T @ (1 / (1 + np.exp(-(X @ w))) - y) / len(y)  # by hand
    np.testing.assert_allclose(got_g, want, rtol=1e-12)


def test_gradient_in_the_data(client):
    """The gradient with respect to the chunked data itself is a chunked Dask array."""
    w, X, y, Xd, yd = _data(rows=400, chunk=100)
    with lazy_only():
        gX = srcad.grad(least_squares, argnums=1)(w, Xd, yd)
    assert isinstance(gX, da.Array) and gX.chunks == Xd.chunks
    want = np.outer(2 * (X @ w - y) / len(y), w)
    np.testing.assert_allclose(client.compute(gX).result(), want, rtol=1e-12, atol=1e-15)


def test_jvp_on_dask():
    w, X, y, Xd, yd = _data(rows=40, chunk=10)
    v = np.linspace(-1.0, 1.0, len(w))
    with lazy_only():
        out, tangent = srcad.jvp(lambda w: logistic(w, Xd, yd), (w,), (v,))
    assert isinstance(tangent, da.Array)
    (got,) = dask.compute(tangent, scheduler="sync")
    by_hand = X.T @ (1 / (1 + np.exp(-(X @ w))) - y) / len(y)
    np.testing.assert_allclose(got, by_hand @ v, rtol=1e-12)


def test_the_cluster_example(client, monkeypatch, tmp_path):
    """docs/scaling.md's (and the README's) Dask example, on the fixture's cluster."""
    from array_libraries import run_example, scaling_examples

    distributed = pytest.importorskip("dask.distributed")
    monkeypatch.setattr(distributed, "Client", lambda *args, **kwargs: client)
    namespace = {}
    with client.as_current():
        run_example(scaling_examples()[0], namespace, tmp_path)
    X, y = dask.compute(namespace["X"], namespace["y"])
    w = namespace["w"]
    z = X @ w  # the reference, by hand
    np.testing.assert_allclose(namespace["loss"], np.mean(np.logaddexp(0.0, z) - y * z))
    np.testing.assert_allclose(namespace["g"], X.T @ (1 / (1 + np.exp(-z)) - y) / len(y))


def branchy(w, X, y):
    r = X @ w - y
    if np.mean(r) > 0:  # Python's `if` on a Dask value computes it, as when f runs
        return np.mean(r**2)
    return np.mean(np.abs(r))


def test_python_control_flow_on_a_dask_value():
    w, X, y, Xd, yd = _data(rows=40, chunk=10)
    branches = set()
    for shift in (0.0, -10.0):  # the mean residual is < 0, then > 0: both branches
        g = srcad.grad(branchy)(w, Xd, yd + shift)
        assert isinstance(g, da.Array)
        r = X @ w - (y + shift)
        branches.add(bool(np.mean(r) > 0))
        slope = 2 * r if np.mean(r) > 0 else np.sign(r)
        (got,) = dask.compute(g, scheduler="sync")
        np.testing.assert_allclose(got, X.T @ slope / len(y), rtol=1e-12)
    assert branches == {True, False}


def test_unknown_shapes_are_refused():
    """A Dask array whose shape depends on its values (NaN in the shape) is refused where it
    is passed; with its chunk sizes computed, the gradient is right."""
    x = da.from_array(np.arange(-3.0, 3.0), chunks=2)
    positive = x[x > 0]
    with pytest.raises(srcad.SrcadError, match="unknown shape"):
        srcad.grad(least_squares_mean)(positive)
    g = srcad.grad(least_squares_mean)(positive.compute_chunk_sizes())
    (got,) = dask.compute(g, scheduler="sync")
    np.testing.assert_allclose(got, 2 * np.array([1.0, 2.0]) / 2)  # d/dx mean(x**2), by hand


def least_squares_mean(x):
    return np.mean(x**2)
