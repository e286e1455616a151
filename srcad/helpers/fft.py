"""Run-time helpers for the fft rules (re-exported by srcad.runtime).

The derivatives of numpy.fft functions are numpy.fft calls again (every transform is linear,
and the transpose of a DFT is a DFT). These helpers supply what numpy.fft has no option for:
the axes counted from the end (so that leading direction axes are never transformed), the
resizing that undoes `n=`/`s=` (zero-padding and truncation transpose to each other) and the
weights of the bins that real transforms count twice.
"""

from __future__ import annotations

import numpy as np

from ..arrays import asarray as _asarray
from ..dtypes import result_type


def fft_axis(a, axis):
    """The axis of a 1-D transform of `a`, counted from the end."""
    return axis - np.ndim(a) if axis >= 0 else axis


def fft_axes(a, s=None, axes=None):
    """The axes of an n-D transform (fftn, rfftn, fftshift...) of `a`, counted from the end.

    As numpy: all axes when both are None, the last len(s) axes when only `s` is given.
    """
    ndim = np.ndim(a)
    if axes is None:
        axes = range(ndim - len(s), ndim) if s is not None else range(ndim)
    elif isinstance(axes, (int, np.integer)):
        axes = (axes,)
    return tuple(ax - ndim if ax >= 0 else ax for ax in axes)


def axis_sizes(x, axes):
    """The lengths of `x` along `axes` (counted from the end)."""
    shape = np.shape(x)
    return tuple(shape[ax] for ax in axes)


def fft_resize(x, sizes, axes):
    """`x` zero-padded or truncated to `sizes` along `axes` (counted from the end).

    This is what numpy.fft does to its input for `n=` and `s=`; it is linear, and its
    transpose is the resize back to the original sizes.
    """
    x = _asarray(x)
    for size, ax in zip(sizes, axes):
        have = x.shape[ax]
        if size < have:
            index = [slice(None)] * x.ndim
            index[ax] = slice(0, size)
            x = x[tuple(index)]
        elif size > have:
            pad = [(0, 0)] * x.ndim
            pad[ax] = (0, size - have)
            x = np.pad(x, pad)
    return x


def rfft_weights(n, axis, like, inner):
    """Weights for the n // 2 + 1 bins of a real transform of length `n`, along `axis`.

    A real signal's spectrum is Hermitian: rfft keeps bins 0..n//2 and irfft counts the
    bins strictly between 0 and n/2 twice. The transposes of rfft/ihfft (an hfft/irfft)
    therefore halve those bins (`inner` = 0.5), the transposes of irfft/hfft double them
    (`inner` = 2). Bin 0, and bin n/2 when n is even, stand for themselves (weight 1).
    The weights have the real precision of `like` and broadcast along `axis` (from the end).
    """
    dtype = result_type(like)
    dtype = np.finfo(dtype).dtype if np.issubdtype(dtype, np.inexact) else np.float64
    weights = np.full(n // 2 + 1, inner, dtype=dtype)
    weights[0] = 1
    if n % 2 == 0:
        weights[-1] = 1
    return np.reshape(weights, (-1,) + (1,) * (-axis - 1))


def fft_length(a, n, axis):
    """The length of a 1-D transform of `a` along `axis`: `n`, or `a`'s length there."""
    return n if n is not None else np.shape(a)[axis]


def fft_lengths(a, s, axes):
    """The lengths of an n-D transform of `a` along `axes`: `s`, or `a`'s lengths there."""
    return tuple(s) if s is not None else axis_sizes(a, axes)
