"""Calls whose target is only known when the code runs (issue 15, item 1): a function looked
up in a dict by a runtime key, a closure a helper returned, a lambda a factory made, a lambda
picked from a list by a runtime index, methods of objects of several classes in a loop over a
list the function is given. Generated code asks a dispatch site (srcad.build.dispatch) for the
derivative of the callable that arrives. Each construct is checked against finite
differences in both modes and at order 2 (`srcad.check_grads`), and against a hand value."""

from __future__ import annotations

import functools

import numpy as np
import pytest

import srcad

X = np.array([0.7, -1.1, 0.4])


def smooth_relu(z):
    return z * np.tanh(z)


class Scaled:
    def __init__(self, a):
        self.a = a

    def __call__(self, z):
        return self.a * np.sin(z)


def power(z, n):
    return z**n


ACTS = {
    "tanh": np.tanh,
    "relu": smooth_relu,
    "gauss": lambda z: z * np.exp(-(z**2)),
    "scaled": Scaled(1.5),
    "cube": functools.partial(power, n=3),
}
DERIVATIVES = {
    "tanh": lambda z: 1 - np.tanh(z) ** 2,
    "relu": lambda z: np.tanh(z) + z * (1 - np.tanh(z) ** 2),
    "gauss": lambda z: (1 - 2 * z**2) * np.exp(-(z**2)),
    "scaled": lambda z: 1.5 * np.cos(z),
    "cube": lambda z: 3 * z**2,
}


def by_name(x, name):
    return np.sum(ACTS[name](x) * x)


@pytest.mark.parametrize("name", sorted(ACTS))
def test_function_from_a_dict_by_a_runtime_key(name):
    expected = DERIVATIVES[name](X) * X + ACTS[name](X)
    np.testing.assert_allclose(srcad.grad(by_name)(X, name), expected, rtol=1e-12)
    _, tangent = srcad.jvp(lambda x: by_name(x, name), (X,), (np.ones(3),))
    np.testing.assert_allclose(tangent, np.sum(expected), rtol=1e-12)
    srcad.check_grads(lambda x: by_name(x, name), (X,), order=2)


def test_one_transform_called_with_each_function_in_turn():
    g = srcad.grad(by_name)
    for _ in range(2):
        for name in ACTS:
            expected = DERIVATIVES[name](X) * X + ACTS[name](X)
            np.testing.assert_allclose(g(X, name), expected, rtol=1e-12)


def flatten(params):
    shapes = [p.shape for p in params]

    def unflatten(v):
        out = []
        i = 0
        for s in shapes:
            n = int(np.prod(s))
            out.append(v[i : i + n].reshape(s))
            i += n
        return out

    return np.concatenate([p.ravel() for p in params]), unflatten


PARAMS = [np.ones((2, 2)), np.ones(3)]


def flat_loss(v, params):
    unflatten = flatten(params)[1]
    a, b = unflatten(v)
    return np.sum(np.sin(a) @ a) + np.sum(b**3)


def test_closure_returned_by_a_helper():
    v = np.linspace(-0.5, 0.6, 7)
    # order 1: the second order of unpacking a list of arrays of different shapes that a
    # function built with append fails without dispatch too (rt.pack_like)
    srcad.check_grads(lambda v: flat_loss(v, PARAMS), (v,), order=1)
    g = srcad.grad(flat_loss)(v, PARAMS)
    np.testing.assert_allclose(g[4:], 3 * v[4:] ** 2, rtol=1e-12)


def make_weighted(w):
    def weighted(v):
        return np.tanh(w * v)

    return weighted


def weighted_loss(v, w):
    f = make_weighted(w)
    return np.sum(f(v) ** 2)


def test_closure_returned_by_a_helper_at_order_2():
    v = np.linspace(-0.5, 0.6, 7)
    w = np.linspace(1.0, 2.0, 7)
    srcad.check_grads(lambda v: weighted_loss(v, w), (v,), order=2)
    t = np.tanh(w * v)
    np.testing.assert_allclose(srcad.grad(weighted_loss)(v, w), 2 * t * (1 - t**2) * w)


def make_scaled_sine(a):
    return lambda z: a * np.sin(z)


def factory_loss(x, a):
    f = make_scaled_sine(a)
    return np.sum(f(x) ** 2)


def test_lambda_made_by_a_factory():
    np.testing.assert_allclose(
        srcad.grad(factory_loss)(X, 2.0), 2 * 4 * np.sin(X) * np.cos(X), rtol=1e-12
    )
    srcad.check_grads(lambda x: factory_loss(x, 2.0), (X,), order=2)


def picked(x, i):
    fs = [np.sin, lambda z: z**3, smooth_relu]
    return np.sum(fs[i](x))


@pytest.mark.parametrize("i", [0, 1, 2])
def test_lambda_picked_from_a_list_by_a_runtime_index(i):
    srcad.check_grads(lambda x: picked(x, i), (X,), order=2)
    expected = [np.cos(X), 3 * X**2, DERIVATIVES["relu"](X)][i]
    np.testing.assert_allclose(srcad.grad(picked)(X, i), expected, rtol=1e-12)


class Linear:
    def __init__(self, w):
        self.w = w

    def forward(self, x):
        return self.w @ x


class Tanh:
    def forward(self, x):
        return np.tanh(x)


W1 = np.array([[0.5, -0.2, 0.1], [0.3, 0.8, -0.4], [0.2, 0.1, 0.9]])
LAYERS = [Linear(W1), Tanh(), Linear(W1.T), Tanh()]


def run_layers(x, layers):
    for layer in layers:
        x = layer.forward(x)
    return np.sum(x**2)


class Model:
    def __init__(self, layers):
        self.layers = layers

    def loss(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        return np.sum(x**2)


def test_methods_of_objects_of_several_classes_in_a_loop():
    layers = list(LAYERS)  # not a global: the loop is not unrolled
    srcad.check_grads(lambda x: run_layers(x, layers), (X,), order=2)
    h = np.tanh(W1 @ X)
    out = np.tanh(W1.T @ h)
    expected = W1.T @ ((1 - h**2) * (W1 @ ((1 - out**2) * 2 * out)))
    np.testing.assert_allclose(srcad.grad(run_layers)(X, layers), expected, rtol=1e-12)


def test_method_over_self_layers():
    model = Model(list(LAYERS))
    srcad.check_grads(model.loss, (X,), order=2)


def test_hessian_through_a_dispatched_call():
    hess = srcad.hessian(by_name)(X, "relu")
    z = X
    t = np.tanh(z)
    s = 1 - t**2
    # d/dx of (relu'(x) x + relu(x)), with relu(z) = z tanh z
    second = 2 * s - 2 * z * t * s
    expected = np.diag(second * z + 2 * DERIVATIVES["relu"](z))
    np.testing.assert_allclose(hess, expected, rtol=1e-10)


def test_jacobians_through_a_dispatched_call():
    def vector(x, name):
        return ACTS[name](x) * x[0]

    for jac in (srcad.jacfwd, srcad.jacrev):
        j = jac(vector)(X, "tanh")
        expected = np.diag((1 - np.tanh(X) ** 2) * X[0])
        expected[:, 0] += np.tanh(X)
        np.testing.assert_allclose(j, expected, rtol=1e-12)


def test_source_shows_the_dispatched_derivatives():
    g = srcad.grad(by_name)
    g(X, "relu")
    text = srcad.source(g)
    assert "dispatch_t.vjp(ACTS[name], x)" in text
    assert "# dispatched at run time: the call at test_dispatch.py" in text
    assert "def fwd_call_smooth_relu(z):" in text
    assert "def bwd_smooth_relu(" in text  # the callee's own derivative


NO_RULE = np.frompyfunc(lambda z: z, 1, 1)


def test_a_callable_without_a_rule_is_refused_where_it_is_called():
    def loss(x, fs):
        return np.sum(fs["f"](x))

    with pytest.raises(srcad.SrcadError, match="no derivative rule for <lambda>") as info:
        srcad.grad(loss)(X, {"f": NO_RULE})
    assert "test_dispatch.py" in str(info.value.location)


def test_a_callable_made_from_the_differentiated_value_carries_its_derivative():
    def loss(x):
        f = make_scaled_sine(x[0])
        return np.sum(f(x))

    hand = np.sin(X) * X[0] * 0 + X[0] * np.cos(X)
    hand[0] += np.sum(np.sin(X))
    np.testing.assert_allclose(srcad.grad(loss)(X), hand, rtol=1e-12)
    srcad.check_grads(loss, (X,), order=2)


def bump_first(z):
    z[0] = 0.0
    return z * 2.0


def test_a_callee_changing_its_argument_in_place_is_refused():
    def loss(x, fs):
        y = x * 1.0
        return np.sum(fs[0](y) * y)

    with pytest.raises(srcad.SrcadError, match="in place"):
        srcad.grad(loss)(X, [bump_first])


def apply_to(g, v):
    return g(v)


def nested_def_as_value(x):
    def square(v):
        return v * v

    return np.sum(apply_to(square, x))


def lambda_as_argument(x, c):
    return np.sum(apply_to(lambda v: np.sin(v) * c, x))


def test_nested_function_passed_as_a_value():
    np.testing.assert_allclose(srcad.grad(nested_def_as_value)(X), 2 * X)
    srcad.check_grads(nested_def_as_value, (X,), order=2)


def test_lambda_passed_as_an_argument_with_what_it_captures():
    np.testing.assert_allclose(srcad.grad(lambda_as_argument)(X, 2.0), 2.0 * np.cos(X))
    srcad.check_grads(lambda x: lambda_as_argument(x, 2.0), (X,), order=2)


def test_lambda_capturing_the_differentiated_value_carries_its_derivative():
    def loss(x):
        return np.sum(apply_to(lambda v: v * x[0], x))

    hand = np.full_like(X, X[0])
    hand[0] += np.sum(X)
    np.testing.assert_allclose(srcad.grad(loss)(X), hand, rtol=1e-12)
    srcad.check_grads(loss, (X,), order=2)


def make_multiplier(x):
    def inner(v):
        return v * x

    return inner


def test_closure_over_the_differentiated_value_without_differentiated_arguments():
    def loss(x):
        g = make_multiplier(x)
        return np.sum(g(2.0))  # the derivative flows only through what g holds

    np.testing.assert_allclose(srcad.grad(loss)(X), np.full_like(X, 2.0), rtol=1e-12)
    srcad.check_grads(loss, (X,), order=2)


CUBE = functools.partial(power, n=3)


def partial_argument(x, f):
    return np.sum(f(x))


def global_partial(x):
    return np.sum(CUBE(x) * x)


def test_partial_given_as_an_argument_or_made_outside():
    np.testing.assert_allclose(srcad.grad(partial_argument)(X, CUBE), 3 * X**2)
    srcad.check_grads(lambda x: partial_argument(x, CUBE), (X,), order=2)
    np.testing.assert_allclose(srcad.grad(global_partial)(X), 4 * X**3)
    srcad.check_grads(global_partial, (X,), order=2)


# ------------------------------------------------------------------ golden source


def _first_function(text: str) -> str:
    return text.split("\n\n\n")[0].strip()


def test_golden_reverse_mode_dispatch():
    g = srcad.grad(by_name)
    g(X, "tanh")
    assert _first_function(srcad.source(g)) == (
        "def grad_by_name(x, name):\n"
        "    # by_name, test_dispatch.py:53  return np.sum(ACTS[name](x) * x)\n"
        "    fwd_t, bwd_t = dispatch_t.vjp(ACTS[name], x)\n"
        "    t2, t2_res = fwd_t(x)\n"
        "    t3 = t2 * x\n"
        "    b_result = rt.scalar_seed(np.sum(t3))\n"
        "    bt3 = np.broadcast_to(b_result, np.shape(t3))\n"
        "    bx = rt.unbroadcast(bt3 * t2, x)\n"
        "    b_t = bwd_t(t2_res, rt.unbroadcast(bt3 * x, t2))\n"
        "    bx = bx + b_t[0]\n"
        "    return bx"
    )
    dispatched = srcad.source(g).split("\n\n\n", 1)[1]
    assert (  # one section per callable met so far (other tests call by_name too)
        "# dispatched at run time: the call at test_dispatch.py:53 (return np.sum(ACTS[name](x) "
        "* x)) called numpy.tanh\n"
        "def fwd_call_tanh(a0):\n"
    ) in dispatched
    assert "\n\ndef bwd_call_tanh(residuals, b_result):\n" in dispatched


def test_golden_forward_mode_dispatch():
    jvp_text = srcad.build.generate(
        by_name, srcad.build.Spec(srcad.build.Mode.JVP, ("x",), kinds=(("x", "array"),))
    ).sources["main"]
    assert jvp_text.strip().splitlines()[3:7] == [
        "    t = ACTS[name]",
        "    jvp_t = dispatch_t.jvp(t, x)",
        "    t2, d_t2 = jvp_t(x, (dx,))",
        "    t3 = t2 * x",
    ]


def lambdas_as_values(x, i, c):
    fs = [np.sin, lambda z: z * c]
    return np.sum(fs[i](x)) + srcad.grad(lambda y: np.sum(y * c * x))(x)[0]


def test_golden_lambdas_used_as_values_are_lifted():
    from srcad.show import stage_text

    text = stage_text(lambdas_as_values, "reverse", "anf", 0, None)
    assert text.strip().splitlines() == [
        "def lambdas_as_values(x, i, c):",
        "    t = (c,)",
        "    t2 = rt.closure(lambda_3, t)",
        "    fs = [np.sin, t2]",
        "    t3 = fs[i]",
        "    t4 = t3(x)",
        "    t5 = np.sum(t4)",
        "    t6 = srcad.grad(lambda_2_2, argnums=2)",
        "    t7 = t6(c, x, x)",
        "    t8 = t7[0]",
        "    result = t5 + t8",
        "    return result",
    ]
    for i in (0, 1):
        srcad.check_grads(functools.partial(lambdas_as_values, i=i, c=0.5), (X,), order=2)
        # through what the lambda captures (c), in a list with a function holding nothing
        srcad.check_grads(functools.partial(lambdas_as_values, X, i), (0.5,), order=2)


# ------------------------------------------------------------------ transforms inside


def energy(q):
    return np.sum(np.cos(q) * q**2)


def force_loss(q):
    force = -srcad.grad(energy)(q)
    return np.sum(force**2)


def inner_loss(w, x):
    return np.sum(np.tanh(x * w) ** 2)


def meta_loss(w, x):
    adapted = w - 0.1 * srcad.grad(lambda v: inner_loss(v, x))(w)  # an inner step
    return inner_loss(adapted, 2.0 * x)


def newton_step_loss(x):
    step = srcad.grad(energy)(x) / (np.diag(srcad.hessian(energy)(x)) + 10.0)
    return np.sum((x - step) ** 2)


def jvp_inside(x, v):
    out, tangent = srcad.jvp(energy, (x,), (v,))
    return out * np.sum(tangent**2)


def vjp_inside(x):
    out, _ = srcad.vjp(np.sin, x)
    return np.sum(out * x)


@pytest.mark.parametrize(
    "fn",
    [force_loss, newton_step_loss, vjp_inside],
    ids=["force", "newton", "vjp"],
)
def test_transform_inside_differentiated_code(fn):
    srcad.check_grads(fn, (X,), order=2)


def test_meta_learning_inner_step_of_a_lambda():
    w = np.array([0.3, -0.2, 0.5])
    srcad.check_grads(lambda w: meta_loss(w, X), (w,), order=2)
    srcad.check_grads(lambda x: meta_loss(w, x), (X,), order=2)  # through what it captures


def test_jvp_inside_differentiated_code():
    v = np.array([0.2, 0.1, -0.4])
    srcad.check_grads(jvp_inside, (X, v), order=2)
    tangent = srcad.jvp(energy, (X,), (v,))[1]
    hand = np.sum((-np.sin(X) * X**2 + 2 * X * np.cos(X)) * v)
    np.testing.assert_allclose(tangent, hand, rtol=1e-12)


def test_pullback_of_vjp_inside_of_a_function_holding_values_is_refused_where_needed():
    def loss(x):
        c = x * 1.0
        _, pullback = srcad.vjp(lambda v: np.sin(v) * c, x)  # a closure over c
        return np.sum(pullback(x)[0])

    with pytest.raises(srcad.SrcadError, match="computed from a value being differentiated"):
        srcad.grad(loss)(X)


def zero_first(z):
    z[0] = 0.0
    return 0.0


def calls_for_its_effect(y, fs):
    fs[0](y)  # changes y in place through a function known only at run time
    return 1.0


def test_a_helper_run_only_for_its_effect_is_still_refused():
    def loss(x):
        y = x * 1.0
        z = np.sum(y * y)
        calls_for_its_effect(y, [zero_first])
        return z

    with pytest.raises(srcad.SrcadError, match="in place"):
        srcad.grad(loss)(X)
