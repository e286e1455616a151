"""What a transformed function hands back: its derivatives in the arguments' own structures
and dtypes, and the check behind ``holomorphic=True``.

`Transformed` wraps the generated function with these, only for the calls that need them
(pytree arguments, float32 arguments, holomorphic Jacobians), so that the common call
(float64 arrays) runs the generated code directly:

* `as_arguments`: generated code is given the differentiated pytree arguments in its own
  form (`srcad.argtrees.engine_form`); gradients come back as the arguments' types (a
  namedtuple's as that namedtuple), Jacobians with the arguments' structure at each output
  leaf (for a Hessian, outside as well);
* `cast_like_arguments`: the gradient of an argument has that argument's dtype, as in JAX
  (a float32 argument meeting a float64 constant still gets a float32 gradient);
* `holomorphic_checked`: a Jacobian computed under ``holomorphic=True`` is checked against
  one jvp in a random complex direction, ``J v == jvp(f, x, v)``, which holds only where the
  function is complex-differentiable; elsewhere srcad refuses instead of returning the
  numbers JAX would.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from . import argtrees, build, pytree
from .arguments import (
    _describe_args,
    _describe_records,
    _fill_defaults,
    engine_args,
)
from .build import Mode
from .errors import ComplexDerivativeError, Location

Function = Callable[..., Any]


class Shape:
    """Where the derivatives sit in what a transformed function returns."""

    def __init__(self, nums: tuple[int, ...], tuple_out: bool, value: bool, aux: bool):
        self.nums, self.tuple_out, self.value, self.aux = nums, tuple_out, value, aux

    def split(self, out: Any) -> Any:
        if self.value:
            return out[1]
        return out[0] if self.aux else out

    def join(self, out: Any, derivatives: Any) -> Any:
        if self.value:
            return (out[0], derivatives)
        return (derivatives, out[1]) if self.aux else derivatives

    def per_argument(self, derivatives: Any, args: tuple[Any, ...], fn: Callable) -> Any:
        """`fn(derivative, argument)` for each differentiated argument."""
        if self.tuple_out:
            return tuple(fn(d, args[n]) for d, n in zip(derivatives, self.nums))
        return fn(derivatives, args[self.nums[0]])


def as_arguments(main: Function, shape: Shape, jacobian: bool, hessian: bool) -> Function:
    """`main`, given pytree arguments in generated code's form, its derivatives returned in
    the arguments' structures and types."""

    def laid_out(*args: Any, **kwargs: Any) -> Any:
        engine = engine_args(args, shape.nums)
        out = main(*engine, **kwargs)
        derivatives = shape.split(out)
        if jacobian:
            plain = tuple(engine[n] for n in shape.nums)
            original = tuple(args[n] for n in shape.nums)
            if not shape.tuple_out:
                plain, original = plain[0], original[0]
            derivatives = argtrees.restore_jacobian(derivatives, plain, original)
            if hessian:
                derivatives = argtrees.restore(derivatives, original)
        else:
            derivatives = shape.per_argument(derivatives, args, argtrees.restore)
        return shape.join(out, derivatives)

    return laid_out


_LOW = frozenset("efgFG")  # float16, float32, longdouble and their complex types


def low_precision(args: tuple[Any, ...], nums: tuple[int, ...]) -> bool:
    """Whether a differentiated argument holds an array of a dtype other than float64 or
    complex128 (whose derivatives numpy's promotion could widen)."""
    for n in nums:
        for leaf in pytree.leaves(args[n]) if pytree.is_node(args[n]) else [args[n]]:
            dtype = getattr(leaf, "dtype", None)
            if dtype is not None and dtype.char in _LOW:
                return True
    return False


def cast_like(derivative: Any, argument: Any) -> Any:
    """`derivative` with the dtypes of `argument`'s leaves."""

    def cast(d: Any, x: Any) -> Any:
        dtype = getattr(x, "dtype", None)
        if dtype is None or not np.issubdtype(dtype, np.inexact) or d is None:
            return d
        if getattr(d, "dtype", dtype) == dtype:
            return d
        return np.asarray(d).astype(dtype) if np.ndim(d) else dtype.type(d)

    if not pytree.is_node(argument):
        return cast(derivative, argument)
    return pytree.tree_map(cast, derivative, argument)


def cast_like_arguments(main: Function, shape: Shape) -> Function:
    """`main`, whose gradients have the dtypes of the arguments (JAX's convention)."""

    def cast(*args: Any, **kwargs: Any) -> Any:
        out = main(*args, **kwargs)
        derivatives = shape.per_argument(shape.split(out), args, cast_like)
        return shape.join(out, derivatives)

    return cast


def holomorphic_checked(
    main: Function,
    fn: Any,
    params: list[str],
    wrt: tuple[str, ...],
    shape: Shape,
    label: str,
    where: Location | None,
) -> Function:
    """`main` (a Jacobian driver run with holomorphic=True, given arguments in generated
    code's form), whose Jacobian is checked against one jvp in a random complex direction."""

    def checked(*args: Any, **kwargs: Any) -> Any:
        out = main(*args, **kwargs)
        _probe(fn, params, wrt, shape, args, shape.split(out), label, where)
        return out

    return checked


def _probe(fn, params, wrt, shape, args, jacobian, label, where) -> None:
    nums = shape.nums
    kinds, ndims = _describe_args(params, args)
    records = _describe_records(params, args, nums)
    spec = build.Spec(Mode.JVP, wrt, kinds=kinds, ndims=ndims, records=records)
    jvp = build.generate(fn, spec).functions["main"]
    rng = np.random.default_rng(0)

    def direction(x: Any) -> Any:
        shape_ = np.shape(x)
        v = rng.standard_normal(shape_) + 1j * rng.standard_normal(shape_)
        return np.asarray(v, dtype=np.result_type(x, np.complex64))

    tangents = tuple(pytree.tree_map(direction, args[n]) for n in nums)
    _, tangent_out = jvp(*_fill_defaults(fn, tuple(args)), tangents)
    inputs = pytree.leaves(tangents if shape.tuple_out else tangents[0])
    blocks = pytree.leaves(jacobian)
    outputs = pytree.leaves(tangent_out)
    for i, t in enumerate(outputs):
        row = blocks[i * len(inputs) : (i + 1) * len(inputs)]
        jv = sum(np.tensordot(j, v, axes=np.ndim(v)) for j, v in zip(row, inputs))
        scale = max(1.0, float(np.max(np.abs(t), initial=0.0)), float(np.max(np.abs(jv))))
        tol = np.sqrt(np.finfo(np.result_type(t, jv)).eps) * scale
        if np.max(np.abs(np.asarray(t) - jv), initial=0.0) > tol:
            raise ComplexDerivativeError(
                f"{label} with holomorphic=True: the function is not holomorphic at this "
                "point (its derivative in a complex direction v is not J v for any complex "
                "Jacobian J)",
                where,
                hint="holomorphic=True is for complex-differentiable functions (no abs, "
                "conj, real, imag or angle of the input); for others use srcad.jvp or "
                "srcad.vjp, or differentiate with respect to the real and imaginary parts",
            )
