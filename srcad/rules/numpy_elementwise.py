"""Rules for elementwise functions: numpy's ufuncs (and where, clip, angle, nan_to_num...),
Python's `math` module and the builtins abs, pow, float, max and min. This module holds the
arithmetic, powers, exp and log, trigonometric, hyperbolic and sign functions; importing it
registers the rest too: `srcad.rules.numpy_piecewise` (maximum, minimum, clip, where, complex
parts, ufuncs with two results) and `srcad.rules.python_math` (math and the builtins).

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

import math

import numpy as np

from .. import runtime as rt
from .template import (
    d,
    facts,
    jvp_rule,
    nb,
    ndim,
    nondiff,
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


# rt.divide is division; the derivative of its quotient reads the quotient again. It is
# linear in its numerator: a zero tangent there (jacfwd of a gradient whose seed has none)
# stays a zero without a shape of its own.
@vjp_rule(rt.divide, broadcast=("a", "b"), linear=("a",))
def _(ans, a, b):
    d[a] = rt.divide(d[ans], b)
    d[b] = -d[ans] * rt.divide(ans, b)


@jvp_rule(rt.divide, linear=("a",))
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

# The rest of this family's rules, in modules of their own (they register on import).
from . import numpy_piecewise, python_math  # noqa: E402, F401
