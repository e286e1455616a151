"""Rules for the runtime helpers the numpy.linalg templates call (rt.mH, rt.mdiag, rt.mdual...):
generated code calls them, and is differentiated again when transforms nest. Each is linear in
its derivative argument.

Split from `srcad.rules.numpy_linalg` (which imports this module, so importing it registers
these rules too).
"""

from __future__ import annotations

import numpy as np

from .. import runtime as rt
from .template import d, jvp_rule, nb, static, vjp_rule

# ----------------------------------------------------------------------------- helpers


@vjp_rule(rt.mH, linear=("x",))
def _(ans, x):
    d[x] = rt.mH(d[ans])


@jvp_rule(rt.mH, linear=("x",))
def _(ans, x):
    d[ans] = rt.mH(d[x])


@vjp_rule(rt.mconj, linear=("x",))
def _(ans, x):
    d[x] = rt.mconj(d[ans])


@jvp_rule(rt.mconj, linear=("x",))
def _(ans, x):
    d[ans] = rt.mconj(d[x])


@vjp_rule(rt.mdiag, linear=("v",))
def _(ans, v, x=None):
    d[v] = np.diagonal(d[ans], axis1=-2, axis2=-1)


@jvp_rule(rt.mdiag, linear=("v",))
def _(ans, v, x=None):
    d[ans] = rt.mdiag(d[v], x)


@vjp_rule(rt.mexpand, linear=("s",))
def _(ans, s):
    d[s] = rt.reshape_batched(d[ans], np.shape(s), nb)


@jvp_rule(rt.mexpand, linear=("s",))
def _(ans, s):
    d[ans] = rt.mexpand(d[s])


@vjp_rule(rt.mtril, linear=("x",))
def _(ans, x, k=0):
    d[x] = rt.mtril(d[ans], k)


@jvp_rule(rt.mtril, linear=("x",))
def _(ans, x, k=0):
    d[ans] = rt.mtril(d[x], k)


@vjp_rule(rt.mreal, linear=("x",))
def _(ans, x):
    d[x] = rt.mlike(d[ans], x)  # Re's transpose: the real cotangent, as a complex one


@jvp_rule(rt.mreal, linear=("x",))
def _(ans, x):
    d[ans] = rt.mreal(d[x])


@vjp_rule(rt.mimag_i, linear=("x",))
def _(ans, x):
    d[x] = rt.mlike(rt.mimag_i(d[ans]), x)


@jvp_rule(rt.mimag_i, linear=("x",))
def _(ans, x):
    d[ans] = rt.mimag_i(d[x])


@vjp_rule(rt.mlike, linear=("g",))
def _(ans, g, x):
    d[g] = rt.mlike(d[ans], g)


@jvp_rule(rt.mlike, linear=("g",))
def _(ans, g, x):
    d[ans] = rt.mlike(d[g], x)


@vjp_rule(rt.mcolumns, linear=("t",))
def _(ans, t, a, b, batch=0):
    d[t] = rt.reshape_batched(d[ans], np.shape(t), nb)


@jvp_rule(rt.mcolumns, linear=("t",))
def _(ans, t, a, b, batch=0):
    d[ans] = rt.mcolumns(d[t], a, b, batch + nb)


@vjp_rule(rt.muncolumns, linear=("m",))
def _(ans, m, a, b):
    d[m] = rt.reshape_batched(d[ans], np.shape(m), nb)


@jvp_rule(rt.muncolumns, linear=("m",))
def _(ans, m, a, b):
    d[ans] = rt.muncolumns(d[m], a, b)


@vjp_rule(rt.mdual, linear=("a", "t"))
def _(ans, a, t):
    # (slices with explicit stops: srcad's core mis-lowers open-ended `k:` slices)
    rows, cols = np.shape(a)[-2:]
    g = d[ans]
    d[a] = rt.unbroadcast(g[..., :rows, :cols] + g[..., rows : 2 * rows, cols : 2 * cols], a, nb)
    d[t] = rt.unbroadcast(g[..., :rows, cols : 2 * cols], t, nb)


@jvp_rule(rt.mdual, linear=("a", "t"))
def _(ans, a, t):
    if static(nb == 0):
        d[ans] = rt.mdual(d[a], d[t])
    else:
        d[ans] = rt.mdual(rt.lift(d[a], a, np.ndim(t), nb), d[t])


@vjp_rule(rt.mhermitian, linear=("x",))
def _(ans, x, uplo="L"):
    d[x] = rt.mhermitian_t(d[ans], uplo)


@jvp_rule(rt.mhermitian, linear=("x",))
def _(ans, x, uplo="L"):
    d[ans] = rt.mhermitian(d[x], uplo)


@vjp_rule(rt.mhermitian_t, linear=("g",))
def _(ans, g, uplo="L"):
    d[g] = rt.mhermitian(d[ans], uplo)


@jvp_rule(rt.mhermitian_t, linear=("g",))
def _(ans, g, uplo="L"):
    d[ans] = rt.mhermitian_t(d[g], uplo)


@vjp_rule(rt.mphi, linear=("x",))
def _(ans, x):
    d[x] = rt.mphi(d[ans])


@jvp_rule(rt.mphi, linear=("x",))
def _(ans, x):
    d[ans] = rt.mphi(d[x])
