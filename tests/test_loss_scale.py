"""loss_scale= on grad, value_and_grad, vjp and trace_grad: float16 gradients against a
float64 reference written by hand, GradScaler's dynamic schedule, dtypes and structures."""

from __future__ import annotations

import numpy as np
import pytest

import srcad

N = 4096

# numpy < 2 promotes a float16 scalar by value (np.float16(2.0) * 100.0 is a float64): parts
# of a float16 derivative then run in float64, where nothing underflows or overflows. The
# tests that need float16 arithmetic throughout run on numpy >= 2 (NEP 50) only.
needs_nep50 = pytest.mark.skipif(
    np.lib.NumpyVersion(np.__version__) < "2.0.0",
    reason="numpy < 2 promotes float16 scalars to float64 (no NEP 50)",
)


def regression(W, X):
    # The mean, as a sum: numpy 1.26 would promote np.mean's adjoint to float64.
    return np.sum((W @ X) ** 2) / (8 * N)


def _data(scale: float):
    """float16 data whose loss gradient holds adjoints of about 2e-8 * scale / 3e-5 before
    the sum over the batch: W @ X stays away from zero (all positive)."""
    rng = np.random.default_rng(0)
    X = np.abs(rng.normal(1.0, 0.3, (16, N))).astype(np.float16)
    W = (rng.uniform(0.5, 1.0, (8, 16)) * scale).astype(np.float16)
    return W, X


def _reference(W, X):
    """The gradient in float64, by hand."""
    Wf, Xf = W.astype(np.float64), X.astype(np.float64)
    return 2.0 / (8 * N) * (Wf @ Xf) @ Xf.T


def _error(g, reference) -> float:
    return float(np.max(np.abs(g.astype(np.float64) - reference)) / np.max(np.abs(reference)))


@pytest.mark.parametrize("loss_scale", [1024.0, 2.0**15, "dynamic"])
def test_loss_scaling_recovers_float16_gradients_that_underflow(loss_scale):
    for size in (1e-4, 3e-5):
        W, X = _data(size)
        reference = _reference(W, X)
        rounding = _error(reference.astype(np.float16), reference)
        plain = srcad.grad(regression)(W, X)
        scaled = srcad.grad(regression, loss_scale=loss_scale)(W, X)
        assert scaled.dtype == np.float16 and scaled.shape == W.shape
        # The scaled gradient is as good as float16 can hold the reference.
        assert _error(scaled, reference) < 1.2 * rounding
        # Without scaling, subnormal adjoints lose digits (1e-4) or flush to zero (3e-5).
        assert _error(plain, reference) > 0.1
    assert np.all(plain == 0)


@needs_nep50
def test_trace_shows_underflow_and_loss_scaling_removing_it():
    W, X = _data(3e-5)
    g, report = srcad.trace_grad(regression)(W, X)
    flushed = {e.name: e.underflow for e in report.underflow}
    assert flushed == {"bt": 8 * N, "bW": 8 * 16}  # every element, then the whole gradient
    assert "float16 underflow" in str(report)
    g, scaled = srcad.trace_grad(regression, loss_scale=1024.0)(W, X)
    assert scaled.underflow == [] and scaled.loss_scale == 1024.0
    assert all(e.underflow == 0 for e in scaled.entries if e.dtype == "float16")
    np.testing.assert_array_equal(g, srcad.grad(regression, loss_scale=1024.0)(W, X))
    # Subnormal adjoints, kept but with few digits: reported too.
    W, X = _data(1e-4)
    _, report = srcad.trace_grad(regression)(W, X)
    bt = next(e for e in report.entries if e.name == "bt")
    assert bt.subnormal == 8 * N and bt.underflow == 0
    assert "subnormal" in str(report)
    # float64 arguments: no float32 run, no underflow column.
    _, wide = srcad.trace_grad(regression)(W.astype(float), X.astype(float))
    assert all(e.underflow is None for e in wide.entries)


def big(x):
    return np.sum(x * x) * 100.0


@needs_nep50
def test_dynamic_scale_backs_off_and_grows_like_grad_scaler():
    scale = srcad.LossScale(dynamic=True, growth_interval=3)
    df = srcad.grad(big, loss_scale=scale)
    x = np.array([1.0, 3.0], dtype=np.float16)
    # The scaled gradient 200 * x * s is finite in float16 (< 65504) for s <= 2**6.
    expected = (200.0 * x.astype(np.float64)).astype(np.float16)
    np.testing.assert_array_equal(df(x), expected)
    assert scale.overflowed == [2.0**k for k in range(15, 6, -1)]
    assert scale.scale == 2.0**6 and scale.good_calls == 1
    np.testing.assert_array_equal(df(x), expected)
    assert scale.scale == 2.0**6 and scale.good_calls == 2
    # The third good call in a row doubles the scale, for the next call: this call's
    # gradient is divided by the scale its sweep ran with.
    np.testing.assert_array_equal(df(x), expected)
    assert scale.scale == 2.0**7 and scale.good_calls == 0
    np.testing.assert_array_equal(df(x), expected)  # overflows at 2**7, backs off
    assert scale.overflowed == [2.0**7] and scale.scale == 2.0**6


def test_a_gradient_that_is_not_finite_is_returned_as_it_is():
    def f(x):
        return np.sum(np.sqrt(x))

    scale = srcad.LossScale(dynamic=True)
    with np.errstate(divide="ignore"):
        g = srcad.grad(f, loss_scale=scale)(np.array([0.0, 4.0]))
    assert np.isinf(g[0]) and g[1] == 0.25
    assert scale.scale == 1.0  # backed off to min_scale, then gave up
    with np.errstate(divide="ignore"):
        g = srcad.grad(f, loss_scale=8.0)(np.array([0.0, 4.0]))
    assert np.isinf(g[0]) and g[1] == 0.25


@needs_nep50
def test_value_and_grad_vjp_has_aux_and_structures():
    W, X = _data(3e-5)
    reference = _reference(W, X)
    value, g = srcad.value_and_grad(regression, loss_scale=1024.0)(W, X)
    assert value == regression(W, X) and g.dtype == np.float16
    assert _error(g, reference) < 1e-3

    out, pullback = srcad.vjp(regression, W, X, loss_scale="dynamic")
    gW, gX = pullback(np.float16(1.0))
    assert gW.dtype == gX.dtype == np.float16
    assert _error(gW, reference) < 1e-3
    _, plain = srcad.vjp(regression, W, X)
    assert np.all(plain(np.float16(1.0))[0] == 0)

    def f(params, x):
        w, b = params
        y = np.tanh(w * x + b)
        return np.sum(y**2) * 1e-3, y

    params = [np.array([0.5, -0.2], dtype=np.float16), np.float16(0.1)]
    x = np.array([1.0, 2.0], dtype=np.float16)
    gp, aux = srcad.grad(f, has_aux=True, loss_scale=2.0**12)(params, x)
    assert isinstance(gp, list) and gp[0].dtype == np.float16
    assert type(gp[1]) is np.float16
    w, b = (p.astype(np.float64) for p in params)
    y = np.tanh(w * x + b)
    by = 2e-3 * y * (1 - y**2)
    np.testing.assert_allclose(gp[0].astype(float), by * x, rtol=1e-2)
    np.testing.assert_allclose(float(gp[1]), np.sum(by), rtol=1e-2)
    np.testing.assert_array_equal(aux, np.tanh(params[0] * x + params[1]))
    (v, aux2), (g0, g1) = srcad.value_and_grad(f, (0, 1), has_aux=True, loss_scale=64.0)(params, x)
    assert v == f(params, x)[0] and g1.dtype == np.float16


def test_gradients_come_back_in_the_arguments_dtypes():
    def mixed(w, x):
        h = np.tanh(w.astype(np.float16) @ x)  # float32 weights, float16 computation
        return np.sum(h.astype(np.float32) ** 2) * np.float32(1e-7)

    rng = np.random.default_rng(1)
    w = rng.normal(size=(4, 3)).astype(np.float32)
    x = rng.normal(size=3).astype(np.float16)
    gw, gx = srcad.grad(mixed, argnums=(0, 1), loss_scale=2.0**14)(w, x)
    assert gw.dtype == np.float32 and gx.dtype == np.float16
    h = np.tanh(w.astype(np.float64) @ x.astype(np.float64))
    bt = 2e-7 * h * (1 - h**2)
    expected = np.outer(bt, x.astype(np.float64))
    np.testing.assert_allclose(gw, expected, rtol=2e-2, atol=0)
    plain = srcad.grad(mixed)(w, x)  # unscaled: flushed to zero or to float16's smallest
    assert np.max(np.abs(plain - expected)) > 0.5 * np.max(np.abs(expected))

    g = srcad.grad(lambda t: t**3, loss_scale=1024.0)(2.0)
    assert g == 12.0 and isinstance(g, float)
    x64 = np.array([0.3, -1.2])
    np.testing.assert_array_equal(
        srcad.grad(big, loss_scale=2.0**10)(x64), srcad.grad(big)(x64)
    )  # a power of two scales and unscales float64 exactly


@pytest.mark.parametrize("bad", [0, -1.0, float("inf"), float("nan"), True, "auto", [2.0]])
def test_bad_loss_scales_are_refused(bad):
    for transform in (srcad.grad, srcad.value_and_grad, srcad.trace_grad):
        with pytest.raises(srcad.SrcadError, match="loss_scale"):
            transform(big, loss_scale=bad)
    with pytest.raises(srcad.SrcadError, match="loss_scale"):
        srcad.vjp(big, np.ones(2), loss_scale=bad)
    with pytest.raises(srcad.SrcadError, match="backoff_factor"):
        srcad.LossScale(backoff_factor=1.5)


def test_scaled_gradients_check_their_output_and_are_not_transformed_again():
    with pytest.raises(srcad.NonScalarOutputError, match="returned an array"):
        srcad.grad(lambda x: x * 2.0, loss_scale=8.0)(np.ones(2))
    with pytest.raises(srcad.SrcadError, match="cannot be transformed again"):
        srcad.grad(srcad.grad(big, loss_scale=8.0))(np.ones(2))
    scaled = srcad.grad(big, loss_scale=8.0)
    scaled(np.ones(2))
    assert "def bwd_big(residuals, b_result):" in srcad.source(scaled)
    plain = srcad.grad(big)
    plain(np.ones(2))
    assert srcad.source(plain).startswith("def grad_big(x):")


@needs_nep50
def test_the_trace_of_a_dynamic_scale_reports_the_scale_its_sweep_ran_at():
    scale = srcad.LossScale(dynamic=True, growth_interval=1)
    traced = srcad.trace_grad(big, loss_scale=scale)
    x = np.array([1.0, 3.0], dtype=np.float16)
    g, report = traced(x)
    assert report.overflowed == tuple(2.0**k for k in range(15, 6, -1))
    assert report.loss_scale == 2.0**6 and scale.scale == 2.0**7  # grown after the call
    seed = report.entries[0]
    assert seed.name == "b_result" and seed.norm == 2.0**6
    assert all(e.underflow == 0 for e in report.entries)  # the float32 run, also at 2**6
    np.testing.assert_array_equal(g, (200.0 * x.astype(np.float64)).astype(np.float16))
