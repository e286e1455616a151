"""Shared stand-ins for the data and random-number objects of the ported examples."""

from __future__ import annotations

import numpy as np

AUTOGRAD = "https://github.com/HIPS/autograd/blob/bff107b8d71a444a1160deade3e1cbd0b92f4fa6/"
JAX = "https://github.com/jax-ml/jax/blob/3bd8ca480a5ed0d88c19a821d53324759db0bc35/"
SCIPY = "https://github.com/scipy/scipy/blob/3e671535216614b3308918f128305f68fd90f3f8/"


def rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


class FrozenNoise:
    """Stands in for the examples' npr.RandomState: randn/rand draw the same seeded
    numbers at every call, so an objective that samples is a deterministic function of its
    parameters (what finite differences, and a derivative, need)."""

    def __init__(self, seed: int):
        self.seed = seed

    def randn(self, *shape):
        return np.random.default_rng(self.seed).standard_normal(shape)

    def rand(self, *shape):
        return np.random.default_rng(self.seed).random(shape)
