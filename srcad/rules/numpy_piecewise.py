"""Rules for numpy's piecewise and complex-part elementwise functions: maximum, minimum, clip,
where; real, imag, conj, angle; the other elementwise functions (nan_to_num...) and the
ufuncs with two results (modf, frexp, divmod).

Split from `srcad.rules.numpy_elementwise` (which imports this module, so importing it
registers these rules too); its conventions (broadcast operands, complex numbers) hold here.
"""

from __future__ import annotations

import numpy as np

from .. import runtime as rt
from .template import (
    d,
    jvp_rule,
    nb,
    nondiff,
    optional,
    returns,
    static,
    vjp_rule,
)

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
