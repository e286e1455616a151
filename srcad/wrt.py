"""Transforms with respect to chosen arguments, for srcad's own checks and compositions.

`check_grads` differentiates with respect to some positions of a call (`jvp_wrt`,
`vjp_wrt`, `composed_jvp`, `composed_vjp`: the pullback or pushforward as a transformable
function, for the second-order checks), and `composed` builds Hessian-vector products from
`wrt_spec`. The public transforms in `api` call `fresh_tapes` and `def_location_of`.
Guarantees: the same generated code as the public transforms for the same spec (they share
`build.generate`'s cache).
"""

from __future__ import annotations

import types
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from . import build, drivers, runtime
from .analyze.resolve import forwarded_to
from .arguments import (
    _as_structure,
    _describe_args,
    _describe_records,
    _fill_defaults,
    _positional_params,
    _user_function,
    _wrt_names,
    check_cotangent,
    engine_args,
    extra_params,
)
from .build import Mode


def wrt_spec(
    fn: Any, args: Sequence[Any], wrt: Sequence[int], mode: Mode, tangent_only: bool = False
) -> build.Spec:
    """The build spec for `mode` with respect to the arguments at positions `wrt`, for
    arguments like `args` (`tangent_only`: see `build.Spec`)."""
    params = _positional_params(fn)
    extra = extra_params(fn, params, len(args) - len(params))
    kinds, ndims = _describe_args(params, engine_args(args, wrt), extra)
    records = _describe_records(params, args, wrt, extra)
    names = _wrt_names(fn, wrt, "check_grads", params)
    return build.Spec(
        mode, names, kinds=kinds, ndims=ndims, records=records, tangent_only=tangent_only
    )


def jvp_wrt(fn: Any, args: Sequence[Any], wrt: Sequence[int], tangents: Sequence[Any]) -> Any:
    """jvp with respect to the arguments at positions `wrt` only (the others are fixed)."""
    generated = build.generate(fn, wrt_spec(fn, args, wrt, Mode.JVP))
    engine = _fill_defaults(fn, engine_args(args, wrt))
    return generated.functions["main"](*engine, engine_args(tangents, range(len(tangents))))


def vjp_wrt(fn: Any, args: Sequence[Any], wrt: Sequence[int]) -> tuple[Any, Callable[[Any], Any]]:
    """vjp with respect to the arguments at positions `wrt` only: ``(out, pullback)``."""
    generated = build.generate(fn, wrt_spec(fn, args, wrt, Mode.VJP))
    out, residuals = generated.functions["fwd"](*engine_args(args, wrt))
    backward = generated.functions["bwd"]

    def pullback(cotangent: Any) -> Any:
        check_cotangent(cotangent, out)
        grads = backward(fresh_tapes(residuals), cotangent)
        if any(not isinstance(args[i], (float, np.ndarray)) for i in wrt):
            grads = tuple(_as_structure(g, args[i]) for g, i in zip(grads, wrt))
        return grads

    return out, pullback


def def_location_of(fn: Any) -> Any:
    """Where the user's function is defined (for errors about its arguments)."""
    from .parse import def_location

    return def_location(_user_function(fn))


def unwrapped(fn: Any) -> Any:
    """The user's function behind a transform or a forwarding decorator."""
    target = getattr(fn, "__srcad_function__", None)
    if target is not None:
        return target()
    if isinstance(fn, types.FunctionType):
        return forwarded_to(fn) or fn  # a decorator's wrapper that only forwards
    return fn


def composed_vjp(
    fn: Any, cotangent: Any, wrt: Sequence[int] | None = None, args: Sequence[Any] | None = None
) -> Any:
    """A transformable function x -> vjp(fn, x)[1](cotangent), as generated source (for
    arguments like `args`, when given)."""
    params = _positional_params(fn)
    wrt = list(range(len(params))) if wrt is None else list(wrt)
    if args is not None:
        spec = wrt_spec(fn, args, wrt, Mode.VJP)
    else:
        spec = build.Spec(Mode.VJP, tuple(params[i] for i in wrt))
    generated = build.generate(fn, spec)
    target = unwrapped(fn)
    function, _ = drivers.pullback(
        target,
        generated.functions["fwd"],
        generated.functions["bwd"],
        cotangent,
        getattr(target, "__name__", "f"),
        _called_params(fn, params, args),
    )
    return function


def composed_jvp(
    fn: Any,
    tangents: Sequence[Any],
    wrt: Sequence[int] | None = None,
    args: Sequence[Any] | None = None,
) -> Any:
    """A transformable function x -> jvp(fn, x, tangents)[1], as generated source (for
    arguments like `args`, when given)."""
    params = _positional_params(fn)
    wrt = list(range(len(tangents))) if wrt is None else list(wrt)
    if args is not None:
        spec = wrt_spec(fn, args, wrt, Mode.JVP)
        tangents = engine_args(tangents, range(len(tangents)))
    else:
        spec = build.Spec(Mode.JVP, tuple(params[i] for i in wrt))
    generated = build.generate(fn, spec)
    target = unwrapped(fn)
    function, _ = drivers.pushforward(
        target,
        generated.functions["main"],
        tangents,
        getattr(target, "__name__", "f"),
        _called_params(fn, params, args),
    )
    return function


def _called_params(fn: Any, params: list[str], args: Sequence[Any] | None) -> Any:
    """A driver's parameters for a call with `args` whose extras ``*args`` gathers (then
    spelled out, srcad.normalize.variadic), else None: the function's own."""
    extra = extra_params(fn, params, len(args) - len(params)) if args is not None else []
    return [*params, *extra] if extra else None


def fresh_tapes(residuals: tuple[Any, ...]) -> tuple[Any, ...]:
    """Copies of the containers among `residuals`: a backward sweep pops its tapes, and a vjp
    function may be called more than once (see `runtime.fresh_residuals`; a backward sweep
    that puts array items back starts from its own copy of the arrays)."""
    return runtime.fresh_residuals(residuals, arrays=False)
