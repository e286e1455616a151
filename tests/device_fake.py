"""A numpy-backed stand-in for a GPU array library (CuPy), to test srcad's path for arrays of
a library that is eager but not numpy's, on machines without a GPU.

`Device(x)` holds a numpy array and behaves as CuPy's arrays do where it matters to srcad:
numpy hands every function and ufunc called on it to its library (``__array_function__``,
``__array_ufunc__``) and the result is a `Device` again (reductions give 0-d arrays, as
CuPy's do); an implicit conversion to numpy (`np.asarray(x)`, `np.array(x)`) raises
TypeError, as CuPy's does, so a hidden conversion in srcad fails the test instead of quietly
moving the data to the host. `float(x)`, `bool(x)` and `x.item()` work, as CuPy's do (they
copy one number from the device).
"""

from __future__ import annotations

import numpy as np


def _unwrap(value):
    if isinstance(value, Device):
        return value.data
    if isinstance(value, (list, tuple)):
        return type(value)(_unwrap(v) for v in value)
    if isinstance(value, dict):
        return {k: _unwrap(v) for k, v in value.items()}
    return value


def _wrap(value):
    if isinstance(value, (np.ndarray, np.generic)) and not isinstance(value, np.dtype):
        return Device(value)
    if isinstance(value, tuple):
        return tuple(_wrap(v) for v in value)
    if isinstance(value, list):
        return [_wrap(v) for v in value]
    return value


class Device(np.lib.mixins.NDArrayOperatorsMixin):
    """An array on the (pretend) device."""

    __slots__ = ("data",)

    def __init__(self, data):
        self.data = np.asarray(data)

    def __array__(self, dtype=None, copy=None):
        raise TypeError("Implicit conversion to a NumPy array is not allowed (a device array)")

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        return _wrap(getattr(ufunc, method)(*_unwrap(inputs), **_unwrap(kwargs)))

    def __array_function__(self, func, types, args, kwargs):
        if not all(issubclass(t, (Device, np.ndarray)) for t in types):
            return NotImplemented
        return _wrap(func(*_unwrap(args), **_unwrap(kwargs)))

    # The attributes and methods of an ndarray, on the device.
    def __getattr__(self, name):
        if name.startswith("__"):  # numpy's protocols (__array_interface__...) would convert
            raise AttributeError(name)
        value = getattr(self.data, name)
        if callable(value) and name not in ("item", "tolist"):
            return lambda *a, **k: _wrap(value(*_unwrap(a), **_unwrap(k)))
        return value if name in ("item", "tolist") else _wrap(value)

    @property
    def shape(self):
        return self.data.shape

    @property
    def dtype(self):
        return self.data.dtype

    @property
    def ndim(self):
        return self.data.ndim

    @property
    def size(self):
        return self.data.size

    def __getitem__(self, key):
        return _wrap(self.data[_unwrap(key)])

    def __setitem__(self, key, value):
        self.data[_unwrap(key)] = _unwrap(value)

    def __len__(self):
        return len(self.data)

    def __iter__(self):
        return (Device(row) for row in self.data)

    def __float__(self):
        return float(self.data)

    def __complex__(self):
        return complex(self.data)

    def __int__(self):
        return int(self.data)

    def __index__(self):
        return self.data.__index__()

    def __bool__(self):
        return bool(self.data)

    def __repr__(self):
        return f"Device({self.data!r})"

    def get(self):
        """The array on the host (CuPy's `.get()`)."""
        return self.data
