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

from .errors import SrcadError


class custom_vjp:  # noqa: N801 - named like JAX's
    """A function with a user-defined reverse-mode derivative.

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
    tuple with one cotangent per positional argument. Forward mode (jvp) differentiates the
    function itself.
    """

    def __init__(self, fn):
        functools.update_wrapper(self, fn)
        self.fn = fn
        self.fwd = None
        self.bwd = None

    def defvjp(self, fwd, bwd) -> None:
        self.fwd, self.bwd = fwd, bwd

    def __call__(self, *args, **kwargs):
        return self.fn(*args, **kwargs)


class custom_jvp:  # noqa: N801
    """A function with a user-defined forward-mode derivative.

    Example:
        >>> import numpy as np, srcad
        >>> @srcad.custom_jvp
        ... def log1pexp(x):
        ...     return np.log1p(np.exp(x))
        >>> @log1pexp.defjvp
        ... def log1pexp_jvp(primals, tangents):
        ...     (x,), (dx,) = primals, tangents
        ...     return log1pexp(x), dx / (1.0 + np.exp(-x))
        >>> float(srcad.grad(log1pexp)(800.0))
        1.0

    ``jvp(primals, tangents)`` returns ``(output, tangent_output)`` and must be linear in the
    tangents; reverse mode transposes it (srcad differentiates it with respect to the
    tangents).
    """

    def __init__(self, fn):
        functools.update_wrapper(self, fn)
        self.fn = fn
        self.jvp = None

    def defjvp(self, jvp):
        self.jvp = jvp
        return jvp

    def __call__(self, *args, **kwargs):
        return self.fn(*args, **kwargs)


class checkpoint:  # noqa: N801
    """Recompute `fn`'s forward pass in the backward pass instead of storing its values.

    Wrap a memory-hungry block once, at module level, and call the wrapper inside the
    differentiated function: ``layer = srcad.checkpoint(block)``, then ``h = layer(h, W)``.
    Derivatives are the same; the backward pass runs the block's forward pass again.
    """

    def __init__(self, fn):
        functools.update_wrapper(self, fn)
        self.fn = fn

    def __call__(self, *args, **kwargs):
        return self.fn(*args, **kwargs)


def stop_gradient(x):
    """`x`, through which no derivative flows (srcad treats it as a constant).

    Example:
        >>> import srcad
        >>> srcad.grad(lambda x: x * srcad.stop_gradient(x))(3.0)
        3.0
    """
    return x


def require_rule(obj, attribute: str, how: str):
    if getattr(obj, attribute) is None:
        raise SrcadError(
            f"{getattr(obj, '__name__', obj)} is a {type(obj).__name__} without its rule",
            hint=f"define it with {how}",
        )
