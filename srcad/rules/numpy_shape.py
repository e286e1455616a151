"""Rules for numpy's shape functions: reshape, transpose (and the .T attribute)."""

from __future__ import annotations

import numpy as np

from .. import runtime as rt
from .template import d, jvp_rule, nb, static, vjp_rule


@vjp_rule(np.reshape, linear=("a",), aliases={"newshape": "shape"})
def _(ans, a, shape, order="C"):
    if static(nb == 0 and order == "C"):
        d[a] = np.reshape(d[ans], np.shape(a))
    elif static(nb == 0):
        d[a] = np.reshape(d[ans], np.shape(a), order=order)
    else:
        d[a] = rt.reshape_batched(d[ans], np.shape(a), nb)


@jvp_rule(np.reshape, linear=("a",), aliases={"newshape": "shape"})
def _(ans, a, shape, order="C"):
    if static(nb == 0 and order == "C"):
        d[ans] = np.reshape(d[a], np.shape(ans))
    elif static(nb == 0):
        d[ans] = np.reshape(d[a], np.shape(ans), order=order)
    else:
        d[ans] = rt.reshape_batched(d[a], np.shape(ans), nb)


@vjp_rule(np.transpose, linear=("a",))
def _(ans, a, axes=None):
    if static(nb == 0 and axes is None):
        d[a] = np.transpose(d[ans])
    else:
        d[a] = rt.transpose_batched(
            d[ans], rt.inverse_permutation(axes, np.ndim(a)), np.ndim(a), nb
        )


@jvp_rule(np.transpose, linear=("a",))
def _(ans, a, axes=None):
    if static(nb == 0 and axes is None):
        d[ans] = np.transpose(d[a])
    elif static(nb == 0):
        d[ans] = np.transpose(d[a], axes)
    else:
        d[ans] = rt.transpose_batched(d[a], axes, np.ndim(a), nb)


@vjp_rule(np.broadcast_to, linear=("array",))
def _(ans, array, shape):
    d[array] = rt.unbroadcast(d[ans], array, nb)


@jvp_rule(np.broadcast_to, linear=("array",))
def _(ans, array, shape):
    if static(nb == 0):
        d[ans] = np.broadcast_to(d[array], shape)
    else:
        d[ans] = rt.broadcast_batched(d[array], array, shape, nb)
