"""Variadic calls, the second part (issue 15, item 2): arguments gathered by the *args of
the transformed function differentiated (as JAX does), sorted/max/min of any expression,
zip(*xs) as a value, starred arguments of a length known only when the code runs, dict
merges. Checked against finite differences in both modes and at order 2
(`srcad.check_grads`) and against hand-written derivatives; golden tests of the rewrites.
"""

from __future__ import annotations

import numpy as np
import pytest

import srcad

RNG = np.random.default_rng(11)
A = np.array([0.3, -0.7, 1.1])
B = np.array([0.9, 0.4, -0.5])
C = np.array([-0.2, 1.3, 0.6])


# ------------------------------------------- the transformed function's own *args (item 4)
def gathered(w, *args):
    return np.sum(np.sin(w) * args[0] * args[1] ** 2)


def test_grad_of_an_argument_gathered_by_star_args():
    # d/d args[0] = sin(w) args[1]^2, d/d args[1] = 2 sin(w) args[0] args[1]
    np.testing.assert_allclose(
        srcad.grad(gathered, argnums=1)(A, B, C), np.sin(A) * C**2, rtol=1e-12
    )
    gw, g2 = srcad.grad(gathered, argnums=(0, 2))(A, B, C)
    np.testing.assert_allclose(gw, np.cos(A) * B * C**2, rtol=1e-12)
    np.testing.assert_allclose(g2, 2 * np.sin(A) * B * C, rtol=1e-12)


def test_jacobians_with_extra_arguments():
    # jacfwd(f)(x, extra) was a TypeError: the driver took the named parameters only
    np.testing.assert_allclose(srcad.jacfwd(gathered)(A, B, C), np.cos(A) * B * C**2)
    np.testing.assert_allclose(
        srcad.jacrev(gathered, argnums=2)(A, B, C), 2 * np.sin(A) * B * C, rtol=1e-12
    )
    np.testing.assert_allclose(
        srcad.hessian(gathered, argnums=2)(A, B, C), np.diag(2 * np.sin(A) * B), rtol=1e-12
    )


def test_jvp_and_vjp_take_primals_for_star_args():
    out, tangent = srcad.jvp(gathered, (A, B, C), (B, C, A))
    expected = np.sum(np.cos(A) * B * B * C**2 + np.sin(A) * C * C**2)
    expected += np.sum(np.sin(A) * B * 2 * C * A)
    assert out == pytest.approx(gathered(A, B, C), rel=1e-12)
    assert tangent == pytest.approx(expected, rel=1e-12)
    _, pullback = srcad.vjp(gathered, A, B, C)
    np.testing.assert_allclose(pullback(1.0)[2], 2 * np.sin(A) * B * C, rtol=1e-12)


def test_star_args_checked_to_second_order():
    srcad.check_grads(gathered, (A, B, C), order=2)
    srcad.check_grads(lambda x, y: gathered(x, y, x * y), (A, B), order=2)


def test_argnums_past_the_arguments_passed_is_refused():
    with pytest.raises(srcad.ArgnumsError, match="argnums 3 refers to argument 'args_2'"):
        srcad.grad(gathered, argnums=3)(A, B, C)


# ------------------------------------- sorted/max/min of any expression (item 1, ordering)
def sorted_items(x):
    d = {"a": x[0], "b": x[1] * 2, "c": x[2]}
    items = sorted(d.items(), key=lambda kv: kv[1])
    name, largest = max(d.items(), key=lambda kv: kv[1] ** 2)
    return items[0][1] * items[2][1] ** 2 + largest * x[1]


def largest_value(x):
    params = {"a": x, "b": x * 2, "c": np.sin(x)}
    smallest = min(params.values(), key=np.sum)
    return np.sum(max(params.values(), key=np.linalg.norm) ** 2) + np.sum(smallest)


def sorted_generator(x):
    n = 3
    ys = sorted(x[i] ** 2 for i in range(n))
    zs = sorted([x[0], x[1] * x[2], x[2]], reverse=True)
    return ys[0] * ys[1] + ys[2] ** 3 + zs[0] * zs[1]


def sorted_expressions(x):
    weights = np.arange(3.0)
    return np.sum(np.array(sorted(np.sin(x))) * weights) + max(x * x, key=lambda v: -v)


def keys_and_generators(x):
    d = {1.0: x[0], 0.0: x[1]}
    return sorted(list(d))[0] * x[0] + min(v * 2 for v in x) + max(v**3 for v in x)


@pytest.mark.parametrize(
    "fn",
    [sorted_items, largest_value, sorted_generator, sorted_expressions, keys_and_generators],
)
def test_orderings_of_expressions_to_second_order(fn):
    srcad.check_grads(fn, (A,), order=2)


def test_orderings_of_expressions_by_hand():
    # A = (0.3, -0.7, 1.1): d's values (0.3, -1.4, 1.1); sorted by value: b, a, c;
    # max by square: b; so f = 2 x1 x2^2 + 2 x1 x1
    x0, x1, x2 = A
    expected = [0.0, 2 * x2**2 + 4 * x1, 4 * x1 * x2]
    np.testing.assert_allclose(srcad.grad(sorted_items)(A), expected, rtol=1e-12)
    np.testing.assert_allclose(srcad.jacfwd(sorted_items)(A), expected, rtol=1e-12)
    # keys_and_generators: sorted keys (0.0, 1.0): d[0.0] = x1 ... sorted(list(d))[0] is 0.0
    # (a key: no derivative); min(2 v) = 2 x1; max(v^3) = x2^3
    np.testing.assert_allclose(
        srcad.grad(keys_and_generators)(A), [0.0, 2.0, 3 * x2**2], rtol=1e-12
    )


def test_items_of_something_else_than_a_dict_is_refused():
    class Pairs:
        def __init__(self, x):
            self.x = x

        def items(self):
            return [(0, self.x[0]), (1, self.x[1])]

    def f(x, p):
        return max(p.items(), key=lambda kv: kv[1])[1] * x[0]

    with pytest.raises(srcad.SrcadError, match=r"items\(\) of a dict only"):
        srcad.grad(f)(A, Pairs(A))


def test_golden_ordering_of_expressions():
    import builtins
    import textwrap

    import gast

    from srcad.ir import syntax as S
    from srcad.normalize.ordering import order_by_index
    from srcad.parse import Namespace

    namespace = Namespace({"__builtins__": builtins}, {})
    fdef = gast.parse(
        textwrap.dedent(
            """
            def f(d, x):
                a = sorted(d.items(), key=lambda kv: kv[1])
                return max(v * v for v in x) + min(d.values(), key=abs) + a[0][1]
            """
        )
    ).body[0]
    order_by_index(fdef, namespace, {"d", "x", "a"}, "rt")
    assert S.to_source(fdef).strip().splitlines()[1:] == [
        "    a = [position1[position3] for position1 in [[(position2, d[position2]) for "
        "position2 in rt.item_keys(d)]] for position3 in rt.order_by_keys(position1, "
        "[kv[1] for kv in position1], False)]",
        "    return [position4[rt.extreme_index(position4, None, True)] for position4 in "
        "[[v * v for v in x]]][0] + [position5[rt.extreme_index(position5, abs, False)] for "
        "position5 in [list(d.values())]][0] + a[0][1]",
    ]


# ------------------------------ a, *rest = xs and max(a, b, c) at order 2 (already worked)
def starred_rest(x):
    xs = [x[0] * x[1], np.sin(x[1]), x[2] ** 2, x[0]]
    first, *rest = xs
    *init, last = xs
    return first * sum(rest) + last * init[1]


def max_of_values(x):
    a, b, c = x[0] * 2, np.sin(x[1]), x[2] ** 2
    return max(a, b, c) * min(a, b, c) + max(a, b)


@pytest.mark.parametrize("fn", [starred_rest, max_of_values])
def test_starred_targets_and_several_values_to_second_order(fn):
    srcad.check_grads(fn, (A,), order=2)


# ---------------------------------------------------- zip(*xs) as a value (item 2, variadic)
def unzipped_pairs(x, y):
    pairs = [(x[0], y[0]), (x[1], y[1]), (x[2], y[2])]
    xs, ys = zip(*pairs)
    return xs[0] * ys[1] + xs[2] ** 2 * ys[2]


def listed_columns(x, y):
    rows = [x, y, x * y]
    total = 0.0
    for c in list(zip(*rows)):
        total = total + c[0] * c[1] * c[2]
    return total + sum(a * b for a, b, _ in zip(*rows))


def pairs_built_in_a_loop(x, y):
    rows = []
    for i in range(3):
        rows.append((x[i], y[i] * x[i]))
    firsts, seconds = zip(*rows)
    return np.sum(np.array(firsts) * np.array(seconds)) + sum(tuple(zip(*rows))[1])


@pytest.mark.parametrize("fn", [unzipped_pairs, listed_columns, pairs_built_in_a_loop])
def test_zip_of_starred_as_a_value_to_second_order(fn):
    srcad.check_grads(fn, (A, B), order=2)


def test_unzipped_pairs_by_hand():
    # xs = x, ys = y: f = x0 y1 + x2^2 y2
    gx, gy = srcad.grad(unzipped_pairs, argnums=(0, 1))(A, B)
    np.testing.assert_allclose(gx, [B[1], 0.0, 2 * A[2] * B[2]], rtol=1e-12)
    np.testing.assert_allclose(gy, [0.0, A[0], A[2] ** 2], rtol=1e-12)
    # pairs_built_in_a_loop: sum(x * y * x) + sum(y * x)
    gx, gy = srcad.grad(pairs_built_in_a_loop, argnums=(0, 1))(A, B)
    np.testing.assert_allclose(gx, 2 * A * B + B, rtol=1e-12)
    np.testing.assert_allclose(gy, A**2 + A, rtol=1e-12)


def test_unzipping_another_count_raises_as_python_does():
    def f(x):
        xs, ys = zip(*[(x[0], x[1], x[2])])  # three tuples of one item
        return xs[0] * ys[0]

    with pytest.raises(ValueError, match="too many values"):
        f(A)
    with pytest.raises(ValueError, match="too many values"):
        srcad.grad(f)(A)


def test_zip_of_dicts_is_refused():
    def f(x):
        rows = [{"a": x[0]}, {"a": x[1]}]
        return sum(len(c) for c in zip(*rows)) * x[0]

    with pytest.raises(srcad.SrcadError, match=r"zip\(\*rows\) of lists, tuples and arrays"):
        srcad.grad(f)(A)


def test_golden_transposed_zip():
    import builtins
    import textwrap

    import gast

    from srcad.ir import syntax as S
    from srcad.normalize.variadic import transpose_zip_star
    from srcad.parse import Namespace

    namespace = Namespace({"__builtins__": builtins}, {})
    fdef = gast.parse(
        textwrap.dedent(
            """
            def f(pairs):
                xs, ys = zip(*pairs)
                return list(zip(*xs))
            """
        )
    ).body[0]
    transpose_zip_star(fdef, namespace, {"pairs", "xs", "ys"}, "rt")
    assert S.to_source(fdef).strip().splitlines()[1:] == [
        "    xs, ys = [[tuple([column3[column2] for column3 in column1]) for column2 in "
        "range(rt.zip_count(column1))] for column1 in [list(pairs)]][0]",
        "    return list([[tuple([column6[column5] for column6 in column4]) for column5 in "
        "range(rt.zip_count(column4))] for column4 in [list(xs)]][0])",
    ]


# ---------------------------------------------------------- dict merges (item 5, merges)
def merged_by_or(x, y):
    a = {"u": x, "v": y}
    b = {"v": x * y, "w": np.sin(y)}
    c = a | b
    return np.sum(c["u"] * c["v"] + c["w"])


def merged_display(x, y):
    a = {"u": x, "v": y}
    c = {**a, "w": x * y, "u": y**2}
    return np.sum(c["u"] * c["v"] + c["w"])


def merged_by_dict(x, y):
    a = {"u": x, "v": y}
    c = dict(a, w=x * y, **{"v": np.cos(x)})
    return np.sum(c["u"] * c["v"] + c["w"])


def updated_fresh_dict(x, y):
    c = {"u": x}
    c["v"] = x
    c.update({"v": y, "w": x * y})
    c.update(z=y)
    return np.sum(c["u"] * c["v"] + c["w"] * c["z"])


@pytest.mark.parametrize("fn", [merged_by_or, merged_display, merged_by_dict, updated_fresh_dict])
def test_dict_merges_to_second_order(fn):
    srcad.check_grads(fn, (A, B), order=2)


def test_dict_merges_by_hand():
    # merged_by_or: c = {u: x, v: x y, w: sin y}: f = sum(x^2 y + sin y)
    gx, gy = srcad.grad(merged_by_or, argnums=(0, 1))(A, B)
    np.testing.assert_allclose(gx, 2 * A * B, rtol=1e-12)
    np.testing.assert_allclose(gy, A**2 + np.cos(B), rtol=1e-12)
    # merged_display: c = {u: y^2, v: y, w: x y}: f = sum(y^3 + x y)
    gx, gy = srcad.grad(merged_display, argnums=(0, 1))(A, B)
    np.testing.assert_allclose(gx, B, rtol=1e-12)
    np.testing.assert_allclose(gy, 3 * B**2 + A, rtol=1e-12)


def parameter_merged(p, y):
    c = p | {"w": y, "v": y * 2}
    d = {**p, "w": y}
    return np.sum(c["u"] * c["w"] * c["v"]) + np.sum(d["u"] * d["w"] * d["v"])


def test_merges_of_a_parameter_dict():
    p = {"u": A, "v": B}
    srcad.check_grads(parameter_merged, (p, C), order=2)
    # c = {u, v: 2y, w: y}, d = {u, v, w: y}: f = sum(2 u y^2) + sum(u y v)
    expected_u, expected_v = 2 * C**2 + C * B, A * C
    for jac in (srcad.grad, srcad.jacfwd, srcad.jacrev):
        g = jac(parameter_merged)(p, C)
        np.testing.assert_allclose(g["u"], expected_u, rtol=1e-12)
        np.testing.assert_allclose(g["v"], expected_v, rtol=1e-12)


def test_merge_with_something_else_than_a_dict_is_refused():
    def f(x):
        c = dict([("u", x)], w=x)
        return np.sum(c["u"] * c["w"])

    with pytest.raises(srcad.SrcadError, match="merges of dicts only"):
        srcad.grad(f)(A)


def test_update_of_a_dict_handed_on_stays_refused():
    def f(x):
        c = {"u": x}
        keep = [c]
        c.update({"u": x * 2})  # keep[0] sees the change: rebinding c would not
        return np.sum(keep[0]["u"])

    with pytest.raises(srcad.SrcadError, match="update"):
        srcad.grad(f)(A)


def test_golden_merges():
    import builtins
    import textwrap

    import gast

    from srcad.ir import syntax as S
    from srcad.normalize.merges import merge_dicts
    from srcad.parse import Namespace

    namespace = Namespace({"__builtins__": builtins}, {})
    fdef = gast.parse(
        textwrap.dedent(
            """
            def f(p, x):
                a = {**p, 'k': x, **p}
                b = dict(a, m=x)
                c = p | a
                d = {}
                d.update(c, n=x)
                return d | {'o': x}
            """
        )
    ).body[0]
    merge_dicts(fdef, namespace, {"p", "x", "a", "b", "c", "d"}, {"p"}, "rt")
    assert S.to_source(fdef).strip().splitlines()[1:] == [
        "    a = rt.dict_merge(rt.dict_merge(p, {'k': x}), p)",
        "    b = rt.dict_merge(a, {'m': x})",
        "    c = rt.dict_merge(p, a)",
        "    d = {}",
        "    d = rt.dict_merge(rt.dict_merge(d, c), {'n': x})",
        "    return rt.dict_merge(d, {'o': x})",
    ]


# ------------------------- starred arguments of a length known at run time (item 3)
def affine(a, b, c=1.0):
    return a * b + c


def starred_list_built_in_a_loop(x, y):
    xs = []
    for i in range(2):
        xs.append(x * (i + 1) + y)
    return np.sum(affine(*xs))


def starred_parameter(x, rest):
    return np.sum(affine(x, *rest))


def starred_into_ufuncs(x, y):
    parts = [x, y]
    return np.sum(np.maximum(*parts) * np.multiply(*parts[:2]))


def test_starred_of_a_list_built_in_a_loop():
    srcad.check_grads(starred_list_built_in_a_loop, (A, B), order=2)
    # xs = (x + y, 2 x + y): f = sum((x + y)(2 x + y) + 1)
    gx = srcad.grad(starred_list_built_in_a_loop)(A, B)
    np.testing.assert_allclose(gx, 2 * (A + B) + (2 * A + B), rtol=1e-12)


def test_starred_parameter_of_any_length():
    # the same code for one and two starred items: chosen by the length when it runs
    srcad.check_grads(starred_parameter, (A, (B,)), order=2)
    srcad.check_grads(starred_parameter, (A, [B, C]), order=2)
    g = srcad.grad(starred_parameter)
    np.testing.assert_allclose(g(A, (B,)), B, rtol=1e-12)
    np.testing.assert_allclose(g(A, [B, C]), B, rtol=1e-12)
    np.testing.assert_allclose(g(A, (B,)), B, rtol=1e-12)
    tangent = srcad.jvp(lambda x: starred_parameter(x, [x, C]), (A,), (B,))[1]
    assert tangent == pytest.approx(np.sum(2 * A * B), rel=1e-12)


def test_starred_into_ufuncs():
    srcad.check_grads(starred_into_ufuncs, (A, B), order=2)


def test_starred_length_the_callee_does_not_take_raises_as_python_does():
    with pytest.raises(TypeError):
        starred_parameter(A, [B, C, A])
    with pytest.raises(TypeError, match="takes 1 or 2"):
        srcad.grad(starred_parameter)(A, [B, C, A])


def test_starred_callee_changed_regenerates():
    def callee(a, b):
        return a * b

    def f(x, rest):
        return np.sum(callee(x, *rest))

    g = srcad.grad(f)
    np.testing.assert_allclose(g(A, [B]), B, rtol=1e-12)
    callee.__defaults__ = (2.0,)  # now one item or none: the cached code's lengths are stale
    np.testing.assert_allclose(g(A, []), 2.0 * np.ones(3), rtol=1e-12)
    np.testing.assert_allclose(g(A, [C]), C, rtol=1e-12)


def test_golden_dispatched_lengths():
    import builtins
    import textwrap

    import gast

    from srcad.ir import syntax as S
    from srcad.normalize.star_lengths import dispatch_star_lengths
    from srcad.parse import Namespace

    namespace = Namespace({"__builtins__": builtins, "affine": affine}, {})
    fdef = gast.parse(
        textwrap.dedent(
            """
            def f(x, rest):
                return affine(x, *rest)
            """
        )
    ).body[0]
    assert dispatch_star_lengths(fdef, namespace, {"x", "rest"}, "rt") == [affine]
    assert S.to_source(fdef).strip().splitlines()[1:] == [
        "    return [affine(x, starred1[0]) if len(starred1) == 1 else affine(x, starred1[0], "
        "starred1[1]) if len(starred1) == 2 else rt.starred_count_error('affine', "
        "len(starred1), (1, 2)) for starred1 in [list(rest)]][0]",
    ]


def test_merge_of_another_mapping():
    import types

    settings = types.MappingProxyType({"scale": 2.0})

    def f(x):
        c = {**settings, "x": x}
        return np.sum(c["x"] * c["scale"])

    np.testing.assert_allclose(srcad.grad(f)(A), 2.0 * np.ones(3), rtol=1e-12)


def only_star_args(*xs):
    return np.sum(xs[0] * 2.0 + np.sin(xs[-1]))


def test_function_of_star_args_only():
    # was a bad input (test_bad_input's varargs_function); JAX differentiates it too
    np.testing.assert_allclose(srcad.grad(only_star_args)(A), 2.0 + np.cos(A), rtol=1e-12)
    np.testing.assert_allclose(srcad.grad(only_star_args, argnums=1)(A, B), np.cos(B))
    srcad.check_grads(only_star_args, (A, B), order=2)
