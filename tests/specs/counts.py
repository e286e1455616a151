"""Rule specs: np.bincount's weights (srcad.rules.numpy_counts).

Collected by tests/rule_specs.py.
"""

from __future__ import annotations

import numpy as np

from . import RuleSpec

SPECS: list[RuleSpec] = [
    RuleSpec(
        np.bincount,
        [((5,),)],
        call="np.bincount(np.array([0, 2, 2, 1, 0]), weights=a0)",
    ),
    RuleSpec(
        np.bincount,
        [((5,),)],
        call="np.bincount(np.array([3, 1, 1, 3, 0]), a0, minlength=6) * np.arange(1.0, 7.0)",
    ),
]
