"""Golden tests for common subexpression elimination (optimize/cse.py) and the algebra
pass's scalar `rt.fit` (optimize/algebra.py), with the derivatives they change checked
against hand-written and finite-difference ones."""

from __future__ import annotations

import textwrap

import gast
import numpy as np
import pytest

import srcad
from srcad import runtime
from srcad.ir import syntax as S
from srcad.optimize import algebra, cse

NAMES = {"np.exp": np.exp, "np.logaddexp": np.logaddexp, "np.sum": np.sum, "np.tanh": np.tanh}
NAMES |= {"rt.fit": runtime.fit, "rt.count": runtime.count, "rt.unbroadcast": runtime.unbroadcast}


def body(source: str) -> list:
    return gast.parse(textwrap.dedent(source)).body


def text(stmts: list) -> str:
    return S.to_source(stmts).strip()


def resolve(func):
    return NAMES.get(S.to_source(func).strip())


def pure(expr) -> bool:
    return not any(
        isinstance(n, gast.Call) and S.is_name(n.func, "effect") for n in gast.walk(expr)
    )


def merged(source: str) -> str:
    return text(cse.eliminate(body(source), pure, resolve))


def test_cse_hoists_a_value_computed_inside_an_expression_and_again_by_name():
    # a jvp rule's slope (logaddexp's) and the gradient's own np.exp(t6), t6 = t2 - t3
    assert merged("""
        t3 = np.logaddexp(0.0, t2)
        dt3 = dt2 * np.exp(t2 - t3)
        t6 = t2 - t3
        dt6 = dt2 - dt3
        t7 = np.exp(t6)
        return (t7 * 2.0, dt6 * t7)
    """) == text(
        body("""
        t3 = np.logaddexp(0.0, t2)
        t4 = t2 - t3
        t = np.exp(t4)
        dt3 = dt2 * t
        t6 = t4
        dt6 = dt2 - dt3
        t7 = t
        return (t7 * 2.0, dt6 * t7)
    """)
    )


def test_cse_reads_a_whole_value_computed_first():
    assert merged("""
        a = x * y
        b = (x * y) + 1.0
        return (a, b)
    """) == text(body("a = x * y\nb = a + 1.0\nreturn (a, b)"))


def test_cse_never_makes_two_names_hold_one_array():
    # both products are kept or returned whole: merged, a and b would be one array
    source = """
        a = x * y
        b = x * y
        c = rt.unbroadcast(x * y, z)
        return (a, b, c)
    """
    assert merged(source) == text(body(source))


@pytest.mark.parametrize(
    "source",
    [
        # an item assignment, an augmented assignment: a value read twice may differ
        "a = x * 2.0\nx[0] = 1.0\nb = (x * 2.0) + 1.0\nreturn (a, b)",
        "a = np.exp(x) + 1.0\nx += 1.0\nb = np.exp(x) + 2.0\nreturn (a, b)",
        # an effect anywhere
        "a = np.exp(x) + 1.0\neffect(x)\nb = np.exp(x) + 2.0\nreturn (a, b)",
        # x rebound in between (two stores: its reads are not one value)
        "a = np.exp(x) + 1.0\nx = y\nb = np.exp(x) + 2.0\nreturn (a, b)",
        # under a conditional expression: may not be evaluated at all
        "a = np.exp(x) + 1.0 if c else 0.0\nb = np.exp(x) + 2.0\nreturn (a, b)",
        # a call that is not a ufunc (its result may be its argument) is not merged
        "a = rt.unbroadcast(x, z) + 1.0\nb = rt.unbroadcast(x, z) + 2.0\nreturn (a, b)",
    ],
)
def test_cse_leaves_code_whose_values_may_differ(source):
    assert merged(source) == text(body(source))


def test_cse_leaves_nested_blocks_alone():
    source = """
        a = np.exp(x) + 1.0
        for i in range(3):
            b = np.exp(x) + 2.0
        return (a, b)
    """
    assert merged(source) == text(body(source))


def simplified(source: str, scalars: dict) -> str:
    shapes_of = lambda func: resolve(func) is np.tanh or resolve(func) is np.exp  # noqa: E731
    return text(algebra.simplify(body(source), shapes_of, scalars, {}, resolve))


def test_algebra_drops_the_fit_of_a_scalar_expression():
    # np.mean's adjoint: the seed over the count, fitted to t3; the product has t3's shape
    # (t2 and t3 share it through np.logaddexp(0.0, t2)), and the seed is 1.0
    assert simplified(
        """
        t3 = np.logaddexp(0.0, t2)
        b_result = rt.scalar_seed(result)
        bt3 = rt.fit(b_result / rt.count(t3), t3)
        bt2 = bt3 * np.exp(t2 - t3)
        return bt2
        """,
        {"b_result": 1.0},
    ) == text(
        body("""
        t3 = np.logaddexp(0.0, t2)
        b_result = rt.scalar_seed(result)
        bt2 = 1.0 / rt.count(t3) * np.exp(t2 - t3)
        return bt2
    """)
    )


@pytest.mark.parametrize(
    "source",
    [
        # a product with an operand of unknown shape (the fit broadcasts it)
        "bt3 = rt.fit(s / rt.count(t3), t3)\nbt2 = bt3 * u\nreturn bt2",
        # read whole, not only in products
        "bt3 = rt.fit(s / rt.count(t3), t3)\nbt2 = bt3 * np.exp(t3)\nreturn (bt2, bt3)",
        # the scalar's name is assigned twice: a copy later may not have its value
        "bt3 = rt.fit(s / rt.count(t3), t3)\ns = s * 2.0\nbt2 = bt3 * np.exp(t3)\nreturn bt2",
        # not a scalar expression
        "bt3 = rt.fit(u / rt.count(t3), t3)\nbt2 = bt3 * np.exp(t3)\nreturn bt2",
    ],
)
def test_algebra_keeps_a_fit_it_cannot_drop(source):
    assert simplified(source, {"s": None}) == text(body(source))


def test_hessian_vector_product_of_a_mean_logistic_loss():
    rng = np.random.default_rng(3)
    X = rng.standard_normal((40, 5))
    y = np.where(rng.standard_normal(40) > 0, 1.0, -1.0)
    w, v = rng.standard_normal(5), rng.standard_normal(5)

    def loss(w):
        return np.mean(np.logaddexp(0.0, -y * (X @ w)))

    g = srcad.grad(loss)
    gw = g(w)
    code = [line for line in g.source.splitlines() if "#" not in line]
    assert not any("fit" in line or "np.mean" in line for line in code)
    out, hv = srcad.jvp(g, (w,), (v,))
    s = 1.0 / (1.0 + np.exp(y * (X @ w)))
    np.testing.assert_allclose(out, X.T @ (-y * s) / 40, rtol=1e-12)
    np.testing.assert_allclose(gw, out, rtol=1e-12)
    np.testing.assert_allclose(hv, X.T @ (s * (1 - s) * (X @ v)) / 40, rtol=1e-10)
    H = srcad.hessian(loss)(w)
    np.testing.assert_allclose(H, X.T @ ((s * (1 - s))[:, None] * X) / 40, rtol=1e-10)
    srcad.check_grads(loss, (w,), order=2)
