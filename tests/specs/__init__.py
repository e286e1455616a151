"""The RuleSpec type and the shapes most specs share.

A spec says how to test one rule: the domain of its inputs, the argument shapes (broadcasting
pairs included), keyword variants, the order and tolerances of check_grads.
"""

from __future__ import annotations

import dataclasses


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


UNARY = [((),), ((3,),), ((2, 3),)]
BINARY = [((3,), (3,)), ((2, 3), (3,)), ((2, 1), (1, 3)), ((), (2, 3)), ((2, 3), ())]
