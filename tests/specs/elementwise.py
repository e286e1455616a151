"""Rule specs: elementwise functions (ufuncs, where, clip, complex parts), Python's math
module and the builtins abs, pow, float, max and min.

Collected by tests/rule_specs.py. Complex entries build their complex argument from two real
ones, ``a0 + 1j * a1``, so that tangents in both the real and the imaginary direction are
checked (for non-holomorphic functions they differ); domains keep it off branch cuts. math
functions and builtins take Python floats (shape ()).
"""

from __future__ import annotations

import builtins
import math

import numpy as np

from srcad import runtime as rt  # noqa: F401
from srcad.rules.template import optional

from . import BINARY, UNARY, RuleSpec, numpy_at_least  # noqa: F401

PAIR = [((3,), (3,))]  # the real and imaginary parts of one complex argument
VEC = [((3,),)]  # one shape, for variants of a function already covered elsewhere
SHAPES1 = [((),), ((2, 3),)]  # unary: a Python float and an array
SHAPES2 = [((2, 3), (3,)), ((2, 1), (1, 3)), ((), (2, 3))]  # binary: broadcasting both ways
SCALAR = [((),)]
SCALARS = [((), ())]


def _unary(fn, domain="real", complex_call=None, shapes=SHAPES1):
    """A real spec on SHAPES1 and, when given, a complex one calling `complex_call`."""
    specs = [RuleSpec(fn, shapes, domain=domain)]
    if complex_call is not None:
        specs.append(RuleSpec(fn, PAIR, domain=domain, call=complex_call))
    return specs


SPECS: list[RuleSpec] = [
    # ------------------------------------------------------------ arithmetic
    RuleSpec(np.add, BINARY),
    RuleSpec(np.add, [((3,), (3,), (2, 3))], call="np.add(a0 + 1j * a1, a2 * 1j)"),
    RuleSpec(np.subtract, BINARY),
    RuleSpec(np.multiply, BINARY),
    RuleSpec(np.multiply, [((3,), (3,), (2, 3))], call="np.multiply(a0 + 1j * a1, a2 - 0.5j)"),
    RuleSpec(np.true_divide, BINARY, domain="nonzero"),
    RuleSpec(np.true_divide, [((3,), (3,), (3,))], call="np.true_divide(a0 + 1j * a1, a2 + 1j)"),
    *_unary(np.negative, complex_call="np.negative(a0 + 1j * a1)"),
    *_unary(np.positive, complex_call="np.positive(a0 + 1j * a1)"),
    *_unary(np.reciprocal, "nonzero", "np.reciprocal(a0 + 1j * a1)"),
    RuleSpec(np.mod, [((3,), (3,))], domain="positive", call="np.mod(a0 * 3.0 + 0.1, a1)"),
    RuleSpec(np.mod, [((2, 3), (3,)), ((), (3,))], domain="positive", call="np.mod(a0 * 3.0, -a1)"),
    RuleSpec(
        np.fmod,
        [((3,), (3,)), ((2, 3), ())],
        domain="positive",
        call="np.fmod(a0 * 3.0 + 0.1, a1)",
    ),
    RuleSpec(np.fmod, [((2, 3), (3,))], domain="positive", call="np.fmod(-3.0 * a0, a1)"),
    # ------------------------------------------------------------ powers and roots
    RuleSpec(np.power, [((3,), (3,)), ((2, 3), ()), ((), (3,))], domain="positive"),
    RuleSpec(np.power, SHAPES1, call="np.power(a0, 3)"),
    RuleSpec(np.power, VEC, call="np.power(a0, 2)"),
    RuleSpec(np.power, VEC, call="np.power(2.0, a0)"),
    RuleSpec(np.power, [((3,), (3,), (3,))], domain="positive", call="np.power(a0 + 1j * a1, a2)"),
    RuleSpec(np.float_power, [((3,), (3,)), ((2, 3), ())], domain="positive"),
    RuleSpec(np.float_power, PAIR, domain="positive", call="np.float_power(a0 + 1j * a1, 1.5)"),
    *_unary(np.square, complex_call="np.square(a0 + 1j * a1)"),
    *_unary(np.sqrt, "positive", "np.sqrt(a0 + 1j * a1)"),
    RuleSpec(np.cbrt, SHAPES1, domain="nonzero"),
    RuleSpec(np.hypot, SHAPES2, domain="nonzero"),
    # ------------------------------------------------------------ exp and log
    *_unary(np.exp, complex_call="np.exp(a0 + 1j * a1)"),
    *_unary(np.exp2, complex_call="np.exp2(a0 + 1j * a1)"),
    *_unary(np.expm1, complex_call="np.expm1(a0 + 1j * a1)"),
    *_unary(np.log, "positive", "np.log(a0 + 1j * a1)"),
    *_unary(np.log2, "positive", "np.log2(a0 + 1j * a1)"),
    *_unary(np.log10, "positive", "np.log10(a0 + 1j * a1)"),
    *_unary(np.log1p, "positive", "np.log1p(a0 + 1j * a1)"),
    RuleSpec(np.logaddexp, SHAPES2),
    RuleSpec(np.logaddexp2, SHAPES2),
    # ------------------------------------------------------------ trigonometric
    *_unary(np.sin, complex_call="np.sin(a0 + 1j * a1)"),
    *_unary(np.cos, complex_call="np.cos(a0 + 1j * a1)"),
    *_unary(np.tan, "unit", "np.tan(a0 + 1j * a1)"),
    *_unary(np.arcsin, "unit", "np.arcsin(a0 + 1j * a1)"),
    *_unary(np.arccos, "unit", "np.arccos(a0 + 1j * a1)"),
    *_unary(np.arctan, complex_call="np.arctan(a0 + 1j * a1)"),
    RuleSpec(np.arctan2, SHAPES2, domain="nonzero"),
    *_unary(np.sinc, complex_call="np.sinc(a0 + 1j * a1)"),
    RuleSpec(np.sinc, VEC, call="np.sinc(a0 * np.array([1.0, 0.0, 1.0]))"),
    RuleSpec(np.deg2rad, VEC),
    RuleSpec(np.radians, VEC),
    RuleSpec(np.rad2deg, VEC),
    RuleSpec(np.degrees, VEC),
    # ------------------------------------------------------------ hyperbolic
    *_unary(np.sinh, complex_call="np.sinh(a0 + 1j * a1)"),
    *_unary(np.cosh, complex_call="np.cosh(a0 + 1j * a1)"),
    *_unary(np.tanh, complex_call="np.tanh(a0 + 1j * a1)"),
    *_unary(np.arcsinh, complex_call="np.arcsinh(a0 + 1j * a1)"),
    RuleSpec(np.arccosh, SHAPES1, domain="positive", call="np.arccosh(a0 + 1.0)"),
    RuleSpec(np.arccosh, PAIR, domain="positive", call="np.arccosh(a0 + 1j * a1)"),
    RuleSpec(np.arccosh, PAIR, domain="positive", call="np.arccosh(-a0 - 1j * a1)"),
    *_unary(np.arctanh, "unit", "np.arctanh(a0 + 1j * a1)"),
    # ------------------------------------------------------------ absolute value and sign
    *_unary(np.absolute, "nonzero", "np.absolute(a0 + 1j * a1)"),
    RuleSpec(np.absolute, VEC, call="np.absolute(a0 * np.array([1.0, 0.0, 1.0]))", order=1),
    RuleSpec(np.fabs, SHAPES1, domain="nonzero"),
    RuleSpec(np.copysign, SHAPES2, domain="nonzero"),
    RuleSpec(np.heaviside, SHAPES2),
    RuleSpec(
        np.heaviside,
        [((3,), (3,)), ((2, 3), ())],
        call="np.heaviside(a0 * np.array([1.0, 0.0, -1.0]), a1)",
    ),
    # ------------------------------------------------------------ max, min, clip, where
    RuleSpec(np.maximum, BINARY, domain="away_from_ties"),
    RuleSpec(np.maximum, VEC, call="np.maximum(a0, a0)"),  # a tie: half each, 1 in all
    RuleSpec(np.maximum, [((3,), (3,), (3,))], call="np.maximum(a0 + 1j * a1, a2)"),
    RuleSpec(np.minimum, SHAPES2, domain="away_from_ties"),
    RuleSpec(np.fmax, SHAPES2, domain="away_from_ties"),
    RuleSpec(
        np.fmax, [((3,), (3,))], call="np.fmax(a0, a1 + np.array([0.0, np.nan, 0.0]))"
    ),  # NaN operands are skipped
    RuleSpec(np.fmin, SHAPES2, domain="away_from_ties"),
    RuleSpec(np.fmin, [((3,), (3,))], call="np.fmin(a0 + np.array([np.nan, 0.0, 0.0]), a1)"),
    RuleSpec(np.clip, [((6,), (6,), (6,)), ((2, 3), (3,), ())], call="np.clip(a0, a1, a2)"),
    RuleSpec(np.clip, [((2, 3),)], call="np.clip(a0, -0.5, 0.5)"),
    RuleSpec(np.clip, [((6,), (6,)), ((2, 3), ())], call="np.clip(a0, None, a1)"),
    RuleSpec(np.clip, [((6,), (6,)), ((2, 3), (3,))], call="np.clip(a0, a1, None)"),
    RuleSpec(np.clip, [((6,), (), ())], call="a0.clip(a1, a2)"),
    RuleSpec(
        np.where,
        [((3,), (3,), (3,)), ((2, 3), (3,), ()), ((), (2, 3), (3,))],
        call="np.where(a0 > 0, a1, a2)",
    ),
    RuleSpec(np.where, [((2, 3), (3,))], call="np.where(a0 > 0, a1, 0.0)"),
    RuleSpec(np.where, [((2, 3), (2, 3))], call="np.where(a0 > 0, 1.0, a1)"),
    # ------------------------------------------------------------ complex parts
    RuleSpec(np.real, VEC),
    RuleSpec(np.real, [((3,), (3,)), ((2, 3), (3,))], call="np.real(a0 + 1j * a1)"),
    RuleSpec(np.imag, VEC),
    RuleSpec(np.imag, [((3,), (3,)), ((2, 3), (3,))], call="np.imag(a0 + 1j * a1)"),
    RuleSpec(np.conjugate, VEC),
    RuleSpec(np.conjugate, [((3,), (3,)), ((2, 3), (3,))], call="np.conj(a0 + 1j * a1)"),
    RuleSpec(np.angle, VEC, domain="nonzero"),
    RuleSpec(
        np.angle, [((3,), (3,)), ((2, 3), (3,))], domain="nonzero", call="np.angle(a0 + 1j * a1)"
    ),
    RuleSpec(np.angle, PAIR, domain="nonzero", call="np.angle(a0 - 1j * a1, deg=True)"),
    RuleSpec(np.angle, PAIR, domain="nonzero", call="np.angle(a0 - 1j * a1, a1[0] > 0)"),
    # ------------------------------------------------------------ other elementwise
    RuleSpec(np.nan_to_num, SHAPES1),
    RuleSpec(
        np.nan_to_num,
        [((4,), (), (), ())],
        call="np.nan_to_num(a0 + np.array([0.0, np.inf, -np.inf, np.nan]), nan=a1, "
        "posinf=a2, neginf=a3)",
    ),
    RuleSpec(
        np.nan_to_num,
        [((3,), (3,), ())],
        call="np.nan_to_num(a0 + 1j * a1 + np.array([0.0, np.inf, complex(1.0, np.nan)]), nan=a2)",
    ),
    RuleSpec(np.ldexp, VEC, call="np.ldexp(a0, np.array([1, -2, 3]))"),
    RuleSpec(np.ldexp, VEC, call="np.ldexp(a0, np.array([[1], [-2]]))"),
    RuleSpec(np.ldexp, SCALAR, call="np.ldexp(a0, 3)"),
    RuleSpec(np.nextafter, SHAPES2),
    # ------------------------------------------------------------ ufuncs with two results
    RuleSpec(np.modf, SHAPES1, call="np.modf(a0 * 3.0)[0]"),
    RuleSpec(np.modf, VEC, call="np.modf(a0 * 3.0)[1]"),
    RuleSpec(np.frexp, SHAPES1, domain="nonzero", call="np.frexp(a0 * 3.0)[0]"),
    RuleSpec(
        np.divmod,
        [((3,), (3,)), ((2, 3), (3,))],
        domain="positive",
        call="np.divmod(a0 * 3.0 + 0.1, a1)[1]",
    ),
    RuleSpec(np.divmod, [((3,), (3,))], domain="positive", call="np.divmod(a0 * 3.0, a1)[0]"),
    # ------------------------------------------------------------ Python's math module
    RuleSpec(math.sin, SCALAR),
    RuleSpec(math.cos, SCALAR),
    RuleSpec(math.tan, SCALAR, domain="unit"),
    RuleSpec(math.asin, SCALAR, domain="unit"),
    RuleSpec(math.acos, SCALAR, domain="unit"),
    RuleSpec(math.atan, SCALAR),
    RuleSpec(math.atan2, SCALARS, domain="nonzero"),
    RuleSpec(math.sinh, SCALAR),
    RuleSpec(math.cosh, SCALAR),
    RuleSpec(math.tanh, SCALAR),
    RuleSpec(math.asinh, SCALAR),
    RuleSpec(math.acosh, SCALAR, domain="positive", call="prim(a0 + 1.0)"),
    RuleSpec(math.atanh, SCALAR, domain="unit"),
    RuleSpec(math.exp, SCALAR),
    RuleSpec(math.expm1, SCALAR),
    RuleSpec(math.log, SCALAR, domain="positive"),
    RuleSpec(math.log, SCALARS, domain="positive", call="prim(a0, a1 + 1.0)"),
    RuleSpec(math.log, SCALAR, domain="positive", call="prim(a0, 10)"),
    RuleSpec(math.log1p, SCALAR, domain="positive"),
    RuleSpec(math.log2, SCALAR, domain="positive"),
    RuleSpec(math.log10, SCALAR, domain="positive"),
    RuleSpec(math.sqrt, SCALAR, domain="positive"),
    RuleSpec(math.pow, SCALARS, domain="positive"),
    RuleSpec(math.pow, SCALAR, call="prim(a0, 2)"),
    RuleSpec(math.hypot, SCALARS, domain="nonzero"),
    RuleSpec(math.fabs, SCALAR, domain="nonzero"),
    RuleSpec(math.copysign, SCALARS, domain="nonzero"),
    RuleSpec(math.erf, SCALAR),
    RuleSpec(math.erfc, SCALAR),
    RuleSpec(math.gamma, SCALAR, domain="positive", call="prim(a0 + 1.0)"),
    RuleSpec(math.gamma, SCALAR, domain="positive", call="prim(a0 * 0.4 - 2.9)"),
    RuleSpec(math.lgamma, SCALAR, domain="positive"),
    RuleSpec(math.lgamma, SCALAR, domain="positive", call="prim(a0 * 0.4 - 2.9)"),
    RuleSpec(math.degrees, SCALAR),
    RuleSpec(math.radians, SCALAR),
    RuleSpec(math.fmod, SCALARS, domain="positive", call="prim(a0 * 3.0 + 0.1, a1)"),
    RuleSpec(math.remainder, SCALARS, domain="positive", call="prim(a0 * 3.0 + 0.1, a1)"),
    RuleSpec(math.ldexp, SCALAR, call="prim(a0, 3)"),
    RuleSpec(math.modf, SCALAR, call="prim(a0 * 3.0)[0]"),
    RuleSpec(math.frexp, SCALAR, domain="nonzero", call="prim(a0 * 3.0)[0]"),
    # ------------------------------------------------------------ builtins
    RuleSpec(builtins.abs, SHAPES1, domain="nonzero"),
    RuleSpec(builtins.abs, PAIR, domain="nonzero", call="prim(a0 + 1j * a1)"),
    RuleSpec(builtins.pow, SCALARS, domain="positive"),
    RuleSpec(builtins.pow, [((3,), (3,)), ((2, 3), ()), ((), (3,))], domain="positive"),
    RuleSpec(builtins.pow, SCALAR, call="prim(a0, 3)"),
    RuleSpec(builtins.float, SCALAR),
    RuleSpec(builtins.float, VEC, call="prim(a0[1])"),
    RuleSpec(np.float64, SCALAR),
    RuleSpec(np.float64, VEC),
    RuleSpec(np.float64, VEC, call="prim(a0[1])"),
    # float32 rounds in the 8th digit: central differences of it agree to a few percent
    RuleSpec(np.float32, VEC, order=1, rtol=0.05, atol=0.05),
    RuleSpec(builtins.max, SCALARS, domain="away_from_ties"),
    RuleSpec(builtins.max, [((), (), ())], domain="away_from_ties", call="prim([a0, a1, a2])"),
    RuleSpec(builtins.max, [((4,),)], domain="away_from_ties"),
    RuleSpec(builtins.min, SCALARS, domain="away_from_ties"),
    RuleSpec(builtins.min, [((), (), ())], domain="away_from_ties", call="prim((a0, a1, a2))"),
    RuleSpec(builtins.min, [((4,),)], domain="away_from_ties"),
    # ------------------------------------------------------------ helpers of these rules
    RuleSpec(rt.real_like, [((3,), (3,))], call="rt.real_like(a0 * (1 + 2j), a1)"),
    RuleSpec(rt.real_like, [((3,), (3,), (3,))], call="rt.real_like(a0 * (1 + 2j), a1 + 1j * a2)"),
    RuleSpec(
        rt.finite_part,
        [((3,), (3,))],
        call="rt.finite_part(a0, a1 + np.array([0.0, np.inf, np.nan]))",
    ),
    RuleSpec(
        rt.finite_part,
        [((3,), (3,), (3,))],
        call="rt.finite_part(a0 + 1j * a1, a2 + np.array([0.0, np.inf, complex(1.0, np.nan)]))",
    ),
    RuleSpec(rt.divide, SHAPES2, domain="positive", call="rt.divide(a0, a1)"),
    RuleSpec(rt.divide, SCALARS, domain="positive", call="rt.divide(a0, a1)"),
    # (order 1 in a variable exponent: the exponent's second derivative is refused)
    RuleSpec(
        rt.power_slope, SHAPES2, domain="positive", call="rt.power_slope(a0, a1 + 0.5)", order=1
    ),
    RuleSpec(
        rt.power_slope, SCALARS, domain="positive", call="rt.power_slope(a0, a1 * 3.0)", order=1
    ),
    RuleSpec(rt.power_slope, SHAPES1, domain="positive", call="rt.power_slope(a0, 2.5, 2)"),
    RuleSpec(
        rt.power_slope, VEC, domain="positive", call="rt.power_slope(a0, np.array([0.0, 1.0, 2.5]))"
    ),
    RuleSpec(rt.log_or_zero, SCALAR, domain="positive", call="rt.log_or_zero(a0)"),
    RuleSpec(
        rt.log_or_zero, VEC, domain="positive", call="rt.log_or_zero(a0 * np.array([1, 0, 1]))"
    ),
    RuleSpec(rt.log_or_zero, PAIR, domain="positive", call="rt.log_or_zero(a0 + 1j * a1)"),
    RuleSpec(
        rt.where_tangent,
        [((2, 3), (2, 3), (3,))],
        call="rt.where_tangent(a0 > 0, a1, a2, a0)",
    ),
    RuleSpec(
        rt.where_tangent,
        [((2, 3), (4, 1, 3), (4,))],
        call="rt.where_tangent(a0 > 0, a1, a2, a0, 1)",
    ),
    RuleSpec(rt.polygamma, SCALAR, domain="positive", call="rt.polygamma(0, a0)"),
    RuleSpec(rt.polygamma, VEC, domain="positive", call="rt.polygamma(1, a0)"),
]

SPECS += [  # Python >= 3.11
    RuleSpec(optional(math, "exp2"), SCALAR),
    RuleSpec(optional(math, "cbrt"), SCALAR, domain="nonzero"),
]

# np.clip's min= and max= keywords are numpy >= 2.1.
if numpy_at_least("2.1.0"):
    SPECS.append(RuleSpec(np.clip, [((6,), (), ())], call="np.clip(a0, min=a1, max=a2)"))
