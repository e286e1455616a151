"""Rules for scipy.stats (continued): the location-scale families expon, laplace, logistic
and cauchy.

Split from `srcad.rules.scipy.stats`, whose docstring describes the rules (it imports this
module, so importing it registers these rules too).
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from ... import runtime as rt
from ..template import d, jvp_rule, nb, vjp_rule

# ---------------------------------------------------------------- expon


# log pdf = -z - log(scale) for z >= 0.
@vjp_rule(stats.expon.logpdf, broadcast=("x", "loc", "scale"))
def _(ans, x, loc=0.0, scale=1.0):
    z = np.subtract(x, loc) / scale
    sx = -1.0 / scale
    sscale = (z - 1.0) / scale
    d[x] = d[ans] * sx
    d[loc] = -d[ans] * sx
    d[scale] = d[ans] * sscale


@jvp_rule(stats.expon.logpdf, broadcast=("x", "loc", "scale"))
def _(ans, x, loc=0.0, scale=1.0):
    z = np.subtract(x, loc) / scale
    sx = -1.0 / scale
    sscale = (z - 1.0) / scale
    d[ans] = rt.fit((d[x] - d[loc]) * sx + d[scale] * sscale, ans, nb)


@vjp_rule(stats.expon.pdf, broadcast=("x", "loc", "scale"))
def _(ans, x, loc=0.0, scale=1.0):
    z = np.subtract(x, loc) / scale
    sx = -1.0 / scale
    sscale = (z - 1.0) / scale
    g = d[ans] * ans
    d[x] = g * sx
    d[loc] = -g * sx
    d[scale] = g * sscale


@jvp_rule(stats.expon.pdf, broadcast=("x", "loc", "scale"))
def _(ans, x, loc=0.0, scale=1.0):
    z = np.subtract(x, loc) / scale
    sx = -1.0 / scale
    sscale = (z - 1.0) / scale
    d[ans] = rt.fit(ans * ((d[x] - d[loc]) * sx + d[scale] * sscale), ans, nb)


@vjp_rule(stats.expon.cdf, broadcast=("x", "loc", "scale"))
def _(ans, x, loc=0.0, scale=1.0):
    p = stats.expon.pdf(x, loc, scale)
    z = np.subtract(x, loc) / scale
    d[x] = d[ans] * p
    d[loc] = -d[ans] * p
    d[scale] = -d[ans] * (p * z)


@jvp_rule(stats.expon.cdf, broadcast=("x", "loc", "scale"))
def _(ans, x, loc=0.0, scale=1.0):
    p = stats.expon.pdf(x, loc, scale)
    z = np.subtract(x, loc) / scale
    d[ans] = p * (d[x] - d[loc] - d[scale] * z)


@vjp_rule(stats.expon.logcdf, broadcast=("x", "loc", "scale"))
def _(ans, x, loc=0.0, scale=1.0):
    p = np.exp(stats.expon.logpdf(x, loc, scale) - ans)
    z = np.subtract(x, loc) / scale
    d[x] = d[ans] * p
    d[loc] = -d[ans] * p
    d[scale] = -d[ans] * (p * z)


@jvp_rule(stats.expon.logcdf, broadcast=("x", "loc", "scale"))
def _(ans, x, loc=0.0, scale=1.0):
    p = np.exp(stats.expon.logpdf(x, loc, scale) - ans)
    z = np.subtract(x, loc) / scale
    d[ans] = p * (d[x] - d[loc] - d[scale] * z)


@vjp_rule(stats.expon.sf, broadcast=("x", "loc", "scale"))
def _(ans, x, loc=0.0, scale=1.0):
    p = -stats.expon.pdf(x, loc, scale)
    z = np.subtract(x, loc) / scale
    d[x] = d[ans] * p
    d[loc] = -d[ans] * p
    d[scale] = -d[ans] * (p * z)


@jvp_rule(stats.expon.sf, broadcast=("x", "loc", "scale"))
def _(ans, x, loc=0.0, scale=1.0):
    p = -stats.expon.pdf(x, loc, scale)
    z = np.subtract(x, loc) / scale
    d[ans] = p * (d[x] - d[loc] - d[scale] * z)


@vjp_rule(stats.expon.logsf, broadcast=("x", "loc", "scale"))
def _(ans, x, loc=0.0, scale=1.0):
    p = -np.exp(stats.expon.logpdf(x, loc, scale) - ans)
    z = np.subtract(x, loc) / scale
    d[x] = d[ans] * p
    d[loc] = -d[ans] * p
    d[scale] = -d[ans] * (p * z)


@jvp_rule(stats.expon.logsf, broadcast=("x", "loc", "scale"))
def _(ans, x, loc=0.0, scale=1.0):
    p = -np.exp(stats.expon.logpdf(x, loc, scale) - ans)
    z = np.subtract(x, loc) / scale
    d[ans] = p * (d[x] - d[loc] - d[scale] * z)


# ---------------------------------------------------------------- laplace


# log pdf = -|z| - log(2 scale).
@vjp_rule(stats.laplace.logpdf, broadcast=("x", "loc", "scale"))
def _(ans, x, loc=0.0, scale=1.0):
    z = np.subtract(x, loc) / scale
    sx = -np.sign(z) / scale
    sscale = (np.abs(z) - 1.0) / scale
    d[x] = d[ans] * sx
    d[loc] = -d[ans] * sx
    d[scale] = d[ans] * sscale


@jvp_rule(stats.laplace.logpdf, broadcast=("x", "loc", "scale"))
def _(ans, x, loc=0.0, scale=1.0):
    z = np.subtract(x, loc) / scale
    sx = -np.sign(z) / scale
    sscale = (np.abs(z) - 1.0) / scale
    d[ans] = (d[x] - d[loc]) * sx + d[scale] * sscale


@vjp_rule(stats.laplace.pdf, broadcast=("x", "loc", "scale"))
def _(ans, x, loc=0.0, scale=1.0):
    z = np.subtract(x, loc) / scale
    sx = -np.sign(z) / scale
    sscale = (np.abs(z) - 1.0) / scale
    g = d[ans] * ans
    d[x] = g * sx
    d[loc] = -g * sx
    d[scale] = g * sscale


@jvp_rule(stats.laplace.pdf, broadcast=("x", "loc", "scale"))
def _(ans, x, loc=0.0, scale=1.0):
    z = np.subtract(x, loc) / scale
    sx = -np.sign(z) / scale
    sscale = (np.abs(z) - 1.0) / scale
    d[ans] = ans * ((d[x] - d[loc]) * sx + d[scale] * sscale)


@vjp_rule(stats.laplace.cdf, broadcast=("x", "loc", "scale"))
def _(ans, x, loc=0.0, scale=1.0):
    p = stats.laplace.pdf(x, loc, scale)
    z = np.subtract(x, loc) / scale
    d[x] = d[ans] * p
    d[loc] = -d[ans] * p
    d[scale] = -d[ans] * (p * z)


@jvp_rule(stats.laplace.cdf, broadcast=("x", "loc", "scale"))
def _(ans, x, loc=0.0, scale=1.0):
    p = stats.laplace.pdf(x, loc, scale)
    z = np.subtract(x, loc) / scale
    d[ans] = p * (d[x] - d[loc] - d[scale] * z)


@vjp_rule(stats.laplace.logcdf, broadcast=("x", "loc", "scale"))
def _(ans, x, loc=0.0, scale=1.0):
    p = np.exp(stats.laplace.logpdf(x, loc, scale) - ans)
    z = np.subtract(x, loc) / scale
    d[x] = d[ans] * p
    d[loc] = -d[ans] * p
    d[scale] = -d[ans] * (p * z)


@jvp_rule(stats.laplace.logcdf, broadcast=("x", "loc", "scale"))
def _(ans, x, loc=0.0, scale=1.0):
    p = np.exp(stats.laplace.logpdf(x, loc, scale) - ans)
    z = np.subtract(x, loc) / scale
    d[ans] = p * (d[x] - d[loc] - d[scale] * z)


@vjp_rule(stats.laplace.sf, broadcast=("x", "loc", "scale"))
def _(ans, x, loc=0.0, scale=1.0):
    p = -stats.laplace.pdf(x, loc, scale)
    z = np.subtract(x, loc) / scale
    d[x] = d[ans] * p
    d[loc] = -d[ans] * p
    d[scale] = -d[ans] * (p * z)


@jvp_rule(stats.laplace.sf, broadcast=("x", "loc", "scale"))
def _(ans, x, loc=0.0, scale=1.0):
    p = -stats.laplace.pdf(x, loc, scale)
    z = np.subtract(x, loc) / scale
    d[ans] = p * (d[x] - d[loc] - d[scale] * z)


@vjp_rule(stats.laplace.logsf, broadcast=("x", "loc", "scale"))
def _(ans, x, loc=0.0, scale=1.0):
    p = -np.exp(stats.laplace.logpdf(x, loc, scale) - ans)
    z = np.subtract(x, loc) / scale
    d[x] = d[ans] * p
    d[loc] = -d[ans] * p
    d[scale] = -d[ans] * (p * z)


@jvp_rule(stats.laplace.logsf, broadcast=("x", "loc", "scale"))
def _(ans, x, loc=0.0, scale=1.0):
    p = -np.exp(stats.laplace.logpdf(x, loc, scale) - ans)
    z = np.subtract(x, loc) / scale
    d[ans] = p * (d[x] - d[loc] - d[scale] * z)


# ---------------------------------------------------------------- logistic


# log pdf = -z - 2 log(1 + exp(-z)) - log(scale), whose slope in z is -tanh(z / 2).
@vjp_rule(stats.logistic.logpdf, broadcast=("x", "loc", "scale"))
def _(ans, x, loc=0.0, scale=1.0):
    z = np.subtract(x, loc) / scale
    th = np.tanh(0.5 * z)
    sx = -th / scale
    sscale = (z * th - 1.0) / scale
    d[x] = d[ans] * sx
    d[loc] = -d[ans] * sx
    d[scale] = d[ans] * sscale


@jvp_rule(stats.logistic.logpdf, broadcast=("x", "loc", "scale"))
def _(ans, x, loc=0.0, scale=1.0):
    z = np.subtract(x, loc) / scale
    th = np.tanh(0.5 * z)
    sx = -th / scale
    sscale = (z * th - 1.0) / scale
    d[ans] = (d[x] - d[loc]) * sx + d[scale] * sscale


@vjp_rule(stats.logistic.pdf, broadcast=("x", "loc", "scale"))
def _(ans, x, loc=0.0, scale=1.0):
    z = np.subtract(x, loc) / scale
    th = np.tanh(0.5 * z)
    sx = -th / scale
    sscale = (z * th - 1.0) / scale
    g = d[ans] * ans
    d[x] = g * sx
    d[loc] = -g * sx
    d[scale] = g * sscale


@jvp_rule(stats.logistic.pdf, broadcast=("x", "loc", "scale"))
def _(ans, x, loc=0.0, scale=1.0):
    z = np.subtract(x, loc) / scale
    th = np.tanh(0.5 * z)
    sx = -th / scale
    sscale = (z * th - 1.0) / scale
    d[ans] = ans * ((d[x] - d[loc]) * sx + d[scale] * sscale)


@vjp_rule(stats.logistic.cdf, broadcast=("x", "loc", "scale"))
def _(ans, x, loc=0.0, scale=1.0):
    p = stats.logistic.pdf(x, loc, scale)
    z = np.subtract(x, loc) / scale
    d[x] = d[ans] * p
    d[loc] = -d[ans] * p
    d[scale] = -d[ans] * (p * z)


@jvp_rule(stats.logistic.cdf, broadcast=("x", "loc", "scale"))
def _(ans, x, loc=0.0, scale=1.0):
    p = stats.logistic.pdf(x, loc, scale)
    z = np.subtract(x, loc) / scale
    d[ans] = p * (d[x] - d[loc] - d[scale] * z)


@vjp_rule(stats.logistic.logcdf, broadcast=("x", "loc", "scale"))
def _(ans, x, loc=0.0, scale=1.0):
    p = np.exp(stats.logistic.logpdf(x, loc, scale) - ans)
    z = np.subtract(x, loc) / scale
    d[x] = d[ans] * p
    d[loc] = -d[ans] * p
    d[scale] = -d[ans] * (p * z)


@jvp_rule(stats.logistic.logcdf, broadcast=("x", "loc", "scale"))
def _(ans, x, loc=0.0, scale=1.0):
    p = np.exp(stats.logistic.logpdf(x, loc, scale) - ans)
    z = np.subtract(x, loc) / scale
    d[ans] = p * (d[x] - d[loc] - d[scale] * z)


@vjp_rule(stats.logistic.sf, broadcast=("x", "loc", "scale"))
def _(ans, x, loc=0.0, scale=1.0):
    p = -stats.logistic.pdf(x, loc, scale)
    z = np.subtract(x, loc) / scale
    d[x] = d[ans] * p
    d[loc] = -d[ans] * p
    d[scale] = -d[ans] * (p * z)


@jvp_rule(stats.logistic.sf, broadcast=("x", "loc", "scale"))
def _(ans, x, loc=0.0, scale=1.0):
    p = -stats.logistic.pdf(x, loc, scale)
    z = np.subtract(x, loc) / scale
    d[ans] = p * (d[x] - d[loc] - d[scale] * z)


@vjp_rule(stats.logistic.logsf, broadcast=("x", "loc", "scale"))
def _(ans, x, loc=0.0, scale=1.0):
    p = -np.exp(stats.logistic.logpdf(x, loc, scale) - ans)
    z = np.subtract(x, loc) / scale
    d[x] = d[ans] * p
    d[loc] = -d[ans] * p
    d[scale] = -d[ans] * (p * z)


@jvp_rule(stats.logistic.logsf, broadcast=("x", "loc", "scale"))
def _(ans, x, loc=0.0, scale=1.0):
    p = -np.exp(stats.logistic.logpdf(x, loc, scale) - ans)
    z = np.subtract(x, loc) / scale
    d[ans] = p * (d[x] - d[loc] - d[scale] * z)


# ---------------------------------------------------------------- cauchy


# log pdf = -log(pi) - log(1 + z^2) - log(scale).
@vjp_rule(stats.cauchy.logpdf, broadcast=("x", "loc", "scale"))
def _(ans, x, loc=0.0, scale=1.0):
    z = np.subtract(x, loc) / scale
    q = 1.0 + z * z
    sx = -2.0 * z / (q * scale)
    sscale = (z * z - 1.0) / (q * scale)
    d[x] = d[ans] * sx
    d[loc] = -d[ans] * sx
    d[scale] = d[ans] * sscale


@jvp_rule(stats.cauchy.logpdf, broadcast=("x", "loc", "scale"))
def _(ans, x, loc=0.0, scale=1.0):
    z = np.subtract(x, loc) / scale
    q = 1.0 + z * z
    sx = -2.0 * z / (q * scale)
    sscale = (z * z - 1.0) / (q * scale)
    d[ans] = (d[x] - d[loc]) * sx + d[scale] * sscale


@vjp_rule(stats.cauchy.pdf, broadcast=("x", "loc", "scale"))
def _(ans, x, loc=0.0, scale=1.0):
    z = np.subtract(x, loc) / scale
    q = 1.0 + z * z
    sx = -2.0 * z / (q * scale)
    sscale = (z * z - 1.0) / (q * scale)
    g = d[ans] * ans
    d[x] = g * sx
    d[loc] = -g * sx
    d[scale] = g * sscale


@jvp_rule(stats.cauchy.pdf, broadcast=("x", "loc", "scale"))
def _(ans, x, loc=0.0, scale=1.0):
    z = np.subtract(x, loc) / scale
    q = 1.0 + z * z
    sx = -2.0 * z / (q * scale)
    sscale = (z * z - 1.0) / (q * scale)
    d[ans] = ans * ((d[x] - d[loc]) * sx + d[scale] * sscale)


@vjp_rule(stats.cauchy.cdf, broadcast=("x", "loc", "scale"))
def _(ans, x, loc=0.0, scale=1.0):
    p = stats.cauchy.pdf(x, loc, scale)
    z = np.subtract(x, loc) / scale
    d[x] = d[ans] * p
    d[loc] = -d[ans] * p
    d[scale] = -d[ans] * (p * z)


@jvp_rule(stats.cauchy.cdf, broadcast=("x", "loc", "scale"))
def _(ans, x, loc=0.0, scale=1.0):
    p = stats.cauchy.pdf(x, loc, scale)
    z = np.subtract(x, loc) / scale
    d[ans] = p * (d[x] - d[loc] - d[scale] * z)


@vjp_rule(stats.cauchy.logcdf, broadcast=("x", "loc", "scale"))
def _(ans, x, loc=0.0, scale=1.0):
    p = np.exp(stats.cauchy.logpdf(x, loc, scale) - ans)
    z = np.subtract(x, loc) / scale
    d[x] = d[ans] * p
    d[loc] = -d[ans] * p
    d[scale] = -d[ans] * (p * z)


@jvp_rule(stats.cauchy.logcdf, broadcast=("x", "loc", "scale"))
def _(ans, x, loc=0.0, scale=1.0):
    p = np.exp(stats.cauchy.logpdf(x, loc, scale) - ans)
    z = np.subtract(x, loc) / scale
    d[ans] = p * (d[x] - d[loc] - d[scale] * z)


@vjp_rule(stats.cauchy.sf, broadcast=("x", "loc", "scale"))
def _(ans, x, loc=0.0, scale=1.0):
    p = -stats.cauchy.pdf(x, loc, scale)
    z = np.subtract(x, loc) / scale
    d[x] = d[ans] * p
    d[loc] = -d[ans] * p
    d[scale] = -d[ans] * (p * z)


@jvp_rule(stats.cauchy.sf, broadcast=("x", "loc", "scale"))
def _(ans, x, loc=0.0, scale=1.0):
    p = -stats.cauchy.pdf(x, loc, scale)
    z = np.subtract(x, loc) / scale
    d[ans] = p * (d[x] - d[loc] - d[scale] * z)


@vjp_rule(stats.cauchy.logsf, broadcast=("x", "loc", "scale"))
def _(ans, x, loc=0.0, scale=1.0):
    p = -np.exp(stats.cauchy.logpdf(x, loc, scale) - ans)
    z = np.subtract(x, loc) / scale
    d[x] = d[ans] * p
    d[loc] = -d[ans] * p
    d[scale] = -d[ans] * (p * z)


@jvp_rule(stats.cauchy.logsf, broadcast=("x", "loc", "scale"))
def _(ans, x, loc=0.0, scale=1.0):
    p = -np.exp(stats.cauchy.logpdf(x, loc, scale) - ans)
    z = np.subtract(x, loc) / scale
    d[ans] = p * (d[x] - d[loc] - d[scale] * z)
