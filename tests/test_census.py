"""srcad.normalize.census and the driver's use of it: the call rewrites run only where the
tree holds what they rewrite. What the census finds, and the cases where a rewrite makes
what a later one rewrites (a map of functools.partial, spelled out as calls of partial)."""

from __future__ import annotations

import textwrap
from functools import partial

import gast
import numpy as np

import srcad
from srcad.ir import syntax as S
from srcad.normalize.census import Census


def _tree(source: str):
    return S.parse(textwrap.dedent(source)).body[0]


def test_census_finds_names_classes_operators_attributes_and_calls():
    tree = _tree(
        """
        def f(x, *rest):
            y = np.sum(x) | 2
            g = lambda v: max(v, *rest)
            return {"y": y}
        """
    )
    seen = Census(tree)
    assert {"x", "y", "np", "g", "v", "max", "rest"} <= seen.names
    assert seen.mentions("max") and not seen.mentions("min", "map")
    assert seen.has(gast.Lambda, gast.Dict) and seen.has(gast.Starred)
    assert not seen.has(gast.DictComp)
    assert seen.operators == {gast.BitOr}
    assert seen.attributes == {"sum"}
    assert len(seen.calls) == 2
    assert seen.spreads()


def test_a_keyword_spread_counts_as_a_spread():
    assert Census(_tree("def f(x, k):\n    return g(x, **k)\n")).spreads()
    assert not Census(_tree("def f(x, k):\n    return g(x, key=k)\n")).spreads()


def _scale(a, x):
    return a * x


def partials_made_by_map(x):
    ps = list(map(partial, [_scale, _scale], [2.0, 3.0]))
    return ps[0](x) + ps[1](x)


def test_partials_a_map_makes_are_rewritten_after_the_map():
    # the map becomes calls of partial, which the partial rewrite then makes closures
    g = srcad.grad(partials_made_by_map)
    assert g(1.5) == 5.0  # d/dx (2x + 3x)
    assert "rt.closure(" in g.source


def max_of_three(x):
    return np.sum(max(x[0], x[1], x[2]) * x)


def test_a_function_without_builtin_calls_is_left_as_it_was():
    # the call rewrites are skipped; the derivative is the same as with a builtin call
    def plain(x):
        return np.sum(np.maximum(np.maximum(x[0], x[1]), x[2]) * x)

    x = np.array([0.5, 2.0, -1.0])
    np.testing.assert_allclose(srcad.grad(plain)(x), srcad.grad(max_of_three)(x))
    # max(x) * 1, and sum(x) where the max is (x[1])
    np.testing.assert_allclose(srcad.grad(max_of_three)(x), [2.0, 2.0 + 1.5, 2.0])
