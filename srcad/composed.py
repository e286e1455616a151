"""Transforms composed from the others: autograd's `elementwise_grad`, and `hvp`, the
Hessian-vector product (forward mode over reverse mode).

Both generate code like the others (``srcad.source`` prints it) and check their arguments
the way `grad` and `jvp` do.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from . import argtrees, build, drivers
from .api import Transformed, grad
from .arguments import (
    Argnums,
    Function,
    _fill_defaults,
    _positional_params,
    _require_function,
    _signature,
    _wrt_names,
    check_differentiable,
    check_tangent,
    engine_args,
)
from .boundary import cut_srcad_frames, public
from .build import Mode
from .errors import ArgnumsError, SrcadError
from .wrt import wrt_spec

__all__ = ["elementwise_grad", "hvp"]


@public
def elementwise_grad(fn: Function, argnums: Argnums = 0) -> Transformed:
    """autograd's ``elementwise_grad``: the gradient of ``np.sum(fn(x))``.

    For a function that acts elementwise (each element of the output depends only on the
    element of the input at the same place, ``np.tanh``, a polynomial applied to an
    array...), it is the derivative at each element, computed in one reverse sweep:
    ``elementwise_grad(np.tanh)(x) == 1 - np.tanh(x) ** 2``. For any other function it is
    the vector-Jacobian product with a cotangent of ones (the sums of the Jacobian's
    columns), as in autograd.

    Args:
        fn: a function returning an array (or a float) of real numbers.
        argnums: which positional argument(s) to differentiate, as for `grad`.

    Returns:
        A `Transformed` function with ``fn``'s parameters returning the gradient(s),
        shaped like the argument(s); ``srcad.source`` prints its code.

    Raises:
        UnsupportedOperationError: ``fn`` has keyword-only or ``*args`` parameters.
        SrcadError: the errors of `grad`.

    Example:
        >>> import numpy as np, srcad
        >>> srcad.elementwise_grad(np.tanh)(np.array([0.0, 1.0]))
        array([1.        , 0.41997434])
    """
    fn = _require_function(fn, "elementwise_grad")
    target = fn
    inner = getattr(fn, "__srcad_function__", None)
    if inner is not None and not getattr(fn, "__srcad_transformed__", False):
        target = inner()
    params = drivers.positional_params(_params_source(target))
    name = getattr(target, "__name__", "f")
    summed, _ = drivers.build(
        f"elementwise_{name}",
        params,
        [f"return np.sum(fn_({', '.join(params)}))"],
        {"fn_": fn, "np": __import__("numpy")},
        getattr(_params_source(target), "__defaults__", None),
        f"elementwise_grad of {name}",
    )
    return Transformed(summed, "grad", argnums, False, "elementwise_grad")


def _params_source(fn: Any) -> Any:
    """The function whose parameters `fn`'s generated code takes."""
    while getattr(fn, "__srcad_transformed__", False):
        fn = fn._fn
    return fn


class HessianVectorProduct:
    """``hvp(f)``: ``(*args, v) -> H v``, generated as the forward-mode derivative of the
    reverse-mode gradient (see `hvp`)."""

    def __init__(self, fn: Function, argnums: int) -> None:
        if isinstance(argnums, bool) or not isinstance(argnums, int):
            raise ArgnumsError(
                f"hvp: argnums must be one int, got {argnums!r}",
                hint="take the Hessian-vector product with respect to one argument; for "
                "several, pack them in a tuple argument",
            )
        self._grad = grad(fn, argnums=argnums)
        self._num = argnums
        self._last: tuple[Any, ...] | None = None
        # arguments' signature -> (num, name, the gradient's cache entry, the jvp's entry,
        # whether the arguments go to generated code as they are): a call like an earlier
        # one skips the spec and the cache lookups while both entries hold
        self._hot: dict[tuple[Any, ...], tuple[Any, ...]] = {}
        self.__name__ = f"hvp_{getattr(fn, '__name__', 'f')}"

    def __call__(self, *args: Any) -> Any:
        try:
            return self._call(args)
        except SrcadError as exc:
            raise cut_srcad_frames(exc)  # noqa: B904 (see SRCAD_FULL_TRACEBACK)

    def _call(self, args: tuple[Any, ...]) -> Any:
        hot = self._hot.get(_signature(args)) if len(args) >= 2 else None
        if hot is None or not (hot[2].is_fresh() and hot[3].is_fresh()):
            return self._first_call(args)
        num, name, _, generated, plain = hot
        primals, v = args[:-1], args[-1]
        x = primals[num]
        self._last = (primals, num)
        if plain and type(x) is np.ndarray and type(v) is np.ndarray:
            if x.dtype.kind == "f" and v.dtype is x.dtype and v.shape == x.shape:
                # the common case, kept cheap: arrays that pass both checks below as they are
                return generated.functions["main"](*primals, (v,))[1]
        check_differentiable(x, f"argument {name!r}")
        check_tangent(v, x, f"argument {name!r}")
        engine = _fill_defaults(self._grad, engine_args(primals, [num]))
        hv = generated.functions["main"](*engine, engine_args([v], [0]))[1]
        return argtrees.restore(hv, x)

    def _first_call(self, args: tuple[Any, ...]) -> Any:
        """A call with arguments of a new signature (or code gone stale): check everything,
        generate (or look up) the code, and keep it for the next such call."""
        if len(args) < 2:
            raise ArgnumsError(
                "hvp: call it with the function's arguments and then the vector, "
                "srcad.hvp(f)(x, v)",
                hint="the last argument is the direction v, shaped like the argument",
            )
        *primals, v = args
        params = _positional_params(self._grad)
        name = _wrt_names(self._grad, (self._num,), "hvp", params)[0]
        num = self._num % len(primals) if -len(primals) <= self._num < len(primals) else None
        if num is None:
            raise ArgnumsError(
                f"hvp: argnums {self._num} refers to argument {name!r}, which was not passed",
                hint="pass every argument of the function, then the vector: hvp(f)(x, v)",
            )
        check_differentiable(primals[num], f"argument {name!r}")
        check_tangent(v, primals[num], f"argument {name!r}")
        self._last = (tuple(primals), num)
        spec = wrt_spec(self._grad, primals, [num], Mode.JVP, tangent_only=True)
        generated = build.generate(self._grad, spec)
        inner = self._grad.__srcad_entry__(spec.kinds, spec.ndims, spec.records)
        engine = _fill_defaults(self._grad, engine_args(primals, [num]))
        # arguments generated code takes as they are, every parameter given
        plain = len(engine) == len(primals) and all(argtrees.simple(a) for a in args)
        self._hot[_signature(args)] = (num, name, inner, generated, plain)
        hv = generated.functions["main"](*engine, engine_args([v], [0]))[1]
        return argtrees.restore(hv, primals[num])

    @property
    def source(self) -> str:
        """The generated code of the last call (the jvp of the gradient, whose own output,
        the gradient, is not returned)."""
        if self._last is None:
            raise SrcadError(
                "hvp: the code is generated for the arguments of a call; call it first",
                hint="hv = srcad.hvp(f)(x, v); then srcad.source(...) of it",
            )
        primals, num = self._last
        spec = wrt_spec(self._grad, primals, [num], Mode.JVP, tangent_only=True)
        generated = build.generate(self._grad, spec)
        return "\n".join(generated.sources.values())


@public
def hvp(fn: Function, argnums: int = 0) -> Callable[..., Any]:
    """The Hessian-vector product ``H v`` of a real scalar function, without the Hessian.

    Forward mode over reverse mode: the directional derivative, along ``v``, of the
    gradient, in one pass of generated code that costs a few gradients whatever the size
    of ``x`` (JAX's documentation writes it as ``jvp(grad(f), (x,), (v,))[1]``). Unlike
    that expression, the generated code does not compute the gradient itself, which jvp
    must return: only what ``H v`` needs.

    Args:
        fn: a function returning a real scalar.
        argnums: the position of the argument the Hessian is taken with respect to.

    Returns:
        A function ``(*args, v) -> H v``: ``fn``'s arguments, then a vector ``v`` shaped
        like the argument at ``argnums`` (a pytree like it, for a pytree argument);
        the product has that shape too. Its ``source`` is the generated code of the last
        call.

    Raises:
        ArgnumsError: ``argnums`` is not one int, or the call lacks arguments.
        ShapeMismatchError: ``v`` does not match the argument.
        SrcadError: the errors of `grad` and `jvp`.

    Example:
        >>> import numpy as np, srcad
        >>> f = lambda x: np.sum(x ** 3)
        >>> srcad.hvp(f)(np.array([1.0, 2.0]), np.array([1.0, 0.0]))
        array([6., 0.])
    """
    return HessianVectorProduct(_require_function(fn, "hvp"), argnums)
