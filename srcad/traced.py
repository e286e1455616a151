"""`srcad.trace_grad`: a gradient that reports how the gradient flowed, line by line.

The derivative is generated source like every other (``source()`` shows it): `Mode.TRACE`
is the vjp's forward and backward functions with the backward one instrumented by
`srcad.build.trace`. A call runs the forward function, then the backward one with a
`srcad.trace.record.Recorder` active, and returns the gradient and the `Report`. With
float16 arguments it runs the derivative a second time in float32, to tell which float16
adjoint zeros are underflow. `grad` is never instrumented.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import runtime
from .arguments import Argnums, Function
from .boundary import public
from .scaled import SplitGradient, scaled_backward
from .scaling import LossScale, as_loss_scale, leaves
from .trace import record
from .trace.report import Report
from .trace.report import build as build_report


class Traced(SplitGradient):
    """What `trace_grad` returns: a function returning ``(gradient, report)``."""

    def __init__(
        self,
        fn: Function,
        argnums: Argnums,
        loss_scale: LossScale | None,
        vanishing: float,
        exploding: float,
    ) -> None:
        super().__init__(fn, "trace_grad", argnums, False, loss_scale, mode="trace")
        self._thresholds = (vanishing, exploding)

    def _sweep(self, fwd, bwd, residuals, out, args, kwargs) -> tuple[Any, Report]:
        recorder, grads = self._recorded(bwd, residuals, out, args)
        scale = self.loss_scale
        used = None if scale is None else scale.used
        float16 = _has_float16((args, kwargs))
        reference = self._reference(fwd, bwd, args, kwargs, used) if float16 else None
        overflowed = () if scale is None else tuple(scale.overflowed)
        report = build_report(recorder, reference, used, overflowed, *self._thresholds)
        return grads, report

    def _recorded(self, bwd, residuals, out, args) -> tuple[record.Recorder, Any]:
        """The gradients, and the recorder of the backward sweep that computed them (the
        last one, when a dynamic scale ran it again)."""
        like = tuple(args[n] for n in self._nums)
        recorders: list = []

        def recorded_bwd(tapes: Any, seed: Any) -> Any:
            recorders.append(record.Recorder())
            with record.activate(recorders[-1]):
                return bwd(tapes, seed)

        if self.loss_scale is None:
            grads = recorded_bwd(residuals, runtime.scalar_seed(out))
        else:
            grads = scaled_backward(recorded_bwd, residuals, out, self.loss_scale, like)
        return recorders[-1], grads

    def _reference(self, fwd, bwd, args, kwargs, scale: float | None) -> record.Recorder:
        """The recorder of the same derivative with float16 arguments made float32 (and
        the same loss scale)."""
        result = fwd(*_widened(args), **_widened(kwargs))
        out, residuals = result[0], result[-1]
        seed = runtime.scalar_seed(out)
        if scale is not None:
            seed = type(seed)(scale)
        recorder = record.Recorder()
        with record.activate(recorder):
            bwd(residuals, seed)
        return recorder


def _has_float16(tree) -> bool:
    return any(getattr(leaf, "dtype", None) == np.float16 for leaf in leaves(tree))


def _widened(tree):
    if isinstance(tree, (list, tuple)):
        return type(tree)(_widened(t) for t in tree)
    if isinstance(tree, dict):
        return {k: _widened(v) for k, v in tree.items()}
    if getattr(tree, "dtype", None) == np.float16:
        return (
            np.asarray(tree, dtype=np.float32)[()]
            if np.ndim(tree) == 0
            else tree.astype(np.float32)
        )
    return tree


@public
def trace_grad(
    fn: Function | None = None,
    argnums: Argnums = 0,
    *,
    loss_scale: float | str | LossScale | None = None,
    vanishing: float = 1e-4,
    exploding: float = 1e4,
) -> Any:
    """The gradient of a real scalar function and a report of how it flowed back.

    The derivative is `grad`'s reverse mode, generated as source with a record after every
    statement that assigns an adjoint (``srcad.source(...)`` shows it). The report lists
    every adjoint, in backward-sweep order: the line of ``fn`` it comes from, its name,
    shape, dtype, norm, largest absolute value, fraction of zeros and NaN/inf count, one
    entry per iteration inside loops. It flags vanishing and exploding gradients (the norm
    of a variable's adjoint at its first layer or iteration over its norm at its last),
    names the line where a NaN or inf first appears, and with float16 arguments, the
    adjoints that underflowed to zero (it runs the derivative again in float32 to know).

    Args:
        fn: a function returning a real scalar; without it, a decorator.
        argnums: which positional argument(s) to differentiate, as for `grad`.
        loss_scale: ``None``, a number or ``"dynamic"`` (or a `LossScale`): the backward
            sweep runs seeded with the scale, so the report shows the scaled adjoints; the
            gradient returned is unscaled, as `grad` with ``loss_scale=`` returns it.
        vanishing: a first-to-last norm ratio below this is flagged as vanishing.
        exploding: a first-to-last norm ratio above this is flagged as exploding.

    Returns:
        A function with ``fn``'s signature returning ``(gradient, report)``: the gradient as
        ``grad(fn, argnums)`` returns it and a `srcad.trace.report.Report` (printable,
        shown as a table in Jupyter, ``report.plot()`` with matplotlib).

    Raises:
        SrcadError: the errors of `grad`, at the same moments; a ``loss_scale`` that is not
            a positive number, ``"dynamic"`` or a `LossScale`.

    Example:
        >>> import numpy as np, srcad
        >>> def f(x):
        ...     for i in range(3):
        ...         x = np.tanh(0.5 * x)
        ...     return np.sum(x)
        >>> g, report = srcad.trace_grad(f)(np.ones(4))
        >>> [(e.line, e.iteration, round(e.norm, 3)) for e in report.entries if e.name == "bx"]
        [(4, (), 2.0), (3, (2,), 0.987), (3, (1,), 0.468), (3, (0,), 0.184)]
        >>> print(report.flags()[0])  # doctest: +NORMALIZE_WHITESPACE
        depth: the norm of the adjoint of x at line 3, iteration 0 over its norm at line 4
        is 0.092 (4 steps)
    """
    if fn is None:
        return lambda f: trace_grad(
            f, argnums, loss_scale=loss_scale, vanishing=vanishing, exploding=exploding
        )
    scale = as_loss_scale(loss_scale, "trace_grad")
    return Traced(fn, argnums, scale, vanishing, exploding)
