"""The RuleSpec type and the shapes most specs share.

A spec says how to test one rule: the domain of its inputs, the argument shapes (broadcasting
pairs included), keyword variants, the order and tolerances of check_grads.
"""

from __future__ import annotations

import dataclasses

import numpy as np


@dataclasses.dataclass
class RuleSpec:
    primitive: object
    shapes: list  # each entry: a tuple of argument shapes
    domain: str = "real"  # real | positive | unit | nonzero | away_from_ties
    kwargs: list = dataclasses.field(default_factory=lambda: [{}])
    order: int = 2
    call: str | None = None  # source of the call, with a0, a1, ... for the arguments
    rtol: float | None = None
    atol: float | None = None
    modes: tuple = ("fwd", "rev")
    dtype: str = "float64"


def numpy_at_least(version: str) -> bool:
    """Whether the installed numpy is `version` or newer: some specs call newer keywords
    (functions newer numpy versions add are declared with `srcad.rules.template.optional`)."""
    return np.lib.NumpyVersion(np.__version__) >= version


UNARY = [((),), ((3,),), ((2, 3),)]
BINARY = [((3,), (3,)), ((2, 3), (3,)), ((2, 1), (1, 3)), ((), (2, 3)), ((2, 3), ())]
