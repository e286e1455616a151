"""A diagonal matrix that stays diagonal until it must not: the seeds of Jacobians.

`jacrev` of a function with n outputs runs its backward sweep once with the n x n identity as
the batch of cotangents, and `jacfwd` its forward sweep with the identity as tangents. The
first thing generated code does with them is usually elementwise (``b * (1 - y * y)``) and then
a matrix product (``b @ W``): on a diagonal matrix those are a scaling and a row scaling, O(n^2)
instead of O(n^3). `Diagonal` does exactly these two cheaply and turns into a plain array for
anything else, so results are always the same as with ``np.eye`` (up to rounding).

The identity's product with a matrix, ``dw @ X.T`` (the tangents of ``X @ w``), is `Scaled`:
the matrix with a scale for each of its columns. What forward mode does next is elementwise
with vectors over those columns (``t * dz``, the slopes of every sample), and differences of
two such values of one matrix: `Scaled` keeps these as vectors, O(n) instead of O(n k), so a
Hessian ``X.T @ diag(c) @ X`` costs one scaling and one matrix product, as written by hand.
"""

from __future__ import annotations

import numpy as np


class Structured:
    """A matrix kept in a cheaper form (subclasses); every operation a subclass does not keep
    cheap acts on ``self.dense()``, so nothing fails where the dense matrix would work."""

    __array_priority__ = 100  # numpy defers binary operators to us

    def dense(self) -> np.ndarray:
        raise NotImplementedError

    @property
    def ndim(self):
        return 2

    def __len__(self):
        return self.shape[0]

    def __array__(self, dtype=None, copy=None):
        out = self.dense()
        return out if dtype is None else out.astype(dtype)

    def __add__(self, other):
        return np.add(self, other)

    def __sub__(self, other):
        return np.subtract(self, other)

    def __radd__(self, other):
        return np.add(other, self)

    def __rsub__(self, other):
        return np.subtract(other, self)

    def __truediv__(self, other):
        return np.true_divide(self, other)

    def __rtruediv__(self, other):
        return np.true_divide(other, self)

    def __pow__(self, other):
        return np.power(self, other)

    def __rpow__(self, other):
        return np.power(other, self)

    def __pos__(self):
        return self

    def __getattr__(self, name):
        # Only reached for names the class does not define (.T, .sum, .reshape, .real...).
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.dense(), name)

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        dense = [x.dense() if isinstance(x, Structured) else x for x in inputs]
        return getattr(ufunc, method)(*dense, **kwargs)

    def __array_function__(self, func, types, args, kwargs):
        if func is np.shape and len(args) == 1 and not kwargs:
            return self.shape  # asked of every derivative by rt's helpers
        if func is np.ndim and len(args) == 1 and not kwargs:
            return 2

        def densify(x):
            if isinstance(x, Structured):
                return x.dense()
            if isinstance(x, (list, tuple)):
                return type(x)(densify(v) for v in x)
            return x

        return func(*densify(args), **{k: densify(v) for k, v in kwargs.items()})

    def __getitem__(self, index):
        return self.dense()[index]


class Diagonal(Structured):
    """The n x n matrix ``np.diag(values)``."""

    def __init__(self, values, unit: bool = False):
        self.values = np.asarray(values)
        self.unit = unit  # every value is 1: the identity

    @classmethod
    def identity(cls, n: int, dtype) -> Diagonal:
        values = np.empty(n, dtype=dtype)
        values.fill(1)  # (np.ones costs twice as much, in Python)
        return cls(values, unit=True)

    @property
    def shape(self):
        n = self.values.shape[0]
        return (n, n)

    @property
    def dtype(self):
        return self.values.dtype

    def dense(self) -> np.ndarray:
        return np.diag(self.values)

    def _scaled(self, other):
        """self * other stays diagonal when `other` is a scalar or a row of n values."""
        if np.ndim(other) == 0:
            return Diagonal(self.values * other)
        if np.ndim(other) == 1 and np.shape(other)[0] == self.values.shape[0]:
            return Diagonal(self.values * other)
        return None

    def __mul__(self, other):
        scaled = self._scaled(other)
        return scaled if scaled is not None else self.dense() * other

    __rmul__ = __mul__

    def __matmul__(self, other):
        if isinstance(other, np.ndarray) and other.ndim == 2:
            if self.unit and self.values.shape[0] == other.shape[0]:
                # the identity: `other`'s values, as a matrix of scaled columns
                return Scaled(other, self.values.dtype.type(1))
            return self.values[:, None] * other
        return self.dense() @ other

    def __rmatmul__(self, other):
        if isinstance(other, np.ndarray) and other.ndim == 2:
            return other * self.values
        return other @ self.dense()

    def __neg__(self):
        return Diagonal(-self.values)

    # Sums of two diagonals stay diagonal; every other operator and method acts on the dense
    # matrix (through numpy, which calls __array_ufunc__ below), so nothing a generated
    # function does with a seed can fail where np.eye would have worked.
    def __add__(self, other):
        if isinstance(other, Diagonal):
            return Diagonal(self.values + other.values)
        return np.add(self, other)

    def __sub__(self, other):
        if isinstance(other, Diagonal):
            return Diagonal(self.values - other.values)
        return np.subtract(self, other)

    def __abs__(self):
        return Diagonal(np.abs(self.values))

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        if method == "__call__" and ufunc is np.multiply and not kwargs and len(inputs) == 2:
            a, b = inputs
            if a is self:
                scaled = self._scaled(b)
            else:
                scaled = self._scaled(a)
            if scaled is not None:
                return scaled
        if method == "__call__" and ufunc is np.matmul and not kwargs and len(inputs) == 2:
            a, b = inputs
            return (
                a @ b
                if a is self
                else (a @ b.dense() if isinstance(b, Diagonal) else b.__rmatmul__(a))
            )
        return super().__array_ufunc__(ufunc, method, *inputs, **kwargs)

    def __repr__(self):
        return f"Diagonal({self.values!r})"


class Scaled(Structured):
    """The matrix ``base * scale``: a 2-D array `base` whose columns are scaled by `scale`, a
    0-d value or a vector with one value per column."""

    def __init__(self, base: np.ndarray, scale):
        self.base = base
        self.scale = scale

    @property
    def shape(self):
        return self.base.shape

    @property
    def dtype(self):
        return np.result_type(self.base, self.scale)

    def dense(self) -> np.ndarray:
        return self.base * self.scale

    def _factor(self, other):
        """`other` as a factor of the scale: a number, or a vector over the columns."""
        if type(other) is np.ndarray and other.ndim == 1 and other.dtype.kind in "fc":
            return other if other.shape[0] == self.base.shape[1] else None  # the hot case
        if isinstance(other, Structured):
            return None
        if isinstance(other, (int, float)) and not isinstance(other, bool):
            return other
        if type(other) is np.ndarray or isinstance(other, np.generic):
            if other.dtype.kind not in "fc":
                return None
            if other.ndim == 0 or (other.ndim == 1 and other.shape[0] == self.base.shape[1]):
                return other
        return None

    def _like(self, other) -> bool:
        return isinstance(other, Scaled) and other.base is self.base

    def __mul__(self, other):
        factor = self._factor(other)
        if factor is None:
            return np.multiply(self.dense(), other)
        return Scaled(self.base, self.scale * factor)

    def __rmul__(self, other):
        factor = self._factor(other)
        if factor is None:
            return np.multiply(other, self.dense())
        return Scaled(self.base, factor * self.scale)

    def __truediv__(self, other):
        factor = self._factor(other)
        if factor is None:
            return np.true_divide(self.dense(), other)
        return Scaled(self.base, self.scale / factor)

    def __neg__(self):
        return Scaled(self.base, -self.scale)

    # Sums and differences of two scalings of one matrix: base * (s + r).
    def __add__(self, other):
        if self._like(other):
            return Scaled(self.base, self.scale + other.scale)
        return np.add(self.dense(), other)

    def __sub__(self, other):
        if self._like(other):
            return Scaled(self.base, self.scale - other.scale)
        return np.subtract(self.dense(), other)

    def __matmul__(self, other):
        return np.matmul(self.dense(), other)

    def __rmatmul__(self, other):
        return np.matmul(other, self.dense())

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        if method == "__call__" and not kwargs and len(inputs) == 2:
            a, b = inputs
            if ufunc is np.multiply:
                return a * b if a is self else b.__rmul__(a)
            if ufunc in (np.add, np.subtract) and isinstance(a, Scaled) and a._like(b):
                return a + b if ufunc is np.add else a - b
        return super().__array_ufunc__(ufunc, method, *inputs, **kwargs)

    def __repr__(self):
        return f"Scaled({self.base!r}, {self.scale!r})"
