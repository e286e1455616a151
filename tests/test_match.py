"""``match`` statements in differentiated code (issue 15, item 4), lowered to if/else by
srcad.normalize.match: literals, or-patterns, captures, guards, sequences with a star,
class patterns; checked against finite differences in both modes and at order 2
(`srcad.check_grads`) and against Python running the same code; a pattern srcad does not
lower is refused with a located error."""

from __future__ import annotations

import dataclasses
import textwrap

import gast
import numpy as np
import pytest

import srcad
from srcad.ir import syntax as S
from srcad.normalize.match import lower_match
from srcad.parse import Namespace

X = np.array([0.3, -0.7, 1.1])


def by_literal(x, k):
    match k:
        case 0:
            return np.sum(x)
        case 1 | 2:
            return np.sum(x**2)
        case _:
            return np.sum(np.sin(x))


def by_sequence(x):
    parts = (x[0], x[1], x[2])
    match parts:
        case (a,):
            return a
        case (first, *rest) if first > 0.0:
            return first * rest[0] * rest[1]
        case [a, b, c]:
            return a + b + c
    return 0.0


def by_guard(x):
    match x[0] * 2.0:
        case y if y > 1.0:
            return y**2
        case y:
            return np.exp(y) * x[1]


@dataclasses.dataclass
class Scaled:
    factor: float
    shift: float


def by_class(x, spec):
    match spec:
        case Scaled(factor=f, shift=0.0):
            return np.sum(f * x**2)
        case Scaled(factor=f, shift=s):
            return np.sum(f * x + s * x**3)
        case float(v):
            return v * np.sum(x)
        case None:
            return np.sum(x)


def array_is_no_sequence(x):
    match x:
        case (a, b, c):
            return a * b * c  # never: a numpy array matches no sequence pattern
        case _:
            return np.sum(x**3)


@pytest.mark.parametrize(
    "f, rest",
    [
        (by_literal, (0,)),
        (by_literal, (2,)),
        (by_literal, (5,)),
        (by_sequence, ()),
        (by_guard, ()),
        (by_class, (Scaled(2.0, 0.0),)),
        (by_class, (Scaled(2.0, 0.5),)),
        (by_class, (1.5,)),
        (by_class, (None,)),
        (array_is_no_sequence, ()),
    ],
    ids=lambda v: getattr(v, "__name__", repr(v)),
)
def test_match(f, rest):
    g = (lambda x: f(x, rest[0])) if rest else f  # the pattern's subject is not varied
    srcad.check_grads(g, (X,))
    x = np.array([0.8, -0.7, 1.1])  # first > 0 and x[0] * 2 > 1: the other branches
    srcad.check_grads(g, (x,))


def test_match_against_hand_derivatives():
    np.testing.assert_allclose(srcad.grad(by_literal)(X, 1), 2 * X)
    np.testing.assert_allclose(srcad.grad(array_is_no_sequence)(X), 3 * X**2)
    x = np.array([0.8, -0.7, 1.1])
    np.testing.assert_allclose(srcad.grad(by_sequence)(x), [x[1] * x[2], x[0] * x[2], x[0] * x[1]])


def by_mapping(x, cfg):
    match cfg:
        case {"kind": "relu"}:
            return np.sum(np.maximum(x, 0.0))
        case {"kind": "scaled", "scale": s, **rest}:
            return np.sum(np.tanh(x * s)) + len(rest)
        case {"kind": "poly", "coef": [a, b]}:
            return np.sum(a * x + b * x**2)
        case _:
            return np.sum(x)


MAPPINGS = [
    ({"kind": "relu"}, (X > 0) * 1.0),
    ({"kind": "scaled", "scale": 2.0, "note": 1}, 2.0 / np.cosh(2.0 * X) ** 2),
    ({"kind": "poly", "coef": [1.0, 3.0]}, 1.0 + 6.0 * X),
    ({"kind": "poly", "coef": [1.0]}, np.ones(3)),  # a list of another length: no match
    ({}, np.ones(3)),
]


@pytest.mark.parametrize("cfg,expected", MAPPINGS, ids=lambda v: repr(v)[:20])
def test_match_mapping(cfg, expected):
    np.testing.assert_allclose(srcad.grad(by_mapping)(X, cfg), expected)
    srcad.check_grads(lambda x: by_mapping(x, cfg), (X,), order=2)


def layer(p, x):
    match p:
        case {"w": w, "b": b, **others}:
            return np.sum(np.tanh(w * x + b)) + sum(others.values())
    return 0.0


def test_match_mapping_of_parameters():
    p = {"w": 2.0, "b": 0.5, "c": 1.0}
    g = srcad.grad(layer)(p, X)
    d = 1.0 / np.cosh(2.0 * X + 0.5) ** 2
    assert g["w"] == pytest.approx(np.sum(d * X)) and g["b"] == pytest.approx(np.sum(d))
    assert g["c"] == pytest.approx(1.0)  # through **others
    srcad.check_grads(layer, (p, X), order=1)
    srcad.check_grads(lambda x: layer(p, x), (X,), order=2)


class Point:
    def __init__(self, x, y):
        self.x, self.y = x, y


def by_position(x, pt):
    match pt:
        case Point(a, b):
            return a * np.sum(x) + b
    return np.sum(x)


def test_a_positional_pattern_of_a_users_class_is_refused():
    with pytest.raises(srcad.SrcadError, match="match statement") as info:
        srcad.grad(by_position)(X, Point(1.0, 2.0))
    assert "test_match.py" in str(info.value)


def test_golden_match_mapping():
    fdef = gast.parse(
        textwrap.dedent(
            """
            def f(x, d):
                match d:
                    case {"w": w, **rest}:
                        y = w * x
                    case _:
                        y = x
                return y
            """
        )
    ).body[0]
    cells: dict = {}
    lower_match(fdef, Namespace({"__builtins__": __builtins__}, {}), cells)
    expected = """
        def f(x, d):
            subject = d
            if isinstance_(subject, Mapping) and 'w' in subject:
                w = subject['w']
                rest = {key: value for key, value in subject.items() if key not in ('w',)}
                y = w * x
            else:
                y = x
            return y
    """
    assert S.to_source(fdef).strip() == textwrap.dedent(expected).strip()
    assert set(cells) == {"Mapping", "isinstance_"}


def test_golden_match():
    fdef = gast.parse(
        textwrap.dedent(
            """
            def f(x, k):
                match k:
                    case 0 | 1:
                        y = x
                    case (a, b) if a > b:
                        y = a
                    case _:
                        y = 2 * x
                return y
            """
        )
    ).body[0]
    cells: dict = {}
    lower_match(fdef, Namespace({"__builtins__": __builtins__}, {}), cells)
    got = S.to_source(fdef).strip()
    sequence = (
        "isinstance_(subject, Sequence) and (not isinstance_(subject, (str_, bytes_, "
        "bytearray_))) and (len_(subject) == 2)"
    )
    expected = """
        def f(x, k):
            subject = k
            if subject == 0 or subject == 1:
                y = x
            elif SEQUENCE:
                a = subject[0]
                b = subject[1]
                if a > b:
                    y = a
                else:
                    y = 2 * x
            else:
                y = 2 * x
            return y
    """
    assert got == textwrap.dedent(expected).strip().replace("SEQUENCE", sequence)
    assert set(cells) == {"Sequence", "isinstance_", "str_", "bytes_", "bytearray_", "len_"}
