"""A map kept for later or given to a function that consumes it (issue 15, item 2):
srcad.normalize.kept_maps moves it to where Python consumes it, or makes it the list the
callee makes of it first; checked against finite differences in both modes and at order 2,
golden source of the pass, and maps whose laziness matters stay refused."""

from __future__ import annotations

import builtins
import textwrap

import gast
import numpy as np
import pytest

import srcad
from srcad.ir import syntax as S
from srcad.normalize.kept_maps import consumed_maps_as_lists, move_kept_maps
from srcad.parse import Namespace

X = np.array([0.3, -0.5, 1.2])


def concatenate(lst):
    lst = list(lst)
    return np.concatenate(lst) if lst else np.array([])


def total(items):
    return sum(items)


def kept(x):
    m = map(np.sin, [x, 2 * x])
    y = x * 2.0
    return np.sum(list(m)[1] * y)


def kept_for_a_loop(x):
    m = map(lambda v: v * x[0], x)
    acc = 0.0
    for v in m:
        acc = acc + np.tanh(v)
    return acc


def given_to_a_consumer(x):
    return np.sum(concatenate(map(np.tanh, [x, x**2]))) + total(map(np.sin, x))


CASES = [kept, kept_for_a_loop, given_to_a_consumer]


@pytest.mark.parametrize("fn", CASES, ids=[f.__name__ for f in CASES])
def test_against_finite_differences(fn):
    srcad.check_grads(fn, (X,), order=2, modes=("fwd", "rev"))


def test_against_the_hand_written_gradient():
    # d/dx sum(sin(2x) * 2x) = 4 cos(2x) x + 2 sin(2x)
    hand = 4 * np.cos(2 * X) * X + 2 * np.sin(2 * X)
    np.testing.assert_allclose(srcad.grad(kept)(X), hand, rtol=1e-12)


def _rewritten(source: str, rewrite, names: set) -> list[str]:
    fdef = gast.parse(textwrap.dedent(source)).body[0]
    namespace = Namespace(
        {"__builtins__": builtins, "np": np, "concatenate": concatenate, "total": total}, {}
    )
    rewrite(fdef, namespace, names)
    return S.to_source(fdef).strip().splitlines()[1:]


def test_golden_kept_map_moves_to_its_consumer():
    out = _rewritten(
        """
        def f(x, xs):
            m = map(np.sin, [x, 2 * x])
            y = x * 2.0
            return np.sum(list(m)[1] * y)
        """,
        move_kept_maps,
        {"x", "xs", "m", "y"},
    )
    assert out == [
        "    m_arg1 = [x, 2 * x]",
        "    y = x * 2.0",
        "    return np.sum(list(map(np.sin, m_arg1))[1] * y)",
    ]


def test_golden_map_given_to_a_consumer_is_a_list():
    out = _rewritten(
        """
        def f(x):
            return concatenate(map(np.tanh, x)) + total(map(np.sin, x))
        """,
        consumed_maps_as_lists,
        {"x"},
    )
    assert out == ["    return concatenate(list(map(np.tanh, x))) + total(list(map(np.sin, x)))"]


def test_golden_maps_whose_laziness_matters_stay():
    source = """
        def f(x, xs):
            m = map(np.sin, xs)
            a = list(m)
            b = list(m)
            k = map(np.cos, xs)
            for i in range(2):
                c = list(k)
            return (a, b, c)
        """
    before = textwrap.dedent(source).strip().splitlines()[1:]
    after = _rewritten(source, move_kept_maps, {"x", "xs", "m", "a", "b", "k", "i", "c"})
    assert [line.strip() for line in after] == [line.strip() for line in before]


def twice(items):
    first = list(items)
    return first + list(items)  # a map is empty the second time


def test_a_map_given_to_a_function_reading_it_twice_stays_refused():
    def loss(x):
        return np.sum(np.concatenate(twice(map(np.sin, [x, x]))))

    with pytest.raises(srcad.SrcadError, match="map") as info:
        srcad.grad(loss)(X)
    assert "test_kept_maps.py" in str(info.value.location)
