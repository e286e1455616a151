"""A diagonal matrix that stays diagonal until it must not: the seeds of Jacobians.

`jacrev` of a function with n outputs runs its backward sweep once with the n x n identity as
the batch of cotangents, and `jacfwd` its forward sweep with the identity as tangents. The
first thing generated code does with them is usually elementwise (``b * (1 - y * y)``) and then
a matrix product (``b @ W``): on a diagonal matrix those are a scaling and a row scaling, O(n^2)
instead of O(n^3). `Diagonal` does exactly these two cheaply and turns into a plain array for
anything else, so results are always the same as with ``np.eye``.
"""

from __future__ import annotations

import numpy as np


class Diagonal:
    """The n x n matrix ``np.diag(values)``."""

    __array_priority__ = 100  # numpy defers binary operators to us

    def __init__(self, values):
        self.values = np.asarray(values)

    @property
    def shape(self):
        n = self.values.shape[0]
        return (n, n)

    @property
    def ndim(self):
        return 2

    @property
    def dtype(self):
        return self.values.dtype

    def __len__(self):
        return self.values.shape[0]

    def dense(self) -> np.ndarray:
        return np.diag(self.values)

    def __array__(self, dtype=None, copy=None):
        out = self.dense()
        return out if dtype is None else out.astype(dtype)

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

    def __abs__(self):
        return Diagonal(np.abs(self.values))

    def __getattr__(self, name):
        # Only reached for names Diagonal does not define (.T, .sum, .reshape, .real...).
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.dense(), name)

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
        dense = [x.dense() if isinstance(x, Diagonal) else x for x in inputs]
        return getattr(ufunc, method)(*dense, **kwargs)

    def __array_function__(self, func, types, args, kwargs):
        def densify(x):
            if isinstance(x, Diagonal):
                return x.dense()
            if isinstance(x, (list, tuple)):
                return type(x)(densify(v) for v in x)
            return x

        return func(*densify(args), **{k: densify(v) for k, v in kwargs.items()})

    def __getitem__(self, index):
        return self.dense()[index]

    def __repr__(self):
        return f"Diagonal({self.values!r})"
