"""Class 6: powers and other functions at special points (0, 1, negative bases with integer
exponents), on Python floats and on arrays. The expected derivatives are derived by hand:
finite where the derivative exists (d/dx x**0 = 0 at 0, a polynomial's slope at 0 is its
linear coefficient), inf or nan as numpy and JAX give them where it does not (d/dx sqrt(x) =
inf at 0, d/dx arctan2(x, 0) = nan at 0). Generated code must never raise where the
function itself runs (Python floats divide by zero with an exception, numpy with inf)."""

from __future__ import annotations

import math

import numpy as np

from .case import Cases

CASES = Cases(__name__, 6)

INF, NAN = np.inf, np.nan
Z3 = np.array([0.0, 1.0, 2.0])
C = [1.0, 2.0, 3.0]  # polynomial coefficients, constant term first


# ---------------------------------------------------------------------------------- x ** k at 0
@CASES(0.0, jac=0.0)
def pow_zero_float(x):
    return x**0


@CASES(Z3, jac=np.zeros(3))
def pow_zero_array(x):
    return np.sum(x**0)


@CASES(Z3, jac=np.zeros((3, 3)))
def pow_zero_array_vector_output(x):
    return x**0 * 2.0


@CASES(0.0, jac=1.0)
def pow_one_float(x):
    return x**1


@CASES(0.0, jac=0.0)
def pow_two_float(x):
    return x**2


@CASES(0.0, jac=0.0, checks="grad jvp vjp hessian", hess=0.0)
def pow_three_float(x):
    return x**3


@CASES(Z3, jac=np.array([0.0, 2.0, 4.0]), checks="grad jvp vjp hessian", hess=2.0 * np.eye(3))
def pow_two_array(x):
    return np.sum(x**2)


@CASES(0.0, jac=0.0)
def pow_one_point_five_float(x):
    return x**1.5


@CASES(Z3, jac=np.array([0.0, 2.5, 2.5 * 2.0**1.5]))
def pow_two_point_five_array(x):
    return np.sum(x**2.5)


@CASES(0.0, jac=0.0)
def pow_zero_float_exponent(x):
    return x**0.0


@CASES(0.0, jac=0.0)
def np_power_zero(x):
    return np.power(x, 0)


@CASES(Z3, jac=np.array([1.0, 0.0, 0.0]))
def np_power_integer_array_exponent(x):
    return np.sum(np.power(x[0], np.array([0, 1, 2]))) + 0.0 * np.sum(x)


@CASES(0.0, jac=0.0)
def float_power_zero(x):
    return np.float_power(x, 0.0)


@CASES(0.0, jac=0.0)
def pow_zero_times_exp(x):
    return np.exp(x) * x**0 - np.exp(x)


@CASES(0.0, jac=0.0)
def math_pow_zero(x):
    return math.pow(x, 0)


@CASES(0.0, jac=0.0)
def math_pow_two(x):
    return math.pow(x, 2)


# ----------------------------------------------------------------------------- polynomials at 0
@CASES(0.0, jac=2.0, checks="grad jvp vjp hessian", hess=6.0)
def polynomial_generator(x):
    return sum(c * x**k for k, c in enumerate(C))


@CASES(0.0, jac=2.0)
def polynomial_list_comprehension(x):
    return sum([c * x**k for k, c in enumerate(C)])


@CASES(0.0, jac=2.0, checks="grad jvp vjp hessian", hess=6.0)
def polynomial_loop(x):
    total = 0.0
    for k in range(3):
        total = total + C[k] * x**k
    return total


@CASES(Z3, jac=np.array([2.0, 2.0 + 6.0, 2.0 + 12.0]))
def polynomial_array(x):
    return np.sum(sum(c * x**k for k, c in enumerate(C)))


@CASES(0.0, jac=1.0, checks="grad jvp vjp hessian", hess=-4.0)
def polynomial_written_out(x):
    return 3.0 * x**3 - 2.0 * x**2 + x


@CASES(0.0, jac=2.0)
def polyval_at_zero(x):
    return np.polyval([3.0, 2.0, 1.0], x)


@CASES(0.0, jac=2.0)
def polynomial_power_of_range(x):
    ks = np.arange(3)
    return np.sum(np.array(C) * x**ks)


# ----------------------------------------------------------------------------------- roots at 0
@CASES(0.0, jac=INF)
def pow_half_float(x):
    return x**0.5


@CASES(np.array([0.0, 4.0]), jac=np.array([INF, 0.25]))
def pow_half_array(x):
    return np.sum(x**0.5)


@CASES(0.0, jac=INF)
def np_power_half_float(x):
    return np.power(x, 0.5)


@CASES(np.array([0.0, 4.0]), jac=np.array([INF, 0.25]))
def np_power_half_array(x):
    return np.sum(np.power(x, 0.5))


@CASES(0.0, jac=INF)
def math_sqrt_zero(x):
    return math.sqrt(x)


@CASES(0.0, jac=INF)
def np_sqrt_float(x):
    return np.sqrt(x)


@CASES(np.array([0.0, 1.0]), jac=np.array([INF, 0.5]))
def np_sqrt_array(x):
    return np.sum(np.sqrt(x))


@CASES(0.0, jac=INF)
def math_pow_half(x):
    return math.pow(x, 0.5)


@CASES(0.0, jac=INF)
def float_power_half(x):
    return np.float_power(x, 0.5)


@CASES(0.0, jac=INF)
def cbrt_zero(x):
    return np.cbrt(x)


@CASES(0.0, jac=NAN)
def sqrt_of_square(x):
    return np.sqrt(x * x)


@CASES(np.zeros(2), jac=np.array([NAN, NAN]))
def norm_at_zero(x):
    return np.linalg.norm(x)


@CASES(np.array([0.5, 0.5, 0.5]), jac=np.array([NAN, NAN, NAN]))
def std_of_constant(x):
    return np.std(x)


# ------------------------------------------------------------------------------- negative bases
@CASES(-2.0, jac=12.0, checks="grad jvp vjp hessian", hess=-12.0)
def cube_negative_float(x):
    return x**3


@CASES(-1.5, jac=-3.0)
def square_negative_float(x):
    return x**2


@CASES(-2.0, jac=12.0)
def cube_float_exponent_negative(x):
    return x**3.0


@CASES(np.array([-2.0, -1.0, 0.5]), jac=np.array([12.0, 3.0, 0.75]))
def np_power_three_negative(x):
    return np.sum(np.power(x, 3))


@CASES(np.array([-2.0, -1.0, 0.5]), jac=np.array([-32.0, -4.0, 0.5]))
def pow_four_float_exponent_negative(x):
    return np.sum(x**4.0)


@CASES(-2.0, jac=-0.25)
def pow_minus_one_negative(x):
    return x**-1


@CASES(-2.0, jac=-3.0 * 2.0**-4)
def pow_minus_three_negative(x):
    return x**-3.0


@CASES(-2.0, 3.0, jac={0: [np.array(12.0)], 1: [np.array(NAN)]}, argnums=0, checks="grad")
def power_both_negative_base(x, p):
    return x**p


@CASES(0.0, 2.0, jac={0: [np.array(0.0)], 1: [np.array(0.0)]})
def power_both_zero_base(x, p):
    return x**p


@CASES(1.0, 2.5, jac={0: [np.array(2.5)], 1: [np.array(0.0)]})
def power_both_base_one(x, p):
    return x**p


@CASES(2.0, jac=0.0)
def zero_base_power(p):
    return 0.0**p


@CASES(2.0, jac=0.0)
def np_zero_base_power(p):
    return np.power(0.0, p)


@CASES(3.0, jac=8.0 * math.log(2.0))
def two_to_the_x(p):
    return 2.0**p


# ----------------------------------------------------------------------- arctan2, log, division
@CASES(0.0, jac=NAN)
def arctan2_zero_over_zero(x):
    return np.arctan2(x, 0.0)


@CASES(np.array([0.0, 1.0]), jac=np.array([NAN, 0.0]))
def arctan2_array_zero(x):
    return np.sum(np.arctan2(x, 0.0))


@CASES(0.0, jac=NAN)
def arctan2_zero_x_is_denominator(x):
    return np.arctan2(0.0, x)


@CASES(0.0, jac=1.0)
def arctan2_zero_over_one(x):
    return np.arctan2(x, 1.0)


@CASES(0.0, jac=NAN)
def math_atan2_zero(x):
    return math.atan2(x, 0.0)


@CASES(0.0, jac=NAN)
def hypot_zero(x):
    return np.hypot(x, 0.0)


@CASES(0.0, jac=INF)
def log_zero_float(x):
    return np.log(x)


@CASES(np.array([0.0, 2.0]), jac=np.array([INF, 0.5]))
def log_zero_array(x):
    return np.sum(np.log(x))


@CASES(0.0, jac=INF / math.log(2.0))
def log2_zero_float(x):
    return np.log2(x)


@CASES(-1.0, jac=INF)
def log1p_minus_one(x):
    return np.log1p(x)


@CASES(0.0, jac=NAN)
def log_of_square_zero(x):
    return np.log(x * x)


@CASES(np.array([0.0, 2.0]), jac=np.array([-INF, -0.25]))
def reciprocal_array_zero(x):
    return np.sum(1.0 / x)


@CASES(np.array([0.0, 2.0]), jac=np.array([-INF, -0.25]))
def np_reciprocal_array_zero(x):
    return np.sum(np.reciprocal(x))


@CASES(np.float64(0.0), jac=-INF)
def divide_numpy_scalar_zero(x):
    return 1.0 / x


@CASES(
    np.array([1.0, 2.0]),
    np.array([0.0, 1.0]),
    jac={0: [np.array([INF, 1.0])], 1: [np.array([-INF, -2.0])]},
)
def divide_by_zero_entry(a, b):
    return np.sum(a / b)


@CASES(np.array([0.0, 1.0]), jac=np.array([-INF, -2.0]))
def pow_minus_two_array(x):
    return np.sum(x**-2.0)


@CASES(1.0, jac=INF)
def arcsin_one(x):
    return np.arcsin(x)


@CASES(1.0, jac=-INF)
def arccos_one(x):
    return np.arccos(x)


@CASES(0.0, jac=NAN)
def arcsin_of_one_plus_square(x):
    return np.arcsin(1.0 - x * x)


# -------------------------------------------------------------------------- ordinary neighbours
@CASES(0.0, jac=0.0)
def sqrt_of_one_plus_square(x):
    return math.sqrt(x * x + 1.0)


@CASES(1.0, jac=1.0)
def log_at_one_float(x):
    return math.log(x)


@CASES(4.0, jac=0.25)
def math_sqrt_at_four(x):
    return math.sqrt(x)
