"""Run-time helpers for the scipy.signal rules (`srcad.rules.scipy.signal`).

Convolutions are differentiated through their full output: mode "same" and "valid" are
centered crops of it (`center`; along every axis, also those fftconvolve broadcasts along),
and `center_t` puts a cotangent back into the full shape.
Axes are negative, so leading direction axes pass through. The rule templates call these
as ``sg.<name>``; `srcad.runtime` does not re-export them (``import srcad`` never imports
scipy).
"""

from __future__ import annotations

import numpy as np


def conv_axes(x, axes=None):
    """The axes a convolution runs along, as negative numbers (None: all of `x`'s)."""
    ndim = np.ndim(x)
    if axes is None:
        return tuple(range(-ndim, 0))
    if np.ndim(axes) == 0:
        axes = (axes,)
    return tuple(sorted(int(a) % ndim - ndim for a in axes))


def sizes(x, axes):
    """The sizes of `x` along `axes`."""
    shape = np.shape(x)
    return tuple(shape[a] for a in axes)


def full_shape(in1, in2, axes):
    """The shape of the full convolution of `in1` and `in2` along `axes` (broadcast along
    the other axes)."""
    s1, s2 = np.shape(in1), np.shape(in2)
    ndim = len(s1)
    return tuple(s1[a] + s2[a] - 1 if a - ndim in axes else max(s1[a], s2[a]) for a in range(ndim))


def _window(full, size):
    start = (full - size) // 2
    return slice(start, start + size)


def center(x, target, axes):
    """The centered part of `x` with sizes `target` along `axes` (scipy's mode="same" and
    mode="valid" outputs are this crop of the full convolution)."""
    x = np.asarray(x)
    index = [slice(None)] * x.ndim
    for a, size in zip(axes, target):
        index[a] = _window(x.shape[a], size)
    return x[tuple(index)]


def center_t(g, full, axes):
    """The transpose of `center`: `g` placed in the middle of zeros with sizes `full` along
    `axes`."""
    g = np.asarray(g)
    shape = list(g.shape)
    index = [slice(None)] * g.ndim
    for a, size in zip(axes, full):
        index[a] = _window(size, g.shape[a])
        shape[a] = size
    out = np.zeros(shape, dtype=g.dtype)
    out[tuple(index)] = g
    return out


def lead(x, batch):
    """`x` with `batch` leading axes of size 1, to convolve with a derivative that has
    `batch` direction axes (scipy's convolutions need operands of equal rank)."""
    return np.reshape(x, (1,) * batch + np.shape(x))
