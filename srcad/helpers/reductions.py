"""Run-time helpers for the reductions rules (re-exported by srcad.runtime).

Three kinds of helpers live here:

* **Linear maps on derivatives**, with rules of their own next to the reductions rules:
  putting reduced axes back (`keepdims_like`), cumulative sums from the end, the transposes
  of `np.diff` and `np.trace`, zero padding and slicing along one axis, the layouts of
  np.average's weights, np.trapezoid's spacings and np.cov's variables. They take their
  axes *relative to the primal* and work on negative axes, so a derivative argument may
  carry any number of leading direction axes (or say how many, as `batch`).
* **`prod_others`**, d prod(x) / d x_i without dividing by x, with rules exact at zeros.
* **Weights, counts and masks** without derivative (declared `nondiff`): which elements a
  max, a median, a quantile or a max-norm picks, how many elements a masked reduction
  counts. They are piecewise constant in the data, so their derivative is zero wherever
  the reduction is differentiable.
"""

from __future__ import annotations

import numpy as np

from ..arrays import asarray as _asarray
from ..arrays import size as _size
from ..dtypes import result_type

# --------------------------------------------------------------------------------- axes


def negative_axes(axis, ndim):
    """`axis` (None, an int or a tuple) as a tuple of negative axes of a rank-`ndim` array.

    Negative axes count from the end, so they name the same axes of a derivative whatever
    number of leading direction axes it has.
    """
    if axis is None:
        return tuple(range(-ndim, 0))
    if not isinstance(axis, (tuple, list)):
        axis = (axis,)
    return tuple(sorted(int(a) % ndim - ndim for a in axis)) if ndim else ()


def negative_axis(axis, ndim):
    """One axis (an int, or None for a flattened array) as a negative axis."""
    if axis is None:
        return -1
    return int(axis) % max(ndim, 1) - max(ndim, 1)


def axis_index(start, stop, axis):
    """The index of `start:stop` along the negative axis `axis`, whatever comes before."""
    return (Ellipsis, slice(start, stop)) + (slice(None),) * (-axis - 1)


def _real_dtype(x):
    """The real floating dtype matching `x` (float64 for integers and booleans)."""
    dtype = result_type(x)
    if not np.issubdtype(dtype, np.inexact):
        return np.dtype(np.float64)
    return np.finfo(dtype).dtype


# ----------------------------------------------- linear maps on derivatives, with rules


def keepdims_like(g, a, axis=None, keepdims=False):
    """A reduction's result (or derivative) `g` with the reduced axes of `a` back, as size 1.

    `g` may carry any number of leading axes (direction axes, the q axes of a quantile): the
    last ``ndim(a) - len(axes)`` axes of `g` are the kept axes of `a`. The result
    broadcasts against `a`.
    """
    if keepdims:
        return g
    ndim = np.ndim(a)
    axes = negative_axes(axis, ndim)
    shape = np.shape(g)
    lead = len(shape) - (ndim - len(axes))
    kept = iter(shape[lead:])
    full = tuple(1 if i - ndim in axes else next(kept) for i in range(ndim))
    return np.reshape(g, shape[:lead] + full)


def reverse_cumsum(g, axis=-1):
    """Cumulative sum from the end along `axis`: the transpose of `np.cumsum`."""
    axis = negative_axis(axis, np.ndim(g))
    flipped = np.flip(g, axis)
    return np.flip(np.cumsum(flipped, axis=axis), axis)


def diff_transpose(g, n=1, axis=-1):
    """Transpose of `np.diff(x, n, axis)`: each difference's transpose is -diff with zero ends."""
    axis = negative_axis(axis, np.ndim(g))
    zero = np.zeros((), dtype=result_type(g))  # an int 0 would promote float32
    for _ in range(n):
        g = -np.diff(g, axis=axis, prepend=zero, append=zero)
    return g


def pad_axis(t, before, after, axis=-1):
    """`t` with `before` and `after` zero slices along `axis` (the transpose of `slice_axis`)."""
    axis = negative_axis(axis, np.ndim(t))
    if not before and not after:
        return t
    widths = [(0, 0)] * np.ndim(t)
    widths[axis] = (int(before), int(after))
    return np.pad(t, widths)


def slice_axis(t, start, stop, axis=-1):
    """`t[..., start:stop, ...]` along `axis` (the transpose of `pad_axis`)."""
    return t[axis_index(start, stop, negative_axis(axis, np.ndim(t)))]


def trace_vjp(g, a, offset=0, axis1=0, axis2=1):
    """Transpose of `np.trace(a, offset, axis1, axis2)`: `g` placed on that diagonal.

    `g` may have leading axes beyond the trace's result; they stay in front.
    """
    ndim = np.ndim(a)
    first, second = negative_axis(axis1, ndim), negative_axis(axis2, ndim)
    rows, cols = np.shape(a)[first], np.shape(a)[second]
    diagonal = np.eye(rows, cols, k=offset, dtype=result_type(g, _real_dtype(a)))
    spread = _asarray(g)[..., None, None] * diagonal
    return np.moveaxis(spread, (-2, -1), (first, second))


def conj_if_complex(x):
    """`np.conj(x)` for complex `x`, `x` itself for real `x` (no copy)."""
    return np.conj(x) if np.iscomplexobj(x) else x


def real_if_complex(x):
    """`np.real(x)` for complex `x`, `x` itself for real `x`: for real-valued reductions of
    complex data (var, std, norms), whose tangent is a real part."""
    return np.real(x) if np.iscomplexobj(x) else x


def trapezoid_spacing(x, y, dx=1.0, axis=-1, batch=0):
    """The spacings `np.trapezoid(y, x, dx, axis)` multiplies with the interval midpoints.

    `np.diff(x)` along `axis` (a 1-D `x` is laid along `axis` of `y`), or `dx` when `x` is
    None. `x` may carry `batch` leading direction axes; they stay in front and the result
    broadcasts against `y`'s midpoints.
    """
    if x is None:
        return dx
    if np.ndim(x) - batch == 1 and np.ndim(y) > 1:
        spacing = np.diff(x, axis=-1)
        shape = [1] * np.ndim(y)
        shape[negative_axis(axis, np.ndim(y))] = np.shape(spacing)[-1]
        return np.reshape(spacing, np.shape(spacing)[:-1] + tuple(shape))
    return np.diff(x, axis=negative_axis(axis, np.ndim(y)))


def trapezoid_spacing_vjp(g, x, y, axis=-1, batch=0, outer=0):
    """Transpose of `trapezoid_spacing` in `x` (which has `batch` leading axes): `g` has the
    spacings' shape after `outer + batch` leading axes."""
    if np.ndim(x) - batch == 1 and np.ndim(y) > 1:
        lead = np.shape(g)[: outer + batch]
        g = np.reshape(g, lead + (np.shape(x)[-1] - 1,))
        return diff_transpose(g, 1, -1)
    return diff_transpose(g, 1, negative_axis(axis, np.ndim(y)))


def _weights_layout(w, a, axis, batch):
    """For weights `w` (with `batch` leading axes) not of `a`'s shape: the order of `axis`
    that sorts it, and the shape that broadcasts against `a`."""
    ndim = np.ndim(a)
    axes = [int(i) % ndim for i in (axis if isinstance(axis, (tuple, list)) else (axis,))]
    order = [int(i) for i in np.argsort(axes)]
    shape = tuple(s if i in axes else 1 for i, s in enumerate(np.shape(a)))
    return order, shape


def weights_along(w, a, axis=None, batch=0):
    """np.average's `weights` laid out to broadcast against `a`.

    Weights of `a`'s shape are used as they are; otherwise they have the shape of `a` along
    `axis` (in `axis` order) and get size-1 axes elsewhere, as np.average does. `w` may
    carry `batch` leading direction axes.
    """
    if np.ndim(w) - batch == np.ndim(a):
        return w
    order, shape = _weights_layout(w, a, axis, batch)
    w = np.transpose(w, tuple(range(batch)) + tuple(batch + i for i in order))
    return np.reshape(w, np.shape(w)[:batch] + shape)


def weights_along_vjp(g, w, a, axis=None, batch=0, outer=0):
    """Transpose of `weights_along` in `w` (which has `batch` leading axes): `g` has the
    laid-out shape after `outer + batch` leading axes."""
    if np.ndim(w) - batch == np.ndim(a):
        return g
    order, _ = _weights_layout(w, a, axis, batch)
    lead = np.shape(g)[: outer + batch]
    core = np.shape(w)[batch:]
    g = np.reshape(g, lead + tuple(core[i] for i in order))
    inverse = [int(i) for i in np.argsort(order)]
    return np.transpose(g, tuple(range(len(lead))) + tuple(len(lead) + i for i in inverse))


def cov_variables(t, m, rowvar=True, batch=0):
    """The (variables, observations) matrix np.cov / np.corrcoef build from `m`.

    A 1-D `m` is one variable; with rowvar=False the columns are the variables (unless `m`
    has a single row, as in numpy). `t` is `m` or a derivative of it with `batch` leading
    direction axes.
    """
    lead = np.shape(t)[:batch]
    if np.ndim(m) == 1:
        return np.reshape(t, lead + (1, np.shape(m)[0]))
    if not rowvar and np.shape(m)[0] != 1:
        return np.swapaxes(t, -1, -2)
    return t


def cov_variables_vjp(g, m, rowvar=True, batch=0):
    """Transpose of `cov_variables`: back to the shape of `m` (after `batch` axes)."""
    lead = np.shape(g)[:batch]
    if np.ndim(m) == 1:
        return np.reshape(g, lead + np.shape(m))
    if not rowvar and np.shape(m)[0] != 1:
        return np.swapaxes(g, -1, -2)
    return g


# ---------------------------------------------- the derivative of a product, with rules


def prod_others(x, axis=None):
    """Element i: the product of the other elements of its slice along `axis`.

    This is d prod(x) / d x_i, computed without dividing by x: with one zero in a slice only
    the zero's position gets a nonzero value, with two or more zeros the slice is all zero.
    """
    x = _asarray(x)
    zero = x == 0
    nonzero = np.where(zero, 1, x)
    axes = negative_axes(axis, np.ndim(x))
    product = np.prod(nonzero, axis=axes, keepdims=True)
    others_zero = np.sum(zero, axis=axes, keepdims=True) - zero
    return np.where(others_zero == 0, product / nonzero, 0)


def zero_count(x, axis=None):
    """How many of the *other* elements of each element's slice along `axis` are zero."""
    zero = _asarray(x) == 0
    return np.sum(zero, axis=negative_axes(axis, np.ndim(x)), keepdims=True) - zero


# ----------------------------------------------------------- counts and masks, no rules


def reduction_count(a, axis=None, where=True):
    """How many elements a (masked) reduction of `a` over `axis` combines, per result
    element, with the reduced axes kept (size 1) and in `a`'s real precision."""
    dtype = _real_dtype(a)
    if where is True:
        shape = np.shape(a)
        n = int(np.prod([shape[i] for i in negative_axes(axis, len(shape))]))
        return _asarray(n, dtype=dtype)
    mask = np.broadcast_to(where, np.shape(a))
    return np.sum(mask, axis=negative_axes(axis, np.ndim(a)), keepdims=True).astype(dtype)


def degrees_of_freedom(a, axis=None, ddof=0, where=True):
    """N - ddof for var and std: N counts the elements of each reduction (in `where`), with
    the reduced axes kept (size 1), in `a`'s real precision."""
    return reduction_count(a, axis, where) - ddof


def valid_mask(a, where=True):
    """The elements a NaN-ignoring reduction uses: not NaN, and selected by `where`."""
    valid = ~np.isnan(a)
    return valid if where is True else valid & where


def edge_size(edge, a, axis):
    """How many slices `np.diff`'s prepend/append (`edge`) adds along `axis` (0 for None)."""
    if edge is None:
        return 0
    if np.ndim(edge) == 0:
        return 1
    return np.shape(edge)[negative_axis(axis, np.ndim(a))]


def edge_shape(edge, a, axis):
    """The shape `np.diff` broadcasts its prepend/append `edge` to."""
    if edge is not None and np.ndim(edge):
        return np.shape(edge)
    shape = list(np.shape(a))
    shape[negative_axis(axis, np.ndim(a))] = 1
    return tuple(shape)


def size_or_zero(x):
    """_size(x), or 0 for None (np.ediff1d's optional to_begin / to_end)."""
    return 0 if x is None else int(_size(x))


# -------------------------------------------------------------------- weights, no rules


def tie_weights(a, ans, axis=None, keepdims=False, where=True, initial=None):
    """d max(a) / d a (or min): 1/k on each of the k elements equal to the result, else 0.

    Ties share the derivative equally, as in autograd. With `where`, only the selected
    elements compete; an `initial` value equal to the result counts as one more candidate
    (and takes its share, since it carries no derivative).
    """
    a = _asarray(a)
    extreme = keepdims_like(_asarray(ans), a, axis, keepdims)
    hits = a == extreme
    if where is not True:
        hits = hits & where
    axes = negative_axes(axis, a.ndim)
    count = np.sum(hits, axis=axes, keepdims=True)
    if initial is not None:
        count = count + (_asarray(initial) == extreme)
    dtype = _real_dtype(a)
    return (hits / np.maximum(count, 1)).astype(dtype)


# Hyndman and Fan's continuous methods: alpha and beta of their virtual index (numpy's).
_CONTINUOUS = {
    "linear": (1.0, 1.0),
    "interpolated_inverted_cdf": (0.0, 1.0),
    "hazen": (0.5, 0.5),
    "weibull": (0.0, 0.0),
    "median_unbiased": (1 / 3, 1 / 3),
    "normal_unbiased": (3 / 8, 3 / 8),
}
_METHODS = (*_CONTINUOUS, "lower", "higher", "nearest", "midpoint")


def _quantile_positions(q, count, method):
    """For quantiles `q` of `count` sorted values: the two positions the quantile
    interpolates between, and the weight of the upper one (numpy's rules)."""
    last = np.maximum(count - 1, 0)
    if method in ("lower", "higher", "nearest"):
        rounding = {"lower": np.floor, "higher": np.ceil, "nearest": np.around}[method]
        index = rounding(q * last)
        return index, index, 0 * index
    if method == "midpoint":
        virtual = q * last
        lower = np.floor(virtual)
        return lower, np.minimum(lower + 1, last), np.where(virtual % 1 == 0, 0.0, 0.5)
    alpha, beta = _CONTINUOUS[method]
    if method == "linear":
        virtual = q * last  # numpy's form, for the same rounding
    else:
        virtual = count * q + (alpha + q * (1 - alpha - beta)) - 1
    virtual = np.clip(virtual, 0, last)  # numpy takes the first / last value outside
    lower = np.floor(virtual)
    return lower, np.minimum(lower + 1, last), virtual - lower


def quantile_weights(a, q, axis=None, method="linear", nan=False):
    """d quantile(a, q) / d a: the weights of the one or two order statistics the quantile
    interpolates, at their places in `a`; shape ``np.shape(q) + np.shape(a)``.

    Ties in `a` are not split: the weight goes to the element numpy's stable sort puts at
    the interpolated position (JAX differentiates through its sort the same way). With
    `nan`, NaNs are ignored as np.nanquantile does.
    """
    if method not in _METHODS:
        from ..errors import UnsupportedOperationError

        raise UnsupportedOperationError(
            f"srcad differentiates quantiles with method in {_METHODS}, not {method!r}",
            hint="pass one of those methods (the default, 'linear', is one)",
        )
    a = _asarray(a)
    q = _asarray(q, dtype=np.float64)
    axes = negative_axes(axis, a.ndim)
    kept = [i for i in range(-a.ndim, 0) if i not in axes]
    # The reduced axes last, flattened: x has shape rest + (n,).
    moved = np.moveaxis(a, kept + list(axes), list(range(-a.ndim, 0)))
    rest = moved.shape[: len(kept)]
    n = int(np.prod(moved.shape[len(kept) :]))
    x = moved.reshape(rest + (n,))
    order = np.argsort(x, axis=-1, kind="stable")  # NaNs sort last
    count = np.sum(~np.isnan(x), axis=-1) if nan else np.full(rest, n)
    qq = q.reshape(q.shape + (1,) * len(rest))
    lower, upper, gamma = _quantile_positions(qq, count, method)  # shape q.shape + rest
    positions = np.arange(n)
    sorted_weights = (positions == lower[..., None]) * (1 - gamma[..., None]) + (
        positions == upper[..., None]
    ) * gamma[..., None]
    if nan:
        sorted_weights = sorted_weights * (count > 0)[..., None]
    # Element order[j] of x is the j-th smallest: un-sort the weights.
    inverse = np.argsort(order, axis=-1)
    weights = np.take_along_axis(sorted_weights, np.broadcast_to(inverse, sorted_weights.shape), -1)
    weights = weights.reshape(q.shape + moved.shape)
    qd = q.ndim
    weights = np.moveaxis(
        weights,
        [qd + i for i in range(a.ndim)],
        [qd + (p % a.ndim) for p in kept + list(axes)],
    )
    return weights.astype(_real_dtype(a))


def quantile_axes(q, a):
    """The leading axes a quantile's weights carry for the quantiles `q` (negative axes)."""
    return tuple(range(-(np.ndim(q) + np.ndim(a)), -np.ndim(a)))


# ---------------------------------------------------------------------- norms, no rules


def norm_axes(x, axis):
    """The axes np.linalg.norm reduces, as negative axes: one (vector) or two (matrix)."""
    return negative_axes(axis, np.ndim(x)) if axis is None else _as_negative(axis, np.ndim(x))


def _as_negative(axis, ndim):
    axes = axis if isinstance(axis, (tuple, list)) else (axis,)
    return tuple(int(a) % ndim - ndim for a in axes)  # in the caller's order


def norm_kind(x, ord, axis):
    """How np.linalg.norm(x, ord, axis) is differentiated:

    "power": a vector p-norm (and the Frobenius norm), smooth away from zero;
    "svd": the matrix norms of singular values (2, -2, 'nuc');
    "extreme": the norms that pick a largest or smallest element or sum (vector inf, -inf
    and 0; matrix 1, -1, inf, -inf), whose weights are piecewise constant.
    """
    matrix = len(norm_axes(x, axis)) == 2
    if ord is None or ord == "fro":
        return "power"
    if ord == "nuc" or (matrix and ord in (2, -2)):
        return "svd"
    if matrix or ord in (0, np.inf, -np.inf):
        return "extreme"
    return "power"


def norm_power(ord):
    """The p of a "power" norm (2 for None and 'fro')."""
    return 2 if ord is None or ord == "fro" else ord


def norm_extreme_weights(x, ans, ord, axis=None, keepdims=False):
    """d norm / d|x| for the "extreme" norms: 1/k on the k largest (smallest) elements of |x|
    for vector ord inf (-inf); for matrices, on the elements of the k columns (ord 1, -1) or
    rows (ord inf, -inf) whose absolute sums are largest (smallest); zero for vector ord 0."""
    magnitude = np.abs(_asarray(x))
    axes = norm_axes(x, axis)
    dtype = _real_dtype(x)
    if len(axes) == 1:
        if ord == 0:
            return np.zeros(np.shape(x), dtype=dtype)
        extreme = keepdims_like(_asarray(ans), x, axes, keepdims)
        hits = magnitude == extreme
        count = np.sum(hits, axis=axes, keepdims=True)
        return (hits / np.maximum(count, 1)).astype(dtype)
    row, col = axes
    summed = col if ord in (np.inf, -np.inf) else row  # a row's sum runs over the columns
    other = row if summed == col else col
    sums = np.sum(magnitude, axis=summed, keepdims=True)
    pick = np.max if ord in (1, np.inf) else np.min
    hits = sums == pick(sums, axis=other, keepdims=True)
    count = np.sum(hits, axis=other, keepdims=True)
    return np.broadcast_to(hits / count, np.shape(x)).astype(dtype)


def matrix_axes_last(x, axis):
    """The permutation that moves a matrix norm's (row, column) axes last."""
    ndim = np.ndim(x)
    row, col = (int(a) % ndim for a in norm_axes(x, axis))
    return tuple(i for i in range(ndim) if i not in (row, col)) + (row, col)


def singular_index(ord):
    """Which singular values a matrix norm of singular values uses (as a slice)."""
    if ord == 2:
        return slice(0, 1)
    if ord == -2:
        return slice(-1, None)
    return slice(None)


# ---------------------------------------------------------------- covariances, no rules


def eye_of_variables(x):
    """The identity matrix over the variables (rows) of `x`, in `x`'s real precision."""
    return np.eye(np.shape(x)[-2], dtype=_real_dtype(x))


def cov_weights(x, fweights=None, aweights=None):
    """The observation weights of np.cov (ones without fweights / aweights), in the real
    precision of the (variables, observations) matrix `x`."""
    w = np.ones(np.shape(x)[-1], dtype=_real_dtype(x))
    if fweights is not None:
        w = w * _asarray(fweights)
    if aweights is not None:
        w = w * _asarray(aweights)
    return w.astype(_real_dtype(x))


def cov_divisor(x, bias=False, ddof=None, fweights=None, aweights=None):
    """What np.cov divides the (weighted) sum of products by (0 when that is not positive)."""
    if ddof is None:
        ddof = 0 if bias else 1
    w = cov_weights(x, fweights, aweights)
    total = np.sum(w)
    if fweights is None and aweights is None:
        fact = np.shape(x)[-1] - ddof
    elif ddof == 0:
        fact = total
    elif aweights is None:
        fact = total - ddof
    else:
        fact = total - ddof * np.sum(w * _asarray(aweights)) / total
    return max(float(fact), 0.0)
