"""Rules for scipy.stats (continued): lognorm, chi2, poisson, binom, dirichlet and
multivariate_normal.

Split from `srcad.rules.scipy.stats`, whose docstring describes the rules (it imports this
module, so importing it registers these rules too).
"""

from __future__ import annotations

import numpy as np
import scipy.special as sc
from scipy import stats

from ... import runtime as rt
from ...helpers import scipy_stats as sh
from ..template import d, jvp_rule, nb, nondiff, static, vjp_rule
from .stats import INTEGER, NO_CLOSED_FORM, SQRT_2PI

# ---------------------------------------------------------------- lognorm


# log pdf = -log(s z scale sqrt(2 pi)) - (log z)^2 / (2 s^2).
@vjp_rule(stats.lognorm.logpdf, broadcast=("x", "s", "loc", "scale"))
def _(ans, x, s, loc=0.0, scale=1.0):
    z = np.subtract(x, loc) / scale
    lz = np.log(z)
    sx = -(1.0 + lz / (s * s)) / (z * scale)
    sscale = lz / (s * s * scale)
    ss = (lz * lz / (s * s) - 1.0) / s
    d[x] = d[ans] * sx
    d[loc] = -d[ans] * sx
    d[scale] = d[ans] * sscale
    d[s] = d[ans] * ss


@jvp_rule(stats.lognorm.logpdf, broadcast=("x", "s", "loc", "scale"))
def _(ans, x, s, loc=0.0, scale=1.0):
    z = np.subtract(x, loc) / scale
    lz = np.log(z)
    sx = -(1.0 + lz / (s * s)) / (z * scale)
    sscale = lz / (s * s * scale)
    ss = (lz * lz / (s * s) - 1.0) / s
    d[ans] = (d[x] - d[loc]) * sx + d[scale] * sscale + d[s] * ss


@vjp_rule(stats.lognorm.pdf, broadcast=("x", "s", "loc", "scale"))
def _(ans, x, s, loc=0.0, scale=1.0):
    z = np.subtract(x, loc) / scale
    lz = np.log(z)
    sx = -(1.0 + lz / (s * s)) / (z * scale)
    sscale = lz / (s * s * scale)
    ss = (lz * lz / (s * s) - 1.0) / s
    g = d[ans] * ans
    d[x] = g * sx
    d[loc] = -g * sx
    d[scale] = g * sscale
    d[s] = g * ss


@jvp_rule(stats.lognorm.pdf, broadcast=("x", "s", "loc", "scale"))
def _(ans, x, s, loc=0.0, scale=1.0):
    z = np.subtract(x, loc) / scale
    lz = np.log(z)
    sx = -(1.0 + lz / (s * s)) / (z * scale)
    sscale = lz / (s * s * scale)
    ss = (lz * lz / (s * s) - 1.0) / s
    d[ans] = ans * ((d[x] - d[loc]) * sx + d[scale] * sscale + d[s] * ss)


@vjp_rule(stats.lognorm.cdf, broadcast=("x", "s", "loc", "scale"))
def _(ans, x, s, loc=0.0, scale=1.0):
    p = stats.lognorm.pdf(x, s, loc, scale)
    z = np.subtract(x, loc) / scale
    u = np.log(z) / s
    d[x] = d[ans] * p
    d[loc] = -d[ans] * p
    d[scale] = -d[ans] * (p * z)
    d[s] = d[ans] * (-u / s * np.exp(-0.5 * u * u) / SQRT_2PI)


@jvp_rule(stats.lognorm.cdf, broadcast=("x", "s", "loc", "scale"))
def _(ans, x, s, loc=0.0, scale=1.0):
    p = stats.lognorm.pdf(x, s, loc, scale)
    z = np.subtract(x, loc) / scale
    u = np.log(z) / s
    d[ans] = p * (d[x] - d[loc] - d[scale] * z) + d[s] * (-u / s * np.exp(-0.5 * u * u) / SQRT_2PI)


@vjp_rule(stats.lognorm.logcdf, broadcast=("x", "s", "loc", "scale"))
def _(ans, x, s, loc=0.0, scale=1.0):
    p = np.exp(stats.lognorm.logpdf(x, s, loc, scale) - ans)
    z = np.subtract(x, loc) / scale
    u = np.log(z) / s
    d[x] = d[ans] * p
    d[loc] = -d[ans] * p
    d[scale] = -d[ans] * (p * z)
    d[s] = d[ans] * (-u / s * np.exp(-0.5 * u * u - ans) / SQRT_2PI)


@jvp_rule(stats.lognorm.logcdf, broadcast=("x", "s", "loc", "scale"))
def _(ans, x, s, loc=0.0, scale=1.0):
    p = np.exp(stats.lognorm.logpdf(x, s, loc, scale) - ans)
    z = np.subtract(x, loc) / scale
    u = np.log(z) / s
    d[ans] = p * (d[x] - d[loc] - d[scale] * z) + d[s] * (
        -u / s * np.exp(-0.5 * u * u - ans) / SQRT_2PI
    )


@vjp_rule(stats.lognorm.sf, broadcast=("x", "s", "loc", "scale"))
def _(ans, x, s, loc=0.0, scale=1.0):
    p = -stats.lognorm.pdf(x, s, loc, scale)
    z = np.subtract(x, loc) / scale
    u = np.log(z) / s
    d[x] = d[ans] * p
    d[loc] = -d[ans] * p
    d[scale] = -d[ans] * (p * z)
    d[s] = d[ans] * (u / s * np.exp(-0.5 * u * u) / SQRT_2PI)


@jvp_rule(stats.lognorm.sf, broadcast=("x", "s", "loc", "scale"))
def _(ans, x, s, loc=0.0, scale=1.0):
    p = -stats.lognorm.pdf(x, s, loc, scale)
    z = np.subtract(x, loc) / scale
    u = np.log(z) / s
    d[ans] = p * (d[x] - d[loc] - d[scale] * z) + d[s] * (u / s * np.exp(-0.5 * u * u) / SQRT_2PI)


@vjp_rule(stats.lognorm.logsf, broadcast=("x", "s", "loc", "scale"))
def _(ans, x, s, loc=0.0, scale=1.0):
    p = -np.exp(stats.lognorm.logpdf(x, s, loc, scale) - ans)
    z = np.subtract(x, loc) / scale
    u = np.log(z) / s
    d[x] = d[ans] * p
    d[loc] = -d[ans] * p
    d[scale] = -d[ans] * (p * z)
    d[s] = d[ans] * (u / s * np.exp(-0.5 * u * u - ans) / SQRT_2PI)


@jvp_rule(stats.lognorm.logsf, broadcast=("x", "s", "loc", "scale"))
def _(ans, x, s, loc=0.0, scale=1.0):
    p = -np.exp(stats.lognorm.logpdf(x, s, loc, scale) - ans)
    z = np.subtract(x, loc) / scale
    u = np.log(z) / s
    d[ans] = p * (d[x] - d[loc] - d[scale] * z) + d[s] * (
        u / s * np.exp(-0.5 * u * u - ans) / SQRT_2PI
    )


# ---------------------------------------------------------------- chi2


# log pdf = (df / 2 - 1) log z - z / 2 - df / 2 log 2 - log Gamma(df / 2) - log(scale).
@vjp_rule(stats.chi2.logpdf, broadcast=("x", "df", "loc", "scale"))
def _(ans, x, df, loc=0.0, scale=1.0):
    z = np.subtract(x, loc) / scale
    sx = ((0.5 * df - 1.0) / z - 0.5) / scale
    sscale = 0.5 * (z - df) / scale
    sdf = 0.5 * (np.log(0.5 * z) - sc.digamma(0.5 * df))
    d[x] = d[ans] * sx
    d[loc] = -d[ans] * sx
    d[scale] = d[ans] * sscale
    d[df] = d[ans] * sdf


@jvp_rule(stats.chi2.logpdf, broadcast=("x", "df", "loc", "scale"))
def _(ans, x, df, loc=0.0, scale=1.0):
    z = np.subtract(x, loc) / scale
    sx = ((0.5 * df - 1.0) / z - 0.5) / scale
    sscale = 0.5 * (z - df) / scale
    sdf = 0.5 * (np.log(0.5 * z) - sc.digamma(0.5 * df))
    d[ans] = (d[x] - d[loc]) * sx + d[scale] * sscale + d[df] * sdf


@vjp_rule(stats.chi2.pdf, broadcast=("x", "df", "loc", "scale"))
def _(ans, x, df, loc=0.0, scale=1.0):
    z = np.subtract(x, loc) / scale
    sx = ((0.5 * df - 1.0) / z - 0.5) / scale
    sscale = 0.5 * (z - df) / scale
    sdf = 0.5 * (np.log(0.5 * z) - sc.digamma(0.5 * df))
    g = d[ans] * ans
    d[x] = g * sx
    d[loc] = -g * sx
    d[scale] = g * sscale
    d[df] = g * sdf


@jvp_rule(stats.chi2.pdf, broadcast=("x", "df", "loc", "scale"))
def _(ans, x, df, loc=0.0, scale=1.0):
    z = np.subtract(x, loc) / scale
    sx = ((0.5 * df - 1.0) / z - 0.5) / scale
    sscale = 0.5 * (z - df) / scale
    sdf = 0.5 * (np.log(0.5 * z) - sc.digamma(0.5 * df))
    d[ans] = ans * ((d[x] - d[loc]) * sx + d[scale] * sscale + d[df] * sdf)


@vjp_rule(stats.chi2.cdf, broadcast=("x", "df", "loc", "scale"), refuse={"df": NO_CLOSED_FORM})
def _(ans, x, df, loc=0.0, scale=1.0):
    p = stats.chi2.pdf(x, df, loc, scale)
    z = np.subtract(x, loc) / scale
    d[x] = d[ans] * p
    d[loc] = -d[ans] * p
    d[scale] = -d[ans] * (p * z)


@jvp_rule(stats.chi2.cdf, broadcast=("x", "df", "loc", "scale"), refuse={"df": NO_CLOSED_FORM})
def _(ans, x, df, loc=0.0, scale=1.0):
    p = stats.chi2.pdf(x, df, loc, scale)
    z = np.subtract(x, loc) / scale
    d[ans] = p * (d[x] - d[loc] - d[scale] * z)


@vjp_rule(stats.chi2.logcdf, broadcast=("x", "df", "loc", "scale"), refuse={"df": NO_CLOSED_FORM})
def _(ans, x, df, loc=0.0, scale=1.0):
    p = np.exp(stats.chi2.logpdf(x, df, loc, scale) - ans)
    z = np.subtract(x, loc) / scale
    d[x] = d[ans] * p
    d[loc] = -d[ans] * p
    d[scale] = -d[ans] * (p * z)


@jvp_rule(stats.chi2.logcdf, broadcast=("x", "df", "loc", "scale"), refuse={"df": NO_CLOSED_FORM})
def _(ans, x, df, loc=0.0, scale=1.0):
    p = np.exp(stats.chi2.logpdf(x, df, loc, scale) - ans)
    z = np.subtract(x, loc) / scale
    d[ans] = p * (d[x] - d[loc] - d[scale] * z)


@vjp_rule(stats.chi2.sf, broadcast=("x", "df", "loc", "scale"), refuse={"df": NO_CLOSED_FORM})
def _(ans, x, df, loc=0.0, scale=1.0):
    p = -stats.chi2.pdf(x, df, loc, scale)
    z = np.subtract(x, loc) / scale
    d[x] = d[ans] * p
    d[loc] = -d[ans] * p
    d[scale] = -d[ans] * (p * z)


@jvp_rule(stats.chi2.sf, broadcast=("x", "df", "loc", "scale"), refuse={"df": NO_CLOSED_FORM})
def _(ans, x, df, loc=0.0, scale=1.0):
    p = -stats.chi2.pdf(x, df, loc, scale)
    z = np.subtract(x, loc) / scale
    d[ans] = p * (d[x] - d[loc] - d[scale] * z)


@vjp_rule(stats.chi2.logsf, broadcast=("x", "df", "loc", "scale"), refuse={"df": NO_CLOSED_FORM})
def _(ans, x, df, loc=0.0, scale=1.0):
    p = -np.exp(stats.chi2.logpdf(x, df, loc, scale) - ans)
    z = np.subtract(x, loc) / scale
    d[x] = d[ans] * p
    d[loc] = -d[ans] * p
    d[scale] = -d[ans] * (p * z)


@jvp_rule(stats.chi2.logsf, broadcast=("x", "df", "loc", "scale"), refuse={"df": NO_CLOSED_FORM})
def _(ans, x, df, loc=0.0, scale=1.0):
    p = -np.exp(stats.chi2.logpdf(x, df, loc, scale) - ans)
    z = np.subtract(x, loc) / scale
    d[ans] = p * (d[x] - d[loc] - d[scale] * z)


# ---------------------------------------------------------------- poisson


# log pmf = k log mu - mu - log k!, with k counted from loc; cdf = Q(floor(k) + 1, mu), whose
# slope in mu is -pmf(floor(k)).
@vjp_rule(stats.poisson.logpmf, broadcast=("k", "mu", "loc"))
def _(ans, k, mu, loc=0):
    d[mu] = d[ans] * (np.subtract(k, loc) / mu - 1.0)


@jvp_rule(stats.poisson.logpmf, broadcast=("k", "mu", "loc"))
def _(ans, k, mu, loc=0):
    d[ans] = d[mu] * (np.subtract(k, loc) / mu - 1.0)


@vjp_rule(stats.poisson.pmf, broadcast=("k", "mu", "loc"))
def _(ans, k, mu, loc=0):
    d[mu] = d[ans] * (ans * (np.subtract(k, loc) / mu - 1.0))


@jvp_rule(stats.poisson.pmf, broadcast=("k", "mu", "loc"))
def _(ans, k, mu, loc=0):
    d[ans] = d[mu] * (ans * (np.subtract(k, loc) / mu - 1.0))


@vjp_rule(stats.poisson.cdf, broadcast=("k", "mu", "loc"))
def _(ans, k, mu, loc=0):
    d[mu] = -d[ans] * stats.poisson.pmf(np.floor(np.subtract(k, loc)), mu)


@jvp_rule(stats.poisson.cdf, broadcast=("k", "mu", "loc"))
def _(ans, k, mu, loc=0):
    d[ans] = -d[mu] * stats.poisson.pmf(np.floor(np.subtract(k, loc)), mu)


@vjp_rule(stats.poisson.logcdf, broadcast=("k", "mu", "loc"))
def _(ans, k, mu, loc=0):
    d[mu] = -d[ans] * np.exp(stats.poisson.logpmf(np.floor(np.subtract(k, loc)), mu) - ans)


@jvp_rule(stats.poisson.logcdf, broadcast=("k", "mu", "loc"))
def _(ans, k, mu, loc=0):
    d[ans] = -d[mu] * np.exp(stats.poisson.logpmf(np.floor(np.subtract(k, loc)), mu) - ans)


@vjp_rule(stats.poisson.sf, broadcast=("k", "mu", "loc"))
def _(ans, k, mu, loc=0):
    d[mu] = d[ans] * stats.poisson.pmf(np.floor(np.subtract(k, loc)), mu)


@jvp_rule(stats.poisson.sf, broadcast=("k", "mu", "loc"))
def _(ans, k, mu, loc=0):
    d[ans] = d[mu] * stats.poisson.pmf(np.floor(np.subtract(k, loc)), mu)


@vjp_rule(stats.poisson.logsf, broadcast=("k", "mu", "loc"))
def _(ans, k, mu, loc=0):
    d[mu] = d[ans] * np.exp(stats.poisson.logpmf(np.floor(np.subtract(k, loc)), mu) - ans)


@jvp_rule(stats.poisson.logsf, broadcast=("k", "mu", "loc"))
def _(ans, k, mu, loc=0):
    d[ans] = d[mu] * np.exp(stats.poisson.logpmf(np.floor(np.subtract(k, loc)), mu) - ans)


# ---------------------------------------------------------------- binom


# log pmf = log C(n, k) + k log p + (n - k) log(1 - p); the slope of the cdf in p is
# -n pmf(floor(k); n - 1, p).
@vjp_rule(stats.binom.logpmf, broadcast=("k", "n", "p", "loc"), refuse={"n": INTEGER})
def _(ans, k, n, p, loc=0):
    j = np.subtract(k, loc)
    d[p] = d[ans] * (j / p - np.subtract(n, j) / (1.0 - p))


@jvp_rule(stats.binom.logpmf, broadcast=("k", "n", "p", "loc"), refuse={"n": INTEGER})
def _(ans, k, n, p, loc=0):
    j = np.subtract(k, loc)
    d[ans] = d[p] * (j / p - np.subtract(n, j) / (1.0 - p))


@vjp_rule(stats.binom.pmf, broadcast=("k", "n", "p", "loc"), refuse={"n": INTEGER})
def _(ans, k, n, p, loc=0):
    j = np.subtract(k, loc)
    d[p] = d[ans] * (ans * (j / p - np.subtract(n, j) / (1.0 - p)))


@jvp_rule(stats.binom.pmf, broadcast=("k", "n", "p", "loc"), refuse={"n": INTEGER})
def _(ans, k, n, p, loc=0):
    j = np.subtract(k, loc)
    d[ans] = d[p] * (ans * (j / p - np.subtract(n, j) / (1.0 - p)))


@vjp_rule(stats.binom.cdf, broadcast=("k", "n", "p", "loc"), refuse={"n": INTEGER})
def _(ans, k, n, p, loc=0):
    d[p] = -d[ans] * np.multiply(
        n, stats.binom.pmf(np.floor(np.subtract(k, loc)), np.subtract(n, 1), p)
    )


@jvp_rule(stats.binom.cdf, broadcast=("k", "n", "p", "loc"), refuse={"n": INTEGER})
def _(ans, k, n, p, loc=0):
    d[ans] = -d[p] * np.multiply(
        n, stats.binom.pmf(np.floor(np.subtract(k, loc)), np.subtract(n, 1), p)
    )


@vjp_rule(stats.binom.logcdf, broadcast=("k", "n", "p", "loc"), refuse={"n": INTEGER})
def _(ans, k, n, p, loc=0):
    d[p] = -d[ans] * np.multiply(
        n, np.exp(stats.binom.logpmf(np.floor(np.subtract(k, loc)), np.subtract(n, 1), p) - ans)
    )


@jvp_rule(stats.binom.logcdf, broadcast=("k", "n", "p", "loc"), refuse={"n": INTEGER})
def _(ans, k, n, p, loc=0):
    d[ans] = -d[p] * np.multiply(
        n, np.exp(stats.binom.logpmf(np.floor(np.subtract(k, loc)), np.subtract(n, 1), p) - ans)
    )


@vjp_rule(stats.binom.sf, broadcast=("k", "n", "p", "loc"), refuse={"n": INTEGER})
def _(ans, k, n, p, loc=0):
    d[p] = d[ans] * np.multiply(
        n, stats.binom.pmf(np.floor(np.subtract(k, loc)), np.subtract(n, 1), p)
    )


@jvp_rule(stats.binom.sf, broadcast=("k", "n", "p", "loc"), refuse={"n": INTEGER})
def _(ans, k, n, p, loc=0):
    d[ans] = d[p] * np.multiply(
        n, stats.binom.pmf(np.floor(np.subtract(k, loc)), np.subtract(n, 1), p)
    )


@vjp_rule(stats.binom.logsf, broadcast=("k", "n", "p", "loc"), refuse={"n": INTEGER})
def _(ans, k, n, p, loc=0):
    d[p] = d[ans] * np.multiply(
        n, np.exp(stats.binom.logpmf(np.floor(np.subtract(k, loc)), np.subtract(n, 1), p) - ans)
    )


@jvp_rule(stats.binom.logsf, broadcast=("k", "n", "p", "loc"), refuse={"n": INTEGER})
def _(ans, k, n, p, loc=0):
    d[ans] = d[p] * np.multiply(
        n, np.exp(stats.binom.logpmf(np.floor(np.subtract(k, loc)), np.subtract(n, 1), p) - ans)
    )


# ---------------------------------------------------------------- dirichlet


# scipy reads the K components of x along its *first* axis (x is (K,) or (K, N)); given
# K - 1 of them, it appends 1 - sum(x). `full` is that reading (concatenating the last row
# and keeping K rows gives x itself when x has K rows). log pdf = sum (alpha - 1) log full -
# log B(alpha): its slope in a row of x is w = (alpha - 1) / full there, minus w of the
# appended row when there is one; in alpha it is log full + psi(sum alpha) - psi(alpha).
@vjp_rule(stats.dirichlet.logpdf)
def _(ans, x, alpha):
    n = np.ndim(x)
    k = np.shape(alpha)[0]
    full = np.concatenate([x, 1.0 - np.sum(x, axis=0, keepdims=True)])[:k]
    column = (k,) + (1,) * (n - 1)
    w = np.reshape(alpha - 1.0, column) / full
    wx = (w - (np.shape(x)[0] < k) * w[k - 1 :])[: np.shape(x)[0]]
    walpha = np.log(full) + np.reshape(sc.digamma(np.sum(alpha)) - sc.digamma(alpha), column)
    g = np.reshape(d[ans], np.shape(d[ans])[:nb] + (1,) + np.shape(full)[1:])
    d[x] = g * wx
    d[alpha] = np.sum(g * walpha, axis=rt.negative_axes(None, n - 1))


@jvp_rule(stats.dirichlet.logpdf)
def _(ans, x, alpha):
    n = np.ndim(x)
    k = np.shape(alpha)[0]
    full = np.concatenate([x, 1.0 - np.sum(x, axis=0, keepdims=True)])[:k]
    column = (k,) + (1,) * (n - 1)
    w = np.reshape(alpha - 1.0, column) / full
    wx = (w - (np.shape(x)[0] < k) * w[k - 1 :])[: np.shape(x)[0]]
    walpha = np.log(full) + np.reshape(sc.digamma(np.sum(alpha)) - sc.digamma(alpha), column)
    dalpha = np.reshape(d[alpha], np.shape(d[alpha]) + (1,) * (n - 1))
    t = np.sum(d[x] * wx, axis=-n) + np.sum(dalpha * walpha, axis=-n)
    d[ans] = np.reshape(t, np.shape(t)[:nb] + np.shape(ans))


@vjp_rule(stats.dirichlet.pdf)
def _(ans, x, alpha):
    n = np.ndim(x)
    k = np.shape(alpha)[0]
    full = np.concatenate([x, 1.0 - np.sum(x, axis=0, keepdims=True)])[:k]
    column = (k,) + (1,) * (n - 1)
    w = np.reshape(alpha - 1.0, column) / full
    wx = (w - (np.shape(x)[0] < k) * w[k - 1 :])[: np.shape(x)[0]]
    walpha = np.log(full) + np.reshape(sc.digamma(np.sum(alpha)) - sc.digamma(alpha), column)
    dlog = d[ans] * ans
    g = np.reshape(dlog, np.shape(dlog)[:nb] + (1,) + np.shape(full)[1:])
    d[x] = g * wx
    d[alpha] = np.sum(g * walpha, axis=rt.negative_axes(None, n - 1))


@jvp_rule(stats.dirichlet.pdf)
def _(ans, x, alpha):
    n = np.ndim(x)
    k = np.shape(alpha)[0]
    full = np.concatenate([x, 1.0 - np.sum(x, axis=0, keepdims=True)])[:k]
    column = (k,) + (1,) * (n - 1)
    w = np.reshape(alpha - 1.0, column) / full
    wx = (w - (np.shape(x)[0] < k) * w[k - 1 :])[: np.shape(x)[0]]
    walpha = np.log(full) + np.reshape(sc.digamma(np.sum(alpha)) - sc.digamma(alpha), column)
    dalpha = np.reshape(d[alpha], np.shape(d[alpha]) + (1,) * (n - 1))
    t = np.sum(d[x] * wx, axis=-n) + np.sum(dalpha * walpha, axis=-n)
    d[ans] = ans * np.reshape(t, np.shape(t)[:nb] + np.shape(ans))


# ---------------------------------------------------------------- multivariate_normal


# For the points r = x - mean (rows) and the covariance C that scipy reads from `cov`
# (`sh.mvn_cov`), log pdf = -(dim log(2 pi) + log det C + r^T P r) / 2 with P = C^-1.
# With u = P r: d/dx = -u, d/dmean = u (summed over the points), and
# d/dC = (u u^T - P) / 2 (summed over the points), read back into `cov`'s own shape by
# `sh.mvn_cov_vjp`. allow_singular=True gives the same values for a nonsingular C.
@vjp_rule(stats.multivariate_normal.logpdf)
def _(ans, x, mean=None, cov=1, allow_singular=False):
    dim = sh.mvn_dim(mean, cov)
    p = np.linalg.inv(sh.mvn_cov(cov, dim))
    if static(mean is None):
        u = np.reshape(x, (-1, dim)) @ p
    else:
        u = (np.reshape(x, (-1, dim)) - mean) @ p
    g = np.reshape(d[ans], np.shape(d[ans])[:nb] + (-1, 1))
    gu = g * u
    gsum = np.sum(g, axis=-2, keepdims=True)
    d[x] = np.reshape(-gu, np.shape(gu)[:nb] + np.shape(x))
    d[mean] = rt.unbroadcast(np.sum(gu, axis=-2), mean, nb)
    d[cov] = sh.mvn_cov_vjp(0.5 * (np.swapaxes(u, -1, -2) @ gu - gsum * p), np.ndim(cov))


@jvp_rule(stats.multivariate_normal.logpdf)
def _(ans, x, mean=None, cov=1, allow_singular=False):
    dim = sh.mvn_dim(mean, cov)
    p = np.linalg.inv(sh.mvn_cov(cov, dim))
    if static(mean is None):
        u = np.reshape(x, (-1, dim)) @ p
    else:
        u = (np.reshape(x, (-1, dim)) - mean) @ p
    dc = sh.mvn_cov(d[cov], dim, nb)
    t = (
        np.sum(u * np.expand_dims(rt.fit(d[mean], u[0], nb), -2), axis=-1)
        - np.sum(u * np.reshape(d[x], np.shape(d[x])[:nb] + np.shape(u)), axis=-1)
        - 0.5
        * (np.sum(p * dc, axis=(-2, -1), keepdims=True)[..., 0] - np.sum((u @ dc) * u, axis=-1))
    )
    d[ans] = np.reshape(t, np.shape(t)[:nb] + np.shape(ans))


@vjp_rule(stats.multivariate_normal.pdf)
def _(ans, x, mean=None, cov=1, allow_singular=False):
    dim = sh.mvn_dim(mean, cov)
    p = np.linalg.inv(sh.mvn_cov(cov, dim))
    if static(mean is None):
        u = np.reshape(x, (-1, dim)) @ p
    else:
        u = (np.reshape(x, (-1, dim)) - mean) @ p
    dlog = d[ans] * ans
    g = np.reshape(dlog, np.shape(dlog)[:nb] + (-1, 1))
    gu = g * u
    gsum = np.sum(g, axis=-2, keepdims=True)
    d[x] = np.reshape(-gu, np.shape(gu)[:nb] + np.shape(x))
    d[mean] = rt.unbroadcast(np.sum(gu, axis=-2), mean, nb)
    d[cov] = sh.mvn_cov_vjp(0.5 * (np.swapaxes(u, -1, -2) @ gu - gsum * p), np.ndim(cov))


@jvp_rule(stats.multivariate_normal.pdf)
def _(ans, x, mean=None, cov=1, allow_singular=False):
    dim = sh.mvn_dim(mean, cov)
    p = np.linalg.inv(sh.mvn_cov(cov, dim))
    if static(mean is None):
        u = np.reshape(x, (-1, dim)) @ p
    else:
        u = (np.reshape(x, (-1, dim)) - mean) @ p
    dc = sh.mvn_cov(d[cov], dim, nb)
    t = (
        np.sum(u * np.expand_dims(rt.fit(d[mean], u[0], nb), -2), axis=-1)
        - np.sum(u * np.reshape(d[x], np.shape(d[x])[:nb] + np.shape(u)), axis=-1)
        - 0.5
        * (np.sum(p * dc, axis=(-2, -1), keepdims=True)[..., 0] - np.sum((u @ dc) * u, axis=-1))
    )
    d[ans] = ans * np.reshape(t, np.shape(t)[:nb] + np.shape(ans))


# The helpers' own rules (for second derivatives): mvn_cov is linear in cov, mvn_cov_vjp in g,
# each the transpose of the other.
@vjp_rule(sh.mvn_cov, linear=("cov",))
def _(ans, cov, dim, batch=0):
    d[cov] = sh.mvn_cov_vjp(d[ans], np.ndim(cov) - batch)


@jvp_rule(sh.mvn_cov, linear=("cov",))
def _(ans, cov, dim, batch=0):
    d[ans] = sh.mvn_cov(d[cov], dim, batch + nb)


@vjp_rule(sh.mvn_cov_vjp, linear=("g",))
def _(ans, g, core):
    d[g] = sh.mvn_cov(d[ans], np.shape(g)[-1], np.ndim(d[ans]) - core)


@jvp_rule(sh.mvn_cov_vjp, linear=("g",))
def _(ans, g, core):
    d[ans] = sh.mvn_cov_vjp(d[g], core)


nondiff(sh.mvn_dim)
