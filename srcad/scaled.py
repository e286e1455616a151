"""Gradients computed by a split reverse-mode derivative whose seed is not 1: `grad` and
`value_and_grad` with ``loss_scale=`` (`ScaledGradient`), and the base `trace_grad` builds on.

The generated code is the vjp's (a forward function returning the residuals, a backward
function taking them and the seed), so the seed is a value known at the call: the loss
scale, in the output's dtype. Guarantees: the gradients come back unscaled, in the
arguments' dtypes and structures, with `grad`'s conventions (a tuple for tuple argnums,
``(gradient, aux)`` with has_aux); a dynamic scale that overflows is backed off and the
backward sweep run again from the same residuals (`srcad.scaling`). Plain `grad` is not
touched: its code has no seed parameter and pays nothing for this.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from . import build, runtime
from .arguments import _as_structure
from .errors import SrcadError
from .scaling import LossScale, all_finite
from .transformed import Transformed, _aux_error


class SplitGradient(Transformed):
    """A `Transformed` whose generated code is a forward and a backward function, called
    by a Python runner (`_run`) instead of one generated ``main``."""

    def __init__(
        self,
        fn: Any,
        result: str,
        argnums: Any,
        has_aux: bool,
        loss_scale: LossScale | None,
        mode: str = "vjp",
    ) -> None:
        super().__init__(fn, mode, argnums, has_aux, result)
        self._result = result  # "grad", "value_and_grad" or "trace_grad"
        self.loss_scale = loss_scale

    def _spec(self, key: tuple[Any, ...]) -> build.Spec:
        kinds, ndims, records = key
        if records:
            raise SrcadError(
                f"{self._label}: loss_scale= differentiates arrays and nested tuples, lists "
                "and dicts of them; an argument is another pytree (a dataclass, a namedtuple "
                "or a registered class)",
                hint="pass its leaves as a tuple, or drop loss_scale=",
            )
        return build.Spec(
            self._mode, self._prepare(), has_aux=self._has_aux, kinds=kinds, ndims=ndims
        )

    def _get(self, key: tuple[Any, ...]) -> build.Generated:
        generated = self._generated.get(key)
        if generated is None or not generated.is_fresh():
            split = build.generate(self._fn, self._spec(key))
            run = self._runner(split.functions["fwd"], split.functions["bwd"])
            generated = dataclasses.replace(split, functions={**split.functions, "main": run})
            self._generated[key] = generated
        self._last = key
        return generated

    def _runner(self, fwd: Any, bwd: Any) -> Any:
        def run(*args: Any, **kwargs: Any) -> Any:
            try:
                result = fwd(*args, **kwargs)
            except (TypeError, ValueError) as exc:
                if self._has_aux and "unpack" in str(exc):
                    raise _aux_error(self._fn, self._label, exc) from None
                raise
            out, aux, residuals = result if self._has_aux else (result[0], None, result[1])
            runtime.scalar_seed(out)  # here, so that its error names the user's return line
            grads, extra = self._sweep(fwd, bwd, residuals, out, args, kwargs)
            if any(isinstance(args[n], (list, tuple)) for n in self._nums):
                grads = tuple(_as_structure(g, args[n]) for g, n in zip(grads, self._nums))
            grads = grads[0] if not self._tuple_out else tuple(grads)
            if self._result == "value_and_grad":
                return ((out, aux) if self._has_aux else out), grads
            value = (grads, aux) if self._has_aux else grads
            return value if extra is None else (value, extra)

        return run

    def _sweep(self, fwd, bwd, residuals, out, args, kwargs) -> tuple[Any, Any]:
        """The gradients, one per differentiated argument and unscaled, and what else the
        call returns (None: nothing)."""
        like = tuple(args[n] for n in self._nums)
        return scaled_backward(bwd, residuals, out, self.loss_scale, like), None

    def __srcad_function__(self) -> Any:
        raise SrcadError(
            f"{self._label} with loss_scale= (or trace_grad) cannot be transformed again",
            hint="transform the plain function (srcad.hessian(f), srcad.grad(srcad.grad(f))) "
            "and scale only the outermost gradient",
        )

    def __srcad_specialize__(
        self, kinds: tuple[Any, ...], ndims: tuple[Any, ...], records: tuple[Any, ...] = ()
    ) -> Any:
        return self.__srcad_function__()


def scaled_backward(bwd: Any, residuals: Any, out: Any, scale: LossScale, like: Any) -> Any:
    """Run the backward function seeded with the scale, again at a smaller one while a
    dynamic scale overflows; the gradients unscaled into the dtypes of `like`."""
    return _scaled(bwd, residuals, lambda: scale.seed(out), scale, like)


def scaled_pullback(bwd: Any, residuals: Any, cotangent: Any, scale: LossScale, like: Any) -> Any:
    """`scaled_backward` for a vjp: the cotangent times the scale is the seed."""
    return tuple(_scaled(bwd, residuals, lambda: scale.cotangent(cotangent), scale, like))


def _scaled(bwd: Any, residuals: Any, seed: Any, scale: LossScale, like: Any) -> Any:
    scale.overflowed = []
    while True:
        used = scale.scale  # what update() may change: the gradients are divided by this
        if scale.dynamic:
            # A second sweep pops the tapes again: it needs its own copies of them. An
            # overflow is how a dynamic scale learns it is too large: numpy need not warn.
            with np.errstate(over="ignore"):
                grads = bwd(runtime.fresh_residuals(residuals, arrays=False), seed())
        else:
            grads = bwd(residuals, seed())
        if not scale.update(all_finite(grads)):
            scale.used = used
            return scale.unscale(grads, like, used)


class ScaledGradient(SplitGradient):
    """`grad` / `value_and_grad` with ``loss_scale=`` (see the module docstring); its
    ``loss_scale`` attribute is the `LossScale`, whose ``scale`` a dynamic one adapts."""
