"""Rules for matrix products: matmul (the @ operator) and dot."""

from __future__ import annotations

import numpy as np

from .. import runtime as rt
from .template import d, jvp_rule, nb, static, vjp_rule


@vjp_rule(np.matmul, linear=("x", "y"))
def _(ans, x, y):
    d[x] = rt.matmul_vjp_x(d[ans], x, y, nb)
    d[y] = rt.matmul_vjp_y(d[ans], x, y, nb)


@jvp_rule(np.matmul, linear=("x", "y"))
def _(ans, x, y):
    if static(nb == 0):
        d[ans] = d[x] @ y + x @ d[y]
    else:
        d[ans] = rt.matmul_jvp_x(d[x], x, y, nb) + rt.matmul_jvp_y(x, d[y], y, nb)


@vjp_rule(np.dot, linear=("a", "b"))
def _(ans, a, b):
    d[a] = rt.dot_vjp_a(d[ans], a, b, nb)
    d[b] = rt.dot_vjp_b(d[ans], a, b, nb)


@jvp_rule(np.dot, linear=("a", "b"))
def _(ans, a, b):
    if static(nb == 0):
        d[ans] = np.dot(d[a], b) + np.dot(a, d[b])
    else:
        d[ans] = rt.dot_jvp_a(d[a], a, b, nb) + rt.dot_jvp_b(a, d[b], b, nb)
