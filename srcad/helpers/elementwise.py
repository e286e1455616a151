"""Run-time helpers for the elementwise rules (re-exported by srcad.runtime)."""

from __future__ import annotations

import numpy as np  # noqa: F401
