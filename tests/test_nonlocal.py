"""``nonlocal`` in nested functions (issue 15, item 4): a closure that updates a variable of
the function it is defined in, lifted by srcad.normalize.closures with the new values handed
back with its result; checked against finite differences in both modes and at order 2
(`srcad.check_grads`) and a hand derivative; the lifting by its output; the uses srcad does
not lift are refused with a located error."""

from __future__ import annotations

import inspect
import textwrap

import gast
import numpy as np
import pytest

import srcad
from srcad.ir import syntax as S
from srcad.naming import Namer
from srcad.normalize import closures
from srcad.normalize.own_nonlocals import lower_own_nonlocals
from srcad.parse import Namespace

X = np.array([0.3, -0.7, 1.1])


def accumulates(x):
    total = 0.0

    def add(v):
        nonlocal total
        total = total + v * x[0]

    for i in range(3):
        add(x[i])
    return total


def returns_and_writes(x):
    count, energy = 0, 0.0

    def step(v):
        nonlocal count, energy
        count = count + 1  # (count += 1 is refused: srcad cannot tell count is a number)
        energy = energy + np.sin(v) * count
        if count > 2:
            return energy * 2.0
        return energy

    a = step(x[0])
    b = step(x[1] * x[2])
    c = step(x[2])
    return a + b + c * 0.0 + energy


@pytest.mark.parametrize("f", [accumulates, returns_and_writes], ids=lambda f: f.__name__)
def test_nonlocal(f):
    srcad.check_grads(f, (X,))


def test_nonlocal_against_hand_derivative():
    # total = x0 * (x0 + x1 + x2)
    x0, x1, x2 = X
    np.testing.assert_allclose(srcad.grad(accumulates)(X), [2 * x0 + x1 + x2, x0, x0])
    assert returns_and_writes(X) == pytest.approx(
        np.sin(X[0])
        + (np.sin(X[0]) + 2 * np.sin(X[1] * X[2]))
        + 0.0
        + (np.sin(X[0]) + 2 * np.sin(X[1] * X[2]) + 3 * np.sin(X[2]))
    )


def in_expression(x):
    total = 0.0

    def add(v):
        nonlocal total
        total = total + v
        return v

    return add(x[0]) * add(x[1]) + total  # total is read after both calls


def nested_writer_calls(x):
    total = 1.0

    def scale(v):
        nonlocal total
        total = total * v
        return total

    y = scale(scale(x[0]) + x[1])
    return y + total


def _counter():
    calls = 0
    c = 0.0

    def f(x):
        nonlocal calls, c  # the differentiated function writes its own enclosing variables
        calls = calls + 1
        c = 2.0
        return np.sum(np.sin(x)) * c

    def count():
        return calls

    return f, count


def test_nonlocal_in_expressions():
    x0, x1 = X[0], X[1]
    assert in_expression(X) == pytest.approx(x0 * x1 + x0 + x1)
    np.testing.assert_allclose(srcad.grad(in_expression)(X), [x1 + 1, x0 + 1, 0.0])
    # total = x0 * (x0 + x1): the result is twice that
    np.testing.assert_allclose(srcad.grad(nested_writer_calls)(X), [2 * (2 * x0 + x1), 2 * x0, 0.0])
    for f in (in_expression, nested_writer_calls):
        srcad.check_grads(f, (X,), order=2)


def test_nonlocal_in_the_differentiated_function():
    f, count = _counter()
    np.testing.assert_allclose(srcad.grad(f)(X), 2.0 * np.cos(X))
    assert count() == 1  # the generated code writes the cell once per call, as f does
    srcad.jvp(f, (X,), (X,))
    srcad.hessian(f)(X)
    assert count() == 3
    srcad.check_grads(f, (X,), order=2)


def _reads_before(x):
    total = 0.0

    def add(v):
        nonlocal total
        total = total + v
        return v

    return total + add(x[0])  # Python reads total before the call


def _from_another_nested(x):
    total = 0.0

    def add(v):
        nonlocal total
        total = total + v

    def twice(v):
        add(v)
        add(v)

    twice(x[0])
    return total


def _shared():
    c = 0.0

    def bump():
        nonlocal c
        c = c + 1.0

    def f(x):
        nonlocal c
        bump()  # writes c while f runs
        return np.sum(x) * c

    return f


@pytest.mark.parametrize("f", [_reads_before, _from_another_nested, _shared()])
def test_nonlocal_srcad_does_not_lift_is_refused(f):
    with pytest.raises(srcad.SrcadError, match="nonlocal") as info:
        srcad.grad(f)(X)
    assert "test_nonlocal.py" in str(info.value)


def test_golden_own_nonlocal():
    c = 1.0

    def f(x):
        nonlocal c
        c = c + x
        for c in range(2):
            x = x * c
        return x

    fdef = gast.parse(textwrap.dedent(inspect.getsource(f))).body[0]
    cells: dict = {}
    lower_own_nonlocals(fdef, Namespace.of(f), "<f>", cells)
    expected = """
        def f(x):
            c = read_cell(c_cell)
            c = c + x
            write_cell(c_cell, c)
            for c in range(2):
                write_cell(c_cell, c)
                x = x * c
            return x
    """
    assert S.to_source(fdef).strip() == textwrap.dedent(expected).strip()
    assert cells["c_cell"].cell is f.__closure__[0] and c == 1.0


class _Binder:
    """What lift asks of srcad.build.binder.Binder: an empty namespace, names bound as asked."""

    def __init__(self):
        self.bound = {}
        self.namespace = Namespace({}, {})

    def bind_as(self, name, cell):
        self.bound[name] = cell

    def bind(self, preferred, obj):
        self.bound[preferred] = obj
        return preferred


def test_golden_nonlocal_lifting():
    fdef = gast.parse(
        textwrap.dedent(
            """
            def f(x):
                total = 0.0
                def add(v):
                    nonlocal total
                    total = total + v
                    return v
                y = add(x)
                return total + y
            """
        )
    ).body[0]
    lifted = []

    def compile_def(node, cells, defaults, label):
        lifted.append(S.to_source(node).strip())
        return None

    out = closures.lift(fdef, Namer(S.all_names(fdef)), _Binder(), "<golden>", compile_def)
    assert lifted == [
        textwrap.dedent(
            """
            def add2(total, v):
                total = total + v
                return (v, total)
                return (None, total)
            """
        ).strip()
    ]
    assert (
        S.to_source(out).strip()
        == textwrap.dedent(
            """
        def f(x):
            total = 0.0
            returned = add2(total, x)
            total = returned[1]
            y = returned[0]
            return total + y
        """
        ).strip()
    )
