"""Derivatives through scipy.integrate.odeint and solve_ivp, against central differences."""

from __future__ import annotations

import numpy as np
import pytest

import srcad

scipy_integrate = pytest.importorskip("scipy.integrate")

RTOL = ATOL = 1e-10  # tight, so that differences of solves are accurate
T = np.linspace(0.0, 4.0, 9)
Y0 = np.array([1.0, 0.3])
DAMPING = 0.25


def pendulum(y, t, b, g):
    theta, omega = y[0], y[1]
    return np.array([omega, -b * omega - g * np.sin(theta) + 0.1 * np.cos(t)])


def pendulum_tfirst(t, y, b, g):
    return pendulum(y, t, b, g)


def odeint_loss(y0, t, b):
    ys = scipy_integrate.odeint(pendulum, y0, t, args=(b, 9.81), rtol=RTOL, atol=ATOL)
    return np.sum(ys[:, 0] ** 2) + np.sum(np.sin(ys[:, 1]) * t)


def central(f, x, h=3e-3):
    """Central differences (five-point stencil) of the scalar f at x (a float or an array).

    An adaptive solver's result is smooth only up to its tolerance (its step sequence
    changes with the inputs), so the step is large and the stencil of fourth order."""

    def stencil(g):
        return (8 * (g(h) - g(-h)) - (g(2 * h) - g(-2 * h))) / (12 * h)

    if np.ndim(x) == 0:
        return stencil(lambda s: f(x + s))
    x = np.asarray(x, dtype=float)
    out = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[i] = 1.0
        out[i] = stencil(lambda s, e=e: f(x + s * e))
    return out


def relative_error(got, want) -> float:
    got, want = np.ravel(got), np.ravel(want)
    return float(np.linalg.norm(got - want) / np.linalg.norm(want))


def test_odeint_pendulum_gradient_matches_central_differences():
    g_y0, g_t, g_b = srcad.grad(odeint_loss, argnums=(0, 1, 2))(Y0, T, DAMPING)
    fd_y0 = central(lambda v: odeint_loss(v, T, DAMPING), Y0)
    fd_t = central(lambda v: odeint_loss(Y0, v, DAMPING), T)
    fd_b = central(lambda v: odeint_loss(Y0, T, v), DAMPING)
    assert relative_error(g_y0, fd_y0) < 1e-6
    assert relative_error(g_t, fd_t) < 1e-6
    assert relative_error(g_b, fd_b) < 1e-6


def test_odeint_forward_mode_matches_central_differences():
    direction = (np.array([0.3, -1.0]), np.linspace(-0.1, 0.2, 9), 0.7)
    _, tangent = srcad.jvp(odeint_loss, (Y0, T, DAMPING), direction)
    fd = central(
        lambda h: odeint_loss(Y0 + h * direction[0], T + h * direction[1], DAMPING + h * 0.7),
        0.0,
    )
    assert abs(tangent - fd) < 1e-6 * abs(fd)


def test_odeint_jacobians_both_modes():
    def states(y0, b):
        return scipy_integrate.odeint(pendulum, y0, T[:4], args=(b, 9.81), rtol=RTOL, atol=ATOL)

    want = np.stack(
        [central(lambda v, k=k: states(v, DAMPING).ravel()[k], Y0) for k in range(8)]
    ).reshape(4, 2, 2)
    for transform in (srcad.jacfwd, srcad.jacrev):
        got = transform(states)(Y0, DAMPING)
        assert relative_error(got, want) < 1e-6
    srcad.check_grads(states, (Y0, DAMPING), order=1, rtol=1e-5, atol=1e-6)


def test_odeint_tfirst_and_single_argument():
    def rhs(t, y, b):
        return -b * y * (1.0 + 0.5 * np.sin(t))

    def loss(y0, b):
        ys = scipy_integrate.odeint(rhs, y0, T, args=(b,), tfirst=True, rtol=RTOL, atol=ATOL)
        return np.sum(ys**2)

    g_y0, g_b = srcad.grad(loss, argnums=(0, 1))(np.array([1.0, 2.0]), 0.4)
    assert relative_error(g_y0, central(lambda v: loss(v, 0.4), np.array([1.0, 2.0]))) < 1e-6
    assert relative_error(g_b, central(lambda v: loss(np.array([1.0, 2.0]), v), 0.4)) < 1e-6


def ivp_loss(method, t_eval):
    def loss(y0, t, b):
        sol = scipy_integrate.solve_ivp(
            pendulum_tfirst,
            (-0.5, 4.5),
            y0,
            method=method,
            t_eval=t,
            args=(b, 9.81),
            rtol=RTOL,
            atol=ATOL,
        )
        return np.sum(sol.y[0] ** 2) + np.sum(np.sin(sol.y[1]) * sol.t)

    return loss


@pytest.mark.parametrize("method", ["RK45", "DOP853", "LSODA"])
def test_solve_ivp_gradient_matches_central_differences(method):
    loss = ivp_loss(method, T)
    g_y0, g_t, g_b = srcad.grad(loss, argnums=(0, 1, 2))(Y0, T, DAMPING)
    assert relative_error(g_y0, central(lambda v: loss(v, T, DAMPING), Y0)) < 1e-6
    assert relative_error(g_t, central(lambda v: loss(Y0, v, DAMPING), T)) < 1e-6
    assert relative_error(g_b, central(lambda v: loss(Y0, T, v), DAMPING)) < 1e-6


def test_solve_ivp_forward_mode_and_time_span():
    def final(y0, t1, b):
        sol = scipy_integrate.solve_ivp(
            pendulum_tfirst, (0.0, t1), y0, method="DOP853", args=(b, 9.81), rtol=RTOL, atol=ATOL
        )
        return sol["y"][:, -1]  # the result's items are its attributes

    want_t1 = central(lambda v: final(Y0, v, DAMPING)[0], 3.0)
    _, tangent = srcad.jvp(final, (Y0, 3.0, DAMPING), (np.zeros(2), 1.0, 0.0))
    assert abs(tangent[0] - want_t1) < 1e-6 * abs(want_t1)
    jac = srcad.jacrev(final)(Y0, 3.0, DAMPING)
    want = np.stack([central(lambda v, k=k: final(v, 3.0, DAMPING)[k], Y0) for k in range(2)])
    assert relative_error(jac, want) < 1e-6
    srcad.check_grads(final, (Y0, 3.0, DAMPING), order=1, rtol=1e-5, atol=1e-6)


def test_solve_ivp_interior_steps_without_t_eval_are_refused():
    def every_step(y0):
        sol = scipy_integrate.solve_ivp(pendulum_tfirst, (0.0, 1.0), y0, args=(0.1, 9.81))
        return np.sum(sol.y)

    with pytest.raises(srcad.SrcadError, match="t_eval"):
        srcad.grad(every_step)(Y0)
    _, tangent = srcad.jvp(every_step, (Y0,), (np.ones(2),))
    assert np.isnan(tangent)


def test_odeint_of_a_lambda():
    # a lambda passed as a value is lifted to a function of its own (runtime dispatch)
    def with_lambda(y0):
        f = lambda y, t: -y  # noqa: E731
        return np.sum(scipy_integrate.odeint(f, y0, T))

    expected = np.sum(np.exp(-T))
    np.testing.assert_allclose(srcad.grad(with_lambda)(Y0), [expected, expected], rtol=1e-6)


def test_refusals():

    def with_events(y0):
        sol = scipy_integrate.solve_ivp(
            pendulum_tfirst, (0.0, 1.0), y0, args=(0.1, 9.81), events=lambda t, y, b, g: y[0]
        )
        return np.sum(sol.y[:, -1])

    with pytest.raises(srcad.SrcadError, match="events"):
        srcad.grad(with_events)(Y0)

    def full_output(y0):
        ys, _info = scipy_integrate.odeint(pendulum, y0, T, args=(0.1, 9.81), full_output=True)
        return np.sum(ys)

    with pytest.raises(srcad.SrcadError, match="full_output"):
        srcad.grad(full_output)(Y0)

    def second(b):
        return np.sum(scipy_integrate.odeint(pendulum, Y0, T, args=(b, 9.81)))

    with pytest.raises(srcad.SrcadError):
        srcad.grad(srcad.grad(second))(0.3)


def test_lists_and_integer_args():
    def growth(y, t, rate, n):
        return rate * y / n

    def loss(rate):
        ys = scipy_integrate.odeint(growth, [1.0, 2.0], [0.0, 0.5, 1.0], args=(rate, 2.0))
        return ys[-1, 0] + ys[-1, 1]

    np.testing.assert_allclose(srcad.grad(loss)(0.3), 1.5 * np.exp(0.15), rtol=1e-6)

    def integer(rate):
        ys = scipy_integrate.odeint(growth, [1.0, 2.0], [0.0, 1.0], args=(rate, 2))
        return ys[-1, 0]

    with pytest.raises(srcad.SrcadError, match="default argument"):
        srcad.grad(integer)(0.3)
