"""Stand-ins for the random draws of a Generator or RandomState (re-exported by
srcad.runtime).

``rng.normal(mu, s, 3)`` on a local generator is a method call whose receiver srcad knows
by its kind; the method table maps it to `draw_normal`, which only carries the derivative
rules (srcad.rules.numpy_random). Generated primal code keeps the user's call,
``rng.normal(mu, s, 3)``: the generator is called exactly as the user's function calls it,
once, so the random stream is the same with and without srcad.
"""

from __future__ import annotations


def draw_normal(generator, loc=0.0, scale=1.0, size=None):
    """``generator.normal(loc, scale, size)``: what ``rng.normal(...)`` stands for."""
    return generator.normal(loc, scale, size)


def draw_uniform(generator, low=0.0, high=1.0, size=None):
    """``generator.uniform(low, high, size)``: what ``rng.uniform(...)`` stands for."""
    return generator.uniform(low, high, size)


def draw_exponential(generator, scale=1.0, size=None):
    """``generator.exponential(scale, size)``: what ``rng.exponential(...)`` stands for."""
    return generator.exponential(scale, size)
