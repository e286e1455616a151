"""Golden tests for buffer reuse (optimize/buffers.py): which arrays an elementwise result is
written into, which are deleted, and which are never touched (a parameter, a copy, a value a
return, a call, a tape or a loop reads, a result of another shape or dtype); and gradients
through the pass checked against hand-written derivatives and finite differences."""

from __future__ import annotations

import textwrap

import gast
import numpy as np
import pytest

import srcad
from srcad.ir import syntax as S
from srcad.optimize import buffers

NAMES = {"np.exp": np.exp, "np.tanh": np.tanh, "np.sum": np.sum, "np.square": np.square}


def resolve(func):
    return NAMES.get(S.to_source(func).strip())


def reused(source: str, arrays=("x",)) -> str:
    stmts = gast.parse(textwrap.dedent(source)).body
    shapes = {name: ("param", name) for name in arrays}
    return S.to_source(buffers.reuse(stmts, shapes, resolve)).strip()


def same(source: str, arrays=("x",)) -> None:
    assert reused(source, arrays) == S.to_source(gast.parse(textwrap.dedent(source))).strip()


def dedent(text: str) -> str:
    return textwrap.dedent(text).strip()


def test_the_elementwise_chain_writes_into_dying_arrays_and_deletes_them():
    assert reused("""
        t = np.tanh(x)
        t4 = np.exp(-x)
        bx = -(t ** 2 * t4)
        bx = bx + t4 * (2 * t) * (1.0 - t * t)
        y = bx * 3.0
        return y
    """) == dedent("""
        t = np.tanh(x)
        t4 = np.exp(-x)
        bx = -(t ** 2 * t4)
        t4 *= 2 * t
        t *= t
        t4 *= 1.0 - t
        del t
        bx += t4
        del t4
        y = bx * 3.0
        return y
    """)


def test_only_a_statement_s_own_target_takes_its_result_in_place():
    # `u = t; del t` would make an alias that a transform of this code (hessian) refuses,
    # and `np.exp(t, out=t)` a write it refuses: a result goes into a dying operand only
    # inside the expression, or where the operand is the target itself
    assert reused("""
        t = np.tanh(x)
        u = np.exp(t)
        v = (u + 1) * 2.0
        v = v * u
        return v
    """) == dedent("""
        t = np.tanh(x)
        u = np.exp(t)
        del t
        v = (u + 1) * 2.0
        v *= u
        return v
    """)


def test_a_parameter_is_never_written():
    same("""
        y = x * 2.0
        z = np.exp(x)
        return z + y
    """)


def test_values_read_elsewhere_are_never_written():
    # a copy, a return, a call, an append (a tape), a loop: each keeps a reference
    for reader in ("s = t", "tape.append(t)", "s = f(t)", "for i in r:\n    s = t * i"):
        source = f"""
        t = np.tanh(x)
        {textwrap.indent(reader, "        ").strip()}
        u = t * 2.0
        return u
        """
        out = reused(source)
        assert "t *=" not in out and "del t" not in out, out


def test_a_value_returned_is_never_written():
    same("""
        t = np.tanh(x)
        u = t * 2.0
        return (t, u)
    """)


def test_results_of_another_layout_are_not_written_into_an_array():
    # tanh(x) and tanh(y) may differ in shape or dtype; x * 2 may be an int array
    same(
        """
        t = np.tanh(x)
        u = np.tanh(y)
        v = t * u
        w = x * 2
        z = w * 0.5
        return (v, z)
    """,
        arrays=("x", "y"),
    )


def test_a_value_still_read_later_in_the_statement_is_not_written():
    assert reused("""
        t = np.tanh(x)
        u = 2 * t * (1.0 - t * t)
        v = u * 1.0
        return v
    """) == dedent("""
        t = np.tanh(x)
        u = 2 * t * (1.0 - t * t)
        del t
        v = u * 1.0
        return v
    """)


def test_a_name_assigned_in_a_branch_is_left_alone():
    same("""
        t = np.tanh(x)
        if c:
            t = np.exp(x)
        u = t * 2.0
        return u
    """)


def chain(x):
    return np.sum(np.tanh(x) ** 2 * np.exp(-x))


def chain_grad(x):
    t = np.tanh(x)
    return np.exp(-x) * (2 * t * (1 - t**2) - t**2)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_the_chain_gradient_matches_the_hand_written_one_and_leaves_x_alone(dtype):
    x = np.linspace(-2, 2, 7).astype(dtype)
    before = x.copy()
    g = srcad.grad(chain)(x)
    assert g.dtype == dtype and np.array_equal(x, before)
    tol = 1e-12 if dtype == np.float64 else 1e-5
    np.testing.assert_allclose(g, chain_grad(x.astype(np.float64)), rtol=tol, atol=tol)


def two_inputs(x, y):
    a = np.tanh(x) * np.exp(y)
    b = a * a + np.tanh(y)
    return np.sum(b * x)


def test_mixed_shapes_and_dtypes_against_finite_differences():
    rng = np.random.default_rng(0)
    for x, y in (
        (rng.standard_normal(4), rng.standard_normal(4)),
        (rng.standard_normal((3, 4)), rng.standard_normal(4)),  # broadcast
        (rng.standard_normal(4).astype(np.float32), rng.standard_normal(4)),
        (rng.standard_normal(4), 0.3),
    ):
        xs, ys = np.copy(x), np.copy(y)
        srcad.check_grads(two_inputs, (np.float64(x) if np.ndim(x) == 0 else x, y), order=1)
        gx, gy = srcad.grad(two_inputs, argnums=(0, 1))(x, y)
        assert np.array_equal(x, xs) and np.array_equal(y, ys)
        assert np.shape(gx) == np.shape(x) and np.shape(gy) == np.shape(y)


def rewritten_in_place(x):
    t = np.tanh(x)
    u = np.exp(t)
    return np.sum(u * t**2 * np.exp(-x))


def test_code_with_buffers_reused_is_differentiated_again():
    # grad's code writes in place (bt *= 1.0 - t); hessian and jvp of grad read that code
    x = np.linspace(-1, 1, 4)
    g = srcad.grad(rewritten_in_place)
    g(x)
    assert "*=" in g.source and "del " in g.source
    srcad.check_grads(rewritten_in_place, (x,), order=2)
    srcad.check_grads(chain, (x,), order=2)
    eps = 1e-6
    h = srcad.hessian(rewritten_in_place)(x)
    fd = np.array([(g(x + eps * e) - g(x - eps * e)) / (2 * eps) for e in np.eye(4)])
    np.testing.assert_allclose(h, fd, rtol=1e-6, atol=1e-8)


def test_value_and_grad_keeps_the_value():
    x = np.linspace(-1, 1, 5)
    value, g = srcad.value_and_grad(chain)(x)
    assert value == pytest.approx(chain(x))
    np.testing.assert_allclose(g, chain_grad(x), rtol=1e-12)


def _random_program(rng) -> str:
    """Straight-line elementwise code over parameters x, y (arrays) and s (a number), with
    some values also appended to a list or returned."""
    names = ["x", "y", "s"]
    lines = []
    for k in range(rng.integers(3, 9)):

        def operand():
            pick = rng.integers(0, 6)
            if pick == 0:
                return repr([2, 0.5, 1.0, 3][rng.integers(0, 4)])
            if pick < 3 or len(names) == 3:
                return names[rng.integers(0, len(names))]
            return names[rng.integers(max(3, len(names) - 3), len(names))]  # a recent value

        def expr(depth):
            kind = rng.integers(1 if depth == 0 else 0, 4 if depth < 2 else 1)
            if kind == 0:
                return operand()
            if kind == 1:
                func = ["np.tanh", "np.exp", "np.square"][rng.integers(0, 3)]
                return f"{func}({expr(depth + 1)})"
            if kind == 2:
                return f"-({expr(depth + 1)})"
            op = ["+", "-", "*", "/"][rng.integers(0, 4)]
            return f"({expr(depth + 1)} {op} {expr(depth + 1)})"

        target = (
            names[rng.integers(3, len(names))] if len(names) > 3 and rng.random() < 0.3 else f"t{k}"
        )
        lines.append(f"{target} = {expr(0)}")
        if rng.random() < 0.1:
            lines.append(f"kept.append({target})")
        if target not in names:
            names.append(target)
    returned = ", ".join(names[-1:] + ["kept"])
    return "\n".join(lines + [f"return ({returned})"])


def _run(stmts, args):
    fdef = gast.parse("def f(x, y, s):\n    kept = []\n    pass").body[0]
    fdef.body = fdef.body[:1] + stmts
    module = gast.gast_to_ast(gast.Module(body=[fdef], type_ignores=[]))
    import ast

    namespace = {"np": np}
    exec(compile(ast.fix_missing_locations(module), "<buffers>", "exec"), namespace)
    with np.errstate(all="ignore"):
        try:
            return namespace["f"](*args)
        except Exception as error:  # noqa: BLE001 - the other version must fail the same way
            return type(error)


def _same_bits(want, got, source) -> None:
    if isinstance(want, (tuple, list)):
        assert type(got) is type(want) and len(got) == len(want), source
        for w, g in zip(want, got):
            _same_bits(w, g, source)
        return
    assert np.shape(want) == np.shape(got), source
    assert np.asarray(want).dtype == np.asarray(got).dtype, source
    assert np.array_equal(want, got, equal_nan=True), source


def test_random_programs_compute_the_same_bits_and_never_write_their_inputs():
    rng = np.random.default_rng(17)
    inputs = [
        (np.linspace(-1, 1, 6), np.linspace(0.5, 2, 6), 0.25),
        (np.linspace(-1, 1, 6).astype(np.float32), np.linspace(0.5, 2, 6), np.float32(2)),
        (np.arange(6), np.linspace(0.5, 2, 6).reshape(6, 1), 3),
        (np.linspace(-1, 1, 6), np.arange(6.0)[:, None] * 1j, 1.5),
    ]
    rewritten = 0
    for _ in range(300):
        source = _random_program(rng)
        stmts = gast.parse(source).body
        after = buffers.reuse(
            gast.parse(source).body, {"x": ("param", "x"), "y": ("param", "y"), "s": ()}, resolve
        )
        rewritten += S.to_source(after) != S.to_source(stmts)
        for args in inputs:
            inputs_before = [np.copy(a) for a in args]
            copies = [a.copy() if isinstance(a, np.ndarray) else a for a in args]
            want = _run(stmts, copies)
            got = _run(after, [a.copy() if isinstance(a, np.ndarray) else a for a in args])
            again = _run(after, args)
            assert all(np.array_equal(a, c) for a, c in zip(args, inputs_before)), source
            if isinstance(want, type):
                assert got is want and again is want, source
                continue
            _same_bits(want, got, source)
            _same_bits(want, again, source)
    assert rewritten > 40


def test_a_body_with_a_function_or_generator_is_left_alone():
    # a lambda or generator reads `t` when it runs, after the statement it stands in
    for late in ("g = lambda: t", "g = (t * i for i in r)"):
        same(f"""
            t = np.tanh(x)
            {late}
            u = t * 2.0
            v = u * 3.0
            return (v, g)
        """)
