"""Loss scaling for low-precision gradients: `LossScale`, static or dynamic.

A float16 adjoint smaller than 6e-8 is zero, and one below 6.1e-5 keeps few digits. Loss
scaling runs the backward sweep with the seed ``s`` instead of 1 (the gradient of ``s *
loss``: every adjoint ``s`` times larger), then divides the gradients by ``s`` in float32
and returns them in their arguments' dtypes. A dynamic scale does what torch.amp.GradScaler
does: when the scaled gradients overflow (an inf or NaN), it halves the scale and, where
GradScaler skips the optimizer step, runs the backward sweep again; after
``growth_interval`` calls without overflow it doubles the scale.

Guarantees: the gradients returned are the unscaled ones, each in the dtype of its argument
(a Python float's gradient stays a float); a gradient that is not finite at the smallest
scale is returned as it is, never silently replaced.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from .errors import SrcadError
from .runtime import scalar_seed


class LossScale:
    """A loss scale for `srcad.grad`, `value_and_grad`, `vjp` and `trace_grad`
    (``loss_scale=``): a number (static), or dynamic like torch.amp.GradScaler.

    Args:
        scale: the initial scale. The default, 2**15, is the largest power of two float16
            holds (its largest number is 65504): a float16 loss's seed would be inf at 2**16.
        dynamic: back off on overflow and grow after ``growth_interval`` good calls.
        growth_factor: what the scale is multiplied by when it grows.
        backoff_factor: what it is multiplied by after an overflow.
        growth_interval: the number of calls without overflow before it grows.
        min_scale: a dynamic scale does not go below it; a gradient that still overflows
            there is returned as it is.

    Raises:
        SrcadError: a scale, factor or ``min_scale`` that is not a positive finite number,
            a ``backoff_factor`` outside (0, 1), a ``growth_interval`` below 1.

    Example:
        >>> import numpy as np, srcad
        >>> scale = srcad.LossScale(dynamic=True, growth_interval=2)
        >>> df = srcad.grad(lambda x: np.sum(x * x), loss_scale=scale)
        >>> x = np.array([1.0, 2.0], dtype=np.float16)
        >>> df(x)  # 2 * 2 * 2**15 overflows float16, and 2 * 2 * 2**14; 2**13 does not
        array([2., 4.], dtype=float16)
        >>> scale.overflowed, scale.scale
        ([32768.0, 16384.0], 8192.0)
        >>> _ = df(x)  # the second call in a row without overflow doubles the scale
        >>> scale.scale
        16384.0
    """

    def __init__(
        self,
        scale: float = 2.0**15,
        dynamic: bool = False,
        growth_factor: float = 2.0,
        backoff_factor: float = 0.5,
        growth_interval: int = 2000,
        min_scale: float = 1.0,
    ) -> None:
        for name, value in (("scale", scale), ("growth_factor", growth_factor)):
            _check_positive(name, value)
        _check_positive("min_scale", min_scale)
        if not 0.0 < backoff_factor < 1.0:
            raise SrcadError(
                f"LossScale: backoff_factor must be between 0 and 1, got {backoff_factor!r}",
                hint="0.5 halves the scale after an overflow, as torch's GradScaler does",
            )
        if not isinstance(growth_interval, numbers.Integral) or growth_interval < 1:
            raise SrcadError(
                f"LossScale: growth_interval must be a positive integer, got {growth_interval!r}",
                hint="the number of calls without overflow before the scale grows (2000 in "
                "torch's GradScaler)",
            )
        self.scale = float(scale)
        self.dynamic = bool(dynamic)
        self.growth_factor = float(growth_factor)
        self.backoff_factor = float(backoff_factor)
        self.growth_interval = int(growth_interval)
        self.min_scale = float(min_scale)
        self.good_calls = 0  # calls without overflow since the scale last changed
        self.overflowed: list[float] = []  # the scales that overflowed in the last call
        self.used: float | None = None  # the scale the last call's gradients were computed at

    def __repr__(self) -> str:
        kind = "dynamic" if self.dynamic else "static"
        return f"LossScale({self.scale:g}, {kind})"

    def seed(self, out):
        """The backward sweep's seed for the output `out`: the scale, in `out`'s dtype
        (after the check that `out` is a real scalar)."""
        one = scalar_seed(out)
        if isinstance(one, np.generic):
            with np.errstate(over="ignore"):
                return one.dtype.type(self.scale)
        return self.scale

    def cotangent(self, cotangent):
        """`cotangent` times the scale, each leaf keeping its dtype."""
        return _map(lambda c: _times(c, self.scale), cotangent)

    def unscale(self, grads, like, scale: float | None = None):
        """`grads` divided by `scale` (by default the current one), in float32 at least,
        then in the dtypes of `like`."""
        return _unscale(grads, like, self.scale if scale is None else scale)

    def update(self, finite: bool) -> bool:
        """Count a call whose scaled gradients were `finite` or not; whether to run the
        backward sweep again at the smaller scale this sets."""
        if finite:
            self.good_calls += 1
            if self.dynamic and self.good_calls >= self.growth_interval:
                self.scale *= self.growth_factor
                self.good_calls = 0
            return False
        self.good_calls = 0
        if not self.dynamic or self.scale <= self.min_scale:
            return False
        self.overflowed.append(self.scale)
        self.scale = max(self.scale * self.backoff_factor, self.min_scale)
        return True


def as_loss_scale(value, transform: str) -> LossScale | None:
    """The `LossScale` a transform's ``loss_scale=`` argument asks for (None: no scaling)."""
    if value is None or isinstance(value, LossScale):
        return value
    if value == "dynamic":
        return LossScale(dynamic=True)
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        _check_positive("loss_scale", value, transform)
        return LossScale(float(value))
    raise SrcadError(
        f"{transform}: loss_scale must be a positive number, 'dynamic' or a srcad.LossScale, "
        f"got {value!r}",
        hint="loss_scale=1024.0 scales by a fixed power of two; loss_scale='dynamic' adapts",
    )


def _check_positive(name: str, value, where: str = "LossScale") -> None:
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool)
    if not ok or not (math.isfinite(value) and value > 0):
        raise SrcadError(
            f"{where}: {name} must be a positive finite number, got {value!r}",
            hint="a power of two (1024.0, 2.0 ** 15) scales and unscales without rounding",
        )


def _map(fn, tree):
    if isinstance(tree, (list, tuple)):
        return type(tree)(_map(fn, t) for t in tree)
    if isinstance(tree, dict):
        return {k: _map(fn, v) for k, v in tree.items()}
    return fn(tree)


def _times(value, scale: float):
    if isinstance(value, (np.ndarray, np.generic)) and value.dtype.kind in "fc":
        with np.errstate(over="ignore"):
            return value * value.dtype.type(scale)
    return value * scale


def leaves(tree) -> list:
    if isinstance(tree, (list, tuple)):
        return [leaf for t in tree for leaf in leaves(t)]
    if isinstance(tree, dict):
        return [leaf for t in tree.values() for leaf in leaves(t)]
    return [tree]


def all_finite(tree) -> bool:
    """Whether every number in `tree` is finite."""
    for leaf in leaves(tree):
        if leaf is not None and not np.all(np.isfinite(leaf)):
            return False
    return True


def _unscale(grads, like, scale: float):
    if isinstance(grads, (list, tuple)) and isinstance(like, (list, tuple)):
        if len(grads) == len(like):
            return type(grads)(_unscale(g, x, scale) for g, x in zip(grads, like))
    if isinstance(grads, dict) and isinstance(like, dict):
        return {k: _unscale(g, like[k], scale) for k, g in grads.items()}
    if isinstance(grads, (list, tuple, dict)):
        return _map(lambda g: _unscale(g, like, scale), grads)
    return _unscale_leaf(grads, like, scale)


def _unscale_leaf(g, like, scale: float):
    if g is None:
        return None
    if not isinstance(g, (np.ndarray, np.generic)):
        return g / scale  # a Python number stays one
    wide = np.result_type(g.dtype, np.float32)
    out = np.asarray(g, dtype=wide) / wide.type(scale)
    kinds = [np.result_type(x) for x in leaves(like) if isinstance(x, (np.ndarray, np.generic))]
    target = np.result_type(*kinds) if kinds else g.dtype
    if target.kind not in "fc":
        target = g.dtype
    with np.errstate(over="ignore"):
        out = out.astype(target, copy=False)
    return out if isinstance(g, np.ndarray) else out[()]
