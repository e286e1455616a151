"""Arrays of other libraries (Dask, CuPy...), recognized without importing those libraries.

Generated code calls numpy's functions, and numpy hands a call whose arguments include a
Dask or CuPy array to that array's library (``__array_function__``, NEP 18, and
``__array_ufunc__``, NEP 13): the derivative is computed where the user's arrays live. What
srcad does itself with a value (its kind and rank, a zero of its shape, a copy) must stay in
the value's library too. This module accepts any value and guarantees:

* `is_array(x)`: x is a numpy array or an array of a library that implements numpy's
  protocols (it has ``__array_function__``, ``shape``, ``dtype`` and ``ndim``); neither Dask
  nor CuPy is imported to tell.
* `is_chunked(x)`: x is such an array split in chunks (Dask's, which has ``chunks``).
* `like(*values)`: the first such foreign array among `values` (None when all are numpy's
  or Python's), to pass as numpy's ``like=`` so that an allocation follows its library.
* `zeros(shape, dtype, like)`, `asarray(x, dtype)`: numpy's, in `like`'s library (or `x`'s).
* `size(x)`: the number of elements, read off the shape (Dask has no ``np.size``: numpy
  would compute the whole array to count them).
"""

from __future__ import annotations

import math

import numpy as np


def is_foreign(x) -> bool:
    """Whether `x` is an array of another library than numpy that numpy dispatches to."""
    t = type(x)
    if t is np.ndarray or t is float or t is int or t is complex or isinstance(x, np.ndarray):
        return False
    return (
        hasattr(t, "__array_function__")
        and hasattr(x, "shape")
        and hasattr(x, "dtype")
        and hasattr(x, "ndim")
    )


def is_chunked(x) -> bool:
    """A lazy array split in chunks (Dask's): broadcasting to its shape should chunk alike."""
    return is_foreign(x) and hasattr(x, "chunks")


def is_array(x) -> bool:
    """A numpy array, or another library's array that numpy dispatches to."""
    return isinstance(x, np.ndarray) or is_foreign(x)


def like(*values):
    """The first foreign array among `values`, else None (numpy's default library)."""
    for v in values:
        if is_foreign(v):
            return v
    return None


def zeros(shape, dtype=float, like=None):
    """`np.zeros(shape, dtype)` in the library of `like` (numpy's when `like` is None)."""
    if like is None:
        return np.zeros(shape, dtype=dtype)
    return np.zeros_like(like, dtype=dtype, shape=shape)


def asarray(x, dtype=None):
    """`np.asarray(x, dtype)`, keeping an array of another library in its library."""
    if is_foreign(x):
        return x if dtype is None or x.dtype == dtype else x.astype(dtype)
    return np.asarray(x, dtype=dtype)


def size(x) -> int:
    """`np.size(x)`, from the shape alone."""
    return math.prod(np.shape(x))
