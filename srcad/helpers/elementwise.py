"""Run-time helpers for the elementwise rules (re-exported by srcad.runtime).

Most elementwise derivatives are one numpy expression and need no helper. These cover what
plain numpy cannot say in one expression: how a max/min shares its derivative at ties, the
real-linear maps of complex numbers, the masks of `np.nan_to_num`, and the digamma family
that the derivatives of `math.gamma` and `math.lgamma` need.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from ..arrays import asarray as _asarray
from ..arrays import is_foreign as _is_foreign
from ..dtypes import result_type


def _real_dtype(value):
    """The real floating dtype derivative factors of `value` take (float32 stays float32)."""
    dtype = result_type(value)
    if np.issubdtype(dtype, np.complexfloating):
        return np.finfo(dtype).dtype
    return dtype if np.issubdtype(dtype, np.floating) else np.dtype(np.float64)


def tie_share(x, z, y):
    """The share of `x` in the derivative of `z`, where `z` is max(x, y) or min(x, y).

    1 where `z` came from `x` alone, 1/2 at a tie, 0 where it came from `y`: autograd's
    "balanced" rule, and JAX's for maximum/minimum. Written in terms of the result, it also
    serves `fmax`/`fmin`, whose result skips a NaN operand (then the other one gets it all).
    """
    share = (x == z) / (1.0 + (x == y))
    return _asarray(share, dtype=_real_dtype(z))


def log_or_zero(x):
    """log(x) where x > 0, 0 elsewhere: the factor of d(x ** y)/dy = x ** y * log(x).

    At x == 0, x ** y is 0. For a negative real base, x ** y is only real for integer y,
    where its derivative in y is complex: it is taken as 0 there, so that an exponent that
    is an integer variable (whose derivative is zero) does not turn the result into NaN.
    Complex bases take the principal logarithm. A Python number gives a Python number:
    numpy would return a float64 scalar, which (unlike a Python float) promotes the float32
    derivative it multiplies.
    """
    if isinstance(x, numbers.Number) and not isinstance(x, np.generic):
        if isinstance(x, complex):
            return complex(np.log(x if x != 0 else 1))
        return float(np.log(x)) if x > 0 else 0.0
    x = _asarray(x)
    if np.iscomplexobj(x):
        return np.log(np.where(x == 0, 1, x))
    return np.where(x > 0, np.log(np.where(x > 0, x, 1)), 0.0).astype(result_type(x, 1.0))


def divide(a, b):
    """``a / b`` as numpy divides: inf or nan where `b` is 0. For Python numbers the quotient
    is Python's (and as fast), except at 0, where Python raises ZeroDivisionError: the
    derivative of math.sqrt at 0 is inf, not an error, where math.sqrt(0) itself runs."""
    try:
        return a / b
    except ZeroDivisionError:
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.divide(a, _asarray(b)[()])


def power_slope(x, y, k=1):
    """The k-th derivative of x ** y in x: y (y-1) ... (y-k+1) x ** (y-k), with JAX's
    convention that it is 0 where the factor y (y-1) ... is (x ** 0 is 1 everywhere, also at
    x == 0, where x ** -1 is inf), and inf where numpy's power is (a Python 0.0 ** -0.5
    raises instead)."""
    factor = _falling(y, k)
    if type(x) is float and type(y) in (int, float):
        if factor == 0:
            return 0.0
        if x != 0.0 or y >= k:
            return factor * x ** (y - k)
    with np.errstate(divide="ignore", invalid="ignore"):
        slope = factor * np.power(x, y - k)
    zero = np.equal(factor, 0)
    # A lazy array is not computed to find out: np.where on it costs no more than the test.
    if _is_foreign(zero) or np.any(zero):
        slope = np.where(zero, np.zeros_like(slope), slope)
    return slope


def power_slope_dy(x, y, k=1):
    """The derivative in y of `power_slope(x, y, k)`: x ** (y-k) times (the derivative of
    the factor y (y-1) ... plus the factor times log x)."""
    terms = [_falling(y, k, skip=j) for j in range(k)]
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.power(x, y - k) * (sum(terms) + _falling(y, k) * log_or_zero(x))


def _falling(y, k, skip=None):
    """y (y-1) ... (y-k+1), leaving out the factor (y - skip)."""
    out = 1
    for j in range(k):
        if j != skip:
            out = out * (y - j)
    return out


def where_tangent(condition, dx, dy, like, batch=0):
    """`np.where(condition, dx, dy)` for tangents with `batch` leading direction axes.

    Each tangent is first aligned with the result `like`: a tangent that is zero (an inactive
    or constant operand) comes as zeros of its operand's own shape, without the axes that
    broadcasting adds between the direction axes and the operand's, and a constant's zeros
    are float64 whatever the result's precision, hence the cast to the result's dtype.
    """
    out = np.where(condition, _fit(dx, like, batch), _fit(dy, like, batch))
    dtype = result_type(like)
    return out.astype(dtype, copy=False) if np.issubdtype(dtype, np.inexact) else out


def _fit(t, like, batch):
    """Broadcast the tangent `t` up to `like`'s shape, after its `batch` direction axes."""
    shape, tshape = np.shape(like), np.shape(t)
    missing = len(shape) - len(tshape) + batch
    if missing > 0:
        t = np.reshape(t, tshape[:batch] + (1,) * missing + tshape[batch:])
    return np.broadcast_to(t, np.shape(t)[:batch] + shape)


def real_like(g, x):
    """`g` as the derivative of `x`: its real part when `x` is real.

    The transpose of a complex-valued map restricted to real inputs (``imag``, ``angle``) is
    the real part of the complex formula; for complex `x` the formula is used as it is.
    """
    return g if np.iscomplexobj(x) else np.real(g)


def finite_part(g, x):
    """`g` where `x` is finite, 0 where it is not: how `np.nan_to_num(x)` passes derivatives.

    Complex numbers are replaced part by part, so each part of `g` follows its own part of
    `x`. The map is diagonal and real, hence its own transpose.
    """
    if np.iscomplexobj(x):
        re = np.where(np.isfinite(np.real(x)), np.real(g), 0)
        im = np.where(np.isfinite(np.imag(x)), np.imag(g), 0)
        return re + 1j * im
    return np.where(np.isfinite(x), g, 0)


_NONFINITE = {"nan": np.isnan, "posinf": np.isposinf, "neginf": np.isneginf}


def replaced_mask(x, which):
    """1 where `np.nan_to_num` puts its `which` ("nan", "posinf", "neginf") value, else 0.

    For complex `x` the real part of the mask marks the real parts replaced and the
    imaginary part the imaginary ones, so ``d_value * mask`` is the tangent the replacement
    value contributes.
    """
    test = _NONFINITE[which]
    if np.iscomplexobj(x):
        dtype = result_type(x)
        return _asarray(test(np.real(x)) + 1j * test(np.imag(x)), dtype=dtype)
    return _asarray(test(x), dtype=_real_dtype(x))


def index_of(seq, value):
    """The first position of `value` in `seq`: the element builtin max/min(seq) returned."""
    for i, item in enumerate(seq):
        if item == value:
            return i
    raise ValueError("srcad: the result of max()/min() is not an element of its argument")


# Bernoulli numbers B_2, B_4, ..., B_20 for the asymptotic series of the polygamma functions.
_BERNOULLI = (
    1 / 6,
    -1 / 30,
    1 / 42,
    -1 / 30,
    5 / 66,
    -691 / 2730,
    7 / 6,
    -3617 / 510,
    43867 / 798,
    -174611 / 330,
)


def polygamma(n, x):
    """The polygamma function psi^(n)(x) (n = 0: digamma), for real `x` (not 0, -1, -2, ...).

    numpy has no digamma and srcad does not depend on scipy. The recurrence
    psi^(n)(x) = psi^(n)(x + 1) + (-1)^(n+1) n! / x^(n+1) moves `x` above 10, where the
    asymptotic series (with Bernoulli numbers) is accurate to double precision.
    """
    x = np.array(x, dtype=np.float64)
    shifted = np.zeros_like(x)
    with np.errstate(divide="ignore", invalid="ignore"):
        while np.any(x < 10):
            low = x < 10
            shifted += np.where(low, 1.0 / x ** (n + 1), 0.0)
            x = np.where(low, x + 1, x)
        if n == 0:
            series = np.log(x) - 0.5 / x
            for k, b in enumerate(_BERNOULLI, start=1):
                series -= b / (2 * k * x ** (2 * k))
        else:
            series = math.factorial(n - 1) / x**n + math.factorial(n) / (2 * x ** (n + 1))
            for k, b in enumerate(_BERNOULLI, start=1):
                coef = b * math.factorial(2 * k + n - 1) / math.factorial(2 * k)
                series += coef / x ** (2 * k + n)
            series *= (-1) ** (n + 1)
        result = series + (-1) ** (n + 1) * math.factorial(n) * shifted
    return result[()] if result.ndim == 0 else result
