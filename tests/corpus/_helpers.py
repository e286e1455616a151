"""Helpers the other corpus modules import, so that calls cross a module boundary.

Not a corpus module of its own: CASES is empty (the corpus test imports every module here).
"""

import numpy as np

CASES = []


def softplus(x):
    # The stable form people copy from papers: no overflow for large x.
    return np.logaddexp(0.0, x)


def activation(x, kind="tanh"):
    if kind == "tanh":
        return np.tanh(x)
    elif kind == "softplus":
        return softplus(x)
    return x


def dense(h, W, b, kind="tanh"):
    return activation(h @ W + b, kind=kind)


def sum_of_squares(x, weight=1.0):
    return weight * np.sum(x * x)


def split_halves(x):
    n = x.shape[0] // 2
    return x[:n], x[n:]


def horner(coeffs, x):
    # Highest power first, as np.polyval orders its coefficients.
    y = 0.0 * x
    for c in coeffs:
        y = y * x + c
    return y


def make_scaler(s):
    def scale(t):
        return t * s

    return scale


class Standardizer:
    """A plain class with state set once at import time, as a preprocessing object would be."""

    def __init__(self, mean, std):
        self.mean = mean
        self.std = std

    def transform(self, x):
        return (x - self.mean) / self.std


STANDARDIZER = Standardizer(np.array([0.1, -0.2, 0.3]), np.array([1.5, 0.5, 2.0]))
