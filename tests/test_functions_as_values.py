"""Functions as values (issue 15, item 1): a function passed as an argument, a default
function parameter, a local bound once to a global function, a decorator's forwarding
wrapper. Generated code is specialized on the function (compared by identity), so the
derivatives are checked against finite differences in both modes and at order 2
(`srcad.check_grads`), and one transform is called with several functions in turn."""

from __future__ import annotations

import functools

import numpy as np
import pytest

import srcad

W = np.array([[0.5, -0.2, 0.1], [0.3, 0.8, -0.4]])
X = np.array([0.7, -1.1, 0.4])


def relu_like(z):
    return z * np.tanh(z)  # smooth, so finite differences agree at order 2


def layer(w, x, act=np.tanh):
    return act(w @ x)


def net(w, x, nonlinearity):
    return np.sum(layer(w, x, nonlinearity) ** 2)


def net_default(w, x):
    return np.sum(layer(w, x) ** 2)


def apply_twice(f, x):
    return f(f(x))


def bound_locally(w, x):
    f = np.sin
    g = f
    return np.sum(g(w @ x) * f(w @ x))


ACTIVATIONS = [np.tanh, np.sin, relu_like, lambda z: z * np.exp(-(z**2))]


@pytest.mark.parametrize("act", ACTIVATIONS, ids=["tanh", "sin", "def", "lambda"])
def test_function_argument(act):
    srcad.check_grads(lambda w, x: net(w, x, act), (W, X))


def test_function_argument_as_the_transform_sees_it():
    # The function is an argument of the differentiated function itself.
    g = srcad.grad(net)
    for act, slope in [(np.sin, np.cos), (np.tanh, lambda z: 1 - np.tanh(z) ** 2)]:
        z = W @ X
        expected = (2 * act(z) * slope(z))[:, None] * X[None, :]
        np.testing.assert_allclose(g(W, X, act), expected, rtol=1e-12)


def summed_twice(f, x):
    return np.sum(apply_twice(f, x))


def test_same_transform_other_function_is_not_reused():
    g = srcad.grad(summed_twice, argnums=1)
    x = np.array([0.3, -0.6])
    np.testing.assert_allclose(g(np.sin, x), np.cos(np.sin(x)) * np.cos(x), rtol=1e-12)
    np.testing.assert_allclose(g(np.exp, x), np.exp(np.exp(x)) * np.exp(x), rtol=1e-12)
    np.testing.assert_allclose(g(np.sin, x), np.cos(np.sin(x)) * np.cos(x), rtol=1e-12)


def test_default_function_parameter_of_a_helper():
    srcad.check_grads(net_default, (W, X))


def test_local_bound_to_a_global_function():
    srcad.check_grads(bound_locally, (W, X))


def test_jvp_and_hessian_with_a_function_argument():
    x = np.array([0.3, -0.6])
    out, tangent = srcad.jvp(lambda x: apply_twice(np.sin, x), (x,), (np.ones(2),))
    np.testing.assert_allclose(tangent, np.cos(np.sin(x)) * np.cos(x), rtol=1e-12)
    h = srcad.hessian(lambda x: np.sum(apply_twice(np.sin, x)))(x)
    s, c = np.sin(x), np.cos(x)
    second = -np.sin(s) * c**2 - np.cos(s) * s
    np.testing.assert_allclose(h, np.diag(second), rtol=1e-10)


def _logged(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        return fn(*args, **kwargs)

    return wrapper


@_logged
def decorated(x):
    return np.sin(x) * x


def test_functools_wraps_forwarder():
    # Once the generated code for the wrapper read the argument names of the wrapped
    # function (inspect.signature follows __wrapped__) and picked up a global x.
    srcad.check_grads(decorated, (X,))
    srcad.check_grads(lambda x: np.sum(decorated(x) ** 2), (X,))


def _doubling(fn):
    @functools.wraps(fn)
    def wrapper(*args):
        return 2.0 * fn(*args)

    return wrapper


@_doubling
def doubled(x):
    return np.sin(x)


def test_wrapper_that_does_more_than_forward_is_refused():
    with pytest.raises(srcad.SrcadError, match=r"\*args"):
        srcad.grad(lambda x: np.sum(doubled(x)))(X)


def stacked(x):
    layers = [relu_like, np.tanh, np.sin]
    for f in layers:
        x = f(x)
    return np.sum(x * f(x))  # after the loop, f is the last function


def test_loop_over_a_list_of_functions():
    srcad.check_grads(stacked, (X,))


class Dense:
    def __init__(self, w, act):
        self.w, self.act = w, act

    def forward(self, v):
        return self.activate(self.w * v)  # self.act(...) from another method

    def activate(self, z):
        return self.act(z)


class Scale:
    def __init__(self, k):
        self.k = k

    def forward(self, v):
        return v * self.k


NET = [Dense(np.array([1.0, 2.0, 0.5]), np.tanh), Scale(3.0), Dense(np.ones(3), np.sin)]


def through_layers(x):
    for layer in NET:
        x = layer.forward(x)
    return np.sum(x**2)


def by_hand(x):
    z = np.tanh(np.array([1.0, 2.0, 0.5]) * x) * 3.0
    return np.sin(z), 3.0 * np.cos(z) * np.array([1.0, 2.0, 0.5]) / np.cosh(
        np.array([1.0, 2.0, 0.5]) * x
    ) ** 2


def test_method_of_objects_of_different_classes_in_a_loop():
    srcad.check_grads(through_layers, (X,))
    out, slope = by_hand(X)
    np.testing.assert_allclose(srcad.grad(through_layers)(X), 2 * out * slope, rtol=1e-12)


def test_changing_the_list_of_layers_regenerates():
    g = srcad.grad(through_layers)
    first = g(X)
    NET[1] = Scale(-1.0)
    try:
        changed = g(X)
        srcad.check_grads(through_layers, (X,))
    finally:
        NET[1] = Scale(3.0)
    assert not np.allclose(first, changed)
    np.testing.assert_allclose(g(X), first, rtol=1e-12)


class Affine:
    def __init__(self, w, b):
        self.w, self.b = w, b

    def __call__(self, x):
        return np.tanh(self.w @ x + self.b)


AFFINE = Affine(W, np.array([0.1, -0.3]))


def test_callable_object():
    srcad.check_grads(lambda x: np.sum(AFFINE(x) ** 2), (X,))


def energy(r):
    return np.sum((r[1:] - r[:-1]) ** 2) + 0.5 * np.sum(r**4)


def force_residual(r):
    force = -srcad.grad(energy)(r)  # a transform inside differentiated code
    return np.sum(force**2)


def newton_step_loss(x):
    g = srcad.grad(energy)
    h = srcad.hessian(energy)
    step = np.linalg.solve(h(x) + 10.0 * np.eye(3), g(x))
    return np.sum((x - step) ** 2)


def test_grad_inside_differentiated_code():
    srcad.check_grads(force_residual, (X,))
    r = X
    # d/dr sum(grad E(r)^2) = 2 H(r) grad E(r), with H and grad E by hand
    d = r[1:] - r[:-1]
    grad_e = 2 * r**3
    grad_e[1:] += 2 * d
    grad_e[:-1] -= 2 * d
    hess = np.diag(6 * r**2 + np.array([2.0, 4.0, 2.0])) - 2 * (np.eye(3, k=1) + np.eye(3, k=-1))
    np.testing.assert_allclose(srcad.grad(force_residual)(r), 2 * hess @ grad_e, rtol=1e-12)


def test_hessian_and_grad_inside_differentiated_code():
    srcad.check_grads(newton_step_loss, (X,), order=1)


def test_golden_unrolled_loop():
    import textwrap

    import gast

    from srcad.ir import syntax as S
    from srcad.normalize.known_loops import ItemsOf, unroll_known_loops
    from srcad.parse import Namespace

    source = """
    def f(x):
        for layer in NET:
            x = layer.forward(x)
        for w in WEIGHTS:
            x = x * w
        return x
    """
    fdef = gast.parse(textwrap.dedent(source)).body[0]
    weights = [np.ones(2), np.ones(2)]
    guards: list = []
    unroll_known_loops(fdef, Namespace({"NET": NET, "WEIGHTS": weights}, {}), guards)
    # a loop over arrays, whose body calls nothing through them, stays
    assert S.to_source(fdef).strip().splitlines()[1:] == [
        "    layer_1 = NET[0]",
        "    x = layer_1.forward(x)",
        "    layer_2 = NET[1]",
        "    x = layer_2.forward(x)",
        "    layer_3 = NET[2]",
        "    x = layer_3.forward(x)",
        "    layer = layer_3",
        "    for w in WEIGHTS:",
        "        x = x * w",
        "    return x",
    ]
    [(container, _, items)] = guards
    assert isinstance(container, ItemsOf) and container.seq is NET and items == tuple(NET)
