"""Run-time helpers for the ODE rules (`srcad.rules.scipy.integrate`): derivatives of
scipy.integrate.odeint and solve_ivp with respect to the initial state, the time points
and the parameters passed through ``args``.

For y' = f(y, t, *args), y(t0) = y0, with outputs y_i = y(t_i):

* forward (jvp): the sensitivity s = dy solves s' = f_y s + f_args d_args from
  s(t0) = dy0 - f(y0, t0) dt0, integrated together with y by the same solver with the
  caller's tolerances; then dy_i = s(t_i) + f(y_i, t_i) dt_i.
* reverse (vjp): the adjoint a solves a' = -a f_y backwards from the last output time,
  jumping by the cotangent g_i at each t_i, together with y (restarted at each t_i from the
  forward solution) and the parameters' adjoint, whose rate is -a f_args. Then
  ybar0 = a(t0), tbar_i = g_i . f(y_i, t_i), and t0 also moves the start of the
  trajectory: tbar0 = -a(t0) . f(y0, t0) (with t0 = t_0, the two add up).

The right-hand side f is the user's numpy function: srcad differentiates it (srcad.jvp,
srcad.vjp). A batch of directions (jacfwd, jacrev) is solved one direction at a time, so each
gives exactly what a single one gives. These helpers have no rules of their own: a second
derivative through an ODE solve is refused (srcad names the helper that has no rule).
"""

from __future__ import annotations

import numpy as np
import scipy.integrate

from .. import runtime as rt
from ..errors import InputTypeError, UnsupportedOperationError

# ----------------------------------------------------------------------------- the rhs


class _Rhs:
    """The user's right-hand side, called as f(y, t) with its derivatives from srcad."""

    def __init__(self, func, args, tfirst: bool):
        self.func = func
        self.args = _args_tuple(args)
        self.tfirst = tfirst
        for i, value in enumerate(self.args):
            _require_float(value, i)

    def _order(self, y, t):
        return (t, y) if self.tfirst else (y, t)

    def value(self, y, t):
        return np.asarray(self.func(*self._order(y, t), *self.args), dtype=float).ravel()

    def jvp(self, y, t, dy, dargs):
        import srcad

        primals = (*self._order(y, t), *self.args)
        tangents = (*self._order(dy, 0.0 * t), *dargs)
        out, tangent = srcad.jvp(self.func, primals, tangents)
        return (
            np.asarray(out, dtype=float).ravel(),
            np.asarray(tangent, dtype=float).ravel(),
        )

    def vjp(self, y, t, a):
        """f(y, t) and the cotangents a f_y, a f_t, a f_args."""
        import srcad

        out, pullback = srcad.vjp(self.func, *self._order(y, t), *self.args)
        if isinstance(out, (list, tuple)):
            cotangent = type(out)(float(v) for v in a)
        else:
            cotangent = np.reshape(a, np.shape(out)).astype(np.result_type(out, 1.0))
        grads = pullback(cotangent)
        g_y, g_t = (grads[1], grads[0]) if self.tfirst else (grads[0], grads[1])
        return np.asarray(out, dtype=float).ravel(), np.ravel(g_y), g_t, grads[2:]


def _require_float(value, i) -> None:
    """srcad differentiates the right-hand side in every value passed through args=."""
    for leaf in _leaves(value):
        if not np.issubdtype(np.result_type(leaf), np.inexact):
            raise InputTypeError(
                f"args[{i}] of the ODE solve holds a {np.result_type(leaf)} value; srcad "
                "differentiates the right-hand side with respect to every value passed "
                "through args=, which must be floats (or float arrays)",
                hint="pass integers and other constants another way: a default argument of "
                "the right-hand side, or a global",
            )


def _args_tuple(args):
    if args is None:
        return ()
    return args if isinstance(args, tuple) else (args,)


# ----------------------------------------------------------------------------- pytrees


def _leaves(tree) -> list:
    if isinstance(tree, (list, tuple)):
        return [leaf for item in tree for leaf in _leaves(item)]
    if isinstance(tree, dict):
        return [leaf for key in tree for leaf in _leaves(tree[key])]
    return [tree]


def _flatten(tree) -> np.ndarray:
    leaves = [np.ravel(np.asarray(leaf, dtype=float)) for leaf in _leaves(tree)]
    return np.concatenate(leaves) if leaves else np.zeros(0)


def _unflatten(vector, like):
    """`vector` (as `_flatten` lays it out) in the structure and shapes of `like`."""
    position = 0

    def build(node):
        nonlocal position
        if isinstance(node, (list, tuple)):
            items = [build(item) for item in node]
            return type(node)(items) if type(node) in (list, tuple) else type(node)(*items)
        if isinstance(node, dict):
            return {key: build(node[key]) for key in node}
        size = int(np.size(node))
        value = np.reshape(vector[position : position + size], np.shape(node))
        position += size
        return value if np.ndim(node) else float(value)

    return build(like)


def _direction(tree, j):
    """Direction `j` of a derivative whose leaves carry one leading direction axis."""
    if j is None:
        return tree
    if isinstance(tree, (list, tuple)):
        items = [_direction(item, j) for item in tree]
        return type(tree)(items) if type(tree) in (list, tuple) else type(tree)(*items)
    if isinstance(tree, dict):
        return {key: _direction(tree[key], j) for key in tree}
    return None if tree is None else np.asarray(tree)[j]


def _stack(trees):
    """The inverse of `_direction`: one leading axis over the directions."""
    first = trees[0]
    if isinstance(first, (list, tuple)):
        items = [_stack([t[i] for t in trees]) for i in range(len(first))]
        return type(first)(items) if type(first) in (list, tuple) else type(first)(*items)
    if isinstance(first, dict):
        return {key: _stack([t[key] for t in trees]) for key in first}
    if first is None:
        return None
    return np.stack([np.asarray(t) for t in trees])


def _per_direction(batch, count, solve):
    """`solve(j)` for each of the `count` directions (j None without direction axes)."""
    if batch == 0:
        return solve(None)
    if batch != 1:
        raise UnsupportedOperationError(
            "srcad differentiates ODE solves with at most one axis of directions",
            hint="compute Jacobians of the solve with jacfwd or jacrev, not nested in vmap-like "
            "batches",
        )
    return _stack([solve(j) for j in range(count)])


def _count(tree, batch) -> int:
    if batch == 0:
        return 0
    for leaf in _leaves(tree):
        if leaf is not None and np.ndim(leaf):
            return np.shape(leaf)[0]
    return 0


# ----------------------------------------------------------------------------- tolerances


def _tolerance(tol, n: int, extra: int):
    """A per-component tolerance for a state of `n` values of y followed by `extra` others
    (which get the smallest of y's)."""
    if tol is None or np.ndim(tol) == 0:
        return tol
    tol = np.broadcast_to(np.asarray(tol, dtype=float), (n,))
    return np.concatenate([tol, np.full(extra, tol.min())])


def _adjoint(rhs, t0, y0, times, ys, g, integrate):
    """Reverse pass over outputs ys[i] = y(times[i]) with cotangents g[i] (module docstring).

    `integrate(fun, z0, t_from, t_to)` returns the state at t_to of z' = fun(z, t).
    Returns ybar0, tbar0, the times' cotangents and the flat cotangent of the args."""
    n = np.shape(ys)[1]
    p = _flatten(rhs.args).size

    def dynamics(z, t):
        f, g_y, _g_t, g_args = rhs.vjp(z[:n], t, z[n : 2 * n])
        return np.concatenate([f, -g_y, -_flatten(g_args)])

    a = np.zeros(n)
    g_args = np.zeros(p)
    g_times = np.zeros(len(times))
    for i in range(len(times) - 1, -1, -1):
        g_times[i] = np.dot(g[i], rhs.value(ys[i], times[i]))
        a = a + g[i]
        target = times[i - 1] if i else t0
        if target != times[i]:
            z = integrate(dynamics, np.concatenate([ys[i], a, g_args]), times[i], target)
            a, g_args = z[n : 2 * n], z[2 * n :]
    g_t0 = -np.dot(a, rhs.value(y0, t0))
    return a, g_t0, g_times, g_args


# ----------------------------------------------------------------------------- odeint

_ODEINT_DERIVATIVE_OPTIONS = ("rtol", "atol", "tcrit", "hmax", "hmin", "mxstep", "mxhnil")


def odeint_options(rtol, atol, tcrit, h0, hmax, hmin, mxstep, full_output, tfirst):
    """The odeint options the derivative solves reuse (the Jacobian ones, Dfun=, ml=, mu=,
    describe the user's system, not the sensitivity or adjoint systems)."""
    if full_output:
        raise UnsupportedOperationError(
            "srcad does not differentiate odeint(..., full_output=True)",
            hint="call odeint without full_output in the differentiated function",
        )
    return {
        "rtol": rtol,
        "atol": atol,
        "tcrit": tcrit,
        "h0": h0,
        "hmax": hmax,
        "hmin": hmin,
        "mxstep": mxstep,
        "tfirst": tfirst,
    }


def _odeint_kwargs(options, n, extra, keep=_ODEINT_DERIVATIVE_OPTIONS + ("h0",)):
    kwargs = {k: v for k, v in options.items() if k in keep and v is not None}
    for key in ("rtol", "atol"):
        if key in kwargs:
            kwargs[key] = _tolerance(kwargs[key], n, extra)
    return kwargs


def _odeint_values(rhs, ys, t):
    return np.stack([rhs.value(y, s) for y, s in zip(ys, t)])


def odeint_jvp(func, y0, t, args, ans, d_y0, d_t, d_args, batch, options):
    """The tangent of odeint(func, y0, t, args) (module docstring)."""
    rhs = _Rhs(func, args, options["tfirst"])
    y0 = np.ravel(np.asarray(y0, dtype=float))
    t = np.asarray(t, dtype=float)
    ys = np.asarray(ans)
    n = y0.size
    f = _odeint_values(rhs, ys, t)
    kwargs = _odeint_kwargs(options, n, n)

    def solve(j):
        dy0 = np.ravel(_direction(d_y0, j))
        dt = np.asarray(_direction(d_t, j), dtype=float) * np.ones_like(t)
        dargs = _direction(d_args, j)
        dargs = _args_tuple(dargs) if dargs is not None else ()

        def dynamics(z, s):
            value, tangent = rhs.jvp(z[:n], s, z[n:], dargs)
            return np.concatenate([value, tangent])

        s0 = dy0 - f[0] * dt[0]
        z = scipy.integrate.odeint(dynamics, np.concatenate([y0, s0]), t, **kwargs)
        return z[:, n:] + f * dt[:, None]

    return _per_direction(batch, _count((d_y0, d_t, d_args), batch), solve)


def odeint_vjp(func, y0, t, args, ans, g, batch, options):
    """The cotangents (of y0, t, args) of odeint(func, y0, t, args) for the cotangent `g`
    of its result."""
    rhs = _Rhs(func, args, options["tfirst"])
    shape_y0 = np.shape(y0)
    y0_flat = np.ravel(np.asarray(y0, dtype=float))
    t_arr = np.asarray(t, dtype=float)
    n = y0_flat.size
    kwargs = _odeint_kwargs(options, n, n + _flatten(rhs.args).size, _ODEINT_DERIVATIVE_OPTIONS)

    def integrate(fun, z0, t_from, t_to):
        return scipy.integrate.odeint(fun, z0, [t_from, t_to], **kwargs)[-1]

    def solve(j):
        g_j = np.asarray(_direction(g, j), dtype=float)
        g_y0, g_t0, g_t, g_args = _adjoint(
            rhs, t_arr[0], y0_flat, t_arr, np.asarray(ans), g_j, integrate
        )
        g_t[0] += g_t0
        return (
            np.reshape(g_y0, shape_y0),
            _like(g_t, t),
            _unflatten(g_args, rhs.args) if args is not None else None,
        )

    result = _per_direction(batch, np.shape(g)[0] if batch else 0, solve)
    g_args = result[2]
    if isinstance(args, tuple) or g_args is None:
        return result
    return result[0], result[1], g_args[0]  # args= a single value, which odeint wraps


def _like(values, like):
    """Cotangents of the time points in the container type the caller gave them in."""
    if isinstance(like, (list, tuple)):
        return type(like)(float(v) for v in values)
    return np.reshape(values, np.shape(like))


# ----------------------------------------------------------------------------- solve_ivp


def ivp_options(rtol, atol, first_step, max_step, min_step, events, dense_output):
    """The solve_ivp options the derivative solves reuse (jac= describes the user's system,
    not the sensitivity or adjoint systems, and first_step= may not fit their intervals)."""
    if events is not None:
        raise UnsupportedOperationError(
            "srcad does not differentiate solve_ivp(..., events=...): the event times "
            "depend on the inputs",
            hint="integrate to fixed times (t_eval=) in the differentiated function",
        )
    given = {"rtol": rtol, "atol": atol, "max_step": max_step, "min_step": min_step}
    return {k: v for k, v in given.items() if v is not None}


def _ivp_kwargs(options, method, n, extra):
    kwargs = dict(options)
    if method != "LSODA":
        kwargs.pop("min_step", None)
    if "atol" in kwargs:
        kwargs["atol"] = _tolerance(kwargs["atol"], n, extra)
    return kwargs


def _solve(fun, t_span, z0, method, t_eval, kwargs):
    sol = scipy.integrate.solve_ivp(
        lambda s, z: fun(z, s), t_span, z0, method=method, t_eval=t_eval, **kwargs
    )
    if not sol.success:
        raise UnsupportedOperationError(
            f"the derivative of solve_ivp failed: its {method} solve stopped ({sol.message})",
            hint="tighten or loosen rtol/atol, or try another method",
        )
    return sol.y


def _interior_undefined(t_eval) -> bool:
    return t_eval is None


def ivp_jvp(
    fun, t_span, y0, method, t_eval, args, options, ans, d_span, d_y0, d_eval, d_args, batch
):
    """The tangent of sol = solve_ivp(fun, t_span, y0, ...): a dict with the tangents of
    sol["t"] and sol["y"] (the other entries are zeros).

    Without t_eval, the times are the solver's own steps, which move with the inputs in a
    way srcad does not follow: only the first and last columns get a tangent, the interior
    ones are NaN."""
    rhs = _Rhs(fun, args, tfirst=True)
    t0, t1 = float(t_span[0]), float(t_span[1])
    times = np.asarray(ans["t"], dtype=float)
    ys = np.asarray(ans["y"], dtype=float).T
    y0 = np.ravel(np.asarray(y0, dtype=float))
    n = y0.size
    f = _odeint_values(rhs, ys, times)
    f0 = rhs.value(y0, t0)
    kwargs = _ivp_kwargs(options, method, n, n)

    def solve(j):
        span = np.asarray(_direction(d_span, j), dtype=float) * np.ones(2)
        dy0 = np.ravel(_direction(d_y0, j))
        dargs = _direction(d_args, j)
        dargs = _args_tuple(dargs) if dargs is not None else ()

        def dynamics(z, s):
            value, tangent = rhs.jvp(z[:n], s, z[n:], dargs)
            return np.concatenate([value, tangent])

        z0 = np.concatenate([y0, dy0 - f0 * span[0]])
        s = _solve(dynamics, (t0, t1), z0, method, times, kwargs)[n:].T
        if _interior_undefined(t_eval):
            d_times = np.full(len(times), np.nan)
            d_times[0], d_times[-1] = span[0], span[1]
        else:
            d_times = np.asarray(_direction(d_eval, j), dtype=float) * np.ones_like(times)
        d_y = (s + f * d_times[:, None]).T
        if _interior_undefined(t_eval):
            d_y[:, 1:-1] = np.nan
        return {"t": d_times, "y": d_y}

    found = _per_direction(batch, _count((d_span, d_y0, d_eval, d_args), batch), solve)
    count = np.shape(found["t"])[:batch]
    tangent = rt.zeros_like(dict(ans), count)
    tangent.update(found)
    return tangent


def ivp_vjp(fun, t_span, y0, method, t_eval, args, options, ans, g, batch):
    """The cotangents (of t_span, y0, t_eval, args) of sol = solve_ivp(...) for the cotangent
    `g` of sol (a dict: its "t" and "y" entries are read).

    Without t_eval only the first and last columns may receive a cotangent (see ivp_jvp)."""
    rhs = _Rhs(fun, args, tfirst=True)
    t0 = float(t_span[0])
    times = np.asarray(ans["t"], dtype=float)
    ys = np.asarray(ans["y"], dtype=float).T
    y0_flat = np.ravel(np.asarray(y0, dtype=float))
    n = y0_flat.size
    kwargs = _ivp_kwargs(options, method, n, n + _flatten(rhs.args).size)

    def integrate(dynamics, z0, t_from, t_to):
        return _solve(dynamics, (t_from, t_to), z0, method, None, kwargs)[:, -1]

    def solve(j):
        g_y = np.asarray(_direction(g["y"], j), dtype=float).T
        g_out_t = np.asarray(_direction(g["t"], j), dtype=float) * np.ones_like(times)
        if _interior_undefined(t_eval) and (np.any(g_y[1:-1] != 0) or np.any(g_out_t[1:-1] != 0)):
            raise UnsupportedOperationError(
                "srcad cannot differentiate the interior points of solve_ivp's own time "
                "steps (called without t_eval=): the steps move with the inputs",
                hint="pass t_eval= with the times you need (the last point, t_span[1], is "
                "differentiated without it)",
            )
        g_y0, g_t0, g_times, g_args = _adjoint(rhs, t0, y0_flat, times, ys, g_y, integrate)
        g_times = g_times + g_out_t
        if _interior_undefined(t_eval):
            span = [g_t0 + g_times[0], g_times[-1]]
            g_eval = None
        else:
            span = [g_t0, 0.0]
            g_eval = _like(g_times, t_eval)
        return (
            _like(span, t_span),
            np.reshape(g_y0, np.shape(y0)),
            g_eval,
            _unflatten(g_args, rhs.args) if args is not None else None,
        )

    count = np.shape(g["y"])[0] if batch else 0
    result = _per_direction(batch, count, solve)
    g_args = result[3]
    if args is None or isinstance(args, tuple) or g_args is None:
        return result
    return result[0], result[1], result[2], g_args[0]
