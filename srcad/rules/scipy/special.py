"""Rules for scipy.special: gamma and beta functions, error functions, the logistic family,
Bessel functions, entropies, losses, and the reductions logsumexp, softmax and log_softmax.

Most functions here are ufuncs: real elementwise functions whose derivative is one
expression, written with numpy and with scipy.special functions that have rules of their
own (here or among numpy's), so generated code differentiates again. Binary and ternary
ufuncs list their operands in ``broadcast`` as numpy's do (see `numpy_elementwise`).

Arguments are real. Parameters with no derivative in closed form, the order ``v`` of the
Bessel functions, ``a`` and ``b`` of the incomplete beta function, ``a`` of the incomplete
gamma functions, ``x`` of the Hurwitz zeta function and integer orders and dimensions, are
``refuse``d: a transform that differentiates one stops with an error naming the call. Such
parameters are often lists or tuples (``iv((0, 1, 2), z)``): templates do arithmetic on them
with numpy functions (``np.add(v, 1.0)``), never with operators, which would concatenate.
"""

from __future__ import annotations

import math

import numpy as np
import scipy.special as sc

from ... import runtime as rt
from ..template import d, jvp_rule, nb, returns, static, vjp_rule

SQRT_PI = math.sqrt(math.pi)
SQRT_2PI = math.sqrt(2.0 * math.pi)
NO_ORDER = "the derivative in the order of a Bessel function has no closed form"
INTEGER = "an integer parameter"

# ---------------------------------------------------------------- gamma and beta


@vjp_rule(sc.gammaln)
def _(ans, x):
    d[x] = d[ans] * sc.digamma(x)


@jvp_rule(sc.gammaln)
def _(ans, x):
    d[ans] = d[x] * sc.digamma(x)


@vjp_rule(sc.gamma)
def _(ans, x):
    d[x] = d[ans] * (ans * sc.digamma(x))


@jvp_rule(sc.gamma)
def _(ans, x):
    d[ans] = d[x] * (ans * sc.digamma(x))


# sc.psi is sc.digamma.
@vjp_rule(sc.digamma)
def _(ans, x):
    d[x] = d[ans] * sc.polygamma(1, x)


@jvp_rule(sc.digamma)
def _(ans, x):
    d[ans] = d[x] * sc.polygamma(1, x)


@vjp_rule(sc.polygamma, refuse={"n": INTEGER})
def _(ans, n, x):
    d[x] = d[ans] * sc.polygamma(np.add(n, 1), x)


@jvp_rule(sc.polygamma, refuse={"n": INTEGER})
def _(ans, n, x):
    d[ans] = d[x] * sc.polygamma(np.add(n, 1), x)


# multigammaln(a, d) = d (d - 1) / 4 log(pi) + sum_j gammaln(a - j / 2), j = 0 .. d - 1.
# (`d` is a reserved name in templates: the dimension is `dim` here.)
@vjp_rule(sc.multigammaln, aliases={"d": "dim"}, refuse={"dim": "d, an integer dimension"})
def _(ans, a, dim):
    d[a] = d[ans] * np.sum(sc.digamma(np.expand_dims(a, -1) - 0.5 * np.arange(dim)), axis=-1)


@jvp_rule(sc.multigammaln, aliases={"d": "dim"}, refuse={"dim": "d, an integer dimension"})
def _(ans, a, dim):
    d[ans] = d[a] * np.sum(sc.digamma(np.expand_dims(a, -1) - 0.5 * np.arange(dim)), axis=-1)


@vjp_rule(sc.beta, broadcast=("a", "b"))
def _(ans, a, b):
    psi_ab = sc.digamma(a + b)
    d[a] = d[ans] * (ans * (sc.digamma(a) - psi_ab))
    d[b] = d[ans] * (ans * (sc.digamma(b) - psi_ab))


@jvp_rule(sc.beta)
def _(ans, a, b):
    psi_ab = sc.digamma(a + b)
    d[ans] = ans * (d[a] * (sc.digamma(a) - psi_ab) + d[b] * (sc.digamma(b) - psi_ab))


@vjp_rule(sc.betaln, broadcast=("a", "b"))
def _(ans, a, b):
    psi_ab = sc.digamma(a + b)
    d[a] = d[ans] * (sc.digamma(a) - psi_ab)
    d[b] = d[ans] * (sc.digamma(b) - psi_ab)


@jvp_rule(sc.betaln)
def _(ans, a, b):
    psi_ab = sc.digamma(a + b)
    d[ans] = d[a] * (sc.digamma(a) - psi_ab) + d[b] * (sc.digamma(b) - psi_ab)


# The regularized incomplete beta and gamma functions, in x: their integrands, the beta and
# gamma densities (xlogy keeps x = 0 with a = 1 finite). No closed form in a, b.
@vjp_rule(
    sc.betainc,
    broadcast=("a", "b", "x"),
    refuse={"a": "no closed form", "b": "no closed form"},
)
def _(ans, a, b, x):
    d[x] = d[ans] * np.exp(
        sc.xlogy(np.subtract(a, 1.0), x) + sc.xlog1py(np.subtract(b, 1.0), -x) - sc.betaln(a, b)
    )


@jvp_rule(sc.betainc, refuse={"a": "no closed form", "b": "no closed form"})
def _(ans, a, b, x):
    d[ans] = d[x] * np.exp(
        sc.xlogy(np.subtract(a, 1.0), x) + sc.xlog1py(np.subtract(b, 1.0), -x) - sc.betaln(a, b)
    )


@vjp_rule(sc.gammainc, broadcast=("a", "x"), refuse={"a": "no closed form"})
def _(ans, a, x):
    d[x] = d[ans] * np.exp(sc.xlogy(np.subtract(a, 1.0), x) - x - sc.gammaln(a))


@jvp_rule(sc.gammainc, refuse={"a": "no closed form"})
def _(ans, a, x):
    d[ans] = d[x] * np.exp(sc.xlogy(np.subtract(a, 1.0), x) - x - sc.gammaln(a))


@vjp_rule(sc.gammaincc, broadcast=("a", "x"), refuse={"a": "no closed form"})
def _(ans, a, x):
    d[x] = -d[ans] * np.exp(sc.xlogy(np.subtract(a, 1.0), x) - x - sc.gammaln(a))


@jvp_rule(sc.gammaincc, refuse={"a": "no closed form"})
def _(ans, a, x):
    d[ans] = -d[x] * np.exp(sc.xlogy(np.subtract(a, 1.0), x) - x - sc.gammaln(a))


# Hurwitz zeta(x, q) = sum_k (k + q)^-x: d/dq = -x zeta(x + 1, q). In x there is no closed
# form, so the Riemann zeta(x) (q=None) has no rule in any argument.
@vjp_rule(sc.zeta, broadcast=("x", "q"), refuse={"x": "no closed form"})
def _(ans, x, q=None):
    d[q] = -d[ans] * np.multiply(x, sc.zeta(np.add(x, 1.0), q))


@jvp_rule(sc.zeta, refuse={"x": "no closed form"})
def _(ans, x, q=None):
    d[ans] = -d[q] * np.multiply(x, sc.zeta(np.add(x, 1.0), q))


# ---------------------------------------------------------------- error functions


@vjp_rule(sc.erf)
def _(ans, x):
    d[x] = d[ans] * (2.0 / SQRT_PI * np.exp(-x * x))


@jvp_rule(sc.erf)
def _(ans, x):
    d[ans] = d[x] * (2.0 / SQRT_PI * np.exp(-x * x))


@vjp_rule(sc.erfc)
def _(ans, x):
    d[x] = d[ans] * (-2.0 / SQRT_PI * np.exp(-x * x))


@jvp_rule(sc.erfc)
def _(ans, x):
    d[ans] = d[x] * (-2.0 / SQRT_PI * np.exp(-x * x))


# erfcx(x) = exp(x^2) erfc(x), scaled so that it stays finite for large x.
@vjp_rule(sc.erfcx)
def _(ans, x):
    d[x] = d[ans] * (2.0 * x * ans - 2.0 / SQRT_PI)


@jvp_rule(sc.erfcx)
def _(ans, x):
    d[ans] = d[x] * (2.0 * x * ans - 2.0 / SQRT_PI)


@vjp_rule(sc.erfinv)
def _(ans, x):
    d[x] = d[ans] * (SQRT_PI / 2.0 * np.exp(ans * ans))


@jvp_rule(sc.erfinv)
def _(ans, x):
    d[ans] = d[x] * (SQRT_PI / 2.0 * np.exp(ans * ans))


@vjp_rule(sc.erfcinv)
def _(ans, x):
    d[x] = d[ans] * (-SQRT_PI / 2.0 * np.exp(ans * ans))


@jvp_rule(sc.erfcinv)
def _(ans, x):
    d[ans] = d[x] * (-SQRT_PI / 2.0 * np.exp(ans * ans))


@vjp_rule(sc.ndtr)
def _(ans, x):
    d[x] = d[ans] * (np.exp(-0.5 * x * x) / SQRT_2PI)


@jvp_rule(sc.ndtr)
def _(ans, x):
    d[ans] = d[x] * (np.exp(-0.5 * x * x) / SQRT_2PI)


# The normal density over the cdf, as exp(log pdf - log cdf): finite far in the left tail.
@vjp_rule(sc.log_ndtr)
def _(ans, x):
    d[x] = d[ans] * (np.exp(-0.5 * x * x - ans) / SQRT_2PI)


@jvp_rule(sc.log_ndtr)
def _(ans, x):
    d[ans] = d[x] * (np.exp(-0.5 * x * x - ans) / SQRT_2PI)


@vjp_rule(sc.ndtri)
def _(ans, x):
    d[x] = d[ans] * (SQRT_2PI * np.exp(0.5 * ans * ans))


@jvp_rule(sc.ndtri)
def _(ans, x):
    d[ans] = d[x] * (SQRT_2PI * np.exp(0.5 * ans * ans))


# ---------------------------------------------------------------- logistic


@vjp_rule(sc.expit)
def _(ans, x):
    d[x] = d[ans] * (ans * (1.0 - ans))


@jvp_rule(sc.expit)
def _(ans, x):
    d[ans] = d[x] * (ans * (1.0 - ans))


@vjp_rule(sc.logit)
def _(ans, x):
    d[x] = d[ans] / (x * (1.0 - x))


@jvp_rule(sc.logit)
def _(ans, x):
    d[ans] = d[x] / (x * (1.0 - x))


# log_expit(x) = -log(1 + exp(-x)): its slope 1 - expit(x) is expit(-x), accurate for large x.
@vjp_rule(sc.log_expit)
def _(ans, x):
    d[x] = d[ans] * sc.expit(-x)


@jvp_rule(sc.log_expit)
def _(ans, x):
    d[ans] = d[x] * sc.expit(-x)


# ---------------------------------------------------------------- scipy's own exp and log


@vjp_rule(sc.expm1)
def _(ans, x):
    d[x] = d[ans] * (ans + 1.0)


@jvp_rule(sc.expm1)
def _(ans, x):
    d[ans] = d[x] * (ans + 1.0)


@vjp_rule(sc.log1p)
def _(ans, x):
    d[x] = d[ans] / (1.0 + x)


@jvp_rule(sc.log1p)
def _(ans, x):
    d[ans] = d[x] / (1.0 + x)


@vjp_rule(sc.cbrt)
def _(ans, x):
    d[x] = d[ans] / (3.0 * ans * ans)


@jvp_rule(sc.cbrt)
def _(ans, x):
    d[ans] = d[x] / (3.0 * ans * ans)


# ---------------------------------------------------------------- x log y, entropies, losses


# xlogy(x, y) = x log(y), and 0 where x == 0.
@vjp_rule(sc.xlogy, broadcast=("x", "y"))
def _(ans, x, y):
    d[x] = d[ans] * np.log(y)
    d[y] = d[ans] * (x / y)


@jvp_rule(sc.xlogy)
def _(ans, x, y):
    d[ans] = d[x] * np.log(y) + d[y] * (x / y)


@vjp_rule(sc.xlog1py, broadcast=("x", "y"))
def _(ans, x, y):
    d[x] = d[ans] * np.log1p(y)
    d[y] = d[ans] * (x / (1.0 + y))


@jvp_rule(sc.xlog1py)
def _(ans, x, y):
    d[ans] = d[x] * np.log1p(y) + d[y] * (x / (1.0 + y))


# entr(x) = -x log x.
@vjp_rule(sc.entr)
def _(ans, x):
    d[x] = -d[ans] * (np.log(x) + 1.0)


@jvp_rule(sc.entr)
def _(ans, x):
    d[ans] = -d[x] * (np.log(x) + 1.0)


# rel_entr(x, y) = x log(x / y); kl_div(x, y) = x log(x / y) - x + y.
@vjp_rule(sc.rel_entr, broadcast=("x", "y"))
def _(ans, x, y):
    d[x] = d[ans] * (np.log(x / y) + 1.0)
    d[y] = -d[ans] * (x / y)


@jvp_rule(sc.rel_entr)
def _(ans, x, y):
    d[ans] = d[x] * (np.log(x / y) + 1.0) - d[y] * (x / y)


@vjp_rule(sc.kl_div, broadcast=("x", "y"))
def _(ans, x, y):
    d[x] = d[ans] * np.log(x / y)
    d[y] = d[ans] * (1.0 - x / y)


@jvp_rule(sc.kl_div)
def _(ans, x, y):
    d[ans] = d[x] * np.log(x / y) + d[y] * (1.0 - x / y)


# huber(delta, r): r^2 / 2 where |r| <= delta, else delta (|r| - delta / 2).
@vjp_rule(sc.huber, broadcast=("delta", "r"))
def _(ans, delta, r):
    d[delta] = d[ans] * np.where(np.abs(r) > delta, np.abs(r) - delta, 0.0)
    d[r] = d[ans] * np.clip(r, -delta, delta)


@jvp_rule(sc.huber)
def _(ans, delta, r):
    d[ans] = d[delta] * np.where(np.abs(r) > delta, np.abs(r) - delta, 0.0) + d[r] * np.clip(
        r, -delta, delta
    )


# pseudo_huber(delta, r) = delta^2 (s - 1), s = sqrt(1 + (r / delta)^2).
@vjp_rule(sc.pseudo_huber, broadcast=("delta", "r"))
def _(ans, delta, r):
    s = np.sqrt(1.0 + (r / delta) ** 2)
    d[delta] = d[ans] * (2.0 * ans / delta - r * r / (delta * s))
    d[r] = d[ans] * (r / s)


@jvp_rule(sc.pseudo_huber)
def _(ans, delta, r):
    s = np.sqrt(1.0 + (r / delta) ** 2)
    d[ans] = d[delta] * (2.0 * ans / delta - r * r / (delta * s)) + d[r] * (r / s)


# ---------------------------------------------------------------- Bessel functions


# Integer orders 0 and 1. i1' = (i0 + i2) / 2 and j1' = (j0 - j2) / 2 hold at 0 too; the
# exponentially scaled ive(v, x) = iv(v, x) exp(-|x|) adds -sign(x) ive(v, x).
@vjp_rule(sc.i0)
def _(ans, x):
    d[x] = d[ans] * sc.i1(x)


@jvp_rule(sc.i0)
def _(ans, x):
    d[ans] = d[x] * sc.i1(x)


@vjp_rule(sc.i0e)
def _(ans, x):
    d[x] = d[ans] * (sc.i1e(x) - np.sign(x) * ans)


@jvp_rule(sc.i0e)
def _(ans, x):
    d[ans] = d[x] * (sc.i1e(x) - np.sign(x) * ans)


@vjp_rule(sc.i1)
def _(ans, x):
    d[x] = d[ans] * (0.5 * (sc.i0(x) + sc.iv(2, x)))


@jvp_rule(sc.i1)
def _(ans, x):
    d[ans] = d[x] * (0.5 * (sc.i0(x) + sc.iv(2, x)))


@vjp_rule(sc.i1e)
def _(ans, x):
    d[x] = d[ans] * (0.5 * (sc.i0e(x) + sc.ive(2, x)) - np.sign(x) * ans)


@jvp_rule(sc.i1e)
def _(ans, x):
    d[ans] = d[x] * (0.5 * (sc.i0e(x) + sc.ive(2, x)) - np.sign(x) * ans)


@vjp_rule(sc.j0)
def _(ans, x):
    d[x] = -d[ans] * sc.j1(x)


@jvp_rule(sc.j0)
def _(ans, x):
    d[ans] = -d[x] * sc.j1(x)


@vjp_rule(sc.j1)
def _(ans, x):
    d[x] = d[ans] * (0.5 * (sc.j0(x) - sc.jv(2, x)))


@jvp_rule(sc.j1)
def _(ans, x):
    d[ans] = d[x] * (0.5 * (sc.j0(x) - sc.jv(2, x)))


@vjp_rule(sc.y0)
def _(ans, x):
    d[x] = -d[ans] * sc.y1(x)


@jvp_rule(sc.y0)
def _(ans, x):
    d[ans] = -d[x] * sc.y1(x)


@vjp_rule(sc.y1)
def _(ans, x):
    d[x] = d[ans] * (0.5 * (sc.y0(x) - sc.yv(2, x)))


@jvp_rule(sc.y1)
def _(ans, x):
    d[ans] = d[x] * (0.5 * (sc.y0(x) - sc.yv(2, x)))


# Real order v: the recurrences in v -+ 1 give the derivative in z; none exists in v.
@vjp_rule(sc.iv, broadcast=("v", "z"), refuse={"v": NO_ORDER})
def _(ans, v, z):
    d[z] = d[ans] * (0.5 * (sc.iv(np.subtract(v, 1.0), z) + sc.iv(np.add(v, 1.0), z)))


@jvp_rule(sc.iv, refuse={"v": NO_ORDER})
def _(ans, v, z):
    d[ans] = d[z] * (0.5 * (sc.iv(np.subtract(v, 1.0), z) + sc.iv(np.add(v, 1.0), z)))


@vjp_rule(sc.ive, broadcast=("v", "z"), refuse={"v": NO_ORDER})
def _(ans, v, z):
    d[z] = d[ans] * (
        0.5 * (sc.ive(np.subtract(v, 1.0), z) + sc.ive(np.add(v, 1.0), z)) - np.sign(z) * ans
    )


@jvp_rule(sc.ive, refuse={"v": NO_ORDER})
def _(ans, v, z):
    d[ans] = d[z] * (
        0.5 * (sc.ive(np.subtract(v, 1.0), z) + sc.ive(np.add(v, 1.0), z)) - np.sign(z) * ans
    )


@vjp_rule(sc.kv, broadcast=("v", "z"), refuse={"v": NO_ORDER})
def _(ans, v, z):
    d[z] = d[ans] * (-0.5 * (sc.kv(np.subtract(v, 1.0), z) + sc.kv(np.add(v, 1.0), z)))


@jvp_rule(sc.kv, refuse={"v": NO_ORDER})
def _(ans, v, z):
    d[ans] = d[z] * (-0.5 * (sc.kv(np.subtract(v, 1.0), z) + sc.kv(np.add(v, 1.0), z)))


@vjp_rule(sc.jv, broadcast=("v", "z"), refuse={"v": NO_ORDER})
def _(ans, v, z):
    d[z] = d[ans] * (0.5 * (sc.jv(np.subtract(v, 1.0), z) - sc.jv(np.add(v, 1.0), z)))


@jvp_rule(sc.jv, refuse={"v": NO_ORDER})
def _(ans, v, z):
    d[ans] = d[z] * (0.5 * (sc.jv(np.subtract(v, 1.0), z) - sc.jv(np.add(v, 1.0), z)))


@vjp_rule(sc.yv, broadcast=("v", "z"), refuse={"v": NO_ORDER})
def _(ans, v, z):
    d[z] = d[ans] * (0.5 * (sc.yv(np.subtract(v, 1.0), z) - sc.yv(np.add(v, 1.0), z)))


@jvp_rule(sc.yv, refuse={"v": NO_ORDER})
def _(ans, v, z):
    d[ans] = d[z] * (0.5 * (sc.yv(np.subtract(v, 1.0), z) - sc.yv(np.add(v, 1.0), z)))


# ---------------------------------------------------------------- reductions


# logsumexp(a, axis, b) = log |sum b exp(a)| over the broadcast of a and b (hence
# `broadcast`); with s = sum b exp(a) = sign exp(lse), d lse = sum (b da + db) w with the
# weights w = sign exp(a - lse). return_sign=True returns (lse, sign): the sign is piecewise
# constant and passes no derivative.
@vjp_rule(sc.logsumexp, broadcast=("a", "b"))
def _(ans, a, axis=None, b=None, keepdims=False, return_sign=False):
    if static(return_sign):
        lse, sign = ans
        g, _g_sign = d[ans]
        w = rt.keepdims_like(sign, a, axis, keepdims) * np.exp(
            a - rt.keepdims_like(lse, a, axis, keepdims)
        )
    else:
        g = d[ans]
        w = np.exp(a - rt.keepdims_like(ans, a, axis, keepdims))
    if static(b is None):
        d[a] = rt.keepdims_like(g, w, axis, keepdims) * w
    else:
        d[a] = rt.keepdims_like(g, w * b, axis, keepdims) * (w * b)
        d[b] = rt.keepdims_like(g, w * b, axis, keepdims) * w


@jvp_rule(sc.logsumexp, broadcast=("a", "b"))
def _(ans, a, axis=None, b=None, keepdims=False, return_sign=False):
    if static(return_sign):
        lse, sign = ans
        w = rt.keepdims_like(sign, a, axis, keepdims) * np.exp(
            a - rt.keepdims_like(lse, a, axis, keepdims)
        )
    else:
        w = np.exp(a - rt.keepdims_like(ans, a, axis, keepdims))
    if static(b is None):
        t = d[a] * w
    else:
        t = (d[a] * b + d[b]) * w
    if static(nb == 0):
        dlse = np.sum(t, axis=axis, keepdims=keepdims)
    else:
        dlse = np.sum(t, axis=rt.negative_axes(axis, np.ndim(w)), keepdims=keepdims)
    if static(return_sign):
        d[ans] = (dlse, np.zeros_like(dlse))
    else:
        d[ans] = dlse


returns("unknown", sc.logsumexp)


# softmax's Jacobian diag(s) - s s^T is symmetric: one formula serves both modes.
@vjp_rule(sc.softmax)
def _(ans, x, axis=None):
    axes = rt.negative_axes(axis, np.ndim(x))
    d[x] = ans * (d[ans] - np.sum(d[ans] * ans, axis=axes, keepdims=True))


@jvp_rule(sc.softmax)
def _(ans, x, axis=None):
    axes = rt.negative_axes(axis, np.ndim(x))
    d[ans] = ans * (d[x] - np.sum(d[x] * ans, axis=axes, keepdims=True))


# log_softmax(x) = x - logsumexp(x): its Jacobian is I - 1 s^T, s = exp(ans).
@vjp_rule(sc.log_softmax)
def _(ans, x, axis=None):
    axes = rt.negative_axes(axis, np.ndim(x))
    d[x] = d[ans] - np.exp(ans) * np.sum(d[ans], axis=axes, keepdims=True)


@jvp_rule(sc.log_softmax)
def _(ans, x, axis=None):
    axes = rt.negative_axes(axis, np.ndim(x))
    d[ans] = d[x] - np.sum(np.exp(ans) * d[x], axis=axes, keepdims=True)
