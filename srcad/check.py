"""`check_grads`: the numeric oracle for every derivative srcad generates.

Forward mode is compared with central finite differences (``J u``); reverse mode with the
adjoint identity ``<v, J u> == <J^T v, u>``, where ``J u`` also comes from finite differences.
Order 2 checks the derivative functions themselves, which exercises differentiating
generated code. Finite differences run in float64 whatever the inputs' precision.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from . import pytree
from .boundary import public
from .errors import SrcadError
from .wrappers import transformable


class GradientCheckError(SrcadError, AssertionError):
    """A derivative disagrees with finite differences."""


def _leaves(tree) -> list:
    return pytree.leaves(tree)


def _map(fn, tree, *rest):
    """`fn` over the leaves of `tree` and the matching parts of `rest` (whose leaves may
    stand for whole subtrees: None where nothing is differentiated)."""
    if not pytree.is_node(tree):
        return fn(tree, *rest)
    pairs = pytree.items(tree)
    values = [_map(fn, v, *(pytree.child(r, k) for r in rest)) for k, v in pairs]
    return pytree.flatten(tree, lambda x: x is not tree)[1].unflatten(values)


def _is_float(x) -> bool:
    if isinstance(x, (np.ndarray, np.generic)):
        return np.issubdtype(x.dtype, np.inexact)
    return isinstance(x, numbers.Number) and not isinstance(x, (bool, numbers.Integral))


def _random_like(x, rng):
    if not _is_float(x):
        return None
    shape = np.shape(x)
    values = rng.standard_normal(shape)
    if np.iscomplexobj(x):
        values = values + 1j * rng.standard_normal(shape)
    if isinstance(x, np.ndarray):
        return values.astype(x.dtype)
    return complex(values) if isinstance(x, complex) else float(values)


def _vdot(a, b) -> float:
    total = 0.0
    for u, v in zip(_leaves(a), _leaves(b)):
        if u is None or v is None:
            continue
        total += np.real(np.sum(np.asarray(u, dtype=complex) * np.asarray(v, dtype=complex)))
    return float(total)


def _axpy(a, u, x):
    if u is None:
        return x
    if isinstance(x, np.ndarray):
        dtype = np.complex128 if np.iscomplexobj(x) or np.iscomplexobj(u) else np.float64
        return x.astype(dtype) + a * np.asarray(u, dtype=dtype)
    return x + a * u


def _low_precision(tree) -> bool:
    return any(
        isinstance(x, (np.ndarray, np.generic))
        and x.dtype in (np.float32, np.float16, np.complex64)
        for x in _leaves(tree)
    )


def numerical_jvp(f, args, tangents, eps=1e-6):
    plus = f(*[_map(lambda x, u: _axpy(eps, u, x), a, t) for a, t in zip(args, tangents)])
    minus = f(*[_map(lambda x, u: _axpy(-eps, u, x), a, t) for a, t in zip(args, tangents)])
    return _map(
        lambda p, m: (
            (np.asarray(p, dtype=complex if np.iscomplexobj(p) else float) - np.asarray(m))
            / (2 * eps)
        ),
        plus,
        minus,
    )


def _close(a: float, b: float, scale: float, rtol: float, atol: float, what: str, f) -> None:
    if not np.isfinite(a) or not np.isfinite(b) or abs(a - b) > atol + rtol * scale:
        raise GradientCheckError(
            f"{what} of {getattr(f, '__name__', f)}: srcad gives {a!r}, finite differences "
            f"give {b!r} (difference {abs(a - b):.3g}, tolerance {atol + rtol * scale:.3g})",
            hint="if f is smooth here, this is a wrong derivative: srcad.show(f) prints the "
            "generated code; near a kink or discontinuity (abs, max, where), or with an "
            "ill-conditioned f, check at another point or pass a larger eps, rtol or atol",
        )


def _tangents(args, rng):
    return [_map(lambda x: _random_like(x, rng), a) for a in args]


@public
def check_grads(
    f: Callable[..., Any],
    args: Sequence[Any],
    order: int = 2,
    modes: Sequence[str] = ("fwd", "rev"),
    eps: float | None = None,
    rtol: float | None = None,
    atol: float | None = None,
    seed: int = 0,
) -> None:
    """Check srcad's derivatives of ``f`` at ``args`` numerically; raise on a mismatch.

    Args:
        f: the function; ``f(*args)`` returns an array, a float or a pytree of them.
        args: a tuple of arguments (arrays, floats, or tuples/lists/dicts of them).
        order: 1 checks first derivatives; 2 also checks the derivative of each derivative.
        modes: ``"fwd"`` checks jvp against finite differences, ``"rev"`` checks vjp with
            the adjoint identity.
        eps: the finite-difference step (default 1e-6, 1e-3 for float32 inputs).
        rtol: the relative tolerance (default 1e-5, 2e-2 for float32 inputs).
        atol: the absolute tolerance (default 1e-6, 2e-2 for float32 inputs).
        seed: the seed of the random tangents and cotangents.

    Returns:
        None, when every check passes.

    Raises:
        GradientCheckError: a derivative disagrees with finite differences; it is both a
            `SrcadError` and an ``AssertionError``, so a test fails on it.
        SrcadError: ``f`` is not callable, or the errors `grad` raises for ``f``.

    Example:
        >>> import numpy as np, srcad
        >>> srcad.check_grads(lambda x: np.sin(x) * x, (np.array([0.3, 1.2]),), order=1)
    """
    if not callable(f):
        raise SrcadError(
            f"check_grads expects a function, got {type(f).__name__}",
            hint="pass the function and its arguments: srcad.check_grads(f, (x,))",
        )
    f = transformable(f)  # np.sin, a functools.partial, a bound method: as the transforms do
    args = tuple(args)
    wrt = [i for i, a in enumerate(args) if _differentiable(a)]
    low = _low_precision(args)
    eps = eps if eps is not None else (1e-3 if low else 1e-6)
    rtol = rtol if rtol is not None else (2e-2 if low else 1e-5)
    atol = atol if atol is not None else (2e-2 if low else 1e-6)
    rng = np.random.default_rng(seed)
    tangents, fd, scale = _finite_differences(f, args, wrt, eps, rng)
    wrt_tangents = [tangents[i] for i in wrt]
    if "fwd" in modes:
        _check_jvp(f, args, wrt, wrt_tangents, fd, scale, rtol, atol)
    cotangent = None
    if "rev" in modes:
        cotangent = _check_vjp(f, args, wrt, wrt_tangents, fd, (scale, rtol, atol), rng)
    if order > 1:
        _check_derivatives(
            f, args, wrt, (wrt_tangents, cotangent), order, modes, eps, rtol, atol, seed
        )


def _finite_differences(f, args, wrt, eps, rng):
    """(random tangents of the arguments in `wrt`, f's jvp along them by finite differences,
    the scale of that jvp)."""
    wide = [_map(_widen, a) for a in args]
    tangents = [
        _map(lambda x: _random_like(x, rng), a) if i in wrt else None for i, a in enumerate(args)
    ]
    fd = numerical_jvp(
        f,
        wide,
        [t if t is not None else _map(lambda x: None, a) for t, a in zip(tangents, args)],
        eps,
    )
    scale = max(
        1.0, max((float(np.max(np.abs(v))) for v in _leaves(fd) if np.size(v)), default=1.0)
    )
    return tangents, fd, scale


def _check_jvp(f, args, wrt, wrt_tangents, fd, scale, rtol, atol) -> None:
    out, tangent_out = _jvp(f, args, wrt, wrt_tangents)
    for got, want in zip(_leaves(tangent_out), _leaves(fd)):
        diff = np.max(np.abs(np.asarray(got) - np.asarray(want))) if np.size(want) else 0.0
        _close(float(diff), 0.0, scale, rtol, atol, "jvp (max error)", f)


def _check_vjp(f, args, wrt, wrt_tangents, fd, tolerances, rng):
    """Check the adjoint identity along a random cotangent; return the cotangent."""
    scale, rtol, atol = tolerances
    out, pullback = _vjp(f, args, wrt)
    cotangent = _map(lambda y: _random_like(y, rng) if _is_float(y) else np.zeros(np.shape(y)), out)
    grads = pullback(cotangent)
    lhs = _vdot(cotangent, fd)
    rhs = _vdot(list(grads), wrt_tangents)
    weight = max(1.0, float(np.sum([np.sum(np.abs(c)) for c in _leaves(cotangent)])))
    _close(rhs, lhs, scale * weight, rtol, atol, "vjp (adjoint identity)", f)
    return cotangent


def _check_derivatives(f, args, wrt, directions, order, modes, eps, rtol, atol, seed) -> None:
    """Check the derivatives of f's pullback and pushforward along `directions` (the
    tangents and the cotangent checked at this order), one order lower."""
    from .arguments import engine_args
    from .wrt import composed_jvp, composed_vjp

    wrt_tangents, cotangent = directions
    # The composed functions call generated code: they take pytree arguments in its form.
    inner = engine_args(args, wrt)
    if "rev" in modes:
        pullback_fn = composed_vjp(f, cotangent, wrt, args)
        check_grads(pullback_fn, inner, order - 1, modes, eps, rtol * 10, atol * 10, seed + 1)
    if "fwd" in modes:
        pushforward_fn = composed_jvp(f, wrt_tangents, wrt, args)
        check_grads(pushforward_fn, inner, order - 1, modes, eps, rtol * 10, atol * 10, seed + 2)


def _differentiable(arg) -> bool:
    leaves = _leaves(arg)
    return bool(leaves) and all(_is_float(x) for x in leaves)


def _widen(x):
    if isinstance(x, np.ndarray) and _is_float(x):
        return x.astype(np.complex128 if np.iscomplexobj(x) else np.float64)
    return x


def _jvp(f, args, wrt, tangents):
    from .wrt import jvp_wrt

    return jvp_wrt(f, args, wrt, tangents)


def _vjp(f, args, wrt):
    from .wrt import vjp_wrt

    return vjp_wrt(f, args, wrt)
