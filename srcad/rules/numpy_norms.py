"""Rules for norms and covariances: np.linalg.norm, np.cov, np.corrcoef.

Split from `srcad.rules.numpy_reductions` (which imports this module, so importing it
registers these rules too).
"""

from __future__ import annotations

import numpy as np

from .. import runtime as rt
from .template import d, jvp_rule, nb, static, vjp_rule

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
