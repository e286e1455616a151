"""The public transforms: grad, value_and_grad, vjp, jvp, the Jacobian family, source.

Every transform returns a callable that generates its derivative code on first use (so a
decorated function may call helpers defined later in its module), checks its arguments the
way JAX does, and can itself be transformed again: `srcad.grad(srcad.grad(f))`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Literal, overload

import numpy as np

from . import build, results
from .arguments import (  # noqa: F401 - srcad.show and srcad.check use some of these
    Argnums,
    Function,
    _argnums,
    _as_structure,
    _check_primal_count,
    _describe_args,
    _describe_records,
    _describe_value,
    _fill_defaults,
    _positional_params,
    _require_function,
    _user_function,
    _wrt_names,
    check_cotangent,
    check_differentiable,
    check_tangent,
    engine_args,
    extra_params,
)
from .boundary import public
from .build import Mode
from .errors import (
    ShapeMismatchError,
    SrcadError,
)
from .hot_calls import HotCalls
from .scaled import ScaledGradient, scaled_pullback
from .scaling import LossScale, as_loss_scale
from .transformed import Transformed, _aux_error, _Jacobian, _raised_by
from .wrt import def_location_of, fresh_tapes

__all__ = [
    "grad",
    "value_and_grad",
    "vjp",
    "jvp",
    "jacfwd",
    "jacrev",
    "jacobian",
    "hessian",
    "linearize",
    "source",
    "Transformed",
]

#: A loss scale: a number, "dynamic" or a LossScale (None: no scaling).
LossScaleArg = float | str | LossScale | None

#: A function srcad can transform: a Python function or lambda, a transformed function, or
#: a numpy, math or operator function, functools.partial or bound method srcad wraps.
#: Which positional arguments to differentiate: one index, or a tuple (or list) of them.


@overload
def grad(
    fn: None = None,
    argnums: Argnums = 0,
    has_aux: bool = False,
    holomorphic: bool = False,
    loss_scale: LossScaleArg = None,
) -> Callable[[Function], Transformed]: ...
@overload
def grad(
    fn: Function,
    argnums: Argnums = 0,
    has_aux: bool = False,
    holomorphic: bool = False,
    loss_scale: LossScaleArg = None,
) -> Transformed: ...
@public
def grad(
    fn: Function | None = None,
    argnums: Argnums = 0,
    has_aux: bool = False,
    holomorphic: bool = False,
    loss_scale: LossScaleArg = None,
) -> Transformed | Callable[[Function], Transformed]:
    """The gradient of a real scalar function, as a generated Python function.

    Usable as a decorator, with or without arguments (``@srcad.grad``,
    ``@srcad.grad(argnums=1)``), and on a transformed function (``grad(grad(f))``).

    Args:
        fn: a Python function of numpy arrays and floats that returns a real scalar
            (or ``(scalar, aux)`` with ``has_aux=True``). Without it, ``grad`` returns a
            decorator.
        argnums: which positional argument(s) to differentiate; an int gives one gradient,
            a tuple gives a tuple of gradients.
        has_aux: ``fn`` returns ``(value, aux)``; the result is then ``(gradient, aux)``.
        holomorphic: ``fn`` is a holomorphic function of complex arguments with a complex
            scalar output; the result is then its complex derivative ``f'(z)``, as JAX's.
            srcad checks at each call that ``fn`` is complex-differentiable there.
        loss_scale: for low-precision (float16) code: a number ``s``, ``"dynamic"`` or a
            `LossScale`. The backward sweep then computes the gradient of ``s * fn`` (every
            adjoint ``s`` times larger, above float16's underflow) and the gradients are
            divided by ``s`` and returned in their arguments' dtypes; a dynamic scale backs
            off and runs the backward sweep again when it overflows (see `LossScale`).

    Returns:
        A `Transformed` function with ``fn``'s signature returning the gradient(s), shaped
        like the argument(s) (pytrees come back with the arguments' structure).
        ``srcad.source(...)`` shows its code.

    Raises:
        SourceUnavailableError: ``fn`` has no Python source srcad can read (a C function
            without a rule, a function typed into a REPL or passed to ``python -c``).
        ArgnumsError: ``argnums`` is empty, repeats an argument or is out of range, or
            (when called) names an argument that was not passed.
        UnsupportedSyntaxError: (on the first call) ``fn`` uses a construct srcad does not
            differentiate; the message gives the file, line and column.
        MissingRuleError: (on the first call) ``fn`` calls a function without a derivative
            rule or Python source.
        InputTypeError: (when called) a differentiated argument is an integer or not
            numeric.
        NonScalarOutputError: (when called) ``fn`` returned something other than a real
            scalar.
        SrcadError: ``fn`` is not callable, or ``loss_scale`` is not a positive number,
            ``"dynamic"`` or a `LossScale`. Every error above is a `SrcadError`.

    Example:
        >>> import numpy as np, srcad
        >>> def f(x):
        ...     return np.sum(np.tanh(x) ** 2)
        >>> g = srcad.grad(f)
        >>> g(np.array([0.5, -1.0])).round(4)
        array([ 0.7269, -0.6397])
    """
    scale = as_loss_scale(loss_scale, "grad")
    if fn is None:
        return lambda f: grad(
            f, argnums=argnums, has_aux=has_aux, holomorphic=holomorphic, loss_scale=scale
        )
    return _gradient(fn, "grad", argnums, has_aux, holomorphic, scale)


def _gradient(
    fn: Function, mode: str, argnums: Argnums, has_aux: bool, holomorphic: bool, scale: Any
) -> Transformed:
    """grad's or value_and_grad's transformed function (scaled, or holomorphic, or plain)."""
    if scale is None:
        return Transformed(fn, mode, argnums, has_aux, mode, holomorphic)
    if holomorphic:
        raise SrcadError(
            f"{mode}: loss_scale= is for real low-precision code, not holomorphic=True",
            hint="drop one of the two",
        )
    return ScaledGradient(fn, mode, argnums, has_aux, scale)


@overload
def value_and_grad(
    fn: None = None,
    argnums: Argnums = 0,
    has_aux: bool = False,
    holomorphic: bool = False,
    loss_scale: LossScaleArg = None,
) -> Callable[[Function], Transformed]: ...
@overload
def value_and_grad(
    fn: Function,
    argnums: Argnums = 0,
    has_aux: bool = False,
    holomorphic: bool = False,
    loss_scale: LossScaleArg = None,
) -> Transformed: ...
@public
def value_and_grad(
    fn: Function | None = None,
    argnums: Argnums = 0,
    has_aux: bool = False,
    holomorphic: bool = False,
    loss_scale: LossScaleArg = None,
) -> Transformed | Callable[[Function], Transformed]:
    """Like `grad`, but the function returns ``(value, gradient)``: one call computes both.

    Args:
        fn: a Python function returning a real scalar (``(scalar, aux)`` with
            ``has_aux=True``); without it, a decorator.
        argnums: which positional argument(s) to differentiate, as for `grad`.
        has_aux: ``fn`` returns ``(value, aux)``; the result is then
            ``((value, aux), gradient)``.
        holomorphic: as for `grad`.
        loss_scale: as for `grad`; the value returned is ``fn``'s, unscaled.

    Returns:
        A `Transformed` function returning ``(value, gradient)``.

    Raises:
        SrcadError: the errors of `grad`, at the same moments.

    Example:
        >>> import numpy as np, srcad
        >>> value, g = srcad.value_and_grad(lambda x: np.sum(x ** 3))(np.array([1.0, 2.0]))
        >>> float(value), g
        (9.0, array([ 3., 12.]))
    """
    scale = as_loss_scale(loss_scale, "value_and_grad")
    if fn is None:
        return lambda f: value_and_grad(
            f, argnums=argnums, has_aux=has_aux, holomorphic=holomorphic, loss_scale=scale
        )
    return _gradient(fn, "value_and_grad", argnums, has_aux, holomorphic, scale)


@overload
def vjp(
    fn: Function, *primals: Any, has_aux: Literal[False] = False, loss_scale: LossScaleArg = None
) -> tuple[Any, Callable[[Any], tuple[Any, ...]]]: ...
@overload
def vjp(
    fn: Function, *primals: Any, has_aux: Literal[True], loss_scale: LossScaleArg = None
) -> tuple[Any, Callable[[Any], tuple[Any, ...]], Any]: ...
@public
def vjp(
    fn: Function, *primals: Any, has_aux: bool = False, loss_scale: LossScaleArg = None
) -> tuple[Any, ...]:
    """Evaluate ``fn(*primals)`` and return ``(out, vjp_fn)`` (plus ``aux`` with has_aux).

    ``vjp_fn(cotangent)`` returns a tuple with one cotangent per primal: the
    vector-Jacobian product, computed by generated reverse-mode code. It may be called
    many times; ``vjp_fn.source`` is its code.

    Args:
        fn: the function to differentiate.
        primals: the arguments to evaluate it at, each differentiated (floats, float or
            complex arrays, and tuples, lists and dicts of them).
        has_aux: ``fn`` returns ``(out, aux)``; ``aux`` is returned third, not
            differentiated.
        loss_scale: as for `grad`: ``vjp_fn`` runs the backward sweep on the cotangent
            times the scale and returns the cotangents unscaled, in the primals' dtypes.

    Returns:
        ``(out, vjp_fn)``, or ``(out, vjp_fn, aux)`` with ``has_aux=True``.

    Raises:
        SourceUnavailableError: ``fn`` has no Python source srcad can read.
        InputTypeError: a primal is an integer or not numeric.
        ArgnumsError: more primals than ``fn`` has positional parameters.
        ShapeMismatchError: (from ``vjp_fn``) the cotangent's structure, shape or dtype
            differs from ``out``'s.
        SrcadError: as `grad`, when ``fn``'s code cannot be differentiated, or for a
            ``loss_scale`` that is not a positive number, ``"dynamic"`` or a `LossScale`.

    Example:
        >>> import numpy as np, srcad
        >>> out, pullback = srcad.vjp(lambda x, y: x * y, np.array([1.0, 2.0]), 3.0)
        >>> pullback(np.array([1.0, 1.0]))
        (array([3., 3.]), np.float64(3.0))
    """
    fn = _require_function(fn, "vjp")
    scale = as_loss_scale(loss_scale, "vjp")
    generated, engine = _vjp_code(fn, primals, has_aux)
    forward = generated.functions["fwd"]
    try:
        result = forward(*engine)
    except (TypeError, ValueError) as exc:
        if has_aux and _raised_by(exc, forward, depth=0) and "unpack" in str(exc):
            raise _aux_error(fn, "vjp", exc) from None
        raise
    if has_aux:
        out, aux, residuals = result
    else:
        out, residuals = result
    vjp_fn = _pullback(generated, out, residuals, primals, scale)
    if has_aux:
        return out, vjp_fn, aux
    return out, vjp_fn


def _vjp_code(fn: Any, primals: tuple[Any, ...], has_aux: bool) -> tuple[Any, tuple[Any, ...]]:
    """vjp's generated code for these primals, and the primals in the form it takes."""
    params = _positional_params(fn)
    _check_primal_count(fn, params, primals, "vjp")
    extra = extra_params(fn, params, len(primals) - len(params))
    for name, value in zip([*params, *extra], primals):
        check_differentiable(value, f"argument {name!r}", lambda: def_location_of(fn))
    wrt = tuple([*params, *extra][: len(primals)])
    nums = range(len(primals))
    engine = engine_args(primals, nums)
    kinds, ndims = _describe_args(params, engine, extra)
    records = _describe_records(params, primals, nums, extra)
    spec = build.Spec(Mode.VJP, wrt, has_aux=has_aux, kinds=kinds, ndims=ndims, records=records)
    return build.generate(fn, spec), tuple(engine)


def _pullback(
    generated: Any, out: Any, residuals: Any, primals: tuple[Any, ...], scale: Any
) -> Callable[[Any], tuple[Any, ...]]:
    """vjp's ``vjp_fn``: the backward sweep from the forward sweep's residuals."""
    backward = generated.functions["bwd"]
    low = results.low_precision(primals, tuple(range(len(primals))))

    def vjp_fn(cotangent: Any) -> tuple[Any, ...]:
        check_cotangent(cotangent, out)
        grads: tuple[Any, ...]
        if scale is not None:
            grads = scaled_pullback(backward, fresh_tapes(residuals), cotangent, scale, primals)
        else:
            grads = backward(fresh_tapes(residuals), cotangent)
        if any(not isinstance(p, (float, np.ndarray)) for p in primals):
            grads = tuple(_as_structure(g, p) for g, p in zip(grads, primals))
        if low:  # JAX's convention: a cotangent has its primal's dtype
            grads = tuple(results.cast_like(g, p) for g, p in zip(grads, primals))
        return grads

    vjp_fn.source = generated.sources["bwd"]  # type: ignore[attr-defined]
    return vjp_fn


@public
def jvp(fn: Function, primals: Sequence[Any], tangents: Sequence[Any]) -> tuple[Any, Any]:
    """Evaluate ``fn(*primals)`` and its directional derivative along ``tangents``.

    Computed in one pass by generated forward-mode code (a tangent travels beside every
    value).

    Args:
        fn: the function to differentiate.
        primals: a tuple with the arguments to evaluate ``fn`` at (parameters left out
            take their defaults).
        tangents: a tuple with one tangent per primal, of the same structure, shape and
            dtype.

    Returns:
        ``(out, tangent_out)``: ``fn(*primals)`` and the Jacobian of ``fn`` applied to
        ``tangents``, shaped like ``out``.

    Raises:
        ShapeMismatchError: ``primals`` or ``tangents`` is not a tuple, their lengths
            differ, or a tangent does not match its primal.
        InputTypeError: a primal is an integer or not numeric.
        ArgnumsError: more primals than ``fn`` has positional parameters, or one missing.
        SrcadError: as `grad`, when ``fn``'s code cannot be differentiated.

    Example:
        >>> import numpy as np, srcad
        >>> srcad.jvp(lambda x: np.sin(x) * x, (np.array([0.0, 1.0]),),
        ...           (np.array([1.0, 1.0]),))[1].round(6)
        array([0.      , 1.381773])
    """
    fn = _require_function(fn, "jvp")
    if type(primals) is tuple and type(tangents) is tuple and len(primals) == len(tangents):
        main = _HOT_JVPS.get(fn, primals, tangents)  # a call like an earlier one
        if main is not None:
            hot: tuple[Any, Any] = main(*primals, tangents)
            return hot
    if not isinstance(primals, (tuple, list)) or not isinstance(tangents, (tuple, list)):
        bad = "primals" if not isinstance(primals, (tuple, list)) else "tangents"
        value = primals if bad == "primals" else tangents
        raise ShapeMismatchError(
            f"jvp: primals and tangents must be tuples (one entry per argument); the "
            f"{bad} are {_describe_value(value)}",
            hint="wrap them, even for one argument: srcad.jvp(f, (x,), (dx,))",
        )
    if len(primals) != len(tangents):
        raise ShapeMismatchError(
            f"jvp: {len(primals)} primals but {len(tangents)} tangents; give one tangent per "
            "primal",
            hint="srcad.jvp(f, (x, y), (dx, dy)): the two tuples have one entry per argument",
        )
    params = _positional_params(fn)
    _check_primal_count(fn, params, primals, "jvp")
    extra = extra_params(fn, params, len(primals) - len(params))
    for name, p, t in zip([*params, *extra], primals, tangents):
        check_differentiable(p, f"argument {name!r}", lambda: def_location_of(fn))
        check_tangent(t, p, f"argument {name!r}")
    wrt = tuple([*params, *extra][: len(primals)])
    nums = range(len(primals))
    engine = engine_args(primals, nums)
    kinds, ndims = _describe_args(params, engine, extra)
    records = _describe_records(params, primals, nums, extra)
    spec = build.Spec(Mode.JVP, wrt, kinds=kinds, ndims=ndims, records=records)
    generated = build.generate(fn, spec)
    args = _fill_defaults(fn, engine)
    main = generated.functions["main"]
    result: tuple[Any, Any] = main(*args, engine_args(tangents, nums))
    if type(primals) is tuple and type(tangents) is tuple and len(args) == len(primals):
        entries = [generated]
        entry = getattr(fn, "__srcad_entry__", None)  # a transform's own code, checked too
        if entry is not None and spec.kinds:  # (as build.generate specializes it)
            entries.append(entry(spec.kinds, spec.ndims, spec.records))
        _HOT_JVPS.keep(fn, primals, tangents, main, entries)
    return result


_HOT_JVPS = HotCalls("jvp")


@overload
def jacfwd(
    fn: None = None, argnums: Argnums = 0, holomorphic: bool = False
) -> Callable[[Function], Transformed]: ...
@overload
def jacfwd(fn: Function, argnums: Argnums = 0, holomorphic: bool = False) -> Transformed: ...
@public
def jacfwd(
    fn: Function | None = None, argnums: Argnums = 0, holomorphic: bool = False
) -> Transformed | Callable[[Function], Transformed]:
    """The Jacobian by forward mode: one vectorized jvp over a basis of input directions.

    The generated code runs once with a batch of tangents, never in a Python loop over basis
    vectors. It costs about as much as ``n`` jvps for an input of size ``n``: prefer it when
    the input is smaller than the output.

    Args:
        fn: the function, of arrays and floats, returning an array, a float or a pytree
            of them; without it, a decorator.
        argnums: which positional argument(s) to differentiate.
        holomorphic: ``fn`` is holomorphic in complex arguments, with complex outputs: the
            Jacobian is complex (JAX's convention); srcad checks at each call that ``fn``
            is complex-differentiable there. Without it, a complex argument is refused,
            as in JAX (a function that is not holomorphic has no complex Jacobian).

    Returns:
        A `Transformed` function returning the Jacobian, of shape
        ``out.shape + in.shape`` (a tuple of those for tuple argnums). As in JAX, an output
        that is a tuple, list or dict gives a Jacobian of that structure, one
        ``out_leaf.shape + in.shape`` entry per leaf, and an argument that is one gives, at
        each output leaf, that argument's structure with ``out_leaf.shape + in_leaf.shape``
        entries.

    Raises:
        UnsupportedOperationError: ``fn`` has keyword-only or ``*args`` parameters (wrap
            it in a lambda with positional parameters).
        ComplexDerivativeError: (when called) a complex argument without
            ``holomorphic=True``, a real one with it, or ``fn`` not holomorphic at the
            point.
        SrcadError: the errors of `grad`, at the same moments.

    Example:
        >>> import numpy as np, srcad
        >>> srcad.jacfwd(lambda z: z ** 2, holomorphic=True)(np.array([1j, 2.0 + 0j]))
        array([[0.+2.j, 0.+0.j],
               [0.+0.j, 4.+0.j]])
        >>> srcad.jacfwd(lambda x: x ** 2)(np.array([1.0, 2.0]))
        array([[2., 0.],
               [0., 4.]])
    """
    if fn is None:
        return lambda f: jacfwd(f, argnums=argnums, holomorphic=holomorphic)
    return Transformed(fn, "jacfwd", argnums, False, "jacfwd", holomorphic)


@overload
def jacrev(
    fn: None = None, argnums: Argnums = 0, holomorphic: bool = False
) -> Callable[[Function], Transformed]: ...
@overload
def jacrev(fn: Function, argnums: Argnums = 0, holomorphic: bool = False) -> Transformed: ...
@public
def jacrev(
    fn: Function | None = None, argnums: Argnums = 0, holomorphic: bool = False
) -> Transformed | Callable[[Function], Transformed]:
    """The Jacobian by reverse mode: one vectorized vjp over a basis of output directions.

    It costs about as much as ``m`` vjps for an output of size ``m``: prefer it when the
    output is smaller than the input.

    Args:
        fn: the function; without it, a decorator.
        argnums: which positional argument(s) to differentiate.
        holomorphic: as for `jacfwd`; without it, a complex output is refused, as in
            JAX.

    Returns:
        A `Transformed` function returning the Jacobian, laid out as `jacfwd`'s (pytree
        outputs and arguments included).

    Raises:
        UnsupportedOperationError: ``fn`` has keyword-only or ``*args`` parameters (wrap
            it in a lambda with positional parameters).
        SrcadError: the errors of `grad`, at the same moments.

    Example:
        >>> import numpy as np, srcad
        >>> srcad.jacrev(lambda x: np.sin(x) * 2.0)(np.array([0.0, np.pi]))
        array([[ 2.,  0.],
               [ 0., -2.]])
    """
    if fn is None:
        return lambda f: jacrev(f, argnums=argnums, holomorphic=holomorphic)
    return Transformed(fn, "jacrev", argnums, False, "jacrev", holomorphic)


@overload
def jacobian(
    fn: None = None,
    argnums: Argnums = 0,
    mode: str | None = None,
    holomorphic: bool = False,
) -> Callable[[Function], Transformed]: ...
@overload
def jacobian(
    fn: Function,
    argnums: Argnums = 0,
    mode: str | None = None,
    holomorphic: bool = False,
) -> Transformed: ...
@public
def jacobian(
    fn: Function | None = None,
    argnums: Argnums = 0,
    mode: str | None = None,
    holomorphic: bool = False,
) -> Transformed | Callable[[Function], Transformed]:
    """The Jacobian, by forward mode if the input is smaller than the output, else reverse.

    The choice is made on the first call for each combination of argument shapes (it
    evaluates ``fn`` once to learn the output's size).

    Args:
        fn: the function; without it, a decorator.
        argnums: which positional argument(s) to differentiate.
        holomorphic: as for `jacfwd`.
        mode: ``"fwd"`` or ``"rev"`` forces one mode (as `jacfwd` or `jacrev`); ``None``
            picks by the sizes.

    Returns:
        A `Transformed` function returning the Jacobian, laid out as `jacfwd`'s.

    Raises:
        SrcadError: ``mode`` is not one of ``None``, ``"fwd"``, ``"rev"``; and the errors
            of `jacfwd` and `jacrev`.

    Example:
        >>> import numpy as np, srcad
        >>> J = srcad.jacobian(lambda x: np.outer(x, x).ravel())(np.array([1.0, 2.0]))
        >>> J.shape
        (4, 2)
    """
    if mode not in (None, "fwd", "rev", "forward", "reverse"):
        raise SrcadError(
            f"jacobian: mode must be 'fwd' or 'rev', got {mode!r}",
            hint="leave mode=None to pick by the shapes, or force mode='fwd' (as jacfwd) or "
            "mode='rev' (as jacrev)",
        )
    if fn is None:
        return lambda f: jacobian(f, argnums=argnums, mode=mode, holomorphic=holomorphic)
    return _Jacobian(fn, argnums, mode, holomorphic)


@overload
def hessian(
    fn: None = None, argnums: Argnums = 0, holomorphic: bool = False
) -> Callable[[Function], Transformed]: ...
@overload
def hessian(fn: Function, argnums: Argnums = 0, holomorphic: bool = False) -> Transformed: ...
@public
def hessian(
    fn: Function | None = None, argnums: Argnums = 0, holomorphic: bool = False
) -> Transformed | Callable[[Function], Transformed]:
    """The Hessian of a scalar function: forward mode over reverse mode, ``jacfwd(grad(f))``.

    Args:
        fn: a function returning a real scalar; without it, a decorator.
        argnums: which positional argument(s) to differentiate. For an argument that is a
            tuple, list or dict (or for tuple argnums) the result is nested as JAX nests
            it: ``hessian(f)((a, b))`` is ``((H_aa, H_ab), (H_ba, H_bb))``.
        holomorphic: for a holomorphic function with a complex scalar output, as for
            `jacfwd`.

    Returns:
        A `Transformed` function returning the Hessian, of shape ``x.shape + x.shape``.

    Raises:
        NonScalarOutputError: (when called) ``fn`` does not return a real scalar.
        SrcadError: the errors of `grad` and `jacfwd`.

    Example:
        >>> import numpy as np, srcad
        >>> srcad.hessian(lambda x: np.sum(x ** 3))(np.array([1.0, 2.0]))
        array([[ 6.,  0.],
               [ 0., 12.]])
    """
    if fn is None:
        return lambda f: hessian(f, argnums=argnums, holomorphic=holomorphic)
    if isinstance(argnums, int):
        # The reverse sweep of a scalar function needs one cotangent, not a batch of them.
        inner = grad(fn, argnums=argnums, holomorphic=holomorphic)
    else:
        inner = jacrev(fn, argnums=argnums, holomorphic=holomorphic)
    return jacfwd(inner, argnums=argnums, holomorphic=holomorphic)


@public
def linearize(fn: Function, *primals: Any) -> tuple[Any, Callable[..., Any]]:
    """``fn(*primals)`` and a function computing jvps of ``fn`` at ``primals``.

    Args:
        fn: the function to differentiate.
        primals: the point to linearize at, one value per positional argument.

    Returns:
        ``(out, f_jvp)``, where ``f_jvp(*tangents)`` is the directional derivative of
        ``fn`` at ``primals`` along ``tangents`` (one tangent per primal).

    Raises:
        SourceUnavailableError: ``fn`` has no Python source srcad can read.
        SrcadError: (from ``f_jvp``) the errors of `jvp`.

    Example:
        >>> import numpy as np, srcad
        >>> out, f_jvp = srcad.linearize(np.sin, 0.0)
        >>> float(f_jvp(2.0))
        2.0
    """
    fn = _require_function(fn, "linearize")
    out = fn(*primals)

    def f_jvp(*tangents: Any) -> Any:
        return jvp(fn, primals, tangents)[1]

    return out, f_jvp


@public
def source(fn: Any) -> str:
    """The generated source of a transformed function (``grad(f)``, ``jacfwd(f)``...).

    It is the code for the kinds and ranks of arguments of the last call (generic code,
    for arrays of any rank, before the first call). ``fn.source`` is the same text.

    Args:
        fn: a function returned by a srcad transform, or the ``vjp_fn`` of `vjp`.

    Returns:
        The Python source, one or more ``def`` statements.

    Raises:
        SrcadError: ``fn`` was not made by a srcad transform.

    Example:
        >>> import numpy as np, srcad
        >>> def f(x):
        ...     return np.sum(x * x)
        >>> print(srcad.source(srcad.grad(f)).splitlines()[0])
        def grad_f(x):
    """
    text = getattr(fn, "source", None)
    if isinstance(text, str):
        return text
    raise SrcadError(
        f"source() expects a function made by a srcad transform, got {fn!r}",
        hint="transform it first: srcad.source(srcad.grad(f)); srcad.show(f) prints the "
        "derivative code of a plain function",
    )


# Transforms that only make a transformed function: called with known arguments inside
# differentiated code (srcad.grad(energy)(x)), srcad makes it when it generates that code
# (srcad.analyze.resolve.known_values) and differentiates through it.
for _maker in (grad, value_and_grad, jacfwd, jacrev, jacobian, hessian):
    setattr(_maker, "__srcad_maker__", True)  # noqa: B010 (mypy: no such attribute)
# Transforms that compute values: inside differentiated code, a call goes through runtime
# dispatch (srcad.build.inner_transforms), which differentiates the generated code they run.
setattr(jvp, "__srcad_transform__", "jvp")  # noqa: B010
setattr(vjp, "__srcad_transform__", "vjp")  # noqa: B010
