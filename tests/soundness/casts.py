"""Class 5: casts to integer and boolean types (and their neighbours: rounding, floor
division, modulo) whose derivative is zero, and float/complex casts whose derivative is one.
"""

from __future__ import annotations

import math

import numpy as np

from .case import Cases

CASES = Cases(__name__, 5)

X = np.array([0.3, -0.7, 1.2])
XP = np.array([1.34, 0.4, 2.6])
W = np.array([1.0, 2.0, 3.0])


# ----------------------------------------------------------------------------- integer casts
@CASES(XP)
def astype_int(x):
    return np.sum(x.astype(int) * x)


@CASES(XP)
def astype_int_alone(x):
    return np.sum(x.astype(int) * W) + np.sum(x)


@CASES(XP)
def astype_int32(x):
    return np.sum(x.astype(np.int32) * x**2)


@CASES(XP)
def astype_int64_string(x):
    return np.sum(x.astype("int64") * 1.5 + x)


@CASES(XP)
def astype_i8_string(x):
    return np.sum(x.astype("i8") * np.sin(x))


@CASES(X)
def astype_bool(x):
    return np.sum(x.astype(bool) * x)


@CASES(X)
def astype_bool_string(x):
    return np.sum(x.astype("bool") + x * 2.0)


@CASES(XP)
def astype_uint8(x):
    return np.sum(x.astype(np.uint8) * x)


@CASES(XP)
def asarray_dtype_int(x):
    return np.sum(np.asarray(x, dtype=int) * x)


@CASES(XP)
def asarray_dtype_int64(x):
    return np.sum(np.asarray(x, dtype=np.int64) + x)


@CASES(X)
def array_dtype_bool(x):
    return np.sum(np.array(x, dtype=bool) * x**2)


@CASES(XP)
def array_dtype_int_string(x):
    return np.sum(np.array(x * 2.0, dtype="int32") * 1.0 + x)


@CASES(XP)
def int_scalar(x):
    return int(x[0] * 10.0) * x[1] + x[2]


@CASES(XP)
def numpy_int64_scalar(x):
    return np.int64(x[2]) * x[0]


@CASES(XP)
def int_underscore(x):
    return np.sum(np.int_(x) * x)


@CASES(XP)
def astype_int_roundtrip(x):
    return np.sum(x.astype(int).astype(float) * x)


@CASES(XP)
def fractional_part(x):
    return np.sum((x - x.astype(int)) * W)


@CASES(XP)
def astype_int_vector_output(x):
    return x.astype(int) * 1.0 + x


@CASES(XP)
def astype_int_as_index(x):
    table = np.array([1.0, 2.0, 3.0, 4.0])
    return np.sum(table[x.astype(int)] * x)


@CASES(X)
def astype_int_after_clip(x):
    return np.sum(np.clip(x * 3.0, 0.0, 5.0).astype(int) * x)


@CASES(X)
def bool_of_scalar(x):
    return bool(x[0]) * x[1] + x[2]


# ----------------------------------------------------------------------------- rounding and co
@CASES(XP)
def python_round(x):
    return round(x[0]) * x[1] + round(float(x[2]), 1)


@CASES(XP)
def math_floor_ceil(x):
    return math.floor(x[0]) * x[1] + math.ceil(x[2]) * x[0]


@CASES(XP)
def math_trunc(x):
    return math.trunc(x[2]) * x[2]


@CASES(X)
def np_floor_ceil_rint(x):
    return np.sum(np.floor(x) * x + np.ceil(x) + np.rint(x) * 2.0)


@CASES(X)
def np_round_decimals(x):
    return np.sum(np.round(x, 1) * x)


@CASES(X)
def method_round(x):
    return np.sum(x.round() * x + x)


@CASES(X)
def np_trunc_fix_sign(x):
    return np.sum(np.trunc(x) + np.fix(x) * x + np.sign(x) * x)


@CASES(X)
def floor_divide(x):
    return np.sum((x // 0.5) * x)


@CASES(X)
def modulo_one(x):
    return np.sum(x % 1.0 * W)


@CASES(X)
def np_mod_fmod_remainder(x):
    return np.sum(np.mod(x, 0.5) + np.fmod(x, 0.5) * 2.0 + np.remainder(x * 3.0, 1.0))


@CASES(X)
def divmod_parts(x):
    q, r = np.divmod(x, 0.5)
    return np.sum(q * x + r)


@CASES(X)
def comparison_times_value(x):
    return np.sum((x > 0) * x**2)


# ----------------------------------------------------------------------------- float casts
@CASES(X)
def astype_float(x):
    return np.sum(x.astype(float) ** 2)


@CASES(X)
def astype_float64_string(x):
    return np.sum(np.sin(x.astype("float64")))


@CASES(X)
def asarray_dtype_float(x):
    return np.sum(np.asarray(x * 2.0, dtype=np.float64) ** 3)


@CASES(X, eps=1e-2)
def astype_float32_linear(x):
    return np.sum(x.astype(np.float32) * W)


@CASES(X)
def float_of_item(x):
    return float(x[0]) * x[1] + float(np.sum(x))


@CASES(X)
def astype_complex_real_part(x):
    z = x.astype(complex)
    return np.sum(np.real(z * z))


@CASES(X)
def asarray_dtype_complex(x):
    z = np.asarray(x, dtype=np.complex128) * (1.0 + 2.0j)
    return np.sum(np.abs(z) ** 2)
