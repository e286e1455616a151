"""User objects as people write them for numpy models: layers whose ``__call__`` calls
``self.act(z)`` (a function the object holds) or ``self.forward(x)``, a list of layers of
different classes, a model object that calls its layers, an object named by a global or a
closure. Each is checked against central differences in both modes and at order 2
(`srcad.check_grads`); the methods that change their object or their argument stay
refused, located."""

from __future__ import annotations

import numpy as np
import pytest

import srcad


class Dense:
    def __init__(self, W, act=np.tanh):
        self.W = W
        self.act = act

    def __call__(self, x):
        return self.act(self.W @ x)

    def forward(self, x):
        return self.activate(self.W @ x)

    def activate(self, z):
        return self.act(z)

    def twice(self, x):
        return self(self(x))


class Scale:
    def __init__(self, c):
        self.c = c

    def forward(self, x):
        return self.c * x

    def __call__(self, x):
        return self.forward(x)


class Sequential:
    def __init__(self, *layers):
        self.layers = list(layers)

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x


class Recorder:
    """Keeps what it is given: a derivative could hide in the object."""

    def __init__(self):
        self.last = None
        self.calls = 0

    def __call__(self, x):
        self.last = x
        return np.sin(x)

    def doubled(self, x):
        self.calls += 1  # a counter: only constants go into the object
        return 2.0 * x


class Zeroing:
    def __call__(self, x):
        x[0] = 0.0
        return x * 2.0


_rng = np.random.default_rng(3)
W = 0.5 * _rng.normal(size=(3, 3))
X = _rng.normal(size=3)
LAYERS = [Dense(W), Scale(2.0), Dense(W, np.sin)]
MODEL = Sequential(*LAYERS)
RECORDER = Recorder()


def through_forward(x, layers):
    for layer in layers:
        x = layer.forward(x)
    return np.sum(x)


def through_call(x, layers):
    for layer in layers:
        x = layer(x)
    return np.sum(x)


def model_call(x, model):
    return np.sum(model(x) ** 2)


def global_model(x):
    return np.sum(MODEL(x))


def global_twice(x):
    return np.sum(LAYERS[0].twice(x))


def counter_method(x):
    return np.sum(RECORDER.doubled(x) * x)


@pytest.mark.parametrize(
    "fn, args",
    [
        (through_forward, (X, LAYERS)),
        (through_call, (X, LAYERS)),
        (model_call, (X, MODEL)),
        (model_call, (X, Dense(W))),
        (global_model, (X,)),
        (global_twice, (X,)),
        (counter_method, (X,)),
    ],
    ids=lambda v: getattr(v, "__name__", None) or type(v).__name__,
)
def test_layers_and_models(fn, args):
    if len(args) == 1:
        srcad.check_grads(fn, args, order=2)
    else:
        other = args[1]
        srcad.check_grads(lambda x: fn(x, other), args[:1], order=2)
        # the object as an argument of the transformed function itself
        assert np.allclose(srcad.grad(fn)(*args), _central(lambda x: fn(x, other), X))


def test_a_function_given_an_object_through_a_default_argument():
    """The object reaches the callee as a known value (a lambda's default): its methods
    are read as that object's methods, not as calls that may change it."""

    def forward(x, layer):
        return np.sum(layer.forward(x))

    def call(x, layer):
        return np.sum(layer(x))

    for fn in (forward, call):
        srcad.check_grads(lambda x, fn=fn: fn(x, LAYERS[0]), (X,), order=2)


def test_self_call_inside_a_method():
    assert np.allclose(
        srcad.grad(lambda x: np.sum(LAYERS[0].twice(x)))(X),
        _central(lambda x: np.sum(LAYERS[0].twice(x)), X),
    )


def _central(f, x, eps=1e-6):
    out = np.zeros_like(x)
    for i in range(x.size):
        e = np.zeros_like(x)
        e[i] = eps
        out[i] = (f(x + e) - f(x - e)) / (2 * eps)
    return out


def stores_argument(x):
    return np.sum(RECORDER(x))


def writes_argument(x):
    y = x * 1.0
    return np.sum(Zeroing()(y) + y)


def _writes_keyword(**kw):
    kw["a"][0] = 0.0
    return kw["a"]


def writes_keyword_argument(x):
    y = x * 1.0
    return np.sum(_writes_keyword(a=y) + y)


@pytest.mark.parametrize("fn", [stores_argument, writes_argument, writes_keyword_argument])
def test_methods_that_change_what_they_are_given_stay_refused(fn):
    with pytest.raises(srcad.SrcadError, match="changes") as info:
        srcad.grad(fn)(X)
    assert info.value.location is not None
    assert info.value.location.filename == __file__
