"""Derivative rules of np.bincount: a weighted count is a sum of the weights in each bin.

``ans = np.bincount(x, weights=w, minlength=n)`` adds ``w[i]`` into bin ``x[i]``: linear in
the weights, so the jvp counts the tangents the same way (into as many bins as the result
has: ``minlength`` and the largest index both count) and the vjp reads each weight's bin,
``d[w] = d[ans][x]``. The integer positions carry no derivative; without weights the result
is a count of integers, with none.
"""

from __future__ import annotations

import numpy as np

from .template import d, jvp_rule, nb, static, vjp_rule


@vjp_rule(np.bincount, linear=("weights",))
def _(ans, x, weights=None, minlength=0):
    d[weights] = d[ans][..., x]


@jvp_rule(np.bincount, linear=("weights",))
def _(ans, x, weights=None, minlength=0):
    if static(nb == 0):
        d[ans] = np.bincount(x, weights=d[weights], minlength=np.shape(ans)[0])
    else:
        # one count per direction: the tangents times the one-hot matrix of the bins
        d[ans] = np.matmul(
            d[weights], 1.0 * (np.reshape(x, (-1, 1)) == np.arange(np.shape(ans)[0]))
        )
