"""Rules for scipy.stats: the densities, distribution functions and their logarithms (pdf,
logpdf, cdf, logcdf, sf, logsf; pmf, logpmf for discrete ones) of norm, t, gamma, beta,
expon, laplace, logistic, cauchy, lognorm, uniform, chi2, poisson and binom, and the
densities of dirichlet and multivariate_normal.

They are methods of scipy's distribution objects, registered as such (`stats.norm.logpdf`,
a bound method, is keyed by its object and function) and called as users call them:
``stats.t.logpdf(x, df, loc, scale)``, shape parameters by position or by name, ``loc=``
and ``scale=`` by keyword, arguments broadcasting against each other.

With z = (x - loc) / scale, every continuous family here is f(z) / scale. The rules of
logpdf and pdf write the score of each parameter in closed form: ``sx`` in x (minus it in
loc), ``sscale`` in scale, one per shape parameter. Those of cdf, sf and their logarithms
use the density, ``pdf(x)`` in x, ``-pdf(x)`` in loc and ``-pdf(x) z`` in scale (over the
cdf or sf for the logarithms, as ``exp(logpdf - ans)``, finite in the far tails). A cdf's
derivative in a shape parameter (t's df, gamma's a, beta's a and b, chi2's df) has no closed
form: it is refused. Discrete distributions have a derivative in their real parameter only
(poisson's mu, binom's p): k and loc are integers, on which the functions are piecewise
constant, and binom's integer n is refused. The derivative of a cdf in mu or p is again a
probability mass (the cdf of a Poisson is an incomplete gamma function in mu, that of a
binomial an incomplete beta function in p).

This module holds norm, t, gamma, beta and uniform; importing it registers the others too:
`srcad.rules.scipy.stats_location_scale` (expon, laplace, logistic, cauchy) and
`srcad.rules.scipy.stats_more` (lognorm, chi2, poisson, binom, dirichlet,
multivariate_normal).
"""

from __future__ import annotations

import math

import numpy as np
import scipy.special as sc
from scipy import stats

from ... import runtime as rt
from ..template import d, jvp_rule, nb, vjp_rule

SQRT_2PI = math.sqrt(2.0 * math.pi)
NO_CLOSED_FORM = "the derivative of a distribution function in a shape parameter has no closed form"
INTEGER = "an integer parameter"

# ---------------------------------------------------------------- norm


# log pdf = -z^2 / 2 - log(scale) - log(2 pi) / 2.
@vjp_rule(stats.norm.logpdf, broadcast=("x", "loc", "scale"))
def _(ans, x, loc=0.0, scale=1.0):
    z = np.subtract(x, loc) / scale
    sx = -z / scale
    sscale = (z * z - 1.0) / scale
    d[x] = d[ans] * sx
    d[loc] = -d[ans] * sx
    d[scale] = d[ans] * sscale


@jvp_rule(stats.norm.logpdf, broadcast=("x", "loc", "scale"))
def _(ans, x, loc=0.0, scale=1.0):
    z = np.subtract(x, loc) / scale
    sx = -z / scale
    sscale = (z * z - 1.0) / scale
    d[ans] = (d[x] - d[loc]) * sx + d[scale] * sscale


@vjp_rule(stats.norm.pdf, broadcast=("x", "loc", "scale"))
def _(ans, x, loc=0.0, scale=1.0):
    z = np.subtract(x, loc) / scale
    sx = -z / scale
    sscale = (z * z - 1.0) / scale
    g = d[ans] * ans
    d[x] = g * sx
    d[loc] = -g * sx
    d[scale] = g * sscale


@jvp_rule(stats.norm.pdf, broadcast=("x", "loc", "scale"))
def _(ans, x, loc=0.0, scale=1.0):
    z = np.subtract(x, loc) / scale
    sx = -z / scale
    sscale = (z * z - 1.0) / scale
    d[ans] = ans * ((d[x] - d[loc]) * sx + d[scale] * sscale)


@vjp_rule(stats.norm.cdf, broadcast=("x", "loc", "scale"))
def _(ans, x, loc=0.0, scale=1.0):
    p = stats.norm.pdf(x, loc, scale)
    z = np.subtract(x, loc) / scale
    d[x] = d[ans] * p
    d[loc] = -d[ans] * p
    d[scale] = -d[ans] * (p * z)


@jvp_rule(stats.norm.cdf, broadcast=("x", "loc", "scale"))
def _(ans, x, loc=0.0, scale=1.0):
    p = stats.norm.pdf(x, loc, scale)
    z = np.subtract(x, loc) / scale
    d[ans] = p * (d[x] - d[loc] - d[scale] * z)


@vjp_rule(stats.norm.logcdf, broadcast=("x", "loc", "scale"))
def _(ans, x, loc=0.0, scale=1.0):
    p = np.exp(stats.norm.logpdf(x, loc, scale) - ans)
    z = np.subtract(x, loc) / scale
    d[x] = d[ans] * p
    d[loc] = -d[ans] * p
    d[scale] = -d[ans] * (p * z)


@jvp_rule(stats.norm.logcdf, broadcast=("x", "loc", "scale"))
def _(ans, x, loc=0.0, scale=1.0):
    p = np.exp(stats.norm.logpdf(x, loc, scale) - ans)
    z = np.subtract(x, loc) / scale
    d[ans] = p * (d[x] - d[loc] - d[scale] * z)


@vjp_rule(stats.norm.sf, broadcast=("x", "loc", "scale"))
def _(ans, x, loc=0.0, scale=1.0):
    p = -stats.norm.pdf(x, loc, scale)
    z = np.subtract(x, loc) / scale
    d[x] = d[ans] * p
    d[loc] = -d[ans] * p
    d[scale] = -d[ans] * (p * z)


@jvp_rule(stats.norm.sf, broadcast=("x", "loc", "scale"))
def _(ans, x, loc=0.0, scale=1.0):
    p = -stats.norm.pdf(x, loc, scale)
    z = np.subtract(x, loc) / scale
    d[ans] = p * (d[x] - d[loc] - d[scale] * z)


@vjp_rule(stats.norm.logsf, broadcast=("x", "loc", "scale"))
def _(ans, x, loc=0.0, scale=1.0):
    p = -np.exp(stats.norm.logpdf(x, loc, scale) - ans)
    z = np.subtract(x, loc) / scale
    d[x] = d[ans] * p
    d[loc] = -d[ans] * p
    d[scale] = -d[ans] * (p * z)


@jvp_rule(stats.norm.logsf, broadcast=("x", "loc", "scale"))
def _(ans, x, loc=0.0, scale=1.0):
    p = -np.exp(stats.norm.logpdf(x, loc, scale) - ans)
    z = np.subtract(x, loc) / scale
    d[ans] = p * (d[x] - d[loc] - d[scale] * z)


# ---------------------------------------------------------------- t


# log pdf = log Gamma((df + 1) / 2) - log Gamma(df / 2) - log(pi df) / 2 - log(scale)
#   - (df + 1) / 2 log(1 + z^2 / df).
@vjp_rule(stats.t.logpdf, broadcast=("x", "df", "loc", "scale"))
def _(ans, x, df, loc=0.0, scale=1.0):
    z = np.subtract(x, loc) / scale
    w = df + z * z
    sx = -(df + 1.0) * z / (w * scale)
    sscale = df * (z * z - 1.0) / (w * scale)
    sdf = 0.5 * (
        sc.digamma(0.5 * (df + 1.0))
        - sc.digamma(0.5 * df)
        - 1.0 / df
        - np.log1p(z * z / df)
        + (df + 1.0) * z * z / (df * w)
    )
    d[x] = d[ans] * sx
    d[loc] = -d[ans] * sx
    d[scale] = d[ans] * sscale
    d[df] = d[ans] * sdf


@jvp_rule(stats.t.logpdf, broadcast=("x", "df", "loc", "scale"))
def _(ans, x, df, loc=0.0, scale=1.0):
    z = np.subtract(x, loc) / scale
    w = df + z * z
    sx = -(df + 1.0) * z / (w * scale)
    sscale = df * (z * z - 1.0) / (w * scale)
    sdf = 0.5 * (
        sc.digamma(0.5 * (df + 1.0))
        - sc.digamma(0.5 * df)
        - 1.0 / df
        - np.log1p(z * z / df)
        + (df + 1.0) * z * z / (df * w)
    )
    d[ans] = (d[x] - d[loc]) * sx + d[scale] * sscale + d[df] * sdf


@vjp_rule(stats.t.pdf, broadcast=("x", "df", "loc", "scale"))
def _(ans, x, df, loc=0.0, scale=1.0):
    z = np.subtract(x, loc) / scale
    w = df + z * z
    sx = -(df + 1.0) * z / (w * scale)
    sscale = df * (z * z - 1.0) / (w * scale)
    sdf = 0.5 * (
        sc.digamma(0.5 * (df + 1.0))
        - sc.digamma(0.5 * df)
        - 1.0 / df
        - np.log1p(z * z / df)
        + (df + 1.0) * z * z / (df * w)
    )
    g = d[ans] * ans
    d[x] = g * sx
    d[loc] = -g * sx
    d[scale] = g * sscale
    d[df] = g * sdf


@jvp_rule(stats.t.pdf, broadcast=("x", "df", "loc", "scale"))
def _(ans, x, df, loc=0.0, scale=1.0):
    z = np.subtract(x, loc) / scale
    w = df + z * z
    sx = -(df + 1.0) * z / (w * scale)
    sscale = df * (z * z - 1.0) / (w * scale)
    sdf = 0.5 * (
        sc.digamma(0.5 * (df + 1.0))
        - sc.digamma(0.5 * df)
        - 1.0 / df
        - np.log1p(z * z / df)
        + (df + 1.0) * z * z / (df * w)
    )
    d[ans] = ans * ((d[x] - d[loc]) * sx + d[scale] * sscale + d[df] * sdf)


@vjp_rule(stats.t.cdf, broadcast=("x", "df", "loc", "scale"), refuse={"df": NO_CLOSED_FORM})
def _(ans, x, df, loc=0.0, scale=1.0):
    p = stats.t.pdf(x, df, loc, scale)
    z = np.subtract(x, loc) / scale
    d[x] = d[ans] * p
    d[loc] = -d[ans] * p
    d[scale] = -d[ans] * (p * z)


@jvp_rule(stats.t.cdf, broadcast=("x", "df", "loc", "scale"), refuse={"df": NO_CLOSED_FORM})
def _(ans, x, df, loc=0.0, scale=1.0):
    p = stats.t.pdf(x, df, loc, scale)
    z = np.subtract(x, loc) / scale
    d[ans] = p * (d[x] - d[loc] - d[scale] * z)


@vjp_rule(stats.t.logcdf, broadcast=("x", "df", "loc", "scale"), refuse={"df": NO_CLOSED_FORM})
def _(ans, x, df, loc=0.0, scale=1.0):
    p = np.exp(stats.t.logpdf(x, df, loc, scale) - ans)
    z = np.subtract(x, loc) / scale
    d[x] = d[ans] * p
    d[loc] = -d[ans] * p
    d[scale] = -d[ans] * (p * z)


@jvp_rule(stats.t.logcdf, broadcast=("x", "df", "loc", "scale"), refuse={"df": NO_CLOSED_FORM})
def _(ans, x, df, loc=0.0, scale=1.0):
    p = np.exp(stats.t.logpdf(x, df, loc, scale) - ans)
    z = np.subtract(x, loc) / scale
    d[ans] = p * (d[x] - d[loc] - d[scale] * z)


@vjp_rule(stats.t.sf, broadcast=("x", "df", "loc", "scale"), refuse={"df": NO_CLOSED_FORM})
def _(ans, x, df, loc=0.0, scale=1.0):
    p = -stats.t.pdf(x, df, loc, scale)
    z = np.subtract(x, loc) / scale
    d[x] = d[ans] * p
    d[loc] = -d[ans] * p
    d[scale] = -d[ans] * (p * z)


@jvp_rule(stats.t.sf, broadcast=("x", "df", "loc", "scale"), refuse={"df": NO_CLOSED_FORM})
def _(ans, x, df, loc=0.0, scale=1.0):
    p = -stats.t.pdf(x, df, loc, scale)
    z = np.subtract(x, loc) / scale
    d[ans] = p * (d[x] - d[loc] - d[scale] * z)


@vjp_rule(stats.t.logsf, broadcast=("x", "df", "loc", "scale"), refuse={"df": NO_CLOSED_FORM})
def _(ans, x, df, loc=0.0, scale=1.0):
    p = -np.exp(stats.t.logpdf(x, df, loc, scale) - ans)
    z = np.subtract(x, loc) / scale
    d[x] = d[ans] * p
    d[loc] = -d[ans] * p
    d[scale] = -d[ans] * (p * z)


@jvp_rule(stats.t.logsf, broadcast=("x", "df", "loc", "scale"), refuse={"df": NO_CLOSED_FORM})
def _(ans, x, df, loc=0.0, scale=1.0):
    p = -np.exp(stats.t.logpdf(x, df, loc, scale) - ans)
    z = np.subtract(x, loc) / scale
    d[ans] = p * (d[x] - d[loc] - d[scale] * z)


# ---------------------------------------------------------------- gamma


# log pdf = (a - 1) log z - z - log Gamma(a) - log(scale).
@vjp_rule(stats.gamma.logpdf, broadcast=("x", "a", "loc", "scale"))
def _(ans, x, a, loc=0.0, scale=1.0):
    z = np.subtract(x, loc) / scale
    sx = ((a - 1.0) / z - 1.0) / scale
    sscale = (z - a) / scale
    sa = np.log(z) - sc.digamma(a)
    d[x] = d[ans] * sx
    d[loc] = -d[ans] * sx
    d[scale] = d[ans] * sscale
    d[a] = d[ans] * sa


@jvp_rule(stats.gamma.logpdf, broadcast=("x", "a", "loc", "scale"))
def _(ans, x, a, loc=0.0, scale=1.0):
    z = np.subtract(x, loc) / scale
    sx = ((a - 1.0) / z - 1.0) / scale
    sscale = (z - a) / scale
    sa = np.log(z) - sc.digamma(a)
    d[ans] = (d[x] - d[loc]) * sx + d[scale] * sscale + d[a] * sa


@vjp_rule(stats.gamma.pdf, broadcast=("x", "a", "loc", "scale"))
def _(ans, x, a, loc=0.0, scale=1.0):
    z = np.subtract(x, loc) / scale
    sx = ((a - 1.0) / z - 1.0) / scale
    sscale = (z - a) / scale
    sa = np.log(z) - sc.digamma(a)
    g = d[ans] * ans
    d[x] = g * sx
    d[loc] = -g * sx
    d[scale] = g * sscale
    d[a] = g * sa


@jvp_rule(stats.gamma.pdf, broadcast=("x", "a", "loc", "scale"))
def _(ans, x, a, loc=0.0, scale=1.0):
    z = np.subtract(x, loc) / scale
    sx = ((a - 1.0) / z - 1.0) / scale
    sscale = (z - a) / scale
    sa = np.log(z) - sc.digamma(a)
    d[ans] = ans * ((d[x] - d[loc]) * sx + d[scale] * sscale + d[a] * sa)


@vjp_rule(stats.gamma.cdf, broadcast=("x", "a", "loc", "scale"), refuse={"a": NO_CLOSED_FORM})
def _(ans, x, a, loc=0.0, scale=1.0):
    p = stats.gamma.pdf(x, a, loc, scale)
    z = np.subtract(x, loc) / scale
    d[x] = d[ans] * p
    d[loc] = -d[ans] * p
    d[scale] = -d[ans] * (p * z)


@jvp_rule(stats.gamma.cdf, broadcast=("x", "a", "loc", "scale"), refuse={"a": NO_CLOSED_FORM})
def _(ans, x, a, loc=0.0, scale=1.0):
    p = stats.gamma.pdf(x, a, loc, scale)
    z = np.subtract(x, loc) / scale
    d[ans] = p * (d[x] - d[loc] - d[scale] * z)


@vjp_rule(stats.gamma.logcdf, broadcast=("x", "a", "loc", "scale"), refuse={"a": NO_CLOSED_FORM})
def _(ans, x, a, loc=0.0, scale=1.0):
    p = np.exp(stats.gamma.logpdf(x, a, loc, scale) - ans)
    z = np.subtract(x, loc) / scale
    d[x] = d[ans] * p
    d[loc] = -d[ans] * p
    d[scale] = -d[ans] * (p * z)


@jvp_rule(stats.gamma.logcdf, broadcast=("x", "a", "loc", "scale"), refuse={"a": NO_CLOSED_FORM})
def _(ans, x, a, loc=0.0, scale=1.0):
    p = np.exp(stats.gamma.logpdf(x, a, loc, scale) - ans)
    z = np.subtract(x, loc) / scale
    d[ans] = p * (d[x] - d[loc] - d[scale] * z)


@vjp_rule(stats.gamma.sf, broadcast=("x", "a", "loc", "scale"), refuse={"a": NO_CLOSED_FORM})
def _(ans, x, a, loc=0.0, scale=1.0):
    p = -stats.gamma.pdf(x, a, loc, scale)
    z = np.subtract(x, loc) / scale
    d[x] = d[ans] * p
    d[loc] = -d[ans] * p
    d[scale] = -d[ans] * (p * z)


@jvp_rule(stats.gamma.sf, broadcast=("x", "a", "loc", "scale"), refuse={"a": NO_CLOSED_FORM})
def _(ans, x, a, loc=0.0, scale=1.0):
    p = -stats.gamma.pdf(x, a, loc, scale)
    z = np.subtract(x, loc) / scale
    d[ans] = p * (d[x] - d[loc] - d[scale] * z)


@vjp_rule(stats.gamma.logsf, broadcast=("x", "a", "loc", "scale"), refuse={"a": NO_CLOSED_FORM})
def _(ans, x, a, loc=0.0, scale=1.0):
    p = -np.exp(stats.gamma.logpdf(x, a, loc, scale) - ans)
    z = np.subtract(x, loc) / scale
    d[x] = d[ans] * p
    d[loc] = -d[ans] * p
    d[scale] = -d[ans] * (p * z)


@jvp_rule(stats.gamma.logsf, broadcast=("x", "a", "loc", "scale"), refuse={"a": NO_CLOSED_FORM})
def _(ans, x, a, loc=0.0, scale=1.0):
    p = -np.exp(stats.gamma.logpdf(x, a, loc, scale) - ans)
    z = np.subtract(x, loc) / scale
    d[ans] = p * (d[x] - d[loc] - d[scale] * z)


# ---------------------------------------------------------------- beta


# log pdf = (a - 1) log z + (b - 1) log(1 - z) - log B(a, b) - log(scale).
@vjp_rule(stats.beta.logpdf, broadcast=("x", "a", "b", "loc", "scale"))
def _(ans, x, a, b, loc=0.0, scale=1.0):
    z = np.subtract(x, loc) / scale
    psi_ab = sc.digamma(a + b)
    sz = (a - 1.0) / z - (b - 1.0) / (1.0 - z)
    sx = sz / scale
    sscale = -(1.0 + z * sz) / scale
    sa = np.log(z) - sc.digamma(a) + psi_ab
    sb = np.log1p(-z) - sc.digamma(b) + psi_ab
    d[x] = d[ans] * sx
    d[loc] = -d[ans] * sx
    d[scale] = d[ans] * sscale
    d[a] = d[ans] * sa
    d[b] = d[ans] * sb


@jvp_rule(stats.beta.logpdf, broadcast=("x", "a", "b", "loc", "scale"))
def _(ans, x, a, b, loc=0.0, scale=1.0):
    z = np.subtract(x, loc) / scale
    psi_ab = sc.digamma(a + b)
    sz = (a - 1.0) / z - (b - 1.0) / (1.0 - z)
    sx = sz / scale
    sscale = -(1.0 + z * sz) / scale
    sa = np.log(z) - sc.digamma(a) + psi_ab
    sb = np.log1p(-z) - sc.digamma(b) + psi_ab
    d[ans] = (d[x] - d[loc]) * sx + d[scale] * sscale + d[a] * sa + d[b] * sb


@vjp_rule(stats.beta.pdf, broadcast=("x", "a", "b", "loc", "scale"))
def _(ans, x, a, b, loc=0.0, scale=1.0):
    z = np.subtract(x, loc) / scale
    psi_ab = sc.digamma(a + b)
    sz = (a - 1.0) / z - (b - 1.0) / (1.0 - z)
    sx = sz / scale
    sscale = -(1.0 + z * sz) / scale
    sa = np.log(z) - sc.digamma(a) + psi_ab
    sb = np.log1p(-z) - sc.digamma(b) + psi_ab
    g = d[ans] * ans
    d[x] = g * sx
    d[loc] = -g * sx
    d[scale] = g * sscale
    d[a] = g * sa
    d[b] = g * sb


@jvp_rule(stats.beta.pdf, broadcast=("x", "a", "b", "loc", "scale"))
def _(ans, x, a, b, loc=0.0, scale=1.0):
    z = np.subtract(x, loc) / scale
    psi_ab = sc.digamma(a + b)
    sz = (a - 1.0) / z - (b - 1.0) / (1.0 - z)
    sx = sz / scale
    sscale = -(1.0 + z * sz) / scale
    sa = np.log(z) - sc.digamma(a) + psi_ab
    sb = np.log1p(-z) - sc.digamma(b) + psi_ab
    d[ans] = ans * ((d[x] - d[loc]) * sx + d[scale] * sscale + d[a] * sa + d[b] * sb)


@vjp_rule(
    stats.beta.cdf,
    broadcast=("x", "a", "b", "loc", "scale"),
    refuse={"a": NO_CLOSED_FORM, "b": NO_CLOSED_FORM},
)
def _(ans, x, a, b, loc=0.0, scale=1.0):
    p = stats.beta.pdf(x, a, b, loc, scale)
    z = np.subtract(x, loc) / scale
    d[x] = d[ans] * p
    d[loc] = -d[ans] * p
    d[scale] = -d[ans] * (p * z)


@jvp_rule(
    stats.beta.cdf,
    broadcast=("x", "a", "b", "loc", "scale"),
    refuse={"a": NO_CLOSED_FORM, "b": NO_CLOSED_FORM},
)
def _(ans, x, a, b, loc=0.0, scale=1.0):
    p = stats.beta.pdf(x, a, b, loc, scale)
    z = np.subtract(x, loc) / scale
    d[ans] = p * (d[x] - d[loc] - d[scale] * z)


@vjp_rule(
    stats.beta.logcdf,
    broadcast=("x", "a", "b", "loc", "scale"),
    refuse={"a": NO_CLOSED_FORM, "b": NO_CLOSED_FORM},
)
def _(ans, x, a, b, loc=0.0, scale=1.0):
    p = np.exp(stats.beta.logpdf(x, a, b, loc, scale) - ans)
    z = np.subtract(x, loc) / scale
    d[x] = d[ans] * p
    d[loc] = -d[ans] * p
    d[scale] = -d[ans] * (p * z)


@jvp_rule(
    stats.beta.logcdf,
    broadcast=("x", "a", "b", "loc", "scale"),
    refuse={"a": NO_CLOSED_FORM, "b": NO_CLOSED_FORM},
)
def _(ans, x, a, b, loc=0.0, scale=1.0):
    p = np.exp(stats.beta.logpdf(x, a, b, loc, scale) - ans)
    z = np.subtract(x, loc) / scale
    d[ans] = p * (d[x] - d[loc] - d[scale] * z)


@vjp_rule(
    stats.beta.sf,
    broadcast=("x", "a", "b", "loc", "scale"),
    refuse={"a": NO_CLOSED_FORM, "b": NO_CLOSED_FORM},
)
def _(ans, x, a, b, loc=0.0, scale=1.0):
    p = -stats.beta.pdf(x, a, b, loc, scale)
    z = np.subtract(x, loc) / scale
    d[x] = d[ans] * p
    d[loc] = -d[ans] * p
    d[scale] = -d[ans] * (p * z)


@jvp_rule(
    stats.beta.sf,
    broadcast=("x", "a", "b", "loc", "scale"),
    refuse={"a": NO_CLOSED_FORM, "b": NO_CLOSED_FORM},
)
def _(ans, x, a, b, loc=0.0, scale=1.0):
    p = -stats.beta.pdf(x, a, b, loc, scale)
    z = np.subtract(x, loc) / scale
    d[ans] = p * (d[x] - d[loc] - d[scale] * z)


@vjp_rule(
    stats.beta.logsf,
    broadcast=("x", "a", "b", "loc", "scale"),
    refuse={"a": NO_CLOSED_FORM, "b": NO_CLOSED_FORM},
)
def _(ans, x, a, b, loc=0.0, scale=1.0):
    p = -np.exp(stats.beta.logpdf(x, a, b, loc, scale) - ans)
    z = np.subtract(x, loc) / scale
    d[x] = d[ans] * p
    d[loc] = -d[ans] * p
    d[scale] = -d[ans] * (p * z)


@jvp_rule(
    stats.beta.logsf,
    broadcast=("x", "a", "b", "loc", "scale"),
    refuse={"a": NO_CLOSED_FORM, "b": NO_CLOSED_FORM},
)
def _(ans, x, a, b, loc=0.0, scale=1.0):
    p = -np.exp(stats.beta.logpdf(x, a, b, loc, scale) - ans)
    z = np.subtract(x, loc) / scale
    d[ans] = p * (d[x] - d[loc] - d[scale] * z)


# ---------------------------------------------------------------- uniform


# log pdf = -log(scale) on [loc, loc + scale]: flat in x and loc.
@vjp_rule(stats.uniform.logpdf, broadcast=("x", "loc", "scale"))
def _(ans, x, loc=0.0, scale=1.0):
    sscale = -1.0 / scale
    d[scale] = d[ans] * sscale


@jvp_rule(stats.uniform.logpdf, broadcast=("x", "loc", "scale"))
def _(ans, x, loc=0.0, scale=1.0):
    sscale = -1.0 / scale
    d[ans] = rt.fit(d[scale] * sscale, ans, nb)


@vjp_rule(stats.uniform.pdf, broadcast=("x", "loc", "scale"))
def _(ans, x, loc=0.0, scale=1.0):
    sscale = -1.0 / scale
    g = d[ans] * ans
    d[scale] = g * sscale


@jvp_rule(stats.uniform.pdf, broadcast=("x", "loc", "scale"))
def _(ans, x, loc=0.0, scale=1.0):
    sscale = -1.0 / scale
    d[ans] = rt.fit(ans * (d[scale] * sscale), ans, nb)


@vjp_rule(stats.uniform.cdf, broadcast=("x", "loc", "scale"))
def _(ans, x, loc=0.0, scale=1.0):
    p = stats.uniform.pdf(x, loc, scale)
    z = np.subtract(x, loc) / scale
    d[x] = d[ans] * p
    d[loc] = -d[ans] * p
    d[scale] = -d[ans] * (p * z)


@jvp_rule(stats.uniform.cdf, broadcast=("x", "loc", "scale"))
def _(ans, x, loc=0.0, scale=1.0):
    p = stats.uniform.pdf(x, loc, scale)
    z = np.subtract(x, loc) / scale
    d[ans] = p * (d[x] - d[loc] - d[scale] * z)


@vjp_rule(stats.uniform.logcdf, broadcast=("x", "loc", "scale"))
def _(ans, x, loc=0.0, scale=1.0):
    p = np.exp(stats.uniform.logpdf(x, loc, scale) - ans)
    z = np.subtract(x, loc) / scale
    d[x] = d[ans] * p
    d[loc] = -d[ans] * p
    d[scale] = -d[ans] * (p * z)


@jvp_rule(stats.uniform.logcdf, broadcast=("x", "loc", "scale"))
def _(ans, x, loc=0.0, scale=1.0):
    p = np.exp(stats.uniform.logpdf(x, loc, scale) - ans)
    z = np.subtract(x, loc) / scale
    d[ans] = p * (d[x] - d[loc] - d[scale] * z)


@vjp_rule(stats.uniform.sf, broadcast=("x", "loc", "scale"))
def _(ans, x, loc=0.0, scale=1.0):
    p = -stats.uniform.pdf(x, loc, scale)
    z = np.subtract(x, loc) / scale
    d[x] = d[ans] * p
    d[loc] = -d[ans] * p
    d[scale] = -d[ans] * (p * z)


@jvp_rule(stats.uniform.sf, broadcast=("x", "loc", "scale"))
def _(ans, x, loc=0.0, scale=1.0):
    p = -stats.uniform.pdf(x, loc, scale)
    z = np.subtract(x, loc) / scale
    d[ans] = p * (d[x] - d[loc] - d[scale] * z)


@vjp_rule(stats.uniform.logsf, broadcast=("x", "loc", "scale"))
def _(ans, x, loc=0.0, scale=1.0):
    p = -np.exp(stats.uniform.logpdf(x, loc, scale) - ans)
    z = np.subtract(x, loc) / scale
    d[x] = d[ans] * p
    d[loc] = -d[ans] * p
    d[scale] = -d[ans] * (p * z)


@jvp_rule(stats.uniform.logsf, broadcast=("x", "loc", "scale"))
def _(ans, x, loc=0.0, scale=1.0):
    p = -np.exp(stats.uniform.logpdf(x, loc, scale) - ans)
    z = np.subtract(x, loc) / scale
    d[ans] = p * (d[x] - d[loc] - d[scale] * z)


# The rest of the distributions, in modules of their own (they register on import).
from . import stats_location_scale, stats_more  # noqa: E402, F401
