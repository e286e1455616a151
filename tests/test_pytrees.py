"""Pytrees: srcad.tree_util against JAX's tree utilities, and every kind of pytree people pass
to the transforms (namedtuples, dataclasses, OrderedDict, list/tuple/dict subclasses,
registered classes), checked against JAX or finite differences, derivatives returned in the
argument's own types."""

from __future__ import annotations

import collections
import dataclasses
import warnings

import numpy as np
import pytest

import srcad
from srcad import tree_util

try:
    import jax
    import jax.flatten_util
    import jax.numpy as jnp

    jax.config.update("jax_enable_x64", True)
except ImportError:  # pragma: no cover - jax is in the bench extra
    jax = None

needs_jax = pytest.mark.skipif(jax is None, reason="jax is not installed")

Params = collections.namedtuple("Params", "w b")
Swapped = collections.namedtuple("Swapped", "b w")


@dataclasses.dataclass
class Layer:
    w: np.ndarray
    b: float


@dataclasses.dataclass(frozen=True)
class Frozen:
    w: np.ndarray
    b: float

    def __post_init__(self):
        if not isinstance(self.w, np.ndarray):
            raise TypeError("w must be an array")  # unflatten must not run this


class Vec(list):
    pass


class Couple(tuple):
    pass


class Record(dict):
    pass


@tree_util.register_pytree_node_class
class Affine:
    def __init__(self, w, b, activation="tanh"):
        self.w, self.b, self.activation = w, b, activation

    def tree_flatten(self):
        return (self.w, self.b), self.activation

    @classmethod
    def tree_unflatten(cls, activation, children):
        return cls(*children, activation=activation)


X = np.array([[0.3, -0.7, 1.2], [0.5, 0.1, -0.4]])
W = np.array([0.4, -0.2, 0.9])

TREES = [
    {"z": 1.0, "a": (2.0, None), "m": [3.0, {"y": 4.0, "b": 5.0}]},
    Params(np.ones(2), 0.5),
    collections.OrderedDict([("z", 1.0), ("a", 2.0)]),
    [None, (), [], {}, 1.0],
    collections.defaultdict(list, {"b": 1.0, "a": 2.0}),
]


# ----------------------------------------------------------------------------- tree_util
@needs_jax
@pytest.mark.parametrize("tree", TREES, ids=range(len(TREES)))
def test_leaves_and_structure_follow_jax(tree):
    assert tree_util.tree_leaves(tree) == jax.tree_util.tree_leaves(tree)
    leaves, treedef = tree_util.tree_flatten(tree)
    assert treedef.num_leaves == jax.tree_util.tree_structure(tree).num_leaves
    rebuilt = tree_util.tree_unflatten(treedef, leaves)
    want = jax.tree_util.tree_unflatten(jax.tree_util.tree_structure(tree), leaves)
    assert type(rebuilt) is type(want)
    assert repr(rebuilt) == repr(want)


@needs_jax
def test_tree_map_and_ravel_follow_jax():
    tree = {"w": np.arange(6.0).reshape(2, 3), "b": np.float32(0.5), "c": [1.0, 2.0]}
    got = tree_util.tree_map(lambda x, y: x * 2 + y, tree, tree)
    want = jax.tree_util.tree_map(lambda x, y: x * 2 + y, tree, tree)
    for g, w in zip(tree_util.tree_leaves(got), jax.tree_util.tree_leaves(want)):
        np.testing.assert_allclose(g, w)
    flat, unravel = tree_util.ravel_pytree(tree)
    jflat, _ = jax.flatten_util.ravel_pytree(tree)
    np.testing.assert_allclose(flat, jflat)
    assert flat.dtype == jflat.dtype
    back = unravel(flat)
    assert back["b"].dtype == np.float32 and back["w"].shape == (2, 3)
    with pytest.raises(ValueError, match="shape"):
        unravel(flat[:-1])


def test_tree_map_refuses_other_structures():
    with pytest.raises(ValueError, match="structures differ"):
        tree_util.tree_map(lambda a, b: a + b, (1.0, 2.0), [1.0, 2.0])


def test_beyond_jax_dataclasses_and_subclasses_are_nodes_rebuilt_as_themselves():
    layer = Layer(np.ones(2), 0.5)
    assert len(tree_util.tree_leaves(layer)) == 2
    doubled = tree_util.tree_map(lambda x: 2 * x, layer)
    assert type(doubled) is Layer and doubled.b == 1.0
    frozen = tree_util.tree_map(lambda x: 2 * x, Frozen(np.ones(2), 0.5))
    assert type(frozen) is Frozen and frozen.b == 1.0
    for tree in (Vec([1.0, 2.0]), Couple((1.0, 2.0)), Record(a=1.0, b=2.0)):
        out = tree_util.tree_map(lambda x: x + 1, tree)
        assert type(out) is type(tree) and tree_util.tree_leaves(out) == [2.0, 3.0]


def test_registered_dataclass_keeps_static_fields_out_of_the_leaves():
    @dataclasses.dataclass
    class Named:
        w: float
        name: str

    tree_util.register_dataclass(Named, ["w"], ["name"])
    leaves, treedef = tree_util.tree_flatten(Named(0.5, "first"))
    assert leaves == [0.5]
    assert tree_util.tree_unflatten(treedef, [2.0]) == Named(2.0, "first")


# ----------------------------------------------------------------------------- transforms
def loss(p, x):
    return np.sum(np.tanh(x @ p.w + p.b) ** 2)


def mlp(layers, x):
    for layer in layers:
        x = np.tanh(x @ layer.w + layer.b)
    return np.sum(x**2)


@needs_jax
def test_namedtuple_gradients_are_namedtuples_and_match_jax():
    p = Params(W, 0.5)
    got = srcad.grad(loss)(p, X)
    want = jax.grad(lambda p, x: jnp.sum(jnp.tanh(x @ p.w + p.b) ** 2))(p, X)
    assert type(got) is Params
    np.testing.assert_allclose(got.w, want.w)
    np.testing.assert_allclose(got.b, want.b)
    jac = srcad.jacrev(lambda p: np.tanh(X @ p.w + p.b))(p)
    jwant = jax.jacrev(lambda p: jnp.tanh(X @ p.w + p.b))(p)
    assert type(jac) is Params
    np.testing.assert_allclose(jac.w, jwant.w)
    hess = srcad.hessian(lambda p: loss(p, X))(p)
    hwant = jax.hessian(lambda p: jnp.sum(jnp.tanh(X @ p.w + p.b) ** 2))(p)
    assert type(hess) is Params and type(hess.w) is Params
    np.testing.assert_allclose(hess.w.w, hwant.w.w)
    np.testing.assert_allclose(hess.b.w, hwant.b.w)


PYTREE_ARGUMENTS = [
    Params(W, 0.5),
    Layer(W, 0.5),
    Frozen(W, 0.5),
    Affine(W, 0.5),
    Couple((W, 0.5)),
]


@pytest.mark.parametrize("p", PYTREE_ARGUMENTS, ids=lambda p: type(p).__name__)
def test_every_pytree_argument_in_both_modes(p):
    if isinstance(p, tuple) and not hasattr(p, "_fields"):

        def f(q, x):
            return np.sum(np.tanh(x @ q[0] + q[1]) ** 2)
    else:
        f = loss
    srcad.check_grads(f, (p, X), order=2)
    g = srcad.grad(f)(p, X)
    assert type(g) is type(p)
    if isinstance(p, Affine):
        assert g.activation == "tanh"
    out, pullback = srcad.vjp(f, p, X)
    assert type(pullback(1.0)[0]) is type(p)
    jac = srcad.jacfwd(f)(p, X)
    assert type(jac) is type(p)
    np.testing.assert_allclose(tree_util.tree_leaves(jac)[0], tree_util.tree_leaves(g)[0])


def test_lists_of_dataclasses_and_dict_subclasses():
    layers = [Layer(np.full((3, 3), 0.1), 0.5), Layer(np.full((3, 1), 0.2), 0.1)]
    srcad.check_grads(mlp, (layers, X), order=1)
    grads = srcad.grad(mlp)(layers, X)
    assert type(grads) is list and all(type(g) is Layer for g in grads)
    ordered = collections.OrderedDict([("w", W), ("b", 0.5)])

    def h(d):
        return np.sum(d["w"] ** 2) * d["b"]

    g = srcad.grad(h)(ordered)
    assert type(g) is collections.OrderedDict and list(g) == ["w", "b"]
    np.testing.assert_allclose(g["w"], 2 * W * 0.5)
    g = srcad.grad(h)(Record(w=W, b=0.5))
    assert type(g) is Record
    v = srcad.grad(lambda v: v[0] * v[1] ** 2)(Vec([2.0, 3.0]))
    assert type(v) is Vec and v == [9.0, 12.0]


def test_code_is_generated_per_layout():
    """Two namedtuples with the fields in other orders get their own code."""

    def f(p):
        return np.sum(p.w**2) + 3.0 * p.b

    g = srcad.grad(f)
    first = g(Params(W, 0.5))
    second = g(Swapped(0.5, W))
    np.testing.assert_allclose(first.w, 2 * W)
    np.testing.assert_allclose(second.w, 2 * W)
    assert float(second.b) == 3.0


def test_jvp_takes_tangents_of_the_arguments_type():
    p, t = Layer(W, 0.5), Layer(np.ones(3), 1.0)
    out, tangent = srcad.jvp(loss, (p, X), (t, np.zeros_like(X)))
    eps = 1e-6
    plus = loss(Layer(W + eps, 0.5 + eps), X)
    minus = loss(Layer(W - eps, 0.5 - eps), X)
    np.testing.assert_allclose(tangent, (plus - minus) / (2 * eps), rtol=1e-6)


# ----------------------------------------------------------------------------- refusals
def _reads_other(p, x):
    return np.sum(p.scale * x)


def _calls_method(layer):
    return layer.total()


def _assigns(p):
    p.b = 2.0
    return np.sum(p.w)


@dataclasses.dataclass
class WithMethod:
    w: np.ndarray

    def total(self):
        return np.sum(self.w)


@pytest.mark.parametrize(
    "fn, args, match",
    [
        (_reads_other, (Layer(W, 0.5), W), "p.scale is not one of them"),
        (_calls_method, (WithMethod(W),), "cannot call the method total"),
        (_assigns, (Layer(W, 0.5),), "assignment to p.b"),
    ],
)
def test_what_the_children_cannot_do_is_refused_at_the_line(fn, args, match):
    with pytest.raises(srcad.UnsupportedOperationError, match=match) as info:
        srcad.grad(fn)(*args)
    assert info.value.location is not None
    assert info.value.location.filename == __file__


def test_masked_arrays_and_matrices_are_refused_at_the_def():
    def f(x):
        return np.sum(x * x)

    with pytest.raises(srcad.InputTypeError, match="masked array") as info:
        srcad.grad(f)(np.ma.array(W, mask=[False, True, False]))
    assert info.value.location is not None and info.value.location.filename == __file__
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PendingDeprecationWarning)
        m = np.matrix([[1.0, 2.0], [3.0, 4.0]])
    for transform in (srcad.grad, srcad.jacfwd, srcad.jacrev):
        with pytest.raises(srcad.InputTypeError, match="np.matrix"):
            transform(f)(m)
    with pytest.raises(srcad.InputTypeError, match="np.matrix"):
        srcad.vjp(f, m)
