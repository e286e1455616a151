"""Rules for numpy reductions (sum, mean, ...), with axis and keepdims."""

from __future__ import annotations

import numpy as np

from .. import runtime as rt
from .template import d, jvp_rule, nb, static, vjp_rule


@vjp_rule(np.sum, linear=("a",))
def _(ans, a, axis=None, dtype=None, *, keepdims=False):
    if static(axis is None and nb == 0):
        d[a] = np.broadcast_to(d[ans], np.shape(a))
    else:
        d[a] = rt.sum_vjp(d[ans], a, axis, keepdims, nb)


@jvp_rule(np.sum, linear=("a",))
def _(ans, a, axis=None, dtype=None, *, keepdims=False):
    if static(nb == 0 and axis is None and not keepdims):
        d[ans] = np.sum(d[a])
    elif static(nb == 0):
        d[ans] = np.sum(d[a], axis=axis, keepdims=keepdims)
    else:
        d[ans] = rt.sum_jvp(d[a], a, axis, keepdims, nb)


@vjp_rule(np.mean, linear=("a",))
def _(ans, a, axis=None, dtype=None, *, keepdims=False):
    if static(axis is None and nb == 0):
        d[a] = np.broadcast_to(d[ans] / np.size(a), np.shape(a))
    else:
        d[a] = rt.mean_vjp(d[ans], a, axis, keepdims, nb)


@jvp_rule(np.mean, linear=("a",))
def _(ans, a, axis=None, dtype=None, *, keepdims=False):
    if static(nb == 0):
        d[ans] = np.mean(d[a], axis=axis, keepdims=keepdims)
    else:
        d[ans] = rt.mean_jvp(d[a], a, axis, keepdims, nb)
