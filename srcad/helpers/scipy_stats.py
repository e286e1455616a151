"""Run-time helpers for the scipy.stats rules (`srcad.rules.scipy.stats` calls them as
``sh.<name>``; they use numpy only, so importing srcad never imports scipy).

`scipy.stats.multivariate_normal` reads its arguments in ways the derivative must follow:
the dimension comes from `mean` (or `cov`), `x` is read as points along its last axis, and
`cov` may be a number (a multiple of the identity), a vector (a diagonal) or a matrix, of
which scipy's `eigh` reads the lower triangle only. `mvn_cov` is that reading of `cov` as a
full symmetric matrix: linear in `cov`, with `mvn_cov_vjp` its transpose (rules for both
next to the stats rules, so generated code differentiates again).
"""

from __future__ import annotations

import numpy as np


def mvn_dim(mean, cov):
    """The dimension scipy.stats.multivariate_normal infers from `mean` and `cov`."""
    if mean is not None:
        return int(np.size(mean))
    return int(np.shape(cov)[0]) if np.ndim(cov) >= 2 else 1


def mvn_cov(cov, dim, batch=0):
    """The covariance matrix scipy reads from `cov` (with `batch` leading direction axes):
    ``cov * I`` for a number, ``diag(cov)`` for a vector, and for a matrix the symmetric
    matrix of its lower triangle."""
    cov = np.asarray(cov)
    core = cov.ndim - batch
    if core == 0:
        return cov[..., None, None] * np.eye(dim, dtype=_float(cov))
    if core == 1:
        return cov[..., None] * np.eye(dim, dtype=_float(cov))
    lower = np.tril(cov)
    return lower + np.swapaxes(np.tril(cov, -1), -1, -2)


def mvn_cov_vjp(g, core):
    """The transpose of `mvn_cov`: a matrix cotangent `g` (with any leading axes) as the
    cotangent of a `cov` of `core` dimensions (0, 1 or 2)."""
    g = np.asarray(g)
    if core == 0:
        return np.trace(g, axis1=-2, axis2=-1)
    if core == 1:
        return np.diagonal(g, axis1=-2, axis2=-1)
    return np.tril(g) + np.tril(np.swapaxes(g, -1, -2), -1)


def _float(x):
    return x.dtype if np.issubdtype(x.dtype, np.inexact) else np.float64
