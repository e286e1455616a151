"""Rules for Python's `math` module and the builtins (abs, pow, float, max, min...).

Split from `srcad.rules.numpy_elementwise` (which imports this module, so importing it
registers these rules too). The functions take scalars: nothing broadcasts, so they list no
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
    jvp_rule,
    nb,
    nondiff,
    optional,
    returns,
    static,
    unary_rule,
    vjp_rule,
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
