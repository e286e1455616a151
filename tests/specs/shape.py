"""Rule specs: shape and indexing functions.

Collected by tests/rule_specs.py.
"""

from __future__ import annotations

import numpy as np  # noqa: F401

from srcad import runtime as rt  # noqa: F401

from . import BINARY, UNARY, RuleSpec  # noqa: F401

SPECS: list[RuleSpec] = [
    # shapes
    RuleSpec(np.reshape, [((2, 3),)], call="np.reshape(a0, (3, 2))"),
    RuleSpec(np.transpose, [((2, 3),), ((2, 3, 4),)], kwargs=[{}]),
    RuleSpec(np.transpose, [((2, 3, 4),)], call="np.transpose(a0, (1, 2, 0))"),
    RuleSpec(np.broadcast_to, [((3,),), ((2, 1),)], call="np.broadcast_to(a0, (4, 2, 3))"),
]
