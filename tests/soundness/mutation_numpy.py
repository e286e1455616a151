"""Class 1: numpy functions and methods that write into one of their arguments.

np.copyto, np.place, np.putmask, np.fill_diagonal, np.put, np.put_along_axis, every ufunc's
.at, __setitem__ and the in-place operators called by name, positional and keyword `out`
arguments, ndarray methods with an `out`, and the argument itself as the target.
"""

from __future__ import annotations

import operator

import numpy as np

from .case import Case, Cases, from_source
from .oracle import call, oracle_trouble

CASES = Cases(__name__, 1)

X = np.array([0.3, -0.7, 1.2])
X4 = np.array([0.5, -0.4, 1.1, 0.8])
A = np.array([[0.5, -1.0, 0.3], [0.2, 0.7, -0.4]])
S = np.array([[1.0, 0.4, -0.2], [0.3, -0.8, 0.5], [0.6, 0.1, 0.9]])
MASK = np.array([True, False, True])
IDX = np.array([2, 0, 1])


# ------------------------------------------------------------------------------------ np.copyto
@CASES(X)
def copyto_into_zeros(x):
    y = np.zeros(3)
    np.copyto(y, x)
    return np.sum(y * y)


@CASES(X)
def copyto_where(x):
    y = np.ones(3)
    np.copyto(y, x * 2.0, where=x > 0)
    return np.sum(y * x)


@CASES(X)
def copyto_into_slice(x):
    y = np.zeros(5)
    np.copyto(y[1:4], np.sin(x))
    return np.sum(y * np.arange(5.0))


@CASES(X)
def copyto_broadcast_rows(x):
    y = np.zeros((2, 3))
    np.copyto(y, x)
    return np.sum(y * A)


@CASES(X)
def copyto_overwrites_active(x):
    y = np.sin(x)
    np.copyto(y, x**2)
    return np.sum(y)


@CASES(X)
def copyto_constant_over_active(x):
    y = x * 2.0
    np.copyto(y, 1.0)
    return np.sum(y * x)


@CASES(X)
def copyto_casting_unsafe(x):
    y = np.empty_like(x)
    np.copyto(y, np.exp(x), casting="unsafe")
    return np.sum(y)


@CASES(X)
def copyto_into_view_stride(x):
    y = np.zeros(6)
    np.copyto(y[::2], x)
    return np.sum(y**2)


@CASES(X)
def copyto_vector_output(x):
    out = np.zeros(3)
    np.copyto(out, x * x)
    return out


@CASES(X)
def copyto_into_argument(x):
    np.copyto(x, np.sin(x))
    return np.sum(x * x)


# ---------------------------------------------------------------------------- np.place, putmask
@CASES(X)
def place_values_from_x(x):
    y = np.zeros(3)
    np.place(y, MASK, x[:2])
    return np.sum(y * np.array([1.0, 2.0, 3.0]))


@CASES(X)
def place_relu_on_active(x):
    y = x * 1.0
    np.place(y, y < 0, 0.0)
    return np.sum(y * y)


@CASES(X)
def place_cycles_values(x):
    y = np.zeros(4)
    np.place(y, np.array([True, True, True, True]), x[:2])
    return np.sum(y * np.arange(1.0, 5.0))


@CASES(X)
def putmask_values_from_x(x):
    y = np.zeros(3)
    np.putmask(y, MASK, x * 3.0)
    return np.sum(y * y)


@CASES(X)
def putmask_clip_active(x):
    y = x * 2.0
    np.putmask(y, y < 0, 0.0)
    return np.sum(np.sin(y))


@CASES(X)
def putmask_repeats_values(x):
    y = np.ones(3)
    np.putmask(y, MASK, x[:1])
    return np.sum(y * np.array([1.0, 2.0, 3.0]))


@CASES(X)
def putmask_into_argument(x):
    np.putmask(x, x < 0, x * 0.1)
    return np.sum(x**2)


# -------------------------------------------------------------------------------- fill_diagonal
@CASES(X)
def fill_diagonal_from_x(x):
    a = np.zeros((3, 3))
    np.fill_diagonal(a, x)
    return np.sum(a @ np.array([1.0, 2.0, 3.0]))


@CASES(X)
def fill_diagonal_zero_on_outer(x):
    a = np.outer(x, x)
    np.fill_diagonal(a, 0.0)
    return np.sum(a * S)


@CASES(X)
def fill_diagonal_scalar_from_x(x):
    a = np.ones((3, 3))
    np.fill_diagonal(a, np.sum(x))
    return np.sum(a * S)


@CASES(S)
def fill_diagonal_of_argument(m):
    np.fill_diagonal(m, 1.0)
    return np.sum(m * m)


@CASES(X)
def fill_diagonal_matrix_output(x):
    a = np.eye(3) * 0.5
    np.fill_diagonal(a, x**2)
    return a @ x


# ----------------------------------------------------------------------- np.put, put_along_axis
@CASES(X)
def put_indices(x):
    y = np.zeros(4)
    np.put(y, [0, 2], x[:2])
    return np.sum(y * np.arange(1.0, 5.0))


@CASES(X)
def put_clip_mode(x):
    y = np.zeros(3)
    np.put(y, [0, 1, 5], x, mode="clip")
    return np.sum(y * np.array([1.0, 2.0, 3.0]))


@CASES(X)
def put_scalar_sum(x):
    y = x**2
    np.put(y, 1, np.sum(x))
    return np.sum(y)


@CASES(S)
def put_along_axis_rows(m):
    out = np.zeros((3, 3))
    np.put_along_axis(out, np.array([[2], [0], [1]]), m[:, :1], axis=1)
    return np.sum(out * S)


@CASES(S)
def put_along_axis_argmax(m):
    out = m * 1.0
    idx = np.argmax(m, axis=1)[:, None]
    np.put_along_axis(out, idx, 0.0, axis=1)
    return np.sum(out**2)


@CASES(X)
def put_along_axis_1d(x):
    y = np.zeros(3)
    np.put_along_axis(y, IDX, x * 2.0, axis=0)
    return np.sum(y * np.array([1.0, 5.0, 9.0]))


# ------------------------------------------------------------------------------------- ufunc.at
_BINARY_AT = {
    "add": "np.add",
    "subtract": "np.subtract",
    "multiply": "np.multiply",
    "divide": "np.divide",
    "power": "np.power",
    "maximum": "np.maximum",
    "minimum": "np.minimum",
    "hypot": "np.hypot",
    "logaddexp": "np.logaddexp",
    "fmax": "np.fmax",
}
_UNARY_AT = {
    "negative": "np.negative",
    "sin": "np.sin",
    "exp": "np.exp",
    "square": "np.square",
    "sqrt": "np.sqrt",
    "tanh": "np.tanh",
    "log1p": "np.log1p",
    "reciprocal": "np.reciprocal",
}
XP = np.array([0.3, 0.7, 1.2])  # positive, for power/sqrt/log-like ufuncs

for _name, _ufunc in _BINARY_AT.items():
    CASES.add(
        from_source(
            f"""
            def f(x):
                acc = np.ones(4) * 1.5
                {_ufunc}.at(acc, [0, 2, 0], x)
                return np.sum(acc * np.array([1.0, 2.0, 3.0, 4.0]))
            """,
            label=f"{_name}.at",
        ),
        XP,
        name=f"{_name}_at_values_from_x",
    )
    CASES.add(
        from_source(
            f"""
            def f(x):
                y = x * 1.0 + 1.0
                {_ufunc}.at(y, [1, 2], 0.75)
                return np.sum(y * y)
            """,
            label=f"{_name}.at",
        ),
        XP,
        name=f"{_name}_at_into_active",
    )

for _name, _ufunc in _UNARY_AT.items():
    CASES.add(
        from_source(
            f"""
            def f(x):
                y = x * 1.0
                {_ufunc}.at(y, [0, 2])
                return np.sum(y * np.array([1.0, 2.0, 3.0]))
            """,
            label=f"{_name}.at",
        ),
        XP,
        name=f"{_name}_at_unary",
    )


# Every ufunc of the numpy namespace that takes float64 (gufuncs have no .at): writing into
# an active array at a repeated index (ufunc.at is unbuffered: index 0 is hit twice), with an
# active second operand for the binary ones. Each runs at the first of a few points where it
# is defined and smooth.
_AT_POINTS = [
    np.array([0.3, 0.7, 0.45]),
    np.array([1.3, 1.7, 1.45]),
    np.array([0.3, -0.7, 1.2]),
    np.array([0.8, 0.7, 0.9]),
    np.array([2.0, 1.7, 2.5]),
]


def _float_ufuncs() -> list:
    seen, names = set(), []
    for name in sorted(dir(np)):
        u = getattr(np, name)
        if not isinstance(u, np.ufunc) or u.nout != 1 or u.signature is not None or u in seen:
            continue
        if u.__name__ != name and hasattr(np, u.__name__):
            continue  # an alias (np.acos of np.arccos): the ufunc under its own name
        if any(t == "d" * u.nin + "->d" for t in u.types) and u.nin in (1, 2):
            seen.add(u)
            names.append(name)
    return names


def _every_ufunc_at() -> None:
    for name in _float_ufuncs():
        operand = ", x[1]" if getattr(np, name).nin == 2 else ""
        fn = from_source(
            f"""
            def f(x):
                y = x * 1.0
                np.{name}.at(y, [0, 2, 0]{operand})
                return np.sum(y * np.array([1.0, 2.0, 3.0]))
            """,
            label=f"np.{name}.at",
        )
        for point in _AT_POINTS:
            try:
                value = call(fn, point)
            except Exception:  # noqa: BLE001 - not defined there: the next point
                continue
            probe = Case(f"ufunc_at_{name}", CASES.module, 1, fn, (point,))
            if np.isfinite(value) and oracle_trouble(probe) is None:
                CASES.add(fn, point, name=f"ufunc_at_{name}")
                break


_every_ufunc_at()


@CASES(X)
def add_at_scatter_histogram(x):
    bins = np.zeros(2)
    np.add.at(bins, np.array([0, 1, 0]), x**2)
    return bins


@CASES(X)
def add_at_into_argument(x):
    np.add.at(x, [0, 0], 1.0)
    return np.sum(x**3)


@CASES(S)
def add_at_rows(m):
    acc = np.zeros((2, 3))
    np.add.at(acc, [0, 1, 0], m)
    return np.sum(acc**2)


# --------------------------------------------------------------------------------- dunder calls
@CASES(X)
def setitem_called(x):
    y = np.zeros(3)
    y.__setitem__(0, x[1])
    y.__setitem__(slice(1, 3), x[:2] * 2.0)
    return np.sum(y * np.array([1.0, 2.0, 3.0]))


@CASES(X)
def iadd_called(x):
    y = np.ones(3)
    y.__iadd__(x)
    return np.sum(y * y)


@CASES(X)
def imul_called(x):
    y = np.sin(x)
    y.__imul__(x)
    return np.sum(y)


@CASES(X)
def isub_called(x):
    y = np.zeros(3)
    y.__isub__(x**2)
    return np.sum(y * np.array([1.0, 2.0, 3.0]))


@CASES(X)
def itruediv_called(x):
    y = np.cos(x)
    y.__itruediv__(2.0 + x)
    return np.sum(y)


@CASES(X)
def ipow_called(x):
    y = x + 2.0
    y.__ipow__(2.0)
    return np.sum(y)


@CASES(X)
def iadd_result_discarded(x):
    y = np.zeros(3)
    _ = y.__iadd__(np.exp(x))
    return np.sum(y)


@CASES(X)
def ndarray_setitem_unbound(x):
    y = np.zeros(3)
    np.ndarray.__setitem__(y, 2, x[0] * 4.0)
    return np.sum(y * y)


@CASES(X)
def operator_setitem(x):
    y = np.zeros(3)
    operator.setitem(y, 1, np.sum(x))
    return np.sum(y * np.array([1.0, 2.0, 3.0]))


@CASES(X)
def operator_iadd(x):
    y = np.ones(3)
    operator.iadd(y, x * x)
    return np.sum(y)


@CASES(X)
def operator_imul_on_argument(x):
    operator.imul(x, 2.0)
    return np.sum(x * x)


# ------------------------------------------------------------------------------- positional out
@CASES(X)
def clip_positional_out(x):
    y = np.zeros(3)
    np.clip(x, -1.0, 1.0, y)
    return np.sum(y * y)


@CASES(X)
def cumsum_positional_out(x):
    y = np.zeros(3)
    np.cumsum(x, 0, None, y)
    return np.sum(y * np.array([1.0, 2.0, 3.0]))


@CASES(X)
def dot_positional_out(x):
    y = np.zeros(2)
    np.dot(A, x, y)
    return np.sum(y**2)


@CASES(X)
def multiply_positional_out(x):
    y = np.empty(3)
    np.multiply(x, x, y)
    return np.sum(y)


@CASES(X)
def exp_positional_out(x):
    y = np.empty(3)
    np.exp(x, y)
    return np.sum(y)


@CASES(X)
def sum_positional_out(x):
    y = np.zeros(())
    np.sum(x * x, 0, None, y)
    return float(y) * 2.0


@CASES(X)
def take_positional_out(x):
    y = np.zeros(2)
    np.take(x, [2, 0], None, y)
    return np.sum(y**2)


@CASES(X)
def matmul_positional_out(x):
    y = np.zeros(2)
    np.matmul(A, x, y)
    return np.sum(np.sin(y))


@CASES(X)
def concatenate_positional_out(x):
    y = np.zeros(6)
    np.concatenate([x, x**2], 0, y)
    return np.sum(y * np.arange(6.0))


@CASES(X)
def outer_positional_out(x):
    y = np.zeros((3, 3))
    np.outer(x, x, y)
    return np.sum(y * S)


@CASES(X)
def prod_positional_out(x):
    y = np.zeros(())
    np.prod(x + 2.0, 0, None, y)
    return float(y)


@CASES(X)
def maximum_positional_out(x):
    y = np.zeros(3)
    np.maximum(x, 0.1, y)
    return np.sum(y * y)


@CASES(X)
def cumsum_positional_out_into_argument(x):
    np.cumsum(x, 0, None, x)
    return np.sum(x * x)


# ---------------------------------------------------------------------------------- keyword out
@CASES(X)
def sin_out_fresh(x):
    y = np.empty(3)
    np.sin(x, out=y)
    return np.sum(y * x)


@CASES(X)
def cumsum_out_fresh(x):
    y = np.empty(3)
    np.cumsum(x**2, out=y)
    return np.sum(y)


@CASES(X)
def clip_out_fresh(x):
    y = np.empty(3)
    np.clip(x * 2.0, -1.0, 1.0, out=y)
    return np.sum(y**2)


@CASES(X)
def dot_out_fresh(x):
    y = np.zeros(2)
    np.dot(A, x, out=y)
    return np.sum(y**3)


@CASES(X)
def einsum_out_fresh(x):
    y = np.zeros(2)
    np.einsum("ij,j->i", A, x, out=y)
    return np.sum(y * y)


@CASES(X)
def divide_out_where(x):
    y = np.zeros(3)
    np.divide(x, 2.0, out=y, where=MASK)
    return np.sum(y * y)


@CASES(X)
def add_out_into_slice(x):
    y = np.zeros(5)
    np.add(x, 1.0, out=y[1:4])
    return np.sum(y * y)


@CASES(X)
def mean_out_fresh(x):
    y = np.zeros(())
    np.mean(x * x, axis=0, out=y)
    return float(y)


@CASES(X)
def out_result_used_instead(x):
    y = np.empty(3)
    z = np.tanh(x, out=y)
    return np.sum(z + y)


# ------------------------------------------------------------------------------ ndarray methods
@CASES(X)
def method_clip_out(x):
    y = np.empty(3)
    (x * 3.0).clip(-1.0, 1.0, y)
    return np.sum(y * y)


@CASES(X)
def method_cumsum_out(x):
    y = np.zeros(3)
    x.cumsum(0, None, y)
    return np.sum(y * y)


@CASES(X)
def method_sum_out(x):
    y = np.zeros(())
    (x**2).sum(0, None, y)
    return float(y)


@CASES(X)
def method_dot_out(x):
    y = np.zeros(2)
    A.dot(x, y)
    return np.sum(y * y)


@CASES(X)
def method_take_out(x):
    y = np.zeros(2)
    x.take([1, 2], None, y)
    return np.sum(np.exp(y))


@CASES(X)
def method_max_out(x):
    y = np.zeros(())
    x.max(0, y)
    return float(y) * 3.0


@CASES(X)
def method_sort_fresh(x):
    y = x * 1.0
    y.sort()
    return np.sum(y * np.array([1.0, 2.0, 3.0]))


@CASES(X)
def method_sort_unbound(x):
    y = np.sin(x)
    np.ndarray.sort(y)
    return np.sum(y * np.array([1.0, 2.0, 3.0]))


@CASES(X)
def method_fill_fresh(x):
    y = x * 2.0
    y.fill(np.sum(x))
    return np.sum(y * y)


@CASES(X)
def method_put_fresh(x):
    y = np.zeros(3)
    y.put([0, 2], x[1:])
    return np.sum(y * np.array([1.0, 2.0, 3.0]))


@CASES(X)
def method_partition_fresh(x):
    y = x**2
    y.partition(1)
    return np.sum(y * np.array([1.0, 2.0, 3.0]))


@CASES(X)
def nan_to_num_copy_false(x):
    y = np.log(x * x)
    np.nan_to_num(y, copy=False)
    return np.sum(y)


@CASES(X)
def method_setfield_like_itemset(x):
    y = np.zeros(3)
    y.flat = x * 2.0
    return np.sum(y * y)
