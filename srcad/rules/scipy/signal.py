"""Rules for scipy.signal: convolve, correlate and fftconvolve.

All three are bilinear. Their derivatives are taken through the full output (mode "same"
and "valid" are centered crops of it: `sg.center`, whose transpose `sg.center_t` pads a
cotangent back), which also covers scipy's swap of the operands in mode "valid". The
transpose of convolving with `k` is correlating with `k`, written as a convolution with `k`
flipped (no conjugation: srcad's vjp is the transpose of the jvp). Derivative code convolves
a derivative, which carries `nb` leading direction axes, with the other operand given `nb`
leading axes of size 1 (`sg.lead`): along those, the convolution is a copy. `method=` is
passed on.
"""

from __future__ import annotations

import numpy as np
import scipy.signal

from ... import runtime as rt
from ...helpers import scipy_signal as sg
from ..template import d, jvp_rule, nb, nondiff, static, vjp_rule

nondiff(sg.conv_axes, sg.sizes, sg.full_shape)


# convolve(in1, in2) = sum_j in1[j] in2[n - j] over all axes.
@vjp_rule(scipy.signal.convolve, bilinear=("in1", "in2"))
def _(ans, in1, in2, mode="full", method="auto"):
    axes = sg.conv_axes(in1)
    if mode == "full":
        g = d[ans]
    else:
        g = sg.center_t(d[ans], sg.full_shape(in1, in2, axes), axes)
    if static(nb == 0):
        d[in1] = scipy.signal.convolve(g, np.flip(in2), "valid", method)
        d[in2] = scipy.signal.convolve(g, np.flip(in1), "valid", method)
    else:
        d[in1] = scipy.signal.convolve(g, sg.lead(np.flip(in2), nb), "valid", method)
        d[in2] = scipy.signal.convolve(g, sg.lead(np.flip(in1), nb), "valid", method)


@jvp_rule(scipy.signal.convolve, bilinear=("in1", "in2"))
def _(ans, in1, in2, mode="full", method="auto"):
    axes = sg.conv_axes(in1)
    if static(nb == 0):
        full = scipy.signal.convolve(d[in1], in2, "full", method) + scipy.signal.convolve(
            in1, d[in2], "full", method
        )
    else:
        full = scipy.signal.convolve(
            d[in1], sg.lead(in2, nb), "full", method
        ) + scipy.signal.convolve(sg.lead(in1, nb), d[in2], "full", method)
    if mode == "full":
        d[ans] = full
    else:
        d[ans] = sg.center(full, np.shape(ans), axes)


# correlate(in1, in2) = convolve(in1, k) with k = in2 flipped and conjugated.
@vjp_rule(scipy.signal.correlate, bilinear=("in1", "in2"))
def _(ans, in1, in2, mode="full", method="auto"):
    axes = sg.conv_axes(in1)
    if mode == "full":
        g = d[ans]
    else:
        g = sg.center_t(d[ans], sg.full_shape(in1, in2, axes), axes)
    if static(nb == 0):
        d[in1] = scipy.signal.convolve(g, rt.mconj(in2), "valid", method)
        g_k = scipy.signal.convolve(g, np.flip(in1), "valid", method)
    else:
        d[in1] = scipy.signal.convolve(g, sg.lead(rt.mconj(in2), nb), "valid", method)
        g_k = scipy.signal.convolve(g, sg.lead(np.flip(in1), nb), "valid", method)
    d[in2] = rt.mconj(np.flip(g_k, axis=axes))


@jvp_rule(scipy.signal.correlate, bilinear=("in1", "in2"))
def _(ans, in1, in2, mode="full", method="auto"):
    axes = sg.conv_axes(in1)
    if static(nb == 0):
        full = scipy.signal.correlate(d[in1], in2, "full", method) + scipy.signal.correlate(
            in1, d[in2], "full", method
        )
    else:
        d_k = rt.mconj(np.flip(d[in2], axis=axes))
        full = scipy.signal.correlate(
            d[in1], sg.lead(in2, nb), "full", method
        ) + scipy.signal.convolve(sg.lead(in1, nb), d_k, "full", method)
    if mode == "full":
        d[ans] = full
    else:
        d[ans] = sg.center(full, np.shape(ans), axes)


# fftconvolve convolves along `axes` only; along the other axes the operands broadcast.
@vjp_rule(scipy.signal.fftconvolve, bilinear=("in1", "in2"))
def _(ans, in1, in2, mode="full", axes=None):
    conv = sg.conv_axes(in1, axes)
    if mode == "full":
        g = d[ans]
    else:
        g = sg.center_t(d[ans], sg.full_shape(in1, in2, conv), sg.conv_axes(in1))
    if static(nb == 0):
        g_1 = scipy.signal.fftconvolve(g, np.flip(in2, axis=conv), "valid", conv)
        g_2 = scipy.signal.fftconvolve(g, np.flip(in1, axis=conv), "valid", conv)
    else:
        g_1 = scipy.signal.fftconvolve(g, sg.lead(np.flip(in2, axis=conv), nb), "valid", conv)
        g_2 = scipy.signal.fftconvolve(g, sg.lead(np.flip(in1, axis=conv), nb), "valid", conv)
    d[in1] = rt.unbroadcast(g_1, in1, nb)
    d[in2] = rt.unbroadcast(g_2, in2, nb)


@jvp_rule(scipy.signal.fftconvolve, bilinear=("in1", "in2"))
def _(ans, in1, in2, mode="full", axes=None):
    conv = sg.conv_axes(in1, axes)
    if static(nb == 0):
        full = scipy.signal.fftconvolve(d[in1], in2, "full", conv) + scipy.signal.fftconvolve(
            in1, d[in2], "full", conv
        )
    else:
        full = scipy.signal.fftconvolve(
            d[in1], sg.lead(in2, nb), "full", conv
        ) + scipy.signal.fftconvolve(sg.lead(in1, nb), d[in2], "full", conv)
    if mode == "full":
        d[ans] = full
    else:
        d[ans] = sg.center(full, np.shape(ans), sg.conv_axes(ans))


# ----------------------------------------------------------------------------- helpers


@vjp_rule(sg.center, linear=("x",))
def _(ans, x, target, axes):
    d[x] = sg.center_t(d[ans], sg.sizes(x, axes), axes)


@jvp_rule(sg.center, linear=("x",))
def _(ans, x, target, axes):
    d[ans] = sg.center(d[x], target, axes)


@vjp_rule(sg.center_t, linear=("g",))
def _(ans, g, full, axes):
    d[g] = sg.center(d[ans], sg.sizes(g, axes), axes)


@jvp_rule(sg.center_t, linear=("g",))
def _(ans, g, full, axes):
    d[ans] = sg.center_t(d[g], full, axes)


@vjp_rule(sg.lead, linear=("x",))
def _(ans, x, batch):
    d[x] = rt.reshape_batched(d[ans], np.shape(x), nb)


@jvp_rule(sg.lead, linear=("x",))
def _(ans, x, batch):
    d[ans] = rt.reshape_batched(d[x], np.shape(ans), nb)
