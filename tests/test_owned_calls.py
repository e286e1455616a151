"""Helpers that change an argument in place and return it (srcad.analyze.owned).

CFD and physics code sets boundary conditions, or runs a relaxation step, in a helper that
writes into the array it is given and returns it (``u = bc(u)``). When the caller hands a
new array over and reads it only through what the helper returns, srcad differentiates the
call as a functional update (the generated helper copies the array first). Where another
name may still see the array (an alias, a view, a container, the caller reading it after
the call, the same array given twice), the call is refused at the user's line.

References: central differences (srcad.check_grads, both modes, order 2, and a hand-written
central difference of the gradient) and the hand derivative where one is short.
"""

from __future__ import annotations

import numpy as np
import pytest

import srcad

X = np.linspace(0.1, 1.0, 6)
GRID = 0.1 + 0.05 * np.arange(30.0).reshape(5, 6) % 0.7


def central_grad(f, x, eps=1e-6):
    g = np.zeros(x.shape)
    for k in np.ndindex(x.shape):
        e = np.zeros(x.shape)
        e[k] = eps
        g[k] = (f(x + e) - f(x - e)) / (2 * eps)
    return g


def check(f, x):
    """grad against central differences; jvp, vjp and second order through check_grads."""
    expected = central_grad(f, x)
    before = x.copy()
    np.testing.assert_allclose(srcad.grad(f)(x), expected, rtol=1e-5, atol=1e-7)
    np.testing.assert_array_equal(x, before)  # the argument is left alone
    srcad.check_grads(f, (x,), order=2, modes=("fwd", "rev"))


def refused(f, x, match: str):
    """Refused in both modes, with the user's file and line."""
    for run in (lambda: srcad.grad(f)(x), lambda: srcad.jvp(f, (x,), (np.ones_like(x),))):
        with pytest.raises(srcad.SrcadError, match=match) as info:
            run()
        assert "test_owned_calls.py:" in str(info.value)


# ----------------------------------------------------------------------------- helpers


def set_boundaries(u):
    u[0] = 0.0
    u[-1] = 1.0
    return u


def set_walls(p):
    p[:, 0] = 0.0
    p[:, -1] = p[:, -2]
    p[0, :] = p[1, :]
    p[-1, :] = 0.0
    return p


def relax(p, src):
    pn = p.copy()
    p[1:-1, 1:-1] = (
        0.25 * (pn[1:-1, 2:] + pn[1:-1, :-2] + pn[2:, 1:-1] + pn[:-2, 1:-1]) - src[1:-1, 1:-1]
    )
    return set_walls(p)


def project(vx, vy):
    div = np.roll(vx, -1) - np.roll(vx, 1)
    vx -= 0.5 * div
    vy *= 1.0 + 0.1 * vx
    return vx, vy


def fill(out, x):
    out[1:-1] = x[1:-1] ** 2
    return out


# ----------------------------------------------------------------------------- accepted


def test_jacobi_iteration_with_a_boundary_helper():
    def jacobi(x):
        u = np.zeros_like(x)
        u[1:-1] = x[1:-1]
        for _ in range(3):
            un = u.copy()
            u[1:-1] = 0.5 * (un[2:] + un[:-2]) + x[1:-1] ** 2
            u = set_boundaries(u)
        return np.sum(u**2)

    check(jacobi, X)


def test_poisson_relaxation_on_a_grid_with_nested_helpers():
    def poisson(src):
        p = np.zeros((5, 6))
        for _ in range(4):
            p = relax(p, src)
        return np.sum(p**2) + np.sum(p * src)

    check(poisson, GRID)


def test_a_helper_returning_two_arguments_it_changed():
    def flow(x):
        vx = x * 1.0
        vy = np.sin(x)
        for _ in range(2):
            vx, vy = project(vx, vy)
        return np.sum(vx * vy)

    check(flow, X)


def test_a_copy_passed_to_the_helper_keeps_the_caller_s_array():
    def f(x):
        u = x**2
        v = set_boundaries(u.copy())
        return np.sum(u * v)

    check(f, X)


def test_an_output_buffer_filled_by_a_helper():
    def f(x):
        out = fill(np.zeros(6), x)
        return np.sum(np.sin(out) * x)

    check(f, X)


def test_the_result_of_a_helper_changed_in_place_afterwards():
    def f(x):
        u = set_boundaries(x * 2.0)
        u[2] = x[3] ** 3  # the helper's array is the caller's own now
        return np.sum(u**2)

    check(f, X)


def test_values_read_before_the_call_stay_as_they_were_for_the_backward_sweep():
    def f(x):
        u = x * 1.0
        s = np.sum(u * u * x)  # its adjoint reads u as it was before the call
        u = set_boundaries(u)
        return s + np.sum(u * x)

    check(f, X)


def test_a_helper_whose_result_is_not_differentiated_is_refused_as_before():
    def f(x):
        u = x * 1.0
        set_boundaries(u)
        return np.sum(x**2)

    with pytest.raises(srcad.SrcadError, match="changes .u. in place"):
        srcad.grad(f)(X)


def test_a_fresh_array_rebound_in_a_loop_after_item_assignments():
    # issue 15 item 5: refused as "may share memory" once
    def f(x):
        a = np.zeros(4)
        a[1:3] = 1
        for _ in range(3):
            a = a * x
        return np.sum(a)

    check(f, X[:4])


def test_a_fresh_result_changed_in_place_at_second_order():
    # issue 15 item 5: the second derivative used to be refused inside generated code
    def h(x):
        return np.exp(x)

    def f(x):
        u = h(x)
        u[0] = 5.0
        return np.sum(u * u)

    check(f, X)


def test_branches_that_cannot_run_for_the_call_are_not_analysed():
    # issue 15 item 5: isinstance(x, dict) for a list, hasattr(np, "trapezoid")
    def by_kind(x):
        if isinstance(x, dict):
            x.clear()
            return x["a"]
        return np.sum(np.asarray(x) ** 2)

    def integrate(x):
        if hasattr(np, "trapezoid"):
            return np.trapezoid(x**2)
        return np.trapz(x**2)

    g = srcad.grad(by_kind)([1.0, 2.0])
    np.testing.assert_allclose(g, [2.0, 4.0])
    srcad.check_grads(by_kind, ([1.0, 2.0],), order=2, modes=("fwd", "rev"))
    check(integrate, X)


# ----------------------------------------------------------------------------- refused


def test_reading_the_array_after_the_call_is_refused():
    def f(x):
        u = x * 1.0
        v = set_boundaries(u)
        return np.sum(u * v)  # u is v's object: it changed too

    refused(f, X, "reads 'u' after the call")


def test_the_fill_in_place_style_without_the_result_is_refused():
    def f(x):
        u = x * 1.0
        w = set_boundaries(u)
        return np.sum(u**2) + 0.0 * np.sum(w)

    refused(f, X, "reads 'u' after the call")


def test_an_alias_made_before_the_call_is_refused():
    def f(x):
        u = x * 1.0
        w = u
        u = set_boundaries(u)
        return np.sum(w * x) + np.sum(u)

    refused(f, X, "another name or container")


def test_a_view_read_after_the_call_is_refused():
    def f(x):
        u = x * 1.0
        inner = u[1:]
        u = set_boundaries(u)
        return np.sum(inner * x[1:]) + np.sum(u)

    refused(f, X, "view")


def test_a_container_holding_the_array_is_refused():
    def f(x):
        u = x * 1.0
        held = [u]
        u = set_boundaries(u)
        return np.sum(held[0] * x) + np.sum(u)

    refused(f, X, "another name or container")


def test_an_argument_of_the_caller_is_refused():
    def f(x):
        return np.sum(set_boundaries(x) ** 2)

    refused(f, X, "argument")


def test_the_same_array_given_twice_is_refused():
    def f(x):
        u = x * 1.0
        u, w = project(u, u)
        return np.sum(u * w)

    refused(f, X, "given 'u' twice")


def test_a_view_given_as_another_argument_is_refused():
    def f(x):
        u = x * 1.0
        u, w = project(u, u[::-1])
        return np.sum(u * w)

    refused(f, X, "view of 'u'")


def test_the_next_pass_of_a_loop_reading_the_array_is_refused():
    def f(x):
        u = x * 1.0
        total = 0.0
        for _ in range(2):
            v = set_boundaries(u)
            total = total + np.sum(v * x)
        return total

    refused(f, X, "next pass of a loop")


def test_a_nested_function_reading_the_array_is_refused():
    def f(x):
        u = x * 1.0

        def energy():
            return np.sum(u**2)

        v = set_boundaries(u)
        return energy() + np.sum(v)

    refused(f, X, "reads 'u' after the call")


def test_a_helper_returning_another_argument_leaves_that_one_shared():
    def swap_out(u, w):
        u[0] = 1.0
        return w

    def f(x):
        u = x * 1.0
        w = x * 2.0
        r = swap_out(u, w)
        r[1] = 3.0  # r is w
        return np.sum(w * x) + np.sum(r)

    refused(f, X, "'r' may share memory")
