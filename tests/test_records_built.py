"""Objects built inside differentiated code (srcad.normalize.records_built): namedtuples,
dataclasses and small plain classes, constructed, read, passed to and returned from
helpers, unpacked, their methods called; checked against finite differences in both modes
at order 2, and against hand-written numpy. What srcad cannot make exact is refused at the
user's line."""

from __future__ import annotations

import collections
import contextlib
import dataclasses
import io
import typing

import numpy as np
import pytest

import srcad
from srcad.normalize import records_built

P = collections.namedtuple("P", "W b")
PD = collections.namedtuple("PD", "W b", defaults=[0.25])


class Q(typing.NamedTuple):
    W: np.ndarray
    b: typing.Any = 0.5


@dataclasses.dataclass
class D:
    W: np.ndarray
    b: np.ndarray


@dataclasses.dataclass(frozen=True)
class F:
    W: np.ndarray
    b: typing.Any = 1.5


class Dense:
    """A layer as user code writes one: attributes set in __init__, a __call__."""

    def __init__(self, W, b, scale=1.0):
        self.W = W * scale
        self.b = b

    def __call__(self, x):
        return np.tanh(self.W @ x + self.b)

    def penalty(self):
        return np.sum(self.W**2)


class Logs:  # __init__ calls a function: not read as a record
    def __init__(self, W):
        self.W = W
        print("built")


def use(p, x):
    return np.tanh(p.W @ x + p.b)


def init(W, b):
    return P(W, b)


rng = np.random.default_rng(0)
W, b, x = rng.normal(size=(3, 3)), rng.normal(size=3), rng.normal(size=3)


def f_namedtuple(W, b, x):
    return np.sum(use(P(W, b), x))


def f_keywords_defaults(W, b, x):
    p = PD(b=b, W=W)
    q = PD(W)
    return np.sum(use(p, x)) + np.sum(q.W @ x + q.b)


def f_typing_namedtuple(W, b, x):
    return np.sum(use(Q(W), x) + Q(W=W, b=b).b)


def f_dataclass(W, b, x):
    return np.sum(use(D(W, b), x))


def f_frozen(W, b, x):
    f = F(W)
    return np.sum(use(f, x)) * np.sum(F(W, b=b).b)


def f_plain(W, b, x):
    return np.sum(use(Dense(W, b), x))


def f_plain_call(W, b, x):
    layer = Dense(W, b, scale=2.0)
    h = layer(x)
    return np.sum(h) + layer.penalty()


def f_inline_call(W, b, x):
    return np.sum(Dense(W, b)(x))


def f_returned_and_unpacked(W, b, x):
    p = init(W, b)
    W2, b2 = p
    return np.sum(use(p, x) * W2[0, 0] + b2)


def f_state_in_loop(W, b, x):
    p = P(W, b)
    for _ in range(3):
        p = P(p.W * 0.5, np.tanh(p.b + p.W @ x))
    return np.sum(p.b)


def f_isinstance(W, b, x):
    d = D(W, b)
    return np.sum(d.W @ x) * isinstance(d, D) + np.sum(d.b) * isinstance(d, P)


CASES = [
    f_namedtuple,
    f_keywords_defaults,
    f_typing_namedtuple,
    f_dataclass,
    f_frozen,
    f_plain,
    f_plain_call,
    f_inline_call,
    f_returned_and_unpacked,
    f_state_in_loop,
    f_isinstance,
]


@pytest.mark.parametrize("f", CASES, ids=lambda f: f.__name__)
def test_against_finite_differences_both_modes_order_2(f):
    srcad.check_grads(f, (W, b, x), order=2, modes=("fwd", "rev"))


def test_gradient_against_hand_written_numpy():
    h = np.tanh(2 * W @ x + b)
    dh = 1 - h**2
    expected_W = 2 * np.outer(dh, x) + 2 * (2 * W) * 2  # d/dW of sum(W'^2), W' = 2W
    expected_b = dh
    gW, gb = srcad.grad(f_plain_call, argnums=(0, 1))(W, b, x)
    np.testing.assert_allclose(gW, expected_W, rtol=1e-12)
    np.testing.assert_allclose(gb, expected_b, rtol=1e-12)


def test_output_is_the_users_class():
    def out_nt(W, b):
        return P(W * 2, b)

    def out_dc(W, b):
        return D(W * 2, b)

    out, tangent = srcad.jvp(out_nt, (W, b), (W, b))
    assert type(out) is P and type(tangent) is P
    np.testing.assert_allclose(tangent.W, 2 * W)
    out, pullback = srcad.vjp(out_nt, W, b)
    gW, gb = pullback(P(np.ones_like(W), b))
    np.testing.assert_allclose(gW, 2 * np.ones_like(W))
    np.testing.assert_allclose(gb, b)
    out, tangent = srcad.jvp(out_dc, (W, b), (W, b))
    assert isinstance(out, D) and isinstance(tangent, D)  # srcad's stand-in subclass of D
    np.testing.assert_allclose(out.W, 2 * W)
    np.testing.assert_allclose(tangent.b, b)


def _refused(f, *parts: str, line: str):
    with pytest.raises(srcad.SrcadError) as info:
        srcad.grad(f)(W, b, x)
    text = str(info.value)
    for part in parts:
        assert part in text, text
    assert line in text, text


def test_type_of_a_stand_in_is_refused_at_its_line():
    def typ(W, b, x):
        d = D(W, b)
        return np.sum(d.W) * (type(d) is D)

    _refused(typ, "type() of d", "subclasses D", line="return np.sum(d.W) * (type(d) is D)")


def test_identity_of_a_stand_in_is_refused():
    def same(W, b, x):
        d = D(W, b)
        e = d
        return np.sum(d.W) * (d is e)

    _refused(same, "an `is` comparison with", line="(d is e)")


def test_writing_a_field_is_refused():
    def write(W, b, x):
        d = D(W, b)
        d.W = d.W * 2
        return np.sum(d.W)

    _refused(write, "assignment to d.W", line="d.W = d.W * 2")


def test_a_method_that_writes_self_is_refused():
    class Counter:
        def __init__(self, W):
            self.W = W

        def bump(self):
            self.W = self.W + 1
            return self.W

    def f(W, b, x):
        c = Counter(W)
        return np.sum(c.bump())

    _refused(f, "bump()", "changes 'c' in place", line="return np.sum(c.bump())")


def test_a_class_whose_init_does_more_is_not_read():
    assert "does more than assign" in records_built.why_not(Logs)

    def f(W, b, x):
        return np.sum(Logs(W).W)

    _refused(f, "Logs", line="return np.sum(Logs(W).W)")


def f_replace(W, b, x):
    p = P(W, b)
    q = p._replace(W=p.W * 3)
    return np.sum(q.W @ x + q.b)


def f_replace_in_loop(W, b, x):
    p = P(W, b)
    for _ in range(3):
        p = p._replace(b=np.tanh(p.W @ x + p.b))
    return np.sum(p.b)


def f_dataclasses_replace(W, b, x):
    d = F(W, b)
    d = dataclasses.replace(d, b=d.b * 2)
    return np.sum(d.W @ x * d.b)


@pytest.mark.parametrize("f", [f_replace, f_replace_in_loop, f_dataclasses_replace])
def test_replace(f):
    srcad.check_grads(f, (W, b, x), order=2, modes=("fwd", "rev"))


def test_replace_of_a_name_that_may_hold_something_else_is_refused():
    def f(W, b, x):
        p = P(W, b)
        if x[0] > 0:
            p = (W, b)
        q = p._replace(W=p.W * 3)
        return np.sum(q.W)

    with pytest.raises(srcad.SrcadError):
        srcad.grad(f)(W, b, x)


def test_why_not():
    class Slots:
        __slots__ = ("W",)

        def __init__(self, W):
            self.W = W

    class Prop:
        def __init__(self, W):
            self.W = W

        @property
        def double(self):
            return 2 * self.W

    class Base:
        def __init__(self, W):
            self.W = W

    class Child(Base):
        def __init__(self, W):
            super().__init__(W)

    @dataclasses.dataclass
    class Post:
        W: np.ndarray

        def __post_init__(self):
            self.W = np.asarray(self.W)

    @dataclasses.dataclass
    class Factory:
        W: list = dataclasses.field(default_factory=list)

    assert records_built.why_not(P) is None
    assert records_built.why_not(Q) is None
    assert records_built.why_not(D) is None
    assert records_built.why_not(Dense) is None
    assert "__slots__" in records_built.why_not(Slots)
    assert "property" in records_built.why_not(Prop)
    assert "base classes" in records_built.why_not(Child)
    assert "__post_init__" in records_built.why_not(Post)
    assert "default_factory" in records_built.why_not(Factory)


# golden sources of the pass


def test_golden_constructor_sources():
    from srcad import emit

    def source(cls):
        node, defaults, _ = records_built.constructor_source(cls, "rt", "record")
        return emit.unparse_function(node).strip(), defaults

    assert source(P) == ("def P_new(W, b):\n    return rt.make_record(record, (W, b))", ())
    assert source(PD) == ("def PD_new(W, b):\n    return rt.make_record(record, (W, b))", (0.25,))
    assert source(F) == ("def F_new(W, b):\n    return rt.make_record(record, (W, b))", (1.5,))
    assert source(Dense) == (
        "def Dense_new(W, b, scale):\n    return rt.make_record(record, (W * scale, b))",
        (1.0,),
    )


def test_golden_normalized_function():
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        srcad.show(f_plain_call, stage="anf", args=(W, b, x))
    text = out.getvalue()
    assert "layer = Dense_new(W, b, scale=2.0)" in text, text
    assert "h = Dense_call(layer, x)" in text, text
    assert "Dense_penalty(layer)" in text, text


Make = collections.namedtuple("Make", "W b")


def f_global_class(W, b, x):
    p = Make(W, b)
    return np.sum(p.W @ x)


def test_a_class_rebound_between_calls_is_seen():
    global Make
    first = srcad.grad(f_global_class)(W, b, x)
    np.testing.assert_allclose(first, np.outer(np.ones(3), x))
    saved = Make
    try:
        Make = collections.namedtuple("Make", "b W")  # the same call now puts W in .b
        second = srcad.grad(f_global_class)(W, b, x)
        np.testing.assert_allclose(second, np.zeros_like(W))
    finally:
        Make = saved


def test_a_plain_class_init_replaced_is_seen():
    class Scaled:
        def __init__(self, W):
            self.W = W

    def f(W, b, x):
        return np.sum(Scaled(W).W)

    np.testing.assert_allclose(srcad.grad(f)(W, b, x), np.ones_like(W))

    def init(self, W):
        self.W = 3 * W

    Scaled.__init__ = init
    np.testing.assert_allclose(srcad.grad(f)(W, b, x), 3 * np.ones_like(W))


class Model:
    def __init__(self, first, second):
        self.first = first
        self.second = second

    def __call__(self, x):
        return self.second(self.first(x))


def f_nested_records(W, b, x):
    m = Model(Dense(W, b), Dense(W.T, b * 2))
    return np.sum(m(x)) + np.sum(m.first.W)


def f_list_of_layers(W, b, x):
    layers = [Dense(W, b), Dense(W.T, b * 2, scale=0.5)]
    for layer in layers:
        x = layer(x)
    return np.sum(x)


def f_helper_returns_layer_in_loop(W, b, x):
    h = x
    for k in range(2):
        layer = Dense(W * (k + 1), b)
        h = layer(h) + use(layer, h)
    return np.sum(h)


@pytest.mark.parametrize("f", [f_nested_records, f_list_of_layers, f_helper_returns_layer_in_loop])
def test_records_of_records_and_lists_of_records(f):
    srcad.check_grads(f, (W, b, x), order=2, modes=("fwd", "rev"))


def test_a_helper_returning_its_arguments_in_another_order():
    def swap(a, c):
        return P(c, a)

    def f(W, b, x):
        p = swap(W, b)  # p.W is b
        return np.sum(p.W * x) + np.sum(p.b @ x)

    srcad.check_grads(f, (W, b, x), order=2, modes=("fwd", "rev"))
    np.testing.assert_allclose(srcad.grad(f, argnums=1)(W, b, x), x)


class Scaled:
    scale = 2.0  # a class constant: read as the constant, the code regenerated if it changes

    def __init__(self, W):
        self.W = W

    def __call__(self, x):
        return np.tanh(self.scale * (self.W @ x)) + self.shift(x)

    def shift(self, x):
        return self.W[0] * x


def f_class_constant_and_own_method(W, b, x):
    return np.sum(Scaled(W)(x))


def test_class_constants_and_methods_calling_methods():
    srcad.check_grads(f_class_constant_and_own_method, (W, b, x), order=2)
    g = srcad.grad(f_class_constant_and_own_method)
    before = g(W, b, x)
    try:
        Scaled.scale = 0.0  # tanh(0) contributes nothing
        after = g(W, b, x)
    finally:
        Scaled.scale = 2.0
    expected = np.zeros_like(W)
    expected[0] = x
    np.testing.assert_allclose(after, expected)
    assert not np.allclose(before, after)


def test_a_class_whose_members_a_tuple_would_hide_is_not_read():
    class Adds:
        def __init__(self, W):
            self.W = W

        def __add__(self, other):
            return Adds(self.W + other.W)

    class Indexed:
        def __init__(self, W):
            self.W = W

        def index(self, i):
            return self.W[i]

    assert "__add__" in records_built.why_not(Adds)
    assert "index" in records_built.why_not(Indexed)

    def f(W, b, x):
        a = Adds(W) + Adds(W)
        return np.sum(a.W)

    _refused(f, "Adds", line="a = Adds(W) + Adds(W)")
