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

This module holds sums, means, extremes, products, weighted reductions, var and std, and the
rules of the linear helpers of the family; importing it registers the rest too:
`srcad.rules.numpy_accumulations` (cumulative sums and products, differences, trace,
average, trapezoid) and `srcad.rules.numpy_norms` (norms, covariances).
"""

from __future__ import annotations

import numpy as np

from .. import runtime as rt
from .template import d, facts, jvp_rule, nb, nondiff, static, vjp_rule

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


# ----------------------------------------------------------------------------- facts
# What the analyses read of these entries besides their templates (srcad.rules.registry.facts).

facts(np.sum, np.mean, np.prod, np.max, np.min, np.amax, np.amin, np.var, np.std, rank="reduce")
facts(np.cumsum, np.cumprod, rank="same")

# The rest of this family's rules, in modules of their own (they register on import).
from . import numpy_accumulations, numpy_norms  # noqa: E402, F401
