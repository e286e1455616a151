"""Rule specs: products (matmul, dot, einsum, tensordot, inner, outer, kron, cross).

Collected by tests/rule_specs.py.
"""

from __future__ import annotations

import numpy as np  # noqa: F401

from srcad import runtime as rt  # noqa: F401

from . import BINARY, UNARY, RuleSpec  # noqa: F401

SPECS: list[RuleSpec] = [
    # products
    RuleSpec(
        np.matmul,
        [
            ((2, 3), (3, 4)),
            ((3,), (3, 4)),
            ((2, 3), (3,)),
            ((3,), (3,)),
            ((5, 2, 3), (3, 4)),
            ((2, 3), (5, 3, 4)),
        ],
    ),
    RuleSpec(
        np.dot,
        [
            ((2, 3), (3, 4)),
            ((3,), (3, 4)),
            ((2, 3), (3,)),
            ((3,), (3,)),
            ((), (3,)),
            ((2, 2, 3), (4, 3, 2)),
        ],
    ),
]
