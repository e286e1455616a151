"""`np.result_type` for values that may be Python lists or tuples.

np.result_type reads a list as a dtype specification (a record's fields), so
``np.result_type([0.5, 1.5])`` raises; user code passes lists to numpy functions
(``np.std([x, y])``), and their derivative helpers receive them as they are.
"""

from __future__ import annotations

import numpy as np


def result_type(*values):
    return np.result_type(*[np.asarray(v) if isinstance(v, (list, tuple)) else v for v in values])
