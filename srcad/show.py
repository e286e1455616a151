"""`srcad.show`: print any stage of the derivative code of a function.

Stages: ``parse`` (the function as srcad read it), ``anf`` (normalized: one operation per
statement, one return, loops over ranges), ``transform`` (derivative code before
optimization) and ``optimized`` (what runs).
"""

from __future__ import annotations

from . import build
from .api import _argnums, _positional_params, _wrt_names
from .build import Mode
from .errors import SrcadError

STAGES = ("parse", "anf", "transform", "optimized")
MODES = ("reverse", "forward")


def stage_text(fn, mode: str = "reverse", stage: str = "optimized", argnums=0) -> str:
    """The text of one stage of `fn`'s derivative (reverse: its gradient; forward: its jvp)."""
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
    kinds = tuple((p, "array") for p in _positional_params(fn))
    spec = build.Spec(
        Mode.GRAD if mode == "reverse" else Mode.JVP,
        wrt,
        tuple_out=as_tuple,
        kinds=kinds,
        stages=True,
    )
    generated = build.generate(fn, spec)
    return generated.stages[stage].rstrip("\n") + "\n"


def show(fn, mode: str = "reverse", stage: str = "optimized", argnums=0) -> str:
    """Print (and return) one stage of the derivative code srcad writes for `fn`.

    Example:
        >>> import numpy as np, srcad
        >>> def f(x):
        ...     return np.sum(x * x)
        >>> _ = srcad.show(f, stage="anf")
        def f(x):
            t = x * x
            result = np.sum(t)
            return result
    """
    text = stage_text(fn, mode, stage, argnums)
    print(text, end="")
    return text
