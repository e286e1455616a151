"""Golden tests for scaled tangents (optimize/tangent_scales.py), and Jacobians and Hessians
whose forward code combines scalings, against hand-written ones and finite differences."""

from __future__ import annotations

import textwrap

import gast
import numpy as np
import pytest

import srcad
from srcad.ir import syntax as S
from srcad.optimize import tangent_scales

TANGENTS = frozenset({"dz", "dt2", "dt3", "dt6", "dt8", "dh", "da", "db", "dc"})


def pure(expr) -> bool:
    return "mutate" not in S.to_source(expr)


def folded(source: str) -> str:
    stmts = gast.parse(textwrap.dedent(source)).body
    return S.to_source(tangent_scales.fold(stmts, TANGENTS, pure)).strip()


def same(source: str) -> bool:
    return folded(source) == S.to_source(gast.parse(textwrap.dedent(source)).body).strip()


def test_a_chain_of_scalings_is_combined_at_the_primals_size():
    out = folded("""
        dt2 = t * dz
        t9 = np.exp(t10)
        dt3 = dt2 * t9
        dt6 = dt2 - dt3
        dt8 = dt6 / 2.0
        return dt8
    """)
    assert (
        out
        == textwrap.dedent("""
        dt2_by_dz = t * 1.0
        t9 = np.exp(t10)
        dt3_by_dz = dt2_by_dz * t9
        dt6_by_dz = dt2_by_dz - dt3_by_dz
        dt8_by_dz = dt6_by_dz / 2.0
        dt8 = dt8_by_dz * dz
        return dt8
    """).strip()
    )


def test_a_single_scaling_is_left_as_it_is():
    assert same("dt2 = t * dz\nreturn dt2")


def test_a_tangent_read_elsewhere_is_kept_and_chains_restart_from_it():
    out = folded("""
        dt2 = t * dz
        dt3 = dt2 * u
        da = dt3 * 2.0
        y = f(dt3)
        return da
    """)
    assert (
        out
        == textwrap.dedent("""
        dt2_by_dz = t * 1.0
        dt3_by_dz = dt2_by_dz * u
        dt3 = dt3_by_dz * dz
        da = dt3 * 2.0
        y = f(dt3)
        return da
    """).strip()
    )


def test_sums_of_different_bases_stop_the_chain():
    out = folded("""
        dt2 = t * dz
        dt3 = u * dh
        dt6 = dt2 + dt3
        dt8 = dt6 * 2.0
        return dt8
    """)
    # dt2 and dt3 scale different tangents: both are kept, dt6 is a plain sum
    assert "dt2 = t * dz" in out and "dt3 = u * dh" in out and "dt6 = dt2 + dt3" in out


def test_a_statement_that_may_change_an_array_ends_the_run():
    assert same("""
        dt2 = t * dz
        x = mutate(t)
        dt3 = dt2 * t
        return dt3
    """)


def test_a_runtime_helper_that_writes_into_the_base_ends_the_run():
    # (the test's purity says every call is pure, as srcad's says of runtime helpers)
    assert same("""
        dt2 = t * dz
        x = rt.restore_item(dz, 0, s)
        dt3 = dt2 * t
        return dt3
    """)


def test_an_in_place_store_ends_the_run():
    assert same("""
        dt2 = t * dz
        t[0] = 2.0
        dt3 = dt2 * t
        return dt3
    """)


def test_a_base_rebound_inside_the_chain_stops_it():
    out = folded("""
        dt2 = t * dz
        dz = u * dh
        dt3 = dt2 * t
        return dt3, dz
    """)
    # dt3 must read the first dz: the chain is not carried past the new one
    assert (
        out
        == S.to_source(
            gast.parse(
                textwrap.dedent("""
        dt2 = t * dz
        dz = u * dh
        dt3 = dt2 * t
        return dt3, dz
    """)
            ).body
        ).strip()
    )


def test_a_loop_carried_tangent_is_scaled_where_it_was_assigned():
    # dh is read at the next step, before it is assigned: it is computed at each step
    assert (
        folded("""
        for i in range(n):
            da = dh * 2.0
            dh = da * t
        return dh
    """)
        == textwrap.dedent("""
        for i in range(n):
            da_by_dh = 2.0
            dh_by_dh = da_by_dh * t
            dh = dh_by_dh * dh
        return dh
    """).strip()
    )


def test_names_are_fresh():
    out = folded("dt2_by_dz = 1\ndt2 = t * dz\ndt3 = dt2 * u\nreturn dt3, dt2_by_dz")
    assert "dt2_by_dz2 = t * 1.0" in out


def test_integer_factors_combine_as_floats():
    out = folded("dt2 = 3 * dz\ndt3 = dt2 * m\nreturn dt3")
    assert out.startswith("dt2_by_dz = 3.0\n")


@pytest.mark.parametrize(
    "value",
    [
        "dt2 / u",  # a name may be 0 where a Python number 1 / 0 would raise
        "dt2 / 0.0",
        "(yield dt2)",  # the caller runs in between
        "(k := dt2 * 2.0)",  # binds a name of its own
    ],
)
def test_steps_that_are_not_chained(value):
    source = f"dt2 = t * dz\ndt3 = {value}\ndt8 = dt3 * 2.0\nreturn dt8"
    assert "dt3 = " in folded(source) and "dt3_by" not in folded(source)


def test_uint8_constants_do_not_wrap_around():
    img = np.array([200, 100, 3], dtype=np.uint8)

    def f(x):
        return np.tanh(img * (img * x))

    x = np.array([0.0001, -0.0002, 0.03])
    expected = np.diag(img.astype(float) ** 2 * (1 - np.tanh(img * (img * x)) ** 2))
    np.testing.assert_allclose(srcad.jacfwd(f)(x), expected, rtol=1e-12)


def test_logistic_hessian_matches_the_hand_written_one():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((30, 5))
    y = np.where(rng.standard_normal(30) > 0, 1.0, -1.0)
    w = rng.standard_normal(5)

    def loss(w):
        return np.mean(np.logaddexp(0.0, -y * (X @ w)))

    s = 1.0 / (1.0 + np.exp(y * (X @ w)))
    expected = X.T @ ((s * (1 - s) / 30)[:, None] * X)
    h = srcad.hessian(loss)
    np.testing.assert_allclose(h(w), expected, rtol=1e-10, atol=1e-12)
    assert "dt9 = dt9_by_dt2 * dt2" in srcad.source(h)  # the chain, applied once


@pytest.mark.parametrize("dense_seed", [False, True])
def test_jacobian_of_elementwise_after_linear(dense_seed):
    rng = np.random.default_rng(1)
    W = rng.standard_normal((4, 3))
    x = rng.standard_normal(3) if not dense_seed else rng.standard_normal((2, 3))

    def f(x):
        z = x @ W.T
        a = np.tanh(z)
        return a * a - 0.5 * a / (1.0 + z * z)

    jac = srcad.jacfwd(f)(x)
    eps = 1e-6
    columns = []
    for i in range(x.size):
        e = np.zeros(x.size)
        e[i] = eps
        e = e.reshape(x.shape)
        columns.append((f(x + e) - f(x - e)) / (2 * eps))
    numeric = np.moveaxis(np.array(columns), 0, -1).reshape(jac.shape)
    np.testing.assert_allclose(jac, numeric, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(jac, srcad.jacrev(f)(x), rtol=1e-10, atol=1e-12)


def test_a_loop_with_scalings_keeps_its_carried_tangent():
    def f(x):
        h = x
        for _ in range(3):
            h = np.sin(h) * 0.5 + h * h
        return h

    x = np.array([0.3, -0.2, 0.1])
    jac = srcad.jacfwd(f)(x)
    step = 1e-6
    numeric = np.stack(
        [(f(x + step * e) - f(x - step * e)) / (2 * step) for e in np.eye(3)], axis=-1
    )
    np.testing.assert_allclose(jac, numeric, rtol=1e-6, atol=1e-9)  # independent of srcad
    np.testing.assert_allclose(jac, srcad.jacrev(f)(x), rtol=1e-10, atol=1e-12)
    srcad.check_grads(f, (x,), order=1)
