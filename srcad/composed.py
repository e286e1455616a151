"""Transforms composed from the others: autograd's `elementwise_grad`, and `hvp`, the
Hessian-vector product (forward mode over reverse mode).

Both generate code like the others (``srcad.source`` prints it) and check their arguments
the way `grad` and `jvp` do.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import argtrees, build, drivers
from .api import Transformed, grad
from .arguments import (
    Argnums,
    Function,
    _positional_params,
    _require_function,
    _wrt_names,
    check_differentiable,
    check_tangent,
)
from .boundary import cut_srcad_frames, public
from .errors import ArgnumsError, SrcadError
from .wrt import jvp_wrt, wrt_spec

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
        self.__name__ = f"hvp_{getattr(fn, '__name__', 'f')}"

    def __call__(self, *args: Any) -> Any:
        try:
            return self._call(args)
        except SrcadError as exc:
            raise cut_srcad_frames(exc)  # noqa: B904 (see SRCAD_FULL_TRACEBACK)

    def _call(self, args: tuple[Any, ...]) -> Any:
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
        _, hv = jvp_wrt(self._grad, primals, [num], [v], tangent_only=True)
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
        from .build import Mode

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
