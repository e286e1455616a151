"""A 30-line user function for measuring srcad's transformation cost: an MLP with a loop of
shared-weight layers, branches on a Python flag and on data, and a log-softmax loss."""

from __future__ import annotations

import numpy as np


def sample_loss(W_in, b_in, W_hid, b_hid, W_out, x, y, depth=3, leak=0.1):
    # Standardize the inputs (data, not differentiated).
    mu = np.mean(x, axis=0)
    sd = np.std(x, axis=0) + 1e-6
    x = (x - mu) / sd
    h = np.tanh(x @ W_in + b_in)
    # Hidden layers share weights; even layers are residual, odd ones averaged.
    for i in range(depth):
        a = h @ W_hid + b_hid
        if leak > 0.0:
            a = np.maximum(a, leak * a)
        else:
            a = np.maximum(a, 0.0)
        if i % 2 == 0:
            h = h + a
        else:
            h = 0.5 * (h + a)
    logits = h @ W_out
    # Log-softmax, shifted by the row maximum so exp cannot overflow.
    m = np.max(logits, axis=1, keepdims=True)
    z = logits - m
    lse = np.log(np.sum(np.exp(z), axis=1, keepdims=True))
    nll = -np.mean(np.sum((z - lse) * y, axis=1))
    reg = 0.0
    for W in (W_in, W_hid, W_out):
        reg = reg + np.sum(W * W)
    scale = np.sqrt(np.mean(h * h))
    if scale > 10.0:
        nll = nll + 1e-3 * scale
    return nll + 1e-4 * reg


WRT = (0, 1, 2, 3, 4)  # the weights and biases


def sample_args(rng, batch=4, inputs=5, hidden=6, classes=3):
    """Small arrays: the measurements here are about srcad's own overhead, not numpy's."""
    return (
        rng.standard_normal((inputs, hidden)) * 0.5,
        rng.standard_normal(hidden) * 0.1,
        rng.standard_normal((hidden, hidden)) * 0.5,
        rng.standard_normal(hidden) * 0.1,
        rng.standard_normal((hidden, classes)) * 0.5,
        rng.standard_normal((batch, inputs)),
        np.eye(classes)[rng.integers(0, classes, batch)],
    )


def tiny(x):
    return np.sum(x * x)


def sums(W_in, b_in, W_hid, b_hid, W_out, x, y):
    """sample_loss's arguments with a gradient that costs a few µs: the wrapper's own cost
    per call stands out of the timing noise here, not next to a 300 µs gradient."""
    return np.sum(W_in) + np.sum(b_in) + np.sum(W_hid) + np.sum(b_hid) + np.sum(W_out)
