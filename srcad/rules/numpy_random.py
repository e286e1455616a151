"""Reparameterized derivatives of random draws: normal, uniform and exponential.

A draw whose parameters carry a derivative is differentiated along its path, as JAX users
expect: ``normal(loc, scale) = loc + scale * z`` with the standard draw ``z`` held fixed, so
d/dloc = 1 and d/dscale = z; ``uniform(low, high) = low + (high - low) * u``, so d/dlow =
1 - u and d/dhigh = u; ``exponential(scale) = scale * e``, so d/dscale = e. The primal call
runs once, as the user wrote it (same random stream), and the templates recover the
standard draw from its result: z = (ans - loc) / scale, u = (ans - low) / (high - low),
e = ans / scale. (At scale == 0, or low == high, the standard draw is lost: the derivative
in scale, or in low and high, is NaN there, never a silent number.)

Rules cover numpy.random's module functions (np.random.normal...) and the methods of
Generator and RandomState objects (``rng.normal``, through the stand-ins of
`srcad.helpers.random`). The parameters broadcast against each other and against ``size``:
adjoints are summed back to each parameter's shape (`rt.unbroadcast`), tangents broadcast to
the draw's shape. Other distributions (gamma, beta, poisson, choice, permutation, ...) have
no rule: a draw with a differentiated parameter is refused.
"""

from __future__ import annotations

import numpy as np

from .. import runtime as rt
from .registry import draws, returns
from .template import d, jvp_rule, nb, vjp_rule

_HINT = (
    "pass the random numbers in as an argument, or draw standard ones and scale them "
    "(mu + sigma * z for a normal)"
)
draws(
    np.random.normal,
    np.random.uniform,
    np.random.exponential,
    rt.draw_normal,
    rt.draw_uniform,
    rt.draw_exponential,
    hint=_HINT,
)
# What makes a generator (srcad.analyze.kinds: its draws are these rules' methods).
returns("generator", np.random.default_rng, np.random.Generator, np.random.RandomState)


# ----------------------------------------------------------------------------- normal
@vjp_rule(np.random.normal, linear=("loc", "scale"))
def _(ans, loc=0.0, scale=1.0, size=None):
    d[loc] = rt.unbroadcast(d[ans], loc, nb)
    d[scale] = rt.unbroadcast(d[ans] * ((ans - loc) / scale), scale, nb)


@jvp_rule(np.random.normal, linear=("loc", "scale"))
def _(ans, loc=0.0, scale=1.0, size=None):
    d[ans] = rt.broadcast_batched(d[loc], loc, np.shape(ans), nb) + rt.lift(
        d[scale], scale, np.ndim(ans), nb
    ) * ((ans - loc) / scale)


@vjp_rule(rt.draw_normal, linear=("loc", "scale"))
def _(ans, generator, loc=0.0, scale=1.0, size=None):
    d[loc] = rt.unbroadcast(d[ans], loc, nb)
    d[scale] = rt.unbroadcast(d[ans] * ((ans - loc) / scale), scale, nb)


@jvp_rule(rt.draw_normal, linear=("loc", "scale"))
def _(ans, generator, loc=0.0, scale=1.0, size=None):
    d[ans] = rt.broadcast_batched(d[loc], loc, np.shape(ans), nb) + rt.lift(
        d[scale], scale, np.ndim(ans), nb
    ) * ((ans - loc) / scale)


# ----------------------------------------------------------------------------- uniform
@vjp_rule(np.random.uniform, linear=("low", "high"))
def _(ans, low=0.0, high=1.0, size=None):
    u = (ans - low) / (high - low)
    d[low] = rt.unbroadcast(d[ans] * (1.0 - u), low, nb)
    d[high] = rt.unbroadcast(d[ans] * u, high, nb)


@jvp_rule(np.random.uniform, linear=("low", "high"))
def _(ans, low=0.0, high=1.0, size=None):
    u = (ans - low) / (high - low)
    d[ans] = (
        rt.lift(d[low], low, np.ndim(ans), nb) * (1.0 - u)
        + rt.lift(d[high], high, np.ndim(ans), nb) * u
    )


@vjp_rule(rt.draw_uniform, linear=("low", "high"))
def _(ans, generator, low=0.0, high=1.0, size=None):
    u = (ans - low) / (high - low)
    d[low] = rt.unbroadcast(d[ans] * (1.0 - u), low, nb)
    d[high] = rt.unbroadcast(d[ans] * u, high, nb)


@jvp_rule(rt.draw_uniform, linear=("low", "high"))
def _(ans, generator, low=0.0, high=1.0, size=None):
    u = (ans - low) / (high - low)
    d[ans] = (
        rt.lift(d[low], low, np.ndim(ans), nb) * (1.0 - u)
        + rt.lift(d[high], high, np.ndim(ans), nb) * u
    )


# ----------------------------------------------------------------------------- exponential
@vjp_rule(np.random.exponential, linear=("scale",))
def _(ans, scale=1.0, size=None):
    d[scale] = rt.unbroadcast(d[ans] * (ans / scale), scale, nb)


@jvp_rule(np.random.exponential, linear=("scale",))
def _(ans, scale=1.0, size=None):
    d[ans] = rt.lift(d[scale], scale, np.ndim(ans), nb) * (ans / scale)


@vjp_rule(rt.draw_exponential, linear=("scale",))
def _(ans, generator, scale=1.0, size=None):
    d[scale] = rt.unbroadcast(d[ans] * (ans / scale), scale, nb)


@jvp_rule(rt.draw_exponential, linear=("scale",))
def _(ans, generator, scale=1.0, size=None):
    d[ans] = rt.lift(d[scale], scale, np.ndim(ans), nb) * (ans / scale)
