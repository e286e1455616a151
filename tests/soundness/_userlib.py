"""A small user library that corpus functions import (code srcad follows into): helpers
that change their arguments, and module attributes that procedures swap."""

import numpy as np

act = np.tanh
SCALE = 2.0


def normalize_(v):
    v /= np.sqrt(np.sum(v * v))


def push(items, value):
    items.append(value)


def scale_rows_(m, s):
    for i in range(m.shape[0]):
        m[i] *= s


def apply(x):
    return act(x) * SCALE


def layer(x, w):
    return act(w @ x)
