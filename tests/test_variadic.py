"""Variadic calls in differentiated code (issue 15, item 2): user functions with *args and
**kwargs given differentiated values, starred arguments of known length and zip(*xs),
checked against finite differences in both modes and at order 2 (`srcad.check_grads`), and
against hand-written derivatives; golden tests of the two rewrites (normalize/variadic.py).
"""

from __future__ import annotations

import builtins
import textwrap

import gast
import numpy as np
import pytest

import srcad
from srcad.ir import syntax as S
from srcad.normalize.variadic import specialize_variadic, unstar_known_lengths
from srcad.parse import Namespace

RNG = np.random.default_rng(3)
W = RNG.standard_normal((6, 3))
X = RNG.standard_normal((4, 2))
H = RNG.standard_normal((4, 3))
A = np.array([0.3, -0.7, 1.1])
B = np.array([0.9, 0.4, -0.5])


# ------------------------------------------------ *args carrying derivatives (autograd's rnn)
def concat_and_multiply(weights, *args):
    cat_state = np.hstack(args + (np.ones((args[0].shape[0], 1)),))
    return np.dot(cat_state, weights)


def rnn_step(W, x, h):
    return np.sum(np.tanh(concat_and_multiply(W, x, h)) ** 2)


def test_star_args_with_derivatives():
    srcad.check_grads(rnn_step, (W, X, H))
    # by hand: z = [x h 1] W, f = sum(tanh(z)^2), df/dz = 2 tanh(z) (1 - tanh(z)^2)
    cat = np.hstack([X, H, np.ones((4, 1))])
    t = np.tanh(cat @ W)
    dz = 2 * t * (1 - t**2)
    gw, gx, gh = srcad.grad(rnn_step, argnums=(0, 1, 2))(W, X, H)
    np.testing.assert_allclose(gw, cat.T @ dz, rtol=1e-12)
    np.testing.assert_allclose(gx, (dz @ W.T)[:, :2], rtol=1e-12)
    np.testing.assert_allclose(gh, (dz @ W.T)[:, 2:5], rtol=1e-12)


def rnn_two_counts(W, x, h):
    # the same callee with two counts of *args: two specializations
    first = concat_and_multiply(W, x, h)
    second = concat_and_multiply(W[:4], first)
    return np.sum(np.sin(second))


def test_star_args_called_with_two_counts():
    srcad.check_grads(rnn_two_counts, (W, X, H))


def test_hessian_through_star_args():
    # second derivatives against central differences of srcad's first ones and of f itself
    v = RNG.standard_normal(W.shape)
    hv = srcad.jvp(srcad.grad(rnn_step), (W, X, H), (v, np.zeros_like(X), np.zeros_like(H)))[1]
    eps = 1e-5
    g = srcad.grad(rnn_step)
    np.testing.assert_allclose(
        hv, (g(W + eps * v, X, H) - g(W - eps * v, X, H)) / (2 * eps), rtol=1e-6, atol=1e-8
    )
    srcad.check_grads(srcad.grad(rnn_step), (W, X, H), order=1)


def scaled(x, scale=2.0, *rest, **kw):
    return x * scale + sum(rest) + kw["shift"] * x


def with_kwargs(x, y):
    return np.sum(scaled(x, 3.0, y, y * 2, shift=y) ** 2)


def with_default_and_kwargs(x, y):
    return np.sum(scaled(x, shift=np.sin(y)) ** 2)


@pytest.mark.parametrize("fn", [with_kwargs, with_default_and_kwargs])
def test_star_args_and_kwargs_with_derivatives(fn):
    srcad.check_grads(fn, (A, B))


def test_kwargs_gradient_by_hand():
    # with_default_and_kwargs = sum((2 x + sin(y) x)^2)
    u = 2 * A + np.sin(B) * A
    gx, gy = srcad.grad(with_default_and_kwargs, argnums=(0, 1))(A, B)
    np.testing.assert_allclose(gx, 2 * u * (2 + np.sin(B)), rtol=1e-12)
    np.testing.assert_allclose(gy, 2 * u * np.cos(B) * A, rtol=1e-12)


def forwards(x, *args):
    return scaled(x, *args, shift=x)


def nested_variadic(x, y):
    # a specialization passing its own *args on: *args of known length, twice
    return np.sum(forwards(x, 1.5, y, np.cos(y)))


def test_star_args_passed_on_by_a_variadic_callee():
    srcad.check_grads(nested_variadic, (A, B))


# ---------------------------------------------------- starred arguments of known length
def starred_tuple(x, y):
    t = (x, np.cos(y))
    kw = {"shift": y}
    return np.sum(scaled(*t, **kw) ** 2)


def starred_displays(x, y):
    return np.sum(scaled(*(x, y), **{"shift": x * y}) ** 2)


def plain_target(a, b, c):
    return a * b + c**2


def starred_into_plain_function(x, y):
    parts = (x, y, x * y)
    return np.sum(plain_target(*parts))


@pytest.mark.parametrize("fn", [starred_tuple, starred_displays, starred_into_plain_function])
def test_starred_arguments_of_known_length(fn):
    srcad.check_grads(fn, (A, B))


def starred_rebound(x, y):
    t = (x,)
    t = t + (y,)
    return np.sum(plain_target(*t, x))


def kwargs_changed(x, y):
    kw = {"shift": y}
    kw["shift"] = x
    return np.sum(scaled(x, **kw))


def test_starred_rebound_is_dispatched_on_its_length():
    # (tests/test_variadic_calls.py: starred arguments of a length known when the code runs)
    srcad.check_grads(starred_rebound, (A, B), order=2)


def test_kwargs_of_unknown_keys_is_refused():
    with pytest.raises(srcad.SrcadError, match="cannot match the arguments"):
        srcad.grad(kwargs_changed)(A, B)


# ---------------------------------------------------------------------------- zip(*xs)
def transposed_pairs(x, y):
    pairs = [(x[0], y[0]), (x[1], y[1]), (x[2], y[2])]
    total = 0.0
    for a, b, c in zip(*pairs):  # the first items of the pairs, then the second ones
        total = total + a * b * c
    return total


def test_zip_of_starred_pairs():
    srcad.check_grads(transposed_pairs, (A, B))
    gx, gy = srcad.grad(transposed_pairs, argnums=(0, 1))(A, B)
    np.testing.assert_allclose(gx, [A[1] * A[2], A[0] * A[2], A[0] * A[1]], rtol=1e-12)
    np.testing.assert_allclose(gy, [B[1] * B[2], B[0] * B[2], B[0] * B[1]], rtol=1e-12)


def zip_of_three_rows(m):
    total = 0.0
    for a, b in zip(*(m, np.sin(m))):
        total = total + np.sum(a * b)
    return total


def test_zip_of_a_starred_display():
    srcad.check_grads(zip_of_three_rows, (np.outer(A, B),))


def test_zip_star_of_another_length_raises_as_python_does():
    def f(x):
        total = 0.0
        for a, b in zip(*[x, x, x]):
            total = total + a * b
        return total

    with pytest.raises(ValueError):
        f(A)
    with pytest.raises(ValueError):
        srcad.grad(f)(A)


# ------------------------------------------------------------------------ golden sources
def _normalized(source: str, rewrite) -> str:
    fdef = gast.parse(textwrap.dedent(source)).body[0]
    rewrite(fdef)
    return S.to_source(fdef).strip()


def test_golden_specialized_variadic_def():
    def f(w, *args, **kw):
        return w

    out = _normalized(
        """
        def f(w, *args, **kw):
            return w
        """,
        lambda fdef: specialize_variadic(fdef, f, 2, ("scale",)),
    )
    assert out.splitlines() == [
        "def f(w, args_0, args_1, kw_scale):",
        "    args = (args_0, args_1)",
        "    kw = {'scale': kw_scale}",
        "    return w",
    ]


def test_golden_specialized_names_avoid_the_function_s_own():
    def f(w, *args):
        args_0 = w
        return args_0

    out = _normalized(
        """
        def f(w, *args):
            args_0 = w
            return args_0
        """,
        lambda fdef: specialize_variadic(fdef, f, 1, ()),
    )
    assert out.splitlines()[:2] == ["def f(w, args_0_):", "    args = (args_0_,)"]


def test_golden_unstarred_arguments():
    namespace = Namespace({"__builtins__": builtins}, {})
    out = _normalized(
        """
        def f(x, y, xs):
            t = (x, y)
            d = {'k': y}
            u = g(*t, *(x, y), **d, **{'m': x})
            for a, b in zip(*t):
                u = u + a * b
            for a, b in zip(*xs):
                u = u + a * b
            return u
        """,
        lambda fdef: unstar_known_lengths(fdef, namespace, {"x", "y", "xs", "t", "d", "u", "a"}),
    )
    assert out.splitlines()[3:8] == [
        "    u = g(t[0], t[1], x, y, k=d['k'], m=x)",
        "    for a, b in zip(t[0], t[1]):",
        "        u = u + a * b",
        "    zipped1, zipped2 = xs",
        "    for a, b in zip(zipped1, zipped2):",
    ]


def test_golden_zip_shadowed_is_not_rewritten():
    namespace = Namespace({"__builtins__": builtins}, {})
    source = """
        def f(xs, zip):
            for a, b in zip(*xs):
                pass
        """
    out = _normalized(source, lambda fdef: unstar_known_lengths(fdef, namespace, {"zip"}))
    assert "zip(*xs)" in out


# ----------------------------------------------------------------- dict.values() as a value
def sum_of_values(x):
    d = {"a": x[0], "b": x[1] ** 2, "c": np.sin(x[2])}
    return sum(d.values()) * x[0]


def list_of_values(params, x):
    # a dict of arrays passed in, its values listed (autograd's examples keep parameters so)
    layers = list(params.values())
    return np.sum(np.tanh(x @ layers[0]) @ layers[1])


def test_dict_values_of_differentiated_scalars():
    srcad.check_grads(sum_of_values, (A,))
    x0, x1, x2 = A
    expected = [x1**2 + np.sin(x2) + 2 * x0, 2 * x1 * x0, np.cos(x2) * x0]
    np.testing.assert_allclose(srcad.grad(sum_of_values)(A), expected, rtol=1e-12)
    np.testing.assert_allclose(srcad.jacrev(sum_of_values)(A), expected, rtol=1e-12)
    np.testing.assert_allclose(srcad.jacfwd(sum_of_values)(A), expected, rtol=1e-12)


def test_dict_values_of_a_parameter_dict():
    params = {"w1": RNG.standard_normal((2, 3)), "w2": RNG.standard_normal((3, 2))}
    srcad.check_grads(list_of_values, (params, X))


# ------------------------------------------- the transformed function's own *args (scipy's)
class Counted:
    """scipy's global-optimization benchmarks: fun(self, x, *args), counting its calls."""

    def __init__(self):
        self.nfev = 0

    def fun(self, x, *args):
        self.nfev += 1
        return np.sum(np.sin(x) ** 2) + sum(args) * x[0]


def test_method_with_star_args_called_without_extras():
    obj = Counted()
    srcad.check_grads(obj.fun, (A,))
    np.testing.assert_allclose(srcad.grad(obj.fun)(A), np.sin(2 * A), rtol=1e-12)
    np.testing.assert_allclose(srcad.hessian(obj.fun)(A), np.diag(2 * np.cos(2 * A)), rtol=1e-12)
    assert obj.nfev > 0


def with_default_and_extras(x, y=2.0, *args):
    return np.sum(x * y + sum(args) * x**2)


def test_transformed_function_with_extra_arguments():
    # code is generated for each count of extra arguments (and the default stays)
    g = srcad.grad(with_default_and_extras)
    np.testing.assert_allclose(g(A), 2.0 * np.ones(3), rtol=1e-12)
    np.testing.assert_allclose(g(A, 3.0, 4.0, 1.0), 3.0 + 10.0 * A, rtol=1e-12)
    np.testing.assert_allclose(g(A, 3.0), 3.0 * np.ones(3), rtol=1e-12)
    np.testing.assert_allclose(g(A), 2.0 * np.ones(3), rtol=1e-12)
    out, tangent = srcad.jvp(with_default_and_extras, (A,), (B,))
    assert tangent == pytest.approx(2.0 * np.sum(B), rel=1e-12)
    srcad.check_grads(lambda x: with_default_and_extras(x, 1.5, 0.5), (A,))


def test_star_args_are_differentiated_at_the_entry():
    # argnums 2 is the second argument past y, gathered by *args: args[1] (d/d args_1 = A^2)
    g = srcad.grad(with_default_and_extras, argnums=2)(A, 3.0, 4.0, 1.0)
    assert g == pytest.approx(np.sum(A**2), rel=1e-12)
    srcad.check_grads(with_default_and_extras, (A, 3.0, 4.0, 1.0), order=2)


# ------------------------- autograd's lstm.py, its nested helpers made top-level functions
# (the nested defs are another refusal, "lstm_predict() changes its arguments in place",
# that the real-program corpus keeps; this is the *args part of the program on its own)
def sigmoid(x):
    return 0.5 * (np.tanh(x) + 1.0)


def update_lstm(params, input, hiddens, cells):
    change = np.tanh(concat_and_multiply(params["change"], input, hiddens))
    forget = sigmoid(concat_and_multiply(params["forget"], input, hiddens))
    outgate = sigmoid(concat_and_multiply(params["outgate"], input, hiddens))
    cells = cells * forget + change
    hiddens = outgate * np.tanh(cells)
    return hiddens, cells


def hiddens_to_output(params, hiddens):
    output = concat_and_multiply(params["predict"], hiddens)
    return output - np.log(np.sum(np.exp(output), axis=1, keepdims=True))


def lstm_log_likelihood(params, inputs, targets):
    hiddens = np.repeat(params["init hiddens"], inputs.shape[1], axis=0)
    cells = np.repeat(params["init cells"], inputs.shape[1], axis=0)
    loglik = np.sum(hiddens_to_output(params, hiddens) * targets[0])
    for t, input in enumerate(inputs):
        hiddens, cells = update_lstm(params, input, hiddens, cells)
        loglik = loglik + np.sum(hiddens_to_output(params, hiddens) * targets[t])
    return loglik


def test_lstm_with_a_variadic_helper():
    rng = np.random.default_rng(7)
    params = {
        "init hiddens": rng.standard_normal((1, 3)),
        "init cells": rng.standard_normal((1, 3)),
        "change": rng.standard_normal((7, 3)),
        "forget": rng.standard_normal((7, 3)),
        "outgate": rng.standard_normal((7, 3)),
        "predict": rng.standard_normal((4, 3)),
    }
    inputs = rng.standard_normal((3, 2, 3))
    targets = np.eye(3)[rng.integers(0, 3, (3, 2))]
    srcad.check_grads(lstm_log_likelihood, (params, inputs, targets))


# -------------------------------------------- sorted, max/min with key= (normalize/ordering)
def sorted_products(x):
    xs = [x[0], x[1] * 2, x[2]]
    ys = sorted(xs)
    zs = sorted(xs, key=abs, reverse=True)
    return ys[0] * ys[2] + ys[1] ** 3 + zs[0] * zs[1] ** 2


def keyed_extremes(x):
    xs = [x[0], x[1] * 2, x[2]]
    return max(xs, key=lambda v: v**2) * min(xs, key=abs) + sorted(xs, key=lambda v: -v)[0]


def sorted_array(x):
    return np.sum(np.array(sorted(x)) * np.arange(3.0))


def largest_array(x):
    xs = [x, x * 2, np.sin(x)]
    return np.sum(max(xs, key=np.sum) ** 2)


@pytest.mark.parametrize("fn", [sorted_products, keyed_extremes, sorted_array, largest_array])
def test_orderings_follow_the_permutation(fn):
    srcad.check_grads(fn, (A,))


def test_sorted_gradient_by_hand():
    # x = (0.3, -0.7, 1.1): sorted(x) = (x1, x0, x2), weights 0, 1, 2
    np.testing.assert_allclose(srcad.grad(sorted_array)(A), [1.0, 0.0, 2.0], rtol=1e-12)
    # keyed_extremes: max by square is 2 x1, min by abs is x0, the largest is x2
    x0, x1, x2 = A
    np.testing.assert_allclose(srcad.grad(keyed_extremes)(A), [2 * x1, 2 * x0, 1.0], rtol=1e-12)


def test_ties_follow_python():
    def first_of_max(x):
        xs = [x[0], x[1], x[2]]
        return max(xs, key=abs) * 3.0 + sorted(xs, key=abs)[0]

    x = np.array([1.0, -1.0, 0.5])  # max by abs: x0 (the first); sorted: x2, x0, x1
    np.testing.assert_allclose(srcad.grad(first_of_max)(x), [3.0, 0.0, 1.0], rtol=1e-12)


def test_sorted_of_a_dict_is_refused():
    def f(x):
        d = {1.0: x[0], 0.0: x[1]}
        return sorted(d)[0] * x[0]

    assert f(A) == 0.0
    with pytest.raises(srcad.SrcadError, match=r"sorted\(\) of a list, a tuple or a 1-D array"):
        srcad.grad(f)(A)


def test_golden_ordering():
    from srcad.normalize.ordering import order_by_index

    namespace = Namespace({"__builtins__": builtins}, {})
    out = _normalized(
        """
        def f(xs):
            a = sorted(xs, reverse=True)
            return max(xs, key=abs) + min(xs, key=lambda v: v * v) + sorted(xs)[0]
        """,
        lambda fdef: order_by_index(fdef, namespace, {"xs", "a"}, "rt"),
    )
    assert out.splitlines()[1:] == [
        "    a = [xs[position1] for position1 in rt.sorted_order(xs, None, True)]",
        "    return xs[rt.extreme_index(xs, abs, True)] + "
        "xs[rt.extreme_by_keys(xs, [v * v for v in xs], False)] + "
        "[xs[position2] for position2 in rt.sorted_order(xs, None, False)][0]",
    ]


def star_args_loss(x, *args):
    return np.sum(np.sin(x) * (1.0 + sum(args)))


def test_transform_with_extra_arguments_inside_a_transform():
    # grad(f)(x, 2.0) inside differentiated code calls grad's code for one extra argument
    expected = -np.sin(A) * 3.0
    outer = srcad.grad(lambda x: np.sum(srcad.grad(star_args_loss)(x, 2.0)))
    np.testing.assert_allclose(outer(A), expected, rtol=1e-12)
    tangent = srcad.jvp(lambda x: srcad.grad(star_args_loss)(x, 2.0), (A,), (B,))[1]
    np.testing.assert_allclose(tangent, expected * B, rtol=1e-12)
    np.testing.assert_allclose(srcad.hessian(star_args_loss)(A), np.diag(-np.sin(A)), rtol=1e-12)
