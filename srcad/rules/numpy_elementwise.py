"""Rules for numpy's elementwise functions (ufuncs) and Python's arithmetic operators.

Binary rules list their operands in ``broadcast``: the machinery sums adjoints back to each
operand's shape and aligns tangents when direction axes are present, so the templates here are
written as if every operand had the result's shape. Complex numbers follow JAX: a vjp is the
transpose (not the conjugate transpose) of the jvp.
"""

from __future__ import annotations

import numpy as np

from .. import runtime as rt
from .template import d, jvp_rule, nb, static, vjp_rule

# ---------------------------------------------------------------------------- arithmetic


@vjp_rule(np.add, broadcast=("x", "y"), linear=("x", "y"))
def _(ans, x, y):
    d[x] = d[ans]
    d[y] = d[ans]


@jvp_rule(np.add, broadcast=("x", "y"), linear=("x", "y"))
def _(ans, x, y):
    d[ans] = rt.fit(d[x] + d[y], ans, nb)


@vjp_rule(np.subtract, broadcast=("x", "y"), linear=("x", "y"))
def _(ans, x, y):
    d[x] = d[ans]
    d[y] = -d[ans]


@jvp_rule(np.subtract)
def _(ans, x, y):
    d[ans] = rt.fit(d[x] - d[y], ans, nb)


@vjp_rule(np.multiply, broadcast=("x", "y"))
def _(ans, x, y):
    d[x] = d[ans] * y
    d[y] = d[ans] * x


@jvp_rule(np.multiply)
def _(ans, x, y):
    d[ans] = d[x] * y + x * d[y]


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


@vjp_rule(np.power, broadcast=("x", "y"))
def _(ans, x, y):
    if static(y == 2):
        d[x] = d[ans] * (2 * x)
    elif static(y == 1):
        d[x] = d[ans]
    else:
        d[x] = d[ans] * (y * x ** (y - 1))
    d[y] = d[ans] * (ans * rt.log_nonzero(x))


@jvp_rule(np.power)
def _(ans, x, y):
    if static(y == 2):
        d[ans] = d[x] * (2 * x)
    else:
        d[ans] = d[x] * (y * x ** (y - 1)) + d[y] * (ans * rt.log_nonzero(x))


@vjp_rule(np.square)
def _(ans, x):
    d[x] = d[ans] * (2 * x)


@jvp_rule(np.square)
def _(ans, x):
    d[ans] = d[x] * (2 * x)


@vjp_rule(np.mod, broadcast=("x", "y"))
def _(ans, x, y):
    d[x] = d[ans]
    d[y] = -d[ans] * np.floor_divide(x, y)


@jvp_rule(np.mod)
def _(ans, x, y):
    d[ans] = rt.fit(d[x] - d[y] * np.floor_divide(x, y), ans, nb)


# ---------------------------------------------------------------------------- unary


@vjp_rule(np.exp)
def _(ans, x):
    d[x] = d[ans] * ans


@jvp_rule(np.exp)
def _(ans, x):
    d[ans] = d[x] * ans


@vjp_rule(np.log)
def _(ans, x):
    d[x] = d[ans] / x


@jvp_rule(np.log)
def _(ans, x):
    d[ans] = d[x] / x


@vjp_rule(np.sqrt)
def _(ans, x):
    d[x] = d[ans] * (0.5 / ans)


@jvp_rule(np.sqrt)
def _(ans, x):
    d[ans] = d[x] * (0.5 / ans)


@vjp_rule(np.sin)
def _(ans, x):
    d[x] = d[ans] * np.cos(x)


@jvp_rule(np.sin)
def _(ans, x):
    d[ans] = d[x] * np.cos(x)


@vjp_rule(np.cos)
def _(ans, x):
    d[x] = -d[ans] * np.sin(x)


@jvp_rule(np.cos)
def _(ans, x):
    d[ans] = -d[x] * np.sin(x)


@vjp_rule(np.tan)
def _(ans, x):
    d[x] = d[ans] * (1.0 + ans * ans)


@jvp_rule(np.tan)
def _(ans, x):
    d[ans] = d[x] * (1.0 + ans * ans)


@vjp_rule(np.tanh)
def _(ans, x):
    d[x] = d[ans] * (1.0 - ans * ans)


@jvp_rule(np.tanh)
def _(ans, x):
    d[ans] = d[x] * (1.0 - ans * ans)


@vjp_rule(np.absolute)
def _(ans, x):
    d[x] = d[ans] * rt.abs_slope(x, ans)


@jvp_rule(np.absolute)
def _(ans, x):
    d[ans] = rt.abs_jvp(d[x], x, ans)


@vjp_rule(np.maximum, broadcast=("x", "y"))
def _(ans, x, y):
    d[x] = d[ans] * rt.tie_split(x, y)
    d[y] = d[ans] * rt.tie_split(y, x)


@jvp_rule(np.maximum)
def _(ans, x, y):
    d[ans] = d[x] * rt.tie_split(x, y) + d[y] * rt.tie_split(y, x)


@vjp_rule(np.minimum, broadcast=("x", "y"))
def _(ans, x, y):
    d[x] = d[ans] * rt.tie_split(y, x)
    d[y] = d[ans] * rt.tie_split(x, y)


@jvp_rule(np.minimum)
def _(ans, x, y):
    d[ans] = d[x] * rt.tie_split(y, x) + d[y] * rt.tie_split(x, y)


@vjp_rule(np.where, broadcast=("condition", "x", "y"), arity=3)
def _(ans, condition, x, y):
    d[x] = np.where(condition, d[ans], 0.0)
    d[y] = np.where(condition, 0.0, d[ans])


@jvp_rule(np.where, broadcast=("condition", "x", "y"), arity=3)
def _(ans, condition, x, y):
    d[ans] = rt.fit(np.where(condition, d[x], d[y]), ans, nb)
