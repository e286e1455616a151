"""Golden tests for the optimizer passes: source before and after."""

from __future__ import annotations

import textwrap

import gast

from srcad.ir import syntax as S
from srcad.ir.dnotation import Zero
from srcad.optimize import dce, inline
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


def test_copy_propagation_drops_self_assignments():
    before = body("""
        bx = bx
        y = bx * 2
        return y
    """)
    assert text(propagate(before)) == "y = bx * 2\nreturn y"


def test_forward_substitution_of_single_use_temporaries():
    before = body("""
        t = np.tanh(x)
        t3 = -x
        t4 = np.exp(t3)
        bt3 = t ** 2 * t4
        'a comment line'
        bx = -bt3
        bt = t4 * (2 * t)
        bx = bx + bt * (1.0 - t * t)
        return bx
    """)
    after = inline.substitute(before, frozenset({"x", "bx"}), pure)
    assert text(after) == text(
        body("""
        t = np.tanh(x)
        t4 = np.exp(-x)
        'a comment line'
        bx = -(t ** 2 * t4)
        bx = bx + t4 * (2 * t) * (1.0 - t * t)
        return bx
    """)
    )


def test_forward_substitution_keeps_order_where_it_matters():
    before = body("""
        t = a * 2
        a = b + 1
        y = t + a
        t2 = c * 2
        effect(c)
        z = t2 + 1
        t3 = d * 2
        for i in range(3):
            w = t3 + i
        t4 = e * 2
        if e > 0:
            v = t4
        t5 = np.sin(f)
        x = t5
        t6 = effect(g)
        u = t6 + 1
        return (y, z, w, v, x, u)
    """)
    after = inline.substitute(before, frozenset({"y", "z", "w", "v", "x", "u", "t5"}), pure)
    # rebinding of a name the value reads, an effect in between, a read in a loop or a
    # branch, a name to keep, a value with an effect: nothing moves
    assert text(after) == text(
        body("""
        t = a * 2
        a = b + 1
        y = t + a
        t2 = c * 2
        effect(c)
        z = t2 + 1
        t3 = d * 2
        for i in range(3):
            w = t3 + i
        t4 = e * 2
        if e > 0:
            v = t4
        t5 = np.sin(f)
        x = t5
        t6 = effect(g)
        u = t6 + 1
        return (y, z, w, v, x, u)
    """)
    )


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
