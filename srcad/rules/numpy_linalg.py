"""Rules for numpy.linalg."""

from __future__ import annotations

import numpy as np  # noqa: F401

from .. import runtime as rt  # noqa: F401
from .template import d, jvp_rule, nb, nondiff, returns, static, vjp_rule  # noqa: F401
