"""Class 10: the inputs people pass. Namedtuples (grad and hessian), list, tuple and dict
subclasses, OrderedDict, masked arrays, read-only and non-contiguous arrays, dataclasses,
and user objects whose methods are named like ndarray's (dot, sum, reshape, T, sort, fill,
append...), which must not be taken for ndarray's methods."""

from __future__ import annotations

import collections
import dataclasses

import numpy as np

from .case import Cases

CASES = Cases(__name__, 10)

X = np.array([0.3, -0.7, 1.2])
W = np.array([1.0, 2.0, 3.0])
M = np.array([[0.5, -1.0, 0.3], [0.2, 0.7, -0.4]])

Params = collections.namedtuple("Params", ["w", "b"])
Pair = collections.namedtuple("Pair", "first second")


class Vec(list):
    pass


class Record(dict):
    pass


class Couple(tuple):
    pass


@dataclasses.dataclass
class Weights:
    w: np.ndarray
    b: float


class Linear:
    """A user class with methods named like ndarray's."""

    def __init__(self, w):
        self.w = w

    def dot(self, x):
        return self.w @ x + 1.0

    def sum(self, x):
        return np.sum(x * W)

    def reshape(self, x):
        return np.sin(x)

    def mean(self, x):
        return np.max(x) * 2.0

    @property
    def T(self):  # noqa: N802
        return self.w * 3.0

    def sort(self, x):
        return np.sort(x)[::-1]

    def fill(self, x):
        return x + self.w[0]

    def append(self, v):
        return np.concatenate([self.w[0], v])

    def astype(self, x):
        return x * 5.0

    def copy(self, x):
        return x * x


LIN = Linear(M)


class Scaled:
    def __init__(self, k):
        self.k = k

    def __matmul__(self, other):
        return other * self.k

    def __mul__(self, other):
        return other + self.k

    __rmul__ = __mul__


S2 = Scaled(2.0)


# ----------------------------------------------------------------------------- namedtuples
@CASES(Params(X, 0.5), checks="grad jvp vjp hessian")
def namedtuple_fields(p):
    return np.sum(np.tanh(p.w * W + p.b))


@CASES(Params(X, 0.5), checks="grad jvp vjp hessian")
def namedtuple_indexed(p):
    return np.sum(p[0] ** 2) * p[1]


@CASES(Params(X, 0.5))
def namedtuple_unpacked(p):
    w, b = p
    return np.sum(np.sin(w) * b)


@CASES((Params(X, 0.5), 2.0))
def namedtuple_in_tuple(args):
    p, k = args
    return np.sum(p.w * k + p.b)


@CASES({"p": Params(X, 0.5), "q": 1.5})
def namedtuple_in_dict(d):
    return np.sum(d["p"].w * d["q"]) + d["p"].b ** 2


@CASES(Pair(X, X * 2.0), checks="grad jvp vjp hessian")
def namedtuple_two_arrays(p):
    return np.sum(p.first * p.second)


@CASES(Params(X, 0.5), X)
def namedtuple_and_array(p, x):
    return np.sum(p.w * x) + p.b


@CASES(Params(X, 0.5))
def namedtuple_replace(p):
    q = p._replace(b=p.b * 2.0)
    return np.sum(q.w) * q.b


# ----------------------------------------------------------------------------- container subclasses
@CASES(Vec([0.3, -0.7, 1.2]))
def list_subclass_floats(v):
    return v[0] * v[1] + v[2] ** 2


@CASES(Vec([X, X * 2.0]))
def list_subclass_arrays(v):
    return np.sum(v[0] * v[1])


@CASES(Vec([X, X * 2.0]), checks="hessian")
def list_subclass_hessian(v):
    return np.sum(v[0] * v[1] ** 2)


@CASES(Record(a=0.5, b=X))
def dict_subclass(d):
    return np.sum(d["b"] * d["a"])


@CASES(collections.OrderedDict([("b", X), ("a", 0.5)]))
def ordered_dict(d):
    return np.sum(d["b"] ** 2) * d["a"]


@CASES(Couple((0.5, X)))
def tuple_subclass(t):
    return np.sum(t[1] * t[0])


@CASES({2: X, 1: 0.5})
def dict_int_keys(d):
    return np.sum(d[2] * d[1])


@CASES({"z": 0.5, "a": X})
def dict_unsorted_keys(d):
    return np.sum(d["a"] ** 2 * d["z"])


@CASES([0.3, -0.7, 1.2])
def plain_list_of_floats(v):
    a = np.asarray(v)
    return np.sum(a * a * W)


# ----------------------------------------------------------------------------- arrays of all kinds
@CASES(np.ma.array(X, mask=[False, True, False]))
def masked_array_sum(x):
    return np.sum(x * x)


@CASES(np.ma.array(X, mask=[False, True, False]))
def masked_array_mean(x):
    return (x * W).mean()


@CASES(np.asfortranarray(M))
def fortran_order_matrix(m):
    return np.sum(np.sin(m) @ W)


@CASES(np.arange(6.0)[::2] * 0.5)
def strided_view_argument(x):
    return np.sum(x**2 * W)


@CASES(np.array(0.5))
def zero_dimensional_array(x):
    return x**2 * 3.0


@CASES(np.float64(0.5))
def numpy_scalar(x):
    return np.sin(x) * x


@CASES(np.zeros(0))
def empty_array(x):
    return np.sum(x**2) + 1.0


@CASES(np.array([[0.3], [-0.7]]))
def column_vector(x):
    return np.sum(x * M[:, :1])


@CASES(np.array([0.5, 0.25], dtype=np.float32), eps=1e-2)
def float32_linear(x):
    return np.sum(x * np.float32(3.0))


# ----------------------------------------------------------------------------- user objects
@CASES(X)
def user_dot_method(x):
    return np.sum(LIN.dot(x) ** 2)


@CASES(LIN, X, argnums=1)
def user_dot_method_argument(lin, x):
    return np.sum(lin.dot(x))


@CASES(X)
def user_sum_method(x):
    return LIN.sum(x**2)


@CASES(X)
def user_reshape_method(x):
    return np.sum(LIN.reshape(x) * W)


@CASES(X)
def user_mean_method(x):
    return LIN.mean(x)


@CASES(X)
def user_T_property(x):
    return np.sum(LIN.T @ x)


@CASES(X)
def user_sort_method(x):
    return np.sum(LIN.sort(x) * W)


@CASES(X)
def user_fill_method(x):
    return np.sum(LIN.fill(x) ** 2)


@CASES(X)
def user_append_method(x):
    return np.sum(LIN.append(x) ** 2)


@CASES(X)
def user_astype_method(x):
    return np.sum(LIN.astype(x))


@CASES(X)
def user_copy_method(x):
    return np.sum(LIN.copy(x) * W)


@CASES(X)
def user_matmul_operator(x):
    return np.sum(S2 @ x)


@CASES(X)
def user_mul_operator(x):
    return np.sum((S2 * x) ** 2)


@CASES(Weights(X, 0.5), X, argnums=1)
def dataclass_argument_not_differentiated(p, x):
    return np.sum(p.w * x) + p.b


@CASES(X, 3, argnums=0)
def integer_argument(x, n):
    return np.sum(x**n)


@CASES(X, "sum", argnums=0)
def string_argument(x, mode):
    if mode == "sum":
        return np.sum(x * W)
    return np.mean(x)


@CASES(X, None, argnums=0)
def none_argument(x, mask):
    if mask is None:
        return np.sum(x**2)
    return np.sum(x[mask])
