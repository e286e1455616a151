"""Function values made from differentiated values (issue 15, item 1): a closure a helper
returns, a lambda capturing x, ``functools.partial(f, x)``, called where the derivative
flows through what they hold. Each is a record of its code and the values it holds
(`srcad.runtime.closure`); checked against hand-written derivatives and finite
differences, in both modes and at order 2."""

from __future__ import annotations

import functools

import numpy as np
import pytest

import srcad

X = np.array([0.3, -0.5, 1.2])


def make_scaled(a):
    return lambda z: a * np.sin(z)


def closure_loss(x):
    f = make_scaled(x[0] ** 2)
    return np.sum(f(x))


def closure_loss_hand(x):
    g = x[0] ** 2 * np.cos(x)
    g[0] += 2 * x[0] * np.sum(np.sin(x))
    return g


def weighted(c, v):
    return np.tanh(c * v)


def apply_twice(f, v):
    return f(f(v))


def partial_loss(x):
    return np.sum(apply_twice(functools.partial(weighted, x[1]), x))


def mapped_partial_loss(x):
    return sum(map(functools.partial(weighted, x[2]), [x[0], x[1], np.sum(x)]))


def fixed_point(make, a, x0):
    step = make(a)
    x, previous = step(x0), x0
    while np.abs(x - previous) > 1e-10:
        x, previous = step(x), x
    return x


def newton_sqrt_step(a):
    return lambda x: 0.5 * (x + a / x)


def sqrt_loss(a):
    return fixed_point(newton_sqrt_step, a, 3.0)


def nested_closure_loss(x):
    scale = make_scaled(x[0])
    twice = lambda v: scale(v) * x[1]  # noqa: E731 - a closure holding a closure
    return np.sum(apply_twice(twice, x))


def closures_in_a_loop(x):
    total = 0.0
    for k in range(3):
        f = make_scaled(x[k])
        total = total + np.sum(f(x * k))
    return total


CASES = [closure_loss, partial_loss, mapped_partial_loss, nested_closure_loss, closures_in_a_loop]


@pytest.mark.parametrize("fn", CASES, ids=[f.__name__ for f in CASES])
def test_against_finite_differences_both_modes_order_2(fn):
    srcad.check_grads(fn, (X,), order=2, modes=("fwd", "rev"))


def test_against_the_hand_written_gradient():
    np.testing.assert_allclose(srcad.grad(closure_loss)(X), closure_loss_hand(X), rtol=1e-12)
    np.testing.assert_allclose(srcad.jacfwd(closure_loss)(X), closure_loss_hand(X), rtol=1e-12)
    t = np.tanh(X[1] * X)
    u = np.tanh(X[1] * t)
    # d/dx sum(tanh(c tanh(c x))) with c = x[1]
    du = 1 - u**2
    hand = du * X[1] * (1 - t**2) * X[1]
    hand[1] += np.sum(du * (t + X[1] * (1 - t**2) * X))
    np.testing.assert_allclose(srcad.grad(partial_loss)(X), hand, rtol=1e-12)


def test_fixed_point_through_a_factory():
    np.testing.assert_allclose(srcad.grad(sqrt_loss)(2.0), 0.5 / np.sqrt(2.0), rtol=1e-9)
    _, tangent = srcad.jvp(sqrt_loss, (2.0,), (1.0,))
    np.testing.assert_allclose(tangent, 0.5 / np.sqrt(2.0), rtol=1e-9)
    np.testing.assert_allclose(srcad.hessian(sqrt_loss)(2.0), -0.25 * 2.0**-1.5, rtol=1e-6)


def test_hessian_against_forward_over_forward():
    np.testing.assert_allclose(
        srcad.hessian(closure_loss)(X), srcad.jacfwd(srcad.jacfwd(closure_loss))(X), rtol=1e-10
    )


class Scaler:
    def __init__(self, a):
        self.a = a

    def __call__(self, v):
        return self.a * v


def object_loss(x):
    s = Scaler(x[0])
    return np.sum(apply_twice(s, x))


def test_a_callable_object_built_from_a_differentiated_value():
    """Scaler(x[0]) is a record built inside the function (srcad.normalize.records_built):
    its __call__ runs with the record as self, and the derivative flows through it."""
    srcad.check_grads(object_loss, (X,), order=2)


def _first_function(text: str) -> str:
    return text.split("\n\n\n")[0].strip()


def make_multiplier(x):
    def inner(v):
        return v * x

    return inner


def multiplier_loss(x):
    g = make_multiplier(x)
    return np.sum(g(2.0) * x)


LINE = multiplier_loss.__code__.co_firstlineno + 2


def test_golden_reverse_mode_record_call():
    g = srcad.grad(multiplier_loss)
    np.testing.assert_allclose(g(X), 4 * X, rtol=1e-12)
    assert _first_function(srcad.source(g)).splitlines()[3:9] == [
        f"    # multiplier_loss, test_function_records.py:{LINE}  return np.sum(g(2.0) * x)",
        "    held_g = rt.captured(g)",
        "    fwd_g, bwd_g = dispatch_g.vjp(rt.code_of(g), held_g, 2.0)",
        "    t, t_res = fwd_g(held_g, 2.0)",
        "    t2 = t * x",
        "    b_result = rt.scalar_seed(np.sum(t2))",
    ]


def test_golden_forward_mode_record_call():
    jvp_text = srcad.build.generate(
        multiplier_loss, srcad.build.Spec(srcad.build.Mode.JVP, ("x",), kinds=(("x", "array"),))
    ).sources["main"]
    assert jvp_text.strip().splitlines()[3:10] == [
        "    g, d_g = jvp_make_multiplier(x, (dx,))",
        f"    # multiplier_loss, test_function_records.py:{LINE}  return np.sum(g(2.0) * x)",
        "    code_g = rt.code_of(g)",
        "    held_g = rt.captured(g)",
        "    jvp_g = dispatch_g.jvp(code_g, held_g, 2.0)",
        "    t, d_t = jvp_g(held_g, 2.0, (d_g,))",
        "    t2 = t * x",
    ]


# ------------------------------------------------------------------ the dispatch cache


def make_tanh_scaled(c):
    return lambda z: c * np.tanh(z)


def make_counter():
    count = 0

    def counted(z):
        nonlocal count
        count += 1
        return z * count

    return counted


SCALES = [0.5, 2.0]


def fresh_closures_loss(x, k):
    f = make_tanh_scaled(SCALES[k])  # a new closure at every call
    return np.sum(f(x))


def _sections(g) -> int:
    return srcad.source(g).count("# dispatched at run time")


def test_a_fresh_closure_of_the_same_code_holding_the_same_objects_reuses_code():
    g = srcad.grad(fresh_closures_loss)
    for _ in range(3):
        np.testing.assert_allclose(g(X, 0), 0.5 * (1 - np.tanh(X) ** 2), rtol=1e-12)
    assert _sections(g) == 1
    # another value held: other code, and the right derivative (no stale entry)
    np.testing.assert_allclose(g(X, 1), 2.0 * (1 - np.tanh(X) ** 2), rtol=1e-12)
    np.testing.assert_allclose(g(X, 0), 0.5 * (1 - np.tanh(X) ** 2), rtol=1e-12)
    assert _sections(g) == 2


def test_a_closure_that_rebinds_its_cells_is_not_shared():
    from srcad.build.dispatch import _closure_contents

    assert _closure_contents(make_counter()) is None
    assert _closure_contents(make_tanh_scaled(1.0)) == (1.0,)


def test_golden_partials_as_records():
    import builtins
    import textwrap

    import gast

    from srcad.ir import syntax as S
    from srcad.normalize.builtin_calls import partials_as_records
    from srcad.parse import Namespace

    fdef = gast.parse(
        textwrap.dedent(
            """
            def f(x, xs):
                a = functools.partial(weighted, x)
                b = functools.partial(weighted, c=x)
                return map(functools.partial(weighted, x, 2.0), xs)
            """
        )
    ).body[0]
    namespace = Namespace(
        {"__builtins__": builtins, "functools": functools, "weighted": weighted}, {}
    )
    partials_as_records(fdef, namespace, {"x", "xs", "a", "b"}, "rt")
    assert S.to_source(fdef).strip().splitlines()[1:] == [
        "    a = rt.closure(weighted, (x,))",
        "    b = functools.partial(weighted, c=x)",  # keywords: left as they are
        "    return map(rt.closure(weighted, (x, 2.0)), xs)",
    ]


def keyword_partial_loss(x):
    f = functools.partial(weighted, v=x)
    return np.sum(apply_twice(f, x[0]))


def test_a_partial_whose_keywords_carry_a_derivative_is_refused_where_made():
    with pytest.raises(srcad.SrcadError, match="partial") as info:
        srcad.grad(keyword_partial_loss)(X)
    assert info.value.location.lineno == keyword_partial_loss.__code__.co_firstlineno + 1
