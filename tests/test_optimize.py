"""Golden tests for the optimizer passes: source before and after."""

from __future__ import annotations

import textwrap

import gast

from srcad.ir import syntax as S
from srcad.ir.dnotation import Zero
from srcad.optimize import dce
from srcad.optimize.propagate import propagate
from srcad.rules import fold
from srcad.transform.zeros import Simplifier


def body(source: str) -> list:
    return gast.parse(textwrap.dedent(source)).body


def text(stmts: list) -> str:
    return S.to_source(stmts).strip()


def pure(expr) -> bool:
    return not any(
        isinstance(n, gast.Call) and S.is_name(n.func, "effect") for n in gast.walk(expr)
    )


def test_dead_code_elimination_keeps_effects_and_live_values():
    before = body("""
        a = x * 2
        b = a + 1
        c = effect(a)
        d = np.sin(x)
        if x > 0:
            e = b * 3
        return b
    """)
    after = dce.eliminate(before, set(), pure)
    assert text(after) == textwrap.dedent("""\
        a = x * 2
        b = a + 1
        c = effect(a)
        return b""")


def test_dead_code_elimination_in_loops_keeps_loop_carried_values():
    before = body("""
        s = 0.0
        for i in range(n):
            t = s * 2
            unused = t * 3
            s = t + i
        return s
    """)
    assert "unused" not in text(dce.eliminate(before, set(), pure))
    assert "t = s * 2" in text(dce.eliminate(before, set(), pure))


def test_copy_propagation_then_dce():
    before = body("""
        bt3 = bs
        bs = rt.unbroadcast(bt3, s)
        bt2 = rt.unbroadcast(bt3, t2)
        b = bt2
        return (bs, b)
    """)
    after = dce.eliminate(propagate(before), set(), pure)
    assert text(after) == textwrap.dedent("""\
        bt3 = bs
        bs = rt.unbroadcast(bs, s)
        bt2 = rt.unbroadcast(bt3, t2)
        return (bs, bt2)""")


def test_copy_propagation_stops_at_reassignment_and_in_loops():
    before = body("""
        a = b
        b = 5
        c = a
        for i in range(3):
            d = c
            c = d + 1
        return c
    """)
    assert text(propagate(before)) == textwrap.dedent("""\
        a = b
        b = 5
        c = a
        for i in range(3):
            d = c
            c = c + 1
        return c""")


def test_zero_propagation():
    simplifier = Simplifier(lambda func: None, lambda like: S.name(f"zeros_{like}"))
    assert isinstance(simplifier.expr(gast.BinOp(Zero("x"), gast.Mult(), S.name("y"))), Zero)
    kept = simplifier.expr(gast.BinOp(Zero("x"), gast.Add(), S.name("y")))
    assert S.to_source(kept) == "y"
    negated = simplifier.expr(gast.BinOp(Zero("x"), gast.Sub(), S.name("y")))
    assert S.to_source(negated) == "-y"
    materialized = simplifier.force(simplifier.expr(S.tuple_([Zero("x"), S.name("y")])))
    assert S.to_source(materialized) == "(zeros_x, y)"


def test_constant_folding_of_static_tests():
    stmts = body("""
        if static(0 == 0 and None is None):
            a = 1
        else:
            a = 2
        if static(ndim(x) == 2):
            b = 3
        else:
            b = 4
        if static(ndim(y) == 2):
            c = 5
        else:
            c = 6
    """)
    assert text(fold.fold_static_ifs(stmts, {"x": 2})) == "a = 1\nb = 3\nc = 6"
