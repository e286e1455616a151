"""`srcad.show`: print any stage of the derivative code of a function.

Stages: ``parse`` (the function as srcad read it), ``anf`` (normalized: one operation per
statement, one return, loops over ranges), ``transform`` (derivative code before
optimization) and ``optimized`` (what runs).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from . import build
from .arguments import _argnums, _describe_args, _positional_params, _wrt_names
from .boundary import public
from .build import Mode
from .errors import SrcadError

STAGES = ("parse", "anf", "transform", "optimized")
MODES = ("reverse", "forward")

# The stages that depend on the kinds and ranks of the arguments.
_SPECIALIZED = ("transform", "optimized")
GENERIC = "# generic code, for arguments of any rank: show(f, args=(x, ...)) shows what a call runs"


def stage_text(
    fn: Callable[..., Any],
    mode: str = "reverse",
    stage: str = "optimized",
    argnums: int | Sequence[int] = 0,
    args: Sequence[Any] | None = None,
) -> str:
    """The text of one stage of `fn`'s derivative (reverse: its gradient; forward: its jvp),
    for arguments like `args`, or generic code for arguments of any rank."""
    if mode not in MODES:
        raise SrcadError(
            f"show: mode must be one of {MODES}, got {mode!r}",
            hint="mode='reverse' shows the gradient's code, mode='forward' the jvp's",
        )
    if stage not in STAGES:
        raise SrcadError(
            f"show: stage must be one of {STAGES}, got {stage!r}",
            hint="stages run in that order; the default, 'optimized', is the code srcad runs",
        )
    nums, as_tuple = _argnums(fn, argnums, "show")
    wrt = _wrt_names(fn, nums, "show")
    params = _positional_params(fn)
    if args is None:
        kinds, ndims = tuple((p, "array") for p in params), ()
    else:
        kinds, ndims = _describe_args(params, tuple(args))
    spec = build.Spec(
        Mode.GRAD if mode == "reverse" else Mode.JVP,
        wrt,
        tuple_out=as_tuple,
        kinds=kinds,
        ndims=ndims,
        stages=True,
    )
    generated = build.generate(fn, spec)
    return generated.stages[stage].rstrip("\n") + "\n"


@public
def show(
    fn: Callable[..., Any],
    mode: str = "reverse",
    stage: str = "optimized",
    argnums: int | Sequence[int] = 0,
    args: Sequence[Any] | None = None,
) -> None:
    """Print one stage of the derivative code srcad writes for ``fn``.

    srcad writes code for the kinds and ranks of the arguments it is called with (as JAX
    specializes on shapes): ``grad(f)(x)`` with a matrix ``x`` runs ``x.T @ b`` where
    generic code calls a helper that handles any rank. Without ``args``, ``show`` prints
    the generic code, and says so in a comment on its first line; with ``args``, it prints
    the code a call with those arguments runs (what ``srcad.source(srcad.grad(f))`` shows
    after that call).

    Args:
        fn: the function to differentiate (not a transformed one: ``show(f)``, not
            ``show(grad(f))``).
        mode: ``"reverse"`` for the gradient's code, ``"forward"`` for the jvp's.
        stage: ``"parse"`` (the function as srcad read it), ``"anf"`` (normalized: one
            operation per statement), ``"transform"`` (derivative code before
            optimization) or ``"optimized"`` (the code that runs).
        argnums: which positional argument(s) to differentiate, as for `grad`.
        args: example arguments, to show the code specialized for their kinds and ranks.

    Returns:
        None: the code is printed, not returned (``srcad.source(srcad.grad(f))`` returns
        the code that runs as a string).

    Raises:
        SrcadError: ``mode`` or ``stage`` is not one of the values above; and the errors
            `grad` raises for ``fn`` (unsupported syntax, a missing rule...).

    Example:
        >>> import numpy as np, srcad
        >>> def f(x):
        ...     return np.sum(x * x)
        >>> srcad.show(f, stage="anf")
        def f(x):
            t = x * x
            result = np.sum(t)
            return result
    """
    text = stage_text(fn, mode, stage, argnums, args)
    if args is None and stage in _SPECIALIZED:
        text = GENERIC + "\n" + text
    print(text, end="")
