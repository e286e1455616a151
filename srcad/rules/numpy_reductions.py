"""Rules for numpy reductions: sums, means, products, extremes, spreads, cumulative sums and
products, differences, traces, averages, quantiles, norms, the trapezoid rule, covariances.

Most reductions here are *weighted sums* in their first derivative: the tangent is
``np.sum(d[a] * w, axis, keepdims)`` and the adjoint ``keepdims_like(d[ans]) * w`` with a
weight `w` of `a`'s shape (1/k on the k tied maxima, the product of the other elements for a
product, the two interpolated order statistics for a quantile...). Weights that are piecewise
constant in the data come from helpers without derivative (`rt.tie_weights`,
`rt.quantile_weights`); weights that vary smoothly are numpy expressions of the data, so
the generated code differentiates again.

Direction axes (``nb == 1``): derivative arrays carry a leading axis the primal lacks, so
the general branches reduce over *negative* axes (`rt.negative_axes`), which name the same
axes of the primal and of its derivatives. Complex numbers follow JAX: the vjp is the
transpose of the jvp, without conjugation; real-valued reductions of complex data (var, std,
norms) have a jvp that is a real part, and transpose it with a conjugated weight.

Arguments that are constants as far as these rules go (not differentiated): `initial` of
sum, `q` of the quantiles, `dx` of trapezoid, the weights, ddof and bias of cov. Not
accepted: `out=`, `mean=` of var/std, `overwrite_input=` and `weights=` of the quantiles,
`returned=` of average, `dtype=` of cov/corrcoef, `initial=` of prod.
"""

from __future__ import annotations

import numpy as np

from .. import runtime as rt
from .template import d, facts, jvp_rule, nb, nondiff, optional, static, vjp_rule

nondiff(
    rt.negative_axes,
    rt.negative_axis,
    rt.axis_index,
    rt.reduction_count,
    rt.degrees_of_freedom,
    rt.valid_mask,
    rt.tie_weights,
    rt.quantile_weights,
    rt.quantile_axes,
    rt.zero_count,
    rt.edge_size,
    rt.edge_shape,
    rt.size_or_zero,
    rt.cov_weights,
    rt.cov_divisor,
    rt.norm_axes,
    rt.norm_kind,
    rt.norm_power,
    rt.norm_extreme_weights,
    rt.matrix_axes_last,
    rt.singular_index,
    rt.eye_of_variables,
)

# ------------------------------------------------------------------------------ sum, mean
# `initial` only adds a constant to a sum; it is not differentiated.


@vjp_rule(np.sum, linear=("a",))
def _(ans, a, axis=None, dtype=None, *, keepdims=False, initial=None, where=True):
    if static(where is True and axis is None and nb == 0):
        d[a] = np.broadcast_to(d[ans], np.shape(a))
    elif static(where is True):
        d[a] = rt.sum_vjp(d[ans], a, axis, keepdims, nb)
    else:
        d[a] = np.where(where, rt.sum_vjp(d[ans], a, axis, keepdims, nb), 0)


@jvp_rule(np.sum, linear=("a",))
def _(ans, a, axis=None, dtype=None, *, keepdims=False, initial=None, where=True):
    if static(where is True and nb == 0 and axis is None and not keepdims):
        d[ans] = np.sum(d[a])
    elif static(where is True and nb == 0):
        d[ans] = np.sum(d[a], axis=axis, keepdims=keepdims)
    elif static(where is True):
        d[ans] = np.sum(d[a], axis=rt.negative_axes(axis, np.ndim(a)), keepdims=keepdims)
    elif static(nb == 0):
        d[ans] = np.sum(d[a], axis=axis, keepdims=keepdims, where=where)
    else:
        axes = rt.negative_axes(axis, np.ndim(a))
        d[ans] = np.sum(d[a], axis=axes, keepdims=keepdims, where=where)


@vjp_rule(np.mean, linear=("a",))
def _(ans, a, axis=None, dtype=None, *, keepdims=False, where=True):
    if static(where is True and axis is None and nb == 0):
        d[a] = rt.fit(d[ans] / rt.count(a), a)
    elif static(where is True):
        d[a] = rt.mean_vjp(d[ans], a, axis, keepdims, nb)
    else:
        spread = rt.sum_vjp(d[ans], a, axis, keepdims, nb)
        d[a] = np.where(where, spread / rt.reduction_count(a, axis, where), 0)


@jvp_rule(np.mean, linear=("a",))
def _(ans, a, axis=None, dtype=None, *, keepdims=False, where=True):
    if static(where is True and nb == 0):
        d[ans] = np.mean(d[a], axis=axis, keepdims=keepdims)
    elif static(where is True):
        d[ans] = np.mean(d[a], axis=rt.negative_axes(axis, np.ndim(a)), keepdims=keepdims)
    elif static(nb == 0):
        d[ans] = np.mean(d[a], axis=axis, keepdims=keepdims, where=where)
    else:
        axes = rt.negative_axes(axis, np.ndim(a))
        d[ans] = np.mean(d[a], axis=axes, keepdims=keepdims, where=where)


# NaN-ignoring sums and means: the NaNs are masked out like `where=False` elements.


@vjp_rule(np.nansum, linear=("a",))
def _(ans, a, axis=None, dtype=None, *, keepdims=False, initial=None, where=True):
    d[a] = np.where(rt.valid_mask(a, where), rt.sum_vjp(d[ans], a, axis, keepdims, nb), 0)


@jvp_rule(np.nansum, linear=("a",))
def _(ans, a, axis=None, dtype=None, *, keepdims=False, initial=None, where=True):
    if static(nb == 0):
        d[ans] = np.sum(d[a], axis=axis, keepdims=keepdims, where=rt.valid_mask(a, where))
    else:
        axes = rt.negative_axes(axis, np.ndim(a))
        d[ans] = np.sum(d[a], axis=axes, keepdims=keepdims, where=rt.valid_mask(a, where))


@vjp_rule(np.nanmean, linear=("a",))
def _(ans, a, axis=None, dtype=None, *, keepdims=False, where=True):
    valid = rt.valid_mask(a, where)
    spread = rt.sum_vjp(d[ans], a, axis, keepdims, nb)
    d[a] = np.where(valid, spread / rt.reduction_count(a, axis, valid), 0)


@jvp_rule(np.nanmean, linear=("a",))
def _(ans, a, axis=None, dtype=None, *, keepdims=False, where=True):
    if static(nb == 0):
        d[ans] = np.mean(d[a], axis=axis, keepdims=keepdims, where=rt.valid_mask(a, where))
    else:
        axes = rt.negative_axes(axis, np.ndim(a))
        d[ans] = np.mean(d[a], axis=axes, keepdims=keepdims, where=rt.valid_mask(a, where))


# ------------------------------------------------------------------ weighted reductions
# prod, max/min and friends, ptp, median, quantiles: tangent sum(d[a] * w), adjoint
# keepdims_like(d[ans]) * w, with w = d ans / d a of a's shape.

# d prod / d a_i is the product of the other elements, computed without dividing by a_i
# (exact with one zero and with several zeros in a slice); rt.prod_others has rules of its
# own, exact at zeros to second order.


@vjp_rule(np.prod)
def _(ans, a, axis=None, dtype=None, *, keepdims=False, where=True):
    if static(where is True):
        w = rt.prod_others(a, axis)
    else:
        w = np.where(where, rt.prod_others(np.where(where, a, 1), axis), 0)
    if static(nb == 0 and (axis is None or keepdims)):
        d[a] = d[ans] * w
    else:
        d[a] = rt.keepdims_like(d[ans], a, axis, keepdims) * w


@jvp_rule(np.prod)
def _(ans, a, axis=None, dtype=None, *, keepdims=False, where=True):
    if static(where is True):
        w = rt.prod_others(a, axis)
    else:
        w = np.where(where, rt.prod_others(np.where(where, a, 1), axis), 0)
    if static(nb == 0):
        d[ans] = np.sum(d[a] * w, axis=axis, keepdims=keepdims)
    else:
        d[ans] = np.sum(d[a] * w, axis=rt.negative_axes(axis, np.ndim(a)), keepdims=keepdims)


@vjp_rule(np.nanprod)
def _(ans, a, axis=None, dtype=None, *, keepdims=False, where=True):
    valid = rt.valid_mask(a, where)
    w = np.where(valid, rt.prod_others(np.where(valid, a, 1), axis), 0)
    if static(nb == 0 and (axis is None or keepdims)):
        d[a] = d[ans] * w
    else:
        d[a] = rt.keepdims_like(d[ans], a, axis, keepdims) * w


@jvp_rule(np.nanprod)
def _(ans, a, axis=None, dtype=None, *, keepdims=False, where=True):
    valid = rt.valid_mask(a, where)
    w = np.where(valid, rt.prod_others(np.where(valid, a, 1), axis), 0)
    if static(nb == 0):
        d[ans] = np.sum(d[a] * w, axis=axis, keepdims=keepdims)
    else:
        d[ans] = np.sum(d[a] * w, axis=rt.negative_axes(axis, np.ndim(a)), keepdims=keepdims)


# max and min (and their aliases and NaN-ignoring forms) share one template: the weight is
# 1/k on each of the k elements equal to the result (ties split equally, as in autograd;
# NaNs never equal the result). `initial` and `where` are numpy's: an initial value equal
# to the result takes a share, masked-out elements take none.
_EXTREMES = [np.max, np.amax, np.min, np.amin, np.nanmax, np.nanmin]


def _register_extremes(register):
    def decorate(template):
        for primitive in _EXTREMES:
            register(primitive)(template)
        return template

    return decorate


@_register_extremes(vjp_rule)
def _(ans, a, axis=None, *, keepdims=False, initial=None, where=True):
    w = rt.tie_weights(a, ans, axis, keepdims, where, initial)
    if static(nb == 0 and (axis is None or keepdims)):
        d[a] = d[ans] * w
    else:
        d[a] = rt.keepdims_like(d[ans], a, axis, keepdims) * w


@_register_extremes(jvp_rule)
def _(ans, a, axis=None, *, keepdims=False, initial=None, where=True):
    w = rt.tie_weights(a, ans, axis, keepdims, where, initial)
    if static(nb == 0):
        d[ans] = np.sum(d[a] * w, axis=axis, keepdims=keepdims)
    else:
        d[ans] = np.sum(d[a] * w, axis=rt.negative_axes(axis, np.ndim(a)), keepdims=keepdims)


@vjp_rule(np.ptp)
def _(ans, a, axis=None, *, keepdims=False):
    top = rt.tie_weights(a, np.max(a, axis=axis, keepdims=True), axis, True)
    w = top - rt.tie_weights(a, np.min(a, axis=axis, keepdims=True), axis, True)
    if static(nb == 0 and (axis is None or keepdims)):
        d[a] = d[ans] * w
    else:
        d[a] = rt.keepdims_like(d[ans], a, axis, keepdims) * w


@jvp_rule(np.ptp)
def _(ans, a, axis=None, *, keepdims=False):
    top = rt.tie_weights(a, np.max(a, axis=axis, keepdims=True), axis, True)
    w = top - rt.tie_weights(a, np.min(a, axis=axis, keepdims=True), axis, True)
    if static(nb == 0):
        d[ans] = np.sum(d[a] * w, axis=axis, keepdims=keepdims)
    else:
        d[ans] = np.sum(d[a] * w, axis=rt.negative_axes(axis, np.ndim(a)), keepdims=keepdims)


# Medians and quantiles interpolate between one or two order statistics; rt.quantile_weights
# puts the interpolation weights at those elements' places (ties are not split: like JAX,
# which differentiates through a sort, the weight goes to one of the tied elements).


@vjp_rule(np.median)
def _(ans, a, axis=None, *, keepdims=False):
    w = rt.quantile_weights(a, 0.5, axis)
    if static(nb == 0 and (axis is None or keepdims)):
        d[a] = d[ans] * w
    else:
        d[a] = rt.keepdims_like(d[ans], a, axis, keepdims) * w


@jvp_rule(np.median)
def _(ans, a, axis=None, *, keepdims=False):
    w = rt.quantile_weights(a, 0.5, axis)
    if static(nb == 0):
        d[ans] = np.sum(d[a] * w, axis=axis, keepdims=keepdims)
    else:
        d[ans] = np.sum(d[a] * w, axis=rt.negative_axes(axis, np.ndim(a)), keepdims=keepdims)


@vjp_rule(np.nanmedian)
def _(ans, a, axis=None, *, keepdims=False):
    w = rt.quantile_weights(a, 0.5, axis, "linear", True)
    if static(nb == 0 and (axis is None or keepdims)):
        d[a] = d[ans] * w
    else:
        d[a] = rt.keepdims_like(d[ans], a, axis, keepdims) * w


@jvp_rule(np.nanmedian)
def _(ans, a, axis=None, *, keepdims=False):
    w = rt.quantile_weights(a, 0.5, axis, "linear", True)
    if static(nb == 0):
        d[ans] = np.sum(d[a] * w, axis=axis, keepdims=keepdims)
    else:
        d[ans] = np.sum(d[a] * w, axis=rt.negative_axes(axis, np.ndim(a)), keepdims=keepdims)


# quantile(a, q) and friends: the quantiles' own axes (an array q) come first in the result,
# so the weights have shape q.shape + a.shape and the adjoint sums over those leading axes.
# q itself is not differentiated.


@vjp_rule(np.quantile)
def _(ans, a, q, axis=None, *, method="linear", keepdims=False):
    w = rt.quantile_weights(a, q, axis, method)
    d[a] = np.sum(rt.keepdims_like(d[ans], a, axis, keepdims) * w, axis=rt.quantile_axes(q, a))


@jvp_rule(np.quantile)
def _(ans, a, q, axis=None, *, method="linear", keepdims=False):
    w = rt.quantile_weights(a, q, axis, method)
    axes = rt.negative_axes(axis, np.ndim(a))
    if static(nb == 0):
        d[ans] = np.sum(d[a] * w, axis=axes, keepdims=keepdims)
    else:
        d[ans] = np.sum(rt.lift(d[a], a, np.ndim(w), nb) * w, axis=axes, keepdims=keepdims)


@vjp_rule(np.percentile)
def _(ans, a, q, axis=None, *, method="linear", keepdims=False):
    w = rt.quantile_weights(a, np.true_divide(q, 100), axis, method)
    d[a] = np.sum(rt.keepdims_like(d[ans], a, axis, keepdims) * w, axis=rt.quantile_axes(q, a))


@jvp_rule(np.percentile)
def _(ans, a, q, axis=None, *, method="linear", keepdims=False):
    w = rt.quantile_weights(a, np.true_divide(q, 100), axis, method)
    axes = rt.negative_axes(axis, np.ndim(a))
    if static(nb == 0):
        d[ans] = np.sum(d[a] * w, axis=axes, keepdims=keepdims)
    else:
        d[ans] = np.sum(rt.lift(d[a], a, np.ndim(w), nb) * w, axis=axes, keepdims=keepdims)


@vjp_rule(np.nanquantile)
def _(ans, a, q, axis=None, *, method="linear", keepdims=False):
    w = rt.quantile_weights(a, q, axis, method, True)
    d[a] = np.sum(rt.keepdims_like(d[ans], a, axis, keepdims) * w, axis=rt.quantile_axes(q, a))


@jvp_rule(np.nanquantile)
def _(ans, a, q, axis=None, *, method="linear", keepdims=False):
    w = rt.quantile_weights(a, q, axis, method, True)
    axes = rt.negative_axes(axis, np.ndim(a))
    if static(nb == 0):
        d[ans] = np.sum(d[a] * w, axis=axes, keepdims=keepdims)
    else:
        d[ans] = np.sum(rt.lift(d[a], a, np.ndim(w), nb) * w, axis=axes, keepdims=keepdims)


@vjp_rule(np.nanpercentile)
def _(ans, a, q, axis=None, *, method="linear", keepdims=False):
    w = rt.quantile_weights(a, np.true_divide(q, 100), axis, method, True)
    d[a] = np.sum(rt.keepdims_like(d[ans], a, axis, keepdims) * w, axis=rt.quantile_axes(q, a))


@jvp_rule(np.nanpercentile)
def _(ans, a, q, axis=None, *, method="linear", keepdims=False):
    w = rt.quantile_weights(a, np.true_divide(q, 100), axis, method, True)
    axes = rt.negative_axes(axis, np.ndim(a))
    if static(nb == 0):
        d[ans] = np.sum(d[a] * w, axis=axes, keepdims=keepdims)
    else:
        d[ans] = np.sum(rt.lift(d[a], a, np.ndim(w), nb) * w, axis=axes, keepdims=keepdims)


# ----------------------------------------------------------------------- var, std
# var = sum(|a - mean|^2) / (N - ddof). Its tangent is Re(sum(2 conj(a - mean) d[a])) / (N -
# ddof) (the mean's own tangent drops out: the centered data sums to zero), a weighted sum
# with a smooth weight, so the generated code differentiates again. std = sqrt(var) divides
# by 2 std: at zero spread that is 0/0 = nan, as in autograd and JAX. `correction` is
# numpy's other name for ddof; `mean=` (a precomputed mean) is not supported.


@vjp_rule(np.var, aliases={"correction": "ddof"})
def _(ans, a, axis=None, dtype=None, *, ddof=0, keepdims=False, where=True):
    if static(where is True):
        centered = a - np.mean(a, axis=axis, keepdims=True)
        w = 2 * rt.conj_if_complex(centered) / rt.degrees_of_freedom(a, axis, ddof)
    else:
        centered = a - np.mean(a, axis=axis, keepdims=True, where=where)
        dof = rt.degrees_of_freedom(a, axis, ddof, where)
        w = np.where(where, 2 * rt.conj_if_complex(centered) / dof, 0)
    if static(nb == 0 and (axis is None or keepdims)):
        d[a] = d[ans] * w
    else:
        d[a] = rt.keepdims_like(d[ans], a, axis, keepdims) * w


@jvp_rule(np.var, aliases={"correction": "ddof"})
def _(ans, a, axis=None, dtype=None, *, ddof=0, keepdims=False, where=True):
    if static(where is True):
        centered = a - np.mean(a, axis=axis, keepdims=True)
        w = 2 * rt.conj_if_complex(centered) / rt.degrees_of_freedom(a, axis, ddof)
    else:
        centered = a - np.mean(a, axis=axis, keepdims=True, where=where)
        dof = rt.degrees_of_freedom(a, axis, ddof, where)
        w = np.where(where, 2 * rt.conj_if_complex(centered) / dof, 0)
    if static(nb == 0):
        d[ans] = rt.real_if_complex(np.sum(d[a] * w, axis=axis, keepdims=keepdims))
    else:
        axes = rt.negative_axes(axis, np.ndim(a))
        d[ans] = rt.real_if_complex(np.sum(d[a] * w, axis=axes, keepdims=keepdims))


@vjp_rule(np.std, aliases={"correction": "ddof"})
def _(ans, a, axis=None, dtype=None, *, ddof=0, keepdims=False, where=True):
    spread = rt.keepdims_like(ans, a, axis, keepdims)
    if static(where is True):
        centered = a - np.mean(a, axis=axis, keepdims=True)
        w = rt.conj_if_complex(centered) / (rt.degrees_of_freedom(a, axis, ddof) * spread)
    else:
        centered = a - np.mean(a, axis=axis, keepdims=True, where=where)
        dof = rt.degrees_of_freedom(a, axis, ddof, where)
        w = np.where(where, rt.conj_if_complex(centered) / (dof * spread), 0)
    if static(nb == 0 and (axis is None or keepdims)):
        d[a] = d[ans] * w
    else:
        d[a] = rt.keepdims_like(d[ans], a, axis, keepdims) * w


@jvp_rule(np.std, aliases={"correction": "ddof"})
def _(ans, a, axis=None, dtype=None, *, ddof=0, keepdims=False, where=True):
    spread = rt.keepdims_like(ans, a, axis, keepdims)
    if static(where is True):
        centered = a - np.mean(a, axis=axis, keepdims=True)
        w = rt.conj_if_complex(centered) / (rt.degrees_of_freedom(a, axis, ddof) * spread)
    else:
        centered = a - np.mean(a, axis=axis, keepdims=True, where=where)
        dof = rt.degrees_of_freedom(a, axis, ddof, where)
        w = np.where(where, rt.conj_if_complex(centered) / (dof * spread), 0)
    if static(nb == 0):
        d[ans] = rt.real_if_complex(np.sum(d[a] * w, axis=axis, keepdims=keepdims))
    else:
        axes = rt.negative_axes(axis, np.ndim(a))
        d[ans] = rt.real_if_complex(np.sum(d[a] * w, axis=axes, keepdims=keepdims))


@vjp_rule(np.nanvar, aliases={"correction": "ddof"})
def _(ans, a, axis=None, dtype=None, *, ddof=0, keepdims=False, where=True):
    valid = rt.valid_mask(a, where)
    centered = np.where(valid, a - np.mean(a, axis=axis, keepdims=True, where=valid), 0)
    w = 2 * rt.conj_if_complex(centered) / rt.degrees_of_freedom(a, axis, ddof, valid)
    if static(nb == 0 and (axis is None or keepdims)):
        d[a] = d[ans] * w
    else:
        d[a] = rt.keepdims_like(d[ans], a, axis, keepdims) * w


@jvp_rule(np.nanvar, aliases={"correction": "ddof"})
def _(ans, a, axis=None, dtype=None, *, ddof=0, keepdims=False, where=True):
    valid = rt.valid_mask(a, where)
    centered = np.where(valid, a - np.mean(a, axis=axis, keepdims=True, where=valid), 0)
    w = 2 * rt.conj_if_complex(centered) / rt.degrees_of_freedom(a, axis, ddof, valid)
    if static(nb == 0):
        d[ans] = rt.real_if_complex(np.sum(d[a] * w, axis=axis, keepdims=keepdims))
    else:
        axes = rt.negative_axes(axis, np.ndim(a))
        d[ans] = rt.real_if_complex(np.sum(d[a] * w, axis=axes, keepdims=keepdims))


@vjp_rule(np.nanstd, aliases={"correction": "ddof"})
def _(ans, a, axis=None, dtype=None, *, ddof=0, keepdims=False, where=True):
    valid = rt.valid_mask(a, where)
    centered = np.where(valid, a - np.mean(a, axis=axis, keepdims=True, where=valid), 0)
    scale = rt.degrees_of_freedom(a, axis, ddof, valid) * rt.keepdims_like(ans, a, axis, keepdims)
    w = rt.conj_if_complex(centered) / scale
    if static(nb == 0 and (axis is None or keepdims)):
        d[a] = d[ans] * w
    else:
        d[a] = rt.keepdims_like(d[ans], a, axis, keepdims) * w


@jvp_rule(np.nanstd, aliases={"correction": "ddof"})
def _(ans, a, axis=None, dtype=None, *, ddof=0, keepdims=False, where=True):
    valid = rt.valid_mask(a, where)
    centered = np.where(valid, a - np.mean(a, axis=axis, keepdims=True, where=valid), 0)
    scale = rt.degrees_of_freedom(a, axis, ddof, valid) * rt.keepdims_like(ans, a, axis, keepdims)
    w = rt.conj_if_complex(centered) / scale
    if static(nb == 0):
        d[ans] = rt.real_if_complex(np.sum(d[a] * w, axis=axis, keepdims=keepdims))
    else:
        axes = rt.negative_axes(axis, np.ndim(a))
        d[ans] = rt.real_if_complex(np.sum(d[a] * w, axis=axes, keepdims=keepdims))


# --------------------------------------------------------------- cumulative sums
# The transpose of a cumulative sum is a cumulative sum from the other end. axis=None works
# on the flattened array.


@vjp_rule(np.cumsum, linear=("a",))
def _(ans, a, axis=None, dtype=None):
    if static(axis is None and nb == 0):
        d[a] = np.reshape(rt.reverse_cumsum(d[ans]), np.shape(a))
    elif static(axis is None):
        d[a] = rt.reshape_batched(rt.reverse_cumsum(d[ans]), np.shape(a), nb)
    elif static(nb == 0):
        d[a] = rt.reverse_cumsum(d[ans], axis)
    else:
        d[a] = rt.reverse_cumsum(d[ans], rt.negative_axis(axis, np.ndim(a)))


@jvp_rule(np.cumsum, linear=("a",))
def _(ans, a, axis=None, dtype=None):
    if static(nb == 0):
        d[ans] = np.cumsum(d[a], axis=axis)
    elif static(axis is None):
        d[ans] = np.cumsum(rt.reshape_batched(d[a], (-1,), nb), axis=-1)
    else:
        d[ans] = np.cumsum(d[a], axis=rt.negative_axis(axis, np.ndim(a)))


@vjp_rule(np.nancumsum, linear=("a",))
def _(ans, a, axis=None, dtype=None):
    if static(axis is None):
        summed = rt.reshape_batched(rt.reverse_cumsum(d[ans]), np.shape(a), nb)
    else:
        summed = rt.reverse_cumsum(d[ans], rt.negative_axis(axis, np.ndim(a)))
    d[a] = np.where(np.isnan(a), 0, summed)


@jvp_rule(np.nancumsum, linear=("a",))
def _(ans, a, axis=None, dtype=None):
    t = np.where(np.isnan(a), 0, d[a])
    if static(nb == 0):
        d[ans] = np.cumsum(t, axis=axis)
    elif static(axis is None):
        d[ans] = np.cumsum(rt.reshape_batched(t, (-1,), nb), axis=-1)
    else:
        d[ans] = np.cumsum(t, axis=rt.negative_axis(axis, np.ndim(a)))


# np.cumulative_sum: numpy >= 2.1.
@vjp_rule(optional(np, "cumulative_sum"), linear=("x",))
def _(ans, x, *, axis=None, dtype=None, include_initial=False):
    ax = rt.negative_axis(axis, np.ndim(x))
    if static(include_initial):
        # ans[0] is the initial 0; ans[k] sums x[:k].
        d[x] = rt.slice_axis(rt.reverse_cumsum(d[ans], ax), 1, None, ax)
    else:
        d[x] = rt.reverse_cumsum(d[ans], ax)


@jvp_rule(optional(np, "cumulative_sum"), linear=("x",))
def _(ans, x, *, axis=None, dtype=None, include_initial=False):
    if static(nb == 0):
        d[ans] = np.cumulative_sum(d[x], axis=axis, include_initial=include_initial)
    else:
        ax = rt.negative_axis(axis, np.ndim(x))
        d[ans] = np.cumulative_sum(d[x], axis=ax, include_initial=include_initial)


# --------------------------------------------------------------- cumulative products
# y_k = x_0 ... x_k. Without zeros, dy = y * cumsum(dx / x); this version never divides by
# zero. With p the running product of the nonzero elements, s the number of zeros so far and
# z their running sum (zero in value, but it carries their derivative):
#   s == 0: dy_k = p_k * sum_{i<=k} dx_i / x_i
#   s == 1: dy_k = p_k * (dx at the zero + z_k * sum over the nonzero i<=k of dx_i / x_i)
#   s == 2: dy_k = p_k * (z_k * (dx at the zeros) - sum over the zeros of x_i dx_i)
#   s >= 3: dy_k = 0.
# The z_k terms are zero in value; they make the *second* derivative exact at zeros too
# (higher ones are not exact there). alpha, beta, gamma below are the coefficients
# of the three running sums; the adjoint is the transpose, with reverse cumulative sums.


@vjp_rule(np.cumprod)
def _(ans, a, axis=None, dtype=None):
    if static(axis is None):
        x = np.reshape(a, -1)
    else:
        x = a
    ax = rt.negative_axis(axis, np.ndim(a))
    zero = x == 0
    nonzero = np.where(zero, 1, x)
    seen = np.cumsum(zero, axis=ax)
    p = np.cumprod(nonzero, axis=ax)
    z = np.cumsum(np.where(zero, x, 0), axis=ax)
    alpha = p * ((seen == 0) + (seen == 1) * z)
    beta = p * ((seen == 1) + (seen == 2) * z)
    gamma = p * (seen == 2)
    g = d[ans]
    at_zeros = rt.reverse_cumsum(g * beta, ax) - x * rt.reverse_cumsum(g * gamma, ax)
    dx = np.where(zero, at_zeros, rt.reverse_cumsum(g * alpha, ax) / nonzero)
    if static(axis is None):
        d[a] = rt.reshape_batched(dx, np.shape(a), nb)
    else:
        d[a] = dx


@jvp_rule(np.cumprod)
def _(ans, a, axis=None, dtype=None):
    if static(axis is None):
        x = np.reshape(a, -1)
        t = rt.reshape_batched(d[a], (-1,), nb)
    else:
        x = a
        t = d[a]
    ax = rt.negative_axis(axis, np.ndim(a))
    zero = x == 0
    nonzero = np.where(zero, 1, x)
    seen = np.cumsum(zero, axis=ax)
    p = np.cumprod(nonzero, axis=ax)
    z = np.cumsum(np.where(zero, x, 0), axis=ax)
    alpha = p * ((seen == 0) + (seen == 1) * z)
    beta = p * ((seen == 1) + (seen == 2) * z)
    gamma = p * (seen == 2)
    d[ans] = (
        alpha * np.cumsum(np.where(zero, 0, t / nonzero), axis=ax)
        + beta * np.cumsum(np.where(zero, t, 0), axis=ax)
        - gamma * np.cumsum(np.where(zero, x * t, 0), axis=ax)
    )


# nancumprod is cumprod with the NaNs replaced by ones: the same formulas, masked.


@vjp_rule(np.nancumprod)
def _(ans, a, axis=None, dtype=None):
    if static(axis is None):
        x = np.reshape(np.where(np.isnan(a), 1, a), -1)
    else:
        x = np.where(np.isnan(a), 1, a)
    ax = rt.negative_axis(axis, np.ndim(a))
    zero = x == 0
    nonzero = np.where(zero, 1, x)
    seen = np.cumsum(zero, axis=ax)
    p = np.cumprod(nonzero, axis=ax)
    z = np.cumsum(np.where(zero, x, 0), axis=ax)
    alpha = p * ((seen == 0) + (seen == 1) * z)
    beta = p * ((seen == 1) + (seen == 2) * z)
    gamma = p * (seen == 2)
    g = d[ans]
    at_zeros = rt.reverse_cumsum(g * beta, ax) - x * rt.reverse_cumsum(g * gamma, ax)
    dx = np.where(zero, at_zeros, rt.reverse_cumsum(g * alpha, ax) / nonzero)
    if static(axis is None):
        d[a] = np.where(np.isnan(a), 0, rt.reshape_batched(dx, np.shape(a), nb))
    else:
        d[a] = np.where(np.isnan(a), 0, dx)


@jvp_rule(np.nancumprod)
def _(ans, a, axis=None, dtype=None):
    if static(axis is None):
        x = np.reshape(np.where(np.isnan(a), 1, a), -1)
        t = rt.reshape_batched(np.where(np.isnan(a), 0, d[a]), (-1,), nb)
    else:
        x = np.where(np.isnan(a), 1, a)
        t = np.where(np.isnan(a), 0, d[a])
    ax = rt.negative_axis(axis, np.ndim(a))
    zero = x == 0
    nonzero = np.where(zero, 1, x)
    seen = np.cumsum(zero, axis=ax)
    p = np.cumprod(nonzero, axis=ax)
    z = np.cumsum(np.where(zero, x, 0), axis=ax)
    alpha = p * ((seen == 0) + (seen == 1) * z)
    beta = p * ((seen == 1) + (seen == 2) * z)
    gamma = p * (seen == 2)
    d[ans] = (
        alpha * np.cumsum(np.where(zero, 0, t / nonzero), axis=ax)
        + beta * np.cumsum(np.where(zero, t, 0), axis=ax)
        - gamma * np.cumsum(np.where(zero, x * t, 0), axis=ax)
    )


# ---------------------------------------------------------------------- differences
# np.diff is linear: its transpose is rt.diff_transpose. prepend/append extend the array
# before differencing (a scalar is broadcast to one slice); they are differentiated too.


@vjp_rule(np.diff, linear=("a", "prepend", "append"))
def _(ans, a, n=1, axis=-1, prepend=None, append=None):
    ax = rt.negative_axis(axis, np.ndim(a))
    if static(prepend is None and append is None):
        d[a] = rt.diff_transpose(d[ans], n, ax)
    else:
        before = rt.edge_size(prepend, a, axis)
        size = np.shape(a)[ax]
        extended = rt.diff_transpose(d[ans], n, ax)
        d[a] = rt.slice_axis(extended, before, before + size, ax)
        d[prepend] = rt.unbroadcast(rt.slice_axis(extended, 0, before, ax), prepend, nb)
        d[append] = rt.unbroadcast(rt.slice_axis(extended, before + size, None, ax), append, nb)


@jvp_rule(np.diff, linear=("a", "prepend", "append"))
def _(ans, a, n=1, axis=-1, prepend=None, append=None):
    if static(prepend is None and append is None and (nb == 0 or axis == -1)):
        d[ans] = np.diff(d[a], n, axis=axis)
    elif static(prepend is None and append is None):
        d[ans] = np.diff(d[a], n, axis=rt.negative_axis(axis, np.ndim(a)))
    else:
        ax = rt.negative_axis(axis, np.ndim(a))
        before = rt.edge_size(prepend, a, axis)
        after = rt.edge_size(append, a, axis)
        size = np.shape(a)[ax]
        first = rt.broadcast_batched(d[prepend], prepend, rt.edge_shape(prepend, a, axis), nb)
        last = rt.broadcast_batched(d[append], append, rt.edge_shape(append, a, axis), nb)
        extended = (
            rt.pad_axis(d[a], before, after, ax)
            + rt.pad_axis(first, 0, size + after, ax)
            + rt.pad_axis(last, before + size, 0, ax)
        )
        d[ans] = np.diff(extended, n, axis=ax)


# ediff1d(ary, to_end, to_begin) = concatenate(to_begin, diff(ravel(ary)), to_end).


@vjp_rule(np.ediff1d, linear=("ary", "to_end", "to_begin"))
def _(ans, ary, to_end=None, to_begin=None):
    before = rt.size_or_zero(to_begin)
    after = rt.size_or_zero(to_end)
    middle = rt.slice_axis(d[ans], before, rt.count(ans) - after, -1)
    d[ary] = rt.reshape_batched(rt.diff_transpose(middle, 1, -1), np.shape(ary), nb)
    d[to_begin] = rt.reshape_batched(rt.slice_axis(d[ans], 0, before, -1), np.shape(to_begin), nb)
    end = rt.slice_axis(d[ans], rt.count(ans) - after, None, -1)
    d[to_end] = rt.reshape_batched(end, np.shape(to_end), nb)


@jvp_rule(np.ediff1d, linear=("ary", "to_end", "to_begin"))
def _(ans, ary, to_end=None, to_begin=None):
    if static(nb == 0 and to_end is None and to_begin is None):
        d[ans] = np.ediff1d(d[ary])
    else:
        before = rt.size_or_zero(to_begin)
        after = rt.size_or_zero(to_end)
        inner = np.diff(rt.reshape_batched(d[ary], (-1,), nb), axis=-1)
        first = rt.reshape_batched(d[to_begin], (-1,), nb)
        last = rt.reshape_batched(d[to_end], (-1,), nb)
        d[ans] = (
            rt.pad_axis(inner, before, after, -1)
            + rt.pad_axis(first, 0, rt.count(ans) - before, -1)
            + rt.pad_axis(last, rt.count(ans) - after, 0, -1)
        )


# ---------------------------------------------------------------------------- trace


@vjp_rule(np.trace, linear=("a",))
def _(ans, a, offset=0, axis1=0, axis2=1, dtype=None):
    d[a] = rt.trace_vjp(d[ans], a, offset, axis1, axis2)


@jvp_rule(np.trace, linear=("a",))
def _(ans, a, offset=0, axis1=0, axis2=1, dtype=None):
    if static(nb == 0):
        d[ans] = np.trace(d[a], offset, axis1, axis2)
    else:
        first = rt.negative_axis(axis1, np.ndim(a))
        second = rt.negative_axis(axis2, np.ndim(a))
        d[ans] = np.trace(d[a], offset, first, second)


# -------------------------------------------------------------------------- average
# average = sum(a * w) / sum(w): d = sum(d[a] * w + (a - average) * d[w]) / sum(w). A 1-D
# `weights` along `axis` is laid out to broadcast against `a` (rt.weights_along). Only
# returned=False is supported (the argument is not accepted).


@vjp_rule(np.average)
def _(ans, a, axis=None, weights=None, *, keepdims=False):
    if static(weights is None and axis is None and nb == 0):
        d[a] = rt.fit(d[ans] / rt.count(a), a)
    elif static(weights is None):
        d[a] = rt.mean_vjp(d[ans], a, axis, keepdims, nb)
    else:
        w = rt.weights_along(weights, a, axis)
        spread = rt.keepdims_like(d[ans], a, axis, keepdims) / np.sum(w, axis=axis, keepdims=True)
        d[a] = spread * w
        centered = a - rt.keepdims_like(ans, a, axis, keepdims)
        d[weights] = rt.weights_along_vjp(
            rt.unbroadcast(spread * centered, w, nb), weights, a, axis, 0, nb
        )


@jvp_rule(np.average)
def _(ans, a, axis=None, weights=None, *, keepdims=False):
    if static(weights is None and nb == 0):
        d[ans] = np.mean(d[a], axis=axis, keepdims=keepdims)
    elif static(weights is None):
        d[ans] = np.mean(d[a], axis=rt.negative_axes(axis, np.ndim(a)), keepdims=keepdims)
    else:
        w = rt.weights_along(weights, a, axis)
        centered = a - rt.keepdims_like(ans, a, axis, keepdims)
        t = d[a] * w + centered * rt.weights_along(d[weights], a, axis, nb)
        axes = rt.negative_axes(axis, np.ndim(a))
        d[ans] = np.sum(t, axis=axes, keepdims=keepdims) / np.sum(w, axis=axis, keepdims=keepdims)


# ------------------------------------------------------------------------ trapezoid
# trapezoid(y, x) = sum(diff(x) * (y[1:] + y[:-1]) / 2) along axis: bilinear in y and x
# (through the spacings). `dx` is not differentiated.


# np.trapezoid is numpy >= 2.0; np.trapz, its old name, is gone in numpy 2.4. The templates
# call np.trapezoid, so np.trapz gets rules only where np.trapezoid exists too.
_TRAPEZOID = optional(np, "trapezoid")
_TRAPZ = optional(np, "trapz", needs=("trapezoid",))


@vjp_rule(_TRAPZ, bilinear=("y", "x"))
@vjp_rule(_TRAPEZOID, bilinear=("y", "x"))
def _(ans, y, x=None, dx=1.0, axis=-1):
    ax = rt.negative_axis(axis, np.ndim(y))
    spacing = rt.trapezoid_spacing(x, y, dx, axis)
    midpoints = (rt.slice_axis(y, 1, None, ax) + rt.slice_axis(y, 0, -1, ax)) * 0.5
    g = rt.keepdims_like(d[ans], y, ax)
    half = g * (0.5 * spacing) * np.ones_like(midpoints)  # a scalar dx spans every interval
    d[y] = rt.pad_axis(half, 1, 0, ax) + rt.pad_axis(half, 0, 1, ax)
    d[x] = rt.trapezoid_spacing_vjp(rt.unbroadcast(g * midpoints, spacing, nb), x, y, axis, 0, nb)


@jvp_rule(_TRAPZ, bilinear=("y", "x"))
@jvp_rule(_TRAPEZOID, bilinear=("y", "x"))
def _(ans, y, x=None, dx=1.0, axis=-1):
    if static(nb == 0):
        d[ans] = np.trapezoid(d[y], x, dx, axis) + np.trapezoid(y, d[x], axis=axis)
    else:
        ax = rt.negative_axis(axis, np.ndim(y))
        midpoints = (rt.slice_axis(y, 1, None, ax) + rt.slice_axis(y, 0, -1, ax)) * 0.5
        spacing = rt.trapezoid_spacing(d[x], y, dx, axis, nb)
        d[ans] = np.trapezoid(d[y], x, dx, ax) + np.sum(spacing * midpoints, axis=ax)


# ------------------------------------------------------------------- helpers' rules
# The linear helpers above take their derivative argument first; their jvp applies the same
# helper to the tangent (direction axes are leading axes, which they handle), their vjp the
# transposed helper. Axes are passed on as negative axes, so that they stay right when the
# argument gains direction axes.


@vjp_rule(rt.keepdims_like, linear=("g",))
def _(ans, g, a, axis=None, keepdims=False):
    d[g] = rt.reshape_batched(d[ans], np.shape(g), nb)


@jvp_rule(rt.keepdims_like, linear=("g",))
def _(ans, g, a, axis=None, keepdims=False):
    d[ans] = rt.keepdims_like(d[g], a, axis, keepdims)


@vjp_rule(rt.reverse_cumsum, linear=("g",))
def _(ans, g, axis=-1):
    d[g] = np.cumsum(d[ans], axis=rt.negative_axis(axis, np.ndim(g)))


@jvp_rule(rt.reverse_cumsum, linear=("g",))
def _(ans, g, axis=-1):
    d[ans] = rt.reverse_cumsum(d[g], rt.negative_axis(axis, np.ndim(g)))


@vjp_rule(rt.diff_transpose, linear=("g",))
def _(ans, g, n=1, axis=-1):
    d[g] = np.diff(d[ans], n, axis=rt.negative_axis(axis, np.ndim(g)))


@jvp_rule(rt.diff_transpose, linear=("g",))
def _(ans, g, n=1, axis=-1):
    d[ans] = rt.diff_transpose(d[g], n, rt.negative_axis(axis, np.ndim(g)))


@vjp_rule(rt.pad_axis, linear=("t",))
def _(ans, t, before, after, axis=-1):
    ax = rt.negative_axis(axis, np.ndim(t))
    d[t] = rt.slice_axis(d[ans], before, before + np.shape(t)[ax], ax)


@jvp_rule(rt.pad_axis, linear=("t",))
def _(ans, t, before, after, axis=-1):
    d[ans] = rt.pad_axis(d[t], before, after, rt.negative_axis(axis, np.ndim(t)))


@vjp_rule(rt.slice_axis, linear=("t",))
def _(ans, t, start, stop, axis=-1):
    index = rt.axis_index(start, stop, rt.negative_axis(axis, np.ndim(t)))
    d[t] = rt.getitem_vjp(d[ans], t, index, nb)


@jvp_rule(rt.slice_axis, linear=("t",))
def _(ans, t, start, stop, axis=-1):
    d[ans] = rt.slice_axis(d[t], start, stop, rt.negative_axis(axis, np.ndim(t)))


@vjp_rule(rt.trace_vjp, linear=("g",))
def _(ans, g, a, offset=0, axis1=0, axis2=1):
    first = rt.negative_axis(axis1, np.ndim(a))
    second = rt.negative_axis(axis2, np.ndim(a))
    d[g] = np.trace(d[ans], offset, first, second)


@jvp_rule(rt.trace_vjp, linear=("g",))
def _(ans, g, a, offset=0, axis1=0, axis2=1):
    d[ans] = rt.trace_vjp(d[g], a, offset, axis1, axis2)


# Under the pairing Re(sum(u * v)) conjugation is its own transpose, and the transpose of a
# real part is the (real) cotangent itself.


@vjp_rule(rt.conj_if_complex, linear=("x",))
def _(ans, x):
    d[x] = rt.conj_if_complex(d[ans])


@jvp_rule(rt.conj_if_complex, linear=("x",))
def _(ans, x):
    d[ans] = rt.conj_if_complex(d[x])


@vjp_rule(rt.real_if_complex, linear=("x",))
def _(ans, x):
    d[x] = rt.real_if_complex(d[ans])


@jvp_rule(rt.real_if_complex, linear=("x",))
def _(ans, x):
    d[ans] = rt.real_if_complex(d[x])


@vjp_rule(rt.trapezoid_spacing, linear=("x",))
def _(ans, x, y, dx=1.0, axis=-1, batch=0):
    d[x] = rt.trapezoid_spacing_vjp(d[ans], x, y, axis, batch, nb)


@jvp_rule(rt.trapezoid_spacing, linear=("x",))
def _(ans, x, y, dx=1.0, axis=-1, batch=0):
    d[ans] = rt.trapezoid_spacing(d[x], y, dx, axis, batch + nb)


@vjp_rule(rt.trapezoid_spacing_vjp, linear=("g",))
def _(ans, g, x, y, axis=-1, batch=0, outer=0):
    d[g] = rt.trapezoid_spacing(d[ans], y, 1.0, axis, batch + outer + nb)


@jvp_rule(rt.trapezoid_spacing_vjp, linear=("g",))
def _(ans, g, x, y, axis=-1, batch=0, outer=0):
    d[ans] = rt.trapezoid_spacing_vjp(d[g], x, y, axis, batch, outer + nb)


@vjp_rule(rt.weights_along, linear=("w",))
def _(ans, w, a, axis=None, batch=0):
    d[w] = rt.weights_along_vjp(d[ans], w, a, axis, batch, nb)


@jvp_rule(rt.weights_along, linear=("w",))
def _(ans, w, a, axis=None, batch=0):
    d[ans] = rt.weights_along(d[w], a, axis, batch + nb)


@vjp_rule(rt.weights_along_vjp, linear=("g",))
def _(ans, g, w, a, axis=None, batch=0, outer=0):
    d[g] = rt.weights_along(d[ans], a, axis, batch + outer + nb)


@jvp_rule(rt.weights_along_vjp, linear=("g",))
def _(ans, g, w, a, axis=None, batch=0, outer=0):
    d[ans] = rt.weights_along_vjp(d[g], w, a, axis, batch, outer + nb)


@vjp_rule(rt.cov_variables, linear=("t",))
def _(ans, t, m, rowvar=True, batch=0):
    d[t] = rt.cov_variables_vjp(d[ans], m, rowvar, batch + nb)


@jvp_rule(rt.cov_variables, linear=("t",))
def _(ans, t, m, rowvar=True, batch=0):
    d[ans] = rt.cov_variables(d[t], m, rowvar, batch + nb)


@vjp_rule(rt.cov_variables_vjp, linear=("g",))
def _(ans, g, m, rowvar=True, batch=0):
    d[g] = rt.cov_variables(d[ans], m, rowvar, batch + nb)


@jvp_rule(rt.cov_variables_vjp, linear=("g",))
def _(ans, g, m, rowvar=True, batch=0):
    d[ans] = rt.cov_variables_vjp(d[g], m, rowvar, batch + nb)


# rt.prod_others(x)_i = prod_{j != i} x_j over the slice. Its tangent is
# sum_{j != i} prod_{k != i, j} x_k dx_j; with P the product of the slice's nonzero elements
# and c_i the number of zeros among the *other* elements of i's slice:
#   c_i == 0: P / x_i * sum_{j != i} dx_j / x_j      (x_i itself may be the one zero)
#   c_i == 1: P / x_i * dx at that other zero         (P / 1 when x_i is a zero too)
#   c_i >= 2: 0.
# The adjoint is its transpose. Both are exact at zeros (prod's second derivative).


@vjp_rule(rt.prod_others)
def _(ans, x, axis=None):
    zero = x == 0
    nonzero = np.where(zero, 1, x)
    others = rt.zero_count(x, axis)
    axes = rt.negative_axes(axis, np.ndim(x))
    scale = np.prod(nonzero, axis=axes, keepdims=True) / nonzero
    free = d[ans] * scale * (others == 0)
    pinned = d[ans] * scale * (others == 1)
    at_zero = np.sum(pinned, axis=axes, keepdims=True) - pinned
    elsewhere = (np.sum(free, axis=axes, keepdims=True) - free) / nonzero
    d[x] = np.where(zero, at_zero, elsewhere)


@jvp_rule(rt.prod_others)
def _(ans, x, axis=None):
    zero = x == 0
    nonzero = np.where(zero, 1, x)
    others = rt.zero_count(x, axis)
    axes = rt.negative_axes(axis, np.ndim(x))
    scale = np.prod(nonzero, axis=axes, keepdims=True) / nonzero
    ratio = np.where(zero, 0, d[x] / nonzero)
    pinned = np.where(zero, d[x], 0)
    d[ans] = scale * (
        (others == 0) * (np.sum(ratio, axis=axes, keepdims=True) - ratio)
        + (others == 1) * (np.sum(pinned, axis=axes, keepdims=True) - pinned)
    )


# ------------------------------------------------------------------------------ norms
# np.linalg.norm is a weighted sum too, d norm = Re(sum(d[x] * w)):
#   p-norms (and 'fro', and ord=None):  w = conj(x) |x|^(p - 2) / norm^(p - 1)
#   'nuc', matrix 2 and -2:             w = conj(u_i v_i^H) summed over the singular values used
#   max / min norms (vector +-inf, matrix +-1, +-inf): w = sign(x) times the elements' share
#       of the largest (smallest) |x|, row or column sum, ties split equally.
# At x = 0 the 2-norm divides 0 by 0 (nan, as in autograd and JAX); the p-norms give 0 to
# zero elements (their derivative for p > 1). Which case applies depends on x's rank when
# axis is None, so the template tests it at run time (rt.norm_kind). The singular vectors
# come from np.linalg.svd, which the second derivative differentiates (equal singular values
# give inf, as in JAX).


@vjp_rule(np.linalg.norm)
def _(ans, x, ord=None, axis=None, keepdims=False):
    value = rt.keepdims_like(ans, x, axis, keepdims)
    if static(ord is None or ord == "fro"):
        w = rt.conj_if_complex(x) / value
    elif static(ord == "nuc"):
        order = rt.matrix_axes_last(x, axis)
        u, s, vh = np.linalg.svd(np.transpose(x, order), full_matrices=False)
        w = np.transpose(rt.conj_if_complex(u @ vh), rt.inverse_permutation(order, np.ndim(x)))
    else:
        kind = rt.norm_kind(x, ord, axis)
        magnitude = np.abs(x)
        safe = np.where(magnitude == 0, 1, magnitude)
        if kind == "power":
            p = rt.norm_power(ord)
            scaled = rt.conj_if_complex(x) * safe ** (p - 2)
            w = np.where(magnitude == 0, 0, scaled) / value ** (p - 1)
        elif static(ord != 2 and ord != -2):  # not a norm of singular values
            sign = np.where(magnitude == 0, 0, rt.conj_if_complex(x) / safe)
            w = rt.norm_extreme_weights(x, ans, ord, axis, keepdims) * sign
        elif kind == "svd":
            order = rt.matrix_axes_last(x, axis)
            u, s, vh = np.linalg.svd(np.transpose(x, order), full_matrices=False)
            used = rt.singular_index(ord)
            w_last = rt.conj_if_complex(u[..., :, used] @ vh[..., used, :])
            w = np.transpose(w_last, rt.inverse_permutation(order, np.ndim(x)))
        else:
            sign = np.where(magnitude == 0, 0, rt.conj_if_complex(x) / safe)
            w = rt.norm_extreme_weights(x, ans, ord, axis, keepdims) * sign
    d[x] = rt.keepdims_like(d[ans], x, axis, keepdims) * w


@jvp_rule(np.linalg.norm)
def _(ans, x, ord=None, axis=None, keepdims=False):
    value = rt.keepdims_like(ans, x, axis, keepdims)
    if static(ord is None or ord == "fro"):
        w = rt.conj_if_complex(x) / value
    elif static(ord == "nuc"):
        order = rt.matrix_axes_last(x, axis)
        u, s, vh = np.linalg.svd(np.transpose(x, order), full_matrices=False)
        w = np.transpose(rt.conj_if_complex(u @ vh), rt.inverse_permutation(order, np.ndim(x)))
    else:
        kind = rt.norm_kind(x, ord, axis)
        magnitude = np.abs(x)
        safe = np.where(magnitude == 0, 1, magnitude)
        if kind == "power":
            p = rt.norm_power(ord)
            scaled = rt.conj_if_complex(x) * safe ** (p - 2)
            w = np.where(magnitude == 0, 0, scaled) / value ** (p - 1)
        elif static(ord != 2 and ord != -2):  # not a norm of singular values
            sign = np.where(magnitude == 0, 0, rt.conj_if_complex(x) / safe)
            w = rt.norm_extreme_weights(x, ans, ord, axis, keepdims) * sign
        elif kind == "svd":
            order = rt.matrix_axes_last(x, axis)
            u, s, vh = np.linalg.svd(np.transpose(x, order), full_matrices=False)
            used = rt.singular_index(ord)
            w_last = rt.conj_if_complex(u[..., :, used] @ vh[..., used, :])
            w = np.transpose(w_last, rt.inverse_permutation(order, np.ndim(x)))
        else:
            sign = np.where(magnitude == 0, 0, rt.conj_if_complex(x) / safe)
            w = rt.norm_extreme_weights(x, ans, ord, axis, keepdims) * sign
    axes = rt.norm_axes(x, axis)
    d[ans] = rt.real_if_complex(np.sum(d[x] * w, axis=axes, keepdims=keepdims))


# ------------------------------------------------------------------- covariances
# np.cov: with X the (variables, observations) matrix (m stacked over y), w the observation
# weights and Xc = X - its weighted mean, C = Xc diag(w) Xc^H / f. Its tangent is
#   dC = A + A^H,  A = dX diag(w) Xc^H / f
# (the mean's tangent drops out: Xc w = 0) and the adjoint is (G + G^H) conj(Xc diag(w)) / f.
# Stacking m over y is zero padding along the variables axis, undone by slicing. The
# weights, bias and ddof are not differentiated.


@vjp_rule(np.cov)
def _(ans, m, y=None, rowvar=True, bias=False, ddof=None, fweights=None, aweights=None):
    if static(y is None):
        x = rt.cov_variables(m, m, rowvar)
    else:
        first = rt.cov_variables(m, m, rowvar)
        second = rt.cov_variables(y, y, rowvar)
        rows = np.shape(first)[0]
        x = rt.pad_axis(first, 0, np.shape(second)[0], -2) + rt.pad_axis(second, rows, 0, -2)
    w = rt.cov_weights(x, fweights, aweights)
    centered = x - np.sum(x * w, axis=-1, keepdims=True) / np.sum(w)
    g = rt.reshape_batched(d[ans], (np.shape(x)[0], np.shape(x)[0]), nb)
    h = g + rt.conj_if_complex(rt.transpose_batched(g, (1, 0), 2, nb))
    dx = h @ rt.conj_if_complex(centered * w) / rt.cov_divisor(x, bias, ddof, fweights, aweights)
    if static(y is None):
        d[m] = rt.cov_variables_vjp(dx, m, rowvar, nb)
    else:
        d[m] = rt.cov_variables_vjp(rt.slice_axis(dx, 0, rows, -2), m, rowvar, nb)
        d[y] = rt.cov_variables_vjp(rt.slice_axis(dx, rows, None, -2), y, rowvar, nb)


@jvp_rule(np.cov)
def _(ans, m, y=None, rowvar=True, bias=False, ddof=None, fweights=None, aweights=None):
    if static(y is None):
        x = rt.cov_variables(m, m, rowvar)
        t = rt.cov_variables(d[m], m, rowvar, nb)
    else:
        first = rt.cov_variables(m, m, rowvar)
        second = rt.cov_variables(y, y, rowvar)
        rows = np.shape(first)[0]
        x = rt.pad_axis(first, 0, np.shape(second)[0], -2) + rt.pad_axis(second, rows, 0, -2)
        t = rt.pad_axis(rt.cov_variables(d[m], m, rowvar, nb), 0, np.shape(second)[0], -2)
        t = t + rt.pad_axis(rt.cov_variables(d[y], y, rowvar, nb), rows, 0, -2)
    w = rt.cov_weights(x, fweights, aweights)
    centered = x - np.sum(x * w, axis=-1, keepdims=True) / np.sum(w)
    half = t @ np.transpose(rt.conj_if_complex(centered * w))
    dc = half + rt.conj_if_complex(rt.transpose_batched(half, (1, 0), 2, nb))
    dc = dc / rt.cov_divisor(x, bias, ddof, fweights, aweights)
    d[ans] = rt.reshape_batched(dc, np.shape(ans), nb)


# np.corrcoef: R = C / (s s^T) with s the standard deviations (sqrt of C's diagonal), so
#   dR = dC / (s s^T) - R * (dv_i / v_i + dv_j / v_j) / 2,  v = s^2, dv = Re(diag(dC))
# with dC as for np.cov (the divisor cancels in R). numpy's clipping of R to [-1, 1] only
# acts on rounding errors and is not differentiated.


@vjp_rule(np.corrcoef)
def _(ans, x, y=None, rowvar=True):
    if static(y is None):
        data = rt.cov_variables(x, x, rowvar)
    else:
        first = rt.cov_variables(x, x, rowvar)
        second = rt.cov_variables(y, y, rowvar)
        rows = np.shape(first)[0]
        data = rt.pad_axis(first, 0, np.shape(second)[0], -2) + rt.pad_axis(second, rows, 0, -2)
    eye = rt.eye_of_variables(data)
    centered = data - np.mean(data, axis=-1, keepdims=True)
    c = centered @ np.transpose(rt.conj_if_complex(centered))
    v = rt.real_if_complex(np.sum(c * eye, axis=-1, keepdims=True))
    scale = np.sqrt(v * np.transpose(v))
    r = c / scale
    g = rt.reshape_batched(d[ans], np.shape(eye), nb)
    shares = g * r
    across = np.sum(shares, axis=-1, keepdims=True)
    down = rt.transpose_batched(np.sum(shares, axis=-2, keepdims=True), (1, 0), 2, nb)
    gc = g / scale - eye * rt.real_if_complex(across + down) / (2 * v)
    h = gc + rt.conj_if_complex(rt.transpose_batched(gc, (1, 0), 2, nb))
    dx = h @ rt.conj_if_complex(centered)
    if static(y is None):
        d[x] = rt.cov_variables_vjp(dx, x, rowvar, nb)
    else:
        d[x] = rt.cov_variables_vjp(rt.slice_axis(dx, 0, rows, -2), x, rowvar, nb)
        d[y] = rt.cov_variables_vjp(rt.slice_axis(dx, rows, None, -2), y, rowvar, nb)


@jvp_rule(np.corrcoef)
def _(ans, x, y=None, rowvar=True):
    if static(y is None):
        data = rt.cov_variables(x, x, rowvar)
        t = rt.cov_variables(d[x], x, rowvar, nb)
    else:
        first = rt.cov_variables(x, x, rowvar)
        second = rt.cov_variables(y, y, rowvar)
        rows = np.shape(first)[0]
        data = rt.pad_axis(first, 0, np.shape(second)[0], -2) + rt.pad_axis(second, rows, 0, -2)
        t = rt.pad_axis(rt.cov_variables(d[x], x, rowvar, nb), 0, np.shape(second)[0], -2)
        t = t + rt.pad_axis(rt.cov_variables(d[y], y, rowvar, nb), rows, 0, -2)
    eye = rt.eye_of_variables(data)
    centered = data - np.mean(data, axis=-1, keepdims=True)
    c = centered @ np.transpose(rt.conj_if_complex(centered))
    v = rt.real_if_complex(np.sum(c * eye, axis=-1, keepdims=True))
    scale = np.sqrt(v * np.transpose(v))
    r = c / scale
    half = t @ np.transpose(rt.conj_if_complex(centered))
    dc = half + rt.conj_if_complex(rt.transpose_batched(half, (1, 0), 2, nb))
    dv = rt.real_if_complex(np.sum(dc * eye, axis=-1, keepdims=True)) / v
    dr = dc / scale - r * (dv + rt.transpose_batched(dv, (1, 0), 2, nb)) / 2
    d[ans] = rt.reshape_batched(dr, np.shape(ans), nb)


# ----------------------------------------------------------------------------- facts
# What the analyses read of these entries besides their templates (srcad.rules.registry.facts).

facts(np.sum, np.mean, np.prod, np.max, np.min, np.amax, np.amin, np.var, np.std, rank="reduce")
facts(np.cumsum, np.cumprod, rank="same")
