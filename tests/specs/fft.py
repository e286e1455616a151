"""Rule specs: numpy.fft.

Collected by tests/rule_specs.py.
"""

from __future__ import annotations

import numpy as np  # noqa: F401

from srcad import runtime as rt  # noqa: F401

from . import BINARY, UNARY, RuleSpec  # noqa: F401

SPECS: list[RuleSpec] = []
