"""Everyday Python in differentiated code (issue 15, items 2 and 4): max/min of three or more
arguments and casts with numpy's float types, checked against finite differences in both
modes and at order 2 (`srcad.check_grads`), and at ties against Python's own choice."""

from __future__ import annotations

import functools

import numpy as np
import pytest

import srcad

X = np.array([0.3, -0.7, 1.1, 0.9])


def min_max_many(x):
    return max(x[0], x[1], x[2], x[3]) * min(x[0], x[1], x[3]) + max(x[1] ** 2, x[0], x[2])


def test_max_and_min_of_many_arguments():
    srcad.check_grads(min_max_many, (X,))


def test_max_of_many_follows_the_first_largest_at_ties():
    x = np.array([1.0, 1.0, 1.0, 0.0])
    # max(x0, x1, x2, x3) is x0 (Python keeps the first of equals), min(x0, x1, x3) is x3,
    # max(x1 ** 2, x0, x2) is x1 ** 2
    np.testing.assert_array_equal(srcad.grad(min_max_many)(x), [0.0, 2.0, 0.0, 1.0])


def test_shadowed_max_is_not_rewritten():
    def max(a, b, c):  # noqa: A001 - the user's own max, of three arguments
        return a + b + c

    def f(x):
        return max(x[0], x[1], x[2]) ** 2

    np.testing.assert_allclose(srcad.grad(f)(X[:3]), 2 * np.sum(X[:3]) * np.ones(3))


@pytest.mark.parametrize("cast", [np.float64, np.float32])
def test_numpy_float_casts(cast):
    def f(x):
        return cast(x[0]) * x[1] + np.sum(cast(x) ** 2)

    rtol = 1e-6 if cast is np.float32 else None
    if cast is np.float64:
        srcad.check_grads(f, (X,))
    g = srcad.grad(f)(X)
    expected = 2 * X
    expected[0] += X[1]
    expected[1] += X[0]
    np.testing.assert_allclose(g, expected, rtol=rtol or 1e-12)
    assert g.dtype == np.float64


def starred(x):
    a, *mid, z = [x[0], x[1], x[2], x[3]]
    first, *rest = x
    return a * z + mid[0] * mid[1] + first * np.sum(np.array(rest) ** 2) + len(rest)


def test_starred_assignment():
    srcad.check_grads(starred, (X,))
    x0, x1, x2, x3 = X
    expected = [x3 + x1**2 + x2**2 + x3**2, x2 + 2 * x0 * x1, x1 + 2 * x0 * x2, x0 + 2 * x0 * x3]
    np.testing.assert_allclose(srcad.grad(starred)(X), expected, rtol=1e-12)


def _normalized(source: str, rewrite) -> str:
    import textwrap

    import gast

    from srcad.ir import syntax as S

    fdef = gast.parse(textwrap.dedent(source)).body[0]
    rewrite(fdef)
    return S.to_source(fdef).strip()


def test_golden_starred_lowering():
    from srcad.normalize.starred import lower_starred

    out = _normalized(
        """
        def f(xs):
            a, *rest, z = xs
            return a
        """,
        lower_starred,
    )
    assert out.splitlines()[1:5] == [
        "    seq1 = xs",
        "    a = seq1[0]",
        "    rest = list(seq1[1:-1])",
        "    z = seq1[-1]",
    ]


def test_golden_nested_min_max():
    import builtins

    from srcad.normalize.builtin_calls import nest_min_max
    from srcad.parse import Namespace

    namespace = Namespace({"__builtins__": builtins}, {})
    out = _normalized(
        """
        def f(a, b, c, d):
            return max(a, b, c, d) + min(a, b, c)
        """,
        lambda fdef: nest_min_max(fdef, namespace, {"a", "b", "c", "d"}),
    )
    assert out.splitlines()[1] == "    return max(max(max(a, b), c), d) + min(min(a, b), c)"


def rebound_in_a_loop(x):
    a = np.zeros(3)
    a[1:3] = 1.0  # a new array, changed before the loop rebinds the name to new ones
    for _ in range(3):
        a = a * x
    return np.sum(a)


def test_new_array_changed_then_rebound_in_a_loop():
    srcad.check_grads(rebound_in_a_loop, (X[:3],))
    np.testing.assert_allclose(
        srcad.grad(rebound_in_a_loop)(X[:3]), [0.0, 3 * X[1] ** 2, 3 * X[2] ** 2], rtol=1e-12
    )


def branches_on_kinds(p):
    if isinstance(p, dict):
        values = list(p.values())  # cannot run for a list: neither analysed nor refused
    else:
        values = p
    if hasattr(np, "no_such_function_anywhere"):
        return np.no_such_function_anywhere(values)
    if not hasattr(np, "trapezoid") and not hasattr(np, "trapz"):
        raise RuntimeError("no trapezoid rule")
    return values[0] * values[1] ** 2


def test_branches_decided_by_the_call_kinds():
    p = [0.5, -1.5]
    np.testing.assert_allclose(srcad.grad(branches_on_kinds)(p), [2.25, -1.5])
    h = srcad.hessian(lambda x: branches_on_kinds([x[0], x[1]]))(np.array(p))
    np.testing.assert_allclose(h, [[0.0, -3.0], [-3.0, 1.0]])
    tangent = srcad.jvp(branches_on_kinds, (p,), ([1.0, 0.0],))[1]
    np.testing.assert_allclose(tangent, 2.25)


def test_golden_static_branches():
    from srcad.normalize.static_branches import fold_static_branches
    from srcad.parse import Namespace

    namespace = Namespace({"np": np, "__builtins__": __builtins__}, {})
    guards: list = []
    out = _normalized(
        """
        def f(p, x):
            if isinstance(p, dict):
                p = 1
            if isinstance(p, (list, tuple)):
                y = p[0]
            else:
                y = p
            if not hasattr(np, "sin"):
                y = 0
            if isinstance(x, dict):
                y = 2
            if isinstance(x, np.ndarray):
                y = y * x
            return y
        """,
        lambda fdef: fold_static_branches(fdef, namespace, {"p": "list", "x": "array"}, guards),
    )
    # p is rebound in the body (p = 1), so its branches stay; x's dict branch goes, its
    # ndarray branch stays (an "array" may be a number); hasattr(np, "sin") is true
    assert out.splitlines()[1:] == [
        "    if isinstance(p, dict):",
        "        p = 1",
        "    if isinstance(p, (list, tuple)):",
        "        y = p[0]",
        "    else:",
        "        y = p",
        "    if isinstance(x, np.ndarray):",
        "        y = y * x",
        "    return y",
    ]
    assert guards == [(vars(np), "sin", np.sin)]


def mapped(x):
    a = sum(map(np.sin, [x[0], x[1]]))
    b = list(map(lambda u, v: u * v, x, [1.0, 2.0, 3.0, 4.0]))
    c = 0.0
    for t in map(np.exp, x):
        c = c + t
    return a + b[2] + c


def test_map_consumed_where_it_is_made():
    srcad.check_grads(mapped, (X,))
    expected = np.exp(X)
    expected[:2] += np.cos(X[:2])
    expected[2] += 3.0
    np.testing.assert_allclose(srcad.grad(mapped)(X), expected, rtol=1e-12)


def test_golden_map_as_comprehension():
    import builtins

    from srcad.normalize.builtin_calls import map_as_comprehension
    from srcad.parse import Namespace

    namespace = Namespace({"__builtins__": builtins, "np": np}, {})
    out = _normalized(
        """
        def f(xs, ys):
            kept = map(np.sin, xs)
            return sum(map(np.sin, xs)) + sum(map(lambda u, v: u * v, xs, ys))
        """,
        lambda fdef: map_as_comprehension(fdef, namespace, {"xs", "ys", "kept"}),
    )
    assert out.splitlines()[1:] == [
        "    kept = map(np.sin, xs)",  # an iterator kept for later stays one
        "    return sum([np.sin(item1) for item1 in xs]) + sum([u * v for u, v in zip(xs, ys)])",
    ]


def scaled(a, k):
    return a * k


def with_partials(x):
    scale = 3.0
    power = functools.partial(np.power, x)
    weighted = functools.partial(scaled, k=scale)
    return np.sum(power(2.0)) + np.sum(weighted(x)) + np.sum(weighted(x, k=1.0))


def test_local_partial():
    srcad.check_grads(with_partials, (X,))
    np.testing.assert_allclose(srcad.grad(with_partials)(X), 2 * X + 4.0, rtol=1e-12)


def test_partial_passed_on_carries_its_derivative():
    def apply(f, v):
        return f(v)

    def f(x):
        p = functools.partial(np.multiply, x)
        return np.sum(apply(p, x))

    np.testing.assert_allclose(srcad.grad(f)(X), 2 * X, rtol=1e-12)
    srcad.check_grads(f, (X,), order=2)


class Counted:
    def __init__(self):
        self.calls = 0
        self.last = None

    def value(self, x):
        self.calls += 1  # bookkeeping: only constants are stored into self
        return np.sum(np.cos(x) * x)

    def keep(self, x):
        self.last = x  # the argument's value reaches self: refused
        return np.sum(x)


COUNTED = Counted()


def test_method_that_counts_its_calls():
    srcad.check_grads(lambda x: COUNTED.value(x) ** 2, (X,))
    np.testing.assert_allclose(srcad.grad(COUNTED.value)(X), np.cos(X) - np.sin(X) * X)
    assert COUNTED.calls > 0


def test_method_that_keeps_its_argument_is_refused():
    with pytest.raises(srcad.SrcadError, match="changes"):
        srcad.grad(lambda x: COUNTED.keep(x) * 2.0)(X)


def _branch_on_tuple(idx, x):
    if isinstance(idx, tuple):
        return np.sum(x[idx] ** 2)
    return np.sum(x) * 100.0


def tuple_from_a_numpy_call(x):
    idx = np.nonzero(x > 0)  # a tuple, which kinds inference takes for an array
    return _branch_on_tuple(idx, x)


def test_branch_on_a_callee_argument_of_uncertain_kind_stays():
    # Once decided from the callee's inferred kind ("array": isinstance(idx, tuple) False),
    # a silently wrong gradient; an "array" kind decides a branch only with a known rank.
    x = np.array([0.5, -1.0, 2.0])
    np.testing.assert_allclose(srcad.grad(tuple_from_a_numpy_call)(x), 2 * x * (x > 0))


def test_golden_max_shadowed_by_a_nested_parameter_is_not_rewritten():
    import builtins

    from srcad.normalize.builtin_calls import nest_min_max
    from srcad.parse import Namespace

    namespace = Namespace({"__builtins__": builtins}, {})
    out = _normalized(
        """
        def f(x):
            def inner(max):
                return max(x[0], x[1], x[2])
            return inner(g) + max(x[0], x[1], x[2])
        """,
        lambda fdef: nest_min_max(fdef, namespace, {"x"}),
    )
    # a max bound anywhere in the function (here a nested parameter) is not the builtin
    assert "max(max(" not in out
