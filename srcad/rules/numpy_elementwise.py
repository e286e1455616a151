"""Rules for elementwise functions: numpy's ufuncs (and where, clip, angle, nan_to_num...),
Python's `math` module and the builtins abs, pow, float, max and min.

Binary rules list their operands in ``broadcast``: the machinery sums adjoints back to each
operand's shape and aligns tangents when direction axes are present, so the templates here are
written as if every operand had the result's shape. A jvp whose terms may lack the other
operand (``d[x] + d[y]`` when one of them is zero) is fitted to the result's shape with
`rt.fit`. Elementwise factors have the primal's shape, which numpy broadcasts against the
leading direction axes of derivatives, so most templates are right for any ``nb``.

Complex numbers follow JAX: for holomorphic functions ``d[x] = d[ans] * f'(x)`` (no
conjugate), and the functions that are not holomorphic (abs, real, imag, conj, angle) use the
transpose of their real-linear jvp. Constants are Python numbers (``math.log(2.0)``, not
``np.log(2.0)``, a float64 scalar that would promote float32 derivatives).

Python's `math` functions and the builtins take scalars: nothing broadcasts, so they list no
``broadcast`` operands, and their templates may use numpy.
"""

from __future__ import annotations

import builtins
import math

import numpy as np

from .. import runtime as rt
from .registry import primitive_params
from .template import (
    d,
    facts,
    jvp_rule,
    nb,
    ndim,
    nondiff,
    optional,
    returns,
    same_shape,
    static,
    unary_rule,
    vjp_rule,
)

# ---------------------------------------------------------------- arithmetic


@vjp_rule(np.add, broadcast=("x", "y"), linear=("x", "y"))
def _(ans, x, y):
    d[x] = d[ans]
    d[y] = d[ans]


@jvp_rule(np.add, broadcast=("x", "y"), linear=("x", "y"))
def _(ans, x, y):
    if static(same_shape(x, y)):
        d[ans] = d[x] + d[y]  # either tangent alone has the result's shape
    else:
        d[ans] = rt.fit(d[x] + d[y], ans, nb)


@vjp_rule(np.subtract, broadcast=("x", "y"), linear=("x", "y"))
def _(ans, x, y):
    d[x] = d[ans]
    d[y] = -d[ans]


@jvp_rule(np.subtract)
def _(ans, x, y):
    if static(same_shape(x, y)):
        d[ans] = d[x] - d[y]
    else:
        d[ans] = rt.fit(d[x] - d[y], ans, nb)


@vjp_rule(np.multiply, broadcast=("x", "y"), bilinear=("x", "y"))
def _(ans, x, y):
    d[x] = d[ans] * y
    d[y] = d[ans] * x


@jvp_rule(np.multiply)
def _(ans, x, y):
    d[ans] = d[x] * y + x * d[y]


# np.divide is np.true_divide.
@vjp_rule(np.true_divide, broadcast=("x", "y"))
def _(ans, x, y):
    d[x] = d[ans] / y
    d[y] = -d[ans] * ans / y


@jvp_rule(np.true_divide)
def _(ans, x, y):
    d[ans] = d[x] / y - d[y] * ans / y


@vjp_rule(np.negative, linear=("x",))
def _(ans, x):
    d[x] = -d[ans]


@jvp_rule(np.negative)
def _(ans, x):
    d[ans] = -d[x]


@vjp_rule(np.positive, linear=("x",))
def _(ans, x):
    d[x] = d[ans]


@jvp_rule(np.positive)
def _(ans, x):
    d[ans] = d[x]


@vjp_rule(np.reciprocal)
def _(ans, x):
    d[x] = -d[ans] * (ans * ans)


@jvp_rule(np.reciprocal)
def _(ans, x):
    d[ans] = -d[x] * (ans * ans)


# np.mod is np.remainder: x - y * floor(x / y).
@vjp_rule(np.mod, broadcast=("x", "y"))
def _(ans, x, y):
    d[x] = d[ans]
    d[y] = -d[ans] * np.floor_divide(x, y)


@jvp_rule(np.mod)
def _(ans, x, y):
    d[ans] = rt.fit(d[x] - d[y] * np.floor_divide(x, y), ans, nb)


# np.fmod: x - y * trunc(x / y) (the sign of x, as C's fmod).
@vjp_rule(np.fmod, broadcast=("x", "y"))
def _(ans, x, y):
    d[x] = d[ans]
    d[y] = -d[ans] * np.trunc(x / y)


@jvp_rule(np.fmod)
def _(ans, x, y):
    d[ans] = rt.fit(d[x] - d[y] * np.trunc(x / y), ans, nb)


# ---------------------------------------------------------------- powers and roots


# np.pow is np.power. d/dy x**y = x**y log(x), taken as 0 where x == 0 (as JAX does).
# An exponent known when the code is generated gets the plain form; x ** 0 has no
# derivative in x; any other exponent goes through rt.power_slope, which gives 0 where the
# exponent is 0 and inf (not Python's ZeroDivisionError) where the slope is infinite.
@vjp_rule(np.power, broadcast=("x", "y"))
def _(ans, x, y):
    if static(y == 2):
        d[x] = d[ans] * (2 * x)
    elif static(y == 1):
        d[x] = d[ans]
    elif static(y > 1 and y % 1 == 0):
        d[x] = d[ans] * (y * x ** (y - 1))
    elif static(y == 0):
        pass  # x ** 0 is 1 for every x
    else:
        d[x] = d[ans] * rt.power_slope(x, y)
    d[y] = d[ans] * (ans * rt.log_or_zero(x))


@jvp_rule(np.power)
def _(ans, x, y):
    if static(y == 2):
        d[ans] = d[x] * (2 * x)
    elif static(y == 0):
        d[ans] = d[y] * (ans * rt.log_or_zero(x))
    elif static(y > 1 and y % 1 == 0):
        d[ans] = d[x] * (y * x ** (y - 1)) + d[y] * (ans * rt.log_or_zero(x))
    else:
        d[ans] = d[x] * rt.power_slope(x, y) + d[y] * (ans * rt.log_or_zero(x))


# float_power casts its inputs to float64 (or complex128) and takes the power there: the
# adjoints are cast back to the inputs' dtypes, as for any cast.
@vjp_rule(np.float_power, broadcast=("x", "y"))
def _(ans, x, y):
    d[x] = rt.astype_vjp(d[ans] * rt.power_slope(x, y), x)
    d[y] = rt.astype_vjp(d[ans] * (ans * rt.log_or_zero(x)), y)


@jvp_rule(np.float_power)
def _(ans, x, y):
    d[ans] = d[x] * rt.power_slope(x, y) + d[y] * (ans * rt.log_or_zero(x))


unary_rule(np.square, "2 * x")
unary_rule(np.sqrt, "0.5 / ans")


@vjp_rule(np.cbrt)
def _(ans, x):
    d[x] = d[ans] / (3 * ans * ans)


@jvp_rule(np.cbrt)
def _(ans, x):
    d[ans] = d[x] / (3 * ans * ans)


@vjp_rule(np.hypot, broadcast=("x", "y"))
def _(ans, x, y):
    d[x] = d[ans] * rt.divide(x, ans)
    d[y] = d[ans] * rt.divide(y, ans)


@jvp_rule(np.hypot)
def _(ans, x, y):
    d[ans] = rt.divide(d[x] * x + d[y] * y, ans)


# ---------------------------------------------------------------- exp and log


unary_rule(np.exp, "ans")
unary_rule(np.exp2, "ans * math.log(2.0)")
unary_rule(np.expm1, "ans + 1")


@vjp_rule(np.log)
def _(ans, x):
    if static(ndim(x) == 0):
        d[x] = rt.divide(d[ans], x)  # a Python number: inf at 0, not an error
    else:
        d[x] = d[ans] / x


@jvp_rule(np.log)
def _(ans, x):
    if static(ndim(x) == 0):
        d[ans] = rt.divide(d[x], x)
    else:
        d[ans] = d[x] / x


@vjp_rule(np.log2)
def _(ans, x):
    if static(ndim(x) == 0):
        d[x] = rt.divide(d[ans], (x * math.log(2.0)))  # a Python number: inf at 0, not an error
    else:
        d[x] = d[ans] / (x * math.log(2.0))


@jvp_rule(np.log2)
def _(ans, x):
    if static(ndim(x) == 0):
        d[ans] = rt.divide(d[x], (x * math.log(2.0)))
    else:
        d[ans] = d[x] / (x * math.log(2.0))


@vjp_rule(np.log10)
def _(ans, x):
    if static(ndim(x) == 0):
        d[x] = rt.divide(d[ans], (x * math.log(10.0)))  # a Python number: inf at 0, not an error
    else:
        d[x] = d[ans] / (x * math.log(10.0))


@jvp_rule(np.log10)
def _(ans, x):
    if static(ndim(x) == 0):
        d[ans] = rt.divide(d[x], (x * math.log(10.0)))
    else:
        d[ans] = d[x] / (x * math.log(10.0))


@vjp_rule(np.log1p)
def _(ans, x):
    if static(ndim(x) == 0):
        d[x] = rt.divide(d[ans], (1 + x))  # a Python number: inf at 0, not an error
    else:
        d[x] = d[ans] / (1 + x)


@jvp_rule(np.log1p)
def _(ans, x):
    if static(ndim(x) == 0):
        d[ans] = rt.divide(d[x], (1 + x))
    else:
        d[ans] = d[x] / (1 + x)


# log(exp(x) + exp(y)): the derivatives are the softmax weights exp(x - ans), exp(y - ans).
@vjp_rule(np.logaddexp, broadcast=("x", "y"))
def _(ans, x, y):
    d[x] = d[ans] * np.exp(x - ans)
    d[y] = d[ans] * np.exp(y - ans)


@jvp_rule(np.logaddexp)
def _(ans, x, y):
    d[ans] = d[x] * np.exp(x - ans) + d[y] * np.exp(y - ans)


@vjp_rule(np.logaddexp2, broadcast=("x", "y"))
def _(ans, x, y):
    d[x] = d[ans] * np.exp2(x - ans)
    d[y] = d[ans] * np.exp2(y - ans)


@jvp_rule(np.logaddexp2)
def _(ans, x, y):
    d[ans] = d[x] * np.exp2(x - ans) + d[y] * np.exp2(y - ans)


# ---------------------------------------------------------------- trigonometric


unary_rule(np.sin, "np.cos(x)")


@vjp_rule(np.cos)
def _(ans, x):
    d[x] = -d[ans] * np.sin(x)


@jvp_rule(np.cos)
def _(ans, x):
    d[ans] = -d[x] * np.sin(x)


unary_rule(np.tan, "1.0 + ans * ans")


# The inverse functions' derivatives below hold on numpy's principal branches, complex too.
# (np.asin, np.acos, ... are the same objects as np.arcsin, np.arccos, ...)
@vjp_rule(np.arcsin)
def _(ans, x):
    d[x] = d[ans] / np.sqrt(1 - x * x)


@jvp_rule(np.arcsin)
def _(ans, x):
    d[ans] = d[x] / np.sqrt(1 - x * x)


@vjp_rule(np.arccos)
def _(ans, x):
    d[x] = -d[ans] / np.sqrt(1 - x * x)


@jvp_rule(np.arccos)
def _(ans, x):
    d[ans] = -d[x] / np.sqrt(1 - x * x)


@vjp_rule(np.arctan)
def _(ans, x):
    d[x] = d[ans] / (1 + x * x)


@jvp_rule(np.arctan)
def _(ans, x):
    d[ans] = d[x] / (1 + x * x)


# arctan2(y, x) is the angle of the point (x, y).
# (Python numbers divide with rt.divide: at the origin the slope is nan, not an error.)
@vjp_rule(np.arctan2, broadcast=("y", "x"))
def _(ans, y, x):
    r2 = x * x + y * y
    if static(ndim(x) == 0 and ndim(y) == 0):
        d[y] = d[ans] * rt.divide(x, r2)
        d[x] = -d[ans] * rt.divide(y, r2)
    else:
        d[y] = d[ans] * (x / r2)
        d[x] = -d[ans] * (y / r2)


@jvp_rule(np.arctan2)
def _(ans, y, x):
    if static(ndim(x) == 0 and ndim(y) == 0):
        d[ans] = rt.divide(d[y] * x - d[x] * y, x * x + y * y)
    else:
        d[ans] = (d[y] * x - d[x] * y) / (x * x + y * y)


# sinc(x) = sin(pi x) / (pi x); its slope (cos(pi x) - sinc(x)) / x is 0 at x == 0.
# (At exactly 0 the second derivative this gives is 0, not -pi**2 / 3.)
unary_rule(np.sinc, "(np.cos(np.pi * x) - ans) / np.where(x == 0, 1, x)")


@vjp_rule(np.deg2rad, linear=("x",))
def _(ans, x):
    d[x] = d[ans] * (np.pi / 180)


@jvp_rule(np.deg2rad)
def _(ans, x):
    d[ans] = d[x] * (np.pi / 180)


@vjp_rule(np.radians, linear=("x",))
def _(ans, x):
    d[x] = d[ans] * (np.pi / 180)


@jvp_rule(np.radians)
def _(ans, x):
    d[ans] = d[x] * (np.pi / 180)


@vjp_rule(np.rad2deg, linear=("x",))
def _(ans, x):
    d[x] = d[ans] * (180 / np.pi)


@jvp_rule(np.rad2deg)
def _(ans, x):
    d[ans] = d[x] * (180 / np.pi)


@vjp_rule(np.degrees, linear=("x",))
def _(ans, x):
    d[x] = d[ans] * (180 / np.pi)


@jvp_rule(np.degrees)
def _(ans, x):
    d[ans] = d[x] * (180 / np.pi)


# ---------------------------------------------------------------- hyperbolic


unary_rule(np.sinh, "np.cosh(x)")
unary_rule(np.cosh, "np.sinh(x)")
unary_rule(np.tanh, "1.0 - ans * ans")


@vjp_rule(np.arcsinh)
def _(ans, x):
    d[x] = d[ans] / np.sqrt(x * x + 1)


@jvp_rule(np.arcsinh)
def _(ans, x):
    d[ans] = d[x] / np.sqrt(x * x + 1)


# sqrt(x - 1) * sqrt(x + 1), not sqrt(x * x - 1): the same for real x > 1, and the one that
# matches numpy's complex branch of arccosh.
@vjp_rule(np.arccosh)
def _(ans, x):
    d[x] = d[ans] / (np.sqrt(x - 1) * np.sqrt(x + 1))


@jvp_rule(np.arccosh)
def _(ans, x):
    d[ans] = d[x] / (np.sqrt(x - 1) * np.sqrt(x + 1))


@vjp_rule(np.arctanh)
def _(ans, x):
    d[x] = d[ans] / (1 - x * x)


@jvp_rule(np.arctanh)
def _(ans, x):
    d[ans] = d[x] / (1 - x * x)


# ---------------------------------------------------------------- absolute value and sign


# |x| for real or complex x. d|x| = Re(conj(x) dx) / |x|; its transpose is conj(x) / |x|.
# At x == 0 both are 0 (as in JAX and autograd). Plain numpy rather than np.sign (nondiff),
# so that second derivatives are right for complex x too.
@vjp_rule(np.absolute)
def _(ans, x):
    d[x] = d[ans] * (np.conj(x) / np.where(ans == 0, 1, ans))


@jvp_rule(np.absolute)
def _(ans, x):
    d[ans] = np.real(np.conj(x) * d[x]) / np.where(ans == 0, 1, ans)


unary_rule(np.fabs, "np.sign(x)")


# copysign(x, y) = |x| with the sign of y: the derivative in x is -1 where the sign bits of x
# and y differ, else 1 (JAX's rule); in y it is zero.
@vjp_rule(np.copysign, broadcast=("x", "y"))
def _(ans, x, y):
    d[x] = np.where(np.signbit(x) == np.signbit(y), d[ans], -d[ans])


@jvp_rule(np.copysign)
def _(ans, x, y):
    d[ans] = np.where(np.signbit(x) == np.signbit(y), d[x], -d[x])


# heaviside(x, h0) is 0, h0 or 1: flat in x, and equal to h0 where x == 0 (as in JAX, whose
# heaviside is where(x < 0, 0, where(x > 0, 1, h0))).
@vjp_rule(np.heaviside, broadcast=("x", "h0"))
def _(ans, x, h0):
    d[h0] = np.where(x == 0, d[ans], 0.0)


@jvp_rule(np.heaviside)
def _(ans, x, h0):
    d[ans] = np.where(x == 0, d[h0], 0.0)


# ---------------------------------------------------------------- max, min, clip, where


# At a tie each operand gets half the derivative (JAX's maximum and minimum; autograd's too).
# fmax and fmin ignore a NaN operand: the other one gets the whole derivative.
@vjp_rule(np.maximum, broadcast=("x", "y"))
def _(ans, x, y):
    d[x] = d[ans] * rt.tie_share(x, ans, y)
    d[y] = d[ans] * rt.tie_share(y, ans, x)


@jvp_rule(np.maximum)
def _(ans, x, y):
    d[ans] = d[x] * rt.tie_share(x, ans, y) + d[y] * rt.tie_share(y, ans, x)


@vjp_rule(np.minimum, broadcast=("x", "y"))
def _(ans, x, y):
    d[x] = d[ans] * rt.tie_share(x, ans, y)
    d[y] = d[ans] * rt.tie_share(y, ans, x)


@jvp_rule(np.minimum)
def _(ans, x, y):
    d[ans] = d[x] * rt.tie_share(x, ans, y) + d[y] * rt.tie_share(y, ans, x)


@vjp_rule(np.fmax, broadcast=("x", "y"))
def _(ans, x, y):
    d[x] = d[ans] * rt.tie_share(x, ans, y)
    d[y] = d[ans] * rt.tie_share(y, ans, x)


@jvp_rule(np.fmax)
def _(ans, x, y):
    d[ans] = d[x] * rt.tie_share(x, ans, y) + d[y] * rt.tie_share(y, ans, x)


@vjp_rule(np.fmin, broadcast=("x", "y"))
def _(ans, x, y):
    d[x] = d[ans] * rt.tie_share(x, ans, y)
    d[y] = d[ans] * rt.tie_share(y, ans, x)


@jvp_rule(np.fmin)
def _(ans, x, y):
    d[ans] = d[x] * rt.tie_share(x, ans, y) + d[y] * rt.tie_share(y, ans, x)


# clip(a, a_min, a_max) is minimum(maximum(a, a_min), a_max) (numpy's definition, so a_max
# wins when a_min > a_max). Where `a` touches a bound, the bound gets the whole derivative:
# autograd's choice (its clip passes nothing to `a` where ans == a_min or ans == a_max).
# Either bound may be None.
@vjp_rule(
    np.clip,
    broadcast=("a", "a_min", "a_max"),
    aliases={"min": "a_min", "max": "a_max"},
)
def _(ans, a, a_min=None, a_max=None):
    if static(a_min is None):
        d[a] = d[ans] * (a < a_max)
        d[a_max] = d[ans] * (a >= a_max)
    elif static(a_max is None):
        d[a] = d[ans] * (a > a_min)
        d[a_min] = d[ans] * (a <= a_min)
    else:
        d[a] = d[ans] * ((a_min < a) & (a < a_max))
        d[a_min] = d[ans] * ((a <= a_min) & (a_min < a_max))
        d[a_max] = d[ans] * (np.maximum(a, a_min) >= a_max)


@jvp_rule(np.clip)
def _(ans, a, a_min=None, a_max=None):
    if static(a_min is None):
        d[ans] = d[a] * (a < a_max) + d[a_max] * (a >= a_max)
    elif static(a_max is None):
        d[ans] = d[a] * (a > a_min) + d[a_min] * (a <= a_min)
    else:
        d[ans] = (
            d[a] * ((a_min < a) & (a < a_max))
            + d[a_min] * ((a <= a_min) & (a_min < a_max))
            + d[a_max] * (np.maximum(a, a_min) >= a_max)
        )


@vjp_rule(np.where, broadcast=("condition", "x", "y"), arity=3)
def _(ans, condition, x, y):
    d[x] = np.where(condition, d[ans], 0.0)
    d[y] = np.where(condition, 0.0, d[ans])


@jvp_rule(np.where, broadcast=("condition", "x", "y"), arity=3)
def _(ans, condition, x, y):
    if static(nb == 0):
        d[ans] = np.where(condition, d[x], d[y])
    else:
        d[ans] = rt.where_tangent(condition, d[x], d[y], ans, nb)


# ---------------------------------------------------------------- complex parts


# np.real, np.imag and np.conj are real-linear, not holomorphic: each vjp is the transpose of
# the jvp for the pairing Re(sum(a * b)) (JAX's convention, no conjugation).
@vjp_rule(np.real, linear=("val",))
def _(ans, val):
    d[val] = d[ans]


@jvp_rule(np.real, linear=("val",))
def _(ans, val):
    d[ans] = np.real(d[val])


# imag(x + iy) = y; the transpose sends g to -1j * g (Re(-1j * g * (dx + i dy)) = g * dy), and
# to 0 for real `val` (whose imaginary part is the constant 0).
@vjp_rule(np.imag, linear=("val",))
def _(ans, val):
    d[val] = rt.real_like(-1j * d[ans], val)


@jvp_rule(np.imag, linear=("val",))
def _(ans, val):
    d[ans] = np.imag(d[val])


# np.conj is np.conjugate.
@vjp_rule(np.conjugate, linear=("x",))
def _(ans, x):
    d[x] = np.conj(d[ans])


@jvp_rule(np.conjugate, linear=("x",))
def _(ans, x):
    d[ans] = np.conj(d[x])


# angle(z) = atan2(imag z, real z): d angle = Im(dz / z) = Re(-1j * dz / z). Real z has a
# constant angle (0 or pi) and gets 0. Like JAX and autograd, the result is NaN at z == 0.
@vjp_rule(np.angle)
def _(ans, z, deg=False):
    if static(not deg):
        d[z] = rt.real_like(d[ans] * (-1j / z), z)
    elif static(deg):
        d[z] = rt.real_like(d[ans] * (-1j / z), z) * (180 / np.pi)
    else:
        d[z] = rt.real_like(d[ans] * (-1j / z), z) * (180 / np.pi if deg else 1.0)


@jvp_rule(np.angle)
def _(ans, z, deg=False):
    if static(not deg):
        d[ans] = np.real(d[z] * (-1j / z))
    elif static(deg):
        d[ans] = np.real(d[z] * (-1j / z)) * (180 / np.pi)
    else:
        d[ans] = np.real(d[z] * (-1j / z)) * (180 / np.pi if deg else 1.0)


# ---------------------------------------------------------------- other elementwise


# nan_to_num passes the derivative of finite elements and replaces the others by constants,
# whose own derivatives (if they are variables) land where they were used.
@vjp_rule(np.nan_to_num, broadcast=("x", "nan", "posinf", "neginf"))
def _(ans, x, copy=True, nan=0.0, posinf=None, neginf=None):
    d[x] = rt.finite_part(d[ans], x)
    d[nan] = np.real(d[ans] * rt.replaced_mask(x, "nan"))
    d[posinf] = np.real(d[ans] * rt.replaced_mask(x, "posinf"))
    d[neginf] = np.real(d[ans] * rt.replaced_mask(x, "neginf"))


@jvp_rule(np.nan_to_num)
def _(ans, x, copy=True, nan=0.0, posinf=None, neginf=None):
    d[ans] = rt.fit(
        rt.finite_part(d[x], x)
        + d[nan] * rt.replaced_mask(x, "nan")
        + d[posinf] * rt.replaced_mask(x, "posinf")
        + d[neginf] * rt.replaced_mask(x, "neginf"),
        ans,
        nb,
    )


# ldexp(x, n) = x * 2**n with integer n: linear in x, and exact in any precision.
@vjp_rule(np.ldexp, broadcast=("x", "n"), linear=("x",))
def _(ans, x, n):
    d[x] = np.ldexp(d[ans], n)


@jvp_rule(np.ldexp)
def _(ans, x, n):
    d[ans] = np.ldexp(d[x], n)


# nextafter(x, y) moves x by one ulp: its derivative is 1 in x, 0 in y.
@vjp_rule(np.nextafter, broadcast=("x", "y"))
def _(ans, x, y):
    d[x] = d[ans]


@jvp_rule(np.nextafter)
def _(ans, x, y):
    d[ans] = rt.fit(d[x], ans, nb)


# ---------------------------------------------------------------- ufuncs with two results


# modf(x) = (fractional part, integral part); only the fractional part moves with x.
@vjp_rule(np.modf)
def _(ans, x):
    d[x] = d[ans][0]


@jvp_rule(np.modf)
def _(ans, x):
    d[ans] = (d[x], 0.0 * d[x])


# frexp(x) = (mantissa, exponent) with x = mantissa * 2**exponent (an integer).
@vjp_rule(np.frexp)
def _(ans, x):
    d[x] = np.ldexp(d[ans][0], -ans[1])


@jvp_rule(np.frexp)
def _(ans, x):
    d[ans] = (np.ldexp(d[x], -ans[1]), 0.0 * d[x])


# divmod(x, y) = (x // y, x % y); the quotient is an integer.
@vjp_rule(np.divmod, broadcast=("x", "y"))
def _(ans, x, y):
    d[x] = d[ans][1]
    d[y] = -d[ans][1] * ans[0]


@jvp_rule(np.divmod)
def _(ans, x, y):
    rem = rt.fit(d[x] - d[y] * ans[0], ans[1], nb)
    d[ans] = (0.0 * rem, rem)


returns("tuple", np.modf, np.frexp, np.divmod)

nondiff(
    np.signbit,
    np.spacing,
    np.around,
    np.isposinf,
    np.isneginf,
    np.isreal,
    np.iscomplex,
    np.gcd,
    np.lcm,
    optional(np, "bitwise_count"),  # numpy >= 2.0
)


# ---------------------------------------------------------------- Python's math module


unary_rule(math.sin, "math.cos(x)")


@vjp_rule(math.cos)
def _(ans, x):
    d[x] = -d[ans] * math.sin(x)


@jvp_rule(math.cos)
def _(ans, x):
    d[ans] = -d[x] * math.sin(x)


unary_rule(math.tan, "1.0 + ans * ans")


@vjp_rule(math.asin)
def _(ans, x):
    d[x] = rt.divide(d[ans], math.sqrt(1 - x * x))


@jvp_rule(math.asin)
def _(ans, x):
    d[ans] = rt.divide(d[x], math.sqrt(1 - x * x))


@vjp_rule(math.acos)
def _(ans, x):
    d[x] = -rt.divide(d[ans], math.sqrt(1 - x * x))


@jvp_rule(math.acos)
def _(ans, x):
    d[ans] = -rt.divide(d[x], math.sqrt(1 - x * x))


@vjp_rule(math.atan)
def _(ans, x):
    d[x] = d[ans] / (1 + x * x)


@jvp_rule(math.atan)
def _(ans, x):
    d[ans] = d[x] / (1 + x * x)


@vjp_rule(math.atan2)
def _(ans, y, x):
    r2 = x * x + y * y
    d[y] = d[ans] * rt.divide(x, r2)
    d[x] = -d[ans] * rt.divide(y, r2)


@jvp_rule(math.atan2)
def _(ans, y, x):
    d[ans] = rt.divide(d[y] * x - d[x] * y, x * x + y * y)


unary_rule(math.sinh, "math.cosh(x)")
unary_rule(math.cosh, "math.sinh(x)")
unary_rule(math.tanh, "1.0 - ans * ans")


@vjp_rule(math.asinh)
def _(ans, x):
    d[x] = d[ans] / math.sqrt(x * x + 1)


@jvp_rule(math.asinh)
def _(ans, x):
    d[ans] = d[x] / math.sqrt(x * x + 1)


@vjp_rule(math.acosh)
def _(ans, x):
    d[x] = rt.divide(d[ans], math.sqrt(x * x - 1))


@jvp_rule(math.acosh)
def _(ans, x):
    d[ans] = rt.divide(d[x], math.sqrt(x * x - 1))


@vjp_rule(math.atanh)
def _(ans, x):
    d[x] = d[ans] / (1 - x * x)


@jvp_rule(math.atanh)
def _(ans, x):
    d[ans] = d[x] / (1 - x * x)


unary_rule(math.exp, "ans")
unary_rule(math.expm1, "ans + 1")


# math.log(x) or math.log(x, base) = log(x) / log(base).
@vjp_rule(math.log, arity=2)
def _(ans, x, base=None):
    if static(base is None):
        d[x] = d[ans] / x
    else:
        d[x] = d[ans] / (x * math.log(base))
        d[base] = -d[ans] * ans / (base * math.log(base))


@jvp_rule(math.log, arity=2)
def _(ans, x, base=None):
    if static(base is None):
        d[ans] = d[x] / x
    else:
        d[ans] = (d[x] / x - d[base] * ans / base) / math.log(base)


@vjp_rule(math.log1p)
def _(ans, x):
    d[x] = d[ans] / (1 + x)


@jvp_rule(math.log1p)
def _(ans, x):
    d[ans] = d[x] / (1 + x)


@vjp_rule(math.log2)
def _(ans, x):
    d[x] = d[ans] / (x * math.log(2.0))


@jvp_rule(math.log2)
def _(ans, x):
    d[ans] = d[x] / (x * math.log(2.0))


@vjp_rule(math.log10)
def _(ans, x):
    d[x] = d[ans] / (x * math.log(10.0))


@jvp_rule(math.log10)
def _(ans, x):
    d[ans] = d[x] / (x * math.log(10.0))


unary_rule(math.sqrt, "rt.divide(0.5, ans)")


@vjp_rule(math.pow)
def _(ans, x, y):
    if static(y == 2):
        d[x] = d[ans] * (2 * x)
    elif static(y > 1 and y % 1 == 0):
        d[x] = d[ans] * (y * x ** (y - 1))
    elif static(y == 0):
        pass  # x ** 0 is 1 for every x
    else:
        d[x] = d[ans] * rt.power_slope(x, y)
    d[y] = d[ans] * (ans * rt.log_or_zero(x))


@jvp_rule(math.pow)
def _(ans, x, y):
    if static(y == 2):
        d[ans] = d[x] * (2 * x)
    elif static(y == 0):
        d[ans] = d[y] * (ans * rt.log_or_zero(x))
    else:
        d[ans] = d[x] * rt.power_slope(x, y) + d[y] * (ans * rt.log_or_zero(x))


# math.hypot takes any number of coordinates; the rule covers the usual two.
@vjp_rule(math.hypot, arity=2)
def _(ans, x, y):
    d[x] = d[ans] * rt.divide(x, ans)
    d[y] = d[ans] * rt.divide(y, ans)


@jvp_rule(math.hypot, arity=2)
def _(ans, x, y):
    d[ans] = rt.divide(d[x] * x + d[y] * y, ans)


unary_rule(math.fabs, "np.sign(x)")


@vjp_rule(math.copysign)
def _(ans, x, y):
    d[x] = d[ans] * (math.copysign(1.0, x) * math.copysign(1.0, y))


@jvp_rule(math.copysign)
def _(ans, x, y):
    d[ans] = d[x] * (math.copysign(1.0, x) * math.copysign(1.0, y))


unary_rule(math.erf, "2 / math.sqrt(math.pi) * math.exp(-x * x)")


@vjp_rule(math.erfc)
def _(ans, x):
    d[x] = -d[ans] * (2 / math.sqrt(math.pi) * math.exp(-x * x))


@jvp_rule(math.erfc)
def _(ans, x):
    d[ans] = -d[x] * (2 / math.sqrt(math.pi) * math.exp(-x * x))


# gamma' = gamma * digamma; lgamma = log|gamma| has derivative digamma (negative x too).
unary_rule(math.gamma, "ans * rt.polygamma(0, x)")
unary_rule(math.lgamma, "rt.polygamma(0, x)")


@vjp_rule(math.degrees, linear=("x",))
def _(ans, x):
    d[x] = d[ans] * (180 / math.pi)


@jvp_rule(math.degrees)
def _(ans, x):
    d[ans] = d[x] * (180 / math.pi)


@vjp_rule(math.radians, linear=("x",))
def _(ans, x):
    d[x] = d[ans] * (math.pi / 180)


@jvp_rule(math.radians)
def _(ans, x):
    d[ans] = d[x] * (math.pi / 180)


@vjp_rule(math.fmod)
def _(ans, x, y):
    d[x] = d[ans]
    d[y] = -d[ans] * math.trunc(x / y)


@jvp_rule(math.fmod)
def _(ans, x, y):
    d[ans] = d[x] - d[y] * math.trunc(x / y)


# IEEE remainder: x - n * y with n the integer nearest x / y (ties to even, as round()).
@vjp_rule(math.remainder)
def _(ans, x, y):
    d[x] = d[ans]
    d[y] = -d[ans] * round(x / y)


@jvp_rule(math.remainder)
def _(ans, x, y):
    d[ans] = d[x] - d[y] * round(x / y)


@vjp_rule(math.ldexp, linear=("x",))
def _(ans, x, i):
    d[x] = np.ldexp(d[ans], i)


@jvp_rule(math.ldexp)
def _(ans, x, i):
    d[ans] = np.ldexp(d[x], i)


# math.modf(x) = (fractional part, integral part); math.frexp(x) = (mantissa, exponent).
@vjp_rule(math.modf)
def _(ans, x):
    d[x] = d[ans][0]


@jvp_rule(math.modf)
def _(ans, x):
    d[ans] = (d[x], 0.0 * d[x])


@vjp_rule(math.frexp)
def _(ans, x):
    d[x] = np.ldexp(d[ans][0], -ans[1])


@jvp_rule(math.frexp)
def _(ans, x):
    d[ans] = (np.ldexp(d[x], -ans[1]), 0.0 * d[x])


returns("tuple", math.modf, math.frexp)


# math.exp2 and math.cbrt: Python >= 3.11.
unary_rule(optional(math, "exp2"), "ans * math.log(2.0)")


@vjp_rule(optional(math, "cbrt"))
def _(ans, x):
    d[x] = d[ans] / (3 * ans * ans)


@jvp_rule(optional(math, "cbrt"))
def _(ans, x):
    d[ans] = d[x] / (3 * ans * ans)


nondiff(
    math.isclose,
    math.ulp,
    math.factorial,
    math.gcd,
    math.isqrt,
    math.comb,
    math.perm,
)


# ---------------------------------------------------------------- builtins


@vjp_rule(builtins.abs)
def _(ans, x):
    d[x] = d[ans] * (np.conj(x) / np.where(ans == 0, 1, ans))


@jvp_rule(builtins.abs)
def _(ans, x):
    d[ans] = np.real(np.conj(x) * d[x]) / np.where(ans == 0, 1, ans)


# pow(base, exp) is base ** exp, arrays included; a third (modulus) argument is integer
# arithmetic, refused by the template.
@vjp_rule(builtins.pow, broadcast=("base", "exp"))
def _(ans, base, exp):
    if static(exp == 2):
        d[base] = d[ans] * (2 * base)
    else:
        d[base] = d[ans] * (exp * base ** (exp - 1))
    d[exp] = d[ans] * (ans * rt.log_or_zero(base))


@jvp_rule(builtins.pow)
def _(ans, base, exp):
    if static(exp == 2):
        d[ans] = d[base] * (2 * base)
    else:
        d[ans] = d[base] * (exp * base ** (exp - 1)) + d[exp] * (ans * rt.log_or_zero(base))


# float(x) is a cast to float64: the identity on values, and adjoints are cast back to x's
# dtype.
@vjp_rule(builtins.float, linear=("x",))
def _(ans, x):
    d[x] = rt.astype_vjp(d[ans], x)


@jvp_rule(builtins.float, linear=("x",))
def _(ans, x):
    if static(nb == 0):
        d[ans] = float(d[x])
    else:
        d[ans] = rt.astype_jvp(d[x], np.float64)


# np.float64(x), np.float32(x): casts of a number or an array to a float type, as
# x.astype(t): the identity on values, adjoints cast back to x's dtype. (numpy 1.26 names the
# parameter x, numpy 2 value: templates name parameters as the function does.)
for _cast in (np.float64, np.float32):
    if "value" in [p.name for p in primitive_params(_cast) or ()]:

        @vjp_rule(_cast, linear=("value",))
        def _(ans, value):
            d[value] = rt.astype_vjp(d[ans], value)

        @jvp_rule(_cast, linear=("value",))
        def _(ans, value):
            d[ans] = rt.astype_jvp(d[value], ans.dtype)

    else:

        @vjp_rule(_cast, linear=("x",))
        def _(ans, x):
            d[x] = rt.astype_vjp(d[ans], x)

        @jvp_rule(_cast, linear=("x",))
        def _(ans, x):
            d[ans] = rt.astype_jvp(d[x], ans.dtype)


# max(a, b) returns `a` unless `b` is larger, and the derivative follows the value returned
# (what autograd and JAX do with Python's max, which compares). max(iterable) returns its first
# largest element: the derivative goes to that element. max(a, b, c), key= and default= are
# refused by the template.
@vjp_rule(builtins.max, arity=2)
def _(ans, a, b=None):
    if static(b is None):
        d[a] = rt.getitem_vjp(d[ans], a, rt.index_of(a, ans), nb)
    else:
        first = not b > a
        d[a] = d[ans] * first
        d[b] = d[ans] * (not first)


@jvp_rule(builtins.max, arity=2)
def _(ans, a, b=None):
    if static(b is None and nb == 0):
        d[ans] = d[a][rt.index_of(a, ans)]
    elif static(b is None):
        d[ans] = rt.getitem_batched(d[a], rt.index_of(a, ans), nb)
    else:
        first = not b > a
        d[ans] = d[a] * first + d[b] * (not first)


@vjp_rule(builtins.min, arity=2)
def _(ans, a, b=None):
    if static(b is None):
        d[a] = rt.getitem_vjp(d[ans], a, rt.index_of(a, ans), nb)
    else:
        first = not b < a
        d[a] = d[ans] * first
        d[b] = d[ans] * (not first)


@jvp_rule(builtins.min, arity=2)
def _(ans, a, b=None):
    if static(b is None and nb == 0):
        d[ans] = d[a][rt.index_of(a, ans)]
    elif static(b is None):
        d[ans] = rt.getitem_batched(d[a], rt.index_of(a, ans), nb)
    else:
        first = not b < a
        d[ans] = d[a] * first + d[b] * (not first)


# ---------------------------------------------------------------- helpers of these rules

nondiff(rt.tie_share, rt.replaced_mask, rt.index_of)


# real_like(g, x) is linear in g; its transpose embeds a real adjoint back (Re's transpose).
@vjp_rule(rt.real_like, linear=("g",))
def _(ans, g, x):
    d[g] = d[ans]


@jvp_rule(rt.real_like, linear=("g",))
def _(ans, g, x):
    d[ans] = rt.real_like(d[g], x)


# finite_part(g, x) is a real diagonal mask: its own transpose.
@vjp_rule(rt.finite_part, linear=("g",))
def _(ans, g, x):
    d[g] = rt.finite_part(d[ans], x)


@jvp_rule(rt.finite_part, linear=("g",))
def _(ans, g, x):
    d[ans] = rt.finite_part(d[g], x)


@vjp_rule(rt.log_or_zero)
def _(ans, x):
    d[x] = d[ans] / np.where(x == 0, 1, x)


@jvp_rule(rt.log_or_zero)
def _(ans, x):
    d[ans] = d[x] / np.where(x == 0, 1, x)


@vjp_rule(rt.where_tangent, linear=("dx", "dy"))
def _(ans, condition, dx, dy, like, batch=0):
    d[dx] = rt.fit_vjp(np.where(condition, d[ans], 0.0), dx, like, batch, nb)
    d[dy] = rt.fit_vjp(np.where(condition, 0.0, d[ans]), dy, like, batch, nb)


@jvp_rule(rt.where_tangent, linear=("dx", "dy"))
def _(ans, condition, dx, dy, like, batch=0):
    d[ans] = rt.where_tangent(condition, d[dx], d[dy], like, batch + nb)


# d/dx polygamma(n, x) = polygamma(n + 1, x); the order n is an integer.
@vjp_rule(rt.polygamma)
def _(ans, n, x):
    d[x] = d[ans] * rt.polygamma(n + 1, x)


@jvp_rule(rt.polygamma)
def _(ans, n, x):
    d[ans] = d[x] * rt.polygamma(n + 1, x)


# rt.divide is division; the derivative of its quotient reads the quotient again.
@vjp_rule(rt.divide, broadcast=("a", "b"))
def _(ans, a, b):
    d[a] = rt.divide(d[ans], b)
    d[b] = -d[ans] * rt.divide(ans, b)


@jvp_rule(rt.divide)
def _(ans, a, b):
    d[ans] = rt.divide(d[a], b) - d[b] * rt.divide(ans, b)


# The derivative in x of the k-th slope is the (k+1)-th; the one in y has no rule of its own
# (a third derivative in a variable exponent is refused).
@vjp_rule(rt.power_slope, broadcast=("x", "y"))
def _(ans, x, y, k=1):
    d[x] = d[ans] * rt.power_slope(x, y, k + 1)
    d[y] = d[ans] * rt.power_slope_dy(x, y, k)


@jvp_rule(rt.power_slope)
def _(ans, x, y, k=1):
    d[ans] = d[x] * rt.power_slope(x, y, k + 1) + d[y] * rt.power_slope_dy(x, y, k)


# ----------------------------------------------------------------------------- facts
# What the analyses read of these entries besides their templates (srcad.rules.registry.facts).

facts(np.conj, np.real, np.imag, np.negative, np.clip, rank="same")
facts(np.real, np.imag, np.nan_to_num, view=True)  # np.real(x) of a real x is x
