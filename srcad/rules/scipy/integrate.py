"""Rules for scipy.integrate.odeint and solve_ivp, to first order.

The derivatives are ODE solves of their own (sensitivities forward, the adjoint backward:
see `srcad.helpers.ode`), by the same solver with the caller's tolerances, with respect to
the initial state, the time points and the parameters passed through ``args``. The
right-hand side is the user's numpy function, which srcad differentiates; it reaches the
rule as the function object itself (a global, or an argument of the differentiated
function). A function defined inside the differentiated function (a lambda, a nested def)
cannot be passed on: srcad refuses it where it is passed.

solve_ivp returns a dict-like result: its "t" and "y" entries (``sol.t``, ``sol.y``) carry
derivatives. events= is refused (the event times depend on the inputs); without t_eval=,
only the first and last times are differentiated (the solver's own steps move with the
inputs). The helpers have no rules: a second derivative through a solve is refused.
"""

from __future__ import annotations

import scipy.integrate

from ...helpers import ode
from ..template import d, jvp_rule, nb, nondiff, returns, vjp_rule

nondiff(ode.odeint_options, ode.ivp_options)
returns("dict", scipy.integrate.solve_ivp)


@vjp_rule(scipy.integrate.odeint)
def _(
    ans,
    func,
    y0,
    t,
    args=(),
    Dfun=None,  # noqa: N803 - odeint's own name
    col_deriv=0,
    full_output=0,
    ml=None,
    mu=None,
    rtol=None,
    atol=None,
    tcrit=None,
    h0=0.0,
    hmax=0.0,
    hmin=0.0,
    ixpr=0,
    mxstep=0,
    mxhnil=0,
    mxordn=12,
    mxords=5,
    printmessg=0,
    tfirst=False,
):
    options = ode.odeint_options(rtol, atol, tcrit, h0, hmax, hmin, mxstep, full_output, tfirst)
    g_y0, g_t, g_args = ode.odeint_vjp(func, y0, t, args, ans, d[ans], nb, options)
    d[y0] = g_y0
    d[t] = g_t
    d[args] = g_args


@jvp_rule(scipy.integrate.odeint)
def _(
    ans,
    func,
    y0,
    t,
    args=(),
    Dfun=None,  # noqa: N803 - odeint's own name
    col_deriv=0,
    full_output=0,
    ml=None,
    mu=None,
    rtol=None,
    atol=None,
    tcrit=None,
    h0=0.0,
    hmax=0.0,
    hmin=0.0,
    ixpr=0,
    mxstep=0,
    mxhnil=0,
    mxordn=12,
    mxords=5,
    printmessg=0,
    tfirst=False,
):
    options = ode.odeint_options(rtol, atol, tcrit, h0, hmax, hmin, mxstep, full_output, tfirst)
    d[ans] = ode.odeint_jvp(func, y0, t, args, ans, d[y0], d[t], d[args], nb, options)


@vjp_rule(scipy.integrate.solve_ivp)
def _(
    ans,
    fun,
    t_span,
    y0,
    method="RK45",
    t_eval=None,
    dense_output=False,
    events=None,
    vectorized=False,
    args=None,
    *,
    rtol=None,
    atol=None,
    first_step=None,
    max_step=None,
    min_step=None,
    jac=None,
):
    options = ode.ivp_options(rtol, atol, first_step, max_step, min_step, events, dense_output)
    g_span, g_y0, g_eval, g_args = ode.ivp_vjp(
        fun, t_span, y0, method, t_eval, args, options, ans, d[ans], nb
    )
    d[t_span] = g_span
    d[y0] = g_y0
    d[t_eval] = g_eval
    d[args] = g_args


@jvp_rule(scipy.integrate.solve_ivp)
def _(
    ans,
    fun,
    t_span,
    y0,
    method="RK45",
    t_eval=None,
    dense_output=False,
    events=None,
    vectorized=False,
    args=None,
    *,
    rtol=None,
    atol=None,
    first_step=None,
    max_step=None,
    min_step=None,
    jac=None,
):
    options = ode.ivp_options(rtol, atol, first_step, max_step, min_step, events, dense_output)
    d[ans] = ode.ivp_jvp(
        fun,
        t_span,
        y0,
        method,
        t_eval,
        args,
        options,
        ans,
        d[t_span],
        d[y0],
        d[t_eval],
        d[args],
        nb,
    )
