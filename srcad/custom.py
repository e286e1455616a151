"""User-defined derivatives, with JAX's conventions: custom_vjp, custom_jvp, stop_gradient,
checkpoint.

These wrap a Python function. Calling the wrapper calls the function; srcad, when it meets a
call to the wrapper in code it differentiates, uses the user's rule instead of
differentiating the body (custom_vjp, custom_jvp), cuts the chain (stop_gradient), or
recomputes the function's forward pass during the backward pass instead of keeping its
intermediate values (checkpoint).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from .errors import SrcadError

T = TypeVar("T")


class custom_vjp:  # noqa: N801 - named like JAX's
    """A function with a user-defined reverse-mode derivative.

    Use it as a decorator, then give the rule with `defvjp`. Calling the wrapper calls the
    function; when srcad differentiates code that calls it, reverse mode (grad, vjp, jacrev)
    uses the rule instead of differentiating its body. Forward mode (jvp, jacfwd)
    differentiates the function itself.

    Args:
        fn: the function.

    Raises:
        SrcadError: (when srcad differentiates a call to it) `defvjp` was not called.

    Example:
        >>> import numpy as np, srcad
        >>> @srcad.custom_vjp
        ... def clipped_identity(x):
        ...     return x
        >>> def fwd(x):
        ...     return x, None
        >>> def bwd(residuals, g):
        ...     return (np.clip(g, -1.0, 1.0),)
        >>> clipped_identity.defvjp(fwd, bwd)
        >>> srcad.grad(lambda x: np.sum(clipped_identity(x) * 5.0))(np.ones(2))
        array([1., 1.])

    ``fwd(*args)`` returns ``(output, residuals)``; ``bwd(residuals, cotangent)`` returns a
    tuple with one cotangent per positional argument.
    """

    def __init__(self, fn: Callable[..., Any]) -> None:
        functools.update_wrapper(self, fn)
        self.fn = fn
        self.fwd: Callable[..., Any] | None = None
        self.bwd: Callable[..., Any] | None = None

    def defvjp(self, fwd: Callable[..., Any], bwd: Callable[..., Any]) -> None:
        """Set the rule: ``fwd(*args) -> (output, residuals)`` and
        ``bwd(residuals, cotangent) -> tuple of cotangents``, one per positional argument.

        Both are Python functions srcad reads and differentiates again for higher orders.
        """
        self.fwd, self.bwd = fwd, bwd

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.fn(*args, **kwargs)


class custom_jvp:  # noqa: N801
    """A function with a user-defined forward-mode derivative.

    Use it as a decorator, then give the rule with `defjvp`. When srcad differentiates code
    that calls the wrapper, forward mode uses the rule, and reverse mode transposes it
    (srcad differentiates the rule with respect to the tangents), so one rule serves both.
    The wrapper can be differentiated directly (``srcad.grad(f)``) or through code that
    calls it.

    Args:
        fn: the function.

    Raises:
        SrcadError: (when srcad differentiates a call to it) `defjvp` was not called.

    Example:
        >>> import numpy as np, srcad
        >>> @srcad.custom_jvp
        ... def log1pexp(x):
        ...     return np.log1p(np.exp(x))
        >>> @log1pexp.defjvp
        ... def log1pexp_jvp(primals, tangents):
        ...     (x,), (dx,) = primals, tangents
        ...     return log1pexp(x), dx / (1.0 + np.exp(-x))
        >>> with np.errstate(over="ignore"):  # exp(800) overflows: the value is inf
        ...     float(srcad.grad(lambda x: log1pexp(x))(800.0))
        1.0

    ``jvp(primals, tangents)`` returns ``(output, tangent_output)`` and must be linear in the
    tangents.
    """

    def __init__(self, fn: Callable[..., Any]) -> None:
        functools.update_wrapper(self, fn)
        self.fn = fn
        self.jvp: Callable[..., Any] | None = None

    def defjvp(self, jvp: T) -> T:
        """Set the rule, ``jvp(primals, tangents) -> (output, tangent_output)``; usable as a
        decorator (it returns ``jvp``)."""
        self.jvp = jvp  # type: ignore[assignment]  # T is a callable by contract
        return jvp

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.fn(*args, **kwargs)


class checkpoint:  # noqa: N801
    """Recompute `fn`'s forward pass in the backward pass instead of storing its values.

    Wrap a memory-hungry block once, at module level, and call the wrapper inside the
    differentiated function: ``layer = srcad.checkpoint(block)``, then ``h = layer(h, W)``.
    Derivatives are the same; the backward pass runs the block's forward pass again.

    Args:
        fn: the block, a function defined with ``def``.

    Raises:
        SrcadError: (when srcad differentiates a call to it) the errors `grad` raises for
            ``fn``.

    Example:
        >>> import numpy as np, srcad
        >>> def block(h, W):
        ...     return np.tanh(W @ h)
        >>> layer = srcad.checkpoint(block)
        >>> def net(W, h):
        ...     for _ in range(3):
        ...         h = layer(h, W)
        ...     return np.sum(h)
        >>> srcad.grad(net)(np.eye(2) * 0.5, np.ones(2)).round(4)
        array([[0.6246, 0.6246],
               [0.6246, 0.6246]])
    """

    def __init__(self, fn: Callable[..., Any]) -> None:
        functools.update_wrapper(self, fn)
        self.fn = fn

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.fn(*args, **kwargs)


def stop_gradient(x: T) -> T:
    """`x`, through which no derivative flows (srcad treats it as a constant).

    Called outside differentiated code it returns ``x`` unchanged.

    Args:
        x: any value (an array, a float, a pytree).

    Returns:
        ``x`` itself; in differentiated code its derivative is zero.

    Raises:
        Nothing: it is the identity function.

    Example:
        >>> import srcad
        >>> srcad.grad(lambda x: x * srcad.stop_gradient(x))(3.0)
        3.0
    """
    return x


def require_rule(obj: Any, attribute: str, how: str) -> None:
    if getattr(obj, attribute) is None:
        raise SrcadError(
            f"{getattr(obj, '__name__', obj)} is a {type(obj).__name__} without its rule",
            hint=f"define it with {how}",
        )
