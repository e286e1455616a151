"""Rule specs: elementwise functions (ufuncs, where, clip, complex parts).

Collected by tests/rule_specs.py.
"""

from __future__ import annotations

import numpy as np  # noqa: F401

from srcad import runtime as rt  # noqa: F401

from . import BINARY, UNARY, RuleSpec  # noqa: F401

SPECS: list[RuleSpec] = [
    # elementwise arithmetic
    RuleSpec(np.add, BINARY),
    RuleSpec(np.subtract, BINARY),
    RuleSpec(np.multiply, BINARY),
    RuleSpec(np.true_divide, BINARY, domain="nonzero"),
    RuleSpec(np.negative, UNARY),
    RuleSpec(np.power, [((3,), (3,)), ((2, 3), ()), ((), (3,))], domain="positive"),
    RuleSpec(np.square, UNARY),
    RuleSpec(np.mod, [((3,), (3,))], domain="positive", call="np.mod(a0 * 3.0 + 0.1, a1)"),
    # unary
    RuleSpec(np.exp, UNARY),
    RuleSpec(np.log, UNARY, domain="positive"),
    RuleSpec(np.sqrt, UNARY, domain="positive"),
    RuleSpec(np.sin, UNARY),
    RuleSpec(np.cos, UNARY),
    RuleSpec(np.tan, UNARY, domain="unit"),
    RuleSpec(np.tanh, UNARY),
    RuleSpec(np.absolute, UNARY, domain="nonzero"),
    RuleSpec(np.maximum, BINARY, domain="away_from_ties"),
    RuleSpec(np.minimum, BINARY, domain="away_from_ties"),
    RuleSpec(
        np.where,
        [((3,), (3,), (3,)), ((2, 3), (3,), ()), ((), (2, 3), (3,))],
        call="np.where(a0 > 0, a1, a2)",
    ),
]
