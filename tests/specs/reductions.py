"""Rule specs: reductions (sum, mean, prod, max, var, cumsum, norm...).

Collected by tests/rule_specs.py.
"""

from __future__ import annotations

import numpy as np  # noqa: F401

from srcad import runtime as rt  # noqa: F401

from . import BINARY, UNARY, RuleSpec  # noqa: F401

SPECS: list[RuleSpec] = [
    # reductions
    RuleSpec(
        np.sum,
        [((2, 3),), ((4,),)],
        kwargs=[{}, {"axis": 0}, {"axis": -1}, {"axis": 0, "keepdims": True}],
    ),
    RuleSpec(
        np.mean,
        [((2, 3),)],
        kwargs=[{}, {"axis": 1}, {"axis": (0, 1)}, {"axis": 0, "keepdims": True}],
    ),
]
